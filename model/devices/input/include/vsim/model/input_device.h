// InputDevice: the virtio input device (id 18) as a keyboard, mouse or tablet. eventq (0) buffers are held until
// the host injects events; statusq (1) messages (LED state, ...) are recorded for the host. The configuration
// structure answers select/subsel queries from the personality (InputConfig).
//
// Host side: inject events (or whole updates), schedule them at simulated times (a script), pump() to deliver due
// scripted events, read back what the driver sent on the statusq.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "vsim/model/device_logic.h"
#include "vsim/model/device_queue.h"
#include "vsim/model/input_config.h"
#include "vsim/model/input_events.h"
#include "vsim/model/input_identity.h"

namespace vsim::model {

/// One statusq message as the device received it.
struct InputStatusRecord {
  uint64_t atPs = 0;  ///< simulated time it was handled
  input::Event ev;
};

class InputDevice final : public DeviceLogic {
 public:
  /// nowPs: simulated time source (the board's clock); none = time stands at 0 (only unscheduled injection).
  explicit InputDevice(const InputParams& p = {}, std::function<uint64_t()> nowPs = {});

  // --- DeviceLogic ---
  void attach(DeviceCore& core) override { core_ = &core; }
  uint16_t deviceId() const override { return input::kDeviceId; }
  std::string name() const override { return "input"; }
  uint64_t deviceFeatures() const override { return 0; }  // the input device defines no feature bits
  uint16_t numQueues() const override { return 2; }
  uint16_t queueMaxSize(uint16_t) const override { return p_.queueSize; }
  uint32_t configSize() const override { return input::cfg::kConfigBytes; }
  void readConfig(uint32_t off, void* dst, uint32_t len) override;
  bool writeConfig(uint32_t off, const void* src, uint32_t len) override;
  ChainResult handle(DeviceCore& core, uint16_t q, const Chain& c, uint32_t& written) override;
  void onDriverOk(DeviceCore& core) override;
  void onReset() override;
  void onQueueReset(uint16_t q) override;
  /// The CPU waits for an interrupt: deliver scripted events that fell due (same as pump()).
  void poll(DeviceCore& core) override {
    core_ = &core;
    pump();
  }

  // --- host side: events ---
  /// Stage one event; EV_SYN/SYN_REPORT completes the update, which is then delivered (or dropped whole when
  /// the eventq and the event buffer have no room for it).
  void inject(const input::Event& e);
  void inject(uint16_t type, uint16_t code, int32_t value) { inject(input::Event{type, code, value}); }
  /// EV_SYN / SYN_REPORT: end of one update.
  void syn() { inject(input::ev::kSyn, input::code::kSynReport, 0); }
  /// The events followed by SYN_REPORT.
  void injectUpdate(const std::vector<input::Event>& events);
  /// Conveniences (each one update): key/button press (down) or release; relative motion; absolute position.
  void key(uint16_t code, bool down) { injectUpdate({{input::ev::kKey, code, down ? 1 : 0}}); }
  void moveRel(int32_t dx, int32_t dy);
  void moveAbs(int32_t x, int32_t y);
  /// Schedule e at simulated time atPs (delivered by pump() or with the next buffer the driver offers once due).
  void schedule(uint64_t atPs, const input::Event& e);
  void schedule(const std::vector<TimedInputEvent>& script);
  /// Parse a script (parseInputScript) and schedule it; times are relative to `basePs`.
  void loadScript(const std::string& text, uint64_t basePs = 0);
  /// Deliver scripted events due by now (time source) and whatever is queued, into the buffers available.
  void pump() { pumpAt(now()); }
  void pumpAt(uint64_t nowPs);
  /// When the next scripted event is due (UINT64_MAX when none is left).
  uint64_t nextScriptedAtPs() const { return script_.nextAtPs(); }

  // --- host side: what the driver sent and state ---
  const std::vector<InputStatusRecord>& statusLog() const { return status_; }
  /// LED state from EV_LED status messages: bit n = LED n on.
  uint64_t ledState() const { return leds_; }
  bool led(uint16_t code) const { return code < 64 && ((leds_ >> code) & 1u); }
  const InputIdentity& identity() const { return config_.identity(); }
  const InputConfig& config() const { return config_; }
  const InputParams& params() const { return p_; }
  /// eventq buffers held for events (malformed ones waiting for their turn to be returned not counted).
  size_t eventBuffersHeld() const { return usable_; }
  size_t eventsWaiting() const { return events_.ready(); }

  struct Stats {
    uint64_t eventsInjected = 0;
    uint64_t eventsDelivered = 0;
    uint64_t updatesDropped = 0;
    uint64_t eventsDropped = 0;
    uint64_t statusReceived = 0;
    uint64_t buffersRejected = 0;  ///< malformed eventq / statusq buffers returned unused
  };
  Stats stats() const;

 private:
  uint64_t now() const { return nowPs_ ? nowPs_() : 0; }
  bool usable() const;
  ChainResult handleEvent(DeviceCore& core, const Chain& c, uint32_t& written);
  ChainResult handleStatus(DeviceCore& core, const Chain& c);
  /// Commit events into the queue (reporting a starved eventq) without touching the rings.
  void enqueue(const input::Event& e);
  /// Take due scripted events into the queue.
  void takeScripted(uint64_t nowPs);
  /// Complete held buffers with queued events; returns whether any was completed (no notification decision).
  bool deliver();
  /// Pop eventq buffers the driver made available but did not notify, while events wait for them.
  void pullBuffers();
  void report(const char* clause, const char* kind, std::string message, std::vector<Evidence> ev);

  InputParams p_;
  std::function<uint64_t()> nowPs_;
  DeviceCore* core_ = nullptr;
  InputConfig config_;
  InputEventQueue events_;
  InputScript script_;
  struct HeldBuf {
    Chain chain;
    bool reject;  ///< malformed: returned unused (0 bytes) when its turn comes, so the order of use is kept
  };
  /// Drop held buffers that belong to an earlier incarnation of the eventq (disabled and enabled again).
  void forgetStale();
  std::deque<HeldBuf> bufs_;  ///< eventq buffers held, in the order they were popped
  size_t usable_ = 0;         ///< entries of bufs_ that can take an event
  const DeviceQueue* heldOn_ = nullptr;  ///< the eventq engine the held buffers came from
  std::vector<InputStatusRecord> status_;
  uint64_t leds_ = 0;
  bool starvedReported_ = false;  ///< a dropped update was reported; re-armed when a buffer arrives
  bool handling_ = false;         ///< inside handle(): never pop from the rings
  Stats stats_;
};

}  // namespace vsim::model

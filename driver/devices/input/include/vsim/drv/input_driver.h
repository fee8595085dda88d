// InputDriver: the virtio input device (type 18): eventq (0) of device-writable event buffers kept populated,
// statusq (1) for LED and other feedback, and the select/subsel configuration queries.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vsim/drv/device.h"
#include "vsim/drv/discover.h"
#include "vsim/drv/input_abi.h"

namespace vsim::drv {

struct InputDriverOptions {
  uint32_t eventBuffers = 0;   ///< eventq buffers kept posted (8 bytes each); 0 = the eventq size
  uint32_t statusBuffers = 8;  ///< statusq messages that may be in flight at once
  /// At bring-up, query combinations no device can support (UNSET, an undefined selector, out-of-range event
  /// type / axis, a non-zero subsel where it must be 0) and report any non-zero size.
  bool probeUnsupported = true;
  bool readAbsInfo = true;     ///< read ABS_INFO for every axis EV_ABS advertises
};

/// The answer to one configuration query.
struct InputConfigAnswer {
  uint8_t size = 0;                 ///< as the device reported it (capped at 128 for data)
  std::array<uint8_t, 128> data{};  ///< the first `size` bytes of the union
};

struct InputDevIds {
  uint16_t bustype = 0, vendor = 0, product = 0, version = 0;
};
struct InputAbsInfo {
  uint32_t min = 0, max = 0, fuzz = 0, flat = 0, res = 0;
};

/// What the device said about itself at bring-up.
struct InputInfo {
  std::string name, serial;
  bool hasDevids = false;
  InputDevIds devids;
  std::vector<uint8_t> props;
  std::map<uint8_t, std::vector<uint8_t>> evBits;  ///< event types with a non-zero size only
  std::map<uint8_t, InputAbsInfo> abs;
  bool supports(uint16_t type, uint16_t code) const;
};

class InputDriver {
 public:
  static constexpr uint16_t kDeviceType = 18;

  /// Open a discovered input device: queries its configuration and posts the eventq buffers during the
  /// device-specific setup step (before DRIVER_OK). nullptr when it is not an input device or did not initialise.
  static std::unique_ptr<InputDriver> open(Hal& hal, const DiscoveredDevice& d, DriverOptions opts, ViolationSink& sink,
                                           InputDriverOptions io = {});

  /// One configuration query: select, then subsel, then size, then (when size > 0) the union.
  bool query(uint8_t select, uint8_t subsel, InputConfigAnswer* out);
  const InputInfo& info() const { return info_; }

  /// Events that arrived, in order, up to max; waits up to timeoutNs (simulated) for the first one. Every buffer
  /// taken is posted again at once.
  size_t readEvents(input::Event* out, size_t max, uint64_t timeoutNs);
  /// Same without waiting.
  size_t pollEvents(input::Event* out, size_t max) { return readEvents(out, max, 0); }

  /// Send one statusq message and wait (up to timeoutNs) until the device has returned its buffer.
  bool sendStatus(const input::Event& e, uint64_t timeoutNs);
  /// EV_LED message for one LED.
  bool setLed(uint16_t led, bool on, uint64_t timeoutNs) {
    return sendStatus(input::Event{input::ev::kLed, led, on ? 1 : 0}, timeoutNs);
  }

  Device& device() { return *dev_; }
  bool ok() const { return dev_ && dev_->live() && ready_; }
  uint64_t eventsReceived() const { return events_; }
  uint64_t shortEvents() const { return short_; }  ///< eventq buffers returned with fewer than 8 bytes
  uint64_t statusSent() const { return statusSent_; }

 private:
  InputDriver(Hal& hal, InputDriverOptions io) : hal_(hal), io_(io) {}
  bool setup(Device& dev);
  bool queryOn(Device& dev, uint8_t select, uint8_t subsel, InputConfigAnswer* out);
  bool readInfo(Device& dev);
  void probeUnsupported(Device& dev);
  bool postEvent(Device& dev, uint32_t slot);
  void reclaimStatus();
  size_t drain(input::Event* out, size_t max);

  Hal& hal_;
  InputDriverOptions io_;
  std::unique_ptr<Device> dev_;
  InputInfo info_;
  bool ready_ = false;
  uint64_t eventDma_ = 0, statusDma_ = 0;
  uint32_t eventSlots_ = 0, statusSlots_ = 0;
  std::vector<bool> statusBusy_;
  uint64_t events_ = 0, short_ = 0, statusSent_ = 0;
};

}  // namespace vsim::drv

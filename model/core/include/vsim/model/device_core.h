// DeviceCore: the transport-independent half of every virtio device: status state machine and reset, feature
// negotiation over 128 bits, queue configuration and the ring engines, config space with its generation counter,
// notifications in both directions and DEVICE_NEEDS_RESET. Transports (PCI modern/legacy, MMIO v2/v1) are register
// front-ends that call into it; device types plug in as DeviceLogic.
//
// Driver-normative initialisation rules the core can observe are checked here and reported with their clause IDs;
// transport-specific rules (register widths, PCI/MMIO queue register rules) are checked by the transports.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vsim/guest_memory.h"
#include "vsim/model/device_logic.h"
#include "vsim/model/device_queue.h"
#include "vsim/model/personality.h"
#include "vsim/violation.h"

namespace vsim::model {

enum class IrqKind : uint8_t { Queue, Config };

/// Receives the device's notifications to the driver; the transport turns them into ISR bits and INTx/level lines
/// or MSI-X messages.
class IrqSink {
 public:
  virtual ~IrqSink() = default;
  virtual void raise(IrqKind kind, uint16_t queue) = 0;
};

/// Receives notable events for tracing (status changes, resets, notifications); optional.
class CoreObserver {
 public:
  virtual ~CoreObserver() = default;
  virtual void onStatus(uint8_t oldStatus, uint8_t newStatus) { (void)oldStatus, (void)newStatus; }
  virtual void onDriverNotify(uint16_t q, bool hasData, uint32_t data) { (void)q, (void)hasData, (void)data; }
  virtual void onUsedNotify(uint16_t q) { (void)q; }
  virtual void onConfigNotify() {}
  virtual void onChainDone(uint16_t q, const Chain& c, uint32_t written) { (void)q, (void)c, (void)written; }
};

struct CoreOptions {
  /// Transport/ring feature bits offered on top of the device type's own (modern drivers).
  uint64_t ringFeatures = 0;  // 0 = kDefaultRingFeatures
  /// The device refuses FEATURES_OK when the accepted subset is invalid (strict; the spec allows it).
  bool refuseInvalidFeatures = true;
  /// Offer VIRTIO_F_SUSPEND (bit 43) on modern interfaces and honour the SUSPEND status bit.
  bool suspend = true;
  /// Legal-but-unusual behaviour to shake out driver bugs (default: none).
  Personality personality;
};

/// Per-queue state that the transport registers expose.
struct QueueState {
  uint16_t maxSize = 0;
  uint16_t size = 0;
  uint64_t desc = 0, driver = 0, device = 0;
  bool enabled = false;
  std::unique_ptr<DeviceQueue> engine;
};

class DeviceCore {
 public:
  static const uint64_t kDefaultRingFeatures;

  DeviceCore(DeviceLogic& logic, GuestMemory& mem, ViolationSink& sink, const CoreOptions& opts = {});
  ~DeviceCore();
  DeviceCore(const DeviceCore&) = delete;
  DeviceCore& operator=(const DeviceCore&) = delete;

  DeviceLogic& logic() { return logic_; }
  GuestMemory& memory() { return mem_; }
  ViolationSink& sink() { return sink_; }

  /// @name Legacy personality: set by the transport when a legacy (0.9.5 / MMIO v1) driver drives the device.
  /// @{
  void setLegacy(bool legacy) { legacy_ = legacy; }
  bool legacy() const { return legacy_; }
  /// @}

  /// @name Device status
  /// @{
  uint8_t readStatus();  ///< the driver's read (side effects: FEATURES_OK re-read, reset observed)
  void writeStatus(uint8_t v);
  uint8_t status() const { return status_; }
  bool driverOk() const { return (status_ & 4) != 0; }
  bool needsReset() const { return (status_ & 64) != 0; }
  /// VIRTIO_F_SUSPEND: the device presents SUSPEND=1 / DRIVER_OK=0 and touches neither queues nor interrupts.
  bool suspended() const { return suspended_; }
  /// Device reset (status 0 written, or a transport reset).
  void reset();
  /// @}

  /// @name Features
  /// @{
  uint64_t offeredFeatures() const;
  uint32_t readDeviceFeatures(uint32_t select) const;
  void writeDriverFeatures(uint32_t select, uint32_t value);
  uint32_t readDriverFeatures(uint32_t select) const;
  uint64_t driverFeatures() const { return driverFeatures_; }
  /// Feature bits 64..127 (bit 0 = feature 64): offered, written by the driver, negotiated.
  uint64_t offeredFeaturesHigh() const;
  uint64_t driverFeaturesHigh() const { return driverFeaturesHi_; }
  uint64_t negotiatedHigh() const { return negotiatedHi_; }
  /// What both sides agreed (valid once FEATURES_OK was accepted, or a legacy driver set DRIVER_OK).
  uint64_t negotiated() const { return negotiated_; }
  bool has(unsigned bit) const {
    return bit < 64 ? ((negotiated_ >> bit) & 1u) != 0 : bit < 128 && ((negotiatedHi_ >> (bit - 64)) & 1u) != 0;
  }
  /// @}

  /// @name Device configuration space
  /// @{
  uint32_t configSize() const { return logic_.configSize(); }
  uint8_t configGeneration() const { return generation_; }
  /// The driver's read of config_generation / ConfigGeneration (transports call this, not configGeneration()).
  uint8_t readGeneration();
  /// Driver read; false if [off, off+len) is outside the config space (the caller reports it).
  bool readConfig(uint32_t off, void* dst, uint32_t len);
  /// Driver write; checks the initialisation rule on config writes; false if outside the config space.
  bool writeConfig(uint32_t off, const void* src, uint32_t len);
  /// Device side: the config changed (bumps the generation and notifies the driver after DRIVER_OK).
  void configChanged();
  /// @}

  /// @name Queues
  /// @{
  uint16_t numQueues() const { return static_cast<uint16_t>(queues_.size()); }
  QueueState& queue(uint16_t q) { return queues_.at(q); }
  /// Enable q with its current size/addresses; builds the ring engine. False (and DEVICE_NEEDS_RESET) if unusable.
  bool enableQueue(uint16_t q);
  /// Disable q (legacy MMIO QueueReady=0 / PFN=0): forget its ring state.
  void disableQueue(uint16_t q);
  /// VIRTIO_F_RING_RESET: reset q to its defaults.
  void resetQueue(uint16_t q);
  DeviceQueue* engine(uint16_t q) { return q < queues_.size() ? queues_[q].engine.get() : nullptr; }
  /// @}

  /// @name Notifications and processing
  /// @{
  /// Available buffer notification for q (already decoded by the transport). Processes at once unless manual.
  void notify(uint16_t q, bool hasData, uint32_t data);
  /// Timed shells process request by request: notify() then only records work; they call processOne().
  void setManualProcessing(bool manual) { manual_ = manual; }
  /// Pop, handle and return one chain of q. False when nothing was done (empty, not ready, broken).
  bool processOne(uint16_t q);
  /// Process until q is empty, then decide on one used buffer notification.
  void processAll(uint16_t q);
  /// Used buffer notification decision for q (after completions); raises the interrupt if due.
  void signalUsed(uint16_t q);
  /// Return a chain the logic deferred.
  void complete(uint16_t q, const Chain& c, uint32_t written, bool signal = true);
  /// Chains notified but not processed (timed mode bookkeeping): true if q has a pending notification.
  bool pending(uint16_t q) const { return q < pending_.size() && pending_[q]; }
  void clearPending(uint16_t q) {
    if (q < pending_.size()) pending_[q] = false;
  }
  /// @}

  /// @name Interrupts, observers, violations
  /// @{
  void setIrqSink(IrqSink* s) { irq_ = s; }
  void setObserver(CoreObserver* o) { obs_ = o; }
  /// Report a driver violation; with needsReset the device enters DEVICE_NEEDS_RESET.
  void violate(const char* clause, const char* kind, std::string message, std::vector<Evidence> ev,
               bool needsReset = false);
  /// Enter DEVICE_NEEDS_RESET (and tell the driver after DRIVER_OK).
  void setNeedsReset();
  /// @}

  struct Stats {
    uint64_t driverNotifications = 0;
    uint64_t usedNotifications = 0;
    uint64_t configNotifications = 0;
    uint64_t chainsDone = 0;
    uint64_t resets = 0;
    uint64_t suspends = 0;
    uint64_t resumes = 0;
  };
  const Stats& stats() const { return stats_; }

 private:
  void raise(IrqKind kind, uint16_t q);
  bool acceptFeatures();
  /// @name VIRTIO_F_SUSPEND (device_suspend.cpp)
  /// @{
  /// The driver wrote v with SUSPEND newly set. True when the write was fully handled (suspended, or failed to);
  /// false when it was not taken: SUSPEND is then dropped from v and writeStatus() processes the rest.
  bool requestSuspend(uint8_t old, uint8_t& v);
  /// A status write while suspended (resume, FAILED, a repeat).
  void writeStatusSuspended(uint8_t v);
  void suspend();
  void resume();
  /// Where each queue's driver had got to when the device suspended (split: avail idx; packed: descriptor flags).
  void markAvail();
  /// Queues whose driver made buffers available since markAvail().
  uint32_t availSinceMark();
  /// @}
  void afterChainDone();
  /// Personality: push the completions held for q (reversed with out_of_order unless IN_ORDER was negotiated).
  void flushHeld(uint16_t q);
  struct Held {
    Chain chain;
    uint32_t written;
  };
  std::vector<std::vector<Held>> held_;  // per queue, personality batching only
  uint32_t churnLeft_ = 0;
  int64_t wideReadStart_ = -1;  // a >32-bit field read piecewise, waiting for the driver's generation re-read
  void checkWideRead(const char* before);
  uint64_t doneSinceReset_ = 0;

  DeviceLogic& logic_;
  GuestMemory& mem_;
  ViolationSink& sink_;
  CoreOptions opts_;
  IrqSink* irq_ = nullptr;
  CoreObserver* obs_ = nullptr;
  bool legacy_ = false;
  bool manual_ = false;
  uint8_t status_ = 0;
  uint8_t generation_ = 0;
  uint64_t driverFeatures_ = 0;
  uint64_t negotiated_ = 0;
  uint64_t driverFeaturesHi_ = 0, negotiatedHi_ = 0;  // feature bits 64..127
  bool featuresOkReread_ = false;  // the driver read status after setting FEATURES_OK
  bool warnedNeedsReset_ = false;
  // VIRTIO_F_SUSPEND state
  bool suspended_ = false;
  bool suspendUnread_ = false;    // SUSPEND written, status not read since
  bool resumeUnread_ = false;     // resumed, status not read since
  bool configDeferred_ = false;   // a configuration change happened while suspended
  std::vector<std::vector<uint8_t>> availMark_;  // per queue, see markAvail()
  struct Stashed {
    uint16_t q;
    Chain chain;
    uint32_t written;
  };
  std::vector<Stashed> stashed_;  // completions the logic handed over while suspended
  std::vector<QueueState> queues_;
  std::vector<bool> pending_;
  Chain chain_;  // reused for every pop
  Stats stats_;
};

}  // namespace vsim::model

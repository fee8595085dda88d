// drv::Device: the generic virtio driver for one device, over any Transport.
//
// init() runs the initialisation sequence in the order of the spec's "Device Initialization" (reset, ACKNOWLEDGE,
// DRIVER, features, FEATURES_OK and its re-read, device-specific setup incl. the virtqueues, DRIVER_OK; FAILED on
// error); on a legacy transport the FEATURES_OK steps are left out. Afterwards it offers kick(), interrupt
// processing (poll()), configuration reads under the generation counter, DEVICE_NEEDS_RESET detection and
// recover(). One thread at a time (like the DriverQueues it owns).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "vsim/drv/driver_queue.h"
#include "vsim/drv/transport.h"

namespace vsim::drv {

class Device;

/// Driver policy: which optional features to accept (each only when offered and the transport can drive it),
/// how many queues, sizes, interrupts, time limits.
struct DriverOptions {
  bool ringPacked = true;        ///< VIRTIO_F_RING_PACKED
  bool eventIdx = true;          ///< VIRTIO_F_EVENT_IDX
  bool indirect = true;          ///< VIRTIO_F_INDIRECT_DESC
  bool inOrder = false;          ///< VIRTIO_F_IN_ORDER
  bool notificationData = false; ///< VIRTIO_F_NOTIFICATION_DATA
  bool ringReset = true;         ///< VIRTIO_F_RING_RESET
  bool notifConfigData = true;   ///< VIRTIO_F_NOTIF_CONFIG_DATA (PCI modern only)
  bool accessPlatform = true;    ///< VIRTIO_F_ACCESS_PLATFORM (the HAL's DMA addresses are bus addresses)
  bool orderPlatform = true;     ///< VIRTIO_F_ORDER_PLATFORM (our barriers are the hardware-grade ones)
  bool suspend = true;           ///< VIRTIO_F_SUSPEND (modern interfaces; lets suspend() / resume() work)
  /// Device-type feature bits the device driver understands (only bits 0..23, 41, 42 and 50..63 are taken).
  uint64_t deviceFeatures = 0;
  /// Feature bits 64..127 the device driver understands (bit 0 = feature 64); modern interfaces only. The words
  /// above bit 63 are read and written only when this is not 0.
  uint64_t deviceFeaturesHigh = 0;
  /// Queues to set up: -1 = every queue the device has (num_queues; MMIO / legacy: until QueueSizeMax reads 0).
  int numQueues = -1;
  uint32_t maxQueueSize = 256;   ///< cap on the size chosen for each queue (split: rounded down to a power of 2)
  bool forceLegacy = false;      ///< open(): drive a transitional PCI device through its legacy interface
  InterruptMode interrupts = InterruptMode::Auto;
  uint64_t resetTimeoutNs = 100'000'000;  ///< device / queue reset must read back 0 within this (simulated) time
  uint64_t needsResetGraceNs = 1'000'000; ///< time the device has to notify a DEVICE_NEEDS_RESET we saw
  uint64_t suspendTimeoutNs = 100'000'000; ///< suspend() / resume() must show in the status within this time
  bool verifyConfigGeneration = true;     ///< re-read configuration to catch changes without a new generation
  DriverQueueOptions queueOptions;
  bool initialize = true;                 ///< open(): run init() before returning
  /// Device-specific setup, run after the queues are set up and before DRIVER_OK. False = give up (FAILED).
  std::function<bool(Device&)> setup;
  /// Device-specific feature choice in step 4 (the configuration may be read): gets the offered features and the
  /// subset the driver would accept, returns the subset to write. Empty = accept that subset.
  std::function<uint64_t(Device&, uint64_t offered, uint64_t accepted)> chooseFeatures;
};

enum class DeviceState : uint8_t {
  Uninitialized,  ///< not initialised yet (or shut down)
  Live,           ///< DRIVER_OK set
  Failed,         ///< initialisation failed; FAILED set (failure() says why)
  NeedsReset,     ///< the device set DEVICE_NEEDS_RESET; nothing is submitted until recover()
  Suspended,      ///< VIRTIO_F_SUSPEND: suspended by suspend(); no buffers, notifications or config writes
};
const char* deviceStateName(DeviceState s);

/// Called from poll() for each queue with a used buffer notification (queue index). Plain function (hot path).
using QueueCallback = void (*)(void* ctx, Device& dev, uint16_t queue);

class Device {
 public:
  Device(std::unique_ptr<Transport> transport, DriverOptions opts, ViolationSink& sink);
  ~Device() = default;  ///< does not touch the device: call shutdown() first to stop it (and before the Hal goes)
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  /// The whole initialisation sequence. True when the device is live (DRIVER_OK set).
  bool init();
  /// Reset the device and initialise it again (after DEVICE_NEEDS_RESET or FAILED). Buffers that were
  /// outstanding are dropped (their cookies are handed to `dropped` when given). Queue memory is reused.
  bool recover(const std::function<void(uint16_t queue, uint64_t cookie)>& dropped = {});
  /// Reset the device (it stops using the rings); state Uninitialized.
  void shutdown();

  DeviceState state() const { return state_; }
  bool live() const { return state_ == DeviceState::Live; }
  const std::string& failure() const { return failure_; }
  Transport& transport() { return *t_; }
  Hal& hal() { return t_->hal(); }
  ViolationSink& sink() { return sink_; }
  const DriverOptions& options() const { return opts_; }
  uint16_t deviceType() const { return t_->deviceType(); }
  bool legacy() const { return t_->legacy(); }
  uint64_t offeredFeatures() const { return offered_; }
  uint64_t features() const { return features_; }
  /// Feature bits 64..127 (bit 0 = feature 64): offered (as read) and negotiated.
  uint64_t offeredFeaturesHigh() const { return offeredHi_; }
  uint64_t featuresHigh() const { return featuresHi_; }
  /// Whether feature `bit` (0..127) was negotiated.
  bool hasFeature(unsigned bit) const {
    return bit < 64 ? ((features_ >> bit) & 1u) != 0 : bit < 128 && ((featuresHi_ >> (bit - 64)) & 1u) != 0;
  }
  /// The status byte as the driver last wrote it.
  uint8_t driverStatus() const { return status_; }

  size_t numQueues() const { return queues_.size(); }
  DriverQueue& queue(size_t i) { return *queues_[i]; }

  /// Notify the device about queue q if it wants a notification (needsNotify()). Never before DRIVER_OK.
  bool kick(uint16_t q);
  /// Consume pending interrupts (ISR / InterruptStatus / MSI-X messages), acknowledge them and dispatch:
  /// configuration change (re-reads the generation and the status, DEVICE_NEEDS_RESET detection, callback) and
  /// queue callbacks. One interrupt may mean both. Returns the number of events handled.
  unsigned poll();
  /// Read the status; true while the device is live. Finds DEVICE_NEEDS_RESET even without a notification (and
  /// reports the missing notification).
  bool checkStatus();
  /// @name VIRTIO_F_SUSPEND
  /// @{
  /// Suspend a live device: set SUSPEND, then re-read the status until it shows SUSPEND=1 and DRIVER_OK=0
  /// (state Suspended). False when VIRTIO_F_SUSPEND was not negotiated, the device is not live, it set
  /// DEVICE_NEEDS_RESET (state NeedsReset) or it did not suspend in time (reported as a device violation).
  /// While suspended, kick() and writeConfig() do nothing and the typed drivers submit nothing (live() is false).
  bool suspend();
  /// Resume a suspended device: set DRIVER_OK again and wait until the status shows SUSPEND=0 and DRIVER_OK=1
  /// before anything else (state Live). False on DEVICE_NEEDS_RESET or when the device did not resume in time.
  bool resume();
  bool suspended() const { return state_ == DeviceState::Suspended; }
  /// @}
  /// VIRTIO_F_RING_RESET: reset queue q, reset its DriverQueue, and set it up and enable it again.
  bool resetQueue(uint16_t q);

  void setQueueCallback(uint16_t q, QueueCallback fn, void* ctx);
  void setConfigChangeCallback(std::function<void(Device&)> fn) { onConfigChange_ = std::move(fn); }
  void setNeedsResetCallback(std::function<void(Device&)> fn) { onNeedsReset_ = std::move(fn); }

  /// Device-specific configuration, as one consistent snapshot (generation loop).
  bool readConfig(uint32_t off, void* buf, size_t len) { return t_->readConfig(off, buf, len); }
  template <class T>
  bool readConfig(uint32_t off, T* out) {
    return t_->readConfig(off, out, sizeof(T));
  }
  /// Device-specific configuration write; ignored while suspended.
  void writeConfig(uint32_t off, const void* buf, size_t len);
  /// Configuration generation as last seen by a configuration change.
  uint32_t lastConfigGeneration() const { return lastGeneration_; }
  uint64_t configChanges() const { return configChanges_; }

 private:
  bool fail(std::string why);
  void setStatusBit(uint8_t bit);
  uint64_t wantedFeatures() const;
  bool setupQueue(uint16_t q, uint32_t maxSize);
  void handleConfigChange();
  void enterNeedsReset();
  /// suspend() / resume(): re-read the status until (status & mask) == want; false on NEEDS_RESET or timeout.
  bool waitStatus(uint8_t mask, uint8_t want, const char* clause, const char* kind, const char* what);
  void dispatch(const InterruptEvents& ev);
  static void notifyThunk(void* ctx, int queue, uint32_t value);

  std::unique_ptr<Transport> t_;
  DriverOptions opts_;
  ViolationSink& sink_;
  DeviceState state_ = DeviceState::Uninitialized;
  std::string failure_;
  uint8_t status_ = 0;
  uint64_t offered_ = 0, features_ = 0;
  uint64_t offeredHi_ = 0, featuresHi_ = 0;  // feature bits 64..127
  std::vector<std::unique_ptr<DriverQueue>> queues_;
  struct Cb {
    QueueCallback fn = nullptr;
    void* ctx = nullptr;
  };
  std::vector<Cb> callbacks_;
  std::function<void(Device&)> onConfigChange_, onNeedsReset_;
  InterruptEvents ev_;
  uint32_t lastGeneration_ = 0;
  uint64_t configChanges_ = 0;
  bool needsResetNotified_ = false;
};

}  // namespace vsim::drv

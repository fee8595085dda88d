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
  /// Device-type feature bits the device driver understands (only bits 0..23, 41, 42 and 50..63 are taken).
  uint64_t deviceFeatures = 0;
  /// Queues to set up: -1 = every queue the device has (num_queues; MMIO / legacy: until QueueSizeMax reads 0).
  int numQueues = -1;
  uint32_t maxQueueSize = 256;   ///< cap on the size chosen for each queue (split: rounded down to a power of 2)
  bool forceLegacy = false;      ///< open(): drive a transitional PCI device through its legacy interface
  InterruptMode interrupts = InterruptMode::Auto;
  uint64_t resetTimeoutNs = 100'000'000;  ///< device / queue reset must read back 0 within this (simulated) time
  uint64_t needsResetGraceNs = 1'000'000; ///< time the device has to notify a DEVICE_NEEDS_RESET we saw
  bool verifyConfigGeneration = true;     ///< re-read configuration to catch changes without a new generation
  DriverQueueOptions queueOptions;
  bool initialize = true;                 ///< open(): run init() before returning
  /// Device-specific setup, run after the queues are set up and before DRIVER_OK. False = give up (FAILED).
  std::function<bool(Device&)> setup;
};

enum class DeviceState : uint8_t {
  Uninitialized,  ///< not initialised yet (or shut down)
  Live,           ///< DRIVER_OK set
  Failed,         ///< initialisation failed; FAILED set (failure() says why)
  NeedsReset,     ///< the device set DEVICE_NEEDS_RESET; nothing is submitted until recover()
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
  void writeConfig(uint32_t off, const void* buf, size_t len) { t_->writeConfig(off, buf, len); }
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
  void dispatch(const InterruptEvents& ev);
  static void notifyThunk(void* ctx, int queue, uint32_t value);

  std::unique_ptr<Transport> t_;
  DriverOptions opts_;
  ViolationSink& sink_;
  DeviceState state_ = DeviceState::Uninitialized;
  std::string failure_;
  uint8_t status_ = 0;
  uint64_t offered_ = 0, features_ = 0;
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

// DeviceLogic: what a device type (entropy, block, net, ...) implements. Transport- and SystemC-independent.
// The DeviceCore owns status, features, queues and config generation; the logic owns the device's behaviour.
#pragma once
#include <cstdint>
#include <string>

#include "vsim/model/queue_types.h"

namespace vsim::model {

class DeviceCore;

/// What handling one chain produced.
enum class ChainResult : uint8_t {
  Done,      ///< return the chain now with `written` bytes
  Deferred,  ///< the logic keeps the chain and completes it later with DeviceCore::complete()
  Drop,      ///< do not return it (the logic reported why); the queue goes on
};

class DeviceLogic {
 public:
  virtual ~DeviceLogic() = default;
  /// Called once by the DeviceCore that drives this logic, from its constructor (so the logic can report driver
  /// violations from configuration accesses, which carry no core, and complete deferred chains later).
  virtual void attach(DeviceCore& core) { (void)core; }
  /// Config bytes the driver may write at any time, even before FEATURES_OK (e.g. the console's emerg_wr).
  virtual bool configWritableAnytime(uint32_t off, uint32_t len) const {
    (void)off, (void)len;
    return false;
  }
  /// Called while the CPU waits for an interrupt: let host-side backends (sockets, files, timers) make progress.
  virtual void poll(DeviceCore& core) { (void)core; }
  /// Virtio device ID (devid::kEntropy, ...).
  virtual uint16_t deviceId() const = 0;
  /// Short name for traces and reports ("rng", "blk", ...).
  virtual std::string name() const = 0;
  /// Device-type feature bits this instance offers (the core adds the transport/ring bits it supports).
  /// Offered feature bits 64..127 (bit 0 of the result is feature bit 64); modern interfaces only.
  virtual uint64_t deviceFeaturesHigh() const { return 0; }
  virtual uint64_t deviceFeatures() const = 0;
  virtual uint16_t numQueues() const = 0;
  /// Largest queue size the device supports for queue q (presented as the maximum / default).
  virtual uint16_t queueMaxSize(uint16_t q) const { (void)q; return 256; }
  /// Bytes of device-specific configuration space.
  virtual uint32_t configSize() const = 0;
  /// Fields wider than 32 bits: true (with the field's first byte and size) when byte `off` belongs to one. The core
  /// uses it to see a driver read such a field piecewise without the config-generation check.
  virtual bool wideConfigField(uint32_t off, uint32_t& start, uint32_t& size) const {
    (void)off, (void)start, (void)size;
    return false;
  }
  /// Read config bytes [off, off+len) (the core has bounds-checked them).
  virtual void readConfig(uint32_t off, void* dst, uint32_t len) = 0;
  /// Write config bytes; return false if the field is read-only (the core reports the violation).
  virtual bool writeConfig(uint32_t off, const void* src, uint32_t len) {
    (void)off, (void)src, (void)len;
    return false;
  }
  /// Device-type rules on the accepted features (dependencies); return an empty string if acceptable, else the
  /// clause ID the subset breaks. Called when the driver sets FEATURES_OK.
  /// Dependency rules involving feature bits 64..127: the clause a broken rule violates, or "" (see checkFeatures).
  virtual std::string checkFeaturesHigh(uint64_t accepted, uint64_t acceptedHigh) const {
    (void)accepted, (void)acceptedHigh;
    return {};
  }
  virtual std::string checkFeatures(uint64_t accepted) const {
    (void)accepted;
    return {};
  }
  /// Handle one chain popped from queue q. `written` is set to the bytes written into its writable part.
  virtual ChainResult handle(DeviceCore& core, uint16_t q, const Chain& c, uint32_t& written) = 0;
  /// The driver set DRIVER_OK (features are final).
  virtual void onDriverOk(DeviceCore& core) { (void)core; }
  /// Device reset: forget all per-driver state (deferred chains included).
  virtual void onReset() = 0;
  /// Queue q was reset (VIRTIO_F_RING_RESET): forget chains held for it.
  virtual void onQueueReset(uint16_t q) { (void)q; }
};

}  // namespace vsim::model

// Transport: the driver-side view of one virtio device's transport (PCI modern, PCI legacy, MMIO v2 / v1).
//
// It hides where the registers are and how wide they are; it does not decide anything about the initialisation
// order (that is drv::Device's job, in driver/core). Every register access goes through the Hal. Device-normative
// rules a transport can observe are reported to the ViolationSink with Culprit::Device and their clause ID.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vsim/drv/hal.h"
#include "vsim/drv/types.h"
#include "vsim/violation.h"

namespace vsim::drv {

enum class TransportKind : uint8_t { PciModern, PciLegacy, MmioModern, MmioLegacy };
const char* transportKindName(TransportKind k);

/// How the device should interrupt the driver (PCI only; MMIO has one line).
enum class InterruptMode : uint8_t {
  Auto,  ///< MSI-X when the function has a usable table with at least 2 entries, else INTx
  Msix,  ///< MSI-X or fail
  Intx,  ///< INTx (ISR status register) even when MSI-X is present
};

/// What one poll of a transport's interrupt sources found (already acknowledged).
struct InterruptEvents {
  bool config = false;           ///< a configuration change notification
  bool allQueues = false;        ///< a used buffer notification that names no queue (ISR, InterruptStatus, shared vector)
  std::vector<uint16_t> queues;  ///< queues whose own MSI-X vector fired
  bool any() const { return config || allQueues || !queues.empty(); }
  void clear() {
    config = allQueues = false;
    queues.clear();  // keeps the capacity: no allocation per poll once warmed up
  }
};

/// Waits in simulated time: expires when timeoutNs of simulated time have passed, or, on a functional platform
/// whose clock does not move, after stallLimit rounds in which it did not move.
class Deadline {
 public:
  Deadline(Hal& hal, uint64_t timeoutNs, unsigned stallLimit = 1000)
      : hal_(hal), start_(hal.nowNs()), timeout_(timeoutNs), last_(start_), stallLimit_(stallLimit) {}
  bool expired();
  /// Let up to `ns` of simulated time pass (returns early on an interrupt). Never past the deadline.
  void pause(uint64_t ns = 1000);
  uint64_t remainingNs() const;

 private:
  Hal& hal_;
  uint64_t start_, timeout_, last_;
  unsigned stallLimit_, stalls_ = 0;
};

class Transport {
 public:
  static constexpr int kQueueCountUnknown = -1;

  Transport(Hal& hal, ViolationSink& sink) : hal_(hal), sink_(sink) {}
  virtual ~Transport() = default;
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  virtual TransportKind kind() const = 0;
  bool legacy() const { return kind() == TransportKind::PciLegacy || kind() == TransportKind::MmioLegacy; }
  /// Virtio device type (1 = net, 4 = entropy, ...).
  virtual uint16_t deviceType() const = 0;
  /// Human-readable location, e.g. "pci 00:03.0" or "mmio 0x10001000".
  virtual std::string location() const = 0;
  Hal& hal() { return hal_; }
  ViolationSink& sink() { return sink_; }

  // --- device status ---
  virtual uint8_t status() = 0;
  /// Write the whole status byte (the caller keeps the bits it already set: the driver never clears one).
  virtual void setStatus(uint8_t s) = 0;
  /// Reset: write 0 to the status, then wait until it reads back 0 (at most timeoutNs of simulated time).
  /// False (and a report) when it never does. Also forgets per-reset transport state (negotiated features,
  /// vector mappings, notify addresses).
  bool reset(uint64_t timeoutNs);

  // --- features ---
  /// Everything the device offers (64 bits; legacy transports: bits 0..31).
  virtual uint64_t deviceFeatures() = 0;
  /// Check what can only be checked once the offer is known (e.g. the notification capability against
  /// VIRTIO_F_NOTIFICATION_DATA). False when the device cannot be driven with this offer.
  virtual bool validateOffer(uint64_t offered) {
    (void)offered;
    return true;
  }
  /// Write the accepted features to the device.
  virtual void writeDriverFeatures(uint64_t accepted) = 0;
  /// Feature bits 64..127 (bit 0 = feature 64): offered, and written. Transports with 64 feature bits or fewer
  /// (legacy) have none.
  virtual uint64_t deviceFeaturesHigh() { return 0; }
  virtual void writeDriverFeaturesHigh(uint64_t accepted) { (void)accepted; }
  /// Reserved (transport / ring) feature bits this transport knows how to drive; others are never accepted.
  virtual uint64_t transportFeatures() const = 0;
  /// The final feature set (after FEATURES_OK was accepted, or after the feature write on legacy).
  virtual void featuresNegotiated(uint64_t features) { negotiated_ = features; }
  uint64_t negotiated() const { return negotiated_; }

  // --- virtqueues ---
  /// num_queues (PCI modern) or kQueueCountUnknown (MMIO / legacy: probe queueMaxSize until it reads 0).
  virtual int numQueues() = 0;
  /// Select queue q and read its maximum size (0 = the queue does not exist).
  virtual uint32_t queueMaxSize(uint16_t q) = 0;
  /// False when the driver cannot choose a smaller size (PCI legacy).
  virtual bool queueSizeNegotiable() const { return true; }
  /// Non-zero: queues must use the legacy contiguous layout with this used-ring alignment (DriverQueueOptions).
  virtual uint32_t legacyQueueAlign() const { return 0; }
  /// Program size and ring addresses of queue q (and its MSI-X vector); does not enable it.
  virtual bool setupQueue(uint16_t q, const RingAddrs& a) = 0;
  /// Enable queue q (queue_enable / QueueReady / QueuePFN on legacy).
  virtual bool enableQueue(uint16_t q) = 0;
  /// VIRTIO_F_RING_RESET: reset queue q and wait until the device says it is done. False if unsupported.
  virtual bool resetQueue(uint16_t q, uint64_t timeoutNs) {
    (void)q;
    (void)timeoutNs;
    return false;
  }
  /// Send an available buffer notification for queue q. `value` is DriverQueue::notifyValue(): the queue index,
  /// or the 32-bit NOTIFICATION_DATA payload when negotiated.
  virtual void notify(uint16_t q, uint32_t value) = 0;

  // --- device-specific configuration space ---
  virtual bool hasConfigGeneration() const = 0;
  virtual uint32_t configGeneration() = 0;
  /// One access of width 1, 2 or 4 at offset off of the device-specific configuration.
  virtual uint32_t configRead(uint32_t off, unsigned width) = 0;
  virtual void configWrite(uint32_t off, uint32_t value, unsigned width) = 0;
  /// Read len bytes at off as one consistent snapshot: natural-width accesses (1, 2, 4 by alignment) between two
  /// reads of the configuration generation, repeated until both agree (legacy: until two passes read the same
  /// bytes). With verifyGeneration(), one more pass must read the same bytes when the generation did not move,
  /// else the device changed its configuration without changing the generation (reported). False when no
  /// consistent snapshot was read within maxRetries passes.
  bool readConfig(uint32_t off, void* buf, size_t len, unsigned maxRetries = 64);
  void writeConfig(uint32_t off, const void* buf, size_t len);
  void setVerifyGeneration(bool on) { verifyGeneration_ = on; }

  // --- interrupts ---
  /// Per-bus interrupt setup before the queues are set up (MSI-X table, config vector) for up to nq queues.
  virtual bool setupInterrupts(uint16_t nq, InterruptMode mode) {
    (void)nq;
    (void)mode;
    return true;
  }
  virtual bool usingMsix() const { return false; }
  /// Consume and acknowledge pending interrupt causes of this device (ISR / InterruptStatus / MSI messages).
  virtual void pollInterrupts(InterruptEvents& ev) = 0;

 protected:
  virtual void writeStatusZero() { setStatus(0); }
  /// Transport-specific state to forget on reset, and checks right after a completed reset.
  virtual void afterReset() {}
  /// The clause a device breaks when its configuration changes without a new generation.
  virtual const char* configGenerationClause() const = 0;
  /// Report the clause a device breaks when its status does not read 0 after a reset.
  virtual const char* resetClause() const;
  void violation(const char* clause, const char* kind, std::string message, std::vector<Evidence> ev = {},
                 int queue = -1);
  /// Read [off, off+len) with natural-width accesses.
  void readConfigPass(uint32_t off, uint8_t* out, size_t len);

  Hal& hal_;
  ViolationSink& sink_;
  uint64_t negotiated_ = 0;
  bool verifyGeneration_ = true;
};

}  // namespace vsim::drv

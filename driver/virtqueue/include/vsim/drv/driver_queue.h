// DriverQueue: the driver side of one virtqueue (split or packed), independent of transport and of SystemC.
//
// Life cycle: configure() allocates and zeroes the three ring areas from a GuestAllocator; the caller writes
// layout() to the transport's queue registers and enables the queue. Then: add() buffers, kick() (or
// needsNotify() + notify yourself), getUsed() to reclaim them, disable/enableInterrupts() around polling.
// reset() forgets everything (device reset or VIRTIO_F_RING_RESET) and re-zeroes the rings in place.
//
// Device-normative rules the driver can observe are checked while reclaiming; a breach is reported to the
// ViolationSink (Culprit::Device, with its clause ID) and makes the queue broken: getUsed() returns false and
// add() returns kAddBroken until reset(). Every access stays inside the ring areas validated at configure.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "vsim/abi/features.h"
#include "vsim/drv/types.h"
#include "vsim/guest_memory.h"
#include "vsim/violation.h"

namespace vsim::drv {

namespace detail {

/// One ring area: a direct host pointer when the whole area lies in one region (and is suitably aligned on the
/// host), else the checked GuestMemory accessors. Ordering is the caller's to state; these only implement it.
class RingArea {
 public:
  void bind(GuestMemory* mem, uint64_t gpa, uint64_t len);
  void unbind() { *this = RingArea{}; }
  uint8_t* host() const { return host_; }
  uint64_t gpa() const { return gpa_; }
  uint64_t len() const { return len_; }

  bool load16Acquire(uint64_t off, uint16_t* v) const {
    if (host_) {
      // acquire: later reads of the ring are not performed before this one (what is ordered: see call site)
      *v = __atomic_load_n(reinterpret_cast<const uint16_t*>(host_ + off), __ATOMIC_ACQUIRE);
      return true;
    }
    return mem_->loadAcquire16(gpa_ + off, v, DmaKind::Other);
  }
  bool load16(uint64_t off, uint16_t* v) const {
    if (host_) {
      // relaxed: atomic only, the call site supplies any fence it needs
      *v = __atomic_load_n(reinterpret_cast<const uint16_t*>(host_ + off), __ATOMIC_RELAXED);
      return true;
    }
    return mem_->load(gpa_ + off, v, DmaKind::Other);
  }
  bool store16Release(uint64_t off, uint16_t v) {
    if (host_) {
      // release: earlier ring/buffer writes are visible before this value (what is ordered: see call site)
      __atomic_store_n(reinterpret_cast<uint16_t*>(host_ + off), v, __ATOMIC_RELEASE);
      return true;
    }
    return mem_->storeRelease16(gpa_ + off, v, DmaKind::Other);
  }
  bool store16(uint64_t off, uint16_t v) {
    if (host_) {
      // relaxed: atomic only, the call site supplies any fence it needs
      __atomic_store_n(reinterpret_cast<uint16_t*>(host_ + off), v, __ATOMIC_RELAXED);
      return true;
    }
    return mem_->storeRelaxed16(gpa_ + off, v, DmaKind::Other);
  }
  /// Plain (unordered) copy in/out, for descriptor bodies and used elements.
  bool read(uint64_t off, void* dst, uint64_t n) const {
    if (host_) {
      std::memcpy(dst, host_ + off, n);
      return true;
    }
    return mem_->read(gpa_ + off, dst, n, DmaKind::Other);
  }
  bool write(uint64_t off, const void* src, uint64_t n) {
    if (host_) {
      std::memcpy(host_ + off, src, n);
      return true;
    }
    return mem_->write(gpa_ + off, src, n, DmaKind::Other);
  }
  /// Zero the whole area (configure / reset).
  bool zero();

 private:
  GuestMemory* mem_ = nullptr;
  uint8_t* host_ = nullptr;
  uint64_t gpa_ = 0, len_ = 0;
};

/// Fixed pool of indirect tables carved from the GuestAllocator once; recycled through a free stack.
class IndirectPool {
 public:
  /// Allocate count tables of maxLen descriptors each. Returns false if the allocator is exhausted.
  bool init(GuestMemory* mem, GuestAllocator& alloc, uint32_t count, uint32_t maxLen);
  void clear() { *this = IndirectPool{}; }
  /// Give every table back (reset).
  void recycleAll();
  bool enabled() const { return count_ != 0; }
  uint32_t maxLen() const { return maxLen_; }
  uint32_t count() const { return count_; }
  uint32_t freeCount() const { return static_cast<uint32_t>(free_.size()); }
  /// Take a table index, or -1 when none is free.
  int32_t take() {
    if (free_.empty()) return -1;
    int32_t t = static_cast<int32_t>(free_.back());
    free_.pop_back();
    return t;
  }
  void give(int32_t t) { free_.push_back(static_cast<uint32_t>(t)); }
  uint64_t gpa(int32_t t) const { return base_ + uint64_t(t) * maxLen_ * 16u; }
  /// Write n 16-byte descriptors into table t (direct pointer when possible).
  bool write(int32_t t, const void* descs, size_t n);

 private:
  GuestMemory* mem_ = nullptr;
  uint8_t* host_ = nullptr;
  uint64_t base_ = 0;
  uint32_t count_ = 0, maxLen_ = 0;
  std::vector<uint32_t> free_;
};

}  // namespace detail

class DriverQueue {
 public:
  explicit DriverQueue(ViolationSink& sink, const DriverQueueOptions& opts = {}) : sink_(sink), opts_(opts) {}
  virtual ~DriverQueue() = default;
  DriverQueue(const DriverQueue&) = delete;
  DriverQueue& operator=(const DriverQueue&) = delete;

  /// Allocate the desc/driver/device areas (spec alignments), zero them and initialise state; with
  /// VIRTIO_F_INDIRECT_DESC also pre-allocate the indirect table pool. Returns false on a bad size
  /// (split: power of two <= 32768; packed: 1..32768) or when the allocator is exhausted.
  virtual bool configure(uint32_t size, uint64_t features, GuestMemory& mem, GuestAllocator& alloc,
                         int queueIndex) = 0;
  /// Where the rings are (what the driver writes to the transport).
  const RingAddrs& layout() const { return addrs_; }

  /// Make a buffer available: bufs[0..n) (readable ones first). Returns the head descriptor index (split) or
  /// the buffer id (packed), >= 0, or an AddError. Publishes immediately; call kick() to notify.
  virtual int add(const Buf* bufs, size_t n, uint64_t cookie, bool useIndirect = false) = 0;

  /// Decide whether the device wants an available buffer notification for what was added since the last
  /// call (honours NO_NOTIFY / avail_event / event suppression structure) and start a new batch.
  virtual bool needsNotify() = 0;
  /// needsNotify(), and if true call the notifier (if set) with notifyValue(). Returns whether it notified.
  bool kick();
  /// The value a notification carries: NOTIFICATION_DATA payload when negotiated, else the queue index.
  uint32_t notifyValue() const { return rf_.notificationData ? notificationData() : static_cast<uint32_t>(index_); }
  /// VIRTIO_F_NOTIFICATION_DATA payload for the current ring state (vq index, next_off, next_wrap).
  virtual uint32_t notificationData() const = 0;
  void setNotifier(NotifyFn fn, void* ctx) {
    notifyFn_ = fn;
    notifyCtx_ = ctx;
  }

  /// Reclaim one used buffer (cookie/len may be null). False when none is ready, or the queue is broken.
  virtual bool getUsed(uint64_t* cookie, uint32_t* len) = 0;
  /// Reclaim up to max used buffers; returns how many.
  size_t getUsedBatch(UsedBuf* out, size_t max);

  /// Ask the device not to send used buffer notifications (best effort: the device may still send some).
  virtual void disableInterrupts() = 0;
  /// Ask for used buffer notifications again. Returns true if used buffers are already pending, in which case
  /// the caller must poll again (no notification may come for them).
  virtual bool enableInterrupts() = 0;
  /// True if getUsed() would return a buffer now (does not consume).
  virtual bool hasUsed() = 0;

  /// Forget all state (device reset / queue reset) and zero the rings in place; layout() is kept, so the queue
  /// can be enabled again at the same addresses. Outstanding buffers are dropped (see detachUnused()).
  virtual void reset() = 0;
  /// Before reset: hand back one buffer the device has not returned (its cookie). False when none is left.
  virtual bool detachUnused(uint64_t* cookie) = 0;

  /// Free descriptors (ring slots).
  uint32_t freeCount() const { return numFree_; }
  /// Buffers made available and not yet reclaimed.
  uint32_t inFlight() const { return inFlight_; }
  uint32_t size() const { return addrs_.size; }
  int index() const { return index_; }
  bool configured() const { return configured_; }
  bool broken() const { return broken_; }
  uint64_t features() const { return features_; }
  bool interruptsEnabled() const { return !irqDisabled_; }
  const DriverQueueOptions& options() const { return opts_; }
  virtual bool isPacked() const = 0;

 protected:
  /// Report a device violation with its clause and make the queue broken (cold path).
  void violate(const char* clause, const char* kind, std::string message, std::vector<Evidence> ev,
               bool fatal = true);
  /// Shared configure steps: validate, allocate+bind+zero the three areas, set up the indirect pool.
  bool configureAreas(uint32_t size, uint64_t features, GuestMemory& mem, GuestAllocator& alloc, int queueIndex,
                      uint64_t descAlign, uint64_t descBytes, uint64_t drvAlign, uint64_t drvBytes,
                      uint64_t devAlign, uint64_t devBytes);
  /// Mark broken after an access that failed (cannot happen once configure validated the areas).
  void accessFailed() { broken_ = true; }

  ViolationSink& sink_;
  DriverQueueOptions opts_;
  GuestMemory* mem_ = nullptr;
  RingAddrs addrs_;
  uint64_t features_ = 0;
  feat::RingFeatures rf_;
  int index_ = -1;
  bool configured_ = false;
  bool broken_ = false;
  bool irqDisabled_ = false;
  uint32_t numFree_ = 0;
  uint32_t inFlight_ = 0;
  uint32_t numAdded_ = 0;  ///< split: avail entries, packed: descriptors, since the last needsNotify()
  detail::RingArea desc_, drv_, dev_;
  detail::IndirectPool pool_;
  NotifyFn notifyFn_ = nullptr;
  void* notifyCtx_ = nullptr;
};

/// Make the driver queue for the ring format: packed when true, else split.
std::unique_ptr<DriverQueue> makeDriverQueue(bool packed, ViolationSink& sink, const DriverQueueOptions& opts = {});
/// Same, choosing by the negotiated features (VIRTIO_F_RING_PACKED).
inline std::unique_ptr<DriverQueue> makeDriverQueueFor(uint64_t features, ViolationSink& sink,
                                                       const DriverQueueOptions& opts = {}) {
  return makeDriverQueue(feat::has(features, feat::kRingPacked), sink, opts);
}

/// Clause IDs the driver-side checks cite (all from conformance/spec/clauses.tsv).
namespace clause {
inline constexpr const char* kUsedRingLenOrder =
    "devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Used Ring#1";
inline constexpr const char* kUsedRingLen =
    "devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Used Ring#2";
inline constexpr const char* kInOrder = "devicenormative:Reserved Feature Bits#5";
inline constexpr const char* kAvailSuppressFlags01 =
    "devicenormative:Basic Facilities of a Virtio Device / Virtqueues / Available Buffer Notification Suppression#1";
inline constexpr const char* kAvailSuppressFlags0 =
    "devicenormative:Basic Facilities of a Virtio Device / Virtqueues / Available Buffer Notification Suppression#3";
inline constexpr const char* kPackedUseOnlyAvail =
    "devicenormative:Basic Facilities of a Virtio Device / Packed Virtqueues / The Virtqueue Descriptor Table#3";
inline constexpr const char* kPackedUsedOrder = "devicenormative:Basic Facilities of a Virtio Device / Packed Virtqueues#2";
}  // namespace clause

}  // namespace vsim::drv

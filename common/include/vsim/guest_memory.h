// Guest memory as the device (or driver) sees it: a set of regions, bounds-checked accessors and a direct path.
#pragma once
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <vector>

namespace vsim {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "virtio-sim assumes a little-endian host");

/// What a DMA access is for; statistics and the transaction trace count accesses by kind.
enum class DmaKind : uint8_t {
  RingIndexRead,   ///< avail idx / used idx / packed descriptor flags polling
  RingIndexWrite,  ///< used idx publish
  DescRead,        ///< descriptor table / indirect table / avail ring entries
  BufferRead,      ///< payload the device reads
  BufferWrite,     ///< payload the device writes
  UsedWrite,       ///< used ring element / packed used descriptor
  EventRead,       ///< notification suppression read (flags, used_event, event structure)
  EventWrite,      ///< notification suppression write (avail_event, device event structure)
  Other,
  Count_
};
const char* dmaKindName(DmaKind k);

/// Sees every access that goes through GuestMemory (statistics, trace, fuzz invariants).
class DmaObserver {
 public:
  virtual ~DmaObserver() = default;
  virtual void onDma(DmaKind kind, uint64_t gpa, uint64_t len, bool write) = 0;
};

/// One armed DMA fault window (GuestMemory::addDmaFault): accesses that touch [gpa, gpa+len) fail.
struct DmaFaultWindow {
  uint64_t gpa = 0;
  uint64_t len = 0;
  uint32_t remaining = 1;  ///< failures left; GuestMemory::kFaultUntilCleared = never used up
  uint64_t hits = 0;       ///< accesses failed by this window so far
};

/// One access a fault window failed: what was asked, and which window failed it.
struct DmaFaultHit {
  uint64_t gpa = 0;
  uint64_t len = 0;
  bool write = false;   ///< false for reads and for reachability checks (contains / translate)
  DmaKind kind = DmaKind::Other;
  uint64_t windowGpa = 0, windowLen = 0;
};

/// Guest-physical memory made of non-overlapping regions. Every access is bounds checked; an access that does not
/// fall entirely inside guest memory fails (returns false / nullptr) and touches nothing.
///
/// DMA faults: addDmaFault() arms a window; every access or reachability check (read, write, load, store, peek,
/// poke, the 16-bit accessors, translate, contains) that overlaps an armed window fails exactly as if the memory
/// were not there, uses up one of the window's failures and is reported to the fault handler. Deterministic: the
/// same accesses fail in the same order on every run. The direct path costs nothing for it: arming a window makes
/// the hinted-region check miss, so every access takes the checked path until the last window is gone.
class GuestMemory {
 public:
  struct Region {
    uint64_t gpa;
    uint64_t size;
    uint8_t* host;
  };

  GuestMemory() = default;
  GuestMemory(const GuestMemory&) = delete;
  GuestMemory& operator=(const GuestMemory&) = delete;
  virtual ~GuestMemory() = default;

  /// Map [gpa, gpa+size) to host memory. Returns false if it overlaps an existing region or wraps.
  bool addRegion(uint64_t gpa, uint64_t size, uint8_t* host);
  const std::vector<Region>& regions() const { return regions_; }

  /// Direct path: a host pointer to [gpa, gpa+len) if it lies inside one region, else nullptr.
  uint8_t* translate(uint64_t gpa, uint64_t len) const {
    if (uint8_t* p = lookup(gpa, len)) return p;
    return translateMiss(gpa, len);
  }
  /// True if every byte of [gpa, gpa+len) is guest memory (possibly across adjacent regions).
  bool contains(uint64_t gpa, uint64_t len) const;

  bool read(uint64_t gpa, void* dst, uint64_t len, DmaKind kind = DmaKind::Other) const;
  bool write(uint64_t gpa, const void* src, uint64_t len, DmaKind kind = DmaKind::Other);

  template <class T>
  bool load(uint64_t gpa, T* out, DmaKind kind = DmaKind::Other) const {
    if (const uint8_t* p = lookup(gpa, sizeof(T))) {
      std::memcpy(out, p, sizeof(T));
      if (observer_) observer_->onDma(kind, gpa, sizeof(T), false);
      return true;
    }
    return read(gpa, out, sizeof(T), kind);  // the checked path (fault windows are looked at once, here)
  }
  template <class T>
  bool store(uint64_t gpa, const T& v, DmaKind kind = DmaKind::Other) {
    if (uint8_t* p = lookup(gpa, sizeof(T))) {
      std::memcpy(p, &v, sizeof(T));
      if (observer_) observer_->onDma(kind, gpa, sizeof(T), true);
      return true;
    }
    return write(gpa, &v, sizeof(T), kind);
  }

  /// The rest of one logical DMA transaction whose first part was already reported: same checks, no observer call.
  bool peek(uint64_t gpa, void* dst, uint64_t len) const {
    if (const uint8_t* p = lookup(gpa, len)) {
      std::memcpy(dst, p, len);
      return true;
    }
    DmaObserver* o = observer_;
    const_cast<GuestMemory*>(this)->observer_ = nullptr;
    bool ok = read(gpa, dst, len);
    const_cast<GuestMemory*>(this)->observer_ = o;
    return ok;
  }
  bool poke(uint64_t gpa, const void* src, uint64_t len) {
    if (uint8_t* p = lookup(gpa, len)) {
      std::memcpy(p, src, len);
      return true;
    }
    DmaObserver* o = observer_;
    observer_ = nullptr;
    bool ok = write(gpa, src, len);
    observer_ = o;
    return ok;
  }
  /// Report one DMA transaction to the observer without moving data (the data moved through peek/poke parts).
  void noteDma(DmaKind kind, uint64_t gpa, uint64_t len, bool write) const {
    if (observer_) observer_->onDma(kind, gpa, len, write);
  }

  /// 16-bit load with acquire semantics: later reads are not performed before it (ring index / flags polling).
  bool loadAcquire16(uint64_t gpa, uint16_t* out, DmaKind kind) const;
  /// 16-bit store with release semantics: earlier writes are visible before it (ring index / flags publish).
  bool storeRelease16(uint64_t gpa, uint16_t v, DmaKind kind);
  /// loadAcquire16 as the first part of a transaction reported with noteDma (no observer call).
  bool loadAcquire16Quiet(uint64_t gpa, uint16_t* out) const {
    DmaObserver* o = observer_;
    const_cast<GuestMemory*>(this)->observer_ = nullptr;
    bool ok = loadAcquire16(gpa, out, DmaKind::Other);
    const_cast<GuestMemory*>(this)->observer_ = o;
    return ok;
  }
  /// storeRelease16 as the last part of a transaction already reported with noteDma (no observer call).
  bool storeRelease16Quiet(uint64_t gpa, uint16_t v) {
    DmaObserver* o = observer_;
    observer_ = nullptr;
    bool ok = storeRelease16(gpa, v, DmaKind::Other);
    observer_ = o;
    return ok;
  }
  /// 16-bit store with no ordering beyond atomicity (flags written by the other side concurrently).
  bool storeRelaxed16(uint64_t gpa, uint16_t v, DmaKind kind);

  void setObserver(DmaObserver* o) { observer_ = o; }
  DmaObserver* observer() const { return observer_; }
  /// Total bytes mapped.
  uint64_t totalSize() const;

  /// @name DMA faults (host-side fault injection; see the class comment)
  /// @{
  /// `remaining` value of a window that is never used up (it stays until clearDmaFaults()).
  static constexpr uint32_t kFaultUntilCleared = UINT32_MAX;
  /// Arm a window: the next `count` accesses that touch [gpa, gpa+len) fail (kFaultUntilCleared: all of them until
  /// cleared). False (nothing armed) when len or count is 0 or the range wraps.
  bool addDmaFault(uint64_t gpa, uint64_t len, uint32_t count = 1);
  /// Disarm every window (the hit count stays).
  void clearDmaFaults();
  /// Windows still armed (used-up windows are removed).
  const std::vector<DmaFaultWindow>& dmaFaults() const { return faults_; }
  /// Accesses failed by a fault window since construction.
  uint64_t dmaFaultHits() const { return faultHits_; }
  /// Called for every access a window fails (after the window's count was used), e.g. to trace it or to put the
  /// device that made it into an error state. Must not access this memory itself.
  void setDmaFaultHandler(std::function<void(const DmaFaultHit&)> h) { faultHandler_ = std::move(h); }
  /// @}

 private:
  /// The fast path: the region that served the last access, else a search of every region. Always nullptr while a
  /// fault window is armed (the hint is parked on kNone), so callers fall to their checked path.
  uint8_t* lookup(uint64_t gpa, uint64_t len) const {
    const Region& r = *hint_;
    if (gpa >= r.gpa && len <= r.size && gpa - r.gpa <= r.size - len) return r.host + (gpa - r.gpa);
    return lookupSlow(gpa, len);
  }
  uint8_t* lookupSlow(uint64_t gpa, uint64_t len) const;
  /// translate() after lookup() missed: outside guest memory, or a fault window is armed (checked here, once).
  uint8_t* translateMiss(uint64_t gpa, uint64_t len) const;
  /// Search every region, ignoring fault windows and leaving the hint alone.
  uint8_t* search(uint64_t gpa, uint64_t len) const;
  bool containsRaw(uint64_t gpa, uint64_t len) const;
  /// True (and the window's count used, the handler called) when an armed window overlaps [gpa, gpa+len).
  bool faulted(uint64_t gpa, uint64_t len, bool write, DmaKind kind) const;
  std::vector<Region> regions_;  // sorted by gpa
  static const Region kNone;
  mutable const Region* hint_ = &kNone;  // into regions_, or kNone (no region yet, or a fault window armed)
  DmaObserver* observer_ = nullptr;
  // DMA faults: mutable because a failed read (a const access) uses up its window's count.
  mutable bool faultsArmed_ = false;
  mutable std::vector<DmaFaultWindow> faults_;
  mutable uint64_t faultHits_ = 0;
  std::function<void(const DmaFaultHit&)> faultHandler_;
};

/// Guest memory backed by one zero-filled host allocation at [base, base+size).
class OwnedGuestMemory final : public GuestMemory {
 public:
  explicit OwnedGuestMemory(uint64_t size, uint64_t base = 0);
  uint8_t* data() { return buf_.get(); }
  uint64_t size() const { return size_; }
  uint64_t base() const { return base_; }

 private:
  struct Free {
    void operator()(uint8_t* p) const;
  };
  std::unique_ptr<uint8_t[], Free> buf_;  ///< calloc'd: large sizes come as lazily zeroed pages, no up-front memset
  uint64_t size_, base_;
};

/// A trivial bump allocator over a guest-physical range, for drivers and tests that need DMA-able memory.
class GuestAllocator {
 public:
  GuestAllocator(uint64_t base, uint64_t size) : base_(base), end_(base + size), next_(base) {}
  /// Returns the guest address of len bytes aligned to align (a power of two), or ~0 when exhausted.
  uint64_t alloc(uint64_t len, uint64_t align = 16);
  void reset() { next_ = base_; }
  uint64_t used() const { return next_ - base_; }
  static constexpr uint64_t kFail = ~uint64_t{0};

 private:
  uint64_t base_, end_, next_;
};

}  // namespace vsim

// Guest memory as the device (or driver) sees it: a set of regions, bounds-checked accessors and a direct path.
#pragma once
#include <cstdint>
#include <cstring>
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

/// Guest-physical memory made of non-overlapping regions. Every access is bounds checked; an access that does not
/// fall entirely inside guest memory fails (returns false / nullptr) and touches nothing.
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
    const Region& r = regions_.empty() ? kNone : regions_[hint_];
    if (gpa >= r.gpa && len <= r.size && gpa - r.gpa <= r.size - len) return r.host + (gpa - r.gpa);
    return translateSlow(gpa, len);
  }
  /// True if every byte of [gpa, gpa+len) is guest memory (possibly across adjacent regions).
  bool contains(uint64_t gpa, uint64_t len) const;

  bool read(uint64_t gpa, void* dst, uint64_t len, DmaKind kind = DmaKind::Other) const;
  bool write(uint64_t gpa, const void* src, uint64_t len, DmaKind kind = DmaKind::Other);

  template <class T>
  bool load(uint64_t gpa, T* out, DmaKind kind = DmaKind::Other) const {
    if (const uint8_t* p = translate(gpa, sizeof(T))) {
      std::memcpy(out, p, sizeof(T));
      if (observer_) observer_->onDma(kind, gpa, sizeof(T), false);
      return true;
    }
    return read(gpa, out, sizeof(T), kind);
  }
  template <class T>
  bool store(uint64_t gpa, const T& v, DmaKind kind = DmaKind::Other) {
    if (uint8_t* p = translate(gpa, sizeof(T))) {
      std::memcpy(p, &v, sizeof(T));
      if (observer_) observer_->onDma(kind, gpa, sizeof(T), true);
      return true;
    }
    return write(gpa, &v, sizeof(T), kind);
  }

  /// The rest of one logical DMA transaction whose first part was already reported: same checks, no observer call.
  bool peek(uint64_t gpa, void* dst, uint64_t len) const {
    if (const uint8_t* p = translate(gpa, len)) {
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
    if (uint8_t* p = translate(gpa, len)) {
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

 private:
  uint8_t* translateSlow(uint64_t gpa, uint64_t len) const;
  std::vector<Region> regions_;  // sorted by gpa
  mutable size_t hint_ = 0;
  DmaObserver* observer_ = nullptr;
  static const Region kNone;
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

#include "vsim/guest_memory.h"

#include <cstdlib>
#include <new>

#include <algorithm>

namespace vsim {

const GuestMemory::Region GuestMemory::kNone{1, 0, nullptr};  // gpa 1, size 0: matches nothing

const char* dmaKindName(DmaKind k) {
  switch (k) {
    case DmaKind::RingIndexRead: return "ring_index_read";
    case DmaKind::RingIndexWrite: return "ring_index_write";
    case DmaKind::DescRead: return "desc_read";
    case DmaKind::BufferRead: return "buffer_read";
    case DmaKind::BufferWrite: return "buffer_write";
    case DmaKind::UsedWrite: return "used_write";
    case DmaKind::EventRead: return "event_read";
    case DmaKind::EventWrite: return "event_write";
    default: return "other";
  }
}

bool GuestMemory::addRegion(uint64_t gpa, uint64_t size, uint8_t* host) {
  if (size == 0 || host == nullptr || gpa + size < gpa) return false;
  for (const auto& r : regions_)
    if (gpa < r.gpa + r.size && r.gpa < gpa + size) return false;
  regions_.push_back(Region{gpa, size, host});
  std::sort(regions_.begin(), regions_.end(), [](const Region& a, const Region& b) { return a.gpa < b.gpa; });
  hint_ = &kNone;  // the vector may have moved
  return true;
}

uint8_t* GuestMemory::search(uint64_t gpa, uint64_t len) const {
  for (const Region& r : regions_)
    if (gpa >= r.gpa && len <= r.size && gpa - r.gpa <= r.size - len) return r.host + (gpa - r.gpa);
  return nullptr;
}

uint8_t* GuestMemory::lookupSlow(uint64_t gpa, uint64_t len) const {
  if (faultsArmed_) return nullptr;  // the callers' checked paths look at the fault windows
  for (const Region& r : regions_) {
    if (gpa >= r.gpa && len <= r.size && gpa - r.gpa <= r.size - len) {
      hint_ = &r;
      return r.host + (gpa - r.gpa);
    }
  }
  return nullptr;
}

uint8_t* GuestMemory::translateMiss(uint64_t gpa, uint64_t len) const {
  if (!faultsArmed_ || faulted(gpa, len, false, DmaKind::Other)) return nullptr;
  return search(gpa, len);
}

bool GuestMemory::addDmaFault(uint64_t gpa, uint64_t len, uint32_t count) {
  if (len == 0 || count == 0 || gpa + (len - 1) < gpa) return false;
  faults_.push_back(DmaFaultWindow{gpa, len, count, 0});
  faultsArmed_ = true;
  hint_ = &kNone;  // every access misses the fast path and is checked
  return true;
}

void GuestMemory::clearDmaFaults() {
  faults_.clear();
  faultsArmed_ = false;
}

bool GuestMemory::faulted(uint64_t gpa, uint64_t len, bool write, DmaKind kind) const {
  if (len == 0) return false;
  const uint64_t last = gpa + (len - 1) < gpa ? UINT64_MAX : gpa + (len - 1);
  for (size_t i = 0; i < faults_.size(); ++i) {
    DmaFaultWindow& w = faults_[i];
    if (gpa > w.gpa + (w.len - 1) || w.gpa > last) continue;  // no byte in common
    ++w.hits;
    ++faultHits_;
    const DmaFaultHit hit{gpa, len, write, kind, w.gpa, w.len};
    if (w.remaining != kFaultUntilCleared && --w.remaining == 0) {
      faults_.erase(faults_.begin() + static_cast<std::ptrdiff_t>(i));
      faultsArmed_ = !faults_.empty();  // the last window used up: the next lookup learns its hint again
    }
    if (faultHandler_) faultHandler_(hit);
    return true;
  }
  return false;
}

bool GuestMemory::contains(uint64_t gpa, uint64_t len) const {
  if (faultsArmed_ && faulted(gpa, len, false, DmaKind::Other)) return false;
  return containsRaw(gpa, len);
}

bool GuestMemory::containsRaw(uint64_t gpa, uint64_t len) const {
  if (gpa + len < gpa) return false;  // wraps the address space
  while (len > 0) {
    const Region* hit = nullptr;
    for (const auto& r : regions_)
      if (gpa >= r.gpa && gpa - r.gpa < r.size) hit = &r;
    if (!hit) return false;
    uint64_t avail = hit->size - (gpa - hit->gpa);
    uint64_t n = std::min(avail, len);
    gpa += n;
    len -= n;
  }
  return true;
}

bool GuestMemory::read(uint64_t gpa, void* dst, uint64_t len, DmaKind kind) const {
  if (faultsArmed_ && faulted(gpa, len, false, kind)) return false;
  if (!containsRaw(gpa, len)) return false;
  auto* out = static_cast<uint8_t*>(dst);
  uint64_t a = gpa, left = len;
  while (left > 0) {
    for (const auto& r : regions_) {
      if (a >= r.gpa && a - r.gpa < r.size) {
        uint64_t n = std::min(r.size - (a - r.gpa), left);
        std::memcpy(out, r.host + (a - r.gpa), n);
        out += n;
        a += n;
        left -= n;
        break;
      }
    }
  }
  if (observer_) observer_->onDma(kind, gpa, len, false);
  return true;
}

bool GuestMemory::write(uint64_t gpa, const void* src, uint64_t len, DmaKind kind) {
  if (faultsArmed_ && faulted(gpa, len, true, kind)) return false;
  if (!containsRaw(gpa, len)) return false;
  const auto* in = static_cast<const uint8_t*>(src);
  uint64_t a = gpa, left = len;
  while (left > 0) {
    for (const auto& r : regions_) {
      if (a >= r.gpa && a - r.gpa < r.size) {
        uint64_t n = std::min(r.size - (a - r.gpa), left);
        std::memcpy(r.host + (a - r.gpa), in, n);
        in += n;
        a += n;
        left -= n;
        break;
      }
    }
  }
  if (observer_) observer_->onDma(kind, gpa, len, true);
  return true;
}

bool GuestMemory::loadAcquire16(uint64_t gpa, uint16_t* out, DmaKind kind) const {
  if (faultsArmed_ && faulted(gpa, 2, false, kind)) return false;
  const uint8_t* p = faultsArmed_ ? search(gpa, 2) : lookup(gpa, 2);
  if (!p) return false;
  if ((reinterpret_cast<uintptr_t>(p) & 1) == 0) {
    // acquire: reads that depend on this index/flags value happen after it
    *out = __atomic_load_n(reinterpret_cast<const uint16_t*>(p), __ATOMIC_ACQUIRE);
  } else {
    std::memcpy(out, p, 2);
    __atomic_thread_fence(__ATOMIC_ACQUIRE);  // same ordering for an unaligned (already non-conforming) field
  }
  if (observer_) observer_->onDma(kind, gpa, 2, false);
  return true;
}

bool GuestMemory::storeRelease16(uint64_t gpa, uint16_t v, DmaKind kind) {
  if (faultsArmed_ && faulted(gpa, 2, true, kind)) return false;
  uint8_t* p = faultsArmed_ ? search(gpa, 2) : lookup(gpa, 2);
  if (!p) return false;
  if ((reinterpret_cast<uintptr_t>(p) & 1) == 0) {
    // release: everything written before (ring entries, buffers) is visible before this index/flags value
    __atomic_store_n(reinterpret_cast<uint16_t*>(p), v, __ATOMIC_RELEASE);
  } else {
    __atomic_thread_fence(__ATOMIC_RELEASE);  // same ordering for an unaligned field
    std::memcpy(p, &v, 2);
  }
  if (observer_) observer_->onDma(kind, gpa, 2, true);
  return true;
}

bool GuestMemory::storeRelaxed16(uint64_t gpa, uint16_t v, DmaKind kind) {
  if (faultsArmed_ && faulted(gpa, 2, true, kind)) return false;
  uint8_t* p = faultsArmed_ ? search(gpa, 2) : lookup(gpa, 2);
  if (!p) return false;
  if ((reinterpret_cast<uintptr_t>(p) & 1) == 0)
    __atomic_store_n(reinterpret_cast<uint16_t*>(p), v, __ATOMIC_RELAXED);  // atomic only, no ordering implied
  else
    std::memcpy(p, &v, 2);
  if (observer_) observer_->onDma(kind, gpa, 2, true);
  return true;
}

uint64_t GuestMemory::totalSize() const {
  uint64_t t = 0;
  for (const auto& r : regions_) t += r.size;
  return t;
}

OwnedGuestMemory::OwnedGuestMemory(uint64_t size, uint64_t base)
    : buf_(static_cast<uint8_t*>(std::calloc(size ? size : 1, 1))), size_(size), base_(base) {
  if (!buf_) throw std::bad_alloc();
  addRegion(base, size, buf_.get());
}

void OwnedGuestMemory::Free::operator()(uint8_t* p) const { std::free(p); }

uint64_t GuestAllocator::alloc(uint64_t len, uint64_t align) {
  if (align == 0 || (align & (align - 1))) return kFail;
  uint64_t a = (next_ + align - 1) & ~(align - 1);
  if (a < next_ || a + len < a || a + len > end_) return kFail;
  next_ = a + len;
  return a;
}

}  // namespace vsim

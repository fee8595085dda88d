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
  hint_ = 0;
  return true;
}

uint8_t* GuestMemory::translateSlow(uint64_t gpa, uint64_t len) const {
  for (size_t i = 0; i < regions_.size(); ++i) {
    const Region& r = regions_[i];
    if (gpa >= r.gpa && len <= r.size && gpa - r.gpa <= r.size - len) {
      hint_ = i;
      return r.host + (gpa - r.gpa);
    }
  }
  return nullptr;
}

bool GuestMemory::contains(uint64_t gpa, uint64_t len) const {
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
  if (!contains(gpa, len)) return false;
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
  if (!contains(gpa, len)) return false;
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
  const uint8_t* p = translate(gpa, 2);
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
  uint8_t* p = translate(gpa, 2);
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
  uint8_t* p = translate(gpa, 2);
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

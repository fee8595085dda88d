#include "vsim/drv/driver_queue.h"

#include <algorithm>

#include "vsim/drv/packed_queue.h"
#include "vsim/drv/split_queue.h"

namespace vsim::drv {
namespace detail {

void RingArea::bind(GuestMemory* mem, uint64_t gpa, uint64_t len) {
  mem_ = mem;
  gpa_ = gpa;
  len_ = len;
  host_ = mem->translate(gpa, len);
  // The direct path does 16-bit atomics on ring fields at even offsets: it needs an even host address.
  if (host_ && (reinterpret_cast<uintptr_t>(host_) & 1) != 0) host_ = nullptr;
}

bool RingArea::zero() {
  if (host_) {
    std::memset(host_, 0, len_);
    return true;
  }
  if (!mem_) return false;
  static const uint8_t kZeros[4096] = {};
  for (uint64_t off = 0; off < len_;) {
    uint64_t n = std::min<uint64_t>(sizeof kZeros, len_ - off);
    if (!mem_->write(gpa_ + off, kZeros, n, DmaKind::Other)) return false;
    off += n;
  }
  return true;
}

bool IndirectPool::init(GuestMemory* mem, GuestAllocator& alloc, uint32_t count, uint32_t maxLen) {
  clear();
  if (count == 0 || maxLen == 0) return true;  // pool disabled by options
  const uint64_t bytes = uint64_t(count) * maxLen * 16u;
  const uint64_t base = alloc.alloc(bytes, 16);  // indirect tables: 16-byte descriptors, same alignment as a table
  if (base == GuestAllocator::kFail || !mem->contains(base, bytes)) return false;
  mem_ = mem;
  base_ = base;
  count_ = count;
  maxLen_ = maxLen;
  host_ = mem->translate(base, bytes);
  free_.reserve(count);
  recycleAll();
  return true;
}

void IndirectPool::recycleAll() {
  free_.clear();
  for (uint32_t t = count_; t-- > 0;) free_.push_back(t);  // take() hands out table 0 first
}

bool IndirectPool::write(int32_t t, const void* descs, size_t n) {
  const uint64_t off = uint64_t(t) * maxLen_ * 16u;
  if (host_) {
    std::memcpy(host_ + off, descs, n * 16);
    return true;
  }
  return mem_->write(base_ + off, descs, n * 16, DmaKind::Other);
}

}  // namespace detail

bool DriverQueue::kick() {
  if (!needsNotify()) return false;
  if (notifyFn_) notifyFn_(notifyCtx_, index_, notifyValue());
  return true;
}

size_t DriverQueue::getUsedBatch(UsedBuf* out, size_t max) {
  size_t n = 0;
  while (n < max && getUsed(&out[n].cookie, &out[n].len)) ++n;
  return n;
}

[[gnu::cold, gnu::noinline]] void DriverQueue::violate(const char* clause, const char* kind, std::string message,
                                                       std::vector<Evidence> ev, bool fatal) {
  Violation v;
  v.clause = clause;
  v.kind = kind;
  v.message = std::move(message);
  v.culprit = Culprit::Device;
  v.queue = index_;
  v.evidence = std::move(ev);
  sink_.report(std::move(v));
  if (fatal) broken_ = true;
}

bool DriverQueue::configureAreas(uint32_t size, uint64_t features, GuestMemory& mem, GuestAllocator& alloc,
                                 int queueIndex, uint64_t descAlign, uint64_t descBytes, uint64_t drvAlign,
                                 uint64_t drvBytes, uint64_t devAlign, uint64_t devBytes) {
  configured_ = false;
  broken_ = false;
  desc_.unbind();
  drv_.unbind();
  dev_.unbind();
  pool_.clear();
  mem_ = &mem;
  features_ = features;
  rf_ = feat::RingFeatures::from(features);
  index_ = queueIndex;
  addrs_ = RingAddrs{};

  uint64_t d, dr, dv;
  if (opts_.legacyAlign != 0) {
    // Legacy interface: one physically-contiguous block aligned to legacyAlign (the device derives the avail and
    // used ring addresses from the block address and the queue size alone).
    const uint32_t la = opts_.legacyAlign;
    if (isPacked() || (la & (la - 1)) != 0 || la < split::kDescAlign) return false;
    const LegacySplitLayout l = legacySplitLayout(size, la);
    d = alloc.alloc(l.totalBytes, la);
    if (d == GuestAllocator::kFail) return false;
    dr = d + l.availOff;
    dv = d + l.usedOff;
  } else {
    d = alloc.alloc(descBytes, descAlign);
    dr = alloc.alloc(drvBytes, drvAlign);
    dv = alloc.alloc(devBytes, devAlign);
  }
  if (d == GuestAllocator::kFail || dr == GuestAllocator::kFail || dv == GuestAllocator::kFail) return false;
  if (!mem.contains(d, descBytes) || !mem.contains(dr, drvBytes) || !mem.contains(dv, devBytes)) return false;
  desc_.bind(&mem, d, descBytes);
  drv_.bind(&mem, dr, drvBytes);
  dev_.bind(&mem, dv, devBytes);
  if (!desc_.zero() || !drv_.zero() || !dev_.zero()) return false;

  if (rf_.indirect && opts_.maxIndirectLen > 0) {
    // split: a chain (indirect table included) may not be longer than the queue; packed has no such limit
    const uint32_t maxLen = isPacked() ? opts_.maxIndirectLen : std::min(opts_.maxIndirectLen, size);
    const uint32_t count = opts_.indirectTables ? opts_.indirectTables : std::min<uint32_t>(size, 128);
    if (!pool_.init(&mem, alloc, count, maxLen)) return false;
  }
  addrs_ = RingAddrs{size, d, dr, dv};
  return true;
}

std::unique_ptr<DriverQueue> makeDriverQueue(bool packed, ViolationSink& sink, const DriverQueueOptions& opts) {
  if (packed) return std::make_unique<PackedDriverQueue>(sink, opts);
  return std::make_unique<SplitDriverQueue>(sink, opts);
}

}  // namespace vsim::drv

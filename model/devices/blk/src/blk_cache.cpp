// The writeback cache: dirty sectors in a sorted map, written back in ascending runs.
#include "vsim/model/blk_cache.h"

#include <cstring>
#include <vector>

#include "vsim/model/blk_backend.h"

namespace vsim::model {

void BlkWriteCache::put(uint64_t sector, const uint8_t* data, uint64_t nSectors) {
  for (uint64_t i = 0; i < nSectors; ++i) std::memcpy(dirty_[sector + i].data(), data + i * blk::kSector, blk::kSector);
}

void BlkWriteCache::overlay(uint64_t sector, uint8_t* buf, uint64_t nSectors) const {
  for (auto it = dirty_.lower_bound(sector); it != dirty_.end() && it->first - sector < nSectors; ++it)
    std::memcpy(buf + (it->first - sector) * blk::kSector, it->second.data(), blk::kSector);
}

void BlkWriteCache::drop(uint64_t sector, uint64_t nSectors) {
  auto it = dirty_.lower_bound(sector);
  while (it != dirty_.end() && it->first - sector < nSectors) it = dirty_.erase(it);
}

void BlkWriteCache::dropFrom(uint64_t sector) { dirty_.erase(dirty_.lower_bound(sector), dirty_.end()); }

bool BlkWriteCache::writeBack(BlkBackend& store, const WriteBackFn& onRun) {
  std::vector<uint8_t> run;
  while (!dirty_.empty()) {
    // One run of consecutive sectors (bounded, so a huge cache does not need a huge buffer).
    auto first = dirty_.begin();
    auto end = first;
    uint64_t next = first->first;
    run.clear();
    while (end != dirty_.end() && end->first == next && run.size() < (1u << 20)) {
      run.insert(run.end(), end->second.begin(), end->second.end());
      ++next, ++end;
    }
    const uint64_t off = first->first * blk::kSector;
    if (!store.write(off, run.data(), run.size())) return false;
    if (onRun) onRun(off, run.size());
    dirty_.erase(first, end);
  }
  return true;
}

}  // namespace vsim::model

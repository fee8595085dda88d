// BlkWriteCache: the device-side volatile write cache of the block device in writeback mode. Holds dirty 512-byte
// sectors until they are written back (FLUSH, the host, the size limit or a reset); reads see them overlaid on
// the backing store. Write-back goes in ascending sector order, coalescing runs (deterministic).
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <map>

#include "vsim/model/blk_abi.h"

namespace vsim::model {

class BlkBackend;

class BlkWriteCache {
 public:
  using Sector = std::array<uint8_t, blk::kSector>;
  /// Called for each run written back to the store: byte offset and length.
  using WriteBackFn = std::function<void(uint64_t off, uint64_t len)>;

  /// Keep nSectors sectors starting at `sector` as dirty (replacing older dirty data).
  void put(uint64_t sector, const uint8_t* data, uint64_t nSectors);
  /// Overlay dirty sectors of [sector, sector+nSectors) onto buf (which holds the store's bytes).
  void overlay(uint64_t sector, uint8_t* buf, uint64_t nSectors) const;
  /// Forget dirty sectors in [sector, sector+nSectors) (they were overwritten in the store).
  void drop(uint64_t sector, uint64_t nSectors);
  /// Forget sectors at or past `sector` (the device shrank).
  void dropFrom(uint64_t sector);
  /// Write every dirty sector back into the store; false (and the failing run stays dirty) on a store error.
  bool writeBack(BlkBackend& store, const WriteBackFn& onRun = {});
  void clear() { dirty_.clear(); }
  uint64_t dirtySectors() const { return dirty_.size(); }
  uint64_t dirtyBytes() const { return dirty_.size() * uint64_t{blk::kSector}; }
  bool empty() const { return dirty_.empty(); }

 private:
  std::map<uint64_t, Sector> dirty_;
};

}  // namespace vsim::model

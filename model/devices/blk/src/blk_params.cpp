// Consistency rules of a BlkParams set (what the options may combine to).
#include <stdexcept>

#include "vsim/model/blk_abi.h"
#include "vsim/model/blk_params.h"

namespace vsim::model {
namespace {
[[noreturn]] void bad(const std::string& where, const char* key, const std::string& why) {
  throw std::invalid_argument(where + ": option '" + key + "': " + why);
}
bool pow2(uint64_t v) { return v && !(v & (v - 1)); }
}  // namespace

void validateBlkParams(const BlkParams& p, const std::string& where) {
  if (p.image.empty() && (p.size == 0 || p.size % blk::kSector))
    bad(where, "size", std::to_string(p.size) + " is not a positive multiple of 512");
  // devicenormative:Device Types / Block Device / Device Initialization#2: CONFIG_WCE is only offered together with FLUSH.
  if (p.configWce && !p.flush) bad(where, "config_wce", "needs flush=true (a device offering CONFIG_WCE must offer FLUSH)");
  if (p.blkSize && (!pow2(p.blkSize) || p.blkSize < blk::kSector))
    bad(where, "blk_size", std::to_string(p.blkSize) + " is not 0 or a power of 2 of at least 512");
  if (p.numQueues == 0) bad(where, "num_queues", "at least one request queue");
  if (p.queueSize == 0 || p.queueSize > 32768) bad(where, "queue_size", "must be 1..32768");
  if (p.geometry && (p.heads == 0 || p.sectors == 0)) bad(where, "heads", "heads and sectors must be non-zero");
  if (p.topology && p.minIoSize == 0) bad(where, "min_io_size", "must be at least 1 block");
  constexpr uint32_t kMaxSeg = 65536;  // bounds the segment table a request may carry
  if (p.discard && (p.maxDiscardSeg == 0 || p.maxDiscardSeg > kMaxSeg || p.maxDiscardSectors == 0))
    bad(where, "max_discard_seg", "max_discard_seg must be 1..65536 and max_discard_sectors non-zero");
  if (p.writeZeroes && (p.maxWriteZeroesSeg == 0 || p.maxWriteZeroesSeg > kMaxSeg || p.maxWriteZeroesSectors == 0))
    bad(where, "max_write_zeroes_seg", "max_write_zeroes_seg must be 1..65536 and max_write_zeroes_sectors non-zero");
  if (p.secureErase && (p.maxSecureEraseSeg == 0 || p.maxSecureEraseSeg > kMaxSeg || p.maxSecureEraseSectors == 0))
    bad(where, "max_secure_erase_seg", "max_secure_erase_seg must be 1..65536 and max_secure_erase_sectors non-zero");
  if (p.serial.size() > blk::kIdBytes) bad(where, "serial", "longer than 20 bytes");
  for (char ch : p.serial)
    if (static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) > 0x7e)
      bad(where, "serial", "only printable ASCII characters");
  // devicenormative:Device Types / Block Device / Device Operation#17: lifetime values stay within the defined ones.
  if (p.preEolInfo > blk::kPreEolMax) bad(where, "pre_eol_info", "must be 0..3 (larger values are reserved)");
  if (p.lifetimeA > blk::kLifetimeEstMax) bad(where, "lifetime_a", "must be 0..11 (larger values are reserved)");
  if (p.lifetimeB > blk::kLifetimeEstMax) bad(where, "lifetime_b", "must be 0..11 (larger values are reserved)");
  validateBlkZonedParams(p, where);
}

void validateBlkZonedParams(const BlkParams& p, const std::string& where) {
  if (p.zoned != "off" && p.zoned != "host-managed" && p.zoned != "host-aware")
    bad(where, "zoned", "'" + p.zoned + "' is not off, host-managed or host-aware");
  if (!p.isZoned()) return;
  if (!pow2(p.writeGranularity) || p.writeGranularity < blk::kSector)
    bad(where, "write_granularity", "must be a power of 2 of at least 512");
  if (p.zoneSectors == 0 || (uint64_t{p.zoneSectors} * blk::kSector) % p.writeGranularity)
    bad(where, "zone_sectors", "must be non-zero and a multiple of write_granularity");
  if (p.maxOpenZones && p.maxActiveZones && p.maxOpenZones > p.maxActiveZones)
    bad(where, "max_open_zones", "larger than max_active_zones");
  // devicenormative:Device Types / Block Device / Device Initialization#15: max_append_sectors never exceeds seg_max * size_max (when both are advertised).
  if (p.segMax && p.sizeMax && uint64_t{p.maxAppendSectors} * blk::kSector > uint64_t{p.segMax} * p.sizeMax)
    bad(where, "max_append_sectors", "exceeds seg_max * size_max");
  if ((uint64_t{p.maxAppendSectors} * blk::kSector) % p.writeGranularity)
    bad(where, "max_append_sectors", "not a multiple of write_granularity");
  if (p.secureErase && p.maxSecureEraseSectors < p.zoneSectors)
    bad(where, "max_secure_erase_sectors", "a zoned device erases whole zones: at least zone_sectors");
}

}  // namespace vsim::model

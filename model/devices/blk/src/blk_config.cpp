// BlkDevice configuration space: the struct virtio_blk_config image, and the checks on driver accesses to it.
#include <algorithm>
#include <cstring>

#include "blk_clauses.h"
#include "vsim/abi/status.h"
#include "vsim/model/blk_device.h"
#include "vsim/model/device_core.h"

namespace vsim::model {
namespace {

constexpr int kAlways = -1;   // capacity: always present
constexpr int kPadding = -2;  // unused0 / unused1: no feature, no meaning

struct Field {
  uint32_t off, width;
  int feature;
  const char* name;
};

// Every field of struct virtio_blk_config with the feature that makes it exist.
constexpr Field kFields[] = {
    {blk::cfg::kCapacity, 8, kAlways, "capacity"},
    {blk::cfg::kSizeMax, 4, blk::kFSizeMax, "size_max"},
    {blk::cfg::kSegMax, 4, blk::kFSegMax, "seg_max"},
    {blk::cfg::kGeometry, 2, blk::kFGeometry, "geometry.cylinders"},
    {blk::cfg::kGeometry + 2, 1, blk::kFGeometry, "geometry.heads"},
    {blk::cfg::kGeometry + 3, 1, blk::kFGeometry, "geometry.sectors"},
    {blk::cfg::kBlkSize, 4, blk::kFBlkSize, "blk_size"},
    {blk::cfg::kTopology, 1, blk::kFTopology, "topology.physical_block_exp"},
    {blk::cfg::kTopology + 1, 1, blk::kFTopology, "topology.alignment_offset"},
    {blk::cfg::kTopology + 2, 2, blk::kFTopology, "topology.min_io_size"},
    {blk::cfg::kTopology + 4, 4, blk::kFTopology, "topology.opt_io_size"},
    {blk::cfg::kWriteback, 1, blk::kFConfigWce, "writeback"},
    {blk::cfg::kUnused0, 1, kPadding, "unused0"},
    {blk::cfg::kNumQueues, 2, blk::kFMq, "num_queues"},
    {blk::cfg::kMaxDiscardSectors, 4, blk::kFDiscard, "max_discard_sectors"},
    {blk::cfg::kMaxDiscardSeg, 4, blk::kFDiscard, "max_discard_seg"},
    {blk::cfg::kDiscardSectorAlignment, 4, blk::kFDiscard, "discard_sector_alignment"},
    {blk::cfg::kMaxWriteZeroesSectors, 4, blk::kFWriteZeroes, "max_write_zeroes_sectors"},
    {blk::cfg::kMaxWriteZeroesSeg, 4, blk::kFWriteZeroes, "max_write_zeroes_seg"},
    {blk::cfg::kWriteZeroesMayUnmap, 1, blk::kFWriteZeroes, "write_zeroes_may_unmap"},
    {blk::cfg::kUnused1, 3, kPadding, "unused1"},
    {blk::cfg::kMaxSecureEraseSectors, 4, blk::kFSecureErase, "max_secure_erase_sectors"},
    {blk::cfg::kMaxSecureEraseSeg, 4, blk::kFSecureErase, "max_secure_erase_seg"},
    {blk::cfg::kSecureEraseSectorAlignment, 4, blk::kFSecureErase, "secure_erase_sector_alignment"},
    {blk::cfg::kZoned, 4, blk::kFZoned, "zoned.zone_sectors"},
    {blk::cfg::kZoned + 4, 4, blk::kFZoned, "zoned.max_open_zones"},
    {blk::cfg::kZoned + 8, 4, blk::kFZoned, "zoned.max_active_zones"},
    {blk::cfg::kZoned + 12, 4, blk::kFZoned, "zoned.max_append_sectors"},
    {blk::cfg::kZoned + 16, 4, blk::kFZoned, "zoned.write_granularity"},
    {blk::cfg::kZoned + 20, 1, blk::kFZoned, "zoned.model"},
    {blk::cfg::kZoned + 21, 3, blk::kFZoned, "zoned.unused2"},
};
static_assert(sizeof(kFields) / sizeof(kFields[0]) <= 64, "one report bit per field");

template <class T>
void put(uint8_t* cfg, uint32_t off, T v) {
  std::memcpy(cfg + off, &v, sizeof v);  // little-endian host (guest_memory.h asserts it)
}

}  // namespace

void BlkDevice::fillConfig(uint8_t* c) const {
  using namespace blk;
  std::memset(c, 0, cfg::kSize);  // devicenormative:Device Types / Block Device / Device Initialization#4: unused0 and unused1 read 0.
  put<uint64_t>(c, cfg::kCapacity, capacity_);
  if (offered(kFSizeMax)) put<uint32_t>(c, cfg::kSizeMax, p_.sizeMax);
  if (offered(kFSegMax)) put<uint32_t>(c, cfg::kSegMax, p_.segMax);
  if (offered(kFGeometry)) {
    uint64_t cyl = p_.cylinders ? p_.cylinders : capacity_ / (uint64_t{p_.heads} * p_.sectors);
    put<uint16_t>(c, cfg::kGeometry, static_cast<uint16_t>(std::min<uint64_t>(cyl, 65535)));
    c[cfg::kGeometry + 2] = p_.heads;
    c[cfg::kGeometry + 3] = p_.sectors;
  }
  if (offered(kFBlkSize)) put<uint32_t>(c, cfg::kBlkSize, p_.blkSize);
  if (offered(kFTopology)) {
    c[cfg::kTopology] = p_.physicalBlockExp;
    c[cfg::kTopology + 1] = p_.alignmentOffset;
    put<uint16_t>(c, cfg::kTopology + 2, p_.minIoSize);
    put<uint32_t>(c, cfg::kTopology + 4, p_.optIoSize);
  }
  if (offered(kFConfigWce)) c[cfg::kWriteback] = writeback_;
  if (offered(kFMq)) put<uint16_t>(c, cfg::kNumQueues, p_.numQueues);
  if (offered(kFDiscard)) {
    put<uint32_t>(c, cfg::kMaxDiscardSectors, p_.maxDiscardSectors);
    put<uint32_t>(c, cfg::kMaxDiscardSeg, p_.maxDiscardSeg);
    put<uint32_t>(c, cfg::kDiscardSectorAlignment, p_.discardSectorAlignment);
  }
  if (offered(kFWriteZeroes)) {
    put<uint32_t>(c, cfg::kMaxWriteZeroesSectors, p_.maxWriteZeroesSectors);
    put<uint32_t>(c, cfg::kMaxWriteZeroesSeg, p_.maxWriteZeroesSeg);
    // devicenormative:Device Types / Block Device / Device Operation#10: 1 exactly when a write zeroes with unmap may deallocate (the `unmap` option); it never changes at run time.
    c[cfg::kWriteZeroesMayUnmap] = p_.unmap ? 1 : 0;
  }
  if (offered(kFSecureErase)) {
    put<uint32_t>(c, cfg::kMaxSecureEraseSectors, p_.maxSecureEraseSectors);
    put<uint32_t>(c, cfg::kMaxSecureEraseSeg, p_.maxSecureEraseSeg);
    put<uint32_t>(c, cfg::kSecureEraseSectorAlignment, p_.secureEraseSectorAlignment);
  }
  fillZonedConfig(c);
}

void BlkDevice::checkConfigAccess(uint32_t off, uint32_t len, bool write) {
  if (!core_) return;  // nobody to report to yet (see attach())
  for (size_t i = 0; i < sizeof(kFields) / sizeof(kFields[0]); ++i) {
    const Field& f = kFields[i];
    if (off >= f.off + f.width || off + len <= f.off) continue;
    if (f.off == blk::cfg::kZonedModel && !write) modelRead_ = true;
    if (f.feature >= 0 && !offered(static_cast<unsigned>(f.feature)) && (write || !(reportedFields_ >> i & 1u))) {
      if (!write) reportedFields_ |= uint64_t{1} << i;
      // drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#3: an optional field is only touched when its feature is offered.
      core_->violate(blk::clause::kConfigFieldNotOffered, "blk.config_field_not_offered",
                     std::string(write ? "wrote" : "read") + " configuration field " + f.name +
                         " although its feature bit is not offered",
                     {{"offset", off}, {"len", len}, {"feature_bit", static_cast<uint64_t>(f.feature)}});
    }
    if (f.off == blk::cfg::kWriteback && !write && !core_->legacy() && !(core_->status() & status::kFeaturesOk) &&
        !reportedEarlyWriteback_) {
      reportedEarlyWriteback_ = true;
      // drivernormative:Device Types / Block Device / Device Initialization#4: writeback is only read once FEATURES_OK is set.
      core_->violate(blk::clause::kWritebackBeforeFeaturesOk, "blk.writeback_read_before_features_ok",
                     "writeback read before FEATURES_OK was set", {{"offset", off}, {"status", core_->status()}});
    }
  }
}

void BlkDevice::readConfig(uint32_t off, void* dst, uint32_t len) {
  // devicenormative:Basic Facilities of a Virtio Device / Device Configuration Space#1: every field can be read at any time (checks only report).
  checkConfigAccess(off, len, false);
  uint8_t c[blk::cfg::kSize];
  fillConfig(c);
  std::memcpy(dst, c + off, len);  // the core bounds-checked [off, off+len)
}

bool BlkDevice::writeConfig(uint32_t off, const void* src, uint32_t len) {
  checkConfigAccess(off, len, true);
  const bool onlyWriteback = off == blk::cfg::kWriteback && len == 1;
  const uint8_t v = *static_cast<const uint8_t*>(src);
  if (!onlyWriteback) {
    // drivernormative:Device Types / Block Device / Device Operation#12 (nearest): writeback is the only field a driver may write; every other byte is read-only (write ignored).
    if (core_)
      core_->violate(blk::clause::kWritebackWrite, "blk.config_write_read_only",
                     "driver wrote a read-only configuration field (only writeback is writable)", {{"offset", off}, {"len", len}});
    return false;
  }
  if (!offered(blk::kFConfigWce)) return false;  // reported above as a field that does not exist
  // A modern driver may switch the mode once CONFIG_WCE is negotiated; a legacy one has no negotiation to wait for.
  const bool allowed = !core_ || core_->legacy() || core_->has(blk::kFConfigWce);
  if (!allowed || v > 1) {
    // drivernormative:Device Types / Block Device / Device Operation#12: writeback takes 0 or 1, and only with CONFIG_WCE negotiated (write ignored).
    if (core_) core_->violate(blk::clause::kWritebackWrite, "blk.writeback_write_invalid",
                   v > 1 ? "writeback written with a value other than 0 or 1"
                         : "writeback written without VIRTIO_BLK_F_CONFIG_WCE negotiated",
                   {{"value", v}, {"negotiated", core_->negotiated()}});
    return false;
  }
  // Switching to writethrough leaves dirty data volatile (no implicit write-back here): only FLUSH makes it stable,
  // which is why a driver may not take the switch for a commit (a driver-side rule the device cannot observe).
  writeback_ = v;
  return true;
}

}  // namespace vsim::model

// The "blk" device type: option table (the parameter table: name, default, unit, description) and factory.
#include "vsim/model/blk_type.h"

#include <stdexcept>

namespace vsim::model {
namespace {
std::string b(bool v) { return v ? "true" : "false"; }
std::string n(uint64_t v) { return std::to_string(v); }
}  // namespace

BlkParams blkParamsFrom(const DeviceOptions& options, const std::string& name, BlkParams p) {
  const std::string where = "device '" + name + "'";
  OptionReader r{options, where, {}};
  p.image = r.str("image", p.image);
  if (!p.image.empty() && options.count("size"))
    throw std::invalid_argument(where + ": option 'size': only for memory backing (the image's own size is used)");
  p.size = r.u64("size", p.size, 512);
  p.readOnly = r.flag("read_only", p.readOnly);
  p.sync = r.flag("sync", p.sync);
  p.writeback = r.flag("writeback", p.writeback);
  p.flush = r.flag("flush", p.flush);
  p.configWce = r.flag("config_wce", p.configWce);
  p.cacheLimit = r.u64("cache_limit", p.cacheLimit);
  p.blkSize = static_cast<uint32_t>(r.u64("blk_size", p.blkSize, 0, 1u << 30));
  p.segMax = static_cast<uint32_t>(r.u64("seg_max", p.segMax, 0, UINT32_MAX));
  p.sizeMax = static_cast<uint32_t>(r.u64("size_max", p.sizeMax, 0, UINT32_MAX));
  p.geometry = r.flag("geometry", p.geometry);
  p.cylinders = static_cast<uint16_t>(r.u64("cylinders", p.cylinders, 0, 65535));
  p.heads = static_cast<uint8_t>(r.u64("heads", p.heads, 1, 255));
  p.sectors = static_cast<uint8_t>(r.u64("sectors", p.sectors, 1, 255));
  p.topology = r.flag("topology", p.topology);
  p.physicalBlockExp = static_cast<uint8_t>(r.u64("physical_block_exp", p.physicalBlockExp, 0, 255));
  p.alignmentOffset = static_cast<uint8_t>(r.u64("alignment_offset", p.alignmentOffset, 0, 255));
  p.minIoSize = static_cast<uint16_t>(r.u64("min_io_size", p.minIoSize, 1, 65535));
  p.optIoSize = static_cast<uint32_t>(r.u64("opt_io_size", p.optIoSize, 0, UINT32_MAX));
  p.numQueues = static_cast<uint16_t>(r.u64("num_queues", p.numQueues, 1, 1024));
  p.queueSize = static_cast<uint16_t>(r.u64("queue_size", p.queueSize, 1, 32768));
  p.discard = r.flag("discard", p.discard);
  p.maxDiscardSectors = static_cast<uint32_t>(r.u64("max_discard_sectors", p.maxDiscardSectors, 1, UINT32_MAX));
  p.maxDiscardSeg = static_cast<uint32_t>(r.u64("max_discard_seg", p.maxDiscardSeg, 1, 65536));
  p.discardSectorAlignment = static_cast<uint32_t>(r.u64("discard_sector_alignment", p.discardSectorAlignment, 0, UINT32_MAX));
  p.writeZeroes = r.flag("write_zeroes", p.writeZeroes);
  p.maxWriteZeroesSectors = static_cast<uint32_t>(r.u64("max_write_zeroes_sectors", p.maxWriteZeroesSectors, 1, UINT32_MAX));
  p.maxWriteZeroesSeg = static_cast<uint32_t>(r.u64("max_write_zeroes_seg", p.maxWriteZeroesSeg, 1, 65536));
  p.unmap = r.flag("unmap", p.unmap);
  p.secureErase = r.flag("secure_erase", p.secureErase);
  p.maxSecureEraseSectors = static_cast<uint32_t>(r.u64("max_secure_erase_sectors", p.maxSecureEraseSectors, 1, UINT32_MAX));
  p.maxSecureEraseSeg = static_cast<uint32_t>(r.u64("max_secure_erase_seg", p.maxSecureEraseSeg, 1, 65536));
  p.secureEraseSectorAlignment =
      static_cast<uint32_t>(r.u64("secure_erase_sector_alignment", p.secureEraseSectorAlignment, 0, UINT32_MAX));
  p.serial = r.str("serial", p.serial);
  p.lifetime = r.flag("lifetime", p.lifetime);
  p.preEolInfo = static_cast<uint16_t>(r.u64("pre_eol_info", p.preEolInfo, 0, 3));
  p.lifetimeA = static_cast<uint16_t>(r.u64("lifetime_a", p.lifetimeA, 0, 11));
  p.lifetimeB = static_cast<uint16_t>(r.u64("lifetime_b", p.lifetimeB, 0, 11));
  p.zoned = r.str("zoned", p.zoned);
  p.zoneSectors = static_cast<uint32_t>(r.u64("zone_sectors", p.zoneSectors, 1, UINT32_MAX));
  p.conventionalZones = static_cast<uint32_t>(r.u64("conventional_zones", p.conventionalZones, 0, UINT32_MAX));
  p.maxOpenZones = static_cast<uint32_t>(r.u64("max_open_zones", p.maxOpenZones, 0, UINT32_MAX));
  p.maxActiveZones = static_cast<uint32_t>(r.u64("max_active_zones", p.maxActiveZones, 0, UINT32_MAX));
  p.maxAppendSectors = static_cast<uint32_t>(r.u64("max_append_sectors", p.maxAppendSectors, 0, UINT32_MAX));
  p.writeGranularity = static_cast<uint32_t>(r.u64("write_granularity", p.writeGranularity, 512, 1u << 30));
  r.finish();
  validateBlkParams(p, where);
  return p;
}

DeviceTypeInfo blkDeviceType() {
  const BlkParams d;
  DeviceTypeInfo i;
  i.type = "blk";
  i.description = "block device (virtio id 2): raw image file or memory, writeback cache, flush, discard, "
                  "write zeroes, secure erase, get-id, lifetime, multiqueue, zoned (host-managed / host-aware)";
  i.options = {
      {"image", "", "path", "raw image file (must exist; its size is the capacity); empty = memory backing"},
      {"size", n(d.size), "bytes", "memory backing size, a multiple of 512 (not with image)"},
      {"read_only", b(d.readOnly), "bool", "offer VIRTIO_BLK_F_RO; the image is opened read-only and writes fail"},
      {"sync", b(d.sync), "bool", "fdatasync the image wherever a write must be stable (writethrough, FLUSH)"},
      {"writeback", b(d.writeback), "bool", "initial cache mode: true = writeback (writes wait for FLUSH), false = writethrough"},
      {"flush", b(d.flush), "bool", "offer VIRTIO_BLK_F_FLUSH"},
      {"config_wce", b(d.configWce), "bool", "offer VIRTIO_BLK_F_CONFIG_WCE (driver can toggle writeback); needs flush"},
      {"cache_limit", n(d.cacheLimit), "bytes", "dirty bytes the writeback cache holds before writing everything back (0 = no limit)"},
      {"blk_size", n(d.blkSize), "bytes", "logical block size advertised with VIRTIO_BLK_F_BLK_SIZE (power of 2 >= 512; 0 = not offered)"},
      {"seg_max", n(d.segMax), "segments", "data segments per request advertised with VIRTIO_BLK_F_SEG_MAX (0 = not offered)"},
      {"size_max", n(d.sizeMax), "bytes", "bytes per data segment advertised with VIRTIO_BLK_F_SIZE_MAX (0 = not offered)"},
      {"geometry", b(d.geometry), "bool", "offer VIRTIO_BLK_F_GEOMETRY"},
      {"cylinders", n(d.cylinders), "cylinders", "geometry cylinders (0 = capacity / (heads * sectors), at most 65535)"},
      {"heads", n(d.heads), "heads", "geometry heads"},
      {"sectors", n(d.sectors), "sectors", "geometry sectors per track"},
      {"topology", b(d.topology), "bool", "offer VIRTIO_BLK_F_TOPOLOGY"},
      {"physical_block_exp", n(d.physicalBlockExp), "log2(blocks)", "logical blocks per physical block (log2)"},
      {"alignment_offset", n(d.alignmentOffset), "blocks", "offset of the first aligned logical block"},
      {"min_io_size", n(d.minIoSize), "blocks", "suggested minimum I/O size"},
      {"opt_io_size", n(d.optIoSize), "blocks", "optimal (suggested maximum) I/O size"},
      {"num_queues", n(d.numQueues), "queues", "request queues; more than 1 offers VIRTIO_BLK_F_MQ"},
      {"queue_size", n(d.queueSize), "descriptors", "largest queue size offered"},
      {"discard", b(d.discard), "bool", "offer VIRTIO_BLK_F_DISCARD"},
      {"max_discard_sectors", n(d.maxDiscardSectors), "sectors", "largest DISCARD segment"},
      {"max_discard_seg", n(d.maxDiscardSeg), "segments", "segments per DISCARD request (1..65536)"},
      {"discard_sector_alignment", n(d.discardSectorAlignment), "sectors", "advertised DISCARD alignment (a hint)"},
      {"write_zeroes", b(d.writeZeroes), "bool", "offer VIRTIO_BLK_F_WRITE_ZEROES"},
      {"max_write_zeroes_sectors", n(d.maxWriteZeroesSectors), "sectors", "largest WRITE_ZEROES segment"},
      {"max_write_zeroes_seg", n(d.maxWriteZeroesSeg), "segments", "segments per WRITE_ZEROES request (1..65536)"},
      {"unmap", b(d.unmap), "bool", "DISCARD and WRITE_ZEROES with unmap deallocate (file: punch a hole; reads give zeroes); sets write_zeroes_may_unmap"},
      {"secure_erase", b(d.secureErase), "bool", "offer VIRTIO_BLK_F_SECURE_ERASE"},
      {"max_secure_erase_sectors", n(d.maxSecureEraseSectors), "sectors", "largest SECURE_ERASE segment"},
      {"max_secure_erase_seg", n(d.maxSecureEraseSeg), "segments", "segments per SECURE_ERASE request (1..65536)"},
      {"secure_erase_sector_alignment", n(d.secureEraseSectorAlignment), "sectors", "advertised SECURE_ERASE alignment (a hint)"},
      {"serial", d.serial, "string", "device ID string returned by GET_ID (at most 20 printable ASCII bytes)"},
      {"lifetime", b(d.lifetime), "bool", "offer VIRTIO_BLK_F_LIFETIME (a simulated wear report)"},
      {"pre_eol_info", n(d.preEolInfo), "0..3", "GET_LIFETIME pre_eol_info (0 undefined, 1 normal, 2 warning, 3 urgent)"},
      {"lifetime_a", n(d.lifetimeA), "0..11", "GET_LIFETIME device_lifetime_est_typ_a (tenths of lifetime used; 11 = exceeded)"},
      {"lifetime_b", n(d.lifetimeB), "0..11", "GET_LIFETIME device_lifetime_est_typ_b"},
      {"zoned", d.zoned, "off|host-managed|host-aware", "zoned personality: offer VIRTIO_BLK_F_ZONED with this zoned model (never on a legacy interface)"},
      {"zone_sectors", n(d.zoneSectors), "sectors", "zone size (the last zone may be smaller; zoned only)"},
      {"conventional_zones", n(d.conventionalZones), "zones", "the first N zones are conventional (zoned only)"},
      {"max_open_zones", n(d.maxOpenZones), "zones", "zones that may be open at once (0 = no limit; zoned only)"},
      {"max_active_zones", n(d.maxActiveZones), "zones", "zones that may be open or closed at once (0 = no limit; zoned only)"},
      {"max_append_sectors", n(d.maxAppendSectors), "sectors", "largest ZONE_APPEND (0 = ZONE_APPEND unsupported; zoned only)"},
      {"write_granularity", n(d.writeGranularity), "bytes", "offset and size alignment of writes to sequential zones (power of 2 >= 512; zoned only)"},
  };
  i.make = [](const DeviceOptions& o, const std::string& name, BoardContext&) -> std::unique_ptr<DeviceLogic> {
    return std::make_unique<BlkDevice>(blkParamsFrom(o, name), "device '" + name + "'");
  };
  return i;
}

}  // namespace vsim::model

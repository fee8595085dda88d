// BlkParams: everything that makes one block device instance (backing store, offered features and the limits
// its configuration space advertises). blk_type.cpp parses them from key=value options; validateBlkParams()
// rejects inconsistent sets with std::invalid_argument naming the option.
#pragma once
#include <cstdint>
#include <string>

namespace vsim::model {

struct BlkParams {
  // Backing store.
  std::string image;                ///< raw image file; empty = memory backing of `size` bytes
  uint64_t size = 16ull << 20;      ///< memory backing size in bytes (multiple of 512)
  bool readOnly = false;            ///< offer VIRTIO_BLK_F_RO; the image is opened read-only
  bool sync = false;                ///< fdatasync the image at every point a write must be stable
  // Cache.
  bool writeback = false;           ///< initial cache mode: true = writeback, false = writethrough
  bool flush = true;                ///< offer VIRTIO_BLK_F_FLUSH
  bool configWce = true;            ///< offer VIRTIO_BLK_F_CONFIG_WCE (needs flush)
  uint64_t cacheLimit = 256ull << 20;  ///< dirty bytes the writeback cache holds before writing everything back (0 = no limit)
  // Geometry / sizes / topology.
  uint32_t blkSize = 512;           ///< VIRTIO_BLK_F_BLK_SIZE value; 0 = feature not offered
  uint32_t segMax = 254;            ///< VIRTIO_BLK_F_SEG_MAX value (data segments per request); 0 = not offered
  uint32_t sizeMax = 0;             ///< VIRTIO_BLK_F_SIZE_MAX value (bytes per data segment); 0 = not offered
  bool geometry = true;             ///< offer VIRTIO_BLK_F_GEOMETRY
  uint16_t cylinders = 0;           ///< 0 = derived from the capacity, heads and sectors
  uint8_t heads = 16;
  uint8_t sectors = 63;
  bool topology = true;             ///< offer VIRTIO_BLK_F_TOPOLOGY
  uint8_t physicalBlockExp = 0;
  uint8_t alignmentOffset = 0;
  uint16_t minIoSize = 1;
  uint32_t optIoSize = 0;
  // Queues.
  uint16_t numQueues = 1;           ///< request queues; more than 1 offers VIRTIO_BLK_F_MQ
  uint16_t queueSize = 256;         ///< largest queue size offered
  // Discard / write zeroes / secure erase.
  bool discard = true;
  uint32_t maxDiscardSectors = 1u << 16;
  uint32_t maxDiscardSeg = 16;
  uint32_t discardSectorAlignment = 1;
  bool writeZeroes = true;
  uint32_t maxWriteZeroesSectors = 1u << 16;
  uint32_t maxWriteZeroesSeg = 16;
  bool unmap = true;                ///< discard / write zeroes with unmap deallocate (file: punch a hole)
  bool secureErase = true;
  uint32_t maxSecureEraseSectors = 1u << 16;
  uint32_t maxSecureEraseSeg = 16;
  uint32_t secureEraseSectorAlignment = 1;
  // Identification and lifetime.
  std::string serial = "vsim-blk";  ///< GET_ID string (at most 20 ASCII bytes)
  bool lifetime = false;            ///< offer VIRTIO_BLK_F_LIFETIME (a simulated eMMC-like wear report)
  uint16_t preEolInfo = 1;          ///< 0..3
  uint16_t lifetimeA = 1;           ///< 0..11
  uint16_t lifetimeB = 1;           ///< 0..11
  // Zoned personality (VIRTIO_BLK_F_ZONED); off by default.
  std::string zoned = "off";        ///< off | host-managed | host-aware
  uint32_t zoneSectors = 2048;      ///< zone size in sectors (the last zone may be smaller)
  uint32_t conventionalZones = 1;   ///< the first N zones are conventional
  uint32_t maxOpenZones = 4;        ///< open zone limit (0 = none)
  uint32_t maxActiveZones = 6;      ///< active zone limit (0 = none)
  uint32_t maxAppendSectors = 256;  ///< largest ZONE_APPEND in sectors (0 = ZONE_APPEND unsupported)
  uint32_t writeGranularity = 512;  ///< bytes: offset and size alignment of writes to sequential zones
  bool isZoned() const { return zoned != "off"; }
};

/// Throws std::invalid_argument ("<where>: option '<key>': ...") when the set is inconsistent.
void validateBlkParams(const BlkParams& p, const std::string& where);
/// The zoned part of validateBlkParams (called by it).
void validateBlkZonedParams(const BlkParams& p, const std::string& where);

}  // namespace vsim::model

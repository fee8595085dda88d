// Block device (virtio id 2) wire constants as the device sees them: feature bits, request types, status values,
// request and segment sizes, and the byte offsets of struct virtio_blk_config (virtio 1.4, "Block Device").
// Little-endian (a legacy driver uses the guest's native order, which is little-endian on every platform we run).
#pragma once
#include <cstdint>

namespace vsim::model::blk {

// Feature bits (device-type bits 0..23).
constexpr unsigned kFBarrier = 0;      ///< legacy only: VIRTIO_BLK_F_BARRIER (never offered)
constexpr unsigned kFSizeMax = 1;      ///< VIRTIO_BLK_F_SIZE_MAX
constexpr unsigned kFSegMax = 2;       ///< VIRTIO_BLK_F_SEG_MAX
constexpr unsigned kFGeometry = 4;     ///< VIRTIO_BLK_F_GEOMETRY
constexpr unsigned kFRo = 5;           ///< VIRTIO_BLK_F_RO
constexpr unsigned kFBlkSize = 6;      ///< VIRTIO_BLK_F_BLK_SIZE
constexpr unsigned kFScsi = 7;         ///< legacy only: VIRTIO_BLK_F_SCSI (never offered)
constexpr unsigned kFFlush = 9;        ///< VIRTIO_BLK_F_FLUSH (legacy name: WCE)
constexpr unsigned kFTopology = 10;    ///< VIRTIO_BLK_F_TOPOLOGY
constexpr unsigned kFConfigWce = 11;   ///< VIRTIO_BLK_F_CONFIG_WCE
constexpr unsigned kFMq = 12;          ///< VIRTIO_BLK_F_MQ
constexpr unsigned kFDiscard = 13;     ///< VIRTIO_BLK_F_DISCARD
constexpr unsigned kFWriteZeroes = 14; ///< VIRTIO_BLK_F_WRITE_ZEROES
constexpr unsigned kFLifetime = 15;    ///< VIRTIO_BLK_F_LIFETIME
constexpr unsigned kFSecureErase = 16; ///< VIRTIO_BLK_F_SECURE_ERASE
constexpr unsigned kFZoned = 17;       ///< VIRTIO_BLK_F_ZONED (offered only when the `zoned` option is on, never on legacy)

// Request types (le32 `type` of struct virtio_blk_req).
constexpr uint32_t kTIn = 0;
constexpr uint32_t kTOut = 1;
constexpr uint32_t kTScsiCmd = 2;     ///< legacy SCSI (unsupported)
constexpr uint32_t kTScsiCmdOut = 3;  ///< legacy SCSI (unsupported)
constexpr uint32_t kTFlush = 4;
constexpr uint32_t kTFlushOut = 5;    ///< legacy synonym of FLUSH
constexpr uint32_t kTGetId = 8;
constexpr uint32_t kTGetLifetime = 10;
constexpr uint32_t kTDiscard = 11;
constexpr uint32_t kTWriteZeroes = 13;
constexpr uint32_t kTSecureErase = 14;
constexpr uint32_t kTZoneAppend = 15;
constexpr uint32_t kTZoneReport = 16;
constexpr uint32_t kTZoneOpen = 18;
constexpr uint32_t kTZoneClose = 20;
constexpr uint32_t kTZoneFinish = 22;
constexpr uint32_t kTZoneReset = 24;
constexpr uint32_t kTZoneResetAll = 26;
constexpr uint32_t kTBarrier = 0x80000000u;  ///< legacy barrier flag (VIRTIO_BLK_F_BARRIER, never offered)

// Status byte values.
constexpr uint8_t kSOk = 0;
constexpr uint8_t kSIoErr = 1;
constexpr uint8_t kSUnsupp = 2;
constexpr uint8_t kSZoneInvalidCmd = 3;      ///< VIRTIO_BLK_S_ZONE_INVALID_CMD
constexpr uint8_t kSZoneUnalignedWp = 4;     ///< VIRTIO_BLK_S_ZONE_UNALIGNED_WP
constexpr uint8_t kSZoneOpenResource = 5;    ///< VIRTIO_BLK_S_ZONE_OPEN_RESOURCE
constexpr uint8_t kSZoneActiveResource = 6;  ///< VIRTIO_BLK_S_ZONE_ACTIVE_RESOURCE

// Zoned models (zoned.model).
constexpr uint8_t kZNone = 0;  ///< drive-managed / not zoned
constexpr uint8_t kZHm = 1;    ///< host-managed
constexpr uint8_t kZHa = 2;    ///< host-aware

// Sizes.
constexpr uint32_t kSector = 512;          ///< protocol unit of `sector`, capacity and the data of IN/OUT
constexpr uint32_t kHeaderBytes = 16;      ///< type, reserved, sector
constexpr uint32_t kIdBytes = 20;          ///< GET_ID data
constexpr uint32_t kSegmentBytes = 16;     ///< struct virtio_blk_discard_write_zeroes
constexpr uint32_t kLifetimeBytes = 6;     ///< struct virtio_blk_lifetime
constexpr uint32_t kSegFlagUnmap = 1;      ///< flags.unmap
constexpr uint32_t kSegFlagsKnown = kSegFlagUnmap;
constexpr uint32_t kZoneReportHeaderBytes = 64;   ///< struct virtio_blk_zone_report before zones[]
constexpr uint32_t kZoneDescriptorBytes = 64;     ///< struct virtio_blk_zone_descriptor
constexpr uint32_t kAppendSectorBytes = 8;        ///< le64 append_sector of struct virtio_blk_req_za

// Lifetime values: the largest defined ones (everything above is reserved).
constexpr uint16_t kPreEolMax = 3;         ///< VIRTIO_BLK_PRE_EOL_INFO_URGENT
constexpr uint16_t kLifetimeEstMax = 11;   ///< "estimated lifetime exceeded"

// struct virtio_blk_config byte offsets.
namespace cfg {
constexpr uint32_t kCapacity = 0;                  // le64
constexpr uint32_t kSizeMax = 8;                   // le32
constexpr uint32_t kSegMax = 12;                   // le32
constexpr uint32_t kGeometry = 16;                 // le16 cylinders, u8 heads, u8 sectors
constexpr uint32_t kBlkSize = 20;                  // le32
constexpr uint32_t kTopology = 24;                 // u8 physical_block_exp, u8 alignment_offset, le16 min_io_size, le32 opt_io_size
constexpr uint32_t kWriteback = 32;                // u8
constexpr uint32_t kUnused0 = 33;                  // u8
constexpr uint32_t kNumQueues = 34;                // le16
constexpr uint32_t kMaxDiscardSectors = 36;        // le32
constexpr uint32_t kMaxDiscardSeg = 40;            // le32
constexpr uint32_t kDiscardSectorAlignment = 44;   // le32
constexpr uint32_t kMaxWriteZeroesSectors = 48;    // le32
constexpr uint32_t kMaxWriteZeroesSeg = 52;        // le32
constexpr uint32_t kWriteZeroesMayUnmap = 56;      // u8
constexpr uint32_t kUnused1 = 57;                  // u8[3]
constexpr uint32_t kMaxSecureEraseSectors = 60;    // le32
constexpr uint32_t kMaxSecureEraseSeg = 64;        // le32
constexpr uint32_t kSecureEraseSectorAlignment = 68;  // le32
constexpr uint32_t kZoned = 72;                    // struct virtio_blk_zoned_characteristics (24 bytes)
constexpr uint32_t kZoneSectors = 72;              // le32
constexpr uint32_t kMaxOpenZones = 76;             // le32
constexpr uint32_t kMaxActiveZones = 80;           // le32
constexpr uint32_t kMaxAppendSectors = 84;         // le32
constexpr uint32_t kWriteGranularity = 88;         // le32
constexpr uint32_t kZonedModel = 92;               // u8
constexpr uint32_t kUnused2 = 93;                  // u8[3]
constexpr uint32_t kSize = 96;                     // the whole structure
}  // namespace cfg

}  // namespace vsim::model::blk

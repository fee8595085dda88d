// Block device (virtio id 2) wire constants as the driver uses them: feature bits, request types, status values,
// sizes and struct virtio_blk_config offsets (virtio 1.4, "Block Device"). The device model keeps its own copy
// (driver/ and model/ never include each other).
#pragma once
#include <cstdint>

namespace vsim::drv::blk {

constexpr unsigned kFSizeMax = 1, kFSegMax = 2, kFGeometry = 4, kFRo = 5, kFBlkSize = 6, kFFlush = 9, kFTopology = 10,
                   kFConfigWce = 11, kFMq = 12, kFDiscard = 13, kFWriteZeroes = 14, kFLifetime = 15,
                   kFSecureErase = 16, kFZoned = 17;

constexpr uint32_t kTIn = 0, kTOut = 1, kTFlush = 4, kTGetId = 8, kTGetLifetime = 10, kTDiscard = 11,
                   kTWriteZeroes = 13, kTSecureErase = 14;
constexpr uint32_t kTZoneAppend = 15, kTZoneReport = 16, kTZoneOpen = 18, kTZoneClose = 20, kTZoneFinish = 22,
                   kTZoneReset = 24, kTZoneResetAll = 26;

constexpr uint8_t kSOk = 0, kSIoErr = 1, kSUnsupp = 2;
constexpr uint8_t kSZoneInvalidCmd = 3, kSZoneUnalignedWp = 4, kSZoneOpenResource = 5, kSZoneActiveResource = 6;
constexpr uint8_t kZNone = 0, kZHm = 1, kZHa = 2;  ///< zoned.model
constexpr uint8_t kZtConv = 1, kZtSwr = 2, kZtSwp = 3;  ///< zone types
constexpr uint8_t kZsNotWp = 0, kZsEmpty = 1, kZsIOpen = 2, kZsEOpen = 3, kZsClosed = 4, kZsRdonly = 13, kZsFull = 14,
                  kZsOffline = 15;  ///< zone states
constexpr uint32_t kZoneReportHeaderBytes = 64, kZoneDescriptorBytes = 64, kAppendSectorBytes = 8;

constexpr uint32_t kSector = 512, kHeaderBytes = 16, kIdBytes = 20, kSegmentBytes = 16, kLifetimeBytes = 6;
constexpr uint32_t kSegFlagUnmap = 1;
constexpr uint16_t kPreEolMax = 3, kLifetimeEstMax = 11;

namespace cfg {
constexpr uint32_t kCapacity = 0, kSizeMax = 8, kSegMax = 12, kGeometry = 16, kBlkSize = 20, kTopology = 24,
                   kWriteback = 32, kUnused0 = 33, kNumQueues = 34, kMaxDiscardSectors = 36, kMaxDiscardSeg = 40,
                   kDiscardSectorAlignment = 44, kMaxWriteZeroesSectors = 48, kMaxWriteZeroesSeg = 52,
                   kWriteZeroesMayUnmap = 56, kUnused1 = 57, kMaxSecureEraseSectors = 60, kMaxSecureEraseSeg = 64,
                   kSecureEraseSectorAlignment = 68;
constexpr uint32_t kZoneSectors = 72, kMaxOpenZones = 76, kMaxActiveZones = 80, kMaxAppendSectors = 84,
                   kWriteGranularity = 88, kZonedModel = 92, kUnused2 = 93;
}  // namespace cfg

}  // namespace vsim::drv::blk

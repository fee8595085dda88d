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

constexpr uint8_t kSOk = 0, kSIoErr = 1, kSUnsupp = 2;

constexpr uint32_t kSector = 512, kHeaderBytes = 16, kIdBytes = 20, kSegmentBytes = 16, kLifetimeBytes = 6;
constexpr uint32_t kSegFlagUnmap = 1;
constexpr uint16_t kPreEolMax = 3, kLifetimeEstMax = 11;

namespace cfg {
constexpr uint32_t kCapacity = 0, kSizeMax = 8, kSegMax = 12, kGeometry = 16, kBlkSize = 20, kTopology = 24,
                   kWriteback = 32, kUnused0 = 33, kNumQueues = 34, kMaxDiscardSectors = 36, kMaxDiscardSeg = 40,
                   kDiscardSectorAlignment = 44, kMaxWriteZeroesSectors = 48, kMaxWriteZeroesSeg = 52,
                   kWriteZeroesMayUnmap = 56, kUnused1 = 57, kMaxSecureEraseSectors = 60, kMaxSecureEraseSeg = 64,
                   kSecureEraseSectorAlignment = 68;
}  // namespace cfg

}  // namespace vsim::drv::blk

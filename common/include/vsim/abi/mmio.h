// virtio over MMIO: register offsets (virtio 1.4, 4.2). Version 2 is modern, version 1 the legacy layout.
#pragma once
#include <cstdint>

namespace vsim::mmio {

constexpr uint32_t kMagic = 0x74726976;  ///< "virt"
constexpr uint32_t kVersionLegacy = 1, kVersionModern = 2;

constexpr uint32_t kMagicValue = 0x000;
constexpr uint32_t kVersion = 0x004;
constexpr uint32_t kDeviceId = 0x008;
constexpr uint32_t kVendorId = 0x00c;
constexpr uint32_t kDeviceFeatures = 0x010;
constexpr uint32_t kDeviceFeaturesSel = 0x014;
constexpr uint32_t kDriverFeatures = 0x020;
constexpr uint32_t kDriverFeaturesSel = 0x024;
constexpr uint32_t kGuestPageSize = 0x028;  ///< legacy only
constexpr uint32_t kQueueSel = 0x030;
constexpr uint32_t kQueueNumMax = 0x034;
constexpr uint32_t kQueueNum = 0x038;
constexpr uint32_t kQueueAlign = 0x03c;   ///< legacy only
constexpr uint32_t kQueuePfn = 0x040;     ///< legacy only
constexpr uint32_t kQueueReady = 0x044;   ///< modern only
constexpr uint32_t kQueueNotify = 0x050;
constexpr uint32_t kInterruptStatus = 0x060;
constexpr uint32_t kInterruptAck = 0x064;
constexpr uint32_t kStatus = 0x070;
constexpr uint32_t kQueueDescLow = 0x080;
constexpr uint32_t kQueueDescHigh = 0x084;
constexpr uint32_t kQueueDriverLow = 0x090;
constexpr uint32_t kQueueDriverHigh = 0x094;
constexpr uint32_t kQueueDeviceLow = 0x0a0;
constexpr uint32_t kQueueDeviceHigh = 0x0a4;
constexpr uint32_t kShmSel = 0x0ac;
constexpr uint32_t kShmLenLow = 0x0b0;
constexpr uint32_t kShmLenHigh = 0x0b4;
constexpr uint32_t kShmBaseLow = 0x0b8;
constexpr uint32_t kShmBaseHigh = 0x0bc;
constexpr uint32_t kQueueReset = 0x0c0;
constexpr uint32_t kConfigGeneration = 0x0fc;
constexpr uint32_t kConfig = 0x100;
constexpr uint32_t kWindowSize = 0x200;  ///< register window a device occupies (config space up to 0x100 bytes)

constexpr uint32_t kIntUsedBuffer = 1, kIntConfigChange = 2;

}  // namespace vsim::mmio

// The virtio-mmio control register table as data (private to the transport): offset, name, direction and the
// interface versions that define it. The decoder, regName() and the layout static_asserts all use this one table.
#pragma once
#include <cstdint>

#include "vsim/abi/mmio.h"

namespace vsim::model::mmio_regs {

enum class Dir : uint8_t { R, W, RW };

constexpr uint8_t kV1 = 1, kV2 = 2, kBoth = kV1 | kV2;

struct Reg {
  uint32_t off;
  const char* name;
  Dir dir;
  uint8_t versions;  ///< bit mask of kV1 / kV2
};

// Directions and versions follow the register tables of the MMIO chapter (modern) and its legacy interface section.
inline constexpr Reg kRegs[] = {
    {mmio::kMagicValue, "MagicValue", Dir::R, kBoth},
    {mmio::kVersion, "Version", Dir::R, kBoth},
    {mmio::kDeviceId, "DeviceID", Dir::R, kBoth},
    {mmio::kVendorId, "VendorID", Dir::R, kBoth},
    {mmio::kDeviceFeatures, "DeviceFeatures", Dir::R, kBoth},
    {mmio::kDeviceFeaturesSel, "DeviceFeaturesSel", Dir::W, kBoth},
    {mmio::kDriverFeatures, "DriverFeatures", Dir::W, kBoth},
    {mmio::kDriverFeaturesSel, "DriverFeaturesSel", Dir::W, kBoth},
    {mmio::kGuestPageSize, "GuestPageSize", Dir::W, kV1},
    {mmio::kQueueSel, "QueueSel", Dir::W, kBoth},
    {mmio::kQueueNumMax, "QueueNumMax", Dir::R, kBoth},
    {mmio::kQueueNum, "QueueNum", Dir::W, kBoth},
    {mmio::kQueueAlign, "QueueAlign", Dir::W, kV1},
    {mmio::kQueuePfn, "QueuePFN", Dir::RW, kV1},
    {mmio::kQueueReady, "QueueReady", Dir::RW, kV2},
    {mmio::kQueueNotify, "QueueNotify", Dir::W, kBoth},
    {mmio::kInterruptStatus, "InterruptStatus", Dir::R, kBoth},
    {mmio::kInterruptAck, "InterruptACK", Dir::W, kBoth},
    {mmio::kStatus, "Status", Dir::RW, kBoth},
    {mmio::kQueueDescLow, "QueueDescLow", Dir::W, kV2},
    {mmio::kQueueDescHigh, "QueueDescHigh", Dir::W, kV2},
    {mmio::kQueueDriverLow, "QueueDriverLow", Dir::W, kV2},
    {mmio::kQueueDriverHigh, "QueueDriverHigh", Dir::W, kV2},
    {mmio::kQueueDeviceLow, "QueueDeviceLow", Dir::W, kV2},
    {mmio::kQueueDeviceHigh, "QueueDeviceHigh", Dir::W, kV2},
    {mmio::kShmSel, "SHMSel", Dir::W, kV2},
    {mmio::kShmLenLow, "SHMLenLow", Dir::R, kV2},
    {mmio::kShmLenHigh, "SHMLenHigh", Dir::R, kV2},
    {mmio::kShmBaseLow, "SHMBaseLow", Dir::R, kV2},
    {mmio::kShmBaseHigh, "SHMBaseHigh", Dir::R, kV2},
    {mmio::kQueueReset, "QueueReset", Dir::RW, kV2},
    {mmio::kConfigGeneration, "ConfigGeneration", Dir::R, kV2},
};

inline constexpr unsigned kNumRegs = sizeof(kRegs) / sizeof(kRegs[0]);

/// Index in kRegs of the register whose 32-bit word holds off (any version), or -1 for a hole in the control area.
constexpr int indexOf(uint32_t off) {
  const uint32_t word = off & ~3u;
  for (unsigned i = 0; i < kNumRegs; ++i)
    if (kRegs[i].off == word) return static_cast<int>(i);
  return -1;
}

/// The register whose 32-bit word holds off, or nullptr for a hole.
inline const Reg* find(uint32_t off) {
  const int i = indexOf(off);
  return i < 0 ? nullptr : &kRegs[i];
}

constexpr bool readable(const Reg& r) { return r.dir != Dir::W; }
constexpr bool writable(const Reg& r) { return r.dir != Dir::R; }

}  // namespace vsim::model::mmio_regs

// Compile-time checks of the virtio-mmio register layout (virtio 1.4, "MMIO Device Register Layout" and the legacy
// register table): the ABI offsets, the transport's register table, and how the two agree. Nothing runs here.
#include "mmio_regs.h"
#include "vsim/abi/mmio.h"
#include "vsim/model/virtio_mmio.h"

namespace vsim::model::mmio_regs {
namespace {

// The window: control registers below 0x100, device configuration from 0x100, 0x200 bytes in all.
static_assert(mmio::kConfig == 0x100 && mmio::kWindowSize == 0x200);
static_assert(VirtioMmioDevice::kWindowSize == mmio::kWindowSize);
static_assert(mmio::kMagic == 0x74726976, "\"virt\" read as a little-endian 32-bit word");
static_assert(mmio::kVersionLegacy == 1 && mmio::kVersionModern == 2);
static_assert(mmio::kIntUsedBuffer == 1 && mmio::kIntConfigChange == 2);

// Absolute offsets of the table.
static_assert(mmio::kMagicValue == 0x000 && mmio::kVersion == 0x004 && mmio::kDeviceId == 0x008 &&
              mmio::kVendorId == 0x00c);
static_assert(mmio::kDeviceFeatures == 0x010 && mmio::kDeviceFeaturesSel == 0x014 && mmio::kDriverFeatures == 0x020 &&
              mmio::kDriverFeaturesSel == 0x024);
static_assert(mmio::kGuestPageSize == 0x028 && mmio::kQueueSel == 0x030 && mmio::kQueueNumMax == 0x034 &&
              mmio::kQueueNum == 0x038 && mmio::kQueueAlign == 0x03c && mmio::kQueuePfn == 0x040 &&
              mmio::kQueueReady == 0x044);
static_assert(mmio::kQueueNotify == 0x050 && mmio::kInterruptStatus == 0x060 && mmio::kInterruptAck == 0x064 &&
              mmio::kStatus == 0x070);
static_assert(mmio::kQueueDescLow == 0x080 && mmio::kQueueDriverLow == 0x090 && mmio::kQueueDeviceLow == 0x0a0);
static_assert(mmio::kShmSel == 0x0ac && mmio::kShmLenLow == 0x0b0 && mmio::kShmBaseLow == 0x0b8 &&
              mmio::kQueueReset == 0x0c0 && mmio::kConfigGeneration == 0x0fc);

// 64-bit values are split in a low word followed by the high word.
static_assert(mmio::kQueueDescHigh == mmio::kQueueDescLow + 4 && mmio::kQueueDriverHigh == mmio::kQueueDriverLow + 4 &&
              mmio::kQueueDeviceHigh == mmio::kQueueDeviceLow + 4);
static_assert(mmio::kShmLenHigh == mmio::kShmLenLow + 4 && mmio::kShmBaseHigh == mmio::kShmBaseLow + 4);
// The writer of the queue address registers picks the pair by range and the half by bit 2.
static_assert((mmio::kQueueDescLow & 4) == 0 && (mmio::kQueueDriverLow & 4) == 0 && (mmio::kQueueDeviceLow & 4) == 0);

// The register table: strictly ascending, 32-bit aligned words inside the control area, every entry defined by at
// least one version, and the version-specific registers where the two tables say.
constexpr bool tableSorted() {
  for (unsigned i = 1; i < kNumRegs; ++i)
    if (kRegs[i - 1].off >= kRegs[i].off) return false;
  return true;
}
constexpr bool tableAligned() {
  for (const Reg& r : kRegs)
    if ((r.off & 3) != 0 || r.off + 4 > mmio::kConfig || (r.versions & kBoth) == 0) return false;
  return true;
}
constexpr bool defined(uint32_t off, uint8_t versions, Dir dir) {
  const int i = indexOf(off);
  return i >= 0 && kRegs[i].off == off && kRegs[i].versions == versions && kRegs[i].dir == dir;
}
static_assert(tableSorted());
static_assert(tableAligned());
static_assert(kNumRegs == 32);
static_assert(defined(mmio::kGuestPageSize, kV1, Dir::W) && defined(mmio::kQueueAlign, kV1, Dir::W) &&
              defined(mmio::kQueuePfn, kV1, Dir::RW));
static_assert(defined(mmio::kQueueReady, kV2, Dir::RW) && defined(mmio::kQueueReset, kV2, Dir::RW) &&
              defined(mmio::kConfigGeneration, kV2, Dir::R) && defined(mmio::kShmSel, kV2, Dir::W));
static_assert(defined(mmio::kStatus, kBoth, Dir::RW) && defined(mmio::kInterruptAck, kBoth, Dir::W) &&
              defined(mmio::kInterruptStatus, kBoth, Dir::R) && defined(mmio::kQueueNotify, kBoth, Dir::W));
// Holes stay holes.
static_assert(indexOf(0x018) == -1 && indexOf(0x02c) == -1 && indexOf(0x048) == -1 && indexOf(0x054) == -1 &&
              indexOf(0x068) == -1 && indexOf(0x074) == -1 && indexOf(0x088) == -1 && indexOf(0x0a8) == -1 &&
              indexOf(0x0c4) == -1 && indexOf(0x0f8) == -1);
// A byte inside a register belongs to it.
static_assert(indexOf(mmio::kStatus + 2) == indexOf(mmio::kStatus) && indexOf(mmio::kStatus) >= 0);

}  // namespace
}  // namespace vsim::model::mmio_regs

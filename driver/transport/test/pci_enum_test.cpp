// PCI enumeration: matching rules, multi-function scanning, BAR sizing and assignment, command register.
#include <gtest/gtest.h>

#include "fake_hal.h"
#include "vsim/drv/device_clauses.h"
#include "vsim/drv/pci.h"

namespace vsim::drv {
namespace {

using fake::FakeHal;
using fake::FakePciFunction;
using fake::FakeVirtioPci;

const PciFunctionInfo* find(const std::vector<PciFunctionInfo>& v, uint8_t dev, uint8_t fn = 0) {
  for (const auto& f : v)
    if (f.addr.dev == dev && f.addr.fn == fn) return &f;
  return nullptr;
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Discovery#1
TEST(PciEnum, FindsModernDeviceAndAssignsBars) {
  FakeHal h;
  auto& f = h.addPciT(std::make_unique<FakeVirtioPci>(4, 1, FakeVirtioPci::Layout{true, false, 4, 4, true}), 3);
  ViolationLog log;
  auto fns = enumeratePci(h, log);
  ASSERT_EQ(fns.size(), 1u);
  const PciFunctionInfo& fn = fns[0];
  EXPECT_EQ(fn.addr, (PciAddr{0, 3, 0}));
  EXPECT_EQ(fn.virtioType, 4);
  EXPECT_EQ(fn.kind, PciVirtioKind::Modern);
  EXPECT_EQ(fn.intxLine, h.desc.pciIntxLineBase + 3);
  // BAR4: 64-bit prefetchable 16 KiB, from the 64-bit window, naturally aligned
  EXPECT_TRUE(fn.bars[4].present && fn.bars[4].is64 && fn.bars[4].prefetchable && fn.bars[4].assigned);
  EXPECT_EQ(fn.bars[4].size, FakeVirtioPci::kBar4Size);
  EXPECT_EQ(fn.bars[4].address % fn.bars[4].size, 0u);
  EXPECT_GE(fn.bars[4].address, h.desc.pciMem64Base);
  EXPECT_TRUE(fn.bars[5].upperHalf);
  EXPECT_EQ(f.barAddress(4), fn.bars[4].address);  // programmed into the function
  // BAR1 (MSI-X table): 32-bit memory, 4 KiB, from the 32-bit window
  EXPECT_TRUE(fn.bars[1].present && !fn.bars[1].is64 && fn.bars[1].assigned);
  EXPECT_EQ(fn.bars[1].size, 0x1000u);
  EXPECT_GE(fn.bars[1].address, h.desc.pciMem32Base);
  EXPECT_EQ(f.barAddress(1), fn.bars[1].address);
  EXPECT_FALSE(fn.bars[0].present);
  // memory decoding and bus mastering on, I/O off (no I/O BAR)
  const uint16_t cmd = static_cast<uint16_t>(f.cfgRead(pci::kCfgCommand, 2));
  EXPECT_TRUE(cmd & pci::kCmdMemory);
  EXPECT_TRUE(cmd & pci::kCmdBusMaster);
  EXPECT_FALSE(cmd & pci::kCmdIo);
  EXPECT_TRUE(fn.layout.modernUsable());
  EXPECT_TRUE(log.empty());
}

TEST(PciEnum, BarSizingDisablesDecodeWhileProbing) {
  FakeHal h;
  h.addPciT(std::make_unique<FakeVirtioPci>(4, 1), 1);
  ViolationLog log;
  enumeratePci(h, log);
  // the first command write clears I/O + memory decoding, before any BAR is written with all-ones
  const uint64_t cfgBase = h.desc.ecamBase + (1u << 15);
  bool sawCmdOff = false;
  for (const auto& a : h.log) {
    if (!a.write || a.addr < cfgBase || a.addr >= cfgBase + 4096) continue;
    const uint64_t off = a.addr - cfgBase;
    if (off == pci::kCfgCommand && !sawCmdOff) {
      EXPECT_EQ(a.value & (pci::kCmdIo | pci::kCmdMemory), 0u);
      sawCmdOff = true;
    }
    if (off >= pci::kCfgBar0 && off < pci::kCfgBar0 + 24 && a.value == 0xffffffffu) {
      EXPECT_TRUE(sawCmdOff);
    }
  }
  EXPECT_TRUE(sawCmdOff);
}

TEST(PciEnum, IoBarForTransitionalDevice) {
  FakeHal h;
  auto& f = h.addPciT(std::make_unique<FakeVirtioPci>(4, 1, FakeVirtioPci::Layout{true, true, 0, 4, true}), 2);
  ViolationLog log;
  auto fns = enumeratePci(h, log);
  ASSERT_EQ(fns.size(), 1u);
  EXPECT_EQ(fns[0].kind, PciVirtioKind::Transitional);
  EXPECT_EQ(fns[0].virtioType, 4);  // from the subsystem device id
  EXPECT_TRUE(fns[0].bars[0].io && fns[0].bars[0].assigned);
  EXPECT_EQ(fns[0].bars[0].size, 0x40u);
  EXPECT_GE(fns[0].bars[0].address, h.desc.pciIoBase);
  EXPECT_EQ(fns[0].bars[0].address % 0x40, 0u);
  EXPECT_EQ(f.barAddress(0), fns[0].bars[0].address);
  EXPECT_TRUE(f.cfgRead(pci::kCfgCommand, 2) & pci::kCmdIo);
  EXPECT_TRUE(log.empty());
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Discovery#2
TEST(PciEnum, LegacyOnlyDeviceHasNoCapabilities) {
  FakeHal h;
  h.addPciT(std::make_unique<FakeVirtioPci>(4, 1, FakeVirtioPci::Layout{false, true, 0, 4, false}), 2);
  ViolationLog log;
  auto fns = enumeratePci(h, log);
  ASSERT_EQ(fns.size(), 1u);
  EXPECT_EQ(fns[0].kind, PciVirtioKind::Legacy);
  EXPECT_FALSE(fns[0].layout.anyVirtioCap);
  EXPECT_TRUE(log.empty());  // a legacy device without capabilities is no violation
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Discovery#3
TEST(PciEnum, MatchingRules) {
  FakeHal h;
  auto other = std::make_unique<FakePciFunction>();  // not Red Hat
  other->setIds(0x8086, 0x1041, 1, 0x8086, 0x41);
  h.addPci(std::move(other), 1);
  auto notVirtio = std::make_unique<FakePciFunction>();  // Red Hat, but outside the virtio range
  notVirtio->setIds(pci::kVendorRedHatQumranet, 0x1080, 1, pci::kVendorRedHatQumranet, 0x40);
  h.addPci(std::move(notVirtio), 2);
  auto type0 = std::make_unique<FakePciFunction>();  // 0x1040: reserved device type 0
  type0->setIds(pci::kVendorRedHatQumranet, 0x1040, 1, pci::kVendorRedHatQumranet, 0x40);
  h.addPci(std::move(type0), 3);
  auto& anyRev = h.addPciT(std::make_unique<FakeVirtioPci>(2, 1), 4);  // any revision matches
  anyRev.cfg[pci::kCfgRevision] = 0x7f;
  ViolationLog log;
  auto fns = enumeratePci(h, log);
  ASSERT_EQ(fns.size(), 1u);
  EXPECT_EQ(fns[0].addr.dev, 4);
  EXPECT_EQ(fns[0].virtioType, 2);
  EXPECT_EQ(fns[0].revision, 0x7f);
  EXPECT_EQ(pciVirtioType(0x1af4, 0x107f, 0, nullptr), 0x3f);
  bool tr = false;
  EXPECT_EQ(pciVirtioType(0x1af4, 0x1001, 2, &tr), 2);
  EXPECT_TRUE(tr);
}

// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Discovery#2
TEST(PciEnum, TransitionalIdNotOfItsType) {
  FakeHal h;
  auto& f = h.addPciT(std::make_unique<FakeVirtioPci>(4, 1, FakeVirtioPci::Layout{true, true, 0, 4, true}), 2);
  const uint16_t netId = 0x1000;  // the network device's transitional id, with subsystem id 4 (entropy)
  std::memcpy(f.cfg + pci::kCfgDeviceId, &netId, 2);
  ViolationLog log;
  auto fns = enumeratePci(h, log);
  ASSERT_EQ(fns.size(), 1u);
  EXPECT_EQ(fns[0].virtioType, 4);
  EXPECT_EQ(log.count(clause::kPciDeviceId), 1u);
}

TEST(PciEnum, MultiFunctionScan) {
  FakeHal h;
  auto f0 = std::make_unique<FakePciFunction>();
  f0->setIds(0x8086, 0x1234, 1, 0x8086, 1);
  f0->setMultiFunction(true);
  h.addPci(std::move(f0), 5, 0);
  h.addPciT(std::make_unique<FakeVirtioPci>(4, 1), 5, 2);
  // function 1 of a single-function device is never looked at
  auto s0 = std::make_unique<FakePciFunction>();
  s0->setIds(0x8086, 0x1234, 1, 0x8086, 1);
  h.addPci(std::move(s0), 6, 0);
  h.addPciT(std::make_unique<FakeVirtioPci>(4, 1), 6, 1);
  ViolationLog log;
  auto fns = enumeratePci(h, log);
  ASSERT_EQ(fns.size(), 1u);
  EXPECT_NE(find(fns, 5, 2), nullptr);
  EXPECT_EQ(fns[0].addr.str(), "00:05.2");
}

TEST(PciEnum, SixtyFourBitBarFallsBackBelow4G) {
  FakeHal h;
  h.desc.pciMem64Size = 0;  // no 64-bit window: the 64-bit BAR goes into the 32-bit window
  h.addPciT(std::make_unique<FakeVirtioPci>(4, 1), 3);
  ViolationLog log;
  auto fns = enumeratePci(h, log);
  ASSERT_EQ(fns.size(), 1u);
  EXPECT_TRUE(fns[0].bars[4].assigned);
  EXPECT_GE(fns[0].bars[4].address, h.desc.pciMem32Base);
  EXPECT_LT(fns[0].bars[4].address, h.desc.pciMem32Base + h.desc.pciMem32Size);
  EXPECT_TRUE(fns[0].layout.modernUsable());
}

TEST(PciEnum, NoRoomLeavesBarUnassignedAndStructuresUnusable) {
  FakeHal h;
  h.desc.pciMem64Size = 0;
  h.desc.pciMem32Size = 0x1000;  // smaller than BAR4
  h.addPciT(std::make_unique<FakeVirtioPci>(4, 1), 3);
  ViolationLog log;
  auto fns = enumeratePci(h, log);
  ASSERT_EQ(fns.size(), 1u);
  EXPECT_TRUE(fns[0].bars[4].present);
  EXPECT_FALSE(fns[0].bars[4].assigned);
  EXPECT_FALSE(fns[0].layout.modernUsable());
  EXPECT_FALSE(fns[0].layout.common.valid);
  EXPECT_TRUE(log.empty());  // the platform's fault, not the device's
}

TEST(PciEnum, NoEcamNoPci) {
  FakeHal h;
  h.addPciT(std::make_unique<FakeVirtioPci>(4, 1), 3);
  h.desc.ecamBase = 0;
  ViolationLog log;
  EXPECT_TRUE(enumeratePci(h, log).empty());
}

TEST(PciEnum, ConfigSpaceInsteadOfEcam) {
  FakeHal h;
  h.addPciT(std::make_unique<FakeVirtioPci>(4, 1), 3);
  ViolationLog log;
  PciScanOptions o;
  o.viaConfigSpace = true;
  auto fns = enumeratePci(h, log, o);
  ASSERT_EQ(fns.size(), 1u);
  EXPECT_TRUE(fns[0].viaConfigSpace);
  bool anyConfig = false, anyEcam = false;
  for (const auto& a : h.log) {
    anyConfig |= a.space == Space::Config;
    anyEcam |= a.space == Space::Memory && a.addr >= h.desc.ecamBase && a.addr < h.desc.ecamBase + (1u << 20);
  }
  EXPECT_TRUE(anyConfig);
  EXPECT_FALSE(anyEcam);
}

// Found against QEMU (issue #7): a platform whose firmware already assigned the BARs (a Linux guest driving devices
// from user space) scans with assignResources = false; the driver must keep those addresses and still reach the
// virtio structures, and enable decoding + bus mastering.
TEST(PciEnum, KeepsFirmwareAssignedBars) {
  FakeHal h;
  auto& f = h.addPciT(std::make_unique<FakeVirtioPci>(4, 1, FakeVirtioPci::Layout{true, true, 4, 4, true}), 3);
  const uint64_t bar4 = FakeHal::kMem64Base + 0x100000, bar1 = FakeHal::kMem32Base + 0x3000, bar0 = 0xc040;
  f.cfgWrite(static_cast<uint16_t>(pci::kCfgBar0), static_cast<uint32_t>(bar0), 4);
  f.cfgWrite(static_cast<uint16_t>(pci::kCfgBar0 + 4), static_cast<uint32_t>(bar1), 4);
  f.cfgWrite(static_cast<uint16_t>(pci::kCfgBar0 + 16), static_cast<uint32_t>(bar4), 4);
  f.cfgWrite(static_cast<uint16_t>(pci::kCfgBar0 + 20), static_cast<uint32_t>(bar4 >> 32), 4);
  ViolationLog log;
  PciScanOptions o;
  o.assignResources = false;
  auto fns = enumeratePci(h, log, o);
  ASSERT_EQ(fns.size(), 1u);
  const PciFunctionInfo& fn = fns[0];
  EXPECT_TRUE(fn.bars[4].assigned);
  EXPECT_EQ(fn.bars[4].address, bar4);
  EXPECT_EQ(fn.bars[1].address, bar1);
  EXPECT_TRUE(fn.bars[0].io && fn.bars[0].assigned);
  EXPECT_EQ(fn.bars[0].address, bar0);
  EXPECT_EQ(f.barAddress(4), bar4);  // restored after sizing, never moved
  EXPECT_TRUE(fn.layout.modernUsable());
  EXPECT_EQ(fn.layout.common.base, bar4 + fn.layout.common.offset);
  const uint16_t cmd = static_cast<uint16_t>(f.cfgRead(pci::kCfgCommand, 2));
  EXPECT_TRUE(cmd & pci::kCmdMemory);
  EXPECT_TRUE(cmd & pci::kCmdIo);
  EXPECT_TRUE(cmd & pci::kCmdBusMaster);
  EXPECT_TRUE(log.empty());
}

// A BAR the firmware left at 0 stays unassigned (and its structures unusable) when resources are not assigned.
TEST(PciEnum, UnassignedFirmwareBarStaysUnassigned) {
  FakeHal h;
  h.addPciT(std::make_unique<FakeVirtioPci>(4, 1), 3);
  ViolationLog log;
  PciScanOptions o;
  o.assignResources = false;
  auto fns = enumeratePci(h, log, o);
  ASSERT_EQ(fns.size(), 1u);
  EXPECT_TRUE(fns[0].bars[4].present);
  EXPECT_FALSE(fns[0].bars[4].assigned);
  EXPECT_FALSE(fns[0].layout.modernUsable());
}

TEST(PciEnum, ResourceAllocatorAlignsAndExhausts) {
  PlatformDesc p;
  p.pciMem32Base = 0x80000000;
  p.pciMem32Size = 0x10000;
  PciResourceAllocator a(p);
  uint64_t x = 0, y = 0, z = 0;
  ASSERT_TRUE(a.alloc(false, false, false, 0x100, &x));
  ASSERT_TRUE(a.alloc(false, false, false, 0x4000, &y));
  EXPECT_EQ(x, 0x80000000u);
  EXPECT_EQ(y, 0x80004000u);  // natural alignment skips the gap
  EXPECT_FALSE(a.alloc(false, false, false, 0x10000, &z));
  EXPECT_FALSE(a.alloc(true, false, false, 0x20, &z));  // no I/O window
}

}  // namespace
}  // namespace vsim::drv

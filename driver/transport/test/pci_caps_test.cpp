// The virtio capability walk: well-formed and malformed capabilities, multiple instances, notify rules.
#include <gtest/gtest.h>

#include "fake_hal.h"
#include "vsim/drv/device_clauses.h"
#include "vsim/drv/pci.h"
#include "vsim/drv/pci_transport.h"

namespace vsim::drv {
namespace {

using fake::FakeHal;
using fake::FakeVirtioPci;
constexpr uint32_t kC = FakeVirtioPci::kCommonOff, kI = FakeVirtioPci::kIsrOff, kD = FakeVirtioPci::kDeviceOff,
                   kN = FakeVirtioPci::kNotifyOff;

/// A modern entropy device whose capability list the test writes itself.
FakeVirtioPci& bare(FakeHal& h, uint8_t dev = 3) {
  FakeVirtioPci::Layout l;
  l.standardCaps = false;
  return h.addPciT(std::make_unique<FakeVirtioPci>(4, 1, l), dev);
}

void addRest(FakeVirtioPci& f, bool common = true, bool notify = true, bool isr = true, bool device = true,
             bool pcicfg = true) {
  if (common) f.addVirtioCap(pci::kCapCommonCfg, 4, kC, 0x40);
  if (notify) f.addNotifyCap(4, kN, 0x1000, 4);
  if (isr) f.addVirtioCap(pci::kCapIsrCfg, 4, kI, 4);
  if (device) f.addVirtioCap(pci::kCapDeviceCfg, 4, kD, 0x100);
  if (pcicfg) f.addVirtioCap(pci::kCapPciCfg, 0, 0, 0, 0, {0, 0, 0, 0});
}

PciFunctionInfo scanOne(FakeHal& h, ViolationLog& log) {
  auto fns = enumeratePci(h, log);
  EXPECT_EQ(fns.size(), 1u);
  return fns.empty() ? PciFunctionInfo{} : fns[0];
}

TEST(PciCaps, StandardLayout) {
  FakeHal h;
  auto& f = bare(h);
  addRest(f);
  ViolationLog log;
  PciFunctionInfo fn = scanOne(h, log);
  const VirtioPciLayout& L = fn.layout;
  EXPECT_TRUE(L.modernUsable());
  EXPECT_EQ(L.common.base, fn.bars[4].address + kC);
  EXPECT_EQ(L.common.length, 0x40u);
  EXPECT_EQ(L.isr.base, fn.bars[4].address + kI);
  EXPECT_EQ(L.device.base, fn.bars[4].address + kD);
  ASSERT_EQ(L.notifyCandidates.size(), 1u);
  EXPECT_EQ(L.notifyCandidates[0].notifyOffMultiplier, 4u);
  EXPECT_NE(L.pciCfgCapAt, 0);
  EXPECT_EQ(L.caps.size(), 5u);
  EXPECT_TRUE(log.empty());
}

// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#1
TEST(PciCaps, ShortCapLenIsReportedAndTheNextInstanceUsed) {
  FakeHal h;
  auto& f = bare(h);
  f.addVirtioCap(pci::kCapCommonCfg, 4, 0x800, 0x40, /*capLen=*/12);  // shorter than struct virtio_pci_cap
  f.addNotifyCap(4, kN, 0x1000, 4, /*capLen=*/16);                     // no room for notify_off_multiplier
  addRest(f);
  ViolationLog log;
  PciFunctionInfo fn = scanOne(h, log);
  EXPECT_EQ(log.count(clause::kCapLen), 2u);
  for (const auto& v : log.all()) EXPECT_EQ(v.culprit, Culprit::Device);
  EXPECT_EQ(fn.layout.common.offset, kC);  // the second, valid instance
  ASSERT_EQ(fn.layout.notifyCandidates.size(), 1u);
  EXPECT_FALSE(fn.layout.caps[0].usable);
  EXPECT_EQ(fn.layout.caps[0].note, "cap_len too small");
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#3
TEST(PciCaps, LongerCapLenAccepted) {
  FakeHal h;
  auto& f = bare(h);
  f.addVirtioCap(pci::kCapCommonCfg, 4, kC, 0x40, /*capLen=*/24, {0, 0, 0, 0, 0, 0, 0, 0});
  addRest(f, false);
  ViolationLog log;
  PciFunctionInfo fn = scanOne(h, log);
  EXPECT_TRUE(fn.layout.common.valid);
  EXPECT_TRUE(log.empty());
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#4
TEST(PciCaps, ReservedBarNumbersIgnored) {
  FakeHal h;
  auto& f = bare(h);
  f.addVirtioCap(pci::kCapCommonCfg, 6, kC, 0x40);
  f.addVirtioCap(pci::kCapCommonCfg, 7, kC, 0x40);
  f.addVirtioCap(pci::kCapIsrCfg, 0xff, kI, 4);
  addRest(f);
  ViolationLog log;
  PciFunctionInfo fn = scanOne(h, log);
  EXPECT_TRUE(log.empty());  // ignoring is what the spec asks; no device rule forbids future BAR values
  EXPECT_EQ(fn.layout.common.capAt, fn.layout.caps[3].at);
  EXPECT_EQ(fn.layout.caps[0].note, "reserved BAR number (ignored)");
  EXPECT_EQ(fn.layout.caps[1].note, "reserved BAR number (ignored)");
  EXPECT_TRUE(fn.layout.modernUsable());
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#1
TEST(PciCaps, ReservedCfgTypeIgnored) {
  FakeHal h;
  auto& f = bare(h);
  f.addVirtioCap(7, 4, 0, 0x40);
  addRest(f);
  ViolationLog log;
  PciFunctionInfo fn = scanOne(h, log);
  EXPECT_TRUE(log.empty());
  EXPECT_FALSE(fn.layout.caps[0].usable);
  EXPECT_TRUE(fn.layout.modernUsable());
}

// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus#1
TEST(PciCaps, StructureOutsideItsBar) {
  FakeHal h;
  auto& f = bare(h);
  f.addVirtioCap(pci::kCapCommonCfg, 4, FakeVirtioPci::kBar4Size - 0x20, 0x40);  // runs past the end
  f.addVirtioCap(pci::kCapDeviceCfg, 4, FakeVirtioPci::kBar4Size, 0x10);          // starts at the end
  f.addVirtioCap(pci::kCapIsrCfg, 2, 0, 4);                                      // BAR2 not implemented
  addRest(f);
  ViolationLog log;
  PciFunctionInfo fn = scanOne(h, log);
  EXPECT_EQ(log.count(clause::kPciBus), 2u);
  EXPECT_EQ(fn.layout.common.offset, kC);
  EXPECT_EQ(fn.layout.device.offset, kD);
  EXPECT_EQ(fn.layout.caps[2].note, "BAR not implemented");
  EXPECT_TRUE(fn.layout.modernUsable());
}

// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#1
// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Device-specific configuration#1
TEST(PciCaps, MisalignedCommonAndDeviceStructures) {
  FakeHal h;
  auto& f = bare(h);
  f.addVirtioCap(pci::kCapCommonCfg, 4, kC + 2, 0x40);
  f.addVirtioCap(pci::kCapDeviceCfg, 4, kD + 1, 0x10);
  addRest(f);
  ViolationLog log;
  PciFunctionInfo fn = scanOne(h, log);
  EXPECT_EQ(log.count(clause::kCommonOffsetAlign), 1u);
  EXPECT_EQ(log.count(clause::kDeviceCfgAlign), 1u);
  EXPECT_EQ(fn.layout.common.offset, kC);
  EXPECT_EQ(fn.layout.device.offset, kD);
}

// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#2
// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#1
// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / ISR status capability#1
// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / PCI configuration access capability#1
TEST(PciCaps, MandatoryStructuresMissing) {
  FakeHal h;
  bare(h);  // a modern device id and no capability at all
  ViolationLog log;
  PciFunctionInfo fn = scanOne(h, log);
  EXPECT_EQ(log.count(clause::kCommonPresent), 1u);
  EXPECT_EQ(log.count(clause::kNotifyPresent), 1u);
  EXPECT_EQ(log.count(clause::kIsrPresent), 1u);
  EXPECT_EQ(log.count(clause::kPciCfgCapPresent), 1u);
  EXPECT_FALSE(fn.layout.modernUsable());
}

TEST(PciCaps, OnlyPciCfgMissing) {
  FakeHal h;
  auto& f = bare(h);
  addRest(f, true, true, true, true, false);
  ViolationLog log;
  PciFunctionInfo fn = scanOne(h, log);
  EXPECT_EQ(log.size(), 1u);
  EXPECT_EQ(log.count(clause::kPciCfgCapPresent), 1u);
  EXPECT_TRUE(fn.layout.modernUsable());
}

TEST(PciCaps, CapabilityListLoop) {
  FakeHal h;
  auto& f = bare(h);
  addRest(f);
  const uint8_t first = f.cfg[pci::kCfgCapPtr];
  f.cfg[f.addVirtioCap(pci::kCapVendorCfg, 0, 0, 0) + 1] = first;  // last points back to the first
  ViolationLog log;
  PciFunctionInfo fn = scanOne(h, log);
  EXPECT_TRUE(fn.layout.capListBroken);
  EXPECT_EQ(log.count(clause::kPciBus), 1u);
  EXPECT_TRUE(fn.layout.modernUsable());  // what was found before the loop stays usable
}

// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Vendor data capability#1
// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Vendor data capability#2
TEST(PciCaps, VendorDataCapability) {
  FakeHal h;
  auto& f = bare(h);
  addRest(f);
  f.addCap({pci::kCapIdVendor, 0, 6, pci::kCapVendorCfg, 0xf4, 0x1a});  // vendor_id 0x1af4, size 6
  f.addCap({pci::kCapIdVendor, 0, 8, pci::kCapVendorCfg, 0x86, 0x80, 0, 0});  // fine
  ViolationLog log;
  PciFunctionInfo fn = scanOne(h, log);
  EXPECT_EQ(log.count(clause::kVendorCapVendorId), 1u);
  EXPECT_EQ(log.count(clause::kVendorCapSize), 1u);
  EXPECT_EQ(fn.layout.caps.back().vendorId, 0x8086);
  EXPECT_TRUE(fn.layout.caps.back().usable);
}

// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Shared memory capability#1
// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Shared memory capability#2
TEST(PciCaps, SharedMemoryCapabilities) {
  FakeHal h;
  auto& f = bare(h);
  addRest(f);
  auto shm = [&](uint8_t id, uint32_t off, uint32_t len, uint32_t offHi) {
    const uint8_t at = f.addVirtioCap(pci::kCapSharedMemoryCfg, 4, off, len, 0,
                                      {uint8_t(offHi), uint8_t(offHi >> 8), uint8_t(offHi >> 16), uint8_t(offHi >> 24),
                                       0, 0, 0, 0});
    f.cfg[at + 5] = id;
  };
  shm(1, 0x3800, 0x100, 0);  // fine
  shm(1, 0x3900, 0x100, 0);  // same id
  shm(2, 0x0, 0x100, 1);     // offset_hi puts it 4 GiB into a 16 KiB BAR
  ViolationLog log;
  PciFunctionInfo fn = scanOne(h, log);
  EXPECT_EQ(log.count(clause::kShmUniqueId), 1u);
  EXPECT_EQ(log.count(clause::kShmInBar), 1u);
  ASSERT_EQ(fn.layout.shm.size(), 1u);
  EXPECT_EQ(fn.layout.shm[0].region.base, fn.bars[4].address + 0x3800);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#2
TEST(PciCaps, FirstUsableInstanceOfEachType) {
  FakeHal h;
  auto& f = bare(h);
  f.addVirtioCap(pci::kCapIsrCfg, 4, kI + 1, 1);
  addRest(f);
  f.addVirtioCap(pci::kCapCommonCfg, 4, 0x100, 0x40);
  ViolationLog log;
  PciFunctionInfo fn = scanOne(h, log);
  EXPECT_EQ(fn.layout.isr.offset, kI + 1);  // no alignment rule for ISR
  EXPECT_EQ(fn.layout.common.offset, kC);
  EXPECT_TRUE(log.empty());
}

struct NotifyCase {
  uint32_t offset, length, multiplier;
  bool offerNotificationData;
  const char* clause;
};

class NotifyCapRules : public ::testing::TestWithParam<NotifyCase> {};

// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#2
// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#3
// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#4
// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#7
// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#8
// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#9
TEST_P(NotifyCapRules, BadCandidateReportedAndSkipped) {
  const NotifyCase c = GetParam();
  FakeHal h;
  auto& f = bare(h);
  f.addNotifyCap(4, kN + c.offset, c.length, c.multiplier);  // the bad one first
  addRest(f);                                                 // then a good one (offset kN, mult 4, len 0x1000)
  ViolationLog log;
  auto fn = std::make_shared<PciFunctionInfo>(scanOne(h, log));
  ASSERT_TRUE(log.empty());  // nothing decided before the offer is known
  PciModernTransport t(h, log, fn);
  uint64_t offered = feat::bit(feat::kVersion1);
  if (c.offerNotificationData) offered |= feat::bit(feat::kNotificationData);
  EXPECT_TRUE(t.validateOffer(offered));
  EXPECT_EQ(log.size(), 1u);
  EXPECT_EQ(log.count(c.clause), 1u);
  ASSERT_NE(t.notifyCap(), nullptr);
  EXPECT_EQ(t.notifyCap()->offset, kN);
}

INSTANTIATE_TEST_SUITE_P(
    All, NotifyCapRules,
    ::testing::Values(NotifyCase{1, 0x100, 4, false, clause::kNotifyOffsetAlign2},
                      NotifyCase{0, 0x100, 3, false, clause::kNotifyMultiplier},
                      NotifyCase{0, 0x100, 1, false, clause::kNotifyMultiplier},  // 2^0 is odd
                      NotifyCase{0, 1, 0, false, clause::kNotifyLength2},
                      NotifyCase{2, 0x100, 4, true, clause::kNotifyOffsetAlign4},
                      NotifyCase{0, 0x100, 2, true, clause::kNotifyMultiplierData},
                      NotifyCase{0, 3, 0, true, clause::kNotifyLength4}));

TEST(PciCaps, NotifyRulesWithoutNotificationDataAreLaxer) {
  FakeHal h;
  auto& f = bare(h);
  f.addNotifyCap(4, kN + 2, 2, 2);  // fine for 16-bit notifications
  addRest(f);
  ViolationLog log;
  auto fn = std::make_shared<PciFunctionInfo>(scanOne(h, log));
  PciModernTransport t(h, log, fn);
  EXPECT_TRUE(t.validateOffer(feat::bit(feat::kVersion1)));
  EXPECT_TRUE(log.empty());
  EXPECT_EQ(t.notifyCap()->offset, kN + 2);
  // the same capability breaks three rules once NOTIFICATION_DATA is offered (the good one is used)
  EXPECT_TRUE(t.validateOffer(feat::bit(feat::kVersion1) | feat::bit(feat::kNotificationData)));
  EXPECT_EQ(log.size(), 3u);
  EXPECT_EQ(t.notifyCap()->offset, kN);
}

TEST(PciCaps, NoUsableNotifyCapability) {
  FakeHal h;
  auto& f = bare(h);
  addRest(f, true, false);
  f.addNotifyCap(4, kN + 1, 0x100, 4);
  ViolationLog log;
  auto fn = std::make_shared<PciFunctionInfo>(scanOne(h, log));
  PciModernTransport t(h, log, fn);
  EXPECT_FALSE(t.validateOffer(feat::bit(feat::kVersion1)));
  EXPECT_EQ(log.count(clause::kNotifyOffsetAlign2), 1u);
}

TEST(PciCaps, MsixCapability) {
  FakeHal h;
  FakeVirtioPci::Layout l;
  l.msixVectors = 8;
  h.addPciT(std::make_unique<FakeVirtioPci>(4, 1, l), 3);
  ViolationLog log;
  PciFunctionInfo fn = scanOne(h, log);
  const PciMsixInfo& m = fn.layout.msix;
  EXPECT_TRUE(m.present && m.usable);
  EXPECT_EQ(m.tableSize, 8);
  EXPECT_EQ(m.tableBar, 1);
  EXPECT_EQ(m.tableAddr, fn.bars[1].address);
  EXPECT_EQ(m.pbaOffset, 0x800u);
}

TEST(PciCaps, MsixTableOutsideBarUnusable) {
  FakeHal h;
  FakeVirtioPci::Layout l;
  auto& f = h.addPciT(std::make_unique<FakeVirtioPci>(4, 1, l), 3);
  f.defineBar(1, fake::FakePciFunction::BarDef{0x1000, false, false, false});
  f.addMsixCap(512, 1, 0, 1, 0x800);  // 512 * 16 bytes do not fit in 4 KiB
  ViolationLog log;
  PciFunctionInfo fn = scanOne(h, log);
  EXPECT_TRUE(fn.layout.msix.present);
  EXPECT_FALSE(fn.layout.msix.usable);
  EXPECT_EQ(fn.layout.msix.note, "table outside its BAR");
}

}  // namespace
}  // namespace vsim::drv

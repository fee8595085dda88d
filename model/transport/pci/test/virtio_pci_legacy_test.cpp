// The Legacy and Transitional personalities: IDs, the legacy I/O layout with QUEUE_PFN rings, the MSI-X shift of
// the device configuration, the per-driver choice of interface on a transitional device, and the legacy trap of a
// non-transitional device.
#include <gtest/gtest.h>

#include "pci_test_support.h"

namespace vsim::model {
namespace {

using namespace pcitest;
namespace lg = pci::legacy;
namespace cc = pci::common;

constexpr uint64_t kBuf = 0x40000;

/// Legacy initialisation of queue 0 with its ring at page pfn; returns the guest's view of the ring.
SplitRingView legacyInit(MiniDriver& d, DeviceCore& core, uint32_t pfn) {
  d.setLeg(lg::kStatus, 0, 1);
  d.setLeg(lg::kStatus, status::kAcknowledge, 1);
  d.setLeg(lg::kStatus, status::kAcknowledge | status::kDriver, 1);
  const uint32_t host = static_cast<uint32_t>(d.leg(lg::kHostFeatures, 4));
  d.setLeg(lg::kGuestFeatures, host & feat::bit(feat::kIndirectDesc), 4);
  d.setLeg(lg::kQueueSel, 0, 2);
  const uint16_t n = static_cast<uint16_t>(d.leg(lg::kQueueNum, 2));
  d.setLeg(lg::kQueuePfn, pfn, 4);
  d.setLeg(lg::kStatus, status::kAcknowledge | status::kDriver | status::kDriverOk, 1);
  const uint64_t desc = uint64_t{pfn} << 12;
  const uint64_t avail = desc + 16ull * n;
  const uint64_t used = (avail + 6 + 2ull * n + 4095) & ~uint64_t{4095};
  EXPECT_EQ(core.queue(0).desc, desc);
  EXPECT_EQ(core.queue(0).driver, avail);
  EXPECT_EQ(core.queue(0).device, used);
  return SplitRingView{core.memory(), desc, avail, used, n};
}

TEST(VirtioPciLegacy, IdsAndLayout) {
  VirtioPciParams p;
  p.personality = PciPersonality::Legacy;
  Rig<> r(p);
  MiniDriver d(r.dev);
  EXPECT_EQ(d.cfg(pci::kCfgDeviceId, 2), 0x1005u);  // transitional id of the entropy device
  EXPECT_EQ(d.cfg(pci::kCfgRevision, 1), 0u);
  EXPECT_EQ(d.cfg(pci::kCfgSubsysId, 2), 4u);        // = virtio device id
  EXPECT_TRUE(r.dev.barInfo(0).io);
  d.setCfg(pci::kCfgBar0, 0xffffffff, 4);
  EXPECT_EQ(d.cfg(pci::kCfgBar0, 4), 0xffffffe1u);  // 32-byte I/O BAR
  const Found f = d.walk();
  ASSERT_EQ(f.capIds.size(), 1u);  // no virtio capabilities, MSI-X only
  EXPECT_EQ(f.capIds[0], pci::kCapIdMsix);
  EXPECT_TRUE(r.core.legacy());
  EXPECT_EQ(r.dev.mode(), VirtioPciDevice::Mode::Legacy);
  EXPECT_EQ(r.dev.barRegName(0, lg::kQueuePfn), "legacy.queue_pfn");
  EXPECT_EQ(r.dev.barRegName(0, lg::kIsr), "legacy.isr");
}

TEST(VirtioPciLegacy, RngThroughQueuePfnWithIntx) {
  VirtioPciParams p;
  p.personality = PciPersonality::Legacy;
  Rig<> r(p);
  MiniDriver d(r.dev);
  d.enableDecode();
  EXPECT_EQ(d.leg(lg::kHostFeatures, 4) & feat::bit(feat::kIndirectDesc), feat::bit(feat::kIndirectDesc));
  SplitRingView ring = legacyInit(d, r.core, 0x10);
  EXPECT_EQ(ring.size, 256);
  EXPECT_EQ(ring.used, 0x12000u);  // 4096 + 518 bytes of avail ring -> next page
  EXPECT_EQ(d.leg(lg::kQueuePfn, 4), 0x10u);
  EXPECT_EQ(d.leg(lg::kGuestFeatures, 4), feat::bit(feat::kIndirectDesc));
  ring.addWritable(7, kBuf, 32);
  d.setLeg(lg::kQueueNotify, 0, 2);
  ASSERT_EQ(ring.usedIdx(), 1);
  EXPECT_EQ(ring.usedElem(0).id, 7u);
  EXPECT_EQ(ring.usedElem(0).len, 32u);
  EXPECT_TRUE(r.fabric.level());
  EXPECT_EQ(d.leg(lg::kIsr, 1), pci::kIsrQueue);
  EXPECT_FALSE(r.fabric.level());
  EXPECT_EQ(d.leg(lg::kStatus, 1), 7u);
  // PFN 0 releases the queue.
  d.setLeg(lg::kQueuePfn, 0, 4);
  EXPECT_EQ(d.leg(lg::kQueuePfn, 4), 0u);
  EXPECT_FALSE(r.core.queue(0).enabled);
  EXPECT_TRUE(r.log.empty()) << r.dump();
}

TEST(VirtioPciLegacy, MsixMovesDeviceConfig) {
  VirtioPciParams p;
  p.personality = PciPersonality::Legacy;
  Rig<CfgDevice> r(p);
  MiniDriver d(r.dev);
  d.walk();
  d.enableDecode();
  EXPECT_EQ(d.leg(lg::kDeviceConfigNoMsix, 4), 0x11223344u);
  EXPECT_EQ(d.leg(lg::kDeviceConfigNoMsix + 1, 1), 0x33u);  // any width in the legacy device config
  EXPECT_EQ(r.dev.barRegName(0, 0x14), "legacy.device_cfg+0x0");
  d.msixEnable(true);
  EXPECT_EQ(d.leg(lg::kDeviceConfigMsix, 4), 0x11223344u);
  EXPECT_EQ(d.leg(lg::kConfigMsixVector, 2), pci::kNoVector);
  d.setLeg(lg::kConfigMsixVector, 1, 2);
  EXPECT_EQ(d.leg(lg::kConfigMsixVector, 2), 1u);
  d.setLeg(lg::kQueueSel, 1, 2);
  d.setLeg(lg::kQueueMsixVector, 2, 2);
  EXPECT_EQ(d.leg(lg::kQueueMsixVector, 2), 2u);
  EXPECT_EQ(r.dev.barRegName(0, 0x14), "legacy.config_msix_vector");
  EXPECT_EQ(r.dev.barRegName(0, 0x1c), "legacy.device_cfg+0x4");
  d.msixEnable(false);
  EXPECT_EQ(d.leg(lg::kDeviceConfigNoMsix, 4), 0x11223344u);
  EXPECT_TRUE(r.log.empty()) << r.dump();
}

TEST(VirtioPciTransitional, IdsAndBothInterfaces) {
  VirtioPciParams p;
  p.personality = PciPersonality::Transitional;
  Rig<> r(p);
  MiniDriver d(r.dev);
  EXPECT_EQ(d.cfg(pci::kCfgDeviceId, 2), 0x1005u);
  EXPECT_EQ(d.cfg(pci::kCfgRevision, 1), 0u);
  EXPECT_EQ(d.cfg(pci::kCfgSubsysId, 2), 4u);
  EXPECT_TRUE(r.dev.barInfo(0).io);
  EXPECT_TRUE(r.dev.barInfo(4).is64);
  const Found f = d.walk();
  EXPECT_EQ(f.commonBar, 4);
  EXPECT_NE(f.pciCfgCap, 0);
  EXPECT_EQ(r.dev.mode(), VirtioPciDevice::Mode::Undecided);
}

TEST(VirtioPciTransitional, DrivenAsModern) {
  VirtioPciParams p;
  p.personality = PciPersonality::Transitional;
  Rig<> r(p);
  MiniDriver d(r.dev);
  d.walk();
  d.enableDecode();
  EXPECT_TRUE(feat::has(d.negotiate(0), feat::kVersion1));
  EXPECT_EQ(r.dev.mode(), VirtioPciDevice::Mode::Modern);
  EXPECT_FALSE(r.core.legacy());
  d.setupQueue(0, 8, 0x10000);
  d.driverOk();
  SplitRingView ring{r.mem, 0x10000, 0x11000, 0x12000, 8};
  ring.addWritable(0, kBuf, 8);
  d.notify(0, 0);
  EXPECT_EQ(ring.usedIdx(), 1);
  EXPECT_TRUE(r.log.empty()) << r.dump();
}

TEST(VirtioPciTransitional, DrivenAsLegacyThenModernAfterReset) {
  VirtioPciParams p;
  p.personality = PciPersonality::Transitional;
  Rig<> r(p);
  MiniDriver d(r.dev);
  d.walk();
  d.enableDecode();
  SplitRingView ring = legacyInit(d, r.core, 0x20);
  EXPECT_EQ(r.dev.mode(), VirtioPciDevice::Mode::Legacy);
  EXPECT_TRUE(r.core.legacy());
  EXPECT_EQ(d.leg(lg::kHostFeatures, 4) >> 31, 0u);  // 32 bits, no VERSION_1 there
  ring.addWritable(1, kBuf, 8);
  d.setLeg(lg::kQueueNotify, 0, 2);
  EXPECT_EQ(ring.usedIdx(), 1);
  // The legacy driver resets the device; a modern driver takes over.
  d.setLeg(lg::kStatus, 0, 1);
  EXPECT_TRUE(feat::has(d.negotiate(0), feat::kVersion1));
  EXPECT_EQ(r.dev.mode(), VirtioPciDevice::Mode::Modern);
  EXPECT_FALSE(r.core.legacy());
  EXPECT_TRUE(r.log.empty()) << r.dump();
}

TEST(VirtioPciModern, LegacyTrapFencesALegacyDriver) {
  VirtioPciParams p;
  p.legacyTrap = true;
  Rig<> r(p);
  MiniDriver d(r.dev);
  d.walk();
  d.enableDecode();
  EXPECT_TRUE(r.dev.barInfo(0).io);
  EXPECT_EQ(d.common(cc::kNumQueues, 2), 1u);
  d.setLeg(lg::kStatus, 0, 1);  // what a legacy driver's reset looks like
  EXPECT_TRUE(r.dev.fenced());
  EXPECT_EQ(d.common(cc::kNumQueues, 2), 0u);  // every BAR reads 0
  d.setCommon(cc::kQueueSelect, 0, 2);
  d.setCommon(cc::kDeviceStatus, status::kAcknowledge, 1);
  EXPECT_EQ(r.core.status(), 0u);  // writes ignored
  EXPECT_EQ(d.barRead(1, 12, 4), 0u);
  r.dev.functionReset();
  d.enableDecode();
  EXPECT_FALSE(r.dev.fenced());
  EXPECT_EQ(d.common(cc::kNumQueues, 2), 1u);
}

}  // namespace
}  // namespace vsim::model

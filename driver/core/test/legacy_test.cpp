// The legacy interfaces end to end through drv::Device: PCI I/O BAR0 (QUEUE_PFN, no FEATURES_OK, MSI-X moving
// the device configuration) and transitional devices driven either way.
#include "test_util.h"
#include "vsim/drv/pci_transport.h"

namespace vsim::drv {
namespace {

using namespace vsim::drv::test;

FakeVirtioPci::Layout legacyOnly(uint16_t msix = 0) {
  FakeVirtioPci::Layout l;
  l.modern = false;
  l.legacy = true;
  l.standardCaps = false;
  l.msixVectors = msix;
  return l;
}

TEST(LegacyPci, InitSequenceWithoutFeaturesOk) {
  FakeHal h;
  auto& f = h.addPciT(std::make_unique<FakeVirtioPci>(4, 1, legacyOnly()), 2);
  ViolationLog log;
  auto d = discoverOne(h, log);
  EXPECT_EQ(d.kind, DiscoveredKind::PciLegacy);
  h.clearLog();
  auto dev = drv::open(h, d, plainOptions(), log);
  ASSERT_TRUE(dev && dev->live()) << (dev ? dev->failure() : "no transport");
  EXPECT_EQ(dev->transport().kind(), TransportKind::PciLegacy);
  const std::vector<std::string> expected = {
      "W status=0x0", "R status", "W status=0x1", "W status=0x3", "R host_features", "W guest_features=0x0",
      "W queue_sel=0x0", "R queue_num",                      // discovery
      "W queue_sel=0x0", "R queue_num",                      // setup: the size is the device's
      "W queue_sel=0x0", "W queue_pfn=*",                    // enable = tell the device where the rings are
      "W status=0x7",                                        // DRIVER_OK, no FEATURES_OK on the legacy interface
  };
  auto got = normalize(fake::legacyTrace(h, f, {"status", "host_features", "queue_num"}));
  EXPECT_EQ(got, expected) << join(got);
  // the PFN names the 4096-aligned start of one contiguous legacy block
  const RingAddrs& a = dev->queue(0).layout();
  EXPECT_EQ(uint64_t{f.core.queues[0].pfn} << 12, a.desc);
  const RingAddrs seen = f.core.ringAddrs(0);
  EXPECT_EQ(seen.driver, a.driver);
  EXPECT_EQ(seen.device, a.device);
  EXPECT_EQ(a.device % 4096, 0u);
  EXPECT_TRUE(log.empty());
}

// Found against QEMU 7.2 (issue #7): its legacy interfaces offer NOTIFY_ON_EMPTY (24), ANY_LAYOUT (27), INDIRECT,
// EVENT_IDX and bit 30. A transitional driver must accept ANY_LAYOUT when offered ("Legacy Interface: Reserved
// Feature Bits"); NOTIFY_ON_EMPTY is optional and bit 30 is never to be negotiated.
TEST(LegacyPci, AcceptsAnyLayoutNeverBit30) {
  FakeHal h;
  auto& f = h.addPciT(std::make_unique<FakeVirtioPci>(4, 1, legacyOnly()), 2);
  f.core.deviceFeatures = feat::bit(feat::kNotifyOnEmpty) | feat::bit(feat::kAnyLayout) |
                          feat::bit(feat::kIndirectDesc) | feat::bit(feat::kEventIdx) | feat::bit(30);
  ViolationLog log;
  DriverOptions o = plainOptions();
  o.indirect = o.eventIdx = true;
  auto dev = drv::open(h, discoverOne(h, log), o, log);
  ASSERT_TRUE(dev && dev->live()) << (dev ? dev->failure() : "no transport");
  const uint64_t want = feat::bit(feat::kAnyLayout) | feat::bit(feat::kIndirectDesc) | feat::bit(feat::kEventIdx);
  EXPECT_EQ(f.core.driverFeatures, want);
  EXPECT_EQ(dev->features(), want);
  // with every optional feature switched off, ANY_LAYOUT is still accepted (it is not optional for us)
  FakeHal h2;
  auto& f2 = h2.addPciT(std::make_unique<FakeVirtioPci>(4, 1, legacyOnly()), 2);
  f2.core.deviceFeatures = feat::bit(feat::kAnyLayout) | feat::bit(30);
  auto dev2 = drv::open(h2, discoverOne(h2, log), plainOptions(), log);
  ASSERT_TRUE(dev2 && dev2->live());
  EXPECT_EQ(f2.core.driverFeatures, feat::bit(feat::kAnyLayout));
  EXPECT_TRUE(log.empty());
}

// A modern interface never takes the legacy-only bit, even if a device offers it.
TEST(LegacyPci, ModernInterfaceNeverTakesAnyLayout) {
  FakeHal h;
  auto& f = h.addPciT(std::make_unique<FakeVirtioPci>(4, 1), 2);
  f.core.deviceFeatures = feat::bit(feat::kVersion1) | feat::bit(feat::kAnyLayout);
  ViolationLog log;
  auto dev = drv::open(h, discoverOne(h, log), plainOptions(), log);
  ASSERT_TRUE(dev && dev->live()) << (dev ? dev->failure() : "no transport");
  EXPECT_EQ(f.core.driverFeatures, feat::bit(feat::kVersion1));
}

TEST(LegacyPci, QueueSizeIsTheDevices) {
  FakeHal h;
  auto& f = h.addPciT(std::make_unique<FakeVirtioPci>(4, 1, legacyOnly()), 2);
  f.core.queues[0].maxSize = 1024;
  ViolationLog log;
  DriverOptions o = plainOptions();
  o.maxQueueSize = 64;  // cannot be applied: no size negotiation on the legacy interface
  auto dev = drv::open(h, discoverOne(h, log), o, log);
  ASSERT_TRUE(dev->live());
  EXPECT_EQ(dev->queue(0).size(), 1024u);
  EXPECT_EQ(dev->queue(0).layout().device - dev->queue(0).layout().desc, legacySplitLayout(1024, 4096).usedOff);
}

TEST(LegacyPci, OnlyLow32FeatureBits) {
  FakeHal h;
  auto& f = h.addPciT(std::make_unique<FakeVirtioPci>(4, 1, legacyOnly()), 2);
  f.core.deviceFeatures = feat::bit(feat::kEventIdx) | feat::bit(feat::kIndirectDesc) | feat::bit(3);
  ViolationLog log;
  DriverOptions o = plainOptions();
  o.eventIdx = o.indirect = true;
  o.deviceFeatures = feat::bit(3);
  auto dev = drv::open(h, discoverOne(h, log), o, log);
  ASSERT_TRUE(dev->live());
  EXPECT_EQ(dev->features(), feat::bit(feat::kEventIdx) | feat::bit(feat::kIndirectDesc) | feat::bit(3));
  EXPECT_FALSE(feat::has(dev->features(), feat::kVersion1));
}

TEST(LegacyPci, TransitionalDeviceEitherWay) {
  FakeHal h;
  FakeVirtioPci::Layout l;
  l.legacy = true;
  h.addPciT(std::make_unique<FakeVirtioPci>(4, 1, l), 2);
  ViolationLog log;
  auto d = discoverOne(h, log);
  EXPECT_EQ(d.kind, DiscoveredKind::PciTransitional);
  auto modern = drv::open(h, d, plainOptions(), log);
  ASSERT_TRUE(modern->live());
  EXPECT_EQ(modern->transport().kind(), TransportKind::PciModern);
  EXPECT_TRUE(feat::has(modern->features(), feat::kVersion1));
  modern->shutdown();
  DriverOptions o = plainOptions();
  o.forceLegacy = true;
  auto legacy = drv::open(h, d, o, log);
  ASSERT_TRUE(legacy->live());
  EXPECT_EQ(legacy->transport().kind(), TransportKind::PciLegacy);
  EXPECT_FALSE(feat::has(legacy->features(), feat::kVersion1));
  EXPECT_TRUE(log.empty());
}

TEST(LegacyPci, MsixMovesTheDeviceConfiguration) {
  FakeHal h;
  auto& f = h.addPciT(std::make_unique<FakeVirtioPci>(4, 1, legacyOnly(4)), 2);
  f.core.config[0] = 0x5a;
  ViolationLog log;
  auto d = discoverOne(h, log);
  DriverOptions o = plainOptions();
  uint8_t seen = 0;
  o.setup = [&](Device& dev) { return dev.readConfig(0, &seen); };
  h.clearLog();
  auto dev = drv::open(h, d, o, log);
  ASSERT_TRUE(dev->live()) << dev->failure();
  EXPECT_TRUE(dev->transport().usingMsix());
  EXPECT_EQ(seen, 0x5a);
  auto* t = dynamic_cast<PciLegacyTransport*>(&dev->transport());
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->configOffset(), pci::legacy::kDeviceConfigMsix);
  const uint64_t io = f.barAddress(0);
  EXPECT_FALSE(h.accesses(Space::Io, io + pci::legacy::kDeviceConfigMsix, io + pci::legacy::kDeviceConfigMsix + 1).empty());
  EXPECT_EQ(f.core.configVector, 0);  // vector registers at 0x14 / 0x16
  EXPECT_EQ(f.core.queues[0].vector, 1);
  // without MSI-X the configuration is back at 20
  dev->shutdown();
  o.interrupts = InterruptMode::Intx;
  auto dev2 = drv::open(h, d, o, log);
  ASSERT_TRUE(dev2->live());
  EXPECT_EQ(dynamic_cast<PciLegacyTransport*>(&dev2->transport())->configOffset(), pci::legacy::kDeviceConfigNoMsix);
  EXPECT_EQ(seen, 0x5a);
}

TEST(LegacyPci, NoIoBarNoLegacyTransport) {
  FakeHal h;
  h.addPciT(std::make_unique<FakeVirtioPci>(4, 1), 2);  // modern only: BAR0 absent
  ViolationLog log;
  auto d = discoverOne(h, log);
  d.kind = DiscoveredKind::PciLegacy;
  EXPECT_EQ(makeTransport(h, d, true, log), nullptr);
}

}  // namespace
}  // namespace vsim::drv

// discover() and open() over a platform with every kind of virtio device.
#include "test_util.h"

namespace vsim::drv {
namespace {

using namespace vsim::drv::test;

TEST(Discover, ListsEveryKind) {
  FakeHal h;
  h.addPciT(std::make_unique<FakeVirtioPci>(4, 1), 1);
  FakeVirtioPci::Layout tr;
  tr.legacy = true;
  h.addPciT(std::make_unique<FakeVirtioPci>(4, 1, tr), 2);
  FakeVirtioPci::Layout lg;
  lg.modern = false;
  lg.legacy = true;
  lg.standardCaps = false;
  h.addPciT(std::make_unique<FakeVirtioPci>(2, 1, lg), 3);
  h.addMmio(std::make_unique<FakeVirtioMmio>(4, 1, 2));
  h.addEmptyMmioSlot();
  h.addMmio(std::make_unique<FakeVirtioMmio>(0, 1, 2));  // placeholder
  h.addMmio(std::make_unique<FakeVirtioMmio>(3, 1, 1));
  ViolationLog log;
  auto all = discover(h, log);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0].kind, DiscoveredKind::PciModern);
  EXPECT_EQ(all[0].location, "pci 00:01.0");
  EXPECT_EQ(all[1].kind, DiscoveredKind::PciTransitional);
  EXPECT_EQ(all[2].kind, DiscoveredKind::PciLegacy);
  EXPECT_EQ(all[2].type, 2);
  EXPECT_EQ(all[3].kind, DiscoveredKind::MmioV2);
  EXPECT_EQ(all[3].location, "mmio 0x10000000");
  EXPECT_EQ(all[3].mmioLine, 10u);
  EXPECT_EQ(all[4].kind, DiscoveredKind::MmioV1);
  EXPECT_EQ(all[4].type, 3);
  EXPECT_EQ(all[4].mmioBase, FakeHal::kMmioBase + 3 * 0x1000);
  EXPECT_TRUE(log.empty());
  EXPECT_STREQ(discoveredKindName(DiscoveredKind::PciTransitional), "pci-transitional");
  EXPECT_STREQ(discoveredKindName(DiscoveredKind::MmioV1), "mmio-v1");

  const TransportKind expect[] = {TransportKind::PciModern, TransportKind::PciModern, TransportKind::PciLegacy,
                                  TransportKind::MmioModern, TransportKind::MmioLegacy};
  for (size_t i = 0; i < all.size(); ++i) {
    auto dev = drv::open(h, all[i], plainOptions(), log);
    ASSERT_TRUE(dev) << all[i].location;
    EXPECT_TRUE(dev->live()) << all[i].location << ": " << dev->failure();
    EXPECT_EQ(dev->transport().kind(), expect[i]) << all[i].location;
    EXPECT_EQ(dev->deviceType(), all[i].type);
  }
  EXPECT_TRUE(log.empty());
}

TEST(Discover, ForceLegacyOnlyAffectsTransitionalDevices) {
  FakeHal h;
  h.addPciT(std::make_unique<FakeVirtioPci>(4, 1), 1);
  ViolationLog log;
  DriverOptions o = plainOptions();
  o.forceLegacy = true;
  auto dev = drv::open(h, discoverOne(h, log), o, log);
  ASSERT_TRUE(dev && dev->live());
  EXPECT_EQ(dev->transport().kind(), TransportKind::PciModern);
}

TEST(Discover, UnusableModernDeviceCannotBeOpened) {
  FakeHal h;
  FakeVirtioPci::Layout l;
  l.standardCaps = false;
  h.addPciT(std::make_unique<FakeVirtioPci>(4, 1, l), 1);
  ViolationLog log;
  auto d = discoverOne(h, log);
  EXPECT_FALSE(log.empty());  // the missing structures were reported
  EXPECT_EQ(drv::open(h, d, plainOptions(), log), nullptr);
}

TEST(Discover, OpenWithoutInitialize) {
  FakeHal h;
  auto& f = h.addPciT(std::make_unique<FakeVirtioPci>(4, 1), 1);
  ViolationLog log;
  DriverOptions o = plainOptions();
  o.initialize = false;
  auto dev = drv::open(h, discoverOne(h, log), o, log);
  ASSERT_TRUE(dev);
  EXPECT_EQ(dev->state(), DeviceState::Uninitialized);
  EXPECT_EQ(f.core.status, 0);
  EXPECT_TRUE(dev->init());
}

}  // namespace
}  // namespace vsim::drv

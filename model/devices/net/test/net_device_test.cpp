// Net device: offered features, configuration layout, feature dependencies, configuration writes, link / announce /
// speed host API, and the "net" type's options.
#include <stdexcept>

#include "net_fixture.h"
#include "vsim/model/net_frame.h"
#include "vsim/model/net_type.h"

namespace vsim::model::test {
namespace {

using namespace net;

TEST_F(NetTest, DefaultOfferAndQueues) {
  make();
  const uint64_t o = offeredNet();
  for (unsigned b : {f::kMac, f::kStatus, f::kMtu, f::kSpeedDuplex, f::kMrgRxbuf, f::kCsum, f::kGuestCsum, f::kCtrlVq,
                     f::kCtrlRx, f::kCtrlRxExtra, f::kCtrlVlan, f::kCtrlMacAddr, f::kGuestAnnounce,
                     f::kCtrlGuestOffloads})
    EXPECT_TRUE(feat::has(o, b)) << b;
  EXPECT_FALSE(feat::has(o, f::kMq));
  EXPECT_FALSE(feat::has(o, f::kHostTso4));
  EXPECT_EQ(core->numQueues(), 3);
  EXPECT_EQ(dev->deviceId(), 1);
}

TEST_F(NetTest, OfferFollowsOptions) {
  NetParams p;
  p.ctrlVq = false;
  make(p);
  EXPECT_EQ(offeredNet() & (bit(f::kCtrlVq) | bit(f::kCtrlRx) | bit(f::kCtrlVlan) | bit(f::kGuestAnnounce)), 0u);
  EXPECT_EQ(core->numQueues(), 2);
  p = NetParams{};
  p.mqPairs = 2;
  p.gso = true;
  p.mrgRxbuf = false;
  make(p);
  EXPECT_TRUE(feat::has(offeredNet(), f::kMq));
  EXPECT_TRUE(feat::has(offeredNet(), f::kHostTso6));
  EXPECT_FALSE(feat::has(offeredNet(), f::kMrgRxbuf));
  EXPECT_EQ(core->numQueues(), 5);
}

// covers: devicenormative:Device Types / Network Device / Device configuration layout#1
// covers: devicenormative:Device Types / Network Device / Device configuration layout#2
// covers: devicenormative:Device Types / Network Device / Device configuration layout#10
// covers: devicenormative:Device Types / Network Device / Device configuration layout#11
TEST_F(NetTest, ConfigurationLayout) {
  NetParams p;
  p.mqPairs = 3;
  p.mtu = 9000;
  p.speed = 25000;
  p.duplex = cfg::kDuplexHalf;
  make(p);
  uint8_t c[cfg::kSize];
  ASSERT_TRUE(core->readConfig(0, c, sizeof c));
  EXPECT_EQ(Mac(macAt(c)), p.mac);
  EXPECT_EQ(c[cfg::kStatus] | c[cfg::kStatus + 1] << 8, cfg::kSLinkUp);
  EXPECT_EQ(c[cfg::kMaxVirtqueuePairs], 3);
  EXPECT_EQ(c[cfg::kMtu] | c[cfg::kMtu + 1] << 8, 9000);
  uint32_t speed = 0;
  std::memcpy(&speed, c + cfg::kSpeed, 4);
  EXPECT_EQ(speed, 25000u);
  EXPECT_EQ(c[cfg::kDuplex], cfg::kDuplexHalf);
  EXPECT_FALSE(core->readConfig(cfg::kSize, c, 1));
}

TEST_F(NetTest, LinkChangeIsAConfigurationChange) {
  make();
  bringUp(offeredNet());
  const uint8_t gen = core->configGeneration();
  dev->setLinkUp(false);
  EXPECT_NE(core->configGeneration(), gen);
  EXPECT_EQ(irqs.count(IrqKind::Config), 1u);
  uint16_t st = 0xffff;
  core->readConfig(cfg::kStatus, &st, 2);
  EXPECT_EQ(st, 0);
}

// covers: devicenormative:Device Types / Network Device / Device configuration layout#12
TEST_F(NetTest, SpeedDuplexChangeRefusedWhileTheLinkIsUp) {
  make();
  bringUp(offeredNet());
  EXPECT_FALSE(dev->setSpeedDuplex(1000, cfg::kDuplexFull));
  dev->setLinkUp(false);
  EXPECT_TRUE(dev->setSpeedDuplex(1000, cfg::kDuplexFull));
  EXPECT_FALSE(dev->setSpeedDuplex(0x80000000u, cfg::kDuplexFull));  // not a valid speed
  uint32_t s = 0;
  core->readConfig(cfg::kSpeed, &s, 4);
  EXPECT_EQ(s, 1000u);
}

TEST_F(NetTest, AnnounceNeedsGuestAnnounce) {
  make();
  bringUp(offeredNet() & ~bit(f::kGuestAnnounce));
  EXPECT_FALSE(dev->announce());
}

// covers: drivernormative:Device Types / Network Device / Device configuration layout#1
TEST_F(NetTest, DriverWritesConfiguration) {
  make();
  bringUp(offeredNet());
  const uint8_t b[2] = {0, 0};
  ASSERT_TRUE(core->writeConfig(cfg::kMtu, b, 2));
  EXPECT_EQ(dev->params().mtu, 1500);
  uint16_t mtu = 0;
  core->readConfig(cfg::kMtu, &mtu, 2);
  EXPECT_EQ(mtu, 1500);  // ignored
  expectOnly("drivernormative:Device Types / Network Device / Device configuration layout#1", "net.config_write");
}

TEST_F(NetTest, LegacyDriverMayWriteMac) {
  make();
  bringUp(bit(f::kMac), /*legacy=*/true, /*driverOk=*/false);
  const Mac m{0x02, 1, 2, 3, 4, 5};
  ASSERT_TRUE(core->writeConfig(0, m.data(), 6));
  core->writeStatus(status::kAcknowledge | status::kDriver | status::kDriverOk);
  EXPECT_EQ(dev->mac(), m);
  EXPECT_EQ(*dev->rxFilter().defaultMac(), m);
  expectClean();
}

// covers: drivernormative:Device Types / Network Device / Device configuration layout#1
TEST_F(NetTest, LegacyWriteBeyondMacIsReported) {
  make();
  bringUp(bit(f::kMac), /*legacy=*/true, /*driverOk=*/false);
  const uint8_t b[2] = {0, 0};
  ASSERT_TRUE(core->writeConfig(cfg::kStatus, b, 2));
  expectOnly("drivernormative:Device Types / Network Device / Device configuration layout#1", "net.config_write");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Feature Bits#2
TEST_F(NetTest, FeatureWithoutItsRequirementIsRefused) {
  make();
  core->writeStatus(status::kAcknowledge);
  core->writeStatus(status::kAcknowledge | status::kDriver);
  core->writeDriverFeatures(0, static_cast<uint32_t>(bit(f::kCtrlRx)));  // CTRL_RX without CTRL_VQ
  core->writeDriverFeatures(1, 1);                                        // VERSION_1
  core->writeStatus(status::kAcknowledge | status::kDriver | status::kFeaturesOk);
  EXPECT_FALSE(core->readStatus() & status::kFeaturesOk);
  expectOnly("drivernormative:Basic Facilities of a Virtio Device / Feature Bits#2", "features.dependency");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Feature Bits#2
TEST_F(NetTest, LegacyFeatureDependencyReportedAtDriverOk) {
  NetParams p;
  p.mqPairs = 2;
  make(p);
  bringUp(bit(f::kMq), /*legacy=*/true);  // MQ without CTRL_VQ
  expectOnly("drivernormative:Basic Facilities of a Virtio Device / Feature Bits#2", "net.feature_dependency");
}

TEST_F(NetTest, ChainsOnQueuesOutsideEveryPairAreReturned) {
  NetParams p;
  p.ctrlVq = false;
  make(p);
  bringUp(offeredNet());
  EXPECT_EQ(dev->role(0), NetDevice::QueueRole::Rx);
  EXPECT_EQ(dev->role(1), NetDevice::QueueRole::Tx);
  EXPECT_EQ(dev->role(2), NetDevice::QueueRole::Unused);
}

// ---------------------------------------------------------------------------------------------------------------
// The "net" type: options

TEST(NetType, OptionTableIsComplete) {
  const DeviceTypeInfo t = netDeviceType();
  EXPECT_EQ(t.type, "net");
  EXPECT_GE(t.options.size(), 20u);
  DeviceOptions all;
  for (const auto& o : t.options) {
    EXPECT_FALSE(o.name.empty());
    EXPECT_FALSE(o.unit.empty()) << o.name;
    EXPECT_FALSE(o.description.empty()) << o.name;
    all[o.name] = o.defaultValue;
  }
  all["mac"] = "02:00:00:00:00:01";  // the documented default is "derive it": any value parses
  const NetParams p = netParamsFrom(all, "net0");  // every default value parses
  EXPECT_EQ(p.mtu, 1500);
}

TEST(NetType, DefaultMacIsDeterministicPerInstance) {
  const NetParams a = netParamsFrom({}, "net0"), b = netParamsFrom({}, "net0"), c = netParamsFrom({}, "net1");
  EXPECT_EQ(a.mac, b.mac);
  EXPECT_NE(a.mac, c.mac);
  EXPECT_FALSE(isMulticast(a.mac));
  EXPECT_TRUE(a.mac[0] & 2);  // locally administered
}

TEST(NetType, BadOptionsNameTheKey) {
  const std::pair<DeviceOptions, const char*> cases[] = {
      {{{"mtu", "10"}}, "mtu"},
      {{{"mac", "zz:00:00:00:00:00"}}, "mac"},
      {{{"mac", "01:00:00:00:00:00"}}, "mac"},
      {{{"duplex", "both"}}, "duplex"},
      {{{"speed", "3000000000"}}, "speed"},
      {{{"gso", "true"}, {"csum", "false"}}, "gso"},
      {{{"mq_pairs", "2"}, {"ctrl_vq", "off"}}, "mq_pairs"},
      {{{"toaster", "1"}}, "toaster"},
  };
  for (const auto& [opts, key] : cases) {
    try {
      netParamsFrom(opts, "net0");
      ADD_FAILURE() << "accepted bad " << key;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  }
}

TEST(NetType, OptionsReachTheDevice) {
  const NetParams p = netParamsFrom({{"mac", "02:aa:bb:cc:dd:ee"}, {"mq_pairs", "4"}, {"mrg_rxbuf", "off"},
                                     {"duplex", "unknown"}, {"speed", "4294967295"}},
                                    "x");
  EXPECT_EQ(formatMac(p.mac), "02:aa:bb:cc:dd:ee");
  EXPECT_EQ(p.mqPairs, 4);
  EXPECT_FALSE(p.mrgRxbuf);
  EXPECT_EQ(p.duplex, cfg::kDuplexUnknown);
  EXPECT_EQ(p.speed, cfg::kSpeedUnknown);
}

}  // namespace
}  // namespace vsim::model::test

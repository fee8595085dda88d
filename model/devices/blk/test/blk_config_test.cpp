// BlkDevice: offered features, the configuration space layout, cache mode negotiation, and the device type's
// options (parsing, errors naming the option, the parameter table).
#include <fstream>

#include "blk_test_support.h"
#include "vsim/model/blk_type.h"
#include "vsim/model/board.h"

namespace vsim::model::blktest {
namespace {

using namespace blk;

class BlkConfig : public BlkFixture {};

// covers: devicenormative:Device Types / Block Device / Device Initialization#1
// covers: devicenormative:Device Types / Block Device / Device Initialization#5
TEST_F(BlkConfig, DefaultOffer) {
  make();
  const uint64_t f = dev->deviceFeatures();
  for (unsigned b : {kFSegMax, kFGeometry, kFBlkSize, kFFlush, kFTopology, kFConfigWce, kFDiscard, kFWriteZeroes, kFSecureErase})
    EXPECT_TRUE(f & bit(b)) << "bit " << b;
  for (unsigned b : {kFBarrier, kFSizeMax, kFRo, kFScsi, kFMq, kFLifetime, kFZoned}) EXPECT_FALSE(f & bit(b)) << "bit " << b;
  EXPECT_EQ(dev->deviceId(), 2);
  EXPECT_EQ(dev->numQueues(), 1);
  EXPECT_EQ(dev->configSize(), 96u);
}

TEST_F(BlkConfig, FeaturesFollowOptions) {
  BlkParams p;
  p.readOnly = true;
  p.sizeMax = 65536;
  p.segMax = 0;
  p.blkSize = 0;
  p.geometry = p.topology = p.discard = p.writeZeroes = p.secureErase = false;
  p.configWce = false;
  p.flush = false;
  p.numQueues = 3;
  p.lifetime = true;
  make(p);
  EXPECT_EQ(dev->deviceFeatures(), bit(kFRo) | bit(kFSizeMax) | bit(kFMq) | bit(kFLifetime));
  EXPECT_EQ(core->numQueues(), 3);
}

TEST_F(BlkConfig, LayoutIsExact) {
  BlkParams p;
  p.size = 4 << 20;
  p.sizeMax = 8192;
  p.segMax = 33;
  p.cylinders = 7;
  p.heads = 4;
  p.sectors = 32;
  p.blkSize = 4096;
  p.physicalBlockExp = 3;
  p.alignmentOffset = 1;
  p.minIoSize = 8;
  p.optIoSize = 256;
  p.writeback = true;
  p.numQueues = 2;
  p.maxDiscardSectors = 1000;
  p.maxDiscardSeg = 5;
  p.discardSectorAlignment = 8;
  p.maxWriteZeroesSectors = 2000;
  p.maxWriteZeroesSeg = 6;
  p.maxSecureEraseSectors = 3000;
  p.maxSecureEraseSeg = 7;
  p.secureEraseSectorAlignment = 16;
  make(p);
  negotiate(allFeatures());
  EXPECT_EQ(config<uint64_t>(cfg::kCapacity), (4u << 20) / 512);
  EXPECT_EQ(config<uint32_t>(cfg::kSizeMax), 8192u);
  EXPECT_EQ(config<uint32_t>(cfg::kSegMax), 33u);
  EXPECT_EQ(config<uint16_t>(cfg::kGeometry), 7);
  EXPECT_EQ(config<uint8_t>(cfg::kGeometry + 2), 4);
  EXPECT_EQ(config<uint8_t>(cfg::kGeometry + 3), 32);
  EXPECT_EQ(config<uint32_t>(cfg::kBlkSize), 4096u);
  EXPECT_EQ(config<uint8_t>(cfg::kTopology), 3);
  EXPECT_EQ(config<uint8_t>(cfg::kTopology + 1), 1);
  EXPECT_EQ(config<uint16_t>(cfg::kTopology + 2), 8);
  EXPECT_EQ(config<uint32_t>(cfg::kTopology + 4), 256u);
  EXPECT_EQ(config<uint8_t>(cfg::kWriteback), 1);
  EXPECT_EQ(config<uint16_t>(cfg::kNumQueues), 2);
  EXPECT_EQ(config<uint32_t>(cfg::kMaxDiscardSectors), 1000u);
  EXPECT_EQ(config<uint32_t>(cfg::kMaxDiscardSeg), 5u);
  EXPECT_EQ(config<uint32_t>(cfg::kDiscardSectorAlignment), 8u);
  EXPECT_EQ(config<uint32_t>(cfg::kMaxWriteZeroesSectors), 2000u);
  EXPECT_EQ(config<uint32_t>(cfg::kMaxWriteZeroesSeg), 6u);
  EXPECT_EQ(config<uint8_t>(cfg::kWriteZeroesMayUnmap), 1);
  EXPECT_EQ(config<uint32_t>(cfg::kMaxSecureEraseSectors), 3000u);
  EXPECT_EQ(config<uint32_t>(cfg::kMaxSecureEraseSeg), 7u);
  EXPECT_EQ(config<uint32_t>(cfg::kSecureEraseSectorAlignment), 16u);
  expectClean();
}

// covers: devicenormative:Device Types / Block Device / Device Initialization#4
TEST_F(BlkConfig, PaddingReadsZero) {
  make();
  negotiate(allFeatures());
  EXPECT_EQ(config<uint8_t>(cfg::kUnused0), 0);
  uint8_t u1[3] = {9, 9, 9};
  EXPECT_TRUE(core->readConfig(cfg::kUnused1, u1, 3));
  EXPECT_EQ(u1[0] | u1[1] | u1[2], 0);
  expectClean();
}

TEST_F(BlkConfig, GeometryDerivedFromCapacity) {
  BlkParams p;
  p.size = 16 * 63 * 512 * 10;
  make(p);
  negotiate(allFeatures());
  EXPECT_EQ(config<uint16_t>(cfg::kGeometry), 10);
  EXPECT_EQ(config<uint8_t>(cfg::kGeometry + 2), 16);
  EXPECT_EQ(config<uint8_t>(cfg::kGeometry + 3), 63);
}

TEST_F(BlkConfig, FieldsOfFeaturesNotOfferedReadZero) {
  BlkParams p;
  p.discard = false;
  make(p);
  negotiate(allFeatures());
  EXPECT_EQ(config<uint32_t>(cfg::kMaxDiscardSectors), 0u);  // reading it is reported (violation test covers it)
}

// covers: devicenormative:Device Types / Block Device / Device Initialization#3
TEST_F(BlkConfig, WritebackStartsAtZeroWithConfigWceWithoutFlush) {
  BlkParams p;
  p.writeback = true;
  make(p);
  EXPECT_EQ(config<uint8_t>(cfg::kWriteback), 1);  // before negotiation: the configured mode
  log.clear();
  negotiate(bit(feat::kVersion1) | bit(kFConfigWce));
  EXPECT_EQ(config<uint8_t>(cfg::kWriteback), 0);
  EXPECT_FALSE(dev->caching());
}

TEST_F(BlkConfig, WritebackKeptWithFlush) {
  BlkParams p;
  p.writeback = true;
  make(p);
  bringUp(bit(feat::kVersion1) | bit(kFConfigWce) | bit(kFFlush));
  EXPECT_EQ(config<uint8_t>(cfg::kWriteback), 1);
  EXPECT_TRUE(dev->caching());
  expectClean();
}

TEST_F(BlkConfig, DriverTogglesWriteback) {
  make();
  bringUp();
  EXPECT_EQ(config<uint8_t>(cfg::kWriteback), 0);
  const uint8_t one = 1, zero = 0;
  EXPECT_TRUE(core->writeConfig(cfg::kWriteback, &one, 1));
  EXPECT_EQ(config<uint8_t>(cfg::kWriteback), 1);
  EXPECT_TRUE(dev->caching());
  EXPECT_TRUE(core->writeConfig(cfg::kWriteback, &zero, 1));
  EXPECT_FALSE(dev->caching());
  expectClean();
}

TEST_F(BlkConfig, NoFlushNegotiatedMeansWritethrough) {
  BlkParams p;
  p.writeback = true;
  make(p);
  bringUp(bit(feat::kVersion1));
  EXPECT_FALSE(dev->caching());
}

TEST_F(BlkConfig, LegacyDriverOkSettlesCacheMode) {
  BlkParams p;
  p.writeback = true;
  make(p);
  bringUp(bit(kFFlush), /*legacy=*/true);
  EXPECT_TRUE(dev->caching());
  make(p);
  bringUp(0, /*legacy=*/true);
  EXPECT_FALSE(dev->caching());
  EXPECT_EQ(config<uint8_t>(cfg::kWriteback), 0);
}

TEST_F(BlkConfig, ResetRestoresConfiguredMode) {
  make();
  bringUp();
  const uint8_t one = 1;
  core->writeConfig(cfg::kWriteback, &one, 1);
  core->writeStatus(0);
  EXPECT_EQ(config<uint8_t>(cfg::kWriteback), 0);
}

// covers: devicenormative:Device Types / Block Device / Device Operation#2
TEST_F(BlkConfig, ResizeChangesCapacityAndNotifies) {
  make();
  bringUp();
  const uint8_t gen = core->configGeneration();
  ASSERT_TRUE(dev->resize(2 << 20));
  EXPECT_EQ(config<uint64_t>(cfg::kCapacity), (2u << 20) / 512);
  EXPECT_NE(core->configGeneration(), gen);
  EXPECT_EQ(irqs.configs(), 1u);
  EXPECT_FALSE(dev->resize(1000));  // not a whole number of sectors
}

// ---------------------------------------------------------------------------------------------------------------
// The device type: options

TEST(BlkType, TableListsEveryOptionWithDefaultsThatParse) {
  const DeviceTypeInfo t = blkDeviceType();
  EXPECT_EQ(t.type, "blk");
  DeviceOptions all;
  for (const auto& o : t.options) {
    EXPECT_FALSE(o.description.empty()) << o.name;
    EXPECT_FALSE(o.unit.empty() && o.name != "image") << o.name;
    if (o.name != "image") all[o.name] = o.defaultValue;
  }
  EXPECT_GE(t.options.size(), 35u);
  BlkParams p;
  EXPECT_NO_THROW(p = blkParamsFrom(all, "blk0"));  // every table entry is a known option and its default parses
  const BlkParams d;
  EXPECT_EQ(p.size, d.size);
  EXPECT_EQ(p.serial, d.serial);
  EXPECT_EQ(p.segMax, d.segMax);
  EXPECT_EQ(p.maxDiscardSeg, d.maxDiscardSeg);
}

void expectBadOption(const DeviceOptions& o, const std::string& key) {
  try {
    blkParamsFrom(o, "disk");
    ADD_FAILURE() << "no error for " << key;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'" + key + "'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("disk"), std::string::npos) << e.what();
  }
}

// covers: devicenormative:Device Types / Block Device / Device Initialization#2
// covers: devicenormative:Device Types / Block Device / Device Operation#17
TEST(BlkType, BadOptionsNameTheirKey) {
  expectBadOption({{"colour", "blue"}}, "colour");
  expectBadOption({{"size", "1000"}}, "size");
  expectBadOption({{"size", "lots"}}, "size");
  expectBadOption({{"read_only", "maybe"}}, "read_only");
  expectBadOption({{"flush", "false"}}, "config_wce");
  expectBadOption({{"blk_size", "1000"}}, "blk_size");
  expectBadOption({{"num_queues", "0"}}, "num_queues");
  expectBadOption({{"queue_size", "40000"}}, "queue_size");
  expectBadOption({{"serial", "this serial is much too long"}}, "serial");
  expectBadOption({{"pre_eol_info", "4"}}, "pre_eol_info");
  expectBadOption({{"lifetime_a", "12"}}, "lifetime_a");
  expectBadOption({{"max_discard_seg", "0"}}, "max_discard_seg");
  expectBadOption({{"image", "/x.img"}, {"size", "4096"}}, "size");
}

TEST(BlkType, MissingImageIsAClearError) {
  const DeviceTypeInfo t = blkDeviceType();
  struct NoCtx final : BoardContext {
    std::shared_ptr<void> shared(const std::string&, const std::function<std::shared_ptr<void>()>& m) override { return m(); }
    uint64_t nowPs() const override { return 0; }
  } ctx;
  try {
    t.make({{"image", ::testing::TempDir() + "/does-not-exist.img"}}, "disk", ctx);
    ADD_FAILURE() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'image'"), std::string::npos) << e.what();
  }
  auto logic = t.make({{"size", "8192"}, {"serial", "abc"}}, "disk", ctx);
  ASSERT_TRUE(logic);
  EXPECT_EQ(logic->deviceId(), 2);
  EXPECT_EQ(static_cast<BlkDevice&>(*logic).capacitySectors(), 16u);
}

TEST(BlkType, BoardBuildsItByName) {
  BoardConfig cfg;
  DeviceSpec s;
  s.type = "blk";
  s.options = {{"size", "65536"}, {"num_queues", "2"}};
  cfg.devices.push_back(s);
  Board board(cfg);
  auto& blkDev = dynamic_cast<BlkDevice&>(board.logic(0));
  EXPECT_EQ(blkDev.capacitySectors(), 128u);
  EXPECT_EQ(board.core(0).numQueues(), 2);
}

}  // namespace
}  // namespace vsim::model::blktest

// Zoned personality: the zone state machine (BlkZoneTable) on its own, then the device's zoned feature rules,
// configuration and request handling through a DeviceCore with hand-built rings (blk_test_support.h).
#include "blk_test_support.h"
#include "vsim/model/blk_zone_table.h"

namespace vsim::model::blktest {
namespace {

using ZS = BlkZoneState;
using ZR = BlkZoneResult;

BlkZoneTable table(uint32_t maxOpen = 2, uint32_t maxActive = 3, bool hm = true) {
  BlkZoneLayout l;
  l.capacity = 1000;
  l.zoneSectors = 128;
  l.conventional = 1;
  l.hostManaged = hm;
  l.maxOpen = maxOpen;
  l.maxActive = maxActive;
  return BlkZoneTable(l);
}

TEST(BlkZoneTable, LayoutHasASmallerLastZoneAndConventionalFirst) {
  auto t = table();
  ASSERT_EQ(t.count(), 8u);
  EXPECT_EQ(t.zone(7).start, 896u);
  EXPECT_EQ(t.zone(7).sectors, 104u);
  EXPECT_EQ(t.zone(0).type, BlkZoneType::Conventional);
  EXPECT_EQ(t.zone(0).state, ZS::NotWp);
  EXPECT_EQ(t.zone(1).type, BlkZoneType::SeqRequired);
  EXPECT_EQ(table(0, 0, false).zone(1).type, BlkZoneType::SeqPreferred);
  EXPECT_EQ(t.indexOf(1000), t.count());
  EXPECT_EQ(t.indexOf(129), 1u);
}

TEST(BlkZoneTable, ExplicitOpenCloseFinishReset) {
  auto t = table();
  EXPECT_EQ(t.open(1), ZR::Ok);
  EXPECT_EQ(t.zone(1).state, ZS::ExplicitOpen);
  EXPECT_EQ(t.openCount(), 1u);
  EXPECT_EQ(t.close(1), ZR::Ok);
  EXPECT_EQ(t.zone(1).state, ZS::Empty);  // nothing written: back to empty
  EXPECT_EQ(t.activeCount(), 0u);
  ASSERT_EQ(t.checkWrite(1, 128, 8, 512), ZR::Ok);
  ASSERT_EQ(t.commitWrite(1, 128, 8), ZR::Ok);
  EXPECT_EQ(t.zone(1).state, ZS::ImplicitOpen);
  EXPECT_EQ(t.close(1), ZR::Ok);
  EXPECT_EQ(t.zone(1).state, ZS::Closed);
  EXPECT_EQ(t.activeCount(), 1u);
  EXPECT_EQ(t.openCount(), 0u);
  EXPECT_EQ(t.finish(1), ZR::Ok);
  EXPECT_EQ(t.zone(1).state, ZS::Full);
  EXPECT_EQ(t.activeCount(), 0u);
  EXPECT_EQ(t.open(1), ZR::InvalidCmd);
  EXPECT_EQ(t.close(1), ZR::InvalidCmd);
  EXPECT_EQ(t.finish(1), ZR::Ok);
  EXPECT_EQ(t.reset(1), ZR::Ok);
  EXPECT_EQ(t.zone(1).state, ZS::Empty);
  EXPECT_EQ(t.zone(1).wp, 128u);
  EXPECT_EQ(t.zone(1).written, 0u);
}

TEST(BlkZoneTable, ConventionalZonesRefuseZoneManagement) {
  auto t = table();
  EXPECT_EQ(t.open(0), ZR::InvalidCmd);
  EXPECT_EQ(t.close(0), ZR::InvalidCmd);
  EXPECT_EQ(t.finish(0), ZR::InvalidCmd);
  EXPECT_EQ(t.reset(0), ZR::InvalidCmd);
  EXPECT_EQ(t.checkWrite(0, 5, 3, 4096), ZR::Ok);  // random writes anywhere
}

TEST(BlkZoneTable, ResourceLimits) {
  auto t = table(2, 3);
  EXPECT_EQ(t.open(1), ZR::Ok);
  EXPECT_EQ(t.open(2), ZR::Ok);
  EXPECT_EQ(t.open(3), ZR::OpenResource);
  EXPECT_EQ(t.zone(3).state, ZS::Empty);
  EXPECT_EQ(t.commitWrite(3, 384, 8), ZR::OpenResource);  // no implicitly open zone to close
  EXPECT_EQ(t.zone(3).wp, 384u);
  ASSERT_EQ(t.commitWrite(1, 128, 8), ZR::Ok);
  EXPECT_EQ(t.close(1), ZR::Ok);  // closed: active 2, open 1
  ASSERT_EQ(t.commitWrite(3, 384, 8), ZR::Ok);  // active 3, open 2
  EXPECT_EQ(t.commitWrite(4, 512, 8), ZR::ActiveResource);  // both limits: active wins
  EXPECT_EQ(t.zone(4).state, ZS::Empty);
  t.resetAll();
  EXPECT_EQ(t.openCount(), 0u);
  EXPECT_EQ(t.activeCount(), 0u);
}

TEST(BlkZoneTable, ImplicitOpenClosesAnImplicitlyOpenZone) {
  auto t = table(1, 0);
  ASSERT_EQ(t.commitWrite(1, 128, 8), ZR::Ok);
  ASSERT_EQ(t.commitWrite(2, 256, 8), ZR::Ok);
  EXPECT_EQ(t.zone(1).state, ZS::Closed);
  EXPECT_EQ(t.zone(2).state, ZS::ImplicitOpen);
  EXPECT_EQ(t.openCount(), 1u);
}

TEST(BlkZoneTable, WriteChecks) {
  auto t = table(0, 0);
  EXPECT_EQ(t.checkWrite(1, 136, 8, 512), ZR::UnalignedWp);
  EXPECT_EQ(t.checkWrite(1, 128, 3, 4096), ZR::UnalignedWp);
  EXPECT_EQ(t.checkWrite(1, 128, 136, 512), ZR::InvalidCmd);  // into the next zone
  ASSERT_EQ(t.commitWrite(1, 128, 128), ZR::Ok);
  EXPECT_EQ(t.zone(1).state, ZS::Full);
  EXPECT_EQ(t.checkWrite(1, 256, 1, 512), ZR::InvalidCmd);
  t.setCondition(2, ZS::ReadOnly);
  EXPECT_EQ(t.checkWrite(2, 256, 8, 512), ZR::InvalidCmd);
  EXPECT_EQ(t.reset(2), ZR::InvalidCmd);
  EXPECT_EQ(t.zone(2).state, ZS::ReadOnly);
  t.setCondition(3, ZS::Offline);
  EXPECT_EQ(t.finish(3), ZR::InvalidCmd);
  EXPECT_EQ(t.open(3), ZR::InvalidCmd);
  auto ha = table(0, 0, false);
  EXPECT_EQ(ha.checkWrite(1, 200, 8, 512), ZR::Ok);  // SWP: random writes accepted
}

// ---- the device ------------------------------------------------------------------------------------------------

class BlkZonedTest : public BlkFixture {
 protected:
  static constexpr uint64_t kZs = 256;  // 8 zones on the 1 MiB fixture disk
  BlkParams zp(const char* model = "host-managed") {
    BlkParams p;
    p.zoned = model;
    p.zoneSectors = kZs;
    return p;
  }
  uint64_t zonedFeatures() const { return allFeatures() & ~bit(blk::kFDiscard); }
  void upHm(BlkParams p) {
    make(p);
    config<uint8_t>(blk::cfg::kZonedModel);  // a driver looks at the model before it takes ZONED
    bringUp(zonedFeatures());
  }
  Result mgmt(uint32_t type, uint64_t sector) { return request(type, sector, {}); }
  template <class T>
  T ld(uint64_t a) {
    T v{};
    mem.load(a, &v);
    return v;
  }
  void onlyClause(const std::string& clause) {
    ASSERT_FALSE(log.empty());
    for (const auto& v : log.all()) EXPECT_EQ(v.clause, clause) << toString(v);
  }
  Result append(uint64_t sector, const std::vector<uint8_t>& data, uint64_t* at) {
    mem.write(kData, data.data(), data.size());
    mem.store(kStatus, uint64_t{~0ull});
    header(blk::kTZoneAppend, sector);
    Result r = submit({{kHdr, 16, false}, {kData, static_cast<uint32_t>(data.size()), false}, {kStatus, 9, true}});
    mem.load(kStatus, at);
    return r;
  }
};

TEST_F(BlkZonedTest, ZonedOfferedOnlyWhenConfiguredAndNeverOnLegacy) {
  make();
  EXPECT_FALSE(dev->deviceFeatures() & bit(blk::kFZoned));
  make(zp());
  EXPECT_TRUE(dev->deviceFeatures() & bit(blk::kFZoned));
  core->setLegacy(true);
  EXPECT_FALSE(dev->deviceFeatures() & bit(blk::kFZoned));
}

TEST_F(BlkZonedTest, ConfigurationFields) {
  BlkParams p = zp();
  p.maxOpenZones = 3;
  p.maxActiveZones = 5;
  p.maxAppendSectors = 32;
  p.writeGranularity = 4096;
  upHm(p);
  EXPECT_EQ(config<uint32_t>(blk::cfg::kZoneSectors), kZs);
  EXPECT_EQ(config<uint32_t>(blk::cfg::kMaxOpenZones), 3u);
  EXPECT_EQ(config<uint32_t>(blk::cfg::kMaxActiveZones), 5u);
  EXPECT_EQ(config<uint32_t>(blk::cfg::kMaxAppendSectors), 32u);
  EXPECT_EQ(config<uint32_t>(blk::cfg::kWriteGranularity), 4096u);
  EXPECT_EQ(config<uint8_t>(blk::cfg::kZonedModel), blk::kZHm);
  EXPECT_EQ(config<uint8_t>(blk::cfg::kUnused2), 0);
  EXPECT_EQ(config<uint32_t>(blk::cfg::kSecureEraseSectorAlignment) % kZs, 0u);
  expectClean();
}

TEST_F(BlkZonedTest, HostAwareZeroesZonedFieldsWithoutZoned) {
  make(zp("host-aware"));
  EXPECT_EQ(config<uint8_t>(blk::cfg::kZonedModel), blk::kZHa);
  bringUp(allFeatures() & ~bit(blk::kFZoned));
  EXPECT_EQ(config<uint32_t>(blk::cfg::kZoneSectors), 0u);
  EXPECT_EQ(config<uint8_t>(blk::cfg::kZonedModel), 0);
  std::vector<uint8_t> out;
  EXPECT_EQ(mgmt(blk::kTZoneOpen, kZs).status, blk::kSUnsupp);  // zone requests need ZONED
  expectClean();
}

TEST_F(BlkZonedTest, HostManagedRefusesFeaturesOkWithoutZoned) {
  make(zp());
  config<uint8_t>(blk::cfg::kZonedModel);
  core->writeStatus(status::kAcknowledge | status::kDriver);
  const uint64_t f = allFeatures() & ~bit(blk::kFZoned) & ~bit(blk::kFDiscard);
  core->writeDriverFeatures(0, static_cast<uint32_t>(f));
  core->writeDriverFeatures(1, static_cast<uint32_t>(f >> 32));
  core->writeStatus(status::kAcknowledge | status::kDriver | status::kFeaturesOk);
  EXPECT_FALSE(core->readStatus() & status::kFeaturesOk);
  // covers: drivernormative:Device Types / Block Device / Device Initialization#8
  EXPECT_TRUE(log.has("drivernormative:Device Types / Block Device / Device Initialization#8"));
}

TEST_F(BlkZonedTest, HostManagedWithDiscardAndUnreadModel) {
  make(zp());
  config<uint8_t>(blk::cfg::kZonedModel);
  core->writeStatus(status::kAcknowledge | status::kDriver);
  core->writeDriverFeatures(0, static_cast<uint32_t>(allFeatures()));
  core->writeDriverFeatures(1, static_cast<uint32_t>(allFeatures() >> 32));
  core->writeStatus(status::kAcknowledge | status::kDriver | status::kFeaturesOk);
  EXPECT_FALSE(core->readStatus() & status::kFeaturesOk);
  // covers: drivernormative:Device Types / Block Device / Device Initialization#6
  onlyClause("drivernormative:Device Types / Block Device / Device Initialization#6");
  make(zp());
  log.clear();
  bringUp(zonedFeatures());  // the model was never read
  // covers: drivernormative:Device Types / Block Device / Device Initialization#5
  expectOnly("drivernormative:Device Types / Block Device / Device Initialization#5", "blk.zoned_model_unread");
}

TEST_F(BlkZonedTest, WritesFollowTheWritePointer) {
  upHm(zp());
  const auto d = pattern(1, 8 * 512);
  EXPECT_EQ(write(kZs + 8, d).status, blk::kSZoneUnalignedWp);
  EXPECT_EQ(write(kZs, d).status, blk::kSOk);
  EXPECT_EQ(write(kZs + 8, d).status, blk::kSOk);
  EXPECT_EQ(dev->zones().zone(1).wp, kZs + 16);
  EXPECT_EQ(dev->zones().zone(1).state, BlkZoneState::ImplicitOpen);
  std::vector<uint8_t> got;
  EXPECT_EQ(read(2 * kZs - 8, 16 * 512, &got).status, blk::kSZoneInvalidCmd);  // spans two zones
  EXPECT_EQ(read(kZs, 32 * 512, &got).status, blk::kSOk);
  EXPECT_TRUE(std::equal(d.begin(), d.end(), got.begin() + 8 * 512));
  EXPECT_TRUE(std::all_of(got.begin() + 16 * 512, got.end(), [](uint8_t b) { return b == 0; }));  // unwritten
  expectClean();
}

TEST_F(BlkZonedTest, AppendReturnsTheSector) {
  upHm(zp());
  uint64_t at = 0;
  const auto d = pattern(2, 4096);
  EXPECT_EQ(append(2 * kZs, d, &at).status, blk::kSOk);
  EXPECT_EQ(at, 2 * kZs);
  EXPECT_EQ(append(2 * kZs, d, &at).status, blk::kSOk);
  EXPECT_EQ(at, 2 * kZs + 8);
  EXPECT_EQ(append(0, d, &at).status, blk::kSZoneInvalidCmd);  // conventional zone
  expectClean();
  EXPECT_EQ(append(2 * kZs + 8, d, &at).status, blk::kSZoneInvalidCmd);
  // covers: drivernormative:Device Types / Block Device / Device Operation#22
  expectOnly("drivernormative:Device Types / Block Device / Device Operation#22", "blk.append_sector");
}

TEST_F(BlkZonedTest, AppendLimits) {
  BlkParams p = zp();
  p.maxAppendSectors = 8;
  upHm(p);
  uint64_t at = 0;
  EXPECT_EQ(append(kZs, pattern(3, 16 * 512), &at).status, blk::kSZoneInvalidCmd);
  // covers: drivernormative:Device Types / Block Device / Device Operation#24
  expectOnly("drivernormative:Device Types / Block Device / Device Operation#24", "blk.append_too_large");
  p.maxAppendSectors = 0;
  upHm(p);
  log.clear();
  EXPECT_EQ(append(kZs, pattern(3, 512), &at).status, blk::kSUnsupp);
}

TEST_F(BlkZonedTest, ZoneReportLayout) {
  upHm(zp());
  ASSERT_EQ(write(kZs, pattern(4, 512)).status, blk::kSOk);
  const uint32_t bytes = 64 + 3 * 64;
  Result r = request(blk::kTZoneReport, kZs + 5, {{kData, bytes, true}});
  ASSERT_EQ(r.status, blk::kSOk);
  EXPECT_EQ(r.len, bytes + 1);
  EXPECT_EQ(ld<uint64_t>(kData), 3u);
  const uint64_t d0 = kData + 64;
  EXPECT_EQ(ld<uint64_t>(d0), kZs);        // z_cap
  EXPECT_EQ(ld<uint64_t>(d0 + 8), kZs);    // z_start
  EXPECT_EQ(ld<uint64_t>(d0 + 16), kZs + 1);  // z_wp
  EXPECT_EQ(ld<uint8_t>(d0 + 24), 2);      // SWR
  EXPECT_EQ(ld<uint8_t>(d0 + 25), 2);      // implicitly open
  expectClean();
  request(blk::kTZoneReport, 8 * kZs, {{kData, bytes, true}});
  // covers: drivernormative:Device Types / Block Device / Device Operation#18
  expectOnly("drivernormative:Device Types / Block Device / Device Operation#18", "blk.zone_report_sector");
}

TEST_F(BlkZonedTest, ZoneManagementSectors) {
  upHm(zp());
  EXPECT_EQ(mgmt(blk::kTZoneOpen, kZs).status, blk::kSOk);
  EXPECT_EQ(mgmt(blk::kTZoneFinish, kZs).status, blk::kSOk);
  EXPECT_EQ(mgmt(blk::kTZoneResetAll, 0).status, blk::kSOk);
  EXPECT_EQ(dev->zones().zone(1).state, BlkZoneState::Empty);
  EXPECT_EQ(mgmt(blk::kTZoneReset, 0).status, blk::kSZoneInvalidCmd);  // conventional
  expectClean();
  EXPECT_EQ(mgmt(blk::kTZoneClose, kZs + 1).status, blk::kSZoneInvalidCmd);
  // covers: drivernormative:Device Types / Block Device / Device Operation#20
  expectOnly("drivernormative:Device Types / Block Device / Device Operation#20", "blk.zone_mgmt_sector");
  log.clear();
  EXPECT_EQ(mgmt(blk::kTZoneResetAll, 3).status, blk::kSZoneInvalidCmd);
  // covers: drivernormative:Device Types / Block Device / Device Operation#21
  expectOnly("drivernormative:Device Types / Block Device / Device Operation#21", "blk.zone_reset_all_sector");
}

TEST_F(BlkZonedTest, GranularityOfSequentialWrites) {
  BlkParams p = zp();
  p.writeGranularity = 4096;
  upHm(p);
  EXPECT_EQ(write(kZs, pattern(5, 512)).status, blk::kSZoneUnalignedWp);
  // covers: drivernormative:Device Types / Block Device / Device Operation#26
  expectOnly("drivernormative:Device Types / Block Device / Device Operation#26", "blk.zone_write_granularity");
  log.clear();
  uint64_t at = 0;
  EXPECT_EQ(append(kZs, pattern(5, 512), &at).status, blk::kSZoneInvalidCmd);
  // covers: drivernormative:Device Types / Block Device / Device Operation#23
  expectOnly("drivernormative:Device Types / Block Device / Device Operation#23", "blk.append_granularity");
  log.clear();
  EXPECT_EQ(write(0, pattern(5, 512)).status, blk::kSOk);  // conventional: any alignment
  expectClean();
}

TEST_F(BlkZonedTest, SecureEraseResetsWholeZones) {
  upHm(zp());
  ASSERT_EQ(write(3 * kZs, pattern(6, 4096)).status, blk::kSOk);
  EXPECT_EQ(segments(blk::kTSecureErase, {{3 * kZs, static_cast<uint32_t>(kZs / 2), 0}}).status, blk::kSZoneInvalidCmd);
  EXPECT_EQ(dev->zones().zone(3).wp, 3 * kZs + 8);
  EXPECT_EQ(segments(blk::kTSecureErase, {{3 * kZs, static_cast<uint32_t>(kZs), 0}}).status, blk::kSOk);
  EXPECT_EQ(dev->zones().zone(3).state, BlkZoneState::Empty);
  EXPECT_EQ(dev->zones().zone(3).wp, 3 * kZs);
  expectClean();
}

TEST_F(BlkZonedTest, OfflineAndReadOnlyZones) {
  upHm(zp());
  dev->setZoneCondition(4, BlkZoneState::Offline);
  dev->setZoneCondition(5, BlkZoneState::ReadOnly);
  std::vector<uint8_t> got;
  EXPECT_EQ(read(4 * kZs, 512, &got).status, blk::kSZoneInvalidCmd);
  EXPECT_EQ(read(5 * kZs, 512, &got).status, blk::kSOk);
  EXPECT_EQ(write(5 * kZs, pattern(7, 512)).status, blk::kSZoneInvalidCmd);
  expectClean();
}

TEST_F(BlkZonedTest, BadZonedOptions) {
  BlkParams p = zp();
  p.zoned = "sideways";
  EXPECT_THROW(BlkDevice{p}, std::invalid_argument);
  p = zp();
  p.writeGranularity = 1000;
  EXPECT_THROW(BlkDevice{p}, std::invalid_argument);
  p = zp();
  p.segMax = 2;
  p.sizeMax = 4096;
  p.maxAppendSectors = 64;  // 32 KiB > 2 * 4 KiB
  EXPECT_THROW(BlkDevice{p}, std::invalid_argument);
}

}  // namespace
}  // namespace vsim::model::blktest

// One negative test per driver violation the block device detects: the exact clause ID and kind, the status the
// request gets, and that the store is left alone.
#include "blk_test_support.h"

namespace vsim::model::blktest {
namespace {

using namespace blk;

constexpr const char* kFraming = "drivernormative:Basic Facilities of a Virtio Device / Message Framing#1";

class BlkViolation : public BlkFixture {
 protected:
  void SetUp() override {
    make();
    bringUp();
    write(0, pattern(1, 8192));
    ASSERT_TRUE(log.empty());
    before = image(0, 8192);
  }
  void expectStoreUnchanged() { EXPECT_EQ(image(0, 8192), before); }
  std::vector<uint8_t> before;
};

TEST_F(BlkViolation, CleanTrafficReportsNothing) {
  std::vector<uint8_t> got;
  EXPECT_EQ(read(0, 4096, &got).status, kSOk);
  EXPECT_EQ(flush().status, kSOk);
  EXPECT_EQ(request(kTGetId, 0, {{kData, 20, true}}).status, kSOk);
  EXPECT_EQ(segments(kTWriteZeroes, {{0, 1, kSegFlagUnmap}}).status, kSOk);
  EXPECT_EQ(segments(kTDiscard, {{1, 1, 0}}).status, kSOk);
  EXPECT_EQ(config<uint64_t>(cfg::kCapacity), (1u << 20) / 512);
  EXPECT_EQ(config<uint8_t>(cfg::kWriteback), 0);
  expectClean();
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Message Framing#1
TEST_F(BlkViolation, NoStatusByte) {
  header(kTOut, 0);
  mem.write(kData, pattern(2, 512).data(), 512);
  Result r = submit({{kHdr, 16, false}, {kData, 512, false}});
  EXPECT_TRUE(r.used);
  EXPECT_EQ(r.len, 0u);
  expectOnly(kFraming, "blk.no_status_byte");
  expectStoreUnchanged();
  EXPECT_EQ(dev->stats().noStatus, 1u);
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Message Framing#1
TEST_F(BlkViolation, HeaderNotReadable) {
  header(kTIn, 0);
  Result r = submit({{kHdr, 8, false}, {kHdr + 8, 8, true}, {kData, 512, true}, {kStatus, 1, true}});
  EXPECT_EQ(r.status, kSIoErr);
  expectOnly(kFraming, "blk.header_not_readable");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Message Framing#1
TEST_F(BlkViolation, ReadWithReadableData) {
  Result r = request(kTIn, 0, {{kData, 512, false}});
  EXPECT_EQ(r.status, kSIoErr);
  expectOnly(kFraming, "blk.data_wrong_direction");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Message Framing#1
TEST_F(BlkViolation, WriteWithWritableData) {
  Result r = request(kTOut, 0, {{kData, 512, true}});
  EXPECT_EQ(r.status, kSIoErr);
  expectOnly(kFraming, "blk.data_wrong_direction");
  expectStoreUnchanged();
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Message Framing#2
TEST_F(BlkViolation, MoreDataSegmentsThanSegMax) {
  BlkParams p;
  p.segMax = 2;
  make(p);
  bringUp();
  write(0, pattern(1, 8192));
  log.clear();
  before = image(0, 8192);
  mem.write(kData, pattern(3, 1536).data(), 1536);
  Result r = request(kTOut, 0, {{kData, 512, false}, {kData + 512, 512, false}, {kData + 1024, 512, false}});
  EXPECT_EQ(r.status, kSIoErr);
  expectOnly("drivernormative:Basic Facilities of a Virtio Device / Message Framing#2", "blk.too_many_segments");
  expectStoreUnchanged();
}

// covers: drivernormative:Device Types / Block Device / Device Operation#2
TEST_F(BlkViolation, ReadBeyondCapacity) {
  Result r = request(kTIn, 2047, {{kData, 1024, true}});  // capacity is 2048 sectors
  EXPECT_EQ(r.status, kSIoErr);
  expectOnly("drivernormative:Device Types / Block Device / Device Operation#2", "blk.beyond_capacity");
}

// covers: drivernormative:Device Types / Block Device / Device Operation#2
TEST_F(BlkViolation, WriteBeyondCapacityTouchesNothing) {
  mem.write(kData, pattern(4, 1024).data(), 1024);
  Result r = request(kTOut, ~uint64_t{0}, {{kData, 1024, false}});  // sector + length wraps
  EXPECT_EQ(r.status, kSIoErr);
  r = request(kTOut, 2047, {{kData, 1024, false}});
  EXPECT_EQ(r.status, kSIoErr);
  expectOnly("drivernormative:Device Types / Block Device / Device Operation#2", "blk.beyond_capacity");
  expectStoreUnchanged();
  EXPECT_EQ(image(2047 * 512, 512), std::vector<uint8_t>(512, 0));
}

// covers: drivernormative:Device Types / Block Device / Device Operation#2
TEST_F(BlkViolation, WriteZeroesSegmentBeyondCapacity) {
  Result r = segments(kTWriteZeroes, {{0, 4, 0}, {2040, 9, 0}});
  EXPECT_EQ(r.status, kSIoErr);
  expectOnly("drivernormative:Device Types / Block Device / Device Operation#2", "blk.beyond_capacity");
  expectStoreUnchanged();  // not even the first, valid segment
}

// covers: drivernormative:Device Types / Block Device / Device Operation#3
TEST_F(BlkViolation, ReadOnlyNotAccepted) {
  BlkParams p;
  p.readOnly = true;
  make(p);
  bringUp(allFeatures() & ~bit(kFRo));
  expectOnly("drivernormative:Device Types / Block Device / Device Operation#3", "blk.ro_not_accepted");
  log.clear();
  EXPECT_EQ(write(0, pattern(5, 512)).status, kSIoErr);  // RO is offered: writes fail all the same
  EXPECT_TRUE(log.empty());
}

// covers: drivernormative:Device Types / Block Device / Device Operation#4
TEST_F(BlkViolation, FlushWithNonZeroSector) {
  BlkParams p;
  p.writeback = true;
  make(p);
  bringUp();
  write(0, pattern(6, 512));
  Result r = request(kTFlush, 5, {});
  EXPECT_EQ(r.status, kSIoErr);
  expectOnly("drivernormative:Device Types / Block Device / Device Operation#4", "blk.flush_sector_nonzero");
  EXPECT_EQ(dev->dirtyBytes(), 512u);  // not flushed
  EXPECT_EQ(dev->flushCount(), 0u);
}

// covers: drivernormative:Device Types / Block Device / Device Operation#5
TEST_F(BlkViolation, FlushWithData) {
  Result r = request(kTFlush, 0, {{kData, 512, false}});
  EXPECT_EQ(r.status, kSOk);  // SHOULD NOT: reported, and the flush is still done
  EXPECT_EQ(dev->flushCount(), 1u);
  expectOnly("drivernormative:Device Types / Block Device / Device Operation#5", "blk.flush_with_data");
}

// covers: drivernormative:Device Types / Block Device / Device Operation#6
TEST_F(BlkViolation, DataNotAMultipleOf512) {
  mem.write(kData, pattern(7, 700).data(), 700);
  EXPECT_EQ(request(kTOut, 0, {{kData, 700, false}}).status, kSIoErr);
  EXPECT_EQ(request(kTIn, 0, {{kData, 100, true}}).status, kSIoErr);
  expectOnly("drivernormative:Device Types / Block Device / Device Operation#6", "blk.data_not_sector_multiple");
  expectStoreUnchanged();
}

// covers: drivernormative:Device Types / Block Device / Device Operation#7
TEST_F(BlkViolation, SegmentDataNotAMultipleOf16) {
  mem.store(kSegs, uint64_t{0});
  mem.store(kSegs + 8, uint32_t{4});
  Result r = request(kTWriteZeroes, 0, {{kSegs, 20, false}});
  EXPECT_EQ(r.status, kSIoErr);
  expectOnly("drivernormative:Device Types / Block Device / Device Operation#7", "blk.data_not_segment_multiple");
  expectStoreUnchanged();
}

// covers: drivernormative:Device Types / Block Device / Device Operation#8
TEST_F(BlkViolation, GetIdNot20Bytes) {
  EXPECT_EQ(request(kTGetId, 0, {{kData, 16, true}}).status, kSIoErr);
  EXPECT_EQ(request(kTGetId, 0, {{kData, 512, true}}).status, kSIoErr);
  expectOnly("drivernormative:Device Types / Block Device / Device Operation#8", "blk.get_id_length");
}

std::vector<Segment> many(size_t n) {
  std::vector<Segment> v;
  for (size_t i = 0; i < n; ++i) v.push_back({i, 1, 0});
  return v;
}

// covers: drivernormative:Device Types / Block Device / Device Operation#9
TEST_F(BlkViolation, TooManyDiscardSegments) {
  EXPECT_EQ(segments(kTDiscard, many(17)).status, kSIoErr);  // max_discard_seg = 16
  expectOnly("drivernormative:Device Types / Block Device / Device Operation#9", "blk.too_many_segments");
  expectStoreUnchanged();
}

// covers: drivernormative:Device Types / Block Device / Device Operation#10
TEST_F(BlkViolation, TooManySecureEraseSegments) {
  EXPECT_EQ(segments(kTSecureErase, many(17)).status, kSIoErr);
  expectOnly("drivernormative:Device Types / Block Device / Device Operation#10", "blk.too_many_segments");
  expectStoreUnchanged();
}

// covers: drivernormative:Device Types / Block Device / Device Operation#11
TEST_F(BlkViolation, TooManyWriteZeroesSegments) {
  EXPECT_EQ(segments(kTWriteZeroes, many(17)).status, kSIoErr);
  expectOnly("drivernormative:Device Types / Block Device / Device Operation#11", "blk.too_many_segments");
  expectStoreUnchanged();
}

// covers: drivernormative:Device Types / Block Device / Device Operation#14
// covers: devicenormative:Device Types / Block Device / Device Operation#6
TEST_F(BlkViolation, DiscardWithUnmap) {
  EXPECT_EQ(segments(kTDiscard, {{0, 2, 0}, {4, 2, kSegFlagUnmap}}).status, kSUnsupp);
  expectOnly("drivernormative:Device Types / Block Device / Device Operation#14", "blk.discard_unmap");
  expectStoreUnchanged();
}

// covers: drivernormative:Device Types / Block Device / Device Operation#12
TEST_F(BlkViolation, WriteToReadOnlyConfigField) {
  const uint64_t cap = 1;
  core->writeConfig(cfg::kCapacity, &cap, 8);
  const uint16_t wb = 1;
  core->writeConfig(cfg::kWriteback, &wb, 2);  // writeback plus the padding byte: ignored whole
  expectOnly("drivernormative:Device Types / Block Device / Device Operation#12", "blk.config_write_read_only");
  EXPECT_EQ(config<uint64_t>(cfg::kCapacity), 2048u);
  EXPECT_EQ(config<uint8_t>(cfg::kWriteback), 0);
}

// covers: drivernormative:Device Types / Block Device / Device Operation#12
TEST_F(BlkViolation, WritebackWriteInvalid) {
  const uint8_t two = 2;
  core->writeConfig(cfg::kWriteback, &two, 1);
  EXPECT_EQ(config<uint8_t>(cfg::kWriteback), 0);
  make();
  bringUp(allFeatures() & ~bit(kFConfigWce));  // offered, not negotiated
  const uint8_t one = 1;
  core->writeConfig(cfg::kWriteback, &one, 1);
  EXPECT_FALSE(dev->caching());
  expectOnly("drivernormative:Device Types / Block Device / Device Operation#12", "blk.writeback_write_invalid");
  EXPECT_EQ(log.size(), 2u);
}

// covers: drivernormative:Device Types / Block Device / Device Initialization#4
TEST_F(BlkViolation, WritebackReadBeforeFeaturesOk) {
  make();
  core->writeStatus(status::kAcknowledge);
  core->writeStatus(status::kAcknowledge | status::kDriver);
  EXPECT_EQ(config<uint64_t>(cfg::kCapacity), 2048u);  // fine
  EXPECT_EQ(config<uint8_t>(cfg::kWriteback), 0);     // not yet
  EXPECT_EQ(config<uint8_t>(cfg::kWriteback), 0);     // reported once
  expectOnly("drivernormative:Device Types / Block Device / Device Initialization#4",
             "blk.writeback_read_before_features_ok");
  EXPECT_EQ(log.size(), 1u);
  log.clear();
  make();  // a legacy driver may read it at any time
  core->setLegacy(true);
  core->writeStatus(status::kAcknowledge);
  config<uint8_t>(cfg::kWriteback);
  EXPECT_TRUE(log.empty());
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#3
TEST_F(BlkViolation, ConfigFieldOfFeatureNotOffered) {
  config<uint16_t>(cfg::kNumQueues);  // MQ is not offered (one queue)
  config<uint16_t>(cfg::kNumQueues);  // one report per field and reset
  config<uint32_t>(cfg::kZoned);      // ZONED is never offered
  const uint16_t nq = 4;
  core->writeConfig(cfg::kNumQueues, &nq, 2);
  // The write is reported twice: its field does not exist here, and it is read-only anyway.
  ASSERT_EQ(log.size(), 4u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(log.all()[i].clause, "drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#3");
    EXPECT_EQ(log.all()[i].kind, "blk.config_field_not_offered");
  }
  EXPECT_EQ(log.all()[3].kind, "blk.config_write_read_only");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Feature Bits#1
TEST_F(BlkViolation, RequestTypeWithoutItsFeature) {
  make();
  bringUp(bit(feat::kVersion1));  // nothing of the device's own
  write(0, pattern(1, 8192));
  before = image(0, 8192);
  EXPECT_EQ(flush().status, kSUnsupp);
  EXPECT_EQ(segments(kTDiscard, {{0, 1, 0}}).status, kSUnsupp);
  EXPECT_EQ(segments(kTWriteZeroes, {{0, 1, 0}}).status, kSUnsupp);
  EXPECT_EQ(segments(kTSecureErase, {{0, 1, 0}}).status, kSUnsupp);
  EXPECT_EQ(request(kTGetLifetime, 0, {{kData, 6, true}}).status, kSUnsupp);
  expectOnly("drivernormative:Basic Facilities of a Virtio Device / Feature Bits#1", "blk.type_not_negotiated");
  EXPECT_EQ(log.size(), 5u);
  expectStoreUnchanged();
}

}  // namespace
}  // namespace vsim::model::blktest

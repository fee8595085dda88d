// Device-side split ring: positive behaviour and one negative test per driver violation the engine detects.
#include <sys/mman.h>

#include "ring_fixture.h"
#include "vsim/model/split_ring.h"

namespace vsim::model::test {
namespace {

const char* kDescTable1 = "drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#1";
const char* kIndirect = "drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#";

using SplitRingTest = RingTest;

TEST_F(SplitRingTest, PopsChainAndReturnsIt) {
  makeSplit(8);
  splitDesc(0, kBuf, 16, split::kDescFNext, 1);
  splitDesc(1, kBuf + 0x100, 32, split::kDescFWrite);
  splitAvail(0);
  ASSERT_EQ(q->pop(chain), PopStatus::Ok);
  EXPECT_EQ(chain.id, 0);
  ASSERT_EQ(chain.segs.size(), 2u);
  EXPECT_EQ(chain.readableBytes, 16u);
  EXPECT_EQ(chain.writableBytes, 32u);
  uint8_t data[32];
  std::memset(data, 0x5a, sizeof data);
  EXPECT_EQ(q->writeToChain(chain, 0, data, 32), 32u);
  q->push(chain, 32);
  split::UsedElem e;
  mem.load(kDevice + split::usedRingOff(0), &e);
  uint16_t usedIdx;
  mem.load(kDevice + split::usedIdxOff(), &usedIdx);
  EXPECT_EQ(e.id, 0u);
  EXPECT_EQ(e.len, 32u);
  EXPECT_EQ(usedIdx, 1);
  EXPECT_EQ(q->pop(chain), PopStatus::Empty);
  EXPECT_TRUE(log.empty());
}

TEST_F(SplitRingTest, WriteToChainNeverTouchesReadableSegments) {
  makeSplit(4);
  splitDesc(0, kBuf, 8, split::kDescFNext, 1);
  splitDesc(1, kBuf + 8, 8, split::kDescFWrite);
  splitAvail(0);
  ASSERT_EQ(q->pop(chain), PopStatus::Ok);
  uint8_t big[64];
  std::memset(big, 0xee, sizeof big);
  EXPECT_EQ(q->writeToChain(chain, 0, big, sizeof big), 8u);  // only the 8 writable bytes
  uint8_t first[8];
  mem.read(kBuf, first, 8);
  for (uint8_t b : first) EXPECT_EQ(b, 0);
}

TEST_F(SplitRingTest, UsedLenIsClampedToWritableBytes) {
  makeSplit(4);
  splitDesc(0, kBuf, 8, split::kDescFWrite);
  splitAvail(0);
  ASSERT_EQ(q->pop(chain), PopStatus::Ok);
  q->push(chain, 1000);
  split::UsedElem e;
  mem.load(kDevice + split::usedRingOff(0), &e);
  EXPECT_EQ(e.len, 8u);
}

TEST_F(SplitRingTest, NonPowerOfTwoSizeIsWalkedSafely) {
  makeSplit(3);
  for (int k = 0; k < 7; ++k) {
    splitDesc(k % 3, kBuf, 4, 0);
    splitAvail(static_cast<uint16_t>(k % 3));
    ASSERT_EQ(q->pop(chain), PopStatus::Ok);
    q->push(chain, 0);
  }
  EXPECT_TRUE(log.empty());
}

TEST_F(SplitRingTest, IndirectTableIsFlattened) {
  makeSplit(4, feats({feat::kIndirectDesc}));
  const uint64_t table = kBuf + 0x1000;
  splitDesc(0, kBuf, 10, split::kDescFNext, 1, table);
  splitDesc(1, kBuf + 0x10, 20, split::kDescFWrite, 0, table);
  splitDesc(2, table, 32, split::kDescFIndirect | split::kDescFWrite);  // WRITE on the pointer is ignored
  splitAvail(2);
  ASSERT_EQ(q->pop(chain), PopStatus::Ok);
  EXPECT_TRUE(chain.indirect);
  EXPECT_EQ(chain.ringSlots, 1);
  EXPECT_EQ(chain.readableBytes, 10u);
  EXPECT_EQ(chain.writableBytes, 20u);
  EXPECT_TRUE(log.empty());
}

TEST_F(SplitRingTest, DirectChainFollowedByIndirectIsAccepted) {
  makeSplit(4, feats({feat::kIndirectDesc}));
  const uint64_t table = kBuf + 0x1000;
  splitDesc(0, kBuf + 0x20, 4, split::kDescFWrite, 0, table);
  splitDesc(0, kBuf, 4, split::kDescFNext, 1);
  splitDesc(1, table, 16, split::kDescFIndirect);
  splitAvail(0);
  ASSERT_EQ(q->pop(chain), PopStatus::Ok);
  EXPECT_EQ(chain.segs.size(), 2u);
  EXPECT_EQ(chain.ringSlots, 2);
}

TEST_F(SplitRingTest, EventIdxNotificationDecision) {
  makeSplit(8, feats({feat::kEventIdx}));
  mem.store(kDriver + split::usedEventOff(8), uint16_t{1});  // driver: notify when used idx passes 1
  for (int k = 0; k < 3; ++k) {
    splitDesc(k, kBuf, 4, 0);
    splitAvail(static_cast<uint16_t>(k));
  }
  ASSERT_EQ(q->pop(chain), PopStatus::Ok);
  q->push(chain, 0);
  EXPECT_FALSE(q->shouldNotify());  // used idx 0 -> 1 did not write entry 1
  ASSERT_EQ(q->pop(chain), PopStatus::Ok);
  q->push(chain, 0);
  EXPECT_TRUE(q->shouldNotify());  // entry 1 written
  ASSERT_EQ(q->pop(chain), PopStatus::Ok);
  q->push(chain, 0);
  EXPECT_FALSE(q->shouldNotify());
  EXPECT_TRUE(log.empty());
}

TEST_F(SplitRingTest, FlagsSuppressNotification) {
  makeSplit(4);
  mem.store(kDriver + split::availFlagsOff(), uint16_t{split::kAvailFNoInterrupt});
  splitDesc(0, kBuf, 4, 0);
  splitAvail(0);
  ASSERT_EQ(q->pop(chain), PopStatus::Ok);
  q->push(chain, 0);
  EXPECT_FALSE(q->shouldNotify());
  EXPECT_EQ(q->stats().notificationsSuppressed, 1u);
}

TEST_F(SplitRingTest, DeviceSuppressionWritesUsedFlagsOrAvailEvent) {
  makeSplit(4);
  q->setDriverNotifications(false);
  uint16_t f;
  mem.load(kDevice + split::usedFlagsOff(), &f);
  EXPECT_EQ(f, split::kUsedFNoNotify);
  q->setDriverNotifications(true);
  mem.load(kDevice + split::usedFlagsOff(), &f);
  EXPECT_EQ(f, 0);
}

TEST_F(SplitRingTest, InOrderBatchWritesOneUsedElement) {
  makeSplit(8, feats({feat::kInOrder}));
  Chain a, b, c;
  for (uint16_t k = 0; k < 3; ++k) {
    splitDesc(k, kBuf, 4, split::kDescFWrite);
    splitAvail(k);
  }
  ASSERT_EQ(q->pop(a), PopStatus::Ok);
  ASSERT_EQ(q->pop(b), PopStatus::Ok);
  ASSERT_EQ(q->pop(c), PopStatus::Ok);
  const Chain* batch[] = {&a, &b, &c};
  q->pushInOrderBatch(batch, 3, 4);
  uint16_t usedIdx;
  mem.load(kDevice + split::usedIdxOff(), &usedIdx);
  split::UsedElem e;
  mem.load(kDevice + split::usedRingOff(0), &e);  // at the batch's first position
  EXPECT_EQ(usedIdx, 3);
  EXPECT_EQ(e.id, 2u);
  EXPECT_EQ(q->inFlight(), 0u);
}

TEST_F(SplitRingTest, UsedFlagsNotZeroAtEnableIsReported) {
  const uint16_t dirty = 1;
  mem.store(kDevice + split::usedFlagsOff(), dirty);  // the driver did not initialise the used ring
  makeSplit(8);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log.all()[0].clause,
            "drivernormative:Basic Facilities of a Virtio Device / Virtqueues / Available Buffer Notification Suppression#1");
  EXPECT_EQ(log.all()[0].kind, "split.used_flags_not_initialised");
  EXPECT_FALSE(q->broken());  // reported, the queue stays usable
}

TEST_F(SplitRingTest, ResetForgetsState) {
  makeSplit(4);
  splitDesc(0, kBuf, 4, 0);
  splitAvail(0);
  ASSERT_EQ(q->pop(chain), PopStatus::Ok);
  q->reset();
  EXPECT_FALSE(q->configured());
  EXPECT_EQ(q->pop(chain), PopStatus::Empty);
  EXPECT_EQ(q->inFlight(), 0u);
}

// ---- negative tests: one per detected violation ----

// covers: drivernormative:Basic Facilities of a Virtio Device / Virtqueues#1
TEST_F(SplitRingTest, MisalignedRingPartIsReported) {
  q = makeDeviceQueue(false, mem, log);
  EXPECT_TRUE(q->configure(QueueLayout{4, kDesc + 8, kDriver, kDevice}, feats({}), 0));
  expectOnly("drivernormative:Basic Facilities of a Virtio Device / Virtqueues#1", "ring.misaligned");
}

// covers: drivernormative:Reserved Feature Bits#5
TEST_F(SplitRingTest, RingOutsideMemoryBreaksQueue) {
  q = makeDeviceQueue(false, mem, log);
  EXPECT_FALSE(q->configure(QueueLayout{4, kDesc, kDriver, kBase + kSize - 8}, feats({}), 0));
  expectOnly("drivernormative:Reserved Feature Bits#5", "ring.outside_memory");
  EXPECT_TRUE(q->broken());
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Available Ring#1
TEST_F(SplitRingTest, AvailIdxJumpIsReported) {
  makeSplit(4);
  mem.storeRelease16(kDriver + split::availIdxOff(), 5, DmaKind::Other);
  EXPECT_EQ(q->pop(chain), PopStatus::Broken);
  expectOnly("drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Available Ring#1",
             "split.avail_idx_jump");
  EXPECT_TRUE(q->broken());
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#1
TEST_F(SplitRingTest, HeadOutOfRangeIsReported) {
  makeSplit(4);
  splitAvail(9);
  EXPECT_EQ(q->pop(chain), PopStatus::Broken);
  expectOnly(kDescTable1, "split.head_out_of_range");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#1
TEST_F(SplitRingTest, BufferMadeAvailableTwiceIsReported) {
  makeSplit(4);
  splitDesc(0, kBuf, 4, 0);
  splitAvail(0);
  splitAvail(0);
  EXPECT_EQ(q->pop(chain), PopStatus::Ok);
  EXPECT_EQ(q->pop(chain), PopStatus::Broken);
  expectOnly(kDescTable1, "split.head_in_flight");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Message Framing#1
TEST_F(SplitRingTest, ReadableAfterWritableIsReported) {
  makeSplit(4);
  splitDesc(0, kBuf, 4, split::kDescFWrite | split::kDescFNext, 1);
  splitDesc(1, kBuf + 8, 4, 0);
  splitAvail(0);
  EXPECT_EQ(q->pop(chain), PopStatus::Broken);
  expectOnly("drivernormative:Basic Facilities of a Virtio Device / Message Framing#1", "split.readable_after_writable");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#1
TEST(SplitRingBigMemory, ChainOver4GiBIsReported) {
  // 6 GiB of sparse guest memory (never touched beyond the rings) so that buffers of 4 GiB are in memory.
  const uint64_t kBig = 6ull << 30;
  void* host = mmap(nullptr, kBig, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  ASSERT_NE(host, MAP_FAILED);
  GuestMemory mem;
  ASSERT_TRUE(mem.addRegion(0, kBig, static_cast<uint8_t*>(host)));
  ViolationLog log;
  auto q = makeDeviceQueue(false, mem, log);
  ASSERT_TRUE(q->configure(QueueLayout{4, 0x1000, 0x2000, 0x3000}, feats({}), 0));
  mem.store(0x1000, split::Desc{0x100000, 0xffffffffu, split::kDescFNext, 1});
  mem.store(0x1010, split::Desc{0x100000, 0x10, 0, 0});
  mem.store(0x2000 + split::availRingOff(0), uint16_t{0});
  mem.storeRelease16(0x2002, 1, DmaKind::Other);
  Chain c;
  EXPECT_EQ(q->pop(c), PopStatus::Broken);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log.all()[0].clause, kDescTable1);
  EXPECT_EQ(log.all()[0].kind, "split.chain_too_many_bytes");
  munmap(host, kBig);
}

// covers: drivernormative:Reserved Feature Bits#5
TEST_F(SplitRingTest, BufferOutsideMemoryIsReported) {
  makeSplit(4);
  splitDesc(0, kBase + kSize - 4, 8, 0);
  splitAvail(0);
  EXPECT_EQ(q->pop(chain), PopStatus::Broken);
  expectOnly("drivernormative:Reserved Feature Bits#5", "split.buffer_outside_memory");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#1
TEST_F(SplitRingTest, LoopIsReportedWithoutHanging) {
  makeSplit(4);
  splitDesc(0, kBuf, 4, split::kDescFNext, 1);
  splitDesc(1, kBuf, 4, split::kDescFNext, 0);
  splitAvail(0);
  EXPECT_EQ(q->pop(chain), PopStatus::Broken);
  expectOnly(kDescTable1, "split.chain_loop");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#1
TEST_F(SplitRingTest, DeviceChainLimitIsEnforced) {
  makeSplit(8);
  q->setLimits(QueueLimits{2});
  splitDesc(0, kBuf, 4, split::kDescFNext, 1);
  splitDesc(1, kBuf, 4, split::kDescFNext, 2);
  splitDesc(2, kBuf, 4, 0);
  splitAvail(0);
  EXPECT_EQ(q->pop(chain), PopStatus::Broken);
  expectOnly(kDescTable1, "split.chain_loop");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#1
TEST_F(SplitRingTest, NextOutOfRangeIsReported) {
  makeSplit(4);
  splitDesc(0, kBuf, 4, split::kDescFNext, 70);
  splitAvail(0);
  EXPECT_EQ(q->pop(chain), PopStatus::Broken);
  expectOnly(kDescTable1, "split.next_out_of_range");
  EXPECT_EQ(log.all().front().evidence[2].name, "next");
  EXPECT_EQ(log.all().front().evidence[2].value, 70u);
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#1
TEST_F(SplitRingTest, IndirectWithoutFeatureIsReported) {
  makeSplit(4);
  splitDesc(0, kBuf, 16, split::kDescFIndirect);
  splitAvail(0);
  EXPECT_EQ(q->pop(chain), PopStatus::Broken);
  expectOnly(std::string(kIndirect) + "1", "split.indirect_not_negotiated");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#2
TEST_F(SplitRingTest, NestedIndirectIsReported) {
  makeSplit(4, feats({feat::kIndirectDesc}));
  const uint64_t table = kBuf + 0x1000;
  splitDesc(0, kBuf + 0x2000, 16, split::kDescFIndirect, 0, table);
  splitDesc(0, table, 16, split::kDescFIndirect);
  splitAvail(0);
  EXPECT_EQ(q->pop(chain), PopStatus::Broken);
  expectOnly(std::string(kIndirect) + "2", "split.nested_indirect");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#4
TEST_F(SplitRingTest, IndirectWithNextIsReported) {
  makeSplit(4, feats({feat::kIndirectDesc}));
  splitDesc(0, kBuf + 0x1000, 16, split::kDescFIndirect | split::kDescFNext, 1);
  splitDesc(1, kBuf, 4, 0);
  splitAvail(0);
  EXPECT_EQ(q->pop(chain), PopStatus::Broken);
  expectOnly(std::string(kIndirect) + "4", "split.indirect_with_next");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#3
TEST_F(SplitRingTest, IndirectTableLengthIsChecked) {
  for (uint32_t len : {0u, 24u, 16u * 5}) {  // empty, not whole descriptors, longer than the queue size
    log.clear();
    availIdx = 0;
    makeSplit(4, feats({feat::kIndirectDesc}));
    splitDesc(0, kBuf + 0x1000, len, split::kDescFIndirect);
    splitAvail(0);
    EXPECT_EQ(q->pop(chain), PopStatus::Broken) << len;
    expectOnly(std::string(kIndirect) + "3", "split.indirect_bad_length");
  }
}

// covers: drivernormative:Reserved Feature Bits#5
TEST_F(SplitRingTest, IndirectTableOutsideMemoryIsReported) {
  makeSplit(4, feats({feat::kIndirectDesc}));
  splitDesc(0, kBase + kSize - 16, 32, split::kDescFIndirect);
  splitAvail(0);
  EXPECT_EQ(q->pop(chain), PopStatus::Broken);
  expectOnly("drivernormative:Reserved Feature Bits#5", "split.indirect_outside_memory");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#2
TEST_F(SplitRingTest, InOrderNextMustBeSequential) {
  makeSplit(4, feats({feat::kInOrder}));
  splitDesc(0, kBuf, 4, split::kDescFNext, 2);
  splitDesc(2, kBuf, 4, 0);
  splitAvail(0);
  EXPECT_EQ(q->pop(chain), PopStatus::Ok);  // still walkable: reported, not fatal
  expectOnly("drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#2",
             "split.inorder_next_not_sequential");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#5
TEST_F(SplitRingTest, InOrderIndirectMustBeSequential) {
  makeSplit(4, feats({feat::kInOrder, feat::kIndirectDesc}));
  const uint64_t table = kBuf + 0x1000;
  splitDesc(0, kBuf, 4, split::kDescFNext, 2, table);
  splitDesc(1, kBuf, 4, 0, 0, table);
  splitDesc(2, kBuf, 4, 0, 0, table);
  splitDesc(0, table, 48, split::kDescFIndirect);
  splitAvail(0);
  EXPECT_EQ(q->pop(chain), PopStatus::Ok);
  expectOnly(std::string(kIndirect) + "5", "split.inorder_indirect_not_sequential");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Virtqueues / Used Buffer Notification Suppression#1
TEST_F(SplitRingTest, AvailFlagsOtherThanZeroOrOneAreReported) {
  makeSplit(4);
  mem.store(kDriver + split::availFlagsOff(), uint16_t{6});
  splitDesc(0, kBuf, 4, 0);
  splitAvail(0);
  ASSERT_EQ(q->pop(chain), PopStatus::Ok);
  q->push(chain, 0);
  q->shouldNotify();
  expectOnly("drivernormative:Basic Facilities of a Virtio Device / Virtqueues / Used Buffer Notification Suppression#1",
             "split.avail_flags_invalid");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Virtqueues / Used Buffer Notification Suppression#3
TEST_F(SplitRingTest, AvailFlagsMustBeZeroWithEventIdx) {
  makeSplit(4, feats({feat::kEventIdx}));
  mem.store(kDriver + split::availFlagsOff(), uint16_t{1});
  splitDesc(0, kBuf, 4, 0);
  splitAvail(0);
  ASSERT_EQ(q->pop(chain), PopStatus::Ok);
  q->push(chain, 0);
  q->shouldNotify();
  expectOnly("drivernormative:Basic Facilities of a Virtio Device / Virtqueues / Used Buffer Notification Suppression#3",
             "split.avail_flags_with_event_idx");
}

TEST_F(SplitRingTest, BrokenQueueStaysBrokenAndWritesNothing) {
  makeSplit(4);
  splitDesc(0, kBuf, 4, split::kDescFNext, 9);
  splitAvail(0);
  EXPECT_EQ(q->pop(chain), PopStatus::Broken);
  EXPECT_EQ(q->pop(chain), PopStatus::Broken);
  q->push(chain, 0);
  uint16_t usedIdx = 0xffff;
  mem.load(kDevice + split::usedIdxOff(), &usedIdx);
  EXPECT_EQ(usedIdx, 0);
  EXPECT_EQ(log.size(), 1u);
}

}  // namespace
}  // namespace vsim::model::test

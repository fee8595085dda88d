// Device-side packed ring: positive behaviour and one negative test per driver violation the engine detects.
#include <sys/mman.h>

#include "ring_fixture.h"
#include "vsim/model/packed_ring.h"

namespace vsim::model::test {
namespace {

const char* kSG = "drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues / Scatter-Gather Support#";
const char* kPIndirect = "drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#";
const char* kPDesc = "drivernormative:Basic Facilities of a Virtio Device / PAcked Virtqueues / The Virtqueue Descriptor Table#";

using PackedRingTest = RingTest;

packed::Desc readSlot(GuestMemory& m, uint32_t s) {
  packed::Desc d{};
  m.load(kDesc + 16ull * s, &d);
  return d;
}

TEST_F(PackedRingTest, PopsListAndWritesUsedDescriptor) {
  makePacked(8);
  packedDesc(1, kBuf + 0x100, 32, 7, packed::kDescFWrite);
  packedDesc(0, kBuf, 16, 0, packed::kDescFNext);  // head last: the list becomes available at once
  ASSERT_EQ(q->pop(chain), PopStatus::Ok);
  EXPECT_EQ(chain.id, 7);  // buffer id comes from the last descriptor
  EXPECT_EQ(chain.ringSlots, 2);
  EXPECT_EQ(chain.readableBytes, 16u);
  EXPECT_EQ(chain.writableBytes, 32u);
  q->push(chain, 20);
  packed::Desc d = readSlot(mem, 0);
  EXPECT_EQ(d.id, 7);
  EXPECT_EQ(d.len, 20u);
  EXPECT_TRUE(packed::isUsed(d.flags, true));
  EXPECT_EQ(q->pop(chain), PopStatus::Empty);
  EXPECT_TRUE(log.empty());
}

TEST_F(PackedRingTest, WrapCountersFlipOnNonPowerOfTwoSize) {
  makePacked(5);
  for (uint16_t k = 0; k < 12; ++k) {
    packedDesc(1, kBuf, 4, k, packed::kDescFWrite);
    packedDesc(0, kBuf, 4, 0, packed::kDescFNext);
    ASSERT_EQ(q->pop(chain), PopStatus::Ok) << k;
    EXPECT_EQ(chain.id, k);
    q->push(chain, 4);
    packedAdvance(2);
  }
  auto* pr = static_cast<PackedRing*>(q.get());
  EXPECT_EQ(pr->nextAvail(), 24 % 5);
  EXPECT_EQ(pr->availWrap(), (24 / 5) % 2 == 0);
  EXPECT_TRUE(log.empty());
}

TEST_F(PackedRingTest, OutOfOrderCompletionUsesNextUsedSlots) {
  makePacked(8);
  packedDesc(0, kBuf, 4, 1, packed::kDescFWrite);
  packedDesc(1, kBuf, 4, 2, packed::kDescFWrite);
  Chain a, b;
  ASSERT_EQ(q->pop(a), PopStatus::Ok);
  ASSERT_EQ(q->pop(b), PopStatus::Ok);
  q->push(b, 4);
  q->push(a, 4);
  EXPECT_EQ(readSlot(mem, 0).id, 2);
  EXPECT_EQ(readSlot(mem, 1).id, 1);
}

TEST_F(PackedRingTest, IndirectTableIsFlattened) {
  makePacked(4, feats({feat::kRingPacked, feat::kIndirectDesc}));
  const uint64_t table = kBuf + 0x1000;
  mem.store(table, packed::Desc{kBuf, 10, 0, 0});
  mem.store(table + 16, packed::Desc{kBuf + 0x10, 20, 0, packed::kDescFWrite});
  packedDesc(0, table, 32, 3, packed::kDescFIndirect);
  ASSERT_EQ(q->pop(chain), PopStatus::Ok);
  EXPECT_TRUE(chain.indirect);
  EXPECT_EQ(chain.id, 3);
  EXPECT_EQ(chain.ringSlots, 1);
  EXPECT_EQ(chain.readableBytes, 10u);
  EXPECT_EQ(chain.writableBytes, 20u);
  EXPECT_TRUE(log.empty());
}

TEST_F(PackedRingTest, InOrderBatchWritesOneUsedDescriptor) {
  makePacked(8, feats({feat::kRingPacked, feat::kInOrder}));
  packedDesc(0, kBuf, 4, 0, packed::kDescFWrite);
  packedDesc(2, kBuf, 4, 1, packed::kDescFWrite);
  packedDesc(1, kBuf, 4, 0, packed::kDescFNext);
  Chain a, b;
  ASSERT_EQ(q->pop(a), PopStatus::Ok);
  ASSERT_EQ(q->pop(b), PopStatus::Ok);
  const Chain* batch[] = {&a, &b};
  q->pushInOrderBatch(batch, 2, 4);
  EXPECT_EQ(readSlot(mem, 0).id, 1);
  EXPECT_TRUE(packed::isUsed(readSlot(mem, 0).flags, true));
  EXPECT_EQ(static_cast<PackedRing*>(q.get())->nextUsed(), 3);
  EXPECT_EQ(q->inFlight(), 0u);
}

TEST_F(PackedRingTest, EventSuppressionDecisions) {
  makePacked(4, feats({feat::kRingPacked, feat::kEventIdx}));
  // driver: disabled
  mem.store(kDriver, packed::EventSuppress{0, packed::kEventFlagsDisable});
  packedDesc(0, kBuf, 4, 0, 0);
  ASSERT_EQ(q->pop(chain), PopStatus::Ok);
  q->push(chain, 0);
  EXPECT_FALSE(q->shouldNotify());
  // driver: notify when slot 2 (wrap 1) is used
  mem.store(kDriver, packed::EventSuppress{0x8000 | 2, packed::kEventFlagsDesc});
  packedDesc(1, kBuf, 4, 1, 0);
  ASSERT_EQ(q->pop(chain), PopStatus::Ok);
  q->push(chain, 0);  // slot 1 used
  EXPECT_FALSE(q->shouldNotify());
  packedDesc(2, kBuf, 4, 2, 0);
  ASSERT_EQ(q->pop(chain), PopStatus::Ok);
  q->push(chain, 0);  // slot 2 used
  EXPECT_TRUE(q->shouldNotify());
  // enabled
  mem.store(kDriver, packed::EventSuppress{0, packed::kEventFlagsEnable});
  packedDesc(3, kBuf, 4, 3, 0);
  ASSERT_EQ(q->pop(chain), PopStatus::Ok);
  q->push(chain, 0);
  EXPECT_TRUE(q->shouldNotify());
  EXPECT_FALSE(q->shouldNotify());  // nothing new since
}

TEST_F(PackedRingTest, DeviceSuppressionWritesEventStructure) {
  makePacked(4);
  q->setDriverNotifications(false);
  packed::EventSuppress ev{};
  mem.load(kDevice, &ev);
  EXPECT_EQ(ev.flags, packed::kEventFlagsDisable);
  q->setDriverNotifications(true);
  mem.load(kDevice, &ev);
  EXPECT_EQ(ev.flags, packed::kEventFlagsEnable);
}

TEST_F(PackedRingTest, CorrectNotificationDataIsAccepted) {
  makePacked(4, feats({feat::kRingPacked, feat::kNotificationData}));
  packedDesc(0, kBuf, 4, 0, 0);
  q->onNotification(true, NotificationData{0, 1, true}.encode());
  EXPECT_TRUE(log.empty());
}

// ---- negative tests: one per detected violation ----

// covers: drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues#1
TEST_F(PackedRingTest, MisalignedRingPartIsReported) {
  q = makeDeviceQueue(true, mem, log);
  EXPECT_TRUE(q->configure(QueueLayout{4, kDesc, kDriver + 2, kDevice}, feats({feat::kRingPacked}), 0));
  expectOnly("drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues#1", "ring.misaligned");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues / Scatter-Gather Support#3
TEST_F(PackedRingTest, ReadableAfterWritableIsReported) {
  makePacked(4);
  packedDesc(1, kBuf, 4, 0, 0);
  packedDesc(0, kBuf, 4, 0, packed::kDescFNext | packed::kDescFWrite);
  EXPECT_EQ(q->pop(chain), PopStatus::Broken);
  expectOnly(std::string(kSG) + "3", "packed.readable_after_writable");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#1
TEST(PackedRingBigMemory, ListOver4GiBIsReported) {
  const uint64_t kBig = 6ull << 30;
  void* host = mmap(nullptr, kBig, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  ASSERT_NE(host, MAP_FAILED);
  GuestMemory mem;
  ASSERT_TRUE(mem.addRegion(0, kBig, static_cast<uint8_t*>(host)));
  ViolationLog log;
  auto q = makeDeviceQueue(true, mem, log);
  ASSERT_TRUE(q->configure(QueueLayout{4, 0x1000, 0x2000, 0x3000}, feats({feat::kRingPacked}), 0));
  mem.store(0x1010, packed::Desc{0x100000, 0x10, 0, packed::kDescFAvail});
  mem.store(0x1000, packed::Desc{0x100000, 0xffffffffu, 0, packed::kDescFAvail | packed::kDescFNext});
  Chain c;
  EXPECT_EQ(q->pop(c), PopStatus::Broken);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log.all()[0].clause,
            "drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#1");
  EXPECT_EQ(log.all()[0].kind, "packed.chain_too_many_bytes");
  munmap(host, kBig);
}

// covers: drivernormative:Reserved Feature Bits#5
TEST_F(PackedRingTest, BufferOutsideMemoryIsReported) {
  makePacked(4);
  packedDesc(0, 0x10, 4, 0, 0);
  EXPECT_EQ(q->pop(chain), PopStatus::Broken);
  expectOnly("drivernormative:Reserved Feature Bits#5", "packed.buffer_outside_memory");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#1
TEST_F(PackedRingTest, IndirectWithoutFeatureIsReported) {
  makePacked(4);
  packedDesc(0, kBuf + 0x1000, 16, 0, packed::kDescFIndirect);
  EXPECT_EQ(q->pop(chain), PopStatus::Broken);
  expectOnly(std::string(kPIndirect) + "1", "packed.indirect_not_negotiated");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#4
TEST_F(PackedRingTest, IndirectInsideListIsReported) {
  makePacked(4, feats({feat::kRingPacked, feat::kIndirectDesc}));
  mem.store(kBuf + 0x1000, packed::Desc{kBuf, 4, 0, 0});
  packedDesc(1, kBuf + 0x1000, 16, 0, packed::kDescFIndirect);
  packedDesc(0, kBuf, 4, 0, packed::kDescFNext);
  EXPECT_EQ(q->pop(chain), PopStatus::Broken);
  expectOnly(std::string(kPIndirect) + "4", "packed.indirect_in_list");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#3
TEST_F(PackedRingTest, IndirectTableLengthIsChecked) {
  for (uint32_t len : {0u, 20u, 16u * 5}) {
    log.clear();
    slot = 0;
    wrap = true;
    makePacked(4, feats({feat::kRingPacked, feat::kIndirectDesc}));
    packedDesc(0, kBuf + 0x1000, len, 0, packed::kDescFIndirect);
    EXPECT_EQ(q->pop(chain), PopStatus::Broken) << len;
    expectOnly(std::string(kPIndirect) + "3", "packed.indirect_bad_length");
  }
}

// covers: drivernormative:Reserved Feature Bits#5
TEST_F(PackedRingTest, IndirectTableOutsideMemoryIsReported) {
  makePacked(4, feats({feat::kRingPacked, feat::kIndirectDesc}));
  packedDesc(0, kBase + kSize - 16, 32, 0, packed::kDescFIndirect);
  EXPECT_EQ(q->pop(chain), PopStatus::Broken);
  expectOnly("drivernormative:Reserved Feature Bits#5", "packed.indirect_outside_memory");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#2
TEST_F(PackedRingTest, IndirectEntryFlagsAreChecked) {
  for (uint16_t bad : {packed::kDescFNext, packed::kDescFIndirect, packed::kDescFAvail}) {
    log.clear();
    slot = 0;
    wrap = true;
    makePacked(4, feats({feat::kRingPacked, feat::kIndirectDesc}));
    mem.store(kBuf + 0x1000, packed::Desc{kBuf, 4, 0, bad});
    packedDesc(0, kBuf + 0x1000, 16, 0, packed::kDescFIndirect);
    EXPECT_EQ(q->pop(chain), PopStatus::Broken) << bad;
    expectOnly(std::string(kPIndirect) + "2", "packed.indirect_entry_flags");
  }
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues / Scatter-Gather Support#6
TEST_F(PackedRingTest, HeadAvailableBeforeRestOfListIsReported) {
  makePacked(4);
  packedDesc(1, kBuf, 4, 0, 0, /*makeAvail=*/false);
  packedDesc(0, kBuf, 4, 0, packed::kDescFNext);
  EXPECT_EQ(q->pop(chain), PopStatus::Broken);
  expectOnly(std::string(kSG) + "6", "packed.list_not_fully_available");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues / Scatter-Gather Support#2
TEST_F(PackedRingTest, ListLongerThanQueueIsReported) {
  makePacked(3);
  for (uint32_t k = 0; k < 3; ++k) packedDesc(k, kBuf, 4, 0, packed::kDescFNext);  // every one says NEXT
  EXPECT_EQ(q->pop(chain), PopStatus::Broken);
  expectOnly(std::string(kSG) + "2", "packed.list_too_long");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues / Scatter-Gather Support#1
TEST_F(PackedRingTest, ListLongerThanDeviceLimitIsReported) {
  makePacked(8);
  q->setLimits(QueueLimits{2});
  packedDesc(2, kBuf, 4, 0, 0);
  packedDesc(1, kBuf, 4, 0, packed::kDescFNext);
  packedDesc(0, kBuf, 4, 0, packed::kDescFNext);
  EXPECT_EQ(q->pop(chain), PopStatus::Broken);
  expectOnly(std::string(kSG) + "1", "packed.list_too_long");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / PAcked Virtqueues / The Virtqueue Descriptor Table#1
TEST_F(PackedRingTest, BufferIdReusedWhileInFlightIsReported) {
  makePacked(4);
  packedDesc(0, kBuf, 4, 5, 0);
  packedDesc(1, kBuf, 4, 5, 0);
  EXPECT_EQ(q->pop(chain), PopStatus::Ok);
  EXPECT_EQ(q->pop(chain), PopStatus::Broken);
  expectOnly(std::string(kPDesc) + "1", "packed.id_in_flight");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / PAcked Virtqueues / The Virtqueue Descriptor Table#3
TEST_F(PackedRingTest, NotificationDataPastPublishedIsReported) {
  makePacked(4, feats({feat::kRingPacked, feat::kNotificationData}));
  packedDesc(0, kBuf, 4, 0, 0);
  q->onNotification(true, NotificationData{0, 3, true}.encode());  // claims slots 0..2, only 0 published
  expectOnly(std::string(kPDesc) + "3", "packed.notification_data_mismatch");
}

}  // namespace
}  // namespace vsim::model::test

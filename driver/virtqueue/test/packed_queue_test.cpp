// PackedDriverQueue against a tiny fake device (fake_device.h) and raw ring pokes.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "fake_device.h"
#include "vsim/abi/features.h"
#include "vsim/abi/notification.h"
#include "vsim/drv/packed_queue.h"

namespace vsim::drv::test {
namespace {

using feat::bit;
constexpr uint64_t kPacked = bit(feat::kRingPacked);

struct PackedFixture : ::testing::Test {
  Env env;
  PackedDriverQueue q{env.log};
  std::unique_ptr<FakePackedDevice> dev;

  void make(uint32_t size, uint64_t features, int index = 0) {
    ASSERT_TRUE(q.configure(size, features | kPacked, env.mem, env.ringAlloc, index));
    dev = std::make_unique<FakePackedDevice>(env.mem, q.layout());
  }
  int addN(uint32_t ndesc, uint64_t cookie, uint32_t wlen = 64, bool indirect = false) {
    std::vector<Buf> b;
    for (uint32_t i = 0; i + 1 < ndesc; ++i) b.push_back(env.rd(8));
    b.push_back(env.wr(wlen));
    return q.add(b.data(), b.size(), cookie, indirect);
  }
  /// The fake device pops and completes everything available (full writable length).
  void serviceAll() {
    FakeChain c;
    while (dev->pop(&c)) dev->complete(c, static_cast<uint32_t>(c.writable));
  }
  size_t drain() {
    uint64_t ck;
    uint32_t l;
    size_t n = 0;
    while (q.getUsed(&ck, &l)) ++n;
    return n;
  }
};

TEST_F(PackedFixture, ConfigureAlignsAndZeroes) {
  std::memset(env.mem.data(), 0x5a, Env::kSize);
  make(5, 0);  // packed sizes need not be powers of two
  const RingAddrs& a = q.layout();
  EXPECT_EQ(a.size, 5u);
  EXPECT_EQ(a.desc % 16, 0u);
  EXPECT_EQ(a.driver % 4, 0u);
  EXPECT_EQ(a.device % 4, 0u);
  const uint8_t* base = env.mem.data() - Env::kBase;
  for (uint64_t i = 0; i < 16 * 5; ++i) ASSERT_EQ(base[a.desc + i], 0);
  for (uint64_t i = 0; i < 4; ++i) ASSERT_EQ(base[a.driver + i], 0);
  for (uint64_t i = 0; i < 4; ++i) ASSERT_EQ(base[a.device + i], 0);
  EXPECT_TRUE(q.isPacked());
  EXPECT_TRUE(q.availWrap());
  EXPECT_TRUE(q.usedWrap());
  PackedDriverQueue bad(env.log);
  EXPECT_FALSE(bad.configure(0, kPacked, env.mem, env.ringAlloc, 0));
  EXPECT_FALSE(bad.configure(32769, kPacked, env.mem, env.ringAlloc, 0));
}

TEST_F(PackedFixture, AddPublishesHeadFlagsLastAndRoundTrips) {
  make(8, 0);
  Buf b[3] = {env.rd(10), env.wr(20), env.wr(30)};
  const int id = q.add(b, 3, 0xabc);
  ASSERT_EQ(id, 0);
  EXPECT_EQ(q.freeCount(), 5u);
  // wrap counter 1: AVAIL set, USED clear; NEXT on all but the last; WRITE on the writable ones.
  EXPECT_EQ(dev->ring.readDesc(0).flags, packed::kDescFAvail | packed::kDescFNext);
  EXPECT_EQ(dev->ring.readDesc(1).flags, packed::kDescFAvail | packed::kDescFNext | packed::kDescFWrite);
  EXPECT_EQ(dev->ring.readDesc(2).flags, packed::kDescFAvail | packed::kDescFWrite);
  EXPECT_EQ(dev->ring.readDesc(2).id, 0);
  EXPECT_TRUE(q.kick());
  FakeChain c;
  ASSERT_TRUE(dev->pop(&c));
  EXPECT_EQ(c.ringSlots, 3u);
  EXPECT_EQ(c.writable, 50u);
  EXPECT_EQ(c.segs[0].addr, b[0].addr);
  dev->complete(c, 33);
  uint64_t ck;
  uint32_t l;
  ASSERT_TRUE(q.getUsed(&ck, &l));
  EXPECT_EQ(ck, 0xabcu);
  EXPECT_EQ(l, 33u);
  EXPECT_EQ(q.lastUsed(), 3);
  EXPECT_EQ(q.freeCount(), 8u);
  EXPECT_FALSE(q.getUsed(&ck, &l));
  EXPECT_TRUE(env.log.empty());
}

TEST_F(PackedFixture, ChainsAcrossTheRingEndFlipWrapCounters) {
  make(5, 0);
  bool sawWrapFlip = false;
  for (int round = 0; round < 40; ++round) {
    const bool before = q.availWrap();
    ASSERT_GE(addN(3, round), 0) << round;
    if (q.availWrap() != before) sawWrapFlip = true;
    serviceAll();
    uint64_t ck;
    uint32_t l;
    ASSERT_TRUE(q.getUsed(&ck, &l)) << round;
    EXPECT_EQ(ck, uint64_t(round));
    EXPECT_EQ(q.lastUsed(), q.nextAvail());
    EXPECT_EQ(q.usedWrap(), q.availWrap());
  }
  EXPECT_TRUE(sawWrapFlip);
  EXPECT_TRUE(env.log.empty());
}

TEST_F(PackedFixture, OutOfOrderCompletionByBufferId) {
  make(8, 0);
  for (int round = 0; round < 20; ++round) {
    const int a = addN(2, 100 + round);
    const int b = addN(1, 200 + round);
    const int c = addN(3, 300 + round);
    ASSERT_GE(a, 0);
    ASSERT_GE(b, 0);
    ASSERT_GE(c, 0);
    EXPECT_EQ(addN(3, 0), kAddNoSpace);  // 6 of 8 slots in use
    FakeChain ch[3];
    for (auto& x : ch) ASSERT_TRUE(dev->pop(&x));
    // complete c, a, b: used descriptors land in completion order, each skipping its buffer's slots
    dev->complete(ch[2], 1);
    dev->complete(ch[0], 2);
    dev->complete(ch[1], 3);
    uint64_t ck;
    uint32_t l;
    ASSERT_TRUE(q.getUsed(&ck, &l));
    EXPECT_EQ(ck, uint64_t(300 + round));
    ASSERT_TRUE(q.getUsed(&ck, &l));
    EXPECT_EQ(ck, uint64_t(100 + round));
    ASSERT_TRUE(q.getUsed(&ck, &l));
    EXPECT_EQ(ck, uint64_t(200 + round));
    EXPECT_EQ(q.freeCount(), 8u);
  }
  EXPECT_TRUE(env.log.empty());
}

TEST_F(PackedFixture, IndirectChainTakesOneSlot) {
  make(8, bit(feat::kIndirectDesc));
  for (int round = 0; round < 10; ++round) {
    Buf b[5] = {env.rd(1), env.rd(2), env.wr(3), env.wr(4), env.wr(5)};
    const int id = q.add(b, 5, 7, true);  // five buffers, one ring slot
    ASSERT_GE(id, 0);
    EXPECT_EQ(q.freeCount(), 7u);
    const packed::Desc hd = dev->ring.readDesc((q.nextAvail() + 7) % 8);
    EXPECT_TRUE(hd.flags & packed::kDescFIndirect);
    EXPECT_EQ(hd.len, 5u * 16);
    FakeChain c;
    ASSERT_TRUE(dev->pop(&c));
    EXPECT_TRUE(c.indirect);
    ASSERT_EQ(c.segs.size(), 5u);
    EXPECT_EQ(c.segs[4].addr, b[4].addr);
    EXPECT_EQ(c.writable, 12u);
    dev->complete(c, 12);
    uint64_t ck;
    uint32_t l;
    ASSERT_TRUE(q.getUsed(&ck, &l));
    EXPECT_EQ(l, 12u);
  }
  EXPECT_TRUE(env.log.empty());
}

TEST_F(PackedFixture, IndirectTableLongerThanQueueIsRefused) {
  make(4, bit(feat::kIndirectDesc));
  Buf b[5] = {env.rd(1), env.rd(2), env.wr(3), env.wr(4), env.wr(5)};
  EXPECT_EQ(q.add(b, 5, 7, true), kAddInvalid);  // the device may not accept a table longer than the queue
  EXPECT_EQ(q.add(b, 4, 7, true), 0);
}

TEST_F(PackedFixture, DeviceEventSuppressionEnableDisable) {
  make(8, 0);
  ASSERT_GE(addN(1, 1), 0);
  dev->ring.setDeviceEvent(0, packed::kEventFlagsDisable);
  EXPECT_FALSE(q.kick());
  ASSERT_GE(addN(1, 2), 0);
  dev->ring.setDeviceEvent(0, packed::kEventFlagsEnable);
  EXPECT_TRUE(q.kick());
  ASSERT_GE(addN(1, 3), 0);
  dev->ring.setDeviceEvent(0, packed::kEventFlagsDesc);  // DESC without EVENT_IDX: notify
  EXPECT_TRUE(q.kick());
}

TEST_F(PackedFixture, EventIdxDescOffWrapAcrossRingWrap) {
  // Size 8, start at slot 6 (wrap 1); adding 4 descriptors covers slots 6,7 (wrap 1) and 0,1 (wrap 0).
  struct Case { uint16_t off; bool wrap; bool notify; };
  const Case cases[] = {{6, true, true},  {7, true, true},   {0, false, true}, {1, false, true},
                        {2, false, false}, {5, true, false}, {0, true, false}};
  for (const Case& k : cases) {
    PackedDriverQueue pq(env.log);
    ASSERT_TRUE(pq.configure(8, kPacked | bit(feat::kEventIdx), env.mem, env.ringAlloc, 0));
    FakePackedDevice d(env.mem, pq.layout());
    Buf one{env.rd(4)};
    for (int i = 0; i < 6; ++i) {
      ASSERT_GE(pq.add(&one, 1, i), 0);
      FakeChain c;
      ASSERT_TRUE(d.pop(&c));
      d.complete(c, 0);
      uint64_t ck;
      uint32_t l;
      ASSERT_TRUE(pq.getUsed(&ck, &l));
    }
    pq.needsNotify();
    ASSERT_EQ(pq.nextAvail(), 6);
    Buf two[2] = {env.rd(4), env.rd(4)};
    ASSERT_GE(pq.add(two, 2, 10), 0);
    ASSERT_GE(pq.add(two, 2, 11), 0);
    ASSERT_EQ(pq.nextAvail(), 2);
    ASSERT_FALSE(pq.availWrap());
    d.ring.setDeviceEvent(static_cast<uint16_t>(k.off | (k.wrap ? 0x8000 : 0)), packed::kEventFlagsDesc);
    EXPECT_EQ(pq.needsNotify(), k.notify) << "off=" << k.off << " wrap=" << k.wrap;
  }
  EXPECT_TRUE(env.log.empty());
}

TEST_F(PackedFixture, NotificationDataCarriesNextOffsetAndWrap) {
  make(4, bit(feat::kNotificationData), 9);
  ASSERT_GE(addN(3, 1), 0);
  NotificationData nd = NotificationData::decode(q.notifyValue());
  EXPECT_EQ(nd.vqIndex, 9);
  EXPECT_EQ(nd.nextOff, 3);
  EXPECT_TRUE(nd.nextWrap);
  serviceAll();
  drain();
  ASSERT_GE(addN(2, 2), 0);  // slots 3, 0: the wrap counter flips
  nd = NotificationData::decode(q.notificationData());
  EXPECT_EQ(nd.nextOff, 1);
  EXPECT_FALSE(nd.nextWrap);
  uint32_t seen = 0;
  q.setNotifier([](void* c, int, uint32_t v) { *static_cast<uint32_t*>(c) = v; }, &seen);
  EXPECT_TRUE(q.kick());
  EXPECT_EQ(seen, (9u | (1u << 16)));
}

TEST_F(PackedFixture, DriverEventSuppressionWithoutEventIdx) {
  make(4, 0);
  q.disableInterrupts();
  EXPECT_EQ(dev->ring.readDriverEvent().flags, packed::kEventFlagsDisable);
  EXPECT_FALSE(q.enableInterrupts());
  EXPECT_EQ(dev->ring.readDriverEvent().flags, packed::kEventFlagsEnable);
  q.disableInterrupts();
  ASSERT_GE(addN(1, 1), 0);
  serviceAll();
  EXPECT_TRUE(q.enableInterrupts());  // a used buffer raced with re-enabling
  EXPECT_EQ(drain(), 1u);
}

TEST_F(PackedFixture, DriverEventSuppressionWithEventIdxUsesOffWrap) {
  make(4, bit(feat::kEventIdx));
  EXPECT_FALSE(q.enableInterrupts());
  packed::EventSuppress ev = dev->ring.readDriverEvent();
  EXPECT_EQ(ev.flags, packed::kEventFlagsDesc);
  EXPECT_EQ(ev.offWrap, 0x8000);  // slot 0, wrap 1
  ASSERT_GE(addN(3, 1), 0);
  serviceAll();
  EXPECT_EQ(drain(), 1u);
  ev = dev->ring.readDriverEvent();
  EXPECT_EQ(ev.offWrap, 0x8003);  // kept current by getUsed while enabled
  ASSERT_GE(addN(2, 2), 0);
  serviceAll();
  EXPECT_EQ(drain(), 1u);
  EXPECT_EQ(dev->ring.readDriverEvent().offWrap, 0x0001);  // slot 1, wrap 0
  q.disableInterrupts();
  EXPECT_EQ(dev->ring.readDriverEvent().flags, packed::kEventFlagsDisable);
}

TEST_F(PackedFixture, InOrderBatchReclaimFromOneUsedDescriptor) {
  make(6, bit(feat::kInOrder));
  for (int round = 0; round < 7; ++round) {
    const uint16_t startSlot = q.lastUsed();
    const bool startWrap = q.usedWrap();
    const int a = addN(2, 10 * round + 0, 100);
    const int b = addN(1, 10 * round + 1, 101);
    const int c = addN(2, 10 * round + 2, 102);
    ASSERT_GE(a, 0);
    ASSERT_GE(b, 0);
    ASSERT_GE(c, 0);
    EXPECT_EQ((a + 1) % 6, b);  // ids handed out in sequence
    EXPECT_EQ((b + 1) % 6, c);
    FakeChain ch;
    while (dev->pop(&ch)) {
    }
    // One used descriptor over the first buffer's head slot, naming the last buffer; the ring skips all 5 slots.
    dev->ring.writeUsed(startSlot, static_cast<uint16_t>(c), 9, startWrap);
    dev->ring.setUsedCursor((startSlot + 5) % 6, (startSlot + 5 >= 6) ? !startWrap : startWrap);
    uint64_t ck;
    uint32_t l;
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(q.getUsed(&ck, &l)) << round << "/" << i;
      EXPECT_EQ(ck, uint64_t(10 * round + i));
      EXPECT_EQ(l, i < 2 ? uint32_t(100 + i) : 9u);
    }
    EXPECT_FALSE(q.getUsed(&ck, &l));
    EXPECT_EQ(q.lastUsed(), (startSlot + 5) % 6);
    EXPECT_EQ(q.freeCount(), 6u);
  }
  EXPECT_TRUE(env.log.empty());
}

TEST_F(PackedFixture, ResetForgetsStateAndZeroesRings) {
  make(4, bit(feat::kEventIdx));
  ASSERT_GE(addN(3, 1), 0);
  serviceAll();
  drain();
  ASSERT_GE(addN(2, 2), 0);
  q.enableInterrupts();
  uint64_t ck;
  ASSERT_TRUE(q.detachUnused(&ck));
  EXPECT_EQ(ck, 2u);
  EXPECT_FALSE(q.detachUnused(&ck));
  q.reset();
  EXPECT_EQ(q.nextAvail(), 0);
  EXPECT_TRUE(q.availWrap());
  EXPECT_EQ(q.freeCount(), 4u);
  EXPECT_EQ(q.inFlight(), 0u);
  for (uint32_t s = 0; s < 4; ++s) EXPECT_EQ(dev->ring.readDesc(s).flags, 0);
  EXPECT_EQ(dev->ring.readDriverEvent().flags, 0);
  FakePackedDevice fresh(env.mem, q.layout());
  ASSERT_EQ(addN(1, 5), 0);
  FakeChain c;
  ASSERT_TRUE(fresh.pop(&c));
  fresh.complete(c, 0);
  uint32_t l;
  ASSERT_TRUE(q.getUsed(&ck, &l));
  EXPECT_EQ(ck, 5u);
}

// ------------------------------------------------------------------------------------- device violations

constexpr const char* kPackedDT3 =
    "devicenormative:Basic Facilities of a Virtio Device / Packed Virtqueues / The Virtqueue Descriptor Table#3";

void expectBroken(PackedDriverQueue& q, Env& env) {
  EXPECT_TRUE(q.broken());
  uint64_t ck;
  uint32_t l;
  EXPECT_FALSE(q.getUsed(&ck, &l));
  EXPECT_FALSE(q.hasUsed());
  Buf b{env.rd(8)};
  EXPECT_EQ(q.add(&b, 1, 0), kAddBroken);
  EXPECT_EQ(env.log.size(), 1u);
  q.reset();
  EXPECT_FALSE(q.broken());
}

// covers: devicenormative:Basic Facilities of a Virtio Device / Packed Virtqueues / The Virtqueue Descriptor Table#3
TEST_F(PackedFixture, ViolationUsedIdOutOfRange) {
  make(4, 0);
  ASSERT_GE(addN(1, 1), 0);
  dev->ring.writeUsed(0, 4, 0, true);
  uint64_t ck;
  uint32_t l;
  EXPECT_FALSE(q.getUsed(&ck, &l));
  ASSERT_EQ(env.log.size(), 1u);
  EXPECT_EQ(env.log.all()[0].clause, kPackedDT3);
  EXPECT_EQ(env.log.all()[0].kind, "packed.used_id_out_of_range");
  EXPECT_EQ(env.log.all()[0].culprit, Culprit::Device);
  expectBroken(q, env);
}

// covers: devicenormative:Basic Facilities of a Virtio Device / Packed Virtqueues / The Virtqueue Descriptor Table#3
TEST_F(PackedFixture, ViolationUsedIdNotOutstanding) {
  make(4, 0);
  ASSERT_EQ(addN(1, 1), 0);
  dev->ring.writeUsed(0, 2, 0, true);  // id 2 was never handed out
  uint64_t ck;
  uint32_t l;
  EXPECT_FALSE(q.getUsed(&ck, &l));
  ASSERT_EQ(env.log.size(), 1u);
  EXPECT_EQ(env.log.all()[0].clause, kPackedDT3);
  EXPECT_EQ(env.log.all()[0].kind, "packed.used_id_not_outstanding");
  expectBroken(q, env);
}

// covers: devicenormative:Basic Facilities of a Virtio Device / Packed Virtqueues / The Virtqueue Descriptor Table#3
TEST_F(PackedFixture, ViolationUsedDescriptorWithNothingOutstanding) {
  make(4, 0);
  dev->ring.writeUsed(0, 0, 0, true);  // a used descriptor although nothing was made available
  EXPECT_TRUE(q.hasUsed());
  uint64_t ck;
  uint32_t l;
  EXPECT_FALSE(q.getUsed(&ck, &l));
  ASSERT_EQ(env.log.size(), 1u);
  EXPECT_EQ(env.log.all()[0].clause, kPackedDT3);
  EXPECT_EQ(env.log.all()[0].kind, "packed.used_id_not_outstanding");
}

// covers: devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Used Ring#2
TEST_F(PackedFixture, ViolationUsedLenLargerThanWritableBytes) {
  make(4, 0);
  ASSERT_EQ(addN(2, 1, 64), 0);
  dev->ring.writeUsed(0, 0, 65, true);
  uint64_t ck;
  uint32_t l;
  EXPECT_FALSE(q.getUsed(&ck, &l));
  ASSERT_EQ(env.log.size(), 1u);
  EXPECT_EQ(env.log.all()[0].clause,
            "devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Used Ring#2");
  EXPECT_EQ(env.log.all()[0].kind, "packed.used_len_too_large");
  expectBroken(q, env);
}

// covers: devicenormative:Basic Facilities of a Virtio Device / Packed Virtqueues#2
TEST_F(PackedFixture, ViolationUsedDescriptorWithWrongWrapCounter) {
  make(4, 0);
  ASSERT_EQ(addN(1, 1), 0);
  dev->ring.writeUsed(0, 0, 0, false);  // used pattern of the previous lap (AVAIL=USED=0) over our available one
  uint64_t ck;
  uint32_t l;
  EXPECT_FALSE(q.getUsed(&ck, &l));
  ASSERT_EQ(env.log.size(), 1u);
  EXPECT_EQ(env.log.all()[0].clause, "devicenormative:Basic Facilities of a Virtio Device / Packed Virtqueues#2");
  EXPECT_EQ(env.log.all()[0].kind, "packed.used_flags_bad_wrap");
  expectBroken(q, env);
}

// covers: devicenormative:Basic Facilities of a Virtio Device / Packed Virtqueues#2
TEST_F(PackedFixture, ViolationUsedBitWithoutMatchingAvailBit) {
  make(4, 0);
  ASSERT_EQ(addN(1, 1), 0);
  dev->ring.writeDescFlags(0, packed::kDescFUsed);  // USED=1 (wrap) but AVAIL=0: neither available nor used
  uint64_t ck;
  uint32_t l;
  EXPECT_FALSE(q.getUsed(&ck, &l));
  ASSERT_EQ(env.log.size(), 1u);
  EXPECT_EQ(env.log.all()[0].kind, "packed.used_flags_bad_wrap");
}

TEST_F(PackedFixture, StaleSlotsAreNotViolations) {
  make(4, 0);
  // Nothing outstanding: whatever the previous lap left is not looked at as a violation.
  uint64_t ck;
  uint32_t l;
  EXPECT_FALSE(q.getUsed(&ck, &l));
  for (int i = 0; i < 9; ++i) {
    ASSERT_GE(addN(1, i), 0);
    EXPECT_FALSE(q.getUsed(&ck, &l));  // still available, not used
    serviceAll();
    EXPECT_TRUE(q.getUsed(&ck, &l));
    EXPECT_FALSE(q.getUsed(&ck, &l));
  }
  EXPECT_TRUE(env.log.empty());
}

}  // namespace
}  // namespace vsim::drv::test

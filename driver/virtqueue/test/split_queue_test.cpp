// SplitDriverQueue against a tiny fake device (fake_device.h) and raw ring pokes.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "fake_device.h"
#include "vsim/abi/features.h"
#include "vsim/abi/notification.h"
#include "vsim/drv/split_queue.h"

namespace vsim::drv::test {
namespace {

using feat::bit;

struct SplitFixture : ::testing::Test {
  Env env;
  SplitDriverQueue q{env.log};

  void make(uint32_t size, uint64_t features, int index = 0) {
    ASSERT_TRUE(q.configure(size, features, env.mem, env.ringAlloc, index));
    dev = std::make_unique<FakeSplitDevice>(env.mem, q.layout());
  }
  /// Add a 1-readable + 1-writable buffer; returns the head.
  int addRW(uint64_t cookie, uint32_t rlen = 64, uint32_t wlen = 128, bool indirect = false) {
    Buf b[2] = {env.rd(rlen), env.wr(wlen)};
    return q.add(b, 2, cookie, indirect);
  }
  std::unique_ptr<FakeSplitDevice> dev;
};

TEST_F(SplitFixture, ConfigureAlignsAndZeroesRings) {
  std::memset(env.mem.data(), 0xa5, Env::kSize);  // configure must zero what it hands out
  make(256, bit(feat::kEventIdx));
  const RingAddrs& a = q.layout();
  EXPECT_EQ(a.size, 256u);
  EXPECT_EQ(a.desc % 16, 0u);
  EXPECT_EQ(a.driver % 2, 0u);
  EXPECT_EQ(a.device % 4, 0u);
  const uint8_t* base = env.mem.data() - Env::kBase;
  for (uint64_t i = 0; i < split::descBytes(256); ++i) ASSERT_EQ(base[a.desc + i], 0) << i;
  for (uint64_t i = 0; i < split::availBytes(256); ++i) ASSERT_EQ(base[a.driver + i], 0) << i;
  for (uint64_t i = 0; i < split::usedBytes(256); ++i) ASSERT_EQ(base[a.device + i], 0) << i;
  EXPECT_EQ(q.freeCount(), 256u);
  EXPECT_EQ(q.inFlight(), 0u);
  EXPECT_FALSE(q.isPacked());
}

TEST_F(SplitFixture, ConfigureRejectsBadSizesAndExhaustedAllocator) {
  EXPECT_FALSE(q.configure(0, 0, env.mem, env.ringAlloc, 0));
  EXPECT_FALSE(q.configure(100, 0, env.mem, env.ringAlloc, 0));  // split sizes are powers of two
  EXPECT_FALSE(q.configure(65536, 0, env.mem, env.ringAlloc, 0));
  GuestAllocator tiny(Env::kBase, 64);
  EXPECT_FALSE(q.configure(256, 0, env.mem, tiny, 0));
  EXPECT_FALSE(q.configured());
  EXPECT_EQ(q.add(nullptr, 0, 0), kAddBroken);
}

TEST_F(SplitFixture, AddKickGetUsedRoundTrip) {
  make(16, 0, 3);
  int calls = 0;
  uint32_t value = 0;
  struct Ctx { int* calls; uint32_t* value; } ctx{&calls, &value};
  q.setNotifier([](void* c, int qi, uint32_t v) {
    auto* x = static_cast<Ctx*>(c);
    ++*x->calls;
    *x->value = v;
    EXPECT_EQ(qi, 3);
  }, &ctx);

  Buf b[3] = {env.rd(10), env.rd(20), env.wr(300)};
  const int head = q.add(b, 3, 0xc0ffee);
  ASSERT_GE(head, 0);
  EXPECT_EQ(q.freeCount(), 13u);
  EXPECT_EQ(q.inFlight(), 1u);
  EXPECT_TRUE(q.kick());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(value, 3u);             // no NOTIFICATION_DATA: the queue index
  EXPECT_FALSE(q.kick());           // nothing new since
  EXPECT_FALSE(q.getUsed(nullptr, nullptr));  // nothing used yet (pointers untouched)

  FakeChain c;
  ASSERT_TRUE(dev->pop(&c));
  EXPECT_EQ(c.id, head);
  ASSERT_EQ(c.segs.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(c.segs[i].addr, b[i].addr);
    EXPECT_EQ(c.segs[i].len, b[i].len);
    EXPECT_EQ(c.segs[i].writable, b[i].writable);
  }
  EXPECT_FALSE(dev->pop(&c));
  dev->complete(c.id, 123);
  EXPECT_TRUE(q.hasUsed());
  uint64_t cookie = 0;
  uint32_t len = 0;
  ASSERT_TRUE(q.getUsed(&cookie, &len));
  EXPECT_EQ(cookie, 0xc0ffeeu);
  EXPECT_EQ(len, 123u);
  EXPECT_FALSE(q.getUsed(&cookie, &len));
  EXPECT_EQ(q.freeCount(), 16u);
  EXPECT_EQ(q.inFlight(), 0u);
  EXPECT_TRUE(env.log.empty());
}

TEST_F(SplitFixture, OutOfOrderCompletionRecyclesDescriptors) {
  make(8, 0);
  // Many rounds, three chains of mixed length, completed in reverse order: the free list must stay consistent.
  for (int round = 0; round < 50; ++round) {
    int heads[3];
    for (int i = 0; i < 3; ++i) {
      std::vector<Buf> b(i + 1, env.rd(8));
      b.back() = env.wr(16);
      heads[i] = q.add(b.data(), b.size(), 100 * round + i);
      ASSERT_GE(heads[i], 0);
    }
    EXPECT_EQ(q.freeCount(), 2u);
    Buf big[3] = {env.rd(1), env.rd(1), env.rd(1)};
    EXPECT_EQ(q.add(big, 3, 0), kAddNoSpace);
    FakeChain c[3];
    for (auto& x : c) ASSERT_TRUE(dev->pop(&x));
    for (int i = 2; i >= 0; --i) dev->complete(c[i].id, 0);
    for (int i = 2; i >= 0; --i) {
      uint64_t cookie;
      uint32_t len;
      ASSERT_TRUE(q.getUsed(&cookie, &len));
      EXPECT_EQ(cookie, uint64_t(100 * round + i));
    }
    EXPECT_EQ(q.freeCount(), 8u);
  }
  EXPECT_TRUE(env.log.empty());
}

TEST_F(SplitFixture, AddRejectsInvalidArguments) {
  make(4, 0);
  Buf wrFirst[2] = {env.wr(8), env.rd(8)};
  EXPECT_EQ(q.add(wrFirst, 2, 0), kAddInvalid);  // readable must precede writable
  EXPECT_EQ(q.add(wrFirst, 0, 0), kAddInvalid);
  Buf one[1] = {env.rd(8)};
  EXPECT_EQ(q.add(one, 1, 0, true), kAddInvalid);  // INDIRECT not negotiated
  std::vector<Buf> tooLong(5, env.rd(8));
  EXPECT_EQ(q.add(tooLong.data(), tooLong.size(), 0), kAddInvalid);  // longer than the queue
  for (int i = 0; i < 4; ++i) EXPECT_GE(q.add(one, 1, i), 0);
  EXPECT_EQ(q.add(one, 1, 9), kAddNoSpace);
}

TEST_F(SplitFixture, IndirectChainUsesOneDescriptorAndRecyclesTables) {
  DriverQueueOptions o;
  o.maxIndirectLen = 8;
  o.indirectTables = 2;
  SplitDriverQueue iq(env.log, o);
  ASSERT_TRUE(iq.configure(8, bit(feat::kIndirectDesc), env.mem, env.ringAlloc, 0));
  FakeSplitDevice d(env.mem, iq.layout());
  for (int round = 0; round < 4; ++round) {
    Buf b[4] = {env.rd(16), env.rd(32), env.wr(64), env.wr(128)};
    const int h0 = iq.add(b, 4, 1, true);
    const int h1 = iq.add(b, 4, 2, true);
    ASSERT_GE(h0, 0);
    ASSERT_GE(h1, 0);
    EXPECT_EQ(iq.freeCount(), 6u);
    EXPECT_EQ(iq.add(b, 4, 3, true), kAddNoSpace);  // both tables in use
    std::vector<Buf> nine(9, env.rd(1));
    EXPECT_EQ(iq.add(nine.data(), nine.size(), 3, true), kAddInvalid);  // longer than a table
    const split::Desc hd = d.ring.readDesc(h0);
    EXPECT_EQ(hd.flags, split::kDescFIndirect);
    EXPECT_EQ(hd.len, 64u);
    FakeChain c;
    ASSERT_TRUE(d.pop(&c));
    EXPECT_TRUE(c.indirect);
    ASSERT_EQ(c.segs.size(), 4u);
    EXPECT_EQ(c.segs[3].addr, b[3].addr);
    EXPECT_EQ(c.writable, 192u);
    d.complete(c.id, 192);
    ASSERT_TRUE(d.pop(&c));
    d.complete(c.id, 5);
    uint64_t cookie;
    uint32_t len;
    ASSERT_TRUE(iq.getUsed(&cookie, &len));
    EXPECT_EQ(cookie, 1u);
    EXPECT_EQ(len, 192u);
    ASSERT_TRUE(iq.getUsed(&cookie, &len));
    EXPECT_EQ(len, 5u);
    EXPECT_EQ(iq.freeCount(), 8u);
  }
  EXPECT_TRUE(env.log.empty());
}

TEST_F(SplitFixture, NoNotifyFlagSuppressesKick) {
  make(8, 0);
  ASSERT_GE(addRW(1), 0);
  dev->ring.setUsedFlags(split::kUsedFNoNotify);
  EXPECT_FALSE(q.kick());
  ASSERT_GE(addRW(2), 0);
  dev->ring.setUsedFlags(0);
  EXPECT_TRUE(q.kick());
}

/// Push the avail/used indices to start by cycling n single buffers through the fake device.
template <class Q>
void cycle(Env& env, Q& q, FakeSplitDevice& dev, uint32_t n) {
  Buf b{env.rd(8)};
  for (uint32_t i = 0; i < n; ++i) {
    ASSERT_GE(q.add(&b, 1, i), 0);
    q.needsNotify();
    FakeChain c;
    ASSERT_TRUE(dev.pop(&c));
    dev.complete(c.id, 0);
    uint64_t cookie;
    uint32_t len;
    ASSERT_TRUE(q.getUsed(&cookie, &len));
  }
}

TEST_F(SplitFixture, EventIdxKickDecisionAcrossSixteenBitWrap) {
  make(8, bit(feat::kEventIdx));
  cycle(env, q, *dev, 0xfffe);
  ASSERT_EQ(q.availIdx(), 0xfffe);
  // Three adds move avail->idx 0xfffe -> 0x0001: entries 0xfffe, 0xffff and 0x0000 were written.
  struct Case { uint16_t availEvent; bool notify; };
  const Case cases[] = {{0xfffe, true}, {0xffff, true}, {0x0000, true}, {0x0001, false}, {0xfffd, false},
                        {0x8000, false}};
  for (const Case& k : cases) {
    SplitDriverQueue q2(env.log);
    // Fresh queue each time, brought to the same position.
    ASSERT_TRUE(q2.configure(8, bit(feat::kEventIdx), env.mem, env.ringAlloc, 0));
    FakeSplitDevice d2(env.mem, q2.layout());
    cycle(env, q2, d2, 0xfffe);
    Buf b{env.rd(8)};
    for (int i = 0; i < 3; ++i) ASSERT_GE(q2.add(&b, 1, i), 0);
    ASSERT_EQ(q2.availIdx(), 0x0001);
    d2.ring.setAvailEvent(k.availEvent);
    EXPECT_EQ(q2.needsNotify(), k.notify) << "avail_event=" << k.availEvent;
  }
  EXPECT_TRUE(env.log.empty());
}

TEST_F(SplitFixture, NotificationDataCarriesAvailIdxAndWrapBit) {
  make(8, bit(feat::kNotificationData), 5);
  uint32_t seen = 0;
  q.setNotifier([](void* c, int, uint32_t v) { *static_cast<uint32_t*>(c) = v; }, &seen);
  ASSERT_GE(addRW(1), 0);
  ASSERT_GE(addRW(2), 0);
  EXPECT_TRUE(q.kick());
  NotificationData nd = NotificationData::decode(seen);
  EXPECT_EQ(nd.vqIndex, 5);
  EXPECT_EQ(nd.nextOff, 2);
  EXPECT_FALSE(nd.nextWrap);
  EXPECT_EQ(seen, q.notificationData());
  // Past 0x8000 the 16th bit of avail idx shows up as next_wrap.
  FakeChain c;
  while (dev->pop(&c)) dev->complete(c.id, 0);
  uint64_t ck;
  uint32_t l;
  while (q.getUsed(&ck, &l)) {
  }
  cycle(env, q, *dev, 0x8000 + 3 - 2);
  nd = NotificationData::decode(q.notificationData());
  EXPECT_EQ(q.availIdx(), 0x8003);
  EXPECT_EQ(nd.nextOff, 3);
  EXPECT_TRUE(nd.nextWrap);
  EXPECT_EQ(nd.splitIdx(), 0x8003);
}

TEST_F(SplitFixture, InterruptSuppressionWithoutEventIdxUsesAvailFlags) {
  make(8, 0);
  q.disableInterrupts();
  EXPECT_EQ(dev->ring.readAvailFlags(), split::kAvailFNoInterrupt);
  EXPECT_FALSE(q.enableInterrupts());  // nothing pending
  EXPECT_EQ(dev->ring.readAvailFlags(), 0);
  q.disableInterrupts();
  ASSERT_GE(addRW(1), 0);
  FakeChain c;
  ASSERT_TRUE(dev->pop(&c));
  dev->complete(c.id, 1);
  EXPECT_TRUE(q.enableInterrupts());  // used buffer arrived while disabled: caller must poll
  uint64_t ck;
  uint32_t l;
  EXPECT_TRUE(q.getUsed(&ck, &l));
  EXPECT_FALSE(q.enableInterrupts());
}

TEST_F(SplitFixture, InterruptSuppressionWithEventIdxUsesUsedEvent) {
  make(8, bit(feat::kEventIdx));
  cycle(env, q, *dev, 5);
  EXPECT_EQ(dev->ring.readUsedEvent(), 5);  // kept current by getUsed while interrupts are enabled
  q.disableInterrupts();
  EXPECT_EQ(dev->ring.readAvailFlags(), 0);  // EVENT_IDX: flags stay 0
  EXPECT_EQ(dev->ring.readUsedEvent(), 4);   // parked one behind: the device cannot reach it soon
  cycle(env, q, *dev, 2);
  EXPECT_EQ(dev->ring.readUsedEvent(), 4);   // not moved while disabled
  EXPECT_FALSE(q.enableInterrupts());
  EXPECT_EQ(dev->ring.readUsedEvent(), 7);
  ASSERT_GE(addRW(1), 0);
  FakeChain c;
  ASSERT_TRUE(dev->pop(&c));
  dev->complete(c.id, 0);
  q.disableInterrupts();
  EXPECT_TRUE(q.enableInterrupts());
  EXPECT_EQ(dev->ring.readUsedEvent(), 7);
}

TEST_F(SplitFixture, InOrderAllocatesConsecutiveDescriptorsWrappingAtTheEnd) {
  make(4, bit(feat::kInOrder));
  Buf three[3] = {env.rd(1), env.rd(1), env.wr(4)};
  ASSERT_EQ(q.add(three, 3, 1), 0);
  EXPECT_EQ(dev->ring.readDesc(0).next, 1);
  EXPECT_EQ(dev->ring.readDesc(1).next, 2);
  FakeChain c;
  ASSERT_TRUE(dev->pop(&c));
  dev->complete(c.id, 4);
  uint64_t ck;
  uint32_t l;
  ASSERT_TRUE(q.getUsed(&ck, &l));
  Buf two[2] = {env.rd(1), env.wr(4)};
  ASSERT_EQ(q.add(two, 2, 2), 3);           // continues at 3 ...
  EXPECT_EQ(dev->ring.readDesc(3).next, 0);  // ... and wraps to 0
  EXPECT_EQ(dev->ring.readDesc(3).flags, split::kDescFNext);
  ASSERT_TRUE(dev->pop(&c));
  ASSERT_EQ(c.segs.size(), 2u);
  EXPECT_EQ(c.segs[1].addr, two[1].addr);
}

TEST_F(SplitFixture, InOrderBatchReclaimFromOneUsedElement) {
  make(8, bit(feat::kInOrder));
  for (int round = 0; round < 5; ++round) {
    int heads[3];
    for (int i = 0; i < 3; ++i) {
      Buf b[2] = {env.rd(4), env.wr(100 + i)};
      heads[i] = q.add(b, 2, 10 * round + i);
      ASSERT_GE(heads[i], 0);
    }
    FakeChain c;
    while (dev->pop(&c)) {
    }
    // One used element, at the position of the first buffer, naming the last; used->idx steps over all three.
    const uint16_t pos = dev->ring.usedCursor();
    dev->ring.setUsedElem(pos % 8, heads[2], 7);
    dev->ring.setUsedCursor(pos + 3);
    dev->ring.setUsedIdx(pos + 3);
    uint64_t ck;
    uint32_t l;
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(q.getUsed(&ck, &l)) << i;
      EXPECT_EQ(ck, uint64_t(10 * round + i));
      EXPECT_EQ(l, i < 2 ? uint32_t(100 + i) : 7u);  // skipped ones count as fully written
    }
    EXPECT_FALSE(q.getUsed(&ck, &l));
    EXPECT_EQ(q.freeCount(), 8u);
  }
  EXPECT_TRUE(env.log.empty());
}

TEST_F(SplitFixture, ResetForgetsStateAndZeroesRings) {
  make(8, bit(feat::kEventIdx));
  for (int i = 0; i < 3; ++i) ASSERT_GE(addRW(i), 0);
  FakeChain c;
  ASSERT_TRUE(dev->pop(&c));
  dev->complete(c.id, 3);
  dev->ring.setAvailEvent(77);
  // Buffers the device never returned can be taken back before the reset.
  std::vector<uint64_t> detached;
  uint64_t ck;
  while (q.detachUnused(&ck)) detached.push_back(ck);
  EXPECT_EQ(detached.size(), 3u);
  const RingAddrs before = q.layout();
  q.reset();
  EXPECT_EQ(q.layout().desc, before.desc);
  EXPECT_EQ(q.freeCount(), 8u);
  EXPECT_EQ(q.inFlight(), 0u);
  EXPECT_EQ(q.availIdx(), 0);
  EXPECT_EQ(dev->ring.readAvailIdx(), 0);
  EXPECT_EQ(dev->ring.readUsedIdx(), 0);
  EXPECT_EQ(dev->ring.readAvailEvent(), 0);
  EXPECT_EQ(dev->ring.readDesc(0).addr, 0u);
  uint32_t l;
  EXPECT_FALSE(q.getUsed(&ck, &l));
  FakeSplitDevice fresh(env.mem, q.layout());
  EXPECT_EQ(addRW(42), 0);
  ASSERT_TRUE(fresh.pop(&c));
  fresh.complete(c.id, 1);
  ASSERT_TRUE(q.getUsed(&ck, &l));
  EXPECT_EQ(ck, 42u);
}

// ------------------------------------------------------------------------------------- device violations

constexpr const char* kUsedRing1 =
    "devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Used Ring#1";
constexpr const char* kUsedRing2 =
    "devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Used Ring#2";

void expectBrokenAfter(SplitDriverQueue& q, Env& env) {
  EXPECT_TRUE(q.broken());
  uint64_t ck;
  uint32_t l;
  EXPECT_FALSE(q.getUsed(&ck, &l));
  Buf b{env.rd(8)};
  EXPECT_EQ(q.add(&b, 1, 0), kAddBroken);
  EXPECT_EQ(env.log.size(), 1u);  // reported once; the broken queue does not keep re-reporting
  q.reset();
  EXPECT_FALSE(q.broken());
  EXPECT_GE(q.add(&b, 1, 0), 0);
}

// covers: devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Used Ring#1
TEST_F(SplitFixture, ViolationUsedIdxJumpsPastOutstanding) {
  make(8, 0);
  ASSERT_GE(addRW(1), 0);
  dev->ring.setUsedElem(0, 0, 0);
  dev->ring.setUsedIdx(2);  // one buffer outstanding, idx moved by two
  uint64_t ck;
  uint32_t l;
  EXPECT_FALSE(q.getUsed(&ck, &l));
  ASSERT_EQ(env.log.size(), 1u);
  const Violation& v = env.log.all()[0];
  EXPECT_EQ(v.clause, kUsedRing1);
  EXPECT_EQ(v.kind, "split.used_idx_jump");
  EXPECT_EQ(v.culprit, Culprit::Device);
  EXPECT_EQ(v.queue, 0);
  expectBrokenAfter(q, env);
}

// covers: devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Used Ring#1
TEST_F(SplitFixture, ViolationUsedIdOutOfRange) {
  make(8, 0);
  ASSERT_GE(addRW(1), 0);
  dev->complete(8, 0);  // id == queue size
  uint64_t ck;
  uint32_t l;
  EXPECT_FALSE(q.getUsed(&ck, &l));
  ASSERT_EQ(env.log.size(), 1u);
  EXPECT_EQ(env.log.all()[0].clause, kUsedRing1);
  EXPECT_EQ(env.log.all()[0].kind, "split.used_id_out_of_range");
  expectBrokenAfter(q, env);
}

// covers: devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Used Ring#1
TEST_F(SplitFixture, ViolationUsedIdNotHeadOfOutstandingChain) {
  make(8, 0);
  Buf b[3] = {env.rd(4), env.rd(4), env.wr(4)};
  const int head = q.add(b, 3, 1);
  ASSERT_EQ(head, 0);
  dev->complete(1, 0);  // descriptor 1 is inside the chain, not its head
  uint64_t ck;
  uint32_t l;
  EXPECT_FALSE(q.getUsed(&ck, &l));
  ASSERT_EQ(env.log.size(), 1u);
  EXPECT_EQ(env.log.all()[0].clause, kUsedRing1);
  EXPECT_EQ(env.log.all()[0].kind, "split.used_id_not_outstanding");
  expectBrokenAfter(q, env);
}

// covers: devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Used Ring#1
TEST_F(SplitFixture, ViolationUsedIdReturnedTwice) {
  make(8, 0);
  ASSERT_GE(addRW(1), 0);
  ASSERT_GE(addRW(2), 0);
  dev->complete(0, 0);
  dev->complete(0, 0);  // the same head again, while buffer 1 is still outstanding
  uint64_t ck;
  uint32_t l;
  EXPECT_TRUE(q.getUsed(&ck, &l));
  EXPECT_FALSE(q.getUsed(&ck, &l));
  ASSERT_EQ(env.log.size(), 1u);
  EXPECT_EQ(env.log.all()[0].clause, kUsedRing1);
  EXPECT_EQ(env.log.all()[0].kind, "split.used_id_not_outstanding");
}

// covers: devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Used Ring#2
TEST_F(SplitFixture, ViolationUsedLenLargerThanWritableBytes) {
  make(8, 0);
  Buf b[3] = {env.rd(4), env.wr(100), env.wr(28)};
  ASSERT_GE(q.add(b, 3, 1), 0);
  dev->complete(0, 129);  // 128 writable bytes
  uint64_t ck;
  uint32_t l;
  EXPECT_FALSE(q.getUsed(&ck, &l));
  ASSERT_EQ(env.log.size(), 1u);
  const Violation& v = env.log.all()[0];
  EXPECT_EQ(v.clause, kUsedRing2);
  EXPECT_EQ(v.kind, "split.used_len_too_large");
  ASSERT_EQ(v.evidence.size(), 3u);
  EXPECT_EQ(v.evidence[1].value, 129u);
  EXPECT_EQ(v.evidence[2].value, 128u);
  expectBrokenAfter(q, env);
}

TEST_F(SplitFixture, UsedLenEqualToWritableBytesIsFine) {
  make(8, 0);
  Buf b[2] = {env.rd(4), env.wr(100)};
  ASSERT_GE(q.add(b, 2, 1), 0);
  dev->complete(0, 100);
  uint64_t ck;
  uint32_t l;
  EXPECT_TRUE(q.getUsed(&ck, &l));
  EXPECT_TRUE(env.log.empty());
}

// covers: devicenormative:Reserved Feature Bits#5
TEST_F(SplitFixture, ViolationInOrderBufferUsedOutOfOrder) {
  make(8, bit(feat::kInOrder));
  const int h0 = addRW(1);
  const int h1 = addRW(2);
  ASSERT_EQ(h0, 0);
  ASSERT_EQ(h1, 2);
  dev->complete(h1, 0);  // the later buffer first, with used->idx moving by one only
  uint64_t ck;
  uint32_t l;
  EXPECT_FALSE(q.getUsed(&ck, &l));
  ASSERT_EQ(env.log.size(), 1u);
  EXPECT_EQ(env.log.all()[0].clause, "devicenormative:Reserved Feature Bits#5");
  EXPECT_EQ(env.log.all()[0].kind, "split.in_order_violation");
  expectBrokenAfter(q, env);
}

// covers: devicenormative:Basic Facilities of a Virtio Device / Virtqueues / Available Buffer Notification Suppression#1
TEST_F(SplitFixture, ViolationUsedFlagsNeitherZeroNorOne) {
  make(8, 0);
  ASSERT_GE(addRW(1), 0);
  dev->ring.setUsedFlags(3);
  EXPECT_FALSE(q.needsNotify());  // bit 0 still read as NO_NOTIFY
  ASSERT_GE(addRW(2), 0);
  q.needsNotify();
  ASSERT_EQ(env.log.size(), 1u);  // reported once
  EXPECT_EQ(env.log.all()[0].clause,
            "devicenormative:Basic Facilities of a Virtio Device / Virtqueues / Available Buffer Notification Suppression#1");
  EXPECT_EQ(env.log.all()[0].kind, "split.used_flags_invalid");
  EXPECT_FALSE(q.broken());  // advisory field: reported, not fatal
}

// covers: devicenormative:Basic Facilities of a Virtio Device / Virtqueues / Available Buffer Notification Suppression#3
TEST_F(SplitFixture, ViolationUsedFlagsNonZeroWithEventIdx) {
  make(8, bit(feat::kEventIdx));
  ASSERT_GE(addRW(1), 0);
  dev->ring.setUsedFlags(split::kUsedFNoNotify);
  dev->ring.setAvailEvent(0);
  EXPECT_TRUE(q.needsNotify());  // EVENT_IDX: avail_event decides, flags are ignored
  ASSERT_EQ(env.log.size(), 1u);
  EXPECT_EQ(env.log.all()[0].clause,
            "devicenormative:Basic Facilities of a Virtio Device / Virtqueues / Available Buffer Notification Suppression#3");
  EXPECT_EQ(env.log.all()[0].kind, "split.used_flags_nonzero_event_idx");
  EXPECT_FALSE(q.broken());
}

TEST(SplitDriverQueueFactory, MakesTheRightFormat) {
  ViolationLog log;
  EXPECT_FALSE(makeDriverQueue(false, log)->isPacked());
  EXPECT_TRUE(makeDriverQueue(true, log)->isPacked());
  EXPECT_TRUE(makeDriverQueueFor(bit(feat::kRingPacked), log)->isPacked());
  EXPECT_FALSE(makeDriverQueueFor(bit(feat::kEventIdx), log)->isPacked());
}

}  // namespace
}  // namespace vsim::drv::test

// RawSplitRing / RawPackedRing: arbitrary (also malformed) content, never outside guest memory.
#include <gtest/gtest.h>

#include "fake_device.h"
#include "vsim/drv/raw_ring.h"
#include "vsim/drv/split_queue.h"

namespace vsim::drv::test {
namespace {

TEST(RawSplitRing, WritesAndReadsEveryField) {
  Env env;
  const RingAddrs a{8, Env::kBase + 0x1000, Env::kBase + 0x2000, Env::kBase + 0x3000};
  RawSplitRing r(env.mem, a);
  EXPECT_TRUE(r.writeDesc(3, 0x1234, 99, 0xffff, 77));  // any flags, next out of range: no validation
  const split::Desc d = r.readDesc(3);
  EXPECT_EQ(d.addr, 0x1234u);
  EXPECT_EQ(d.len, 99u);
  EXPECT_EQ(d.flags, 0xffff);
  EXPECT_EQ(d.next, 77);
  EXPECT_TRUE(r.setAvailFlags(5));
  EXPECT_TRUE(r.setAvailRing(2, 6));
  EXPECT_TRUE(r.setAvailIdx(0xbeef));
  EXPECT_TRUE(r.setUsedEvent(0x1111));
  EXPECT_EQ(r.readAvailFlags(), 5);
  EXPECT_EQ(r.readAvailRing(2), 6);
  EXPECT_EQ(r.readAvailIdx(), 0xbeef);
  EXPECT_EQ(r.readUsedEvent(), 0x1111);
  EXPECT_TRUE(r.setUsedFlags(1));
  EXPECT_TRUE(r.setUsedElem(7, 0xdead, 0xf00d));
  EXPECT_TRUE(r.setUsedIdx(3));
  EXPECT_TRUE(r.setAvailEvent(0x2222));
  EXPECT_EQ(r.readUsedFlags(), 1);
  EXPECT_EQ(r.readUsedElem(7).id, 0xdeadu);
  EXPECT_EQ(r.readUsedElem(7).len, 0xf00du);
  EXPECT_EQ(r.readUsedIdx(), 3);
  EXPECT_EQ(r.readAvailEvent(), 0x2222);
  // used_event / avail_event sit right after the rings
  uint16_t v = 0;
  env.mem.load(a.driver + 4 + 2 * 8, &v);
  EXPECT_EQ(v, 0x1111);
  env.mem.load(a.device + 4 + 8 * 8, &v);
  EXPECT_EQ(v, 0x2222);
}

TEST(RawSplitRing, NeverTouchesMemoryOutsideGuestMemory) {
  Env env;
  const uint64_t end = Env::kBase + Env::kSize;
  RawSplitRing r(env.mem, RingAddrs{8, end - 16, end - 2, end + 4096});
  EXPECT_TRUE(r.writeDesc(0, 1, 2, 3, 4));    // last 16 bytes of guest memory
  EXPECT_FALSE(r.writeDesc(1, 1, 2, 3, 4));   // past the end
  EXPECT_TRUE(r.setAvailFlags(1));
  EXPECT_FALSE(r.setAvailIdx(1));
  EXPECT_FALSE(r.setUsedIdx(1));
  bool ok = true;
  EXPECT_EQ(r.readUsedIdx(&ok), 0);
  EXPECT_FALSE(ok);
  r.readDesc(1000000, &ok);
  EXPECT_FALSE(ok);
  Buf b{0, 1, false};
  EXPECT_EQ(r.addChain(&b, 1), -1);  // avail ring write fails: reported, nothing written outside
  EXPECT_FALSE(r.writeIndirectTable(end - 8, std::vector<split::Desc>(1)));
  RawSplitRing low(env.mem, RingAddrs{8, 0, 0, 0});  // below guest memory
  EXPECT_FALSE(low.writeDesc(0, 0, 0, 0, 0));
  EXPECT_FALSE(low.setUsedElem(0, 0, 0));
}

TEST(RawSplitRing, AddChainBuildsWellFormedChainsTheDriverQueueUnderstands) {
  Env env;
  // Use a driver queue only for its layout, and play device with RawSplitRing on the same rings.
  SplitDriverQueue q(env.log);
  ASSERT_TRUE(q.configure(4, 0, env.mem, env.ringAlloc, 0));
  RawSplitRing drv(env.mem, q.layout());
  FakeSplitDevice dev(env.mem, q.layout());
  Buf b[3] = {env.rd(4), env.wr(8), env.wr(8)};
  drv.setDescCursor(1);
  EXPECT_EQ(drv.addChain(b, 2), 1);
  EXPECT_EQ(drv.addChain(b, 2), 3);  // descriptors 3 -> 0 wrap around the table
  EXPECT_EQ(drv.readDesc(3).next, 0);
  EXPECT_EQ(drv.readAvailIdx(), 2);
  FakeChain c;
  ASSERT_TRUE(dev.pop(&c));
  EXPECT_EQ(c.segs.size(), 2u);
  ASSERT_TRUE(dev.pop(&c));
  ASSERT_EQ(c.segs.size(), 2u);
  EXPECT_EQ(c.segs[1].addr, b[1].addr);
  const uint64_t table = env.bufAlloc.alloc(64, 16);
  EXPECT_EQ(drv.addIndirectChain(table, b, 3, false), 1);
  EXPECT_EQ(drv.readAvailIdx(), 2);  // not published yet
  EXPECT_FALSE(dev.pop(&c));
  EXPECT_TRUE(drv.publish());
  ASSERT_TRUE(dev.pop(&c));
  EXPECT_TRUE(c.indirect);
  EXPECT_EQ(c.writable, 16u);
  dev.complete(c.id, 16);
  split::UsedElem e{};
  ASSERT_TRUE(drv.popUsed(&e));
  EXPECT_EQ(e.id, 1u);
  EXPECT_EQ(e.len, 16u);
  EXPECT_FALSE(drv.popUsed(&e));
}

TEST(RawSplitRing, CanBuildMalformedContent) {
  Env env;
  const RingAddrs a{4, Env::kBase, Env::kBase + 0x100, Env::kBase + 0x200};
  RawSplitRing r(env.mem, a);
  // A descriptor loop, an avail idx far ahead, a head out of range: all written as asked.
  EXPECT_TRUE(r.writeDesc(0, 0x10, 1, split::kDescFNext, 1));
  EXPECT_TRUE(r.writeDesc(1, 0x10, 1, split::kDescFNext, 0));
  EXPECT_TRUE(r.setAvailRing(0, 9));
  EXPECT_TRUE(r.setAvailIdx(1000));
  EXPECT_EQ(r.readDesc(1).next, 0);
  EXPECT_EQ(r.readAvailRing(0), 9);
  EXPECT_EQ(r.readAvailIdx(), 1000);
}

TEST(RawPackedRing, FlagHelpersAndEventStructures) {
  EXPECT_EQ(RawPackedRing::availFlagsFor(true), packed::kDescFAvail);
  EXPECT_EQ(RawPackedRing::availFlagsFor(false), packed::kDescFUsed);
  EXPECT_EQ(RawPackedRing::usedFlagsFor(true), packed::kDescFAvail | packed::kDescFUsed);
  EXPECT_EQ(RawPackedRing::usedFlagsFor(false), 0);
  EXPECT_TRUE(packed::isAvail(RawPackedRing::availFlagsFor(false), false));
  EXPECT_TRUE(packed::isUsed(RawPackedRing::usedFlagsFor(false), false));
  Env env;
  RawPackedRing r(env.mem, RingAddrs{4, Env::kBase, Env::kBase + 0x100, Env::kBase + 0x200});
  EXPECT_TRUE(r.setDriverEvent(0x8003, packed::kEventFlagsDesc));
  EXPECT_TRUE(r.setDeviceEvent(0x0002, packed::kEventFlagsDisable));
  EXPECT_EQ(r.readDriverEvent().offWrap, 0x8003);
  EXPECT_EQ(r.readDriverEvent().flags, packed::kEventFlagsDesc);
  EXPECT_EQ(r.readDeviceEvent().offWrap, 0x0002);
  EXPECT_EQ(r.readDeviceEvent().flags, packed::kEventFlagsDisable);
  EXPECT_TRUE(r.writeDesc(2, 0xaa, 3, 0x77, 0xffff));
  const packed::Desc d = r.readDesc(2);
  EXPECT_EQ(d.addr, 0xaau);
  EXPECT_EQ(d.id, 0x77);
  EXPECT_EQ(d.flags, 0xffff);
  EXPECT_TRUE(r.writeDescRaw(3, packed::Desc{1, 2, 3, 4}));
  EXPECT_EQ(r.readDesc(3).flags, 4);
}

TEST(RawPackedRing, AddChainWrapsAndDeviceSideRoundTrip) {
  Env env;
  RawPackedRing r(env.mem, RingAddrs{4, Env::kBase, Env::kBase + 0x100, Env::kBase + 0x200});
  FakePackedDevice dev(env.mem, r.addrs());
  Buf b[3] = {env.rd(4), env.wr(8), env.wr(8)};
  r.setAvailCursor(1, true);
  dev.slot = 1;
  dev.ring.setUsedCursor(1, true);
  EXPECT_EQ(r.addChain(b, 2, 5), 1);
  EXPECT_EQ(r.availCursor(), 3u);
  EXPECT_TRUE(r.availWrap());
  EXPECT_EQ(r.addChain(b, 2, 6), 3);  // slots 3 and 0: the second descriptor carries the flipped wrap
  EXPECT_EQ(r.readDesc(3).flags, packed::kDescFAvail | packed::kDescFNext);
  EXPECT_EQ(r.readDesc(0).flags, packed::kDescFUsed | packed::kDescFWrite);  // wrap 0 "available" pattern
  EXPECT_FALSE(r.availWrap());
  FakeChain c;
  ASSERT_TRUE(dev.pop(&c));
  EXPECT_EQ(c.id, 5);
  EXPECT_EQ(c.ringSlots, 2u);
  ASSERT_TRUE(dev.pop(&c));
  EXPECT_EQ(c.id, 6);
  ASSERT_EQ(c.segs.size(), 2u);
  EXPECT_EQ(c.segs[1].addr, b[1].addr);
  EXPECT_FALSE(dev.pop(&c));
  dev.complete(c, 8);  // used descriptor at slot 1, the used cursor then skips two slots
  const packed::Desc u = r.readDesc(1);
  EXPECT_TRUE(packed::isUsed(u.flags, true));
  EXPECT_EQ(u.id, 6);
  EXPECT_EQ(u.len, 8u);
  EXPECT_EQ(dev.ring.usedCursor(), 3u);
  EXPECT_TRUE(dev.ring.usedWrap());
  dev.complete(c, 8);  // next one at slot 3; skipping two slots wraps the used cursor
  EXPECT_EQ(dev.ring.usedCursor(), 1u);
  EXPECT_FALSE(dev.ring.usedWrap());
  const uint64_t table = env.bufAlloc.alloc(32, 16);
  r.setAvailCursor(1, false);
  EXPECT_EQ(r.addIndirectChain(table, b, 2, 9), 1);
  const packed::Desc hd = r.readDesc(1);
  EXPECT_EQ(hd.flags, packed::kDescFIndirect | packed::kDescFUsed);
  EXPECT_EQ(hd.addr, table);
  EXPECT_EQ(hd.len, 32u);
}

TEST(RawPackedRing, NeverTouchesMemoryOutsideGuestMemory) {
  Env env;
  const uint64_t end = Env::kBase + Env::kSize;
  RawPackedRing r(env.mem, RingAddrs{4, end - 16, end, end + 8});
  EXPECT_TRUE(r.writeDesc(0, 1, 2, 3, 4));
  EXPECT_FALSE(r.writeDesc(1, 1, 2, 3, 4));
  EXPECT_FALSE(r.writeDescFlags(1, 1));
  EXPECT_FALSE(r.setDriverEvent(1, 1));
  EXPECT_FALSE(r.setDeviceEvent(1, 1));
  bool ok = true;
  r.readDeviceEvent(&ok);
  EXPECT_FALSE(ok);
  r.readDesc(5, &ok);
  EXPECT_FALSE(ok);
  EXPECT_FALSE(r.writeUsed(1, 0, 0, true));
  Buf b[2] = {Buf{0, 1, false}, Buf{0, 1, true}};
  EXPECT_EQ(r.addChain(b, 2, 0), -1);  // second slot falls outside
}

}  // namespace
}  // namespace vsim::drv::test

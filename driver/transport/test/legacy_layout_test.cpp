// The legacy contiguous virtqueue layout (4096 alignment) and DriverQueue's legacy allocation.
#include <gtest/gtest.h>

#include "vsim/drv/driver_queue.h"
#include "vsim/drv/types.h"

namespace vsim::drv {
namespace {

TEST(LegacyLayout, Math) {
  for (uint32_t n : {1u, 2u, 4u, 16u, 128u, 256u, 1024u, 32768u}) {
    const LegacySplitLayout l = legacySplitLayout(n, 4096);
    EXPECT_EQ(l.availOff, 16ull * n);                          // avail ring right after the descriptors
    EXPECT_EQ(l.usedOff % 4096, 0u);                           // used ring on the next 4096 boundary
    EXPECT_GE(l.usedOff, 16ull * n + 6 + 2ull * n);            // after avail incl. used_event
    EXPECT_LT(l.usedOff - (16ull * n + 6 + 2ull * n), 4096u);  // and not a page further
    EXPECT_EQ(l.totalBytes % 4096, 0u);
    EXPECT_GE(l.totalBytes - l.usedOff, 6 + 8ull * n);
  }
  EXPECT_EQ(legacySplitLayout(256, 4096).totalBytes, 3u * 4096);
  EXPECT_EQ(legacySplitLayout(1024, 4096).usedOff, 5u * 4096);  // 16 KiB + 2054 bytes -> 20 KiB
  EXPECT_EQ(legacySplitLayout(8, 64).usedOff, 192u);             // 128 + 22 -> 192 with a 64-byte alignment
}

TEST(LegacyLayout, DriverQueueAllocatesOneContiguousBlock) {
  OwnedGuestMemory mem(1 << 20, 0x100000);
  GuestAllocator alloc(0x100000 + 8, (1 << 20) - 8);  // a misaligned start: the block must still be aligned
  ViolationLog log;
  DriverQueueOptions o;
  o.legacyAlign = 4096;
  auto q = makeDriverQueue(false, log, o);
  ASSERT_TRUE(q->configure(256, 0, mem, alloc, 0));
  const RingAddrs& a = q->layout();
  EXPECT_EQ(a.desc % 4096, 0u);
  EXPECT_EQ(a.driver, a.desc + 16 * 256);
  EXPECT_EQ(a.device, a.desc + 8192);
  // packed rings have no legacy layout
  auto p = makeDriverQueue(true, log, o);
  EXPECT_FALSE(p->configure(256, feat::bit(feat::kRingPacked), mem, alloc, 0));
}

}  // namespace
}  // namespace vsim::drv

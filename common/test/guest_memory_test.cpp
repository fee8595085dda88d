// GuestMemory: bounds checks, and the DMA fault windows (every accessor fails inside an armed window exactly as
// outside guest memory, each failure uses up one count, the handler sees each one, and nothing is touched).
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "vsim/guest_memory.h"

namespace vsim {
namespace {

constexpr uint64_t kBase = 0x10000, kSize = 0x10000;

/// Counts what the observer sees (failed accesses must not be reported as DMA).
struct CountingObserver final : DmaObserver {
  uint64_t calls = 0;
  void onDma(DmaKind, uint64_t, uint64_t, bool) override { ++calls; }
};

class GuestMemoryFaults : public ::testing::Test {
 protected:
  OwnedGuestMemory mem{kSize, kBase};
  std::vector<DmaFaultHit> hits;
  void SetUp() override {
    mem.setDmaFaultHandler([this](const DmaFaultHit& h) { hits.push_back(h); });
  }
};

TEST(GuestMemory, BoundsChecksWithoutFaults) {
  OwnedGuestMemory mem(kSize, kBase);
  uint32_t v = 0x11223344, back = 0;
  EXPECT_TRUE(mem.store(kBase + 8, v));
  EXPECT_TRUE(mem.load(kBase + 8, &back));
  EXPECT_EQ(back, v);
  EXPECT_FALSE(mem.load(kBase + kSize - 2, &back));  // straddles the end
  EXPECT_FALSE(mem.contains(kBase - 1, 2));
  EXPECT_EQ(mem.translate(kBase + kSize, 1), nullptr);
  EXPECT_EQ(mem.dmaFaultHits(), 0u);
  EXPECT_TRUE(mem.dmaFaults().empty());
}

TEST_F(GuestMemoryFaults, EveryAccessorFailsInsideAnArmedWindow) {
  const uint64_t w = kBase + 0x100;
  ASSERT_TRUE(mem.addDmaFault(w, 64, GuestMemory::kFaultUntilCleared));
  uint8_t buf[16] = {};
  uint32_t v32 = 0;
  uint16_t v16 = 0;
  EXPECT_FALSE(mem.read(w, buf, 16, DmaKind::BufferRead));
  EXPECT_FALSE(mem.write(w + 8, buf, 16, DmaKind::BufferWrite));
  EXPECT_FALSE(mem.load(w + 60, &v32));  // last 4 bytes of the window
  EXPECT_FALSE(mem.store(w, v32));
  EXPECT_FALSE(mem.peek(w, buf, 4));
  EXPECT_FALSE(mem.poke(w, buf, 4));
  EXPECT_FALSE(mem.contains(w - 8, 16));  // straddles the window's start
  EXPECT_EQ(mem.translate(w + 32, 8), nullptr);
  EXPECT_FALSE(mem.loadAcquire16(w, &v16, DmaKind::RingIndexRead));
  EXPECT_FALSE(mem.loadAcquire16Quiet(w, &v16));
  EXPECT_FALSE(mem.storeRelease16(w, 1, DmaKind::RingIndexWrite));
  EXPECT_FALSE(mem.storeRelease16Quiet(w, 1));
  EXPECT_FALSE(mem.storeRelaxed16(w, 1, DmaKind::EventWrite));
  EXPECT_EQ(mem.dmaFaultHits(), 13u);
  EXPECT_EQ(hits.size(), 13u);
  ASSERT_EQ(mem.dmaFaults().size(), 1u);
  EXPECT_EQ(mem.dmaFaults()[0].hits, 13u);
  // Accesses next to the window (touching, not overlapping) still work.
  EXPECT_TRUE(mem.load(w - 4, &v32));
  EXPECT_TRUE(mem.load(w + 64, &v32));
  EXPECT_TRUE(mem.contains(kBase, 0x100));
  EXPECT_NE(mem.translate(w + 64, 8), nullptr);
  EXPECT_EQ(mem.dmaFaultHits(), 13u);
}

TEST_F(GuestMemoryFaults, HitsSayWhatWasAskedAndWhichWindowFailedIt) {
  ASSERT_TRUE(mem.addDmaFault(kBase + 0x200, 16, 3));
  uint8_t b[4] = {};
  EXPECT_FALSE(mem.write(kBase + 0x20c, b, 4, DmaKind::UsedWrite));
  EXPECT_FALSE(mem.read(kBase + 0x1fe, b, 4, DmaKind::DescRead));
  EXPECT_FALSE(mem.contains(kBase + 0x100, 0x200));
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_TRUE(hits[0].write);
  EXPECT_EQ(hits[0].kind, DmaKind::UsedWrite);
  EXPECT_EQ(hits[0].gpa, kBase + 0x20c);
  EXPECT_EQ(hits[0].len, 4u);
  EXPECT_FALSE(hits[1].write);
  EXPECT_EQ(hits[1].kind, DmaKind::DescRead);
  EXPECT_EQ(hits[2].kind, DmaKind::Other);  // a reachability check
  for (const auto& h : hits) {
    EXPECT_EQ(h.windowGpa, kBase + 0x200);
    EXPECT_EQ(h.windowLen, 16u);
  }
}

TEST_F(GuestMemoryFaults, CountsAreUsedUpOneFailureAtATimeThenTheMemoryWorksAgain) {
  const uint64_t a = kBase + 0x400;
  ASSERT_TRUE(mem.addDmaFault(a, 8, 2));
  uint64_t v = 0;
  EXPECT_FALSE(mem.load(a, &v));  // one load is one failure, not two (translate and the read fallback)
  ASSERT_EQ(mem.dmaFaults().size(), 1u);
  EXPECT_EQ(mem.dmaFaults()[0].remaining, 1u);
  EXPECT_FALSE(mem.store(a, v));
  EXPECT_TRUE(mem.dmaFaults().empty());  // used up: removed
  EXPECT_TRUE(mem.store(a, uint64_t{42}));
  EXPECT_TRUE(mem.load(a, &v));
  EXPECT_EQ(v, 42u);
  EXPECT_EQ(mem.dmaFaultHits(), 2u);
}

TEST_F(GuestMemoryFaults, AFailedWriteTouchesNothingAndIsNotObserved) {
  CountingObserver obs;
  mem.setObserver(&obs);
  const uint64_t a = kBase + 0x800;
  const uint8_t before[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  ASSERT_TRUE(mem.write(a, before, 8));
  EXPECT_EQ(obs.calls, 1u);
  ASSERT_TRUE(mem.addDmaFault(a + 4, 1, GuestMemory::kFaultUntilCleared));
  const uint8_t junk[8] = {9, 9, 9, 9, 9, 9, 9, 9};
  EXPECT_FALSE(mem.write(a, junk, 8));
  EXPECT_FALSE(mem.poke(a, junk, 8));
  EXPECT_FALSE(mem.store(a, uint64_t{0}));
  EXPECT_EQ(obs.calls, 1u);
  mem.clearDmaFaults();
  uint8_t after[8] = {};
  ASSERT_TRUE(mem.read(a, after, 8));
  EXPECT_EQ(std::vector<uint8_t>(after, after + 8), std::vector<uint8_t>(before, before + 8));
}

TEST_F(GuestMemoryFaults, WindowsAreUsedInTheOrderTheyWereArmed) {
  ASSERT_TRUE(mem.addDmaFault(kBase, 0x100, 1));
  ASSERT_TRUE(mem.addDmaFault(kBase + 0x80, 0x100, 1));
  uint32_t v = 0;
  EXPECT_FALSE(mem.load(kBase + 0x90, &v));  // overlaps both: the first one is used
  ASSERT_EQ(mem.dmaFaults().size(), 1u);
  EXPECT_EQ(mem.dmaFaults()[0].gpa, kBase + 0x80);
  EXPECT_FALSE(mem.load(kBase + 0x90, &v));
  EXPECT_TRUE(mem.load(kBase + 0x90, &v));
}

TEST_F(GuestMemoryFaults, UntilClearedStaysUntilCleared) {
  ASSERT_TRUE(mem.addDmaFault(kBase + 0x40, 4, GuestMemory::kFaultUntilCleared));
  uint32_t v = 0;
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(mem.load(kBase + 0x40, &v));
  EXPECT_EQ(mem.dmaFaults().size(), 1u);
  mem.clearDmaFaults();
  EXPECT_TRUE(mem.load(kBase + 0x40, &v));
  EXPECT_EQ(mem.dmaFaultHits(), 100u);
}

TEST_F(GuestMemoryFaults, RejectsEmptyWindowsZeroCountsAndWrapping) {
  EXPECT_FALSE(mem.addDmaFault(kBase, 0, 1));
  EXPECT_FALSE(mem.addDmaFault(kBase, 16, 0));
  EXPECT_FALSE(mem.addDmaFault(UINT64_MAX - 3, 16, 1));
  EXPECT_TRUE(mem.dmaFaults().empty());
  EXPECT_TRUE(mem.addDmaFault(UINT64_MAX - 15, 16, 1));  // ends exactly at the top: fine
  uint32_t v = 0;
  EXPECT_TRUE(mem.load(kBase, &v));  // far away: untouched
}

TEST_F(GuestMemoryFaults, SameAccessesSameFailures) {
  auto run = [](std::vector<bool>* out) {
    OwnedGuestMemory m(kSize, kBase);
    m.addDmaFault(kBase + 0x100, 0x10, 3);
    m.addDmaFault(kBase + 0x300, 0x10, 1);
    uint32_t v = 0;
    for (uint64_t a = kBase + 0xf0; a < kBase + 0x320; a += 8) out->push_back(m.load(a, &v));
  };
  std::vector<bool> a, b;
  run(&a);
  run(&b);
  EXPECT_EQ(a, b);
  EXPECT_EQ(std::count(a.begin(), a.end(), false), 3);  // 0x100 and 0x108 (one left of the first window), 0x300
}

}  // namespace
}  // namespace vsim

// Test fixture for the device-side engines: guest memory plus a minimal hand ring writer (model tests may not use
// driver/, so the few raw writes they need live here).
#pragma once
#include <gtest/gtest.h>

#include "vsim/abi/features.h"
#include "vsim/abi/notification.h"
#include "vsim/abi/ring_packed.h"
#include "vsim/abi/ring_split.h"
#include "vsim/guest_memory.h"
#include "vsim/model/device_queue.h"

namespace vsim::model::test {

constexpr uint64_t kBase = 0x100000, kSize = 0x100000;
constexpr uint64_t kDesc = kBase, kDriver = kBase + 0x80000, kDevice = kBase + 0x90000, kBuf = kBase + 0xA0000;

inline uint64_t feats(std::initializer_list<unsigned> bits) {
  uint64_t f = feat::bit(feat::kVersion1);
  for (unsigned b : bits) f |= feat::bit(b);
  return f;
}

class RingTest : public ::testing::Test {
 protected:
  OwnedGuestMemory mem{kSize, kBase};
  ViolationLog log;
  std::unique_ptr<DeviceQueue> q;
  Chain chain;
  uint32_t size = 0;
  // split driver state
  uint16_t availIdx = 0;
  // packed driver state
  uint32_t slot = 0;
  bool wrap = true;

  void makeSplit(uint32_t n, uint64_t features = feats({})) {
    size = n;
    q = makeDeviceQueue(false, mem, log);
    ASSERT_TRUE(q->configure(QueueLayout{n, kDesc, kDriver, kDevice}, features, 0));
  }
  void makePacked(uint32_t n, uint64_t features = feats({feat::kRingPacked})) {
    size = n;
    q = makeDeviceQueue(true, mem, log);
    ASSERT_TRUE(q->configure(QueueLayout{n, kDesc, kDriver, kDevice}, features, 0));
  }
  void splitDesc(uint32_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next = 0, uint64_t table = kDesc) {
    split::Desc d{addr, len, flags, next};
    ASSERT_TRUE(mem.store(table + 16ull * i, d));
  }
  void splitAvail(uint16_t head) {
    mem.store(kDriver + split::availRingOff(availIdx % size), head);
    ++availIdx;
    mem.storeRelease16(kDriver + split::availIdxOff(), availIdx, DmaKind::Other);
  }
  /// Packed: write descriptor k of a list starting at the current slot; flags get AVAIL/USED for the driver wrap.
  void packedDesc(uint32_t k, uint64_t addr, uint32_t len, uint16_t id, uint16_t flags, bool makeAvail = true) {
    uint32_t s = (slot + k) % size;
    bool w = wrap ^ (slot + k >= size);
    packed::Desc d{addr, len, id, 0};
    ASSERT_TRUE(mem.store(kDesc + 16ull * s, d));
    if (makeAvail) flags |= w ? packed::kDescFAvail : packed::kDescFUsed;
    mem.storeRelease16(kDesc + 16ull * s + 14, flags, DmaKind::Other);
  }
  void packedAdvance(uint32_t k) {
    slot += k;
    if (slot >= size) {
      slot -= size;
      wrap = !wrap;
    }
  }
  void expectOnly(const std::string& clause, const std::string& kind) {
    ASSERT_FALSE(log.empty()) << "no violation reported";
    EXPECT_EQ(log.all().front().clause, clause) << toString(log.all().front());
    EXPECT_EQ(log.all().front().kind, kind);
    for (const auto& v : log.all()) EXPECT_EQ(v.clause, clause) << toString(v);
  }
};

}  // namespace vsim::model::test

// Round trips driver <-> device for split and packed rings in every mode and at sizes from 1 to 32768.
// Every request's payload is checked byte for byte; neither side may report a violation.
#include <gtest/gtest.h>

#include "vsim/abi/features.h"
#include "vsim/harness/ring_loop.h"

namespace vsim::harness {
namespace {

enum class Mode { Plain, Indirect, EventIdx, InOrder, NotificationData };

const char* modeName(Mode m) {
  switch (m) {
    case Mode::Plain: return "plain";
    case Mode::Indirect: return "indirect";
    case Mode::EventIdx: return "event_idx";
    case Mode::InOrder: return "in_order";
    default: return "notification_data";
  }
}

struct Param {
  bool packed;
  Mode mode;
  uint32_t size;
};

void PrintTo(const Param& p, std::ostream* os) {
  *os << (p.packed ? "packed " : "split ") << modeName(p.mode) << " size " << p.size;
}

std::string paramName(const ::testing::TestParamInfo<Param>& p) {
  return std::string(p.param.packed ? "packed_" : "split_") + modeName(p.param.mode) + "_" +
         std::to_string(p.param.size);
}

LoopConfig configFor(const Param& p) {
  LoopConfig c;
  c.packed = p.packed;
  c.size = p.size;
  switch (p.mode) {
    case Mode::Plain: break;
    case Mode::Indirect:
      c.features = feat::bit(feat::kIndirectDesc);
      c.useIndirect = true;
      c.readable = 2;
      c.writable = 2;
      break;
    case Mode::EventIdx:
      c.features = feat::bit(feat::kEventIdx);
      c.deviceSuppressesKicks = c.driverSuppressesIrqs = true;
      break;
    case Mode::InOrder:
      c.features = feat::bit(feat::kInOrder);
      c.inOrderBatches = true;
      break;
    case Mode::NotificationData: c.features = feat::bit(feat::kNotificationData); break;
  }
  if (c.useIndirect && c.readable + c.writable > p.size) {  // an indirect table may not outgrow the queue either
    c.readable = 1;
    c.writable = p.size > 1 ? 1 : 0;
  }
  if (p.size < 2 && !c.useIndirect) c.writable = 0;  // one slot holds one descriptor
  if (p.size < 4 && !c.useIndirect && c.readable + c.writable > p.size) c.readable = 1, c.writable = p.size > 1 ? 1 : 0;
  c.batch = std::max<uint32_t>(1, std::min<uint32_t>(p.size / 2, 32));
  return c;
}

class RoundTrip : public ::testing::TestWithParam<Param> {};

// covers: devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Used Ring#2
// covers: devicenormative:Reserved Feature Bits#5
TEST_P(RoundTrip, EveryPayloadArrivesAndNoSideComplains) {
  const Param p = GetParam();
  RingLoop loop(configFor(p));
  // Enough requests to wrap every ring at least twice (16-bit indices wrap too for small rings).
  const uint64_t n = std::max<uint64_t>(3ull * p.size, 70000 / std::max<uint32_t>(1, p.size / 64 + 1));
  ASSERT_TRUE(loop.run(std::min<uint64_t>(n, 200000))) << loop.error();
  EXPECT_TRUE(loop.deviceSaw().empty());
  EXPECT_TRUE(loop.driverSaw().empty());
  EXPECT_GE(loop.stats().requests, 3ull * std::min<uint32_t>(p.size, 60000));
  EXPECT_EQ(loop.driver().inFlight(), 0u);
  EXPECT_EQ(loop.device().inFlight(), 0u);
  if (configFor(p).writable) {
    EXPECT_GT(loop.stats().bytesVerified, 0u);
  }
}

std::vector<Param> allParams() {
  std::vector<Param> v;
  for (bool packed : {false, true}) {
    const std::vector<uint32_t> sizes = packed ? std::vector<uint32_t>{1, 2, 3, 7, 100, 256, 1000, 32768}
                                               : std::vector<uint32_t>{1, 2, 4, 16, 256, 1024, 32768};
    for (Mode m : {Mode::Plain, Mode::Indirect, Mode::EventIdx, Mode::InOrder, Mode::NotificationData})
      for (uint32_t s : sizes) v.push_back(Param{packed, m, s});
  }
  return v;
}

INSTANTIATE_TEST_SUITE_P(Rings, RoundTrip, ::testing::ValuesIn(allParams()), paramName);

// Out-of-order completion (legal without IN_ORDER) and suppression on both sides.
TEST(RoundTripExtra, OutOfOrderCompletion) {
  for (bool packed : {false, true}) {
    LoopConfig c;
    c.packed = packed;
    c.size = 64;
    c.reverseCompletion = true;
    c.batch = 13;
    RingLoop loop(c);
    ASSERT_TRUE(loop.run(5000)) << loop.error();
  }
}

// covers: devicenormative:Basic Facilities of a Virtio Device / Virtqueues / Used Buffer Notification Suppression#5
// covers: drivernormative:Basic Facilities of a Virtio Device / Virtqueues / Available Buffer Notification Suppression#6
TEST(RoundTripExtra, EventIdxSuppressesMostNotifications) {
  for (bool packed : {false, true}) {
    LoopConfig c;
    c.packed = packed;
    c.size = 256;
    c.features = feat::bit(feat::kEventIdx);
    c.batch = 32;
    c.deviceSuppressesKicks = c.driverSuppressesIrqs = true;  // both sides keep their event index current
    RingLoop plain(c);
    ASSERT_TRUE(plain.run(3200)) << plain.error();
    EXPECT_EQ(plain.stats().kicks, 100u) << "one notification per batch";
    EXPECT_EQ(plain.stats().interrupts, 100u);
  }
}

}  // namespace
}  // namespace vsim::harness

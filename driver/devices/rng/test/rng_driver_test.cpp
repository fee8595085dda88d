// RngDriver over every transport the fake platform offers, plus device misbehaviour and time-outs.
#include <gtest/gtest.h>

#include <numeric>

#include "fake_hal.h"
#include "vsim/drv/device_clauses.h"
#include "vsim/drv/rng_driver.h"

namespace vsim::drv {
namespace {

using fake::FakeHal;
using fake::FakeVirtioCore;
using fake::FakeVirtioMmio;
using fake::FakeVirtioPci;

enum class Kind { PciModern, PciModernMsix, PciLegacy, PciTransitionalAsLegacy, MmioV2, MmioV1 };

struct Rig {
  FakeHal h;
  FakeVirtioCore* core = nullptr;
  ViolationLog log;
  DiscoveredDevice d;
  explicit Rig(Kind k) {
    FakeVirtioPci::Layout l;
    switch (k) {
      case Kind::PciModern: break;
      case Kind::PciModernMsix: l.msixVectors = 2; break;
      case Kind::PciLegacy:
        l.modern = false;
        l.legacy = true;
        l.standardCaps = false;
        break;
      case Kind::PciTransitionalAsLegacy: l.legacy = true; break;
      case Kind::MmioV2: core = &h.addMmio(std::make_unique<FakeVirtioMmio>(4, 1, 2)).core; break;
      case Kind::MmioV1: core = &h.addMmio(std::make_unique<FakeVirtioMmio>(4, 1, 1)).core; break;
    }
    if (!core) core = &h.addPciT(std::make_unique<FakeVirtioPci>(4, 1, l), 3).core;
    auto all = discover(h, log);
    EXPECT_EQ(all.size(), 1u);
    if (!all.empty()) d = all[0];
  }
};

class RngAllTransports : public ::testing::TestWithParam<Kind> {};

// covers: drivernormative:Device Types / Entropy Device / Device Operation#1
// covers: drivernormative:Device Types / Entropy Device / Device Operation#2
TEST_P(RngAllTransports, ReadsRandomBytes) {
  Rig r(GetParam());
  DriverOptions o;
  o.forceLegacy = GetParam() == Kind::PciTransitionalAsLegacy;
  auto rng = RngDriver::open(r.h, r.d, o, r.log);
  ASSERT_TRUE(rng);
  std::vector<uint8_t> buf(1000, 0);
  EXPECT_EQ(rng->read(buf.data(), buf.size(), 1'000'000), buf.size());
  EXPECT_EQ(rng->requests(), 1u);
  // the fake writes a running counter: consecutive bytes differ by one
  for (size_t i = 1; i < buf.size(); ++i) ASSERT_EQ(uint8_t(buf[i] - buf[i - 1]), 1u) << i;
  std::vector<uint8_t> more(5000);
  EXPECT_EQ(rng->read(more.data(), more.size(), 1'000'000), more.size());  // two 4096-byte rounds
  EXPECT_EQ(rng->requests(), 3u);
  EXPECT_EQ(rng->bytes(), 6000u);
  EXPECT_TRUE(r.log.empty());
  // the driver only ever offered device-writable buffers
  for (const auto& n : r.core->notifies) EXPECT_EQ(n.first, 0);
}

INSTANTIATE_TEST_SUITE_P(All, RngAllTransports,
                         ::testing::Values(Kind::PciModern, Kind::PciModernMsix, Kind::PciLegacy,
                                           Kind::PciTransitionalAsLegacy, Kind::MmioV2, Kind::MmioV1));

TEST(Rng, PackedRingWithEventIdx) {
  Rig r(Kind::PciModernMsix);
  r.core->deviceFeatures |= feat::bit(feat::kRingPacked) | feat::bit(feat::kEventIdx);
  auto rng = RngDriver::open(r.h, r.d, DriverOptions{}, r.log);
  ASSERT_TRUE(rng);
  EXPECT_TRUE(rng->device().queue(0).isPacked());
  uint8_t buf[64];
  for (int i = 0; i < 20; ++i) ASSERT_EQ(rng->read(buf, sizeof buf, 1'000'000), sizeof buf) << i;
  EXPECT_EQ(r.core->notifies.size(), 20u);
  EXPECT_TRUE(r.log.empty());
}

TEST(Rng, SplitRingWithEventIdxKeepsKicking) {
  Rig r(Kind::MmioV2);
  r.core->deviceFeatures |= feat::bit(feat::kEventIdx);
  DriverOptions o;
  o.ringPacked = false;
  auto rng = RngDriver::open(r.h, r.d, o, r.log);
  ASSERT_TRUE(rng);
  uint8_t buf[16];
  for (int i = 0; i < 300; ++i) ASSERT_EQ(rng->read(buf, sizeof buf, 1'000'000), sizeof buf) << i;  // wraps the ring
  EXPECT_EQ(r.core->notifies.size(), 300u);
}

TEST(Rng, ShortWritesAreCollected) {
  Rig r(Kind::PciModern);
  r.core->rngFillLen = 10;
  auto rng = RngDriver::open(r.h, r.d, DriverOptions{}, r.log);
  ASSERT_TRUE(rng);
  uint8_t buf[95];
  EXPECT_EQ(rng->read(buf, sizeof buf, 1'000'000), sizeof buf);
  EXPECT_EQ(rng->requests(), 10u);
}

// covers: devicenormative:Device Types / Entropy Device / Device Operation#1
TEST(Rng, ZeroLengthUseReported) {
  Rig r(Kind::PciModern);
  r.core->rngFillLen = 0;
  auto rng = RngDriver::open(r.h, r.d, DriverOptions{}, r.log);
  ASSERT_TRUE(rng);
  uint8_t buf[8];
  EXPECT_EQ(rng->read(buf, sizeof buf, 20'000), 0u);
  EXPECT_EQ(r.log.count(clause::kEntropyBytes), 1u);
  EXPECT_EQ(r.log.all()[0].culprit, Culprit::Device);
}

TEST(Rng, FallsBackToPollingTheUsedRing) {
  Rig r(Kind::MmioV2);
  r.core->rngNoInterrupt = true;  // buffers are used but no interrupt ever comes
  auto rng = RngDriver::open(r.h, r.d, DriverOptions{}, r.log);
  ASSERT_TRUE(rng);
  uint8_t buf[32];
  EXPECT_EQ(rng->read(buf, sizeof buf, 1'000'000), sizeof buf);
}

TEST(Rng, TimeoutThenTheLateBufferIsReclaimed) {
  Rig r(Kind::PciModernMsix);
  bool serve = false;
  r.core->onNotify = [&](FakeVirtioCore& c, uint16_t q, uint32_t) {
    if (serve) c.serveRng(q);
  };
  auto rng = RngDriver::open(r.h, r.d, DriverOptions{}, r.log);
  ASSERT_TRUE(rng);
  r.h.timed = true;
  uint8_t buf[16];
  const uint64_t t0 = r.h.now;
  EXPECT_EQ(rng->read(buf, sizeof buf, 100'000), 0u);  // nobody answers
  EXPECT_GE(r.h.now - t0, 100'000u);
  EXPECT_EQ(rng->device().queue(0).inFlight(), 1u);
  serve = true;
  r.core->serveRng(0);  // the device finally answers the old request
  EXPECT_EQ(rng->read(buf, sizeof buf, 100'000), sizeof buf);
  EXPECT_EQ(rng->requests(), 1u);  // the outstanding buffer was used, no new one
  EXPECT_EQ(rng->device().queue(0).inFlight(), 0u);
}

TEST(Rng, FunctionalPlatformDoesNotHang) {
  Rig r(Kind::PciModern);
  r.core->onNotify = [](FakeVirtioCore&, uint16_t, uint32_t) {};  // never answers; time never moves
  auto rng = RngDriver::open(r.h, r.d, DriverOptions{}, r.log);
  ASSERT_TRUE(rng);
  uint8_t buf[16];
  EXPECT_EQ(rng->read(buf, sizeof buf, 1'000'000'000), 0u);
}

TEST(Rng, StopsWhenTheDeviceNeedsAReset) {
  Rig r(Kind::PciModern);
  auto rng = RngDriver::open(r.h, r.d, DriverOptions{}, r.log);
  ASSERT_TRUE(rng);
  r.core->onNotify = [](FakeVirtioCore& c, uint16_t, uint32_t) { c.configChange(true); };
  uint8_t buf[16];
  EXPECT_EQ(rng->read(buf, sizeof buf, 1'000'000), 0u);
  EXPECT_EQ(rng->device().state(), DeviceState::NeedsReset);
  ASSERT_TRUE(rng->device().recover());
  r.core->onNotify = nullptr;
  EXPECT_EQ(rng->read(buf, sizeof buf, 1'000'000), sizeof buf);
  EXPECT_TRUE(r.log.empty());
}

TEST(Rng, OnlyEntropyDevices) {
  FakeHal h;
  h.addMmio(std::make_unique<FakeVirtioMmio>(2, 1, 2));
  ViolationLog log;
  auto all = discover(h, log);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(RngDriver::open(h, all[0], DriverOptions{}, log), nullptr);
}

}  // namespace
}  // namespace vsim::drv

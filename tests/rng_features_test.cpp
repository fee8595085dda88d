// Entropy device options end to end (functional board, our RngDriver): the seeded source is deterministic and
// seed-dependent, host_entropy gives real bytes, and rate_limit bounds the bytes handed out per simulated second
// while every completion still carries at least one byte.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "vsim/abi/ring_split.h"
#include "vsim/drv/discover.h"
#include "vsim/drv/rng_driver.h"
#include "vsim/harness/cpu_hal.h"
#include "vsim/harness/platform_desc.h"
#include "vsim/model/board.h"
#include "vsim/model/device_core.h"
#include "vsim/model/rng_type.h"
#include "vsim/model/sc_simulation.h"

namespace vsim {
namespace {

/// One rng on a functional board with our driver stack opened on it.
struct Rig {
  std::unique_ptr<model::Board> board;
  std::unique_ptr<harness::CpuHal> hal;
  std::unique_ptr<drv::RngDriver> rng;
  ViolationLog driverSaw;

  explicit Rig(model::DeviceOptions opts, model::TransportKind t = model::TransportKind::PciModern) {
    model::BoardConfig cfg;
    model::DeviceSpec spec;
    spec.transport = t;
    spec.options = std::move(opts);
    cfg.devices.push_back(spec);
    board = std::make_unique<model::Board>(cfg);
    hal = std::make_unique<harness::CpuHal>(board->functionalCpu(), harness::toPlatformDesc(board->map()), 1 << 20,
                                            32 << 20);
    auto found = drv::discover(*hal, driverSaw);
    EXPECT_EQ(found.size(), 1u);
    if (!found.empty()) rng = drv::RngDriver::open(*hal, found[0], drv::DriverOptions{}, driverSaw);
    EXPECT_TRUE(rng && rng->ok());
  }
  model::RngDevice& device() { return dynamic_cast<model::RngDevice&>(board->logic(0)); }
  std::vector<uint8_t> read(size_t n) {
    std::vector<uint8_t> out(n);
    out.resize(rng->read(out.data(), n, 1'000'000'000));
    return out;
  }
  void expectClean() {
    for (const auto& v : board->violations().all()) ADD_FAILURE() << "device saw: " << toString(v);
    for (const auto& v : driverSaw.all()) ADD_FAILURE() << "driver saw: " << toString(v);
  }
};

std::vector<uint8_t> splitmix(uint64_t seed, size_t n) {
  std::vector<uint8_t> out(n);
  uint64_t s = seed;
  for (size_t i = 0; i < n; i += 8) {
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    std::memcpy(out.data() + i, &z, std::min<size_t>(8, n - i));
  }
  return out;
}

TEST(RngFeatures, SameSeedSameBytes) {
  Rig a(model::DeviceOptions{{"seed", "77"}}), b(model::DeviceOptions{{"seed", "77"}}, model::TransportKind::MmioV2);
  const auto x = a.read(10000), y = b.read(10000);
  ASSERT_EQ(x.size(), 10000u);
  EXPECT_EQ(x, y);
  EXPECT_EQ(x, splitmix(77, 10000));
  a.expectClean();
  b.expectClean();
}

TEST(RngFeatures, DifferentSeedsDiffer) {
  Rig a(model::DeviceOptions{{"seed", "1"}}), b(model::DeviceOptions{{"seed", "2"}});
  const auto x = a.read(4096), y = b.read(4096);
  ASSERT_EQ(x.size(), 4096u);
  ASSERT_EQ(y.size(), 4096u);
  EXPECT_NE(x, y);
  size_t same = 0;
  for (size_t i = 0; i < x.size(); ++i) same += x[i] == y[i];
  EXPECT_LT(same, 100u);  // about 16 expected by chance
}

TEST(RngFeatures, ExplicitZeroRateLimitChangesNothing) {
  Rig a(model::DeviceOptions{{"seed", "1234"}, {"rate_limit", "0"}});
  EXPECT_EQ(a.read(3 * 4096), splitmix(1234, 3 * 4096));
  EXPECT_EQ(a.device().heldRequests(), 0u);
  a.expectClean();
}

TEST(RngFeatures, HostEntropyGivesBytes) {
  Rig a(model::DeviceOptions{{"host_entropy", "true"}});
  const auto x = a.read(4096), y = a.read(4096);
  ASSERT_EQ(x.size(), 4096u);
  ASSERT_EQ(y.size(), 4096u);
  EXPECT_FALSE(std::all_of(x.begin(), x.end(), [](uint8_t v) { return v == 0; }));
  EXPECT_NE(x, y);
  EXPECT_NE(x, splitmix(0x5eed, 4096));  // not the seeded stream
  a.expectClean();
}

struct RateRun {
  std::vector<uint8_t> bytes;
  uint64_t elapsedPs = 0;
  uint64_t shortReads = 0;
};

/// Read 4096 bytes from a rate-limited device in reads of at most 20 us, checking the bound after each read.
RateRun runRateLimited(uint64_t rate, uint64_t burst) {
  Rig a(model::DeviceOptions{
      {"seed", "5"}, {"rate_limit", std::to_string(rate)}, {"rate_burst", std::to_string(burst)}});
  model::RngDevice& dev = a.device();
  model::Board& board = *a.board;
  const uint64_t t0 = board.clock().nowPs;
  RateRun r;
  for (int guard = 0; r.bytes.size() < 4096 && guard < 100000; ++guard) {
    uint8_t buf[512];
    const size_t n = a.rng->read(buf, sizeof buf, 20'000);  // 20 us of simulated time at most
    r.bytes.insert(r.bytes.end(), buf, buf + n);
    r.shortReads += n < sizeof buf;
    // never more than the burst plus what the elapsed simulated time pays for
    const uint64_t elapsedPs = board.clock().nowPs - t0;
    EXPECT_LE(r.bytes.size(), burst + rate * elapsedPs / 1'000'000'000'000ull) << "after " << elapsedPs << " ps";
    dev.pump();  // the host side: release what the budget allows by now
  }
  r.elapsedPs = board.clock().nowPs - t0;
  a.expectClean();  // in particular no rng.zero_length: every completion had at least one byte
  return r;
}

// The same bound on the SystemC platform in timed mode (devices process request by request in their own thread).
TEST(RngFeatures, RateLimitHoldsInSystemCTimedMode) {
  constexpr uint64_t kRate = 2'000'000, kBurst = 32;
  model::BoardConfig cfg;
  model::DeviceSpec spec;
  spec.options = {{"rate_limit", std::to_string(kRate)}, {"rate_burst", std::to_string(kBurst)}};
  cfg.devices.push_back(spec);
  model::Board board(cfg);
  auto& dev = dynamic_cast<model::RngDevice&>(board.logic(0));
  ViolationLog driverSaw;
  size_t total = 0;
  uint64_t t0 = 0, t1 = 0;
  model::ScSimulation sim(board, model::SimMode::Timed);
  sim.run([&](model::CpuPort& cpu) {
    harness::CpuHal hal(cpu, harness::toPlatformDesc(board.map()), 1 << 20, 32 << 20);
    auto found = drv::discover(hal, driverSaw);
    ASSERT_EQ(found.size(), 1u);
    auto rng = drv::RngDriver::open(hal, found[0], drv::DriverOptions{}, driverSaw);
    ASSERT_TRUE(rng);
    t0 = board.clock().nowPs;
    for (int guard = 0; total < 2048 && guard < 100000; ++guard) {
      uint8_t buf[256];
      total += rng->read(buf, sizeof buf, 10'000);
      EXPECT_LE(total, kBurst + kRate * (board.clock().nowPs - t0) / 1'000'000'000'000ull);
      dev.pump();
    }
    t1 = board.clock().nowPs;
  });
  EXPECT_GE(total, 2048u);
  EXPECT_GE(static_cast<double>(total), 0.5 * static_cast<double>(kRate) * static_cast<double>(t1 - t0) / 1e12);
  for (const auto& v : board.violations().all()) ADD_FAILURE() << "device saw: " << toString(v);
  for (const auto& v : driverSaw.all()) ADD_FAILURE() << "driver saw: " << toString(v);
}

// covers: devicenormative:Device Types / Entropy Device / Device Operation#1
// covers: devicenormative:Device Types / Entropy Device / Device Operation#2
TEST(RngFeatures, RateLimitBoundsBytesPerSimulatedTime) {
  constexpr uint64_t kRate = 1'000'000;  // bytes per second = one byte per microsecond
  constexpr uint64_t kBurst = 64;
  const RateRun r = runRateLimited(kRate, kBurst);
  ASSERT_GE(r.bytes.size(), 4096u);
  const double paid = static_cast<double>(kRate) * static_cast<double>(r.elapsedPs) / 1e12;
  EXPECT_LE(static_cast<double>(r.bytes.size()), kBurst + paid);
  // progress: the device serves close to its rate (the driver waits in slices, so allow slack)
  EXPECT_GE(static_cast<double>(r.bytes.size()), 0.5 * paid) << "elapsed " << r.elapsedPs << " ps";
  EXPECT_GT(r.shortReads, 0u);  // requests were cut short by the budget
  // deterministic: the same options give the same bytes at the same simulated times
  const RateRun again = runRateLimited(kRate, kBurst);
  EXPECT_EQ(again.bytes, r.bytes);
  EXPECT_EQ(again.elapsedPs, r.elapsedPs);
}

TEST(RngFeatures, HeldRequestIsServedByTheNextRequestOnceBudgetAccrued) {
  // 1000 bytes/s, 16 bytes of burst: the first request gets 16, the next waits about a millisecond per byte.
  Rig a(model::DeviceOptions{{"rate_limit", "1000"}, {"rate_burst", "16"}});
  model::RngDevice& dev = a.device();
  uint8_t buf[64];
  EXPECT_EQ(a.rng->read(buf, sizeof buf, 1'000), 16u);  // the burst, then the second request is held
  EXPECT_EQ(dev.heldRequests(), 1u);
  const uint64_t release = dev.nextReleasePs();
  EXPECT_GT(release, a.board->clock().nowPs);
  dev.pump();  // too early: still held
  EXPECT_EQ(dev.heldRequests(), 1u);
  // the driver keeps waiting; once the board clock has passed the release time, a pump serves it
  size_t got = 0;
  for (int i = 0; i < 100 && got == 0; ++i) {
    got = a.rng->read(buf, sizeof buf, 100'000);
    dev.pump();
  }
  if (got == 0) got = a.rng->read(buf, sizeof buf, 100'000);
  EXPECT_GE(got, 1u);
  EXPECT_GE(a.board->clock().nowPs, release);
  a.expectClean();
}

// Held requests are also released while the CPU waits for their interrupt (the board polls its devices): a
// driver that only reads makes progress at the limited rate.
TEST(RngFeatures, RateLimitedReadsProgressWithoutHostPumping) {
  constexpr uint64_t kRate = 100'000, kBurst = 8;  // one byte per 10 us
  Rig a(model::DeviceOptions{{"rate_limit", std::to_string(kRate)}, {"rate_burst", std::to_string(kBurst)}});
  const uint64_t t0 = a.board->clock().nowPs;
  size_t total = 0;
  for (int i = 0; i < 200 && total < 200; ++i) {
    uint8_t buf[64];
    total += a.rng->read(buf, sizeof buf, 100'000);
    EXPECT_LE(total, kBurst + kRate * (a.board->clock().nowPs - t0) / 1'000'000'000'000ull);
  }
  EXPECT_GE(total, 200u);
  a.expectClean();
}

TEST(RngFeatures, OptionTableAndErrors) {
  const auto info = model::rngDeviceType();
  bool haveRate = false, haveBurst = false;
  for (const auto& o : info.options) {
    EXPECT_FALSE(o.description.empty()) << o.name;
    if (o.name == "rate_limit") haveRate = o.unit == "bytes/s" && o.defaultValue == "0";
    if (o.name == "rate_burst") haveBurst = o.unit == "bytes";
  }
  EXPECT_TRUE(haveRate);
  EXPECT_TRUE(haveBurst);
  const auto p = model::rngParamsFrom({{"rate_limit", "5000"}, {"rate_burst", "10"}}, "rng0");
  EXPECT_EQ(p.rateLimit, 5000u);
  EXPECT_EQ(p.rateBurst, 10u);
  try {
    model::rngParamsFrom({{"rate_limit", "fast"}}, "rng0");
    ADD_FAILURE() << "accepted a bad rate_limit";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("rate_limit"), std::string::npos);
  }
}

// covers: drivernormative:Device Types / Entropy Device / Device Operation#1
TEST(RngFeatures, ReadableRequestIsReported) {
  model::BoardConfig cfg;
  cfg.devices.push_back(model::DeviceSpec{});
  model::Board board(cfg);
  // Drive the core directly with a hand-built split ring: one chain of a readable and a writable descriptor.
  model::DeviceCore& core = board.core(0);
  GuestMemory& ram = board.ram();
  const uint64_t base = board.dmaBase() + 0x10000, desc = base, avail = base + 0x100, used = base + 0x200;
  const uint64_t buf = base + 0x1000;
  core.writeStatus(1);
  core.writeStatus(3);
  core.writeDriverFeatures(1, 1);
  core.writeStatus(11);
  core.readStatus();
  auto& q = core.queue(0);
  q.size = 4;
  q.desc = desc;
  q.driver = avail;
  q.device = used;
  ASSERT_TRUE(core.enableQueue(0));
  core.writeStatus(15);
  ram.store(desc, split::Desc{buf, 8, split::kDescFNext, 1});
  ram.store(desc + 16, split::Desc{buf + 8, 8, split::kDescFWrite, 0});
  ram.store(avail + 4, uint16_t{0});
  ram.storeRelease16(avail + 2, 1, DmaKind::Other);
  core.notify(0, false, 0);
  ASSERT_EQ(board.violations().size(), 1u);
  EXPECT_EQ(board.violations().all()[0].clause, "drivernormative:Device Types / Entropy Device / Device Operation#1");
  EXPECT_EQ(board.violations().all()[0].kind, "rng.readable_buffer");
  split::UsedElem e{};
  ram.load(used + 4, &e);
  EXPECT_EQ(e.len, 8u);  // the writable part is still served
}

}  // namespace
}  // namespace vsim

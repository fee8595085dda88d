// Block and console: registration, and the test shapes their files share (a faulty driver, a device-direction check
// and a driver-direction check, each on a board with chosen device options). The workloads, device tests and mutants
// are in blk_workload.cpp, blk_tests.cpp, blk_mutants.cpp and their console_*.cpp counterparts.
#include <algorithm>

#include "blk_console.h"
#include "blk_zoned.h"

namespace vsim::conformance {

namespace blkcon {

namespace {

/// Build the board with the test's device options, discover its one device, and run the body with our driver stack.
void runOnBoard(TestContext& ctx, const model::DeviceOptions& options, const Body& body) {
  for (const auto& [k, v] : options) ctx.spec().options[k] = v;
  ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
    auto found = drv::discover(hal, sink);
    if (found.size() != 1) return ctx.harnessError("expected exactly one device, discovered " + std::to_string(found.size()));
    body(ctx, hal, sink, found[0]);
  });
}

}  // namespace

TestInfo makeMutant(Mutant m) {
  TestInfo t;
  t.id = m.id;
  t.target = Direction::Driver;
  t.kind = "negative";
  t.clauses = {m.clause};
  t.deviceTypes = {m.deviceType};
  t.transports = m.transports;
  t.description = m.description;
  t.run = [m](TestContext& ctx) {
    runOnBoard(ctx, m.deviceOptions, m.body);
    // the fault must have been reported, and nothing else (a not-supported outcome is kept by the verbs)
    if (!ctx.failed()) ctx.expectOnlyClause(m.clause);
  };
  return t;
}

namespace {
/// A positive check in one direction: the device-direction one is judged by our driver stack's checks of the
/// device; the driver-direction one by the strict device (and our driver must see nothing wrong either).
TestInfo makeCheck(DeviceCheck c, Direction d) {
  TestInfo t;
  t.id = c.id;
  t.target = d;
  t.kind = "positive";
  t.clauses = c.clauses;
  t.deviceTypes = {c.deviceType};
  t.transports = c.transports;
  t.description = c.description;
  t.run = [c, d](TestContext& ctx) {
    runOnBoard(ctx, c.deviceOptions, c.body);
    const bool driverUnderTest = d == Direction::Driver;
    ctx.judgeClauses(c.clauses, driverUnderTest ? ctx.deviceSaw() : ctx.driverSaw());
    if (driverUnderTest)
      for (const auto& v : ctx.deviceSaw().all()) ctx.check(false, "device saw: " + toString(v));
    for (const auto& v : ctx.driverSaw().all()) ctx.check(false, "driver saw: " + toString(v));
  };
  return t;
}
}  // namespace

TestInfo makeDeviceCheck(DeviceCheck c) { return makeCheck(std::move(c), Direction::Device); }

TestInfo makeDriverCheck(DeviceCheck c) { return makeCheck(std::move(c), Direction::Driver); }

std::vector<uint8_t> pattern(uint64_t seed, size_t bytes) {
  std::vector<uint8_t> v(bytes);
  uint64_t x = seed * 0x9e3779b97f4a7c15ull + 0x2545f4914f6cdd1dull;
  for (auto& b : v) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    b = static_cast<uint8_t>(x >> 24);
  }
  return v;
}

bool waitUsed(drv::Device& dev, uint16_t q, uint64_t timeoutNs, uint64_t* cookie, uint32_t* len) {
  drv::DriverQueue& dq = dev.queue(q);
  drv::Deadline dl(dev.hal(), timeoutNs);
  for (;;) {
    if (dq.getUsed(cookie, len)) return true;
    if (dq.broken()) return false;
    if (dl.expired()) return dq.getUsed(cookie, len);
    if (dev.hal().waitForInterrupt(std::min<uint64_t>(dl.remainingNs(), 1'000'000))) dev.poll();
  }
}

}  // namespace blkcon

void registerBlkConsoleTests(std::vector<TestInfo>& out) {
  blkcon::registerBlkTests(out);
  blkcon::registerBlkMutants(out);
  blkcon::registerBlkZonedTests(out);
  blkcon::registerBlkZonedMutants(out);
  blkcon::registerBlkZonedWorkload(out);
  blkcon::registerConsoleTests(out);
  blkcon::registerConsoleMutants(out);
}

}  // namespace vsim::conformance

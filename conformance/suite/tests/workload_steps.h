// Workload steps that survive a device asking for a reset: a step interrupted by DEVICE_NEEDS_RESET (a device
// personality may set it after a few requests) runs again on the re-initialised device, as a driver would do it.
// Any other failure of a step fails the test with the step's name and reason.
#pragma once
#include <functional>
#include <string>

#include "vsim/conformance/suite.h"
#include "vsim/drv/device.h"

namespace vsim::conformance {

class WorkloadSteps {
 public:
  /// attempts: initialisations one step may use (a step that needs a fresh device gets one on its second try).
  WorkloadSteps(TestContext& ctx, drv::Device& device, unsigned attempts = 4)
      : ctx_(ctx), dev_(device), attempts_(attempts) {}

  /// Run `step` (returns "" when it did its job, else why not) until it succeeds or fails for a reason other than
  /// the device asking for a reset.
  void run(const std::string& name, const std::function<std::string()>& step) {
    if (ctx_.failed()) return;
    std::string why;
    for (unsigned attempt = 0; attempt < attempts_; ++attempt) {
      why = dev_.live() ? step() : std::string("the device is not live");
      if (why.empty()) return;
      dev_.poll();  // a configuration change interrupt tells a DEVICE_NEEDS_RESET
      if (dev_.state() != drv::DeviceState::NeedsReset) break;
      ++recoveries_;
      if (!dev_.recover()) return ctx_.check(false, name + ": the device did not come back after a reset");
    }
    ctx_.check(false, name + ": " + why);
  }
  unsigned recoveries() const { return recoveries_; }

 private:
  TestContext& ctx_;
  drv::Device& dev_;
  unsigned attempts_;
  unsigned recoveries_ = 0;
};

}  // namespace vsim::conformance

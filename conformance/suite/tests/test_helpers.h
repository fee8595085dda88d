// Small helpers shared by the suite's test files.
#pragma once
#include <memory>
#include <string>

#include "vsim/abi/status.h"
#include "vsim/conformance/suite.h"
#include "vsim/drv/discover.h"

namespace vsim::conformance {

using TK = model::TransportKind;

inline bool isLegacy(const Config& c) {
  return c.transport == TK::PciLegacy || c.transport == TK::MmioV1;
}

/// Discover the configuration's device and build its transport (no initialisation). nullptr = harness error.
inline std::unique_ptr<drv::Transport> rawTransport(TestContext& ctx, drv::Hal& hal, ViolationSink& sink,
                                                    drv::DiscoveredDevice* found = nullptr) {
  auto all = drv::discover(hal, sink);
  if (all.size() != 1) {
    ctx.harnessError("expected exactly one device, discovered " + std::to_string(all.size()));
    return nullptr;
  }
  if (found) *found = all[0];
  auto t = drv::makeTransport(hal, all[0], false, sink);
  if (!t) ctx.harnessError("no transport for " + all[0].location);
  return t;
}

/// A feature set a correct modern driver would accept (VERSION_1 only) or a legacy one (nothing).
inline uint64_t minimalFeatures(const Config& c) { return isLegacy(c) ? 0 : (uint64_t{1} << 32); }

void registerWorkloadTests(std::vector<TestInfo>& out);
void registerRingVectorTests(std::vector<TestInfo>& out);
void registerInitMutants(std::vector<TestInfo>& out);
void registerDeviceTests(std::vector<TestInfo>& out);
void registerTransportMutants(std::vector<TestInfo>& out);
void registerMoreMutants(std::vector<TestInfo>& out);
void registerBlkConsoleTests(std::vector<TestInfo>& out);  // blk_console_tests.cpp
void registerNetInputTests(std::vector<TestInfo>& out);    // net_input_tests.cpp
void registerTransportLayoutTests(std::vector<TestInfo>& out);  // transport_layout_tests.cpp
void registerRingCoreTests(std::vector<TestInfo>& out);         // ring_core_tests.cpp
void registerSuspendTestsAll(std::vector<TestInfo>& out);       // suspend_tests.cpp, suspend_mutants.cpp

/// Per-device-type workloads of the built-in driver (bring-up plus real I/O), used by workload_tests.cpp.
void blkWorkload(TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d);
/// The zoned block workload (blk_zoned_workload.cpp), run on the "blk-zoned" target.
void blkZonedWorkload(TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d);
void consoleWorkload(TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d);
void netWorkload(TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d);
void inputWorkload(TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d);

}  // namespace vsim::conformance

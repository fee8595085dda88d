// Shared by the block and console tests (blk_*.cpp, console_*.cpp): tests on a board whose device options the test
// chooses, in both directions, and the registration functions of those files.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "test_helpers.h"

namespace vsim::conformance::blkcon {

/// What a test body gets: the context, our HAL, the driver-side sink and the one device discovery found.
using Body = std::function<void(TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d)>;

/// A faulty driver: it behaves correctly up to exactly one access that breaks `clause` (a driver-normative
/// statement). The strict device must report that clause and nothing else.
struct Mutant {
  std::string id;                      ///< virtio.driver.core.<type>.<case>
  std::string clause;                  ///< the statement the fault breaks (full clause ID)
  std::string description;             ///< the fault, in one line
  std::string deviceType;              ///< "blk" | "console"
  std::vector<TK> transports;          ///< empty = every transport of the configuration list
  model::DeviceOptions deviceOptions;  ///< device options of this test's board (key=value; empty = defaults)
  Body body;                           ///< correct steps, then the fault; ctx.notSupported() when it cannot run
};
TestInfo makeMutant(Mutant m);

/// A device-direction test: the suite acts as a correct or hostile driver and checks device-normative statements by
/// observation (ctx.check) and through the checks of our driver stack (any violation our driver reports fails it).
struct DeviceCheck {
  std::string id;                      ///< virtio.device.core.<type>.<case>
  std::vector<std::string> clauses;    ///< the device-normative statements it judges (full clause IDs)
  std::string description;
  std::string deviceType;              ///< "blk" | "console"
  std::vector<TK> transports;          ///< empty = every transport of the configuration list
  model::DeviceOptions deviceOptions;  ///< device options of this test's board
  Body body;
};
TestInfo makeDeviceCheck(DeviceCheck c);

/// A driver-direction positive test: our driver stack does correct work on a board with chosen device options; the
/// strict device judges the listed driver-normative statements (any violation it reports fails the test).
TestInfo makeDriverCheck(DeviceCheck c);

/// Deterministic bytes (xorshift) for data patterns.
std::vector<uint8_t> pattern(uint64_t seed, size_t bytes);

/// Wait up to timeoutNs (simulated) for a used buffer on queue q of a live device; interrupts are processed on the
/// way. True with its cookie and length when one came back.
bool waitUsed(drv::Device& dev, uint16_t q, uint64_t timeoutNs, uint64_t* cookie = nullptr, uint32_t* len = nullptr);

void registerBlkTests(std::vector<TestInfo>& out);         // blk_tests.cpp
void registerBlkMutants(std::vector<TestInfo>& out);       // blk_mutants.cpp
void registerConsoleTests(std::vector<TestInfo>& out);     // console_tests.cpp
void registerConsoleMutants(std::vector<TestInfo>& out);   // console_mutants.cpp

}  // namespace vsim::conformance::blkcon

// The entropy device end to end on every transport generation: our driver stack (discover, open, RngDriver) on the
// functional board, and on the SystemC platform in fast and in timed mode. Each ctest runs one TEST in its own
// process (SystemC elaborates once per process).
#include <gtest/gtest.h>

#include "vsim/drv/discover.h"
#include "vsim/drv/rng_driver.h"
#include "vsim/harness/cpu_hal.h"
#include "vsim/harness/platform_desc.h"
#include "vsim/model/board.h"
#include "vsim/model/sc_simulation.h"

namespace vsim {
namespace {

using model::TransportKind;

enum class Mode { Functional, ScFast, ScTimed };

struct Combo {
  TransportKind transport;
  bool forceLegacy;  ///< transitional device driven through its legacy interface
  drv::DiscoveredKind expectKind;
  const char* name;
};

const Combo kCombos[] = {
    {TransportKind::PciModern, false, drv::DiscoveredKind::PciModern, "pci_modern"},
    {TransportKind::PciLegacy, false, drv::DiscoveredKind::PciLegacy, "pci_legacy"},
    {TransportKind::PciTransitional, false, drv::DiscoveredKind::PciTransitional, "pci_transitional_as_modern"},
    {TransportKind::PciTransitional, true, drv::DiscoveredKind::PciTransitional, "pci_transitional_as_legacy"},
    {TransportKind::MmioV2, false, drv::DiscoveredKind::MmioV2, "mmio_v2"},
    {TransportKind::MmioV1, false, drv::DiscoveredKind::MmioV1, "mmio_v1"},
};

struct Param {
  Combo combo;
  Mode mode;
};

void PrintTo(const Param& p, std::ostream* os) { *os << p.combo.name << "/" << static_cast<int>(p.mode); }

/// The bytes an RngDevice with this seed produces (splitmix64 stream, little-endian words).
std::vector<uint8_t> expectedBytes(uint64_t seed, size_t n) {
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

/// Run fn on the CPU of the chosen platform flavour.
void runOn(model::Board& board, Mode mode, const std::function<void(model::CpuPort&)>& fn) {
  if (mode == Mode::Functional) {
    fn(board.functionalCpu());
    return;
  }
  model::ScSimulation sim(board, mode == Mode::ScFast ? model::SimMode::Fast : model::SimMode::Timed);
  sim.run(fn);
}

class EntropyEndToEnd : public ::testing::TestWithParam<Param> {};

TEST_P(EntropyEndToEnd, DriverReadsTheSeededBytes) {
  const Param p = GetParam();
  model::BoardConfig cfg;
  model::DeviceSpec spec;
  spec.transport = p.combo.transport;
  spec.rng.seed = 1234;
  cfg.devices.push_back(spec);
  if (const char* t = std::getenv("VSIM_TEST_TRACE")) cfg.tracePath = t;  // debugging aid: JSON-lines trace
  model::Board board(cfg);
  std::vector<uint8_t> got(3 * 4096);
  ViolationLog driverSaw;
  runOn(board, p.mode, [&](model::CpuPort& cpu) {
    harness::CpuHal hal(cpu, harness::toPlatformDesc(board.map()), 1 << 20, 32 << 20);
    auto found = drv::discover(hal, driverSaw);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].type, 4);
    EXPECT_EQ(found[0].kind, p.combo.expectKind) << drv::discoveredKindName(found[0].kind);
    drv::DriverOptions opts;
    opts.forceLegacy = p.combo.forceLegacy;
    auto rng = drv::RngDriver::open(hal, found[0], opts, driverSaw);
    ASSERT_TRUE(rng && rng->ok());
    EXPECT_EQ(rng->device().legacy(),
              p.combo.forceLegacy || p.combo.transport == TransportKind::PciLegacy ||
                  p.combo.transport == TransportKind::MmioV1);
    EXPECT_EQ(rng->read(got.data(), got.size(), 10'000'000'000ull), got.size());
  });
  EXPECT_EQ(got, expectedBytes(1234, got.size()));
  for (const auto& v : board.violations().all()) ADD_FAILURE() << "device saw: " << toString(v);
  for (const auto& v : driverSaw.all()) ADD_FAILURE() << "driver saw: " << toString(v);
  EXPECT_GE(board.core(0).stats().chainsDone, 3u);
}

std::vector<Param> allParams() {
  std::vector<Param> v;
  for (Mode m : {Mode::Functional, Mode::ScFast, Mode::ScTimed})
    for (const auto& c : kCombos) v.push_back(Param{c, m});
  return v;
}

std::string paramName(const ::testing::TestParamInfo<Param>& i) {
  static const char* const kModeNames[] = {"functional", "sc_fast", "sc_timed"};
  return std::string(i.param.combo.name) + "_" + kModeNames[static_cast<int>(i.param.mode)];
}

INSTANTIATE_TEST_SUITE_P(Transports, EntropyEndToEnd, ::testing::ValuesIn(allParams()), paramName);

// A second ScSimulation in one process is a misuse with a clear error, not a crash.
TEST(ScSimulationMisuse, SecondElaborationThrows) {
  model::BoardConfig cfg;
  cfg.devices.push_back(model::DeviceSpec{});
  model::Board board(cfg);
  model::ScSimulation first(board, model::SimMode::Fast);
  EXPECT_THROW(model::ScSimulation(board, model::SimMode::Fast), std::logic_error);
}

TEST(BoardConfigErrors, UnknownDeviceTypeIsAClearError) {
  model::BoardConfig cfg;
  model::DeviceSpec spec;
  spec.type = "toaster";
  cfg.devices.push_back(spec);
  try {
    model::Board board(cfg);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("toaster"), std::string::npos);
  }
}

}  // namespace
}  // namespace vsim

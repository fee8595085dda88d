// The transaction trace and the waveform: deterministic (same inputs, same bytes), identical between the
// functional board and the SystemC fast mode, and well-formed (every line JSON with the documented fields; a VCD
// that a viewer can load: header, definitions, monotonic timestamps).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "vsim/drv/discover.h"
#include "vsim/drv/rng_driver.h"
#include "vsim/harness/cpu_hal.h"
#include "vsim/harness/platform_desc.h"
#include "vsim/model/board.h"
#include "vsim/model/sc_simulation.h"

namespace vsim {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

/// One entropy device on each transport family, 2 KiB read from each; writes trace and VCD to the given paths.
void runScenario(const std::string& trace, const std::string& vcd, bool systemc) {
  model::BoardConfig cfg;
  for (auto t : {model::TransportKind::PciModern, model::TransportKind::MmioV2}) {
    model::DeviceSpec s;
    s.transport = t;
    cfg.devices.push_back(s);
  }
  cfg.tracePath = trace;
  cfg.vcdPath = vcd;
  model::Board board(cfg);
  auto work = [&](model::CpuPort& cpu) {
    harness::CpuHal hal(cpu, harness::toPlatformDesc(board.map()), 1 << 20, 16 << 20);
    ViolationLog log;
    for (const auto& d : drv::discover(hal, log)) {
      auto rng = drv::RngDriver::open(hal, d, drv::DriverOptions{}, log);
      ASSERT_TRUE(rng);
      std::vector<uint8_t> buf(2048);
      EXPECT_EQ(rng->read(buf.data(), buf.size(), 1'000'000'000), buf.size());
    }
    EXPECT_TRUE(log.empty());
  };
  if (systemc) {
    model::ScSimulation sim(board, model::SimMode::Fast);
    sim.run(work);
  } else {
    work(board.functionalCpu());
  }
  board.finish();
}

TEST(Trace, SameRunSameBytesAndSameInFastSystemC) {
  const std::string dir = ::testing::TempDir();
  runScenario(dir + "/a.jsonl", dir + "/a.vcd", false);
  runScenario(dir + "/b.jsonl", dir + "/b.vcd", false);
  runScenario(dir + "/c.jsonl", dir + "/c.vcd", true);
  const std::string a = slurp(dir + "/a.jsonl");
  ASSERT_GT(a.size(), 1000u);
  EXPECT_EQ(a, slurp(dir + "/b.jsonl"));
  EXPECT_EQ(a, slurp(dir + "/c.jsonl")) << "fast SystemC mode and the functional board must trace the same run";
  EXPECT_EQ(slurp(dir + "/a.vcd"), slurp(dir + "/b.vcd"));
  EXPECT_EQ(slurp(dir + "/a.vcd"), slurp(dir + "/c.vcd"));
}

TEST(Trace, EveryLineIsJsonWithTheDocumentedFields) {
  const std::string path = ::testing::TempDir() + "/t.jsonl";
  runScenario(path, "", false);
  std::ifstream f(path);
  std::string line;
  std::map<std::string, int> kinds;
  std::set<std::string> regs;
  uint64_t lines = 0;
  while (std::getline(f, line)) {
    ++lines;
    auto j = nlohmann::json::parse(line);  // throws on malformed JSON
    ASSERT_TRUE(j.contains("t") && j["t"].is_number_unsigned()) << line;
    ASSERT_TRUE(j.contains("ev") && j.contains("dev")) << line;
    const std::string ev = j["ev"];
    ++kinds[ev];
    if (ev == "reg") {
      for (const char* k : {"space", "addr", "len", "rw", "val", "reg"}) ASSERT_TRUE(j.contains(k)) << line;
      regs.insert(j["reg"].get<std::string>());
    }
    if (ev == "dma") {
      for (const char* k : {"q", "kind", "gpa", "len", "rw"}) ASSERT_TRUE(j.contains(k)) << line;
    }
  }
  EXPECT_GT(lines, 100u);
  for (const char* k : {"reg", "dma", "driver_notify", "used_irq", "status"}) EXPECT_GT(kinds[k], 0) << k;
  // register accesses are decoded by name on both transports
  EXPECT_TRUE(regs.count("common.queue_select") || regs.count("00:00.0/BAR4/common.queue_select")) << "pci names";
  bool mmioNamed = false;
  for (const auto& r : regs) mmioNamed |= r == "QueueNotify";
  EXPECT_TRUE(mmioNamed);
}

TEST(Waveform, VcdIsWellFormed) {
  const std::string path = ::testing::TempDir() + "/w.vcd";
  runScenario("", path, false);
  std::ifstream f(path);
  std::string line;
  bool defs = false, sawIrq = false;
  uint64_t last = 0, stamps = 0;
  while (std::getline(f, line)) {
    if (line.find("$enddefinitions") != std::string::npos) defs = true;
    if (line.find("$var wire 1") != std::string::npos && line.find("irq") != std::string::npos) sawIrq = true;
    if (defs && !line.empty() && line[0] == '#') {
      const uint64_t t = std::stoull(line.substr(1));
      EXPECT_GE(t, last);
      last = t;
      ++stamps;
    }
  }
  EXPECT_TRUE(defs);
  EXPECT_TRUE(sawIrq);
  EXPECT_GT(stamps, 4u);
}

TEST(TraceErrors, UnwritableTracePathIsAClearError) {
  model::BoardConfig cfg;
  cfg.tracePath = "/nonexistent-dir/x/trace.jsonl";
  try {
    model::Board b(cfg);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("cannot open trace file"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace vsim

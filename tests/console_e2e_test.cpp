// The console device end to end: our driver stack (discover, open, ConsoleDriver) against ConsoleDevice on every
// transport it has (PCI modern, PCI legacy, transitional as modern and as legacy, MMIO v2 and v1), on the
// functional board and on the SystemC platform in fast and timed mode. Single-port echo through the capture
// backend, multiport with three ports and the whole handshake (names, console port, host open, resize, hot-plug),
// the emergency write, the file backend and a unix socket a plain POSIX client talks to. Each run checks that
// neither side reported a violation. One ctest per TEST (SystemC elaborates once per process).
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "vsim/drv/console_driver.h"
#include "vsim/drv/discover.h"
#include "vsim/harness/cpu_hal.h"
#include "vsim/harness/platform_desc.h"
#include "vsim/model/board.h"
#include "vsim/model/console_device.h"
#include "vsim/model/sc_simulation.h"

namespace vsim {
namespace {

using model::TransportKind;

enum class Mode { Functional, ScFast, ScTimed };

struct Combo {
  TransportKind transport;
  bool forceLegacy;
  const char* name;
};

const Combo kPciModern{TransportKind::PciModern, false, "pci_modern"};
const Combo kPciLegacy{TransportKind::PciLegacy, false, "pci_legacy"};
const Combo kTransModern{TransportKind::PciTransitional, false, "pci_transitional_as_modern"};
const Combo kTransLegacy{TransportKind::PciTransitional, true, "pci_transitional_as_legacy"};
const Combo kMmioV2{TransportKind::MmioV2, false, "mmio_v2"};
const Combo kMmioV1{TransportKind::MmioV1, false, "mmio_v1"};
const Combo kAll[] = {kPciModern, kPciLegacy, kTransModern, kTransLegacy, kMmioV2, kMmioV1};

struct Param {
  Combo combo;
  Mode mode;
};

void PrintTo(const Param& p, std::ostream* os) { *os << p.combo.name << "/" << static_cast<int>(p.mode); }

std::string paramName(const ::testing::TestParamInfo<Param>& i) {
  static const char* const kModeNames[] = {"functional", "sc_fast", "sc_timed"};
  return std::string(i.param.combo.name) + "_" + kModeNames[static_cast<int>(i.param.mode)];
}

/// Every transport in the functional mode, and a modern, a legacy and an MMIO one in both SystemC modes.
std::vector<Param> allParams() {
  std::vector<Param> v;
  for (const auto& c : kAll) v.push_back(Param{c, Mode::Functional});
  for (Mode m : {Mode::ScFast, Mode::ScTimed})
    for (const auto& c : {kPciModern, kTransLegacy, kMmioV1}) v.push_back(Param{c, m});
  return v;
}

void runOn(model::Board& board, Mode mode, const std::function<void(model::CpuPort&)>& fn) {
  if (mode == Mode::Functional) {
    fn(board.functionalCpu());
    return;
  }
  model::ScSimulation sim(board, mode == Mode::ScFast ? model::SimMode::Fast : model::SimMode::Timed);
  sim.run(fn);
}

model::BoardConfig consoleBoard(const Combo& c, model::DeviceOptions options) {
  model::BoardConfig cfg;
  model::DeviceSpec spec;
  spec.type = "console";
  spec.transport = c.transport;
  spec.options = std::move(options);
  cfg.devices.push_back(spec);
  if (const char* t = std::getenv("VSIM_TEST_TRACE")) cfg.tracePath = t;  // debugging aid
  return cfg;
}

model::ConsoleDevice& consoleOf(model::Board& b) { return static_cast<model::ConsoleDevice&>(b.logic(0)); }

/// Open the one console of the board with our driver stack.
std::unique_ptr<drv::ConsoleDriver> openConsole(drv::Hal& hal, const Combo& c, ViolationLog& sink,
                                                drv::ConsoleOptions co = {}) {
  auto found = drv::discover(hal, sink);
  EXPECT_EQ(found.size(), 1u);
  if (found.size() != 1) return nullptr;
  EXPECT_EQ(found[0].type, 3);
  drv::DriverOptions opts;
  opts.forceLegacy = c.forceLegacy;
  auto con = drv::ConsoleDriver::open(hal, found[0], opts, sink, co);
  EXPECT_TRUE(con && con->ok());
  if (con) {
    EXPECT_EQ(con->device().legacy(), c.forceLegacy || c.transport == TransportKind::PciLegacy ||
                                          c.transport == TransportKind::MmioV1);
  }
  return con;
}

std::string readString(drv::ConsoleDriver& con, uint32_t port, size_t want, uint64_t timeoutNs = 1'000'000'000) {
  std::string out;
  char buf[256];
  for (int i = 0; i < 64 && out.size() < want; ++i) {
    const size_t n = con.read(port, buf, std::min(sizeof buf, want - out.size()), timeoutNs);
    if (n == 0) break;
    out.append(buf, n);
  }
  return out;
}

void expectNoViolations(model::Board& board, const ViolationLog& driverSaw) {
  for (const auto& v : board.violations().all()) ADD_FAILURE() << "device saw: " << toString(v);
  for (const auto& v : driverSaw.all()) ADD_FAILURE() << "driver saw: " << toString(v);
}

harness::CpuHal halOn(model::CpuPort& cpu, model::Board& board) {
  return harness::CpuHal(cpu, harness::toPlatformDesc(board.map()), 1 << 20, 32 << 20);
}

// ---------------------------------------------------------------------------------------------------------------

class ConsoleEndToEnd : public ::testing::TestWithParam<Param> {};

TEST_P(ConsoleEndToEnd, SinglePortEchoThroughCapture) {
  const Param p = GetParam();
  model::Board board(consoleBoard(p.combo, {{"cols", "132"}, {"rows", "43"}}));
  auto& dev = consoleOf(board);
  ViolationLog driverSaw;
  runOn(board, p.mode, [&](model::CpuPort& cpu) {
    auto hal = halOn(cpu, board);
    auto con = openConsole(hal, p.combo, driverSaw);
    ASSERT_TRUE(con);
    EXPECT_FALSE(con->multiport());
    uint16_t cols = 0, rows = 0;
    ASSERT_TRUE(con->size(&cols, &rows));
    EXPECT_EQ(cols, 132);
    EXPECT_EQ(rows, 43);
    const std::string out = "hello from the guest\n";
    EXPECT_EQ(con->write(0, out.data(), out.size(), 1'000'000'000), out.size());
    EXPECT_EQ(dev.takeOutput(0), out);
    // The host echoes it back, in two parts, one larger than a receive buffer.
    const std::string back = std::string(600, 'e') + out;
    EXPECT_EQ(dev.pushInput(0, back), back.size());
    EXPECT_EQ(readString(*con, 0, back.size()), back);
    // A size change of port 0 reaches the driver as a configuration change.
    EXPECT_TRUE(dev.resize(0, 100, 30));
    con->service();
    ASSERT_TRUE(con->size(&cols, &rows));
    EXPECT_EQ(cols, 100);
    EXPECT_EQ(rows, 30);
  });
  EXPECT_GE(dev.stats().rxBytes, 621u);
  expectNoViolations(board, driverSaw);
}

TEST_P(ConsoleEndToEnd, MultiportThreePortsWithHandshake) {
  const Param p = GetParam();
  model::Board board(consoleBoard(
      p.combo, {{"ports", "3"}, {"max_ports", "4"}, {"name", "org.vsim.console,org.vsim.one,org.vsim.two"},
                {"console", "0"}}));
  auto& dev = consoleOf(board);
  ViolationLog driverSaw;
  runOn(board, p.mode, [&](model::CpuPort& cpu) {
    auto hal = halOn(cpu, board);
    auto con = openConsole(hal, p.combo, driverSaw);
    ASSERT_TRUE(con);
    ASSERT_TRUE(con->multiport());
    EXPECT_EQ(con->maxPorts(), 4u);
    ASSERT_TRUE(con->waitForPorts(3, 1'000'000'000));
    con->service();
    EXPECT_EQ(con->ports(), (std::vector<uint32_t>{0, 1, 2}));
    const char* names[] = {"org.vsim.console", "org.vsim.one", "org.vsim.two"};
    for (uint32_t i = 0; i < 3; ++i) {
      const drv::ConsolePortInfo* info = con->port(i);
      ASSERT_TRUE(info) << i;
      EXPECT_EQ(info->name, names[i]);
      EXPECT_EQ(info->console, i == 0);
      EXPECT_TRUE(info->hostOpen);
      EXPECT_TRUE(info->guestOpen);
      const model::ConsolePortStatus s = dev.portStatus(i);
      EXPECT_TRUE(s.announced && s.ready && s.guestOpen && s.hostOpen) << i;
    }
    EXPECT_TRUE(dev.deviceReady());
    // Data on every port, both ways, kept apart.
    for (uint32_t i = 0; i < 3; ++i) {
      const std::string out = "guest to port " + std::to_string(i);
      EXPECT_EQ(con->write(i, out.data(), out.size(), 1'000'000'000), out.size());
      dev.pushInput(i, "host to port " + std::to_string(i));
    }
    for (uint32_t i = 0; i < 3; ++i) {
      EXPECT_EQ(dev.takeOutput(i), "guest to port " + std::to_string(i));
      const std::string in = "host to port " + std::to_string(i);
      EXPECT_EQ(readString(*con, i, in.size()), in);
    }
    // The host closes port 2, resizes port 1, and hot-plugs port 3.
    dev.setHostConnected(2, false);
    EXPECT_TRUE(dev.resize(1, 120, 40));
    model::ConsolePortParams extra;
    extra.name = "org.vsim.hot";
    EXPECT_TRUE(dev.addPort(3, extra));
    ASSERT_TRUE(con->waitForPorts(4, 1'000'000'000));
    con->service();
    EXPECT_FALSE(con->port(2)->hostOpen);
    EXPECT_EQ(con->port(1)->cols, 120);
    EXPECT_EQ(con->port(1)->rows, 40);
    ASSERT_TRUE(con->port(3));
    EXPECT_EQ(con->port(3)->name, "org.vsim.hot");
    EXPECT_EQ(con->write(3, "hot", 3, 1'000'000'000), 3u);
    EXPECT_EQ(dev.takeOutput(3), "hot");
    // And unplugs port 1.
    EXPECT_TRUE(dev.removePort(1));
    for (int i = 0; i < 16 && con->port(1); ++i) con->service();
    EXPECT_EQ(con->port(1), nullptr);
    EXPECT_EQ(con->ports(), (std::vector<uint32_t>{0, 2, 3}));
  });
  expectNoViolations(board, driverSaw);
}

TEST_P(ConsoleEndToEnd, EmergencyWrite) {
  const Param p = GetParam();
  model::Board board(consoleBoard(p.combo, {}));
  auto& dev = consoleOf(board);
  ViolationLog driverSaw;
  runOn(board, p.mode, [&](model::CpuPort& cpu) {
    auto hal = halOn(cpu, board);
    auto con = openConsole(hal, p.combo, driverSaw);
    ASSERT_TRUE(con);
    for (char c : std::string("panic!")) EXPECT_TRUE(con->emergencyWrite(static_cast<uint8_t>(c)));
  });
  EXPECT_EQ(dev.emergencyOutput(), "panic!");
  EXPECT_EQ(dev.takeOutput(0), "panic!");
  expectNoViolations(board, driverSaw);
}

INSTANTIATE_TEST_SUITE_P(Transports, ConsoleEndToEnd, ::testing::ValuesIn(allParams()), paramName);

// ---------------------------------------------------------------------------------------------------------------

std::string tempPath(const std::string& tag) { return "/tmp/vsim_con_e2e_" + tag + "_" + std::to_string(getpid()); }

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

class ConsoleBackendsEndToEnd : public ::testing::TestWithParam<Param> {};

TEST_P(ConsoleBackendsEndToEnd, FileBackend) {
  const Param p = GetParam();
  const std::string out = tempPath("out") + p.combo.name, in = tempPath("in") + p.combo.name;
  std::remove(out.c_str());
  { std::ofstream(in) << "from the input file"; }
  model::Board board(consoleBoard(p.combo, {{"backend", "file"}, {"path", out}, {"input", in}}));
  auto& dev = consoleOf(board);
  ViolationLog driverSaw;
  runOn(board, p.mode, [&](model::CpuPort& cpu) {
    auto hal = halOn(cpu, board);
    auto con = openConsole(hal, p.combo, driverSaw);
    ASSERT_TRUE(con);
    EXPECT_EQ(con->write(0, "to the output file", 18, 1'000'000'000), 18u);
    dev.poll();  // the platform steps: the device reads the input file
    EXPECT_EQ(readString(*con, 0, 19), "from the input file");
    { std::ofstream(in, std::ios::app) << "; more"; }
    dev.poll();
    EXPECT_EQ(readString(*con, 0, 6), "; more");
  });
  EXPECT_EQ(slurp(out), "to the output file");
  expectNoViolations(board, driverSaw);
  std::remove(out.c_str());
  std::remove(in.c_str());
}

TEST_P(ConsoleBackendsEndToEnd, UnixSocketBothWays) {
  const Param p = GetParam();
  const std::string path = tempPath("sock") + std::to_string(static_cast<int>(p.mode));
  // Port 0 on capture, port 1 on the socket: the client's connection opens port 1 for the driver.
  model::Board board(consoleBoard(p.combo, {{"ports", "2"}, {"backend", "capture,socket"}, {"path", "," + path}}));
  auto& dev = consoleOf(board);
  ViolationLog driverSaw;
  runOn(board, p.mode, [&](model::CpuPort& cpu) {
    auto hal = halOn(cpu, board);
    auto con = openConsole(hal, p.combo, driverSaw);
    ASSERT_TRUE(con);
    ASSERT_TRUE(con->waitForPorts(2, 1'000'000'000));
    con->service();
    EXPECT_FALSE(con->port(1)->hostOpen);  // nobody connected yet
    const std::string early = "written before the client came\n";
    EXPECT_EQ(con->write(1, early.data(), early.size(), 1'000'000'000), early.size());

    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    dev.poll();  // the platform steps: the device accepts the client and tells the driver
    for (int i = 0; i < 16 && !con->port(1)->hostOpen; ++i) con->service();
    EXPECT_TRUE(con->port(1)->hostOpen);

    const std::string later = "and after\n";
    EXPECT_EQ(con->write(1, later.data(), later.size(), 1'000'000'000), later.size());
    std::string got;
    char buf[256];
    for (int i = 0; i < 200 && got.size() < early.size() + later.size(); ++i) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n > 0) got.append(buf, static_cast<size_t>(n));
      else ::usleep(1000);
    }
    EXPECT_EQ(got, early + later);

    const std::string typed = "typed by the host\n";
    ASSERT_EQ(::send(fd, typed.data(), typed.size(), 0), static_cast<ssize_t>(typed.size()));
    dev.poll();
    EXPECT_EQ(readString(*con, 1, typed.size()), typed);
    ::close(fd);
    dev.poll();
    for (int i = 0; i < 16 && con->port(1)->hostOpen; ++i) con->service();
    EXPECT_FALSE(con->port(1)->hostOpen);
  });
  expectNoViolations(board, driverSaw);
}

/// The file and socket backends on every transport functionally, and on one SystemC configuration per mode.
std::vector<Param> backendParams() {
  std::vector<Param> v;
  for (const auto& c : kAll) v.push_back(Param{c, Mode::Functional});
  v.push_back(Param{kMmioV2, Mode::ScFast});
  v.push_back(Param{kPciLegacy, Mode::ScTimed});
  return v;
}

INSTANTIATE_TEST_SUITE_P(Transports, ConsoleBackendsEndToEnd, ::testing::ValuesIn(backendParams()), paramName);

TEST(ConsoleBoardConfig, BadOptionsAreClearErrors) {
  model::BoardConfig cfg = consoleBoard(kPciModern, {{"ports", "2"}, {"multiport", "false"}});
  try {
    model::Board board(cfg);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("multiport"), std::string::npos) << e.what();
  }
  cfg = consoleBoard(kPciModern, {{"backend", "socket"}, {"path", "/nonexistent-dir/sock"}});
  EXPECT_THROW(model::Board board(cfg), std::invalid_argument);
}

}  // namespace
}  // namespace vsim

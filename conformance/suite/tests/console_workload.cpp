// The built-in driver's console workload: real I/O with our ConsoleDriver, checked against what the host sees of
// the device. Every ready port (port 0 alone, or with MULTIPORT every port the device added): output in several
// transmit buffers arrives whole at the port's capture backend; input the host types arrives whole at the driver;
// port 0's size (SIZE) before and after the host resizes the console; the emergency write (EMERG_WRITE).
// A device that asks for a reset (DEVICE_NEEDS_RESET) is reset and initialised again and the transfer resumed.
#include "console_raw.h"
#include "vsim/abi/features.h"
#include "vsim/drv/console_driver.h"
#include "vsim/model/console_device.h"

namespace vsim::conformance {

namespace {

namespace cw = drv::console;
constexpr uint64_t kWaitNs = 1'000'000'000;

class ConsoleRun {
 public:
  ConsoleRun(TestContext& ctx, drv::ConsoleDriver& con, model::ConsoleDevice& host) : ctx_(ctx), con_(con), host_(host) {}

  /// A device that asked for a reset is reset and initialised again (false when that failed or was not the case).
  bool recovered() {
    if (con_.device().state() != drv::DeviceState::NeedsReset || recoveries_ >= 8) return false;
    ++recoveries_;
    return con_.recover() && (!con_.multiport() || con_.waitForPorts(readyWanted_, kWaitNs));
  }
  /// The driver sends `text` on a port; the host's capture backend must get exactly it.
  void output(uint32_t port, const std::string& text) {
    size_t sent = 0;
    while (sent < text.size()) {
      const size_t n = con_.write(port, text.data() + sent, text.size() - sent, kWaitNs);
      sent += n;
      if (sent < text.size() && n == 0 && !recovered()) break;
    }
    ctx_.check(sent == text.size(), "port " + std::to_string(port) + ": wrote " + std::to_string(sent) + " of " +
                                        std::to_string(text.size()) + " bytes");
    const std::string got = host_.takeOutput(port);
    ctx_.check(got == text, "port " + std::to_string(port) + ": the host received " + std::to_string(got.size()) +
                                " bytes that differ from the " + std::to_string(text.size()) + " sent");
  }
  /// The host types `text` on a port; the driver must read exactly it.
  void input(uint32_t port, const std::string& text) {
    host_.pushInput(port, text);
    std::string got;
    char buf[512];
    for (int idle = 0; got.size() < text.size() && idle < 4;) {
      const size_t n = con_.read(port, buf, std::min(sizeof buf, text.size() - got.size()), kWaitNs);
      got.append(buf, n);
      if (n == 0 && !recovered()) ++idle;
    }
    ctx_.check(got == text, "port " + std::to_string(port) + ": read " + std::to_string(got.size()) + " bytes, " +
                                (got == text.substr(0, got.size()) ? "a prefix" : "different") + " of the " +
                                std::to_string(text.size()) + " typed");
  }
  void setReadyWanted(uint32_t n) { readyWanted_ = n; }

 private:
  TestContext& ctx_;
  drv::ConsoleDriver& con_;
  model::ConsoleDevice& host_;
  int recoveries_ = 0;
  uint32_t readyWanted_ = 1;
};

std::string text(uint64_t seed, size_t n) {
  std::string s;
  for (uint8_t b : blkcon::pattern(seed, n)) s.push_back(static_cast<char>(' ' + b % 95));  // printable
  return s;
}

}  // namespace

void consoleWorkload(TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
  model::ConsoleDevice* host = blkcon::hostConsole(ctx);
  if (!host) return;
  auto con = drv::ConsoleDriver::open(hal, d, {}, sink);
  if (!con || !con->ok()) return ctx.check(false, "console device did not come up");
  ConsoleRun run(ctx, *con, *host);
  uint32_t present = 0;
  for (uint32_t p = 0; p < host->maxPorts(); ++p) present += host->portStatus(p).present;
  if (con->multiport()) {
    run.setReadyWanted(present);
    ctx.check(con->waitForPorts(present, kWaitNs), "not every port became ready");
  }
  const uint64_t seed = ctx.config().seed;
  for (uint32_t p : con->ports()) {
    if (!host->capture(p)) continue;
    run.output(p, text(seed * 8 + p, 10'000));  // three transmit buffers of our driver
    run.input(p, text(seed * 8 + p + 4, 700));  // more than two receive buffers
  }
  // port 0's size: the configuration (SIZE), then a resize by the host (a configuration change, or with
  // MULTIPORT a RESIZE message)
  if (feat::has(con->device().features(), cw::kFSize) && con->port(0)) {
    uint16_t cols = 0, rows = 0;
    ctx.check(con->size(&cols, &rows) && cols == host->params().cols && rows == host->params().rows,
              "the console size read is not the host's");
    host->resize(0, 132, 43);
    drv::Deadline dl(hal, 10'000'000);
    while (!(con->port(0) && con->port(0)->cols == 132) && !dl.expired())
      if (hal.waitForInterrupt(1'000'000)) con->service();
    ctx.check(con->port(0) && con->port(0)->cols == 132 && con->port(0)->rows == 43, "the resize did not arrive");
  }
  // the emergency write reaches port 0's output
  if (feat::has(con->device().offeredFeatures(), cw::kFEmergWrite)) {
    ctx.check(con->emergencyWrite('!'), "emergency write refused");
    ctx.check(!host->emergencyOutput().empty() && host->emergencyOutput().back() == '!', "emergency write lost");
    if (host->capture(0)) ctx.check(host->takeOutput(0) == "!", "the emergency write did not reach port 0");
  }
}

}  // namespace vsim::conformance

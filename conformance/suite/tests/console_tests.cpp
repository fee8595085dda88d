// Console device, device direction: the suite acts as a driver and checks the device-normative statements of the
// console chapter by observation (what the host side receives) and through our console driver's own checks.
#include "console_raw.h"
#include "vsim/abi/features.h"
#include "vsim/abi/status.h"
#include "vsim/drv/console_driver.h"
#include "vsim/model/console_device.h"

namespace vsim::conformance::blkcon {

namespace {

namespace cw = drv::console;
namespace st = vsim::status;
const std::vector<TK> kModern = {TK::PciModern, TK::PciTransitional, TK::MmioV2};

DeviceCheck check(std::string id, std::vector<std::string> clauses, std::string desc, Body body) {
  DeviceCheck c;
  c.id = "virtio.device.core.console." + std::move(id);
  c.clauses = std::move(clauses);
  c.description = std::move(desc);
  c.deviceType = "console";
  c.body = std::move(body);
  return c;
}

/// The device (as the driver's transport sees it) reset and its status read back as 0.
std::unique_ptr<drv::Transport> resetTransport(TestContext& ctx, drv::Hal& hal, ViolationSink& sink,
                                               const drv::DiscoveredDevice& d) {
  auto t = drv::makeTransport(hal, d, false, sink);
  if (!t || !t->reset(100'000'000)) {
    ctx.harnessError("no transport / no reset");
    return nullptr;
  }
  return t;
}

}  // namespace

void registerConsoleTests(std::vector<TestInfo>& out) {
  auto add = [&](DeviceCheck c) { out.push_back(makeDeviceCheck(std::move(c))); };

  add(check("emerg.write_unconfigured",
            {"devicenormative:Device Types / Console Device / Device Initialization#1",
             "devicenormative:Device Types / Console Device / Device Initialization#2"},
            "emerg_wr written right after a reset and again while the features are negotiated: both characters (the "
            "low byte only) reach port 0's output, and the device reports nothing",
            [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
              model::ConsoleDevice* host = hostConsole(ctx);
              auto t = host ? resetTransport(ctx, hal, sink, d) : nullptr;
              if (!t) return;
              if (!host->capture(0)) return ctx.harnessError("port 0 is not a capture port");
              // the harness knows the device offers EMERG_WRITE (early boot code would, too); status is 0 here
              if (!feat::has(host->deviceFeatures(), cw::kFEmergWrite)) return ctx.notSupported("EMERG_WRITE off");
              t->configWrite(cw::kCfgEmergWr, 'E', 4);  // device not configured at all
              t->setStatus(st::kAcknowledge);
              t->setStatus(st::kAcknowledge | st::kDriver);
              ctx.check(feat::has(t->deviceFeatures(), cw::kFEmergWrite), "EMERG_WRITE is not offered");
              t->configWrite(cw::kCfgEmergWr, 0x12345600u | 'w', 4);  // features not negotiated yet
              // devicenormative:Device Types / Console Device / Device Initialization#1: both writes accepted
              ctx.check(host->emergencyOutput() == "Ew", "emergency output '" + host->emergencyOutput() + "'");
              // devicenormative:Device Types / Console Device / Device Initialization#2: the low byte goes out
              ctx.check(host->takeOutput(0) == "Ew", "port 0 did not output the emergency characters");
              for (const auto& v : ctx.deviceSaw().all())
                ctx.check(false, "the device refused a legitimate emergency write: " + toString(v));
            }));
  {
    DeviceCheck c = check(
        "multiport.add_remove_ports",
        {"devicenormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1",
         "devicenormative:Device Types / Console Device / Device Operation / Multiport Device Operation#2"},
        "two ports, max_nr_ports 3: the host tries to plug an existing port and one beyond max_nr_ports, plugs "
        "port 2, unplugs it twice; our driver checks every DEVICE_ADD and DEVICE_REMOVE",
        [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
          model::ConsoleDevice* host = hostConsole(ctx);
          auto con = host ? drv::ConsoleDriver::open(hal, d, {}, sink) : nullptr;
          if (!con) return ctx.harnessError("the console did not come up");
          if (!con->multiport()) return ctx.harnessError("MULTIPORT not negotiated");
          ctx.check(con->maxPorts() == 3 && con->waitForPorts(2, 1'000'000'000), "ports 0 and 1 did not come up");
          // devicenormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1
          ctx.check(!host->addPort(1, {}) && !host->addPort(3, {}), "the device announced an invalid port");
          ctx.check(host->addPort(2, {"org.vsim.two", false, {}}) && con->waitForPorts(3, 1'000'000'000),
                    "hot-plugged port 2 did not come up");
          ctx.check(con->port(2) && con->port(2)->name == "org.vsim.two", "port 2 has no name");
          // devicenormative:Device Types / Console Device / Device Operation / Multiport Device Operation#2
          ctx.check(host->removePort(2) && !host->removePort(2), "port 2 could be removed twice");
          drv::Deadline dl(hal, 10'000'000);
          while (con->port(2) && !dl.expired()) {
            con->service();
            hal.waitForInterrupt(1'000'000);
          }
          ctx.check(!con->port(2), "the driver did not see port 2 go");
          const char hello[] = "still here";
          ctx.check(con->write(1, hello, sizeof hello - 1, 1'000'000'000) == sizeof hello - 1 &&
                        host->takeOutput(1) == "still here",
                    "port 1 stopped working");
        });
    c.deviceOptions = {{"ports", "2"}, {"max_ports", "3"}};
    add(c);
  }
  {
    DeviceCheck c = check(
        "config.readable_before_features_ok",
        {"devicenormative:Basic Facilities of a Virtio Device / Device Configuration Space#1"},
        "cols, rows and max_nr_ports read the same before FEATURES_OK as after it",
        [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
          model::ConsoleDevice* host = hostConsole(ctx);
          auto t = host ? resetTransport(ctx, hal, sink, d) : nullptr;
          if (!t) return;
          t->setStatus(st::kAcknowledge);
          t->setStatus(st::kAcknowledge | st::kDriver);
          const uint64_t offered = t->deviceFeatures();
          if (!feat::has(offered, cw::kFSize) || !feat::has(offered, cw::kFMultiport))
            return ctx.harnessError("SIZE and MULTIPORT must be offered");
          const uint32_t cols = t->configRead(cw::kCfgCols, 2), rows = t->configRead(cw::kCfgRows, 2),
                         ports = t->configRead(cw::kCfgMaxNrPorts, 4);
          t->writeDriverFeatures(feat::bit(feat::kVersion1) | feat::bit(cw::kFSize) | feat::bit(cw::kFMultiport));
          t->setStatus(st::kAcknowledge | st::kDriver | st::kFeaturesOk);
          if (!(t->status() & st::kFeaturesOk)) return ctx.harnessError("FEATURES_OK not accepted");
          // devicenormative:Basic Facilities of a Virtio Device / Device Configuration Space#1: the same values
          ctx.check(cols == 100 && rows == 30 && ports == 4, "values read before FEATURES_OK are not the device's");
          ctx.check(cols == t->configRead(cw::kCfgCols, 2) && rows == t->configRead(cw::kCfgRows, 2) &&
                        ports == t->configRead(cw::kCfgMaxNrPorts, 4),
                    "values changed at FEATURES_OK");
        });
    c.transports = kModern;
    c.deviceOptions = {{"ports", "2"}, {"max_ports", "4"}, {"cols", "100"}, {"rows", "30"}};
    add(c);
  }
  {
    // The built-in driver's workload on a multiport console (the default configuration has port 0 only): both
    // directions judged, the device's checks of our driver and our driver's checks of the device.
    DeviceCheck c = check(
        "multiport.workload",
        {"devicenormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1",
         "devicenormative:Device Types / Console Device / Device Operation / Multiport Device Operation#2"},
        "three named ports (port 0 the console): handshake, output and input on every port, resize, emergency write",
        [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
          consoleWorkload(ctx, hal, sink, d);
        });
    c.deviceOptions = {{"ports", "3"}, {"max_ports", "4"}, {"name", "console0,org.vsim.one,org.vsim.two"}};
    add(c);
    c.id = "virtio.driver.core.console.multiport.workload";
    c.clauses = {"drivernormative:Device Types / Console Device / Device Operation#1",
                 "drivernormative:Device Types / Console Device / Device Operation#2",
                 "drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1",
                 "drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#3",
                 "drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#4",
                 "drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#3"};
    out.push_back(makeDriverCheck(c));
  }
}

}  // namespace vsim::conformance::blkcon

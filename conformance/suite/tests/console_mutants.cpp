// Console device, driver direction: one faulty driver per check of the strict console device (model/devices/console,
// the negative tests of its gtests ported to the platform). Each brings the device up correctly — our console driver
// for the data path, or our generic driver plus the control protocol spoken by hand (console_raw.h) — then does
// exactly one thing that breaks one driver-normative statement; the device must report that clause and nothing else.
#include "console_raw.h"
#include "vsim/abi/features.h"
#include "vsim/drv/console_driver.h"

namespace vsim::conformance::blkcon {

namespace {

namespace cw = drv::console;

constexpr const char* kDeviceReady =
    "drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1";
constexpr const char* kRxReadable = "drivernormative:Device Types / Console Device / Device Operation#1";
constexpr const char* kTxWritable = "drivernormative:Device Types / Console Device / Device Operation#2";
constexpr const char* kConfigOptional =
    "drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#3";

/// Two ports (port 0 the console port), max_nr_ports 3: MULTIPORT is offered.
const model::DeviceOptions kMultiport = {{"ports", "2"}, {"max_ports", "3"}};

Mutant mutant(std::string id, std::string clause, std::string desc, model::DeviceOptions options, Body body) {
  Mutant m;
  m.id = "virtio.driver.core.console." + std::move(id);
  m.clause = std::move(clause);
  m.description = std::move(desc);
  m.deviceType = "console";
  m.deviceOptions = std::move(options);
  m.body = std::move(body);
  return m;
}

using ConFault = std::function<void(TestContext&, drv::ConsoleDriver&, drv::Hal&)>;
using RawFault = std::function<void(TestContext&, RawConsole&)>;

/// Our console driver brings the device up (and through the handshake), then the fault.
Body withDriver(ConFault fault) {
  return [fault](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
    auto con = drv::ConsoleDriver::open(hal, d, {}, sink);
    if (!con || !con->ok()) return ctx.harnessError("the console did not come up with our driver");
    if (con->multiport() && !con->waitForPorts(1, 1'000'000'000)) return ctx.harnessError("no port came up");
    fault(ctx, *con, hal);
  };
}

/// Our generic driver brings the device up with MULTIPORT; the control protocol is the fault's.
Body raw(RawFault fault) {
  return [fault](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
    auto c = RawConsole::open(ctx, hal, sink, d, feat::bit(cw::kFMultiport));
    if (!c) return;
    if (!c->multiport()) return ctx.harnessError("MULTIPORT not negotiated");
    fault(ctx, *c);
  };
}

/// A fresh DMA buffer with `bytes` of payload.
drv::Buf dmaBuf(drv::Hal& hal, uint32_t bytes, bool writable) {
  return drv::Buf{hal.dmaAllocator().alloc(bytes, 64), bytes, writable};
}

/// A correct opening: DEVICE_READY, then the DEVICE_ADD of `port`.
bool ready(TestContext& ctx, RawConsole& c, uint32_t port) {
  if (c.send(0, cw::kDeviceReady, 1) && c.waitFor(cw::kDeviceAdd, port)) return true;
  ctx.harnessError("no DEVICE_ADD for port " + std::to_string(port));
  return false;
}

/// ... and PORT_READY(1) for port 0, answered with CONSOLE_PORT (port 0 is the console port).
bool consolePortAnnounced(TestContext& ctx, RawConsole& c) {
  if (!ready(ctx, c, 0)) return false;
  if (c.send(0, cw::kPortReady, 1) && c.waitFor(cw::kConsolePort, 0)) return true;
  ctx.harnessError("no CONSOLE_PORT for port 0");
  return false;
}

void harnessUnless(TestContext& ctx, bool ok, const char* what) {
  if (!ok) ctx.harnessError(what);
}

}  // namespace

void registerConsoleMutants(std::vector<TestInfo>& out) {
  auto add = [&](Mutant m) { out.push_back(makeMutant(std::move(m))); };

  // ---- buffer directions ---------------------------------------------------------------------------------------
  add(mutant("rx.readable_buffer", kRxReadable, "a device-readable buffer in port 0's receiveq", {},
             withDriver([](TestContext& ctx, drv::ConsoleDriver& con, drv::Hal& hal) {
               const drv::Buf b = dmaBuf(hal, 64, false);
               harnessUnless(ctx, con.device().queue(0).add(&b, 1, b.addr) >= 0, "could not offer the buffer");
               con.device().kick(0);
             })));
  add(mutant("control_rx.readable_buffer", kRxReadable, "a device-readable buffer in the control receiveq",
             kMultiport, withDriver([](TestContext& ctx, drv::ConsoleDriver& con, drv::Hal& hal) {
               const drv::Buf b = dmaBuf(hal, 64, false);
               harnessUnless(ctx, con.device().queue(cw::kControlRx).add(&b, 1, b.addr) >= 0, "could not offer it");
               con.device().kick(cw::kControlRx);
             })));
  add(mutant("tx.writable_buffer", kTxWritable, "a device-writable buffer in port 0's transmitq", {},
             withDriver([](TestContext& ctx, drv::ConsoleDriver& con, drv::Hal& hal) {
               const drv::Buf b = dmaBuf(hal, 64, true);
               harnessUnless(ctx, con.device().queue(1).add(&b, 1, b.addr) >= 0, "could not offer the buffer");
               con.device().kick(1);
             })));
  add(mutant("control_tx.writable_buffer", kTxWritable, "a device-writable buffer in the control transmitq",
             kMultiport, withDriver([](TestContext& ctx, drv::ConsoleDriver& con, drv::Hal& hal) {
               const drv::Buf b = dmaBuf(hal, 8, true);
               harnessUnless(ctx, con.device().queue(cw::kControlTx).add(&b, 1, b.addr) >= 0, "could not offer it");
               con.device().kick(cw::kControlTx);
             })));

  // ---- the control protocol (MULTIPORT) ------------------------------------------------------------------------
  add(mutant("multiport.no_device_ready", kDeviceReady, "port data transmitted without DEVICE_READY ever sent",
             kMultiport, raw([](TestContext& ctx, RawConsole& c) {
               harnessUnless(ctx, c.transmit(0, "early"), "the transmit buffer did not come back");
             })));
  add(mutant("multiport.control_before_device_ready", kDeviceReady, "PORT_READY sent before DEVICE_READY", kMultiport,
             raw([](TestContext& ctx, RawConsole& c) {
               harnessUnless(ctx, c.send(0, cw::kPortReady, 1), "the control message did not come back");
             })));
  add(mutant("multiport.device_ready_bad_value", kDeviceReady, "DEVICE_READY with value 2", kMultiport,
             raw([](TestContext& ctx, RawConsole& c) {
               harnessUnless(ctx, c.send(0, cw::kDeviceReady, 2), "the control message did not come back");
             })));
  add(mutant("multiport.control_short", kDeviceReady, "a 4-byte control message", kMultiport,
             raw([](TestContext& ctx, RawConsole& c) {
               harnessUnless(ctx, c.sendBytes({0, 0, 0, 0}), "the control message did not come back");
             })));
  add(mutant("multiport.device_event_from_driver", kDeviceReady,
             "after DEVICE_READY the driver sends RESIZE, an event only a device sends", kMultiport,
             raw([](TestContext& ctx, RawConsole& c) {
               if (!ready(ctx, c, 0)) return;
               harnessUnless(ctx, c.send(0, cw::kResize, 0), "the control message did not come back");
             })));
  add(mutant("multiport.port_ready_unknown_port", kDeviceReady, "PORT_READY for port 2, which the device never added",
             kMultiport, raw([](TestContext& ctx, RawConsole& c) {
               if (!ready(ctx, c, 1)) return;
               harnessUnless(ctx, c.send(2, cw::kPortReady, 1), "the control message did not come back");
             })));
  add(mutant("multiport.port_open_unknown_port", kDeviceReady, "PORT_OPEN for port 2, which the device never added",
             kMultiport, raw([](TestContext& ctx, RawConsole& c) {
               if (!ready(ctx, c, 1)) return;
               harnessUnless(ctx, c.send(2, cw::kPortOpen, 1), "the control message did not come back");
             })));
  add(mutant("multiport.port_open_before_ready", kDeviceReady, "PORT_OPEN for port 1 before its PORT_READY",
             kMultiport, raw([](TestContext& ctx, RawConsole& c) {
               if (!ready(ctx, c, 1)) return;
               harnessUnless(ctx, c.send(1, cw::kPortOpen, 1), "the control message did not come back");
             })));
  add(mutant("multiport.port_ready_bad_value", kDeviceReady, "PORT_READY for port 1 with value 7", kMultiport,
             raw([](TestContext& ctx, RawConsole& c) {
               if (!ready(ctx, c, 1)) return;
               harnessUnless(ctx, c.send(1, cw::kPortReady, 7), "the control message did not come back");
             })));
  add(mutant("multiport.data_before_port_ready", kDeviceReady, "data on port 1 before its PORT_READY", kMultiport,
             raw([](TestContext& ctx, RawConsole& c) {
               if (!ready(ctx, c, 1)) return;
               harnessUnless(ctx, c.transmit(1, "too soon"), "the transmit buffer did not come back");
             })));
  add(mutant("multiport.data_on_port_not_added", kDeviceReady,
             "data on port 2's transmitq (below max_nr_ports, never added)", kMultiport,
             raw([](TestContext& ctx, RawConsole& c) {
               if (!ready(ctx, c, 1)) return;
               harnessUnless(ctx, c.transmit(2, "nobody"), "the transmit buffer did not come back");
             })));
  add(mutant("multiport.console_port_not_opened",
             "drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#3",
             "CONSOLE_PORT for port 0 arrived; the driver transmits on it without answering PORT_OPEN", kMultiport,
             raw([](TestContext& ctx, RawConsole& c) {
               if (!consolePortAnnounced(ctx, c)) return;
               harnessUnless(ctx, c.transmit(0, "login: "), "the transmit buffer did not come back");
             })));
  add(mutant("multiport.console_port_opened_with_0",
             "drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#4",
             "CONSOLE_PORT for port 0 is answered with PORT_OPEN value 0", kMultiport,
             raw([](TestContext& ctx, RawConsole& c) {
               if (!consolePortAnnounced(ctx, c)) return;
               harnessUnless(ctx, c.send(0, cw::kPortOpen, 0), "the control message did not come back");
             })));

  // ---- configuration fields of features not offered -------------------------------------------------------------
  add(mutant("config.size_not_offered", kConfigOptional, "cols read although VIRTIO_CONSOLE_F_SIZE is not offered",
             {{"size", "false"}}, withDriver([](TestContext& ctx, drv::ConsoleDriver& con, drv::Hal&) {
               if (feat::has(con.device().offeredFeatures(), cw::kFSize)) return ctx.harnessError("SIZE offered");
               uint16_t cols = 0;
               con.device().readConfig(cw::kCfgCols, &cols);
             })));
  add(mutant("config.emerg_wr_not_offered", kConfigOptional,
             "emerg_wr written although VIRTIO_CONSOLE_F_EMERG_WRITE is not offered", {{"emerg_write", "false"}},
             withDriver([](TestContext& ctx, drv::ConsoleDriver& con, drv::Hal&) {
               if (feat::has(con.device().offeredFeatures(), cw::kFEmergWrite))
                 return ctx.harnessError("EMERG_WRITE offered");
               const uint32_t ch = '!';
               con.device().writeConfig(cw::kCfgEmergWr, &ch, sizeof ch);
             })));
}

}  // namespace vsim::conformance::blkcon

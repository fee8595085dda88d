// The input device end to end: our driver stack (discover, open, InputDriver) against InputDevice on PCI modern
// and MMIO v2 (the input device has no legacy form), for each personality, on the functional board and the
// SystemC platform in fast and timed mode. Checks: configuration answers are what the options set, injected and
// scripted events arrive in order with their values, LED status reaches the host, and neither side reports a
// violation. Each ctest runs one TEST in its own process (SystemC elaborates once per process).
#include <gtest/gtest.h>

#include <functional>

#include "vsim/drv/discover.h"
#include "vsim/drv/input_driver.h"
#include "vsim/harness/cpu_hal.h"
#include "vsim/harness/platform_desc.h"
#include "vsim/model/board.h"
#include "vsim/model/input_device.h"
#include "vsim/model/sc_simulation.h"

namespace vsim {
namespace {

using model::TransportKind;
enum class Mode { Functional, ScFast, ScTimed };

struct Param {
  TransportKind transport;
  const char* kind;
  Mode mode;
};

void PrintTo(const Param& p, std::ostream* os) { *os << model::transportName(p.transport) << "/" << p.kind; }

void runOn(model::Board& board, Mode mode, const std::function<void(model::CpuPort&)>& fn) {
  if (mode == Mode::Functional) {
    fn(board.functionalCpu());
    return;
  }
  model::ScSimulation sim(board, mode == Mode::ScFast ? model::SimMode::Fast : model::SimMode::Timed);
  sim.run(fn);
}

drv::input::Event toDrv(const input::Event& e) { return drv::input::Event{e.type, e.code, e.value}; }

/// Updates the host injects for a personality (each ends with SYN_REPORT when delivered).
std::vector<std::vector<input::Event>> updatesFor(const std::string& kind) {
  namespace ev = input::ev;
  namespace c = input::code;
  if (kind == "keyboard")
    return {{{ev::kKey, c::kKeyA, 1}}, {{ev::kKey, c::kKeyA, 0}}, {{ev::kKey, c::kKeyCapsLock, 1}},
            {{ev::kKey, c::kKeyCapsLock, 0}}, {{ev::kKey, c::kKeyEnter, 2}}};
  if (kind == "mouse")
    return {{{ev::kRel, c::kRelX, 5}, {ev::kRel, c::kRelY, -3}}, {{ev::kKey, c::kBtnLeft, 1}},
            {{ev::kKey, c::kBtnLeft, 0}}, {{ev::kRel, c::kRelWheel, -1}}, {{ev::kRel, c::kRelX, -100000}}};
  return {{{ev::kAbs, c::kAbsX, 0}, {ev::kAbs, c::kAbsY, 767}}, {{ev::kKey, c::kBtnLeft, 1}},
          {{ev::kAbs, c::kAbsX, 1023}, {ev::kAbs, c::kAbsY, 0}}, {{ev::kKey, c::kBtnLeft, 0}}};
}

class InputEndToEnd : public ::testing::TestWithParam<Param> {};

TEST_P(InputEndToEnd, ConfigEventsAndStatus) {
  const Param p = GetParam();
  const std::string kind = p.kind;
  model::BoardConfig cfg;
  model::DeviceSpec spec;
  spec.type = "input";
  spec.transport = p.transport;
  spec.options = {{"kind", kind},       {"name", "E2E " + kind}, {"serial", "SN-0042"}, {"vendor", "0x1234"},
                  {"product", "0x42"},  {"version", "7"},        {"abs_max_x", "1023"}, {"abs_max_y", "767"},
                  {"abs_res", "4"},     {"queue_size", "32"}};
  cfg.devices.push_back(spec);
  if (const char* t = std::getenv("VSIM_TEST_TRACE")) cfg.tracePath = t;  // debugging aid
  model::Board board(cfg);
  auto& dev = dynamic_cast<model::InputDevice&>(board.logic(0));
  ViolationLog driverSaw;

  std::vector<drv::input::Event> expected, got, expectedScripted, gotScripted;
  for (const auto& u : updatesFor(kind)) {
    for (const auto& e : u) expected.push_back(toDrv(e));
    expected.push_back(drv::input::Event{0, 0, 0});
  }
  bool ledOk = false, ledOffOk = false;
  uint64_t scriptAtPs = 0, firstScriptedSeenPs = 0;

  runOn(board, p.mode, [&](model::CpuPort& cpu) {
    harness::CpuHal hal(cpu, harness::toPlatformDesc(board.map()), 1 << 20, 32 << 20);
    auto found = drv::discover(hal, driverSaw);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].type, 18);
    EXPECT_EQ(found[0].kind,
              p.transport == TransportKind::MmioV2 ? drv::DiscoveredKind::MmioV2 : drv::DiscoveredKind::PciModern);
    auto in = drv::InputDriver::open(hal, found[0], drv::DriverOptions{}, driverSaw);
    ASSERT_TRUE(in && in->ok());

    // --- configuration: what the options set ---
    const drv::InputInfo& info = in->info();
    EXPECT_EQ(info.name, "E2E " + kind);
    EXPECT_EQ(info.serial, "SN-0042");
    ASSERT_TRUE(info.hasDevids);
    EXPECT_EQ(info.devids.bustype, 0x6);
    EXPECT_EQ(info.devids.vendor, 0x1234);
    EXPECT_EQ(info.devids.product, 0x42);
    EXPECT_EQ(info.devids.version, 7);
    EXPECT_TRUE(info.supports(drv::input::ev::kSyn, drv::input::kSynReport));
    if (kind == "keyboard") {
      EXPECT_TRUE(info.supports(drv::input::ev::kKey, input::code::kKeyA));
      EXPECT_TRUE(info.supports(drv::input::ev::kLed, input::code::kLedCapsL));
      EXPECT_FALSE(info.evBits.count(drv::input::ev::kRel));
      EXPECT_TRUE(info.abs.empty());
      EXPECT_TRUE(info.props.empty());
    } else if (kind == "mouse") {
      EXPECT_TRUE(info.supports(drv::input::ev::kRel, input::code::kRelX));
      EXPECT_TRUE(info.supports(drv::input::ev::kRel, input::code::kRelWheel));
      EXPECT_TRUE(info.supports(drv::input::ev::kKey, input::code::kBtnLeft));
      EXPECT_FALSE(info.supports(drv::input::ev::kKey, input::code::kKeyA));
      EXPECT_FALSE(info.evBits.count(drv::input::ev::kAbs));
    } else {
      EXPECT_TRUE(info.supports(drv::input::ev::kAbs, input::code::kAbsX));
      ASSERT_EQ(info.abs.size(), 2u);
      EXPECT_EQ(info.abs.at(0).min, 0u);
      EXPECT_EQ(info.abs.at(0).max, 1023u);
      EXPECT_EQ(info.abs.at(1).max, 767u);
      EXPECT_EQ(info.abs.at(1).res, 4u);
      ASSERT_EQ(info.props.size(), 1u);
      EXPECT_EQ(info.props[0], 1u << input::prop::kDirect);
    }
    drv::InputConfigAnswer a;
    ASSERT_TRUE(in->query(0x11, 0x1e, &a));  // an event type nobody supports: size 0
    EXPECT_EQ(a.size, 0);

    // --- injected events: in order, with their values ---
    for (const auto& u : updatesFor(kind)) dev.injectUpdate(u);
    drv::input::Event buf[64];
    for (int round = 0; round < 100 && got.size() < expected.size(); ++round) {
      const size_t n = in->readEvents(buf, 64, 1'000'000);
      got.insert(got.end(), buf, buf + n);
    }

    // --- scripted events: not before their time, then in order ---
    scriptAtPs = board.clock().nowPs + 200'000'000;  // 200 us from now
    dev.loadScript("0 key 0x110 1; 0 syn; 10us key 0x110 0; 10us syn", scriptAtPs);
    expectedScripted = {{1, 0x110, 1}, {0, 0, 0}, {1, 0x110, 0}, {0, 0, 0}};
    dev.pump();
    EXPECT_EQ(in->pollEvents(buf, 64), 0u);
    for (int round = 0; round < 1000 && gotScripted.size() < expectedScripted.size(); ++round) {
      dev.pump();  // the host side looks at the clock now and then
      const size_t n = in->readEvents(buf, 64, 5'000);
      if (n && gotScripted.empty()) firstScriptedSeenPs = board.clock().nowPs;
      gotScripted.insert(gotScripted.end(), buf, buf + n);
    }

    // --- status: LED state reaches the host ---
    ledOk = in->setLed(input::code::kLedCapsL, true, 1'000'000'000);
    ledOk = ledOk && in->setLed(input::code::kLedNumL, true, 1'000'000'000);
    ledOffOk = in->setLed(input::code::kLedNumL, false, 1'000'000'000);
    in->device().shutdown();
  });

  EXPECT_EQ(got, expected);
  EXPECT_EQ(gotScripted, expectedScripted);
  EXPECT_GE(firstScriptedSeenPs, scriptAtPs);
  EXPECT_TRUE(ledOk);
  EXPECT_TRUE(ledOffOk);
  EXPECT_TRUE(dev.led(input::code::kLedCapsL));
  EXPECT_FALSE(dev.led(input::code::kLedNumL));
  ASSERT_EQ(dev.statusLog().size(), 3u);
  EXPECT_EQ(dev.statusLog()[0].ev, (input::Event{input::ev::kLed, input::code::kLedCapsL, 1}));
  EXPECT_EQ(dev.stats().eventsDropped, 0u);
  for (const auto& v : board.violations().all()) ADD_FAILURE() << "device saw: " << toString(v);
  for (const auto& v : driverSaw.all()) ADD_FAILURE() << "driver saw: " << toString(v);
}

std::vector<Param> allParams() {
  std::vector<Param> v;
  for (Mode m : {Mode::Functional, Mode::ScFast, Mode::ScTimed})
    for (TransportKind t : {TransportKind::PciModern, TransportKind::MmioV2})
      for (const char* k : {"keyboard", "mouse", "tablet"}) v.push_back(Param{t, k, m});
  return v;
}

std::string paramName(const ::testing::TestParamInfo<Param>& i) {
  static const char* const kModes[] = {"functional", "sc_fast", "sc_timed"};
  std::string t = model::transportName(i.param.transport);
  for (auto& c : t)
    if (c == '-') c = '_';
  return t + "_" + i.param.kind + "_" + kModes[static_cast<int>(i.param.mode)];
}

INSTANTIATE_TEST_SUITE_P(Transports, InputEndToEnd, ::testing::ValuesIn(allParams()), paramName);

// A packed ring without EVENT_IDX and a split ring with it: the same events arrive (functional board).
TEST(InputEndToEndRings, SplitAndPackedVariants) {
  for (bool packed : {false, true}) {
    model::BoardConfig cfg;
    model::DeviceSpec spec;
    spec.type = "input";
    spec.options = {{"kind", "mouse"}};
    cfg.devices.push_back(spec);
    model::Board board(cfg);
    auto& dev = dynamic_cast<model::InputDevice&>(board.logic(0));
    ViolationLog driverSaw;
    auto& cpu = board.functionalCpu();
    harness::CpuHal hal(cpu, harness::toPlatformDesc(board.map()), 1 << 20, 32 << 20);
    auto found = drv::discover(hal, driverSaw);
    ASSERT_EQ(found.size(), 1u);
    drv::DriverOptions o;
    o.ringPacked = packed;
    o.eventIdx = !packed;
    o.indirect = false;
    auto in = drv::InputDriver::open(hal, found[0], o, driverSaw);
    ASSERT_TRUE(in);
    EXPECT_EQ(in->device().queue(0).isPacked(), packed);
    std::vector<drv::input::Event> got;
    drv::input::Event buf[16];
    for (int i = 0; i < 200; ++i) {  // more events than the eventq holds: buffers must be recycled
      dev.moveRel(i + 1, -(i + 1));
      for (size_t n = in->readEvents(buf, 16, 1'000'000); n; n = in->pollEvents(buf, 16))
        got.insert(got.end(), buf, buf + n);
    }
    ASSERT_EQ(got.size(), 600u);
    for (int i = 0; i < 200; ++i) {
      EXPECT_EQ(got[3 * i], (drv::input::Event{2, 0, i + 1}));
      EXPECT_EQ(got[3 * i + 1], (drv::input::Event{2, 1, -(i + 1)}));
      EXPECT_EQ(got[3 * i + 2], (drv::input::Event{0, 0, 0}));
    }
    for (const auto& v : board.violations().all()) ADD_FAILURE() << "device saw: " << toString(v);
    for (const auto& v : driverSaw.all()) ADD_FAILURE() << "driver saw: " << toString(v);
  }
}

// Scripted events reach a driver that only waits for interrupts: the board polls the device while the CPU waits.
TEST(InputEndToEndScript, ArrivesWithoutHostPumping) {
  model::BoardConfig cfg;
  model::DeviceSpec spec;
  spec.type = "input";
  spec.transport = TransportKind::MmioV2;
  spec.options = {{"kind", "keyboard"}, {"script", "300us key 30 1; 300us syn; 900us key 30 0; 900us syn"}};
  cfg.devices.push_back(spec);
  model::Board board(cfg);
  ViolationLog driverSaw;
  auto& cpu = board.functionalCpu();
  harness::CpuHal hal(cpu, harness::toPlatformDesc(board.map()), 1 << 20, 32 << 20);
  auto found = drv::discover(hal, driverSaw);
  ASSERT_EQ(found.size(), 1u);
  auto in = drv::InputDriver::open(hal, found[0], drv::DriverOptions{}, driverSaw);
  ASSERT_TRUE(in);
  std::vector<drv::input::Event> got;
  std::vector<uint64_t> at;
  drv::input::Event buf[8];
  for (int i = 0; i < 1000 && got.size() < 4; ++i) {
    const size_t n = in->readEvents(buf, 8, 50'000);
    for (size_t k = 0; k < n; ++k) at.push_back(board.clock().nowPs);
    got.insert(got.end(), buf, buf + n);
  }
  const std::vector<drv::input::Event> expected = {{1, 30, 1}, {0, 0, 0}, {1, 30, 0}, {0, 0, 0}};
  EXPECT_EQ(got, expected);
  ASSERT_EQ(at.size(), 4u);
  EXPECT_GE(at[0], 300'000'000u);
  EXPECT_GE(at[2], 900'000'000u);
  for (const auto& v : board.violations().all()) ADD_FAILURE() << "device saw: " << toString(v);
  for (const auto& v : driverSaw.all()) ADD_FAILURE() << "driver saw: " << toString(v);
}

}  // namespace
}  // namespace vsim

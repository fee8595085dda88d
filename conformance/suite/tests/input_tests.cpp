// Input device: the built-in driver's workload (configuration queries checked against what the device model was
// built with, updates of the personality's kind delivered whole and in order, LED messages on the statusq), and
// device-direction tests of the configuration interface.
#include "test_helpers.h"
#include "vsim/drv/input_driver.h"
#include "vsim/model/input_device.h"
#include "workload_steps.h"

namespace vsim::conformance {

namespace {

namespace din = drv::input;
namespace min = vsim::input;

model::InputDevice& hostInput(TestContext& ctx) { return dynamic_cast<model::InputDevice&>(ctx.board().logic(0)); }

/// Take whatever events are still on their way (a step that ran again after a reset may have left some).
void drainEvents(drv::InputDriver& in) {
  din::Event buf[64];
  while (in.readEvents(buf, 64, 100'000) > 0) {
  }
}

/// Read events until a SYN_REPORT closes an update (or time runs out).
std::vector<din::Event> readUpdate(drv::InputDriver& in) {
  std::vector<din::Event> got;
  din::Event buf[16];
  for (int round = 0; round < 16; ++round) {
    const size_t n = in.readEvents(buf, 16, 10'000'000);
    if (n == 0) break;
    got.insert(got.end(), buf, buf + n);
    if (got.back().type == din::ev::kSyn && got.back().code == din::kSynReport) break;
  }
  return got;
}

/// Updates the device's kind can produce: each as the host injects it (SYN_REPORT added by the device model).
std::vector<std::vector<min::Event>> updatesFor(const model::InputIdentity& id) {
  std::vector<std::vector<min::Event>> u;
  if (id.supports(min::ev::kKey, min::code::kKeyA))
    u = {{{min::ev::kKey, min::code::kKeyA, 1}}, {{min::ev::kKey, min::code::kKeyA, 0}}};
  if (id.supports(min::ev::kRel, min::code::kRelX))
    u.push_back({{min::ev::kRel, min::code::kRelX, 5}, {min::ev::kRel, min::code::kRelY, -3}});
  if (id.supports(min::ev::kAbs, min::code::kAbsX))
    u.push_back({{min::ev::kAbs, min::code::kAbsX, 100}, {min::ev::kAbs, min::code::kAbsY, 200}});
  if (id.supports(min::ev::kKey, min::code::kBtnLeft))
    u.push_back({{min::ev::kKey, min::code::kBtnLeft, 1}});
  return u;
}

std::string sameIdentity(const drv::InputInfo& got, const model::InputIdentity& want) {
  if (got.name != want.name) return "ID_NAME differs from the device's name";
  if (got.serial != want.serial) return "ID_SERIAL differs";
  if (!got.hasDevids || got.devids.bustype != want.bustype || got.devids.vendor != want.vendor ||
      got.devids.product != want.product || got.devids.version != want.version)
    return "ID_DEVIDS differ";
  if (got.props != want.props) return "PROP_BITS differ";
  if (got.evBits.size() != want.evBits.size()) return "a different set of event types";
  for (const auto& [type, map] : want.evBits) {
    auto it = got.evBits.find(type);
    if (it == got.evBits.end() || it->second != map) return "EV_BITS of type " + std::to_string(type) + " differ";
  }
  for (const auto& [axis, a] : want.abs) {
    auto it = got.abs.find(axis);
    if (it == got.abs.end() || it->second.min != a.min || it->second.max != a.max || it->second.res != a.res)
      return "ABS_INFO of axis " + std::to_string(axis) + " differs";
  }
  return "";
}

}  // namespace

void inputWorkload(TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
  auto in = drv::InputDriver::open(hal, d, drv::DriverOptions{}, sink);
  if (!in || !in->ok()) return ctx.check(false, "input device did not come up");
  model::InputDevice& host = hostInput(ctx);
  WorkloadSteps steps(ctx, in->device());
  steps.run("configuration", [&] {
    if (auto e = sameIdentity(in->info(), host.identity()); !e.empty()) return e;
    drv::InputConfigAnswer a;
    if (!in->query(din::cfg::kEvBits, din::ev::kSyn, &a) || a.size == 0) return std::string("EV_BITS of EV_SYN empty");
    if (!in->query(din::cfg::kUnset, 0, &a) || a.size != 0) return std::string("UNSET answered a size");
    return std::string();
  });
  const auto updates = updatesFor(host.identity());
  if (updates.empty()) ctx.check(false, "the device's kind has no update the workload knows");
  for (size_t i = 0; i < updates.size(); ++i)
    steps.run("update " + std::to_string(i + 1), [&, i] {
      drainEvents(*in);
      host.injectUpdate(updates[i]);
      const auto got = readUpdate(*in);
      std::vector<din::Event> want;
      for (const auto& e : updates[i]) want.push_back(din::Event{e.type, e.code, e.value});
      want.push_back(din::Event{din::ev::kSyn, din::kSynReport, 0});
      return got == want ? std::string() : "the update arrived as " + std::to_string(got.size()) + " other events";
    });
  if (host.identity().supports(min::ev::kLed, min::code::kLedCapsL))
    steps.run("LED on and off", [&] {
      if (!in->setLed(min::code::kLedCapsL, true, 10'000'000) || !host.led(min::code::kLedCapsL))
        return std::string("the LED did not go on");
      if (!in->setLed(min::code::kLedCapsL, false, 10'000'000) || host.led(min::code::kLedCapsL))
        return std::string("the LED did not go off");
      return std::string();
    });
}

void registerInputTests(std::vector<TestInfo>& out) {
  for (const char* kind : {"keyboard", "tablet"}) {
    TestInfo t;
    t.id = std::string("virtio.device.core.input.unsupported_selection_size_zero_") + kind;
    t.target = Direction::Device;
    // devicenormative: every select / subsel combination the device does not support answers size 0
    t.clauses = {"devicenormative:Device Types / Input Device / Device Initialization#1"};
    t.deviceTypes = {"input"};
    t.description = std::string("a ") + kind + " answers size 0 for UNSET, undefined selectors, a subsel where none "
                    "applies, event types and axes it does not have; non-zero for what it has";
    t.run = [kind = std::string(kind)](TestContext& ctx) {
      ctx.spec().options["kind"] = kind;
      ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
        auto found = drv::discover(hal, sink);
        if (found.size() != 1) return ctx.harnessError("expected exactly one device");
        drv::InputDriverOptions io;
        io.probeUnsupported = false;  // the test asks itself
        auto in = drv::InputDriver::open(hal, found[0], drv::DriverOptions{}, sink, io);
        if (!in || !in->ok()) return ctx.harnessError("the input device did not come up");
        const model::InputIdentity& id = hostInput(ctx).identity();
        drv::InputConfigAnswer a;
        auto sizeOf = [&](uint8_t sel, uint8_t sub) {
          ctx.check(in->query(sel, sub, &a), "query failed");
          return a.size;
        };
        for (unsigned sel = 0; sel < 256; ++sel) {
          const bool defined = sel == din::cfg::kIdName || sel == din::cfg::kIdSerial || sel == din::cfg::kIdDevids ||
                               sel == din::cfg::kPropBits || sel == din::cfg::kEvBits || sel == din::cfg::kAbsInfo;
          if (!defined)
            for (uint8_t sub : {uint8_t{0}, uint8_t{1}, uint8_t{0xff}})
              ctx.check(sizeOf(static_cast<uint8_t>(sel), sub) == 0, "selector " + std::to_string(sel) + " answered a size");
        }
        for (uint8_t sel : {din::cfg::kIdName, din::cfg::kIdSerial, din::cfg::kIdDevids, din::cfg::kPropBits})
          for (uint8_t sub : {uint8_t{1}, uint8_t{7}, uint8_t{0xff}})
            ctx.check(sizeOf(sel, sub) == 0, "a subsel where none applies answered a size");
        for (unsigned type = 0; type < 256; ++type) {
          const bool has = id.evBits.count(static_cast<uint8_t>(type)) > 0;
          ctx.check((sizeOf(din::cfg::kEvBits, static_cast<uint8_t>(type)) != 0) == has,
                    "EV_BITS of type " + std::to_string(type) + (has ? " empty" : " not empty"));
        }
        for (unsigned axis = 0; axis < 256; ++axis) {
          const bool has = id.abs.count(static_cast<uint8_t>(axis)) > 0;
          ctx.check((sizeOf(din::cfg::kAbsInfo, static_cast<uint8_t>(axis)) != 0) == has,
                    "ABS_INFO of axis " + std::to_string(axis) + (has ? " empty" : " not empty"));
        }
        ctx.check(sizeOf(din::cfg::kIdName, 0) != 0, "ID_NAME empty");
      });
      for (const auto& v : ctx.driverSaw().all()) ctx.check(false, "driver saw: " + toString(v));
      for (const auto& v : ctx.deviceSaw().all()) ctx.check(false, "device saw: " + toString(v));
    };
    out.push_back(t);
  }
}

}  // namespace vsim::conformance

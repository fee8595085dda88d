// Faulty input drivers: one per driver-normative check of the input device model. Our InputDriver brings the
// device up (configuration queried, eventq populated), then the mutant makes exactly one access that breaks one
// statement: a configuration access out of protocol, an eventq or statusq buffer of the wrong shape (built on the
// queue itself), or an eventq left empty. The strict device must report that clause and nothing else.
#include "test_helpers.h"
#include "vsim/drv/input_driver.h"
#include "vsim/model/input_device.h"

namespace vsim::conformance {

namespace {

namespace din = drv::input;

struct InputMutant {
  std::string id{}, clause{}, description{};
  model::DeviceOptions deviceOptions{};
  drv::InputDriverOptions driverOptions{};
  /// The fault on the live device. False: not done (harness error recorded).
  std::function<bool(TestContext&, drv::Hal&, drv::InputDriver&)> body{};
};

TestInfo make(InputMutant m) {
  TestInfo t;
  t.id = m.id;
  t.target = Direction::Driver;
  t.kind = "negative";
  t.clauses = {m.clause};
  t.deviceTypes = {"input"};
  t.description = m.description;
  t.run = [m](TestContext& ctx) {
    for (const auto& [k, v] : m.deviceOptions) ctx.spec().options[k] = v;
    bool done = false;
    ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
      auto found = drv::discover(hal, sink);
      if (found.size() != 1) return ctx.harnessError("expected exactly one device");
      auto in = drv::InputDriver::open(hal, found[0], drv::DriverOptions{}, sink, m.driverOptions);
      if (!in || !in->ok()) return ctx.harnessError("the input device did not come up");
      done = m.body(ctx, hal, *in);
    });
    if (done && !ctx.failed()) ctx.expectOnlyClause(m.clause);
  };
  return t;
}

/// One chain of the given parts on queue q, outside the driver's own buffers, and a notification.
bool chain(TestContext& ctx, drv::Hal& hal, drv::InputDriver& in, uint16_t q, std::vector<drv::Buf> parts) {
  for (auto& p : parts) {
    p.addr = hal.dmaAllocator().alloc(std::max<uint32_t>(p.len, 8), 8);
    const std::vector<uint8_t> zero(p.len, 0);
    hal.dmaMemory().write(p.addr, zero.data(), zero.size());
  }
  if (in.device().queue(q).add(parts.data(), parts.size(), uint64_t{1} << 40) < 0) {
    ctx.harnessError("could not make the buffer available");
    return false;
  }
  in.device().kick(q);
  return true;
}

drv::InputDriverOptions fewEventBuffers() {
  drv::InputDriverOptions o;
  o.eventBuffers = 4;  // leaves room in the eventq for the mutant's buffer
  return o;
}

}  // namespace

void registerInputMutants(std::vector<TestInfo>& out) {
  auto add = [&](InputMutant m) { out.push_back(make(std::move(m))); };
  add({.id = "virtio.driver.core.input.config.query_without_subsel",
       // drivernormative: a query sets both select and subsel
       .clause = "drivernormative:Device Types / Input Device / Device Initialization#1",
       .description = "a query that writes select (ID_NAME) but not subsel, then reads size",
       .body = [](TestContext&, drv::Hal&, drv::InputDriver& in) {
         const uint8_t sel = din::cfg::kIdName;
         in.device().writeConfig(din::cfg::kSelectOff, &sel, 1);
         uint8_t size = 0;
         in.device().readConfig(din::cfg::kSizeOff, &size);
         return true;
       }});
  add({.id = "virtio.driver.core.input.config.write_size",
       // drivernormative: only select and subsel are written
       .clause = "drivernormative:Device Types / Input Device / Device Initialization#2",
       .description = "a write to the read-only size byte",
       .body = [](TestContext&, drv::Hal&, drv::InputDriver& in) {
         const uint8_t v = 4;
         in.device().writeConfig(din::cfg::kSizeOff, &v, 1);
         return true;
       }});
  add({.id = "virtio.driver.core.input.config.union_before_size",
       // drivernormative: size is read before the union
       .clause = "drivernormative:Device Types / Input Device / Device Initialization#3",
       .description = "a query (ID_NAME, 0) that reads the union without reading size first",
       .body = [](TestContext&, drv::Hal&, drv::InputDriver& in) {
         const uint8_t sel = din::cfg::kIdName, sub = 0;
         in.device().writeConfig(din::cfg::kSelectOff, &sel, 1);
         in.device().writeConfig(din::cfg::kSubselOff, &sub, 1);
         uint8_t first = 0;
         in.device().readConfig(din::cfg::kUnionOff, &first);
         return true;
       }});
  add({.id = "virtio.driver.core.input.eventq.not_refilled",
       // drivernormative: the eventq is kept populated
       .clause = "drivernormative:Device Types / Input Device / Device Operation#1",
       .description = "two eventq buffers posted and used by one update, never refilled; the next update finds "
                      "none (the device keeps no events of its own: event_buffer=0)",
       .deviceOptions = {{"event_buffer", "0"}},
       .driverOptions = [] {
         drv::InputDriverOptions o;
         o.eventBuffers = 2;
         return o;
       }(),
       .body = [](TestContext& ctx, drv::Hal&, drv::InputDriver&) {
         auto& host = dynamic_cast<model::InputDevice&>(ctx.board().logic(0));
         host.key(vsim::input::code::kKeyA, true);   // fills both buffers (key, SYN_REPORT)
         host.key(vsim::input::code::kKeyA, false);  // the driver took nothing back: no buffer left
         return true;
       }});
  add({.id = "virtio.driver.core.input.eventq.readable_buffer",
       // drivernormative: eventq buffers are device-writable
       .clause = "drivernormative:Device Types / Input Device / Device Operation#2",
       .description = "an eventq buffer with a device-readable descriptor before the writable one",
       .driverOptions = fewEventBuffers(),
       .body = [](TestContext& ctx, drv::Hal& hal, drv::InputDriver& in) {
         return chain(ctx, hal, in, din::kEventQ, {{0, 8, false}, {0, 8, true}});
       }});
  add({.id = "virtio.driver.core.input.eventq.short_buffer",
       // drivernormative: eventq buffers hold a whole event
       .clause = "drivernormative:Device Types / Input Device / Device Operation#3",
       .description = "an eventq buffer of 4 writable bytes (an event is 8)",
       .driverOptions = fewEventBuffers(),
       .body = [](TestContext& ctx, drv::Hal& hal, drv::InputDriver& in) {
         return chain(ctx, hal, in, din::kEventQ, {{0, 4, true}});
       }});
  add({.id = "virtio.driver.core.input.statusq.short_buffer",
       // drivernormative: statusq buffers carry a whole event to read
       .clause = "drivernormative:Device Types / Input Device / Device Operation#4",
       .description = "a statusq buffer of 4 readable bytes (an event is 8)",
       .body = [](TestContext& ctx, drv::Hal& hal, drv::InputDriver& in) {
         return chain(ctx, hal, in, din::kStatusQ, {{0, 4, false}});
       }});
  add({.id = "virtio.driver.core.input.statusq.writable_buffer",
       // drivernormative: statusq buffers carry a whole event to read
       .clause = "drivernormative:Device Types / Input Device / Device Operation#4",
       .description = "a statusq buffer of 8 device-writable bytes: nothing for the device to read",
       .body = [](TestContext& ctx, drv::Hal& hal, drv::InputDriver& in) {
         return chain(ctx, hal, in, din::kStatusQ, {{0, 8, true}});
       }});
}

}  // namespace vsim::conformance

// VIRTIO_F_SUSPEND mutants: the built-in driver with exactly one Device Suspend rule broken, each of which the
// device must report under that clause alone. The faults go through the raw transport (the driver's own
// suspend() / resume() / kick() / writeConfig() refuse them).
#include "ring_core.h"
#include "suspend.h"
#include "vsim/drv/input_driver.h"

namespace vsim::conformance::suspend {

namespace {

namespace st = vsim::status;
using MutantBody = std::function<void(TestContext&, drv::Hal&, drv::Device&)>;

/// A negative driver-direction test: open the device with our driver (VIRTIO_F_SUSPEND accepted unless
/// `suspend` is false), run the fault, expect exactly `clause`.
TestInfo mutant(const std::string& id, const std::string& clause, const std::string& desc, MutantBody body,
                const std::string& deviceType = "rng", bool suspend = true) {
  TestInfo m;
  m.id = id;
  m.target = Direction::Driver;
  m.kind = "negative";
  m.clauses = {clause};
  m.transports = ringcore::kModern;
  m.deviceTypes = {deviceType};
  m.description = desc;
  m.run = [body, clause, suspend](TestContext& ctx) {
    ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
      drv::DriverOptions o;
      o.suspend = suspend;
      std::unique_ptr<drv::Device> owned;
      std::unique_ptr<drv::InputDriver> input;  // input: our input driver keeps the eventq populated
      drv::Device* d = nullptr;
      if (ctx.config().deviceType == "input") {
        auto found = drv::discover(hal, sink);
        if (found.size() != 1) return ctx.harnessError("expected one device");
        input = drv::InputDriver::open(hal, found[0], o, sink);
        if (input && input->ok()) d = &input->device();
      } else {
        owned = ringcore::openOne(ctx, hal, sink, o);
        d = owned.get();
      }
      if (!d || !d->live()) return ctx.harnessError("the device did not come up");
      if (suspend && !feat::has(d->features(), feat::kSuspend))
        return ctx.notSupported("VIRTIO_F_SUSPEND not negotiated");
      body(ctx, hal, *d);
    });
    if (!ctx.failed()) ctx.expectOnlyClause(clause);
  };
  return m;
}

}  // namespace

void registerSuspendMutants(std::vector<TestInfo>& out) {
  out.push_back(mutant(
      "virtio.driver.core.suspend.without_negotiation", "drivernormative:General Initialization And Device Operation / Device Suspend#1",
      "the driver did not accept VIRTIO_F_SUSPEND and sets SUSPEND on the live device all the same",
      [](TestContext&, drv::Hal&, drv::Device& d) {
        d.transport().setStatus(static_cast<uint8_t>(d.driverStatus() | st::kSuspend));  // the fault
        d.transport().status();
      },
      "rng", /*suspend=*/false));

  out.push_back(mutant(
      "virtio.driver.core.suspend.status_not_reread", "drivernormative:General Initialization And Device Operation / Device Suspend#2",
      "the driver sets SUSPEND and, without reading the status back, sets DRIVER_OK to resume",
      [](TestContext&, drv::Hal&, drv::Device& d) {
        const uint8_t s = static_cast<uint8_t>(d.driverStatus() | st::kSuspend);
        d.transport().setStatus(s);                                        // suspend ...
        d.transport().setStatus(static_cast<uint8_t>(s | st::kDriverOk));  // the fault: resumed unconfirmed
        d.transport().status();                                            // the resume itself is confirmed
      }));

  out.push_back(mutant(
      "virtio.driver.core.suspend.buffer_made_available", "drivernormative:General Initialization And Device Operation / Device Suspend#3",
      "the driver suspends correctly, makes a buffer available (not notified) while suspended, then resumes",
      [](TestContext& ctx, drv::Hal& hal, drv::Device& d) {
        if (!d.suspend()) return ctx.harnessError("the device did not suspend");
        if (ringcore::submit64(d, hal, 1, /*kick=*/false) < 0) return ctx.harnessError("no room for the buffer");  // the fault
        if (!d.resume()) return ctx.harnessError("the device did not resume");
      }));

  out.push_back(mutant(
      "virtio.driver.core.suspend.notified", "drivernormative:General Initialization And Device Operation / Device Suspend#4",
      "the driver suspends correctly and then sends an available buffer notification for queue 0",
      [](TestContext& ctx, drv::Hal&, drv::Device& d) {
        if (!d.suspend()) return ctx.harnessError("the device did not suspend");
        d.transport().notify(0, d.queue(0).notifyValue());  // the fault
        if (!d.resume()) return ctx.harnessError("the device did not resume");
      }));

  out.push_back(mutant(
      "virtio.driver.core.suspend.config_written", "drivernormative:General Initialization And Device Operation / Device Suspend#5",
      "input device: the driver suspends correctly and writes select into the device configuration",
      [](TestContext& ctx, drv::Hal&, drv::Device& d) {
        if (!d.suspend()) return ctx.harnessError("the device did not suspend");
        const uint8_t sel = 0;
        d.transport().writeConfig(0, &sel, 1);  // the fault
        if (!d.resume()) return ctx.harnessError("the device did not resume");
      },
      "input"));

  out.push_back(mutant(
      "virtio.driver.core.suspend.operation_before_resumed", "drivernormative:General Initialization And Device Operation / Device Suspend#6",
      "the driver sets DRIVER_OK to resume and, without waiting to read the device running, notifies a new buffer",
      [](TestContext& ctx, drv::Hal& hal, drv::Device& d) {
        if (!d.suspend()) return ctx.harnessError("the device did not suspend");
        d.transport().setStatus(static_cast<uint8_t>(d.driverStatus() | st::kDriverOk));
        const drv::Buf b{hal.dmaAllocator().alloc(64, 64), 64, true};
        if (d.queue(0).add(&b, 1, 1) < 0) return ctx.harnessError("no room for the buffer");
        d.queue(0).needsNotify();
        d.transport().notify(0, d.queue(0).notifyValue());  // the fault: normal operation before the status read
      }));
}

}  // namespace vsim::conformance::suspend

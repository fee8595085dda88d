// VIRTIO_F_SUSPEND, device direction: the suite is a raw driver that suspends the device and judges what it does
// (SUSPEND ignored before DRIVER_OK, no ring writes / interrupts / config changes while suspended, completions
// returned before it shows SUSPEND, a configuration change announced on resume, config writes ignored, resume
// or DEVICE_NEEDS_RESET). Plus the built-in driver's suspend/resume workload, judged by the device.
// The mutants for the driver-normative statements are in suspend_mutants.cpp.
#include "ring_core.h"
#include "suspend.h"
#include "vsim/abi/ring_split.h"
#include "vsim/drv/raw_ring.h"
#include "vsim/drv/rng_driver.h"
#include "vsim/model/device_core.h"

namespace vsim::conformance::suspend {

using ringcore::Rig;
namespace st = vsim::status;

namespace {

constexpr uint8_t kLive = st::kAcknowledge | st::kDriver | st::kFeaturesOk | st::kDriverOk;
using RigBody = std::function<void(Rig&)>;

/// A device-direction test on a raw rig (modern interfaces; the device offers VIRTIO_F_SUSPEND or is not supported).
TestInfo rigTest(const std::string& id, std::vector<std::string> clauses, const std::string& desc, RigBody body,
                 const std::string& deviceType = "rng", std::function<void(model::DeviceSpec&)> prepare = {}) {
  TestInfo t;
  t.id = id;
  t.target = Direction::Device;
  t.clauses = std::move(clauses);
  t.transports = ringcore::kModern;
  t.deviceTypes = {deviceType};
  t.description = desc;
  t.run = [body, prepare](TestContext& ctx) {
    if (prepare) prepare(ctx.spec());
    ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
      Rig r{ctx, hal, sink, rawTransport(ctx, hal, sink), nullptr, 0, {}};
      if (r.t) body(r);
    });
    for (const auto& v : ctx.driverSaw().all()) ctx.check(false, "driver saw: " + toString(v));
  };
  return t;
}

/// Re-read the status until (status & mask) == want (or DEVICE_NEEDS_RESET, or a timeout); returns the last read.
uint8_t waitStatus(Rig& r, uint8_t mask, uint8_t want) {
  drv::Deadline dl(r.hal, 100'000'000, 16);
  for (;;) {
    const uint8_t s = r.t->status();
    if ((s & mask) == want || (s & st::kDeviceNeedsReset) || dl.expired()) return s;
    dl.pause(1'000'000);
  }
}

/// Write SUSPEND and wait for the device to show it; the status read last.
uint8_t suspendDevice(Rig& r) {
  r.t->setStatus(kLive | st::kSuspend);
  return waitStatus(r, st::kSuspend | st::kDriverOk, st::kSuspend);
}
bool isSuspended(uint8_t s) { return (s & st::kSuspend) && !(s & st::kDriverOk); }

/// Set DRIVER_OK again and wait for the device to show it running; the status read last.
uint8_t resumeDevice(Rig& r) {
  r.t->setStatus(kLive | st::kSuspend);
  return waitStatus(r, st::kSuspend | st::kDriverOk, st::kDriverOk);
}
bool isRunning(uint8_t s) { return !(s & st::kSuspend) && (s & st::kDriverOk) && !(s & st::kDeviceNeedsReset); }

/// One 64-byte writable buffer made available on the split ring (returns its address).
uint64_t addWritable(Rig& r, drv::RawSplitRing& ring) {
  const uint64_t a = r.buffer(64);
  drv::Buf b{a, 64, true};
  ring.addChain(&b, 1);
  return a;
}

bool bringUpSuspendable(Rig& r, bool driverOk = true) {
  return ringcore::bringUp(r, feat::bit(feat::kSuspend), false, 8, driverOk);
}

void deviceTests(std::vector<TestInfo>& out) {
  out.push_back(rigTest(
      "virtio.device.core.suspend.ignored_before_driver_ok", {"devicenormative:General Initialization And Device Operation / Device Suspend#1"},
      "SUSPEND written after FEATURES_OK but before DRIVER_OK is ignored: it never reads 1, and DRIVER_OK then "
      "brings the device up as usual",
      [](Rig& r) {
        if (!bringUpSuspendable(r, /*driverOk=*/false)) return;
        r.t->setStatus(st::kAcknowledge | st::kDriver | st::kFeaturesOk | st::kSuspend);  // hostile: too early
        const uint8_t s = r.t->status();
        // the device is not completely initialised: the SUSPEND bit has no effect
        r.ctx.check(!(s & st::kSuspend), "SUSPEND took effect before DRIVER_OK");
        r.t->setStatus(kLive);
        drv::RawSplitRing ring(r.mem(), r.q->layout());
        const uint64_t a = addWritable(r, ring);
        r.notify();
        r.ctx.check(isRunning(r.t->status()) && ring.readUsedIdx() == 1 && r.touched(a, 64),
                    "the device does not run normally after the ignored SUSPEND");
      }));

  out.push_back(rigTest(
      "virtio.device.core.suspend.quiesced_until_resumed", {"devicenormative:General Initialization And Device Operation / Device Suspend#6", "devicenormative:General Initialization And Device Operation / Device Suspend#3", "devicenormative:General Initialization And Device Operation / Device Suspend#7"},
      "after SUSPEND the device shows SUSPEND=1/DRIVER_OK=0, ignores a buffer made available and notified "
      "(hostile) without touching rings or interrupt lines, and serves again once DRIVER_OK is set",
      [](Rig& r) {
        if (!bringUpSuspendable(r)) return;
        drv::RawSplitRing ring(r.mem(), r.q->layout());
        addWritable(r, ring);
        r.notify();
        if (ring.readUsedIdx() != 1) return r.ctx.harnessError("the queue did not serve before the suspension");
        r.queueInterrupt();
        const uint8_t s = suspendDevice(r);
        // suspended (or DEVICE_NEEDS_RESET when it cannot suspend: then there is nothing more to check)
        r.ctx.check(isSuspended(s) || (s & st::kDeviceNeedsReset), "the device neither suspended nor asked for a reset");
        if (!isSuspended(s)) return;
        const uint32_t usedBytes = static_cast<uint32_t>(split::usedBytes(r.q->size()));
        const auto usedBefore = r.bytes(r.q->layout().device, usedBytes);
        const uint64_t late = addWritable(r, ring);
        r.notify();
        // while suspended: no used ring write, no buffer write, no notification
        r.ctx.check(r.bytes(r.q->layout().device, usedBytes) == usedBefore && !r.touched(late, 64) &&
                        !r.queueInterrupt(),
                    "the suspended device used the queue or notified");
        r.ctx.check(isSuspended(r.t->status()), "the device left the suspended state by itself");
        const uint8_t back = resumeDevice(r);
        // resumed (or DEVICE_NEEDS_RESET when it cannot resume)
        r.ctx.check(isRunning(back) || (back & st::kDeviceNeedsReset), "the device neither resumed nor asked for a reset");
        if (!isRunning(back)) return;
        r.notify();
        r.ctx.check(ring.readUsedIdx() == 2 && r.touched(late, 64), "the resumed device does not serve the queue");
      }));

  out.push_back(rigTest(
      "virtio.device.core.suspend.completions_before_suspended", {"devicenormative:General Initialization And Device Operation / Device Suspend#8"},
      "a buffer the device has handled but not yet returned (held by batch_used, processing stepped by hand) is "
      "used and notified before the device shows SUSPEND",
      [](Rig& r) {
        if (!bringUpSuspendable(r)) return;
        model::DeviceCore& core = r.ctx.board().core(0);
        r.ctx.board().setManualProcessing(true);
        drv::RawSplitRing ring(r.mem(), r.q->layout());
        addWritable(r, ring);
        r.notify();
        if (!core.processOne(0) || ring.readUsedIdx() != 0)
          return r.ctx.harnessError("no buffer held in flight by the device");
        r.queueInterrupt();
        const uint8_t s = suspendDevice(r);
        if (!isSuspended(s)) return r.ctx.check(false, "the device did not suspend");
        // the in-flight buffer was returned, and its used buffer notification sent, before SUSPEND showed
        r.ctx.check(ring.readUsedIdx() == 1, "a buffer in flight was not returned before the suspension");
        r.ctx.check(r.queueInterrupt(), "the used buffer notification was not sent before the suspension");
        r.ctx.board().setManualProcessing(false);
        r.ctx.check(isRunning(resumeDevice(r)), "the device did not resume");
      },
      "rng", [](model::DeviceSpec& s) { s.core.personality.batchUsed = 4; }));

  out.push_back(rigTest(
      "virtio.device.core.suspend.config_change_deferred", {"devicenormative:General Initialization And Device Operation / Device Suspend#4", "devicenormative:General Initialization And Device Operation / Device Suspend#5", "devicenormative:General Initialization And Device Operation / Device Suspend#3"},
      "a configuration change while suspended moves neither the generation nor the interrupt lines; the "
      "notification (and new generation) come once the device runs again",
      [](Rig& r) {
        if (!bringUpSuspendable(r)) return;
        r.queueInterrupt();
        if (!isSuspended(suspendDevice(r))) return r.ctx.check(false, "the device did not suspend");
        const uint32_t gen = r.t->configGeneration();
        r.ctx.board().core(0).configChanged();  // the host changes the device's configuration
        r.ev.clear();
        r.t->pollInterrupts(r.ev);
        r.ctx.check(!r.ev.config, "a configuration change notification was sent while suspended");
        r.ctx.check(r.t->configGeneration() == gen, "the configuration changed while suspended");
        if (!isRunning(resumeDevice(r))) return r.ctx.check(false, "the device did not resume");
        r.ev.clear();
        r.t->pollInterrupts(r.ev);
        r.ctx.check(r.ev.config, "the deferred configuration change notification was not sent on resume");
        r.ctx.check(r.t->configGeneration() != gen, "the deferred change has no new generation");
      }));

  out.push_back(rigTest(
      "virtio.device.core.suspend.config_write_ignored", {"devicenormative:General Initialization And Device Operation / Device Suspend#2"},
      "input device: select written while suspended is ignored (size still 0); the same write after the resume "
      "takes effect",
      [](Rig& r) {
        if (!bringUpSuspendable(r)) return;
        if (!isSuspended(suspendDevice(r))) return r.ctx.check(false, "the device did not suspend");
        const uint8_t sel = 1;  // ID_NAME
        r.t->writeConfig(0, &sel, 1);
        uint8_t got[3] = {0xff, 0xff, 0xff};
        r.t->readConfig(0, got, 3);
        r.ctx.check(got[0] == 0 && got[2] == 0, "a configuration write took effect while suspended");
        if (!isRunning(resumeDevice(r))) return r.ctx.check(false, "the device did not resume");
        r.t->writeConfig(0, &sel, 1);
        r.t->readConfig(0, got, 3);
        if (got[0] != sel || got[2] == 0) return r.ctx.harnessError("select/ID_NAME did not answer after the resume");
      },
      "input"));

  out.push_back(rigTest(
      "virtio.device.core.suspend.failure_sets_needs_reset", {"devicenormative:General Initialization And Device Operation / Device Suspend#6"},
      "a device that cannot suspend (personality suspend_fails) sets DEVICE_NEEDS_RESET instead",
      [](Rig& r) {
        if (!bringUpSuspendable(r)) return;
        const uint8_t s = suspendDevice(r);
        r.ctx.check(isSuspended(s) || (s & st::kDeviceNeedsReset), "neither suspended nor DEVICE_NEEDS_RESET");
        r.ctx.check(!isSuspended(s), "the personality did not apply");
      },
      "rng", [](model::DeviceSpec& s) { s.core.personality.suspendFails = true; }));

  out.push_back(rigTest(
      "virtio.device.core.suspend.resume_failure_sets_needs_reset", {"devicenormative:General Initialization And Device Operation / Device Suspend#7"},
      "a device that cannot resume (personality resume_fails) sets DEVICE_NEEDS_RESET instead",
      [](Rig& r) {
        if (!bringUpSuspendable(r)) return;
        if (!isSuspended(suspendDevice(r))) return r.ctx.check(false, "the device did not suspend");
        const uint8_t s = resumeDevice(r);
        r.ctx.check(isRunning(s) || (s & st::kDeviceNeedsReset), "neither resumed nor DEVICE_NEEDS_RESET");
        r.ctx.check(!isRunning(s), "the personality did not apply");
      },
      "rng", [](model::DeviceSpec& s) { s.core.personality.resumeFails = true; }));
}

void driverTests(std::vector<TestInfo>& out) {
  out.push_back(ringcore::driverTest(
      "virtio.driver.core.suspend.workload",
      {"drivernormative:General Initialization And Device Operation / Device Suspend#2", "drivernormative:General Initialization And Device Operation / Device Suspend#3", "drivernormative:General Initialization And Device Operation / Device Suspend#4", "drivernormative:General Initialization And Device Operation / Device Suspend#5", "drivernormative:General Initialization And Device Operation / Device Suspend#6", "drivernormative:General Initialization And Device Operation / Device Suspend#1"}, ringcore::kModern,
      "the built-in entropy driver reads, suspends the device (reads fail meanwhile), resumes it and reads again",
      [](TestContext& ctx) {
        ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
          auto all = drv::discover(hal, sink);
          if (all.size() != 1) return ctx.harnessError("expected one device");
          auto rng = drv::RngDriver::open(hal, all[0], drv::DriverOptions{}, sink);
          if (!rng || !rng->ok()) return ctx.harnessError("the device did not come up");
          drv::Device& d = rng->device();
          if (!feat::has(d.features(), feat::kSuspend)) return ctx.notSupported("VIRTIO_F_SUSPEND not negotiated");
          model::DeviceCore& core = ctx.board().core(0);
          std::vector<uint8_t> buf(256);
          ctx.check(rng->read(buf.data(), buf.size(), 1'000'000'000) == buf.size(), "no entropy before suspending");
          ctx.check(d.suspend() && core.suspended(), "the driver did not suspend the device");
          ctx.check(rng->read(buf.data(), buf.size(), 1'000'000) == 0, "the driver submitted while suspended");
          const uint8_t zero = 0;
          d.writeConfig(0, &zero, 1);  // refused by the driver while suspended (the entropy device has no config)
          ctx.check(d.resume() && !core.suspended() && d.live(), "the driver did not resume the device");
          ctx.check(rng->read(buf.data(), buf.size(), 1'000'000'000) == buf.size(), "no entropy after resuming");
          ctx.check(core.stats().suspends == 1 && core.stats().resumes == 1, "the device did not see one cycle");
        });
      }));
}

}  // namespace

void registerSuspendTests(std::vector<TestInfo>& out) {
  deviceTests(out);
  driverTests(out);
  registerSuspendMutants(out);
}

}  // namespace vsim::conformance::suspend

namespace vsim::conformance {
void registerSuspendTestsAll(std::vector<TestInfo>& out) { suspend::registerSuspendTests(out); }
}  // namespace vsim::conformance

// PCI and MMIO transports and the reserved feature bits, in both directions: the shared plumbing of the transport
// test files (transport_layout.h) and the registration of all of them.
//  - transport_pci_device_tests.cpp / transport_mmio_device_tests.cpp: the device under test, observed by the suite
//    acting as a correct or hostile driver (IDs, capability layout, ISR, vectors, register values, resets).
//  - transport_driver_tests.cpp: the built-in driver under test on devices with legal but unusual traits.
//  - transport_cap_mutants.cpp: faulty drivers for the transport checks that had no mutant yet.
#include "transport_layout.h"

#include <algorithm>

#include "vsim/abi/features.h"
#include "vsim/abi/status.h"
#include "vsim/drv/rng_driver.h"
#include "vsim/guest_memory.h"

namespace vsim::conformance {

namespace layout {

namespace st = vsim::status;

bool negotiate(Raw& r, uint64_t extra) {
  drv::Transport& t = *r.t;
  t.setStatus(st::kAcknowledge);
  t.setStatus(st::kAcknowledge | st::kDriver);
  const uint64_t offered = t.deviceFeatures();
  if ((offered & extra) != extra) {
    r.notSupported("the device does not offer the features this test needs");
    return false;
  }
  const uint64_t f = minimalFeatures(r.ctx.config()) | extra;
  t.writeDriverFeatures(f);
  if (!r.legacy()) {
    t.setStatus(st::kAcknowledge | st::kDriver | st::kFeaturesOk);
    if (!(t.status() & st::kFeaturesOk)) return r.harness("FEATURES_OK was not accepted");
  }
  t.featuresNegotiated(f);
  return true;
}

bool setupQueue0(Raw& r, bool enable) {
  drv::Transport& t = *r.t;
  const uint32_t max = t.queueMaxSize(0);
  if (max == 0) return r.harness("queue 0 does not exist");
  drv::DriverQueueOptions qo;
  qo.legacyAlign = t.legacyQueueAlign();
  r.queue = drv::makeDriverQueue(false, r.sink, qo);
  const uint32_t size = t.queueSizeNegotiable() ? std::min<uint32_t>(8, max) : max;
  if (!r.queue->configure(size, t.negotiated(), r.hal.dmaMemory(), r.hal.dmaAllocator(), 0))
    return r.harness("queue configure failed");
  if (!t.setupQueue(0, r.queue->layout())) return r.harness("queue setup failed");
  if (enable && !t.enableQueue(0)) return r.harness("queue enable failed");
  return true;
}

void driverOk(Raw& r) {
  const uint8_t s = r.legacy() ? st::kAcknowledge | st::kDriver : st::kAcknowledge | st::kDriver | st::kFeaturesOk;
  r.t->setStatus(s | st::kDriverOk);
}

bool postBuffer(Raw& r, uint32_t len) {
  drv::Buf b{r.hal.dmaAllocator().alloc(len, 64), len, true};
  if (r.queue->add(&b, 1, 1) < 0) return r.harness("could not make a buffer available");
  return true;
}

bool watchQueue0(Raw& r) {
  const drv::RingAddrs& a = r.queue->layout();
  const uint64_t n = a.size;
  model::Board& b = r.ctx.board();
  const uint32_t always = GuestMemory::kFaultUntilCleared;
  // split ring parts: descriptor table, available ring (flags, idx, ring, used_event), used ring (+ avail_event)
  if (!b.injectDmaFault(0, a.desc, 16 * n, always) || !b.injectDmaFault(0, a.driver, 6 + 2 * n, always) ||
      !b.injectDmaFault(0, a.device, 6 + 8 * n, always))
    return r.harness("could not watch the rings");
  return true;
}

size_t watchedHits(Raw& r) { return r.ctx.board().dmaFaultLog(0).size(); }

uint32_t configSize(Raw& r) { return r.ctx.board().core(0).configSize(); }

namespace {

TestInfo rawInfo(const RawTest& t, Direction target, const char* kind) {
  TestInfo i;
  i.id = t.id;
  i.target = target;
  i.kind = kind;
  i.clauses = t.clauses;
  i.transports = t.transports;
  i.deviceTypes = t.deviceTypes;
  i.description = t.description;
  return i;
}

/// Run body on a Raw device; true when it ran to its end (not skipped, no harness error).
bool runRaw(TestContext& ctx, const RawTest& t) {
  if (t.prepare) t.prepare(ctx.spec());
  const std::shared_ptr<void> extra = t.attach ? t.attach(ctx) : nullptr;
  bool skipped = false;
  ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
    Raw r{ctx, hal, sink, {}, nullptr, nullptr, 0, 0, false};
    if (t.unprobed) {
      t.body(r);
      skipped = r.skipped;
      return;
    }
    r.t = rawTransport(ctx, hal, sink, &r.dev);
    if (!r.t) return;
    if (!r.t->reset(100'000'000)) return ctx.check(false, "device status never read back 0 after a reset");
    if (r.dev.pci) r.common = r.dev.pci->layout.common.base;
    r.mmio = r.dev.mmioBase;
    t.body(r);
    skipped = r.skipped;
  });
  return !skipped && !ctx.failed();
}

}  // namespace

TestInfo deviceTest(RawTest t) {
  TestInfo i = rawInfo(t, Direction::Device, "positive");
  i.run = [t](TestContext& ctx) {
    runRaw(ctx, t);
    for (const auto& v : ctx.driverSaw().all()) ctx.check(false, "driver saw: " + toString(v));
  };
  return i;
}

TestInfo mutantTest(RawTest t) {
  TestInfo i = rawInfo(t, Direction::Driver, "negative");
  i.run = [t](TestContext& ctx) {
    if (runRaw(ctx, t)) ctx.expectOnlyClause(t.clauses.front());
  };
  return i;
}

TestInfo driverTest(DriverTest t) {
  TestInfo i;
  i.id = t.id;
  i.target = Direction::Driver;
  i.clauses = t.clauses;
  i.transports = t.transports;
  i.deviceTypes = t.deviceTypes;
  i.description = t.description;
  i.run = [t](TestContext& ctx) {
    if (t.prepare) t.prepare(ctx.spec());
    const std::shared_ptr<void> extra = t.attach ? t.attach(ctx) : nullptr;
    ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) { t.body(ctx, hal, sink); });
    for (const auto& v : ctx.deviceSaw().all()) ctx.check(false, "device saw: " + toString(v));
    for (const auto& v : ctx.driverSaw().all())
      if (std::find(t.allowedDriverReports.begin(), t.allowedDriverReports.end(), v.clause) ==
          t.allowedDriverReports.end())
        ctx.check(false, "driver saw: " + toString(v));
  };
  return i;
}

void builtinWorkload(TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
  const std::string& type = ctx.config().deviceType;
  if (type == "blk") return blkWorkload(ctx, hal, sink, d);
  if (type == "net") return netWorkload(ctx, hal, sink, d);
  if (type == "console") return consoleWorkload(ctx, hal, sink, d);
  if (type == "input") return inputWorkload(ctx, hal, sink, d);
  if (type != "rng") {
    auto dev = drv::open(hal, d, drv::DriverOptions{}, sink);
    return ctx.check(dev && dev->live(), "device did not come up");
  }
  auto rng = drv::RngDriver::open(hal, d, drv::DriverOptions{}, sink);
  if (!rng || !rng->ok()) return ctx.check(false, "entropy device did not come up");
  std::vector<uint8_t> buf(4096);
  const size_t got = rng->read(buf.data(), buf.size(), 1'000'000'000);
  ctx.check(got == buf.size(), "short entropy read (" + std::to_string(got) + " bytes)");
}

}  // namespace layout

void registerTransportLayoutTests(std::vector<TestInfo>& out) {
  layout::registerPciDeviceTests(out);
  layout::registerMmioDeviceTests(out);
  layout::registerTransportDriverTests(out);
  layout::registerTransportCapMutants(out);
}

}  // namespace vsim::conformance

// Faulty drivers for the initialisation rules: each breaks exactly one driver-normative statement through the raw
// transport (our driver's transport layer without its init sequence), and the strict device must report that
// clause and nothing else. These are the mutants that prove the device-side checks can fire.
#include "test_helpers.h"
#include "vsim/abi/features.h"
#include "vsim/drv/driver_queue.h"

namespace vsim::conformance {

namespace {

namespace st = vsim::status;
const std::vector<TK> kModern = {TK::PciModern, TK::PciTransitional, TK::MmioV2};

using Body = std::function<void(TestContext&, drv::Transport&, drv::Hal&)>;

TestInfo mutant(const std::string& id, const std::string& clause, std::vector<TK> transports, const std::string& desc,
                Body body) {
  TestInfo t;
  t.id = id;
  t.target = Direction::Driver;
  t.kind = "negative";
  t.clauses = {clause};
  t.transports = std::move(transports);
  t.description = desc;
  t.run = [body, clause](TestContext& ctx) {
    ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
      auto tr = rawTransport(ctx, hal, sink);
      if (!tr) return;
      if (!tr->reset(100'000'000)) return ctx.harnessError("device did not reset");
      body(ctx, *tr, hal);
    });
    if (!ctx.failed()) ctx.expectOnlyClause(clause);
  };
  return t;
}

/// ACKNOWLEDGE, DRIVER, accept `features`, FEATURES_OK (modern), and read status back.
void negotiate(drv::Transport& t, uint64_t features, bool legacy) {
  t.setStatus(st::kAcknowledge);
  t.setStatus(st::kAcknowledge | st::kDriver);
  t.deviceFeatures();
  t.writeDriverFeatures(features);
  if (!legacy) {
    t.setStatus(st::kAcknowledge | st::kDriver | st::kFeaturesOk);
    t.status();
  }
}

}  // namespace

void registerInitMutants(std::vector<TestInfo>& out) {
  out.push_back(mutant("virtio.driver.core.status.driver_ok_before_features_ok",
                       "drivernormative:General Initialization And Device Operation / Device Initialization#1", kModern,
                       "DRIVER_OK is set right after DRIVER, skipping FEATURES_OK",
                       [](TestContext&, drv::Transport& t, drv::Hal&) {
                         t.setStatus(st::kAcknowledge);
                         t.setStatus(st::kAcknowledge | st::kDriver);
                         t.writeDriverFeatures(feat::bit(feat::kVersion1));
                         t.setStatus(st::kAcknowledge | st::kDriver | st::kDriverOk);
                       }));
  out.push_back(mutant("virtio.driver.core.status.bit_cleared",
                       "drivernormative:Basic Facilities of a Virtio Device / Device Status Field#2", {},
                       "DRIVER is cleared again without a reset",
                       [](TestContext&, drv::Transport& t, drv::Hal&) {
                         t.setStatus(st::kAcknowledge | st::kDriver);
                         t.setStatus(st::kAcknowledge);
                       }));
  out.push_back(mutant("virtio.driver.core.status.reinit_after_failed",
                       "drivernormative:Basic Facilities of a Virtio Device / Device Status Field#3", {},
                       "after FAILED the driver carries on initialising without a reset",
                       [](TestContext&, drv::Transport& t, drv::Hal&) {
                         t.setStatus(st::kAcknowledge | st::kFailed);
                         t.setStatus(st::kAcknowledge | st::kFailed | st::kDriver);
                       }));
  out.push_back(mutant("virtio.driver.core.features.not_offered",
                       "drivernormative:Basic Facilities of a Virtio Device / Feature Bits#1", kModern,
                       "the driver accepts a feature bit the device did not offer",
                       [](TestContext& ctx, drv::Transport& t, drv::Hal&) {
                         const uint64_t offered = t.deviceFeatures();
                         uint64_t extra = 0;
                         for (unsigned b = 0; b < 24 && !extra; ++b)
                           if (!(offered & feat::bit(b))) extra = feat::bit(b);
                         if (!extra) return ctx.notSupported("the device offers every device-type bit");
                         negotiate(t, feat::bit(feat::kVersion1) | extra, false);
                       }));
  out.push_back(mutant("virtio.driver.core.features.version_1_not_accepted", "drivernormative:Reserved Feature Bits#1",
                       kModern, "a modern driver does not accept VIRTIO_F_VERSION_1",
                       [](TestContext&, drv::Transport& t, drv::Hal&) { negotiate(t, 0, false); }));
  out.push_back(mutant("virtio.driver.core.features.written_after_features_ok",
                       "drivernormative:General Initialization And Device Operation / Device Initialization#4", {},
                       "driver features are written again after they were fixed (FEATURES_OK, or DRIVER_OK for a "
                       "legacy driver)",
                       [](TestContext& ctx, drv::Transport& t, drv::Hal&) {
                         const bool legacy = isLegacy(ctx.config());
                         negotiate(t, minimalFeatures(ctx.config()), legacy);
                         if (legacy) t.setStatus(st::kAcknowledge | st::kDriver | st::kDriverOk);
                         t.writeDriverFeatures(minimalFeatures(ctx.config()) | feat::bit(feat::kIndirectDesc));
                       }));
  out.push_back(mutant("virtio.driver.core.notify.before_driver_ok",
                       "drivernormative:General Initialization And Device Operation / Device Initialization#7", kModern,
                       "a buffer is made available and notified before DRIVER_OK",
                       [](TestContext& ctx, drv::Transport& t, drv::Hal& hal) {
                         negotiate(t, feat::bit(feat::kVersion1), false);
                         ViolationLog drvLog;
                         auto q = drv::makeDriverQueue(false, drvLog);
                         if (!q->configure(8, feat::bit(feat::kVersion1), hal.dmaMemory(), hal.dmaAllocator(), 0))
                           return ctx.harnessError("queue configure failed");
                         t.queueMaxSize(0);
                         if (!t.setupQueue(0, q->layout()) || !t.enableQueue(0))
                           return ctx.harnessError("queue setup failed");
                         const uint64_t buf = hal.dmaAllocator().alloc(64, 64);
                         drv::Buf b{buf, 64, true};
                         q->add(&b, 1, 1);
                         t.notify(0, 0);
                       }));
}

}  // namespace vsim::conformance

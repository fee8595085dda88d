// Device-normative statements checked by the suite acting as a driver (sometimes a hostile one).
#include "test_helpers.h"
#include "vsim/abi/features.h"
#include "vsim/drv/driver_queue.h"

namespace vsim::conformance {

namespace {

namespace st = vsim::status;

TestInfo deviceTest(const std::string& id, std::vector<std::string> clauses, std::vector<TK> transports,
                    const std::string& desc, std::function<void(TestContext&, drv::Transport&, drv::Hal&)> body) {
  TestInfo t;
  t.id = id;
  t.target = Direction::Device;
  t.clauses = std::move(clauses);
  t.transports = std::move(transports);
  t.description = desc;
  t.run = [body](TestContext& ctx) {
    ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
      auto tr = rawTransport(ctx, hal, sink);
      if (!tr) return;
      if (!tr->reset(100'000'000)) return ctx.check(false, "device status never read back 0 after a reset");
      body(ctx, *tr, hal);
    });
    for (const auto& v : ctx.driverSaw().all()) ctx.check(false, "driver saw: " + toString(v));
  };
  return t;
}

}  // namespace

void registerDeviceTests(std::vector<TestInfo>& out) {
  const std::vector<TK> modern = {TK::PciModern, TK::PciTransitional, TK::MmioV2};

  out.push_back(deviceTest("virtio.device.core.reset.status_reads_zero",
                           {"devicenormative:Basic Facilities of a Virtio Device / Device Reset#1"}, {},
                           "after a reset written mid-initialisation, device status reads 0",
                           [](TestContext& ctx, drv::Transport& t, drv::Hal&) {
                             t.setStatus(st::kAcknowledge | st::kDriver);
                             t.setStatus(0);
                             ctx.check(t.status() == 0, "status is not 0 after reset");
                           }));

  out.push_back(deviceTest("virtio.device.core.features.version_1_offered", {"devicenormative:Reserved Feature Bits#1"},
                           modern, "a modern interface offers VIRTIO_F_VERSION_1",
                           [](TestContext& ctx, drv::Transport& t, drv::Hal&) {
                             ctx.check(feat::has(t.deviceFeatures(), feat::kVersion1), "VERSION_1 not offered");
                           }));

  out.push_back(deviceTest("virtio.device.core.features.invalid_subset_refused",
                           {"devicenormative:Basic Facilities of a Virtio Device / Feature Bits#3"}, modern,
                           "FEATURES_OK stays clear when the driver accepts a feature that was not offered",
                           [](TestContext& ctx, drv::Transport& t, drv::Hal&) {
                             const uint64_t offered = t.deviceFeatures();
                             uint64_t extra = 0;
                             for (unsigned b = 0; b < 24 && !extra; ++b)
                               if (!(offered & feat::bit(b))) extra = feat::bit(b);
                             if (!extra) return ctx.notSupported("every device-type bit is offered");
                             t.setStatus(st::kAcknowledge);
                             t.setStatus(st::kAcknowledge | st::kDriver);
                             t.writeDriverFeatures(feat::bit(feat::kVersion1) | extra);
                             t.setStatus(st::kAcknowledge | st::kDriver | st::kFeaturesOk);
                             ctx.check(!(t.status() & st::kFeaturesOk), "FEATURES_OK accepted an invalid subset");
                           }));

  out.push_back(deviceTest("virtio.device.core.status.nothing_consumed_before_driver_ok",
                           {"devicenormative:Basic Facilities of a Virtio Device / Device Status Field#1"}, modern,
                           "a buffer notified before DRIVER_OK is not consumed until DRIVER_OK",
                           [](TestContext& ctx, drv::Transport& t, drv::Hal& hal) {
                             t.setStatus(st::kAcknowledge);
                             t.setStatus(st::kAcknowledge | st::kDriver);
                             t.writeDriverFeatures(feat::bit(feat::kVersion1));
                             t.setStatus(st::kAcknowledge | st::kDriver | st::kFeaturesOk);
                             t.status();
                             ViolationLog drvLog;
                             auto q = drv::makeDriverQueue(false, drvLog);
                             q->configure(8, feat::bit(feat::kVersion1), hal.dmaMemory(), hal.dmaAllocator(), 0);
                             t.queueMaxSize(0);
                             t.setupQueue(0, q->layout());
                             t.enableQueue(0);
                             drv::Buf b{hal.dmaAllocator().alloc(64, 64), 64, true};
                             q->add(&b, 1, 1);
                             t.notify(0, 0);
                             ctx.check(!q->hasUsed(), "the device used a buffer before DRIVER_OK");
                             t.setStatus(st::kAcknowledge | st::kDriver | st::kFeaturesOk | st::kDriverOk);
                           }));
}

}  // namespace vsim::conformance

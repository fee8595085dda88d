// The built-in driver under test, judged by what the device saw: initialisation failure handling, feature offers it
// does not know, virtqueue reset, cleanup after DEVICE_NEEDS_RESET, available buffer notifications, spurious
// interrupts, packed descriptor ownership. Plus mutants for core/rng device-side checks that had none.
#include <cstring>

#include "ring_core.h"
#include "vsim/abi/ring_packed.h"
#include "vsim/abi/ring_split.h"
#include "vsim/drv/raw_ring.h"
#include "vsim/drv/rng_driver.h"
#include "vsim/model/device_core.h"
#include "vsim/model/rng_device.h"

namespace vsim::conformance::ringcore {

namespace {

void driverTests(std::vector<TestInfo>& out) {
  out.push_back(driverTest(
      "virtio.driver.core.init.stops_after_failure",
      {"drivernormative:General Initialization And Device Operation / Device Initialization#6",
       "drivernormative:General Initialization And Device Operation / Device Initialization#5"},
      {}, "the driver needs two queues, the entropy device has one: FAILED is set and nothing follows",
      [](TestContext& ctx) {
        ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
          drv::DriverOptions o;
          o.numQueues = 2;
          auto d = openOne(ctx, hal, sink, o);
          if (!d) return;
          ctx.check(d->state() == drv::DeviceState::Failed, "the driver did not give up");
          model::DeviceCore& core = ctx.board().core(0);
          // FAILED set when giving up
          ctx.check((core.status() & st::kFailed) != 0, "FAILED was not set");
          // and initialisation stopped there: no DRIVER_OK, no queue enabled
          ctx.check(!(core.status() & st::kDriverOk) && !core.queue(0).enabled,
                    "initialisation went on after the failure");
        });
      }));

  out.push_back(driverTest(
      "virtio.driver.core.features.undefined_offer_ignored",
      {"drivernormative:Basic Facilities of a Virtio Device / Feature Bits#5",
       "drivernormative:Basic Facilities of a Virtio Device / Feature Bits#4",
       "drivernormative:Basic Facilities of a Virtio Device / Feature Bits#8"},
      {}, "the device also offers undefined bits 25 and 44: the driver accepts neither and still brings it up",
      [](TestContext& ctx) {
        ctx.spec().core.ringFeatures = model::DeviceCore::kDefaultRingFeatures | feat::bit(25) | feat::bit(44);
        ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
          auto d = openOne(ctx, hal, sink, drv::DriverOptions{});
          if (!d) return;
          model::DeviceCore& core = ctx.board().core(0);
          if (!(core.offeredFeatures() & feat::bit(25))) return ctx.harnessError("the undefined bit is not offered");
          // an offered bit the driver does not know is never accepted
          ctx.check((core.driverFeatures() & (feat::bit(25) | feat::bit(44))) == 0, "an undefined bit was accepted");
          // ... and is no reason to fail
          ctx.check(d->live() && (core.status() & st::kDriverOk), "the driver failed on an unknown offered bit");
        });
      }));

  out.push_back(driverTest(
      "virtio.driver.core.vq.reset_and_reenable",
      {"drivernormative:Basic Facilities of a Virtio Device / Virtqueues / Virtqueue Reset / Virtqueue Re-enable#1",
       "drivernormative:Basic Facilities of a Virtio Device / Virtqueues / Virtqueue Reset / Virtqueue Reset#1"},
      kModern, "the driver resets queue 0 with VIRTIO_F_RING_RESET, re-enables it and the queue serves again",
      [](TestContext& ctx) {
        ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
          auto d = openOne(ctx, hal, sink, drv::DriverOptions{});
          if (!d || !d->live()) return ctx.harnessError("the device did not come up");
          if (!feat::has(d->features(), feat::kRingReset)) return ctx.notSupported("RING_RESET not negotiated");
          auto served = [&](uint64_t cookie) {
            if (submit64(*d, hal, cookie) < 0) return false;
            uint64_t got = 0;
            uint32_t len = 0;
            return d->queue(0).getUsed(&got, &len) && got == cookie && len == 64;
          };
          ctx.check(served(1), "no buffer served before the queue reset");
          // the reset is confirmed (the transports check the read-back) and the queue set up as at first
          ctx.check(d->resetQueue(0), "queue reset failed");
          ctx.check(ctx.board().core(0).queue(0).enabled, "the queue was not re-enabled");
          ctx.check(served(2) && served(3), "the re-enabled queue does not serve");
        });
      }));

  out.push_back(driverTest(
      "virtio.driver.core.cleanup.reset_before_detach",
      {"drivernormative:General Initialization And Device Operation / Device Cleanup#2",
       "drivernormative:General Initialization And Device Operation / Device Cleanup#1"},
      kModern, "with a buffer still exposed after DEVICE_NEEDS_RESET, the driver resets before taking it back",
      [](TestContext& ctx) {
        ctx.spec().core.personality.needsResetAfter = 1;
        ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
          drv::DriverOptions o;
          o.ringPacked = false;
          o.indirect = false;
          auto d = openOne(ctx, hal, sink, o);
          if (!d || !d->live()) return ctx.harnessError("the device did not come up");
          model::DeviceCore& core = ctx.board().core(0);
          submit64(*d, hal, 1);
          uint64_t first = 0;
          if (!d->queue(0).getUsed(&first, nullptr) || first != 1) return ctx.harnessError("first buffer not served");
          const int exposed = submit64(*d, hal, 2, false);  // made available; the device stopped serving
          if (exposed < 0 || !core.needsReset()) return ctx.harnessError("no exposed buffer behind DEVICE_NEEDS_RESET");
          const uint64_t descAt = d->queue(0).layout().desc + 16ull * static_cast<uint32_t>(exposed);
          split::Desc before{}, atDetach{};
          hal.dmaMemory().read(descAt, &before, sizeof before);
          d->checkStatus();
          std::vector<uint64_t> dropped;
          uint8_t statusAtDetach = 0xff;
          const bool ok = d->recover([&](uint16_t, uint64_t cookie) {
            if (dropped.empty()) {
              statusAtDetach = core.status();
              hal.dmaMemory().read(descAt, &atDetach, sizeof atDetach);
            }
            dropped.push_back(cookie);
          });
          ctx.check(dropped.size() == 1 && dropped[0] == 2, "the exposed buffer was not the one taken back");
          // the queue was not live any more (device reset) when the exposed buffer was removed
          ctx.check(statusAtDetach == 0, "an exposed buffer was removed before the device was reset");
          // the exposed buffer's descriptor was not altered while the queue was live
          ctx.check(std::memcmp(&before, &atDetach, sizeof before) == 0, "an exposed descriptor was altered");
          ctx.check(ok && d->live(), "the device did not come back after recovery");
        });
      }));
}

void driverNotificationTests(std::vector<TestInfo>& out) {
  out.push_back(driverTest(
      "virtio.driver.core.split.notifies_when_flags_zero",
      {"drivernormative:Basic Facilities of a Virtio Device / Virtqueues / Available Buffer Notification Suppression#4",
       "drivernormative:Basic Facilities of a Virtio Device / Virtqueues / Available Buffer Notification Suppression#2"},
      kModern, "without EVENT_IDX, used flags 0 and a stray avail_event: the driver notifies for every buffer",
      [](TestContext& ctx) {
        ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
          drv::DriverOptions o;
          o.ringPacked = o.eventIdx = o.indirect = false;
          auto d = openOne(ctx, hal, sink, o);
          if (!d || !d->live()) return ctx.harnessError("the device did not come up");
          model::DeviceCore& core = ctx.board().core(0);
          const drv::RingAddrs& l = d->queue(0).layout();
          const uint16_t stray = 0x7777;  // an avail_event that would suppress everything if it were honoured
          hal.dmaMemory().write(l.device + split::availEventOff(l.size), &stray, sizeof stray);
          for (uint64_t k = 1; k <= 3; ++k) {
            const uint64_t before = core.stats().driverNotifications;
            submit64(*d, hal, k);
            uint64_t got = 0;
            // used flags 0: a notification per buffer (avail_event ignored), and the buffer is served
            ctx.check(core.stats().driverNotifications == before + 1 && d->queue(0).getUsed(&got, nullptr) && got == k,
                      "buffer " + std::to_string(k) + " was not notified");
          }
        });
      }));

  out.push_back(driverTest(
      "virtio.driver.core.split.notifies_at_avail_event",
      {"drivernormative:Basic Facilities of a Virtio Device / Virtqueues / Available Buffer Notification Suppression#6",
       "drivernormative:Basic Facilities of a Virtio Device / Virtqueues / Available Buffer Notification Suppression#5"},
      kModern, "with EVENT_IDX the device asks for the next index and (hostile) sets used flags 1: the driver notifies",
      [](TestContext& ctx) {
        ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
          drv::DriverOptions o;
          o.ringPacked = o.indirect = false;
          o.eventIdx = true;
          auto d = openOne(ctx, hal, sink, o);
          if (!d || !d->live()) return ctx.harnessError("the device did not come up");
          if (!feat::has(d->features(), feat::kEventIdx)) return ctx.notSupported("EVENT_IDX not negotiated");
          model::DeviceCore& core = ctx.board().core(0);
          const drv::RingAddrs& l = d->queue(0).layout();
          for (uint64_t k = 1; k <= 3; ++k) {
            const uint16_t noNotify = 1;  // the lower bit the driver must ignore with EVENT_IDX
            hal.dmaMemory().write(l.device + split::usedFlagsOff(), &noNotify, sizeof noNotify);
            uint16_t availEvent = 0;
            hal.dmaMemory().read(l.device + split::availEventOff(l.size), &availEvent, sizeof availEvent);
            if (availEvent != k - 1) return ctx.harnessError("the idle device did not ask for the next index");
            const uint64_t before = core.stats().driverNotifications;
            submit64(*d, hal, k);
            uint64_t got = 0;
            // the new entry sits at avail_event: a notification is due whatever used flags say
            ctx.check(core.stats().driverNotifications == before + 1 && d->queue(0).getUsed(&got, nullptr) && got == k,
                      "the buffer at avail_event was not notified");
          }
        });
      }));

  out.push_back(driverTest(
      "virtio.driver.core.irq.spurious_tolerated",
      {"drivernormative:Basic Facilities of a Virtio Device / Virtqueues / Used Buffer Notification Suppression#5"},
      {}, "the device sends a spurious used buffer notification after every real one; the driver's reads complete",
      [](TestContext& ctx) {
        ctx.spec().core.personality.spuriousIrq = true;
        ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
          auto all = drv::discover(hal, sink);
          if (all.size() != 1) return ctx.harnessError("expected one device");
          auto rng = drv::RngDriver::open(hal, all[0], drv::DriverOptions{}, sink);
          if (!rng || !rng->ok()) return ctx.harnessError("the device did not come up");
          std::vector<uint8_t> buf(4096);
          size_t got = 0;
          for (int k = 0; k < 16 && got < buf.size(); ++k) got += rng->read(buf.data() + got, 256, 1'000'000'000);
          // spurious notifications neither lose nor duplicate data, nor upset the driver
          ctx.check(got == buf.size() && rng->device().live(), "reads did not complete under spurious notifications");
          ctx.check(ctx.board().core(0).stats().usedNotifications >= 32, "the device sent no spurious notifications");
        });
      }));

  out.push_back(driverTest(
      "virtio.driver.core.status.each_step_recorded",
      {"drivernormative:Basic Facilities of a Virtio Device / Device Status Field#1"}, {},
      "after bring-up the device status holds the bit of every completed initialisation step",
      [](TestContext& ctx) {
        ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
          auto d = openOne(ctx, hal, sink, drv::DriverOptions{});
          if (!d || !d->live()) return ctx.harnessError("the device did not come up");
          const uint8_t want = isLegacy(ctx.config()) ? (st::kAcknowledge | st::kDriver | st::kDriverOk)
                                                      : (st::kAcknowledge | st::kDriver | st::kFeaturesOk | st::kDriverOk);
          // every step's bit is set (the order is judged by the device's Device Initialization#1 check)
          ctx.check(ctx.board().core(0).status() == want, "device status does not record the completed steps");
        });
      }));

  out.push_back(driverTest(
      "virtio.driver.core.features.required_feature_missing",
      {"drivernormative:Basic Facilities of a Virtio Device / Feature Bits#7"}, kModern,
      "a modern interface that does not offer VERSION_1: the driver sets FAILED and stops",
      [](TestContext& ctx) {
        ctx.spec().core.personality.featuresRemoved = feat::bit(feat::kVersion1);
        ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
          auto d = openOne(ctx, hal, sink, drv::DriverOptions{});
          if (!d) return;
          const uint8_t s = ctx.board().core(0).status();
          // FAILED set, initialisation ceased before FEATURES_OK
          ctx.check(d->state() == drv::DeviceState::Failed && (s & st::kFailed) &&
                        !(s & (st::kFeaturesOk | st::kDriverOk)),
                    "the driver went on without a feature it needs");
        });
      }));

  out.push_back(driverTest(
      "virtio.driver.core.packed.available_descriptors_unchanged",
      {"drivernormative:Basic Facilities of a Virtio Device / PAcked Virtqueues / The Virtqueue Descriptor Table#2"},
      kModern, "descriptors the driver made available stay as they are while it adds more, until the device uses them",
      [](TestContext& ctx) {
        ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
          drv::DriverOptions o;
          o.indirect = false;
          auto d = openOne(ctx, hal, sink, o);
          if (!d || !d->live()) return ctx.harnessError("the device did not come up");
          if (!d->queue(0).isPacked()) return ctx.notSupported("RING_PACKED not negotiated");
          const uint64_t slot0 = d->queue(0).layout().desc;
          submit64(*d, hal, 1, false);
          packed::Desc first{}, later{};
          hal.dmaMemory().read(slot0, &first, sizeof first);
          const drv::Buf two[] = {{hal.dmaAllocator().alloc(64, 64), 64, true}, {hal.dmaAllocator().alloc(64, 64), 64, true}};
          if (d->queue(0).add(two, 2, 2) < 0) return ctx.harnessError("could not add a second buffer");
          submit64(*d, hal, 3, false);
          hal.dmaMemory().read(slot0, &later, sizeof later);
          // an available descriptor is not rewritten by the driver's later additions
          ctx.check(std::memcmp(&first, &later, sizeof first) == 0, "an available descriptor was changed");
          d->kick(0);
          uint64_t got = 0;
          int n = 0;
          while (d->queue(0).getUsed(&got, nullptr)) ++n;
          ctx.check(n == 3, "the three buffers were not all served");
        });
      }));

  out.push_back(driverTest(
      "virtio.driver.core.packed.list_needs_room",
      {"drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues / Scatter-Gather Support#5"}, kModern,
      "a two-descriptor list with one free slot in a 4-entry ring is refused without publishing anything",
      [](TestContext& ctx) {
        ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
          drv::DriverOptions o;
          o.indirect = false;
          o.maxQueueSize = 4;
          auto d = openOne(ctx, hal, sink, o);
          if (!d || !d->live()) return ctx.harnessError("the device did not come up");
          drv::DriverQueue& q = d->queue(0);
          if (!q.isPacked() || q.size() != 4) return ctx.notSupported("no 4-entry packed ring");
          for (uint64_t k = 1; k <= 3; ++k) submit64(*d, hal, k, false);
          std::vector<uint8_t> ring(64), after(64);
          hal.dmaMemory().read(q.layout().desc, ring.data(), ring.size());
          const drv::Buf two[] = {{hal.dmaAllocator().alloc(64, 64), 64, true}, {hal.dmaAllocator().alloc(64, 64), 64, true}};
          const int r = q.add(two, 2, 4);
          hal.dmaMemory().read(q.layout().desc, after.data(), after.size());
          // not enough room for the whole list: nothing of it is made available
          ctx.check(r == drv::kAddNoSpace && after == ring, "a list was started without room for all of it");
          d->kick(0);
          uint64_t got = 0;
          while (q.getUsed(&got, nullptr)) {
          }
          ctx.check(q.add(two, 2, 4) >= 0 && d->kick(0) && q.getUsed(&got, nullptr) && got == 4,
                    "the list was not served once there was room");
        });
      }));

  TestInfo u;
  u.id = "virtio.driver.core.split.used_flags_not_initialised";
  u.target = Direction::Driver;
  u.kind = "negative";
  u.clauses = {"drivernormative:Basic Facilities of a Virtio Device / Virtqueues / Available Buffer Notification Suppression#1"};
  u.transports = kModern;
  u.deviceTypes = {"rng"};
  u.description = "a correct bring-up, except that the used ring's flags hold 1 when the queue is enabled";
  u.run = [](TestContext& ctx) {
    ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
      Rig r{ctx, hal, sink, rawTransport(ctx, hal, sink), nullptr, 0, {}};
      if (!r.t || !r.t->reset(100'000'000)) return ctx.harnessError("device did not reset");
      r.t->setStatus(st::kAcknowledge);
      r.t->setStatus(st::kAcknowledge | st::kDriver);
      r.t->deviceFeatures();
      r.features = feat::bit(feat::kVersion1);
      r.t->writeDriverFeatures(r.features);
      r.t->setStatus(st::kAcknowledge | st::kDriver | st::kFeaturesOk);
      if (!(r.t->status() & st::kFeaturesOk)) return ctx.harnessError("FEATURES_OK was refused");
      r.t->featuresNegotiated(r.features);
      r.t->queueMaxSize(0);
      if (!r.t->setupInterrupts(1, drv::InterruptMode::Auto)) return ctx.harnessError("interrupt setup failed");
      r.q = drv::makeDriverQueue(false, sink);
      if (!r.q->configure(8, r.features, r.mem(), hal.dmaAllocator(), 0)) return ctx.harnessError("ring allocation");
      drv::RawSplitRing(r.mem(), r.q->layout()).setUsedFlags(1);  // the fault: the used ring is not initialised
      if (!r.t->setupQueue(0, r.q->layout()) || !r.t->enableQueue(0)) return ctx.harnessError("queue setup failed");
    });
    if (!ctx.failed())
      ctx.expectOnlyClause(
          "drivernormative:Basic Facilities of a Virtio Device / Virtqueues / Available Buffer Notification Suppression#1");
  };
  out.push_back(u);

  TestInfo m;
  m.id = "virtio.driver.core.rng.readable_request";
  m.target = Direction::Driver;
  m.kind = "negative";
  m.clauses = {"drivernormative:Device Types / Entropy Device / Device Operation#1"};
  m.deviceTypes = {"rng"};
  m.description = "after a correct bring-up the driver makes an entropy request with a device-readable part";
  m.run = [](TestContext& ctx) {
    ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
      auto d = openOne(ctx, hal, sink, drv::DriverOptions{});
      if (!d || !d->live()) return ctx.harnessError("the device did not come up");
      const drv::Buf bufs[] = {{hal.dmaAllocator().alloc(16, 16), 16, false}, {hal.dmaAllocator().alloc(64, 64), 64, true}};
      if (d->queue(0).add(bufs, 2, 1) < 0) return ctx.harnessError("could not make the request available");
      d->kick(0);  // the fault: an entropy request is device-writable only
    });
    if (!ctx.failed()) ctx.expectOnlyClause("drivernormative:Device Types / Entropy Device / Device Operation#1");
  };
  out.push_back(m);
}


constexpr const char* kUsedLength = "drivernormative:Device Types / Entropy Device / Device Operation#2";
constexpr uint32_t kShortFill = 5;  // bytes the entropy device writes per request in these tests

/// The oracle of Entropy Device / Device Operation#2: a driver that takes the used length as the count of random
/// bytes can never have handed out more bytes than the device wrote. Reported on the device's side of the log.
void judgeDelivered(TestContext& ctx, uint64_t delivered) {
  auto& rng = static_cast<model::RngDevice&>(ctx.board().logic(0));
  if (delivered <= rng.bytesServed()) return;
  Violation v;
  v.clause = kUsedLength;
  v.kind = "rng.bytes_beyond_used_length";
  v.message = "the driver handed out more entropy bytes than the device wrote (used lengths not examined)";
  v.culprit = Culprit::Driver;
  v.evidence = {{"delivered", delivered}, {"device_wrote", rng.bytesServed()}};
  ctx.board().violations().report(std::move(v));
}

void rngUsedLengthTests(std::vector<TestInfo>& out) {
  TestInfo t = driverTest(
      "virtio.driver.core.rng.short_fills_counted_by_used_length", {kUsedLength}, {},
      "the entropy device writes only 5 bytes into every buffer; the driver hands out exactly the bytes it was given",
      [](TestContext& ctx) {
        ctx.spec().rng.maxBytesPerRequest = kShortFill;
        ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
          auto found = drv::discover(hal, sink);
          if (found.size() != 1) return ctx.harnessError("expected one device");
          auto rng = drv::RngDriver::open(hal, found[0], drv::DriverOptions{}, sink);
          if (!rng || !rng->ok()) return ctx.harnessError("the entropy device did not come up");
          uint8_t buf[64];
          const size_t got = rng->read(buf, sizeof buf, 1'000'000'000);
          ctx.check(got == sizeof buf, "short entropy read (" + std::to_string(got) + " bytes)");
          ctx.check(rng->requests() >= sizeof buf / kShortFill, "the short fills did not make the driver ask again");
          judgeDelivered(ctx, rng->bytes());
        });
      });
  t.deviceTypes = {"rng"};
  out.push_back(t);

  TestInfo m;
  m.id = "virtio.driver.core.rng.used_length_ignored";
  m.target = Direction::Driver;
  m.kind = "negative";
  m.clauses = {kUsedLength};
  m.deviceTypes = {"rng"};
  m.description = "a driver that takes the whole 64-byte buffer as random although the device wrote 5 bytes into it";
  m.run = [](TestContext& ctx) {
    ctx.spec().rng.maxBytesPerRequest = kShortFill;
    ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
      auto d = openOne(ctx, hal, sink, drv::DriverOptions{});
      if (!d || !d->live()) return ctx.harnessError("the device did not come up");
      if (submit64(*d, hal, 1) < 0) return ctx.harnessError("could not make the request available");
      uint64_t cookie = 0;
      uint32_t len = 0;
      bool used = false;
      for (int i = 0; i < 1000 && !used; ++i) used = d->queue(0).getUsed(&cookie, &len);
      if (!used) return ctx.harnessError("the device did not use the buffer");
      judgeDelivered(ctx, 64);  // the fault: the used length (5) is not looked at
    });
    if (!ctx.failed()) ctx.expectOnlyClause(kUsedLength);
  };
  out.push_back(m);
}

}  // namespace

void registerRingCoreDriverTests(std::vector<TestInfo>& out) {
  driverTests(out);
  driverNotificationTests(out);
  rngUsedLengthTests(out);
}

}  // namespace vsim::conformance::ringcore

// Rings, notification suppression, virtqueue reset, device reset and feature offers: device-direction observation
// tests. The suite is a raw, sometimes hostile driver that builds ring content itself (RawSplitRing / RawPackedRing)
// and judges what the device did to each byte of a chain, to the rings and to the interrupt lines.
//
// The ring tests run on the entropy device: every buffer it completes is device-writable only and filled.
#include <cstring>

#include "ring_core.h"
#include "vsim/abi/ring_packed.h"
#include "vsim/abi/ring_split.h"
#include "vsim/drv/raw_ring.h"

namespace vsim::conformance {
namespace ringcore {

bool bringUp(Rig& r, uint64_t extra, bool packed, uint32_t size, bool driverOk) {
  if (!r.t->reset(100'000'000)) return r.ctx.harnessError("device did not reset"), false;
  r.t->setStatus(st::kAcknowledge);
  r.t->setStatus(st::kAcknowledge | st::kDriver);
  const uint64_t offered = r.t->deviceFeatures();
  if (packed) extra |= feat::bit(feat::kRingPacked);
  if ((offered & extra) != extra) return r.ctx.notSupported("the device does not offer the features the test needs"), false;
  r.features = feat::bit(feat::kVersion1) | extra;
  r.t->writeDriverFeatures(r.features);
  r.t->setStatus(st::kAcknowledge | st::kDriver | st::kFeaturesOk);
  if (!(r.t->status() & st::kFeaturesOk)) return r.ctx.harnessError("FEATURES_OK was refused"), false;
  r.t->featuresNegotiated(r.features);
  if (r.t->queueMaxSize(0) < size) return r.ctx.notSupported("queue 0 is smaller than the test needs"), false;
  if (!r.t->setupInterrupts(1, drv::InterruptMode::Auto)) return r.ctx.harnessError("interrupt setup failed"), false;
  r.q = drv::makeDriverQueue(packed, r.sink);
  if (!r.q->configure(size, r.features, r.mem(), r.hal.dmaAllocator(), 0))
    return r.ctx.harnessError("ring allocation failed"), false;
  if (!r.t->setupQueue(0, r.q->layout()) || !r.t->enableQueue(0)) return r.ctx.harnessError("queue setup failed"), false;
  if (driverOk) r.t->setStatus(st::kAcknowledge | st::kDriver | st::kFeaturesOk | st::kDriverOk);
  return true;
}


TestInfo driverTest(const std::string& id, std::vector<std::string> clauses, std::vector<TK> transports,
                    const std::string& desc, std::function<void(TestContext&)> run) {
  TestInfo t;
  t.id = id;
  t.target = Direction::Driver;
  t.clauses = std::move(clauses);
  t.transports = std::move(transports);
  t.deviceTypes = {"rng"};
  t.description = desc;
  t.run = [run](TestContext& ctx) {
    run(ctx);
    for (const auto& v : ctx.deviceSaw().all()) ctx.check(false, "device saw: " + toString(v));
  };
  return t;
}

std::unique_ptr<drv::Device> openOne(TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DriverOptions& o) {
  auto all = drv::discover(hal, sink);
  if (all.size() != 1) return ctx.harnessError("expected one device"), nullptr;
  return drv::open(hal, all[0], o, sink);
}

int submit64(drv::Device& d, drv::Hal& hal, uint64_t cookie, bool kick) {
  drv::Buf b{hal.dmaAllocator().alloc(64, 64), 64, true};
  const int h = d.queue(0).add(&b, 1, cookie);
  if (kick) d.kick(0);
  return h;
}


namespace {

using RigBody = std::function<void(Rig&)>;

TestInfo rigTest(const std::string& id, std::vector<std::string> clauses, const std::string& desc, RigBody body,
                 const std::string& deviceType = "rng") {
  TestInfo t;
  t.id = id;
  t.target = Direction::Device;
  t.clauses = std::move(clauses);
  t.transports = kModern;
  t.deviceTypes = {deviceType};
  t.description = desc;
  t.run = [body](TestContext& ctx) {
    ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
      Rig r{ctx, hal, sink, rawTransport(ctx, hal, sink), nullptr, 0, {}};
      if (r.t) body(r);
    });
    for (const auto& v : ctx.driverSaw().all()) ctx.check(false, "driver saw: " + toString(v));
  };
  return t;
}

/// One 64-byte writable buffer made available on a split ring (returns its address).
uint64_t addWritable(Rig& r, drv::RawSplitRing& ring, uint32_t len = 64) {
  const uint64_t a = r.buffer(len);
  drv::Buf b{a, len, true};
  ring.addChain(&b, 1);
  return a;
}

// ---- split rings ---------------------------------------------------------------------------------------------

void splitTests(std::vector<TestInfo>& out) {
  out.push_back(rigTest(
      "virtio.device.core.split.spurious_notifications",
      {"devicenormative:Basic Facilities of a Virtio Device / Virtqueues / Available Buffer Notification Suppression#5"},
      "notifications with nothing new available change nothing; the queue still serves the next buffer",
      [](Rig& r) {
        if (!bringUp(r, 0, false)) return;
        drv::RawSplitRing ring(r.mem(), r.q->layout());
        for (int k = 0; k < 3; ++k) r.notify();
        // spurious notifications: the device consumed nothing and stays usable
        r.ctx.check(ring.readUsedIdx() == 0 && !r.needsReset(), "spurious notifications changed the device state");
        const uint64_t a = addWritable(r, ring);
        r.notify();
        r.notify();  // one more with nothing new behind it
        const auto e = ring.readUsedElem(0);
        r.ctx.check(ring.readUsedIdx() == 1 && e.id == 0 && e.len == 64 && r.touched(a, 64),
                    "the buffer after spurious notifications was not served exactly once");
      }));

  out.push_back(rigTest(
      "virtio.device.core.split.indirect_write_flag_ignored",
      {"devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#1"},
      "the descriptor pointing at an indirect table carries WRITE; the device serves the table's buffers",
      [](Rig& r) {
        if (!bringUp(r, feat::bit(feat::kIndirectDesc), false)) return;
        drv::RawSplitRing ring(r.mem(), r.q->layout());
        const uint64_t a = r.buffer(32), b = r.buffer(32), table = r.hal.dmaAllocator().alloc(32, 16);
        std::vector<split::Desc> descs = {{a, 32, split::kDescFWrite | split::kDescFNext, 1}, {b, 32, split::kDescFWrite, 0}};
        ring.writeIndirectTable(table, descs);
        ring.writeDesc(0, table, 32, split::kDescFIndirect | split::kDescFWrite, 0);
        ring.setAvailRing(0, 0);
        ring.setAvailIdx(1);
        r.notify();
        // the write flag of the table descriptor is ignored: both table buffers are filled, nothing breaks
        r.ctx.check(!r.needsReset() && ring.readUsedIdx() == 1 && ring.readUsedElem(0).len == 64 && r.touched(a, 32) &&
                        r.touched(b, 32),
                    "an indirect descriptor with WRITE set was not served as its table describes");
      }));

  out.push_back(rigTest(
      "virtio.device.core.split.chain_ending_in_indirect",
      {"devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#2"},
      "a chain of direct descriptors whose last one points at an indirect table is served as one buffer",
      [](Rig& r) {
        if (!bringUp(r, feat::bit(feat::kIndirectDesc), false)) return;
        drv::RawSplitRing ring(r.mem(), r.q->layout());
        const uint64_t d0 = r.buffer(16), t0 = r.buffer(24), t1 = r.buffer(24);
        const uint64_t table = r.hal.dmaAllocator().alloc(32, 16);
        std::vector<split::Desc> descs = {{t0, 24, split::kDescFWrite | split::kDescFNext, 1}, {t1, 24, split::kDescFWrite, 0}};
        ring.writeIndirectTable(table, descs);
        ring.writeDesc(0, d0, 16, split::kDescFWrite | split::kDescFNext, 1);
        ring.writeDesc(1, table, 32, split::kDescFIndirect, 0);
        ring.setAvailRing(0, 0);
        ring.setAvailIdx(1);
        r.notify();
        // direct descriptors followed by one indirect descriptor: all 64 bytes are one buffer
        r.ctx.check(!r.needsReset() && ring.readUsedIdx() == 1 && ring.readUsedElem(0).id == 0 &&
                        ring.readUsedElem(0).len == 64 && r.touched(d0, 16) && r.touched(t0, 24) && r.touched(t1, 24),
                    "a direct chain ending in an indirect table was not served as one 64-byte buffer");
      }));

  out.push_back(rigTest(
      "virtio.device.core.split.readable_and_table_untouched",
      {"devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#1",
       "devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#4"},
      "a chain with a readable then a writable buffer: the readable bytes and the descriptor table stay as written",
      [](Rig& r) {
        if (!bringUp(r, 0, false)) return;
        drv::RawSplitRing ring(r.mem(), r.q->layout());
        const uint64_t rd = r.buffer(64), wr = r.buffer(64);
        const drv::Buf bufs[] = {{rd, 64, false}, {wr, 64, true}};
        ring.addChain(bufs, 2);
        const uint32_t tableBytes = 16 * r.q->size();
        const auto tableBefore = r.bytes(r.q->layout().desc, tableBytes);
        r.notify();
        r.ctx.check(ring.readUsedIdx() == 1 && r.touched(wr, 64), "the chain was not served");
        // the device never writes a device-readable buffer
        r.ctx.check(!r.touched(rd, 64), "the device wrote into a device-readable buffer");
        // the device never writes the descriptor table
        r.ctx.check(r.bytes(r.q->layout().desc, tableBytes) == tableBefore, "the device wrote the descriptor table");
      }));

  out.push_back(rigTest(
      "virtio.device.core.split.used_event_ignored_without_event_idx",
      {"devicenormative:Basic Facilities of a Virtio Device / Virtqueues / Used Buffer Notification Suppression#1",
       "devicenormative:Basic Facilities of a Virtio Device / Virtqueues / Used Buffer Notification Suppression#3"},
      "without EVENT_IDX, avail flags 0 and a used_event that never matches: every completion is notified",
      [](Rig& r) {
        if (!bringUp(r, 0, false)) return;
        drv::RawSplitRing ring(r.mem(), r.q->layout());
        ring.setAvailFlags(0);
        ring.setUsedEvent(0x7777);  // would suppress both completions if the device honoured it
        r.queueInterrupt();         // start from a quiet line
        for (int k = 0; k < 2; ++k) {
          addWritable(r, ring);
          r.notify();
          // flags 0: a used buffer notification for each completion; used_event is ignored
          r.ctx.check(r.queueInterrupt(), "completion " + std::to_string(k + 1) + " was not notified");
        }
      }));

  out.push_back(rigTest(
      "virtio.device.core.split.event_idx_used_event_honoured",
      {"devicenormative:Basic Facilities of a Virtio Device / Virtqueues / Used Buffer Notification Suppression#5",
       "devicenormative:Basic Facilities of a Virtio Device / Virtqueues / Used Buffer Notification Suppression#4"},
      "with EVENT_IDX and avail flags 1 (lower bit to be ignored), the completion at used_event is notified",
      [](Rig& r) {
        if (!bringUp(r, feat::bit(feat::kEventIdx), false)) return;
        drv::RawSplitRing ring(r.mem(), r.q->layout());
        ring.setAvailFlags(1);  // hostile: the device must ignore the lower bit with EVENT_IDX
        ring.setUsedEvent(1);   // notify when used entry 1 (the second completion) is written
        r.queueInterrupt();
        addWritable(r, ring);
        r.notify();
        r.queueInterrupt();  // the first completion may or may not be notified (SHOULD NOT)
        addWritable(r, ring);
        r.notify();
        // used idx passed used_event: a notification is due whatever avail flags say
        r.ctx.check(ring.readUsedIdx() == 2 && r.queueInterrupt(), "the completion at used_event was not notified");
      }));

  out.push_back(rigTest(
      "virtio.device.core.split.queue_reset_and_reenable",
      {"devicenormative:Basic Facilities of a Virtio Device / Virtqueues / Virtqueue Reset / Virtqueue Reset#1",
       "devicenormative:Basic Facilities of a Virtio Device / Virtqueues / Virtqueue Reset / Virtqueue Reset#2",
       "devicenormative:Basic Facilities of a Virtio Device / Virtqueues / Virtqueue Reset / Virtqueue Re-enable#1"},
      "a reset queue serves nothing; re-enabled with size 4 at new rings it starts from index 0 with the new size",
      [](Rig& r) {
        if (!bringUp(r, feat::bit(feat::kRingReset), false)) return;
        drv::RawSplitRing ring(r.mem(), r.q->layout());
        for (int k = 0; k < 5; ++k) {
          addWritable(r, ring);
          r.notify();
        }
        if (ring.readUsedIdx() != 5) return r.ctx.harnessError("the queue did not serve five buffers before the reset");
        if (!r.t->resetQueue(0, 100'000'000)) return r.ctx.check(false, "queue_reset never read back as done");
        r.queueInterrupt();
        const uint64_t late = addWritable(r, ring);
        r.notify();
        // after the queue reset nothing of that queue is executed or notified
        r.ctx.check(ring.readUsedIdx() == 5 && !r.touched(late, 64) && !r.queueInterrupt(),
                    "the device served or notified a queue after it was reset");
        auto q4 = drv::makeDriverQueue(false, r.sink);
        if (!q4->configure(4, r.features, r.mem(), r.hal.dmaAllocator(), 0)) return r.ctx.harnessError("ring allocation");
        if (!r.t->setupQueue(0, q4->layout()) || !r.t->enableQueue(0)) return r.ctx.check(false, "re-enable failed");
        drv::RawSplitRing ring4(r.mem(), q4->layout());
        for (int k = 0; k < 5; ++k) {
          if (k == 4) ring4.setUsedElem(0, 0xdead, 0);  // a marker the fifth completion overwrites at size 4
          addWritable(r, ring4);
          r.notify();
        }
        // the queue's available and used state restarted at 0 (the new ring's avail idx 5 is accepted)
        r.ctx.check(!r.needsReset() && ring4.readUsedIdx() == 5, "the re-enabled queue did not serve from index 0");
        // the new size (4) is observed: the fifth used element wraps to slot 0 and names descriptor 0 again
        const auto e = ring4.readUsedElem(0);
        r.ctx.check(e.id == 0 && e.len == 64, "the re-enabled queue did not use its new size of 4");
      }));
}

// ---- packed rings --------------------------------------------------------------------------------------------

void packedTests(std::vector<TestInfo>& out) {
  out.push_back(rigTest(
      "virtio.device.core.packed.processed_in_ring_order",
      {"devicenormative:Basic Facilities of a Virtio Device / Packed Virtqueues#1",
       "devicenormative:Basic Facilities of a Virtio Device / Packed Virtqueues#2"},
      "three buffers (ids 7, 3, 5) made available at once come back in ring order",
      [](Rig& r) {
        if (!bringUp(r, 0, true)) return;
        drv::RawPackedRing ring(r.mem(), r.q->layout());
        const uint16_t ids[] = {7, 3, 5};
        for (uint16_t id : ids) {
          drv::Buf b{r.buffer(64), 64, true};
          ring.addChain(&b, 1, id);
        }
        r.notify();
        // processing starts in ring order, and used descriptors are written in completion order
        for (uint32_t k = 0; k < 3; ++k) {
          const packed::Desc d = ring.readDesc(k);
          r.ctx.check(packed::isUsed(d.flags, true) && d.id == ids[k],
                      "used slot " + std::to_string(k) + " holds id " + std::to_string(d.id));
        }
      }));

  out.push_back(rigTest(
      "virtio.device.core.packed.readable_and_used_untouched",
      {"devicenormative:Basic Facilities of a Virtio Device / Packed Virtqueues / The Virtqueue Descriptor Table#1",
       "devicenormative:Basic Facilities of a Virtio Device / Packed Virtqueues / The Virtqueue Descriptor Table#4"},
      "a readable then writable list: the readable bytes stay; a used descriptor is not changed afterwards",
      [](Rig& r) {
        if (!bringUp(r, 0, true)) return;
        drv::RawPackedRing ring(r.mem(), r.q->layout());
        const uint64_t rd = r.buffer(64), wr = r.buffer(64);
        const drv::Buf bufs[] = {{rd, 64, false}, {wr, 64, true}};
        ring.addChain(bufs, 2, 1);
        r.notify();
        const packed::Desc first = ring.readDesc(0);
        r.ctx.check(packed::isUsed(first.flags, true) && first.id == 1 && r.touched(wr, 64), "the list was not served");
        // the device never writes a device-readable buffer
        r.ctx.check(!r.touched(rd, 64), "the device wrote into a device-readable buffer");
        for (uint16_t id = 2; id < 5; ++id) {
          drv::Buf b{r.buffer(64), 64, true};
          ring.addChain(&b, 1, id);
          r.notify();
        }
        const packed::Desc again = ring.readDesc(0);
        // once USED was set, the device leaves that descriptor alone
        r.ctx.check(std::memcmp(&first, &again, sizeof first) == 0, "a used descriptor changed after it was used");
      }));
}

/// virtio-blk request header (type, reserved, sector), little-endian.
struct BlkHeader {
  uint32_t type;
  uint32_t reserved;
  uint64_t sector;
};
constexpr uint32_t kBlkIn = 0, kBlkOut = 1;

void packedListOrderTest(std::vector<TestInfo>& out) {
  out.push_back(rigTest(
      "virtio.device.core.packed.list_used_in_order",
      {"devicenormative:Basic Facilities of a Virtio Device / Packed Virtqueues / Scatter-Gather Support#1"},
      "a block read of two sectors into a list of two data descriptors fills them in list order",
      [](Rig& r) {
        if (!bringUp(r, 0, true)) return;
        drv::RawPackedRing ring(r.mem(), r.q->layout());
        // write sector 0 as 0x11 bytes and sector 1 as 0x22 bytes
        const uint64_t hdr = r.hal.dmaAllocator().alloc(16, 16), data = r.hal.dmaAllocator().alloc(1024, 512);
        const uint64_t st1 = r.buffer(1), st2 = r.buffer(1), hdr2 = r.hal.dmaAllocator().alloc(16, 16);
        const BlkHeader w{kBlkOut, 0, 0}, rd{kBlkIn, 0, 0};
        r.mem().write(hdr, &w, sizeof w);
        r.mem().write(hdr2, &rd, sizeof rd);
        std::vector<uint8_t> pattern(1024, 0x11);
        std::fill(pattern.begin() + 512, pattern.end(), 0x22);
        r.mem().write(data, pattern.data(), pattern.size());
        const drv::Buf write[] = {{hdr, 16, false}, {data, 1024, false}, {st1, 1, true}};
        ring.addChain(write, 3, 1);
        r.notify();
        if (r.bytes(st1, 1)[0] != 0) return r.ctx.harnessError("the block write did not succeed");
        const uint64_t d1 = r.buffer(512), d2 = r.buffer(512);
        const drv::Buf read[] = {{hdr2, 16, false}, {d1, 512, true}, {d2, 512, true}, {st2, 1, true}};
        ring.addChain(read, 4, 2);
        r.notify();
        const auto a = r.bytes(d1, 512), b = r.bytes(d2, 512);
        // the list's descriptors are used in the order they were made available: sector 0 lands in the first
        r.ctx.check(r.bytes(st2, 1)[0] == 0 && std::all_of(a.begin(), a.end(), [](uint8_t x) { return x == 0x11; }) &&
                        std::all_of(b.begin(), b.end(), [](uint8_t x) { return x == 0x22; }),
                    "the read's data descriptors were not filled in list order");
      },
      "blk"));
}

// ---- reset, features ----------------------------------------------------------------------------------------

/// Reserved-range bits (24..49) the spec defines, by interface.
uint64_t definedReservedBits(const Config& c) {
  using namespace feat;
  if (isLegacy(c))
    return bit(kNotifyOnEmpty) | bit(kAnyLayout) | bit(kIndirectDesc) | bit(kEventIdx);
  uint64_t b = bit(kNotifyOnEmpty) | bit(kAnyLayout) | bit(kIndirectDesc) | bit(kEventIdx);
  for (unsigned n = kVersion1; n <= kRingReset; ++n) b |= bit(n);
  b |= bit(43);  // VIRTIO_F_SUSPEND
  const bool pci = c.transport == TK::PciModern || c.transport == TK::PciTransitional;
  if (!pci) b &= ~(bit(kNotifConfigData) | bit(kSrIov));  // PCI-only features
  if (pci) b |= bit(kAdminVq);                             // defined for PCI only
  return b;
}

/// Device-type bits (0..23, 41, 42, 50..63) the spec defines, for the types whose set is small; ~0 = not checked.
uint64_t definedTypeBits(const std::string& type) {
  if (type == "rng" || type == "input") return 0;  // no device-type features
  if (type == "console") return 0x7;               // SIZE, MULTIPORT, EMERG_WRITE
  return ~uint64_t{0};
}

void coreTests(std::vector<TestInfo>& out) {
  out.push_back(rigTest(
      "virtio.device.core.reset.quiescent_until_reinitialised",
      {"devicenormative:Basic Facilities of a Virtio Device / Device Reset#2"},
      "after a reset the device touches neither the old rings nor the interrupt lines until initialised again",
      [](Rig& r) {
        if (!bringUp(r, 0, false)) return;
        drv::RawSplitRing ring(r.mem(), r.q->layout());
        addWritable(r, ring);
        r.notify();
        if (ring.readUsedIdx() != 1) return r.ctx.harnessError("the queue did not serve a buffer before the reset");
        if (!r.t->reset(100'000'000)) return r.ctx.check(false, "status never read back 0");
        const uint32_t usedBytes = static_cast<uint32_t>(split::usedBytes(r.q->size()));
        const auto usedBefore = r.bytes(r.q->layout().device, usedBytes);
        const uint64_t late = addWritable(r, ring);  // the old ring gains a buffer while the device is reset
        r.t->status();
        r.t->deviceFeatures();
        // reset complete: no used ring writes, no buffer writes, no notifications
        r.ctx.check(r.bytes(r.q->layout().device, usedBytes) == usedBefore && !r.touched(late, 64) &&
                        !r.queueInterrupt(),
                    "the device used the rings or notified after a reset");
        // and it serves again once initialised
        if (!bringUp(r, 0, false)) return;
        drv::RawSplitRing fresh(r.mem(), r.q->layout());
        addWritable(r, fresh);
        r.notify();
        r.ctx.check(fresh.readUsedIdx() == 1, "the re-initialised device does not serve");
      }));

  TestInfo f;
  f.id = "virtio.device.core.features.only_defined_bits_offered";
  f.target = Direction::Device;
  f.clauses = {"devicenormative:Basic Facilities of a Virtio Device / Feature Bits#4"};
  f.description = "every offered reserved-range bit is defined for the interface (and, where the type's set is "
                  "small, every device-type bit is defined for the type)";
  f.run = [](TestContext& ctx) {
    ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
      auto t = rawTransport(ctx, hal, sink);
      if (!t || !t->reset(100'000'000)) return ctx.harnessError("no device to ask");
      t->setStatus(st::kAcknowledge);
      t->setStatus(st::kAcknowledge | st::kDriver);
      const uint64_t offered = t->deviceFeatures();
      const uint64_t reservedRange = ((uint64_t{1} << 50) - 1) & ~((uint64_t{1} << 24) - 1) &
                                     ~(feat::bit(41) | feat::bit(42));
      const uint64_t badReserved = offered & reservedRange & ~definedReservedBits(ctx.config());
      // no reserved, undefined or transport-foreign bit is offered
      ctx.check(badReserved == 0, "undefined reserved-range bits offered: " + std::to_string(badReserved));
      const uint64_t typeRange = ~reservedRange;
      const uint64_t badType = offered & typeRange & ~definedTypeBits(ctx.config().deviceType);
      ctx.check(badType == 0, "undefined device-type bits offered: " + std::to_string(badType));
      if (isLegacy(ctx.config())) ctx.check((offered >> 32) == 0, "a legacy interface offered bits above 31");
    });
  };
  out.push_back(f);
}


}  // namespace
}  // namespace ringcore

void registerRingCoreTests(std::vector<TestInfo>& out) {
  ringcore::splitTests(out);
  ringcore::packedTests(out);
  ringcore::packedListOrderTest(out);
  ringcore::coreTests(out);
  ringcore::registerRingCoreDriverTests(out);
}

}  // namespace vsim::conformance

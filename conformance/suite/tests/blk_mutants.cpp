// Block device, driver direction: one faulty driver per check of the strict block device (model/devices/blk, the
// negative tests of its gtests ported to the platform). Each brings the disk up correctly with our driver stack (or
// the raw transport), then sends exactly one request or access that breaks one driver-normative statement; the
// device must report that clause and nothing else.
#include "blk_raw.h"
#include "vsim/abi/features.h"
#include "vsim/abi/status.h"

namespace vsim::conformance::blkcon {

namespace {

namespace bk = drv::blk;
namespace st = vsim::status;

const std::vector<TK> kModern = {TK::PciModern, TK::PciTransitional, TK::MmioV2};
constexpr uint64_t bit(unsigned b) { return uint64_t{1} << b; }

using Fault = std::function<void(TestContext&, drv::BlkDriver&, BlkRaw&)>;

/// Our driver brings the disk up (with `bo`), then `fault` does the one wrong thing.
Mutant live(std::string id, std::string clause, std::string desc, Fault fault, drv::BlkDriverOptions bo = {}) {
  Mutant m;
  m.id = "virtio.driver.core.blk." + std::move(id);
  m.clause = std::move(clause);
  m.description = std::move(desc);
  m.deviceType = "blk";
  m.body = [fault, bo](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
    auto blk = openBlk(ctx, hal, sink, d, bo);
    if (!blk) return;
    BlkRaw raw(*blk);
    fault(ctx, *blk, raw);
  };
  return m;
}

/// The request came back (a device that keeps a bad request would leave the driver waiting).
void used(TestContext& ctx, const BlkRawResult& r) {
  if (!r.used) ctx.harnessError("the request did not come back");
}

/// n segments of one sector each.
std::vector<BlkSegment> many(uint32_t n) {
  std::vector<BlkSegment> v;
  for (uint32_t i = 0; i < n; ++i) v.push_back({i * 2u, 1, 0});
  return v;
}

}  // namespace

void registerBlkMutants(std::vector<TestInfo>& out) {
  auto add = [&](Mutant m) { out.push_back(makeMutant(std::move(m))); };
  constexpr const char* kFraming = "drivernormative:Basic Facilities of a Virtio Device / Message Framing#1";

  // ---- framing -------------------------------------------------------------------------------------------------
  add(live("framing.no_status_byte", kFraming, "an OUT request without any device-writable byte (no status)",
           [](TestContext& ctx, drv::BlkDriver&, BlkRaw& raw) {
             used(ctx, raw.request(bk::kTOut, 0, {raw.buffer(512, false, 0x11)}, /*withStatus=*/false));
           }));
  add(live("framing.header_not_readable", kFraming, "an IN request whose header is half device-writable",
           [](TestContext& ctx, drv::BlkDriver&, BlkRaw& raw) {
             const drv::Buf h = raw.header(bk::kTIn, 0), s = raw.buffer(1, true);
             used(ctx, raw.chain({{h.addr, 8, false}, {h.addr + 8, 8, true}, raw.buffer(512, true), s}, s.addr));
           }));
  add(live("framing.read_with_readable_data", kFraming, "an IN request whose data buffer is device-readable",
           [](TestContext& ctx, drv::BlkDriver&, BlkRaw& raw) {
             used(ctx, raw.request(bk::kTIn, 0, {raw.buffer(512, false)}));
           }));
  add(live("framing.write_with_writable_data", kFraming, "an OUT request whose data buffer is device-writable",
           [](TestContext& ctx, drv::BlkDriver&, BlkRaw& raw) {
             used(ctx, raw.request(bk::kTOut, 0, {raw.buffer(512, true)}));
           }));
  {
    Mutant m = live("framing.more_segments_than_seg_max",
                    "drivernormative:Basic Facilities of a Virtio Device / Message Framing#2",
                    "seg_max is 2; an OUT request carries its data in 3 descriptors",
                    [](TestContext& ctx, drv::BlkDriver& blk, BlkRaw& raw) {
                      if (!blk.has(bk::kFSegMax)) return ctx.notSupported("SEG_MAX not negotiated");
                      used(ctx, raw.request(bk::kTOut, 0, {raw.buffer(512, false), raw.buffer(512, false),
                                                           raw.buffer(512, false)}));
                    });
    m.deviceOptions = {{"seg_max", "2"}};
    add(m);
  }

  // ---- features and configuration -------------------------------------------------------------------------------
  {
    drv::BlkDriverOptions noFlush;
    noFlush.features &= ~bit(bk::kFFlush);
    add(live("features.flush_not_negotiated",
             "drivernormative:Basic Facilities of a Virtio Device / Feature Bits#1",
             "FLUSH offered but not accepted; the driver sends a FLUSH request",
             [](TestContext& ctx, drv::BlkDriver& blk, BlkRaw& raw) {
               if (!(blk.device().offeredFeatures() & bit(bk::kFFlush))) return ctx.notSupported("FLUSH not offered");
               used(ctx, raw.request(bk::kTFlush, 0, {}));
             },
             noFlush));
  }
  add(live("config.field_not_offered",
           "drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#3",
           "num_queues read although VIRTIO_BLK_F_MQ is not offered",
           [](TestContext& ctx, drv::BlkDriver& blk, BlkRaw&) {
             if (blk.device().offeredFeatures() & bit(bk::kFMq)) return ctx.notSupported("MQ is offered");
             uint16_t n = 0;
             blk.device().readConfig(bk::cfg::kNumQueues, &n);
           }));
  {
    Mutant m;
    m.id = "virtio.driver.core.blk.config.writeback_read_before_features_ok";
    m.clause = "drivernormative:Device Types / Block Device / Device Initialization#4";
    m.description = "writeback read while the features are being negotiated (before FEATURES_OK)";
    m.deviceType = "blk";
    m.transports = kModern;
    m.body = [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
      auto t = drv::makeTransport(hal, d, false, sink);
      if (!t || !t->reset(100'000'000)) return ctx.harnessError("no transport / no reset");
      t->setStatus(st::kAcknowledge);
      t->setStatus(st::kAcknowledge | st::kDriver);
      if (!(t->deviceFeatures() & bit(bk::kFConfigWce))) return ctx.notSupported("CONFIG_WCE not offered");
      t->configRead(bk::cfg::kWriteback, 1);
    };
    add(m);
  }
  add(live("config.write_read_only_field", "drivernormative:Device Types / Block Device / Device Operation#12",
           "the driver writes capacity (only writeback is writable)",
           [](TestContext&, drv::BlkDriver& blk, BlkRaw&) {
             const uint64_t cap = 8;
             blk.device().writeConfig(bk::cfg::kCapacity, &cap, sizeof cap);
           }));
  add(live("config.writeback_invalid_value", "drivernormative:Device Types / Block Device / Device Operation#12",
           "writeback written with 2",
           [](TestContext& ctx, drv::BlkDriver& blk, BlkRaw&) {
             if (!blk.has(bk::kFConfigWce)) return ctx.notSupported("CONFIG_WCE not negotiated");
             const uint8_t two = 2;
             blk.device().writeConfig(bk::cfg::kWriteback, &two, 1);
           }));
  {
    drv::BlkDriverOptions noWce;
    noWce.features &= ~bit(bk::kFConfigWce);
    Mutant m = live("config.writeback_without_config_wce",
                    "drivernormative:Device Types / Block Device / Device Operation#12",
                    "CONFIG_WCE offered but not accepted; the driver writes 1 to writeback",
                    [](TestContext& ctx, drv::BlkDriver& blk, BlkRaw&) {
                      if (!(blk.device().offeredFeatures() & bit(bk::kFConfigWce)))
                        return ctx.notSupported("CONFIG_WCE not offered");
                      const uint8_t one = 1;
                      blk.device().writeConfig(bk::cfg::kWriteback, &one, 1);
                    },
                    noWce);
    m.transports = kModern;  // a legacy driver has no negotiation to wait for
    add(m);
  }
  {
    drv::BlkDriverOptions noRo;
    noRo.features &= ~bit(bk::kFRo);
    Mutant m = live("ro.not_accepted", "drivernormative:Device Types / Block Device / Device Operation#3",
                    "a read-only disk; the driver does not accept VIRTIO_BLK_F_RO (reported at DRIVER_OK)",
                    [](TestContext& ctx, drv::BlkDriver& blk, BlkRaw&) {
                      if (!(blk.device().offeredFeatures() & bit(bk::kFRo))) ctx.harnessError("RO not offered");
                    },
                    noRo);
    m.deviceOptions = {{"read_only", "true"}};
    add(m);
  }

  // ---- requests ------------------------------------------------------------------------------------------------
  add(live("io.beyond_capacity", "drivernormative:Device Types / Block Device / Device Operation#2",
           "an IN request of two sectors starting at the last sector",
           [](TestContext& ctx, drv::BlkDriver& blk, BlkRaw& raw) {
             used(ctx, raw.request(bk::kTIn, blk.capacity() - 1, {raw.buffer(1024, true)}));
           }));
  add(live("flush.sector_not_zero", "drivernormative:Device Types / Block Device / Device Operation#4",
           "a FLUSH request with sector 5",
           [](TestContext& ctx, drv::BlkDriver& blk, BlkRaw& raw) {
             if (!blk.has(bk::kFFlush)) return ctx.notSupported("FLUSH not negotiated");
             used(ctx, raw.request(bk::kTFlush, 5, {}));
           }));
  add(live("flush.with_data", "drivernormative:Device Types / Block Device / Device Operation#5",
           "a FLUSH request carrying 512 bytes of data",
           [](TestContext& ctx, drv::BlkDriver& blk, BlkRaw& raw) {
             if (!blk.has(bk::kFFlush)) return ctx.notSupported("FLUSH not negotiated");
             used(ctx, raw.request(bk::kTFlush, 0, {raw.buffer(512, false)}));
           }));
  add(live("io.not_whole_sectors", "drivernormative:Device Types / Block Device / Device Operation#6",
           "an OUT request with 700 bytes of data",
           [](TestContext& ctx, drv::BlkDriver&, BlkRaw& raw) {
             used(ctx, raw.request(bk::kTOut, 0, {raw.buffer(700, false, 0x22)}));
           }));
  add(live("segments.not_whole_segments", "drivernormative:Device Types / Block Device / Device Operation#7",
           "a WRITE_ZEROES request with 20 bytes of segment data",
           [](TestContext& ctx, drv::BlkDriver& blk, BlkRaw& raw) {
             if (!blk.has(bk::kFWriteZeroes)) return ctx.notSupported("WRITE_ZEROES not negotiated");
             const drv::Buf seg = raw.segments({{0, 4, 0}, {8, 4, 0}});
             used(ctx, raw.request(bk::kTWriteZeroes, 0, {{seg.addr, 20, false}}));
           }));
  add(live("get_id.not_20_bytes", "drivernormative:Device Types / Block Device / Device Operation#8",
           "a GET_ID request with a 16-byte buffer",
           [](TestContext& ctx, drv::BlkDriver&, BlkRaw& raw) {
             used(ctx, raw.request(bk::kTGetId, 0, {raw.buffer(16, true)}));
           }));
  struct SegLimit {
    const char* id;
    const char* clause;
    uint32_t type;
    unsigned feature;
    uint32_t drv::BlkConfig::*limit;
  };
  for (const SegLimit& s :
       {SegLimit{"discard.too_many_segments", "drivernormative:Device Types / Block Device / Device Operation#9",
                 bk::kTDiscard, bk::kFDiscard, &drv::BlkConfig::maxDiscardSeg},
        SegLimit{"secure_erase.too_many_segments", "drivernormative:Device Types / Block Device / Device Operation#10",
                 bk::kTSecureErase, bk::kFSecureErase, &drv::BlkConfig::maxSecureEraseSeg},
        SegLimit{"write_zeroes.too_many_segments", "drivernormative:Device Types / Block Device / Device Operation#11",
                 bk::kTWriteZeroes, bk::kFWriteZeroes, &drv::BlkConfig::maxWriteZeroesSeg}}) {
    add(live(s.id, s.clause, "one segment more than the device's limit for this request type",
             [s](TestContext& ctx, drv::BlkDriver& blk, BlkRaw& raw) {
               if (!blk.has(s.feature)) return ctx.notSupported("the request type is not negotiated");
               const uint32_t limit = blk.config().*s.limit;
               if (limit == 0 || limit > 4096) return ctx.notSupported("no usable segment limit");
               used(ctx, raw.request(s.type, 0, {raw.segments(many(limit + 1))}));
             }));
  }
  add(live("discard.unmap_set", "drivernormative:Device Types / Block Device / Device Operation#14",
           "a DISCARD segment with the unmap flag",
           [](TestContext& ctx, drv::BlkDriver& blk, BlkRaw& raw) {
             if (!blk.has(bk::kFDiscard)) return ctx.notSupported("DISCARD not negotiated");
             used(ctx, raw.request(bk::kTDiscard, 0, {raw.segments({{0, 2, 0}, {4, 2, bk::kSegFlagUnmap}})}));
           }));
}

}  // namespace vsim::conformance::blkcon

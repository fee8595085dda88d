// Block device, device direction: the suite acts as a correct or hostile driver and checks the device-normative
// statements of the block chapter (and the framing rules a block request exercises) by observation — statuses,
// configuration values, what reaches the backing store — and through our block driver's own checks.
#include <algorithm>
#include <cstring>

#include "blk_raw.h"
#include "vsim/abi/features.h"
#include "vsim/abi/status.h"
#include "vsim/model/blk_device.h"

namespace vsim::conformance::blkcon {

namespace {

using drv::BlkStatus;
namespace bk = drv::blk;
namespace st = vsim::status;

const std::vector<TK> kModern = {TK::PciModern, TK::PciTransitional, TK::MmioV2};
const std::vector<TK> kLegacy = {TK::PciLegacy, TK::MmioV1};

constexpr uint64_t bit(unsigned b) { return uint64_t{1} << b; }

DeviceCheck check(std::string id, std::vector<std::string> clauses, std::string desc, Body body) {
  DeviceCheck c;
  c.id = "virtio.device.core.blk." + std::move(id);
  c.clauses = std::move(clauses);
  c.description = std::move(desc);
  c.deviceType = "blk";
  c.body = std::move(body);
  return c;
}

/// The store's bytes of a sector range.
std::vector<uint8_t> image(model::BlkDevice& host, uint64_t sector, uint32_t sectors) {
  std::vector<uint8_t> v(size_t{sectors} * bk::kSector);
  host.readImage(sector * bk::kSector, v.data(), v.size());
  return v;
}

/// Write a pattern through our driver and check it; false (and a failed check) when the write failed.
bool writePattern(TestContext& ctx, drv::BlkDriver& blk, uint64_t sector, uint32_t sectors, uint64_t seed) {
  const auto data = pattern(seed, size_t{sectors} * bk::kSector);
  const BlkStatus s = blk.write(sector, data.data(), data.size());
  ctx.check(s == BlkStatus::Ok, std::string("write: ") + drv::blkStatusName(s));
  return s == BlkStatus::Ok;
}

bool readsZeroes(drv::BlkDriver& blk, uint64_t sector, uint32_t sectors) {
  std::vector<uint8_t> got(size_t{sectors} * bk::kSector, 0xa5);
  return blk.read(sector, got.data(), got.size()) == BlkStatus::Ok &&
         got == std::vector<uint8_t>(got.size(), 0);
}

/// Observe the store: every write that reaches it, with its cause.
struct StoreLog {
  std::vector<model::BlkStoreCause> causes;
  void attach(model::BlkDevice& host) {
    host.setStoreObserver([this](uint64_t, uint64_t, model::BlkStoreCause c) { causes.push_back(c); });
  }
  bool saw(model::BlkStoreCause c) const { return std::find(causes.begin(), causes.end(), c) != causes.end(); }
};

}  // namespace

void registerBlkTests(std::vector<TestInfo>& out) {
  auto add = [&](DeviceCheck c) { out.push_back(makeDeviceCheck(std::move(c))); };

  // ---- initialisation ----------------------------------------------------------------------------------------
  add(check("features.flush_offered",
            {"devicenormative:Device Types / Block Device / Device Initialization#1",
             "devicenormative:Device Types / Block Device / Device Initialization#2"},
            "FLUSH is offered, and CONFIG_WCE never without it (our driver checks the pair at open too)",
            [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
              auto blk = openBlk(ctx, hal, sink, d);
              if (!blk) return;
              const uint64_t offered = blk->device().offeredFeatures();
              // devicenormative:Device Types / Block Device / Device Initialization#1: FLUSH is offered
              ctx.check(offered & bit(bk::kFFlush), "VIRTIO_BLK_F_FLUSH is not offered");
              // devicenormative:Device Types / Block Device / Device Initialization#2: CONFIG_WCE implies FLUSH
              ctx.check(!(offered & bit(bk::kFConfigWce)) || (offered & bit(bk::kFFlush)), "CONFIG_WCE without FLUSH");
            }));
  {
    DeviceCheck c = check("config.writeback_zero_without_flush",
                          {"devicenormative:Device Types / Block Device / Device Initialization#3"},
                          "a disk configured for writeback: CONFIG_WCE accepted, FLUSH not; writeback reads 0 after "
                          "FEATURES_OK and writes are stable when they complete",
                          [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
                            model::BlkDevice* host = hostBlk(ctx);
                            drv::BlkDriverOptions bo;
                            bo.features &= ~bit(bk::kFFlush);
                            auto blk = host ? openBlk(ctx, hal, sink, d, bo) : nullptr;
                            if (!blk) return;
                            if (!blk->has(bk::kFConfigWce)) return ctx.notSupported("CONFIG_WCE not negotiated");
                            // devicenormative:Device Types / Block Device / Device Initialization#3: writeback is 0
                            ctx.check(!blk->writebackEnabled(), "writeback is 1 with CONFIG_WCE and no FLUSH");
                            if (writePattern(ctx, *blk, 16, 8, 31))
                              ctx.check(image(*host, 16, 8) == pattern(31, 8 * bk::kSector),
                                        "the write was not in the store when it completed");
                          });
    c.transports = kModern;  // a legacy driver has no FEATURES_OK (the cache mode settles at DRIVER_OK there)
    c.deviceOptions = {{"writeback", "true"}};
    add(c);
  }
  add(check("config.padding_zero", {"devicenormative:Device Types / Block Device / Device Initialization#4"},
            "unused0 and unused1 read 0 (the fields after them are offered)",
            [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
              auto blk = openBlk(ctx, hal, sink, d);  // our driver checks both paddings while it reads the config
              if (!blk) return;
              const uint64_t offered = blk->device().offeredFeatures();
              if (!(offered & bit(bk::kFSecureErase))) return ctx.notSupported("SECURE_ERASE not offered");
              uint8_t u0 = 0xff, u1[3] = {0xff, 0xff, 0xff};
              blk->device().readConfig(bk::cfg::kUnused0, &u0);
              blk->device().readConfig(bk::cfg::kUnused1, u1, sizeof u1);
              // devicenormative:Device Types / Block Device / Device Initialization#4: padding reads 0
              ctx.check(u0 == 0 && u1[0] == 0 && u1[1] == 0 && u1[2] == 0, "padding is not 0");
            }));
  add(check("features.not_zoned", {"devicenormative:Device Types / Block Device / Device Initialization#5"},
            "a disk that is not zoned does not offer VIRTIO_BLK_F_ZONED",
            [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
              auto t = drv::makeTransport(hal, d, false, sink);
              if (!t || !t->reset(100'000'000)) return ctx.harnessError("no transport / no reset");
              t->setStatus(st::kAcknowledge);
              t->setStatus(st::kAcknowledge | st::kDriver);
              // devicenormative:Device Types / Block Device / Device Initialization#5: not zoned, not offered
              ctx.check(!(t->deviceFeatures() & bit(bk::kFZoned)), "ZONED offered by a disk that is not zoned");
            }));
  {
    DeviceCheck c = check("features.legacy_not_zoned",
                          {"devicenormative:Device Types / Block Device / Device Initialization#6"},
                          "no VIRTIO_BLK_F_ZONED over a legacy interface (our driver checks it at open too)",
                          [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
                            auto blk = openBlk(ctx, hal, sink, d);
                            if (!blk) return;
                            ctx.check(blk->device().legacy(), "not driven through a legacy interface");
                            // devicenormative:Device Types / Block Device / Device Initialization#6: not on legacy
                            ctx.check(!(blk->device().offeredFeatures() & bit(bk::kFZoned)), "ZONED offered");
                          });
    c.transports = kLegacy;
    add(c);
  }
  {
    DeviceCheck c = check(
        "config.readable_before_features_ok",
        {"devicenormative:Basic Facilities of a Virtio Device / Device Configuration Space#1"},
        "every offered configuration field (writeback aside: the driver may not read it yet) reads the same before "
        "FEATURES_OK as after it",
        [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
          model::BlkDevice* host = hostBlk(ctx);
          auto t = host ? drv::makeTransport(hal, d, false, sink) : nullptr;
          if (!t || !t->reset(100'000'000)) return ctx.harnessError("no transport / no reset");
          t->setStatus(st::kAcknowledge);
          t->setStatus(st::kAcknowledge | st::kDriver);
          const uint64_t offered = t->deviceFeatures();
          // (offset, width, feature) of the fields read; capacity always exists
          struct F {
            uint32_t off, width;
            int feature;
          };
          const F fields[] = {{bk::cfg::kCapacity, 4, -1},         {bk::cfg::kCapacity + 4, 4, -1},
                              {bk::cfg::kSegMax, 4, bk::kFSegMax}, {bk::cfg::kGeometry, 2, bk::kFGeometry},
                              {bk::cfg::kBlkSize, 4, bk::kFBlkSize}, {bk::cfg::kTopology + 2, 2, bk::kFTopology},
                              {bk::cfg::kMaxDiscardSeg, 4, bk::kFDiscard},
                              {bk::cfg::kMaxWriteZeroesSectors, 4, bk::kFWriteZeroes},
                              {bk::cfg::kMaxSecureEraseSeg, 4, bk::kFSecureErase}};
          std::vector<uint32_t> early;
          for (const F& f : fields)
            early.push_back(f.feature < 0 || (offered & bit(f.feature)) ? t->configRead(f.off, f.width) : 0);
          const uint64_t f = offered & (bit(32) | bit(bk::kFSegMax) | bit(bk::kFGeometry) | bit(bk::kFBlkSize) |
                                        bit(bk::kFTopology) | bit(bk::kFDiscard) | bit(bk::kFWriteZeroes) |
                                        bit(bk::kFSecureErase) | bit(bk::kFFlush));
          t->writeDriverFeatures(f);
          t->setStatus(st::kAcknowledge | st::kDriver | st::kFeaturesOk);
          if (!(t->status() & st::kFeaturesOk)) return ctx.harnessError("FEATURES_OK not accepted");
          // devicenormative:Basic Facilities of a Virtio Device / Device Configuration Space#1: the same values
          for (size_t i = 0; i < early.size(); ++i)
            if (fields[i].feature < 0 || (offered & bit(fields[i].feature)))
              ctx.check(early[i] == t->configRead(fields[i].off, fields[i].width),
                        "configuration offset " + std::to_string(fields[i].off) + " read differently before FEATURES_OK");
          ctx.check((uint64_t{early[1]} << 32 | early[0]) == host->capacitySectors(),
                    "capacity read before FEATURES_OK is not the disk's");
        });
    c.transports = kModern;
    add(c);
  }

  // ---- operation -----------------------------------------------------------------------------------------------
  add(check("config.capacity_change_notified",
            {"devicenormative:Device Types / Block Device / Device Operation#1",
             "devicenormative:Device Types / Block Device / Device Operation#2"},
            "the host grows the disk: a configuration change notification, and the new capacity reads back",
            [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
              model::BlkDevice* host = hostBlk(ctx);
              auto blk = host ? openBlk(ctx, hal, sink, d) : nullptr;
              if (!blk) return;
              const uint64_t before = blk->capacity(), changes = blk->device().configChanges();
              if (!host->resize((before + 2048) * bk::kSector)) return ctx.harnessError("resize refused");
              drv::Deadline dl(hal, 10'000'000);
              while (blk->device().configChanges() == changes && !dl.expired())
                if (hal.waitForInterrupt(1'000'000)) blk->device().poll();
              // devicenormative:Device Types / Block Device / Device Operation#2: a configuration change notification
              ctx.check(blk->device().configChanges() > changes, "no configuration change notification");
              // devicenormative:Device Types / Block Device / Device Operation#1: capacity changed
              ctx.check(blk->refreshConfig() && blk->capacity() == before + 2048, "capacity did not change");
              ctx.check(writePattern(ctx, *blk, before + 2040, 8, 7), "the new sectors cannot be written");
            }));
  {
    DeviceCheck c = check(
        "ro.write_fails",
        {"devicenormative:Device Types / Block Device / Device Operation#3",
         "devicenormative:Device Types / Block Device / Device Operation#4"},
        "a read-only disk: OUT, WRITE_ZEROES, DISCARD and SECURE_ERASE complete with IOERR and the store does not change",
        [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
          model::BlkDevice* host = hostBlk(ctx);
          drv::BlkDriverOptions bo;
          bo.writeReadOnly = true;  // our driver would refuse; this run must see the device refuse
          auto blk = host ? openBlk(ctx, hal, sink, d, bo) : nullptr;
          if (!blk) return;
          ctx.check(blk->readOnly(), "VIRTIO_BLK_F_RO not negotiated");
          const std::vector<uint8_t> img = image(*host, 0, 16);  // what the read-only medium holds
          const auto data = pattern(42, 8 * bk::kSector);
          // devicenormative:Device Types / Block Device / Device Operation#3: IOERR for every write-type request
          ctx.check(blk->write(0, data.data(), data.size()) == BlkStatus::IoErr, "OUT did not fail with IOERR");
          if (blk->has(bk::kFWriteZeroes))
            ctx.check(blk->writeZeroes({{0, 4, false}}) == BlkStatus::IoErr, "WRITE_ZEROES did not fail with IOERR");
          if (blk->has(bk::kFDiscard))
            ctx.check(blk->discard({{4, 4, false}}) == BlkStatus::IoErr, "DISCARD did not fail with IOERR");
          if (blk->has(bk::kFSecureErase))
            ctx.check(blk->secureErase({{8, 4, false}}) == BlkStatus::IoErr, "SECURE_ERASE did not fail with IOERR");
          // devicenormative:Device Types / Block Device / Device Operation#4: no data written
          ctx.check(image(*host, 0, 16) == img && host->dirtyBytes() == 0, "a failed write changed the disk");
          std::vector<uint8_t> got(img.size(), 0xa5);  // nothing cached either: reads see the medium
          ctx.check(blk->read(0, got.data(), got.size()) == BlkStatus::Ok && got == img, "reads see written data");
        });
    c.deviceOptions = {{"read_only", "true"}, {"writeback", "true"}};  // a careless device would cache the write
    add(c);
  }
  add(check("segments.unknown_flag_unsupp", {"devicenormative:Device Types / Block Device / Device Operation#5"},
            "DISCARD, WRITE_ZEROES and SECURE_ERASE with an undefined flag bit: UNSUPP, nothing changes",
            [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
              model::BlkDevice* host = hostBlk(ctx);
              auto blk = host ? openBlk(ctx, hal, sink, d) : nullptr;
              if (!blk || !writePattern(ctx, *blk, 0, 16, 51)) return;
              BlkRaw raw(*blk);
              int sent = 0;
              for (auto [type, feature] : {std::pair{bk::kTDiscard, bk::kFDiscard},
                                           std::pair{bk::kTWriteZeroes, bk::kFWriteZeroes},
                                           std::pair{bk::kTSecureErase, bk::kFSecureErase}}) {
                if (!blk->has(feature)) continue;
                ++sent;
                const BlkRawResult r = raw.request(type, 0, {raw.segments({{0, 8, 1u << 1}})});
                // devicenormative:Device Types / Block Device / Device Operation#5: UNSUPP for an unknown flag
                ctx.check(r.used && r.status == bk::kSUnsupp,
                          "type " + std::to_string(type) + " with an unknown flag: status " + std::to_string(r.status));
              }
              if (!sent) return ctx.notSupported("no segment request type negotiated");
              ctx.check(image(*host, 0, 16) == pattern(51, 16 * bk::kSector), "a refused request changed the disk");
            }));
  add(check("discard.unmap_unsupp", {"devicenormative:Device Types / Block Device / Device Operation#6"},
            "a hostile DISCARD with the unmap flag: UNSUPP, nothing changes",
            [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
              model::BlkDevice* host = hostBlk(ctx);
              auto blk = host ? openBlk(ctx, hal, sink, d) : nullptr;
              if (!blk || !writePattern(ctx, *blk, 0, 16, 61)) return;
              if (!blk->has(bk::kFDiscard)) return ctx.notSupported("DISCARD not negotiated");
              BlkRaw raw(*blk);
              const BlkRawResult r = raw.request(bk::kTDiscard, 0, {raw.segments({{0, 8, bk::kSegFlagUnmap}})});
              // devicenormative:Device Types / Block Device / Device Operation#6: UNSUPP for unmap on DISCARD
              ctx.check(r.used && r.status == bk::kSUnsupp, "status " + std::to_string(r.status));
              ctx.check(image(*host, 0, 16) == pattern(61, 16 * bk::kSector), "the refused DISCARD changed the disk");
            }));
  add(check("write_zeroes.reads_zeroes",
            {"devicenormative:Device Types / Block Device / Device Operation#9"},
            "after WRITE_ZEROES (with and without unmap, over cached data too) the range reads zeroes",
            [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
              auto blk = openBlk(ctx, hal, sink, d);
              if (!blk) return;
              if (!blk->has(bk::kFWriteZeroes)) return ctx.notSupported("WRITE_ZEROES not negotiated");
              if (blk->has(bk::kFConfigWce)) blk->setWriteback(true);  // zeroes over dirty cache data as well
              for (bool unmap : {false, true}) {
                if (!writePattern(ctx, *blk, 100, 24, unmap ? 72 : 71)) return;
                ctx.check(blk->writeZeroes({{100, 8, unmap}, {116, 8, unmap}}) == BlkStatus::Ok, "WRITE_ZEROES failed");
                // devicenormative:Device Types / Block Device / Device Operation#9: zeroes read back
                ctx.check(readsZeroes(*blk, 100, 8) && readsZeroes(*blk, 116, 8), "the range does not read zeroes");
                const auto mid = pattern(unmap ? 72 : 71, 24 * bk::kSector);
                std::vector<uint8_t> got(8 * bk::kSector);
                ctx.check(blk->read(108, got.data(), got.size()) == BlkStatus::Ok &&
                              std::equal(got.begin(), got.end(), mid.begin() + 8 * bk::kSector),
                          "sectors between the ranges changed");
              }
            }));
  for (bool unmap : {true, false}) {
    DeviceCheck c = check(
        unmap ? "write_zeroes.may_unmap_set" : "write_zeroes.may_unmap_clear",
        {"devicenormative:Device Types / Block Device / Device Operation#10",
         "devicenormative:Device Types / Block Device / Device Operation#8",
         "devicenormative:Device Types / Block Device / Device Operation#7"},
        unmap ? "write_zeroes_may_unmap is 1: WRITE_ZEROES with unmap and DISCARD deallocate"
              : "write_zeroes_may_unmap is 0: no WRITE_ZEROES deallocates (nor does DISCARD)",
        [unmap](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
          model::BlkDevice* host = hostBlk(ctx);
          auto blk = host ? openBlk(ctx, hal, sink, d) : nullptr;
          if (!blk) return;
          if (!blk->has(bk::kFWriteZeroes)) return ctx.notSupported("WRITE_ZEROES not negotiated");
          StoreLog log;
          log.attach(*host);
          if (!writePattern(ctx, *blk, 0, 8, 81)) return;
          // devicenormative:Device Types / Block Device / Device Operation#8: with unmap it may deallocate
          ctx.check(blk->writeZeroes({{0, 8, true}}) == BlkStatus::Ok, "WRITE_ZEROES failed");
          // devicenormative:Device Types / Block Device / Device Operation#10: the field says whether it deallocates
          ctx.check(blk->config().writeZeroesMayUnmap == (unmap ? 1 : 0), "write_zeroes_may_unmap is wrong");
          ctx.check(log.saw(model::BlkStoreCause::Deallocate) == unmap, "deallocation does not match the field");
          ctx.check(readsZeroes(*blk, 0, 8), "the range does not read zeroes");
          if (blk->has(bk::kFDiscard)) {
            log.causes.clear();
            // devicenormative:Device Types / Block Device / Device Operation#7: DISCARD may deallocate
            ctx.check(blk->discard({{16, 8, false}}) == BlkStatus::Ok, "DISCARD failed");
            ctx.check(log.saw(model::BlkStoreCause::Deallocate) == unmap, "DISCARD deallocation differs from the disk's");
          }
          host->setStoreObserver({});
        });
    c.deviceOptions = {{"unmap", unmap ? "true" : "false"}};
    add(c);
  }
  add(check("flush.writethrough_stable", {"devicenormative:Device Types / Block Device / Device Operation#13"},
            "writethrough: every write is in the store when it completes",
            [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
              model::BlkDevice* host = hostBlk(ctx);
              auto blk = host ? openBlk(ctx, hal, sink, d) : nullptr;
              if (!blk) return;
              ctx.check(!blk->writebackEnabled(), "the disk is not in writethrough mode");
              for (uint64_t s : {0, 64, 4000})
                // devicenormative:Device Types / Block Device / Device Operation#13: stored before completion
                if (writePattern(ctx, *blk, s, 8, 90 + s))
                  ctx.check(image(*host, s, 8) == pattern(90 + s, 8 * bk::kSector), "completed write not in the store");
            }));
  {
    DeviceCheck c = check("flush.writeback_stable", {"devicenormative:Device Types / Block Device / Device Operation#13"},
                          "writeback: completed writes are in the store when FLUSH completes",
                          [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
                            model::BlkDevice* host = hostBlk(ctx);
                            auto blk = host ? openBlk(ctx, hal, sink, d) : nullptr;
                            if (!blk) return;
                            if (!blk->has(bk::kFFlush)) return ctx.notSupported("FLUSH not negotiated");
                            ctx.check(blk->writebackEnabled(), "the disk is not in writeback mode");
                            for (uint64_t s : {0, 64, 4000}) writePattern(ctx, *blk, s, 8, 95 + s);
                            ctx.check(blk->flush() == BlkStatus::Ok, "FLUSH failed");
                            for (uint64_t s : {0, 64, 4000})
                              // devicenormative:Device Types / Block Device / Device Operation#13: stored by FLUSH
                              ctx.check(image(*host, s, 8) == pattern(95 + s, 8 * bk::kSector),
                                        "a completed write is not in the store after FLUSH");
                          });
    c.deviceOptions = {{"writeback", "true"}};
    add(c);
  }
  add(check("lifetime.not_offered_without_metrics", {"devicenormative:Device Types / Block Device / Device Operation#16"},
            "a memory disk has no wear metrics: VIRTIO_BLK_F_LIFETIME is not offered",
            [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
              model::BlkDevice* host = hostBlk(ctx);
              auto blk = host ? openBlk(ctx, hal, sink, d) : nullptr;
              if (!blk) return;
              if (host->params().lifetime) return ctx.harnessError("the disk simulates wear metrics");
              // devicenormative:Device Types / Block Device / Device Operation#16: not offered
              ctx.check(!(blk->device().offeredFeatures() & bit(bk::kFLifetime)), "LIFETIME offered");
            }));
  {
    DeviceCheck c = check("lifetime.defined_values",
                          {"devicenormative:Device Types / Block Device / Device Operation#17",
                           "devicenormative:Device Types / Block Device / Device Operation#15"},
                          "a disk with (simulated) wear metrics offers LIFETIME; GET_LIFETIME returns its values, none "
                          "reserved (our driver checks the ranges)",
                          [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
                            auto blk = openBlk(ctx, hal, sink, d);
                            if (!blk) return;
                            // devicenormative:Device Types / Block Device / Device Operation#15: offered with metrics
                            if (!blk->has(bk::kFLifetime)) return ctx.check(false, "LIFETIME not offered");
                            drv::BlkLifetime lt;
                            ctx.check(blk->getLifetime(&lt) == BlkStatus::Ok, "GET_LIFETIME failed");
                            // devicenormative:Device Types / Block Device / Device Operation#17: the defined values
                            ctx.check(lt.preEolInfo == 3 && lt.lifetimeA == 11 && lt.lifetimeB == 0,
                                      "GET_LIFETIME values differ from the disk's");
                          });
    c.deviceOptions = {{"lifetime", "true"}, {"pre_eol_info", "3"}, {"lifetime_a", "11"}, {"lifetime_b", "0"}};
    add(c);
  }
  add(check("zoned.requests_unsupp", {"devicenormative:Device Types / Block Device / Device Operation#18"},
            "every zone request type without ZONED negotiated completes with UNSUPP",
            [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
              auto blk = openBlk(ctx, hal, sink, d);
              if (!blk) return;
              BlkRaw raw(*blk);
              constexpr uint32_t kAppend = 15, kReport = 16;
              for (uint32_t type : {15u, 16u, 18u, 20u, 22u, 24u, 26u}) {
                std::vector<drv::Buf> data;
                if (type == kAppend) data = {raw.buffer(512, false, 0x5a), raw.buffer(8, true)};  // data, append_sector
                if (type == kReport) data = {raw.buffer(64 + 64, true)};  // report header and one zone descriptor
                const BlkRawResult r = raw.request(type, 0, data);
                // devicenormative:Device Types / Block Device / Device Operation#18: UNSUPP without ZONED
                ctx.check(r.used && r.status == bk::kSUnsupp,
                          "zone request type " + std::to_string(type) + ": status " + std::to_string(r.status));
              }
            }));

  // ---- the built-in driver's workload on a disk with every optional feature ---------------------------------
  {
    // Several queues, wear metrics and a segment size limit (the default configuration has none of them): both
    // directions judged, our driver's checks of the device and the device's checks of our driver.
    DeviceCheck c = check("workload.all_features",
                          {"devicenormative:Device Types / Block Device / Device Initialization#2",
                           "devicenormative:Device Types / Block Device / Device Initialization#3",
                           "devicenormative:Device Types / Block Device / Device Initialization#4",
                           "devicenormative:Device Types / Block Device / Device Operation#17"},
                          "four request queues, LIFETIME, size_max 2048: the block workload on every queue",
                          [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
                            blkWorkload(ctx, hal, sink, d);
                          });
    c.deviceOptions = {{"num_queues", "4"}, {"lifetime", "true"}, {"size_max", "2048"}};
    add(c);
    c.id = "virtio.driver.core.blk.workload.all_features";
    c.clauses = {"drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#3",
                 "drivernormative:Basic Facilities of a Virtio Device / Message Framing#1",
                 "drivernormative:Basic Facilities of a Virtio Device / Feature Bits#1",
                 "drivernormative:Device Types / Block Device / Device Initialization#4",
                 "drivernormative:Device Types / Block Device / Device Operation#2",
                 "drivernormative:Device Types / Block Device / Device Operation#4",
                 "drivernormative:Device Types / Block Device / Device Operation#5",
                 "drivernormative:Device Types / Block Device / Device Operation#6",
                 "drivernormative:Device Types / Block Device / Device Operation#7",
                 "drivernormative:Device Types / Block Device / Device Operation#8",
                 "drivernormative:Device Types / Block Device / Device Operation#9",
                 "drivernormative:Device Types / Block Device / Device Operation#10",
                 "drivernormative:Device Types / Block Device / Device Operation#11",
                 "drivernormative:Device Types / Block Device / Device Operation#12",
                 "drivernormative:Device Types / Block Device / Device Operation#14"};
    out.push_back(makeDriverCheck(c));
  }

  // ---- framing a block request exercises ---------------------------------------------------------------------
  add(check("framing.any_descriptor_layout",
            {"devicenormative:Basic Facilities of a Virtio Device / Message Framing#1",
             "devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Used Ring#2"},
            "a read whose header is split in two, whose data is cut at odd offsets and shares its last descriptor with "
            "the status byte: the right data, and the used length covers every byte written",
            [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
              auto blk = openBlk(ctx, hal, sink, d);
              if (!blk || !writePattern(ctx, *blk, 32, 2, 111)) return;
              BlkRaw raw(*blk);
              const drv::Buf h = raw.header(bk::kTIn, 32);
              const drv::Buf a = raw.buffer(100, true), b = raw.buffer(700, true), tail = raw.buffer(224 + 1, true);
              const std::vector<drv::Buf> bufs = {{h.addr, 5, false}, {h.addr + 5, 11, false}, a, b, tail};
              // devicenormative:Basic Facilities of a Virtio Device / Message Framing#1: no layout assumed
              const BlkRawResult r = raw.chain(bufs, tail.addr + 224);
              ctx.check(r.used && r.status == bk::kSOk, "status " + std::to_string(r.status));
              // devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Used Ring#2: len
              ctx.check(r.len == 1025, "used length " + std::to_string(r.len) + ", expected 1025");
              std::vector<uint8_t> got(1024);
              raw.memory().read(a.addr, got.data(), 100);
              raw.memory().read(b.addr, got.data() + 100, 700);
              raw.memory().read(tail.addr, got.data() + 800, 224);
              ctx.check(got == pattern(111, 2 * bk::kSector), "the data landed in the wrong places");
            }));
}

}  // namespace vsim::conformance::blkcon

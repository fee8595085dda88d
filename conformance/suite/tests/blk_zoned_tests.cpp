// Zoned block device, device direction: the suite drives a host-managed disk (raw zone requests through our block
// driver's queue, our driver's zone calls) and checks the zoned device-normative statements by observation — status
// values, append_sector, zone states and write pointers (from ZONE_REPORT and the host's zone table), data read back.
#include <cstring>

#include "blk_zoned.h"
#include "vsim/abi/features.h"
#include "vsim/abi/status.h"
#include "vsim/model/blk_device.h"

namespace vsim::conformance::blkcon {

model::DeviceOptions hostManaged(model::DeviceOptions extra) {
  model::DeviceOptions o = {{"zoned", "host-managed"}, {"zone_sectors", "1024"}, {"conventional_zones", "1"},
                            {"max_open_zones", "4"},   {"max_active_zones", "6"}};
  for (const auto& [k, v] : extra) o[k] = v;
  return o;
}

AppendResult rawAppend(BlkRaw& raw, uint64_t sector, uint32_t bytes, uint8_t fill) {
  AppendResult a;
  const drv::Buf h = raw.header(drv::blk::kTZoneAppend, sector);
  const drv::Buf data = raw.buffer(bytes, false, fill);
  const drv::Buf tail = raw.buffer(drv::blk::kAppendSectorBytes + 1, true);
  raw.memory().write(tail.addr, &a.appendSector, 8);
  a.r = raw.chain({h, data, tail}, tail.addr + drv::blk::kAppendSectorBytes);
  raw.memory().read(tail.addr, &a.appendSector, 8);
  return a;
}

uint8_t rawNegotiate(TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d,
                     uint64_t accept, bool readModel) {
  auto t = drv::makeTransport(hal, d, false, sink);
  if (!t || !t->reset(100'000'000)) {
    ctx.harnessError("no transport / no reset");
    return 0;
  }
  t->setStatus(status::kAcknowledge);
  t->setStatus(status::kAcknowledge | status::kDriver);
  const uint64_t offered = t->deviceFeatures();
  if (readModel) t->configRead(drv::blk::cfg::kZonedModel, 1);
  t->writeDriverFeatures((accept | (uint64_t{1} << feat::kVersion1)) & offered);
  t->setStatus(status::kAcknowledge | status::kDriver | status::kFeaturesOk);
  return t->status();
}

namespace {

namespace bk = drv::blk;
using drv::BlkStatus;
constexpr uint64_t kZs = 1024;  // zone_sectors of hostManaged()

DeviceCheck zcheck(std::string id, std::vector<std::string> clauses, std::string desc, model::DeviceOptions extra,
                   Body body) {
  DeviceCheck c;
  c.id = "virtio.device.core.blk.zoned." + std::move(id);
  c.clauses = std::move(clauses);
  c.description = std::move(desc);
  c.deviceType = kZonedType;
  c.deviceOptions = hostManaged(std::move(extra));
  c.body = std::move(body);
  return c;
}

using ZBody = std::function<void(TestContext&, drv::BlkDriver&, BlkRaw&, model::BlkDevice&)>;
/// Our driver brings the host-managed disk up (ZONED negotiated); then the body.
Body live(ZBody b) {
  return [b](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
    model::BlkDevice* host = hostBlk(ctx);
    auto blk = host ? openBlk(ctx, hal, sink, d) : nullptr;
    if (!blk) return;
    if (!blk->zoned()) return ctx.harnessError("ZONED not negotiated");
    BlkRaw raw(*blk);
    b(ctx, *blk, raw, *host);
  };
}

std::string st(uint8_t s) { return "status " + std::to_string(s); }
model::BlkZoneState zstate(model::BlkDevice& h, uint64_t zone) { return h.zones().zone(zone).state; }
bool writeAt(BlkRaw& raw, uint64_t sector, uint32_t sectors, uint8_t* status, uint8_t fill = 0x33) {
  const BlkRawResult r = raw.request(bk::kTOut, sector, {raw.buffer(sectors * bk::kSector, false, fill)});
  *status = r.status;
  return r.used && r.status == bk::kSOk;
}

}  // namespace

void registerBlkZonedTests(std::vector<TestInfo>& out) {
  auto add = [&](DeviceCheck c) { out.push_back(makeDeviceCheck(std::move(c))); };
  add(zcheck("config.characteristics",
             {"devicenormative:Device Types / Block Device / Device Initialization#9", "devicenormative:Device Types / Block Device / Device Initialization#10", "devicenormative:Device Types / Block Device / Device Initialization#12", "devicenormative:Device Types / Block Device / Device Initialization#13", "devicenormative:Device Types / Block Device / Device Initialization#14", "devicenormative:Device Types / Block Device / Device Initialization#15", "devicenormative:Device Types / Block Device / Device Initialization#17", "devicenormative:Device Types / Block Device / Device Initialization#18"},
             "the zoned characteristics read back as configured: model HM, zone size, limits, append limit within "
             "seg_max * size_max, write granularity, unused2 zero; the zone report agrees",
             {{"max_open_zones", "3"}, {"max_active_zones", "5"}, {"max_append_sectors", "64"},
              {"write_granularity", "4096"}, {"seg_max", "16"}, {"size_max", "65536"}},
             live([](TestContext& ctx, drv::BlkDriver& blk, BlkRaw&, model::BlkDevice& host) {
               const drv::BlkConfig& c = blk.config();
               // devicenormative:Device Types / Block Device / Device Initialization#9: model = HM
               ctx.check(c.zonedModel == bk::kZHm, "model is not VIRTIO_BLK_Z_HM");
               // devicenormative:Device Types / Block Device / Device Initialization#10: zone size
               ctx.check(c.zoneSectors == kZs, "zone_sectors " + std::to_string(c.zoneSectors));
               ctx.check(c.maxOpenZones == 3 && c.maxActiveZones == 5, "open / active limits differ from the device's");
               ctx.check(c.maxAppendSectors == 64 && uint64_t{c.maxAppendSectors} * 512 <= uint64_t{c.segMax} * c.sizeMax,
                         "max_append_sectors wrong or above seg_max * size_max");
               ctx.check(c.writeGranularity == 4096, "write_granularity " + std::to_string(c.writeGranularity));
               uint8_t u2[3] = {0xff, 0xff, 0xff};
               blk.device().readConfig(bk::cfg::kUnused2, u2, 3);
               ctx.check((u2[0] | u2[1] | u2[2]) == 0, "unused2 is not 0");
               std::vector<drv::BlkZoneInfo> zones;
               const BlkStatus s = blk.zoneReport(0, &zones, 64);
               ctx.check(s == BlkStatus::Ok, std::string("ZONE_REPORT: ") + drv::blkStatusName(s));
               ctx.check(zones.size() == (blk.capacity() + kZs - 1) / kZs && zones.size() == host.zones().count(),
                         "the report does not list capacity / zone_sectors zones");
               for (size_t i = 0; i < zones.size(); ++i)
                 ctx.check(zones[i].start == i * kZs && zones[i].cap <= kZs, "zone " + std::to_string(i) + " layout");
             })));
  {
    DeviceCheck c = zcheck("init.hm_refuses_features_ok_without_zoned", {"devicenormative:Device Types / Block Device / Device Initialization#8"},
                           "a driver accepts everything but ZONED from a host-managed disk: FEATURES_OK stays clear",
                           {}, [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
                             const uint8_t s = rawNegotiate(ctx, hal, sink, d, (uint64_t{1} << bk::kFFlush), true);
                             if (ctx.failed()) return;
                             ctx.check(!(s & status::kFeaturesOk), "FEATURES_OK accepted without ZONED");
                           });
    add(c);
  }
  add(zcheck("mgmt.conventional_zone", {"devicenormative:Device Types / Block Device / Device Operation#19"}, "open, close, finish and reset of conventional zone 0 fail with ZONE_INVALID_CMD",
             {}, live([](TestContext& ctx, drv::BlkDriver&, BlkRaw& raw, model::BlkDevice&) {
               for (uint32_t t : {bk::kTZoneOpen, bk::kTZoneClose, bk::kTZoneFinish, bk::kTZoneReset}) {
                 const BlkRawResult r = rawZoneOp(raw, t, 0);
                 ctx.check(r.used && r.status == bk::kSZoneInvalidCmd, "type " + std::to_string(t) + ": " + st(r.status));
               }
             })));
  add(zcheck("append.not_swr", {"devicenormative:Device Types / Block Device / Device Operation#20"}, "ZONE_APPEND to conventional zone 0 fails with ZONE_INVALID_CMD", {},
             live([](TestContext& ctx, drv::BlkDriver&, BlkRaw& raw, model::BlkDevice&) {
               const AppendResult a = rawAppend(raw, 0, 4096);
               ctx.check(a.r.used && a.r.status == bk::kSZoneInvalidCmd, st(a.r.status));
             })));
  add(zcheck("mgmt.open_transitions_and_resources", {"devicenormative:Device Types / Block Device / Device Operation#21", "devicenormative:Device Types / Block Device / Device Operation#22", "devicenormative:Device Types / Block Device / Device Operation#26"},
             "open of a full zone is invalid; opening beyond max_open_zones and implicit opens beyond the limits fail "
             "with a resource status and leave the zone as it was",
             {{"max_open_zones", "2"}, {"max_active_zones", "3"}},
             live([](TestContext& ctx, drv::BlkDriver& blk, BlkRaw& raw, model::BlkDevice& host) {
               ctx.check(blk.zoneResetAll() == BlkStatus::Ok, "reset all");
               ctx.check(blk.zoneFinish(1 * kZs) == BlkStatus::Ok, "finish zone 1");
               BlkRawResult r = rawZoneOp(raw, bk::kTZoneOpen, 1 * kZs);
               ctx.check(r.status == bk::kSZoneInvalidCmd, "open of a full zone: " + st(r.status));
               ctx.check(blk.zoneOpen(2 * kZs) == BlkStatus::Ok && blk.zoneOpen(3 * kZs) == BlkStatus::Ok, "open 2, 3");
               r = rawZoneOp(raw, bk::kTZoneOpen, 4 * kZs);
               ctx.check(r.status == bk::kSZoneOpenResource || r.status == bk::kSZoneActiveResource,
                         "open beyond max_open_zones: " + st(r.status));
               ctx.check(zstate(host, 4) == model::BlkZoneState::Empty, "zone 4 changed state");
               uint8_t s = 0;
               writeAt(raw, 4 * kZs, 8, &s);
               ctx.check(s == bk::kSZoneOpenResource || s == bk::kSZoneActiveResource, "implicit open past the open limit: " + st(s));
               ctx.check(host.zones().zone(4).wp == 4 * kZs, "zone 4 write pointer moved");
               ctx.check(writeAt(raw, 2 * kZs, 8, &s) && blk.zoneClose(2 * kZs) == BlkStatus::Ok, "write + close zone 2");
               ctx.check(writeAt(raw, 5 * kZs, 8, &s), "implicit open of zone 5: " + st(s));
               writeAt(raw, 6 * kZs, 8, &s);
               ctx.check(s == bk::kSZoneActiveResource || s == bk::kSZoneOpenResource, "implicit open past the active limit: " + st(s));
               ctx.check(zstate(host, 6) == model::BlkZoneState::Empty, "zone 6 changed state");
               blk.zoneResetAll();
             })));
  add(zcheck("mgmt.close_finish_reset_invalid", {"devicenormative:Device Types / Block Device / Device Operation#23", "devicenormative:Device Types / Block Device / Device Operation#24", "devicenormative:Device Types / Block Device / Device Operation#25"},
             "close of a full zone, finish of an offline zone and reset of a read-only zone fail with "
             "ZONE_INVALID_CMD and change nothing",
             {}, live([](TestContext& ctx, drv::BlkDriver& blk, BlkRaw& raw, model::BlkDevice& host) {
               ctx.check(blk.zoneFinish(3 * kZs) == BlkStatus::Ok, "finish zone 3");
               BlkRawResult r = rawZoneOp(raw, bk::kTZoneClose, 3 * kZs);
               ctx.check(r.status == bk::kSZoneInvalidCmd, "close of a full zone: " + st(r.status));
               ctx.check(zstate(host, 3) == model::BlkZoneState::Full, "zone 3 left the full state");
               host.setZoneCondition(4, model::BlkZoneState::Offline);
               r = rawZoneOp(raw, bk::kTZoneFinish, 4 * kZs);
               ctx.check(r.status == bk::kSZoneInvalidCmd, "finish of an offline zone: " + st(r.status));
               ctx.check(zstate(host, 4) == model::BlkZoneState::Offline, "offline zone changed state");
               host.setZoneCondition(5, model::BlkZoneState::ReadOnly);
               r = rawZoneOp(raw, bk::kTZoneReset, 5 * kZs);
               ctx.check(r.status == bk::kSZoneInvalidCmd, "reset of a read-only zone: " + st(r.status));
               ctx.check(zstate(host, 5) == model::BlkZoneState::ReadOnly, "read-only zone changed state");
             })));
  add(zcheck("append.sector_not_zone_start", {"devicenormative:Device Types / Block Device / Device Operation#27"}, "ZONE_APPEND naming a sector inside the zone fails with ZONE_INVALID_CMD",
             {}, live([](TestContext& ctx, drv::BlkDriver&, BlkRaw& raw, model::BlkDevice& host) {
               const AppendResult a = rawAppend(raw, 2 * kZs + 8, 4096);
               ctx.check(a.r.status == bk::kSZoneInvalidCmd, st(a.r.status));
               ctx.check(host.zones().zone(2).wp == 2 * kZs, "data was appended");
             })));
  add(zcheck("write.past_zone_capacity", {"devicenormative:Device Types / Block Device / Device Operation#28"}, "OUT and ZONE_APPEND to a zone with no capacity left fail with ZONE_INVALID_CMD",
             {}, live([](TestContext& ctx, drv::BlkDriver& blk, BlkRaw& raw, model::BlkDevice&) {
               ctx.check(blk.zoneFinish(2 * kZs) == BlkStatus::Ok, "finish zone 2");
               uint8_t s = 0;
               writeAt(raw, 2 * kZs, 8, &s);
               ctx.check(s == bk::kSZoneInvalidCmd, "OUT: " + st(s));
               const AppendResult a = rawAppend(raw, 2 * kZs, 4096);
               ctx.check(a.r.status == bk::kSZoneInvalidCmd, "APPEND: " + st(a.r.status));
             })));
  add(zcheck("append.sector_returned", {"devicenormative:Device Types / Block Device / Device Operation#29"}, "two appends to an empty zone land at its start and right after; append_sector says so",
             {}, live([](TestContext& ctx, drv::BlkDriver&, BlkRaw& raw, model::BlkDevice& host) {
               const AppendResult a = rawAppend(raw, 6 * kZs, 4096, 0x61), b = rawAppend(raw, 6 * kZs, 4096, 0x62);
               ctx.check(a.r.status == bk::kSOk && b.r.status == bk::kSOk, "append status " + st(a.r.status) + " / " + st(b.r.status));
               ctx.check(a.appendSector == 6 * kZs && b.appendSector == 6 * kZs + 8,
                         "append_sector " + std::to_string(a.appendSector) + ", " + std::to_string(b.appendSector));
               std::vector<uint8_t> got(512);
               host.readVisible((6 * kZs + 8) * 512, got.data(), got.size());
               ctx.check(got == std::vector<uint8_t>(512, 0x62), "the second append's data is not where append_sector says");
             })));
  add(zcheck("append.unsupported_when_max_zero", {"devicenormative:Device Types / Block Device / Device Operation#30"}, "max_append_sectors 0: ZONE_APPEND completes with UNSUPP",
             {{"max_append_sectors", "0"}}, live([](TestContext& ctx, drv::BlkDriver&, BlkRaw& raw, model::BlkDevice&) {
               const AppendResult a = rawAppend(raw, 2 * kZs, 4096);
               ctx.check(a.r.status == bk::kSUnsupp, st(a.r.status));
             })));
  add(zcheck("append.larger_than_max", {"devicenormative:Device Types / Block Device / Device Operation#31"}, "max_append_sectors 16: a 32-sector append fails with ZONE_INVALID_CMD",
             {{"max_append_sectors", "16"}}, live([](TestContext& ctx, drv::BlkDriver&, BlkRaw& raw, model::BlkDevice&) {
               const AppendResult a = rawAppend(raw, 2 * kZs, 32 * 512);
               ctx.check(a.r.status == bk::kSZoneInvalidCmd, st(a.r.status));
             })));
  add(zcheck("io.spans_zones", {"devicenormative:Device Types / Block Device / Device Operation#32"}, "IN and OUT ranges from a SWR zone into the next fail with ZONE_INVALID_CMD",
             {}, live([](TestContext& ctx, drv::BlkDriver&, BlkRaw& raw, model::BlkDevice&) {
               const BlkRawResult r = raw.request(bk::kTIn, 3 * kZs - 4, {raw.buffer(8 * 512, true)});
               ctx.check(r.status == bk::kSZoneInvalidCmd, "IN: " + st(r.status));
               uint8_t s = 0;
               writeAt(raw, 2 * kZs, 1, &s);  // the write pointer to 2 * kZs + 1 ... then across
               const BlkRawResult w = raw.request(bk::kTOut, 2 * kZs + 1, {raw.buffer(uint32_t(kZs) * 512, false)});
               ctx.check(w.status == bk::kSZoneInvalidCmd, "OUT: " + st(w.status));
             })));
  add(zcheck("write.not_at_write_pointer", {"devicenormative:Device Types / Block Device / Device Operation#33"}, "an OUT 8 sectors past the write pointer fails with ZONE_UNALIGNED_WP",
             {}, live([](TestContext& ctx, drv::BlkDriver&, BlkRaw& raw, model::BlkDevice& host) {
               uint8_t s = 0;
               writeAt(raw, 7 * kZs + 8, 8, &s);
               ctx.check(s == bk::kSZoneUnalignedWp, st(s));
               ctx.check(host.zones().zone(7).wp == 7 * kZs, "write pointer moved");
             })));
  add(zcheck("zone.read_only_and_offline", {"devicenormative:Device Types / Block Device / Device Operation#35", "devicenormative:Device Types / Block Device / Device Operation#36"},
             "OUT and ZONE_APPEND to a read-only zone, and IN or ZONE_OPEN of an offline zone, fail with ZONE_INVALID_CMD",
             {}, live([](TestContext& ctx, drv::BlkDriver&, BlkRaw& raw, model::BlkDevice& host) {
               host.setZoneCondition(8, model::BlkZoneState::ReadOnly);
               host.setZoneCondition(9, model::BlkZoneState::Offline);
               uint8_t s = 0;
               writeAt(raw, 8 * kZs, 8, &s);
               ctx.check(s == bk::kSZoneInvalidCmd, "OUT to read-only: " + st(s));
               ctx.check(rawAppend(raw, 8 * kZs, 4096).r.status == bk::kSZoneInvalidCmd, "APPEND to read-only");
               const BlkRawResult r = raw.request(bk::kTIn, 9 * kZs, {raw.buffer(4096, true)});
               ctx.check(r.status == bk::kSZoneInvalidCmd, "IN from offline: " + st(r.status));
               ctx.check(rawZoneOp(raw, bk::kTZoneOpen, 9 * kZs).status == bk::kSZoneInvalidCmd, "OPEN of offline");
             })));
  add(zcheck("read.unwritten_data", {"devicenormative:Device Types / Block Device / Device Operation#37", "devicenormative:Device Types / Block Device / Device Operation#38"},
             "sectors past the write pointer read as the fill pattern (zeroes), also after a reset of written data",
             {}, live([](TestContext& ctx, drv::BlkDriver& blk, BlkRaw&, model::BlkDevice&) {
               const std::vector<uint8_t> data = pattern(77, 8 * 512);
               ctx.check(blk.write(10 * kZs, data.data(), data.size()) == BlkStatus::Ok, "write");
               std::vector<uint8_t> got(16 * 512, 0xee);
               ctx.check(blk.read(10 * kZs, got.data(), got.size()) == BlkStatus::Ok, "read");
               ctx.check(std::equal(data.begin(), data.end(), got.begin()), "written part differs");
               ctx.check(std::all_of(got.begin() + data.size(), got.end(), [](uint8_t b) { return b == 0; }),
                         "unwritten part is not the fill pattern");
               ctx.check(blk.zoneReset(10 * kZs) == BlkStatus::Ok, "reset");
               std::fill(got.begin(), got.end(), 0xee);
               blk.read(10 * kZs, got.data(), 8 * 512);
               ctx.check(std::all_of(got.begin(), got.begin() + 8 * 512, [](uint8_t b) { return b == 0; }),
                         "reset data still readable");
             })));
  add(zcheck("secure_erase.zones", {"devicenormative:Device Types / Block Device / Device Operation#39", "devicenormative:Device Types / Block Device / Device Operation#40", "devicenormative:Device Types / Block Device / Device Operation#41"},
             "secure_erase_sector_alignment is a multiple of zone_sectors; a partial-zone SECURE_ERASE fails; a "
             "whole-zone one resets the zone (empty, write pointer at its start)",
             {}, live([](TestContext& ctx, drv::BlkDriver& blk, BlkRaw& raw, model::BlkDevice& host) {
               if (!blk.has(bk::kFSecureErase)) return ctx.notSupported("SECURE_ERASE not negotiated");
               ctx.check(blk.config().secureEraseSectorAlignment % kZs == 0, "alignment not a multiple of zone_sectors");
               const std::vector<uint8_t> data = pattern(78, 8 * 512);
               ctx.check(blk.write(11 * kZs, data.data(), data.size()) == BlkStatus::Ok, "write");
               const BlkRawResult half = raw.request(bk::kTSecureErase, 0, {raw.segments({{11 * kZs, uint32_t(kZs / 2), 0}})});
               ctx.check(half.status != bk::kSOk, "half-zone SECURE_ERASE completed OK");
               ctx.check(host.zones().zone(11).wp == 11 * kZs + 8, "half-zone erase changed the zone");
               const BlkRawResult full = raw.request(bk::kTSecureErase, 0, {raw.segments({{11 * kZs, uint32_t(kZs), 0}})});
               ctx.check(full.status == bk::kSOk, "whole-zone SECURE_ERASE: " + st(full.status));
               std::vector<drv::BlkZoneInfo> z;
               blk.zoneReport(11 * kZs, &z, 1);
               ctx.check(z.size() == 1 && z[0].state == bk::kZsEmpty && z[0].wp == 11 * kZs, "zone not reset by SECURE_ERASE");
             })));
}

}  // namespace vsim::conformance::blkcon

// Zoned block device, driver direction: one faulty driver per zoned check of the strict block device. Each works
// on a host-managed disk; the raw ones stop at FEATURES_OK, the others bring the disk up with our driver (ZONED
// negotiated) and then send exactly one request that breaks one driver-normative statement. The device must report
// that clause and nothing else.
#include "blk_zoned.h"

namespace vsim::conformance::blkcon {

namespace {

namespace bk = drv::blk;
constexpr uint64_t kZs = 1024;  // zone_sectors of hostManaged()
constexpr uint64_t bit(unsigned b) { return uint64_t{1} << b; }

Mutant zmutant(std::string id, std::string clause, std::string desc, model::DeviceOptions extra, Body body) {
  Mutant m;
  m.id = "virtio.driver.core.blk.zoned." + std::move(id);
  m.clause = std::move(clause);
  m.description = std::move(desc);
  m.deviceType = kZonedType;
  m.deviceOptions = hostManaged(std::move(extra));
  m.body = std::move(body);
  return m;
}

using Fault = std::function<void(TestContext&, drv::BlkDriver&, BlkRaw&)>;
Body live(Fault f) {
  return [f](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
    auto blk = openBlk(ctx, hal, sink, d);
    if (!blk) return;
    if (!blk->zoned()) return ctx.harnessError("ZONED not negotiated");
    BlkRaw raw(*blk);
    f(ctx, *blk, raw);
  };
}

Body negotiate(uint64_t accept, bool readModel) {
  return [accept, readModel](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
    rawNegotiate(ctx, hal, sink, d, accept, readModel);
  };
}

void used(TestContext& ctx, const BlkRawResult& r) {
  if (!r.used) ctx.harnessError("the request did not come back");
}

}  // namespace

void registerBlkZonedMutants(std::vector<TestInfo>& out) {
  auto add = [&](Mutant m) { out.push_back(makeMutant(std::move(m))); };
  add(zmutant("init.zoned_without_reading_model", "drivernormative:Device Types / Block Device / Device Initialization#5",
              "ZONED accepted (DISCARD not) without ever reading zoned.model, then FEATURES_OK", {},
              negotiate(bit(bk::kFZoned) | bit(bk::kFFlush), false)));
  add(zmutant("init.hm_discard_accepted", "drivernormative:Device Types / Block Device / Device Initialization#6", "host-managed model read, then ZONED and DISCARD accepted", {},
              negotiate(bit(bk::kFZoned) | bit(bk::kFDiscard) | bit(bk::kFFlush), true)));
  add(zmutant("init.hm_features_ok_without_zoned", "drivernormative:Device Types / Block Device / Device Initialization#8",
              "host-managed model read, ZONED not accepted, FEATURES_OK set anyway (instead of FAILED)", {},
              negotiate(bit(bk::kFFlush), true)));
  add(zmutant("report.sector_past_capacity", "drivernormative:Device Types / Block Device / Device Operation#18", "a ZONE_REPORT starting at the capacity (no zone there)", {},
              live([](TestContext& ctx, drv::BlkDriver& blk, BlkRaw& raw) {
                used(ctx, raw.request(bk::kTZoneReport, blk.capacity(), {raw.buffer(4096, true)}));
              })));
  add(zmutant("mgmt.sector_not_zone_start", "drivernormative:Device Types / Block Device / Device Operation#20", "a ZONE_OPEN naming the second sector of zone 2", {},
              live([](TestContext& ctx, drv::BlkDriver&, BlkRaw& raw) {
                used(ctx, rawZoneOp(raw, bk::kTZoneOpen, 2 * kZs + 1));
              })));
  add(zmutant("mgmt.reset_all_sector_not_zero", "drivernormative:Device Types / Block Device / Device Operation#21", "a ZONE_RESET_ALL with sector 5", {},
              live([](TestContext& ctx, drv::BlkDriver&, BlkRaw& raw) {
                used(ctx, rawZoneOp(raw, bk::kTZoneResetAll, 5));
              })));
  add(zmutant("append.sector_not_zone_start", "drivernormative:Device Types / Block Device / Device Operation#22", "a ZONE_APPEND naming sector 8 of zone 2", {},
              live([](TestContext& ctx, drv::BlkDriver&, BlkRaw& raw) {
                used(ctx, rawAppend(raw, 2 * kZs + 8, 4096).r);
              })));
  add(zmutant("append.not_granularity_multiple", "drivernormative:Device Types / Block Device / Device Operation#23", "write_granularity 4096; a 512-byte ZONE_APPEND",
              {{"write_granularity", "4096"}}, live([](TestContext& ctx, drv::BlkDriver&, BlkRaw& raw) {
                used(ctx, rawAppend(raw, 2 * kZs, 512).r);
              })));
  add(zmutant("append.larger_than_max", "drivernormative:Device Types / Block Device / Device Operation#24", "max_append_sectors 8; a 16-sector ZONE_APPEND",
              {{"max_append_sectors", "8"}}, live([](TestContext& ctx, drv::BlkDriver&, BlkRaw& raw) {
                used(ctx, rawAppend(raw, 2 * kZs, 16 * 512).r);
              })));
  add(zmutant("write.not_granularity_multiple", "drivernormative:Device Types / Block Device / Device Operation#26",
              "write_granularity 4096; a 512-byte OUT at the write pointer of a sequential zone",
              {{"write_granularity", "4096"}}, live([](TestContext& ctx, drv::BlkDriver&, BlkRaw& raw) {
                used(ctx, raw.request(bk::kTOut, 2 * kZs, {raw.buffer(512, false, 0x44)}));
              })));
}

}  // namespace vsim::conformance::blkcon

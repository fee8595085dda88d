// Zoned block workload of the built-in driver: zone report, reset all, sequential writes at the write pointer,
// explicit open / close / finish / reset, appends (SWR zones), conventional-zone I/O. A call refused because the
// device asked for a reset (a personality) is repeated on the re-initialised device; zone states survive the reset. Used by workload_tests.cpp on the "blk-zoned" target (host-aware) and registered here as a
// driver-direction test on a host-managed disk under every personality.
#include <algorithm>

#include "blk_zoned.h"

namespace vsim::conformance {

namespace {

using drv::BlkStatus;
namespace bk = drv::blk;

std::string bad(const char* what, BlkStatus s) { return std::string(what) + ": " + drv::blkStatusName(s); }

struct ZonedRun {
  TestContext& ctx;
  drv::BlkDriver& blk;
  std::vector<drv::BlkZoneInfo> zones;

  /// One driver call; a device that asked for a reset is recovered and the call repeated (a call refused because
  /// of the pending reset was never sent, so repeating it is safe).
  BlkStatus run(const std::function<BlkStatus()>& op) {
    BlkStatus st = op();
    for (int i = 0; i < 4 && st != BlkStatus::Ok && blk.device().state() == drv::DeviceState::NeedsReset; ++i) {
      if (!blk.device().recover()) break;
      st = op();
    }
    return st;
  }
  std::string report() {
    const uint32_t want = static_cast<uint32_t>((blk.capacity() + blk.config().zoneSectors - 1) / blk.config().zoneSectors);
    const BlkStatus s = run([&] { return blk.zoneReport(0, &zones, want); });
    if (s != BlkStatus::Ok) return bad("ZONE_REPORT", s);
    if (zones.empty() || zones[0].start != 0) return "ZONE_REPORT: no zone at sector 0";
    return "";
  }
  const drv::BlkZoneInfo* nthSequential(size_t n) const {
    for (const auto& z : zones)
      if (z.type != bk::kZtConv && n-- == 0) return &z;
    return nullptr;
  }
  std::string state(uint64_t start, uint8_t want, uint64_t wp = ~0ull) {
    std::vector<drv::BlkZoneInfo> one;
    const BlkStatus s = run([&] { return blk.zoneReport(start, &one, 1); });
    if (s != BlkStatus::Ok || one.size() != 1) return bad("ZONE_REPORT of one zone", s);
    if (one[0].state != want) return "zone at " + std::to_string(start) + " in state " + std::to_string(one[0].state) +
                                     ", expected " + std::to_string(want);
    if (wp != ~0ull && one[0].wp != wp) return "write pointer " + std::to_string(one[0].wp) + ", expected " + std::to_string(wp);
    return "";
  }
  uint32_t unit() const { return std::max<uint32_t>(blk.config().writeGranularity, 8 * bk::kSector); }

  std::string sequentialWrites(uint64_t z) {
    if (BlkStatus s = run([&] { return blk.zoneReset(z); }); s != BlkStatus::Ok) return bad("reset", s);
    const auto a = blkcon::pattern(z + 1, unit()), b = blkcon::pattern(z + 2, unit());
    const uint64_t n = unit() / bk::kSector;
    if (BlkStatus s = run([&] { return blk.write(z, a.data(), a.size()); }); s != BlkStatus::Ok) return bad("write at the write pointer", s);
    if (BlkStatus s = run([&] { return blk.write(z + n, b.data(), b.size()); }); s != BlkStatus::Ok) return bad("second write", s);
    std::vector<uint8_t> got(2 * unit());
    if (BlkStatus s = run([&] { return blk.read(z, got.data(), got.size()); }); s != BlkStatus::Ok) return bad("read back", s);
    if (!std::equal(a.begin(), a.end(), got.begin()) || !std::equal(b.begin(), b.end(), got.begin() + a.size()))
      return "data read back differs";
    return state(z, bk::kZsIOpen, z + 2 * n);
  }
  std::string openCloseFinish(uint64_t z) {
    if (BlkStatus s = run([&] { return blk.zoneReset(z); }); s != BlkStatus::Ok) return bad("reset", s);
    if (BlkStatus s = run([&] { return blk.zoneOpen(z); }); s != BlkStatus::Ok) return bad("open", s);
    if (auto e = state(z, bk::kZsEOpen); !e.empty()) return e;
    if (BlkStatus s = run([&] { return blk.zoneClose(z); }); s != BlkStatus::Ok) return bad("close", s);
    if (auto e = state(z, bk::kZsEmpty, z); !e.empty()) return e;
    const auto a = blkcon::pattern(z + 3, unit());
    if (BlkStatus s = run([&] { return blk.write(z, a.data(), a.size()); }); s != BlkStatus::Ok) return bad("write", s);
    if (BlkStatus s = run([&] { return blk.zoneClose(z); }); s != BlkStatus::Ok) return bad("close after write", s);
    if (auto e = state(z, bk::kZsClosed, z + unit() / bk::kSector); !e.empty()) return e;
    if (BlkStatus s = run([&] { return blk.zoneFinish(z); }); s != BlkStatus::Ok) return bad("finish", s);
    if (auto e = state(z, bk::kZsFull); !e.empty()) return e;
    if (BlkStatus s = run([&] { return blk.zoneReset(z); }); s != BlkStatus::Ok) return bad("reset of a full zone", s);
    return state(z, bk::kZsEmpty, z);
  }
  std::string appends(uint64_t z) {
    if (BlkStatus s = run([&] { return blk.zoneReset(z); }); s != BlkStatus::Ok) return bad("reset", s);
    const uint32_t n = std::min<uint32_t>(unit(), blk.config().maxAppendSectors * bk::kSector) / unit() * unit();
    if (n == 0) return "";
    const auto a = blkcon::pattern(z + 4, n), b = blkcon::pattern(z + 5, n);
    uint64_t at1 = 0, at2 = 0;
    if (BlkStatus s = run([&] { return blk.zoneAppend(z, a.data(), a.size(), &at1); }); s != BlkStatus::Ok) return bad("append", s);
    if (BlkStatus s = run([&] { return blk.zoneAppend(z, b.data(), b.size(), &at2); }); s != BlkStatus::Ok) return bad("second append", s);
    if (at1 != z || at2 != z + n / bk::kSector) return "append_sector " + std::to_string(at1) + ", " + std::to_string(at2);
    std::vector<uint8_t> got(2 * n);
    if (BlkStatus s = run([&] { return blk.read(z, got.data(), got.size()); }); s != BlkStatus::Ok) return bad("read back", s);
    if (!std::equal(a.begin(), a.end(), got.begin()) || !std::equal(b.begin(), b.end(), got.begin() + n))
      return "appended data read back differs";
    return "";
  }
  std::string conventional() {
    if (zones.empty() || zones[0].type != bk::kZtConv) return "";
    // random order, in whole write_granularity units (the driver applies the granularity to every write)
    const auto a = blkcon::pattern(9, unit());
    const uint64_t n = unit() / bk::kSector, hi = 12 * n, lo = 4 * n;
    if (BlkStatus s = run([&] { return blk.write(hi, a.data(), a.size()); }); s != BlkStatus::Ok) return bad("conventional write", s);
    if (BlkStatus s = run([&] { return blk.write(lo, a.data(), a.size()); }); s != BlkStatus::Ok) return bad("conventional rewrite", s);
    std::vector<uint8_t> got(a.size());
    if (BlkStatus s = run([&] { return blk.read(hi, got.data(), got.size()); }); s != BlkStatus::Ok) return bad("conventional read", s);
    return got == a ? "" : "conventional data read back differs";
  }
};

}  // namespace

void blkZonedWorkload(TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
  auto blk = blkcon::openBlk(ctx, hal, sink, d);
  if (!blk) return;
  if (!blk->zoned()) return ctx.check(false, "VIRTIO_BLK_F_ZONED not negotiated with a zoned disk");
  ZonedRun z{ctx, *blk, {}};
  auto step = [&](const char* name, const std::function<std::string()>& fn) {
    if (ctx.failed()) return;
    const std::string why = fn();
    ctx.check(why.empty(), std::string(name) + ": " + why);
  };
  step("zone report", [&] { return z.report(); });
  step("reset all", [&]() -> std::string {
    const BlkStatus s = z.run([&] { return blk->zoneResetAll(); });
    return s == BlkStatus::Ok ? "" : bad("reset all", s);
  });
  const drv::BlkZoneInfo* s0 = z.nthSequential(0);
  const drv::BlkZoneInfo* s1 = z.nthSequential(1);
  const drv::BlkZoneInfo* s2 = z.nthSequential(2);
  if (!s0 || !s1 || !s2) return ctx.check(false, "fewer than three sequential zones");
  const uint64_t a = s0->start, b = s1->start, c = s2->start;
  const bool swr = s2->type == bk::kZtSwr;
  step("sequential writes", [&] { return z.sequentialWrites(a); });
  step("open / close / finish / reset", [&] { return z.openCloseFinish(b); });
  if (swr) step("appends", [&] { return z.appends(c); });
  step("conventional zone", [&] { return z.conventional(); });
  step("final reset all", [&]() -> std::string {
    return z.run([&] { return blk->zoneResetAll(); }) == BlkStatus::Ok ? "" : "final reset all failed";
  });
}

namespace blkcon {

void registerBlkZonedWorkload(std::vector<TestInfo>& out) {
  DeviceCheck c;
  c.id = "virtio.driver.core.blk.zoned.workload_host_managed";
  c.clauses = {"drivernormative:Device Types / Block Device / Device Initialization#5",  "drivernormative:Device Types / Block Device / Device Initialization#6",  "drivernormative:Device Types / Block Device / Device Initialization#8",  "drivernormative:Device Types / Block Device / Device Operation#18", "drivernormative:Device Types / Block Device / Device Operation#20", "drivernormative:Device Types / Block Device / Device Operation#21",
               "drivernormative:Device Types / Block Device / Device Operation#22", "drivernormative:Device Types / Block Device / Device Operation#23", "drivernormative:Device Types / Block Device / Device Operation#24", "drivernormative:Device Types / Block Device / Device Operation#26"};
  c.description = "the built-in driver on a host-managed disk (write granularity 4096): zone report, reset all, "
                  "writes at the write pointer, open / close / finish / reset, appends; the strict device judges it";
  c.deviceType = kZonedType;
  c.deviceOptions = hostManaged({{"write_granularity", "4096"}});
  c.body = [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
    blkZonedWorkload(ctx, hal, sink, d);
  };
  TestInfo t = makeDriverCheck(std::move(c));
  t.underPersonalities = true;
  out.push_back(std::move(t));
}

}  // namespace blkcon

}  // namespace vsim::conformance

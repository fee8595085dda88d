// The built-in driver's block workload: real I/O with our BlkDriver, checked against what the host sees of the
// device. Three initialisations of the same device:
//  1. every feature our driver supports: GET_ID, writes of one request, of many (split) requests and at the end of
//     the disk, read back and compared, FLUSH and the store, the writeback cache (CONFIG_WCE), every request queue,
//     WRITE_ZEROES (with and without unmap), DISCARD, SECURE_ERASE, GET_LIFETIME;
//  2. FLUSH not accepted (CONFIG_WCE is): writeback must start at 0, writes are stable when they complete;
//  3. no optional block feature: what the earlier runs wrote reads back (data survives resets).
// A device that asks for a reset (DEVICE_NEEDS_RESET) is reset and initialised again and the request sent again.
#include <functional>

#include "blk_raw.h"
#include "vsim/model/blk_device.h"

namespace vsim::conformance {

namespace {

using drv::BlkStatus;
namespace bk = drv::blk;

/// Where the workload writes (512-byte sectors); the default disk is 16 MiB (32768 sectors).
struct Region {
  uint64_t sector;
  uint32_t sectors;
  uint64_t seed;
};

class BlkRun {
 public:
  BlkRun(TestContext& ctx, drv::BlkDriver& blk, model::BlkDevice& host) : ctx_(ctx), blk_(blk), host_(host) {}

  /// Run a request; a device that asked for a reset is recovered (reset + initialisation) and the request repeated.
  BlkStatus run(const std::function<BlkStatus()>& op) {
    BlkStatus st = op();
    for (int i = 0; i < 4 && st != BlkStatus::Ok && blk_.device().state() == drv::DeviceState::NeedsReset; ++i) {
      if (!blk_.device().recover()) {
        ctx_.check(false, "recovery failed: " + blk_.device().failure());
        break;
      }
      ++recoveries_;
      st = op();
    }
    return st;
  }
  /// A transfer in calls of at most three driver requests each (the driver splits each call), so that a device
  /// asking for a reset every few requests lets every call finish after a recovery.
  BlkStatus chunked(bool write, uint64_t sector, uint8_t* buf, size_t bytes, int queue) {
    const size_t step = size_t{3} * blk_.maxRequestBytes();
    for (size_t done = 0; done < bytes;) {
      const size_t n = std::min(step, bytes - done);
      const uint64_t at = sector + done / bk::kSector;
      const BlkStatus st = run([&] { return write ? blk_.write(at, buf + done, n, queue) : blk_.read(at, buf + done, n, queue); });
      if (st != BlkStatus::Ok) return st;
      done += n;
    }
    return BlkStatus::Ok;
  }
  bool ok(BlkStatus st, const std::string& what) {
    const std::string why = blk_.device().failure().empty() ? "" : ": " + blk_.device().failure();
    ctx_.check(st == BlkStatus::Ok, what + ": " + drv::blkStatusName(st) + " (device " +
                                        drv::deviceStateName(blk_.device().state()) + why + ", " +
                                        std::to_string(recoveries_) + " recoveries)");
    return st == BlkStatus::Ok;
  }
  /// Write a region's pattern, read it back (on `queue`, -1 = round robin) and compare.
  bool writeRead(const Region& r, int queue = -1) {
    const auto data = blkcon::pattern(r.seed, size_t{r.sectors} * bk::kSector);
    if (!ok(chunked(true, r.sector, const_cast<uint8_t*>(data.data()), data.size(), queue), "write")) return false;
    return readCompare(r, data, queue);
  }
  bool readCompare(const Region& r, const std::vector<uint8_t>& want, int queue = -1) {
    std::vector<uint8_t> got(want.size(), 0xa5);
    if (!ok(chunked(false, r.sector, got.data(), got.size(), queue), "read")) return false;
    ctx_.check(got == want, "sectors " + std::to_string(r.sector) + "+" + std::to_string(r.sectors) +
                                " read back different bytes");
    return got == want;
  }
  /// The backing store (not the cache) holds the region's pattern.
  void storeHolds(const Region& r, const std::vector<uint8_t>& want, const std::string& when) {
    std::vector<uint8_t> img(want.size());
    ctx_.check(host_.readImage(r.sector * bk::kSector, img.data(), img.size()) && img == want,
               "the store does not hold sectors " + std::to_string(r.sector) + " " + when);
  }
  std::vector<uint8_t> patternOf(const Region& r) const { return blkcon::pattern(r.seed, size_t{r.sectors} * bk::kSector); }
  int recoveries() const { return recoveries_; }

 private:
  TestContext& ctx_;
  drv::BlkDriver& blk_;
  model::BlkDevice& host_;
  int recoveries_ = 0;
};

void fullFeatures(TestContext& ctx, drv::BlkDriver& blk, model::BlkDevice& host, const std::vector<Region>& rg) {
  BlkRun r(ctx, blk, host);
  ctx.check(blk.capacity() == host.capacitySectors(), "capacity differs from the host's disk");
  std::string id;
  if (r.ok(r.run([&] { return blk.getId(&id); }), "GET_ID"))
    ctx.check(id == host.params().serial, "GET_ID returned '" + id + "', the disk's serial is '" + host.params().serial + "'");
  // one request, many requests (larger than the driver's request limit), the last sectors of the disk
  for (size_t i = 0; i < 3; ++i) r.writeRead(rg[i]);
  ctx.check(size_t{rg[1].sectors} * bk::kSector > blk.maxRequestBytes(), "the large write was not split");
  if (blk.has(bk::kFFlush)) {
    r.ok(r.run([&] { return blk.flush(); }), "FLUSH");
    for (size_t i = 0; i < 3; ++i) r.storeHolds(rg[i], r.patternOf(rg[i]), "after FLUSH");
  }
  // the writeback cache: a write stays in the cache (reads see it) until FLUSH
  if (blk.has(bk::kFConfigWce)) {
    const Region& c = rg[3];
    const int before = r.recoveries();
    ctx.check(blk.setWriteback(true), "writeback could not be switched on");
    const std::vector<uint8_t> untouched(size_t{c.sectors} * bk::kSector, 0);  // never written before
    r.writeRead(c);
    if (r.recoveries() == before) {  // a reset writes the cache back and restores the initial mode
      ctx.check(host.dirtyBytes() >= untouched.size(), "writeback: the write did not stay in the device's cache");
      r.storeHolds(c, untouched, "before FLUSH (writeback)");
    }
    r.ok(r.run([&] { return blk.flush(); }), "FLUSH (writeback)");
    r.storeHolds(c, r.patternOf(c), "after FLUSH (writeback)");
    ctx.check(host.dirtyBytes() == 0, "dirty data left after FLUSH");
    ctx.check(blk.setWriteback(false), "writeback could not be switched off");
  }
  // every request queue
  for (uint16_t q = 0; q < blk.numQueues(); ++q) r.readCompare(rg[0], r.patternOf(rg[0]), q);
  const Region& z = rg[4];
  const std::vector<uint8_t> zeroes(size_t{z.sectors} * bk::kSector, 0);
  if (blk.has(bk::kFWriteZeroes))
    for (bool unmap : {false, true}) {
      r.writeRead(z);
      r.ok(r.run([&] { return blk.writeZeroes({{z.sector, z.sectors, unmap}}); }), "WRITE_ZEROES");
      r.readCompare(z, zeroes);
    }
  if (blk.has(bk::kFDiscard)) {
    r.writeRead(z);
    r.ok(r.run([&] { return blk.discard({{z.sector, z.sectors / 2, false}, {z.sector + z.sectors / 2, 1, false}}); }),
         "DISCARD");
    r.writeRead(z);  // the range is usable again
  }
  if (blk.has(bk::kFSecureErase)) {
    r.writeRead(z);
    r.ok(r.run([&] { return blk.secureErase({{z.sector, z.sectors, false}}); }), "SECURE_ERASE");
    r.readCompare(z, zeroes);
  }
  if (blk.has(bk::kFLifetime)) {
    drv::BlkLifetime lt;
    r.ok(r.run([&] { return blk.getLifetime(&lt); }), "GET_LIFETIME");
  }
}

void withoutFlush(TestContext& ctx, drv::BlkDriver& blk, model::BlkDevice& host, const Region& g) {
  BlkRun r(ctx, blk, host);
  ctx.check(!blk.has(bk::kFFlush), "FLUSH was negotiated although the driver did not accept it");
  if (blk.has(bk::kFConfigWce)) ctx.check(!blk.writebackEnabled(), "writeback is not 0 without FLUSH");
  if (r.writeRead(g)) r.storeHolds(g, r.patternOf(g), "when the write completed (no FLUSH negotiated)");
  r.ok(blk.flush(), "flush without FLUSH negotiated");
}

}  // namespace

void blkWorkload(TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
  model::BlkDevice* host = blkcon::hostBlk(ctx);
  if (!host) return;
  const uint64_t cap = host->capacitySectors();
  if (cap < 16384) return ctx.harnessError("the workload needs a disk of at least 8 MiB");
  const uint64_t seed = ctx.config().seed;
  const std::vector<Region> rg = {
      {0, 8, seed * 16 + 1},           // one request
      {1024, 1280, seed * 16 + 2},     // 640 KiB: several requests
      {cap - 8, 8, seed * 16 + 3},     // the end of the disk
      {4096, 64, seed * 16 + 4},       // the writeback cache
      {8192, 32, seed * 16 + 5},       // zeroes, discard, secure erase
      {12288, 16, seed * 16 + 6},      // without FLUSH
  };
  {
    auto blk = drv::BlkDriver::open(hal, d, {}, sink);
    if (!blk || !blk->ok()) return ctx.check(false, "block device did not come up");
    fullFeatures(ctx, *blk, *host, rg);
    blk->device().shutdown();
  }
  {
    drv::BlkDriverOptions bo;
    bo.features &= ~(uint64_t{1} << bk::kFFlush);
    auto blk = drv::BlkDriver::open(hal, d, {}, sink, bo);
    if (!blk || !blk->ok()) return ctx.check(false, "block device did not come up without FLUSH");
    withoutFlush(ctx, *blk, *host, rg[5]);
    blk->device().shutdown();
  }
  {
    drv::BlkDriverOptions bo;
    bo.features = 0;
    auto blk = drv::BlkDriver::open(hal, d, {}, sink, bo);
    if (!blk || !blk->ok()) return ctx.check(false, "block device did not come up without block features");
    BlkRun r(ctx, *blk, *host);
    for (size_t i : {0, 1, 2, 5}) r.readCompare(rg[i], r.patternOf(rg[i]));
    blk->device().shutdown();
  }
}

}  // namespace vsim::conformance

// Block: the launcher's image holds a known pattern (sector s: le64 s, "VSIMDISK", then byte j = (7*s + j) & 0xff).
// Checks: capacity, GET_ID against the serial, single-sector and multi-segment reads against the pattern, a write of
// VSIM_BLK_WRITE_SECTOR (8 sectors of a tagged pattern the launcher looks for in the image afterwards) + flush + read
// back, the writeback switch (CONFIG_WCE), WRITE_ZEROES and DISCARD when negotiated, and VSIM_BLK_MANY (default 600)
// single-sector reads spread over the disk, more than a 256-entry ring holds, so the rings and the event indexes wrap.
// Settings: VSIM_BLK_SECTORS (expected capacity), VSIM_BLK_SERIAL (expected id), VSIM_BLK_WRITE_SECTOR (default 100).
#include <cstring>

#include "vsim/drv/blk_driver.h"
#include "workload.h"

namespace vsim::guest {

namespace {

constexpr size_t kSector = 512;

void patternSector(uint64_t s, uint8_t* out) {
  for (size_t j = 0; j < kSector; ++j) out[j] = static_cast<uint8_t>((7 * s + j) & 0xff);
  std::memcpy(out, &s, 8);
  std::memcpy(out + 8, "VSIMDISK", 8);
}

/// First sector in [first, first+count) whose content is not the pattern, or -1.
int64_t firstMismatch(uint64_t first, const std::vector<uint8_t>& data) {
  uint8_t want[kSector];
  for (size_t i = 0; i * kSector < data.size(); ++i) {
    patternSector(first + i, want);
    if (std::memcmp(want, data.data() + i * kSector, kSector) != 0) return static_cast<int64_t>(first + i);
  }
  return -1;
}

std::string statusText(drv::BlkStatus s) { return drv::blkStatusName(s); }

}  // namespace

void blkWorkload(WorkloadEnv& env, const drv::DiscoveredDevice& d, WorkloadRun& run) {
  auto blk = drv::BlkDriver::open(env.hal, d, env.opts, env.sink);
  if (!blk) {
    run.check("open", false, "BlkDriver::open returned nothing");
    return;
  }
  run.noteDevice(blk->device());
  run.check("open", blk->ok(), blk->device().failure());
  if (!blk->ok()) return;
  const uint64_t cap = blk->capacity();
  run.fact("capacity", std::to_string(cap));
  run.fact("queues", std::to_string(blk->numQueues()));
  run.fact("seg_max", std::to_string(blk->config().segMax));
  run.fact("max_request_bytes", std::to_string(blk->maxRequestBytes()));
  const uint64_t wantCap = envNumber("VSIM_BLK_SECTORS", 0);
  run.check("capacity", wantCap == 0 || cap == wantCap,
            "config capacity " + std::to_string(cap) + ", image " + std::to_string(wantCap) + " sectors");

  const std::string serial = envString("VSIM_BLK_SERIAL");
  std::string id;
  const drv::BlkStatus idSt = blk->getId(&id);
  run.fact("id", id);
  if (!serial.empty())
    run.check("get_id", idSt == drv::BlkStatus::Ok && id == serial, statusText(idSt) + " id '" + id + "'");

  // single sectors at both ends, then one request spanning many segments
  for (uint64_t s : {uint64_t{0}, uint64_t{1}, cap - 1}) {
    std::vector<uint8_t> buf(kSector);
    const drv::BlkStatus st = blk->read(s, buf.data(), buf.size());
    const int64_t bad = st == drv::BlkStatus::Ok ? firstMismatch(s, buf) : -2;
    run.check("read_sector_" + std::to_string(s), st == drv::BlkStatus::Ok && bad < 0,
              statusText(st) + (bad >= 0 ? ", mismatch at sector " + std::to_string(bad) : ""));
  }
  {
    std::vector<uint8_t> buf(128 * 1024);
    const drv::BlkStatus st = blk->read(16, buf.data(), buf.size());
    const int64_t bad = st == drv::BlkStatus::Ok ? firstMismatch(16, buf) : -2;
    run.check("read_128k", st == drv::BlkStatus::Ok && bad < 0,
              statusText(st) + (bad >= 0 ? ", mismatch at sector " + std::to_string(bad) : ""));
  }

  {
    const uint64_t many = envNumber("VSIM_BLK_MANY", 600);
    uint64_t ok = 0, firstBad = ~uint64_t{0};
    std::vector<uint8_t> buf(kSector);
    for (uint64_t i = 0; i < many; ++i) {
      const uint64_t s = (i * 2654435761ull) % cap;  // spread over the disk
      const drv::BlkStatus st = blk->read(s, buf.data(), buf.size());
      if (st == drv::BlkStatus::Ok && firstMismatch(s, buf) < 0)
        ++ok;
      else if (firstBad == ~uint64_t{0})
        firstBad = s;
    }
    run.check("read_many", firstBad == ~uint64_t{0},
              std::to_string(ok) + " single-sector reads matched" +
                  (firstBad == ~uint64_t{0} ? "" : ", first failure at sector " + std::to_string(firstBad)));
  }

  // write a tagged pattern the host finds in the image afterwards, flush, read back
  const uint64_t ws = envNumber("VSIM_BLK_WRITE_SECTOR", 100);
  std::vector<uint8_t> out(8 * kSector);
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(0xa5 ^ (i * 13));
  const std::string tag = "VSIM-WRITE " + env.transport + " ";
  for (size_t s = 0; s < 8; ++s) std::memcpy(out.data() + s * kSector, tag.data(), std::min(tag.size(), kSector));
  const drv::BlkStatus wst = blk->write(ws, out.data(), out.size());
  run.check("write", wst == drv::BlkStatus::Ok, statusText(wst));
  const drv::BlkStatus fst = blk->flush();
  run.check("flush", fst == drv::BlkStatus::Ok || fst == drv::BlkStatus::Unsupp, statusText(fst));
  std::vector<uint8_t> back(out.size());
  const drv::BlkStatus rst = blk->read(ws, back.data(), back.size());
  run.check("read_back", rst == drv::BlkStatus::Ok && back == out, statusText(rst));

  if (blk->has(drv::blk::kFConfigWce)) {
    // writeback field: switch to writethrough and back, each read back from the configuration
    const bool off = blk->setWriteback(false) && !blk->writebackEnabled();
    const bool on = blk->setWriteback(true) && blk->writebackEnabled();
    run.check(
        "config_wce", off && on,
        std::string("writethrough ") + (off ? "taken" : "not taken") + ", writeback " + (on ? "taken" : "not taken"));
  }
  if (blk->has(drv::blk::kFWriteZeroes)) {
    const drv::BlkStatus zst = blk->writeZeroes({drv::BlkRange{200, 4, false}});
    std::vector<uint8_t> z(4 * kSector, 0xee);
    const drv::BlkStatus zr = blk->read(200, z.data(), z.size());
    bool zero = true;
    for (uint8_t c : z) zero &= c == 0;
    run.check("write_zeroes", zst == drv::BlkStatus::Ok && zr == drv::BlkStatus::Ok && zero,
              statusText(zst) + ", read " + statusText(zr) + (zero ? "" : ", data not zero"));
  }
  if (blk->has(drv::blk::kFDiscard)) {
    const drv::BlkStatus dst = blk->discard({drv::BlkRange{300, 8, false}});
    run.check("discard", dst == drv::BlkStatus::Ok, statusText(dst));
  }
  blk->device().shutdown();
}

}  // namespace vsim::guest

// BlkDriver, zoned devices: ZONE_REPORT, the zone management requests and ZONE_APPEND, each checked against the
// driver rules before it is sent.
#include <algorithm>
#include <cstring>

#include "blk_clauses.h"
#include "vsim/drv/blk_driver.h"

namespace vsim::drv {

BlkStatus BlkDriver::zoneReport(uint64_t sector, std::vector<BlkZoneInfo>* out, uint32_t maxZones, int queue) {
  if (!ok()) return BlkStatus::NotLive;
  // drivernormative:Device Types / Block Device / Device Operation#18: the report starts at a sector inside an existing zone.
  if (!zoned() || sector >= cfg_.capacity || maxZones == 0) return BlkStatus::Rejected;
  const uint64_t fit = (maxReq_ - blk::kZoneReportHeaderBytes) / blk::kZoneDescriptorBytes;
  const uint32_t n = static_cast<uint32_t>(std::min<uint64_t>(maxZones, fit));
  if (n == 0) return BlkStatus::Rejected;
  const uint16_t q = pick(queue);
  const uint32_t bytes = blk::kZoneReportHeaderBytes + n * blk::kZoneDescriptorBytes;
  const BlkStatus st = transact(q, blk::kTZoneReport, sector, slots_[q].data, bytes, true);
  if (st != BlkStatus::Ok || !out) return st;
  std::vector<uint8_t> raw(bytes);
  dev_->hal().dmaMemory().read(slots_[q].data, raw.data(), raw.size());
  uint64_t nr = 0;
  std::memcpy(&nr, raw.data(), 8);
  out->clear();
  for (uint64_t k = 0; k < std::min<uint64_t>(nr, n); ++k) {
    const uint8_t* d = raw.data() + blk::kZoneReportHeaderBytes + k * blk::kZoneDescriptorBytes;
    BlkZoneInfo z;
    std::memcpy(&z.cap, d, 8);
    std::memcpy(&z.start, d + 8, 8);
    std::memcpy(&z.wp, d + 16, 8);
    z.type = d[24];
    z.state = d[25];
    out->push_back(z);
  }
  return st;
}

BlkStatus BlkDriver::zoneMgmt(uint32_t type, uint64_t zoneStart, int queue) {
  if (!ok()) return BlkStatus::NotLive;
  // drivernormative:Device Types / Block Device / Device Operation#17: zone addresses are whole 512-byte sectors (the sector field's unit).
  // drivernormative:Device Types / Block Device / Device Operation#20: open / close / finish / reset name the first sector of the zone.
  if (!zoned() || zoneStart >= cfg_.capacity || zoneStart % cfg_.zoneSectors) return BlkStatus::Rejected;
  return transact(pick(queue), type, zoneStart, 0, 0, false);
}

BlkStatus BlkDriver::zoneResetAll(int queue) {
  if (!ok()) return BlkStatus::NotLive;
  if (!zoned()) return BlkStatus::Rejected;
  // drivernormative:Device Types / Block Device / Device Operation#21: sector 0.
  return transact(pick(queue), blk::kTZoneResetAll, 0, 0, 0, false);
}

BlkStatus BlkDriver::zoneAppend(uint64_t zoneStart, const void* buf, size_t bytes, uint64_t* appendSector, int queue) {
  if (!ok()) return BlkStatus::NotLive;
  if (!zoned() || zoneStart >= cfg_.capacity) return BlkStatus::Rejected;
  // drivernormative:Device Types / Block Device / Device Operation#22: the sector is the zone's first sector.
  if (zoneStart % cfg_.zoneSectors) return BlkStatus::Rejected;
  // drivernormative:Device Types / Block Device / Device Operation#23: whole write_granularity units.
  const uint32_t gran = std::max<uint32_t>(cfg_.writeGranularity, blk::kSector);
  // drivernormative:Device Types / Block Device / Device Operation#24: at most max_append_sectors.
  if (bytes == 0 || bytes % gran || bytes > uint64_t{cfg_.maxAppendSectors} * blk::kSector || bytes > maxReq_)
    return BlkStatus::Rejected;
  if (((dev_->offeredFeatures() >> blk::kFRo) & 1u) && !bo_.writeReadOnly) return BlkStatus::Rejected;
  dev_->poll();
  const uint16_t q = pick(queue);
  Slot& s = slots_[q];
  DriverQueue& dq = dev_->queue(q);
  if (s.outstanding) {
    if (dq.getUsed(nullptr, nullptr) || dq.inFlight() == 0) s.outstanding = false;
    else return BlkStatus::Busy;
  }
  GuestMemory& mem = dev_->hal().dmaMemory();
  uint8_t hdr[blk::kHeaderBytes] = {};
  const uint32_t type = blk::kTZoneAppend;
  std::memcpy(hdr, &type, 4);
  std::memcpy(hdr + 8, &zoneStart, 8);
  const uint8_t tail[blk::kAppendSectorBytes + 1] = {0, 0, 0, 0, 0, 0, 0, 0, 0xff};
  // One readable descriptor (header + data) and one writable (append_sector + status): fits every ring size.
  if (!mem.write(s.za, hdr, sizeof hdr) || !mem.write(s.za + blk::kHeaderBytes, buf, bytes) ||
      !mem.write(s.zaTail, tail, sizeof tail))
    return BlkStatus::NotLive;
  const Buf bufs[2] = {{s.za, static_cast<uint32_t>(blk::kHeaderBytes + bytes), false},
                       {s.zaTail, blk::kAppendSectorBytes + 1, true}};
  uint32_t len = 0;
  if (const BlkStatus sub = submitAndWait(q, bufs, 2, false, &len); sub != BlkStatus::Ok) return sub;
  uint8_t st = 0xff;
  uint64_t at = 0;
  mem.load(s.zaTail + blk::kAppendSectorBytes, &st);
  mem.read(s.zaTail, &at, sizeof at);
  // drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Used Ring#1: the status byte is trusted only when the used length covers it.
  const BlkStatus r = len < blk::kAppendSectorBytes + 1 ? BlkStatus::NoStatus : statusOf(st);
  if (r != BlkStatus::Ok) {
    ++stats_.errors;
    return r;
  }
  // devicenormative:Device Types / Block Device / Device Operation#29: append_sector is where the data went: inside the zone, whole data inside it.
  if (at < zoneStart || at + bytes / blk::kSector > zoneStart + cfg_.zoneSectors)
    deviceViolation(blk::clause::kAppendSectorSet, "blk.append_sector_outside_zone",
                    "ZONE_APPEND completed OK with an append_sector outside the zone",
                    {{"zone_start", zoneStart}, {"append_sector", at}, {"sectors", bytes / blk::kSector}});
  if (appendSector) *appendSector = at;
  stats_.bytesWritten += bytes;
  return r;
}

}  // namespace vsim::drv

// BlkDevice, zoned personality (VIRTIO_BLK_F_ZONED): feature rules at FEATURES_OK, the zoned configuration
// fields, the zone request types (report, open, close, finish, reset, reset all, append), and the zone checks of
// reads, writes and DISCARD / WRITE_ZEROES / SECURE_ERASE. The zone state machine itself is BlkZoneTable.
#include <algorithm>
#include <cstring>
#include <vector>

#include "blk_clauses.h"
#include "blk_request.h"
#include "vsim/abi/status.h"

namespace vsim::model {
namespace {
template <class T>
void put(uint8_t* at, T v) {
  std::memcpy(at, &v, sizeof v);  // little-endian host
}
}  // namespace

std::string BlkDevice::checkZonedFeatures(uint64_t acc) const {
  if (p_.zoned != "host-managed" || !core_ || core_->legacy()) return {};
  if (!((acc >> blk::kFZoned) & 1u)) {
    // devicenormative:Device Types / Block Device / Device Initialization#8: a host-managed device refuses FEATURES_OK without ZONED (the core leaves the bit clear).
    // drivernormative:Device Types / Block Device / Device Initialization#8: a driver that cannot handle a host-managed device sets FAILED instead of FEATURES_OK.
    core_->violate(blk::clause::kHmNeedsZoned, "blk.hm_without_zoned",
                   "FEATURES_OK set on a host-managed zoned device without accepting VIRTIO_BLK_F_ZONED",
                   {{"accepted", acc}, {"model_read", modelRead_ ? 1u : 0u}});
    return blk::clause::kHmNeedsZoned;
  }
  if ((acc >> blk::kFDiscard) & 1u) {
    // drivernormative:Device Types / Block Device / Device Initialization#6: DISCARD is not accepted from a host-managed device (FEATURES_OK refused).
    core_->violate(blk::clause::kHmNoDiscard, "blk.hm_discard_accepted",
                   "VIRTIO_BLK_F_DISCARD accepted from a host-managed zoned device", {{"accepted", acc}});
    return blk::clause::kHmNoDiscard;
  }
  if (!modelRead_) {
    // drivernormative:Device Types / Block Device / Device Initialization#5 (nearest): a driver that takes ZONED must be able to handle the zoned model; one that never looked at `model` cannot know it (reported, FEATURES_OK granted).
    core_->violate(blk::clause::kZonedModelUnread, "blk.zoned_model_unread",
                   "VIRTIO_BLK_F_ZONED accepted without reading zoned.model first", {{"accepted", acc}});
  }
  return {};
}

void BlkDevice::fillZonedConfig(uint8_t* c) const {
  using namespace blk;
  if (!p_.isZoned() || !((deviceFeatures() >> kFZoned) & 1u)) return;
  // devicenormative:Device Types / Block Device / Device Initialization#7: a host-aware device whose driver did not take ZONED shows zeroes in every zoned field (after FEATURES_OK).
  if (core_ && (core_->status() & status::kFeaturesOk) && !has(kFZoned)) return;
  // devicenormative:Device Types / Block Device / Device Initialization#9: model is the zoned model the device operates in.
  c[cfg::kZonedModel] = p_.zoned == "host-managed" ? kZHm : kZHa;
  // devicenormative:Device Types / Block Device / Device Initialization#10: zone_sectors is the zone size.
  put<uint32_t>(c + cfg::kZoneSectors, p_.zoneSectors);
  // devicenormative:Device Types / Block Device / Device Initialization#12: max_open_zones is the open limit the zone table enforces.
  put<uint32_t>(c + cfg::kMaxOpenZones, p_.maxOpenZones);
  // devicenormative:Device Types / Block Device / Device Initialization#13: max_active_zones is the active limit the zone table enforces.
  put<uint32_t>(c + cfg::kMaxActiveZones, p_.maxActiveZones);
  // devicenormative:Device Types / Block Device / Device Initialization#14: max_append_sectors is the largest append the device completes (0: none, Device Initialization#16).
  put<uint32_t>(c + cfg::kMaxAppendSectors, p_.maxAppendSectors);
  // devicenormative:Device Types / Block Device / Device Initialization#17: write_granularity is the alignment the write checks use.
  put<uint32_t>(c + cfg::kWriteGranularity, p_.writeGranularity);
  // devicenormative:Device Types / Block Device / Device Initialization#18: unused2 stays 0 (the image starts zeroed).
  if (offered(kFSecureErase)) {
    // devicenormative:Device Types / Block Device / Device Operation#39: the secure erase alignment is a multiple of zone_sectors.
    const uint64_t a = std::max<uint64_t>(p_.secureEraseSectorAlignment, 1);
    const uint64_t zs = p_.zoneSectors;
    put<uint32_t>(c + cfg::kSecureEraseSectorAlignment, static_cast<uint32_t>((a + zs - 1) / zs * zs));
  }
}

uint8_t BlkDevice::zoneStatus(BlkZoneResult z) {
  switch (z) {
    case BlkZoneResult::Ok: return blk::kSOk;
    case BlkZoneResult::InvalidCmd: return blk::kSZoneInvalidCmd;
    case BlkZoneResult::UnalignedWp: return blk::kSZoneUnalignedWp;
    case BlkZoneResult::OpenResource: return blk::kSZoneOpenResource;
    case BlkZoneResult::ActiveResource: return blk::kSZoneActiveResource;
  }
  return blk::kSIoErr;
}

uint8_t BlkDevice::executeZoned(Req& r, bool& handled) {
  using namespace blk;
  handled = true;
  switch (r.type) {
    case kTZoneReport: ++stats_.zoneReports; return doZoneReport(r);
    case kTZoneOpen:
    case kTZoneClose:
    case kTZoneFinish:
    case kTZoneReset:
    case kTZoneResetAll: ++stats_.zoneMgmt; return doZoneMgmt(r);
    case kTZoneAppend: ++stats_.zoneAppends; return doZoneAppend(r);
    default: handled = false; return kSOk;
  }
}

uint8_t BlkDevice::doZoneReport(Req& r) {
  using namespace blk;
  if (r.readData) {
    // drivernormative:Basic Facilities of a Virtio Device / Message Framing#1 (nearest): a zone report is device-writable data only.
    report(r, clause::kFraming, "blk.data_wrong_direction", "ZONE_REPORT request carries device-readable data",
           {{"readable_data", r.readData}});
    return reject(r, kSIoErr, "ZONE_REPORT with readable data");
  }
  const size_t first = zones_.indexOf(r.sector);
  if (first >= zones_.count()) {
    // drivernormative:Device Types / Block Device / Device Operation#18: the report starts at a sector of an existing zone.
    report(r, clause::kReportSector, "blk.zone_report_sector", "ZONE_REPORT sector is past the last zone",
           {{"sector", r.sector}, {"capacity", capacity_}});
    return reject(r, kSZoneInvalidCmd, "ZONE_REPORT past the capacity");
  }
  if (r.writeData < kZoneReportHeaderBytes) return reject(r, kSIoErr, "ZONE_REPORT buffer shorter than its header");
  if (r.unsafe) return reject(r, kSIoErr, "writable buffers overlap another buffer or a ring");
  const uint64_t room = (r.writeData - kZoneReportHeaderBytes) / kZoneDescriptorBytes;
  const uint64_t n = std::min<uint64_t>(room, zones_.count() - first);
  std::vector<uint8_t> out(kZoneReportHeaderBytes + n * kZoneDescriptorBytes, 0);
  put<uint64_t>(out.data(), n);  // nr_zones: whole descriptors transferred
  for (uint64_t k = 0; k < n; ++k) {
    const BlkZone& z = zones_.zone(first + k);
    uint8_t* d = out.data() + kZoneReportHeaderBytes + k * kZoneDescriptorBytes;
    put<uint64_t>(d, z.cap);
    put<uint64_t>(d + 8, z.start);
    put<uint64_t>(d + 16, z.wp);
    d[24] = static_cast<uint8_t>(z.type);
    d[25] = static_cast<uint8_t>(z.state);
  }
  r.q.writeToChain(r.c, 0, out.data(), out.size());
  r.filled = out.size();
  return kSOk;
}

uint8_t BlkDevice::doZoneMgmt(Req& r) {
  using namespace blk;
  if (r.readData || r.writeData) {
    // drivernormative:Basic Facilities of a Virtio Device / Message Framing#1 (nearest): zone management requests carry no data.
    report(r, clause::kFraming, "blk.data_wrong_direction", "zone management request carries data",
           {{"readable_data", r.readData}, {"writable_data", r.writeData}});
    return reject(r, kSIoErr, "zone management request with data");
  }
  if (r.unsafe) return reject(r, kSIoErr, "the status byte overlaps another buffer or a ring");
  if (offered(kFRo)) return reject(r, kSIoErr, "zone management on a read-only device");
  if (r.type == kTZoneResetAll) {
    if (r.sector != 0) {
      // drivernormative:Device Types / Block Device / Device Operation#21: ZONE_RESET_ALL carries sector 0.
      report(r, clause::kResetAllSector, "blk.zone_reset_all_sector", "ZONE_RESET_ALL with a non-zero sector",
             {{"sector", r.sector}});
      return reject(r, kSZoneInvalidCmd, "ZONE_RESET_ALL with a non-zero sector");
    }
    zones_.resetAll();
    return kSOk;
  }
  const size_t i = zones_.indexOf(r.sector);
  if (i >= zones_.count() || zones_.zone(i).start != r.sector) {
    // drivernormative:Device Types / Block Device / Device Operation#20: open / close / finish / reset name the first sector of their zone.
    report(r, clause::kMgmtSector, "blk.zone_mgmt_sector", "zone management request does not name a zone's first sector",
           {{"sector", r.sector}, {"zone_sectors", p_.zoneSectors}});
    return reject(r, kSZoneInvalidCmd, "zone management sector is not a zone start");
  }
  BlkZoneResult z = BlkZoneResult::InvalidCmd;
  switch (r.type) {
    case kTZoneOpen: z = zones_.open(i); break;
    case kTZoneClose: z = zones_.close(i); break;
    case kTZoneFinish: z = zones_.finish(i); break;
    default: z = zones_.reset(i); break;
  }
  if (z != BlkZoneResult::Ok) return reject(r, zoneStatus(z), std::string("zone operation: ") + blkZoneResultName(z));
  return kSOk;
}

uint8_t BlkDevice::doZoneAppend(Req& r) {
  using namespace blk;
  if (r.writeData != kAppendSectorBytes) {
    // drivernormative:Basic Facilities of a Virtio Device / Message Framing#1 (nearest): an append carries readable data and exactly the 8-byte append_sector before the status.
    report(r, clause::kFraming, "blk.append_layout", "ZONE_APPEND writable part is not append_sector + status",
           {{"writable_data", r.writeData}});
    return reject(r, kSIoErr, "ZONE_APPEND layout");
  }
  const uint64_t len = r.readData;
  if (len == 0) return reject(r, kSZoneInvalidCmd, "ZONE_APPEND without data");
  if (len > uint64_t{p_.maxAppendSectors} * kSector) {
    // drivernormative:Device Types / Block Device / Device Operation#24: no more than max_append_sectors of data.
    report(r, clause::kAppendMax, "blk.append_too_large", "ZONE_APPEND data exceeds max_append_sectors",
           {{"length", len}, {"max_append_sectors", p_.maxAppendSectors}});
    // devicenormative:Device Types / Block Device / Device Operation#30: UNSUPP when the device reports max_append_sectors 0 ...
    // devicenormative:Device Types / Block Device / Device Operation#31: ... else invalid command.
    return reject(r, p_.maxAppendSectors ? kSZoneInvalidCmd : kSUnsupp, "ZONE_APPEND larger than max_append_sectors");
  }
  if (len % p_.writeGranularity) {
    // drivernormative:Device Types / Block Device / Device Operation#23: append data is whole write_granularity units.
    report(r, clause::kAppendGranularity, "blk.append_granularity", "ZONE_APPEND data is not a multiple of write_granularity",
           {{"length", len}, {"write_granularity", p_.writeGranularity}});
    return reject(r, kSZoneInvalidCmd, "ZONE_APPEND size not a multiple of write_granularity");
  }
  if (!dataLimitsOk(r, false)) return kSIoErr;
  const size_t i = zones_.indexOf(r.sector);
  if (i >= zones_.count() || zones_.zone(i).start != r.sector) {
    // drivernormative:Device Types / Block Device / Device Operation#22: an append names the first sector of its zone.
    report(r, clause::kAppendSector, "blk.append_sector", "ZONE_APPEND sector is not a zone's first sector",
           {{"sector", r.sector}, {"zone_sectors", p_.zoneSectors}});
    // devicenormative:Device Types / Block Device / Device Operation#27: invalid command.
    return reject(r, kSZoneInvalidCmd, "ZONE_APPEND sector is not a zone start");
  }
  // devicenormative:Device Types / Block Device / Device Operation#3: an append is a write: IOERR on a read-only device.
  if (offered(kFRo)) return reject(r, kSIoErr, "ZONE_APPEND on a read-only device");
  if (r.unsafe) return reject(r, kSIoErr, "writable buffers overlap another buffer or a ring");
  const BlkZone& z = zones_.zone(i);
  // devicenormative:Device Types / Block Device / Device Operation#20: appends only go to sequential-write-required zones.
  if (z.type != BlkZoneType::SeqRequired) return reject(r, kSZoneInvalidCmd, "ZONE_APPEND to a zone that is not SWR");
  // devicenormative:Device Types / Block Device / Device Operation#35: no append to a read-only zone.
  // devicenormative:Device Types / Block Device / Device Operation#36: nothing at all to an offline zone.
  if (z.state == BlkZoneState::ReadOnly || z.state == BlkZoneState::Offline)
    return reject(r, kSZoneInvalidCmd, "ZONE_APPEND to a read-only or offline zone");
  const uint64_t at = z.state == BlkZoneState::Full ? z.start + z.cap : z.wp;
  if (at + len / kSector > z.start + z.cap) {
    // drivernormative:Device Types / Block Device / Device Operation#26: appended data fits in the zone's remaining capacity.
    report(r, clause::kSeqWriteRules, "blk.zone_capacity_exceeded", "ZONE_APPEND exceeds the zone's remaining capacity",
           {{"write_pointer", at}, {"sectors", len / kSector}, {"zone_end", z.start + z.cap}});
    // devicenormative:Device Types / Block Device / Device Operation#28: invalid command.
    return reject(r, kSZoneInvalidCmd, "ZONE_APPEND past the zone capacity");
  }
  const BlkZoneResult w = zones_.commitWrite(i, at, len / kSector);
  if (w != BlkZoneResult::Ok) return reject(r, zoneStatus(w), std::string("implicit open: ") + blkZoneResultName(w));
  if (const uint8_t st = writeFromChain(r, kHeaderBytes, at, len)) return st;
  // devicenormative:Device Types / Block Device / Device Operation#29: append_sector is the first sector the data went to.
  r.q.writeToChain(r.c, 0, &at, sizeof at);
  r.filled = sizeof at;
  stats_.bytesWritten += len;
  return kSOk;
}

uint8_t BlkDevice::zonedRangeCheck(Req& r, uint64_t sector, uint64_t sectors, bool write, size_t* zone) {
  using namespace blk;
  const size_t i = zones_.indexOf(sector);
  *zone = i;
  if (i >= zones_.count() || sectors == 0) return kSOk;
  const BlkZone& z = zones_.zone(i);
  const size_t last = zones_.indexOf(sector + sectors - 1);
  for (size_t k = i; k <= last && k < zones_.count(); ++k)
    // devicenormative:Device Types / Block Device / Device Operation#36: every request touching an offline zone is an invalid command.
    if (zones_.zone(k).state == BlkZoneState::Offline) return reject(r, kSZoneInvalidCmd, "request touches an offline zone");
  if (last != i) {
    bool seq = false;
    for (size_t k = i; k <= last && k < zones_.count(); ++k) seq = seq || zones_.zone(k).sequential();
    // devicenormative:Device Types / Block Device / Device Operation#32: a range reaching from a sequential zone into another zone is an invalid command.
    if (seq) return reject(r, kSZoneInvalidCmd, "range spans more than one zone");
  }
  if (!write || !z.sequential()) return kSOk;
  // devicenormative:Device Types / Block Device / Device Operation#35: no write to a read-only zone.
  if (z.state == BlkZoneState::ReadOnly) return reject(r, kSZoneInvalidCmd, "write to a read-only zone");
  const uint64_t g = p_.writeGranularity;
  if ((sector * kSector) % g || (sectors * kSector) % g) {
    // drivernormative:Device Types / Block Device / Device Operation#26: writes to sequential zones are aligned to write_granularity in offset and size.
    report(r, clause::kSeqWriteRules, "blk.zone_write_granularity", "write to a sequential zone not aligned to write_granularity",
           {{"sector", sector}, {"sectors", sectors}, {"write_granularity", g}});
  } else if (sector == z.wp && z.state != BlkZoneState::Full && sector + sectors > z.start + z.cap) {
    // drivernormative:Device Types / Block Device / Device Operation#26: a write at the write pointer fits in the zone's remaining capacity.
    report(r, clause::kSeqWriteRules, "blk.zone_capacity_exceeded", "write exceeds the zone's remaining capacity",
           {{"write_pointer", z.wp}, {"sectors", sectors}, {"zone_end", z.start + z.cap}});
  }
  const BlkZoneResult c = zones_.checkWrite(i, sector, sectors, p_.writeGranularity);
  if (c != BlkZoneResult::Ok) return reject(r, zoneStatus(c), std::string("zoned write: ") + blkZoneResultName(c));
  const BlkZoneResult w = zones_.commitWrite(i, sector, sectors);
  if (w != BlkZoneResult::Ok) return reject(r, zoneStatus(w), std::string("implicit open: ") + blkZoneResultName(w));
  return kSOk;
}

uint8_t BlkDevice::zonedSegmentsCheck(Req& r, uint64_t sector, uint64_t sectors) {
  using namespace blk;
  const size_t i = zones_.indexOf(sector);
  if (i >= zones_.count() || sectors == 0) return kSOk;
  const size_t last = zones_.indexOf(sector + sectors - 1);
  if (r.type == kTSecureErase) {
    // devicenormative:Device Types / Block Device / Device Operation#40: secure erase covers whole zones (start and size multiples of zone_sectors).
    const bool whole = zones_.zone(i).start == sector &&
                       (sectors % p_.zoneSectors == 0 || sector + sectors == capacity_);
    if (!whole) return reject(r, kSZoneInvalidCmd, "SECURE_ERASE range is not whole zones");
    for (size_t k = i; k <= last && k < zones_.count(); ++k) {
      const BlkZoneState s = zones_.zone(k).state;
      if (s == BlkZoneState::ReadOnly || s == BlkZoneState::Offline)
        return reject(r, kSZoneInvalidCmd, "SECURE_ERASE of a read-only or offline zone");
    }
    return kSOk;
  }
  for (size_t k = i; k <= last && k < zones_.count(); ++k)
    if (zones_.zone(k).sequential())  // would move data behind the write pointer's back
      return reject(r, kSZoneInvalidCmd, "DISCARD / WRITE_ZEROES on a sequential zone");
  return kSOk;
}

void BlkDevice::zonedAfterErase(uint64_t sector, uint64_t sectors) {
  // devicenormative:Device Types / Block Device / Device Operation#41: the erased zones end up as after ZONE_RESET (empty, write pointer at the start).
  for (size_t k = zones_.indexOf(sector); k < zones_.count() && zones_.zone(k).start < sector + sectors; ++k)
    if (zones_.zone(k).sequential()) zones_.reset(k);
}

void BlkDevice::maskUnwritten(uint64_t sector, uint8_t* buf, uint64_t n) const {
  // devicenormative:Device Types / Block Device / Device Operation#37: sectors past a zone's written part are unwritten data ...
  // devicenormative:Device Types / Block Device / Device Operation#38: ... and read back as the fill pattern (zeroes).
  for (uint64_t s = sector; s < sector + n;) {
    const size_t i = zones_.indexOf(s);
    if (i >= zones_.count()) break;
    const BlkZone& z = zones_.zone(i);
    const uint64_t stop = std::min(sector + n, z.end());
    if (z.sequential()) {
      const uint64_t from = std::max(s, z.start + z.written);
      if (from < stop) std::memset(buf + (from - sector) * blk::kSector, 0, (stop - from) * blk::kSector);
    }
    s = stop;
  }
}

}  // namespace vsim::model

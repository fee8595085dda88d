// BlkDriver requests: one synchronous request at a time per queue through that queue's DMA slot.
#include <algorithm>
#include <cstring>

#include "blk_clauses.h"
#include "vsim/abi/features.h"
#include "vsim/drv/blk_driver.h"

namespace vsim::drv {

uint16_t BlkDriver::pick(int queue) {
  if (queue >= 0) return static_cast<uint16_t>(queue % static_cast<int>(slots_.size()));
  const uint16_t q = next_;
  next_ = static_cast<uint16_t>((next_ + 1) % slots_.size());
  return q;
}

uint64_t BlkDriver::allocDma(uint64_t bytes, uint64_t align) { return dev_->hal().dmaAllocator().alloc(bytes, align); }

bool BlkDriver::waitUsed(uint16_t q, uint64_t timeoutNs, uint32_t* len) {
  DriverQueue& dq = dev_->queue(q);
  Deadline dl(dev_->hal(), timeoutNs);
  for (;;) {
    uint64_t cookie = 0;
    if (dq.getUsed(&cookie, len)) return true;  // acquire inside: the device's writes are visible after this
    if (dq.broken() || !dev_->live()) return false;
    if (dl.expired()) {
      dev_->checkStatus();  // a device that stopped may have set DEVICE_NEEDS_RESET
      return dq.getUsed(&cookie, len);
    }
    if (dev_->hal().waitForInterrupt(std::min<uint64_t>(dl.remainingNs(), 1'000'000))) dev_->poll();
  }
}

bool BlkDriver::submitRaw(uint16_t q, const Buf* bufs, size_t n, uint32_t* usedLen, uint64_t timeoutNs) {
  if (!ok() || q >= dev_->numQueues()) return false;
  if (q < slots_.size() && slots_[q].outstanding) return false;
  if (dev_->queue(q).add(bufs, n, /*cookie=*/0xb1c) < 0) return false;
  dev_->kick(q);
  uint32_t len = 0;
  if (!waitUsed(q, timeoutNs, &len)) return false;
  if (usedLen) *usedLen = len;
  return true;
}

BlkStatus BlkDriver::transact(uint16_t q, uint32_t type, uint64_t sector, uint64_t dataAddr, uint32_t dataBytes,
                              bool dataWritable, uint32_t* usedLen) {
  // An interrupt still pending may announce DEVICE_NEEDS_RESET: take it before handing the device more work.
  if (dev_) dev_->poll();
  if (!ok()) return BlkStatus::NotLive;
  Slot& s = slots_[q];
  DriverQueue& dq = dev_->queue(q);
  if (s.outstanding) {  // an earlier request timed out: its buffers are still the device's
    if (dq.getUsed(nullptr, nullptr) || dq.inFlight() == 0) s.outstanding = false;
    else return BlkStatus::Busy;
  }
  GuestMemory& mem = dev_->hal().dmaMemory();
  uint8_t hdr[blk::kHeaderBytes] = {};
  std::memcpy(hdr, &type, 4);  // le32 type, le32 reserved = 0, le64 sector (little-endian guest)
  std::memcpy(hdr + 8, &sector, 8);
  if (!mem.write(s.hdr, hdr, sizeof hdr) || !mem.store(s.status, uint8_t{0xff})) return BlkStatus::NotLive;
  // header (readable), data (readable for writes, writable for reads), status (writable): readable parts first.
  std::vector<Buf> bufs;
  bufs.reserve(maxSegs_ + 2);
  uint64_t statusAddr = s.status;
  const bool staged = twoDescriptors_ && dataBytes > 0;
  if (staged && !dataWritable) {  // [header + data] [status]
    std::vector<uint8_t> tmp(dataBytes);
    if (!mem.write(s.stage, hdr, sizeof hdr) || !mem.read(dataAddr, tmp.data(), dataBytes) ||
        !mem.write(s.stage + blk::kHeaderBytes, tmp.data(), dataBytes))
      return BlkStatus::NotLive;
    bufs.push_back({s.stage, blk::kHeaderBytes + dataBytes, false});
    bufs.push_back({s.status, 1, true});
  } else if (staged) {  // [header] [data + status]
    statusAddr = s.stage + dataBytes;
    if (!mem.store(statusAddr, uint8_t{0xff})) return BlkStatus::NotLive;
    bufs.push_back({s.hdr, blk::kHeaderBytes, false});
    bufs.push_back({s.stage, dataBytes + 1, true});
  } else {
    bufs.push_back({s.hdr, blk::kHeaderBytes, false});
    for (uint32_t off = 0; off < dataBytes; off += segBytes_)
      bufs.push_back({dataAddr + off, std::min(segBytes_, dataBytes - off), dataWritable});
    bufs.push_back({s.status, 1, true});
  }
  const bool indirect = bo_.useIndirect && bufs.size() > 2 && feat::has(dq.features(), feat::kIndirectDesc) &&
                        bufs.size() <= dq.options().maxIndirectLen;
  uint32_t len = 0;
  if (const BlkStatus sub = submitAndWait(q, bufs.data(), bufs.size(), indirect, &len); sub != BlkStatus::Ok) return sub;
  if (usedLen) *usedLen = len;
  uint8_t st = 0xff;
  mem.load(statusAddr, &st);
  if (staged && dataWritable) {  // hand the data over where the caller expects it
    std::vector<uint8_t> tmp(dataBytes);
    if (!mem.read(s.stage, tmp.data(), dataBytes) || !mem.write(dataAddr, tmp.data(), dataBytes)) return BlkStatus::NotLive;
  }
  // drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Used Ring#1: nothing past the used length is trusted (modern); a legacy driver ignores the used length (legacy block interface).
  const uint64_t writable = (dataWritable ? uint64_t{dataBytes} : 0) + 1;
  const BlkStatus r = !dev_->legacy() && len < writable ? BlkStatus::NoStatus : statusOf(st);
  if (r != BlkStatus::Ok) ++stats_.errors;
  return r;
}

BlkStatus BlkDriver::submitAndWait(uint16_t q, const Buf* bufs, size_t n, bool indirect, uint32_t* len) {
  DriverQueue& dq = dev_->queue(q);
  const int head = dq.add(bufs, n, /*cookie=*/q + 1, indirect);
  if (head == kAddBroken) return BlkStatus::NotLive;
  if (head < 0) return BlkStatus::Rejected;
  Slot& s = slots_[q];
  s.outstanding = true;
  ++stats_.requests;
  dev_->kick(q);
  if (!waitUsed(q, bo_.timeoutNs, len)) {
    ++stats_.errors;
    return dev_->live() && !dq.broken() ? BlkStatus::Timeout : BlkStatus::NotLive;
  }
  s.outstanding = false;
  return BlkStatus::Ok;
}

BlkStatus BlkDriver::statusOf(uint8_t st) const {
  switch (st) {
    case blk::kSOk: return BlkStatus::Ok;
    case blk::kSIoErr: return BlkStatus::IoErr;
    case blk::kSUnsupp: return BlkStatus::Unsupp;
    default: break;
  }
  if (!has(blk::kFZoned)) return BlkStatus::BadStatus;  // the zoned values are only defined with ZONED
  switch (st) {
    case blk::kSZoneInvalidCmd: return BlkStatus::ZoneInvalidCmd;
    case blk::kSZoneUnalignedWp: return BlkStatus::ZoneUnalignedWp;
    case blk::kSZoneOpenResource: return BlkStatus::ZoneOpenResource;
    case blk::kSZoneActiveResource: return BlkStatus::ZoneActiveResource;
    default: return BlkStatus::BadStatus;
  }
}

BlkStatus BlkDriver::rw(bool isWrite, uint64_t sector, uint8_t* buf, size_t bytes, int queue) {
  if (!ok()) return BlkStatus::NotLive;
  // drivernormative:Device Types / Block Device / Device Operation#6: data in whole 512-byte sectors.
  if (bytes % blk::kSector) return BlkStatus::Rejected;
  // drivernormative:Device Types / Block Device / Device Operation#2: nothing past capacity is submitted.
  if (sector > cfg_.capacity || bytes / blk::kSector > cfg_.capacity - sector) return BlkStatus::Rejected;
  const bool roOffered = (dev_->offeredFeatures() >> blk::kFRo) & 1u;
  if (isWrite && roOffered && !bo_.writeReadOnly) return BlkStatus::Rejected;
  const uint64_t gran = zoned() && cfg_.writeGranularity ? cfg_.writeGranularity : blk::kSector;
  // drivernormative:Device Types / Block Device / Device Operation#26: writes to a zoned device are whole write_granularity units at aligned offsets (the caller keeps them at the write pointer and within the zone).
  if (isWrite && zoned() && ((sector * blk::kSector) % gran || bytes % gran)) return BlkStatus::Rejected;
  const uint16_t q = pick(queue);
  GuestMemory& mem = dev_->hal().dmaMemory();
  for (size_t done = 0; done < bytes;) {
    uint32_t n = static_cast<uint32_t>(std::min<size_t>(maxReq_, bytes - done));
    if (zoned()) {  // one request never spans two zones (a sequential zone refuses that)
      const uint64_t at = sector + done / blk::kSector, zs = cfg_.zoneSectors;
      n = static_cast<uint32_t>(std::min<uint64_t>(n, (zs - at % zs) * blk::kSector));
      if (isWrite && n % gran) n = static_cast<uint32_t>(n / gran * gran);
      if (n == 0) return BlkStatus::Rejected;
    }
    if (isWrite && !mem.write(slots_[q].data, buf + done, n)) return BlkStatus::NotLive;
    const BlkStatus st = transact(q, isWrite ? blk::kTOut : blk::kTIn, sector + done / blk::kSector, slots_[q].data, n,
                                  !isWrite);
    // devicenormative:Device Types / Block Device / Device Operation#3: a device offering RO fails every write.
    if (isWrite && roOffered && st == BlkStatus::Ok)
      deviceViolation(blk::clause::kReadOnlyWrite, "blk.read_only_write_ok", "a write to a read-only device completed OK",
                      {{"sector", sector + done / blk::kSector}, {"bytes", n}});
    if (st != BlkStatus::Ok) return st;
    if (!isWrite && !mem.read(slots_[q].data, buf + done, n)) return BlkStatus::NotLive;
    done += n;
  }
  (isWrite ? stats_.bytesWritten : stats_.bytesRead) += bytes;
  return BlkStatus::Ok;
}

BlkStatus BlkDriver::read(uint64_t sector, void* buf, size_t bytes, int queue) {
  return rw(false, sector, static_cast<uint8_t*>(buf), bytes, queue);
}

BlkStatus BlkDriver::write(uint64_t sector, const void* buf, size_t bytes, int queue) {
  return rw(true, sector, static_cast<uint8_t*>(const_cast<void*>(buf)), bytes, queue);
}

BlkStatus BlkDriver::flush(int queue) {
  if (!ok()) return BlkStatus::NotLive;
  if (!has(blk::kFFlush)) return (dev_->offeredFeatures() >> blk::kFFlush) & 1u ? BlkStatus::Ok : BlkStatus::Unsupp;
  // drivernormative:Device Types / Block Device / Device Operation#4: sector 0.
  // drivernormative:Device Types / Block Device / Device Operation#5: no data.
  const BlkStatus st = transact(pick(queue), blk::kTFlush, 0, 0, 0, false);
  if (st == BlkStatus::Ok) ++stats_.flushes;
  return st;
}

BlkStatus BlkDriver::getId(std::string* id, int queue) {
  if (!ok()) return BlkStatus::NotLive;
  const uint16_t q = pick(queue);
  // drivernormative:Device Types / Block Device / Device Operation#8: exactly 20 bytes of data.
  const BlkStatus st = transact(q, blk::kTGetId, 0, slots_[q].data, blk::kIdBytes, true);
  if (st != BlkStatus::Ok) return st;
  char raw[blk::kIdBytes] = {};
  dev_->hal().dmaMemory().read(slots_[q].data, raw, sizeof raw);
  if (id) *id = std::string(raw, strnlen(raw, sizeof raw));
  return st;
}

BlkStatus BlkDriver::getLifetime(BlkLifetime* out, int queue) {
  if (!ok()) return BlkStatus::NotLive;
  if (!has(blk::kFLifetime)) return BlkStatus::Rejected;
  const uint16_t q = pick(queue);
  const BlkStatus st = transact(q, blk::kTGetLifetime, 0, slots_[q].data, blk::kLifetimeBytes, true);
  if (st != BlkStatus::Ok) return st;
  uint16_t v[3] = {};
  dev_->hal().dmaMemory().read(slots_[q].data, v, sizeof v);
  // devicenormative:Device Types / Block Device / Device Operation#17: no reserved values.
  if (v[0] > blk::kPreEolMax || v[1] > blk::kLifetimeEstMax || v[2] > blk::kLifetimeEstMax)
    deviceViolation(blk::clause::kLifetimeReserved, "blk.lifetime_reserved_value", "GET_LIFETIME returned a reserved value",
                    {{"pre_eol_info", v[0]}, {"lifetime_a", v[1]}, {"lifetime_b", v[2]}});
  if (out) *out = BlkLifetime{v[0], v[1], v[2]};
  return st;
}

BlkStatus BlkDriver::segments(uint32_t type, const std::vector<BlkRange>& ranges, int queue) {
  if (!ok()) return BlkStatus::NotLive;
  const bool discard = type == blk::kTDiscard, zeroes = type == blk::kTWriteZeroes;
  const unsigned bit = discard ? blk::kFDiscard : zeroes ? blk::kFWriteZeroes : blk::kFSecureErase;
  if (!has(bit)) return BlkStatus::Rejected;
  if (((dev_->offeredFeatures() >> blk::kFRo) & 1u) && !bo_.writeReadOnly) return BlkStatus::Rejected;
  uint32_t maxSeg = discard ? cfg_.maxDiscardSeg : zeroes ? cfg_.maxWriteZeroesSeg : cfg_.maxSecureEraseSeg;
  uint32_t maxSectors = discard ? cfg_.maxDiscardSectors : zeroes ? cfg_.maxWriteZeroesSectors : cfg_.maxSecureEraseSectors;
  const uint16_t q = pick(queue);
  // drivernormative:Device Types / Block Device / Device Operation#9: no more than max_discard_seg segments (and #10, #11 for the other two).
  maxSeg = std::max<uint32_t>(1, std::min(maxSeg ? maxSeg : 1, slots_[q].segCap));
  if (maxSectors == 0) maxSectors = UINT32_MAX;
  struct Seg {
    uint64_t sector;
    uint32_t num, flags;
  };
  std::vector<Seg> segs;
  for (const BlkRange& r : ranges) {
    // drivernormative:Device Types / Block Device / Device Operation#2: every range within capacity.
    if (r.sector > cfg_.capacity || r.sectors > cfg_.capacity - r.sector) return BlkStatus::Rejected;
    // drivernormative:Device Types / Block Device / Device Operation#14: unmap stays 0 for DISCARD.
    if (r.unmap && !zeroes) return BlkStatus::Rejected;
    for (uint64_t s = r.sector, left = r.sectors; left;) {
      const uint32_t n = static_cast<uint32_t>(std::min<uint64_t>(left, maxSectors));
      segs.push_back({s, n, r.unmap ? blk::kSegFlagUnmap : 0u});
      s += n, left -= n;
    }
  }
  GuestMemory& mem = dev_->hal().dmaMemory();
  for (size_t i = 0; i < segs.size(); i += maxSeg) {
    const size_t n = std::min<size_t>(maxSeg, segs.size() - i);
    for (size_t k = 0; k < n; ++k) {
      uint8_t raw[blk::kSegmentBytes];
      std::memcpy(raw, &segs[i + k].sector, 8);
      std::memcpy(raw + 8, &segs[i + k].num, 4);
      std::memcpy(raw + 12, &segs[i + k].flags, 4);
      mem.write(slots_[q].segs + k * blk::kSegmentBytes, raw, sizeof raw);
    }
    // drivernormative:Device Types / Block Device / Device Operation#7: whole 16-byte segments.
    const BlkStatus st = transact(q, type, 0, slots_[q].segs, static_cast<uint32_t>(n * blk::kSegmentBytes), false);
    if (st != BlkStatus::Ok) return st;
  }
  return BlkStatus::Ok;
}

BlkStatus BlkDriver::discard(const std::vector<BlkRange>& ranges, int queue) { return segments(blk::kTDiscard, ranges, queue); }
BlkStatus BlkDriver::writeZeroes(const std::vector<BlkRange>& ranges, int queue) {
  return segments(blk::kTWriteZeroes, ranges, queue);
}
BlkStatus BlkDriver::secureErase(const std::vector<BlkRange>& ranges, int queue) {
  return segments(blk::kTSecureErase, ranges, queue);
}

}  // namespace vsim::drv

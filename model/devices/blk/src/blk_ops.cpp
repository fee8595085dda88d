// BlkDevice operations: each validates its request completely (reporting driver violations) before it touches the
// store, the cache or guest memory, and returns the status byte.
#include <algorithm>
#include <cstring>
#include <vector>

#include "blk_clauses.h"
#include "blk_request.h"

namespace vsim::model {
namespace {
constexpr uint64_t kChunk = 64 * 1024;  // bytes moved per step (bounded host buffers whatever the request size)
}  // namespace

bool BlkDevice::dataLimitsOk(Req& r, bool writableData) {
  // The data part is [16, 16+readData) of the readable bytes or [0, writeData) of the writable bytes.
  const uint64_t begin = writableData ? 0 : blk::kHeaderBytes;
  const uint64_t end = begin + (writableData ? r.writeData : r.readData);
  uint64_t pos = 0, segs = 0, longest = 0;
  for (const auto& s : r.c.segs) {
    if (s.writable != writableData) continue;
    const uint64_t a = std::max(pos, begin), b = std::min(pos + s.len, end);
    if (a < b) ++segs, longest = std::max(longest, b - a);
    pos += s.len;
  }
  if (offered(blk::kFSegMax) && segs > p_.segMax) {
    // drivernormative:Basic Facilities of a Virtio Device / Message Framing#2 (nearest): more data segments than the seg_max the device advertises.
    report(r, blk::clause::kExcessiveDescriptors, "blk.too_many_segments", "request has more data segments than seg_max",
           {{"segments", segs}, {"seg_max", p_.segMax}});
    reject(r, blk::kSIoErr, "more data segments than seg_max");
    return false;
  }
  if (offered(blk::kFSizeMax) && longest > p_.sizeMax) {
    reject(r, blk::kSIoErr, "a data segment is longer than size_max");  // an advertised limit, no driver statement
    return false;
  }
  return true;
}

uint8_t BlkDevice::doRead(Req& r) {
  if (r.readData) {
    // drivernormative:Basic Facilities of a Virtio Device / Message Framing#1 (nearest): the data of a read is device-writable; readable bytes after the header have no place in it.
    report(r, blk::clause::kFraming, "blk.data_wrong_direction", "read request carries device-readable data",
           {{"readable_data", r.readData}});
    return reject(r, blk::kSIoErr, "read request with readable data");
  }
  const uint64_t len = r.writeData;
  if (len % blk::kSector) {
    // drivernormative:Device Types / Block Device / Device Operation#6: read data is a multiple of 512 bytes.
    report(r, blk::clause::kSectorMultiple, "blk.data_not_sector_multiple", "read data length is not a multiple of 512",
           {{"length", len}});
    return reject(r, blk::kSIoErr, "data length not a multiple of 512");
  }
  if (!dataLimitsOk(r, true)) return blk::kSIoErr;
  if (!inCapacity(r.sector, len / blk::kSector)) {
    // drivernormative:Device Types / Block Device / Device Operation#2: no read past capacity.
    report(r, blk::clause::kBeyondCapacity, "blk.beyond_capacity", "read past the capacity",
           {{"sector", r.sector}, {"sectors", len / blk::kSector}, {"capacity", capacity_}});
    return reject(r, blk::kSIoErr, "read past the capacity");
  }
  if (r.unsafe) return reject(r, blk::kSIoErr, "writable buffers overlap another buffer or a ring");
  if (zonedActive()) {
    size_t zone = 0;
    if (const uint8_t st = zonedRangeCheck(r, r.sector, len / blk::kSector, false, &zone)) return st;
  }
  std::vector<uint8_t> buf(std::min(len, kChunk));
  for (uint64_t off = 0; off < len;) {
    const uint64_t n = std::min<uint64_t>(buf.size(), len - off);
    const uint64_t first = r.sector + off / blk::kSector;
    if (!storeRead(first * blk::kSector, buf.data(), n)) return reject(r, blk::kSIoErr, "backing store read failed");
    cache_.overlay(first, buf.data(), n / blk::kSector);
    if (zonedActive()) maskUnwritten(first, buf.data(), n / blk::kSector);
    r.q.writeToChain(r.c, off, buf.data(), n);
    off += n;
    r.filled = off;
  }
  stats_.bytesRead += len;
  return blk::kSOk;
}

uint8_t BlkDevice::doWrite(Req& r) {
  if (r.writeData) {
    // drivernormative:Basic Facilities of a Virtio Device / Message Framing#1 (nearest): the data of a write is device-readable; only the status byte is writable.
    report(r, blk::clause::kFraming, "blk.data_wrong_direction", "write request carries device-writable bytes besides the status",
           {{"writable_data", r.writeData}});
    return reject(r, blk::kSIoErr, "write request with writable data");
  }
  const uint64_t len = r.readData;
  if (len % blk::kSector) {
    // drivernormative:Device Types / Block Device / Device Operation#6: write data is a multiple of 512 bytes.
    report(r, blk::clause::kSectorMultiple, "blk.data_not_sector_multiple", "write data length is not a multiple of 512",
           {{"length", len}});
    return reject(r, blk::kSIoErr, "data length not a multiple of 512");
  }
  if (!dataLimitsOk(r, false)) return blk::kSIoErr;
  if (!inCapacity(r.sector, len / blk::kSector)) {
    // drivernormative:Device Types / Block Device / Device Operation#2: no write past capacity.
    report(r, blk::clause::kBeyondCapacity, "blk.beyond_capacity", "write past the capacity",
           {{"sector", r.sector}, {"sectors", len / blk::kSector}, {"capacity", capacity_}});
    return reject(r, blk::kSIoErr, "write past the capacity");
  }
  // devicenormative:Device Types / Block Device / Device Operation#3: a write to a device offering RO fails with IOERR.
  // devicenormative:Device Types / Block Device / Device Operation#4: ... and writes no data.
  if (offered(blk::kFRo)) return reject(r, blk::kSIoErr, "write to a read-only device");
  if (r.unsafe) return reject(r, blk::kSIoErr, "the status byte overlaps another buffer or a ring");
  if (zonedActive()) {
    size_t zone = 0;
    if (const uint8_t st = zonedRangeCheck(r, r.sector, len / blk::kSector, true, &zone)) return st;
  }
  if (const uint8_t st = writeFromChain(r, blk::kHeaderBytes, r.sector, len)) return st;
  stats_.bytesWritten += len;
  return blk::kSOk;
}

uint8_t BlkDevice::writeFromChain(Req& r, uint64_t from, uint64_t sector, uint64_t len) {
  const bool cached = caching();
  std::vector<uint8_t> buf(std::min(len, kChunk));
  for (uint64_t off = 0; off < len;) {
    const uint64_t n = std::min<uint64_t>(buf.size(), len - off);
    const uint64_t first = sector + off / blk::kSector;
    if (r.q.readFromChain(r.c, from + off, buf.data(), n) != n)
      return reject(r, blk::kSIoErr, "write data could not be read");
    if (cached) {
      cache_.put(first, buf.data(), n / blk::kSector);
    } else {
      // devicenormative:Device Types / Block Device / Device Operation#13: writethrough: the data is in the store before the completion is reported.
      if (!storeWrite(first * blk::kSector, buf.data(), n, BlkStoreCause::WriteThrough))
        return reject(r, blk::kSIoErr, "backing store write failed");
      cache_.drop(first, n / blk::kSector);  // older dirty data of these sectors must not be written back later
    }
    off += n;
  }
  if (!cached && p_.sync && !store_->sync()) return reject(r, blk::kSIoErr, "backing store sync failed");
  if (cached && p_.cacheLimit && cache_.dirtyBytes() > p_.cacheLimit && !writeBackCache())
    return reject(r, blk::kSIoErr, "cache write-back failed");
  return 0;
}

uint8_t BlkDevice::doFlush(Req& r) {
  if (r.sector != 0) {
    // drivernormative:Device Types / Block Device / Device Operation#4: FLUSH carries sector 0 (not flushed).
    report(r, blk::clause::kFlushSector, "blk.flush_sector_nonzero", "FLUSH request with a non-zero sector",
           {{"sector", r.sector}});
    return reject(r, blk::kSIoErr, "FLUSH with a non-zero sector");
  }
  if (r.readData || r.writeData) {
    // drivernormative:Device Types / Block Device / Device Operation#5: FLUSH carries no data (SHOULD NOT; the flush is still done).
    report(r, blk::clause::kFlushData, "blk.flush_with_data", "FLUSH request carries data",
           {{"readable_data", r.readData}, {"writable_data", r.writeData}});
  }
  if (r.unsafe) return reject(r, blk::kSIoErr, "writable buffers overlap another buffer or a ring");
  // devicenormative:Device Types / Block Device / Device Operation#13: every completed write is in the store before the FLUSH completes.
  if (!writeBackCache() || (p_.sync && !store_->sync())) return reject(r, blk::kSIoErr, "cache write-back failed");
  ++flushes_;
  return blk::kSOk;
}

uint8_t BlkDevice::doGetId(Req& r) {
  if (r.readData) {
    // drivernormative:Basic Facilities of a Virtio Device / Message Framing#1 (nearest): the ID string is device-writable data.
    report(r, blk::clause::kFraming, "blk.data_wrong_direction", "GET_ID request carries device-readable data",
           {{"readable_data", r.readData}});
    return reject(r, blk::kSIoErr, "GET_ID with readable data");
  }
  if (r.writeData != blk::kIdBytes) {
    // drivernormative:Device Types / Block Device / Device Operation#8: GET_ID data is exactly 20 bytes.
    report(r, blk::clause::kGetIdLength, "blk.get_id_length", "GET_ID data is not 20 bytes", {{"length", r.writeData}});
    return reject(r, blk::kSIoErr, "GET_ID data not 20 bytes");
  }
  if (r.unsafe) return reject(r, blk::kSIoErr, "writable buffers overlap another buffer or a ring");
  uint8_t id[blk::kIdBytes] = {};  // NUL-padded; a 20-byte serial has no terminator
  std::memcpy(id, p_.serial.data(), std::min<size_t>(p_.serial.size(), sizeof id));
  r.q.writeToChain(r.c, 0, id, sizeof id);
  r.filled = sizeof id;
  return blk::kSOk;
}

uint8_t BlkDevice::doGetLifetime(Req& r) {
  if (r.readData) {
    // drivernormative:Basic Facilities of a Virtio Device / Message Framing#1 (nearest): the lifetime report is device-writable data.
    report(r, blk::clause::kFraming, "blk.data_wrong_direction", "GET_LIFETIME request carries device-readable data",
           {{"readable_data", r.readData}});
    return reject(r, blk::kSIoErr, "GET_LIFETIME with readable data");
  }
  if (r.writeData < blk::kLifetimeBytes) return reject(r, blk::kSIoErr, "GET_LIFETIME data shorter than 6 bytes");
  if (r.unsafe) return reject(r, blk::kSIoErr, "writable buffers overlap another buffer or a ring");
  // devicenormative:Device Types / Block Device / Device Operation#17: the values are within the defined ranges (validateBlkParams).
  const uint16_t v[3] = {p_.preEolInfo, p_.lifetimeA, p_.lifetimeB};
  r.q.writeToChain(r.c, 0, v, sizeof v);
  r.filled = sizeof v;
  return blk::kSOk;
}

uint8_t BlkDevice::doSegments(Req& r) {
  using namespace blk;
  const bool discard = r.type == kTDiscard, zeroes = r.type == kTWriteZeroes;
  const char* what = discard ? "DISCARD" : zeroes ? "WRITE_ZEROES" : "SECURE_ERASE";
  const uint32_t maxSeg = discard ? p_.maxDiscardSeg : zeroes ? p_.maxWriteZeroesSeg : p_.maxSecureEraseSeg;
  const uint32_t maxSectors = discard ? p_.maxDiscardSectors : zeroes ? p_.maxWriteZeroesSectors : p_.maxSecureEraseSectors;
  if (r.writeData) {
    // drivernormative:Basic Facilities of a Virtio Device / Message Framing#1 (nearest): the segments are device-readable; only the status byte is writable.
    report(r, clause::kFraming, "blk.data_wrong_direction", std::string(what) + " request carries device-writable bytes besides the status",
           {{"writable_data", r.writeData}});
    return reject(r, kSIoErr, std::string(what) + " with writable data");
  }
  if (r.readData % kSegmentBytes) {
    // drivernormative:Device Types / Block Device / Device Operation#7: the data is whole 16-byte segments.
    report(r, clause::kSegmentMultiple, "blk.data_not_segment_multiple",
           std::string(what) + " data length is not a multiple of 16", {{"length", r.readData}});
    return reject(r, kSIoErr, "data length not a multiple of 16");
  }
  const uint64_t n = r.readData / kSegmentBytes;
  if (n == 0) return reject(r, kSIoErr, std::string(what) + " without segments");
  if (n > maxSeg) {
    // drivernormative:Device Types / Block Device / Device Operation#9: at most max_discard_seg segments (DISCARD).
    // drivernormative:Device Types / Block Device / Device Operation#10: at most max_secure_erase_seg segments (SECURE_ERASE).
    // drivernormative:Device Types / Block Device / Device Operation#11: at most max_write_zeroes_seg segments (WRITE_ZEROES).
    const char* cl = discard ? clause::kDiscardSegMax : zeroes ? clause::kWriteZeroesSegMax : clause::kSecureEraseSegMax;
    report(r, cl, "blk.too_many_segments", std::string(what) + " request has more segments than the device allows",
           {{"segments", n}, {"max", maxSeg}});
    return reject(r, kSIoErr, "too many segments");
  }
  struct Seg {
    uint64_t sector;
    uint32_t num, flags;
  };
  std::vector<Seg> segs(n);
  std::vector<uint8_t> raw(n * kSegmentBytes);
  if (r.q.readFromChain(r.c, kHeaderBytes, raw.data(), raw.size()) != raw.size())
    return reject(r, kSIoErr, "segments could not be read");
  for (uint64_t i = 0; i < n; ++i) {
    std::memcpy(&segs[i].sector, &raw[i * kSegmentBytes], 8);
    std::memcpy(&segs[i].num, &raw[i * kSegmentBytes + 8], 4);
    std::memcpy(&segs[i].flags, &raw[i * kSegmentBytes + 12], 4);
  }
  // UNSUPP first: a request with an unsupported flag is not executed at all, whatever else it holds.
  for (uint64_t i = 0; i < n; ++i) {
    // devicenormative:Device Types / Block Device / Device Operation#5: an unknown flag makes the request UNSUPP.
    if (segs[i].flags & ~kSegFlagsKnown) return reject(r, kSUnsupp, "segment with an unknown flag");
    if (discard && (segs[i].flags & kSegFlagUnmap)) {
      // drivernormative:Device Types / Block Device / Device Operation#14: unmap is zero in DISCARD segments.
      report(r, clause::kDiscardUnmap, "blk.discard_unmap", "DISCARD segment with the unmap flag",
             {{"segment", i}, {"flags", segs[i].flags}});
      // devicenormative:Device Types / Block Device / Device Operation#6: and the device answers UNSUPP.
      return reject(r, kSUnsupp, "DISCARD segment with unmap");
    }
  }
  for (uint64_t i = 0; i < n; ++i) {
    if (!inCapacity(segs[i].sector, segs[i].num)) {
      // drivernormative:Device Types / Block Device / Device Operation#2 (nearest for DISCARD): no range past capacity.
      report(r, clause::kBeyondCapacity, "blk.beyond_capacity", std::string(what) + " segment past the capacity",
             {{"segment", i}, {"sector", segs[i].sector}, {"sectors", segs[i].num}, {"capacity", capacity_}});
      return reject(r, kSIoErr, "segment past the capacity");
    }
    if (segs[i].num > maxSectors) return reject(r, kSIoErr, "segment longer than the advertised sector limit");
  }
  // devicenormative:Device Types / Block Device / Device Operation#3: these are writes too: IOERR on a read-only device, nothing changed (#4).
  if (offered(kFRo)) return reject(r, kSIoErr, std::string(what) + " on a read-only device");
  if (zonedActive())
    for (const Seg& s : segs)
      if (const uint8_t st = zonedSegmentsCheck(r, s.sector, s.num)) return st;
  if (r.unsafe) return reject(r, kSIoErr, "the status byte overlaps another buffer or a ring");
  for (const Seg& s : segs) {
    const uint64_t off = s.sector * kSector, len = uint64_t{s.num} * kSector;
    bool ok = true;
    if (discard) {
      // devicenormative:Device Types / Block Device / Device Operation#7: DISCARD may deallocate (with `unmap` on; else the data stays).
      if (p_.unmap) ok = storeZero(off, len, true);
    } else if (zeroes) {
      // devicenormative:Device Types / Block Device / Device Operation#8: with unmap the range may be deallocated ...
      // devicenormative:Device Types / Block Device / Device Operation#9: ... and in every case it reads back as zeroes.
      ok = storeZero(off, len, p_.unmap && (s.flags & kSegFlagUnmap));
    } else {
      ok = storeZero(off, len, false);  // secure erase: overwrite, never just deallocate
    }
    // Store errors mid-way: the spec leaves the segments' state open after IOERR.
    if (!ok) return reject(r, kSIoErr, "backing store write failed");
    if (!discard && !zeroes && zonedActive()) zonedAfterErase(s.sector, s.num);
  }
  if (p_.sync && !store_->sync()) return reject(r, kSIoErr, "backing store sync failed");
  return kSOk;
}

}  // namespace vsim::model

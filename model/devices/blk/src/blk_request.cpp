// BlkDevice request handling: framing (header, status byte), the overlap safety check, dispatch by type and the
// completion (zero-fill, status byte, used length).
#include <algorithm>
#include <cstring>
#include <vector>

#include "blk_clauses.h"
#include "blk_request.h"

namespace vsim::model {

void BlkDevice::report(Req& r, const char* clause, const char* kind, std::string msg, std::vector<Evidence> ev) {
  ev.insert(ev.begin(), {{"queue", r.queue}, {"head", r.c.id}, {"type", r.type}});
  r.core.violate(clause, kind, std::move(msg), std::move(ev));
}

uint8_t BlkDevice::reject(Req& r, uint8_t status, std::string why) {
  lastError_ = "queue " + std::to_string(r.queue) + " head " + std::to_string(r.c.id) + " type " +
               std::to_string(r.type) + ": " + std::move(why);
  return status;
}

void BlkDevice::classifyOverlaps(Req& r) {
  struct Span {
    uint64_t start, end;
    bool writable;
  };
  std::vector<Span> spans;
  spans.reserve(r.c.segs.size() + 3 * r.core.numQueues());
  uint64_t statusAddr = 0;
  for (const auto& s : r.c.segs) {
    if (!s.len) continue;
    spans.push_back({s.addr, s.addr + s.len, s.writable});
    if (s.writable) statusAddr = s.addr + s.len - 1;  // the last writable byte of the chain
  }
  // Ring memory counts as "not writable by the request": data must never land in a descriptor table or a ring.
  for (uint16_t i = 0; i < r.core.numQueues(); ++i) {
    const QueueState& qs = r.core.queue(i);
    const DeviceQueue* e = r.core.engine(i);
    if (!qs.enabled || !e) continue;
    const uint64_t n = e->size();
    const bool packed = e->isPacked();
    spans.push_back({qs.desc, qs.desc + 16 * n, false});
    spans.push_back({qs.driver, qs.driver + (packed ? 4 : 6 + 2 * n), false});
    spans.push_back({qs.device, qs.device + (packed ? 4 : 6 + 8 * n), false});
  }
  for (const auto& s : spans)
    if (!s.writable && statusAddr >= s.start && statusAddr < s.end) r.statusSafe = false;
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.start < b.start; });
  uint64_t maxEndAny = 0, maxEndWritable = 0;
  bool first = true;
  for (const auto& s : spans) {
    // devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#1: writing a writable buffer that overlaps a readable one would write device-readable memory, so such a request is refused.
    if (!first && ((s.writable && s.start < maxEndAny) || (!s.writable && s.start < maxEndWritable))) r.unsafe = true;
    first = false;
    maxEndAny = std::max(maxEndAny, s.end);
    if (s.writable) maxEndWritable = std::max(maxEndWritable, s.end);
  }
  if (!r.statusSafe) r.unsafe = true;
}

ChainResult BlkDevice::handle(DeviceCore& core, uint16_t q, const Chain& c, uint32_t& written) {
  core_ = &core;
  ++stats_.requests;
  Req r{core, *core.engine(q), c, q};
  written = 0;
  if (c.writableBytes == 0) {
    // drivernormative:Basic Facilities of a Virtio Device / Message Framing#1 (nearest): the status byte is the device-writable tail of every request; without one nothing can be answered.
    report(r, blk::clause::kFraming, "blk.no_status_byte", "request has no device-writable status byte",
           {{"readable", c.readableBytes}});
    ++stats_.noStatus;
    reject(r, blk::kSIoErr, "no device-writable status byte");
    return ChainResult::Done;  // returned with used length 0: the driver gets its buffers back, nothing written
  }
  r.writeData = c.writableBytes - 1;
  classifyOverlaps(r);
  uint8_t status;
  uint8_t hdr[blk::kHeaderBytes];
  if (c.readableBytes < blk::kHeaderBytes) {
    // drivernormative:Basic Facilities of a Virtio Device / Message Framing#1 (nearest): the 16-byte header (type, reserved, sector) is device-readable and comes first.
    report(r, blk::clause::kFraming, "blk.header_not_readable", "request header is not 16 device-readable bytes",
           {{"readable", c.readableBytes}});
    status = reject(r, blk::kSIoErr, "header shorter than 16 readable bytes");
  } else if (r.q.readFromChain(c, 0, hdr, sizeof hdr) != sizeof hdr) {
    status = reject(r, blk::kSIoErr, "header could not be read");
  } else {
    std::memcpy(&r.type, hdr, 4);  // le32 type; le32 reserved (ioprio in legacy) carries no rule and is ignored
    std::memcpy(&r.sector, hdr + 8, 8);
    r.readData = c.readableBytes - blk::kHeaderBytes;
    status = execute(r);
  }
  finish(r, status, written);
  return ChainResult::Done;
}

uint8_t BlkDevice::execute(Req& r) {
  using namespace blk;
  uint32_t type = r.type;
  if (type == kTFlushOut && r.core.legacy()) type = kTFlush;  // the legacy synonym of FLUSH
  if (zonedActive()) {
    bool handled = false;
    const uint8_t st = executeZoned(r, handled);
    if (handled) return st;
  }
  auto needs = [&](unsigned bit, const char* what) {
    if (has(bit)) return true;
    // drivernormative:Basic Facilities of a Virtio Device / Feature Bits#1 (nearest): a request type is only used when the feature that defines it was negotiated.
    report(r, clause::kFeatureNotOffered, "blk.type_not_negotiated",
           std::string(what) + " request without its feature negotiated", {{"feature_bit", bit}});
    reject(r, kSUnsupp, std::string(what) + " without its feature");
    return false;
  };
  switch (type) {
    case kTIn: ++stats_.reads; return doRead(r);
    case kTOut: ++stats_.writes; return doWrite(r);
    case kTFlush: ++stats_.flushes; return needs(kFFlush, "FLUSH") ? doFlush(r) : kSUnsupp;
    case kTGetId: ++stats_.getIds; return doGetId(r);
    case kTGetLifetime: ++stats_.getLifetimes; return needs(kFLifetime, "GET_LIFETIME") ? doGetLifetime(r) : kSUnsupp;
    case kTDiscard: ++stats_.discards; return needs(kFDiscard, "DISCARD") ? doSegments(r) : kSUnsupp;
    case kTWriteZeroes: ++stats_.writeZeroes; return needs(kFWriteZeroes, "WRITE_ZEROES") ? doSegments(r) : kSUnsupp;
    case kTSecureErase: ++stats_.secureErases; return needs(kFSecureErase, "SECURE_ERASE") ? doSegments(r) : kSUnsupp;
    case kTZoneAppend:
    case kTZoneReport:
    case kTZoneOpen:
    case kTZoneClose:
    case kTZoneFinish:
    case kTZoneReset:
    case kTZoneResetAll:
      ++stats_.otherTypes;
      // devicenormative:Device Types / Block Device / Device Operation#18: zone requests without ZONED negotiated are UNSUPP.
      return reject(r, kSUnsupp, "zone request without VIRTIO_BLK_F_ZONED negotiated");
    default:
      ++stats_.otherTypes;
      return reject(r, kSUnsupp, "unknown request type");  // legacy SCSI and BARRIER included: never offered
  }
}

void BlkDevice::finish(Req& r, uint8_t status, uint32_t& written) {
  switch (status) {
    case blk::kSOk: ++stats_.ok; break;
    case blk::kSIoErr: ++stats_.ioerr; break;
    case blk::kSUnsupp: ++stats_.unsupp; break;
    default: ++stats_.zoneErrors; break;
  }
  if (r.unsafe) {
    // Only the status byte, if even that is safe; used length 0 says no data was written.
    if (r.statusSafe) r.q.writeToChain(r.c, r.writeData, &status, 1);
    written = 0;
    return;
  }
  // devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Used Ring#2: the used length covers every writable byte, so what the operation did not fill is zeroed (no stale guest data is presented as read data).
  static const std::vector<uint8_t> zeros(64 * 1024, 0);
  for (uint64_t off = r.filled; off < r.writeData;) {
    const uint64_t n = std::min<uint64_t>(zeros.size(), r.writeData - off);
    r.q.writeToChain(r.c, off, zeros.data(), n);
    off += n;
  }
  r.q.writeToChain(r.c, r.writeData, &status, 1);
  written = static_cast<uint32_t>(r.c.writableBytes);
}

}  // namespace vsim::model

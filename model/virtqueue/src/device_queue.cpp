#include "vsim/model/device_queue.h"

#include <algorithm>

#include "vsim/model/packed_ring.h"
#include "vsim/model/split_ring.h"

namespace vsim::model {

void DeviceQueue::violate(const char* clause, const char* kind, std::string message, std::vector<Evidence> ev,
                          bool fatal) {
  ++stats_.violations;
  Violation v;
  v.clause = clause;
  v.kind = kind;
  v.message = std::move(message);
  v.culprit = Culprit::Driver;
  v.queue = index_;
  v.evidence = std::move(ev);
  sink_.report(std::move(v));
  if (fatal) broken_ = true;
}

bool DeviceQueue::configureCommon(const QueueLayout& l, uint64_t features, int queueIndex, uint64_t descAlign,
                                  uint64_t driverAlign, uint64_t deviceAlign, uint64_t descBytes,
                                  uint64_t driverBytes, uint64_t deviceBytes, const char* alignClause) {
  reset();
  layout_ = l;
  features_ = features;
  index_ = queueIndex;
  stats_ = QueueStats{};
  // Each part must start at a multiple of its alignment (the driver's layout rule for this ring format).
  struct Part {
    const char* name;
    uint64_t addr, align, bytes;
  } parts[] = {{"desc", l.desc, descAlign, descBytes},
               {"driver", l.driver, driverAlign, driverBytes},
               {"device", l.device, deviceAlign, deviceBytes}};
  for (const auto& p : parts) {
    if (p.addr % p.align != 0)
      violate(alignClause, "ring.misaligned", std::string(p.name) + " area is not aligned",
              {{std::string(p.name) + "_addr", p.addr}, {"alignment", p.align}}, false);
  }
  for (const auto& p : parts) {
    // drivernormative:Reserved Feature Bits#5: without ACCESS_PLATFORM the driver passes only physical (guest
    // memory) addresses; a ring part outside guest memory cannot be one.
    if (!mem_.contains(p.addr, p.bytes)) {
      violate("drivernormative:Reserved Feature Bits#5", "ring.outside_memory",
              std::string(p.name) + " area lies outside guest memory",
              {{std::string(p.name) + "_addr", p.addr}, {"bytes", p.bytes}}, true);
      return false;
    }
  }
  configured_ = true;
  return true;
}

uint64_t DeviceQueue::readFromChain(const Chain& c, uint64_t offset, void* dst, uint64_t len) {
  auto* out = static_cast<uint8_t*>(dst);
  uint64_t done = 0;
  for (const auto& s : c.segs) {
    if (s.writable || done == len) break;  // readable segments come first
    if (offset >= s.len) {
      offset -= s.len;
      continue;
    }
    uint64_t n = std::min<uint64_t>(s.len - offset, len - done);
    if (!mem_.read(s.addr + offset, out + done, n, DmaKind::BufferRead)) break;
    done += n;
    offset = 0;
  }
  return done;
}

uint64_t DeviceQueue::writeToChain(const Chain& c, uint64_t offset, const void* src, uint64_t len) {
  const auto* in = static_cast<const uint8_t*>(src);
  uint64_t done = 0;
  for (const auto& s : c.segs) {
    // devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#1:
    // the device only ever writes into device-writable segments.
    if (!s.writable) continue;
    if (done == len) break;
    if (offset >= s.len) {
      offset -= s.len;
      continue;
    }
    uint64_t n = std::min<uint64_t>(s.len - offset, len - done);
    if (!mem_.write(s.addr + offset, in + done, n, DmaKind::BufferWrite)) break;
    done += n;
    offset = 0;
  }
  return done;
}

std::unique_ptr<DeviceQueue> makeDeviceQueue(bool packed, GuestMemory& mem, ViolationSink& sink) {
  if (packed) return std::make_unique<PackedRing>(mem, sink);
  return std::make_unique<SplitRing>(mem, sink);
}

}  // namespace vsim::model

// Device side of the packed virtqueue. Every driver-normative rule the device can see is checked where it is read.
#include "vsim/model/packed_ring.h"

#include "vsim/abi/features.h"
#include "vsim/abi/notification.h"

namespace vsim::model {

namespace {
constexpr uint64_t kChainByteLimit = uint64_t{1} << 32;
}

bool PackedRing::configure(const QueueLayout& l, uint64_t features, int queueIndex) {
  if (l.size == 0 || l.size > packed::kMaxQueueSize) return false;  // the transport reports the size rule
  if (!configureCommon(l, features, queueIndex, packed::kDescAlign, packed::kEventAlign, packed::kEventAlign,
                       packed::descBytes(l.size), sizeof(packed::EventSuppress), sizeof(packed::EventSuppress),
                       // the driver places each packed ring part at its required alignment
                       "drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues#1"))
    return false;
  auto rf = feat::RingFeatures::from(features);
  eventIdx_ = rf.eventIdx;
  inOrder_ = rf.inOrder;
  indirect_ = rf.indirect;
  notifData_ = rf.notificationData;
  outstanding_.assign(65536 / 64, 0);
  return true;
}

void PackedRing::reset() {
  configured_ = broken_ = false;
  nextAvail_ = nextUsed_ = 0;
  availWrap_ = usedWrap_ = true;
  signalledLin_ = 0;
  inFlight_ = 0;
  outstanding_.assign(outstanding_.size(), 0);
}

bool PackedRing::readDesc(uint32_t slot, packed::Desc& d) {
  const uint64_t a = layout_.desc + 16ull * slot;
  // One 16-byte descriptor fetch, in two steps for ordering:
  // acquire: addr, len and id are read only after flags showed the descriptor available
  if (!mem_.loadAcquire16Quiet(a + offsetof(packed::Desc, flags), &d.flags)) return false;
  if (!mem_.peek(a, &d, offsetof(packed::Desc, flags))) return false;
  mem_.noteDma(DmaKind::DescRead, a, sizeof(packed::Desc), false);
  ++stats_.descriptorsRead;
  return true;
}

bool PackedRing::empty() {
  if (!configured_ || broken_) return true;
  uint16_t flags;
  // acquire: pairs with the driver's release store of the head's flags
  if (!mem_.loadAcquire16(layout_.desc + 16ull * nextAvail_ + offsetof(packed::Desc, flags), &flags,
                          DmaKind::RingIndexRead))
    return true;
  return !packed::isAvail(flags, availWrap_);
}

bool PackedRing::addSegment(Chain& out, uint64_t addr, uint32_t len, bool writable, bool& seenWritable,
                            uint16_t slot) {
  // drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues / Scatter-Gather Support#3:
  // device-writable elements come after all device-readable ones.
  if (!writable && seenWritable) {
    violate("drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues / Scatter-Gather Support#3",
            "packed.readable_after_writable", "a device-readable descriptor follows a device-writable one",
            {{"slot", slot}, {"element", out.segs.size()}}, true);
    return false;
  }
  seenWritable |= writable;
  // nearest: drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#1
  // (the 2^32-byte bound on one chain; the packed chapter has no sentence of its own for it).
  if (out.readableBytes + out.writableBytes + len > kChainByteLimit) {
    violate("drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#1",
            "packed.chain_too_many_bytes", "list describes more than 2^32 bytes",
            {{"slot", slot}, {"bytes", out.readableBytes + out.writableBytes + len}}, true);
    return false;
  }
  // drivernormative:Reserved Feature Bits#5: without ACCESS_PLATFORM buffers are guest-physical memory.
  if (!mem_.contains(addr, len)) {
    violate("drivernormative:Reserved Feature Bits#5", "packed.buffer_outside_memory",
            "a buffer lies outside guest memory", {{"slot", slot}, {"addr", addr}, {"len", len}}, true);
    return false;
  }
  out.segs.push_back(Segment{addr, len, writable});
  (writable ? out.writableBytes : out.readableBytes) += len;
  return true;
}

bool PackedRing::walkIndirect(const packed::Desc& d, Chain& out, bool& seenWritable, uint16_t slot) {
  const char* clause = nullptr;
  const char* kind = nullptr;
  // drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#1: INDIRECT only when VIRTIO_F_INDIRECT_DESC was negotiated.
  if (!indirect_) {
    clause = "drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#1";
    kind = "packed.indirect_not_negotiated";
  // drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#4: no INDIRECT descriptor inside a NEXT-linked list.
  } else if ((d.flags & packed::kDescFNext) || !out.segs.empty()) {
    clause = "drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#4";
    kind = "packed.indirect_in_list";
  // drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#3: the table is no longer than the device allows (and
  // holds whole descriptors).
  } else if (d.len == 0 || d.len % 16 != 0 || d.len / 16 > maxChain()) {
    clause = "drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#3";
    kind = "packed.indirect_bad_length";
  // drivernormative:Reserved Feature Bits#5: the table itself is guest memory.
  } else if (!mem_.contains(d.addr, d.len)) {
    clause = "drivernormative:Reserved Feature Bits#5";
    kind = "packed.indirect_outside_memory";
  }
  if (clause) {
    violate(clause, kind, "invalid indirect descriptor",
            {{"slot", slot}, {"flags", d.flags}, {"addr", d.addr}, {"len", d.len}}, true);
    return false;
  }
  out.indirect = true;
  const uint32_t n = d.len / 16;
  for (uint32_t k = 0; k < n; ++k) {
    packed::Desc e;
    if (!mem_.load(d.addr + 16ull * k, &e, DmaKind::DescRead)) {
      broken_ = true;
      return false;
    }
    ++stats_.descriptorsRead;
    // drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#2: entries of an indirect table carry no flag but WRITE.
    if (e.flags & ~packed::kDescFWrite) {
      violate("drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#2",
              "packed.indirect_entry_flags", "an indirect table entry has flags other than WRITE",
              {{"slot", slot}, {"entry", k}, {"flags", e.flags}}, true);
      return false;
    }
    if (!addSegment(out, e.addr, e.len, (e.flags & packed::kDescFWrite) != 0, seenWritable, slot)) return false;
  }
  return true;
}

PopStatus PackedRing::pop(Chain& out) {
  if (!configured_ || broken_) return broken_ ? PopStatus::Broken : PopStatus::Empty;
  packed::Desc d;
  if (!readDesc(nextAvail_, d)) {
    broken_ = true;
    return PopStatus::Broken;
  }
  // devicenormative:Basic Facilities of a Virtio Device / Packed Virtqueues / The Virtqueue Descriptor Table#3: use a descriptor only once its
  // AVAIL bit shows it was made available in the current wrap.
  if (!packed::isAvail(d.flags, availWrap_)) return PopStatus::Empty;
  out.clear();
  out.ringPos = nextAvail_;
  uint32_t slot = nextAvail_;
  bool wrap = availWrap_, seenWritable = false;
  uint32_t count = 0;
  const uint32_t limit = maxChain();
  for (;;) {
    if (count > 0) {
      // drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues / Scatter-Gather Support#2: a list is never longer than the queue
      // size (nor the device's limit, #1).
      if (count >= limit) {
        violate(limit < layout_.size
                    ? "drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues / Scatter-Gather Support#1"
                    : "drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues / Scatter-Gather Support#2",
                "packed.list_too_long", "descriptor list is longer than allowed",
                {{"head_slot", out.ringPos}, {"count", count + 1}, {"limit", limit}}, true);
        return PopStatus::Broken;
      }
      if (!readDesc(slot, d)) {
        broken_ = true;
        return PopStatus::Broken;
      }
      // drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues / Scatter-Gather Support#6: all descriptors of a list are available
      // before its first one is.
      if (!packed::isAvail(d.flags, wrap)) {
        violate("drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues / Scatter-Gather Support#6",
                "packed.list_not_fully_available", "a list's head is available but a later descriptor is not",
                {{"head_slot", out.ringPos}, {"slot", slot}, {"flags", d.flags}, {"wrap", wrap}}, true);
        return PopStatus::Broken;
      }
    }
    ++count;
    if (d.flags & packed::kDescFIndirect) {
      if (!walkIndirect(d, out, seenWritable, static_cast<uint16_t>(slot))) return PopStatus::Broken;
    } else if (!addSegment(out, d.addr, d.len, (d.flags & packed::kDescFWrite) != 0, seenWritable,
                           static_cast<uint16_t>(slot))) {
      return PopStatus::Broken;
    }
    if (++slot == layout_.size) {
      slot = 0;
      wrap = !wrap;
    }
    if (!(d.flags & packed::kDescFNext)) break;
  }
  out.id = d.id;  // the buffer id is in the last descriptor of the list
  out.ringSlots = static_cast<uint16_t>(count);
  // nearest: drivernormative:Basic Facilities of a Virtio Device / PAcked Virtqueues / The Virtqueue Descriptor Table#1
  // (the driver may not reuse a buffer id the device has not given back).
  if (isOut(out.id)) {
    violate("drivernormative:Basic Facilities of a Virtio Device / PAcked Virtqueues / The Virtqueue Descriptor Table#1",
            "packed.id_in_flight", "a buffer id the device has not returned yet was made available again",
            {{"id", out.id}, {"head_slot", out.ringPos}}, true);
    return PopStatus::Broken;
  }
  setOut(out.id, true);
  nextAvail_ = static_cast<uint16_t>(slot);
  availWrap_ = wrap;
  ++inFlight_;
  ++stats_.chainsPopped;
  return PopStatus::Ok;
}

void PackedRing::writeUsedDesc(uint16_t id, uint32_t len) {
  const uint64_t a = layout_.desc + 16ull * nextUsed_;
  // One write of the descriptor's len, id and flags (bytes 8..15), in two steps for ordering:
  struct {
    uint32_t len;
    uint16_t id;
  } __attribute__((packed)) body{len, id};
  mem_.poke(a + offsetof(packed::Desc, len), &body, sizeof body);
  uint16_t flags = usedWrap_ ? (packed::kDescFAvail | packed::kDescFUsed) : 0;
  if (len) flags |= packed::kDescFWrite;
  // release: id and len of the used descriptor (and the buffer data) before its flags flip to used
  mem_.storeRelease16Quiet(a + offsetof(packed::Desc, flags), flags);
  mem_.noteDma(DmaKind::UsedWrite, a + offsetof(packed::Desc, len), 8, true);
}

void PackedRing::advanceUsed(uint32_t slots) {
  uint32_t s = nextUsed_ + slots;
  while (s >= layout_.size) {
    s -= layout_.size;
    usedWrap_ = !usedWrap_;
  }
  nextUsed_ = static_cast<uint16_t>(s);
}

void PackedRing::push(const Chain& c, uint32_t written) {
  if (!configured_ || broken_ || !isOut(c.id)) return;
  // devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Used Ring#2: len never
  // claims more than was written into the writable part.
  if (written > c.writableBytes) written = static_cast<uint32_t>(c.writableBytes);
  // devicenormative:Basic Facilities of a Virtio Device / Packed Virtqueues#2: used descriptors are written in
  // completion order, each at the next used position.
  writeUsedDesc(c.id, written);
  advanceUsed(c.ringSlots);
  setOut(c.id, false);
  --inFlight_;
  ++stats_.chainsUsed;
}

void PackedRing::pushInOrderBatch(const Chain* const* chains, size_t n, uint32_t lastWritten) {
  if (n == 0) return;
  if (!inOrder_) {
    for (size_t k = 0; k < n; ++k) push(*chains[k], k + 1 == n ? lastWritten : 0);
    return;
  }
  if (!configured_ || broken_) return;
  const Chain& last = *chains[n - 1];
  if (lastWritten > last.writableBytes) lastWritten = static_cast<uint32_t>(last.writableBytes);
  // IN_ORDER: one used descriptor with the last buffer id stands for the batch; the used position skips them all.
  writeUsedDesc(last.id, lastWritten);
  uint32_t slots = 0;
  for (size_t k = 0; k < n; ++k) {
    slots += chains[k]->ringSlots;
    if (isOut(chains[k]->id)) {
      setOut(chains[k]->id, false);
      --inFlight_;
    }
  }
  advanceUsed(slots);
  stats_.chainsUsed += n;
}

bool PackedRing::shouldNotify() {
  const uint32_t now = linear(nextUsed_, usedWrap_);
  if (!configured_ || broken_ || now == signalledLin_) return false;
  // full barrier: the used descriptors' flags are visible before the driver event suppression is read
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  packed::EventSuppress ev{0, 0};
  mem_.load(layout_.driver, &ev, DmaKind::EventRead);
  bool notify;
  switch (ev.flags & 3) {
    case packed::kEventFlagsDisable: notify = false; break;
    case packed::kEventFlagsDesc:
      if (eventIdx_) {
        // notify when a used descriptor was written at the driver's event position since the last decision
        const uint32_t evLin = linear(ev.offWrap & 0x7fff, (ev.offWrap >> 15) != 0);
        notify = (ev.offWrap & 0x7fff) < layout_.size && distance(signalledLin_, evLin) < distance(signalledLin_, now);
        break;
      }
      [[fallthrough]];  // DESC without EVENT_IDX, or the reserved value 3: treated as enabled
    default: notify = true; break;
  }
  signalledLin_ = now;
  ++(notify ? stats_.notificationsSent : stats_.notificationsSuppressed);
  return notify;
}

void PackedRing::setDriverNotifications(bool enable) {
  if (!configured_ || broken_) return;
  packed::EventSuppress ev{0, enable ? packed::kEventFlagsEnable : packed::kEventFlagsDisable};
  if (enable && eventIdx_) {
    ev.flags = packed::kEventFlagsDesc;
    ev.offWrap = static_cast<uint16_t>(nextAvail_ | (availWrap_ ? 0x8000 : 0));
  }
  mem_.store(layout_.device, ev.offWrap, DmaKind::EventWrite);
  // release: the event offset is visible before the flags that make the driver use it
  mem_.storeRelease16(layout_.device + offsetof(packed::EventSuppress, flags), ev.flags, DmaKind::EventWrite);
  // full barrier: the suppression write is visible before the caller re-checks the ring (no lost wakeup)
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void PackedRing::onNotification(bool hasData, uint32_t data) {
  ++stats_.driverNotifications;
  if (!hasData || !notifData_ || !configured_ || broken_) return;
  NotificationData nd = NotificationData::decode(data);
  // Find where the driver's published descriptors end: scan forward from the device's position while available.
  uint32_t slot = nextAvail_;
  bool wrap = availWrap_;
  for (uint32_t k = 0; k < layout_.size; ++k) {
    uint16_t flags;
    if (!mem_.loadAcquire16(layout_.desc + 16ull * slot + offsetof(packed::Desc, flags), &flags,
                            DmaKind::RingIndexRead) ||
        !packed::isAvail(flags, wrap))
      break;
    if (++slot == layout_.size) {
      slot = 0;
      wrap = !wrap;
    }
  }
  const uint32_t dev = linear(nextAvail_, availWrap_), end = linear(slot, wrap);
  const uint32_t claimed = linear(nd.nextOff, nd.nextWrap);
  // drivernormative:Basic Facilities of a Virtio Device / PAcked Virtqueues / The Virtqueue Descriptor Table#3:
  // next_off/next_wrap name the next descriptor not yet made available (never past what was published).
  if (nd.nextOff >= layout_.size || distance(dev, claimed) > distance(dev, end)) {
    violate("drivernormative:Basic Facilities of a Virtio Device / PAcked Virtqueues / The Virtqueue Descriptor Table#3",
            "packed.notification_data_mismatch", "notification data does not match the ring",
            {{"next_off", nd.nextOff}, {"next_wrap", nd.nextWrap}, {"published_off", slot}, {"published_wrap", wrap}},
            false);
  }
}

}  // namespace vsim::model

// Device side of the split virtqueue. Every driver-normative rule the device can see is checked where it is read.
#include "vsim/model/split_ring.h"

#include "vsim/abi/features.h"
#include "vsim/abi/notification.h"

namespace vsim::model {

namespace {
constexpr uint64_t kChainByteLimit = uint64_t{1} << 32;
}

bool SplitRing::configure(const QueueLayout& l, uint64_t features, int queueIndex) {
  if (l.size == 0 || l.size > split::kMaxQueueSize) return false;  // the transport reports the size rule
  if (!configureCommon(l, features, queueIndex, split::kDescAlign, split::kAvailAlign, split::kUsedAlign,
                       split::descBytes(l.size), split::availBytes(l.size), split::usedBytes(l.size),
                       // the driver places each split ring part at its required alignment
                       "drivernormative:Basic Facilities of a Virtio Device / Virtqueues#1"))
    return false;
  uint16_t usedFlags = 0;
  // drivernormative:Basic Facilities of a Virtio Device / Virtqueues / Available Buffer Notification Suppression#1:
  // the driver allocated the used ring with flags 0; the device has not written it yet when the queue is enabled.
  if (mem_.peek(l.device + split::usedFlagsOff(), &usedFlags, sizeof usedFlags) && usedFlags != 0)
    violate("drivernormative:Basic Facilities of a Virtio Device / Virtqueues / Available Buffer Notification Suppression#1",
            "split.used_flags_not_initialised", "used ring flags are not 0 when the queue is enabled",
            {{"used_flags", usedFlags}}, false);
  pow2_ = (l.size & (l.size - 1)) == 0;
  auto rf = feat::RingFeatures::from(features);
  eventIdx_ = rf.eventIdx;
  inOrder_ = rf.inOrder;
  indirect_ = rf.indirect;
  notifData_ = rf.notificationData;
  outstanding_.assign(l.size, 0);
  return true;
}

void SplitRing::reset() {
  configured_ = broken_ = false;
  lastAvail_ = shadowAvail_ = usedIdx_ = signalledUsed_ = availEventWritten_ = 0;
  driverNotify_ = true;
  inFlight_ = 0;
  reportedFlags_ = false;
  outstanding_.assign(outstanding_.size(), 0);
}

bool SplitRing::refreshAvailIdx() {
  uint16_t idx;
  // acquire: avail ring entries and descriptors are read only after the avail idx that published them
  if (!mem_.loadAcquire16(layout_.driver + split::availIdxOff(), &idx, DmaKind::RingIndexRead)) return false;
  // drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Available Ring#1: avail idx
  // only moves forward, so it can never be more than a queue size ahead of what the device consumed.
  if (static_cast<uint16_t>(idx - lastAvail_) > layout_.size) {
    violate("drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Available Ring#1",
            "split.avail_idx_jump", "avail idx moved by more than the queue size",
            {{"avail_idx", idx}, {"last_avail_idx", lastAvail_}, {"queue_size", layout_.size}}, true);
    return false;
  }
  shadowAvail_ = idx;
  return true;
}

bool SplitRing::empty() {
  if (!configured_ || broken_) return true;
  if (lastAvail_ != shadowAvail_) return false;
  if (!refreshAvailIdx()) return true;
  return lastAvail_ == shadowAvail_;
}

PopStatus SplitRing::pop(Chain& out) {
  if (!configured_ || broken_) return broken_ ? PopStatus::Broken : PopStatus::Empty;
  if (lastAvail_ == shadowAvail_) {
    if (!refreshAvailIdx()) return broken_ ? PopStatus::Broken : PopStatus::Empty;
    if (lastAvail_ == shadowAvail_ && eventIdx_ && driverNotify_ && availEventWritten_ != lastAvail_) {
      // EVENT_IDX: going idle, ask to be notified when the driver makes the next buffer available.
      availEventWritten_ = lastAvail_;
      mem_.store(layout_.device + split::availEventOff(layout_.size), lastAvail_, DmaKind::EventWrite);
      // full barrier: avail_event is visible before avail idx is read again (no notification lost in between)
      __atomic_thread_fence(__ATOMIC_SEQ_CST);
      if (!refreshAvailIdx()) return broken_ ? PopStatus::Broken : PopStatus::Empty;
    }
    if (lastAvail_ == shadowAvail_) return PopStatus::Empty;
  }
  uint16_t head;
  if (!mem_.load(layout_.driver + split::availRingOff(slot(lastAvail_)), &head, DmaKind::RingIndexRead)) {
    broken_ = true;
    return PopStatus::Broken;
  }
  // nearest: drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#1
  // (a chain must be a finite walk through the table; a head outside it names no descriptor).
  if (head >= layout_.size) {
    violate("drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#1",
            "split.head_out_of_range", "avail ring names a head outside the descriptor table",
            {{"head", head}, {"avail_index", lastAvail_}, {"queue_size", layout_.size}}, true);
    return PopStatus::Broken;
  }
  // nearest: drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#1
  // (a buffer the device still owns is made available again: two chains would share descriptors).
  if (outstanding_[head]) {
    violate("drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#1",
            "split.head_in_flight", "a head the device has not returned yet was made available again",
            {{"head", head}, {"avail_index", lastAvail_}}, true);
    return PopStatus::Broken;
  }
  out.clear();
  out.id = head;
  out.ringPos = lastAvail_;
  if (!walkChain(head, out)) return PopStatus::Broken;
  outstanding_[head] = 1;
  ++lastAvail_;
  ++inFlight_;
  ++stats_.chainsPopped;
  return PopStatus::Ok;
}

bool SplitRing::addSegment(Chain& out, uint64_t addr, uint32_t len, bool writable, bool& seenWritable) {
  // drivernormative:Basic Facilities of a Virtio Device / Message Framing#1: device-writable elements come after
  // all device-readable ones.
  if (!writable && seenWritable) {
    violate("drivernormative:Basic Facilities of a Virtio Device / Message Framing#1", "split.readable_after_writable",
            "a device-readable descriptor follows a device-writable one",
            {{"head", out.id}, {"element", out.segs.size()}}, true);
    return false;
  }
  seenWritable |= writable;
  // drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#1: the
  // lengths of a chain add up to at most 2^32 bytes.
  if (out.readableBytes + out.writableBytes + len > kChainByteLimit) {
    violate("drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#1",
            "split.chain_too_many_bytes", "chain describes more than 2^32 bytes",
            {{"head", out.id}, {"bytes", out.readableBytes + out.writableBytes + len}}, true);
    return false;
  }
  // drivernormative:Reserved Feature Bits#5: without ACCESS_PLATFORM buffers are guest-physical memory.
  if (!mem_.contains(addr, len)) {
    violate("drivernormative:Reserved Feature Bits#5", "split.buffer_outside_memory",
            "a buffer lies outside guest memory", {{"head", out.id}, {"addr", addr}, {"len", len}}, true);
    return false;
  }
  out.segs.push_back(Segment{addr, len, writable});
  (writable ? out.writableBytes : out.readableBytes) += len;
  return true;
}

bool SplitRing::walkChain(uint16_t head, Chain& out) {
  const uint32_t limit = maxChain();
  uint64_t table = layout_.desc;
  uint32_t tableSize = layout_.size;
  bool inIndirect = false, seenWritable = false;
  uint32_t i = head, walked = 0, mainSlots = 0;
  for (;;) {
    split::Desc d;
    if (!mem_.load(table + 16ull * i, &d, DmaKind::DescRead)) {
      broken_ = true;
      return false;
    }
    ++stats_.descriptorsRead;
    if (!inIndirect) ++mainSlots;
    // drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#1: chains
    // have no loops; a walk longer than the table (or the device's chain limit) must have looped.
    if (++walked > (inIndirect ? tableSize : limit)) {
      violate("drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#1",
              "split.chain_loop", "descriptor chain loops or exceeds the chain limit",
              {{"head", head}, {"walked", walked}, {"limit", inIndirect ? tableSize : limit}}, true);
      return false;
    }
    if (d.flags & split::kDescFIndirect) {
      const char* clause = nullptr;
      const char* kind = nullptr;
      // drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#1: INDIRECT only when VIRTIO_F_INDIRECT_DESC was negotiated.
      if (!indirect_) {
        clause = "drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#1";
        kind = "split.indirect_not_negotiated";
      // drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#2: no INDIRECT inside an indirect table.
      } else if (inIndirect) {
        clause = "drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#2";
        kind = "split.nested_indirect";
      // drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#4: INDIRECT and NEXT are never set together.
      } else if (d.flags & split::kDescFNext) {
        clause = "drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#4";
        kind = "split.indirect_with_next";
      // nearest: drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#3 (the table holds whole descriptors, at most queue
      // size of them).
      } else if (d.len == 0 || d.len % 16 != 0 || d.len / 16 > limit) {
        clause = "drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#3";
        kind = "split.indirect_bad_length";
      // drivernormative:Reserved Feature Bits#5: the table itself is guest memory.
      } else if (!mem_.contains(d.addr, d.len)) {
        clause = "drivernormative:Reserved Feature Bits#5";
        kind = "split.indirect_outside_memory";
      }
      if (clause) {
        violate(clause, kind, "invalid indirect descriptor",
                {{"head", head}, {"desc", i}, {"flags", d.flags}, {"addr", d.addr}, {"len", d.len}}, true);
        return false;
      }
      // the write-only flag of the descriptor pointing at the table is ignored, as the device must
      out.indirect = true;
      inIndirect = true;
      table = d.addr;
      tableSize = d.len / 16;
      walked = 0;
      i = 0;
      continue;
    }
    if (!addSegment(out, d.addr, d.len, (d.flags & split::kDescFWrite) != 0, seenWritable)) return false;
    if (!(d.flags & split::kDescFNext)) break;
    // nearest: drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#1
    // (next must name a descriptor of the same table for the chain to be walkable).
    if (d.next >= tableSize) {
      violate("drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#1",
              "split.next_out_of_range", "next names a descriptor outside its table",
              {{"head", head}, {"desc", i}, {"next", d.next}, {"table_size", tableSize}}, true);
      return false;
    }
    if (inOrder_) {
      uint32_t expect = inIndirect ? i + 1 : (i + 1) % layout_.size;
      if (d.next != expect) {
        if (inIndirect)
          // drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#5: with IN_ORDER an indirect table is used sequentially.
          violate("drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#5",
                  "split.inorder_indirect_not_sequential", "IN_ORDER indirect table is not sequential",
                  {{"head", head}, {"desc", i}, {"next", d.next}, {"expected", expect}}, false);
        else
          // drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#2: with IN_ORDER next is x+1 (0 after the last).
          violate("drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#2",
                  "split.inorder_next_not_sequential", "IN_ORDER chain does not use the next descriptor",
                  {{"head", head}, {"desc", i}, {"next", d.next}, {"expected", expect}}, false);
      }
    }
    i = d.next;
  }
  out.ringSlots = static_cast<uint16_t>(mainSlots);
  return true;
}

void SplitRing::writeUsed(uint16_t idx, uint32_t id, uint32_t len) {
  split::UsedElem e{id, len};
  mem_.store(layout_.device + split::usedRingOff(slot(idx)), e, DmaKind::UsedWrite);
}

void SplitRing::publishUsedIdx() {
  // release: used ring elements (and the buffer data written before them) before used idx
  mem_.storeRelease16(layout_.device + split::usedIdxOff(), usedIdx_, DmaKind::RingIndexWrite);
}

void SplitRing::push(const Chain& c, uint32_t written) {
  if (!configured_ || broken_ || c.id >= layout_.size || !outstanding_[c.id]) return;
  // devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Used Ring#2: len never
  // claims more than was written into the writable part.
  if (written > c.writableBytes) written = static_cast<uint32_t>(c.writableBytes);
  // devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Used Ring#1: len is set before used idx moves (writeUsed, then publish).
  writeUsed(usedIdx_, c.id, written);
  ++usedIdx_;
  publishUsedIdx();
  outstanding_[c.id] = 0;
  --inFlight_;
  ++stats_.chainsUsed;
}

void SplitRing::pushInOrderBatch(const Chain* const* chains, size_t n, uint32_t lastWritten) {
  if (n == 0) return;
  if (!inOrder_) {
    for (size_t k = 0; k < n; ++k) push(*chains[k], k + 1 == n ? lastWritten : 0);
    return;
  }
  if (!configured_ || broken_) return;
  const Chain& last = *chains[n - 1];
  if (last.id >= layout_.size) return;
  if (lastWritten > last.writableBytes) lastWritten = static_cast<uint32_t>(last.writableBytes);
  // IN_ORDER: one used element, written at the batch's first position and naming its last buffer, stands for the
  // whole batch; the device then skips forward, moving used idx by n.
  writeUsed(usedIdx_, last.id, lastWritten);
  usedIdx_ = static_cast<uint16_t>(usedIdx_ + n);
  publishUsedIdx();
  for (size_t k = 0; k < n; ++k) {
    if (chains[k]->id < layout_.size && outstanding_[chains[k]->id]) {
      outstanding_[chains[k]->id] = 0;
      --inFlight_;
    }
  }
  stats_.chainsUsed += n;
}

bool SplitRing::shouldNotify() {
  if (!configured_ || broken_ || usedIdx_ == signalledUsed_) return false;
  // full barrier: the used idx store is globally visible before the driver's suppression fields are read
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  uint16_t flags = 0;
  if (!mem_.load(layout_.driver + split::availFlagsOff(), &flags, DmaKind::EventRead)) return true;
  bool notify;
  if (eventIdx_) {
    // drivernormative:Basic Facilities of a Virtio Device / Virtqueues / Used Buffer Notification Suppression#3:
    // with EVENT_IDX the driver keeps avail flags at 0.
    if (flags != 0 && !reportedFlags_) {
      reportedFlags_ = true;
      violate("drivernormative:Basic Facilities of a Virtio Device / Virtqueues / Used Buffer Notification Suppression#3",
              "split.avail_flags_with_event_idx", "avail flags are not 0 although EVENT_IDX was negotiated",
              {{"flags", flags}}, false);
    }
    uint16_t usedEvent = 0;
    mem_.load(layout_.driver + split::usedEventOff(layout_.size), &usedEvent, DmaKind::EventRead);
    notify = split::needEvent(usedEvent, usedIdx_, signalledUsed_);
  } else {
    // drivernormative:Basic Facilities of a Virtio Device / Virtqueues / Used Buffer Notification Suppression#1:
    // without EVENT_IDX avail flags are 0 or 1.
    if (flags > 1 && !reportedFlags_) {
      reportedFlags_ = true;
      violate("drivernormative:Basic Facilities of a Virtio Device / Virtqueues / Used Buffer Notification Suppression#1",
              "split.avail_flags_invalid", "avail flags hold a value other than 0 or 1", {{"flags", flags}}, false);
    }
    notify = (flags & split::kAvailFNoInterrupt) == 0;
  }
  signalledUsed_ = usedIdx_;
  ++(notify ? stats_.notificationsSent : stats_.notificationsSuppressed);
  return notify;
}

void SplitRing::setDriverNotifications(bool enable) {
  if (!configured_ || broken_) return;
  driverNotify_ = enable;
  if (eventIdx_) {
    // devicenormative:Basic Facilities of a Virtio Device / Virtqueues / Available Buffer Notification Suppression#3: with EVENT_IDX used flags stay 0; the hint
    // is avail_event. Disabling leaves the old hint (the driver notifies at most once more).
    if (enable) {
      availEventWritten_ = shadowAvail_;
      // release: used ring state before the new avail_event the driver compares against
      mem_.storeRelease16(layout_.device + split::availEventOff(layout_.size), shadowAvail_, DmaKind::EventWrite);
    }
  } else {
    // devicenormative:Basic Facilities of a Virtio Device / Virtqueues / Available Buffer Notification Suppression#1: used flags are 0 or 1.
    mem_.storeRelaxed16(layout_.device + split::usedFlagsOff(), enable ? 0 : split::kUsedFNoNotify,
                        DmaKind::EventWrite);
  }
  // full barrier: the suppression write is visible before the caller re-checks avail idx (no lost wakeup)
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void SplitRing::onNotification(bool hasData, uint32_t data) {
  ++stats_.driverNotifications;
  (void)hasData;
  (void)data;  // split: the 16-bit idx in the payload has no device-observable rule beyond the transport's
}

}  // namespace vsim::model

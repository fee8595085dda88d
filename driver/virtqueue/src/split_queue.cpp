// Split virtqueue, driver side. Ring layout and the EVENT_IDX test come from vsim/abi/ring_split.h.
#include "vsim/drv/split_queue.h"

#include <algorithm>
#include <limits>

#include "vsim/abi/notification.h"

namespace vsim::drv {

namespace {
uint32_t capLen(uint64_t v) { return static_cast<uint32_t>(std::min<uint64_t>(v, std::numeric_limits<uint32_t>::max())); }
}  // namespace

bool SplitDriverQueue::configure(uint32_t size, uint64_t features, GuestMemory& mem, GuestAllocator& alloc,
                                 int queueIndex) {
  configured_ = false;
  if (size == 0 || size > split::kMaxQueueSize || (size & (size - 1)) != 0) return false;  // split: power of 2
  if (!configureAreas(size, features, mem, alloc, queueIndex, split::kDescAlign, split::descBytes(size),
                      split::kAvailAlign, split::availBytes(size), split::kUsedAlign, split::usedBytes(size)))
    return false;
  mask_ = static_cast<uint16_t>(size - 1);
  next_.assign(size, 0);
  heads_.assign(size, Head{});
  availShadow_.assign(size, 0);
  scratch_.assign(pool_.enabled() ? pool_.maxLen() : 0, split::Desc{});
  initState();
  configured_ = true;
  return true;
}

void SplitDriverQueue::initState() {
  const uint32_t n = addrs_.size;
  availIdx_ = lastUsed_ = usedIdxShadow_ = 0;
  availFlagsShadow_ = 0;
  forceNotify_ = usedFlagsReported_ = false;
  batchLeft_ = 0;
  batchLastHead_ = 0;
  batchLastLen_ = 0;
  detachPos_ = 0;
  freeHead_ = 0;
  for (uint32_t i = 0; i < n; ++i) next_[i] = static_cast<uint16_t>((i + 1) & mask_);
  std::fill(heads_.begin(), heads_.end(), Head{});
  std::fill(availShadow_.begin(), availShadow_.end(), 0);
  numFree_ = n;
  inFlight_ = numAdded_ = 0;
  irqDisabled_ = false;
  broken_ = false;
  pool_.recycleAll();
}

void SplitDriverQueue::reset() {
  if (!configured_) return;
  const bool zeroed = desc_.zero() && drv_.zero() && dev_.zero();
  initState();
  if (!zeroed) accessFailed();
}

inline void SplitDriverQueue::writeDesc(uint32_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next) {
  const split::Desc d{addr, len, flags, next};
  if (!desc_.write(16ull * i, &d, sizeof d)) accessFailed();
}

int SplitDriverQueue::add(const Buf* bufs, size_t n, uint64_t cookie, bool useIndirect) {
  if (!configured_ || broken_) return kAddBroken;
  if (n == 0 || bufs == nullptr || n > addrs_.size) return kAddInvalid;  // no chain longer than the queue
  uint64_t writable = 0;
  bool seenWritable = false;
  for (size_t i = 0; i < n; ++i) {
    if (bufs[i].writable) {
      seenWritable = true;
      writable += bufs[i].len;
    } else if (seenWritable) {
      return kAddInvalid;  // readable after writable
    }
  }
  if (useIndirect && (!rf_.indirect || !pool_.enabled() || n > pool_.maxLen())) return kAddInvalid;
  const uint32_t need = useIndirect ? 1 : static_cast<uint32_t>(n);
  if (numFree_ < need) return kAddNoSpace;
  int32_t table = -1;
  if (useIndirect && (table = pool_.take()) < 0) return kAddNoSpace;

  const uint16_t head = freeHead_;
  if (useIndirect) {
    for (size_t i = 0; i < n; ++i) {
      const bool more = i + 1 < n;
      scratch_[i] = split::Desc{bufs[i].addr, bufs[i].len,
                                static_cast<uint16_t>((bufs[i].writable ? split::kDescFWrite : 0) |
                                                      (more ? split::kDescFNext : 0)),
                                static_cast<uint16_t>(more ? i + 1 : 0)};
    }
    if (!pool_.write(table, scratch_.data(), n)) accessFailed();
    const uint16_t nx = rf_.inOrder ? static_cast<uint16_t>((head + 1) & mask_) : next_[head];
    writeDesc(head, pool_.gpa(table), static_cast<uint32_t>(n * 16), split::kDescFIndirect, nx);
    freeHead_ = nx;
  } else {
    uint16_t i = head;
    for (size_t k = 0; k < n; ++k) {
      // IN_ORDER: consecutive descriptors, next = i+1 wrapping at the end of the table; else the free list.
      const uint16_t nx = rf_.inOrder ? static_cast<uint16_t>((i + 1) & mask_) : next_[i];
      const uint16_t flags = static_cast<uint16_t>((bufs[k].writable ? split::kDescFWrite : 0) |
                                                   (k + 1 < n ? split::kDescFNext : 0));
      writeDesc(i, bufs[k].addr, bufs[k].len, flags, nx);
      i = nx;
    }
    freeHead_ = i;
  }
  numFree_ -= need;

  Head& h = heads_[head];
  h.cookie = cookie;
  h.writable = writable;
  h.table = table;
  h.ndescs = static_cast<uint16_t>(need);
  h.availPos = availIdx_;
  h.outstanding = true;

  const uint16_t slot = availIdx_ & mask_;
  availShadow_[slot] = head;
  if (!drv_.write(split::availRingOff(slot), &head, 2)) accessFailed();
  ++availIdx_;
  // release: descriptors, indirect table and the avail ring entry before avail->idx
  if (!drv_.store16Release(split::availIdxOff(), availIdx_)) accessFailed();
  ++inFlight_;
  if (++numAdded_ >= 0xffff) forceNotify_ = true;  // old/new would alias in 16 bits: notify unconditionally
  return broken_ ? static_cast<int>(kAddBroken) : static_cast<int>(head);
}

bool SplitDriverQueue::needsNotify() {
  if (!configured_ || broken_) return false;
  if (numAdded_ == 0 && !forceNotify_) return false;
  const uint16_t newIdx = availIdx_;
  const uint16_t oldIdx = static_cast<uint16_t>(availIdx_ - numAdded_);
  const bool force = forceNotify_;
  numAdded_ = 0;
  forceNotify_ = false;
  // full barrier: the avail->idx store is visible to the device before we read used->flags / avail_event
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  uint16_t flags = 0;
  if (!dev_.load16(split::usedFlagsOff(), &flags)) {
    accessFailed();
    return false;
  }
  if (!usedFlagsReported_) {
    if (rf_.eventIdx && flags != 0) {
      // check devicenormative:Basic Facilities of a Virtio Device / Virtqueues / Available Buffer Notification Suppression#3
      // (with EVENT_IDX the device leaves used->flags at 0)
      usedFlagsReported_ = true;
      violate(clause::kAvailSuppressFlags0, "split.used_flags_nonzero_event_idx",
              "used->flags is not 0 although VIRTIO_F_EVENT_IDX was negotiated", {{"used_flags", flags}}, false);
    } else if (!rf_.eventIdx && flags > 1) {
      // check devicenormative:Basic Facilities of a Virtio Device / Virtqueues / Available Buffer Notification Suppression#1
      // (without EVENT_IDX used->flags holds 0 or 1 only)
      usedFlagsReported_ = true;
      violate(clause::kAvailSuppressFlags01, "split.used_flags_invalid", "used->flags is neither 0 nor 1",
              {{"used_flags", flags}}, false);
    }
  }
  if (force) return true;
  if (rf_.eventIdx) {
    uint16_t availEvent = 0;
    if (!dev_.load16(split::availEventOff(addrs_.size), &availEvent)) {
      accessFailed();
      return false;
    }
    return split::needEvent(availEvent, newIdx, oldIdx);
  }
  return (flags & split::kUsedFNoNotify) == 0;
}

uint32_t SplitDriverQueue::notificationData() const {
  NotificationData nd;
  nd.vqIndex = static_cast<uint16_t>(index_);
  nd.nextOff = static_cast<uint16_t>(availIdx_ & 0x7fff);  // split: avail idx bits 0..14
  nd.nextWrap = (availIdx_ & 0x8000) != 0;                // and bit 15
  return nd.encode();
}

void SplitDriverQueue::freeChain(uint16_t head) {
  Head& h = heads_[head];
  h.outstanding = false;
  if (h.table >= 0) {
    pool_.give(h.table);
    h.table = -1;
  }
  if (!rf_.inOrder) {
    uint16_t tail = head;
    for (uint16_t k = 1; k < h.ndescs; ++k) tail = next_[tail];
    next_[tail] = freeHead_;
    freeHead_ = head;
  }
  // IN_ORDER: descriptors come back in allocation order, so counting them is enough.
  numFree_ += h.ndescs;
}

inline bool SplitDriverQueue::deliver(uint64_t* cookie, uint32_t* len) {
  // IN_ORDER: the batch ends at batchLastHead_; every earlier outstanding buffer completed in full.
  const uint16_t head = rf_.inOrder ? availShadow_[lastUsed_ & mask_] : batchLastHead_;
  const Head& h = heads_[head];
  if (cookie) *cookie = h.cookie;
  if (len) *len = batchLeft_ == 1 ? batchLastLen_ : capLen(h.writable);
  freeChain(head);
  ++lastUsed_;
  --batchLeft_;
  --inFlight_;
  if (batchLeft_ == 0 && rf_.eventIdx && !irqDisabled_) {
    if (!drv_.store16(split::usedEventOff(addrs_.size), lastUsed_)) accessFailed();
    // full barrier: used_event is visible before our next used->idx read, so no notification is lost
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
  }
  return true;
}

bool SplitDriverQueue::getUsed(uint64_t* cookie, uint32_t* len) {
  if (batchLeft_ != 0) return deliver(cookie, len);
  if (!configured_ || broken_) return false;
  if (lastUsed_ == usedIdxShadow_) {
    uint16_t idx = 0;
    // acquire: used ring elements are read only after the used->idx value that publishes them
    if (!dev_.load16Acquire(split::usedIdxOff(), &idx)) {
      accessFailed();
      return false;
    }
    if (idx == lastUsed_) return false;
    const uint16_t moved = static_cast<uint16_t>(idx - lastUsed_);
    // check devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Used Ring#1 (nearest)
    // (used->idx may only cover elements the device filled in, at most one per buffer the driver has
    // outstanding; a larger step, or a step backwards, publishes entries that do not exist)
    if (moved > inFlight_) {
      violate(clause::kUsedRingLenOrder, "split.used_idx_jump",
              "used->idx advanced by more than the number of outstanding buffers",
              {{"used_idx", idx}, {"last_used", lastUsed_}, {"outstanding", inFlight_}});
      return false;
    }
    usedIdxShadow_ = idx;
  }
  split::UsedElem e{};
  if (!dev_.read(split::usedRingOff(lastUsed_ & mask_), &e, sizeof e)) {
    accessFailed();
    return false;
  }
  // check devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Used Ring#1 (nearest)
  // (a published element has to name a descriptor of this queue)
  if (e.id >= addrs_.size) {
    violate(clause::kUsedRingLenOrder, "split.used_id_out_of_range", "used element id is not a descriptor index",
            {{"id", e.id}, {"size", addrs_.size}, {"used_pos", lastUsed_}});
    return false;
  }
  const Head& h = heads_[e.id];
  // check devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Used Ring#1 (nearest)
  // (the id has to be the head of a chain we made available and have not reclaimed)
  if (!h.outstanding) {
    violate(clause::kUsedRingLenOrder, "split.used_id_not_outstanding",
            "used element id is not the head of an outstanding chain",
            {{"id", e.id}, {"used_pos", lastUsed_}, {"outstanding", inFlight_}});
    return false;
  }
  uint32_t k = 1;
  if (rf_.inOrder) {
    // One used element may stand for a batch: every buffer from the oldest outstanding one up to id.
    k = static_cast<uint16_t>(h.availPos - lastUsed_) + 1u;
    const uint16_t published = static_cast<uint16_t>(usedIdxShadow_ - lastUsed_);
    // check devicenormative:Reserved Feature Bits#5
    // (in-order use: an element naming a later buffer has to come with used->idx stepping over the earlier ones)
    if (k > published) {
      violate(clause::kInOrder, "split.in_order_violation",
              "used element names a later buffer than used->idx accounts for (buffers used out of order)",
              {{"id", e.id}, {"batch", k}, {"published", published}, {"used_pos", lastUsed_}});
      return false;
    }
  }
  // check devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Used Ring#2
  // (len counts bytes the device wrote into the chain's writable buffers, so it cannot exceed their total)
  if (e.len > h.writable) {
    violate(clause::kUsedRingLen, "split.used_len_too_large",
            "used len is larger than the chain's device-writable bytes",
            {{"id", e.id}, {"len", e.len}, {"writable", h.writable}});
    return false;
  }
  batchLeft_ = k;
  batchLastHead_ = static_cast<uint16_t>(e.id);
  batchLastLen_ = e.len;
  return deliver(cookie, len);
}

bool SplitDriverQueue::hasUsed() {
  if (batchLeft_ != 0) return true;
  if (!configured_ || broken_) return false;
  if (lastUsed_ != usedIdxShadow_) return true;
  uint16_t idx = 0;
  // acquire: pairs with the device's used->idx release, like getUsed()
  if (!dev_.load16Acquire(split::usedIdxOff(), &idx)) {
    accessFailed();
    return false;
  }
  return idx != lastUsed_;
}

void SplitDriverQueue::disableInterrupts() {
  if (!configured_ || irqDisabled_) return;
  irqDisabled_ = true;
  if (rf_.eventIdx) {
    // EVENT_IDX: avail->flags must stay 0; park used_event one behind our position, which the device can only
    // reach after 2^16 more entries (a hint: no ordering needed)
    if (!drv_.store16(split::usedEventOff(addrs_.size), static_cast<uint16_t>(lastUsed_ - 1))) accessFailed();
  } else {
    availFlagsShadow_ |= split::kAvailFNoInterrupt;
    if (!drv_.store16(split::availFlagsOff(), availFlagsShadow_)) accessFailed();  // a hint: no ordering needed
  }
}

bool SplitDriverQueue::enableInterrupts() {
  if (!configured_) return false;
  irqDisabled_ = false;
  if (rf_.eventIdx) {
    // ask for a notification when the device writes the entry after the ones we already know about
    const uint16_t ev = static_cast<uint16_t>(lastUsed_ + batchLeft_);
    if (!drv_.store16(split::usedEventOff(addrs_.size), ev)) accessFailed();
  } else {
    availFlagsShadow_ &= static_cast<uint16_t>(~split::kAvailFNoInterrupt);
    if (!drv_.store16(split::availFlagsOff(), availFlagsShadow_)) accessFailed();
  }
  // full barrier: the re-enable store is visible before we look for used buffers that raced with it
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  return hasUsed();
}

bool SplitDriverQueue::detachUnused(uint64_t* cookie) {
  if (!configured_) return false;
  batchLeft_ = 0;  // a half-delivered batch is simply dropped with the rest
  for (; detachPos_ < addrs_.size; ++detachPos_) {
    if (!heads_[detachPos_].outstanding) continue;
    *cookie = heads_[detachPos_].cookie;
    freeChain(static_cast<uint16_t>(detachPos_));
    --inFlight_;
    ++detachPos_;
    return true;
  }
  return false;
}

}  // namespace vsim::drv

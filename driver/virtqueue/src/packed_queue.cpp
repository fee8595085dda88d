// Packed virtqueue, driver side. Ring layout and the flag helpers come from vsim/abi/ring_packed.h.
#include "vsim/drv/packed_queue.h"

#include <algorithm>
#include <limits>

#include "vsim/abi/notification.h"
#include "vsim/abi/ring_split.h"  // split::needEvent: the same wrap-safe event test is used for packed offsets

namespace vsim::drv {

namespace {
uint32_t capLen(uint64_t v) { return static_cast<uint32_t>(std::min<uint64_t>(v, std::numeric_limits<uint32_t>::max())); }
constexpr uint16_t availBits(bool wrap) { return wrap ? packed::kDescFAvail : packed::kDescFUsed; }
constexpr uint64_t kFlagsOff = 14;  // inside a 16-byte packed descriptor
constexpr uint64_t kEvOffWrap = 0, kEvFlags = 2;  // inside an event suppression structure
}  // namespace

bool PackedDriverQueue::configure(uint32_t size, uint64_t features, GuestMemory& mem, GuestAllocator& alloc,
                                  int queueIndex) {
  configured_ = false;
  if (size == 0 || size > packed::kMaxQueueSize) return false;
  if (!configureAreas(size, features, mem, alloc, queueIndex, packed::kDescAlign, packed::descBytes(size),
                      packed::kEventAlign, sizeof(packed::EventSuppress), packed::kEventAlign,
                      sizeof(packed::EventSuppress)))
    return false;
  bufs_.assign(size, Buffer{});
  freeIds_.clear();
  freeIds_.reserve(size);
  scratch_.assign(pool_.enabled() ? pool_.maxLen() : 0, packed::Desc{});
  initState();
  configured_ = true;
  return true;
}

void PackedDriverQueue::initState() {
  const uint32_t n = addrs_.size;
  nextAvail_ = lastUsed_ = 0;
  availWrap_ = usedWrap_ = true;  // both wrap counters start at 1
  eventFlagsShadow_ = packed::kEventFlagsEnable;
  forceNotify_ = false;
  freeIds_.clear();
  for (uint32_t i = n; i-- > 0;) freeIds_.push_back(static_cast<uint16_t>(i));  // pop hands out id 0 first
  nextId_ = oldestId_ = 0;
  seqAdded_ = seqDone_ = 0;
  batchLeft_ = 0;
  batchLastId_ = 0;
  batchLastLen_ = 0;
  detachPos_ = 0;
  std::fill(bufs_.begin(), bufs_.end(), Buffer{});
  numFree_ = n;
  inFlight_ = numAdded_ = 0;
  irqDisabled_ = false;
  broken_ = false;
  pool_.recycleAll();
}

void PackedDriverQueue::reset() {
  if (!configured_) return;
  const bool zeroed = desc_.zero() && drv_.zero() && dev_.zero();
  initState();
  if (!zeroed) accessFailed();
}

int PackedDriverQueue::add(const Buf* bufs, size_t n, uint64_t cookie, bool useIndirect) {
  if (!configured_ || broken_) return kAddBroken;
  if (n == 0 || bufs == nullptr) return kAddInvalid;
  // A list no longer than the queue; indirect tables too: the device's limit is unknown here, and the queue size is
  // the one bound every device accepts (drivernormative:Basic Facilities of a Virtio Device / Packed Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#3).
  if (n > addrs_.size) return kAddInvalid;
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
  uint16_t id;
  if (rf_.inOrder) {
    id = nextId_;  // IN_ORDER: buffer ids handed out (and so completed) in sequence
    if (bufs_[id].outstanding) return kAddNoSpace;
  } else {
    if (freeIds_.empty()) return kAddNoSpace;
    id = freeIds_.back();
  }
  int32_t table = -1;
  if (useIndirect && (table = pool_.take()) < 0) return kAddNoSpace;

  const uint16_t head = nextAvail_;
  uint16_t headFlags;
  if (useIndirect) {
    for (size_t i = 0; i < n; ++i)  // in an indirect table only WRITE is meaningful; the id is reserved
      scratch_[i] = packed::Desc{bufs[i].addr, bufs[i].len, 0,
                                 static_cast<uint16_t>(bufs[i].writable ? packed::kDescFWrite : 0)};
    if (!pool_.write(table, scratch_.data(), n)) accessFailed();
    const packed::Desc d{pool_.gpa(table), static_cast<uint32_t>(n * 16), id, 0};
    if (!desc_.write(16ull * head, &d, kFlagsOff)) accessFailed();  // head body now, its flags last
    headFlags = static_cast<uint16_t>(packed::kDescFIndirect | availBits(availWrap_));
    if (++nextAvail_ == addrs_.size) {
      nextAvail_ = 0;
      availWrap_ = !availWrap_;
    }
  } else {
    uint32_t slot = head;
    bool wrap = availWrap_;
    headFlags = 0;
    for (size_t k = 0; k < n; ++k) {
      const uint16_t flags = static_cast<uint16_t>((bufs[k].writable ? packed::kDescFWrite : 0) |
                                                   (k + 1 < n ? packed::kDescFNext : 0) | availBits(wrap));
      const packed::Desc d{bufs[k].addr, bufs[k].len, id, flags};
      if (k == 0) {
        headFlags = flags;
        if (!desc_.write(16ull * slot, &d, kFlagsOff)) accessFailed();  // head body now, its flags last
      } else if (!desc_.write(16ull * slot, &d, sizeof d)) {
        accessFailed();
      }
      if (++slot == addrs_.size) {  // a chain may run over the end of the ring: flip the wrap counter there
        slot = 0;
        wrap = !wrap;
      }
    }
    nextAvail_ = static_cast<uint16_t>(slot);
    availWrap_ = wrap;
  }
  // release: every descriptor of the chain (and its indirect table) before the head's flags make it available
  if (!desc_.store16Release(16ull * head + kFlagsOff, headFlags)) accessFailed();

  Buffer& b = bufs_[id];
  b.cookie = cookie;
  b.writable = writable;
  b.table = table;
  b.ndescs = static_cast<uint16_t>(need);
  b.seq = seqAdded_++;
  b.outstanding = true;
  if (rf_.inOrder)
    nextId_ = static_cast<uint16_t>(uint32_t{id} + 1u == addrs_.size ? 0 : id + 1);
  else
    freeIds_.pop_back();
  numFree_ -= need;
  ++inFlight_;
  numAdded_ += need;
  if (numAdded_ >= addrs_.size) forceNotify_ = true;  // offsets would alias: notify unconditionally
  return broken_ ? static_cast<int>(kAddBroken) : static_cast<int>(id);
}

bool PackedDriverQueue::needsNotify() {
  if (!configured_ || broken_) return false;
  if (numAdded_ == 0 && !forceNotify_) return false;
  const uint16_t newOff = nextAvail_;
  const uint16_t oldOff = static_cast<uint16_t>(nextAvail_ - numAdded_);
  const bool force = forceNotify_;
  numAdded_ = 0;
  forceNotify_ = false;
  // full barrier: the head flags store is visible to the device before we read its event suppression structure
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  packed::EventSuppress ev{};
  if (!dev_.read(0, &ev, sizeof ev)) {
    accessFailed();
    return false;
  }
  if (force) return true;
  switch (ev.flags & 3) {
    case packed::kEventFlagsDisable:
      return false;
    case packed::kEventFlagsDesc:
      if (rf_.eventIdx) {
        uint16_t event = static_cast<uint16_t>(ev.offWrap & 0x7fff);
        const bool wrap = (ev.offWrap >> 15) != 0;
        // an event offset from the other lap is one ring length behind ours (Linux does the same)
        if (wrap != availWrap_) event = static_cast<uint16_t>(event - addrs_.size);
        return split::needEvent(event, newOff, oldOff);
      }
      return true;  // DESC without EVENT_IDX is meaningless: notify (spurious notifications are allowed)
    default:
      return true;  // ENABLE, or the reserved value 3: notify
  }
}

uint32_t PackedDriverQueue::notificationData() const {
  NotificationData nd;
  nd.vqIndex = static_cast<uint16_t>(index_);
  nd.nextOff = nextAvail_;     // packed: offset of the next descriptor we will make available
  nd.nextWrap = availWrap_;    // and the Driver Ring Wrap Counter that goes with it
  return nd.encode();
}

void PackedDriverQueue::freeId(uint16_t id) {
  Buffer& b = bufs_[id];
  b.outstanding = false;
  if (b.table >= 0) {
    pool_.give(b.table);
    b.table = -1;
  }
  numFree_ += b.ndescs;
  if (rf_.inOrder)
    oldestId_ = static_cast<uint16_t>(uint32_t{id} + 1u == addrs_.size ? 0 : id + 1);
  else
    freeIds_.push_back(id);
}

inline bool PackedDriverQueue::deliver(uint64_t* cookie, uint32_t* len) {
  // IN_ORDER: the batch ends at batchLastId_; every earlier outstanding buffer completed in full.
  const uint16_t id = rf_.inOrder ? oldestId_ : batchLastId_;
  const Buffer& b = bufs_[id];
  if (cookie) *cookie = b.cookie;
  if (len) *len = batchLeft_ == 1 ? batchLastLen_ : capLen(b.writable);
  uint32_t next = uint32_t{lastUsed_} + b.ndescs;  // the used descriptor stands for all of the buffer's slots
  if (next >= addrs_.size) {
    next -= addrs_.size;
    usedWrap_ = !usedWrap_;
  }
  lastUsed_ = static_cast<uint16_t>(next);
  freeId(id);
  --batchLeft_;
  --inFlight_;
  ++seqDone_;
  if (batchLeft_ == 0 && rf_.eventIdx && eventFlagsShadow_ == packed::kEventFlagsDesc) {
    const uint16_t offWrap = static_cast<uint16_t>(lastUsed_ | (usedWrap_ ? 0x8000 : 0));
    if (!drv_.store16(kEvOffWrap, offWrap)) accessFailed();
    // full barrier: the new off_wrap is visible before we next poll the ring, so no notification is lost
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
  }
  return true;
}

bool PackedDriverQueue::getUsed(uint64_t* cookie, uint32_t* len) {
  if (batchLeft_ != 0) return deliver(cookie, len);
  if (!configured_ || broken_) return false;
  uint16_t flags = 0;
  // acquire: the used descriptor's id and len are read only after its flags say it is used
  if (!desc_.load16Acquire(16ull * lastUsed_ + kFlagsOff, &flags)) {
    accessFailed();
    return false;
  }
  if (!packed::isUsed(flags, usedWrap_)) {
    // check devicenormative:Basic Facilities of a Virtio Device / Packed Virtqueues#2 (nearest)
    // (while buffers are outstanding the polled slot holds what we wrote or a used descriptor of this lap,
    // stamped with the device's wrap counter; any other AVAIL/USED pattern is a mis-written used descriptor)
    if (inFlight_ > 0 && !packed::isAvail(flags, usedWrap_)) {
      violate(clause::kPackedUsedOrder, "packed.used_flags_bad_wrap",
              "descriptor at the next used position has an AVAIL/USED pattern that is neither available nor used "
              "for the current wrap counter",
              {{"slot", lastUsed_}, {"flags", flags}, {"used_wrap", usedWrap_}});
    }
    return false;
  }
  packed::Desc d{};
  if (!desc_.read(16ull * lastUsed_, &d, kFlagsOff)) {  // addr, len, id (flags already read)
    accessFailed();
    return false;
  }
  // check devicenormative:Basic Facilities of a Virtio Device / Packed Virtqueues / The Virtqueue Descriptor Table#3 (nearest)
  // (a device only uses what was made available, so the buffer id has to be one we handed out)
  if (d.id >= addrs_.size) {
    violate(clause::kPackedUseOnlyAvail, "packed.used_id_out_of_range", "used descriptor has an unknown buffer id",
            {{"id", d.id}, {"size", addrs_.size}, {"slot", lastUsed_}});
    return false;
  }
  const Buffer& b = bufs_[d.id];
  // check devicenormative:Basic Facilities of a Virtio Device / Packed Virtqueues / The Virtqueue Descriptor Table#3 (nearest)
  // (the id has to belong to a buffer that is outstanding: made available, not yet returned)
  if (!b.outstanding) {
    violate(clause::kPackedUseOnlyAvail, "packed.used_id_not_outstanding",
            "used descriptor names a buffer id that is not outstanding",
            {{"id", d.id}, {"slot", lastUsed_}, {"outstanding", inFlight_}});
    return false;
  }
  // IN_ORDER: one used descriptor may stand for every buffer from the oldest outstanding one up to id.
  const uint32_t k = rf_.inOrder ? static_cast<uint16_t>(b.seq - seqDone_) + 1u : 1u;
  // check devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Used Ring#2 (nearest)
  // (the packed chapter has no statement of its own; len counts bytes the device wrote into the buffer's
  // writable part, so it cannot exceed that part)
  if (d.len > b.writable) {
    violate(clause::kUsedRingLen, "packed.used_len_too_large",
            "used len is larger than the buffer's device-writable bytes",
            {{"id", d.id}, {"len", d.len}, {"writable", b.writable}});
    return false;
  }
  batchLeft_ = k;
  batchLastId_ = d.id;
  batchLastLen_ = d.len;
  return deliver(cookie, len);
}

bool PackedDriverQueue::usedAtLastUsed() {
  uint16_t flags = 0;
  // acquire: pairs with the device's release of the used descriptor's flags, like getUsed()
  if (!desc_.load16Acquire(16ull * lastUsed_ + kFlagsOff, &flags)) {
    accessFailed();
    return false;
  }
  return packed::isUsed(flags, usedWrap_);
}

bool PackedDriverQueue::hasUsed() {
  if (batchLeft_ != 0) return true;
  if (!configured_ || broken_) return false;
  return usedAtLastUsed();
}

void PackedDriverQueue::disableInterrupts() {
  if (!configured_ || irqDisabled_) return;
  irqDisabled_ = true;
  eventFlagsShadow_ = packed::kEventFlagsDisable;
  if (!drv_.store16(kEvFlags, eventFlagsShadow_)) accessFailed();  // a hint: no ordering needed
}

bool PackedDriverQueue::enableInterrupts() {
  if (!configured_) return false;
  irqDisabled_ = false;
  if (rf_.eventIdx) {
    // ask for a notification at the first slot after the buffers we already know are used
    uint32_t pos = lastUsed_;
    bool wrap = usedWrap_;
    if (batchLeft_ != 0) {
      uint16_t id = oldestId_;  // batches only exist with IN_ORDER: ids are consecutive
      for (uint32_t i = 0; i < batchLeft_; ++i) {
        pos += bufs_[id].ndescs;
        id = static_cast<uint16_t>(uint32_t{id} + 1u == addrs_.size ? 0 : id + 1);
      }
      if (pos >= addrs_.size) {
        pos -= addrs_.size;
        wrap = !wrap;
      }
    }
    const uint16_t offWrap = static_cast<uint16_t>(pos | (wrap ? 0x8000 : 0));
    if (!drv_.store16(kEvOffWrap, offWrap)) accessFailed();
    eventFlagsShadow_ = packed::kEventFlagsDesc;
    // release: off_wrap before the flags value that tells the device to use it
    if (!drv_.store16Release(kEvFlags, eventFlagsShadow_)) accessFailed();
  } else {
    eventFlagsShadow_ = packed::kEventFlagsEnable;
    if (!drv_.store16(kEvFlags, eventFlagsShadow_)) accessFailed();
  }
  // full barrier: the re-enable store is visible before we look for used descriptors that raced with it
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  return hasUsed();
}

bool PackedDriverQueue::detachUnused(uint64_t* cookie) {
  if (!configured_) return false;
  batchLeft_ = 0;  // a half-delivered batch is simply dropped with the rest
  for (; detachPos_ < addrs_.size; ++detachPos_) {
    Buffer& b = bufs_[detachPos_];
    if (!b.outstanding) continue;
    *cookie = b.cookie;
    b.outstanding = false;
    if (b.table >= 0) {
      pool_.give(b.table);
      b.table = -1;
    }
    numFree_ += b.ndescs;
    --inFlight_;
    ++detachPos_;
    return true;
  }
  return false;
}

}  // namespace vsim::drv

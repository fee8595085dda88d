// Raw ring builders: every access through GuestMemory's checked accessors, nothing validated.
#include "vsim/drv/raw_ring.h"

namespace vsim::drv {

namespace {
constexpr DmaKind kK = DmaKind::Other;  // driver/test-side accesses are not device DMA
template <class T>
T loadOr0(const GuestMemory& m, uint64_t gpa, bool* ok) {
  T v{};
  const bool r = m.load(gpa, &v, kK);
  if (ok) *ok = r;
  return r ? v : T{};
}
}  // namespace

// ---------------------------------------------------------------------------------------------------- split

uint16_t RawSplitRing::load16(uint64_t gpa, bool* ok) const { return loadOr0<uint16_t>(mem_, gpa, ok); }

bool RawSplitRing::writeDesc(uint32_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next) {
  return writeDesc(i, split::Desc{addr, len, flags, next});
}
bool RawSplitRing::writeDesc(uint32_t i, const split::Desc& d) { return mem_.store(a_.desc + 16ull * i, d, kK); }
split::Desc RawSplitRing::readDesc(uint32_t i, bool* ok) const {
  return loadOr0<split::Desc>(mem_, a_.desc + 16ull * i, ok);
}
bool RawSplitRing::writeIndirectTable(uint64_t gpa, const split::Desc* descs, size_t n) {
  return mem_.write(gpa, descs, 16ull * n, kK);
}

bool RawSplitRing::setAvailFlags(uint16_t v) { return mem_.storeRelaxed16(a_.driver + split::availFlagsOff(), v, kK); }
bool RawSplitRing::setAvailIdx(uint16_t v) {
  // release: descriptors and avail ring entries written before are visible before avail->idx
  return mem_.storeRelease16(a_.driver + split::availIdxOff(), v, kK);
}
bool RawSplitRing::setAvailRing(uint32_t i, uint16_t head) {
  return mem_.store(a_.driver + split::availRingOff(i), head, kK);
}
bool RawSplitRing::setUsedEvent(uint16_t v) {
  return mem_.storeRelaxed16(a_.driver + split::usedEventOff(a_.size), v, kK);
}
uint16_t RawSplitRing::readAvailFlags(bool* ok) const { return load16(a_.driver + split::availFlagsOff(), ok); }
uint16_t RawSplitRing::readAvailIdx(bool* ok) const {
  uint16_t v = 0;
  // acquire: avail ring entries and descriptors read after this are at least as new as the idx
  const bool r = mem_.loadAcquire16(a_.driver + split::availIdxOff(), &v, kK);
  if (ok) *ok = r;
  return r ? v : 0;
}
uint16_t RawSplitRing::readAvailRing(uint32_t i, bool* ok) const { return load16(a_.driver + split::availRingOff(i), ok); }
uint16_t RawSplitRing::readUsedEvent(bool* ok) const { return load16(a_.driver + split::usedEventOff(a_.size), ok); }

bool RawSplitRing::setUsedFlags(uint16_t v) { return mem_.storeRelaxed16(a_.device + split::usedFlagsOff(), v, kK); }
bool RawSplitRing::setUsedIdx(uint16_t v) {
  // release: used elements (and buffer contents) written before are visible before used->idx
  return mem_.storeRelease16(a_.device + split::usedIdxOff(), v, kK);
}
bool RawSplitRing::setUsedElem(uint32_t i, uint32_t id, uint32_t len) {
  return mem_.store(a_.device + split::usedRingOff(i), split::UsedElem{id, len}, kK);
}
bool RawSplitRing::setAvailEvent(uint16_t v) {
  return mem_.storeRelaxed16(a_.device + split::availEventOff(a_.size), v, kK);
}
uint16_t RawSplitRing::readUsedFlags(bool* ok) const { return load16(a_.device + split::usedFlagsOff(), ok); }
uint16_t RawSplitRing::readUsedIdx(bool* ok) const {
  uint16_t v = 0;
  // acquire: used elements read after this are at least as new as the idx
  const bool r = mem_.loadAcquire16(a_.device + split::usedIdxOff(), &v, kK);
  if (ok) *ok = r;
  return r ? v : 0;
}
split::UsedElem RawSplitRing::readUsedElem(uint32_t i, bool* ok) const {
  return loadOr0<split::UsedElem>(mem_, a_.device + split::usedRingOff(i), ok);
}
uint16_t RawSplitRing::readAvailEvent(bool* ok) const {
  return load16(a_.device + split::availEventOff(a_.size), ok);
}

int RawSplitRing::addChain(const Buf* bufs, size_t n, bool publishIdx) {
  const uint32_t head = slot(descCursor_);
  bool ok = true;
  uint32_t i = head;
  for (size_t k = 0; k < n; ++k) {
    const uint32_t nx = slot(i + 1);
    const uint16_t flags = static_cast<uint16_t>((bufs[k].writable ? split::kDescFWrite : 0) |
                                                 (k + 1 < n ? split::kDescFNext : 0));
    ok &= writeDesc(i, bufs[k].addr, bufs[k].len, flags, static_cast<uint16_t>(nx));
    i = nx;
  }
  descCursor_ = i;
  ok &= setAvailRing(slot(availCursor_), static_cast<uint16_t>(head));
  ++availCursor_;
  if (publishIdx) ok &= publish();
  return ok ? static_cast<int>(head) : -1;
}

int RawSplitRing::addIndirectChain(uint64_t tableGpa, const Buf* bufs, size_t n, bool publishIdx) {
  bool ok = true;
  for (size_t k = 0; k < n; ++k) {
    const bool more = k + 1 < n;
    const split::Desc d{bufs[k].addr, bufs[k].len,
                        static_cast<uint16_t>((bufs[k].writable ? split::kDescFWrite : 0) |
                                              (more ? split::kDescFNext : 0)),
                        static_cast<uint16_t>(more ? k + 1 : 0)};
    ok &= mem_.store(tableGpa + 16ull * k, d, kK);
  }
  const uint32_t head = slot(descCursor_);
  ok &= writeDesc(head, tableGpa, static_cast<uint32_t>(16 * n), split::kDescFIndirect, 0);
  descCursor_ = slot(head + 1);
  ok &= setAvailRing(slot(availCursor_), static_cast<uint16_t>(head));
  ++availCursor_;
  if (publishIdx) ok &= publish();
  return ok ? static_cast<int>(head) : -1;
}

bool RawSplitRing::pushUsed(uint32_t id, uint32_t len, bool publishIdx) {
  bool ok = setUsedElem(slot(usedCursor_), id, len);
  ++usedCursor_;
  if (publishIdx) ok &= setUsedIdx(usedCursor_);
  return ok;
}

bool RawSplitRing::popUsed(split::UsedElem* out) {
  bool ok = false;
  const uint16_t idx = readUsedIdx(&ok);
  if (!ok || idx == consumeCursor_) return false;
  *out = readUsedElem(slot(consumeCursor_), &ok);
  if (!ok) return false;
  ++consumeCursor_;
  return true;
}

// --------------------------------------------------------------------------------------------------- packed

bool RawPackedRing::writeDesc(uint32_t slot, uint64_t addr, uint32_t len, uint16_t id, uint16_t flags) {
  const uint64_t g = a_.desc + 16ull * slot;
  bool ok = mem_.store(g, addr, kK) && mem_.store(g + 8, len, kK) && mem_.store(g + 12, id, kK);
  // release: addr/len/id before the flags that hand the descriptor over
  return ok && mem_.storeRelease16(g + 14, flags, kK);
}
bool RawPackedRing::writeDescRaw(uint32_t slot, const packed::Desc& d) {
  return mem_.store(a_.desc + 16ull * slot, d, kK);
}
bool RawPackedRing::writeDescFlags(uint32_t slot, uint16_t flags) {
  // release: whatever was written before is visible before the new flags
  return mem_.storeRelease16(a_.desc + 16ull * slot + 14, flags, kK);
}
packed::Desc RawPackedRing::readDesc(uint32_t slot, bool* ok) const {
  const uint64_t g = a_.desc + 16ull * slot;
  packed::Desc d{};
  // acquire: the rest of the descriptor is read after its flags
  bool r = mem_.loadAcquire16(g + 14, &d.flags, kK);
  r = r && mem_.load(g, &d.addr, kK) && mem_.load(g + 8, &d.len, kK) && mem_.load(g + 12, &d.id, kK);
  if (ok) *ok = r;
  return r ? d : packed::Desc{};
}
bool RawPackedRing::writeIndirectTable(uint64_t gpa, const packed::Desc* descs, size_t n) {
  return mem_.write(gpa, descs, 16ull * n, kK);
}

bool RawPackedRing::setDriverEvent(uint16_t offWrap, uint16_t flags) {
  // release: off_wrap before flags (the flags decide whether off_wrap is looked at)
  return mem_.storeRelaxed16(a_.driver, offWrap, kK) && mem_.storeRelease16(a_.driver + 2, flags, kK);
}
packed::EventSuppress RawPackedRing::readDriverEvent(bool* ok) const {
  return loadOr0<packed::EventSuppress>(mem_, a_.driver, ok);
}
bool RawPackedRing::setDeviceEvent(uint16_t offWrap, uint16_t flags) {
  // release: off_wrap before flags (the flags decide whether off_wrap is looked at)
  return mem_.storeRelaxed16(a_.device, offWrap, kK) && mem_.storeRelease16(a_.device + 2, flags, kK);
}
packed::EventSuppress RawPackedRing::readDeviceEvent(bool* ok) const {
  return loadOr0<packed::EventSuppress>(mem_, a_.device, ok);
}

void RawPackedRing::advance(uint32_t* slot, bool* wrap, uint32_t by) const {
  if (a_.size == 0) return;
  *slot += by;
  while (*slot >= a_.size) {
    *slot -= a_.size;
    *wrap = !*wrap;
  }
}

int RawPackedRing::addChain(const Buf* bufs, size_t n, uint16_t id) {
  const uint32_t head = availCursor_;
  uint32_t s = availCursor_;
  bool w = availWrap_;
  bool ok = true;
  uint16_t headFlags = 0;
  for (size_t k = 0; k < n; ++k) {
    const uint16_t flags = static_cast<uint16_t>((bufs[k].writable ? packed::kDescFWrite : 0) |
                                                 (k + 1 < n ? packed::kDescFNext : 0) | availFlagsFor(w));
    if (k == 0) {
      headFlags = flags;
      const uint64_t g = a_.desc + 16ull * s;
      ok &= mem_.store(g, bufs[k].addr, kK) && mem_.store(g + 8, bufs[k].len, kK) && mem_.store(g + 12, id, kK);
    } else {
      ok &= writeDescRaw(s, packed::Desc{bufs[k].addr, bufs[k].len, id, flags});
    }
    advance(&s, &w, 1);
  }
  // release: the whole chain before the head's flags make it available
  if (n > 0) ok &= writeDescFlags(head, headFlags);
  availCursor_ = s;
  availWrap_ = w;
  return ok ? static_cast<int>(head) : -1;
}

int RawPackedRing::addIndirectChain(uint64_t tableGpa, const Buf* bufs, size_t n, uint16_t id) {
  bool ok = true;
  for (size_t k = 0; k < n; ++k) {
    const packed::Desc d{bufs[k].addr, bufs[k].len, 0,
                         static_cast<uint16_t>(bufs[k].writable ? packed::kDescFWrite : 0)};
    ok &= mem_.store(tableGpa + 16ull * k, d, kK);
  }
  const uint32_t head = availCursor_;
  // writeDesc: table pointer first, then the head flags with release
  ok &= writeDesc(head, tableGpa, static_cast<uint32_t>(16 * n), id,
                  static_cast<uint16_t>(packed::kDescFIndirect | availFlagsFor(availWrap_)));
  advance(&availCursor_, &availWrap_, 1);
  return ok ? static_cast<int>(head) : -1;
}

bool RawPackedRing::writeUsed(uint32_t slot, uint16_t id, uint32_t len, bool wrap) {
  const uint64_t g = a_.desc + 16ull * slot;
  bool ok = mem_.store(g + 8, len, kK) && mem_.store(g + 12, id, kK);
  // release: id and len before the flags that mark the descriptor used
  return ok && mem_.storeRelease16(g + 14, usedFlagsFor(wrap), kK);
}

bool RawPackedRing::pushUsed(uint16_t id, uint32_t len, uint32_t skip) {
  const bool ok = writeUsed(usedCursor_, id, len, usedWrap_);
  advance(&usedCursor_, &usedWrap_, skip);
  return ok;
}

}  // namespace vsim::drv

// Raw ring builders: write ANY split or packed ring content, including malformed, with no validation at all.
//
// For tests, fuzzers, the conformance suite and Python: build descriptor tables / rings / indirect tables /
// index and suppression fields exactly as wanted, from either side (driver fields and device fields), and read
// everything back. Indices are not reduced modulo the queue size unless a method says so: an out-of-range index
// simply addresses memory past the area. Every access still goes through GuestMemory, so nothing outside guest
// memory is ever touched: a write that does not fit returns false, a read that does not fit returns 0 and sets
// *ok = false.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "vsim/abi/ring_packed.h"
#include "vsim/abi/ring_split.h"
#include "vsim/drv/types.h"
#include "vsim/guest_memory.h"

namespace vsim::drv {

class RawSplitRing {
 public:
  RawSplitRing(GuestMemory& mem, const RingAddrs& addrs) : mem_(mem), a_(addrs) {}
  const RingAddrs& addrs() const { return a_; }
  GuestMemory& memory() const { return mem_; }

  // --- descriptor table -----------------------------------------------------------------------------------
  bool writeDesc(uint32_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next);
  bool writeDesc(uint32_t i, const split::Desc& d);
  split::Desc readDesc(uint32_t i, bool* ok = nullptr) const;
  /// Write n descriptors at gpa (an indirect table; or any table anywhere).
  bool writeIndirectTable(uint64_t gpa, const split::Desc* descs, size_t n);
  bool writeIndirectTable(uint64_t gpa, const std::vector<split::Desc>& descs) {
    return writeIndirectTable(gpa, descs.data(), descs.size());
  }

  // --- driver area (available ring) ----------------------------------------------------------------------
  bool setAvailFlags(uint16_t v);
  /// Release store: everything written before is visible before the new idx.
  bool setAvailIdx(uint16_t v);
  /// avail->ring[i] = head (i is the raw slot, not reduced modulo size).
  bool setAvailRing(uint32_t i, uint16_t head);
  bool setUsedEvent(uint16_t v);
  uint16_t readAvailFlags(bool* ok = nullptr) const;
  uint16_t readAvailIdx(bool* ok = nullptr) const;  ///< acquire
  uint16_t readAvailRing(uint32_t i, bool* ok = nullptr) const;
  uint16_t readUsedEvent(bool* ok = nullptr) const;

  // --- device area (used ring) ---------------------------------------------------------------------------
  bool setUsedFlags(uint16_t v);
  /// Release store: used elements written before are visible before the new idx.
  bool setUsedIdx(uint16_t v);
  /// used->ring[i] = {id, len} (raw slot).
  bool setUsedElem(uint32_t i, uint32_t id, uint32_t len);
  bool setAvailEvent(uint16_t v);
  uint16_t readUsedFlags(bool* ok = nullptr) const;
  uint16_t readUsedIdx(bool* ok = nullptr) const;  ///< acquire
  split::UsedElem readUsedElem(uint32_t i, bool* ok = nullptr) const;
  uint16_t readAvailEvent(bool* ok = nullptr) const;

  // --- conveniences with cursors (well-formed content; still no checks) ----------------------------------
  /// Build a chain of n descriptors at the descriptor cursor (consecutive, wrapping modulo size), put its head
  /// in the avail ring at the avail cursor and, if publish, store avail->idx. Returns the head index or -1 if a
  /// write failed.
  int addChain(const Buf* bufs, size_t n, bool publish = true);
  int addChain(const std::vector<Buf>& bufs, bool publish = true) { return addChain(bufs.data(), bufs.size(), publish); }
  /// Same with one ring descriptor pointing at an indirect table written at tableGpa.
  int addIndirectChain(uint64_t tableGpa, const Buf* bufs, size_t n, bool publish = true);
  /// Store avail->idx = the avail cursor (release).
  bool publish() { return setAvailIdx(availCursor_); }
  /// Device side: write used->ring[used cursor] = {id, len} and (if publish) used->idx = cursor + 1 (release).
  bool pushUsed(uint32_t id, uint32_t len, bool publish = true);
  /// Driver side: if used->idx moved past the consume cursor, read that element and advance.
  bool popUsed(split::UsedElem* out);

  uint32_t descCursor() const { return descCursor_; }
  uint16_t availCursor() const { return availCursor_; }
  uint16_t usedCursor() const { return usedCursor_; }
  uint16_t consumeCursor() const { return consumeCursor_; }
  void setDescCursor(uint32_t v) { descCursor_ = v; }
  void setAvailCursor(uint16_t v) { availCursor_ = v; }
  void setUsedCursor(uint16_t v) { usedCursor_ = v; }
  void setConsumeCursor(uint16_t v) { consumeCursor_ = v; }

 private:
  uint32_t slot(uint32_t i) const { return a_.size ? i % a_.size : 0; }
  uint16_t load16(uint64_t gpa, bool* ok) const;
  GuestMemory& mem_;
  RingAddrs a_;
  uint32_t descCursor_ = 0;
  uint16_t availCursor_ = 0, usedCursor_ = 0, consumeCursor_ = 0;
};

class RawPackedRing {
 public:
  RawPackedRing(GuestMemory& mem, const RingAddrs& addrs) : mem_(mem), a_(addrs) {}
  const RingAddrs& addrs() const { return a_; }
  GuestMemory& memory() const { return mem_; }

  /// Flags bits that mark a descriptor available (driver) / used (device) for a given wrap counter.
  static constexpr uint16_t availFlagsFor(bool wrap) { return wrap ? packed::kDescFAvail : packed::kDescFUsed; }
  static constexpr uint16_t usedFlagsFor(bool wrap) {
    return wrap ? static_cast<uint16_t>(packed::kDescFAvail | packed::kDescFUsed) : 0;
  }

  // --- descriptor ring --------------------------------------------------------------------------------------
  /// Write addr/len/id, then flags with a release store (so the descriptor is complete when flags change).
  bool writeDesc(uint32_t slot, uint64_t addr, uint32_t len, uint16_t id, uint16_t flags);
  bool writeDesc(uint32_t slot, const packed::Desc& d) { return writeDesc(slot, d.addr, d.len, d.id, d.flags); }
  /// Write all 16 bytes in one plain copy (no ordering: for building content before anyone looks).
  bool writeDescRaw(uint32_t slot, const packed::Desc& d);
  /// Release store of one descriptor's flags.
  bool writeDescFlags(uint32_t slot, uint16_t flags);
  /// Flags first (acquire), then the rest.
  packed::Desc readDesc(uint32_t slot, bool* ok = nullptr) const;
  bool writeIndirectTable(uint64_t gpa, const packed::Desc* descs, size_t n);
  bool writeIndirectTable(uint64_t gpa, const std::vector<packed::Desc>& descs) {
    return writeIndirectTable(gpa, descs.data(), descs.size());
  }

  // --- event suppression structures -------------------------------------------------------------------------
  /// Driver event suppression (driver area): off_wrap, then flags (release).
  bool setDriverEvent(uint16_t offWrap, uint16_t flags);
  packed::EventSuppress readDriverEvent(bool* ok = nullptr) const;
  /// Device event suppression (device area): off_wrap, then flags (release).
  bool setDeviceEvent(uint16_t offWrap, uint16_t flags);
  packed::EventSuppress readDeviceEvent(bool* ok = nullptr) const;

  // --- conveniences with cursors (well-formed content; still no checks) ----------------------------------
  /// Driver side: chain of n descriptors at the avail cursor with buffer id, head flags written last (release);
  /// the cursor and its wrap counter advance. Returns the head slot or -1 if a write failed.
  int addChain(const Buf* bufs, size_t n, uint16_t id);
  int addChain(const std::vector<Buf>& bufs, uint16_t id) { return addChain(bufs.data(), bufs.size(), id); }
  int addIndirectChain(uint64_t tableGpa, const Buf* bufs, size_t n, uint16_t id);
  /// Device side: used descriptor {id, len} at slot with the used pattern for wrap (flags last, release).
  bool writeUsed(uint32_t slot, uint16_t id, uint32_t len, bool wrap);
  /// Device side, with the used cursor: writeUsed at the cursor, then advance it by skip slots (the number of
  /// descriptors the buffer occupied; wraps the cursor's counter).
  bool pushUsed(uint16_t id, uint32_t len, uint32_t skip = 1);

  uint32_t availCursor() const { return availCursor_; }
  bool availWrap() const { return availWrap_; }
  uint32_t usedCursor() const { return usedCursor_; }
  bool usedWrap() const { return usedWrap_; }
  void setAvailCursor(uint32_t slot, bool wrap) {
    availCursor_ = slot;
    availWrap_ = wrap;
  }
  void setUsedCursor(uint32_t slot, bool wrap) {
    usedCursor_ = slot;
    usedWrap_ = wrap;
  }

 private:
  void advance(uint32_t* slot, bool* wrap, uint32_t by) const;
  GuestMemory& mem_;
  RingAddrs a_;
  uint32_t availCursor_ = 0, usedCursor_ = 0;
  bool availWrap_ = true, usedWrap_ = true;
};

}  // namespace vsim::drv

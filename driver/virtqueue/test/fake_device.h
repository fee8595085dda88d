// A tiny hand-written device for the driver queue tests: pops chains and returns them by poking the rings
// through RawSplitRing / RawPackedRing. Deliberately simple and trusting; malformed device behaviour is produced
// by the tests poking the raw rings directly.
#pragma once
#include <cstdint>
#include <vector>

#include "vsim/drv/driver_queue.h"
#include "vsim/drv/raw_ring.h"
#include "vsim/guest_memory.h"
#include "vsim/violation.h"

namespace vsim::drv::test {

/// Guest memory + allocators + violation log shared by the tests.
struct Env {
  static constexpr uint64_t kBase = 0x100000, kSize = 4u << 20;
  OwnedGuestMemory mem{kSize, kBase};
  GuestAllocator ringAlloc{kBase, kSize / 2};           // rings and indirect pools
  GuestAllocator bufAlloc{kBase + kSize / 2, kSize / 2};  // data buffers
  ViolationLog log;

  Buf rd(uint32_t len) { return Buf{bufAlloc.alloc(len, 8), len, false}; }
  Buf wr(uint32_t len) { return Buf{bufAlloc.alloc(len, 8), len, true}; }
};

/// A chain as the fake device sees it (indirect tables flattened).
struct FakeChain {
  uint16_t id = 0;         ///< split: head index; packed: buffer id
  uint32_t ringSlots = 0;  ///< descriptors it takes in the ring / table
  bool indirect = false;
  std::vector<Buf> segs;
  uint64_t writable = 0;
};

class FakeSplitDevice {
 public:
  FakeSplitDevice(GuestMemory& mem, const RingAddrs& a) : ring(mem, a), mem_(mem), size_(a.size) {}

  bool pop(FakeChain* c) {
    const uint16_t idx = ring.readAvailIdx();
    if (idx == lastAvail) return false;
    const uint16_t head = ring.readAvailRing(lastAvail % size_);
    ++lastAvail;
    *c = FakeChain{};
    c->id = head;
    split::Desc d = ring.readDesc(head);
    if (d.flags & split::kDescFIndirect) {
      c->indirect = true;
      c->ringSlots = 1;
      const uint64_t table = d.addr;
      uint32_t i = 0;
      for (uint32_t guard = 0; guard < d.len / 16; ++guard) {
        split::Desc t{};
        mem_.load(table + 16ull * i, &t);
        take(c, t);
        if (!(t.flags & split::kDescFNext)) break;
        i = t.next;
      }
      return true;
    }
    for (uint32_t guard = 0; guard < size_; ++guard) {
      ++c->ringSlots;
      take(c, d);
      if (!(d.flags & split::kDescFNext)) break;
      d = ring.readDesc(d.next);
    }
    return true;
  }
  /// Return one chain: used elem at the used cursor, used->idx + 1.
  void complete(uint32_t id, uint32_t len) { ring.pushUsed(id, len); }

  RawSplitRing ring;
  uint16_t lastAvail = 0;

 private:
  static void take(FakeChain* c, const split::Desc& d) {
    const bool w = (d.flags & split::kDescFWrite) != 0;
    c->segs.push_back(Buf{d.addr, d.len, w});
    if (w) c->writable += d.len;
  }
  GuestMemory& mem_;
  uint32_t size_;
};

class FakePackedDevice {
 public:
  FakePackedDevice(GuestMemory& mem, const RingAddrs& a) : ring(mem, a), mem_(mem), size_(a.size) {}

  bool pop(FakeChain* c) {
    packed::Desc d = ring.readDesc(slot);
    if (!packed::isAvail(d.flags, wrap)) return false;
    *c = FakeChain{};
    for (uint32_t guard = 0; guard < size_; ++guard) {
      ++c->ringSlots;
      c->id = d.id;
      if (d.flags & packed::kDescFIndirect) {
        c->indirect = true;
        for (uint32_t i = 0; i < d.len / 16; ++i) {
          packed::Desc t{};
          mem_.load(d.addr + 16ull * i, &t);
          take(c, t);
        }
      } else {
        take(c, d);
      }
      const bool more = (d.flags & packed::kDescFNext) != 0;
      if (++slot == size_) {
        slot = 0;
        wrap = !wrap;
      }
      if (!more) break;
      d = ring.readDesc(slot);
    }
    return true;
  }
  /// Return one buffer: used descriptor at the used cursor, which then skips the buffer's ring slots.
  void complete(const FakeChain& c, uint32_t len) { ring.pushUsed(c.id, len, c.ringSlots); }

  RawPackedRing ring;
  uint32_t slot = 0;  ///< next descriptor to look at for available buffers
  bool wrap = true;

 private:
  static void take(FakeChain* c, const packed::Desc& d) {
    const bool w = (d.flags & packed::kDescFWrite) != 0;
    c->segs.push_back(Buf{d.addr, d.len, w});
    if (w) c->writable += d.len;
  }
  GuestMemory& mem_;
  uint32_t size_;
};

}  // namespace vsim::drv::test

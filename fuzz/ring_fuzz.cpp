// libFuzzer target: structured driver actions against the device-side split and packed ring engines.
//
// The input is a header (ring format, queue size, features) followed by a sequence of actions a (possibly
// malicious) driver could take: write descriptors, indirect tables, avail entries and indices, scribble over ring
// memory, notify, reset. Between actions the device pops, writes and returns chains the way a device model would.
// Invariants checked on every input:
//  - no crash, no hang, no access outside guest memory (ASan + GuestMemory bounds checks);
//  - every device write lands where the device may write: buffer data only inside writable segments of chains it
//    holds, used/index/event writes only inside the device-owned ring parts;
//  - every violation names a clause that exists in the catalogue, and a broken queue was explained by one.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "vsim/abi/features.h"
#include "vsim/abi/ring_packed.h"
#include "vsim/abi/ring_split.h"
#include "vsim/clauses.h"
#include "vsim/guest_memory.h"
#include "vsim/model/device_queue.h"

using namespace vsim;

namespace {

constexpr uint64_t kMemBase = 0x10000, kMemSize = 0x20000;
constexpr uint64_t kDesc = kMemBase, kDriver = kMemBase + 0x8000, kDevice = kMemBase + 0xA000;
constexpr uint64_t kBuffers = kMemBase + 0xC000;  // payload area used by well-formed descriptors

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "ring_fuzz invariant broken: %s\n", what);
  std::abort();
}

struct Input {
  const uint8_t* p;
  size_t n;
  bool empty() const { return n == 0; }
  uint8_t u8() {
    if (!n) return 0;
    --n;
    return *p++;
  }
  uint16_t u16() { return static_cast<uint16_t>(u8() | (u8() << 8)); }
  uint32_t u32() { return u16() | (uint32_t{u16()} << 16); }
};

/// Checks every device write against what the device may touch.
struct WriteGuard final : DmaObserver {
  model::QueueLayout layout;
  bool packedRing = false;
  const std::vector<model::Chain>* held = nullptr;
  void onDma(DmaKind kind, uint64_t gpa, uint64_t len, bool write) override {
    if (!write) return;
    auto inside = [&](uint64_t base, uint64_t size) { return gpa >= base && gpa + len <= base + size; };
    const uint32_t n = layout.size;
    switch (kind) {
      case DmaKind::BufferWrite: {
        for (const auto& c : *held)
          for (const auto& s : c.segs)
            if (s.writable && inside(s.addr, s.len)) return;
        fail("buffer write outside the writable segments of held chains");
      }
      case DmaKind::UsedWrite:
      case DmaKind::RingIndexWrite:
        if (packedRing ? inside(layout.desc, packed::descBytes(n)) : inside(layout.device, split::usedBytes(n))) return;
        fail("used/index write outside the device-owned ring part");
      case DmaKind::EventWrite:
        if (packedRing ? inside(layout.device, 4) : inside(layout.device, split::usedBytes(n))) return;
        fail("event write outside the device event area");
      default: fail("unexpected device write kind");
    }
  }
};

struct Checker final : ViolationSink {
  size_t count = 0;
  void report(Violation v) override {
    ++count;
    if (v.clause.empty() || !clauses::find(v.clause)) {
      std::fprintf(stderr, "unknown clause '%s' (%s)\n", v.clause.c_str(), v.kind.c_str());
      fail("violation without a catalogued clause");
    }
  }
};

uint64_t pickAddr(Input& in) {
  switch (in.u8() & 7) {
    case 0: return kMemBase + kMemSize - (in.u8() & 31);            // straddles the end of memory
    case 1: return uint64_t{in.u32()} << (in.u8() & 31);             // anywhere
    case 2: return kDesc + (in.u16() & 0x7fff);                      // over the rings themselves
    case 3: return kMemBase - 8 + (in.u8() & 15);                    // straddles the start
    default: return kBuffers + (in.u16() & 0x3fff);                  // ordinary buffer memory
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in{data, size};
  // The device sees guest memory through devMem, whose observer checks every device write; the fuzzer plays the
  // driver through mem, a second view of the same bytes without the observer.
  // One guest memory for the whole run, zeroed per input (a fresh 128 KiB allocation per input dominated the cost).
  static OwnedGuestMemory devMem(kMemSize, kMemBase);
  static GuestMemory mem;
  if (mem.regions().empty()) mem.addRegion(kMemBase, kMemSize, devMem.data());
  std::memset(devMem.data(), 0, kMemSize);
  Checker sink;
  WriteGuard guard;
  std::vector<model::Chain> held;
  guard.held = &held;
  devMem.setObserver(&guard);
  struct Unhook {
    ~Unhook() { devMem.setObserver(nullptr); }
  } unhook;

  const uint8_t hdr = in.u8();
  const bool packedRing = hdr & 1;
  uint32_t qsize = packedRing ? 1 + (in.u16() % 512) : (1u << (in.u8() % 10));  // packed: any size; split: 2^k
  uint64_t features = feat::bit(feat::kVersion1);
  if (hdr & 2) features |= feat::bit(feat::kIndirectDesc);
  if (hdr & 4) features |= feat::bit(feat::kEventIdx);
  if (hdr & 8) features |= feat::bit(feat::kInOrder);
  if (hdr & 16) features |= feat::bit(feat::kNotificationData);
  model::QueueLayout layout{qsize, kDesc, kDriver, kDevice};
  if (hdr & 32) layout.driver += in.u8() & 7;  // possibly misaligned parts
  guard.layout = layout;
  guard.packedRing = packedRing;

  auto q = model::makeDeviceQueue(packedRing, devMem, sink);
  q->configure(layout, features, 0);
  uint16_t availIdx = 0;
  bool wrap = true;
  uint32_t nextSlot = 0;
  model::Chain c;
  std::vector<uint8_t> scratch(4096, 0xA5);

  for (int steps = 0; !in.empty() && steps < 512; ++steps) {
    switch (in.u8() % 12) {
      case 0: {  // write one descriptor
        uint32_t i = in.u16() % qsize;
        uint64_t addr = pickAddr(in);
        uint32_t len = (in.u8() & 1) ? in.u32() : in.u16() & 0x1ff;
        uint16_t flags = in.u16();
        uint16_t next = in.u16();
        if (packedRing) {
          // mostly well-formed AVAIL/USED for the driver's wrap; sometimes raw flags
          if (!(flags & 0x8000)) {
            flags &= 7;
            flags |= wrap ? packed::kDescFAvail : packed::kDescFUsed;
          }
          packed::Desc d{addr, len, next, 0};
          mem.store(kDesc + 16ull * i, d);
          mem.storeRelease16(kDesc + 16ull * i + 14, flags, DmaKind::Other);
        } else {
          split::Desc d{addr, len, static_cast<uint16_t>(flags & 0x8007 ? flags & 7 : flags), next};
          mem.store(kDesc + 16ull * i, d);
        }
        break;
      }
      case 1: {  // a well-formed single or chained buffer at the next slot, made available
        uint32_t k = 1 + in.u8() % 4;
        for (uint32_t j = 0; j < k; ++j) {
          uint32_t i = (nextSlot + j) % qsize;
          bool last = j + 1 == k;
          uint16_t flags = (last ? 0 : 1) | (j >= k / 2 ? 2 : 0);
          uint64_t addr = kBuffers + 0x100ull * ((nextSlot + j) % 64);
          if (packedRing) {
            bool w = wrap ^ (nextSlot + j >= qsize);
            packed::Desc d{addr, 0x80, static_cast<uint16_t>(in.u8()), 0};
            mem.store(kDesc + 16ull * i, d);
            flags |= w ? packed::kDescFAvail : packed::kDescFUsed;
            if (j > 0) mem.storeRelease16(kDesc + 16ull * i + 14, flags, DmaKind::Other);
          } else {
            split::Desc d{addr, 0x80, flags, static_cast<uint16_t>((i + 1) % qsize)};
            mem.store(kDesc + 16ull * i, d);
          }
        }
        if (packedRing) {
          uint16_t f0 = (k > 1 ? 1 : 0) | (0 >= k / 2 ? 2 : 0) | (wrap ? packed::kDescFAvail : packed::kDescFUsed);
          mem.storeRelease16(kDesc + 16ull * (nextSlot % qsize) + 14, f0, DmaKind::Other);
          uint32_t s = nextSlot + k;
          if (s >= qsize) {
            s -= qsize;
            wrap = !wrap;
          }
          nextSlot = s % qsize;
        } else {
          mem.store(kDriver + split::availRingOff(availIdx % qsize), static_cast<uint16_t>(nextSlot % qsize));
          ++availIdx;
          mem.storeRelease16(kDriver + 2, availIdx, DmaKind::Other);
          nextSlot = (nextSlot + k) % qsize;
        }
        break;
      }
      case 2: {  // split: raw avail entry / idx; packed: raw flags
        if (packedRing) {
          mem.storeRelease16(kDesc + 16ull * (in.u16() % qsize) + 14, in.u16(), DmaKind::Other);
        } else {
          mem.store(kDriver + split::availRingOff(in.u16() % qsize), in.u16());
          availIdx = static_cast<uint16_t>(availIdx + (in.u8() % 4 == 0 ? in.u16() : 1));
          mem.storeRelease16(kDriver + 2, availIdx, DmaKind::Other);
        }
        break;
      }
      case 3: {  // indirect table somewhere in memory, with raw entries
        uint64_t t = kBuffers + (in.u16() & 0x3ff0);
        uint32_t n = 1 + in.u8() % 8;
        for (uint32_t j = 0; j < n; ++j) {
          split::Desc d{pickAddr(in), in.u16() & 0x1ffu, static_cast<uint16_t>(in.u8() & 7), static_cast<uint16_t>(in.u8() % 10)};
          mem.store(t + 16ull * j, d);
        }
        break;
      }
      case 4: {  // device pops everything it can (bounded) and holds the chains
        for (int k = 0; k < 8; ++k) {
          auto st = q->pop(c);
          if (st == model::PopStatus::Broken && sink.count == 0) fail("queue broken without a violation");
          if (st != model::PopStatus::Ok) break;
          if (c.readableBytes) q->readFromChain(c, 0, scratch.data(), std::min<uint64_t>(c.readableBytes, scratch.size()));
          held.push_back(c);
        }
        break;
      }
      case 5: {  // device completes a held chain (any order), writing into it
        if (held.empty()) break;
        size_t k = in.u8() % held.size();
        uint64_t wlen = std::min<uint64_t>(held[k].writableBytes, scratch.size());
        uint64_t wrote = q->writeToChain(held[k], in.u8() & 3, scratch.data(), wlen);
        q->push(held[k], static_cast<uint32_t>(wrote));
        held.erase(held.begin() + static_cast<long>(k));
        break;
      }
      case 6: {  // in-order batch completion
        if (held.empty()) break;
        std::vector<const model::Chain*> ptrs;
        for (auto& h : held) ptrs.push_back(&h);
        q->pushInOrderBatch(ptrs.data(), ptrs.size(), in.u16());
        held.clear();
        break;
      }
      case 7: q->shouldNotify(); break;
      case 8: q->setDriverNotifications(in.u8() & 1); break;
      case 9: q->onNotification(true, in.u32()); break;
      case 10: {  // scribble over the driver-visible ring parts
        uint64_t a = kDesc + (in.u16() % 0xC000);
        uint8_t b[8];
        for (auto& x : b) x = in.u8();
        mem.write(a, b, 1 + in.u8() % 8);
        break;
      }
      case 11: {  // reset and reconfigure
        held.clear();
        q->reset();
        q->configure(layout, features, 0);
        availIdx = 0;
        wrap = true;
        nextSlot = 0;
        std::memset(devMem.data() + (kDesc - kMemBase), 0, 0xC000);
        break;
      }
    }
    if (q->inFlight() != held.size() && !q->broken()) fail("in-flight count disagrees with held chains");
  }
  return 0;
}

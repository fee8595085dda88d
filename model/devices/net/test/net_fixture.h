// Test fixture for the net device: a DeviceCore over guest memory and a minimal hand-written split-ring driver
// (model tests may not use driver/), with helpers to send frames, post receive buffers and run control commands.
#pragma once
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

#include "vsim/abi/features.h"
#include "vsim/abi/ring_split.h"
#include "vsim/abi/status.h"
#include "vsim/model/device_core.h"
#include "vsim/model/net_device.h"

namespace vsim::model::test {

constexpr uint64_t kBase = 0x100000, kSize = 0x800000;
constexpr uint64_t kQueueArea = kBase;          // queue q at kQueueArea + q * 0x4000
constexpr uint64_t kBufArea = kBase + 0x200000;  // buffers, bump-allocated
constexpr uint16_t kQSize = 64;

inline uint64_t bit(unsigned n) { return uint64_t{1} << n; }

struct IrqLog final : IrqSink {
  std::vector<std::pair<IrqKind, uint16_t>> seen;
  void raise(IrqKind k, uint16_t q) override { seen.emplace_back(k, q); }
  size_t count(IrqKind k) const {
    size_t n = 0;
    for (const auto& s : seen) n += s.first == k;
    return n;
  }
};

struct Seg {
  uint64_t addr;
  uint32_t len;
  bool writable;
};

/// The harness (usable as a member: two devices in one test); NetTest is the gtest fixture around one.
class NetHarness {
 public:
  virtual ~NetHarness() = default;
  OwnedGuestMemory mem{kSize, kBase};
  ViolationLog log;
  IrqLog irqs;
  std::unique_ptr<NetDevice> dev;
  std::unique_ptr<DeviceCore> core;
  struct Q {
    uint16_t availIdx = 0, usedSeen = 0, nextDesc = 0;
  };
  std::vector<Q> qs;
  uint64_t bufNext = kBufArea;
  uint64_t negotiated = 0;

  void make(const NetParams& p = NetParams{}, NetDevice::Backends b = {}) {
    core.reset();
    dev = std::make_unique<NetDevice>(p, std::move(b));
    core = std::make_unique<DeviceCore>(*dev, mem, log);
    core->setIrqSink(&irqs);
    qs.assign(core->numQueues(), Q{});
  }
  static uint64_t descAddr(uint16_t q) { return kQueueArea + q * 0x4000ull; }
  static uint64_t availAddr(uint16_t q) { return descAddr(q) + 0x1000; }
  static uint64_t usedAddr(uint16_t q) { return descAddr(q) + 0x2000; }

  /// Negotiate (modern: VERSION_1 + netBits; legacy: netBits), set up every queue, DRIVER_OK.
  void bringUp(uint64_t netBits, bool legacy = false, bool driverOk = true) {
    core->setLegacy(legacy);
    core->writeStatus(status::kAcknowledge);
    core->writeStatus(status::kAcknowledge | status::kDriver);
    const uint64_t f = (netBits & dev->deviceFeatures()) | (legacy ? 0 : feat::bit(feat::kVersion1));
    core->writeDriverFeatures(0, static_cast<uint32_t>(f));
    if (!legacy) core->writeDriverFeatures(1, static_cast<uint32_t>(f >> 32));
    uint8_t s = status::kAcknowledge | status::kDriver;
    if (!legacy) {
      core->writeStatus(s | status::kFeaturesOk);
      ASSERT_TRUE(core->readStatus() & status::kFeaturesOk) << "features refused";
      s |= status::kFeaturesOk;
    }
    for (uint16_t q = 0; q < core->numQueues(); ++q) {
      const std::vector<uint8_t> zero(0x4000, 0);
      mem.write(descAddr(q), zero.data(), zero.size());  // fresh rings
      auto& qs_ = core->queue(q);
      qs_.size = kQSize;
      qs_.desc = descAddr(q);
      qs_.driver = availAddr(q);
      qs_.device = usedAddr(q);
      ASSERT_TRUE(core->enableQueue(q));
    }
    if (driverOk) core->writeStatus(s | status::kDriverOk);
    negotiated = core->negotiated();
  }
  /// All the net features the device offers (before make(): every device-type bit; bringUp() keeps only offered ones).
  uint64_t offeredNet() const { return dev ? dev->deviceFeatures() : 0xffffffffffffffffull & ~0x000003ff00000000ull & ~0x00000000ff000000ull; }

  uint64_t alloc(uint64_t len) {
    const uint64_t a = bufNext;
    bufNext += (len + 63) & ~uint64_t{63};
    return a;
  }
  /// Make a chain available on q (split ring, direct descriptors).
  uint16_t addChain(uint16_t q, const std::vector<Seg>& segs) {
    Q& s = qs[q];
    const uint16_t head = s.nextDesc;
    for (size_t i = 0; i < segs.size(); ++i) {
      const uint16_t d = static_cast<uint16_t>((head + i) % kQSize);
      const uint16_t next = static_cast<uint16_t>((d + 1) % kQSize);
      uint16_t flags = segs[i].writable ? split::kDescFWrite : 0;
      if (i + 1 < segs.size()) flags |= split::kDescFNext;
      mem.store(descAddr(q) + 16ull * d, split::Desc{segs[i].addr, segs[i].len, flags, next});
    }
    s.nextDesc = static_cast<uint16_t>((head + segs.size()) % kQSize);
    mem.store(availAddr(q) + split::availRingOff(s.availIdx % kQSize), head);
    ++s.availIdx;
    mem.storeRelease16(availAddr(q) + split::availIdxOff(), s.availIdx, DmaKind::Other);
    return head;
  }
  void kick(uint16_t q) { core->notify(q, false, 0); }
  /// Next used element of q, if any.
  bool popUsed(uint16_t q, uint32_t* id, uint32_t* len) {
    uint16_t idx = 0;
    mem.load(usedAddr(q) + split::usedIdxOff(), &idx);
    Q& s = qs[q];
    if (idx == s.usedSeen) return false;
    split::UsedElem e{};
    mem.load(usedAddr(q) + split::usedRingOff(s.usedSeen % kQSize), &e);
    ++s.usedSeen;
    if (id) *id = e.id;
    if (len) *len = e.len;
    return true;
  }
  uint32_t hdrLen() const {
    return (feat::has(negotiated, feat::kVersion1) || feat::has(negotiated, net::f::kMrgRxbuf)) ? net::kHdrBytes
                                                                                                : net::kLegacyHdrBytes;
  }
  /// Transmit one frame on q (header + frame in one readable buffer), kick.
  void send(uint16_t q, const std::vector<uint8_t>& frame, const net::NetHdr& h = {}) {
    const uint32_t hl = hdrLen();
    const uint64_t a = alloc(hl + frame.size());
    uint8_t hb[net::kMaxHdrBytes];
    net::encodeHdr(h, hb, hl);
    mem.write(a, hb, hl);
    mem.write(a + hl, frame.data(), frame.size());
    addChain(q, {{a, static_cast<uint32_t>(hl + frame.size()), false}});
    kick(q);
  }
  /// Post one writable receive buffer of len bytes on q (optionally split in two descriptors); returns its address.
  uint64_t postRx(uint16_t q, uint32_t len, bool kickIt = true) {
    const uint64_t a = alloc(len);
    addChain(q, {{a, len, true}});
    if (kickIt) kick(q);
    return a;
  }
  /// Run a control command (class + command | data | ack); returns the ack byte (0xee if not used).
  uint8_t command(uint8_t cls, uint8_t cmd, const std::vector<uint8_t>& data) {
    const uint16_t q = dev->ctrlQueue();
    const uint64_t h = alloc(2), d = alloc(data.size() + 1), ack = alloc(1);
    const uint8_t hc[2] = {cls, cmd};
    mem.write(h, hc, 2);
    if (!data.empty()) mem.write(d, data.data(), data.size());
    const uint8_t poison = 0xee;
    mem.write(ack, &poison, 1);
    std::vector<Seg> segs{{h, 2, false}};
    if (!data.empty()) segs.push_back({d, static_cast<uint32_t>(data.size()), false});
    segs.push_back({ack, 1, true});
    addChain(q, segs);
    kick(q);
    uint8_t a = 0;
    mem.load(ack, &a);
    return a;
  }
  std::vector<uint8_t> readMem(uint64_t a, size_t n) {
    std::vector<uint8_t> v(n);
    mem.read(a, v.data(), n);
    return v;
  }
  net::NetHdr readHdr(uint64_t a) {
    uint8_t b[net::kMaxHdrBytes] = {};
    mem.read(a, b, hdrLen());
    return net::decodeHdr(b, hdrLen());
  }
  /// An Ethernet frame: dst, src, ethertype 0x0800, then `payload` bytes counting up.
  static std::vector<uint8_t> frame(const net::Mac& dst, const net::Mac& src, size_t payload, uint8_t seed = 0) {
    std::vector<uint8_t> f(14 + payload);
    std::memcpy(f.data(), dst.data(), 6);
    std::memcpy(f.data() + 6, src.data(), 6);
    f[12] = 0x08;
    f[13] = 0x00;
    for (size_t i = 0; i < payload; ++i) f[14 + i] = static_cast<uint8_t>(seed + i);
    return f;
  }
  void expectOnly(const std::string& clause, const std::string& kind) {
    ASSERT_FALSE(log.empty()) << "no violation reported";
    for (const auto& v : log.all()) {
      EXPECT_EQ(v.clause, clause) << toString(v);
      EXPECT_EQ(v.kind, kind) << toString(v);
    }
  }
  void expectClean() {
    for (const auto& v : log.all()) ADD_FAILURE() << toString(v);
  }
};

class NetTest : public ::testing::Test, public NetHarness {};

inline const net::Mac kPeer{0x02, 0, 0, 0, 0, 0x99};
inline const net::Mac kBcast{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

}  // namespace vsim::model::test

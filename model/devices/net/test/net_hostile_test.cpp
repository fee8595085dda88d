// A hostile driver: random transmit headers and lengths, random control commands, random receive buffer shapes,
// interleaved with injected frames. The device must never crash, never write outside the writable buffers it was
// given, keep returning buffers, and report only clause IDs from its own table.
#include <set>

#include "net_fixture.h"

namespace vsim::model::test {
namespace {

using namespace net;

struct Rand {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(next() % n); }
};

class NetHostile : public NetTest, public ::testing::WithParamInterface<uint64_t> {};

TEST_P(NetHostile, RandomTrafficIsContained) {
  NetParams p;
  p.mqPairs = 2;
  p.gso = GetParam() % 2 == 1;
  make(p);
  bringUp(offeredNet());
  Rand r{GetParam()};
  // Every buffer the driver hands out lives below guardLo: the guard pages after it must stay untouched.
  const uint64_t guardLo = kBufArea + 0x300000, guardLen = 0x10000;
  std::vector<uint8_t> pattern(guardLen);
  for (auto& b : pattern) b = static_cast<uint8_t>(r.next());
  mem.write(guardLo, pattern.data(), guardLen);
  for (int step = 0; step < 400; ++step) {
    bufNext = kBufArea + (step % 16) * 0x10000;  // reuse the area (the device may still hold old buffers)
    const uint32_t what = r.below(4);
    const uint16_t pair = static_cast<uint16_t>(r.below(2));
    if (what == 0) {  // transmit: random header bytes, random length
      const uint32_t len = r.below(2000);
      const uint64_t a = alloc(len + 1);
      std::vector<uint8_t> bytes(len);
      for (auto& b : bytes) b = static_cast<uint8_t>(r.next());
      if (len >= 12 && r.below(2)) bytes[10] = bytes[11] = 0;  // sometimes a plausible header
      mem.write(a, bytes.data(), len);
      addChain(static_cast<uint16_t>(2 * pair + 1), {{a, len, false}});
      kick(static_cast<uint16_t>(2 * pair + 1));
    } else if (what == 1) {  // control: random class / command / data
      const uint32_t len = r.below(40);
      const uint64_t h = alloc(2), d = alloc(len + 1), ack = alloc(1);
      const uint8_t hc[2] = {static_cast<uint8_t>(r.below(11)), static_cast<uint8_t>(r.below(4))};
      mem.write(h, hc, 2);
      std::vector<uint8_t> data(len);
      for (auto& b : data) b = static_cast<uint8_t>(r.below(3) ? r.below(3) : r.next());
      mem.write(d, data.data(), len);
      std::vector<Seg> segs{{h, 2, false}};
      if (len) segs.push_back({d, len, false});
      if (r.below(8)) segs.push_back({ack, 1 + r.below(3), true});
      addChain(dev->ctrlQueue(), segs);
      kick(dev->ctrlQueue());
    } else if (what == 2) {  // receive buffers of random shapes
      const uint32_t parts = 1 + r.below(3);
      std::vector<Seg> segs;
      for (uint32_t k = 0; k < parts; ++k) {
        const uint32_t len = r.below(700);
        segs.push_back({alloc(len + 1), len, true});
      }
      addChain(static_cast<uint16_t>(2 * pair), segs);
      kick(static_cast<uint16_t>(2 * pair));
    } else {  // a frame from the link, random offload claims
      NetHdr h;
      h.flags = static_cast<uint8_t>(r.below(4));
      h.gsoType = static_cast<uint8_t>(r.below(2) ? 0 : r.below(6));
      h.gsoSize = static_cast<uint16_t>(r.below(1500));
      h.csumStart = static_cast<uint16_t>(r.below(200));
      h.csumOffset = static_cast<uint16_t>(r.below(20));
      auto fr = frame(r.below(2) ? NetParams{}.mac : kBcast, kPeer, r.below(3000));
      dev->inject(fr, h);
    }
    // drain used rings (the "driver" recycles)
    for (uint16_t q = 0; q < core->numQueues(); ++q)
      while (popUsed(q, nullptr, nullptr)) {
      }
    bool full = false;  // chains take up to 3 descriptors of 64: start over before the table wraps onto held ones
    for (const auto& qq : qs) full = full || static_cast<uint16_t>(qq.availIdx - qq.usedSeen) > 15;
    if (full) {
      core->writeStatus(0);  // too much held: reset and start over, as a driver would
      make(p);
      bringUp(offeredNet());
    }
  }
  std::vector<uint8_t> after(guardLen);
  mem.read(guardLo, after.data(), guardLen);
  EXPECT_EQ(after, pattern);
  const std::set<std::string> allowed = {
      "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#1",
      "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#2",
      "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#3",
      "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#7",
      "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#9",
      "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#11",
      "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#13",
      "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#17",
      "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#23",
      "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#30",
      "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#31",
      "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#32",
      "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#33",
      "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#45",
      "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#24",
      "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#25",
      "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#26",
      "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#28",
      "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#29",
      "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#46",
      "drivernormative:Device Types / Network Device / Device configuration layout#9",
      "drivernormative:Device Types / Network Device / Device Operation / Setting Up Receive Buffers#3",
      "drivernormative:Basic Facilities of a Virtio Device / Message Framing#1",
      "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#1",
      "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#2",
      "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#1",
      "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#3",
      "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#1",
      "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#2",
      "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#3",
      "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#4",
      "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#1",
      "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#1",
      "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#2",
      "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#3",
      "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Inner Header Hash#1",
      "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / RSS Context#1",
      "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Offloads State Configuration / Setting Offloads State#1",
  };
  for (const auto& v : log.all()) EXPECT_TRUE(allowed.count(v.clause)) << toString(v);
  EXPECT_FALSE(log.empty());
}

INSTANTIATE_TEST_SUITE_P(Seeds, NetHostile, ::testing::Values(1u, 2u, 3u, 4u, 5u, 6u));

}  // namespace
}  // namespace vsim::model::test

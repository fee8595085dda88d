// NetDriver on the fake platform, against a scriptable fake network device: receive (one buffer, merged), send,
// legacy framing, control commands and their feature rules, and one negative test per device-normative check the
// driver makes (the fake device is told to misbehave).
#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <map>

#include "fake_device.h"
#include "fake_hal.h"
#include "vsim/drv/net_clauses.h"
#include "vsim/drv/net_driver.h"

namespace vsim::drv {
namespace {

using namespace net;
using fake::FakeHal;
using fake::FakeVirtioCore;
using fake::FakeVirtioMmio;

constexpr uint64_t kDefaultNet = f::bit(f::kMac) | f::bit(f::kStatus) | f::bit(f::kMtu) | f::bit(f::kMrgRxbuf) |
                                 f::bit(f::kCsum) | f::bit(f::kGuestCsum) | f::bit(f::kCtrlVq) | f::bit(f::kCtrlRx) |
                                 f::bit(f::kCtrlMacAddr) | f::bit(f::kGuestAnnounce) | f::bit(f::kSpeedDuplex);
const Mac kDevMac{0x02, 0x10, 0x20, 0x30, 0x40, 0x50};

/// A fake network device behind a fake virtio-mmio slot: holds receive buffers until a test delivers into them,
/// swallows transmitted buffers, answers control commands (optionally wrongly).
struct FakeNet {
  FakeHal h;
  FakeVirtioCore* core = nullptr;
  ViolationLog log;
  DiscoveredDevice d;
  std::map<uint16_t, std::unique_ptr<test::FakeSplitDevice>> rings;
  std::deque<test::FakeChain> rxHeld;
  std::vector<test::FakeChain> txSeen, ctrlSeen;
  std::vector<std::vector<uint8_t>> txBytes;
  bool macAddrApplies = true, announceClears = true;
  bool coalescingErr = false;                                   ///< answer VQ_GET with VIRTIO_NET_ERR
  std::map<uint16_t, std::vector<uint8_t>> queueCoalescing;    ///< VQ_SET's 8 parameter bytes per queue
  /// A test's own answer (ack + result) to a command (class, command, data); empty = the default answer.
  std::function<std::vector<uint8_t>(const std::vector<uint8_t>&)> ctrlAnswer;

  explicit FakeNet(uint64_t netFeatures = kDefaultNet, uint32_t mmioVersion = 2, unsigned queues = 3) {
    core = &h.addMmio(std::make_unique<FakeVirtioMmio>(1, queues, mmioVersion)).core;
    core->deviceFeatures = (mmioVersion == 2 ? feat::bit(feat::kVersion1) : 0) | netFeatures;
    core->config.assign(24, 0);
    std::copy(kDevMac.begin(), kDevMac.end(), core->config.begin());
    set16(cfg::kStatus, cfg::kSLinkUp);
    set16(cfg::kMaxVirtqueuePairs, 1);
    set16(cfg::kMtu, 1500);
    set32(cfg::kSpeed, 1000);
    core->onNotify = [this](FakeVirtioCore&, uint16_t q, uint32_t) { onNotify(q); };
    auto all = discover(h, log);
    EXPECT_EQ(all.size(), 1u);
    if (!all.empty()) d = all[0];
  }
  void set16(uint32_t off, uint16_t v) {
    core->config[off] = static_cast<uint8_t>(v);
    core->config[off + 1] = static_cast<uint8_t>(v >> 8);
  }
  void set32(uint32_t off, uint32_t v) {
    for (int i = 0; i < 4; ++i) core->config[off + i] = static_cast<uint8_t>(v >> (8 * i));
  }
  test::FakeSplitDevice& ring(uint16_t q) {
    auto& r = rings[q];
    if (!r) r = std::make_unique<test::FakeSplitDevice>(h.mem, core->ringAddrs(q));
    return *r;
  }
  std::vector<uint8_t> readable(const test::FakeChain& c) {
    std::vector<uint8_t> out;
    for (const auto& s : c.segs) {
      if (s.writable) continue;
      const size_t at = out.size();
      out.resize(at + s.len);
      h.mem.read(s.addr, out.data() + at, s.len);
    }
    return out;
  }
  void writeInto(const test::FakeChain& c, const uint8_t* p, uint32_t n) {
    for (const auto& s : c.segs) {
      if (!s.writable || n == 0) continue;
      const uint32_t k = std::min(n, s.len);
      h.mem.write(s.addr, p, k);
      p += k;
      n -= k;
    }
  }
  void onNotify(uint16_t q) {
    test::FakeChain c;
    while (ring(q).pop(&c)) {
      if (q == 0) {
        rxHeld.push_back(c);
      } else if (q == 1) {
        txSeen.push_back(c);
        txBytes.push_back(readable(c));
        ring(q).complete(c.id, 0);
        core->raise(false, q);
      } else {
        ctrlSeen.push_back(c);
        const auto cmd = readable(c);
        if (cmd.size() >= 2 && cmd[0] == ctrl::kClassMac && cmd[1] == ctrl::kMacAddrSet && macAddrApplies)
          std::copy(cmd.begin() + 2, cmd.begin() + 8, core->config.begin());
        if (cmd.size() >= 2 && cmd[0] == ctrl::kClassAnnounce && announceClears) set16(cfg::kStatus, cfg::kSLinkUp);
        if (cmd.size() == 14 && cmd[0] == ctrl::kClassNotfCoal && cmd[1] == ctrl::kNotfCoalVqSet)
          queueCoalescing[static_cast<uint16_t>(cmd[2] | cmd[3] << 8)].assign(cmd.begin() + 6, cmd.end());
        if (ctrlAnswer) {
          const std::vector<uint8_t> answer = ctrlAnswer(cmd);
          if (!answer.empty()) {
            writeInto(c, answer.data(), static_cast<uint32_t>(answer.size()));
            ring(q).complete(c.id, static_cast<uint32_t>(answer.size()));
            core->raise(false, q);
            continue;
          }
        }
        if (cmd.size() == 6 && cmd[0] == ctrl::kClassNotfCoal && cmd[1] == ctrl::kNotfCoalVqGet) {
          std::vector<uint8_t> answer{coalescingErr ? ctrl::kErr : ctrl::kOk};
          auto& v = queueCoalescing[static_cast<uint16_t>(cmd[2] | cmd[3] << 8)];
          v.resize(8);
          answer.insert(answer.end(), v.begin(), v.end());
          writeInto(c, answer.data(), static_cast<uint32_t>(answer.size()));
          ring(q).complete(c.id, static_cast<uint32_t>(answer.size()));
          core->raise(false, q);
          continue;
        }
        const uint8_t ack = ctrl::kOk;
        writeInto(c, &ack, 1);
        ring(q).complete(c.id, 1);
        core->raise(false, q);
      }
    }
  }
  /// Put `bytes` (header + frame) into the next held receive buffers, `lens[i]` bytes in buffer i.
  void deliver(const std::vector<uint8_t>& bytes, const std::vector<uint32_t>& lens) {
    size_t off = 0;
    for (uint32_t len : lens) {
      ASSERT_FALSE(rxHeld.empty());
      const test::FakeChain c = rxHeld.front();
      rxHeld.pop_front();
      const uint32_t n = static_cast<uint32_t>(std::min<size_t>(len, bytes.size() - off));
      writeInto(c, bytes.data() + off, n);
      off += n;
      ring(0).complete(c.id, len);
    }
    core->raise(false, 0);
  }
  /// header (12 bytes) + frame.
  static std::vector<uint8_t> packet(const NetHdr& h, size_t frameLen, uint32_t hdrLen = kHdrBytes) {
    std::vector<uint8_t> p(hdrLen + frameLen);
    encodeHdr(h, p.data(), hdrLen);
    for (size_t i = 0; i < frameLen; ++i) p[hdrLen + i] = i < 6 ? kDevMac[i] : static_cast<uint8_t>(i);  // to us
    return p;
  }
  std::unique_ptr<NetDriver> open(NetDriverOptions o = {}) {
    DriverOptions dopts;
    auto n = NetDriver::open(h, d, dopts, o, log);
    EXPECT_TRUE(n && n->ok());
    return n;
  }
  void expectOnly(const char* clause, const char* kind) {
    ASSERT_FALSE(log.empty()) << "nothing reported";
    for (const auto& v : log.all()) {
      EXPECT_EQ(v.clause, clause) << toString(v);
      EXPECT_EQ(v.kind, kind) << toString(v);
      EXPECT_EQ(v.culprit, Culprit::Device);
    }
  }
};

NetHdr withBuffers(uint16_t n) {
  NetHdr h;
  h.numBuffers = n;
  return h;
}

TEST(NetDriver, BringUpReadsConfigAndPostsBuffers) {
  FakeNet f;
  auto n = f.open();
  ASSERT_TRUE(n);
  EXPECT_EQ(n->mac(), kDevMac);
  EXPECT_EQ(n->config().mtu, 1500);
  EXPECT_EQ(n->config().speed, 1000u);
  EXPECT_EQ(n->config().duplex, cfg::kDuplexFull);
  EXPECT_TRUE(n->linkUp());
  EXPECT_TRUE(n->mergeable());
  EXPECT_EQ(f.rxHeld.size(), 256u);  // every receive buffer posted, one descriptor each
  EXPECT_EQ(f.rxHeld.front().segs.size(), 1u);
  EXPECT_EQ(f.rxHeld.front().writable, 2048u);
  EXPECT_TRUE(f.log.empty());
}

TEST(NetDriver, ReceivesOneBufferFrame) {
  FakeNet f;
  auto n = f.open();
  const auto p = FakeNet::packet(withBuffers(1), 100);
  f.deliver(p, {static_cast<uint32_t>(p.size())});
  std::vector<uint8_t> got;
  ASSERT_TRUE(n->receive(&got));
  EXPECT_EQ(got, std::vector<uint8_t>(p.begin() + 12, p.end()));
  EXPECT_EQ(f.rxHeld.size(), 256u);  // the buffer went back
  EXPECT_TRUE(f.log.empty());
}

TEST(NetDriver, PutsMergedFramesBackTogether) {
  FakeNet f;
  NetDriverOptions o;
  o.rxBufferSize = 512;
  auto n = f.open(o);
  const auto p = FakeNet::packet(withBuffers(3), 1200);
  f.deliver(p, {512, 512, static_cast<uint32_t>(p.size() - 1024)});
  std::vector<uint8_t> got;
  ASSERT_TRUE(n->receive(&got));
  EXPECT_EQ(got, std::vector<uint8_t>(p.begin() + 12, p.end()));
  EXPECT_EQ(n->stats().mergedFrames, 1u);
  EXPECT_TRUE(f.log.empty());
}

// Few small mergeable buffers would not hold one MTU-sized packet together: the driver makes them larger.
TEST(NetDriver, MergeableBuffersOfAQueueHoldAnMtuPacketTogether) {
  FakeNet f;
  NetDriverOptions o;
  o.rxBufferSize = 512;
  o.rxBuffers = 2;
  auto n = f.open(o);
  ASSERT_TRUE(n);
  EXPECT_EQ(f.rxHeld.size(), 2u);
  const uint32_t mtuPacket = 12 + 1500 + 14 + 4;  // header, MTU, Ethernet header, VLAN tag
  EXPECT_GE(2 * n->rxBufferSize(), mtuPacket);
  EXPECT_LT(2 * (n->rxBufferSize() - 1), mtuPacket);  // no larger than needed
  // with enough buffers the asked-for size stays
  FakeNet g;
  o.rxBuffers = 8;
  auto m = g.open(o);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->rxBufferSize(), 512u);
  EXPECT_TRUE(f.log.empty());
  EXPECT_TRUE(g.log.empty());
}

// A control queue of two descriptors (no indirect descriptors): class, command and data go in one readable
// descriptor, the ack in the other.
TEST(NetDriver, CommandsFitAControlQueueOfTwo) {
  FakeNet f;
  f.core->queues[2].maxSize = 2;
  auto n = f.open();
  ASSERT_TRUE(n);
  const Mac mc{0x01, 0x00, 0x5e, 0, 0, 1};
  EXPECT_EQ(n->setMacTable({Mac{0x02, 1, 2, 3, 4, 5}}, {mc}), CtrlStatus::Ok);
  ASSERT_EQ(f.ctrlSeen.size(), 1u);
  const auto table = f.readable(f.ctrlSeen[0]);  // before the next command reuses the buffer
  ASSERT_EQ(table.size(), 2u + 4 + 6 + 4 + 6);
  EXPECT_EQ(table[0], ctrl::kClassMac);
  EXPECT_EQ(table[1], ctrl::kMacTableSet);
  EXPECT_EQ(table[2], 1);   // one unicast address
  EXPECT_EQ(table[12], 1);  // one multicast address
  EXPECT_EQ(n->setPromisc(true), CtrlStatus::Ok);
  ASSERT_EQ(f.ctrlSeen.size(), 2u);
  EXPECT_EQ(f.readable(f.ctrlSeen[1]), (std::vector<uint8_t>{ctrl::kClassRx, ctrl::kRxPromisc, 1}));
  for (const auto& c : f.ctrlSeen) {
    EXPECT_EQ(c.segs.size(), 2u);
    EXPECT_TRUE(c.segs.back().writable);
  }
  EXPECT_TRUE(f.log.empty());
}

// Legacy framing needs a descriptor per part plus two: on a control queue of two such a command is not sent.
TEST(NetDriver, LegacyCommandThatCannotBeFramedIsNotSent) {
  FakeNet f(kDefaultNet, /*mmioVersion=*/1);
  f.core->queues[2].maxSize = 2;
  auto n = f.open();
  ASSERT_TRUE(n);
  EXPECT_FALSE(n->commandFits(1));
  EXPECT_EQ(n->setPromisc(true), CtrlStatus::Failed);
  EXPECT_TRUE(f.ctrlSeen.empty());
  FakeNet g;  // modern: any command fits two descriptors
  g.core->queues[2].maxSize = 2;
  auto m = g.open();
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->commandFits(2));
  EXPECT_TRUE(f.log.empty());
}

// The device set DEVICE_NEEDS_RESET (and said so): the driver sends nothing more to it.
TEST(NetDriver, NoNotificationOnceTheDeviceNeedsReset) {
  FakeNet f;
  auto n = f.open();
  ASSERT_TRUE(n);
  unsigned notified = 0;
  f.core->onNotify = [&notified](FakeVirtioCore&, uint16_t, uint32_t) { ++notified; };
  f.core->status |= status::kDeviceNeedsReset;
  f.core->raise(true, 0);
  EXPECT_FALSE(n->send(std::vector<uint8_t>(60, 1)));
  EXPECT_EQ(n->setPromisc(true), CtrlStatus::Failed);
  EXPECT_EQ(notified, 0u);
  EXPECT_EQ(n->device().state(), DeviceState::NeedsReset);
}

TEST(NetDriver, CoalescingCommandsAndTheirResult) {
  FakeNet f(kDefaultNet | f::bit(f::kNotfCoal) | f::bit(f::kVqNotfCoal));
  auto n = f.open();
  ASSERT_TRUE(n);
  EXPECT_EQ(n->setCoalescing(/*transmit=*/true, 3, 30), CtrlStatus::Ok);
  ASSERT_EQ(f.ctrlSeen.size(), 1u);
  EXPECT_EQ(f.readable(f.ctrlSeen[0]), (std::vector<uint8_t>{ctrl::kClassNotfCoal, ctrl::kNotfCoalTxSet, 3, 0, 0, 0,
                                                              30, 0, 0, 0}));
  EXPECT_EQ(n->setQueueCoalescing(1, 7, 0x01020304), CtrlStatus::Ok);
  uint32_t packets = 0, usecs = 0;
  EXPECT_EQ(n->queueCoalescing(1, &packets, &usecs), CtrlStatus::Ok);
  EXPECT_EQ(packets, 7u);
  EXPECT_EQ(usecs, 0x01020304u);
  // the result follows the ack in the same device-writable descriptor
  EXPECT_EQ(f.ctrlSeen.back().writable, 9u);
  // an ERR answer leaves the outputs alone
  f.coalescingErr = true;
  packets = usecs = 99;
  EXPECT_EQ(n->queueCoalescing(1, &packets, &usecs), CtrlStatus::Err);
  EXPECT_EQ(packets, 99u);
  EXPECT_EQ(usecs, 99u);
  // the control queue (2) is no transmit or receive queue: nothing sent
  const size_t sent = f.ctrlSeen.size();
  EXPECT_EQ(n->setQueueCoalescing(2, 1, 1), CtrlStatus::Failed);
  EXPECT_EQ(f.ctrlSeen.size(), sent);
  EXPECT_TRUE(f.log.empty());
}

TEST(NetDriver, CoalescingNeedsItsFeatures) {
  FakeNet f;
  auto n = f.open();
  ASSERT_TRUE(n);
  EXPECT_EQ(n->setCoalescing(false, 1, 1), CtrlStatus::NotNegotiated);
  EXPECT_EQ(n->setQueueCoalescing(0, 1, 1), CtrlStatus::NotNegotiated);
  EXPECT_EQ(n->queueCoalescing(0, nullptr, nullptr), CtrlStatus::NotNegotiated);
  EXPECT_TRUE(f.ctrlSeen.empty());
}

TEST(NetDriver, SendsHeaderAndFrame) {
  FakeNet f;
  auto n = f.open();
  std::vector<uint8_t> fr(60, 0x5a);
  ASSERT_TRUE(n->send(fr));
  ASSERT_EQ(f.txBytes.size(), 1u);
  EXPECT_EQ(f.txSeen[0].segs.size(), 1u);
  ASSERT_EQ(f.txBytes[0].size(), 12u + fr.size());
  EXPECT_EQ(std::vector<uint8_t>(f.txBytes[0].begin(), f.txBytes[0].begin() + 12), std::vector<uint8_t>(12, 0));
  EXPECT_EQ(std::vector<uint8_t>(f.txBytes[0].begin() + 12, f.txBytes[0].end()), fr);
}

TEST(NetDriver, SendRefusesWhatWasNotNegotiated) {
  FakeNet f(kDefaultNet & ~f::bit(f::kCsum));
  auto n = f.open();
  std::vector<uint8_t> fr(60, 0);
  NetHdr h;
  h.flags = hdr::kFNeedsCsum;
  EXPECT_FALSE(n->send(fr.data(), fr.size(), h));  // no CSUM
  h = NetHdr{};
  h.gsoType = hdr::kGsoTcpv4;
  EXPECT_FALSE(n->send(fr.data(), fr.size(), h));  // no HOST_TSO4
  EXPECT_FALSE(n->send(std::vector<uint8_t>(1600, 0)));  // over the MTU
  EXPECT_FALSE(n->send(fr, 1));                          // no second pair
  EXPECT_TRUE(f.txBytes.empty());
}

TEST(NetDriver, LegacyFramingWithoutMergeableBuffers) {
  FakeNet f(f::bit(f::kMac) | f::bit(f::kCtrlVq) | f::bit(f::kCtrlRx), /*mmioVersion=*/1);
  auto n = f.open();
  ASSERT_TRUE(n);
  EXPECT_EQ(n->hdrBytes(), 10u);
  ASSERT_FALSE(f.rxHeld.empty());
  ASSERT_EQ(f.rxHeld.front().segs.size(), 2u);  // header, then data
  EXPECT_EQ(f.rxHeld.front().segs[0].len, 10u);
  std::vector<uint8_t> fr(60, 1);
  ASSERT_TRUE(n->send(fr));
  ASSERT_EQ(f.txSeen.size(), 1u);
  EXPECT_EQ(f.txSeen[0].segs.size(), 2u);
  EXPECT_EQ(f.txSeen[0].segs[0].len, 10u);
  EXPECT_EQ(n->setPromisc(true), CtrlStatus::Ok);
  ASSERT_EQ(f.ctrlSeen.size(), 1u);
  ASSERT_EQ(f.ctrlSeen[0].segs.size(), 3u);  // class + command, data, ack
  EXPECT_EQ(f.ctrlSeen[0].segs[0].len, 2u);
  EXPECT_EQ(f.ctrlSeen[0].segs[2].len, 1u);
  const auto p = FakeNet::packet(NetHdr{}, 80, 10);
  f.deliver(p, {static_cast<uint32_t>(p.size())});
  std::vector<uint8_t> got;
  ASSERT_TRUE(n->receive(&got));
  EXPECT_EQ(got.size(), 80u);
  EXPECT_TRUE(f.log.empty());
}

TEST(NetDriver, CommandsNeedTheirFeatures) {
  FakeNet f(f::bit(f::kMac) | f::bit(f::kCtrlVq));
  auto n = f.open();
  EXPECT_EQ(n->setPromisc(true), CtrlStatus::NotNegotiated);
  EXPECT_EQ(n->setRxMode(ctrl::kRxNoBcast, true), CtrlStatus::NotNegotiated);
  EXPECT_EQ(n->setMacTable({}, {}), CtrlStatus::NotNegotiated);
  EXPECT_EQ(n->setMacAddress(kDevMac), CtrlStatus::NotNegotiated);
  EXPECT_EQ(n->vlanAdd(1), CtrlStatus::NotNegotiated);
  EXPECT_EQ(n->announceAck(), CtrlStatus::NotNegotiated);
  EXPECT_EQ(n->setQueuePairs(1), CtrlStatus::NotNegotiated);
  EXPECT_EQ(n->setGuestOffloads(0), CtrlStatus::NotNegotiated);
  EXPECT_TRUE(f.ctrlSeen.empty());
  EXPECT_EQ(n->rawCommand(ctrl::kClassRx, ctrl::kRxPromisc, {{1}}), CtrlStatus::Ok);  // raw: sent anyway
  EXPECT_EQ(f.ctrlSeen.size(), 1u);
}

TEST(NetDriver, MacTableKeepsTheKindsApart) {
  FakeNet f;
  auto n = f.open();
  const Mac mc{0x01, 0, 0x5e, 0, 0, 1};
  EXPECT_EQ(n->setMacTable({mc}, {}), CtrlStatus::Failed);  // a multicast address in the unicast table
  EXPECT_EQ(n->setMacTable({kDevMac}, {mc}), CtrlStatus::Ok);
  ASSERT_EQ(f.ctrlSeen.size(), 1u);
  EXPECT_EQ(f.ctrlSeen[0].segs.size(), 4u);  // class + command, two tables, ack
  EXPECT_EQ(f.readable(f.ctrlSeen[0]).size(), 2u + 10 + 10);
}

TEST(NetDriver, AnnounceIsAnsweredFromPoll) {
  FakeNet f;
  auto n = f.open();
  f.set16(cfg::kStatus, cfg::kSLinkUp | cfg::kSAnnounce);
  f.core->configChange();
  n->poll();
  EXPECT_EQ(n->stats().announcesAnswered, 1u);
  ASSERT_EQ(f.txBytes.size(), 1u);  // the gratuitous frame
  EXPECT_EQ(f.txBytes[0][12 + 12], 0x80);
  EXPECT_TRUE(f.log.empty());
}

// --- device-normative checks ------------------------------------------------------------------------------------

// covers: devicenormative:Device Types / Network Device / Device configuration layout#1
TEST(NetDriverChecks, MaxVirtqueuePairsOutOfRange) {
  FakeNet f(kDefaultNet | f::bit(f::kMq));
  f.set16(cfg::kMaxVirtqueuePairs, 0);
  auto n = f.open();
  EXPECT_EQ(n->queuePairs(), 1);
  f.expectOnly("devicenormative:Device Types / Network Device / Device configuration layout#1",
               "net.max_pairs_out_of_range");
}

// covers: devicenormative:Device Types / Network Device / Device configuration layout#2
TEST(NetDriverChecks, MtuBelow68) {
  FakeNet f;
  f.set16(cfg::kMtu, 60);
  f.open();
  f.expectOnly("devicenormative:Device Types / Network Device / Device configuration layout#2",
               "net.mtu_out_of_range");
}

// covers: devicenormative:Device Types / Network Device / Device configuration layout#10
TEST(NetDriverChecks, SpeedNotDefined) {
  FakeNet f;
  f.set32(cfg::kSpeed, 0x80000000u);
  auto n = f.open();
  EXPECT_EQ(n->config().speed, cfg::kSpeedUnknown);
  f.expectOnly("devicenormative:Device Types / Network Device / Device configuration layout#10", "net.speed_invalid");
}

// covers: devicenormative:Device Types / Network Device / Device configuration layout#11
TEST(NetDriverChecks, DuplexNotDefined) {
  FakeNet f;
  f.core->config[cfg::kDuplex] = 7;
  auto n = f.open();
  EXPECT_EQ(n->config().duplex, cfg::kDuplexUnknown);
  f.expectOnly("devicenormative:Device Types / Network Device / Device configuration layout#11", "net.duplex_invalid");
}

// covers: devicenormative:Basic Facilities of a Virtio Device / Feature Bits#1
TEST(NetDriverChecks, FeatureOfferedWithoutItsRequirement) {
  FakeNet f(f::bit(f::kMac) | f::bit(f::kCtrlRx), 2, 2);  // CTRL_RX without CTRL_VQ
  f.open();
  f.expectOnly("devicenormative:Basic Facilities of a Virtio Device / Feature Bits#1", "net.offer_without_requirement");
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Setting Up Receive Buffers#1
TEST(NetDriverChecks, NumBuffersZero) {
  FakeNet f;
  auto n = f.open();
  const auto p = FakeNet::packet(withBuffers(0), 100);
  f.deliver(p, {static_cast<uint32_t>(p.size())});
  EXPECT_FALSE(n->receive(nullptr));
  f.expectOnly("devicenormative:Device Types / Network Device / Device Operation / Setting Up Receive Buffers#1",
               "net.rx_num_buffers_zero");
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Setting Up Receive Buffers#1
TEST(NetDriverChecks, UsedBufferShorterThanTheHeader) {
  FakeNet f;
  auto n = f.open();
  f.deliver(FakeNet::packet(withBuffers(1), 0), {5});
  EXPECT_FALSE(n->receive(nullptr));
  f.expectOnly("devicenormative:Device Types / Network Device / Device Operation / Setting Up Receive Buffers#1",
               "net.rx_no_header");
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#1
TEST(NetDriverChecks, SeveralBuffersWithoutMergeable) {
  FakeNet f(kDefaultNet & ~f::bit(f::kMrgRxbuf));
  auto n = f.open();
  const auto p = FakeNet::packet(withBuffers(2), 100);
  f.deliver(p, {static_cast<uint32_t>(p.size())});
  EXPECT_FALSE(n->receive(nullptr));
  f.expectOnly("devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#1",
               "net.rx_num_buffers_not_one");
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#3
TEST(NetDriverChecks, MergedBufferNotFilled) {
  FakeNet f;
  NetDriverOptions o;
  o.rxBufferSize = 512;
  auto n = f.open(o);
  const auto p = FakeNet::packet(withBuffers(2), 700);
  f.deliver(p, {400, static_cast<uint32_t>(p.size() - 400)});
  EXPECT_FALSE(n->receive(nullptr));
  f.expectOnly("devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#3",
               "net.rx_buffer_not_filled");
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#4
TEST(NetDriverChecks, FewerBuffersThanAnnounced) {
  FakeNet f;
  NetDriverOptions o;
  o.rxBufferSize = 512;
  auto n = f.open(o);
  const auto p = FakeNet::packet(withBuffers(3), 1100);
  f.deliver(p, {512, 512});  // both full, the third never comes
  EXPECT_FALSE(n->receive(nullptr));
  f.expectOnly("devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#4",
               "net.rx_buffers_not_together");
}

/// Deliver one 100-byte frame with header h; expect it dropped with exactly (clause, kind).
void expectRxHeaderRejected(uint64_t features, const NetHdr& h, const char* clause, const char* kind,
                            uint64_t accept = NetDriverOptions{}.features) {
  FakeNet f(features);
  NetDriverOptions o;
  o.features = accept;
  auto n = f.open(o);
  ASSERT_TRUE(n);
  const auto p = FakeNet::packet(h, 100);
  f.deliver(p, {static_cast<uint32_t>(p.size())});
  EXPECT_FALSE(n->receive(nullptr));
  EXPECT_EQ(n->stats().rxDropped, 1u);
  f.expectOnly(clause, kind);
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#5
TEST(NetDriverChecks, FlagsWithoutGuestCsum) {
  NetHdr h = withBuffers(1);
  h.flags = hdr::kFNeedsCsum;
  expectRxHeaderRejected(kDefaultNet & ~f::bit(f::kGuestCsum), h,
                         "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#5",
                         "net.rx_flags_without_guest_csum");
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#7
TEST(NetDriverChecks, Tcpv4WithoutGuestTso4) {
  NetHdr h = withBuffers(1);
  h.flags = hdr::kFNeedsCsum;
  h.gsoType = hdr::kGsoTcpv4;
  expectRxHeaderRejected(kDefaultNet, h,
                         "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#7",
                         "net.rx_gso_tcpv4");
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#8
TEST(NetDriverChecks, UdpWithoutGuestUfo) {
  NetHdr h = withBuffers(1);
  h.flags = hdr::kFNeedsCsum;
  h.gsoType = hdr::kGsoUdp;
  expectRxHeaderRejected(kDefaultNet, h,
                         "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#8",
                         "net.rx_gso_udp");
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#9
TEST(NetDriverChecks, Tcpv6WithoutGuestTso6) {
  NetHdr h = withBuffers(1);
  h.flags = hdr::kFNeedsCsum;
  h.gsoType = hdr::kGsoTcpv6;
  expectRxHeaderRejected(kDefaultNet, h,
                         "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#9",
                         "net.rx_gso_tcpv6");
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#10
TEST(NetDriverChecks, UdpL4WithoutGuestUso) {
  NetHdr h = withBuffers(1);
  h.flags = hdr::kFNeedsCsum;
  h.gsoType = hdr::kGsoUdpL4;
  expectRxHeaderRejected(kDefaultNet, h,
                         "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#10",
                         "net.rx_gso_udp_l4");
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#11
TEST(NetDriverChecks, TunnelBitInReceiveHeader) {
  NetHdr h = withBuffers(1);
  h.flags = hdr::kFNeedsCsum;
  h.gsoType = hdr::kGsoTcpv4 | hdr::kGsoUdpTunnelIpv4;
  expectRxHeaderRejected(kDefaultNet, h,
                         "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#11",
                         "net.rx_gso_tunnel");
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#12
TEST(NetDriverChecks, TunnelCsumFlagInReceiveHeader) {
  NetHdr h = withBuffers(1);
  h.flags = hdr::kFUdpTunnelCsum;
  expectRxHeaderRejected(kDefaultNet, h,
                         "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#12",
                         "net.rx_tunnel_csum");
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#26
TEST(NetDriverChecks, UndefinedGsoType) {
  NetHdr h = withBuffers(1);
  h.flags = hdr::kFNeedsCsum;
  h.gsoType = 2;
  expectRxHeaderRejected(kDefaultNet, h,
                         "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#26",
                         "net.rx_gso_unknown");
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#27
TEST(NetDriverChecks, GsoWithoutNeedsCsum) {
  NetHdr h = withBuffers(1);
  h.gsoType = hdr::kGsoTcpv4;
  h.gsoSize = 1448;
  const uint64_t feats = kDefaultNet | f::bit(f::kGuestTso4);
  expectRxHeaderRejected(feats, h,
                         "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#27",
                         "net.rx_gso_without_needs_csum", NetDriverOptions{}.features | f::bit(f::kGuestTso4));
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#30
TEST(NetDriverChecks, RscInfoWithoutRscExt) {
  NetHdr h = withBuffers(1);
  h.flags = hdr::kFRscInfo;
  expectRxHeaderRejected(kDefaultNet, h,
                         "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#30",
                         "net.rx_rsc_info");
}

// covers: devicenormative:Device Types / Network Device / Device configuration layout#5
TEST(NetDriverChecks, PacketOverMtu) {
  FakeNet f;
  f.set16(cfg::kMtu, 1000);
  auto n = f.open();
  const auto p = FakeNet::packet(withBuffers(1), 1015);
  f.deliver(p, {static_cast<uint32_t>(p.size())});
  EXPECT_FALSE(n->receive(nullptr));
  f.expectOnly("devicenormative:Device Types / Network Device / Device configuration layout#5", "net.rx_over_mtu");
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#3
TEST(NetDriverChecks, MacAddrSetNotShownInConfig) {
  FakeNet f;
  f.macAddrApplies = false;
  auto n = f.open();
  EXPECT_EQ(n->setMacAddress(Mac{0x02, 9, 9, 9, 9, 9}), CtrlStatus::Ok);
  f.expectOnly(
      "devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#3",
      "net.mac_addr_set_not_in_config");
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Gratuitous Packet Sending#1
TEST(NetDriverChecks, AnnounceNotClearedByTheAck) {
  FakeNet f;
  f.announceClears = false;
  auto n = f.open();
  f.set16(cfg::kStatus, cfg::kSLinkUp | cfg::kSAnnounce);
  EXPECT_EQ(n->announceAck(), CtrlStatus::Ok);
  f.expectOnly(
      "devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Gratuitous Packet Sending#1",
      "net.announce_not_cleared");
}

}  // namespace
}  // namespace vsim::drv

// ---- RSS, inner header hash, device statistics ---------------------------------------------------------------------

namespace vsim::drv {
namespace {

std::vector<uint8_t> le(uint64_t v, size_t n) {
  std::vector<uint8_t> b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
  return b;
}

/// A device offering RSS (no MQ: one pair, control queue 2) with the given limits, and HASH_TUNNEL.
struct FakeRssNet : FakeNet {
  explicit FakeRssNet(uint8_t keySize = 40, uint16_t tableLen = 128)
      : FakeNet(kDefaultNet | f::bit(f::kRss) | f::bit(f::kHashTunnel)) {
    core->config.resize(28, 0);
    core->config[cfg::kRssMaxKeySize] = keySize;
    set16(cfg::kRssMaxIndirectionTableLength, tableLen);
    set32(cfg::kSupportedHashTypes, 0x3f);
    set32(cfg::kSupportedTunnelTypes, 0x90);
  }
  std::unique_ptr<NetDriver> openRss() {
    NetDriverOptions o;
    o.features |= f::bit(f::kRss) | f::bit(f::kHashTunnel);
    return open(o);
  }
};

RssSettings rssOf(std::vector<uint16_t> table, uint32_t types) {
  RssSettings s;
  s.table = std::move(table);
  s.hashTypes = types;
  s.key = std::vector<uint8_t>(40, 0x11);
  return s;
}

// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#2
// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#3
// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#4
// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#5
TEST(NetDriverRss, ConfigLayoutAndRules) {
  FakeRssNet f;
  auto n = f.openRss();
  ASSERT_TRUE(n);
  EXPECT_EQ(n->controlQueue(), 2);
  EXPECT_EQ(n->config().rssMaxIndirectionTableLength, 128);
  EXPECT_EQ(n->setRss(rssOf({0, 0}, 0x3)), CtrlStatus::Ok);
  ASSERT_EQ(f.ctrlSeen.size(), 1u);
  std::vector<uint8_t> want{ctrl::kClassMq, ctrl::kMqRssConfig, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 40};
  want.resize(want.size() + 40, 0x11);
  EXPECT_EQ(f.readable(f.ctrlSeen[0]), want);
  for (const RssSettings& bad : {rssOf({0, 0, 0}, 1), rssOf(std::vector<uint16_t>(256, 0), 1), rssOf({0, 0}, 1u << 6),
                                 rssOf({0, 1}, 1)})
    EXPECT_EQ(n->setRss(bad), CtrlStatus::Failed);
  EXPECT_EQ(f.ctrlSeen.size(), 1u);  // none of them sent
  EXPECT_TRUE(f.log.empty());
}

TEST(NetDriverRss, NeedsTheFeature) {
  FakeNet f;
  auto n = f.open();
  ASSERT_TRUE(n);
  EXPECT_EQ(n->setRss(rssOf({0}, 1)), CtrlStatus::NotNegotiated);
  EXPECT_EQ(n->setHashTunnel(0), CtrlStatus::NotNegotiated);
  EXPECT_EQ(n->statsQuery(nullptr), CtrlStatus::NotNegotiated);
  EXPECT_TRUE(f.ctrlSeen.empty());
}

// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Inner Header Hash#2
TEST(NetDriverRss, HashTunnelOnlySupportedTypes) {
  FakeRssNet f;
  auto n = f.openRss();
  ASSERT_TRUE(n);
  EXPECT_EQ(n->config().supportedTunnelTypes, 0x90u);
  EXPECT_EQ(n->setHashTunnel(1u << 6), CtrlStatus::Failed);
  EXPECT_TRUE(f.ctrlSeen.empty());
  EXPECT_EQ(n->setHashTunnel(0x10), CtrlStatus::Ok);
  ASSERT_EQ(f.ctrlSeen.size(), 1u);
  EXPECT_EQ(f.readable(f.ctrlSeen[0]), (std::vector<uint8_t>{ctrl::kClassHashTunnel, ctrl::kHashTunnelSet, 0x10, 0, 0, 0}));
}

TEST(NetDriverChecks, RssKeySizeBelow40) {
  FakeRssNet f(39, 128);
  f.openRss();
  f.expectOnly(clause::kNetRssKeySize, "net.rss_key_size_small");
}

TEST(NetDriverChecks, RssTableLengthBelow128) {
  FakeRssNet f(40, 64);
  f.openRss();
  f.expectOnly(clause::kNetRssTableLength, "net.rss_table_length_small");
}

/// A statistics device: STATS_QUERY answers CVQ | RX_BASIC | TX_BASIC; STATS_GET answers each entry with a reply
/// whose header `mangle` may spoil.
struct FakeStatsNet : FakeNet {
  int mangle = 0;  // 1: wrong type, 2: wrong size
  bool queryErr = false;
  FakeStatsNet() : FakeNet(kDefaultNet | f::bit(f::kDeviceStats)) {
    ctrlAnswer = [this](const std::vector<uint8_t>& cmd) -> std::vector<uint8_t> {
      if (cmd.size() < 2 || cmd[0] != ctrl::kClassStats) return {};
      if (cmd[1] == ctrl::kStatsQuery) {
        if (queryErr) return {ctrl::kErr};
        std::vector<uint8_t> a{ctrl::kOk};
        const auto t = le((uint64_t{1} << 32) | (uint64_t{1} << 16) | 1, 8);
        a.insert(a.end(), t.begin(), t.end());
        return a;
      }
      std::vector<uint8_t> a{ctrl::kOk};
      for (size_t at = 2; at + 16 <= cmd.size(); at += 16) {
        const uint16_t vq = static_cast<uint16_t>(cmd[at] | cmd[at + 1] << 8);
        const unsigned type = cmd[at + 8] ? 0 : cmd[at + 10] ? 16 : 32;
        const uint16_t size = type == 32 ? 24 : 56;
        std::vector<uint8_t> r{static_cast<uint8_t>(mangle == 1 ? type + 1 : type), 0};
        const auto v = le(vq, 2), z = le(0, 2), sz = le(mangle == 2 ? size + 8 : size, 2);
        for (const auto* p : {&v, &z, &sz}) r.insert(r.end(), p->begin(), p->end());
        r.resize(size, 0x42);
        a.insert(a.end(), r.begin(), r.end());
      }
      return a;
    };
  }
  std::unique_ptr<NetDriver> openStats() {
    NetDriverOptions o;
    o.features |= f::bit(f::kDeviceStats);
    return open(o);
  }
};

// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#1
// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#2
// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#3
TEST(NetDriverStats, QueryThenGetWithRoomForEveryReply) {
  FakeStatsNet f;
  auto n = f.openStats();
  ASSERT_TRUE(n);
  EXPECT_EQ(n->statsGet({{0, 1}}, nullptr), CtrlStatus::Failed);  // not queried yet
  EXPECT_TRUE(f.ctrlSeen.empty());
  uint64_t types = 0;
  ASSERT_EQ(n->statsQuery(&types), CtrlStatus::Ok);
  EXPECT_EQ(types, (uint64_t{1} << 32) | (uint64_t{1} << 16) | 1);
  EXPECT_EQ(n->statsGet({{0, 2}}, nullptr), CtrlStatus::Failed);                    // not reported
  EXPECT_EQ(n->statsGet({{0, uint64_t{1} << 16}}, nullptr), CtrlStatus::Failed);    // not for a receive queue
  EXPECT_EQ(n->statsGet({{1, uint64_t{1} << 32}}, nullptr), CtrlStatus::Failed);    // not for a data queue
  EXPECT_EQ(f.ctrlSeen.size(), 1u);
  std::vector<uint8_t> reply;
  ASSERT_EQ(n->statsGet({{0, 1}, {1, uint64_t{1} << 16}, {2, uint64_t{1} << 32}}, &reply), CtrlStatus::Ok);
  EXPECT_EQ(reply.size(), 56u + 56u + 24u);
  EXPECT_EQ(f.ctrlSeen.back().writable, 1u + 56u + 56u + 24u);
  EXPECT_TRUE(f.log.empty());
}

TEST(NetDriverChecks, StatsQueryRefused) {
  FakeStatsNet f;
  f.queryErr = true;
  auto n = f.openStats();
  EXPECT_EQ(n->statsQuery(nullptr), CtrlStatus::Err);
  f.expectOnly(clause::kNetStatsQuery, "net.stats_query_refused");
}

TEST(NetDriverChecks, StatsReplyHeaderNamesAnotherType) {
  FakeStatsNet f;
  f.mangle = 1;
  auto n = f.openStats();
  ASSERT_EQ(n->statsQuery(nullptr), CtrlStatus::Ok);
  n->statsGet({{0, 1}}, nullptr);
  f.expectOnly(clause::kNetStatsReplyHdr, "net.stats_reply_header");
}

TEST(NetDriverChecks, StatsReplySizeWrong) {
  FakeStatsNet f;
  f.mangle = 2;
  auto n = f.openStats();
  ASSERT_EQ(n->statsQuery(nullptr), CtrlStatus::Ok);
  EXPECT_EQ(n->statsGet({{0, 1}}, nullptr), CtrlStatus::Failed);
  f.expectOnly(clause::kNetStatsReplySize, "net.stats_reply_size");
}

}  // namespace
}  // namespace vsim::drv

// Net device control queue: each command's effect, and one negative test per control-queue check.
#include <stdexcept>

#include "net_fixture.h"
#include "vsim/model/net_type.h"

namespace vsim::model::test {
namespace {

using namespace net;

class NetCtrl : public NetTest {
 protected:
  const Mac me = NetParams{}.mac;
  void up(uint64_t bits, const NetParams& p = NetParams{}) {
    make(p);
    bringUp(bits);
    for (int i = 0; i < 8; ++i) postRx(0, 2048);
  }
  bool delivered(const std::vector<uint8_t>& fr) {
    const uint64_t before = dev->stats().rxFrames;
    dev->inject(fr);
    return dev->stats().rxFrames == before + 1;
  }
  static std::vector<uint8_t> macTable(const std::vector<Mac>& uni, const std::vector<Mac>& multi) {
    std::vector<uint8_t> d;
    for (const auto* t : {&uni, &multi}) {
      const uint32_t n = static_cast<uint32_t>(t->size());
      for (int i = 0; i < 4; ++i) d.push_back(static_cast<uint8_t>(n >> (8 * i)));
      for (const auto& m : *t) d.insert(d.end(), m.begin(), m.end());
    }
    return d;
  }
};

const Mac kMcast{0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
const Mac kOther{0x02, 0x11, 0x22, 0x33, 0x44, 0x55};

// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#1
// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#2
// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#3
TEST_F(NetCtrl, PromiscuousModeReceivesEveryFrame) {
  up(offeredNet());
  EXPECT_FALSE(delivered(frame(kOther, kPeer, 64)));
  EXPECT_EQ(command(ctrl::kClassRx, ctrl::kRxPromisc, {1}), ctrl::kOk);
  EXPECT_TRUE(delivered(frame(kOther, kPeer, 64)));
  EXPECT_EQ(command(ctrl::kClassRx, ctrl::kRxPromisc, {0}), ctrl::kOk);
  EXPECT_FALSE(delivered(frame(kOther, kPeer, 64)));
  expectClean();
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#4
// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#7
// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#8
// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#9
// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#12
// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#13
TEST_F(NetCtrl, MulticastModes) {
  up(offeredNet());
  EXPECT_TRUE(delivered(frame(kMcast, kPeer, 64)));  // all-multicast until told otherwise
  EXPECT_EQ(command(ctrl::kClassRx, ctrl::kRxAllMulti, {0}), ctrl::kOk);
  EXPECT_FALSE(delivered(frame(kMcast, kPeer, 64)));
  EXPECT_EQ(command(ctrl::kClassMac, ctrl::kMacTableSet, macTable({}, {kMcast})), ctrl::kOk);
  EXPECT_TRUE(delivered(frame(kMcast, kPeer, 64)));
  EXPECT_EQ(command(ctrl::kClassRx, ctrl::kRxAllMulti, {1}), ctrl::kOk);
  EXPECT_EQ(command(ctrl::kClassRx, ctrl::kRxNoMulti, {1}), ctrl::kOk);  // wins over all-multicast
  EXPECT_FALSE(delivered(frame(kMcast, kPeer, 64)));
  EXPECT_TRUE(delivered(frame(kBcast, kPeer, 64)));  // broadcast is not multicast here
  EXPECT_EQ(command(ctrl::kClassRx, ctrl::kRxNoBcast, {1}), ctrl::kOk);
  EXPECT_FALSE(delivered(frame(kBcast, kPeer, 64)));
  expectClean();
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#5
// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#6
// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#10
// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#11
// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#2
// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#4
TEST_F(NetCtrl, UnicastModesAndTable) {
  up(offeredNet());
  EXPECT_EQ(command(ctrl::kClassMac, ctrl::kMacTableSet, macTable({kOther}, {})), ctrl::kOk);
  EXPECT_TRUE(delivered(frame(kOther, kPeer, 64)));
  EXPECT_FALSE(delivered(frame(kPeer, kPeer, 64)));
  EXPECT_EQ(command(ctrl::kClassRx, ctrl::kRxAllUni, {1}), ctrl::kOk);
  EXPECT_TRUE(delivered(frame(kPeer, kPeer, 64)));
  EXPECT_EQ(command(ctrl::kClassRx, ctrl::kRxNoUni, {1}), ctrl::kOk);
  EXPECT_FALSE(delivered(frame(me, kPeer, 64)));
  expectClean();
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#3
TEST_F(NetCtrl, MacAddrSetUpdatesConfigBeforeTheAck) {
  up(offeredNet());
  const uint8_t gen = core->configGeneration();
  EXPECT_EQ(command(ctrl::kClassMac, ctrl::kMacAddrSet, std::vector<uint8_t>(kOther.begin(), kOther.end())), ctrl::kOk);
  Mac m{};
  core->readConfig(cfg::kMac, m.data(), 6);
  EXPECT_EQ(m, kOther);
  EXPECT_NE(core->configGeneration(), gen);
  EXPECT_TRUE(delivered(frame(kOther, kPeer, 64)));
  EXPECT_FALSE(delivered(frame(me, kPeer, 64)));
  core->writeStatus(0);  // reset: back to the configured address
  EXPECT_EQ(dev->mac(), me);
  expectClean();
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / VLAN Filtering#2
// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / VLAN Filtering#3
TEST_F(NetCtrl, VlanFilterTable) {
  up(offeredNet());
  auto tagged = frame(me, kPeer, 64);
  tagged[12] = 0x81;
  tagged[13] = 0x00;
  tagged[14] = 0x00;
  tagged[15] = 42;
  EXPECT_FALSE(delivered(tagged));  // the table starts empty
  EXPECT_EQ(command(ctrl::kClassVlan, ctrl::kVlanAdd, {42, 0}), ctrl::kOk);
  EXPECT_TRUE(delivered(tagged));
  EXPECT_EQ(command(ctrl::kClassVlan, ctrl::kVlanDel, {42, 0}), ctrl::kOk);
  EXPECT_FALSE(delivered(tagged));
  EXPECT_EQ(command(ctrl::kClassVlan, ctrl::kVlanAdd, {0xff, 0xff}), ctrl::kErr);  // not a VLAN id
  expectClean();
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / VLAN Filtering#1
TEST_F(NetCtrl, WithoutCtrlVlanEveryTagPasses) {
  up(offeredNet() & ~bit(f::kCtrlVlan));
  auto tagged = frame(me, kPeer, 64);
  tagged[12] = 0x81;
  tagged[13] = 0x00;
  EXPECT_TRUE(delivered(tagged));
  EXPECT_EQ(command(ctrl::kClassVlan, ctrl::kVlanAdd, {1, 0}), ctrl::kErr);  // class not negotiated: ERR only
  expectClean();
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Gratuitous Packet Sending#1
TEST_F(NetCtrl, AnnounceAckClearsTheStatusBit) {
  up(offeredNet());
  ASSERT_TRUE(dev->announce());
  uint16_t st = 0;
  core->readConfig(cfg::kStatus, &st, 2);
  EXPECT_EQ(st, cfg::kSLinkUp | cfg::kSAnnounce);
  EXPECT_GE(irqs.count(IrqKind::Config), 1u);
  EXPECT_EQ(command(ctrl::kClassAnnounce, ctrl::kAnnounceAck, {}), ctrl::kOk);
  core->readConfig(cfg::kStatus, &st, 2);
  EXPECT_EQ(st, cfg::kSLinkUp);
  expectClean();
}

TEST_F(NetCtrl, GuestOffloadsSet) {
  up(offeredNet());
  EXPECT_EQ(dev->guestOffloads(), bit(f::kGuestCsum));
  uint8_t zero[8] = {};
  EXPECT_EQ(command(ctrl::kClassGuestOffloads, ctrl::kGuestOffloadsSet, std::vector<uint8_t>(zero, zero + 8)),
            ctrl::kOk);
  EXPECT_EQ(dev->guestOffloads(), 0u);
  expectClean();
}

TEST_F(NetCtrl, UnknownClassAnsweredWithErr) {
  up(offeredNet());
  EXPECT_EQ(command(42, 0, {}), ctrl::kErr);
  EXPECT_EQ(command(ctrl::kClassStats, 0, {}), ctrl::kErr);
  expectClean();
}

TEST_F(NetCtrl, ControlQueueIsTheLastOneWithMq) {
  NetParams p;
  p.mqPairs = 3;
  make(p);
  EXPECT_EQ(core->numQueues(), 7);
  bringUp(offeredNet());
  EXPECT_EQ(dev->ctrlQueue(), 6);
  make(p);
  bringUp(offeredNet() & ~bit(f::kMq));
  EXPECT_EQ(dev->ctrlQueue(), 2);
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Message Framing#1
TEST_F(NetCtrl, CommandWithoutAckByte) {
  up(offeredNet());
  const uint64_t h = alloc(2);
  addChain(dev->ctrlQueue(), {{h, 2, false}});
  kick(dev->ctrlQueue());
  uint32_t len = 99;
  ASSERT_TRUE(popUsed(dev->ctrlQueue(), nullptr, &len));
  EXPECT_EQ(len, 0u);
  EXPECT_EQ(command(ctrl::kClassRx, ctrl::kRxPromisc, {1, 0}), ctrl::kErr);  // data of the wrong size
  expectOnly("drivernormative:Basic Facilities of a Virtio Device / Message Framing#1", "ctrl.malformed");
  EXPECT_EQ(log.size(), 2u);
}

// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#1
TEST_F(NetCtrl, RxCommandWithoutCtrlRx) {
  up(offeredNet() & ~bit(f::kCtrlRx) & ~bit(f::kCtrlRxExtra));
  EXPECT_EQ(command(ctrl::kClassRx, ctrl::kRxPromisc, {1}), ctrl::kErr);
  expectOnly("drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#1",
             "ctrl.rx_without_ctrl_rx");
}

// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#2
TEST_F(NetCtrl, RxExtraCommandWithoutCtrlRxExtra) {
  up(offeredNet() & ~bit(f::kCtrlRxExtra));
  EXPECT_EQ(command(ctrl::kClassRx, ctrl::kRxNoBcast, {1}), ctrl::kErr);
  expectOnly("drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#2",
             "ctrl.rx_extra_without_feature");
}

// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#1
TEST_F(NetCtrl, MacClassWithoutCtrlRx) {
  up(offeredNet() & ~bit(f::kCtrlRx) & ~bit(f::kCtrlRxExtra));
  EXPECT_EQ(command(ctrl::kClassMac, ctrl::kMacTableSet, macTable({}, {})), ctrl::kErr);
  expectOnly(
      "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#1",
      "ctrl.mac_without_ctrl_rx");
}

// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#3
TEST_F(NetCtrl, MacTableMalformed) {
  up(offeredNet());
  auto t = macTable({kOther}, {});
  t.pop_back();  // one byte short
  EXPECT_EQ(command(ctrl::kClassMac, ctrl::kMacTableSet, t), ctrl::kErr);
  EXPECT_EQ(command(ctrl::kClassMac, ctrl::kMacTableSet, macTable({kMcast}, {})), ctrl::kErr);  // wrong kind
  EXPECT_EQ(command(ctrl::kClassMac, ctrl::kMacTableSet, {0, 0, 0, 0}), ctrl::kErr);          // no second count
  expectOnly(
      "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#3",
      "ctrl.mac_table_malformed");
  EXPECT_EQ(log.size(), 3u);
}

class NetCtrlMq : public NetCtrl {
 protected:
  void SetUp() override {
    NetParams p;
    p.mqPairs = 4;
    up(offeredNet(), p);
  }
};

// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#1
TEST_F(NetCtrlMq, PairsSetTakesEffect) {
  EXPECT_EQ(dev->activePairs(), 1);
  EXPECT_EQ(command(ctrl::kClassMq, ctrl::kMqVqPairsSet, {4, 0}), ctrl::kOk);
  EXPECT_EQ(dev->activePairs(), 4);
  expectClean();
}

// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#2
TEST_F(NetCtrlMq, PairsOutOfRange) {
  EXPECT_EQ(command(ctrl::kClassMq, ctrl::kMqVqPairsSet, {0, 0}), ctrl::kErr);
  EXPECT_EQ(command(ctrl::kClassMq, ctrl::kMqVqPairsSet, {5, 0}), ctrl::kErr);
  EXPECT_EQ(dev->activePairs(), 1);
  expectOnly(
      "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#2",
      "ctrl.mq_pairs_out_of_range");
}

// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#1
TEST_F(NetCtrlMq, PairsSetBeforeTheQueuesAreConfigured) {
  core->resetQueue(5);  // transmitq3 back to "not set up"
  EXPECT_EQ(command(ctrl::kClassMq, ctrl::kMqVqPairsSet, {3, 0}), ctrl::kErr);
  expectOnly(
      "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#1",
      "ctrl.mq_queues_not_configured");
}

// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#1
TEST_F(NetCtrl, RssConfigWithoutRss) {
  up(offeredNet());
  EXPECT_EQ(command(ctrl::kClassMq, ctrl::kMqRssConfig, std::vector<uint8_t>(16, 0)), ctrl::kErr);
  expectOnly("drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#1",
             "ctrl.rss_without_feature");
}

// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#2
TEST_F(NetCtrl, CoalescingWithoutNotfCoal) {
  up(offeredNet());
  EXPECT_EQ(command(ctrl::kClassNotfCoal, ctrl::kNotfCoalTxSet, std::vector<uint8_t>(8, 0)), ctrl::kErr);
  expectOnly("drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#2",
             "ctrl.notf_coal_without_feature");
}

// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#3
TEST_F(NetCtrl, VqCoalescingWithoutVqNotfCoal) {
  up(offeredNet());
  EXPECT_EQ(command(ctrl::kClassNotfCoal, ctrl::kNotfCoalVqGet, std::vector<uint8_t>(4, 0)), ctrl::kErr);
  expectOnly("drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#3",
             "ctrl.vq_notf_coal_without_feature");
}

// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Inner Header Hash#1
TEST_F(NetCtrl, HashTunnelWithoutFeature) {
  up(offeredNet());
  EXPECT_EQ(command(ctrl::kClassHashTunnel, 0, std::vector<uint8_t>(4, 0)), ctrl::kErr);
  expectOnly("drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Inner Header Hash#1",
             "ctrl.hash_tunnel_without_feature");
}

// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / RSS Context#1
TEST_F(NetCtrl, RssContextWithoutFeature) {
  up(offeredNet());
  EXPECT_EQ(command(ctrl::kClassRssCtx, 0, {}), ctrl::kErr);
  expectOnly("drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / RSS Context#1",
             "ctrl.rss_ctx_without_feature");
}

// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Offloads State Configuration / Setting Offloads State#1
TEST_F(NetCtrl, OffloadNotNegotiated) {
  up(offeredNet());
  std::vector<uint8_t> want(8, 0);
  want[0] = static_cast<uint8_t>(1u << f::kGuestTso4);  // bit 7: GUEST_TSO4 was not offered
  EXPECT_EQ(command(ctrl::kClassGuestOffloads, ctrl::kGuestOffloadsSet, want), ctrl::kErr);
  EXPECT_EQ(dev->guestOffloads(), bit(f::kGuestCsum));
  expectOnly(
      "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Offloads State Configuration / Setting Offloads State#1",
      "ctrl.offload_not_negotiated");
}

}  // namespace
}  // namespace vsim::model::test

// ---- notification coalescing ----------------------------------------------------------------------------------

namespace vsim::model::test {
namespace {

using namespace net;

class NetCtrlCoal : public NetCtrl {
 protected:
  void SetUp() override {
    NetParams p;
    p.mqPairs = 2;  // queues 0..3, control queue 4
    p.notfCoal = p.vqNotfCoal = true;
    up(offeredNet(), p);
  }
  static std::vector<uint8_t> le(uint64_t v, size_t n) {
    std::vector<uint8_t> b(n);
    for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
    return b;
  }
  static std::vector<uint8_t> coal(uint32_t packets, uint32_t usecs) {
    auto a = le(packets, 4), b = le(usecs, 4);
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }
  static std::vector<uint8_t> vqSet(uint16_t vq, uint16_t reserved, uint32_t packets, uint32_t usecs) {
    auto d = le(vq, 2), r = le(reserved, 2), c = coal(packets, usecs);
    d.insert(d.end(), r.begin(), r.end());
    d.insert(d.end(), c.begin(), c.end());
    return d;
  }
  /// VQ_GET with `writable` bytes for the ack and the result; the ack, and the result read back.
  uint8_t get(uint16_t vq, NetDevice::Coalescing* out, uint32_t writable = 9) {
    const uint64_t h = alloc(2), d = alloc(4), w = alloc(writable);
    const uint8_t hc[2] = {ctrl::kClassNotfCoal, ctrl::kNotfCoalVqGet};
    mem.write(h, hc, 2);
    const auto data = le(vq, 4);
    mem.write(d, data.data(), 4);
    const std::vector<uint8_t> poison(writable, 0xee);
    mem.write(w, poison.data(), writable);
    addChain(dev->ctrlQueue(), {{h, 2, false}, {d, 4, false}, {w, writable, true}});
    kick(dev->ctrlQueue());
    const auto back = readMem(w, writable);
    if (out && writable >= 9) {
      out->maxPackets = back[1] | back[2] << 8 | back[3] << 16 | uint32_t{back[4]} << 24;
      out->maxUsecs = back[5] | back[6] << 8 | back[7] << 16 | uint32_t{back[8]} << 24;
    }
    return back[0];
  }
  using C = NetDevice::Coalescing;
};

TEST_F(NetCtrlCoal, TxAndRxSetApplyToEveryQueueOfTheirKind) {
  EXPECT_EQ(command(ctrl::kClassNotfCoal, ctrl::kNotfCoalTxSet, coal(10, 20)), ctrl::kOk);
  EXPECT_EQ(dev->coalescing(1), (C{10, 20}));
  EXPECT_EQ(dev->coalescing(3), (C{10, 20}));
  EXPECT_EQ(dev->coalescing(0), (C{0, 0}));
  EXPECT_EQ(command(ctrl::kClassNotfCoal, ctrl::kNotfCoalRxSet, coal(5, 6)), ctrl::kOk);
  EXPECT_EQ(dev->coalescing(0), (C{5, 6}));
  EXPECT_EQ(dev->coalescing(2), (C{5, 6}));
  EXPECT_EQ(dev->coalescing(4), (C{0, 0}));  // the control queue has none
  expectClean();
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#1
// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#3
TEST_F(NetCtrlCoal, VqSetThenGetWithReservedIgnored) {
  EXPECT_EQ(command(ctrl::kClassNotfCoal, ctrl::kNotfCoalVqSet, vqSet(2, 0xbeef, 7, 8)), ctrl::kOk);
  C got;
  EXPECT_EQ(get(2, &got), ctrl::kOk);
  EXPECT_EQ(got, (C{7, 8}));
  EXPECT_EQ(dev->coalescing(0), (C{0, 0}));  // the other receive queue keeps its own
  // the last command wins, whichever it was
  EXPECT_EQ(command(ctrl::kClassNotfCoal, ctrl::kNotfCoalRxSet, coal(1, 2)), ctrl::kOk);
  EXPECT_EQ(get(2, &got), ctrl::kOk);
  EXPECT_EQ(got, (C{1, 2}));
  expectClean();
}

// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#1
// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#4
TEST_F(NetCtrlCoal, VqIndexNotAnEnabledDataQueue) {
  EXPECT_EQ(command(ctrl::kClassNotfCoal, ctrl::kNotfCoalVqSet, vqSet(4, 0, 1, 1)), ctrl::kErr);  // control queue
  EXPECT_EQ(get(9, nullptr), ctrl::kErr);                                                        // no such queue
  core->resetQueue(3);  // transmitq2 not enabled any more
  EXPECT_EQ(get(3, nullptr), ctrl::kErr);
  expectOnly("drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#1",
             "ctrl.notf_coal_vq_index");
  EXPECT_EQ(log.size(), 3u);
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#5
// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#6
TEST_F(NetCtrlCoal, ReenabledQueueGetsTheKindWideValues) {
  EXPECT_EQ(command(ctrl::kClassNotfCoal, ctrl::kNotfCoalTxSet, coal(3, 30)), ctrl::kOk);
  EXPECT_EQ(command(ctrl::kClassNotfCoal, ctrl::kNotfCoalVqSet, vqSet(1, 0, 99, 99)), ctrl::kOk);
  EXPECT_EQ(command(ctrl::kClassNotfCoal, ctrl::kNotfCoalVqSet, vqSet(0, 0, 55, 55)), ctrl::kOk);
  core->resetQueue(1);
  EXPECT_EQ(dev->coalescing(1), (C{3, 30}));  // TX_SET's values
  core->resetQueue(0);
  EXPECT_EQ(dev->coalescing(0), (C{0, 0}));   // no RX_SET: 0
  expectClean();
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#9
TEST_F(NetCtrlCoal, ResetZeroesEveryParameter) {
  EXPECT_EQ(command(ctrl::kClassNotfCoal, ctrl::kNotfCoalTxSet, coal(3, 30)), ctrl::kOk);
  EXPECT_EQ(command(ctrl::kClassNotfCoal, ctrl::kNotfCoalRxSet, coal(4, 40)), ctrl::kOk);
  core->writeStatus(0);
  for (uint16_t q = 0; q < 5; ++q) EXPECT_EQ(dev->coalescing(q), (C{0, 0})) << q;
  bringUp(offeredNet());
  core->resetQueue(1);
  EXPECT_EQ(dev->coalescing(1), (C{0, 0}));  // the TX_SET of before the reset is gone too
  expectClean();
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Message Framing#1
TEST_F(NetCtrlCoal, VqGetWithoutRoomForTheResult) {
  EXPECT_EQ(get(0, nullptr, /*writable=*/1), ctrl::kErr);
  expectOnly("drivernormative:Basic Facilities of a Virtio Device / Message Framing#1", "ctrl.malformed");
}

TEST(NetCoalOptions, NeedControlQueue) {
  NetParams p;
  p.notfCoal = true;
  EXPECT_TRUE(p.offeredFeatures() & (uint64_t{1} << f::kNotfCoal));
  EXPECT_THROW(netParamsFrom({{"notf_coal", "true"}, {"ctrl_vq", "false"}}, "n"), std::invalid_argument);
  EXPECT_NO_THROW(netParamsFrom({{"vq_notf_coal", "true"}}, "n"));
}

}  // namespace
}  // namespace vsim::model::test

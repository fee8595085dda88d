// UDP tunnel segmentation (bits 65..68): offer and dependencies, the 24-byte header, transmit rules on a driver's
// tunnel requests, and delivery of tunnel requests to a driver with GUEST_UDP_TUNNEL_GSO.
#include "net_fixture.h"
#include "vsim/model/net_tunnel_frame.h"
#include "vsim/model/net_tx_tunnel_check.h"

namespace vsim::model::test {
namespace {

using namespace net;

constexpr uint64_t hi(unsigned b) { return uint64_t{1} << (b - 64); }
constexpr uint64_t kAllTunnel =
    hi(f::kGuestUdpTunnelGso) | hi(f::kGuestUdpTunnelGsoCsum) | hi(f::kHostUdpTunnelGso) | hi(f::kHostUdpTunnelGsoCsum);
const std::string kPT = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#";

class NetTunnel : public NetTest {
 protected:
  NetFrame sent;
  void up(uint64_t high, uint64_t low = ~uint64_t{0}) {
    NetParams p;
    p.gso = true;
    p.udpTunnelGso = true;
    make(p);
    core->writeDriverFeatures(2, static_cast<uint32_t>(high & dev->deviceFeaturesHigh()));
    bringUp(low);
  }
  void sendT(const std::vector<uint8_t>& frame, const NetHdr& h) {
    const uint64_t a = alloc(kTunnelHdrBytes + frame.size());
    uint8_t hb[kMaxHdrBytes];
    encodeHdr(h, hb, kTunnelHdrBytes);
    mem.write(a, hb, kTunnelHdrBytes);
    mem.write(a + kTunnelHdrBytes, frame.data(), frame.size());
    addChain(1, {{a, static_cast<uint32_t>(kTunnelHdrBytes + frame.size()), false}});
    kick(1);
  }
  /// Inject and read back what lands in one big receive buffer; false when nothing arrived.
  bool recvT(const std::vector<uint8_t>& frame, const NetHdr& h, NetHdr* got, std::vector<uint8_t>* data) {
    const uint64_t a = postRx(0, 70000);
    dev->inject(frame, h);
    uint32_t id = 0, len = 0;
    if (!popUsed(0, &id, &len) || len < kTunnelHdrBytes) return false;
    const auto b = readMem(a, len);
    *got = decodeHdr(b.data(), kTunnelHdrBytes);
    data->assign(b.begin() + kTunnelHdrBytes, b.end());
    return true;
  }
};

TEST_F(NetTunnel, OfferedOnlyWithTheParameter) {
  NetParams p;
  p.gso = true;
  make(p);
  EXPECT_EQ(dev->deviceFeaturesHigh(), 0u);
  p.udpTunnelGso = true;
  make(p);
  EXPECT_EQ(dev->deviceFeaturesHigh(), kAllTunnel);
}

TEST_F(NetTunnel, DependenciesAreChecked) {
  NetParams p;
  p.gso = true;
  p.udpTunnelGso = true;
  make(p);
  const uint64_t all = dev->deviceFeatures();
  EXPECT_EQ(dev->checkFeaturesHigh(all, kAllTunnel), "");
  EXPECT_NE(dev->checkFeaturesHigh(all & ~bit(f::kGuestUso6), hi(f::kGuestUdpTunnelGso)), "");
  EXPECT_NE(dev->checkFeaturesHigh(all, hi(f::kGuestUdpTunnelGsoCsum)), "");
  EXPECT_NE(dev->checkFeaturesHigh(all & ~bit(f::kHostUso), hi(f::kHostUdpTunnelGso)), "");
  EXPECT_NE(dev->checkFeaturesHigh(all, hi(f::kHostUdpTunnelGsoCsum)), "");
}

TEST(NetTunnelParse, LocatesVxlanHeaders) {
  for (bool v6 : {false, true}) {
    const auto f = vxlanTcpFrame(kPeer, kPeer, v6, 100, OuterCsumFill::Complete);
    const auto l = parseUdpTunnel(f.data);
    ASSERT_TRUE(l);
    EXPECT_EQ(l->outerTh, f.outerTh);
    EXPECT_TRUE(l->vxlan);
    EXPECT_EQ(l->innerNh, f.innerNh);
    EXPECT_EQ(l->innerVersion, v6 ? 6 : 4);
    EXPECT_EQ(l->csum, OuterCsum::Complete);
  }
  EXPECT_EQ(parseUdpTunnel(vxlanTcpFrame(kPeer, kPeer, false, 10, OuterCsumFill::Zero).data)->csum, OuterCsum::Zero);
  EXPECT_EQ(parseUdpTunnel(vxlanTcpFrame(kPeer, kPeer, false, 10, OuterCsumFill::PseudoHeader).data)->csum,
            OuterCsum::PseudoHeader);
  EXPECT_EQ(parseUdpTunnel(vxlanTcpFrame(kPeer, kPeer, false, 10, OuterCsumFill::Garbage).data)->csum, OuterCsum::Other);
}

TEST_F(NetTunnel, ValidTunnelRequestsAreSent) {
  up(kAllTunnel);
  ASSERT_EQ(core->negotiatedHigh(), kAllTunnel);
  for (bool v6 : {false, true})
    for (bool flag : {false, true}) {
      const auto f = vxlanTcpFrame(kPeer, NetParams{}.mac, v6, 3000,
                                   flag ? OuterCsumFill::PseudoHeader : OuterCsumFill::Zero);
      sendT(f.data, vxlanTsoHdr(f, v6, flag));
      ASSERT_TRUE(dev->takeSent(&sent));
      EXPECT_EQ(sent.data, f.data);
      EXPECT_EQ(sent.hdr.outerThOffset, f.outerTh);
    }
  expectClean();
}

struct TxCase {
  uint64_t high;
  OuterCsumFill fill;
  bool v6;
  int hdrTweak;  // 0 none, 1 wrong tunnel bit, 2 wrong outer offset, 3 tunnel bits removed, 4 flag set
  const char* clause;
  const char* kind;
};

TEST_F(NetTunnel, BrokenTunnelRequestsAreReportedWithTheirClause) {
  const uint64_t noCsum = hi(f::kHostUdpTunnelGso) | hi(f::kGuestUdpTunnelGso);
  const TxCase cases[] = {
      {kAllTunnel, OuterCsumFill::Zero, false, 1, "18", "net.tx_tunnel_inner_ipv4"},
      {kAllTunnel, OuterCsumFill::Zero, true, 1, "19", "net.tx_tunnel_inner_ipv6"},
      {noCsum, OuterCsumFill::PseudoHeader, false, 3, "20", "net.tx_tunnel_offload_without_features"},
      {kAllTunnel, OuterCsumFill::PseudoHeader, false, 3, "21", "net.tx_tunnel_offload_unmarked"},
      {kAllTunnel, OuterCsumFill::PseudoHeader, false, 0, "21", "net.tx_tunnel_csum_flag_missing"},
      {noCsum, OuterCsumFill::PseudoHeader, false, 4, "22", "net.tx_tunnel_csum_without_csum_feature"},
      {kAllTunnel, OuterCsumFill::Zero, false, 2, "37", "net.tx_tunnel_offsets"},
      {kAllTunnel, OuterCsumFill::Zero, false, 4, "39", "net.tx_tunnel_csum_not_pseudo"},
      {noCsum, OuterCsumFill::PseudoHeader, false, 0, "40", "net.tx_tunnel_outer_needs_csum"},
      {noCsum, OuterCsumFill::Garbage, false, 0, "41", "net.tx_tunnel_outer_csum_invalid"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.kind);
    log.clear();
    up(c.high);
    const auto f = vxlanTcpFrame(kPeer, NetParams{}.mac, c.v6, 3000, c.fill);
    NetHdr h = vxlanTsoHdr(f, c.v6, false);
    if (c.hdrTweak == 1) h.gsoType ^= hdr::kGsoUdpTunnelIpv4 | hdr::kGsoUdpTunnelIpv6;
    if (c.hdrTweak == 2) h.outerThOffset = static_cast<uint16_t>(h.outerThOffset + 4);
    if (c.hdrTweak == 3) h.gsoType &= static_cast<uint8_t>(~(hdr::kGsoUdpTunnelIpv4 | hdr::kGsoUdpTunnelIpv6));
    if (c.hdrTweak == 4) h.flags |= hdr::kFUdpTunnelCsum;
    sendT(f.data, h);
    EXPECT_FALSE(dev->takeSent(&sent));
    expectOnly(kPT + c.clause, c.kind);
  }
}

TEST_F(NetTunnel, WithoutHostTunnelGsoTheBitsAreRefused) {
  up(0);
  EXPECT_EQ(core->negotiatedHigh(), 0u);
  const auto f = vxlanTcpFrame(kPeer, NetParams{}.mac, false, 3000, OuterCsumFill::Zero);
  send(1, f.data, vxlanTsoHdr(f, false, false));
  EXPECT_FALSE(dev->takeSent(&sent));
  expectOnly(kPT + "17", "net.tx_gso_tunnel");
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#22
// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#23
// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#36
TEST_F(NetTunnel, TunnelRequestsReachAGuestWithTunnelGso) {
  up(kAllTunnel);
  for (bool v6 : {false, true}) {
    const auto f = vxlanTcpFrame(NetParams{}.mac, kPeer, v6, 3000, OuterCsumFill::PseudoHeader);
    NetHdr h;
    std::vector<uint8_t> data;
    ASSERT_TRUE(recvT(f.data, vxlanTsoHdr(f, v6, true), &h, &data));
    EXPECT_EQ(h.gsoType & (hdr::kGsoUdpTunnelIpv4 | hdr::kGsoUdpTunnelIpv6),
              v6 ? hdr::kGsoUdpTunnelIpv6 : hdr::kGsoUdpTunnelIpv4);
    EXPECT_EQ(h.outerThOffset, f.outerTh);
    EXPECT_EQ(h.innerNhOffset, f.innerNh);
    EXPECT_TRUE(h.flags & hdr::kFUdpTunnelCsum);
    EXPECT_EQ(data, f.data);  // the pseudo-header sum stays in place
  }
  expectClean();
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#24
// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#37
TEST_F(NetTunnel, WithoutTunnelCsumTheOuterChecksumIsZero) {
  up(hi(f::kGuestUdpTunnelGso));
  ASSERT_EQ(core->negotiatedHigh(), hi(f::kGuestUdpTunnelGso));
  const auto f = vxlanTcpFrame(NetParams{}.mac, kPeer, false, 3000, OuterCsumFill::PseudoHeader);
  NetHdr h;
  std::vector<uint8_t> data;
  ASSERT_TRUE(recvT(f.data, vxlanTsoHdr(f, false, true), &h, &data));
  EXPECT_FALSE(h.flags & hdr::kFUdpTunnelCsum);
  const auto l = parseUdpTunnel(data);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->csum, OuterCsum::Zero);
  expectClean();
}

TEST_F(NetTunnel, NotDeliveredWithoutGuestTunnelGso) {
  up(hi(f::kHostUdpTunnelGso));
  const auto f = vxlanTcpFrame(NetParams{}.mac, kPeer, false, 3000, OuterCsumFill::Zero);
  postRx(0, 70000);
  dev->inject(f.data, vxlanTsoHdr(f, false, false));
  uint32_t id = 0, len = 0;
  EXPECT_FALSE(popUsed(0, &id, &len));
}

}  // namespace
}  // namespace vsim::model::test

// Data-path feature rules: segmentation requests under VIRTIO_NET_F_HOST_ECN and VIRTIO_NET_F_GUEST_HDRLEN
// (transmit), and what the device never hands a driver (UDP tunnel segmentation it cannot negotiate, IPsec flags).
#include "net_fixture.h"
#include "vsim/model/net_tx_seg_check.h"

namespace vsim::model::test {
namespace {

using namespace net;

void put16(std::vector<uint8_t>& v, size_t at, uint16_t x) {
  v[at] = static_cast<uint8_t>(x >> 8);
  v[at + 1] = static_cast<uint8_t>(x);
}
uint32_t sum(const std::vector<uint8_t>& v, size_t at, size_t n) {
  uint32_t s = 0;
  for (size_t i = 0; i < n; i += 2) s += uint32_t{v[at + i]} << 8 | v[at + i + 1];
  return s;
}
uint16_t fold(uint32_t x) {
  while (x >> 16) x = (x & 0xffff) + (x >> 16);
  return static_cast<uint16_t>(x);
}

/// TCP over IPv4 (20 + `tcpHdr` bytes of headers, `payload` bytes), IPv4 header checksum valid, the pseudo-header
/// sum in the TCP checksum (as a segmentation request leaves it), TCP flags `tcpFlags`.
std::vector<uint8_t> tsoFrame(const Mac& dst, uint8_t tcpFlags, size_t payload = 3000, size_t tcpHdr = 20) {
  const size_t l3 = 14, l4Len = tcpHdr + payload;
  std::vector<uint8_t> v = NetHarness::frame(dst, kPeer, 20 + l4Len, 0);
  std::fill(v.begin() + l3, v.end(), 0);
  v[l3] = 0x45;
  put16(v, l3 + 2, static_cast<uint16_t>(20 + l4Len));
  v[l3 + 8] = 64;
  v[l3 + 9] = 6;
  v[l3 + 12] = 10, v[l3 + 15] = 1, v[l3 + 16] = 10, v[l3 + 19] = 2;
  put16(v, l3 + 10, static_cast<uint16_t>(~fold(sum(v, l3, 20))));
  v[l3 + 20 + 12] = static_cast<uint8_t>((tcpHdr / 4) << 4);
  v[l3 + 20 + 13] = tcpFlags;
  put16(v, l3 + 20 + 16, fold(sum(v, l3 + 12, 8) + 6 + static_cast<uint32_t>(l4Len)));
  return v;
}

NetHdr tsoHdr(uint8_t gsoType, uint16_t hdrLen) {
  NetHdr h;
  h.flags = hdr::kFNeedsCsum;
  h.gsoType = gsoType;
  h.gsoSize = 1448;
  h.csumStart = 14 + 20;
  h.csumOffset = 16;
  h.hdrLen = hdrLen;
  return h;
}

class NetDataPath : public NetTest {
 protected:
  NetFrame sent;
  void up(bool hdrlen, uint64_t bits) {
    NetParams p;
    p.gso = true;
    p.guestHdrlen = hdrlen;
    make(p);
    bringUp(bits);
  }
};

TEST(NetTxSegCheck, LayoutOfTcpAndUdpFrames) {
  const auto v = tsoFrame(kPeer, 0, 100, 32);
  const auto l = parseL4Layout(v);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->protocol, 6);
  EXPECT_EQ(l->l4Offset, 34u);
  EXPECT_EQ(l->headersEnd, 14u + 20 + 32);
  EXPECT_FALSE(parseL4Layout(NetHarness::frame(kPeer, kPeer, 100, 0)));  // not IP
}

TEST_F(NetDataPath, OfferedOnlyWhenAsked) {
  make(NetParams{});
  EXPECT_FALSE(dev->deviceFeatures() & bit(f::kGuestHdrlen));
  NetParams p;
  p.guestHdrlen = true;
  make(p);
  EXPECT_TRUE(dev->deviceFeatures() & bit(f::kGuestHdrlen));
}

TEST_F(NetDataPath, ExactHdrLenAndEcnBitAreSent) {
  up(true, offeredNet());
  ASSERT_TRUE(negotiated & bit(f::kGuestHdrlen));
  ASSERT_TRUE(negotiated & bit(f::kHostEcn));
  const auto v = tsoFrame(NetParams{}.mac, 0x80 | 0x10);  // CWR + ACK
  send(1, v, tsoHdr(hdr::kGsoTcpv4 | hdr::kGsoEcn, 14 + 20 + 20));
  ASSERT_TRUE(dev->takeSent(&sent));
  EXPECT_EQ(sent.data, v);
  EXPECT_EQ(sent.hdr.gsoType, hdr::kGsoTcpv4 | hdr::kGsoEcn);
  expectClean();
}

// covers: drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#34
TEST_F(NetDataPath, InexactHdrLenWithGuestHdrlen) {
  up(true, offeredNet());
  send(1, tsoFrame(NetParams{}.mac, 0x10), tsoHdr(hdr::kGsoTcpv4, 14 + 20));  // transport header left out
  EXPECT_FALSE(dev->takeSent(&sent));
  expectOnly("drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#34",
             "net.tx_hdr_len_inexact");
}

TEST_F(NetDataPath, HdrLenIsOnlyAHintWithoutGuestHdrlen) {
  up(false, offeredNet());
  ASSERT_FALSE(negotiated & bit(f::kGuestHdrlen));
  send(1, tsoFrame(NetParams{}.mac, 0x10), tsoHdr(hdr::kGsoTcpv4, 0));
  EXPECT_TRUE(dev->takeSent(&sent));
  expectClean();
}

// covers: drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#15
TEST_F(NetDataPath, CwrMarkedSegmentationWithoutEcnBit) {
  up(false, offeredNet());
  send(1, tsoFrame(NetParams{}.mac, 0x80 | 0x10), tsoHdr(hdr::kGsoTcpv4, 54));
  EXPECT_FALSE(dev->takeSent(&sent));
  expectOnly("drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#15",
             "net.tx_ecn_bit_missing");
}

TEST_F(NetDataPath, CwrWithoutHostEcnIsNotJudged) {
  // without HOST_ECN the rule is a SHOULD NOT (not reported); the request is carried
  up(false, offeredNet() & ~bit(f::kHostEcn));
  send(1, tsoFrame(NetParams{}.mac, 0x80), tsoHdr(hdr::kGsoTcpv4, 54));
  EXPECT_TRUE(dev->takeSent(&sent));
  expectClean();
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#21
// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#25
TEST_F(NetDataPath, UdpTunnelSegmentationNeverReachesTheDriver) {
  up(false, offeredNet());
  ASSERT_TRUE(negotiated & bit(f::kGuestTso4));
  const Mac me = NetParams{}.mac;
  postRx(0, 4096);
  for (uint8_t flags : {hdr::kFNeedsCsum, uint8_t(hdr::kFNeedsCsum | hdr::kFUdpTunnelCsum)}) {
    NetHdr h = tsoHdr(hdr::kGsoTcpv4 | hdr::kGsoUdpTunnelIpv4, 0);
    h.flags = flags;
    EXPECT_FALSE(dev->inject(tsoFrame(me, 0x10), h));
  }
  EXPECT_EQ(dev->stats().rxDroppedOffload, 2u);
  EXPECT_TRUE(dev->inject(tsoFrame(me, 0x10), tsoHdr(hdr::kGsoTcpv4, 0)));  // the same without the tunnel bit
  expectClean();
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#39
// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#42
TEST_F(NetDataPath, SecurityFlagsNeverSetOnReceive) {
  up(false, offeredNet());
  const Mac me = NetParams{}.mac;
  NetHdr h;
  h.flags = hdr::kFSecurity | hdr::kFSecurityErr | hdr::kFSecuritySoftExpiry;  // what a sender's header claimed
  const uint64_t a = postRx(0, 2048);
  ASSERT_TRUE(dev->inject(NetHarness::frame(me, kPeer, 100, 1), h));
  ASSERT_TRUE(popUsed(0, nullptr, nullptr));
  EXPECT_EQ(readHdr(a).flags & (hdr::kFSecurity | hdr::kFSecurityErr | hdr::kFSecuritySoftExpiry), 0);
  expectClean();
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#29
TEST_F(NetDataPath, RscExtReportsCoalescedSegments) {
  NetParams p;
  p.gso = true;
  p.rscExt = true;
  make(p);
  ASSERT_TRUE(dev->deviceFeatures() & bit(f::kRscExt));
  bringUp(dev->deviceFeatures());
  ASSERT_TRUE(negotiated & bit(f::kRscExt));
  const uint64_t a = postRx(0, 8192);
  ASSERT_TRUE(dev->inject(tsoFrame(p.mac, 0x10, 4000), tsoHdr(hdr::kGsoTcpv4, 0)));
  ASSERT_TRUE(popUsed(0, nullptr, nullptr));
  const NetHdr h = readHdr(a);
  EXPECT_EQ(h.flags, hdr::kFNeedsCsum | hdr::kFRscInfo);
  EXPECT_EQ(h.csumStart, 3);  // 4000 bytes at 1448 per segment
  EXPECT_EQ(h.csumOffset, 0);
  expectClean();
}

TEST_F(NetDataPath, RscExtNeedsGso) {
  NetParams p;
  p.rscExt = true;  // gso off: not offered
  make(p);
  EXPECT_FALSE(dev->deviceFeatures() & bit(f::kRscExt));
}

}  // namespace
}  // namespace vsim::model::test

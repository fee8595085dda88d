// UDP tunnel segmentation requests as the driver completes them (tunnel bit, offsets, outer checksum).
#include <gtest/gtest.h>

#include <vector>

#include "vsim/drv/net_tx_tunnel.h"

namespace vsim::drv::net {
namespace {

constexpr size_t kOuterTh = 14 + 20, kInnerNh = kOuterTh + 8 + 8 + 14;

/// Ethernet + IPv4 (UDP) + UDP to 4789 + VXLAN + inner Ethernet + inner IPv4 / IPv6 + 40 bytes; the outer UDP
/// checksum field holds 0x1234.
std::vector<uint8_t> vxlan(bool innerV6, uint16_t dport = 4789) {
  const size_t innerIp = innerV6 ? 40 : 20;
  std::vector<uint8_t> f(kInnerNh + innerIp + 40, 0);
  f[12] = 0x08;
  f[14] = 0x45;
  const size_t ipLen = f.size() - 14;
  f[16] = static_cast<uint8_t>(ipLen >> 8), f[17] = static_cast<uint8_t>(ipLen);
  f[14 + 9] = 17;
  f[14 + 12] = 10, f[14 + 15] = 1, f[14 + 16] = 10, f[14 + 19] = 2;
  const size_t udpLen = f.size() - kOuterTh;
  f[kOuterTh + 2] = static_cast<uint8_t>(dport >> 8), f[kOuterTh + 3] = static_cast<uint8_t>(dport);
  f[kOuterTh + 4] = static_cast<uint8_t>(udpLen >> 8), f[kOuterTh + 5] = static_cast<uint8_t>(udpLen);
  f[kOuterTh + 6] = 0x12, f[kOuterTh + 7] = 0x34;
  f[kInnerNh - 2] = innerV6 ? 0x86 : 0x08, f[kInnerNh - 1] = innerV6 ? 0xdd : 0x00;
  f[kInnerNh] = innerV6 ? 0x60 : 0x45;
  return f;
}

NetHdr request(uint8_t flags, uint8_t tunnelBit) {
  NetHdr h;
  h.flags = static_cast<uint8_t>(hdr::kFNeedsCsum | flags);
  h.gsoType = static_cast<uint8_t>(hdr::kGsoTcpv4 | tunnelBit);
  h.gsoSize = 1400;
  return h;
}

uint16_t outerCsum(const std::vector<uint8_t>& f) { return static_cast<uint16_t>(f[kOuterTh + 6] << 8 | f[kOuterTh + 7]); }

TEST(NetTxTunnel, FillsTunnelBitAndOffsets) {
  for (bool v6 : {false, true}) {
    auto f = vxlan(v6);
    NetHdr h = request(0, hdr::kGsoUdpTunnelIpv4 | hdr::kGsoUdpTunnelIpv6);  // both asked: corrected
    ASSERT_TRUE(prepareTunnel(h, f, true, false));
    EXPECT_EQ(h.gsoType & (hdr::kGsoUdpTunnelIpv4 | hdr::kGsoUdpTunnelIpv6),
              v6 ? hdr::kGsoUdpTunnelIpv6 : hdr::kGsoUdpTunnelIpv4);
    EXPECT_EQ(h.outerThOffset, kOuterTh);
    EXPECT_EQ(h.innerNhOffset, kInnerNh);
    EXPECT_EQ(outerCsum(f), 0u);  // no outer checksum left to the device
  }
}

TEST(NetTxTunnel, OuterPseudoHeaderSumWithTunnelCsum) {
  auto f = vxlan(false);
  NetHdr h = request(hdr::kFUdpTunnelCsum, hdr::kGsoUdpTunnelIpv4);
  ASSERT_TRUE(prepareTunnel(h, f, true, true));
  const uint32_t udpLen = static_cast<uint32_t>(f.size() - kOuterTh);
  uint32_t s = 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 17 + udpLen;
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  EXPECT_EQ(outerCsum(f), s);
}

TEST(NetTxTunnel, Refusals) {
  auto f = vxlan(false);
  NetHdr h = request(0, hdr::kGsoUdpTunnelIpv4);
  EXPECT_FALSE(prepareTunnel(h, f, false, false));  // HOST_UDP_TUNNEL_GSO not negotiated
  h = request(hdr::kFUdpTunnelCsum, hdr::kGsoUdpTunnelIpv4);
  EXPECT_FALSE(prepareTunnel(h, f, true, false));  // UDP_TUNNEL_CSUM without _CSUM
  h = request(0, hdr::kGsoUdpTunnelIpv4);
  h.gsoType = hdr::kGsoUdp | hdr::kGsoUdpTunnelIpv4;
  EXPECT_FALSE(prepareTunnel(h, f, true, true));  // the deprecated GSO_UDP
  auto other = vxlan(false, 6081);
  h = request(0, hdr::kGsoUdpTunnelIpv4);
  EXPECT_FALSE(prepareTunnel(h, other, true, true));  // not VXLAN
}

}  // namespace
}  // namespace vsim::drv::net

// Segmentation request headers the driver fills in from the frame (HOST_ECN marker, GUEST_HDRLEN hdr_len).
#include <gtest/gtest.h>

#include <vector>

#include "vsim/drv/net_tx_offload.h"

namespace vsim::drv::net {
namespace {

/// Ethernet + IPv4 (IHL 5, DF) + TCP with `tcpWords` 32-bit words of header and `flags`, then 100 bytes.
std::vector<uint8_t> tcp4(uint8_t flags, uint8_t tcpWords = 5, bool vlan = false) {
  std::vector<uint8_t> f(14 + (vlan ? 4 : 0), 0);
  if (vlan) {
    f[12] = 0x81, f[13] = 0x00, f[16] = 0x08, f[17] = 0x00;
  } else {
    f[12] = 0x08, f[13] = 0x00;
  }
  std::vector<uint8_t> ip(20, 0);
  ip[0] = 0x45, ip[6] = 0x40, ip[9] = 6;
  std::vector<uint8_t> tcp(size_t{tcpWords} * 4, 0);
  tcp[12] = static_cast<uint8_t>(tcpWords << 4), tcp[13] = flags;
  f.insert(f.end(), ip.begin(), ip.end());
  f.insert(f.end(), tcp.begin(), tcp.end());
  f.resize(f.size() + 100, 0xab);
  return f;
}

NetHdr tso(uint8_t type) {
  NetHdr h;
  h.flags = hdr::kFNeedsCsum;
  h.gsoType = type;
  h.gsoSize = 1448;
  return h;
}

TEST(NetTxOffload, HeaderLengthOfTcpFrames) {
  uint8_t flags = 0;
  auto f = tcp4(0x18, 8);
  EXPECT_EQ(transportHeadersEnd(f.data(), f.size(), &flags), 14u + 20 + 32);
  EXPECT_EQ(flags, 0x18);
  f = tcp4(0x10, 5, true);
  EXPECT_EQ(transportHeadersEnd(f.data(), f.size(), &flags), 18u + 20 + 20);
  std::vector<uint8_t> notIp(60, 0);
  EXPECT_EQ(transportHeadersEnd(notIp.data(), notIp.size(), &flags), 0u);
}

TEST(NetTxOffload, EcnBitOnlyForCwrWithHostEcn) {
  auto f = tcp4(0x80 | 0x10);
  NetHdr h = tso(hdr::kGsoTcpv4);
  prepareSegmentation(h, f.data(), f.size(), true, false);
  EXPECT_EQ(h.gsoType, hdr::kGsoTcpv4 | hdr::kGsoEcn);
  h = tso(hdr::kGsoTcpv4);
  prepareSegmentation(h, f.data(), f.size(), false, false);
  EXPECT_EQ(h.gsoType, hdr::kGsoTcpv4);
  f = tcp4(0x10);
  h = tso(hdr::kGsoTcpv4);
  prepareSegmentation(h, f.data(), f.size(), true, false);
  EXPECT_EQ(h.gsoType, hdr::kGsoTcpv4);
}

TEST(NetTxOffload, ExactHdrLenWithGuestHdrlenOnly) {
  const auto f = tcp4(0x10, 10);
  NetHdr h = tso(hdr::kGsoTcpv4);
  h.hdrLen = 7;
  prepareSegmentation(h, f.data(), f.size(), false, true);
  EXPECT_EQ(h.hdrLen, 14 + 20 + 40);
  h = tso(hdr::kGsoTcpv4);
  h.hdrLen = 7;
  prepareSegmentation(h, f.data(), f.size(), false, false);
  EXPECT_EQ(h.hdrLen, 7);
  NetHdr plain;  // no segmentation: untouched
  prepareSegmentation(plain, f.data(), f.size(), true, true);
  EXPECT_EQ(plain.hdrLen, 0);
}

}  // namespace
}  // namespace vsim::drv::net

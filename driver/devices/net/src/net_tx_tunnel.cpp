// UDP tunnel segmentation requests: locate the VXLAN headers and fill the header fields the spec asks for.
#include "vsim/drv/net_tx_tunnel.h"

namespace vsim::drv::net {

namespace {
uint16_t be16(const std::vector<uint8_t>& f, size_t at) { return static_cast<uint16_t>(f[at] << 8 | f[at + 1]); }
uint32_t sum16(const std::vector<uint8_t>& f, size_t at, size_t n) {
  uint32_t s = 0;
  for (size_t i = 0; i + 1 < n; i += 2) s += be16(f, at + i);
  if (n & 1) s += uint32_t{f[at + n - 1]} << 8;
  return s;
}
uint16_t fold(uint32_t s) {
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return static_cast<uint16_t>(s);
}
size_t afterEthernet(const std::vector<uint8_t>& f, size_t at, uint16_t* type) {
  if (f.size() < at + 18) return 0;
  *type = be16(f, at + 12);
  if (*type == 0x8100) {
    *type = be16(f, at + 16);
    return at + 18;
  }
  return at + 14;
}
}  // namespace

bool prepareTunnel(NetHdr& h, std::vector<uint8_t>& f, bool hostTunnel, bool hostTunnelCsum) {
  const uint8_t base = hdr::gsoBase(h.gsoType);
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#17: tunnel bits only with HOST_UDP_TUNNEL_GSO
  if (!hostTunnel) return false;
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#24: never with the deprecated GSO_UDP
  if (base != hdr::kGsoTcpv4 && base != hdr::kGsoTcpv6 && base != hdr::kGsoUdpL4) return false;
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#22: no UDP_TUNNEL_CSUM without HOST_UDP_TUNNEL_GSO_CSUM
  if ((h.flags & hdr::kFUdpTunnelCsum) && !hostTunnelCsum) return false;
  uint16_t type = 0;
  const size_t l3 = afterEthernet(f, 0, &type);
  if (!l3 || f.size() < l3 + 40) return false;
  size_t th = 0, udpLen = 0;
  uint32_t addr = 0;
  if (type == 0x0800 && (f[l3] >> 4) == 4 && f[l3 + 9] == 17) {
    th = l3 + size_t{f[l3] & 0x0fu} * 4;
    addr = sum16(f, l3 + 12, 8);
  } else if (type == 0x86dd && (f[l3] >> 4) == 6 && f[l3 + 6] == 17) {
    th = l3 + 40;
    addr = sum16(f, l3 + 8, 32);
  } else {
    return false;
  }
  if (f.size() < th + 16 || be16(f, th + 2) != 4789) return false;
  udpLen = be16(f, th + 4);
  uint16_t itype = 0;
  const size_t inner = afterEthernet(f, th + 16, &itype);
  if (!inner || inner >= f.size()) return false;
  const uint8_t v = f[inner] >> 4;
  if (v != 4 && v != 6) return false;
  h.gsoType &= static_cast<uint8_t>(~(hdr::kGsoUdpTunnelIpv4 | hdr::kGsoUdpTunnelIpv6));
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#18: inner IPv4: the IPV4 bit
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#19: inner IPv6: the IPV6 bit
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#25: never both
  h.gsoType |= v == 4 ? hdr::kGsoUdpTunnelIpv4 : hdr::kGsoUdpTunnelIpv6;
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#37: the outer UDP and inner network header offsets
  h.outerThOffset = static_cast<uint16_t>(th);
  h.innerNhOffset = static_cast<uint16_t>(inner);
  uint16_t outer = 0;
  if (h.flags & hdr::kFUdpTunnelCsum) {
    // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#39: the outer pseudo-header sum
    // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#21: both features: tunnel bit and UDP_TUNNEL_CSUM
    outer = fold(addr + 17 + static_cast<uint32_t>(udpLen));
  }
  // Without UDP_TUNNEL_CSUM the outer checksum is left zero, so the device never has to complete it:
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#20: no outer checksum offload without both features
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#23: nor without HOST_UDP_TUNNEL_GSO_CSUM
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#40: no outer checksum validation needed
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#41: a zero outer checksum
  f[th + 6] = static_cast<uint8_t>(outer >> 8);
  f[th + 7] = static_cast<uint8_t>(outer);
  return true;
}

}  // namespace vsim::drv::net

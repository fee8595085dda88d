// Transmit header checks, in a fixed order (the first broken rule is reported).
#include "vsim/model/net_tx_check.h"

#include "net_checksum.h"
#include "net_clauses.h"
#include "vsim/model/net_frame.h"

namespace vsim::model::net {

namespace {
bool on(uint64_t f, unsigned bit) { return (f >> bit) & 1u; }
std::vector<Evidence> ev(const NetHdr& h) {
  return {{"flags", h.flags}, {"gso_type", h.gsoType}, {"gso_size", h.gsoSize}, {"csum_start", h.csumStart},
          {"csum_offset", h.csumOffset}, {"num_buffers", h.numBuffers}};
}
TxFinding finding(const char* clause, const char* kind, std::string msg, const NetHdr& h) {
  return TxFinding{clause, kind, std::move(msg), ev(h)};
}
}  // namespace

std::optional<TxFinding> checkTxHeader(const NetHdr& h, uint64_t f, bool hasNumBuffers, uint64_t frameLen,
                                       uint64_t hi) {
  const bool hostTunnel = (hi >> (f::kHostUdpTunnelGso - 64)) & 1u;
  const bool hostTunnelCsum = (hi >> (f::kHostUdpTunnelGsoCsum - 64)) & 1u;
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#2: num_buffers is zero on transmit
  if (hasNumBuffers && h.numBuffers != 0)
    return finding(clause::kTxNumBuffers, "net.tx_num_buffers", "transmit header with num_buffers not zero", h);
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#3: flags zero without VIRTIO_NET_F_CSUM
  if (!on(f, f::kCsum) && h.flags != 0)
    return finding(clause::kTxFlagsNoCsum, "net.tx_flags_without_csum", "transmit flags set without VIRTIO_NET_F_CSUM",
                   h);
  const uint8_t tunnel = h.gsoType & (hdr::kGsoUdpTunnelIpv4 | hdr::kGsoUdpTunnelIpv6);
  // The tunnel combinations below break a rule of their own besides the missing feature: the most specific is
  // reported.
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#25: never both UDP tunnel bits
  if (tunnel == (hdr::kGsoUdpTunnelIpv4 | hdr::kGsoUdpTunnelIpv6))
    return finding(clause::kTxTunnelBoth, "net.tx_tunnel_both_bits", "gso_type sets both UDP tunnel bits", h);
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#24: no tunnel bit with the deprecated GSO_UDP
  if (tunnel && hdr::gsoBase(h.gsoType) == hdr::kGsoUdp)
    return finding(clause::kTxTunnelUdp, "net.tx_tunnel_with_gso_udp", "gso_type sets a UDP tunnel bit with GSO_UDP", h);
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#46: no DATA_VALID with a tunnel bit
  if (tunnel && (h.flags & hdr::kFDataValid))
    return finding(clause::kTxTunnelDataValid, "net.tx_tunnel_data_valid", "DATA_VALID set with a UDP tunnel bit", h);
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#26: UDP_TUNNEL_CSUM only with a tunnel bit
  if (!tunnel && (h.flags & hdr::kFUdpTunnelCsum))
    return finding(clause::kTxTunnelCsumAlone, "net.tx_tunnel_csum_without_tunnel",
                   "UDP_TUNNEL_CSUM set without a UDP tunnel bit in gso_type", h);
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#45: DATA_VALID and RSC_INFO are receive-only
  if (h.flags & (hdr::kFDataValid | hdr::kFRscInfo))
    return finding(clause::kTxRxOnlyFlags, "net.tx_receive_only_flags", "transmit header sets DATA_VALID or RSC_INFO",
                   h);
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#22: tunnel segmentation negotiated but not HOST_UDP_TUNNEL_GSO_CSUM: UDP_TUNNEL_CSUM stays clear
  if ((h.flags & hdr::kFUdpTunnelCsum) && hostTunnel && !hostTunnelCsum)
    return finding("drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#22",
                   "net.tx_tunnel_csum_without_csum_feature",
                   "UDP_TUNNEL_CSUM set with HOST_UDP_TUNNEL_GSO but without HOST_UDP_TUNNEL_GSO_CSUM", h);
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#23: no UDP_TUNNEL_CSUM without HOST_UDP_TUNNEL_GSO_CSUM
  if ((h.flags & hdr::kFUdpTunnelCsum) && !hostTunnelCsum)
    return finding(clause::kTxTunnelCsum, "net.tx_tunnel_csum",
                   "transmit header sets UDP_TUNNEL_CSUM without VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO_CSUM", h);
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#17: no tunnel GSO bits without HOST_UDP_TUNNEL_GSO
  if (tunnel && !hostTunnel)
    return finding(clause::kTxGsoTunnel, "net.tx_gso_tunnel",
                   "gso_type sets a UDP tunnel bit without VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO", h);
  const uint8_t base = hdr::gsoBase(h.gsoType);
  switch (base) {
    case hdr::kGsoNone: break;
    case hdr::kGsoTcpv4:
      // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#7: TCPV4 needs HOST_TSO4
      if (!on(f, f::kHostTso4))
        return finding(clause::kTxGsoTcpv4, "net.tx_gso_tcpv4", "GSO_TCPV4 without VIRTIO_NET_F_HOST_TSO4", h);
      break;
    case hdr::kGsoTcpv6:
      // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#9: TCPV6 needs HOST_TSO6
      if (!on(f, f::kHostTso6))
        return finding(clause::kTxGsoTcpv6, "net.tx_gso_tcpv6", "GSO_TCPV6 without VIRTIO_NET_F_HOST_TSO6", h);
      break;
    case hdr::kGsoUdp:
      // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#11: UDP needs HOST_UFO
      if (!on(f, f::kHostUfo))
        return finding(clause::kTxGsoUdp, "net.tx_gso_udp", "GSO_UDP without VIRTIO_NET_F_HOST_UFO", h);
      break;
    case hdr::kGsoUdpL4:
      // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#13: UDP_L4 needs HOST_USO
      if (!on(f, f::kHostUso))
        return finding(clause::kTxGsoUdpL4, "net.tx_gso_udp_l4", "GSO_UDP_L4 without VIRTIO_NET_F_HOST_USO", h);
      break;
    default:
      // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#31 (nearest for a value the spec does not define): GSO_NONE unless a defined GSO type applies
      return finding(clause::kTxGsoNone, "net.tx_gso_unknown", "gso_type is not a defined GSO type (nearest)", h);
  }
  if (base != hdr::kGsoNone) {
    // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#32: GSO packets set NEEDS_CSUM
    if (!(h.flags & hdr::kFNeedsCsum))
      return finding(clause::kTxGsoNeedsCsum, "net.tx_gso_without_needs_csum", "GSO packet without NEEDS_CSUM", h);
    // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#33: and a gso_size (the MSS)
    if (h.gsoSize == 0) return finding(clause::kTxGsoSize, "net.tx_gso_size_zero", "GSO packet with gso_size 0", h);
  }
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#30: csum_start / csum_offset locate a checksum inside the packet
  if ((h.flags & hdr::kFNeedsCsum) && uint64_t{h.csumStart} + h.csumOffset + 2 > frameLen) {
    auto fnd = finding(clause::kTxCsumFields, "net.tx_csum_outside_packet",
                       "csum_start + csum_offset point past the end of the packet", h);
    fnd.evidence.push_back({"frame_len", frameLen});
    return fnd;
  }
  return std::nullopt;
}

namespace {

using csum::be16;
using csum::fold;
using csum::sameSum;
using csum::sum16;

}  // namespace

std::optional<TxFinding> checkTxChecksumPrep(const NetHdr& h, const std::vector<uint8_t>& f) {
  if (!(h.flags & hdr::kFNeedsCsum)) return std::nullopt;
  // Only what can be parsed is judged: Ethernet (optionally one VLAN tag), IPv4 without fragmentation or IPv6
  // without extension headers, TCP or UDP right after it, the checksum asked for at that TCP / UDP checksum.
  size_t l3 = kEthHdrBytes;
  if (f.size() < l3 + 4) return std::nullopt;
  uint16_t type = be16(f, 12);
  if (type == kEtherTypeVlan) {
    type = be16(f, 16);
    l3 += kVlanTagBytes;
  }
  uint8_t proto = 0;
  size_t l4 = 0, l4Len = 0;
  uint32_t pseudo = 0;
  bool ipv4 = false;
  if (type == 0x0800 && f.size() >= l3 + 20 && (f[l3] >> 4) == 4) {
    const size_t ihl = size_t{f[l3] & 0x0fu} * 4;
    const size_t total = be16(f, l3 + 2);
    if (ihl < 20 || total < ihl || l3 + total > f.size() || (be16(f, l3 + 6) & 0x3fff) != 0) return std::nullopt;
    ipv4 = true;
    proto = f[l3 + 9];
    l4 = l3 + ihl;
    l4Len = total - ihl;
    pseudo = sum16(f, l3 + 12, 8);
  } else if (type == 0x86dd && f.size() >= l3 + 40 && (f[l3] >> 4) == 6) {
    proto = f[l3 + 6];
    l4 = l3 + 40;
    l4Len = be16(f, l3 + 4);
    if (l4 + l4Len > f.size()) return std::nullopt;
    pseudo = sum16(f, l3 + 8, 32);
  } else {
    return std::nullopt;
  }
  const size_t field = proto == 6 ? 16 : proto == 17 ? 6 : 0;
  if (!field || h.csumStart != l4 || h.csumOffset != field || l4 + field + 2 > f.size()) return std::nullopt;
  std::vector<Evidence> ev{{"csum_start", h.csumStart}, {"csum_offset", h.csumOffset}, {"protocol", proto}};
  const bool gso = hdr::gsoBase(h.gsoType) != hdr::kGsoNone;
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#28: checksums before the one asked for are complete (the IPv4 header's)
  if (ipv4 && !gso && fold(sum16(f, l3, size_t{f[l3] & 0x0fu} * 4)) != 0xffff)
    return TxFinding{clause::kTxCsumPreceding, "net.tx_csum_ip_header_invalid",
                     "NEEDS_CSUM with an IPv4 header whose checksum is not valid", std::move(ev)};
  const uint16_t stored = be16(f, l4 + field);
  const uint16_t withLength = fold(pseudo + proto + static_cast<uint32_t>(l4Len));
  // (a segmentation request may leave the length out of the pseudo header: it changes per segment)
  const bool ok = sameSum(stored, withLength) || (gso && sameSum(stored, fold(pseudo + proto)));
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#29: the stored checksum is the TCP / UDP pseudo-header sum
  if (!ok) {
    ev.push_back({"stored", stored});
    ev.push_back({"pseudo_header_sum", withLength});
    return TxFinding{clause::kTxCsumPseudo, "net.tx_csum_not_pseudo_header",
                     "NEEDS_CSUM but the checksum field does not hold the pseudo-header sum", std::move(ev)};
  }
  return std::nullopt;
}

}  // namespace vsim::model::net

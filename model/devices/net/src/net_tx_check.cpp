// Transmit header checks, in a fixed order (the first broken rule is reported).
#include "vsim/model/net_tx_check.h"

#include "net_clauses.h"

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

std::optional<TxFinding> checkTxHeader(const NetHdr& h, uint64_t f, bool hasNumBuffers, uint64_t frameLen) {
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#2: num_buffers is zero on transmit
  if (hasNumBuffers && h.numBuffers != 0)
    return finding(clause::kTxNumBuffers, "net.tx_num_buffers", "transmit header with num_buffers not zero", h);
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#3: flags zero without VIRTIO_NET_F_CSUM
  if (!on(f, f::kCsum) && h.flags != 0)
    return finding(clause::kTxFlagsNoCsum, "net.tx_flags_without_csum", "transmit flags set without VIRTIO_NET_F_CSUM",
                   h);
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#45: DATA_VALID and RSC_INFO are receive-only
  if (h.flags & (hdr::kFDataValid | hdr::kFRscInfo))
    return finding(clause::kTxRxOnlyFlags, "net.tx_receive_only_flags", "transmit header sets DATA_VALID or RSC_INFO",
                   h);
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#23: no UDP_TUNNEL_CSUM without HOST_UDP_TUNNEL_GSO_CSUM (never offered)
  if (h.flags & hdr::kFUdpTunnelCsum)
    return finding(clause::kTxTunnelCsum, "net.tx_tunnel_csum",
                   "transmit header sets UDP_TUNNEL_CSUM without VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO_CSUM", h);
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#17: no tunnel GSO bits without HOST_UDP_TUNNEL_GSO (never offered)
  if (h.gsoType & (hdr::kGsoUdpTunnelIpv4 | hdr::kGsoUdpTunnelIpv6))
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

}  // namespace vsim::model::net

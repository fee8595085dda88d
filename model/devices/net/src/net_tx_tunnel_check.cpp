// UDP tunnel segmentation: parsing the tunnel headers of a frame and the transmit rules on them (most specific
// rule first; the first broken one is reported).
#include "vsim/model/net_tx_tunnel_check.h"

#include "net_checksum.h"

namespace vsim::model::net {

namespace {
constexpr const char* kTxTunnelNoFeatures = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#20";
constexpr const char* kTxTunnelMarkings = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#21";
constexpr const char* kTxTunnelInner4 = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#18";
constexpr const char* kTxTunnelInner6 = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#19";
constexpr const char* kTxTunnelOffsets = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#37";
constexpr const char* kTxTunnelCsumPseudo = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#39";
constexpr const char* kTxTunnelNeedsValidation = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#40";
constexpr const char* kTxTunnelCsumValue = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#41";

constexpr unsigned kHighHostTunnel = f::kHostUdpTunnelGso - 64;
constexpr unsigned kHighHostTunnelCsum = f::kHostUdpTunnelGsoCsum - 64;

using csum::be16;
using csum::fold;
using csum::sum16;
bool same(uint16_t a, uint16_t b) { return csum::sameSum(a, b); }

/// Layer 3 at `at`: version, L4 protocol, L4 offset, L4 length and the pseudo-header address sum.
struct L3 {
  uint8_t version = 0, proto = 0;
  size_t l4 = 0, l4Len = 0;
  uint32_t addrSum = 0;
};
std::optional<L3> parseL3(const std::vector<uint8_t>& f, size_t at) {
  if (f.size() < at + 20) return std::nullopt;
  L3 r;
  r.version = f[at] >> 4;
  if (r.version == 4) {
    const size_t ihl = size_t{f[at] & 0x0fu} * 4;
    const size_t total = be16(f, at + 2);
    if (ihl < 20 || total < ihl || at + total > f.size()) return std::nullopt;
    r.proto = f[at + 9];
    r.l4 = at + ihl;
    r.l4Len = total - ihl;
    r.addrSum = sum16(f, at + 12, 8);
    return r;
  }
  if (r.version == 6 && f.size() >= at + 40) {
    r.proto = f[at + 6];
    r.l4 = at + 40;
    r.l4Len = be16(f, at + 4);
    if (r.l4 + r.l4Len > f.size()) return std::nullopt;
    r.addrSum = sum16(f, at + 8, 32);
    return r;
  }
  return std::nullopt;
}
size_t afterEthernet(const std::vector<uint8_t>& f, size_t at, uint16_t* type) {
  if (f.size() < at + kEthHdrBytes + 4) return 0;
  *type = be16(f, at + 12);
  if (*type == kEtherTypeVlan) {
    *type = be16(f, at + 16);
    return at + kEthHdrBytes + kVlanTagBytes;
  }
  return at + kEthHdrBytes;
}
std::vector<Evidence> ev(const NetHdr& h, const TunnelLayout* l) {
  std::vector<Evidence> e{{"flags", h.flags},
                          {"gso_type", h.gsoType},
                          {"outer_th_offset", h.outerThOffset},
                          {"inner_nh_offset", h.innerNhOffset}};
  if (l) {
    e.push_back({"parsed_outer_th", l->outerTh});
    e.push_back({"outer_csum_kind", static_cast<uint64_t>(l->csum)});
  }
  return e;
}
TxFinding fnd(const char* clause, const char* kind, std::string msg, const NetHdr& h, const TunnelLayout* l) {
  return TxFinding{clause, kind, std::move(msg), ev(h, l)};
}
}  // namespace

std::optional<TunnelLayout> parseUdpTunnel(const std::vector<uint8_t>& f) {
  uint16_t type = 0;
  const size_t l3 = afterEthernet(f, 0, &type);
  if (!l3 || (type != 0x0800 && type != 0x86dd)) return std::nullopt;
  const auto outer = parseL3(f, l3);
  if (!outer || outer->proto != 17 || outer->l4Len < 8 || outer->l4 + 8 > f.size()) return std::nullopt;
  TunnelLayout t;
  t.outerNh = l3;
  t.outerTh = outer->l4;
  const uint16_t stored = be16(f, t.outerTh + 6);
  t.pseudoSum = fold(outer->addrSum + 17 + static_cast<uint32_t>(outer->l4Len));
  if (stored == 0) t.csum = OuterCsum::Zero;
  else if (fold(sum16(f, t.outerTh, outer->l4Len, outer->addrSum + 17 + static_cast<uint32_t>(outer->l4Len))) == 0xffff)
    t.csum = OuterCsum::Complete;
  else if (same(stored, t.pseudoSum) || same(stored, fold(outer->addrSum + 17)))
    t.csum = OuterCsum::PseudoHeader;
  if (be16(f, t.outerTh + 2) == kVxlanPort) {
    uint16_t itype = 0;
    const size_t inner = afterEthernet(f, t.outerTh + 16, &itype);
    if (inner && inner < f.size()) {
      t.vxlan = true;
      t.innerNh = inner;
      const uint8_t v = f[inner] >> 4;
      t.innerVersion = (v == 4 || v == 6) ? v : 0;
    }
  }
  return t;
}

void setOuterUdpCsum(std::vector<uint8_t>& f, const TunnelLayout& l, uint16_t value) {
  if (l.outerTh + 8 > f.size()) return;
  f[l.outerTh + 6] = static_cast<uint8_t>(value >> 8);
  f[l.outerTh + 7] = static_cast<uint8_t>(value);
}

std::optional<TxFinding> checkTxTunnel(const NetHdr& h, uint64_t hi, const std::vector<uint8_t>& frame) {
  const bool gsoTunnel = (hi >> kHighHostTunnel) & 1u;
  const bool gsoTunnelCsum = (hi >> kHighHostTunnelCsum) & 1u;
  const uint8_t tunnel = h.gsoType & (hdr::kGsoUdpTunnelIpv4 | hdr::kGsoUdpTunnelIpv6);
  const bool gso = hdr::gsoBase(h.gsoType) != hdr::kGsoNone;
  const auto l = parseUdpTunnel(frame);
  // Only VXLAN frames with a TCP / UDP segmentation request and an outer checksum to finish are recognised as a
  // tunnel packet asking for outer checksum offload when no tunnel bit says so.
  const bool wantsOuterOffload = l && l->vxlan && l->innerVersion && l->csum == OuterCsum::PseudoHeader;
  if (!tunnel) {
    if (!gso || !wantsOuterOffload) return std::nullopt;
    if (!(gsoTunnel && gsoTunnelCsum))
      // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#20: no tunnel segmentation with outer checksum offload unless both HOST_UDP_TUNNEL features
      return fnd(kTxTunnelNoFeatures, "net.tx_tunnel_offload_without_features",
                 "a UDP tunnel segmentation request needing outer checksum offload without HOST_UDP_TUNNEL_GSO and "
                 "HOST_UDP_TUNNEL_GSO_CSUM negotiated",
                 h, &*l);
    // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#21: with both negotiated, a tunnel bit and UDP_TUNNEL_CSUM mark it
    return fnd(kTxTunnelMarkings, "net.tx_tunnel_offload_unmarked",
               "a UDP tunnel segmentation request needing outer checksum offload without a tunnel bit in gso_type", h,
               &*l);
  }
  // A tunnel bit (checkTxHeader made sure HOST_UDP_TUNNEL_GSO is negotiated).
  if (!l) return std::nullopt;  // not UDP outside: nothing more can be judged
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#37: outer_th_offset at the outer UDP header, inner_nh_offset at the inner network header
  if (h.outerThOffset != l->outerTh || (l->vxlan && h.innerNhOffset != l->innerNh) ||
      (!l->vxlan && (h.innerNhOffset < l->outerTh + 8 || h.innerNhOffset >= frame.size())))
    return fnd(kTxTunnelOffsets, "net.tx_tunnel_offsets",
               "outer_th_offset / inner_nh_offset do not locate the outer UDP and inner network headers", h, &*l);
  if (l->vxlan && l->innerVersion == 4 && tunnel != hdr::kGsoUdpTunnelIpv4)
    // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#18: inner IPv4: the IPV4 tunnel bit
    return fnd(kTxTunnelInner4, "net.tx_tunnel_inner_ipv4", "inner IPv4 header but UDP_TUNNEL_IPV4 not set", h, &*l);
  if (l->vxlan && l->innerVersion == 6 && tunnel != hdr::kGsoUdpTunnelIpv6)
    // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#19: inner IPv6: the IPV6 tunnel bit
    return fnd(kTxTunnelInner6, "net.tx_tunnel_inner_ipv6", "inner IPv6 header but UDP_TUNNEL_IPV6 not set", h, &*l);
  if (h.flags & hdr::kFUdpTunnelCsum) {
    // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#39: with UDP_TUNNEL_CSUM the outer checksum holds the outer pseudo-header sum
    if (l->csum != OuterCsum::PseudoHeader)
      return fnd(kTxTunnelCsumPseudo, "net.tx_tunnel_csum_not_pseudo",
                 "UDP_TUNNEL_CSUM but the outer UDP checksum is not the pseudo-header sum", h, &*l);
    return std::nullopt;
  }
  if (!gsoTunnelCsum) {
    // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#40: without HOST_UDP_TUNNEL_GSO_CSUM the outer header needs no checksum validation
    if (l->csum == OuterCsum::PseudoHeader)
      return fnd(kTxTunnelNeedsValidation, "net.tx_tunnel_outer_needs_csum",
                 "tunnel segmentation request whose outer UDP checksum still needs completing, "
                 "HOST_UDP_TUNNEL_GSO_CSUM not negotiated",
                 h, &*l);
    // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#41: outer checksum 0 or complete
    if (l->csum == OuterCsum::Other)
      return fnd(kTxTunnelCsumValue, "net.tx_tunnel_outer_csum_invalid",
                 "outer UDP checksum is neither 0 nor a complete checksum", h, &*l);
  } else if (wantsOuterOffload) {
    // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#21: an outer checksum left to the device needs UDP_TUNNEL_CSUM
    return fnd(kTxTunnelMarkings, "net.tx_tunnel_csum_flag_missing",
               "outer UDP checksum left to the device but UDP_TUNNEL_CSUM not set", h, &*l);
  }
  return std::nullopt;
}

}  // namespace vsim::model::net

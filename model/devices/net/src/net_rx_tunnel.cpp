// NetDevice and UDP tunnel segmentation (feature bits 65..68, parameter udp_tunnel_gso): the high feature word
// offered, its dependency rules, and a tunnel segmentation request handed to a driver that negotiated
// GUEST_UDP_TUNNEL_GSO (tunnel bit from the inner header, the two offsets, the outer checksum left either to the
// driver — GUEST_UDP_TUNNEL_GSO_CSUM — or not needing one).
#include "net_clauses.h"
#include "vsim/model/device_core.h"
#include "vsim/model/net_device.h"
#include "vsim/model/net_tx_tunnel_check.h"

namespace vsim::model {

using namespace net;

namespace {
constexpr uint64_t hi(unsigned bit) { return uint64_t{1} << (bit - 64); }
}  // namespace

uint64_t NetDevice::deviceFeaturesHigh() const {
  uint64_t o = 0;
  // Offered only with gso (TSO4 / TSO6 / USO4 / USO6 / HOST_USO, which these features require).
  if (p_.udpTunnelGso && p_.gso)
    o |= hi(f::kGuestUdpTunnelGso) | hi(f::kGuestUdpTunnelGsoCsum) | hi(f::kHostUdpTunnelGso) |
         hi(f::kHostUdpTunnelGsoCsum);
  // RSS_CONTEXT (64) with rss_contexts > 0; it requires CTRL_VQ and RSS (net_ctrl_rss_ctx.cpp).
  if (p_.rssContexts && p_.rss && p_.ctrlVq) o |= hi(f::kRssContext);
  if (p_.ipsec) o |= hi(f::kIpsec);  // IPsec SA objects (net_ipsec_dev.cpp)
  return o;
}

std::string NetDevice::checkFeaturesHigh(uint64_t acc, uint64_t accHigh) const {
  const auto lo = [acc](unsigned b) { return ((acc >> b) & 1u) != 0; };
  const auto up = [accHigh](unsigned b) { return (accHigh & hi(b)) != 0; };
  const bool bad =
      (up(f::kGuestUdpTunnelGso) &&
       !(lo(f::kGuestTso4) && lo(f::kGuestTso6) && lo(f::kGuestUso4) && lo(f::kGuestUso6))) ||
      (up(f::kGuestUdpTunnelGsoCsum) && !up(f::kGuestUdpTunnelGso)) ||
      (up(f::kHostUdpTunnelGso) && !(lo(f::kHostTso4) && lo(f::kHostTso6) && lo(f::kHostUso))) ||
      (up(f::kHostUdpTunnelGsoCsum) && !up(f::kHostUdpTunnelGso)) ||
      (up(f::kRssContext) && !(lo(f::kCtrlVq) && lo(f::kRss)));
  // drivernormative:Basic Facilities of a Virtio Device / Feature Bits#2: no feature without the features it requires
  return bad ? std::string(clause::kFeatureDeps) : std::string();
}

bool NetDevice::adaptTunnelForGuest(const NetFrame& in, NetFrame* out) {
  // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#21: no UDP tunnel GSO packet without GUEST_UDP_TUNNEL_GSO
  if (!has(f::kGuestUdpTunnelGso)) return false;
  const auto offload = [this](unsigned bit) { return has(bit) && ((guestOffloads_ >> bit) & 1u); };
  const uint8_t base = hdr::gsoBase(in.hdr.gsoType);
  const bool ecn = (in.hdr.gsoType & hdr::kGsoEcn) != 0;
  const bool ok = (base == hdr::kGsoTcpv4 && offload(f::kGuestTso4)) ||
                  (base == hdr::kGsoTcpv6 && offload(f::kGuestTso6)) ||
                  (base == hdr::kGsoUdpL4 && (offload(f::kGuestUso4) || offload(f::kGuestUso6)));
  if (!ok || (ecn && !offload(f::kGuestEcn)) || !(in.hdr.flags & hdr::kFNeedsCsum) || !offload(f::kGuestCsum))
    return false;
  const auto l = parseUdpTunnel(in.data);
  if (!l) return false;
  const size_t innerNh = l->vxlan ? l->innerNh : in.hdr.innerNhOffset;
  if (innerNh <= l->outerTh + 8 || innerNh >= in.data.size()) return false;
  const uint8_t version = in.data[innerNh] >> 4;
  if (version != 4 && version != 6) return false;  // the inner header is not located: not handed over
  out->data = in.data;
  // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#22: the tunnel bit follows the inner network header
  const uint8_t tunnel = version == 4 ? hdr::kGsoUdpTunnelIpv4 : hdr::kGsoUdpTunnelIpv6;
  out->hdr.gsoType = static_cast<uint8_t>(base | tunnel | (ecn ? hdr::kGsoEcn : 0));
  // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#23: outer_th_offset and inner_nh_offset locate the headers
  out->hdr.outerThOffset = static_cast<uint16_t>(l->outerTh);
  out->hdr.innerNhOffset = static_cast<uint16_t>(innerNh);
  out->hdr.gsoSize = in.hdr.gsoSize;
  out->hdr.hdrLen = in.hdr.hdrLen;
  out->hdr.flags = hdr::kFNeedsCsum;
  out->hdr.csumStart = in.hdr.csumStart;
  out->hdr.csumOffset = in.hdr.csumOffset;
  const bool outerPending = (in.hdr.flags & hdr::kFUdpTunnelCsum) || l->csum == OuterCsum::PseudoHeader;
  if (outerPending && has(f::kGuestUdpTunnelGsoCsum)) {
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#36: UDP_TUNNEL_CSUM with the outer pseudo-header sum stored
    out->hdr.flags |= hdr::kFUdpTunnelCsum;
    setOuterUdpCsum(out->data, *l, l->pseudoSum);
  } else if (l->csum != OuterCsum::Zero && l->csum != OuterCsum::Complete) {
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#24: the outer UDP header needs no checksum offload
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#25: nor outer checksum offload without GUEST_UDP_TUNNEL_GSO_CSUM
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#37: without UDP_TUNNEL_CSUM: a zero outer checksum
    setOuterUdpCsum(out->data, *l, 0);
  }
  // The rx_tunnel_fault option spoils the header on purpose, so that a driver's refusal can be tested.
  if (p_.rxTunnelFault == 1) out->hdr.gsoType |= hdr::kGsoUdpTunnelIpv4 | hdr::kGsoUdpTunnelIpv6;
  if (p_.rxTunnelFault == 2) out->hdr.flags &= static_cast<uint8_t>(~hdr::kFNeedsCsum);
  return true;
}

}  // namespace vsim::model

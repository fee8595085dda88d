// UDP tunnel segmentation (feature bits 65..68, device option udp_tunnel_gso): what the device hands a driver that
// negotiated GUEST_UDP_TUNNEL_GSO (tunnel bit, offsets, outer checksum), and the built-in driver's tunnel requests
// under HOST_UDP_TUNNEL_GSO / _CSUM, judged by the strict device.
#include "net_support.h"
#include "vsim/model/net_tunnel_frame.h"
#include "vsim/model/net_tx_tunnel_check.h"

namespace vsim::conformance {

using namespace netsuite;
namespace nf = drv::net::f;
namespace mn = model::net;
namespace mh = model::net::hdr;

namespace {

using Frame = std::vector<uint8_t>;
constexpr uint8_t kTunnelBits = mh::kGsoUdpTunnelIpv4 | mh::kGsoUdpTunnelIpv6;

const model::DeviceOptions kTunnelDevice{{"gso", "true"}, {"udp_tunnel_gso", "true"}};

void guestTunnel(drv::NetDriverOptions& o, bool csum) {
  o.features |= bit(nf::kGuestTso4) | bit(nf::kGuestTso6) | bit(nf::kGuestUso4) | bit(nf::kGuestUso6);
  o.featuresHigh = nf::bitHigh(nf::kGuestUdpTunnelGso) | (csum ? nf::bitHigh(nf::kGuestUdpTunnelGsoCsum) : 0);
}
void hostTunnel(drv::NetDriverOptions& o, bool csum) {
  o.features |= bit(nf::kHostTso4) | bit(nf::kHostTso6) | bit(nf::kHostUso);
  o.featuresHigh = nf::bitHigh(nf::kHostUdpTunnelGso) | (csum ? nf::bitHigh(nf::kHostUdpTunnelGsoCsum) : 0);
}
bool needsHigh(NetRig& r, std::initializer_list<unsigned> bits) {
  for (unsigned b : bits)
    if (!r.net->device().hasFeature(b)) {
      r.ctx.notSupported("a UDP tunnel feature was not negotiated on this transport");
      return false;
    }
  return true;
}

/// Inject a VXLAN TCP segmentation request (outer checksum left as the pseudo-header sum, UDP_TUNNEL_CSUM set)
/// and receive it; checks the tunnel bit and offsets. Returns the received frame and header.
bool deliver(NetRig& r, bool v6, Frame* got, drv::net::NetHdr* h, mn::VxlanFrame* sent) {
  *sent = mn::vxlanTcpFrame(r.net->mac(), kHostMac, v6, 3000, mn::OuterCsumFill::PseudoHeader, v6 ? 6 : 4);
  r.drain();
  if (!r.host.inject(sent->data, mn::vxlanTsoHdr(*sent, v6, true)) || !r.receive(got, h)) {
    r.ctx.check(false, "a tunnel segmentation request did not reach a driver with GUEST_UDP_TUNNEL_GSO");
    return false;
  }
  r.ctx.check(got->size() == sent->data.size(), "the frame arrived with another length");
  r.ctx.check((h->gsoType & kTunnelBits) == (v6 ? mh::kGsoUdpTunnelIpv6 : mh::kGsoUdpTunnelIpv4),
              "the tunnel bit does not follow the inner network header");
  r.ctx.check(h->outerThOffset == sent->outerTh, "outer_th_offset is not the outer UDP header offset");
  r.ctx.check(h->innerNhOffset == sent->innerNh, "inner_nh_offset is not the inner network header offset");
  return got->size() == sent->data.size();
}

void deviceTests(std::vector<TestInfo>& out) {
  out.push_back(makeNetCase(NetCase{
      .id = "virtio.device.core.net.rx.udp_tunnel_gso_outer_csum_offload",
      // devicenormative: the tunnel bit follows the inner network header
      .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#22",
                  // devicenormative: outer_th_offset / inner_nh_offset set
                  "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#23",
                  // devicenormative: with UDP_TUNNEL_CSUM the outer checksum holds the outer pseudo-header sum
                  "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#36"},
      .description = "GUEST_TSO4/6, GUEST_USO4/6, GUEST_UDP_TUNNEL_GSO and _CSUM negotiated: VXLAN TCP segmentation "
                     "requests (inner IPv4, inner IPv6) arrive with the matching tunnel bit, the outer UDP and inner "
                     "network header offsets, and, when UDP_TUNNEL_CSUM is set, the outer pseudo-header sum stored",
      .transports = {TK::PciModern, TK::PciTransitional, TK::MmioV2},
      .deviceOptions = kTunnelDevice,
      .driverOptions = [](drv::NetDriverOptions& o) { guestTunnel(o, true); },
      .body =
          [](NetRig& r) {
            if (!needsHigh(r, {nf::kGuestUdpTunnelGso, nf::kGuestUdpTunnelGsoCsum})) return;
            for (bool v6 : {false, true}) {
              Frame got;
              drv::net::NetHdr h;
              mn::VxlanFrame sent;
              if (!deliver(r, v6, &got, &h, &sent)) continue;
              const auto l = mn::parseUdpTunnel(got);
              r.ctx.check(l.has_value(), "the received frame is no longer a UDP tunnel frame");
              if (l && (h.flags & mh::kFUdpTunnelCsum))
                r.ctx.check(l->csum == mn::OuterCsum::PseudoHeader,
                            "UDP_TUNNEL_CSUM set but the outer checksum is not the pseudo-header sum");
              if (l && !(h.flags & mh::kFUdpTunnelCsum))
                r.ctx.check(l->csum == mn::OuterCsum::Zero || l->csum == mn::OuterCsum::Complete,
                            "UDP_TUNNEL_CSUM clear but the outer checksum is neither zero nor complete");
            }
          },
  }));
  out.push_back(makeNetCase(NetCase{
      .id = "virtio.device.core.net.rx.udp_tunnel_gso_outer_csum_done",
      // devicenormative: without outer checksum offload for the driver, the outer UDP header needs none
      .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#24",
                  // devicenormative: UDP_TUNNEL_CSUM clear: a zero or complete outer checksum
                  "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#37"},
      .description = "GUEST_UDP_TUNNEL_GSO without _CSUM: a VXLAN request whose outer checksum was left to be "
                     "completed arrives without UDP_TUNNEL_CSUM and with a zero or complete outer checksum; with "
                     "_CSUM negotiated, a request whose outer checksum is zero arrives without UDP_TUNNEL_CSUM and "
                     "still zero",
      .transports = {TK::PciModern, TK::PciTransitional, TK::MmioV2},
      .deviceOptions = kTunnelDevice,
      .driverOptions = [](drv::NetDriverOptions& o) { guestTunnel(o, false); },
      .body =
          [](NetRig& r) {
            if (!needsHigh(r, {nf::kGuestUdpTunnelGso})) return;
            r.ctx.check(!r.net->device().hasFeature(nf::kGuestUdpTunnelGsoCsum), "_CSUM negotiated unasked");
            for (bool v6 : {false, true}) {
              Frame got;
              drv::net::NetHdr h;
              mn::VxlanFrame sent;
              if (!deliver(r, v6, &got, &h, &sent)) continue;
              r.ctx.check(!(h.flags & mh::kFUdpTunnelCsum), "UDP_TUNNEL_CSUM without GUEST_UDP_TUNNEL_GSO_CSUM");
              const auto l = mn::parseUdpTunnel(got);
              r.ctx.check(l && (l->csum == mn::OuterCsum::Zero || l->csum == mn::OuterCsum::Complete),
                          "the outer UDP checksum still needs completing");
            }
          },
  }));
}

void driverTests(std::vector<TestInfo>& out) {
  out.push_back(makeNetCase(NetCase{
      .id = "virtio.driver.core.net.builtin.udp_tunnel_requests",
      .target = Direction::Driver,
      // drivernormative: inner IPv4: the IPV4 tunnel bit
      .clauses = {"drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#18",
                  // drivernormative: inner IPv6: the IPV6 tunnel bit
                  "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#19",
                  // drivernormative: no outer checksum offload without both HOST_UDP_TUNNEL features
                  "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#20",
                  // drivernormative: with both, tunnel bit and UDP_TUNNEL_CSUM
                  "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#21",
                  // drivernormative: no UDP_TUNNEL_CSUM without HOST_UDP_TUNNEL_GSO_CSUM
                  "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#22",
                  // drivernormative: outer_th_offset / inner_nh_offset
                  "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#37",
                  // drivernormative: UDP_TUNNEL_CSUM: the outer pseudo-header sum
                  "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#39",
                  // drivernormative: without _CSUM no outer checksum validation needed
                  "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#40",
                  // drivernormative: outer checksum 0 or complete
                  "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#41"},
      .description = "HOST_TSO4/6, HOST_USO, HOST_UDP_TUNNEL_GSO and _CSUM negotiated: the driver sends VXLAN TCP "
                     "segmentation requests (inner IPv4 / IPv6, with and without UDP_TUNNEL_CSUM) that the strict "
                     "device accepts, with the tunnel bit, offsets and outer checksum filled in by the driver even "
                     "when the caller gave none",
      .transports = {TK::PciModern, TK::PciTransitional, TK::MmioV2},
      .deviceOptions = kTunnelDevice,
      .driverOptions = [](drv::NetDriverOptions& o) { hostTunnel(o, true); },
      .body =
          [](NetRig& r) {
            if (!needsHigh(r, {nf::kHostUdpTunnelGso, nf::kHostUdpTunnelGsoCsum})) return;
            for (bool v6 : {false, true})
              for (bool flag : {false, true}) {
                const auto f = mn::vxlanTcpFrame(kHostMac, r.net->mac(), v6, 3000, mn::OuterCsumFill::Garbage);
                drv::net::NetHdr h = toDriverHdr(mn::vxlanTsoHdr(f, v6, flag));
                h.gsoType = static_cast<uint8_t>((h.gsoType & ~kTunnelBits) | mh::kGsoUdpTunnelIpv4);  // the driver corrects it
                h.outerThOffset = h.innerNhOffset = 0;  // left to the driver
                model::NetFrame sent;
                r.drain();
                const bool went = r.net->send(f.data.data(), f.data.size(), h) && r.takeSent(&sent);
                r.ctx.check(went, "a tunnel segmentation request did not go out");
                if (!went) continue;
                r.ctx.check(sent.hdr.outerThOffset == f.outerTh && sent.hdr.innerNhOffset == f.innerNh,
                            "the offsets were not filled in");
                r.ctx.check((sent.hdr.gsoType & kTunnelBits) == (v6 ? mh::kGsoUdpTunnelIpv6 : mh::kGsoUdpTunnelIpv4),
                            "the tunnel bit does not follow the inner header");
                const auto l = mn::parseUdpTunnel(sent.data);
                r.ctx.check(l && l->csum == (flag ? mn::OuterCsum::PseudoHeader : mn::OuterCsum::Zero),
                            "the outer checksum is not what the flag asks for");
              }
          },
  }));
  out.push_back(makeNetCase(NetCase{
      .id = "virtio.driver.core.net.builtin.udp_tunnel_without_csum_feature",
      .target = Direction::Driver,
      // drivernormative: no UDP_TUNNEL_CSUM without HOST_UDP_TUNNEL_GSO_CSUM
      .clauses = {"drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#22",
                  // drivernormative: without _CSUM no outer checksum validation needed
                  "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#40"},
      .description = "HOST_UDP_TUNNEL_GSO without _CSUM: the driver refuses UDP_TUNNEL_CSUM and sends a request "
                     "whose outer checksum was left as the pseudo-header sum with a zero one",
      .transports = {TK::PciModern, TK::PciTransitional, TK::MmioV2},
      .deviceOptions = kTunnelDevice,
      .driverOptions = [](drv::NetDriverOptions& o) { hostTunnel(o, false); },
      .body =
          [](NetRig& r) {
            if (!needsHigh(r, {nf::kHostUdpTunnelGso})) return;
            const auto f = mn::vxlanTcpFrame(kHostMac, r.net->mac(), false, 3000, mn::OuterCsumFill::PseudoHeader);
            model::NetFrame sent;
            r.drain();
            r.ctx.check(!r.net->send(f.data.data(), f.data.size(), toDriverHdr(mn::vxlanTsoHdr(f, false, true))),
                        "the driver sent UDP_TUNNEL_CSUM without HOST_UDP_TUNNEL_GSO_CSUM");
            r.ctx.check(!r.host.takeSent(&sent), "a refused request reached the link");
            r.ctx.check(r.net->send(f.data.data(), f.data.size(), toDriverHdr(mn::vxlanTsoHdr(f, false, false))) &&
                            r.takeSent(&sent),
                        "the request without the flag did not go out");
            const auto l = mn::parseUdpTunnel(sent.data);
            r.ctx.check(l && l->csum == mn::OuterCsum::Zero, "the outer checksum was not zeroed");
          },
  }));
}

}  // namespace

void registerNetUdpTunnelTests(std::vector<TestInfo>& out) {
  deviceTests(out);
  driverTests(out);
}

}  // namespace vsim::conformance

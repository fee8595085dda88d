// Faulty network drivers for UDP tunnel segmentation: a VXLAN segmentation request breaking exactly one transmit
// rule of HOST_UDP_TUNNEL_GSO / _CSUM, built on the transmit queue by hand after our NetDriver brought the device
// up (udp_tunnel_gso on). The strict device must report that clause and nothing else.
#include "net_support.h"
#include "vsim/model/net_tunnel_frame.h"

namespace vsim::conformance {

using namespace netsuite;
namespace nf = drv::net::f;
namespace mn = model::net;
namespace mh = model::net::hdr;

namespace {

constexpr uint8_t kTunnelBits = mh::kGsoUdpTunnelIpv4 | mh::kGsoUdpTunnelIpv6;
enum class Fault : uint8_t { None, SwapTunnelBit, OuterOffset, NoTunnelBit, AddCsumFlag };

struct TunnelMutant {
  std::string id{}, clause{}, description{};
  bool csumFeature = true;  ///< HOST_UDP_TUNNEL_GSO_CSUM too (HOST_UDP_TUNNEL_GSO always)
  bool innerV6 = false;
  mn::OuterCsumFill fill = mn::OuterCsumFill::Zero;
  Fault fault = Fault::None;
};

TestInfo make(TunnelMutant m) {
  NetMutant n{.id = m.id, .clause = m.clause, .description = m.description,
              .deviceOptions = {{"gso", "true"}, {"udp_tunnel_gso", "true"}}};
  n.driverOptions = [m](drv::NetDriverOptions& o) {
    o.features |= bit(nf::kHostTso4) | bit(nf::kHostTso6) | bit(nf::kHostUso);
    o.featuresHigh = nf::bitHigh(nf::kHostUdpTunnelGso) | (m.csumFeature ? nf::bitHigh(nf::kHostUdpTunnelGsoCsum) : 0);
  };
  n.body = [m](NetRig& r) {
    if (!r.net->device().hasFeature(nf::kHostUdpTunnelGso) ||
        (m.csumFeature && !r.net->device().hasFeature(nf::kHostUdpTunnelGsoCsum))) {
      r.ctx.notSupported("the UDP tunnel features were not negotiated on this transport");
      return false;
    }
    const auto f = mn::vxlanTcpFrame(kHostMac, r.net->mac(), m.innerV6, 3000, m.fill);
    mn::NetHdr h = mn::vxlanTsoHdr(f, m.innerV6, false);
    if (m.fault == Fault::SwapTunnelBit) h.gsoType ^= kTunnelBits;
    if (m.fault == Fault::OuterOffset) h.outerThOffset = static_cast<uint16_t>(h.outerThOffset + 4);
    if (m.fault == Fault::NoTunnelBit) h.gsoType &= static_cast<uint8_t>(~kTunnelBits);
    if (m.fault == Fault::AddCsumFlag) h.flags |= mh::kFUdpTunnelCsum;
    std::vector<uint8_t> bytes = r.headerBytes(h);
    bytes.insert(bytes.end(), f.data.begin(), f.data.end());
    if (!r.rawTransmit(bytes)) return r.ctx.harnessError("could not make the transmit buffer available"), false;
    return true;
  };
  return makeNetMutant(std::move(n));
}

}  // namespace

void registerNetUdpTunnelMutants(std::vector<TestInfo>& out) {
  using F = mn::OuterCsumFill;
  // drivernormative: inner IPv4 needs the IPV4 tunnel bit
  out.push_back(make({.id = "virtio.driver.core.net.tx.tunnel_inner_ipv4_bit", .clause = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#18",
                      .description = "a VXLAN request over an inner IPv4 header marked UDP_TUNNEL_IPV6",
                      .fault = Fault::SwapTunnelBit}));
  // drivernormative: inner IPv6 needs the IPV6 tunnel bit
  out.push_back(make({.id = "virtio.driver.core.net.tx.tunnel_inner_ipv6_bit", .clause = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#19",
                      .description = "a VXLAN request over an inner IPv6 header marked UDP_TUNNEL_IPV4",
                      .innerV6 = true, .fault = Fault::SwapTunnelBit}));
  // drivernormative: no outer checksum offload without both HOST_UDP_TUNNEL features
  out.push_back(make({.id = "virtio.driver.core.net.tx.tunnel_offload_without_csum_feature", .clause = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#20",
                      .description = "HOST_UDP_TUNNEL_GSO without _CSUM: a plain TCP segmentation request of a VXLAN "
                                     "frame whose outer checksum is left as the pseudo-header sum",
                      .csumFeature = false, .fill = F::PseudoHeader, .fault = Fault::NoTunnelBit}));
  // drivernormative: with both features, tunnel bit and UDP_TUNNEL_CSUM mark outer checksum offload
  out.push_back(make({.id = "virtio.driver.core.net.tx.tunnel_offload_unmarked", .clause = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#21",
                      .description = "both features: a VXLAN request leaving the outer checksum to the device without "
                                     "UDP_TUNNEL_CSUM",
                      .fill = F::PseudoHeader}));
  // drivernormative: no UDP_TUNNEL_CSUM without HOST_UDP_TUNNEL_GSO_CSUM
  out.push_back(make({.id = "virtio.driver.core.net.tx.tunnel_csum_flag_without_feature", .clause = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#22",
                      .description = "HOST_UDP_TUNNEL_GSO without _CSUM: a VXLAN request with UDP_TUNNEL_CSUM",
                      .csumFeature = false, .fill = F::PseudoHeader, .fault = Fault::AddCsumFlag}));
  // drivernormative: outer_th_offset / inner_nh_offset locate the headers
  out.push_back(make({.id = "virtio.driver.core.net.tx.tunnel_offsets", .clause = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#37",
                      .description = "a VXLAN request whose outer_th_offset is 4 bytes past the outer UDP header",
                      .fault = Fault::OuterOffset}));
  // drivernormative: UDP_TUNNEL_CSUM needs the outer pseudo-header sum
  out.push_back(make({.id = "virtio.driver.core.net.tx.tunnel_csum_not_pseudo", .clause = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#39",
                      .description = "UDP_TUNNEL_CSUM set but the outer UDP checksum is zero",
                      .fault = Fault::AddCsumFlag}));
  // drivernormative: without _CSUM the outer header needs no checksum validation
  out.push_back(make({.id = "virtio.driver.core.net.tx.tunnel_outer_needs_validation", .clause = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#40",
                      .description = "HOST_UDP_TUNNEL_GSO without _CSUM: a VXLAN request whose outer checksum is the "
                                     "pseudo-header sum",
                      .csumFeature = false, .fill = F::PseudoHeader}));
  // drivernormative: outer checksum 0 or complete
  out.push_back(make({.id = "virtio.driver.core.net.tx.tunnel_outer_csum_invalid", .clause = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#41",
                      .description = "HOST_UDP_TUNNEL_GSO without _CSUM: a VXLAN request with a wrong outer checksum",
                      .csumFeature = false, .fill = F::Garbage}));
}

}  // namespace vsim::conformance

// Network data-path features: what the device never hands a driver (UDP tunnel segmentation it cannot negotiate,
// IPsec result flags), and the built-in driver's segmentation requests under VIRTIO_NET_F_HOST_ECN and
// VIRTIO_NET_F_GUEST_HDRLEN (the strict device judges them; the link shows what the driver filled in).
#include "net_support.h"

namespace vsim::conformance {

using namespace netsuite;
namespace nf = drv::net::f;
namespace mh = model::net::hdr;

namespace {

using Frame = std::vector<uint8_t>;
constexpr size_t kTcpFlagsAt = 14 + 20 + 13;  ///< TCP flags byte of a tcpFrame()
constexpr uint8_t kTcpCwr = 0x80;

bool needs(NetRig& r, std::initializer_list<unsigned> features) {
  for (unsigned f : features)
    if (!r.net->has(f)) {
      r.ctx.notSupported("a feature this test needs was not negotiated on this transport");
      return false;
    }
  return true;
}

model::net::NetHdr tsoRequest(uint8_t gsoType) {
  model::net::NetHdr h;
  h.flags = mh::kFNeedsCsum;
  h.gsoType = gsoType;
  h.gsoSize = 1448;
  h.csumStart = kTcpCsumStart;
  h.csumOffset = kTcpCsumOffset;
  return h;
}

void add(std::vector<TestInfo>& out, NetCase c) { out.push_back(makeNetCase(std::move(c))); }

void deviceTests(std::vector<TestInfo>& out) {
  add(out, NetCase{
               .id = "virtio.device.core.net.rx.udp_tunnel_gso_held_back",
               // devicenormative: no UDP tunnel GSO packet to a driver without GUEST_UDP_TUNNEL_GSO
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#21",
                           // devicenormative: nor one needing outer checksum offload without GUEST_UDP_TUNNEL_GSO_CSUM
                           "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#25",
                           // devicenormative: never DATA_VALID together with a tunnel bit
                           "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#34"},
               .description = "a driver with TCP receive segmentation but without the UDP tunnel features (bits 65/66): "
                              "tunnel segmentation requests from the link (plain, with outer checksum offload, with "
                              "DATA_VALID) never reach it, so never a tunnel bit with DATA_VALID; the same request "
                              "without the tunnel bit does arrive",
               .deviceOptions = {{"gso", "true"}},
               .driverOptions = [](drv::NetDriverOptions& o) { o.features |= bit(nf::kGuestTso4) | bit(nf::kGuestTso6); },
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kGuestTso4, nf::kGuestCsum})) return;
                     for (uint8_t tunnel : {mh::kGsoUdpTunnelIpv4, mh::kGsoUdpTunnelIpv6})
                       for (uint8_t extra : {uint8_t{0}, mh::kFUdpTunnelCsum, mh::kFDataValid}) {
                         model::net::NetHdr h = tsoRequest(static_cast<uint8_t>(mh::kGsoTcpv4 | tunnel));
                         h.flags |= extra;
                         r.drain();
                         r.host.inject(tcpFrame(r.net->mac(), kHostMac, 3000, tunnel, L4Csum::Partial), h);
                         r.ctx.check(r.receivesNothing(), "a UDP tunnel segmentation request reached the driver");
                       }
                     r.drain();
                     const Frame plain = tcpFrame(r.net->mac(), kHostMac, 3000, 3, L4Csum::Partial);
                     Frame got;
                     drv::net::NetHdr h;
                     const bool ok = r.host.inject(plain, tsoRequest(mh::kGsoTcpv4)) && r.receive(&got, &h);
                     r.ctx.check(ok && got == plain, "the same request without a tunnel bit did not arrive");
                     r.ctx.check(!(h.gsoType & (mh::kGsoUdpTunnelIpv4 | mh::kGsoUdpTunnelIpv6)), "a tunnel bit arrived");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.rx.no_ipsec_result_flags",
               // devicenormative: SECURITY clear on a packet that went through no IPsec processing
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#39",
                           // devicenormative: SECURITY set or cleared whatever the other IPsec flags say
                           "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#40",
                           // devicenormative: SECURITY_ERR clear without an IPsec error
                           "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#42",
                           // devicenormative: SECURITY_ERR set or cleared whatever SOFT_EXPIRY_WARN says
                           "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#43",
                           // devicenormative: no outer_nh_offset without OUT_NET_HEADER
                           "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#16"},
               .description = "frames whose sender header carries SECURITY, SECURITY_ERR and SOFT_EXPIRY_WARN reach a "
                              "driver without IPsec (bit 70) or OUT_NET_HEADER (bit 69) with both IPsec result flags "
                              "clear, the frame starting right after the 12-byte header",
               .body =
                   [](NetRig& r) {
                     const uint8_t ipsec = 16 | 32 | 64;  // SECURITY, SECURITY_ERR, SA_SOFT_EXPIRY_WARN
                     for (uint8_t sent : {ipsec, uint8_t(32 | 64), uint8_t(16)}) {
                       model::net::NetHdr h;
                       h.flags = sent;
                       const Frame f = etherFrame(r.net->mac(), kHostMac, 200, sent);
                       r.drain();
                       Frame got;
                       drv::net::NetHdr rh;
                       if (!r.host.inject(f, h) || !r.receive(&got, &rh)) {
                         r.ctx.check(false, "the frame never reached the driver");
                         continue;
                       }
                       r.ctx.check(got == f, "the frame does not start right after the 12-byte header");
                       r.ctx.check(!(rh.flags & 16), "SECURITY set on a packet no IPsec processing saw");
                       r.ctx.check(!(rh.flags & 32), "SECURITY_ERR set without IPsec processing");
                     }
                   },
           });
}

void rscTests(std::vector<TestInfo>& out) {
  add(out, NetCase{
               .id = "virtio.device.core.net.rx.rsc_ext_coalescing_info",
               // devicenormative: with RSC_EXT, RSC_INFO and the coalesced segment / duplicate ACK counts
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#29"},
               .judgedByDriver = {"devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#29"},
               .description = "RSC_EXT and GUEST_TSO4 negotiated: a TCP segmentation request of 4000 payload bytes, MSS "
                              "1448, arrives with NEEDS_CSUM and RSC_INFO, csum_start 3 (segments) and csum_offset 0 "
                              "(duplicate ACKs); a plain frame arrives without RSC_INFO",
               .transports = {TK::PciModern, TK::PciTransitional, TK::MmioV2},
               .deviceOptions = {{"gso", "true"}, {"rsc_ext", "true"}},
               .driverOptions =
                   [](drv::NetDriverOptions& o) {
                     o.features |= bit(nf::kGuestTso4) | bit(nf::kHostTso4) | bit(nf::kRscExt);
                   },
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kGuestTso4, nf::kRscExt, nf::kGuestCsum})) return;
                     const Frame big = tcpFrame(r.net->mac(), kHostMac, 4000, 21, L4Csum::Partial);
                     r.drain();
                     Frame got;
                     drv::net::NetHdr h;
                     if (!r.host.inject(big, tsoRequest(mh::kGsoTcpv4)) || !r.receive(&got, &h))
                       return r.ctx.check(false, "the segmentation request never reached the driver");
                     r.ctx.check(got == big, "the frame did not arrive intact");
                     r.ctx.check((h.flags & (mh::kFNeedsCsum | mh::kFRscInfo)) == (mh::kFNeedsCsum | mh::kFRscInfo),
                                 "NEEDS_CSUM and RSC_INFO not both set");
                     r.ctx.check(h.csumStart == 3, "csum_start is not the number of coalesced segments (3)");
                     r.ctx.check(h.csumOffset == 0, "csum_offset is not the number of duplicate ACKs (0)");
                     const Frame small = tcpFrame(r.net->mac(), kHostMac, 200, 22, L4Csum::Full);
                     r.drain();
                     if (!r.host.inject(small) || !r.receive(&got, &h))
                       return r.ctx.check(false, "a plain frame never reached the driver");
                     r.ctx.check(!(h.flags & mh::kFRscInfo), "RSC_INFO on a packet that is no segmentation request");
                   },
           });
}

/// The bytes a driver sends after the 12-byte header: frame data, never header extension fields.
void transmitExtensionTests(std::vector<TestInfo>& out) {
  add(out, NetCase{
               .id = "virtio.device.core.net.tx.header_extensions_not_used",
               // devicenormative: outer_nh_offset not used without OUT_NET_HEADER
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Packet Transmission#4",
                           // devicenormative: outer_th_offset / inner_nh_offset not used without a tunnel bit
                           "devicenormative:Device Types / Network Device / Device Operation / Packet Transmission#9",
                           // devicenormative: resource_id / resource_type not used without SECURITY
                           "devicenormative:Device Types / Network Device / Device Operation / Packet Transmission#12"},
               .description = "transmit buffers of a 12-byte header then a frame, with and without NEEDS_CSUM: the link "
                              "carries every frame byte (including the ones where the tunnel offsets, outer_nh_offset "
                              "and the IPsec resource would sit) unchanged",
               .transports = {TK::PciModern, TK::PciTransitional, TK::MmioV2},
               .body =
                   [](NetRig& r) {
                     for (bool csum : {false, true}) {
                       if (csum && !r.net->has(nf::kCsum)) continue;
                       Frame f = tcpFrame(kHostMac, r.net->mac(), 300, csum ? 11 : 12, csum ? L4Csum::Partial : L4Csum::Full);
                       model::net::NetHdr h;
                       if (csum) {
                         h.flags = mh::kFNeedsCsum;
                         h.csumStart = kTcpCsumStart;
                         h.csumOffset = kTcpCsumOffset;
                       }
                       Frame bytes = r.headerBytes(h);
                       if (bytes.size() != 12) return r.ctx.notSupported("needs the 12-byte header");
                       bytes.insert(bytes.end(), f.begin(), f.end());
                       r.drain();
                       model::NetFrame seen;
                       if (!r.rawTransmit(bytes) || !r.takeSent(&seen))
                         return r.ctx.check(false, "the frame did not reach the link");
                       r.ctx.check(seen.data == f, "the link did not carry the bytes after the 12-byte header unchanged");
                     }
                   },
           });
}

void driverTests(std::vector<TestInfo>& out) {
  add(out, NetCase{
               .id = "virtio.driver.core.net.builtin.segmentation_request_headers",
               .target = Direction::Driver,
               // drivernormative: with HOST_ECN, TCP segmentation of an ECN-marked segment sets the ECN bit
               .clauses = {"drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#15",
                           // drivernormative: with GUEST_HDRLEN, hdr_len is the exact header length
                           "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#34"},
               .description = "HOST_TSO4, HOST_ECN and GUEST_HDRLEN negotiated; the driver is asked to send TCP "
                              "segmentation requests without the ECN bit and with hdr_len 0: it sets the ECN bit for the "
                              "CWR-marked one only, and the exact header length in each",
               .deviceOptions = {{"gso", "true"}, {"guest_hdrlen", "true"}},
               .driverOptions = [](drv::NetDriverOptions& o) { o.features |= bit(nf::kHostTso4) | bit(nf::kHostEcn); },
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kHostTso4, nf::kHostEcn, nf::kGuestHdrlen})) return;
                     for (bool cwr : {true, false}) {
                       Frame f = tcpFrame(kHostMac, r.net->mac(), 4000, cwr ? 5 : 6, L4Csum::Partial);
                       if (cwr) f[kTcpFlagsAt] |= kTcpCwr;
                       r.drain();
                       model::NetFrame seen;
                       if (!r.net->send(f.data(), f.size(), toDriverHdr(tsoRequest(mh::kGsoTcpv4))) || !r.takeSent(&seen)) {
                         r.ctx.check(false, "the segmentation request did not reach the link");
                         continue;
                       }
                       r.ctx.check(((seen.hdr.gsoType & mh::kGsoEcn) != 0) == cwr,
                                   cwr ? "ECN bit missing on a CWR-marked segment" : "ECN bit on an unmarked segment");
                       r.ctx.check(seen.hdr.hdrLen == 14 + 20 + 20, "hdr_len is not the exact header length");
                     }
                   },
           });
}

}  // namespace

void registerNetDatapathFeatureTests(std::vector<TestInfo>& out) {
  deviceTests(out);
  transmitExtensionTests(out);
  rscTests(out);
  driverTests(out);
}

}  // namespace vsim::conformance

// The built-in network driver under test, for the duties the strict device cannot check on each access but the
// host side of the link can see: the address it uses, the announce handshake, the header size it frames packets
// with. The device must also report nothing.
#include "net_support.h"

namespace vsim::conformance {

using namespace netsuite;
namespace nf = drv::net::f;

void registerNetDriverTests(std::vector<TestInfo>& out) {
  out.push_back(makeNetCase(NetCase{
      .id = "virtio.driver.core.net.builtin.address_from_config",
      .target = Direction::Driver,
      // drivernormative: with VIRTIO_NET_F_MAC the NIC's address is config mac
      .clauses = {"drivernormative:Device Types / Network Device / Device configuration layout#3"},
      .description = "with VIRTIO_NET_F_MAC, the frames the driver builds itself (its announcement) carry config mac "
                     "as their source",
      .deviceOptions = {{"mac", "02:56:53:0a:0b:0c"}},
      .body =
          [](NetRig& r) {
            if (!r.net->has(nf::kMac) || !r.net->has(nf::kGuestAnnounce) || !r.net->has(nf::kStatus))
              return r.ctx.notSupported("needs VIRTIO_NET_F_MAC, STATUS and GUEST_ANNOUNCE");
            const Mac config{0x02, 0x56, 0x53, 0x0a, 0x0b, 0x0c};
            r.drain();
            r.ctx.check(r.host.announce(), "the host could not ask for an announcement");
            r.net->poll();
            model::NetFrame own;
            if (!r.takeSent(&own) || own.data.size() < 14) return r.ctx.check(false, "the driver sent nothing");
            r.ctx.check(std::equal(config.begin(), config.end(), own.data.begin() + 6),
                        "the driver's own frame does not carry config mac as its source");
          },
  }));
  out.push_back(makeNetCase(NetCase{
      .id = "virtio.driver.core.net.builtin.announce_acknowledged",
      .target = Direction::Driver,
      // drivernormative: an announce request is answered with ANNOUNCE_ACK on the control queue
      .clauses = {"drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Gratuitous Packet Sending#2"},
      .description = "three announce requests from the host, each answered with ANNOUNCE_ACK when the driver handles "
                     "the configuration change",
      .body =
          [](NetRig& r) {
            if (!r.net->has(nf::kGuestAnnounce) || !r.net->has(nf::kStatus))
              return r.ctx.notSupported("needs VIRTIO_NET_F_GUEST_ANNOUNCE and STATUS");
            for (int round = 0; round < 3; ++round) {
              const uint64_t acks = r.host.stats().ctrlOk;
              r.ctx.check(r.host.announce(), "the host could not ask for an announcement");
              r.net->poll();
              r.ctx.check(!r.host.announcePending(), "the announce request was not acknowledged");
              r.ctx.check(r.host.stats().ctrlOk == acks + 1, "not one control command per request");
            }
          },
  }));
  out.push_back(makeNetCase(NetCase{
      .id = "virtio.driver.core.net.builtin.no_udp_tunnel_requests",
      .target = Direction::Driver,
      // drivernormative: no UDP tunnel bit without HOST_UDP_TUNNEL_GSO
      .clauses = {"drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#42",
                  // drivernormative: no UDP_TUNNEL_CSUM without HOST_UDP_TUNNEL_GSO_CSUM
                  "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#43"},
      .description = "asked to send frames with a UDP tunnel bit or UDP_TUNNEL_CSUM (features the device never "
                     "offers), the driver refuses and nothing reaches the device; a plain frame still goes",
      .body =
          [](NetRig& r) {
            namespace mh = model::net::hdr;
            const auto f = tcpFrame(kHostMac, r.net->mac(), 2000, 3, L4Csum::Partial);
            for (uint8_t tunnel : {mh::kGsoUdpTunnelIpv4, mh::kGsoUdpTunnelIpv6}) {
              drv::net::NetHdr h;
              h.flags = mh::kFNeedsCsum;
              h.gsoType = static_cast<uint8_t>(mh::kGsoTcpv4 | tunnel);
              h.gsoSize = 1400;
              h.csumStart = kTcpCsumStart;
              h.csumOffset = kTcpCsumOffset;
              r.ctx.check(!r.net->send(f.data(), f.size(), h), "the driver sent a UDP tunnel GSO request");
              h.gsoType = mh::kGsoNone;
              h.flags = mh::kFNeedsCsum | mh::kFUdpTunnelCsum;
              r.ctx.check(!r.net->send(f.data(), f.size(), h), "the driver sent UDP_TUNNEL_CSUM");
            }
            model::NetFrame got;
            r.ctx.check(!r.host.takeSent(&got), "a refused frame reached the link");
            const auto plain = etherFrame(kHostMac, r.net->mac(), 100, 4);
            r.ctx.check(r.net->send(plain) && r.takeSent(&got) && got.data == plain, "a plain frame did not go out");
          },
  }));
  out.push_back(makeNetCase(NetCase{
      .id = "virtio.driver.core.net.builtin.header_size",
      .target = Direction::Driver,
      // drivernormative: the header size counts every field the negotiated features put in it
      .clauses = {"drivernormative:Device Types / Network Device / Device Operation / Setting Up Receive Buffers#4"},
      .description = "frames sent and received through the driver come out byte for byte: it frames them with the "
                     "header size the device uses",
      .driverOptions = [](drv::NetDriverOptions& o) { o.rxBufferSize = 300; },
      .body =
          [](NetRig& r) {
            const uint32_t mtu = r.net->has(nf::kMtu) ? r.net->config().mtu : 1500;
            for (size_t payload : {size_t{46}, size_t{333}, size_t{mtu}}) {
              const auto outgoing = etherFrame(kHostMac, r.net->mac(), payload, 1);
              model::NetFrame sent;
              r.drain();
              r.ctx.check(r.net->send(outgoing) && r.takeSent(&sent) && sent.data == outgoing,
                          "a sent frame came out different");
              const auto in = etherFrame(r.net->mac(), kHostMac, payload, 2);
              std::vector<uint8_t> got;
              r.ctx.check(r.host.inject(in) && r.receive(&got) && got == in, "a received frame came out different");
            }
          },
  }));
}

}  // namespace vsim::conformance

// Network device under test: the suite drives it through our NetDriver (and, where a rule is about what the device
// does with a header a driver builds, through transmit buffers it builds itself) and checks device-normative
// statements by what arrives at the driver and on the link. Clauses NetDriver checks on every received packet are
// judged from its reports as well.
#include "net_support.h"
#include "vsim/abi/features.h"

namespace vsim::conformance {

using namespace netsuite;
namespace nf = drv::net::f;
namespace mh = model::net::hdr;

namespace {

using Frame = std::vector<uint8_t>;
const std::vector<TK> kRingResetTransports = {TK::PciModern, TK::PciTransitional, TK::MmioV2};

model::net::NetHdr partialChecksumHdr() {
  model::net::NetHdr h;
  h.flags = mh::kFNeedsCsum;
  h.csumStart = kTcpCsumStart;
  h.csumOffset = kTcpCsumOffset;
  return h;
}

bool needs(NetRig& r, std::initializer_list<unsigned> features) {
  for (unsigned f : features)
    if (!r.net->has(f)) {
      r.ctx.notSupported("a feature this test needs was not negotiated on this transport");
      return false;
    }
  return true;
}

/// The host puts `f` on the link and the driver receives exactly it (true), or the test fails with `what`.
bool arrives(NetRig& r, const Frame& f, const std::string& what, drv::net::NetHdr* hdr = nullptr,
             const model::net::NetHdr& sent = {}) {
  r.drain();
  Frame got;
  const bool ok = r.host.inject(f, sent) && r.receive(&got, hdr) && got == f;
  r.ctx.check(ok, what + ": the frame did not arrive intact");
  return ok;
}

/// The host puts `f` on the link and nothing reaches the driver.
void heldBack(NetRig& r, const Frame& f, const std::string& what, const model::net::NetHdr& sent = {}) {
  r.drain();
  r.host.inject(f, sent);
  r.ctx.check(r.receivesNothing(), what + ": the driver received it");
}

/// The driver sends `f` (with `hdr`) and the link carries exactly it, once.
void carried(NetRig& r, const Frame& f, const drv::net::NetHdr& hdr, const std::string& what) {
  r.drain();
  model::NetFrame out;
  const bool ok = r.net->send(f.data(), f.size(), hdr) && r.takeSent(&out) && out.data == f;
  r.ctx.check(ok, what + ": the link did not carry the frame unchanged");
  r.ctx.check(!r.host.takeSent(&out), what + ": the link carried more than one frame");
}

void add(std::vector<TestInfo>& out, NetCase c) { out.push_back(makeNetCase(std::move(c))); }

// ---- configuration --------------------------------------------------------------------------------------------

void configurationTests(std::vector<TestInfo>& out) {
  add(out, NetCase{
               .id = "virtio.device.core.net.config.max_pairs_in_range",
               // devicenormative: max_virtqueue_pairs is 1..0x8000 when MQ is offered
               .clauses = {"devicenormative:Device Types / Network Device / Device configuration layout#1"},
               .judgedByDriver = {"devicenormative:Device Types / Network Device / Device configuration layout#1"},
               .description = "a device offering VIRTIO_NET_F_MQ (4 pairs) shows max_virtqueue_pairs in 1..0x8000",
               .deviceOptions = {{"mq_pairs", "4"}},
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kMq})) return;
                     uint16_t pairs = 0;
                     r.ctx.check(r.net->device().readConfig(drv::net::cfg::kMaxVirtqueuePairs, &pairs),
                                 "max_virtqueue_pairs unreadable");
                     r.ctx.check(pairs >= 1 && pairs <= 0x8000, "max_virtqueue_pairs outside 1..0x8000");
                     r.ctx.check(r.net->queuePairs() == pairs, "the driver did not set up every pair");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.config.mtu_never_changes",
               // devicenormative: mtu keeps its value
               .clauses = {"devicenormative:Device Types / Network Device / Device configuration layout#4"},
               .description = "mtu reads the same across traffic, link changes, announce requests and a reset",
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kMtu})) return;
                     drv::Device& d = r.net->device();
                     auto mtu = [&d] {
                       uint16_t m = 0;
                       d.readConfig(drv::net::cfg::kMtu, &m);
                       return m;
                     };
                     const uint16_t first = mtu();
                     r.ctx.check(first >= 68, "mtu below 68");
                     arrives(r, etherFrame(r.net->mac(), kHostMac, 500, 1), "traffic");
                     r.host.setLinkUp(false);
                     r.net->poll();
                     r.ctx.check(mtu() == first, "mtu changed when the link went down");
                     r.host.setLinkUp(true);
                     r.net->poll();
                     if (r.net->has(nf::kGuestAnnounce)) {
                       r.host.announce();
                       r.net->poll();
                     }
                     r.ctx.check(mtu() == first, "mtu changed with the link or an announce request");
                     r.ctx.check(d.recover(), "the device did not come back after a reset");
                     r.ctx.check(mtu() == first, "mtu changed across a reset");
                   },
           });
}

// ---- what the device passes to the driver ---------------------------------------------------------------------

void receiveTests(std::vector<TestInfo>& out) {
  add(out, NetCase{
               .id = "virtio.device.core.net.rx.over_mtu_held_back",
               // devicenormative: no received packet above mtu + Ethernet header (GSO NONE) once MTU is negotiated
               .clauses = {"devicenormative:Device Types / Network Device / Device configuration layout#5"},
               .judgedByDriver = {"devicenormative:Device Types / Network Device / Device configuration layout#5"},
               .description = "frames one byte above the MTU (untagged and VLAN-tagged) are not passed; MTU-sized "
                              "ones are",
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kMtu})) return;
                     const uint32_t mtu = r.net->config().mtu;
                     if (r.net->has(nf::kCtrlVlan)) r.ctx.check(r.net->vlanAdd(9) == drv::CtrlStatus::Ok, "VLAN_ADD");
                     heldBack(r, etherFrame(r.net->mac(), kHostMac, mtu + 1, 1), "untagged, mtu + 15 bytes");
                     heldBack(r, vlanTagged(etherFrame(r.net->mac(), kHostMac, mtu + 1, 2), 9), "tagged, mtu + 19 bytes");
                     arrives(r, etherFrame(r.net->mac(), kHostMac, mtu, 3), "untagged, mtu + 14 bytes");
                     arrives(r, vlanTagged(etherFrame(r.net->mac(), kHostMac, mtu, 4), 9), "tagged, mtu + 18 bytes");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.rx.one_buffer_without_mrg_rxbuf",
               // devicenormative: a single buffer per packet without MRG_RXBUF
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Setting Up Receive Buffers#2",
                           // devicenormative: num_buffers is 1 without MRG_RXBUF
                           "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#1"},
               .judgedByDriver = {"devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#1"},
               .description = "without mergeable buffers every frame, up to the MTU, arrives in one buffer",
               .driverOptions = [](drv::NetDriverOptions& o) { o.features &= ~bit(nf::kMrgRxbuf); },
               .body =
                   [](NetRig& r) {
                     const uint32_t mtu = r.net->has(nf::kMtu) ? r.net->config().mtu : 1500;
                     for (size_t payload : {size_t{46}, size_t{700}, size_t{mtu}})
                       arrives(r, etherFrame(r.net->mac(), kHostMac, payload, 5), "one buffer");
                     r.ctx.check(r.net->stats().mergedFrames == 0, "a frame came in several buffers");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.rx.merged_buffers",
               // devicenormative: num_buffers tells how many buffers the packet is spread over
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#2",
                           // devicenormative: every buffer of a spread packet but the last is filled
                           "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#3",
                           // devicenormative: the buffers of one packet are used together
                           "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#4",
                           // devicenormative: num_buffers counts the buffers used
                           "devicenormative:Device Types / Network Device / Device Operation / Setting Up Receive Buffers#1"},
               .judgedByDriver = {"devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#3",
                                  "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#4",
                                  "devicenormative:Device Types / Network Device / Device Operation / Setting Up Receive Buffers#1"},
               .description = "with 256-byte mergeable buffers, frames up to the MTU spread over up to 7 buffers and "
                              "come back together",
               .driverOptions = [](drv::NetDriverOptions& o) { o.rxBufferSize = 256; },
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kMrgRxbuf})) return;
                     const uint32_t mtu = r.net->has(nf::kMtu) ? r.net->config().mtu : 1500;
                     for (size_t payload : {size_t{100}, size_t{600}, size_t{mtu}, size_t{1000}})
                       arrives(r, etherFrame(r.net->mac(), kHostMac, payload, 6), "merged");
                     r.ctx.check(r.net->stats().mergedFrames >= 3, "frames larger than a buffer were not merged");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.rx.flags_zero_without_guest_csum",
               // devicenormative: flags 0 without GUEST_CSUM
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#5"},
               .judgedByDriver = {"devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#5"},
               .description = "a partially checksummed frame reaches a driver without GUEST_CSUM with flags 0 and a "
                              "complete checksum",
               .driverOptions = [](drv::NetDriverOptions& o) { o.features &= ~bit(nf::kGuestCsum); },
               .body =
                   [](NetRig& r) {
                     r.drain();
                     const Frame f = tcpFrame(r.net->mac(), kHostMac, 500, 7, L4Csum::Partial);
                     Frame got;
                     drv::net::NetHdr h;
                     if (!r.host.inject(f, partialChecksumHdr()) || !r.receive(&got, &h))
                       return r.ctx.check(false, "the frame never reached the driver");
                     r.ctx.check(h.flags == 0, "flags set without GUEST_CSUM");
                     r.ctx.check(tcpChecksumOk(got), "the checksum was not completed");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.rx.gso_held_back_without_receive_offloads",
               // devicenormative: no GSO_TCPV4 without GUEST_TSO4
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#7",
                           // devicenormative: no GSO_UDP without GUEST_UFO
                           "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#8",
                           // devicenormative: no GSO_TCPV6 without GUEST_TSO6
                           "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#9",
                           // devicenormative: no GSO_UDP_L4 without GUEST_USO4/6
                           "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#10",
                           // devicenormative: gso_type NONE without any receive segmentation offload
                           "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#26"},
               .judgedByDriver = {"devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#7",
                                  "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#8",
                                  "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#9",
                                  "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#10",
                                  "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#26"},
               .description = "a device offering the receive offloads, a driver taking none: frames with segmentation "
                              "metadata do not reach it as such, plain frames arrive with gso_type NONE",
               .deviceOptions = {{"gso", "true"}},
               .body =
                   [](NetRig& r) {
                     for (uint8_t type : {mh::kGsoTcpv4, mh::kGsoUdp, mh::kGsoTcpv6, mh::kGsoUdpL4}) {
                       model::net::NetHdr h = partialChecksumHdr();
                       h.gsoType = type;
                       h.gsoSize = 1448;
                       heldBack(r, tcpFrame(r.net->mac(), kHostMac, 3000, type, L4Csum::Partial), "GSO frame", h);
                     }
                     drv::net::NetHdr got;
                     if (arrives(r, tcpFrame(r.net->mac(), kHostMac, 1000, 8, L4Csum::Full), "plain frame", &got))
                       r.ctx.check(got.gsoType == mh::kGsoNone, "gso_type not NONE");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.rx.gso_with_receive_offloads",
               // devicenormative: a GSO packet carries NEEDS_CSUM
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#27",
                           // devicenormative: and its MSS in gso_size
                           "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#28",
                           // devicenormative: with GUEST_ECN, ECN-marked segmentation sets the ECN bit
                           "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#14"},
               .judgedByDriver = {"devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#27"},
               .description = "a driver with the receive offloads gets large TCP frames with their segmentation "
                              "metadata: NEEDS_CSUM, the MSS, and the ECN bit when the sender set it",
               .deviceOptions = {{"gso", "true"}},
               .driverOptions =
                   [](drv::NetDriverOptions& o) {
                     o.features |= bit(nf::kGuestTso4) | bit(nf::kGuestTso6) | bit(nf::kGuestEcn) | bit(nf::kGuestUfo);
                   },
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kGuestTso4, nf::kGuestEcn, nf::kGuestCsum})) return;
                     for (uint8_t type : {mh::kGsoTcpv4, uint8_t(mh::kGsoTcpv4 | mh::kGsoEcn)}) {
                       model::net::NetHdr sent = partialChecksumHdr();
                       sent.gsoType = type;
                       sent.gsoSize = 1448;
                       drv::net::NetHdr got;
                       if (!arrives(r, tcpFrame(r.net->mac(), kHostMac, 4000, type, L4Csum::Partial), "GSO frame",
                                    &got, sent))
                         continue;
                       r.ctx.check(got.gsoType == type, "gso_type (with its ECN bit) not as the sender asked");
                       r.ctx.check(got.flags & mh::kFNeedsCsum, "GSO packet without NEEDS_CSUM");
                       r.ctx.check(got.gsoSize == 1448, "gso_size is not the MSS");
                     }
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.rx.partial_checksum",
               // devicenormative: checksums before csum_start + csum_offset are valid
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#18",
                           // devicenormative: the checksum field holds the pseudo-header sum
                           "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#19",
                           // devicenormative: csum_start / csum_offset complete the checksum
                           "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#20"},
               .description = "a partially checksummed TCP frame reaches a GUEST_CSUM driver with NEEDS_CSUM, a valid "
                              "IPv4 header checksum, the pseudo-header sum in the TCP checksum, and csum_start / "
                              "csum_offset that complete it",
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kGuestCsum})) return;
                     drv::net::NetHdr h;
                     const Frame f = tcpFrame(r.net->mac(), kHostMac, 1200, 9, L4Csum::Partial);
                     r.drain();
                     Frame got;
                     if (!r.host.inject(f, partialChecksumHdr()) || !r.receive(&got, &h))
                       return r.ctx.check(false, "the frame never reached the driver");
                     r.ctx.check(h.flags & mh::kFNeedsCsum, "NEEDS_CSUM not set");
                     r.ctx.check(ipv4HeaderChecksumOk(got), "the IPv4 header checksum is not valid");
                     r.ctx.check(tcpChecksumIsPseudoHeaderSum(got), "the TCP checksum field is not the pseudo-header sum");
                     r.ctx.check(tcpChecksumOk(completeChecksum(got, h.csumStart, h.csumOffset)),
                                 "completing at csum_start / csum_offset does not give a valid TCP checksum");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.rx.data_valid_only_when_valid",
               // devicenormative: DATA_VALID only on a validated checksum
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#33"},
               .description = "a TCP frame with a wrong checksum never arrives marked DATA_VALID; one marked so has a "
                              "valid checksum",
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kGuestCsum})) return;
                     drv::net::NetHdr h;
                     if (arrives(r, tcpFrame(r.net->mac(), kHostMac, 400, 10, L4Csum::Bad), "bad checksum", &h))
                       r.ctx.check(!(h.flags & mh::kFDataValid), "DATA_VALID on a packet whose checksum is wrong");
                     const Frame good = tcpFrame(r.net->mac(), kHostMac, 400, 11, L4Csum::Full);
                     if (arrives(r, good, "good checksum", &h))
                       r.ctx.check(!(h.flags & mh::kFDataValid) || tcpChecksumOk(good), "DATA_VALID, checksum wrong");
                   },
           });
}

// ---- what the device does with what a driver transmits -----------------------------------------------------------

void transmitTests(std::vector<TestInfo>& out) {
  add(out, NetCase{
               .id = "virtio.device.core.net.tx.mtu_frame_forwarded_whole",
               // devicenormative: packets up to mtu + Ethernet header are forwarded, unfragmented
               .clauses = {"devicenormative:Device Types / Network Device / Device configuration layout#6"},
               .description = "MTU-sized frames (untagged and tagged) reach the link whole, as one frame each",
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kMtu})) return;
                     const uint32_t mtu = r.net->config().mtu;
                     carried(r, etherFrame(kHostMac, r.net->mac(), mtu, 1), {}, "untagged");
                     carried(r, vlanTagged(etherFrame(kHostMac, r.net->mac(), mtu, 2), 3), {}, "tagged");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.tx.unknown_flag_ignored",
               // devicenormative: flag bits the device does not know are ignored
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Packet Transmission#1"},
               .description = "a transmit header with a flag bit the spec does not define (0x80) is sent as usual",
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kCsum})) return;
                     model::net::NetHdr h;
                     h.flags = 0x80;
                     const Frame f = etherFrame(kHostMac, r.net->mac(), 300, 4);
                     Frame bytes = r.headerBytes(h);
                     bytes.insert(bytes.end(), f.begin(), f.end());
                     r.drain();
                     model::NetFrame got;
                     r.ctx.check(r.rawTransmit(bytes) && r.takeSent(&got) && got.data == f,
                                 "the frame with an unknown flag bit did not reach the link unchanged");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.tx.csum_fields_unused_without_needs_csum",
               // devicenormative: csum_start / csum_offset unused without NEEDS_CSUM
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Packet Transmission#2"},
               .description = "csum_start / csum_offset pointing into the payload, NEEDS_CSUM clear: the frame is sent "
                              "unchanged",
               .body =
                   [](NetRig& r) {
                     drv::net::NetHdr h;
                     h.csumStart = 14;
                     h.csumOffset = 6;
                     carried(r, etherFrame(kHostMac, r.net->mac(), 200, 5), h, "csum fields without NEEDS_CSUM");
                     carried(r, tcpFrame(kHostMac, r.net->mac(), 200, 6, L4Csum::Partial), h, "TCP, not complete");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.tx.hdr_len_not_relied_on",
               // devicenormative: hdr_len is not relied on
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Packet Transmission#7"},
               .description = "nonsense hdr_len values (1, 65535) change nothing about the frame sent",
               .body =
                   [](NetRig& r) {
                     for (uint16_t len : {uint16_t{1}, uint16_t{65535}}) {
                       drv::net::NetHdr h;
                       h.hdrLen = len;
                       carried(r, tcpFrame(kHostMac, r.net->mac(), 300, 7, L4Csum::Full), h, "hdr_len " + std::to_string(len));
                     }
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.tx.checksum_not_relied_on",
               // devicenormative: without NEEDS_CSUM the packet checksum is not relied on
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Packet Transmission#11"},
               .description = "a TCP frame with a wrong checksum and NEEDS_CSUM clear is sent as it is (not dropped, "
                              "not rewritten)",
               .body =
                   [](NetRig& r) { carried(r, tcpFrame(kHostMac, r.net->mac(), 300, 8, L4Csum::Bad), {}, "bad checksum"); },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.tx.malformed_tunnel_gso_not_accepted",
               // devicenormative: both UDP tunnel bits: not accepted
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Packet Transmission#8",
                           // devicenormative: a tunnel bit without NEEDS_CSUM, with DATA_VALID or without a base type: not accepted
                           "devicenormative:Device Types / Network Device / Device Operation / Packet Transmission#10"},
               .description = "a hostile driver sends packets with both UDP tunnel bits, a tunnel bit without "
                              "NEEDS_CSUM, with DATA_VALID and without a GSO type: none reaches the link, a valid "
                              "frame after them does",
               .hostile = true,
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kCsum})) return;
                     const Frame f = tcpFrame(kHostMac, r.net->mac(), 2000, 9, L4Csum::Partial);
                     struct Bad {
                       uint8_t flags, gsoType;
                     };
                     const uint8_t both = mh::kGsoUdpTunnelIpv4 | mh::kGsoUdpTunnelIpv6;
                     for (const Bad b : {Bad{mh::kFNeedsCsum, uint8_t(mh::kGsoTcpv4 | both)},
                                         Bad{0, uint8_t(mh::kGsoTcpv4 | mh::kGsoUdpTunnelIpv4)},
                                         Bad{uint8_t(mh::kFNeedsCsum | mh::kFDataValid), uint8_t(mh::kGsoTcpv4 | mh::kGsoUdpTunnelIpv6)},
                                         Bad{mh::kFNeedsCsum, mh::kGsoUdpTunnelIpv4}}) {
                       model::net::NetHdr h = partialChecksumHdr();
                       h.flags = b.flags;
                       h.gsoType = b.gsoType;
                       h.gsoSize = 1400;
                       Frame bytes = r.headerBytes(h);
                       bytes.insert(bytes.end(), f.begin(), f.end());
                       r.drain();
                       r.ctx.check(r.rawTransmit(bytes), "could not make the buffer available");
                       model::NetFrame got;
                       r.ctx.check(!r.takeSent(&got), "a malformed tunnel GSO packet reached the link");
                     }
                     carried(r, etherFrame(kHostMac, r.net->mac(), 100, 10), {}, "valid frame afterwards");
                   },
           });
}

// ---- control queue ----------------------------------------------------------------------------------------------

void controlTests(std::vector<TestInfo>& out) {
  add(out, NetCase{
               .id = "virtio.device.core.net.ctrl.rx_mode_commands",
               // devicenormative: PROMISC and ALLMULTI are supported with CTRL_RX
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#1"},
               .description = "PROMISC and ALLMULTI are acknowledged and act on the traffic both ways",
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kCtrlRx, nf::kMac})) return;
                     drv::NetDriver& n = *r.net;
                     const Frame other = etherFrame(kOtherMac, kHostMac, 100, 1);
                     r.ctx.check(n.setPromisc(true) == drv::CtrlStatus::Ok, "PROMISC on refused");
                     arrives(r, other, "promiscuous: frame for another address");
                     r.ctx.check(n.setPromisc(false) == drv::CtrlStatus::Ok, "PROMISC off refused");
                     heldBack(r, other, "not promiscuous: frame for another address");
                     const Frame mc = etherFrame(kMulticast, kHostMac, 100, 2);
                     r.ctx.check(n.setAllMulti(false) == drv::CtrlStatus::Ok, "ALLMULTI off refused");
                     heldBack(r, mc, "all-multicast off: multicast not in the table");
                     r.ctx.check(n.setAllMulti(true) == drv::CtrlStatus::Ok, "ALLMULTI on refused");
                     arrives(r, mc, "all-multicast on");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.ctrl.rx_extra_commands",
               // devicenormative: ALLUNI, NOMULTI, NOUNI, NOBCAST are supported with CTRL_RX_EXTRA
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#5"},
               .description = "ALLUNI, NOMULTI, NOUNI and NOBCAST are acknowledged and act on the traffic",
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kCtrlRxExtra, nf::kMac})) return;
                     drv::NetDriver& n = *r.net;
                     namespace c = drv::net::ctrl;
                     auto mode = [&](uint8_t cmd, bool on) {
                       r.ctx.check(n.setRxMode(cmd, on) == drv::CtrlStatus::Ok, "an RX_EXTRA command was refused");
                     };
                     mode(c::kRxAllUni, true);
                     arrives(r, etherFrame(kOtherMac, kHostMac, 100, 3), "all-unicast: another address");
                     mode(c::kRxAllUni, false);
                     mode(c::kRxNoUni, true);
                     heldBack(r, etherFrame(n.mac(), kHostMac, 100, 4), "no unicast: own address");
                     mode(c::kRxNoUni, false);
                     mode(c::kRxNoMulti, true);
                     heldBack(r, etherFrame(kMulticast, kHostMac, 100, 5), "no multicast");
                     mode(c::kRxNoMulti, false);
                     mode(c::kRxNoBcast, true);
                     heldBack(r, etherFrame(kBroadcast, kHostMac, 100, 6), "no broadcast");
                     mode(c::kRxNoBcast, false);
                     arrives(r, etherFrame(kBroadcast, kHostMac, 100, 7), "broadcast allowed again");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.ctrl.mac_table_empty_after_reset",
               // devicenormative: the MAC filtering table is empty after a reset
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#1"},
               .description = "an address put in the MAC table passes; after a device reset it no longer does",
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kCtrlRx, nf::kMac})) return;
                     const Frame f = etherFrame(kOtherMac, kHostMac, 100, 8);
                     r.ctx.check(r.net->setMacTable({kOtherMac}, {}) == drv::CtrlStatus::Ok, "MAC_TABLE_SET refused");
                     arrives(r, f, "address in the table");
                     r.ctx.check(r.net->device().recover(), "the device did not come back after a reset");
                     heldBack(r, f, "after the reset");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.ctrl.mac_table_in_force_at_ack",
               // devicenormative: the table is updated before the command is used
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#2"},
               .description = "right after MAC_TABLE_SET is used, frames to its unicast and multicast entries pass and "
                              "multicast outside it does not",
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kCtrlRx, nf::kMac})) return;
                     r.ctx.check(r.net->setAllMulti(false) == drv::CtrlStatus::Ok, "ALLMULTI off refused");
                     r.ctx.check(r.net->setMacTable({kOtherMac}, {kMulticast}) == drv::CtrlStatus::Ok, "MAC_TABLE_SET refused");
                     arrives(r, etherFrame(kOtherMac, kHostMac, 100, 9), "unicast entry");
                     arrives(r, etherFrame(kMulticast, kHostMac, 100, 10), "multicast entry");
                     heldBack(r, etherFrame(Mac{0x01, 0x00, 0x5e, 0, 0, 8}, kHostMac, 100, 11), "multicast not in the table");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.ctrl.mac_addr_in_config_at_ack",
               // devicenormative: config mac shows MAC_ADDR_SET's address before the command is used
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#3"},
               .judgedByDriver = {"devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#3"},
               .description = "config mac reads the address of MAC_ADDR_SET as soon as the command is used",
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kCtrlRx, nf::kCtrlMacAddr, nf::kMac})) return;
                     for (const Mac m : {Mac{0x02, 0x56, 0x53, 0x01, 0x02, 0x03}, Mac{0x0a, 0, 0, 0, 0, 0x42}}) {
                       r.ctx.check(r.net->setMacAddress(m) == drv::CtrlStatus::Ok, "MAC_ADDR_SET refused");
                       Mac shown{};
                       r.net->device().readConfig(drv::net::cfg::kMac, shown.data(), 6);
                       r.ctx.check(shown == m, "config mac does not show the new address");
                       arrives(r, etherFrame(m, kHostMac, 100, 12), "frame to the new address");
                     }
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.ctrl.vlan_unfiltered_without_ctrl_vlan",
               // devicenormative: every VLAN-tagged packet is accepted without CTRL_VLAN
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / VLAN Filtering#1"},
               .description = "a driver without CTRL_VLAN receives frames of any VLAN",
               .driverOptions = [](drv::NetDriverOptions& o) { o.features &= ~bit(nf::kCtrlVlan); },
               .body =
                   [](NetRig& r) {
                     for (uint16_t vid : {uint16_t{0}, uint16_t{1}, uint16_t{100}, uint16_t{4095}})
                       arrives(r, vlanTagged(etherFrame(r.net->mac(), kHostMac, 100, 13), vid), "VLAN " + std::to_string(vid));
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.ctrl.vlan_table",
               // devicenormative: tagged packets whose VLAN is in the table are accepted
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / VLAN Filtering#2"},
               .description = "VLAN_ADD of 100 and 4095: frames of those VLANs are received",
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kCtrlVlan})) return;
                     for (uint16_t vid : {uint16_t{100}, uint16_t{4095}}) {
                       r.ctx.check(r.net->vlanAdd(vid) == drv::CtrlStatus::Ok, "VLAN_ADD refused");
                       arrives(r, vlanTagged(etherFrame(r.net->mac(), kHostMac, 100, 14), vid), "VLAN in the table");
                     }
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.ctrl.announce_cleared_by_ack",
               // devicenormative: ANNOUNCE_ACK clears VIRTIO_NET_S_ANNOUNCE before the buffer is used
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Gratuitous Packet Sending#1"},
               .judgedByDriver = {"devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Gratuitous Packet Sending#1"},
               .description = "after an announce request, status shows ANNOUNCE until ANNOUNCE_ACK is used, and not after",
               .driverOptions = [](drv::NetDriverOptions& o) { o.autoAnnounce = false; },
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kGuestAnnounce, nf::kStatus})) return;
                     for (int round = 0; round < 2; ++round) {
                       r.ctx.check(r.host.announce(), "the host could not ask for an announcement");
                       r.net->poll();
                       uint16_t status = 0;
                       r.net->device().readConfig(drv::net::cfg::kStatus, &status);
                       r.ctx.check(status & drv::net::cfg::kSAnnounce, "ANNOUNCE not shown before the ack");
                       r.ctx.check(r.net->announceAck() == drv::CtrlStatus::Ok, "ANNOUNCE_ACK refused");
                       r.net->device().readConfig(drv::net::cfg::kStatus, &status);
                       r.ctx.check(!(status & drv::net::cfg::kSAnnounce), "ANNOUNCE still shown after the ack");
                     }
                   },
           });
}

// ---- notification coalescing ------------------------------------------------------------------------------------

const model::DeviceOptions kCoalescing = {{"notf_coal", "true"}, {"vq_notf_coal", "true"}};
const std::vector<TK> kModern = {TK::PciModern, TK::PciTransitional, TK::MmioV2};

/// VQ_GET of queue vq equals (packets, usecs).
void expectCoalescing(NetRig& r, uint16_t vq, uint32_t packets, uint32_t usecs, const std::string& what) {
  uint32_t p = 0xdead, u = 0xdead;
  r.ctx.check(r.net->queueCoalescing(vq, &p, &u) == drv::CtrlStatus::Ok, what + ": VQ_GET refused");
  r.ctx.check(p == packets && u == usecs, what + ": VQ_GET of queue " + std::to_string(vq) + " answered " +
                                              std::to_string(p) + "/" + std::to_string(u));
}

std::vector<uint8_t> vqCoal(uint16_t vq, uint16_t reserved, uint32_t packets, uint32_t usecs) {
  std::vector<uint8_t> d(12);
  const uint32_t v[2] = {packets, usecs};
  d[0] = static_cast<uint8_t>(vq), d[1] = static_cast<uint8_t>(vq >> 8);
  d[2] = static_cast<uint8_t>(reserved), d[3] = static_cast<uint8_t>(reserved >> 8);
  for (int k = 0; k < 2; ++k)
    for (int i = 0; i < 4; ++i) d[4 + 4 * k + i] = static_cast<uint8_t>(v[k] >> (8 * i));
  return d;
}

void coalescingTests(std::vector<TestInfo>& out) {
  add(out, NetCase{
               .id = "virtio.device.core.net.ctrl.coalescing_set_then_get",
               // devicenormative: reserved is ignored
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#1",
                           // devicenormative: a VQ_SET it answers OK has changed the parameters
                           "devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#3"},
               .description = "VQ_SET on receiveq1 and transmitq1 (reserved not zero) is acknowledged and VQ_GET reads "
                              "the values back; a later RX_SET overrides the receive queue's",
               .transports = kModern,
               .deviceOptions = kCoalescing,
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kNotfCoal, nf::kVqNotfCoal})) return;
                     for (uint16_t vq : {uint16_t{0}, uint16_t{1}}) {
                       r.ctx.check(r.net->rawCommand(drv::net::ctrl::kClassNotfCoal, drv::net::ctrl::kNotfCoalVqSet,
                                                     {vqCoal(vq, 0xbeef, 10 + vq, 200 + vq)}) == drv::CtrlStatus::Ok,
                                   "VQ_SET with reserved bits set refused");
                       expectCoalescing(r, vq, 10 + vq, 200 + vq, "after VQ_SET");
                     }
                     r.ctx.check(r.net->setCoalescing(false, 4, 40) == drv::CtrlStatus::Ok, "RX_SET refused");
                     expectCoalescing(r, 0, 4, 40, "after RX_SET");
                     expectCoalescing(r, 1, 11, 201, "transmitq1 after RX_SET");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.ctrl.coalescing_only_for_enabled_data_queues",
               // devicenormative: VQ_SET / VQ_GET of a queue that is no enabled transmit or receive queue: VIRTIO_NET_ERR
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#4"},
               .description = "a hostile driver asks VQ_SET and VQ_GET of the control queue and of a queue that does not "
                              "exist: VIRTIO_NET_ERR each time",
               .transports = kModern,
               .deviceOptions = kCoalescing,
               .hostile = true,
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kVqNotfCoal})) return;
                     namespace c = drv::net::ctrl;
                     for (uint16_t vq : {static_cast<uint16_t>(r.net->controlQueue()), uint16_t{200}}) {
                       r.ctx.check(r.net->rawCommand(c::kClassNotfCoal, c::kNotfCoalVqSet, {vqCoal(vq, 0, 1, 1)}) ==
                                       drv::CtrlStatus::Err,
                                   "VQ_SET of queue " + std::to_string(vq) + " not answered VIRTIO_NET_ERR");
                       std::vector<uint8_t> get = vqCoal(vq, 0, 0, 0);
                       get.resize(4);
                       r.ctx.check(r.net->rawCommand(c::kClassNotfCoal, c::kNotfCoalVqGet, {get}) == drv::CtrlStatus::Err,
                                   "VQ_GET of queue " + std::to_string(vq) + " not answered VIRTIO_NET_ERR");
                     }
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.ctrl.coalescing_of_a_reenabled_queue",
               // devicenormative: a re-enabled transmit queue has TX_SET's parameters
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#5",
                           // devicenormative: a re-enabled receive queue has RX_SET's parameters (0 without one)
                           "devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#6"},
               .description = "after TX_SET and per-queue VQ_SETs, transmitq1 reset and enabled again has TX_SET's "
                              "parameters, receiveq1 (no RX_SET) has 0",
               .transports = kRingResetTransports,
               .deviceOptions = kCoalescing,
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kNotfCoal, nf::kVqNotfCoal})) return;
                     drv::Device& d = r.net->device();
                     if (!((d.features() >> feat::kRingReset) & 1u)) return r.ctx.notSupported("VIRTIO_F_RING_RESET not negotiated");
                     r.ctx.check(r.net->setCoalescing(true, 3, 30) == drv::CtrlStatus::Ok, "TX_SET refused");
                     r.ctx.check(r.net->setQueueCoalescing(1, 99, 99) == drv::CtrlStatus::Ok, "VQ_SET refused");
                     r.ctx.check(r.net->setQueueCoalescing(0, 55, 55) == drv::CtrlStatus::Ok, "VQ_SET refused");
                     r.ctx.check(d.resetQueue(1) && d.resetQueue(0), "a queue did not reset");
                     expectCoalescing(r, 1, 3, 30, "re-enabled transmitq1");
                     expectCoalescing(r, 0, 0, 0, "re-enabled receiveq1");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.ctrl.coalescing_zero_after_reset",
               // devicenormative: every coalescing parameter is 0 after a reset
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#9"},
               .description = "TX_SET, RX_SET and VQ_SET, then a device reset: VQ_GET reads 0 for every data queue",
               .transports = kModern,
               .deviceOptions = kCoalescing,
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kNotfCoal, nf::kVqNotfCoal})) return;
                     r.ctx.check(r.net->setCoalescing(true, 3, 30) == drv::CtrlStatus::Ok, "TX_SET refused");
                     r.ctx.check(r.net->setCoalescing(false, 4, 40) == drv::CtrlStatus::Ok, "RX_SET refused");
                     r.ctx.check(r.net->setQueueCoalescing(0, 5, 50) == drv::CtrlStatus::Ok, "VQ_SET refused");
                     expectCoalescing(r, 0, 5, 50, "before the reset");
                     r.ctx.check(r.net->device().recover(), "the device did not come back after a reset");
                     for (uint16_t vq : {uint16_t{0}, uint16_t{1}}) expectCoalescing(r, vq, 0, 0, "after the reset");
                   },
           });
}

// ---- multiqueue ---------------------------------------------------------------------------------------------------

/// Inject `flows` TCP flows and return the pairs they arrived on (harness failure: empty).
std::vector<uint16_t> pairsOfFlows(NetRig& r, uint16_t flows) {
  std::vector<uint16_t> seen;
  r.drain();
  for (uint16_t flow = 0; flow < flows; ++flow) {
    const Frame f = tcpFrame(r.net->mac(), kHostMac, 100, 15, L4Csum::Full, flow);
    uint16_t pair = 0xffff;
    Frame got;
    if (!r.host.inject(f) || !r.receive(&got, nullptr, &pair) || got != f) {
      r.ctx.check(false, "a frame of flow " + std::to_string(flow) + " did not arrive");
      return {};
    }
    seen.push_back(pair);
  }
  return seen;
}

void multiqueueTests(std::vector<TestInfo>& out) {
  add(out, NetCase{
               .id = "virtio.device.core.net.mq.receiveq1_until_pairs_set",
               // devicenormative: after reset only receiveq1 is used
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#1"},
               .description = "4 pairs set up, VQ_PAIRS_SET not sent yet: 32 flows all arrive on receiveq1, also after "
                              "a reset that follows a VQ_PAIRS_SET",
               .deviceOptions = {{"mq_pairs", "4"}},
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kMq})) return;
                     for (uint16_t p : pairsOfFlows(r, 32)) r.ctx.check(p == 0, "a frame arrived outside receiveq1");
                     r.ctx.check(r.net->setQueuePairs(4) == drv::CtrlStatus::Ok, "VQ_PAIRS_SET refused");
                     r.ctx.check(r.net->device().recover(), "the device did not come back after a reset");
                     for (uint16_t p : pairsOfFlows(r, 32)) r.ctx.check(p == 0, "after reset: a frame outside receiveq1");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.mq.within_virtqueue_pairs",
               // devicenormative: no receive queue beyond virtqueue_pairs once VQ_PAIRS_SET is used
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#2"},
               .description = "after VQ_PAIRS_SET 2 (then 3) of 4, 32 flows arrive only on the first 2 (3) receive "
                              "queues, and use more than one",
               .deviceOptions = {{"mq_pairs", "4"}},
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kMq})) return;
                     for (uint16_t pairs : {uint16_t{2}, uint16_t{3}}) {
                       r.ctx.check(r.net->setQueuePairs(pairs) == drv::CtrlStatus::Ok, "VQ_PAIRS_SET refused");
                       bool spread = false;
                       for (uint16_t p : pairsOfFlows(r, 32)) {
                         r.ctx.check(p < pairs, "a frame arrived beyond virtqueue_pairs");
                         spread |= p != 0;
                       }
                       r.ctx.check(spread, "every flow stayed on receiveq1 (steering not in force)");
                     }
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.mq.dropped_while_every_receiveq_resets",
               // devicenormative: a packet is dropped when every receive queue is being reset
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#4"},
               .description = "receiveq1 (the only one) reset and not enabled again: a frame arriving then is dropped",
               .transports = kRingResetTransports,
               .body =
                   [](NetRig& r) {
                     drv::Device& d = r.net->device();
                     if (!((d.features() >> feat::kRingReset) & 1u)) return r.ctx.notSupported("VIRTIO_F_RING_RESET not negotiated");
                     r.drain();
                     if (!d.transport().resetQueue(0, 100'000'000)) return r.ctx.harnessError("receiveq1 did not reset");
                     const uint64_t before = r.host.stats().rxDroppedNoQueue;
                     r.ctx.check(!r.host.inject(etherFrame(r.net->mac(), kHostMac, 100, 16)), "the frame was accepted");
                     r.ctx.check(r.host.stats().rxDroppedNoQueue == before + 1, "the frame was not dropped");
                     r.ctx.check(d.resetQueue(0), "receiveq1 could not be set up again");
                   },
           });
}

}  // namespace

void registerNetDeviceTests(std::vector<TestInfo>& out) {
  configurationTests(out);
  receiveTests(out);
  transmitTests(out);
  controlTests(out);
  coalescingTests(out);
  multiqueueTests(out);
}

}  // namespace vsim::conformance

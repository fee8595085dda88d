// Faulty network drivers: one per driver-normative check of the net device model. Each brings the device up
// correctly (our NetDriver, with the features the fault needs; or raw transport steps where the fault is in the
// initialisation itself), then makes exactly one access that breaks one statement: a transmit buffer with a bad
// header (built on the transmit queue itself), a receive buffer too small, a control command the features forbid
// or a malformed one, a configuration write. The strict device must report that clause and nothing else.
#include "net_support.h"
#include "vsim/abi/features.h"
#include "vsim/abi/status.h"
#include "vsim/drv/discover.h"
#include "vsim/drv/driver_queue.h"

namespace vsim::conformance {

using namespace netsuite;
namespace nf = drv::net::f;
namespace mh = model::net::hdr;
namespace mc = model::net::ctrl;

namespace {

using Frame = std::vector<uint8_t>;
const std::vector<TK> kModern = {TK::PciModern, TK::PciTransitional, TK::MmioV2};

bool needs(NetRig& r, std::initializer_list<unsigned> features) {
  for (unsigned f : features)
    if (!r.net->has(f)) {
      r.ctx.notSupported("a feature this fault needs was not negotiated on this transport");
      return false;
    }
  return true;
}

/// A transmit buffer: `h` as the negotiated header size lays it out, then `f`.
bool transmit(NetRig& r, const model::net::NetHdr& h, const Frame& f, uint16_t pair = 0) {
  Frame bytes = r.headerBytes(h);
  bytes.insert(bytes.end(), f.begin(), f.end());
  if (!r.rawTransmit(bytes, pair)) {
    r.ctx.harnessError("could not make the transmit buffer available");
    return false;
  }
  return true;
}

Frame tcpOut(NetRig& r, size_t payload = 200) { return tcpFrame(kHostMac, r.net->mac(), payload, 1, L4Csum::Partial); }

model::net::NetHdr csumHdr() {
  model::net::NetHdr h;
  h.flags = mh::kFNeedsCsum;
  h.csumStart = kTcpCsumStart;
  h.csumOffset = kTcpCsumOffset;
  return h;
}

model::net::NetHdr gsoHdr(uint8_t type) {
  model::net::NetHdr h = csumHdr();
  h.gsoType = type;
  h.gsoSize = 1448;
  return h;
}

/// One control command through the driver's control queue, without its feature checks.
bool command(NetRig& r, uint8_t cls, uint8_t cmd, const std::vector<std::vector<uint8_t>>& data) {
  const drv::CtrlStatus s = r.net->rawCommand(cls, cmd, data);
  if (s != drv::CtrlStatus::Ok && s != drv::CtrlStatus::Err) {
    r.ctx.harnessError(std::string("the command was not used: ") + drv::ctrlStatusName(s));
    return false;
  }
  return true;
}

std::vector<uint8_t> le(uint64_t v, size_t n) {
  std::vector<uint8_t> b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
  return b;
}

/// A buffer of `len` device-writable bytes on receiveq1, outside the driver's own (which leave room for it).
bool receiveBuffer(NetRig& r, uint32_t len) {
  const uint64_t at = r.hal.dmaAllocator().alloc(len, 64);
  const drv::Buf b{at, len, true};
  if (at == GuestAllocator::kFail || r.net->device().queue(0).add(&b, 1, uint64_t{1} << 40) < 0) {
    r.ctx.harnessError("could not make the receive buffer available");
    return false;
  }
  r.net->device().kick(0);
  return true;
}


// ---- transmit -----------------------------------------------------------------------------------------------------

void transmitMutants(std::vector<TestInfo>& out) {
  auto add = [&](NetMutant m) { out.push_back(makeNetMutant(std::move(m))); };
  add({.id = "virtio.driver.core.net.tx.header_shorter_than_receive_header",
       // drivernormative: the transmit header has the receive header's size
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#1",
       .description = "a transmit buffer of 8 bytes: shorter than the header",
       .body = [](NetRig& r) {
         if (!r.rawTransmit(Frame(8, 0))) return r.ctx.harnessError("buffer not made available"), false;
         return true;
       }});
  add({.id = "virtio.driver.core.net.tx.num_buffers_not_zero",
       // drivernormative: num_buffers is 0 on transmit
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#2",
       .description = "a transmit header with num_buffers 1",
       .body = [](NetRig& r) {
         model::net::NetHdr h;
         h.numBuffers = 1;
         return transmit(r, h, etherFrame(kHostMac, r.net->mac(), 100, 1));
       }});
  add({.id = "virtio.driver.core.net.tx.flags_without_csum",
       // drivernormative: flags stay 0 without VIRTIO_NET_F_CSUM
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#3",
       .description = "VIRTIO_NET_F_CSUM not negotiated; a transmit header asks for checksum offload",
       .driverOptions = [](drv::NetDriverOptions& o) { o.features &= ~bit(nf::kCsum); },
       .body = [](NetRig& r) { return transmit(r, csumHdr(), tcpOut(r)); }});
  add({.id = "virtio.driver.core.net.tx.receive_only_flag",
       // drivernormative: DATA_VALID / RSC_INFO are never set on transmit
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#45",
       .description = "a transmit header with DATA_VALID (a receive-only flag)",
       .body = [](NetRig& r) {
         if (!needs(r, {nf::kCsum})) return false;
         model::net::NetHdr h;
         h.flags = mh::kFDataValid;
         return transmit(r, h, tcpOut(r));
       }});
  add({.id = "virtio.driver.core.net.tx.udp_tunnel_csum_flag",
       // drivernormative: no UDP_TUNNEL_CSUM without HOST_UDP_TUNNEL_GSO_CSUM
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#23",
       .description = "a tunnel GSO header with UDP_TUNNEL_CSUM, HOST_UDP_TUNNEL_GSO_CSUM not negotiated",
       .body = [](NetRig& r) {
         if (!needs(r, {nf::kCsum})) return false;
         model::net::NetHdr h = gsoHdr(mh::kGsoTcpv4 | mh::kGsoUdpTunnelIpv4);
         h.flags |= mh::kFUdpTunnelCsum;
         return transmit(r, h, tcpOut(r, 3000));
       }});
  struct Tunnel {
    const char* id;
    const char* clause;
    const char* description;
    uint8_t flags, gsoType;
  };
  for (const Tunnel c : {
           Tunnel{"tunnel_both_bits", "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#25",
                  "gso_type with both UDP tunnel bits", mh::kFNeedsCsum,
                  uint8_t(mh::kGsoTcpv4 | mh::kGsoUdpTunnelIpv4 | mh::kGsoUdpTunnelIpv6)},
           Tunnel{"tunnel_with_gso_udp", "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#24",
                  "a UDP tunnel bit with the deprecated GSO_UDP", mh::kFNeedsCsum, uint8_t(mh::kGsoUdp | mh::kGsoUdpTunnelIpv4)},
           Tunnel{"tunnel_with_data_valid", "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#46",
                  "DATA_VALID with a UDP tunnel bit", uint8_t(mh::kFNeedsCsum | mh::kFDataValid),
                  uint8_t(mh::kGsoTcpv6 | mh::kGsoUdpTunnelIpv6)},
           Tunnel{"tunnel_csum_without_tunnel", "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#26",
                  "UDP_TUNNEL_CSUM without a UDP tunnel bit", uint8_t(mh::kFNeedsCsum | mh::kFUdpTunnelCsum), mh::kGsoNone},
       })
    add({.id = std::string("virtio.driver.core.net.tx.") + c.id,
         .clause = c.clause,  // a tunnel combination the transmit rules forbid whatever was negotiated
         .description = c.description,
         .body = [c](NetRig& r) {
           if (!needs(r, {nf::kCsum})) return false;
           model::net::NetHdr h = gsoHdr(c.gsoType);
           h.flags = c.flags;
           return transmit(r, h, tcpOut(r, 3000));
         }});
  add({.id = "virtio.driver.core.net.tx.csum_ip_header_not_complete",
       // drivernormative: checksums before the offloaded one are complete
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#28",
       .description = "checksum offload of a TCP/IPv4 frame whose IPv4 header checksum is wrong",
       .body = [](NetRig& r) {
         if (!needs(r, {nf::kCsum})) return false;
         Frame f = tcpOut(r);
         f[14 + 10] ^= 0x01;  // IPv4 header checksum
         return transmit(r, csumHdr(), f);
       }});
  add({.id = "virtio.driver.core.net.tx.csum_field_not_pseudo_header",
       // drivernormative: the offloaded checksum field holds the pseudo-header sum
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#29",
       .description = "checksum offload of a TCP/IPv4 frame whose TCP checksum field is the full checksum, not the "
                      "pseudo-header sum",
       .body = [](NetRig& r) {
         if (!needs(r, {nf::kCsum})) return false;
         return transmit(r, csumHdr(), tcpFrame(kHostMac, r.net->mac(), 200, 2, L4Csum::Full));
       }});
  add({.id = "virtio.driver.core.net.tx.udp_tunnel_gso",
       // drivernormative: no UDP tunnel bit without HOST_UDP_TUNNEL_GSO
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#17",
       .description = "gso_type with the UDP tunnel IPv4 bit, HOST_UDP_TUNNEL_GSO not negotiated",
       .body = [](NetRig& r) {
         if (!needs(r, {nf::kCsum})) return false;
         return transmit(r, gsoHdr(mh::kGsoTcpv4 | mh::kGsoUdpTunnelIpv4), tcpOut(r, 3000));
       }});
  struct Gso {
    const char* name;
    uint8_t type;
    const char* clause;
  };
  for (const Gso g : {Gso{"tcpv4", mh::kGsoTcpv4, "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#7"},
                      Gso{"tcpv6", mh::kGsoTcpv6, "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#9"},
                      Gso{"udp", mh::kGsoUdp, "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#11"},
                      Gso{"udp_l4", mh::kGsoUdpL4, "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#13"}})
    add({.id = std::string("virtio.driver.core.net.tx.gso_") + g.name + "_not_negotiated",
         .clause = g.clause,  // the GSO type needs its HOST_ feature (the device offers none by default)
         .description = std::string("gso_type GSO_") + g.name + " without its HOST_ segmentation feature",
         .body = [g](NetRig& r) {
           if (!needs(r, {nf::kCsum})) return false;
           return transmit(r, gsoHdr(g.type), tcpOut(r, 3000));
         }});
  add({.id = "virtio.driver.core.net.tx.gso_type_undefined",
       // drivernormative: gso_type NONE unless a HOST_ segmentation feature applies
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#31",
       .description = "gso_type 2, a value the spec does not define",
       .body = [](NetRig& r) {
         if (!needs(r, {nf::kCsum})) return false;
         return transmit(r, gsoHdr(2), tcpOut(r, 3000));
       }});
  add({.id = "virtio.driver.core.net.tx.gso_without_needs_csum",
       // drivernormative: a GSO request carries NEEDS_CSUM
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#32",
       .description = "HOST_TSO4 negotiated; a GSO_TCPV4 header without NEEDS_CSUM",
       .deviceOptions = {{"gso", "true"}},
       .driverOptions = [](drv::NetDriverOptions& o) { o.features |= bit(nf::kHostTso4); },
       .body = [](NetRig& r) {
         if (!needs(r, {nf::kHostTso4})) return false;
         model::net::NetHdr h = gsoHdr(mh::kGsoTcpv4);
         h.flags = 0;
         return transmit(r, h, tcpOut(r, 3000));
       }});
  add({.id = "virtio.driver.core.net.tx.gso_size_zero",
       // drivernormative: a GSO request carries its MSS in gso_size
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#33",
       .description = "HOST_TSO4 negotiated; a GSO_TCPV4 header with gso_size 0",
       .deviceOptions = {{"gso", "true"}},
       .driverOptions = [](drv::NetDriverOptions& o) { o.features |= bit(nf::kHostTso4); },
       .body = [](NetRig& r) {
         if (!needs(r, {nf::kHostTso4})) return false;
         model::net::NetHdr h = gsoHdr(mh::kGsoTcpv4);
         h.gsoSize = 0;
         return transmit(r, h, tcpOut(r, 3000));
       }});
  add({.id = "virtio.driver.core.net.tx.csum_outside_packet",
       // drivernormative: csum_start / csum_offset lie inside the packet
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#30",
       .description = "NEEDS_CSUM with csum_start past the end of a 60-byte frame",
       .body = [](NetRig& r) {
         if (!needs(r, {nf::kCsum})) return false;
         model::net::NetHdr h = csumHdr();
         h.csumStart = 200;
         return transmit(r, h, etherFrame(kHostMac, r.net->mac(), 46, 2));
       }});
  add({.id = "virtio.driver.core.net.tx.over_mtu",
       // drivernormative: nothing above mtu + Ethernet header without GSO
       .clause = "drivernormative:Device Types / Network Device / Device configuration layout#9",
       .description = "MTU negotiated; an untagged frame of mtu + 15 bytes without GSO",
       .body = [](NetRig& r) {
         if (!needs(r, {nf::kMtu})) return false;
         return transmit(r, {}, etherFrame(kHostMac, r.net->mac(), r.net->config().mtu + 1, 3));
       }});
  add({.id = "virtio.driver.core.net.mq.transmit_before_pairs_set",
       // drivernormative: only transmitq1 before VQ_PAIRS_SET
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#3",
       .description = "2 pairs, VQ_PAIRS_SET not sent: a frame on transmitq2",
       .deviceOptions = {{"mq_pairs", "2"}},
       .body = [](NetRig& r) {
         if (!needs(r, {nf::kMq})) return false;
         return transmit(r, {}, etherFrame(kHostMac, r.net->mac(), 100, 4), 1);
       }});
  add({.id = "virtio.driver.core.net.mq.transmit_beyond_pairs",
       // drivernormative: no transmit queue beyond virtqueue_pairs
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#4",
       .description = "2 pairs, VQ_PAIRS_SET 1 used: a frame on transmitq2",
       .deviceOptions = {{"mq_pairs", "2"}},
       .body = [](NetRig& r) {
         if (!needs(r, {nf::kMq})) return false;
         if (r.net->setQueuePairs(1) != drv::CtrlStatus::Ok) return r.ctx.harnessError("VQ_PAIRS_SET 1 refused"), false;
         return transmit(r, {}, etherFrame(kHostMac, r.net->mac(), 100, 5), 1);
       }});
}

// ---- receive buffers ----------------------------------------------------------------------------------------------

void receiveMutants(std::vector<TestInfo>& out) {
  auto add = [&](NetMutant m) { out.push_back(makeNetMutant(std::move(m))); };
  add({.id = "virtio.driver.core.net.rx.mergeable_buffer_below_header",
       // drivernormative: each mergeable receive buffer holds a header
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Setting Up Receive Buffers#3",
       .description = "MRG_RXBUF negotiated; a 4-byte receive buffer",
       .driverOptions = [](drv::NetDriverOptions& o) { o.rxBuffers = 16; },
       .body = [](NetRig& r) { return needs(r, {nf::kMrgRxbuf}) && receiveBuffer(r, 4); }});
  add({.id = "virtio.driver.core.net.rx.buffer_below_mtu_packet",
       // drivernormative: receive buffers hold an MTU-sized packet
       .clause = "drivernormative:Device Types / Network Device / Device configuration layout#8",
       .description = "MTU negotiated, no mergeable buffers; a 100-byte receive buffer",
       .driverOptions =
           [](drv::NetDriverOptions& o) {
             o.features &= ~bit(nf::kMrgRxbuf);
             o.rxBuffers = 16;
           },
       .body = [](NetRig& r) { return needs(r, {nf::kMtu}) && receiveBuffer(r, 100); }});
}

// ---- control queue ------------------------------------------------------------------------------------------------

void controlMutants(std::vector<TestInfo>& out) {
  auto add = [&](NetMutant m) { out.push_back(makeNetMutant(std::move(m))); };
  add({.id = "virtio.driver.core.net.ctrl.command_without_ack",
       // drivernormative: a command ends with its device-writable ack
       .clause = "drivernormative:Basic Facilities of a Virtio Device / Message Framing#1",
       .description = "a control command (class, command, data) with no device-writable ack byte",
       .body = [](NetRig& r) {
         if (!needs(r, {nf::kCtrlVq})) return false;
         const uint64_t at = r.hal.dmaAllocator().alloc(64, 64);
         const uint8_t cmd[3] = {mc::kClassRx, mc::kRxPromisc, 1};
         r.hal.dmaMemory().write(at, cmd, 3);
         const drv::Buf b[2] = {{at, 2, false}, {at + 2, 1, false}};
         const uint16_t q = static_cast<uint16_t>(r.net->controlQueue());
         if (r.net->device().queue(q).add(b, 2, uint64_t{1} << 40) < 0) return r.ctx.harnessError("no room"), false;
         r.net->device().kick(q);
         return true;
       }});
  add({.id = "virtio.driver.core.net.ctrl.rx_class_without_ctrl_rx",
       // drivernormative: PROMISC / ALLMULTI only with CTRL_RX
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#1",
       .description = "CTRL_RX not negotiated; VIRTIO_NET_CTRL_RX_PROMISC sent",
       .driverOptions = [](drv::NetDriverOptions& o) { o.features &= ~(bit(nf::kCtrlRx) | bit(nf::kCtrlRxExtra)); },
       .body = [](NetRig& r) { return needs(r, {nf::kCtrlVq}) && command(r, mc::kClassRx, mc::kRxPromisc, {{1}}); }});
  add({.id = "virtio.driver.core.net.ctrl.rx_extra_without_feature",
       // drivernormative: ALLUNI / NOMULTI / NOUNI / NOBCAST only with CTRL_RX_EXTRA
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#2",
       .description = "CTRL_RX_EXTRA not negotiated; VIRTIO_NET_CTRL_RX_ALLUNI sent",
       .driverOptions = [](drv::NetDriverOptions& o) { o.features &= ~bit(nf::kCtrlRxExtra); },
       .body = [](NetRig& r) { return needs(r, {nf::kCtrlRx}) && command(r, mc::kClassRx, mc::kRxAllUni, {{1}}); }});
  add({.id = "virtio.driver.core.net.ctrl.mac_class_without_ctrl_rx",
       // drivernormative: the MAC class only with CTRL_RX
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#1",
       .description = "CTRL_RX not negotiated; VIRTIO_NET_CTRL_MAC_TABLE_SET (two empty tables) sent",
       .driverOptions = [](drv::NetDriverOptions& o) { o.features &= ~(bit(nf::kCtrlRx) | bit(nf::kCtrlRxExtra)); },
       .body = [](NetRig& r) {
         return needs(r, {nf::kCtrlVq}) && command(r, mc::kClassMac, mc::kMacTableSet, {le(0, 4), le(0, 4)});
       }});
  add({.id = "virtio.driver.core.net.ctrl.mac_table_count_mismatch",
       // drivernormative: MAC_TABLE_SET: each count followed by that many addresses
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#3",
       .description = "MAC_TABLE_SET announcing 2 unicast entries and carrying 1",
       .body = [](NetRig& r) {
         if (!needs(r, {nf::kCtrlRx})) return false;
         std::vector<uint8_t> uni = le(2, 4);
         uni.insert(uni.end(), kOtherMac.begin(), kOtherMac.end());
         return command(r, mc::kClassMac, mc::kMacTableSet, {uni, le(0, 4)});
       }});
  add({.id = "virtio.driver.core.net.mq.pairs_above_max",
       // drivernormative: virtqueue_pairs within 1..max_virtqueue_pairs
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#2",
       .description = "max_virtqueue_pairs 2; VQ_PAIRS_SET 3",
       .deviceOptions = {{"mq_pairs", "2"}},
       .body = [](NetRig& r) { return needs(r, {nf::kMq}) && command(r, mc::kClassMq, mc::kMqVqPairsSet, {le(3, 2)}); }});
  add({.id = "virtio.driver.core.net.mq.pairs_set_before_queues_configured",
       // drivernormative: queues set up before VQ_PAIRS_SET enables them
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#1",
       .description = "2 pairs: only receiveq1, transmitq1 and the control queue set up; VQ_PAIRS_SET 2",
       .transports = kModern,
       .deviceOptions = {{"mq_pairs", "2"}},
       .rawBody = [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink) {
         auto t = rawTransport(ctx, hal, sink);
         if (!t || !t->reset(100'000'000)) return ctx.harnessError("no transport or no reset"), false;
         namespace st = vsim::status;
         t->setStatus(st::kAcknowledge);
         t->setStatus(st::kAcknowledge | st::kDriver);
         const uint64_t f = feat::bit(feat::kVersion1) | bit(nf::kCtrlVq) | bit(nf::kMq);
         if ((t->deviceFeatures() & f) != f) return ctx.notSupported("MQ not offered"), false;
         t->writeDriverFeatures(f);
         t->setStatus(st::kAcknowledge | st::kDriver | st::kFeaturesOk);
         if (!(t->status() & st::kFeaturesOk)) return ctx.harnessError("FEATURES_OK refused"), false;
         t->featuresNegotiated(f);
         std::vector<std::unique_ptr<drv::DriverQueue>> qs;
         for (uint16_t q : {uint16_t{0}, uint16_t{1}, uint16_t{4}}) {
           auto dq = drv::makeDriverQueue(false, sink);
           if (!dq->configure(std::min<uint32_t>(8, t->queueMaxSize(q)), f, hal.dmaMemory(), hal.dmaAllocator(), q) ||
               !t->setupQueue(q, dq->layout()) || !t->enableQueue(q))
             return ctx.harnessError("queue set-up failed"), false;
           qs.push_back(std::move(dq));
         }
         t->setStatus(st::kAcknowledge | st::kDriver | st::kFeaturesOk | st::kDriverOk);
         const uint64_t at = hal.dmaAllocator().alloc(64, 64);
         const uint8_t cmd[4] = {mc::kClassMq, mc::kMqVqPairsSet, 2, 0};
         hal.dmaMemory().write(at, cmd, 4);
         const drv::Buf b[3] = {{at, 2, false}, {at + 2, 2, false}, {at + 8, 1, true}};
         if (qs[2]->add(b, 3, 1) < 0) return ctx.harnessError("no room on the control queue"), false;
         t->notify(4, qs[2]->notifyValue());
         return true;
       }});
  struct Forbidden {
    const char* id;
    const char* clause;
    const char* description;
    uint8_t cls, cmd;
    size_t dataBytes;
  };
  for (const Forbidden c : {
           Forbidden{"rss_config_without_rss", "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#1",
                     "VIRTIO_NET_CTRL_MQ_RSS_CONFIG, VIRTIO_NET_F_RSS not negotiated", mc::kClassMq, mc::kMqRssConfig, 16},
           Forbidden{"notf_coal_tx_set_without_feature", "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#2",
                     "VIRTIO_NET_CTRL_NOTF_COAL_TX_SET, VIRTIO_NET_F_NOTF_COAL not negotiated", mc::kClassNotfCoal, mc::kNotfCoalTxSet, 8},
           Forbidden{"notf_coal_vq_set_without_feature", "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#3",
                     "VIRTIO_NET_CTRL_NOTF_COAL_VQ_SET, VIRTIO_NET_F_VQ_NOTF_COAL not negotiated", mc::kClassNotfCoal, mc::kNotfCoalVqSet, 12},
           Forbidden{"hash_tunnel_set_without_feature", "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Inner Header Hash#1",
                     "VIRTIO_NET_CTRL_HASH_TUNNEL_SET, VIRTIO_NET_F_HASH_TUNNEL not negotiated", mc::kClassHashTunnel, 0, 4},
           Forbidden{"rss_context_without_feature", "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / RSS Context#1",
                     "an RSS context class command, VIRTIO_NET_F_RSS_CONTEXT not negotiated", mc::kClassRssCtx, 0, 4},
       })
    add({.id = std::string("virtio.driver.core.net.ctrl.") + c.id,
         .clause = c.clause,  // the command needs a feature the device never offers
         .description = c.description,
         .body = [c](NetRig& r) {
           return needs(r, {nf::kCtrlVq}) && command(r, c.cls, c.cmd, {std::vector<uint8_t>(c.dataBytes, 0)});
         }});
  add({.id = "virtio.driver.core.net.ctrl.coalescing_of_the_control_queue",
       // drivernormative: vq_index names an enabled transmit or receive queue
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#1",
       .description = "VQ_NOTF_COAL negotiated; VQ_SET naming the control queue (not a transmit or receive queue)",
       .transports = kModern,  // feature bit 52: modern interfaces only
       .deviceOptions = {{"vq_notf_coal", "true"}},
       .body = [](NetRig& r) {
         if (!needs(r, {nf::kVqNotfCoal})) return false;
         std::vector<uint8_t> d = le(static_cast<uint64_t>(r.net->controlQueue()), 4);
         d.resize(12, 1);
         return command(r, mc::kClassNotfCoal, mc::kNotfCoalVqSet, {d});
       }});
  add({.id = "virtio.driver.core.net.ctrl.offload_not_negotiated",
       // drivernormative: only negotiated offloads are enabled
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Offloads State Configuration / Setting Offloads State#1",
       .description = "GUEST_OFFLOADS_SET enabling GUEST_TSO4, which was not negotiated",
       .body = [](NetRig& r) {
         if (!needs(r, {nf::kCtrlGuestOffloads})) return false;
         if (r.net->has(nf::kGuestTso4)) return r.ctx.notSupported("GUEST_TSO4 is negotiated"), false;
         return command(r, mc::kClassGuestOffloads, mc::kGuestOffloadsSet, {le(bit(nf::kGuestTso4), 8)});
       }});
}

// ---- configuration and features -----------------------------------------------------------------------------------

void configurationMutants(std::vector<TestInfo>& out) {
  auto add = [&](NetMutant m) { out.push_back(makeNetMutant(std::move(m))); };
  add({.id = "virtio.driver.core.net.config.write",
       // drivernormative: the driver writes no configuration field
       .clause = "drivernormative:Device Types / Network Device / Device configuration layout#1",
       .description = "the live driver writes one byte of status in the device configuration",
       .body = [](NetRig& r) {
         const uint8_t v = 0;
         r.net->device().writeConfig(drv::net::cfg::kStatus, &v, 1);
         return true;
       }});
  add({.id = "virtio.driver.core.net.features.ctrl_rx_without_ctrl_vq",
       // drivernormative: no feature accepted without the features it requires
       .clause = "drivernormative:Basic Facilities of a Virtio Device / Feature Bits#2",
       .description = "VIRTIO_NET_F_CTRL_RX accepted without VIRTIO_NET_F_CTRL_VQ, which it requires (modern: at "
                      "FEATURES_OK; legacy: seen at DRIVER_OK)",
       .rawBody = [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink) {
         const uint64_t bad = bit(nf::kCtrlRx);
         if (isLegacy(ctx.config())) {
           drv::NetDriverOptions o;
           o.features = bad | bit(nf::kMac);
           auto net = openNet(ctx, hal, sink, o);
           if (net && !net->has(nf::kCtrlRx)) return ctx.notSupported("CTRL_RX not offered"), false;
           return net != nullptr;
         }
         auto t = rawTransport(ctx, hal, sink);
         if (!t || !t->reset(100'000'000)) return ctx.harnessError("no transport or no reset"), false;
         namespace st = vsim::status;
         t->setStatus(st::kAcknowledge);
         t->setStatus(st::kAcknowledge | st::kDriver);
         if (!(t->deviceFeatures() & bad)) return ctx.notSupported("CTRL_RX not offered"), false;
         t->writeDriverFeatures(feat::bit(feat::kVersion1) | bad);
         t->setStatus(st::kAcknowledge | st::kDriver | st::kFeaturesOk);
         return true;
       }});
}

}  // namespace

void registerNetMutants(std::vector<TestInfo>& out) {
  transmitMutants(out);
  receiveMutants(out);
  controlMutants(out);
  configurationMutants(out);
}

}  // namespace vsim::conformance

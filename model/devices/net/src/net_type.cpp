// The "net" device type: option table, option parsing, and the factory that attaches the shared backends (the L2
// switch and the pcap writer, shared by name through the board).
#include "vsim/model/net_type.h"

#include <stdexcept>

#include "vsim/model/l2_switch.h"
#include "vsim/model/net_device.h"
#include "vsim/model/net_frame.h"
#include "vsim/model/pcap_writer.h"

namespace vsim::model {

namespace {
[[noreturn]] void bad(const std::string& name, const std::string& key, const std::string& why) {
  throw std::invalid_argument("device '" + name + "': option '" + key + "': " + why);
}
}  // namespace

NetParams netParamsFrom(const DeviceOptions& options, const std::string& name) {
  NetParams p;
  OptionReader r{options, "device '" + name + "'", {}};
  const std::string mac = r.str("mac", "");
  if (mac.empty()) {
    p.mac = net::defaultMacFor(name);
  } else if (!net::parseMac(mac, &p.mac)) {
    bad(name, "mac", "'" + mac + "' is not a MAC address (aa:bb:cc:dd:ee:ff)");
  } else if (net::isMulticast(p.mac)) {
    bad(name, "mac", "'" + mac + "' is a multicast address");
  }
  p.switchName = r.str("switch", "");
  p.pcapPath = r.str("pcap", "");
  p.macFeature = r.flag("mac_feature", p.macFeature);
  p.statusFeature = r.flag("status", p.statusFeature);
  p.linkUp = r.flag("link_up", p.linkUp);
  p.mtuFeature = r.flag("mtu_feature", p.mtuFeature);
  p.mtu = static_cast<uint16_t>(r.u64("mtu", p.mtu, 68, 65535));
  p.speedDuplexFeature = r.flag("speed_duplex", p.speedDuplexFeature);
  p.speed = static_cast<uint32_t>(r.u64("speed", p.speed, 0, 0xffffffffu));
  if (p.speed > 0x7fffffffu && p.speed != net::cfg::kSpeedUnknown)
    bad(name, "speed", std::to_string(p.speed) + " is neither 0..2147483647 nor 4294967295 (unknown)");
  const std::string duplex = r.str("duplex", "full");
  if (duplex == "full") p.duplex = net::cfg::kDuplexFull;
  else if (duplex == "half") p.duplex = net::cfg::kDuplexHalf;
  else if (duplex == "unknown") p.duplex = net::cfg::kDuplexUnknown;
  else bad(name, "duplex", "'" + duplex + "' is not full, half or unknown");
  p.mrgRxbuf = r.flag("mrg_rxbuf", p.mrgRxbuf);
  p.csum = r.flag("csum", p.csum);
  p.gso = r.flag("gso", p.gso);
  p.guestHdrlen = r.flag("guest_hdrlen", p.guestHdrlen);
  p.rscExt = r.flag("rsc_ext", p.rscExt);
  p.ctrlVq = r.flag("ctrl_vq", p.ctrlVq);
  p.ctrlRx = r.flag("ctrl_rx", p.ctrlRx);
  p.ctrlVlan = r.flag("ctrl_vlan", p.ctrlVlan);
  p.ctrlMacAddr = r.flag("ctrl_mac_addr", p.ctrlMacAddr);
  p.guestAnnounce = r.flag("guest_announce", p.guestAnnounce);
  p.ctrlGuestOffloads = r.flag("ctrl_guest_offloads", p.ctrlGuestOffloads);
  p.notfCoal = r.flag("notf_coal", p.notfCoal);
  p.vqNotfCoal = r.flag("vq_notf_coal", p.vqNotfCoal);
  p.rss = r.flag("rss", p.rss);
  // devicenormative:Device Types / Network Device / Device configuration layout#7: rss_max_key_size at least 40 (option floor)
  p.rssMaxKeySize = static_cast<uint8_t>(r.u64("rss_max_key_size", p.rssMaxKeySize, net::rss::kMinKeySize, 255));
  // devicenormative:Device Types / Network Device / Device configuration layout#8: rss_max_indirection_table_length at least 128 (option floor)
  p.rssMaxIndirectionTable = static_cast<uint16_t>(
      r.u64("rss_max_indirection_table_length", p.rssMaxIndirectionTable, net::rss::kMinIndirectionTable, 32768));
  p.rssHashTypes = static_cast<uint32_t>(r.u64("rss_hash_types", p.rssHashTypes, 1, net::rss::kAllTypes));
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / RSS Context#1: max_rss_contexts at least 1 whenever RSS_CONTEXT is offered (0 = not offered)
  p.rssContexts = static_cast<uint16_t>(r.u64("rss_contexts", p.rssContexts, 0, 0xffff));
  p.udpTunnelGso = r.flag("udp_tunnel_gso", p.udpTunnelGso);
  p.rxTunnelFault = static_cast<uint8_t>(r.u64("rx_tunnel_fault", p.rxTunnelFault, 0, 2));
  p.hashTunnel = r.flag("hash_tunnel", p.hashTunnel);
  p.tunnelTypes = static_cast<uint32_t>(r.u64("hash_tunnel_types", p.tunnelTypes, 1, net::rss::kTunnelsModelled));
  if (p.tunnelTypes & ~net::rss::kTunnelsModelled)
    bad(name, "hash_tunnel_types", "only VXLAN (16) and IPIP (128) are modelled");
  p.deviceStats = r.flag("device_stats", p.deviceStats);
  p.flowFilter = r.flag("flow_filter", p.flowFilter);
  p.ffRules = static_cast<uint32_t>(r.u64("flow_filter_rules", p.ffRules, 1, 4096));
  p.ipsec = r.flag("ipsec", p.ipsec);
  p.ipsecSas = static_cast<uint32_t>(r.u64("ipsec_sas", p.ipsecSas, 1, 4096));
  p.mqPairs = static_cast<uint16_t>(r.u64("mq_pairs", p.mqPairs, 1, NetParams::kMaxPairs));
  p.queueSize = static_cast<uint16_t>(r.u64("queue_size", p.queueSize, 1, 32768));
  p.rxBacklog = static_cast<uint32_t>(r.u64("rx_backlog", p.rxBacklog, 0, 1u << 20));
  p.captureFrames = static_cast<uint32_t>(r.u64("capture_frames", p.captureFrames, 0, 1u << 20));
  r.finish();
  // devicenormative:Basic Facilities of a Virtio Device / Feature Bits#1: nothing offered without what it requires
  if (p.rscExt && !p.gso) bad(name, "rsc_ext", "needs gso=true (VIRTIO_NET_F_RSC_EXT requires HOST_TSO4 / HOST_TSO6)");
  if (p.gso && !p.csum) bad(name, "gso", "needs csum=true (segmentation offloads require checksum offload)");
  if (p.mqPairs > 1 && !p.ctrlVq) bad(name, "mq_pairs", "more than one pair needs ctrl_vq=true (VIRTIO_NET_F_MQ requires it)");
  if ((p.notfCoal || p.vqNotfCoal) && !p.ctrlVq)
    bad(name, p.notfCoal ? "notf_coal" : "vq_notf_coal", "needs ctrl_vq=true (the coalescing commands use the control queue)");
  if (p.udpTunnelGso && !p.gso) bad(name, "udp_tunnel_gso", "needs gso=true (tunnel segmentation requires TSO4/TSO6/USO)");
  if (p.hashTunnel && !p.rss) bad(name, "hash_tunnel", "needs rss=true (the inner header hash is an RSS hash)");
  if (p.rssContexts && !p.rss) bad(name, "rss_contexts", "needs rss=true (an RSS context is an RSS configuration)");
  if ((p.rss || p.deviceStats) && !p.ctrlVq)
    bad(name, p.rss ? "rss" : "device_stats", "needs ctrl_vq=true (its commands use the control queue)");
  return p;
}

DeviceTypeInfo netDeviceType() {
  DeviceTypeInfo i;
  i.type = "net";
  i.description =
      "network device (virtio id 1): receive/transmit queue pairs and a control queue; L2 switch, pcap and host "
      "frame backends";
  i.options = {
      {"mac", "", "aa:bb:cc:dd:ee:ff", "config mac; empty = 02:56:53:xx:xx:xx derived from the instance name"},
      {"switch", "", "name", "L2 switch to attach to (devices naming the same switch share it); empty = none"},
      {"pcap", "", "path", "pcap file recording every frame sent and received (simulated time stamps); empty = none"},
      {"mac_feature", "true", "bool", "offer VIRTIO_NET_F_MAC"},
      {"status", "true", "bool", "offer VIRTIO_NET_F_STATUS (link state and announce requests)"},
      {"link_up", "true", "bool", "link state at start (the host API can change it)"},
      {"mtu_feature", "true", "bool", "offer VIRTIO_NET_F_MTU"},
      {"mtu", "1500", "bytes", "mtu in the configuration space (68..65535)"},
      {"speed_duplex", "true", "bool", "offer VIRTIO_NET_F_SPEED_DUPLEX"},
      {"speed", "10000", "Mbit/s", "speed in the configuration space (0..2147483647, 4294967295 = unknown)"},
      {"duplex", "full", "full|half|unknown", "duplex in the configuration space (0x00 / 0x01 / 0xff)"},
      {"mrg_rxbuf", "true", "bool", "offer VIRTIO_NET_F_MRG_RXBUF (frames spread over several receive buffers)"},
      {"csum", "true", "bool", "offer VIRTIO_NET_F_CSUM and VIRTIO_NET_F_GUEST_CSUM (partial checksums carried)"},
      {"gso", "false", "bool", "offer the HOST_ and GUEST_ TSO4/TSO6/ECN/UFO/USO features (metadata carried; needs csum)"},
      {"rsc_ext", "false", "bool", "offer VIRTIO_NET_F_RSC_EXT (received TCP GSO packets carry RSC_INFO with the coalesced segment count; needs gso)"},
      {"guest_hdrlen", "false", "bool", "offer VIRTIO_NET_F_GUEST_HDRLEN (the device checks a segmentation request's hdr_len is exact)"},
      {"ctrl_vq", "true", "bool", "offer VIRTIO_NET_F_CTRL_VQ; the control features below are offered only with it"},
      {"ctrl_rx", "true", "bool", "offer VIRTIO_NET_F_CTRL_RX and VIRTIO_NET_F_CTRL_RX_EXTRA (receive modes, MAC table)"},
      {"ctrl_vlan", "true", "bool", "offer VIRTIO_NET_F_CTRL_VLAN (VLAN filter table)"},
      {"ctrl_mac_addr", "true", "bool", "offer VIRTIO_NET_F_CTRL_MAC_ADDR (MAC_ADDR_SET)"},
      {"guest_announce", "true", "bool", "offer VIRTIO_NET_F_GUEST_ANNOUNCE (announce requests and their ack)"},
      {"ctrl_guest_offloads", "true", "bool", "offer VIRTIO_NET_F_CTRL_GUEST_OFFLOADS"},
      {"notf_coal", "false", "bool", "offer VIRTIO_NET_F_NOTF_COAL (TX_SET / RX_SET coalescing parameters; needs ctrl_vq)"},
      {"vq_notf_coal", "false", "bool", "offer VIRTIO_NET_F_VQ_NOTF_COAL (per-queue VQ_SET / VQ_GET; needs ctrl_vq)"},
      {"rss", "false", "bool", "offer VIRTIO_NET_F_RSS (MQ_RSS_CONFIG: Toeplitz hash over an indirection table; needs ctrl_vq)"},
      {"rss_max_key_size", "40", "bytes", "rss_max_key_size in the configuration space (40..255)"},
      {"rss_max_indirection_table_length", "128", "entries", "rss_max_indirection_table_length (128..32768)"},
      {"rss_hash_types", "63", "bitmask", "supported_hash_types (VIRTIO_NET_HASH_TYPE_* bits, 1..511; default IPv4/TCPv4/UDPv4/IPv6/TCPv6/UDPv6)"},
      {"rss_contexts", "0", "contexts", "max_rss_contexts: offer VIRTIO_NET_F_RSS_CONTEXT (bit 64) with this many contexts besides the default one (0 = not offered; needs rss)"},
      {"rx_tunnel_fault", "0", "enum", "device fault for driver tests: tunnel GSO packets reach the driver with both tunnel bits (1) or without NEEDS_CSUM (2); 0 = none"},
      {"udp_tunnel_gso", "false", "bool", "offer HOST_/GUEST_UDP_TUNNEL_GSO and their _CSUM features (bits 65..68; 24-byte header; needs gso)"},
      {"hash_tunnel", "false", "bool", "offer VIRTIO_NET_F_HASH_TUNNEL (HASH_TUNNEL_SET: RSS hashes the inner headers of enabled encapsulations; needs rss)"},
      {"hash_tunnel_types", "144", "bitmask", "supported_tunnel_types: VXLAN (16), IPIP (128) or both"},
      {"device_stats", "false", "bool", "offer VIRTIO_NET_F_DEVICE_STATS (STATS_QUERY / STATS_GET: control, receive and transmit basic; needs ctrl_vq)"},
      {"flow_filter", "false", "bool", "flow filter capabilities and group / classifier / rule objects (self-group administration commands, NetDevice::adminCommand)"},
      {"flow_filter_rules", "64", "rules", "flow filter rules_limit and rules_per_group_limit (1..4096; 8 groups, 16 classifiers)"},
      {"ipsec", "false", "bool", "offer VIRTIO_NET_F_IPSEC (70): IPsec capabilities and outbound / inbound SA objects (administration commands, NetDevice::adminCommand; no datapath)"},
      {"ipsec_sas", "16", "SAs", "IPsec inb_sa_limit and outb_sa_limit (1..4096)"},
      {"mq_pairs", "1", "queue pairs", "max_virtqueue_pairs (1..1024); above 1 offers VIRTIO_NET_F_MQ"},
      {"queue_size", "256", "descriptors", "largest queue size offered (1..32768)"},
      {"rx_backlog", "64", "frames", "frames kept while the driver has no receive buffer posted (then dropped)"},
      {"capture_frames", "1024", "frames", "frames the guest sent kept for the host API (oldest dropped; 0 = none)"},
  };
  i.make = [](const DeviceOptions& o, const std::string& name, BoardContext& ctx) -> std::unique_ptr<DeviceLogic> {
    const NetParams p = netParamsFrom(o, name);
    NetDevice::Backends b;
    b.portName = name;
    if (!p.switchName.empty())
      b.sw = std::static_pointer_cast<L2Switch>(ctx.shared("net.switch:" + p.switchName, [&p] {
        return std::static_pointer_cast<void>(std::make_shared<L2Switch>(p.switchName));
      }));
    if (!p.pcapPath.empty())
      b.pcap = std::static_pointer_cast<PcapWriter>(ctx.shared("net.pcap:" + p.pcapPath, [&p, &name] {
        auto w = std::make_shared<PcapWriter>();
        if (!w->open(p.pcapPath)) bad(name, "pcap", w->error());
        return std::static_pointer_cast<void>(w);
      }));
    BoardContext* c = &ctx;  // the board outlives its devices
    b.nowPs = [c] { return c->nowPs(); };
    return std::make_unique<NetDevice>(p, std::move(b));
  };
  return i;
}

}  // namespace vsim::model

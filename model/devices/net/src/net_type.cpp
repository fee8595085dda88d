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
  p.ctrlVq = r.flag("ctrl_vq", p.ctrlVq);
  p.ctrlRx = r.flag("ctrl_rx", p.ctrlRx);
  p.ctrlVlan = r.flag("ctrl_vlan", p.ctrlVlan);
  p.ctrlMacAddr = r.flag("ctrl_mac_addr", p.ctrlMacAddr);
  p.guestAnnounce = r.flag("guest_announce", p.guestAnnounce);
  p.ctrlGuestOffloads = r.flag("ctrl_guest_offloads", p.ctrlGuestOffloads);
  p.notfCoal = r.flag("notf_coal", p.notfCoal);
  p.vqNotfCoal = r.flag("vq_notf_coal", p.vqNotfCoal);
  p.mqPairs = static_cast<uint16_t>(r.u64("mq_pairs", p.mqPairs, 1, NetParams::kMaxPairs));
  p.queueSize = static_cast<uint16_t>(r.u64("queue_size", p.queueSize, 1, 32768));
  p.rxBacklog = static_cast<uint32_t>(r.u64("rx_backlog", p.rxBacklog, 0, 1u << 20));
  p.captureFrames = static_cast<uint32_t>(r.u64("capture_frames", p.captureFrames, 0, 1u << 20));
  r.finish();
  // devicenormative:Basic Facilities of a Virtio Device / Feature Bits#1: nothing offered without what it requires
  if (p.gso && !p.csum) bad(name, "gso", "needs csum=true (segmentation offloads require checksum offload)");
  if (p.mqPairs > 1 && !p.ctrlVq) bad(name, "mq_pairs", "more than one pair needs ctrl_vq=true (VIRTIO_NET_F_MQ requires it)");
  if ((p.notfCoal || p.vqNotfCoal) && !p.ctrlVq)
    bad(name, p.notfCoal ? "notf_coal" : "vq_notf_coal", "needs ctrl_vq=true (the coalescing commands use the control queue)");
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
      {"ctrl_vq", "true", "bool", "offer VIRTIO_NET_F_CTRL_VQ; the control features below are offered only with it"},
      {"ctrl_rx", "true", "bool", "offer VIRTIO_NET_F_CTRL_RX and VIRTIO_NET_F_CTRL_RX_EXTRA (receive modes, MAC table)"},
      {"ctrl_vlan", "true", "bool", "offer VIRTIO_NET_F_CTRL_VLAN (VLAN filter table)"},
      {"ctrl_mac_addr", "true", "bool", "offer VIRTIO_NET_F_CTRL_MAC_ADDR (MAC_ADDR_SET)"},
      {"guest_announce", "true", "bool", "offer VIRTIO_NET_F_GUEST_ANNOUNCE (announce requests and their ack)"},
      {"ctrl_guest_offloads", "true", "bool", "offer VIRTIO_NET_F_CTRL_GUEST_OFFLOADS"},
      {"notf_coal", "false", "bool", "offer VIRTIO_NET_F_NOTF_COAL (TX_SET / RX_SET coalescing parameters; needs ctrl_vq)"},
      {"vq_notf_coal", "false", "bool", "offer VIRTIO_NET_F_VQ_NOTF_COAL (per-queue VQ_SET / VQ_GET; needs ctrl_vq)"},
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

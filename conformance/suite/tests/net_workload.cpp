// The built-in driver's network workload (virtio.driver/device.core.workload.*): our NetDriver brings the device up
// and does real I/O through it — frames from the link of every size (several mergeable buffers each), checksum
// offload both ways, frames the device must hold back (oversized, offloads not negotiated), frames sent to the
// link, every control command the features allow with its effect on the traffic, announce, link changes and,
// when offered, several queue pairs. Each step is small enough to finish between two resets of a personality that
// asks for one, and runs again on the re-initialised device when it was interrupted.
#include "net_support.h"
#include "workload_steps.h"

namespace vsim::conformance {

using namespace netsuite;
namespace nf = drv::net::f;
namespace mh = model::net::hdr;

namespace {

using Frame = std::vector<uint8_t>;

model::net::NetHdr partialChecksumHdr() {
  model::net::NetHdr h;
  h.flags = mh::kFNeedsCsum;
  h.csumStart = kTcpCsumStart;
  h.csumOffset = kTcpCsumOffset;
  return h;
}

/// The host puts `f` on the link; the driver must receive exactly it.
std::string receivedIntact(NetRig& r, const Frame& f, const model::net::NetHdr& hdr = {}) {
  r.drain();
  if (!r.host.inject(f, hdr)) return "the device dropped a frame addressed to the driver";
  Frame got;
  if (!r.receive(&got)) return "a frame from the link never reached the driver";
  if (got != f) return "the driver received other bytes than the link carried";
  return "";
}

/// The host puts `f` on the link; the device must not pass it to the driver.
std::string heldBack(NetRig& r, const Frame& f, const model::net::NetHdr& hdr = {}) {
  r.drain();
  r.host.inject(f, hdr);
  return r.receivesNothing() ? "" : "the driver received a frame the device had to drop";
}

/// The driver sends `f`; the link must carry exactly it.
std::string sentIntact(NetRig& r, const Frame& f, const drv::net::NetHdr& hdr = {}, uint16_t pair = 0) {
  r.drain();
  if (!r.net->send(f.data(), f.size(), hdr, pair)) return "the driver refused to send a valid frame";
  model::NetFrame out;
  if (!r.takeSent(&out)) return "a frame the driver sent never reached the link";
  if (out.data != f) return "the link carried other bytes than the driver sent";
  if (hdr.flags && (out.hdr.flags != hdr.flags || out.hdr.csumStart != hdr.csumStart ||
                    out.hdr.csumOffset != hdr.csumOffset))
    return "the checksum offload request did not travel with the frame";
  return "";
}

std::string ctrlOk(drv::CtrlStatus s, const char* what) {
  return s == drv::CtrlStatus::Ok ? "" : std::string(what) + " answered " + drv::ctrlStatusName(s);
}

void receiveSteps(NetRig& r, WorkloadSteps& steps) {
  drv::NetDriver& n = *r.net;
  const uint32_t mtu = n.has(nf::kMtu) ? n.config().mtu : 1500;
  for (size_t payload : {size_t{46}, size_t{590}, size_t{mtu}})
    steps.run("receive a " + std::to_string(14 + payload) + "-byte frame",
              [&, payload] { return receivedIntact(r, etherFrame(n.mac(), kHostMac, payload, 1), {}); });
  steps.run("receive a broadcast frame", [&] { return receivedIntact(r, etherFrame(kBroadcast, kHostMac, 200, 2)); });
  steps.run("receive a partially checksummed TCP frame", [&] {
    r.drain();
    const Frame f = tcpFrame(n.mac(), kHostMac, 700, 3, L4Csum::Partial);
    if (!r.host.inject(f, partialChecksumHdr())) return std::string("the device dropped the frame");
    Frame got;
    drv::net::NetHdr h;
    if (!r.receive(&got, &h)) return std::string("the frame never reached the driver");
    if (n.has(nf::kGuestCsum)) {
      if (got != f || h.flags != mh::kFNeedsCsum || h.csumStart != kTcpCsumStart || h.csumOffset != kTcpCsumOffset)
        return std::string("with GUEST_CSUM the partial checksum did not arrive as sent");
    } else if (h.flags != 0 || !tcpChecksumOk(got)) {
      return std::string("without GUEST_CSUM the device did not complete the checksum");
    }
    return std::string();
  });
  if (n.has(nf::kMtu))
    steps.run("a frame above the MTU is held back",
              [&] { return heldBack(r, etherFrame(n.mac(), kHostMac, mtu + 1, 4)); });
  // segmentation offload metadata for a driver that negotiated none of the receive offloads
  struct Gso {
    uint8_t type;
    unsigned feature;
    const char* name;
  };
  for (const Gso g : {Gso{mh::kGsoTcpv4, nf::kGuestTso4, "TCPV4"}, Gso{mh::kGsoUdp, nf::kGuestUfo, "UDP"},
                      Gso{mh::kGsoTcpv6, nf::kGuestTso6, "TCPV6"}, Gso{mh::kGsoUdpL4, nf::kGuestUso4, "UDP_L4"}}) {
    if (n.has(g.feature)) continue;
    steps.run(std::string("a GSO_") + g.name + " frame is not passed without its receive offload", [&, g] {
      model::net::NetHdr h = partialChecksumHdr();
      h.gsoType = g.type;
      h.gsoSize = 1448;
      return heldBack(r, tcpFrame(n.mac(), kHostMac, 3000, 5, L4Csum::Partial), h);
    });
  }
}

void transmitSteps(NetRig& r, WorkloadSteps& steps) {
  drv::NetDriver& n = *r.net;
  const uint32_t mtu = n.has(nf::kMtu) ? n.config().mtu : 1500;
  for (size_t payload : {size_t{46}, size_t{1000}, size_t{mtu}})
    steps.run("send a " + std::to_string(14 + payload) + "-byte frame",
              [&, payload] { return sentIntact(r, etherFrame(kHostMac, n.mac(), payload, 6)); });
  if (n.has(nf::kCsum))
    steps.run("send a TCP frame asking for checksum offload", [&] {
      return sentIntact(r, tcpFrame(kHostMac, n.mac(), 900, 7, L4Csum::Partial), toDriverHdr(partialChecksumHdr()));
    });
}

void controlSteps(NetRig& r, WorkloadSteps& steps) {
  drv::NetDriver& n = *r.net;
  // A legacy control queue too small for the legacy framing of a command (a personality may shrink it): the
  // driver cannot send that command, and the step is left out.
  const bool oneDataPart = n.commandFits(1), twoDataParts = n.commandFits(2), noData = n.commandFits(0);
  if (n.has(nf::kCtrlRx) && n.has(nf::kMac) && oneDataPart)
    steps.run("promiscuous mode", [&] {
      const Frame f = etherFrame(kOtherMac, kHostMac, 100, 8);
      if (r.host.inject(f)) return std::string("a frame for another address passed the filter");
      if (auto e = ctrlOk(n.setPromisc(true), "PROMISC on"); !e.empty()) return e;
      if (auto e = receivedIntact(r, f); !e.empty()) return "promiscuous: " + e;
      return ctrlOk(n.setPromisc(false), "PROMISC off");
    });
  if (n.has(nf::kCtrlRx) && oneDataPart)
    steps.run("all-multicast off, then on", [&] {
      const Frame f = etherFrame(kMulticast, kHostMac, 100, 9);
      if (auto e = ctrlOk(n.setAllMulti(false), "ALLMULTI off"); !e.empty()) return e;
      if (auto e = heldBack(r, f); !e.empty()) return "all-multicast off: " + e;
      if (auto e = ctrlOk(n.setAllMulti(true), "ALLMULTI on"); !e.empty()) return e;
      return receivedIntact(r, f);
    });
  if (n.has(nf::kCtrlRx) && n.has(nf::kMac) && twoDataParts)
    steps.run("MAC filter table", [&] {
      const Frame f = etherFrame(kOtherMac, kHostMac, 100, 10);
      if (auto e = ctrlOk(n.setMacTable({kOtherMac}, {}), "MAC_TABLE_SET"); !e.empty()) return e;
      if (auto e = receivedIntact(r, f); !e.empty()) return "address in the table: " + e;
      if (auto e = ctrlOk(n.setMacTable({}, {}), "MAC_TABLE_SET (empty)"); !e.empty()) return e;
      return heldBack(r, f);
    });
  if (n.has(nf::kCtrlRxExtra) && oneDataPart)
    steps.run("broadcast suppressed, then allowed", [&] {
      const Frame f = etherFrame(kBroadcast, kHostMac, 100, 11);
      if (auto e = ctrlOk(n.setRxMode(drv::net::ctrl::kRxNoBcast, true), "NOBCAST on"); !e.empty()) return e;
      if (auto e = heldBack(r, f); !e.empty()) return "no broadcast: " + e;
      if (auto e = ctrlOk(n.setRxMode(drv::net::ctrl::kRxNoBcast, false), "NOBCAST off"); !e.empty()) return e;
      return receivedIntact(r, f);
    });
  if (n.has(nf::kCtrlRx) && n.has(nf::kCtrlMacAddr) && oneDataPart)
    steps.run("MAC address change", [&] {
      const Mac original = n.mac();
      const Mac fresh{0x02, 0x56, 0x53, 0x12, 0x34, 0x56};
      if (auto e = ctrlOk(n.setMacAddress(fresh), "MAC_ADDR_SET"); !e.empty()) return e;
      if (n.has(nf::kMac) && r.host.mac() != fresh) return std::string("config mac did not follow MAC_ADDR_SET");
      if (auto e = receivedIntact(r, etherFrame(fresh, kHostMac, 100, 12)); !e.empty()) return "new address: " + e;
      return ctrlOk(n.setMacAddress(original), "MAC_ADDR_SET (back)");
    });
  if (n.has(nf::kCtrlVlan) && oneDataPart)
    steps.run("VLAN filter", [&] {
      const Frame f = vlanTagged(etherFrame(n.mac(), kHostMac, 100, 13), 5);
      if (auto e = heldBack(r, f); !e.empty()) return "VLAN 5 not in the table: " + e;
      if (auto e = ctrlOk(n.vlanAdd(5), "VLAN_ADD"); !e.empty()) return e;
      if (auto e = receivedIntact(r, f); !e.empty()) return "VLAN 5 in the table: " + e;
      return ctrlOk(n.vlanDel(5), "VLAN_DEL");
    });
  if (n.has(nf::kCtrlGuestOffloads) && n.has(nf::kGuestCsum) && oneDataPart)
    steps.run("receive checksum offload off, then on", [&] {
      if (auto e = ctrlOk(n.setGuestOffloads(0), "GUEST_OFFLOADS_SET 0"); !e.empty()) return e;
      r.drain();
      const Frame f = tcpFrame(n.mac(), kHostMac, 300, 14, L4Csum::Partial);
      if (!r.host.inject(f, partialChecksumHdr())) return std::string("the device dropped the frame");
      Frame got;
      drv::net::NetHdr h;
      if (!r.receive(&got, &h)) return std::string("the frame never reached the driver");
      if (h.flags != 0 || !tcpChecksumOk(got)) return std::string("offload off: checksum not completed");
      return ctrlOk(n.setGuestOffloads(bit(nf::kGuestCsum)), "GUEST_OFFLOADS_SET GUEST_CSUM");
    });
  if (n.has(nf::kGuestAnnounce) && n.has(nf::kStatus) && noData)
    steps.run("announce", [&] {
      r.drain();
      if (!r.host.announce()) return std::string("the host could not ask for an announcement");
      n.poll();  // the driver sees the configuration change, announces itself and acknowledges
      if (r.host.announcePending()) return std::string("the announce request was not acknowledged");
      model::NetFrame out;
      if (!r.takeSent(&out) || out.data.size() < 14) return std::string("no gratuitous frame reached the link");
      const Mac own = n.mac();
      if (!std::equal(own.begin(), own.end(), out.data.begin() + 6))
        return std::string("the gratuitous frame does not carry the driver's address");
      return std::string();
    });
}

void linkSteps(NetRig& r, WorkloadSteps& steps) {
  drv::NetDriver& n = *r.net;
  if (!n.has(nf::kStatus)) return;
  steps.run("link down and up", [&] {
    r.host.setLinkUp(false);
    n.poll();
    const bool sawDown = !n.linkUp();
    r.host.setLinkUp(true);
    n.poll();
    if (!sawDown) return std::string("the driver did not see the link go down");
    return n.linkUp() ? std::string() : std::string("the driver did not see the link come back");
  });
}

void multiqueueSteps(NetRig& r, WorkloadSteps& steps) {
  drv::NetDriver& n = *r.net;
  if (!n.has(nf::kMq) || n.queuePairs() < 2 || !n.commandFits(1)) return;
  for (uint16_t pair = 0; pair < n.queuePairs(); ++pair)
    steps.run("queue pair " + std::to_string(pair + 1), [&, pair] {
      if (auto e = ctrlOk(n.setQueuePairs(n.queuePairs()), "VQ_PAIRS_SET"); !e.empty()) return e;
      const Frame out = tcpFrame(kHostMac, n.mac(), 100, 15, L4Csum::Full, pair);
      if (auto e = sentIntact(r, out, {}, pair); !e.empty()) return e;
      return std::string();
    });
}

}  // namespace

void netWorkload(TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d) {
  drv::NetDriverOptions o;
  o.rxBufferSize = 512;  // frames above ~500 bytes spread over several mergeable buffers
  auto net = drv::NetDriver::open(hal, d, drv::DriverOptions{}, o, sink);
  if (!net || !net->ok()) return ctx.check(false, "network device did not come up");
  NetRig r{ctx, hal, sink, hostNet(ctx), std::move(net)};
  WorkloadSteps steps(ctx, r.net->device());
  steps.run("configuration", [&] {
    drv::NetDriver& n = *r.net;
    if (n.has(nf::kMac) && n.mac() != r.host.mac()) return std::string("the driver's address is not config mac");
    if (n.has(nf::kMtu) && n.config().mtu != r.host.params().mtu) return std::string("mtu read wrong");
    return n.linkUp() ? std::string() : std::string("the link reads down");
  });
  receiveSteps(r, steps);
  transmitSteps(r, steps);
  controlSteps(r, steps);
  linkSteps(r, steps);
  multiqueueSteps(r, steps);
}

}  // namespace vsim::conformance

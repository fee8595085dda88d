// Received packets a driver must not accept (Processing of Incoming Packets, driver #8 and #10): the device is made
// to break its own rules on purpose (net option rx_tunnel_fault) and hands the driver a UDP tunnel segmentation
// request with both tunnel bits, or with a tunnel bit and no NEEDS_CSUM. What the driver accepts is seen through
// what it hands out: the oracle reports the clause when the spoiled frame comes out of the driver's receive path.
// Mutants: a driver that takes every used receive buffer as a packet.
#include "net_support.h"
#include "vsim/model/net_tunnel_frame.h"

namespace vsim::conformance {

using namespace netsuite;
namespace nf = drv::net::f;
namespace mn = model::net;

namespace {

using Frame = std::vector<uint8_t>;
const std::vector<TK> kModern = {TK::PciModern, TK::PciTransitional, TK::MmioV2};  // feature bits above 63
constexpr const char* kBothBits =
    "drivernormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#8";
constexpr const char* kTunnelWithoutCsum =
    "drivernormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#10";

model::DeviceOptions faultyDevice(int fault) {
  return {{"gso", "true"}, {"udp_tunnel_gso", "true"}, {"rx_tunnel_fault", std::to_string(fault)}};
}

void guestTunnel(drv::NetDriverOptions& o) {
  o.features |= bit(nf::kGuestTso4) | bit(nf::kGuestTso6) | bit(nf::kGuestUso4) | bit(nf::kGuestUso6);
  o.featuresHigh = nf::bitHigh(nf::kGuestUdpTunnelGso);
}

bool negotiated(NetRig& r) {
  if (r.net->device().hasFeature(nf::kGuestUdpTunnelGso)) return true;
  r.ctx.notSupported("GUEST_UDP_TUNNEL_GSO was not negotiated on this transport");
  return false;
}

/// The oracle: a driver that hands out the spoiled frame accepted it.
void judgeAccepted(TestContext& ctx, const char* clause, uint64_t len) {
  Violation v;
  v.clause = clause;
  v.kind = "net.rx_spoiled_packet_accepted";
  v.message = "the driver accepted a received packet whose header it has to refuse";
  v.culprit = Culprit::Driver;
  v.evidence = {{"len", len}};
  ctx.board().violations().report(std::move(v));
}

/// Inject a VXLAN TCP segmentation request the faulty device will spoil on its way to the driver.
bool injectTunnelRequest(NetRig& r, mn::VxlanFrame* sent) {
  *sent = mn::vxlanTcpFrame(r.net->mac(), kHostMac, false, 3000, mn::OuterCsumFill::PseudoHeader, 4);
  r.drain();
  if (!r.host.inject(sent->data, mn::vxlanTsoHdr(*sent, false, true))) {
    r.ctx.harnessError("the host could not inject the frame");
    return false;
  }
  return true;
}

TestInfo refusal(const std::string& id, const char* clause, int fault, const std::string& desc) {
  return makeNetCase(NetCase{
      .id = id,
      .target = Direction::Driver,
      .clauses = {clause},
      .description = desc,
      .transports = kModern,
      .deviceOptions = faultyDevice(fault),
      .driverOptions = guestTunnel,
      .body =
          [clause](NetRig& r) {
            if (!negotiated(r)) return;
            mn::VxlanFrame sent;
            if (!injectTunnelRequest(r, &sent)) return;
            Frame got;
            if (r.receive(&got)) judgeAccepted(r.ctx, clause, got.size());
            // the driver goes on: a plain frame still arrives
            const Frame plain = etherFrame(r.net->mac(), kHostMac, 60, 9);
            r.ctx.check(r.host.inject(plain) && r.receive(&got) && got == plain,
                        "after refusing the packet the driver no longer receives");
          },
  });
}

TestInfo acceptsEverything(const std::string& id, const char* clause, int fault, const std::string& desc) {
  NetMutant m{.id = id, .clause = clause, .description = desc, .transports = kModern,
              .deviceOptions = faultyDevice(fault), .driverOptions = guestTunnel};
  m.body = [clause](NetRig& r) {
    if (!negotiated(r)) return false;
    mn::VxlanFrame sent;
    if (!injectTunnelRequest(r, &sent)) return false;
    // The fault: every used receive buffer is a packet, whatever its header says (receiveq1 read directly).
    drv::DriverQueue& q = r.net->device().queue(0);
    uint64_t cookie = 0;
    uint32_t len = 0;
    bool used = false;
    for (int i = 0; i < 1000 && !used; ++i) {
      r.net->device().poll();
      used = q.getUsed(&cookie, &len);
    }
    if (!used) {
      r.ctx.harnessError("the device did not use a receive buffer");
      return false;
    }
    judgeAccepted(r.ctx, clause, len);
    return true;
  };
  return makeNetMutant(std::move(m));
}

}  // namespace

void registerNetRxRefusalTests(std::vector<TestInfo>& out) {
  out.push_back(refusal("virtio.driver.core.net.rx.both_tunnel_bits_refused", kBothBits, 1,
                        "the device hands over a tunnel segmentation request with both UDP tunnel bits set: the "
                        "driver does not accept it and goes on receiving"));
  out.push_back(refusal("virtio.driver.core.net.rx.tunnel_without_needs_csum_refused", kTunnelWithoutCsum, 2,
                        "the device hands over a tunnel segmentation request without NEEDS_CSUM: the driver does not "
                        "accept it and goes on receiving"));
  out.push_back(acceptsEverything("virtio.driver.core.net.rx.both_tunnel_bits_accepted", kBothBits, 1,
                                  "a driver that accepts a received packet with both UDP tunnel bits set"));
  out.push_back(acceptsEverything("virtio.driver.core.net.rx.tunnel_without_needs_csum_accepted", kTunnelWithoutCsum, 2,
                                  "a driver that accepts a tunnel segmentation request without NEEDS_CSUM"));
}

}  // namespace vsim::conformance

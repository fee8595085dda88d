// Faulty network drivers for the data-path feature checks of the net device model: a segmentation request that
// breaks exactly one rule of VIRTIO_NET_F_HOST_ECN or VIRTIO_NET_F_GUEST_HDRLEN, built on the transmit queue by
// hand after our NetDriver brought the device up. The strict device must report that clause and nothing else.
#include "net_support.h"

namespace vsim::conformance {

using namespace netsuite;
namespace nf = drv::net::f;
namespace mh = model::net::hdr;

namespace {

using Frame = std::vector<uint8_t>;
constexpr size_t kTcpFlagsAt = 14 + 20 + 13;  ///< TCP flags byte of a tcpFrame()

struct SegMutant {
  std::string id{}, clause{}, description{};
  model::DeviceOptions deviceOptions{};
  uint64_t driverFeatures = 0;             ///< added to NetDriver's defaults
  std::vector<unsigned> needed{};          ///< not negotiated on a transport: not supported there
  uint8_t tcpFlagsSet = 0;                 ///< TCP flags added to the frame
  model::net::NetHdr hdr{};                ///< the faulty header
};

TestInfo make(SegMutant m) {
  NetMutant n{.id = m.id, .clause = m.clause, .description = m.description, .deviceOptions = m.deviceOptions};
  n.driverOptions = [m](drv::NetDriverOptions& o) { o.features |= m.driverFeatures; };
  n.body = [m](NetRig& r) {
    for (unsigned f : m.needed)
      if (!r.net->has(f)) {
        r.ctx.notSupported("a feature this fault needs was not negotiated on this transport");
        return false;
      }
    Frame f = tcpFrame(kHostMac, r.net->mac(), 3000, 4, L4Csum::Partial);
    f[kTcpFlagsAt] |= m.tcpFlagsSet;
    Frame bytes = r.headerBytes(m.hdr);
    bytes.insert(bytes.end(), f.begin(), f.end());
    if (!r.rawTransmit(bytes)) return r.ctx.harnessError("could not make the transmit buffer available"), false;
    return true;
  };
  return makeNetMutant(std::move(n));
}

model::net::NetHdr tsoRequest(uint8_t gsoType, uint16_t hdrLen) {
  model::net::NetHdr h;
  h.flags = mh::kFNeedsCsum;
  h.gsoType = gsoType;
  h.gsoSize = 1448;
  h.csumStart = kTcpCsumStart;
  h.csumOffset = kTcpCsumOffset;
  h.hdrLen = hdrLen;
  return h;
}

}  // namespace

void registerNetDatapathFeatureMutants(std::vector<TestInfo>& out) {
  out.push_back(make({.id = "virtio.driver.core.net.tx.ecn_bit_missing",
                      // drivernormative: with HOST_ECN, a CWR-marked TCP segmentation request sets the ECN bit
                      .clause = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#15",
                      .description = "HOST_TSO4 and HOST_ECN negotiated; a GSO_TCPV4 request for a CWR-marked segment "
                                     "without VIRTIO_NET_HDR_GSO_ECN",
                      .deviceOptions = {{"gso", "true"}},
                      .driverFeatures = bit(nf::kHostTso4) | bit(nf::kHostEcn),
                      .needed = {nf::kHostTso4, nf::kHostEcn},
                      .tcpFlagsSet = 0x80,
                      .hdr = tsoRequest(mh::kGsoTcpv4, 14 + 20 + 20)}));
  out.push_back(make({.id = "virtio.driver.core.net.tx.hdr_len_not_exact",
                      // drivernormative: with GUEST_HDRLEN, hdr_len is the exact header length
                      .clause = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#34",
                      .description = "HOST_TSO4 and GUEST_HDRLEN negotiated; a GSO_TCPV4 request whose hdr_len leaves "
                                     "out the TCP header",
                      .deviceOptions = {{"gso", "true"}, {"guest_hdrlen", "true"}},
                      .driverFeatures = bit(nf::kHostTso4) | bit(nf::kGuestHdrlen),
                      .needed = {nf::kHostTso4, nf::kGuestHdrlen},
                      .hdr = tsoRequest(mh::kGsoTcpv4, 14 + 20)}));
}

}  // namespace vsim::conformance

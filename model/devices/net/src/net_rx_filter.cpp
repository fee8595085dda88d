// RxFilter: the receive filtering decisions of the net device.
#include "vsim/model/net_rx_filter.h"

#include <algorithm>

#include "vsim/model/net_frame.h"

namespace vsim::model {

void RxFilter::reset() {
  promisc = allUni = noMulti = noUni = noBcast = false;
  allMulti = true;  // until the driver narrows it, multicast (neighbour discovery, ...) gets through
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#1: empty MAC table on reset
  uni_.clear();
  multi_.clear();
  uniOverflow_ = multiOverflow_ = false;
  vlans_.reset();
  vlanFiltering_ = false;
}

void RxFilter::setMacTable(std::vector<net::Mac> unicast, std::vector<net::Mac> multicast) {
  uniOverflow_ = unicast.size() > kMacTableMax;
  multiOverflow_ = multicast.size() > kMacTableMax;
  if (uniOverflow_) unicast.clear();
  if (multiOverflow_) multicast.clear();
  uni_ = std::move(unicast);
  multi_ = std::move(multicast);
}

bool RxFilter::accept(const std::vector<uint8_t>& frame) const {
  if (frame.size() < net::kEthHdrBytes) return false;
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#2: promiscuous mode receives everything
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#3: whatever other mode is on
  if (promisc) return true;
  uint16_t vid = 0;
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / VLAN Filtering#1: without CTRL_VLAN every tagged frame passes
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / VLAN Filtering#2: with it, tags in the table pass
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / VLAN Filtering#3: and the others are dropped
  if (vlanFiltering_ && net::vlanTag(frame, &vid) && !vlans_.test(vid)) return false;
  const net::Mac dst = net::dstMac(frame);
  if (net::isBroadcast(dst)) {
    // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#12: no broadcast when suppressed
    // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#13: even with all-multicast on
    return !noBcast;
  }
  const auto in = [&dst](const std::vector<net::Mac>& t) { return std::find(t.begin(), t.end(), dst) != t.end(); };
  if (net::isMulticast(dst)) {
    // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#7: no multicast when suppressed
    // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#8: even with all-multicast on
    // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#9: (broadcast was handled above)
    if (noMulti) return false;
    // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#4: all-multicast lets every multicast frame in
    if (allMulti || multiOverflow_) return true;
    // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#4: else only table entries
    return in(multi_);
  }
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#10: no unicast when suppressed
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#11: even with all-unicast on
  if (noUni) return false;
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#6: all-unicast lets every unicast frame in
  if (allUni || uniOverflow_ || !defaultMac_) return true;
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#4: own address or table entries only
  return dst == *defaultMac_ || in(uni_);
}

}  // namespace vsim::model

// NetParams::offeredFeatures: which feature bits a parameter set offers.
#include "vsim/model/net_params.h"

namespace vsim::model {

uint64_t NetParams::offeredFeatures() const {
  using namespace net::f;
  auto b = [](unsigned n) { return uint64_t{1} << n; };
  uint64_t o = 0;
  if (macFeature) o |= b(kMac);
  if (statusFeature) o |= b(kStatus);
  if (mtuFeature) o |= b(kMtu);
  if (speedDuplexFeature) o |= b(kSpeedDuplex);
  if (mrgRxbuf) o |= b(kMrgRxbuf);
  // devicenormative:Basic Facilities of a Virtio Device / Feature Bits#1: a feature is offered only with the features it requires
  if (csum) {
    o |= b(kCsum) | b(kGuestCsum);
    if (gso)
      o |= b(kHostTso4) | b(kHostTso6) | b(kHostEcn) | b(kHostUfo) | b(kHostUso) | b(kGuestTso4) | b(kGuestTso6) |
           b(kGuestEcn) | b(kGuestUfo) | b(kGuestUso4) | b(kGuestUso6);
  }
  if (guestHdrlen) o |= b(kGuestHdrlen);
  if (csum && gso && rscExt) o |= b(kRscExt);  // RSC_EXT requires HOST_TSO4 / HOST_TSO6
  if (ctrlVq) {
    o |= b(kCtrlVq);
    // devicenormative:Device Types / Network Device / Device configuration layout#14: CTRL_RX_EXTRA only with CTRL_VQ
    if (ctrlRx) o |= b(kCtrlRx) | b(kCtrlRxExtra);
    if (ctrlVlan) o |= b(kCtrlVlan);
    if (ctrlMacAddr) o |= b(kCtrlMacAddr);
    if (guestAnnounce) o |= b(kGuestAnnounce);
    if (ctrlGuestOffloads) o |= b(kCtrlGuestOffloads);
    if (notfCoal) o |= b(kNotfCoal);
    if (vqNotfCoal) o |= b(kVqNotfCoal);
    if (mqPairs > 1) o |= b(kMq);
    if (rss) o |= b(kRss);
    if (rss && hashTunnel) o |= b(kHashTunnel);
    if (deviceStats) o |= b(kDeviceStats);
  }
  return o;
}

}  // namespace vsim::model

// NetDriver: open, device-specific setup (configuration, buffers), configuration reads, the transmit path.
#include "vsim/drv/net_driver.h"

#include <algorithm>

#include "vsim/drv/net_clauses.h"
#include "vsim/drv/net_tx_offload.h"
#include "vsim/drv/net_tx_tunnel.h"

namespace vsim::drv {

using namespace net;

const char* ctrlStatusName(CtrlStatus s) {
  switch (s) {
    case CtrlStatus::Ok: return "ok";
    case CtrlStatus::Err: return "err";
    case CtrlStatus::NotNegotiated: return "not-negotiated";
    case CtrlStatus::Timeout: return "timeout";
    case CtrlStatus::Failed: return "failed";
  }
  return "?";
}

NetDriver::NetDriver(Hal& hal, const NetDriverOptions& o, ViolationSink& sink) : hal_(hal), o_(o), sink_(sink) {}
NetDriver::~NetDriver() = default;

std::unique_ptr<NetDriver> NetDriver::open(Hal& hal, const DiscoveredDevice& d, DriverOptions opts,
                                           const NetDriverOptions& netOpts, ViolationSink& sink) {
  if (d.type != kDeviceType) return nullptr;
  std::unique_ptr<NetDriver> n(new NetDriver(hal, netOpts, sink));
  opts.deviceFeatures = netOpts.features;
  opts.deviceFeaturesHigh = netOpts.featuresHigh;
  opts.numQueues = -1;  // every queue: the pairs and the control queue (which ones are used depends on the features)
  opts.initialize = true;
  NetDriver* self = n.get();
  auto userSetup = opts.setup;
  opts.setup = [self, userSetup](Device& dev) { return self->setup(dev) && (!userSetup || userSetup(dev)); };
  n->dev_ = drv::open(hal, d, std::move(opts), sink);
  if (!n->dev_ || !n->dev_->live()) return nullptr;
  n->dev_->setConfigChangeCallback([self](Device&) { self->configPending_ = true; });
  return n;
}

void NetDriver::report(const char* clause, const char* kind, std::string message, std::vector<Evidence> ev,
                       int queue) {
  Violation v;
  v.clause = clause;
  v.kind = kind;
  v.message = (dev_ ? dev_->transport().location() + ": " : std::string()) + message;
  v.culprit = Culprit::Device;
  v.queue = queue;
  v.evidence = std::move(ev);
  sink_.report(std::move(v));
}

namespace {
struct Dep {
  unsigned feature;
  uint64_t needsAny;
};
constexpr Dep kDeps[] = {
    {f::kGuestTso4, f::bit(f::kGuestCsum)}, {f::kGuestTso6, f::bit(f::kGuestCsum)},
    {f::kGuestUfo, f::bit(f::kGuestCsum)},  {f::kGuestEcn, f::bit(f::kGuestTso4) | f::bit(f::kGuestTso6)},
    {f::kHostTso4, f::bit(f::kCsum)},       {f::kHostTso6, f::bit(f::kCsum)},
    {f::kHostUfo, f::bit(f::kCsum)},        {f::kHostEcn, f::bit(f::kHostTso4) | f::bit(f::kHostTso6)},
    {f::kCtrlRx, f::bit(f::kCtrlVq)},       {f::kCtrlVlan, f::bit(f::kCtrlVq)},
    {f::kGuestAnnounce, f::bit(f::kCtrlVq)}, {f::kMq, f::bit(f::kCtrlVq)},
    {f::kCtrlMacAddr, f::bit(f::kCtrlVq)},
    {f::kRss, f::bit(f::kCtrlVq)},          {f::kDeviceStats, f::bit(f::kCtrlVq)},
    {f::kHashTunnel, f::bit(f::kCtrlVq)},
};
}  // namespace

bool NetDriver::readConfigChecked(Device& d) {
  const uint64_t offered = d.offeredFeatures();
  auto offers = [offered](unsigned b) { return (offered >> b) & 1u; };
  NetConfig c;
  if (!d.readConfig(cfg::kMac, c.mac.data(), 6)) return false;
  if (offers(f::kStatus) && !d.readConfig(cfg::kStatus, &c.status)) return false;
  // drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#3: optional fields only when their feature is offered
  if ((offers(f::kMq) || offers(f::kRss)) && !d.readConfig(cfg::kMaxVirtqueuePairs, &c.maxVirtqueuePairs)) return false;
  if (offers(f::kRss) && !readRssConfig(d, c)) return false;
  if (offers(f::kMtu) && !d.readConfig(cfg::kMtu, &c.mtu)) return false;
  if (offers(f::kSpeedDuplex)) {
    if (!d.readConfig(cfg::kSpeed, &c.speed) || !d.readConfig(cfg::kDuplex, &c.duplex)) return false;
  }
  // devicenormative:Device Types / Network Device / Device configuration layout#1: max_virtqueue_pairs in 1..0x8000 with MQ
  if (offers(f::kMq) && (c.maxVirtqueuePairs < 1 || c.maxVirtqueuePairs > 0x8000)) {
    report(clause::kNetMaxPairs, "net.max_pairs_out_of_range", "max_virtqueue_pairs outside 1..0x8000",
           {{"max_virtqueue_pairs", c.maxVirtqueuePairs}});
    c.maxVirtqueuePairs = 1;
  }
  // devicenormative:Device Types / Network Device / Device configuration layout#2: mtu in 68..65535 with MTU
  if (offers(f::kMtu) && c.mtu < 68) {
    report(clause::kNetMtuRange, "net.mtu_out_of_range", "mtu below 68", {{"mtu", c.mtu}});
  }
  const bool sd = (d.features() >> f::kSpeedDuplex) & 1u;
  // drivernormative:Device Types / Network Device / Device configuration layout#11: undefined speed / duplex values read as unknown
  if (sd && c.speed > 0x7fffffffu && c.speed != cfg::kSpeedUnknown) {
    // devicenormative:Device Types / Network Device / Device configuration layout#10: speed 0..0x7fffffff or unknown
    report(clause::kNetSpeed, "net.speed_invalid", "speed is neither a speed nor unknown", {{"speed", c.speed}});
    c.speed = cfg::kSpeedUnknown;
  }
  if (sd && c.duplex != cfg::kDuplexFull && c.duplex != cfg::kDuplexHalf && c.duplex != cfg::kDuplexUnknown) {
    // devicenormative:Device Types / Network Device / Device configuration layout#11: duplex 0x00, 0x01 or 0xff
    report(clause::kNetDuplex, "net.duplex_invalid", "duplex is not 0x00, 0x01 or 0xff", {{"duplex", c.duplex}});
    c.duplex = cfg::kDuplexUnknown;
  }
  if (!sd) {
    c.speed = cfg::kSpeedUnknown;
    c.duplex = cfg::kDuplexUnknown;
  }
  cfg_ = c;
  return true;
}

bool NetDriver::setup(Device& d) {
  const uint64_t offered = d.offeredFeatures();
  for (const auto& dep : kDeps) {
    // devicenormative:Basic Facilities of a Virtio Device / Feature Bits#1: no feature offered without what it requires
    if (((offered >> dep.feature) & 1u) && !(offered & dep.needsAny)) {
      report(clause::kNetOfferDeps, "net.offer_without_requirement", "feature offered without a feature it requires",
             {{"offered", offered}, {"feature", dep.feature}});
      break;
    }
  }
  const auto feats = d.features();
  const auto neg = [feats](unsigned b) { return ((feats >> b) & 1u) != 0; };
  // The 12-byte header with VERSION_1 (every non-legacy interface) or MRG_RXBUF, else the legacy 10-byte one.
  hdrBytes_ = (!d.legacy() || neg(f::kMrgRxbuf)) ? kHdrBytes : kLegacyHdrBytes;
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#1: 24 bytes with a UDP tunnel GSO feature (the offsets)
  if (!d.legacy() && (d.hasFeature(f::kGuestUdpTunnelGso) || d.hasFeature(f::kHostUdpTunnelGso)))
    hdrBytes_ = kTunnelHdrBytes;
  if (!readConfigChecked(d)) return false;
  // drivernormative:Device Types / Network Device / Device configuration layout#3: with VIRTIO_NET_F_MAC, config mac is our address
  // drivernormative:Device Types / Network Device / Device configuration layout#4: else a locally administered one
  mac_ = neg(f::kMac) ? cfg_.mac : o_.fallbackMac;
  const uint16_t nq = static_cast<uint16_t>(d.numQueues());
  const uint16_t maxPairs = (neg(f::kMq) || neg(f::kRss)) ? cfg_.maxVirtqueuePairs : 1;
  ctrlQ_ = neg(f::kCtrlVq) ? 2 * maxPairs : -1;
  if (ctrlQ_ >= nq || 2 * maxPairs > nq) return false;  // the device has fewer queues than its features say
  pairs_ = maxPairs;
  activePairs_ = 1;
  offloads_ = feats & (f::bit(f::kGuestCsum) | f::bit(f::kGuestTso4) | f::bit(f::kGuestTso6) | f::bit(f::kGuestEcn) |
                       f::bit(f::kGuestUfo) | f::bit(f::kGuestUso4) | f::bit(f::kGuestUso6));
  const bool hostGso = neg(f::kHostTso4) || neg(f::kHostTso6) || neg(f::kHostUfo) || neg(f::kHostUso);
  const bool guestGso = neg(f::kGuestTso4) || neg(f::kGuestTso6) || neg(f::kGuestUfo) || neg(f::kGuestUso4) ||
                        neg(f::kGuestUso6);
  const uint32_t mtu = neg(f::kMtu) ? cfg_.mtu : 1500;
  maxFrame_ = hostGso ? 65550 : mtu + kEthHdrBytes + 4;
  const bool mrg = neg(f::kMrgRxbuf);
  uint32_t rxSize = o_.rxBufferSize;
  // drivernormative:Device Types / Network Device / Device configuration layout#8: room for an MTU-sized packet
  // drivernormative:Device Types / Network Device / Device Operation / Setting Up Receive Buffers#2: 1526 bytes at least without merging
  if (!rxSize) rxSize = mrg ? 2048 : hdrBytes_ + std::max<uint32_t>(guestGso ? 65589 : mtu + kEthHdrBytes + 4, 1514);
  // drivernormative:Device Types / Network Device / Device Operation / Setting Up Receive Buffers#3: each mergeable buffer holds a header
  if (mrg) rxSize = std::max(rxSize, hdrBytes_);
  const uint32_t rxDescs = (d.legacy() && !mrg) ? 2 : 1, txDescs = d.legacy() ? 2 : 1;
  auto rxCountOf = [&](uint16_t p) {
    const uint32_t cap = d.queue(2 * p).size() / rxDescs;
    return o_.rxBuffers ? std::min(o_.rxBuffers, cap) : cap;
  };
  if (mrg) {
    // drivernormative:Device Types / Network Device / Device configuration layout#8: merged, one queue's buffers still hold an MTU-sized packet
    uint32_t fewest = UINT32_MAX;
    for (uint16_t p = 0; p < pairs_; ++p) fewest = std::min(fewest, rxCountOf(p));
    const uint32_t need = hdrBytes_ + mtu + kEthHdrBytes + 4;
    if (fewest && fewest != UINT32_MAX) rxSize = std::max(rxSize, (need + fewest - 1) / fewest);
  }
  const uint32_t slotBytes = (hdrBytes_ + maxFrame_ + 63) & ~63u;
  const bool realloc = rx_.size() != pairs_ || rxSize != rxBufSize_ || slotBytes != txSlotBytes_;
  rxBufSize_ = rxSize;
  txSlotBytes_ = slotBytes;
  GuestAllocator& alloc = hal_.dmaAllocator();
  if (realloc) {
    rx_.assign(pairs_, RxQueue{});
    tx_.assign(pairs_, TxQueue{});
    for (uint16_t p = 0; p < pairs_; ++p) {
      const uint32_t txCap = d.queue(2 * p + 1).size() / txDescs;
      rx_[p].count = rxCountOf(p);
      tx_[p].count = o_.txSlots ? std::min(o_.txSlots, txCap) : std::min<uint32_t>(64, txCap);
      rx_[p].base = alloc.alloc(uint64_t{rx_[p].count} * ((rxBufSize_ + 63) & ~63u), 64);
      tx_[p].base = alloc.alloc(uint64_t{tx_[p].count} * txSlotBytes_, 64);
      if (rx_[p].base == GuestAllocator::kFail || tx_[p].base == GuestAllocator::kFail || !rx_[p].count) return false;
    }
    if (!ctrlBuf_) ctrlBuf_ = alloc.alloc(kCtrlBytes, 64);
    if (ctrlBuf_ == GuestAllocator::kFail) return false;
  }
  pending_.clear();
  ctrlOutstanding_ = false;
  for (uint16_t p = 0; p < pairs_; ++p) {
    rx_[p].frame.clear();
    rx_[p].remaining = 0;
    tx_[p].free.clear();
    for (uint32_t i = tx_[p].count; i-- > 0;) tx_[p].free.push_back(i);
    // drivernormative:Device Types / Network Device / Device Operation / Setting Up Receive Buffers#5: every receive queue populated
    for (uint32_t i = 0; i < rx_[p].count; ++i)
      if (!postRx(p, i, &d)) return false;
  }
  return true;
}

bool NetDriver::postRx(uint16_t pair, uint32_t index, Device* d) {
  Device& dv = d ? *d : *dev_;
  const uint64_t a = rx_[pair].base + uint64_t{index} * ((rxBufSize_ + 63) & ~63u);
  Buf b[2];
  size_t n = 1;
  if (dv.legacy() && !((dv.features() >> f::kMrgRxbuf) & 1u)) {
    // A legacy interface without ANY_LAYOUT: the header in its own descriptor, the data in the next.
    b[0] = Buf{a, hdrBytes_, true};
    b[1] = Buf{a + hdrBytes_, rxBufSize_ - hdrBytes_, true};
    n = 2;
  } else {
    b[0] = Buf{a, rxBufSize_, true};
  }
  return dv.queue(2 * pair).add(b, n, index) >= 0;
}

bool NetDriver::refreshConfig() { return dev_ && readConfigChecked(*dev_); }

bool NetDriver::linkUp() {
  if (!has(f::kStatus)) return true;  // drivernormative:Device Types / Network Device / Device configuration layout#5: no STATUS: the link is up
  uint16_t s = 0;
  // drivernormative:Device Types / Network Device / Device configuration layout#6: with STATUS: bit 0 of status
  if (!dev_->readConfig(cfg::kStatus, &s)) return false;
  cfg_.status = s;
  return (s & cfg::kSLinkUp) != 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Transmit

void NetDriver::reclaimTx(uint16_t pair) {
  DriverQueue& q = dev_->queue(2 * pair + 1);
  uint64_t cookie = 0;
  // The used length of a transmit buffer means nothing (legacy devices put the buffer length there).
  while (q.getUsed(&cookie, nullptr))
    if (cookie < tx_[pair].count) tx_[pair].free.push_back(static_cast<uint32_t>(cookie));
}

bool NetDriver::send(const void* frame, size_t len, const NetHdr& hdr, uint16_t pair, uint64_t timeoutNs) {
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#3: transmitq1 until VQ_PAIRS_SET
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#4: never beyond virtqueue_pairs
  if (ok()) dev_->poll();  // a device that asked for a reset meanwhile gets no more notifications
  if (!ok() || pair >= activePairs_ || len < kEthHdrBytes || len > maxFrame_) return false;
  const uint8_t base = hdr::gsoBase(hdr.gsoType);
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#3: no flags without CSUM
  if (hdr.flags && !has(f::kCsum)) return false;
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#45: only NEEDS_CSUM is ours to set
  const bool tunnel = (hdr.gsoType & (hdr::kGsoUdpTunnelIpv4 | hdr::kGsoUdpTunnelIpv6)) != 0;
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#26: UDP_TUNNEL_CSUM only with a tunnel bit
  if (hdr.flags & ~(tunnel ? hdr::kFNeedsCsum | hdr::kFUdpTunnelCsum : hdr::kFNeedsCsum)) return false;
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#31: a GSO type only with its HOST_ feature
  const bool gsoOk = base == hdr::kGsoNone || (base == hdr::kGsoTcpv4 && has(f::kHostTso4)) ||
                     (base == hdr::kGsoTcpv6 && has(f::kHostTso6)) || (base == hdr::kGsoUdp && has(f::kHostUfo)) ||
                     (base == hdr::kGsoUdpL4 && has(f::kHostUso));
  if (!gsoOk) return false;
  // A tunnel request is completed by prepareTunnel() (net_tx_tunnel.cpp) on a copy of the frame.
  std::vector<uint8_t> tunnelCopy;
  NetHdr tunnelHdr = hdr;
  if (tunnel) {
    tunnelCopy.assign(static_cast<const uint8_t*>(frame), static_cast<const uint8_t*>(frame) + len);
    if (!prepareTunnel(tunnelHdr, tunnelCopy, dev_->hasFeature(f::kHostUdpTunnelGso),
                       dev_->hasFeature(f::kHostUdpTunnelGsoCsum)))
      return false;
    frame = tunnelCopy.data();
  }
  if ((hdr.gsoType & hdr::kGsoEcn) && (base == hdr::kGsoNone || !has(f::kHostEcn))) return false;
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#32: GSO with NEEDS_CSUM and an MSS
  if (base != hdr::kGsoNone && (!(hdr.flags & hdr::kFNeedsCsum) || hdr.gsoSize == 0)) return false;
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#30: the checksum inside the packet
  if ((hdr.flags & hdr::kFNeedsCsum) && size_t{hdr.csumStart} + hdr.csumOffset + 2 > len) return false;
  const auto* fb = static_cast<const uint8_t*>(frame);
  const bool vlan = len >= 18 && fb[12] == 0x81 && fb[13] == 0x00;
  // drivernormative:Device Types / Network Device / Device configuration layout#9: nothing over the MTU without GSO
  if (has(f::kMtu) && base == hdr::kGsoNone && len > size_t{cfg_.mtu} + kEthHdrBytes + (vlan ? 4 : 0)) return false;
  TxQueue& t = tx_[pair];
  reclaimTx(pair);
  if (t.free.empty()) {
    Deadline dl(hal_, timeoutNs);
    while (t.free.empty()) {
      if (dl.expired() || !ok()) return false;
      if (hal_.waitForInterrupt(std::min<uint64_t>(dl.remainingNs(), 1'000'000))) harvest();
      reclaimTx(pair);
    }
  }
  const uint32_t slot = t.free.back();
  t.free.pop_back();
  const uint64_t a = t.base + uint64_t{slot} * txSlotBytes_;
  NetHdr h = tunnel ? tunnelHdr : hdr;
  if (!tunnel) prepareSegmentation(h, fb, len, has(f::kHostEcn), has(f::kGuestHdrlen));  // ECN marker, exact hdr_len
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#2: num_buffers zero
  h.numBuffers = 0;
  uint8_t hb[kMaxHdrBytes];
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#1: the receive header's size
  encodeHdr(h, hb, hdrBytes_);
  GuestMemory& m = hal_.dmaMemory();
  if (!m.write(a, hb, hdrBytes_) || !m.write(a + hdrBytes_, frame, len)) {
    t.free.push_back(slot);
    return false;
  }
  Buf b[2];
  size_t n = 1;
  if (dev_->legacy()) {
    // A legacy interface without ANY_LAYOUT: the header in its own descriptor, the frame in the next.
    b[0] = Buf{a, hdrBytes_, false};
    b[1] = Buf{a + hdrBytes_, static_cast<uint32_t>(len), false};
    n = 2;
  } else {
    b[0] = Buf{a, static_cast<uint32_t>(hdrBytes_ + len), false};
  }
  if (dev_->queue(2 * pair + 1).add(b, n, slot) < 0) {
    t.free.push_back(slot);
    return false;
  }
  dev_->kick(static_cast<uint16_t>(2 * pair + 1));
  ++stats_.framesSent;
  stats_.bytesSent += len;
  return true;
}

}  // namespace vsim::drv

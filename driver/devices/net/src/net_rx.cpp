// NetDriver receive path: used receive buffers, merged frames, the device-normative checks on what arrives.
#include <algorithm>

#include "vsim/drv/net_clauses.h"
#include "vsim/drv/net_driver.h"

namespace vsim::drv {

using namespace net;

size_t NetDriver::poll() {
  harvest();
  return pending_.size();
}

bool NetDriver::receive(std::vector<uint8_t>* frame, NetHdr* hdr, uint64_t timeoutNs, uint16_t* pair) {
  if (!dev_) return false;
  Deadline dl(hal_, timeoutNs);
  for (;;) {
    harvest();
    if (!pending_.empty()) {
      Received& r = pending_.front();
      if (frame) *frame = std::move(r.data);
      if (hdr) *hdr = r.hdr;
      if (pair) *pair = r.pair;
      pending_.pop_front();
      return true;
    }
    if (!ok() || dl.expired()) return false;
    hal_.waitForInterrupt(std::min<uint64_t>(dl.remainingNs(), 1'000'000));
  }
}

void NetDriver::harvest() {
  if (!ok()) return;
  dev_->poll();  // acknowledge interrupts; a configuration change sets configPending_
  if (configPending_ && !inCommand_) onConfigChange();
  for (uint16_t p = 0; p < pairs_; ++p) {
    takeRx(p);
    reclaimTx(p);
  }
}

void NetDriver::takeRx(uint16_t pair) {
  const uint16_t qi = static_cast<uint16_t>(2 * pair);
  DriverQueue& q = dev_->queue(qi);
  RxQueue& r = rx_[pair];
  GuestMemory& m = hal_.dmaMemory();
  const uint64_t stride = (rxBufSize_ + 63) & ~63u;
  uint64_t cookie = 0;
  uint32_t len = 0;
  bool reposted = false;
  bool discard = false;  // the packet being assembled broke a rule: drop its remaining buffers
  while (q.getUsed(&cookie, &len)) {
    if (cookie >= r.count) continue;
    const uint64_t a = r.base + cookie * stride;
    len = std::min(len, rxBufSize_);
    if (r.remaining == 0) {
      discard = false;
      uint8_t hb[kMaxHdrBytes] = {};
      if (len < hdrBytes_) {
        // devicenormative:Device Types / Network Device / Device Operation / Setting Up Receive Buffers#1 (nearest: a used buffer without the header that carries num_buffers)
        report(clause::kNetNumBuffers, "net.rx_no_header", "receive buffer used with fewer bytes than the header",
               {{"len", len}, {"hdr_len", hdrBytes_}}, qi);
        ++stats_.rxDropped;
        postRx(pair, static_cast<uint32_t>(cookie));
        reposted = true;
        continue;
      }
      m.read(a, hb, hdrBytes_);
      const NetHdr h = decodeHdr(hb, hdrBytes_);
      uint16_t n = hdrBytes_ >= kHdrBytes ? h.numBuffers : 1;
      if (n == 0) {
        // devicenormative:Device Types / Network Device / Device Operation / Setting Up Receive Buffers#1: num_buffers counts the buffers used (at least 1)
        report(clause::kNetNumBuffers, "net.rx_num_buffers_zero", "num_buffers is 0", {{"num_buffers", 0}}, qi);
        discard = true;
        n = 1;
      } else if (n != 1 && !mergeable()) {
        // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#1: num_buffers 1 without MRG_RXBUF
        report(clause::kNetOneBuffer, "net.rx_num_buffers_not_one", "num_buffers not 1 without VIRTIO_NET_F_MRG_RXBUF",
               {{"num_buffers", n}}, qi);
        discard = true;
        n = 1;
      }
      r.hdr = h;
      r.frame.resize(len - hdrBytes_);
      m.read(a + hdrBytes_, r.frame.data(), r.frame.size());
      r.remaining = n;
    } else {
      const size_t at = r.frame.size();
      r.frame.resize(at + len);
      m.read(a, r.frame.data() + at, len);
    }
    --r.remaining;
    if (r.remaining > 0 && len < rxBufSize_ && !discard) {
      // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#3: every buffer but the last filled completely
      report(clause::kNetFillBuffers, "net.rx_buffer_not_filled", "a merged packet left a buffer before its last one short",
             {{"len", len}, {"buffer_size", rxBufSize_}, {"num_buffers", r.hdr.numBuffers}}, qi);
      discard = true;
    }
    postRx(pair, static_cast<uint32_t>(cookie));
    reposted = true;
    if (r.remaining == 0) {
      if (discard) ++stats_.rxDropped;
      else finishFrame(pair);
      r.frame.clear();
    }
  }
  if (r.remaining > 0) {
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#4: all num_buffers buffers used together
    report(clause::kNetBuffersTogether, "net.rx_buffers_not_together", "fewer used buffers than num_buffers announced",
           {{"num_buffers", r.hdr.numBuffers}, {"missing", r.remaining}}, qi);
    ++stats_.rxDropped;
    r.remaining = 0;
    r.frame.clear();
  }
  if (reposted) dev_->kick(qi);
}

namespace {
constexpr uint8_t kTunnelBoth = hdr::kGsoUdpTunnelIpv4 | hdr::kGsoUdpTunnelIpv6;
}  // namespace

bool NetDriver::checkRxHeader(const NetHdr& h, uint16_t pair) {
  const int qi = 2 * pair;
  std::vector<Evidence> ev{{"flags", h.flags}, {"gso_type", h.gsoType}};
  if (h.flags != 0 && !has(f::kGuestCsum)) {
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#5: flags zero without GUEST_CSUM
    report(clause::kNetRxFlags, "net.rx_flags_without_guest_csum", "receive flags set without VIRTIO_NET_F_GUEST_CSUM", ev,
           qi);
    return false;
  }
  const bool tunnelBit = (h.gsoType & (hdr::kGsoUdpTunnelIpv4 | hdr::kGsoUdpTunnelIpv6)) != 0;
  // (with GUEST_UDP_TUNNEL_GSO_CSUM, UDP_TUNNEL_CSUM may come with a tunnel bit: net_rx_tunnel.cpp judges it)
  if ((h.flags & hdr::kFUdpTunnelCsum) && !(tunnelBit && dev_->hasFeature(f::kGuestUdpTunnelGsoCsum))) {
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#12: no UDP_TUNNEL_CSUM unless a tunnel request with GUEST_UDP_TUNNEL_GSO_CSUM
    report(clause::kNetRxTunnelCsum, "net.rx_tunnel_csum", "UDP_TUNNEL_CSUM set in a receive header", ev, qi);
    return false;
  }
  if ((h.flags & hdr::kFRscInfo) && !has(f::kRscExt)) {
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#30: no RSC_INFO without RSC_EXT
    report(clause::kNetRxRscInfo, "net.rx_rsc_info", "RSC_INFO set without VIRTIO_NET_F_RSC_EXT", ev, qi);
    return false;
  }
  if (tunnelBit && ((h.gsoType & kTunnelBoth) == kTunnelBoth || !(h.flags & hdr::kFNeedsCsum) ||
                    (h.flags & hdr::kFDataValid) || hdr::gsoBase(h.gsoType) == hdr::kGsoNone)) {
    // drivernormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#8: both tunnel bits: the packet is not accepted
    // drivernormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#10: a tunnel bit without NEEDS_CSUM, with DATA_VALID or over GSO_NONE: not accepted
    return false;  // dropped (counted by the caller)
  }
  if (tunnelBit && !dev_->hasFeature(f::kGuestUdpTunnelGso)) {
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#11: no tunnel bits without GUEST_UDP_TUNNEL_GSO
    report(clause::kNetRxTunnel, "net.rx_gso_tunnel", "UDP tunnel GSO bit in a receive header", ev, qi);
    return false;
  }
  const uint8_t base = hdr::gsoBase(h.gsoType);
  const char* cited = nullptr;
  const char* kind = nullptr;
  switch (base) {
    case hdr::kGsoNone: break;
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#7: TCPV4 only with GUEST_TSO4
    case hdr::kGsoTcpv4:
      if (!has(f::kGuestTso4)) cited = clause::kNetRxTso4, kind = "net.rx_gso_tcpv4";
      break;
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#8: UDP only with GUEST_UFO
    case hdr::kGsoUdp:
      if (!has(f::kGuestUfo)) cited = clause::kNetRxUfo, kind = "net.rx_gso_udp";
      break;
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#9: TCPV6 only with GUEST_TSO6
    case hdr::kGsoTcpv6:
      if (!has(f::kGuestTso6)) cited = clause::kNetRxTso6, kind = "net.rx_gso_tcpv6";
      break;
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#10: UDP_L4 only with GUEST_USO4/6
    case hdr::kGsoUdpL4:
      if (!has(f::kGuestUso4) && !has(f::kGuestUso6)) cited = clause::kNetRxUso, kind = "net.rx_gso_udp_l4";
      break;
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#26: else GSO_NONE
    default: cited = clause::kNetRxGsoNone, kind = "net.rx_gso_unknown"; break;
  }
  if (cited) {
    report(cited, kind, "receive gso_type the driver did not negotiate", ev, qi);
    return false;
  }
  if (base != hdr::kGsoNone && !(h.flags & hdr::kFNeedsCsum)) {
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#27: GSO comes with NEEDS_CSUM
    report(clause::kNetRxGsoCsum, "net.rx_gso_without_needs_csum", "GSO receive header without NEEDS_CSUM", ev, qi);
    return false;
  }
  if (has(f::kRscExt) && (base == hdr::kGsoTcpv4 || base == hdr::kGsoTcpv6) && !(h.flags & hdr::kFRscInfo)) {
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#29: with RSC_EXT a TCP GSO packet carries RSC_INFO (csum_start / csum_offset then hold counts, never used as checksum positions)
    report(clause::kNetRxRscMissing, "net.rx_rsc_info_missing", "TCP GSO receive header without RSC_INFO under VIRTIO_NET_F_RSC_EXT",
           ev, qi);
    return false;
  }
  return true;
}

void NetDriver::finishFrame(uint16_t pair) {
  RxQueue& r = rx_[pair];
  if (r.hdr.numBuffers > 1) ++stats_.mergedFrames;
  if (!checkRxHeader(r.hdr, pair)) {
    ++stats_.rxDropped;
    return;
  }
  const bool vlan = r.frame.size() >= 18 && r.frame[12] == 0x81 && r.frame[13] == 0x00;
  if (has(f::kMtu) && hdr::gsoBase(r.hdr.gsoType) == hdr::kGsoNone &&
      r.frame.size() > size_t{cfg_.mtu} + kEthHdrBytes + (vlan ? 4 : 0)) {
    // devicenormative:Device Types / Network Device / Device configuration layout#5: nothing over the MTU without GSO
    report(clause::kNetRxOverMtu, "net.rx_over_mtu", "received packet longer than the negotiated MTU allows",
           {{"len", r.frame.size()}, {"mtu", cfg_.mtu}}, 2 * pair);
    ++stats_.rxDropped;
    return;
  }
  ++stats_.framesReceived;
  stats_.bytesReceived += r.frame.size();
  NetHdr h = r.hdr;
  h.numBuffers = 0;
  pending_.push_back(Received{std::move(r.frame), h, pair});
}

}  // namespace vsim::drv

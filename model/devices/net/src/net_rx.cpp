// NetDevice receive path: holding receive buffers, filtering, header adaptation, steering, writing a frame into one
// buffer (or several with MRG_RXBUF), and the backlog for frames that arrive while no buffer is posted.
#include <algorithm>

#include "net_clauses.h"
#include "vsim/abi/features.h"
#include "vsim/model/device_core.h"
#include "vsim/model/net_device.h"
#include "vsim/model/net_tx_seg_check.h"

namespace vsim::model {

using namespace net;

namespace {
/// Segments of gsoSize a TCP GSO frame stands for (its payload after the headers; 1 when it cannot be parsed).
uint16_t coalescedSegments(const std::vector<uint8_t>& frame, uint16_t gsoSize) {
  const auto l = net::parseL4Layout(frame);
  if (!l || gsoSize == 0 || frame.size() <= l->headersEnd) return 1;
  return static_cast<uint16_t>((frame.size() - l->headersEnd + gsoSize - 1) / gsoSize);
}
}  // namespace

ChainResult NetDevice::handleRx(DeviceCore& core, uint16_t q, const Chain& c) {
  const uint32_t hl = hdrBytes();
  if (has(f::kMrgRxbuf) && c.writableBytes < hl) {
    // drivernormative:Device Types / Network Device / Device Operation / Setting Up Receive Buffers#3: with MRG_RXBUF each buffer holds at least the header
    if (!reportedRxBuffer_)
      violate(clause::kRxBufferHdr, "net.rx_buffer_too_small", "mergeable receive buffer smaller than the virtio_net_hdr",
              {{"writable", c.writableBytes}, {"hdr_len", hl}}, q);
    reportedRxBuffer_ = true;  // still held: usable inside a merged packet; given back empty if it comes first
  }
  if (!has(f::kMrgRxbuf) && has(f::kMtu) && c.writableBytes < uint64_t{hl} + p_.mtu + kEthHdrBytes) {
    // drivernormative:Device Types / Network Device / Device configuration layout#8: with MTU (and no merging) a buffer must hold an MTU-sized packet
    if (!reportedRxBuffer_)
      violate(clause::kRxBuffersForMtu, "net.rx_buffer_below_mtu",
              "receive buffer cannot hold a packet of the negotiated MTU (no mergeable buffers)",
              {{"writable", c.writableBytes}, {"needed", uint64_t{hl} + p_.mtu + kEthHdrBytes}}, q);
    reportedRxBuffer_ = true;  // kept: smaller frames still fit
  }
  DeviceQueue* e = core.engine(q);
  held_[q].push_back(Held{c, e, e->stats().chainsPopped});
  if (!pulling_ && !backlog_[q].empty()) drainBacklog(q, /*allowPull=*/false, /*signal=*/false);
  return ChainResult::Deferred;
}

void NetDevice::receiveFrame(const NetFrame& f) { deliver(f); }

bool NetDevice::inject(const std::vector<uint8_t>& frame, const NetHdr& hdr) {
  NetFrame f;
  f.data = frame;
  f.hdr = hdr;
  return deliver(f);
}

bool NetDevice::adaptForGuest(const NetFrame& in, NetFrame* out) {
  out->data = in.data;
  out->hdr = NetHdr{};
  const auto offload = [this](unsigned bit) { return has(bit) && ((guestOffloads_ >> bit) & 1u); };
  const uint8_t base = hdr::gsoBase(in.hdr.gsoType);
  // A segmentation request over a UDP tunnel (a tunnel bit in the sender's gso_type) needs
  // VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO (feature bit 65, net_rx_tunnel.cpp); without it the device does not segment,
  // so such a packet is dropped rather than handed over as a plain GSO packet.
  // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#21: no UDP tunnel GSO packet without GUEST_UDP_TUNNEL_GSO
  // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#25: nor one asking for outer checksum offload without GUEST_UDP_TUNNEL_GSO_CSUM
  if (in.hdr.gsoType & (hdr::kGsoUdpTunnelIpv4 | hdr::kGsoUdpTunnelIpv6)) return adaptTunnelForGuest(in, out);
  if (base != hdr::kGsoNone) {
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#7: TCPV4 only with GUEST_TSO4
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#8: UDP only with GUEST_UFO
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#9: TCPV6 only with GUEST_TSO6
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#10: UDP_L4 only with GUEST_USO4/6
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#26: GSO_NONE without any of them
    const bool ok = (base == hdr::kGsoTcpv4 && offload(f::kGuestTso4)) ||
                    (base == hdr::kGsoTcpv6 && offload(f::kGuestTso6)) ||
                    (base == hdr::kGsoUdp && offload(f::kGuestUfo)) ||
                    (base == hdr::kGsoUdpL4 && (offload(f::kGuestUso4) || offload(f::kGuestUso6)));
    const bool ecn = (in.hdr.gsoType & hdr::kGsoEcn) != 0;
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#13: no ECN segmentation without GUEST_ECN
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#14: and the ECN bit set with it
    if (!ok || (ecn && !offload(f::kGuestEcn)) || !(in.hdr.flags & hdr::kFNeedsCsum)) return false;
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#11: no tunnel bit here (tunnel requests go through adaptTunnelForGuest)
    out->hdr.gsoType = static_cast<uint8_t>(base | (ecn ? hdr::kGsoEcn : 0));
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#27: NEEDS_CSUM with GSO
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#28: and the MSS in gso_size
    out->hdr.gsoSize = in.hdr.gsoSize;
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#31: hdr_len as the sender gave it
    out->hdr.hdrLen = in.hdr.hdrLen;
  }
  if (in.hdr.flags & hdr::kFNeedsCsum) {
    if (offload(f::kGuestCsum)) {
      // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#17: partial checksum passed on with GUEST_CSUM
      // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#20: with the sender's csum_start / csum_offset
      out->hdr.flags = hdr::kFNeedsCsum;
      out->hdr.csumStart = in.hdr.csumStart;
      out->hdr.csumOffset = in.hdr.csumOffset;
    } else if (!completeChecksum(out->data, in.hdr.csumStart, in.hdr.csumOffset)) {
      return false;
    }
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#6: otherwise a fully checksummed packet
  }
  const bool tcpGso = base == hdr::kGsoTcpv4 || base == hdr::kGsoTcpv6;
  if (has(f::kRscExt) && tcpGso && (out->hdr.flags & hdr::kFNeedsCsum)) {
    // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#29: with RSC_EXT, RSC_INFO plus the coalesced segment count (csum_start) and duplicate ACKs (csum_offset, none here)
    out->hdr.flags |= hdr::kFRscInfo;
    out->hdr.csumStart = coalescedSegments(out->data, in.hdr.gsoSize);
    out->hdr.csumOffset = 0;
  }
  // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#5: flags zero without GUEST_CSUM
  // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#12: never UDP_TUNNEL_CSUM
  // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#30: RSC_INFO only with RSC_EXT (above)
  // The header is built afresh (never the sender's flags), 12 bytes, no IPsec processing:
  // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#16: no outer_nh_offset without OUT_NET_HEADER (the field is not in the header)
  // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#39: SECURITY clear (no packet goes through IPsec here)
  // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#40: whatever SECURITY_ERR / SOFT_EXPIRY_WARN a sender set
  // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#42: SECURITY_ERR clear (no IPsec error can occur)
  // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#43: whatever SOFT_EXPIRY_WARN a sender set
  return true;
}

int NetDevice::pickRxQueue(const NetFrame& f) {
  if (int fq = -1; flowSteer(f, &fq)) return fq;  // flow filter rules before steering (net_flow_filter_dev.cpp)
  if (rss_) return rssPickQueue(f);  // RSS in force (net_ctrl_rss.cpp)
  const uint16_t n = has(f::kMq) ? activePairs_ : uint16_t{1};
  uint16_t pair = 0;
  if (n > 1) {
    // Automatic steering: a flow goes back to the pair it was last sent on, else to a hash-chosen pair.
    const uint64_t h = symmetricFlowHash(f.data);
    auto it = flows_.find(h);
    pair = (it != flows_.end() && it->second < n) ? it->second : static_cast<uint16_t>(h % n);
  }
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#2: never beyond virtqueue_pairs
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#3: skip a queue that is being reset
  for (uint16_t k = 0; k < n; ++k) {
    const uint16_t q = static_cast<uint16_t>(2 * ((pair + k) % n));
    if (q < core_->numQueues() && core_->queue(q).enabled && core_->engine(q)) return q;
  }
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#4: all being reset: drop
  return -1;
}

bool NetDevice::deliver(const NetFrame& in) {
  if (!live()) {
    ++stats_.rxDroppedNotReady;
    return false;
  }
  if (!linkUp_) {
    ++stats_.rxDroppedLinkDown;
    return false;
  }
  if (takeBackendFailure(rxBackendErrors_)) {
    ++stats_.rxDroppedBackend;  // lost by the backend before the device saw it
    return false;
  }
  if (in.data.size() < kEthHdrBytes || in.data.size() > NetParams::kMaxFrameBytes) {
    ++stats_.rxDroppedTooBig;
    return false;
  }
  if (!filter_.accept(in.data)) {
    ++stats_.rxDroppedFilter;
    return false;
  }
  // devicenormative:Device Types / Network Device / Device configuration layout#5: nothing over mtu (+ Ethernet header) without GSO once MTU is negotiated
  if (has(f::kMtu) && hdr::gsoBase(in.hdr.gsoType) == hdr::kGsoNone && in.data.size() > maxFrameFor(p_.mtu, in.data)) {
    ++stats_.rxDroppedMtu;
    return false;
  }
  NetFrame g;
  if (!adaptForGuest(in, &g)) {
    ++stats_.rxDroppedOffload;
    return false;
  }
  const int q = pickRxQueue(g);
  if (q < 0) {
    ++stats_.rxDroppedNoQueue;
    return false;
  }
  const uint16_t rq = static_cast<uint16_t>(q);
  if (backlog_[rq].empty()) {
    switch (put(rq, g, /*allowPull=*/!inHandle_, /*signal=*/true)) {
      case Put::Done: return true;
      case Put::Dropped: return false;
      case Put::NoRoom: break;
    }
  }
  if (backlogTotal_ >= p_.rxBacklog) {
    ++stats_.rxDroppedBacklogFull;
    return false;
  }
  backlog_[rq].push_back(std::move(g));
  ++backlogTotal_;
  ++stats_.rxBacklogged;
  drainBacklog(rq, /*allowPull=*/!inHandle_, /*signal=*/true);
  return true;
}

bool NetDevice::validHeld(uint16_t q, const Held& h) const {
  DeviceQueue* e = core_ ? core_->engine(q) : nullptr;
  return e && e == h.engine && e->inFlight() > 0 && e->stats().chainsPopped >= h.serial;
}

void NetDevice::dropStale(uint16_t q) {
  auto& hq = held_[q];
  hq.erase(std::remove_if(hq.begin(), hq.end(), [&](const Held& h) { return !validHeld(q, h); }), hq.end());
}

bool NetDevice::pull(uint16_t q) {
  // Fetch one more posted buffer now (a real NIC reads its receive ring when a frame arrives).
  pulling_ = true;
  const bool got = core_->processOne(q);
  pulling_ = false;
  return got;
}

NetDevice::Put NetDevice::put(uint16_t q, const NetFrame& f, bool allowPull, bool signal) {
  dropStale(q);
  auto& hq = held_[q];
  const uint32_t hl = hdrBytes();
  const uint64_t need = uint64_t{hl} + f.data.size();
  const bool mrg = has(f::kMrgRxbuf);
  // A buffer too small for the header cannot start a packet: given back empty, in its turn (so the order buffers
  // are used in stays the order they were made available).
  bool gaveBack = false;
  for (;;) {
    while (!hq.empty() && hq.front().chain.writableBytes < hl) {
      core_->complete(q, hq.front().chain, 0, /*signal=*/false);
      ++completions_;
      hq.pop_front();
      ++stats_.rxBuffersRejected;
      gaveBack = true;
    }
    if (!hq.empty() || !allowPull || !pull(q)) break;
  }
  if (gaveBack && signal) core_->signalUsed(q);
  // How many held buffers the frame needs (mergeable: as many as it takes; else exactly the first one).
  size_t count = 0;
  uint64_t room = 0;
  for (;;) {
    while (count < hq.size() && room < need && (mrg || count == 0)) room += hq[count++].chain.writableBytes;
    if (room >= need || (!mrg && count == 1)) break;
    const size_t before = hq.size();
    while (allowPull && hq.size() == before && pull(q)) {
    }
    if (hq.size() == before) return Put::NoRoom;  // nothing more posted: wait
  }
  if (room < need) {
    // devicenormative:Device Types / Network Device / Device Operation / Setting Up Receive Buffers#2: one buffer only without MRG_RXBUF: the frame does not fit it
    ++stats_.rxDroppedTooBig;
    return Put::Dropped;
  }
  // devicenormative:Device Types / Network Device / Device Operation / Setting Up Receive Buffers#1: num_buffers = buffers used
  // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#1: 1 without MRG_RXBUF
  // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#2: the buffer count with it
  NetHdr h = f.hdr;
  h.numBuffers = static_cast<uint16_t>(count);
  uint8_t hb[kMaxHdrBytes];
  encodeHdr(h, hb, hl);
  if (b_.pcap) b_.pcap->write(now(), f.data);
  // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#3: every buffer but the last filled completely
  // devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#4: all of them used together, in order
  uint64_t off = 0;  // bytes of header+frame written so far
  for (size_t i = 0; i < count; ++i) {
    Held b = std::move(hq.front());
    hq.pop_front();
    DeviceQueue* e = b.engine;
    const uint64_t take = std::min<uint64_t>(b.chain.writableBytes, need - off);
    uint64_t w = 0;
    while (w < take) {
      const uint64_t pos = off + w;
      uint64_t n;
      if (pos < hl) n = e->writeToChain(b.chain, w, hb + pos, std::min<uint64_t>(hl - pos, take - w));
      else n = e->writeToChain(b.chain, w, f.data.data() + (pos - hl), take - w);
      if (n == 0) break;  // cannot happen: the engine validated the buffer
      w += n;
    }
    off += w;
    core_->complete(q, b.chain, static_cast<uint32_t>(w), signal && i + 1 == count);
    ++completions_;
  }
  ++stats_.rxFrames;
  stats_.rxBytes += f.data.size();
  countRx(q, f.data.size());  // device statistics (net_stats.cpp)
  stats_.rxBuffersUsed += count;
  if (count > 1) ++stats_.rxMerged;
  return Put::Done;
}

void NetDevice::drainBacklog(uint16_t q, bool allowPull, bool signal) {
  auto& bq = backlog_[q];
  const uint64_t before = completions_;
  while (!bq.empty()) {
    const Put r = put(q, bq.front(), allowPull, /*signal=*/false);
    if (r == Put::NoRoom) break;
    bq.pop_front();
    --backlogTotal_;
  }
  if (signal && completions_ != before) core_->signalUsed(q);
}

}  // namespace vsim::model

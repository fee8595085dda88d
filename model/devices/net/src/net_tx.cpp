// NetDevice transmit path: header and queue checks, then pcap, host capture and the switch.
#include <algorithm>

#include "net_clauses.h"
#include "vsim/abi/features.h"
#include "vsim/model/device_core.h"
#include "vsim/model/net_device.h"
#include "vsim/model/net_tx_check.h"
#include "vsim/model/net_tx_tunnel_check.h"
#include "vsim/model/net_tx_seg_check.h"

namespace vsim::model {

using namespace net;

bool NetDevice::txQueueAllowed(uint16_t q) {
  const uint16_t pair = q / 2;
  if (pair == 0) return true;
  if (pairsSet_) {
    if (pair < activePairs_) return true;
    // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#4: no transmitq beyond virtqueue_pairs after VQ_PAIRS_SET
    violate(clause::kMqTxBeyondPairs, "net.tx_queue_beyond_pairs", "packet queued on a transmit queue beyond virtqueue_pairs",
            {{"pair", pair}, {"virtqueue_pairs", activePairs_}}, q);
    return false;
  }
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#3: only transmitq1 before VQ_PAIRS_SET (nearest without MQ: the other queues are not in use)
  violate(clause::kMqTxBeforeSet, "net.tx_queue_before_pairs_set",
          "packet queued on a transmit queue other than transmitq1 before VQ_PAIRS_SET", {{"pair", pair}, {"mq", has(f::kMq)}},
          q);
  return false;
}

ChainResult NetDevice::handleTx(DeviceCore& core, uint16_t q, const Chain& c) {
  DeviceQueue* e = core.engine(q);
  const uint32_t hl = hdrBytes();
  if (c.readableBytes < hl) {
    // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#1: the transmit header has the receive header's size
    violate(clause::kTxHdrSize, "net.tx_header_short", "transmit buffer shorter than the virtio_net_hdr",
            {{"readable", c.readableBytes}, {"hdr_len", hl}}, q);
    ++stats_.txDroppedViolation;
    return ChainResult::Done;
  }
  uint8_t hb[kMaxHdrBytes] = {};
  e->readFromChain(c, 0, hb, hl);
  NetHdr h = decodeHdr(hb, hl);
  // Only the 12-byte header is read; what follows it is frame data, whatever the flags and gso_type say:
  // devicenormative:Device Types / Network Device / Device Operation / Packet Transmission#4: no outer_nh_offset without OUT_NET_HEADER
  // devicenormative:Device Types / Network Device / Device Operation / Packet Transmission#9: no outer_th_offset / inner_nh_offset without a tunnel bit
  // devicenormative:Device Types / Network Device / Device Operation / Packet Transmission#12: no resource_id / resource_type without SECURITY
  if (hl < kHdrBytes) h.numBuffers = 0;
  const uint64_t frameLen = c.readableBytes - hl;
  if (!txQueueAllowed(q)) {
    ++stats_.txDroppedViolation;
    return ChainResult::Done;
  }
  if (auto bad = checkTxHeader(h, core.negotiated(), hl >= kHdrBytes, frameLen, core.negotiatedHigh())) {
    violate(bad->clause, bad->kind, bad->message, std::move(bad->evidence), q);
    ++stats_.txDroppedViolation;
    return ChainResult::Done;
  }
  if (frameLen > NetParams::kMaxFrameBytes) {
    ++stats_.txDroppedTooLong;
    return ChainResult::Done;
  }
  NetFrame out;
  out.data.resize(frameLen);
  if (e->readFromChain(c, hl, out.data.data(), frameLen) != frameLen) {
    ++stats_.txDroppedTooLong;  // cannot happen: the engine checked the buffers are guest memory
    return ChainResult::Done;
  }
  auto bad = checkTxChecksumPrep(h, out.data);
  if (!bad) bad = checkTxSegmentation(h, core.negotiated(), out.data);  // HOST_ECN marker, GUEST_HDRLEN
  if (!bad) bad = checkTxTunnel(h, core.negotiatedHigh(), out.data);     // UDP tunnel segmentation
  if (bad) {
    violate(bad->clause, bad->kind, bad->message, std::move(bad->evidence), q);
    ++stats_.txDroppedViolation;
    return ChainResult::Done;
  }
  // drivernormative:Device Types / Network Device / Device configuration layout#9: no packet over mtu (+ Ethernet header) without GSO
  if (has(f::kMtu) && hdr::gsoBase(h.gsoType) == hdr::kGsoNone && frameLen > maxFrameFor(p_.mtu, out.data)) {
    violate(clause::kTxOverMtu, "net.tx_over_mtu", "transmitted packet longer than the negotiated MTU allows",
            {{"frame_len", frameLen}, {"mtu", p_.mtu}}, q);
    ++stats_.txDroppedViolation;
    return ChainResult::Done;
  }
  if (frameLen < kEthHdrBytes) {
    ++stats_.txDroppedRunt;
    return ChainResult::Done;
  }
  if (!linkUp_) {
    ++stats_.txDroppedLinkDown;
    return ChainResult::Done;
  }
  if (takeBackendFailure(txBackendErrors_)) {
    ++stats_.txDroppedBackend;  // a valid frame the backend lost: the buffer is still used (the device is done with it)
    return ChainResult::Done;
  }
  // devicenormative:Device Types / Network Device / Device configuration layout#6: forwarded whole, never fragmented
  out.hdr = h;
  out.hdr.numBuffers = 0;
  // devicenormative:Device Types / Network Device / Device Operation / Packet Transmission#2: csum fields only travel with NEEDS_CSUM
  if (!(h.flags & hdr::kFNeedsCsum)) out.hdr.csumStart = out.hdr.csumOffset = 0;
  // devicenormative:Device Types / Network Device / Device Operation / Packet Transmission#7: hdr_len is carried as a hint, never relied on
  ++stats_.txFrames;
  stats_.txBytes += frameLen;
  if (has(f::kMq)) {
    if (flows_.size() >= 4096) flows_.clear();
    flows_[symmetricFlowHash(out.data)] = static_cast<uint16_t>(q / 2);  // answers come back on this pair
  }
  if (b_.pcap) b_.pcap->write(now(), out.data);
  if (p_.captureFrames) {
    if (captured_.size() >= p_.captureFrames) {
      captured_.pop_front();
      ++stats_.capturedDropped;
    }
    captured_.push_back(out);
  }
  if (b_.sw) b_.sw->forward(port_, out);
  return ChainResult::Done;  // nothing written: transmit buffers are device-readable only
}

}  // namespace vsim::model

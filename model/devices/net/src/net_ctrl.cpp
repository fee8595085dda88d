// NetDevice control queue: command shape, class / feature rules, and each command's effect.
#include <algorithm>
#include <cstring>

#include "net_clauses.h"
#include "vsim/model/device_core.h"
#include "vsim/model/net_device.h"

namespace vsim::model {

using namespace net;

namespace {
constexpr size_t kMaxCtrlData = size_t{1} << 20;  // device limit on command-specific-data read
uint16_t le16(const std::vector<uint8_t>& d, size_t off) { return static_cast<uint16_t>(d[off] | (d[off + 1] << 8)); }
uint32_t le32(const std::vector<uint8_t>& d, size_t off) {
  return uint32_t{d[off]} | uint32_t{d[off + 1]} << 8 | uint32_t{d[off + 2]} << 16 | uint32_t{d[off + 3]} << 24;
}
}  // namespace

ChainResult NetDevice::handleCtrl(DeviceCore& core, uint16_t q, const Chain& c, uint32_t& written) {
  DeviceQueue* e = core.engine(q);
  if (c.readableBytes < 2 || c.writableBytes < 1) {
    // drivernormative:Basic Facilities of a Virtio Device / Message Framing#1 (nearest: a command is class + command readable, then a writable ack)
    violate(clause::kCtrlFraming, "ctrl.malformed", "control buffer without class + command or without an ack byte (nearest)",
            {{"readable", c.readableBytes}, {"writable", c.writableBytes}}, q);
    ++stats_.ctrlErr;
    if (c.writableBytes >= 1) {
      const uint8_t ack = ctrl::kErr;
      written = static_cast<uint32_t>(e->writeToChain(c, 0, &ack, 1));
    }
    return ChainResult::Done;
  }
  uint8_t head[2];
  e->readFromChain(c, 0, head, 2);
  uint8_t ack = ctrl::kErr;
  ++cvqCommands_;  // device statistics: commands received, this one included
  const uint64_t dataLen = c.readableBytes - 2;
  ctrlWritable_ = static_cast<uint32_t>(std::min<uint64_t>(c.writableBytes, UINT32_MAX));
  ctrlResult_.clear();
  if (dataLen > kMaxCtrlData) {
    ack = malformed(head[0], head[1], dataLen, q);
  } else {
    std::vector<uint8_t> data(dataLen);
    e->readFromChain(c, 2, data.data(), dataLen);
    ack = runCtrl(head[0], head[1], data, q);
  }
  ++(ack == ctrl::kOk ? stats_.ctrlOk : stats_.ctrlErr);
  if (ack == ctrl::kOk) ++cvqOk_;
  // A command-specific-result follows the ack (only with VIRTIO_NET_OK); the effect is in place before the buffer
  // is used, and the ack is the last thing the device writes.
  uint32_t resultBytes = 0;
  if (ack == ctrl::kOk && !ctrlResult_.empty())
    resultBytes = static_cast<uint32_t>(e->writeToChain(c, 1, ctrlResult_.data(), ctrlResult_.size()));
  written = static_cast<uint32_t>(e->writeToChain(c, 0, &ack, 1)) + resultBytes;
  return ChainResult::Done;
}

uint8_t NetDevice::malformed(uint8_t cls, uint8_t cmd, size_t len, uint16_t q) {
  // drivernormative:Basic Facilities of a Virtio Device / Message Framing#1 (nearest: command-specific-data of the command's own size, no padding)
  violate(clause::kCtrlFraming, "ctrl.malformed", "command-specific-data of the wrong size for the command (nearest)",
          {{"class", cls}, {"command", cmd}, {"data_len", len}}, q);
  return ctrl::kErr;
}

uint8_t NetDevice::runCtrl(uint8_t cls, uint8_t cmd, const std::vector<uint8_t>& data, uint16_t q) {
  switch (cls) {
    case ctrl::kClassRx: return ctrlRx(cmd, data, q);
    case ctrl::kClassMac: return ctrlMac(cmd, data, q);
    case ctrl::kClassVlan: {
      // No statement forbids the class without CTRL_VLAN: answered VIRTIO_NET_ERR, not reported.
      if (!has(f::kCtrlVlan) || (cmd != ctrl::kVlanAdd && cmd != ctrl::kVlanDel)) return ctrl::kErr;
      if (data.size() != 2) return malformed(cls, cmd, data.size(), q);
      const uint16_t vid = le16(data, 0);
      if (vid > 4095) return ctrl::kErr;
      if (cmd == ctrl::kVlanAdd) filter_.vlanAdd(vid);
      else filter_.vlanDel(vid);
      return ctrl::kOk;
    }
    case ctrl::kClassAnnounce: {
      if (!has(f::kGuestAnnounce) || cmd != ctrl::kAnnounceAck) return ctrl::kErr;
      if (!data.empty()) return malformed(cls, cmd, data.size(), q);
      // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Gratuitous Packet Sending#1: ANNOUNCE cleared before the buffer is used
      if (announce_) {
        announce_ = false;
        configChanged();
      }
      return ctrl::kOk;
    }
    case ctrl::kClassMq: return ctrlMq(cmd, data, q);
    case ctrl::kClassGuestOffloads: return ctrlOffloads(cmd, data, q);
    case ctrl::kClassNotfCoal: return ctrlCoalescing(cmd, data, q);
    case ctrl::kClassHashTunnel:
      if (has(f::kHashTunnel)) return ctrlHashTunnel(cmd, data, q);
      // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Inner Header Hash#1: HASH_TUNNEL_SET needs HASH_TUNNEL negotiated
      if (cmd == 0)
        violate(clause::kHashTunnelNoFeature, "ctrl.hash_tunnel_without_feature",
                "HASH_TUNNEL_SET without VIRTIO_NET_F_HASH_TUNNEL", {{"command", cmd}}, q);
      return ctrl::kErr;
    case ctrl::kClassRssCtx:
      if (core_->has(f::kRssContext)) return ctrlRssCtx(cmd, data, q);
      // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / RSS Context#1: the class needs RSS_CONTEXT
      violate(clause::kRssCtxNoFeature, "ctrl.rss_ctx_without_feature",
              "RSS context command without VIRTIO_NET_F_RSS_CONTEXT", {{"command", cmd}}, q);
      return ctrl::kErr;
    case ctrl::kClassStats:
      // No statement forbids the class without DEVICE_STATS: answered VIRTIO_NET_ERR, not reported.
      return has(f::kDeviceStats) ? ctrlStats(cmd, data, q) : ctrl::kErr;
    default: return ctrl::kErr;  // unknown classes
  }
}

uint8_t NetDevice::ctrlRx(uint8_t cmd, const std::vector<uint8_t>& data, uint16_t q) {
  if (cmd > ctrl::kRxNoBcast) return ctrl::kErr;
  if (cmd <= ctrl::kRxAllMulti && !has(f::kCtrlRx)) {
    // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#1: PROMISC / ALLMULTI need CTRL_RX
    violate(clause::kCtrlRxNoFeature, "ctrl.rx_without_ctrl_rx", "RX class command without VIRTIO_NET_F_CTRL_RX",
            {{"command", cmd}}, q);
    return ctrl::kErr;
  }
  if (cmd >= ctrl::kRxAllUni && !has(f::kCtrlRxExtra)) {
    // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#2: ALLUNI / NOMULTI / NOUNI / NOBCAST need CTRL_RX_EXTRA
    violate(clause::kCtrlRxExtraNoFeature, "ctrl.rx_extra_without_feature",
            "RX class command without VIRTIO_NET_F_CTRL_RX_EXTRA", {{"command", cmd}}, q);
    return ctrl::kErr;
  }
  if (data.size() != 1) return malformed(ctrl::kClassRx, cmd, data.size(), q);
  if (data[0] > 1) return ctrl::kErr;  // 0 (off) or 1 (on)
  const bool on = data[0] == 1;
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#1: PROMISC and ALLMULTI supported with CTRL_RX
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#5: the four others with CTRL_RX_EXTRA
  switch (cmd) {
    case ctrl::kRxPromisc: filter_.promisc = on; break;
    case ctrl::kRxAllMulti: filter_.allMulti = on; break;
    case ctrl::kRxAllUni: filter_.allUni = on; break;
    case ctrl::kRxNoMulti: filter_.noMulti = on; break;
    case ctrl::kRxNoUni: filter_.noUni = on; break;
    default: filter_.noBcast = on; break;
  }
  return ctrl::kOk;
}

uint8_t NetDevice::ctrlMac(uint8_t cmd, const std::vector<uint8_t>& data, uint16_t q) {
  if (cmd != ctrl::kMacTableSet && cmd != ctrl::kMacAddrSet) return ctrl::kErr;
  if (!has(f::kCtrlRx)) {
    // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#1: no MAC class without CTRL_RX
    violate(clause::kCtrlMacNoFeature, "ctrl.mac_without_ctrl_rx", "MAC class command without VIRTIO_NET_F_CTRL_RX",
            {{"command", cmd}}, q);
    return ctrl::kErr;
  }
  if (cmd == ctrl::kMacAddrSet) {
    // No statement forbids ADDR_SET without CTRL_MAC_ADDR (CTRL_RX is there): answered VIRTIO_NET_ERR, not reported.
    if (!has(f::kCtrlMacAddr)) return ctrl::kErr;
    if (data.size() != 6) return malformed(ctrl::kClassMac, cmd, data.size(), q);
    const Mac m = macAt(data.data());
    if (isMulticast(m)) return ctrl::kErr;
    filter_.setDefaultMac(m);
    if (has(f::kMac)) {
      // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#3: config mac updated before the command is used
      mac_ = m;
      configChanged();
    }
    return ctrl::kOk;
  }
  // TABLE_SET: le32 N, N unicast addresses, le32 M, M multicast addresses, nothing else.
  size_t off = 0;
  std::vector<Mac> tables[2];
  const char* problem = nullptr;
  for (int t = 0; t < 2 && !problem; ++t) {
    if (data.size() - off < 4) {
      problem = "table entry count missing";
      break;
    }
    const uint64_t n = le32(data, off);
    off += 4;
    if (n > (data.size() - off) / 6) {
      problem = "fewer addresses than the entry count";
      break;
    }
    for (uint64_t i = 0; i < n; ++i, off += 6) {
      const Mac m = macAt(&data[off]);
      if (isMulticast(m) != (t == 1)) {
        problem = t == 0 ? "multicast address in the unicast table" : "unicast address in the multicast table";
        break;
      }
      tables[t].push_back(m);
    }
  }
  if (!problem && off != data.size()) problem = "bytes after the multicast table";
  if (problem) {
    // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#3: le32 count + unicast addresses, le32 count + multicast addresses
    violate(clause::kCtrlMacTable, "ctrl.mac_table_malformed", std::string("MAC_TABLE_SET: ") + problem,
            {{"data_len", data.size()}, {"offset", off}}, q);
    return ctrl::kErr;
  }
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#2: table updated before the command is used
  filter_.setMacTable(std::move(tables[0]), std::move(tables[1]));
  return ctrl::kOk;
}

uint8_t NetDevice::ctrlMq(uint8_t cmd, const std::vector<uint8_t>& data, uint16_t q) {
  if (cmd == ctrl::kMqRssConfig && has(f::kRss)) return ctrlRssConfig(data, q);
  if (cmd == ctrl::kMqRssConfig) {
    // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#1: RSS_CONFIG needs RSS negotiated
    violate(clause::kRssNoFeature, "ctrl.rss_without_feature", "MQ_RSS_CONFIG without VIRTIO_NET_F_RSS", {{"command", cmd}},
            q);
    return ctrl::kErr;
  }
  // No statement forbids VQ_PAIRS_SET without MQ: answered VIRTIO_NET_ERR, not reported (same for HASH_CONFIG).
  if (cmd != ctrl::kMqVqPairsSet || !has(f::kMq)) return ctrl::kErr;
  if (data.size() != 2) return malformed(ctrl::kClassMq, cmd, data.size(), q);
  const uint16_t pairs = le16(data, 0);
  if (!rssCtx_.empty()) {
    // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / RSS Context#3: no VQ_PAIRS_SET once an RSS context is configured
    violate(clause::kRssCtxPairsSet, "ctrl.mq_pairs_with_rss_context", "VQ_PAIRS_SET while RSS contexts are configured",
            {{"virtqueue_pairs", pairs}, {"rss_contexts", rssCtx_.size()}}, q);
    return ctrl::kErr;
  }
  if (pairs < ctrl::kMqPairsMin || pairs > p_.mqPairs) {
    // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#2: 1..max_virtqueue_pairs
    violate(clause::kMqPairsRange, "ctrl.mq_pairs_out_of_range", "VQ_PAIRS_SET outside 1..max_virtqueue_pairs",
            {{"virtqueue_pairs", pairs}, {"max_virtqueue_pairs", p_.mqPairs}}, q);
    return ctrl::kErr;
  }
  for (uint16_t k = 0; k < 2u * pairs; ++k) {
    if (!core_->queue(k).enabled) {
      // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#1: the queues are configured before they are enabled by VQ_PAIRS_SET
      violate(clause::kMqQueuesFirst, "ctrl.mq_queues_not_configured", "VQ_PAIRS_SET names queues that are not set up",
              {{"virtqueue_pairs", pairs}, {"queue", k}}, q);
      return ctrl::kErr;
    }
  }
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#2: in force before the buffer is used
  activePairs_ = pairs;
  pairsSet_ = true;
  flows_.clear();
  rss_.reset();  // back to automatic steering
  return ctrl::kOk;
}

uint8_t NetDevice::ctrlCoalescing(uint8_t cmd, const std::vector<uint8_t>& data, uint16_t q) {
  const bool global = cmd == ctrl::kNotfCoalTxSet || cmd == ctrl::kNotfCoalRxSet;
  const bool perQueue = cmd == ctrl::kNotfCoalVqSet || cmd == ctrl::kNotfCoalVqGet;
  if (global && !has(f::kNotfCoal)) {
    // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#2: TX_SET / RX_SET need NOTF_COAL
    violate(clause::kNotfCoalNoFeature, "ctrl.notf_coal_without_feature",
            "NOTF_COAL_TX_SET / RX_SET without VIRTIO_NET_F_NOTF_COAL", {{"command", cmd}}, q);
    return ctrl::kErr;
  }
  if (perQueue && !has(f::kVqNotfCoal)) {
    // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#3: VQ_SET / VQ_GET need VQ_NOTF_COAL
    violate(clause::kVqNotfCoalNoFeature, "ctrl.vq_notf_coal_without_feature",
            "NOTF_COAL_VQ_SET / VQ_GET without VIRTIO_NET_F_VQ_NOTF_COAL", {{"command", cmd}}, q);
    return ctrl::kErr;
  }
  if (!global && !perQueue) return ctrl::kErr;  // an unknown command of the class
  // struct virtio_net_ctrl_coal: le32 max_packets, le32 max_usecs (after le16 vq_index, le16 reserved per queue)
  const size_t want = cmd == ctrl::kNotfCoalVqGet ? 4 : global ? 8 : 12;
  if (data.size() != want) return malformed(ctrl::kClassNotfCoal, cmd, data.size(), q);
  if (global) {
    const Coalescing c{le32(data, 0), le32(data, 4)};
    const QueueRole r = cmd == ctrl::kNotfCoalTxSet ? QueueRole::Tx : QueueRole::Rx;
    (r == QueueRole::Tx ? txCoal_ : rxCoal_) = c;
    for (uint16_t k = 0; k < coal_.size(); ++k)
      if (role(k) == r) coal_[k] = c;
    return ctrl::kOk;
  }
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#1: reserved (bytes 2..3) is ignored
  const uint16_t vq = le16(data, 0);
  const bool dataQueue = vq < core_->numQueues() && (role(vq) == QueueRole::Rx || role(vq) == QueueRole::Tx);
  if (!dataQueue || !core_->queue(vq).enabled) {
    // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#1: vq_index names an enabled transmit or receive queue
    violate(clause::kNotfCoalVqIndex, "ctrl.notf_coal_vq_index",
            "VQ_SET / VQ_GET names a queue that is not an enabled transmit or receive queue",
            {{"command", cmd}, {"vq_index", vq}}, q);
    // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#4: answered VIRTIO_NET_ERR
    return ctrl::kErr;
  }
  if (cmd == ctrl::kNotfCoalVqGet) {
    if (ctrlWritable_ < 1 + 8) {
      // drivernormative:Basic Facilities of a Virtio Device / Message Framing#1 (nearest: the result needs its room after the ack)
      violate(clause::kCtrlFraming, "ctrl.malformed", "VQ_GET without room for its result after the ack (nearest)",
              {{"writable", ctrlWritable_}, {"needed", 9}}, q);
      return ctrl::kErr;
    }
    const Coalescing& c = coal_[vq];
    ctrlResult_.resize(8);
    for (int i = 0; i < 4; ++i) {
      ctrlResult_[i] = static_cast<uint8_t>(c.maxPackets >> (8 * i));
      ctrlResult_[4 + i] = static_cast<uint8_t>(c.maxUsecs >> (8 * i));
    }
    return ctrl::kOk;
  }
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#3: the parameters can always be changed (never VIRTIO_NET_ERR for a valid VQ_SET)
  coal_[vq] = Coalescing{le32(data, 4), le32(data, 8)};
  return ctrl::kOk;
}

uint8_t NetDevice::ctrlOffloads(uint8_t cmd, const std::vector<uint8_t>& data, uint16_t q) {
  // No statement forbids the class without CTRL_GUEST_OFFLOADS: answered VIRTIO_NET_ERR, not reported.
  if (!has(f::kCtrlGuestOffloads) || cmd != ctrl::kGuestOffloadsSet) return ctrl::kErr;
  if (data.size() != 8) return malformed(ctrl::kClassGuestOffloads, cmd, data.size(), q);
  uint64_t want = 0;
  std::memcpy(&want, data.data(), 8);
  // The offload bits are the GUEST_* feature bits (46 and 47: the UDP tunnel ones, never offered here).
  uint64_t allowed = 0;
  for (unsigned bit : {f::kGuestCsum, f::kGuestTso4, f::kGuestTso6, f::kGuestEcn, f::kGuestUfo, f::kGuestUso4,
                       f::kGuestUso6})
    if (has(bit)) allowed |= uint64_t{1} << bit;
  if (want & ~allowed) {
    // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Offloads State Configuration / Setting Offloads State#1: only negotiated offloads
    violate(clause::kOffloadNotNegotiated, "ctrl.offload_not_negotiated",
            "GUEST_OFFLOADS_SET enables an offload that was not negotiated", {{"offloads", want}, {"negotiated", allowed}},
            q);
    return ctrl::kErr;
  }
  guestOffloads_ = want;
  return ctrl::kOk;
}

}  // namespace vsim::model

// NetDevice device statistics (VIRTIO_NET_F_DEVICE_STATS): STATS_QUERY / STATS_GET for the control queue (CVQ) and
// the receive / transmit basic types, and the per-queue counters behind them. Counters are 64-bit and wrap.
#include <algorithm>
#include <bit>

#include "net_clauses.h"
#include "vsim/model/device_core.h"
#include "vsim/model/net_device.h"

namespace vsim::model {

using namespace net;

namespace {
constexpr uint64_t B(unsigned n) { return uint64_t{1} << n; }
constexpr uint64_t kSupported = B(stats::kCvq) | B(stats::kRxBasic) | B(stats::kTxBasic);
void put16(std::vector<uint8_t>& o, uint16_t v) {
  o.push_back(static_cast<uint8_t>(v));
  o.push_back(static_cast<uint8_t>(v >> 8));
}
void put64(std::vector<uint8_t>& o, uint64_t v) {
  for (int i = 0; i < 8; ++i) o.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
uint64_t get64(const std::vector<uint8_t>& d, size_t at) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | d[at + static_cast<size_t>(i)];
  return v;
}
}  // namespace

void NetDevice::countTx(uint16_t q, const NetStats& b) {
  if (q >= qstats_.size()) return;
  QueueCounters& c = qstats_[q];
  const NetStats& a = stats_;
  // unsigned arithmetic: every counter wraps to zero on overflow (Device Statistics#7 below)
  c.packets += a.txFrames - b.txFrames;
  c.bytes += a.txBytes - b.txBytes;
  const uint64_t malformed = (a.txDroppedViolation - b.txDroppedViolation) + (a.txDroppedRunt - b.txDroppedRunt) +
                             (a.txDroppedTooLong - b.txDroppedTooLong);
  c.dropsMalformed += malformed;
  c.drops += malformed + (a.txDroppedLinkDown - b.txDroppedLinkDown) + (a.txDroppedBackend - b.txDroppedBackend);
}

void NetDevice::countRx(uint16_t q, uint64_t bytes) {
  if (q >= qstats_.size()) return;
  ++qstats_[q].packets;
  qstats_[q].bytes += bytes;
}

void NetDevice::resetCounters() {
  std::fill(qstats_.begin(), qstats_.end(), QueueCounters{});
  cvqCommands_ = cvqOk_ = 0;
}

void NetDevice::presetStatsCounters(uint64_t v) {
  std::fill(qstats_.begin(), qstats_.end(), QueueCounters{v, v, v, v});
  cvqCommands_ = cvqOk_ = v;
}

uint8_t NetDevice::ctrlStats(uint8_t cmd, const std::vector<uint8_t>& data, uint16_t q) {
  if (cmd == ctrl::kStatsQuery) {
    if (!data.empty()) return malformed(ctrl::kClassStats, cmd, data.size(), q);
    if (ctrlWritable_ < 1 + 8) {
      // drivernormative:Basic Facilities of a Virtio Device / Message Framing#1 (nearest: the capabilities need their room after the ack)
      violate(clause::kCtrlFraming, "ctrl.malformed", "STATS_QUERY without room for its result after the ack (nearest)",
              {{"writable", ctrlWritable_}, {"needed", 9}}, q);
      return ctrl::kErr;
    }
    // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#1: answered with virtio_net_stats_capabilities
    ctrlResult_.clear();
    put64(ctrlResult_, kSupported);
    statsQueried_ = true;
    return ctrl::kOk;
  }
  if (cmd != ctrl::kStatsGet) return ctrl::kErr;
  if (data.empty() || data.size() % stats::kQueueStatsEntry != 0)
    return malformed(ctrl::kClassStats, cmd, data.size(), q);
  if (!statsQueried_) {
    // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#1: the types come from a STATS_QUERY
    violate(clause::kStatsQueried, "ctrl.stats_not_queried", "STATS_GET before any STATS_QUERY since reset", {}, q);
    return ctrl::kErr;
  }
  // Judge every entry before answering anything: one bad entry fails the whole command.
  size_t headers = 0;
  for (size_t at = 0; at < data.size(); at += stats::kQueueStatsEntry) {
    const uint16_t vq = static_cast<uint16_t>(data[at] | (data[at + 1] << 8));
    const uint64_t types = get64(data, at + 8);
    if (types & ~kSupported) {
      // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#1: only types STATS_QUERY reported
      violate(clause::kStatsQueried, "ctrl.stats_type_not_queried", "types_bitmap has a type the device did not report",
              {{"vq_index", vq}, {"types_bitmap", types}, {"supported", kSupported}}, q);
      // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#2: an incorrect request is answered VIRTIO_NET_ERR
      return ctrl::kErr;
    }
    const QueueRole r = vq < core_->numQueues() ? role(vq) : QueueRole::Unused;
    const uint64_t valid = r == QueueRole::Rx ? B(stats::kRxBasic) : r == QueueRole::Tx ? B(stats::kTxBasic)
                         : r == QueueRole::Ctrl ? B(stats::kCvq) : 0;
    if (r == QueueRole::Unused || (types & ~valid)) {
      // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#2: types valid for the queue named
      violate(clause::kStatsValidForVq, "ctrl.stats_type_not_for_queue",
              "types_bitmap has a type that does not apply to vq_index", {{"vq_index", vq}, {"types_bitmap", types}}, q);
      // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#3: the whole command fails, nothing is answered
      return ctrl::kErr;
    }
    headers += static_cast<size_t>(std::popcount(types));
  }
  if (ctrlWritable_ - 1 < headers * stats::kReplyHdr) {
    // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#3: room for every reply header
    violate(clause::kStatsResultRoom, "ctrl.stats_result_too_small", "command-specific-result cannot hold the reply headers",
            {{"writable_after_ack", ctrlWritable_ - 1}, {"headers_bytes", headers * stats::kReplyHdr}}, q);
    return ctrl::kErr;
  }
  ctrlResult_.clear();
  for (size_t at = 0; at < data.size(); at += stats::kQueueStatsEntry) {
    const uint16_t vq = static_cast<uint16_t>(data[at] | (data[at + 1] << 8));
    const uint64_t types = get64(data, at + 8);
    for (unsigned t : {stats::kRxBasic, stats::kTxBasic, stats::kCvq}) {
      if (!((types >> t) & 1u)) continue;
      const size_t size = t == stats::kCvq ? stats::kCvqReply : stats::kBasicReply;
      // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#4: size is the bytes of this reply
      // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#5: type and vq_index set
      ctrlResult_.push_back(static_cast<uint8_t>(t));
      ctrlResult_.push_back(0);
      put16(ctrlResult_, vq);
      put16(ctrlResult_, 0);
      put16(ctrlResult_, static_cast<uint16_t>(size));
      // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#7: 64-bit counters wrap to zero
      if (t == stats::kCvq) {
        put64(ctrlResult_, cvqCommands_);  // this command included
        put64(ctrlResult_, cvqOk_ + 1);    // and it completes successfully
        continue;
      }
      const QueueCounters& c = qstats_[vq];
      // notifications / interrupts are not counted per queue by this model: 0
      for (uint64_t v : {uint64_t{0}, c.packets, c.bytes, uint64_t{0}, c.drops, c.dropsMalformed}) put64(ctrlResult_, v);
    }
  }
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#6: no more than the result buffer holds
  if (ctrlResult_.size() > ctrlWritable_ - 1) ctrlResult_.resize(ctrlWritable_ - 1);
  return ctrl::kOk;
}

}  // namespace vsim::model

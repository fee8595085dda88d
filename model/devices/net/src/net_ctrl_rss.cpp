// NetDevice receive-side scaling: MQ_RSS_CONFIG (decoded and judged by net_rss.cpp) and the queue it selects.
#include "net_clauses.h"
#include "vsim/model/device_core.h"
#include "vsim/model/net_device.h"

namespace vsim::model {

using namespace net;

uint8_t NetDevice::ctrlRssConfig(const std::vector<uint8_t>& data, uint16_t q) {
  const RssLimits lim{p_.rssMaxIndirectionTable, p_.rssMaxKeySize, p_.rssHashTypes, p_.mqPairs};
  RssDecode d = decodeRssConfig(data, lim, [this](uint16_t vq) {
    return vq < core_->numQueues() && role(vq) == QueueRole::Rx && core_->queue(vq).enabled;
  });
  if (!d.config) {
    // The rule (RSS#2..#5, or the framing) is cited where net_rss.cpp judges it.
    if (d.clause) violate(d.clause, d.kind, "MQ_RSS_CONFIG: " + d.problem, {{"value", d.value}}, q);
    return ctrl::kErr;
  }
  // In force before the buffer is used; max_tx_vq bounds the transmit queues as VQ_PAIRS_SET's count would.
  rss_ = std::move(d.config);
  activePairs_ = rss_->maxTxVq;
  pairsSet_ = true;
  flows_.clear();
  return ctrl::kOk;
}

uint8_t NetDevice::ctrlHashTunnel(uint8_t cmd, const std::vector<uint8_t>& data, uint16_t q) {
  if (cmd != ctrl::kHashTunnelSet) return ctrl::kErr;
  if (data.size() != 4) return malformed(ctrl::kClassHashTunnel, cmd, data.size(), q);
  const uint32_t types = uint32_t{data[0]} | uint32_t{data[1]} << 8 | uint32_t{data[2]} << 16 | uint32_t{data[3]} << 24;
  if (types & ~p_.tunnelTypes) {
    // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Inner Header Hash#2: only supported encapsulation types
    violate(clause::kHashTunnelUnsupported, "ctrl.hash_tunnel_type_unsupported",
            "enabled_tunnel_types has a type supported_tunnel_types does not", {{"enabled", types}, {"supported", p_.tunnelTypes}}, q);
    return ctrl::kErr;  // (the SHOULD of the device side: refused, nothing changes)
  }
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Inner Header Hash#3: 0 turns the inner header hash off for every type
  enabledTunnels_ = types;
  return ctrl::kOk;
}

int NetDevice::rssPickQueue(const NetFrame& f) {
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Inner Header Hash#1: outer headers unless they are an enabled encapsulation
  const auto inner = innerFrame(f.data, enabledTunnels_);
  const auto in = rssHashInput(inner ? *inner : f.data, rss_->hashTypes);
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS) / RSS processing#1: Toeplitz hash & mask indexes the table; no hash: unclassified_queue
  const uint16_t q = in ? rss_->table[toeplitz(rss_->key, *in) & rss_->indirectionMask] : rss_->unclassifiedQueue;
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS) / RSS processing#2: the destination is being reset: dropped
  if (q >= core_->numQueues() || !core_->queue(q).enabled || !core_->engine(q)) return -1;
  return q;
}

}  // namespace vsim::model

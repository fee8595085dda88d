// NetDevice RSS contexts (VIRTIO_NET_F_RSS_CONTEXT, feature 64): VIRTNET_RSS_CTX_CTRL CAP_GET / ADD / MOD / DEL.
// A context holds an RSS configuration judged like MQ_RSS_CONFIG (net_rss.cpp); contexts are kept for the flow
// filter's "deliver to an RSS context" action and dropped at reset.
#include "net_clauses.h"
#include "vsim/model/device_core.h"
#include "vsim/model/net_device.h"

namespace vsim::model {

using namespace net;

uint8_t NetDevice::ctrlRssCtx(uint8_t cmd, const std::vector<uint8_t>& data, uint16_t q) {
  if (cmd == ctrl::kRssCtxCapGet) {
    if (!data.empty()) return malformed(ctrl::kClassRssCtx, cmd, data.size(), q);
    // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / RSS Context#1: max_rss_contexts (>= 1, option floor) as the result
    ctrlResult_ = {static_cast<uint8_t>(p_.rssContexts), static_cast<uint8_t>(p_.rssContexts >> 8)};
    return ctrl::kOk;
  }
  if (cmd != ctrl::kRssCtxAdd && cmd != ctrl::kRssCtxMod && cmd != ctrl::kRssCtxDel) return ctrl::kErr;
  const size_t fixed = cmd == ctrl::kRssCtxDel ? 2 : 8;  // le16 rss_ctx_id (+ 6 reserved bytes before the config)
  if (data.size() < fixed || (cmd == ctrl::kRssCtxDel && data.size() != 2))
    return malformed(ctrl::kClassRssCtx, cmd, data.size(), q);
  const uint16_t id = static_cast<uint16_t>(data[0] | (data[1] << 8));
  if (id < 1 || id > p_.rssContexts) {
    // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / RSS Context#2: rss_ctx_id within 1..max_rss_contexts
    violate(clause::kRssCtxIdRange, "ctrl.rss_ctx_id_out_of_range", "rss_ctx_id outside 1..max_rss_contexts",
            {{"command", cmd}, {"rss_ctx_id", id}, {"max_rss_contexts", p_.rssContexts}}, q);
    return ctrl::kErr;
  }
  const bool exists = rssCtx_.count(id) > 0;
  if (cmd == ctrl::kRssCtxDel) {
    if (!exists) return ctrl::kErr;  // nothing to delete: refused, no statement broken
    rssCtx_.erase(id);
    return ctrl::kOk;
  }
  if ((cmd == ctrl::kRssCtxAdd) == exists) return ctrl::kErr;  // ADD of a known id / MOD of an unknown one: refused
  const RssLimits lim{p_.rssMaxIndirectionTable, p_.rssMaxKeySize, p_.rssHashTypes, p_.mqPairs};
  const std::vector<uint8_t> rss(data.begin() + 8, data.end());
  RssDecode d = decodeRssConfig(rss, lim, [this](uint16_t vq) {
    return vq < core_->numQueues() && role(vq) == QueueRole::Rx && core_->queue(vq).enabled;
  });
  if (!d.config) {
    // The rule (RSS#2..#5, or the framing) is cited where net_rss.cpp judges it.
    if (d.clause) violate(d.clause, d.kind, "RSS context " + std::to_string(id) + ": " + d.problem, {{"value", d.value}}, q);
    return ctrl::kErr;
  }
  rssCtx_[id] = std::move(*d.config);
  return ctrl::kOk;
}

}  // namespace vsim::model

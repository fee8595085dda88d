// NetDriver RSS contexts (VIRTIO_NET_F_RSS_CONTEXT, feature 64): VIRTNET_RSS_CTX_CTRL CAP_GET / ADD / MOD / DEL.
#include "vsim/drv/net_clauses.h"
#include "vsim/drv/net_driver.h"

namespace vsim::drv {

using namespace net;

namespace {
constexpr const char* kCtxAtLeastOne =
    "devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / RSS Context#1";
std::vector<uint8_t> le16(uint16_t v) { return {static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8)}; }
}  // namespace

CtrlStatus NetDriver::rssContextCapability(uint16_t* maxContexts) {
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / RSS Context#1: the class only with RSS_CONTEXT negotiated
  if (!dev_ || !dev_->hasFeature(f::kRssContext)) return CtrlStatus::NotNegotiated;
  std::vector<uint8_t> r;
  const CtrlStatus st = command(ctrl::kClassRssCtx, ctrl::kRssCtxCapGet, {}, nullptr, &r, 2);
  if (st != CtrlStatus::Ok) return st;
  rssCtxMax_ = static_cast<uint16_t>(r[0] | (r[1] << 8));
  if (rssCtxMax_ == 0)
    // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / RSS Context#1: max_rss_contexts is at least 1 when RSS_CONTEXT is offered
    report(kCtxAtLeastOne, "net.rss_ctx_none", "RSS_CONTEXT offered with max_rss_contexts 0", {}, ctrlQ_);
  if (maxContexts) *maxContexts = rssCtxMax_;
  return st;
}

CtrlStatus NetDriver::rssContextSet(uint16_t id, const RssSettings& s, bool add) {
  if (!dev_ || !dev_->hasFeature(f::kRssContext)) return CtrlStatus::NotNegotiated;
  if (rssCtxMax_ == 0) {
    const CtrlStatus st = rssContextCapability(nullptr);
    if (st != CtrlStatus::Ok) return st;
  }
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / RSS Context#2: rss_ctx_id within 1..max_rss_contexts
  if (id < 1 || id > rssCtxMax_) return CtrlStatus::Failed;
  const std::vector<uint8_t> rss = rssConfigBytes(s);
  if (rss.empty()) return CtrlStatus::Failed;
  std::vector<uint8_t> head = le16(id);
  head.resize(8, 0);  // six reserved bytes
  const CtrlStatus st = command(ctrl::kClassRssCtx, add ? ctrl::kRssCtxAdd : ctrl::kRssCtxMod, {head, rss}, nullptr);
  if (st == CtrlStatus::Ok) rssCtx_.insert(id);
  return st;
}

CtrlStatus NetDriver::rssContextDelete(uint16_t id) {
  if (!dev_ || !dev_->hasFeature(f::kRssContext)) return CtrlStatus::NotNegotiated;
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / RSS Context#2: rss_ctx_id within 1..max_rss_contexts
  if (id < 1 || (rssCtxMax_ && id > rssCtxMax_)) return CtrlStatus::Failed;
  const CtrlStatus st = command(ctrl::kClassRssCtx, ctrl::kRssCtxDel, {le16(id)}, nullptr);
  if (st == CtrlStatus::Ok) rssCtx_.erase(id);
  return st;
}

}  // namespace vsim::drv

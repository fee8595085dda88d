// RSS contexts (VIRTIO_NET_F_RSS_CONTEXT, feature bit 64, offered with the net option rss_contexts): the device's
// capability answer and its reset in the device direction; the built-in driver's use of contexts, and two faulty
// drivers (a context id out of range, VQ_PAIRS_SET while a context is configured), in the driver direction.
#include "net_support.h"

namespace vsim::conformance {

using namespace netsuite;
namespace nf = drv::net::f;
namespace nc = drv::net::ctrl;

namespace {

const std::vector<TK> kModern = {TK::PciModern, TK::PciTransitional, TK::MmioV2};  // feature bits above 63
const model::DeviceOptions kCtx = {{"rss", "true"}, {"mq_pairs", "4"}, {"rss_contexts", "3"}};
constexpr const char* kCapAtLeastOne =
    "devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / RSS Context#1";
constexpr const char* kClearedByReset =
    "devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / RSS Context#2";
constexpr const char* kIdRange =
    "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / RSS Context#2";
constexpr const char* kNoPairsSet =
    "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / RSS Context#3";

void withContexts(drv::NetDriverOptions& o) {
  o.features |= bit(nf::kRss);
  o.featuresHigh |= nf::bitHigh(nf::kRssContext);
}

bool negotiated(NetRig& r) {
  if (r.net->device().hasFeature(nf::kRssContext)) return true;
  r.ctx.notSupported("VIRTIO_NET_F_RSS_CONTEXT was not negotiated on this transport");
  return false;
}

drv::RssSettings spread(uint16_t pairs) {
  drv::RssSettings s;
  s.hashTypes = 1u << 1;  // TCPv4
  for (uint16_t k = 0; k < 8; ++k) s.table.push_back(static_cast<uint16_t>(k % pairs));
  s.maxTxPairs = pairs;
  s.key.assign(40, 0x3c);
  return s;
}

std::vector<uint8_t> le16(uint16_t v) { return {static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8)}; }

/// rss_ctx_id, six reserved bytes, then a one-entry virtio_net_rss_config (TCPv4, receiveq1, a 40-byte key).
std::vector<uint8_t> addModify(uint16_t id) {
  std::vector<uint8_t> d = le16(id);
  d.resize(8, 0);
  for (uint8_t b : {2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 40}) d.push_back(b);  // types, mask, unclassified, table, max_tx_vq, key len
  d.insert(d.end(), 40, 0x5a);
  return d;
}

void deviceTests(std::vector<TestInfo>& out) {
  out.push_back(makeNetCase(NetCase{
      .id = "virtio.device.core.net.rss_ctx.capability",
      .clauses = {kCapAtLeastOne},
      .judgedByDriver = {kCapAtLeastOne},
      .description = "RSS_CONTEXT offered: CAP_GET answers max_rss_contexts of at least 1, and that many contexts "
                     "(ids 1..max) can be added and deleted",
      .transports = kModern,
      .deviceOptions = kCtx,
      .driverOptions = withContexts,
      .body =
          [](NetRig& r) {
            if (!negotiated(r)) return;
            uint16_t max = 0;
            if (r.net->rssContextCapability(&max) != drv::CtrlStatus::Ok) return r.ctx.check(false, "CAP_GET refused");
            r.ctx.check(max >= 1, "max_rss_contexts is 0");
            for (uint16_t id = 1; id <= max; ++id)
              r.ctx.check(r.net->rssContextSet(id, spread(4), true) == drv::CtrlStatus::Ok,
                          "context " + std::to_string(id) + " was refused");
            for (uint16_t id = 1; id <= max; ++id)
              r.ctx.check(r.net->rssContextDelete(id) == drv::CtrlStatus::Ok,
                          "context " + std::to_string(id) + " could not be deleted");
          },
  }));
  out.push_back(makeNetCase(NetCase{
      .id = "virtio.device.core.net.rss_ctx.cleared_by_reset",
      .clauses = {kClearedByReset},
      .description = "a context is added, the device is reset and initialised again: modifying that context is "
                     "refused (it is gone) and adding it again is accepted",
      .transports = kModern,
      .deviceOptions = kCtx,
      .driverOptions = withContexts,
      .body =
          [](NetRig& r) {
            if (!negotiated(r)) return;
            if (r.net->rssContextSet(1, spread(4), true) != drv::CtrlStatus::Ok)
              return r.ctx.check(false, "context 1 was refused");
            drv::NetDriverOptions o;
            withContexts(o);
            r.net.reset();
            r.net = openNet(r.ctx, r.hal, r.sink, o);  // initialisation starts with a device reset
            if (!r.net) return;
            uint8_t ack = 0xff;
            r.net->rawCommand(nc::kClassRssCtx, nc::kRssCtxMod, {addModify(1)}, &ack);
            r.ctx.check(ack == 1 /* VIRTIO_NET_ERR */, "context 1 could still be modified after the reset");
            r.ctx.check(r.net->rssContextSet(1, spread(4), true) == drv::CtrlStatus::Ok,
                        "context 1 could not be added again after the reset");
          },
  }));
}

void driverTests(std::vector<TestInfo>& out) {
  out.push_back(makeNetCase(NetCase{
      .id = "virtio.driver.core.net.rss_ctx.workload",
      .target = Direction::Driver,
      .clauses = {kIdRange, kNoPairsSet},
      .description = "the built-in driver adds, modifies and deletes RSS contexts with ids 1..max_rss_contexts and "
                     "holds VQ_PAIRS_SET back until no context is left",
      .transports = kModern,
      .deviceOptions = kCtx,
      .driverOptions = withContexts,
      .body =
          [](NetRig& r) {
            if (!negotiated(r)) return;
            r.ctx.check(r.net->rssContextSet(0, spread(4), true) == drv::CtrlStatus::Failed, "id 0 was sent");
            r.ctx.check(r.net->rssContextSet(4, spread(4), true) == drv::CtrlStatus::Failed, "id 4 (> max 3) was sent");
            r.ctx.check(r.net->rssContextSet(2, spread(2), true) == drv::CtrlStatus::Ok, "context 2 was refused");
            r.ctx.check(r.net->rssContextSet(2, spread(4), false) == drv::CtrlStatus::Ok, "context 2 was not modified");
            r.ctx.check(r.net->setQueuePairs(2) == drv::CtrlStatus::Failed, "VQ_PAIRS_SET went out with a context set");
            r.ctx.check(r.net->rssContextDelete(2) == drv::CtrlStatus::Ok, "context 2 was not deleted");
            r.ctx.check(r.net->setQueuePairs(2) == drv::CtrlStatus::Ok, "VQ_PAIRS_SET refused with no context left");
          },
  }));
}

/// A driver that negotiates RSS contexts through NetDriver, then sends one raw command breaking `clause`.
TestInfo mutant(const std::string& id, const std::string& clause, const std::string& desc,
                std::function<bool(NetRig&)> body) {
  NetMutant n{.id = id, .clause = clause, .description = desc, .transports = kModern, .deviceOptions = kCtx};
  n.driverOptions = withContexts;
  n.body = [body](NetRig& r) {
    if (!r.net->device().hasFeature(nf::kRssContext)) {
      r.ctx.notSupported("RSS_CONTEXT was not negotiated");
      return false;
    }
    return body(r);
  };
  return makeNetMutant(std::move(n));
}

void mutants(std::vector<TestInfo>& out) {
  out.push_back(mutant("virtio.driver.core.net.rss_ctx.id_zero", kIdRange,
                       "VIRTNET_RSS_CTX_CTRL_ADD with rss_ctx_id 0 (the default configuration's, not a context's)",
                       [](NetRig& r) {
                         uint8_t ack = 0;
                         r.net->rawCommand(nc::kClassRssCtx, nc::kRssCtxAdd, {addModify(0)}, &ack);
                         return true;
                       }));
  out.push_back(mutant("virtio.driver.core.net.rss_ctx.pairs_set_with_context", kNoPairsSet,
                       "VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET sent while RSS context 1 is configured",
                       [](NetRig& r) {
                         if (r.net->rssContextSet(1, spread(4), true) != drv::CtrlStatus::Ok) {
                           r.ctx.harnessError("context 1 was refused");
                           return false;
                         }
                         uint8_t ack = 0;
                         r.net->rawCommand(nc::kClassMq, nc::kMqVqPairsSet, {le16(2)}, &ack);
                         return true;
                       }));
}

}  // namespace

void registerNetRssContextTests(std::vector<TestInfo>& out) {
  deviceTests(out);
  driverTests(out);
  mutants(out);
}

}  // namespace vsim::conformance

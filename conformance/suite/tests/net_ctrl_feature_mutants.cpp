// Faulty network drivers for the control-queue features offered on request (rss, device_stats): each negotiates
// the feature through our NetDriver, then sends one command that breaks exactly one statement the device checks
// (MQ_RSS_CONFIG tables and hash types, STATS_GET requests). The strict device must report that clause alone.
#include "net_support.h"

namespace vsim::conformance {

using namespace netsuite;
namespace nf = drv::net::f;
namespace nc = drv::net::ctrl;
namespace ns = drv::net::stats;

namespace {

const std::vector<TK> kModern = {TK::PciModern, TK::PciTransitional, TK::MmioV2};  // feature bits above 31

struct FeatureMutant {
  std::string id{}, clause{}, description{};
  model::DeviceOptions deviceOptions{};
  unsigned feature = 0;  ///< the feature our driver negotiates on top of its defaults
  uint64_t alsoFeatures = 0;  ///< and the ones it requires
  std::function<bool(NetRig&)> body{};
};

TestInfo make(FeatureMutant m) {
  NetMutant n{.id = m.id, .clause = m.clause, .description = m.description, .transports = kModern,
              .deviceOptions = m.deviceOptions};
  n.driverOptions = [m](drv::NetDriverOptions& o) { o.features |= bit(m.feature) | m.alsoFeatures; };
  n.body = [m](NetRig& r) {
    if (!r.net->has(m.feature)) {
      r.ctx.notSupported("the feature this fault needs was not negotiated");
      return false;
    }
    return m.body(r);
  };
  return makeNetMutant(std::move(n));
}

bool sent(NetRig& r, drv::CtrlStatus s) {
  if (s != drv::CtrlStatus::Ok && s != drv::CtrlStatus::Err) {
    r.ctx.harnessError(std::string("the command was not used: ") + drv::ctrlStatusName(s));
    return false;
  }
  return true;
}

void put(std::vector<uint8_t>& o, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) o.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

/// virtio_net_rss_config: `types`, `entries` table entries naming `id` (rss_rq_id) each, unclassified 0,
/// max_tx_vq 1, a 40-byte key.
std::vector<uint8_t> rssConfig(uint32_t types, size_t entries, uint16_t id) {
  std::vector<uint8_t> d;
  put(d, types, 4);
  put(d, entries - 1, 2);
  put(d, 0, 2);
  for (size_t i = 0; i < entries; ++i) put(d, id, 2);
  put(d, 1, 2);
  d.push_back(40);
  for (int i = 0; i < 40; ++i) d.push_back(static_cast<uint8_t>(i * 11 + 1));
  return d;
}

bool rssCommand(NetRig& r, const std::vector<uint8_t>& d) {
  return sent(r, r.net->rawCommand(nc::kClassMq, nc::kMqRssConfig, {d}));
}

std::vector<uint8_t> statsEntry(uint16_t vq, uint64_t types) {
  std::vector<uint8_t> e;
  put(e, vq, 2);
  put(e, 0, 6);
  put(e, types, 8);
  return e;
}

bool query(NetRig& r) {
  if (r.net->statsQuery(nullptr) == drv::CtrlStatus::Ok) return true;
  r.ctx.harnessError("STATS_QUERY refused");
  return false;
}

constexpr uint32_t kTcpv4 = 1u << 1;
const model::DeviceOptions kRss = {{"rss", "true"}, {"mq_pairs", "2"}};
const model::DeviceOptions kStats = {{"device_stats", "true"}};

}  // namespace

void registerNetCtrlFeatureMutants(std::vector<TestInfo>& out) {
  auto add = [&](FeatureMutant m) { out.push_back(make(std::move(m))); };
  add({.id = "virtio.driver.core.net.rss.table_queue_not_enabled",
       // drivernormative: the indirection table names enabled receive queues only
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#2",
       .description = "2 pairs; MQ_RSS_CONFIG whose table names receiveq6 (rss_rq_id 5), which does not exist",
       .deviceOptions = kRss,
       .feature = nf::kRss,
       .body = [](NetRig& r) { return rssCommand(r, rssConfig(kTcpv4, 4, 5)); }});
  add({.id = "virtio.driver.core.net.rss.table_not_power_of_two",
       // drivernormative: indirection_table_mask + 1 is a power of two
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#3",
       .description = "MQ_RSS_CONFIG with indirection_table_mask 2 (3 entries)",
       .deviceOptions = kRss,
       .feature = nf::kRss,
       .body = [](NetRig& r) { return rssCommand(r, rssConfig(kTcpv4, 3, 0)); }});
  add({.id = "virtio.driver.core.net.rss.mask_not_below_table_length",
       // drivernormative: indirection_table_mask below rss_max_indirection_table_length
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#4",
       .description = "rss_max_indirection_table_length 128; MQ_RSS_CONFIG with a 256-entry table (mask 255)",
       .deviceOptions = kRss,
       .feature = nf::kRss,
       .body = [](NetRig& r) { return rssCommand(r, rssConfig(kTcpv4, 256, 0)); }});
  add({.id = "virtio.driver.core.net.rss.unsupported_hash_type",
       // drivernormative: no hash type the device does not support
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#5",
       .description = "supported_hash_types 0x3f; MQ_RSS_CONFIG enabling VIRTIO_NET_HASH_TYPE_UDP_EX (bit 8)",
       .deviceOptions = kRss,
       .feature = nf::kRss,
       .body = [](NetRig& r) { return rssCommand(r, rssConfig(kTcpv4 | (1u << 8), 4, 0)); }});
  add({.id = "virtio.driver.core.net.rss.hash_tunnel_type_unsupported",
       // drivernormative: enabled_tunnel_types only has supported types
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Inner Header Hash#2",
       .description = "supported_tunnel_types VXLAN | IPIP; HASH_TUNNEL_SET enabling GENEVE (bit 6)",
       .deviceOptions = {{"rss", "true"}, {"mq_pairs", "2"}, {"hash_tunnel", "true"}},
       .feature = nf::kHashTunnel,
       .alsoFeatures = bit(nf::kRss),
       .body = [](NetRig& r) {
         std::vector<uint8_t> d;
         put(d, 1u << 6, 4);
         return sent(r, r.net->rawCommand(nc::kClassHashTunnel, nc::kHashTunnelSet, {d}));
       }});
  add({.id = "virtio.driver.core.net.stats.get_without_query",
       // drivernormative: the types come from STATS_QUERY
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#1",
       .description = "STATS_GET of receiveq1 RX_BASIC without any STATS_QUERY before it",
       .deviceOptions = kStats,
       .feature = nf::kDeviceStats,
       .body = [](NetRig& r) {
         std::vector<uint8_t> res;
         return sent(r, r.net->rawCommand(nc::kClassStats, nc::kStatsGet, {statsEntry(0, 1)}, nullptr, &res, ns::kBasicReply));
       }});
  add({.id = "virtio.driver.core.net.stats.type_not_for_queue",
       // drivernormative: types_bitmap valid for the queue named
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#2",
       .description = "after STATS_QUERY, STATS_GET asking TX_BASIC of receiveq1",
       .deviceOptions = kStats,
       .feature = nf::kDeviceStats,
       .body = [](NetRig& r) {
         std::vector<uint8_t> res;
         return query(r) && sent(r, r.net->rawCommand(nc::kClassStats, nc::kStatsGet,
                                                      {statsEntry(0, uint64_t{1} << ns::kTxBasic)}, nullptr, &res,
                                                      ns::kBasicReply));
       }});
  add({.id = "virtio.driver.core.net.stats.result_below_reply_headers",
       // drivernormative: the result buffer holds every reply header
       .clause = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#3",
       .description = "after STATS_QUERY, STATS_GET of receiveq1 and transmitq1 with 12 bytes of result (two headers "
                      "need 16)",
       .deviceOptions = kStats,
       .feature = nf::kDeviceStats,
       .body = [](NetRig& r) {
         std::vector<uint8_t> d = statsEntry(0, 1), tx = statsEntry(1, uint64_t{1} << ns::kTxBasic), res;
         d.insert(d.end(), tx.begin(), tx.end());
         return query(r) && sent(r, r.net->rawCommand(nc::kClassStats, nc::kStatsGet, {d}, nullptr, &res, 12));
       }});
}

}  // namespace vsim::conformance

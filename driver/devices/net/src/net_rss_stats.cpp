// NetDriver receive-side scaling (MQ_RSS_CONFIG) and device statistics (STATS_QUERY / STATS_GET): the driver rules
// each command has, and the device rules the answers must keep.
#include "vsim/drv/net_clauses.h"
#include "vsim/drv/net_driver.h"

namespace vsim::drv {

using namespace net;

namespace {
void put(std::vector<uint8_t>& o, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) o.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
uint64_t get(const std::vector<uint8_t>& d, size_t at, size_t n) {
  uint64_t v = 0;
  for (size_t i = n; i-- > 0;) v = v << 8 | d[at + i];
  return v;
}
uint32_t replySize(unsigned type) { return type == stats::kCvq ? stats::kCvqReply : stats::kBasicReply; }
}  // namespace

bool NetDriver::readRssConfig(Device& d, NetConfig& c) {
  if (!d.readConfig(cfg::kRssMaxKeySize, &c.rssMaxKeySize) ||
      !d.readConfig(cfg::kRssMaxIndirectionTableLength, &c.rssMaxIndirectionTableLength) ||
      !d.readConfig(cfg::kSupportedHashTypes, &c.supportedHashTypes))
    return false;
  if (((d.offeredFeatures() >> f::kHashTunnel) & 1u) && !d.readConfig(cfg::kSupportedTunnelTypes, &c.supportedTunnelTypes))
    return false;
  // devicenormative:Device Types / Network Device / Device configuration layout#7: rss_max_key_size at least 40 with RSS
  if (c.rssMaxKeySize < 40)
    report(clause::kNetRssKeySize, "net.rss_key_size_small", "rss_max_key_size below 40", {{"rss_max_key_size", c.rssMaxKeySize}});
  // devicenormative:Device Types / Network Device / Device configuration layout#8: rss_max_indirection_table_length at least 128 with RSS
  if (c.rssMaxIndirectionTableLength < 128)
    report(clause::kNetRssTableLength, "net.rss_table_length_small", "rss_max_indirection_table_length below 128",
           {{"rss_max_indirection_table_length", c.rssMaxIndirectionTableLength}});
  return true;
}

std::vector<uint8_t> NetDriver::rssConfigBytes(const RssSettings& s) const {
  const size_t n = s.table.size();
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#3: a power of two entries
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#4: mask below rss_max_indirection_table_length
  if (n == 0 || (n & (n - 1)) != 0 || n > cfg_.rssMaxIndirectionTableLength) return {};
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#5: only supported hash types
  if (s.hashTypes & ~cfg_.supportedHashTypes) return {};
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#2: only enabled receive queues (every pair is set up)
  for (uint16_t p : s.table)
    if (p >= pairs_) return {};
  if (s.unclassifiedPair >= pairs_ || s.maxTxPairs < 1 || s.maxTxPairs > pairs_ || s.key.size() > cfg_.rssMaxKeySize)
    return {};
  std::vector<uint8_t> d;
  put(d, s.hashTypes, 4);
  put(d, n - 1, 2);
  put(d, s.unclassifiedPair, 2);  // rss_rq_id: receiveq index / 2 = the pair
  for (uint16_t p : s.table) put(d, p, 2);
  put(d, s.maxTxPairs, 2);
  d.push_back(static_cast<uint8_t>(s.key.size()));
  d.insert(d.end(), s.key.begin(), s.key.end());
  return d;
}

CtrlStatus NetDriver::setRss(const RssSettings& s) {
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#1: only with RSS negotiated
  if (!has(f::kRss)) return CtrlStatus::NotNegotiated;
  const std::vector<uint8_t> d = rssConfigBytes(s);
  if (d.empty()) return CtrlStatus::Failed;
  // no transmit beyond the new count once the command is out
  activePairs_ = std::min(activePairs_, s.maxTxPairs);
  const CtrlStatus st = command(ctrl::kClassMq, ctrl::kMqRssConfig, {d}, nullptr);
  if (st == CtrlStatus::Ok) activePairs_ = s.maxTxPairs;
  return st;
}

CtrlStatus NetDriver::setHashTunnel(uint32_t types) {
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Inner Header Hash#1: only with HASH_TUNNEL negotiated
  if (!has(f::kHashTunnel)) return CtrlStatus::NotNegotiated;
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Inner Header Hash#2: only types supported_tunnel_types has
  if (types & ~cfg_.supportedTunnelTypes) return CtrlStatus::Failed;
  std::vector<uint8_t> d;
  put(d, types, 4);
  return command(ctrl::kClassHashTunnel, ctrl::kHashTunnelSet, {d}, nullptr);
}

CtrlStatus NetDriver::statsQuery(uint64_t* supported) {
  if (!has(f::kDeviceStats)) return CtrlStatus::NotNegotiated;
  std::vector<uint8_t> r;
  const CtrlStatus st = command(ctrl::kClassStats, ctrl::kStatsQuery, {}, nullptr, &r, 8);
  if (st != CtrlStatus::Ok) {
    // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#1: STATS_QUERY is answered with the capabilities
    if (st == CtrlStatus::Err)
      report(clause::kNetStatsQuery, "net.stats_query_refused", "STATS_QUERY answered VIRTIO_NET_ERR", {}, ctrlQ_);
    return st;
  }
  statsTypes_ = get(r, 0, 8);
  if (supported) *supported = statsTypes_;
  return st;
}

CtrlStatus NetDriver::statsGet(const std::vector<StatsRequest>& req, std::vector<uint8_t>* reply) {
  if (!has(f::kDeviceStats)) return CtrlStatus::NotNegotiated;
  uint32_t bytes = 0;
  std::vector<uint8_t> d;
  for (const StatsRequest& e : req) {
    // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#1: only types STATS_QUERY reported
    if (!statsTypes_ || (e.types & ~statsTypes_)) return CtrlStatus::Failed;
    // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#2: types valid for the queue
    const bool cvq = ctrlQ_ >= 0 && e.vq == ctrlQ_;
    const uint64_t valid = cvq ? uint64_t{1} << stats::kCvq
                         : e.vq < 2u * pairs_ ? ((e.vq & 1) ? uint64_t{0xf} << stats::kTxBasic : uint64_t{0xf}) : 0;
    if (e.types & ~valid) return CtrlStatus::Failed;
    for (unsigned t = 0; t < 64; ++t)
      if ((e.types >> t) & 1u) bytes += replySize(t);
    put(d, e.vq, 2);
    put(d, 0, 6);
    put(d, e.types, 8);
  }
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#3: room for every reply (headers included)
  std::vector<uint8_t> r;
  const CtrlStatus st = command(ctrl::kClassStats, ctrl::kStatsGet, {d}, nullptr, &r, bytes);
  if (st != CtrlStatus::Ok) return st;
  // The replies come in request order, each with its header: type, vq_index, size.
  size_t at = 0;
  for (const StatsRequest& e : req)
    for (unsigned t = 0; t < 64; ++t) {
      if (!((e.types >> t) & 1u)) continue;
      const unsigned type = r[at];
      const uint16_t vq = static_cast<uint16_t>(get(r, at + 2, 2));
      const uint16_t size = static_cast<uint16_t>(get(r, at + 6, 2));
      // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#5: type and vq_index of each reply
      if (type != t || vq != e.vq)
        report(clause::kNetStatsReplyHdr, "net.stats_reply_header", "statistics reply header names another type or queue",
               {{"type", type}, {"expected_type", t}, {"vq_index", vq}, {"expected_vq", e.vq}}, ctrlQ_);
      // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#4: size is the reply's own size
      if (size != replySize(t)) {
        report(clause::kNetStatsReplySize, "net.stats_reply_size", "statistics reply size is not the size of its type",
               {{"size", size}, {"expected", replySize(t)}}, ctrlQ_);
        return CtrlStatus::Failed;
      }
      at += size;
    }
  if (reply) *reply = std::move(r);
  return st;
}

}  // namespace vsim::drv

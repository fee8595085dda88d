// Net device control features offered on request: RSS (Toeplitz, hash input, MQ_RSS_CONFIG rules and steering) and
// device statistics (STATS_QUERY / STATS_GET, their rules, counters).
#include <stdexcept>

#include "net_fixture.h"
#include "vsim/model/net_rss.h"
#include "vsim/model/net_type.h"

namespace vsim::model::test {
namespace {

using namespace net;

void put(std::vector<uint8_t>& o, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) o.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
uint64_t get(const std::vector<uint8_t>& d, size_t at, size_t n) {
  uint64_t v = 0;
  for (size_t i = n; i-- > 0;) v = v << 8 | d[at + i];
  return v;
}

/// TCP (or UDP) over IPv4 from 10.0.0.1:sport to 10.0.0.2:dport; `frag` marks it a non-first fragment.
std::vector<uint8_t> ip4(const Mac& dst, uint16_t sport, uint16_t dport, uint8_t proto = 6, bool frag = false) {
  std::vector<uint8_t> f(14 + 20 + 20, 0);
  std::memcpy(f.data(), dst.data(), 6);
  std::memcpy(f.data() + 6, kPeer.data(), 6);
  f[12] = 0x08;
  f[14] = 0x45;
  f[16] = 0;
  f[17] = 40;
  if (frag) f[21] = 0x10;
  f[22] = 64;
  f[23] = proto;
  const uint8_t addrs[8] = {10, 0, 0, 1, 10, 0, 0, 2};
  std::memcpy(f.data() + 26, addrs, 8);
  f[34] = static_cast<uint8_t>(sport >> 8);
  f[35] = static_cast<uint8_t>(sport);
  f[36] = static_cast<uint8_t>(dport >> 8);
  f[37] = static_cast<uint8_t>(dport);
  return f;
}

/// Bit by bit, as the algorithm is usually described: input bit i set -> XOR key bits i..i+31.
uint32_t slowToeplitz(const std::vector<uint8_t>& key, const std::vector<uint8_t>& in) {
  uint32_t h = 0;
  for (size_t i = 0; i < in.size() * 8; ++i) {
    if (!((in[i / 8] >> (7 - i % 8)) & 1u)) continue;
    uint32_t w = 0;
    for (size_t j = 0; j < 32; ++j) {
      const size_t n = i + j;
      w = w << 1 | (n / 8 < key.size() ? (key[n / 8] >> (7 - n % 8)) & 1u : 0u);
    }
    h ^= w;
  }
  return h;
}

std::vector<uint8_t> key40() {
  std::vector<uint8_t> k(40);
  for (size_t i = 0; i < 40; ++i) k[i] = static_cast<uint8_t>(0x3b * i + 7);
  return k;
}

std::vector<uint8_t> rssCmd(uint32_t types, const std::vector<uint16_t>& ids, uint16_t unclassified = 0,
                            uint16_t maxTx = 1, std::vector<uint8_t> key = key40()) {
  std::vector<uint8_t> d;
  put(d, types, 4);
  put(d, ids.size() - 1, 2);
  put(d, unclassified, 2);
  for (uint16_t id : ids) put(d, id, 2);
  put(d, maxTx, 2);
  d.push_back(static_cast<uint8_t>(key.size()));
  d.insert(d.end(), key.begin(), key.end());
  return d;
}

TEST(NetRss, ToeplitzMatchesTheBitwiseDefinition) {
  const auto k = key40();
  EXPECT_EQ(toeplitz(k, std::vector<uint8_t>(12, 0)), 0u);
  EXPECT_EQ(toeplitz(k, {0x80}), static_cast<uint32_t>(get({k[3], k[2], k[1], k[0]}, 0, 4)));  // first 32 key bits
  for (uint8_t seed : {1, 77, 200}) {
    std::vector<uint8_t> in(36);
    for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<uint8_t>(seed * (i + 3));
    EXPECT_EQ(toeplitz(k, in), slowToeplitz(k, in));
  }
}

TEST(NetRss, HashInputFollowsTheEnabledTypes) {
  const Mac me{0x02, 0, 0, 0, 0, 1};
  const auto tcp = ip4(me, 1000, 80);
  auto in = rssHashInput(tcp, rss::kTcpv4 | rss::kIpv4);
  ASSERT_TRUE(in);
  EXPECT_EQ(in->size(), 12u);
  EXPECT_EQ((*in)[8], 0x03);  // source port 1000 = 0x03e8, high byte first
  in = rssHashInput(tcp, rss::kIpv4);
  ASSERT_TRUE(in);
  EXPECT_EQ(in->size(), 8u);
  EXPECT_FALSE(rssHashInput(tcp, rss::kTcpv6 | rss::kIpv6));
  EXPECT_EQ(rssHashInput(ip4(me, 1, 2, 17), rss::kUdpv4 | rss::kIpv4)->size(), 12u);
  EXPECT_EQ(rssHashInput(ip4(me, 1, 2, 6, true), rss::kTcpv4 | rss::kIpv4)->size(), 8u);  // fragment: no ports
  EXPECT_FALSE(rssHashInput(ip4(me, 1, 2, 6, true), rss::kTcpv4));
  std::vector<uint8_t> arp(60, 0);
  arp[12] = 0x08;
  arp[13] = 0x06;
  EXPECT_FALSE(rssHashInput(arp, rss::kAllTypes));
}

class NetRssDevice : public NetTest {
 protected:
  void up(uint16_t pairs = 4) {
    NetParams p;
    p.rss = true;
    p.mqPairs = pairs;
    log.clear();  // one test may bring the device up several times
    make(p);
    bringUp(offeredNet());
    for (uint16_t q = 0; q < 2 * pairs; q += 2)
      for (int i = 0; i < 24; ++i) postRx(q, 2048);
  }
  /// Which receive queue a frame's buffer was used on (-1: none).
  int arrivedOn(const std::vector<uint8_t>& f) {
    if (!dev->inject(f)) return -1;
    for (uint16_t q = 0; q + 1 < core->numQueues(); q += 2)  // the data queues (the control queue is last)
      if (popUsed(q, nullptr, nullptr)) return q;
    return -1;
  }
};

// covers: devicenormative:Device Types / Network Device / Device configuration layout#7
// covers: devicenormative:Device Types / Network Device / Device configuration layout#8
TEST_F(NetRssDevice, ConfigurationFields) {
  up();
  EXPECT_TRUE(dev->deviceFeatures() & bit(f::kRss));
  uint8_t keySize = 0;
  uint16_t table = 0;
  uint32_t types = 0;
  core->readConfig(cfg::kRssMaxKeySize, &keySize, 1);
  core->readConfig(cfg::kRssMaxIndirectionTableLength, &table, 2);
  core->readConfig(cfg::kSupportedHashTypes, &types, 4);
  EXPECT_EQ(keySize, 40);
  EXPECT_EQ(table, 128);
  EXPECT_EQ(types, 0x3fu);
  EXPECT_EQ(dev->ctrlQueue(), 8);
  EXPECT_THROW(netParamsFrom({{"rss", "true"}, {"rss_max_key_size", "39"}}, "n"), std::invalid_argument);
  EXPECT_THROW(netParamsFrom({{"rss", "true"}, {"rss_max_indirection_table_length", "64"}}, "n"), std::invalid_argument);
  EXPECT_THROW(netParamsFrom({{"rss", "true"}, {"ctrl_vq", "false"}}, "n"), std::invalid_argument);
  EXPECT_FALSE(NetParams{}.offeredFeatures() & bit(f::kRss));  // off by default
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS) / RSS processing#1
TEST_F(NetRssDevice, SteersByTheIndirectionTable) {
  up();
  const Mac me = NetParams{}.mac;
  const std::vector<uint16_t> ids{0, 1, 2, 3, 3, 2, 1, 0};
  ASSERT_EQ(command(ctrl::kClassMq, ctrl::kMqRssConfig, rssCmd(rss::kTcpv4 | rss::kIpv4, ids, 2, 4)), ctrl::kOk);
  ASSERT_TRUE(dev->rssConfig());
  EXPECT_EQ(dev->activePairs(), 4);
  for (uint16_t port = 1000; port < 1016; ++port) {
    const auto f = ip4(me, port, 80);
    const uint32_t h = slowToeplitz(key40(), *rssHashInput(f, rss::kTcpv4));
    EXPECT_EQ(arrivedOn(f), 2 * ids[h & 7]) << "port " << port;
  }
  std::vector<uint8_t> other = frame(me, kPeer, 60);
  other[12] = 0x88;
  other[13] = 0xb5;
  EXPECT_EQ(arrivedOn(other), 4);  // no hash: unclassified_queue (id 2 = receiveq3)
  expectClean();
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS) / RSS processing#2
TEST_F(NetRssDevice, DestinationBeingResetDrops) {
  up();
  ASSERT_EQ(command(ctrl::kClassMq, ctrl::kMqRssConfig, rssCmd(rss::kTcpv4, {1, 1}, 0, 4)), ctrl::kOk);
  core->queue(2).enabled = false;  // receiveq2 being reset
  const uint64_t before = dev->stats().rxDroppedNoQueue;
  EXPECT_EQ(arrivedOn(ip4(NetParams{}.mac, 5, 6)), -1);
  EXPECT_EQ(dev->stats().rxDroppedNoQueue, before + 1);
  EXPECT_EQ(dev->backlog(0), 0u);
}

TEST_F(NetRssDevice, ResetAndPairsSetEndRss) {
  up();
  ASSERT_EQ(command(ctrl::kClassMq, ctrl::kMqRssConfig, rssCmd(rss::kTcpv4, {1, 1}, 0, 2)), ctrl::kOk);
  std::vector<uint8_t> two;
  put(two, 2, 2);
  EXPECT_EQ(command(ctrl::kClassMq, ctrl::kMqVqPairsSet, two), ctrl::kOk);
  EXPECT_FALSE(dev->rssConfig());
  ASSERT_EQ(command(ctrl::kClassMq, ctrl::kMqRssConfig, rssCmd(rss::kTcpv4, {1, 1}, 0, 2)), ctrl::kOk);
  core->writeStatus(0);
  EXPECT_FALSE(dev->rssConfig());
}

struct BadRss {
  const char* name;
  std::vector<uint8_t> data;
  const char* clause;
  const char* kind;
};

// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#2
// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#3
// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#4
// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#5
TEST_F(NetRssDevice, EachRuleOfTheCommand) {
  const std::string rss = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#";
  const std::vector<BadRss> cases = {
      {"queue beyond the pairs", rssCmd(rss::kTcpv4, {0, 4}), "2", "ctrl.rss_table_queue_not_enabled"},
      {"reserved bit of an id", rssCmd(rss::kTcpv4, {0, 0x8001}), "2", "ctrl.rss_table_queue_not_enabled"},
      {"3 entries", rssCmd(rss::kTcpv4, {0, 1, 2}), "3", "ctrl.rss_table_not_power_of_two"},
      {"256 entries", rssCmd(rss::kTcpv4, std::vector<uint16_t>(256, 0)), "4", "ctrl.rss_mask_too_large"},
      {"IP_EX hash type", rssCmd(rss::kIpEx, {0, 1}), "5", "ctrl.rss_hash_type_unsupported"},
  };
  for (const auto& c : cases) {
    up();
    EXPECT_EQ(command(ctrl::kClassMq, ctrl::kMqRssConfig, c.data), ctrl::kErr) << c.name;
    expectOnly(rss + c.clause, c.kind);
    EXPECT_FALSE(dev->rssConfig()) << c.name;
  }
  // Refused without a report: key too long, max_tx_vq 0, unclassified queue that does not exist.
  for (const auto& d : {rssCmd(rss::kTcpv4, {0, 1}, 0, 1, std::vector<uint8_t>(41, 1)), rssCmd(rss::kTcpv4, {0, 1}, 0, 0),
                        rssCmd(rss::kTcpv4, {0, 1}, 9, 1)}) {
    up();
    EXPECT_EQ(command(ctrl::kClassMq, ctrl::kMqRssConfig, d), ctrl::kErr);
    expectClean();
  }
  up();
  auto truncated = rssCmd(rss::kTcpv4, {0, 1});
  truncated.pop_back();
  EXPECT_EQ(command(ctrl::kClassMq, ctrl::kMqRssConfig, truncated), ctrl::kErr);
  expectOnly("drivernormative:Basic Facilities of a Virtio Device / Message Framing#1", "ctrl.malformed");
}

// ---- device statistics --------------------------------------------------------------------------------------------

class NetStatsDevice : public NetTest {
 protected:
  void up() {
    NetParams p;
    p.deviceStats = true;
    p.mqPairs = 2;
    log.clear();
    make(p);
    bringUp(offeredNet());
    for (int i = 0; i < 4; ++i) postRx(0, 2048);
  }
  /// A command with `room` bytes of result after the ack; returns the ack, *res the result area.
  uint8_t commandResult(uint8_t cls, uint8_t cmd, const std::vector<uint8_t>& data, uint32_t room,
                        std::vector<uint8_t>* res) {
    const uint16_t q = dev->ctrlQueue();
    const uint64_t h = alloc(2), d = alloc(data.size() + 1), ack = alloc(1 + room);
    const uint8_t hc[2] = {cls, cmd};
    mem.write(h, hc, 2);
    if (!data.empty()) mem.write(d, data.data(), data.size());
    const std::vector<uint8_t> poison(1 + room, 0xee);
    mem.write(ack, poison.data(), poison.size());
    std::vector<Seg> segs{{h, 2, false}};
    if (!data.empty()) segs.push_back({d, static_cast<uint32_t>(data.size()), false});
    segs.push_back({ack, 1 + room, true});
    addChain(q, segs);
    kick(q);
    const auto all = readMem(ack, 1 + room);
    if (res) res->assign(all.begin() + 1, all.end());
    return all[0];
  }
  static std::vector<uint8_t> entry(uint16_t vq, uint64_t types) {
    std::vector<uint8_t> e;
    put(e, vq, 2);
    put(e, 0, 6);
    put(e, types, 8);
    return e;
  }
  uint64_t query() {
    std::vector<uint8_t> r;
    EXPECT_EQ(commandResult(ctrl::kClassStats, ctrl::kStatsQuery, {}, 8, &r), ctrl::kOk);
    return get(r, 0, 8);
  }
  static constexpr uint64_t kRx = 1, kTx = uint64_t{1} << 16, kCvq = uint64_t{1} << 32;
};

// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#1
// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#4
// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#5
TEST_F(NetStatsDevice, QueryAndGet) {
  up();
  EXPECT_EQ(query(), kRx | kTx | kCvq);
  send(1, frame(kPeer, NetParams{}.mac, 100));
  send(1, frame(kPeer, NetParams{}.mac, 50));
  dev->inject(frame(NetParams{}.mac, kPeer, 70));
  std::vector<uint8_t> req = entry(0, kRx), tx = entry(1, kTx), c = entry(dev->ctrlQueue(), kCvq), r;
  req.insert(req.end(), tx.begin(), tx.end());
  req.insert(req.end(), c.begin(), c.end());
  ASSERT_EQ(commandResult(ctrl::kClassStats, ctrl::kStatsGet, req, 56 + 56 + 24, &r), ctrl::kOk);
  EXPECT_EQ(r[0], 0);
  EXPECT_EQ(get(r, 2, 2), 0u);
  EXPECT_EQ(get(r, 6, 2), 56u);
  EXPECT_EQ(get(r, 8 + 8, 8), 1u);        // rx_packets
  EXPECT_EQ(get(r, 8 + 16, 8), 84u);      // rx_bytes
  EXPECT_EQ(r[56], 16);
  EXPECT_EQ(get(r, 58, 2), 1u);
  EXPECT_EQ(get(r, 56 + 8 + 8, 8), 2u);   // tx_packets
  EXPECT_EQ(get(r, 56 + 8 + 16, 8), 178u);  // tx_bytes
  EXPECT_EQ(r[112], 32);
  EXPECT_EQ(get(r, 114, 2), dev->ctrlQueue());
  EXPECT_EQ(get(r, 118, 2), 24u);
  EXPECT_EQ(get(r, 120, 8), 2u);  // query + this get
  EXPECT_EQ(get(r, 128, 8), 2u);
  expectClean();
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#6
// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#7
TEST_F(NetStatsDevice, PartialBufferAndWrap) {
  up();
  query();
  std::vector<uint8_t> r;
  ASSERT_EQ(commandResult(ctrl::kClassStats, ctrl::kStatsGet, entry(0, kRx), 20, &r), ctrl::kOk);
  EXPECT_EQ(get(r, 6, 2), 56u);
  ASSERT_EQ(commandResult(ctrl::kClassStats, ctrl::kStatsGet, entry(0, kRx), 80, &r), ctrl::kOk);
  for (size_t i = 56; i < 80; ++i) EXPECT_EQ(r[i], 0xee) << i;
  dev->presetStatsCounters(UINT64_MAX);
  send(1, frame(kPeer, NetParams{}.mac, 100));
  ASSERT_EQ(commandResult(ctrl::kClassStats, ctrl::kStatsGet, entry(1, kTx), 56, &r), ctrl::kOk);
  EXPECT_EQ(get(r, 16, 8), 0u);
  EXPECT_EQ(get(r, 24, 8), 113u);
  expectClean();
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#2
// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#3
// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#1
// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#2
// covers: drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#3
TEST_F(NetStatsDevice, EachRuleOfTheRequest) {
  const std::string st = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#";
  std::vector<uint8_t> r;
  up();
  EXPECT_EQ(commandResult(ctrl::kClassStats, ctrl::kStatsGet, entry(0, kRx), 56, &r), ctrl::kErr);
  expectOnly(st + "1", "ctrl.stats_not_queried");
  struct Bad {
    std::vector<uint8_t> bad;
    const char* n;
    const char* kind;
  };
  for (const Bad& b : {Bad{entry(0, uint64_t{1} << 40), "1", "ctrl.stats_type_not_queried"},
                       Bad{entry(0, uint64_t{1} << 1), "1", "ctrl.stats_type_not_queried"},
                       Bad{entry(0, kTx), "2", "ctrl.stats_type_not_for_queue"},
                       Bad{entry(1, kCvq), "2", "ctrl.stats_type_not_for_queue"},
                       Bad{entry(99, kRx), "2", "ctrl.stats_type_not_for_queue"}}) {
    up();
    query();
    std::vector<uint8_t> req = entry(0, kRx);
    req.insert(req.end(), b.bad.begin(), b.bad.end());
    EXPECT_EQ(commandResult(ctrl::kClassStats, ctrl::kStatsGet, req, 112, &r), ctrl::kErr);
    for (uint8_t x : r) EXPECT_EQ(x, 0xee);  // nothing of the valid entry answered
    expectOnly(st + b.n, b.kind);
  }
  up();
  query();
  EXPECT_EQ(commandResult(ctrl::kClassStats, ctrl::kStatsGet, entry(0, kRx), 4, &r), ctrl::kErr);
  expectOnly(st + "3", "ctrl.stats_result_too_small");
  log.clear();  // without the feature: ERR, no report
  NetParams p;
  make(p);
  bringUp(offeredNet());
  EXPECT_EQ(command(ctrl::kClassStats, ctrl::kStatsQuery, {}), ctrl::kErr);
  expectClean();
}

// Random command data for every new command, with the features on: always an ack of 0 or 1, never a write past
// the result room, violations only from the command rules (never a crash).
TEST_F(NetStatsDevice, RandomCommandsAreAnsweredSafely) {
  NetParams p;
  p.deviceStats = p.rss = p.hashTunnel = true;
  p.mqPairs = 2;
  make(p);
  bringUp(offeredNet());
  uint32_t x = 12345;
  auto rnd = [&x] { return x = x * 1103515245u + 12345u, (x >> 16) & 0x7fffu; };
  const std::pair<uint8_t, uint8_t> cmds[] = {{ctrl::kClassMq, ctrl::kMqRssConfig},
                                              {ctrl::kClassHashTunnel, ctrl::kHashTunnelSet},
                                              {ctrl::kClassStats, ctrl::kStatsQuery},
                                              {ctrl::kClassStats, ctrl::kStatsGet}};
  for (int i = 0; i < 400; ++i) {
    const auto [cls, cmd] = cmds[i % 4];
    std::vector<uint8_t> d(rnd() % 80);
    for (auto& b : d) b = static_cast<uint8_t>(rnd());
    if (cls == ctrl::kClassStats && cmd == ctrl::kStatsGet && i % 8 == 3) {  // sometimes well formed
      d.assign(16, 0);
      d[0] = static_cast<uint8_t>(rnd() % 6);
      d[8 + (rnd() % 5)] = static_cast<uint8_t>(1u << (rnd() % 8));
    }
    const uint32_t room = rnd() % 64;
    std::vector<uint8_t> r;
    const uint64_t guard = bufNext;
    const uint8_t ack = commandResult(cls, cmd, d, room, &r);
    EXPECT_TRUE(ack == ctrl::kOk || ack == ctrl::kErr) << i;
    // the byte after the result area was never the device's to write
    const uint64_t end = guard + ((2 + 63) & ~uint64_t{63}) + ((d.size() + 1 + 63) & ~uint64_t{63}) + 1 + room;
    uint8_t after = 0;
    mem.load(end, &after);
    EXPECT_EQ(after, 0) << i;
  }
  for (const auto& v : log.all()) EXPECT_EQ(v.kind.rfind("ctrl.", 0), 0u) << toString(v);
}

}  // namespace
}  // namespace vsim::model::test

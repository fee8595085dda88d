// Network device control-queue features the device offers only when asked (rss, device_stats): receive-side
// scaling (configuration limits, Toeplitz steering over the indirection table, a destination being reset) and
// device statistics (capabilities, reply layout and values, a partly sized result buffer, incorrect requests,
// counters wrapping) in the device direction; the built-in driver's use of both in the driver direction. The
// Toeplitz hash here is the suite's own, written from the algorithm, not the model's.
#include <algorithm>

#include "net_support.h"
#include "vsim/abi/features.h"

namespace vsim::conformance {

using namespace netsuite;
namespace nf = drv::net::f;
namespace nc = drv::net::ctrl;
namespace ns = drv::net::stats;

namespace {

using Frame = std::vector<uint8_t>;
const std::vector<TK> kModern = {TK::PciModern, TK::PciTransitional, TK::MmioV2};  // feature bits above 31
const model::DeviceOptions kRss = {{"rss", "true"}, {"mq_pairs", "4"}};
const model::DeviceOptions kStats = {{"device_stats", "true"}, {"mq_pairs", "2"}};
constexpr uint32_t kHashIpv4 = 1u << 0, kHashTcpv4 = 1u << 1;

void add(std::vector<TestInfo>& out, NetCase c) { out.push_back(makeNetCase(std::move(c))); }

bool needs(NetRig& r, std::initializer_list<unsigned> features) {
  for (unsigned f : features)
    if (!r.net->has(f)) {
      r.ctx.notSupported("a feature this test needs was not negotiated on this transport");
      return false;
    }
  return true;
}

std::vector<uint8_t> testKey() {
  std::vector<uint8_t> k(40);
  for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(0x6d + 37 * i);
  return k;
}

/// Toeplitz: for every input bit set (most significant first), XOR in the 32 key bits starting at that bit.
uint32_t toeplitzRef(const std::vector<uint8_t>& key, const std::vector<uint8_t>& in) {
  auto keyBits32 = [&key](size_t first) {
    uint32_t v = 0;
    for (size_t j = 0; j < 32; ++j) {
      const size_t n = first + j;
      v = v << 1 | (n / 8 < key.size() ? (key[n / 8] >> (7 - n % 8)) & 1u : 0u);
    }
    return v;
  };
  uint32_t h = 0;
  for (size_t bit = 0; bit < in.size() * 8; ++bit)
    if ((in[bit / 8] >> (7 - bit % 8)) & 1u) h ^= keyBits32(bit);
  return h;
}

/// Source address, destination address, source port, destination port of an untagged TCP/IPv4 frame.
std::vector<uint8_t> tcp4Tuple(const Frame& f) {
  const size_t ihl = size_t{f[14] & 0x0fu} * 4;
  std::vector<uint8_t> t(f.begin() + 26, f.begin() + 34);
  t.insert(t.end(), f.begin() + 14 + static_cast<std::ptrdiff_t>(ihl), f.begin() + 18 + static_cast<std::ptrdiff_t>(ihl));
  return t;
}

drv::RssSettings settings(std::vector<uint16_t> table, uint32_t types, uint16_t unclassified, uint16_t maxTx) {
  drv::RssSettings s;
  s.hashTypes = types;
  s.table = std::move(table);
  s.unclassifiedPair = unclassified;
  s.maxTxPairs = maxTx;
  s.key = testKey();
  return s;
}

/// The host injects `f`; it arrives intact on some pair (returned) or the test fails (0xffff).
uint16_t arrivalPair(NetRig& r, const Frame& f) {
  r.drain();
  Frame got;
  uint16_t pair = 0xffff;
  if (!r.host.inject(f) || !r.receive(&got, nullptr, &pair) || got != f) {
    r.ctx.check(false, "a frame did not arrive");
    return 0xffff;
  }
  return pair;
}

uint64_t le(const std::vector<uint8_t>& d, size_t at, size_t n) {
  uint64_t v = 0;
  for (size_t i = n; i-- > 0;) v = v << 8 | d[at + i];
  return v;
}
std::vector<uint8_t> statsEntry(uint16_t vq, uint64_t types) {
  std::vector<uint8_t> e(16, 0);
  e[0] = static_cast<uint8_t>(vq);
  e[1] = static_cast<uint8_t>(vq >> 8);
  for (int i = 0; i < 8; ++i) e[8 + i] = static_cast<uint8_t>(types >> (8 * i));
  return e;
}
constexpr uint64_t T(unsigned n) { return uint64_t{1} << n; }

/// Basic counters of one reply (after its 8-byte header): notifications, packets, bytes, interrupts, drops, drops2.
std::vector<uint64_t> counters(const std::vector<uint8_t>& reply, size_t at, size_t n) {
  std::vector<uint64_t> v;
  for (size_t i = 0; i < n; ++i) v.push_back(le(reply, at + 8 + 8 * i, 8));
  return v;
}

// ---- receive-side scaling ---------------------------------------------------------------------------------------

void rssTests(std::vector<TestInfo>& out) {
  add(out, NetCase{
               .id = "virtio.device.core.net.rss.configuration_limits",
               // devicenormative: rss_max_key_size is at least 40 when RSS is offered
               .clauses = {"devicenormative:Device Types / Network Device / Device configuration layout#7",
                           // devicenormative: rss_max_indirection_table_length is at least 128 when RSS is offered
                           "devicenormative:Device Types / Network Device / Device configuration layout#8"},
               .judgedByDriver = {"devicenormative:Device Types / Network Device / Device configuration layout#7",
                                  "devicenormative:Device Types / Network Device / Device configuration layout#8"},
               .description = "RSS offered: the driver reads rss_max_key_size >= 40 and rss_max_indirection_table_length "
                              ">= 128, and a table of that length with a key of that size is accepted",
               .transports = kModern,
               .deviceOptions = kRss,
               .driverOptions = [](drv::NetDriverOptions& o) { o.features |= bit(nf::kRss); },
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kRss})) return;
                     const auto& c = r.net->config();
                     r.ctx.check(c.rssMaxKeySize >= 40, "rss_max_key_size below 40");
                     r.ctx.check(c.rssMaxIndirectionTableLength >= 128, "rss_max_indirection_table_length below 128");
                     auto s = settings(std::vector<uint16_t>(c.rssMaxIndirectionTableLength, 1), kHashTcpv4, 0, 1);
                     s.key.resize(c.rssMaxKeySize, 0x5a);
                     r.ctx.check(r.net->setRss(s) == drv::CtrlStatus::Ok, "the largest table and key were refused");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.rss.toeplitz_steering",
               // devicenormative: hash, mask, indirection table; no hash: unclassified_queue
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS) / RSS processing#1"},
               .description = "4 pairs, RSS with TCPv4 + IPv4 hashing over an 8-entry table: 24 TCP flows each arrive "
                              "on table[Toeplitz(addresses, ports) & 7]; a non-IP frame arrives on unclassified_queue; "
                              "a second configuration (IPv4 only, another table) is in force at once",
               .transports = kModern,
               .deviceOptions = kRss,
               .driverOptions = [](drv::NetDriverOptions& o) { o.features |= bit(nf::kRss); },
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kRss})) return;
                     struct Round {
                       std::vector<uint16_t> table;
                       uint32_t types;
                       uint16_t unclassified;
                     };
                     for (const Round& round : {Round{{0, 1, 2, 3, 3, 2, 1, 0}, kHashTcpv4 | kHashIpv4, 2},
                                                Round{{3, 0, 2, 1}, kHashIpv4, 1}}) {
                       if (r.net->setRss(settings(round.table, round.types, round.unclassified, 4)) != drv::CtrlStatus::Ok)
                         return r.ctx.check(false, "MQ_RSS_CONFIG refused");
                       std::vector<bool> used(4, false);
                       for (uint16_t flow = 0; flow < 24; ++flow) {
                         const Frame f = tcpFrame(r.net->mac(), kHostMac, 80, 21, L4Csum::Full, flow);
                         std::vector<uint8_t> in = tcp4Tuple(f);
                         if (!(round.types & kHashTcpv4)) in.resize(8);  // addresses only
                         const uint16_t want = round.table[toeplitzRef(testKey(), in) & (round.table.size() - 1)];
                         const uint16_t got = arrivalPair(r, f);
                         r.ctx.check(got == want, "flow " + std::to_string(flow) + " arrived on pair " +
                                                      std::to_string(got) + ", its hash selects pair " + std::to_string(want));
                         if (got < 4) used[got] = true;
                       }
                       if (round.types & kHashTcpv4)
                         r.ctx.check(std::count(used.begin(), used.end(), true) > 1, "every flow landed on one queue");
                       r.ctx.check(arrivalPair(r, etherFrame(r.net->mac(), kHostMac, 60, 3)) == round.unclassified,
                                   "a frame without a hash did not arrive on unclassified_queue");
                     }
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.rss.destination_being_reset",
               // devicenormative: a packet whose destination receive queue is being reset is dropped
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS) / RSS processing#2"},
               .description = "RSS table all receiveq2, unclassified receiveq1; receiveq2 reset and not enabled again: "
                              "a TCP frame is dropped (not sent elsewhere), a non-IP frame still reaches receiveq1",
               .transports = kModern,
               .deviceOptions = kRss,
               .driverOptions = [](drv::NetDriverOptions& o) { o.features |= bit(nf::kRss); },
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kRss})) return;
                     drv::Device& d = r.net->device();
                     if (!((d.features() >> feat::kRingReset) & 1u)) return r.ctx.notSupported("VIRTIO_F_RING_RESET not negotiated");
                     if (r.net->setRss(settings({1, 1, 1, 1}, kHashTcpv4 | kHashIpv4, 0, 4)) != drv::CtrlStatus::Ok)
                       return r.ctx.check(false, "MQ_RSS_CONFIG refused");
                     const Frame tcp = tcpFrame(r.net->mac(), kHostMac, 80, 22, L4Csum::Full, 5);
                     r.ctx.check(arrivalPair(r, tcp) == 1, "before the reset the flow did not arrive on receiveq2");
                     r.drain();
                     if (!d.transport().resetQueue(2, 100'000'000)) return r.ctx.harnessError("receiveq2 did not reset");
                     r.host.inject(tcp);
                     r.ctx.check(r.receivesNothing(), "the frame for the queue being reset was delivered elsewhere");
                     r.ctx.check(arrivalPair(r, etherFrame(r.net->mac(), kHostMac, 60, 4)) == 0,
                                 "a frame for unclassified_queue did not arrive");
                     r.ctx.check(d.resetQueue(2), "receiveq2 could not be set up again");
                   },
           });
  add(out, NetCase{
               .id = "virtio.driver.core.net.builtin.rss_configuration",
               .target = Direction::Driver,
               // drivernormative: only enabled receive queues in the indirection table
               .clauses = {"drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#2",
                           // drivernormative: a power of two entries
                           "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#3",
                           // drivernormative: mask below rss_max_indirection_table_length
                           "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#4",
                           // drivernormative: only supported hash types
                           "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#5"},
               .description = "the driver sends valid RSS configurations and refuses, without sending them, a table of 3 "
                              "entries, one longer than the device's, a hash type the device does not support and a "
                              "queue pair it does not have; the device reports nothing",
               .transports = kModern,
               .deviceOptions = kRss,
               .driverOptions = [](drv::NetDriverOptions& o) { o.features |= bit(nf::kRss); },
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kRss})) return;
                     const uint64_t before = r.host.stats().ctrlOk + r.host.stats().ctrlErr;
                     const uint16_t len = r.net->config().rssMaxIndirectionTableLength;
                     r.ctx.check(r.net->setRss(settings({0, 1, 2}, kHashTcpv4, 0, 1)) == drv::CtrlStatus::Failed,
                                 "a 3-entry table was not refused");
                     r.ctx.check(r.net->setRss(settings(std::vector<uint16_t>(2u * len, 0), kHashTcpv4, 0, 1)) ==
                                     drv::CtrlStatus::Failed,
                                 "a table longer than the device's was not refused");
                     r.ctx.check(r.net->setRss(settings({0, 1}, 1u << 8, 0, 1)) == drv::CtrlStatus::Failed,
                                 "an unsupported hash type was not refused");
                     r.ctx.check(r.net->setRss(settings({0, 9}, kHashTcpv4, 0, 1)) == drv::CtrlStatus::Failed,
                                 "a queue beyond the pairs was not refused");
                     r.ctx.check(r.host.stats().ctrlOk + r.host.stats().ctrlErr == before, "a refused configuration was sent");
                     r.ctx.check(r.net->setRss(settings({0, 1, 2, 3}, kHashTcpv4 | kHashIpv4, 3, 4)) == drv::CtrlStatus::Ok,
                                 "a valid configuration was refused");
                     const Frame frame = etherFrame(kHostMac, r.net->mac(), 64, 9);
                     model::NetFrame sent;
                     r.ctx.check(r.net->send(frame.data(), frame.size(), {}, 3) && r.takeSent(&sent) && sent.data == frame,
                                 "a frame on transmitq4 (within max_tx_vq) did not go out");
                   },
           });
}

// ---- inner header hash -------------------------------------------------------------------------------------------

const model::DeviceOptions kTunnel = {{"rss", "true"}, {"mq_pairs", "4"}, {"hash_tunnel", "true"}};
constexpr uint32_t kHashUdpv4 = 1u << 2, kTunnelVxlan = 1u << 4, kTunnelIpip = 1u << 7;

/// Outer Ethernet + IPv4 (192.0.2.1 -> 192.0.2.2, protocol `proto`) around `payload`.
Frame outerIpv4(NetRig& r, uint8_t proto, const Frame& payload) {
  Frame f(14 + 20, 0);
  std::copy(r.net->mac().begin(), r.net->mac().end(), f.begin());
  std::copy(kHostMac.begin(), kHostMac.end(), f.begin() + 6);
  f[12] = 0x08;
  f[14] = 0x45;
  const size_t total = 20 + payload.size();
  f[16] = static_cast<uint8_t>(total >> 8);
  f[17] = static_cast<uint8_t>(total);
  f[22] = 64;
  f[23] = proto;
  const uint8_t addrs[8] = {192, 0, 2, 1, 192, 0, 2, 2};
  std::copy(addrs, addrs + 8, f.begin() + 26);
  f.insert(f.end(), payload.begin(), payload.end());
  return f;
}

/// A VXLAN packet (UDP 49152 -> 4789, VNI 42) carrying the inner TCP flow `flow`.
Frame vxlan(NetRig& r, uint16_t flow) {
  const Frame inner = tcpFrame(kOtherMac, kHostMac, 60, 1, L4Csum::Full, flow);
  Frame udp = {0xc0, 0x00, 0x12, 0xb5, 0, 0, 0, 0, 0x08, 0, 0, 0, 0, 0, 42, 0};
  const size_t len = 8 + 8 + inner.size();
  udp[4] = static_cast<uint8_t>(len >> 8);
  udp[5] = static_cast<uint8_t>(len);
  udp.insert(udp.end(), inner.begin(), inner.end());
  return outerIpv4(r, 17, udp);
}

/// An IPIP packet carrying the inner TCP flow `flow`.
Frame ipip(NetRig& r, uint16_t flow) {
  const Frame inner = tcpFrame(kOtherMac, kHostMac, 60, 1, L4Csum::Full, flow);
  return outerIpv4(r, 4, Frame(inner.begin() + 14, inner.end()));
}

/// The hash input of an encapsulated frame: its outer UDP 4-tuple (VXLAN) or outer addresses (IPIP), or its
/// inner TCP 4-tuple.
std::vector<uint8_t> outerTuple(const Frame& f) {
  std::vector<uint8_t> t(f.begin() + 26, f.begin() + 34);
  if (f[23] == 17) t.insert(t.end(), f.begin() + 34, f.begin() + 38);
  return t;
}
std::vector<uint8_t> innerTuple(const Frame& f) {
  if (f[23] == 17) return tcp4Tuple(Frame(f.begin() + 50, f.end()));
  Frame inner(f.begin(), f.begin() + 14);  // IPIP: give the inner packet an Ethernet header
  inner.insert(inner.end(), f.begin() + 34, f.end());
  return tcp4Tuple(inner);
}

void innerHashTests(std::vector<TestInfo>& out) {
  add(out, NetCase{
               .id = "virtio.device.core.net.rss.inner_header_hash",
               // devicenormative: the outer header is hashed unless it is an enabled encapsulation
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Inner Header Hash#1",
                           // devicenormative: enabled_tunnel_types 0 or a reset turns the inner hash off
                           "devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Inner Header Hash#3"},
               .description = "RSS over an 8-entry table with TCPv4 / UDPv4 / IPv4 hashing and HASH_TUNNEL: VXLAN and "
                              "IPIP packets of 8 inner flows each land where their outer headers' hash says until "
                              "HASH_TUNNEL_SET enables VXLAN; then VXLAN ones follow the inner hash while IPIP ones "
                              "(not enabled) still follow the outer; after HASH_TUNNEL_SET 0, and after a device reset, "
                              "every one follows the outer hash again",
               .transports = kModern,
               .deviceOptions = kTunnel,
               .driverOptions = [](drv::NetDriverOptions& o) { o.features |= bit(nf::kRss) | bit(nf::kHashTunnel); },
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kRss, nf::kHashTunnel})) return;
                     if (!(r.net->config().supportedTunnelTypes & kTunnelVxlan) ||
                         !(r.net->config().supportedTunnelTypes & kTunnelIpip))
                       return r.ctx.notSupported("VXLAN and IPIP are not both supported");
                     const std::vector<uint16_t> table{0, 1, 2, 3, 3, 2, 1, 0};
                     auto configure = [&] {
                       return r.net->setRss(settings(table, kHashTcpv4 | kHashUdpv4 | kHashIpv4, 0, 4)) ==
                              drv::CtrlStatus::Ok;
                     };
                     // phase: which encapsulations are hashed on their inner headers
                     auto expect = [&](uint32_t innerTypes, const std::string& phase) {
                       for (uint16_t flow = 0; flow < 8; ++flow)
                         for (bool isVxlan : {true, false}) {
                           const Frame f = isVxlan ? vxlan(r, flow) : ipip(r, flow);
                           const bool inner = innerTypes & (isVxlan ? kTunnelVxlan : kTunnelIpip);
                           const uint32_t h = toeplitzRef(testKey(), inner ? innerTuple(f) : outerTuple(f));
                           const uint16_t got = arrivalPair(r, f);
                           r.ctx.check(got == table[h & 7], phase + ": " + (isVxlan ? "VXLAN" : "IPIP") + " flow " +
                                                                std::to_string(flow) + " not steered by its " +
                                                                (inner ? "inner" : "outer") + " headers");
                         }
                     };
                     if (!configure()) return r.ctx.check(false, "MQ_RSS_CONFIG refused");
                     expect(0, "before HASH_TUNNEL_SET");
                     r.ctx.check(r.net->setHashTunnel(kTunnelVxlan) == drv::CtrlStatus::Ok, "HASH_TUNNEL_SET refused");
                     expect(kTunnelVxlan, "VXLAN enabled");
                     r.ctx.check(r.net->setHashTunnel(0) == drv::CtrlStatus::Ok, "HASH_TUNNEL_SET 0 refused");
                     expect(0, "after HASH_TUNNEL_SET 0");
                     r.ctx.check(r.net->setHashTunnel(kTunnelVxlan | kTunnelIpip) == drv::CtrlStatus::Ok,
                                 "HASH_TUNNEL_SET refused");
                     expect(kTunnelVxlan | kTunnelIpip, "both enabled");
                     r.ctx.check(r.net->device().recover(), "the device did not come back after a reset");
                     if (!configure()) return r.ctx.check(false, "MQ_RSS_CONFIG refused after the reset");
                     expect(0, "after a device reset");
                   },
           });
  add(out, NetCase{
               .id = "virtio.driver.core.net.builtin.hash_tunnel_types",
               .target = Direction::Driver,
               // drivernormative: only encapsulation types supported_tunnel_types has
               .clauses = {"drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Inner Header Hash#2"},
               .description = "the driver refuses, without sending it, HASH_TUNNEL_SET of a type supported_tunnel_types "
                              "lacks (GENEVE), and sends the supported ones; the device reports nothing",
               .transports = kModern,
               .deviceOptions = kTunnel,
               .driverOptions = [](drv::NetDriverOptions& o) { o.features |= bit(nf::kRss) | bit(nf::kHashTunnel); },
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kRss, nf::kHashTunnel})) return;
                     const uint32_t supported = r.net->config().supportedTunnelTypes;
                     const uint64_t before = r.host.stats().ctrlOk + r.host.stats().ctrlErr;
                     for (unsigned t = 0; t < 9; ++t)
                       if (!((supported >> t) & 1u))
                         r.ctx.check(r.net->setHashTunnel(1u << t) == drv::CtrlStatus::Failed,
                                     "an unsupported type " + std::to_string(t) + " was not refused");
                     r.ctx.check(r.host.stats().ctrlOk + r.host.stats().ctrlErr == before, "a refused request was sent");
                     r.ctx.check(r.net->setHashTunnel(supported) == drv::CtrlStatus::Ok, "the supported types were refused");
                     r.ctx.check(r.net->setHashTunnel(0) == drv::CtrlStatus::Ok, "0 was refused");
                   },
           });
}

// ---- device statistics ------------------------------------------------------------------------------------------

/// STATS_GET of receiveq1, transmitq1 and the control queue through the driver (which checks the headers).
bool getBasic(NetRig& r, std::vector<uint8_t>* reply) {
  const uint16_t cvq = static_cast<uint16_t>(r.net->controlQueue());
  return r.net->statsGet({{0, T(ns::kRxBasic)}, {1, T(ns::kTxBasic)}, {cvq, T(ns::kCvq)}}, reply) == drv::CtrlStatus::Ok;
}

void statsTests(std::vector<TestInfo>& out) {
  add(out, NetCase{
               .id = "virtio.device.core.net.stats.query_capabilities",
               // devicenormative: STATS_QUERY is answered with virtio_net_stats_capabilities
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#1"},
               .judgedByDriver = {"devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#1"},
               .description = "STATS_QUERY answers VIRTIO_NET_OK with 8 bytes of supported types, only types the spec "
                              "defines, the basic receive / transmit types among them; asked twice, the same answer",
               .transports = kModern,
               .deviceOptions = kStats,
               .driverOptions = [](drv::NetDriverOptions& o) { o.features |= bit(nf::kDeviceStats); },
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kDeviceStats})) return;
                     uint64_t a = 0, b = 1;
                     r.ctx.check(r.net->statsQuery(&a) == drv::CtrlStatus::Ok, "STATS_QUERY not answered VIRTIO_NET_OK");
                     r.ctx.check(r.net->statsQuery(&b) == drv::CtrlStatus::Ok && a == b, "a second STATS_QUERY differs");
                     const uint64_t known = (uint64_t{0xf} << 0) | (uint64_t{0xf} << 16) | T(32);
                     r.ctx.check((a & ~known) == 0, "supported_stats_types has undefined bits");
                     r.ctx.check((a & T(ns::kRxBasic)) && (a & T(ns::kTxBasic)), "the basic types are not supported");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.stats.reply_layout_and_values",
               // devicenormative: each reply's size is its own size
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#4",
                           // devicenormative: each reply names its type and vq_index
                           "devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#5"},
               .judgedByDriver = {"devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#4",
                                  "devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#5"},
               .description = "STATS_GET of receiveq1 (RX_BASIC), transmitq1 (TX_BASIC) and the control queue (CVQ): "
                              "three replies in request order with their type, vq_index and size; between two "
                              "requests 3 frames sent and 2 received move the packet and byte counters by exactly "
                              "that, and the control queue counts the second request",
               .transports = kModern,
               .deviceOptions = kStats,
               .driverOptions = [](drv::NetDriverOptions& o) { o.features |= bit(nf::kDeviceStats); },
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kDeviceStats})) return;
                     if (r.net->statsQuery(nullptr) != drv::CtrlStatus::Ok) return r.ctx.check(false, "STATS_QUERY refused");
                     std::vector<uint8_t> a, b;
                     if (!getBasic(r, &a)) return r.ctx.check(false, "STATS_GET refused");
                     const uint16_t cvq = static_cast<uint16_t>(r.net->controlQueue());
                     const size_t rxAt = 0, txAt = ns::kBasicReply, cvqAt = 2 * ns::kBasicReply;
                     r.ctx.check(a.size() == 2 * ns::kBasicReply + ns::kCvqReply, "reply size");
                     r.ctx.check(a[rxAt] == ns::kRxBasic && le(a, rxAt + 2, 2) == 0 && le(a, rxAt + 6, 2) == ns::kBasicReply,
                                 "receiveq1 reply header");
                     r.ctx.check(a[txAt] == ns::kTxBasic && le(a, txAt + 2, 2) == 1 && le(a, txAt + 6, 2) == ns::kBasicReply,
                                 "transmitq1 reply header");
                     r.ctx.check(a[cvqAt] == ns::kCvq && le(a, cvqAt + 2, 2) == cvq && le(a, cvqAt + 6, 2) == ns::kCvqReply,
                                 "control queue reply header");
                     r.drain();
                     uint64_t sentBytes = 0, recvBytes = 0;
                     for (uint8_t i = 0; i < 3; ++i) {
                       const Frame f = etherFrame(kHostMac, r.net->mac(), 100u + 10u * i, i);
                       model::NetFrame s;
                       r.ctx.check(r.net->send(f) && r.takeSent(&s), "a frame did not go out");
                       sentBytes += f.size();
                     }
                     for (uint8_t i = 0; i < 2; ++i) {
                       const Frame f = etherFrame(r.net->mac(), kHostMac, 200u + 10u * i, i);
                       Frame got;
                       r.ctx.check(r.host.inject(f) && r.receive(&got) && got == f, "a frame did not arrive");
                       recvBytes += f.size();
                     }
                     if (!getBasic(r, &b) || b.size() != a.size()) return r.ctx.check(false, "second STATS_GET refused");
                     const auto rx0 = counters(a, rxAt, 6), rx1 = counters(b, rxAt, 6);
                     const auto tx0 = counters(a, txAt, 6), tx1 = counters(b, txAt, 6);
                     const auto c0 = counters(a, cvqAt, 2), c1 = counters(b, cvqAt, 2);
                     r.ctx.check(rx1[1] - rx0[1] == 2 && rx1[2] - rx0[2] == recvBytes, "rx_packets / rx_bytes moved wrongly");
                     r.ctx.check(tx1[1] - tx0[1] == 3 && tx1[2] - tx0[2] == sentBytes, "tx_packets / tx_bytes moved wrongly");
                     r.ctx.check(tx1[4] == tx0[4], "tx_drops moved without a drop");
                     r.ctx.check(c1[0] - c0[0] == 1 && c1[1] - c0[1] == 1, "the control queue did not count one command");
                     r.ctx.check(c1[1] <= c1[0], "ok_num above command_num");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.stats.result_buffer_sizes",
               // devicenormative: the device fills only the bytes the result buffer has
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#6"},
               .description = "STATS_GET of RX_BASIC (56 bytes) with a 20-byte result buffer: VIRTIO_NET_OK, the header "
                              "and what fits written, nothing past the buffer; with a 100-byte buffer, the 44 bytes "
                              "after the reply are left as they were",
               .transports = kModern,
               .deviceOptions = kStats,
               .driverOptions = [](drv::NetDriverOptions& o) { o.features |= bit(nf::kDeviceStats); },
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kDeviceStats})) return;
                     if (r.net->statsQuery(nullptr) != drv::CtrlStatus::Ok) return r.ctx.check(false, "STATS_QUERY refused");
                     for (uint32_t room : {20u, 100u}) {
                       std::vector<uint8_t> res;
                       uint8_t ack = 0xff;
                       const auto st = r.net->rawCommand(nc::kClassStats, nc::kStatsGet, {statsEntry(0, T(ns::kRxBasic))},
                                                         &ack, &res, room);
                       r.ctx.check(st == drv::CtrlStatus::Ok && res.size() == room, "STATS_GET refused");
                       if (res.size() != room) continue;
                       r.ctx.check(res[0] == ns::kRxBasic && le(res, 6, 2) == ns::kBasicReply, "reply header");
                       for (size_t i = std::min<size_t>(room, ns::kBasicReply); i < room; ++i)
                         r.ctx.check(res[i] == drv::NetDriver::kResultPoison, "byte " + std::to_string(i) +
                                                                                " after the reply was written");
                     }
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.stats.incorrect_request_fails",
               // devicenormative: an incorrect request is answered VIRTIO_NET_ERR
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#2",
                           // devicenormative: one bad entry fails the whole command
                           "devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#3"},
               .description = "a hostile driver asks STATS_GET with one valid entry (receiveq1 RX_BASIC) and one bad one: "
                              "a queue that does not exist, an undefined type, a transmit type on a receive queue, the "
                              "control queue's type on a data queue: VIRTIO_NET_ERR and no reply written each time",
               .transports = kModern,
               .deviceOptions = kStats,
               .driverOptions = [](drv::NetDriverOptions& o) { o.features |= bit(nf::kDeviceStats); },
               .hostile = true,
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kDeviceStats})) return;
                     if (r.net->statsQuery(nullptr) != drv::CtrlStatus::Ok) return r.ctx.check(false, "STATS_QUERY refused");
                     const std::vector<uint8_t> good = statsEntry(0, T(ns::kRxBasic));
                     for (const auto& bad : {statsEntry(300, T(ns::kRxBasic)), statsEntry(0, T(40)),
                                             statsEntry(0, T(ns::kTxBasic)), statsEntry(1, T(ns::kCvq))}) {
                       std::vector<uint8_t> d = good;
                       d.insert(d.end(), bad.begin(), bad.end());
                       std::vector<uint8_t> res;
                       const auto st = r.net->rawCommand(nc::kClassStats, nc::kStatsGet, {d}, nullptr, &res, 2 * ns::kBasicReply);
                       r.ctx.check(st == drv::CtrlStatus::Err, "an incorrect STATS_GET was not answered VIRTIO_NET_ERR");
                       r.ctx.check(std::all_of(res.begin(), res.end(), [](uint8_t b) { return b == drv::NetDriver::kResultPoison; }),
                                   "the valid entry of a failed STATS_GET was answered");
                     }
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.stats.counters_wrap",
               // devicenormative: counters wrap around to zero
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#7"},
               .description = "the host starts every counter at 2^64-1: one frame sent makes tx_packets 0 and tx_bytes "
                              "its length - 1; the control queue's command_num and ok_num read 0 for the request",
               .transports = kModern,
               .deviceOptions = kStats,
               .driverOptions = [](drv::NetDriverOptions& o) { o.features |= bit(nf::kDeviceStats); },
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kDeviceStats})) return;
                     if (r.net->statsQuery(nullptr) != drv::CtrlStatus::Ok) return r.ctx.check(false, "STATS_QUERY refused");
                     r.drain();
                     r.host.presetStatsCounters(UINT64_MAX);
                     const Frame f = etherFrame(kHostMac, r.net->mac(), 100, 7);
                     model::NetFrame s;
                     r.ctx.check(r.net->send(f) && r.takeSent(&s), "the frame did not go out");
                     std::vector<uint8_t> b;
                     if (!getBasic(r, &b)) return r.ctx.check(false, "STATS_GET refused");
                     const auto tx = counters(b, ns::kBasicReply, 6);
                     const auto cvq = counters(b, 2 * ns::kBasicReply, 2);
                     r.ctx.check(tx[1] == 0 && tx[2] == f.size() - 1, "transmit counters did not wrap to zero");
                     r.ctx.check(cvq[0] == 0 && cvq[1] == 0, "control queue counters did not wrap to zero");
                   },
           });
  add(out, NetCase{
               .id = "virtio.driver.core.net.builtin.stats_requests",
               .target = Direction::Driver,
               // drivernormative: types_bitmap only holds types STATS_QUERY reported
               .clauses = {"drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#1",
                           // drivernormative: types valid for the queue named
                           "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#2",
                           // drivernormative: room for every reply header
                           "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#3"},
               .description = "the driver refuses STATS_GET before STATS_QUERY, and after it a type the device did not "
                              "report or one that does not fit the queue, sending nothing; valid requests get their "
                              "replies in a buffer that holds them all; the device reports nothing",
               .transports = kModern,
               .deviceOptions = kStats,
               .driverOptions = [](drv::NetDriverOptions& o) { o.features |= bit(nf::kDeviceStats); },
               .body =
                   [](NetRig& r) {
                     if (!needs(r, {nf::kDeviceStats})) return;
                     const uint64_t before = r.host.stats().ctrlOk + r.host.stats().ctrlErr;
                     r.ctx.check(r.net->statsGet({{0, T(ns::kRxBasic)}}, nullptr) == drv::CtrlStatus::Failed,
                                 "STATS_GET before STATS_QUERY was not refused");
                     r.ctx.check(r.host.stats().ctrlOk + r.host.stats().ctrlErr == before, "a refused request was sent");
                     uint64_t supported = 0;
                     r.ctx.check(r.net->statsQuery(&supported) == drv::CtrlStatus::Ok, "STATS_QUERY refused");
                     const uint64_t afterQuery = r.host.stats().ctrlOk + r.host.stats().ctrlErr;
                     for (unsigned t = 0; t < 64; ++t)
                       if (!((supported >> t) & 1u))
                         r.ctx.check(r.net->statsGet({{0, T(t)}}, nullptr) == drv::CtrlStatus::Failed,
                                     "an unreported type " + std::to_string(t) + " was not refused");
                     r.ctx.check(r.net->statsGet({{0, T(ns::kTxBasic)}}, nullptr) == drv::CtrlStatus::Failed,
                                 "a transmit type on receiveq1 was not refused");
                     r.ctx.check(r.host.stats().ctrlOk + r.host.stats().ctrlErr == afterQuery, "a refused request was sent");
                     std::vector<uint8_t> reply;
                     r.ctx.check(getBasic(r, &reply), "a valid STATS_GET was refused");
                   },
           });
}

}  // namespace

void registerNetCtrlFeatureTests(std::vector<TestInfo>& out) {
  rssTests(out);
  innerHashTests(out);
  statsTests(out);
}

}  // namespace vsim::conformance

// RSS pure functions: Toeplitz hash, the hash input of a frame, MQ_RSS_CONFIG decoding and its driver rules.
#include "vsim/model/net_rss.h"

#include "net_clauses.h"

namespace vsim::model::net {

namespace {
uint16_t be16(const std::vector<uint8_t>& f, size_t at) { return static_cast<uint16_t>(f[at] << 8 | f[at + 1]); }
uint16_t get16(const std::vector<uint8_t>& d, size_t at) { return static_cast<uint16_t>(d[at] | (d[at + 1] << 8)); }
uint32_t get32(const std::vector<uint8_t>& d, size_t at) {
  return uint32_t{d[at]} | uint32_t{d[at + 1]} << 8 | uint32_t{d[at + 2]} << 16 | uint32_t{d[at + 3]} << 24;
}
constexpr uint8_t kTcp = 6, kUdp = 17;

/// Addresses (and ports when `ports`) of the packet starting at l3, ip header bytes `ipLen`, addresses at `addrAt`.
std::vector<uint8_t> tuple(const std::vector<uint8_t>& f, size_t addrAt, size_t addrBytes, size_t l4, bool ports) {
  std::vector<uint8_t> in(f.begin() + static_cast<std::ptrdiff_t>(addrAt),
                          f.begin() + static_cast<std::ptrdiff_t>(addrAt + 2 * addrBytes));
  if (ports) in.insert(in.end(), f.begin() + static_cast<std::ptrdiff_t>(l4), f.begin() + static_cast<std::ptrdiff_t>(l4 + 4));
  return in;
}
}  // namespace

uint32_t toeplitz(const std::vector<uint8_t>& key, const std::vector<uint8_t>& input) {
  auto keyBit = [&key](size_t n) -> uint32_t { return n / 8 < key.size() ? (key[n / 8] >> (7 - n % 8)) & 1u : 0u; };
  uint32_t window = 0;
  for (size_t j = 0; j < 32; ++j) window = window << 1 | keyBit(j);
  uint32_t h = 0;
  size_t next = 32;  // key bit that enters the window next
  for (uint8_t byte : input)
    for (int b = 7; b >= 0; --b) {
      if ((byte >> b) & 1u) h ^= window;
      window = window << 1 | keyBit(next++);
    }
  return h;
}

std::optional<std::vector<uint8_t>> rssHashInput(const std::vector<uint8_t>& f, uint32_t types) {
  if (f.size() < kEthHdrBytes) return std::nullopt;
  size_t l3 = kEthHdrBytes;
  uint16_t etherType = be16(f, 12);
  if (etherType == kEtherTypeVlan && f.size() >= kEthHdrBytes + kVlanTagBytes) {
    etherType = be16(f, 16);
    l3 += kVlanTagBytes;
  }
  if (etherType == 0x0800 && f.size() >= l3 + 20 && (f[l3] >> 4) == 4) {
    const size_t ihl = size_t{f[l3] & 0x0fu} * 4;
    const uint8_t proto = f[l3 + 9];
    const bool fragment = (be16(f, l3 + 6) & 0x3fff) != 0;
    const bool l4 = ihl >= 20 && !fragment && f.size() >= l3 + ihl + 4;
    if (l4 && ((proto == kTcp && (types & rss::kTcpv4)) || (proto == kUdp && (types & rss::kUdpv4))))
      return tuple(f, l3 + 12, 4, l3 + ihl, true);
    if (types & rss::kIpv4) return tuple(f, l3 + 12, 4, 0, false);
    return std::nullopt;
  }
  if (etherType == 0x86dd && f.size() >= l3 + 40 && (f[l3] >> 4) == 6) {
    const uint8_t next = f[l3 + 6];
    const bool l4 = f.size() >= l3 + 44;
    if (l4 && ((next == kTcp && (types & rss::kTcpv6)) || (next == kUdp && (types & rss::kUdpv6))))
      return tuple(f, l3 + 8, 16, l3 + 40, true);
    if (types & rss::kIpv6) return tuple(f, l3 + 8, 16, 0, false);
  }
  return std::nullopt;
}

std::optional<std::vector<uint8_t>> innerFrame(const std::vector<uint8_t>& f, uint32_t types) {
  if (types == 0 || f.size() < kEthHdrBytes) return std::nullopt;
  size_t l3 = kEthHdrBytes;
  uint16_t etherType = be16(f, 12);
  if (etherType == kEtherTypeVlan && f.size() >= kEthHdrBytes + kVlanTagBytes) {
    etherType = be16(f, 16);
    l3 += kVlanTagBytes;
  }
  if (etherType != 0x0800 || f.size() < l3 + 20 || (f[l3] >> 4) != 4) return std::nullopt;
  const size_t ihl = size_t{f[l3] & 0x0fu} * 4;
  if (ihl < 20 || (be16(f, l3 + 6) & 0x3fff) != 0 || f.size() < l3 + ihl) return std::nullopt;
  const uint8_t proto = f[l3 + 9];
  const size_t l4 = l3 + ihl;
  if (proto == 4 && (types & rss::kTunnelIpip)) {
    // IPv4 in IPv4: the inner packet gets an Ethernet header so it is hashed like any frame
    std::vector<uint8_t> in(f.begin(), f.begin() + kEthHdrBytes);
    in[12] = 0x08;
    in[13] = 0x00;
    in.insert(in.end(), f.begin() + static_cast<std::ptrdiff_t>(l4), f.end());
    return in;
  }
  constexpr size_t kUdpHdr = 8, kVxlanHdr = 8;
  if (proto == kUdp && (types & rss::kTunnelVxlan) && f.size() >= l4 + kUdpHdr + kVxlanHdr + kEthHdrBytes &&
      be16(f, l4 + 2) == rss::kVxlanPort)
    return std::vector<uint8_t>(f.begin() + static_cast<std::ptrdiff_t>(l4 + kUdpHdr + kVxlanHdr), f.end());
  return std::nullopt;
}

RssDecode decodeRssConfig(const std::vector<uint8_t>& d, const RssLimits& lim,
                          const std::function<bool(uint16_t)>& enabledRx) {
  RssDecode r;
  auto fail = [&r](const char* clause, const char* kind, std::string why, uint64_t v) {
    r.clause = clause;
    r.kind = kind;
    r.problem = std::move(why);
    r.value = v;
    return r;
  };
  if (d.size() < 8)
    // drivernormative:Basic Facilities of a Virtio Device / Message Framing#1 (nearest: the fixed part is there)
    return fail(clause::kCtrlFraming, "ctrl.malformed", "RSS_CONFIG shorter than its fixed part (nearest)", d.size());
  RssConfig c;
  c.hashTypes = get32(d, 0);
  c.indirectionMask = get16(d, 4);
  const size_t entries = size_t{c.indirectionMask} + 1;
  const size_t keyLenAt = 8 + 2 * entries + 2;
  if (d.size() < keyLenAt + 1 || d.size() != keyLenAt + 1 + d[keyLenAt])
    // drivernormative:Basic Facilities of a Virtio Device / Message Framing#1 (nearest: exactly the structure its mask and key length describe)
    return fail(clause::kCtrlFraming, "ctrl.malformed", "RSS_CONFIG size does not match its mask and key length (nearest)",
                d.size());
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#3: mask + 1 entries, a power of two
  if ((entries & (entries - 1)) != 0)
    return fail(clause::kRssTablePow2, "ctrl.rss_table_not_power_of_two", "indirection table length is not a power of two",
                entries);
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#4: mask below rss_max_indirection_table_length
  if (c.indirectionMask >= lim.maxIndirectionTable)
    return fail(clause::kRssMaskBelowMax, "ctrl.rss_mask_too_large",
                "indirection_table_mask not below rss_max_indirection_table_length", c.indirectionMask);
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#5: only supported hash types
  if (c.hashTypes & ~lim.supportedHashTypes)
    return fail(clause::kRssHashTypes, "ctrl.rss_hash_type_unsupported", "hash_types has a type the device does not support",
                c.hashTypes);
  for (size_t i = 0; i < entries; ++i) {
    const uint16_t id = get16(d, 8 + 2 * i);
    const uint32_t vq = 2u * (id & 0x7fffu);
    // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#2: every entry an enabled receive queue
    if ((id & 0x8000u) || vq >= 2u * lim.maxPairs || !enabledRx(static_cast<uint16_t>(vq)))
      return fail(clause::kRssTableEnabled, "ctrl.rss_table_queue_not_enabled",
                  "indirection table names a receive queue that is not enabled", id);
    c.table.push_back(static_cast<uint16_t>(vq));
  }
  // No statement covers these: refused with VIRTIO_NET_ERR, not reported.
  const uint16_t unclassified = get16(d, 6);
  c.unclassifiedQueue = static_cast<uint16_t>(2u * (unclassified & 0x7fffu));
  c.maxTxVq = get16(d, 8 + 2 * entries);
  c.key.assign(d.begin() + static_cast<std::ptrdiff_t>(keyLenAt + 1), d.end());
  if (c.key.size() > lim.maxKeySize) return fail(nullptr, "", "hash key longer than rss_max_key_size", c.key.size());
  if (c.maxTxVq < 1 || c.maxTxVq > lim.maxPairs)
    return fail(nullptr, "", "max_tx_vq outside 1..max_virtqueue_pairs", c.maxTxVq);
  if ((unclassified & 0x8000u) || c.unclassifiedQueue >= 2u * lim.maxPairs || !enabledRx(c.unclassifiedQueue))
    return fail(nullptr, "", "unclassified_queue is not an enabled receive queue", unclassified);
  r.config = std::move(c);
  return r;
}

}  // namespace vsim::model::net

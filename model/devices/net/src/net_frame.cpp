// Frame helpers: VLAN tag, MTU limit, checksum completion, flow hash, MAC text forms.
#include "vsim/model/net_frame.h"

#include <cstdio>
#include <utility>

namespace vsim::model::net {

namespace {
uint16_t be16(const std::vector<uint8_t>& f, size_t off) {
  return static_cast<uint16_t>((f[off] << 8) | f[off + 1]);
}
uint64_t fnv(uint64_t h, const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ull;
  }
  return h;
}
/// Hash two endpoints (address bytes + port) so that swapping them gives the same value.
uint64_t hashPair(uint64_t h, const uint8_t* a, const uint8_t* b, size_t n, uint16_t pa, uint16_t pb) {
  int cmp = std::memcmp(a, b, n);
  if (cmp > 0 || (cmp == 0 && pa > pb)) {
    std::swap(a, b);
    std::swap(pa, pb);
  }
  h = fnv(h, a, n);
  h = fnv(h, b, n);
  const uint8_t ports[4] = {static_cast<uint8_t>(pa >> 8), static_cast<uint8_t>(pa), static_cast<uint8_t>(pb >> 8),
                            static_cast<uint8_t>(pb)};
  return fnv(h, ports, 4);
}
}  // namespace

bool vlanTag(const std::vector<uint8_t>& f, uint16_t* vid) {
  if (f.size() < kEthHdrBytes + kVlanTagBytes || be16(f, 12) != kEtherTypeVlan) return false;
  if (vid) *vid = be16(f, 14) & 0x0fff;
  return true;
}

uint32_t maxFrameFor(uint32_t mtu, const std::vector<uint8_t>& f) {
  return mtu + kEthHdrBytes + (vlanTag(f, nullptr) ? kVlanTagBytes : 0);
}

bool completeChecksum(std::vector<uint8_t>& f, uint16_t csumStart, uint16_t csumOffset) {
  const size_t at = size_t{csumStart} + csumOffset;
  if (csumStart >= f.size() || at + 2 > f.size()) return false;
  uint32_t sum = 0;
  for (size_t i = csumStart; i < f.size(); i += 2) {
    const uint32_t hi = f[i];
    const uint32_t lo = i + 1 < f.size() ? f[i + 1] : 0;
    sum += (hi << 8) | lo;
  }
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  const uint16_t c = static_cast<uint16_t>(~sum);
  f[at] = static_cast<uint8_t>(c >> 8);
  f[at + 1] = static_cast<uint8_t>(c);
  return true;
}

uint64_t symmetricFlowHash(const std::vector<uint8_t>& f) {
  uint64_t h = 0xcbf29ce484222325ull;
  if (f.size() < kEthHdrBytes) return fnv(h, f.data(), f.size());
  size_t l3 = kEthHdrBytes;
  uint16_t type = be16(f, 12);
  if (type == kEtherTypeVlan && f.size() >= l3 + 4) {
    type = be16(f, 16);
    l3 += 4;
  }
  uint8_t proto = 0;
  size_t l4 = 0;
  const uint8_t* a = nullptr;
  const uint8_t* b = nullptr;
  size_t alen = 0;
  if (type == 0x0800 && f.size() >= l3 + 20) {
    const size_t ihl = size_t{f[l3] & 0x0fu} * 4;
    const bool fragment = (be16(f, l3 + 6) & 0x3fff) != 0;
    proto = f[l3 + 9];
    a = &f[l3 + 12];
    b = &f[l3 + 16];
    alen = 4;
    if (!fragment && ihl >= 20) l4 = l3 + ihl;
  } else if (type == 0x86dd && f.size() >= l3 + 40) {
    proto = f[l3 + 6];
    a = &f[l3 + 8];
    b = &f[l3 + 24];
    alen = 16;
    l4 = l3 + 40;
  }
  if (!a) return hashPair(h, &f[0], &f[6], 6, 0, 0);
  uint16_t pa = 0, pb = 0;
  if ((proto == 6 || proto == 17) && l4 && f.size() >= l4 + 4) {
    pa = be16(f, l4);
    pb = be16(f, l4 + 2);
  }
  h = fnv(h, &proto, 1);
  return hashPair(h, a, b, alen, pa, pb);
}

bool parseMac(const std::string& s, Mac* out) {
  if (s.size() != 17) return false;
  Mac m{};
  for (size_t i = 0; i < 6; ++i) {
    if (i && s[3 * i - 1] != ':' && s[3 * i - 1] != '-') return false;
    unsigned v = 0;
    for (size_t k = 0; k < 2; ++k) {
      const char c = s[3 * i + k];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
      else return false;
    }
    m[i] = static_cast<uint8_t>(v);
  }
  *out = m;
  return true;
}

std::string formatMac(const Mac& m) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
  return buf;
}

Mac defaultMacFor(const std::string& instanceName) {
  const uint64_t h = fnv(0xcbf29ce484222325ull, reinterpret_cast<const uint8_t*>(instanceName.data()),
                         instanceName.size());
  // 0x02: locally administered, unicast; "VS" marks virtio-sim.
  return Mac{0x02, 0x56, 0x53, static_cast<uint8_t>(h >> 16), static_cast<uint8_t>(h >> 8), static_cast<uint8_t>(h)};
}

}  // namespace vsim::model::net

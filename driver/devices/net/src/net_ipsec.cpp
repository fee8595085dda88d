// IpsecClient: capabilities and SA objects of virtio-net IPsec over an admin command channel (see the header).
#include "vsim/drv/net_ipsec.h"

namespace vsim::drv::net::ipsec {
namespace {

uint32_t le32(const uint8_t* p) { return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24; }
uint64_t le64(const uint8_t* p) { return uint64_t{le32(p)} | uint64_t{le32(p + 4)} << 32; }
void set16(uint8_t* p, uint16_t x) { p[0] = static_cast<uint8_t>(x), p[1] = static_cast<uint8_t>(x >> 8); }
void set32(uint8_t* p, uint32_t x) { set16(p, static_cast<uint16_t>(x)), set16(p + 2, static_cast<uint16_t>(x >> 16)); }
void set64(uint8_t* p, uint64_t x) { set32(p, static_cast<uint32_t>(x)), set32(p + 4, static_cast<uint32_t>(x >> 32)); }
std::vector<uint8_t> capCmd(uint16_t id, const std::vector<uint8_t>& body = {}) {
  std::vector<uint8_t> v{static_cast<uint8_t>(id), static_cast<uint8_t>(id >> 8), 0, 0, 0, 0, 0, 0};
  v.insert(v.end(), body.begin(), body.end());
  return v;
}
bool listed(const std::vector<uint8_t>& bm, uint16_t id) { return bm.size() > id / 8u && (bm[id / 8u] >> (id % 8u) & 1u); }
uint64_t lowest(uint64_t mask) {
  for (uint64_t b = 0; b < 64; ++b)
    if (mask >> b & 1u) return b;
  return 0;
}
constexpr size_t kModeCapBytes = 44;

}  // namespace

bool IpsecClient::enable() {
  // drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#1: discover the capability IDs first
  const auto list = ch_(ff::kCmdCapIdListQuery, {});
  last_ = list.status;
  if (list.status != ff::kStatusOk || !listed(list.result, kResourceCap) || !listed(list.result, kSaCap)) return false;
  // drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#2: get both listed capabilities
  const auto res = ch_(ff::kCmdDeviceCapGet, capCmd(kResourceCap));
  const auto sa = ch_(ff::kCmdDeviceCapGet, capCmd(kSaCap));
  last_ = res.status != ff::kStatusOk ? res.status : sa.status;
  if (last_ != ff::kStatusOk || res.result.size() < 8 || sa.result.size() < 8 + kModeCapBytes || sa.result[0] == 0)
    return false;
  inb_ = le32(res.result.data());
  outb_ = le32(res.result.data() + 4);
  cipher_ = lowest(le64(sa.result.data() + 8 + 16));
  auth_ = lowest(le64(sa.result.data() + 8 + 24));
  // drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#3: set both before any SA object
  last_ = ch_(ff::kCmdDriverCapSet, capCmd(kResourceCap, res.result)).status;
  if (last_ != ff::kStatusOk) return false;
  last_ = ch_(ff::kCmdDriverCapSet, capCmd(kSaCap, sa.result)).status;
  return last_ == ff::kStatusOk;
}

std::vector<uint8_t> IpsecClient::saData(uint32_t id, const SaParams& p, bool inbound) {
  std::vector<uint8_t> v(kSaBytes, 0);
  uint8_t* d = v.data();
  // drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#4: outbound: every parameter
  // drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#5: inbound: all but the tunnel parameters
  d[0] = p.mode;
  d[1] = inbound ? kDirInbound : kDirOutbound;
  set32(d + 4, id);
  set32(d + 8, p.spi);
  set32(d + 12, p.salt);
  set64(d + 16, p.options);
  if (!inbound && p.mode == kModeTunnel) {
    d[24] = p.tunnelType;
    set32(d + 28, p.tunnelSrc);
    set32(d + 32, p.tunnelDst);
    d[38] = 64;  // ttl
  }
  set32(d + 72, p.replayWin);
  set64(d + 76, p.cipherAlgo);
  set16(d + 84, p.cipherKeyLen);
  set64(d + 120, p.authAlgo);
  set16(d + 128, p.authKeyLen);
  for (size_t i = 0; i < 32; ++i) {
    if (i < p.cipherKeyLen) d[88 + i] = static_cast<uint8_t>(0x11 * (i + 1));
    if (i < p.authKeyLen) d[132 + i] = static_cast<uint8_t>(0x5a ^ i);
  }
  return v;
}

uint8_t IpsecClient::send(uint16_t op, uint32_t id, const SaParams& p, bool inbound) {
  auto v = objHdr(inbound ? kObjInbSa : kObjOutbSa, id);
  const auto b = saData(id, p, inbound);
  v.insert(v.end(), b.begin(), b.end());
  last_ = ch_(op, v).status;
  return last_;
}

uint8_t IpsecClient::destroy(uint32_t id, bool inbound) {
  last_ = ch_(ff::kCmdObjDestroy, objHdr(inbound ? kObjInbSa : kObjOutbSa, id)).status;
  return last_;
}

std::vector<uint8_t> IpsecClient::query(uint32_t id, bool inbound) {
  auto a = ch_(ff::kCmdObjQuery, objHdr(inbound ? kObjInbSa : kObjOutbSa, id));
  last_ = a.status;
  return a.status == ff::kStatusOk ? a.result : std::vector<uint8_t>{};
}

}  // namespace vsim::drv::net::ipsec

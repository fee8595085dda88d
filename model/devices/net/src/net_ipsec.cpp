// IpsecSa: IPsec capabilities and SA resource objects of virtio-net (see the header).
#include "vsim/model/net_ipsec.h"

namespace vsim::model::net::ipsec {
namespace {

using ff::kCmdCapIdListQuery, ff::kCmdDeviceCapGet, ff::kCmdDriverCapSet, ff::kCmdObjCreate, ff::kCmdObjModify,
    ff::kCmdObjQuery, ff::kCmdObjDestroy, ff::kOk, ff::kEnxio, ff::kEinval, ff::kEnospc, ff::kQInvalidCommand,
    ff::kQInvalidOpcode, ff::kQInvalidField;

uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t le32(const uint8_t* p) { return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24; }
uint64_t le64(const uint8_t* p) { return uint64_t{le32(p)} | uint64_t{le32(p + 4)} << 32; }
void set16(uint8_t* p, uint16_t x) { p[0] = static_cast<uint8_t>(x), p[1] = static_cast<uint8_t>(x >> 8); }
void set32(uint8_t* p, uint32_t x) { set16(p, static_cast<uint16_t>(x)), set16(p + 2, static_cast<uint16_t>(x >> 16)); }
void set64(uint8_t* p, uint64_t x) { set32(p, static_cast<uint32_t>(x)), set32(p + 4, static_cast<uint32_t>(x >> 32)); }
Answer fail(uint8_t st, uint16_t q = kQInvalidField) { return {st, q, {}}; }

constexpr size_t kHdrBytes = 16;  // resource_obj_cmd_hdr (8) + flags (8)
constexpr size_t kKeyBytes = 32;
bool bit(uint64_t mask, uint64_t algo) { return algo < 64 && (mask >> algo & 1u); }

ModeCap decodeMode(const uint8_t* p) {
  return {p[0], le32(p + 4), le32(p + 8), le64(p + 16), le64(p + 24), le32(p + 32), le32(p + 36), le32(p + 40)};
}

}  // namespace

std::vector<uint8_t> Sa::encode() const {
  std::vector<uint8_t> v(kSaBytes, 0);
  uint8_t* p = v.data();
  p[0] = mode;
  p[1] = direction;
  set32(p + 4, objId);
  set32(p + kOffSpi, spi);
  set32(p + 12, salt);
  set64(p + 16, options);
  p[kOffParam] = tunnelType;
  set32(p + 72, replayWin);
  set64(p + kOffCipherAlgo, cipherAlgo);
  set16(p + kOffCipherKey, cipherKeyLen);
  set64(p + kOffAuthAlgo, authAlgo);
  set16(p + kOffAuthKey, authKeyLen);
  for (size_t i = 0; i < kKeyBytes; ++i) p[kOffCipherKey + 4 + i] = p[kOffAuthKey + 4 + i] = static_cast<uint8_t>(0xa0 + i);
  return v;
}

Sa Sa::decode(const uint8_t* p) {
  Sa s;
  s.mode = p[0];
  s.direction = p[1];
  s.objId = le32(p + 4);
  s.spi = le32(p + kOffSpi);
  s.salt = le32(p + 12);
  s.options = le64(p + 16);
  s.tunnelType = p[kOffParam];
  s.replayWin = le32(p + 72);
  s.cipherAlgo = le64(p + kOffCipherAlgo);
  s.cipherKeyLen = le16(p + kOffCipherKey);
  s.authAlgo = le64(p + kOffAuthAlgo);
  s.authKeyLen = le16(p + kOffAuthKey);
  return s;
}

std::vector<uint8_t> encodeLimits(uint32_t inb, uint32_t outb) {
  std::vector<uint8_t> v(8, 0);
  set32(v.data(), inb);
  set32(v.data() + 4, outb);
  return v;
}

std::vector<uint8_t> encodeModes(const std::vector<ModeCap>& m) {
  std::vector<uint8_t> v(8 + m.size() * kModeCapBytes, 0);
  v[0] = static_cast<uint8_t>(m.size());
  uint8_t* p = v.data() + 8;
  for (const auto& c : m) {
    p[0] = c.mode;
    set32(p + 4, c.maxReplayWin);
    set32(p + 8, c.options);
    set64(p + 16, c.cipherAlgo);
    set64(p + 24, c.hmacAlgo);
    set32(p + 32, c.aeadAlgo);
    set32(p + 36, c.maxCipherKey);
    set32(p + 40, c.maxAuthKey);
    p += kModeCapBytes;
  }
  return v;
}

IpsecSa::IpsecSa(uint32_t inbLimit, uint32_t outbLimit, std::vector<ModeCap> modes, Violate v)
    : inbLimit_(inbLimit), outbLimit_(outbLimit), modes_(std::move(modes)), v_(std::move(v)) {}

IpsecSa IpsecSa::withDefaults(uint32_t saLimit, Violate v) {
  std::vector<ModeCap> m;
  for (uint8_t mode : {kModeTunnel, kModeTransport}) m.push_back({mode, 1024, 0x7f, 0xfe, 0x3e, 0, 32, 32});
  return IpsecSa(saLimit, saLimit, std::move(m), std::move(v));
}

bool IpsecSa::owns(uint16_t opcode, const std::vector<uint8_t>& d) {
  if (d.size() < 2) return false;
  const uint16_t x = le16(d.data());
  switch (opcode) {
    case kCmdDeviceCapGet:
    case kCmdDriverCapSet: return x == kResourceCap || x == kSaCap;
    case kCmdObjCreate:
    case kCmdObjModify:
    case kCmdObjQuery:
    case kCmdObjDestroy: return x == kObjOutbSa || x == kObjInbSa;
    default: return false;
  }
}

void IpsecSa::listQueried(std::vector<uint8_t>* bitmap) {
  listed_ = true;
  if (bitmap->size() < 8 * (kSaCap / 64 + 1)) bitmap->resize(8 * (kSaCap / 64 + 1), 0);
  // devicenormative:Device Types / Network Device / Device Operation / IPsec Operation#1: both capabilities are listed
  for (uint16_t id : {kResourceCap, kSaCap}) (*bitmap)[id / 8] |= static_cast<uint8_t>(1u << (id % 8));
}

void IpsecSa::reset() {
  // devicenormative:Device Types / Network Device / Device Operation / IPsec Operation#10: reset destroys every SA
  outb_.clear();
  inb_.clear();
  listed_ = gotRes_ = gotSa_ = drvRes_ = drvSa_ = false;
  drvInb_ = drvOutb_ = 0;
  drvModes_.clear();
}

void IpsecSa::violate(const char* clause, std::string m) {
  ++violations_;
  if (v_) v_(clause, std::move(m));
}

Answer IpsecSa::command(uint16_t opcode, const std::vector<uint8_t>& d) {
  if (opcode == kCmdDeviceCapGet) return d.size() < 8 ? fail(kEinval, kQInvalidCommand) : capGet(le16(d.data()));
  if (opcode == kCmdDriverCapSet)
    return d.size() < 8 ? fail(kEinval, kQInvalidCommand) : capSet(le16(d.data()), d.data() + 8, d.size() - 8);
  if (d.size() < kHdrBytes) return fail(kEinval, kQInvalidCommand);
  const uint16_t type = le16(d.data());
  const uint32_t id = le32(d.data() + 4);
  // devicenormative:Device Types / Network Device / Device Operation / IPsec Operation#3: capabilities not in use: Q_INVALID_OPCODE
  if (!driverCapsSet()) {
    // drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#3: both capabilities are set first
    violate("drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#3",
            "IPsec SA command (opcode " + std::to_string(opcode) + ") before the driver set IPSEC_RESOURCE_CAP and IPSEC_SA_CAP");
    return fail(kEinval, kQInvalidOpcode);
  }
  const uint8_t* p = d.data() + kHdrBytes;
  const size_t n = d.size() - kHdrBytes;
  auto& objs = type == kObjOutbSa ? outb_ : inb_;
  // devicenormative:Device Types / Network Device / Device Operation / IPsec Operation#2: create / modify / query / destroy for both SA types
  switch (opcode) {
    case kCmdObjCreate: return create(type, id, p, n);
    case kCmdObjModify: return modify(type, id, p, n);
    case kCmdObjQuery: {
      auto it = objs.find(id);
      if (it == objs.end()) return fail(kEnxio);
      return {kOk, ff::kQOk, it->second.encode()};
    }
    default:
      // devicenormative:Device Types / Network Device / Device Operation / IPsec Operation#8: a destroyed id can be created again
      return objs.erase(id) ? Answer{} : fail(kEnxio);
  }
}

Answer IpsecSa::capGet(uint16_t id) {
  if (id == kResourceCap) {
    // drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#1: the ID list comes first
    if (!listed_)
      violate("drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#1",
              "DEVICE_CAP_GET of an IPsec capability before CAP_ID_LIST_QUERY");
    gotRes_ = true;
    return {kOk, ff::kQOk, encodeLimits(inbLimit_, outbLimit_)};
  }
  if (!listed_)
    violate("drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#1",
            "DEVICE_CAP_GET of an IPsec capability before CAP_ID_LIST_QUERY");
  gotSa_ = true;
  return {kOk, ff::kQOk, encodeModes(modes_)};
}

Answer IpsecSa::capSet(uint16_t id, const uint8_t* p, size_t n) {
  // drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#2: a capability is read before it is set
  if (!(id == kResourceCap ? gotRes_ : gotSa_))
    violate("drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#2",
            "DRIVER_CAP_SET of IPsec capability " + std::to_string(id) + " without DEVICE_CAP_GET of it");
  if (id == kResourceCap) {
    if (n < 8) return fail(kEinval);
    const uint32_t inb = le32(p), outb = le32(p + 4);
    if (inb > inbLimit_ || outb > outbLimit_) return fail(kEinval);
    drvInb_ = inb;
    drvOutb_ = outb;
    drvRes_ = true;
    return {};
  }
  if (n < 8 || n < 8 + size_t{p[0]} * kModeCapBytes) return fail(kEinval);
  std::vector<ModeCap> m;
  for (uint8_t i = 0; i < p[0]; ++i) {
    const ModeCap c = decodeMode(p + 8 + i * kModeCapBytes);
    const ModeCap* dev = nullptr;
    for (const auto& x : modes_)
      if (x.mode == c.mode) dev = &x;
    if (!dev || (c.options & ~dev->options) || (c.cipherAlgo & ~dev->cipherAlgo) || (c.hmacAlgo & ~dev->hmacAlgo) ||
        (c.aeadAlgo & ~dev->aeadAlgo) || c.maxReplayWin > dev->maxReplayWin || c.maxCipherKey > dev->maxCipherKey ||
        c.maxAuthKey > dev->maxAuthKey)
      return fail(kEinval);
    m.push_back(c);
  }
  drvModes_ = std::move(m);
  drvSa_ = true;
  return {};
}

bool IpsecSa::supported(const Sa& s, bool inbound) const {
  for (const auto& c : drvModes_) {
    if (c.mode != s.mode) continue;
    return !(s.options & ~uint64_t{c.options}) && bit(c.cipherAlgo, s.cipherAlgo) && bit(c.hmacAlgo, s.authAlgo) &&
           s.cipherKeyLen <= c.maxCipherKey && s.authKeyLen <= c.maxAuthKey && s.cipherKeyLen <= kKeyBytes &&
           s.authKeyLen <= kKeyBytes && (!inbound || s.replayWin <= c.maxReplayWin);
  }
  return false;
}

void IpsecSa::checkFilled(const Sa& s, bool inbound) {
  const bool common = s.mode != 0 && s.spi != 0 && s.direction == (inbound ? kDirInbound : kDirOutbound) &&
                      s.cipherKeyLen != 0 && s.authKeyLen != 0;
  if (inbound) {
    // drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#5: inbound SA: all but the tunnel parameters set
    if (!common)
      violate("drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#5",
              "inbound SA object " + std::to_string(s.objId) + " with mode, direction, spi or a key length left unset");
    return;
  }
  // drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#4: outbound SA: every parameter set (tunnel mode: the tunnel type too)
  if (!common || (s.mode == kModeTunnel && s.tunnelType == 0))
    violate("drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#4",
            "outbound SA object " + std::to_string(s.objId) + " with mode, direction, spi, a key length or the tunnel type left unset");
}

Answer IpsecSa::create(uint16_t type, uint32_t id, const uint8_t* p, size_t n) {
  const bool inbound = type == kObjInbSa;
  auto& objs = inbound ? inb_ : outb_;
  // devicenormative:Device Types / Network Device / Device Operation / IPsec Operation#4: an existing id: EEXIST
  if (objs.count(id)) return fail(kEexist);
  if (n < kSaBytes) return fail(kEinval);
  const Sa s = Sa::decode(p);
  checkFilled(s, inbound);
  if (inbound) {
    // devicenormative:Device Types / Network Device / Device Operation / IPsec Operation#6: id below inb_sa_limit, parameters within IPSEC_SA_CAP
    if (id >= drvInb_) return fail(kEnospc);
    if (!supported(s, true)) return fail(kEinval);
  } else {
    // devicenormative:Device Types / Network Device / Device Operation / IPsec Operation#5: id below outb_sa_limit, parameters within IPSEC_SA_CAP
    if (id >= drvOutb_) return fail(kEnospc);
    if (!supported(s, false)) return fail(kEinval);
  }
  objs[id] = s;
  return {};
}

Answer IpsecSa::modify(uint16_t type, uint32_t id, const uint8_t* p, size_t n) {
  const bool inbound = type == kObjInbSa;
  auto& objs = inbound ? inb_ : outb_;
  auto it = objs.find(id);
  if (it == objs.end()) return fail(kEnxio);
  if (n < kSaBytes) return fail(kEinval);
  const Sa s = Sa::decode(p);
  if (!supported(s, inbound) || s.direction != (inbound ? kDirInbound : kDirOutbound)) return fail(kEinval);
  it->second = s;
  return {};
}

}  // namespace vsim::model::net::ipsec

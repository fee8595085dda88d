// FlowFilterClient: capabilities and resource objects of the virtio-net flow filter (see the header).
#include "vsim/drv/net_flow_filter.h"

namespace vsim::drv::net::ff {
namespace {

void put(std::vector<uint8_t>& v, uint64_t x, size_t n) {
  for (size_t i = 0; i < n; ++i) v.push_back(static_cast<uint8_t>(x >> (8 * i)));
}
std::vector<uint8_t> capHdr(uint16_t id) {
  std::vector<uint8_t> v;
  put(v, id, 2);
  put(v, 0, 6);
  return v;
}
uint8_t len(uint8_t type) { return type == kEth ? 14 : type == kIpv4 ? 20 : type == kIpv6 ? 40 : type == kTcp ? 20 : 8; }
size_t protoOff(uint8_t l3) { return l3 == kIpv4 ? 9 : 6; }
uint8_t iana(uint8_t l4) { return l4 == kTcp ? 6 : 17; }
uint32_t shapeKey(const Match& m) {
  return (m.l3 ? *m.l3 : 0u) | (m.l4 ? *m.l4 : 0u) << 4 | (m.ipv4Dst ? 1u : 0u) << 8 | (m.dstPort ? 1u : 0u) << 9;
}
/// Selector types, in the order a classifier lists them.
std::vector<uint8_t> types(const Match& m) {
  std::vector<uint8_t> t{kEth};
  if (m.l3) t.push_back(*m.l3);
  if (m.l3 && m.l4) t.push_back(*m.l4);
  return t;
}

}  // namespace

std::vector<uint8_t> FlowFilterClient::objHdr(uint16_t type, uint32_t id) {
  std::vector<uint8_t> v;
  put(v, type, 2);
  put(v, 0, 2);
  put(v, id, 4);
  put(v, 0, 8);  // flags
  return v;
}

std::vector<uint8_t> FlowFilterClient::classifierData(const Match& m) {
  const auto t = types(m);
  std::vector<uint8_t> v;
  put(v, t.size(), 1);
  put(v, 0, 7);
  for (size_t i = 0; i < t.size(); ++i) {
    std::vector<uint8_t> mask(len(t[i]), 0);
    if (i == 0 && t.size() >= 2) mask[12] = mask[13] = 0xff;  // EtherType: the next selector's header
    if (i == 1) {
      if (t.size() > 2) mask[protoOff(t[1])] = 0xff;  // Protocol / Next Header: the third selector's header
      if (t[1] == kIpv4 && m.ipv4Dst)
        for (int b = 16; b < 20; ++b) mask[b] = 0xff;
    }
    if (i == 2 && m.dstPort) mask[2] = mask[3] = 0xff;
    const uint8_t head[8] = {t[i], 0, 0, 0, static_cast<uint8_t>(mask.size()), 0, 0, 0};
    v.insert(v.end(), head, head + 8);
    v.insert(v.end(), mask.begin(), mask.end());
  }
  return v;
}

std::vector<uint8_t> FlowFilterClient::ruleData(uint32_t group, uint32_t classifier, const Match& m, uint8_t priority,
                                                uint8_t action, uint16_t vq) {
  const auto t = types(m);
  std::vector<uint8_t> keys;
  for (size_t i = 0; i < t.size(); ++i) {
    std::vector<uint8_t> k(len(t[i]), 0);
    if (i == 0 && t.size() >= 2) {
      const uint16_t et = t[1] == kIpv4 ? 0x0800 : 0x86dd;  // IEEE 802 EtherType of the second selector
      k[12] = static_cast<uint8_t>(et >> 8);
      k[13] = static_cast<uint8_t>(et);
    }
    if (i == 1) {
      if (t.size() > 2) k[protoOff(t[1])] = iana(t[2]);  // IANA protocol number of the third selector
      if (t[1] == kIpv4 && m.ipv4Dst)
        for (int b = 0; b < 4; ++b) k[16 + b] = (*m.ipv4Dst)[b];
    }
    if (i == 2 && m.dstPort) {
      k[2] = static_cast<uint8_t>(*m.dstPort >> 8);
      k[3] = static_cast<uint8_t>(*m.dstPort);
    }
    keys.insert(keys.end(), k.begin(), k.end());
  }
  std::vector<uint8_t> v;
  put(v, group, 4);
  put(v, classifier, 4);
  v.push_back(priority);
  v.push_back(static_cast<uint8_t>(keys.size()));
  v.push_back(action);
  v.push_back(0);
  put(v, vq, 2);
  put(v, 0, 2);
  v.insert(v.end(), keys.begin(), keys.end());
  return v;
}

bool FlowFilterClient::ok(uint16_t op, const std::vector<uint8_t>& d, AdminReply* out) {
  AdminReply r = ch_(op, d);
  last_ = r.status;
  if (out) *out = std::move(r);
  return last_ == kStatusOk;
}

bool FlowFilterClient::enable() {
  AdminReply list;
  if (!ok(kCmdCapIdListQuery, {}, &list)) return false;
  for (uint16_t id : {kResourceCap, kSelectorCap, kActionCap})
    if (list.result.size() <= id / 8u || !(list.result[id / 8] & (1u << (id % 8)))) return false;
  // drivernormative:Device Types / Network Device / Device Operation / Flow filter#1: all three capabilities set before any object
  for (uint16_t id : {kResourceCap, kSelectorCap, kActionCap}) {
    AdminReply cap;
    if (!ok(kCmdDeviceCapGet, capHdr(id), &cap)) return false;
    auto d = capHdr(id);
    d.insert(d.end(), cap.result.begin(), cap.result.end());  // use what the device offers
    if (!ok(kCmdDriverCapSet, d)) return false;
  }
  enabled_ = true;
  return true;
}

uint32_t FlowFilterClient::createGroup(uint16_t priority) {
  if (!enabled_) return 0;
  const uint32_t id = nextGroup_++;
  auto d = objHdr(kObjGroup, id);
  put(d, priority, 2);
  return ok(kCmdObjCreate, d) ? id : 0;
}

uint32_t FlowFilterClient::addRule(uint32_t group, const Match& m, uint8_t priority, uint8_t action, uint16_t vq) {
  if (!enabled_ || (m.l4 && !m.l3) || (m.ipv4Dst && m.l3 != kIpv4) || (m.dstPort && !m.l4)) return 0;
  // drivernormative:Device Types / Network Device / Device Operation / Flow filter#6: a rule_priority is used once per group
  for (const auto& [id, x] : rules_)
    if (x.group == group && x.priority == priority) return 0;
  uint32_t cls = 0;
  auto s = shapes_.find(shapeKey(m));
  if (s != shapes_.end()) {
    cls = s->second;
  } else {
    cls = nextClassifier_++;
    // drivernormative:Device Types / Network Device / Device Operation / Flow filter#9: selectors ETH, IPv4/IPv6, TCP/UDP (types())
    // drivernormative:Device Types / Network Device / Device Operation / Flow filter#10: EtherType / Protocol masks full (classifierData())
    auto d = objHdr(kObjClassifier, cls);
    const auto body = classifierData(m);
    d.insert(d.end(), body.begin(), body.end());
    if (!ok(kCmdObjCreate, d)) return 0;
    shapes_[shapeKey(m)] = cls;
  }
  const uint32_t id = nextRule_++;
  // drivernormative:Device Types / Network Device / Device Operation / Flow filter#11: EtherType key per IEEE 802 (ruleData())
  // drivernormative:Device Types / Network Device / Device Operation / Flow filter#12: Protocol key per IANA (ruleData())
  auto d = objHdr(kObjRule, id);
  const auto body = ruleData(group, cls, m, priority, action, vq);
  d.insert(d.end(), body.begin(), body.end());
  if (!ok(kCmdObjCreate, d)) return 0;
  rules_[id] = {group, cls, priority};
  ++classUsers_[cls];
  return id;
}

bool FlowFilterClient::removeRule(uint32_t rule) {
  auto it = rules_.find(rule);
  if (it == rules_.end() || !ok(kCmdObjDestroy, objHdr(kObjRule, rule))) return false;
  const uint32_t cls = it->second.classifier;
  rules_.erase(it);
  // A classifier goes only once no rule depends on it.
  if (--classUsers_[cls] == 0) {
    classUsers_.erase(cls);
    for (auto s = shapes_.begin(); s != shapes_.end(); ++s)
      if (s->second == cls) {
        shapes_.erase(s);
        break;
      }
    return ok(kCmdObjDestroy, objHdr(kObjClassifier, cls));
  }
  return true;
}

// drivernormative:Device Types / Network Device / Device Operation / Flow filter#2: a group goes after its rules
// drivernormative:Device Types / Network Device / Device Operation / Flow filter#4: a classifier goes after its rules (removeRule)
bool FlowFilterClient::removeGroup(uint32_t group) {
  std::vector<uint32_t> mine;
  for (const auto& [id, r] : rules_)
    if (r.group == group) mine.push_back(id);
  for (uint32_t id : mine)  // the group's rules first
    if (!removeRule(id)) return false;
  return ok(kCmdObjDestroy, objHdr(kObjGroup, group));
}

}  // namespace vsim::drv::net::ff

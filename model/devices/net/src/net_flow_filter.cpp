// FlowFilter: capabilities, resource objects and rule matching of the virtio-net flow filter (see the header).
#include "vsim/model/net_flow_filter.h"

#include <algorithm>

namespace vsim::model::net::ff {
namespace {

uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t le32(const uint8_t* p) { return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24; }
uint64_t le64(const uint8_t* p) { return uint64_t{le32(p)} | uint64_t{le32(p + 4)} << 32; }
void put16(std::vector<uint8_t>& v, uint16_t x) {
  v.push_back(static_cast<uint8_t>(x));
  v.push_back(static_cast<uint8_t>(x >> 8));
}
void put32(std::vector<uint8_t>& v, uint32_t x) {
  put16(v, static_cast<uint16_t>(x));
  put16(v, static_cast<uint16_t>(x >> 16));
}
FlowFilter::Answer fail(uint8_t st, uint16_t q = kQInvalidField) { return {st, q, {}}; }

constexpr size_t kHdrBytes = 16;       // resource_obj_cmd_hdr (8) + flags (8)
constexpr size_t kRuleFixedBytes = 16;  // virtio_net_resource_obj_ff_rule without keys
constexpr uint16_t kEtherIpv4 = 0x0800, kEtherIpv6 = 0x86dd;
constexpr size_t kEthTypeOff = 12;                           // EtherType inside the ETH selector
size_t protoOffset(uint8_t l3) { return l3 == kIpv4 ? 9 : 6; }  // Protocol (IPv4) / Next Header (IPv6)
uint8_t ianaProto(uint8_t l4) { return l4 == kTcp ? 6 : l4 == kUdp ? 17 : 50; }

}  // namespace

uint8_t selectorLength(uint8_t type) {
  switch (type) {
    case kEth: return 14;
    case kIpv4: return 20;
    case kIpv6: return 40;
    case kTcp: return 20;
    case kUdp: return 8;
    case kEsp: return 8;
    default: return 0;
  }
}

std::vector<uint8_t> Limits::encode() const {
  std::vector<uint8_t> v;
  put32(v, groups);
  put32(v, classifiers);
  put32(v, rules);
  put32(v, rulesPerGroup);
  v.push_back(lastRulePriority);
  v.push_back(selectorsPerClassifier);
  v.push_back(0);
  v.push_back(0);
  return v;
}

std::vector<uint8_t> encodeSelectors(const std::vector<Selector>& s) {
  std::vector<uint8_t> v(8, 0);
  v[0] = static_cast<uint8_t>(s.size());
  for (const auto& x : s) {
    const uint8_t head[8] = {x.type, x.flags, 0, 0, static_cast<uint8_t>(x.mask.size()), 0, 0, 0};
    v.insert(v.end(), head, head + 8);
    v.insert(v.end(), x.mask.begin(), x.mask.end());
  }
  return v;
}

std::vector<uint8_t> encodeActions(const std::vector<uint8_t>& a) {
  std::vector<uint8_t> v(8, 0);
  v[0] = static_cast<uint8_t>(a.size());
  v.insert(v.end(), a.begin(), a.end());
  return v;
}

FlowFilter::FlowFilter(Limits limits, std::vector<Selector> selectors, std::vector<uint8_t> actions, Violate v)
    : dev_(limits), devSel_(std::move(selectors)), devAct_(std::move(actions)), v_(std::move(v)) {}

FlowFilter FlowFilter::withDefaults(uint32_t groups, uint32_t classifiers, uint32_t rules, Violate v) {
  Limits l{groups, classifiers, rules, rules, 15, 3};
  std::vector<Selector> s;
  for (uint8_t t : {kEth, kIpv4, kIpv6, kTcp, kUdp}) s.push_back({t, kPartialMask, std::vector<uint8_t>(selectorLength(t), 0xff)});
  return FlowFilter(l, std::move(s), {kActDrop, kActDirectRxVq}, std::move(v));
}

void FlowFilter::violate(const char* clause, std::string m) {
  ++violations_;
  if (v_) v_(clause, std::move(m));
}

void FlowFilter::reset() {
  drvRes_ = drvSel_ = drvAct_ = false;
  drvLimits_ = {};
  drvSelectors_.clear();
  drvActions_.clear();
  groups_.clear();
  classifiers_.clear();
  rules_.clear();
}

FlowFilter::Answer FlowFilter::command(uint16_t opcode, const std::vector<uint8_t>& d) {
  switch (opcode) {
    case kCmdCapIdListQuery: {
      // devicenormative:Device Types / Network Device / Device Operation / Flow filter#1: all three capabilities are listed
      Answer a;
      a.result.assign(8 * (kActionCap / 64 + 1), 0);
      for (uint16_t id : {kResourceCap, kSelectorCap, kActionCap}) a.result[id / 8] |= static_cast<uint8_t>(1u << (id % 8));
      return a;
    }
    case kCmdDeviceCapGet: return capGet(d);
    case kCmdDriverCapSet: return capSet(d);
    case kCmdObjCreate:
    case kCmdObjModify:
    case kCmdObjQuery:
    case kCmdObjDestroy: break;
    default: return fail(kEinval, kQInvalidOpcode);
  }
  if (d.size() < kHdrBytes) return fail(kEinval, kQInvalidCommand);
  const uint16_t type = le16(d.data());
  const uint32_t id = le32(d.data() + 4);
  const uint64_t flags = le64(d.data() + 8);
  if (type != kObjGroup && type != kObjClassifier && type != kObjRule) return fail(kEinval, kQInvalidOpcode);
  // devicenormative:Device Types / Network Device / Device Operation / Flow filter#3: without the capabilities in use, Q_INVALID_OPCODE
  if (!driverCapsSet()) {
    // drivernormative:Device Types / Network Device / Device Operation / Flow filter#1: the three capabilities come first
    violate("drivernormative:Device Types / Network Device / Device Operation / Flow filter#1",
            "flow filter resource command (opcode " + std::to_string(opcode) +
                ") before the driver set the resource, selector and action capabilities");
    return fail(kEinval, kQInvalidOpcode);
  }
  const uint8_t* p = d.data() + kHdrBytes;
  const size_t n = d.size() - kHdrBytes;
  // devicenormative:Device Types / Network Device / Device Operation / Flow filter#2: create / modify / query / destroy for the three types
  switch (opcode) {
    case kCmdObjCreate: return create(type, id, p, n, flags);
    case kCmdObjModify: return modify(type, id, p, n);
    case kCmdObjQuery: return query(type, id);
    default: return destroy(type, id);
  }
}

FlowFilter::Answer FlowFilter::capGet(const std::vector<uint8_t>& d) const {
  if (d.size() < 8) return fail(kEinval, kQInvalidCommand);
  Answer a;
  switch (le16(d.data())) {
    case kResourceCap: a.result = dev_.encode(); break;
    case kSelectorCap: a.result = encodeSelectors(devSel_); break;
    case kActionCap: a.result = encodeActions(devAct_); break;
    default: return fail(kEnxio);
  }
  return a;
}

bool FlowFilter::parseSelectors(const uint8_t* p, size_t n, std::vector<Selector>* out) const {
  if (n < 8) return false;
  const uint8_t count = p[0];
  size_t off = 8;
  out->clear();
  for (uint8_t i = 0; i < count; ++i) {
    if (off + 8 > n) return false;
    Selector s{p[off], p[off + 1], {}};
    const uint8_t len = p[off + 4];
    off += 8;
    if (off + len > n || len != selectorLength(s.type)) return false;
    s.mask.assign(p + off, p + off + len);
    off += len;
    out->push_back(std::move(s));
  }
  return true;
}

FlowFilter::Answer FlowFilter::capSet(const std::vector<uint8_t>& d) {
  if (d.size() < 8) return fail(kEinval, kQInvalidCommand);
  const uint8_t* p = d.data() + 8;
  const size_t n = d.size() - 8;
  switch (le16(d.data())) {
    case kResourceCap: {
      if (n < 20) return fail(kEinval);
      Limits l{le32(p), le32(p + 4), le32(p + 8), le32(p + 12), p[16], p[17]};
      if (l.groups > dev_.groups || l.classifiers > dev_.classifiers || l.rules > dev_.rules ||
          l.rulesPerGroup > dev_.rulesPerGroup || l.lastRulePriority > dev_.lastRulePriority ||
          l.selectorsPerClassifier > dev_.selectorsPerClassifier)
        return fail(kEinval);
      drvLimits_ = l;
      drvRes_ = true;
      return {};
    }
    case kSelectorCap: {
      std::vector<Selector> s;
      if (!parseSelectors(p, n, &s)) return fail(kEinval);
      for (const auto& x : s) {
        auto it = std::find_if(devSel_.begin(), devSel_.end(), [&](const Selector& y) { return y.type == x.type; });
        if (it == devSel_.end() || (x.flags & ~it->flags)) return fail(kEinval);
        for (size_t i = 0; i < x.mask.size(); ++i)
          if (x.mask[i] & ~it->mask[i]) return fail(kEinval);
      }
      drvSelectors_ = std::move(s);
      drvSel_ = true;
      return {};
    }
    case kActionCap: {
      if (n < 8 || n < 8u + p[0]) return fail(kEinval);
      std::vector<uint8_t> a(p + 8, p + 8 + p[0]);
      for (uint8_t x : a)
        if (std::find(devAct_.begin(), devAct_.end(), x) == devAct_.end()) return fail(kEinval);
      drvActions_ = std::move(a);
      drvAct_ = true;
      return {};
    }
    default: return fail(kEnxio);
  }
}

FlowFilter::Answer FlowFilter::create(uint16_t type, uint32_t id, const uint8_t* p, size_t n, uint64_t flags) {
  (void)flags;  // reserved for optional attributes; none defined for flow filter objects
  switch (type) {
    case kObjGroup:
      if (groups_.count(id)) return fail(kEinval);
      return makeGroup(id, p, n);
    case kObjClassifier:
      if (classifiers_.count(id)) return fail(kEinval);
      return makeClassifier(id, p, n);
    default:
      if (rules_.count(id)) return fail(kEinval);
      return makeRule(id, p, n, false);
  }
}

FlowFilter::Answer FlowFilter::makeGroup(uint32_t id, const uint8_t* p, size_t n) {
  if (n < 2) return fail(kEinval);
  const uint16_t prio = le16(p);
  // devicenormative:Device Types / Network Device / Device Operation / Flow filter#4: each group has its own priority
  for (const auto& [gid, gp] : groups_)
    if (gp == prio && gid != id) return fail(kEinval);
  // devicenormative:Device Types / Network Device / Device Operation / Flow filter#5: no room beyond the lower of groups_limit and rules_per_group_limit
  if (!groups_.count(id) && groups_.size() >= std::min(drvLimits_.groups, drvLimits_.rulesPerGroup)) return fail(kEnospc);
  groups_[id] = prio;
  return {};
}

FlowFilter::Answer FlowFilter::makeClassifier(uint32_t id, const uint8_t* p, size_t n) {
  std::vector<Selector> s;
  if (!parseSelectors(p, n, &s) || s.empty() || s.size() > drvLimits_.selectorsPerClassifier) return fail(kEinval);
  // drivernormative:Device Types / Network Device / Device Operation / Flow filter#9: ETH, then IPv4/IPv6, then UDP/TCP
  const bool order = s[0].type == kEth && (s.size() < 2 || s[1].type == kIpv4 || s[1].type == kIpv6) &&
                     (s.size() < 3 || s[2].type == kUdp || s[2].type == kTcp) && s.size() <= 3;
  if (!order) {
    violate("drivernormative:Device Types / Network Device / Device Operation / Flow filter#9",
            "classifier " + std::to_string(id) + " selector types out of order (first type " + std::to_string(s[0].type) + ")");
    return fail(kEinval);
  }
  // drivernormative:Device Types / Network Device / Device Operation / Flow filter#10: EtherType / Protocol masks all ones
  const bool eth = s.size() < 2 || (s[0].mask[kEthTypeOff] == 0xff && s[0].mask[kEthTypeOff + 1] == 0xff);
  const bool l3 = s.size() < 3 || s[1].mask[protoOffset(s[1].type)] == 0xff;
  if (!eth || !l3) {
    violate("drivernormative:Device Types / Network Device / Device Operation / Flow filter#10",
            "classifier " + std::to_string(id) + (eth ? ": Protocol/Next Header" : ": EtherType") +
                " mask is not all ones although a further selector follows");
    return fail(kEinval);
  }
  for (const auto& x : s) {
    auto it = std::find_if(drvSelectors_.begin(), drvSelectors_.end(), [&](const Selector& y) { return y.type == x.type; });
    if (it == drvSelectors_.end() || (x.flags & ~it->flags)) return fail(kEinval);
    for (size_t i = 0; i < x.mask.size(); ++i)
      if (x.mask[i] & ~it->mask[i]) return fail(kEinval);
  }
  // devicenormative:Device Types / Network Device / Device Operation / Flow filter#22: partial-mask selectors are accepted
  // devicenormative:Device Types / Network Device / Device Operation / Flow filter#6: no room beyond classifiers_limit
  if (!classifiers_.count(id) && classifiers_.size() >= drvLimits_.classifiers) return fail(kEnospc);
  classifiers_[id] = std::move(s);
  return {};
}

FlowFilter::Answer FlowFilter::makeRule(uint32_t id, const uint8_t* p, size_t n, bool replace) {
  if (n < kRuleFixedBytes) return fail(kEinval);
  Rule r{le32(p), le32(p + 4), p[8], p[10], le16(p + 12), {}};
  const uint8_t keyLen = p[9];
  auto g = groups_.find(r.group);
  auto c = classifiers_.find(r.classifier);
  if (g == groups_.end() || c == classifiers_.end()) return fail(kEnxio);
  size_t want = 0;
  for (const auto& s : c->second) want += s.mask.size();
  if (keyLen != want || n < kRuleFixedBytes + keyLen) return fail(kEinval);
  r.keys.assign(p + kRuleFixedBytes, p + kRuleFixedBytes + keyLen);
  const auto& sel = c->second;
  if (sel.size() >= 2) {
    // drivernormative:Device Types / Network Device / Device Operation / Flow filter#11: EtherType key for IPv4 / IPv6
    const uint16_t et = static_cast<uint16_t>(r.keys[kEthTypeOff] << 8 | r.keys[kEthTypeOff + 1]);
    const uint16_t need = sel[1].type == kIpv4 ? kEtherIpv4 : kEtherIpv6;
    if (et != need) {
      violate("drivernormative:Device Types / Network Device / Device Operation / Flow filter#11",
              "rule " + std::to_string(id) + " EtherType key " + std::to_string(et) + " does not name the second selector's protocol");
      return fail(kEinval);
    }
  }
  if (sel.size() > 2) {
    // drivernormative:Device Types / Network Device / Device Operation / Flow filter#12: Protocol / Next Header key per IANA
    const uint8_t proto = r.keys[sel[0].mask.size() + protoOffset(sel[1].type)];
    if (proto != ianaProto(sel[2].type)) {
      violate("drivernormative:Device Types / Network Device / Device Operation / Flow filter#12",
              "rule " + std::to_string(id) + " Protocol/Next Header key " + std::to_string(proto) +
                  " does not name the third selector's protocol");
      return fail(kEinval);
    }
  }
  // devicenormative:Device Types / Network Device / Device Operation / Flow filter#9: refuse a bad queue, priority, id, key length (above) or action
  if (r.priority >= drvLimits_.lastRulePriority) return fail(kEinval);
  if (id >= std::min(drvLimits_.rules, drvLimits_.rulesPerGroup)) return fail(kEinval);
  if (std::find(drvActions_.begin(), drvActions_.end(), r.action) == drvActions_.end()) return fail(kEinval);
  if (r.action == kActDirectRxVq && rxValid_ && !rxValid_(r.vq)) return fail(kEinval);
  // drivernormative:Device Types / Network Device / Device Operation / Flow filter#6: one rule per rule_priority in a group (reported, still accepted)
  for (const auto& [rid, x] : rules_)
    if (rid != id && x.group == r.group && x.priority == r.priority) {
      violate("drivernormative:Device Types / Network Device / Device Operation / Flow filter#6",
              "rule " + std::to_string(id) + " has rule_priority " + std::to_string(r.priority) + " like rule " +
                  std::to_string(rid) + " of group " + std::to_string(r.group));
      break;
    }
  if (!replace) {
    size_t inGroup = 0;
    for (const auto& [rid, x] : rules_) inGroup += x.group == r.group;
    if (rules_.size() >= drvLimits_.rules || inGroup >= drvLimits_.rulesPerGroup) return fail(kEnospc);
  }
  rules_[id] = std::move(r);
  return {};
}

FlowFilter::Answer FlowFilter::modify(uint16_t type, uint32_t id, const uint8_t* p, size_t n) {
  switch (type) {
    case kObjGroup:
      if (!groups_.count(id)) return fail(kEnxio);
      return makeGroup(id, p, n);
    case kObjClassifier:
      if (!classifiers_.count(id)) return fail(kEnxio);
      for (const auto& [rid, r] : rules_)
        if (r.classifier == id) return fail(kEbusy);  // its rules' keys follow its selectors
      return makeClassifier(id, p, n);
    default:
      if (!rules_.count(id)) return fail(kEnxio);
      return makeRule(id, p, n, true);
  }
}

FlowFilter::Answer FlowFilter::query(uint16_t type, uint32_t id) const {
  Answer a;
  if (type == kObjGroup) {
    auto it = groups_.find(id);
    if (it == groups_.end()) return fail(kEnxio);
    put16(a.result, it->second);
  } else if (type == kObjClassifier) {
    auto it = classifiers_.find(id);
    if (it == classifiers_.end()) return fail(kEnxio);
    a.result = encodeSelectors(it->second);
  } else {
    auto it = rules_.find(id);
    if (it == rules_.end()) return fail(kEnxio);
    const Rule& r = it->second;
    put32(a.result, r.group);
    put32(a.result, r.classifier);
    a.result.push_back(r.priority);
    a.result.push_back(static_cast<uint8_t>(r.keys.size()));
    a.result.push_back(r.action);
    a.result.push_back(0);
    put16(a.result, r.vq);
    a.result.push_back(0);
    a.result.push_back(0);
    a.result.insert(a.result.end(), r.keys.begin(), r.keys.end());
  }
  return a;
}

FlowFilter::Answer FlowFilter::destroy(uint16_t type, uint32_t id) {
  if (type == kObjRule) return rules_.erase(id) ? Answer{} : fail(kEnxio);
  if (type == kObjGroup ? !groups_.count(id) : !classifiers_.count(id)) return fail(kEnxio);
  // devicenormative:Device Types / Network Device / Device Operation / Flow filter#7: a group with rules is busy
  // devicenormative:Device Types / Network Device / Device Operation / Flow filter#8: so is a classifier with rules
  for (const auto& [rid, r] : rules_)
    if ((type == kObjGroup ? r.group : r.classifier) == id) {
      if (type == kObjGroup)
        // drivernormative:Device Types / Network Device / Device Operation / Flow filter#2: no group DESTROY while rules use it
        violate("drivernormative:Device Types / Network Device / Device Operation / Flow filter#2",
                "DESTROY of group " + std::to_string(id) + " while rule " + std::to_string(rid) + " depends on it");
      else
        // drivernormative:Device Types / Network Device / Device Operation / Flow filter#4: no classifier DESTROY while rules use it
        violate("drivernormative:Device Types / Network Device / Device Operation / Flow filter#4",
                "DESTROY of classifier " + std::to_string(id) + " while rule " + std::to_string(rid) + " depends on it");
      return fail(kEbusy);
    }
  if (type == kObjGroup)
    groups_.erase(id);
  else
    classifiers_.erase(id);
  return {};
}

FlowFilter::Verdict FlowFilter::classify(const std::vector<uint8_t>& f) const {
  Verdict v;
  if (rules_.empty() || f.size() < 14) return v;
  // Layer offsets: Ethernet at 0, L3 at 14, L4 after the IPv4 header (IHL) or the fixed IPv6 header.
  auto matches = [&](const Rule& r) {
    const auto& sel = classifiers_.at(r.classifier);
    size_t off = 0, key = 0;
    for (size_t i = 0; i < sel.size(); ++i) {
      const auto& s = sel[i];
      if (i == 1) off = 14;
      if (i == 2) off = 14 + (sel[1].type == kIpv4 ? size_t{4} * (f[14] & 0x0f) : 40);
      if (off + s.mask.size() > f.size()) return false;
      for (size_t b = 0; b < s.mask.size(); ++b)
        if ((f[off + b] & s.mask[b]) != (r.keys[key + b] & s.mask[b])) return false;
      key += s.mask.size();
    }
    return true;
  };
  // devicenormative:Device Types / Network Device / Device Operation / Flow filter#12: highest group_priority first
  std::vector<std::pair<uint16_t, uint32_t>> order;
  for (const auto& [gid, prio] : groups_) order.push_back({prio, gid});
  std::sort(order.rbegin(), order.rend());
  for (const auto& [gprio, gid] : order) {
    // devicenormative:Device Types / Network Device / Device Operation / Flow filter#15: inside a group, highest rule_priority first
    std::vector<std::pair<uint8_t, uint32_t>> rs;
    for (const auto& [rid, r] : rules_)
      if (r.group == gid) rs.push_back({r.priority, rid});
    std::stable_sort(rs.begin(), rs.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (const auto& [rprio, rid] : rs) {
      const Rule& r = rules_.at(rid);
      if (!matches(r)) continue;
      // devicenormative:Device Types / Network Device / Device Operation / Flow filter#11: the first applied rule ends the search
      // devicenormative:Device Types / Network Device / Device Operation / Flow filter#17: exactly one action per packet
      v.kind = r.action == kActDrop ? Verdict::Kind::Drop : Verdict::Kind::Queue;
      v.vq = r.vq;
      v.ruleId = rid;
      return v;
    }
    // devicenormative:Device Types / Network Device / Device Operation / Flow filter#14: no match here: next group
  }
  return v;
}

}  // namespace vsim::model::net::ff

// Flow filter, device direction: the suite sets the driver capabilities and manages groups, classifiers and rules
// through the admin command channel (net_flow_filter.h), then injects frames from the link and checks where they
// arrive: groups by group_priority, rules by rule_priority, one action per packet, receive filtering first, a rule
// naming a receive queue being reset drops. Driver direction: our FlowFilterClient builds every object and the
// strict device reports nothing.
#include "net_flow_filter.h"
#include "vsim/abi/features.h"

#include <algorithm>

namespace vsim::conformance {

using namespace netsuite;

namespace {

const std::vector<TK> kModern = {TK::PciModern, TK::PciTransitional, TK::MmioV2};

void add(std::vector<TestInfo>& out, NetCase c) { out.push_back(makeNetCase(std::move(c))); }

/// The host injects `f`: the pair it arrived on, 0xfffe when nothing arrived, 0xffff when it arrived changed.
uint16_t arrival(NetRig& r, const std::vector<uint8_t>& f) {
  r.drain();
  if (!r.host.inject(f)) return 0xfffe;
  std::vector<uint8_t> got;
  uint16_t pair = 0xffff;
  if (!r.receive(&got, nullptr, &pair)) return 0xfffe;
  if (got != f) return 0xffff;
  if (!r.receivesNothing()) return 0xffff;  // one action: it is not delivered twice
  return pair;
}

/// Our client over the device's admin channel, capabilities set; nullptr (harness error) otherwise.
std::unique_ptr<ff::FlowFilterClient> client(NetRig& r) {
  auto c = std::make_unique<ff::FlowFilterClient>(adminChannel(r.host));
  if (!c->enable()) {
    r.ctx.harnessError("flow filter capabilities could not be set (status " + std::to_string(c->lastStatus()) + ")");
    return nullptr;
  }
  return c;
}

bool needs(NetRig& r, unsigned feature) {
  if (r.net->has(feature)) return true;
  r.ctx.notSupported("a feature this test needs was not negotiated");
  return false;
}

/// Two queue pairs in use (VQ_PAIRS_SET 2), so a rule can name receiveq2.
bool twoPairs(NetRig& r) {
  if (r.net->queuePairs() < 2) {
    r.ctx.notSupported("two queue pairs needed (VIRTIO_NET_F_MQ)");
    return false;
  }
  if (r.net->activePairs() < 2 && r.net->setQueuePairs(2) != drv::CtrlStatus::Ok) {
    r.ctx.harnessError("VQ_PAIRS_SET 2 refused");
    return false;
  }
  return true;
}

/// The suite's own capability set: the device's, with groups_limit / classifiers_limit lowered when given.
bool rawCaps(NetRig& r, uint32_t groups, uint32_t classifiers) {
  auto ch = adminChannel(r.host);
  for (uint16_t id : {ff::kResourceCap, ff::kSelectorCap, ff::kActionCap}) {
    auto cap = ch(ff::kCmdDeviceCapGet, capCommand(id));
    if (cap.status != ff::kStatusOk) return r.ctx.harnessError("DEVICE_CAP_GET failed"), false;
    if (id == ff::kResourceCap && cap.result.size() >= 8)
      for (int b = 0; b < 4; ++b) {
        if (groups) cap.result[b] = static_cast<uint8_t>(groups >> (8 * b));
        if (classifiers) cap.result[4 + b] = static_cast<uint8_t>(classifiers >> (8 * b));
      }
    if (ch(ff::kCmdDriverCapSet, capCommand(id, cap.result)).status != ff::kStatusOk)
      return r.ctx.harnessError("DRIVER_CAP_SET failed"), false;
  }
  return true;
}

void capabilityTests(std::vector<TestInfo>& out) {
  add(out, NetCase{
               .id = "virtio.device.core.net.flow_filter.capabilities",
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Flow filter#1"},
               .description = "CAP_ID_LIST_QUERY lists the resource, selector and action capabilities; DEVICE_CAP_GET "
                              "answers each (20-byte limits, at least the ETH selector, DROP and DIRECT_RX_VQ)",
               .deviceOptions = kFlowFilterOptions,
               .body =
                   [](NetRig& r) {
                     auto ch = adminChannel(r.host);
                     auto list = ch(ff::kCmdCapIdListQuery, {});
                     r.ctx.check(list.status == ff::kStatusOk, "CAP_ID_LIST_QUERY failed");
                     for (uint16_t id : {ff::kResourceCap, ff::kSelectorCap, ff::kActionCap})
                       r.ctx.check(list.result.size() > id / 8u && (list.result[id / 8] >> (id % 8) & 1),
                                   "capability " + std::to_string(id) + " not in supported_caps");
                     auto res = ch(ff::kCmdDeviceCapGet, capCommand(ff::kResourceCap));
                     r.ctx.check(res.status == ff::kStatusOk && res.result.size() >= 20, "resource capability not readable");
                     auto sel = ch(ff::kCmdDeviceCapGet, capCommand(ff::kSelectorCap));
                     r.ctx.check(sel.status == ff::kStatusOk && sel.result.size() >= 16 && sel.result[0] >= 1 &&
                                     sel.result[8] == ff::kEth,
                                 "selector capability does not list ETH first");
                     auto act = ch(ff::kCmdDeviceCapGet, capCommand(ff::kActionCap));
                     bool drop = false, direct = false;
                     if (act.status == ff::kStatusOk && act.result.size() >= 8)
                       for (size_t i = 8; i < act.result.size() && i < 8u + act.result[0]; ++i) {
                         drop |= act.result[i] == ff::kActDrop;
                         direct |= act.result[i] == ff::kActDirectRxVq;
                       }
                     r.ctx.check(drop && direct, "action capability lacks DROP or DIRECT_RX_VQ");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.flow_filter.object_commands",
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Flow filter#2"},
               .description = "CREATE, QUERY, MODIFY, QUERY, DESTROY succeed for a group, a classifier and a rule, "
                              "QUERY returning what was set; QUERY after DESTROY fails",
               .deviceOptions = kFlowFilterOptions,
               .body =
                   [](NetRig& r) {
                     auto c = client(r);
                     if (!c) return;
                     auto ch = adminChannel(r.host);
                     auto ok = [&](uint16_t op, const std::vector<uint8_t>& d, const std::string& what) {
                       auto a = ch(op, d);
                       r.ctx.check(a.status == ff::kStatusOk, what + ": status " + std::to_string(a.status));
                       return a.result;
                     };
                     const auto m = udpTo(53, 1);
                     ok(ff::kCmdObjCreate, objCommand(ff::kObjGroup, 100, {3, 0}), "group CREATE");
                     r.ctx.check(ok(ff::kCmdObjQuery, objCommand(ff::kObjGroup, 100), "group QUERY") ==
                                     std::vector<uint8_t>{3, 0}, "group QUERY differs");
                     ok(ff::kCmdObjModify, objCommand(ff::kObjGroup, 100, {9, 0}), "group MODIFY");
                     r.ctx.check(ok(ff::kCmdObjQuery, objCommand(ff::kObjGroup, 100), "group QUERY") ==
                                     std::vector<uint8_t>{9, 0}, "group MODIFY not seen by QUERY");
                     const auto cls = ff::FlowFilterClient::classifierData(m);
                     ok(ff::kCmdObjCreate, objCommand(ff::kObjClassifier, 200, cls), "classifier CREATE");
                     r.ctx.check(ok(ff::kCmdObjQuery, objCommand(ff::kObjClassifier, 200), "classifier QUERY") == cls,
                                 "classifier QUERY differs");
                     const auto cls2 = ff::FlowFilterClient::classifierData(udpTo(80));
                     ok(ff::kCmdObjModify, objCommand(ff::kObjClassifier, 200, cls2), "classifier MODIFY");
                     r.ctx.check(ok(ff::kCmdObjQuery, objCommand(ff::kObjClassifier, 200), "classifier QUERY") == cls2,
                                 "classifier MODIFY not seen by QUERY");
                     const auto rule = ff::FlowFilterClient::ruleData(100, 200, udpTo(80), 1, ff::kActDrop, 0);
                     ok(ff::kCmdObjCreate, objCommand(ff::kObjRule, 3, rule), "rule CREATE");
                     r.ctx.check(ok(ff::kCmdObjQuery, objCommand(ff::kObjRule, 3), "rule QUERY") == rule,
                                 "rule QUERY differs");
                     const auto rule2 = ff::FlowFilterClient::ruleData(100, 200, udpTo(80), 2, ff::kActDirectRxVq, 0);
                     ok(ff::kCmdObjModify, objCommand(ff::kObjRule, 3, rule2), "rule MODIFY");
                     r.ctx.check(ok(ff::kCmdObjQuery, objCommand(ff::kObjRule, 3), "rule QUERY") == rule2,
                                 "rule MODIFY not seen by QUERY");
                     ok(ff::kCmdObjDestroy, objCommand(ff::kObjRule, 3), "rule DESTROY");
                     ok(ff::kCmdObjDestroy, objCommand(ff::kObjClassifier, 200), "classifier DESTROY");
                     ok(ff::kCmdObjDestroy, objCommand(ff::kObjGroup, 100), "group DESTROY");
                     for (uint16_t t : {ff::kObjRule, ff::kObjClassifier, ff::kObjGroup})
                       r.ctx.check(ch(ff::kCmdObjQuery, objCommand(t, t == ff::kObjRule ? 3 : t == ff::kObjGroup ? 100 : 200))
                                           .status != ff::kStatusOk,
                                   "QUERY of a destroyed object succeeded");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.flow_filter.partial_mask_classifier",
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Flow filter#22"},
               .description = "where the selector capability offers partial masks, a classifier whose selectors carry "
                              "PARTIAL_MASK is created, with full field masks and with a one-bit mask",
               .deviceOptions = kFlowFilterOptions,
               .body =
                   [](NetRig& r) {
                     auto c = client(r);
                     if (!c) return;
                     auto ch = adminChannel(r.host);
                     auto sel = ch(ff::kCmdDeviceCapGet, capCommand(ff::kSelectorCap));
                     if (sel.result.size() < 16 || !(sel.result[9] & 1))
                       return r.ctx.notSupported("the ETH selector has no partial mask support");
                     // One ETH selector, PARTIAL_MASK: every bit of EtherType, then only the group bit of the source.
                     std::vector<uint8_t> body{1, 0, 0, 0, 0, 0, 0, 0, ff::kEth, 1, 0, 0, 14, 0, 0, 0};
                     std::vector<uint8_t> mask(14, 0);
                     mask[12] = mask[13] = 0xff;
                     auto full = body;
                     full.insert(full.end(), mask.begin(), mask.end());
                     r.ctx.check(ch(ff::kCmdObjCreate, objCommand(ff::kObjClassifier, 7, full)).status == ff::kStatusOk,
                                 "PARTIAL_MASK classifier with all-ones field masks refused");
                     mask[6] = 0x01;
                     auto part = body;
                     part.insert(part.end(), mask.begin(), mask.end());
                     r.ctx.check(ch(ff::kCmdObjCreate, objCommand(ff::kObjClassifier, 8, part)).status == ff::kStatusOk,
                                 "PARTIAL_MASK classifier with a one-bit mask refused");
                   },
           });
}

void steeringTests(std::vector<TestInfo>& out) {
  add(out, NetCase{
               .id = "virtio.device.core.net.flow_filter.priorities",
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Flow filter#12", "devicenormative:Device Types / Network Device / Device Operation / Flow filter#11", "devicenormative:Device Types / Network Device / Device Operation / Flow filter#13", "devicenormative:Device Types / Network Device / Device Operation / Flow filter#14", "devicenormative:Device Types / Network Device / Device Operation / Flow filter#15", "devicenormative:Device Types / Network Device / Device Operation / Flow filter#16", "devicenormative:Device Types / Network Device / Device Operation / Flow filter#17",
                           "devicenormative:Device Types / Network Device / Device Operation / Flow filter#19", "devicenormative:Device Types / Network Device / Device Operation / Flow filter#20"},
               .description = "group B (priority 5) and A (4): a frame matching rules of both follows B's highest-priority "
                              "matching rule; one matching only A follows A; moving a rule's queue moves the frame "
                              "(not automatic steering); a DROP rule drops; each frame arrives exactly once",
               .deviceOptions = kFlowFilterOptions,
               .body =
                   [](NetRig& r) {
                     if (!twoPairs(r)) return;
                     auto c = client(r);
                     if (!c) return;
                     const uint32_t a = c->createGroup(4), b = c->createGroup(5);
                     if (!a || !b) return r.ctx.check(false, "group CREATE refused");
                     const uint32_t b1 = c->addRule(b, udpTo(53), 1, ff::kActDirectRxVq, 2);
                     const uint32_t b2 = c->addRule(b, udpTo(53, 1), 7, ff::kActDirectRxVq, 0);
                     const uint32_t a1 = c->addRule(a, udpTo(53), 9, ff::kActDrop);
                     const uint32_t a3 = c->addRule(a, udpTo(99), 1, ff::kActDrop);
                     uint32_t a2 = c->addRule(a, udpTo(80), 2, ff::kActDirectRxVq, 2);
                     if (!b1 || !b2 || !a1 || !a2 || !a3) return r.ctx.check(false, "rule CREATE refused");
                     const Mac me = r.net->mac();
                     r.ctx.check(arrival(r, udpFrame(me, 1, 53, 1)) == 0,
                                 "10.0.0.1:53 did not follow group B's priority-7 rule (receiveq1)");
                     r.ctx.check(arrival(r, udpFrame(me, 2, 53, 2)) == 1,
                                 "10.0.0.2:53 did not follow group B's priority-1 rule (receiveq2) over group A's DROP");
                     r.ctx.check(arrival(r, udpFrame(me, 2, 80, 3)) == 1, "port 80 did not follow group A's rule (receiveq2)");
                     c->removeRule(a2);
                     a2 = c->addRule(a, udpTo(80), 2, ff::kActDirectRxVq, 0);
                     r.ctx.check(a2 && arrival(r, udpFrame(me, 2, 80, 3)) == 0,
                                 "port 80 did not follow group A's rule moved to receiveq1");
                     r.ctx.check(arrival(r, udpFrame(me, 2, 99, 4)) == 0xfffe, "a frame matching a DROP rule arrived");
                     c->removeRule(b1);
                     r.ctx.check(arrival(r, udpFrame(me, 2, 53, 5)) == 0xfffe,
                                 "with group B's rule gone, group A's DROP did not apply");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.flow_filter.receive_filter_first",
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Flow filter#21", "devicenormative:Device Types / Network Device / Device Operation / Flow filter#19"},
               .description = "not promiscuous: a frame for another MAC address that a rule would send to receiveq2 is "
                              "dropped by the receive filter; promiscuous, the same frame follows the rule",
               .deviceOptions = kFlowFilterOptions,
               .body =
                   [](NetRig& r) {
                     if (!needs(r, drv::net::f::kCtrlRx)) return;
                     if (!twoPairs(r)) return;
                     auto c = client(r);
                     if (!c) return;
                     const uint32_t g = c->createGroup(1);
                     if (!g || !c->addRule(g, udpTo(53), 1, ff::kActDirectRxVq, 2)) return r.ctx.check(false, "rule refused");
                     r.ctx.check(r.net->setPromisc(false) == drv::CtrlStatus::Ok, "PROMISC off refused");
                     r.ctx.check(arrival(r, udpFrame(kOtherMac, 1, 53, 6)) == 0xfffe,
                                 "a frame the MAC filter drops arrived through a flow filter rule");
                     r.ctx.check(r.net->setPromisc(true) == drv::CtrlStatus::Ok, "PROMISC on refused");
                     r.ctx.check(arrival(r, udpFrame(kOtherMac, 1, 53, 7)) == 1, "promiscuous: the rule was not applied");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.flow_filter.reset_queue_drops",
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Flow filter#10"},
               .description = "a rule directs port 53 to receiveq2; receiveq2 reset (not enabled again): the frame is "
                              "dropped, not delivered elsewhere; other traffic still arrives",
               .transports = kModern,
               .deviceOptions = kFlowFilterOptions,
               .body =
                   [](NetRig& r) {
                     if (!twoPairs(r)) return;
                     drv::Device& d = r.net->device();
                     if (!((d.features() >> feat::kRingReset) & 1u)) return r.ctx.notSupported("VIRTIO_F_RING_RESET not negotiated");
                     auto c = client(r);
                     if (!c) return;
                     const uint32_t g = c->createGroup(1);
                     if (!g || !c->addRule(g, udpTo(53), 1, ff::kActDirectRxVq, 2)) return r.ctx.check(false, "rule refused");
                     const Mac me = r.net->mac();
                     r.ctx.check(arrival(r, udpFrame(me, 1, 53, 8)) == 1, "before the reset the frame missed receiveq2");
                     r.drain();
                     if (!d.transport().resetQueue(2, 100'000'000)) return r.ctx.harnessError("receiveq2 did not reset");
                     r.host.inject(udpFrame(me, 1, 53, 9));
                     r.ctx.check(r.receivesNothing(), "the frame for the queue being reset was delivered");
                     r.ctx.check(arrival(r, etherFrame(me, kHostMac, 60, 4)) == 0, "other traffic did not arrive");
                     r.ctx.check(d.resetQueue(2), "receiveq2 could not be set up again");
                   },
           });
}


void statusTests(std::vector<TestInfo>& out) {
  add(out, NetCase{
               .id = "virtio.device.core.net.flow_filter.disabled_invalid_opcode",
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Flow filter#3"},
               .description = "flow filter not offered: CREATE, MODIFY, QUERY and DESTROY of a group, classifier and "
                              "rule all fail with status qualifier Q_INVALID_OPCODE",
               .body =
                   [](NetRig& r) {
                     auto ch = adminChannel(r.host);
                     for (uint16_t op : {ff::kCmdObjCreate, ff::kCmdObjModify, ff::kCmdObjQuery, ff::kCmdObjDestroy})
                       for (uint16_t t : {ff::kObjGroup, ff::kObjClassifier, ff::kObjRule}) {
                         auto a = ch(op, objCommand(t, 1, {1, 0}));
                         r.ctx.check(a.status != ff::kStatusOk && a.qualifier == 2,
                                     "opcode " + std::to_string(op) + " type " + std::to_string(t) + ": status " +
                                         std::to_string(a.status) + " qualifier " + std::to_string(a.qualifier));
                       }
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.flow_filter.group_priority_taken",
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Flow filter#4"},
               .description = "a second group with the priority of an existing one is refused with EINVAL",
               .deviceOptions = kFlowFilterOptions,
               .body =
                   [](NetRig& r) {
                     if (!rawCaps(r, 0, 0)) return;
                     auto ch = adminChannel(r.host);
                     r.ctx.check(ch(ff::kCmdObjCreate, objCommand(ff::kObjGroup, 1, {6, 0})).status == ff::kStatusOk, "group refused");
                     const auto a = ch(ff::kCmdObjCreate, objCommand(ff::kObjGroup, 2, {6, 0}));
                     r.ctx.check(a.status == 22, "same group_priority: status " + std::to_string(a.status) + ", not EINVAL");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.flow_filter.group_limit",
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Flow filter#5"},
               .description = "driver capability groups_limit 2: two groups are created, the third is refused with ENOSPC",
               .deviceOptions = kFlowFilterOptions,
               .body =
                   [](NetRig& r) {
                     if (!rawCaps(r, 2, 0)) return;
                     auto ch = adminChannel(r.host);
                     for (uint8_t i = 1; i <= 2; ++i)
                       r.ctx.check(ch(ff::kCmdObjCreate, objCommand(ff::kObjGroup, i, {i, 0})).status == ff::kStatusOk, "group refused");
                     const auto a = ch(ff::kCmdObjCreate, objCommand(ff::kObjGroup, 3, {3, 0}));
                     r.ctx.check(a.status == 28, "third group: status " + std::to_string(a.status) + ", not ENOSPC");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.flow_filter.classifier_limit",
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Flow filter#6"},
               .description = "driver capability classifiers_limit 1: the second classifier is refused with ENOSPC",
               .deviceOptions = kFlowFilterOptions,
               .body =
                   [](NetRig& r) {
                     if (!rawCaps(r, 0, 1)) return;
                     auto ch = adminChannel(r.host);
                     const auto cls = ff::FlowFilterClient::classifierData(udpTo(53));
                     r.ctx.check(ch(ff::kCmdObjCreate, objCommand(ff::kObjClassifier, 1, cls)).status == ff::kStatusOk,
                                 "classifier refused");
                     const auto a = ch(ff::kCmdObjCreate, objCommand(ff::kObjClassifier, 2, cls));
                     r.ctx.check(a.status == 28, "second classifier: status " + std::to_string(a.status) + ", not ENOSPC");
                   },
           });
  for (bool group : {true, false})
    add(out, NetCase{
                 .id = std::string("virtio.device.core.net.flow_filter.") + (group ? "group" : "classifier") + "_busy",
                 .clauses = {group ? "devicenormative:Device Types / Network Device / Device Operation / Flow filter#7"
                                       : "devicenormative:Device Types / Network Device / Device Operation / Flow filter#8"},
                 .description = std::string("DESTROY of a ") + (group ? "group" : "classifier") +
                                " a rule depends on fails with EBUSY; after the rule is destroyed it succeeds",
                 .deviceOptions = kFlowFilterOptions,
                 .hostile = true,  // the driver SHOULD NOT do this (Flow filter#2 / #4, reported by the strict device)
                 .body =
                     [group](NetRig& r) {
                       if (!rawCaps(r, 0, 0)) return;
                       auto ch = adminChannel(r.host);
                       ch(ff::kCmdObjCreate, objCommand(ff::kObjGroup, 1, {1, 0}));
                       ch(ff::kCmdObjCreate, objCommand(ff::kObjClassifier, 1, ff::FlowFilterClient::classifierData(udpTo(53))));
                       const auto rule = ff::FlowFilterClient::ruleData(1, 1, udpTo(53), 1, ff::kActDrop, 0);
                       if (ch(ff::kCmdObjCreate, objCommand(ff::kObjRule, 1, rule)).status != ff::kStatusOk)
                         return r.ctx.harnessError("rule refused");
                       const uint16_t t = group ? ff::kObjGroup : ff::kObjClassifier;
                       const auto a = ch(ff::kCmdObjDestroy, objCommand(t, 1));
                       r.ctx.check(a.status == 16, "DESTROY with a dependent rule: status " + std::to_string(a.status) + ", not EBUSY");
                       ch(ff::kCmdObjDestroy, objCommand(ff::kObjRule, 1));
                       r.ctx.check(ch(ff::kCmdObjDestroy, objCommand(t, 1)).status == ff::kStatusOk, "DESTROY after the rule failed");
                     },
             });
  add(out, NetCase{
               .id = "virtio.device.core.net.flow_filter.bad_rule_refused",
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / Flow filter#9"},
               .description = "rule CREATE fails for: DIRECT_RX_VQ naming a transmit queue, rule_priority equal to "
                              "last_rule_priority, id at rules_limit, a short key, an action the capability lacks",
               .deviceOptions = kFlowFilterOptions,
               .body =
                   [](NetRig& r) {
                     if (!rawCaps(r, 0, 0)) return;
                     auto ch = adminChannel(r.host);
                     auto res = ch(ff::kCmdDeviceCapGet, capCommand(ff::kResourceCap)).result;
                     if (res.size() < 20) return r.ctx.harnessError("resource capability too short");
                     const uint32_t rules = std::min(res[8] | res[9] << 8 | res[10] << 16 | uint32_t{res[11]} << 24,
                                                     res[12] | res[13] << 8 | res[14] << 16 | uint32_t{res[15]} << 24);
                     const uint8_t last = res[16];
                     const auto m = udpTo(53);
                     ch(ff::kCmdObjCreate, objCommand(ff::kObjGroup, 1, {1, 0}));
                     ch(ff::kCmdObjCreate, objCommand(ff::kObjClassifier, 1, ff::FlowFilterClient::classifierData(m)));
                     auto refused = [&](uint32_t id, std::vector<uint8_t> body, const std::string& what) {
                       const auto a = ch(ff::kCmdObjCreate, objCommand(ff::kObjRule, id, body));
                       r.ctx.check(a.status != ff::kStatusOk, what + " was accepted");
                     };
                     refused(1, ff::FlowFilterClient::ruleData(1, 1, m, 1, ff::kActDirectRxVq, 1), "vq_index of transmitq1");
                     refused(1, ff::FlowFilterClient::ruleData(1, 1, m, last, ff::kActDrop, 0), "rule_priority last_rule_priority");
                     refused(rules, ff::FlowFilterClient::ruleData(1, 1, m, 1, ff::kActDrop, 0), "id at the rules limit");
                     auto shortKey = ff::FlowFilterClient::ruleData(1, 1, m, 1, ff::kActDrop, 0);
                     shortKey[9] = static_cast<uint8_t>(shortKey[9] - 1);
                     shortKey.pop_back();
                     refused(1, shortKey, "a key one byte short");
                     refused(1, ff::FlowFilterClient::ruleData(1, 1, m, 1, 3, 0), "action IPSEC (not offered)");
                     r.ctx.check(ch(ff::kCmdObjCreate, objCommand(ff::kObjRule, 1, ff::FlowFilterClient::ruleData(1, 1, m, 1, ff::kActDrop, 0)))
                                         .status == ff::kStatusOk,
                                 "the correct rule was refused");
                   },
           });
}

void driverTests(std::vector<TestInfo>& out) {
  add(out, NetCase{
               .id = "virtio.driver.core.net.builtin.flow_filter",
               .target = Direction::Driver,
               .clauses = {"drivernormative:Device Types / Network Device / Device Operation / Flow filter#1", "drivernormative:Device Types / Network Device / Device Operation / Flow filter#9", "drivernormative:Device Types / Network Device / Device Operation / Flow filter#10", "drivernormative:Device Types / Network Device / Device Operation / Flow filter#11", "drivernormative:Device Types / Network Device / Device Operation / Flow filter#12", "drivernormative:Device Types / Network Device / Device Operation / Flow filter#2", "drivernormative:Device Types / Network Device / Device Operation / Flow filter#4", "drivernormative:Device Types / Network Device / Device Operation / Flow filter#6"},
               .description = "our flow filter client sets the three capabilities, builds ETH, ETH+IPv4, ETH+IPv6, "
                              "ETH+IPv4+UDP and ETH+IPv6+TCP classifiers and their rules (one priority each), then tears everything down "
                              "(rules before their group and classifiers); "
                              "the strict device reports nothing",
               .deviceOptions = kFlowFilterOptions,
               .body =
                   [](NetRig& r) {
                     auto c = client(r);
                     if (!c) return;
                     const uint32_t g = c->createGroup(2);
                     std::vector<ff::Match> ms(5);
                     ms[1].l3 = ff::kIpv4;
                     ms[2].l3 = ff::kIpv6;
                     ms[3] = udpTo(53, 1);
                     ms[4].l3 = ff::kIpv6;
                     ms[4].l4 = ff::kTcp;
                     uint8_t prio = 1;
                     for (const auto& m : ms)
                       r.ctx.check(c->addRule(g, m, prio++, ff::kActDirectRxVq, 0) != 0,
                                   "rule refused (status " + std::to_string(c->lastStatus()) + ")");
                     r.ctx.check(c->removeGroup(g), "tear-down refused");
                   },
           });
}

}  // namespace

void registerNetFlowFilterTests(std::vector<TestInfo>& out) {
  capabilityTests(out);
  steeringTests(out);
  statusTests(out);
  driverTests(out);
}

}  // namespace vsim::conformance

// Flow filter, driver direction: one faulty driver per flow filter check of the strict net device. Each brings
// the device up with our NetDriver, uses our flow filter client (or raw commands) for everything that is correct,
// and sends exactly one administration command that breaks one driver-normative statement. The device must report
// that clause and nothing else.
#include "net_flow_filter.h"

namespace vsim::conformance {

using namespace netsuite;

namespace {


using Fault = std::function<void(NetRig&, ff::AdminChannel&, ff::FlowFilterClient&)>;

TestInfo mutant(std::string id, std::string clause, std::string desc, bool enable, Fault fault) {
  NetMutant m{.id = "virtio.driver.core.net.flow_filter." + std::move(id), .clause = clause,
              .description = std::move(desc), .deviceOptions = kFlowFilterOptions};
  m.body = [enable, fault](NetRig& r) {
    ff::AdminChannel ch = adminChannel(r.host);
    ff::FlowFilterClient c(ch);
    if (enable && !c.enable()) return r.ctx.harnessError("flow filter capabilities could not be set"), false;
    fault(r, ch, c);
    return true;
  };
  return makeNetMutant(std::move(m));
}

void send(ff::AdminChannel& ch, uint16_t type, uint32_t id, const std::vector<uint8_t>& body) {
  ch(ff::kCmdObjCreate, objCommand(type, id, body));
}

/// A classifier of m's shape as our client builds it, created as object `id`.
void classifier(ff::AdminChannel& ch, uint32_t id, const ff::Match& m) {
  send(ch, ff::kObjClassifier, id, ff::FlowFilterClient::classifierData(m));
}

}  // namespace

void registerNetFlowFilterMutants(std::vector<TestInfo>& out) {
  out.push_back(mutant("objects_before_capabilities", "drivernormative:Device Types / Network Device / Device Operation / Flow filter#1",
                       "only the resource capability set (not selector and action), then a group CREATE", false,
                       [](NetRig&, ff::AdminChannel& ch, ff::FlowFilterClient&) {
                         auto cap = ch(ff::kCmdDeviceCapGet, capCommand(ff::kResourceCap));
                         ch(ff::kCmdDriverCapSet, capCommand(ff::kResourceCap, cap.result));
                         send(ch, ff::kObjGroup, 1, {1, 0});
                       }));
  out.push_back(mutant("classifier_selector_order", "drivernormative:Device Types / Network Device / Device Operation / Flow filter#9",
                       "a classifier whose selectors come IPv4 first, then ETH (masks otherwise as our client sets them)",
                       true, [](NetRig&, ff::AdminChannel& ch, ff::FlowFilterClient&) {
                         std::vector<uint8_t> b{2, 0, 0, 0, 0, 0, 0, 0, ff::kIpv4, 0, 0, 0, 20, 0, 0, 0};
                         b.resize(b.size() + 20, 0);
                         b[16 + 9] = 0xff;
                         const uint8_t eth[8] = {ff::kEth, 0, 0, 0, 14, 0, 0, 0};
                         b.insert(b.end(), eth, eth + 8);
                         b.resize(b.size() + 14, 0);
                         send(ch, ff::kObjClassifier, 1, b);
                       }));
  out.push_back(mutant("classifier_ethertype_mask", "drivernormative:Device Types / Network Device / Device Operation / Flow filter#10",
                       "an ETH + IPv4 classifier whose EtherType mask is zero", true,
                       [](NetRig&, ff::AdminChannel& ch, ff::FlowFilterClient&) {
                         ff::Match m;
                         m.l3 = ff::kIpv4;
                         auto b = ff::FlowFilterClient::classifierData(m);
                         b[16 + 12] = b[16 + 13] = 0;  // selectors[0].mask EtherType
                         send(ch, ff::kObjClassifier, 1, b);
                       }));
  out.push_back(mutant("rule_ethertype_key", "drivernormative:Device Types / Network Device / Device Operation / Flow filter#11",
                       "a rule on an ETH + IPv4 classifier whose EtherType key is the IPv6 one", true,
                       [](NetRig&, ff::AdminChannel& ch, ff::FlowFilterClient&) {
                         ff::Match m;
                         m.l3 = ff::kIpv4;
                         send(ch, ff::kObjGroup, 1, {1, 0});
                         classifier(ch, 2, m);
                         auto b = ff::FlowFilterClient::ruleData(1, 2, m, 1, ff::kActDrop, 0);
                         b[16 + 12] = 0x86, b[16 + 13] = 0xdd;  // keys: EtherType
                         send(ch, ff::kObjRule, 3, b);
                       }));
  out.push_back(mutant("rule_protocol_key", "drivernormative:Device Types / Network Device / Device Operation / Flow filter#12",
                       "a rule on an ETH + IPv4 + UDP classifier whose Protocol key is TCP (6)", true,
                       [](NetRig&, ff::AdminChannel& ch, ff::FlowFilterClient&) {
                         const auto m = udpTo(53);
                         send(ch, ff::kObjGroup, 1, {1, 0});
                         classifier(ch, 2, m);
                         auto b = ff::FlowFilterClient::ruleData(1, 2, m, 1, ff::kActDrop, 0);
                         b[16 + 14 + 9] = 6;  // keys: IPv4 Protocol
                         send(ch, ff::kObjRule, 3, b);
                       }));
  for (bool group : {true, false})
    out.push_back(mutant(group ? "group_destroyed_before_rules" : "classifier_destroyed_before_rules",
                         (group ? "drivernormative:Device Types / Network Device / Device Operation / Flow filter#2"
                                : "drivernormative:Device Types / Network Device / Device Operation / Flow filter#4"),
                         std::string("one rule in place, then DESTROY of its ") + (group ? "group" : "classifier"), true,
                         [group](NetRig&, ff::AdminChannel& ch, ff::FlowFilterClient& c) {
                           const uint32_t g = c.createGroup(1);
                           if (!c.addRule(g, udpTo(53), 1, ff::kActDrop)) return;
                           // our client numbers classifiers from 1
                           ch(ff::kCmdObjDestroy, objCommand(group ? ff::kObjGroup : ff::kObjClassifier, group ? g : 1));
                         }));
  out.push_back(mutant("rules_same_priority", "drivernormative:Device Types / Network Device / Device Operation / Flow filter#6",
                       "two rules of one group with rule_priority 3 (ports 53 and 80)", true,
                       [](NetRig&, ff::AdminChannel& ch, ff::FlowFilterClient& c) {
                         const uint32_t g = c.createGroup(1);
                         if (!c.addRule(g, udpTo(53), 3, ff::kActDrop)) return;
                         // our client's classifier 1 has this shape; a second rule on it, same priority
                         send(ch, ff::kObjRule, 9, ff::FlowFilterClient::ruleData(g, 1, udpTo(80), 3, ff::kActDrop, 0));
                       }));
}

}  // namespace vsim::conformance

// Flow filter: capabilities, resource object commands (statuses), driver checks and rule matching order, alone
// and inside the net device (steering before RSS / automatic steering, reset receive queue).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "net_fixture.h"
#include "vsim/model/net_flow_filter.h"

namespace vsim::model::test {
namespace {
using namespace net::ff;

std::vector<uint8_t> capSet(uint16_t id, const std::vector<uint8_t>& body) {
  std::vector<uint8_t> v{static_cast<uint8_t>(id), static_cast<uint8_t>(id >> 8), 0, 0, 0, 0, 0, 0};
  v.insert(v.end(), body.begin(), body.end());
  return v;
}
std::vector<uint8_t> objHdr(uint16_t type, uint32_t id) {
  std::vector<uint8_t> v(16, 0);
  v[0] = static_cast<uint8_t>(type);
  v[1] = static_cast<uint8_t>(type >> 8);
  for (int i = 0; i < 4; ++i) v[4 + i] = static_cast<uint8_t>(id >> (8 * i));
  return v;
}
std::vector<uint8_t> group(uint32_t id, uint16_t prio) {
  auto v = objHdr(kObjGroup, id);
  v.push_back(static_cast<uint8_t>(prio));
  v.push_back(static_cast<uint8_t>(prio >> 8));
  return v;
}
std::vector<Selector> ethIpv4Udp() {
  std::vector<uint8_t> eth(14, 0), ip(20, 0), udp(8, 0);
  eth[12] = eth[13] = 0xff;                       // EtherType
  ip[9] = 0xff;                                   // Protocol
  for (int i = 16; i < 20; ++i) ip[i] = 0xff;     // destination address
  udp[2] = udp[3] = 0xff;                         // destination port
  return {{kEth, 0, eth}, {kIpv4, 0, ip}, {kUdp, 0, udp}};
}
std::vector<uint8_t> classifier(uint32_t id, const std::vector<Selector>& s) {
  auto v = objHdr(kObjClassifier, id);
  auto b = encodeSelectors(s);
  v.insert(v.end(), b.begin(), b.end());
  return v;
}
/// Key for ethIpv4Udp: IPv4 / UDP to 10.0.0.dst port `port`.
std::vector<uint8_t> key(uint8_t dst, uint16_t port, uint16_t etherType = 0x0800, uint8_t proto = 17) {
  std::vector<uint8_t> k(42, 0);
  k[12] = static_cast<uint8_t>(etherType >> 8);
  k[13] = static_cast<uint8_t>(etherType);
  k[14 + 9] = proto;
  k[14 + 16] = 10;
  k[14 + 19] = dst;
  k[34 + 2] = static_cast<uint8_t>(port >> 8);
  k[34 + 3] = static_cast<uint8_t>(port);
  return k;
}
std::vector<uint8_t> rule(uint32_t id, uint32_t g, uint32_t c, uint8_t prio, uint8_t action, uint16_t vq,
                          const std::vector<uint8_t>& k) {
  auto v = objHdr(kObjRule, id);
  const uint8_t fixed[16] = {static_cast<uint8_t>(g), 0, 0, 0, static_cast<uint8_t>(c), 0, 0, 0, prio,
                             static_cast<uint8_t>(k.size()), action, 0, static_cast<uint8_t>(vq), 0, 0, 0};
  v.insert(v.end(), fixed, fixed + 16);
  v.insert(v.end(), k.begin(), k.end());
  return v;
}
std::vector<uint8_t> packet(uint8_t dst, uint16_t port) {
  std::vector<uint8_t> f(14 + 20 + 8 + 10, 0);
  f[12] = 0x08;
  f[14] = 0x45;
  f[14 + 9] = 17;
  f[14 + 16] = 10;
  f[14 + 19] = dst;
  f[34 + 2] = static_cast<uint8_t>(port >> 8);
  f[34 + 3] = static_cast<uint8_t>(port);
  return f;
}

struct Fx : ::testing::Test {
  std::vector<std::string> seen;
  FlowFilter ff = FlowFilter::withDefaults(4, 4, 8, [this](const char* c, std::string) { seen.emplace_back(c); });
  uint8_t run(uint16_t op, const std::vector<uint8_t>& d) { return ff.command(op, d).status; }
  void caps() {
    Limits l{4, 4, 8, 8, 15, 3};
    ASSERT_EQ(run(kCmdDriverCapSet, capSet(kResourceCap, l.encode())), kOk);
    ASSERT_EQ(run(kCmdDriverCapSet, capSet(kSelectorCap, encodeSelectors(ethIpv4Udp()))), kOk);
    ASSERT_EQ(run(kCmdDriverCapSet, capSet(kActionCap, encodeActions({kActDrop, kActDirectRxVq}))), kOk);
  }
};
const std::string kD = "drivernormative:Device Types / Network Device / Device Operation / Flow filter#";

TEST_F(Fx, CapabilityListNamesTheThreeCapabilities) {
  auto a = ff.command(kCmdCapIdListQuery, {});
  ASSERT_EQ(a.status, kOk);
  ASSERT_GT(a.result.size(), size_t{kActionCap / 8});
  EXPECT_EQ(a.result[kResourceCap / 8] & 0x7, 0x7);
  auto r = ff.command(kCmdDeviceCapGet, capSet(kResourceCap, {}));
  ASSERT_EQ(r.status, kOk);
  ASSERT_EQ(r.result.size(), 20u);
  EXPECT_EQ(r.result[0], 4);
}

TEST_F(Fx, ObjectsBeforeCapabilitiesAreRefusedAndReported) {
  EXPECT_EQ(ff.command(kCmdObjCreate, group(1, 1)).qualifier, kQInvalidOpcode);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], kD + "1");
}

TEST_F(Fx, LifeCycleAndStatuses) {
  caps();
  EXPECT_EQ(run(kCmdObjCreate, group(1, 5)), kOk);
  EXPECT_EQ(run(kCmdObjCreate, group(2, 5)), kEinval);  // same priority
  EXPECT_EQ(run(kCmdObjCreate, classifier(1, ethIpv4Udp())), kOk);
  EXPECT_EQ(run(kCmdObjCreate, rule(1, 1, 1, 3, kActDrop, 0, key(1, 53))), kOk);
  EXPECT_EQ(run(kCmdObjCreate, rule(2, 9, 1, 3, kActDrop, 0, key(1, 53))), kEnxio);  // no such group
  auto q = ff.command(kCmdObjQuery, objHdr(kObjRule, 1));
  ASSERT_EQ(q.status, kOk);
  EXPECT_EQ(q.result.size(), 16u + 42u);
  EXPECT_EQ(run(kCmdObjCreate, rule(8, 1, 1, 3, kActDrop, 0, key(1, 53))), kEinval);   // id >= rules_limit
  EXPECT_EQ(run(kCmdObjCreate, rule(5, 1, 1, 15, kActDrop, 0, key(1, 53))), kEinval);  // priority >= last_rule_priority
  EXPECT_EQ(run(kCmdObjDestroy, objHdr(kObjGroup, 1)), kEbusy);
  EXPECT_EQ(run(kCmdObjDestroy, objHdr(kObjClassifier, 1)), kEbusy);
  EXPECT_EQ(run(kCmdObjModify, rule(1, 1, 1, 4, kActDirectRxVq, 2, key(1, 53))), kOk);
  EXPECT_EQ(ff.command(kCmdObjQuery, objHdr(kObjRule, 1)).result[8], 4);
  EXPECT_EQ(run(kCmdObjDestroy, objHdr(kObjRule, 1)), kOk);
  EXPECT_EQ(run(kCmdObjDestroy, objHdr(kObjGroup, 1)), kOk);
  EXPECT_EQ(run(kCmdObjDestroy, objHdr(kObjClassifier, 1)), kOk);
  EXPECT_EQ(run(kCmdObjDestroy, objHdr(kObjClassifier, 1)), kEnxio);
  EXPECT_EQ(seen, (std::vector<std::string>{kD + "2", kD + "4"}));  // the two EBUSY destroys
}

TEST_F(Fx, SamePriorityInAGroupIsReportedButAccepted) {
  caps();
  ASSERT_EQ(run(kCmdObjCreate, group(1, 1)), kOk);
  ASSERT_EQ(run(kCmdObjCreate, group(2, 2)), kOk);
  ASSERT_EQ(run(kCmdObjCreate, classifier(1, ethIpv4Udp())), kOk);
  EXPECT_EQ(run(kCmdObjCreate, rule(1, 1, 1, 3, kActDrop, 0, key(1, 53))), kOk);
  EXPECT_EQ(run(kCmdObjCreate, rule(2, 2, 1, 3, kActDrop, 0, key(1, 80))), kOk);  // other group: fine
  EXPECT_TRUE(seen.empty());
  EXPECT_EQ(run(kCmdObjCreate, rule(3, 1, 1, 3, kActDrop, 0, key(1, 80))), kOk);
  EXPECT_EQ(seen, (std::vector<std::string>{kD + "6"}));
}

TEST_F(Fx, DriverChecksOnClassifiersAndRules) {
  caps();
  auto bad = ethIpv4Udp();
  std::swap(bad[0], bad[1]);
  EXPECT_EQ(run(kCmdObjCreate, classifier(1, bad)), kEinval);
  auto noEt = ethIpv4Udp();
  noEt[0].mask[12] = 0;
  EXPECT_EQ(run(kCmdObjCreate, classifier(2, noEt)), kEinval);
  ASSERT_EQ(run(kCmdObjCreate, group(1, 1)), kOk);
  ASSERT_EQ(run(kCmdObjCreate, classifier(3, ethIpv4Udp())), kOk);
  EXPECT_EQ(run(kCmdObjCreate, rule(1, 1, 3, 1, kActDrop, 0, key(1, 1, 0x86dd))), kEinval);
  EXPECT_EQ(run(kCmdObjCreate, rule(2, 1, 3, 1, kActDrop, 0, key(1, 1, 0x0800, 6))), kEinval);
  EXPECT_EQ(seen, (std::vector<std::string>{kD + "9", kD + "10", kD + "11", kD + "12"}));
}

TEST_F(Fx, GroupsAndRulesByPriorityFirstMatchWins) {
  caps();
  ASSERT_EQ(run(kCmdObjCreate, group(1, 4)), kOk);
  ASSERT_EQ(run(kCmdObjCreate, group(2, 5)), kOk);
  ASSERT_EQ(run(kCmdObjCreate, classifier(1, ethIpv4Udp())), kOk);
  ASSERT_EQ(run(kCmdObjCreate, rule(1, 1, 1, 9, kActDrop, 0, key(1, 53))), kOk);          // low group, high prio
  ASSERT_EQ(run(kCmdObjCreate, rule(3, 2, 1, 1, kActDirectRxVq, 2, key(1, 53))), kOk);    // high group
  ASSERT_EQ(run(kCmdObjCreate, rule(4, 2, 1, 7, kActDirectRxVq, 4, key(1, 53))), kOk);    // high group, higher prio
  ASSERT_EQ(run(kCmdObjCreate, rule(2, 1, 1, 2, kActDirectRxVq, 6, key(2, 80))), kOk);
  auto v = ff.classify(packet(1, 53));
  EXPECT_EQ(v.kind, FlowFilter::Verdict::Kind::Queue);
  EXPECT_EQ(v.ruleId, 4u);
  EXPECT_EQ(v.vq, 4);
  v = ff.classify(packet(2, 80));  // no rule of group 2 matches: group 1
  EXPECT_EQ(v.ruleId, 2u);
  EXPECT_EQ(ff.classify(packet(3, 80)).kind, FlowFilter::Verdict::Kind::NoMatch);
  ASSERT_EQ(run(kCmdObjDestroy, objHdr(kObjRule, 4)), kOk);
  ASSERT_EQ(run(kCmdObjDestroy, objHdr(kObjRule, 3)), kOk);
  EXPECT_EQ(ff.classify(packet(1, 53)).kind, FlowFilter::Verdict::Kind::Drop);
}

class NetFf : public NetTest {};

TEST_F(NetFf, DeviceSteersBeforeAutomaticSteeringAndDropsForResetQueue) {
  NetParams p;
  p.mqPairs = 2;
  p.flowFilter = true;
  make(p);
  bringUp(offeredNet());
  std::vector<std::string> none;
  Limits l{8, 16, 64, 64, 15, 3};
  ASSERT_EQ(dev->adminCommand(kCmdDriverCapSet, capSet(kResourceCap, l.encode())).status, kOk);
  ASSERT_EQ(dev->adminCommand(kCmdDriverCapSet, capSet(kSelectorCap, encodeSelectors(ethIpv4Udp()))).status, kOk);
  ASSERT_EQ(dev->adminCommand(kCmdDriverCapSet, capSet(kActionCap, encodeActions({kActDrop, kActDirectRxVq}))).status, kOk);
  ASSERT_EQ(dev->adminCommand(kCmdObjCreate, group(1, 1)).status, kOk);
  ASSERT_EQ(dev->adminCommand(kCmdObjCreate, classifier(1, ethIpv4Udp())).status, kOk);
  ASSERT_EQ(dev->adminCommand(kCmdObjCreate, rule(1, 1, 1, 1, kActDirectRxVq, 2, key(1, 53))).status, kOk);
  ASSERT_EQ(command(net::ctrl::kClassMq, net::ctrl::kMqVqPairsSet, {2, 0}), 0);
  postRx(0, 2048);
  postRx(2, 2048);
  auto f = packet(1, 53);
  std::memcpy(f.data(), dev->mac().data(), 6);
  ASSERT_TRUE(dev->inject(f));
  EXPECT_EQ(dev->stats().rxFrames, 1u);
  uint32_t id = 0, len = 0;
  EXPECT_TRUE(popUsed(2, &id, &len));
  core->resetQueue(2);
  EXPECT_FALSE(dev->inject(f));
  EXPECT_EQ(dev->stats().rxDroppedNoQueue, 1u);
  expectClean();
}

TEST_F(NetFf, WithoutTheParameterNothingIsListed) {
  make(NetParams{});
  auto a = dev->adminCommand(kCmdCapIdListQuery, {});
  EXPECT_TRUE(a.result.empty());
  EXPECT_EQ(dev->adminCommand(kCmdObjCreate, group(1, 1)).qualifier, kQInvalidOpcode);
}

}  // namespace
}  // namespace vsim::model::test

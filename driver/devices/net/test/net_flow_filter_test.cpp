// FlowFilterClient over a recording admin channel: capability order, classifier / rule layout, tear-down order.
#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "vsim/drv/net_flow_filter.h"

namespace vsim::drv::net::ff {
namespace {

struct Recorder {
  std::vector<std::pair<uint16_t, std::vector<uint8_t>>> sent;
  AdminChannel channel() {
    return [this](uint16_t op, const std::vector<uint8_t>& d) {
      sent.emplace_back(op, d);
      AdminReply r{kStatusOk, 0, {}};
      if (op == kCmdCapIdListQuery) {
        r.result.assign(8 * 33, 0);
        r.result[kResourceCap / 8] = 0x7;
      }
      if (op == kCmdDeviceCapGet) r.result.assign(20, 1);
      return r;
    };
  }
};

uint16_t objType(const std::vector<uint8_t>& d) { return static_cast<uint16_t>(d[0] | d[1] << 8); }

TEST(FlowFilterClient, CapabilitiesBeforeObjectsAndDependencyOrder) {
  Recorder rec;
  FlowFilterClient c(rec.channel());
  EXPECT_EQ(c.createGroup(1), 0u);  // not enabled yet: nothing sent
  EXPECT_TRUE(rec.sent.empty());
  ASSERT_TRUE(c.enable());
  int capSets = 0;
  for (const auto& [op, d] : rec.sent) capSets += op == kCmdDriverCapSet;
  EXPECT_EQ(capSets, 3);
  const uint32_t g = c.createGroup(5);
  ASSERT_NE(g, 0u);
  Match m;
  m.l3 = kIpv6;
  m.l4 = kTcp;
  m.dstPort = 443;
  ASSERT_NE(c.addRule(g, m, 2, kActDrop), 0u);
  EXPECT_EQ(c.addRule(g, m, 2, kActDrop), 0u);  // same priority in the group: refused locally
  const size_t before = rec.sent.size();
  ASSERT_TRUE(c.removeGroup(g));
  ASSERT_EQ(rec.sent.size(), before + 3);
  EXPECT_EQ(objType(rec.sent[before].second), kObjRule);
  EXPECT_EQ(objType(rec.sent[before + 1].second), kObjClassifier);
  EXPECT_EQ(objType(rec.sent[before + 2].second), kObjGroup);
}

TEST(FlowFilterClient, LayoutNamesTheNextHeader) {
  Match m;
  m.l3 = kIpv6;
  m.l4 = kUdp;
  const auto cls = FlowFilterClient::classifierData(m);
  ASSERT_EQ(cls[0], 3);
  EXPECT_EQ(cls[8], kEth);
  EXPECT_EQ(cls[16 + 12], 0xff);  // EtherType mask
  EXPECT_EQ(cls[16 + 13], 0xff);
  EXPECT_EQ(cls[30], kIpv6);
  EXPECT_EQ(cls[38 + 6], 0xff);   // Next Header mask
  EXPECT_EQ(cls[78], kUdp);
  const auto rule = FlowFilterClient::ruleData(1, 2, m, 3, kActDirectRxVq, 4);
  ASSERT_EQ(rule.size(), 16u + 14 + 40 + 8);
  EXPECT_EQ(rule[9], 14 + 40 + 8);  // key_length
  EXPECT_EQ(rule[16 + 12], 0x86);   // EtherType IPv6
  EXPECT_EQ(rule[16 + 13], 0xdd);
  EXPECT_EQ(rule[16 + 14 + 6], 17);  // Next Header UDP
  EXPECT_EQ(rule[12], 4);            // vq_index
}

}  // namespace
}  // namespace vsim::drv::net::ff

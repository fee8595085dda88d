// IPsec SA objects: capability list / get / set, create / modify / query / destroy statuses, limits, driver checks
// and reset, on IpsecSa alone.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "vsim/model/net_ipsec.h"

namespace vsim::model::test {
namespace {
using namespace net::ipsec;
namespace ff = net::ff;

std::vector<uint8_t> head(uint16_t x, uint32_t id = 0, size_t n = 8) {
  std::vector<uint8_t> v(n, 0);
  v[0] = static_cast<uint8_t>(x);
  v[1] = static_cast<uint8_t>(x >> 8);
  if (n >= 16)
    for (int i = 0; i < 4; ++i) v[4 + i] = static_cast<uint8_t>(id >> (8 * i));
  return v;
}
std::vector<uint8_t> withBody(std::vector<uint8_t> h, const std::vector<uint8_t>& b) {
  h.insert(h.end(), b.begin(), b.end());
  return h;
}
Sa goodSa(uint32_t id, bool inbound) {
  Sa s;
  s.mode = kModeTunnel;
  s.direction = inbound ? kDirInbound : kDirOutbound;
  s.tunnelType = inbound ? 0 : 1;
  s.objId = id;
  s.spi = 0x1000 + id;
  s.cipherAlgo = 3;
  s.authAlgo = 2;
  s.cipherKeyLen = 16;
  s.authKeyLen = 20;
  s.replayWin = 64;
  return s;
}
std::vector<uint8_t> obj(uint16_t type, uint32_t id, const Sa& s) { return withBody(head(type, id, 16), s.encode()); }

struct Rig {
  std::vector<std::string> clauses;
  IpsecSa sa = IpsecSa::withDefaults(4, [this](const char* c, std::string) { clauses.emplace_back(c); });
  void enable() {
    std::vector<uint8_t> bm;
    sa.listQueried(&bm);
    ASSERT_TRUE(bm[kResourceCap / 8] & (1u << (kResourceCap % 8)));
    ASSERT_TRUE(bm[kSaCap / 8] & (1u << (kSaCap % 8)));
    auto lim = sa.command(ff::kCmdDeviceCapGet, head(kResourceCap));
    auto modes = sa.command(ff::kCmdDeviceCapGet, head(kSaCap));
    ASSERT_EQ(lim.status, ff::kOk);
    ASSERT_EQ(modes.status, ff::kOk);
    ASSERT_EQ(sa.command(ff::kCmdDriverCapSet, withBody(head(kResourceCap), lim.result)).status, ff::kOk);
    ASSERT_EQ(sa.command(ff::kCmdDriverCapSet, withBody(head(kSaCap), modes.result)).status, ff::kOk);
    ASSERT_TRUE(sa.driverCapsSet());
  }
};

TEST(NetIpsec, OwnsOnlyIpsecIdsAndTypes) {
  EXPECT_TRUE(IpsecSa::owns(ff::kCmdDeviceCapGet, head(kSaCap)));
  EXPECT_TRUE(IpsecSa::owns(ff::kCmdObjCreate, head(kObjInbSa, 0, 16)));
  EXPECT_FALSE(IpsecSa::owns(ff::kCmdDeviceCapGet, head(ff::kResourceCap)));
  EXPECT_FALSE(IpsecSa::owns(ff::kCmdObjCreate, head(ff::kObjRule, 0, 16)));
  EXPECT_FALSE(IpsecSa::owns(ff::kCmdCapIdListQuery, {}));
}

TEST(NetIpsec, CreateQueryModifyDestroyRecreate) {
  Rig r;
  r.enable();
  for (uint16_t t : {kObjOutbSa, kObjInbSa}) {
    const bool in = t == kObjInbSa;
    ASSERT_EQ(r.sa.command(ff::kCmdObjCreate, obj(t, 1, goodSa(1, in))).status, ff::kOk);
    EXPECT_EQ(r.sa.command(ff::kCmdObjCreate, obj(t, 1, goodSa(1, in))).status, kEexist);
    auto q = r.sa.command(ff::kCmdObjQuery, head(t, 1, 16));
    ASSERT_EQ(q.status, ff::kOk);
    ASSERT_EQ(q.result.size(), kSaBytes);
    EXPECT_EQ(Sa::decode(q.result.data()).spi, 0x1001u);
    Sa m = goodSa(1, in);
    m.spi = 77;
    EXPECT_EQ(r.sa.command(ff::kCmdObjModify, obj(t, 1, m)).status, ff::kOk);
    EXPECT_EQ(Sa::decode(r.sa.command(ff::kCmdObjQuery, head(t, 1, 16)).result.data()).spi, 77u);
    EXPECT_EQ(r.sa.command(ff::kCmdObjDestroy, head(t, 1, 16)).status, ff::kOk);
    EXPECT_EQ(r.sa.command(ff::kCmdObjQuery, head(t, 1, 16)).status, ff::kEnxio);
    EXPECT_EQ(r.sa.command(ff::kCmdObjCreate, obj(t, 1, goodSa(1, in))).status, ff::kOk);
  }
  EXPECT_EQ(r.sa.outbound(), 1u);
  EXPECT_EQ(r.sa.inbound(), 1u);
  EXPECT_TRUE(r.clauses.empty());
  r.sa.reset();
  EXPECT_EQ(r.sa.outbound() + r.sa.inbound(), 0u);
  EXPECT_FALSE(r.sa.driverCapsSet());
}

TEST(NetIpsec, CreateFailsBeyondLimitOrCapability) {
  Rig r;
  r.enable();
  EXPECT_NE(r.sa.command(ff::kCmdObjCreate, obj(kObjOutbSa, 4, goodSa(4, false))).status, ff::kOk);
  EXPECT_NE(r.sa.command(ff::kCmdObjCreate, obj(kObjInbSa, 4, goodSa(4, true))).status, ff::kOk);
  Sa bad = goodSa(0, false);
  bad.cipherAlgo = 9;  // not in the cipher mask
  EXPECT_EQ(r.sa.command(ff::kCmdObjCreate, obj(kObjOutbSa, 0, bad)).status, ff::kEinval);
  Sa big = goodSa(0, true);
  big.replayWin = 4096;
  EXPECT_EQ(r.sa.command(ff::kCmdObjCreate, obj(kObjInbSa, 0, big)).status, ff::kEinval);
  EXPECT_EQ(r.sa.outbound() + r.sa.inbound(), 0u);
}

TEST(NetIpsec, DriverOrderAndFieldChecks) {
  Rig r;
  auto a = r.sa.command(ff::kCmdObjCreate, obj(kObjOutbSa, 0, goodSa(0, false)));
  EXPECT_EQ(a.qualifier, ff::kQInvalidOpcode);
  r.sa.command(ff::kCmdDeviceCapGet, head(kSaCap));
  r.sa.command(ff::kCmdDriverCapSet, withBody(head(kResourceCap), encodeLimits(4, 4)));
  ASSERT_EQ(r.clauses.size(), 3u);
  EXPECT_EQ(r.clauses[0], "drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#3");
  EXPECT_EQ(r.clauses[1], "drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#1");
  EXPECT_EQ(r.clauses[2], "drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#2");
  Rig g;
  g.enable();
  Sa o = goodSa(0, false);
  o.tunnelType = 0;
  g.sa.command(ff::kCmdObjCreate, obj(kObjOutbSa, 0, o));
  Sa i = goodSa(0, true);
  i.spi = 0;
  g.sa.command(ff::kCmdObjCreate, obj(kObjInbSa, 0, i));
  ASSERT_EQ(g.clauses.size(), 2u);
  EXPECT_EQ(g.clauses[0], "drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#4");
  EXPECT_EQ(g.clauses[1], "drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#5");
}

}  // namespace
}  // namespace vsim::model::test

// Configuration space of the input device: the answers of each personality, size 0 for what is not supported,
// and the driver-normative query rules (one negative test per check).
#include <cstring>

#include "input_test_support.h"
#include "vsim/model/input_abi.h"

namespace vsim::model::test {
namespace {

namespace cfg = input::cfg;

uint32_t le32(const std::vector<uint8_t>& u, size_t off) {
  uint32_t v = 0;
  std::memcpy(&v, u.data() + off, 4);
  return v;
}
uint16_t le16(const std::vector<uint8_t>& u, size_t off) {
  return static_cast<uint16_t>(u[off] | u[off + 1] << 8);
}
bool bit(const std::vector<uint8_t>& map, unsigned b) { return b / 8 < map.size() && ((map[b / 8] >> (b % 8)) & 1); }

using InputConfigTest = InputFixture;

TEST_F(InputConfigTest, KeyboardIdentity) {
  InputParams p;
  p.serial = "KB-42";
  p.vendor = 0x1234;
  p.product = 0x5678;
  p.version = 0x9;
  make(p);
  negotiate();
  EXPECT_EQ(queryString(cfg::kIdName), "virtio-sim keyboard");
  EXPECT_EQ(queryString(cfg::kIdSerial), "KB-42");
  auto ids = query(cfg::kIdDevids, 0);
  ASSERT_EQ(ids.size(), 8u);
  EXPECT_EQ(le16(ids, 0), 0x0006);
  EXPECT_EQ(le16(ids, 2), 0x1234);
  EXPECT_EQ(le16(ids, 4), 0x5678);
  EXPECT_EQ(le16(ids, 6), 0x9);
  auto keys = query(cfg::kEvBits, input::ev::kKey);
  EXPECT_TRUE(bit(keys, input::code::kKeyA));
  EXPECT_TRUE(bit(keys, input::code::kKeyEsc));
  EXPECT_FALSE(bit(keys, 0));
  EXPECT_EQ(keys.size(), 16u);  // keys 1..127
  auto leds = query(cfg::kEvBits, input::ev::kLed);
  ASSERT_EQ(leds.size(), 1u);
  EXPECT_EQ(leds[0], 0x07);  // NUML, CAPSL, SCROLLL
  EXPECT_EQ(query(cfg::kEvBits, input::ev::kSyn), std::vector<uint8_t>{1});
  EXPECT_TRUE(query(cfg::kEvBits, input::ev::kRel).empty());
  EXPECT_TRUE(query(cfg::kEvBits, input::ev::kAbs).empty());
  EXPECT_TRUE(query(cfg::kPropBits, 0).empty());
  EXPECT_TRUE(query(cfg::kAbsInfo, input::code::kAbsX).empty());
  expectClean();
}

TEST_F(InputConfigTest, MouseIdentity) {
  InputParams p;
  p.kind = InputKind::Mouse;
  p.name = "Test Mouse";
  make(p);
  negotiate();
  EXPECT_EQ(queryString(cfg::kIdName), "Test Mouse");
  EXPECT_EQ(le16(query(cfg::kIdDevids, 0), 4), 2);  // default product of a mouse
  auto rel = query(cfg::kEvBits, input::ev::kRel);
  EXPECT_TRUE(bit(rel, input::code::kRelX));
  EXPECT_TRUE(bit(rel, input::code::kRelY));
  EXPECT_TRUE(bit(rel, input::code::kRelWheel));
  auto keys = query(cfg::kEvBits, input::ev::kKey);
  EXPECT_TRUE(bit(keys, input::code::kBtnLeft));
  EXPECT_TRUE(bit(keys, input::code::kBtnRight));
  EXPECT_FALSE(bit(keys, input::code::kKeyA));
  EXPECT_TRUE(query(cfg::kEvBits, input::ev::kAbs).empty());
  EXPECT_TRUE(query(cfg::kEvBits, input::ev::kLed).empty());
  EXPECT_TRUE(query(cfg::kIdSerial, 0).empty());  // no serial set
  expectClean();
}

TEST_F(InputConfigTest, TabletIdentityAndAbsInfo) {
  InputParams p;
  p.kind = InputKind::Tablet;
  p.absMaxX = 1919;
  p.absMaxY = 1079;
  p.absRes = 12;
  make(p);
  negotiate();
  auto abs = query(cfg::kEvBits, input::ev::kAbs);
  EXPECT_TRUE(bit(abs, input::code::kAbsX));
  EXPECT_TRUE(bit(abs, input::code::kAbsY));
  auto x = query(cfg::kAbsInfo, input::code::kAbsX);
  ASSERT_EQ(x.size(), 20u);
  EXPECT_EQ(le32(x, 0), 0u);
  EXPECT_EQ(le32(x, 4), 1919u);
  EXPECT_EQ(le32(x, 8), 0u);
  EXPECT_EQ(le32(x, 12), 0u);
  EXPECT_EQ(le32(x, 16), 12u);
  auto y = query(cfg::kAbsInfo, input::code::kAbsY);
  ASSERT_EQ(y.size(), 20u);
  EXPECT_EQ(le32(y, 4), 1079u);
  auto props = query(cfg::kPropBits, 0);
  ASSERT_EQ(props.size(), 1u);
  EXPECT_EQ(props[0], 1u << input::prop::kDirect);
  expectClean();
}

// covers: devicenormative:Device Types / Input Device / Device Initialization#1
TEST_F(InputConfigTest, UnsupportedSelectAndSubselAnswerSizeZero) {
  InputParams p;
  p.kind = InputKind::Tablet;
  p.serial = "S";
  make(p);
  negotiate();
  const std::pair<uint8_t, uint8_t> unsupported[] = {
      {cfg::kUnset, 0},        {cfg::kUnset, 3},      {0x04, 0},           {0x13, 0},
      {0x7f, 0},               {0xff, 0xff},          {cfg::kIdName, 1},   {cfg::kIdSerial, 2},
      {cfg::kIdDevids, 1},     {cfg::kPropBits, 1},   {cfg::kEvBits, 0x1f}, {cfg::kEvBits, 0xff},
      {cfg::kEvBits, input::ev::kLed}, {cfg::kAbsInfo, 2}, {cfg::kAbsInfo, 0xff}};
  for (auto [sel, sub] : unsupported) {
    cfgWrite8(cfg::kSelectOff, sel);
    cfgWrite8(cfg::kSubselOff, sub);
    EXPECT_EQ(cfgRead8(cfg::kSizeOff), 0) << "select " << int(sel) << " subsel " << int(sub);
    uint8_t u[cfg::kUnionBytes];
    std::memset(u, 0xaa, sizeof u);
    ASSERT_TRUE(core->readConfig(cfg::kUnionOff, u, sizeof u));
    for (uint8_t b : u) EXPECT_EQ(b, 0);
  }
  expectClean();
}

TEST_F(InputConfigTest, SelectorsReadBackAndReservedBytesAreZero) {
  make();
  negotiate();
  cfgWrite8(cfg::kSelectOff, cfg::kIdName);
  cfgWrite8(cfg::kSubselOff, 0);
  uint8_t head[8];
  ASSERT_TRUE(core->readConfig(0, head, sizeof head));
  EXPECT_EQ(head[0], cfg::kIdName);
  EXPECT_EQ(head[1], 0);
  EXPECT_EQ(head[2], std::strlen("virtio-sim keyboard"));
  for (int i = 3; i < 8; ++i) EXPECT_EQ(head[i], 0);
  // one 16-bit write sets both selectors
  const uint8_t both[2] = {cfg::kEvBits, input::ev::kLed};
  ASSERT_TRUE(core->writeConfig(0, both, 2));
  EXPECT_EQ(cfgRead8(cfg::kSizeOff), 1);
  expectClean();
}

TEST_F(InputConfigTest, ResetClearsSelectors) {
  make();
  negotiate();
  (void)query(cfg::kIdName, 0);
  core->writeStatus(0);
  EXPECT_EQ(dev->config().select(), 0);
  EXPECT_EQ(dev->config().subsel(), 0);
  negotiate();
  EXPECT_EQ(queryString(cfg::kIdName), "virtio-sim keyboard");
  expectClean();
}

TEST_F(InputConfigTest, StringOfExactly128BytesHasNoTerminator) {
  InputParams p;
  p.name = std::string(128, 'n');
  make(p);
  negotiate();
  auto u = query(cfg::kIdName, 0);
  EXPECT_EQ(u.size(), 128u);
  EXPECT_EQ(std::string(u.begin(), u.end()), p.name);
  expectClean();
}

TEST_F(InputConfigTest, RepeatedReadsOfOneQueryAreFine) {
  make();
  negotiate();
  cfgWrite8(cfg::kSelectOff, cfg::kIdName);
  cfgWrite8(cfg::kSubselOff, 0);
  for (int i = 0; i < 3; ++i) {  // the generation loop reads twice; a driver may re-read
    EXPECT_EQ(cfgRead8(cfg::kSizeOff), 19);
    uint8_t u[19];
    ASSERT_TRUE(core->readConfig(cfg::kUnionOff, u, sizeof u));
  }
  expectClean();
}

// covers: drivernormative:Device Types / Input Device / Device Initialization#1
TEST_F(InputConfigTest, QueryWithOnlySelectSetIsReported) {
  make();
  negotiate();
  (void)query(cfg::kIdSerial, 0);           // a complete query first
  cfgWrite8(cfg::kSelectOff, cfg::kIdName);  // new query: subsel left as it was
  EXPECT_EQ(cfgRead8(cfg::kSizeOff), 19);       // answered from the current registers all the same
  expectOnly("drivernormative:Device Types / Input Device / Device Initialization#1", "input.query_selector_not_set");
  EXPECT_EQ(log.size(), 1u);
  cfgRead8(cfg::kSizeOff);  // the same query: reported once
  EXPECT_EQ(log.size(), 1u);
  log.clear();
  (void)query(cfg::kIdSerial, 0);  // a complete query again: fine
  expectClean();
}

// covers: drivernormative:Device Types / Input Device / Device Initialization#1
TEST_F(InputConfigTest, QueryWithoutSettingSelectorsIsReported) {
  make();
  negotiate();
  cfgRead8(cfg::kSizeOff);
  expectOnly("drivernormative:Device Types / Input Device / Device Initialization#1", "input.query_selector_not_set");
}

// covers: drivernormative:Device Types / Input Device / Device Initialization#2
TEST_F(InputConfigTest, WritesBeyondSelectorsAreReportedAndIgnored) {
  make();
  negotiate();
  const uint8_t four[4] = {cfg::kIdName, 0, 0x55, 0x66};  // select, subsel, size, reserved[0]
  ASSERT_TRUE(core->writeConfig(0, four, 4));
  expectOnly("drivernormative:Device Types / Input Device / Device Initialization#2", "input.config_readonly_write");
  EXPECT_EQ(cfgRead8(cfg::kSizeOff), 19);  // size is the device's, the selectors were taken
  EXPECT_EQ(cfgRead8(3), 0);
  log.clear();
  const uint8_t junk[4] = {1, 2, 3, 4};
  ASSERT_TRUE(core->writeConfig(cfg::kUnionOff, junk, 4));  // into the union
  expectOnly("drivernormative:Device Types / Input Device / Device Initialization#2", "input.config_readonly_write");
  uint8_t u[4];
  ASSERT_TRUE(core->readConfig(cfg::kUnionOff, u, 4));
  EXPECT_EQ(std::string(reinterpret_cast<char*>(u), 4), "virt");
}

// covers: drivernormative:Device Types / Input Device / Device Initialization#3
TEST_F(InputConfigTest, UnionReadBeforeSizeIsReported) {
  make();
  negotiate();
  cfgWrite8(cfg::kSelectOff, cfg::kIdName);
  cfgWrite8(cfg::kSubselOff, 0);
  uint8_t u[8];
  ASSERT_TRUE(core->readConfig(cfg::kUnionOff, u, sizeof u));
  expectOnly("drivernormative:Device Types / Input Device / Device Initialization#3", "input.union_read_before_size");
  EXPECT_EQ(log.size(), 1u);
}

}  // namespace
}  // namespace vsim::model::test

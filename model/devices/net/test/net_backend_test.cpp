// Net backends: the L2 switch (learning, flooding, order), the pcap writer (file format, time stamps), two devices
// exchanging frames through a switch, and the board factory sharing switches and pcap files by name.
#include <cstdio>
#include <fstream>

#include "net_fixture.h"
#include "vsim/model/board.h"
#include "vsim/model/l2_switch.h"
#include "vsim/model/pcap_writer.h"

namespace vsim::model::test {
namespace {

using namespace net;

struct Sink final : NetPort {
  std::vector<NetFrame> got;
  void receiveFrame(const NetFrame& f) override { got.push_back(f); }
};

NetFrame mk(const Mac& dst, const Mac& src) {
  NetFrame f;
  f.data = NetTest::frame(dst, src, 50);
  return f;
}

const Mac kA{0x02, 0, 0, 0, 0, 0xa}, kB{0x02, 0, 0, 0, 0, 0xb}, kC{0x02, 0, 0, 0, 0, 0xc};

TEST(L2Switch, FloodsUnknownThenLearns) {
  L2Switch sw("lan");
  Sink a, b, c;
  const int pa = sw.attach(&a, "a"), pb = sw.attach(&b, "b");
  sw.attach(&c, "c");
  sw.forward(pa, mk(kB, kA));  // kB unknown: flooded to b and c
  EXPECT_EQ(b.got.size(), 1u);
  EXPECT_EQ(c.got.size(), 1u);
  EXPECT_TRUE(a.got.empty());
  EXPECT_EQ(sw.lookup(kA), pa);
  sw.forward(pb, mk(kA, kB));  // kA learned: only a
  EXPECT_EQ(a.got.size(), 1u);
  EXPECT_EQ(c.got.size(), 1u);
  sw.forward(pa, mk(kB, kA));  // kB learned now
  EXPECT_EQ(b.got.size(), 2u);
  EXPECT_EQ(c.got.size(), 1u);
  EXPECT_EQ(sw.stats().unicast, 2u);
  EXPECT_EQ(sw.stats().flooded, 1u);
}

TEST(L2Switch, BroadcastGoesEverywhereButTheSender) {
  L2Switch sw("lan");
  Sink a, b, c;
  const int pa = sw.attach(&a, "a");
  sw.attach(&b, "b");
  sw.attach(&c, "c");
  sw.forward(pa, mk(kBcast, kA));
  EXPECT_TRUE(a.got.empty());
  EXPECT_EQ(b.got.size(), 1u);
  EXPECT_EQ(c.got.size(), 1u);
}

TEST(L2Switch, DeliveryOrderIsAttachOrder) {
  L2Switch sw("lan");
  std::vector<int> order;
  struct Rec final : NetPort {
    Rec(std::vector<int>* out, int n) : o(out), id(n) {}
    std::vector<int>* o;
    int id;
    void receiveFrame(const NetFrame&) override { o->push_back(id); }
  } r[3] = {{&order, 0}, {&order, 1}, {&order, 2}};
  Sink s;
  const int from = sw.attach(&s, "s");
  for (auto& x : r) sw.attach(&x, "r");
  sw.forward(from, mk(kBcast, kA));
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
}

TEST(L2Switch, DetachForgetsAndStopsDelivery) {
  L2Switch sw("lan");
  Sink a, b;
  const int pa = sw.attach(&a, "a"), pb = sw.attach(&b, "b");
  sw.forward(pb, mk(kA, kB));
  sw.detach(pb);
  EXPECT_EQ(sw.lookup(kB), -1);
  sw.forward(pa, mk(kB, kA));
  EXPECT_TRUE(b.got.size() == 0u);
  EXPECT_EQ(sw.numPorts(), 1u);
}

TEST(L2Switch, NotSentBackToItsOwnPort) {
  L2Switch sw("lan");
  Sink a, b;
  const int pa = sw.attach(&a, "a");
  sw.attach(&b, "b");
  sw.forward(pa, mk(kB, kA));
  sw.forward(pa, mk(kA, kC));  // kA lives on port a: hairpin filtered
  EXPECT_TRUE(a.got.empty());
  EXPECT_EQ(sw.stats().filtered, 1u);
}

std::vector<uint8_t> slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}
uint32_t rd32(const std::vector<uint8_t>& b, size_t off) {
  return uint32_t{b[off]} | uint32_t{b[off + 1]} << 8 | uint32_t{b[off + 2]} << 16 | uint32_t{b[off + 3]} << 24;
}

TEST(PcapWriter, WritesNanosecondRecords) {
  const std::string path = ::testing::TempDir() + "net_pcap_writer.pcap";
  {
    PcapWriter w;
    ASSERT_TRUE(w.open(path)) << w.error();
    w.write(1'500'000'123'000ull, std::vector<uint8_t>(60, 0xab));  // 1.5 s + 123 ns
    w.write(2'000'000'000'000ull, std::vector<uint8_t>(1514, 0xcd));
    EXPECT_EQ(w.frames(), 2u);
  }
  const auto b = slurp(path);
  ASSERT_GE(b.size(), 24u + 16 + 60 + 16 + 1514);
  EXPECT_EQ(rd32(b, 0), 0xa1b23c4du);  // nanosecond pcap
  EXPECT_EQ(rd32(b, 20), 1u);          // LINKTYPE_ETHERNET
  EXPECT_EQ(rd32(b, 24), 1u);          // seconds
  EXPECT_EQ(rd32(b, 28), 500'000'123u);
  EXPECT_EQ(rd32(b, 32), 60u);
  EXPECT_EQ(rd32(b, 36), 60u);
  EXPECT_EQ(rd32(b, 24 + 16 + 60), 2u);
  EXPECT_EQ(rd32(b, 24 + 16 + 60 + 8), 1514u);
  std::remove(path.c_str());
}

TEST(PcapWriter, UnwritablePathIsAnError) {
  PcapWriter w;
  EXPECT_FALSE(w.open("/nonexistent-dir/x.pcap"));
  EXPECT_NE(w.error().find("/nonexistent-dir/x.pcap"), std::string::npos);
  w.write(0, std::vector<uint8_t>(60, 0));  // harmless
}

/// Two net devices (each with its own core and hand rings) on one switch.
class TwoOnASwitch : public ::testing::Test {
 protected:
  std::shared_ptr<L2Switch> sw = std::make_shared<L2Switch>("lan");
  NetHarness a, b;
  Mac macA{0x02, 0, 0, 0, 0, 1}, macB{0x02, 0, 0, 0, 0, 2};
  void SetUp() override {
    NetParams pa, pb;
    pa.mac = macA;
    pb.mac = macB;
    a.make(pa, NetDevice::Backends{sw, nullptr, {}, "a"});
    b.make(pb, NetDevice::Backends{sw, nullptr, {}, "b"});
    a.bringUp(a.offeredNet());
    b.bringUp(b.offeredNet());
  }
};

TEST_F(TwoOnASwitch, FramesCrossInBothDirections) {
  const uint64_t rxB = b.postRx(0, 2048);
  const uint64_t rxA = a.postRx(0, 2048);
  const auto ab = NetTest::frame(macB, macA, 100, 1);
  a.send(1, ab);
  uint32_t len = 0;
  ASSERT_TRUE(b.popUsed(0, nullptr, &len));
  EXPECT_EQ(b.readMem(rxB + 12, len - 12), ab);
  const auto ba = NetTest::frame(macA, macB, 200, 2);
  b.send(1, ba);
  ASSERT_TRUE(a.popUsed(0, nullptr, &len));
  EXPECT_EQ(a.readMem(rxA + 12, len - 12), ba);
  EXPECT_EQ(sw->lookup(macA), a.dev->switchPort());
  EXPECT_EQ(sw->lookup(macB), b.dev->switchPort());
  a.expectClean();
  b.expectClean();
}

TEST_F(TwoOnASwitch, PartialChecksumCompletedForAPeerWithoutGuestCsum) {
  // b re-negotiates without checksum offloads
  b.core->writeStatus(0);
  b.bringUp(b.offeredNet() & ~bit(f::kCsum) & ~bit(f::kGuestCsum));
  const uint64_t rxB = b.postRx(0, 2048);
  NetHdr h;
  h.flags = hdr::kFNeedsCsum;
  h.csumStart = 14;
  h.csumOffset = 2;
  auto fr = NetTest::frame(macB, macA, 40, 3);
  fr[16] = fr[17] = 0;
  a.send(1, fr, h);
  uint32_t len = 0;
  ASSERT_TRUE(b.popUsed(0, nullptr, &len));
  EXPECT_EQ(b.readHdr(rxB).flags, 0);
  const auto got = b.readMem(rxB + 12, len - 12);
  EXPECT_NE(got[16] | got[17], 0);
}

TEST(NetBoard, DevicesNamingOneSwitchShareItAndPcapFilesAreShared) {
  const std::string path = ::testing::TempDir() + "net_board_shared.pcap";
  BoardConfig cfg;
  DeviceSpec d;
  d.type = "net";
  d.options = {{"switch", "lan"}, {"pcap", path}};
  d.transport = TransportKind::PciModern;
  cfg.devices.push_back(d);
  d.transport = TransportKind::MmioV2;
  cfg.devices.push_back(d);
  d.options = {{"switch", "other"}};
  cfg.devices.push_back(d);
  Board board(cfg);
  auto& n0 = dynamic_cast<NetDevice&>(board.logic(0));
  auto& n1 = dynamic_cast<NetDevice&>(board.logic(1));
  auto& n2 = dynamic_cast<NetDevice&>(board.logic(2));
  ASSERT_NE(n0.attachedSwitch(), nullptr);
  EXPECT_EQ(n0.attachedSwitch(), n1.attachedSwitch());
  EXPECT_NE(n0.attachedSwitch(), n2.attachedSwitch());
  EXPECT_EQ(n0.attachedSwitch()->numPorts(), 2u);
  EXPECT_EQ(n0.attachedSwitch()->portName(0), "net0");
  EXPECT_NE(n0.mac(), n1.mac());
  std::remove(path.c_str());
}

TEST(NetBoard, UnwritablePcapIsAClearError) {
  BoardConfig cfg;
  DeviceSpec d;
  d.type = "net";
  d.options = {{"pcap", "/nonexistent-dir/x.pcap"}};
  cfg.devices.push_back(d);
  try {
    Board board(cfg);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("pcap"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace vsim::model::test

// ConsoleDevice, single port: features, configuration, the data path through a capture backend, emergency write,
// reset, IN_ORDER-safe returns; one negative test per driver violation of the data path and configuration space.
#include "console_fixture.h"

namespace vsim::model::test {
namespace {

constexpr const char* kRxReadable = "drivernormative:Device Types / Console Device / Device Operation#1";
constexpr const char* kTxWritable = "drivernormative:Device Types / Console Device / Device Operation#2";
constexpr const char* kConfigOptional =
    "drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#3";

class ConsoleSingle : public ConsoleFixture {};

uint32_t cfg32(DeviceCore& c, uint32_t off) {
  uint32_t v = 0;
  EXPECT_TRUE(c.readConfig(off, &v, 4));
  return v;
}

TEST_F(ConsoleSingle, FeaturesQueuesAndConfig) {
  ConsoleParams p;
  p.cols = 132;
  p.rows = 43;
  make(p);
  EXPECT_EQ(dev->deviceId(), 3);
  EXPECT_EQ(dev->numQueues(), 2);
  EXPECT_EQ(dev->deviceFeatures(), kSizeF | kEmergF);
  EXPECT_EQ(dev->configSize(), 12u);
  uint16_t cr[2] = {};
  ASSERT_TRUE(core->readConfig(0, cr, 4));
  EXPECT_EQ(cr[0], 132);
  EXPECT_EQ(cr[1], 43);
  EXPECT_EQ(cfg32(*core, 8), 0u);  // emerg_wr reads 0
  expectClean();
}

TEST_F(ConsoleSingle, MultiportOfferedSizesTheQueuesAndMaxNrPorts) {
  make(multiportParams(2, 5));
  EXPECT_EQ(dev->numQueues(), 12);
  EXPECT_TRUE(feat::has(dev->deviceFeatures(), console::kFMultiport));
  EXPECT_EQ(cfg32(*core, 4), 5u);
  expectClean();
}

TEST_F(ConsoleSingle, TransmitGoesToTheCapture) {
  make();
  bringUp(kSizeF | kEmergF);
  sendTx(1, "hello ");
  sendTx(1, "world");
  EXPECT_EQ(dev->takeOutput(0), "hello world");
  EXPECT_EQ(usedIdx(1), 2);
  Used u;
  ASSERT_TRUE(popUsed(1, &u));
  EXPECT_EQ(u.len, 0u);  // nothing written into a transmit buffer
  EXPECT_EQ(dev->stats().txBytes, 11u);
  expectClean();
}

TEST_F(ConsoleSingle, ReceiveBuffersAreHeldUntilInputArrives) {
  make();
  bringUp(0);
  giveRx(0, 8);
  giveRx(0, 8);
  EXPECT_EQ(usedIdx(0), 0);  // held
  EXPECT_EQ(dev->portStatus(0).heldBuffers, 2u);
  EXPECT_EQ(dev->pushInput(0, "abc"), 3u);
  EXPECT_EQ(usedIdx(0), 1);
  EXPECT_EQ(received(0), "abc");
  EXPECT_EQ(dev->pushInput(0, "0123456789"), 10u);  // fills the second buffer (8), keeps 2
  EXPECT_EQ(received(0), "01234567");
  giveRx(0, 8);
  EXPECT_EQ(received(0), "89");
  EXPECT_EQ(dev->stats().rxBytes, 13u);
  expectClean();
}

TEST_F(ConsoleSingle, InputBeforeDriverOkWaitsForBuffers) {
  make();
  dev->pushInput(0, "early");
  bringUp(0);
  giveRx(0, 64);
  EXPECT_EQ(received(0), "early");
  expectClean();
}

TEST_F(ConsoleSingle, MultiportDeviceWithoutMultiportNegotiatedIsOnePort) {
  make(multiportParams(2));
  bringUp(kSizeF, 2);
  sendTx(1, "x");
  EXPECT_EQ(dev->takeOutput(0), "x");
  dev->pushInput(1, "for port 1");
  giveRx(0);
  EXPECT_EQ(usedIdx(0), 0);  // port 1's input never reaches port 0
  expectClean();
}

TEST_F(ConsoleSingle, EmergencyWriteEmitsTheLowByte) {
  make();
  bringUp(kEmergF);
  const uint32_t v = 0x12345600u | 'Z';
  ASSERT_TRUE(core->writeConfig(8, &v, 4));
  const uint8_t b = '!';
  ASSERT_TRUE(core->writeConfig(8, &b, 1));
  const uint8_t hi = 'x';
  ASSERT_TRUE(core->writeConfig(9, &hi, 1));  // not the low byte: no character
  EXPECT_EQ(dev->emergencyOutput(), "Z!");
  EXPECT_EQ(dev->takeOutput(0), "Z!");
  expectClean();
}

// devicenormative:Device Types / Console Device / Device Initialization#1: the device logic takes emerg_wr in any
// state; a legacy driver reaches it before any feature negotiation.
TEST_F(ConsoleSingle, EmergencyWriteOnAnUnconfiguredDevice) {
  make();
  core->setLegacy(true);
  const uint32_t v = 'E';
  ASSERT_TRUE(core->writeConfig(8, &v, 4));
  EXPECT_TRUE(dev->writeConfig(8, &v, 4));  // the logic itself never looks at the status
  EXPECT_EQ(dev->emergencyOutput(), "EE");
  expectClean();
}

TEST_F(ConsoleSingle, ReadOnlyFieldsIgnoreWrites) {
  make();
  bringUp(kSizeF);
  const uint16_t c = 7;
  ASSERT_TRUE(core->writeConfig(0, &c, 2));
  uint16_t cols = 0;
  core->readConfig(0, &cols, 2);
  EXPECT_EQ(cols, 80);
  EXPECT_EQ(dev->takeOutput(0), "");
  expectClean();
}

TEST_F(ConsoleSingle, ResizeOfPort0ChangesTheConfigAndItsGeneration) {
  make();
  bringUp(kSizeF);
  const uint8_t gen = core->configGeneration();
  EXPECT_TRUE(dev->resize(0, 100, 50));
  EXPECT_NE(core->configGeneration(), gen);
  uint16_t cr[2] = {};
  core->readConfig(0, cr, 4);
  EXPECT_EQ(cr[0], 100);
  EXPECT_EQ(cr[1], 50);
  EXPECT_FALSE(dev->resize(3, 1, 1));
  expectClean();
}

TEST_F(ConsoleSingle, ResetDropsHeldBuffersButKeepsHostInput) {
  make();
  bringUp(0);
  giveRx(0);
  core->writeStatus(0);
  EXPECT_EQ(dev->portStatus(0).heldBuffers, 0u);
  dev->pushInput(0, "after");
  make();  // fresh rings for the new driver, same behaviour
  bringUp(0);
  giveRx(0);
  dev->pushInput(0, "ok");
  EXPECT_EQ(received(0), "ok");
  expectClean();
}

TEST_F(ConsoleSingle, QueueResetDropsHeldBuffers) {
  make();
  bringUp(feat::bit(feat::kRingReset));
  giveRx(0);
  core->resetQueue(0);
  EXPECT_EQ(dev->portStatus(0).heldBuffers, 0u);
  dev->pushInput(0, "x");  // nothing to complete, nothing corrupted
  expectClean();
}

TEST_F(ConsoleSingle, DisabledAndReenabledQueueForgetsOldChains) {
  make();
  bringUp(0, 0, /*legacy=*/true);
  giveRx(0);
  core->disableQueue(0);
  Ring& r = rings[0];
  r.desc += 0x200;  // a different table: the old chain cannot be completed into it
  r.nextDesc = r.availIdx = r.usedSeen = 0;
  r.headAddr.clear();
  mem.store(r.used + 2, uint16_t{0});
  mem.store(r.avail + 2, uint16_t{0});
  core->queue(0).desc = r.desc;
  ASSERT_TRUE(core->enableQueue(0));
  dev->pushInput(0, "data");
  EXPECT_EQ(usedIdx(0), 0);  // the stale chain was dropped, not completed into the new ring
  giveRx(0);
  EXPECT_EQ(received(0), "data");
  expectClean();
}

TEST_F(ConsoleSingle, ZeroLengthReceiveBufferKeepsItsPlaceInLine) {
  make();
  bringUp(feat::bit(feat::kInOrder));
  giveRx(0, 4);
  const uint64_t a = alloc(1);
  offer(0, {{a, 0, true}});
  kick(0);
  giveRx(0, 4);
  EXPECT_EQ(usedIdx(0), 0);  // the empty one waits behind the first
  dev->pushInput(0, "abcdef");
  Used u;
  ASSERT_TRUE(popUsed(0, &u));
  EXPECT_EQ(u.id, 0u);
  EXPECT_EQ(u.len, 4u);
  ASSERT_TRUE(popUsed(0, &u));
  EXPECT_EQ(u.id, 1u);
  EXPECT_EQ(u.len, 0u);
  ASSERT_TRUE(popUsed(0, &u));
  EXPECT_EQ(u.id, 2u);
  EXPECT_EQ(u.len, 2u);
  expectClean();
}

TEST_F(ConsoleSingle, LargeTransmitInOneChain) {
  make();
  bringUp(0);
  std::string big(20000, 'q');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  const uint64_t a = alloc(10000), b = alloc(10000);
  mem.write(a, big.data(), 10000);
  mem.write(b, big.data() + 10000, 10000);
  offer(1, {{a, 10000, false}, {b, 10000, false}});
  kick(1);
  EXPECT_EQ(dev->takeOutput(0), big);
  expectClean();
}

TEST_F(ConsoleSingle, CaptureLimitDropsAndCounts) {
  ConsoleParams p;
  p.ports[0].backend.bufferLimit = 4;
  make(p);
  bringUp(0);
  sendTx(1, "123456");
  EXPECT_EQ(dev->takeOutput(0), "1234");
  EXPECT_EQ(dev->backend(0)->dropped(), 2u);
  EXPECT_EQ(dev->pushInput(0, "abcdef"), 4u);
  expectClean();
}

// covers: drivernormative:Device Types / Console Device / Device Operation#1
TEST_F(ConsoleSingle, ReadableBufferInReceiveqIsReported) {
  make();
  bringUp(0);
  const uint64_t a = alloc(16);
  mem.store(a, uint64_t{0x1122334455667788ull});
  offer(0, {{a, 8, false}, {a + 8, 8, true}});
  kick(0);
  expectOnly(kRxReadable, "console.rx_readable_buffer");
  Used u;
  ASSERT_TRUE(popUsed(0, &u));  // returned at once, nothing written
  EXPECT_EQ(u.len, 0u);
  uint64_t after = 0;
  mem.load(a, &after);
  EXPECT_EQ(after, 0x1122334455667788ull);
  dev->pushInput(0, "x");
  EXPECT_EQ(usedIdx(0), 1);  // and it is never used for input
}

// covers: drivernormative:Device Types / Console Device / Device Operation#2
TEST_F(ConsoleSingle, WritableBufferInTransmitqIsReported) {
  make();
  bringUp(0);
  const uint64_t a = alloc(16);
  mem.write(a, "secret!!", 8);
  mem.store(a + 8, uint64_t{0xabcdef});
  offer(1, {{a, 8, false}, {a + 8, 8, true}});
  kick(1);
  expectOnly(kTxWritable, "console.tx_writable_buffer");
  EXPECT_EQ(dev->takeOutput(0), "");  // not forwarded
  uint64_t w = 0;
  mem.load(a + 8, &w);
  EXPECT_EQ(w, 0xabcdefu);  // not written
  Used u;
  ASSERT_TRUE(popUsed(1, &u));
  EXPECT_EQ(u.len, 0u);
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#3
TEST_F(ConsoleSingle, ReadingFieldsWhoseFeatureIsNotOfferedIsReported) {
  ConsoleParams p;
  p.size = false;
  make(p);
  uint32_t v = 0xffffffff;
  ASSERT_TRUE(core->readConfig(0, &v, 4));  // cols/rows without SIZE
  EXPECT_EQ(v, 0u);
  ASSERT_TRUE(core->readConfig(4, &v, 4));  // max_nr_ports without MULTIPORT
  ASSERT_TRUE(core->readConfig(0, &v, 2));  // reported once per field
  ASSERT_EQ(log.size(), 2u);
  expectOnly(kConfigOptional, "console.config_field_not_offered");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#3
TEST_F(ConsoleSingle, EmergencyWriteWithoutTheFeatureIsReported) {
  ConsoleParams p;
  p.emergWrite = false;
  make(p);
  bringUp(kSizeF);
  const uint32_t v = 'A';
  ASSERT_TRUE(core->writeConfig(8, &v, 4));
  expectOnly(kConfigOptional, "console.emerg_write_not_offered");
  EXPECT_EQ(dev->emergencyOutput(), "");
  EXPECT_EQ(dev->takeOutput(0), "");
}

}  // namespace
}  // namespace vsim::model::test

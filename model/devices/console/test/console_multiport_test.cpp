// ConsoleDevice with MULTIPORT: the control protocol (announcement, per-port handshake, names, console ports,
// host open/close, resize, hot-plug), per-port data, and one negative test per control-protocol violation.
#include "console_fixture.h"

namespace vsim::model::test {
namespace {

using namespace console;

constexpr const char* kRxReadable = "drivernormative:Device Types / Console Device / Device Operation#1";
constexpr const char* kTxWritable = "drivernormative:Device Types / Console Device / Device Operation#2";
constexpr const char* kClauseDeviceReady =
    "drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1";
constexpr const char* kConsoleOpen =
    "drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#3";
constexpr const char* kConsoleOpenValue =
    "drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#4";

class ConsoleMultiport : public ConsoleFixture {
 protected:
  /// Three ports: 0 a named console port, 1 named, 2 unnamed; max_nr_ports 4.
  void makeThree() {
    ConsoleParams p = multiportParams(3, 4);
    p.ports[0].console = true;
    p.ports[0].name = "org.test.console";
    p.ports[1].name = "org.test.one";
    make(p);
    bringUp(kMultiF | kSizeF | kEmergF);
    giveControlBuffers(12);  // leaves room in the 16-entry ring for the tests' own chains
  }
  /// DEVICE_READY, PORT_READY for each port, PORT_OPEN(1) for each; control messages consumed, buffers refilled.
  void handshake(uint32_t ports) {
    sendCtrl(0, kDeviceReady, 1);
    for (uint32_t p = 0; p < ports; ++p) sendCtrl(p, kPortReady, 1);
    for (uint32_t p = 0; p < ports; ++p) sendCtrl(p, kPortOpen, 1);
    giveControlBuffers(static_cast<unsigned>(control().size()));  // refill what was used
  }
  static std::vector<std::pair<uint32_t, uint16_t>> events(const std::vector<CtrlMsg>& m) {
    std::vector<std::pair<uint32_t, uint16_t>> out;
    for (const auto& x : m) out.emplace_back(x.id, x.event);
    return out;
  }
  using Ev = std::vector<std::pair<uint32_t, uint16_t>>;
};

TEST_F(ConsoleMultiport, DeviceReadyAnnouncesEveryPort) {
  makeThree();
  EXPECT_TRUE(control().empty());
  sendCtrl(0, kDeviceReady, 1);
  EXPECT_TRUE(dev->deviceReady());
  EXPECT_EQ(events(control()), (Ev{{0, kDeviceAdd}, {1, kDeviceAdd}, {2, kDeviceAdd}}));
  expectClean();
}

TEST_F(ConsoleMultiport, PortReadyBringsConsoleNameAndOpen) {
  makeThree();
  sendCtrl(0, kDeviceReady, 1);
  control();
  sendCtrl(0, kPortReady, 1);
  auto m = control();
  ASSERT_EQ(events(m), (Ev{{0, kConsolePort}, {0, kPortName}, {0, kPortOpen}}));
  EXPECT_EQ(m[1].payload, "org.test.console");
  EXPECT_EQ(m[1].usedLen, 8u + 16u);
  EXPECT_EQ(m[2].value, 1);
  sendCtrl(1, kPortReady, 1);
  m = control();
  ASSERT_EQ(events(m), (Ev{{1, kPortName}, {1, kPortOpen}}));
  EXPECT_EQ(m[0].payload, "org.test.one");
  sendCtrl(2, kPortReady, 1);
  EXPECT_EQ(events(control()), (Ev{{2, kPortOpen}}));
  EXPECT_TRUE(dev->portStatus(2).ready);
  EXPECT_TRUE(dev->portStatus(2).hostOpen);
  expectClean();
}

TEST_F(ConsoleMultiport, DataFlowsPerPortAfterTheHandshake) {
  makeThree();
  handshake(3);
  sendTx(static_cast<uint16_t>(txQueue(0)), "zero");
  sendTx(static_cast<uint16_t>(txQueue(1)), "one");
  sendTx(static_cast<uint16_t>(txQueue(2)), "two");
  EXPECT_EQ(dev->takeOutput(0), "zero");
  EXPECT_EQ(dev->takeOutput(1), "one");
  EXPECT_EQ(dev->takeOutput(2), "two");
  giveRx(static_cast<uint16_t>(rxQueue(2)));
  giveRx(static_cast<uint16_t>(rxQueue(1)));
  dev->pushInput(2, "to two");
  dev->pushInput(1, "to one");
  EXPECT_EQ(received(static_cast<uint16_t>(rxQueue(2))), "to two");
  EXPECT_EQ(received(static_cast<uint16_t>(rxQueue(1))), "to one");
  expectClean();
}

TEST_F(ConsoleMultiport, ControlMessagesWaitForControlBuffers) {
  ConsoleParams p = multiportParams(2);
  make(p);
  bringUp(kMultiF);
  sendCtrl(0, kDeviceReady, 1);
  EXPECT_TRUE(control().empty());
  giveControlBuffers(1);
  EXPECT_EQ(events(control()), (Ev{{0, kDeviceAdd}}));
  giveControlBuffers(1);
  EXPECT_EQ(events(control()), (Ev{{1, kDeviceAdd}}));
  expectClean();
}

TEST_F(ConsoleMultiport, TooSmallControlBufferGetsATruncatedMessage) {
  ConsoleParams p = multiportParams(1);
  p.ports[0].name = "a-rather-long-port-name";
  make(p);
  bringUp(kMultiF);
  giveControlBuffers(2, 12);
  sendCtrl(0, kDeviceReady, 1);
  sendCtrl(0, kPortReady, 1);
  const auto m = control();
  ASSERT_EQ(events(m), (Ev{{0, kDeviceAdd}, {0, kPortName}}));
  EXPECT_EQ(m[1].usedLen, 12u);
  EXPECT_EQ(m[1].payload, "a-ra");
  EXPECT_EQ(dev->stats().controlTruncated, 1u);
  expectClean();
}

TEST_F(ConsoleMultiport, InputWaitsUntilTheGuestOpensThePort) {
  makeThree();
  sendCtrl(0, kDeviceReady, 1);
  sendCtrl(1, kPortReady, 1);
  giveRx(static_cast<uint16_t>(rxQueue(1)));
  dev->pushInput(1, "hi");
  EXPECT_EQ(usedIdx(static_cast<uint16_t>(rxQueue(1))), 0);
  sendCtrl(1, kPortOpen, 1);
  EXPECT_EQ(received(static_cast<uint16_t>(rxQueue(1))), "hi");
  sendCtrl(1, kPortOpen, 0);
  EXPECT_FALSE(dev->portStatus(1).guestOpen);
  expectClean();
}

TEST_F(ConsoleMultiport, HostConnectAndDisconnectSendPortOpen) {
  makeThree();
  handshake(3);
  dev->setHostConnected(1, false);
  auto m = control();
  ASSERT_EQ(events(m), (Ev{{1, kPortOpen}}));
  EXPECT_EQ(m[0].value, 0);
  dev->setHostConnected(1, false);  // no change, no message
  EXPECT_TRUE(control().empty());
  dev->setHostConnected(1, true);
  m = control();
  ASSERT_EQ(events(m), (Ev{{1, kPortOpen}}));
  EXPECT_EQ(m[0].value, 1);
  expectClean();
}

TEST_F(ConsoleMultiport, ResizeSendsColsThenRows) {
  makeThree();
  handshake(3);
  EXPECT_TRUE(dev->resize(2, 120, 40));
  const auto m = control();
  ASSERT_EQ(events(m), (Ev{{2, kResize}}));
  ASSERT_EQ(m[0].payload.size(), 4u);
  EXPECT_EQ(static_cast<uint8_t>(m[0].payload[0]), 120);
  EXPECT_EQ(static_cast<uint8_t>(m[0].payload[2]), 40);
  expectClean();
}

TEST_F(ConsoleMultiport, HotPlugAndUnplug) {
  makeThree();
  handshake(3);
  ConsolePortParams extra;
  extra.name = "hot";
  EXPECT_TRUE(dev->addPort(3, extra));
  EXPECT_FALSE(dev->addPort(3, extra));  // exists
  EXPECT_FALSE(dev->addPort(4, extra));  // not below max_nr_ports
  EXPECT_EQ(events(control()), (Ev{{3, kDeviceAdd}}));
  sendCtrl(3, kPortReady, 1);
  EXPECT_EQ(events(control()), (Ev{{3, kPortName}, {3, kPortOpen}}));
  EXPECT_TRUE(dev->removePort(1));
  EXPECT_FALSE(dev->removePort(1));
  EXPECT_EQ(events(control()), (Ev{{1, kDeviceRemove}}));
  EXPECT_TRUE(dev->addPort(1, ConsolePortParams{}));
  EXPECT_EQ(events(control()), (Ev{{1, kDeviceAdd}}));
  expectClean();
}

TEST_F(ConsoleMultiport, PortAddedBeforeDeviceReadyIsAnnouncedOnce) {
  make(multiportParams(1, 3));
  EXPECT_TRUE(dev->addPort(2, ConsolePortParams{}));
  bringUp(kMultiF);
  giveControlBuffers(8);
  sendCtrl(0, kDeviceReady, 1);
  sendCtrl(0, kDeviceReady, 1);  // repeated: nothing announced twice
  EXPECT_EQ(events(control()), (Ev{{0, kDeviceAdd}, {2, kDeviceAdd}}));
  expectClean();
}

TEST_F(ConsoleMultiport, FailuresFromTheDriverAnnounceNothing) {
  makeThree();
  sendCtrl(0, kDeviceReady, 0);
  EXPECT_TRUE(control().empty());
  EXPECT_FALSE(dev->deviceReady());
  sendCtrl(0, kDeviceReady, 1);
  control();
  sendCtrl(1, kPortReady, 0);
  EXPECT_TRUE(control().empty());
  EXPECT_TRUE(dev->portStatus(1).failed);
  expectClean();
}

TEST_F(ConsoleMultiport, ResetForgetsTheProtocolState) {
  makeThree();
  handshake(3);
  core->writeStatus(0);
  EXPECT_FALSE(dev->deviceReady());
  EXPECT_FALSE(dev->portStatus(0).announced);
  EXPECT_TRUE(dev->portStatus(0).present);
  expectClean();
}

// covers: drivernormative:Device Types / Console Device / Device Operation#1
TEST_F(ConsoleMultiport, ReadableBufferInControlReceiveqIsReported) {
  makeThree();
  const uint64_t a = alloc(16);
  offer(kControlRx, {{a, 8, false}, {a + 8, 8, true}});
  kick(kControlRx);
  expectOnly(kRxReadable, "console.rx_readable_buffer");
}

// covers: drivernormative:Device Types / Console Device / Device Operation#2
TEST_F(ConsoleMultiport, WritableBufferInControlTransmitqIsReported) {
  makeThree();
  const uint64_t a = alloc(16);
  mem.store(a, uint64_t{0});  // a DEVICE_READY(1) header ...
  mem.store(a + 6, uint16_t{1});
  offer(kControlTx, {{a, 8, false}, {a + 8, 8, true}});  // ... with a writable tail
  kick(kControlTx);
  expectOnly(kTxWritable, "console.control_tx_writable_buffer");
  EXPECT_FALSE(dev->deviceReady());  // the message was not acted on
}

// covers: drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1
TEST_F(ConsoleMultiport, ControlMessageBeforeDeviceReadyIsReported) {
  makeThree();
  sendCtrl(0, kPortReady, 1);
  expectOnly(kClauseDeviceReady, "console.control_before_device_ready");
  EXPECT_TRUE(control().empty());
}

// covers: drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1
TEST_F(ConsoleMultiport, PortDataBeforeDeviceReadyIsReported) {
  makeThree();
  sendTx(static_cast<uint16_t>(txQueue(0)), "early");
  sendTx(static_cast<uint16_t>(txQueue(0)), "again");  // reported once
  ASSERT_EQ(log.size(), 1u);
  expectOnly(kClauseDeviceReady, "console.port_used_before_device_ready");
  EXPECT_EQ(dev->takeOutput(0), "");  // no port exists yet: dropped
}

// covers: drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1
TEST_F(ConsoleMultiport, DataOnAPortTheDeviceNeverAddedIsReported) {
  makeThree();
  handshake(3);
  sendTx(static_cast<uint16_t>(txQueue(3)), "nobody");
  expectOnly(kClauseDeviceReady, "console.tx_unknown_port");
  EXPECT_EQ(dev->stats().droppedTxBytes, 6u);
}

// covers: drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1
TEST_F(ConsoleMultiport, DataBeforePortReadyIsReported) {
  makeThree();
  sendCtrl(0, kDeviceReady, 1);
  sendTx(static_cast<uint16_t>(txQueue(2)), "soon");
  expectOnly(kClauseDeviceReady, "console.port_used_before_ready");
  EXPECT_EQ(dev->takeOutput(2), "soon");  // the port exists: delivered anyway
}

// covers: drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1
TEST_F(ConsoleMultiport, PortReadyForAnUnknownPortIsReported) {
  makeThree();
  sendCtrl(0, kDeviceReady, 1);
  control();
  sendCtrl(3, kPortReady, 1);   // below max_nr_ports, never added
  sendCtrl(99, kPortReady, 1);  // beyond max_nr_ports
  EXPECT_EQ(log.size(), 2u);
  expectOnly(kClauseDeviceReady, "console.port_ready_unknown_port");
  EXPECT_TRUE(control().empty());
}

// covers: drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1
TEST_F(ConsoleMultiport, PortOpenForAnUnknownPortIsReported) {
  makeThree();
  sendCtrl(0, kDeviceReady, 1);
  sendCtrl(7, kPortOpen, 1);
  expectOnly(kClauseDeviceReady, "console.port_open_unknown_port");
}

// covers: drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1
TEST_F(ConsoleMultiport, PortOpenBeforePortReadyIsReported) {
  makeThree();
  sendCtrl(0, kDeviceReady, 1);
  sendCtrl(2, kPortOpen, 1);
  expectOnly(kClauseDeviceReady, "console.port_open_before_ready");
}

// covers: drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1
TEST_F(ConsoleMultiport, ControlValueOutOfRangeIsReported) {
  makeThree();
  sendCtrl(0, kDeviceReady, 2);
  expectOnly(kClauseDeviceReady, "console.bad_control_value");
  EXPECT_FALSE(dev->deviceReady());
}

// covers: drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1
TEST_F(ConsoleMultiport, DeviceOnlyEventFromTheDriverIsReported) {
  makeThree();
  sendCtrl(0, kDeviceReady, 1);
  sendCtrl(1, kDeviceAdd, 0);
  sendCtrl(1, 42, 0);
  EXPECT_EQ(log.size(), 2u);
  expectOnly(kClauseDeviceReady, "console.control_unknown_event");
}

// covers: drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1
TEST_F(ConsoleMultiport, ShortControlMessageIsReported) {
  makeThree();
  sendTx(kControlTx, std::string("\0\0\0\0\0\0", 6));
  expectOnly(kClauseDeviceReady, "console.control_short");
  EXPECT_FALSE(dev->deviceReady());
}

// covers: drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#3
TEST_F(ConsoleMultiport, ConsolePortUsedWithoutPortOpenIsReported) {
  makeThree();
  sendCtrl(0, kDeviceReady, 1);
  sendCtrl(0, kPortReady, 1);
  control();  // the driver received CONSOLE_PORT ...
  sendTx(static_cast<uint16_t>(txQueue(0)), "login: ");  // ... and writes without answering PORT_OPEN
  expectOnly(kConsoleOpen, "console.console_port_not_opened");
}

// covers: drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#4
TEST_F(ConsoleMultiport, ConsolePortAnsweredWithPortOpenZeroIsReported) {
  makeThree();
  sendCtrl(0, kDeviceReady, 1);
  sendCtrl(0, kPortReady, 1);
  control();
  sendCtrl(0, kPortOpen, 0);
  expectOnly(kConsoleOpenValue, "console.console_port_open_value");
  EXPECT_FALSE(dev->portStatus(0).guestOpen);
}

TEST_F(ConsoleMultiport, ConsolePortAnsweredCorrectlyIsClean) {
  makeThree();
  sendCtrl(0, kDeviceReady, 1);
  sendCtrl(0, kPortReady, 1);
  control();
  sendCtrl(0, kPortOpen, 1);
  sendTx(static_cast<uint16_t>(txQueue(0)), "login: ");
  EXPECT_EQ(dev->takeOutput(0), "login: ");
  expectClean();
}

}  // namespace
}  // namespace vsim::model::test

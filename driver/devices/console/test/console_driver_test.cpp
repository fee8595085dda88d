// ConsoleDriver on the fake HAL (virtio-mmio v2) against a small scripted console device: the handshake, port
// names, console ports, resize, data both ways, emergency write, and one negative test per device-normative
// check of the driver. driver/ tests never use model/.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "fake_hal.h"
#include "vsim/drv/console_driver.h"
#include "vsim/drv/console_wire.h"

namespace vsim::drv {
namespace {

using fake::FakeHal;
using fake::FakeVirtioCore;
using fake::FakeVirtioMmio;
using test::FakeChain;
using test::FakeSplitDevice;

constexpr const char* kAddPort =
    "devicenormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1";
constexpr const char* kRemovePort =
    "devicenormative:Device Types / Console Device / Device Operation / Multiport Device Operation#2";

struct Msg {
  uint32_t id;
  uint16_t event, value;
};

/// A scripted console device: records what the driver sends, holds receive buffers, and sends what the test
/// tells it to. Trusting and simple on purpose.
class FakeConsole {
 public:
  FakeConsole(FakeHal& h, bool multiport, uint32_t maxPorts) : h_(h) {
    const unsigned nq = multiport ? 2 * maxPorts + 2 : 2;
    mmio_ = &h.addMmio(std::make_unique<FakeVirtioMmio>(3, nq, 2));
    core().deviceFeatures |= feat::bit(console::kFSize) | feat::bit(console::kFEmergWrite);
    if (multiport) core().deviceFeatures |= feat::bit(console::kFMultiport);
    core().config.assign(12, 0);
    core().config[0] = 80;  // cols
    core().config[2] = 24;  // rows
    core().config[4] = static_cast<uint8_t>(maxPorts);
    core().onNotify = [this](FakeVirtioCore& c, uint16_t q, uint32_t) { serve(c, q); };
  }
  FakeVirtioCore& core() { return mmio_->core; }

  /// Device -> driver control message into the oldest held control receive buffer.
  bool send(uint32_t id, uint16_t event, uint16_t value, const std::string& payload = {}) {
    std::string m(8, '\0');
    for (int i = 0; i < 4; ++i) m[i] = static_cast<char>(id >> (8 * i));
    m[4] = static_cast<char>(event), m[5] = static_cast<char>(event >> 8);
    m[6] = static_cast<char>(value), m[7] = static_cast<char>(value >> 8);
    return fill(console::kControlRx, m + payload);
  }
  /// Host -> guest bytes on a receive queue.
  bool fill(uint16_t q, const std::string& bytes) {
    auto& held = held_[q];
    if (held.empty()) return false;
    FakeChain c = held.front();
    held.erase(held.begin());
    const uint32_t n = static_cast<uint32_t>(std::min<size_t>(bytes.size(), c.segs[0].len));
    h_.mem.write(c.segs[0].addr, bytes.data(), n);
    dev(q).complete(c.id, n);
    core().raise(false, q);
    return true;
  }

  std::vector<Msg> fromDriver;          ///< control messages the driver sent
  std::map<uint16_t, std::string> out;  ///< bytes the driver transmitted, per transmit queue
  std::map<uint16_t, bool> sawWritableTx;
  std::function<void(const Msg&)> onMessage;  ///< react to a driver message (default: nothing)

 private:
  FakeSplitDevice& dev(uint16_t q) {
    auto it = devs_.find(q);
    if (it == devs_.end()) it = devs_.emplace(q, std::make_unique<FakeSplitDevice>(h_.mem, core().ringAddrs(q))).first;
    return *it->second;
  }
  void serve(FakeVirtioCore&, uint16_t q) {
    FakeChain c;
    while (dev(q).pop(&c)) {
      if (q % 2 == 0) {  // receive queues (port and control): hold
        held_[q].push_back(c);
        continue;
      }
      std::string data;
      for (const auto& s : c.segs) {
        if (s.writable) {
          sawWritableTx[q] = true;
          continue;
        }
        std::string part(s.len, '\0');
        h_.mem.read(s.addr, part.data(), s.len);
        data += part;
      }
      dev(q).complete(c.id, 0);
      core().raise(false, q);
      if (q == console::kControlTx && data.size() >= 8) {
        const auto* b = reinterpret_cast<const uint8_t*>(data.data());
        Msg m{b[0] | b[1] << 8 | b[2] << 16 | static_cast<uint32_t>(b[3]) << 24,
              static_cast<uint16_t>(b[4] | b[5] << 8), static_cast<uint16_t>(b[6] | b[7] << 8)};
        fromDriver.push_back(m);
        if (onMessage) onMessage(m);
      } else {
        out[q] += data;
      }
    }
  }
  FakeHal& h_;
  FakeVirtioMmio* mmio_ = nullptr;
  std::map<uint16_t, std::unique_ptr<FakeSplitDevice>> devs_;
  std::map<uint16_t, std::vector<FakeChain>> held_;
};

struct Rig {
  FakeHal h;
  ViolationLog log;
  FakeConsole con;
  Rig(bool multiport, uint32_t maxPorts = 1) : con(h, multiport, maxPorts) {}
  std::unique_ptr<ConsoleDriver> open(ConsoleOptions co = {}) {
    auto found = discover(h, log);
    EXPECT_EQ(found.size(), 1u);
    if (found.empty()) return nullptr;
    DriverOptions o;
    o.ringPacked = false;  // the fake serves split rings
    return ConsoleDriver::open(h, found[0], o, log, co);
  }
};

bool hasEvent(const std::vector<Msg>& v, uint32_t id, uint16_t event, uint16_t value) {
  for (const auto& m : v)
    if (m.id == id && m.event == event && m.value == value) return true;
  return false;
}

TEST(ConsoleDriver, SinglePortEchoAndSize) {
  Rig r(false);
  auto c = r.open();
  ASSERT_TRUE(c && c->ok());
  EXPECT_FALSE(c->multiport());
  EXPECT_EQ(c->ports(), std::vector<uint32_t>{0});
  uint16_t cols = 0, rows = 0;
  ASSERT_TRUE(c->size(&cols, &rows));
  EXPECT_EQ(cols, 80);
  EXPECT_EQ(rows, 24);
  EXPECT_EQ(c->write(0, "hello", 5, 1'000'000), 5u);
  EXPECT_EQ(r.con.out[1], "hello");
  EXPECT_FALSE(r.con.sawWritableTx[1]);
  ASSERT_TRUE(r.con.fill(0, "typed"));
  char buf[16] = {};
  EXPECT_EQ(c->read(0, buf, sizeof buf, 1'000'000), 5u);
  EXPECT_EQ(std::string(buf, 5), "typed");
  EXPECT_EQ(c->read(0, buf, sizeof buf, 1000), 0u);  // nothing more: times out
  EXPECT_TRUE(r.log.empty());
}

TEST(ConsoleDriver, QueuesOfTwoGetTwoBuffersEach) {
  Rig r(true, 1);
  for (auto& q : r.con.core().queues) q.maxSize = q.size = 2;
  r.con.onMessage = [&](const Msg& m) {
    if (m.event == console::kDeviceReady) r.con.send(0, console::kDeviceAdd, 0);
  };
  auto c = r.open();  // four receive buffers and sixteen control buffers would not fit: two of each are posted
  ASSERT_TRUE(c && c->multiport());
  ASSERT_TRUE(c->waitForPorts(1, 1'000'000));
  ASSERT_TRUE(r.con.fill(0, "ab"));
  ASSERT_TRUE(r.con.fill(0, "cd"));
  EXPECT_FALSE(r.con.fill(0, "ef"));  // the device holds only two
  char buf[8] = {};
  EXPECT_EQ(c->read(0, buf, sizeof buf, 1'000'000), 4u);
  EXPECT_EQ(std::string(buf, 4), "abcd");
  EXPECT_TRUE(r.con.fill(0, "ef"));  // given back after the read
  EXPECT_EQ(c->write(0, "xyz", 3, 1'000'000), 3u);
  EXPECT_EQ(r.con.out[1], "xyz");
  EXPECT_TRUE(r.log.empty());
}

TEST(ConsoleDriver, LongWriteIsChunked) {
  Rig r(false);
  ConsoleOptions co;
  co.txBufferBytes = 16;
  auto c = r.open(co);
  ASSERT_TRUE(c);
  const std::string text(100, 'x');
  EXPECT_EQ(c->write(0, text.data(), text.size(), 1'000'000), 100u);
  EXPECT_EQ(r.con.out[1], text);
}

TEST(ConsoleDriver, EmergencyWriteWhenOffered) {
  Rig r(false);
  auto c = r.open();
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->emergencyWrite('!'));
  EXPECT_EQ(r.con.core().config[8], '!');
  Rig r2(false);
  r2.con.core().deviceFeatures &= ~feat::bit(console::kFEmergWrite);
  auto c2 = r2.open();
  ASSERT_TRUE(c2);
  EXPECT_FALSE(c2->emergencyWrite('!'));  // not offered: emerg_wr is not touched
  EXPECT_EQ(r2.con.core().config[8], 0);
}

TEST(ConsoleDriver, MultiportHandshake) {
  Rig r(true, 2);
  // The device answers DEVICE_READY with both ports, and PORT_READY with names / console nomination.
  r.con.onMessage = [&](const Msg& m) {
    if (m.event == console::kDeviceReady) {
      r.con.send(0, console::kDeviceAdd, 0);
      r.con.send(1, console::kDeviceAdd, 0);
    } else if (m.event == console::kPortReady && m.id == 0) {
      r.con.send(0, console::kConsolePort, 1);
    } else if (m.event == console::kPortReady && m.id == 1) {
      r.con.send(1, console::kPortName, 1, "org.test.port1");
      r.con.send(1, console::kPortOpen, 1);
      r.con.send(1, console::kResize, 0, std::string("\x64\x00\x1e\x00", 4));
    }
  };
  auto c = r.open();
  ASSERT_TRUE(c && c->multiport());
  EXPECT_EQ(c->maxPorts(), 2u);
  ASSERT_TRUE(c->waitForPorts(2, 1'000'000));
  c->service();
  EXPECT_TRUE(hasEvent(r.con.fromDriver, 0, console::kDeviceReady, 1));
  EXPECT_TRUE(hasEvent(r.con.fromDriver, 0, console::kPortReady, 1));
  EXPECT_TRUE(hasEvent(r.con.fromDriver, 1, console::kPortReady, 1));
  EXPECT_TRUE(hasEvent(r.con.fromDriver, 0, console::kPortOpen, 1));
  EXPECT_EQ(r.con.fromDriver.front().event, console::kDeviceReady);  // first of all
  const ConsolePortInfo* p0 = c->port(0);
  const ConsolePortInfo* p1 = c->port(1);
  ASSERT_TRUE(p0 && p1);
  EXPECT_TRUE(p0->console);
  EXPECT_TRUE(p0->guestOpen);
  EXPECT_EQ(p1->name, "org.test.port1");
  EXPECT_TRUE(p1->hostOpen);
  EXPECT_EQ(p1->cols, 100);
  EXPECT_EQ(p1->rows, 30);
  EXPECT_EQ(c->write(1, "abc", 3, 1'000'000), 3u);
  EXPECT_EQ(r.con.out[static_cast<uint16_t>(console::txQueue(1))], "abc");
  ASSERT_TRUE(r.con.fill(static_cast<uint16_t>(console::rxQueue(1)), "xyz"));
  char buf[8] = {};
  EXPECT_EQ(c->read(1, buf, sizeof buf, 1'000'000), 3u);
  for (const auto& [q, w] : r.con.sawWritableTx) EXPECT_FALSE(w) << q;
  EXPECT_TRUE(r.log.empty());
  for (const auto& v : r.log.all()) ADD_FAILURE() << toString(v);
}

TEST(ConsoleDriver, RemovedPortDisappearsAndComesBack) {
  Rig r(true, 2);
  r.con.onMessage = [&](const Msg& m) {
    if (m.event == console::kDeviceReady) r.con.send(1, console::kDeviceAdd, 0);
  };
  auto c = r.open();
  ASSERT_TRUE(c && c->waitForPorts(1, 1'000'000));
  r.con.send(1, console::kDeviceRemove, 0);
  c->service();
  EXPECT_EQ(c->port(1), nullptr);
  EXPECT_TRUE(c->ports().empty());
  r.con.send(1, console::kDeviceAdd, 0);
  c->service();
  EXPECT_NE(c->port(1), nullptr);
  EXPECT_TRUE(r.log.empty());
}

// covers: devicenormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1
TEST(ConsoleDriver, DeviceAddForAnExistingOrOutOfRangePortIsReported) {
  Rig r(true, 2);
  r.con.onMessage = [&](const Msg& m) {
    if (m.event == console::kDeviceReady) r.con.send(0, console::kDeviceAdd, 0);
  };
  auto c = r.open();
  ASSERT_TRUE(c && c->waitForPorts(1, 1'000'000));
  r.con.send(0, console::kDeviceAdd, 0);  // exists
  r.con.send(2, console::kDeviceAdd, 0);  // = max_nr_ports
  c->service();
  ASSERT_EQ(r.log.size(), 2u);
  EXPECT_EQ(r.log.all()[0].clause, kAddPort);
  EXPECT_EQ(r.log.all()[0].kind, "console.add_existing_port");
  EXPECT_EQ(r.log.all()[1].clause, kAddPort);
  EXPECT_EQ(r.log.all()[1].kind, "console.add_port_out_of_range");
  EXPECT_EQ(r.log.all()[1].culprit, Culprit::Device);
  EXPECT_EQ(c->ports(), std::vector<uint32_t>{0});
}

// covers: devicenormative:Device Types / Console Device / Device Operation / Multiport Device Operation#2
TEST(ConsoleDriver, DeviceRemoveForAPortNeverAddedIsReported) {
  Rig r(true, 2);
  auto c = r.open();
  ASSERT_TRUE(c);
  r.con.send(1, console::kDeviceRemove, 0);
  c->service();
  ASSERT_EQ(r.log.size(), 1u);
  EXPECT_EQ(r.log.all()[0].clause, kRemovePort);
  EXPECT_EQ(r.log.all()[0].kind, "console.remove_unknown_port");
}

TEST(ConsoleDriver, NotAConsole) {
  FakeHal h;
  ViolationLog log;
  h.addMmio(std::make_unique<FakeVirtioMmio>(4, 1, 2));
  auto found = discover(h, log);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(ConsoleDriver::open(h, found[0], DriverOptions{}, log), nullptr);
}

}  // namespace
}  // namespace vsim::drv

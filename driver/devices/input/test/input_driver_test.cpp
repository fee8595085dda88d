// InputDriver on the fake platform: configuration queries and the check on unsupported combinations, eventq
// buffers (shape, order, reposting), statusq messages, time-outs. The fake input device here is a few lines over
// the fake rings: it holds eventq buffers and returns statusq buffers.
#include <gtest/gtest.h>

#include <cstring>
#include <deque>

#include "fake_hal.h"
#include "vsim/drv/input_driver.h"

namespace vsim::drv {
namespace {

using fake::FakeHal;
using fake::FakeVirtioCore;
using fake::FakeVirtioMmio;
using fake::FakeVirtioPci;

/// A fake input device over FakeVirtioCore: static configuration bytes, eventq buffers held for the test to fill,
/// statusq messages recorded.
struct Rig {
  FakeHal h;
  FakeVirtioCore* core = nullptr;
  ViolationLog log;
  DiscoveredDevice d;
  std::unique_ptr<test::FakeSplitDevice> rings[2];
  std::deque<test::FakeChain> held;           // eventq buffers
  std::vector<test::FakeChain> statusChains;  // as popped
  std::vector<input::Event> status;
  bool returnStatus = true;

  explicit Rig(bool mmio) {
    if (mmio)
      core = &h.addMmio(std::make_unique<FakeVirtioMmio>(18, 2, 2)).core;
    else
      core = &h.addPciT(std::make_unique<FakeVirtioPci>(18, 2, FakeVirtioPci::Layout{}), 3).core;
    for (auto& q : core->queues) q.maxSize = q.size = 16;
    core->config.assign(136, 0);
    core->onNotify = [this](FakeVirtioCore& c, uint16_t q, uint32_t) { serve(c, q); };
    auto all = discover(h, log);
    EXPECT_EQ(all.size(), 1u);
    if (!all.empty()) d = all[0];
  }
  test::FakeSplitDevice& ring(FakeVirtioCore& c, uint16_t q) {
    const RingAddrs a = c.ringAddrs(q);
    if (!rings[q] || rings[q]->ring.addrs().desc != a.desc)
      rings[q] = std::make_unique<test::FakeSplitDevice>(h.mem, a);
    return *rings[q];
  }
  void serve(FakeVirtioCore& c, uint16_t q) {
    test::FakeChain ch;
    while (ring(c, q).pop(&ch)) {
      if (q == input::kEventQ) {
        held.push_back(ch);
        continue;
      }
      statusChains.push_back(ch);
      uint8_t b[8] = {};
      if (!ch.segs.empty()) h.mem.read(ch.segs[0].addr, b, 8);
      status.push_back(input::decode(b));
      if (returnStatus) {
        ring(c, q).complete(ch.id, 0);
        c.raise(false, q);
      }
    }
  }
  /// Device side: put events into held buffers, return them, interrupt once.
  void send(const std::vector<input::Event>& evs) {
    for (const auto& e : evs) {
      ASSERT_FALSE(held.empty());
      uint8_t b[8];
      input::encode(e, b);
      h.mem.write(held.front().segs[0].addr, b, 8);
      ring(*core, input::kEventQ).complete(held.front().id, 8);
      held.pop_front();
    }
    core->raise(false, input::kEventQ);
  }
  void setAnswerForEverything(const std::string& s) {
    core->config[2] = static_cast<uint8_t>(s.size());
    std::memcpy(core->config.data() + 8, s.data(), s.size());
  }
};

DriverOptions splitOnly() {
  DriverOptions o;
  o.ringPacked = false;
  o.eventIdx = false;
  return o;
}

class InputDriverBothTransports : public ::testing::TestWithParam<bool> {};

TEST_P(InputDriverBothTransports, BringUpPostsWholeWritableEventBuffers) {
  Rig r(GetParam());
  auto in = InputDriver::open(r.h, r.d, splitOnly(), r.log);
  ASSERT_TRUE(in && in->ok());
  EXPECT_EQ(r.held.size(), 16u);  // the whole eventq, announced at DRIVER_OK
  for (const auto& c : r.held) {
    ASSERT_EQ(c.segs.size(), 1u);
    EXPECT_TRUE(c.segs[0].writable);
    EXPECT_EQ(c.segs[0].len, 8u);
  }
  EXPECT_TRUE(in->info().name.empty());
  EXPECT_TRUE(in->info().evBits.empty());
  EXPECT_TRUE(r.log.empty());
  // only the two selector bytes were ever written: the configuration still holds what the device put there
  for (size_t i = 2; i < r.core->config.size(); ++i) EXPECT_EQ(r.core->config[i], 0) << i;
}

TEST_P(InputDriverBothTransports, EventsArriveInOrderAndBuffersGoBack) {
  Rig r(GetParam());
  auto in = InputDriver::open(r.h, r.d, splitOnly(), r.log);
  ASSERT_TRUE(in);
  r.send({{1, 30, 1}, {0, 0, 0}, {2, 1, -7}});
  input::Event got[8];
  ASSERT_EQ(in->readEvents(got, 8, 1'000'000), 3u);
  EXPECT_EQ(got[0], (input::Event{1, 30, 1}));
  EXPECT_EQ(got[1], (input::Event{0, 0, 0}));
  EXPECT_EQ(got[2], (input::Event{2, 1, -7}));
  EXPECT_EQ(r.held.size(), 16u);  // all three posted again
  EXPECT_EQ(in->readEvents(got, 8, 1000), 0u);  // nothing more: times out
  r.send({{1, 30, 0}, {0, 0, 0}});
  ASSERT_EQ(in->readEvents(got, 1, 1'000'000), 1u);  // max 1: the second stays for the next call
  ASSERT_EQ(in->pollEvents(got + 1, 4), 1u);
  EXPECT_EQ(got[1], (input::Event{0, 0, 0}));
  EXPECT_EQ(in->eventsReceived(), 5u);
  EXPECT_TRUE(r.log.empty());
}

TEST_P(InputDriverBothTransports, StatusMessageReachesTheDevice) {
  Rig r(GetParam());
  auto in = InputDriver::open(r.h, r.d, splitOnly(), r.log);
  ASSERT_TRUE(in);
  EXPECT_TRUE(in->setLed(1, true, 1'000'000));
  ASSERT_EQ(r.status.size(), 1u);
  EXPECT_EQ(r.status[0], (input::Event{0x11, 1, 1}));
  ASSERT_EQ(r.statusChains[0].segs.size(), 1u);
  EXPECT_FALSE(r.statusChains[0].segs[0].writable);
  EXPECT_EQ(r.statusChains[0].segs[0].len, 8u);
  EXPECT_EQ(in->statusSent(), 1u);
  EXPECT_TRUE(r.log.empty());
}

INSTANTIATE_TEST_SUITE_P(Transports, InputDriverBothTransports, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& i) { return i.param ? "mmio_v2" : "pci_modern"; });

TEST(InputDriver, StatusTimesOutWhenTheDeviceKeepsTheBuffers) {
  Rig r(true);
  r.returnStatus = false;
  InputDriverOptions io;
  io.statusBuffers = 2;
  auto in = InputDriver::open(r.h, r.d, splitOnly(), r.log, io);
  ASSERT_TRUE(in);
  EXPECT_FALSE(in->sendStatus({0x11, 0, 1}, 10'000));
  EXPECT_FALSE(in->sendStatus({0x11, 0, 0}, 10'000));
  EXPECT_FALSE(in->sendStatus({0x11, 2, 1}, 10'000));  // no free slot left: not even sent
  EXPECT_EQ(r.status.size(), 2u);
}

TEST(InputDriver, ConfigurationIsParsed) {
  Rig r(false);
  // one answer for every query: 20 bytes, readable as a string, a bitmap, ids and an absinfo
  std::string answer;
  for (int i = 0; i < 20; ++i) answer += static_cast<char>(i == 0 ? 0x0b : i);
  r.setAnswerForEverything(answer);
  InputDriverOptions io;
  io.probeUnsupported = false;
  auto in = InputDriver::open(r.h, r.d, splitOnly(), r.log, io);
  ASSERT_TRUE(in);
  const InputInfo& i = in->info();
  EXPECT_EQ(i.name, answer);
  EXPECT_TRUE(i.hasDevids);
  EXPECT_EQ(i.devids.bustype, 0x010b);
  EXPECT_EQ(i.evBits.size(), 32u);  // every type answered
  EXPECT_TRUE(i.supports(3, 0));    // bit 0 of 0x0b
  EXPECT_FALSE(i.supports(3, 2));
  ASSERT_EQ(i.abs.size(), 15u);     // bits set in bytes 0..7 (axes 0..ABS_MAX): 0x0b, 1, 2, 3, 4, 5, 6, 7
  EXPECT_EQ(i.abs.at(1).max, 0x07060504u);
  EXPECT_TRUE(r.log.empty());
}

// covers: devicenormative:Device Types / Input Device / Device Initialization#1
TEST(InputDriver, NonZeroSizeForUnsupportedQueriesIsReported) {
  Rig r(true);
  r.setAnswerForEverything("ABCDE");  // a device that answers whatever is asked
  auto in = InputDriver::open(r.h, r.d, splitOnly(), r.log);
  ASSERT_TRUE(in);  // reported, not fatal
  ASSERT_EQ(r.log.size(), 5u);
  for (const auto& v : r.log.all()) {
    EXPECT_EQ(v.clause, "devicenormative:Device Types / Input Device / Device Initialization#1");
    EXPECT_EQ(v.kind, "input.unsupported_query_size");
    EXPECT_EQ(v.culprit, Culprit::Device);
  }
}

TEST(InputDriver, NotAnInputDevice) {
  FakeHal h;
  h.addMmio(std::make_unique<FakeVirtioMmio>(4, 1, 2));
  ViolationLog log;
  auto all = discover(h, log);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(InputDriver::open(h, all[0], DriverOptions{}, log), nullptr);
}

}  // namespace
}  // namespace vsim::drv

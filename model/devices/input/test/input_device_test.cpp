// The input device's queues: events held until injected and delivered in order, updates kept whole, scripted
// events at simulated times, statusq records, resets; one negative test per queue check.
#include "input_test_support.h"
#include "vsim/model/input_abi.h"

namespace vsim::model::test {
namespace {

using input::Event;
namespace ev = input::ev;
namespace code = input::code;

using InputDeviceTest = InputFixture;

TEST_F(InputDeviceTest, BasicsOfTheType) {
  make();
  EXPECT_EQ(dev->deviceId(), 18);
  EXPECT_EQ(dev->numQueues(), 2);
  EXPECT_EQ(dev->deviceFeatures(), 0u);
  EXPECT_EQ(dev->configSize(), 136u);
  EXPECT_EQ(dev->queueMaxSize(0), 64);
}

TEST_F(InputDeviceTest, BuffersAreHeldUntilEventsAreInjected) {
  bringUp();
  const uint64_t a = offerEventBuf(), b = offerEventBuf(), c = offerEventBuf();
  EXPECT_TRUE(used(0).empty());
  EXPECT_EQ(dev->eventBuffersHeld(), 3u);
  dev->key(code::kKeyA, true);  // KEY_A down + SYN_REPORT
  auto u = used(0);
  ASSERT_EQ(u.size(), 2u);
  EXPECT_EQ(u[0].len, 8u);
  EXPECT_EQ(u[1].len, 8u);
  EXPECT_EQ(eventAt(a), (Event{ev::kKey, code::kKeyA, 1}));
  EXPECT_EQ(eventAt(b), (Event{ev::kSyn, code::kSynReport, 0}));
  dev->key(code::kKeyA, false);
  u = used(0);
  ASSERT_EQ(u.size(), 1u);  // one buffer left: the SYN waits
  EXPECT_EQ(eventAt(c), (Event{ev::kKey, code::kKeyA, 0}));
  EXPECT_EQ(dev->eventsWaiting(), 1u);
  const uint64_t d = offerEventBuf();
  u = used(0);
  ASSERT_EQ(u.size(), 1u);
  EXPECT_EQ(eventAt(d), (Event{ev::kSyn, code::kSynReport, 0}));
  EXPECT_EQ(dev->stats().eventsDelivered, 4u);
  expectClean();
}

TEST_F(InputDeviceTest, NegativeValuesAndLargeCodesRoundTrip) {
  InputParams p;
  p.kind = InputKind::Mouse;
  bringUp(p);
  std::vector<uint64_t> bufs;
  for (int i = 0; i < 3; ++i) bufs.push_back(offerEventBuf());
  dev->moveRel(-5, 70000);
  ASSERT_EQ(used(0).size(), 3u);
  EXPECT_EQ(eventAt(bufs[0]), (Event{ev::kRel, code::kRelX, -5}));
  EXPECT_EQ(eventAt(bufs[1]), (Event{ev::kRel, code::kRelY, 70000}));
  EXPECT_EQ(eventAt(bufs[2]), (Event{ev::kSyn, code::kSynReport, 0}));
  expectClean();
}

TEST_F(InputDeviceTest, EventsInjectedBeforeTheDriverWaitForBuffers) {
  InputParams p;
  p.kind = InputKind::Tablet;
  make(p);
  dev->moveAbs(100, 200);  // no driver yet: held in the event buffer
  EXPECT_EQ(dev->eventsWaiting(), 3u);
  negotiate();
  setupQueues();
  std::vector<uint64_t> bufs;
  for (int i = 0; i < 4; ++i) bufs.push_back(offerEventBuf());  // notified before DRIVER_OK
  EXPECT_TRUE(used(0).empty());  // nothing is consumed before DRIVER_OK
  driverOk();
  ASSERT_EQ(used(0).size(), 3u);
  EXPECT_EQ(eventAt(bufs[0]), (Event{ev::kAbs, code::kAbsX, 100}));
  EXPECT_EQ(eventAt(bufs[1]), (Event{ev::kAbs, code::kAbsY, 200}));
  EXPECT_EQ(eventAt(bufs[2]), (Event{ev::kSyn, code::kSynReport, 0}));
  EXPECT_EQ(dev->eventBuffersHeld(), 1u);
}

TEST_F(InputDeviceTest, EventsOnlyGoOutWithTheirSynReport) {
  bringUp();
  offerEventBuf();
  dev->inject(ev::kKey, code::kKeyA, 1);
  EXPECT_TRUE(used(0).empty());  // staged until the update is complete
  dev->syn();
  EXPECT_EQ(used(0).size(), 1u);
}

TEST_F(InputDeviceTest, BuffersMadeAvailableWithoutNotificationAreUsed) {
  bringUp();
  const uint64_t a = offerEventBuf(/*notify=*/false), b = offerEventBuf(/*notify=*/false);
  dev->key(code::kKeyEsc, true);
  ASSERT_EQ(used(0).size(), 2u);
  EXPECT_EQ(eventAt(a), (Event{ev::kKey, code::kKeyEsc, 1}));
  EXPECT_EQ(eventAt(b), (Event{ev::kSyn, code::kSynReport, 0}));
  expectClean();
}

// covers: devicenormative:Device Types / Input Device / Device Operation#3
TEST_F(InputDeviceTest, UpdateThatDoesNotFitIsDroppedWhole) {
  InputParams p;
  p.kind = InputKind::Tablet;
  p.eventBuffer = 0;  // nothing beyond the driver's buffers
  bringUp(p);
  const uint64_t a = offerEventBuf(), b = offerEventBuf();
  dev->moveAbs(1, 2);  // three events, two buffers: dropped whole, never split
  EXPECT_TRUE(used(0).empty());
  EXPECT_EQ(dev->stats().updatesDropped, 1u);
  EXPECT_EQ(dev->stats().eventsDropped, 3u);
  EXPECT_TRUE(log.empty());  // the driver did offer buffers: not starved
  dev->key(code::kBtnLeft, true);  // two events fit
  ASSERT_EQ(used(0).size(), 2u);
  EXPECT_EQ(eventAt(a), (Event{ev::kKey, code::kBtnLeft, 1}));
  EXPECT_EQ(eventAt(b), (Event{ev::kSyn, code::kSynReport, 0}));
}

// covers: devicenormative:Device Types / Input Device / Device Operation#2
TEST_F(InputDeviceTest, EventBufferKeepsWholeUpdatesUntilBuffersCome) {
  InputParams p;
  p.eventBuffer = 4;
  bringUp(p);
  dev->key(code::kKeyA, true);   // 2 events wait
  dev->key(code::kKeyA, false);  // 4 wait
  dev->key(code::kKeyEnter, true);  // would be 6 > 4: dropped whole (reported: eventq empty)
  EXPECT_EQ(dev->eventsWaiting(), 4u);
  EXPECT_EQ(dev->stats().updatesDropped, 1u);
  log.clear();
  std::vector<uint64_t> bufs;
  for (int i = 0; i < 4; ++i) bufs.push_back(offerEventBuf());
  ASSERT_EQ(used(0).size(), 4u);
  EXPECT_EQ(eventAt(bufs[0]), (Event{ev::kKey, code::kKeyA, 1}));
  EXPECT_EQ(eventAt(bufs[1]), (Event{ev::kSyn, code::kSynReport, 0}));
  EXPECT_EQ(eventAt(bufs[2]), (Event{ev::kKey, code::kKeyA, 0}));
  EXPECT_EQ(eventAt(bufs[3]), (Event{ev::kSyn, code::kSynReport, 0}));
  expectClean();
}

// covers: drivernormative:Device Types / Input Device / Device Operation#1
TEST_F(InputDeviceTest, DroppingAnUpdateForAnEmptyEventqIsReportedOnce) {
  InputParams p;
  p.eventBuffer = 2;
  bringUp(p);
  dev->key(code::kKeyA, true);  // waits (2 events)
  dev->key(code::kKeyA, false);  // no room: dropped, reported
  dev->key(code::kKeyA, true);   // dropped again, same episode: not reported again
  expectOnly("drivernormative:Device Types / Input Device / Device Operation#1", "input.eventq_starved");
  EXPECT_EQ(log.size(), 1u);
  EXPECT_EQ(dev->stats().updatesDropped, 2u);
  offerEventBuf();
  offerEventBuf();
  offerEventBuf();  // refilled: a later drop is a new episode
  EXPECT_EQ(used(0).size(), 2u);
  dev->injectUpdate({{ev::kKey, 1, 1}, {ev::kKey, 2, 1}, {ev::kKey, 3, 1}, {ev::kKey, 4, 1}});  // 5 > 1 + 2
  EXPECT_EQ(log.size(), 1u);  // a buffer was held: not starved
}

TEST_F(InputDeviceTest, ScriptedEventsArriveAtTheirTimes) {
  bringUp();
  dev->loadScript("1us key 30 1; 1us syn; 3us KEY 30 0\n3us syn  # release");
  std::vector<uint64_t> bufs;
  for (int i = 0; i < 6; ++i) bufs.push_back(offerEventBuf());
  nowPs = 999'999;
  dev->pump();
  EXPECT_TRUE(used(0).empty());
  nowPs = 1'000'000;
  dev->pump();
  ASSERT_EQ(used(0).size(), 2u);
  EXPECT_EQ(eventAt(bufs[0]), (Event{ev::kKey, 30, 1}));
  EXPECT_EQ(dev->nextScriptedAtPs(), 3'000'000u);
  nowPs = 5'000'000;
  dev->pump();
  ASSERT_EQ(used(0).size(), 2u);
  EXPECT_EQ(eventAt(bufs[2]), (Event{ev::kKey, 30, 0}));
  EXPECT_EQ(dev->nextScriptedAtPs(), UINT64_MAX);
  expectClean();
}

TEST_F(InputDeviceTest, DueScriptedEventsGoOutWithTheNextBuffer) {
  bringUp();
  dev->schedule(100, Event{ev::kKey, code::kKeyEsc, 1});
  dev->schedule(100, Event{ev::kSyn, code::kSynReport, 0});
  nowPs = 200;  // due, but nobody pumps: the next buffer the driver offers takes it
  const uint64_t a = offerEventBuf();
  ASSERT_EQ(used(0).size(), 1u);
  EXPECT_EQ(eventAt(a), (Event{ev::kKey, code::kKeyEsc, 1}));
  offerEventBuf();
  EXPECT_EQ(used(0).size(), 1u);
  expectClean();
}

TEST_F(InputDeviceTest, ScriptFromOptionsIsDeterministic) {
  auto run = [this] {
    InputParams p;
    p.kind = InputKind::Mouse;
    p.script = "10ns REL 0 3; 10ns REL 1 -4; 10ns syn; 20ns key 0x110 1; 20ns syn";
    bringUp(p);
    std::vector<uint64_t> bufs;
    for (int i = 0; i < 5; ++i) bufs.push_back(offerEventBuf());
    nowPs = 1'000'000;
    dev->pump();
    std::vector<Event> out;
    for (auto u : used(0)) EXPECT_EQ(u.len, 8u);
    for (auto b : bufs) out.push_back(eventAt(b));
    return out;
  };
  const auto first = run();
  nextBuf = kBase + 0x40000;
  const auto second = run();
  EXPECT_EQ(first, second);
  ASSERT_EQ(first.size(), 5u);
  EXPECT_EQ(first[1], (Event{ev::kRel, code::kRelY, -4}));
  EXPECT_EQ(first[3], (Event{ev::kKey, code::kBtnLeft, 1}));
}

TEST_F(InputDeviceTest, StatusMessagesAreRecordedWithLedState) {
  bringUp();
  nowPs = 42;
  auto s = offer(input::kStatusQ, {{8, false}}, /*notify=*/false);
  uint8_t b[8];
  input::encode(Event{ev::kLed, code::kLedCapsL, 1}, b);
  mem.write(s[0], b, 8);
  core->notify(input::kStatusQ, false, 0);
  auto u = used(input::kStatusQ);
  ASSERT_EQ(u.size(), 1u);
  EXPECT_EQ(u[0].len, 0u);
  ASSERT_EQ(dev->statusLog().size(), 1u);
  EXPECT_EQ(dev->statusLog()[0].atPs, 42u);
  EXPECT_EQ(dev->statusLog()[0].ev, (Event{ev::kLed, code::kLedCapsL, 1}));
  EXPECT_TRUE(dev->led(code::kLedCapsL));
  EXPECT_EQ(dev->ledState(), 2u);
  // a longer buffer (readable 16 + writable 8) is fine: the first event counts, nothing is written
  s = offer(input::kStatusQ, {{16, false}, {8, true}}, false);
  input::encode(Event{ev::kLed, code::kLedCapsL, 0}, b);
  mem.write(s[0], b, 8);
  core->notify(input::kStatusQ, false, 0);
  u = used(input::kStatusQ);
  ASSERT_EQ(u.size(), 1u);
  EXPECT_EQ(u[0].len, 0u);
  EXPECT_EQ(dev->ledState(), 0u);
  EXPECT_EQ(dev->stats().statusReceived, 2u);
  expectClean();
}

TEST_F(InputDeviceTest, ResetForgetsHeldBuffersButKeepsHostEvents) {
  bringUp();
  offerEventBuf();
  EXPECT_EQ(dev->eventBuffersHeld(), 1u);
  core->writeStatus(0);
  EXPECT_EQ(dev->eventBuffersHeld(), 0u);
  dev->key(code::kKeyA, true);  // no driver: waits
  EXPECT_EQ(dev->eventsWaiting(), 2u);
  negotiate();  // the next driver gets them
  setupQueues();
  driverOk();
  const uint64_t a = offerEventBuf();
  ASSERT_EQ(used(0).size(), 1u);
  EXPECT_EQ(eventAt(a), (Event{ev::kKey, code::kKeyA, 1}));
  expectClean();
}

TEST_F(InputDeviceTest, QueueResetForgetsHeldEventBuffers) {
  bringUp();
  offerEventBuf();
  offerEventBuf();
  core->resetQueue(input::kEventQ);
  EXPECT_EQ(dev->eventBuffersHeld(), 0u);
  dev->key(code::kKeyA, true);  // the queue is not enabled: the events wait
  EXPECT_EQ(dev->eventsWaiting(), 2u);
}

TEST_F(InputDeviceTest, NothingIsDeliveredAfterNeedsReset) {
  bringUp();
  offerEventBuf();
  core->setNeedsReset();
  dev->key(code::kKeyA, true);
  EXPECT_TRUE(used(0).empty());
  EXPECT_EQ(dev->eventsWaiting(), 2u);
}

// covers: drivernormative:Device Types / Input Device / Device Operation#2
TEST_F(InputDeviceTest, ReadableEventqBufferIsReportedAndReturnedUnused) {
  bringUp();
  auto a = offer(input::kEventQ, {{8, false}, {8, true}});
  auto u = used(0);
  ASSERT_EQ(u.size(), 1u);
  EXPECT_EQ(u[0].len, 0u);
  expectOnly("drivernormative:Device Types / Input Device / Device Operation#2", "input.eventq_buffer_readable");
  dev->key(code::kKeyA, true);
  EXPECT_TRUE(used(0).empty());  // the bad buffer was not kept
  EXPECT_EQ(dev->stats().buffersRejected, 1u);
}

TEST_F(InputDeviceTest, MalformedBufferBehindHeldOnesKeepsItsTurn) {
  bringUp({}, feat::bit(feat::kInOrder));  // IN_ORDER: buffers are used in the order they were made available
  const uint64_t a = offerEventBuf();
  offer(input::kEventQ, {{4, true}});  // malformed, behind a held buffer: waits
  const uint64_t c = offerEventBuf();
  EXPECT_TRUE(used(0).empty());
  EXPECT_EQ(dev->eventBuffersHeld(), 2u);
  dev->key(code::kKeyA, true);
  auto u = used(0);
  ASSERT_EQ(u.size(), 3u);
  EXPECT_EQ(u[0].id, 0u);  // descriptor indices in the order offered
  EXPECT_EQ(u[0].len, 8u);
  EXPECT_EQ(u[1].id, 1u);
  EXPECT_EQ(u[1].len, 0u);
  EXPECT_EQ(u[2].id, 2u);
  EXPECT_EQ(u[2].len, 8u);
  EXPECT_EQ(eventAt(a), (Event{ev::kKey, code::kKeyA, 1}));
  EXPECT_EQ(eventAt(c), (Event{ev::kSyn, code::kSynReport, 0}));
  expectOnly("drivernormative:Device Types / Input Device / Device Operation#3", "input.eventq_buffer_short");
}

// covers: drivernormative:Device Types / Input Device / Device Operation#3
TEST_F(InputDeviceTest, ShortEventqBufferIsReportedAndReturnedUnused) {
  bringUp();
  auto a = offer(input::kEventQ, {{4, true}, {2, true}});  // 6 bytes in two parts
  mem.write(a[0], "\xee\xee\xee\xee", 4);
  auto u = used(0);
  ASSERT_EQ(u.size(), 1u);
  EXPECT_EQ(u[0].len, 0u);
  expectOnly("drivernormative:Device Types / Input Device / Device Operation#3", "input.eventq_buffer_short");
  uint32_t untouched = 0;
  mem.load(a[0], &untouched);
  EXPECT_EQ(untouched, 0xeeeeeeeeu);
}

TEST_F(InputDeviceTest, EventSplitOverTwoWritableSegmentsIsFine) {
  bringUp();
  auto a = offer(input::kEventQ, {{4, true}, {4, true}});
  offerEventBuf();
  dev->key(code::kKeyA, true);
  ASSERT_EQ(used(0).size(), 2u);
  uint8_t b[8];
  mem.read(a[0], b, 4);
  mem.read(a[1], b + 4, 4);
  EXPECT_EQ(input::decode(b), (Event{ev::kKey, code::kKeyA, 1}));
  expectClean();
}

// covers: drivernormative:Device Types / Input Device / Device Operation#4
TEST_F(InputDeviceTest, ShortStatusBufferIsReported) {
  bringUp();
  offer(input::kStatusQ, {{4, false}});
  auto u = used(input::kStatusQ);
  ASSERT_EQ(u.size(), 1u);
  EXPECT_EQ(u[0].len, 0u);
  expectOnly("drivernormative:Device Types / Input Device / Device Operation#4", "input.statusq_buffer_short");
  EXPECT_TRUE(dev->statusLog().empty());
}

// covers: drivernormative:Device Types / Input Device / Device Operation#4
TEST_F(InputDeviceTest, DeviceWritableStatusBufferIsReportedAndNotWritten) {
  bringUp();
  auto a = offer(input::kStatusQ, {{8, true}});
  mem.write(a[0], "\x11\x11\x11\x11\x11\x11\x11\x11", 8);
  auto u = used(input::kStatusQ);
  ASSERT_EQ(u.size(), 1u);
  EXPECT_EQ(u[0].len, 0u);
  expectOnly("drivernormative:Device Types / Input Device / Device Operation#4", "input.statusq_buffer_writable");
  uint64_t v = 0;
  mem.load(a[0], &v);
  EXPECT_EQ(v, 0x1111111111111111ull);
  EXPECT_TRUE(dev->statusLog().empty());
}

}  // namespace
}  // namespace vsim::model::test

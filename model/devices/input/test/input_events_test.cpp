// Host-side event bookkeeping: the whole-update queue policy, the script parser and the timed script.
#include <gtest/gtest.h>

#include <stdexcept>

#include "vsim/model/input_events.h"

namespace vsim::model {
namespace {

using input::Event;
const Event kSyn{input::ev::kSyn, input::code::kSynReport, 0};

TEST(InputEventQueue, StagesUntilSynReportThenQueuesWhole) {
  InputEventQueue q(8);
  EXPECT_EQ(q.inject({1, 30, 1}, 0), InputEventQueue::Commit::Staged);
  EXPECT_EQ(q.staged(), 1u);
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.inject({0, 1, 0}, 0), InputEventQueue::Commit::Staged);  // SYN_CONFIG is not the end of an update
  EXPECT_EQ(q.inject(kSyn, 0), InputEventQueue::Commit::Queued);
  EXPECT_EQ(q.ready(), 3u);
  EXPECT_EQ(q.front(), (Event{1, 30, 1}));
  q.pop();
  EXPECT_EQ(q.ready(), 2u);
  EXPECT_EQ(q.updatesQueued(), 1u);
}

TEST(InputEventQueue, RoomIsBuffersPlusLimit) {
  InputEventQueue q(1);
  q.inject({1, 30, 1}, 1);
  EXPECT_EQ(q.inject(kSyn, 1), InputEventQueue::Commit::Queued);  // 2 <= 1 buffer + 1
  q.inject({1, 30, 0}, 1);
  EXPECT_EQ(q.inject(kSyn, 1), InputEventQueue::Commit::Dropped);  // 4 > 2
  EXPECT_EQ(q.ready(), 2u);
  EXPECT_EQ(q.staged(), 0u);
  EXPECT_EQ(q.updatesDropped(), 1u);
  EXPECT_EQ(q.eventsDropped(), 2u);
  q.clear();
  EXPECT_TRUE(q.empty());
}

TEST(InputScriptParse, FormsAndUnits) {
  auto s = parseInputScript("0 syn\n5ps EV_KEY 30 1;7 key 0x1e -1 # c\n\n 2us Rel 8 -3; 1ms abs 0 100; 1s 4 4 4");
  ASSERT_EQ(s.size(), 6u);
  EXPECT_EQ(s[0].atPs, 0u);
  EXPECT_EQ(s[0].ev, kSyn);
  EXPECT_EQ(s[1].atPs, 5u);
  EXPECT_EQ(s[1].ev, (Event{1, 30, 1}));
  EXPECT_EQ(s[2].atPs, 7000u);
  EXPECT_EQ(s[2].ev, (Event{1, 30, -1}));
  EXPECT_EQ(s[3].atPs, 2'000'000u);
  EXPECT_EQ(s[3].ev, (Event{2, 8, -3}));
  EXPECT_EQ(s[4].atPs, 1'000'000'000u);
  EXPECT_EQ(s[5].atPs, 1'000'000'000'000u);
  EXPECT_EQ(s[5].ev, (Event{4, 4, 4}));
  EXPECT_TRUE(parseInputScript("").empty());
  EXPECT_TRUE(parseInputScript(" # only a comment ;; ").empty());
}

TEST(InputScriptParse, ErrorsNameTheLine) {
  for (const char* bad : {"x syn", "5 key 30", "5 key 30 1 2", "5 bogus 1 1", "5 key 70000 1", "5 key 1 3000000000",
                          "5min syn", "-5 syn", "5 key -1 1"}) {
    try {
      parseInputScript(std::string("0 syn\n") + bad);
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
    }
  }
}

TEST(InputScript, KeepsTimeOrderAndInsertionOrderForEqualTimes) {
  InputScript s;
  s.add({30, {1, 3, 0}});
  s.add({10, {1, 1, 0}});
  s.add({10, {1, 2, 0}});
  s.add({20, {1, 4, 0}});
  EXPECT_EQ(s.nextAtPs(), 10u);
  std::vector<Event> out;
  s.takeDue(9, out);
  EXPECT_TRUE(out.empty());
  s.takeDue(20, out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].code, 1);
  EXPECT_EQ(out[1].code, 2);
  EXPECT_EQ(out[2].code, 4);
  EXPECT_EQ(s.remaining(), 1u);
  s.add({15, {1, 5, 0}});  // in the past: due at once
  out.clear();
  s.takeDue(20, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].code, 5);
  s.takeDue(100, out);
  EXPECT_EQ(s.remaining(), 0u);
  EXPECT_EQ(s.nextAtPs(), UINT64_MAX);
}

}  // namespace
}  // namespace vsim::model

// Host-side event bookkeeping of the input device: updates (event sequences ended by SYN_REPORT) waiting for
// eventq buffers, with the whole-update drop policy; and the timed script (events due at a simulated time).
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "vsim/model/input_abi.h"

namespace vsim::model {

/// Events waiting for eventq buffers. inject() stages events; SYN_REPORT commits the staged update, which is
/// queued whole or dropped whole (never split).
class InputEventQueue {
 public:
  enum class Commit : uint8_t { Staged, Queued, Dropped };

  /// limit: events that may wait beyond the buffers the driver has made available.
  explicit InputEventQueue(uint32_t limit) : limit_(limit) {}

  /// Stage e; on SYN_REPORT commit the update given `buffers` eventq buffers now held for delivery.
  Commit inject(const input::Event& e, size_t buffers);
  bool empty() const { return ready_.empty(); }
  const input::Event& front() const { return ready_.front(); }
  void pop() { ready_.pop_front(); }
  size_t ready() const { return ready_.size(); }
  size_t staged() const { return staged_.size(); }
  /// Forget everything (queued and staged).
  void clear();

  uint64_t updatesQueued() const { return updatesQueued_; }
  uint64_t updatesDropped() const { return updatesDropped_; }
  uint64_t eventsDropped() const { return eventsDropped_; }

 private:
  uint32_t limit_;
  std::deque<input::Event> ready_;
  std::vector<input::Event> staged_;
  bool stagedOverflow_ = false;
  uint64_t updatesQueued_ = 0, updatesDropped_ = 0, eventsDropped_ = 0;
};

/// One scripted event: due at atPs of simulated time.
struct TimedInputEvent {
  uint64_t atPs = 0;
  input::Event ev;
};

/// Parse a script: one event per line (';' also ends a line, '#' starts a comment):
///   <time> <type> <code> <value>     e.g. "2ms EV_KEY 30 1", "2ms key 30 1", "2000000ns 1 0x1e 1"
///   <time> syn                       SYN_REPORT
/// <time> is an unsigned integer with an optional unit ps, ns (default), us, ms, s. Types are numbers or names
/// (SYN, KEY, REL, ABS, MSC, LED, REP, with or without "EV_", any case). Throws std::invalid_argument naming the
/// line on an error.
std::vector<TimedInputEvent> parseInputScript(const std::string& text);

/// Scripted events in time order (equal times keep their order).
class InputScript {
 public:
  void add(const TimedInputEvent& e);
  /// Move every event due at or before nowPs, in order, to out.
  void takeDue(uint64_t nowPs, std::vector<input::Event>& out);
  size_t remaining() const { return events_.size() - next_; }
  /// Time of the next scripted event (UINT64_MAX when none is left).
  uint64_t nextAtPs() const;
  void clear();

 private:
  std::vector<TimedInputEvent> events_;
  size_t next_ = 0;
};

}  // namespace vsim::model

#include "vsim/model/input_events.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace vsim::model {

// ---------------------------------------------------------------------------------------------------------------
// InputEventQueue

InputEventQueue::Commit InputEventQueue::inject(const input::Event& e, size_t buffers) {
  // An update longer than anything the device could ever hold is dropped whole as well.
  if (staged_.size() >= size_t{limit_} + 32768) stagedOverflow_ = true;
  if (!stagedOverflow_) staged_.push_back(e);
  if (!(e.type == input::ev::kSyn && e.code == input::code::kSynReport)) return Commit::Staged;
  const size_t n = staged_.size() + (stagedOverflow_ ? 1 : 0);
  // devicenormative:Device Types / Input Device / Device Operation#1: without room the device may drop events
  // devicenormative:Device Types / Input Device / Device Operation#2: never single events out of an update
  // devicenormative:Device Types / Input Device / Device Operation#3: the entire update is dropped, or held whole
  if (stagedOverflow_ || ready_.size() + n > buffers + limit_) {
    ++updatesDropped_;
    eventsDropped_ += stagedOverflow_ ? staged_.size() : n;
    staged_.clear();
    stagedOverflow_ = false;
    return Commit::Dropped;
  }
  ready_.insert(ready_.end(), staged_.begin(), staged_.end());
  staged_.clear();
  ++updatesQueued_;
  return Commit::Queued;
}

void InputEventQueue::clear() {
  ready_.clear();
  staged_.clear();
  stagedOverflow_ = false;
}

// ---------------------------------------------------------------------------------------------------------------
// Script

namespace {

[[noreturn]] void bad(size_t line, const std::string& what) {
  throw std::invalid_argument("input script line " + std::to_string(line) + ": " + what);
}

uint64_t parseUnsigned(const std::string& s, size_t line, const char* what) {
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(s.c_str(), &end, 0);
  if (s.empty() || s[0] == '-' || errno || !end || *end) bad(line, std::string("bad ") + what + " '" + s + "'");
  return v;
}

uint64_t parseTime(const std::string& s, size_t line) {
  static const std::pair<const char*, uint64_t> kUnits[] = {
      {"ps", 1}, {"ns", 1000}, {"us", 1000'000}, {"ms", 1000'000'000}, {"s", 1000'000'000'000}};
  std::string num = s;
  uint64_t mul = 1000;  // ns when no unit is given
  for (const auto& [u, m] : kUnits) {
    const std::string unit = u;
    if (s.size() > unit.size() && s.compare(s.size() - unit.size(), unit.size(), unit) == 0) {
      num = s.substr(0, s.size() - unit.size());
      mul = m;
      break;
    }
  }
  const uint64_t v = parseUnsigned(num, line, "time");
  if (v > UINT64_MAX / mul) bad(line, "time '" + s + "' is too large");
  return v * mul;
}

uint16_t parseType(std::string s, size_t line) {
  std::string up;
  for (char c : s) up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (up.rfind("EV_", 0) == 0) up = up.substr(3);
  static const std::pair<const char*, uint16_t> kNames[] = {
      {"SYN", input::ev::kSyn}, {"KEY", input::ev::kKey}, {"REL", input::ev::kRel}, {"ABS", input::ev::kAbs},
      {"MSC", input::ev::kMsc}, {"LED", input::ev::kLed}, {"REP", input::ev::kRep}};
  for (const auto& [n, t] : kNames)
    if (up == n) return t;
  const uint64_t v = parseUnsigned(s, line, "event type");
  if (v > 0xffff) bad(line, "event type '" + s + "' does not fit 16 bits");
  return static_cast<uint16_t>(v);
}

int32_t parseValue(const std::string& s, size_t line) {
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 0);
  if (s.empty() || errno || !end || *end || v < INT32_MIN || v > INT32_MAX) bad(line, "bad value '" + s + "'");
  return static_cast<int32_t>(v);
}

}  // namespace

std::vector<TimedInputEvent> parseInputScript(const std::string& text) {
  std::vector<TimedInputEvent> out;
  std::string cur;
  size_t line = 1;
  auto flush = [&] {
    std::string body = cur.substr(0, cur.find('#'));
    cur.clear();
    std::istringstream in(body);
    std::vector<std::string> words;
    for (std::string w; in >> w;) words.push_back(w);
    if (words.empty()) return;
    TimedInputEvent t;
    t.atPs = parseTime(words[0], line);
    std::string second;
    for (char c : words.size() > 1 ? words[1] : std::string())
      second += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (words.size() == 2 && second == "syn") {
      t.ev = input::Event{input::ev::kSyn, input::code::kSynReport, 0};
    } else if (words.size() == 4) {
      t.ev.type = parseType(words[1], line);
      const uint64_t code = parseUnsigned(words[2], line, "event code");
      if (code > 0xffff) bad(line, "event code '" + words[2] + "' does not fit 16 bits");
      t.ev.code = static_cast<uint16_t>(code);
      t.ev.value = parseValue(words[3], line);
    } else {
      bad(line, "expected '<time> <type> <code> <value>' or '<time> syn'");
    }
    out.push_back(t);
  };
  for (char c : text) {
    if (c == '\n' || c == ';') {
      flush();
      if (c == '\n') ++line;
    } else {
      cur += c;
    }
  }
  flush();
  return out;
}

void InputScript::add(const TimedInputEvent& e) {
  // Insert after every event due at the same time or earlier (stable); only the not yet taken part is searched.
  auto pos = std::upper_bound(events_.begin() + static_cast<std::ptrdiff_t>(next_), events_.end(), e.atPs,
                              [](uint64_t t, const TimedInputEvent& x) { return t < x.atPs; });
  events_.insert(pos, e);
}

void InputScript::takeDue(uint64_t nowPs, std::vector<input::Event>& out) {
  while (next_ < events_.size() && events_[next_].atPs <= nowPs) out.push_back(events_[next_++].ev);
  if (next_ == events_.size()) clear();
}

uint64_t InputScript::nextAtPs() const { return next_ < events_.size() ? events_[next_].atPs : UINT64_MAX; }

void InputScript::clear() {
  events_.clear();
  next_ = 0;
}

}  // namespace vsim::model

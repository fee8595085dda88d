#include "vsim/conformance/suite.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "vsim/harness/cpu_hal.h"
#include "vsim/harness/platform_desc.h"

namespace vsim::conformance {

const char* outcomeName(Outcome o) {
  switch (o) {
    case Outcome::Pass: return "pass";
    case Outcome::Fail: return "fail";
    case Outcome::NotSupported: return "not_supported";
    case Outcome::Warning: return "warning";
    case Outcome::HarnessError: return "harness_error";
    case Outcome::Timeout: return "timeout";
    case Outcome::Crash: return "crash";
  }
  return "?";
}

bool parseOutcome(const std::string& s, Outcome* out) {
  for (Outcome o : {Outcome::Pass, Outcome::Fail, Outcome::NotSupported, Outcome::Warning, Outcome::HarnessError,
                    Outcome::Timeout, Outcome::Crash})
    if (s == outcomeName(o)) {
      *out = o;
      return true;
    }
  return false;
}

const char* directionName(Direction d) { return d == Direction::Driver ? "driver" : "device"; }

std::string Config::name() const { return deviceType + "/" + model::transportName(transport) + "/" + personality; }

bool TestInfo::appliesTo(const Config& c) const {
  if (c.personality != "default" && !underPersonalities) return false;
  if (!deviceTypes.empty() && std::find(deviceTypes.begin(), deviceTypes.end(), c.deviceType) == deviceTypes.end())
    return false;
  if (!transports.empty() && std::find(transports.begin(), transports.end(), c.transport) == transports.end())
    return false;
  return true;
}

TestContext::TestContext(const TestInfo& info, const Config& cfg, TestResult& result)
    : info_(info), cfg_(cfg), r_(result) {
  spec_.type = cfg.deviceType;
  spec_.transport = cfg.transport;
  spec_.core.personality = model::Personality::parse(cfg.personality);
  if (cfg.deviceType == "rng") spec_.rng.seed = cfg.seed;
  if (cfg.deviceType == "blk-zoned") {  // the block device with its zoned personality (tests may set more options)
    spec_.type = "blk";
    spec_.options["zoned"] = "host-aware";
    spec_.options["zone_sectors"] = "1024";
  }
}

TestContext::~TestContext() = default;

model::Board& TestContext::board() {
  if (!board_) {
    model::BoardConfig bc;
    bc.devices.push_back(spec_);
    board_ = std::make_unique<model::Board>(bc);
  }
  return *board_;
}

void TestContext::withDriver(const std::function<void(drv::Hal&, ViolationSink&)>& fn) {
  model::Board& b = board();
  harness::CpuHal hal(b.functionalCpu(), harness::toPlatformDesc(b.map()), 1 << 20, 32 << 20);
  fn(hal, driverLog_);
}

const ViolationLog& TestContext::deviceSaw() { return board().violations(); }

bool TestContext::failed() const { return r_.outcome == Outcome::Fail || r_.outcome == Outcome::HarnessError; }

void TestContext::check(bool ok, const std::string& what) {
  if (ok) return;
  if (r_.outcome == Outcome::Pass || r_.outcome == Outcome::Warning) r_.outcome = Outcome::Fail;
  if (r_.message.empty()) r_.message = what;
}

void TestContext::expectClause(const std::string& clause) {
  const auto& log = deviceSaw();
  check(log.has(clause), "expected the device to report " + clause +
                              (log.empty() ? std::string(", it reported nothing") : ", first report: " + toString(log.all().front())));
}

void TestContext::expectOnlyClause(const std::string& clause) {
  expectClause(clause);
  for (const auto& v : deviceSaw().all())
    check(v.clause == clause, "reported a clause besides " + clause + ": " + toString(v));
}

void TestContext::expectNoViolations() {
  for (const auto& v : deviceSaw().all()) check(false, "device saw: " + toString(v));
  for (const auto& v : driverLog_.all()) check(false, "driver saw: " + toString(v));
}

void TestContext::notSupported(const std::string& why) {
  if (r_.outcome == Outcome::Pass) r_.outcome = Outcome::NotSupported;
  if (r_.message.empty()) r_.message = why;
}

void TestContext::harnessError(const std::string& why) {
  r_.outcome = Outcome::HarnessError;
  if (r_.message.empty()) r_.message = why;
}

void TestContext::judgeClauses(const std::vector<std::string>& clauses, const ViolationLog& log) {
  for (const auto& c : clauses) {
    ClauseVerdict v{c, Outcome::Pass, {}};
    for (const auto& x : log.all())
      if (x.clause == c) {
        v.outcome = Outcome::Fail;
        v.evidence = toString(x);
        break;
      }
    r_.verdicts.push_back(v);
  }
}

void TestContext::declareClauses(const std::vector<std::string>& clauses) { r_.clauses = clauses; }

bool globMatch(const std::string& p, const std::string& t) {
  size_t pi = 0, ti = 0, star = std::string::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) {
      ++pi;
      ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

Expectations Expectations::load(const std::string& dir) {
  Expectations e;
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& f : std::filesystem::directory_iterator(dir, ec))
    if (f.path().extension() == ".txt") files.push_back(f.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      std::string reason;
      if (auto h = line.find('#'); h != std::string::npos) {
        reason = line.substr(h + 1);
        line = line.substr(0, h);
      }
      std::istringstream ss(line);
      std::string glob, outcome, extra;
      if (!(ss >> glob)) continue;  // blank or comment line
      const std::string where = f.filename().string() + ":" + std::to_string(n);
      Outcome o;
      if (!(ss >> outcome) || !parseOutcome(outcome, &o) || (ss >> extra))
        throw std::runtime_error(where + ": expected '<test-id-glob>[@<config-glob>] <outcome> # reason'");
      while (!reason.empty() && reason.front() == ' ') reason.erase(reason.begin());
      if (reason.empty()) throw std::runtime_error(where + ": every expectation needs a reason after '#'");
      e.lines_.push_back(Line{glob, reason, where, o});
    }
  }
  return e;
}

Outcome Expectations::expected(const std::string& testId, const std::string& config, std::string* reason) const {
  const std::string key = testId + "@" + config;
  for (const auto& l : lines_) {
    const bool hit = l.glob.find('@') == std::string::npos ? globMatch(l.glob, testId) : globMatch(l.glob, key);
    if (hit) {
      l.used = true;
      if (reason) *reason = l.reason;
      return l.outcome;
    }
  }
  return Outcome::Pass;
}

std::vector<std::string> Expectations::unused() const {
  std::vector<std::string> out;
  for (const auto& l : lines_)
    if (!l.used) out.push_back(l.where + ": " + l.glob);
  return out;
}

}  // namespace vsim::conformance

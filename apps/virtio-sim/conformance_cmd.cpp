// `virtio-sim conformance`: run the clause-indexed suite over the configurations and write the reports.
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "commands.h"
#include "vsim/clauses.h"
#include "vsim/conformance/ratchet.h"
#include "vsim/conformance/runner.h"

namespace vsim::app {

namespace {

void progress(size_t done, size_t total, const conformance::TestResult& r, bool tty) {
  if (!tty) return;
  const int width = 30;
  const int filled = static_cast<int>(width * done / std::max<size_t>(total, 1));
  fmt::print("\r  [{}{}] {:>4}/{:<4} {:<60.60}", std::string(filled, '#'), std::string(width - filled, '.'), done,
             total, r.id);
  if (done == total) fmt::print("\r{:<110}\r", "");
  std::fflush(stdout);
}

}  // namespace

int runConformance(const ConformanceOptions& opt) {
  using namespace conformance;
  RunOptions ro;
  ro.seed = opt.seed;
  ro.filter = opt.filter;
  ro.configs = defaultConfigs(opt.seed);
  if (opt.personalities)
    for (const auto& c : personalityConfigs(opt.seed)) ro.configs.push_back(c);
  if (!opt.deviceTypes.empty() || !opt.transports.empty()) {
    std::vector<Config> keep;
    for (const auto& c : ro.configs) {
      const bool typeOk = opt.deviceTypes.empty() ||
                          std::find(opt.deviceTypes.begin(), opt.deviceTypes.end(), c.deviceType) != opt.deviceTypes.end();
      const bool trOk = opt.transports.empty() || std::find(opt.transports.begin(), opt.transports.end(),
                                                            model::transportName(c.transport)) != opt.transports.end();
      if (typeOk && trOk) keep.push_back(c);
    }
    ro.configs = keep;
  }
  ro.expectationsDir = opt.expectationsDir;
  ro.untestablePath = opt.untestablePath;
  ro.uncoveredReasonsPath = opt.uncoveredReasonsPath;
  const bool tty = isatty(STDOUT_FILENO);
  ro.onResult = [tty](size_t d, size_t t, const TestResult& r) { progress(d, t, r, tty); };
  fmt::print("virtio-sim conformance — virtio spec {} @ {}\n", clauses::specVersion(), clauses::specCommit().substr(0, 12));
  fmt::print("  {} configurations, filter '{}', seed {}\n", ro.configs.size(), ro.filter, ro.seed);
  RunReport rep;
  try {
    rep = runSuite(ro);
  } catch (const std::exception& e) {
    fmt::print(stderr, "virtio-sim conformance: {}\n", e.what());
    return 2;
  }
  std::map<std::string, int> outcomes;
  for (const auto& t : rep.tests) ++outcomes[outcomeName(t.outcome)];
  fmt::print("\nTests: {} run in {:.2f} s —", rep.tests.size(), rep.wallSeconds);
  for (const auto& [o, n] : outcomes) fmt::print(" {} {}", n, o);
  fmt::print("\n");
  if (rep.unexpected) {
    fmt::print("\nUnexpected results:\n");
    for (const auto& t : rep.tests)
      if (t.unexpected())
        fmt::print("  {} @ {}: {} (expected {}) — {}\n", t.id, t.config, outcomeName(t.outcome), outcomeName(t.expected),
                   t.message);
  }
  for (const auto& s : rep.staleExpectations) fmt::print("  stale expectation (matched nothing): {}\n", s);
  fmt::print("\nCoverage of MUST statements (covered / total, passing):\n");
  fmt::print("  {:<26} {:<7} {:>9} {:>8} {:>8}\n", "area", "who", "covered", "passing", "untest.");
  for (const auto& a : rep.coverage)
    if (a.mustTotal)
      fmt::print("  {:<26} {:<7} {:>4}/{:<4} {:>8} {:>8}\n", a.area, a.direction, a.mustCovered, a.mustTotal,
                 a.mustPassing, a.untestable);
  fmt::print("\nMutation score (device-side checks of driver statements proven to fire): {}/{}\n", rep.killedChecks,
             rep.claimedChecks);
  // The ratchet judges complete runs only: a filtered run covers less by design.
  const bool complete = opt.filter == "*" && opt.deviceTypes.empty() && opt.transports.empty() && opt.personalities;
  bool ratchetOk = true;
  if (!opt.ratchetPath.empty()) {
    if (!complete) {
      fmt::print("\nCoverage ratchet: not checked (filtered or partial run)\n");
      if (opt.updateRatchet) {
        fmt::print(stderr, "virtio-sim conformance: --update-ratchet needs a complete run (no filters)\n");
        return 2;
      }
    } else if (opt.updateRatchet) {
      try {
        Ratchet::of(rep).save(opt.ratchetPath);
      } catch (const std::exception& e) {
        fmt::print(stderr, "virtio-sim conformance: {}\n", e.what());
        return 2;
      }
      fmt::print("\nCoverage ratchet: {} rewritten from this run\n", opt.ratchetPath);
    } else {
      RatchetCheck rc;
      try {
        rc = compare(Ratchet::load(opt.ratchetPath), rep);
      } catch (const std::exception& e) {
        fmt::print(stderr, "virtio-sim conformance: {}\n", e.what());
        return 2;
      }
      ratchetOk = rc.ok();
      fmt::print("\nCoverage ratchet ({}): {}\n", opt.ratchetPath, rc.ok() ? "no drop" : "COVERAGE DROPPED");
      for (const auto& d : rc.drops) fmt::print("  drop: {}\n", d);
      for (const auto& d : rc.rises) fmt::print("  rise: {}\n", d);
      if (!rc.rises.empty() && rc.ok()) fmt::print("  (lock the rises in with --update-ratchet)\n");
    }
  }
  if (!opt.reportDir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(opt.reportDir, ec);
    const std::string json = opt.reportDir + "/results.json", junit = opt.reportDir + "/junit.xml";
    try {
      writeJson(rep, json);
      writeJUnit(rep, junit);
    } catch (const std::exception& e) {
      fmt::print(stderr, "virtio-sim conformance: {}\n", e.what());
      return 2;
    }
    fmt::print("\nReports: {}, {}\n", json, junit);
  }
  const bool ok = rep.ok() && ratchetOk;
  fmt::print("\nVerdict: {}\n", ok ? "PASS (every result as expected)"
                                    : !rep.ok() ? "FAIL (unexpected results)" : "FAIL (coverage below the ratchet)");
  return ok ? 0 : 1;
}

}  // namespace vsim::app

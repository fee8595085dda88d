// Running the suite over configurations, judging clauses, and the run report (JSON, JUnit XML).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "vsim/conformance/suite.h"

namespace vsim::conformance {

struct RunOptions {
  std::vector<Config> configs;
  std::string filter = "*";         ///< glob over test IDs
  std::string expectationsDir;      ///< empty = none
  std::string untestablePath;       ///< clause<TAB>reason lines; empty = none
  /// clause<TAB>reason lines for statements not covered yet for a known reason (a feature our models do not
  /// implement yet, ...): they stay "uncovered" with that reason; a listed clause that is covered is stale.
  std::string uncoveredReasonsPath;
  uint64_t seed = 1;
  std::function<void(size_t done, size_t total, const TestResult&)> onResult;
};

/// One clause's status across the run.
struct ClauseStatus {
  std::string clause, section, target, strength, area;
  std::string status;  ///< covered-pass | covered-fail | covered-expected-fail | uncovered | untestable
  std::vector<std::string> tests;  ///< "<test id>@<config>" that cover it
  std::string evidence;            ///< first failing evidence
  std::string reason;              ///< untestable / uncovered reason
  bool claimedCheck = false;       ///< our code claims to check it
  bool killed = false;             ///< device-side claimed check: a mutant made it fire (and only it)
};

struct AreaCoverage {
  std::string area;       ///< "Basic Facilities", "Virtio Over PCI Bus", "Block Device", ...
  std::string direction;  ///< driver | device (who must obey the statements)
  int mustTotal = 0, mustCovered = 0, mustPassing = 0, untestable = 0;
};

struct RunReport {
  std::string specVersion, specCommit, toolVersion, gitSha;
  uint64_t seed = 1;
  std::vector<std::string> configs;
  std::vector<TestResult> tests;
  std::vector<ClauseStatus> clauses;  ///< every MUST/MUST NOT/SHOULD/... statement in scope
  std::vector<AreaCoverage> coverage;
  int claimedChecks = 0, killedChecks = 0;  ///< mutation score (device-side checks of driver statements)
  std::vector<std::string> survivors;      ///< claimed checks with no mutant that fires them
  std::vector<std::string> staleExpectations;
  int unexpected = 0;
  double wallSeconds = 0;
  bool ok() const { return unexpected == 0 && staleExpectations.empty(); }
};

/// Areas in scope (spec chapters/sections), and the one a clause belongs to ("" = out of scope).
std::string areaOf(const std::string& clause);

RunReport runSuite(const RunOptions& opts);
/// The default configuration set: every device type on every transport it supports, default personality.
std::vector<Config> defaultConfigs(uint64_t seed);
/// The same configurations once per device personality (the driver-under-test workload must stay clean).
std::vector<Config> personalityConfigs(uint64_t seed);

void writeJson(const RunReport& r, const std::string& path);
void writeJUnit(const RunReport& r, const std::string& path);

}  // namespace vsim::conformance

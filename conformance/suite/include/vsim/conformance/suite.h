// The conformance suite: clause-indexed tests in both directions, their registry, context, outcomes and results.
//
// Direction ("target" in the spec's conformance chapter):
//  - Driver: a driver is under test; the strict device model checks every driver-normative statement it can see.
//  - Device: a device is under test; the suite drives it (correctly and hostilely) and checks device-normative ones.
// Test IDs are dotted and glob-able: virtio.<target>.<transport|core>.<area>.<case>.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vsim/model/board.h"
#include "vsim/violation.h"

namespace vsim::drv {
class Hal;
}

namespace vsim::conformance {

/// The closed set of outcomes (dEQP-like).
enum class Outcome : uint8_t { Pass, Fail, NotSupported, Warning, HarnessError, Timeout, Crash };
const char* outcomeName(Outcome o);
bool parseOutcome(const std::string& s, Outcome* out);
/// pass, not_supported and warning count as conforming.
inline bool conforming(Outcome o) { return o == Outcome::Pass || o == Outcome::NotSupported || o == Outcome::Warning; }

enum class Direction : uint8_t { Driver, Device };
const char* directionName(Direction d);

/// One point of the configuration space: device type on a transport, device personality, seed.
struct Config {
  std::string deviceType = "rng";
  model::TransportKind transport = model::TransportKind::PciModern;
  std::string personality = "default";
  uint64_t seed = 1;
  std::string name() const;  ///< "rng/pci-modern/default"
};

struct TestResult;
class TestContext;

struct TestInfo {
  std::string id;                     ///< virtio.<target>.<transport|core>.<area>.<case>
  Direction target = Direction::Device;
  std::vector<std::string> clauses;   ///< first = primary clause
  std::string kind = "positive";      ///< positive | negative (a fault injected by the harness)
  std::vector<std::string> requiresFeatures;  ///< feature names the test needs negotiated (controlled vocabulary)
  std::vector<std::string> deviceTypes;                ///< empty = any
  std::vector<model::TransportKind> transports;        ///< empty = any
  std::string description;
  /// Also run under non-default device personalities (the built-in driver's workloads); others run only under the
  /// default personality.
  bool underPersonalities = false;
  std::function<void(TestContext&)> run;
  bool appliesTo(const Config& c) const;
};

/// Per-clause verdict inside one test result.
struct ClauseVerdict {
  std::string clause;
  Outcome outcome = Outcome::Pass;
  std::string evidence;  ///< the violation, rendered, when it failed
};

struct TestResult {
  std::string id, config;
  Direction target = Direction::Device;
  std::string kind;
  Outcome outcome = Outcome::Pass;
  Outcome expected = Outcome::Pass;
  std::string expectationReason;
  std::vector<std::string> clauses;
  std::vector<ClauseVerdict> verdicts;
  std::string message;
  std::vector<std::string> evidence;  ///< violations seen, rendered with their clause, values and time
  double durationMs = 0;
  bool unexpected() const { return outcome != expected && !(conforming(outcome) && conforming(expected)); }
};

/// What a test body works with: the configuration, a board built from it, our driver stack, and the assertion
/// verbs. Every verb records; none throws out of the test (an exception from the body is a harness error).
class TestContext {
 public:
  TestContext(const TestInfo& info, const Config& cfg, TestResult& result);
  ~TestContext();
  const Config& config() const { return cfg_; }
  const TestInfo& info() const { return info_; }

  /// The board with the configuration's device on its transport (built on first use; options may be set before).
  model::Board& board();
  model::DeviceSpec& spec() { return spec_; }
  /// Run fn with our driver stack's HAL on the board's functional CPU; driver-side violations go to driverSaw().
  void withDriver(const std::function<void(drv::Hal&, ViolationSink&)>& fn);
  const ViolationLog& driverSaw() const { return driverLog_; }
  const ViolationLog& deviceSaw();

  /// @name Verbs
  /// @{
  void check(bool ok, const std::string& what);             ///< fail with `what` when !ok
  void expectClause(const std::string& clause);            ///< the device reported this clause
  void expectOnlyClause(const std::string& clause);        ///< ... and no other
  void expectNoViolations();                                ///< neither side reported anything
  void notSupported(const std::string& why);               ///< the configuration cannot run this test
  void harnessError(const std::string& why);
  /// Per-clause verdicts for a positive run: each clause passes unless a violation of it was reported.
  void judgeClauses(const std::vector<std::string>& clauses, const ViolationLog& log);
  /// Narrow the clauses this result covers to those that apply to the configuration (a test whose TestInfo lists
  /// the union over device types declares the part its configuration exercised).
  void declareClauses(const std::vector<std::string>& clauses);
  /// @}
  bool failed() const;

 private:
  const TestInfo& info_;
  Config cfg_;
  TestResult& r_;
  model::DeviceSpec spec_;
  std::unique_ptr<model::Board> board_;
  ViolationLog driverLog_;
};

/// All registered tests, in registration order.
const std::vector<TestInfo>& allTests();

/// Expected outcomes kept outside the tests: `<glob> <outcome> [# reason]` lines, glob over "<test id>@<config>".
class Expectations {
 public:
  /// Load every *.txt in dir; throws std::runtime_error naming the file and line on a malformed line.
  static Expectations load(const std::string& dir);
  /// The expected outcome for a test in a configuration (Pass when no line matches) and the reason.
  Outcome expected(const std::string& testId, const std::string& config, std::string* reason) const;
  /// Lines that matched nothing in a run (stale expectations fail the run).
  std::vector<std::string> unused() const;

 private:
  struct Line {
    std::string glob, reason, where;
    Outcome outcome;
    mutable bool used = false;
  };
  std::vector<Line> lines_;
};

bool globMatch(const std::string& pattern, const std::string& text);

}  // namespace vsim::conformance

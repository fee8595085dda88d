// A broken normative statement, recorded as data: which clause, what was seen, where.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace vsim {

/// One named value that shows why a violation was reported ("next" = 70, "size" = 64).
struct Evidence {
  std::string name;
  uint64_t value = 0;
};

/// Which side broke the statement: a driver (seen by the device model) or a device (seen by the driver stack).
enum class Culprit : uint8_t { Driver, Device };

struct Violation {
  std::string clause;   ///< catalogue ID "<drivernormative|devicenormative>:<label>#<n>"
  std::string kind;     ///< stable short name of the check, e.g. "split.next_out_of_range"
  std::string message;  ///< one line for people
  Culprit culprit = Culprit::Driver;
  int queue = -1;       ///< virtqueue index, -1 when not queue-specific
  std::string device;   ///< which device instance saw it ("rng0"); empty when not known
  std::vector<Evidence> evidence;
  uint64_t seq = 0;     ///< order of reporting within its sink (trace position)
};

/// Where checks report. Implementations must not throw.
class ViolationSink {
 public:
  virtual ~ViolationSink() = default;
  virtual void report(Violation v) = 0;
};

/// Keeps every violation in order; the usual sink for tests, the conformance suite and Python.
class ViolationLog final : public ViolationSink {
 public:
  void report(Violation v) override;
  const std::vector<Violation>& all() const { return items_; }
  size_t count(const std::string& clause) const;
  bool has(const std::string& clause) const { return count(clause) > 0; }
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  void clear() { items_.clear(); }
  /// Optional: also called for each violation as it is reported (tracing, live printing).
  std::function<void(const Violation&)> onReport;

 private:
  std::vector<Violation> items_;
  uint64_t seq_ = 0;
};

/// Render a violation as one line: "[clause] kind: message (name=value, ...)".
std::string toString(const Violation& v);

}  // namespace vsim

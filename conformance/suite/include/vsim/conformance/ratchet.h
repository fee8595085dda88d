// The coverage ratchet: per area and direction, a floor for the count of MUST statements covered, and one for the
// number of claimed checks proven by a mutant. The floor is a committed file (conformance/coverage-ratchet.tsv);
// a complete run compares against it, and `virtio-sim conformance --update-ratchet` raises it.
#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "vsim/conformance/runner.h"

namespace vsim::conformance {

struct Ratchet {
  std::map<std::pair<std::string, std::string>, int> mustCovered;  ///< (area, direction) -> floor
  int killedChecks = 0;                                            ///< mutation score numerator floor

  /// Parse `area<TAB>direction<TAB>covered` lines and one `mutation<TAB>killed<TAB>N` line ('#' comments).
  /// Throws std::runtime_error naming the file and line on a malformed line.
  static Ratchet load(const std::string& path);
  static Ratchet of(const RunReport& r);
  void save(const std::string& path) const;
};

struct RatchetCheck {
  std::vector<std::string> drops;  ///< "Block Device/driver: 12 covered < floor 14"
  std::vector<std::string> rises;  ///< the same for values above the floor (lock them in with --update-ratchet)
  bool ok() const { return drops.empty(); }
};

RatchetCheck compare(const Ratchet& floor, const RunReport& r);

}  // namespace vsim::conformance

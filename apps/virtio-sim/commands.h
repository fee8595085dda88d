// Subcommands of the virtio-sim command-line tool.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace vsim::app {

struct RingCheckOptions {
  bool quick = false;      ///< fewer requests per configuration
  uint64_t seed = 1;
  bool verbose = false;
};

struct ConformanceOptions {
  std::string reportDir = "reports";
  std::string filter = "*";
  uint64_t seed = 1;
  std::vector<std::string> deviceTypes, transports;
  std::string expectationsDir;
  std::string untestablePath;
  std::string uncoveredReasonsPath;  ///< known reasons for clauses not covered yet
  bool personalities = true;  ///< also run the built-in driver's workloads under every device personality
  std::string ratchetPath;     ///< committed coverage floor; checked on complete runs only
  bool updateRatchet = false;  ///< rewrite ratchetPath from this (complete) run
};

/// One platform with all five device types on PCI and MMIO, real I/O through our driver stack, a summary.
int runDemo();

/// Run the conformance suite and write results.json and junit.xml into reportDir.
int runConformance(const ConformanceOptions& opt);

/// Push requests through split and packed rings in every mode, then feed hostile rings to the device and show
/// the clause each one breaks. Returns the process exit code (0 = every check held).
int runRingCheck(const RingCheckOptions& opt);

}  // namespace vsim::app

// Subcommands of the virtio-sim command-line tool.
#pragma once
#include <cstdint>

namespace vsim::app {

struct RingCheckOptions {
  bool quick = false;      ///< fewer requests per configuration
  uint64_t seed = 1;
  bool verbose = false;
};

/// Push requests through split and packed rings in every mode, then feed hostile rings to the device and show
/// the clause each one breaks. Returns the process exit code (0 = every check held).
int runRingCheck(const RingCheckOptions& opt);

}  // namespace vsim::app

// Entropy: two reads of VSIM_RNG_BYTES (default 65536) through RngDriver (4 KiB per request, so the ring wraps on
// QEMU's 8-entry PCI queue); both complete, are not all zero, differ.
#include <algorithm>

#include "vsim/drv/rng_driver.h"
#include "workload.h"

namespace vsim::guest {

void rngWorkload(WorkloadEnv& env, const drv::DiscoveredDevice& d, WorkloadRun& run) {
  auto rng = drv::RngDriver::open(env.hal, d, env.opts, env.sink);
  if (!rng) {
    run.check("open", false, "RngDriver::open returned nothing");
    return;
  }
  run.noteDevice(rng->device());
  run.check("open", rng->ok(), rng->device().failure());
  if (!rng->ok()) return;
  const size_t bytes = envNumber("VSIM_RNG_BYTES", 65536);
  std::vector<uint8_t> a(bytes), b(bytes);
  const size_t gotA = rng->read(a.data(), a.size(), 2'000'000'000);
  const size_t gotB = rng->read(b.data(), b.size(), 2'000'000'000);
  run.check("read_complete", gotA == bytes && gotB == bytes,
            "got " + std::to_string(gotA) + " + " + std::to_string(gotB) + " of 2 x " + std::to_string(bytes));
  const bool nonZero = std::any_of(a.begin(), a.end(), [](uint8_t x) { return x != 0; });
  run.check("bytes_not_all_zero", nonZero);
  run.check("reads_differ", a != b);
  run.fact("requests", std::to_string(rng->requests()));
  rng->device().shutdown();
}

}  // namespace vsim::guest

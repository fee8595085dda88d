// What every device workload of the guest runner gets and gives back.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "vsim/drv/device.h"
#include "vsim/drv/discover.h"
#include "vsim/violation.h"

namespace vsim::guest {

/// KEY=value settings from the kernel command line (busybox /init hands unknown words to its children as env vars).
std::string envString(const char* key, const std::string& fallback = "");
uint64_t envNumber(const char* key, uint64_t fallback);

/// One functional check of a workload (the device did what the driver asked), with what was seen.
struct Check {
  std::string name;
  bool ok = false;
  std::string detail;
};

struct WorkloadRun {
  std::vector<Check> checks;
  bool live = false;    ///< the device reached DRIVER_OK
  std::string failure;  ///< why not (drv::Device::failure())
  uint64_t offered = 0, negotiated = 0;
  std::vector<std::pair<std::string, std::string>> facts;  ///< name/value pairs worth reporting (config values, ids)

  void check(const std::string& name, bool ok, const std::string& detail = "") { checks.push_back({name, ok, detail}); }
  void fact(const std::string& name, const std::string& value) { facts.emplace_back(name, value); }
  /// Record state and features of a device after open().
  void noteDevice(drv::Device& d);
};

struct WorkloadEnv {
  drv::Hal& hal;
  ViolationSink& sink;
  drv::DriverOptions opts;  ///< interrupts polled (INTx mode, HAL without interrupts), forceLegacy per transport
  std::string transport;    ///< the combination's name ("pci-modern", "mmio-v1", ...), for tags written to the host
};

using WorkloadFn = void (*)(WorkloadEnv& env, const drv::DiscoveredDevice& d, WorkloadRun& run);

void rngWorkload(WorkloadEnv& env, const drv::DiscoveredDevice& d, WorkloadRun& run);
void blkWorkload(WorkloadEnv& env, const drv::DiscoveredDevice& d, WorkloadRun& run);
void netWorkload(WorkloadEnv& env, const drv::DiscoveredDevice& d, WorkloadRun& run);
void consoleWorkload(WorkloadEnv& env, const drv::DiscoveredDevice& d, WorkloadRun& run);
void inputWorkload(WorkloadEnv& env, const drv::DiscoveredDevice& d, WorkloadRun& run);

/// A string as "'text' (N bytes, last 0xNN)": makes stray terminators visible in the evidence.
std::string describeBytes(const std::string& s);

/// Print one line on the console (stdout, flushed): "<prefix> <text>".
void emit(const char* prefix, const std::string& text);

}  // namespace vsim::guest

// ScSimulation: the SystemC/TLM-2.0 shell around an assembled board. Plain C++ header (SystemC stays inside the
// implementation), so users of the platform do not compile SystemC headers.
//
// Modules: a CPU (TLM initiator, an SC_THREAD running the workload with a quantum keeper), a router (TLM target:
// guest RAM through DMI, device registers through the board with latency annotation), guest RAM (TLM target with
// DMI), and in timed mode one processing thread per device.
//  - Fast mode: temporal decoupling. The CPU never waits during a workload except to catch up with a pending
//    interrupt's time; devices process inside the notification write; no context switch per request.
//  - Timed mode: the CPU synchronises after every access, devices process request by request and wait each
//    request's cost, interrupts arrive after irq_latency_ns.
// Both modes use the same TimingModel and give the same functional results. SystemC elaborates once per process:
// a second ScSimulation in the same process throws std::logic_error.
#pragma once
#include <functional>
#include <memory>

#include "vsim/model/board_backend.h"
#include "vsim/model/cpu_port.h"

namespace vsim::model {

enum class SimMode { Fast, Timed };
const char* simModeName(SimMode m);

class ScSimulation {
 public:
  ScSimulation(BoardBackend& board, SimMode mode);
  ~ScSimulation();
  ScSimulation(const ScSimulation&) = delete;
  ScSimulation& operator=(const ScSimulation&) = delete;

  /// Run `workload` on the simulated CPU and simulate until it returns (and devices are idle). May be called
  /// several times; simulated time accumulates.
  void run(const std::function<void(CpuPort&)>& workload);
  /// Simulated time (ps) reached so far: the CPU's local time in fast mode, the kernel's in timed mode.
  uint64_t nowPs() const;
  SimMode mode() const;
  /// Number of SystemC context switches into the CPU thread (a cost indicator for benchmarks).
  uint64_t cpuWaits() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vsim::model

// The simulation object behind `virtio_sim.Simulation`: a model::Board (its functional CPU, or the SystemC shell in
// fast or timed mode), our driver stack on a HAL that follows whichever CPU is running, and what Python observes.
// Plain C++ (no pybind11 here): the bindings live in module.cpp. Every parameter table comes from the C++ side
// (TimingParams::info(), deviceTypes(), model/board's layout/pci/mmio tables, drv::driverOptionTable()).
//
// SystemC rule: in the fast and timed modes every CPU access runs inside ScSimulation::run() (the CPU is an
// SC_THREAD), so every operation that touches the board goes through exec(); exceptions are caught inside the
// thread and rethrown outside it. SystemC elaborates once per process: a second fast/timed Simulation in one process
// is reported as a SimError that says what to do instead.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "vsim/drv/discover.h"
#include "vsim/drv/driver_option_table.h"
#include "vsim/drv/hal.h"
#include "vsim/drv/raw_ring.h"
#include "vsim/drv/rng_driver.h"
#include "vsim/model/board.h"
#include "vsim/model/board_params.h"
#include "vsim/model/sc_simulation.h"
#include "vsim/violation.h"

namespace vsim::pysim {

/// Misuse or a simulation-level failure (Python: virtio_sim.SimulationError).
struct SimError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
/// Use of a simulation after close() (Python: virtio_sim.ClosedError, a SimulationError).
struct ClosedError : SimError {
  using SimError::SimError;
};
/// Bad parameter name or value (Python: virtio_sim.ParameterError, a ValueError).
struct ParamError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};
/// Not available (yet) for this device type / mode (Python: NotImplementedError).
struct Unsupported : std::logic_error {
  using std::logic_error::logic_error;
};

enum class Mode : uint8_t { Functional, Fast, Timed };
Mode parseMode(const std::string& s);
const char* modeName(Mode m);

/// Set `key` of a C++ parameter table from text; the table's std::invalid_argument becomes a ParamError.
template <class S>
void applyParam(const ParamTable<S>& table, S& target, const std::string& key, const std::string& value) {
  try {
    table.set(target, key, value);
  } catch (const std::invalid_argument& e) {
    throw ParamError(e.what());
  }
}

struct DeviceConfig {
  std::string type = "rng";
  std::string transport = "pci-modern";
  std::string name;
  std::string personality = "default";
  std::map<std::string, std::string> options;           ///< the type's options (deviceTypes()[type].options)
  std::map<std::string, std::string> transportOptions;  ///< model::pciParameters() or model::mmioParameters()
  std::optional<uint64_t> ringFeatures;                  ///< transport/ring bits offered (default: the core's)
  bool refuseInvalidFeatures = true;
  std::map<std::string, std::string> coreOptions;       ///< model::coreParameters() (applied last)
};

struct SimConfig {
  std::vector<DeviceConfig> devices;
  std::map<std::string, double> timing;
  std::map<std::string, std::string> layout;
  uint64_t seed = 1;
  Mode mode = Mode::Functional;
  bool manual = false;  ///< functional only: devices process only when step()/process() says so
  std::string tracePath, vcdPath;
};

class FollowHal;

/// Everything one Python Simulation owns. Handles held by Python (drivers, transports, rings) keep a shared_ptr to
/// it and call check() first, so a closed simulation gives ClosedError instead of touching freed memory.
class Sim {
 public:
  explicit Sim(const SimConfig& cfg);
  ~Sim();
  Sim(const Sim&) = delete;
  Sim& operator=(const Sim&) = delete;

  void close();
  bool closed() const { return closed_; }
  void check() const;
  Mode mode() const { return mode_; }
  const SimConfig& config() const { return cfg_; }
  model::Board& board() {
    check();
    return *board_;
  }
  drv::Hal& hal();
  ViolationLog& driverLog() { return driverLog_; }

  /// Run f on the simulated CPU (inside ScSimulation::run in the SystemC modes).
  void exec(const std::function<void(model::CpuPort&)>& f);

  /// @name CPU and time
  /// @{
  uint64_t read(model::Space s, uint64_t addr, unsigned width);
  void write(model::Space s, uint64_t addr, uint64_t value, unsigned width);
  uint64_t nowPs();
  /// Let ns of simulated time pass (devices with time-based work are pumped at the end).
  void run(uint64_t ns);
  bool waitForInterrupt(uint64_t timeoutNs);
  /// Manual processing: handle one chain of the first device/queue with pending work; false when idle.
  bool step();
  /// Manual processing: step() until idle; the number of chains handled.
  size_t processAll();
  uint64_t interruptLines();
  std::vector<uint32_t> popMsi();
  /// @}

  /// @name Guest memory and the DMA allocator our drivers and Python share
  /// @{
  std::vector<uint8_t> readMem(uint64_t gpa, uint64_t len);
  void writeMem(uint64_t gpa, const std::vector<uint8_t>& data);
  uint64_t alloc(uint64_t len, uint64_t align);
  uint64_t dmaBase() const { return dmaBase_; }
  uint64_t dmaSize() const { return dmaSize_; }
  /// @}

  /// @name Our driver stack
  /// @{
  const std::vector<drv::DiscoveredDevice>& discover(bool again);
  const drv::DiscoveredDevice& found(size_t i);
  /// Index (into discover()) of the discovered device that is board device `boardIndex`.
  size_t foundIndexOf(size_t boardIndex);
  drv::Device* open(size_t foundIndex, const drv::DriverOptions& opts, bool rng);
  drv::RngDriver* rngOf(drv::Device* d);
  drv::Transport* transport(size_t foundIndex, bool forceLegacy);
  /// Keep a typed driver (BlkDriver, NetDriver, ...) alive as long as the simulation; released by close().
  template <class T>
  T* keep(std::unique_ptr<T> p) {
    check();
    T* raw = p.get();
    owned_.push_back(std::shared_ptr<void>(std::move(p)));
    return raw;
  }
  /// @}

  /// @name Faults (host side)
  /// @{
  void injectReset(size_t dev);
  void injectConfigChange(size_t dev);
  void injectNeedsReset(size_t dev);
  /// The next `count` DMA accesses of device `dev` that touch [gpa, gpa+len) fail (model::Board::injectDmaFault;
  /// GuestMemory::kFaultUntilCleared: until clearDmaErrors). ParamError for an empty or wrapping window.
  void injectDmaError(size_t dev, uint64_t gpa, uint64_t len, uint32_t count);
  void clearDmaErrors(size_t dev);
  /// A guest-physical address range of len bytes that no DMA can reach (outside RAM and every window).
  uint64_t unreachableAddress(uint64_t len) const;
  /// @}

  /// Flush the trace file so that Python can read it while the simulation runs.
  void flushTrace();

 private:
  void pumpDevices();
  /// Timed mode: a device still has notified work or has not reached the end of its last request.
  bool devicesBusy();
  SimConfig cfg_;
  Mode mode_;
  bool closed_ = false;
  std::unique_ptr<model::Board> board_;
  std::unique_ptr<model::ScSimulation> sc_;
  model::FunctionalCpu* fcpu_ = nullptr;  ///< the board's CPU (functional mode)
  std::unique_ptr<FollowHal> hal_;
  uint64_t dmaBase_ = 0, dmaSize_ = 0;
  ViolationLog driverLog_;
  bool discovered_ = false;
  std::vector<drv::DiscoveredDevice> found_;
  std::vector<std::unique_ptr<drv::Device>> devices_;
  std::vector<std::unique_ptr<drv::RngDriver>> rngs_;
  std::vector<std::unique_ptr<drv::Transport>> transports_;
  std::vector<std::shared_ptr<void>> owned_;  ///< typed drivers
  bool inExec_ = false;
};

/// SystemC glue (sc_glue.cpp): let ps of simulated time pass on the calling SC_THREAD.
void scWaitPs(uint64_t ps);
/// SystemC glue: outside the threads, run the kernel while busy() and there is activity, at most maxPs further.
void scSettle(const std::function<bool()>& busy, uint64_t maxPs);

}  // namespace vsim::pysim

// Board: a complete functional machine assembled from a description — platform (RAM, bus, PCI host bridge,
// interrupt controller), devices on their transports, per-device timers, and the trace. Plain C++.
// It is the BoardBackend of the SystemC shell, and offers its own CpuPort (functionalCpu()) for runs without
// SystemC: same decoding, same cost model, same results as the fast SystemC mode.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vsim/model/board_backend.h"
#include "vsim/model/cpu_port.h"
#include "vsim/model/device_registry.h"
#include "vsim/model/functional_cpu.h"
#include "vsim/model/platform.h"
#include "vsim/model/rng_device.h"
#include "vsim/model/timing_params.h"
#include "vsim/model/trace.h"
#include "vsim/model/virtio_mmio.h"
#include "vsim/model/virtio_pci.h"
#include "vsim/violation.h"

namespace vsim::model {

enum class TransportKind : uint8_t { PciModern, PciLegacy, PciTransitional, MmioV2, MmioV1 };
const char* transportName(TransportKind t);
/// Parse "pci-modern", "pci-legacy", "pci-transitional", "mmio", "mmio-v2", "mmio-v1"; false if unknown.
bool parseTransport(const std::string& s, TransportKind* out);

struct DeviceSpec {
  std::string type = "rng";  ///< device type: a name from deviceTypes() ("rng", "blk", "net", "console", "input")
  TransportKind transport = TransportKind::PciModern;
  std::string name;          ///< instance name; default "<type><n>"
  DeviceOptions options;     ///< the type's options (key=value); see deviceTypes()[type].options
  RngParams rng;             ///< rng only: starting parameters in C++ (options override them)
  VirtioPciParams pci;
  VirtioMmioParams mmio;
  CoreOptions core;
};

struct BoardConfig {
  PlatformLayout layout;
  TimingParams timing;
  std::vector<DeviceSpec> devices;
  std::string tracePath;  ///< JSON-lines transaction trace; empty = none
  std::string vcdPath;    ///< VCD of interrupt lines and queue occupancy; empty = none
};

class Board final : public BoardBackend, private BusObserver, private BoardContext {
 public:
  /// Throws std::invalid_argument with a clear message on a bad configuration (unknown device type, no free slot,
  /// trace file that cannot be opened, inconsistent layout).
  explicit Board(const BoardConfig& cfg);
  ~Board() override;
  Board(const Board&) = delete;
  Board& operator=(const Board&) = delete;

  Platform& platform() { return platform_; }
  PlatformMap map() const { return platform_.map(); }
  ViolationLog& violations() { return log_; }
  const BoardConfig& config() const { return cfg_; }
  /// Guest RAM below this address is free for the driver (rings, buffers); the board uses none of it.
  uint64_t dmaBase() const { return platform_.layout().ramBase; }
  uint64_t dmaSize() const { return platform_.layout().ramSize; }

  struct Device;
  Device& device(size_t i) { return *devices_.at(i); }
  /// The device type's logic object (cast to RngDevice, BlkDevice, ... for host-side APIs).
  DeviceLogic& logic(size_t i);
  /// Index of the device with this instance name, or -1.
  int find(const std::string& name) const;
  const std::string& deviceName(size_t i) const;
  TransportKind deviceTransport(size_t i) const;
  /// The CPU as a plain C++ object (no SystemC): accesses cost their latency on the board clock.
  FunctionalCpu& functionalCpu();

  /// @name DMA faults: host-side fault injection on one device's DMA path (the CPU's view of RAM is not affected)
  /// @{
  /// The next `count` DMA accesses (and reachability checks) of device i that touch [gpa, gpa+len) fail as if the
  /// memory were not there (GuestMemory::kFaultUntilCleared: all of them until clearDmaFaults()). A device whose
  /// DMA failed enters DEVICE_NEEDS_RESET; each failure is traced ("dma_fault") and logged. False when the window
  /// is empty, wraps or count is 0.
  bool injectDmaFault(size_t i, uint64_t gpa, uint64_t len, uint32_t count = 1);
  /// Disarm device i's windows.
  void clearDmaFaults(size_t i);
  /// Device i's DMA path: its own view of guest RAM, with the armed windows and the failure count.
  const GuestMemory& deviceMemory(size_t i) const;
  /// The accesses a window failed for device i, oldest first (the first kMaxDmaFaultLog are kept).
  const std::vector<DmaFaultHit>& dmaFaultLog(size_t i) const;
  static constexpr size_t kMaxDmaFaultLog = 4096;
  /// @}
  /// Write the VCD (if configured) and flush the trace. Also done by the destructor.
  void finish();

  // BoardBackend
  OwnedGuestMemory& ram() override { return platform_.ram(); }
  bool access(Space space, uint64_t addr, void* data, unsigned len, bool write) override;
  AccessKind accessKind(Space space, uint64_t addr, bool write) override;
  SimClock& clock() override { return clock_; }
  const TimingModel& timing() const override { return timing_; }
  uint64_t lineLevels() override { return platform_.intc().levels(); }
  bool popMsi(uint32_t* data) override { return platform_.intc().popMsi(data); }
  bool irqPending() override { return platform_.intc().pending(); }
  void setIrqCallback(std::function<void()> cb) override;
  size_t numDevices() const override { return devices_.size(); }
  DeviceCore& core(size_t i) override;
  DeviceTimer& timer(size_t i) override;
  void setManualProcessing(bool manual) override;
  void pollDevices() override;

 private:
  void onAccess(Space space, uint64_t addr, unsigned len, uint64_t value, bool write, const std::string& targetName,
                const std::string& regName) override;
  void buildDevice(const DeviceSpec& spec, size_t index);
  void onDmaFault(Device& d, const DmaFaultHit& hit);
  // BoardContext
  std::shared_ptr<void> shared(const std::string& key, const std::function<std::shared_ptr<void>()>& make) override;
  uint64_t nowPs() const override { return clock_.nowPs; }
  std::map<std::string, std::shared_ptr<void>> shared_;
  void sampleWaves();

  BoardConfig cfg_;
  TimingModel timing_;
  SimClock clock_;
  Platform platform_;
  ViolationLog log_;
  TraceWriter trace_;
  VcdWriter vcd_;
  std::vector<std::unique_ptr<Device>> devices_;
  std::unique_ptr<FunctionalCpu> fcpu_;
  std::function<void()> irqCb_;
  uint64_t lastLevels_ = 0;
  std::vector<int> lineSignals_;
  bool finished_ = false;
};

}  // namespace vsim::model

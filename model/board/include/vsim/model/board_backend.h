// BoardBackend: what the SystemC shell needs from an assembled board (plain C++ side): guest RAM, decoding of CPU
// accesses to devices, the interrupt state, the shared clock and the devices' timers.
#pragma once
#include <cstdint>
#include <functional>

#include "vsim/guest_memory.h"
#include "vsim/model/bus_target.h"
#include "vsim/model/device_core.h"
#include "vsim/model/device_timer.h"
#include "vsim/model/timing_params.h"

namespace vsim::model {

class BoardBackend {
 public:
  virtual ~BoardBackend() = default;
  virtual OwnedGuestMemory& ram() = 0;
  /// A CPU access that is not guest RAM: routed to the device register files. False = decode error.
  virtual bool access(Space space, uint64_t addr, void* data, unsigned len, bool write) = 0;
  /// How much such an access costs (which kind of register it reaches).
  virtual AccessKind accessKind(Space space, uint64_t addr, bool write) = 0;
  virtual SimClock& clock() = 0;
  virtual const TimingModel& timing() const = 0;
  /// Interrupt state: levels, MSI queue, and a callback when anything arrives.
  virtual uint64_t lineLevels() = 0;
  virtual bool popMsi(uint32_t* data) = 0;
  virtual bool irqPending() = 0;
  virtual void setIrqCallback(std::function<void()> cb) = 0;
  /// Devices, for the timed shell's per-device processing threads.
  virtual size_t numDevices() const = 0;
  virtual DeviceCore& core(size_t i) = 0;
  virtual DeviceTimer& timer(size_t i) = 0;
  /// Called by the shell in timed mode: devices process request by request, driven by the shell.
  virtual void setManualProcessing(bool manual) = 0;
  /// The CPU is waiting for an interrupt: give every device's host-side backends a chance to make progress.
  virtual void pollDevices() = 0;
};

}  // namespace vsim::model

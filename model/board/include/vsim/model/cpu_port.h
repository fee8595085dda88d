// CpuPort: what software running on the simulated CPU sees — register accesses, interrupts, time and guest RAM.
// The driver stack's HAL is implemented on top of it (above model/ and driver/). Plain C++: no SystemC here.
#pragma once
#include <cstdint>

#include "vsim/guest_memory.h"
#include "vsim/model/bus_target.h"

namespace vsim::model {

class CpuPort {
 public:
  virtual ~CpuPort() = default;
  /// Register access (1, 2, 4, 8 bytes). Unclaimed reads return all-ones.
  virtual uint64_t read(Space space, uint64_t addr, unsigned len) = 0;
  virtual void write(Space space, uint64_t addr, uint64_t value, unsigned len) = 0;
  /// Guest RAM as the CPU sees it (direct access; costs ram_access_ns per call of touchRam()).
  virtual GuestMemory& ram() = 0;
  /// Interrupt lines asserted now (bit i = line i); one MSI data word, if any arrived.
  virtual uint64_t lineLevels() = 0;
  virtual bool popMsi(uint32_t* data) = 0;
  /// Let simulated time pass until an interrupt is pending or timeoutNs elapsed; false on timeout.
  virtual bool waitForInterrupt(uint64_t timeoutNs) = 0;
  /// The CPU's simulated time in ns (ps for exactness).
  virtual uint64_t nowPs() = 0;
  uint64_t nowNs() { return nowPs() / 1000; }
};

}  // namespace vsim::model

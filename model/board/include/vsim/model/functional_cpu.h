// FunctionalCpu: the board's CPU without SystemC. Every register access costs its latency on the board clock;
// waiting for an interrupt moves the clock to when the interrupt reaches the CPU (the same rule as the SystemC fast
// mode); advance() lets time pass without looking at interrupts (a scenario's "run for t").
#pragma once
#include <cstdint>

#include "vsim/model/board_backend.h"
#include "vsim/model/cpu_port.h"

namespace vsim::model {

class FunctionalCpu final : public CpuPort {
 public:
  explicit FunctionalCpu(BoardBackend& board) : b_(board) {}

  uint64_t read(Space space, uint64_t addr, unsigned len) override;
  void write(Space space, uint64_t addr, uint64_t value, unsigned len) override;
  GuestMemory& ram() override { return b_.ram(); }
  uint64_t lineLevels() override { return b_.lineLevels(); }
  bool popMsi(uint32_t* data) override { return b_.popMsi(data); }
  /// Polls the devices' backends first when nothing is pending (host-side input may cause the interrupt).
  bool waitForInterrupt(uint64_t timeoutNs) override;
  uint64_t nowPs() override { return nowPs_; }

  /// Let ps picoseconds of simulated time pass on this CPU, pending interrupts or not; the board clock follows.
  /// Devices are not polled here: call BoardBackend::pollDevices() afterwards for time-based host-side work.
  void advance(uint64_t ps);

 private:
  bool isRam(Space space, uint64_t addr, unsigned len);
  BoardBackend& b_;
  uint64_t nowPs_ = 0;
};

}  // namespace vsim::model

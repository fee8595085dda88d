// DeviceTimer: per-device statistics and the device-side timing bookkeeping, in plain C++.
//
// It watches one device: as the DmaObserver of the device's own view of guest memory (every DMA by kind) and as
// the DeviceCore's observer (notifications, completed chains, interrupts). From the same counters it derives the
// cost of each request (service time + DMA time) with the TimingModel. The fast mode uses the costs to stamp
// completions and interrupts in simulated time without any context switch; the timed SystemC shell waits them.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "vsim/guest_memory.h"
#include "vsim/model/device_core.h"
#include "vsim/model/timing_params.h"

namespace vsim::model {

struct DmaCounters {
  std::array<uint64_t, static_cast<size_t>(DmaKind::Count_)> transactions{};
  std::array<uint64_t, static_cast<size_t>(DmaKind::Count_)> bytes{};
  uint64_t totalTransactions() const;
  uint64_t totalBytes() const;
};

struct QueueTiming {
  DmaCounters dma;
  uint64_t driverNotifications = 0;
  uint64_t usedInterrupts = 0;
  uint64_t requests = 0;
  uint64_t latencySumPs = 0, latencyMinPs = UINT64_MAX, latencyMaxPs = 0;  ///< driver notify -> completion
};

/// Clock shared by the CPU side and the device shells: the simulated time (ps) an access or event happens at.
struct SimClock {
  uint64_t nowPs = 0;
};

class DeviceTimer final : public DmaObserver, public CoreObserver {
 public:
  DeviceTimer(std::string name, const TimingModel& model, SimClock& clock, uint16_t numQueues);

  // DmaObserver
  void onDma(DmaKind kind, uint64_t gpa, uint64_t len, bool write) override;
  // CoreObserver
  void onDriverNotify(uint16_t q, bool hasData, uint32_t data) override;
  void onChainDone(uint16_t q, const Chain& c, uint32_t written) override;
  void onUsedNotify(uint16_t q) override;
  void onConfigNotify() override;
  void onStatus(uint8_t oldStatus, uint8_t newStatus) override;

  /// Cost of the work done since the last call (service time per completed chain + DMA), and reset the mark.
  uint64_t takePendingCostPs();
  /// Fast mode: the simulated time at which the device finishes the work done so far.
  uint64_t busyUntilPs() const { return busyPs_; }
  /// Fast mode: when the interrupt raised last will reach the CPU.
  uint64_t lastIrqAtPs() const { return lastIrqPs_; }
  /// Timed mode tells the timer the time at which the current step finished.
  void setStepEnd(uint64_t ps) { busyPs_ = ps; }
  /// Record that a request of q completed at endPs (latency = endPs - time of the notification served).
  void recordCompletion(uint16_t q, uint64_t endPs);
  /// Set by the timed shell: costs are waited there, so completion times come from the shell.
  void setTimedMode(bool timed) { timed_ = timed; }

  const std::string& name() const { return name_; }
  const std::vector<QueueTiming>& queues() const { return queues_; }
  const DmaCounters& total() const { return total_; }
  uint64_t configInterrupts() const { return configIrqs_; }

  /// Optional hooks for the trace (all DMA and device events in order).
  std::function<void(DmaKind, uint64_t gpa, uint64_t len, bool write, int queue)> onDmaEvent;
  std::function<void(const char* what, int queue, uint64_t value)> onEvent;
  /// Called when the device has new work (a driver notification or a status change): the timed shell wakes its
  /// processing thread.
  std::function<void()> onWork;
  /// Called when the device sends an interrupt, with the time (ps) it reaches the CPU.
  std::function<void(uint64_t atPs)> onIrq;

 private:
  std::string name_;
  const TimingModel& model_;
  SimClock& clock_;
  bool timed_ = false;
  int current_ = -1;       // queue being served
  uint64_t notifyPs_ = 0;  // time of the notification being served
  uint64_t busyPs_ = 0;
  uint64_t lastIrqPs_ = 0;
  uint64_t markTx_ = 0, markBytes_ = 0, markChains_ = 0, chains_ = 0;
  DmaCounters total_;
  std::vector<QueueTiming> queues_;
  uint64_t configIrqs_ = 0;
};

}  // namespace vsim::model

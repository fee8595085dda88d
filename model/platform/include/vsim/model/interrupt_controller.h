// InterruptController: the platform's interrupt fabric. 64 level-triggered lines (MMIO device interrupts, PCI
// INTx) kept as a bitmask, and MSI/MSI-X messages, accepted only when written to the configured MSI address and
// queued as data words for the driver to take. An optional callback fires when something arrives (a line rising,
// an MSI accepted); the SystemC shell uses it to notify an sc_event.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "vsim/model/bus_target.h"

namespace vsim::model {

class Bus;

class InterruptController final : public InterruptFabric {
 public:
  static constexpr unsigned kLines = 64;
  static constexpr size_t kDefaultMsiQueueLimit = 65536;

  struct RejectedMsi {
    uint64_t address;
    uint32_t data;
  };
  struct Stats {
    uint64_t lineRises = 0;
    uint64_t lineFalls = 0;
    uint64_t badLines = 0;       ///< setLine() with a line number >= kLines (ignored)
    uint64_t msisAccepted = 0;
    uint64_t msisRejected = 0;   ///< written to an address other than the MSI address
    uint64_t msisDropped = 0;    ///< accepted but the queue was full
  };

  /// msiAddress: the only address at which MSI/MSI-X writes are accepted.
  explicit InterruptController(uint64_t msiAddress);

  /// @name InterruptFabric (device side)
  /// @{
  void setLine(unsigned line, bool level) override;
  void msi(uint64_t address, uint32_t data) override;
  /// @}

  /// @name Driver side
  /// @{
  uint64_t levels() const { return levels_; }  ///< bit i = line i asserted
  bool level(unsigned line) const { return line < kLines && ((levels_ >> line) & 1u); }
  /// Take the oldest queued MSI data word. False when none.
  bool popMsi(uint32_t* data);
  size_t pendingMsis() const { return msis_.size(); }
  /// Something to look at: a line asserted or an MSI queued.
  bool pending() const { return levels_ != 0 || !msis_.empty(); }
  /// @}

  uint64_t msiAddress() const { return msiAddress_; }
  /// Called (synchronously, inside setLine/msi) when a line rises or an MSI is accepted. Empty = none.
  void setCallback(std::function<void()> cb) { cb_ = std::move(cb); }
  /// Also record rejected MSI writes as decode errors on this bus (the Platform wires its Bus here).
  void setDecodeErrorBus(Bus* bus) { errBus_ = bus; }
  /// Maximum MSI words kept; later ones are counted as dropped. Unit: entries. Default: 65536.
  void setMsiQueueLimit(size_t n) { msiLimit_ = n; }
  const std::vector<RejectedMsi>& rejectedMsis() const { return rejected_; }
  const Stats& stats() const { return stats_; }
  /// Drop every queued MSI and lower nothing (lines belong to the devices driving them).
  void clearMsis() { msis_.clear(); }

 private:
  uint64_t msiAddress_;
  uint64_t levels_ = 0;
  std::deque<uint32_t> msis_;
  size_t msiLimit_ = kDefaultMsiQueueLimit;
  std::vector<RejectedMsi> rejected_;
  std::function<void()> cb_;
  Bus* errBus_ = nullptr;
  Stats stats_;
};

}  // namespace vsim::model

// Timing parameters of the platform: every latency and bandwidth is a named parameter with a default, a unit and a
// description, declared once here (TimingParams::info() lists them for the CLI, reports and Python). Both the fast
// (temporally decoupled) and the timed (SystemC wait per step) modes use the same cost functions below, so the
// functional results never depend on the mode and a lone request costs the same in both.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace vsim::model {

struct TimingParams {
  double mmioReadNs = 150;        ///< CPU read of a memory-mapped device register (MMIO transport / PCI BAR), ns
  double mmioWriteNs = 40;        ///< CPU write of a memory-mapped device register (posted), ns
  double pioNs = 250;             ///< CPU port I/O access (legacy virtio-pci I/O BAR), ns
  double configNs = 200;          ///< CPU PCI configuration space access (ECAM), ns
  double pcieReadRoundTripNs = 500;  ///< extra round trip of a non-posted read that crosses PCIe (PCI BAR reads), ns
  double dmaBytesPerNs = 8.0;     ///< device DMA bandwidth, bytes per ns (8.0 = 8 GB/s)
  double dmaTransactionNs = 60;   ///< fixed cost of one device DMA transaction (ring index, descriptor, buffer), ns
  double irqLatencyNs = 400;      ///< from the device raising an interrupt to the CPU seeing it, ns
  double serviceNs = 1000;        ///< device service time per request (work besides DMA), ns
  double ramAccessNs = 0;         ///< CPU access to guest RAM (driver ring writes; DMI, cached), ns

  struct Info {
    const char* name;
    const char* unit;
    const char* description;
    double TimingParams::*field;
  };
  /// Every parameter: name, unit, description and where it lives (the one source of truth).
  static const std::vector<Info>& info();
  /// Set a parameter by name; false if the name is unknown or the value is negative / not finite.
  bool set(const std::string& name, double value);
  /// Read a parameter by name (NaN if unknown).
  double get(const std::string& name) const;
};

/// Kind of register access, for its latency.
enum class AccessKind : uint8_t { MmioRead, MmioWrite, PciBarRead, PciBarWrite, PioRead, PioWrite, Config, Ram };

/// The cost functions (picoseconds, to keep integer arithmetic exact and deterministic).
class TimingModel {
 public:
  explicit TimingModel(const TimingParams& p = {}) : p_(p) {}
  const TimingParams& params() const { return p_; }
  uint64_t accessPs(AccessKind k) const;
  /// n DMA transactions moving `bytes` bytes in total.
  uint64_t dmaPs(uint64_t transactions, uint64_t bytes) const;
  uint64_t servicePs() const { return ps(p_.serviceNs); }
  uint64_t irqPs() const { return ps(p_.irqLatencyNs); }
  static uint64_t ps(double ns) { return static_cast<uint64_t>(ns * 1000.0 + 0.5); }

 private:
  TimingParams p_;
};

}  // namespace vsim::model

// PciHostBridge: PCI Express configuration access through an ECAM window (bus 0, up to 32 devices x 8 functions,
// 4 KiB of configuration space each) and routing of the PCI memory / I/O windows to the function whose BAR holds
// the address. BARs are programmed by the driver through configuration space, as firmware would; the bridge
// resolves each access against the BARs as they are programmed at that moment (with a cache that is re-validated
// on every hit and rebuilt on every miss, so it can never route to a stale address).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vsim/model/bus_target.h"
#include "vsim/model/pci_function.h"

namespace vsim::model {

/// The address windows the host bridge forwards to PCI (each: base, size in bytes; size 0 = no such window).
struct PciWindows {
  uint64_t mem32Base = 0, mem32Size = 0;  ///< 32-bit memory BARs
  uint64_t mem64Base = 0, mem64Size = 0;  ///< 64-bit memory BARs
  uint64_t ioBase = 0, ioSize = 0;        ///< I/O BARs (Space::Io)
  uint8_t ecamBuses = 1;                  ///< buses the ECAM window covers (1 MiB each); devices live on bus 0
};

class PciHostBridge {
 public:
  static constexpr unsigned kDevices = 32;
  static constexpr unsigned kFunctions = 8;
  static constexpr unsigned kBars = 6;
  static constexpr uint64_t kFunctionCfgSize = 4096;          ///< bytes of ECAM space per function
  static constexpr uint64_t kBusCfgSize = kDevices * kFunctions * kFunctionCfgSize;  ///< 1 MiB per bus

  /// Where an address of a PCI window goes.
  struct Route {
    PciFunction* fn = nullptr;
    unsigned device = 0, function = 0, bar = 0;
    uint64_t barBase = 0;  ///< address programmed in the BAR
    uint64_t offset = 0;   ///< offset of the access inside the BAR
    BusTarget* target = nullptr;
  };

  struct Stats {
    uint64_t cfgReads = 0, cfgWrites = 0;
    uint64_t routed = 0;      ///< window accesses that reached a BAR
    uint64_t unclaimed = 0;   ///< window accesses no enabled BAR holds (read all-ones)
    uint64_t cacheRebuilds = 0;
  };

  explicit PciHostBridge(const PciWindows& windows);
  PciHostBridge(const PciHostBridge&) = delete;
  PciHostBridge& operator=(const PciHostBridge&) = delete;

  /// Put fn at bus 0, device (0..31), function (0..7). False if out of range or the slot is taken.
  bool attach(unsigned device, PciFunction& fn, unsigned function = 0);
  PciFunction* function(unsigned device, unsigned function = 0) const;

  /// @name Targets to map on the Bus
  /// @{
  BusTarget& ecam() { return ecam_; }              ///< Memory space, size ecamBuses * kBusCfgSize
  BusTarget& mem32Window() { return mem32_; }      ///< Memory space at windows().mem32Base
  BusTarget& mem64Window() { return mem64_; }      ///< Memory space at windows().mem64Base
  BusTarget& ioWindow() { return io_; }            ///< Io space at windows().ioBase
  uint64_t ecamSize() const { return uint64_t{w_.ecamBuses} * kBusCfgSize; }
  const PciWindows& windows() const { return w_; }
  /// @}

  /// Which BAR holds [addr, addr+len) of space right now (decode enabled, BAR programmed there), if any.
  std::optional<Route> resolve(Space space, uint64_t addr, unsigned len);
  /// Routed accesses by absolute address (what the window targets do). False when unclaimed (reads: all-ones).
  bool routeRead(Space space, uint64_t addr, void* data, unsigned len);
  bool routeWrite(Space space, uint64_t addr, const void* data, unsigned len);

  /// Forget the decode cache (done automatically on every configuration write and attach).
  void invalidate() { ++generation_; }
  uint64_t generation() const { return generation_; }
  const Stats& stats() const { return stats_; }

 private:
  struct Decoded {
    Space space;
    uint64_t base, size;
    unsigned device, function, bar;
    PciFunction* fn;
  };

  class Ecam final : public BusTarget {
   public:
    explicit Ecam(PciHostBridge& hb) : hb_(hb) {}
    bool read(uint64_t off, void* data, unsigned len) override;
    bool write(uint64_t off, const void* data, unsigned len) override;
    std::string regName(uint64_t off) const override;

   private:
    PciHostBridge& hb_;
  };

  class Window final : public BusTarget {
   public:
    Window(PciHostBridge& hb, Space space, const uint64_t& base) : hb_(hb), space_(space), base_(base) {}
    bool read(uint64_t off, void* data, unsigned len) override { return hb_.routeRead(space_, base_ + off, data, len); }
    bool write(uint64_t off, const void* data, unsigned len) override {
      return hb_.routeWrite(space_, base_ + off, data, len);
    }
    std::string regName(uint64_t off) const override;

   private:
    PciHostBridge& hb_;
    Space space_;
    const uint64_t& base_;
  };

  void rebuild();
  const Decoded* find(Space space, uint64_t addr) const;
  static bool stillDecodes(const Decoded& d);

  PciWindows w_;
  std::array<PciFunction*, kDevices * kFunctions> fns_{};
  Ecam ecam_{*this};
  Window mem32_{*this, Space::Memory, w_.mem32Base};
  Window mem64_{*this, Space::Memory, w_.mem64Base};
  Window io_{*this, Space::Io, w_.ioBase};
  std::vector<Decoded> decoded_;
  uint64_t generation_ = 1, builtFor_ = 0;
  Stats stats_;
};

}  // namespace vsim::model

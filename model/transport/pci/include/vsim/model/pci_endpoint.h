// PciEndpoint: generic PCI type-0 function plumbing (no virtio in here): 4 KiB configuration space with read-only
// fields enforced, command/status, BAR sizing (32/64-bit memory, I/O), capability list building, interrupt pin and
// line, INTx with the INTx-disable bit, and MSI-X (capability, table, PBA, per-vector and function masking with
// pending bits). A device transport derives from it and adds its capabilities, BARs and behaviour.
//
// Interrupt delivery rules kept here:
//  - INTx: the line is asserted while the function has an interrupt pending (setIntxPending), INTx is not disabled
//    in the command register and MSI-X is not enabled. Status.InterruptStatus reflects the pending state.
//  - MSI-X: a message requested for a vector is sent through InterruptFabric::msi() only when MSI-X is enabled, the
//    function and the vector are unmasked and bus mastering is enabled; otherwise the vector's pending bit is set
//    and the message goes out as soon as all of those hold again (pending bit cleared).
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vsim/model/bus_target.h"
#include "vsim/model/pci_function.h"

namespace vsim::model {

/// Identification registers of a type-0 header.
struct PciIdentity {
  uint16_t vendorId = 0;
  uint16_t deviceId = 0;
  uint8_t revision = 0;
  uint32_t classCode = 0;  ///< 24 bits: base class << 16 | subclass << 8 | programming interface
  uint16_t subsystemVendorId = 0;
  uint16_t subsystemId = 0;
  uint8_t interruptPin = 1;  ///< 0 = none, 1..4 = INTA..INTD
};

/// A BAR made of sub-regions (common cfg, ISR, MSI-X table, ...), each routed to its own target at an offset.
/// Accesses that fall in no region, or straddle a region's end, are decode errors.
class BarRegionMap final : public BusTarget {
 public:
  struct Region {
    uint64_t base;
    uint64_t size;
    BusTarget* target;
    std::string name;
  };
  void add(uint64_t base, uint64_t size, BusTarget* target, std::string name);
  const Region* find(uint64_t off, unsigned len) const;
  const std::vector<Region>& regions() const { return regions_; }
  bool read(uint64_t off, void* data, unsigned len) override;
  bool write(uint64_t off, const void* data, unsigned len) override;
  std::string regName(uint64_t off) const override;
  /// While *fence is true, every decoded read returns zeroes and writes are ignored (device fenced off).
  void setFence(const bool* fence) { fence_ = fence; }

 private:
  std::vector<Region> regions_;
  const bool* fence_ = nullptr;
};

class PciEndpoint : public PciFunction {
 public:
  static constexpr unsigned kNumBars = 6;

  explicit PciEndpoint(const PciIdentity& id);
  ~PciEndpoint() override;
  PciEndpoint(const PciEndpoint&) = delete;
  PciEndpoint& operator=(const PciEndpoint&) = delete;

  // --- PciFunction ---
  uint32_t cfgRead(uint16_t off, unsigned len) override;
  void cfgWrite(uint16_t off, uint32_t value, unsigned len) override;
  BarInfo barInfo(unsigned i) const override;
  BusTarget* barTarget(unsigned i) override;
  uint64_t barAddress(unsigned i) const override;
  bool memoryDecode() const override { return (command() & 0x2) != 0; }
  bool ioDecode() const override { return (command() & 0x1) != 0; }
  bool busMaster() const override { return (command() & 0x4) != 0; }
  void connectInterrupts(InterruptFabric* fabric, unsigned intxLine) override;

  const PciIdentity& identity() const { return id_; }
  uint16_t command() const { return static_cast<uint16_t>(cfg_[4] | (cfg_[5] << 8)); }
  uint16_t status() const { return static_cast<uint16_t>(cfg_[6] | (cfg_[7] << 8)); }
  /// Trace name of a configuration space offset ("cfg.command", "cfg.bar4", "cfg.virtio_notify_cap+0x10").
  std::string cfgRegName(uint16_t off) const;
  /// Trace name of offset off in BAR bar ("common.queue_select", "msix.table[3].data"); empty if none.
  std::string barRegName(unsigned bar, uint64_t off) const;
  struct Capability {
    uint16_t off;
    uint8_t len;
    uint8_t id;
  };
  /// The capabilities, in list order.
  const std::vector<Capability>& capabilities() const { return caps_; }
  /// The capability that holds configuration offset off (null if none).
  const Capability* capabilityAt(uint16_t off) const;
  /// PCI function-level reset: command, BARs, interrupt line, MSI-X state; then onFunctionReset().
  void functionReset();

  /// @name INTx
  /// @{
  /// The function's own interrupt state (e.g. "ISR status is not 0"); drives Status.InterruptStatus and the line.
  void setIntxPending(bool pending);
  bool intxPending() const { return intxPending_; }
  bool intxAsserted() const { return lineLevel_; }
  /// @}

  /// @name MSI-X
  /// @{
  bool msixPresent() const { return msixCap_ != 0; }
  bool msixEnabled() const;
  bool msixFunctionMasked() const;
  /// Number of table entries (0 without an MSI-X capability).
  uint16_t msixTableSize() const { return static_cast<uint16_t>(msixTable_.size() / 4); }
  bool msixVectorMasked(uint16_t v) const;
  bool msixPending(uint16_t v) const;
  /// Ask for a message on vector v: sent now if deliverable, else its pending bit is set. False when MSI-X is
  /// absent or disabled, or v is outside the table (nothing happens then).
  bool msixSignal(uint16_t v);
  /// The table and PBA as bus targets (to place in a BAR with BarRegionMap); null without MSI-X.
  BusTarget* msixTableTarget();
  BusTarget* msixPbaTarget();
  uint32_t msixTableBytes() const { return msixTableSize() * 16u; }
  uint32_t msixPbaBytes() const { return ((msixTableSize() + 63u) / 64u) * 8u; }
  /// @}

  struct Stats {
    uint64_t msiSent = 0;        ///< MSI-X messages handed to the fabric
    uint64_t msiPended = 0;      ///< requests that set a pending bit instead
    uint64_t msiNoFabric = 0;    ///< messages that had nowhere to go (no fabric connected)
    uint64_t intxAssertions = 0;
  };
  const Stats& pciStats() const { return stats_; }

 protected:
  /// Declare BAR i (for a 64-bit memory BAR, i and i+1). The size is a power of two (at least 16 for memory, 4 for
  /// I/O). target may be null (the BAR decodes nothing).
  void defineBar(unsigned i, const BarInfo& info, BusTarget* target);
  /// Append a capability of len bytes (dword aligned, below 0x100) to the list; returns its offset. cap id and
  /// next pointer are filled in; the rest is zero and read-only until made writable.
  uint16_t addCapability(uint8_t capId, uint8_t len);
  /// Append the MSI-X capability with `vectors` table entries, table at tableBar/tableOff, PBA at pbaBar/pbaOff.
  uint16_t addMsixCapability(uint16_t vectors, uint8_t tableBar, uint32_t tableOff, uint8_t pbaBar, uint32_t pbaOff);
  /// Device-side access to configuration space bytes (no masks, no hooks).
  void cfgPut8(uint16_t off, uint8_t v) { cfg_[off] = v; }
  void cfgPut16(uint16_t off, uint16_t v);
  void cfgPut32(uint16_t off, uint32_t v);
  uint8_t cfgGet8(uint16_t off) const { return cfg_[off]; }
  uint16_t cfgGet16(uint16_t off) const;
  uint32_t cfgGet32(uint16_t off) const;
  /// Bits the driver may change in the byte at off.
  void setWritable(uint16_t off, uint8_t mask) { wmask_[off] = mask; }

  /// @name Hooks for the device (all optional)
  /// @{
  /// Called before a configuration read of [off, off+len) is served from the bytes (refresh them here).
  virtual void beforeCfgRead(uint16_t off, unsigned len) { (void)off, (void)len; }
  /// A configuration write the device handles itself (return true: the generic path does nothing).
  virtual bool cfgWriteHook(uint16_t off, uint32_t value, unsigned len) {
    (void)off, (void)value, (void)len;
    return false;
  }
  virtual void onCommandChanged(uint16_t oldCmd, uint16_t newCmd) { (void)oldCmd, (void)newCmd; }
  virtual void onMsixControlChanged(bool enabled, bool functionMasked) { (void)enabled, (void)functionMasked; }
  virtual void onFunctionReset() {}
  /// Trace name of the capability at capOff (default "msix_cap" / "cap@0x40").
  virtual std::string capName(uint16_t capOff) const;
  /// @}

  InterruptFabric* fabric() const { return fabric_; }

 private:
  struct Bar {
    BarInfo info;
    BusTarget* target = nullptr;
    bool upperHalf = false;  ///< the high dword of the 64-bit BAR below
    uint32_t reg = 0;        ///< address bits as written (already masked by size)
  };
  class MsixTable;
  class MsixPba;
  friend class MsixTable;
  friend class MsixPba;

  uint32_t barRegValue(unsigned i) const;
  void barWrite(unsigned i, uint32_t v);
  void syncBarBytes(unsigned i);
  void updateLine();
  void msixService();  ///< send every pending vector that is deliverable now
  bool msixDeliverable(uint16_t v) const;
  void msixSend(uint16_t v);
  bool msixTableRead(uint64_t off, void* data, unsigned len);
  bool msixTableWrite(uint64_t off, const void* data, unsigned len);
  bool msixPbaRead(uint64_t off, void* data, unsigned len);

  PciIdentity id_;
  std::array<uint8_t, 4096> cfg_{};
  std::array<uint8_t, 4096> wmask_{};
  std::array<Bar, kNumBars> bars_{};
  std::vector<Capability> caps_;
  uint16_t nextCap_ = 0x40;
  uint16_t msixCap_ = 0;
  std::vector<uint32_t> msixTable_;  // 4 dwords per entry
  std::vector<uint64_t> msixPba_;
  std::unique_ptr<MsixTable> msixTableTarget_;
  std::unique_ptr<MsixPba> msixPbaTarget_;
  InterruptFabric* fabric_ = nullptr;
  unsigned intxLine_ = 0;
  bool intxPending_ = false;
  bool lineLevel_ = false;
  Stats stats_;
};

}  // namespace vsim::model

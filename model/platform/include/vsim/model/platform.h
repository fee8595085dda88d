// Platform: the functional (untimed, plain C++) machine the devices live in and the driver tests run on. It owns
// guest RAM, the Bus, the PCI host bridge (ECAM + BAR windows) and the interrupt controller, and keeps the lists of
// attached PCI functions and virtio-mmio slots. The SystemC platform wraps one of these.
//
// PlatformMap is what firmware tables would tell an OS (the same information as the driver's PlatformDesc; model/
// never includes driver/ headers, so the glue above both converts field by field).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vsim/guest_memory.h"
#include "vsim/model/bus.h"
#include "vsim/model/interrupt_controller.h"
#include "vsim/model/pci_function.h"
#include "vsim/model/pci_host_bridge.h"

namespace vsim::model {

/// Where everything sits. Every address is guest-physical (Memory space) unless said otherwise.
struct PlatformLayout {
  /// Guest RAM base. Unit: address. Default: 0x0.
  uint64_t ramBase = 0;
  /// Guest RAM size (zero-filled at construction). Unit: bytes. Default: 64 MiB.
  uint64_t ramSize = 64ull << 20;
  /// PCIe ECAM window base; bus b at ecamBase + b * 1 MiB. Unit: address. Default: 0xE000_0000.
  uint64_t ecamBase = 0xE0000000ull;
  /// Buses the ECAM window decodes (devices live on bus 0). Unit: count. Default: 1.
  uint8_t ecamBuses = 1;
  /// Window for 32-bit memory BARs. Unit: address / bytes. Default: 0xC000_0000, 256 MiB.
  uint64_t pciMem32Base = 0xC0000000ull, pciMem32Size = 256ull << 20;
  /// Window for 64-bit memory BARs. Unit: address / bytes. Default: 0x80_0000_0000, 4 GiB.
  uint64_t pciMem64Base = 0x8000000000ull, pciMem64Size = 4ull << 30;
  /// Window for I/O BARs (Io space). Unit: port / bytes. Default: 0x1000, 0xF000 (ports 0x1000..0xFFFF).
  uint64_t pciIoBase = 0x1000, pciIoSize = 0xF000;
  /// INTx of PCI device number d is interrupt line pciIntxLineBase + d. Unit: line number. Default: 32 (lines 32..63).
  unsigned pciIntxLineBase = 32;
  /// First virtio-mmio slot; slot i is at mmioBase + i * mmioStride. Unit: address. Default: 0xD000_0000.
  uint64_t mmioBase = 0xD0000000ull;
  /// Distance between virtio-mmio slots. Unit: bytes. Default: 0x1000.
  uint64_t mmioStride = 0x1000;
  /// Bytes each slot decodes (the virtio-mmio register window). Unit: bytes. Default: 0x200.
  uint64_t mmioSlotSize = 0x200;
  /// Number of virtio-mmio slots. Unit: count. Default: 32.
  unsigned mmioSlots = 32;
  /// Interrupt line of slot i is mmioLineBase + i. Unit: line number. Default: 0 (lines 0..31).
  unsigned mmioLineBase = 0;
  /// The address MSI/MSI-X messages must be written to. Unit: address. Default: 0xFEE0_0000.
  uint64_t msiAddress = 0xFEE00000ull;

  /// Empty if the layout is consistent (no overlaps, lines within 0..63, I/O window within 64 KiB, slots fit their
  /// stride); else what is wrong.
  std::string validate() const;
};

/// The platform as firmware would describe it to a driver (same fields as vsim::drv::PlatformDesc).
struct PlatformMap {
  uint64_t ecamBase = 0;  ///< 0 = no PCI
  uint8_t ecamBuses = 1;
  uint64_t pciMem32Base = 0, pciMem32Size = 0;
  uint64_t pciMem64Base = 0, pciMem64Size = 0;
  uint64_t pciIoBase = 0, pciIoSize = 0;
  unsigned pciIntxLineBase = 0;
  uint64_t msiAddress = 0;
  struct MmioSlot {
    uint64_t base = 0;
    uint64_t size = 0;
    unsigned line = 0;
  };
  std::vector<MmioSlot> mmio;  ///< attached virtio-mmio devices only, in slot order
  uint64_t ramBase = 0, ramSize = 0;
};

class Platform {
 public:
  struct MmioAttachment {
    unsigned slot = 0;
    uint64_t base = 0, size = 0;
    unsigned line = 0;
    std::string name;
    BusTarget* target = nullptr;
  };
  struct PciAttachment {
    unsigned device = 0;
    unsigned line = 0;  ///< INTx line
    std::string name;
    PciFunction* fn = nullptr;
  };

  /// Throws std::invalid_argument when layout.validate() reports a problem.
  explicit Platform(const PlatformLayout& layout = {});
  Platform(const Platform&) = delete;
  Platform& operator=(const Platform&) = delete;
  ~Platform();

  const PlatformLayout& layout() const { return l_; }
  OwnedGuestMemory& ram() { return ram_; }
  Bus& bus() { return bus_; }
  PciHostBridge& pci() { return pci_; }
  InterruptController& intc() { return intc_; }
  /// Where devices send interrupts (lines and MSI writes): the interrupt controller.
  InterruptFabric& fabric() { return intc_; }

  /// @name PCI
  /// @{
  /// Attach fn as bus 0 device `device` (function 0): ECAM, BAR routing, INTx line pciIntxLine(device), MSI to the
  /// interrupt controller (fn.connectInterrupts is called). False if device >= 32 or taken.
  bool attachPci(unsigned device, PciFunction& fn, std::string name = "pci");
  unsigned pciIntxLine(unsigned device) const { return l_.pciIntxLineBase + device; }
  /// First free device number, or -1.
  int freePciDevice() const;
  const std::vector<PciAttachment>& pciDevices() const { return pci_devs_; }
  /// @}

  /// @name virtio-mmio slots
  /// @{
  uint64_t mmioSlotBase(unsigned slot) const { return l_.mmioBase + uint64_t{slot} * l_.mmioStride; }
  unsigned mmioSlotLine(unsigned slot) const { return l_.mmioLineBase + slot; }
  /// First free slot, or -1.
  int freeMmioSlot() const;
  /// Map target's register window at slot (-1 = the first free one). Returns the slot, or -1 if none is free or
  /// the slot is out of range / taken. The device must drive line mmioSlotLine(slot) on fabric() itself.
  int attachMmio(BusTarget& target, std::string name = "virtio-mmio", int slot = -1);
  const std::vector<MmioAttachment>& mmioDevices() const { return mmio_; }
  /// @}

  /// The firmware view of this platform (attached virtio-mmio slots included).
  PlatformMap map() const;

  /// CPU accesses (what a functional Hal does): through the Bus, all-ones on a decode error.
  uint64_t read(Space space, uint64_t addr, unsigned len) { return bus_.read(space, addr, len); }
  bool write(Space space, uint64_t addr, uint64_t value, unsigned len) { return bus_.write(space, addr, value, len); }

 private:
  class RamTarget final : public BusTarget {
   public:
    explicit RamTarget(OwnedGuestMemory& m) : m_(m) {}
    bool read(uint64_t off, void* data, unsigned len) override { return m_.read(m_.base() + off, data, len); }
    bool write(uint64_t off, const void* data, unsigned len) override {
      return m_.write(m_.base() + off, data, len);
    }

   private:
    OwnedGuestMemory& m_;
  };

  PlatformLayout l_;
  OwnedGuestMemory ram_;
  RamTarget ramTarget_{ram_};
  Bus bus_;
  PciHostBridge pci_;
  InterruptController intc_;
  std::vector<PciAttachment> pci_devs_;
  std::vector<MmioAttachment> mmio_;
};

}  // namespace vsim::model

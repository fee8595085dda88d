// Hal: the hardware-abstraction interface the whole driver stack runs on. Implementations: the plain-C++ platform
// (functional, in-process), the SystemC platform (a CPU initiator), and later vhost-user and users' own harnesses.
// The driver never touches anything but this: register accesses, DMA-able memory, interrupts and time.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "vsim/guest_memory.h"

namespace vsim::drv {

enum class Space : uint8_t { Memory, Io, Config };

/// What firmware tables would tell an OS about the platform: where to look for devices.
struct PlatformDesc {
  uint64_t ecamBase = 0;        ///< PCIe ECAM window (bus 0 at ecamBase); 0 = no PCI
  uint8_t ecamBuses = 1;
  uint64_t pciMem32Base = 0, pciMem32Size = 0;  ///< window for 32-bit memory BARs
  uint64_t pciMem64Base = 0, pciMem64Size = 0;  ///< window for 64-bit memory BARs
  uint64_t pciIoBase = 0, pciIoSize = 0;        ///< port I/O window for I/O BARs
  unsigned pciIntxLineBase = 0;  ///< INTx of PCI device number d is line pciIntxLineBase + d
  uint64_t msiAddress = 0;       ///< MSI/MSI-X messages are memory writes to this address
  struct MmioSlot {
    uint64_t base = 0;
    uint64_t size = 0;
    unsigned line = 0;  ///< interrupt line
  };
  std::vector<MmioSlot> mmio;
  uint64_t ramBase = 0, ramSize = 0;  ///< guest RAM (DMA-able)
};

class Hal {
 public:
  virtual ~Hal() = default;
  /// Register access of width 1, 2, 4 or 8 bytes. A read of nothing returns all-ones (as hardware would).
  virtual uint64_t read(Space space, uint64_t addr, unsigned width) = 0;
  virtual void write(Space space, uint64_t addr, uint64_t value, unsigned width) = 0;
  /// Guest memory the driver can DMA to/from, and an allocator over its free part.
  virtual GuestMemory& dmaMemory() = 0;
  virtual GuestAllocator& dmaAllocator() = 0;
  /// Interrupt lines currently asserted (bit i = line i).
  virtual uint64_t lineLevels() = 0;
  /// Take one MSI/MSI-X message received since the last call (its data word). False when none.
  virtual bool popMsi(uint32_t* data) = 0;
  /// Let time pass until an interrupt may have arrived, at most timeoutNs of simulated time. Returns false on
  /// timeout. A functional (untimed) platform returns at once: true if something is pending.
  virtual bool waitForInterrupt(uint64_t timeoutNs) = 0;
  /// Simulated time now, in nanoseconds.
  virtual uint64_t nowNs() = 0;
  virtual const PlatformDesc& platform() const = 0;

  /// Convenience accessors.
  uint8_t read8(Space s, uint64_t a) { return static_cast<uint8_t>(read(s, a, 1)); }
  uint16_t read16(Space s, uint64_t a) { return static_cast<uint16_t>(read(s, a, 2)); }
  uint32_t read32(Space s, uint64_t a) { return static_cast<uint32_t>(read(s, a, 4)); }
  void write8(Space s, uint64_t a, uint8_t v) { write(s, a, v, 1); }
  void write16(Space s, uint64_t a, uint16_t v) { write(s, a, v, 2); }
  void write32(Space s, uint64_t a, uint32_t v) { write(s, a, v, 4); }
};

}  // namespace vsim::drv

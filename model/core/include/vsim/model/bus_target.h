// BusTarget: a register file or memory window reached by CPU accesses (MMIO, port I/O, PCI configuration).
// Transports implement it in plain C++; the platform's bus (plain C++ or its TLM shell) routes accesses to it.
#pragma once
#include <cstdint>
#include <string>

namespace vsim::model {

enum class Space : uint8_t { Memory, Io, Config };
const char* spaceName(Space s);

class BusTarget {
 public:
  virtual ~BusTarget() = default;
  /// Read len bytes (1, 2, 4 or 8) at offset off within the target. False = decode error (no such register or a
  /// width the target does not accept); the bus then returns all-ones and records it. Never throws.
  virtual bool read(uint64_t off, void* data, unsigned len) = 0;
  /// Write len bytes at offset off. False = decode error (ignored by the hardware, recorded by the bus).
  virtual bool write(uint64_t off, const void* data, unsigned len) = 0;
  /// Human name of the register at off, for the transaction trace ("common.queue_select"); empty if none.
  virtual std::string regName(uint64_t off) const {
    (void)off;
    return {};
  }
};

/// Where a device's interrupt outputs go: a level line (INTx / MMIO interrupt) or an MSI/MSI-X message.
class InterruptFabric {
 public:
  virtual ~InterruptFabric() = default;
  virtual void setLine(unsigned line, bool level) = 0;
  virtual void msi(uint64_t address, uint32_t data) = 0;
};

}  // namespace vsim::model

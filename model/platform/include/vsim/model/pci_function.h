// PciFunction: what the PCI host bridge needs from a PCI function (a virtio-pci device or any other endpoint).
#pragma once
#include <cstdint>

#include "vsim/model/bus_target.h"

namespace vsim::model {

struct BarInfo {
  bool present = false;
  bool io = false;         ///< I/O space BAR (legacy virtio) rather than memory
  bool is64 = false;       ///< 64-bit memory BAR (occupies two BAR registers)
  bool prefetchable = false;
  uint64_t size = 0;       ///< power of two
};

class PciFunction {
 public:
  virtual ~PciFunction() = default;
  /// Configuration space access (4 KiB extended space; offsets past the implemented part read 0).
  virtual uint32_t cfgRead(uint16_t off, unsigned len) = 0;
  virtual void cfgWrite(uint16_t off, uint32_t value, unsigned len) = 0;
  /// BAR i (0..5) as the device implements it, and the target behind it.
  virtual BarInfo barInfo(unsigned i) const = 0;
  virtual BusTarget* barTarget(unsigned i) = 0;
  /// Address currently programmed into BAR i (from configuration space), valid when decoding is enabled.
  virtual uint64_t barAddress(unsigned i) const = 0;
  virtual bool memoryDecode() const = 0;  ///< command register: memory space enable
  virtual bool ioDecode() const = 0;      ///< command register: I/O space enable
  virtual bool busMaster() const = 0;     ///< command register: bus master enable (DMA and MSI allowed)
  /// Wire the function's interrupt outputs (INTx line number on the fabric, MSI/MSI-X messages).
  virtual void connectInterrupts(InterruptFabric* fabric, unsigned intxLine) = 0;
};

}  // namespace vsim::model

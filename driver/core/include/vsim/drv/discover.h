// Finding virtio devices on a platform and opening one: the top of the driver stack.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vsim/drv/device.h"
#include "vsim/drv/pci.h"

namespace vsim::drv {

enum class DiscoveredKind : uint8_t {
  PciModern,        ///< modern device id: modern interface only
  PciLegacy,        ///< transitional id without virtio capabilities: legacy interface only
  PciTransitional,  ///< transitional id with virtio capabilities: modern (default) or legacy (forceLegacy)
  MmioV2,
  MmioV1,
};
const char* discoveredKindName(DiscoveredKind k);  ///< "pci-modern", "pci-legacy", "pci-transitional", "mmio-v2", "mmio-v1"

struct DiscoveredDevice {
  uint16_t type = 0;  ///< virtio device type (1 = net, 2 = block, 4 = entropy, ...)
  DiscoveredKind kind = DiscoveredKind::PciModern;
  std::string location;  ///< "pci 00:03.0" / "mmio 0x10001000"
  std::shared_ptr<const PciFunctionInfo> pci;  ///< PCI: ids, BARs as assigned, capabilities found
  uint64_t mmioBase = 0;
  unsigned mmioLine = 0;
  uint32_t mmioVersion = 0;
  bool isPci() const { return pci != nullptr; }
};

/// Enumerate PCI (ECAM; assigns BARs and enables the virtio functions) and probe every MMIO slot of the
/// PlatformDesc. Device-normative breaches seen on the way are reported to sink.
std::vector<DiscoveredDevice> discover(Hal& hal, ViolationSink& sink, const PciScanOptions& pciOpts = {});

/// Build the transport for a discovered device and (with opts.initialize) run the initialisation sequence.
/// nullptr when the device cannot be driven at all (no usable modern structures / no I/O BAR0 for legacy /
/// MMIO probe no longer valid). Otherwise check state(): Live, or Failed with failure() saying why.
std::unique_ptr<Device> open(Hal& hal, const DiscoveredDevice& d, DriverOptions opts, ViolationSink& sink);

/// The transport alone (what open() builds), for tests and the conformance suite.
std::unique_ptr<Transport> makeTransport(Hal& hal, const DiscoveredDevice& d, bool forceLegacy, ViolationSink& sink);

}  // namespace vsim::drv

// discover() / open(): PCI enumeration and MMIO probing, then the transport for a device.
#include "vsim/drv/discover.h"

#include "vsim/drv/mmio_transport.h"
#include "vsim/drv/pci_transport.h"

namespace vsim::drv {

const char* discoveredKindName(DiscoveredKind k) {
  switch (k) {
    case DiscoveredKind::PciModern: return "pci-modern";
    case DiscoveredKind::PciLegacy: return "pci-legacy";
    case DiscoveredKind::PciTransitional: return "pci-transitional";
    case DiscoveredKind::MmioV2: return "mmio-v2";
    case DiscoveredKind::MmioV1: return "mmio-v1";
  }
  return "?";
}

std::vector<DiscoveredDevice> discover(Hal& hal, ViolationSink& sink, const PciScanOptions& pciOpts) {
  std::vector<DiscoveredDevice> out;
  for (PciFunctionInfo& fn : enumeratePci(hal, sink, pciOpts)) {
    DiscoveredDevice d;
    d.type = fn.virtioType;
    d.kind = fn.kind == PciVirtioKind::Modern         ? DiscoveredKind::PciModern
             : fn.kind == PciVirtioKind::Transitional ? DiscoveredKind::PciTransitional
                                                      : DiscoveredKind::PciLegacy;
    d.location = "pci " + fn.addr.str();
    d.pci = std::make_shared<const PciFunctionInfo>(std::move(fn));
    out.push_back(std::move(d));
  }
  for (const PlatformDesc::MmioSlot& slot : hal.platform().mmio) {
    MmioProbe p;
    if (probeMmio(hal, slot.base, sink, &p) != MmioProbeResult::Ok) continue;
    DiscoveredDevice d;
    d.type = static_cast<uint16_t>(p.deviceId);
    d.kind = p.version == mmio::kVersionLegacy ? DiscoveredKind::MmioV1 : DiscoveredKind::MmioV2;
    d.mmioBase = slot.base;
    d.mmioLine = slot.line;
    d.mmioVersion = p.version;
    d.location = MmioTransport(hal, sink, slot.base, slot.line, p.version, d.type).location();
    out.push_back(std::move(d));
  }
  return out;
}

std::unique_ptr<Transport> makeTransport(Hal& hal, const DiscoveredDevice& d, bool forceLegacy, ViolationSink& sink) {
  switch (d.kind) {
    case DiscoveredKind::PciModern:
    case DiscoveredKind::PciTransitional:
      if (!(d.kind == DiscoveredKind::PciTransitional && forceLegacy)) {
        auto t = std::make_unique<PciModernTransport>(hal, sink, d.pci);
        if (!t->usable()) return nullptr;
        return t;
      }
      [[fallthrough]];
    case DiscoveredKind::PciLegacy: {
      auto t = std::make_unique<PciLegacyTransport>(hal, sink, d.pci);
      if (!t->usable()) return nullptr;
      return t;
    }
    case DiscoveredKind::MmioV2:
    case DiscoveredKind::MmioV1: {
      // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#1: initialisation starts with magic and version
      MmioProbe p;
      if (probeMmio(hal, d.mmioBase, sink, &p) != MmioProbeResult::Ok || p.version != d.mmioVersion ||
          p.deviceId != d.type)
        return nullptr;
      return std::make_unique<MmioTransport>(hal, sink, d.mmioBase, d.mmioLine, p.version, d.type);
    }
  }
  return nullptr;
}

std::unique_ptr<Device> open(Hal& hal, const DiscoveredDevice& d, DriverOptions opts, ViolationSink& sink) {
  auto t = makeTransport(hal, d, opts.forceLegacy, sink);
  if (!t) return nullptr;
  const bool initialize = opts.initialize;
  auto dev = std::make_unique<Device>(std::move(t), std::move(opts), sink);
  if (initialize) dev->init();
  return dev;
}

}  // namespace vsim::drv

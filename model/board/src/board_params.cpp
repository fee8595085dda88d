// The layout / virtio-pci / virtio-mmio parameter tables (see board_params.h).
#include "vsim/model/board_params.h"

namespace vsim::model {

namespace {
std::string dec(uint64_t v) { return std::to_string(v); }
std::string sdec(int64_t v) { return std::to_string(v); }
}  // namespace

const ParamTable<PlatformLayout>& layoutParameters() {
  using L = PlatformLayout;
  using W = const std::string&;
  static const L d;
  static const ParamTable<L> t("layout", {
      {{"ram_base", paramHex(d.ramBase), "address", "guest RAM base"},
       [](L& l, W w, W v) { l.ramBase = paramUnsigned(w, v); }},
      {{"ram_size", dec(d.ramSize), "bytes", "guest RAM size (zero-filled); our drivers allocate above its first MiB"},
       [](L& l, W w, W v) { l.ramSize = paramUnsigned(w, v, 4ull << 20, 1ull << 36); }},
      {{"ecam_base", paramHex(d.ecamBase), "address", "PCIe ECAM window base (bus b at ecam_base + b MiB)"},
       [](L& l, W w, W v) { l.ecamBase = paramUnsigned(w, v); }},
      {{"ecam_buses", dec(d.ecamBuses), "count", "buses the ECAM window decodes (devices sit on bus 0)"},
       [](L& l, W w, W v) { l.ecamBuses = static_cast<uint8_t>(paramUnsigned(w, v, 1, 255)); }},
      {{"pci_mem32_base", paramHex(d.pciMem32Base), "address", "window for 32-bit memory BARs"},
       [](L& l, W w, W v) { l.pciMem32Base = paramUnsigned(w, v); }},
      {{"pci_mem32_size", dec(d.pciMem32Size), "bytes", "size of the 32-bit memory BAR window"},
       [](L& l, W w, W v) { l.pciMem32Size = paramUnsigned(w, v); }},
      {{"pci_mem64_base", paramHex(d.pciMem64Base), "address", "window for 64-bit memory BARs"},
       [](L& l, W w, W v) { l.pciMem64Base = paramUnsigned(w, v); }},
      {{"pci_mem64_size", dec(d.pciMem64Size), "bytes", "size of the 64-bit memory BAR window"},
       [](L& l, W w, W v) { l.pciMem64Size = paramUnsigned(w, v); }},
      {{"pci_io_base", paramHex(d.pciIoBase), "port", "window for I/O BARs"},
       [](L& l, W w, W v) { l.pciIoBase = paramUnsigned(w, v, 0, 0xffff); }},
      {{"pci_io_size", paramHex(d.pciIoSize), "bytes", "size of the I/O BAR window"},
       [](L& l, W w, W v) { l.pciIoSize = paramUnsigned(w, v, 0, 0x10000); }},
      {{"pci_intx_line_base", dec(d.pciIntxLineBase), "line number", "INTx of PCI device d is this line + d"},
       [](L& l, W w, W v) { l.pciIntxLineBase = static_cast<unsigned>(paramUnsigned(w, v, 0, 63)); }},
      {{"mmio_base", paramHex(d.mmioBase), "address", "first virtio-mmio slot"},
       [](L& l, W w, W v) { l.mmioBase = paramUnsigned(w, v); }},
      {{"mmio_stride", paramHex(d.mmioStride), "bytes", "distance between virtio-mmio slots"},
       [](L& l, W w, W v) { l.mmioStride = paramUnsigned(w, v, 1); }},
      {{"mmio_slot_size", paramHex(d.mmioSlotSize), "bytes", "bytes each virtio-mmio slot decodes"},
       [](L& l, W w, W v) { l.mmioSlotSize = paramUnsigned(w, v, 1); }},
      {{"mmio_slots", dec(d.mmioSlots), "count", "number of virtio-mmio slots"},
       [](L& l, W w, W v) { l.mmioSlots = static_cast<unsigned>(paramUnsigned(w, v, 0, 64)); }},
      {{"mmio_line_base", dec(d.mmioLineBase), "line number", "interrupt line of slot i is this line + i"},
       [](L& l, W w, W v) { l.mmioLineBase = static_cast<unsigned>(paramUnsigned(w, v, 0, 63)); }},
      {{"msi_address", paramHex(d.msiAddress), "address", "where MSI/MSI-X messages are written"},
       [](L& l, W w, W v) { l.msiAddress = paramUnsigned(w, v); }},
  });
  return t;
}

const ParamTable<VirtioPciParams>& pciParameters() {
  using P = VirtioPciParams;
  using W = const std::string&;
  static const P d;
  static const ParamTable<P> t("pci", {
      {{"notify_off_multiplier", dec(d.notifyOffMultiplier), "bytes",
        "distance between consecutive queues' notify addresses (0 = one shared address; else a power of two >= 2)"},
       [](P& p, W w, W v) { p.notifyOffMultiplier = static_cast<uint32_t>(paramUnsigned(w, v, 0, UINT32_MAX)); }},
      {{"msix", paramBoolText(d.msix), "bool", "present an MSI-X capability (false: INTx only)"},
       [](P& p, W w, W v) { p.msix = paramBool(w, v); }},
      {{"msix_vectors", dec(d.msixVectors), "vectors",
        "MSI-X table size 1..2048 (0 = number of queues + 1, at least 2)"},
       [](P& p, W w, W v) { p.msixVectors = static_cast<uint16_t>(paramUnsigned(w, v, 0, 2048)); }},
      {{"modern_bar", dec(d.modernBar), "BAR index", "64-bit memory BAR that holds the virtio structures"},
       [](P& p, W w, W v) { p.modernBar = static_cast<uint8_t>(paramUnsigned(w, v, 0, 5)); }},
      {{"modern_bar_prefetchable", paramBoolText(d.modernBarPrefetchable), "bool", "mark the modern BAR prefetchable"},
       [](P& p, W w, W v) { p.modernBarPrefetchable = paramBool(w, v); }},
      {{"modern_bar_size", dec(d.modernBarSize), "bytes",
        "size of the modern BAR (0 = the smallest power of two that fits)"},
       [](P& p, W w, W v) { p.modernBarSize = paramUnsigned(w, v); }},
      {{"region_stride", dec(d.regionStride), "bytes",
        "spacing of the structures in the modern BAR (power of two >= 64)"},
       [](P& p, W w, W v) { p.regionStride = static_cast<uint32_t>(paramUnsigned(w, v, 1, UINT32_MAX)); }},
      {{"msix_bar", dec(d.msixBar), "BAR index", "32-bit memory BAR of the MSI-X table and PBA (= modern_bar: shared)"},
       [](P& p, W w, W v) { p.msixBar = static_cast<uint8_t>(paramUnsigned(w, v, 0, 5)); }},
      {{"legacy_bar_size", dec(d.legacyBarSize), "bytes", "size of the legacy I/O BAR0 (0 = the smallest that fits)"},
       [](P& p, W w, W v) { p.legacyBarSize = static_cast<uint32_t>(paramUnsigned(w, v, 0, 1u << 16)); }},
      {{"revision", sdec(d.revision), "", "PCI Revision ID (-1 = 1 for modern, 0 for legacy/transitional)"},
       [](P& p, W w, W v) { p.revision = static_cast<int>(paramSigned(w, v, -1, 255)); }},
      {{"subsystem_vendor_id", paramHex(d.subsystemVendorId), "", "PCI Subsystem Vendor ID"},
       [](P& p, W w, W v) { p.subsystemVendorId = static_cast<uint16_t>(paramUnsigned(w, v, 0, 0xffff)); }},
      {{"subsystem_id", sdec(d.subsystemId), "", "PCI Subsystem ID (-1 = 0x1100 for modern, the virtio id otherwise)"},
       [](P& p, W w, W v) { p.subsystemId = static_cast<int>(paramSigned(w, v, -1, 0xffff)); }},
      {{"class_code", sdec(d.classCode), "24-bit", "PCI class code (-1 = from the device type)"},
       [](P& p, W w, W v) { p.classCode = static_cast<int>(paramSigned(w, v, -1, 0xffffff)); }},
      {{"interrupt_pin", dec(d.interruptPin), "", "PCI Interrupt Pin (1 = INTA, 0 = no INTx)"},
       [](P& p, W w, W v) { p.interruptPin = static_cast<uint8_t>(paramUnsigned(w, v, 0, 4)); }},
      {{"legacy_trap", paramBoolText(d.legacyTrap), "bool",
        "modern only: a 32-byte I/O BAR0 that fences a legacy driver driving the device by mistake"},
       [](P& p, W w, W v) { p.legacyTrap = paramBool(w, v); }},
      {{"cap_len_padding", dec(d.capLenPadding), "bytes",
        "padding counted in every virtio capability's cap_len beyond its structure (0..16)"},
       [](P& p, W w, W v) { p.capLenPadding = static_cast<uint8_t>(paramUnsigned(w, v, 0, 16)); }},
      {{"structure_length_padding", dec(d.structureLengthPadding), "bytes",
        "extra bytes the common/notify/ISR/device capabilities declare beyond their structure (read 0, writes ignored)"},
       [](P& p, W w, W v) { p.structureLengthPadding = static_cast<uint32_t>(paramUnsigned(w, v, 0, 4096)); }},
      {{"decoy_caps", paramBoolText(d.decoyCaps), "bool",
        "start the capability list with two vendor capabilities a driver has to skip (reserved cfg_type; reserved bar)"},
       [](P& p, W w, W v) { p.decoyCaps = paramBool(w, v); }},
      {{"vendor_data_id", paramHex(d.vendorDataId), "",
        "present a vendor data capability with this vendor_id (0 = none; 0x1af4 is refused)"},
       [](P& p, W w, W v) {
         const auto id = paramUnsigned(w, v, 0, 0xffff);
         if (id == 0x1af4) throw std::invalid_argument(w + ": 0x1af4 (the virtio vendor) is not a vendor data vendor_id");
         p.vendorDataId = static_cast<uint16_t>(id);
       }},
      {{"vendor_data_len", dec(d.vendorDataLen), "bytes", "vendor-defined bytes after vendor_id (0..64)"},
       [](P& p, W w, W v) { p.vendorDataLen = static_cast<uint8_t>(paramUnsigned(w, v, 0, 64)); }},
      {{"sriov_total_vfs", dec(d.sriovTotalVfs), "VFs",
        "present PCIe + SR-IOV capabilities with this TotalVFs (0 = none; VFs are not instantiated)"},
       [](P& p, W w, W v) { p.sriovTotalVfs = static_cast<uint16_t>(paramUnsigned(w, v, 0, 0xffff)); }},
  });
  return t;
}

const ParamTable<VirtioMmioParams>& mmioParameters() {
  using M = VirtioMmioParams;
  using W = const std::string&;
  static const M d;
  static const ParamTable<M> t("mmio", {
      {{"vendor_id", paramHex(d.vendorId), "", "value of the VendorID register"},
       [](M& m, W w, W v) { m.vendorId = static_cast<uint32_t>(paramUnsigned(w, v, 0, UINT32_MAX)); }},
      {{"legacy_page_size", dec(d.legacyPageSize), "bytes",
        "version 1 only: guest page size used for QueuePFN until the driver writes GuestPageSize"},
       [](M& m, W w, W v) { m.legacyPageSize = static_cast<uint32_t>(paramUnsigned(w, v, 1, UINT32_MAX)); }},
      {{"legacy_queue_align", dec(d.legacyQueueAlign), "bytes",
        "version 1 only: used-ring alignment until the driver writes QueueAlign (and after a reset)"},
       [](M& m, W w, W v) { m.legacyQueueAlign = static_cast<uint32_t>(paramUnsigned(w, v, 1, UINT32_MAX)); }},
  });
  return t;
}

const ParamTable<CoreOptions>& coreParameters() {
  using C = CoreOptions;
  using W = const std::string&;
  static const C d;
  static const ParamTable<C> t("core", {
      {{"suspend", paramBoolText(d.suspend), "bool",
        "offer VIRTIO_F_SUSPEND (bit 43) on modern interfaces and honour the SUSPEND status bit"},
       [](C& c, W w, W v) { c.suspend = paramBool(w, v); }},
      {{"refuse_invalid_features", paramBoolText(d.refuseInvalidFeatures), "bool",
        "leave FEATURES_OK clear when the accepted feature subset is invalid"},
       [](C& c, W w, W v) { c.refuseInvalidFeatures = paramBool(w, v); }},
      {{"personality", d.personality.name(), "list",
        "legal-but-unusual device behaviour, comma-separated (see Personality; e.g. suspend_fails)"},
       [](C& c, W, W v) { c.personality = Personality::parse(v); }},
  });
  return t;
}

}  // namespace vsim::model

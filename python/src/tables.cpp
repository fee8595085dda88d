// Parameter tables for the model structs that have no key=value table of their own (platform layout, virtio-pci
// and virtio-mmio parameters) and for our driver's options. Defaults are read from the default-constructed structs,
// so they cannot drift; names and units follow the doc comments of the structs.
#include <cstdio>
#include <functional>

#include "sim.h"

namespace vsim::pysim {

namespace {

std::string hex(uint64_t v) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}
std::string dec(uint64_t v) { return std::to_string(v); }
std::string sdec(int64_t v) { return std::to_string(v); }
std::string boolean(bool v) { return v ? "true" : "false"; }

template <class S>
struct Field {
  ParamInfo info;
  std::function<void(S&, const std::string& what, const std::string& value)> set;
};

template <class S>
std::vector<ParamInfo> infos(const std::vector<Field<S>>& fields) {
  std::vector<ParamInfo> out;
  for (const auto& f : fields) out.push_back(f.info);
  return out;
}

template <class S>
void apply(const std::vector<Field<S>>& fields, const char* table, S& s, const std::string& key,
           const std::string& value) {
  for (const auto& f : fields)
    if (f.info.name == key) {
      f.set(s, std::string(table) + " parameter '" + key + "'", value);
      return;
    }
  std::string known;
  for (const auto& f : fields) known += (known.empty() ? "" : ", ") + f.info.name;
  throw ParamError(std::string(table) + ": unknown parameter '" + key + "' (known: " + known + ")");
}

// --- platform layout ----------------------------------------------------------------------------------------------

const std::vector<Field<model::PlatformLayout>>& layoutFields() {
  using L = model::PlatformLayout;
  static const L d;
  static const std::vector<Field<L>> f = {
      {{"ram_base", hex(d.ramBase), "address", "guest RAM base"},
       [](L& l, const std::string& w, const std::string& v) { l.ramBase = parseU64(w, v); }},
      {{"ram_size", dec(d.ramSize), "bytes", "guest RAM size (zero-filled); our drivers allocate above its first MiB"},
       [](L& l, const std::string& w, const std::string& v) { l.ramSize = parseU64(w, v, 4ull << 20, 1ull << 36); }},
      {{"ecam_base", hex(d.ecamBase), "address", "PCIe ECAM window base (bus b at ecam_base + b MiB)"},
       [](L& l, const std::string& w, const std::string& v) { l.ecamBase = parseU64(w, v); }},
      {{"ecam_buses", dec(d.ecamBuses), "count", "buses the ECAM window decodes (devices sit on bus 0)"},
       [](L& l, const std::string& w, const std::string& v) { l.ecamBuses = static_cast<uint8_t>(parseU64(w, v, 1, 255)); }},
      {{"pci_mem32_base", hex(d.pciMem32Base), "address", "window for 32-bit memory BARs"},
       [](L& l, const std::string& w, const std::string& v) { l.pciMem32Base = parseU64(w, v); }},
      {{"pci_mem32_size", dec(d.pciMem32Size), "bytes", "size of the 32-bit memory BAR window"},
       [](L& l, const std::string& w, const std::string& v) { l.pciMem32Size = parseU64(w, v); }},
      {{"pci_mem64_base", hex(d.pciMem64Base), "address", "window for 64-bit memory BARs"},
       [](L& l, const std::string& w, const std::string& v) { l.pciMem64Base = parseU64(w, v); }},
      {{"pci_mem64_size", dec(d.pciMem64Size), "bytes", "size of the 64-bit memory BAR window"},
       [](L& l, const std::string& w, const std::string& v) { l.pciMem64Size = parseU64(w, v); }},
      {{"pci_io_base", hex(d.pciIoBase), "port", "window for I/O BARs"},
       [](L& l, const std::string& w, const std::string& v) { l.pciIoBase = parseU64(w, v, 0, 0xffff); }},
      {{"pci_io_size", hex(d.pciIoSize), "bytes", "size of the I/O BAR window"},
       [](L& l, const std::string& w, const std::string& v) { l.pciIoSize = parseU64(w, v, 0, 0x10000); }},
      {{"pci_intx_line_base", dec(d.pciIntxLineBase), "line number", "INTx of PCI device d is this line + d"},
       [](L& l, const std::string& w, const std::string& v) { l.pciIntxLineBase = static_cast<unsigned>(parseU64(w, v, 0, 63)); }},
      {{"mmio_base", hex(d.mmioBase), "address", "first virtio-mmio slot"},
       [](L& l, const std::string& w, const std::string& v) { l.mmioBase = parseU64(w, v); }},
      {{"mmio_stride", hex(d.mmioStride), "bytes", "distance between virtio-mmio slots"},
       [](L& l, const std::string& w, const std::string& v) { l.mmioStride = parseU64(w, v, 1); }},
      {{"mmio_slot_size", hex(d.mmioSlotSize), "bytes", "bytes each virtio-mmio slot decodes"},
       [](L& l, const std::string& w, const std::string& v) { l.mmioSlotSize = parseU64(w, v, 1); }},
      {{"mmio_slots", dec(d.mmioSlots), "count", "number of virtio-mmio slots"},
       [](L& l, const std::string& w, const std::string& v) { l.mmioSlots = static_cast<unsigned>(parseU64(w, v, 0, 64)); }},
      {{"mmio_line_base", dec(d.mmioLineBase), "line number", "interrupt line of slot i is this line + i"},
       [](L& l, const std::string& w, const std::string& v) { l.mmioLineBase = static_cast<unsigned>(parseU64(w, v, 0, 63)); }},
      {{"msi_address", hex(d.msiAddress), "address", "where MSI/MSI-X messages are written"},
       [](L& l, const std::string& w, const std::string& v) { l.msiAddress = parseU64(w, v); }},
  };
  return f;
}

// --- virtio-pci ---------------------------------------------------------------------------------------------------

const std::vector<Field<model::VirtioPciParams>>& pciFields() {
  using P = model::VirtioPciParams;
  static const P d;
  static const std::vector<Field<P>> f = {
      {{"notify_off_multiplier", dec(d.notifyOffMultiplier), "bytes",
        "distance between consecutive queues' notify addresses (0 = one shared address; else a power of two >= 2)"},
       [](P& p, const std::string& w, const std::string& v) { p.notifyOffMultiplier = static_cast<uint32_t>(parseU64(w, v, 0, UINT32_MAX)); }},
      {{"msix", boolean(d.msix), "bool", "present an MSI-X capability (false: INTx only)"},
       [](P& p, const std::string& w, const std::string& v) { p.msix = parseBool(w, v); }},
      {{"msix_vectors", dec(d.msixVectors), "vectors", "MSI-X table size 1..2048 (0 = number of queues + 1, at least 2)"},
       [](P& p, const std::string& w, const std::string& v) { p.msixVectors = static_cast<uint16_t>(parseU64(w, v, 0, 2048)); }},
      {{"modern_bar", dec(d.modernBar), "BAR index", "64-bit memory BAR that holds the virtio structures"},
       [](P& p, const std::string& w, const std::string& v) { p.modernBar = static_cast<uint8_t>(parseU64(w, v, 0, 5)); }},
      {{"modern_bar_prefetchable", boolean(d.modernBarPrefetchable), "bool", "mark the modern BAR prefetchable"},
       [](P& p, const std::string& w, const std::string& v) { p.modernBarPrefetchable = parseBool(w, v); }},
      {{"modern_bar_size", dec(d.modernBarSize), "bytes", "size of the modern BAR (0 = the smallest power of two that fits)"},
       [](P& p, const std::string& w, const std::string& v) { p.modernBarSize = parseU64(w, v); }},
      {{"region_stride", dec(d.regionStride), "bytes", "spacing of the structures in the modern BAR (power of two >= 64)"},
       [](P& p, const std::string& w, const std::string& v) { p.regionStride = static_cast<uint32_t>(parseU64(w, v, 1, UINT32_MAX)); }},
      {{"msix_bar", dec(d.msixBar), "BAR index", "32-bit memory BAR of the MSI-X table and PBA (= modern_bar: shared)"},
       [](P& p, const std::string& w, const std::string& v) { p.msixBar = static_cast<uint8_t>(parseU64(w, v, 0, 5)); }},
      {{"legacy_bar_size", dec(d.legacyBarSize), "bytes", "size of the legacy I/O BAR0 (0 = the smallest that fits)"},
       [](P& p, const std::string& w, const std::string& v) { p.legacyBarSize = static_cast<uint32_t>(parseU64(w, v, 0, 1u << 16)); }},
      {{"revision", sdec(d.revision), "", "PCI Revision ID (-1 = 1 for modern, 0 for legacy/transitional)"},
       [](P& p, const std::string& w, const std::string& v) { p.revision = static_cast<int>(parseI64(w, v, -1, 255)); }},
      {{"subsystem_vendor_id", hex(d.subsystemVendorId), "", "PCI Subsystem Vendor ID"},
       [](P& p, const std::string& w, const std::string& v) { p.subsystemVendorId = static_cast<uint16_t>(parseU64(w, v, 0, 0xffff)); }},
      {{"subsystem_id", sdec(d.subsystemId), "", "PCI Subsystem ID (-1 = 0x1100 for modern, the virtio id otherwise)"},
       [](P& p, const std::string& w, const std::string& v) { p.subsystemId = static_cast<int>(parseI64(w, v, -1, 0xffff)); }},
      {{"class_code", sdec(d.classCode), "24-bit", "PCI class code (-1 = from the device type)"},
       [](P& p, const std::string& w, const std::string& v) { p.classCode = static_cast<int>(parseI64(w, v, -1, 0xffffff)); }},
      {{"interrupt_pin", dec(d.interruptPin), "", "PCI Interrupt Pin (1 = INTA, 0 = no INTx)"},
       [](P& p, const std::string& w, const std::string& v) { p.interruptPin = static_cast<uint8_t>(parseU64(w, v, 0, 4)); }},
      {{"legacy_trap", boolean(d.legacyTrap), "bool",
        "modern only: a 32-byte I/O BAR0 that fences a legacy driver driving the device by mistake"},
       [](P& p, const std::string& w, const std::string& v) { p.legacyTrap = parseBool(w, v); }},
  };
  return f;
}

// --- virtio-mmio --------------------------------------------------------------------------------------------------

const std::vector<Field<model::VirtioMmioParams>>& mmioFields() {
  using M = model::VirtioMmioParams;
  static const M d;
  static const std::vector<Field<M>> f = {
      {{"vendor_id", hex(d.vendorId), "", "value of the VendorID register"},
       [](M& m, const std::string& w, const std::string& v) { m.vendorId = static_cast<uint32_t>(parseU64(w, v, 0, UINT32_MAX)); }},
      {{"legacy_page_size", dec(d.legacyPageSize), "bytes",
        "version 1 only: guest page size used for QueuePFN until the driver writes GuestPageSize"},
       [](M& m, const std::string& w, const std::string& v) { m.legacyPageSize = static_cast<uint32_t>(parseU64(w, v, 1, UINT32_MAX)); }},
      {{"legacy_queue_align", dec(d.legacyQueueAlign), "bytes",
        "version 1 only: used-ring alignment until the driver writes QueueAlign (and after a reset)"},
       [](M& m, const std::string& w, const std::string& v) { m.legacyQueueAlign = static_cast<uint32_t>(parseU64(w, v, 1, UINT32_MAX)); }},
  };
  return f;
}

// --- our driver (drv::DriverOptions) ------------------------------------------------------------------------------

const std::vector<Field<drv::DriverOptions>>& driverFields() {
  using O = drv::DriverOptions;
  static const O d;
  static const std::vector<Field<O>> f = {
      {{"ring_packed", boolean(d.ringPacked), "bool", "accept VIRTIO_F_RING_PACKED when offered"},
       [](O& o, const std::string& w, const std::string& v) { o.ringPacked = parseBool(w, v); }},
      {{"event_idx", boolean(d.eventIdx), "bool", "accept VIRTIO_F_EVENT_IDX when offered"},
       [](O& o, const std::string& w, const std::string& v) { o.eventIdx = parseBool(w, v); }},
      {{"indirect", boolean(d.indirect), "bool", "accept VIRTIO_F_INDIRECT_DESC when offered"},
       [](O& o, const std::string& w, const std::string& v) { o.indirect = parseBool(w, v); }},
      {{"in_order", boolean(d.inOrder), "bool", "accept VIRTIO_F_IN_ORDER when offered"},
       [](O& o, const std::string& w, const std::string& v) { o.inOrder = parseBool(w, v); }},
      {{"notification_data", boolean(d.notificationData), "bool", "accept VIRTIO_F_NOTIFICATION_DATA when offered"},
       [](O& o, const std::string& w, const std::string& v) { o.notificationData = parseBool(w, v); }},
      {{"ring_reset", boolean(d.ringReset), "bool", "accept VIRTIO_F_RING_RESET when offered"},
       [](O& o, const std::string& w, const std::string& v) { o.ringReset = parseBool(w, v); }},
      {{"notif_config_data", boolean(d.notifConfigData), "bool", "accept VIRTIO_F_NOTIF_CONFIG_DATA (PCI modern)"},
       [](O& o, const std::string& w, const std::string& v) { o.notifConfigData = parseBool(w, v); }},
      {{"access_platform", boolean(d.accessPlatform), "bool", "accept VIRTIO_F_ACCESS_PLATFORM when offered"},
       [](O& o, const std::string& w, const std::string& v) { o.accessPlatform = parseBool(w, v); }},
      {{"order_platform", boolean(d.orderPlatform), "bool", "accept VIRTIO_F_ORDER_PLATFORM when offered"},
       [](O& o, const std::string& w, const std::string& v) { o.orderPlatform = parseBool(w, v); }},
      {{"device_features", hex(d.deviceFeatures), "bit mask", "device-type feature bits the driver understands"},
       [](O& o, const std::string& w, const std::string& v) { o.deviceFeatures = parseU64(w, v); }},
      {{"num_queues", sdec(d.numQueues), "queues", "queues to set up (-1 = every queue the device has)"},
       [](O& o, const std::string& w, const std::string& v) { o.numQueues = static_cast<int>(parseI64(w, v, -1, 65535)); }},
      {{"max_queue_size", dec(d.maxQueueSize), "descriptors", "cap on the size chosen for each queue"},
       [](O& o, const std::string& w, const std::string& v) { o.maxQueueSize = static_cast<uint32_t>(parseU64(w, v, 1, 32768)); }},
      {{"force_legacy", boolean(d.forceLegacy), "bool", "drive a transitional PCI device through its legacy interface"},
       [](O& o, const std::string& w, const std::string& v) { o.forceLegacy = parseBool(w, v); }},
      {{"interrupts", "auto", "", "auto (MSI-X when usable, else INTx), msix or intx"},
       [](O& o, const std::string& w, const std::string& v) {
         if (v == "auto") o.interrupts = drv::InterruptMode::Auto;
         else if (v == "msix") o.interrupts = drv::InterruptMode::Msix;
         else if (v == "intx") o.interrupts = drv::InterruptMode::Intx;
         else throw ParamError(w + ": '" + v + "' is not one of auto, msix, intx");
       }},
      {{"reset_timeout_ns", dec(d.resetTimeoutNs), "ns", "a device or queue reset must read back 0 within this time"},
       [](O& o, const std::string& w, const std::string& v) { o.resetTimeoutNs = parseU64(w, v); }},
      {{"needs_reset_grace_ns", dec(d.needsResetGraceNs), "ns",
        "time the device has to send the configuration change for a DEVICE_NEEDS_RESET the driver saw"},
       [](O& o, const std::string& w, const std::string& v) { o.needsResetGraceNs = parseU64(w, v); }},
      {{"verify_config_generation", boolean(d.verifyConfigGeneration), "bool",
        "re-read the configuration to catch changes made without a new generation"},
       [](O& o, const std::string& w, const std::string& v) { o.verifyConfigGeneration = parseBool(w, v); }},
      {{"max_indirect_len", dec(d.queueOptions.maxIndirectLen), "descriptors",
        "longest chain one indirect table holds (0 = no indirect pool)"},
       [](O& o, const std::string& w, const std::string& v) { o.queueOptions.maxIndirectLen = static_cast<uint32_t>(parseU64(w, v, 0, 65536)); }},
      {{"initialize", boolean(d.initialize), "bool", "run the initialisation sequence when opening"},
       [](O& o, const std::string& w, const std::string& v) { o.initialize = parseBool(w, v); }},
  };
  return f;
}

}  // namespace

const std::vector<ParamInfo>& layoutParams() {
  static const auto v = infos(layoutFields());
  return v;
}
const std::vector<ParamInfo>& pciParams() {
  static const auto v = infos(pciFields());
  return v;
}
const std::vector<ParamInfo>& mmioParams() {
  static const auto v = infos(mmioFields());
  return v;
}
const std::vector<ParamInfo>& driverOptionParams() {
  static const auto v = infos(driverFields());
  return v;
}

void applyLayout(model::PlatformLayout& l, const std::string& k, const std::string& v) {
  apply(layoutFields(), "layout", l, k, v);
}
void applyPci(model::VirtioPciParams& p, const std::string& k, const std::string& v) {
  apply(pciFields(), "pci", p, k, v);
}
void applyMmio(model::VirtioMmioParams& p, const std::string& k, const std::string& v) {
  apply(mmioFields(), "mmio", p, k, v);
}
void applyDriverOption(drv::DriverOptions& o, const std::string& k, const std::string& v) {
  apply(driverFields(), "driver option", o, k, v);
}

}  // namespace vsim::pysim

// VirtioPciDevice: construction (IDs, BARs, capabilities), personality tracking, interrupts, resets and the PCI
// configuration access capability. Register decoding lives in virtio_pci_modern.cpp / virtio_pci_legacy.cpp.
#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "pci_clauses.h"
#include "vsim/abi/features.h"
#include "vsim/abi/pci.h"
#include "vsim/abi/status.h"
#include "vsim/model/virtio_pci.h"

namespace vsim::model {

namespace {

uint64_t pow2Ceil(uint64_t v) {
  uint64_t p = 1;
  while (p < v) p <<= 1;
  return p;
}
uint64_t alignUp(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }
bool isPow2(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

[[noreturn]] void bad(const std::string& what) { throw std::invalid_argument("VirtioPciDevice: " + what); }

uint32_t defaultClassCode(uint16_t type) {
  switch (type) {
    case devid::kNet: return 0x020000;    // network controller
    case devid::kBlock:
    case devid::kScsi: return 0x010000;   // mass storage (SCSI)
    case devid::kConsole: return 0x078000;  // communication controller, other
    case devid::kGpu: return 0x038000;    // display controller, other
    case devid::kInput: return 0x098000;  // input device, other
    default: return 0xff0000;             // device does not fit a defined class
  }
}

constexpr uint16_t kModernSubsystemId = 0x1100;  // informational; >= 0x40 as non-transitional devices should have

}  // namespace

const char* personalityName(PciPersonality p) {
  switch (p) {
    case PciPersonality::Modern: return "modern";
    case PciPersonality::Legacy: return "legacy";
    default: return "transitional";
  }
}

class VirtioPciDevice::Window final : public BusTarget {
 public:
  Window(VirtioPciDevice& d, Win w) : d_(d), w_(w) {}
  bool read(uint64_t off, void* data, unsigned len) override { return d_.winRead(w_, off, data, len); }
  bool write(uint64_t off, const void* data, unsigned len) override { return d_.winWrite(w_, off, data, len); }
  std::string regName(uint64_t off) const override { return d_.winName(w_, off); }

 private:
  VirtioPciDevice& d_;
  Win w_;
};

// ---------------------------------------------------------------------------------------------------------------
// Identity and construction

PciIdentity VirtioPciDevice::identityFor(DeviceCore& core, const VirtioPciParams& p) {
  const uint16_t type = core.logic().deviceId();
  PciIdentity id;
  // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Discovery#1: vendor 0x1AF4.
  id.vendorId = pci::kVendorRedHatQumranet;
  if (p.personality == PciPersonality::Modern) {
    // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Discovery#2 and #4: 0x1040 + type,
    // inside 0x1040..0x107f.
    if (type == 0 || type > 0x3f) bad("virtio device id " + std::to_string(type) + " has no PCI device id");
    id.deviceId = static_cast<uint16_t>(pci::kModernDeviceIdBase + type);
    // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Discovery#5: revision >= 1.
    id.revision = 1;
    // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Discovery#6: subsystem id >= 0x40.
    id.subsystemId = kModernSubsystemId;
  } else {
    // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Discovery#2: the transitional id
    // of the table; the legacy note on discovery adds revision 0 and subsystem id = virtio device id.
    const uint16_t t = pci::transitionalDeviceId(type);
    if (t == 0) bad("virtio device id " + std::to_string(type) + " has no transitional PCI device id");
    id.deviceId = t;
    id.revision = 0;
    id.subsystemId = type;
  }
  if (p.revision >= 0) id.revision = static_cast<uint8_t>(p.revision);
  if (p.subsystemId >= 0) id.subsystemId = static_cast<uint16_t>(p.subsystemId);
  id.subsystemVendorId = p.subsystemVendorId;
  id.classCode = p.classCode >= 0 ? static_cast<uint32_t>(p.classCode) & 0xffffff : defaultClassCode(type);
  id.interruptPin = p.interruptPin;
  return id;
}

VirtioPciDevice::VirtioPciDevice(DeviceCore& core, const VirtioPciParams& params)
    : PciEndpoint(identityFor(core, params)), core_(core), p_(params) {
  const uint16_t n = core_.numQueues();
  queueVectors_.assign(n, pci::kNoVector);
  queueVectorUnverified_.assign(n, false);
  queueResetUnconfirmed_.assign(n, false);
  for (auto w : {Win::Common, Win::Isr, Win::Device, Win::Notify, Win::Legacy, Win::Trap})
    windows_.push_back(std::make_unique<Window>(*this, w));
  modernMap_.setFence(&fenced_);
  msixMap_.setFence(&fenced_);
  legacyMap_.setFence(&fenced_);

  const bool modern = p_.personality != PciPersonality::Legacy;
  const bool legacyBar = p_.personality != PciPersonality::Modern || p_.legacyTrap;
  if (p_.legacyTrap && p_.personality != PciPersonality::Modern) bad("legacy_trap is for the Modern personality");
  if (!modern && (p_.decoyCaps || p_.capLenPadding || p_.structureLengthPadding || p_.vendorDataId || p_.sriovTotalVfs))
    bad("decoy_caps, cap_len_padding, structure_length_padding, vendor_data_id and sriov_total_vfs need the modern "
        "interface");
  if (p_.capLenPadding > 16) bad("cap_len_padding must be 0..16");
  if (p_.vendorDataId == pci::kVendorRedHatQumranet)
    // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Vendor data capability#1: never 0x1AF4.
    bad("vendor_data_id must not be 0x1af4");
  if (p_.vendorDataLen > 64) bad("vendor_data_len must be 0..64");
  // devicenormative:Reserved Feature Bits#10: VIRTIO_F_SR_IOV is offered only by a function with an SR-IOV capability.
  if (feat::has(core_.offeredFeatures(), feat::kSrIov) && p_.sriovTotalVfs == 0)
    bad("VIRTIO_F_SR_IOV is offered but sriov_total_vfs is 0 (no SR-IOV capability)");
  core_.setLegacy(false);
  notificationDataOffered_ = feat::has(core_.offeredFeatures(), feat::kNotificationData);

  if (modern) {
    if (p_.modernBar > 4 || (legacyBar && p_.modernBar == 0)) bad("modern_bar must be 0..4 and not the legacy BAR0");
    if (!isPow2(p_.regionStride) || p_.regionStride < 64) bad("region_stride must be a power of two >= 64");
    const uint32_t m = p_.notifyOffMultiplier;
    // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#3:
    // 0 or an even power of two; with NOTIFICATION_DATA offered,
    // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#7:
    // 0 or a power of two that is a multiple of 4.
    if (m != 0 && (!isPow2(m) || m < 2 || (notificationDataOffered_ && m % 4 != 0)))
      bad("notify_off_multiplier must be 0 or a power of two >= 2 (a multiple of 4 with NOTIFICATION_DATA)");
  }
  if (p_.msix) {
    const uint16_t vectors = p_.msixVectors ? p_.msixVectors : static_cast<uint16_t>(std::max<unsigned>(2, n + 1u));
    if (vectors > pci::kMsixMaxVectors) bad("msix_vectors must be 1..2048");
    const bool shared = modern && p_.msixBar == p_.modernBar;
    if (!shared && (p_.msixBar > 5 || (legacyBar && p_.msixBar == 0) ||
                    (modern && (p_.msixBar == p_.modernBar || p_.msixBar == p_.modernBar + 1))))
      bad("msix_bar collides with another BAR");
  }

  switch (p_.personality) {
    case PciPersonality::Modern: mode_ = Mode::Modern; break;
    case PciPersonality::Legacy: setMode(Mode::Legacy); break;
    case PciPersonality::Transitional: mode_ = Mode::Undecided; break;
  }
  if (legacyBar) buildLegacyBar(p_.personality == PciPersonality::Modern);
  if (modern) buildModern();
  buildMsix();
  core_.setIrqSink(this);
}

VirtioPciDevice::~VirtioPciDevice() { core_.setIrqSink(nullptr); }

uint16_t VirtioPciDevice::addVirtioCap(uint8_t type, uint8_t bar, uint32_t offset, uint32_t length, uint8_t extra) {
  // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#1: cap_len
  // counts the whole structure including its extra fields.
  // cap_len_padding: trailing bytes the driver must accept (cap_len may count padding).
  const uint8_t capLen = static_cast<uint8_t>(sizeof(pci::VirtioPciCap) + extra + p_.capLenPadding);
  const uint16_t c = addCapability(pci::kCapIdVendor, capLen);
  cfgPut8(c + offsetof(pci::VirtioPciCap, capLen), capLen);
  cfgPut8(c + offsetof(pci::VirtioPciCap, cfgType), type);
  cfgPut8(c + offsetof(pci::VirtioPciCap, bar), bar);
  cfgPut8(c + offsetof(pci::VirtioPciCap, id), 0);
  cfgPut32(c + offsetof(pci::VirtioPciCap, offset), offset);
  cfgPut32(c + offsetof(pci::VirtioPciCap, length), length);
  vcaps_.push_back(VirtioCap{c, capLen, type, bar, offset, length});
  return c;
}

void VirtioPciDevice::buildModern() {
  const uint64_t stride = p_.regionStride;
  const uint16_t n = core_.numQueues();
  uint64_t next = 0;
  auto place = [&](uint64_t len) {
    const uint64_t at = next;
    next += alignUp(std::max<uint64_t>(len, 1), stride);
    return static_cast<uint32_t>(at);
  };
  Layout& L = layout_;
  L.modernBar = p_.modernBar;
  const uint32_t pad = p_.structureLengthPadding;  // declared (and decoded) beyond each structure
  // Every structure starts on a region_stride boundary (a power of two >= 64), which meets:
  // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#1: common cfg offset 4-byte aligned;
  // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Device-specific configuration#1: device cfg offset 4-byte aligned;
  // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#2 and #8: notify offset 2- and 4-byte aligned.
  L.commonOff = place(uint64_t{pci::common::kSize} + pad);
  L.commonLen = pci::common::kSize;
  L.isrOff = place(std::max<uint64_t>(4, 1ull + pad));
  L.isrLen = 1;
  const uint32_t cfgSize = core_.configSize();
  if (cfgSize) {
    L.deviceOff = place(uint64_t{cfgSize} + pad);
    L.deviceLen = cfgSize;
  }
  const uint32_t m = p_.notifyOffMultiplier;
  // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#9: at least 4 bytes (so also #4's 2 bytes), for every possible configuration.
  // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#11: for each queue q (queue_notify_off = q) the length covers q * multiplier + 4 (so also #6's + 2).
  L.notifyLen = static_cast<uint32_t>(std::max<uint64_t>(4, (n ? n - 1u : 0u) * uint64_t{m} + 4));
  L.notifyOff = place(uint64_t{L.notifyLen} + pad);
  L.notifyOffMultiplier = m;
  if (p_.decoyCaps) L.decoyOff = place(0x40);  // a slot nothing is mapped at: decode errors

  modernMap_.add(L.commonOff, L.commonLen + pad, windows_[0].get(), "common");
  modernMap_.add(L.isrOff, std::max(4u, 1u + pad), windows_[1].get(), "isr");
  if (L.deviceLen) modernMap_.add(L.deviceOff, L.deviceLen + pad, windows_[2].get(), "device_cfg");
  modernMap_.add(L.notifyOff, L.notifyLen + pad, windows_[3].get(), "notify");

  if (p_.msix && p_.msixBar == p_.modernBar) {
    const uint16_t vectors = p_.msixVectors ? p_.msixVectors : static_cast<uint16_t>(std::max<unsigned>(2, n + 1u));
    L.msixTableOff = place(16u * vectors);
    L.msixPbaOff = place(((vectors + 63u) / 64u) * 8u);
  }
  uint64_t size = pow2Ceil(std::max<uint64_t>(next, 4096));
  if (p_.modernBarSize) {
    if (!isPow2(p_.modernBarSize) || p_.modernBarSize < next) bad("modern_bar_size too small or not a power of two");
    size = p_.modernBarSize;
  }
  L.modernBarSize = size;
  defineBar(p_.modernBar, BarInfo{true, false, true, p_.modernBarPrefetchable, size}, &modernMap_);

  // Capability order: common, notify, ISR, device, PCI cfg access; one of each, so the preference order of
  // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#3 holds trivially.
  if (p_.decoyCaps) buildDecoyCaps(L.decoyOff);
  // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#2: at least one common configuration capability.
  L.commonCap = addVirtioCap(pci::kCapCommonCfg, p_.modernBar, L.commonOff, L.commonLen + pad, 0);
  // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#1.
  L.notifyCap = addVirtioCap(pci::kCapNotifyCfg, p_.modernBar, L.notifyOff, L.notifyLen + pad, 4);
  cfgPut32(L.notifyCap + offsetof(pci::VirtioPciNotifyCap, notifyOffMultiplier), m);
  // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / ISR status capability#1.
  L.isrCap = addVirtioCap(pci::kCapIsrCfg, p_.modernBar, L.isrOff, L.isrLen + pad, 0);
  if (L.deviceLen) L.deviceCap = addVirtioCap(pci::kCapDeviceCfg, p_.modernBar, L.deviceOff, L.deviceLen + pad, 0);
  // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / PCI configuration access capability#1: bar, offset and length start at 0; the driver programs them.
  L.pciCfgCap = addVirtioCap(pci::kCapPciCfg, 0, 0, 0, 4);
  if (p_.vendorDataId) buildVendorDataCap();
  if (p_.sriovTotalVfs) buildSriov();
}

void VirtioPciDevice::buildLegacyBar(bool trap) {
  const uint32_t need = trap ? 32u : pci::legacy::kDeviceConfigMsix + core_.configSize();
  uint32_t size = std::max<uint32_t>(32, static_cast<uint32_t>(pow2Ceil(need)));
  if (!trap && p_.legacyBarSize) {
    if (!isPow2(p_.legacyBarSize) || p_.legacyBarSize < need) bad("legacy_bar_size too small or not a power of two");
    size = p_.legacyBarSize;
  }
  layout_.legacyBarPresent = true;
  layout_.legacyBarSize = size;
  // Legacy note on device layout detection: transitional devices expose the legacy interface in I/O BAR0.
  legacyMap_.add(0, size, windows_[trap ? 5 : 4].get(), trap ? "legacy_trap" : "legacy");
  defineBar(0, BarInfo{true, true, false, false, size}, &legacyMap_);
}

void VirtioPciDevice::buildMsix() {
  if (!p_.msix) return;
  const uint16_t n = core_.numQueues();
  // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#1: by default one vector per queue plus one for config
  // changes, at least 2; #2: reported as Table Size (N-1) in the capability.
  const uint16_t vectors = p_.msixVectors ? p_.msixVectors : static_cast<uint16_t>(std::max<unsigned>(2, n + 1u));
  Layout& L = layout_;
  const bool shared = p_.personality != PciPersonality::Legacy && p_.msixBar == p_.modernBar;
  const uint32_t tableBytes = 16u * vectors, pbaBytes = ((vectors + 63u) / 64u) * 8u;
  L.msixBar = p_.msixBar;
  if (shared) {
    L.msixBarSize = L.modernBarSize;
    L.msixCap = addMsixCapability(vectors, p_.msixBar, L.msixTableOff, p_.msixBar, L.msixPbaOff);
    modernMap_.add(L.msixTableOff, tableBytes, msixTableTarget(), "msix.table");
    modernMap_.add(L.msixPbaOff, pbaBytes, msixPbaTarget(), "msix.pba");
    return;
  }
  L.msixTableOff = 0;
  L.msixPbaOff = static_cast<uint32_t>(alignUp(tableBytes, 2048));
  L.msixBarSize = pow2Ceil(std::max<uint64_t>(4096, L.msixPbaOff + pbaBytes));
  L.msixCap = addMsixCapability(vectors, p_.msixBar, 0, p_.msixBar, L.msixPbaOff);
  msixMap_.add(0, tableBytes, msixTableTarget(), "msix.table");
  msixMap_.add(L.msixPbaOff, pbaBytes, msixPbaTarget(), "msix.pba");
  defineBar(p_.msixBar, BarInfo{true, false, false, false, L.msixBarSize}, &msixMap_);
}

std::string VirtioPciDevice::capName(uint16_t capOff) const {
  for (const auto& c : vcaps_) {
    if (c.off != capOff) continue;
    if (c.decoy) return "virtio_decoy_cap";
    switch (c.type) {
      case pci::kCapCommonCfg: return "virtio_common_cap";
      case pci::kCapNotifyCfg: return "virtio_notify_cap";
      case pci::kCapIsrCfg: return "virtio_isr_cap";
      case pci::kCapDeviceCfg: return "virtio_device_cap";
      case pci::kCapPciCfg: return "virtio_pci_cfg_cap";
      default: return "virtio_cap";
    }
  }
  if (capOff && capOff == layout_.vendorDataCap) return "virtio_vendor_data_cap";
  if (capOff && capOff == layout_.pcieCap) return "pcie_cap";
  return PciEndpoint::capName(capOff);
}

uint16_t VirtioPciDevice::queueVector(uint16_t q) const {
  return q < queueVectors_.size() ? queueVectors_[q] : pci::kNoVector;
}

void VirtioPciDevice::violate(const char* clause, const char* kind, std::string msg, std::vector<Evidence> ev) {
  core_.violate(clause, kind, std::move(msg), std::move(ev));
}

// ---------------------------------------------------------------------------------------------------------------
// Personality

void VirtioPciDevice::setMode(Mode m) {
  mode_ = m;
  core_.setLegacy(m == Mode::Legacy);
}

void VirtioPciDevice::reportMix(bool legacyAccess) {
  if (mixReported_) return;
  mixReported_ = true;
  // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#2 (nearest):
  // a driver uses one configuration interface; the legacy layout and the modern structures are two instances of
  // the device's configuration and a transitional device cannot serve a mixture of them.
  violate(pciclause::kCapFirstInstance, "transport.mixed_interfaces",
          legacyAccess ? "driver used the legacy I/O BAR after initialising through the modern structures (nearest)"
                       : "driver used the modern structures after initialising through the legacy I/O BAR (nearest)",
          {{"status", core_.status()}, {"legacy_access", legacyAccess}});
}

bool VirtioPciDevice::admitModern(bool decides) {
  if (p_.personality == PciPersonality::Modern || mode_ == Mode::Modern) return true;
  if (mode_ == Mode::Undecided || core_.status() == 0) {  // nothing initialised yet: the driver may still choose
    if (decides) setMode(Mode::Modern);
    return true;
  }
  reportMix(false);
  return false;
}

bool VirtioPciDevice::admitLegacy() {
  if (mode_ == Mode::Legacy) return true;
  if (mode_ == Mode::Undecided || core_.status() == 0) {
    setMode(Mode::Legacy);
    return true;
  }
  reportMix(true);
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// Interrupts

void VirtioPciDevice::updateIntx() {
  // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / ISR status capability#4:
  // with MSI-X disabled, Status.InterruptStatus (and INTx unless disabled) follows the OR of the ISR bits.
  setIntxPending(isr_ != 0 && !msixEnabled());
}

void VirtioPciDevice::raise(IrqKind kind, uint16_t queue) {
  if (fenced_) return;
  if (kind == IrqKind::Config) {
    // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / ISR status capability#2:
    // the configuration bit is set before the notification is sent (MSI-X or not).
    isr_ |= pci::kIsrConfig;
    if (msixEnabled()) {
      // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Notification of Device Configuration Changes#1: no interrupt with NO_VECTOR.
      if (configVector_ != pci::kNoVector && msixSignal(configVector_)) configMsgSinceIsrRead_ = true;
      return;
    }
    updateIntx();
    return;
  }
  if (msixEnabled()) {
    // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Used Buffer Notifications#1: no interrupt for a queue mapped to NO_VECTOR.
    const uint16_t v = queueVector(queue);
    if (v != pci::kNoVector && msixSignal(v)) queueMsgSinceIsrRead_ = true;
    return;
  }
  // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / ISR status capability#3:
  // with MSI-X disabled the queue bit is set before the (INTx) notification.
  isr_ |= pci::kIsrQueue;
  updateIntx();
}

void VirtioPciDevice::onMsixControlChanged(bool, bool) { updateIntx(); }

uint8_t VirtioPciDevice::readIsr() {
  // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / ISR status capability#1:
  // with MSI-X enabled, the driver does not read ISR because of a queue interrupt (seen as: an ISR read after a
  // queue vector message and no configuration message).
  if (msixEnabled() && queueMsgSinceIsrRead_ && !configMsgSinceIsrRead_)
    violate(pciclause::kIsrWithMsix, "isr.read_with_msix", "driver read ISR status after an MSI-X queue interrupt",
            {{"isr", isr_}});
  queueMsgSinceIsrRead_ = configMsgSinceIsrRead_ = false;
  // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / ISR status capability#5:
  // reading resets ISR status (and deasserts INTx).
  const uint8_t v = isr_;
  isr_ = 0;
  updateIntx();
  return v;
}

// ---------------------------------------------------------------------------------------------------------------
// Resets

void VirtioPciDevice::transportReset() {
  dfSelect_ = gfSelect_ = 0;
  queueSel_ = 0;
  // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#7: every event unmapped on reset.
  configVector_ = pci::kNoVector;
  std::fill(queueVectors_.begin(), queueVectors_.end(), pci::kNoVector);
  configVectorUnverified_ = false;
  std::fill(queueVectorUnverified_.begin(), queueVectorUnverified_.end(), false);
  std::fill(queueResetUnconfirmed_.begin(), queueResetUnconfirmed_.end(), false);
  isr_ = 0;
  updateIntx();
  mixReported_ = false;
  queueMsgSinceIsrRead_ = configMsgSinceIsrRead_ = false;
}

void VirtioPciDevice::onFunctionReset() {
  core_.writeStatus(0);
  transportReset();
  fenced_ = false;
  trapReported_ = false;
  awaitZeroStatusRead_ = false;
  resetOptionalCaps();
  if (p_.personality == PciPersonality::Transitional) setMode(Mode::Undecided);
}

void VirtioPciDevice::checkVectorsVerified() {
  // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#5: a mapping is read back before it is relied on
  // (checked when the driver sets DRIVER_OK).
  if (configVectorUnverified_) {
    configVectorUnverified_ = false;
    violate(pciclause::kMsixVerify, "msix.mapping_not_verified",
            "driver set DRIVER_OK without reading config_msix_vector back", {{"vector", configVector_}});
  }
  for (uint16_t q = 0; q < queueVectorUnverified_.size(); ++q) {
    if (!queueVectorUnverified_[q]) continue;
    queueVectorUnverified_[q] = false;
    violate(pciclause::kMsixVerify, "msix.mapping_not_verified",
            "driver set DRIVER_OK without reading queue_msix_vector back", {{"queue", q}, {"vector", queueVectors_[q]}});
  }
}

uint16_t VirtioPciDevice::mapVector(uint16_t v, const char* field) {
  // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#5: any event can be unmapped.
  if (v == pci::kNoVector) return v;
  const uint16_t tableSize = msixPresent() ? msixTableSize() : 0;
  if (v >= tableSize) {
    // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#4: vectors stay inside the MSI-X table.
    violate(pciclause::kMsixOutOfTable, "msix.vector_out_of_range",
            std::string("driver mapped ") + field + " to a vector outside the MSI-X table",
            {{"vector", v}, {"table_size", tableSize}});
    // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#9: the failed mapping reads back NO_VECTOR.
    return pci::kNoVector;
  }
  // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#4: any event can use any vector of the table.
  return v;
}

// ---------------------------------------------------------------------------------------------------------------
// PCI configuration space: capability protection and the PCI configuration access capability

bool VirtioPciDevice::cfgWriteHook(uint16_t off, uint32_t value, unsigned len) {
  if (optionalCapWrite(off, value, len)) return true;
  for (const auto& c : vcaps_) {
    if (off + len <= c.off || off >= c.off + c.len) continue;
    if (c.type != pci::kCapPciCfg) {
      // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#8: the
      // capability structures are read-only for the driver.
      violate(pciclause::kCapWrite, "cap.write", "driver wrote into a virtio capability structure",
              {{"cfg_offset", off}, {"len", len}, {"value", value}, {"cfg_type", c.type}});
      return true;
    }
    bool readOnlyTouched = false, dataTouched = false;
    for (unsigned k = 0; k < len; ++k) {
      const unsigned b = off + k - c.off;
      const bool rw = b == offsetof(pci::VirtioPciCap, bar) ||
                      (b >= offsetof(pci::VirtioPciCap, offset) && b < sizeof(pci::VirtioPciCfgCap));
      if (!rw) {
        readOnlyTouched = true;
        continue;
      }
      cfgPut8(static_cast<uint16_t>(off + k), static_cast<uint8_t>(value >> (8 * k)));
      dataTouched |= b >= offsetof(pci::VirtioPciCfgCap, pciCfgData);
    }
    if (readOnlyTouched)
      // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#8: only
      // bar, offset, length and pci_cfg_data of the PCI configuration access capability are writable.
      violate(pciclause::kCapWrite, "cap.write", "driver wrote a read-only field of the PCI cfg access capability",
              {{"cfg_offset", off}, {"len", len}, {"value", value}});
    // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / PCI configuration access capability#2: a write to pci_cfg_data is executed on the selected BAR.
    if (dataTouched) pciCfgAccess(true);
    return true;
  }
  return false;
}

void VirtioPciDevice::beforeCfgRead(uint16_t off, unsigned len) {
  optionalCapRead(off, len);
  const uint16_t c = layout_.pciCfgCap;
  if (!c) return;
  const uint16_t data = static_cast<uint16_t>(c + offsetof(pci::VirtioPciCfgCap, pciCfgData));
  // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / PCI configuration access capability#3: a read of pci_cfg_data executes the read on the selected BAR first.
  if (off < data + 4 && off + len > data) pciCfgAccess(false);
}

bool VirtioPciDevice::insideVirtioStructure(uint8_t bar, uint32_t off, uint32_t len) const {
  for (const auto& c : vcaps_)
    if (c.type != pci::kCapPciCfg && !c.decoy && c.bar == bar && off >= c.offset && len <= c.length && off - c.offset <= c.length - len)
      return true;
  return false;
}

void VirtioPciDevice::pciCfgAccess(bool write) {
  const uint16_t c = layout_.pciCfgCap;
  const uint8_t bar = cfgGet8(c + offsetof(pci::VirtioPciCap, bar));
  const uint32_t offset = cfgGet32(c + offsetof(pci::VirtioPciCap, offset));
  const uint32_t length = cfgGet32(c + offsetof(pci::VirtioPciCap, length));
  const uint16_t data = static_cast<uint16_t>(c + offsetof(pci::VirtioPciCfgCap, pciCfgData));
  bool ok = false;
  if (length != 1 && length != 2 && length != 4) {
    // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / PCI configuration access capability#2 (nearest): only 1-, 2- and 4-byte aligned accesses go through the window.
    violate(pciclause::kPciCfgAligned, "pci_cfg.bad_length", "PCI cfg access with cap.length not 1, 2 or 4 (nearest)",
            {{"bar", bar}, {"offset", offset}, {"length", length}, {"write", write}});
  } else if (offset % length != 0) {
    // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / PCI configuration access capability#1: cap.offset is a multiple of cap.length.
    violate(pciclause::kPciCfgOffsetMultiple, "pci_cfg.unaligned", "PCI cfg access with cap.offset not a multiple of cap.length",
            {{"bar", bar}, {"offset", offset}, {"length", length}, {"write", write}});
  } else if (!insideVirtioStructure(bar, offset, length)) {
    // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / PCI configuration access capability#3: the window addresses bytes of a structure another virtio capability describes.
    violate(pciclause::kPciCfgInStructure, "pci_cfg.outside_structure",
            "PCI cfg access outside every virtio structure", {{"bar", bar}, {"offset", offset}, {"length", length},
                                                              {"write", write}});
  } else if (BusTarget* t = barTarget(bar)) {
    uint8_t buf[4];
    for (unsigned k = 0; k < 4; ++k) buf[k] = cfgGet8(static_cast<uint16_t>(data + k));
    ok = write ? t->write(offset, buf, length) : t->read(offset, buf, length);
    if (ok && !write)
      for (unsigned k = 0; k < length; ++k) cfgPut8(static_cast<uint16_t>(data + k), buf[k]);
  }
  if (!ok && !write)
    for (unsigned k = 0; k < 4; ++k) cfgPut8(static_cast<uint16_t>(data + k), 0xff);  // nothing read: all-ones
}

}  // namespace vsim::model

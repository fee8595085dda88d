// VirtioPciDevice: the virtio-over-PCI transport (virtio 1.4, "Virtio Over PCI Bus") as a PCI function in front of a
// DeviceCore. Transports and devices are two hierarchies: the function holds a reference to the core (which holds
// the device type's DeviceLogic) and turns register accesses into core calls, and the core's interrupts into ISR
// bits + INTx or MSI-X messages.
//
// Personalities (fixed at construction):
//  - Modern: device id 0x1040 + type, revision 1, the virtio structures in a 64-bit memory BAR located by vendor
//    capabilities (common, notify, ISR, device config), the PCI configuration access capability, MSI-X.
//  - Legacy: the 0.9.5 layout in I/O BAR0, transitional device id, revision 0, subsystem id = virtio device id.
//  - Transitional: both; the first interface the driver uses decides (the core is put in legacy mode when the I/O
//    BAR is used); mixing the two in one initialisation is reported.
//
// Every driver-normative rule of the PCI transport the function can observe is checked and reported through
// DeviceCore::violate() with its clause ID; see README.md for the table. A violation never throws; the offending
// access is ignored (writes) or served without side effects (reads) and the device stays usable.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vsim/model/device_core.h"
#include "vsim/model/pci_endpoint.h"

namespace vsim::model {

enum class PciPersonality : uint8_t { Modern, Legacy, Transitional };
const char* personalityName(PciPersonality p);

/// Parameters of the virtio PCI function (bound to Python later). "auto" values are derived from the personality
/// and the device type as the spec's discovery rules require.
struct VirtioPciParams {
  /// personality (default Modern, enum): which interfaces the function presents: Modern, Legacy or Transitional.
  PciPersonality personality = PciPersonality::Modern;
  /// notify_off_multiplier (default 4, bytes): distance between the notify addresses of consecutive queues; 0 = one
  /// address shared by all queues. Must be 0 or a power of two >= 2 (>= 4 when NOTIFICATION_DATA is offered).
  uint32_t notifyOffMultiplier = 4;
  /// msix (default true, bool): present an MSI-X capability; false = INTx only.
  bool msix = true;
  /// msix_vectors (default 0 = num_queues + 1, at least 2, vectors): MSI-X Table Size (1..2048).
  uint16_t msixVectors = 0;
  /// modern_bar (default 4, BAR index): 64-bit memory BAR holding the virtio structures (occupies it and the next).
  uint8_t modernBar = 4;
  /// modern_bar_prefetchable (default true, bool): the modern BAR is marked prefetchable.
  bool modernBarPrefetchable = true;
  /// modern_bar_size (default 0 = smallest power of two that fits, bytes): size of the modern BAR.
  uint64_t modernBarSize = 0;
  /// region_stride (default 4096, bytes): alignment/spacing of the common, ISR, device and notify structures in
  /// the modern BAR (power of two >= 64).
  uint32_t regionStride = 4096;
  /// msix_bar (default 1, BAR index): 32-bit memory BAR holding the MSI-X table and PBA; equal to modern_bar =
  /// share the modern BAR (placed after the virtio structures).
  uint8_t msixBar = 1;
  /// legacy_bar_size (default 0 = smallest power of two >= 32 that fits header and device config, bytes): size of
  /// the legacy I/O BAR0 (Legacy and Transitional).
  uint32_t legacyBarSize = 0;
  /// revision (default -1 = auto: 1 Modern, 0 Legacy/Transitional): PCI Revision ID.
  int revision = -1;
  /// subsystem_vendor_id (default 0x1af4): PCI Subsystem Vendor ID.
  uint16_t subsystemVendorId = 0x1af4;
  /// subsystem_id (default -1 = auto: 0x1100 Modern, the virtio device id Legacy/Transitional): PCI Subsystem ID.
  int subsystemId = -1;
  /// class_code (default -1 = auto from the device type, 24-bit): PCI class code.
  int classCode = -1;
  /// interrupt_pin (default 1 = INTA, 0 = none): PCI Interrupt Pin.
  uint8_t interruptPin = 1;
  /// legacy_trap (default false, bool): Modern only: present a 32-byte I/O BAR0 that fences a legacy driver that
  /// mistakenly drives the device (a 1-byte 0 written at offset 18 makes every BAR read 0 and ignore writes).
  bool legacyTrap = false;
  /// cap_len_padding (default 0, bytes, 0..16): padding at the end of every virtio capability; its cap_len counts
  /// it (the spec lets cap_len include padding), so drivers see a cap_len larger than the structure.
  uint8_t capLenPadding = 0;
  /// structure_length_padding (default 0, bytes): extra bytes the common, notify, ISR and device-configuration
  /// capabilities declare in their length beyond the structure (reads there return 0, writes are ignored; notify
  /// writes there are notifications at no queue's address).
  uint32_t structureLengthPadding = 0;
  /// decoy_caps (default false, bool): start the capability list with two vendor capabilities a driver must
  /// ignore: one with a reserved cfg_type and a common-configuration one with a reserved bar value; both describe
  /// an unmapped gap of the modern BAR.
  bool decoyCaps = false;
  /// vendor_data_id (default 0 = no capability): present a vendor data capability (VIRTIO_PCI_CAP_VENDOR_CFG,
  /// Modern/Transitional) with this vendor_id (never 0x1af4), followed by vendor_data_len read-only bytes.
  uint16_t vendorDataId = 0;
  /// vendor_data_len (default 6, bytes, 0..64): vendor-defined bytes after vendor_id (the capability is padded to a
  /// multiple of 4 bytes).
  uint8_t vendorDataLen = 6;
  /// sriov_total_vfs (default 0 = no SR-IOV, VFs): present a PCI Express capability and an SR-IOV extended
  /// capability (at 0x100) with this TotalVFs. VF Enable is recorded and checked, but no virtual function is
  /// instantiated (they would read as absent). Offer VIRTIO_F_SR_IOV with it (CoreOptions::ringFeatures).
  uint16_t sriovTotalVfs = 0;
};

class VirtioPciDevice final : public PciEndpoint, public IrqSink {
 public:
  /// Which interface the current driver uses (Transitional: decided by the first access; else fixed).
  enum class Mode : uint8_t { Undecided, Modern, Legacy };

  /// Where everything is (offsets within their BARs; caps are configuration space offsets; 0 = absent).
  struct Layout {
    uint8_t modernBar = 0;
    uint64_t modernBarSize = 0;
    uint32_t commonOff = 0, commonLen = 0;
    uint32_t isrOff = 0, isrLen = 0;
    uint32_t deviceOff = 0, deviceLen = 0;  ///< deviceLen 0: no device-specific configuration
    uint32_t notifyOff = 0, notifyLen = 0;
    uint32_t notifyOffMultiplier = 0;
    uint16_t commonCap = 0, notifyCap = 0, isrCap = 0, deviceCap = 0, pciCfgCap = 0, msixCap = 0;
    uint8_t msixBar = 0;
    uint64_t msixBarSize = 0;
    uint32_t msixTableOff = 0, msixPbaOff = 0;
    bool legacyBarPresent = false;  ///< I/O BAR0 (legacy layout, or the legacy trap)
    uint32_t legacyBarSize = 0;
    uint16_t reservedTypeCap = 0, reservedBarCap = 0;  ///< decoy capabilities (decoy_caps)
    uint32_t decoyOff = 0;                             ///< the unmapped gap of the modern BAR they describe
    uint16_t vendorDataCap = 0;                        ///< vendor data capability (vendor_data_id)
    uint16_t pcieCap = 0, sriovCap = 0;                ///< PCI Express and SR-IOV capabilities (sriov_total_vfs)
  };

  /// Throws std::invalid_argument for parameters that would make a non-conforming or impossible device (e.g. a
  /// Legacy/Transitional personality for a device type without a transitional device id, a bad multiplier).
  explicit VirtioPciDevice(DeviceCore& core, const VirtioPciParams& params = {});
  ~VirtioPciDevice() override;

  DeviceCore& core() { return core_; }
  const VirtioPciParams& params() const { return p_; }
  PciPersonality personality() const { return p_.personality; }
  Mode mode() const { return mode_; }
  const Layout& layout() const { return layout_; }
  bool fenced() const { return fenced_; }

  uint8_t isrStatus() const { return isr_; }
  /// SR-IOV: VF Enable as the driver last wrote it.
  bool vfEnabled() const;
  uint16_t configVector() const { return configVector_; }
  uint16_t queueVector(uint16_t q) const;
  uint16_t queueNotifyOff(uint16_t q) const { return q; }
  uint16_t queueNotifConfigData(uint16_t q) const { return q; }

  // --- IrqSink: used buffer / configuration change notifications from the core ---
  void raise(IrqKind kind, uint16_t queue) override;

 protected:
  void beforeCfgRead(uint16_t off, unsigned len) override;
  bool cfgWriteHook(uint16_t off, uint32_t value, unsigned len) override;
  void onMsixControlChanged(bool enabled, bool functionMasked) override;
  void onFunctionReset() override;
  std::string capName(uint16_t capOff) const override;

 private:
  enum class Win : uint8_t { Common, Isr, Device, Notify, Legacy, Trap };
  class Window;
  struct VirtioCap {
    uint16_t off;
    uint8_t len;
    uint8_t type;
    uint8_t bar;
    uint32_t offset, length;
    bool decoy = false;  ///< describes no structure (decoy_caps)
  };

  static PciIdentity identityFor(DeviceCore& core, const VirtioPciParams& p);
  void buildModern();
  void buildLegacyBar(bool trap);
  void buildMsix();
  uint16_t addVirtioCap(uint8_t type, uint8_t bar, uint32_t offset, uint32_t length, uint8_t extra);
  // optional capabilities (virtio_pci_optional_caps.cpp)
  void buildDecoyCaps(uint32_t gapOff);
  void buildVendorDataCap();
  void buildSriov();
  /// Configuration writes into the vendor data / SR-IOV capabilities; true when handled (nothing more to do).
  bool optionalCapWrite(uint16_t off, uint32_t value, unsigned len);
  void optionalCapRead(uint16_t off, unsigned len);
  void checkSrIovAccepted(uint32_t select, uint32_t value);
  void noteFeaturesAccepted();
  void resetOptionalCaps();  ///< function reset: VF Enable and NumVFs back to 0, vendor_id to be read again

  // personality
  bool admitModern(bool decides);
  bool admitLegacy();
  void setMode(Mode m);
  void reportMix(bool legacyAccess);

  // window dispatch
  bool winRead(Win w, uint64_t off, void* data, unsigned len);
  bool winWrite(Win w, uint64_t off, const void* data, unsigned len);
  std::string winName(Win w, uint64_t off) const;
  bool paddingRead(void* data, unsigned len);  ///< structure_length_padding bytes: read as 0

  // common configuration
  bool commonRead(uint32_t off, void* data, unsigned len);
  bool commonWrite(uint32_t off, const void* data, unsigned len);
  uint32_t commonField(uint32_t unit, bool sideEffects);
  void commonFieldWrite(uint32_t unit, uint32_t v);
  bool queueConfigurable(uint16_t q, const char* field);
  uint16_t presentedQueueSize(uint16_t q);
  void writeQueueSize(uint16_t q, uint16_t v);
  void writeQueueEnable(uint16_t q, uint16_t v);
  void writeQueueReset(uint16_t q, uint16_t v);
  void writeStatusModern(uint8_t v);
  // shared pieces
  uint16_t mapVector(uint16_t v, const char* field);
  uint8_t readIsr();
  void checkVectorsVerified();
  void transportReset();
  void updateIntx();
  // notify, ISR, device config
  bool notifyWrite(uint32_t off, const void* data, unsigned len);
  bool deviceCfgAccess(uint32_t off, void* data, unsigned len, bool write);
  // legacy
  bool legacyRead(uint32_t off, void* data, unsigned len);
  bool legacyWrite(uint32_t off, const void* data, unsigned len);
  uint32_t legacyHeaderSize() const;
  uint32_t legacyField(uint32_t off, bool sideEffects);
  void legacyFieldWrite(uint32_t off, uint32_t v);
  void writeQueuePfn(uint16_t q, uint32_t pfn);
  uint16_t legacyQueueSize(uint16_t q) const;
  bool trapWrite(uint32_t off, const void* data, unsigned len);
  // PCI configuration access capability
  void pciCfgAccess(bool write);
  bool insideVirtioStructure(uint8_t bar, uint32_t off, uint32_t len) const;

  void violate(const char* clause, const char* kind, std::string msg, std::vector<Evidence> ev);

  DeviceCore& core_;
  VirtioPciParams p_;
  Layout layout_;
  Mode mode_ = Mode::Undecided;
  std::vector<std::unique_ptr<Window>> windows_;
  BarRegionMap modernMap_, msixMap_, legacyMap_;
  std::vector<VirtioCap> vcaps_;
  bool notificationDataOffered_ = false;

  // transport state (reset with the device)
  uint32_t dfSelect_ = 0, gfSelect_ = 0;
  uint16_t queueSel_ = 0;
  uint16_t configVector_ = 0xffff;
  std::vector<uint16_t> queueVectors_;
  bool configVectorUnverified_ = false;
  std::vector<bool> queueVectorUnverified_;
  std::vector<bool> queueResetUnconfirmed_;
  uint8_t isr_ = 0;
  bool awaitZeroStatusRead_ = false;
  bool mixReported_ = false;
  bool queueMsgSinceIsrRead_ = false, configMsgSinceIsrRead_ = false;
  bool fenced_ = false;
  bool trapReported_ = false;
  // optional capabilities (function state: kept across device resets, cleared by a function reset)
  bool vendorIdRead_ = false;      ///< the driver read vendor_id of the vendor data capability
  bool srIovNegotiated_ = false;   ///< VIRTIO_F_SR_IOV was negotiated once (FEATURES_OK accepted with it)
};

}  // namespace vsim::model

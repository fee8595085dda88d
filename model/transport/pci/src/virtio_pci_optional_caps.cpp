// VirtioPciDevice: the optional capabilities a driver meets on some devices: decoys it must ignore (reserved
// cfg_type, reserved bar value), the vendor data capability, and SR-IOV (a PCI Express capability plus the SR-IOV
// extended capability). Their driver-normative checks live here too.
#include <cstring>

#include "vsim/abi/features.h"
#include "vsim/abi/pci.h"
#include "vsim/abi/status.h"
#include "vsim/model/virtio_pci.h"

namespace vsim::model {

namespace {

/// A cfg_type value the spec leaves reserved.
constexpr uint8_t kReservedCfgType = 0xf0;
/// A bar value the spec leaves reserved (0..5 name BARs).
constexpr uint8_t kReservedBar = 6;

/// Vendor data capability (struct virtio_pci_vndr_data): cap_vndr, cap_next, cap_len, cfg_type, vendor_id, data.
constexpr uint16_t kVendorIdAt = 4, kVendorDataAt = 6;

/// PCI Express capability (version 2, PCI Express endpoint): 0x3c bytes, all capability registers 0 but the version.
constexpr uint8_t kCapIdPcie = 0x10, kPcieCapSize = 0x3c;
constexpr uint16_t kPcieCapVersion2 = 0x0002;

/// SR-IOV extended capability (PCI Express Base Specification, 9.3.3), at the start of the extended space.
constexpr uint16_t kSriovAt = 0x100;
constexpr uint16_t kExtCapIdSriov = 0x0010;
constexpr uint16_t kSriovControl = 0x08, kSriovInitialVfs = 0x0c, kSriovTotalVfs = 0x0e, kSriovNumVfs = 0x10,
                   kSriovFirstVfOffset = 0x14, kSriovVfStride = 0x16, kSriovVfDeviceId = 0x1a,
                   kSriovSupportedPageSizes = 0x1c, kSriovSystemPageSize = 0x20;
constexpr uint16_t kSriovVfEnable = 1u << 0, kSriovVfMse = 1u << 3;

constexpr const char* kVendorDataQualify =
    "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Vendor data capability#2";
constexpr const char* kCapWrite = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#8";
constexpr const char* kSrIovNoCapability = "drivernormative:Reserved Feature Bits#10";
constexpr const char* kSrIovEnableEarly = "drivernormative:Reserved Feature Bits#11";

bool overlaps(uint16_t off, unsigned len, uint16_t at, unsigned size) { return off < at + size && off + len > at; }

}  // namespace

void VirtioPciDevice::buildDecoyCaps(uint32_t gapOff) {
  // Both describe 0x40 bytes of a BAR gap: a driver that used either would read all-ones there.
  layout_.reservedTypeCap = addVirtioCap(kReservedCfgType, p_.modernBar, gapOff, 0x40, 0);
  vcaps_.back().decoy = true;
  layout_.reservedBarCap = addVirtioCap(pci::kCapCommonCfg, kReservedBar, gapOff, 0x40, 0);
  vcaps_.back().decoy = true;
}

void VirtioPciDevice::buildVendorDataCap() {
  // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Vendor data capability#2: the size is a multiple of 4 bytes.
  const uint8_t len = static_cast<uint8_t>((kVendorDataAt + p_.vendorDataLen + 3u) & ~3u);
  const uint16_t c = addCapability(pci::kCapIdVendor, len);
  cfgPut8(c + 2, len);
  cfgPut8(c + 3, pci::kCapVendorCfg);
  cfgPut16(c + kVendorIdAt, p_.vendorDataId);
  for (unsigned k = kVendorDataAt; k < len; ++k) cfgPut8(static_cast<uint16_t>(c + k), static_cast<uint8_t>(0xa5 ^ k));
  layout_.vendorDataCap = c;
}

void VirtioPciDevice::buildSriov() {
  const uint16_t pcie = addCapability(kCapIdPcie, kPcieCapSize);
  cfgPut16(pcie + 2, kPcieCapVersion2);  // device/port type 0: PCI Express endpoint
  layout_.pcieCap = pcie;
  // SR-IOV extended capability: the only one, so its next pointer is 0.
  cfgPut32(kSriovAt, kExtCapIdSriov | (1u << 16));
  cfgPut16(kSriovAt + kSriovInitialVfs, p_.sriovTotalVfs);
  cfgPut16(kSriovAt + kSriovTotalVfs, p_.sriovTotalVfs);
  cfgPut16(kSriovAt + kSriovFirstVfOffset, 1);
  cfgPut16(kSriovAt + kSriovVfStride, 1);
  cfgPut16(kSriovAt + kSriovVfDeviceId, identity().deviceId);
  cfgPut32(kSriovAt + kSriovSupportedPageSizes, 1);  // 4 KiB
  cfgPut32(kSriovAt + kSriovSystemPageSize, 1);
  setWritable(kSriovAt + kSriovControl, static_cast<uint8_t>(kSriovVfEnable | kSriovVfMse));
  setWritable(kSriovAt + kSriovNumVfs, 0xff);
  setWritable(kSriovAt + kSriovNumVfs + 1, 0xff);
  setWritable(kSriovAt + kSriovSystemPageSize, 0xff);
  layout_.sriovCap = kSriovAt;
}

bool VirtioPciDevice::vfEnabled() const {
  return layout_.sriovCap && (cfgGet16(layout_.sriovCap + kSriovControl) & kSriovVfEnable) != 0;
}

void VirtioPciDevice::optionalCapRead(uint16_t off, unsigned len) {
  // The vendor data capability: reads have no side effect on the device, they only tell the model that the
  // driver qualified vendor_id (devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Vendor data capability#3).
  const uint16_t c = layout_.vendorDataCap;
  if (c && overlaps(off, len, c + kVendorIdAt, 2)) vendorIdRead_ = true;
}

bool VirtioPciDevice::optionalCapWrite(uint16_t off, uint32_t value, unsigned len) {
  if (const uint16_t c = layout_.vendorDataCap; c && overlaps(off, len, c, cfgGet8(c + 2))) {
    if (off < c + kVendorDataAt) {
      // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#8: the generic fields and vendor_id are not written.
      violate(kCapWrite, "cap.write", "driver wrote the header of the vendor data capability",
              {{"cfg_offset", off}, {"len", len}, {"value", value}});
    } else if (!vendorIdRead_) {
      // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Vendor data capability#2: vendor_id is read (qualified) before the vendor's bytes are written.
      violate(kVendorDataQualify, "vendor_data.write_unqualified",
              "driver wrote vendor-defined bytes without having read vendor_id", {{"cfg_offset", off}, {"len", len},
                                                                                  {"value", value}});
    }
    return true;  // this vendor defines no writable byte: ignored
  }
  if (const uint16_t s = layout_.sriovCap; s && overlaps(off, len, s + kSriovControl, 1)) {
    const auto written = static_cast<uint8_t>(value >> (8 * (s + kSriovControl - off)));
    const bool enabling = (written & kSriovVfEnable) && !vfEnabled();
    if (enabling) noteFeaturesAccepted();
    if (enabling && !srIovNegotiated_)
      // drivernormative:Reserved Feature Bits#11: virtual functions are enabled only once VIRTIO_F_SR_IOV was negotiated (FEATURES_OK accepted with it; once is enough, even across resets).
      violate(kSrIovEnableEarly, "sriov.vf_enable_before_negotiation",
              "driver set VF Enable before VIRTIO_F_SR_IOV was negotiated",
              {{"control", written}, {"status", core_.status()}, {"negotiated", core_.negotiated()}});
    return false;  // stored by the generic path (masked to the writable bits)
  }
  return false;
}

void VirtioPciDevice::checkSrIovAccepted(uint32_t select, uint32_t value) {
  if (select != feat::kSrIov / 32 || !((value >> (feat::kSrIov % 32)) & 1u) || layout_.sriovCap) return;
  // drivernormative:Reserved Feature Bits#10: VIRTIO_F_SR_IOV is not accepted from a function without an SR-IOV capability.
  violate(kSrIovNoCapability, "sriov.accepted_without_capability",
          "driver accepted VIRTIO_F_SR_IOV from a function without an SR-IOV capability",
          {{"select", select}, {"value", value}});
}

void VirtioPciDevice::resetOptionalCaps() {
  vendorIdRead_ = false;  // a new qualification is due; srIovNegotiated_ survives resets, as the spec allows
  if (!layout_.sriovCap) return;
  cfgPut16(layout_.sriovCap + kSriovControl, 0);
  cfgPut16(layout_.sriovCap + kSriovNumVfs, 0);
}

void VirtioPciDevice::noteFeaturesAccepted() {
  if ((core_.status() & status::kFeaturesOk) && core_.has(feat::kSrIov)) srIovNegotiated_ = true;
}

}  // namespace vsim::model

// Clause IDs (conformance/spec/clauses.tsv) of the device-normative rules the transports, the generic device
// driver and the device drivers check. Each check site also names its ID in a one-line comment.
#pragma once

namespace vsim::drv::clause {

// --- PCI discovery and capabilities ---
inline constexpr const char* kPciBus = "devicenormative:Virtio Transport Options / Virtio Over PCI Bus#1";
inline constexpr const char* kPciDeviceId =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Discovery#2";
inline constexpr const char* kCapLen =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#1";
inline constexpr const char* kCommonOffsetAlign =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#1";
inline constexpr const char* kCommonPresent =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#2";
inline constexpr const char* kDriverFeatureReadback =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#4";
inline constexpr const char* kPciConfigGeneration =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#6";
inline constexpr const char* kPciResetStatus =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#7";
inline constexpr const char* kQueueEnableZeroOnReset =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#8";
inline constexpr const char* kQueueResetZeroOnReset =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#9";
inline constexpr const char* kQueueResetZeroAfterEnable =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#10";
inline constexpr const char* kQueueResetCompleteZero =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#13";
inline constexpr const char* kQueueSizePow2 =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#15";
inline constexpr const char* kNotifyPresent =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#1";
inline constexpr const char* kNotifyOffsetAlign2 =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#2";
inline constexpr const char* kNotifyMultiplier =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#3";
inline constexpr const char* kNotifyLength2 =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#4";
inline constexpr const char* kNotifyLengthQueue2 =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#6";
inline constexpr const char* kNotifyMultiplierData =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#7";
inline constexpr const char* kNotifyOffsetAlign4 =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#8";
inline constexpr const char* kNotifyLength4 =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#9";
inline constexpr const char* kNotifyLengthQueue4 =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#11";
inline constexpr const char* kIsrPresent =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / ISR status capability#1";
inline constexpr const char* kIsrIntxStatus =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / ISR status capability#4";
inline constexpr const char* kDeviceCfgAlign =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Device-specific configuration#1";
inline constexpr const char* kShmInBar =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Shared memory capability#1";
inline constexpr const char* kShmUniqueId =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Shared memory capability#2";
inline constexpr const char* kVendorCapVendorId =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Vendor data capability#1";
inline constexpr const char* kVendorCapSize =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Vendor data capability#2";
inline constexpr const char* kPciCfgCapPresent =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / PCI configuration access capability#1";
inline constexpr const char* kMsixVectorReadback =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#6";
inline constexpr const char* kMsixUnmappedOnReset =
    "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#7";

// --- MMIO ---
inline constexpr const char* kMmioMagic =
    "devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#1";
inline constexpr const char* kMmioVersion =
    "devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#2";
inline constexpr const char* kMmioIntStatusUndefined =
    "devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#4";
inline constexpr const char* kMmioResetClears =
    "devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#5";
inline constexpr const char* kMmioConfigGeneration =
    "devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#6";
inline constexpr const char* kMmioQueueResetZeroOnReset =
    "devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#8";
inline constexpr const char* kMmioQueueResetZeroAfterEnable =
    "devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#9";
inline constexpr const char* kMmioQueueResetCompleteZero =
    "devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#12";

// --- general ---
inline constexpr const char* kDeviceResetStatus = "devicenormative:Basic Facilities of a Virtio Device / Device Reset#1";
inline constexpr const char* kNeedsResetNotify =
    "devicenormative:Basic Facilities of a Virtio Device / Device Status Field#3";
inline constexpr const char* kOfferVersion1 = "devicenormative:Reserved Feature Bits#1";

// --- device types ---
inline constexpr const char* kEntropyBytes = "devicenormative:Device Types / Entropy Device / Device Operation#1";

}  // namespace vsim::drv::clause

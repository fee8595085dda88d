// Clause IDs the PCI transport cites when it reports a driver violation (catalogue: conformance/spec/clauses.tsv).
// One full literal per ID, never split (scripts/check_clause_ids.py checks them).
#pragma once

namespace vsim::model::pciclause {

// Access widths on the device configuration structures.
inline constexpr const char* kLayoutWidth = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout#1";
// Capability structures in configuration space are read-only; mixing interfaces (nearest).
inline constexpr const char* kCapWrite = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#8";
inline constexpr const char* kCapFirstInstance = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#2";
// Common configuration structure.
inline constexpr const char* kCommonReadOnly = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#1";
inline constexpr const char* kCommonPackedSizeZero = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#2";
inline constexpr const char* kCommonSizePow2 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#3";
inline constexpr const char* kCommonConfigureBeforeEnable = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#4";
inline constexpr const char* kCommonWaitResetRead = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#5";
inline constexpr const char* kCommonEnableZero = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#6";
inline constexpr const char* kCommonQueueResetRead = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#7";
// ISR with MSI-X.
inline constexpr const char* kIsrWithMsix = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / ISR status capability#1";
// PCI configuration access capability.
inline constexpr const char* kPciCfgOffsetMultiple = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / PCI configuration access capability#1";
inline constexpr const char* kPciCfgAligned = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / PCI configuration access capability#2";
inline constexpr const char* kPciCfgInStructure = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / PCI configuration access capability#3";
// MSI-X vector configuration.
inline constexpr const char* kMsixOutOfTable = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#4";
inline constexpr const char* kMsixVerify = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#5";
// Available buffer notifications.
inline constexpr const char* kNotify16 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#1";
inline constexpr const char* kNotify32 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#2";
inline constexpr const char* kNotifyIndex = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#3";
inline constexpr const char* kNotifyDataIndex = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#4";
inline constexpr const char* kNotifyConfigData = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#5";
inline constexpr const char* kNotifyDataConfigData = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#6";
// Discovery (a legacy driver on a non-transitional device; nearest).
inline constexpr const char* kDiscovery = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Discovery#1";
// General initialisation order (queues set up after FEATURES_OK).
inline constexpr const char* kInitSequence = "drivernormative:General Initialization And Device Operation / Device Initialization#1";

}  // namespace vsim::model::pciclause

// Compile-time checks of every register layout the PCI transport decodes (virtio 1.4, "Virtio Over PCI Bus").
// Nothing here runs; the translation unit fails to compile if a constant drifts from the spec's layout.
#include <cstddef>
#include <cstdint>

#include "vsim/abi/notification.h"
#include "vsim/abi/pci.h"
#include "vsim/abi/ring_split.h"

namespace vsim::pci {
namespace {

// --- PCI type-0 header ---
static_assert(kCfgVendorId == 0x00 && kCfgDeviceId == 0x02 && kCfgCommand == 0x04 && kCfgStatus == 0x06);
static_assert(kCfgRevision == 0x08 && kCfgClassProg == 0x09 && kCfgClassDevice == 0x0a && kCfgHeaderType == 0x0e);
static_assert(kCfgBar0 == 0x10 && kCfgSubsysVendorId == 0x2c && kCfgSubsysId == 0x2e && kCfgCapPtr == 0x34);
static_assert(kCfgInterruptLine == 0x3c && kCfgInterruptPin == 0x3d);
static_assert(kCmdIo == 0x1 && kCmdMemory == 0x2 && kCmdBusMaster == 0x4 && kCmdIntxDisable == 0x400);
static_assert(kStatusIntx == 0x8 && kStatusCapList == 0x10);
static_assert(kBarIo == 0x1 && kBarMem64 == 0x4 && kBarPrefetch == 0x8);
static_assert(kConfigSpaceSize == 4096);

// --- IDs ---
static_assert(kVendorRedHatQumranet == 0x1af4);
static_assert(kModernDeviceIdBase + 0x3f == 0x107f);
static_assert(transitionalDeviceId(1) == 0x1000 && transitionalDeviceId(2) == 0x1001 && transitionalDeviceId(5) == 0x1002 &&
              transitionalDeviceId(3) == 0x1003 && transitionalDeviceId(8) == 0x1004 && transitionalDeviceId(4) == 0x1005 &&
              transitionalDeviceId(9) == 0x1009 && transitionalDeviceId(16) == 0);

// --- Virtio vendor capabilities ---
static_assert(kCapIdVendor == 0x09 && kCapIdMsix == 0x11);
static_assert(kCapCommonCfg == 1 && kCapNotifyCfg == 2 && kCapIsrCfg == 3 && kCapDeviceCfg == 4 && kCapPciCfg == 5 &&
              kCapSharedMemoryCfg == 8 && kCapVendorCfg == 9);
static_assert(sizeof(VirtioPciCap) == 16);
static_assert(offsetof(VirtioPciCap, capVndr) == 0 && offsetof(VirtioPciCap, capNext) == 1 &&
              offsetof(VirtioPciCap, capLen) == 2 && offsetof(VirtioPciCap, cfgType) == 3 &&
              offsetof(VirtioPciCap, bar) == 4 && offsetof(VirtioPciCap, id) == 5 &&
              offsetof(VirtioPciCap, padding) == 6 && offsetof(VirtioPciCap, offset) == 8 &&
              offsetof(VirtioPciCap, length) == 12);
static_assert(sizeof(VirtioPciNotifyCap) == 20 && offsetof(VirtioPciNotifyCap, notifyOffMultiplier) == 16);
static_assert(sizeof(VirtioPciCfgCap) == 20 && offsetof(VirtioPciCfgCap, pciCfgData) == 16);
// Capabilities are dword aligned in the list: every virtio capability length is a multiple of 4.
static_assert(sizeof(VirtioPciCap) % 4 == 0 && sizeof(VirtioPciNotifyCap) % 4 == 0 && sizeof(VirtioPciCfgCap) % 4 == 0);

// --- struct virtio_pci_common_cfg ---
static_assert(common::kDeviceFeatureSelect == 0x00 && common::kDeviceFeature == 0x04);
static_assert(common::kDriverFeatureSelect == 0x08 && common::kDriverFeature == 0x0c);
static_assert(common::kConfigMsixVector == 0x10 && common::kNumQueues == 0x12);
static_assert(common::kDeviceStatus == 0x14 && common::kConfigGeneration == 0x15);
static_assert(common::kQueueSelect == 0x16 && common::kQueueSize == 0x18 && common::kQueueMsixVector == 0x1a);
static_assert(common::kQueueEnable == 0x1c && common::kQueueNotifyOff == 0x1e);
static_assert(common::kQueueDesc == 0x20 && common::kQueueDriver == 0x28 && common::kQueueDevice == 0x30);
static_assert(common::kQueueNotifConfigData == 0x38 && common::kQueueReset == 0x3a);
static_assert(common::kAdminQueueIndex == 0x3c && common::kAdminQueueNum == 0x3e && common::kSize == 0x40);
// Field widths the decoder enforces.
static_assert(common::fieldWidth(common::kDeviceFeatureSelect) == 4 && common::fieldWidth(common::kDeviceFeature) == 4 &&
              common::fieldWidth(common::kDriverFeatureSelect) == 4 && common::fieldWidth(common::kDriverFeature) == 4);
static_assert(common::fieldWidth(common::kConfigMsixVector) == 2 && common::fieldWidth(common::kNumQueues) == 2);
static_assert(common::fieldWidth(common::kDeviceStatus) == 1 && common::fieldWidth(common::kConfigGeneration) == 1);
static_assert(common::fieldWidth(common::kQueueSelect) == 2 && common::fieldWidth(common::kQueueSize) == 2 &&
              common::fieldWidth(common::kQueueMsixVector) == 2 && common::fieldWidth(common::kQueueEnable) == 2 &&
              common::fieldWidth(common::kQueueNotifyOff) == 2);
static_assert(common::fieldWidth(common::kQueueDesc) == 8 && common::fieldWidth(common::kQueueDriver) == 8 &&
              common::fieldWidth(common::kQueueDevice) == 8);
static_assert(common::fieldWidth(common::kQueueDesc + 4) == 0 && common::fieldWidth(common::kQueueDriver + 4) == 0 &&
              common::fieldWidth(common::kQueueDevice + 4) == 0);
static_assert(common::fieldWidth(common::kQueueNotifConfigData) == 2 && common::fieldWidth(common::kQueueReset) == 2 &&
              common::fieldWidth(common::kAdminQueueIndex) == 2 && common::fieldWidth(common::kAdminQueueNum) == 2);
// Natural alignment of every field.
static_assert(common::kDeviceFeature % 4 == 0 && common::kQueueDesc % 8 == 0 && common::kQueueDriver % 8 == 0 &&
              common::kQueueDevice % 8 == 0 && common::kQueueSelect % 2 == 0 && common::kQueueReset % 2 == 0);

constexpr uint16_t kNoVectorValue = 0xffff;
static_assert(kNoVector == kNoVectorValue);
static_assert(kIsrQueue == 1 && kIsrConfig == 2);

// --- MSI-X ---
static_assert(kMsixCapControl == 2 && kMsixCapTable == 4 && kMsixCapPba == 8 && kMsixCapSize == 12);
static_assert(kMsixCtrlEnable == 0x8000 && kMsixCtrlMaskAll == 0x4000 && kMsixCtrlTableSizeMask == 0x7ff);
static_assert(kMsixEntrySize == 16 && kMsixEntryAddrLo == 0 && kMsixEntryAddrHi == 4 && kMsixEntryData == 8 &&
              kMsixEntryCtrl == 12 && kMsixVectorMasked == 1);
static_assert(kMsixMaxVectors == kMsixCtrlTableSizeMask + 1);

// --- Legacy I/O layout ---
static_assert(legacy::kHostFeatures == 0 && legacy::kGuestFeatures == 4 && legacy::kQueuePfn == 8);
static_assert(legacy::kQueueNum == 12 && legacy::kQueueSel == 14 && legacy::kQueueNotify == 16);
static_assert(legacy::kStatus == 18 && legacy::kIsr == 19);
static_assert(legacy::kConfigMsixVector == 20 && legacy::kQueueMsixVector == 22);
static_assert(legacy::kDeviceConfigNoMsix == 20 && legacy::kDeviceConfigMsix == 24);
static_assert(legacy::kQueueAlign == 4096 && (1u << legacy::kPfnShift) == legacy::kQueueAlign);

// --- Legacy ring placement (descriptor table, available ring, used ring at the next 4 KiB) ---
constexpr uint64_t legacyUsedOffset(uint32_t n) {
  return (split::descBytes(n) + split::availBytes(n) + legacy::kQueueAlign - 1) & ~uint64_t{legacy::kQueueAlign - 1};
}
static_assert(legacyUsedOffset(256) == 8192);  // 4096 + 518 bytes -> 8192
static_assert(legacyUsedOffset(128) == 4096);  // 2048 + 262 bytes -> 4096
static_assert(legacyUsedOffset(1024) == 20480);

// --- Notification data (32-bit notify payload: vq index / config data in the low 16 bits) ---
static_assert(sizeof(NotificationData{}.vqIndex) == 2);

}  // namespace
}  // namespace vsim::pci

// virtio over PCI: IDs, vendor capability layouts, common configuration, legacy I/O layout (virtio 1.4, 4.1).
#pragma once
#include <cstddef>
#include <cstdint>

namespace vsim::pci {

// --- Generic PCI configuration space (type 0 header) ---
constexpr uint16_t kVendorRedHatQumranet = 0x1af4;
constexpr uint16_t kCfgVendorId = 0x00, kCfgDeviceId = 0x02, kCfgCommand = 0x04, kCfgStatus = 0x06;
constexpr uint16_t kCfgRevision = 0x08, kCfgClassProg = 0x09, kCfgClassDevice = 0x0a, kCfgHeaderType = 0x0e;
constexpr uint16_t kCfgBar0 = 0x10, kCfgSubsysVendorId = 0x2c, kCfgSubsysId = 0x2e, kCfgCapPtr = 0x34;
constexpr uint16_t kCfgInterruptLine = 0x3c, kCfgInterruptPin = 0x3d;
constexpr uint16_t kCmdIo = 1u << 0, kCmdMemory = 1u << 1, kCmdBusMaster = 1u << 2, kCmdIntxDisable = 1u << 10;
constexpr uint16_t kStatusCapList = 1u << 4, kStatusIntx = 1u << 3;
constexpr uint32_t kBarIo = 1u << 0, kBarMem64 = 2u << 1, kBarPrefetch = 1u << 3;
constexpr uint8_t kCapIdMsix = 0x11, kCapIdVendor = 0x09;
constexpr uint32_t kConfigSpaceSize = 4096;  ///< PCIe extended configuration space (ECAM)

// --- Device IDs ---
constexpr uint16_t kModernDeviceIdBase = 0x1040;        ///< modern device id = 0x1040 + virtio device id
constexpr uint16_t kTransitionalDeviceIdFirst = 0x1000;  ///< transitional ids 0x1000..0x103f
constexpr uint16_t kTransitionalDeviceIdLast = 0x103f;
/// The transitional PCI device id for a virtio device type (0 if the type has none).
constexpr uint16_t transitionalDeviceId(uint16_t virtioId) {
  switch (virtioId) {
    case 1: return 0x1000;   // network
    case 2: return 0x1001;   // block
    case 5: return 0x1002;   // memory balloon
    case 3: return 0x1003;   // console
    case 8: return 0x1004;   // SCSI host
    case 4: return 0x1005;   // entropy
    case 9: return 0x1009;   // 9P transport
    default: return 0;
  }
}

// --- Virtio vendor capabilities ---
constexpr uint8_t kCapCommonCfg = 1, kCapNotifyCfg = 2, kCapIsrCfg = 3, kCapDeviceCfg = 4, kCapPciCfg = 5,
                  kCapSharedMemoryCfg = 8, kCapVendorCfg = 9;

struct VirtioPciCap {
  uint8_t capVndr;
  uint8_t capNext;
  uint8_t capLen;
  uint8_t cfgType;
  uint8_t bar;
  uint8_t id;
  uint8_t padding[2];
  uint32_t offset;
  uint32_t length;
};
static_assert(sizeof(VirtioPciCap) == 16 && offsetof(VirtioPciCap, bar) == 4 && offsetof(VirtioPciCap, offset) == 8 &&
              offsetof(VirtioPciCap, length) == 12);

struct VirtioPciNotifyCap {
  VirtioPciCap cap;
  uint32_t notifyOffMultiplier;
};
static_assert(sizeof(VirtioPciNotifyCap) == 20 && offsetof(VirtioPciNotifyCap, notifyOffMultiplier) == 16);

struct VirtioPciCfgCap {
  VirtioPciCap cap;
  uint8_t pciCfgData[4];
};
static_assert(sizeof(VirtioPciCfgCap) == 20 && offsetof(VirtioPciCfgCap, pciCfgData) == 16);

/// struct virtio_pci_common_cfg, as offsets (the register file decodes by offset and width).
namespace common {
constexpr uint32_t kDeviceFeatureSelect = 0x00;  // le32 rw
constexpr uint32_t kDeviceFeature = 0x04;        // le32 ro
constexpr uint32_t kDriverFeatureSelect = 0x08;  // le32 rw
constexpr uint32_t kDriverFeature = 0x0c;        // le32 rw
constexpr uint32_t kConfigMsixVector = 0x10;     // le16 rw
constexpr uint32_t kNumQueues = 0x12;            // le16 ro
constexpr uint32_t kDeviceStatus = 0x14;         // u8 rw
constexpr uint32_t kConfigGeneration = 0x15;     // u8 ro
constexpr uint32_t kQueueSelect = 0x16;          // le16 rw
constexpr uint32_t kQueueSize = 0x18;            // le16 rw
constexpr uint32_t kQueueMsixVector = 0x1a;      // le16 rw
constexpr uint32_t kQueueEnable = 0x1c;          // le16 rw
constexpr uint32_t kQueueNotifyOff = 0x1e;       // le16 ro
constexpr uint32_t kQueueDesc = 0x20;            // le64 rw
constexpr uint32_t kQueueDriver = 0x28;          // le64 rw
constexpr uint32_t kQueueDevice = 0x30;          // le64 rw
constexpr uint32_t kQueueNotifConfigData = 0x38;  // le16 ro
constexpr uint32_t kQueueReset = 0x3a;           // le16 rw
constexpr uint32_t kAdminQueueIndex = 0x3c;      // le16 ro
constexpr uint32_t kAdminQueueNum = 0x3e;        // le16 ro
constexpr uint32_t kSize = 0x40;
/// Width in bytes of the field at an offset (0 = not a field start).
constexpr unsigned fieldWidth(uint32_t off) {
  switch (off) {
    case kDeviceFeatureSelect: case kDeviceFeature: case kDriverFeatureSelect: case kDriverFeature: return 4;
    case kDeviceStatus: case kConfigGeneration: return 1;
    case kQueueDesc: case kQueueDriver: case kQueueDevice: return 8;
    default:
      // the 16-bit fields; offsets inside the three 64-bit queue address fields are not field starts
      return (off < kSize && off >= kConfigMsixVector && off % 2 == 0 &&
              !(off > kQueueDesc && off < kQueueNotifConfigData))
                 ? 2
                 : 0;
  }
}
static_assert(fieldWidth(kDeviceFeature) == 4 && fieldWidth(kConfigMsixVector) == 2 && fieldWidth(kDeviceStatus) == 1 &&
              fieldWidth(kQueueDevice) == 8 && fieldWidth(kQueueDesc + 4) == 0 && fieldWidth(kQueueDriver + 2) == 0 &&
              fieldWidth(kQueueNotifConfigData) == 2 && fieldWidth(kAdminQueueNum) == 2 && fieldWidth(kSize) == 0 &&
              fieldWidth(kDeviceFeature + 2) == 0);
}  // namespace common

constexpr uint16_t kNoVector = 0xffff;  ///< VIRTIO_MSI_NO_VECTOR
constexpr uint8_t kIsrQueue = 1, kIsrConfig = 2;

// --- MSI-X (PCI) ---
constexpr uint16_t kMsixCtrlEnable = 1u << 15, kMsixCtrlMaskAll = 1u << 14;
constexpr uint32_t kMsixEntrySize = 16;  ///< addr lo, addr hi, data, vector control
constexpr uint32_t kMsixVectorMasked = 1;
/// MSI-X capability: message control, table offset/BIR and PBA offset/BIR offsets within the capability.
constexpr uint16_t kMsixCapControl = 2, kMsixCapTable = 4, kMsixCapPba = 8, kMsixCapSize = 12;
constexpr uint16_t kMsixCtrlTableSizeMask = 0x07ff;  ///< table size minus one
constexpr uint32_t kMsixBirMask = 7;
/// MSI-X table entry: message address low/high, message data, vector control.
constexpr uint32_t kMsixEntryAddrLo = 0, kMsixEntryAddrHi = 4, kMsixEntryData = 8, kMsixEntryCtrl = 12;
constexpr uint16_t kMsixMaxVectors = 2048;

// --- Legacy (0.9.5) I/O BAR layout ---
namespace legacy {
constexpr uint32_t kHostFeatures = 0x00;   // le32 ro
constexpr uint32_t kGuestFeatures = 0x04;  // le32 rw
constexpr uint32_t kQueuePfn = 0x08;       // le32 rw
constexpr uint32_t kQueueNum = 0x0c;       // le16 ro
constexpr uint32_t kQueueSel = 0x0e;       // le16 rw
constexpr uint32_t kQueueNotify = 0x10;    // le16 rw
constexpr uint32_t kStatus = 0x12;         // u8 rw
constexpr uint32_t kIsr = 0x13;            // u8 ro (read clears)
constexpr uint32_t kConfigMsixVector = 0x14;  // le16 rw, only with MSI-X enabled
constexpr uint32_t kQueueMsixVector = 0x16;   // le16 rw, only with MSI-X enabled
constexpr uint32_t kDeviceConfigNoMsix = 0x14;
constexpr uint32_t kDeviceConfigMsix = 0x18;
constexpr uint32_t kQueueAlign = 4096;  ///< legacy split ring alignment of the used ring
constexpr uint32_t kPfnShift = 12;
}  // namespace legacy

}  // namespace vsim::pci

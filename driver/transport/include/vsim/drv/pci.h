// PCI for the driver stack: configuration space through ECAM, enumeration of bus 0 (or the ECAM buses), virtio
// device matching, BAR sizing and assignment from the PlatformDesc windows, the virtio capability walk with
// validation, MSI-X table programming, and the MSI mailbox that routes MSI messages to their device.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vsim/abi/pci.h"
#include "vsim/drv/hal.h"
#include "vsim/violation.h"

namespace vsim::drv {

struct PciAddr {
  uint8_t bus = 0, dev = 0, fn = 0;
  uint16_t bdf() const { return static_cast<uint16_t>((bus << 8) | (dev << 3) | fn); }
  std::string str() const;  ///< "00:03.0"
  bool operator==(const PciAddr&) const = default;
};

/// Configuration space of one function. ECAM: Space::Memory at ecamBase + (bus << 20 | dev << 15 | fn << 12 | off).
/// With viaConfigSpace the same ECAM offset is used in Space::Config instead (a HAL without an ECAM window).
class PciConfigSpace {
 public:
  PciConfigSpace(Hal& hal, uint64_t ecamBase, PciAddr a, bool viaConfigSpace = false)
      : hal_(&hal), base_((viaConfigSpace ? 0 : ecamBase) + (uint64_t(a.bus) << 20) + (uint64_t(a.dev) << 15) +
                          (uint64_t(a.fn) << 12)),
        space_(viaConfigSpace ? Space::Config : Space::Memory), addr_(a) {}
  uint8_t read8(uint16_t off) { return hal_->read8(space_, base_ + off); }
  uint16_t read16(uint16_t off) { return hal_->read16(space_, base_ + off); }
  uint32_t read32(uint16_t off) { return hal_->read32(space_, base_ + off); }
  void write8(uint16_t off, uint8_t v) { hal_->write8(space_, base_ + off, v); }
  void write16(uint16_t off, uint16_t v) { hal_->write16(space_, base_ + off, v); }
  void write32(uint16_t off, uint32_t v) { hal_->write32(space_, base_ + off, v); }
  PciAddr addr() const { return addr_; }

 private:
  Hal* hal_;
  uint64_t base_;
  Space space_;
  PciAddr addr_;
};

struct PciBar {
  bool present = false;       ///< the BAR decodes something (size != 0)
  bool io = false;            ///< I/O space BAR
  bool is64 = false;          ///< 64-bit memory BAR (this one and the next register)
  bool prefetchable = false;
  uint64_t size = 0;          ///< power of two
  uint64_t address = 0;       ///< assigned bus address (valid when assigned)
  bool assigned = false;      ///< the driver found room for it in a PlatformDesc window and programmed it
  bool upperHalf = false;     ///< this register is the upper half of the previous 64-bit BAR
};

/// A structure inside a BAR: where the driver accesses it.
struct PciRegion {
  bool valid = false;
  Space space = Space::Memory;
  uint64_t base = 0;     ///< bus address of the structure (BAR address + offset)
  uint64_t length = 0;   ///< bytes the driver may access (the capability's length)
  uint8_t bar = 0;
  uint32_t offset = 0;   ///< offset inside the BAR
  uint8_t capAt = 0;     ///< position of the capability in configuration space
};

/// One vendor-specific (virtio) capability as found in the list, and what the driver made of it.
struct VirtioPciCapInfo {
  uint8_t at = 0;        ///< position in configuration space
  uint8_t capLen = 0;
  uint8_t cfgType = 0;
  uint8_t bar = 0;
  uint8_t id = 0;
  uint32_t offset = 0, length = 0;
  uint32_t offsetHi = 0, lengthHi = 0;  ///< virtio_pci_cap64 (shared memory)
  uint32_t notifyOffMultiplier = 0;     ///< VIRTIO_PCI_CAP_NOTIFY_CFG only
  uint16_t vendorId = 0;                ///< VIRTIO_PCI_CAP_VENDOR_CFG only
  bool usable = false;   ///< passed the structural checks (type known, length, BAR, range)
  std::string note;      ///< why it was ignored (empty when usable)
};

struct PciShmRegion {
  uint8_t id = 0;
  PciRegion region;
};

struct PciMsixInfo {
  bool present = false;
  bool usable = false;   ///< table BIR names an assigned memory BAR and the table fits in it
  uint8_t capAt = 0;
  uint16_t tableSize = 0;  ///< entries (Table Size field + 1)
  uint8_t tableBar = 0;
  uint32_t tableOffset = 0;
  uint64_t tableAddr = 0;  ///< bus address of entry 0
  uint8_t pbaBar = 0;
  uint32_t pbaOffset = 0;
  std::string note;
};

/// What the capability walk found.
struct VirtioPciLayout {
  bool anyVirtioCap = false;   ///< at least one vendor capability with a virtio cfg_type
  PciRegion common, isr, device;
  /// Usable notification capabilities in list order; the transport picks the first that suits the feature offer
  /// (alignment, multiplier and length rules depend on VIRTIO_F_NOTIFICATION_DATA).
  std::vector<VirtioPciCapInfo> notifyCandidates;
  uint8_t pciCfgCapAt = 0;     ///< first VIRTIO_PCI_CAP_PCI_CFG capability (0 = none)
  std::vector<PciShmRegion> shm;
  std::vector<VirtioPciCapInfo> caps;  ///< every vendor capability seen, in list order
  PciMsixInfo msix;
  bool capListBroken = false;  ///< a loop or a pointer into the header was found (walk stopped)
  /// Enough for the modern interface: common, notify and ISR structures found.
  bool modernUsable() const { return common.valid && !notifyCandidates.empty() && isr.valid; }
};

enum class PciVirtioKind : uint8_t {
  Modern,        ///< device id 0x1040 + type
  Transitional,  ///< transitional device id with virtio capabilities (both interfaces)
  Legacy,        ///< transitional device id without virtio capabilities (legacy interface only)
};

struct PciFunctionInfo {
  PciAddr addr;
  uint16_t vendorId = 0, deviceId = 0, subsysVendorId = 0, subsysId = 0;
  uint8_t revision = 0, headerType = 0, interruptPin = 0;
  uint32_t classCode = 0;
  PciBar bars[6];
  unsigned intxLine = 0;  ///< PlatformDesc::pciIntxLineBase + device number
  uint16_t virtioType = 0;
  PciVirtioKind kind = PciVirtioKind::Modern;
  VirtioPciLayout layout;
  uint64_t ecamBase = 0;
  bool viaConfigSpace = false;
  PciConfigSpace config(Hal& hal) const { return PciConfigSpace(hal, ecamBase, addr, viaConfigSpace); }
};

/// Bump allocator over the PlatformDesc BAR windows (natural alignment).
class PciResourceAllocator {
 public:
  explicit PciResourceAllocator(const PlatformDesc& p);
  /// Bus address for a BAR of `size` bytes, or false when no window has room.
  bool alloc(bool io, bool is64, bool prefetchable, uint64_t size, uint64_t* addr);

 private:
  struct Window {
    uint64_t base = 0, size = 0, next = 0;
    bool take(uint64_t sz, uint64_t* out);
  };
  Window mem32_, mem64_, io_;
};

struct PciScanOptions {
  bool viaConfigSpace = false;  ///< use Space::Config instead of the ECAM window (see PciConfigSpace)
  /// Size and assign BARs from the PlatformDesc windows, enable decoding and bus mastering. false: size them but keep
  /// the addresses the firmware programmed (0 = unassigned), enable decoding of those and bus mastering.
  bool assignResources = true;
};

/// Virtio device type of a vendor/device/subsystem triple, or 0 when it is not a virtio device the driver should
/// match (modern ids 0x1040..0x107f; transitional ids 0x1000..0x103f take the type from the subsystem device id).
uint16_t pciVirtioType(uint16_t vendor, uint16_t device, uint16_t subsysId, bool* transitional);

/// Scan the ECAM buses (devices 0..31, functions 0..7 of multi-function devices), keep the virtio functions,
/// assign their BARs, enable decoding + bus mastering, and walk their capability lists. Checks are reported.
std::vector<PciFunctionInfo> enumeratePci(Hal& hal, ViolationSink& sink, const PciScanOptions& opts = {});

/// Size every BAR of a function (decoding off while sizing) and, when alloc is given, assign addresses from it and
/// enable memory / I/O decoding and bus mastering.
void sizePciBars(PciConfigSpace& cfg, PciFunctionInfo& fn, PciResourceAllocator* alloc);

/// Walk the capability list of a function whose BARs are known: virtio vendor capabilities (validated one by one)
/// and MSI-X. Device-normative breaches are reported.
VirtioPciLayout parseVirtioPciCaps(PciConfigSpace& cfg, const PciFunctionInfo& fn, ViolationSink& sink);

/// MSI data word for (function, vector): unique per pair on one platform (bdf in bits 11..26, vector in 0..10).
constexpr uint32_t pciMsiData(uint16_t bdf, uint16_t vector) { return (uint32_t{bdf} << 11) | (vector & 0x7ffu); }
constexpr uint16_t pciMsiBdf(uint32_t data) { return static_cast<uint16_t>(data >> 11); }
constexpr uint16_t pciMsiVector(uint32_t data) { return static_cast<uint16_t>(data & 0x7ff); }

/// Programs a function's MSI-X table (through its memory BAR) and its MSI-X capability.
class PciMsix {
 public:
  PciMsix(Hal& hal, const PciFunctionInfo& fn) : hal_(hal), fn_(fn) {}
  /// Enable MSI-X with the function masked, write `vectors` entries (address = PlatformDesc::msiAddress, data =
  /// pciMsiData(bdf, v)) masked, then unmask them and the function. False if the table is unusable or too small.
  bool enable(uint16_t vectors);
  void disable();
  bool enabled() const { return enabled_; }
  uint16_t vectors() const { return vectors_; }

 private:
  void writeEntry(uint16_t v, uint64_t addr, uint32_t data, uint32_t ctrl);
  Hal& hal_;
  const PciFunctionInfo& fn_;
  bool enabled_ = false;
  uint16_t vectors_ = 0;
};

/// MSI messages arrive through Hal::popMsi() for every device of the platform; drivers of several devices share
/// one mailbox per Hal so that no device swallows another's message.
class MsiMailbox {
 public:
  static std::shared_ptr<MsiMailbox> forHal(Hal& hal);
  explicit MsiMailbox(Hal& hal) : hal_(hal) {}
  /// Take the oldest pending message whose data names function bdf (fetching new ones from the Hal first).
  bool take(uint16_t bdf, uint16_t* vector);
  /// Drop every pending message of function bdf (stale ones from before a reset).
  void discard(uint16_t bdf);
  bool pending(uint16_t bdf);

 private:
  void drain();
  Hal& hal_;
  std::mutex mu_;
  std::vector<uint32_t> pending_;
};

}  // namespace vsim::drv

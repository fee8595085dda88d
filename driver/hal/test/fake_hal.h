// A fake platform for the driver-side tests: a Hal with guest RAM, a PCI host (ECAM), fake virtio-pci functions
// (modern common/notify/ISR/device structures, the legacy I/O BAR0 layout, MSI-X) and fake virtio-mmio register
// files (version 2 and 1). It implements just enough device behaviour to drive the driver stack, plus knobs to
// make the device misbehave. driver/ never uses model/: this is deliberately small, hand-written and trusting.
//
// Every register access is logged (FakeHal::log) so tests can assert the exact sequence the driver produced.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fake_device.h"  // driver/virtqueue/test: FakeSplitDevice / FakePackedDevice
#include "vsim/abi/features.h"
#include "vsim/abi/mmio.h"
#include "vsim/abi/pci.h"
#include "vsim/abi/status.h"
#include "vsim/drv/hal.h"
#include "vsim/drv/types.h"

namespace vsim::drv::fake {

struct Access {
  Space space = Space::Memory;
  uint64_t addr = 0;
  uint64_t value = 0;
  unsigned width = 0;
  bool write = false;
};

class FakeHal;

// ---------------------------------------------------------------------------------------------------------------
// Device core shared by the PCI and MMIO front ends: status, features, queues, config, generation.
// ---------------------------------------------------------------------------------------------------------------

struct FakeQueue {
  uint32_t maxSize = 256;
  uint32_t size = 0;                    ///< as written by the driver (starts at maxSize on PCI)
  uint16_t vector = pci::kNoVector;
  uint32_t enabled = 0;
  uint16_t notifyOff = 0;
  uint16_t notifConfigData = 0;
  uint64_t desc = 0, driver = 0, device = 0;
  uint32_t reset = 0;
  uint32_t pfn = 0, align = 0;          ///< legacy
};

class FakeVirtioCore {
 public:
  FakeVirtioCore(uint16_t type, unsigned numQueues, uint32_t maxQueueSize = 256);

  // --- state ---
  uint16_t deviceType;
  uint64_t deviceFeatures = feat::bit(feat::kVersion1);
  uint64_t driverFeatures = 0;
  uint32_t dfSel = 0, drfSel = 0;
  uint8_t status = 0;
  uint8_t generation = 0;
  uint16_t configVector = pci::kNoVector;
  std::vector<FakeQueue> queues;
  uint16_t queueSel = 0;
  std::vector<uint8_t> config = std::vector<uint8_t>(16, 0);
  bool legacyLayout = false;  ///< rings located by PFN (PCI legacy / MMIO v1)
  uint32_t guestPageSize = 0;

  // --- misbehaviour knobs ---
  bool refuseFeaturesOk = false;      ///< clear FEATURES_OK when the driver sets it
  int resetPendingReads = 0;          ///< status reads still non-zero after a reset (-1: forever)
  bool keepVectorsOnReset = false;    ///< vectors stay mapped across reset
  bool keepQueueEnableOnReset = false;  ///< queue_enable / QueueReady stay set across reset
  int vectorReadback = -1;            ///< >= 0: every vector register reads this value
  bool refuseVectors = false;         ///< every vector mapping fails (reads NO_VECTOR)
  bool driverFeatureReadsZero = false;
  bool changeConfigWithoutGeneration = false;  ///< each config read after the first sees a new value, same generation
  int generationBumpReads = 0;        ///< the next n generation reads each return a new value
  uint32_t rngFillLen = ~0u;          ///< bytes the fake entropy device writes (capped at the buffer)
  bool rngNoInterrupt = false;
  bool honourSuspend = true;          ///< SUSPEND after DRIVER_OK shows SUSPEND=1/DRIVER_OK=0; DRIVER_OK resumes

  // --- behaviour hooks ---
  std::vector<std::pair<uint16_t, uint32_t>> notifies;  ///< (queue, value) of every notification
  /// Called on a notification. Default for type 4: fill writable buffers and return them (entropy device).
  std::function<void(FakeVirtioCore&, uint16_t q, uint32_t value)> onNotify;
  /// Set by the front end: deliver a used-buffer (config = false) or configuration change interrupt.
  std::function<void(bool config, uint16_t q)> raise;
  GuestMemory* mem = nullptr;

  uint8_t readStatus();
  void writeStatus(uint8_t v);
  void reset();
  /// Queue reset (VIRTIO_F_RING_RESET): disabled, ring state forgotten.
  void resetQueue(uint16_t q);
  void notify(uint16_t q, uint32_t value);
  uint8_t readGeneration();
  uint32_t readConfig(uint32_t off, unsigned w);
  void writeConfig(uint32_t off, uint32_t v, unsigned w);
  /// Ring addresses of queue q as the device sees them (modern registers or legacy PFN layout).
  RingAddrs ringAddrs(uint16_t q) const;
  /// Raise a configuration change (generation bumped) and optionally set DEVICE_NEEDS_RESET.
  void configChange(bool needsReset = false, bool notifyDriver = true);
  /// The fake entropy device: take every available buffer of queue q, fill it, return it.
  void serveRng(uint16_t q);
  bool writeVector(uint16_t* reg, uint16_t v, uint16_t tableSize);
  uint16_t readVector(uint16_t reg) const;

 private:
  struct RingState {
    RingAddrs addrs;
    bool packed = false;
    std::unique_ptr<test::FakeSplitDevice> split;
    std::unique_ptr<test::FakePackedDevice> packedDev;
  };
  std::map<uint16_t, RingState> rings_;
  bool configReadOnce_ = false;
  int pendingReads_ = 0;
};

// ---------------------------------------------------------------------------------------------------------------
// PCI
// ---------------------------------------------------------------------------------------------------------------

class FakePciFunction {
 public:
  struct BarDef {
    uint64_t size = 0;
    bool io = false;
    bool is64 = false;
    bool prefetch = false;
  };
  FakePciFunction();
  virtual ~FakePciFunction() = default;

  uint32_t cfgRead(uint16_t off, unsigned w);
  void cfgWrite(uint16_t off, uint32_t v, unsigned w);
  virtual uint64_t barRead(int bar, uint64_t off, unsigned w);
  virtual void barWrite(int bar, uint64_t off, uint64_t v, unsigned w);

  void setIds(uint16_t vendor, uint16_t device, uint8_t revision, uint16_t subVendor, uint16_t subId);
  void setMultiFunction(bool on);
  void defineBar(int i, BarDef d);
  /// Append a capability (first two bytes are overwritten with id/next). Returns its position.
  uint8_t addCap(std::vector<uint8_t> bytes);
  /// A virtio vendor capability (struct virtio_pci_cap + extra bytes), cap_len = capLen (0: natural length).
  uint8_t addVirtioCap(uint8_t cfgType, uint8_t bar, uint32_t offset, uint32_t length, uint8_t capLen = 0,
                       std::vector<uint8_t> extra = {});
  uint8_t addNotifyCap(uint8_t bar, uint32_t offset, uint32_t length, uint32_t multiplier, uint8_t capLen = 0);
  uint8_t addMsixCap(uint16_t tableSize, uint8_t bar, uint32_t tableOff, uint8_t pbaBar, uint32_t pbaOff);

  uint64_t barAddress(int i) const;
  bool barDecodes(int i, Space s) const;
  bool msixEnabled() const;
  uint16_t msixTableSize() const { return msixTableSize_; }
  /// Send the MSI-X message of entry v (if enabled, unmasked, the function unmasked and bus mastering on).
  bool sendMsix(uint16_t v);

  uint8_t cfg[4096] = {};
  BarDef bars[6];
  FakeHal* hal = nullptr;
  unsigned intxLine = 0;
  std::vector<uint32_t> msixTable;  ///< 4 dwords per entry
  int msixBar = -1;
  uint32_t msixTableOff = 0, msixPbaOff = 0;
  uint8_t msixCapAt = 0;
  bool intxStatusBroken = false;    ///< PCI status Interrupt Status stays set even when ISR is 0

 protected:
  virtual bool intxPending() const { return false; }
  uint16_t msixTableSize_ = 0;
  uint8_t nextCap_ = 0x40;
  uint8_t lastCap_ = 0;
};

/// A virtio-pci function: modern structures in BAR4 (64-bit, 16 KiB), MSI-X table in BAR1, legacy I/O in BAR0.
class FakeVirtioPci : public FakePciFunction {
 public:
  struct Layout {
    bool modern = true;          ///< the virtio capabilities and BAR4
    bool legacy = false;         ///< transitional: legacy registers in I/O BAR0
    uint16_t msixVectors = 0;    ///< 0 = no MSI-X capability
    uint32_t notifyMultiplier = 4;
    bool standardCaps = true;    ///< add the common/notify/ISR/device/PCI_CFG capabilities
  };
  // BAR4 offsets of the structures
  static constexpr uint32_t kCommonOff = 0x0000, kIsrOff = 0x1000, kDeviceOff = 0x2000, kNotifyOff = 0x3000;
  static constexpr uint32_t kNotifyLen = 0x1000, kBar4Size = 0x4000;

  FakeVirtioPci(uint16_t type, unsigned numQueues, Layout layout);
  FakeVirtioPci(uint16_t type, unsigned numQueues) : FakeVirtioPci(type, numQueues, Layout{}) {}
  void addStandardCaps();

  uint64_t barRead(int bar, uint64_t off, unsigned w) override;
  void barWrite(int bar, uint64_t off, uint64_t v, unsigned w) override;

  FakeVirtioCore core;
  Layout layout;
  uint8_t isr = 0;
  std::vector<std::pair<uint64_t, unsigned>> notifyWrites;  ///< (offset in the notify structure, width)

 protected:
  bool intxPending() const override { return isr != 0; }

 private:
  uint64_t commonRead(uint32_t off, unsigned w);
  void commonWrite(uint32_t off, uint64_t v, unsigned w);
  uint64_t legacyRead(uint32_t off, unsigned w);
  void legacyWrite(uint32_t off, uint64_t v, unsigned w);
  void interrupt(bool config, uint16_t q);
  FakeQueue* sel();
};

// ---------------------------------------------------------------------------------------------------------------
// MMIO
// ---------------------------------------------------------------------------------------------------------------

class FakeVirtioMmio {
 public:
  FakeVirtioMmio(uint16_t type, unsigned numQueues, uint32_t version = 2);
  uint32_t read(uint32_t off, unsigned w);
  void write(uint32_t off, uint32_t v, unsigned w);

  FakeVirtioCore core;
  uint32_t magic = mmio::kMagic;
  uint32_t version;
  uint32_t vendorId = 0x554d4551;
  uint32_t interruptStatus = 0;
  uint32_t extraStatusBits = 0;  ///< ORed into InterruptStatus reads (undefined bits)
  FakeHal* hal = nullptr;
  unsigned line = 0;
  std::vector<uint32_t> acks;
};

// ---------------------------------------------------------------------------------------------------------------
// The Hal
// ---------------------------------------------------------------------------------------------------------------

class FakeHal final : public Hal {
 public:
  static constexpr uint64_t kEcamBase = 0xe0000000, kMem32Base = 0x80000000, kMem64Base = 0x800000000ull;
  static constexpr uint64_t kIoBase = 0x1000, kMsiAddress = 0xfee00000, kRamBase = 0x40000000;
  static constexpr uint64_t kMmioBase = 0x10000000;

  explicit FakeHal(uint64_t ramSize = 16u << 20);

  uint64_t read(Space space, uint64_t addr, unsigned width) override;
  void write(Space space, uint64_t addr, uint64_t value, unsigned width) override;
  GuestMemory& dmaMemory() override { return mem; }
  GuestAllocator& dmaAllocator() override { return alloc; }
  uint64_t lineLevels() override { return levels; }
  bool popMsi(uint32_t* data) override;
  bool waitForInterrupt(uint64_t timeoutNs) override;
  uint64_t nowNs() override { return now; }
  const PlatformDesc& platform() const override { return desc; }

  /// Plug a PCI function (bus 0, device dev, function fn). The HAL keeps it alive.
  FakePciFunction& addPci(std::unique_ptr<FakePciFunction> f, uint8_t dev, uint8_t fn = 0);
  template <class T>
  T& addPciT(std::unique_ptr<T> f, uint8_t dev, uint8_t fn = 0) {
    return static_cast<T&>(addPci(std::move(f), dev, fn));
  }
  /// Plug an MMIO device in a new slot (base = kMmioBase + slot * 0x1000, line = 10 + slot).
  FakeVirtioMmio& addMmio(std::unique_ptr<FakeVirtioMmio> m);
  /// An MMIO slot with nothing behind it (reads all-ones).
  void addEmptyMmioSlot();

  void setLine(unsigned line, bool level);
  void msi(uint64_t addr, uint32_t data);

  /// Accesses matching space and [lo, hi).
  std::vector<Access> accesses(Space s, uint64_t lo, uint64_t hi, bool writesOnly = false) const;
  void clearLog() { log.clear(); }

  PlatformDesc desc;
  OwnedGuestMemory mem;
  GuestAllocator alloc;
  std::vector<Access> log;
  bool logging = true;
  uint64_t levels = 0;
  std::deque<uint32_t> msis;
  std::vector<std::pair<uint64_t, uint32_t>> msiLog;
  uint64_t now = 0;
  bool timed = false;  ///< waitForInterrupt advances `now` by its timeout when nothing is pending

 private:
  struct PciSlot {
    uint8_t dev, fn;
    std::unique_ptr<FakePciFunction> f;
  };
  struct MmioSlot {
    uint64_t base;
    std::unique_ptr<FakeVirtioMmio> m;
  };
  FakePciFunction* pciAt(uint64_t ecamOff, uint16_t* off);
  std::vector<PciSlot> pci_;
  std::vector<MmioSlot> mmio_;
};

/// The driver's accesses to the common configuration of f, as "W name=value" for writes and "R name" for reads
/// of the registers in `reads` (others left out), in order.
std::vector<std::string> commonTrace(const FakeHal& h, FakePciFunction& f, const std::vector<std::string>& reads = {});
/// Same for the virtio-mmio register file at base (configuration space left out).
std::vector<std::string> mmioTrace(const FakeHal& h, uint64_t base, const std::vector<std::string>& reads = {});
/// Same for the legacy I/O BAR0 of f.
std::vector<std::string> legacyTrace(const FakeHal& h, FakePciFunction& f, const std::vector<std::string>& reads = {});

}  // namespace vsim::drv::fake

// Test support for the PCI transport: a fake interrupt fabric, a small device type with a config space, a rig that
// wires memory + core + function, and a tiny hand-written "driver" that talks to the function only through
// configuration space and BAR accesses (no dependency on driver/).
#pragma once
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "vsim/abi/features.h"
#include "vsim/abi/pci.h"
#include "vsim/abi/ring_split.h"
#include "vsim/abi/status.h"
#include "vsim/guest_memory.h"
#include "vsim/model/device_core.h"
#include "vsim/model/rng_device.h"
#include "vsim/model/virtio_pci.h"
#include "vsim/violation.h"

namespace vsim::model::pcitest {

/// Records every INTx level change and MSI message.
class FakeFabric final : public InterruptFabric {
 public:
  struct Msg {
    uint64_t addr;
    uint32_t data;
  };
  void setLine(unsigned line, bool level) override {
    lastLine = line;
    level_ = level;
    ++lineChanges;
  }
  void msi(uint64_t address, uint32_t data) override { msgs.push_back({address, data}); }
  bool level() const { return level_; }
  std::vector<Msg> msgs;
  unsigned lastLine = 0;
  unsigned lineChanges = 0;

 private:
  bool level_ = false;
};

/// A device type with 2 queues and 8 bytes of configuration: bytes 0..3 read-only (0x11223344), 4..7 writable.
class CfgDevice final : public DeviceLogic {
 public:
  explicit CfgDevice(uint16_t id = 1, uint16_t maxSize = 64) : id_(id), max_(maxSize) {}
  uint16_t deviceId() const override { return id_; }
  std::string name() const override { return "cfgdev"; }
  uint64_t deviceFeatures() const override { return 0; }
  uint16_t numQueues() const override { return 2; }
  uint16_t queueMaxSize(uint16_t) const override { return max_; }
  uint32_t configSize() const override { return 8; }
  void readConfig(uint32_t off, void* dst, uint32_t len) override { std::memcpy(dst, cfg_ + off, len); }
  bool writeConfig(uint32_t off, const void* src, uint32_t len) override {
    if (off < 4) return false;
    std::memcpy(cfg_ + off, src, len);
    return true;
  }
  ChainResult handle(DeviceCore&, uint16_t, const Chain&, uint32_t& written) override {
    written = 0;
    return ChainResult::Done;
  }
  void onReset() override {}
  uint8_t cfg_[8] = {0x44, 0x33, 0x22, 0x11, 0, 0, 0, 0};

 private:
  uint16_t id_;
  uint16_t max_;
};

constexpr uint64_t kMemSize = 1 << 20;

/// Memory, violation log, a device type, its core and the PCI function, wired to a fake fabric on INTx line 5.
template <class Logic = RngDevice>
struct Rig {
  explicit Rig(const VirtioPciParams& p = {}, const CoreOptions& co = {}, std::unique_ptr<Logic> l = nullptr)
      : mem(kMemSize), logic(l ? std::move(l) : std::make_unique<Logic>()), core(*logic, mem, log, co), dev(core, p) {
    dev.connectInterrupts(&fabric, 5);
  }
  OwnedGuestMemory mem;
  ViolationLog log;
  std::unique_ptr<Logic> logic;
  DeviceCore core;
  VirtioPciDevice dev;
  FakeFabric fabric;

  bool has(const std::string& clause, const std::string& kind) const {
    for (const auto& v : log.all())
      if (v.clause == clause && v.kind == kind) return true;
    return false;
  }
  std::string dump() const {
    std::string s;
    for (const auto& v : log.all()) s += toString(v) + "\n";
    return s;
  }
};

/// Where the tiny driver found the virtio structures.
struct Found {
  int commonBar = -1, notifyBar = -1, isrBar = -1, deviceBar = -1;
  uint32_t commonOff = 0, notifyOff = 0, isrOff = 0, deviceOff = 0, deviceLen = 0, notifyLen = 0;
  uint32_t multiplier = 0;
  uint16_t pciCfgCap = 0, msixCap = 0;
  std::vector<uint8_t> capIds;
};

/// A tiny hand-written driver: configuration space walk, BAR access, modern and legacy initialisation, split rings.
class MiniDriver {
 public:
  explicit MiniDriver(PciFunction& f) : f_(f) {}

  // --- configuration space ---
  uint32_t cfg(uint16_t off, unsigned len) { return f_.cfgRead(off, len); }
  void setCfg(uint16_t off, uint32_t v, unsigned len) { f_.cfgWrite(off, v, len); }
  void enableDecode(bool busMaster = true) {
    setCfg(pci::kCfgCommand, pci::kCmdIo | pci::kCmdMemory | (busMaster ? pci::kCmdBusMaster : 0), 2);
  }

  Found walk() {
    Found r;
    uint16_t p = static_cast<uint16_t>(cfg(pci::kCfgCapPtr, 1));
    for (int guard = 0; p && guard < 48; ++guard) {
      const uint8_t id = static_cast<uint8_t>(cfg(p, 1));
      r.capIds.push_back(id);
      if (id == pci::kCapIdMsix) r.msixCap = p;
      if (id == pci::kCapIdVendor) {
        const uint8_t type = static_cast<uint8_t>(cfg(p + 3, 1));
        const int bar = static_cast<int>(cfg(p + 4, 1));
        const uint32_t off = cfg(p + 8, 4), len = cfg(p + 12, 4);
        switch (type) {
          case pci::kCapCommonCfg:
            if (r.commonBar < 0) r.commonBar = bar, r.commonOff = off;
            break;
          case pci::kCapNotifyCfg:
            if (r.notifyBar < 0) r.notifyBar = bar, r.notifyOff = off, r.notifyLen = len, r.multiplier = cfg(p + 16, 4);
            break;
          case pci::kCapIsrCfg:
            if (r.isrBar < 0) r.isrBar = bar, r.isrOff = off;
            break;
          case pci::kCapDeviceCfg:
            if (r.deviceBar < 0) r.deviceBar = bar, r.deviceOff = off, r.deviceLen = len;
            break;
          case pci::kCapPciCfg:
            if (!r.pciCfgCap) r.pciCfgCap = p;
            break;
          default: break;
        }
      }
      p = static_cast<uint16_t>(cfg(p + 1, 1));
    }
    found = r;
    return r;
  }

  // --- BAR access ---
  uint64_t barRead(int bar, uint64_t off, unsigned len, bool* ok = nullptr) {
    uint64_t v = 0;
    const bool r = f_.barTarget(static_cast<unsigned>(bar))->read(off, &v, len);
    if (ok) *ok = r;
    return v;
  }
  bool barWrite(int bar, uint64_t off, uint64_t v, unsigned len) {
    return f_.barTarget(static_cast<unsigned>(bar))->write(off, &v, len);
  }
  uint64_t common(uint32_t field, unsigned len) { return barRead(found.commonBar, found.commonOff + field, len); }
  void setCommon(uint32_t field, uint64_t v, unsigned len) { barWrite(found.commonBar, found.commonOff + field, v, len); }
  uint8_t isr() { return static_cast<uint8_t>(barRead(found.isrBar, found.isrOff, 1)); }
  void notify(uint16_t q, uint32_t value, unsigned len = 2) {
    barWrite(found.notifyBar, found.notifyOff + uint64_t{q} * found.multiplier, value, len);
  }

  // --- modern initialisation ---
  /// Reset, ACKNOWLEDGE, DRIVER, negotiate (offered & want, VERSION_1 always), FEATURES_OK and re-read it.
  uint64_t negotiate(uint64_t want) {
    setCommon(pci::common::kDeviceStatus, 0, 1);
    EXPECT_EQ(common(pci::common::kDeviceStatus, 1), 0u);
    setCommon(pci::common::kDeviceStatus, status::kAcknowledge, 1);
    setCommon(pci::common::kDeviceStatus, status::kAcknowledge | status::kDriver, 1);
    uint64_t offered = 0;
    for (uint32_t sel = 0; sel < 2; ++sel) {
      setCommon(pci::common::kDeviceFeatureSelect, sel, 4);
      offered |= common(pci::common::kDeviceFeature, 4) << (32 * sel);
    }
    const uint64_t acc = offered & (want | feat::bit(feat::kVersion1));
    for (uint32_t sel = 0; sel < 2; ++sel) {
      setCommon(pci::common::kDriverFeatureSelect, sel, 4);
      setCommon(pci::common::kDriverFeature, static_cast<uint32_t>(acc >> (32 * sel)), 4);
    }
    setCommon(pci::common::kDeviceStatus, status::kAcknowledge | status::kDriver | status::kFeaturesOk, 1);
    EXPECT_TRUE(common(pci::common::kDeviceStatus, 1) & status::kFeaturesOk);
    return acc;
  }
  /// Queue q: size, split ring at base (desc, avail at +0x1000, used at +0x2000), optional MSI-X vector, enable.
  void setupQueue(uint16_t q, uint16_t size, uint64_t base, uint16_t vector = pci::kNoVector) {
    setCommon(pci::common::kQueueSelect, q, 2);
    EXPECT_GE(common(pci::common::kQueueSize, 2), size);
    setCommon(pci::common::kQueueSize, size, 2);
    set64(pci::common::kQueueDesc, base);
    set64(pci::common::kQueueDriver, base + 0x1000);
    set64(pci::common::kQueueDevice, base + 0x2000);
    if (vector != pci::kNoVector) {
      setCommon(pci::common::kQueueMsixVector, vector, 2);
      EXPECT_EQ(common(pci::common::kQueueMsixVector, 2), vector);
    }
    setCommon(pci::common::kQueueEnable, 1, 2);
  }
  void set64(uint32_t field, uint64_t v) {
    setCommon(field, static_cast<uint32_t>(v), 4);
    setCommon(field + 4, static_cast<uint32_t>(v >> 32), 4);
  }
  void driverOk() {
    setCommon(pci::common::kDeviceStatus,
              status::kAcknowledge | status::kDriver | status::kFeaturesOk | status::kDriverOk, 1);
  }

  /// MSI-X: enable, program entry v with (addr, data) and unmask it.
  void msixProgram(uint16_t v, uint64_t addr, uint32_t data, int msixBar, uint32_t tableOff) {
    const uint64_t e = tableOff + 16ull * v;
    barWrite(msixBar, e + pci::kMsixEntryAddrLo, static_cast<uint32_t>(addr), 4);
    barWrite(msixBar, e + pci::kMsixEntryAddrHi, static_cast<uint32_t>(addr >> 32), 4);
    barWrite(msixBar, e + pci::kMsixEntryData, data, 4);
    barWrite(msixBar, e + pci::kMsixEntryCtrl, 0, 4);
  }
  void msixEnable(bool on, bool maskAll = false) {
    const uint16_t ctl = static_cast<uint16_t>(cfg(found.msixCap + pci::kMsixCapControl, 2));
    uint16_t v = static_cast<uint16_t>(ctl & ~(pci::kMsixCtrlEnable | pci::kMsixCtrlMaskAll));
    if (on) v |= pci::kMsixCtrlEnable;
    if (maskAll) v |= pci::kMsixCtrlMaskAll;
    setCfg(found.msixCap + pci::kMsixCapControl, v, 2);
  }

  // --- legacy registers in I/O BAR0 ---
  uint64_t leg(uint32_t off, unsigned len) { return barRead(0, off, len); }
  void setLeg(uint32_t off, uint64_t v, unsigned len) { barWrite(0, off, v, len); }

  PciFunction& f_;
  Found found;
};

/// Guest-side split ring of one queue, built by hand in guest memory.
struct SplitRingView {
  GuestMemory& mem;
  uint64_t desc, avail, used;
  uint16_t size;
  uint16_t availIdx = 0;

  void addWritable(uint16_t head, uint64_t buf, uint32_t len) {
    split::Desc d{buf, len, split::kDescFWrite, 0};
    mem.write(desc + 16ull * head, &d, sizeof d);
    const uint16_t slot = availIdx % size;
    mem.store<uint16_t>(avail + split::availRingOff(slot), head);
    ++availIdx;
    mem.store<uint16_t>(avail + split::availIdxOff(), availIdx);
  }
  uint16_t usedIdx() const {
    uint16_t v = 0;
    mem.load(used + split::usedIdxOff(), &v);
    return v;
  }
  split::UsedElem usedElem(uint16_t i) const {
    split::UsedElem e{};
    mem.read(used + split::usedRingOff(i % size), &e, sizeof e);
    return e;
  }
};

}  // namespace vsim::model::pcitest

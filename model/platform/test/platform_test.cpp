// The functional platform: address map and bus routing, decode errors, the bus observer, ECAM configuration access,
// BAR routing after the driver programs the BARs, interrupt lines and MSI, the firmware map, and one entropy request
// end to end through a virtio-mmio slot (hand-written register accesses; model tests never use driver/).
#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "vsim/abi/features.h"
#include "vsim/abi/mmio.h"
#include "vsim/abi/ring_split.h"
#include "vsim/abi/status.h"
#include "vsim/model/bus.h"
#include "vsim/model/device_core.h"
#include "vsim/model/interrupt_controller.h"
#include "vsim/model/pci_host_bridge.h"
#include "vsim/model/platform.h"
#include "vsim/model/rng_device.h"
#include "vsim/model/virtio_mmio.h"

namespace vsim::model {
namespace {

/// A plain register file: size bytes of storage; offsets at or past `hole` are not decoded.
class RegFile final : public BusTarget {
 public:
  explicit RegFile(size_t size, uint64_t hole = ~uint64_t{0}) : mem(size, 0), hole_(hole) {}
  bool read(uint64_t off, void* data, unsigned len) override {
    lastOff = off;
    if (off >= hole_ || off + len > mem.size()) return false;
    std::memcpy(data, mem.data() + off, len);
    return true;
  }
  bool write(uint64_t off, const void* data, unsigned len) override {
    lastOff = off;
    if (off >= hole_ || off + len > mem.size()) return false;
    std::memcpy(mem.data() + off, data, len);
    ++writes;
    return true;
  }
  std::string regName(uint64_t off) const override { return "r" + std::to_string(off); }
  std::vector<uint8_t> mem;
  uint64_t lastOff = ~uint64_t{0};
  int writes = 0;

 private:
  uint64_t hole_;
};

/// A PCI function with a type-0 header: BAR0 32-bit memory (4 KiB), BAR2/3 64-bit prefetchable memory (16 KiB),
/// BAR4 I/O (32 bytes); command register bits 0 (I/O), 1 (memory), 2 (bus master).
class FakeFunction final : public PciFunction {
 public:
  static constexpr uint64_t kBar0Size = 0x1000, kBar2Size = 0x4000, kBar4Size = 0x20;
  FakeFunction() {
    put16(0x00, 0x1234);  // vendor
    put16(0x02, 0x5678);  // device
    cfg_[0x0e] = 0;       // header type 0
  }
  uint32_t cfgRead(uint16_t off, unsigned len) override {
    if (off >= 0x10 && off < 0x28) {
      const unsigned i = (off - 0x10) / 4;
      uint32_t v = bars_[i];
      if (i == 2) v |= 0x4 | 0x8;  // 64-bit, prefetchable
      if (i == 4) v |= 0x1;       // I/O
      v >>= 8 * (off & 3);
      return len == 4 ? v : v & ((1u << (8 * len)) - 1);
    }
    uint32_t v = 0;
    std::memcpy(&v, cfg_ + off, len);
    return v;
  }
  void cfgWrite(uint16_t off, uint32_t value, unsigned len) override {
    if (off >= 0x10 && off < 0x28) {
      ASSERT_EQ(len, 4u);
      const unsigned i = (off - 0x10) / 4;
      switch (i) {
        case 0: bars_[0] = value & ~static_cast<uint32_t>(kBar0Size - 1); break;
        case 2: bars_[2] = value & ~static_cast<uint32_t>(kBar2Size - 1); break;
        case 3: bars_[3] = value; break;
        case 4: bars_[4] = value & ~static_cast<uint32_t>(kBar4Size - 1); break;
        default: break;  // BAR1 and BAR5 are not implemented (read 0)
      }
      return;
    }
    if (off == 0x04 || off == 0x05) {
      std::memcpy(cfg_ + off, &value, len);
      return;
    }
  }
  BarInfo barInfo(unsigned i) const override {
    BarInfo b;
    if (i == 0) b = BarInfo{true, false, false, false, kBar0Size};
    if (i == 2) b = BarInfo{true, false, true, true, kBar2Size};
    if (i == 4) b = BarInfo{true, true, false, false, kBar4Size};
    return b;
  }
  BusTarget* barTarget(unsigned i) override { return i == 0 ? &bar0 : i == 2 ? &bar2 : i == 4 ? &bar4 : nullptr; }
  uint64_t barAddress(unsigned i) const override {
    if (i == 0) return bars_[0];
    if (i == 2) return bars_[2] | (uint64_t{bars_[3]} << 32);
    if (i == 4) return bars_[4];
    return 0;
  }
  bool memoryDecode() const override { return cfg_[4] & 2; }
  bool ioDecode() const override { return cfg_[4] & 1; }
  bool busMaster() const override { return cfg_[4] & 4; }
  void connectInterrupts(InterruptFabric* fabric, unsigned intxLine) override {
    fabric_ = fabric;
    line = intxLine;
  }
  void intx(bool level) { fabric_->setLine(line, level); }
  void sendMsi(uint64_t addr, uint32_t data) { fabric_->msi(addr, data); }

  RegFile bar0{kBar0Size}, bar2{kBar2Size}, bar4{kBar4Size};
  unsigned line = ~0u;

 private:
  void put16(unsigned off, uint16_t v) { std::memcpy(cfg_ + off, &v, 2); }
  uint8_t cfg_[4096] = {};
  uint32_t bars_[6] = {};
  InterruptFabric* fabric_ = nullptr;
};

class TraceRecorder final : public BusObserver {
 public:
  struct A {
    Space space;
    uint64_t addr;
    unsigned len;
    uint64_t value;
    bool write;
    std::string target, reg;
  };
  void onAccess(Space space, uint64_t addr, unsigned len, uint64_t value, bool write, const std::string& targetName,
                const std::string& regName) override {
    seen.push_back(A{space, addr, len, value, write, targetName, regName});
  }
  void onDecodeError(const DecodeError& e) override { errors.push_back(e); }
  std::vector<A> seen;
  std::vector<DecodeError> errors;
};

// ---------------------------------------------------------------------------------------------------------------
// Address map and bus

TEST(AddressMap, MapsNonOverlappingRangesPerSpace) {
  AddressMap m;
  RegFile a(0x100), b(0x100);
  EXPECT_TRUE(m.map(Space::Memory, 0x1000, 0x100, a, "a"));
  EXPECT_TRUE(m.map(Space::Memory, 0x1100, 0x100, b, "b"));  // adjacent is fine
  EXPECT_FALSE(m.map(Space::Memory, 0x10ff, 0x2, b, "x"));   // overlaps both
  EXPECT_FALSE(m.map(Space::Memory, 0x0f00, 0x101, b, "x"));  // runs into a
  EXPECT_FALSE(m.map(Space::Memory, 0x2000, 0, b, "x"));
  EXPECT_FALSE(m.map(Space::Memory, ~uint64_t{0} - 4, 0x10, b, "x"));  // wraps
  EXPECT_TRUE(m.map(Space::Io, 0x1000, 0x100, b, "io-b"));  // other space, same numbers
  ASSERT_NE(m.find(Space::Memory, 0x10ff), nullptr);
  EXPECT_EQ(m.find(Space::Memory, 0x10ff)->name, "a");
  EXPECT_EQ(m.find(Space::Memory, 0x1100)->name, "b");
  EXPECT_EQ(m.find(Space::Memory, 0x1200), nullptr);
  EXPECT_EQ(m.find(Space::Memory, 0x0fff), nullptr);
  EXPECT_EQ(m.find(Space::Io, 0x1000)->name, "io-b");
  EXPECT_TRUE(m.unmap(Space::Memory, 0x1000));
  EXPECT_EQ(m.find(Space::Memory, 0x1000), nullptr);
  EXPECT_FALSE(m.unmap(Space::Memory, 0x1000));
}

TEST(Bus, RoutesWithOffsetAndRecordsDecodeErrors) {
  Bus bus;
  RegFile dev(0x40, 0x20);  // decodes 0x00..0x1f only
  ASSERT_TRUE(bus.map().map(Space::Memory, 0x9000, 0x40, dev, "dev"));
  EXPECT_TRUE(bus.write(Space::Memory, 0x9010, 0xdeadbeef, 4));
  EXPECT_EQ(dev.lastOff, 0x10u);
  EXPECT_EQ(bus.read(Space::Memory, 0x9010, 4), 0xdeadbeefu);
  EXPECT_EQ(bus.read(Space::Memory, 0x9012, 2), 0xdeadu);
  EXPECT_TRUE(bus.decodeErrors().empty());

  EXPECT_EQ(bus.read(Space::Memory, 0x8000, 4), 0xffffffffu);  // unmapped
  EXPECT_EQ(bus.read(Space::Memory, 0x8000, 8), ~uint64_t{0});
  EXPECT_FALSE(bus.write(Space::Memory, 0x8000, 1, 1));
  EXPECT_EQ(bus.read(Space::Memory, 0x903e, 4), 0xffffffffu);  // straddles the range end
  EXPECT_EQ(bus.read(Space::Memory, 0x9030, 4), 0xffffffffu);  // the target rejects it
  EXPECT_EQ(bus.read(Space::Memory, 0x9000, 3), 0xffffffu);    // bad width
  EXPECT_EQ(bus.read(Space::Io, 0x9000, 4), 0xffffffffu);      // same address, other space

  const auto& e = bus.decodeErrors();
  ASSERT_EQ(e.size(), 7u);
  EXPECT_EQ(e[0].reason, DecodeError::Reason::Unmapped);
  EXPECT_EQ(e[0].addr, 0x8000u);
  EXPECT_FALSE(e[0].write);
  EXPECT_TRUE(e[2].write);
  EXPECT_EQ(e[3].reason, DecodeError::Reason::Straddle);
  EXPECT_EQ(e[3].target, "dev");
  EXPECT_EQ(e[4].reason, DecodeError::Reason::TargetRejected);
  EXPECT_EQ(e[5].reason, DecodeError::Reason::BadWidth);
  EXPECT_EQ(e[6].space, Space::Io);
  EXPECT_EQ(bus.stats().decodeErrors, 7u);
  bus.setDecodeErrorLimit(7);
  bus.read(Space::Memory, 0, 4);
  EXPECT_EQ(bus.decodeErrors().size(), 7u);  // list capped, count goes on
  EXPECT_EQ(bus.stats().decodeErrors, 8u);
}

TEST(Bus, ObserverSeesEveryAccessWithNames) {
  Bus bus;
  RegFile dev(0x40);
  TraceRecorder tr;
  bus.setObserver(&tr);
  ASSERT_TRUE(bus.map().map(Space::Io, 0x100, 0x40, dev, "uart"));
  bus.write(Space::Io, 0x104, 0x1234567, 4);
  bus.read(Space::Io, 0x104, 2);
  bus.read(Space::Io, 0x200, 1);
  ASSERT_EQ(tr.seen.size(), 3u);
  EXPECT_TRUE(tr.seen[0].write);
  EXPECT_EQ(tr.seen[0].value, 0x1234567u);
  EXPECT_EQ(tr.seen[0].target, "uart");
  EXPECT_EQ(tr.seen[0].reg, "r4");
  EXPECT_FALSE(tr.seen[1].write);
  EXPECT_EQ(tr.seen[1].value, 0x4567u);
  EXPECT_EQ(tr.seen[2].target, "");
  EXPECT_EQ(tr.seen[2].value, 0xffu);
  ASSERT_EQ(tr.errors.size(), 1u);
  EXPECT_EQ(tr.errors[0].addr, 0x200u);
}

// ---------------------------------------------------------------------------------------------------------------
// PCI

TEST(PciHostBridge, EcamConfigurationAccess) {
  Platform p;
  FakeFunction fn;
  ASSERT_TRUE(p.attachPci(3, fn));
  EXPECT_FALSE(p.attachPci(3, fn));  // taken
  const uint64_t cfg3 = p.layout().ecamBase + (3u << 15);
  EXPECT_EQ(p.read(Space::Memory, cfg3 + 0, 4), 0x56781234u);
  EXPECT_EQ(p.read(Space::Memory, cfg3 + 2, 2), 0x5678u);
  EXPECT_EQ(p.read(Space::Memory, cfg3 + 0, 1), 0x34u);
  // An absent device reads all-ones without being a decode error (that is how enumeration finds nothing).
  EXPECT_EQ(p.read(Space::Memory, p.layout().ecamBase + (4u << 15), 4), 0xffffffffu);
  EXPECT_EQ(p.read(Space::Memory, cfg3 + (1u << 12), 4), 0xffffffffu);  // function 1 of device 3
  EXPECT_TRUE(p.bus().decodeErrors().empty());
  // Command register write, then read back.
  EXPECT_TRUE(p.write(Space::Memory, cfg3 + 4, 0x6, 2));
  EXPECT_TRUE(fn.memoryDecode());
  EXPECT_TRUE(fn.busMaster());
  EXPECT_FALSE(fn.ioDecode());
  // An unaligned or 8-byte configuration access is not decoded.
  p.read(Space::Memory, cfg3 + 1, 2);
  p.read(Space::Memory, cfg3, 8);
  EXPECT_EQ(p.bus().decodeErrors().size(), 2u);
}

TEST(PciHostBridge, BarRoutingFollowsProgramming) {
  Platform p;
  FakeFunction fn;
  ASSERT_TRUE(p.attachPci(3, fn));
  const uint64_t cfg = p.layout().ecamBase + (3u << 15);
  // Size BAR0 like firmware: write all-ones, read back the mask.
  p.write(Space::Memory, cfg + 0x10, 0xffffffff, 4);
  EXPECT_EQ(p.read(Space::Memory, cfg + 0x10, 4), static_cast<uint32_t>(~(FakeFunction::kBar0Size - 1)));
  const uint64_t bar0 = p.layout().pciMem32Base + 0x10000;
  const uint64_t bar2 = p.layout().pciMem64Base + 0x40000;
  const uint64_t bar4 = p.layout().pciIoBase + 0x100;
  p.write(Space::Memory, cfg + 0x10, bar0, 4);
  p.write(Space::Memory, cfg + 0x18, static_cast<uint32_t>(bar2), 4);
  p.write(Space::Memory, cfg + 0x1c, static_cast<uint32_t>(bar2 >> 32), 4);
  p.write(Space::Memory, cfg + 0x20, bar4, 4);
  EXPECT_EQ(fn.barAddress(2), bar2);

  // Decoding still off: nobody claims the windows.
  EXPECT_EQ(p.read(Space::Memory, bar0 + 8, 4), 0xffffffffu);
  EXPECT_EQ(p.bus().decodeErrors().size(), 1u);
  EXPECT_EQ(p.pci().stats().unclaimed, 1u);

  p.write(Space::Memory, cfg + 4, 0x3, 2);  // memory + I/O decode
  EXPECT_TRUE(p.write(Space::Memory, bar0 + 8, 0xabcd0123, 4));
  EXPECT_EQ(fn.bar0.lastOff, 8u);
  EXPECT_EQ(p.read(Space::Memory, bar0 + 8, 4), 0xabcd0123u);
  EXPECT_TRUE(p.write(Space::Memory, bar2 + 0x3ff8, 0x1122334455667788ull, 8));
  EXPECT_EQ(fn.bar2.lastOff, 0x3ff8u);
  EXPECT_EQ(p.read(Space::Memory, bar2 + 0x3ff8, 8), 0x1122334455667788ull);
  EXPECT_TRUE(p.write(Space::Io, bar4 + 4, 0x5a, 1));
  EXPECT_EQ(fn.bar4.lastOff, 4u);
  EXPECT_EQ(p.read(Space::Io, bar4 + 4, 1), 0x5au);
  EXPECT_EQ(p.bus().decodeErrors().size(), 1u);
  // Past the end of a BAR (inside the window) and across its end.
  EXPECT_EQ(p.read(Space::Memory, bar0 + FakeFunction::kBar0Size, 4), 0xffffffffu);
  EXPECT_EQ(p.read(Space::Memory, bar0 + FakeFunction::kBar0Size - 2, 4), 0xffffffffu);
  EXPECT_EQ(p.bus().decodeErrors().size(), 3u);

  // The trace names the function, BAR and register.
  TraceRecorder tr;
  p.bus().setObserver(&tr);
  p.read(Space::Memory, bar0 + 8, 4);
  ASSERT_EQ(tr.seen.size(), 1u);
  EXPECT_EQ(tr.seen[0].target, "pci-mem32");
  EXPECT_EQ(tr.seen[0].reg, "00:03.0/BAR0/r8");
  p.bus().setObserver(nullptr);

  // Move BAR0: the old address is unclaimed, the new one routes.
  const uint64_t moved = p.layout().pciMem32Base + 0x20000;
  p.write(Space::Memory, cfg + 0x10, moved, 4);
  EXPECT_EQ(p.read(Space::Memory, bar0 + 8, 4), 0xffffffffu);
  EXPECT_EQ(p.read(Space::Memory, moved + 8, 4), 0xabcd0123u);
  // Memory decode off: memory BARs vanish, the I/O BAR stays.
  p.write(Space::Memory, cfg + 4, 0x1, 2);
  EXPECT_EQ(p.read(Space::Memory, moved + 8, 4), 0xffffffffu);
  EXPECT_EQ(p.read(Space::Io, bar4 + 4, 1), 0x5au);
}

TEST(PciHostBridge, BarsProgrammedBehindTheBridgeAreFollowed) {
  Platform p;
  FakeFunction fn;
  ASSERT_TRUE(p.attachPci(0, fn));
  const uint64_t a = p.layout().pciMem32Base, b = p.layout().pciMem32Base + 0x8000;
  fn.cfgWrite(0x10, static_cast<uint32_t>(a), 4);
  fn.cfgWrite(0x04, 0x2, 2);
  EXPECT_TRUE(p.write(Space::Memory, a + 4, 7, 4));  // routed (and cached)
  fn.cfgWrite(0x10, static_cast<uint32_t>(b), 4);    // not through ECAM
  EXPECT_EQ(p.read(Space::Memory, a + 4, 4), 0xffffffffu);
  EXPECT_EQ(p.read(Space::Memory, b + 4, 4), 7u);
}

// ---------------------------------------------------------------------------------------------------------------
// Interrupts

TEST(InterruptController, LevelLinesMsiAndCallback) {
  InterruptController ic(0xFEE00000);
  int calls = 0;
  ic.setCallback([&] { ++calls; });
  ic.setLine(3, true);
  ic.setLine(3, true);  // no edge
  ic.setLine(63, true);
  EXPECT_EQ(ic.levels(), (uint64_t{1} << 3) | (uint64_t{1} << 63));
  EXPECT_TRUE(ic.level(3));
  EXPECT_EQ(calls, 2);
  ic.setLine(3, false);
  EXPECT_FALSE(ic.level(3));
  ic.setLine(64, true);  // no such line
  EXPECT_EQ(ic.stats().badLines, 1u);
  EXPECT_EQ(calls, 2);

  ic.msi(0xFEE00000, 0x41);
  ic.msi(0xFEE00000, 0x42);
  ic.msi(0xFEE00004, 0x43);  // wrong address: rejected
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(ic.pendingMsis(), 2u);
  uint32_t d = 0;
  ASSERT_TRUE(ic.popMsi(&d));
  EXPECT_EQ(d, 0x41u);
  ASSERT_TRUE(ic.popMsi(&d));
  EXPECT_EQ(d, 0x42u);
  EXPECT_FALSE(ic.popMsi(&d));
  ASSERT_EQ(ic.rejectedMsis().size(), 1u);
  EXPECT_EQ(ic.rejectedMsis()[0].address, 0xFEE00004u);
  EXPECT_EQ(ic.stats().msisRejected, 1u);
}

TEST(Platform, PciInterruptsAndMsiReachTheController) {
  Platform p;
  FakeFunction fn;
  ASSERT_TRUE(p.attachPci(5, fn));
  EXPECT_EQ(fn.line, p.layout().pciIntxLineBase + 5);
  fn.intx(true);
  EXPECT_TRUE(p.intc().level(fn.line));
  fn.intx(false);
  EXPECT_EQ(p.intc().levels(), 0u);
  fn.sendMsi(p.layout().msiAddress, 0x30);
  uint32_t d = 0;
  ASSERT_TRUE(p.intc().popMsi(&d));
  EXPECT_EQ(d, 0x30u);
  // An MSI written elsewhere is a decode error on the platform bus.
  fn.sendMsi(0x12345678, 0x31);
  EXPECT_FALSE(p.intc().popMsi(&d));
  ASSERT_EQ(p.bus().decodeErrors().size(), 1u);
  EXPECT_EQ(p.bus().decodeErrors()[0].reason, DecodeError::Reason::MsiAddress);
  EXPECT_EQ(p.bus().decodeErrors()[0].addr, 0x12345678u);
}

// ---------------------------------------------------------------------------------------------------------------
// Layout and map

TEST(Platform, DefaultLayoutAndFirmwareMap) {
  PlatformLayout l;
  EXPECT_EQ(l.validate(), "");
  Platform p(l);
  RegFile a(0x200), b(0x200);
  EXPECT_EQ(p.attachMmio(a, "a"), 0);
  EXPECT_EQ(p.attachMmio(b, "b", 4), 4);
  EXPECT_EQ(p.attachMmio(b, "again", 4), -1);
  EXPECT_EQ(p.freeMmioSlot(), 1);
  const PlatformMap m = p.map();
  EXPECT_EQ(m.ramBase, 0u);
  EXPECT_EQ(m.ramSize, 64ull << 20);
  EXPECT_EQ(m.ecamBase, 0xE0000000u);
  EXPECT_EQ(m.ecamBuses, 1);
  EXPECT_EQ(m.pciMem32Base, 0xC0000000u);
  EXPECT_EQ(m.pciMem32Size, 256ull << 20);
  EXPECT_EQ(m.pciMem64Base, 0x8000000000ull);
  EXPECT_EQ(m.pciMem64Size, 4ull << 30);
  EXPECT_EQ(m.pciIoBase, 0x1000u);
  EXPECT_EQ(m.pciIoBase + m.pciIoSize - 1, 0xFFFFu);
  EXPECT_EQ(m.msiAddress, 0xFEE00000u);
  EXPECT_EQ(m.pciIntxLineBase, 32u);
  ASSERT_EQ(m.mmio.size(), 2u);
  EXPECT_EQ(m.mmio[0].base, 0xD0000000u);
  EXPECT_EQ(m.mmio[0].size, 0x200u);
  EXPECT_EQ(m.mmio[0].line, 0u);
  EXPECT_EQ(m.mmio[1].base, 0xD0004000u);
  EXPECT_EQ(m.mmio[1].line, 4u);
  // RAM is on the bus too.
  EXPECT_TRUE(p.write(Space::Memory, 0x100, 0x55aa, 2));
  uint16_t v = 0;
  ASSERT_TRUE(p.ram().load(0x100, &v));
  EXPECT_EQ(v, 0x55aa);
  // Slot 1 is not attached: reads all-ones.
  EXPECT_EQ(p.read(Space::Memory, p.mmioSlotBase(1), 4), 0xffffffffu);
}

TEST(Platform, InconsistentLayoutsAreRejected) {
  PlatformLayout l;
  l.ramSize = 0xC0000000ull + 0x1000;  // runs into the 32-bit PCI window
  EXPECT_NE(l.validate(), "");
  EXPECT_THROW(Platform{l}, std::invalid_argument);
  PlatformLayout l2;
  l2.mmioLineBase = 40;  // collides with the INTx lines
  EXPECT_NE(l2.validate(), "");
  PlatformLayout l3;
  l3.pciIoSize = 0x10000;  // past port 0xFFFF
  EXPECT_NE(l3.validate(), "");
}

// ---------------------------------------------------------------------------------------------------------------
// End to end: an entropy device in a virtio-mmio slot, one request through the Bus

TEST(Platform, EntropyRequestThroughVirtioMmioSlot) {
  PlatformLayout l;
  l.ramSize = 4ull << 20;
  Platform p(l);
  ViolationLog log;
  RngDevice rng;
  DeviceCore core(rng, p.ram(), log);
  const int slot = p.freeMmioSlot();
  ASSERT_GE(slot, 0);
  VirtioMmioParams mp;
  mp.interruptLine = p.mmioSlotLine(static_cast<unsigned>(slot));
  VirtioMmioDevice dev(core, &p.fabric(), mp);
  ASSERT_EQ(p.attachMmio(dev, "virtio-rng", slot), slot);
  TraceRecorder tr;
  p.bus().setObserver(&tr);

  const PlatformMap m = p.map();
  ASSERT_EQ(m.mmio.size(), 1u);
  const uint64_t base = m.mmio[0].base;
  const unsigned line = m.mmio[0].line;
  auto rd = [&](uint32_t off) { return static_cast<uint32_t>(p.read(Space::Memory, base + off, 4)); };
  auto wr = [&](uint32_t off, uint32_t v) { EXPECT_TRUE(p.write(Space::Memory, base + off, v, 4)); };

  ASSERT_EQ(rd(mmio::kMagicValue), mmio::kMagic);
  ASSERT_EQ(rd(mmio::kVersion), 2u);
  ASSERT_EQ(rd(mmio::kDeviceId), 4u);
  wr(mmio::kStatus, 0);
  wr(mmio::kStatus, status::kAcknowledge);
  wr(mmio::kStatus, status::kAcknowledge | status::kDriver);
  const uint64_t features = feat::bit(feat::kVersion1);
  for (uint32_t sel = 0; sel < 2; ++sel) {
    wr(mmio::kDeviceFeaturesSel, sel);
    rd(mmio::kDeviceFeatures);
    wr(mmio::kDriverFeaturesSel, sel);
    wr(mmio::kDriverFeatures, static_cast<uint32_t>(features >> (32 * sel)));
  }
  wr(mmio::kStatus, status::kAcknowledge | status::kDriver | status::kFeaturesOk);
  ASSERT_TRUE(rd(mmio::kStatus) & status::kFeaturesOk);

  // A 4-entry split ring in guest RAM, made by hand.
  GuestAllocator alloc(l.ramBase + 0x10000, 0x10000);
  const uint64_t desc = alloc.alloc(split::descBytes(4), 16), avail = alloc.alloc(split::availBytes(4), 2),
                 used = alloc.alloc(split::usedBytes(4), 4), buf = alloc.alloc(40, 8);
  wr(mmio::kQueueSel, 0);
  ASSERT_EQ(rd(mmio::kQueueReady), 0u);
  ASSERT_GE(rd(mmio::kQueueNumMax), 4u);
  wr(mmio::kQueueNum, 4);
  wr(mmio::kQueueDescLow, static_cast<uint32_t>(desc));
  wr(mmio::kQueueDescHigh, static_cast<uint32_t>(desc >> 32));
  wr(mmio::kQueueDriverLow, static_cast<uint32_t>(avail));
  wr(mmio::kQueueDriverHigh, static_cast<uint32_t>(avail >> 32));
  wr(mmio::kQueueDeviceLow, static_cast<uint32_t>(used));
  wr(mmio::kQueueDeviceHigh, static_cast<uint32_t>(used >> 32));
  wr(mmio::kQueueReady, 1);
  wr(mmio::kStatus, status::kAcknowledge | status::kDriver | status::kFeaturesOk | status::kDriverOk);

  ASSERT_TRUE(p.ram().store(desc, split::Desc{buf, 40, split::kDescFWrite, 0}));
  ASSERT_TRUE(p.ram().store(avail + split::availRingOff(0), uint16_t{0}));
  ASSERT_TRUE(p.ram().storeRelease16(avail + split::availIdxOff(), 1, DmaKind::Other));
  EXPECT_FALSE(p.intc().level(line));
  wr(mmio::kQueueNotify, 0);

  uint16_t usedIdx = 0;
  split::UsedElem e{};
  ASSERT_TRUE(p.ram().load(used + split::usedIdxOff(), &usedIdx));
  ASSERT_TRUE(p.ram().load(used + split::usedRingOff(0), &e));
  EXPECT_EQ(usedIdx, 1);
  EXPECT_EQ(e.id, 0u);
  EXPECT_EQ(e.len, 40u);
  EXPECT_EQ(rng.bytesServed(), 40u);

  EXPECT_TRUE(p.intc().level(line));
  EXPECT_EQ(rd(mmio::kInterruptStatus), mmio::kIntUsedBuffer);
  wr(mmio::kInterruptAck, mmio::kIntUsedBuffer);
  EXPECT_FALSE(p.intc().level(line));

  EXPECT_TRUE(log.empty()) << (log.empty() ? "" : toString(log.all().front()));
  EXPECT_TRUE(p.bus().decodeErrors().empty());
  bool sawNotify = false;
  for (const auto& a : tr.seen) sawNotify |= a.write && a.target == "virtio-rng" && a.reg == "QueueNotify";
  EXPECT_TRUE(sawNotify);
  p.bus().setObserver(nullptr);
}

}  // namespace
}  // namespace vsim::model

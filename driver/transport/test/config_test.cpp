// Device configuration reads: natural widths, the generation-counter retry loop, and the generation check.
#include <gtest/gtest.h>

#include "fake_hal.h"
#include "vsim/drv/device_clauses.h"
#include "vsim/drv/mmio_transport.h"
#include "vsim/drv/pci_transport.h"

namespace vsim::drv {
namespace {

using fake::FakeHal;
using fake::FakeVirtioMmio;
using fake::FakeVirtioPci;

struct PciFixture {
  FakeHal h;
  FakeVirtioPci* f = nullptr;
  ViolationLog log;
  std::unique_ptr<PciModernTransport> t;
  PciFixture() {
    f = &h.addPciT(std::make_unique<FakeVirtioPci>(4, 1), 3);
    for (size_t i = 0; i < f->core.config.size(); ++i) f->core.config[i] = static_cast<uint8_t>(0x10 + i);
    auto fns = enumeratePci(h, log);
    t = std::make_unique<PciModernTransport>(h, log, std::make_shared<PciFunctionInfo>(fns.at(0)));
    h.clearLog();
  }
  std::vector<fake::Access> deviceCfgReads() {
    const uint64_t b = f->barAddress(4) + FakeVirtioPci::kDeviceOff;
    return h.accesses(Space::Memory, b, b + 0x100);
  }
  unsigned generationReads() {
    const uint64_t g = f->barAddress(4) + FakeVirtioPci::kCommonOff + pci::common::kConfigGeneration;
    return static_cast<unsigned>(h.accesses(Space::Memory, g, g + 1).size());
  }
};

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout#1
TEST(ConfigRead, NaturalWidths) {
  PciFixture x;
  uint8_t buf[8] = {};
  ASSERT_TRUE(x.t->readConfig(0, buf, 8));  // a 64-bit field: two 32-bit reads
  EXPECT_EQ(buf[0], 0x10);
  EXPECT_EQ(buf[7], 0x17);
  auto r = x.deviceCfgReads();
  ASSERT_GE(r.size(), 2u);
  EXPECT_EQ(r[0].width, 4u);
  EXPECT_EQ(r[1].width, 4u);
  x.h.clearLog();
  uint8_t odd[3] = {};
  ASSERT_TRUE(x.t->readConfig(1, odd, 3));  // byte at 1, then 16-bit at 2
  r = x.deviceCfgReads();
  EXPECT_EQ(r[0].width, 1u);
  EXPECT_EQ(r[1].width, 2u);
  EXPECT_EQ(r[1].addr % 2, 0u);
  EXPECT_EQ(odd[2], 0x13);
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#1
TEST(ConfigRead, RetriesWhileTheGenerationMoves) {
  PciFixture x;
  x.f->core.generationBumpReads = 3;  // the first three generation reads each see a new value
  uint32_t v = 0;
  ASSERT_TRUE(x.t->readConfig(4, &v, 4));
  EXPECT_EQ(v, 0x17161514u);
  EXPECT_GE(x.generationReads(), 5u);  // two failed rounds, then a stable one
  EXPECT_TRUE(x.log.empty());
}

TEST(ConfigRead, GivesUpWhenItNeverSettles) {
  PciFixture x;
  x.f->core.generationBumpReads = 1000;
  uint32_t v = 0;
  EXPECT_FALSE(x.t->readConfig(0, &v, 4, 8));
  EXPECT_TRUE(x.log.empty());  // a device that keeps changing breaks no rule
}

// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#6
TEST(ConfigRead, ChangeWithoutNewGenerationReported) {
  PciFixture x;
  x.f->core.changeConfigWithoutGeneration = true;
  uint32_t v = 0;
  EXPECT_FALSE(x.t->readConfig(0, &v, 4, 4));
  EXPECT_EQ(x.log.count(clause::kPciConfigGeneration), 1u);  // once per read, not once per retry
  x.t->setVerifyGeneration(false);
  EXPECT_TRUE(x.t->readConfig(0, &v, 4));
}

// covers: devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#6
TEST(ConfigRead, MmioChangeWithoutNewGenerationReported) {
  FakeHal h;
  auto& m = h.addMmio(std::make_unique<FakeVirtioMmio>(4, 1, 2));
  m.core.changeConfigWithoutGeneration = true;
  ViolationLog log;
  MmioTransport t(h, log, h.desc.mmio[0].base, h.desc.mmio[0].line, 2, 4);
  uint16_t v = 0;
  EXPECT_FALSE(t.readConfig(0, &v, 2, 4));
  EXPECT_EQ(log.count(clause::kMmioConfigGeneration), 1u);
}

TEST(ConfigRead, LegacyMmioReadsUntilTwoPassesAgree) {
  FakeHal h;
  auto& m = h.addMmio(std::make_unique<FakeVirtioMmio>(4, 1, 1));
  m.core.config[0] = 0x42;
  ViolationLog log;
  MmioTransport t(h, log, h.desc.mmio[0].base, h.desc.mmio[0].line, 1, 4);
  EXPECT_FALSE(t.hasConfigGeneration());
  uint8_t v = 0;
  ASSERT_TRUE(t.readConfig(0, &v, 1));
  EXPECT_EQ(v, 0x42);
  for (const auto& a : h.log) EXPECT_NE(a.addr - h.desc.mmio[0].base, uint64_t{mmio::kConfigGeneration});
}

TEST(ConfigRead, WritesUseNaturalWidths) {
  PciFixture x;
  const uint8_t data[6] = {1, 2, 3, 4, 5, 6};
  x.t->writeConfig(2, data, 6);  // 16-bit at 2, 32-bit at 4
  const uint64_t b = x.f->barAddress(4) + FakeVirtioPci::kDeviceOff;
  auto w = x.h.accesses(Space::Memory, b, b + 0x100, true);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].width, 2u);
  EXPECT_EQ(w[1].width, 4u);
  EXPECT_EQ(x.f->core.config[7], 6);
}

TEST(ConfigRead, NeverOutsideTheStructure) {
  PciFixture x;
  EXPECT_EQ(x.t->configRead(0xfe, 4), 0u);  // would cross the end of the 0x100-byte structure
  EXPECT_TRUE(x.deviceCfgReads().empty());
}

}  // namespace
}  // namespace vsim::drv

// MMIO probing: magic, version, device id, and which registers are touched.
#include <gtest/gtest.h>

#include "fake_hal.h"
#include "vsim/drv/device_clauses.h"
#include "vsim/drv/mmio_transport.h"

namespace vsim::drv {
namespace {

using fake::FakeHal;
using fake::FakeVirtioMmio;

TEST(MmioProbe, ModernAndLegacyDevices) {
  FakeHal h;
  h.addMmio(std::make_unique<FakeVirtioMmio>(4, 1, 2));
  h.addMmio(std::make_unique<FakeVirtioMmio>(2, 1, 1));
  ViolationLog log;
  MmioProbe p;
  EXPECT_EQ(probeMmio(h, h.desc.mmio[0].base, log, &p), MmioProbeResult::Ok);
  EXPECT_EQ(p.version, 2u);
  EXPECT_EQ(p.deviceId, 4u);
  EXPECT_EQ(p.vendorId, 0x554d4551u);
  EXPECT_EQ(probeMmio(h, h.desc.mmio[1].base, log, &p), MmioProbeResult::Ok);
  EXPECT_EQ(p.version, 1u);
  EXPECT_EQ(p.deviceId, 2u);
  EXPECT_TRUE(log.empty());
}

// covers: devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#1
// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#6
TEST(MmioProbe, BadMagicIgnoredAndReported) {
  FakeHal h;
  auto& m = h.addMmio(std::make_unique<FakeVirtioMmio>(4, 1, 2));
  m.magic = 0x12345678;
  ViolationLog log;
  EXPECT_EQ(probeMmio(h, h.desc.mmio[0].base, log, nullptr), MmioProbeResult::NoDevice);
  EXPECT_EQ(log.count(clause::kMmioMagic), 1u);
  EXPECT_EQ(log.all()[0].culprit, Culprit::Device);
  // only the magic was read
  EXPECT_EQ(fake::mmioTrace(h, h.desc.mmio[0].base, {"MagicValue", "Version", "DeviceID"}),
            (std::vector<std::string>{"R MagicValue"}));
}

TEST(MmioProbe, EmptySlotIsNoDeviceWithoutReport) {
  FakeHal h;
  h.addEmptyMmioSlot();
  ViolationLog log;
  EXPECT_EQ(probeMmio(h, h.desc.mmio[0].base, log, nullptr), MmioProbeResult::NoDevice);
  EXPECT_TRUE(log.empty());
}

// covers: devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#2
// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#8
TEST(MmioProbe, UnknownVersionIgnoredAndReported) {
  FakeHal h;
  h.addMmio(std::make_unique<FakeVirtioMmio>(4, 1, 3));
  ViolationLog log;
  MmioProbe p;
  EXPECT_EQ(probeMmio(h, h.desc.mmio[0].base, log, &p), MmioProbeResult::BadVersion);
  EXPECT_EQ(p.version, 3u);
  EXPECT_EQ(log.count(clause::kMmioVersion), 1u);
  EXPECT_EQ(fake::mmioTrace(h, h.desc.mmio[0].base, {"MagicValue", "Version", "DeviceID"}),
            (std::vector<std::string>{"R MagicValue", "R Version"}));
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#10
// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#11
// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#4
TEST(MmioProbe, DeviceIdZeroIgnoredSilentlyAndNothingElseTouched) {
  FakeHal h;
  h.addMmio(std::make_unique<FakeVirtioMmio>(0, 1, 2));
  ViolationLog log;
  EXPECT_EQ(probeMmio(h, h.desc.mmio[0].base, log, nullptr), MmioProbeResult::Placeholder);
  EXPECT_TRUE(log.empty());
  for (const auto& a : h.log) EXPECT_LE(a.addr - h.desc.mmio[0].base, uint64_t{mmio::kDeviceId});
  EXPECT_EQ(h.log.size(), 3u);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#4
TEST(MmioProbe, ControlRegistersUse32BitAccesses) {
  FakeHal h;
  h.addMmio(std::make_unique<FakeVirtioMmio>(4, 1, 2));
  ViolationLog log;
  MmioTransport t(h, log, h.desc.mmio[0].base, h.desc.mmio[0].line, 2, 4);
  t.reset(1000);
  t.setStatus(1);
  t.deviceFeatures();
  t.writeDriverFeatures(feat::bit(feat::kVersion1));
  t.queueMaxSize(0);
  t.notify(0, 0);
  for (const auto& a : h.log) {
    EXPECT_EQ(a.width, 4u);
    EXPECT_EQ(a.addr % 4, 0u);
  }
}

}  // namespace
}  // namespace vsim::drv

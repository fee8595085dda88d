// MmioIgnoredSlot: the probe values of each kind, and the one report when a driver goes past them.
#include <gtest/gtest.h>

#include "vsim/abi/mmio.h"
#include "vsim/model/mmio_ignored_slot.h"

namespace vsim::model {
namespace {

constexpr const char* kIgnoreBadMagic = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#6";
constexpr const char* kIgnoreBadVersion = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#8";
constexpr const char* kPlaceholder =
    "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#4";

uint32_t rd(MmioIgnoredSlot& s, uint32_t off) {
  uint32_t v = 0xdeadbeef;
  EXPECT_TRUE(s.read(off, &v, 4));
  return v;
}

MmioIgnoredSlotParams kind(MmioIgnoredKind k) {
  MmioIgnoredSlotParams p;
  p.kind = k;
  return p;
}

TEST(MmioIgnoredSlot, ProbeValues) {
  ViolationLog log;
  MmioIgnoredSlot magic(log, kind(MmioIgnoredKind::BadMagic));
  EXPECT_NE(rd(magic, mmio::kMagicValue), mmio::kMagic);
  MmioIgnoredSlot version(log, kind(MmioIgnoredKind::BadVersion));
  EXPECT_EQ(rd(version, mmio::kMagicValue), mmio::kMagic);
  EXPECT_EQ(rd(version, mmio::kVersion), 3u);
  MmioIgnoredSlot placeholder(log, kind(MmioIgnoredKind::Placeholder));
  EXPECT_EQ(rd(placeholder, mmio::kMagicValue), mmio::kMagic);
  EXPECT_EQ(rd(placeholder, mmio::kVersion), mmio::kVersionModern);
  EXPECT_EQ(rd(placeholder, mmio::kDeviceId), 0u);
  EXPECT_TRUE(log.empty());  // the probe itself is what a driver must do
  uint32_t v = 0;
  EXPECT_FALSE(placeholder.read(0x200, &v, 4));  // outside the window
}

TEST(MmioIgnoredSlot, RejectsValidValues) {
  ViolationLog log;
  MmioIgnoredSlotParams p = kind(MmioIgnoredKind::BadMagic);
  p.badMagic = mmio::kMagic;
  EXPECT_THROW(MmioIgnoredSlot(log, p), std::invalid_argument);
  p = kind(MmioIgnoredKind::BadVersion);
  p.badVersion = 2;
  EXPECT_THROW(MmioIgnoredSlot(log, p), std::invalid_argument);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#6
TEST(MmioIgnoredSlot, BadMagicTouched) {
  ViolationLog log;
  MmioIgnoredSlot s(log, kind(MmioIgnoredKind::BadMagic), "slot3");
  rd(s, mmio::kMagicValue);
  rd(s, mmio::kVersion);  // still part of reading and checking the probe values
  EXPECT_TRUE(log.empty());
  rd(s, mmio::kDeviceId);
  rd(s, mmio::kStatus);
  ASSERT_EQ(log.size(), 1u);  // one report per slot
  EXPECT_EQ(log.all()[0].clause, kIgnoreBadMagic);
  EXPECT_EQ(log.all()[0].kind, "mmio.bad_magic_not_ignored");
  EXPECT_EQ(log.all()[0].device, "slot3");
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#8
TEST(MmioIgnoredSlot, BadVersionTouched) {
  ViolationLog log;
  MmioIgnoredSlot s(log, kind(MmioIgnoredKind::BadVersion));
  rd(s, mmio::kMagicValue);
  rd(s, mmio::kVersion);
  EXPECT_EQ(rd(s, mmio::kDeviceId), 4u);  // reading on is already the fault
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log.all()[0].clause, kIgnoreBadVersion);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#4
TEST(MmioIgnoredSlot, PlaceholderTouched) {
  ViolationLog log;
  MmioIgnoredSlot s(log, kind(MmioIgnoredKind::Placeholder));
  rd(s, mmio::kMagicValue);
  rd(s, mmio::kVersion);
  rd(s, mmio::kDeviceId);
  EXPECT_TRUE(log.empty());
  const uint32_t ack = 1;
  EXPECT_TRUE(s.write(mmio::kStatus, &ack, 4));  // writes are swallowed, and reported
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log.all()[0].clause, kPlaceholder);
  EXPECT_EQ(log.all()[0].kind, "mmio.placeholder_touched");
  EXPECT_EQ(s.accesses(), 4u);
}

}  // namespace
}  // namespace vsim::model

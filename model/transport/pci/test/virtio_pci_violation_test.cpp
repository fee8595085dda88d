// One negative test per driver violation the PCI transport detects, each asserting the exact clause ID and kind,
// and that the device stays usable afterwards where that matters.
#include <gtest/gtest.h>

#include "pci_test_support.h"
#include "vsim/abi/notification.h"

namespace vsim::model {
namespace {

using namespace pcitest;
namespace cc = pci::common;
namespace lg = pci::legacy;

constexpr const char* kLayout1 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout#1";
constexpr const char* kCommon1 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#1";
constexpr const char* kCommon2 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#2";
constexpr const char* kCommon3 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#3";
constexpr const char* kCommon4 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#4";
constexpr const char* kCommon5 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#5";
constexpr const char* kCommon6 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#6";
constexpr const char* kCommon7 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#7";
constexpr const char* kCaps2 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#2";
constexpr const char* kCaps8 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#8";
constexpr const char* kPciCfg1 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / PCI configuration access capability#1";
constexpr const char* kPciCfg2 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / PCI configuration access capability#2";
constexpr const char* kPciCfg3 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / PCI configuration access capability#3";
constexpr const char* kIsr1 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / ISR status capability#1";
constexpr const char* kMsix4 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#4";
constexpr const char* kMsix5 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#5";
constexpr const char* kAvail1 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#1";
constexpr const char* kAvail2 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#2";
constexpr const char* kAvail3 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#3";
constexpr const char* kAvail4 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#4";
constexpr const char* kAvail5 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#5";
constexpr const char* kAvail6 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#6";
constexpr const char* kDiscovery1 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Discovery#1";
constexpr const char* kInit1 = "drivernormative:General Initialization And Device Operation / Device Initialization#1";

constexpr uint64_t kRing = 0x10000, kBuf = 0x40000;

template <class R>
MiniDriver ready(R& r) {
  MiniDriver d(r.dev);
  d.walk();
  d.enableDecode();
  return d;
}

/// Modern driver up to DRIVER_OK with queue 0 (size 8) at kRing.
template <class R>
MiniDriver running(R& r, uint64_t want = 0) {
  MiniDriver d = ready(r);
  d.negotiate(want);
  d.setupQueue(0, 8, kRing);
  d.driverOk();
  return d;
}

VirtioPciParams transitional() {
  VirtioPciParams p;
  p.personality = PciPersonality::Transitional;
  return p;
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout#1
TEST(VirtioPciViolation, CommonConfigWrongWidth) {
  Rig<> r;
  MiniDriver d = ready(r);
  EXPECT_EQ(d.common(cc::kQueueSelect, 4), 256u << 16);  // queue_select + queue_size, served without side effects
  EXPECT_TRUE(r.has(kLayout1, "common.bad_access_width")) << r.dump();
  r.log.clear();
  d.setCommon(cc::kDeviceStatus, 1, 2);  // 16-bit write to an 8-bit field: ignored
  EXPECT_TRUE(r.has(kLayout1, "common.bad_access_width"));
  EXPECT_EQ(r.core.status(), 0u);
  r.log.clear();
  d.setCommon(cc::kQueueDesc, 0x123456789000ull, 8);  // 64-bit access to a 64-bit field: reported, both halves set
  EXPECT_TRUE(r.has(kLayout1, "common.bad_access_width"));
  EXPECT_EQ(r.core.queue(0).desc, 0x123456789000ull);
  r.log.clear();
  d.setCommon(cc::kQueueDesc + 2, 1, 2);  // inside a 64-bit field
  EXPECT_TRUE(r.has(kLayout1, "common.bad_access_width"));
  EXPECT_EQ(r.core.queue(0).desc, 0x123456789000ull);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout#1
TEST(VirtioPciViolation, IsrWrongWidth) {
  Rig<> r;
  MiniDriver d = running(r);
  SplitRingView ring{r.mem, kRing, kRing + 0x1000, kRing + 0x2000, 8};
  ring.addWritable(0, kBuf, 8);
  d.notify(0, 0);
  EXPECT_EQ(d.barRead(d.found.isrBar, d.found.isrOff, 4), pci::kIsrQueue);  // still served (and cleared)
  EXPECT_TRUE(r.has(kLayout1, "isr.bad_access_width")) << r.dump();
  EXPECT_FALSE(r.fabric.level());
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout#1
TEST(VirtioPciViolation, DeviceConfigWrongWidth) {
  Rig<CfgDevice> r;
  MiniDriver d = ready(r);
  EXPECT_EQ(d.barRead(4, d.found.deviceOff + 1, 2), 0x2233u);  // unaligned 16-bit
  EXPECT_TRUE(r.has(kLayout1, "device_cfg.bad_access_width")) << r.dump();
  r.log.clear();
  EXPECT_EQ(d.barRead(4, d.found.deviceOff, 8), 0x11223344u);  // 64-bit access
  EXPECT_TRUE(r.has(kLayout1, "device_cfg.bad_access_width"));
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout#1
TEST(VirtioPciViolation, LegacyHeaderWrongWidth) {
  VirtioPciParams p;
  p.personality = PciPersonality::Legacy;
  Rig<> r(p);
  MiniDriver d = ready(r);
  d.setLeg(lg::kQueueSel, 0, 4);  // 32-bit write over queue_sel + queue_notify: ignored
  EXPECT_TRUE(r.has(kLayout1, "legacy.bad_access_width")) << r.dump();
  EXPECT_EQ(r.core.stats().driverNotifications, 0u);
  r.log.clear();
  EXPECT_EQ(d.leg(lg::kQueueNum, 4), 256u);  // queue_num + queue_sel
  EXPECT_TRUE(r.has(kLayout1, "legacy.bad_access_width"));
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#1
TEST(VirtioPciViolation, WriteReadOnlyCommonField) {
  Rig<> r;
  MiniDriver d = ready(r);
  d.setCommon(cc::kNumQueues, 5, 2);
  EXPECT_TRUE(r.has(kCommon1, "common.write_read_only")) << r.dump();
  EXPECT_EQ(d.common(cc::kNumQueues, 2), 1u);
  r.log.clear();
  d.setCommon(cc::kDeviceFeature, 0xffffffff, 4);
  d.setCommon(cc::kConfigGeneration, 1, 1);
  d.setCommon(cc::kQueueNotifyOff, 1, 2);
  d.setCommon(cc::kQueueNotifConfigData, 1, 2);
  EXPECT_EQ(r.log.count(kCommon1), 4u);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#1
TEST(VirtioPciViolation, WriteReadOnlyLegacyRegister) {
  VirtioPciParams p;
  p.personality = PciPersonality::Legacy;
  Rig<> r(p);
  MiniDriver d = ready(r);
  d.setLeg(lg::kQueueNum, 16, 2);
  EXPECT_TRUE(r.has(kCommon1, "legacy.write_read_only")) << r.dump();
  EXPECT_EQ(d.leg(lg::kQueueNum, 2), 256u);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#1
TEST(VirtioPciViolation, QueueResetWithoutRingReset) {
  Rig<> r;
  MiniDriver d = running(r);
  d.setCommon(cc::kQueueReset, 1, 2);
  EXPECT_TRUE(r.has(kCommon1, "queue.reset_not_negotiated")) << r.dump();
  EXPECT_EQ(d.common(cc::kQueueEnable, 2), 1u);  // nothing happened
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#2
TEST(VirtioPciViolation, ZeroQueueSizeWithPacked) {
  Rig<> r;
  MiniDriver d = ready(r);
  d.negotiate(feat::bit(feat::kRingPacked));
  d.setCommon(cc::kQueueSize, 0, 2);
  EXPECT_TRUE(r.has(kCommon2, "queue.size_zero")) << r.dump();
  EXPECT_EQ(d.common(cc::kQueueSize, 2), 256u);
  d.setCommon(cc::kQueueSize, 100, 2);  // any size is fine with RING_PACKED
  EXPECT_EQ(d.common(cc::kQueueSize, 2), 100u);
  EXPECT_EQ(r.log.size(), 1u);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#3
TEST(VirtioPciViolation, QueueSizeNotPowerOfTwo) {
  Rig<> r;
  MiniDriver d = ready(r);
  d.negotiate(0);
  d.setCommon(cc::kQueueSize, 100, 2);
  EXPECT_TRUE(r.has(kCommon3, "queue.size_not_power_of_2")) << r.dump();
  EXPECT_EQ(d.common(cc::kQueueSize, 2), 256u);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#4
TEST(VirtioPciViolation, QueueFieldChangedAfterEnable) {
  Rig<> r;
  MiniDriver d = running(r);
  d.setCommon(cc::kQueueSize, 4, 2);
  d.set64(cc::kQueueDesc, 0x50000);
  EXPECT_TRUE(r.has(kCommon4, "queue.changed_after_enable")) << r.dump();
  EXPECT_EQ(d.common(cc::kQueueSize, 2), 8u);
  EXPECT_EQ(r.core.queue(0).desc, kRing);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#4
TEST(VirtioPciViolation, QueueEnabledWithoutConfiguration) {
  Rig<> r;
  MiniDriver d = ready(r);
  d.negotiate(0);
  d.setCommon(cc::kQueueEnable, 1, 2);
  EXPECT_TRUE(r.has(kCommon4, "queue.enable_unconfigured")) << r.dump();
  EXPECT_EQ(d.common(cc::kQueueEnable, 2), 0u);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#4
TEST(VirtioPciViolation, QueueSizeAboveMaximum) {
  Rig<CfgDevice> r;
  MiniDriver d = ready(r);
  d.negotiate(0);
  d.setCommon(cc::kQueueSize, 128, 2);  // maximum is 64
  EXPECT_TRUE(r.has(kCommon4, "queue.size_above_max")) << r.dump();
  EXPECT_EQ(d.common(cc::kQueueSize, 2), 64u);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#5
TEST(VirtioPciViolation, ReinitialisedBeforeReadingStatusZero) {
  Rig<> r;
  MiniDriver d = ready(r);
  d.setCommon(cc::kDeviceStatus, 0, 1);
  d.setCommon(cc::kDeviceStatus, status::kAcknowledge, 1);
  EXPECT_TRUE(r.has(kCommon5, "status.reinit_before_reset_read")) << r.dump();
  EXPECT_EQ(r.core.status(), status::kAcknowledge);  // the reset was complete anyway: initialisation goes on
  r.log.clear();
  d.setCommon(cc::kDeviceStatus, 0, 1);
  EXPECT_EQ(d.common(cc::kDeviceStatus, 1), 0u);
  d.setCommon(cc::kDeviceStatus, status::kAcknowledge, 1);
  EXPECT_TRUE(r.log.empty()) << r.dump();
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#6
TEST(VirtioPciViolation, ZeroWrittenToQueueEnable) {
  Rig<> r;
  MiniDriver d = running(r);
  d.setCommon(cc::kQueueEnable, 0, 2);
  EXPECT_TRUE(r.has(kCommon6, "queue.enable_zero")) << r.dump();
  EXPECT_EQ(d.common(cc::kQueueEnable, 2), 1u);  // the queue keeps running
  d.setCommon(cc::kQueueEnable, 2, 2);
  EXPECT_TRUE(r.has(kCommon6, "queue.enable_bad_value"));
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#7
TEST(VirtioPciViolation, QueueReEnabledBeforeResetReadBack) {
  Rig<> r;
  MiniDriver d = running(r, feat::bit(feat::kRingReset));
  d.setCommon(cc::kQueueReset, 1, 2);
  d.setCommon(cc::kQueueSize, 8, 2);  // reconfigure without reading queue_reset back
  EXPECT_TRUE(r.has(kCommon7, "queue.reset_not_confirmed")) << r.dump();
  r.log.clear();
  d.setCommon(cc::kQueueReset, 1, 2);
  d.set64(cc::kQueueDesc, kRing);
  d.set64(cc::kQueueDriver, kRing + 0x1000);
  d.set64(cc::kQueueDevice, kRing + 0x2000);
  EXPECT_EQ(r.log.count(kCommon7), 1u);  // reported once per reset
  r.log.clear();
  d.setCommon(cc::kQueueReset, 1, 2);
  EXPECT_EQ(d.common(cc::kQueueReset, 2), 0u);
  d.setupQueue(0, 8, kRing);
  EXPECT_TRUE(r.log.empty()) << r.dump();
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#8
TEST(VirtioPciViolation, WriteIntoVirtioCapability) {
  Rig<> r;
  MiniDriver d = ready(r);
  const auto& L = r.dev.layout();
  d.setCfg(L.notifyCap + 16, 64, 4);  // notify_off_multiplier
  EXPECT_TRUE(r.has(kCaps8, "cap.write")) << r.dump();
  EXPECT_EQ(d.cfg(L.notifyCap + 16, 4), 4u);
  r.log.clear();
  d.setCfg(L.pciCfgCap + 4, 0x01010004, 4);  // bar is writable, id and padding are not
  EXPECT_TRUE(r.has(kCaps8, "cap.write"));
  EXPECT_EQ(d.cfg(L.pciCfgCap + 4, 4), 4u);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#2
TEST(VirtioPciViolation, MixedInterfacesOnTransitional) {
  Rig<> r(transitional());
  MiniDriver d = ready(r);
  d.negotiate(0);  // modern initialisation started
  bool ok = true;
  d.barRead(0, lg::kHostFeatures, 4, &ok);  // legacy register used by a modern driver
  EXPECT_FALSE(ok);
  EXPECT_TRUE(r.has(kCaps2, "transport.mixed_interfaces")) << r.dump();
  EXPECT_EQ(r.dev.mode(), VirtioPciDevice::Mode::Modern);
  EXPECT_FALSE(r.core.legacy());
  // and the other way round
  Rig<> r2(transitional());
  MiniDriver d2 = ready(r2);
  d2.setLeg(lg::kStatus, status::kAcknowledge, 1);
  d2.barRead(4, d2.found.commonOff + cc::kNumQueues, 2, &ok);
  EXPECT_FALSE(ok);
  EXPECT_TRUE(r2.has(kCaps2, "transport.mixed_interfaces")) << r2.dump();
  EXPECT_EQ(r2.dev.mode(), VirtioPciDevice::Mode::Legacy);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / PCI configuration access capability#1
TEST(VirtioPciViolation, PciCfgOffsetNotMultipleOfLength) {
  Rig<> r;
  MiniDriver d = ready(r);
  const uint16_t c = r.dev.layout().pciCfgCap;
  d.setCfg(c + 4, 4, 1);
  d.setCfg(c + 12, 4, 4);
  d.setCfg(c + 8, r.dev.layout().commonOff + 2, 4);
  EXPECT_EQ(d.cfg(c + 16, 4), 0xffffffffu);
  EXPECT_TRUE(r.has(kPciCfg1, "pci_cfg.unaligned")) << r.dump();
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / PCI configuration access capability#2
TEST(VirtioPciViolation, PciCfgBadLength) {
  Rig<> r;
  MiniDriver d = ready(r);
  const uint16_t c = r.dev.layout().pciCfgCap;
  d.setCfg(c + 4, 4, 1);
  d.setCfg(c + 12, 3, 4);
  d.setCfg(c + 8, r.dev.layout().commonOff, 4);
  d.setCfg(c + 16, 0x12345678, 4);
  EXPECT_TRUE(r.has(kPciCfg2, "pci_cfg.bad_length")) << r.dump();
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / PCI configuration access capability#3
TEST(VirtioPciViolation, PciCfgOutsideEveryStructure) {
  Rig<> r;
  MiniDriver d = ready(r);
  const auto& L = r.dev.layout();
  const uint16_t c = L.pciCfgCap;
  d.setCfg(c + 4, 1, 1);  // the MSI-X BAR is not a virtio structure
  d.setCfg(c + 12, 4, 4);
  d.setCfg(c + 8, 0, 4);
  EXPECT_EQ(d.cfg(c + 16, 4), 0xffffffffu);
  EXPECT_TRUE(r.has(kPciCfg3, "pci_cfg.outside_structure")) << r.dump();
  r.log.clear();
  d.setCfg(c + 4, 4, 1);
  d.setCfg(c + 8, L.commonOff + cc::kSize, 4);  // just past the common structure
  d.cfg(c + 16, 4);
  EXPECT_TRUE(r.has(kPciCfg3, "pci_cfg.outside_structure"));
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#4
TEST(VirtioPciViolation, MsixVectorOutsideTable) {
  Rig<> r;  // 2 vectors
  MiniDriver d = ready(r);
  d.setCommon(cc::kConfigMsixVector, 2, 2);
  EXPECT_TRUE(r.has(kMsix4, "msix.vector_out_of_range")) << r.dump();
  EXPECT_EQ(d.common(cc::kConfigMsixVector, 2), pci::kNoVector);  // the failed mapping reads NO_VECTOR
  d.setCommon(cc::kQueueMsixVector, 0x800, 2);
  EXPECT_EQ(d.common(cc::kQueueMsixVector, 2), pci::kNoVector);
  EXPECT_EQ(r.log.count(kMsix4), 2u);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#5
TEST(VirtioPciViolation, MsixMappingNotReadBack) {
  Rig<> r;
  MiniDriver d = ready(r);
  d.negotiate(0);
  d.setCommon(cc::kConfigMsixVector, 0, 2);
  d.setCommon(cc::kQueueSelect, 0, 2);
  d.setCommon(cc::kQueueSize, 8, 2);
  d.set64(cc::kQueueDesc, kRing);
  d.set64(cc::kQueueDriver, kRing + 0x1000);
  d.set64(cc::kQueueDevice, kRing + 0x2000);
  d.setCommon(cc::kQueueMsixVector, 1, 2);
  d.setCommon(cc::kQueueEnable, 1, 2);  // queue vector never read back
  EXPECT_EQ(r.log.count(kMsix5), 1u) << r.dump();
  d.driverOk();  // config vector never read back
  EXPECT_EQ(r.log.count(kMsix5), 2u) << r.dump();
  EXPECT_TRUE(r.has(kMsix5, "msix.mapping_not_verified"));
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#1
TEST(VirtioPciViolation, NotifyNot16BitWithoutNotificationData) {
  Rig<> r;
  MiniDriver d = running(r);
  SplitRingView ring{r.mem, kRing, kRing + 0x1000, kRing + 0x2000, 8};
  ring.addWritable(0, kBuf, 8);
  d.notify(0, 0, 4);
  EXPECT_TRUE(r.has(kAvail1, "notify.not_16_bit")) << r.dump();
  EXPECT_EQ(ring.usedIdx(), 1);  // still delivered to the queue of the address
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#2
TEST(VirtioPciViolation, NotifyNot32BitWithNotificationData) {
  Rig<> r;
  MiniDriver d = running(r, feat::bit(feat::kNotificationData));
  SplitRingView ring{r.mem, kRing, kRing + 0x1000, kRing + 0x2000, 8};
  ring.addWritable(0, kBuf, 8);
  d.notify(0, 0, 2);
  EXPECT_TRUE(r.has(kAvail2, "notify.not_32_bit")) << r.dump();
  EXPECT_EQ(ring.usedIdx(), 1);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#3
TEST(VirtioPciViolation, NotifyValueIsNotTheQueueIndex) {
  Rig<CfgDevice> r;
  MiniDriver d = running(r);
  d.notify(0, 1);  // queue 0's address, value names queue 1
  EXPECT_TRUE(r.has(kAvail3, "notify.value_mismatch")) << r.dump();
  r.log.clear();
  d.barWrite(4, d.found.notifyOff + 2, 0, 2);  // between two queues' addresses
  EXPECT_TRUE(r.has(kAvail3, "notify.bad_address")) << r.dump();
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#3
TEST(VirtioPciViolation, LegacyNotifyNamesNoQueue) {
  VirtioPciParams p;
  p.personality = PciPersonality::Legacy;
  Rig<> r(p);
  MiniDriver d = ready(r);
  d.setLeg(lg::kQueueNotify, 9, 2);
  EXPECT_TRUE(r.has(kAvail3, "legacy.notify_bad_queue")) << r.dump();
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#4
TEST(VirtioPciViolation, NotificationDataWithWrongVqIndex) {
  Rig<CfgDevice> r;
  MiniDriver d = running(r, feat::bit(feat::kNotificationData));
  d.notify(0, NotificationData{1, 0, false}.encode(), 4);
  EXPECT_TRUE(r.has(kAvail4, "notify.value_mismatch")) << r.dump();
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#5
TEST(VirtioPciViolation, NotifConfigDataMismatch) {
  CoreOptions co;
  co.ringFeatures = DeviceCore::kDefaultRingFeatures | feat::bit(feat::kNotifConfigData);
  Rig<CfgDevice> r(VirtioPciParams{}, co);
  MiniDriver d = running(r, feat::bit(feat::kNotifConfigData));
  ASSERT_TRUE(r.core.has(feat::kNotifConfigData));
  d.notify(0, 1);
  EXPECT_TRUE(r.has(kAvail5, "notify.value_mismatch")) << r.dump();
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#6
TEST(VirtioPciViolation, NotificationDataConfigDataMismatch) {
  CoreOptions co;
  co.ringFeatures = DeviceCore::kDefaultRingFeatures | feat::bit(feat::kNotifConfigData);
  Rig<CfgDevice> r(VirtioPciParams{}, co);
  MiniDriver d = running(r, feat::bit(feat::kNotifConfigData) | feat::bit(feat::kNotificationData));
  d.notify(0, NotificationData{1, 0, false}.encode(), 4);
  EXPECT_TRUE(r.has(kAvail6, "notify.value_mismatch")) << r.dump();
  r.log.clear();
  // With a shared notify address (multiplier 0), a value naming no queue is dropped.
  VirtioPciParams p;
  p.notifyOffMultiplier = 0;
  Rig<CfgDevice> r2(p, co);
  MiniDriver d2 = running(r2, feat::bit(feat::kNotifConfigData) | feat::bit(feat::kNotificationData));
  d2.notify(0, NotificationData{7, 0, false}.encode(), 4);
  EXPECT_TRUE(r2.has(kAvail6, "notify.bad_queue")) << r2.dump();
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / ISR status capability#1
TEST(VirtioPciViolation, IsrReadAfterMsixQueueInterrupt) {
  Rig<> r;
  MiniDriver d = ready(r);
  const auto& L = r.dev.layout();
  d.msixEnable(true);
  d.msixProgram(1, 0xfee00000, 1, L.msixBar, L.msixTableOff);
  d.negotiate(0);
  d.setupQueue(0, 8, kRing, 1);
  d.driverOk();
  SplitRingView ring{r.mem, kRing, kRing + 0x1000, kRing + 0x2000, 8};
  ring.addWritable(0, kBuf, 8);
  d.notify(0, 0);
  ASSERT_EQ(r.fabric.msgs.size(), 1u);
  d.isr();
  EXPECT_TRUE(r.has(kIsr1, "isr.read_with_msix")) << r.dump();
}

// covers: drivernormative:General Initialization And Device Operation / Device Initialization#1
TEST(VirtioPciViolation, QueueEnabledBeforeFeaturesOk) {
  Rig<> r;
  MiniDriver d = ready(r);
  d.setCommon(cc::kDeviceStatus, status::kAcknowledge | status::kDriver, 1);
  d.setupQueue(0, 8, kRing);
  EXPECT_TRUE(r.has(kInit1, "queue.enabled_before_features_ok")) << r.dump();
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Discovery#1
TEST(VirtioPciViolation, LegacyDriverOnNonTransitionalDevice) {
  VirtioPciParams p;
  p.legacyTrap = true;
  Rig<> r(p);
  MiniDriver d = ready(r);
  EXPECT_EQ(d.leg(lg::kHostFeatures, 4), 0u);
  EXPECT_TRUE(r.has(kDiscovery1, "legacy.driver_on_modern_device")) << r.dump();
  EXPECT_EQ(r.log.size(), 1u);
}

}  // namespace
}  // namespace vsim::model

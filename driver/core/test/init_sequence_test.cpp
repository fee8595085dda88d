// The generic initialisation sequence over PCI modern: order of the register accesses, feature negotiation,
// FEATURES_OK refusal, reset read-back, queue sizes, notifications, queue reset.
#include <algorithm>

#include "test_util.h"
#include "vsim/abi/notification.h"
#include "vsim/drv/pci_transport.h"

namespace vsim::drv {
namespace {

using namespace vsim::drv::test;

struct Rig {
  FakeHal h;
  FakeVirtioPci* f;
  ViolationLog log;
  DiscoveredDevice d;
  explicit Rig(unsigned queues = 1, FakeVirtioPci::Layout l = {}) {
    f = &h.addPciT(std::make_unique<FakeVirtioPci>(4, queues, l), 3);
  }
  std::unique_ptr<Device> open(DriverOptions o) {
    d = discoverOne(h, log);
    h.clearLog();
    return drv::open(h, d, std::move(o), log);
  }
  std::vector<std::string> trace(const std::vector<std::string>& reads) { return normalize(fake::commonTrace(h, *f, reads)); }
  std::vector<uint8_t> statusWrites() {
    std::vector<uint8_t> s;
    const uint64_t a = f->barAddress(4) + FakeVirtioPci::kCommonOff + pci::common::kDeviceStatus;
    for (const auto& x : h.accesses(Space::Memory, a, a + 1, true)) s.push_back(static_cast<uint8_t>(x.value));
    return s;
  }
};

// covers: drivernormative:General Initialization And Device Operation / Device Initialization#1
// covers: drivernormative:Basic Facilities of a Virtio Device / Device Status Field#1
// covers: drivernormative:Basic Facilities of a Virtio Device / Device Status Field#2
// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#5
// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#4
TEST(InitSequence, PciModernRegisterOrder) {
  Rig r;
  auto dev = r.open(plainOptions());
  ASSERT_TRUE(dev);
  ASSERT_TRUE(dev->live()) << dev->failure();
  const std::vector<std::string> expected = {
      "W device_status=0x0",  // 1. reset ...
      "R device_status",      //    ... and wait for 0
      "W device_status=0x1",  // 2. ACKNOWLEDGE
      "W device_status=0x3",  // 3. DRIVER
      "W device_feature_select=0x0", "R device_feature", "W device_feature_select=0x1", "R device_feature",
      "W driver_feature_select=0x0", "W driver_feature=0x0",  // 4. accept the subset ...
      "W driver_feature_select=0x1", "W driver_feature=0x1",
      "W driver_feature_select=0x0", "R driver_feature",  //    ... and check the device kept it
      "W driver_feature_select=0x1", "R driver_feature",
      "W device_status=0xb",  // 5. FEATURES_OK
      "R device_status",      // 6. still set?
      "R num_queues",         // 7. queue discovery and setup
      "W queue_select=0x0", "R queue_size",
      "W queue_select=0x0", "W queue_size=0x100", "W queue_desc_lo=*", "W queue_desc_hi=*", "W queue_driver_lo=*",
      "W queue_driver_hi=*", "W queue_device_lo=*", "W queue_device_hi=*", "W queue_select=0x0",
      "R queue_notify_off", "W queue_select=0x0", "W queue_enable=0x1",
      "W device_status=0xf",  // 8. DRIVER_OK
  };
  auto got = r.trace({"device_status", "device_feature", "driver_feature", "num_queues", "queue_size",
                      "queue_notify_off"});
  EXPECT_EQ(got, expected) << join(got);
  // the status only ever gains bits
  EXPECT_EQ(r.statusWrites(), (std::vector<uint8_t>{0, 1, 3, 0xb, 0xf}));
  EXPECT_EQ(r.f->core.status, 0xf);
  EXPECT_EQ(dev->features(), feat::bit(feat::kVersion1));
  EXPECT_TRUE(r.log.empty());
}

// covers: drivernormative:General Initialization And Device Operation / Device Initialization#5
// covers: drivernormative:General Initialization And Device Operation / Device Initialization#6
TEST(InitSequence, FeaturesOkRefusedMeansFailed) {
  Rig r;
  r.f->core.refuseFeaturesOk = true;
  auto dev = r.open(plainOptions());
  ASSERT_TRUE(dev);
  EXPECT_EQ(dev->state(), DeviceState::Failed);
  EXPECT_NE(dev->failure().find("FEATURES_OK"), std::string::npos);
  const auto s = r.statusWrites();
  ASSERT_FALSE(s.empty());
  EXPECT_TRUE(s.back() & status::kFailed);
  EXPECT_EQ(s, (std::vector<uint8_t>{0, 1, 3, 0xb, 0x8b}));
  // no queue was touched after the refusal
  for (const auto& e : r.trace({})) EXPECT_EQ(e.find("queue_"), std::string::npos) << e;
  EXPECT_TRUE(r.log.empty());  // refusing a feature set is the device's right
  // a later init starts with a reset again
  r.f->core.refuseFeaturesOk = false;
  EXPECT_TRUE(dev->init());
}

// covers: devicenormative:Reserved Feature Bits#1
TEST(InitSequence, ModernDeviceWithoutVersion1) {
  Rig r;
  r.f->core.deviceFeatures = 0;
  auto dev = r.open(plainOptions());
  EXPECT_EQ(dev->state(), DeviceState::Failed);
  EXPECT_EQ(r.log.count(clause::kOfferVersion1), 1u);
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Feature Bits#1
// covers: drivernormative:Basic Facilities of a Virtio Device / Feature Bits#5
// covers: drivernormative:Reserved Feature Bits#1
TEST(InitSequence, AcceptsOnlyOfferedUnderstoodFeatures) {
  Rig r;
  using namespace feat;
  r.f->core.deviceFeatures = bit(0) | bit(5) | bit(kIndirectDesc) | bit(kEventIdx) | bit(kVersion1) |
                             bit(kRingPacked) | bit(kInOrder) | bit(kNotificationData) | bit(kRingReset) |
                             bit(kSrIov) | bit(kAdminVq) | bit(44) | bit(60);
  DriverOptions o;
  o.numQueues = 1;
  o.deviceFeatures = bit(5) | bit(7) | bit(kSrIov) | bit(60);  // 7 not offered; SR-IOV is not a device bit
  auto dev = r.open(o);
  ASSERT_TRUE(dev->live()) << dev->failure();
  const uint64_t expect = bit(5) | bit(60) | bit(kIndirectDesc) | bit(kEventIdx) | bit(kVersion1) | bit(kRingPacked) |
                          bit(kRingReset);
  EXPECT_EQ(dev->features(), expect);
  EXPECT_EQ(r.f->core.driverFeatures, expect);
  EXPECT_TRUE(dev->queue(0).isPacked());
}

// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#7
TEST(InitSequence, ResetThatNeverCompletes) {
  Rig r;
  r.f->core.resetPendingReads = -1;
  auto dev = r.open(plainOptions());
  EXPECT_EQ(dev->state(), DeviceState::Failed);
  EXPECT_EQ(r.log.count(clause::kPciResetStatus), 1u);
  // nothing but the reset, its read-back and FAILED
  for (const auto& e : r.trace({})) EXPECT_TRUE(e == "W device_status=0x0" || e == "W device_status=0x80") << e;
}

TEST(InitSequence, ResetThatCompletesLateIsWaitedFor) {
  Rig r;
  r.f->core.resetPendingReads = 5;
  auto dev = r.open(plainOptions());
  EXPECT_TRUE(dev->live());
  auto t = r.trace({"device_status"});
  EXPECT_EQ(std::count(t.begin(), t.begin() + 8, "R device_status"), 6);  // five busy reads, then 0
  EXPECT_TRUE(r.log.empty());
}

TEST(InitSequence, ResetWaitUsesSimulatedTime) {
  Rig r;
  r.h.timed = true;
  r.f->core.resetPendingReads = -1;
  DriverOptions o = plainOptions();
  o.resetTimeoutNs = 50'000;
  auto dev = r.open(o);
  EXPECT_EQ(dev->state(), DeviceState::Failed);
  EXPECT_GE(r.h.now, 50'000u);
  EXPECT_LT(r.h.now, 60'000u);
}

// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#15
TEST(InitSequence, SplitQueueSizeNotPowerOfTwo) {
  Rig r;
  r.f->core.queues[0].maxSize = r.f->core.queues[0].size = 200;
  auto dev = r.open(plainOptions());
  ASSERT_TRUE(dev->live());
  EXPECT_EQ(r.log.count(clause::kQueueSizePow2), 1u);
  EXPECT_EQ(dev->queue(0).size(), 128u);  // the largest power of 2 below
  EXPECT_EQ(r.f->core.queues[0].size, 128u);
}

TEST(InitSequence, PackedQueueSizeNeedNotBePowerOfTwo) {
  Rig r;
  r.f->core.deviceFeatures |= feat::bit(feat::kRingPacked);
  r.f->core.queues[0].maxSize = r.f->core.queues[0].size = 200;
  DriverOptions o = plainOptions();
  o.ringPacked = true;
  auto dev = r.open(o);
  ASSERT_TRUE(dev->live());
  EXPECT_TRUE(r.log.empty());
  EXPECT_EQ(dev->queue(0).size(), 200u);
}

TEST(InitSequence, QueueSizeCappedByOptions) {
  Rig r;
  r.f->core.queues[0].maxSize = r.f->core.queues[0].size = 1024;
  DriverOptions o = plainOptions();
  o.maxQueueSize = 64;
  auto dev = r.open(o);
  EXPECT_EQ(dev->queue(0).size(), 64u);
}

TEST(InitSequence, MissingQueueFails) {
  Rig r;
  DriverOptions o = plainOptions();
  o.numQueues = 2;  // the device has one
  auto dev = r.open(o);
  EXPECT_EQ(dev->state(), DeviceState::Failed);
  EXPECT_TRUE(dev->driverStatus() & status::kFailed);
}

// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#8
TEST(InitSequence, QueueEnableStillSetAfterReset) {
  Rig r;
  auto dev = r.open(plainOptions());
  ASSERT_TRUE(dev->live());
  r.f->core.keepQueueEnableOnReset = true;
  EXPECT_TRUE(dev->recover());
  EXPECT_EQ(r.log.count(clause::kQueueEnableZeroOnReset), 1u);
}

// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#4
TEST(InitSequence, DriverFeatureReadBack) {
  Rig r;
  r.f->core.driverFeatureReadsZero = true;
  auto dev = r.open(plainOptions());
  EXPECT_TRUE(dev->live());
  EXPECT_EQ(r.log.count(clause::kDriverFeatureReadback), 1u);
}

// covers: drivernormative:General Initialization And Device Operation / Device Initialization#7
TEST(InitSequence, NoNotificationBeforeDriverOk) {
  Rig r;
  DriverOptions o = plainOptions();
  bool kicked = true;
  o.setup = [&](Device& d) {
    const uint64_t buf = d.hal().dmaAllocator().alloc(16);
    Buf b{buf, 16, true};
    EXPECT_GE(d.queue(0).add(&b, 1, 1), 0);
    kicked = d.kick(0);
    d.queue(0).kick();  // through the queue's notifier: suppressed as well
    return true;
  };
  size_t notifiesAtDriverOk = 99;
  r.f->core.onNotify = [&](fake::FakeVirtioCore& c, uint16_t, uint32_t) {
    notifiesAtDriverOk = (c.status & status::kDriverOk) ? 1 : 0;
  };
  auto dev = r.open(o);
  ASSERT_TRUE(dev->live());
  EXPECT_FALSE(kicked);
  // the buffer made available during setup is announced once DRIVER_OK is set, not before
  ASSERT_EQ(r.f->core.notifies.size(), 1u);
  EXPECT_EQ(notifiesAtDriverOk, 1u);
  EXPECT_FALSE(dev->kick(0));  // nothing new since
}

TEST(InitSequence, SetupHookFailureSetsFailed) {
  Rig r;
  DriverOptions o = plainOptions();
  o.setup = [](Device&) { return false; };
  auto dev = r.open(o);
  EXPECT_EQ(dev->state(), DeviceState::Failed);
  EXPECT_EQ(r.statusWrites().back(), 0x8b);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#1
// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#3
TEST(InitSequence, SixteenBitNotificationAtQueueNotifyOff) {
  Rig r(2);
  r.f->core.queues[1].notifyOff = 3;
  DriverOptions o = plainOptions();
  o.numQueues = 2;
  auto dev = r.open(o);
  ASSERT_TRUE(dev->live());
  auto* t = dynamic_cast<PciModernTransport*>(&dev->transport());
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->notifyAddress(1), r.f->barAddress(4) + FakeVirtioPci::kNotifyOff + 3 * 4);
  r.h.clearLog();
  dev->transport().notify(1, 1);
  auto w = r.h.accesses(Space::Memory, t->notifyAddress(1), t->notifyAddress(1) + 4, true);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].width, 2u);
  EXPECT_EQ(w[0].value, 1u);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#2
// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#4
TEST(InitSequence, NotificationDataIs32Bit) {
  Rig r;
  r.f->core.deviceFeatures |= feat::bit(feat::kNotificationData);
  DriverOptions o = plainOptions();
  o.notificationData = true;
  auto dev = r.open(o);
  ASSERT_TRUE(dev->live());
  const uint64_t buf = r.h.alloc.alloc(64);
  Buf b{buf, 64, true};
  ASSERT_GE(dev->queue(0).add(&b, 1, 7), 0);
  ASSERT_TRUE(dev->kick(0));
  ASSERT_EQ(r.f->notifyWrites.size(), 1u);
  EXPECT_EQ(r.f->notifyWrites[0].second, 4u);
  ASSERT_EQ(r.f->core.notifies.size(), 1u);
  const NotificationData nd = NotificationData::decode(r.f->core.notifies[0].second);
  EXPECT_EQ(nd.vqIndex, 0);
  EXPECT_EQ(nd.splitIdx(), 1);  // avail idx after one buffer
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#5
// covers: drivernormative:Reserved Feature Bits#13
TEST(InitSequence, NotifConfigDataReplacesTheQueueIndex) {
  Rig r;
  r.f->core.deviceFeatures |= feat::bit(feat::kNotifConfigData);
  DriverOptions o = plainOptions();
  o.notifConfigData = true;
  auto dev = r.open(o);
  ASSERT_TRUE(dev->live());
  EXPECT_TRUE(feat::has(dev->features(), feat::kNotifConfigData));
  dev->transport().notify(0, 0);
  ASSERT_EQ(r.f->core.notifies.size(), 1u);
  EXPECT_EQ(r.f->core.notifies[0].second, 0x100u);  // the fake's queue_notif_config_data for queue 0
}

// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#6
TEST(InitSequence, QueueNotifyAddressOutsideTheNotifyStructure) {
  FakeVirtioPci::Layout l;
  l.standardCaps = false;
  Rig r(2, l);
  r.f->addVirtioCap(pci::kCapCommonCfg, 4, FakeVirtioPci::kCommonOff, 0x40);
  r.f->addNotifyCap(4, FakeVirtioPci::kNotifyOff, 4, 4);  // room for queue 0 (offset 0) only
  r.f->addVirtioCap(pci::kCapIsrCfg, 4, FakeVirtioPci::kIsrOff, 4);
  r.f->addVirtioCap(pci::kCapPciCfg, 0, 0, 0, 0, {0, 0, 0, 0});
  DriverOptions o = plainOptions();
  o.numQueues = 2;
  auto dev = r.open(o);
  EXPECT_EQ(dev->state(), DeviceState::Failed);
  ASSERT_EQ(r.log.count(clause::kNotifyLengthQueue2), 1u);
  EXPECT_EQ(r.log.all()[0].queue, 1);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#7
// covers: drivernormative:Basic Facilities of a Virtio Device / Virtqueues / Virtqueue Reset / Virtqueue Re-enable#1
TEST(InitSequence, QueueReset) {
  Rig r;
  r.f->core.deviceFeatures |= feat::bit(feat::kRingReset);
  DriverOptions o = plainOptions();
  o.ringReset = true;
  auto dev = r.open(o);
  ASSERT_TRUE(dev->live());
  r.h.clearLog();
  ASSERT_TRUE(dev->resetQueue(0));
  auto t = r.trace({"queue_reset", "queue_enable"});
  const std::vector<std::string> head = {"W queue_select=0x0", "W queue_reset=0x1", "R queue_reset", "R queue_enable"};
  ASSERT_GE(t.size(), head.size());
  EXPECT_EQ(std::vector<std::string>(t.begin(), t.begin() + 4), head) << join(t);
  EXPECT_EQ(t.back(), "R queue_reset");  // re-enabled, and queue_reset checked to be 0 again
  EXPECT_EQ(r.f->core.queues[0].enabled, 1u);
  EXPECT_TRUE(r.log.empty());
}

TEST(InitSequence, ConfigChangeCallbackSeesNewGeneration) {
  Rig r;
  auto dev = r.open(plainOptions());
  ASSERT_TRUE(dev->live());
  int calls = 0;
  dev->setConfigChangeCallback([&](Device&) { ++calls; });
  const uint32_t g0 = dev->lastConfigGeneration();
  r.f->core.configChange();
  EXPECT_EQ(dev->poll(), 1u);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(dev->lastConfigGeneration(), g0 + 1);
  EXPECT_EQ(dev->poll(), 0u);  // the ISR read cleared it
}

// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / ISR status capability#4
TEST(InitSequence, IntxStatusBitWithoutIsr) {
  Rig r;
  auto dev = r.open(plainOptions());
  ASSERT_TRUE(dev->live());
  r.f->intxStatusBroken = true;
  r.h.setLine(r.f->intxLine, true);
  dev->poll();
  dev->poll();
  EXPECT_EQ(r.log.count(clause::kIsrIntxStatus), 1u);  // reported once
}

TEST(InitSequence, SharedInterruptDispatchesBothCauses) {
  Rig r(2);
  DriverOptions o = plainOptions();
  o.numQueues = 2;
  auto dev = r.open(o);
  ASSERT_TRUE(dev->live());
  int queueCalls = 0, cfgCalls = 0;
  auto cb = [](void* ctx, Device&, uint16_t) { ++*static_cast<int*>(ctx); };
  dev->setQueueCallback(0, cb, &queueCalls);
  dev->setQueueCallback(1, cb, &queueCalls);
  dev->setConfigChangeCallback([&](Device&) { ++cfgCalls; });
  r.f->core.configChange();
  r.f->core.raise(false, 1);  // one INTx, ISR bits 0 and 1
  EXPECT_EQ(dev->poll(), 3u);
  EXPECT_EQ(cfgCalls, 1);
  EXPECT_EQ(queueCalls, 2);  // no queue identity on INTx: every queue is looked at
}

}  // namespace
}  // namespace vsim::drv

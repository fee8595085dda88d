// virtio-mmio through drv::Device: version 2 and version 1 register sequences, interrupts, queue reset.
#include "test_util.h"
#include "vsim/abi/notification.h"
#include "vsim/drv/mmio_transport.h"

namespace vsim::drv {
namespace {

using namespace vsim::drv::test;

struct MmioRig {
  FakeHal h;
  FakeVirtioMmio* m;
  ViolationLog log;
  explicit MmioRig(uint32_t version, unsigned queues = 1) {
    m = &h.addMmio(std::make_unique<FakeVirtioMmio>(4, queues, version));
  }
  std::unique_ptr<Device> open(DriverOptions o) {
    auto d = discoverOne(h, log);
    h.clearLog();
    return drv::open(h, d, std::move(o), log);
  }
  std::vector<std::string> trace(const std::vector<std::string>& reads) {
    return normalize(fake::mmioTrace(h, h.desc.mmio[0].base, reads));
  }
};

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#1
// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#6
// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#12
// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#13
TEST(Mmio, Version2InitSequence) {
  MmioRig r(2);
  auto dev = r.open(plainOptions());
  ASSERT_TRUE(dev->live()) << dev->failure();
  const std::vector<std::string> expected = {
      "R MagicValue", "R Version", "R DeviceID", "R VendorID",  // open() starts with the probe
      "W Status=0x0", "R Status", "R InterruptStatus", "W Status=0x1", "W Status=0x3",
      "W DeviceFeaturesSel=0x0", "R DeviceFeatures", "W DeviceFeaturesSel=0x1", "R DeviceFeatures",
      "W DriverFeaturesSel=0x0", "W DriverFeatures=0x0", "W DriverFeaturesSel=0x1", "W DriverFeatures=0x1",
      "W Status=0xb", "R Status",
      "W QueueSel=0x0", "R QueueReady", "R QueueNumMax",
      "W QueueSel=0x0", "W QueueNum=0x100", "W QueueDescLow=*", "W QueueDescHigh=*", "W QueueDriverLow=*",
      "W QueueDriverHigh=*", "W QueueDeviceLow=*", "W QueueDeviceHigh=*",
      "W QueueSel=0x0", "W QueueReady=0x1",
      "W Status=0xf",
  };
  auto got = r.trace({"MagicValue", "Version", "DeviceID", "VendorID", "Status", "InterruptStatus", "DeviceFeatures",
                      "QueueReady", "QueueNumMax"});
  EXPECT_EQ(got, expected) << join(got);
  EXPECT_TRUE(r.log.empty());
}

TEST(Mmio, Version1LegacyInitSequence) {
  MmioRig r(1);
  auto dev = r.open(plainOptions());
  ASSERT_TRUE(dev->live()) << dev->failure();
  EXPECT_EQ(dev->transport().kind(), TransportKind::MmioLegacy);
  const std::vector<std::string> expected = {
      "W Status=0x0", "R Status", "W Status=0x1", "W Status=0x3",
      "W DeviceFeaturesSel=0x0", "R DeviceFeatures", "W DriverFeaturesSel=0x0", "W DriverFeatures=0x0",
      "W QueueSel=0x0", "R QueueNumMax",
      "W QueueSel=0x0", "W GuestPageSize=0x1000", "W QueueSel=0x0", "W QueueNum=0x100", "W QueueAlign=0x1000",
      "W QueueSel=0x0", "W QueuePFN=*",
      "W Status=0x7",
  };
  auto got = r.trace({"Status", "DeviceFeatures", "QueueNumMax"});
  EXPECT_EQ(got, expected) << join(got);
  const RingAddrs& a = dev->queue(0).layout();
  EXPECT_EQ(uint64_t{r.m->core.queues[0].pfn} * 4096, a.desc);
  EXPECT_EQ(r.m->core.ringAddrs(0).device, a.device);
  EXPECT_TRUE(r.log.empty());
}

// Found against QEMU 7.2 (issue #7): virtio-mmio version 1 offers ANY_LAYOUT (27); a transitional driver accepts it.
TEST(Mmio, Version1AcceptsAnyLayout) {
  MmioRig r(1);
  r.m->core.deviceFeatures = feat::bit(feat::kNotifyOnEmpty) | feat::bit(feat::kAnyLayout) | feat::bit(feat::kEventIdx);
  DriverOptions o = plainOptions();
  o.eventIdx = true;
  auto dev = r.open(o);
  ASSERT_TRUE(dev->live()) << dev->failure();
  EXPECT_EQ(r.m->core.driverFeatures, feat::bit(feat::kAnyLayout) | feat::bit(feat::kEventIdx));
  // version 2 is not a legacy interface: the bit is never taken there
  MmioRig r2(2);
  r2.m->core.deviceFeatures = feat::bit(feat::kVersion1) | feat::bit(feat::kAnyLayout);
  auto dev2 = r2.open(plainOptions());
  ASSERT_TRUE(dev2->live()) << dev2->failure();
  EXPECT_EQ(r2.m->core.driverFeatures, feat::bit(feat::kVersion1));
}

// covers: devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#4
// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#18
// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#20
// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Notifications From The Device#3
TEST(Mmio, InterruptStatusUndefinedBits) {
  MmioRig r(2);
  auto dev = r.open(plainOptions());
  ASSERT_TRUE(dev->live());
  r.m->extraStatusBits = 0x10;
  r.m->core.raise(false, 0);
  EXPECT_EQ(dev->poll(), 1u);
  r.m->core.raise(true, 0);
  EXPECT_EQ(dev->poll(), 1u);
  EXPECT_EQ(r.log.count(clause::kMmioIntStatusUndefined), 1u);
  EXPECT_EQ(r.m->acks, (std::vector<uint32_t>{1, 2}));  // only the defined bits are acknowledged
}

// covers: devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#5
TEST(Mmio, ResetMustClearInterruptStatusAndQueueReady) {
  MmioRig r(2);
  auto dev = r.open(plainOptions());
  ASSERT_TRUE(dev->live());
  r.m->extraStatusBits = 0x1;  // InterruptStatus never reads 0
  r.m->core.keepQueueEnableOnReset = true;
  ASSERT_TRUE(dev->recover());
  EXPECT_EQ(r.log.count(clause::kMmioResetClears), 3u);  // InterruptStatus (twice: recover resets twice) + QueueReady
}

TEST(Mmio, NotificationDataPayload) {
  MmioRig r(2);
  r.m->core.deviceFeatures |= feat::bit(feat::kNotificationData);
  DriverOptions o = plainOptions();
  o.notificationData = true;
  auto dev = r.open(o);
  ASSERT_TRUE(dev->live());
  const uint64_t buf = r.h.alloc.alloc(32);
  Buf b{buf, 32, true};
  ASSERT_GE(dev->queue(0).add(&b, 1, 1), 0);
  ASSERT_TRUE(dev->kick(0));
  auto w = r.trace({});
  EXPECT_EQ(w.back(), "W QueueNotify=0x10000");  // vq 0, next_off 1
  EXPECT_EQ(NotificationData::decode(r.m->core.notifies.at(0).second).splitIdx(), 1);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#21
TEST(Mmio, QueueResetAndDisable) {
  MmioRig r(2);
  r.m->core.deviceFeatures |= feat::bit(feat::kRingReset);
  DriverOptions o = plainOptions();
  o.ringReset = true;
  auto dev = r.open(o);
  ASSERT_TRUE(dev->live());
  r.h.clearLog();
  ASSERT_TRUE(dev->resetQueue(0));
  auto t = r.trace({"QueueReset", "QueueReady"});
  EXPECT_EQ(std::vector<std::string>(t.begin(), t.begin() + 4),
            (std::vector<std::string>{"W QueueSel=0x0", "W QueueReset=0x1", "R QueueReset", "R QueueReady"}));
  EXPECT_EQ(r.m->core.queues[0].enabled, 1u);
  auto* mt = dynamic_cast<MmioTransport*>(&dev->transport());
  ASSERT_NE(mt, nullptr);
  r.h.clearLog();
  // covers the stop sequence: QueueReady = 0, then read back
  EXPECT_TRUE(mt->disableQueue(0, 1000));
  EXPECT_EQ(r.trace({"QueueReady"}), (std::vector<std::string>{"W QueueSel=0x0", "W QueueReady=0x0", "R QueueReady"}));
  EXPECT_TRUE(r.log.empty());
}

TEST(Mmio, PlaceholderAndBadSlotsAreNotOpened) {
  FakeHal h;
  h.addMmio(std::make_unique<FakeVirtioMmio>(0, 1, 2));
  h.addEmptyMmioSlot();
  auto& bad = h.addMmio(std::make_unique<FakeVirtioMmio>(4, 1, 2));
  bad.version = 3;
  ViolationLog log;
  EXPECT_TRUE(discover(h, log).empty());
  EXPECT_EQ(log.size(), 1u);  // the version; never the placeholder or the empty slot
}

}  // namespace
}  // namespace vsim::drv

// VIRTIO_F_SUSPEND on the driver side: negotiation, suspend() / resume() with their status re-reads, nothing sent
// while suspended, and a device that does not suspend or resume (reported) or asks for a reset instead.
#include "test_util.h"
#include "vsim/abi/features.h"

namespace vsim::drv {
namespace {

using namespace vsim::drv::test;

struct Rig {
  FakeHal h;
  FakeVirtioPci* f;
  ViolationLog log;
  std::unique_ptr<Device> dev;
  explicit Rig(bool offerSuspend = true, bool acceptSuspend = true) {
    f = &h.addPciT(std::make_unique<FakeVirtioPci>(4, 1), 3);
    if (offerSuspend) f->core.deviceFeatures |= feat::bit(feat::kSuspend);
    DriverOptions o = plainOptions();
    o.suspend = acceptSuspend;
    o.suspendTimeoutNs = 1'000'000;
    dev = drv::open(h, discoverOne(h, log), o, log);
  }
  uint8_t status() const { return f->core.status; }
};

// covers: drivernormative:General Initialization And Device Operation / Device Suspend#2
// covers: drivernormative:General Initialization And Device Operation / Device Suspend#6
TEST(Suspend, SuspendAndResume) {
  Rig r;
  ASSERT_TRUE(r.dev->live());
  EXPECT_TRUE(feat::has(r.dev->features(), feat::kSuspend));
  ASSERT_TRUE(r.dev->suspend());
  EXPECT_EQ(r.dev->state(), DeviceState::Suspended);
  EXPECT_TRUE(r.status() & status::kSuspend);
  EXPECT_FALSE(r.status() & status::kDriverOk);
  ASSERT_TRUE(r.dev->resume());
  EXPECT_TRUE(r.dev->live());
  EXPECT_FALSE(r.status() & status::kSuspend);
  EXPECT_TRUE(r.status() & status::kDriverOk);
  EXPECT_TRUE(r.log.empty());
}

// covers: drivernormative:General Initialization And Device Operation / Device Suspend#4
// covers: drivernormative:General Initialization And Device Operation / Device Suspend#5
TEST(Suspend, NothingSentWhileSuspended) {
  Rig r;
  ASSERT_TRUE(r.dev->suspend());
  const uint64_t buf = r.h.alloc.alloc(64);
  Buf b{buf, 64, true};
  ASSERT_GE(r.dev->queue(0).add(&b, 1, 1), 0);  // (a typed driver would not: live() is false)
  const size_t notifies = r.f->core.notifies.size();
  EXPECT_FALSE(r.dev->kick(0));
  EXPECT_EQ(r.f->core.notifies.size(), notifies);
  const uint8_t before = r.f->core.config[0];
  const uint8_t v = static_cast<uint8_t>(before + 1);
  r.dev->writeConfig(0, &v, 1);
  EXPECT_EQ(r.f->core.config[0], before);
  ASSERT_TRUE(r.dev->resume());
  EXPECT_TRUE(r.dev->kick(0));
  EXPECT_GT(r.f->core.notifies.size(), notifies);
}

// covers: drivernormative:General Initialization And Device Operation / Device Suspend#1
TEST(Suspend, RefusedWithoutNegotiationOrBeforeLive) {
  Rig notOffered(false, true);
  EXPECT_FALSE(feat::has(notOffered.dev->features(), feat::kSuspend));
  EXPECT_FALSE(notOffered.dev->suspend());
  EXPECT_FALSE(notOffered.status() & status::kSuspend);
  Rig notAccepted(true, false);
  EXPECT_FALSE(notAccepted.dev->suspend());
  EXPECT_FALSE(notAccepted.status() & status::kSuspend);
  Rig r;
  r.dev->shutdown();
  EXPECT_FALSE(r.dev->suspend());
  EXPECT_FALSE(r.dev->resume());  // not suspended
}

// covers: devicenormative:General Initialization And Device Operation / Device Suspend#6
TEST(Suspend, DeviceThatDoesNotSuspendIsReported) {
  Rig r;
  r.f->core.honourSuspend = false;  // keeps DRIVER_OK and shows SUSPEND as written
  EXPECT_FALSE(r.dev->suspend());
  ASSERT_EQ(r.log.size(), 1u);
  EXPECT_EQ(r.log.all()[0].clause,
            "devicenormative:General Initialization And Device Operation / Device Suspend#6");
  EXPECT_EQ(r.log.all()[0].culprit, Culprit::Device);
}

// covers: devicenormative:General Initialization And Device Operation / Device Suspend#7
TEST(Suspend, DeviceThatDoesNotResumeIsReported) {
  Rig r;
  ASSERT_TRUE(r.dev->suspend());
  r.f->core.honourSuspend = false;  // SUSPEND stays set
  EXPECT_FALSE(r.dev->resume());
  ASSERT_EQ(r.log.size(), 1u);
  EXPECT_EQ(r.log.all()[0].clause,
            "devicenormative:General Initialization And Device Operation / Device Suspend#7");
}

TEST(Suspend, NeedsResetInsteadOfSuspending) {
  Rig r;
  int called = 0;
  r.dev->setNeedsResetCallback([&](Device&) { ++called; });
  r.f->core.honourSuspend = false;
  r.f->core.status |= status::kDeviceNeedsReset;  // the device gives up instead
  EXPECT_FALSE(r.dev->suspend());
  EXPECT_EQ(r.dev->state(), DeviceState::NeedsReset);
  EXPECT_EQ(called, 1);
  EXPECT_TRUE(r.log.empty());
  EXPECT_TRUE(r.dev->recover());
  EXPECT_TRUE(r.dev->live());
}

}  // namespace
}  // namespace vsim::drv

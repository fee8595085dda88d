// DEVICE_NEEDS_RESET: detection through the configuration change, a missing notification, recovery.
#include "test_util.h"

namespace vsim::drv {
namespace {

using namespace vsim::drv::test;

struct Rig {
  FakeHal h;
  FakeVirtioPci* f;
  ViolationLog log;
  std::unique_ptr<Device> dev;
  Rig() {
    f = &h.addPciT(std::make_unique<FakeVirtioPci>(4, 1), 3);
    dev = drv::open(h, discoverOne(h, log), plainOptions(), log);
  }
};

// covers: drivernormative:Basic Facilities of a Virtio Device / Device Status Field#4
// covers: drivernormative:General Initialization And Device Operation / Device Cleanup#2
TEST(NeedsReset, NotifiedThenRecovered) {
  Rig r;
  ASSERT_TRUE(r.dev->live());
  int called = 0;
  r.dev->setNeedsResetCallback([&](Device&) { ++called; });
  // one buffer the device will never return
  r.f->core.onNotify = [](fake::FakeVirtioCore&, uint16_t, uint32_t) {};
  const uint64_t buf = r.h.alloc.alloc(64);
  Buf b{buf, 64, true};
  ASSERT_GE(r.dev->queue(0).add(&b, 1, 0xc0ffee), 0);
  r.dev->kick(0);
  r.f->core.configChange(/*needsReset=*/true);
  EXPECT_EQ(r.dev->poll(), 1u);
  EXPECT_EQ(r.dev->state(), DeviceState::NeedsReset);
  EXPECT_EQ(called, 1);
  EXPECT_FALSE(r.dev->kick(0));  // nothing is sent to a device that needs a reset
  EXPECT_FALSE(r.dev->checkStatus());
  const uint64_t used = r.h.alloc.used();
  std::vector<uint64_t> dropped;
  ASSERT_TRUE(r.dev->recover([&](uint16_t, uint64_t c) { dropped.push_back(c); }));
  EXPECT_TRUE(r.dev->live());
  EXPECT_EQ(dropped, std::vector<uint64_t>{0xc0ffee});
  EXPECT_EQ(r.h.alloc.used(), used);  // the rings were reused
  EXPECT_EQ(r.f->core.status, 0xf);
  EXPECT_EQ(r.dev->queue(0).inFlight(), 0u);
  EXPECT_TRUE(r.log.empty());
}

// covers: devicenormative:Basic Facilities of a Virtio Device / Device Status Field#3
TEST(NeedsReset, WithoutConfigurationChangeNotification) {
  Rig r;
  ASSERT_TRUE(r.dev->live());
  r.f->core.configChange(/*needsReset=*/true, /*notifyDriver=*/false);
  EXPECT_FALSE(r.dev->checkStatus());
  EXPECT_EQ(r.dev->state(), DeviceState::NeedsReset);
  EXPECT_EQ(r.log.count(clause::kNeedsResetNotify), 1u);
}

TEST(NeedsReset, NotificationPendingWhenTheStatusIsRead) {
  Rig r;
  ASSERT_TRUE(r.dev->live());
  r.f->core.configChange(/*needsReset=*/true);  // interrupt raised but not yet polled
  EXPECT_FALSE(r.dev->checkStatus());             // it finds the notification itself
  EXPECT_EQ(r.dev->state(), DeviceState::NeedsReset);
  EXPECT_TRUE(r.log.empty());
}

TEST(NeedsReset, HealthyDevice) {
  Rig r;
  ASSERT_TRUE(r.dev->live());
  EXPECT_TRUE(r.dev->checkStatus());
  r.f->core.configChange();  // an ordinary configuration change
  r.dev->poll();
  EXPECT_TRUE(r.dev->live());
}

}  // namespace
}  // namespace vsim::drv

// MSI-X: table programming, vector mapping with read-back, fall-backs to fewer vectors and to INTx, routing.
#include "test_util.h"
#include "vsim/drv/pci_transport.h"

namespace vsim::drv {
namespace {

using namespace vsim::drv::test;

struct MsixRig {
  FakeHal h;
  FakeVirtioPci* f;
  ViolationLog log;
  MsixRig(uint16_t vectors, unsigned queues, uint8_t dev = 3) {
    FakeVirtioPci::Layout l;
    l.msixVectors = vectors;
    f = &h.addPciT(std::make_unique<FakeVirtioPci>(4, queues, l), dev);
  }
  std::unique_ptr<Device> open(int queues, InterruptMode mode = InterruptMode::Auto) {
    DriverOptions o = plainOptions();
    o.numQueues = queues;
    o.interrupts = mode;
    auto d = discoverOne(h, log);
    return drv::open(h, d, o, log);
  }
};

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#5
TEST(Msix, ProgramsTableAndMapsVectors) {
  MsixRig r(4, 2);
  auto dev = r.open(2);
  ASSERT_TRUE(dev->live()) << dev->failure();
  EXPECT_TRUE(dev->transport().usingMsix());
  EXPECT_TRUE(r.f->msixEnabled());
  EXPECT_FALSE(r.f->cfg[r.f->msixCapAt + 3] & 0x40);  // function unmasked
  const uint16_t bdf = PciAddr{0, 3, 0}.bdf();
  for (uint16_t v = 0; v < 3; ++v) {
    EXPECT_EQ(r.f->msixTable[4u * v + 0], uint32_t(FakeHal::kMsiAddress));
    EXPECT_EQ(r.f->msixTable[4u * v + 1], 0u);
    EXPECT_EQ(r.f->msixTable[4u * v + 2], pciMsiData(bdf, v));
    EXPECT_EQ(r.f->msixTable[4u * v + 3], 0u);  // unmasked
  }
  EXPECT_EQ(r.f->msixTable[4u * 3 + 3], 1u);  // the unused entry stays masked
  EXPECT_EQ(r.f->core.configVector, 0);
  EXPECT_EQ(r.f->core.queues[0].vector, 1);
  EXPECT_EQ(r.f->core.queues[1].vector, 2);
  // every mapping was read back right after it was written
  auto t = fake::commonTrace(r.h, *r.f, {"config_msix_vector", "queue_msix_vector"});
  auto at = std::find(t.begin(), t.end(), "W config_msix_vector=0x0");
  ASSERT_NE(at, t.end());
  EXPECT_EQ(*(at + 1), "R config_msix_vector");
  at = std::find(t.begin(), t.end(), "W queue_msix_vector=0x2");
  ASSERT_NE(at, t.end());
  EXPECT_EQ(*(at + 1), "R queue_msix_vector");
  EXPECT_TRUE(r.log.empty());
}

TEST(Msix, MessagesRouteToTheirQueue) {
  MsixRig r(4, 2);
  auto dev = r.open(2);
  ASSERT_TRUE(dev->live());
  int hits[2] = {0, 0};
  auto cb = [](void* ctx, Device&, uint16_t q) { ++static_cast<int*>(ctx)[q]; };
  dev->setQueueCallback(0, cb, hits);
  dev->setQueueCallback(1, cb, hits);
  int cfg = 0;
  dev->setConfigChangeCallback([&](Device&) { ++cfg; });
  r.f->core.raise(false, 1);
  EXPECT_EQ(dev->poll(), 1u);
  EXPECT_EQ(hits[0], 0);
  EXPECT_EQ(hits[1], 1);
  r.f->core.configChange();
  EXPECT_EQ(dev->poll(), 1u);
  EXPECT_EQ(cfg, 1);
  EXPECT_EQ(r.f->isr, 0);  // the ISR is not used with MSI-X
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#4
TEST(Msix, SmallTableSharesOneVectorForTheQueues) {
  MsixRig r(2, 3);
  auto dev = r.open(3);
  ASSERT_TRUE(dev->live());
  EXPECT_EQ(r.f->core.configVector, 0);
  for (const auto& q : r.f->core.queues) EXPECT_EQ(q.vector, 1);
  int hits = 0;
  auto cb = [](void* ctx, Device&, uint16_t) { ++*static_cast<int*>(ctx); };
  for (uint16_t q = 0; q < 3; ++q) dev->setQueueCallback(q, cb, &hits);
  r.f->core.raise(false, 2);
  dev->poll();
  EXPECT_EQ(hits, 3);  // a shared vector: every queue on it is looked at
}

// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#6
// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#6
TEST(Msix, GarbageReadBackReportedAndIntxUsed) {
  MsixRig r(4, 1);
  r.f->core.vectorReadback = 5;
  auto dev = r.open(1);
  ASSERT_TRUE(dev->live());
  EXPECT_EQ(r.log.count(clause::kMsixVectorReadback), 1u);
  EXPECT_FALSE(dev->transport().usingMsix());
  EXPECT_FALSE(r.f->msixEnabled());
  int cfg = 0;
  dev->setConfigChangeCallback([&](Device&) { ++cfg; });
  r.f->core.configChange();  // now through ISR + INTx
  EXPECT_EQ(dev->poll(), 1u);
  EXPECT_EQ(cfg, 1);
}

TEST(Msix, RefusedMappingFallsBackWithoutReport) {
  MsixRig r(4, 1);
  r.f->core.refuseVectors = true;  // reads NO_VECTOR: a failure the device may report that way
  auto dev = r.open(1);
  ASSERT_TRUE(dev->live());
  EXPECT_TRUE(r.log.empty());
  EXPECT_FALSE(dev->transport().usingMsix());
}

TEST(Msix, QueueVectorRefusedAfterConfigVectorMapped) {
  // the config vector maps, the queue's does not (even shared): everything is unmapped again and INTx used
  MsixRig r(4, 1);
  DriverOptions o = plainOptions();
  o.initialize = false;
  auto d = discoverOne(r.h, r.log);
  auto dev = drv::open(r.h, d, o, r.log);
  Transport& t = dev->transport();
  ASSERT_TRUE(t.reset(1000));
  ASSERT_TRUE(t.setupInterrupts(1, InterruptMode::Auto));
  EXPECT_TRUE(t.usingMsix());
  EXPECT_EQ(r.f->core.configVector, 0);
  r.f->core.refuseVectors = true;
  RingAddrs a{64, r.h.alloc.alloc(1024, 16), r.h.alloc.alloc(134, 2), r.h.alloc.alloc(518, 4)};
  EXPECT_TRUE(t.setupQueue(0, a));
  EXPECT_FALSE(t.usingMsix());
  EXPECT_FALSE(r.f->msixEnabled());
  EXPECT_EQ(r.f->core.configVector, pci::kNoVector);
  EXPECT_TRUE(r.log.empty());
}

// covers: devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#7
TEST(Msix, VectorsStillMappedAfterReset) {
  MsixRig r(4, 1);
  auto dev = r.open(1);
  ASSERT_TRUE(dev->live());
  EXPECT_TRUE(r.log.empty());
  r.f->core.keepVectorsOnReset = true;
  ASSERT_TRUE(dev->recover());
  EXPECT_EQ(r.log.count(clause::kMsixUnmappedOnReset), 2u);  // config vector and queue 0's vector
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#1
// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#2
TEST(Msix, SingleEntryTableUsesIntx) {
  MsixRig r(1, 1);
  auto dev = r.open(1);
  ASSERT_TRUE(dev->live());
  EXPECT_FALSE(dev->transport().usingMsix());
  MsixRig r2(1, 1);
  auto dev2 = r2.open(1, InterruptMode::Msix);
  EXPECT_EQ(dev2->state(), DeviceState::Failed);
}

TEST(Msix, IntxModeLeavesMsixOff) {
  MsixRig r(4, 1);
  auto dev = r.open(1, InterruptMode::Intx);
  ASSERT_TRUE(dev->live());
  EXPECT_FALSE(r.f->msixEnabled());
  EXPECT_EQ(r.f->core.configVector, pci::kNoVector);
}

TEST(Msix, TwoDevicesShareTheMailbox) {
  FakeHal h;
  FakeVirtioPci::Layout l;
  l.msixVectors = 4;
  auto& fa = h.addPciT(std::make_unique<FakeVirtioPci>(4, 1, l), 3);
  auto& fb = h.addPciT(std::make_unique<FakeVirtioPci>(4, 1, l), 4);
  ViolationLog log;
  auto all = discover(h, log);
  ASSERT_EQ(all.size(), 2u);
  auto a = drv::open(h, all[0], plainOptions(), log);
  auto b = drv::open(h, all[1], plainOptions(), log);
  ASSERT_TRUE(a->live() && b->live());
  int ha = 0, hb = 0;
  auto cb = [](void* ctx, Device&, uint16_t) { ++*static_cast<int*>(ctx); };
  a->setQueueCallback(0, cb, &ha);
  b->setQueueCallback(0, cb, &hb);
  fb.core.raise(false, 0);
  fa.core.raise(false, 0);
  fb.core.raise(false, 0);
  EXPECT_EQ(a->poll(), 1u);  // takes its own message, keeps b's two
  EXPECT_EQ(ha, 1);
  EXPECT_EQ(hb, 0);
  EXPECT_EQ(b->poll(), 2u);
  EXPECT_EQ(hb, 2);
}

}  // namespace
}  // namespace vsim::drv

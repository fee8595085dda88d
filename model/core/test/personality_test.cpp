// Device personalities: each legal-but-unusual behaviour does what it says (the suite then checks that our driver
// stays correct under every one).
#include <gtest/gtest.h>

#include "vsim/abi/features.h"
#include "vsim/abi/ring_split.h"
#include "vsim/abi/status.h"
#include "vsim/model/device_core.h"
#include "vsim/model/rng_device.h"

namespace vsim::model {
namespace {

constexpr uint64_t kBase = 0x10000, kSize = 0x40000;
constexpr uint64_t kDesc = kBase, kDriver = kBase + 0x1000, kDevice = kBase + 0x2000, kBuf = kBase + 0x8000;

struct Irqs final : IrqSink {
  int queue = 0, config = 0;
  void raise(IrqKind k, uint16_t) override { ++(k == IrqKind::Queue ? queue : config); }
};

struct Rig {
  OwnedGuestMemory mem{kSize, kBase};
  ViolationLog log;
  RngDevice rng;
  CoreOptions opts;
  std::unique_ptr<DeviceCore> core;
  Irqs irqs;
  uint16_t availIdx = 0;
  explicit Rig(const std::string& personality) {
    opts.personality = Personality::parse(personality);
    core = std::make_unique<DeviceCore>(rng, mem, log, opts);
    core->setIrqSink(&irqs);
  }
  void bringUp() {
    core->writeStatus(status::kAcknowledge | status::kDriver);
    core->writeDriverFeatures(1, 1);
    core->writeStatus(status::kAcknowledge | status::kDriver | status::kFeaturesOk);
    core->readStatus();
    auto& q = core->queue(0);
    q.size = 8;
    q.desc = kDesc;
    q.driver = kDriver;
    q.device = kDevice;
    ASSERT_TRUE(core->enableQueue(0));
    core->writeStatus(status::kAcknowledge | status::kDriver | status::kFeaturesOk | status::kDriverOk);
  }
  void offer(uint16_t head) {
    mem.store(kDesc + 16ull * head, split::Desc{kBuf + 64ull * head, 8, split::kDescFWrite, 0});
    mem.store(kDriver + split::availRingOff(availIdx % 8), head);
    ++availIdx;
    mem.storeRelease16(kDriver + 2, availIdx, DmaKind::Other);
  }
  uint32_t usedId(uint16_t i) {
    split::UsedElem e{};
    mem.load(kDevice + split::usedRingOff(i), &e);
    return e.id;
  }
};

TEST(Personality, ParseAndNameRoundTrip) {
  auto p = Personality::parse("out_of_order,batch_used=4,no_packed");
  EXPECT_TRUE(p.outOfOrder);
  EXPECT_EQ(p.batchUsed, 4u);
  EXPECT_EQ(Personality::parse(p.name()).name(), p.name());
  EXPECT_TRUE(Personality::parse("").isDefault());
  EXPECT_THROW(Personality::parse("bogus"), std::invalid_argument);
  EXPECT_THROW(Personality::parse("batch_used"), std::invalid_argument);
  EXPECT_THROW(Personality::parse("batch_used=x"), std::invalid_argument);
  for (const auto& c : Personality::catalogue()) EXPECT_NO_THROW(Personality::parse(c)) << c;
}

TEST(Personality, OutOfOrderReturnsBatchReversed) {
  Rig r("out_of_order");
  r.bringUp();
  for (uint16_t h = 0; h < 3; ++h) r.offer(h);
  r.core->notify(0, false, 0);
  EXPECT_EQ(r.usedId(0), 2u);
  EXPECT_EQ(r.usedId(1), 1u);
  EXPECT_EQ(r.usedId(2), 0u);
  EXPECT_TRUE(r.log.empty());
}

TEST(Personality, OutOfOrderIsNotUsedWithInOrder) {
  Rig r("out_of_order");
  r.core->writeStatus(status::kAcknowledge | status::kDriver);
  r.core->writeDriverFeatures(1, 1 | (1u << (feat::kInOrder - 32)));
  r.core->writeStatus(status::kAcknowledge | status::kDriver | status::kFeaturesOk);
  r.core->readStatus();
  auto& q = r.core->queue(0);
  q.size = 8, q.desc = kDesc, q.driver = kDriver, q.device = kDevice;
  ASSERT_TRUE(r.core->enableQueue(0));
  r.core->writeStatus(status::kAcknowledge | status::kDriver | status::kFeaturesOk | status::kDriverOk);
  for (uint16_t h = 0; h < 3; ++h) r.offer(h);
  r.core->notify(0, false, 0);
  EXPECT_EQ(r.usedId(0), 0u);
  EXPECT_EQ(r.usedId(2), 2u);
}

TEST(Personality, ConfigGenerationChurnsDuringReads) {
  Rig r("config_gen_churn=3");
  const uint8_t g0 = r.core->configGeneration();
  uint8_t b;
  r.core->readConfig(0, &b, 0);  // zero-length reads do not count
  EXPECT_EQ(r.core->configGeneration(), g0);
  EXPECT_EQ(r.core->stats().configNotifications, 0u);
}

TEST(Personality, NeedsResetAfterNRequests) {
  Rig r("needs_reset_after=2");
  r.bringUp();
  r.offer(0);
  r.core->notify(0, false, 0);
  EXPECT_FALSE(r.core->needsReset());
  r.offer(1);
  r.core->notify(0, false, 0);
  EXPECT_TRUE(r.core->needsReset());
  EXPECT_GE(r.irqs.config, 1);
}

TEST(Personality, SpuriousInterruptAfterEachBatch) {
  Rig plain(""), spurious("spurious_irq");
  for (Rig* r : {&plain, &spurious}) {
    r->bringUp();
    r->offer(0);
    r->core->notify(0, false, 0);
  }
  EXPECT_EQ(plain.irqs.queue, 1);
  EXPECT_EQ(spurious.irqs.queue, 2);
}

TEST(Personality, ConfigChangeEveryNRequests) {
  Rig r("config_change_every=2");
  r.bringUp();
  for (uint16_t h = 0; h < 4; ++h) r.offer(h);
  r.core->notify(0, false, 0);
  EXPECT_EQ(r.irqs.config, 2);
  EXPECT_EQ(r.core->configGeneration(), 2);
}

TEST(Personality, QueueMaxAndFeatureRemoval) {
  Rig r("queue_max=2,no_event_idx,no_packed");
  EXPECT_EQ(r.core->queue(0).maxSize, 2);
  EXPECT_FALSE(feat::has(r.core->offeredFeatures(), feat::kEventIdx));
  EXPECT_FALSE(feat::has(r.core->offeredFeatures(), feat::kRingPacked));
  EXPECT_TRUE(feat::has(r.core->offeredFeatures(), feat::kIndirectDesc));
}

TEST(Personality, BatchUsedPublishesInGroups) {
  Rig r("batch_used=2");
  r.bringUp();
  r.core->setManualProcessing(true);
  for (uint16_t h = 0; h < 3; ++h) r.offer(h);
  r.core->notify(0, false, 0);
  uint16_t usedIdx = 0;
  EXPECT_TRUE(r.core->processOne(0));
  r.mem.load(kDevice + 2, &usedIdx);
  EXPECT_EQ(usedIdx, 0);  // held
  EXPECT_TRUE(r.core->processOne(0));
  r.mem.load(kDevice + 2, &usedIdx);
  EXPECT_EQ(usedIdx, 2);  // published as a pair
  EXPECT_TRUE(r.core->processOne(0));
  EXPECT_FALSE(r.core->processOne(0));  // ring dry: the last one goes out
  r.mem.load(kDevice + 2, &usedIdx);
  EXPECT_EQ(usedIdx, 3);
}

}  // namespace
}  // namespace vsim::model

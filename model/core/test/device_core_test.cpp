// DeviceCore: status machine, feature negotiation, queue life cycle, processing, NEEDS_RESET; one negative test per
// driver violation the core detects.
#include <gtest/gtest.h>

#include "vsim/abi/features.h"
#include "vsim/abi/ring_split.h"
#include "vsim/abi/status.h"
#include "vsim/model/device_core.h"

namespace vsim::model {
namespace {

constexpr uint64_t kBase = 0x10000, kSize = 0x40000;
constexpr uint64_t kDesc = kBase, kDriver = kBase + 0x1000, kDevice = kBase + 0x2000, kBuf = kBase + 0x8000;

/// A device with one queue and 8 bytes of config: it echoes the readable bytes (+1) into the writable part.
class EchoLogic final : public DeviceLogic {
 public:
  uint16_t deviceId() const override { return 42; }
  std::string name() const override { return "echo"; }
  uint64_t deviceFeatures() const override { return feat::bit(0) | feat::bit(1); }
  uint16_t numQueues() const override { return 1; }
  uint16_t queueMaxSize(uint16_t) const override { return 8; }
  uint32_t configSize() const override { return 8; }
  void readConfig(uint32_t off, void* dst, uint32_t len) override { std::memcpy(dst, cfg + off, len); }
  bool writeConfig(uint32_t off, const void* src, uint32_t len) override {
    std::memcpy(cfg + off, src, len);
    return true;
  }
  std::string checkFeatures(uint64_t acc) const override {
    // feature 1 depends on feature 0 (a made-up rule to exercise the dependency path)
    return (feat::has(acc, 1) && !feat::has(acc, 0))
               ? "drivernormative:Basic Facilities of a Virtio Device / Feature Bits#2"
               : std::string();
  }
  ChainResult handle(DeviceCore& core, uint16_t q, const Chain& c, uint32_t& written) override {
    uint8_t buf[64] = {};
    uint64_t n = core.engine(q)->readFromChain(c, 0, buf, sizeof buf);
    for (auto& b : buf) ++b;
    written = static_cast<uint32_t>(core.engine(q)->writeToChain(c, 0, buf, std::min<uint64_t>(n, c.writableBytes)));
    return ChainResult::Done;
  }
  void onReset() override { ++resets; }
  bool wideConfigField(uint32_t, uint32_t& start, uint32_t& size) const override {
    start = 0, size = 8;  // with `wide`, the whole 8 bytes are one 64-bit field
    return wide;
  }
  uint8_t cfg[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  int resets = 0;
  bool wide = false;
  uint64_t high = 0;
  uint64_t deviceFeaturesHigh() const override { return high; }
};

struct IrqLog final : IrqSink {
  std::vector<std::pair<IrqKind, uint16_t>> seen;
  void raise(IrqKind k, uint16_t q) override { seen.emplace_back(k, q); }
};

class CoreTest : public ::testing::Test {
 protected:
  OwnedGuestMemory mem{kSize, kBase};
  ViolationLog log;
  EchoLogic logic;
  DeviceCore core{logic, mem, log};
  IrqLog irqs;
  uint16_t availIdx = 0;

  void SetUp() override { core.setIrqSink(&irqs); }
  uint64_t offered() const { return core.offeredFeatures(); }
  void negotiate(uint64_t f) {
    core.writeStatus(status::kAcknowledge);
    core.writeStatus(status::kAcknowledge | status::kDriver);
    core.writeDriverFeatures(0, static_cast<uint32_t>(f));
    core.writeDriverFeatures(1, static_cast<uint32_t>(f >> 32));
    core.writeStatus(status::kAcknowledge | status::kDriver | status::kFeaturesOk);
  }
  void bringUp(uint64_t f = feat::bit(feat::kVersion1)) {
    negotiate(f);
    ASSERT_TRUE(core.readStatus() & status::kFeaturesOk);
    auto& q = core.queue(0);
    q.size = 8;
    q.desc = kDesc;
    q.driver = kDriver;
    q.device = kDevice;
    ASSERT_TRUE(core.enableQueue(0));
    core.writeStatus(status::kAcknowledge | status::kDriver | status::kFeaturesOk | status::kDriverOk);
  }
  void offerRequest(uint16_t head, uint16_t next = 1) {
    mem.store(kDesc + 16ull * head, split::Desc{kBuf, 4, split::kDescFNext, next});
    mem.store(kDesc + 16ull * next, split::Desc{kBuf + 0x100, 4, split::kDescFWrite, 0});
    mem.store(kBuf, uint32_t{0x04030201});
    mem.store(kDriver + split::availRingOff(availIdx % 8), head);
    ++availIdx;
    mem.storeRelease16(kDriver + 2, availIdx, DmaKind::Other);
  }
  void expectOnly(const std::string& clause, const std::string& kind) {
    ASSERT_FALSE(log.empty()) << "no violation reported";
    for (const auto& v : log.all()) {
      EXPECT_EQ(v.clause, clause) << toString(v);
      EXPECT_EQ(v.kind, kind) << toString(v);
    }
  }
};

TEST_F(CoreTest, CleanBringUpAndRequest) {
  bringUp();
  EXPECT_TRUE(core.driverOk());
  offerRequest(0);
  core.notify(0, false, 0);
  uint32_t out = 0;
  mem.load(kBuf + 0x100, &out);
  EXPECT_EQ(out, 0x05040302u);
  uint16_t usedIdx = 0;
  mem.load(kDevice + 2, &usedIdx);
  EXPECT_EQ(usedIdx, 1);
  ASSERT_EQ(irqs.seen.size(), 1u);
  EXPECT_EQ(irqs.seen[0].first, IrqKind::Queue);
  EXPECT_TRUE(log.empty());
}

TEST_F(CoreTest, OfferedFeaturesIncludeRingFeatures) {
  EXPECT_TRUE(feat::has(offered(), feat::kVersion1));
  EXPECT_TRUE(feat::has(offered(), feat::kRingPacked));
  EXPECT_TRUE(feat::has(offered(), 0));
  EXPECT_EQ(core.readDeviceFeatures(1), static_cast<uint32_t>(offered() >> 32));
  EXPECT_EQ(core.readDeviceFeatures(2), 0u);
  EXPECT_FALSE(feat::has(offered(), feat::kAnyLayout));  // a legacy-interface bit, not offered to modern drivers
  core.setLegacy(true);
  EXPECT_FALSE(feat::has(offered(), feat::kVersion1));
  EXPECT_EQ(core.readDeviceFeatures(1), 0u);
}

// Regression (issue #7, found against QEMU 7.2): the legacy interface of a transitional device offers ANY_LAYOUT
// (Legacy Interface: Reserved Feature Bits); our model did not.
TEST_F(CoreTest, LegacyInterfaceOffersAnyLayout) {
  core.setLegacy(true);
  EXPECT_TRUE(feat::has(core.readDeviceFeatures(0), feat::kAnyLayout));
  core.writeStatus(status::kAcknowledge | status::kDriver);
  core.writeDriverFeatures(0, feat::bit(feat::kAnyLayout) | 1u);
  core.writeStatus(status::kAcknowledge | status::kDriver | status::kDriverOk);
  EXPECT_TRUE(core.has(feat::kAnyLayout));
  EXPECT_TRUE(log.empty());
}

TEST_F(CoreTest, ResetClearsEverything) {
  bringUp();
  core.writeStatus(0);
  EXPECT_EQ(core.status(), 0);
  EXPECT_EQ(core.negotiated(), 0u);
  EXPECT_FALSE(core.queue(0).enabled);
  EXPECT_EQ(core.queue(0).size, 8);
  EXPECT_EQ(logic.resets, 1);
}

TEST_F(CoreTest, ConfigChangeBumpsGenerationAndNotifiesAfterDriverOk) {
  core.configChanged();
  EXPECT_EQ(core.configGeneration(), 1);
  EXPECT_TRUE(irqs.seen.empty());
  bringUp();
  core.configChanged();
  EXPECT_EQ(core.configGeneration(), 2);
  ASSERT_EQ(irqs.seen.size(), 1u);
  EXPECT_EQ(irqs.seen[0].first, IrqKind::Config);
}

TEST_F(CoreTest, ConfigAccessBounds) {
  uint32_t v = 0;
  EXPECT_TRUE(core.readConfig(4, &v, 4));
  EXPECT_EQ(v, 0x08070605u);
  EXPECT_FALSE(core.readConfig(6, &v, 4));
  EXPECT_FALSE(core.readConfig(0xffffffffu, &v, 4));
}

// covers: devicenormative:Basic Facilities of a Virtio Device / Feature Bits#3
TEST_F(CoreTest, InvalidFeatureSubsetLeavesFeaturesOkClear) {
  negotiate(feat::bit(feat::kVersion1) | feat::bit(1));  // 1 without 0
  EXPECT_FALSE(core.readStatus() & status::kFeaturesOk);
  expectOnly("drivernormative:Basic Facilities of a Virtio Device / Feature Bits#2", "features.dependency");
}

// covers: devicenormative:Basic Facilities of a Virtio Device / Device Status Field#3
TEST_F(CoreTest, BrokenQueueSetsNeedsResetAndNotifiesConfig) {
  bringUp();
  mem.store(kDriver + split::availRingOff(0), uint16_t{99});  // head out of range
  mem.storeRelease16(kDriver + 2, 1, DmaKind::Other);
  core.notify(0, false, 0);
  EXPECT_TRUE(core.needsReset());
  ASSERT_EQ(irqs.seen.size(), 1u);
  EXPECT_EQ(irqs.seen[0].first, IrqKind::Config);
  EXPECT_EQ(log.size(), 1u);
}

TEST_F(CoreTest, ManualProcessingDefersWork) {
  bringUp();
  core.setManualProcessing(true);
  offerRequest(0);
  core.notify(0, false, 0);
  EXPECT_TRUE(core.pending(0));
  uint16_t usedIdx = 0;
  mem.load(kDevice + 2, &usedIdx);
  EXPECT_EQ(usedIdx, 0);
  EXPECT_TRUE(core.processOne(0));
  EXPECT_FALSE(core.processOne(0));
  core.signalUsed(0);
  mem.load(kDevice + 2, &usedIdx);
  EXPECT_EQ(usedIdx, 1);
  EXPECT_EQ(irqs.seen.size(), 1u);
}

TEST_F(CoreTest, QueueResetRestoresDefaults) {
  bringUp();
  core.resetQueue(0);
  EXPECT_FALSE(core.queue(0).enabled);
  EXPECT_EQ(core.queue(0).desc, 0u);
  EXPECT_EQ(core.engine(0), nullptr);
}

TEST_F(CoreTest, LegacyDriverHasNoFeaturesOk) {
  core.setLegacy(true);
  core.writeStatus(status::kAcknowledge);
  core.writeStatus(status::kAcknowledge | status::kDriver);
  core.writeDriverFeatures(0, 1);
  core.writeStatus(status::kAcknowledge | status::kDriver | status::kDriverOk);
  EXPECT_TRUE(core.driverOk());
  EXPECT_EQ(core.negotiated(), 1u);
  EXPECT_TRUE(log.empty());
}

// ---- negative tests ----

// covers: drivernormative:Basic Facilities of a Virtio Device / Device Status Field#2
TEST_F(CoreTest, ClearingStatusBitsIsReported) {
  core.writeStatus(status::kAcknowledge | status::kDriver);
  core.writeStatus(status::kAcknowledge);
  expectOnly("drivernormative:Basic Facilities of a Virtio Device / Device Status Field#2", "status.bit_cleared");
  EXPECT_EQ(core.status(), status::kAcknowledge | status::kDriver);
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#1
TEST_F(CoreTest, WideFieldReadInHalvesWithoutGenerationIsReported) {
  logic.wide = true;
  negotiate(feat::bit(feat::kVersion1));
  uint32_t half = 0;
  ASSERT_TRUE(core.readConfig(0, &half, 4));
  ASSERT_TRUE(core.readConfig(4, &half, 4));
  core.writeStatus(status::kAcknowledge | status::kDriver | status::kFeaturesOk);
  expectOnly("drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#1",
             "config.wide_read_unchecked");
  EXPECT_EQ(log.size(), 1u);
}

TEST_F(CoreTest, WideFieldReadUnderTheGenerationLoopIsClean) {
  logic.wide = true;
  negotiate(feat::bit(feat::kVersion1));
  uint32_t half = 0;
  uint64_t whole = 0;
  (void)core.readGeneration();
  ASSERT_TRUE(core.readConfig(0, &half, 4));
  ASSERT_TRUE(core.readConfig(4, &half, 4));
  (void)core.readGeneration();
  ASSERT_TRUE(core.readConfig(0, &whole, 8));  // one access of the whole field needs no generation check
  core.writeStatus(status::kAcknowledge | status::kDriver | status::kFeaturesOk);
  logic.wide = false;
  ASSERT_TRUE(core.readConfig(0, &half, 4));  // not a wide field: nothing to confirm
  core.writeStatus(status::kAcknowledge | status::kDriver | status::kFeaturesOk);
  EXPECT_TRUE(log.empty());
  // a legacy driver has no generation counter: not checked here
  core.writeStatus(0);
  core.setLegacy(true);
  logic.wide = true;
  ASSERT_TRUE(core.readConfig(0, &half, 4));
  core.writeStatus(status::kAcknowledge);
  EXPECT_TRUE(log.empty());
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Device Status Field#3
TEST_F(CoreTest, ReinitAfterFailedWithoutResetIsReported) {
  core.writeStatus(status::kAcknowledge | status::kFailed);
  core.writeStatus(status::kAcknowledge | status::kFailed | status::kDriver);
  expectOnly("drivernormative:Basic Facilities of a Virtio Device / Device Status Field#3", "status.reinit_after_failed");
}

// covers: drivernormative:General Initialization And Device Operation / Device Initialization#1
TEST_F(CoreTest, DriverBeforeAcknowledgeIsReported) {
  core.writeStatus(status::kDriver);
  expectOnly("drivernormative:General Initialization And Device Operation / Device Initialization#1",
             "status.driver_before_acknowledge");
}

// covers: drivernormative:General Initialization And Device Operation / Device Initialization#1
TEST_F(CoreTest, FeaturesOkBeforeDriverIsReported) {
  core.writeStatus(status::kAcknowledge);
  core.writeDriverFeatures(1, 1);  // VERSION_1
  core.writeStatus(status::kAcknowledge | status::kFeaturesOk);
  expectOnly("drivernormative:General Initialization And Device Operation / Device Initialization#1",
             "status.features_ok_before_driver");
}

// covers: drivernormative:General Initialization And Device Operation / Device Initialization#1
TEST_F(CoreTest, DriverOkBeforeFeaturesOkIsReported) {
  core.writeStatus(status::kAcknowledge);
  core.writeStatus(status::kAcknowledge | status::kDriver);
  core.writeStatus(status::kAcknowledge | status::kDriver | status::kDriverOk);
  expectOnly("drivernormative:General Initialization And Device Operation / Device Initialization#1",
             "status.driver_ok_before_features_ok");
}

// covers: drivernormative:General Initialization And Device Operation / Device Initialization#1
TEST_F(CoreTest, FeaturesOkNotReReadIsReported) {
  negotiate(feat::bit(feat::kVersion1));  // no status read after FEATURES_OK
  core.writeStatus(status::kAcknowledge | status::kDriver | status::kFeaturesOk | status::kDriverOk);
  expectOnly("drivernormative:General Initialization And Device Operation / Device Initialization#1",
             "status.features_ok_not_reread");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Feature Bits#1
TEST_F(CoreTest, AcceptingUnofferedFeatureIsReported) {
  negotiate(feat::bit(feat::kVersion1) | feat::bit(5));
  EXPECT_FALSE(core.readStatus() & status::kFeaturesOk);
  expectOnly("drivernormative:Basic Facilities of a Virtio Device / Feature Bits#1", "features.not_offered");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Feature Bits#1
TEST_F(CoreTest, UnofferedFeatureBitsAbove63AreReported) {
  core.writeStatus(status::kAcknowledge | status::kDriver);
  core.writeDriverFeatures(2, 1);  // feature 64: this device offers nothing above 63
  EXPECT_EQ(core.readDriverFeatures(2), 1u);
  core.writeDriverFeatures(0, 0);
  core.writeDriverFeatures(1, 1);  // VERSION_1
  core.writeStatus(status::kAcknowledge | status::kDriver | status::kFeaturesOk);
  EXPECT_FALSE(core.readStatus() & status::kFeaturesOk);
  expectOnly("drivernormative:Basic Facilities of a Virtio Device / Feature Bits#1", "features.not_offered");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Feature Bits#1
TEST_F(CoreTest, FeatureWordsAbove127AreReportedAtOnce) {
  core.writeStatus(status::kAcknowledge | status::kDriver);
  core.writeDriverFeatures(4, 1);
  expectOnly("drivernormative:Basic Facilities of a Virtio Device / Feature Bits#1", "features.not_offered");
}

TEST_F(CoreTest, FeatureBitsAbove63AreOfferedAndNegotiated) {
  logic.high = (1ull << 0) | (1ull << 6);  // features 64 and 70
  EXPECT_EQ(core.readDeviceFeatures(2), 0x41u);
  EXPECT_EQ(core.readDeviceFeatures(3), 0u);
  core.writeStatus(status::kAcknowledge | status::kDriver);
  core.writeDriverFeatures(0, 0);
  core.writeDriverFeatures(1, 1);  // VERSION_1
  core.writeDriverFeatures(2, 0x40);  // takes feature 70 only
  core.writeStatus(status::kAcknowledge | status::kDriver | status::kFeaturesOk);
  ASSERT_TRUE(core.readStatus() & status::kFeaturesOk);
  EXPECT_TRUE(core.has(70));
  EXPECT_FALSE(core.has(64));
  EXPECT_EQ(core.negotiatedHigh(), 0x40u);
  EXPECT_TRUE(log.empty());
  core.writeStatus(0);
  EXPECT_EQ(core.negotiatedHigh(), 0u);
  core.setLegacy(true);  // a legacy interface has 32 feature bits
  EXPECT_EQ(core.readDeviceFeatures(2), 0u);
}

// covers: drivernormative:Reserved Feature Bits#1
TEST_F(CoreTest, NotAcceptingVersion1IsReported) {
  negotiate(feat::bit(0));
  EXPECT_FALSE(core.readStatus() & status::kFeaturesOk);
  expectOnly("drivernormative:Reserved Feature Bits#1", "features.version_1_not_accepted");
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Feature Bits#2
TEST_F(CoreTest, FeatureDependencyIsReported) {
  negotiate(feat::bit(feat::kVersion1) | feat::bit(1));
  expectOnly("drivernormative:Basic Facilities of a Virtio Device / Feature Bits#2", "features.dependency");
}

// covers: drivernormative:General Initialization And Device Operation / Device Initialization#4
TEST_F(CoreTest, FeaturesWrittenAfterFeaturesOkAreReported) {
  negotiate(feat::bit(feat::kVersion1));
  core.writeDriverFeatures(0, 3);
  expectOnly("drivernormative:General Initialization And Device Operation / Device Initialization#4",
             "features.written_after_features_ok");
  EXPECT_EQ(core.driverFeatures(), feat::bit(feat::kVersion1));
}

// covers: drivernormative:General Initialization And Device Operation / Device Initialization#3
TEST_F(CoreTest, ConfigWriteBeforeFeaturesOkIsReported) {
  core.writeStatus(status::kAcknowledge | status::kDriver);
  uint8_t b = 9;
  EXPECT_TRUE(core.writeConfig(0, &b, 1));
  expectOnly("drivernormative:General Initialization And Device Operation / Device Initialization#3",
             "config.written_before_features_ok");
  EXPECT_EQ(logic.cfg[0], 1);  // not applied
}

// covers: drivernormative:General Initialization And Device Operation / Device Initialization#7
TEST_F(CoreTest, NotifyBeforeDriverOkIsReportedAndNothingConsumed) {
  negotiate(feat::bit(feat::kVersion1));
  core.readStatus();
  auto& q = core.queue(0);
  q.desc = kDesc;
  q.driver = kDriver;
  q.device = kDevice;
  ASSERT_TRUE(core.enableQueue(0));
  offerRequest(0);
  core.notify(0, false, 0);
  expectOnly("drivernormative:General Initialization And Device Operation / Device Initialization#7",
             "notify.before_driver_ok");
  uint16_t usedIdx = 0;
  mem.load(kDevice + 2, &usedIdx);
  EXPECT_EQ(usedIdx, 0);  // devicenormative Device Status Field#1: nothing consumed before DRIVER_OK
  core.writeStatus(status::kAcknowledge | status::kDriver | status::kFeaturesOk | status::kDriverOk);
  mem.load(kDevice + 2, &usedIdx);
  EXPECT_EQ(usedIdx, 1);  // processed once DRIVER_OK is set
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Device Status Field#4
TEST_F(CoreTest, NotifyAfterNeedsResetIsReportedOnce) {
  bringUp();
  core.setNeedsReset();
  log.clear();
  core.notify(0, false, 0);
  core.notify(0, false, 0);
  expectOnly("drivernormative:Basic Facilities of a Virtio Device / Device Status Field#4", "notify.after_needs_reset");
  EXPECT_EQ(log.size(), 1u);
}

}  // namespace
}  // namespace vsim::model

// DeviceCore, VIRTIO_F_SUSPEND: the offer, the suspended state (no queue access, no notifications, config writes
// ignored, config change deferred), resume, the failure personalities, and one negative test per driver rule.
#include <gtest/gtest.h>

#include <cstring>

#include "vsim/abi/features.h"
#include "vsim/abi/ring_split.h"
#include "vsim/abi/status.h"
#include "vsim/model/device_core.h"

namespace vsim::model {
namespace {

constexpr uint64_t kBase = 0x10000, kSize = 0x40000;
constexpr uint64_t kDesc = kBase, kDriver = kBase + 0x1000, kDevice = kBase + 0x2000, kBuf = kBase + 0x8000;
constexpr uint8_t kLive = status::kAcknowledge | status::kDriver | status::kFeaturesOk | status::kDriverOk;
constexpr uint8_t kSuspended = status::kAcknowledge | status::kDriver | status::kFeaturesOk | status::kSuspend;
constexpr const char* kC1 = "drivernormative:General Initialization And Device Operation / Device Suspend#1";
constexpr const char* kC2 = "drivernormative:General Initialization And Device Operation / Device Suspend#2";
constexpr const char* kC3 = "drivernormative:General Initialization And Device Operation / Device Suspend#3";
constexpr const char* kC4 = "drivernormative:General Initialization And Device Operation / Device Suspend#4";
constexpr const char* kC5 = "drivernormative:General Initialization And Device Operation / Device Suspend#5";
constexpr const char* kC6 = "drivernormative:General Initialization And Device Operation / Device Suspend#6";

/// One queue, 8 config bytes; fills each writable buffer with 0x5a.
class FillLogic final : public DeviceLogic {
 public:
  uint16_t deviceId() const override { return 42; }
  std::string name() const override { return "fill"; }
  uint64_t deviceFeatures() const override { return 0; }
  uint16_t numQueues() const override { return 1; }
  uint16_t queueMaxSize(uint16_t) const override { return 8; }
  uint32_t configSize() const override { return 8; }
  void readConfig(uint32_t off, void* dst, uint32_t len) override { std::memcpy(dst, cfg + off, len); }
  bool writeConfig(uint32_t off, const void* src, uint32_t len) override {
    std::memcpy(cfg + off, src, len);
    return true;
  }
  ChainResult handle(DeviceCore& core, uint16_t q, const Chain& c, uint32_t& written) override {
    uint8_t b[64];
    std::memset(b, 0x5a, sizeof b);
    written = static_cast<uint32_t>(core.engine(q)->writeToChain(c, 0, b, std::min<uint64_t>(64, c.writableBytes)));
    return ChainResult::Done;
  }
  void onReset() override {}
  uint8_t cfg[8] = {};
};

struct IrqLog final : IrqSink {
  std::vector<std::pair<IrqKind, uint16_t>> seen;
  void raise(IrqKind k, uint16_t q) override { seen.emplace_back(k, q); }
  size_t count(IrqKind k) const {
    size_t n = 0;
    for (const auto& s : seen) n += s.first == k;
    return n;
  }
};

class SuspendTest : public ::testing::Test {
 protected:
  OwnedGuestMemory mem{kSize, kBase};
  ViolationLog log;
  FillLogic logic;
  CoreOptions opts;
  std::unique_ptr<DeviceCore> core;
  IrqLog irqs;
  uint16_t availIdx = 0;

  void make() {
    core = std::make_unique<DeviceCore>(logic, mem, log, opts);
    core->setIrqSink(&irqs);
  }
  void bringUp(uint64_t f = feat::bit(feat::kVersion1) | feat::bit(feat::kSuspend), bool driverOk = true) {
    if (!core) make();
    core->writeStatus(status::kAcknowledge);
    core->writeStatus(status::kAcknowledge | status::kDriver);
    core->writeDriverFeatures(0, static_cast<uint32_t>(f));
    core->writeDriverFeatures(1, static_cast<uint32_t>(f >> 32));
    core->writeStatus(status::kAcknowledge | status::kDriver | status::kFeaturesOk);
    ASSERT_TRUE(core->readStatus() & status::kFeaturesOk);
    auto& q = core->queue(0);
    q.size = 8;
    q.desc = kDesc;
    q.driver = kDriver;
    q.device = kDevice;
    ASSERT_TRUE(core->enableQueue(0));
    if (driverOk) core->writeStatus(kLive);
  }
  /// One 64-byte writable buffer made available (not notified).
  void offer() {
    const uint16_t head = availIdx % 8;
    mem.store(kDesc + 16ull * head, split::Desc{kBuf + 0x100ull * head, 64, split::kDescFWrite, 0});
    mem.store(kDriver + split::availRingOff(head), head);
    ++availIdx;
    mem.storeRelease16(kDriver + 2, availIdx, DmaKind::Other);
  }
  uint16_t usedIdx() {
    uint16_t u = 0;
    mem.load(kDevice + 2, &u);
    return u;
  }
  void suspendAndConfirm() {
    core->writeStatus(kLive | status::kSuspend);
    ASSERT_EQ(core->readStatus(), kSuspended);
  }
  void resumeAndConfirm() {
    core->writeStatus(kSuspended | status::kDriverOk);
    ASSERT_EQ(core->readStatus(), kLive);
  }
  void expectOnly(const char* clause) {
    ASSERT_FALSE(log.empty()) << "no violation reported";
    for (const auto& v : log.all()) EXPECT_EQ(v.clause, clause) << toString(v);
  }
};

TEST_F(SuspendTest, OfferedOnModernOnlyAndOptional) {
  make();
  EXPECT_TRUE(feat::has(core->offeredFeatures(), feat::kSuspend));
  core->setLegacy(true);
  EXPECT_FALSE(feat::has(core->offeredFeatures(), feat::kSuspend));
  opts.suspend = false;
  make();
  EXPECT_FALSE(feat::has(core->offeredFeatures(), feat::kSuspend));
}

// covers: devicenormative:General Initialization And Device Operation / Device Suspend#3
// covers: devicenormative:General Initialization And Device Operation / Device Suspend#7
TEST_F(SuspendTest, SuspendStopsQueueWorkUntilResume) {
  bringUp();
  offer();
  core->notify(0, false, 0);
  ASSERT_EQ(usedIdx(), 1);
  suspendAndConfirm();
  EXPECT_TRUE(core->suspended());
  EXPECT_FALSE(core->driverOk());
  const size_t irqsBefore = irqs.seen.size();
  EXPECT_FALSE(core->processOne(0));  // nothing is consumed while suspended
  resumeAndConfirm();
  EXPECT_FALSE(core->suspended());
  offer();
  core->notify(0, false, 0);
  EXPECT_EQ(usedIdx(), 2);
  EXPECT_GT(irqs.seen.size(), irqsBefore);
  EXPECT_TRUE(log.empty()) << toString(log.all()[0]);
  EXPECT_EQ(core->stats().suspends, 1u);
  EXPECT_EQ(core->stats().resumes, 1u);
}

// covers: devicenormative:General Initialization And Device Operation / Device Suspend#1
TEST_F(SuspendTest, IgnoredBeforeDriverOk) {
  bringUp(feat::bit(feat::kVersion1) | feat::bit(feat::kSuspend), /*driverOk=*/false);
  core->writeStatus(status::kAcknowledge | status::kDriver | status::kFeaturesOk | status::kSuspend);
  EXPECT_FALSE(core->readStatus() & status::kSuspend);
  EXPECT_FALSE(core->suspended());
  expectOnly(kC1);
  log.clear();
  core->writeStatus(kLive);  // initialisation goes on as if the bit had not been written
  EXPECT_TRUE(core->driverOk());
  EXPECT_TRUE(log.empty());
}

TEST_F(SuspendTest, IgnoredWithoutNegotiation) {
  bringUp(feat::bit(feat::kVersion1));
  core->writeStatus(kLive | status::kSuspend);
  EXPECT_EQ(core->readStatus(), kLive);
  expectOnly(kC1);
}

// covers: devicenormative:General Initialization And Device Operation / Device Suspend#8
TEST_F(SuspendTest, HeldCompletionsReturnedBeforeSuspending) {
  opts.personality.batchUsed = 4;  // the device holds completions until 4 are done or the queue runs dry
  make();
  bringUp();
  core->setManualProcessing(true);
  offer();
  core->notify(0, false, 0);
  ASSERT_TRUE(core->processOne(0));  // handled, held back by the personality
  ASSERT_EQ(usedIdx(), 0);
  const size_t irqsBefore = irqs.count(IrqKind::Queue);
  suspendAndConfirm();
  EXPECT_EQ(usedIdx(), 1);                             // returned before the device showed SUSPEND
  EXPECT_EQ(irqs.count(IrqKind::Queue), irqsBefore + 1);  // and its notification sent
}

// covers: devicenormative:General Initialization And Device Operation / Device Suspend#4
// covers: devicenormative:General Initialization And Device Operation / Device Suspend#5
TEST_F(SuspendTest, ConfigChangeDeferredToResume) {
  bringUp();
  suspendAndConfirm();
  const uint8_t gen = core->configGeneration();
  const size_t irqsBefore = irqs.seen.size();
  core->configChanged();
  EXPECT_EQ(core->configGeneration(), gen);
  EXPECT_EQ(irqs.seen.size(), irqsBefore);
  resumeAndConfirm();
  EXPECT_NE(core->configGeneration(), gen);
  EXPECT_EQ(irqs.count(IrqKind::Config), 1u);
}

// covers: devicenormative:General Initialization And Device Operation / Device Suspend#2
TEST_F(SuspendTest, ConfigWriteWhileSuspendedIgnoredAndReported) {
  bringUp();
  suspendAndConfirm();
  const uint8_t v = 0x77;
  EXPECT_TRUE(core->writeConfig(0, &v, 1));
  EXPECT_EQ(logic.cfg[0], 0);
  expectOnly(kC5);
}

TEST_F(SuspendTest, NotifyWhileSuspendedReportedAndDeferred) {
  bringUp();
  suspendAndConfirm();
  core->notify(0, false, 0);
  EXPECT_EQ(usedIdx(), 0);
  expectOnly(kC4);
}

TEST_F(SuspendTest, BuffersMadeAvailableWhileSuspendedReportedAtResume) {
  bringUp();
  suspendAndConfirm();
  offer();
  EXPECT_TRUE(log.empty());
  EXPECT_EQ(usedIdx(), 0);
  resumeAndConfirm();
  expectOnly(kC3);
}

TEST_F(SuspendTest, ResumeWithoutRereadingSuspendReported) {
  bringUp();
  core->writeStatus(kLive | status::kSuspend);
  core->writeStatus(kSuspended | status::kDriverOk);
  EXPECT_EQ(core->readStatus(), kLive);
  expectOnly(kC2);
}

TEST_F(SuspendTest, NotifyBeforeReadingResumedStatusReported) {
  bringUp();
  suspendAndConfirm();
  core->writeStatus(kSuspended | status::kDriverOk);
  offer();
  core->notify(0, false, 0);
  EXPECT_EQ(usedIdx(), 1);  // served all the same
  expectOnly(kC6);
}

TEST_F(SuspendTest, ResumeMayClearSuspendInTheWrite) {
  bringUp();
  suspendAndConfirm();
  core->writeStatus(kLive);  // SUSPEND written back as 0 together with DRIVER_OK
  EXPECT_EQ(core->readStatus(), kLive);
  EXPECT_TRUE(log.empty());
}

// covers: devicenormative:General Initialization And Device Operation / Device Suspend#6
TEST_F(SuspendTest, SuspendFailurePersonalitySetsNeedsReset) {
  opts.personality.suspendFails = true;
  make();
  bringUp();
  core->writeStatus(kLive | status::kSuspend);
  const uint8_t s = core->readStatus();
  EXPECT_TRUE(s & status::kDeviceNeedsReset);
  EXPECT_FALSE(s & status::kSuspend);
  EXPECT_EQ(irqs.count(IrqKind::Config), 1u);
}

TEST_F(SuspendTest, ResumeFailurePersonalitySetsNeedsReset) {
  opts.personality.resumeFails = true;
  make();
  bringUp();
  suspendAndConfirm();
  core->writeStatus(kSuspended | status::kDriverOk);
  EXPECT_TRUE(core->readStatus() & status::kDeviceNeedsReset);
  core->writeStatus(0);
  EXPECT_FALSE(core->suspended());
  EXPECT_EQ(core->status(), 0);
}

TEST_F(SuspendTest, PersonalityNamesRoundTrip) {
  const Personality p = Personality::parse("suspend_fails,resume_fails");
  EXPECT_TRUE(p.suspendFails && p.resumeFails);
  EXPECT_EQ(Personality::parse(p.name()).name(), p.name());
}

}  // namespace
}  // namespace vsim::model

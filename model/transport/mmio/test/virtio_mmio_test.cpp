// VirtioMmioDevice: register semantics (v2 and legacy v1), end-to-end requests to the entropy device through hand
// built rings, interrupts, and one negative test per driver violation the transport detects.
//
// The "driver" here is a handful of raw register accesses written in the test (model tests never use driver/).
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

#include "vsim/abi/features.h"
#include "vsim/abi/mmio.h"
#include "vsim/abi/notification.h"
#include "vsim/abi/ring_packed.h"
#include "vsim/abi/ring_split.h"
#include "vsim/abi/status.h"
#include "vsim/guest_memory.h"
#include "vsim/model/device_core.h"
#include "vsim/model/rng_device.h"
#include "vsim/model/virtio_mmio.h"

namespace vsim::model {
namespace {

namespace R = vsim::mmio;

constexpr uint64_t kRamBase = 0x40000000, kRamSize = 0x100000;
constexpr uint64_t kDesc = kRamBase + 0x1000, kAvail = kRamBase + 0x2000, kUsed = kRamBase + 0x3000;
constexpr uint64_t kBuf = kRamBase + 0x10000;
constexpr unsigned kLine = 5;

constexpr const char* kL1 = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#1";
constexpr const char* kL2 = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#2";
constexpr const char* kL3 = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#3";
constexpr const char* kL4 = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#4";
constexpr const char* kL5 = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#5";
constexpr const char* kL12 = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#12";
constexpr const char* kL13 = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#13";
constexpr const char* kL14 = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#14";
constexpr const char* kL15 = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#15";
constexpr const char* kL17 = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#17";
constexpr const char* kL20 = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#20";
constexpr const char* kL21 = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#21";
constexpr const char* kInit1 = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#1";
constexpr const char* kInit2 = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#2";
constexpr const char* kInit6 = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#6";
constexpr const char* kInit5 = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#5";
constexpr const char* kNotif1 = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Notifications From The Device#1";

uint64_t modern(std::initializer_list<unsigned> bits = {}) {
  uint64_t f = feat::bit(feat::kVersion1);
  for (unsigned b : bits) f |= feat::bit(b);
  return f;
}

/// Records the level of every interrupt line.
class LineRecorder final : public InterruptFabric {
 public:
  void setLine(unsigned line, bool level) override {
    if (level)
      levels |= uint64_t{1} << line;
    else
      levels &= ~(uint64_t{1} << line);
    edges += level ? 1 : 0;
  }
  void msi(uint64_t, uint32_t) override { ++msis; }
  bool high(unsigned line) const { return (levels >> line) & 1u; }
  uint64_t levels = 0;
  int edges = 0;
  int msis = 0;
};

/// A device with a small configuration space (u8 at 0, u16 at 2, u32 at 4, u64 at 8) and two queues.
class CfgDevice final : public DeviceLogic {
 public:
  CfgDevice() {
    for (unsigned i = 0; i < sizeof cfg_; ++i) cfg_[i] = static_cast<uint8_t>(0x10 + i);
  }
  uint16_t deviceId() const override { return 3; }
  std::string name() const override { return "cfgdev"; }
  uint64_t deviceFeatures() const override { return 0; }
  uint16_t numQueues() const override { return 2; }
  uint32_t configSize() const override { return sizeof cfg_; }
  void readConfig(uint32_t off, void* dst, uint32_t len) override { std::memcpy(dst, cfg_ + off, len); }
  bool writeConfig(uint32_t off, const void* src, uint32_t len) override {
    std::memcpy(cfg_ + off, src, len);
    return true;
  }
  ChainResult handle(DeviceCore&, uint16_t, const Chain&, uint32_t& written) override {
    written = 0;
    return ChainResult::Done;
  }
  void onReset() override {}
  static std::vector<VirtioMmioDevice::ConfigField> fields() { return {{0, 1}, {2, 2}, {4, 4}, {8, 8}}; }

 private:
  uint8_t cfg_[16];
};

/// Records available-buffer notifications as the core sees them.
class NotifyRecorder final : public CoreObserver {
 public:
  void onDriverNotify(uint16_t q, bool hasData, uint32_t data) override { seen.push_back({q, hasData, data}); }
  struct N {
    uint16_t q;
    bool hasData;
    uint32_t data;
  };
  std::vector<N> seen;
};

class MmioTest : public ::testing::Test {
 protected:
  OwnedGuestMemory mem{kRamSize, kRamBase};
  ViolationLog log;
  RngDevice rng;
  CfgDevice cfgDev;
  LineRecorder fab;
  std::unique_ptr<DeviceCore> core;
  std::unique_ptr<VirtioMmioDevice> dev;
  uint16_t availIdx = 0;

  void make(uint32_t version = 2, DeviceLogic* logic = nullptr) {
    dev.reset();
    core = std::make_unique<DeviceCore>(logic ? *logic : static_cast<DeviceLogic&>(rng), mem, log);
    VirtioMmioParams p;
    p.version = version;
    p.interruptLine = kLine;
    dev = std::make_unique<VirtioMmioDevice>(*core, &fab, p);
  }
  uint32_t rd(uint32_t off) {
    uint32_t v = 0;
    EXPECT_TRUE(dev->read(off, &v, 4)) << std::hex << off;
    return v;
  }
  void wr(uint32_t off, uint32_t v) { EXPECT_TRUE(dev->write(off, &v, 4)) << std::hex << off; }

  /// Discovery as the MMIO chapter orders it.
  void probe() {
    ASSERT_EQ(rd(R::kMagicValue), R::kMagic);
    rd(R::kVersion);
    ASSERT_NE(rd(R::kDeviceId), 0u);
  }
  /// Reset, ACKNOWLEDGE, DRIVER, feature negotiation (both words), FEATURES_OK and its re-read.
  void negotiate(uint64_t features) {
    wr(R::kStatus, 0);
    wr(R::kStatus, status::kAcknowledge);
    wr(R::kStatus, status::kAcknowledge | status::kDriver);
    for (uint32_t sel = 0; sel < 2; ++sel) {
      wr(R::kDeviceFeaturesSel, sel);
      rd(R::kDeviceFeatures);
      wr(R::kDriverFeaturesSel, sel);
      wr(R::kDriverFeatures, static_cast<uint32_t>(features >> (32 * sel)));
    }
    wr(R::kStatus, status::kAcknowledge | status::kDriver | status::kFeaturesOk);
    ASSERT_TRUE(rd(R::kStatus) & status::kFeaturesOk);
  }
  void setupQueue(uint32_t q, uint32_t n, uint64_t desc, uint64_t drv, uint64_t devArea) {
    wr(R::kQueueSel, q);
    ASSERT_EQ(rd(R::kQueueReady), 0u);
    ASSERT_GE(rd(R::kQueueNumMax), n);
    wr(R::kQueueNum, n);
    wr(R::kQueueDescLow, static_cast<uint32_t>(desc));
    wr(R::kQueueDescHigh, static_cast<uint32_t>(desc >> 32));
    wr(R::kQueueDriverLow, static_cast<uint32_t>(drv));
    wr(R::kQueueDriverHigh, static_cast<uint32_t>(drv >> 32));
    wr(R::kQueueDeviceLow, static_cast<uint32_t>(devArea));
    wr(R::kQueueDeviceHigh, static_cast<uint32_t>(devArea >> 32));
    wr(R::kQueueReady, 1);
  }
  void driverOk() {
    wr(R::kStatus, status::kAcknowledge | status::kDriver | status::kFeaturesOk | status::kDriverOk);
  }
  /// Full v2 bring-up of queue 0 (split, 8 entries) with the given features.
  void bringUp(uint64_t features = modern()) {
    probe();
    negotiate(features);
    setupQueue(0, 8, kDesc, kAvail, kUsed);
    driverOk();
  }

  /// Split ring: make one device-writable buffer available (descriptor `head`).
  void splitPost(uint64_t desc, uint64_t avail, uint32_t n, uint16_t head, uint64_t buf, uint32_t len) {
    split::Desc d{buf, len, split::kDescFWrite, 0};
    ASSERT_TRUE(mem.store(desc + 16ull * head, d));
    ASSERT_TRUE(mem.store(avail + split::availRingOff(availIdx % n), head));
    ++availIdx;
    ASSERT_TRUE(mem.storeRelease16(avail + split::availIdxOff(), availIdx, DmaKind::Other));
  }
  uint16_t usedIdx(uint64_t used) {
    uint16_t v = 0;
    EXPECT_TRUE(mem.load(used + split::usedIdxOff(), &v));
    return v;
  }
  split::UsedElem usedElem(uint64_t used, uint32_t i) {
    split::UsedElem e{};
    EXPECT_TRUE(mem.load(used + split::usedRingOff(i), &e));
    return e;
  }
  bool bufferFilled(uint64_t buf, uint32_t len) {
    std::vector<uint8_t> b(len);
    EXPECT_TRUE(mem.read(buf, b.data(), len));
    for (uint8_t x : b)
      if (x != 0) return true;
    return false;
  }

  std::string dump() const {
    std::string s;
    for (const auto& v : log.all()) s += toString(v) + "\n";
    return s;
  }
  void expectClean() { EXPECT_TRUE(log.empty()) << dump(); }
  /// Exactly the given violation (one or more reports, all with this clause and kind).
  void expectOnly(const char* clause, const char* kind) {
    ASSERT_FALSE(log.empty()) << "no violation reported";
    for (const auto& v : log.all()) {
      EXPECT_EQ(v.clause, clause) << toString(v);
      EXPECT_EQ(v.kind, kind) << toString(v);
    }
  }
};

// ---------------------------------------------------------------------------------------------------------------
// Register semantics and end-to-end requests

TEST_F(MmioTest, ProbeValuesModern) {
  make();
  EXPECT_EQ(rd(R::kMagicValue), 0x74726976u);
  EXPECT_EQ(rd(R::kVersion), 2u);
  EXPECT_EQ(rd(R::kDeviceId), 4u);
  EXPECT_EQ(rd(R::kVendorId), VirtioMmioParams{}.vendorId);
  wr(R::kQueueSel, 0);
  EXPECT_EQ(rd(R::kQueueNumMax), 256u);
  EXPECT_EQ(rd(R::kQueueReady), 0u);
  wr(R::kQueueSel, 1);  // the entropy device has one queue
  EXPECT_EQ(rd(R::kQueueNumMax), 0u);
  EXPECT_EQ(rd(R::kConfigGeneration), 0u);
  EXPECT_EQ(rd(R::kStatus), 0u);
  EXPECT_EQ(rd(R::kInterruptStatus), 0u);
  wr(R::kDeviceFeaturesSel, 1);
  EXPECT_TRUE(rd(R::kDeviceFeatures) & 1u);  // VIRTIO_F_VERSION_1 is bit 32
  expectClean();
}

TEST_F(MmioTest, ProbeValuesLegacy) {
  make(1);
  EXPECT_EQ(rd(R::kMagicValue), R::kMagic);
  EXPECT_EQ(rd(R::kVersion), 1u);
  EXPECT_EQ(rd(R::kDeviceId), 4u);
  EXPECT_TRUE(core->legacy());
  wr(R::kDeviceFeaturesSel, 1);
  EXPECT_EQ(rd(R::kDeviceFeatures), 0u);  // a legacy interface has 32 feature bits
  wr(R::kQueueSel, 0);
  EXPECT_EQ(rd(R::kQueuePfn), 0u);
  EXPECT_EQ(rd(R::kQueueNumMax), 256u);
  expectClean();
}

TEST_F(MmioTest, RegisterNames) {
  make();
  EXPECT_EQ(dev->regName(R::kQueueSel), "QueueSel");
  EXPECT_EQ(dev->regName(R::kQueueDescLow), "QueueDescLow");
  EXPECT_EQ(dev->regName(R::kQueueNumMax), "QueueNumMax");
  EXPECT_EQ(dev->regName(R::kInterruptAck), "InterruptACK");
  EXPECT_EQ(dev->regName(R::kConfig + 4), "Config+0x4");
  EXPECT_EQ(dev->regName(R::kStatus + 2), "Status+0x2");
  EXPECT_EQ(dev->regName(0x018), "");
  EXPECT_EQ(dev->regName(0x200), "");
}

TEST_F(MmioTest, ModernInitSplitRingDeliversEntropyAndInterrupts) {
  make();
  bringUp();
  EXPECT_EQ(rd(R::kStatus), 0x0fu);
  splitPost(kDesc, kAvail, 8, 0, kBuf, 64);
  EXPECT_FALSE(fab.high(kLine));
  wr(R::kQueueNotify, 0);
  EXPECT_EQ(usedIdx(kUsed), 1);
  EXPECT_EQ(usedElem(kUsed, 0).id, 0u);
  EXPECT_EQ(usedElem(kUsed, 0).len, 64u);
  EXPECT_TRUE(bufferFilled(kBuf, 64));
  EXPECT_EQ(rng.bytesServed(), 64u);
  // Used buffer notification: InterruptStatus bit 0 and the line, until acknowledged.
  EXPECT_TRUE(fab.high(kLine));
  EXPECT_TRUE(dev->lineLevel());
  EXPECT_EQ(rd(R::kInterruptStatus), R::kIntUsedBuffer);
  EXPECT_TRUE(fab.high(kLine));
  wr(R::kInterruptAck, R::kIntUsedBuffer);
  EXPECT_FALSE(fab.high(kLine));
  EXPECT_EQ(rd(R::kInterruptStatus), 0u);
  // A second request on the next descriptor.
  splitPost(kDesc, kAvail, 8, 1, kBuf + 0x100, 16);
  wr(R::kQueueNotify, 0);
  EXPECT_EQ(usedIdx(kUsed), 2);
  EXPECT_EQ(usedElem(kUsed, 1).id, 1u);
  EXPECT_EQ(usedElem(kUsed, 1).len, 16u);
  EXPECT_EQ(fab.edges, 2);
  expectClean();
}

TEST_F(MmioTest, LegacyInitWithQueuePfn) {
  make(1);
  probe();
  constexpr uint32_t kPage = 4096, kN = 16;
  const uint64_t ringBase = kRamBase + 0x20000;
  wr(R::kGuestPageSize, kPage);
  wr(R::kStatus, 0);
  wr(R::kStatus, status::kAcknowledge);
  wr(R::kStatus, status::kAcknowledge | status::kDriver);
  wr(R::kDeviceFeaturesSel, 0);
  rd(R::kDeviceFeatures);
  wr(R::kDriverFeaturesSel, 0);
  wr(R::kDriverFeatures, 0);
  wr(R::kQueueSel, 0);
  ASSERT_EQ(rd(R::kQueuePfn), 0u);
  ASSERT_GE(rd(R::kQueueNumMax), kN);
  wr(R::kQueueNum, kN);
  wr(R::kQueueAlign, kPage);
  wr(R::kQueuePfn, static_cast<uint32_t>(ringBase / kPage));
  EXPECT_EQ(rd(R::kQueuePfn), ringBase / kPage);
  wr(R::kStatus, status::kAcknowledge | status::kDriver | status::kDriverOk);
  // Legacy layout: descriptors, the available ring right after them, the used ring at the next QueueAlign boundary.
  const uint64_t desc = ringBase, avail = ringBase + 16 * kN, used = ringBase + kPage;
  ASSERT_EQ(core->queue(0).desc, desc);
  ASSERT_EQ(core->queue(0).driver, avail);
  ASSERT_EQ(core->queue(0).device, used);
  splitPost(desc, avail, kN, 3, kBuf, 32);
  wr(R::kQueueNotify, 0);
  EXPECT_EQ(usedIdx(used), 1);
  EXPECT_EQ(usedElem(used, 0).id, 3u);
  EXPECT_EQ(usedElem(used, 0).len, 32u);
  EXPECT_TRUE(bufferFilled(kBuf, 32));
  EXPECT_EQ(rd(R::kInterruptStatus), R::kIntUsedBuffer);
  wr(R::kInterruptAck, R::kIntUsedBuffer);
  EXPECT_FALSE(fab.high(kLine));
  // A reset sets QueuePFN back to 0 for every queue.
  wr(R::kStatus, 0);
  EXPECT_EQ(rd(R::kQueuePfn), 0u);
  EXPECT_FALSE(core->queue(0).enabled);
  expectClean();
}

TEST_F(MmioTest, LegacyQueuePfnZeroStopsTheQueue) {
  make(1);
  probe();
  wr(R::kQueueSel, 0);
  wr(R::kQueueNum, 8);
  wr(R::kQueuePfn, static_cast<uint32_t>((kRamBase + 0x30000) / 4096));
  EXPECT_TRUE(core->queue(0).enabled);
  wr(R::kQueuePfn, 0);
  EXPECT_FALSE(core->queue(0).enabled);
  EXPECT_EQ(rd(R::kQueuePfn), 0u);
  expectClean();
}

TEST_F(MmioTest, PackedRingOnModern) {
  make();
  probe();
  negotiate(modern({feat::kRingPacked}));
  setupQueue(0, 8, kDesc, kAvail, kUsed);  // descriptor ring, driver and device event structures
  driverOk();
  // One device-writable descriptor, buffer id 7, made available with the driver's wrap counter (1).
  packed::Desc d{kBuf, 48, 7, 0};
  ASSERT_TRUE(mem.store(kDesc, d));
  ASSERT_TRUE(mem.storeRelease16(kDesc + 14, static_cast<uint16_t>(packed::kDescFWrite | packed::kDescFAvail),
                                 DmaKind::Other));
  wr(R::kQueueNotify, 0);
  packed::Desc u{};
  ASSERT_TRUE(mem.load(kDesc, &u));
  EXPECT_TRUE(packed::isUsed(u.flags, true));
  EXPECT_EQ(u.id, 7);
  EXPECT_EQ(u.len, 48u);
  EXPECT_TRUE(bufferFilled(kBuf, 48));
  EXPECT_EQ(rd(R::kInterruptStatus), R::kIntUsedBuffer);
  wr(R::kInterruptAck, R::kIntUsedBuffer);
  expectClean();
}

TEST_F(MmioTest, NotificationDataCarriesTheQueuePosition) {
  make();
  NotifyRecorder rec;
  core->setObserver(&rec);
  bringUp(modern({feat::kNotificationData}));
  splitPost(kDesc, kAvail, 8, 0, kBuf, 8);
  const uint32_t v = NotificationData{0, availIdx, false}.encode();
  wr(R::kQueueNotify, v);
  ASSERT_EQ(rec.seen.size(), 1u);
  EXPECT_EQ(rec.seen[0].q, 0);
  EXPECT_TRUE(rec.seen[0].hasData);
  EXPECT_EQ(rec.seen[0].data, v);
  EXPECT_EQ(NotificationData::decode(rec.seen[0].data).splitIdx(), 1);
  EXPECT_EQ(usedIdx(kUsed), 1);
  core->setObserver(nullptr);
  expectClean();
}

TEST_F(MmioTest, RingResetAndReenable) {
  make();
  bringUp(modern({feat::kRingReset}));
  splitPost(kDesc, kAvail, 8, 0, kBuf, 8);
  wr(R::kQueueNotify, 0);
  ASSERT_EQ(usedIdx(kUsed), 1);
  rd(R::kInterruptStatus);
  wr(R::kInterruptAck, R::kIntUsedBuffer);
  // Reset queue 0, wait for QueueReset to read 0, then set it up again elsewhere with another size.
  wr(R::kQueueSel, 0);
  wr(R::kQueueReset, 1);
  EXPECT_EQ(rd(R::kQueueReset), 0u);
  EXPECT_EQ(rd(R::kQueueReady), 0u);
  EXPECT_FALSE(core->queue(0).enabled);
  EXPECT_EQ(core->queue(0).size, 256);  // back to the default
  const uint64_t d2 = kRamBase + 0x5000, a2 = kRamBase + 0x6000, u2 = kRamBase + 0x7000;
  setupQueue(0, 4, d2, a2, u2);
  availIdx = 0;
  splitPost(d2, a2, 4, 2, kBuf + 0x200, 24);
  wr(R::kQueueNotify, 0);
  EXPECT_EQ(usedIdx(u2), 1);
  EXPECT_EQ(usedElem(u2, 0).id, 2u);
  EXPECT_EQ(usedElem(u2, 0).len, 24u);
  expectClean();
}

TEST_F(MmioTest, QueueStopWithReadBackAndReconfigure) {
  make();
  bringUp();
  wr(R::kQueueSel, 0);
  wr(R::kQueueReady, 0);
  EXPECT_EQ(rd(R::kQueueReady), 0u);
  EXPECT_FALSE(core->queue(0).enabled);
  wr(R::kQueueNum, 4);  // allowed now
  wr(R::kQueueReady, 1);
  EXPECT_TRUE(core->queue(0).enabled);
  expectClean();
}

TEST_F(MmioTest, ConfigChangeInterruptAndGeneration) {
  make(2, &cfgDev);
  probe();
  negotiate(modern());
  driverOk();
  EXPECT_EQ(rd(R::kConfigGeneration), 0u);
  core->configChanged();
  EXPECT_EQ(rd(R::kConfigGeneration), 1u);
  EXPECT_TRUE(fab.high(kLine));
  EXPECT_EQ(rd(R::kInterruptStatus), R::kIntConfigChange);
  wr(R::kInterruptAck, R::kIntConfigChange);
  EXPECT_FALSE(fab.high(kLine));
  expectClean();
}

TEST_F(MmioTest, ResetClearsInterruptStatusAndQueueReady) {
  make();
  bringUp();
  splitPost(kDesc, kAvail, 8, 0, kBuf, 8);
  wr(R::kQueueNotify, 0);
  ASSERT_TRUE(fab.high(kLine));
  wr(R::kStatus, 0);
  EXPECT_FALSE(fab.high(kLine));
  EXPECT_EQ(rd(R::kInterruptStatus), 0u);
  wr(R::kQueueSel, 0);
  EXPECT_EQ(rd(R::kQueueReady), 0u);
  EXPECT_EQ(rd(R::kStatus), 0u);
  expectClean();
}

TEST_F(MmioTest, ConfigSpaceFieldAccesses) {
  make(2, &cfgDev);
  dev->setConfigFields(CfgDevice::fields());
  probe();
  uint8_t b = 0;
  uint16_t h = 0;
  uint32_t w = 0, hi = 0;
  ASSERT_TRUE(dev->read(R::kConfig + 0, &b, 1));
  ASSERT_TRUE(dev->read(R::kConfig + 2, &h, 2));
  ASSERT_TRUE(dev->read(R::kConfig + 4, &w, 4));
  ASSERT_TRUE(dev->read(R::kConfig + 8, &w, 4));  // a 64-bit field: two aligned 32-bit halves
  ASSERT_TRUE(dev->read(R::kConfig + 12, &hi, 4));
  EXPECT_EQ(b, 0x10);
  EXPECT_EQ(h, 0x1312);
  EXPECT_EQ(w, 0x1b1a1918u);
  EXPECT_EQ(hi, 0x1f1e1d1cu);
  negotiate(modern());
  const uint32_t nv = 0xa5a5a5a5;
  ASSERT_TRUE(dev->write(R::kConfig + 4, &nv, 4));
  EXPECT_EQ(rd(R::kConfig + 4), nv);
  expectClean();
}

TEST_F(MmioTest, DeviceResetFromPlatform) {
  make();
  bringUp();
  splitPost(kDesc, kAvail, 8, 0, kBuf, 8);
  wr(R::kQueueNotify, 0);
  ASSERT_TRUE(dev->lineLevel());
  dev->deviceReset();
  EXPECT_FALSE(fab.high(kLine));
  EXPECT_EQ(core->status(), 0);
  EXPECT_FALSE(core->queue(0).enabled);
  expectClean();
}

TEST_F(MmioTest, ConnectInterruptsMovesTheLine) {
  make();
  bringUp();
  splitPost(kDesc, kAvail, 8, 0, kBuf, 8);
  wr(R::kQueueNotify, 0);
  ASSERT_TRUE(fab.high(kLine));
  LineRecorder other;
  dev->connectInterrupts(&other, 9);
  EXPECT_FALSE(fab.high(kLine));
  EXPECT_TRUE(other.high(9));
  rd(R::kInterruptStatus);
  wr(R::kInterruptAck, R::kIntUsedBuffer);
  EXPECT_FALSE(other.high(9));
  expectClean();
}

// ---------------------------------------------------------------------------------------------------------------
// One negative test per violation the transport detects

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#1
TEST_F(MmioTest, UndefinedLocation) {
  make();
  probe();
  uint32_t v = 0;
  EXPECT_FALSE(dev->read(0x018, &v, 4));  // hole between DeviceFeaturesSel and DriverFeatures
  EXPECT_EQ(v, 0xffffffffu);
  EXPECT_FALSE(dev->write(0x0f8, &v, 4));  // hole before ConfigGeneration
  expectOnly(kL1, "mmio.undefined_location");
  EXPECT_EQ(log.size(), 2u);
  EXPECT_EQ(dev->stats().decodeErrors, 2u);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#1
TEST_F(MmioTest, AccessOutsideTheWindow) {
  make();
  probe();
  uint32_t v = 0;
  EXPECT_FALSE(dev->read(0x200, &v, 4));
  EXPECT_FALSE(dev->write(0x1fe, &v, 4));  // straddles the end
  expectOnly(kL1, "mmio.outside_window");
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#1
TEST_F(MmioTest, LegacyRegisterOnModernDevice) {
  make();
  probe();
  uint32_t v = 4096;
  EXPECT_FALSE(dev->write(R::kGuestPageSize, &v, 4));
  EXPECT_FALSE(dev->write(R::kQueueAlign, &v, 4));
  EXPECT_FALSE(dev->read(R::kQueuePfn, &v, 4));
  expectOnly(kL1, "mmio.legacy_register_on_modern");
  EXPECT_EQ(log.size(), 3u);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#1
TEST_F(MmioTest, ModernRegisterOnLegacyDevice) {
  make(1);
  probe();
  uint32_t v = 1;
  EXPECT_FALSE(dev->write(R::kQueueReady, &v, 4));
  EXPECT_FALSE(dev->write(R::kQueueDescLow, &v, 4));
  EXPECT_FALSE(dev->read(R::kConfigGeneration, &v, 4));
  EXPECT_FALSE(dev->write(R::kQueueReset, &v, 4));
  expectOnly(kL1, "mmio.modern_register_on_legacy");
  EXPECT_EQ(log.size(), 4u);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#1
TEST_F(MmioTest, ConfigBeyondTheConfigSpace) {
  make();  // the entropy device has no configuration space at all
  probe();
  uint8_t b = 0;
  EXPECT_FALSE(dev->read(R::kConfig, &b, 1));
  EXPECT_EQ(b, 0xff);
  expectOnly(kL1, "mmio.config_out_of_range");
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#1
TEST_F(MmioTest, ConfigBytesOutsideEveryField) {
  make(2, &cfgDev);
  dev->setConfigFields(CfgDevice::fields());
  probe();
  uint8_t b = 0;
  EXPECT_TRUE(dev->read(R::kConfig + 1, &b, 1));  // padding between the u8 and the u16
  expectOnly(kL1, "mmio.config_undefined_field");
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#2
TEST_F(MmioTest, WriteToReadOnlyRegister) {
  make();
  probe();
  wr(R::kMagicValue, 0);
  wr(R::kQueueNumMax, 4);
  EXPECT_EQ(rd(R::kMagicValue), R::kMagic);
  expectOnly(kL2, "mmio.write_read_only");
  EXPECT_EQ(log.size(), 2u);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#3
TEST_F(MmioTest, ReadOfWriteOnlyRegister) {
  make();
  probe();
  wr(R::kQueueSel, 0);
  EXPECT_EQ(rd(R::kQueueSel), 0u);
  EXPECT_EQ(rd(R::kInterruptAck), 0u);
  expectOnly(kL3, "mmio.read_write_only");
  EXPECT_EQ(log.size(), 2u);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#4
TEST_F(MmioTest, ControlRegisterWidthAndAlignment) {
  make();
  probe();
  uint16_t h = 0;
  uint8_t b = 1;
  uint64_t q = 0;
  uint32_t w = 0;
  EXPECT_FALSE(dev->read(R::kStatus, &h, 2));
  EXPECT_FALSE(dev->write(R::kStatus, &b, 1));
  EXPECT_FALSE(dev->write(R::kQueueDescLow, &q, 8));
  EXPECT_FALSE(dev->read(R::kStatus + 2, &w, 4));
  EXPECT_FALSE(dev->read(R::kStatus, &w, 3));
  EXPECT_EQ(core->status(), 0);  // the byte write did not reach Status
  expectOnly(kL4, "mmio.control_access_width");
  EXPECT_EQ(log.size(), 5u);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#5
TEST_F(MmioTest, ConfigAccessWidthWithoutFieldMap) {
  make(2, &cfgDev);
  probe();
  uint64_t q = 0;
  uint16_t h = 0;
  EXPECT_TRUE(dev->read(R::kConfig + 8, &q, 8));  // 64-bit fields take two 32-bit accesses
  EXPECT_TRUE(dev->read(R::kConfig + 3, &h, 2));  // unaligned
  uint32_t w = 0;
  EXPECT_FALSE(dev->read(R::kConfig + 4, &w, 3));  // no field is 3 bytes wide (not decoded at all)
  expectOnly(kL5, "mmio.config_access_width");
  EXPECT_EQ(log.size(), 3u);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#5
TEST_F(MmioTest, ConfigAccessWidthAgainstFieldMap) {
  make(2, &cfgDev);
  dev->setConfigFields(CfgDevice::fields());
  probe();
  uint8_t b = 0;
  uint16_t h = 0;
  EXPECT_TRUE(dev->read(R::kConfig + 4, &b, 1));  // byte of a 32-bit field
  EXPECT_TRUE(dev->read(R::kConfig + 8, &h, 2));  // half of a 64-bit field
  expectOnly(kL5, "mmio.config_access_width");
  EXPECT_EQ(log.size(), 2u);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#12
TEST_F(MmioTest, DeviceFeaturesReadBeforeSelect) {
  make();
  probe();
  wr(R::kStatus, status::kAcknowledge);
  wr(R::kStatus, status::kAcknowledge | status::kDriver);
  rd(R::kDeviceFeatures);
  expectOnly(kL12, "mmio.device_features_before_select");
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#13
TEST_F(MmioTest, DriverFeaturesWrittenBeforeSelect) {
  make();
  probe();
  wr(R::kStatus, status::kAcknowledge);
  wr(R::kStatus, status::kAcknowledge | status::kDriver);
  wr(R::kDeviceFeaturesSel, 0);
  rd(R::kDeviceFeatures);
  wr(R::kDriverFeatures, 0);
  expectOnly(kL13, "mmio.driver_features_before_select");
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#14
TEST_F(MmioTest, QueueNumAboveQueueNumMax) {
  make();
  probe();
  negotiate(modern());
  wr(R::kQueueSel, 0);
  wr(R::kQueueNum, 512);
  EXPECT_EQ(core->queue(0).size, 256);  // write ignored
  wr(R::kQueueSel, 1);  // not available: QueueNumMax 0
  wr(R::kQueueNum, 8);
  expectOnly(kL14, "mmio.queue_num_too_big");
  EXPECT_EQ(log.size(), 2u);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#15
TEST_F(MmioTest, QueueConfigWhileReady) {
  make();
  bringUp();
  wr(R::kQueueSel, 0);
  wr(R::kQueueNum, 4);
  wr(R::kQueueDescLow, 0x1000);
  wr(R::kQueueDeviceHigh, 1);
  EXPECT_EQ(core->queue(0).size, 8);
  EXPECT_EQ(core->queue(0).desc, kDesc);
  EXPECT_EQ(core->queue(0).device, kUsed);
  expectOnly(kL15, "mmio.queue_config_while_ready");
  EXPECT_EQ(log.size(), 3u);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#17
TEST_F(MmioTest, QueueStopNotReadBack) {
  make();
  bringUp();
  wr(R::kQueueSel, 0);
  wr(R::kQueueReady, 0);
  wr(R::kQueueDescLow, static_cast<uint32_t>(kDesc + 0x100));  // reconfigured without reading QueueReady back
  expectOnly(kL17, "mmio.queue_ready_not_read_back");
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#20
TEST_F(MmioTest, InterruptAckUndefinedBits) {
  make();
  bringUp();
  splitPost(kDesc, kAvail, 8, 0, kBuf, 8);
  wr(R::kQueueNotify, 0);
  ASSERT_EQ(rd(R::kInterruptStatus), R::kIntUsedBuffer);
  wr(R::kInterruptAck, 0x5);
  EXPECT_FALSE(fab.high(kLine));  // the defined bit is still acknowledged
  expectOnly(kL20, "mmio.interrupt_ack_undefined_bits");
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#21
TEST_F(MmioTest, QueueResetWithoutRingReset) {
  make();
  bringUp();  // RING_RESET not negotiated
  wr(R::kQueueSel, 0);
  wr(R::kQueueReset, 1);
  EXPECT_TRUE(core->queue(0).enabled);  // ignored
  expectOnly(kL21, "mmio.queue_reset_not_negotiated");
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#21
TEST_F(MmioTest, QueueResetNotReadBack) {
  make();
  bringUp(modern({feat::kRingReset}));
  wr(R::kQueueSel, 0);
  wr(R::kQueueReset, 1);
  wr(R::kQueueNum, 4);  // reconfigures before QueueReset read back 0
  expectOnly(kL21, "mmio.queue_reset_not_read_back");
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#5
TEST_F(MmioTest, SharedMemoryRegisters) {
  make();
  probe();
  wr(R::kShmSel, 0);
  EXPECT_EQ(rd(R::kShmLenLow), 0xffffffffu);
  EXPECT_EQ(rd(R::kShmLenHigh), 0xffffffffu);
  EXPECT_EQ(rd(R::kShmBaseLow), 0xffffffffu);
  expectOnly(kInit5, "mmio.shm_register_used");
  EXPECT_EQ(log.size(), 4u);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#1
TEST_F(MmioTest, ProbeWithoutMagicAndVersion) {
  make();
  rd(R::kMagicValue);
  rd(R::kDeviceId);  // Version skipped
  rd(R::kVersion);
  rd(R::kDeviceId);
  expectOnly(kInit1, "mmio.probe_without_magic_version");
  EXPECT_EQ(log.size(), 1u);  // reported once
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#2
TEST_F(MmioTest, InitialisationWithoutDeviceId) {
  make();
  rd(R::kMagicValue);
  rd(R::kVersion);
  wr(R::kStatus, 0);
  wr(R::kStatus, status::kAcknowledge);
  expectOnly(kInit2, "mmio.init_without_device_id");
  EXPECT_EQ(log.size(), 1u);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#6
TEST_F(MmioTest, QueueEnabledBeforeFeaturesOk) {
  make();
  probe();
  wr(R::kStatus, status::kAcknowledge);
  wr(R::kStatus, status::kAcknowledge | status::kDriver);
  wr(R::kQueueSel, 0);
  wr(R::kQueueNum, 8);
  wr(R::kQueueDescLow, static_cast<uint32_t>(kDesc));
  wr(R::kQueueDriverLow, static_cast<uint32_t>(kAvail));
  wr(R::kQueueDeviceLow, static_cast<uint32_t>(kUsed));
  wr(R::kQueueReady, 1);
  EXPECT_TRUE(core->queue(0).enabled);  // still enabled
  expectOnly(kInit6, "mmio.queue_enabled_before_features_ok");
}

// covers: drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Notifications From The Device#1
TEST_F(MmioTest, InterruptAckWithoutReadingStatus) {
  make();
  bringUp();
  splitPost(kDesc, kAvail, 8, 0, kBuf, 8);
  wr(R::kQueueNotify, 0);
  ASSERT_TRUE(fab.high(kLine));
  wr(R::kInterruptAck, R::kIntUsedBuffer);
  EXPECT_FALSE(fab.high(kLine));
  expectOnly(kNotif1, "mmio.interrupt_ack_without_status_read");
}


// covers: drivernormative:Reserved Feature Bits#10
TEST_F(MmioTest, SrIovAccepted) {
  make();
  probe();
  wr(R::kStatus, status::kAcknowledge);
  wr(R::kStatus, status::kAcknowledge | status::kDriver);
  wr(R::kDriverFeaturesSel, 1);
  wr(R::kDriverFeatures, 1u | (1u << (feat::kSrIov - 32)));  // VERSION_1 and SR_IOV
  expectOnly("drivernormative:Reserved Feature Bits#10", "mmio.sr_iov_accepted");
}

TEST_F(MmioTest, SrIovNeverOffered) {
  CoreOptions co;
  co.ringFeatures = DeviceCore::kDefaultRingFeatures | feat::bit(feat::kSrIov);
  DeviceCore c(rng, mem, log, co);
  EXPECT_THROW(VirtioMmioDevice(c, &fab, VirtioMmioParams{}), std::invalid_argument);
}

// Fault injection: undefined InterruptStatus bits appear only with a pending event, and ACKing them is reported.
TEST_F(MmioTest, FaultInterruptStatusBits) {
  VirtioMmioParams bad;
  bad.faultInterruptStatusBits = R::kIntUsedBuffer;
  core = std::make_unique<DeviceCore>(rng, mem, log);
  EXPECT_THROW(VirtioMmioDevice(*core, &fab, bad), std::invalid_argument);
  dev.reset();
  VirtioMmioParams p;
  p.interruptLine = kLine;
  p.faultInterruptStatusBits = 0x4;
  dev = std::make_unique<VirtioMmioDevice>(*core, &fab, p);
  bringUp();
  EXPECT_EQ(rd(R::kInterruptStatus), 0u);
  splitPost(kDesc, kAvail, 8, 0, kBuf, 8);
  wr(R::kQueueNotify, 0);
  EXPECT_EQ(rd(R::kInterruptStatus), R::kIntUsedBuffer | 0x4u);
  wr(R::kInterruptAck, R::kIntUsedBuffer);
  EXPECT_EQ(rd(R::kInterruptStatus), 0u);
  expectClean();
}

}  // namespace
}  // namespace vsim::model

// The modern personality driven end to end by the tiny test driver: discovery, BARs and capabilities, feature
// negotiation, queue setup, requests with MSI-X and with INTx, RING_RESET, NOTIFICATION_DATA, configuration changes,
// the PCI configuration access capability and the layout parameters.
#include <gtest/gtest.h>

#include <stdexcept>

#include "pci_test_support.h"
#include "vsim/abi/notification.h"

namespace vsim::model {
namespace {

using namespace pcitest;
namespace cc = pci::common;

constexpr uint64_t kRing = 0x10000, kBuf = 0x40000;

TEST(VirtioPciModern, DiscoveryIdsAndCapabilities) {
  Rig<> r;
  MiniDriver d(r.dev);
  EXPECT_EQ(d.cfg(pci::kCfgVendorId, 2), 0x1af4u);
  EXPECT_EQ(d.cfg(pci::kCfgDeviceId, 2), 0x1044u);  // 0x1040 + entropy (4)
  EXPECT_EQ(d.cfg(pci::kCfgRevision, 1), 1u);
  EXPECT_GE(d.cfg(pci::kCfgSubsysId, 2), 0x40u);
  EXPECT_EQ(d.cfg(pci::kCfgSubsysVendorId, 2), 0x1af4u);
  EXPECT_EQ(d.cfg(pci::kCfgInterruptPin, 1), 1u);
  const Found f = d.walk();
  ASSERT_EQ(f.capIds.size(), 5u);  // common, notify, ISR, PCI cfg (no device config for rng), MSI-X
  EXPECT_EQ(f.capIds.back(), pci::kCapIdMsix);
  EXPECT_EQ(f.commonBar, 4);
  EXPECT_EQ(f.notifyBar, 4);
  EXPECT_EQ(f.isrBar, 4);
  EXPECT_EQ(f.deviceBar, -1);
  EXPECT_NE(f.pciCfgCap, 0);
  EXPECT_EQ(f.multiplier, 4u);
  EXPECT_EQ(f.commonOff % 4, 0u);
  EXPECT_EQ(f.notifyOff % 4, 0u);
  EXPECT_GE(f.notifyLen, 4u);
  const auto& L = r.dev.layout();
  EXPECT_EQ(d.cfg(L.commonCap + 2, 1), 16u);   // cap_len
  EXPECT_EQ(d.cfg(L.notifyCap + 2, 1), 20u);   // includes notify_off_multiplier
  EXPECT_EQ(d.cfg(L.pciCfgCap + 2, 1), 20u);   // includes pci_cfg_data
  EXPECT_EQ(d.cfg(L.commonCap + 12, 4), cc::kSize);
  // BAR4: 64-bit prefetchable memory, big enough for every structure; BAR1: the MSI-X table.
  d.setCfg(0x20, 0xffffffff, 4);
  d.setCfg(0x24, 0xffffffff, 4);
  EXPECT_EQ(d.cfg(0x20, 4), static_cast<uint32_t>(~(L.modernBarSize - 1)) | 0xcu);
  EXPECT_EQ(d.cfg(0x24, 4), 0xffffffffu);
  EXPECT_GE(L.modernBarSize, uint64_t{L.notifyOff} + L.notifyLen);
  EXPECT_TRUE(r.dev.barInfo(1).present && !r.dev.barInfo(1).is64);
  EXPECT_FALSE(r.dev.barInfo(0).present);
  EXPECT_EQ(d.cfg(L.msixCap + pci::kMsixCapTable, 4), 1u);  // offset 0, BIR 1
  EXPECT_EQ(d.cfg(L.msixCap + pci::kMsixCapControl, 2) & pci::kMsixCtrlTableSizeMask, 1u);  // 2 vectors
  EXPECT_TRUE(r.log.empty()) << r.dump();
}

TEST(VirtioPciModern, FeatureNegotiationInTwoHalves) {
  Rig<> r;
  MiniDriver d(r.dev);
  d.walk();
  d.enableDecode();
  d.setCommon(cc::kDeviceFeatureSelect, 1, 4);
  EXPECT_EQ(d.common(cc::kDeviceFeatureSelect, 4), 1u);
  EXPECT_TRUE(d.common(cc::kDeviceFeature, 4) & 1u);  // VERSION_1 is bit 32
  d.setCommon(cc::kDeviceFeatureSelect, 2, 4);
  EXPECT_EQ(d.common(cc::kDeviceFeature, 4), 0u);  // nothing past bit 63
  const uint64_t acc = d.negotiate(feat::bit(feat::kIndirectDesc) | feat::bit(feat::kRingReset));
  EXPECT_EQ(acc, feat::bit(feat::kVersion1) | feat::bit(feat::kIndirectDesc) | feat::bit(feat::kRingReset));
  d.setCommon(cc::kDriverFeatureSelect, 0, 4);
  EXPECT_EQ(d.common(cc::kDriverFeature, 4), static_cast<uint32_t>(acc));
  d.setCommon(cc::kDriverFeatureSelect, 1, 4);
  EXPECT_EQ(d.common(cc::kDriverFeature, 4), static_cast<uint32_t>(acc >> 32));
  EXPECT_EQ(r.core.negotiated(), acc);
  EXPECT_EQ(d.common(cc::kNumQueues, 2), 1u);
  EXPECT_TRUE(r.log.empty()) << r.dump();
}

TEST(VirtioPciModern, RngRequestWithMsix) {
  Rig<> r;
  MiniDriver d(r.dev);
  d.walk();
  d.enableDecode();
  const auto& L = r.dev.layout();
  d.msixEnable(true);
  d.msixProgram(0, 0xfee00000, 0x30, L.msixBar, L.msixTableOff);
  d.msixProgram(1, 0xfee01000, 0x31, L.msixBar, L.msixTableOff);
  d.negotiate(0);
  d.setCommon(cc::kConfigMsixVector, 0, 2);
  EXPECT_EQ(d.common(cc::kConfigMsixVector, 2), 0u);
  d.setupQueue(0, 8, kRing, 1);
  EXPECT_EQ(d.common(cc::kQueueEnable, 2), 1u);
  EXPECT_EQ(d.common(cc::kQueueNotifyOff, 2), 0u);
  d.driverOk();
  EXPECT_EQ(r.core.status(), 15);
  SplitRingView ring{r.mem, kRing, kRing + 0x1000, kRing + 0x2000, 8};
  ring.addWritable(0, kBuf, 64);
  d.notify(0, 0);
  ASSERT_EQ(ring.usedIdx(), 1);
  EXPECT_EQ(ring.usedElem(0).id, 0u);
  EXPECT_EQ(ring.usedElem(0).len, 64u);
  uint64_t word = 0;
  r.mem.load(kBuf, &word);
  EXPECT_NE(word, 0u);
  ASSERT_EQ(r.fabric.msgs.size(), 1u);
  EXPECT_EQ(r.fabric.msgs[0].addr, 0xfee01000u);
  EXPECT_EQ(r.fabric.msgs[0].data, 0x31u);
  EXPECT_FALSE(r.fabric.level());
  EXPECT_EQ(r.dev.isrStatus(), 0u);  // the queue bit is not used with MSI-X
  EXPECT_TRUE(r.log.empty()) << r.dump();
}

TEST(VirtioPciModern, RngRequestWithIntxAndIsrReadClear) {
  Rig<> r;
  MiniDriver d(r.dev);
  d.walk();
  d.enableDecode();
  d.negotiate(0);
  d.setupQueue(0, 8, kRing);
  d.driverOk();
  SplitRingView ring{r.mem, kRing, kRing + 0x1000, kRing + 0x2000, 8};
  ring.addWritable(3, kBuf, 16);
  d.notify(0, 0);
  ASSERT_EQ(ring.usedIdx(), 1);
  EXPECT_EQ(ring.usedElem(0).id, 3u);
  EXPECT_TRUE(r.fabric.level());
  EXPECT_EQ(r.fabric.lastLine, 5u);
  EXPECT_TRUE(d.cfg(pci::kCfgStatus, 2) & pci::kStatusIntx);
  EXPECT_EQ(d.isr(), pci::kIsrQueue);
  EXPECT_FALSE(r.fabric.level());
  EXPECT_FALSE(d.cfg(pci::kCfgStatus, 2) & pci::kStatusIntx);
  EXPECT_EQ(d.isr(), 0u);
  // INTx disable in the command register keeps the line low but the ISR still records the interrupt.
  d.setCfg(pci::kCfgCommand, pci::kCmdMemory | pci::kCmdBusMaster | pci::kCmdIntxDisable, 2);
  ring.addWritable(4, kBuf, 16);
  d.notify(0, 0);
  EXPECT_FALSE(r.fabric.level());
  EXPECT_EQ(d.isr(), pci::kIsrQueue);
  EXPECT_TRUE(r.log.empty()) << r.dump();
}

TEST(VirtioPciModern, RingResetAndReEnable) {
  Rig<> r;
  MiniDriver d(r.dev);
  d.walk();
  d.enableDecode();
  d.negotiate(feat::bit(feat::kRingReset));
  d.setupQueue(0, 8, kRing);
  d.driverOk();
  SplitRingView ring{r.mem, kRing, kRing + 0x1000, kRing + 0x2000, 8};
  ring.addWritable(0, kBuf, 8);
  d.notify(0, 0);
  ASSERT_EQ(ring.usedIdx(), 1);
  d.setCommon(cc::kQueueSelect, 0, 2);
  d.setCommon(cc::kQueueReset, 1, 2);
  EXPECT_EQ(d.common(cc::kQueueReset, 2), 0u);  // completed at once
  EXPECT_EQ(d.common(cc::kQueueEnable, 2), 0u);
  EXPECT_EQ(d.common(cc::kQueueSize, 2), 256u);  // back to the maximum
  EXPECT_EQ(d.common(cc::kQueueDesc, 4), 0u);
  constexpr uint64_t kRing2 = 0x30000;
  d.setupQueue(0, 16, kRing2);
  SplitRingView ring2{r.mem, kRing2, kRing2 + 0x1000, kRing2 + 0x2000, 16};
  ring2.addWritable(5, kBuf, 8);
  d.notify(0, 0);
  ASSERT_EQ(ring2.usedIdx(), 1);
  EXPECT_EQ(ring2.usedElem(0).id, 5u);
  EXPECT_TRUE(r.log.empty()) << r.dump();
}

TEST(VirtioPciModern, NotificationData32BitNotify) {
  Rig<> r;
  MiniDriver d(r.dev);
  d.walk();
  d.enableDecode();
  EXPECT_TRUE(feat::has(d.negotiate(feat::bit(feat::kNotificationData)), feat::kNotificationData));
  d.setupQueue(0, 8, kRing);
  d.driverOk();
  SplitRingView ring{r.mem, kRing, kRing + 0x1000, kRing + 0x2000, 8};
  ring.addWritable(0, kBuf, 8);
  ring.addWritable(1, kBuf + 64, 8);
  NotificationData nd;
  nd.vqIndex = 0;
  nd.nextOff = ring.availIdx & 0x7fff;
  nd.nextWrap = (ring.availIdx & 0x8000) != 0;
  d.notify(0, nd.encode(), 4);
  EXPECT_EQ(ring.usedIdx(), 2);
  EXPECT_EQ(r.core.stats().driverNotifications, 1u);
  EXPECT_TRUE(r.log.empty()) << r.dump();
}

TEST(VirtioPciModern, DeviceConfigWindowAndConfigChanges) {
  Rig<CfgDevice> r;
  MiniDriver d(r.dev);
  const Found f = d.walk();
  d.enableDecode();
  ASSERT_EQ(f.deviceBar, 4);
  EXPECT_EQ(f.deviceLen, 8u);
  EXPECT_EQ(f.deviceOff % 4, 0u);
  EXPECT_EQ(d.barRead(4, f.deviceOff, 4), 0x11223344u);  // readable before FEATURES_OK
  EXPECT_EQ(d.barRead(4, f.deviceOff + 2, 2), 0x1122u);
  d.negotiate(0);
  d.barWrite(4, f.deviceOff + 4, 0xabcd, 2);
  EXPECT_EQ(d.barRead(4, f.deviceOff + 4, 4), 0xabcdu);
  d.driverOk();
  // Configuration change with INTx: ISR bit 1 and the line; generation moves.
  const uint64_t gen = d.common(cc::kConfigGeneration, 1);
  r.core.configChanged();
  EXPECT_NE(d.common(cc::kConfigGeneration, 1), gen);
  EXPECT_TRUE(r.fabric.level());
  EXPECT_EQ(d.isr(), pci::kIsrConfig);
  EXPECT_FALSE(r.fabric.level());
  // ... and with MSI-X on the config vector.
  const auto& L = r.dev.layout();
  d.msixEnable(true);
  d.msixProgram(2, 0xfee02000, 0x52, L.msixBar, L.msixTableOff);
  d.setCommon(cc::kConfigMsixVector, 2, 2);
  EXPECT_EQ(d.common(cc::kConfigMsixVector, 2), 2u);
  r.core.configChanged();
  ASSERT_EQ(r.fabric.msgs.size(), 1u);
  EXPECT_EQ(r.fabric.msgs[0].data, 0x52u);
  EXPECT_EQ(r.dev.isrStatus(), pci::kIsrConfig);  // set before the notification
  // NO_VECTOR: no interrupt at all.
  d.setCommon(cc::kConfigMsixVector, pci::kNoVector, 2);
  r.core.configChanged();
  EXPECT_EQ(r.fabric.msgs.size(), 1u);
  EXPECT_FALSE(r.fabric.level());
  EXPECT_EQ(r.dev.barRegName(4, f.deviceOff + 4), "device_cfg+0x4");
  EXPECT_TRUE(r.log.empty()) << r.dump();
}

TEST(VirtioPciModern, QueueSizeZeroForUnavailableQueueAndResetUnmapsVectors) {
  Rig<CfgDevice> r;
  MiniDriver d(r.dev);
  d.walk();
  d.enableDecode();
  d.setCommon(cc::kQueueSelect, 2, 2);
  EXPECT_EQ(d.common(cc::kQueueSize, 2), 0u);
  EXPECT_EQ(d.common(cc::kQueueEnable, 2), 0u);
  d.setCommon(cc::kQueueSelect, 1, 2);
  EXPECT_EQ(d.common(cc::kQueueSize, 2), 64u);
  EXPECT_EQ(d.common(cc::kQueueNotifyOff, 2), 1u);
  EXPECT_EQ(d.common(cc::kQueueNotifConfigData, 2), 1u);
  EXPECT_EQ(d.common(cc::kConfigMsixVector, 2), pci::kNoVector);
  d.negotiate(0);
  d.setCommon(cc::kConfigMsixVector, 1, 2);
  d.setCommon(cc::kQueueSelect, 1, 2);
  d.setCommon(cc::kQueueMsixVector, 0, 2);
  EXPECT_EQ(d.common(cc::kQueueMsixVector, 2), 0u);
  EXPECT_EQ(d.common(cc::kConfigMsixVector, 2), 1u);
  d.setCommon(cc::kDeviceStatus, 0, 1);
  EXPECT_EQ(d.common(cc::kDeviceStatus, 1), 0u);
  EXPECT_EQ(d.common(cc::kConfigMsixVector, 2), pci::kNoVector);
  d.setCommon(cc::kQueueSelect, 1, 2);
  EXPECT_EQ(d.common(cc::kQueueMsixVector, 2), pci::kNoVector);
  EXPECT_TRUE(r.log.empty()) << r.dump();
}

TEST(VirtioPciModern, SplitQueueSizePresentedAsPowerOfTwo) {
  Rig<CfgDevice> r({}, {}, std::make_unique<CfgDevice>(1, 100));
  MiniDriver d(r.dev);
  d.walk();
  d.enableDecode();
  d.negotiate(0);
  d.setCommon(cc::kQueueSelect, 0, 2);
  EXPECT_EQ(d.common(cc::kQueueSize, 2), 64u);  // maximum 100 is not a power of 2
  d.setCommon(cc::kQueueSize, 128, 2);          // above the maximum: refused
  EXPECT_EQ(d.common(cc::kQueueSize, 2), 64u);
  // With RING_PACKED the maximum is presented as is.
  Rig<CfgDevice> p({}, {}, std::make_unique<CfgDevice>(1, 100));
  MiniDriver dp(p.dev);
  dp.walk();
  dp.enableDecode();
  dp.negotiate(feat::bit(feat::kRingPacked));
  EXPECT_EQ(dp.common(cc::kQueueSize, 2), 100u);
  EXPECT_TRUE(p.log.empty()) << p.dump();
}

TEST(VirtioPciModern, PciCfgAccessCapabilityWindow) {
  Rig<> r;
  MiniDriver d(r.dev);
  const Found f = d.walk();
  const uint16_t c = f.pciCfgCap;
  // No BAR decoding enabled at all: the window still reaches the structures.
  d.setCfg(c + 4, 4, 1);                                 // cap.bar
  d.setCfg(c + 12, 2, 4);                                // cap.length
  d.setCfg(c + 8, f.commonOff + cc::kNumQueues, 4);      // cap.offset
  EXPECT_EQ(d.cfg(c + 16, 2), 1u);                       // pci_cfg_data: num_queues
  d.setCfg(c + 12, 4, 4);
  d.setCfg(c + 8, f.commonOff + cc::kDeviceFeatureSelect, 4);
  d.setCfg(c + 16, 1, 4);                                // device_feature_select = 1 through the window
  EXPECT_EQ(d.cfg(c + 16, 4), 1u);
  d.setCfg(c + 8, f.commonOff + cc::kDeviceFeature, 4);
  EXPECT_EQ(d.cfg(c + 16, 4) & 1u, 1u);                  // VERSION_1
  EXPECT_EQ(d.cfg(c + 4, 1), 4u);
  EXPECT_EQ(r.dev.cfgRegName(c + 3), "cfg.virtio_pci_cfg_cap+0x3");
  EXPECT_TRUE(r.log.empty()) << r.dump();
}

TEST(VirtioPciModern, SharedMsixBarAndZeroMultiplier) {
  VirtioPciParams p;
  p.msixBar = 4;
  p.notifyOffMultiplier = 0;
  Rig<CfgDevice> r(p);
  MiniDriver d(r.dev);
  const Found f = d.walk();
  d.enableDecode();
  const auto& L = r.dev.layout();
  EXPECT_EQ(L.msixBar, 4);
  EXPECT_EQ(d.cfg(L.msixCap + pci::kMsixCapTable, 4), L.msixTableOff | 4u);
  EXPECT_FALSE(r.dev.barInfo(1).present);
  EXPECT_EQ(f.multiplier, 0u);
  d.msixEnable(true);
  d.msixProgram(0, 0xfee00000, 7, 4, L.msixTableOff);
  d.negotiate(0);
  d.setupQueue(1, 4, kRing, 0);
  d.driverOk();
  SplitRingView ring{r.mem, kRing, kRing + 0x1000, kRing + 0x2000, 4};
  ring.addWritable(0, kBuf, 8);
  d.barWrite(4, f.notifyOff, 1, 2);  // one shared address: the value names queue 1
  EXPECT_EQ(ring.usedIdx(), 1);
  ASSERT_EQ(r.fabric.msgs.size(), 1u);
  EXPECT_EQ(r.fabric.msgs[0].data, 7u);
  EXPECT_EQ(r.dev.barRegName(4, L.msixTableOff + 16 * 2 + 8), "msix.table[2].data");
  EXPECT_TRUE(r.log.empty()) << r.dump();
}

TEST(VirtioPciModern, TraceNames) {
  Rig<> r;
  const auto& L = r.dev.layout();
  EXPECT_EQ(r.dev.barRegName(4, L.commonOff + cc::kQueueSelect), "common.queue_select");
  EXPECT_EQ(r.dev.barRegName(4, L.commonOff + cc::kQueueDesc + 4), "common.queue_desc_hi");
  EXPECT_EQ(r.dev.barRegName(4, L.notifyOff), "notify");
  EXPECT_EQ(r.dev.barRegName(4, L.isrOff), "isr");
  EXPECT_EQ(r.dev.barRegName(1, L.msixTableOff + 16 + 12), "msix.table[1].ctrl");
  EXPECT_EQ(r.dev.barRegName(1, L.msixPbaOff), "msix.pba[0]");
  EXPECT_EQ(r.dev.cfgRegName(L.notifyCap + 16), "cfg.virtio_notify_cap+0x10");
  EXPECT_EQ(r.dev.cfgRegName(L.msixCap), "cfg.msix_cap");
}

TEST(VirtioPciModern, ParametersThatBreakTheSpecAreRefused) {
  OwnedGuestMemory mem(kMemSize);
  ViolationLog log;
  RngDevice rng;
  DeviceCore core(rng, mem, log);
  auto make = [&](VirtioPciParams p) { VirtioPciDevice dev(core, p); };
  VirtioPciParams p;
  p.notifyOffMultiplier = 3;
  EXPECT_THROW(make(p), std::invalid_argument);
  p.notifyOffMultiplier = 2;  // NOTIFICATION_DATA is offered: needs a multiple of 4
  EXPECT_THROW(make(p), std::invalid_argument);
  p.notifyOffMultiplier = 4;
  p.msixBar = 5;  // upper half of the 64-bit BAR4
  EXPECT_THROW(make(p), std::invalid_argument);
  p.msixBar = 1;
  p.modernBarSize = 4096;
  EXPECT_THROW(make(p), std::invalid_argument);
  p.modernBarSize = 0;
  p.regionStride = 48;
  EXPECT_THROW(make(p), std::invalid_argument);
  p.regionStride = 4096;
  p.legacyTrap = true;
  p.modernBar = 0;
  EXPECT_THROW(make(p), std::invalid_argument);
  // Without NOTIFICATION_DATA offered, 2 is a valid multiplier.
  CoreOptions co;
  co.ringFeatures = feat::bit(feat::kVersion1);
  DeviceCore core2(rng, mem, log, co);
  VirtioPciParams q;
  q.notifyOffMultiplier = 2;
  EXPECT_NO_THROW(VirtioPciDevice(core2, q));
  // Legacy / transitional need a transitional device id.
  CfgDevice gpu(16);
  DeviceCore core3(gpu, mem, log);
  VirtioPciParams t;
  t.personality = PciPersonality::Transitional;
  EXPECT_THROW(VirtioPciDevice(core3, t), std::invalid_argument);
  EXPECT_NO_THROW(VirtioPciDevice(core3, VirtioPciParams{}));
}

}  // namespace
}  // namespace vsim::model

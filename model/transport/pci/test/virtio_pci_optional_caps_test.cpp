// Optional capabilities of the virtio PCI function: decoys, cap_len and structure-length padding, the vendor data
// capability and SR-IOV; the layout they produce and the driver violations they detect.
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

#include "pci_test_support.h"

namespace vsim::model {
namespace {

using namespace pcitest;
namespace cc = pci::common;

constexpr const char* kCaps8 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#8";
constexpr const char* kVendor2 = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Vendor data capability#2";
constexpr const char* kSrIov10 = "drivernormative:Reserved Feature Bits#10";
constexpr const char* kSrIov11 = "drivernormative:Reserved Feature Bits#11";

constexpr uint16_t kSriovAt = 0x100, kSriovControl = kSriovAt + 0x08, kSriovTotalVfs = kSriovAt + 0x0e;

struct VendorCap {
  uint16_t at = 0;
  uint8_t len = 0;
};

VendorCap findVendorData(MiniDriver& d) {
  for (uint16_t p = static_cast<uint16_t>(d.cfg(pci::kCfgCapPtr, 1)); p; p = static_cast<uint16_t>(d.cfg(p + 1, 1)))
    if (d.cfg(p, 1) == pci::kCapIdVendor && d.cfg(p + 3, 1) == pci::kCapVendorCfg)
      return {p, static_cast<uint8_t>(d.cfg(p + 2, 1))};
  return {};
}

TEST(VirtioPciOptionalCaps, DecoysComeFirstAndDescribeAGap) {
  VirtioPciParams p;
  p.decoyCaps = true;
  Rig<> r(p);
  MiniDriver d(r.dev);
  d.enableDecode();
  const auto& L = r.dev.layout();
  ASSERT_NE(L.reservedTypeCap, 0);
  ASSERT_NE(L.reservedBarCap, 0);
  EXPECT_EQ(d.cfg(pci::kCfgCapPtr, 1), L.reservedTypeCap);  // at the head of the list
  EXPECT_EQ(d.cfg(L.reservedTypeCap + 1, 1), L.reservedBarCap);
  EXPECT_EQ(d.cfg(L.reservedBarCap + 1, 1), L.commonCap);
  const uint8_t type = static_cast<uint8_t>(d.cfg(L.reservedTypeCap + 3, 1));
  EXPECT_TRUE(type == 6 || type == 7 || type > pci::kCapVendorCfg);  // reserved
  EXPECT_EQ(d.cfg(L.reservedBarCap + 3, 1), pci::kCapCommonCfg);
  EXPECT_GT(d.cfg(L.reservedBarCap + 4, 1), 5u);  // reserved bar value
  bool ok = true;
  d.barRead(4, d.cfg(L.reservedTypeCap + 8, 4), 4, &ok);
  EXPECT_FALSE(ok);  // nothing is mapped where the decoys point
  EXPECT_EQ(r.dev.cfgRegName(L.reservedBarCap), "cfg.virtio_decoy_cap");
  d.walk();  // the tiny driver takes the first common capability: the decoy with the reserved bar; skip it
  ASSERT_EQ(d.found.commonBar, static_cast<int>(d.cfg(L.reservedBarCap + 4, 1)));
  d.found.commonBar = 4;
  d.found.commonOff = L.commonOff;
  d.negotiate(0);  // the real structures work
  d.setCfg(L.reservedTypeCap + 8, 0, 4);
  EXPECT_TRUE(r.has(kCaps8, "cap.write"));  // decoys are capabilities like any other
}

TEST(VirtioPciOptionalCaps, CapLenAndStructureLengthPadding) {
  VirtioPciParams p;
  p.capLenPadding = 8;
  p.structureLengthPadding = 0x100;
  Rig<CfgDevice> r(p, {}, std::make_unique<CfgDevice>());
  MiniDriver d(r.dev);
  d.enableDecode();
  const auto& L = r.dev.layout();
  EXPECT_EQ(d.cfg(L.commonCap + 2, 1), 16u + 8u);
  EXPECT_EQ(d.cfg(L.notifyCap + 2, 1), 20u + 8u);
  EXPECT_EQ(d.cfg(L.pciCfgCap + 2, 1), 20u + 8u);
  EXPECT_EQ(d.cfg(L.commonCap + 12, 4), cc::kSize + 0x100u);
  EXPECT_EQ(d.cfg(L.isrCap + 12, 4), 1u + 0x100u);
  EXPECT_EQ(d.cfg(L.deviceCap + 12, 4), 8u + 0x100u);
  EXPECT_EQ(d.cfg(L.notifyCap + 12, 4), L.notifyLen + 0x100u);
  d.walk();
  d.negotiate(0);
  bool ok = false;
  EXPECT_EQ(d.barRead(4, L.commonOff + cc::kSize + 0x10, 4, &ok), 0u);  // padding reads 0
  EXPECT_TRUE(ok);
  EXPECT_TRUE(d.barWrite(4, L.commonOff + cc::kSize, 0xffff, 2));   // and swallows writes
  EXPECT_EQ(d.barRead(4, L.deviceOff + 8, 4, &ok), 0u);
  EXPECT_TRUE(ok);
  EXPECT_EQ(d.barRead(4, L.deviceOff, 4), 0x11223344u);  // the structure itself is untouched
  EXPECT_TRUE(r.log.empty()) << r.dump();
  p.capLenPadding = 17;
  EXPECT_THROW(Rig<>{p}, std::invalid_argument);
}

TEST(VirtioPciOptionalCaps, VendorDataCapability) {
  VirtioPciParams p;
  p.vendorDataId = 0x1b36;
  p.vendorDataLen = 7;
  Rig<> r(p);
  MiniDriver d(r.dev);
  const VendorCap c = findVendorData(d);
  ASSERT_NE(c.at, 0);
  EXPECT_EQ(c.at, r.dev.layout().vendorDataCap);
  EXPECT_EQ(c.len % 4, 0u);
  EXPECT_GE(c.len, 6u + 7u);
  EXPECT_EQ(d.cfg(c.at + 4, 2), 0x1b36u);
  // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Vendor data capability#3: reads change nothing.
  const uint32_t first = d.cfg(c.at + 8, 4);
  EXPECT_EQ(d.cfg(c.at + 8, 4), first);
  EXPECT_TRUE(r.log.empty()) << r.dump();
  p.vendorDataId = 0x1af4;
  EXPECT_THROW(Rig<>{p}, std::invalid_argument);
}

// covers: drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Vendor data capability#2
TEST(VirtioPciOptionalCaps, VendorDataWrittenUnqualified) {
  VirtioPciParams p;
  p.vendorDataId = 0x1b36;
  Rig<> r(p);
  MiniDriver d(r.dev);
  const uint16_t at = r.dev.layout().vendorDataCap;
  const uint32_t before = d.cfg(at + 8, 4);
  d.setCfg(at + 8, 0, 4);  // vendor_id never read
  ASSERT_EQ(r.log.size(), 1u) << r.dump();
  EXPECT_TRUE(r.has(kVendor2, "vendor_data.write_unqualified"));
  EXPECT_EQ(d.cfg(at + 8, 4), before);  // ignored
  r.log.clear();
  d.cfg(at + 4, 2);        // qualified now
  d.setCfg(at + 8, 0, 4);  // the vendor's business (ignored here), no report
  EXPECT_TRUE(r.log.empty()) << r.dump();
  d.setCfg(at + 4, 0, 2);  // vendor_id itself is read-only
  EXPECT_TRUE(r.has(kCaps8, "cap.write"));
  r.dev.functionReset();  // a reset function must be qualified again
  r.log.clear();
  d.setCfg(at + 8, 0, 4);
  EXPECT_TRUE(r.has(kVendor2, "vendor_data.write_unqualified"));
}

// covers: drivernormative:Reserved Feature Bits#10
TEST(VirtioPciOptionalCaps, SrIovAcceptedWithoutCapability) {
  Rig<> r;
  MiniDriver d(r.dev);
  d.walk();
  d.enableDecode();
  d.setCommon(cc::kDeviceStatus, status::kAcknowledge, 1);
  d.setCommon(cc::kDeviceStatus, status::kAcknowledge | status::kDriver, 1);
  d.setCommon(cc::kDriverFeatureSelect, 1, 4);
  d.setCommon(cc::kDriverFeature, 1u | (1u << (feat::kSrIov - 32)), 4);
  ASSERT_EQ(r.log.size(), 1u) << r.dump();
  EXPECT_TRUE(r.has(kSrIov10, "sriov.accepted_without_capability"));
}

TEST(VirtioPciOptionalCaps, SrIovCapabilityLayout) {
  CoreOptions co;
  co.ringFeatures = DeviceCore::kDefaultRingFeatures | feat::bit(feat::kSrIov);
  EXPECT_THROW((Rig<>{VirtioPciParams{}, co}), std::invalid_argument);  // offered without a capability
  VirtioPciParams p;
  p.sriovTotalVfs = 4;
  Rig<> r(p, co);
  MiniDriver d(r.dev);
  const Found f = d.walk();
  EXPECT_NE(std::find(f.capIds.begin(), f.capIds.end(), 0x10), f.capIds.end());  // PCI Express capability
  EXPECT_EQ(d.cfg(kSriovAt, 4) & 0xffff, 0x10u);                                  // SR-IOV extended capability
  EXPECT_EQ(d.cfg(kSriovTotalVfs, 2), 4u);
  EXPECT_EQ(d.negotiate(feat::bit(feat::kSrIov)) & feat::bit(feat::kSrIov), feat::bit(feat::kSrIov));
  d.setCfg(kSriovControl, 1, 2);  // VF Enable after negotiating VIRTIO_F_SR_IOV
  EXPECT_TRUE(r.dev.vfEnabled());
  d.setCfg(kSriovControl, 0, 2);
  d.negotiate(0);                 // a reset and a negotiation without it: the earlier one still counts
  d.setCfg(kSriovControl, 1, 2);
  EXPECT_TRUE(r.log.empty()) << r.dump();
  r.dev.functionReset();
  EXPECT_FALSE(r.dev.vfEnabled());
}

// covers: drivernormative:Reserved Feature Bits#11
TEST(VirtioPciOptionalCaps, VfEnabledBeforeNegotiation) {
  CoreOptions co;
  co.ringFeatures = DeviceCore::kDefaultRingFeatures | feat::bit(feat::kSrIov);
  VirtioPciParams p;
  p.sriovTotalVfs = 2;
  Rig<> r(p, co);
  MiniDriver d(r.dev);
  d.walk();
  d.enableDecode();
  d.negotiate(0);  // VIRTIO_F_SR_IOV not accepted
  d.setCfg(kSriovControl, 1, 2);
  ASSERT_EQ(r.log.size(), 1u) << r.dump();
  EXPECT_TRUE(r.has(kSrIov11, "sriov.vf_enable_before_negotiation"));
  EXPECT_TRUE(r.dev.vfEnabled());  // recorded all the same
}

TEST(VirtioPciOptionalCaps, ModernInterfaceOnly) {
  VirtioPciParams p;
  p.personality = PciPersonality::Legacy;
  p.decoyCaps = true;
  EXPECT_THROW(Rig<>{p}, std::invalid_argument);
}

}  // namespace
}  // namespace vsim::model

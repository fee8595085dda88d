// Generic PCI function plumbing: header, BAR sizing, capability list, read-only fields, INTx, MSI-X masking.
#include <gtest/gtest.h>

#include "pci_test_support.h"
#include "vsim/model/pci_endpoint.h"

namespace vsim::model {
namespace {

using namespace pcitest;

/// A plain endpoint: 32-bit memory BAR0 (4 KiB, MSI-X table at 0 and PBA at 0x800), I/O BAR2 (32 bytes),
/// 64-bit prefetchable BAR4 (1 MiB), one vendor capability and MSI-X with 4 vectors.
class TestEndpoint final : public PciEndpoint {
 public:
  TestEndpoint() : PciEndpoint(PciIdentity{0x1234, 0x5678, 3, 0x020000, 0x1af4, 0x42, 1}) {
    defineBar(2, BarInfo{true, true, false, false, 32}, nullptr);
    defineBar(4, BarInfo{true, false, true, true, 1 << 20}, nullptr);
    vendorCap = addCapability(pci::kCapIdVendor, 8);
    addMsixCapability(4, 0, 0, 0, 0x800);
    map.add(0, msixTableBytes(), msixTableTarget(), "msix.table");
    map.add(0x800, msixPbaBytes(), msixPbaTarget(), "msix.pba");
    defineBar(0, BarInfo{true, false, false, false, 4096}, &map);
  }
  using PciEndpoint::setWritable;
  BarRegionMap map;
  uint16_t vendorCap = 0;
};

TEST(PciEndpoint, HeaderAndReadOnlyFields) {
  TestEndpoint ep;
  EXPECT_EQ(ep.cfgRead(pci::kCfgVendorId, 2), 0x1234u);
  EXPECT_EQ(ep.cfgRead(pci::kCfgDeviceId, 2), 0x5678u);
  EXPECT_EQ(ep.cfgRead(pci::kCfgRevision, 1), 3u);
  EXPECT_EQ(ep.cfgRead(pci::kCfgRevision, 4) >> 8, 0x020000u);
  EXPECT_EQ(ep.cfgRead(pci::kCfgHeaderType, 1), 0u);
  EXPECT_EQ(ep.cfgRead(pci::kCfgSubsysId, 2), 0x42u);
  EXPECT_TRUE(ep.cfgRead(pci::kCfgStatus, 2) & pci::kStatusCapList);
  // Read-only: IDs, class, header type, subsystem, pin, status.
  ep.cfgWrite(pci::kCfgVendorId, 0xffffffff, 4);
  ep.cfgWrite(pci::kCfgRevision, 0xffffffff, 4);
  ep.cfgWrite(pci::kCfgSubsysVendorId, 0xffffffff, 4);
  ep.cfgWrite(pci::kCfgInterruptPin, 0xff, 1);
  ep.cfgWrite(pci::kCfgStatus, 0xffff, 2);
  EXPECT_EQ(ep.cfgRead(pci::kCfgVendorId, 4), 0x56781234u);
  EXPECT_EQ(ep.cfgRead(pci::kCfgRevision, 4), 0x02000003u);
  EXPECT_EQ(ep.cfgRead(pci::kCfgSubsysVendorId, 4), 0x00421af4u);
  EXPECT_EQ(ep.cfgRead(pci::kCfgInterruptPin, 1), 1u);
  EXPECT_EQ(ep.cfgRead(pci::kCfgStatus, 2), pci::kStatusCapList);
  // Command: only the implemented bits stick.
  ep.cfgWrite(pci::kCfgCommand, 0xffff, 2);
  EXPECT_EQ(ep.cfgRead(pci::kCfgCommand, 2), 0x0547u);
  EXPECT_TRUE(ep.memoryDecode() && ep.ioDecode() && ep.busMaster());
  // Interrupt line is read-write; the unimplemented extended space reads 0; bad widths read all-ones.
  ep.cfgWrite(pci::kCfgInterruptLine, 11, 1);
  EXPECT_EQ(ep.cfgRead(pci::kCfgInterruptLine, 1), 11u);
  EXPECT_EQ(ep.cfgRead(0x100, 4), 0u);
  EXPECT_EQ(ep.cfgRead(0x101, 2), 0xffffu);
  EXPECT_EQ(ep.cfgRead(0x40, 3), 0xffffffffu);
  // Capability bytes are read-only unless made writable.
  ep.cfgWrite(ep.vendorCap + 4, 0xffffffff, 4);
  EXPECT_EQ(ep.cfgRead(ep.vendorCap + 4, 4), 0u);
  ep.setWritable(static_cast<uint16_t>(ep.vendorCap + 4), 0x0f);
  ep.cfgWrite(ep.vendorCap + 4, 0xff, 1);
  EXPECT_EQ(ep.cfgRead(ep.vendorCap + 4, 1), 0x0fu);
  EXPECT_EQ(ep.cfgRegName(pci::kCfgCommand), "cfg.command");
  EXPECT_EQ(ep.cfgRegName(0x14), "cfg.bar1");
  EXPECT_EQ(ep.cfgRegName(static_cast<uint16_t>(ep.vendorCap + 2)), "cfg.cap@0x40+0x2");
}

TEST(PciEndpoint, BarSizingProtocol) {
  TestEndpoint ep;
  auto size = [&](unsigned i) {
    const uint16_t off = static_cast<uint16_t>(pci::kCfgBar0 + 4 * i);
    const uint32_t old = ep.cfgRead(off, 4);
    ep.cfgWrite(off, 0xffffffff, 4);
    const uint32_t mask = ep.cfgRead(off, 4);
    ep.cfgWrite(off, old, 4);
    return mask;
  };
  EXPECT_EQ(size(0), 0xfffff000u);  // 4 KiB, 32-bit, non-prefetchable
  EXPECT_EQ(size(1), 0u);           // not implemented
  EXPECT_EQ(size(2), 0xffffffe1u);  // 32-byte I/O
  EXPECT_EQ(size(3), 0u);
  EXPECT_EQ(size(4), 0xfff0000cu);  // 1 MiB, 64-bit, prefetchable
  EXPECT_EQ(size(5), 0xffffffffu);  // upper half: every address bit writable
  // Program addresses; low bits the size masks off are dropped.
  ep.cfgWrite(0x10, 0xfebf1234, 4);
  ep.cfgWrite(0x18, 0xc047, 4);
  ep.cfgWrite(0x20, 0x00100000, 4);
  ep.cfgWrite(0x24, 0x80, 4);
  EXPECT_EQ(ep.barAddress(0), 0xfebf1000u);
  EXPECT_EQ(ep.barAddress(2), 0xc040u);
  EXPECT_EQ(ep.cfgRead(0x18, 4), 0xc041u);
  EXPECT_EQ(ep.barAddress(4), 0x8000100000ull);
  EXPECT_TRUE(ep.barInfo(4).is64 && ep.barInfo(4).prefetchable && !ep.barInfo(5).present);
  EXPECT_TRUE(ep.barInfo(2).io);
  // Byte writes merge into the dword.
  ep.cfgWrite(0x11, 0x20, 1);
  EXPECT_EQ(ep.barAddress(0), 0xfebf2000u);
  ep.functionReset();
  EXPECT_EQ(ep.barAddress(4), 0u);
  EXPECT_EQ(ep.cfgRead(pci::kCfgCommand, 2), 0u);
}

TEST(PciEndpoint, IntxFollowsPendingDisableAndMsix) {
  TestEndpoint ep;
  FakeFabric fab;
  ep.connectInterrupts(&fab, 9);
  ep.setIntxPending(true);
  EXPECT_TRUE(fab.level());
  EXPECT_EQ(fab.lastLine, 9u);
  EXPECT_TRUE(ep.cfgRead(pci::kCfgStatus, 2) & pci::kStatusIntx);
  ep.cfgWrite(pci::kCfgCommand, pci::kCmdIntxDisable, 2);  // INTx disabled: line drops, status keeps the state
  EXPECT_FALSE(fab.level());
  EXPECT_TRUE(ep.cfgRead(pci::kCfgStatus, 2) & pci::kStatusIntx);
  ep.cfgWrite(pci::kCfgCommand, 0, 2);
  EXPECT_TRUE(fab.level());
  const uint16_t ctl = static_cast<uint16_t>(ep.msixTableSize() - 1);
  ep.cfgWrite(ep.capabilities().back().off + pci::kMsixCapControl, ctl | pci::kMsixCtrlEnable, 2);  // MSI-X on
  EXPECT_FALSE(fab.level());
  ep.cfgWrite(ep.capabilities().back().off + pci::kMsixCapControl, ctl, 2);
  EXPECT_TRUE(fab.level());
  ep.setIntxPending(false);
  EXPECT_FALSE(fab.level());
  EXPECT_FALSE(ep.cfgRead(pci::kCfgStatus, 2) & pci::kStatusIntx);
}

TEST(PciEndpoint, MsixMaskingAndPendingBits) {
  TestEndpoint ep;
  FakeFabric fab;
  ep.connectInterrupts(&fab, 0);
  MiniDriver d(ep);
  d.walk();
  ASSERT_NE(d.found.msixCap, 0);
  EXPECT_EQ(ep.cfgRead(d.found.msixCap + pci::kMsixCapControl, 2) & pci::kMsixCtrlTableSizeMask, 3u);  // N-1
  EXPECT_EQ(ep.cfgRead(d.found.msixCap + pci::kMsixCapPba, 4), 0x800u);  // offset | BIR 0
  EXPECT_FALSE(ep.msixSignal(0));  // disabled: nothing
  d.enableDecode(true);
  for (uint16_t v = 0; v < 4; ++v) d.msixProgram(v, 0xfee00000 + 0x10 * v, 0x40 + v, 0, 0);
  // Function mask: pending, sent on unmask.
  d.msixEnable(true, true);
  EXPECT_TRUE(ep.msixSignal(2));
  EXPECT_TRUE(fab.msgs.empty());
  EXPECT_TRUE(ep.msixPending(2));
  EXPECT_EQ(d.barRead(0, 0x800, 8), 1u << 2);
  d.msixEnable(true, false);
  ASSERT_EQ(fab.msgs.size(), 1u);
  EXPECT_EQ(fab.msgs[0].addr, 0xfee00020u);
  EXPECT_EQ(fab.msgs[0].data, 0x42u);
  EXPECT_FALSE(ep.msixPending(2));
  // Vector mask: pending, sent when the vector control bit is cleared.
  d.barWrite(0, 16 * 1 + pci::kMsixEntryCtrl, 1, 4);
  EXPECT_TRUE(ep.msixVectorMasked(1));
  ep.msixSignal(1);
  EXPECT_EQ(fab.msgs.size(), 1u);
  EXPECT_EQ(d.barRead(0, 0x800, 4), 1u << 1);
  d.barWrite(0, 16 * 1 + pci::kMsixEntryCtrl, 0, 4);
  ASSERT_EQ(fab.msgs.size(), 2u);
  EXPECT_EQ(fab.msgs[1].data, 0x41u);
  // Bus mastering off: held pending, sent when it comes back.
  d.enableDecode(false);
  ep.msixSignal(3);
  EXPECT_EQ(fab.msgs.size(), 2u);
  EXPECT_TRUE(ep.msixPending(3));
  d.enableDecode(true);
  ASSERT_EQ(fab.msgs.size(), 3u);
  EXPECT_EQ(fab.msgs[2].data, 0x43u);
  EXPECT_FALSE(ep.msixSignal(4));  // outside the table
}

TEST(PciEndpoint, MsixTableAccessRules) {
  TestEndpoint ep;
  MiniDriver d(ep);
  bool ok = true;
  d.barRead(0, 0, 2, &ok);
  EXPECT_FALSE(ok);  // dword or qword only
  d.barRead(0, 2, 4, &ok);
  EXPECT_FALSE(ok);
  EXPECT_EQ(d.barRead(0, 12, 4), 1u);  // vectors start masked
  d.barWrite(0, 0, 0xfee00003, 4);
  EXPECT_EQ(d.barRead(0, 0, 4), 0xfee00000u);  // address is dword aligned
  d.barWrite(0, 16, 0x1234567800000000ull | 0xfee01000, 8);
  EXPECT_EQ(d.barRead(0, 16, 8), 0x12345678fee01000ull);
  d.barWrite(0, 12, 0xffffffff, 4);
  EXPECT_EQ(d.barRead(0, 12, 4), 1u);  // reserved bits stay 0
  EXPECT_TRUE(d.barWrite(0, 0x800, 0xff, 8));  // PBA write ignored
  EXPECT_EQ(d.barRead(0, 0x800, 8), 0u);
  EXPECT_EQ(ep.map.regName(16 * 3 + 8), "msix.table[3].data");
  EXPECT_EQ(ep.map.regName(0x800), "msix.pba[0]");
  d.barRead(0, 0x900, 4, &ok);
  EXPECT_FALSE(ok);  // gap in the BAR
}

TEST(PciEndpoint, CapabilityListWalk) {
  TestEndpoint ep;
  MiniDriver d(ep);
  const Found f = d.walk();
  ASSERT_EQ(f.capIds.size(), 2u);
  EXPECT_EQ(f.capIds[0], pci::kCapIdVendor);
  EXPECT_EQ(f.capIds[1], pci::kCapIdMsix);
  EXPECT_EQ(ep.cfgRead(pci::kCfgCapPtr, 1), 0x40u);
  EXPECT_EQ(ep.cfgRead(0x41, 1), 0x48u);  // next pointer, dword aligned
  EXPECT_EQ(ep.cfgRead(0x49, 1), 0u);     // end of list
}

}  // namespace
}  // namespace vsim::model

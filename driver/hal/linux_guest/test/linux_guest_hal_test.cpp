// LinuxGuestHal on a fake sysfs tree and a fake /proc/iomem (no root, no QEMU): PCI configuration through the
// per-function config files, the bus count, virtio-mmio slots from ACPI lines and an explicit window, all-ones for
// what is not there, and the polling contract of waitForInterrupt / nowNs. The real guest path (hugepages, /dev/mem,
// port I/O) runs in the ctest label qemu.
#include "vsim/drv/linux_guest_hal.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace vsim::drv {
namespace {

class FakeSysfs : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/vsim-guest-hal-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    addFunction("0000:00:03.0", 0x1af4, 0x1044);
    addFunction("0000:01:00.0", 0x8086, 0x1234);
    std::ofstream(root_ + "/iomem") << "00000000-00000fff : Reserved\n"
                                       "feb00000-feb02fff : PCI Bus 0000:00\n"
                                       "  feb02e00-feb02fff : LNRO0005:00\n"
                                       "  feb02c00-feb02dff : LNRO0005:01\n"
                                       "fee00000-fee00fff : Local APIC\n";
  }
  void TearDown() override { std::system(("rm -rf " + root_).c_str()); }

  void addFunction(const std::string& name, uint16_t vendor, uint16_t device) {
    mkdir((root_ + "/" + name).c_str(), 0755);
    std::vector<uint8_t> cfg(256, 0);
    cfg[0] = static_cast<uint8_t>(vendor);
    cfg[1] = static_cast<uint8_t>(vendor >> 8);
    cfg[2] = static_cast<uint8_t>(device);
    cfg[3] = static_cast<uint8_t>(device >> 8);
    std::ofstream(root_ + "/" + name + "/config", std::ios::binary).write(reinterpret_cast<char*>(cfg.data()), 256);
  }

  LinuxGuestHalOptions options() const {
    LinuxGuestHalOptions o;
    o.sysfsPciRoot = root_;
    o.iomemPath = root_ + "/iomem";
    o.devMemPath = root_ + "/no-dev-mem";
    o.pagemapPath = root_ + "/no-pagemap";
    o.hugePages = 1;
    return o;
  }
  static uint64_t ecam(unsigned bus, unsigned dev, unsigned fn, unsigned off) {
    return (uint64_t{bus} << 20) | (uint64_t{dev} << 15) | (uint64_t{fn} << 12) | off;
  }

  std::string root_;
};

TEST_F(FakeSysfs, ConfigSpaceThroughSysfsFiles) {
  LinuxGuestHal hal(options());
  EXPECT_EQ(hal.platform().ecamBase, 0u);   // no ECAM window: the driver scans with viaConfigSpace
  EXPECT_EQ(hal.platform().ecamBuses, 2u);  // buses 0 and 1 exist
  EXPECT_EQ(hal.read(Space::Config, ecam(0, 3, 0, 0), 2), 0x1af4u);
  EXPECT_EQ(hal.read(Space::Config, ecam(0, 3, 0, 2), 2), 0x1044u);
  EXPECT_EQ(hal.read(Space::Config, ecam(0, 3, 0, 0), 4), 0x10441af4u);
  EXPECT_EQ(hal.read(Space::Config, ecam(1, 0, 0, 0), 2), 0x8086u);
  // a function that does not exist, and bytes beyond the readable part, read as all-ones
  EXPECT_EQ(hal.read(Space::Config, ecam(0, 4, 0, 0), 2), 0xffffu);
  EXPECT_EQ(hal.read(Space::Config, ecam(0, 3, 0, 0x100), 4), 0xffffffffu);
  // writes reach the file at the register's offset
  hal.write(Space::Config, ecam(0, 3, 0, 4), 0x0406, 2);
  EXPECT_EQ(hal.read(Space::Config, ecam(0, 3, 0, 4), 2), 0x0406u);
  std::ifstream f(root_ + "/0000:00:03.0/config", std::ios::binary);
  char b[6] = {};
  f.read(b, 6);
  EXPECT_EQ(static_cast<uint8_t>(b[4]), 0x06);
  EXPECT_EQ(static_cast<uint8_t>(b[5]), 0x04);
}

TEST_F(FakeSysfs, MmioSlotsFromAcpiAndWindow) {
  LinuxGuestHalOptions o = options();
  LinuxGuestHal acpiOnly(o);
  ASSERT_EQ(acpiOnly.platform().mmio.size(), 2u);
  EXPECT_EQ(acpiOnly.platform().mmio[0].base, 0xfeb02c00u);  // sorted by address
  EXPECT_EQ(acpiOnly.platform().mmio[1].base, 0xfeb02e00u);
  EXPECT_EQ(acpiOnly.platform().mmio[1].size, 0x200u);
  EXPECT_GE(acpiOnly.platform().mmio[1].line, 64u);  // no interrupt line known: always polled
  o.mmioWindowBase = 0xfeb00000;
  o.mmioSlotCount = 24;
  LinuxGuestHal window(o);
  EXPECT_EQ(window.platform().mmio.size(), 24u);  // the ACPI slots are part of the window, not added twice
  EXPECT_EQ(window.platform().mmio.front().base, 0xfeb00000u);
  EXPECT_EQ(window.platform().mmio.back().base, 0xfeb02e00u);
}

TEST_F(FakeSysfs, NoDmaMemoryIsReportedNotHidden) {
  LinuxGuestHal hal(options());
  EXPECT_FALSE(hal.ready());
  EXPECT_EQ(hal.dmaBytes(), 0u);
  EXPECT_EQ(hal.dmaAllocator().alloc(64), GuestAllocator::kFail);
  bool pagemapNote = false;
  for (const auto& n : hal.notes()) pagemapNote |= n.find("no-pagemap") != std::string::npos;
  EXPECT_TRUE(pagemapNote);
}

TEST_F(FakeSysfs, UnreachableMemoryReadsAllOnesAndIsCounted) {
  LinuxGuestHal hal(options());
  EXPECT_EQ(hal.read(Space::Memory, 0xfeb02e00, 4), 0xffffffffu);  // no /dev/mem, no BAR resource file
  hal.write(Space::Memory, 0xfeb02e70, 1, 4);
  EXPECT_EQ(hal.failedAccesses(), 2u);
}

TEST_F(FakeSysfs, PollingContract) {
  LinuxGuestHalOptions o = options();
  o.pollIntervalNs = 200'000;
  LinuxGuestHal hal(o);
  EXPECT_EQ(hal.lineLevels(), ~uint64_t{0});  // unknown: every line may be asserted, so drivers read ISR
  uint32_t data = 0;
  EXPECT_FALSE(hal.popMsi(&data));
  const uint64_t t0 = hal.nowNs();
  EXPECT_TRUE(hal.waitForInterrupt(10'000'000'000));  // "maybe": the caller polls
  const uint64_t slept = hal.nowNs() - t0;
  EXPECT_GE(slept, 200'000u);        // at least the poll interval
  EXPECT_LT(slept, 1'000'000'000u);  // never the whole timeout
  const uint64_t t1 = hal.nowNs();
  EXPECT_TRUE(hal.waitForInterrupt(0));  // a zero timeout does not sleep
  EXPECT_LT(hal.nowNs() - t1, 100'000'000u);
}

}  // namespace
}  // namespace vsim::drv

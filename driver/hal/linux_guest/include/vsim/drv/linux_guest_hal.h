// LinuxGuestHal: the driver stack's HAL for a Linux guest's user space (x86-64), with no kernel virtio driver bound.
// PCI configuration space through sysfs (/sys/bus/pci/devices/DDDD:BB:DD.F/config, Space::Config with the ECAM
// offset layout), memory BARs and virtio-mmio slots through mmap of /dev/mem (falling back to the sysfs resourceN
// files), I/O BARs through iopl(3) + in/out, DMA memory from 2 MiB hugepages whose physical addresses come from
// /proc/self/pagemap (no IOMMU: physical address = bus address). No interrupts reach user space: waitForInterrupt()
// sleeps a short poll interval and answers "maybe", so the drivers look at their used rings and the ISR again.
// Needs root (pagemap PFNs, iopl, /dev/mem). Plain C++ and Linux system calls; no SystemC.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vsim/drv/hal.h"

namespace vsim::drv {

struct LinuxGuestHalOptions {
  /// 2 MiB hugepages requested for DMA memory (the longest physically contiguous run of them is used; at least one).
  /// /proc/sys/vm/nr_hugepages must provide them.
  unsigned hugePages = 4;
  /// How long waitForInterrupt() sleeps before it reports a possible interrupt (ns). Drivers then re-check their rings.
  uint64_t pollIntervalNs = 20'000;
  /// Look for PCI functions under sysfsPciRoot (domain 0000 only).
  bool scanPci = true;
  std::string sysfsPciRoot = "/sys/bus/pci/devices";
  /// virtio-mmio slots: every /proc/iomem line that names virtioMmioAcpiId (QEMU's ACPI id for virtio-mmio) ...
  std::string iomemPath = "/proc/iomem";
  std::string virtioMmioAcpiId = "LNRO0005";
  /// ... plus an explicit window of mmioSlotCount slots of mmioSlotSize bytes from mmioWindowBase (0 = none).
  uint64_t mmioWindowBase = 0;
  unsigned mmioSlotCount = 0;
  uint64_t mmioSlotSize = 0x200;
  std::string devMemPath = "/dev/mem";
  std::string pagemapPath = "/proc/self/pagemap";
};

class LinuxGuestHal final : public Hal {
 public:
  explicit LinuxGuestHal(LinuxGuestHalOptions opts = {});
  ~LinuxGuestHal() override;
  LinuxGuestHal(const LinuxGuestHal&) = delete;
  LinuxGuestHal& operator=(const LinuxGuestHal&) = delete;

  /// True when DMA memory was set up (the one thing nothing works without).
  bool ready() const { return dmaBytes_ != 0; }
  /// What went wrong or was noticed during setup (one line each).
  const std::vector<std::string>& notes() const { return notes_; }
  /// Physical address and size of the DMA region; hugepages obtained and how many were contiguous.
  uint64_t dmaBase() const { return dmaBase_; }
  uint64_t dmaBytes() const { return dmaBytes_; }
  unsigned hugePagesObtained() const { return pagesObtained_; }
  /// Register accesses that reached nothing (unmappable address, missing config file, I/O without iopl).
  uint64_t failedAccesses() const { return failedAccesses_; }

  uint64_t read(Space space, uint64_t addr, unsigned width) override;
  void write(Space space, uint64_t addr, uint64_t value, unsigned width) override;
  GuestMemory& dmaMemory() override { return mem_; }
  GuestAllocator& dmaAllocator() override { return *alloc_; }
  /// Unknown (no interrupt reaches user space): every line reads as asserted, so the drivers read ISR /
  /// InterruptStatus.
  uint64_t lineLevels() override { return ~uint64_t{0}; }
  bool popMsi(uint32_t*) override { return false; }
  bool waitForInterrupt(uint64_t timeoutNs) override;
  uint64_t nowNs() override;
  const PlatformDesc& platform() const override { return desc_; }

 private:
  struct Mapping {
    uint64_t phys = 0, size = 0;
    volatile uint8_t* ptr = nullptr;
    void* base = nullptr;  ///< what mmap returned (page-aligned)
    uint64_t mapLen = 0;
  };
  void setUpDma();
  void setUpPlatform();
  volatile uint8_t* memoryPointer(uint64_t addr, unsigned width);
  bool mapPhys(uint64_t addr, Mapping* out);
  int configFd(uint64_t ecamOffset);
  uint64_t ioRead(uint64_t port, unsigned width);
  void ioWrite(uint64_t port, uint64_t value, unsigned width);

  LinuxGuestHalOptions opts_;
  PlatformDesc desc_;
  GuestMemory mem_;
  std::unique_ptr<GuestAllocator> alloc_;
  std::vector<std::string> notes_;
  uint64_t dmaBase_ = 0, dmaBytes_ = 0;
  unsigned pagesObtained_ = 0;
  void* dmaVa_ = nullptr;
  uint64_t dmaVaLen_ = 0;
  std::vector<Mapping> maps_;
  std::map<uint32_t, int> configFds_;  ///< key: bus << 8 | devfn; -1 = no such function
  int devMem_ = -1;
  bool ioAllowed_ = false;
  uint64_t failedAccesses_ = 0;
};

}  // namespace vsim::drv

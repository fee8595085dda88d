// LinuxGuestHal: register access (sysfs config, /dev/mem, port I/O), platform description, time.
// DMA memory setup lives in dma_pages.cpp.
#include "vsim/drv/linux_guest_hal.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace vsim::drv {

namespace {

constexpr uint64_t kPage = 4096;

/// "0000:BB:DD.F" of a sysfs PCI directory entry; false for other names or other domains.
bool parsePciName(const char* name, unsigned* bus, unsigned* dev, unsigned* fn) {
  unsigned domain = 0;
  return std::sscanf(name, "%x:%x:%x.%x", &domain, bus, dev, fn) == 4 && domain == 0;
}

uint64_t allOnes(unsigned width) { return width >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * width)) - 1; }

}  // namespace

LinuxGuestHal::LinuxGuestHal(LinuxGuestHalOptions opts) : opts_(std::move(opts)) {
  if (iopl(3) == 0)
    ioAllowed_ = true;
  else
    notes_.push_back(std::string("iopl(3) failed: ") + std::strerror(errno) + " (no port I/O)");
  devMem_ = ::open(opts_.devMemPath.c_str(), O_RDWR | O_SYNC | O_CLOEXEC);
  if (devMem_ < 0) notes_.push_back("cannot open " + opts_.devMemPath + ": " + std::strerror(errno));
  setUpDma();
  if (!alloc_) alloc_ = std::make_unique<GuestAllocator>(0, 0);
  setUpPlatform();
}

LinuxGuestHal::~LinuxGuestHal() {
  for (auto& m : maps_) munmap(m.base, m.mapLen);
  for (auto& [key, fd] : configFds_)
    if (fd >= 0) ::close(fd);
  if (devMem_ >= 0) ::close(devMem_);
  if (dmaVa_) munmap(dmaVa_, dmaVaLen_);
}

void LinuxGuestHal::setUpPlatform() {
  desc_.ramBase = dmaBase_;
  desc_.ramSize = dmaBytes_;
  desc_.ecamBase = 0;  // no ECAM window: the driver scans with PciScanOptions::viaConfigSpace
  desc_.ecamBuses = 0;
  if (opts_.scanPci) {
    if (DIR* d = opendir(opts_.sysfsPciRoot.c_str())) {
      unsigned maxBus = 0;
      bool any = false;
      while (dirent* e = readdir(d)) {
        unsigned bus = 0, dev = 0, fn = 0;
        if (!parsePciName(e->d_name, &bus, &dev, &fn)) continue;
        any = true;
        maxBus = std::max(maxBus, bus);
      }
      closedir(d);
      if (any) desc_.ecamBuses = static_cast<uint8_t>(std::min(maxBus + 1, 255u));
    }
  }
  // virtio-mmio slots the firmware (ACPI) declared
  std::ifstream iomem(opts_.iomemPath);
  std::string line;
  while (std::getline(iomem, line)) {
    if (opts_.virtioMmioAcpiId.empty() || line.find(opts_.virtioMmioAcpiId) == std::string::npos) continue;
    uint64_t start = 0, end = 0;
    if (std::sscanf(line.c_str(), " %" SCNx64 "-%" SCNx64, &start, &end) != 2 || end <= start) continue;
    if (start == 0) {
      notes_.push_back("/proc/iomem hides addresses (not root?)");
      continue;
    }
    desc_.mmio.push_back(PlatformDesc::MmioSlot{start, end - start + 1, 64});  // line 64: not known, always polled
  }
  for (unsigned i = 0; i < opts_.mmioSlotCount && opts_.mmioWindowBase; ++i) {
    const uint64_t base = opts_.mmioWindowBase + i * opts_.mmioSlotSize;
    bool known = false;
    for (const auto& s : desc_.mmio) known |= s.base == base;
    if (!known) desc_.mmio.push_back(PlatformDesc::MmioSlot{base, opts_.mmioSlotSize, 64});
  }
  std::sort(desc_.mmio.begin(), desc_.mmio.end(), [](const auto& a, const auto& b) { return a.base < b.base; });
}

// ---------------------------------------------------------------------------------------------------------------
// Register access

uint64_t LinuxGuestHal::read(Space space, uint64_t addr, unsigned width) {
  switch (space) {
    case Space::Config: {
      const int fd = configFd(addr);
      uint64_t v = 0;
      if (fd < 0 || pread(fd, &v, width, static_cast<off_t>(addr & 0xfff)) != static_cast<ssize_t>(width)) {
        return allOnes(width);  // no such function, or beyond the readable part of its configuration space
      }
      return v;
    }
    case Space::Io:
      return ioRead(addr, width);
    case Space::Memory: {
      volatile uint8_t* p = memoryPointer(addr, width);
      if (!p) {
        ++failedAccesses_;
        return allOnes(width);
      }
      switch (width) {
        case 1:
          return *p;
        case 2:
          return *reinterpret_cast<volatile uint16_t*>(p);
        case 4:
          return *reinterpret_cast<volatile uint32_t*>(p);
        default: {  // two 32-bit halves, low first (what device register files expect)
          const uint64_t lo = *reinterpret_cast<volatile uint32_t*>(p);
          const uint64_t hi = *reinterpret_cast<volatile uint32_t*>(p + 4);
          return lo | (hi << 32);
        }
      }
    }
  }
  return allOnes(width);
}

void LinuxGuestHal::write(Space space, uint64_t addr, uint64_t value, unsigned width) {
  switch (space) {
    case Space::Config: {
      const int fd = configFd(addr);
      if (fd < 0 || pwrite(fd, &value, width, static_cast<off_t>(addr & 0xfff)) != static_cast<ssize_t>(width))
        ++failedAccesses_;
      return;
    }
    case Space::Io:
      ioWrite(addr, value, width);
      return;
    case Space::Memory: {
      volatile uint8_t* p = memoryPointer(addr, width);
      if (!p) {
        ++failedAccesses_;
        return;
      }
      switch (width) {
        case 1:
          *p = static_cast<uint8_t>(value);
          return;
        case 2:
          *reinterpret_cast<volatile uint16_t*>(p) = static_cast<uint16_t>(value);
          return;
        case 4:
          *reinterpret_cast<volatile uint32_t*>(p) = static_cast<uint32_t>(value);
          return;
        default:
          *reinterpret_cast<volatile uint32_t*>(p) = static_cast<uint32_t>(value);
          *reinterpret_cast<volatile uint32_t*>(p + 4) = static_cast<uint32_t>(value >> 32);
          return;
      }
    }
  }
}

int LinuxGuestHal::configFd(uint64_t ecamOffset) {
  const unsigned bus = static_cast<unsigned>((ecamOffset >> 20) & 0xff);
  const unsigned dev = static_cast<unsigned>((ecamOffset >> 15) & 0x1f);
  const unsigned fn = static_cast<unsigned>((ecamOffset >> 12) & 0x7);
  const uint32_t key = (bus << 8) | (dev << 3) | fn;
  auto it = configFds_.find(key);
  if (it != configFds_.end()) return it->second;
  char path[512];
  std::snprintf(path, sizeof path, "%s/0000:%02x:%02x.%x/config", opts_.sysfsPciRoot.c_str(), bus, dev, fn);
  const int fd = ::open(path, O_RDWR | O_CLOEXEC);
  configFds_[key] = fd;
  return fd;
}

volatile uint8_t* LinuxGuestHal::memoryPointer(uint64_t addr, unsigned width) {
  for (const auto& m : maps_)
    if (addr >= m.phys && addr - m.phys + width <= m.size) return m.ptr + (addr - m.phys);
  Mapping m;
  if (!mapPhys(addr, &m)) return nullptr;
  maps_.push_back(m);
  if (addr - m.phys + width > m.size) return nullptr;  // straddles a page: not a register access
  return m.ptr + (addr - m.phys);
}

bool LinuxGuestHal::mapPhys(uint64_t addr, Mapping* out) {
  const uint64_t page = addr & ~(kPage - 1);
  // /dev/mem first: allowed for MMIO that no kernel driver claimed (CONFIG_STRICT_DEVMEM / IO_STRICT_DEVMEM)
  if (devMem_ >= 0) {
    void* p = mmap(nullptr, kPage, PROT_READ | PROT_WRITE, MAP_SHARED, devMem_, static_cast<off_t>(page));
    if (p != MAP_FAILED) {
      *out = Mapping{page, kPage, static_cast<volatile uint8_t*>(p), p, kPage};
      return true;
    }
  }
  // else the sysfs resource file of the PCI BAR that holds the address
  DIR* d = opendir(opts_.sysfsPciRoot.c_str());
  if (!d) return false;
  bool ok = false;
  while (dirent* e = readdir(d)) {
    unsigned bus = 0, dev = 0, fn = 0;
    if (!parsePciName(e->d_name, &bus, &dev, &fn)) continue;
    std::ifstream res(opts_.sysfsPciRoot + "/" + e->d_name + "/resource");
    std::string line;
    for (int bar = 0; bar < 6 && std::getline(res, line); ++bar) {
      uint64_t start = 0, end = 0, flags = 0;
      if (std::sscanf(line.c_str(), "%" SCNx64 " %" SCNx64 " %" SCNx64, &start, &end, &flags) != 3) continue;
      if (start == 0 || page < start || page > end) continue;
      const std::string path = opts_.sysfsPciRoot + "/" + e->d_name + "/resource" + std::to_string(bar);
      const int fd = ::open(path.c_str(), O_RDWR | O_SYNC | O_CLOEXEC);
      if (fd < 0) continue;
      void* p = mmap(nullptr, kPage, PROT_READ | PROT_WRITE, MAP_SHARED, fd, static_cast<off_t>(page - start));
      ::close(fd);
      if (p == MAP_FAILED) continue;
      *out = Mapping{page, kPage, static_cast<volatile uint8_t*>(p), p, kPage};
      ok = true;
      break;
    }
    if (ok) break;
  }
  closedir(d);
  return ok;
}

uint64_t LinuxGuestHal::ioRead(uint64_t port, unsigned width) {
  if (!ioAllowed_ || port > 0xffff) {
    ++failedAccesses_;
    return allOnes(width);
  }
  const auto p = static_cast<unsigned short>(port);
  switch (width) {
    case 1:
      return inb(p);
    case 2:
      return inw(p);
    case 4:
      return inl(p);
    default:
      return uint64_t{inl(p)} | (uint64_t{inl(static_cast<unsigned short>(p + 4))} << 32);
  }
}

void LinuxGuestHal::ioWrite(uint64_t port, uint64_t value, unsigned width) {
  if (!ioAllowed_ || port > 0xffff) {
    ++failedAccesses_;
    return;
  }
  const auto p = static_cast<unsigned short>(port);
  switch (width) {
    case 1:
      outb(static_cast<unsigned char>(value), p);
      return;
    case 2:
      outw(static_cast<unsigned short>(value), p);
      return;
    case 4:
      outl(static_cast<unsigned>(value), p);
      return;
    default:
      outl(static_cast<unsigned>(value), p);
      outl(static_cast<unsigned>(value >> 32), static_cast<unsigned short>(p + 4));
      return;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Time

bool LinuxGuestHal::waitForInterrupt(uint64_t timeoutNs) {
  const uint64_t ns = std::min(timeoutNs, opts_.pollIntervalNs);
  if (ns) {
    timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
    nanosleep(&ts, nullptr);
  }
  return true;  // nothing tells user space about interrupts: "maybe", so the caller polls the device
}

uint64_t LinuxGuestHal::nowNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace vsim::drv

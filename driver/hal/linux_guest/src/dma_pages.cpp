// LinuxGuestHal DMA memory: 2 MiB hugepages (they never migrate), physical addresses from /proc/self/pagemap, the
// longest physically contiguous run moved (mremap) into one virtually contiguous window so that the whole run is
// one GuestMemory region with one bump allocator over it.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "vsim/drv/linux_guest_hal.h"

namespace vsim::drv {

namespace {

constexpr uint64_t kHugePage = 2ull << 20;
constexpr uint64_t kSmallPage = 4096;

/// Physical address of the 4 KiB page holding va (pagemap: bit 63 present, bits 0..54 PFN). False when unknown
/// (not present, or PFN 0 as shown to readers without CAP_SYS_ADMIN).
bool physicalAddress(int pagemap, const void* va, uint64_t* pa) {
  uint64_t entry = 0;
  const off_t off = static_cast<off_t>(reinterpret_cast<uintptr_t>(va) / kSmallPage * sizeof entry);
  if (pread(pagemap, &entry, sizeof entry, off) != static_cast<ssize_t>(sizeof entry)) return false;
  const uint64_t pfn = entry & ((uint64_t{1} << 55) - 1);
  if (!(entry >> 63) || pfn == 0) return false;
  *pa = pfn * kSmallPage + reinterpret_cast<uintptr_t>(va) % kSmallPage;
  return true;
}

/// Every 4 KiB piece of the hugepage at va maps linearly from its first physical address.
bool linear(int pagemap, uint8_t* va, uint64_t pa0) {
  for (uint64_t off = kSmallPage; off < kHugePage; off += kSmallPage) {
    uint64_t pa = 0;
    if (!physicalAddress(pagemap, va + off, &pa) || pa != pa0 + off) return false;
  }
  return true;
}

struct HugePage {
  uint8_t* va = nullptr;
  uint64_t pa = 0;
};

}  // namespace

void LinuxGuestHal::setUpDma() {
  const int pagemap = ::open(opts_.pagemapPath.c_str(), O_RDONLY | O_CLOEXEC);
  if (pagemap < 0) {
    notes_.push_back("cannot open " + opts_.pagemapPath + ": " + std::strerror(errno));
    return;
  }
  std::vector<HugePage> pages;
  for (unsigned i = 0; i < std::max(1u, opts_.hugePages); ++i) {
    void* p = mmap(nullptr, kHugePage, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_POPULATE | MAP_LOCKED, -1, 0);
    if (p == MAP_FAILED) {
      notes_.push_back("hugepage " + std::to_string(i) + ": " + std::strerror(errno) + " (vm.nr_hugepages too small?)");
      break;
    }
    auto* va = static_cast<uint8_t*>(p);
    std::memset(va, 0, kHugePage);
    uint64_t pa = 0;
    if (!physicalAddress(pagemap, va, &pa) || pa % kHugePage != 0 || !linear(pagemap, va, pa)) {
      notes_.push_back("hugepage " + std::to_string(i) + ": no usable physical address in pagemap");
      munmap(p, kHugePage);
      continue;
    }
    pages.push_back(HugePage{va, pa});
  }
  pagesObtained_ = static_cast<unsigned>(pages.size());
  if (pages.empty()) {
    ::close(pagemap);
    return;
  }
  std::sort(pages.begin(), pages.end(), [](const HugePage& a, const HugePage& b) { return a.pa < b.pa; });
  // the longest run of physically adjacent pages
  size_t bestFirst = 0, bestLen = 1;
  for (size_t i = 0, runFirst = 0; i < pages.size(); ++i) {
    if (i > 0 && pages[i].pa != pages[i - 1].pa + kHugePage) runFirst = i;
    if (i - runFirst + 1 > bestLen) {
      bestLen = i - runFirst + 1;
      bestFirst = runFirst;
    }
  }
  // a 2 MiB-aligned virtual window for the run, filled in physical order
  const uint64_t runBytes = bestLen * kHugePage;
  void* window = mmap(nullptr, runBytes + kHugePage, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  bool moved = window != MAP_FAILED;
  uint8_t* base = nullptr;
  if (moved) {
    const uintptr_t w = reinterpret_cast<uintptr_t>(window);
    const uintptr_t aligned = (w + kHugePage - 1) & ~(kHugePage - 1);
    if (aligned > w) munmap(window, aligned - w);
    if (aligned + runBytes < w + runBytes + kHugePage)
      munmap(reinterpret_cast<void*>(aligned + runBytes), w + kHugePage - aligned);
    base = reinterpret_cast<uint8_t*>(aligned);
    for (size_t k = 0; k < bestLen && moved; ++k) {
      HugePage& hp = pages[bestFirst + k];
      void* target = base + k * kHugePage;
      void* r = mremap(hp.va, kHugePage, kHugePage, MREMAP_MAYMOVE | MREMAP_FIXED, target);
      uint64_t pa = 0;
      if (r == MAP_FAILED || !physicalAddress(pagemap, target, &pa) || pa != hp.pa) {
        notes_.push_back(std::string("mremap of a hugepage failed: ") + std::strerror(errno) + "; using one page");
        moved = false;
        if (r != MAP_FAILED) hp.va = static_cast<uint8_t*>(r);
        break;
      }
      hp.va = static_cast<uint8_t*>(r);
    }
  }
  if (moved) {
    dmaVa_ = base;
    dmaVaLen_ = runBytes;
    dmaBase_ = pages[bestFirst].pa;
    dmaBytes_ = runBytes;
  } else {
    // keep the first page of the run wherever it lives now; the rest of the window and the other pages go back
    const HugePage keep = pages[bestFirst];
    if (base)
      for (size_t k = 0; k < bestLen; ++k)
        if (base + k * kHugePage != keep.va) munmap(base + k * kHugePage, kHugePage);
    dmaVa_ = keep.va;
    dmaVaLen_ = kHugePage;
    dmaBase_ = keep.pa;
    dmaBytes_ = kHugePage;
  }
  for (const auto& hp : pages)
    if (hp.va < static_cast<uint8_t*>(dmaVa_) || hp.va >= static_cast<uint8_t*>(dmaVa_) + dmaVaLen_)
      munmap(hp.va, kHugePage);
  ::close(pagemap);
  mem_.addRegion(dmaBase_, dmaBytes_, static_cast<uint8_t*>(dmaVa_));
  alloc_ = std::make_unique<GuestAllocator>(dmaBase_, dmaBytes_);
}

}  // namespace vsim::drv

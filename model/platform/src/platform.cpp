#include "vsim/model/platform.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace vsim::model {

namespace {

struct Span {
  const char* name;
  uint64_t base, size;
};

bool overlaps(const Span& a, const Span& b) {
  return a.size && b.size && a.base <= b.base + (b.size - 1) && b.base <= a.base + (a.size - 1);
}

std::string hexs(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

PciWindows windowsOf(const PlatformLayout& l) {
  PciWindows w;
  w.mem32Base = l.pciMem32Base;
  w.mem32Size = l.pciMem32Size;
  w.mem64Base = l.pciMem64Base;
  w.mem64Size = l.pciMem64Size;
  w.ioBase = l.pciIoBase;
  w.ioSize = l.pciIoSize;
  w.ecamBuses = l.ecamBuses;
  return w;
}

const PlatformLayout& checked(const PlatformLayout& l) {
  std::string why = l.validate();
  if (!why.empty()) throw std::invalid_argument("PlatformLayout: " + why);
  return l;
}

}  // namespace

std::string PlatformLayout::validate() const {
  if (ramSize == 0) return "ramSize is 0";
  if (ecamBuses == 0) return "ecamBuses is 0";
  if (mmioSlotSize == 0 || mmioSlotSize > mmioStride) return "mmioSlotSize must be 1..mmioStride bytes";
  const Span spans[] = {
      {"ram", ramBase, ramSize},
      {"ecam", ecamBase, uint64_t{ecamBuses} * PciHostBridge::kBusCfgSize},
      {"pci mem32", pciMem32Base, pciMem32Size},
      {"pci mem64", pciMem64Base, pciMem64Size},
      {"mmio slots", mmioBase, uint64_t{mmioSlots} * mmioStride},
      {"msi", msiAddress, 4},
  };
  for (const Span& s : spans)
    if (s.size && s.base + (s.size - 1) < s.base) return std::string(s.name) + " wraps past 2^64";
  for (size_t i = 0; i < std::size(spans); ++i)
    for (size_t j = i + 1; j < std::size(spans); ++j)
      if (overlaps(spans[i], spans[j]))
        return std::string(spans[i].name) + " [" + hexs(spans[i].base) + "] overlaps " + spans[j].name + " [" +
               hexs(spans[j].base) + "]";
  if (pciMem32Size && pciMem32Base + (pciMem32Size - 1) > 0xffffffffull) return "pci mem32 window is not below 4 GiB";
  if (pciIoSize && (pciIoBase > 0xffff || pciIoSize > 0x10000 - pciIoBase)) return "pci I/O window exceeds 64 KiB";
  if (pciIntxLineBase + PciHostBridge::kDevices > InterruptController::kLines)
    return "PCI INTx lines pciIntxLineBase..+31 exceed the 64 lines";
  if (mmioLineBase + mmioSlots > InterruptController::kLines) return "virtio-mmio lines exceed the 64 lines";
  const unsigned pciLo = pciIntxLineBase, pciHi = pciIntxLineBase + PciHostBridge::kDevices;
  if (mmioSlots && mmioLineBase < pciHi && pciLo < mmioLineBase + mmioSlots)
    return "virtio-mmio lines overlap the PCI INTx lines";
  return {};
}

Platform::Platform(const PlatformLayout& layout)
    : l_(checked(layout)), ram_(l_.ramSize, l_.ramBase), pci_(windowsOf(l_)), intc_(l_.msiAddress) {
  bus_.map().map(Space::Memory, l_.ramBase, l_.ramSize, ramTarget_, "ram");
  bus_.map().map(Space::Memory, l_.ecamBase, pci_.ecamSize(), pci_.ecam(), "pci-ecam");
  if (l_.pciMem32Size) bus_.map().map(Space::Memory, l_.pciMem32Base, l_.pciMem32Size, pci_.mem32Window(), "pci-mem32");
  if (l_.pciMem64Size) bus_.map().map(Space::Memory, l_.pciMem64Base, l_.pciMem64Size, pci_.mem64Window(), "pci-mem64");
  if (l_.pciIoSize) bus_.map().map(Space::Io, l_.pciIoBase, l_.pciIoSize, pci_.ioWindow(), "pci-io");
  intc_.setDecodeErrorBus(&bus_);
}

Platform::~Platform() = default;

bool Platform::attachPci(unsigned device, PciFunction& fn, std::string name) {
  if (!pci_.attach(device, fn)) return false;
  const unsigned line = pciIntxLine(device);
  fn.connectInterrupts(&intc_, line);
  pci_devs_.push_back(PciAttachment{device, line, std::move(name), &fn});
  return true;
}

int Platform::freePciDevice() const {
  for (unsigned d = 0; d < PciHostBridge::kDevices; ++d)
    if (!pci_.function(d)) return static_cast<int>(d);
  return -1;
}

int Platform::freeMmioSlot() const {
  for (unsigned s = 0; s < l_.mmioSlots; ++s)
    if (std::none_of(mmio_.begin(), mmio_.end(), [&](const MmioAttachment& a) { return a.slot == s; }))
      return static_cast<int>(s);
  return -1;
}

int Platform::attachMmio(BusTarget& target, std::string name, int slot) {
  if (slot < 0) slot = freeMmioSlot();
  if (slot < 0 || static_cast<unsigned>(slot) >= l_.mmioSlots) return -1;
  const auto s = static_cast<unsigned>(slot);
  if (!bus_.map().map(Space::Memory, mmioSlotBase(s), l_.mmioSlotSize, target, name)) return -1;
  MmioAttachment a{s, mmioSlotBase(s), l_.mmioSlotSize, mmioSlotLine(s), std::move(name), &target};
  mmio_.insert(std::upper_bound(mmio_.begin(), mmio_.end(), a,
                                [](const MmioAttachment& x, const MmioAttachment& y) { return x.slot < y.slot; }),
               std::move(a));
  return slot;
}

PlatformMap Platform::map() const {
  PlatformMap m;
  m.ecamBase = l_.ecamBase;
  m.ecamBuses = l_.ecamBuses;
  m.pciMem32Base = l_.pciMem32Base;
  m.pciMem32Size = l_.pciMem32Size;
  m.pciMem64Base = l_.pciMem64Base;
  m.pciMem64Size = l_.pciMem64Size;
  m.pciIoBase = l_.pciIoBase;
  m.pciIoSize = l_.pciIoSize;
  m.pciIntxLineBase = l_.pciIntxLineBase;
  m.msiAddress = l_.msiAddress;
  for (const auto& a : mmio_) m.mmio.push_back(PlatformMap::MmioSlot{a.base, a.size, a.line});
  m.ramBase = l_.ramBase;
  m.ramSize = l_.ramSize;
  return m;
}

}  // namespace vsim::model

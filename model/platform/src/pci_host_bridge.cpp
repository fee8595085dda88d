#include "vsim/model/pci_host_bridge.h"

#include <cstdio>
#include <cstring>

namespace vsim::model {

namespace {
std::string bdf(unsigned dev, unsigned fn) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "00:%02x.%u", dev, fn);
  return buf;
}
}  // namespace

PciHostBridge::PciHostBridge(const PciWindows& windows) : w_(windows) {}

bool PciHostBridge::attach(unsigned device, PciFunction& fn, unsigned function) {
  if (device >= kDevices || function >= kFunctions) return false;
  PciFunction*& slot = fns_[device * kFunctions + function];
  if (slot) return false;
  slot = &fn;
  invalidate();
  return true;
}

PciFunction* PciHostBridge::function(unsigned device, unsigned function) const {
  if (device >= kDevices || function >= kFunctions) return nullptr;
  return fns_[device * kFunctions + function];
}

// ---------------------------------------------------------------------------------------------------------------
// ECAM: offset = bus << 20 | device << 15 | function << 12 | register

bool PciHostBridge::Ecam::read(uint64_t off, void* data, unsigned len) {
  if ((len != 1 && len != 2 && len != 4) || (off & (len - 1)) != 0) return false;  // config accesses: <= 1 dword
  ++hb_.stats_.cfgReads;
  const unsigned bus = static_cast<unsigned>(off >> 20);
  const unsigned dev = static_cast<unsigned>(off >> 15) & 31, fn = static_cast<unsigned>(off >> 12) & 7;
  PciFunction* f = bus == 0 ? hb_.function(dev, fn) : nullptr;
  if (!f) {
    std::memset(data, 0xff, len);  // no function there: all-ones, the normal answer while enumerating
    return true;
  }
  const uint32_t v = f->cfgRead(static_cast<uint16_t>(off & 0xfff), len);
  std::memcpy(data, &v, len);
  return true;
}

bool PciHostBridge::Ecam::write(uint64_t off, const void* data, unsigned len) {
  if ((len != 1 && len != 2 && len != 4) || (off & (len - 1)) != 0) return false;
  ++hb_.stats_.cfgWrites;
  const unsigned bus = static_cast<unsigned>(off >> 20);
  const unsigned dev = static_cast<unsigned>(off >> 15) & 31, fn = static_cast<unsigned>(off >> 12) & 7;
  PciFunction* f = bus == 0 ? hb_.function(dev, fn) : nullptr;
  if (!f) return true;  // writes to an absent function are dropped
  uint32_t v = 0;
  std::memcpy(&v, data, len);
  f->cfgWrite(static_cast<uint16_t>(off & 0xfff), v, len);
  hb_.invalidate();  // BARs or the command register may have changed
  return true;
}

std::string PciHostBridge::Ecam::regName(uint64_t off) const {
  const unsigned bus = static_cast<unsigned>(off >> 20);
  if (bus != 0) return {};
  const unsigned dev = static_cast<unsigned>(off >> 15) & 31, fn = static_cast<unsigned>(off >> 12) & 7;
  char buf[24];
  std::snprintf(buf, sizeof buf, "/cfg+0x%03x", static_cast<unsigned>(off & 0xfff));
  return bdf(dev, fn) + buf;
}

// ---------------------------------------------------------------------------------------------------------------
// BAR routing

bool PciHostBridge::stillDecodes(const Decoded& d) {
  const BarInfo info = d.fn->barInfo(d.bar);
  if (!info.present || info.size != d.size || info.io != (d.space == Space::Io)) return false;
  if (!(info.io ? d.fn->ioDecode() : d.fn->memoryDecode())) return false;
  return d.fn->barAddress(d.bar) == d.base;
}

void PciHostBridge::rebuild() {
  ++stats_.cacheRebuilds;
  decoded_.clear();
  for (unsigned dev = 0; dev < kDevices; ++dev) {
    for (unsigned fn = 0; fn < kFunctions; ++fn) {
      PciFunction* f = fns_[dev * kFunctions + fn];
      if (!f) continue;
      const bool mem = f->memoryDecode(), io = f->ioDecode();
      for (unsigned bar = 0; bar < kBars; ++bar) {
        const BarInfo info = f->barInfo(bar);
        if (!info.present || info.size == 0) continue;
        if (info.io ? io : mem) {
          const uint64_t base = f->barAddress(bar);
          if (base + (info.size - 1) >= base)  // a BAR that wraps decodes nothing
            decoded_.push_back(Decoded{info.io ? Space::Io : Space::Memory, base, info.size, dev, fn, bar, f});
        }
        if (info.is64) ++bar;  // the upper half is not a BAR of its own
      }
    }
  }
  builtFor_ = generation_;
}

const PciHostBridge::Decoded* PciHostBridge::find(Space space, uint64_t addr) const {
  for (const Decoded& d : decoded_)
    if (d.space == space && addr >= d.base && addr - d.base <= d.size - 1) return &d;
  return nullptr;
}

std::optional<PciHostBridge::Route> PciHostBridge::resolve(Space space, uint64_t addr, unsigned len) {
  if (len == 0) return std::nullopt;
  if (builtFor_ != generation_) rebuild();
  const Decoded* d = find(space, addr);
  // A miss or a stale hit: BARs may have been programmed behind the bridge's back (not through ECAM); look again.
  if (!d || !stillDecodes(*d)) {
    rebuild();
    d = find(space, addr);
  }
  if (!d) return std::nullopt;
  const uint64_t off = addr - d->base;
  if (len - 1 > d->size - 1 - off) return std::nullopt;  // runs past the BAR's end
  BusTarget* t = d->fn->barTarget(d->bar);
  if (!t) return std::nullopt;
  return Route{d->fn, d->device, d->function, d->bar, d->base, off, t};
}

bool PciHostBridge::routeRead(Space space, uint64_t addr, void* data, unsigned len) {
  if (auto r = resolve(space, addr, len)) {
    ++stats_.routed;
    if (r->target->read(r->offset, data, len)) return true;
    std::memset(data, 0xff, len);
    return false;
  }
  ++stats_.unclaimed;
  std::memset(data, 0xff, len);  // nobody claims it: all-ones
  return false;
}

bool PciHostBridge::routeWrite(Space space, uint64_t addr, const void* data, unsigned len) {
  if (auto r = resolve(space, addr, len)) {
    ++stats_.routed;
    return r->target->write(r->offset, data, len);
  }
  ++stats_.unclaimed;
  return false;
}

std::string PciHostBridge::Window::regName(uint64_t off) const {
  auto r = hb_.resolve(space_, base_ + off, 1);
  if (!r) return {};
  std::string s = bdf(r->device, r->function) + "/BAR" + std::to_string(r->bar);
  std::string reg = r->target->regName(r->offset);
  if (!reg.empty()) s += "/" + reg;
  return s;
}

}  // namespace vsim::model

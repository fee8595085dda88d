// PCI enumeration, BAR sizing/assignment, the virtio capability walk, MSI-X programming and the MSI mailbox.
#include "vsim/drv/pci.h"

#include <algorithm>
#include <bitset>
#include <cstdio>

#include "vsim/drv/device_clauses.h"

namespace vsim::drv {

namespace {

void report(ViolationSink& sink, const char* clause, const char* kind, std::string message, std::vector<Evidence> ev) {
  Violation v;
  v.clause = clause;
  v.kind = kind;
  v.message = std::move(message);
  v.culprit = Culprit::Device;
  v.evidence = std::move(ev);
  sink.report(std::move(v));
}

constexpr bool isPow2(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

bool knownCfgType(uint8_t t) {
  switch (t) {
    case pci::kCapCommonCfg: case pci::kCapNotifyCfg: case pci::kCapIsrCfg: case pci::kCapDeviceCfg:
    case pci::kCapPciCfg: case pci::kCapSharedMemoryCfg: case pci::kCapVendorCfg:
      return true;
    default:
      return false;
  }
}

/// Smallest cap_len that holds the structure of each cfg_type (struct virtio_pci_cap and its extra fields).
uint8_t minCapLen(uint8_t t) {
  switch (t) {
    case pci::kCapNotifyCfg: return sizeof(pci::VirtioPciNotifyCap);  // + notify_off_multiplier
    case pci::kCapPciCfg: return sizeof(pci::VirtioPciCfgCap);        // + pci_cfg_data
    case pci::kCapSharedMemoryCfg: return sizeof(pci::VirtioPciCap) + 8;  // virtio_pci_cap64: + offset_hi, length_hi
    case pci::kCapVendorCfg: return 6;                                  // cap_vndr .. vendor_id
    default: return sizeof(pci::VirtioPciCap);
  }
}

}  // namespace

std::string PciAddr::str() const {
  char b[16];
  std::snprintf(b, sizeof b, "%02x:%02x.%x", bus, dev, fn);
  return b;
}

// --- resources ---

PciResourceAllocator::PciResourceAllocator(const PlatformDesc& p) {
  mem32_ = Window{p.pciMem32Base, p.pciMem32Size, p.pciMem32Base};
  mem64_ = Window{p.pciMem64Base, p.pciMem64Size, p.pciMem64Base};
  io_ = Window{p.pciIoBase, p.pciIoSize, p.pciIoBase};
}

bool PciResourceAllocator::Window::take(uint64_t sz, uint64_t* out) {
  if (size == 0 || !isPow2(sz)) return false;
  const uint64_t a = (next + sz - 1) & ~(sz - 1);  // BARs are naturally aligned
  if (a < next || a - base > size || sz > size - (a - base)) return false;
  *out = a;
  next = a + sz;
  return true;
}

bool PciResourceAllocator::alloc(bool io, bool is64, bool prefetchable, uint64_t size, uint64_t* addr) {
  (void)prefetchable;
  if (io) return io_.take(size, addr);
  if (is64 && mem64_.take(size, addr)) return true;
  // a 64-bit BAR may also live below 4 GiB; a 32-bit one must
  uint64_t a = 0;
  if (!mem32_.take(size, &a)) return false;
  if (!is64 && a + size > (uint64_t{1} << 32)) return false;
  *addr = a;
  return true;
}

uint16_t pciVirtioType(uint16_t vendor, uint16_t device, uint16_t subsysId, bool* transitional) {
  if (transitional) *transitional = false;
  // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Discovery#1: vendor 0x1af4, 0x1040 + type
  if (vendor != pci::kVendorRedHatQumranet) return 0;
  if (device >= pci::kModernDeviceIdBase && device <= 0x107f) return static_cast<uint16_t>(device - pci::kModernDeviceIdBase);
  // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Discovery#2: transitional ids as well
  if (device >= pci::kTransitionalDeviceIdFirst && device <= pci::kTransitionalDeviceIdLast) {
    if (transitional) *transitional = true;
    return subsysId;  // a transitional device names its virtio type in the subsystem device id
  }
  return 0;
}

void sizePciBars(PciConfigSpace& cfg, PciFunctionInfo& fn, PciResourceAllocator* alloc) {
  uint16_t cmd = cfg.read16(pci::kCfgCommand);
  // decoding off while the BARs hold all-ones (they would decode a bogus range otherwise)
  cfg.write16(pci::kCfgCommand, static_cast<uint16_t>(cmd & ~(pci::kCmdIo | pci::kCmdMemory)));
  bool anyMem = false, anyIo = false;
  for (unsigned i = 0; i < 6; ++i) {
    PciBar& b = fn.bars[i];
    b = PciBar{};
    const uint16_t reg = static_cast<uint16_t>(pci::kCfgBar0 + 4 * i);
    const uint32_t orig = cfg.read32(reg);
    cfg.write32(reg, 0xffffffffu);
    const uint32_t v = cfg.read32(reg);
    cfg.write32(reg, orig);
    if (v == 0 || v == 0xffffffffu) continue;  // not implemented (all-ones: nothing answered)
    if (v & pci::kBarIo) {
      uint32_t mask = v & ~3u;
      if ((mask & 0xffff0000u) == 0) mask |= 0xffff0000u;  // 16-bit I/O decoder
      b.io = true;
      b.size = uint64_t{static_cast<uint32_t>(~mask + 1)};
    } else {
      b.prefetchable = (v & pci::kBarPrefetch) != 0;
      b.is64 = ((v >> 1) & 3u) == 2;
      if (b.is64) {
        if (i == 5) continue;  // a 64-bit BAR cannot start in the last register
        const uint16_t hiReg = static_cast<uint16_t>(reg + 4);
        const uint32_t origHi = cfg.read32(hiReg);
        cfg.write32(hiReg, 0xffffffffu);
        const uint32_t hi = cfg.read32(hiReg);
        cfg.write32(hiReg, origHi);
        const uint64_t mask = (uint64_t{hi} << 32) | (v & ~0xfu);
        b.size = ~mask + 1;
      } else {
        b.size = uint64_t{static_cast<uint32_t>(~(v & ~0xfu) + 1)};
      }
    }
    b.present = isPow2(b.size);
    if (!b.present) {
      b = PciBar{};
      continue;
    }
    if (alloc && alloc->alloc(b.io, b.is64, b.prefetchable, b.size, &b.address)) {
      b.assigned = true;
      cfg.write32(reg, static_cast<uint32_t>(b.address));
      if (b.is64) cfg.write32(static_cast<uint16_t>(reg + 4), static_cast<uint32_t>(b.address >> 32));
      (b.io ? anyIo : anyMem) = true;
    } else if (!alloc) {
      // no allocator: keep what the firmware (or the OS) programmed; address 0 means "not assigned"
      uint64_t fw = b.io ? (orig & ~3u) : (orig & ~0xfu);
      if (b.is64) fw |= uint64_t{cfg.read32(static_cast<uint16_t>(reg + 4))} << 32;
      if (fw != 0) {
        b.address = fw;
        b.assigned = true;
        (b.io ? anyIo : anyMem) = true;
      }
    }
    if (b.is64) {
      fn.bars[i + 1] = PciBar{};
      fn.bars[i + 1].upperHalf = true;
      ++i;
    }
  }
  if (!alloc) {
    // firmware resources kept: decode what was assigned and let the device master the bus (rings, buffers)
    if (anyMem) cmd |= pci::kCmdMemory;
    if (anyIo) cmd |= pci::kCmdIo;
    cmd |= pci::kCmdBusMaster;
  } else {
    cmd = static_cast<uint16_t>(cmd & ~(pci::kCmdIo | pci::kCmdMemory));
    if (anyMem) cmd |= pci::kCmdMemory;
    if (anyIo) cmd |= pci::kCmdIo;
    cmd |= pci::kCmdBusMaster;  // the device DMAs the rings and buffers, and MSI-X messages are writes
  }
  cfg.write16(pci::kCfgCommand, cmd);
}

namespace {

/// Resolve (bar, offset, length) to a region the driver can access. False (with a note) when it cannot.
bool resolveRegion(const PciFunctionInfo& fn, uint8_t bar, uint64_t offset, uint64_t length, PciRegion* r,
                   std::string* note, bool* outside) {
  *outside = false;
  const PciBar& b = fn.bars[bar];
  if (!b.present || b.upperHalf) {
    *note = "BAR not implemented";
    return false;
  }
  if (offset > b.size || length > b.size - offset) {
    *outside = true;
    *note = "structure outside its BAR";
    return false;
  }
  if (!b.assigned) {
    *note = "BAR not assigned (no room in the platform window)";
    return false;
  }
  r->valid = true;
  r->space = b.io ? Space::Io : Space::Memory;
  r->base = b.address + offset;
  r->length = length;
  r->bar = bar;
  r->offset = static_cast<uint32_t>(offset);
  return true;
}

}  // namespace

VirtioPciLayout parseVirtioPciCaps(PciConfigSpace& cfg, const PciFunctionInfo& fn, ViolationSink& sink) {
  VirtioPciLayout L;
  const std::string where = "pci " + fn.addr.str();
  unsigned commonSeen = 0, notifySeen = 0, isrSeen = 0, pciCfgSeen = 0;

  if (cfg.read16(pci::kCfgStatus) & pci::kStatusCapList) {
    std::bitset<64> visited;
    uint8_t ptr = cfg.read8(pci::kCfgCapPtr) & 0xfc;
    while (ptr != 0) {
      if (ptr < 0x40 || visited[ptr / 4]) {
        // devicenormative:Virtio Transport Options / Virtio Over PCI Bus#1: a PCI capability list must be well formed (nearest)
        report(sink, clause::kPciBus, "pci.cap_list_broken",
               where + ": capability list points into the header or loops", {{"at", ptr}});
        L.capListBroken = true;
        break;
      }
      visited[ptr / 4] = true;
      const uint8_t capId = cfg.read8(ptr);
      const uint8_t next = cfg.read8(static_cast<uint16_t>(ptr + 1)) & 0xfc;

      if (capId == pci::kCapIdMsix && !L.msix.present) {
        PciMsixInfo& m = L.msix;
        m.present = true;
        m.capAt = ptr;
        const uint16_t ctrl = cfg.read16(static_cast<uint16_t>(ptr + 2));
        m.tableSize = static_cast<uint16_t>((ctrl & 0x7ff) + 1);
        const uint32_t tbl = cfg.read32(static_cast<uint16_t>(ptr + 4));
        const uint32_t pba = cfg.read32(static_cast<uint16_t>(ptr + 8));
        m.tableBar = tbl & 7;
        m.tableOffset = tbl & ~7u;
        m.pbaBar = pba & 7;
        m.pbaOffset = pba & ~7u;
        if (m.tableBar > 5) {
          m.note = "table BIR reserved";
        } else {
          const PciBar& b = fn.bars[m.tableBar];
          const uint64_t bytes = uint64_t{m.tableSize} * pci::kMsixEntrySize;
          if (!b.present || b.io || b.upperHalf || !b.assigned)
            m.note = "table BAR not an assigned memory BAR";
          else if (m.tableOffset > b.size || bytes > b.size - m.tableOffset)
            m.note = "table outside its BAR";
          else {
            m.usable = true;
            m.tableAddr = b.address + m.tableOffset;
          }
        }
      } else if (capId == pci::kCapIdVendor) {
        VirtioPciCapInfo c;
        c.at = ptr;
        c.capLen = cfg.read8(static_cast<uint16_t>(ptr + 2));
        c.cfgType = cfg.read8(static_cast<uint16_t>(ptr + 3));
        if (!knownCfgType(c.cfgType)) {
          // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#1: ignore reserved cfg_type
          c.note = "reserved cfg_type (ignored)";
          L.caps.push_back(c);
          ptr = next;
          continue;
        }
        L.anyVirtioCap = true;
        commonSeen += c.cfgType == pci::kCapCommonCfg;
        notifySeen += c.cfgType == pci::kCapNotifyCfg;
        isrSeen += c.cfgType == pci::kCapIsrCfg;
        pciCfgSeen += c.cfgType == pci::kCapPciCfg;
        // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#3: a larger cap_len is fine
        if (c.capLen < minCapLen(c.cfgType)) {
          // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#1: cap_len covers the extra fields
          report(sink, clause::kCapLen, "pci.cap_len_short",
                 where + ": virtio capability shorter than its structure",
                 {{"at", ptr}, {"cfg_type", c.cfgType}, {"cap_len", c.capLen}, {"needed", minCapLen(c.cfgType)}});
          c.note = "cap_len too small";
          L.caps.push_back(c);
          ptr = next;
          continue;
        }
        if (c.cfgType == pci::kCapVendorCfg) {
          c.vendorId = cfg.read16(static_cast<uint16_t>(ptr + 4));
          c.usable = true;
          if (c.vendorId == pci::kVendorRedHatQumranet) {
            // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Vendor data capability#1: vendor_id is not 0x1AF4
            report(sink, clause::kVendorCapVendorId, "pci.vendor_cap_vendor_id",
                   where + ": vendor data capability with vendor_id 0x1af4", {{"at", ptr}});
            c.usable = false;
            c.note = "vendor_id 0x1af4";
          }
          if (c.capLen % 4 != 0) {
            // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Vendor data capability#2: size a multiple of 4
            report(sink, clause::kVendorCapSize, "pci.vendor_cap_size",
                   where + ": vendor data capability size not a multiple of 4", {{"at", ptr}, {"cap_len", c.capLen}});
            c.usable = false;
            c.note = "size not a multiple of 4";
          }
          L.caps.push_back(c);
          ptr = next;
          continue;
        }
        c.bar = cfg.read8(static_cast<uint16_t>(ptr + 4));
        c.id = cfg.read8(static_cast<uint16_t>(ptr + 5));
        c.offset = cfg.read32(static_cast<uint16_t>(ptr + 8));
        c.length = cfg.read32(static_cast<uint16_t>(ptr + 12));
        if (c.cfgType == pci::kCapPciCfg) {
          // bar/offset/length of this one are a driver-written access window, not a structure location
          c.usable = true;
          if (!L.pciCfgCapAt) L.pciCfgCapAt = ptr;
          L.caps.push_back(c);
          ptr = next;
          continue;
        }
        if (c.cfgType == pci::kCapNotifyCfg) c.notifyOffMultiplier = cfg.read32(static_cast<uint16_t>(ptr + 16));
        if (c.cfgType == pci::kCapSharedMemoryCfg) {
          c.offsetHi = cfg.read32(static_cast<uint16_t>(ptr + 16));
          c.lengthHi = cfg.read32(static_cast<uint16_t>(ptr + 20));
        }
        if (c.bar > 5) {
          // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#4: ignore a reserved bar value
          c.note = "reserved BAR number (ignored)";
          L.caps.push_back(c);
          ptr = next;
          continue;
        }
        const uint64_t off64 = (uint64_t{c.offsetHi} << 32) | c.offset;
        const uint64_t len64 = (uint64_t{c.lengthHi} << 32) | c.length;
        PciRegion r;
        bool outside = false;
        if (!resolveRegion(fn, c.bar, off64, len64, &r, &c.note, &outside)) {
          if (outside && c.cfgType == pci::kCapSharedMemoryCfg) {
            // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Shared memory capability#1: region inside the BAR
            report(sink, clause::kShmInBar, "pci.shm_outside_bar", where + ": shared memory region outside its BAR",
                   {{"at", ptr}, {"bar", c.bar}, {"offset", off64}, {"length", len64},
                    {"bar_size", fn.bars[c.bar].size}});
          } else if (outside) {
            // devicenormative:Virtio Transport Options / Virtio Over PCI Bus#1: a structure must lie inside the BAR it names (nearest)
            report(sink, clause::kPciBus, "pci.cap_outside_bar", where + ": virtio structure outside its BAR",
                   {{"at", ptr}, {"cfg_type", c.cfgType}, {"bar", c.bar}, {"offset", off64}, {"length", len64},
                    {"bar_size", fn.bars[c.bar].size}});
          }
          L.caps.push_back(c);
          ptr = next;
          continue;
        }
        r.capAt = ptr;
        switch (c.cfgType) {
          case pci::kCapCommonCfg:
            if (c.offset % 4 != 0) {
              // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#1: offset 4-byte aligned
              report(sink, clause::kCommonOffsetAlign, "pci.common_cfg_misaligned",
                     where + ": common configuration offset not 4-byte aligned", {{"at", ptr}, {"offset", c.offset}});
              c.note = "misaligned";
            } else if (c.length < pci::common::kQueueNotifConfigData) {
              c.note = "too short for the driver (ignored)";  // drivers MAY check the length is large enough
            } else {
              c.usable = true;
              if (!L.common.valid) L.common = r;  // first usable instance
            }
            break;
          case pci::kCapNotifyCfg:
            // alignment, multiplier and length rules depend on VIRTIO_F_NOTIFICATION_DATA: checked against the offer
            c.usable = true;
            L.notifyCandidates.push_back(c);
            break;
          case pci::kCapIsrCfg:
            if (c.length < 1) {
              c.note = "zero length (ignored)";
            } else {
              c.usable = true;
              if (!L.isr.valid) L.isr = r;
            }
            break;
          case pci::kCapDeviceCfg:
            if (c.offset % 4 != 0) {
              // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Device-specific configuration#1: offset 4-byte aligned
              report(sink, clause::kDeviceCfgAlign, "pci.device_cfg_misaligned",
                     where + ": device configuration offset not 4-byte aligned", {{"at", ptr}, {"offset", c.offset}});
              c.note = "misaligned";
            } else {
              c.usable = true;
              if (!L.device.valid) L.device = r;
            }
            break;
          case pci::kCapSharedMemoryCfg: {
            c.usable = true;
            for (const PciShmRegion& s : L.shm) {
              if (s.id == c.id) {
                // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Shared memory capability#2: cap.id unique
                report(sink, clause::kShmUniqueId, "pci.shm_id_duplicate",
                       where + ": two shared memory capabilities with the same id", {{"at", ptr}, {"id", c.id}});
                c.usable = false;
                c.note = "duplicate id";
              }
            }
            if (c.usable) L.shm.push_back(PciShmRegion{c.id, r});
            break;
          }
          default:
            break;
        }
        L.caps.push_back(c);
      }
      ptr = next;
    }
  }

  // Modern-id devices and any device that has virtio capabilities must present the mandatory structures (a
  // transitional device with none at all is a legacy device, which had no capabilities).
  const bool modernId = fn.deviceId >= pci::kModernDeviceIdBase;
  if (modernId || L.anyVirtioCap) {
    if (commonSeen == 0)
      // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#2: at least one common cfg capability
      report(sink, clause::kCommonPresent, "pci.no_common_cfg", where + ": no common configuration capability", {});
    if (notifySeen == 0)
      // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#1: at least one notification capability
      report(sink, clause::kNotifyPresent, "pci.no_notify_cfg", where + ": no notification capability", {});
    if (isrSeen == 0)
      // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / ISR status capability#1: at least one ISR capability
      report(sink, clause::kIsrPresent, "pci.no_isr_cfg", where + ": no ISR status capability", {});
    if (pciCfgSeen == 0)
      // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / PCI configuration access capability#1: at least one PCI_CFG capability
      report(sink, clause::kPciCfgCapPresent, "pci.no_pci_cfg", where + ": no PCI configuration access capability",
             {});
  }
  return L;
}

std::vector<PciFunctionInfo> enumeratePci(Hal& hal, ViolationSink& sink, const PciScanOptions& opts) {
  std::vector<PciFunctionInfo> out;
  const PlatformDesc& p = hal.platform();
  if (p.ecamBase == 0 && !opts.viaConfigSpace) return out;  // no PCI on this platform
  PciResourceAllocator alloc(p);
  const unsigned buses = p.ecamBuses ? p.ecamBuses : 1;
  for (unsigned bus = 0; bus < buses; ++bus) {
    for (uint8_t dev = 0; dev < 32; ++dev) {
      PciConfigSpace f0(hal, p.ecamBase, PciAddr{static_cast<uint8_t>(bus), dev, 0}, opts.viaConfigSpace);
      const uint16_t v0 = f0.read16(pci::kCfgVendorId);
      if (v0 == 0xffff || v0 == 0) continue;
      const unsigned fns = (f0.read8(pci::kCfgHeaderType) & 0x80) ? 8 : 1;
      for (uint8_t fnNo = 0; fnNo < fns; ++fnNo) {
        PciFunctionInfo fn;
        fn.addr = PciAddr{static_cast<uint8_t>(bus), dev, fnNo};
        fn.ecamBase = p.ecamBase;
        fn.viaConfigSpace = opts.viaConfigSpace;
        PciConfigSpace c = fn.config(hal);
        fn.vendorId = c.read16(pci::kCfgVendorId);
        if (fn.vendorId == 0xffff || fn.vendorId == 0) continue;
        fn.deviceId = c.read16(pci::kCfgDeviceId);
        fn.subsysVendorId = c.read16(pci::kCfgSubsysVendorId);
        fn.subsysId = c.read16(pci::kCfgSubsysId);
        bool transitional = false;
        fn.virtioType = pciVirtioType(fn.vendorId, fn.deviceId, fn.subsysId, &transitional);
        if (fn.virtioType == 0) continue;
        fn.headerType = c.read8(pci::kCfgHeaderType) & 0x7f;
        if (fn.headerType != 0) continue;  // virtio functions are type 0 endpoints
        // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Discovery#3: any revision matches
        fn.revision = c.read8(pci::kCfgRevision);
        fn.classCode = c.read32(pci::kCfgRevision) >> 8;
        fn.interruptPin = c.read8(pci::kCfgInterruptPin);
        fn.intxLine = p.pciIntxLineBase + dev;
        if (transitional && pci::transitionalDeviceId(fn.virtioType) != fn.deviceId) {
          // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Discovery#2: transitional id must be the one of its type
          report(sink, clause::kPciDeviceId, "pci.transitional_id_mismatch",
                 "pci " + fn.addr.str() + ": transitional device id does not belong to the type in the subsystem id",
                 {{"device_id", fn.deviceId}, {"subsystem_id", fn.subsysId},
                  {"expected_device_id", pci::transitionalDeviceId(fn.virtioType)}});
        }
        sizePciBars(c, fn, opts.assignResources ? &alloc : nullptr);
        fn.layout = parseVirtioPciCaps(c, fn, sink);
        fn.kind = !transitional ? PciVirtioKind::Modern
                                : (fn.layout.anyVirtioCap ? PciVirtioKind::Transitional : PciVirtioKind::Legacy);
        out.push_back(std::move(fn));
      }
    }
  }
  return out;
}

// --- MSI-X ---

void PciMsix::writeEntry(uint16_t v, uint64_t addr, uint32_t data, uint32_t ctrl) {
  const uint64_t e = fn_.layout.msix.tableAddr + uint64_t{v} * pci::kMsixEntrySize;
  hal_.write32(Space::Memory, e + 0, static_cast<uint32_t>(addr));
  hal_.write32(Space::Memory, e + 4, static_cast<uint32_t>(addr >> 32));
  hal_.write32(Space::Memory, e + 8, data);
  // register writes reach the device in program order (HAL contract): the entry is complete before it is unmasked
  hal_.write32(Space::Memory, e + 12, ctrl);
}

bool PciMsix::enable(uint16_t vectors) {
  const PciMsixInfo& m = fn_.layout.msix;
  // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#4: only vectors inside the table
  if (!m.usable || vectors == 0 || vectors > m.tableSize) return false;
  PciConfigSpace cfg = fn_.config(hal_);
  const uint16_t ctrlAt = static_cast<uint16_t>(m.capAt + 2);
  const uint16_t ctrl = cfg.read16(ctrlAt);
  // enable with the whole function masked while the table is programmed
  cfg.write16(ctrlAt, static_cast<uint16_t>(ctrl | pci::kMsixCtrlEnable | pci::kMsixCtrlMaskAll));
  const uint64_t addr = hal_.platform().msiAddress;
  for (uint16_t v = 0; v < vectors; ++v) writeEntry(v, addr, pciMsiData(fn_.addr.bdf(), v), pci::kMsixVectorMasked);
  for (uint16_t v = 0; v < vectors; ++v)
    hal_.write32(Space::Memory, m.tableAddr + uint64_t{v} * pci::kMsixEntrySize + 12, 0);  // unmask the entry
  cfg.write16(ctrlAt, static_cast<uint16_t>((ctrl | pci::kMsixCtrlEnable) & ~pci::kMsixCtrlMaskAll));
  enabled_ = true;
  vectors_ = vectors;
  return true;
}

void PciMsix::disable() {
  const PciMsixInfo& m = fn_.layout.msix;
  if (!m.present) return;
  PciConfigSpace cfg = fn_.config(hal_);
  const uint16_t ctrlAt = static_cast<uint16_t>(m.capAt + 2);
  const uint16_t ctrl = cfg.read16(ctrlAt);
  cfg.write16(ctrlAt, static_cast<uint16_t>(ctrl & ~(pci::kMsixCtrlEnable | pci::kMsixCtrlMaskAll)));
  enabled_ = false;
  vectors_ = 0;
}

// --- MSI mailbox ---

std::shared_ptr<MsiMailbox> MsiMailbox::forHal(Hal& hal) {
  static std::mutex regMu;
  static std::map<Hal*, std::weak_ptr<MsiMailbox>> reg;
  std::lock_guard<std::mutex> g(regMu);
  for (auto it = reg.begin(); it != reg.end();) it = it->second.expired() ? reg.erase(it) : std::next(it);
  std::weak_ptr<MsiMailbox>& w = reg[&hal];
  if (auto s = w.lock()) return s;
  auto s = std::make_shared<MsiMailbox>(hal);
  w = s;
  return s;
}

void MsiMailbox::drain() {
  uint32_t d = 0;
  while (hal_.popMsi(&d)) {
    if (pending_.size() >= 4096) pending_.erase(pending_.begin());  // nobody drives that device: drop the oldest
    pending_.push_back(d);
  }
}

bool MsiMailbox::take(uint16_t bdf, uint16_t* vector) {
  std::lock_guard<std::mutex> g(mu_);
  drain();
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    if (pciMsiBdf(*it) == bdf) {
      *vector = pciMsiVector(*it);
      pending_.erase(it);
      return true;
    }
  }
  return false;
}

void MsiMailbox::discard(uint16_t bdf) {
  std::lock_guard<std::mutex> g(mu_);
  drain();
  pending_.erase(std::remove_if(pending_.begin(), pending_.end(), [&](uint32_t d) { return pciMsiBdf(d) == bdf; }),
                 pending_.end());
}

bool MsiMailbox::pending(uint16_t bdf) {
  std::lock_guard<std::mutex> g(mu_);
  drain();
  return std::any_of(pending_.begin(), pending_.end(), [&](uint32_t d) { return pciMsiBdf(d) == bdf; });
}

}  // namespace vsim::drv

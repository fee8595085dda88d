// VirtioPciDevice: the legacy (0.9.5) register layout in I/O BAR0, and the legacy trap of a non-transitional device.
#include <cstring>

#include "pci_clauses.h"
#include "vsim/abi/pci.h"
#include "vsim/abi/ring_split.h"
#include "vsim/abi/status.h"
#include "vsim/model/virtio_pci.h"

namespace vsim::model {

namespace lg = pci::legacy;

namespace {

uint64_t loadLe(const void* p, unsigned len) {
  uint64_t v = 0;
  std::memcpy(&v, p, len);
  return v;
}
void storeLe(void* p, uint64_t v, unsigned len) { std::memcpy(p, &v, len); }

/// Width of the legacy header register at off (0 = not a register start); MSI-X registers only with MSI-X on.
unsigned legacyWidth(uint32_t off, bool msix) {
  switch (off) {
    case lg::kHostFeatures:
    case lg::kGuestFeatures:
    case lg::kQueuePfn: return 4;
    case lg::kQueueNum:
    case lg::kQueueSel:
    case lg::kQueueNotify: return 2;
    case lg::kStatus:
    case lg::kIsr: return 1;
    case lg::kConfigMsixVector:
    case lg::kQueueMsixVector: return msix ? 2 : 0;
    default: return 0;
  }
}

}  // namespace

uint32_t VirtioPciDevice::legacyHeaderSize() const {
  // Legacy layout note: with MSI-X enabled the two vector registers follow the header and the device-specific
  // configuration moves from offset 20 to offset 24.
  return msixEnabled() ? lg::kDeviceConfigMsix : lg::kDeviceConfigNoMsix;
}

uint32_t VirtioPciDevice::legacyField(uint32_t off, bool sideEffects) {
  const uint16_t q = queueSel_;
  const bool qv = q < core_.numQueues();
  switch (off) {
    case lg::kHostFeatures: return core_.readDeviceFeatures(0);  // bits 0..31; the core hides VERSION_1 when legacy
    case lg::kGuestFeatures: return core_.readDriverFeatures(0);
    case lg::kQueuePfn: return qv && core_.queue(q).enabled ? static_cast<uint32_t>(core_.queue(q).desc >> lg::kPfnShift) : 0;
    case lg::kQueueNum: return qv ? legacyQueueSize(q) : 0;
    case lg::kQueueSel: return queueSel_;
    case lg::kQueueNotify: return 0;
    case lg::kStatus: return sideEffects ? core_.readStatus() : core_.status();
    case lg::kIsr: return sideEffects ? readIsr() : isr_;
    case lg::kConfigMsixVector:
      if (sideEffects) configVectorUnverified_ = false;
      return configVector_;
    case lg::kQueueMsixVector:
      if (!qv) return pci::kNoVector;
      if (sideEffects) queueVectorUnverified_[q] = false;
      return queueVectors_[q];
    default: return 0;
  }
}

bool VirtioPciDevice::legacyRead(uint32_t off, void* data, unsigned len) {
  if (!admitLegacy()) return false;
  const uint32_t hdr = legacyHeaderSize();
  // The device-specific configuration: any width (legacy note on the device layout).
  if (off >= hdr) return core_.readConfig(off - hdr, data, len);
  const unsigned w = legacyWidth(off, msixEnabled());
  if (w == len) {
    storeLe(data, legacyField(off, true), len);
    return true;
  }
  // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout#1 (nearest for the legacy header): each register with its own width.
  violate(pciclause::kLayoutWidth, "legacy.bad_access_width", "legacy header read with the wrong width (nearest)",
          {{"offset", off}, {"len", len}});
  uint8_t* out = static_cast<uint8_t*>(data);
  for (unsigned k = 0; k < len; ++k) {  // served without side effects
    const uint32_t b = off + k;
    if (b >= hdr) {
      if (!core_.readConfig(b - hdr, &out[k], 1)) out[k] = 0xff;
      continue;
    }
    uint32_t s = b;
    while (s > 0 && legacyWidth(s, msixEnabled()) == 0) --s;
    out[k] = static_cast<uint8_t>(legacyField(s, false) >> (8 * (b - s)));
  }
  return true;
}

bool VirtioPciDevice::legacyWrite(uint32_t off, const void* data, unsigned len) {
  if (!admitLegacy()) return false;
  const uint32_t hdr = legacyHeaderSize();
  if (off >= hdr) return core_.writeConfig(off - hdr, data, len);
  const uint64_t v = loadLe(data, len);
  if (legacyWidth(off, msixEnabled()) != len) {
    // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout#1 (nearest for the legacy header): each register with its own width.
    violate(pciclause::kLayoutWidth, "legacy.bad_access_width", "legacy header write with the wrong width (nearest)",
            {{"offset", off}, {"len", len}, {"value", v}});
    return true;  // ignored
  }
  legacyFieldWrite(off, static_cast<uint32_t>(v));
  return true;
}

void VirtioPciDevice::legacyFieldWrite(uint32_t off, uint32_t v) {
  const uint16_t q = queueSel_;
  const bool qv = q < core_.numQueues();
  switch (off) {
    case lg::kGuestFeatures: core_.writeDriverFeatures(0, v); return;
    case lg::kQueuePfn:
      if (qv) writeQueuePfn(q, v);
      return;
    case lg::kQueueSel: queueSel_ = static_cast<uint16_t>(v); return;
    case lg::kQueueNotify:
      if (v >= core_.numQueues()) {
        // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#3 (nearest for the legacy Queue Notify): the value is a virtqueue index.
        violate(pciclause::kNotifyIndex, "legacy.notify_bad_queue", "legacy Queue Notify names no virtqueue (nearest)",
                {{"value", v}, {"num_queues", core_.numQueues()}});
        return;
      }
      core_.notify(static_cast<uint16_t>(v), false, 0);
      return;
    case lg::kStatus:
      if (v == 0) {
        core_.writeStatus(0);
        transportReset();
        return;
      }
      if ((v & status::kDriverOk) && !(core_.status() & status::kDriverOk)) checkVectorsVerified();
      core_.writeStatus(static_cast<uint8_t>(v));
      return;
    case lg::kIsr: return;  // read-only: ignored
    case lg::kConfigMsixVector:
      configVector_ = mapVector(static_cast<uint16_t>(v), "config_msix_vector");
      configVectorUnverified_ = v != pci::kNoVector;
      return;
    case lg::kQueueMsixVector:
      if (!qv) return;
      queueVectors_[q] = mapVector(static_cast<uint16_t>(v), "queue_msix_vector");
      queueVectorUnverified_[q] = v != pci::kNoVector;
      return;
    case lg::kHostFeatures:
    case lg::kQueueNum:
      // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#1 (nearest for the legacy header): the device's features and queue size are read-only.
      violate(pciclause::kCommonReadOnly, "legacy.write_read_only",
              off == lg::kHostFeatures ? "driver wrote legacy Device Features (nearest)" : "driver wrote legacy Queue Size (nearest)",
              {{"offset", off}, {"value", v}});
      return;
    default: return;
  }
}

uint16_t VirtioPciDevice::legacyQueueSize(uint16_t q) const {
  // Legacy split rings have power-of-2 sizes: a device maximum that is not one is rounded down.
  const uint16_t m = core_.queue(q).maxSize;
  uint16_t p = m ? 1 : 0;
  while (p && static_cast<uint32_t>(p) * 2 <= m) p = static_cast<uint16_t>(p * 2);
  return p;
}

void VirtioPciDevice::writeQueuePfn(uint16_t q, uint32_t pfn) {
  if (core_.queue(q).enabled) core_.disableQueue(q);
  if (pfn == 0) return;  // 0 = the driver releases the queue
  // Legacy virtqueue layout with 4096 alignment: descriptor table at PFN * 4096, available ring right after it,
  // used ring at the next 4096 boundary after the available ring (its used_event slot included).
  QueueState& s = core_.queue(q);
  const uint32_t n = legacyQueueSize(q);  // no queue size negotiation in the legacy interface
  s.size = static_cast<uint16_t>(n);
  s.desc = uint64_t{pfn} << lg::kPfnShift;
  s.driver = s.desc + split::descBytes(n);
  s.device = (s.driver + split::availBytes(n) + lg::kQueueAlign - 1) & ~uint64_t{lg::kQueueAlign - 1};
  core_.enableQueue(q);
}

bool VirtioPciDevice::trapWrite(uint32_t off, const void* data, unsigned len) {
  if (!trapReported_) {
    trapReported_ = true;
    // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Discovery#1 (nearest): a legacy driver bound a non-transitional device.
    violate(pciclause::kDiscovery, "legacy.driver_on_modern_device", "legacy I/O access to a non-transitional device (nearest)",
            {{"offset", off}, {"len", len}});
  }
  // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / Non-transitional Device With Legacy Driver#1: a one-byte 0 at offset 18 (legacy status) fences the device: every BAR reads 0, writes are ignored.
  if (off == lg::kStatus && len == 1 && *static_cast<const uint8_t*>(data) == 0) fenced_ = true;
  return true;
}

}  // namespace vsim::model

// Transport base: reset with read-back, configuration reads under the generation counter, violation reports.
#include "vsim/drv/transport.h"

#include <algorithm>
#include <cstring>

#include "vsim/drv/device_clauses.h"

namespace vsim::drv {

const char* transportKindName(TransportKind k) {
  switch (k) {
    case TransportKind::PciModern: return "pci-modern";
    case TransportKind::PciLegacy: return "pci-legacy";
    case TransportKind::MmioModern: return "mmio-v2";
    case TransportKind::MmioLegacy: return "mmio-v1";
  }
  return "?";
}

bool Deadline::expired() {
  const uint64_t now = hal_.nowNs();
  if (now - start_ >= timeout_) return true;
  if (now == last_) {
    if (++stalls_ >= stallLimit_) return true;  // functional platform: time stands still, give up after a while
  } else {
    last_ = now;
    stalls_ = 0;
  }
  return false;
}

uint64_t Deadline::remainingNs() const {
  const uint64_t el = hal_.nowNs() - start_;
  return el >= timeout_ ? 0 : timeout_ - el;
}

void Deadline::pause(uint64_t ns) {
  const uint64_t r = remainingNs();
  if (r) hal_.waitForInterrupt(std::min(ns, r));
}

const char* Transport::resetClause() const { return clause::kDeviceResetStatus; }

void Transport::violation(const char* clauseId, const char* kind, std::string message, std::vector<Evidence> ev,
                          int queue) {
  Violation v;
  v.clause = clauseId;
  v.kind = kind;
  v.message = location() + ": " + message;
  v.culprit = Culprit::Device;
  v.queue = queue;
  v.evidence = std::move(ev);
  sink_.report(std::move(v));
}

bool Transport::reset(uint64_t timeoutNs) {
  writeStatusZero();
  // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#5: wait until status reads 0
  Deadline dl(hal_, timeoutNs);
  uint8_t s = 0;
  while ((s = status()) != 0) {
    if (dl.expired()) {
      // devicenormative:Basic Facilities of a Virtio Device / Device Reset#1: status goes back to 0 after a reset (PCI: its own clause)
      violation(resetClause(), "reset.status_not_zero", "device status does not read 0 after a reset",
                {{"status", s}});
      return false;
    }
    dl.pause(1000);
  }
  negotiated_ = 0;
  afterReset();
  return true;
}

void Transport::readConfigPass(uint32_t off, uint8_t* out, size_t len) {
  // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout#1: natural, aligned widths
  size_t i = 0;
  while (i < len) {
    const uint32_t o = off + static_cast<uint32_t>(i);
    const size_t rem = len - i;
    unsigned w = 1;
    if (o % 4 == 0 && rem >= 4)
      w = 4;
    else if (o % 2 == 0 && rem >= 2)
      w = 2;
    const uint32_t v = configRead(o, w);
    std::memcpy(out + i, &v, w);  // little-endian host (GuestMemory asserts it)
    i += w;
  }
}

bool Transport::readConfig(uint32_t off, void* buf, size_t len, unsigned maxRetries) {
  uint8_t* out = static_cast<uint8_t*>(buf);
  if (len == 0) return true;
  std::vector<uint8_t> again(len);
  if (!hasConfigGeneration()) {
    // Legacy: no generation counter; read until two passes agree.
    readConfigPass(off, out, len);
    for (unsigned i = 0; i < maxRetries; ++i) {
      readConfigPass(off, again.data(), len);
      if (std::memcmp(out, again.data(), len) == 0) return true;
      std::memcpy(out, again.data(), len);
    }
    return false;
  }
  bool reported = false;
  for (unsigned i = 0; i < maxRetries; ++i) {
    // drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#1: no atomicity assumed; generation loop
    const uint32_t before = configGeneration();
    readConfigPass(off, out, len);
    const uint32_t after = configGeneration();
    if (before != after) continue;
    if (!verifyGeneration_) return true;
    readConfigPass(off, again.data(), len);
    const uint32_t third = configGeneration();
    if (third != after) continue;  // changed, and the device said so: read again
    if (std::memcmp(out, again.data(), len) != 0) {
      if (!reported) {
        // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#6: a changed value comes with a new generation (MMIO: Layout#6)
        violation(configGenerationClause(), "config.changed_without_generation",
                  "device configuration changed between two reads while config generation stayed the same",
                  {{"offset", off}, {"length", len}, {"generation", after}});
        reported = true;
      }
      continue;
    }
    return true;
  }
  return false;
}

void Transport::writeConfig(uint32_t off, const void* buf, size_t len) {
  const uint8_t* in = static_cast<const uint8_t*>(buf);
  size_t i = 0;
  while (i < len) {
    const uint32_t o = off + static_cast<uint32_t>(i);
    const size_t rem = len - i;
    unsigned w = 1;
    if (o % 4 == 0 && rem >= 4)
      w = 4;
    else if (o % 2 == 0 && rem >= 2)
      w = 2;
    uint32_t v = 0;
    std::memcpy(&v, in + i, w);
    configWrite(o, v, w);
    i += w;
  }
}

}  // namespace vsim::drv

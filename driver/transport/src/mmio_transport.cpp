// Virtio over MMIO (version 2 and legacy version 1), driver side.
#include "vsim/drv/mmio_transport.h"

#include <atomic>
#include <cstdio>

#include "vsim/abi/features.h"
#include "vsim/drv/device_clauses.h"

namespace vsim::drv {

namespace {
std::string mmioWhere(uint64_t base) {
  char b[32];
  std::snprintf(b, sizeof b, "mmio 0x%llx", static_cast<unsigned long long>(base));
  return b;
}
void report(ViolationSink& sink, const char* clauseId, const char* kind, std::string message,
            std::vector<Evidence> ev) {
  Violation v;
  v.clause = clauseId;
  v.kind = kind;
  v.message = std::move(message);
  v.culprit = Culprit::Device;
  v.evidence = std::move(ev);
  sink.report(std::move(v));
}
}  // namespace

MmioProbeResult probeMmio(Hal& hal, uint64_t base, ViolationSink& sink, MmioProbe* out) {
  MmioProbe p;
  // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#1: magic and version first
  p.magic = hal.read32(Space::Memory, base + mmio::kMagicValue);
  if (out) *out = p;
  if (p.magic != mmio::kMagic) {
    // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#6: ignore it (we MAY report)
    if (p.magic != 0 && p.magic != 0xffffffffu) {
      // devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#1: MagicValue is 0x74726976
      report(sink, clause::kMmioMagic, "mmio.bad_magic", mmioWhere(base) + ": MagicValue is not \"virt\"",
             {{"magic", p.magic}});
    }
    return MmioProbeResult::NoDevice;
  }
  p.version = hal.read32(Space::Memory, base + mmio::kVersion);
  if (out) *out = p;
  if (p.version != mmio::kVersionModern && p.version != mmio::kVersionLegacy) {
    // devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#2: Version is 2 (1 is the legacy interface)
    report(sink, clause::kMmioVersion, "mmio.bad_version", mmioWhere(base) + ": unknown Version",
           {{"version", p.version}});
    return MmioProbeResult::BadVersion;
  }
  p.deviceId = hal.read32(Space::Memory, base + mmio::kDeviceId);
  if (out) *out = p;
  // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#10: ignore device id 0 without an error
  if (p.deviceId == 0) return MmioProbeResult::Placeholder;  // and touch no other register
  p.vendorId = hal.read32(Space::Memory, base + mmio::kVendorId);
  if (out) *out = p;
  return MmioProbeResult::Ok;
}

MmioTransport::MmioTransport(Hal& hal, ViolationSink& sink, uint64_t base, unsigned line, uint32_t version,
                             uint16_t deviceId)
    : Transport(hal, sink), base_(base), line_(line), version_(version), deviceId_(deviceId) {}

std::string MmioTransport::location() const { return mmioWhere(base_); }
const char* MmioTransport::configGenerationClause() const { return clause::kMmioConfigGeneration; }

uint8_t MmioTransport::status() { return static_cast<uint8_t>(r32(mmio::kStatus)); }
// drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#4: 32-bit accesses only
void MmioTransport::setStatus(uint8_t s) { w32(mmio::kStatus, s); }

void MmioTransport::afterReset() {
  pageSizeWritten_ = false;
  pfn_.clear();
  const uint32_t is = r32(mmio::kInterruptStatus);
  if (is != 0) {
    // devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#5: InterruptStatus cleared on reset
    violation(clause::kMmioResetClears, "mmio.interrupt_status_after_reset", "InterruptStatus not 0 after reset",
              {{"interrupt_status", is}});
  }
}

uint64_t MmioTransport::deviceFeatures() {
  // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#12: select before reading
  w32(mmio::kDeviceFeaturesSel, 0);
  const uint64_t lo = r32(mmio::kDeviceFeatures);
  if (version_ == 1) return lo;  // legacy: bits 0..31
  w32(mmio::kDeviceFeaturesSel, 1);
  const uint64_t hi = r32(mmio::kDeviceFeatures);
  return lo | (hi << 32);
}

void MmioTransport::writeDriverFeatures(uint64_t accepted) {
  // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#13: select before writing
  w32(mmio::kDriverFeaturesSel, 0);
  w32(mmio::kDriverFeatures, static_cast<uint32_t>(accepted));
  if (version_ == 1) return;
  w32(mmio::kDriverFeaturesSel, 1);
  w32(mmio::kDriverFeatures, static_cast<uint32_t>(accepted >> 32));
}

uint64_t MmioTransport::deviceFeaturesHigh() {
  if (version_ == 1) return 0;  // legacy: bits 0..31 only
  // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#12: select before reading
  w32(mmio::kDeviceFeaturesSel, 2);
  const uint64_t lo = r32(mmio::kDeviceFeatures);
  w32(mmio::kDeviceFeaturesSel, 3);
  const uint64_t hi = r32(mmio::kDeviceFeatures);
  return lo | (hi << 32);
}

void MmioTransport::writeDriverFeaturesHigh(uint64_t accepted) {
  if (version_ == 1) return;
  // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#13: select before writing
  w32(mmio::kDriverFeaturesSel, 2);
  w32(mmio::kDriverFeatures, static_cast<uint32_t>(accepted));
  w32(mmio::kDriverFeaturesSel, 3);
  w32(mmio::kDriverFeatures, static_cast<uint32_t>(accepted >> 32));
}

uint64_t MmioTransport::transportFeatures() const {
  using namespace feat;
  if (version_ == 1) return bit(kIndirectDesc) | bit(kEventIdx) | bit(kAnyLayout);  // ANY_LAYOUT: legacy only
  // no NOTIF_CONFIG_DATA (MMIO has no queue_notif_config_data) and no ADMIN_VQ (reserved on MMIO)
  return bit(kIndirectDesc) | bit(kEventIdx) | bit(kVersion1) | bit(kAccessPlatform) | bit(kRingPacked) |
         bit(kInOrder) | bit(kOrderPlatform) | bit(kNotificationData) | bit(kRingReset);
}

uint32_t MmioTransport::queueMaxSize(uint16_t q) {
  w32(mmio::kQueueSel, q);
  if (version_ != 1) {
    const uint32_t ready = r32(mmio::kQueueReady);  // the queue must not be in use yet
    if (ready != 0) {
      // devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#5: QueueReady cleared on reset
      violation(clause::kMmioResetClears, "mmio.queue_ready_after_reset", "QueueReady not 0 after reset",
                {{"queue_ready", ready}}, q);
    }
    if (feat::has(negotiated_, feat::kRingReset)) {
      const uint32_t qr = r32(mmio::kQueueReset);
      if (qr != 0) {
        // devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#8: QueueReset 0 on reset
        violation(clause::kMmioQueueResetZeroOnReset, "mmio.queue_reset_after_reset", "QueueReset not 0 after reset",
                  {{"queue_reset", qr}}, q);
      }
    }
  }
  return r32(mmio::kQueueNumMax);
}

bool MmioTransport::setupQueue(uint16_t q, const RingAddrs& a) {
  w32(mmio::kQueueSel, q);
  if (version_ == 1) {
    // Legacy: the device finds the rings from the page number, the queue size and QueueAlign.
    const LegacySplitLayout l = legacySplitLayout(a.size, kLegacyPageSize);
    if (a.desc % kLegacyPageSize != 0 || a.driver != a.desc + l.availOff || a.device != a.desc + l.usedOff) return false;
    if (a.desc / kLegacyPageSize > 0xffffffffull) return false;
    if (!pageSizeWritten_) {
      w32(mmio::kGuestPageSize, kLegacyPageSize);  // before any queue is used
      pageSizeWritten_ = true;
      w32(mmio::kQueueSel, q);
    }
    w32(mmio::kQueueNum, a.size);
    w32(mmio::kQueueAlign, kLegacyPageSize);
    if (q >= pfn_.size()) pfn_.resize(size_t{q} + 1, 0);
    pfn_[q] = static_cast<uint32_t>(a.desc / kLegacyPageSize);
    return true;
  }
  // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#14: QueueSize <= QueueSizeMax (drv::Device chooses it so)
  w32(mmio::kQueueNum, a.size);
  w32(mmio::kQueueDescLow, static_cast<uint32_t>(a.desc));
  w32(mmio::kQueueDescHigh, static_cast<uint32_t>(a.desc >> 32));
  w32(mmio::kQueueDriverLow, static_cast<uint32_t>(a.driver));
  w32(mmio::kQueueDriverHigh, static_cast<uint32_t>(a.driver >> 32));
  w32(mmio::kQueueDeviceLow, static_cast<uint32_t>(a.device));
  w32(mmio::kQueueDeviceHigh, static_cast<uint32_t>(a.device >> 32));
  return true;
}

bool MmioTransport::enableQueue(uint16_t q) {
  w32(mmio::kQueueSel, q);
  // release: the zeroed rings are visible to the device before it may start using them
  std::atomic_thread_fence(std::memory_order_release);
  if (version_ == 1) {
    if (q >= pfn_.size() || pfn_[q] == 0) return false;
    w32(mmio::kQueuePfn, pfn_[q]);
    return true;
  }
  w32(mmio::kQueueReady, 1);
  if (feat::has(negotiated_, feat::kRingReset)) {
    const uint32_t qr = r32(mmio::kQueueReset);
    if (qr != 0) {
      // devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#9: QueueReset 0 once enabled
      violation(clause::kMmioQueueResetZeroAfterEnable, "mmio.queue_reset_after_enable",
                "QueueReset not 0 after the queue was enabled", {{"queue_reset", qr}}, q);
    }
  }
  return true;
}

bool MmioTransport::resetQueue(uint16_t q, uint64_t timeoutNs) {
  if (version_ == 1 || !feat::has(negotiated_, feat::kRingReset)) return false;
  w32(mmio::kQueueSel, q);
  w32(mmio::kQueueReset, 1);
  // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#21: done only when QueueReset reads 0
  Deadline dl(hal_, timeoutNs);
  while (r32(mmio::kQueueReset) != 0) {
    if (dl.expired()) return false;
    dl.pause(1000);
  }
  const uint32_t ready = r32(mmio::kQueueReady);
  if (ready != 0) {
    // devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#12: QueueReady 0 when the reset completed
    violation(clause::kMmioQueueResetCompleteZero, "mmio.queue_ready_after_queue_reset",
              "QueueReady not 0 after the queue reset completed", {{"queue_ready", ready}}, q);
  }
  return true;
}

bool MmioTransport::disableQueue(uint16_t q, uint64_t timeoutNs) {
  w32(mmio::kQueueSel, q);
  if (version_ == 1) {
    w32(mmio::kQueuePfn, 0);
    return true;
  }
  w32(mmio::kQueueReady, 0);
  // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#17: read QueueReady back
  Deadline dl(hal_, timeoutNs);
  while (r32(mmio::kQueueReady) != 0) {
    if (dl.expired()) return false;
    dl.pause(1000);
  }
  return true;
}

void MmioTransport::notify(uint16_t q, uint32_t value) {
  (void)q;
  // seq_cst: every ring write is visible before the doorbell write
  std::atomic_thread_fence(std::memory_order_seq_cst);
  w32(mmio::kQueueNotify, value);  // queue index, or the NOTIFICATION_DATA payload
}

uint32_t MmioTransport::configGeneration() { return version_ == 1 ? 0 : r32(mmio::kConfigGeneration); }

uint32_t MmioTransport::configRead(uint32_t off, unsigned width) {
  if (uint64_t{off} + width > mmio::kWindowSize - mmio::kConfig) return 0;
  // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#5: natural widths in the configuration space
  return static_cast<uint32_t>(hal_.read(Space::Memory, base_ + mmio::kConfig + off, width));
}

void MmioTransport::configWrite(uint32_t off, uint32_t value, unsigned width) {
  if (uint64_t{off} + width > mmio::kWindowSize - mmio::kConfig) return;
  hal_.write(Space::Memory, base_ + mmio::kConfig + off, value, width);
}

void MmioTransport::pollInterrupts(InterruptEvents& ev) {
  if (line_ < 64 && ((hal_.lineLevels() >> line_) & 1u) == 0) return;
  // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Notifications From The Device#1: read InterruptStatus
  const uint32_t st = r32(mmio::kInterruptStatus);
  // acquire: ring updates the device made before raising the interrupt are seen by the ring reads after this
  std::atomic_thread_fence(std::memory_order_acquire);
  const uint32_t defined = mmio::kIntUsedBuffer | mmio::kIntConfigChange;
  if ((st & ~defined) != 0 && !undefinedBitsReported_) {
    undefinedBitsReported_ = true;
    // devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#4: bits that are no event are 0
    violation(clause::kMmioIntStatusUndefined, "mmio.interrupt_status_undefined_bits",
              "InterruptStatus has bits set that name no event", {{"interrupt_status", st}});
  }
  // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#18: ignore undefined bits
  const uint32_t handled = st & defined;
  if (handled) {
    // Acknowledged before the rings are scanned (the scan follows in drv::Device::poll): a buffer used after
    // the scan raises a new interrupt instead of being lost.
    // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#20: only defined bits in the ACK
    w32(mmio::kInterruptAck, handled);
  }
  if (handled & mmio::kIntUsedBuffer) ev.allQueues = true;
  if (handled & mmio::kIntConfigChange) ev.config = true;
}

}  // namespace vsim::drv

// Virtio over PCI (modern and legacy interfaces), driver side.
#include "vsim/drv/pci_transport.h"

#include <atomic>

#include "vsim/abi/features.h"
#include "vsim/drv/device_clauses.h"

namespace vsim::drv {

namespace {
constexpr bool isPow2(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }
}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Shared PCI plumbing: MSI-X vector plan and interrupt polling
// ---------------------------------------------------------------------------------------------------------------

PciTransportBase::PciTransportBase(Hal& hal, ViolationSink& sink, std::shared_ptr<const PciFunctionInfo> fn)
    : Transport(hal, sink), fn_(std::move(fn)), msix_(hal, *fn_), mailbox_(MsiMailbox::forHal(hal)) {}

void PciTransportBase::afterReset() {
  // A known state until setupInterrupts(): MSI-X off in the function (a previous driver may have left it on,
  // and on the legacy interface it moves the device configuration).
  msix_.disable();
  // the device unmapped every vector on reset; forget ours and any message still queued from before
  configVec_ = pci::kNoVector;
  std::fill(queueVec_.begin(), queueVec_.end(), pci::kNoVector);
  configVecChecked_ = false;
  std::fill(queueVecChecked_.begin(), queueVecChecked_.end(), 0);
  mailbox_->discard(fn_->addr.bdf());
}

bool PciTransportBase::mapVector(bool config, uint16_t v, int queue) {
  config ? writeConfigVector(v) : writeQueueVector(v);
  // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#5: read back the mapping
  const uint16_t rb = config ? readConfigVector() : readQueueVector();
  if (rb == v) return true;
  if (rb == pci::kNoVector) return false;  // a mapping failure, reported the way the device may report it
  // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#6: read returns the mapped vector or NO_VECTOR
  violation(clause::kMsixVectorReadback, "msix.vector_readback",
            std::string(config ? "config_msix_vector" : "queue_msix_vector") +
                " reads back neither the vector written nor NO_VECTOR",
            {{"written", v}, {"read", rb}}, queue);
  return false;
}

bool PciTransportBase::setupInterrupts(uint16_t nq, InterruptMode mode) {
  if (msix_.enabled()) fallBackToIntx(-1);
  queueVec_.assign(nq, pci::kNoVector);
  sharedQueueVector_ = false;
  const PciMsixInfo& m = fn_->layout.msix;
  // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#2: INTx for a 1-entry table
  const bool want = mode != InterruptMode::Intx && m.usable && m.tableSize >= 2;
  if (!want) return mode != InterruptMode::Msix;
  uint32_t vectors = uint32_t{nq} + 1;  // vector 0: configuration changes; 1 + q: queue q
  if (vectors > m.tableSize) {
    vectors = 2;  // fewer entries than events: every queue shares vector 1
    sharedQueueVector_ = true;
  }
  if (!msix_.enable(static_cast<uint16_t>(vectors))) return mode != InterruptMode::Msix;
  mailbox_->discard(fn_->addr.bdf());
  if (!configVecChecked_) {
    configVecChecked_ = true;
    const uint16_t cur = readConfigVector();
    if (cur != pci::kNoVector) {
      // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#7: unmapped after reset
      violation(clause::kMsixUnmappedOnReset, "msix.config_vector_mapped_after_reset",
                "config_msix_vector is not NO_VECTOR after reset", {{"read", cur}});
    }
  }
  if (mapVector(true, 0, -1)) {
    configVec_ = 0;
    return true;
  }
  // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#6: fall back on failure
  fallBackToIntx(-1);
  return mode != InterruptMode::Msix;
}

void PciTransportBase::mapQueueVector(uint16_t q) {
  if (!msix_.enabled()) return;
  if (q >= queueVec_.size()) queueVec_.resize(size_t{q} + 1, pci::kNoVector);
  if (q >= queueVecChecked_.size()) queueVecChecked_.resize(size_t{q} + 1, 0);
  if (!queueVecChecked_[q]) {
    queueVecChecked_[q] = 1;
    const uint16_t cur = readQueueVector();
    if (cur != pci::kNoVector) {
      // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#7: unmapped after reset
      violation(clause::kMsixUnmappedOnReset, "msix.queue_vector_mapped_after_reset",
                "queue_msix_vector is not NO_VECTOR after reset", {{"read", cur}}, q);
    }
  }
  uint16_t want = 1;
  if (!sharedQueueVector_ && uint32_t{q} + 1 < msix_.vectors()) want = static_cast<uint16_t>(q + 1);
  if (mapVector(false, want, q)) {
    queueVec_[q] = want;
    return;
  }
  if (want != 1 && mapVector(false, 1, q)) {  // retry with fewer vectors: share vector 1
    queueVec_[q] = 1;
    return;
  }
  fallBackToIntx(q);
}

void PciTransportBase::fallBackToIntx(int reselect) {
  for (size_t q = 0; q < queueVec_.size(); ++q) {
    if (queueVec_[q] == pci::kNoVector) continue;
    selectQueue(static_cast<uint16_t>(q));
    writeQueueVector(pci::kNoVector);
    queueVec_[q] = pci::kNoVector;
  }
  if (configVec_ != pci::kNoVector) writeConfigVector(pci::kNoVector);
  configVec_ = pci::kNoVector;
  msix_.disable();
  if (reselect >= 0) selectQueue(static_cast<uint16_t>(reselect));
}

void PciTransportBase::pollInterrupts(InterruptEvents& ev) {
  if (msix_.enabled()) {
    uint16_t v = 0;
    while (mailbox_->take(fn_->addr.bdf(), &v)) {
      // acquire: what the device wrote to the rings before sending the message is seen by the ring reads after it
      std::atomic_thread_fence(std::memory_order_acquire);
      // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Notification of Device Configuration Changes#1: one vector may mean both
      if (v == configVec_) ev.config = true;
      for (size_t q = 0; q < queueVec_.size(); ++q)
        if (queueVec_[q] == v) ev.queues.push_back(static_cast<uint16_t>(q));
    }
    return;
  }
  const bool lineKnown = fn_->interruptPin != 0 && fn_->intxLine < 64;
  if (lineKnown && ((hal_.lineLevels() >> fn_->intxLine) & 1u) == 0) return;
  PciConfigSpace cfg = fn_->config(hal_);
  const uint16_t st = cfg.read16(pci::kCfgStatus);
  const uint8_t isr = readIsr();  // reading clears it and de-asserts the line
  // acquire: ring updates the device made before raising the interrupt are seen by the ring reads after this
  std::atomic_thread_fence(std::memory_order_acquire);
  if ((st & pci::kStatusIntx) && isr == 0 && isrStatusReports_++ == 0) {
    // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / ISR status capability#4: Interrupt Status bit = OR of the ISR bits
    violation(clause::kIsrIntxStatus, "pci.intx_status_without_isr",
              "PCI status Interrupt Status bit set while ISR status reads 0", {{"pci_status", st}, {"isr", isr}});
  }
  if (isr & pci::kIsrQueue) ev.allQueues = true;
  if (isr & pci::kIsrConfig) ev.config = true;
}

// ---------------------------------------------------------------------------------------------------------------
// Modern interface
// ---------------------------------------------------------------------------------------------------------------

PciModernTransport::PciModernTransport(Hal& hal, ViolationSink& sink, std::shared_ptr<const PciFunctionInfo> fn)
    : PciTransportBase(hal, sink, std::move(fn)) {}

uint8_t PciModernTransport::c8(uint32_t off) { return hal_.read8(common().space, common().base + off); }
uint16_t PciModernTransport::c16(uint32_t off) { return hal_.read16(common().space, common().base + off); }
uint32_t PciModernTransport::c32(uint32_t off) { return hal_.read32(common().space, common().base + off); }
void PciModernTransport::w8(uint32_t off, uint8_t v) { hal_.write8(common().space, common().base + off, v); }
void PciModernTransport::w16(uint32_t off, uint16_t v) { hal_.write16(common().space, common().base + off, v); }
void PciModernTransport::w32(uint32_t off, uint32_t v) { hal_.write32(common().space, common().base + off, v); }
void PciModernTransport::w64(uint32_t off, uint64_t v) {
  // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout#1: 64-bit fields as two 32-bit accesses
  w32(off, static_cast<uint32_t>(v));
  w32(off + 4, static_cast<uint32_t>(v >> 32));
}

uint8_t PciModernTransport::status() { return c8(pci::common::kDeviceStatus); }
void PciModernTransport::setStatus(uint8_t s) { w8(pci::common::kDeviceStatus, s); }

void PciModernTransport::afterReset() {
  PciTransportBase::afterReset();
  notifyAddr_.clear();
  notifConfigData_.clear();
  notifyReady_.clear();
}

const char* PciModernTransport::configGenerationClause() const { return clause::kPciConfigGeneration; }
const char* PciModernTransport::resetClause() const { return clause::kPciResetStatus; }

uint64_t PciModernTransport::deviceFeatures() {
  w32(pci::common::kDeviceFeatureSelect, 0);
  const uint64_t lo = c32(pci::common::kDeviceFeature);
  w32(pci::common::kDeviceFeatureSelect, 1);
  const uint64_t hi = c32(pci::common::kDeviceFeature);
  return lo | (hi << 32);
}

uint64_t PciModernTransport::deviceFeaturesHigh() {
  w32(pci::common::kDeviceFeatureSelect, 2);  // feature bits 64..95
  const uint64_t lo = c32(pci::common::kDeviceFeature);
  w32(pci::common::kDeviceFeatureSelect, 3);  // 96..127
  const uint64_t hi = c32(pci::common::kDeviceFeature);
  return lo | (hi << 32);
}

void PciModernTransport::writeDriverFeaturesHigh(uint64_t accepted) {
  w32(pci::common::kDriverFeatureSelect, 2);
  w32(pci::common::kDriverFeature, static_cast<uint32_t>(accepted));
  w32(pci::common::kDriverFeatureSelect, 3);
  w32(pci::common::kDriverFeature, static_cast<uint32_t>(accepted >> 32));
}

bool PciModernTransport::validateOffer(uint64_t offered) {
  const bool nd = feat::has(offered, feat::kNotificationData);
  if (offerChecked_ && checkedNotificationData_ == nd) return notifyCap_ >= 0;
  offerChecked_ = true;
  checkedNotificationData_ = nd;
  notifyCap_ = -1;
  const auto& cands = fn_->layout.notifyCandidates;
  for (size_t i = 0; i < cands.size(); ++i) {
    const VirtioPciCapInfo& c = cands[i];
    const std::vector<Evidence> ev{{"at", c.at}, {"offset", c.offset}, {"length", c.length},
                                   {"notify_off_multiplier", c.notifyOffMultiplier}};
    const uint32_t m = c.notifyOffMultiplier;
    bool ok = true;
    if (nd) {
      if (c.offset % 4 != 0) {
        // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#8: offset 4-byte aligned with NOTIFICATION_DATA
        violation(clause::kNotifyOffsetAlign4, "pci.notify_cap_misaligned", "notify cap.offset not 4-byte aligned", ev);
        ok = false;
      }
      if (m != 0 && (!isPow2(m) || m % 4 != 0)) {
        // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#7: 0 or a power of 2 multiple of 4
        violation(clause::kNotifyMultiplierData, "pci.notify_multiplier", "notify_off_multiplier not 0 or a power of 2 multiple of 4", ev);
        ok = false;
      }
      if (c.length < 4) {
        // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#9: cap.length at least 4
        violation(clause::kNotifyLength4, "pci.notify_cap_short", "notify cap.length below 4", ev);
        ok = false;
      }
    } else {
      if (c.offset % 2 != 0) {
        // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#2: offset 2-byte aligned
        violation(clause::kNotifyOffsetAlign2, "pci.notify_cap_misaligned", "notify cap.offset not 2-byte aligned", ev);
        ok = false;
      }
      // "an even power of 2" read as a power of two that is even (2, 4, 8, ...): the 16-bit analogue of #7
      if (m != 0 && (!isPow2(m) || m % 2 != 0)) {
        // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#3: 0 or an even power of 2
        violation(clause::kNotifyMultiplier, "pci.notify_multiplier", "notify_off_multiplier not 0 or an even power of 2", ev);
        ok = false;
      }
      if (c.length < 2) {
        // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#4: cap.length at least 2
        violation(clause::kNotifyLength2, "pci.notify_cap_short", "notify cap.length below 2", ev);
        ok = false;
      }
    }
    // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#2: first instance we can use
    if (ok && notifyCap_ < 0) notifyCap_ = static_cast<int>(i);
  }
  return notifyCap_ >= 0;
}

void PciModernTransport::writeDriverFeatures(uint64_t accepted) {
  w32(pci::common::kDriverFeatureSelect, 0);
  w32(pci::common::kDriverFeature, static_cast<uint32_t>(accepted));
  w32(pci::common::kDriverFeatureSelect, 1);
  w32(pci::common::kDriverFeature, static_cast<uint32_t>(accepted >> 32));
  w32(pci::common::kDriverFeatureSelect, 0);
  const uint64_t lo = c32(pci::common::kDriverFeature);
  w32(pci::common::kDriverFeatureSelect, 1);
  const uint64_t hi = c32(pci::common::kDriverFeature);
  const uint64_t rb = lo | (hi << 32);
  if ((rb & accepted) != accepted) {
    // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#4: driver_feature presents the valid bits written
    violation(clause::kDriverFeatureReadback, "pci.driver_feature_readback",
              "driver_feature does not present the (offered) bits the driver wrote",
              {{"written", accepted}, {"read", rb}});
  }
}

uint64_t PciModernTransport::transportFeatures() const {
  using namespace feat;
  uint64_t f = bit(kIndirectDesc) | bit(kEventIdx) | bit(kVersion1) | bit(kAccessPlatform) | bit(kRingPacked) |
               bit(kInOrder) | bit(kOrderPlatform) | bit(kNotificationData);
  // the optional common-configuration fields must be inside the structure the device described
  if (common().length >= pci::common::kQueueNotifConfigData + 2) f |= bit(kNotifConfigData);
  if (common().length >= pci::common::kQueueReset + 2) f |= bit(kRingReset);
  return f;
}

int PciModernTransport::numQueues() { return c16(pci::common::kNumQueues); }

void PciModernTransport::selectQueue(uint16_t q) { w16(pci::common::kQueueSelect, q); }
uint16_t PciModernTransport::readConfigVector() { return c16(pci::common::kConfigMsixVector); }
void PciModernTransport::writeConfigVector(uint16_t v) { w16(pci::common::kConfigMsixVector, v); }
uint16_t PciModernTransport::readQueueVector() { return c16(pci::common::kQueueMsixVector); }
void PciModernTransport::writeQueueVector(uint16_t v) { w16(pci::common::kQueueMsixVector, v); }
uint8_t PciModernTransport::readIsr() { return hal_.read8(fn_->layout.isr.space, fn_->layout.isr.base); }

uint32_t PciModernTransport::queueMaxSize(uint16_t q) {
  selectQueue(q);
  const uint16_t size = c16(pci::common::kQueueSize);
  const uint16_t enable = c16(pci::common::kQueueEnable);
  if (enable != 0) {
    // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#8: queue_enable 0 on reset
    violation(clause::kQueueEnableZeroOnReset, "pci.queue_enable_after_reset", "queue_enable not 0 after reset",
              {{"queue_enable", enable}}, q);
  }
  if (feat::has(negotiated_, feat::kRingReset)) {
    const uint16_t qr = c16(pci::common::kQueueReset);
    if (qr != 0) {
      // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#9: queue_reset 0 on reset
      violation(clause::kQueueResetZeroOnReset, "pci.queue_reset_after_reset", "queue_reset not 0 after reset",
                {{"queue_reset", qr}}, q);
    }
  }
  if (!feat::has(negotiated_, feat::kRingPacked) && size != 0 && !isPow2(size)) {
    // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#15: 0 or a power of 2 without RING_PACKED
    violation(clause::kQueueSizePow2, "pci.queue_size_not_pow2", "queue_size is not a power of 2 (split ring)",
              {{"queue_size", size}}, q);
  }
  return size;
}

bool PciModernTransport::setupQueue(uint16_t q, const RingAddrs& a) {
  if (notifyCap_ < 0 && !validateOffer(negotiated_)) return false;
  selectQueue(q);
  // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#3: split sizes are powers of 2 (DriverQueue::configure enforces it)
  w16(pci::common::kQueueSize, static_cast<uint16_t>(a.size));
  w64(pci::common::kQueueDesc, a.desc);
  w64(pci::common::kQueueDriver, a.driver);
  w64(pci::common::kQueueDevice, a.device);
  mapQueueVector(q);
  selectQueue(q);  // a fall-back to INTx may have selected other queues
  const uint16_t noff = c16(pci::common::kQueueNotifyOff);
  const VirtioPciCapInfo& c = fn_->layout.notifyCandidates[size_t(notifyCap_)];
  const bool nd = feat::has(negotiated_, feat::kNotificationData);
  const uint64_t off = uint64_t{noff} * c.notifyOffMultiplier;
  const uint64_t need = nd ? 4 : 2;
  if (off + need > c.length) {
    if (nd) {
      // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#11: cap.length >= queue_notify_off * multiplier + 4
      violation(clause::kNotifyLengthQueue4, "pci.notify_off_outside_cap",
                "queue notify address outside the notification structure",
                {{"queue_notify_off", noff}, {"notify_off_multiplier", c.notifyOffMultiplier}, {"cap_length", c.length}}, q);
    } else {
      // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#6: cap.length >= queue_notify_off * multiplier + 2
      violation(clause::kNotifyLengthQueue2, "pci.notify_off_outside_cap",
                "queue notify address outside the notification structure",
                {{"queue_notify_off", noff}, {"notify_off_multiplier", c.notifyOffMultiplier}, {"cap_length", c.length}}, q);
    }
    return false;
  }
  if (q >= notifyAddr_.size()) {
    notifyAddr_.resize(size_t{q} + 1, 0);
    notifConfigData_.resize(size_t{q} + 1, 0);
    notifyReady_.resize(size_t{q} + 1, 0);
  }
  const PciBar& bar = fn_->bars[c.bar];
  notifySpace_ = bar.io ? Space::Io : Space::Memory;
  // notify address = cap.offset + queue_notify_off * notify_off_multiplier, inside the cap's BAR
  notifyAddr_[q] = bar.address + c.offset + off;
  notifyReady_[q] = 1;
  if (feat::has(negotiated_, feat::kNotifConfigData)) notifConfigData_[q] = c16(pci::common::kQueueNotifConfigData);
  return true;
}

bool PciModernTransport::enableQueue(uint16_t q) {
  selectQueue(q);
  // release: the zeroed rings are visible to the device before it may start using them
  std::atomic_thread_fence(std::memory_order_release);
  // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#4: other fields set before queue_enable
  w16(pci::common::kQueueEnable, 1);
  if (feat::has(negotiated_, feat::kRingReset)) {
    const uint16_t qr = c16(pci::common::kQueueReset);
    if (qr != 0) {
      // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#10: queue_reset 0 once enabled
      violation(clause::kQueueResetZeroAfterEnable, "pci.queue_reset_after_enable",
                "queue_reset not 0 after the queue was enabled", {{"queue_reset", qr}}, q);
    }
  }
  return true;
}

bool PciModernTransport::resetQueue(uint16_t q, uint64_t timeoutNs) {
  if (!feat::has(negotiated_, feat::kRingReset)) return false;
  selectQueue(q);
  w16(pci::common::kQueueReset, 1);
  // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#7: done only when queue_reset reads 0
  Deadline dl(hal_, timeoutNs);
  while (c16(pci::common::kQueueReset) != 0) {
    if (dl.expired()) return false;
    dl.pause(1000);
  }
  const uint16_t en = c16(pci::common::kQueueEnable);
  if (en != 0) {
    // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#13: queue_enable 0 when the reset completed
    violation(clause::kQueueResetCompleteZero, "pci.queue_enable_after_queue_reset",
              "queue_enable not 0 after the queue reset completed", {{"queue_enable", en}}, q);
  }
  if (q < notifyReady_.size()) notifyReady_[q] = 0;
  if (q < queueVec_.size()) queueVec_[q] = pci::kNoVector;
  return true;
}

void PciModernTransport::notify(uint16_t q, uint32_t value) {
  if (q >= notifyReady_.size() || !notifyReady_[q]) return;
  // seq_cst: every ring write (descriptors, avail idx / descriptor flags) is visible before the doorbell write
  std::atomic_thread_fence(std::memory_order_seq_cst);
  const bool ncd = feat::has(negotiated_, feat::kNotifConfigData);
  if (feat::has(negotiated_, feat::kNotificationData)) {
    // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#2: 32-bit with NOTIFICATION_DATA
    if (ncd) value = (value & 0xffff0000u) | notifConfigData_[q];
    hal_.write32(notifySpace_, notifyAddr_[q], value);
  } else {
    // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#1: 16-bit otherwise
    hal_.write16(notifySpace_, notifyAddr_[q], ncd ? notifConfigData_[q] : q);
  }
}

uint32_t PciModernTransport::configGeneration() { return c8(pci::common::kConfigGeneration); }

uint32_t PciModernTransport::configRead(uint32_t off, unsigned width) {
  const PciRegion& d = fn_->layout.device;
  if (!d.valid || uint64_t{off} + width > d.length) return 0;  // never outside the structure
  return static_cast<uint32_t>(hal_.read(d.space, d.base + off, width));
}

void PciModernTransport::configWrite(uint32_t off, uint32_t value, unsigned width) {
  const PciRegion& d = fn_->layout.device;
  if (!d.valid || uint64_t{off} + width > d.length) return;
  hal_.write(d.space, d.base + off, value, width);
}

// ---------------------------------------------------------------------------------------------------------------
// Legacy interface (I/O BAR0)
// ---------------------------------------------------------------------------------------------------------------

PciLegacyTransport::PciLegacyTransport(Hal& hal, ViolationSink& sink, std::shared_ptr<const PciFunctionInfo> fn)
    : PciTransportBase(hal, sink, std::move(fn)) {
  const PciBar& b = fn_->bars[0];
  if (b.present && b.io && b.assigned) {
    io_.valid = true;
    io_.space = Space::Io;
    io_.base = b.address;
    io_.length = b.size;
  }
}

uint8_t PciLegacyTransport::status() { return hal_.read8(Space::Io, io_.base + pci::legacy::kStatus); }
void PciLegacyTransport::setStatus(uint8_t s) { hal_.write8(Space::Io, io_.base + pci::legacy::kStatus, s); }
uint64_t PciLegacyTransport::deviceFeatures() { return hal_.read32(Space::Io, io_.base + pci::legacy::kHostFeatures); }
void PciLegacyTransport::writeDriverFeatures(uint64_t accepted) {
  hal_.write32(Space::Io, io_.base + pci::legacy::kGuestFeatures, static_cast<uint32_t>(accepted));
}
uint64_t PciLegacyTransport::transportFeatures() const {
  // only bits 0..31 exist here; ANY_LAYOUT is a legacy-interface bit
  return feat::bit(feat::kIndirectDesc) | feat::bit(feat::kEventIdx) | feat::bit(feat::kAnyLayout);
}

void PciLegacyTransport::selectQueue(uint16_t q) { hal_.write16(Space::Io, io_.base + pci::legacy::kQueueSel, q); }
uint16_t PciLegacyTransport::readConfigVector() {
  return hal_.read16(Space::Io, io_.base + pci::legacy::kConfigMsixVector);
}
void PciLegacyTransport::writeConfigVector(uint16_t v) {
  hal_.write16(Space::Io, io_.base + pci::legacy::kConfigMsixVector, v);
}
uint16_t PciLegacyTransport::readQueueVector() { return hal_.read16(Space::Io, io_.base + pci::legacy::kQueueMsixVector); }
void PciLegacyTransport::writeQueueVector(uint16_t v) {
  hal_.write16(Space::Io, io_.base + pci::legacy::kQueueMsixVector, v);
}
uint8_t PciLegacyTransport::readIsr() { return hal_.read8(Space::Io, io_.base + pci::legacy::kIsr); }
const char* PciLegacyTransport::configGenerationClause() const { return clause::kPciConfigGeneration; }

uint32_t PciLegacyTransport::queueMaxSize(uint16_t q) {
  selectQueue(q);
  return hal_.read16(Space::Io, io_.base + pci::legacy::kQueueNum);
}

bool PciLegacyTransport::setupQueue(uint16_t q, const RingAddrs& a) {
  // The legacy device locates the rings from the page number and its own queue size: the layout must be the
  // contiguous legacy one with 4096 alignment, and the size the device's.
  const LegacySplitLayout l = legacySplitLayout(a.size, pci::legacy::kQueueAlign);
  if (a.desc % pci::legacy::kQueueAlign != 0 || a.driver != a.desc + l.availOff || a.device != a.desc + l.usedOff)
    return false;
  if ((a.desc >> pci::legacy::kPfnShift) > 0xffffffffull) return false;  // QUEUE_PFN is 32 bits
  if (queueMaxSize(q) != a.size) return false;  // no size negotiation on the legacy interface
  mapQueueVector(q);
  if (q >= pfn_.size()) pfn_.resize(size_t{q} + 1, 0);
  pfn_[q] = static_cast<uint32_t>(a.desc >> pci::legacy::kPfnShift);
  return true;
}

bool PciLegacyTransport::enableQueue(uint16_t q) {
  if (q >= pfn_.size() || pfn_[q] == 0) return false;
  selectQueue(q);
  // release: the zeroed rings are visible to the device before it learns where they are
  std::atomic_thread_fence(std::memory_order_release);
  hal_.write32(Space::Io, io_.base + pci::legacy::kQueuePfn, pfn_[q]);
  return true;
}

void PciLegacyTransport::notify(uint16_t q, uint32_t value) {
  (void)value;  // no NOTIFICATION_DATA on the legacy interface: the value is the queue index
  // seq_cst: every ring write is visible before the doorbell write
  std::atomic_thread_fence(std::memory_order_seq_cst);
  hal_.write16(Space::Io, io_.base + pci::legacy::kQueueNotify, q);
}

uint32_t PciLegacyTransport::configOffset() const {
  // the MSI-X vector registers exist (and push the device configuration back by 4) only while MSI-X is enabled
  return msix_.enabled() ? pci::legacy::kDeviceConfigMsix : pci::legacy::kDeviceConfigNoMsix;
}

uint32_t PciLegacyTransport::configRead(uint32_t off, unsigned width) {
  const uint64_t o = uint64_t{configOffset()} + off;
  if (!io_.valid || o + width > io_.length) return 0;
  return static_cast<uint32_t>(hal_.read(Space::Io, io_.base + o, width));
}

void PciLegacyTransport::configWrite(uint32_t off, uint32_t value, unsigned width) {
  const uint64_t o = uint64_t{configOffset()} + off;
  if (!io_.valid || o + width > io_.length) return;
  hal_.write(Space::Io, io_.base + o, value, width);
}

}  // namespace vsim::drv

#include "vsim/model/device_core.h"

#include <algorithm>

#include "vsim/abi/features.h"
#include "vsim/abi/status.h"

namespace vsim::model {

const uint64_t DeviceCore::kDefaultRingFeatures =
    feat::bit(feat::kIndirectDesc) | feat::bit(feat::kEventIdx) | feat::bit(feat::kVersion1) |
    feat::bit(feat::kRingPacked) | feat::bit(feat::kInOrder) | feat::bit(feat::kNotificationData) |
    feat::bit(feat::kRingReset);

namespace {
constexpr const char* kInitSeq = "drivernormative:General Initialization And Device Operation / Device Initialization#1";
}  // namespace

DeviceCore::DeviceCore(DeviceLogic& logic, GuestMemory& mem, ViolationSink& sink, const CoreOptions& opts)
    : logic_(logic), mem_(mem), sink_(sink), opts_(opts) {
  if (opts_.ringFeatures == 0) opts_.ringFeatures = kDefaultRingFeatures;
  queues_.resize(logic_.numQueues());
  pending_.assign(queues_.size(), false);
  held_.resize(queues_.size());
  churnLeft_ = opts_.personality.configGenChurn;
  for (uint16_t q = 0; q < queues_.size(); ++q) {
    queues_[q].maxSize = opts_.personality.queueMax ? static_cast<uint16_t>(std::min<uint32_t>(opts_.personality.queueMax, 32768))
                                                    : logic_.queueMaxSize(q);
    queues_[q].size = queues_[q].maxSize;
  }
  logic_.attach(*this);
}

DeviceCore::~DeviceCore() = default;

void DeviceCore::violate(const char* clause, const char* kind, std::string message, std::vector<Evidence> ev,
                         bool needsReset) {
  Violation v;
  v.clause = clause;
  v.kind = kind;
  v.message = std::move(message);
  v.culprit = Culprit::Driver;
  v.evidence = std::move(ev);
  sink_.report(std::move(v));
  if (needsReset) setNeedsReset();
}

void DeviceCore::raise(IrqKind kind, uint16_t q) {
  if (kind == IrqKind::Queue) {
    ++stats_.usedNotifications;
    if (obs_) obs_->onUsedNotify(q);
  } else {
    ++stats_.configNotifications;
    if (obs_) obs_->onConfigNotify();
  }
  if (irq_) irq_->raise(kind, q);
}

// ---------------------------------------------------------------------------------------------------------------
// Status

uint8_t DeviceCore::readStatus() {
  if (status_ & status::kFeaturesOk) featuresOkReread_ = true;
  if (suspended_) suspendUnread_ = false;
  else resumeUnread_ = false;
  return status_;
}

void DeviceCore::reset() {
  for (uint16_t q = 0; q < queues_.size(); ++q) {
    auto& s = queues_[q];
    s.engine.reset();
    s.enabled = false;
    s.size = s.maxSize;
    s.desc = s.driver = s.device = 0;
    pending_[q] = false;
    held_[q].clear();
  }
  status_ = 0;
  churnLeft_ = opts_.personality.configGenChurn;
  wideReadStart_ = -1;
  doneSinceReset_ = 0;
  driverFeatures_ = negotiated_ = 0;
  driverFeaturesHi_ = negotiatedHi_ = 0;
  featuresOkReread_ = warnedNeedsReset_ = false;
  suspended_ = suspendUnread_ = resumeUnread_ = configDeferred_ = false;
  availMark_.clear();
  stashed_.clear();
  ++stats_.resets;
  logic_.onReset();
}

void DeviceCore::writeStatus(uint8_t v) {
  const uint8_t old = status_;
  if (v == 0) {
    reset();
    if (obs_) obs_->onStatus(old, 0);
    return;
  }
  checkWideRead("device status write");
  if (suspended_) return writeStatusSuspended(v);
  if ((v & status::kSuspend) && !(old & status::kSuspend) && requestSuspend(old, v)) return;
  const uint8_t driverBits = old & static_cast<uint8_t>(~status::kDeviceNeedsReset);  // NEEDS_RESET is the device's
  // drivernormative:Basic Facilities of a Virtio Device / Device Status Field#2: status bits are only ever added
  // (until a reset); a cleared bit is reported and kept.
  if (uint8_t cleared = driverBits & static_cast<uint8_t>(~v)) {
    violate("drivernormative:Basic Facilities of a Virtio Device / Device Status Field#2", "status.bit_cleared",
            "driver cleared device status bits without a reset", {{"old", old}, {"written", v}, {"cleared", cleared}});
    v |= driverBits;
  }
  uint8_t added = v & static_cast<uint8_t>(~old) & static_cast<uint8_t>(~status::kDeviceNeedsReset);
  // drivernormative:Basic Facilities of a Virtio Device / Device Status Field#3: after FAILED, a reset comes before
  // any new initialisation step.
  if ((old & status::kFailed) && (added & ~status::kFailed)) {
    violate("drivernormative:Basic Facilities of a Virtio Device / Device Status Field#3", "status.reinit_after_failed",
            "driver continued initialisation after FAILED without a reset", {{"old", old}, {"written", v}});
  }
  const uint8_t now = old | v;
  // drivernormative:General Initialization And Device Operation / Device Initialization#1: ACKNOWLEDGE, DRIVER,
  // FEATURES_OK (after re-reading it), DRIVER_OK, in that order.
  if ((added & status::kDriver) && !(now & status::kAcknowledge))
    violate(kInitSeq, "status.driver_before_acknowledge", "DRIVER set before ACKNOWLEDGE", {{"status", now}});
  if ((added & status::kFeaturesOk) && !(now & status::kDriver))
    violate(kInitSeq, "status.features_ok_before_driver", "FEATURES_OK set before DRIVER", {{"status", now}});
  if (added & status::kFeaturesOk) {
    if (legacy_) {
      added &= static_cast<uint8_t>(~status::kFeaturesOk);  // a legacy interface has no FEATURES_OK: bit ignored
      v &= static_cast<uint8_t>(~status::kFeaturesOk);
    } else if (!acceptFeatures()) {
      // devicenormative:Basic Facilities of a Virtio Device / Feature Bits#3: an unacceptable subset leaves
      // FEATURES_OK clear, which the driver sees when it re-reads status.
      added &= static_cast<uint8_t>(~status::kFeaturesOk);
      v &= static_cast<uint8_t>(~status::kFeaturesOk);
    } else {
      featuresOkReread_ = false;
    }
  }
  if (added & status::kDriverOk) {
    if (!legacy_ && !((old | v) & status::kFeaturesOk))
      violate(kInitSeq, "status.driver_ok_before_features_ok", "DRIVER_OK set before FEATURES_OK was accepted",
              {{"status", static_cast<uint8_t>(old | v)}});
    else if (!legacy_ && !featuresOkReread_)
      violate(kInitSeq, "status.features_ok_not_reread",
              "DRIVER_OK set without re-reading status after FEATURES_OK", {{"status", static_cast<uint8_t>(old | v)}});
    if (legacy_) negotiated_ = driverFeatures_ & offeredFeatures();
  }
  status_ = static_cast<uint8_t>(old | v);
  if (obs_) obs_->onStatus(old, status_);
  if (added & status::kDriverOk) {
    logic_.onDriverOk(*this);
    for (uint16_t q = 0; q < queues_.size(); ++q)  // work made available before DRIVER_OK
      if (pending_[q] && !manual_) processAll(q);
  }
}

bool DeviceCore::acceptFeatures() {
  const uint64_t offered = offeredFeatures(), offeredHi = offeredFeaturesHigh();
  const uint64_t acc = driverFeatures_, accHi = driverFeaturesHi_;
  bool ok = true;
  // drivernormative:Basic Facilities of a Virtio Device / Feature Bits#1: only offered features are accepted.
  if (uint64_t extra = acc & ~offered) {
    violate("drivernormative:Basic Facilities of a Virtio Device / Feature Bits#1", "features.not_offered",
            "driver accepted features the device did not offer", {{"accepted", acc}, {"offered", offered}, {"extra", extra}});
    ok = false;
  }
  // drivernormative:Basic Facilities of a Virtio Device / Feature Bits#1: the same for bits 64..127.
  if (uint64_t extra = accHi & ~offeredHi) {
    violate("drivernormative:Basic Facilities of a Virtio Device / Feature Bits#1", "features.not_offered",
            "driver accepted feature bits above 63 the device did not offer",
            {{"accepted_high", accHi}, {"offered_high", offeredHi}, {"extra_high", extra}});
    ok = false;
  }
  // drivernormative:Reserved Feature Bits#1: VERSION_1 is accepted whenever it is offered.
  if (feat::has(offered, feat::kVersion1) && !feat::has(acc, feat::kVersion1)) {
    violate("drivernormative:Reserved Feature Bits#1", "features.version_1_not_accepted",
            "driver did not accept VIRTIO_F_VERSION_1", {{"accepted", acc}});
    ok = false;
  }
  // drivernormative:Basic Facilities of a Virtio Device / Feature Bits#2 (and the device chapters): accepted
  // features whose dependencies were not accepted; the device type names the clause.
  std::string depClause = logic_.checkFeatures(acc);
  if (depClause.empty()) depClause = logic_.checkFeaturesHigh(acc, accHi);
  if (!depClause.empty()) {
    violate(depClause.c_str(), "features.dependency", "accepted features lack a feature they depend on",
            {{"accepted", acc}});
    ok = false;
  }
  if (!ok && opts_.refuseInvalidFeatures) return false;
  negotiated_ = acc & offered;
  negotiatedHi_ = accHi & offeredHi;
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Features

uint64_t DeviceCore::offeredFeatures() const {
  const uint64_t suspend = opts_.suspend ? feat::bit(feat::kSuspend) : 0;  // cut below on a legacy interface
  uint64_t f = (logic_.deviceFeatures() | opts_.ringFeatures | suspend) & ~opts_.personality.featuresRemoved;
  if (legacy_) {
    f &= 0xffffffffull & ~feat::bit(feat::kVersion1);  // a legacy interface has 32 feature bits
    // Legacy Interface: Reserved Feature Bits: the legacy interface of a transitional device offers ANY_LAYOUT (our
    // devices accept any descriptor layout, so it is true of them); found missing by comparison with QEMU (issue #7).
    f |= feat::bit(feat::kAnyLayout) & ~opts_.personality.featuresRemoved;
  }
  return f;
}

uint64_t DeviceCore::offeredFeaturesHigh() const {
  return legacy_ ? 0 : logic_.deviceFeaturesHigh();  // a legacy interface has 32 feature bits
}

uint32_t DeviceCore::readDeviceFeatures(uint32_t select) const {
  if (select > 3) return 0;
  const uint64_t word = select < 2 ? offeredFeatures() : offeredFeaturesHigh();
  return static_cast<uint32_t>(word >> (32 * (select & 1)));
}

void DeviceCore::writeDriverFeatures(uint32_t select, uint32_t value) {
  // drivernormative:General Initialization And Device Operation / Device Initialization#4: no new features after
  // FEATURES_OK (a legacy driver: after DRIVER_OK).
  if ((!legacy_ && (status_ & status::kFeaturesOk)) || (legacy_ && (status_ & status::kDriverOk))) {
    violate("drivernormative:General Initialization And Device Operation / Device Initialization#4",
            "features.written_after_features_ok", "driver features written after they were fixed",
            {{"select", select}, {"value", value}, {"status", status_}});
    return;
  }
  if (select > 3 || (select > 1 && legacy_)) {
    if (value != 0)
      // drivernormative:Basic Facilities of a Virtio Device / Feature Bits#1: no device offers bits above 127.
      violate("drivernormative:Basic Facilities of a Virtio Device / Feature Bits#1", "features.not_offered",
              "driver accepted feature bits above 127", {{"select", select}, {"value", value}});
    return;
  }
  const uint64_t mask = 0xffffffffull << (32 * (select & 1));
  uint64_t& word = select < 2 ? driverFeatures_ : driverFeaturesHi_;
  word = (word & ~mask) | (uint64_t{value} << (32 * (select & 1)));
}

uint32_t DeviceCore::readDriverFeatures(uint32_t select) const {
  if (select > 3) return 0;
  return static_cast<uint32_t>((select < 2 ? driverFeatures_ : driverFeaturesHi_) >> (32 * (select & 1)));
}

// ---------------------------------------------------------------------------------------------------------------
// Config space

bool DeviceCore::readConfig(uint32_t off, void* dst, uint32_t len) {
  if (off > configSize() || len > configSize() - off) return false;
  if (len) logic_.readConfig(off, dst, len);
  uint32_t start = 0, size = 0;
  // A modern driver reading part of a field wider than 32 bits has to confirm it with a generation re-read
  // (legacy interfaces have no generation counter and other rules).
  if (len && !legacy_ && logic_.wideConfigField(off, start, size) && (off > start || off + len < start + size))
    wideReadStart_ = start;
  if (churnLeft_ && len) {
    // personality config_gen_churn: the configuration "changes" while the driver reads it (legal at any time)
    --churnLeft_;
    ++generation_;
  }
  return true;
}

uint8_t DeviceCore::readGeneration() {
  wideReadStart_ = -1;  // the driver re-checks the generation: whatever it read piecewise before is confirmed
  return generation_;
}

void DeviceCore::checkWideRead(const char* before) {
  if (wideReadStart_ < 0) return;
  // drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#1: a >32-bit field read in pieces
  // and used (the driver moved on to a status write or a notification) with no config generation read after it:
  // the driver took the pieces to be one atomic value.
  violate("drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#1", "config.wide_read_unchecked",
          std::string("a configuration field wider than 32 bits was read piecewise and no config generation read "
                      "followed before the ") + before,
          {{"field_offset", static_cast<uint64_t>(wideReadStart_)}});
  wideReadStart_ = -1;
}

bool DeviceCore::writeConfig(uint32_t off, const void* src, uint32_t len) {
  if (off > configSize() || len > configSize() - off) return false;
  if (suspended_) {
    // drivernormative:General Initialization And Device Operation / Device Suspend#5: no configuration writes while
    // suspended (device status is not in the configuration space on PCI or MMIO).
    violate("drivernormative:General Initialization And Device Operation / Device Suspend#5",
            "suspend.config_written", "device configuration written while the device is suspended",
            {{"offset", off}, {"len", len}, {"status", status_}});
    // devicenormative:General Initialization And Device Operation / Device Suspend#2: and the write is ignored.
    return true;
  }
  // drivernormative:General Initialization And Device Operation / Device Initialization#3: while reading the
  // feature bits (before FEATURES_OK) the driver may read, but not write, device configuration.
  if (!legacy_ && !(status_ & status::kFeaturesOk) && !logic_.configWritableAnytime(off, len)) {
    violate("drivernormative:General Initialization And Device Operation / Device Initialization#3",
            "config.written_before_features_ok", "device configuration written before FEATURES_OK",
            {{"offset", off}, {"len", len}, {"status", status_}});
    return true;
  }
  logic_.writeConfig(off, src, len);
  return true;
}

void DeviceCore::configChanged() {
  // devicenormative:General Initialization And Device Operation / Device Suspend#4: while suspended neither the
  // generation moves nor is the driver notified; resume() announces the change (Device Suspend#5).
  if (suspended_) {
    configDeferred_ = true;
    return;
  }
  ++generation_;
  if (driverOk()) raise(IrqKind::Config, 0);
}

// ---------------------------------------------------------------------------------------------------------------
// Queues

bool DeviceCore::enableQueue(uint16_t q) {
  if (q >= queues_.size()) return false;
  auto& s = queues_[q];
  const bool packed = feat::has(negotiated_, feat::kRingPacked) && !legacy_;
  s.engine = makeDeviceQueue(packed, mem_, sink_);
  const uint64_t f = legacy_ ? (driverFeatures_ & offeredFeatures()) : negotiated_;
  if (!s.engine->configure(QueueLayout{s.size, s.desc, s.driver, s.device}, f, q)) {
    s.enabled = false;
    // devicenormative:Basic Facilities of a Virtio Device / Device Status Field#3 (the device's side): an unusable
    // queue is an error state the driver learns about through DEVICE_NEEDS_RESET.
    setNeedsReset();
    return false;
  }
  s.enabled = true;
  return true;
}

void DeviceCore::disableQueue(uint16_t q) {
  if (q >= queues_.size()) return;
  held_[q].clear();
  auto& s = queues_[q];
  s.engine.reset();
  s.enabled = false;
  pending_[q] = false;
}

void DeviceCore::resetQueue(uint16_t q) {
  if (q >= queues_.size()) return;
  // devicenormative:Basic Facilities of a Virtio Device / Virtqueues / Virtqueue Reset / Virtqueue Reset#2: all of
  // the queue's state goes back to its defaults.
  logic_.onQueueReset(q);
  held_[q].clear();
  auto& s = queues_[q];
  s.engine.reset();
  s.enabled = false;
  s.size = s.maxSize;
  s.desc = s.driver = s.device = 0;
  pending_[q] = false;
}

// ---------------------------------------------------------------------------------------------------------------
// Notifications and processing

void DeviceCore::notify(uint16_t q, bool hasData, uint32_t data) {
  ++stats_.driverNotifications;
  if (obs_) obs_->onDriverNotify(q, hasData, data);
  checkWideRead("available buffer notification");
  if (q >= queues_.size()) return;
  if (suspended_) {
    // drivernormative:General Initialization And Device Operation / Device Suspend#4: no notifications while
    // suspended. devicenormative:General Initialization And Device Operation / Device Suspend#3: the queue is not
    // looked at before the resume.
    violate("drivernormative:General Initialization And Device Operation / Device Suspend#4",
            "suspend.notified", "available buffer notification while the device is suspended",
            {{"queue", q}, {"status", status_}});
    pending_[q] = true;
    return;
  }
  if (resumeUnread_) {
    // drivernormative:General Initialization And Device Operation / Device Suspend#6: after setting DRIVER_OK to
    // resume, the driver waits for the status to show the device running (a status read) before normal operation.
    resumeUnread_ = false;
    violate("drivernormative:General Initialization And Device Operation / Device Suspend#6",
            "suspend.operation_before_resume_seen", "driver notified a queue before reading the resumed status",
            {{"queue", q}, {"status", status_}});
  }
  // drivernormative:General Initialization And Device Operation / Device Initialization#7: no available buffer
  // notifications before DRIVER_OK.
  if (!driverOk()) {
    violate("drivernormative:General Initialization And Device Operation / Device Initialization#7",
            "notify.before_driver_ok", "available buffer notification before DRIVER_OK", {{"queue", q}, {"status", status_}});
    // devicenormative:Basic Facilities of a Virtio Device / Device Status Field#1: nothing is consumed before
    // DRIVER_OK; the work stays pending until then.
    pending_[q] = true;
    return;
  }
  // drivernormative:Basic Facilities of a Virtio Device / Device Status Field#4: once DEVICE_NEEDS_RESET is set the
  // driver should stop relying on the device (and reset it); carrying on is reported once.
  if (needsReset()) {
    if (!warnedNeedsReset_) {
      warnedNeedsReset_ = true;
      violate("drivernormative:Basic Facilities of a Virtio Device / Device Status Field#4", "notify.after_needs_reset",
              "driver keeps notifying a device that set DEVICE_NEEDS_RESET", {{"queue", q}, {"status", status_}});
    }
    return;
  }
  auto& s = queues_[q];
  if (!s.enabled || !s.engine) return;
  s.engine->onNotification(hasData, data);
  pending_[q] = true;
  if (!manual_) processAll(q);
}

bool DeviceCore::processOne(uint16_t q) {
  if (q >= queues_.size() || !driverOk() || needsReset()) return false;
  auto& s = queues_[q];
  if (!s.enabled || !s.engine) return false;
  DeviceQueue& e = *s.engine;
  switch (e.pop(chain_)) {
    case PopStatus::Empty:
      pending_[q] = false;
      flushHeld(q);
      return false;
    case PopStatus::Broken:
      pending_[q] = false;
      setNeedsReset();
      return false;
    case PopStatus::Ok: break;
  }
  uint32_t written = 0;
  switch (logic_.handle(*this, q, chain_, written)) {
    case ChainResult::Done:
      if (opts_.personality.outOfOrder || opts_.personality.batchUsed) {
        held_[q].push_back(Held{chain_, written});
        if (opts_.personality.batchUsed && held_[q].size() >= opts_.personality.batchUsed) flushHeld(q);
        break;
      }
      e.push(chain_, written);
      ++stats_.chainsDone;
      if (obs_) obs_->onChainDone(q, chain_, written);
      afterChainDone();
      break;
    case ChainResult::Deferred:
    case ChainResult::Drop: break;
  }
  return true;
}

void DeviceCore::processAll(uint16_t q) {
  while (processOne(q)) {
  }
  signalUsed(q);
}

void DeviceCore::signalUsed(uint16_t q) {
  if (q >= queues_.size() || !queues_[q].engine || !driverOk()) return;
  if (queues_[q].engine->shouldNotify()) {
    raise(IrqKind::Queue, q);
    // personality spurious_irq: one more interrupt with nothing new behind it (drivers must tolerate it)
    if (opts_.personality.spuriousIrq) raise(IrqKind::Queue, q);
  }
}

void DeviceCore::flushHeld(uint16_t q) {
  auto& h = held_[q];
  if (h.empty() || !queues_[q].engine) return;
  DeviceQueue& e = *queues_[q].engine;
  const bool reverse = opts_.personality.outOfOrder && !has(feat::kInOrder);  // reordering is illegal with IN_ORDER
  for (size_t k = 0; k < h.size(); ++k) {
    const Held& x = reverse ? h[h.size() - 1 - k] : h[k];
    e.push(x.chain, x.written);
    ++stats_.chainsDone;
    if (obs_) obs_->onChainDone(q, x.chain, x.written);
    afterChainDone();
  }
  h.clear();
}

void DeviceCore::afterChainDone() {
  ++doneSinceReset_;
  const auto& p = opts_.personality;
  if (p.configChangeEvery && doneSinceReset_ % p.configChangeEvery == 0) configChanged();
  if (p.needsResetAfter && doneSinceReset_ == p.needsResetAfter) setNeedsReset();
}

void DeviceCore::complete(uint16_t q, const Chain& c, uint32_t written, bool signal) {
  if (q >= queues_.size() || !queues_[q].engine) return;
  if (suspended_) {
    // devicenormative:General Initialization And Device Operation / Device Suspend#3: no used ring writes while
    // suspended; the completion is returned on resume.
    stashed_.push_back(Stashed{q, c, written});
    return;
  }
  queues_[q].engine->push(c, written);
  ++stats_.chainsDone;
  if (obs_) obs_->onChainDone(q, c, written);
  afterChainDone();
  if (signal) signalUsed(q);
}

void DeviceCore::setNeedsReset() {
  if (needsReset()) return;
  const uint8_t old = status_;
  status_ |= status::kDeviceNeedsReset;
  if (obs_) obs_->onStatus(old, status_);
  // devicenormative:Basic Facilities of a Virtio Device / Device Status Field#3: after DRIVER_OK, setting
  // DEVICE_NEEDS_RESET comes with a configuration change notification.
  if (driverOk()) raise(IrqKind::Config, 0);
}

}  // namespace vsim::model

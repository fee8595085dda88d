// drv::Device: initialisation sequence, kicks, interrupt dispatch, DEVICE_NEEDS_RESET, recovery.
#include "vsim/drv/device.h"

#include <algorithm>
#include <atomic>

#include "vsim/abi/features.h"
#include "vsim/abi/status.h"
#include "vsim/drv/device_clauses.h"

namespace vsim::drv {

namespace {
constexpr uint32_t floorPow2(uint32_t v) {
  uint32_t p = 1;
  while (p <= v / 2) p <<= 1;
  return v ? p : 0;
}
/// Feature bits that belong to the device type (spec "Feature Bits": 0..23, 41, 42, 50 and up).
constexpr uint64_t kDeviceTypeBits = 0x0000000000ffffffull | (uint64_t{1} << 41) | (uint64_t{1} << 42) |
                                     (~uint64_t{0} << 50);
}  // namespace

const char* deviceStateName(DeviceState s) {
  switch (s) {
    case DeviceState::Uninitialized: return "uninitialized";
    case DeviceState::Live: return "live";
    case DeviceState::Failed: return "failed";
    case DeviceState::NeedsReset: return "needs-reset";
    case DeviceState::Suspended: return "suspended";
  }
  return "?";
}

Device::Device(std::unique_ptr<Transport> transport, DriverOptions opts, ViolationSink& sink)
    : t_(std::move(transport)), opts_(std::move(opts)), sink_(sink) {}

bool Device::fail(std::string why) {
  failure_ = std::move(why);
  // drivernormative:General Initialization And Device Operation / Device Initialization#5: FAILED when giving up
  status_ = static_cast<uint8_t>(status_ | status::kFailed);
  t_->setStatus(status_);
  state_ = DeviceState::Failed;
  // drivernormative:General Initialization And Device Operation / Device Initialization#6: and stop there
  return false;
}

void Device::setStatusBit(uint8_t bit) {
  // drivernormative:Basic Facilities of a Virtio Device / Device Status Field#2: never clear a bit we set
  status_ = static_cast<uint8_t>(status_ | bit);
  t_->setStatus(status_);
}

uint64_t Device::wantedFeatures() const {
  using namespace feat;
  uint64_t w = opts_.deviceFeatures & kDeviceTypeBits;
  // drivernormative:Reserved Feature Bits#1: accept VERSION_1 when offered
  if (!t_->legacy()) w |= bit(kVersion1);
  // Legacy Interface: Reserved Feature Bits: a transitional driver accepts ANY_LAYOUT whenever a legacy interface
  // offers it (our framing is valid with or without it). Found against QEMU, whose legacy interfaces offer it.
  if (t_->legacy()) w |= bit(kAnyLayout);
  if (opts_.ringPacked) w |= bit(kRingPacked);
  if (opts_.eventIdx) w |= bit(kEventIdx);
  if (opts_.indirect) w |= bit(kIndirectDesc);
  if (opts_.inOrder) w |= bit(kInOrder);
  if (opts_.notificationData) w |= bit(kNotificationData);
  if (opts_.ringReset) w |= bit(kRingReset);
  if (opts_.notifConfigData) w |= bit(kNotifConfigData);
  if (opts_.accessPlatform) w |= bit(kAccessPlatform);
  if (opts_.orderPlatform) w |= bit(kOrderPlatform);
  // drivernormative:Basic Facilities of a Virtio Device / Feature Bits#5: never a reserved bit we cannot drive
  w &= kDeviceTypeBits | t_->transportFeatures();
  // VIRTIO_F_SUSPEND lives in the status byte, which every modern transport carries
  if (opts_.suspend && !t_->legacy()) w |= bit(kSuspend);
  return w;
}

bool Device::init() {
  state_ = DeviceState::Uninitialized;
  failure_.clear();
  status_ = 0;
  offered_ = features_ = 0;
  offeredHi_ = featuresHi_ = 0;
  needsResetNotified_ = false;
  t_->setVerifyGeneration(opts_.verifyConfigGeneration);

  // drivernormative:General Initialization And Device Operation / Device Initialization#1: the steps in this order
  // 1. Reset the device (and wait until the status reads back 0).
  if (!t_->reset(opts_.resetTimeoutNs)) return fail("the device did not complete its reset");
  // 2. ACKNOWLEDGE: the device was noticed.
  setStatusBit(status::kAcknowledge);
  // 3. DRIVER: we know how to drive it.
  setStatusBit(status::kDriver);
  // 4. Read the offered features and write the subset we understand (device configuration is only read here).
  offered_ = t_->deviceFeatures();
  if (!t_->legacy() && !feat::has(offered_, feat::kVersion1)) {
    // devicenormative:Reserved Feature Bits#1: a device offers VERSION_1 (on a non-legacy interface)
    Violation v;
    v.clause = clause::kOfferVersion1;
    v.kind = "features.no_version_1";
    v.message = t_->location() + ": VIRTIO_F_VERSION_1 not offered through the modern interface";
    v.culprit = Culprit::Device;
    v.evidence = {{"device_features", offered_}};
    sink_.report(std::move(v));
    return fail("VIRTIO_F_VERSION_1 not offered");  // the driver MAY give up here
  }
  if (!t_->validateOffer(offered_)) return fail("no usable notification structure for this feature offer");
  uint64_t accepted = offered_ & wantedFeatures();
  if (opts_.chooseFeatures) accepted = opts_.chooseFeatures(*this, offered_, accepted) & offered_;
  t_->writeDriverFeatures(accepted);
  uint64_t acceptedHi = 0;
  if (opts_.deviceFeaturesHigh && !t_->legacy()) {
    // drivernormative:Basic Facilities of a Virtio Device / Feature Bits#1: only offered bits above 63 are accepted
    offeredHi_ = t_->deviceFeaturesHigh();
    acceptedHi = offeredHi_ & opts_.deviceFeaturesHigh;
    t_->writeDriverFeaturesHigh(acceptedHi);
  }
  if (!t_->legacy()) {
    // 5. FEATURES_OK: no feature bit is accepted after this.
    setStatusBit(status::kFeaturesOk);
    // 6. Re-read the status: FEATURES_OK still set, or the device does not support our subset.
    const uint8_t s = t_->status();
    if ((s & status::kFeaturesOk) == 0) return fail("the device refused the feature subset (FEATURES_OK cleared)");
  }
  features_ = accepted;
  featuresHi_ = acceptedHi;
  t_->featuresNegotiated(accepted);

  // 7. Device-specific setup: virtqueue discovery, per-bus setup (interrupts), queue setup, the device hook.
  std::vector<uint32_t> maxSizes;
  const int devQueues = t_->numQueues();
  if (opts_.numQueues >= 0) {
    if (devQueues != Transport::kQueueCountUnknown && opts_.numQueues > devQueues)
      return fail("the device has fewer queues than the driver needs");
    for (int q = 0; q < opts_.numQueues; ++q) {
      const uint32_t m = t_->queueMaxSize(static_cast<uint16_t>(q));
      if (m == 0) return fail("queue " + std::to_string(q) + " is not available");
      maxSizes.push_back(m);
    }
  } else {
    const int limit = devQueues == Transport::kQueueCountUnknown ? 64 : devQueues;
    for (int q = 0; q < limit; ++q) {
      const uint32_t m = t_->queueMaxSize(static_cast<uint16_t>(q));
      if (m == 0) break;  // queue size 0: the queue does not exist
      maxSizes.push_back(m);
    }
  }
  const uint16_t nq = static_cast<uint16_t>(maxSizes.size());
  if (!t_->setupInterrupts(nq, opts_.interrupts)) return fail("interrupt setup failed");
  queues_.resize(nq);
  callbacks_.resize(nq);
  for (uint16_t q = 0; q < nq; ++q)
    if (!setupQueue(q, maxSizes[q])) return false;
  if (opts_.setup && !opts_.setup(*this)) return fail(failure_.empty() ? "device-specific setup failed" : failure_);

  // release: rings zeroed and configuration written before the device goes live
  std::atomic_thread_fence(std::memory_order_release);
  // 8. DRIVER_OK: the device is live.
  setStatusBit(status::kDriverOk);
  lastGeneration_ = t_->hasConfigGeneration() ? t_->configGeneration() : 0;
  state_ = DeviceState::Live;
  // Buffers made available during the device-specific setup could not be announced then: do it now.
  for (uint16_t q = 0; q < nq; ++q) {
    if (queues_[q]->inFlight() == 0) continue;
    queues_[q]->needsNotify();  // closes the batch (its fence orders the ring writes before the doorbell)
    t_->notify(q, queues_[q]->notifyValue());
  }
  return true;
}

bool Device::setupQueue(uint16_t q, uint32_t maxSize) {
  const bool packed = feat::has(features_, feat::kRingPacked);
  uint32_t size = maxSize;
  if (t_->queueSizeNegotiable()) {
    if (opts_.maxQueueSize) size = std::min(size, opts_.maxQueueSize);
    size = std::min<uint32_t>(size, 32768);
    // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#3: split sizes are powers of 2
    if (!packed) size = floorPow2(size);
  }
  if (size == 0) return fail("queue " + std::to_string(q) + ": no usable size");
  if (!packed && (size & (size - 1)) != 0)  // legacy: the device's size, which we cannot change
    return fail("queue " + std::to_string(q) + ": the device's fixed queue size is not a power of 2");
  DriverQueueOptions qo = opts_.queueOptions;
  qo.legacyAlign = t_->legacyQueueAlign();
  std::unique_ptr<DriverQueue>& slot = queues_[q];
  const bool reuse = slot && slot->configured() && slot->size() == size && slot->isPacked() == packed &&
                     slot->features() == features_ && slot->options().legacyAlign == qo.legacyAlign;
  if (reuse) {
    slot->reset();  // same rings, zeroed again: nothing is allocated on recovery
  } else {
    slot = makeDriverQueueFor(features_, sink_, qo);
    if (!slot->configure(size, features_, hal().dmaMemory(), hal().dmaAllocator(), q))
      return fail("queue " + std::to_string(q) + ": cannot allocate its rings (size " + std::to_string(size) + ")");
  }
  slot->setNotifier(&Device::notifyThunk, this);
  if (!t_->setupQueue(q, slot->layout())) return fail("queue " + std::to_string(q) + ": transport setup failed");
  if (!t_->enableQueue(q)) return fail("queue " + std::to_string(q) + ": enable failed");
  return true;
}

void Device::notifyThunk(void* ctx, int queue, uint32_t value) {
  Device* d = static_cast<Device*>(ctx);
  // drivernormative:General Initialization And Device Operation / Device Initialization#7: no notification before DRIVER_OK
  if (d->state_ != DeviceState::Live) return;
  d->t_->notify(static_cast<uint16_t>(queue), value);
}

bool Device::kick(uint16_t q) {
  // drivernormative:General Initialization And Device Operation / Device Initialization#7: no notification before DRIVER_OK
  if (state_ != DeviceState::Live || q >= queues_.size()) return false;
  DriverQueue& dq = *queues_[q];
  if (!dq.needsNotify()) return false;  // its seq_cst fence orders the publish before the suppression read
  t_->notify(q, dq.notifyValue());
  return true;
}

void Device::setQueueCallback(uint16_t q, QueueCallback fn, void* ctx) {
  if (q >= callbacks_.size()) callbacks_.resize(size_t{q} + 1);
  callbacks_[q] = Cb{fn, ctx};
}

void Device::dispatch(const InterruptEvents& ev) {
  // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Notification of Device Configuration Changes#1: one interrupt, both causes
  if (ev.config) handleConfigChange();
  if (ev.allQueues) {
    for (uint16_t q = 0; q < queues_.size() && q < callbacks_.size(); ++q)
      if (callbacks_[q].fn) callbacks_[q].fn(callbacks_[q].ctx, *this, q);
  } else {
    for (uint16_t q : ev.queues)
      if (q < callbacks_.size() && callbacks_[q].fn) callbacks_[q].fn(callbacks_[q].ctx, *this, q);
  }
}

unsigned Device::poll() {
  if (state_ != DeviceState::Live && state_ != DeviceState::NeedsReset) return 0;
  ev_.clear();
  t_->pollInterrupts(ev_);
  const unsigned n = (ev_.config ? 1u : 0u) + (ev_.allQueues ? static_cast<unsigned>(queues_.size())
                                                              : static_cast<unsigned>(ev_.queues.size()));
  dispatch(ev_);
  return n;
}

void Device::handleConfigChange() {
  ++configChanges_;
  // DEVICE_NEEDS_RESET is announced through a configuration change notification: look at the status first
  const uint8_t s = t_->status();
  if (s & status::kDeviceNeedsReset) {
    needsResetNotified_ = true;
    enterNeedsReset();
  }
  if (t_->hasConfigGeneration()) lastGeneration_ = t_->configGeneration();
  if (onConfigChange_) onConfigChange_(*this);
}

void Device::enterNeedsReset() {
  if (state_ == DeviceState::NeedsReset) return;
  // drivernormative:Basic Facilities of a Virtio Device / Device Status Field#4: do not rely on the device any more
  state_ = DeviceState::NeedsReset;
  failure_ = "the device set DEVICE_NEEDS_RESET";
  if (onNeedsReset_) onNeedsReset_(*this);
}

bool Device::checkStatus() {
  if (state_ != DeviceState::Live) return false;
  const uint8_t s = t_->status();
  if ((s & status::kDeviceNeedsReset) == 0) return true;
  if (!needsResetNotified_) {
    // DRIVER_OK is set, so the device owes us a configuration change notification: give it the grace period
    Deadline dl(hal(), opts_.needsResetGraceNs, 16);
    for (;;) {
      ev_.clear();
      t_->pollInterrupts(ev_);
      dispatch(ev_);  // queue events found on the way are not lost
      if (needsResetNotified_ || dl.expired()) break;
      dl.pause(opts_.needsResetGraceNs / 16 + 1);
    }
    if (!needsResetNotified_) {
      // devicenormative:Basic Facilities of a Virtio Device / Device Status Field#3: DEVICE_NEEDS_RESET after DRIVER_OK comes with a config change notification
      Violation v;
      v.clause = clause::kNeedsResetNotify;
      v.kind = "status.needs_reset_without_notification";
      v.message = t_->location() + ": DEVICE_NEEDS_RESET set without a configuration change notification";
      v.culprit = Culprit::Device;
      v.evidence = {{"status", s}};
      sink_.report(std::move(v));
    }
  }
  enterNeedsReset();
  return false;
}

void Device::writeConfig(uint32_t off, const void* buf, size_t len) {
  // drivernormative:General Initialization And Device Operation / Device Suspend#5: no configuration writes while suspended
  if (state_ == DeviceState::Suspended) return;
  t_->writeConfig(off, buf, len);
}

bool Device::waitStatus(uint8_t mask, uint8_t want, const char* clause, const char* kind, const char* what) {
  Deadline dl(hal(), opts_.suspendTimeoutNs, 16);
  for (;;) {
    const uint8_t s = t_->status();
    if (s & status::kDeviceNeedsReset) {
      // the device could not do it: it asks for a reset instead (allowed)
      enterNeedsReset();
      return false;
    }
    if ((s & mask) == want) {
      status_ = s;  // what the device shows now (SUSPEND / DRIVER_OK as it set them)
      return true;
    }
    if (dl.expired()) {
      Violation v;
      v.clause = clause;
      v.kind = kind;
      v.message = t_->location() + ": " + what;
      v.culprit = Culprit::Device;
      v.evidence = {{"status", s}, {"timeout_ns", opts_.suspendTimeoutNs}};
      sink_.report(std::move(v));
      return false;
    }
    dl.pause(opts_.suspendTimeoutNs / 16 + 1);
  }
}

bool Device::suspend() {
  // drivernormative:General Initialization And Device Operation / Device Suspend#1: SUSPEND only after DRIVER_OK and with VIRTIO_F_SUSPEND negotiated
  if (state_ != DeviceState::Live || t_->legacy() || !feat::has(features_, feat::kSuspend)) return false;
  // release: everything written for the device so far is visible before it stops
  std::atomic_thread_fence(std::memory_order_release);
  setStatusBit(status::kSuspend);
  // drivernormative:General Initialization And Device Operation / Device Suspend#2: re-read the status until SUSPEND=1 and DRIVER_OK=0
  // devicenormative:General Initialization And Device Operation / Device Suspend#6: suspended or DEVICE_NEEDS_RESET, in time
  if (!waitStatus(status::kSuspend | status::kDriverOk, status::kSuspend,
                  "devicenormative:General Initialization And Device Operation / Device Suspend#6",
                  "suspend.not_suspended", "SUSPEND set, but the device neither suspended nor set DEVICE_NEEDS_RESET"))
    return false;
  // drivernormative:General Initialization And Device Operation / Device Suspend#3: from here no buffers are made available (live() is false)
  // drivernormative:General Initialization And Device Operation / Device Suspend#4: and no notifications (kick() checks the state)
  state_ = DeviceState::Suspended;
  return true;
}

bool Device::resume() {
  if (state_ != DeviceState::Suspended) return false;
  // DRIVER_OK again; SUSPEND is left as the device shows it (the device clears it), so no bit is cleared by us
  setStatusBit(status::kDriverOk);
  // drivernormative:General Initialization And Device Operation / Device Suspend#6: wait for SUSPEND=0 and DRIVER_OK=1 before any normal operation
  // devicenormative:General Initialization And Device Operation / Device Suspend#7: resumed or DEVICE_NEEDS_RESET, in time
  if (!waitStatus(status::kSuspend | status::kDriverOk, status::kDriverOk,
                  "devicenormative:General Initialization And Device Operation / Device Suspend#7",
                  "suspend.not_resumed", "DRIVER_OK set to resume, but the device neither resumed nor set DEVICE_NEEDS_RESET"))
    return false;
  state_ = DeviceState::Live;
  // acquire: what the device wrote before suspending is visible before we look at the rings again
  std::atomic_thread_fence(std::memory_order_acquire);
  return true;
}

bool Device::resetQueue(uint16_t q) {
  if (state_ != DeviceState::Live || q >= queues_.size() || !feat::has(features_, feat::kRingReset)) return false;
  if (!t_->resetQueue(q, opts_.resetTimeoutNs)) return false;
  // drivernormative:Basic Facilities of a Virtio Device / Virtqueues / Virtqueue Reset / Virtqueue Re-enable#1: configure as at first setup
  queues_[q]->reset();
  return t_->setupQueue(q, queues_[q]->layout()) && t_->enableQueue(q);
}

bool Device::recover(const std::function<void(uint16_t queue, uint64_t cookie)>& dropped) {
  // drivernormative:General Initialization And Device Operation / Device Cleanup#2: the queues stop being live (reset) before buffers are taken back
  t_->reset(opts_.resetTimeoutNs);
  for (uint16_t q = 0; q < queues_.size(); ++q) {
    if (!queues_[q]) continue;
    uint64_t cookie = 0;
    while (queues_[q]->detachUnused(&cookie))
      if (dropped) dropped(q, cookie);
  }
  return init();
}

void Device::shutdown() {
  t_->reset(opts_.resetTimeoutNs);
  status_ = 0;
  state_ = DeviceState::Uninitialized;
}

}  // namespace vsim::drv

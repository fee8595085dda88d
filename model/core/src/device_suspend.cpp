// DeviceCore, VIRTIO_F_SUSPEND: the SUSPEND device status bit. Suspending quiesces the device (held completions
// returned, their used buffer notifications sent), then it presents SUSPEND=1 / DRIVER_OK=0 and neither touches a
// virtqueue nor notifies nor changes its configuration until the driver sets DRIVER_OK again. Because DRIVER_OK
// reads 0 while suspended, every path gated on driverOk() (processing, used notifications, the device types' own
// delivery) stops by itself; the paths that are not (driver notifications, config writes, logic completions,
// configuration changes) check suspended_ here and in device_core.cpp.
#include <cstddef>

#include "vsim/abi/features.h"
#include "vsim/abi/ring_packed.h"
#include "vsim/abi/ring_split.h"
#include "vsim/abi/status.h"
#include "vsim/model/device_core.h"

namespace vsim::model {

namespace {
constexpr const char* kSuspendNotReady =
    "drivernormative:General Initialization And Device Operation / Device Suspend#1";
constexpr const char* kSuspendReread = "drivernormative:General Initialization And Device Operation / Device Suspend#2";
constexpr const char* kSuspendNoBuffers =
    "drivernormative:General Initialization And Device Operation / Device Suspend#3";
}  // namespace

bool DeviceCore::requestSuspend(uint8_t old, uint8_t& v) {
  const bool ready = (old & status::kDriverOk) && !legacy_ && has(feat::kSuspend);
  if (!ready) {
    // drivernormative:General Initialization And Device Operation / Device Suspend#1: SUSPEND only on a live device
    // that negotiated VIRTIO_F_SUSPEND (a SHOULD NOT: reported, the request is ignored).
    violate(kSuspendNotReady, (old & status::kDriverOk) ? "suspend.not_negotiated" : "suspend.before_driver_ok",
            "driver set SUSPEND before DRIVER_OK or without VIRTIO_F_SUSPEND", {{"old", old}, {"written", v},
            {"negotiated", negotiated_}});
    // devicenormative:General Initialization And Device Operation / Device Suspend#1: before initialisation is
    // complete the SUSPEND bit is ignored (it never reads back as 1).
    v = static_cast<uint8_t>(v & ~status::kSuspend);
    return false;
  }
  // Already failed, or other bits added in the same write: the request is not taken (the rest is processed).
  if (needsReset() || static_cast<uint8_t>(v & ~(old | status::kSuspend))) {
    v = static_cast<uint8_t>(v & ~status::kSuspend);
    return false;
  }
  // devicenormative:General Initialization And Device Operation / Device Suspend#6: suspend, or NEEDS_RESET when
  // suspending fails (personality suspend_fails).
  if (opts_.personality.suspendFails) setNeedsReset();
  else suspend();
  return true;
}

void DeviceCore::suspend() {
  // devicenormative:General Initialization And Device Operation / Device Suspend#8: before presenting the
  // suspended status, stop taking new buffers, return the ones already handled and send the used buffer
  // notifications they call for. Chains a device type keeps waiting for host input (receive, input events)
  // are not being processed; they stay with it until after the resume.
  for (uint16_t q = 0; q < queues_.size(); ++q) {
    flushHeld(q);
    signalUsed(q);
  }
  markAvail();
  const uint8_t old = status_;
  suspended_ = true;
  suspendUnread_ = true;
  resumeUnread_ = false;
  status_ = static_cast<uint8_t>((status_ | status::kSuspend) & ~status::kDriverOk);
  ++stats_.suspends;
  if (obs_) obs_->onStatus(old, status_);
}

void DeviceCore::writeStatusSuspended(uint8_t v) {
  const uint8_t old = status_;
  // drivernormative:Basic Facilities of a Virtio Device / Device Status Field#2: bits stay set; SUSPEND itself may
  // be written back as 0 with the resume (the device clears it anyway) and DRIVER_OK reads 0 while suspended.
  const uint8_t kept = static_cast<uint8_t>(old & ~(status::kDeviceNeedsReset | status::kSuspend));
  if (uint8_t cleared = kept & static_cast<uint8_t>(~v)) {
    violate("drivernormative:Basic Facilities of a Virtio Device / Device Status Field#2", "status.bit_cleared",
            "driver cleared device status bits without a reset", {{"old", old}, {"written", v}, {"cleared", cleared}});
  }
  if (uint8_t extra = v & status::kFailed & static_cast<uint8_t>(~old)) {
    status_ |= extra;
    if (obs_) obs_->onStatus(old, status_);
  }
  if (!(v & status::kDriverOk) || needsReset()) return;
  // drivernormative:General Initialization And Device Operation / Device Suspend#2: the driver confirms the
  // suspension by reading the status back before it resumes the device.
  if (suspendUnread_)
    violate(kSuspendReread, "suspend.status_not_reread", "driver resumed without reading back the suspended status",
            {{"status", status_}, {"written", v}});
  // devicenormative:General Initialization And Device Operation / Device Suspend#7: resume, or NEEDS_RESET when
  // resuming fails (personality resume_fails).
  if (opts_.personality.resumeFails) {
    setNeedsReset();
    return;
  }
  resume();
}

void DeviceCore::resume() {
  // drivernormative:General Initialization And Device Operation / Device Suspend#3: no buffers were made available
  // while the device was suspended (compared with where each queue stood when it suspended).
  if (uint32_t qs = availSinceMark())
    violate(kSuspendNoBuffers, "suspend.buffers_made_available", "driver made buffers available while suspended",
            {{"queues_mask", qs}});
  const uint8_t old = status_;
  suspended_ = false;
  suspendUnread_ = false;
  resumeUnread_ = true;
  status_ = static_cast<uint8_t>((status_ & ~status::kSuspend) | status::kDriverOk);
  ++stats_.resumes;
  if (obs_) obs_->onStatus(old, status_);
  auto stashed = std::move(stashed_);
  stashed_.clear();
  for (const auto& s : stashed) complete(s.q, s.chain, s.written, false);
  // devicenormative:General Initialization And Device Operation / Device Suspend#5: the configuration change that
  // happened while suspended is announced now that the device runs again.
  if (configDeferred_) {
    configDeferred_ = false;
    configChanged();
  }
  for (uint16_t q = 0; q < queues_.size(); ++q) {
    if (pending_[q] && !manual_) processAll(q);
    else signalUsed(q);
  }
}

void DeviceCore::markAvail() {
  availMark_.assign(queues_.size(), {});
  for (uint16_t q = 0; q < queues_.size(); ++q) {
    const auto& s = queues_[q];
    if (!s.enabled || !s.engine) continue;
    auto& m = availMark_[q];
    if (s.engine->isPacked()) {
      m.resize(2u * s.size);
      for (uint32_t k = 0; k < s.size; ++k)
        mem_.read(s.desc + 16ull * k + offsetof(packed::Desc, flags), &m[2u * k], 2, DmaKind::RingIndexRead);
    } else {
      m.resize(2);
      mem_.read(s.driver + split::availIdxOff(), m.data(), 2, DmaKind::RingIndexRead);
    }
  }
}

uint32_t DeviceCore::availSinceMark() {
  uint32_t mask = 0;
  for (uint16_t q = 0; q < queues_.size() && q < availMark_.size(); ++q) {
    const auto& s = queues_[q];
    const auto& m = availMark_[q];
    if (!s.enabled || !s.engine || m.empty()) continue;
    std::vector<uint8_t> now(m.size());
    if (s.engine->isPacked()) {
      for (uint32_t k = 0; k < s.size && 2u * k < now.size(); ++k)
        mem_.read(s.desc + 16ull * k + offsetof(packed::Desc, flags), &now[2u * k], 2, DmaKind::RingIndexRead);
    } else {
      mem_.read(s.driver + split::availIdxOff(), now.data(), 2, DmaKind::RingIndexRead);
    }
    if (now != m) mask |= q < 32 ? (1u << q) : 0x80000000u;
  }
  availMark_.clear();
  return mask;
}

}  // namespace vsim::model

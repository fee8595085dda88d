#include "vsim/model/virtio_mmio.h"

#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "mmio_regs.h"
#include "vsim/abi/features.h"
#include "vsim/abi/mmio.h"
#include "vsim/abi/notification.h"
#include "vsim/abi/ring_split.h"
#include "vsim/abi/status.h"

namespace vsim::model {

namespace {

using mmio_regs::Reg;

// Clause IDs cited by more than one check (each check still carries its own one-line comment).
constexpr const char* kUndefinedLocation = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#1";
constexpr const char* kWriteReadOnly = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#2";
constexpr const char* kReadWriteOnly = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#3";
constexpr const char* kControlWidth = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#4";
constexpr const char* kConfigWidth = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#5";
constexpr const char* kQueueWhileReady = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#15";
constexpr const char* kQueueResetUse = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#21";
constexpr const char* kShmUse = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#5";

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

bool validLen(unsigned len) { return len == 1 || len == 2 || len == 4 || len == 8; }

}  // namespace

VirtioMmioDevice::VirtioMmioDevice(DeviceCore& core, InterruptFabric* fabric, const VirtioMmioParams& params)
    : core_(core), fabric_(fabric), p_(params), guestPageSize_(params.legacyPageSize) {
  if (p_.version != mmio::kVersionLegacy && p_.version != mmio::kVersionModern)
    throw std::invalid_argument("VirtioMmioParams::version must be 1 (legacy) or 2 (modern)");
  if (p_.faultInterruptStatusBits & (mmio::kIntUsedBuffer | mmio::kIntConfigChange))
    throw std::invalid_argument("VirtioMmioParams::faultInterruptStatusBits must leave bits 0 and 1 alone");
  // devicenormative:Reserved Feature Bits#10: VIRTIO_F_SR_IOV is never offered here (not a PCI device).
  if (feat::has(core_.offeredFeatures(), feat::kSrIov))
    throw std::invalid_argument("a virtio-mmio device must not offer VIRTIO_F_SR_IOV");
  qregs_.resize(core_.numQueues());
  for (auto& q : qregs_) q.align = p_.legacyQueueAlign;
  core_.setLegacy(legacy());
  core_.setIrqSink(this);
}

VirtioMmioDevice::~VirtioMmioDevice() {
  core_.setIrqSink(nullptr);
  if (line_ && fabric_) fabric_->setLine(p_.interruptLine, false);
}

void VirtioMmioDevice::violate(const char* clause, const char* kind, std::string message, std::vector<Evidence> ev) {
  ++stats_.violations;
  core_.violate(clause, kind, std::move(message), std::move(ev));
}

// ---------------------------------------------------------------------------------------------------------------
// Bus side

void VirtioMmioDevice::badWidth(uint64_t off, unsigned len, bool write) {
  ++stats_.decodeErrors;
  if (off < mmio::kConfig) {
    // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#4: a width no bus access should have (not 1, 2, 4 or 8 bytes) in the control area.
    violate(kControlWidth, "mmio.control_access_width", "control area accessed with an invalid width",
            {{"offset", off}, {"len", len}, {"write", write}});
  } else {
    // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#5: a width no configuration field allows.
    violate(kConfigWidth, "mmio.config_access_width", "configuration space accessed with an invalid width",
            {{"offset", off}, {"len", len}, {"write", write}});
  }
}

bool VirtioMmioDevice::read(uint64_t off, void* data, unsigned len) {
  ++stats_.reads;
  if (len) std::memset(data, 0xff, len);  // what a rejected read returns (the bus does the same)
  if (!validLen(len)) {
    badWidth(off, len, false);
    return false;
  }
  if (off >= kWindowSize || len > kWindowSize - off) {
    // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#1: no location outside the register window is described.
    violate(kUndefinedLocation, "mmio.outside_window", "access outside the device's register window",
            {{"offset", off}, {"len", len}});
    ++stats_.decodeErrors;
    return false;
  }
  if (off >= mmio::kConfig) {
    if (readCfg(static_cast<uint32_t>(off - mmio::kConfig), data, len)) return true;
    ++stats_.decodeErrors;
    return false;
  }
  const auto o = static_cast<uint32_t>(off);
  switch (gateControl(o, len, false)) {
    case Gate::Reject: ++stats_.decodeErrors; return false;
    case Gate::Ignore: std::memset(data, 0, len); return true;
    case Gate::Proceed: break;
  }
  const uint32_t v = readReg(o);
  std::memcpy(data, &v, sizeof v);
  return true;
}

bool VirtioMmioDevice::write(uint64_t off, const void* data, unsigned len) {
  ++stats_.writes;
  if (!validLen(len)) {
    badWidth(off, len, true);
    return false;
  }
  if (off >= kWindowSize || len > kWindowSize - off) {
    // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#1: no location outside the register window is described.
    violate(kUndefinedLocation, "mmio.outside_window", "access outside the device's register window",
            {{"offset", off}, {"len", len}});
    ++stats_.decodeErrors;
    return false;
  }
  if (off >= mmio::kConfig) {
    if (writeCfg(static_cast<uint32_t>(off - mmio::kConfig), data, len)) return true;
    ++stats_.decodeErrors;
    return false;
  }
  const auto o = static_cast<uint32_t>(off);
  switch (gateControl(o, len, true)) {
    case Gate::Reject: ++stats_.decodeErrors; return false;
    case Gate::Ignore: return true;
    case Gate::Proceed: break;
  }
  uint32_t v;
  std::memcpy(&v, data, sizeof v);
  writeReg(o, v);
  return true;
}

std::string VirtioMmioDevice::regName(uint64_t off) const {
  if (off >= kWindowSize) return {};
  if (off >= mmio::kConfig) return "Config+" + hex(off - mmio::kConfig);
  const Reg* r = mmio_regs::find(static_cast<uint32_t>(off));
  if (!r) return {};
  std::string s = r->name;
  if (off & 3) s += "+" + hex(off & 3);
  return s;
}

void VirtioMmioDevice::probeOrder(uint32_t off, bool write) {
  const uint32_t word = off & ~3u;
  const bool probeRead = !write && (word == mmio::kMagicValue || word == mmio::kVersion);
  if (!(magicRead_ && versionRead_) && !probeRead && !reportedProbe_) {
    reportedProbe_ = true;
    // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#1: MagicValue and Version are read first.
    violate("drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#1",
            "mmio.probe_without_magic_version",
            "driver accessed another register before reading both MagicValue and Version",
            {{"offset", off}, {"write", write}, {"magic_read", magicRead_}, {"version_read", versionRead_}});
  }
  if (write && !deviceIdRead_ && !reportedNoDeviceId_) {
    reportedNoDeviceId_ = true;
    // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#2: DeviceID is read before initialisation goes on.
    violate("drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#2",
            "mmio.init_without_device_id", "driver wrote a register without having read DeviceID",
            {{"offset", off}});
  }
  if (!write) {
    if (word == mmio::kMagicValue) magicRead_ = true;
    if (word == mmio::kVersion) versionRead_ = true;
    if (word == mmio::kDeviceId) deviceIdRead_ = true;
  }
}

VirtioMmioDevice::Gate VirtioMmioDevice::gateControl(uint32_t off, unsigned len, bool write) {
  probeOrder(off, write);
  const Reg* r = mmio_regs::find(off);
  if (!r) {
    // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#1: a hole in the control register table.
    violate(kUndefinedLocation, "mmio.undefined_location", "access to a location the register table does not describe",
            {{"offset", off}, {"len", len}, {"write", write}});
    return Gate::Reject;
  }
  const uint8_t ver = legacy() ? mmio_regs::kV1 : mmio_regs::kV2;
  if (!(r->versions & ver)) {
    if (legacy()) {
      // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#1 (nearest): a v2-only register is not in the legacy table.
      violate(kUndefinedLocation, "mmio.modern_register_on_legacy",
              std::string("driver of a version 1 (legacy) device used the version 2 register ") + r->name,
              {{"offset", off}, {"write", write}, {"version", p_.version}});
    } else {
      // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#1 (nearest): a legacy-only register is not in the v2 table.
      violate(kUndefinedLocation, "mmio.legacy_register_on_modern",
              std::string("driver of a version 2 device used the legacy-only register ") + r->name,
              {{"offset", off}, {"write", write}, {"version", p_.version}});
    }
    return Gate::Reject;
  }
  if (len != 4 || (off & 3) != 0) {
    // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#4: control registers take 32-bit aligned accesses only.
    violate(kControlWidth, "mmio.control_access_width",
            std::string("control register ") + r->name + " accessed with a width other than 32 bits or unaligned",
            {{"offset", off}, {"len", len}, {"write", write}});
    return Gate::Reject;
  }
  if (write && !mmio_regs::writable(*r)) {
    // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#2: read-only registers are not written (the write is ignored).
    violate(kWriteReadOnly, "mmio.write_read_only", std::string("driver wrote the read-only register ") + r->name,
            {{"offset", off}});
    return Gate::Ignore;
  }
  if (!write && !mmio_regs::readable(*r)) {
    // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#3: write-only registers are not read (the read returns 0).
    violate(kReadWriteOnly, "mmio.read_write_only", std::string("driver read the write-only register ") + r->name,
            {{"offset", off}});
    return Gate::Ignore;
  }
  return Gate::Proceed;
}

// ---------------------------------------------------------------------------------------------------------------
// Control registers

uint32_t VirtioMmioDevice::readReg(uint32_t off) {
  QueueRegs* q = selRegs();
  switch (off) {
    case mmio::kMagicValue:
      // devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#1: the magic value.
      return mmio::kMagic;
    case mmio::kVersion:
      // devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#2: 2 for the modern interface (a legacy device presents 1, as its section says).
      return p_.version;
    case mmio::kDeviceId: return core_.logic().deviceId();
    case mmio::kVendorId: return p_.vendorId;
    case mmio::kDeviceFeatures:
      if (!deviceFeaturesSelWritten_) {
        // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#12: DeviceFeaturesSel is written before DeviceFeatures is read.
        violate("drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#12",
                "mmio.device_features_before_select", "DeviceFeatures read before any write to DeviceFeaturesSel",
                {{"select", deviceFeaturesSel_}});
      }
      return core_.readDeviceFeatures(deviceFeaturesSel_);
    case mmio::kQueueNumMax:
      // The register description: 0 for a queue that is not available (any index past the device's queues).
      return q ? core_.queue(static_cast<uint16_t>(queueSel_)).maxSize : 0;
    case mmio::kQueuePfn: return q ? q->pfn : 0;
    case mmio::kQueueReady:
      if (!q) return 0;
      q->stopReadbackDue = false;  // the driver synchronised with a queue stop (Register Layout#17)
      return q->ready ? 1 : 0;
    case mmio::kInterruptStatus:
      isrSeen_ = isr_;
      return isr_ ? isr_ | p_.faultInterruptStatusBits : 0;  // fault injection only when configured
    case mmio::kStatus: return core_.readStatus();
    case mmio::kShmLenLow:
    case mmio::kShmLenHigh:
    case mmio::kShmBaseLow:
    case mmio::kShmBaseHigh:
      // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#5: no device here has shared memory, so no driver expects it.
      violate(kShmUse, "mmio.shm_register_used", "driver used a shared memory register of a device without regions",
              {{"offset", off}, {"shm_sel", shmSel_}});
      return 0xffffffffu;  // no region: length and base read as all-ones (-1), per the register description
    case mmio::kQueueReset:
      if (!q) return 0;
      q->resetReadbackDue = false;
      // devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#12: a queue reset completes inside the write, so 0 is all the driver can read back (and QueueReady reads 0 too).
      return 0;
    case mmio::kConfigGeneration:
      // devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#6: the core bumps the generation on every configuration change.
      return core_.readGeneration();
    default: return 0;
  }
}

void VirtioMmioDevice::checkQueueReuse(uint16_t q, uint32_t off) {
  QueueRegs& r = qregs_[q];
  if (r.resetReadbackDue) {
    r.resetReadbackDue = false;
    // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#21: a queue reset is complete only once QueueReset reads back 0.
    violate(kQueueResetUse, "mmio.queue_reset_not_read_back",
            "driver reconfigured a queue after writing QueueReset without reading QueueReset back",
            {{"queue", q}, {"offset", off}});
  }
  if (r.stopReadbackDue) {
    r.stopReadbackDue = false;
    // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#17: after QueueReady 0 the driver reads QueueReady back before reusing the queue.
    violate("drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#17",
            "mmio.queue_ready_not_read_back",
            "driver reconfigured a stopped queue without reading QueueReady back after writing 0",
            {{"queue", q}, {"offset", off}});
  }
}

void VirtioMmioDevice::enableLegacyQueue(uint16_t q) {
  QueueState& s = core_.queue(q);
  const QueueRegs& r = qregs_[q];
  // Legacy layout: descriptor table at the queue's first page, the available ring right after it, the used ring
  // at the next QueueAlign boundary.
  const uint64_t base = uint64_t{r.pfn} * guestPageSize_;
  const uint64_t align = r.align ? r.align : 1;
  s.desc = base;
  s.driver = base + split::descBytes(s.size);
  const uint64_t availEnd = s.driver + split::availBytes(s.size);
  s.device = (availEnd + align - 1) / align * align;
  core_.enableQueue(q);
}

void VirtioMmioDevice::writeReg(uint32_t off, uint32_t v) {
  QueueRegs* q = selRegs();
  const auto qi = static_cast<uint16_t>(queueSel_);
  switch (off) {
    case mmio::kDeviceFeaturesSel:
      deviceFeaturesSel_ = v;
      deviceFeaturesSelWritten_ = true;
      return;
    case mmio::kDriverFeatures:
      if (!driverFeaturesSelWritten_) {
        // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#13: DriverFeaturesSel is written before DriverFeatures.
        violate("drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#13",
                "mmio.driver_features_before_select", "DriverFeatures written before any write to DriverFeaturesSel",
                {{"select", driverFeaturesSel_}, {"value", v}});
      }
      if (!legacy() && driverFeaturesSel_ == feat::kSrIov / 32 && ((v >> (feat::kSrIov % 32)) & 1u)) {
        // drivernormative:Reserved Feature Bits#10: a virtio-mmio device is no PCI device, VIRTIO_F_SR_IOV is never accepted.
        violate("drivernormative:Reserved Feature Bits#10", "mmio.sr_iov_accepted",
                "driver accepted VIRTIO_F_SR_IOV from a virtio-mmio device", {{"select", driverFeaturesSel_}, {"value", v}});
      }
      core_.writeDriverFeatures(driverFeaturesSel_, v);
      return;
    case mmio::kDriverFeaturesSel:
      driverFeaturesSel_ = v;
      driverFeaturesSelWritten_ = true;
      return;
    case mmio::kGuestPageSize: guestPageSize_ = v; return;
    case mmio::kQueueSel: queueSel_ = v; return;
    case mmio::kQueueNum: {
      if (q && q->ready) {
        // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#15: QueueNum is left alone while QueueReady is 1 (write ignored).
        violate(kQueueWhileReady, "mmio.queue_config_while_ready", "QueueNum written while QueueReady is 1",
                {{"queue", queueSel_}, {"value", v}});
        return;
      }
      if (q) checkQueueReuse(qi, off);
      const uint32_t max = q ? core_.queue(qi).maxSize : 0;
      if (v > max) {
        // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#14: QueueNum never exceeds QueueNumMax (write ignored).
        violate("drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#14",
                "mmio.queue_num_too_big", "QueueNum written with a size above QueueNumMax",
                {{"queue", queueSel_}, {"value", v}, {"max", max}});
        return;
      }
      if (q) core_.queue(qi).size = static_cast<uint16_t>(v);
      return;
    }
    case mmio::kQueueAlign:
      if (q) q->align = v;
      return;
    case mmio::kQueuePfn:
      if (!q) return;
      q->pfn = v;
      if (v == 0)
        core_.disableQueue(qi);
      else
        enableLegacyQueue(qi);
      return;
    case mmio::kQueueReady:
      if (!q) return;  // no such queue: nothing to enable (QueueNumMax reads 0)
      if (v != 0) checkQueueReuse(qi, off);
      if (v != 0 && !q->ready && !(core_.status() & status::kFeaturesOk)) {
        // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#6: the general sequence sets up virtqueues only after FEATURES_OK (the queue is still enabled, without negotiated features).
        violate("drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#6",
                "mmio.queue_enabled_before_features_ok", "QueueReady set before FEATURES_OK was accepted",
                {{"queue", queueSel_}, {"status", core_.status()}});
      }
      if (v != 0 && !q->ready) {
        q->ready = true;
        core_.enableQueue(qi);
      } else if (v == 0 && q->ready) {
        q->ready = false;
        // devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#7: with QueueReady 0 the ring engine is gone, nothing touches the queue.
        core_.disableQueue(qi);
        q->stopReadbackDue = true;
      }
      return;
    case mmio::kQueueNotify:
      if (core_.has(feat::kNotificationData)) {
        // NOTIFICATION_DATA: the 32-bit value carries the queue index and the driver's next position.
        core_.notify(NotificationData::decode(v).vqIndex, true, v);
      } else if (v <= 0xffff) {
        core_.notify(static_cast<uint16_t>(v), false, 0);
      }
      return;
    case mmio::kInterruptAck: {
      if (v & ~(mmio::kIntUsedBuffer | mmio::kIntConfigChange)) {
        // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#20: InterruptACK has no undefined bits set.
        violate("drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#20",
                "mmio.interrupt_ack_undefined_bits", "InterruptACK written with bits InterruptStatus does not define",
                {{"value", v}});
      }
      const uint32_t acked = v & (mmio::kIntUsedBuffer | mmio::kIntConfigChange);
      if (uint32_t unseen = acked & isr_ & ~isrSeen_) {
        // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Notifications From The Device#1: the cause is read from InterruptStatus before it is acknowledged.
        violate("drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Notifications From The Device#1",
                "mmio.interrupt_ack_without_status_read",
                "driver acknowledged a pending interrupt event it had not read from InterruptStatus",
                {{"value", v}, {"interrupt_status", isr_}, {"unread", unseen}});
      }
      isr_ &= ~acked;
      isrSeen_ &= ~acked;
      updateLine();
      return;
    }
    case mmio::kStatus: {
      const auto s = static_cast<uint8_t>(v);  // device status is 8 bits wide
      core_.writeStatus(s);
      if (s == 0) resetTransport();
      return;
    }
    case mmio::kQueueDescLow:
    case mmio::kQueueDescHigh:
    case mmio::kQueueDriverLow:
    case mmio::kQueueDriverHigh:
    case mmio::kQueueDeviceLow:
    case mmio::kQueueDeviceHigh: {
      if (!q) return;
      if (q->ready) {
        // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#15: queue addresses are left alone while QueueReady is 1 (write ignored).
        violate(kQueueWhileReady, "mmio.queue_config_while_ready",
                std::string(mmio_regs::find(off)->name) + " written while QueueReady is 1",
                {{"queue", queueSel_}, {"offset", off}, {"value", v}});
        return;
      }
      checkQueueReuse(qi, off);
      QueueState& s = core_.queue(qi);
      uint64_t* target = off < mmio::kQueueDriverLow ? &s.desc : off < mmio::kQueueDeviceLow ? &s.driver : &s.device;
      const bool high = (off & 4) != 0;
      *target = high ? (*target & 0xffffffffull) | (uint64_t{v} << 32) : (*target & ~0xffffffffull) | v;
      return;
    }
    case mmio::kShmSel:
      // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#5: no device here has shared memory, so no driver expects it.
      violate(kShmUse, "mmio.shm_register_used", "driver used a shared memory register of a device without regions",
              {{"offset", off}, {"value", v}});
      shmSel_ = v;
      return;
    case mmio::kQueueReset:
      if (!core_.has(feat::kRingReset)) {
        // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#21 (nearest): QueueReset is defined only with VIRTIO_F_RING_RESET negotiated (write ignored).
        violate(kQueueResetUse, "mmio.queue_reset_not_negotiated",
                "QueueReset written although VIRTIO_F_RING_RESET was not negotiated",
                {{"queue", queueSel_}, {"value", v}, {"negotiated", core_.negotiated()}});
        return;
      }
      if (!q || v != 1) return;
      // devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#10: a 1 resets the selected queue (the core puts its state back to the defaults).
      core_.resetQueue(qi);
      q->ready = false;
      q->stopReadbackDue = false;
      q->resetReadbackDue = true;
      return;
    default: return;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Configuration space

void VirtioMmioDevice::setConfigFields(std::vector<ConfigField> fields) { cfgFields_ = std::move(fields); }

bool VirtioMmioDevice::checkCfgAccess(uint32_t off, unsigned len, bool write) {
  const uint32_t size = core_.configSize();
  if (off >= size || len > size - off) {
    // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#1: bytes past the device's configuration space are not described.
    violate(kUndefinedLocation, "mmio.config_out_of_range", "access beyond the device-specific configuration space",
            {{"offset", off}, {"len", len}, {"config_size", size}, {"write", write}});
    return false;
  }
  if (cfgFields_.empty()) {
    if ((len != 1 && len != 2 && len != 4) || off % len != 0) {
      // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#5: config accesses are 8, 16 or 32 bits wide and aligned (no field takes another width).
      violate(kConfigWidth, "mmio.config_access_width", "configuration space access of a width no field allows",
              {{"offset", off}, {"len", len}, {"write", write}});
    }
    return true;
  }
  const ConfigField* f = nullptr;
  for (const auto& c : cfgFields_)
    if (off >= c.offset && off < c.offset + c.width) f = &c;
  if (!f) {
    // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#1: a configuration byte the device type does not describe (access still served).
    violate(kUndefinedLocation, "mmio.config_undefined_field", "access to configuration bytes outside every field",
            {{"offset", off}, {"len", len}, {"write", write}});
    return true;
  }
  const unsigned want = f->width >= 4 ? 4u : f->width;
  if (len != want || (off - f->offset) % want != 0 || off + len > f->offset + f->width) {
    // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#5: each field is accessed at its own width (32 bits for 32- and 64-bit fields), aligned.
    violate(kConfigWidth, "mmio.config_access_width", "configuration field accessed with the wrong width or alignment",
            {{"offset", off}, {"len", len}, {"field_offset", f->offset}, {"field_width", f->width}, {"write", write}});
  }
  return true;
}

bool VirtioMmioDevice::readCfg(uint32_t off, void* data, unsigned len) {
  probeOrder(mmio::kConfig + off, false);
  if (!checkCfgAccess(off, len, false)) return false;
  return core_.readConfig(off, data, len);
}

bool VirtioMmioDevice::writeCfg(uint32_t off, const void* data, unsigned len) {
  probeOrder(mmio::kConfig + off, true);
  if (!checkCfgAccess(off, len, true)) return false;
  return core_.writeConfig(off, data, len);
}

// ---------------------------------------------------------------------------------------------------------------
// Interrupts and reset

void VirtioMmioDevice::raise(IrqKind kind, uint16_t queue) {
  (void)queue;  // one InterruptStatus bit covers every queue
  // devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#3: the event's bit is set now and stays set until acknowledged.
  isr_ |= kind == IrqKind::Queue ? mmio::kIntUsedBuffer : mmio::kIntConfigChange;
  updateLine();
}

void VirtioMmioDevice::updateLine() {
  // devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#4: only the two defined event bits are ever set (faultInterruptStatusBits aside), so the line follows them exactly.
  const bool level = isr_ != 0;
  if (level == line_) return;
  line_ = level;
  if (level) ++stats_.interruptsAsserted;
  if (fabric_) fabric_->setLine(p_.interruptLine, level);
}

void VirtioMmioDevice::connectInterrupts(InterruptFabric* fabric, unsigned line) {
  if (line_ && fabric_) fabric_->setLine(p_.interruptLine, false);
  fabric_ = fabric;
  p_.interruptLine = line;
  if (line_ && fabric_) fabric_->setLine(p_.interruptLine, true);
}

void VirtioMmioDevice::resetTransport() {
  // devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#5: reset clears InterruptStatus and every QueueReady.
  isr_ = 0;
  isrSeen_ = 0;
  updateLine();
  for (auto& q : qregs_) {
    q.ready = false;
    q.pfn = 0;  // legacy: a reset sets QueuePFN to 0 for every queue
    q.align = p_.legacyQueueAlign;
    q.stopReadbackDue = false;
    // devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#8: QueueReset reads 0 after a reset (it always does here).
    q.resetReadbackDue = false;
  }
}

void VirtioMmioDevice::deviceReset() {
  core_.reset();
  resetTransport();
}

}  // namespace vsim::model

// VirtioPciDevice: the modern structures in the memory BAR (common configuration, notifications, ISR status,
// device-specific configuration) and the dispatch of every BAR window.
#include <cstdio>
#include <cstring>

#include "pci_clauses.h"
#include "vsim/abi/features.h"
#include "vsim/abi/notification.h"
#include "vsim/abi/pci.h"
#include "vsim/abi/status.h"
#include "vsim/model/virtio_pci.h"

namespace vsim::model {

namespace cc = pci::common;

namespace {

uint64_t loadLe(const void* p, unsigned len) {
  uint64_t v = 0;
  std::memcpy(&v, p, len);
  return v;
}
void storeLe(void* p, uint64_t v, unsigned len) { std::memcpy(p, &v, len); }
bool isPow2(uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }
std::string hex(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

/// Access unit at off: the field width, except that a 64-bit field is two 32-bit units (the only widths the driver
/// may use for it). 0 = not the start of a unit.
unsigned unitWidth(uint32_t off) {
  if (off >= cc::kQueueDesc && off < cc::kQueueNotifConfigData) return off % 4 == 0 ? 4 : 0;
  return cc::fieldWidth(off);
}
/// Start of the unit holding byte b.
uint32_t unitStart(uint32_t b) {
  for (uint32_t s = b;; --s) {
    if (unitWidth(s) > b - s) return s;
    if (s == 0) return b;
  }
}
bool is64Field(uint32_t off) { return off == cc::kQueueDesc || off == cc::kQueueDriver || off == cc::kQueueDevice; }

const char* commonFieldName(uint32_t off) {
  switch (off) {
    case cc::kDeviceFeatureSelect: return "device_feature_select";
    case cc::kDeviceFeature: return "device_feature";
    case cc::kDriverFeatureSelect: return "driver_feature_select";
    case cc::kDriverFeature: return "driver_feature";
    case cc::kConfigMsixVector: return "config_msix_vector";
    case cc::kNumQueues: return "num_queues";
    case cc::kDeviceStatus: return "device_status";
    case cc::kConfigGeneration: return "config_generation";
    case cc::kQueueSelect: return "queue_select";
    case cc::kQueueSize: return "queue_size";
    case cc::kQueueMsixVector: return "queue_msix_vector";
    case cc::kQueueEnable: return "queue_enable";
    case cc::kQueueNotifyOff: return "queue_notify_off";
    case cc::kQueueDesc: return "queue_desc_lo";
    case cc::kQueueDesc + 4: return "queue_desc_hi";
    case cc::kQueueDriver: return "queue_driver_lo";
    case cc::kQueueDriver + 4: return "queue_driver_hi";
    case cc::kQueueDevice: return "queue_device_lo";
    case cc::kQueueDevice + 4: return "queue_device_hi";
    case cc::kQueueNotifConfigData: return "queue_notif_config_data";
    case cc::kQueueReset: return "queue_reset";
    case cc::kAdminQueueIndex: return "admin_queue_index";
    case cc::kAdminQueueNum: return "admin_queue_num";
    default: return nullptr;
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Window dispatch

bool VirtioPciDevice::winRead(Win w, uint64_t off, void* data, unsigned len) {
  if (len != 1 && len != 2 && len != 4 && len != 8) return false;
  switch (w) {
    case Win::Common:
      if (off >= cc::kSize) return paddingRead(data, len);
      return commonRead(static_cast<uint32_t>(off), data, len);
    case Win::Isr: {
      if (!admitModern(false)) return false;
      if (off != 0) {  // padding after the one-byte ISR field
        std::memset(data, 0, len);
        return true;
      }
      if (len != 1)
        // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout#1: 8-bit field, 8-bit access.
        violate(pciclause::kLayoutWidth, "isr.bad_access_width", "ISR status read with a width other than 8 bits",
                {{"len", len}});
      std::memset(data, 0, len);
      *static_cast<uint8_t*>(data) = readIsr();
      return true;
    }
    case Win::Device:
      if (off >= core_.configSize()) return paddingRead(data, len);
      return deviceCfgAccess(static_cast<uint32_t>(off), data, len, false);
    case Win::Notify:
      if (!admitModern(false)) return false;
      std::memset(data, 0, len);  // write-only: reads return 0
      return true;
    case Win::Legacy: return legacyRead(static_cast<uint32_t>(off), data, len);
    case Win::Trap:
      if (!trapReported_) {
        trapReported_ = true;
        // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Discovery#1 (nearest): a legacy driver bound a non-transitional device.
        violate(pciclause::kDiscovery, "legacy.driver_on_modern_device",
                "legacy I/O access to a non-transitional device (nearest)", {{"offset", off}, {"len", len}});
      }
      std::memset(data, 0, len);
      return true;
  }
  return false;
}

bool VirtioPciDevice::winWrite(Win w, uint64_t off, const void* data, unsigned len) {
  if (len != 1 && len != 2 && len != 4 && len != 8) return false;
  switch (w) {
    case Win::Common:
      if (off >= cc::kSize) return admitModern(false);  // structure_length_padding: writes ignored
      return commonWrite(static_cast<uint32_t>(off), data, len);
    case Win::Isr: return admitModern(false);  // read-only: writes ignored
    case Win::Device:
      if (off >= core_.configSize()) return admitModern(false);  // structure_length_padding: writes ignored
      return deviceCfgAccess(static_cast<uint32_t>(off), const_cast<void*>(data), len, true);
    case Win::Notify: return notifyWrite(static_cast<uint32_t>(off), data, len);
    case Win::Legacy: return legacyWrite(static_cast<uint32_t>(off), data, len);
    case Win::Trap: return trapWrite(static_cast<uint32_t>(off), data, len);
  }
  return false;
}

bool VirtioPciDevice::paddingRead(void* data, unsigned len) {
  if (!admitModern(false)) return false;
  std::memset(data, 0, len);
  return true;
}

std::string VirtioPciDevice::winName(Win w, uint64_t off) const {
  switch (w) {
    case Win::Common: {
      const char* n = commonFieldName(static_cast<uint32_t>(off));
      return n ? std::string("common.") + n : "common+" + hex(off);
    }
    case Win::Isr: return off == 0 ? "isr" : "isr+" + hex(off);
    case Win::Device: return "device_cfg+" + hex(off);
    case Win::Notify: {
      const uint32_t m = layout_.notifyOffMultiplier;
      const bool queueAddr = m ? (off % m == 0 && off / m < core_.numQueues()) : off == 0;
      return queueAddr ? "notify" : "notify+" + hex(off);
    }
    case Win::Legacy: {
      const uint32_t hdr = legacyHeaderSize();
      if (off >= hdr) return "legacy.device_cfg+" + hex(off - hdr);
      switch (off) {
        case pci::legacy::kHostFeatures: return "legacy.host_features";
        case pci::legacy::kGuestFeatures: return "legacy.guest_features";
        case pci::legacy::kQueuePfn: return "legacy.queue_pfn";
        case pci::legacy::kQueueNum: return "legacy.queue_num";
        case pci::legacy::kQueueSel: return "legacy.queue_sel";
        case pci::legacy::kQueueNotify: return "legacy.queue_notify";
        case pci::legacy::kStatus: return "legacy.status";
        case pci::legacy::kIsr: return "legacy.isr";
        case pci::legacy::kConfigMsixVector: return "legacy.config_msix_vector";
        case pci::legacy::kQueueMsixVector: return "legacy.queue_msix_vector";
        default: return "legacy+" + hex(off);
      }
    }
    case Win::Trap: return "legacy_trap+" + hex(off);
  }
  return {};
}

// ---------------------------------------------------------------------------------------------------------------
// Common configuration

bool VirtioPciDevice::commonRead(uint32_t off, void* data, unsigned len) {
  if (!admitModern(true)) return false;
  if (unitWidth(off) == len) {
    storeLe(data, commonField(off, true), len);
    return true;
  }
  // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout#1: each field is accessed with its own width (32-bit units for 64-bit fields), aligned.
  violate(pciclause::kLayoutWidth, "common.bad_access_width", "common configuration read with the wrong width or alignment",
          {{"offset", off}, {"len", len}});
  // Served anyway, from the fields' current values, without side effects.
  uint8_t* out = static_cast<uint8_t*>(data);
  for (unsigned k = 0; k < len; ++k) {
    const uint32_t b = off + k;
    if (b >= cc::kSize) {
      out[k] = 0;
      continue;
    }
    const uint32_t s = unitStart(b);
    out[k] = static_cast<uint8_t>(commonField(s, false) >> (8 * (b - s)));
  }
  return true;
}

bool VirtioPciDevice::commonWrite(uint32_t off, const void* data, unsigned len) {
  if (!admitModern(true)) return false;
  const uint64_t v = loadLe(data, len);
  if (unitWidth(off) == len) {
    commonFieldWrite(off, static_cast<uint32_t>(v));
    return true;
  }
  // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout#1: each field is accessed with its own width (32-bit units for 64-bit fields), aligned.
  violate(pciclause::kLayoutWidth, "common.bad_access_width", "common configuration write with the wrong width or alignment",
          {{"offset", off}, {"len", len}, {"value", v}});
  if (len == 8 && is64Field(off)) {  // what the driver obviously meant: both halves
    commonFieldWrite(off, static_cast<uint32_t>(v));
    commonFieldWrite(off + 4, static_cast<uint32_t>(v >> 32));
  }
  return true;  // any other mis-sized write is ignored
}

uint32_t VirtioPciDevice::commonField(uint32_t unit, bool sideEffects) {
  const uint16_t q = queueSel_;
  const bool qv = q < core_.numQueues();
  switch (unit) {
    case cc::kDeviceFeatureSelect: return dfSelect_;
    // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#3: offered bits at select * 32 (0 past bit 127).
    case cc::kDeviceFeature: return core_.readDeviceFeatures(dfSelect_);
    case cc::kDriverFeatureSelect: return gfSelect_;
    // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#4: the driver's bits at select * 32.
    case cc::kDriverFeature: return core_.readDriverFeatures(gfSelect_);
    case cc::kConfigMsixVector:
      // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#6: the mapped vector or NO_VECTOR.
      if (sideEffects) configVectorUnverified_ = false;
      return configVector_;
    case cc::kNumQueues: return core_.numQueues();
    case cc::kDeviceStatus: {
      if (!sideEffects) return core_.status();
      // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#7: after a 0 write the reset is complete at once and 0 is read.
      const uint8_t s = core_.readStatus();
      if (s == 0) awaitZeroStatusRead_ = false;
      return s;
    }
    // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#6: the core changes the generation on every config change.
    case cc::kConfigGeneration: return core_.readGeneration();
    case cc::kQueueSelect: return queueSel_;
    // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#14: 0 for a queue that does not exist.
    case cc::kQueueSize: return qv ? presentedQueueSize(q) : 0;
    case cc::kQueueMsixVector:
      if (!qv) return pci::kNoVector;
      if (sideEffects) queueVectorUnverified_[q] = false;
      return queueVectors_[q];
    // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#8: 0 after reset (the core clears enabled).
    case cc::kQueueEnable: return qv && core_.queue(q).enabled ? 1 : 0;
    case cc::kQueueNotifyOff: return qv ? queueNotifyOff(q) : 0;
    case cc::kQueueDesc: return qv ? static_cast<uint32_t>(core_.queue(q).desc) : 0;
    case cc::kQueueDesc + 4: return qv ? static_cast<uint32_t>(core_.queue(q).desc >> 32) : 0;
    case cc::kQueueDriver: return qv ? static_cast<uint32_t>(core_.queue(q).driver) : 0;
    case cc::kQueueDriver + 4: return qv ? static_cast<uint32_t>(core_.queue(q).driver >> 32) : 0;
    case cc::kQueueDevice: return qv ? static_cast<uint32_t>(core_.queue(q).device) : 0;
    case cc::kQueueDevice + 4: return qv ? static_cast<uint32_t>(core_.queue(q).device >> 32) : 0;
    case cc::kQueueNotifConfigData: return qv ? queueNotifConfigData(q) : 0;
    case cc::kQueueReset:
      // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#13: a queue reset completes at once: 0 is read (also #9 and #10).
      if (qv && sideEffects) queueResetUnconfirmed_[q] = false;
      return 0;
    case cc::kAdminQueueIndex:
    case cc::kAdminQueueNum: return 0;  // VIRTIO_F_ADMIN_VQ is not offered
    default: return 0;
  }
}

uint16_t VirtioPciDevice::presentedQueueSize(uint16_t q) {
  QueueState& s = core_.queue(q);
  // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#15: without RING_PACKED the size presented (and used) is 0 or a power of 2: a device maximum that is not one is rounded down.
  if (!core_.has(feat::kRingPacked) && s.size != 0 && !isPow2(s.size)) {
    uint16_t p = 1;
    while (static_cast<uint32_t>(p) * 2 <= s.size) p = static_cast<uint16_t>(p * 2);
    s.size = p;
  }
  return s.size;
}

bool VirtioPciDevice::queueConfigurable(uint16_t q, const char* field) {
  if (q >= core_.numQueues()) return false;  // the queue does not exist (queue_size reads 0): ignored
  if (queueResetUnconfirmed_[q]) {
    queueResetUnconfirmed_[q] = false;
    // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#7: the reset is complete only once queue_reset reads 0.
    violate(pciclause::kCommonQueueResetRead, "queue.reset_not_confirmed",
            std::string("driver reconfigured a reset queue (") + field + ") before reading queue_reset back as 0",
            {{"queue", q}});
  }
  if (core_.queue(q).enabled) {
    // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#4 (nearest): queue fields are configured before queue_enable, not changed after it.
    violate(pciclause::kCommonConfigureBeforeEnable, "queue.changed_after_enable",
            std::string("driver wrote ") + field + " of an enabled queue (nearest)", {{"queue", q}});
    return false;
  }
  return true;
}

void VirtioPciDevice::writeQueueSize(uint16_t q, uint16_t v) {
  if (!queueConfigurable(q, "queue_size")) return;
  const bool packed = core_.has(feat::kRingPacked);
  if (packed && v == 0) {
    // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#2: no 0 queue_size with RING_PACKED.
    violate(pciclause::kCommonPackedSizeZero, "queue.size_zero", "driver wrote 0 to queue_size (RING_PACKED)",
            {{"queue", q}});
    return;
  }
  if (!packed && !isPow2(v)) {
    // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#3: a power of 2 without RING_PACKED.
    violate(pciclause::kCommonSizePow2, "queue.size_not_power_of_2", "driver wrote a queue_size that is not a power of 2",
            {{"queue", q}, {"size", v}});
    return;
  }
  if (v > core_.queue(q).maxSize) {  // (a maximum that is not a power of 2 still bounds what is accepted)
    // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#4 (nearest): queue_size may only be reduced from the maximum the device presents.
    violate(pciclause::kCommonConfigureBeforeEnable, "queue.size_above_max",
            "driver wrote a queue_size above the device's maximum (nearest)",
            {{"queue", q}, {"size", v}, {"max", core_.queue(q).maxSize}});
    return;
  }
  core_.queue(q).size = v;
}

void VirtioPciDevice::writeQueueEnable(uint16_t q, uint16_t v) {
  if (q >= core_.numQueues()) return;
  if (v != 1) {
    // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#6: never 0 (other values than 1: nearest).
    violate(pciclause::kCommonEnableZero, v == 0 ? "queue.enable_zero" : "queue.enable_bad_value",
            v == 0 ? "driver wrote 0 to queue_enable" : "driver wrote a value other than 1 to queue_enable (nearest)",
            {{"queue", q}, {"value", v}});
    return;
  }
  if (queueResetUnconfirmed_[q]) {
    queueResetUnconfirmed_[q] = false;
    // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#7: re-enable only after reading queue_reset back as 0.
    violate(pciclause::kCommonQueueResetRead, "queue.reset_not_confirmed",
            "driver re-enabled a reset queue before reading queue_reset back as 0", {{"queue", q}});
  }
  QueueState& s = core_.queue(q);
  if (s.enabled) return;  // writing 1 again changes nothing
  if (!(core_.status() & status::kFeaturesOk))
    // drivernormative:General Initialization And Device Operation / Device Initialization#1: virtqueues are set up after FEATURES_OK.
    violate(pciclause::kInitSequence, "queue.enabled_before_features_ok", "driver enabled a queue before FEATURES_OK",
            {{"queue", q}, {"status", core_.status()}});
  presentedQueueSize(q);
  if (s.desc == 0 && s.driver == 0 && s.device == 0) {
    // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#4: the queue addresses are written before queue_enable.
    violate(pciclause::kCommonConfigureBeforeEnable, "queue.enable_unconfigured",
            "driver enabled a queue whose addresses were never written", {{"queue", q}, {"size", s.size}});
    return;
  }
  if (queueVectorUnverified_[q]) {
    queueVectorUnverified_[q] = false;
    // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#5: the mapping is read back before the queue is used.
    violate(pciclause::kMsixVerify, "msix.mapping_not_verified",
            "driver enabled a queue without reading queue_msix_vector back", {{"queue", q}, {"vector", queueVectors_[q]}});
  }
  core_.enableQueue(q);
  // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#10: queue_reset reads 0 once enabled (it always does here).
}

void VirtioPciDevice::writeQueueReset(uint16_t q, uint16_t v) {
  if (q >= core_.numQueues()) return;
  if (!core_.has(feat::kRingReset)) {
    // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#1 (nearest): queue_reset does not exist without RING_RESET; the driver does not write it.
    violate(pciclause::kCommonReadOnly, "queue.reset_not_negotiated",
            "driver wrote queue_reset without VIRTIO_F_RING_RESET (nearest)", {{"queue", q}, {"value", v}});
    return;
  }
  if (v != 1) return;
  // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#11: 1 resets the queue (core: devicenormative:Basic Facilities of a Virtio Device / Virtqueues / Virtqueue Reset / Virtqueue Reset#2); its vector is unmapped with it.
  // devicenormative:Basic Facilities of a Virtio Device / Virtqueues / Virtqueue Reset / Virtqueue Reset#1: the engine is dropped: nothing more is executed or notified for the queue.
  core_.resetQueue(q);
  queueVectors_[q] = pci::kNoVector;
  queueVectorUnverified_[q] = false;
  queueResetUnconfirmed_[q] = true;
}

void VirtioPciDevice::writeStatusModern(uint8_t v) {
  if (v != 0 && awaitZeroStatusRead_) {
    awaitZeroStatusRead_ = false;
    // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#5: after writing 0, the driver reads device_status back as 0 before initialising again.
    violate(pciclause::kCommonWaitResetRead, "status.reinit_before_reset_read",
            "driver re-initialised the device without reading device_status back as 0 after the reset",
            {{"written", v}});
  }
  if (v == 0) {
    // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#7: writing 0 resets the device (and the transport's per-driver state).
    core_.writeStatus(0);
    transportReset();
    awaitZeroStatusRead_ = true;
    return;
  }
  if ((v & status::kDriverOk) && !(core_.status() & status::kDriverOk)) checkVectorsVerified();
  core_.writeStatus(v);
  noteFeaturesAccepted();
}

void VirtioPciDevice::commonFieldWrite(uint32_t unit, uint32_t v) {
  const uint16_t q = queueSel_;
  const bool qv = q < core_.numQueues();
  auto setAddr = [&](uint64_t QueueState::*field, bool hi, const char* name) {
    if (!queueConfigurable(q, name)) return;
    uint64_t& a = core_.queue(q).*field;
    // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout#1: the two 32-bit halves of a 64-bit field are written independently.
    a = hi ? ((a & 0xffffffffull) | (uint64_t{v} << 32)) : ((a & ~0xffffffffull) | v);
  };
  switch (unit) {
    case cc::kDeviceFeatureSelect: dfSelect_ = v; return;
    case cc::kDriverFeatureSelect: gfSelect_ = v; return;
    case cc::kDriverFeature:
      checkSrIovAccepted(gfSelect_, v);
      core_.writeDriverFeatures(gfSelect_, v);
      return;
    case cc::kConfigMsixVector:
      configVector_ = mapVector(static_cast<uint16_t>(v), "config_msix_vector");
      configVectorUnverified_ = v != pci::kNoVector;
      return;
    case cc::kDeviceStatus: writeStatusModern(static_cast<uint8_t>(v)); return;
    case cc::kQueueSelect: queueSel_ = static_cast<uint16_t>(v); return;
    case cc::kQueueSize: writeQueueSize(q, static_cast<uint16_t>(v)); return;
    case cc::kQueueMsixVector:
      if (!qv) return;
      queueVectors_[q] = mapVector(static_cast<uint16_t>(v), "queue_msix_vector");
      queueVectorUnverified_[q] = v != pci::kNoVector;
      return;
    case cc::kQueueEnable: writeQueueEnable(q, static_cast<uint16_t>(v)); return;
    case cc::kQueueDesc: setAddr(&QueueState::desc, false, "queue_desc"); return;
    case cc::kQueueDesc + 4: setAddr(&QueueState::desc, true, "queue_desc"); return;
    case cc::kQueueDriver: setAddr(&QueueState::driver, false, "queue_driver"); return;
    case cc::kQueueDriver + 4: setAddr(&QueueState::driver, true, "queue_driver"); return;
    case cc::kQueueDevice: setAddr(&QueueState::device, false, "queue_device"); return;
    case cc::kQueueDevice + 4: setAddr(&QueueState::device, true, "queue_device"); return;
    case cc::kQueueReset: writeQueueReset(q, static_cast<uint16_t>(v)); return;
    case cc::kDeviceFeature:
    case cc::kNumQueues:
    case cc::kConfigGeneration:
    case cc::kQueueNotifyOff:
    case cc::kQueueNotifConfigData:
    case cc::kAdminQueueIndex:
    case cc::kAdminQueueNum: {
      const bool admin = unit == cc::kAdminQueueIndex || unit == cc::kAdminQueueNum;
      // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#1: device_feature, num_queues, config_generation, queue_notify_off and queue_notif_config_data are not written (admin fields: nearest).
      violate(pciclause::kCommonReadOnly, "common.write_read_only",
              std::string("driver wrote the read-only field ") + commonFieldName(unit) + (admin ? " (nearest)" : ""),
              {{"offset", unit}, {"value", v}});
      return;
    }
    default: return;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Notifications

bool VirtioPciDevice::notifyWrite(uint32_t off, const void* data, unsigned len) {
  if (!admitModern(false)) return false;
  const uint64_t value = loadLe(data, len);
  const uint16_t n = core_.numQueues();
  const uint32_t m = layout_.notifyOffMultiplier;
  const bool nd = core_.has(feat::kNotificationData);
  const bool ncd = core_.has(feat::kNotifConfigData);
  // The statement the notification value answers to, by the negotiated pair.
  const char* valueClause = ncd ? (nd ? pciclause::kNotifyDataConfigData : pciclause::kNotifyConfigData)
                                : (nd ? pciclause::kNotifyDataIndex : pciclause::kNotifyIndex);
  if (!nd && len != 2)
    // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#1: a 16-bit write without NOTIFICATION_DATA.
    violate(pciclause::kNotify16, "notify.not_16_bit", "available buffer notification not written as 16 bits",
            {{"offset", off}, {"len", len}, {"value", value}});
  if (nd && len != 4)
    // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#2: a 32-bit write with NOTIFICATION_DATA.
    violate(pciclause::kNotify32, "notify.not_32_bit", "available buffer notification not written as 32 bits",
            {{"offset", off}, {"len", len}, {"value", value}});
  const uint16_t named = static_cast<uint16_t>(len == 1 ? value & 0xff : value & 0xffff);
  uint16_t q;
  if (m == 0) {
    // All queues share one address: the value names the queue.
    q = named;
    if (off != 0 || q >= n) {
      // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#3 (or #4/#5/#6 with the features negotiated): the value names a queue.
      violate(valueClause, "notify.bad_queue", "notification names no virtqueue", {{"offset", off}, {"value", value}});
      return true;
    }
  } else {
    if (off % m != 0 || off / m >= n) {
      // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#3 (nearest, or #4/#5/#6): written to an address that is no queue's notify address.
      violate(valueClause, "notify.bad_address", "notification written outside every queue's notify address (nearest)",
              {{"offset", off}, {"value", value}});
      return true;
    }
    q = static_cast<uint16_t>(off / m);
    const uint16_t expect = ncd ? queueNotifConfigData(q) : q;
    if (named != expect)
      // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#3 (#4 with NOTIFICATION_DATA; #5/#6 with NOTIF_CONFIG_DATA): the value is the queue's index / config data; the address decides.
      violate(valueClause, "notify.value_mismatch", "notification value does not name the queue of its address",
              {{"queue", q}, {"value", value}, {"expected", expect}});
  }
  const bool withData = nd && len == 4;
  core_.notify(q, withData, withData ? static_cast<uint32_t>(value) : 0);
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Device-specific configuration

bool VirtioPciDevice::deviceCfgAccess(uint32_t off, void* data, unsigned len, bool write) {
  if (!admitModern(false)) return false;
  const bool aligned = off % len == 0;
  if (len == 8 || !aligned)
    // drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout#1: 8/16/32-bit aligned accesses only (64-bit fields as two 32-bit halves).
    violate(pciclause::kLayoutWidth, "device_cfg.bad_access_width",
            write ? "device configuration written with a 64-bit or unaligned access"
                  : "device configuration read with a 64-bit or unaligned access",
            {{"offset", off}, {"len", len}});
  if (write) {
    if (!aligned) return true;  // ignored
    return core_.writeConfig(off, data, len);
  }
  return core_.readConfig(off, data, len);
}

}  // namespace vsim::model

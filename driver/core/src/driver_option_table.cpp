// The DriverOptions parameter table (see driver_option_table.h).
#include "vsim/drv/driver_option_table.h"

namespace vsim::drv {

namespace {
std::string dec(uint64_t v) { return std::to_string(v); }
std::string sdec(int64_t v) { return std::to_string(v); }
const char* interruptModeName(InterruptMode m) {
  switch (m) {
    case InterruptMode::Msix: return "msix";
    case InterruptMode::Intx: return "intx";
    default: return "auto";
  }
}
}  // namespace

const ParamTable<DriverOptions>& driverOptionTable() {
  using O = DriverOptions;
  using W = const std::string&;
  static const O d;
  static const ParamTable<O> t("driver option", {
      {{"ring_packed", paramBoolText(d.ringPacked), "bool", "accept VIRTIO_F_RING_PACKED when offered"},
       [](O& o, W w, W v) { o.ringPacked = paramBool(w, v); }},
      {{"event_idx", paramBoolText(d.eventIdx), "bool", "accept VIRTIO_F_EVENT_IDX when offered"},
       [](O& o, W w, W v) { o.eventIdx = paramBool(w, v); }},
      {{"indirect", paramBoolText(d.indirect), "bool", "accept VIRTIO_F_INDIRECT_DESC when offered"},
       [](O& o, W w, W v) { o.indirect = paramBool(w, v); }},
      {{"in_order", paramBoolText(d.inOrder), "bool", "accept VIRTIO_F_IN_ORDER when offered"},
       [](O& o, W w, W v) { o.inOrder = paramBool(w, v); }},
      {{"notification_data", paramBoolText(d.notificationData), "bool",
        "accept VIRTIO_F_NOTIFICATION_DATA when offered"},
       [](O& o, W w, W v) { o.notificationData = paramBool(w, v); }},
      {{"ring_reset", paramBoolText(d.ringReset), "bool", "accept VIRTIO_F_RING_RESET when offered"},
       [](O& o, W w, W v) { o.ringReset = paramBool(w, v); }},
      {{"notif_config_data", paramBoolText(d.notifConfigData), "bool",
        "accept VIRTIO_F_NOTIF_CONFIG_DATA (PCI modern)"},
       [](O& o, W w, W v) { o.notifConfigData = paramBool(w, v); }},
      {{"access_platform", paramBoolText(d.accessPlatform), "bool", "accept VIRTIO_F_ACCESS_PLATFORM when offered"},
       [](O& o, W w, W v) { o.accessPlatform = paramBool(w, v); }},
      {{"order_platform", paramBoolText(d.orderPlatform), "bool", "accept VIRTIO_F_ORDER_PLATFORM when offered"},
       [](O& o, W w, W v) { o.orderPlatform = paramBool(w, v); }},
      {{"suspend", paramBoolText(d.suspend), "bool", "accept VIRTIO_F_SUSPEND when offered (modern interfaces)"},
       [](O& o, W w, W v) { o.suspend = paramBool(w, v); }},
      {{"device_features", paramHex(d.deviceFeatures), "bit mask", "device-type feature bits the driver understands"},
       [](O& o, W w, W v) { o.deviceFeatures = paramUnsigned(w, v); }},
      {{"device_features_high", paramHex(d.deviceFeaturesHigh), "bit mask",
        "feature bits 64..127 the driver understands (bit 0 = feature 64; 0 = the high words are not touched)"},
       [](O& o, W w, W v) { o.deviceFeaturesHigh = paramUnsigned(w, v); }},
      {{"num_queues", sdec(d.numQueues), "queues", "queues to set up (-1 = every queue the device has)"},
       [](O& o, W w, W v) { o.numQueues = static_cast<int>(paramSigned(w, v, -1, 65535)); }},
      {{"max_queue_size", dec(d.maxQueueSize), "descriptors", "cap on the size chosen for each queue"},
       [](O& o, W w, W v) { o.maxQueueSize = static_cast<uint32_t>(paramUnsigned(w, v, 1, 32768)); }},
      {{"force_legacy", paramBoolText(d.forceLegacy), "bool",
        "drive a transitional PCI device through its legacy interface"},
       [](O& o, W w, W v) { o.forceLegacy = paramBool(w, v); }},
      {{"interrupts", interruptModeName(d.interrupts), "", "auto (MSI-X when usable, else INTx), msix or intx"},
       [](O& o, W w, W v) {
         if (v == "auto") o.interrupts = InterruptMode::Auto;
         else if (v == "msix") o.interrupts = InterruptMode::Msix;
         else if (v == "intx") o.interrupts = InterruptMode::Intx;
         else throw std::invalid_argument(w + ": '" + v + "' is not one of auto, msix, intx");
       }},
      {{"reset_timeout_ns", dec(d.resetTimeoutNs), "ns", "a device or queue reset must read back 0 within this time"},
       [](O& o, W w, W v) { o.resetTimeoutNs = paramUnsigned(w, v); }},
      {{"needs_reset_grace_ns", dec(d.needsResetGraceNs), "ns",
        "time the device has to send the configuration change for a DEVICE_NEEDS_RESET the driver saw"},
       [](O& o, W w, W v) { o.needsResetGraceNs = paramUnsigned(w, v); }},
      {{"suspend_timeout_ns", dec(d.suspendTimeoutNs), "ns",
        "suspend() / resume(): the device must show the new state in its status within this time"},
       [](O& o, W w, W v) { o.suspendTimeoutNs = paramUnsigned(w, v); }},
      {{"verify_config_generation", paramBoolText(d.verifyConfigGeneration), "bool",
        "re-read the configuration to catch changes made without a new generation"},
       [](O& o, W w, W v) { o.verifyConfigGeneration = paramBool(w, v); }},
      {{"max_indirect_len", dec(d.queueOptions.maxIndirectLen), "descriptors",
        "longest chain one indirect table holds (0 = no indirect pool)"},
       [](O& o, W w, W v) { o.queueOptions.maxIndirectLen = static_cast<uint32_t>(paramUnsigned(w, v, 0, 65536)); }},
      {{"initialize", paramBoolText(d.initialize), "bool", "run the initialisation sequence when opening"},
       [](O& o, W w, W v) { o.initialize = paramBool(w, v); }},
  });
  return t;
}

}  // namespace vsim::drv

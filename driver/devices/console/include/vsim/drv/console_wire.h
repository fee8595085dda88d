// The console device's wire format as the driver uses it (virtio 1.4 "Console Device"): feature bits,
// configuration offsets, control events, queue numbering. Kept on the driver side on purpose: driver/ never
// includes model/, so each side is an independent reading of the spec.
#pragma once
#include <cstdint>

namespace vsim::drv::console {

constexpr unsigned kFSize = 0;        ///< VIRTIO_CONSOLE_F_SIZE
constexpr unsigned kFMultiport = 1;   ///< VIRTIO_CONSOLE_F_MULTIPORT
constexpr unsigned kFEmergWrite = 2;  ///< VIRTIO_CONSOLE_F_EMERG_WRITE

constexpr uint32_t kCfgCols = 0, kCfgRows = 2, kCfgMaxNrPorts = 4, kCfgEmergWr = 8;

constexpr uint32_t kCtrlHeaderSize = 8;  ///< le32 id, le16 event, le16 value
enum Event : uint16_t {
  kDeviceReady = 0,
  kDeviceAdd = 1,
  kDeviceRemove = 2,
  kPortReady = 3,
  kConsolePort = 4,
  kResize = 5,
  kPortOpen = 6,
  kPortName = 7,
};

constexpr uint16_t kControlRx = 2, kControlTx = 3;
/// Port 0: queues 0 and 1; port p >= 1: 2p + 2 and 2p + 3.
constexpr uint32_t rxQueue(uint32_t port) { return port == 0 ? 0u : 2u * port + 2u; }
constexpr uint32_t txQueue(uint32_t port) { return rxQueue(port) + 1u; }

}  // namespace vsim::drv::console

// Console device (virtio id 3) wire format as the device model uses it: feature bits, configuration offsets,
// control events and the queue numbering (spec "Console Device": Virtqueues, Feature bits, Device configuration
// layout, Multiport Device Operation). All fields are little-endian; a legacy interface uses the guest's native
// order, which is little-endian on this platform too.
#pragma once
#include <cstdint>

namespace vsim::model::console {

/// @name Feature bits
/// @{
constexpr unsigned kFSize = 0;        ///< VIRTIO_CONSOLE_F_SIZE: cols and rows are valid
constexpr unsigned kFMultiport = 1;   ///< VIRTIO_CONSOLE_F_MULTIPORT: max_nr_ports valid, control queues used
constexpr unsigned kFEmergWrite = 2;  ///< VIRTIO_CONSOLE_F_EMERG_WRITE: emerg_wr valid
/// @}

/// @name struct virtio_console_config
/// @{
constexpr uint32_t kCfgCols = 0;        ///< le16
constexpr uint32_t kCfgRows = 2;        ///< le16
constexpr uint32_t kCfgMaxNrPorts = 4;  ///< le32
constexpr uint32_t kCfgEmergWr = 8;     ///< le32 (only its low byte means anything)
constexpr uint32_t kCfgSize = 12;
/// @}

/// @name struct virtio_console_control: le32 id, le16 event, le16 value (8 bytes), maybe followed by a payload
/// @{
constexpr uint32_t kCtrlHeaderSize = 8;
enum Event : uint16_t {
  kDeviceReady = 0,   ///< driver -> device; value 1 success, 0 failure
  kDeviceAdd = 1,     ///< device -> driver
  kDeviceRemove = 2,  ///< device -> driver
  kPortReady = 3,     ///< driver -> device; value 1 success, 0 failure
  kConsolePort = 4,   ///< device -> driver
  kResize = 5,        ///< device -> driver; followed by le16 cols, le16 rows
  kPortOpen = 6,      ///< both ways; value 1 open, 0 closed
  kPortName = 7,      ///< device -> driver; followed by the UTF-8 name (no NUL)
};
const char* eventName(uint16_t event);
/// @}

/// @name Queue numbering: port 0 uses queues 0/1, the control queues are 2/3, port p >= 1 uses 2p+2 / 2p+3.
/// @{
constexpr uint16_t kControlRx = 2;
constexpr uint16_t kControlTx = 3;
constexpr uint32_t rxQueue(uint32_t port) { return port == 0 ? 0u : 2u * port + 2u; }
constexpr uint32_t txQueue(uint32_t port) { return rxQueue(port) + 1u; }
/// Number of queues for max_nr_ports ports with MULTIPORT (without it: 2).
constexpr uint32_t queuesFor(uint32_t maxPorts) { return 2u * maxPorts + 2u; }
/// Port of a data queue (q not 2 or 3).
constexpr uint32_t portOfQueue(uint32_t q) { return q < 2 ? 0u : (q - 2u) / 2u; }
constexpr bool isRxQueue(uint32_t q) { return q % 2 == 0; }
static_assert(rxQueue(1) == 4 && txQueue(1) == 5 && portOfQueue(4) == 1 && portOfQueue(7) == 2);
static_assert(queuesFor(1) == 4 && portOfQueue(1) == 0);
/// @}

}  // namespace vsim::model::console

// ConsoleDevice: the virtio console device (device ID 3). Port 0 on receiveq0/transmitq0 always; with MULTIPORT
// the control queues and up to max_nr_ports ports with the whole control protocol (DEVICE_READY, DEVICE_ADD,
// DEVICE_REMOVE, PORT_READY, CONSOLE_PORT, RESIZE, PORT_OPEN, PORT_NAME); SIZE (cols/rows) and EMERG_WRITE
// (emerg_wr) when enabled. Each port has a host-side backend (capture, file, unix socket).
//
// Receive buffers are held (Deferred) until the host has data for them. Driver-normative statements the device
// can observe are checked and reported through DeviceCore::violate with their clause IDs (README.md has the
// table). Host I/O never blocks: backends are polled whenever the device handles a chain and when the host calls
// poll().
#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vsim/model/console_backend.h"
#include "vsim/model/device_logic.h"
#include "vsim/model/device_queue.h"

namespace vsim::model {

class CaptureBackend;

/// One port as configured on the host.
struct ConsolePortParams {
  std::string name;      ///< sent with PORT_NAME after PORT_READY ("" = no name)
  bool console = false;  ///< nominated with CONSOLE_PORT after PORT_READY
  ConsoleBackendSpec backend;
};

struct ConsoleParams {
  bool multiport = false;   ///< offer VIRTIO_CONSOLE_F_MULTIPORT
  uint32_t maxPorts = 1;    ///< max_nr_ports (MULTIPORT); queues = 2 * maxPorts + 2
  bool size = true;         ///< offer VIRTIO_CONSOLE_F_SIZE
  uint16_t cols = 80, rows = 25;
  bool emergWrite = true;   ///< offer VIRTIO_CONSOLE_F_EMERG_WRITE
  uint16_t queueSize = 128; ///< largest queue size offered
  /// Ports present from the start, port i = ports[i] (at least one: port 0). More can be hot-plugged up to
  /// maxPorts with addPort().
  std::vector<ConsolePortParams> ports = {ConsolePortParams{}};
};

/// What the host can see of one port.
struct ConsolePortStatus {
  bool present = false;     ///< configured on the host (plugged)
  bool announced = false;   ///< DEVICE_ADD sent (multiport)
  bool ready = false;       ///< the driver answered PORT_READY with 1
  bool failed = false;      ///< the driver answered PORT_READY with 0
  bool guestOpen = false;   ///< the driver's last PORT_OPEN value
  bool hostOpen = false;    ///< the last PORT_OPEN value the device sent
  bool console = false;
  std::string name;
  uint32_t heldBuffers = 0;    ///< receive buffers the device holds for this port
  uint32_t heldTxBuffers = 0;  ///< transmit buffers waiting for the backend to take their bytes (backend errors)
  uint32_t unsentBytes = 0;    ///< emergency characters waiting for the backend (backend errors)
};

struct ConsoleStats {
  uint64_t txBytes = 0;          ///< bytes the driver sent on transmit queues (to backends)
  uint64_t rxBytes = 0;          ///< bytes delivered into receive buffers
  uint64_t emergBytes = 0;       ///< characters written through emerg_wr
  uint64_t controlIn = 0;        ///< control messages from the driver
  uint64_t controlOut = 0;       ///< control messages delivered to the driver
  uint64_t controlTruncated = 0; ///< control messages cut short by a too small control receive buffer
  uint64_t droppedTxBytes = 0;   ///< transmitted bytes with nowhere to go (no such port, malformed buffer)
  uint64_t backendOutputErrors = 0;  ///< output writes a backend refused (injected; retried later)
  uint64_t backendInputErrors = 0;   ///< input reads a backend failed (injected; retried later)
};

class ConsoleDevice final : public DeviceLogic {
 public:
  /// Builds the backends; throws std::invalid_argument when one cannot be opened or the parameters are
  /// inconsistent (no port, more ports than maxPorts, several ports without MULTIPORT).
  explicit ConsoleDevice(const ConsoleParams& p = {});
  ~ConsoleDevice() override;

  // DeviceLogic
  void attach(DeviceCore& core) override { core_ = &core; }
  uint16_t deviceId() const override { return 3; }
  std::string name() const override { return "console"; }
  uint64_t deviceFeatures() const override;
  uint16_t numQueues() const override;
  uint16_t queueMaxSize(uint16_t) const override { return p_.queueSize; }
  uint32_t configSize() const override;
  void readConfig(uint32_t off, void* dst, uint32_t len) override;
  bool writeConfig(uint32_t off, const void* src, uint32_t len) override;
  /// emerg_wr may be written even before the device is configured (console Device Initialization#1).
  bool configWritableAnytime(uint32_t off, uint32_t len) const override;
  void poll(DeviceCore&) override { poll(); }
  ChainResult handle(DeviceCore& core, uint16_t q, const Chain& c, uint32_t& written) override;
  void onDriverOk(DeviceCore& core) override;
  void onReset() override;
  void onQueueReset(uint16_t q) override;

  /// @name Host side
  /// @{
  const ConsoleParams& params() const { return p_; }
  uint32_t maxPorts() const { return static_cast<uint32_t>(ports_.size()); }
  /// The port's backend (nullptr when the port is not present).
  ConsoleBackend* backend(uint32_t port);
  /// The port's capture backend, or nullptr when it has another kind (or is not present).
  CaptureBackend* capture(uint32_t port);
  /// Capture ports: take what the guest wrote / push input for it (delivered at once when buffers are held).
  std::string takeOutput(uint32_t port);
  size_t pushInput(uint32_t port, std::string_view bytes);
  /// Capture ports: attach or detach the host peer (multiport: PORT_OPEN to the driver).
  void setHostConnected(uint32_t port, bool connected);
  /// Poll every backend (sockets, input files), deliver input into held receive buffers, announce host-side
  /// open/close. The platform's step: call it when the host side may have changed.
  void poll();
  /// The console size changed: port 0 updates cols/rows (SIZE offered; configuration change notification);
  /// with MULTIPORT negotiated a RESIZE message goes to a ready port. False if the port is not present.
  bool resize(uint32_t port, uint16_t cols, uint16_t rows);
  /// Hot-plug a port (MULTIPORT): DEVICE_ADD once the driver said DEVICE_READY. False when the port exists or
  /// is not below max_nr_ports (the device never announces such a port), or the backend cannot be built.
  bool addPort(uint32_t port, const ConsolePortParams& params);
  /// Hot-unplug: DEVICE_REMOVE for a port that was announced. False when the port is not present.
  bool removePort(uint32_t port);
  ConsolePortStatus portStatus(uint32_t port) const;
  /// The driver sent DEVICE_READY with value 1 (multiport negotiated).
  bool deviceReady() const { return deviceReady_; }
  bool multiportNegotiated() const;
  /// Characters written through emerg_wr (they also go to port 0's backend).
  const std::string& emergencyOutput() const { return emerg_; }
  const ConsoleStats& stats() const { return stats_; }
  /// @}

  /// @name Backend faults (host side)
  /// A failing backend never loses, reorders or corrupts bytes: a transmit buffer whose bytes the backend refused
  /// stays with the device (not used) and is retried, from the first byte not taken, whenever the device runs or
  /// is polled; later transmit buffers of the port wait behind it. Emergency characters wait in the device and go
  /// out first. A failed input read leaves the receive buffer held with nothing written and the input in the
  /// backend, and is retried the same way. The driver sees its writes and reads take longer (or time out while
  /// the backend keeps failing), never different bytes.
  /// @{
  static constexpr uint32_t kBackendErrorsUntilCleared = UINT32_MAX;
  /// The port's backend fails the next `output` writes of guest output and the next `input` reads of host input
  /// (kBackendErrorsUntilCleared: every one until this is called again). Called with 0, 0 the port is healthy
  /// again and what waited goes out at once. False when the port is not present.
  bool injectBackendErrors(uint32_t port, uint32_t output, uint32_t input);
  /// @}

 private:
  struct Held {
    Chain chain;
    bool returnEmpty = false;       ///< return it with 0 bytes when it reaches the front (keeps IN_ORDER)
    uint64_t sent = 0;              ///< transmit: bytes the backend already took (a retry goes on from here)
    DeviceQueue* engine = nullptr;  ///< the engine it was popped from (a queue re-enabled since has a new one)
    QueueLayout layout;
  };
  struct Port {
    bool present = false;
    ConsolePortParams params;
    std::unique_ptr<ConsoleBackend> backend;
    bool announced = false, ready = false, failed = false;
    bool guestOpen = false, hostOpen = false;
    bool consoleOpenDue = false;       ///< CONSOLE_PORT delivered, the driver's PORT_OPEN not seen yet
    bool reportedNotOpened = false, reportedNotReady = false, reportedUnknown = false;
    uint32_t outputErrors = 0, inputErrors = 0;  ///< injected backend failures still to come
    std::string unsent;  ///< emergency characters the backend has not taken yet
  };
  struct ControlMsg {
    std::string bytes;
    uint32_t id = 0;
    uint16_t event = 0;
  };


  // data path (console_data.cpp)
  ChainResult handleRx(uint16_t q, const Chain& c);
  void hold(uint16_t q, const Chain& c, bool returnEmpty);
  bool dropStale(uint16_t q);
  ChainResult handleTx(uint16_t q, const Chain& c);
  bool canDeliver(uint32_t port) const;
  void deliver(uint32_t port);
  void service();
  bool stillValid(uint16_t q, const Held& h) const;
  void emit(uint32_t port, const uint8_t* data, size_t len);
  // backend faults (console_data.cpp)
  bool tryOutput(uint32_t port, const uint8_t* data, size_t len);
  bool sendChain(uint32_t port, DeviceQueue* e, const Chain& c, uint64_t& sent);
  void emitEmergency(uint8_t ch);
  void flushUnsent(uint32_t port);
  void flushTx(uint32_t port);
  // control protocol (console_control.cpp)
  ChainResult handleControlTx(const Chain& c);
  void onControl(uint32_t id, uint16_t event, uint16_t value);
  void onPortReady(uint32_t id, uint16_t value);
  void onPortOpen(uint32_t id, uint16_t value);
  void announce(uint32_t port);
  void sendControl(uint32_t id, uint16_t event, uint16_t value, std::string_view payload = {});
  void flushControl();
  void announceHostOpen(uint32_t port);
  void protocolError(const char* kind, const std::string& message, std::vector<Evidence> ev);
  // helpers
  bool driverLive() const;
  void violate(const char* clause, const char* kind, std::string message, std::vector<Evidence> ev);

  ConsoleParams p_;
  DeviceCore* core_ = nullptr;
  std::vector<Port> ports_;                   ///< index = port id, size = max_nr_ports (1 without MULTIPORT)
  std::vector<std::deque<Held>> held_;        ///< per queue: receive buffers waiting for data
  std::deque<ControlMsg> controlOut_;         ///< control messages waiting for a control receive buffer
  bool deviceReady_ = false;
  bool reportedEarlyUse_ = false;             ///< port used before DEVICE_READY: reported once per reset
  uint8_t configReadWarned_ = 0;              ///< bit per optional field read without its feature offered
  uint16_t cols_ = 0, rows_ = 0;
  std::string emerg_;
  ConsoleStats stats_;
};

}  // namespace vsim::model

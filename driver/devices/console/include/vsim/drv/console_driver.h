// ConsoleDriver: the virtio console device (type 3). Port 0 alone, or with MULTIPORT the control handshake
// (DEVICE_READY, then for every DEVICE_ADD the port's receive buffers and PORT_READY, PORT_OPEN for console ports
// and, by default, for every port), port names, console ports, sizes, hot-plug; blocking-with-deadline write()
// and read() per port; the emergency write.
//
// Device-normative statements the driver can observe are checked and reported with their clause IDs (README.md).
// One thread at a time. All waiting is bounded by simulated-time deadlines (drv::Deadline).
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vsim/drv/device.h"
#include "vsim/drv/discover.h"

namespace vsim::drv {

struct ConsoleOptions {
  bool multiport = true;    ///< accept VIRTIO_CONSOLE_F_MULTIPORT when offered
  bool size = true;         ///< accept VIRTIO_CONSOLE_F_SIZE when offered
  bool emergWrite = true;   ///< accept VIRTIO_CONSOLE_F_EMERG_WRITE when offered
  uint32_t rxBuffers = 4;   ///< receive buffers posted per port
  uint32_t rxBufferBytes = 256;
  uint32_t txBufferBytes = 4096;   ///< largest chunk one transmit buffer carries
  uint32_t controlBuffers = 16;    ///< control receive buffers
  uint32_t controlBufferBytes = 256;
  bool openPorts = true;    ///< send PORT_OPEN(1) for every port once it is ready (console ports always get it)
  uint64_t controlTimeoutNs = 1'000'000'000;  ///< how long a control message may wait for the device
};

/// What the driver knows about one port.
struct ConsolePortInfo {
  uint32_t id = 0;
  bool ready = false;      ///< PORT_READY(1) sent (port 0 without MULTIPORT: always)
  bool console = false;    ///< nominated by CONSOLE_PORT
  bool hostOpen = false;   ///< the device's last PORT_OPEN value
  bool guestOpen = false;  ///< our last PORT_OPEN value
  std::string name;        ///< from PORT_NAME
  uint16_t cols = 0, rows = 0;  ///< from RESIZE (port 0 without MULTIPORT: the configuration)
};

class ConsoleDriver {
 public:
  static constexpr uint16_t kDeviceType = 3;

  /// Open a discovered console device, set up port 0 or the control queues, and (MULTIPORT) send DEVICE_READY.
  /// nullptr when it is not a console device or did not initialise.
  static std::unique_ptr<ConsoleDriver> open(Hal& hal, const DiscoveredDevice& d, DriverOptions opts,
                                             ViolationSink& sink, ConsoleOptions co = {});
  ~ConsoleDriver();
  ConsoleDriver(const ConsoleDriver&) = delete;
  ConsoleDriver& operator=(const ConsoleDriver&) = delete;

  Device& device() { return *dev_; }
  bool ok() const { return dev_ && dev_->live(); }
  bool multiport() const { return multiport_; }
  /// max_nr_ports (MULTIPORT), else 1.
  uint32_t maxPorts() const { return maxPorts_; }
  /// Port 0's size from the configuration (SIZE negotiated); false without it.
  bool size(uint16_t* cols, uint16_t* rows);
  /// VIRTIO_CONSOLE_F_EMERG_WRITE offered: write c to emerg_wr. False (nothing written) when not offered.
  bool emergencyWrite(uint8_t c);

  /// Process what the device sent: interrupts, control messages, received data. Never waits. Returns the number
  /// of used buffers handled.
  unsigned service();
  /// MULTIPORT: service until at least n ports are ready or timeoutNs of simulated time passed.
  bool waitForPorts(uint32_t n, uint64_t timeoutNs);
  /// Ready ports, ascending.
  std::vector<uint32_t> ports() const;
  /// nullptr when the port does not exist (not added, or removed).
  const ConsolePortInfo* port(uint32_t id) const;
  /// Send PORT_OPEN for a ready port (MULTIPORT). False when the port is not ready or the device did not take it.
  bool setOpen(uint32_t id, bool open);

  /// Send len bytes on a port (chunks of txBufferBytes, each waited for). Returns the bytes the device took.
  size_t write(uint32_t port, const void* data, size_t len, uint64_t timeoutNs);
  /// Copy up to max received bytes of a port, waiting up to timeoutNs for at least one. Returns the count.
  size_t read(uint32_t port, void* buf, size_t max, uint64_t timeoutNs);
  /// Received bytes waiting to be read.
  size_t pending(uint32_t port) const;

  /// Reset and initialise the device again (after DEVICE_NEEDS_RESET), then redo the handshake. Received bytes
  /// not read yet are kept; ports come back as the device announces them.
  bool recover();

  /// @name Counters
  /// @{
  uint64_t controlMessagesIn() const { return ctrlIn_; }
  uint64_t controlMessagesOut() const { return ctrlOut_; }
  /// @}

 private:
  struct Port {
    ConsolePortInfo info;
    bool present = false;
    uint64_t rxBase = 0;      ///< its receive buffers (allocated once, kept across remove/add)
    bool rxPosted = false;
    uint64_t txBuf = 0;
    bool txOutstanding = false;
    std::deque<uint8_t> inbox;
  };

  ConsoleDriver(ConsoleOptions co, ViolationSink& sink) : co_(co), sink_(sink) {}
  Device& d() { return *cur_; }
  bool setup(Device& dev);
  bool start();
  bool preparePort(uint32_t id);
  bool postRx(uint32_t id, bool kick);
  unsigned drainRx(uint32_t id);
  unsigned processControl();
  void onControl(uint32_t id, uint16_t event, uint16_t value, const uint8_t* payload, size_t payloadLen);
  bool sendControl(uint32_t id, uint16_t event, uint16_t value);
  bool waitUsed(uint16_t q, Deadline& dl, bool* outstanding);
  void deviceViolation(const char* clause, const char* kind, const std::string& message, std::vector<Evidence> ev);

  ConsoleOptions co_;
  ViolationSink& sink_;
  std::unique_ptr<Device> dev_;
  Device* cur_ = nullptr;  ///< the device being driven (set during its initialisation, before dev_ is)
  bool multiport_ = false;
  uint32_t maxPorts_ = 1;
  std::map<uint32_t, Port> ports_;
  uint64_t ctrlRxBase_ = 0, ctrlTxBuf_ = 0;
  bool ctrlTxOutstanding_ = false;
  uint64_t ctrlIn_ = 0, ctrlOut_ = 0;
};

}  // namespace vsim::drv

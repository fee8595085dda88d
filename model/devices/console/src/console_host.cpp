// ConsoleDevice host-side API: backends, capture I/O, resize, hot-plug, port status.
#include <stdexcept>

#include "vsim/model/console_abi.h"
#include "vsim/model/console_capture.h"
#include "vsim/model/console_device.h"
#include "vsim/model/device_core.h"

namespace vsim::model {

ConsoleBackend* ConsoleDevice::backend(uint32_t port) {
  return port < ports_.size() && ports_[port].present ? ports_[port].backend.get() : nullptr;
}

CaptureBackend* ConsoleDevice::capture(uint32_t port) {
  ConsoleBackend* b = backend(port);
  return b && b->kind() == ConsoleBackendKind::Capture ? static_cast<CaptureBackend*>(b) : nullptr;
}

std::string ConsoleDevice::takeOutput(uint32_t port) {
  CaptureBackend* c = capture(port);
  return c ? c->takeOutput() : std::string();
}

size_t ConsoleDevice::pushInput(uint32_t port, std::string_view bytes) {
  CaptureBackend* c = capture(port);
  if (!c) return 0;
  const size_t n = c->pushInput(bytes);
  service();
  return n;
}

void ConsoleDevice::setHostConnected(uint32_t port, bool connected) {
  if (CaptureBackend* c = capture(port)) {
    c->setHostConnected(connected);
    service();
  }
}

bool ConsoleDevice::resize(uint32_t port, uint16_t cols, uint16_t rows) {
  if (!backend(port)) return false;
  if (port == 0) {
    cols_ = cols;
    rows_ = rows;
    // The configuration applies to port 0; a change is announced (after DRIVER_OK) with a new generation.
    if (p_.size && core_) core_->configChanged();
  }
  if (multiportNegotiated() && deviceReady_ && ports_[port].ready) {
    std::string size;
    for (uint16_t v : {cols, rows}) {  // struct virtio_console_resize: le16 cols, le16 rows
      size.push_back(static_cast<char>(v & 0xff));
      size.push_back(static_cast<char>(v >> 8));
    }
    sendControl(port, console::kResize, 0, size);
    flushControl();
  }
  return true;
}

bool ConsoleDevice::addPort(uint32_t port, const ConsolePortParams& params) {
  // devicenormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1: no port that exists, none at or above max_nr_ports
  if (!p_.multiport || port >= ports_.size() || ports_[port].present) return false;
  std::unique_ptr<ConsoleBackend> b;
  try {
    b = makeConsoleBackend(params.backend);
  } catch (const std::invalid_argument&) {
    return false;
  }
  Port& pt = ports_[port];
  pt = Port{};
  pt.params = params;
  pt.backend = std::move(b);
  pt.present = true;
  if (deviceReady_ && driverLive()) {
    announce(port);
    flushControl();
  }
  return true;
}

bool ConsoleDevice::removePort(uint32_t port) {
  if (port >= ports_.size() || !ports_[port].present) return false;
  Port& pt = ports_[port];
  // devicenormative:Device Types / Console Device / Device Operation / Multiport Device Operation#2: DEVICE_REMOVE only for a port announced with DEVICE_ADD
  if (pt.announced && driverLive()) {
    sendControl(port, console::kDeviceRemove, 0);
    flushControl();
  }
  // Receive buffers the driver gave for this port stay held: they are used again if the port comes back.
  stats_.droppedTxBytes += pt.unsent.size();  // emergency characters its failing backend never took: counted
  pt = Port{};
  return true;
}

ConsolePortStatus ConsoleDevice::portStatus(uint32_t port) const {
  ConsolePortStatus s;
  if (port >= ports_.size()) return s;
  const Port& pt = ports_[port];
  s.present = pt.present;
  s.announced = pt.announced;
  s.ready = pt.ready;
  s.failed = pt.failed;
  s.guestOpen = pt.guestOpen;
  s.hostOpen = pt.hostOpen;
  s.console = pt.params.console;
  s.name = pt.params.name;
  const uint32_t q = console::rxQueue(port);
  if (q < held_.size()) s.heldBuffers = static_cast<uint32_t>(held_[q].size());
  if (q + 1 < held_.size()) s.heldTxBuffers = static_cast<uint32_t>(held_[q + 1].size());
  s.unsentBytes = static_cast<uint32_t>(pt.unsent.size());
  return s;
}

bool ConsoleDevice::injectBackendErrors(uint32_t port, uint32_t output, uint32_t input) {
  if (port >= ports_.size() || !ports_[port].present) return false;
  ports_[port].outputErrors = output;
  ports_[port].inputErrors = input;
  if (output == 0 && input == 0) service();  // healthy again: what waited goes out now
  return true;
}

}  // namespace vsim::model

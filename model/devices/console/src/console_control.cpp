// ConsoleDevice control protocol (MULTIPORT): messages from the driver on the control transmitq, messages to it on
// the control receiveq, port announcement and the per-port handshake.
#include <algorithm>

#include "console_clauses.h"
#include "vsim/model/console_abi.h"
#include "vsim/model/console_device.h"
#include "vsim/model/device_core.h"

namespace vsim::model {

const char* console::eventName(uint16_t event) {
  static const char* const kNames[] = {"DEVICE_READY", "DEVICE_ADD",   "DEVICE_REMOVE", "PORT_READY",
                                       "CONSOLE_PORT", "RESIZE",       "PORT_OPEN",     "PORT_NAME"};
  return event < 8 ? kNames[event] : "unknown";
}

namespace {
uint32_t le32(const uint8_t* p) { return p[0] | p[1] << 8 | p[2] << 16 | static_cast<uint32_t>(p[3]) << 24; }
uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }
void putLe(std::string& s, uint64_t v, unsigned n) {
  for (unsigned i = 0; i < n; ++i) s.push_back(static_cast<char>(v >> (8 * i)));
}
}  // namespace

void ConsoleDevice::protocolError(const char* kind, const std::string& message, std::vector<Evidence> ev) {
  // drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1 (nearest): the control handshake the driver starts with DEVICE_READY
  violate(console::clause::kDeviceReady, kind, message + " (nearest)", std::move(ev));
}

ChainResult ConsoleDevice::handleControlTx(const Chain& c) {
  if (c.writableBytes != 0) {
    // drivernormative:Device Types / Console Device / Device Operation#2: the control transmitq takes device-readable buffers only
    violate(console::clause::kTxWritable, "console.control_tx_writable_buffer",
            "device-writable buffer in the control transmitq",
            {{"queue", console::kControlTx}, {"readable_bytes", c.readableBytes}, {"writable_bytes", c.writableBytes}});
    return ChainResult::Done;
  }
  uint8_t m[console::kCtrlHeaderSize] = {};
  const uint64_t n = core_->engine(console::kControlTx)->readFromChain(c, 0, m, sizeof m);
  if (n < sizeof m) {
    // drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1 (nearest): a control message is at least its header
    protocolError("console.control_short", "control message shorter than its 8-byte header",
                  {{"readable_bytes", c.readableBytes}});
    return ChainResult::Done;
  }
  ++stats_.controlIn;
  onControl(le32(m), le16(m + 4), le16(m + 6));
  return ChainResult::Done;
}

void ConsoleDevice::onControl(uint32_t id, uint16_t event, uint16_t value) {
  if (!deviceReady_ && event != console::kDeviceReady) {
    // drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1 (nearest): DEVICE_READY opens the control protocol
    protocolError("console.control_before_device_ready",
                  std::string(console::eventName(event)) + " sent before DEVICE_READY",
                  {{"id", id}, {"event", event}, {"value", value}});
    return;
  }
  switch (event) {
    case console::kDeviceReady:
      if (value > 1) {
        // drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1 (nearest): handshake values are 0 or 1
        protocolError("console.bad_control_value", "DEVICE_READY value is neither 0 nor 1", {{"value", value}});
        return;
      }
      if (deviceReady_ || value == 0) return;  // repeated (ignored: no port is announced twice), or the driver failed
      deviceReady_ = true;
      for (uint32_t p = 0; p < ports_.size(); ++p)
        if (ports_[p].present) announce(p);
      flushControl();
      return;
    case console::kPortReady: onPortReady(id, value); return;
    case console::kPortOpen: onPortOpen(id, value); return;
    default:
      // drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1 (nearest): only driver events on the control transmitq
      protocolError("console.control_unknown_event",
                    std::string("control event ") + console::eventName(event) + " is not one a driver sends",
                    {{"id", id}, {"event", event}, {"value", value}});
      return;
  }
}

void ConsoleDevice::onPortReady(uint32_t id, uint16_t value) {
  if (id >= ports_.size() || !ports_[id].announced) {
    // drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1 (nearest): PORT_READY answers a DEVICE_ADD
    protocolError("console.port_ready_unknown_port", "PORT_READY for a port the device did not add",
                  {{"id", id}, {"value", value}, {"max_nr_ports", ports_.size()}});
    return;
  }
  if (value > 1) {
    // drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1 (nearest): handshake values are 0 or 1
    protocolError("console.bad_control_value", "PORT_READY value is neither 0 nor 1", {{"id", id}, {"value", value}});
    return;
  }
  Port& pt = ports_[id];
  if (pt.ready || pt.failed) return;  // repeated: ignored
  if (value == 0) {
    pt.failed = true;
    return;
  }
  pt.ready = true;
  if (pt.params.console) sendControl(id, console::kConsolePort, 1);
  if (!pt.params.name.empty()) sendControl(id, console::kPortName, 1, pt.params.name);
  announceHostOpen(id);
  flushControl();
}

void ConsoleDevice::onPortOpen(uint32_t id, uint16_t value) {
  if (id >= ports_.size() || !ports_[id].announced) {
    // drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1 (nearest): PORT_OPEN names an added port
    protocolError("console.port_open_unknown_port", "PORT_OPEN for a port the device did not add",
                  {{"id", id}, {"value", value}, {"max_nr_ports", ports_.size()}});
    return;
  }
  Port& pt = ports_[id];
  if (pt.consoleOpenDue) {
    pt.consoleOpenDue = false;
    if (value != 1) {
      // drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#4: the answer to CONSOLE_PORT opens the port
      violate(console::clause::kConsolePortOpenValue, "console.console_port_open_value",
              "PORT_OPEN answering CONSOLE_PORT does not have value 1", {{"id", id}, {"value", value}});
    }
  } else if (value > 1) {
    // drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1 (nearest): handshake values are 0 or 1
    protocolError("console.bad_control_value", "PORT_OPEN value is neither 0 nor 1", {{"id", id}, {"value", value}});
    return;
  }
  if (!pt.ready) {
    // drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1 (nearest): a port is opened after its PORT_READY
    protocolError("console.port_open_before_ready", "PORT_OPEN for a port before the driver sent PORT_READY for it",
                  {{"id", id}, {"value", value}});
  }
  pt.guestOpen = value == 1;
  deliver(id);
}

void ConsoleDevice::announce(uint32_t port) {
  // devicenormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1: never a port that already exists, nor one at or above max_nr_ports
  if (port >= ports_.size() || ports_[port].announced) return;
  ports_[port].announced = true;
  sendControl(port, console::kDeviceAdd, 0);
}

void ConsoleDevice::announceHostOpen(uint32_t port) {
  Port& pt = ports_[port];
  if (!pt.present || !pt.ready || !pt.backend) return;
  const bool open = pt.backend->hostConnected();
  if (open == pt.hostOpen) return;
  pt.hostOpen = open;
  sendControl(port, console::kPortOpen, open ? 1 : 0);
}

void ConsoleDevice::sendControl(uint32_t id, uint16_t event, uint16_t value, std::string_view payload) {
  ControlMsg m;
  m.id = id;
  m.event = event;
  putLe(m.bytes, id, 4);
  putLe(m.bytes, event, 2);
  putLe(m.bytes, value, 2);
  m.bytes.append(payload);
  controlOut_.push_back(std::move(m));
}

void ConsoleDevice::flushControl() {
  if (!driverLive() || !multiportNegotiated()) return;
  const uint16_t q = console::kControlRx;
  if (dropStale(q)) return;
  auto& held = held_[q];
  DeviceQueue* e = core_->engine(q);
  bool any = false;
  while (!held.empty()) {
    Held& h = held.front();
    uint64_t done = 0;
    if (!h.returnEmpty) {
      if (controlOut_.empty()) break;
      const ControlMsg& m = controlOut_.front();
      done = e->writeToChain(h.chain, 0, m.bytes.data(), std::min<uint64_t>(m.bytes.size(), h.chain.writableBytes));
      if (done < m.bytes.size()) ++stats_.controlTruncated;
      ++stats_.controlOut;
      // The driver receives CONSOLE_PORT now: from here on it owes the port's PORT_OPEN.
      if (m.event == console::kConsolePort && m.id < ports_.size()) ports_[m.id].consoleOpenDue = true;
      controlOut_.pop_front();
    }
    core_->complete(q, h.chain, static_cast<uint32_t>(done), /*signal=*/false);
    held.pop_front();
    any = true;
  }
  if (any) core_->signalUsed(q);
}

}  // namespace vsim::model

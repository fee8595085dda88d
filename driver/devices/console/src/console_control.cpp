// ConsoleDriver control protocol (MULTIPORT): messages from the device on the control receiveq, ours on the
// control transmitq, one at a time and each waited for.
#include <algorithm>

#include "console_clauses.h"
#include "vsim/drv/console_driver.h"
#include "vsim/drv/console_wire.h"

namespace vsim::drv {

void ConsoleDriver::deviceViolation(const char* clause, const char* kind, const std::string& message,
                                    std::vector<Evidence> ev) {
  Violation v;
  v.clause = clause;
  v.kind = kind;
  v.message = d().transport().location() + ": " + message;
  v.culprit = Culprit::Device;
  v.queue = console::kControlRx;
  v.evidence = std::move(ev);
  sink_.report(std::move(v));
}

bool ConsoleDriver::sendControl(uint32_t id, uint16_t event, uint16_t value) {
  if (!ok()) return false;
  Deadline dl(d().hal(), co_.controlTimeoutNs);
  if (ctrlTxOutstanding_ && !waitUsed(console::kControlTx, dl, &ctrlTxOutstanding_)) return false;
  const uint8_t m[console::kCtrlHeaderSize] = {
      static_cast<uint8_t>(id),    static_cast<uint8_t>(id >> 8),    static_cast<uint8_t>(id >> 16),
      static_cast<uint8_t>(id >> 24), static_cast<uint8_t>(event), static_cast<uint8_t>(event >> 8),
      static_cast<uint8_t>(value), static_cast<uint8_t>(value >> 8)};
  if (!d().hal().dmaMemory().write(ctrlTxBuf_, m, sizeof m, DmaKind::Other)) return false;
  // drivernormative:Device Types / Console Device / Device Operation#2: control messages go out in device-readable buffers (one descriptor, as the legacy framing note asks)
  const Buf b{ctrlTxBuf_, console::kCtrlHeaderSize, false};
  if (d().queue(console::kControlTx).add(&b, 1, ctrlTxBuf_) < 0) return false;
  ctrlTxOutstanding_ = true;
  ++ctrlOut_;
  d().kick(console::kControlTx);
  return waitUsed(console::kControlTx, dl, &ctrlTxOutstanding_);
}

unsigned ConsoleDriver::processControl() {
  DriverQueue& q = d().queue(console::kControlRx);
  unsigned n = 0;
  uint64_t cookie = 0;
  uint32_t len = 0;
  std::vector<uint8_t> msg;
  while (q.getUsed(&cookie, &len)) {  // acquire inside: the message is visible before we copy it
    ++n;
    msg.resize(std::min(len, co_.controlBufferBytes));
    const bool read = d().hal().dmaMemory().read(cookie, msg.data(), msg.size(), DmaKind::Other);
    // drivernormative:Device Types / Console Device / Device Operation#1: the buffer goes back device-writable
    const Buf b{cookie, co_.controlBufferBytes, true};
    q.add(&b, 1, cookie);
    d().kick(console::kControlRx);
    if (!read || msg.size() < console::kCtrlHeaderSize) continue;  // nothing to act on
    ++ctrlIn_;
    const uint8_t* m = msg.data();
    const uint32_t id = m[0] | m[1] << 8 | m[2] << 16 | static_cast<uint32_t>(m[3]) << 24;
    onControl(id, static_cast<uint16_t>(m[4] | m[5] << 8), static_cast<uint16_t>(m[6] | m[7] << 8),
              m + console::kCtrlHeaderSize, msg.size() - console::kCtrlHeaderSize);
    if (!ok()) break;
  }
  return n;
}

void ConsoleDriver::onControl(uint32_t id, uint16_t event, uint16_t value, const uint8_t* payload,
                              size_t payloadLen) {
  auto it = ports_.find(id);
  Port* p = it != ports_.end() && it->second.present ? &it->second : nullptr;
  switch (event) {
    case console::kDeviceAdd: {
      // devicenormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1: a new port, below max_nr_ports
      if (id >= maxPorts_ || p) {
        deviceViolation(console::clause::kAddPort, p ? "console.add_existing_port" : "console.add_port_out_of_range",
                        p ? "DEVICE_ADD for a port that already exists" : "DEVICE_ADD for a port at or above max_nr_ports",
                        {{"id", id}, {"max_nr_ports", maxPorts_}});
        return;
      }
      const bool usable = preparePort(id);
      Port& np = ports_[id];
      np.present = true;
      np.info = ConsolePortInfo{};
      np.info.id = id;
      np.inbox.clear();
      if (!usable) {
        sendControl(id, console::kPortReady, 0);  // no queues or no memory for it: tell the device it failed
        return;
      }
      np.info.ready = sendControl(id, console::kPortReady, 1);
      if (np.info.ready && co_.openPorts) np.info.guestOpen = sendControl(id, console::kPortOpen, 1);
      return;
    }
    case console::kDeviceRemove:
      // devicenormative:Device Types / Console Device / Device Operation / Multiport Device Operation#2: only a port that was added
      if (!p) {
        deviceViolation(console::clause::kRemovePort, "console.remove_unknown_port",
                        "DEVICE_REMOVE for a port that was never added", {{"id", id}});
        return;
      }
      p->present = false;  // its receive buffers stay posted for when it comes back
      p->info = ConsolePortInfo{};
      p->info.id = id;
      p->inbox.clear();
      return;
    case console::kConsolePort:
      if (!p) return;
      // drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#2: marked as a text console for the user of the driver
      p->info.console = true;
      // drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#3: a console port is answered with PORT_OPEN ...
      // drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#4: ... with value 1
      if (sendControl(id, console::kPortOpen, 1)) p->info.guestOpen = true;
      return;
    case console::kResize:
      if (p && payloadLen >= 4) {  // struct virtio_console_resize: le16 cols, le16 rows
        p->info.cols = static_cast<uint16_t>(payload[0] | payload[1] << 8);
        p->info.rows = static_cast<uint16_t>(payload[2] | payload[3] << 8);
      }
      return;
    case console::kPortOpen:
      if (p) p->info.hostOpen = value != 0;
      return;
    case console::kPortName:
      if (p) p->info.name.assign(reinterpret_cast<const char*>(payload), payloadLen);
      return;
    default: return;  // events a device does not send, or unknown ones: nothing to do
  }
}

bool ConsoleDriver::setOpen(uint32_t id, bool open) {
  auto it = ports_.find(id);
  if (!multiport_ || it == ports_.end() || !it->second.present || !it->second.info.ready) return false;
  if (!sendControl(id, console::kPortOpen, open ? 1 : 0)) return false;
  it->second.info.guestOpen = open;
  return true;
}

}  // namespace vsim::drv

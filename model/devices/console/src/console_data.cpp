// ConsoleDevice data path: receive buffers held until host input arrives, transmit buffers copied to the port's
// backend, and service(): poll the backends and move what is ready.
#include <algorithm>

#include "console_clauses.h"
#include "vsim/model/console_abi.h"
#include "vsim/model/console_device.h"
#include "vsim/model/device_core.h"

namespace vsim::model {

namespace {
constexpr size_t kChunk = 4096;  // bytes moved per step between a chain and a backend

/// One injected backend failure is used up (kBackendErrorsUntilCleared never is); false when none is due.
bool takeFailure(uint32_t& left) {
  if (left == 0) return false;
  if (left != ConsoleDevice::kBackendErrorsUntilCleared) --left;
  return true;
}
}  // namespace

void ConsoleDevice::hold(uint16_t q, const Chain& c, bool returnEmpty) {
  DeviceQueue* e = core_->engine(q);
  Held h;
  h.chain = c;
  h.returnEmpty = returnEmpty;
  h.engine = e;
  if (e) h.layout = e->layout();
  held_[q].push_back(std::move(h));
}

ChainResult ConsoleDevice::handleRx(uint16_t q, const Chain& c) {
  dropStale(q);
  if (c.readableBytes != 0) {
    // drivernormative:Device Types / Console Device / Device Operation#1: receive queues take device-writable buffers only
    violate(console::clause::kRxReadable, "console.rx_readable_buffer",
            "device-readable buffer in " + std::string(q == console::kControlRx ? "the control receiveq" : "a receiveq"),
            {{"queue", q}, {"readable_bytes", c.readableBytes}, {"writable_bytes", c.writableBytes}});
  }
  const bool useless = c.readableBytes != 0 || c.writableBytes == 0;
  if (useless && held_[q].empty()) return ChainResult::Done;  // returned with nothing written
  // Behind held buffers a useless one waits its turn, so buffers are still used in the order they came (IN_ORDER).
  hold(q, c, useless);
  return ChainResult::Deferred;
}

ChainResult ConsoleDevice::handleTx(uint16_t q, const Chain& c) {
  const uint32_t port = console::portOfQueue(q);
  if (c.writableBytes != 0) {
    // drivernormative:Device Types / Console Device / Device Operation#2: transmit queues take device-readable buffers only
    violate(console::clause::kTxWritable, "console.tx_writable_buffer", "device-writable buffer in a transmitq",
            {{"queue", q}, {"port", port}, {"readable_bytes", c.readableBytes}, {"writable_bytes", c.writableBytes}});
    stats_.droppedTxBytes += c.readableBytes;  // not trusted: the data is not forwarded
    return ChainResult::Done;
  }
  Port& pt = ports_[port];
  if (multiportNegotiated()) {
    if (!deviceReady_ && !reportedEarlyUse_) {
      reportedEarlyUse_ = true;
      // drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1 (nearest): port data before DEVICE_READY
      violate(console::clause::kDeviceReady, "console.port_used_before_device_ready",
              "port data transmitted before the driver sent DEVICE_READY (nearest)", {{"queue", q}, {"port", port}});
    }
    if (!pt.present || !pt.announced) {
      if (deviceReady_ && !pt.reportedUnknown) {
        pt.reportedUnknown = true;
        // drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1 (nearest): a port the device never added
        violate(console::clause::kDeviceReady, "console.tx_unknown_port",
                "data transmitted on a port the device did not add (nearest)", {{"queue", q}, {"port", port}});
      }
      stats_.droppedTxBytes += c.readableBytes;
      return ChainResult::Done;
    }
    if (!pt.ready && !pt.reportedNotReady) {
      pt.reportedNotReady = true;
      // drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1 (nearest): data before the port's PORT_READY
      violate(console::clause::kDeviceReady, "console.port_used_before_ready",
              "data transmitted on a port before the driver sent PORT_READY for it (nearest)",
              {{"queue", q}, {"port", port}});
    }
    if (pt.consoleOpenDue && !pt.reportedNotOpened) {
      pt.reportedNotOpened = true;
      // drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#3: CONSOLE_PORT is answered with PORT_OPEN
      violate(console::clause::kConsolePortOpen, "console.console_port_not_opened",
              "data transmitted on a console port the driver has not answered with PORT_OPEN", {{"port", port}});
    }
  }
  // Output still waiting for a failing backend goes first: this buffer queues behind it (order kept).
  dropStale(q);
  if (!held_[q].empty() || !pt.unsent.empty()) {
    hold(q, c, false);
    return ChainResult::Deferred;
  }
  uint64_t sent = 0;
  if (!sendChain(port, core_->engine(q), c, sent)) {
    hold(q, c, false);  // the backend refused: the buffer stays with the device until it takes the rest
    held_[q].back().sent = sent;
    return ChainResult::Deferred;
  }
  return ChainResult::Done;
}

bool ConsoleDevice::tryOutput(uint32_t port, const uint8_t* data, size_t len) {
  if (port < ports_.size() && ports_[port].backend && takeFailure(ports_[port].outputErrors)) {
    ++stats_.backendOutputErrors;
    return false;
  }
  emit(port, data, len);
  return true;
}

bool ConsoleDevice::sendChain(uint32_t port, DeviceQueue* e, const Chain& c, uint64_t& sent) {
  uint8_t buf[kChunk];
  while (e && sent < c.readableBytes) {
    const uint64_t n = e->readFromChain(c, sent, buf, std::min<uint64_t>(sizeof buf, c.readableBytes - sent));
    if (n == 0) break;  // a failed DMA: the board puts the device into DEVICE_NEEDS_RESET
    if (!tryOutput(port, buf, n)) return false;
    sent += n;
    stats_.txBytes += n;
  }
  return true;
}

void ConsoleDevice::emitEmergency(uint8_t ch) {
  Port& p0 = ports_[0];
  if (p0.unsent.empty() && tryOutput(0, &ch, 1)) return;
  const size_t limit = p0.params.backend.bufferLimit;
  if (p0.unsent.size() < limit) {
    p0.unsent.push_back(static_cast<char>(ch));  // waits for the backend (flushUnsent), ahead of transmit data
  } else {
    ++stats_.droppedTxBytes;  // the same bound every backend keeps: counted, like a backend's own overflow
  }
}

void ConsoleDevice::flushUnsent(uint32_t port) {
  Port& pt = ports_[port];
  if (pt.unsent.empty()) return;
  if (!tryOutput(port, reinterpret_cast<const uint8_t*>(pt.unsent.data()), pt.unsent.size())) return;
  pt.unsent.clear();
}

void ConsoleDevice::flushTx(uint32_t port) {
  const uint32_t q = console::txQueue(port);
  if (q >= held_.size() || held_[q].empty() || !ports_[port].unsent.empty()) return;
  if (dropStale(static_cast<uint16_t>(q))) return;
  DeviceQueue* e = core_->engine(static_cast<uint16_t>(q));
  bool any = false;
  while (!held_[q].empty()) {
    Held& h = held_[q].front();
    if (!sendChain(port, e, h.chain, h.sent)) break;  // still refused: retried at the next service()
    core_->complete(static_cast<uint16_t>(q), h.chain, 0, /*signal=*/false);
    held_[q].pop_front();
    any = true;
  }
  if (any) core_->signalUsed(static_cast<uint16_t>(q));
}

void ConsoleDevice::emit(uint32_t port, const uint8_t* data, size_t len) {
  if (port < ports_.size() && ports_[port].backend) {
    ports_[port].backend->write(data, len);
  } else {
    stats_.droppedTxBytes += len;
  }
}

bool ConsoleDevice::stillValid(uint16_t q, const Held& h) const {
  // A queue that was disabled and enabled again (legacy) has a new engine: chains held for the old one are void.
  const DeviceQueue* e = core_ ? core_->engine(q) : nullptr;
  if (!e || e != h.engine || !e->configured()) return false;
  const QueueLayout& l = e->layout();
  return l.size == h.layout.size && l.desc == h.layout.desc && l.driver == h.layout.driver &&
         l.device == h.layout.device && e->inFlight() >= held_[q].size();
}

bool ConsoleDevice::dropStale(uint16_t q) {
  if (q >= held_.size() || held_[q].empty()) return false;
  if (stillValid(q, held_[q].front())) return false;
  held_[q].clear();
  return true;
}

bool ConsoleDevice::canDeliver(uint32_t port) const {
  if (port >= ports_.size() || !ports_[port].present || !ports_[port].backend) return false;
  if (!multiportNegotiated()) return port == 0;
  const Port& pt = ports_[port];
  return pt.announced && pt.ready && pt.guestOpen;  // input only reaches a port the driver has opened
}

void ConsoleDevice::deliver(uint32_t port) {
  if (!driverLive()) return;
  const uint32_t q = console::rxQueue(port);
  if (q >= held_.size() || dropStale(static_cast<uint16_t>(q))) return;
  auto& held = held_[q];
  DeviceQueue* e = core_->engine(static_cast<uint16_t>(q));
  bool any = false;
  uint8_t buf[kChunk];
  while (!held.empty()) {
    Held& h = held.front();
    uint64_t done = 0;
    if (!h.returnEmpty) {
      ConsoleBackend* b = ports_[port].backend.get();
      if (!canDeliver(port) || b->available() == 0) break;
      if (takeFailure(ports_[port].inputErrors)) {
        ++stats_.backendInputErrors;  // nothing read: the buffer stays held, the input stays in the backend
        break;
      }
      while (done < h.chain.writableBytes && b->available() != 0) {
        const size_t n = b->read(buf, static_cast<size_t>(std::min<uint64_t>(sizeof buf, h.chain.writableBytes - done)));
        const uint64_t w = e->writeToChain(h.chain, done, buf, n);
        done += w;
        if (w < n) break;  // cannot happen for a chain the engine validated; the rest is not delivered
      }
      stats_.rxBytes += done;
    }
    core_->complete(static_cast<uint16_t>(q), h.chain, static_cast<uint32_t>(done), /*signal=*/false);
    held.pop_front();
    any = true;
  }
  if (any) core_->signalUsed(static_cast<uint16_t>(q));
}

void ConsoleDevice::service() {
  for (Port& pt : ports_)
    if (pt.present && pt.backend) pt.backend->poll();
  for (uint32_t p = 0; p < ports_.size(); ++p) flushUnsent(p);
  if (!driverLive()) return;
  const bool mp = multiportNegotiated();
  for (uint32_t p = 0; p < ports_.size(); ++p) {
    if (mp) announceHostOpen(p);
    flushTx(p);
    deliver(p);
  }
  if (mp) flushControl();
}

void ConsoleDevice::poll() { service(); }

}  // namespace vsim::model

// ConsoleDriver: bring-up, port buffers, data path (write/read), size, emergency write.
#include "vsim/drv/console_driver.h"

#include <algorithm>

#include "vsim/abi/features.h"
#include "vsim/drv/console_wire.h"

namespace vsim::drv {

std::unique_ptr<ConsoleDriver> ConsoleDriver::open(Hal& hal, const DiscoveredDevice& d, DriverOptions opts,
                                                   ViolationSink& sink, ConsoleOptions co) {
  if (d.type != kDeviceType) return nullptr;
  std::unique_ptr<ConsoleDriver> c(new ConsoleDriver(co, sink));
  uint64_t want = 0;
  if (co.size) want |= feat::bit(console::kFSize);
  if (co.multiport) want |= feat::bit(console::kFMultiport);
  if (co.emergWrite) want |= feat::bit(console::kFEmergWrite);
  opts.deviceFeatures = want;
  // Without MULTIPORT only port 0's pair exists; with it every queue the device has (2 * max_nr_ports + 2).
  opts.numQueues = co.multiport ? -1 : 2;
  opts.initialize = true;
  ConsoleDriver* self = c.get();
  opts.setup = [self](Device& dev) { return self->setup(dev); };
  c->dev_ = drv::open(hal, d, std::move(opts), sink);
  if (!c->dev_ || !c->dev_->live()) return nullptr;
  c->cur_ = c->dev_.get();
  c->dev_->setConfigChangeCallback([self](Device&) {
    auto it = self->ports_.find(0);
    if (!self->multiport_ && it != self->ports_.end()) self->size(&it->second.info.cols, &it->second.info.rows);
  });
  if (!c->start()) return nullptr;
  return c;
}

ConsoleDriver::~ConsoleDriver() = default;

bool ConsoleDriver::setup(Device& dev) {
  cur_ = &dev;
  multiport_ = feat::has(dev.features(), console::kFMultiport);
  maxPorts_ = 1;
  ctrlTxOutstanding_ = false;
  for (auto& [id, p] : ports_) {  // a recovery: buffers are kept, everything else starts over
    p.present = p.rxPosted = p.txOutstanding = false;
    p.info = ConsolePortInfo{};
    p.info.id = id;
  }
  if (!multiport_) {
    if (!preparePort(0)) return false;
    Port& p = ports_[0];
    p.present = true;
    p.info.ready = p.info.guestOpen = p.info.hostOpen = true;  // port 0 needs no handshake without MULTIPORT
    size(&p.info.cols, &p.info.rows);
    return true;
  }
  // drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#3: max_nr_ports is read only because MULTIPORT was offered (and accepted)
  uint32_t maxPorts = 0;
  if (!dev.readConfig(console::kCfgMaxNrPorts, &maxPorts)) return false;
  maxPorts_ = maxPorts;
  if (dev.numQueues() <= console::kControlTx) return false;
  GuestAllocator& a = dev.hal().dmaAllocator();
  if (!ctrlRxBase_) ctrlRxBase_ = a.alloc(uint64_t{co_.controlBuffers} * co_.controlBufferBytes, 64);
  if (!ctrlTxBuf_) ctrlTxBuf_ = a.alloc(64, 64);
  if (ctrlRxBase_ == GuestAllocator::kFail || ctrlTxBuf_ == GuestAllocator::kFail) return false;
  DriverQueue& q = dev.queue(console::kControlRx);
  const uint32_t n = std::min(co_.controlBuffers, q.size());  // never more than the ring holds
  for (uint32_t i = 0; i < n; ++i) {
    const uint64_t addr = ctrlRxBase_ + uint64_t{i} * co_.controlBufferBytes;
    // drivernormative:Device Types / Console Device / Device Operation#1: the control receiveq only gets device-writable buffers
    const Buf b{addr, co_.controlBufferBytes, true};
    if (q.add(&b, 1, addr) < 0) return false;
  }
  return true;
}

bool ConsoleDriver::start() {
  if (!multiport_) return true;
  // drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1: DEVICE_READY once the control queues are live
  if (!sendControl(0, console::kDeviceReady, 1)) return false;
  service();
  return true;
}

bool ConsoleDriver::recover() {
  if (!dev_ || !dev_->recover()) return false;
  return start();
}

bool ConsoleDriver::preparePort(uint32_t id) {
  Device& dev = d();
  if (console::txQueue(id) >= dev.numQueues()) return false;  // the device has no queues for it
  Port& p = ports_[id];
  p.info.id = id;
  GuestAllocator& a = dev.hal().dmaAllocator();
  if (!p.rxBase) p.rxBase = a.alloc(uint64_t{co_.rxBuffers} * co_.rxBufferBytes, 64);
  if (!p.txBuf) p.txBuf = a.alloc(co_.txBufferBytes, 64);
  if (p.rxBase == GuestAllocator::kFail || p.txBuf == GuestAllocator::kFail) {
    p.rxBase = p.txBuf = 0;
    return false;
  }
  return p.rxPosted || postRx(id, /*kick=*/true);
}

bool ConsoleDriver::postRx(uint32_t id, bool kick) {
  Port& p = ports_[id];
  const uint16_t q = static_cast<uint16_t>(console::rxQueue(id));
  const uint32_t n = std::min(co_.rxBuffers, d().queue(q).size());  // never more than the ring holds
  for (uint32_t i = 0; i < n; ++i) {
    const uint64_t addr = p.rxBase + uint64_t{i} * co_.rxBufferBytes;
    // drivernormative:Device Types / Console Device / Device Operation#1: receive buffers are device-writable only
    const Buf b{addr, co_.rxBufferBytes, true};
    if (d().queue(q).add(&b, 1, addr) < 0) return false;
  }
  p.rxPosted = true;
  if (kick) d().kick(q);  // before DRIVER_OK this does nothing; Device::init announces them afterwards
  return true;
}

unsigned ConsoleDriver::drainRx(uint32_t id) {
  Port& p = ports_[id];
  const uint16_t q = static_cast<uint16_t>(console::rxQueue(id));
  DriverQueue& dq = d().queue(q);
  unsigned n = 0;
  uint64_t cookie = 0;
  uint32_t len = 0;
  uint8_t buf[512];
  while (dq.getUsed(&cookie, &len)) {  // acquire inside: the bytes are visible before we copy them
    ++n;
    uint32_t left = std::min(len, co_.rxBufferBytes);  // the queue already reported a length beyond the buffer
    uint64_t at = cookie;
    while (left && p.present) {
      const uint32_t k = std::min<uint32_t>(left, sizeof buf);
      if (!d().hal().dmaMemory().read(at, buf, k, DmaKind::Other)) break;
      p.inbox.insert(p.inbox.end(), buf, buf + k);
      at += k;
      left -= k;
    }
    // drivernormative:Device Types / Console Device / Device Operation#1: given back as a device-writable buffer
    const Buf b{cookie, co_.rxBufferBytes, true};
    dq.add(&b, 1, cookie);
  }
  if (n) d().kick(q);
  return n;
}

unsigned ConsoleDriver::service() {
  if (!cur_ || !d().live()) return 0;
  d().poll();  // acknowledge interrupts (configuration changes are handled there); the rings are read below
  unsigned n = 0;
  if (multiport_) n += processControl();
  for (auto& [id, p] : ports_)
    if (p.rxPosted) n += drainRx(id);
  return n;
}

bool ConsoleDriver::waitUsed(uint16_t q, Deadline& dl, bool* outstanding) {
  DriverQueue& dq = d().queue(q);
  for (;;) {
    // The used length of a transmit buffer is not looked at (the legacy interface note says to ignore it).
    if (dq.getUsed(nullptr, nullptr)) {
      *outstanding = false;
      return true;
    }
    if (dq.broken() || !d().live()) return false;
    if (dl.expired()) {
      d().checkStatus();
      if (dq.getUsed(nullptr, nullptr)) {
        *outstanding = false;
        return true;
      }
      return false;
    }
    if (d().hal().waitForInterrupt(std::min<uint64_t>(dl.remainingNs(), 1'000'000))) d().poll();
  }
}

size_t ConsoleDriver::write(uint32_t port, const void* data, size_t len, uint64_t timeoutNs) {
  if (!ok()) return 0;
  auto it = ports_.find(port);
  if (it == ports_.end() || !it->second.present || !it->second.info.ready) return 0;
  Port& p = it->second;
  const uint16_t q = static_cast<uint16_t>(console::txQueue(port));
  Deadline dl(d().hal(), timeoutNs);
  if (p.txOutstanding && !waitUsed(q, dl, &p.txOutstanding)) return 0;  // the last chunk is still with the device
  const uint8_t* in = static_cast<const uint8_t*>(data);
  size_t sent = 0;
  while (sent < len) {
    const uint32_t chunk = static_cast<uint32_t>(std::min<size_t>(len - sent, co_.txBufferBytes));
    if (!d().hal().dmaMemory().write(p.txBuf, in + sent, chunk, DmaKind::Other)) break;
    // drivernormative:Device Types / Console Device / Device Operation#2: transmit buffers are device-readable only
    const Buf b{p.txBuf, chunk, false};
    if (d().queue(q).add(&b, 1, p.txBuf) < 0) break;
    p.txOutstanding = true;
    d().kick(q);
    if (!waitUsed(q, dl, &p.txOutstanding)) break;
    sent += chunk;
  }
  return sent;
}

size_t ConsoleDriver::read(uint32_t port, void* buf, size_t max, uint64_t timeoutNs) {
  if (!ok() || max == 0) return 0;
  Deadline dl(d().hal(), timeoutNs);
  for (;;) {
    service();
    auto it = ports_.find(port);
    if (it != ports_.end() && !it->second.inbox.empty()) {
      auto& in = it->second.inbox;
      const size_t n = std::min(max, in.size());
      std::copy_n(in.begin(), n, static_cast<uint8_t*>(buf));
      in.erase(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(n));
      return n;
    }
    if (!ok() || dl.expired()) return 0;
    if (d().hal().waitForInterrupt(std::min<uint64_t>(dl.remainingNs(), 1'000'000))) d().poll();
  }
}

size_t ConsoleDriver::pending(uint32_t port) const {
  auto it = ports_.find(port);
  return it == ports_.end() ? 0 : it->second.inbox.size();
}

std::vector<uint32_t> ConsoleDriver::ports() const {
  std::vector<uint32_t> out;
  for (const auto& [id, p] : ports_)
    if (p.present && p.info.ready) out.push_back(id);
  return out;
}

const ConsolePortInfo* ConsoleDriver::port(uint32_t id) const {
  auto it = ports_.find(id);
  return it == ports_.end() || !it->second.present ? nullptr : &it->second.info;
}

bool ConsoleDriver::waitForPorts(uint32_t n, uint64_t timeoutNs) {
  if (!ok()) return false;
  Deadline dl(d().hal(), timeoutNs);
  for (;;) {
    service();
    if (ports().size() >= n) return true;
    if (!ok() || dl.expired()) return false;
    if (d().hal().waitForInterrupt(std::min<uint64_t>(dl.remainingNs(), 1'000'000))) d().poll();
  }
}

bool ConsoleDriver::size(uint16_t* cols, uint16_t* rows) {
  // drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#3: cols/rows only with SIZE
  if (!cur_ || !feat::has(d().features(), console::kFSize)) return false;
  uint16_t cr[2] = {};
  if (!d().readConfig(console::kCfgCols, cr, sizeof cr)) return false;
  *cols = cr[0];
  *rows = cr[1];
  return true;
}

bool ConsoleDriver::emergencyWrite(uint8_t c) {
  // drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#3: emerg_wr only when EMERG_WRITE is offered
  if (!cur_ || !feat::has(d().offeredFeatures(), console::kFEmergWrite)) return false;
  const uint32_t v = c;
  d().writeConfig(console::kCfgEmergWr, &v, sizeof v);
  return true;
}

}  // namespace vsim::drv

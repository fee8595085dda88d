// The console's control protocol spoken by hand (see console_raw.h).
#include "console_raw.h"

#include <cstring>

#include "vsim/abi/features.h"
#include "vsim/model/console_device.h"

namespace vsim::conformance::blkcon {

namespace cw = drv::console;

std::unique_ptr<RawConsole> RawConsole::open(TestContext& ctx, drv::Hal& hal, ViolationSink& sink,
                                             const drv::DiscoveredDevice& d, uint64_t deviceFeatures) {
  std::unique_ptr<RawConsole> c(new RawConsole(hal));
  drv::DriverOptions o;
  o.deviceFeatures = deviceFeatures;
  o.numQueues = -1;
  RawConsole* self = c.get();
  // the control receive buffers go in before DRIVER_OK (a correct driver's order), when MULTIPORT was negotiated
  o.setup = [self](drv::Device& dev) {
    if (!feat::has(dev.features(), cw::kFMultiport)) return true;
    if (dev.numQueues() <= cw::kControlTx) return false;
    self->ctrlRx_ = dev.hal().dmaAllocator().alloc(uint64_t{kControlBuffers} * kControlBufferBytes, 64);
    if (self->ctrlRx_ == GuestAllocator::kFail) return false;
    for (uint32_t i = 0; i < kControlBuffers; ++i) {
      const drv::Buf b{self->ctrlRx_ + uint64_t{i} * kControlBufferBytes, kControlBufferBytes, true};
      if (dev.queue(cw::kControlRx).add(&b, 1, b.addr) < 0) return false;
    }
    return true;
  };
  c->dev_ = drv::open(hal, d, o, sink);
  if (!c->dev_ || !c->dev_->live()) {
    ctx.harnessError("the console did not come up with our generic driver");
    return nullptr;
  }
  return c;
}

bool RawConsole::multiport() const { return feat::has(dev_->features(), cw::kFMultiport); }

bool RawConsole::offer(uint16_t q, const drv::Buf& b) {
  if (q >= dev_->numQueues() || dev_->queue(q).add(&b, 1, b.addr) < 0) return false;
  dev_->kick(q);
  return true;
}

bool RawConsole::waitUsed(uint16_t q) { return blkcon::waitUsed(*dev_, q, kTimeoutNs); }

bool RawConsole::sendBytes(const std::vector<uint8_t>& bytes) {
  const uint64_t at = hal_.dmaAllocator().alloc(bytes.empty() ? 1 : bytes.size(), 64);
  if (at == GuestAllocator::kFail || !hal_.dmaMemory().write(at, bytes.data(), bytes.size())) return false;
  return offer(cw::kControlTx, drv::Buf{at, static_cast<uint32_t>(bytes.size()), false}) && waitUsed(cw::kControlTx);
}

bool RawConsole::send(uint32_t id, uint16_t event, uint16_t value) {
  std::vector<uint8_t> m(cw::kCtrlHeaderSize);
  std::memcpy(m.data(), &id, 4);  // little-endian guest
  std::memcpy(m.data() + 4, &event, 2);
  std::memcpy(m.data() + 6, &value, 2);
  return sendBytes(m);
}

bool RawConsole::transmit(uint32_t port, const std::string& bytes) {
  const uint64_t at = hal_.dmaAllocator().alloc(bytes.empty() ? 1 : bytes.size(), 64);
  if (at == GuestAllocator::kFail || !hal_.dmaMemory().write(at, bytes.data(), bytes.size())) return false;
  const uint16_t q = static_cast<uint16_t>(cw::txQueue(port));
  return offer(q, drv::Buf{at, static_cast<uint32_t>(bytes.size()), false}) && waitUsed(q);
}

bool RawConsole::post(uint64_t addr) {
  const drv::Buf b{addr, kControlBufferBytes, true};
  return dev_->queue(cw::kControlRx).add(&b, 1, addr) >= 0;
}

void RawConsole::drainControl() {
  if (!multiport()) return;
  uint64_t cookie = 0;
  uint32_t len = 0;
  bool any = false;
  while (dev_->queue(cw::kControlRx).getUsed(&cookie, &len)) {
    any = true;
    uint8_t raw[kControlBufferBytes] = {};
    const uint32_t n = std::min(len, kControlBufferBytes);
    hal_.dmaMemory().read(cookie, raw, n);
    if (n >= cw::kCtrlHeaderSize) {
      ConsoleMsg m;
      std::memcpy(&m.id, raw, 4);
      std::memcpy(&m.event, raw + 4, 2);
      std::memcpy(&m.value, raw + 6, 2);
      m.payload.assign(reinterpret_cast<const char*>(raw) + cw::kCtrlHeaderSize, n - cw::kCtrlHeaderSize);
      received_.push_back(m);
    }
    post(cookie);
  }
  if (any) dev_->kick(cw::kControlRx);
}

bool RawConsole::waitFor(uint16_t event, uint32_t id, ConsoleMsg* out) {
  drv::Deadline dl(hal_, kTimeoutNs);
  for (size_t seen = 0;;) {
    drainControl();
    for (; seen < received_.size(); ++seen)
      if (received_[seen].event == event && received_[seen].id == id) {
        if (out) *out = received_[seen];
        return true;
      }
    if (dl.expired()) return false;
    if (hal_.waitForInterrupt(std::min<uint64_t>(dl.remainingNs(), 1'000'000))) dev_->poll();
  }
}

model::ConsoleDevice* hostConsole(TestContext& ctx) {
  auto* c = dynamic_cast<model::ConsoleDevice*>(&ctx.board().logic(0));
  if (!c) ctx.harnessError("the board's device is not a console");
  return c;
}

}  // namespace vsim::conformance::blkcon

// RngDriver: entropy requests through one writable DMA buffer.
#include "vsim/drv/rng_driver.h"

#include <algorithm>

#include "vsim/drv/device_clauses.h"

namespace vsim::drv {

std::unique_ptr<RngDriver> RngDriver::open(Hal& hal, const DiscoveredDevice& d, DriverOptions opts,
                                           ViolationSink& sink) {
  if (d.type != kDeviceType) return nullptr;
  opts.numQueues = 1;        // requestq
  opts.deviceFeatures = 0;   // the entropy device defines no feature bits
  opts.initialize = true;
  auto dev = drv::open(hal, d, std::move(opts), sink);
  if (!dev || !dev->live()) return nullptr;
  auto r = std::make_unique<RngDriver>(std::move(dev));
  if (!r->ok()) return nullptr;
  return r;
}

RngDriver::RngDriver(std::unique_ptr<Device> dev, uint32_t bufferBytes) : dev_(std::move(dev)) {
  if (!dev_ || dev_->numQueues() < 1 || bufferBytes == 0) return;
  const uint64_t a = dev_->hal().dmaAllocator().alloc(bufferBytes, 64);
  if (a == GuestAllocator::kFail || !dev_->hal().dmaMemory().contains(a, bufferBytes)) return;
  dma_ = a;
  dmaLen_ = bufferBytes;
}

bool RngDriver::waitUsed(Deadline& dl, uint32_t* len) {
  DriverQueue& q = dev_->queue(0);
  for (;;) {
    uint64_t cookie = 0;
    if (q.getUsed(&cookie, len)) return true;  // acquire inside: the bytes are visible before we copy them
    if (q.broken() || !dev_->live()) return false;
    if (dl.expired()) {
      dev_->checkStatus();  // a device that stopped may have set DEVICE_NEEDS_RESET
      return q.getUsed(&cookie, len);
    }
    if (dev_->hal().waitForInterrupt(std::min<uint64_t>(dl.remainingNs(), 1'000'000)))
      dev_->poll();  // acknowledge; the used ring is looked at again at the top of the loop either way
  }
}

size_t RngDriver::read(void* buf, size_t len, uint64_t timeoutNs) {
  if (!ok()) return 0;
  uint8_t* out = static_cast<uint8_t*>(buf);
  DriverQueue& q = dev_->queue(0);
  Deadline dl(dev_->hal(), timeoutNs);
  size_t got = 0;
  if (outstanding_ && q.inFlight() == 0) outstanding_ = false;  // dropped by a recover() since
  while (got < len) {
    if (!outstanding_) {
      const uint32_t chunk = static_cast<uint32_t>(std::min<size_t>(len - got, dmaLen_));
      // drivernormative:Device Types / Entropy Device / Device Operation#1: only device-writable buffers
      const Buf b{dma_, chunk, true};
      if (q.add(&b, 1, /*cookie=*/dma_) < 0) break;
      outstanding_ = true;
      outstandingLen_ = chunk;
      ++requests_;
      dev_->kick(0);
    }
    uint32_t used = 0;
    if (!waitUsed(dl, &used)) break;
    outstanding_ = false;
    if (used == 0) {
      // devicenormative:Device Types / Entropy Device / Device Operation#1: at least one random byte per buffer
      Violation v;
      v.clause = clause::kEntropyBytes;
      v.kind = "rng.zero_length";
      v.message = dev_->transport().location() + ": entropy buffer returned with no bytes written";
      v.culprit = Culprit::Device;
      v.queue = 0;
      v.evidence = {{"buffer_len", outstandingLen_}};
      dev_->sink().report(std::move(v));
      break;  // return what we have rather than spin on a device that gives nothing
    }
    // drivernormative:Device Types / Entropy Device / Device Operation#2: only the bytes the device says it wrote
    const size_t n = std::min<size_t>({used, outstandingLen_, len - got});
    if (!dev_->hal().dmaMemory().read(dma_, out + got, n, DmaKind::Other)) break;
    got += n;
    bytes_ += n;
  }
  return got;
}

}  // namespace vsim::drv

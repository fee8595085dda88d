#include "vsim/harness/ring_loop.h"

#include <algorithm>

#include "vsim/abi/features.h"

namespace vsim::harness {

namespace {
// The payload byte k of request r: a pattern the device transforms (+1) so the driver can tell who wrote what.
inline uint8_t pattern(uint64_t r, uint64_t k) { return static_cast<uint8_t>(r * 131 + k * 7 + 3); }
}  // namespace

RingLoop::RingLoop(const LoopConfig& cfg) : cfg_(cfg) {
  const uint32_t perReq = (cfg.readable + cfg.writable) * cfg.bufBytes;
  const uint64_t slots = cfg.size;  // at most queue-size requests in flight
  const uint64_t ringBytes = 64 * 1024 + 16ull * cfg.size * 8 + 16ull * cfg.size * 32 * 2;
  const uint64_t memBytes = ringBytes + slots * perReq + (1 << 20);
  mem_ = std::make_unique<OwnedGuestMemory>(memBytes, 0x100000);
  alloc_ = std::make_unique<GuestAllocator>(0x100000, memBytes);
  drv_ = drv::makeDriverQueue(cfg.packed, driverLog_);
  dev_ = model::makeDeviceQueue(cfg.packed, *mem_, deviceLog_);
  uint64_t features = cfg.features | feat::bit(feat::kVersion1) | (cfg.packed ? feat::bit(feat::kRingPacked) : 0);
  if (!drv_->configure(cfg.size, features, *mem_, *alloc_, 0)) {
    error_ = "driver queue configure failed";
    return;
  }
  const auto& l = drv_->layout();
  if (!dev_->configure(model::QueueLayout{l.size, l.desc, l.driver, l.device}, features, 0)) {
    error_ = "device queue configure failed";
    return;
  }
  slotBase_.resize(slots);
  for (auto& b : slotBase_) b = alloc_->alloc(perReq, 64);
  bufs_.resize(cfg.readable + cfg.writable);
  scratch_.resize(std::max<uint32_t>(perReq, 64));
  held_.reserve(cfg.size);
}

RingLoop::~RingLoop() = default;

bool RingLoop::fail(std::string why) {
  if (error_.empty()) error_ = std::move(why);
  return false;
}

bool RingLoop::run(uint64_t n) {
  if (!error_.empty()) return false;
  const uint32_t chainDescs = cfg_.useIndirect ? 1 : cfg_.readable + cfg_.writable;
  while (n > 0) {
    // driver: add a batch (bounded by free descriptors)
    uint32_t added = 0;
    const uint32_t want = static_cast<uint32_t>(std::min<uint64_t>(n, cfg_.batch));
    while (added < want && drv_->freeCount() >= chainDescs) {
      const uint64_t r = nextReq_;
      const uint64_t base = slotBase_[r % slotBase_.size()];
      for (uint32_t k = 0; k < cfg_.readable + cfg_.writable; ++k) {
        bufs_[k] = drv::Buf{base + uint64_t{k} * cfg_.bufBytes, cfg_.bufBytes, k >= cfg_.readable};
      }
      if (cfg_.verifyData) {
        for (uint64_t k = 0; k < uint64_t{cfg_.readable} * cfg_.bufBytes; ++k) scratch_[k] = pattern(r, k);
        mem_->write(base, scratch_.data(), uint64_t{cfg_.readable} * cfg_.bufBytes);
      }
      int id = drv_->add(bufs_.data(), bufs_.size(), r, cfg_.useIndirect);
      if (id < 0) break;
      stats_.descriptors += cfg_.readable + cfg_.writable;
      ++nextReq_;
      ++added;
    }
    if (added == 0) return fail("driver could not add a request (no free descriptors and nothing in flight)");
    if (drv_->needsNotify()) {
      ++stats_.kicks;
      dev_->onNotification(feat::has(drv_->features(), feat::kNotificationData), drv_->notifyValue());
    }
    if (!deviceStep(added)) return false;
    if (!driverReclaim(added)) return false;
    n -= added;
  }
  return true;
}

bool RingLoop::deviceStep(uint32_t expect) {
  if (cfg_.deviceSuppressesKicks) dev_->setDriverNotifications(false);
  if (held_.size() < expect) held_.resize(expect);  // chains are reused: no allocation per request
  for (uint32_t k = 0; k < expect; ++k) {
    auto st = dev_->pop(held_[k]);
    if (st != model::PopStatus::Ok) {
      return fail(st == model::PopStatus::Broken ? "device queue broke: " +
                                                       (deviceLog_.empty() ? std::string("?") : toString(deviceLog_.all().back()))
                                                 : "device found fewer chains than were added");
    }
  }
  const uint64_t rdBytes = uint64_t{cfg_.readable} * cfg_.bufBytes, wrBytes = uint64_t{cfg_.writable} * cfg_.bufBytes;
  const model::Chain* const first = held_.data();
  const model::Chain* const last = held_.data() + expect;
  for (auto* c = held_.data(); c != last; ++c) {
    if (c->readableBytes != rdBytes || c->writableBytes != wrBytes) return fail("chain sizes differ from what was added");
    if (cfg_.verifyData) {
      dev_->readFromChain(*c, 0, scratch_.data(), rdBytes);
      for (uint64_t k = 0; k < wrBytes; ++k) scratch_[k] = static_cast<uint8_t>(scratch_[k % std::max<uint64_t>(rdBytes, 1)] + 1);
      dev_->writeToChain(*c, 0, scratch_.data(), wrBytes);
    }
  }
  if (cfg_.inOrderBatches) {
    ptrs_.clear();
    for (auto* c = first; c != last; ++c) ptrs_.push_back(c);
    dev_->pushInOrderBatch(ptrs_.data(), ptrs_.size(), static_cast<uint32_t>(wrBytes));
  } else if (cfg_.reverseCompletion) {
    for (auto* c = last; c != first;) dev_->push(*--c, static_cast<uint32_t>(wrBytes));
  } else {
    for (auto* c = first; c != last; ++c) dev_->push(*c, static_cast<uint32_t>(wrBytes));
  }
  if (dev_->shouldNotify()) ++stats_.interrupts;
  if (cfg_.deviceSuppressesKicks) dev_->setDriverNotifications(true);
  if (!deviceLog_.empty()) return fail("device reported: " + toString(deviceLog_.all().front()));
  return true;
}

bool RingLoop::driverReclaim(uint32_t expect) {
  if (cfg_.driverSuppressesIrqs) drv_->disableInterrupts();
  uint32_t got = 0;
  uint64_t cookie;
  uint32_t len;
  const uint64_t rdBytes = uint64_t{cfg_.readable} * cfg_.bufBytes, wrBytes = uint64_t{cfg_.writable} * cfg_.bufBytes;
  while (drv_->getUsed(&cookie, &len)) {
    ++got;
    ++stats_.requests;
    // With an IN_ORDER batch only the last element carries a length; earlier ones report 0 or the batch value.
    if (!cfg_.inOrderBatches && len != wrBytes) return fail("used len " + std::to_string(len) + " != written bytes");
    if (cfg_.verifyData && wrBytes) {
      const uint64_t base = slotBase_[cookie % slotBase_.size()];
      mem_->read(base + rdBytes, scratch_.data(), wrBytes);
      for (uint64_t k = 0; k < wrBytes; ++k) {
        const uint8_t want = static_cast<uint8_t>(pattern(cookie, rdBytes ? k % rdBytes : 0) + 1);
        if (rdBytes && scratch_[k] != want)
          return fail("payload mismatch in request " + std::to_string(cookie) + " at byte " + std::to_string(k));
      }
      stats_.bytesVerified += wrBytes;
    }
  }
  if (cfg_.driverSuppressesIrqs) drv_->enableInterrupts();
  if (!driverLog_.empty()) return fail("driver reported: " + toString(driverLog_.all().front()));
  if (got != expect) return fail("driver reclaimed " + std::to_string(got) + " of " + std::to_string(expect));
  return true;
}

}  // namespace vsim::harness

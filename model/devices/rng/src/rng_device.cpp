#include "vsim/model/rng_device.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "vsim/model/device_core.h"

namespace vsim::model {

namespace {
constexpr uint64_t kPsPerSecond = 1'000'000'000'000ull;
}  // namespace

RngDevice::RngDevice(const RngParams& p, std::function<uint64_t()> nowPs)
    : p_(p), nowPs_(std::move(nowPs)), state_(p.seed) {
  if (p_.hostEntropy) urandom_ = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (p_.rateLimit) {
    const uint64_t burst = p_.rateBurst ? p_.rateBurst : p_.rateLimit;
    capacity_ = static_cast<unsigned __int128>(burst) * kPsPerSecond;
    budget_ = capacity_;  // starts full
    lastPs_ = now();
  }
}

RngDevice::~RngDevice() {
  if (urandom_ >= 0) ::close(urandom_);
}

// splitmix64: small, fast and fully determined by the seed.
uint64_t RngDevice::next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t RngDevice::wanted(const Chain& c) const {
  uint64_t want = c.writableBytes;
  if (p_.maxBytesPerRequest) want = std::min<uint64_t>(want, p_.maxBytesPerRequest);
  return want;
}

uint64_t RngDevice::fill(DeviceCore& core, uint16_t q, const Chain& c, uint64_t want) {
  uint8_t buf[256];
  uint64_t done = 0;
  while (done < want) {
    const uint64_t n = std::min<uint64_t>(sizeof buf, want - done);
    if (urandom_ < 0 || ::read(urandom_, buf, n) != static_cast<ssize_t>(n)) {
      for (uint64_t k = 0; k < n; k += 8) {
        uint64_t r = next();
        std::memcpy(buf + k, &r, std::min<uint64_t>(8, n - k));
      }
    }
    done += core.engine(q)->writeToChain(c, done, buf, n);
  }
  served_ += done;
  return done;
}

void RngDevice::refill() {
  const uint64_t t = now();
  if (t <= lastPs_) return;
  const unsigned __int128 add = static_cast<unsigned __int128>(p_.rateLimit) * (t - lastPs_);
  budget_ = std::min(capacity_, budget_ + add);
  lastPs_ = t;
}

uint64_t RngDevice::budgetBytes() {
  if (!p_.rateLimit) return UINT64_MAX;
  refill();
  return static_cast<uint64_t>(budget_ / kPsPerSecond);
}

uint64_t RngDevice::nextReleasePs() const {
  if (held_.empty()) return UINT64_MAX;
  if (budget_ >= kPsPerSecond) return lastPs_;
  const unsigned __int128 missing = kPsPerSecond - budget_;
  return lastPs_ + static_cast<uint64_t>((missing + p_.rateLimit - 1) / p_.rateLimit);
}

bool RngDevice::serveHeld(DeviceCore& core) {
  bool any = false;
  while (!held_.empty()) {
    Held& h = held_.front();
    if (core.engine(h.q) != h.engine) {  // the queue was disabled and set up again: the chain is gone with it
      held_.pop_front();
      continue;
    }
    const uint64_t want = wanted(h.chain);
    const uint64_t budget = budgetBytes();
    // devicenormative:Device Types / Entropy Device / Device Operation#1: completed only with at least one byte
    // (while the budget has none the request stays held)
    // devicenormative:Device Types / Entropy Device / Device Operation#2: fewer bytes when the budget is short
    if (want > 0 && budget == 0) break;
    const uint64_t n = fill(core, h.q, h.chain, std::min(want, budget));
    budget_ -= static_cast<unsigned __int128>(n) * kPsPerSecond;
    core.complete(h.q, h.chain, static_cast<uint32_t>(n), /*signal=*/false);
    held_.pop_front();
    any = true;
  }
  return any;
}

void RngDevice::pump() {
  if (!p_.rateLimit || !core_ || held_.empty() || !core_->driverOk() || core_->needsReset()) return;
  if (serveHeld(*core_)) core_->signalUsed(0);
}

ChainResult RngDevice::handle(DeviceCore& core, uint16_t q, const Chain& c, uint32_t& written) {
  core_ = &core;
  if (c.readableBytes > 0) {
    // drivernormative:Device Types / Entropy Device / Device Operation#1: requests are device-writable only; the
    // readable part is ignored and the writable part (if any) served as usual.
    core.violate("drivernormative:Device Types / Entropy Device / Device Operation#1", "rng.readable_buffer",
                 "entropy request has device-readable parts",
                 {{"queue", q}, {"id", c.id}, {"readable", c.readableBytes}, {"writable", c.writableBytes}});
  }
  if (!p_.rateLimit) {
    written = static_cast<uint32_t>(fill(core, q, c, wanted(c)));
    return ChainResult::Done;
  }
  serveHeld(core);  // older requests first (completion order = arrival order)
  if (held_.empty()) {
    const uint64_t want = wanted(c), budget = budgetBytes();
    if (want == 0 || budget > 0) {
      // devicenormative:Device Types / Entropy Device / Device Operation#2: possibly fewer bytes than the buffer
      const uint64_t n = fill(core, q, c, std::min(want, budget));
      budget_ -= static_cast<unsigned __int128>(n) * kPsPerSecond;
      written = static_cast<uint32_t>(n);
      return ChainResult::Done;
    }
  }
  held_.push_back(Held{q, c, core.engine(q)});
  return ChainResult::Deferred;
}

}  // namespace vsim::model

// RngDevice: virtio entropy device (device ID 4). One request queue; every writable byte offered is filled,
// unless a rate limit holds requests until simulated time has accrued budget for them.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <string>

#include "vsim/model/device_logic.h"
#include "vsim/model/queue_types.h"

namespace vsim::model {

struct RngParams {
  uint64_t seed = 0x5eed;      ///< seed of the deterministic source (same seed, same bytes)
  bool hostEntropy = false;    ///< read /dev/urandom instead (non-deterministic; off by default)
  uint16_t queueSize = 256;    ///< maximum queue size offered
  uint32_t maxBytesPerRequest = 0;  ///< 0 = fill the whole writable part; else at most this many bytes
  /// Bytes per simulated second the device hands out; 0 = unlimited (requests are served at once).
  uint64_t rateLimit = 0;
  /// Largest budget (bytes) that accrues while idle; the budget starts full. 0 = rateLimit (one second's worth).
  uint64_t rateBurst = 0;
};

class RngDevice final : public DeviceLogic {
 public:
  /// nowPs: simulated time (the board's clock), needed by the rate limit; without it time stands at 0.
  explicit RngDevice(const RngParams& p = {}, std::function<uint64_t()> nowPs = {});
  ~RngDevice() override;
  void attach(DeviceCore& core) override { core_ = &core; }
  uint16_t deviceId() const override { return 4; }
  std::string name() const override { return "rng"; }
  uint64_t deviceFeatures() const override { return 0; }
  uint16_t numQueues() const override { return 1; }
  uint16_t queueMaxSize(uint16_t) const override { return p_.queueSize; }
  uint32_t configSize() const override { return 0; }
  void readConfig(uint32_t, void*, uint32_t) override {}
  ChainResult handle(DeviceCore& core, uint16_t q, const Chain& c, uint32_t& written) override;
  void onReset() override { held_.clear(); }
  void onQueueReset(uint16_t) override { held_.clear(); }
  /// The CPU waits for an interrupt: release held requests the budget now allows (same as pump()).
  void poll(DeviceCore& core) override {
    core_ = &core;
    pump();
  }
  uint64_t bytesServed() const { return served_; }

  /// @name Rate limit (host side)
  /// @{
  /// Complete held requests for which the budget now allows at least one byte (in arrival order). Held requests
  /// are also served whenever the driver offers a new one.
  void pump();
  /// Requests held for budget.
  size_t heldRequests() const { return held_.size(); }
  /// Simulated time at which the oldest held request can get its first byte (UINT64_MAX when none is held).
  uint64_t nextReleasePs() const;
  /// Whole bytes of budget available now.
  uint64_t budgetBytes();
  /// @}

 private:
  uint64_t next();
  uint64_t now() const { return nowPs_ ? nowPs_() : 0; }
  /// Fill up to `want` bytes into the writable part of c; returns the bytes written.
  uint64_t fill(DeviceCore& core, uint16_t q, const Chain& c, uint64_t want);
  /// Bytes this request asks for (writable part, capped by max_bytes_per_request).
  uint64_t wanted(const Chain& c) const;
  void refill();
  /// Serve held requests while the budget allows; true if any was completed (no notification decision).
  bool serveHeld(DeviceCore& core);

  RngParams p_;
  std::function<uint64_t()> nowPs_;
  DeviceCore* core_ = nullptr;
  uint64_t state_;
  uint64_t served_ = 0;
  int urandom_ = -1;
  // Rate limit: budget in byte-picoseconds (bytes * 1e12), so accrual is exact integer arithmetic.
  unsigned __int128 budget_ = 0, capacity_ = 0;
  uint64_t lastPs_ = 0;
  struct Held {
    uint16_t q;
    Chain chain;
    const void* engine;  ///< the queue engine it came from: a queue set up again never gets it back
  };
  std::deque<Held> held_;
};

}  // namespace vsim::model

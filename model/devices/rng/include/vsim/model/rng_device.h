// RngDevice: virtio entropy device (device ID 4). One request queue; every writable byte offered is filled.
#pragma once
#include <cstdint>
#include <string>

#include "vsim/model/device_logic.h"

namespace vsim::model {

struct RngParams {
  uint64_t seed = 0x5eed;      ///< seed of the deterministic source (same seed, same bytes)
  bool hostEntropy = false;    ///< read /dev/urandom instead (non-deterministic; off by default)
  uint16_t queueSize = 256;    ///< maximum queue size offered
  uint32_t maxBytesPerRequest = 0;  ///< 0 = fill the whole writable part; else at most this many bytes
};

class RngDevice final : public DeviceLogic {
 public:
  explicit RngDevice(const RngParams& p = {});
  uint16_t deviceId() const override { return 4; }
  std::string name() const override { return "rng"; }
  uint64_t deviceFeatures() const override { return 0; }
  uint16_t numQueues() const override { return 1; }
  uint16_t queueMaxSize(uint16_t) const override { return p_.queueSize; }
  uint32_t configSize() const override { return 0; }
  void readConfig(uint32_t, void*, uint32_t) override {}
  ChainResult handle(DeviceCore& core, uint16_t q, const Chain& c, uint32_t& written) override;
  void onReset() override {}
  uint64_t bytesServed() const { return served_; }

 private:
  uint64_t next();
  RngParams p_;
  uint64_t state_;
  uint64_t served_ = 0;
  int urandom_ = -1;
};

}  // namespace vsim::model

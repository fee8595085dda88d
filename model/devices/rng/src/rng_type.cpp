#include "vsim/model/rng_type.h"

namespace vsim::model {

RngParams rngParamsFrom(const DeviceOptions& options, const std::string& name, RngParams p) {
  OptionReader r{options, "device '" + name + "'", {}};
  p.seed = r.u64("seed", p.seed);
  p.hostEntropy = r.flag("host_entropy", p.hostEntropy);
  p.queueSize = static_cast<uint16_t>(r.u64("queue_size", p.queueSize, 1, 32768));
  p.maxBytesPerRequest = static_cast<uint32_t>(r.u64("max_bytes_per_request", p.maxBytesPerRequest, 0, UINT32_MAX));
  p.rateLimit = r.u64("rate_limit", p.rateLimit, 0, 1ull << 40);
  p.rateBurst = r.u64("rate_burst", p.rateBurst, 0, 1ull << 40);
  r.finish();
  return p;
}

DeviceTypeInfo rngDeviceType() {
  DeviceTypeInfo i;
  i.type = "rng";
  i.description = "entropy device (virtio id 4): one request queue filled from a seeded deterministic source";
  i.options = {
      {"seed", "0x5eed", "", "seed of the deterministic source (same seed, same bytes)"},
      {"host_entropy", "false", "bool", "read the host's /dev/urandom instead (not deterministic)"},
      {"queue_size", "256", "descriptors", "largest queue size offered"},
      {"max_bytes_per_request", "0", "bytes", "at most this many bytes per request (0 = fill the buffer)"},
      {"rate_limit", "0", "bytes/s", "bytes handed out per simulated second; requests wait for budget "
                                     "(0 = unlimited)"},
      {"rate_burst", "0", "bytes", "rate limit: largest budget saved up while idle, full at start "
                                   "(0 = rate_limit, one second's worth)"},
  };
  i.make = [](const DeviceOptions& o, const std::string& name, BoardContext& ctx) -> std::unique_ptr<DeviceLogic> {
    return std::make_unique<RngDevice>(rngParamsFrom(o, name), [&ctx] { return ctx.nowPs(); });
  };
  return i;
}

}  // namespace vsim::model

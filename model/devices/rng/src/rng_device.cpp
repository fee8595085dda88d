#include "vsim/model/rng_device.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "vsim/model/device_core.h"

namespace vsim::model {

RngDevice::RngDevice(const RngParams& p) : p_(p), state_(p.seed) {
  if (p_.hostEntropy) urandom_ = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
}

// splitmix64: small, fast and fully determined by the seed.
uint64_t RngDevice::next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

ChainResult RngDevice::handle(DeviceCore& core, uint16_t q, const Chain& c, uint32_t& written) {
  uint64_t want = c.writableBytes;
  if (p_.maxBytesPerRequest) want = std::min<uint64_t>(want, p_.maxBytesPerRequest);
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
  written = static_cast<uint32_t>(done);
  served_ += done;
  return ChainResult::Done;
}

}  // namespace vsim::model

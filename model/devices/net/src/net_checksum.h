// Internet checksum arithmetic over frame bytes (big-endian 16-bit words), shared by the transmit checks.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace vsim::model::net::csum {

inline uint16_t be16(const std::vector<uint8_t>& f, size_t at) { return static_cast<uint16_t>(f[at] << 8 | f[at + 1]); }
/// Ones' complement sum of n bytes from `at` (an odd last byte is padded with 0), added to `sum`; not folded.
inline uint32_t sum16(const std::vector<uint8_t>& f, size_t at, size_t n, uint32_t sum = 0) {
  for (size_t i = 0; i + 1 < n; i += 2) sum += be16(f, at + i);
  if (n & 1) sum += uint32_t{f[at + n - 1]} << 8;
  return sum;
}
inline uint16_t fold(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}
/// Ones' complement equality: 0x0000 and 0xffff are the same number.
inline bool sameSum(uint16_t a, uint16_t b) { return a == b || (a == 0 && b == 0xffff) || (a == 0xffff && b == 0); }

}  // namespace vsim::model::net::csum

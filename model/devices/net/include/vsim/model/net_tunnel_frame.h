// Building VXLAN frames (outer Ethernet / IPv4 / UDP port 4789, VXLAN, inner Ethernet / IPv4 or IPv6 / TCP) for
// host-side injection and tests of UDP tunnel segmentation. Header-only.
#pragma once
#include <cstdint>
#include <cstring>
#include <vector>

#include "vsim/model/net_abi.h"

namespace vsim::model::net {

/// What to leave in the outer UDP checksum field.
enum class OuterCsumFill : uint8_t { Zero, PseudoHeader, Complete, Garbage };

struct VxlanFrame {
  std::vector<uint8_t> data;
  uint16_t outerTh = 0;    ///< outer UDP header offset
  uint16_t innerNh = 0;    ///< inner network header offset
  uint16_t innerTh = 0;    ///< inner TCP header offset (csum_start of a segmentation request)
  uint16_t headers = 0;    ///< bytes up to the TCP payload (hdr_len)
};

namespace tunnel_detail {
inline void put16(std::vector<uint8_t>& v, size_t at, uint16_t x) {
  v[at] = static_cast<uint8_t>(x >> 8);
  v[at + 1] = static_cast<uint8_t>(x);
}
inline uint32_t sum(const std::vector<uint8_t>& v, size_t at, size_t n, uint32_t s = 0) {
  for (size_t i = 0; i + 1 < n; i += 2) s += uint32_t{v[at + i]} << 8 | v[at + i + 1];
  if (n & 1) s += uint32_t{v[at + n - 1]} << 8;
  return s;
}
inline uint16_t fold(uint32_t x) {
  while (x >> 16) x = (x & 0xffff) + (x >> 16);
  return static_cast<uint16_t>(x);
}
}  // namespace tunnel_detail

/// A VXLAN frame carrying TCP (inner IPv4 or IPv6) with `payload` bytes; the inner TCP checksum holds the inner
/// pseudo-header sum (as a segmentation request leaves it), the outer IPv4 header checksum is valid.
inline VxlanFrame vxlanTcpFrame(const Mac& dst, const Mac& src, bool innerV6, size_t payload, OuterCsumFill fill,
                                uint8_t seed = 0) {
  using namespace tunnel_detail;
  VxlanFrame r;
  const size_t innerIp = innerV6 ? 40 : 20, tcp = 20;
  const size_t innerLen = 14 + innerIp + tcp + payload;
  const size_t udpLen = 8 + 8 + innerLen;
  std::vector<uint8_t>& v = r.data;
  v.assign(14 + 20 + udpLen, 0);
  std::memcpy(v.data(), dst.data(), 6);
  std::memcpy(v.data() + 6, src.data(), 6);
  put16(v, 12, 0x0800);
  const size_t l3 = 14;
  v[l3] = 0x45;
  put16(v, l3 + 2, static_cast<uint16_t>(20 + udpLen));
  v[l3 + 8] = 64;
  v[l3 + 9] = 17;
  v[l3 + 12] = 192, v[l3 + 13] = 168, v[l3 + 15] = 1;
  v[l3 + 16] = 192, v[l3 + 17] = 168, v[l3 + 19] = 2;
  put16(v, l3 + 10, static_cast<uint16_t>(~fold(sum(v, l3, 20))));
  r.outerTh = static_cast<uint16_t>(l3 + 20);
  put16(v, r.outerTh, static_cast<uint16_t>(40000 + seed));
  put16(v, r.outerTh + 2, 4789);
  put16(v, r.outerTh + 4, static_cast<uint16_t>(udpLen));
  v[r.outerTh + 8] = 0x08;  // VXLAN: VNI valid
  v[r.outerTh + 14] = 42;   // VNI
  const size_t ie = r.outerTh + 16;
  for (size_t i = 0; i < 12; ++i) v[ie + i] = static_cast<uint8_t>(0x10 + i);
  put16(v, ie + 12, innerV6 ? 0x86dd : 0x0800);
  r.innerNh = static_cast<uint16_t>(ie + 14);
  const size_t in = r.innerNh;
  uint32_t pseudo = 0;
  if (innerV6) {
    v[in] = 0x60;
    put16(v, in + 4, static_cast<uint16_t>(tcp + payload));
    v[in + 6] = 6;
    v[in + 7] = 64;
    v[in + 8] = 0xfd, v[in + 23] = 1, v[in + 24] = 0xfd, v[in + 39] = 2;
    pseudo = sum(v, in + 8, 32);
  } else {
    v[in] = 0x45;
    put16(v, in + 2, static_cast<uint16_t>(20 + tcp + payload));
    v[in + 8] = 64;
    v[in + 9] = 6;
    v[in + 12] = 10, v[in + 15] = 1, v[in + 16] = 10, v[in + 19] = 2;
    put16(v, in + 10, static_cast<uint16_t>(~fold(sum(v, in, 20))));
    pseudo = sum(v, in + 12, 8);
  }
  r.innerTh = static_cast<uint16_t>(in + innerIp);
  v[r.innerTh + 12] = 0x50;
  v[r.innerTh + 13] = 0x10;  // ACK
  r.headers = static_cast<uint16_t>(r.innerTh + tcp);
  for (size_t i = 0; i < payload; ++i) v[r.headers + i] = static_cast<uint8_t>(seed + i);
  put16(v, r.innerTh + 16, fold(pseudo + 6 + static_cast<uint32_t>(tcp + payload)));
  const uint32_t outerPseudo = sum(v, l3 + 12, 8) + 17 + static_cast<uint32_t>(udpLen);
  switch (fill) {
    case OuterCsumFill::Zero: break;
    case OuterCsumFill::PseudoHeader: put16(v, r.outerTh + 6, fold(outerPseudo)); break;
    case OuterCsumFill::Complete: {
      uint16_t c = static_cast<uint16_t>(~fold(sum(v, r.outerTh, udpLen, outerPseudo)));
      put16(v, r.outerTh + 6, c ? c : 0xffff);
      break;
    }
    case OuterCsumFill::Garbage: put16(v, r.outerTh + 6, static_cast<uint16_t>(fold(outerPseudo) ^ 0x5a5a)); break;
  }
  return r;
}

/// The segmentation request header for such a frame (TCP GSO with the tunnel bit of its inner header).
inline NetHdr vxlanTsoHdr(const VxlanFrame& f, bool innerV6, bool outerCsumFlag) {
  NetHdr h;
  h.flags = static_cast<uint8_t>(hdr::kFNeedsCsum | (outerCsumFlag ? hdr::kFUdpTunnelCsum : 0));
  h.gsoType = static_cast<uint8_t>((innerV6 ? hdr::kGsoTcpv6 | hdr::kGsoUdpTunnelIpv6
                                            : hdr::kGsoTcpv4 | hdr::kGsoUdpTunnelIpv4));
  h.gsoSize = 1400;
  h.csumStart = f.innerTh;
  h.csumOffset = 16;
  h.hdrLen = f.headers;
  h.outerThOffset = f.outerTh;
  h.innerNhOffset = f.innerNh;
  return h;
}

}  // namespace vsim::model::net

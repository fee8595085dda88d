// What the flow filter suite files share: the admin command channel to the configuration's net device (the admin
// virtqueue is not modelled; NetDevice::adminCommand is where its commands land), raw command builders and a
// UDP/IPv4 test frame.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "net_support.h"
#include "vsim/drv/net_flow_filter.h"

namespace vsim::conformance::netsuite {

namespace ff = drv::net::ff;

/// Device options that turn the flow filter on (two queue pairs so rules have somewhere to steer).
inline const model::DeviceOptions kFlowFilterOptions = {{"flow_filter", "true"}, {"mq_pairs", "2"}};

inline ff::AdminChannel adminChannel(model::NetDevice& dev) {
  return [&dev](uint16_t op, const std::vector<uint8_t>& d) {
    auto a = dev.adminCommand(op, d);
    return ff::AdminReply{a.status, a.qualifier, std::move(a.result)};
  };
}

/// UDP over IPv4 to 10.0.0.`ipLast`, destination port `port`, 16 bytes of payload from `seed`.
inline std::vector<uint8_t> udpFrame(const Mac& dst, uint8_t ipLast, uint16_t port, uint8_t seed = 0) {
  std::vector<uint8_t> f(14 + 20 + 8 + 16, 0);
  std::copy(dst.begin(), dst.end(), f.begin());
  std::copy(kHostMac.begin(), kHostMac.end(), f.begin() + 6);
  f[12] = 0x08;
  f[14] = 0x45;
  f[14 + 3] = 20 + 8 + 16;  // total length
  f[14 + 8] = 64;
  f[14 + 9] = 17;
  f[14 + 12] = 10, f[14 + 15] = 9;
  f[14 + 16] = 10, f[14 + 19] = ipLast;
  f[34] = 0x30, f[35] = 0x39;  // source port 12345
  f[36] = static_cast<uint8_t>(port >> 8), f[37] = static_cast<uint8_t>(port);
  f[38 + 1] = 8 + 16;
  for (int i = 0; i < 16; ++i) f[42 + i] = static_cast<uint8_t>(seed + i);
  return f;
}

/// A full command: object header (type, id, flags 0) then `body`.
inline std::vector<uint8_t> objCommand(uint16_t type, uint32_t id, const std::vector<uint8_t>& body = {}) {
  auto v = ff::FlowFilterClient::objHdr(type, id);
  v.insert(v.end(), body.begin(), body.end());
  return v;
}
/// DRIVER_CAP_SET / DEVICE_CAP_GET data for capability `id`, then `body`.
inline std::vector<uint8_t> capCommand(uint16_t id, const std::vector<uint8_t>& body = {}) {
  std::vector<uint8_t> v{static_cast<uint8_t>(id), static_cast<uint8_t>(id >> 8), 0, 0, 0, 0, 0, 0};
  v.insert(v.end(), body.begin(), body.end());
  return v;
}
inline ff::Match udpTo(uint16_t port, std::optional<uint8_t> ipLast = std::nullopt) {
  ff::Match m;
  m.l3 = ff::kIpv4;
  m.l4 = ff::kUdp;
  m.dstPort = port;
  if (ipLast) m.ipv4Dst = std::array<uint8_t, 4>{10, 0, 0, *ipLast};
  return m;
}

}  // namespace vsim::conformance::netsuite

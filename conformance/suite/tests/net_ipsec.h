// What the IPsec suite files share: device options, the driver options that negotiate VIRTIO_NET_F_IPSEC, and
// our IPsec client over the device's admin command channel (net_flow_filter.h).
#pragma once
#include "net_flow_filter.h"
#include "vsim/drv/net_ipsec.h"

namespace vsim::conformance::netsuite {

namespace sa = drv::net::ipsec;

inline const model::DeviceOptions kIpsecOptions = {{"ipsec", "true"}, {"ipsec_sas", "4"}};
inline void withIpsec(drv::NetDriverOptions& o) { o.featuresHigh |= drv::net::f::bitHigh(drv::net::f::kIpsec); }
/// EEXIST (the status the device gives for a CREATE of an existing id).
inline constexpr uint8_t kEexist = 17;

/// Whether VIRTIO_NET_F_IPSEC was negotiated (not-supported otherwise: legacy configurations).
inline bool ipsecNegotiated(TestContext& ctx, drv::NetDriver& n) {
  if (n.device().hasFeature(drv::net::f::kIpsec)) return true;
  ctx.notSupported("VIRTIO_NET_F_IPSEC (feature 70) was not negotiated on this transport");
  return false;
}

/// SA parameters the device's default offer supports (first cipher / hmac algorithm of the first mode).
inline sa::SaParams goodSa(const sa::IpsecClient& c, uint32_t spi) {
  sa::SaParams p;
  p.spi = spi;
  p.salt = 0x5a17;
  p.cipherAlgo = c.cipherAlgo();
  p.authAlgo = c.authAlgo();
  return p;
}

}  // namespace vsim::conformance::netsuite

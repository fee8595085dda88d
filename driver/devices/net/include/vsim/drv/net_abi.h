// Network device wire formats as our driver uses them (virtio 1.4, "Network Device"): feature bits, the
// per-packet header, the configuration layout and the control queue's classes. driver/ never includes model/, so
// the driver keeps its own copy, written from the spec.
#pragma once
#include <array>
#include <cstdint>
#include <cstring>

namespace vsim::drv::net {

namespace f {
constexpr unsigned kCsum = 0, kGuestCsum = 1, kCtrlGuestOffloads = 2, kMtu = 3, kMac = 5;
constexpr unsigned kGuestTso4 = 7, kGuestTso6 = 8, kGuestEcn = 9, kGuestUfo = 10;
constexpr unsigned kHostTso4 = 11, kHostTso6 = 12, kHostEcn = 13, kHostUfo = 14;
constexpr unsigned kMrgRxbuf = 15, kStatus = 16, kCtrlVq = 17, kCtrlRx = 18, kCtrlVlan = 19, kCtrlRxExtra = 20;
constexpr unsigned kGuestAnnounce = 21, kMq = 22, kCtrlMacAddr = 23;
constexpr unsigned kVqNotfCoal = 52, kNotfCoal = 53;
constexpr unsigned kDeviceStats = 50, kHashTunnel = 51, kRss = 60;
constexpr unsigned kGuestUso4 = 54, kGuestUso6 = 55, kHostUso = 56, kRscExt = 61, kSpeedDuplex = 63;
constexpr unsigned kGuestHdrlen = 59;
/// Bits above 63 (DriverOptions::deviceFeaturesHigh: bit 0 = feature 64).
constexpr unsigned kRssContext = 64;
constexpr unsigned kGuestUdpTunnelGso = 65, kGuestUdpTunnelGsoCsum = 66, kHostUdpTunnelGso = 67;
constexpr unsigned kHostUdpTunnelGsoCsum = 68;
constexpr unsigned kIpsec = 70;  ///< VIRTIO_NET_F_IPSEC (SA objects: net_ipsec.h)
constexpr uint64_t bitHigh(unsigned n) { return uint64_t{1} << (n - 64); }
constexpr uint64_t bit(unsigned n) { return uint64_t{1} << n; }
}  // namespace f

namespace hdr {
constexpr uint8_t kFNeedsCsum = 1, kFDataValid = 2, kFRscInfo = 4, kFUdpTunnelCsum = 8;
constexpr uint8_t kGsoNone = 0, kGsoTcpv4 = 1, kGsoUdp = 3, kGsoTcpv6 = 4, kGsoUdpL4 = 5;
constexpr uint8_t kGsoUdpTunnelIpv4 = 0x20, kGsoUdpTunnelIpv6 = 0x40, kGsoEcn = 0x80;
constexpr uint8_t gsoBase(uint8_t g) { return g & 0x1f; }
}  // namespace hdr

struct NetHdr {
  uint8_t flags = 0;
  uint8_t gsoType = 0;
  uint16_t hdrLen = 0;
  uint16_t gsoSize = 0;
  uint16_t csumStart = 0;
  uint16_t csumOffset = 0;
  uint16_t numBuffers = 0;
  uint16_t outerThOffset = 0;  ///< 24-byte form only (a UDP tunnel GSO feature negotiated)
  uint16_t innerNhOffset = 0;  ///< 24-byte form only
};
constexpr uint32_t kHdrBytes = 12;        ///< with VERSION_1 or MRG_RXBUF
constexpr uint32_t kLegacyHdrBytes = 10;  ///< legacy without MRG_RXBUF
constexpr uint32_t kTunnelHdrBytes = 24;  ///< HOST_ or GUEST_UDP_TUNNEL_GSO negotiated (hash fields zero)
constexpr uint32_t kMaxHdrBytes = kTunnelHdrBytes;

inline void encodeHdr(const NetHdr& h, uint8_t* out, uint32_t len) {
  const uint8_t b[kMaxHdrBytes] = {h.flags,
                                h.gsoType,
                                static_cast<uint8_t>(h.hdrLen),
                                static_cast<uint8_t>(h.hdrLen >> 8),
                                static_cast<uint8_t>(h.gsoSize),
                                static_cast<uint8_t>(h.gsoSize >> 8),
                                static_cast<uint8_t>(h.csumStart),
                                static_cast<uint8_t>(h.csumStart >> 8),
                                static_cast<uint8_t>(h.csumOffset),
                                static_cast<uint8_t>(h.csumOffset >> 8),
                                static_cast<uint8_t>(h.numBuffers),
                                static_cast<uint8_t>(h.numBuffers >> 8),
                                0, 0, 0, 0, 0, 0, 0, 0,
                                static_cast<uint8_t>(h.outerThOffset),
                                static_cast<uint8_t>(h.outerThOffset >> 8),
                                static_cast<uint8_t>(h.innerNhOffset),
                                static_cast<uint8_t>(h.innerNhOffset >> 8)};
  std::memcpy(out, b, len < kMaxHdrBytes ? len : kMaxHdrBytes);
}
inline NetHdr decodeHdr(const uint8_t* in, uint32_t len) {
  uint8_t b[kMaxHdrBytes] = {};
  std::memcpy(b, in, len < kMaxHdrBytes ? len : kMaxHdrBytes);
  NetHdr h;
  h.flags = b[0];
  h.gsoType = b[1];
  h.hdrLen = static_cast<uint16_t>(b[2] | b[3] << 8);
  h.gsoSize = static_cast<uint16_t>(b[4] | b[5] << 8);
  h.csumStart = static_cast<uint16_t>(b[6] | b[7] << 8);
  h.csumOffset = static_cast<uint16_t>(b[8] | b[9] << 8);
  h.numBuffers = static_cast<uint16_t>(b[10] | b[11] << 8);
  if (len >= kTunnelHdrBytes) {
    h.outerThOffset = static_cast<uint16_t>(b[20] | b[21] << 8);
    h.innerNhOffset = static_cast<uint16_t>(b[22] | b[23] << 8);
  }
  return h;
}

namespace cfg {
constexpr uint32_t kMac = 0, kStatus = 6, kMaxVirtqueuePairs = 8, kMtu = 10, kSpeed = 12, kDuplex = 16;
constexpr uint32_t kRssMaxKeySize = 17, kRssMaxIndirectionTableLength = 18, kSupportedHashTypes = 20;
constexpr uint32_t kSupportedTunnelTypes = 24;
constexpr uint16_t kSLinkUp = 1, kSAnnounce = 2;
constexpr uint32_t kSpeedUnknown = 0xffffffffu;
constexpr uint8_t kDuplexFull = 0x00, kDuplexHalf = 0x01, kDuplexUnknown = 0xff;
}  // namespace cfg

namespace ctrl {
constexpr uint8_t kOk = 0, kErr = 1;
constexpr uint8_t kClassRx = 0, kRxPromisc = 0, kRxAllMulti = 1, kRxAllUni = 2, kRxNoMulti = 3, kRxNoUni = 4,
                  kRxNoBcast = 5;
constexpr uint8_t kClassMac = 1, kMacTableSet = 0, kMacAddrSet = 1;
constexpr uint8_t kClassVlan = 2, kVlanAdd = 0, kVlanDel = 1;
constexpr uint8_t kClassAnnounce = 3, kAnnounceAck = 0;
constexpr uint8_t kClassMq = 4, kMqVqPairsSet = 0;
constexpr uint8_t kClassGuestOffloads = 5, kGuestOffloadsSet = 0;
constexpr uint8_t kClassNotfCoal = 6, kNotfCoalTxSet = 0, kNotfCoalRxSet = 1, kNotfCoalVqSet = 2, kNotfCoalVqGet = 3;
constexpr uint8_t kMqRssConfig = 1;
constexpr uint8_t kClassHashTunnel = 7, kHashTunnelSet = 0;
constexpr uint8_t kClassStats = 8, kStatsQuery = 0, kStatsGet = 1;
constexpr uint8_t kClassRssCtx = 9, kRssCtxCapGet = 0, kRssCtxAdd = 1, kRssCtxMod = 2, kRssCtxDel = 3;
}  // namespace ctrl

/// Device statistics: type bits (supported_stats_types / types_bitmap) and reply sizes.
namespace stats {
constexpr unsigned kRxBasic = 0, kTxBasic = 16, kCvq = 32;
constexpr uint32_t kReplyHdr = 8, kCvqReply = 8 + 16, kBasicReply = 8 + 48;
}  // namespace stats

using Mac = std::array<uint8_t, 6>;
constexpr uint32_t kEthHdrBytes = 14;
inline bool isMulticast(const Mac& m) { return (m[0] & 1) != 0; }

}  // namespace vsim::drv::net

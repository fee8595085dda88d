// Network device wire formats (virtio 1.4, "Network Device"): feature bit numbers, the per-packet header, the
// configuration layout and the control queue's classes and commands. Little-endian, as a modern device sees them
// (a legacy interface uses the guest's native order, which on our little-endian guests is the same).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace vsim::model::net {

/// Device-type feature bits.
namespace f {
constexpr unsigned kCsum = 0;
constexpr unsigned kGuestCsum = 1;
constexpr unsigned kCtrlGuestOffloads = 2;
constexpr unsigned kMtu = 3;
constexpr unsigned kMac = 5;
constexpr unsigned kGuestTso4 = 7;
constexpr unsigned kGuestTso6 = 8;
constexpr unsigned kGuestEcn = 9;
constexpr unsigned kGuestUfo = 10;
constexpr unsigned kHostTso4 = 11;
constexpr unsigned kHostTso6 = 12;
constexpr unsigned kHostEcn = 13;
constexpr unsigned kHostUfo = 14;
constexpr unsigned kMrgRxbuf = 15;
constexpr unsigned kStatus = 16;
constexpr unsigned kCtrlVq = 17;
constexpr unsigned kCtrlRx = 18;
constexpr unsigned kCtrlVlan = 19;
constexpr unsigned kCtrlRxExtra = 20;
constexpr unsigned kGuestAnnounce = 21;
constexpr unsigned kMq = 22;
constexpr unsigned kCtrlMacAddr = 23;
constexpr unsigned kDeviceStats = 50;
constexpr unsigned kHashTunnel = 51;
constexpr unsigned kVqNotfCoal = 52;
constexpr unsigned kNotfCoal = 53;
constexpr unsigned kGuestUso4 = 54;
constexpr unsigned kGuestUso6 = 55;
constexpr unsigned kHostUso = 56;
constexpr unsigned kHashReport = 57;
constexpr unsigned kGuestHdrlen = 59;
constexpr unsigned kRss = 60;
constexpr unsigned kRscExt = 61;
constexpr unsigned kStandby = 62;
constexpr unsigned kSpeedDuplex = 63;
// Feature bits above 63 (DeviceLogic::deviceFeaturesHigh(): bit 0 of the high word = feature 64).
constexpr unsigned kRssContext = 64;
constexpr unsigned kGuestUdpTunnelGso = 65;
constexpr unsigned kGuestUdpTunnelGsoCsum = 66;
constexpr unsigned kHostUdpTunnelGso = 67;
constexpr unsigned kHostUdpTunnelGsoCsum = 68;
constexpr unsigned kIpsec = 70;
}  // namespace f

/// virtio_net_hdr flags and gso_type values.
namespace hdr {
constexpr uint8_t kFNeedsCsum = 1;
constexpr uint8_t kFDataValid = 2;
constexpr uint8_t kFRscInfo = 4;
constexpr uint8_t kFUdpTunnelCsum = 8;
constexpr uint8_t kFSecurity = 16;              ///< inline IPsec processed (receive only)
constexpr uint8_t kFSecurityErr = 32;           ///< inline IPsec failed (receive only)
constexpr uint8_t kFSecuritySoftExpiry = 64;    ///< SA soft lifetime reached (receive only)
constexpr uint8_t kGsoNone = 0;
constexpr uint8_t kGsoTcpv4 = 1;
constexpr uint8_t kGsoUdp = 3;
constexpr uint8_t kGsoTcpv6 = 4;
constexpr uint8_t kGsoUdpL4 = 5;
constexpr uint8_t kGsoUdpTunnelIpv4 = 0x20;
constexpr uint8_t kGsoUdpTunnelIpv6 = 0x40;
constexpr uint8_t kGsoEcn = 0x80;
/// gso_type without the ECN and tunnel modifier bits.
constexpr uint8_t gsoBase(uint8_t gsoType) { return gsoType & 0x1f; }
}  // namespace hdr

/// The per-packet header fields this device knows (the offsets only with a UDP tunnel GSO feature; never the hash,
/// outer_nh_offset or IPsec fields).
struct NetHdr {
  uint8_t flags = 0;
  uint8_t gsoType = 0;
  uint16_t hdrLen = 0;
  uint16_t gsoSize = 0;
  uint16_t csumStart = 0;
  uint16_t csumOffset = 0;
  uint16_t numBuffers = 0;  ///< only present in the 12-byte form
  uint16_t outerThOffset = 0;  ///< only in the 24-byte form (a UDP tunnel GSO feature negotiated)
  uint16_t innerNhOffset = 0;  ///< only in the 24-byte form
  bool operator==(const NetHdr&) const = default;
};
/// Header size with VIRTIO_F_VERSION_1 or VIRTIO_NET_F_MRG_RXBUF; a legacy driver without MRG_RXBUF uses 10.
constexpr uint32_t kHdrBytes = 12;
constexpr uint32_t kLegacyHdrBytes = 10;
/// With HOST_ or GUEST_UDP_TUNNEL_GSO: the hash fields (unused here, zero) then outer_th_offset, inner_nh_offset.
constexpr uint32_t kTunnelHdrBytes = 24;
constexpr uint32_t kMaxHdrBytes = kTunnelHdrBytes;

inline void encodeHdr(const NetHdr& h, uint8_t* out, uint32_t len) {
  uint8_t b[kMaxHdrBytes] = {h.flags, h.gsoType};
  auto put16 = [&b](unsigned off, uint16_t v) {
    b[off] = static_cast<uint8_t>(v);
    b[off + 1] = static_cast<uint8_t>(v >> 8);
  };
  put16(2, h.hdrLen);
  put16(4, h.gsoSize);
  put16(6, h.csumStart);
  put16(8, h.csumOffset);
  put16(10, h.numBuffers);
  put16(20, h.outerThOffset);
  put16(22, h.innerNhOffset);
  std::memcpy(out, b, len < kMaxHdrBytes ? len : kMaxHdrBytes);
}
inline NetHdr decodeHdr(const uint8_t* in, uint32_t len) {
  uint8_t b[kMaxHdrBytes] = {};
  std::memcpy(b, in, len < kMaxHdrBytes ? len : kMaxHdrBytes);
  auto get16 = [&b](unsigned off) { return static_cast<uint16_t>(b[off] | (b[off + 1] << 8)); };
  NetHdr h;
  h.flags = b[0];
  h.gsoType = b[1];
  h.hdrLen = get16(2);
  h.gsoSize = get16(4);
  h.csumStart = get16(6);
  h.csumOffset = get16(8);
  h.numBuffers = get16(10);
  if (len >= kTunnelHdrBytes) {
    h.outerThOffset = get16(20);
    h.innerNhOffset = get16(22);
  }
  return h;
}

/// struct virtio_net_config offsets (fields up to supported_hash_types; we never offer the hash features, so the
/// RSS fields read 0).
namespace cfg {
constexpr uint32_t kMac = 0;
constexpr uint32_t kStatus = 6;
constexpr uint32_t kMaxVirtqueuePairs = 8;
constexpr uint32_t kMtu = 10;
constexpr uint32_t kSpeed = 12;
constexpr uint32_t kDuplex = 16;
constexpr uint32_t kRssMaxKeySize = 17;
constexpr uint32_t kRssMaxIndirectionTableLength = 18;
constexpr uint32_t kSupportedHashTypes = 20;
constexpr uint32_t kSize = 24;
constexpr uint32_t kSupportedTunnelTypes = 24;  ///< only with VIRTIO_NET_F_HASH_TUNNEL offered
constexpr uint32_t kSizeWithTunnel = 28;
constexpr uint16_t kSLinkUp = 1;
constexpr uint16_t kSAnnounce = 2;
constexpr uint32_t kSpeedUnknown = 0xffffffffu;
/// duplex values as the device-normative statement of the configuration layout gives them.
constexpr uint8_t kDuplexFull = 0x00;
constexpr uint8_t kDuplexHalf = 0x01;
constexpr uint8_t kDuplexUnknown = 0xff;
}  // namespace cfg

/// Control queue classes, commands and ack values.
namespace ctrl {
constexpr uint8_t kOk = 0;
constexpr uint8_t kErr = 1;
constexpr uint8_t kClassRx = 0;
constexpr uint8_t kRxPromisc = 0, kRxAllMulti = 1, kRxAllUni = 2, kRxNoMulti = 3, kRxNoUni = 4, kRxNoBcast = 5;
constexpr uint8_t kClassMac = 1;
constexpr uint8_t kMacTableSet = 0, kMacAddrSet = 1;
constexpr uint8_t kClassVlan = 2;
constexpr uint8_t kVlanAdd = 0, kVlanDel = 1;
constexpr uint8_t kClassAnnounce = 3;
constexpr uint8_t kAnnounceAck = 0;
constexpr uint8_t kClassMq = 4;
constexpr uint8_t kMqVqPairsSet = 0, kMqRssConfig = 1, kMqHashConfig = 2;
constexpr uint16_t kMqPairsMin = 1, kMqPairsMax = 0x8000;
constexpr uint8_t kClassGuestOffloads = 5;
constexpr uint8_t kGuestOffloadsSet = 0;
constexpr uint8_t kClassNotfCoal = 6;
constexpr uint8_t kNotfCoalTxSet = 0, kNotfCoalRxSet = 1, kNotfCoalVqSet = 2, kNotfCoalVqGet = 3;
constexpr uint8_t kClassHashTunnel = 7;
constexpr uint8_t kClassStats = 8;
constexpr uint8_t kClassRssCtx = 9;
constexpr uint8_t kRssCtxCapGet = 0, kRssCtxAdd = 1, kRssCtxMod = 2, kRssCtxDel = 3;  // VIRTNET_RSS_CTX_CTRL_*
constexpr uint8_t kStatsQuery = 0, kStatsGet = 1;  ///< VIRTIO_NET_CTRL_STATS commands
constexpr uint8_t kHashTunnelSet = 0;
}  // namespace ctrl

/// RSS / hash types (supported_hash_types, hash_types): bit n = VIRTIO_NET_HASH_TYPE_*.
namespace rss {
constexpr uint32_t kIpv4 = 1u << 0, kTcpv4 = 1u << 1, kUdpv4 = 1u << 2;
constexpr uint32_t kIpv6 = 1u << 3, kTcpv6 = 1u << 4, kUdpv6 = 1u << 5;
constexpr uint32_t kIpEx = 1u << 6, kTcpEx = 1u << 7, kUdpEx = 1u << 8;
constexpr uint32_t kAllTypes = 0x1ff;
/// virtio_net_rss_config without its variable parts: hash_types 4, mask 2, unclassified 2, (table), max_tx_vq 2,
/// key length 1.
constexpr size_t kFixedBytes = 4 + 2 + 2 + 2 + 1;
constexpr uint8_t kMinKeySize = 40;            ///< rss_max_key_size floor
constexpr uint16_t kMinIndirectionTable = 128;  ///< rss_max_indirection_table_length floor
/// Encapsulation types for the inner header hash (supported_tunnel_types, enabled_tunnel_types).
constexpr uint32_t kTunnelVxlan = 1u << 4, kTunnelIpip = 1u << 7;
constexpr uint32_t kTunnelsModelled = kTunnelVxlan | kTunnelIpip;  ///< what this device can look inside
constexpr uint16_t kVxlanPort = 4789;
}  // namespace rss

/// Device statistics (VIRTIO_NET_F_DEVICE_STATS): type bits of supported_stats_types / types_bitmap and the reply
/// header's type numbers (the bit number).
namespace stats {
constexpr unsigned kRxBasic = 0, kTxBasic = 16, kCvq = 32;
constexpr uint64_t kKnownTypes = (uint64_t{0xf} << 0) | (uint64_t{0xf} << 16) | (uint64_t{1} << 32);
constexpr size_t kQueueStatsEntry = 16;  ///< le16 vq_index, le16 reserved[3], le64 types_bitmap
constexpr size_t kReplyHdr = 8;          ///< u8 type, u8 reserved, le16 vq_index, le16 reserved1, le16 size
constexpr size_t kCvqReply = kReplyHdr + 16;
constexpr size_t kBasicReply = kReplyHdr + 48;
}  // namespace stats

/// Ethernet.
using Mac = std::array<uint8_t, 6>;
constexpr uint32_t kEthHdrBytes = 14;
constexpr uint32_t kVlanTagBytes = 4;
constexpr uint16_t kEtherTypeVlan = 0x8100;
inline bool isMulticast(const Mac& m) { return (m[0] & 1) != 0; }
inline bool isBroadcast(const Mac& m) {
  for (uint8_t b : m)
    if (b != 0xff) return false;
  return true;
}
inline Mac macAt(const uint8_t* p) {
  Mac m;
  std::memcpy(m.data(), p, 6);
  return m;
}

}  // namespace vsim::model::net

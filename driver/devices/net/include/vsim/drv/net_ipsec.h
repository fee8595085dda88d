// IpsecClient: our driver's side of virtio-net IPsec SA objects (VIRTIO_NET_F_IPSEC). enable() reads the
// capability ID list, gets IPSEC_RESOURCE_CAP and IPSEC_SA_CAP when listed and sets both (taking what the device
// offers) before any SA object; outbound SAs carry every parameter (tunnel parameters in tunnel mode), inbound SAs
// every parameter but the tunnel ones. Commands go through the caller's AdminChannel (see net_flow_filter.h).
//
// SA object layout (packed, little-endian, 196 bytes): mode, direction, reserved[2], obj_id, spi, salt, options
// (le64), tunnel param (type, reserved[3], 40-byte address union), udp_sport, udp_dport, replay_win_sz,
// cipher_algo (le64), cipher key (le16 length, le16, 32 bytes), auth_algo (le64), auth key (same), lifetime 4 x le64.
#pragma once
#include <cstdint>
#include <vector>

#include "vsim/drv/net_flow_filter.h"

namespace vsim::drv::net::ipsec {

using ff::AdminChannel;
inline constexpr uint16_t kResourceCap = 0x803, kSaCap = 0x804;
inline constexpr uint16_t kObjOutbSa = 0x203, kObjInbSa = 0x204;
inline constexpr uint8_t kModeTunnel = 1, kModeTransport = 2, kDirOutbound = 1, kDirInbound = 2;
inline constexpr size_t kSaBytes = 196;

/// What the driver puts into an SA (keys: `cipherKeyLen` / `authKeyLen` bytes of a pattern).
struct SaParams {
  uint8_t mode = kModeTunnel;
  uint32_t spi = 0, salt = 0, replayWin = 0;
  uint64_t options = 0, cipherAlgo = 0, authAlgo = 0;
  uint8_t tunnelType = 1;                     ///< outbound tunnel mode only (1: IPv4)
  uint32_t tunnelSrc = 0x0a000002, tunnelDst = 0x0a000001;
  uint16_t cipherKeyLen = 16, authKeyLen = 20;
};

class IpsecClient {
 public:
  explicit IpsecClient(AdminChannel ch) : ch_(std::move(ch)) {}
  /// List, get and set both capabilities; false when the device does not list them or refuses.
  bool enable();
  /// The object data of an SA (direction from `inbound`; tunnel parameters only outbound in tunnel mode).
  static std::vector<uint8_t> saData(uint32_t id, const SaParams& p, bool inbound);
  /// Object header (type, id, flags 0).
  static std::vector<uint8_t> objHdr(uint16_t type, uint32_t id) { return ff::FlowFilterClient::objHdr(type, id); }
  /// CREATE / MODIFY / DESTROY of SA `id`; the admin status (kStatusOk on success).
  uint8_t create(uint32_t id, const SaParams& p, bool inbound) { return send(ff::kCmdObjCreate, id, p, inbound); }
  uint8_t modify(uint32_t id, const SaParams& p, bool inbound) { return send(ff::kCmdObjModify, id, p, inbound); }
  uint8_t destroy(uint32_t id, bool inbound);
  /// QUERY: the object data (empty when the device refuses).
  std::vector<uint8_t> query(uint32_t id, bool inbound);
  uint32_t inbLimit() const { return inb_; }
  uint32_t outbLimit() const { return outb_; }
  /// The first supported mode's cipher / hmac algorithm (lowest mask bit), for SaParams.
  uint64_t cipherAlgo() const { return cipher_; }
  uint64_t authAlgo() const { return auth_; }
  uint8_t lastStatus() const { return last_; }

 private:
  uint8_t send(uint16_t op, uint32_t id, const SaParams& p, bool inbound);
  AdminChannel ch_;
  uint32_t inb_ = 0, outb_ = 0;
  uint64_t cipher_ = 0, auth_ = 0;
  uint8_t last_ = 0;
};

}  // namespace vsim::drv::net::ipsec

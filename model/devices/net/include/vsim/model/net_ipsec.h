// IpsecSa: the resource-object side of virtio-net inline IPsec (VIRTIO_NET_F_IPSEC, feature 70): the two
// capabilities (IPSEC_RESOURCE_CAP: SA limits, IPSEC_SA_CAP: modes / options / algorithms / key lengths), what the
// driver set for them, and the outbound / inbound SA objects the driver creates with self-group administration
// commands. Like the flow filter it answers status, qualifier and result; NetDevice::adminCommand() routes the
// IPsec capability IDs and object types here (the admin virtqueue is not modelled). The datapath (SECURITY flags,
// PMTU) is not modelled. Driver mistakes are reported through the Violate callback with their clause IDs.
//
// Object layout (resource_obj_specific_data, packed little-endian, 196 bytes): mode u8, direction u8, reserved[2],
// obj_id le32, spi le32, salt le32, options le64, tunnel param (type u8, reserved[3], 40-byte address union),
// udp_sport le16, udp_dport le16, replay_win_sz le32, cipher_algo le64, cipher key (le16 length, le16, 32 bytes),
// auth_algo le64, auth key (le16 length, le16, 32 bytes), lifetime 4 x le64.
#pragma once
#include "vsim/model/net_flow_filter.h"

#include <cstdint>
#include <map>
#include <vector>

namespace vsim::model::net::ipsec {

using Answer = ff::FlowFilter::Answer;
using Violate = ff::FlowFilter::Violate;

/// Capability IDs and resource object types.
inline constexpr uint16_t kResourceCap = 0x803, kSaCap = 0x804;
inline constexpr uint16_t kObjOutbSa = 0x203, kObjInbSa = 0x204;
/// Status for "object with this id exists" (errno EEXIST; the admin status table has no entry for it).
inline constexpr uint8_t kEexist = 17;
/// Modes, directions, tunnel types.
inline constexpr uint8_t kModeTunnel = 1, kModeTransport = 2;
inline constexpr uint8_t kDirOutbound = 1, kDirInbound = 2;
inline constexpr uint8_t kTunnelIpv4 = 1, kTunnelIpv6 = 2;
/// Byte sizes and offsets of the SA object.
inline constexpr size_t kSaBytes = 196, kModeCapBytes = 44;
inline constexpr size_t kOffSpi = 8, kOffParam = 24, kOffCipherAlgo = 76, kOffCipherKey = 84, kOffAuthAlgo = 120,
                        kOffAuthKey = 128;

/// One entry of the SA capability (virtio_crypto_ipsec_mode_cap).
struct ModeCap {
  uint8_t mode = 0;
  uint32_t maxReplayWin = 0, options = 0;
  uint64_t cipherAlgo = 0, hmacAlgo = 0;  ///< masks: bit n = algorithm n
  uint32_t aeadAlgo = 0, maxCipherKey = 0, maxAuthKey = 0;
};

/// The fields of an SA object this model looks at.
struct Sa {
  uint8_t mode = 0, direction = 0, tunnelType = 0;
  uint32_t objId = 0, spi = 0, salt = 0, replayWin = 0;
  uint64_t options = 0, cipherAlgo = 0, authAlgo = 0;
  uint16_t cipherKeyLen = 0, authKeyLen = 0;
  std::vector<uint8_t> encode() const;            ///< the 196-byte object (keys filled with a pattern)
  static Sa decode(const uint8_t* p);              ///< from >= kSaBytes bytes
};

std::vector<uint8_t> encodeLimits(uint32_t inb, uint32_t outb);  ///< virtio_crypto_ipsec_resource_cap
std::vector<uint8_t> encodeModes(const std::vector<ModeCap>& m);  ///< count + reserved + entries

class IpsecSa {
 public:
  IpsecSa(uint32_t inbLimit, uint32_t outbLimit, std::vector<ModeCap> modes, Violate v);
  /// The default offer: tunnel and transport mode, options 0..6, cipher algos 1..7, hmac 1..5, 32-byte keys.
  static IpsecSa withDefaults(uint32_t saLimit, Violate v);

  /// Whether this command belongs to IPsec (its capability ID or object type).
  static bool owns(uint16_t opcode, const std::vector<uint8_t>& data);
  /// The driver read the capability ID list (CAP_ID_LIST_QUERY answered by the caller); sets our bits in `bitmap`.
  void listQueried(std::vector<uint8_t>* bitmap);
  /// One IPsec administration command (owns() was true).
  Answer command(uint16_t opcode, const std::vector<uint8_t>& data);
  /// Device reset: every SA and driver capability is gone.
  void reset();

  bool driverCapsSet() const { return drvRes_ && drvSa_; }
  size_t outbound() const { return outb_.size(); }
  size_t inbound() const { return inb_.size(); }
  uint64_t violations() const { return violations_; }

 private:
  Answer capGet(uint16_t id);
  Answer capSet(uint16_t id, const uint8_t* p, size_t n);
  Answer create(uint16_t type, uint32_t id, const uint8_t* p, size_t n);
  Answer modify(uint16_t type, uint32_t id, const uint8_t* p, size_t n);
  bool supported(const Sa& s, bool inbound) const;
  void checkFilled(const Sa& s, bool inbound);
  void violate(const char* clause, std::string m);

  uint32_t inbLimit_, outbLimit_;
  std::vector<ModeCap> modes_;
  Violate v_;
  bool listed_ = false, gotRes_ = false, gotSa_ = false;  // what the driver discovered
  bool drvRes_ = false, drvSa_ = false;                   // DRIVER_CAP_SET done
  uint32_t drvInb_ = 0, drvOutb_ = 0;
  std::vector<ModeCap> drvModes_;
  std::map<uint32_t, Sa> outb_, inb_;
  uint64_t violations_ = 0;
};

}  // namespace vsim::model::net::ipsec

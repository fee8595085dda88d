// FlowFilterClient: our driver's side of the virtio-net flow filter. It reads the device's three flow filter
// capabilities, sets the driver capabilities before any resource object (all three), and creates / destroys
// groups, classifiers and rules with self-group administration commands, laid out so that every classifier and
// rule obeys the spec: selectors ordered ETH, IPv4/IPv6, TCP/UDP; EtherType and Protocol/Next Header masks full
// when a further selector follows; their keys naming the next header; rules destroyed before what they use.
//
// The commands travel through an AdminChannel (opcode + command_specific_data -> status, qualifier, result): the
// admin virtqueue is not part of this driver stack yet, so the caller supplies the channel.
#pragma once
#include <cstdint>
#include <array>
#include <functional>
#include <map>
#include <optional>
#include <vector>

namespace vsim::drv::net::ff {

inline constexpr uint16_t kCmdCapIdListQuery = 0x7, kCmdDeviceCapGet = 0x8, kCmdDriverCapSet = 0x9;
inline constexpr uint16_t kCmdObjCreate = 0xa, kCmdObjQuery = 0xb, kCmdObjModify = 0xc, kCmdObjDestroy = 0xd;
inline constexpr uint16_t kResourceCap = 0x800, kSelectorCap = 0x801, kActionCap = 0x802;
inline constexpr uint16_t kObjGroup = 0x200, kObjClassifier = 0x201, kObjRule = 0x202;
inline constexpr uint8_t kEth = 1, kIpv4 = 2, kIpv6 = 3, kTcp = 4, kUdp = 5;
inline constexpr uint8_t kActDrop = 1, kActDirectRxVq = 2;
inline constexpr uint8_t kStatusOk = 0;

struct AdminReply {
  uint8_t status = 0xff;
  uint16_t qualifier = 0;
  std::vector<uint8_t> result;
};
using AdminChannel = std::function<AdminReply(uint16_t opcode, const std::vector<uint8_t>& data)>;

/// What to match: any field left unset is not matched. L4 needs an L3 protocol.
struct Match {
  std::optional<uint8_t> l3;  ///< kIpv4 / kIpv6
  std::optional<uint8_t> l4;  ///< kTcp / kUdp (needs l3)
  std::optional<std::array<uint8_t, 4>> ipv4Dst;
  std::optional<uint16_t> dstPort;
};

class FlowFilterClient {
 public:
  explicit FlowFilterClient(AdminChannel ch) : ch_(std::move(ch)) {}
  /// Read the device capabilities and set the driver ones (all three, the device's values). False on failure.
  bool enable();
  bool enabled() const { return enabled_; }
  /// Create a group (returns its id) / a rule in it; 0 = refused (see lastStatus()).
  uint32_t createGroup(uint16_t priority);
  /// A rule for `m` with a classifier of its own shape (created once per shape and shared); 0 also when the group
  /// already has a rule of this priority.
  uint32_t addRule(uint32_t group, const Match& m, uint8_t priority, uint8_t action, uint16_t vq = 0);
  /// Destroy a rule, then the classifier if no rule uses it any more.
  bool removeRule(uint32_t rule);
  /// Destroy a group: its rules first.
  bool removeGroup(uint32_t group);
  uint8_t lastStatus() const { return last_; }

  /// Encoders (public for tests and faulty drivers).
  static std::vector<uint8_t> objHdr(uint16_t type, uint32_t id);
  static std::vector<uint8_t> classifierData(const Match& m);            ///< resource_obj_specific_data
  static std::vector<uint8_t> ruleData(uint32_t group, uint32_t classifier, const Match& m, uint8_t priority,
                                       uint8_t action, uint16_t vq);  ///< resource_obj_specific_data

 private:
  bool ok(uint16_t op, const std::vector<uint8_t>& d, AdminReply* out = nullptr);
  AdminChannel ch_;
  bool enabled_ = false;
  uint8_t last_ = 0;
  uint32_t nextGroup_ = 1, nextClassifier_ = 1, nextRule_ = 1;  // ids per object type (rule ids stay below the limits)
  struct RuleInfo {
    uint32_t group, classifier;
    uint8_t priority;
  };
  std::map<uint32_t, RuleInfo> rules_;
  std::map<uint32_t, uint32_t> shapes_;      // classifier shape key -> classifier id
  std::map<uint32_t, uint32_t> classUsers_;  // classifier id -> rules using it
};

}  // namespace vsim::drv::net::ff

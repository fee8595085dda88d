// FlowFilter: the virtio-net flow filter (VIRTIO_NET_F_FLOW_FILTER) as the device keeps it: its three capabilities
// (resource limits, selectors, actions), what the driver set for them, and the group / classifier / rule resource
// objects the driver creates with self-group administration commands.
//
// command() takes one administration command (opcode + command_specific_data) and answers status, status
// qualifier and command_specific_result, exactly what the admin virtqueue would carry. The admin virtqueue itself
// is not modelled: NetDevice::adminCommand() is the entry (see the net README).
//
// classify() runs the rules over a received frame: groups from the highest group_priority down, inside a group
// rules from the highest rule_priority down; the first match decides (drop or a receive queue) and nothing else
// is looked at. Driver mistakes it can see are reported through the Violate callback with their clause IDs.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace vsim::model::net::ff {

/// Administration command opcodes (admin.tex opcode table).
inline constexpr uint16_t kCmdCapIdListQuery = 0x7, kCmdDeviceCapGet = 0x8, kCmdDriverCapSet = 0x9;
inline constexpr uint16_t kCmdObjCreate = 0xa, kCmdObjModify = 0xc, kCmdObjQuery = 0xb, kCmdObjDestroy = 0xd;
/// Administration status and status qualifier values.
inline constexpr uint8_t kOk = 0, kEnxio = 6, kEbusy = 16, kEinval = 22, kEnospc = 28;
inline constexpr uint16_t kQOk = 0, kQInvalidCommand = 1, kQInvalidOpcode = 2, kQInvalidField = 3;
/// Capability IDs.
inline constexpr uint16_t kResourceCap = 0x800, kSelectorCap = 0x801, kActionCap = 0x802;
/// Resource object types.
inline constexpr uint16_t kObjGroup = 0x200, kObjClassifier = 0x201, kObjRule = 0x202;
/// Selector types and their mask length.
inline constexpr uint8_t kEth = 1, kIpv4 = 2, kIpv6 = 3, kTcp = 4, kUdp = 5, kEsp = 6;
inline constexpr uint8_t kPartialMask = 1;  ///< selector flags bit 0
/// Actions.
inline constexpr uint8_t kActDrop = 1, kActDirectRxVq = 2;
/// Bytes of header a selector type covers (0: unknown type).
uint8_t selectorLength(uint8_t type);

/// struct virtio_net_ff_cap_data.
struct Limits {
  uint32_t groups = 0, classifiers = 0, rules = 0, rulesPerGroup = 0;
  uint8_t lastRulePriority = 0, selectorsPerClassifier = 0;
  std::vector<uint8_t> encode() const;
};

struct Selector {
  uint8_t type = 0, flags = 0;
  std::vector<uint8_t> mask;
};

/// Encoders of the capability payloads and resource object data (little-endian, reserved bytes zero).
std::vector<uint8_t> encodeSelectors(const std::vector<Selector>& s);  ///< count + reserved + selectors
std::vector<uint8_t> encodeActions(const std::vector<uint8_t>& a);

class FlowFilter {
 public:
  /// Reports a driver violation: full clause ID and a message.
  using Violate = std::function<void(const char* clause, std::string message)>;
  /// Whether a receive queue can take a packet now (exists, is a receive queue, is not being reset).
  using RxQueueReady = std::function<bool(uint16_t vq)>;

  struct Answer {
    uint8_t status = kOk;
    uint16_t qualifier = kQOk;
    std::vector<uint8_t> result;
  };
  struct Verdict {
    enum class Kind : uint8_t { NoMatch, Drop, Queue } kind = Kind::NoMatch;
    uint16_t vq = 0;
    uint32_t ruleId = 0;
  };

  /// The device's offer: limits, supported selectors (masks), supported actions.
  FlowFilter(Limits limits, std::vector<Selector> selectors, std::vector<uint8_t> actions, Violate v);
  /// The default offer: ETH / IPV4 / IPV6 / TCP / UDP with full masks and partial masking, DROP and DIRECT_RX_VQ.
  static FlowFilter withDefaults(uint32_t groups, uint32_t classifiers, uint32_t rules, Violate v);

  /// One self-group administration command.
  Answer command(uint16_t opcode, const std::vector<uint8_t>& data);
  /// The first rule that matches `frame` (an Ethernet frame without virtio header).
  Verdict classify(const std::vector<uint8_t>& frame) const;
  /// Which vq_index a DIRECT_RX_VQ rule may name (a receive queue of the device); unset = any.
  void setRxQueueValid(RxQueueReady f) { rxValid_ = std::move(f); }
  /// Device reset: every object and driver capability is gone.
  void reset();

  bool driverCapsSet() const { return drvRes_ && drvSel_ && drvAct_; }
  size_t groups() const { return groups_.size(); }
  size_t classifiers() const { return classifiers_.size(); }
  size_t rules() const { return rules_.size(); }
  uint64_t violations() const { return violations_; }

 private:
  struct Rule {
    uint32_t group = 0, classifier = 0;
    uint8_t priority = 0, action = 0;
    uint16_t vq = 0;
    std::vector<uint8_t> keys;
  };
  Answer capGet(const std::vector<uint8_t>& d) const;
  Answer capSet(const std::vector<uint8_t>& d);
  Answer create(uint16_t type, uint32_t id, const uint8_t* p, size_t n, uint64_t flags);
  Answer modify(uint16_t type, uint32_t id, const uint8_t* p, size_t n);
  Answer query(uint16_t type, uint32_t id) const;
  Answer destroy(uint16_t type, uint32_t id);
  Answer makeGroup(uint32_t id, const uint8_t* p, size_t n);
  Answer makeClassifier(uint32_t id, const uint8_t* p, size_t n);
  Answer makeRule(uint32_t id, const uint8_t* p, size_t n, bool replace);
  bool parseSelectors(const uint8_t* p, size_t n, std::vector<Selector>* out) const;
  void violate(const char* clause, std::string m);

  Limits dev_;
  std::vector<Selector> devSel_;
  std::vector<uint8_t> devAct_;
  Violate v_;
  RxQueueReady rxValid_;
  // driver capabilities (absent until DRIVER_CAP_SET)
  bool drvRes_ = false, drvSel_ = false, drvAct_ = false;
  Limits drvLimits_;
  std::vector<Selector> drvSelectors_;
  std::vector<uint8_t> drvActions_;
  std::map<uint32_t, uint16_t> groups_;                   // id -> group_priority
  std::map<uint32_t, std::vector<Selector>> classifiers_;  // id -> selectors
  std::map<uint32_t, Rule> rules_;
  uint64_t violations_ = 0;
};

}  // namespace vsim::model::net::ff

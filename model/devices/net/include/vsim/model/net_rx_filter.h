// RxFilter: which incoming frames a net device hands to its driver — receive modes (promiscuous, all-multicast,
// all-unicast, no-multicast, no-unicast, no-broadcast), the default MAC address, the MAC filtering table and the
// VLAN filter table. Pure state; the control queue sets it, the receive path asks it.
#pragma once
#include <bitset>
#include <cstdint>
#include <optional>
#include <vector>

#include "vsim/model/net_abi.h"

namespace vsim::model {

class RxFilter {
 public:
  /// Entries the MAC table keeps per kind; a longer table makes the device accept every address of that kind.
  static constexpr size_t kMacTableMax = 64;

  /// Back to the state after a device reset (modes off but all-multicast, tables empty, no VLAN filtering).
  void reset();
  /// The address unicast frames must carry; none = every unicast frame passes (the device does not know the
  /// address a driver without VIRTIO_NET_F_MAC chose, until it is told).
  void setDefaultMac(std::optional<net::Mac> m) { defaultMac_ = m; }
  const std::optional<net::Mac>& defaultMac() const { return defaultMac_; }
  /// The VLAN filter table applies (VIRTIO_NET_F_CTRL_VLAN negotiated).
  void setVlanFiltering(bool on) { vlanFiltering_ = on; }
  bool vlanFiltering() const { return vlanFiltering_; }

  bool promisc = false, allMulti = true, allUni = false, noMulti = false, noUni = false, noBcast = false;

  /// Replace the MAC table (over-long lists switch on the matching "all" behaviour).
  void setMacTable(std::vector<net::Mac> unicast, std::vector<net::Mac> multicast);
  const std::vector<net::Mac>& unicastTable() const { return uni_; }
  const std::vector<net::Mac>& multicastTable() const { return multi_; }
  void vlanAdd(uint16_t vid) { vlans_.set(vid & 0xfff); }
  void vlanDel(uint16_t vid) { vlans_.reset(vid & 0xfff); }
  bool vlanMember(uint16_t vid) const { return vlans_.test(vid & 0xfff); }

  /// Does a frame (at least 14 bytes) pass?
  bool accept(const std::vector<uint8_t>& frame) const;

 private:
  std::optional<net::Mac> defaultMac_;
  bool vlanFiltering_ = false;
  bool uniOverflow_ = false, multiOverflow_ = false;
  std::vector<net::Mac> uni_, multi_;
  std::bitset<4096> vlans_;
};

}  // namespace vsim::model

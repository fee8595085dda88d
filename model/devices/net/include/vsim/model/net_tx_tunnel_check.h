// UDP tunnel segmentation (VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO / _CSUM, bits 67 / 68): where the tunnel headers of a
// frame are, what its outer UDP checksum holds, and the transmit rules a device can judge from them.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "vsim/model/net_abi.h"
#include "vsim/model/net_tx_check.h"

namespace vsim::model::net {

constexpr uint16_t kVxlanPort = 4789;

/// What an outer UDP checksum field holds.
enum class OuterCsum : uint8_t { Zero, Complete, PseudoHeader, Other };

/// Offsets of a UDP tunnel frame: Ethernet, IPv4 / IPv6, UDP; for VXLAN (destination port 4789) the inner Ethernet
/// header follows an 8-byte VXLAN header and the inner network header is located exactly.
struct TunnelLayout {
  size_t outerNh = 0;      ///< outer network header
  size_t outerTh = 0;      ///< outer UDP header
  bool vxlan = false;      ///< destination port 4789: innerNh below is exact
  size_t innerNh = 0;      ///< inner network header (VXLAN only)
  uint8_t innerVersion = 0;  ///< 4 or 6 (VXLAN only; 0 when the inner header is neither)
  OuterCsum csum = OuterCsum::Other;
  uint16_t pseudoSum = 0;  ///< outer UDP pseudo-header sum (with the UDP length)
};

/// The outer layout of a frame whose outer transport is UDP; nullopt when it is not one (or cannot be parsed).
std::optional<TunnelLayout> parseUdpTunnel(const std::vector<uint8_t>& frame);

/// Set the outer UDP checksum field of a parsed frame.
void setOuterUdpCsum(std::vector<uint8_t>& frame, const TunnelLayout& l, uint16_t value);

/// UDP tunnel rules on a transmit header and its frame (after checkTxHeader passed). `negotiatedHigh`: feature bits
/// 64..127 (bit 0 = 64).
std::optional<TxFinding> checkTxTunnel(const NetHdr& h, uint64_t negotiatedHigh, const std::vector<uint8_t>& frame);

}  // namespace vsim::model::net

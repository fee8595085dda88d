// Transmit rules about how a segmentation request describes its packet: the ECN marker in gso_type (with
// VIRTIO_NET_F_HOST_ECN) and the exact header length in hdr_len (with VIRTIO_NET_F_GUEST_HDRLEN). Pure functions
// over the header and the frame; frames the device cannot parse are not judged.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "vsim/model/net_abi.h"
#include "vsim/model/net_tx_check.h"

namespace vsim::model::net {

/// Where the headers of an Ethernet frame end: Ethernet (one optional VLAN tag), IPv4 (any IHL, not a fragment) or
/// IPv6 (no extension headers), then TCP (its data offset) or UDP (8 bytes).
struct L4Layout {
  uint8_t protocol = 0;      ///< 6 = TCP, 17 = UDP
  size_t l4Offset = 0;       ///< where the transport header starts
  size_t headersEnd = 0;     ///< first payload byte (Ethernet + IP + transport headers)
  uint8_t tcpFlags = 0;      ///< TCP flags byte (0 for UDP)
};
std::optional<L4Layout> parseL4Layout(const std::vector<uint8_t>& frame);

/// TCP flag: Congestion Window Reduced (the ECN marker a TCP sender sets; segmenting must keep it in the first
/// segment only, which is what VIRTIO_NET_HDR_GSO_ECN tells the device).
constexpr uint8_t kTcpFlagCwr = 0x80;

/// Check a segmentation request (gso_type not NONE) against the frame it describes.
std::optional<TxFinding> checkTxSegmentation(const NetHdr& h, uint64_t negotiated, const std::vector<uint8_t>& frame);

}  // namespace vsim::model::net

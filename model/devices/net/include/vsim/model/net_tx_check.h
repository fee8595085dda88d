// The transmit header rules a device can check: every field of a driver's virtio_net_hdr against the negotiated
// features. Pure function; the first broken rule is returned with its clause ID.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vsim/model/net_abi.h"
#include "vsim/violation.h"

namespace vsim::model::net {

struct TxFinding {
  const char* clause;
  const char* kind;
  std::string message;
  std::vector<Evidence> evidence;
};

/// Check a transmit header. `hasNumBuffers`: the header is the 12-byte form; `frameLen`: bytes after the header.
/// `negotiatedHigh`: feature bits 64..127 (bit 0 = 64; the UDP tunnel features).
std::optional<TxFinding> checkTxHeader(const NetHdr& h, uint64_t negotiated, bool hasNumBuffers, uint64_t frameLen,
                                       uint64_t negotiatedHigh = 0);

/// Check how a frame asking for checksum offload (NEEDS_CSUM) was prepared: TCP or UDP over IPv4 / IPv6 with the
/// checksum asked for at its L4 checksum field must hold the pseudo-header sum there, and an IPv4 header checksum
/// before it must be complete. Frames the device cannot parse that far are not judged.
std::optional<TxFinding> checkTxChecksumPrep(const NetHdr& h, const std::vector<uint8_t>& frame);

}  // namespace vsim::model::net

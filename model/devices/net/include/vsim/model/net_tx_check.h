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
std::optional<TxFinding> checkTxHeader(const NetHdr& h, uint64_t negotiated, bool hasNumBuffers, uint64_t frameLen);

}  // namespace vsim::model::net

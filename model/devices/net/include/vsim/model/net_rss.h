// Receive-side scaling (VIRTIO_NET_F_RSS) as pure functions: the Toeplitz hash, the hash input a frame gives under
// a set of enabled hash types, and the MQ_RSS_CONFIG command's layout and rules. NetDevice (net_ctrl_rss.cpp) keeps
// the configuration in force and steers with it.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "vsim/model/net_abi.h"

namespace vsim::model::net {

/// Toeplitz hash of `input` with `key` (key bits past its end count as 0).
uint32_t toeplitz(const std::vector<uint8_t>& key, const std::vector<uint8_t>& input);

/// The bytes a frame is hashed over under `hashTypes` (IPv4 / IPv6 without extension headers; TCP / UDP ports when
/// their type is enabled and the packet is not a fragment), or nullopt when no enabled type applies.
std::optional<std::vector<uint8_t>> rssHashInput(const std::vector<uint8_t>& frame, uint32_t hashTypes);

/// The frame the hash is computed on: the inner packet (as an Ethernet frame) when the outer headers are an
/// encapsulation enabled in `tunnelTypes` (VXLAN over UDP port 4789, IPIP; outer IPv4), else nullopt (the outer
/// headers are hashed).
std::optional<std::vector<uint8_t>> innerFrame(const std::vector<uint8_t>& frame, uint32_t tunnelTypes);

/// virtio_net_rss_config, decoded (queue ids already turned into receive virtqueue indexes: id * 2).
struct RssConfig {
  uint32_t hashTypes = 0;
  uint16_t indirectionMask = 0;
  uint16_t unclassifiedQueue = 0;
  std::vector<uint16_t> table;  ///< receive virtqueue indexes, mask + 1 entries
  uint16_t maxTxVq = 0;
  std::vector<uint8_t> key;
};

/// What the device knows when it judges an MQ_RSS_CONFIG.
struct RssLimits {
  uint16_t maxIndirectionTable = 0;  ///< rss_max_indirection_table_length
  uint8_t maxKeySize = 0;            ///< rss_max_key_size
  uint32_t supportedHashTypes = 0;   ///< supported_hash_types
  uint16_t maxPairs = 1;             ///< max_virtqueue_pairs
};

/// Result of decoding a command: the config, or the rule it breaks.
struct RssDecode {
  std::optional<RssConfig> config;
  const char* clause = nullptr;  ///< the driver-normative statement broken (nullptr: refused without one)
  const char* kind = "";
  std::string problem;           ///< empty when config is set
  uint64_t value = 0;            ///< the offending value
};

/// Decode and judge `data` (command-specific-data of MQ_RSS_CONFIG). `enabledRx(vq)`: receive virtqueue vq is set
/// up and enabled. Checked in this order: layout (size), table length a power of two, mask below the device's
/// table length, hash types supported, table entries enabled receive queues; then (refused, no statement) key
/// length, max_tx_vq, unclassified_queue.
RssDecode decodeRssConfig(const std::vector<uint8_t>& data, const RssLimits& lim,
                          const std::function<bool(uint16_t)>& enabledRx);

}  // namespace vsim::model::net

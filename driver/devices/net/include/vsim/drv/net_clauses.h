// Clause IDs (conformance/spec/clauses.tsv) of the device-normative network-device rules NetDriver checks. Each
// check site also names its ID in a one-line comment.
#pragma once

namespace vsim::drv::clause {

inline constexpr const char* kNetMaxPairs = "devicenormative:Device Types / Network Device / Device configuration layout#1";
inline constexpr const char* kNetMtuRange = "devicenormative:Device Types / Network Device / Device configuration layout#2";
inline constexpr const char* kNetRxOverMtu = "devicenormative:Device Types / Network Device / Device configuration layout#5";
inline constexpr const char* kNetSpeed = "devicenormative:Device Types / Network Device / Device configuration layout#10";
inline constexpr const char* kNetDuplex = "devicenormative:Device Types / Network Device / Device configuration layout#11";
inline constexpr const char* kNetOfferDeps = "devicenormative:Basic Facilities of a Virtio Device / Feature Bits#1";
inline constexpr const char* kNetNumBuffers = "devicenormative:Device Types / Network Device / Device Operation / Setting Up Receive Buffers#1";
inline constexpr const char* kNetOneBuffer = "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#1";
inline constexpr const char* kNetFillBuffers = "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#3";
inline constexpr const char* kNetBuffersTogether = "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#4";
inline constexpr const char* kNetRxFlags = "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#5";
inline constexpr const char* kNetRxTso4 = "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#7";
inline constexpr const char* kNetRxUfo = "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#8";
inline constexpr const char* kNetRxTso6 = "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#9";
inline constexpr const char* kNetRxUso = "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#10";
inline constexpr const char* kNetRxTunnel = "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#11";
inline constexpr const char* kNetRxTunnelCsum = "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#12";
inline constexpr const char* kNetRxGsoNone = "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#26";
inline constexpr const char* kNetRxGsoCsum = "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#27";
inline constexpr const char* kNetRxRscInfo = "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#30";
inline constexpr const char* kNetRxRscMissing = "devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#29";
inline constexpr const char* kNetMacAddrSet = "devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#3";
inline constexpr const char* kNetRssKeySize = "devicenormative:Device Types / Network Device / Device configuration layout#7";
inline constexpr const char* kNetRssTableLength = "devicenormative:Device Types / Network Device / Device configuration layout#8";
inline constexpr const char* kNetStatsQuery = "devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#1";
inline constexpr const char* kNetStatsReplySize = "devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#4";
inline constexpr const char* kNetStatsReplyHdr = "devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#5";
inline constexpr const char* kNetAnnounceClear = "devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Gratuitous Packet Sending#1";

}  // namespace vsim::drv::clause

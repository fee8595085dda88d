// The clause IDs the net device's checks cite (all from conformance/spec/clauses.tsv), one per line.
#pragma once

namespace vsim::model::net::clause {

// Configuration layout
inline constexpr const char* kConfigReadOnly = "drivernormative:Device Types / Network Device / Device configuration layout#1";
inline constexpr const char* kRxBuffersForMtu = "drivernormative:Device Types / Network Device / Device configuration layout#8";
inline constexpr const char* kTxOverMtu = "drivernormative:Device Types / Network Device / Device configuration layout#9";
// Feature dependencies
inline constexpr const char* kFeatureDeps = "drivernormative:Basic Facilities of a Virtio Device / Feature Bits#2";
// Packet transmission
inline constexpr const char* kTxHdrSize = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#1";
inline constexpr const char* kTxNumBuffers = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#2";
inline constexpr const char* kTxFlagsNoCsum = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#3";
inline constexpr const char* kTxGsoTcpv4 = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#7";
inline constexpr const char* kTxGsoTcpv6 = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#9";
inline constexpr const char* kTxGsoUdp = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#11";
inline constexpr const char* kTxGsoUdpL4 = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#13";
inline constexpr const char* kTxGsoTunnel = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#17";
inline constexpr const char* kTxTunnelCsum = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#23";
inline constexpr const char* kTxCsumFields = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#30";
inline constexpr const char* kTxGsoNone = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#31";
inline constexpr const char* kTxGsoNeedsCsum = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#32";
inline constexpr const char* kTxGsoSize = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#33";
inline constexpr const char* kTxTunnelUdp = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#24";
inline constexpr const char* kTxTunnelBoth = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#25";
inline constexpr const char* kTxTunnelCsumAlone = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#26";
inline constexpr const char* kTxCsumPreceding = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#28";
inline constexpr const char* kTxCsumPseudo = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#29";
inline constexpr const char* kTxTunnelDataValid = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#46";
inline constexpr const char* kTxRxOnlyFlags = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#45";
inline constexpr const char* kTxEcnBit = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#15";
inline constexpr const char* kTxHdrLenExact = "drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#34";
// Receive buffers
inline constexpr const char* kRxBufferHdr = "drivernormative:Device Types / Network Device / Device Operation / Setting Up Receive Buffers#3";
// Control queue
inline constexpr const char* kCtrlFraming = "drivernormative:Basic Facilities of a Virtio Device / Message Framing#1";
inline constexpr const char* kCtrlRxNoFeature = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#1";
inline constexpr const char* kCtrlRxExtraNoFeature = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#2";
inline constexpr const char* kCtrlMacNoFeature = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#1";
inline constexpr const char* kCtrlMacTable = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#3";
inline constexpr const char* kMqQueuesFirst = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#1";
inline constexpr const char* kMqPairsRange = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#2";
inline constexpr const char* kMqTxBeforeSet = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#3";
inline constexpr const char* kMqTxBeyondPairs = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#4";
inline constexpr const char* kRssNoFeature = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#1";
inline constexpr const char* kNotfCoalVqIndex = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#1";
inline constexpr const char* kNotfCoalNoFeature = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#2";
inline constexpr const char* kVqNotfCoalNoFeature = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#3";
inline constexpr const char* kHashTunnelNoFeature = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Inner Header Hash#1";
inline constexpr const char* kRssCtxNoFeature = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / RSS Context#1";
inline constexpr const char* kRssCtxIdRange = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / RSS Context#2";
inline constexpr const char* kRssCtxPairsSet = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / RSS Context#3";
inline constexpr const char* kHashTunnelUnsupported = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Inner Header Hash#2";
inline constexpr const char* kRssTableEnabled = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#2";
inline constexpr const char* kRssTablePow2 = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#3";
inline constexpr const char* kRssMaskBelowMax = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#4";
inline constexpr const char* kRssHashTypes = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Receive-side scaling (RSS)#5";
inline constexpr const char* kStatsQueried = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#1";
inline constexpr const char* kStatsValidForVq = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#2";
inline constexpr const char* kStatsResultRoom = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Device Statistics#3";
inline constexpr const char* kOffloadNotNegotiated = "drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Offloads State Configuration / Setting Offloads State#1";

}  // namespace vsim::model::net::clause

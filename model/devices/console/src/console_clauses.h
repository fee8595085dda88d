// The clause IDs the console device cites (conformance/spec/clauses.tsv, column 1). One per line: the ID checker
// reads single lines.
#pragma once

namespace vsim::model::console::clause {

// A device-readable buffer in a receive queue (port receiveq or control receiveq).
inline constexpr const char* kRxReadable = "drivernormative:Device Types / Console Device / Device Operation#1";
// A device-writable buffer in a transmit queue (port transmitq or control transmitq).
inline constexpr const char* kTxWritable = "drivernormative:Device Types / Console Device / Device Operation#2";
// DEVICE_READY is owed when MULTIPORT is negotiated; the control protocol misuses with no statement of their own
// cite it as the nearest rule (the handshake the driver starts with DEVICE_READY).
inline constexpr const char* kDeviceReady =
    "drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1";
// A console port nominated with CONSOLE_PORT is answered with PORT_OPEN ...
inline constexpr const char* kConsolePortOpen =
    "drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#3";
// ... whose value is 1.
inline constexpr const char* kConsolePortOpenValue =
    "drivernormative:Device Types / Console Device / Device Operation / Multiport Device Operation#4";
// An optional configuration field accessed although its feature is not offered.
inline constexpr const char* kConfigOptional =
    "drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#3";

}  // namespace vsim::model::console::clause

// Clause IDs (conformance/spec/clauses.tsv) the console driver's checks cite. One per line: the ID checker reads
// single lines.
#pragma once

namespace vsim::drv::console::clause {

// DEVICE_ADD never names a port that exists, nor one at or above max_nr_ports.
inline constexpr const char* kAddPort =
    "devicenormative:Device Types / Console Device / Device Operation / Multiport Device Operation#1";
// DEVICE_REMOVE only names a port created by an earlier DEVICE_ADD.
inline constexpr const char* kRemovePort =
    "devicenormative:Device Types / Console Device / Device Operation / Multiport Device Operation#2";

}  // namespace vsim::drv::console::clause

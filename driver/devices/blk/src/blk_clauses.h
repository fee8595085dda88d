// Clause IDs (conformance/spec/clauses.tsv) of the device-normative rules BlkDriver checks. Each check site names
// its ID again in a one-line comment.
#pragma once

namespace vsim::drv::blk::clause {

inline constexpr const char* kWceNeedsFlush = "devicenormative:Device Types / Block Device / Device Initialization#2";
inline constexpr const char* kWritebackZero = "devicenormative:Device Types / Block Device / Device Initialization#3";
inline constexpr const char* kPaddingZero = "devicenormative:Device Types / Block Device / Device Initialization#4";
inline constexpr const char* kLegacyNoZoned = "devicenormative:Device Types / Block Device / Device Initialization#6";
inline constexpr const char* kReadOnlyWrite = "devicenormative:Device Types / Block Device / Device Operation#3";
inline constexpr const char* kZonedModelValue = "devicenormative:Device Types / Block Device / Device Initialization#9";
inline constexpr const char* kAppendWithinSeg = "devicenormative:Device Types / Block Device / Device Initialization#15";
inline constexpr const char* kUnused2Zero = "devicenormative:Device Types / Block Device / Device Initialization#18";
inline constexpr const char* kAppendSectorSet = "devicenormative:Device Types / Block Device / Device Operation#29";
inline constexpr const char* kLifetimeReserved = "devicenormative:Device Types / Block Device / Device Operation#17";

}  // namespace vsim::drv::blk::clause

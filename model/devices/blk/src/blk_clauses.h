// Clause IDs (conformance/spec/clauses.tsv) of the driver-normative rules the block device checks. Each check site
// names its ID again in a one-line comment.
#pragma once

namespace vsim::model::blk::clause {

inline constexpr const char* kFraming = "drivernormative:Basic Facilities of a Virtio Device / Message Framing#1";
inline constexpr const char* kExcessiveDescriptors = "drivernormative:Basic Facilities of a Virtio Device / Message Framing#2";
inline constexpr const char* kFeatureNotOffered = "drivernormative:Basic Facilities of a Virtio Device / Feature Bits#1";
inline constexpr const char* kConfigFieldNotOffered = "drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#3";
inline constexpr const char* kWritebackBeforeFeaturesOk = "drivernormative:Device Types / Block Device / Device Initialization#4";
inline constexpr const char* kBeyondCapacity = "drivernormative:Device Types / Block Device / Device Operation#2";
inline constexpr const char* kAcceptRo = "drivernormative:Device Types / Block Device / Device Operation#3";
inline constexpr const char* kFlushSector = "drivernormative:Device Types / Block Device / Device Operation#4";
inline constexpr const char* kFlushData = "drivernormative:Device Types / Block Device / Device Operation#5";
inline constexpr const char* kSectorMultiple = "drivernormative:Device Types / Block Device / Device Operation#6";
inline constexpr const char* kSegmentMultiple = "drivernormative:Device Types / Block Device / Device Operation#7";
inline constexpr const char* kGetIdLength = "drivernormative:Device Types / Block Device / Device Operation#8";
inline constexpr const char* kDiscardSegMax = "drivernormative:Device Types / Block Device / Device Operation#9";
inline constexpr const char* kSecureEraseSegMax = "drivernormative:Device Types / Block Device / Device Operation#10";
inline constexpr const char* kWriteZeroesSegMax = "drivernormative:Device Types / Block Device / Device Operation#11";
inline constexpr const char* kWritebackWrite = "drivernormative:Device Types / Block Device / Device Operation#12";
inline constexpr const char* kDiscardUnmap = "drivernormative:Device Types / Block Device / Device Operation#14";
// Zoned (blk_zoned.cpp).
inline constexpr const char* kZonedModelUnread = "drivernormative:Device Types / Block Device / Device Initialization#5";
inline constexpr const char* kHmNoDiscard = "drivernormative:Device Types / Block Device / Device Initialization#6";
inline constexpr const char* kHmNeedsZoned = "drivernormative:Device Types / Block Device / Device Initialization#8";
inline constexpr const char* kReportSector = "drivernormative:Device Types / Block Device / Device Operation#18";
inline constexpr const char* kMgmtSector = "drivernormative:Device Types / Block Device / Device Operation#20";
inline constexpr const char* kResetAllSector = "drivernormative:Device Types / Block Device / Device Operation#21";
inline constexpr const char* kAppendSector = "drivernormative:Device Types / Block Device / Device Operation#22";
inline constexpr const char* kAppendGranularity = "drivernormative:Device Types / Block Device / Device Operation#23";
inline constexpr const char* kAppendMax = "drivernormative:Device Types / Block Device / Device Operation#24";
inline constexpr const char* kSeqWriteRules = "drivernormative:Device Types / Block Device / Device Operation#26";

}  // namespace vsim::model::blk::clause

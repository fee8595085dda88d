// Shared by the zoned block tests (blk_zoned_tests.cpp, blk_zoned_mutants.cpp, blk_zoned_workload.cpp): device
// options of a host-managed disk, raw zone requests, and the raw initialisation the feature mutants and tests use.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "blk_raw.h"

namespace vsim::conformance::blkcon {

/// The configuration's zoned target: a host-aware disk (a driver that knows nothing of zones still works with it);
/// tests that need host-managed zones set `kHostManaged` options on their board.
inline const char* kZonedType = "blk-zoned";
/// zone_sectors 1024 (16 zones on the 16 MiB disk), zone 0 conventional, open / active limits 4 / 6.
model::DeviceOptions hostManaged(model::DeviceOptions extra = {});

/// A ZONE_APPEND built by hand: [header + data] readable, [append_sector + status] writable.
struct AppendResult {
  BlkRawResult r;
  uint64_t appendSector = ~0ull;
};
AppendResult rawAppend(BlkRaw& raw, uint64_t sector, uint32_t bytes, uint8_t fill = 0x5a);
/// A zone management request (no data).
inline BlkRawResult rawZoneOp(BlkRaw& raw, uint32_t type, uint64_t sector) { return raw.request(type, sector, {}); }

/// Raw initialisation up to FEATURES_OK: reset, ACKNOWLEDGE, DRIVER, (read zoned.model), write `accept` & offered
/// (VERSION_1 added), set FEATURES_OK; returns the status read back (0 on a harness error).
uint8_t rawNegotiate(TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d,
                     uint64_t accept, bool readModel);

void registerBlkZonedTests(std::vector<TestInfo>& out);    // blk_zoned_tests.cpp
void registerBlkZonedMutants(std::vector<TestInfo>& out);  // blk_zoned_mutants.cpp
void registerBlkZonedWorkload(std::vector<TestInfo>& out); // blk_zoned_workload.cpp

}  // namespace vsim::conformance::blkcon

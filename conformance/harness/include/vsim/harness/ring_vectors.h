// Hostile (and benign) ring vectors kept as data (conformance/vectors/*.json, Wycheproof style): each names what
// it probes, the expected result (reject / accept / acceptable) and, for a reject, the clause the device must cite.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace vsim::harness {

struct RingVectorResult {
  int tcId = 0;
  std::string name;
  std::string ring;            ///< "split" or "packed"
  std::string expected;        ///< "reject", "accept", "acceptable"
  std::string expectedClause;  ///< for reject
  std::vector<std::string> flags;
  bool passed = false;         ///< the device behaved as the vector expects
  std::string reported;        ///< first violation, rendered; empty if none
  std::string detail;          ///< why it failed, if it did
};

/// Load every vector file (*.json) in dir; throws std::runtime_error with file and reason on a malformed file.
struct RingVector;
std::vector<RingVector> loadRingVectors(const std::string& dir);
/// Run one vector against a fresh device queue.
RingVectorResult runRingVector(const RingVector& v);

/// Default directory (the source tree's conformance/vectors), overridable with VSIM_VECTORS_DIR.
std::string defaultVectorsDir();

struct RingVector {
  int tcId = 0;
  std::string file, name, ring, expected, clause, kind, comment;
  std::vector<std::string> flags;
  uint32_t size = 8;
  uint64_t features = 0;
  uint32_t maxChain = 0;
  struct Desc {
    uint32_t slot;
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t nextOrId;
    bool setAvail;  ///< packed: add AVAIL/USED bits for the driver's current wrap
  };
  std::vector<Desc> descs;
  struct Table {
    uint64_t addr;
    std::vector<Desc> descs;
  };
  std::vector<Table> tables;
  std::vector<uint16_t> avail;  ///< split: heads made available in order
  int availIdx = -1;            ///< split: explicit avail idx (overrides the count of heads)
  int availFlags = -1;          ///< split: explicit avail flags
  uint32_t pops = 8;            ///< device pop attempts
  bool completeAndNotify = false;  ///< push what was popped and run the notification decision
  int64_t notificationData = -1;   ///< deliver this NOTIFICATION_DATA payload before popping
  struct Layout {
    int64_t desc = -1, driver = -1, device = -1;
  } layout;
};

}  // namespace vsim::harness

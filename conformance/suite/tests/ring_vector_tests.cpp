// The ring vectors (conformance/vectors/ring_*.json) as suite tests: each reject vector is a faulty driver breaking
// exactly one statement (a mutant the strict device must catch with that clause); accept vectors must pass clean.
#include "test_helpers.h"
#include "vsim/harness/ring_vectors.h"

namespace vsim::conformance {

void registerRingVectorTests(std::vector<TestInfo>& out) {
  std::vector<harness::RingVector> vectors;
  try {
    vectors = harness::loadRingVectors(harness::defaultVectorsDir());
  } catch (const std::exception& e) {
    TestInfo t;
    t.id = "virtio.driver.core.vq.vectors_load";
    t.target = Direction::Driver;
    const std::string why = e.what();
    t.run = [why](TestContext& ctx) { ctx.harnessError(why); };
    out.push_back(t);
    return;
  }
  for (const auto& v : vectors) {
    TestInfo t;
    t.id = "virtio.driver.core.vq." + v.ring + "." + v.name;
    t.target = Direction::Driver;
    t.kind = v.expected == "reject" ? "negative" : "positive";
    if (!v.clause.empty()) t.clauses = {v.clause};
    t.description = v.comment.empty() ? v.file + " tcId " + std::to_string(v.tcId) : v.comment;
    t.deviceTypes = {"rng"};             // ring-level: independent of device type and transport,
    t.transports = {TK::PciModern};      // so it runs once
    t.run = [v](TestContext& ctx) {
      auto r = harness::runRingVector(v);
      ctx.check(r.passed, r.detail + (r.reported.empty() ? "" : "; reported: " + r.reported));
    };
    out.push_back(std::move(t));
  }
}

}  // namespace vsim::conformance

// Every ring vector in conformance/vectors/ring_*.json behaves as its expected result says; the clauses the reject
// vectors name are the ones they cover (collected from the JSON by the report tooling).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "vsim/harness/ring_vectors.h"

namespace vsim::harness {
namespace {

const std::vector<RingVector>& vectors() {
  static const std::vector<RingVector> v = loadRingVectors(defaultVectorsDir());
  return v;
}

class RingVectorTest : public ::testing::TestWithParam<size_t> {};

TEST_P(RingVectorTest, BehavesAsExpected) {
  const RingVector& v = vectors().at(GetParam());
  RingVectorResult r = runRingVector(v);
  EXPECT_TRUE(r.passed) << v.file << " tcId " << v.tcId << " (" << v.name << "): " << r.detail
                        << "\n  reported: " << (r.reported.empty() ? "nothing" : r.reported);
}

INSTANTIATE_TEST_SUITE_P(Vectors, RingVectorTest, ::testing::Range<size_t>(0, vectors().size()),
                         [](const ::testing::TestParamInfo<size_t>& p) {
                           const auto& v = vectors()[p.param];
                           return v.ring + "_" + std::to_string(v.tcId) + "_" + v.name;
                         });

TEST(RingVectorFiles, AreWellFormedAndCoverEveryEngineCheck) {
  ASSERT_GE(vectors().size(), 40u);
  std::set<int> ids;
  for (const auto& v : vectors()) EXPECT_TRUE(ids.insert(v.tcId).second) << "duplicate tcId " << v.tcId;
}

TEST(RingVectorFiles, MalformedFileIsAClearError) {
  const std::string dir = ::testing::TempDir() + "/vsim_bad_vectors";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/ring_bad.json") << R"({"vectors": [{"tcId": 1, "name": "x", "ring": "circular", "result": "accept"}]})";
  try {
    loadRingVectors(dir);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("ring must be split or packed"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("ring_bad.json"), std::string::npos) << e.what();
  }
  std::ofstream(dir + "/ring_bad.json") << "{ not json";
  EXPECT_THROW(loadRingVectors(dir), std::runtime_error);
}

}  // namespace
}  // namespace vsim::harness

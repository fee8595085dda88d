// The suite's test list: each test file contributes its tests here, in a fixed order.
#include "../tests/test_helpers.h"

namespace vsim::conformance {

const std::vector<TestInfo>& allTests() {
  static const std::vector<TestInfo> kTests = [] {
    std::vector<TestInfo> v;
    registerWorkloadTests(v);
    registerRingVectorTests(v);
    registerInitMutants(v);
    registerDeviceTests(v);
    registerTransportMutants(v);
    registerMoreMutants(v);
    registerBlkConsoleTests(v);
    registerNetInputTests(v);
    registerTransportLayoutTests(v);
    registerRingCoreTests(v);
    registerSuspendTestsAll(v);
    return v;
  }();
  return kTests;
}

}  // namespace vsim::conformance

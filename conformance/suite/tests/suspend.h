// VIRTIO_F_SUSPEND tests: suspend_tests.cpp (device direction and the built-in driver's workload) and
// suspend_mutants.cpp (one faulty driver per driver-normative Device Suspend statement the device checks).
#pragma once
#include <vector>

#include "vsim/conformance/suite.h"

namespace vsim::conformance::suspend {

void registerSuspendTests(std::vector<TestInfo>& out);  // suspend_tests.cpp (calls registerSuspendMutants)
void registerSuspendMutants(std::vector<TestInfo>& out);  // suspend_mutants.cpp

}  // namespace vsim::conformance::suspend

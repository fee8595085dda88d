// More faulty drivers for transport and initialisation rules (filled in by the mutant work).
#include "test_helpers.h"

namespace vsim::conformance {
void registerMoreMutants(std::vector<TestInfo>& out) { (void)out; }
}  // namespace vsim::conformance

// Network and input devices: where their suite files register. The workloads of the built-in drivers are in
// net_workload.cpp and input_tests.cpp; the device-direction tests in net_device_tests.cpp and input_tests.cpp;
// the built-in network driver's observable duties in net_driver_tests.cpp; one faulty driver per device-side check
// in net_mutants.cpp and input_mutants.cpp.
#include "test_helpers.h"

namespace vsim::conformance {

void registerNetDeviceTests(std::vector<TestInfo>& out);  // net_device_tests.cpp
void registerNetDriverTests(std::vector<TestInfo>& out);  // net_driver_tests.cpp
void registerNetMutants(std::vector<TestInfo>& out);      // net_mutants.cpp
void registerNetCtrlFeatureTests(std::vector<TestInfo>& out);    // net_ctrl_feature_tests.cpp
void registerNetCtrlFeatureMutants(std::vector<TestInfo>& out);  // net_ctrl_feature_mutants.cpp
void registerNetDatapathFeatureTests(std::vector<TestInfo>& out);    // net_datapath_feature_tests.cpp
void registerNetDatapathFeatureMutants(std::vector<TestInfo>& out);  // net_datapath_feature_mutants.cpp
void registerNetUdpTunnelTests(std::vector<TestInfo>& out);      // net_udp_tunnel_tests.cpp
void registerNetUdpTunnelMutants(std::vector<TestInfo>& out);    // net_udp_tunnel_mutants.cpp
void registerNetFlowFilterTests(std::vector<TestInfo>& out);    // net_flow_filter_tests.cpp
void registerNetFlowFilterMutants(std::vector<TestInfo>& out);  // net_flow_filter_mutants.cpp
void registerNetIpsecTests(std::vector<TestInfo>& out);          // net_ipsec_tests.cpp
void registerNetIpsecMutants(std::vector<TestInfo>& out);        // net_ipsec_mutants.cpp
void registerNetRssContextTests(std::vector<TestInfo>& out);  // net_rss_ctx_tests.cpp
void registerNetRxRefusalTests(std::vector<TestInfo>& out);   // net_rx_refusal_tests.cpp
void registerInputTests(std::vector<TestInfo>& out);      // input_tests.cpp
void registerInputMutants(std::vector<TestInfo>& out);    // input_mutants.cpp

void registerNetInputTests(std::vector<TestInfo>& out) {
  registerNetDeviceTests(out);
  registerNetDriverTests(out);
  registerNetMutants(out);
  registerNetCtrlFeatureTests(out);
  registerNetCtrlFeatureMutants(out);
  registerNetDatapathFeatureTests(out);
  registerNetDatapathFeatureMutants(out);
  registerNetUdpTunnelTests(out);
  registerNetUdpTunnelMutants(out);
  registerNetFlowFilterTests(out);
  registerNetFlowFilterMutants(out);
  registerNetIpsecTests(out);
  registerNetIpsecMutants(out);
  registerNetRssContextTests(out);
  registerNetRxRefusalTests(out);
  registerInputTests(out);
  registerInputMutants(out);
}

}  // namespace vsim::conformance

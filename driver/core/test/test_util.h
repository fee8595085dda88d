// Helpers shared by the driver core tests: a platform with fake devices, discovery, opening.
#pragma once
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fake_hal.h"
#include "vsim/drv/device_clauses.h"
#include "vsim/drv/discover.h"

namespace vsim::drv::test {

using fake::FakeHal;
using fake::FakeVirtioMmio;
using fake::FakeVirtioPci;

/// Ring-address register writes carry allocator-dependent values: keep only their names.
inline std::vector<std::string> normalize(std::vector<std::string> t) {
  for (std::string& s : t) {
    for (const char* n : {"queue_desc", "queue_driver", "queue_device", "QueueDesc", "QueueDriver", "QueueDevice",
                          "queue_pfn", "QueuePFN"}) {
      if (s.rfind(std::string("W ") + n, 0) == 0) s = s.substr(0, s.find('=')) + "=*";
    }
  }
  return t;
}

inline std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

inline DiscoveredDevice discoverOne(FakeHal& h, ViolationLog& log) {
  auto all = discover(h, log);
  EXPECT_EQ(all.size(), 1u);
  return all.empty() ? DiscoveredDevice{} : all[0];
}

/// Options for a one-queue device with nothing optional accepted (the plainest negotiation).
inline DriverOptions plainOptions() {
  DriverOptions o;
  o.ringPacked = o.eventIdx = o.indirect = o.ringReset = o.notifConfigData = false;
  o.accessPlatform = o.orderPlatform = false;
  o.numQueues = 1;
  return o;
}

}  // namespace vsim::drv::test

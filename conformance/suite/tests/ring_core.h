// Shared by the ring / core tests (ring_core_tests.cpp: device direction; ring_core_driver_tests.cpp: the built-in
// driver judged by the device): a raw rig over the transport, and helpers to run our driver stack on one device.
#pragma once
#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "test_helpers.h"
#include "vsim/abi/features.h"
#include "vsim/drv/device.h"
#include "vsim/drv/driver_queue.h"

namespace vsim::conformance::ringcore {

namespace st = vsim::status;
inline const std::vector<TK> kModern = {TK::PciModern, TK::PciTransitional, TK::MmioV2};
constexpr uint8_t kSentinel = 0xa5;  ///< fill of every buffer before the device sees it

/// A device driven through the raw transport: features negotiated, queue 0 set up with rings the test writes
/// itself (RawSplitRing / RawPackedRing on the layout a DriverQueue allocated), DRIVER_OK set.
struct Rig {
  TestContext& ctx;
  drv::Hal& hal;
  ViolationSink& sink;
  std::unique_ptr<drv::Transport> t;
  std::unique_ptr<drv::DriverQueue> q;  ///< owns the ring memory only; content is written raw
  uint64_t features = 0;
  drv::InterruptEvents ev;

  GuestMemory& mem() { return hal.dmaMemory(); }
  /// A buffer of len bytes filled with kSentinel.
  uint64_t buffer(uint32_t len) {
    const uint64_t a = hal.dmaAllocator().alloc(len, 64);
    std::vector<uint8_t> fill(len, kSentinel);
    mem().write(a, fill.data(), len);
    return a;
  }
  std::vector<uint8_t> bytes(uint64_t a, uint32_t len) {
    std::vector<uint8_t> v(len);
    mem().read(a, v.data(), len);
    return v;
  }
  /// The device wrote into [a, a+len): not every byte is still the sentinel (64 random bytes all 0xa5: 2^-512).
  bool touched(uint64_t a, uint32_t len) {
    auto v = bytes(a, len);
    return std::any_of(v.begin(), v.end(), [](uint8_t b) { return b != kSentinel; });
  }
  /// Consume pending interrupts; true if one concerned queue 0 (or named no queue).
  bool queueInterrupt() {
    ev.clear();
    t->pollInterrupts(ev);
    return ev.allQueues || std::find(ev.queues.begin(), ev.queues.end(), 0) != ev.queues.end();
  }
  bool needsReset() { return (t->status() & st::kDeviceNeedsReset) != 0; }
  void notify() { t->notify(0, 0); }
};

/// Bring the device up with VERSION_1 plus `extra` and a queue 0 of `size` entries (split or packed). False when
/// the configuration cannot run the test (reported as not supported / harness error).
bool bringUp(Rig& r, uint64_t extra, bool packed, uint32_t size = 8, bool driverOk = true);

/// A driver-direction positive test on the entropy device: passes unless `run` failed a check or the device
/// reported any violation.
TestInfo driverTest(const std::string& id, std::vector<std::string> clauses, std::vector<TK> transports,
                    const std::string& desc, std::function<void(TestContext&)> run);
/// Discover the one device and open it with our driver stack.
std::unique_ptr<drv::Device> openOne(TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DriverOptions& o);
/// Make one 64-byte writable buffer available on queue 0 and (if kick) notify; returns its head/id (or -1).
int submit64(drv::Device& d, drv::Hal& hal, uint64_t cookie, bool kick = true);

/// ring_core_driver_tests.cpp
void registerRingCoreDriverTests(std::vector<TestInfo>& out);

}  // namespace vsim::conformance::ringcore

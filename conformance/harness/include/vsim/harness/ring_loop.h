// RingLoop: our driver queue and our device queue over one guest memory, in one process, no transport.
// The round-trip tests, the ring benchmark and the demo all drive requests through it.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vsim/drv/driver_queue.h"
#include "vsim/guest_memory.h"
#include "vsim/model/device_queue.h"
#include "vsim/violation.h"

namespace vsim::harness {

struct LoopConfig {
  bool packed = false;
  uint32_t size = 256;              ///< queue size
  uint64_t features = 0;            ///< negotiated ring features (INDIRECT/EVENT_IDX/IN_ORDER/NOTIFICATION_DATA...)
  bool useIndirect = false;         ///< add chains through indirect tables
  uint32_t readable = 1;            ///< device-readable buffers per request
  uint32_t writable = 1;            ///< device-writable buffers per request
  uint32_t bufBytes = 64;           ///< bytes per buffer
  uint32_t batch = 16;              ///< requests added before the device runs
  bool reverseCompletion = false;   ///< device returns each batch in reverse order (not with IN_ORDER)
  bool inOrderBatches = false;      ///< device returns each batch with one used entry (needs IN_ORDER)
  bool verifyData = true;           ///< fill, transform and check payloads (off for pure ring throughput)
  bool deviceSuppressesKicks = false;  ///< device asks not to be notified while it is busy
  bool driverSuppressesIrqs = false;   ///< driver polls with interrupts disabled
};

struct LoopStats {
  uint64_t requests = 0;
  uint64_t descriptors = 0;      ///< descriptors the driver made available (ring slots + indirect entries)
  uint64_t kicks = 0;            ///< available buffer notifications sent by the driver
  uint64_t interrupts = 0;       ///< used buffer notifications the device asked for
  uint64_t bytesVerified = 0;
};

class RingLoop {
 public:
  explicit RingLoop(const LoopConfig& cfg);
  ~RingLoop();
  /// Push n requests through driver -> device -> driver. False on the first mismatch, violation or stall.
  bool run(uint64_t n);
  const LoopStats& stats() const { return stats_; }
  const std::string& error() const { return error_; }
  /// Driver violations the device saw, and device violations the driver saw.
  const ViolationLog& deviceSaw() const { return deviceLog_; }
  const ViolationLog& driverSaw() const { return driverLog_; }
  drv::DriverQueue& driver() { return *drv_; }
  model::DeviceQueue& device() { return *dev_; }
  GuestMemory& memory() { return *mem_; }

 private:
  bool deviceStep(uint32_t expect);
  bool driverReclaim(uint32_t expect);
  bool fail(std::string why);

  LoopConfig cfg_;
  std::unique_ptr<OwnedGuestMemory> mem_;
  std::unique_ptr<GuestAllocator> alloc_;
  ViolationLog deviceLog_, driverLog_;
  std::unique_ptr<drv::DriverQueue> drv_;
  std::unique_ptr<model::DeviceQueue> dev_;
  std::vector<uint64_t> slotBase_;   // per request slot: guest address of its buffers
  std::vector<model::Chain> held_;  // reused across batches
  std::vector<const model::Chain*> ptrs_;
  std::vector<drv::Buf> bufs_;
  std::vector<uint8_t> scratch_;
  uint64_t nextReq_ = 0;
  LoopStats stats_;
  std::string error_;
};

}  // namespace vsim::harness

// The console's control protocol spoken by hand, for the suite's faulty and hostile drivers: our generic driver
// brings the device up (features, every queue, control receive buffers posted before DRIVER_OK) and nothing of the
// console protocol happens unless the test sends it.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "blk_console.h"
#include "vsim/drv/console_wire.h"
#include "vsim/drv/device.h"

namespace vsim::model {
class ConsoleDevice;
}

namespace vsim::conformance::blkcon {

/// One control message the device sent.
struct ConsoleMsg {
  uint32_t id = 0;
  uint16_t event = 0, value = 0;
  std::string payload;
};

class RawConsole {
 public:
  static constexpr uint32_t kControlBuffers = 16, kControlBufferBytes = 64;
  static constexpr uint64_t kTimeoutNs = 100'000'000;

  /// Bring the device up accepting `deviceFeatures` (console feature bits) with every queue. nullptr, and a harness
  /// error, when it does not come up.
  static std::unique_ptr<RawConsole> open(TestContext& ctx, drv::Hal& hal, ViolationSink& sink,
                                          const drv::DiscoveredDevice& d, uint64_t deviceFeatures);
  drv::Device& device() { return *dev_; }
  bool multiport() const;

  /// One control message (le32 id, le16 event, le16 value) as one readable buffer on the control transmitq,
  /// waited for. False when the device did not take it.
  bool send(uint32_t id, uint16_t event, uint16_t value);
  /// Any bytes as one readable buffer on the control transmitq, waited for.
  bool sendBytes(const std::vector<uint8_t>& bytes);
  /// Wait until the device sent `event` for port `id` (control messages are collected in received()).
  bool waitFor(uint16_t event, uint32_t id, ConsoleMsg* out = nullptr);
  const std::vector<ConsoleMsg>& received() const { return received_; }
  /// Bytes on a port's transmitq as one readable buffer, waited for.
  bool transmit(uint32_t port, const std::string& bytes);
  /// Offer exactly this buffer on queue q and notify; does not wait.
  bool offer(uint16_t q, const drv::Buf& b);
  /// Wait for a used buffer on queue q.
  bool waitUsed(uint16_t q);

 private:
  explicit RawConsole(drv::Hal& hal) : hal_(hal) {}
  void drainControl();
  bool post(uint64_t addr);

  drv::Hal& hal_;
  std::unique_ptr<drv::Device> dev_;
  uint64_t ctrlRx_ = 0;
  std::vector<ConsoleMsg> received_;
};

/// The board's console device as the host sees it (nullptr, and a harness error, when it is not one).
model::ConsoleDevice* hostConsole(TestContext& ctx);

}  // namespace vsim::conformance::blkcon

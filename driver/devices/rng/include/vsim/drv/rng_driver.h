// RngDriver: the virtio entropy device (type 4): one queue (requestq) of device-writable buffers.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>

#include "vsim/drv/device.h"
#include "vsim/drv/discover.h"

namespace vsim::drv {

class RngDriver {
 public:
  static constexpr uint16_t kDeviceType = 4;

  /// Open a discovered entropy device (one queue, no device features) and wrap it. nullptr when it is not an
  /// entropy device or did not initialise.
  static std::unique_ptr<RngDriver> open(Hal& hal, const DiscoveredDevice& d, DriverOptions opts,
                                         ViolationSink& sink);
  /// Wrap a live device with at least one queue. The DMA buffer (bufferBytes) comes from the HAL allocator once.
  explicit RngDriver(std::unique_ptr<Device> dev, uint32_t bufferBytes = 4096);

  /// Fill buf with up to len random bytes from the device within timeoutNs of simulated time: one writable DMA
  /// buffer at a time, kick, wait for the used buffer notification (Hal::waitForInterrupt + Device::poll), and
  /// look at the used ring directly too (functional platforms, lost interrupts). Returns the bytes copied (less
  /// than len on timeout or when the device stops working). A buffer still out at a timeout is reclaimed by
  /// the next read.
  size_t read(void* buf, size_t len, uint64_t timeoutNs);

  Device& device() { return *dev_; }
  bool ok() const { return dev_ && dev_->live() && dma_ != 0; }
  uint64_t requests() const { return requests_; }
  uint64_t bytes() const { return bytes_; }

 private:
  bool waitUsed(Deadline& dl, uint32_t* len);

  std::unique_ptr<Device> dev_;
  uint64_t dma_ = 0;
  uint32_t dmaLen_ = 0;
  bool outstanding_ = false;
  uint32_t outstandingLen_ = 0;
  uint64_t requests_ = 0, bytes_ = 0;
};

}  // namespace vsim::drv

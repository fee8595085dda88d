// Block requests built by hand for the suite's hostile and faulty drivers: any header, any data layout, with or
// without a status byte, offered through our block driver's queue (BlkDriver::submitRaw) and waited for.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "blk_console.h"
#include "vsim/drv/blk_driver.h"

namespace vsim::model {
class BlkDevice;
}

namespace vsim::conformance::blkcon {

/// What the device did with a hand-built request.
struct BlkRawResult {
  bool used = false;     ///< the chain came back
  uint32_t len = 0;      ///< used length
  uint8_t status = 0xff; ///< the status byte (0xff = the device did not write it)
};

/// One DISCARD / WRITE_ZEROES / SECURE_ERASE segment as it goes on the wire.
struct BlkSegment {
  uint64_t sector = 0;
  uint32_t sectors = 0;
  uint32_t flags = 0;  ///< bit 0 = unmap; other bits are not defined
};

class BlkRaw {
 public:
  explicit BlkRaw(drv::BlkDriver& blk) : blk_(blk) {}
  /// A fresh DMA buffer of `bytes` (readable buffers filled with `fill`).
  drv::Buf buffer(uint32_t bytes, bool writable, uint8_t fill = 0);
  /// A readable DMA buffer holding `segs` back to back (16 bytes each).
  drv::Buf segments(const std::vector<BlkSegment>& segs);
  /// Header {type, reserved 0, sector} as one 16-byte readable buffer, then `data` as given, then a 1-byte status
  /// buffer when withStatus. Offered on queue q and waited for.
  BlkRawResult request(uint32_t type, uint64_t sector, const std::vector<drv::Buf>& data, bool withStatus = true,
                       uint16_t q = 0);
  /// Offer exactly these buffers (the header and status are the caller's) and wait; statusAddr = where to read the
  /// status byte afterwards (0 = none).
  BlkRawResult chain(const std::vector<drv::Buf>& bufs, uint64_t statusAddr, uint16_t q = 0);
  /// A 16-byte request header at a fresh DMA buffer.
  drv::Buf header(uint32_t type, uint64_t sector);
  GuestMemory& memory() { return blk_.device().hal().dmaMemory(); }

 private:
  drv::BlkDriver& blk_;
};

/// Open the device with our block driver (nullptr, and a harness error, when it does not come up).
std::unique_ptr<drv::BlkDriver> openBlk(TestContext& ctx, drv::Hal& hal, ViolationSink& sink,
                                        const drv::DiscoveredDevice& d, drv::BlkDriverOptions bo = {},
                                        drv::DriverOptions o = {});

/// The board's block device as the host sees it (nullptr, and a harness error, when it is not one).
model::BlkDevice* hostBlk(TestContext& ctx);

}  // namespace vsim::conformance::blkcon

// One block request being handled (shared by blk_request.cpp and blk_ops.cpp).
#pragma once
#include <cstdint>

#include "vsim/model/blk_device.h"
#include "vsim/model/device_core.h"

namespace vsim::model {

struct BlkDevice::Req {
  DeviceCore& core;
  DeviceQueue& q;
  const Chain& c;
  uint16_t queue;
  uint32_t type = 0;
  uint64_t sector = 0;
  uint64_t readData = 0;   ///< device-readable bytes after the 16-byte header
  uint64_t writeData = 0;  ///< device-writable bytes before the status byte (the last writable byte)
  bool unsafe = false;     ///< a writable buffer overlaps another buffer of the request or a ring: write no data
  bool statusSafe = true;  ///< the status byte itself may be written
  uint64_t filled = 0;     ///< bytes of the writable data area the operation wrote (the rest is zero-filled)
};

}  // namespace vsim::model

// The "blk" device type for the board's registry (options, factory).
#pragma once
#include "vsim/model/blk_device.h"
#include "vsim/model/device_type.h"

namespace vsim::model {
DeviceTypeInfo blkDeviceType();
/// Parse blk options over a starting set of parameters (throws std::invalid_argument naming the option).
BlkParams blkParamsFrom(const DeviceOptions& options, const std::string& name, BlkParams base = {});
}  // namespace vsim::model

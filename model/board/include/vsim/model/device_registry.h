// The registry of device types the board can build (rng, blk, net, console, input).
#pragma once
#include <map>
#include <string>

#include "vsim/model/device_type.h"

namespace vsim::model {
/// Every device type, by name.
const std::map<std::string, DeviceTypeInfo>& deviceTypes();
}  // namespace vsim::model

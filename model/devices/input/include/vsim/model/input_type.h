// The "input" device type for the board's registry (options, factory).
#pragma once
#include "vsim/model/device_type.h"

namespace vsim::model {
DeviceTypeInfo inputDeviceType();
}  // namespace vsim::model

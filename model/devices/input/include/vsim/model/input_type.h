// The "input" device type for the board's registry (options, factory).
#pragma once
#include "vsim/model/device_type.h"
#include "vsim/model/input_identity.h"

namespace vsim::model {
DeviceTypeInfo inputDeviceType();
/// Parse input options (throws std::invalid_argument naming the key on an unknown option or a bad value).
InputParams inputParamsFrom(const DeviceOptions& options, const std::string& name);
}  // namespace vsim::model

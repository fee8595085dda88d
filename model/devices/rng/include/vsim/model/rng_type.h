// The "rng" device type for the board's registry (options, factory).
#pragma once
#include "vsim/model/device_type.h"
#include "vsim/model/rng_device.h"

namespace vsim::model {
DeviceTypeInfo rngDeviceType();
/// Parse rng options over a starting set of parameters (throws std::invalid_argument on a bad option).
RngParams rngParamsFrom(const DeviceOptions& options, const std::string& name, RngParams base = {});
}  // namespace vsim::model

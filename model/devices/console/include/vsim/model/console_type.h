// The "console" device type for the board's registry (options, factory).
#pragma once
#include "vsim/model/console_device.h"
#include "vsim/model/device_type.h"

namespace vsim::model {
DeviceTypeInfo consoleDeviceType();
/// Parse console options (throws std::invalid_argument naming the option on a bad or unknown one).
ConsoleParams consoleParamsFrom(const DeviceOptions& options, const std::string& name);
}  // namespace vsim::model

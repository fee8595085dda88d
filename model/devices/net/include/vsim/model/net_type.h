// The "net" device type for the board's registry (options, factory).
#pragma once
#include "vsim/model/device_type.h"
#include "vsim/model/net_params.h"

namespace vsim::model {
DeviceTypeInfo netDeviceType();
/// Parse net options (throws std::invalid_argument naming the key on an unknown option or a bad value). The
/// default MAC address is derived from the instance name.
NetParams netParamsFrom(const DeviceOptions& options, const std::string& name);
}  // namespace vsim::model

// Placeholder until the net device lands: the type is known, building it is a clear error.
#include "vsim/model/net_type.h"

#include <stdexcept>

namespace vsim::model {
DeviceTypeInfo netDeviceType() {
  DeviceTypeInfo i;
  i.type = "net";
  i.description = "(not implemented yet)";
  i.make = [](const DeviceOptions&, const std::string& name, BoardContext&) -> std::unique_ptr<DeviceLogic> {
    throw std::invalid_argument("device '" + name + "': type 'net' is not implemented yet");
  };
  return i;
}
}  // namespace vsim::model

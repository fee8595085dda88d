// Placeholder until the input device lands: the type is known, building it is a clear error.
#include "vsim/model/input_type.h"

#include <stdexcept>

namespace vsim::model {
DeviceTypeInfo inputDeviceType() {
  DeviceTypeInfo i;
  i.type = "input";
  i.description = "(not implemented yet)";
  i.make = [](const DeviceOptions&, const std::string& name, BoardContext&) -> std::unique_ptr<DeviceLogic> {
    throw std::invalid_argument("device '" + name + "': type 'input' is not implemented yet");
  };
  return i;
}
}  // namespace vsim::model

// Placeholder until the console device lands: the type is known, building it is a clear error.
#include "vsim/model/console_type.h"

#include <stdexcept>

namespace vsim::model {
DeviceTypeInfo consoleDeviceType() {
  DeviceTypeInfo i;
  i.type = "console";
  i.description = "(not implemented yet)";
  i.make = [](const DeviceOptions&, const std::string& name, BoardContext&) -> std::unique_ptr<DeviceLogic> {
    throw std::invalid_argument("device '" + name + "': type 'console' is not implemented yet");
  };
  return i;
}
}  // namespace vsim::model

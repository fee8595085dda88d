// Placeholder until the blk device lands: the type is known, building it is a clear error.
#include "vsim/model/blk_type.h"

#include <stdexcept>

namespace vsim::model {
DeviceTypeInfo blkDeviceType() {
  DeviceTypeInfo i;
  i.type = "blk";
  i.description = "(not implemented yet)";
  i.make = [](const DeviceOptions&, const std::string& name, BoardContext&) -> std::unique_ptr<DeviceLogic> {
    throw std::invalid_argument("device '" + name + "': type 'blk' is not implemented yet");
  };
  return i;
}
}  // namespace vsim::model

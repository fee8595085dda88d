#include "vsim/model/device_registry.h"

#include "vsim/model/blk_type.h"
#include "vsim/model/console_type.h"
#include "vsim/model/input_type.h"
#include "vsim/model/net_type.h"
#include "vsim/model/rng_type.h"

namespace vsim::model {

const std::map<std::string, DeviceTypeInfo>& deviceTypes() {
  static const std::map<std::string, DeviceTypeInfo> kTypes = [] {
    std::map<std::string, DeviceTypeInfo> m;
    for (DeviceTypeInfo i : {rngDeviceType(), blkDeviceType(), netDeviceType(), consoleDeviceType(), inputDeviceType()})
      m.emplace(i.type, std::move(i));
    return m;
  }();
  return kTypes;
}

}  // namespace vsim::model

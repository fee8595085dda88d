// The options of our generic driver (DriverOptions) as a parameter table: name, default (read from a
// default-constructed DriverOptions), unit and description, settable from key=value text. The one source of truth
// for every front end (Python's Simulation.open(**options), scenario files).
#pragma once
#include "vsim/drv/device.h"
#include "vsim/param_table.h"

namespace vsim::drv {

/// "driver option": every DriverOptions field that text can set (the `setup` callback is code, not an option).
const ParamTable<DriverOptions>& driverOptionTable();

}  // namespace vsim::drv

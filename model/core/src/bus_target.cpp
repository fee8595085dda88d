#include "vsim/model/bus_target.h"

namespace vsim::model {

const char* spaceName(Space s) {
  switch (s) {
    case Space::Memory: return "mem";
    case Space::Io: return "io";
    default: return "cfg";
  }
}

}  // namespace vsim::model

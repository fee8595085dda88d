// The only translation unit of the module that includes SystemC.
#include <systemc>

#include "sim.h"

namespace vsim::pysim {

void scWaitPs(uint64_t ps) {
  if (ps) sc_core::wait(sc_core::sc_time(static_cast<double>(ps), sc_core::SC_PS));
}

void scSettle(const std::function<bool()>& busy, uint64_t maxPs) {
  // Outside every SC_THREAD (like ScSimulation::run): step the kernel while a device still works.
  const sc_core::sc_time end = sc_core::sc_time_stamp() + sc_core::sc_time(static_cast<double>(maxPs), sc_core::SC_PS);
  for (unsigned guard = 0; guard < 1000000 && busy(); ++guard) {
    if (sc_core::sc_pending_activity_at_current_time()) {
      sc_core::sc_start(sc_core::SC_ZERO_TIME);
    } else if (sc_core::sc_pending_activity()) {
      const sc_core::sc_time dt = sc_core::sc_time_to_pending_activity();
      if (sc_core::sc_time_stamp() + dt > end) return;
      sc_core::sc_start(dt);
    } else {
      return;
    }
  }
}

}  // namespace vsim::pysim

// libsystemc.so calls sc_main from its own main() and leaves the symbol undefined: every module that links it must
// define it, with default visibility because pybind11 builds with -fvisibility=hidden (else the import fails with
// "undefined symbol: sc_main"). This strong definition wins over the weak one in the ScSimulation library.
__attribute__((visibility("default"))) int sc_main(int, char*[]) { return 0; }

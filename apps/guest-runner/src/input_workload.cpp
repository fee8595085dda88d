// Input (QEMU virtio-keyboard): the configuration names the device and advertises EV_KEY; an LED status message is
// taken; with VSIM_INPUT_KEYS=1 the runner prints "VSIM-READY input" and the launcher types a key through QEMU's
// monitor ("sendkey a"): a press and a release of KEY_A (30), each followed by SYN_REPORT, must arrive.
// Settings: VSIM_INPUT_NAME (expected name), VSIM_INPUT_KEYS (0/1), VSIM_INPUT_WAIT_MS (default 5000).
#include "vsim/drv/input_driver.h"
#include "workload.h"

namespace vsim::guest {

void inputWorkload(WorkloadEnv& env, const drv::DiscoveredDevice& d, WorkloadRun& run) {
  auto in = drv::InputDriver::open(env.hal, d, env.opts, env.sink);
  if (!in) {
    run.check("open", false, "InputDriver::open returned nothing");
    return;
  }
  run.noteDevice(in->device());
  run.check("open", in->ok(), in->device().failure());
  if (!in->ok()) return;
  const drv::InputInfo& info = in->info();
  run.fact("name", info.name);
  run.fact("serial", info.serial);
  run.fact("event_types", std::to_string(info.evBits.size()));
  const std::string name = envString("VSIM_INPUT_NAME");
  run.check("name", name.empty() ? !info.name.empty() : info.name == name,
            "ID_NAME " + describeBytes(info.name) + (name.empty() ? "" : ", expected '" + name + "'"));
  run.check("ev_key_bits", info.evBits.count(drv::input::ev::kKey) && info.supports(drv::input::ev::kKey, 30),
            "EV_KEY with KEY_A advertised");
  run.check("led_status", in->setLed(1 /* LED_CAPSL */, true, 500'000'000) && in->setLed(1, false, 500'000'000),
            std::to_string(in->statusSent()) + " status messages taken");
  if (envNumber("VSIM_INPUT_KEYS", 0)) {
    emit("VSIM-READY", "input");
    const uint64_t end = env.hal.nowNs() + envNumber("VSIM_INPUT_WAIT_MS", 5000) * 1'000'000;
    bool press = false, release = false;
    unsigned syn = 0, total = 0;
    drv::input::Event ev[16];
    while (!(press && release && syn >= 2) && env.hal.nowNs() < end) {
      const size_t n = in->readEvents(ev, 16, 100'000'000);
      for (size_t i = 0; i < n; ++i, ++total) {
        if (ev[i].type == drv::input::ev::kKey && ev[i].code == 30) (ev[i].value ? press : release) = true;
        if (ev[i].type == drv::input::ev::kSyn && ev[i].code == drv::input::kSynReport) ++syn;
      }
    }
    run.check("key_events", press && release && syn >= 2,
              std::to_string(total) + " events (press " + (press ? "yes" : "no") + ", release " +
                  (release ? "yes" : "no") + ", " + std::to_string(syn) + " SYN_REPORT)");
    run.fact("short_events", std::to_string(in->shortEvents()));
  }
  in->device().shutdown();
}

}  // namespace vsim::guest

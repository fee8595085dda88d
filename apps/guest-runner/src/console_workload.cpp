// Console (QEMU virtio-serial with a virtconsole on port 0 and a named virtserialport on port 1, both on chardevs the
// launcher set up): the multiport handshake brings both ports up, port 0 is nominated as console, port 1 carries its
// name; a tagged line goes out on each port (the launcher finds it in the chardev's output file), an emergency
// write line goes to emerg_wr when EMERG_WRITE is offered, and the text the launcher sends on port 1 comes in.
// Settings: VSIM_CON_PORTS (ports expected, default 2), VSIM_CON_NAME (port 1's name), VSIM_CON_INPUT (text port 1
// receives; empty = no receive check).
#include "vsim/drv/console_driver.h"
#include "workload.h"

namespace vsim::guest {

void consoleWorkload(WorkloadEnv& env, const drv::DiscoveredDevice& d, WorkloadRun& run) {
  auto con = drv::ConsoleDriver::open(env.hal, d, env.opts, env.sink);
  if (!con) {
    run.check("open", false, "ConsoleDriver::open returned nothing");
    return;
  }
  run.noteDevice(con->device());
  run.check("open", con->ok(), con->device().failure());
  if (!con->ok()) return;
  run.fact("multiport", con->multiport() ? "yes" : "no");
  run.fact("max_ports", std::to_string(con->maxPorts()));
  const uint32_t want = static_cast<uint32_t>(envNumber("VSIM_CON_PORTS", 2));
  const bool ready = con->waitForPorts(want, 3'000'000'000);
  std::string list;
  for (uint32_t p : con->ports()) list += (list.empty() ? "" : ",") + std::to_string(p);
  run.check("ports_ready", ready, "ready ports: " + list);
  if (const drv::ConsolePortInfo* p0 = con->port(0)) run.check("port0_console", p0->console, "CONSOLE_PORT for port 0");
  const std::string name = envString("VSIM_CON_NAME");
  if (!name.empty()) {
    const drv::ConsolePortInfo* p1 = con->port(1);
    run.check("port1_name", p1 && p1->name == name,
              p1 ? "PORT_NAME " + describeBytes(p1->name) + ", the device was given '" + name + "'" : "no port 1");
  }
  for (uint32_t port : con->ports()) {
    const std::string line = "VSIM-CONSOLE port" + std::to_string(port) + " " + env.transport + "\n";
    const size_t n = con->write(port, line.data(), line.size(), 2'000'000'000);
    run.check("write_port" + std::to_string(port), n == line.size(),
              std::to_string(n) + " of " + std::to_string(line.size()) + " bytes taken");
  }
  {
    // EMERG_WRITE (QEMU offers it): characters written to emerg_wr before any queue, the launcher finds them on
    // port 0's chardev
    const std::string emerg = "VSIM-EMERG " + env.transport + "\n";
    bool taken = true;
    for (char c : emerg) taken &= con->emergencyWrite(static_cast<uint8_t>(c));
    run.fact("emergency_write", taken ? "offered, written" : "not offered");
  }
  const std::string input = envString("VSIM_CON_INPUT");
  if (!input.empty() && con->port(1)) {
    std::string got;
    const uint64_t end = env.hal.nowNs() + 3'000'000'000;
    char buf[256];
    while (got.find(input) == std::string::npos && env.hal.nowNs() < end) {
      const size_t n = con->read(1, buf, sizeof buf, 100'000'000);
      got.append(buf, n);
    }
    run.check("read_port1", got.find(input) != std::string::npos, "received '" + got + "'");
  }
  run.fact("control_in", std::to_string(con->controlMessagesIn()));
  run.fact("control_out", std::to_string(con->controlMessagesOut()));
  con->device().shutdown();
}

}  // namespace vsim::guest

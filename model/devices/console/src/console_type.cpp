// The "console" device type: option table and factory.
#include "vsim/model/console_type.h"

#include <stdexcept>

namespace vsim::model {

namespace {
std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  size_t start = 0;
  for (;;) {
    const size_t comma = s.find(',', start);
    out.push_back(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

[[noreturn]] void bad(const std::string& where, const std::string& key, const std::string& why) {
  throw std::invalid_argument(where + ": option '" + key + "': " + why);
}

/// A per-port list: at most `ports` entries.
std::vector<std::string> perPort(OptionReader& r, const std::string& key, uint32_t ports) {
  auto v = splitList(r.str(key, ""));
  if (v.size() > ports)
    bad(r.where, key, std::to_string(v.size()) + " entries for " + std::to_string(ports) + " port(s)");
  return v;
}
}  // namespace

ConsoleParams consoleParamsFrom(const DeviceOptions& options, const std::string& name) {
  OptionReader r{options, "device '" + name + "'", {}};
  ConsoleParams p;
  const uint32_t ports = static_cast<uint32_t>(r.u64("ports", 1, 1, 511));
  const std::string mp = r.str("multiport", "auto");
  if (mp == "auto") {
    p.multiport = ports > 1;
  } else {
    OptionReader one{options, r.where, {}};
    p.multiport = one.flag("multiport", false);  // the usual boolean spellings, the usual error
  }
  if (ports > 1 && !p.multiport) bad(r.where, "multiport", "false, but ports=" + std::to_string(ports) + " needs it");
  const uint32_t maxPorts = static_cast<uint32_t>(r.u64("max_ports", 0, 0, 511));
  if (maxPorts && maxPorts < ports) bad(r.where, "max_ports", "smaller than ports=" + std::to_string(ports));
  p.maxPorts = maxPorts ? maxPorts : ports;
  p.size = r.flag("size", p.size);
  p.cols = static_cast<uint16_t>(r.u64("cols", p.cols, 0, 65535));
  p.rows = static_cast<uint16_t>(r.u64("rows", p.rows, 0, 65535));
  p.emergWrite = r.flag("emerg_write", p.emergWrite);
  p.queueSize = static_cast<uint16_t>(r.u64("queue_size", p.queueSize, 1, 32768));
  const size_t limit = static_cast<size_t>(r.u64("buffer_limit", 1u << 20, 1, uint64_t{1} << 32));
  const auto backends = perPort(r, "backend", ports);
  const auto paths = perPort(r, "path", ports);
  const auto inputs = perPort(r, "input", ports);
  const auto names = perPort(r, "name", ports);
  const auto consoles = splitList(r.str("console", "0"));
  r.finish();

  p.ports.assign(ports, ConsolePortParams{});
  for (uint32_t i = 0; i < ports; ++i) {
    ConsolePortParams& pp = p.ports[i];
    const std::string b = backends.empty() ? "capture" : backends[std::min<size_t>(i, backends.size() - 1)];
    if (!parseConsoleBackend(b, &pp.backend.kind))
      bad(r.where, "backend", "'" + b + "' is not one of capture, file, socket");
    if (i < paths.size()) pp.backend.path = paths[i];
    if (i < inputs.size()) pp.backend.input = inputs[i];
    if (i < names.size()) pp.name = names[i];
    pp.backend.bufferLimit = limit;
    if (pp.backend.kind != ConsoleBackendKind::Capture && pp.backend.path.empty())
      bad(r.where, "path", "port " + std::to_string(i) + " uses the " + b + " backend and needs a path");
    if (pp.backend.kind != ConsoleBackendKind::File && !pp.backend.input.empty())
      bad(r.where, "input", "port " + std::to_string(i) + ": an input file needs the file backend");
  }
  for (const auto& c : consoles) {
    char* end = nullptr;
    const unsigned long id = std::strtoul(c.c_str(), &end, 10);
    if (c.empty() || !end || *end || id >= ports)
      bad(r.where, "console", "'" + c + "' is not a port number below " + std::to_string(ports));
    p.ports[id].console = true;
  }
  return p;
}

DeviceTypeInfo consoleDeviceType() {
  DeviceTypeInfo i;
  i.type = "console";
  i.description =
      "console device (virtio id 3): port 0, or with multiport the control queues and up to max_ports ports; "
      "capture, file or unix-socket backend per port";
  i.options = {
      {"ports", "1", "ports", "ports present from the start (1..511); more than 1 needs multiport"},
      {"multiport", "auto", "bool|auto",
       "offer VIRTIO_CONSOLE_F_MULTIPORT (control queues, port hot-plug); auto = when ports > 1"},
      {"max_ports", "0", "ports", "max_nr_ports with multiport (0 = ports; at least ports; at most 511)"},
      {"size", "true", "bool", "offer VIRTIO_CONSOLE_F_SIZE (cols and rows in the configuration)"},
      {"cols", "80", "columns", "console width reported for port 0 (config cols)"},
      {"rows", "25", "rows", "console height reported for port 0 (config rows)"},
      {"emerg_write", "true", "bool", "offer VIRTIO_CONSOLE_F_EMERG_WRITE (a write to emerg_wr emits one character)"},
      {"backend", "capture", "capture|file|socket",
       "per-port backend, comma-separated from port 0; ports past the list take its last entry"},
      {"path", "", "path",
       "per-port, comma-separated: output file (file backend, appended) or listening unix socket (socket backend)"},
      {"input", "", "path", "per-port, comma-separated: input file of a file-backend port (followed as it grows)"},
      {"name", "", "text", "per-port, comma-separated: name sent with PORT_NAME (empty = none)"},
      {"console", "0", "port list", "comma-separated ports nominated with CONSOLE_PORT (multiport)"},
      {"queue_size", "128", "descriptors", "largest queue size offered"},
      {"buffer_limit", "1048576", "bytes", "bytes a backend keeps per direction (capture output, pending input, "
                                           "unsent socket output); the excess is dropped and counted"},
  };
  i.make = [](const DeviceOptions& o, const std::string& name, BoardContext&) -> std::unique_ptr<DeviceLogic> {
    const ConsoleParams p = consoleParamsFrom(o, name);
    try {
      return std::make_unique<ConsoleDevice>(p);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("device '" + name + "': " + e.what());
    }
  };
  return i;
}

}  // namespace vsim::model

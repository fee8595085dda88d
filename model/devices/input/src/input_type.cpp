#include "vsim/model/input_type.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "vsim/model/input_device.h"

namespace vsim::model {

namespace {
[[noreturn]] void bad(const std::string& where, const std::string& key, const std::string& why) {
  throw std::invalid_argument(where + ": option '" + key + "': " + why);
}

std::string checkedString(OptionReader& r, const std::string& key, const std::string& def) {
  std::string s = r.str(key, def);
  if (s.size() > input::cfg::kUnionBytes)
    bad(r.where, key, std::to_string(s.size()) + " bytes do not fit the 128-byte configuration union");
  return s;
}
}  // namespace

InputParams inputParamsFrom(const DeviceOptions& options, const std::string& name) {
  OptionReader r{options, "device '" + name + "'", {}};
  InputParams p;
  const std::string kind = r.str("kind", "keyboard");
  if (!parseInputKind(kind, &p.kind)) bad(r.where, "kind", "'" + kind + "' is not keyboard, mouse or tablet");
  p.name = checkedString(r, "name", "");
  p.serial = checkedString(r, "serial", name);
  p.bustype = static_cast<uint16_t>(r.u64("bustype", p.bustype, 0, 0xffff));
  p.vendor = static_cast<uint16_t>(r.u64("vendor", p.vendor, 0, 0xffff));
  p.product = static_cast<uint16_t>(r.u64("product", p.product, 0, 0xffff));
  p.version = static_cast<uint16_t>(r.u64("version", p.version, 0, 0xffff));
  p.absMaxX = static_cast<uint32_t>(r.u64("abs_max_x", p.absMaxX, 1, INT32_MAX));
  p.absMaxY = static_cast<uint32_t>(r.u64("abs_max_y", p.absMaxY, 1, INT32_MAX));
  p.absRes = static_cast<uint32_t>(r.u64("abs_res", p.absRes, 0, UINT32_MAX));
  p.queueSize = static_cast<uint16_t>(r.u64("queue_size", p.queueSize, 1, 32768));
  p.eventBuffer = static_cast<uint32_t>(r.u64("event_buffer", p.eventBuffer, 0, 1u << 20));
  p.script = r.str("script", "");
  const std::string file = r.str("script_file", "");
  r.finish();
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) bad(r.where, "script_file", "cannot read '" + file + "'");
    std::ostringstream text;
    text << in.rdbuf();
    p.script += (p.script.empty() ? "" : "\n") + text.str();
  }
  try {
    (void)parseInputScript(p.script);
  } catch (const std::invalid_argument& e) {
    bad(r.where, file.empty() ? "script" : "script_file", e.what());
  }
  return p;
}

DeviceTypeInfo inputDeviceType() {
  DeviceTypeInfo i;
  i.type = "input";
  i.description = "input device (virtio id 18): keyboard, mouse or tablet; host-injected and scripted events, "
                  "LED status recorded";
  i.options = {
      {"kind", "keyboard", "", "personality: keyboard, mouse or tablet"},
      {"name", "virtio-sim <kind>", "", "ID_NAME string (at most 128 bytes)"},
      {"serial", "<instance name>", "", "ID_SERIAL string (at most 128 bytes; empty = none)"},
      {"bustype", "0x6", "", "ID_DEVIDS bus type (BUS_VIRTUAL)"},
      {"vendor", "0x1af4", "", "ID_DEVIDS vendor"},
      {"product", "0", "", "ID_DEVIDS product (0 = 1 keyboard, 2 mouse, 3 tablet)"},
      {"version", "1", "", "ID_DEVIDS version"},
      {"abs_max_x", "32767", "units", "tablet: ABS_X range is 0..abs_max_x"},
      {"abs_max_y", "32767", "units", "tablet: ABS_Y range is 0..abs_max_y"},
      {"abs_res", "0", "units/mm", "tablet: resolution of both axes (0 = unknown)"},
      {"queue_size", "64", "descriptors", "largest size offered for eventq and statusq"},
      {"event_buffer", "256", "events", "events held while the eventq has no buffers; a whole update that does "
                                        "not fit is dropped"},
      {"script", "", "", "timed events, ';'-separated lines '<time> <type> <code> <value>' or '<time> syn' "
                         "(time units ps/ns/us/ms/s, default ns)"},
      {"script_file", "", "path", "file with more script lines (same syntax), appended to script"},
  };
  i.make = [](const DeviceOptions& o, const std::string& name, BoardContext& ctx) -> std::unique_ptr<DeviceLogic> {
    return std::make_unique<InputDevice>(inputParamsFrom(o, name), [&ctx] { return ctx.nowPs(); });
  };
  return i;
}

}  // namespace vsim::model

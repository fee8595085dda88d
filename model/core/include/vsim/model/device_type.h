// Device types the board can build, by name ("rng", "blk", "net", "console", "input"). Each type parses its own
// options (key=value strings, so the CLI, scenario files and Python share one syntax) into its typed parameters
// and reports unknown keys or bad values as std::invalid_argument with the key named.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vsim/model/device_logic.h"

namespace vsim::model {

/// What a device factory may use from the board: shared backends (one L2 switch for several net devices) and the
/// simulated time.
class BoardContext {
 public:
  virtual ~BoardContext() = default;
  /// A board-wide object under `key`, made by `make` the first time it is asked for.
  virtual std::shared_ptr<void> shared(const std::string& key, const std::function<std::shared_ptr<void>()>& make) = 0;
  /// Simulated time now, in picoseconds.
  virtual uint64_t nowPs() const = 0;
};

using DeviceOptions = std::map<std::string, std::string>;
using DeviceFactory =
    std::function<std::unique_ptr<DeviceLogic>(const DeviceOptions& options, const std::string& name, BoardContext& ctx)>;

/// One option a device type accepts: the parameter table (name, default, unit, description).
struct OptionInfo {
  std::string name, defaultValue, unit, description;
};

struct DeviceTypeInfo {
  std::string type;         ///< "blk"
  std::string description;  ///< one line
  DeviceFactory make;
  std::vector<OptionInfo> options;
};


/// Helpers for factories: typed option parsing with clear errors ("device 'net0': option 'mtu': ...").
struct OptionReader {
  const DeviceOptions& opts;
  std::string where;  ///< "device 'net0'"
  std::vector<std::string> known;
  uint64_t u64(const std::string& key, uint64_t def, uint64_t min = 0, uint64_t max = UINT64_MAX);
  bool flag(const std::string& key, bool def);
  std::string str(const std::string& key, const std::string& def);
  double real(const std::string& key, double def);
  /// Throws if an option was given that none of the calls above asked for.
  void finish() const;
};

}  // namespace vsim::model

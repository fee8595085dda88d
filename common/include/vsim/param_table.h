// Parameter tables: the settable fields of a configuration struct, each with its name, default, unit and
// description (one source of truth for the CLI, reports and Python) and how to set it from key=value text.
// Header-only; used by the model (platform layout, transport parameters) and the driver stack (driver options).
#pragma once
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace vsim {

/// What a table shows for one parameter.
struct ParamInfo {
  std::string name;
  std::string defaultValue;  ///< as text, read from the default-constructed struct
  std::string unit;          ///< "" when the value has none
  std::string description;
};

/// @name Text to value, value to text. Errors are std::invalid_argument starting with `what`.
/// @{
inline uint64_t paramUnsigned(const std::string& what, const std::string& v, uint64_t min = 0,
                              uint64_t max = UINT64_MAX) {
  if (v.empty() || v[0] == '-' || v[0] == '+' || v[0] == ' ')
    throw std::invalid_argument(what + ": '" + v + "' is not an unsigned integer");
  size_t used = 0;
  unsigned long long x = 0;
  try {
    x = std::stoull(v, &used, 0);
  } catch (const std::exception&) {
    throw std::invalid_argument(what + ": '" + v + "' is not an unsigned integer");
  }
  if (used != v.size()) throw std::invalid_argument(what + ": '" + v + "' is not an unsigned integer");
  if (x < min || x > max)
    throw std::invalid_argument(what + ": " + v + " is outside " + std::to_string(min) + ".." + std::to_string(max));
  return x;
}

inline int64_t paramSigned(const std::string& what, const std::string& v, int64_t min, int64_t max) {
  size_t used = 0;
  long long x = 0;
  try {
    x = std::stoll(v, &used, 0);
  } catch (const std::exception&) {
    throw std::invalid_argument(what + ": '" + v + "' is not an integer");
  }
  if (v.empty() || used != v.size()) throw std::invalid_argument(what + ": '" + v + "' is not an integer");
  if (x < min || x > max)
    throw std::invalid_argument(what + ": " + v + " is outside " + std::to_string(min) + ".." + std::to_string(max));
  return x;
}

inline bool paramBool(const std::string& what, const std::string& v) {
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  throw std::invalid_argument(what + ": '" + v + "' is not a boolean (true/false)");
}

inline std::string paramHex(uint64_t v) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}
inline std::string paramBoolText(bool v) { return v ? "true" : "false"; }
/// @}

/// The settable parameters of struct S under a table name ("layout", "pci", ...).
template <class S>
class ParamTable {
 public:
  /// Sets one field from text; `what` ("<table> parameter '<name>'") starts every error message.
  using Setter = void (*)(S& target, const std::string& what, const std::string& value);
  struct Entry {
    ParamInfo info;
    Setter set;
  };

  ParamTable(std::string name, std::vector<Entry> entries) : name_(std::move(name)), entries_(std::move(entries)) {
    for (const auto& e : entries_) infos_.push_back(e.info);
  }
  const std::string& name() const { return name_; }
  const std::vector<ParamInfo>& infos() const { return infos_; }

  /// Set `key` from `value`; std::invalid_argument for an unknown key (listing the known ones) or a bad value.
  void set(S& target, const std::string& key, const std::string& value) const {
    for (const auto& e : entries_)
      if (e.info.name == key) return e.set(target, name_ + " parameter '" + key + "'", value);
    std::string known;
    for (const auto& e : entries_) known += (known.empty() ? "" : ", ") + e.info.name;
    throw std::invalid_argument(name_ + ": unknown parameter '" + key + "' (known: " + known + ")");
  }

 private:
  std::string name_;
  std::vector<Entry> entries_;
  std::vector<ParamInfo> infos_;
};

}  // namespace vsim

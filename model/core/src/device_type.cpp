#include "vsim/model/device_type.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace vsim::model {

namespace {
[[noreturn]] void bad(const std::string& where, const std::string& key, const std::string& why) {
  throw std::invalid_argument(where + ": option '" + key + "': " + why);
}
}  // namespace

uint64_t OptionReader::u64(const std::string& key, uint64_t def, uint64_t min, uint64_t max) {
  known.push_back(key);
  auto it = opts.find(key);
  if (it == opts.end()) return def;
  const std::string& v = it->second;
  errno = 0;
  char* end = nullptr;
  const unsigned long long x = std::strtoull(v.c_str(), &end, 0);
  if (v.empty() || v[0] == '-' || errno || !end || *end) bad(where, key, "'" + v + "' is not a non-negative integer");
  if (x < min || x > max)
    bad(where, key, std::to_string(x) + " is outside " + std::to_string(min) + ".." + std::to_string(max));
  return x;
}

bool OptionReader::flag(const std::string& key, bool def) {
  known.push_back(key);
  auto it = opts.find(key);
  if (it == opts.end()) return def;
  const std::string& v = it->second;
  if (v == "1" || v == "true" || v == "on" || v == "yes") return true;
  if (v == "0" || v == "false" || v == "off" || v == "no") return false;
  bad(where, key, "'" + v + "' is not a boolean (true/false/on/off/1/0)");
}

std::string OptionReader::str(const std::string& key, const std::string& def) {
  known.push_back(key);
  auto it = opts.find(key);
  return it == opts.end() ? def : it->second;
}

double OptionReader::real(const std::string& key, double def) {
  known.push_back(key);
  auto it = opts.find(key);
  if (it == opts.end()) return def;
  char* end = nullptr;
  const double x = std::strtod(it->second.c_str(), &end);
  if (it->second.empty() || !end || *end || !std::isfinite(x)) bad(where, key, "'" + it->second + "' is not a number");
  return x;
}

void OptionReader::finish() const {
  for (const auto& [k, v] : opts) {
    (void)v;
    if (std::find(known.begin(), known.end(), k) == known.end()) {
      std::string list;
      for (const auto& n : known) list += (list.empty() ? "" : ", ") + n;
      bad(where, k, "unknown option (known: " + list + ")");
    }
  }
}

}  // namespace vsim::model

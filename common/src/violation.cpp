#include "vsim/violation.h"

#include <cinttypes>
#include <cstdio>

namespace vsim {

void ViolationLog::report(Violation v) {
  v.seq = seq_++;
  items_.push_back(std::move(v));
  if (onReport) onReport(items_.back());
}

size_t ViolationLog::count(const std::string& clause) const {
  size_t n = 0;
  for (const auto& v : items_) n += (v.clause == clause);
  return n;
}

std::string toString(const Violation& v) {
  std::string s = "[" + v.clause + "] " + (v.device.empty() ? "" : v.device + ": ") + v.kind;
  if (v.queue >= 0) s += " (vq " + std::to_string(v.queue) + ")";
  s += ": " + v.message;
  if (!v.evidence.empty()) {
    s += " (";
    for (size_t i = 0; i < v.evidence.size(); ++i) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "0x%" PRIx64, v.evidence[i].value);
      s += (i ? ", " : "") + v.evidence[i].name + "=" + buf;
    }
    s += ")";
  }
  return s;
}

}  // namespace vsim

#include "json_line.h"

#include <cinttypes>
#include <cstdio>

namespace vsim::guest {

std::string jsonString(const std::string& s) {
  std::string o = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        o += "\\\"";
        break;
      case '\\':
        o += "\\\\";
        break;
      case '\n':
        o += "\\n";
        break;
      case '\r':
        o += "\\r";
        break;
      case '\t':
        o += "\\t";
        break;
      default:
        if (c < 0x20 || c >= 0x7f) {  // keep the serial line plain ASCII
          char b[8];
          std::snprintf(b, sizeof b, "\\u%04x", c);
          o += b;
        } else {
          o += static_cast<char>(c);
        }
    }
  }
  return o + "\"";
}

std::string hex64(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%" PRIx64, v);
  return b;
}

void JsonObject::key(const std::string& k) {
  if (!body_.empty()) body_ += ",";
  body_ += jsonString(k) + ":";
}

JsonObject& JsonObject::field(const std::string& k, const std::string& v) {
  key(k);
  body_ += jsonString(v);
  return *this;
}
JsonObject& JsonObject::field(const std::string& k, bool v) {
  key(k);
  body_ += v ? "true" : "false";
  return *this;
}
JsonObject& JsonObject::field(const std::string& k, int64_t v) {
  key(k);
  body_ += std::to_string(v);
  return *this;
}
JsonObject& JsonObject::field(const std::string& k, uint64_t v) {
  key(k);
  body_ += std::to_string(v);
  return *this;
}
JsonObject& JsonObject::field(const std::string& k, double v) {
  key(k);
  char b[32];
  std::snprintf(b, sizeof b, "%.3f", v);
  body_ += b;
  return *this;
}
JsonObject& JsonObject::raw(const std::string& k, const std::string& json) {
  key(k);
  body_ += json;
  return *this;
}

JsonArray& JsonArray::add(const std::string& json) {
  if (!body_.empty()) body_ += ",";
  body_ += json;
  return *this;
}

}  // namespace vsim::guest

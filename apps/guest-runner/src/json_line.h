// A tiny JSON writer for the runner's one-object-per-line output (no library: the runner links statically and
// pulls nothing it does not need).
#pragma once
#include <cstdint>
#include <string>

namespace vsim::guest {

class JsonObject {
 public:
  JsonObject& field(const std::string& key, const std::string& value);
  JsonObject& field(const std::string& key, const char* value) { return field(key, std::string(value)); }
  JsonObject& field(const std::string& key, bool value);
  JsonObject& field(const std::string& key, int64_t value);
  JsonObject& field(const std::string& key, uint64_t value);
  JsonObject& field(const std::string& key, int value) { return field(key, static_cast<int64_t>(value)); }
  JsonObject& field(const std::string& key, unsigned value) { return field(key, static_cast<uint64_t>(value)); }
  JsonObject& field(const std::string& key, double value);
  /// value is already JSON (an object or array built elsewhere).
  JsonObject& raw(const std::string& key, const std::string& json);
  std::string str() const { return "{" + body_ + "}"; }

 private:
  void key(const std::string& k);
  std::string body_;
};

/// "[a,b,...]" from already-encoded JSON values.
class JsonArray {
 public:
  JsonArray& add(const std::string& json);
  std::string str() const { return "[" + body_ + "]"; }
  bool empty() const { return body_.empty(); }

 private:
  std::string body_;
};

std::string jsonString(const std::string& s);
std::string hex64(uint64_t v);  ///< "0x..." (JSON numbers lose 64-bit precision in some readers)

}  // namespace vsim::guest

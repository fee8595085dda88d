// The virtio input device's wire format as the driver uses it (its own definitions: driver/ never includes
// model/, the two sides meet only in guest memory and the registers).
#pragma once
#include <cstdint>

namespace vsim::drv::input {

constexpr uint16_t kEventQ = 0, kStatusQ = 1;

namespace cfg {
constexpr uint8_t kUnset = 0x00, kIdName = 0x01, kIdSerial = 0x02, kIdDevids = 0x03;
constexpr uint8_t kPropBits = 0x10, kEvBits = 0x11, kAbsInfo = 0x12;
constexpr uint32_t kSelectOff = 0, kSubselOff = 1, kSizeOff = 2, kUnionOff = 8, kUnionBytes = 128;
}  // namespace cfg

/// evdev numbers the driver itself needs.
namespace ev {
constexpr uint16_t kSyn = 0x00, kKey = 0x01, kRel = 0x02, kAbs = 0x03, kLed = 0x11;
constexpr uint16_t kMax = 0x1f;  ///< highest evdev event type
}  // namespace ev
constexpr uint16_t kSynReport = 0;
constexpr uint16_t kAbsMax = 0x3f;  ///< highest evdev absolute axis

/// One event (le16 type, le16 code, le32 value).
struct Event {
  uint16_t type = 0;
  uint16_t code = 0;
  int32_t value = 0;
  bool operator==(const Event& o) const { return type == o.type && code == o.code && value == o.value; }
};
constexpr uint32_t kEventBytes = 8;

inline void encode(const Event& e, uint8_t out[kEventBytes]) {
  const uint32_t v = static_cast<uint32_t>(e.value);
  const uint8_t b[kEventBytes] = {static_cast<uint8_t>(e.type), static_cast<uint8_t>(e.type >> 8),
                                  static_cast<uint8_t>(e.code), static_cast<uint8_t>(e.code >> 8),
                                  static_cast<uint8_t>(v),      static_cast<uint8_t>(v >> 8),
                                  static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 24)};
  for (uint32_t i = 0; i < kEventBytes; ++i) out[i] = b[i];
}
inline Event decode(const uint8_t in[kEventBytes]) {
  Event e;
  e.type = static_cast<uint16_t>(in[0] | in[1] << 8);
  e.code = static_cast<uint16_t>(in[2] | in[3] << 8);
  e.value = static_cast<int32_t>(uint32_t{in[4]} | uint32_t{in[5]} << 8 | uint32_t{in[6]} << 16 |
                                 uint32_t{in[7]} << 24);
  return e;
}

}  // namespace vsim::drv::input

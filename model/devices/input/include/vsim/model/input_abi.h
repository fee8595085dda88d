// Wire format of the virtio input device (virtio id 18): configuration selectors and layout, the 8-byte event
// both queues carry, and the evdev type/code numbers the built-in personalities use. Numbers only (they are the
// interface); the meaning of each event is evdev's.
#pragma once
#include <cstdint>

namespace vsim::input {

constexpr uint16_t kDeviceId = 18;
constexpr uint16_t kEventQ = 0;   ///< device -> driver
constexpr uint16_t kStatusQ = 1;  ///< driver -> device

/// Configuration selectors (the `select` byte).
namespace cfg {
constexpr uint8_t kUnset = 0x00;
constexpr uint8_t kIdName = 0x01;
constexpr uint8_t kIdSerial = 0x02;
constexpr uint8_t kIdDevids = 0x03;
constexpr uint8_t kPropBits = 0x10;
constexpr uint8_t kEvBits = 0x11;
constexpr uint8_t kAbsInfo = 0x12;

// Byte offsets inside the device configuration structure.
constexpr uint32_t kSelectOff = 0;
constexpr uint32_t kSubselOff = 1;
constexpr uint32_t kSizeOff = 2;
constexpr uint32_t kReservedOff = 3;  ///< 5 reserved bytes
constexpr uint32_t kUnionOff = 8;
constexpr uint32_t kUnionBytes = 128;
constexpr uint32_t kConfigBytes = kUnionOff + kUnionBytes;  ///< 136

constexpr uint32_t kAbsInfoBytes = 20;  ///< min, max, fuzz, flat, res (le32 each)
constexpr uint32_t kDevidsBytes = 8;    ///< bustype, vendor, product, version (le16 each)
}  // namespace cfg

/// One event as both queues carry it: le16 type, le16 code, le32 value (8 bytes).
struct Event {
  uint16_t type = 0;
  uint16_t code = 0;
  int32_t value = 0;
  bool operator==(const Event& o) const { return type == o.type && code == o.code && value == o.value; }
};
constexpr uint32_t kEventBytes = 8;

/// Little-endian encoding of an event (the host is little-endian; GuestMemory asserts it).
inline void encode(const Event& e, uint8_t out[kEventBytes]) {
  out[0] = static_cast<uint8_t>(e.type), out[1] = static_cast<uint8_t>(e.type >> 8);
  out[2] = static_cast<uint8_t>(e.code), out[3] = static_cast<uint8_t>(e.code >> 8);
  const uint32_t v = static_cast<uint32_t>(e.value);
  for (int i = 0; i < 4; ++i) out[4 + i] = static_cast<uint8_t>(v >> (8 * i));
}
inline Event decode(const uint8_t in[kEventBytes]) {
  Event e;
  e.type = static_cast<uint16_t>(in[0] | in[1] << 8);
  e.code = static_cast<uint16_t>(in[2] | in[3] << 8);
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t{in[4 + i]} << (8 * i);
  e.value = static_cast<int32_t>(v);
  return e;
}

/// evdev event types.
namespace ev {
constexpr uint16_t kSyn = 0x00, kKey = 0x01, kRel = 0x02, kAbs = 0x03, kMsc = 0x04, kLed = 0x11, kRep = 0x14;
constexpr uint16_t kMax = 0x1f;
}  // namespace ev

/// evdev codes the personalities advertise (a subset).
namespace code {
constexpr uint16_t kSynReport = 0;
constexpr uint16_t kRelX = 0x00, kRelY = 0x01, kRelWheel = 0x08;
constexpr uint16_t kAbsX = 0x00, kAbsY = 0x01;
constexpr uint16_t kAbsMax = 0x3f;
constexpr uint16_t kBtnLeft = 0x110, kBtnRight = 0x111, kBtnMiddle = 0x112, kBtnSide = 0x113, kBtnExtra = 0x114;
constexpr uint16_t kBtnTouch = 0x14a;
constexpr uint16_t kKeyEsc = 1, kKeyA = 30, kKeyEnter = 28, kKeyCapsLock = 58, kKeyNumLock = 69;
constexpr uint16_t kLastStandardKey = 127;  ///< the keyboard personality offers keys 1..127
constexpr uint16_t kLedNumL = 0x00, kLedCapsL = 0x01, kLedScrollL = 0x02;
constexpr uint16_t kRepDelay = 0x00, kRepPeriod = 0x01;
}  // namespace code

/// Input properties (PROP_BITS).
namespace prop {
constexpr uint16_t kPointer = 0x00, kDirect = 0x01;
}  // namespace prop

}  // namespace vsim::input

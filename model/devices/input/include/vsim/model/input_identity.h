// What an input device says about itself through its configuration space: name, serial, ids, property and event
// bitmaps, absolute axis ranges. Built from the personality (keyboard, mouse, tablet) and the options.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "vsim/model/input_abi.h"

namespace vsim::model {

enum class InputKind : uint8_t { Keyboard, Mouse, Tablet };
const char* inputKindName(InputKind k);  ///< "keyboard", "mouse", "tablet"
/// Parse a kind name; false if unknown.
bool parseInputKind(const std::string& s, InputKind* out);

struct InputParams {
  InputKind kind = InputKind::Keyboard;
  std::string name;    ///< ID_NAME; empty = "virtio-sim <kind>"
  std::string serial;  ///< ID_SERIAL; empty = no serial (size 0)
  uint16_t bustype = 0x0006;  ///< BUS_VIRTUAL
  uint16_t vendor = 0x1af4;
  uint16_t product = 0;       ///< 0 = 1 (keyboard), 2 (mouse), 3 (tablet)
  uint16_t version = 1;
  uint32_t absMaxX = 32767, absMaxY = 32767;  ///< tablet: axis ranges are 0..max
  uint32_t absRes = 0;                        ///< tablet: resolution (units per mm), 0 = unknown
  uint16_t queueSize = 64;                    ///< largest size offered for both queues
  uint32_t eventBuffer = 256;  ///< events held while the eventq has no buffers (whole updates only)
  std::string script;          ///< timed event script (text, see parseInputScript); empty = none
};

struct AbsInfo {
  uint32_t min = 0, max = 0, fuzz = 0, flat = 0, res = 0;
};

struct InputIdentity {
  std::string name, serial;
  uint16_t bustype = 0, vendor = 0, product = 0, version = 0;
  std::vector<uint8_t> props;                          ///< PROP_BITS bitmap (trimmed)
  std::map<uint8_t, std::vector<uint8_t>> evBits;      ///< EV_BITS per event type (trimmed, non-empty)
  std::map<uint8_t, AbsInfo> abs;                      ///< ABS_INFO per axis

  /// Set bit `bit` in a bitmap (grows it).
  static void setBit(std::vector<uint8_t>& map, unsigned bit);
  static bool hasBit(const std::vector<uint8_t>& map, unsigned bit);
  /// Does the identity advertise this event (type, code)?
  bool supports(uint16_t type, uint16_t code) const;
};

/// The identity of a personality with these parameters (strings must fit the 128-byte union: checked by the
/// option parser).
InputIdentity makeInputIdentity(const InputParams& p);

}  // namespace vsim::model

#include "vsim/model/input_identity.h"

namespace vsim::model {

const char* inputKindName(InputKind k) {
  switch (k) {
    case InputKind::Keyboard: return "keyboard";
    case InputKind::Mouse: return "mouse";
    case InputKind::Tablet: return "tablet";
  }
  return "?";
}

bool parseInputKind(const std::string& s, InputKind* out) {
  for (InputKind k : {InputKind::Keyboard, InputKind::Mouse, InputKind::Tablet})
    if (s == inputKindName(k)) {
      *out = k;
      return true;
    }
  return false;
}

void InputIdentity::setBit(std::vector<uint8_t>& map, unsigned bit) {
  if (map.size() <= bit / 8) map.resize(bit / 8 + 1, 0);
  map[bit / 8] = static_cast<uint8_t>(map[bit / 8] | (1u << (bit % 8)));
}

bool InputIdentity::hasBit(const std::vector<uint8_t>& map, unsigned bit) {
  return bit / 8 < map.size() && ((map[bit / 8] >> (bit % 8)) & 1u);
}

bool InputIdentity::supports(uint16_t type, uint16_t code) const {
  auto it = evBits.find(static_cast<uint8_t>(type));
  return type <= 0xff && it != evBits.end() && hasBit(it->second, code);
}

InputIdentity makeInputIdentity(const InputParams& p) {
  namespace c = input::code;
  namespace e = input::ev;
  InputIdentity id;
  id.name = p.name.empty() ? std::string("virtio-sim ") + inputKindName(p.kind) : p.name;
  id.serial = p.serial;
  id.bustype = p.bustype;
  id.vendor = p.vendor;
  id.version = p.version;
  id.product = p.product ? p.product : static_cast<uint16_t>(static_cast<unsigned>(p.kind) + 1);
  auto bits = [&](uint16_t type) -> std::vector<uint8_t>& { return id.evBits[static_cast<uint8_t>(type)]; };
  InputIdentity::setBit(bits(e::kSyn), c::kSynReport);  // every update ends with SYN_REPORT
  switch (p.kind) {
    case InputKind::Keyboard:
      for (unsigned k = 1; k <= c::kLastStandardKey; ++k) InputIdentity::setBit(bits(e::kKey), k);
      for (uint16_t l : {c::kLedNumL, c::kLedCapsL, c::kLedScrollL}) InputIdentity::setBit(bits(e::kLed), l);
      for (uint16_t r : {c::kRepDelay, c::kRepPeriod}) InputIdentity::setBit(bits(e::kRep), r);
      break;
    case InputKind::Mouse:
      for (uint16_t b : {c::kBtnLeft, c::kBtnRight, c::kBtnMiddle, c::kBtnSide, c::kBtnExtra})
        InputIdentity::setBit(bits(e::kKey), b);
      for (uint16_t r : {c::kRelX, c::kRelY, c::kRelWheel}) InputIdentity::setBit(bits(e::kRel), r);
      break;
    case InputKind::Tablet:
      for (uint16_t b : {c::kBtnLeft, c::kBtnRight, c::kBtnMiddle}) InputIdentity::setBit(bits(e::kKey), b);
      for (uint16_t a : {c::kAbsX, c::kAbsY}) InputIdentity::setBit(bits(e::kAbs), a);
      InputIdentity::setBit(bits(e::kRel), c::kRelWheel);
      id.abs[c::kAbsX] = AbsInfo{0, p.absMaxX, 0, 0, p.absRes};
      id.abs[c::kAbsY] = AbsInfo{0, p.absMaxY, 0, 0, p.absRes};
      InputIdentity::setBit(id.props, input::prop::kDirect);  // absolute positions map onto the screen
      break;
  }
  return id;
}

}  // namespace vsim::model

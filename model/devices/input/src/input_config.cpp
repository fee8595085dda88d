#include "vsim/model/input_config.h"

#include <algorithm>
#include <cstring>

namespace vsim::model {

namespace cfg = input::cfg;

namespace {
constexpr const char* kSetBoth = "drivernormative:Device Types / Input Device / Device Initialization#1";
constexpr const char* kOnlySelectors = "drivernormative:Device Types / Input Device / Device Initialization#2";
constexpr const char* kCheckSize = "drivernormative:Device Types / Input Device / Device Initialization#3";

void putLe16(uint8_t* p, uint16_t v) { p[0] = static_cast<uint8_t>(v), p[1] = static_cast<uint8_t>(v >> 8); }
void putLe32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint8_t putString(const std::string& s, uint8_t* u) {
  const size_t n = std::min<size_t>(s.size(), cfg::kUnionBytes);  // no NUL terminator
  std::memcpy(u, s.data(), n);
  return static_cast<uint8_t>(n);
}
uint8_t putBitmap(const std::vector<uint8_t>& map, uint8_t* u) {
  size_t n = std::min<size_t>(map.size(), cfg::kUnionBytes);
  while (n > 0 && map[n - 1] == 0) --n;  // an empty bitmap is "not supported"
  std::memcpy(u, map.data(), n);
  return static_cast<uint8_t>(n);
}
}  // namespace

uint8_t InputConfig::answer(uint8_t select, uint8_t subsel, uint8_t u[cfg::kUnionBytes]) const {
  std::memset(u, 0, cfg::kUnionBytes);
  // devicenormative:Device Types / Input Device / Device Initialization#1: every combination this device does not
  // support (unknown select, non-zero subsel where it must be zero, unknown event type or axis) answers size 0.
  switch (select) {
    case cfg::kIdName: return subsel == 0 ? putString(id_.name, u) : 0;
    case cfg::kIdSerial: return subsel == 0 ? putString(id_.serial, u) : 0;
    case cfg::kIdDevids:
      if (subsel != 0) return 0;
      putLe16(u + 0, id_.bustype);
      putLe16(u + 2, id_.vendor);
      putLe16(u + 4, id_.product);
      putLe16(u + 6, id_.version);
      return cfg::kDevidsBytes;
    case cfg::kPropBits: return subsel == 0 ? putBitmap(id_.props, u) : 0;
    case cfg::kEvBits: {
      auto it = id_.evBits.find(subsel);
      return it == id_.evBits.end() ? 0 : putBitmap(it->second, u);
    }
    case cfg::kAbsInfo: {
      auto it = id_.abs.find(subsel);
      if (it == id_.abs.end()) return 0;
      const AbsInfo& a = it->second;
      putLe32(u + 0, a.min);
      putLe32(u + 4, a.max);
      putLe32(u + 8, a.fuzz);
      putLe32(u + 12, a.flat);
      putLe32(u + 16, a.res);
      return cfg::kAbsInfoBytes;
    }
    default: return 0;  // VIRTIO_INPUT_CFG_UNSET and undefined selectors
  }
}

void InputConfig::refresh() { size_ = answer(select_, subsel_, u_); }

void InputConfig::reset() {
  select_ = subsel_ = 0;
  refresh();
  selWritten_ = subWritten_ = resultRead_ = sizeRead_ = false;
  reportedIncomplete_ = reportedNoSize_ = false;
}

void InputConfig::startQueryIfDone() {
  if (!resultRead_) return;  // still setting up the same query
  selWritten_ = subWritten_ = resultRead_ = sizeRead_ = false;
  reportedIncomplete_ = reportedNoSize_ = false;
}

void InputConfig::read(uint32_t off, void* dst, uint32_t len, const Report& report) {
  uint8_t view[cfg::kConfigBytes] = {};
  view[cfg::kSelectOff] = select_;
  view[cfg::kSubselOff] = subsel_;
  view[cfg::kSizeOff] = size_;
  std::memcpy(view + cfg::kUnionOff, u_, cfg::kUnionBytes);
  std::memcpy(dst, view + off, len);
  const uint32_t end = off + len;
  const bool readsSize = off <= cfg::kSizeOff && end > cfg::kSizeOff;
  const bool readsUnion = end > cfg::kUnionOff;
  if (!readsSize && !readsUnion) return;  // select / subsel / reserved: not part of a query's result
  resultRead_ = true;
  // drivernormative:Device Types / Input Device / Device Initialization#1: both selectors are set for a query
  // (reported once per query; a query that set neither is reported too, it relies on reset values).
  if (!(selWritten_ && subWritten_) && !reportedIncomplete_) {
    reportedIncomplete_ = true;
    const char* missing = !selWritten_ && !subWritten_ ? "select and subsel" : !selWritten_ ? "select" : "subsel";
    report(kSetBoth, "input.query_selector_not_set",
           std::string("configuration result read without setting ") + missing + " for this query",
           {{"select", select_}, {"subsel", subsel_}, {"select_written", selWritten_}, {"subsel_written", subWritten_},
            {"offset", off}, {"len", len}});
  }
  if (readsSize) sizeRead_ = true;
  // drivernormative:Device Types / Input Device / Device Initialization#3: size is read before the union
  // (SHOULD; reported once per query).
  if (readsUnion && !sizeRead_ && !reportedNoSize_) {
    reportedNoSize_ = true;
    report(kCheckSize, "input.union_read_before_size", "configuration union read before the size of this query",
           {{"select", select_}, {"subsel", subsel_}, {"offset", off}, {"len", len}});
  }
}

void InputConfig::write(uint32_t off, const void* src, uint32_t len, const Report& report) {
  const uint8_t* in = static_cast<const uint8_t*>(src);
  bool changed = false;
  for (uint32_t i = 0; i < len; ++i) {
    const uint32_t o = off + i;
    if (o == cfg::kSelectOff || o == cfg::kSubselOff) {
      startQueryIfDone();
      (o == cfg::kSelectOff ? select_ : subsel_) = in[i];
      (o == cfg::kSelectOff ? selWritten_ : subWritten_) = true;
      changed = true;
    }
  }
  if (changed) refresh();
  const uint32_t end = off + len;
  if (end > cfg::kSizeOff) {
    // drivernormative:Device Types / Input Device / Device Initialization#2: only select and subsel are written;
    // the bytes beyond them are ignored.
    const uint32_t first = std::max(off, cfg::kSizeOff);
    report(kOnlySelectors, "input.config_readonly_write",
           "driver wrote configuration bytes other than select and subsel",
           {{"offset", off}, {"len", len}, {"first_readonly_offset", first}});
  }
}

}  // namespace vsim::model

#include "vsim/model/bus.h"

#include <algorithm>
#include <cstring>

namespace vsim::model {

namespace {
uint64_t onesOf(unsigned len) { return len >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * len)) - 1; }
bool validLen(unsigned len) { return len == 1 || len == 2 || len == 4 || len == 8; }
}  // namespace

const char* decodeReasonName(DecodeError::Reason r) {
  switch (r) {
    case DecodeError::Reason::Unmapped: return "unmapped";
    case DecodeError::Reason::Straddle: return "straddles_range_end";
    case DecodeError::Reason::BadWidth: return "bad_width";
    case DecodeError::Reason::TargetRejected: return "target_rejected";
    case DecodeError::Reason::MsiAddress: return "msi_address";
  }
  return "?";
}

// ---------------------------------------------------------------------------------------------------------------
// AddressMap

bool AddressMap::map(Space space, uint64_t base, uint64_t size, BusTarget& target, std::string name) {
  if (size == 0 || base + (size - 1) < base) return false;
  auto& v = ranges_[static_cast<unsigned>(space)];
  const uint64_t last = base + (size - 1);
  auto it = std::lower_bound(v.begin(), v.end(), base, [](const Range& r, uint64_t b) { return r.base < b; });
  if (it != v.end() && it->base <= last) return false;                        // next range starts inside ours
  if (it != v.begin() && std::prev(it)->last() >= base) return false;        // previous range reaches into ours
  v.insert(it, Range{space, base, size, &target, std::move(name)});
  return true;
}

bool AddressMap::unmap(Space space, uint64_t base) {
  auto& v = ranges_[static_cast<unsigned>(space)];
  auto it = std::find_if(v.begin(), v.end(), [&](const Range& r) { return r.base == base; });
  if (it == v.end()) return false;
  v.erase(it);
  return true;
}

const AddressMap::Range* AddressMap::find(Space space, uint64_t addr) const {
  const auto& v = ranges_[static_cast<unsigned>(space)];
  // first range with base > addr, then step back one
  auto it = std::upper_bound(v.begin(), v.end(), addr, [](uint64_t a, const Range& r) { return a < r.base; });
  if (it == v.begin()) return nullptr;
  --it;
  return addr <= it->last() ? &*it : nullptr;
}

// ---------------------------------------------------------------------------------------------------------------
// Bus

void Bus::recordDecodeError(DecodeError e) {
  ++stats_.decodeErrors;
  if (obs_) obs_->onDecodeError(e);
  if (errors_.size() < errorLimit_) errors_.push_back(std::move(e));
}

bool Bus::access(Space space, uint64_t addr, unsigned len, uint64_t* value, bool write) {
  write ? ++stats_.writes : ++stats_.reads;
  DecodeError err;
  err.space = space;
  err.addr = addr;
  err.len = len;
  err.write = write;
  err.value = write ? *value : 0;
  const AddressMap::Range* r = nullptr;
  bool ok = false;
  if (!validLen(len)) {
    err.reason = DecodeError::Reason::BadWidth;
  } else if (!(r = map_.find(space, addr))) {
    err.reason = DecodeError::Reason::Unmapped;
  } else if (len - 1 > r->last() - addr) {
    err.reason = DecodeError::Reason::Straddle;
  } else {
    const uint64_t off = addr - r->base;
    if (write) {
      ok = r->target->write(off, value, len);  // little-endian host: the low bytes come first
    } else {
      uint64_t v = 0;
      ok = r->target->read(off, &v, len);
      if (ok) *value = v & onesOf(len);
    }
    err.reason = DecodeError::Reason::TargetRejected;
  }
  if (!ok && !write) *value = onesOf(len);
  if (r) err.target = r->name;
  if (obs_) {
    const std::string reg = r ? r->target->regName(addr - r->base) : std::string();
    obs_->onAccess(space, addr, len, write ? (*value & onesOf(len)) : *value, write, r ? r->name : std::string(),
                   reg);
  }
  if (!ok) recordDecodeError(std::move(err));
  return ok;
}

uint64_t Bus::read(Space space, uint64_t addr, unsigned len) {
  uint64_t v = 0;
  access(space, addr, len, &v, false);
  return v;
}

bool Bus::tryRead(Space space, uint64_t addr, unsigned len, uint64_t* value) {
  return access(space, addr, len, value, false);
}

bool Bus::write(Space space, uint64_t addr, uint64_t value, unsigned len) {
  return access(space, addr, len, &value, true);
}

}  // namespace vsim::model

// BlkZoneTable: zone layout, the zone state machine, resource accounting and the write checks (no I/O).
#include "vsim/model/blk_zone_table.h"

#include <algorithm>

namespace vsim::model {

const char* blkZoneStateName(BlkZoneState s) {
  switch (s) {
    case BlkZoneState::NotWp: return "not-wp";
    case BlkZoneState::Empty: return "empty";
    case BlkZoneState::ImplicitOpen: return "implicit-open";
    case BlkZoneState::ExplicitOpen: return "explicit-open";
    case BlkZoneState::Closed: return "closed";
    case BlkZoneState::ReadOnly: return "read-only";
    case BlkZoneState::Full: return "full";
    case BlkZoneState::Offline: return "offline";
  }
  return "?";
}

const char* blkZoneResultName(BlkZoneResult r) {
  switch (r) {
    case BlkZoneResult::Ok: return "ok";
    case BlkZoneResult::InvalidCmd: return "invalid-cmd";
    case BlkZoneResult::UnalignedWp: return "unaligned-wp";
    case BlkZoneResult::OpenResource: return "open-resource";
    case BlkZoneResult::ActiveResource: return "active-resource";
  }
  return "?";
}

BlkZoneTable::BlkZoneTable(const BlkZoneLayout& l) : l_(l) {
  if (!l_.zoneSectors) return;
  // devicenormative:Device Types / Block Device / Device Initialization#11: every zone has zone_sectors sectors except the last, which may be shorter.
  for (uint64_t s = 0; s < l_.capacity; s += l_.zoneSectors) {
    BlkZone z;
    z.start = s;
    z.sectors = std::min<uint64_t>(l_.zoneSectors, l_.capacity - s);
    z.cap = z.sectors;
    z.wp = s;
    if (zones_.size() < l_.conventional) {
      z.type = BlkZoneType::Conventional;
      z.state = BlkZoneState::NotWp;  // conventional zones are always reported in the not-write-pointer state
    } else {
      z.type = l_.hostManaged ? BlkZoneType::SeqRequired : BlkZoneType::SeqPreferred;
    }
    zones_.push_back(z);
  }
}

size_t BlkZoneTable::indexOf(uint64_t sector) const {
  if (!l_.zoneSectors || sector >= l_.capacity) return zones_.size();
  return static_cast<size_t>(sector / l_.zoneSectors);
}

void BlkZoneTable::move(size_t i, BlkZoneState to) {
  BlkZone& z = zones_[i];
  if (consumesOpen(z.state)) --open_;
  if (consumesActive(z.state)) --active_;
  if (consumesOpen(to)) ++open_;
  if (consumesActive(to)) ++active_;
  z.state = to;
}

BlkZoneResult BlkZoneTable::reserve(size_t i, BlkZoneState to, bool allowImplicitClose) {
  const BlkZoneState from = zones_[i].state;
  const bool needActive = consumesActive(to) && !consumesActive(from);
  const bool needOpen = consumesOpen(to) && !consumesOpen(from);
  const bool activeShort = needActive && l_.maxActive && active_ >= l_.maxActive;
  bool openShort = needOpen && l_.maxOpen && open_ >= l_.maxOpen;
  // Both limits would be exceeded: the active-resource error wins.
  if (activeShort) return BlkZoneResult::ActiveResource;
  if (openShort && allowImplicitClose) {
    // devicenormative:Device Types / Block Device / Device Operation#34: an implicitly open zone may be closed by the device to make room for an implicit open.
    for (size_t k = 0; k < zones_.size() && openShort; ++k)
      if (k != i && zones_[k].state == BlkZoneState::ImplicitOpen) {
        move(k, zones_[k].wp > zones_[k].start ? BlkZoneState::Closed : BlkZoneState::Empty);
        openShort = false;
      }
  }
  if (openShort) return BlkZoneResult::OpenResource;
  return BlkZoneResult::Ok;
}

BlkZoneResult BlkZoneTable::open(size_t i) {
  BlkZone& z = zones_[i];
  // devicenormative:Device Types / Block Device / Device Operation#19: open, close, finish and reset of a conventional zone are invalid commands.
  if (!z.sequential()) return BlkZoneResult::InvalidCmd;
  switch (z.state) {
    case BlkZoneState::ExplicitOpen: return BlkZoneResult::Ok;
    case BlkZoneState::Empty:
    case BlkZoneState::ImplicitOpen:
    case BlkZoneState::Closed: {
      // devicenormative:Device Types / Block Device / Device Operation#22: not enough open / active resources: the state stays and the request fails with a resource status.
      const BlkZoneResult r = reserve(i, BlkZoneState::ExplicitOpen, false);
      if (r != BlkZoneResult::Ok) return r;
      move(i, BlkZoneState::ExplicitOpen);
      return BlkZoneResult::Ok;
    }
    default:
      // devicenormative:Device Types / Block Device / Device Operation#21: full, read-only and offline zones cannot be opened: invalid command.
      return BlkZoneResult::InvalidCmd;
  }
}

BlkZoneResult BlkZoneTable::close(size_t i) {
  BlkZone& z = zones_[i];
  // devicenormative:Device Types / Block Device / Device Operation#19: (close of a conventional zone)
  if (!z.sequential()) return BlkZoneResult::InvalidCmd;
  switch (z.state) {
    case BlkZoneState::Closed:
    case BlkZoneState::Empty: return BlkZoneResult::Ok;  // nothing to close
    case BlkZoneState::ImplicitOpen:
    case BlkZoneState::ExplicitOpen:
      move(i, z.wp > z.start ? BlkZoneState::Closed : BlkZoneState::Empty);
      return BlkZoneResult::Ok;
    default:
      // devicenormative:Device Types / Block Device / Device Operation#23: full, read-only and offline zones cannot be closed: invalid command.
      return BlkZoneResult::InvalidCmd;
  }
}

BlkZoneResult BlkZoneTable::finish(size_t i) {
  BlkZone& z = zones_[i];
  // devicenormative:Device Types / Block Device / Device Operation#19: (finish of a conventional zone)
  if (!z.sequential()) return BlkZoneResult::InvalidCmd;
  switch (z.state) {
    case BlkZoneState::Full: return BlkZoneResult::Ok;
    case BlkZoneState::Empty:
    case BlkZoneState::ImplicitOpen:
    case BlkZoneState::ExplicitOpen:
    case BlkZoneState::Closed:
      move(i, BlkZoneState::Full);
      z.wp = z.start + z.cap;  // what lies between the old write pointer and the capacity stays unwritten data
      return BlkZoneResult::Ok;
    default:
      // devicenormative:Device Types / Block Device / Device Operation#24: read-only and offline zones cannot be finished: invalid command, state unchanged.
      return BlkZoneResult::InvalidCmd;
  }
}

BlkZoneResult BlkZoneTable::reset(size_t i) {
  BlkZone& z = zones_[i];
  // devicenormative:Device Types / Block Device / Device Operation#19: (reset of a conventional zone)
  if (!z.sequential()) return BlkZoneResult::InvalidCmd;
  switch (z.state) {
    case BlkZoneState::Empty:
    case BlkZoneState::ImplicitOpen:
    case BlkZoneState::ExplicitOpen:
    case BlkZoneState::Closed:
    case BlkZoneState::Full:
      move(i, BlkZoneState::Empty);
      z.wp = z.start;
      z.written = 0;
      return BlkZoneResult::Ok;
    default:
      // devicenormative:Device Types / Block Device / Device Operation#25: read-only and offline zones cannot be reset: invalid command, state unchanged.
      return BlkZoneResult::InvalidCmd;
  }
}

void BlkZoneTable::resetAll() {
  for (size_t i = 0; i < zones_.size(); ++i) {
    const BlkZoneState s = zones_[i].state;
    if (zones_[i].sequential() && (consumesActive(s) || s == BlkZoneState::Full)) reset(i);
  }
}

BlkZoneResult BlkZoneTable::checkWrite(size_t i, uint64_t sector, uint64_t sectors, uint32_t granularity) const {
  const BlkZone& z = zones_[i];
  if (!z.sequential()) return BlkZoneResult::Ok;
  switch (z.state) {
    case BlkZoneState::ReadOnly:
    case BlkZoneState::Offline:
    case BlkZoneState::Full: return BlkZoneResult::InvalidCmd;
    default: break;
  }
  // devicenormative:Device Types / Block Device / Device Operation#32: a range in a sequential-write-required zone stays inside it.
  if (z.type == BlkZoneType::SeqRequired && sector + sectors > z.end()) return BlkZoneResult::InvalidCmd;
  if (z.type == BlkZoneType::SeqRequired) {
    // devicenormative:Device Types / Block Device / Device Operation#33: a write in a SWR zone starts at the write pointer and ends on the write granularity, else unaligned-write-pointer.
    const uint64_t endBytes = (sector + sectors) * 512;
    if (sector != z.wp || (granularity && endBytes % granularity)) return BlkZoneResult::UnalignedWp;
  }
  // devicenormative:Device Types / Block Device / Device Operation#28: the data must fit in what is left of the zone's capacity.
  if (sector + sectors > z.start + z.cap) return BlkZoneResult::InvalidCmd;
  return BlkZoneResult::Ok;
}

BlkZoneResult BlkZoneTable::commitWrite(size_t i, uint64_t sector, uint64_t sectors) {
  BlkZone& z = zones_[i];
  if (!z.sequential() || sectors == 0) return BlkZoneResult::Ok;
  if (z.state == BlkZoneState::Empty || z.state == BlkZoneState::Closed) {
    // devicenormative:Device Types / Block Device / Device Operation#26: the implicit open before the write may fail for lack of resources (resource status, nothing written).
    const BlkZoneResult r = reserve(i, BlkZoneState::ImplicitOpen, true);
    if (r != BlkZoneResult::Ok) return r;
    move(i, BlkZoneState::ImplicitOpen);
  }
  z.wp = std::max(z.wp, sector + sectors);
  z.written = std::max(z.written, z.wp - z.start);
  if (z.wp >= z.start + z.cap) move(i, BlkZoneState::Full);
  return BlkZoneResult::Ok;
}

void BlkZoneTable::setCondition(size_t i, BlkZoneState s) {
  if (!zones_[i].sequential()) return;
  move(i, s);
  if (s == BlkZoneState::Empty) zones_[i].wp = zones_[i].start, zones_[i].written = 0;
}

}  // namespace vsim::model

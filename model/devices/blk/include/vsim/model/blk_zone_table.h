// BlkZoneTable: the zones of a zoned block device (VIRTIO_BLK_F_ZONED) and their state machine, without any I/O:
// zone types (conventional, sequential write required / preferred), states (empty, implicitly / explicitly open,
// closed, full, read-only, offline), write pointers, the open / active resource counters and their limits, and the
// checks a write or an append must pass. BlkDevice (blk_zoned.cpp) drives it; the unit tests drive it directly.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace vsim::model {

/// Zone types (virtio_blk_zone_descriptor.z_type).
enum class BlkZoneType : uint8_t { Conventional = 1, SeqRequired = 2, SeqPreferred = 3 };
/// Zone states (virtio_blk_zone_descriptor.z_state).
enum class BlkZoneState : uint8_t {
  NotWp = 0, Empty = 1, ImplicitOpen = 2, ExplicitOpen = 3, Closed = 4, ReadOnly = 13, Full = 14, Offline = 15
};
/// What a zone operation or a write check came to (maps onto the status byte).
enum class BlkZoneResult : uint8_t { Ok, InvalidCmd, UnalignedWp, OpenResource, ActiveResource };
const char* blkZoneStateName(BlkZoneState s);
const char* blkZoneResultName(BlkZoneResult r);

struct BlkZone {
  uint64_t start = 0;     ///< first sector
  uint64_t sectors = 0;   ///< zone size (the last zone may be smaller)
  uint64_t cap = 0;       ///< writable capacity (sectors)
  uint64_t wp = 0;        ///< write pointer (absolute sector); meaningful for sequential zones not full / RO / offline
  uint64_t written = 0;   ///< sectors from start that hold written data (finish keeps it; reset clears it)
  BlkZoneType type = BlkZoneType::SeqRequired;
  BlkZoneState state = BlkZoneState::Empty;
  bool sequential() const { return type != BlkZoneType::Conventional; }
  uint64_t end() const { return start + sectors; }
};

struct BlkZoneLayout {
  uint64_t capacity = 0;        ///< sectors
  uint32_t zoneSectors = 0;
  uint32_t conventional = 0;    ///< the first N zones are conventional
  bool hostManaged = true;      ///< sequential zones are SWR (host-managed) or SWP (host-aware)
  uint32_t maxOpen = 0;         ///< 0 = no limit
  uint32_t maxActive = 0;       ///< 0 = no limit
};

class BlkZoneTable {
 public:
  BlkZoneTable() = default;
  explicit BlkZoneTable(const BlkZoneLayout& l);

  size_t count() const { return zones_.size(); }
  const BlkZone& zone(size_t i) const { return zones_[i]; }
  /// Zone holding `sector`; count() when the sector is past the capacity.
  size_t indexOf(uint64_t sector) const;
  uint32_t openCount() const { return open_; }
  uint32_t activeCount() const { return active_; }
  const BlkZoneLayout& layout() const { return l_; }

  /// @name Zone management (the zone request types); the zone's state is unchanged unless Ok.
  /// @{
  BlkZoneResult open(size_t i);
  BlkZoneResult close(size_t i);
  BlkZoneResult finish(size_t i);
  BlkZoneResult reset(size_t i);
  void resetAll();
  /// @}

  /// Whether `sectors` may be written at `sector` of zone i (OUT, or an append at the write pointer); nothing
  /// changes. granularity = write_granularity in bytes.
  BlkZoneResult checkWrite(size_t i, uint64_t sector, uint64_t sectors, uint32_t granularity) const;
  /// Record a write that passed checkWrite (implicit open, write pointer, full). Returns the implicit-open result
  /// (resources); on failure nothing changed and no data may be written.
  BlkZoneResult commitWrite(size_t i, uint64_t sector, uint64_t sectors);
  /// Host side: a zone goes read-only or offline (a failing medium), or back to empty after a host repair.
  void setCondition(size_t i, BlkZoneState s);

 private:
  bool consumesOpen(BlkZoneState s) const { return s == BlkZoneState::ImplicitOpen || s == BlkZoneState::ExplicitOpen; }
  bool consumesActive(BlkZoneState s) const { return consumesOpen(s) || s == BlkZoneState::Closed; }
  /// Resources to move zone i into `to`; may close an implicitly open zone to make room (allowImplicitClose).
  BlkZoneResult reserve(size_t i, BlkZoneState to, bool allowImplicitClose);
  void move(size_t i, BlkZoneState to);

  BlkZoneLayout l_;
  std::vector<BlkZone> zones_;
  uint32_t open_ = 0, active_ = 0;
};

}  // namespace vsim::model

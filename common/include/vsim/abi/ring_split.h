// Split virtqueue wire layout (virtio 1.4, "Split Virtqueues"). Little-endian, as a modern device sees it.
#pragma once
#include <cstddef>
#include <cstdint>

namespace vsim::split {

constexpr uint16_t kDescFNext = 1;      ///< VIRTQ_DESC_F_NEXT
constexpr uint16_t kDescFWrite = 2;     ///< VIRTQ_DESC_F_WRITE
constexpr uint16_t kDescFIndirect = 4;  ///< VIRTQ_DESC_F_INDIRECT
constexpr uint16_t kAvailFNoInterrupt = 1;  ///< VIRTQ_AVAIL_F_NO_INTERRUPT (driver -> device)
constexpr uint16_t kUsedFNoNotify = 1;      ///< VIRTQ_USED_F_NO_NOTIFY (device -> driver)

constexpr uint32_t kMaxQueueSize = 32768;

/// Alignment the spec requires of each part: descriptor table, available ring, used ring.
constexpr uint64_t kDescAlign = 16, kAvailAlign = 2, kUsedAlign = 4;

struct Desc {
  uint64_t addr;
  uint32_t len;
  uint16_t flags;
  uint16_t next;
};
static_assert(sizeof(Desc) == 16 && offsetof(Desc, len) == 8 && offsetof(Desc, flags) == 12 &&
              offsetof(Desc, next) == 14);

struct UsedElem {
  uint32_t id;
  uint32_t len;
};
static_assert(sizeof(UsedElem) == 8);

// Offsets inside the driver area (avail ring) and device area (used ring) for a queue of size n.
constexpr uint64_t availFlagsOff() { return 0; }
constexpr uint64_t availIdxOff() { return 2; }
constexpr uint64_t availRingOff(uint32_t i) { return 4 + 2ull * i; }
constexpr uint64_t usedEventOff(uint32_t n) { return 4 + 2ull * n; }  ///< used_event lives after avail ring
constexpr uint64_t availBytes(uint32_t n) { return 6 + 2ull * n; }
constexpr uint64_t usedFlagsOff() { return 0; }
constexpr uint64_t usedIdxOff() { return 2; }
constexpr uint64_t usedRingOff(uint32_t i) { return 4 + 8ull * i; }
constexpr uint64_t availEventOff(uint32_t n) { return 4 + 8ull * n; }  ///< avail_event lives after used ring
constexpr uint64_t usedBytes(uint32_t n) { return 6 + 8ull * n; }
constexpr uint64_t descBytes(uint32_t n) { return 16ull * n; }

static_assert(availBytes(256) == 518 && usedBytes(256) == 2054);

/// The EVENT_IDX test both sides use: did moving from old to new_idx pass event? (mod 2^16)
constexpr bool needEvent(uint16_t event, uint16_t newIdx, uint16_t old) {
  return static_cast<uint16_t>(newIdx - event - 1) < static_cast<uint16_t>(newIdx - old);
}

}  // namespace vsim::split

// Packed virtqueue wire layout (virtio 1.4, "Packed Virtqueues"). Little-endian.
#pragma once
#include <cstddef>
#include <cstdint>

namespace vsim::packed {

constexpr uint16_t kDescFNext = 1;       ///< VIRTQ_DESC_F_NEXT
constexpr uint16_t kDescFWrite = 2;      ///< VIRTQ_DESC_F_WRITE
constexpr uint16_t kDescFIndirect = 4;   ///< VIRTQ_DESC_F_INDIRECT
constexpr uint16_t kDescFAvail = 1u << 7;  ///< VIRTQ_DESC_F_AVAIL
constexpr uint16_t kDescFUsed = 1u << 15;  ///< VIRTQ_DESC_F_USED

constexpr uint16_t kEventFlagsEnable = 0;   ///< RING_EVENT_FLAGS_ENABLE
constexpr uint16_t kEventFlagsDisable = 1;  ///< RING_EVENT_FLAGS_DISABLE
constexpr uint16_t kEventFlagsDesc = 2;     ///< RING_EVENT_FLAGS_DESC (needs EVENT_IDX)

constexpr uint32_t kMaxQueueSize = 32768;
constexpr uint64_t kDescAlign = 16, kEventAlign = 4;

struct Desc {
  uint64_t addr;
  uint32_t len;
  uint16_t id;
  uint16_t flags;
};
static_assert(sizeof(Desc) == 16 && offsetof(Desc, len) == 8 && offsetof(Desc, id) == 12 &&
              offsetof(Desc, flags) == 14);

/// Event suppression structure: the driver area (driver -> device) and the device area (device -> driver).
struct EventSuppress {
  uint16_t offWrap;  ///< bits 0..14 descriptor offset, bit 15 wrap counter
  uint16_t flags;    ///< bits 0..1 one of kEventFlags*
};
static_assert(sizeof(EventSuppress) == 4 && offsetof(EventSuppress, flags) == 2);

constexpr uint64_t descBytes(uint32_t n) { return 16ull * n; }

/// A descriptor is available to the device when AVAIL equals the wrap counter and USED differs from it.
constexpr bool isAvail(uint16_t flags, bool wrap) {
  return (((flags & kDescFAvail) != 0) == wrap) && (((flags & kDescFUsed) != 0) != wrap);
}
/// A descriptor is used (returned to the driver) when AVAIL and USED both equal the wrap counter.
constexpr bool isUsed(uint16_t flags, bool wrap) {
  return (((flags & kDescFAvail) != 0) == wrap) && (((flags & kDescFUsed) != 0) == wrap);
}

}  // namespace vsim::packed

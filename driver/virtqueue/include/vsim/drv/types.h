// Small value types shared by the driver-side virtqueues and the raw ring builders.
#pragma once
#include <cstdint>

namespace vsim::drv {

/// Where the three parts of one virtqueue live in guest memory, and its size (what the driver writes to the
/// transport's queue registers).
struct RingAddrs {
  uint32_t size = 0;    ///< queue size (number of descriptors)
  uint64_t desc = 0;    ///< descriptor area (split: descriptor table; packed: descriptor ring)
  uint64_t driver = 0;  ///< driver area (split: available ring; packed: driver event suppression)
  uint64_t device = 0;  ///< device area (split: used ring; packed: device event suppression)
};

/// One buffer element handed to add(): a guest-physical range and its direction as the device sees it.
struct Buf {
  uint64_t addr = 0;
  uint32_t len = 0;
  bool writable = false;  ///< device-writable (VIRTQ_DESC_F_WRITE); readable buffers must come first
};

/// One reclaimed buffer: the caller's cookie and the byte count the device reported as written.
struct UsedBuf {
  uint64_t cookie = 0;
  uint32_t len = 0;
};

/// Negative results of DriverQueue::add().
enum AddError : int {
  kAddNoSpace = -1,  ///< not enough free descriptors (or no free indirect table / buffer id); retry after getUsed
  kAddInvalid = -2,  ///< bad arguments: n == 0, writable before readable, chain too long, INDIRECT not negotiated
  kAddBroken = -3,   ///< the queue is unconfigured or broken (a device violation was seen); reset it
};

/// Knobs that are driver policy, not negotiated features.
struct DriverQueueOptions {
  /// Longest chain one indirect table can hold (descriptors). 0 disables the indirect pool.
  uint32_t maxIndirectLen = 32;
  /// Indirect tables pre-allocated when VIRTIO_F_INDIRECT_DESC is negotiated; 0 = min(queue size, 128).
  /// They come from the GuestAllocator once, at configure, and are recycled (no allocation per add).
  uint32_t indirectTables = 0;
};

/// Called by kick() when a notification is due: value is the 16-bit queue index, or the 32-bit
/// NOTIFICATION_DATA payload when that feature was negotiated. A plain function pointer (hot path).
using NotifyFn = void (*)(void* ctx, int queueIndex, uint32_t value);

}  // namespace vsim::drv

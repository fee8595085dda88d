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
  /// Non-zero: legacy interface layout (split only). The three parts live in one physically-contiguous block
  /// aligned to legacyAlign: descriptor table, the available ring right after it, the used ring at the next
  /// legacyAlign boundary (see legacySplitLayout()). Used for PCI legacy (QUEUE_PFN, 4096) and MMIO version 1
  /// (QueueAlign / GuestPageSize). Must be a power of two. 0 = modern layout (three separate allocations).
  uint32_t legacyAlign = 0;
};

/// Offsets of the legacy split-ring layout of a queue of `size` entries with used-ring alignment `align`
/// (virtio 1.4, "Legacy Interfaces: A Note on Virtqueue Layout"): descriptor table at 0, available ring right
/// after it (flags, idx, ring[size], used_event), used ring at the next multiple of align; total = both halves
/// rounded up to align.
struct LegacySplitLayout {
  uint64_t availOff = 0;
  uint64_t usedOff = 0;
  uint64_t totalBytes = 0;
};
constexpr LegacySplitLayout legacySplitLayout(uint32_t size, uint32_t align) {
  const uint64_t a = align ? align : 1;
  const uint64_t descBytes = 16ull * size;
  const uint64_t availBytes = 6 + 2ull * size;  // flags, idx, ring[size], used_event
  const uint64_t usedBytes = 6 + 8ull * size;   // flags, idx, ring[size], avail_event
  LegacySplitLayout l;
  l.availOff = descBytes;
  l.usedOff = (descBytes + availBytes + a - 1) / a * a;
  l.totalBytes = l.usedOff + (usedBytes + a - 1) / a * a;
  return l;
}
static_assert(legacySplitLayout(256, 4096).usedOff == 8192 && legacySplitLayout(256, 4096).totalBytes == 12288);
static_assert(legacySplitLayout(128, 4096).availOff == 2048 && legacySplitLayout(128, 4096).usedOff == 4096);

/// Called by kick() when a notification is due: value is the 16-bit queue index, or the 32-bit
/// NOTIFICATION_DATA payload when that feature was negotiated. A plain function pointer (hot path).
using NotifyFn = void (*)(void* ctx, int queueIndex, uint32_t value);

}  // namespace vsim::drv

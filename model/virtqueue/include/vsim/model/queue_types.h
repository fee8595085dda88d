// Types shared by the device-side virtqueue engines (split and packed).
#pragma once
#include <cstdint>
#include <vector>

namespace vsim::model {

/// Where the driver put the three parts of a queue, as written through the transport registers.
struct QueueLayout {
  uint32_t size = 0;    ///< number of descriptors (queue size)
  uint64_t desc = 0;    ///< descriptor area (split: descriptor table; packed: descriptor ring)
  uint64_t driver = 0;  ///< driver area (split: available ring; packed: driver event suppression)
  uint64_t device = 0;  ///< device area (split: used ring; packed: device event suppression)
};

/// One buffer element of a chain, after indirect tables are flattened.
struct Segment {
  uint64_t addr;
  uint32_t len;
  bool writable;
};

/// A descriptor chain the device popped: what to read, where to write, and how to give it back.
struct Chain {
  uint16_t id = 0;         ///< split: head descriptor index; packed: buffer id of the last descriptor
  uint16_t ringSlots = 0;  ///< descriptors the chain occupies in the ring itself (an indirect table counts as 1)
  uint16_t ringPos = 0;    ///< split: avail ring index it came from; packed: descriptor slot of its head
  bool indirect = false;
  std::vector<Segment> segs;  ///< readable segments first, then writable
  uint64_t readableBytes = 0;
  uint64_t writableBytes = 0;

  void clear() {
    segs.clear();
    readableBytes = writableBytes = 0;
    indirect = false;
    ringSlots = 0;
  }
};

enum class PopStatus : uint8_t {
  Ok,      ///< a chain was returned
  Empty,   ///< nothing new is available
  Broken,  ///< the queue is broken (a driver violation made it unusable); the device should ask for a reset
};

/// Counters a queue keeps (the timing model and statistics read them).
struct QueueStats {
  uint64_t chainsPopped = 0;
  uint64_t chainsUsed = 0;
  uint64_t descriptorsRead = 0;
  uint64_t notificationsSent = 0;       ///< used buffer notifications the queue asked for
  uint64_t notificationsSuppressed = 0;  ///< used buffer notifications suppressed by the driver
  uint64_t driverNotifications = 0;      ///< available buffer notifications received
  uint64_t violations = 0;
};

}  // namespace vsim::model

// PackedDriverQueue: driver side of a packed virtqueue (descriptor ring + two event suppression structures).
#pragma once
#include <vector>

#include "vsim/abi/ring_packed.h"
#include "vsim/drv/driver_queue.h"

namespace vsim::drv {

class PackedDriverQueue final : public DriverQueue {
 public:
  explicit PackedDriverQueue(ViolationSink& sink, const DriverQueueOptions& opts = {})
      : DriverQueue(sink, opts) {}

  bool configure(uint32_t size, uint64_t features, GuestMemory& mem, GuestAllocator& alloc,
                 int queueIndex) override;
  int add(const Buf* bufs, size_t n, uint64_t cookie, bool useIndirect = false) override;
  bool needsNotify() override;
  uint32_t notificationData() const override;
  bool getUsed(uint64_t* cookie, uint32_t* len) override;
  void disableInterrupts() override;
  bool enableInterrupts() override;
  bool hasUsed() override;
  void reset() override;
  bool detachUnused(uint64_t* cookie) override;
  bool isPacked() const override { return true; }

  /// Next slot the driver will fill and its Driver Ring Wrap Counter.
  uint16_t nextAvail() const { return nextAvail_; }
  bool availWrap() const { return availWrap_; }
  /// Next slot the driver polls for a used descriptor and the wrap counter it expects there.
  uint16_t lastUsed() const { return lastUsed_; }
  bool usedWrap() const { return usedWrap_; }

 private:
  /// What the driver remembers about a buffer, indexed by buffer id (never read back from the ring).
  struct Buffer {
    uint64_t cookie = 0;
    uint64_t writable = 0;
    int32_t table = -1;
    uint16_t ndescs = 0;  ///< ring slots it occupies (indirect: 1)
    uint16_t seq = 0;     ///< order it was made available in (IN_ORDER batch arithmetic)
    bool outstanding = false;
  };

  void initState();
  void freeId(uint16_t id);
  bool deliver(uint64_t* cookie, uint32_t* len);
  bool usedAtLastUsed();

  uint16_t nextAvail_ = 0, lastUsed_ = 0;
  bool availWrap_ = true, usedWrap_ = true;
  uint16_t eventFlagsShadow_ = packed::kEventFlagsEnable;  ///< driver event suppression flags we wrote
  bool forceNotify_ = false;
  // Buffer ids: a free stack (any order) or, with IN_ORDER, a sequential counter.
  std::vector<uint16_t> freeIds_;
  uint16_t nextId_ = 0;       ///< IN_ORDER: next id to hand out
  uint16_t oldestId_ = 0;     ///< IN_ORDER: oldest outstanding id
  uint16_t seqAdded_ = 0;     ///< buffers made available so far (mod 2^16)
  uint16_t seqDone_ = 0;      ///< buffers reclaimed so far (mod 2^16)
  uint32_t batchLeft_ = 0;
  uint16_t batchLastId_ = 0;
  uint32_t batchLastLen_ = 0;
  uint32_t detachPos_ = 0;
  std::vector<Buffer> bufs_;
  std::vector<packed::Desc> scratch_;
};

}  // namespace vsim::drv

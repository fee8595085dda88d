// SplitDriverQueue: driver side of a split virtqueue (descriptor table, available ring, used ring).
#pragma once
#include <vector>

#include "vsim/abi/ring_split.h"
#include "vsim/drv/driver_queue.h"

namespace vsim::drv {

class SplitDriverQueue final : public DriverQueue {
 public:
  explicit SplitDriverQueue(ViolationSink& sink, const DriverQueueOptions& opts = {}) : DriverQueue(sink, opts) {}

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
  bool isPacked() const override { return false; }

  /// Driver's shadow of avail->idx (next entry to publish) and of the next used entry it will read.
  uint16_t availIdx() const { return availIdx_; }
  uint16_t lastUsedIdx() const { return lastUsed_; }

 private:
  /// What the driver remembers about a chain, indexed by its head descriptor (never read back from the ring).
  struct Head {
    uint64_t cookie = 0;
    uint64_t writable = 0;   ///< total device-writable bytes of the chain
    int32_t table = -1;      ///< indirect table index, or -1
    uint16_t ndescs = 0;     ///< descriptors the chain occupies in the table (indirect: 1)
    uint16_t availPos = 0;   ///< avail idx value it was published at (IN_ORDER batch arithmetic)
    bool outstanding = false;
  };

  void initState();
  void freeChain(uint16_t head);
  bool deliver(uint64_t* cookie, uint32_t* len);
  void writeDesc(uint32_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next);

  uint16_t mask_ = 0;
  uint16_t availIdx_ = 0;       ///< shadow of avail->idx
  uint16_t lastUsed_ = 0;       ///< next used ring entry to consume
  uint16_t usedIdxShadow_ = 0;  ///< last used->idx value read
  uint16_t freeHead_ = 0;       ///< free list head (not IN_ORDER) / next descriptor to allocate (IN_ORDER)
  uint16_t availFlagsShadow_ = 0;
  bool forceNotify_ = false;
  bool usedFlagsReported_ = false;
  // IN_ORDER batch being delivered: buffers still to hand out, and the one the used entry named.
  uint32_t batchLeft_ = 0;
  uint16_t batchLastHead_ = 0;
  uint32_t batchLastLen_ = 0;
  uint32_t detachPos_ = 0;
  std::vector<uint16_t> next_;        ///< shadow of desc[i].next (free list links)
  std::vector<Head> heads_;
  std::vector<uint16_t> availShadow_;  ///< shadow of avail->ring[]
  std::vector<split::Desc> scratch_;   ///< indirect table staging (sized at configure)
};

}  // namespace vsim::drv

// SplitRing: device side of a split virtqueue (descriptor table, available ring, used ring).
#pragma once
#include <vector>

#include "vsim/abi/ring_split.h"
#include "vsim/model/device_queue.h"

namespace vsim::model {

class SplitRing final : public DeviceQueue {
 public:
  using DeviceQueue::DeviceQueue;

  bool configure(const QueueLayout& layout, uint64_t features, int queueIndex) override;
  void reset() override;
  PopStatus pop(Chain& out) override;
  void push(const Chain& c, uint32_t written) override;
  void pushInOrderBatch(const Chain* const* chains, size_t n, uint32_t lastWritten) override;
  bool shouldNotify() override;
  void setDriverNotifications(bool enable) override;
  void onNotification(bool hasData, uint32_t data) override;
  bool empty() override;
  bool isPacked() const override { return false; }

  uint16_t lastAvailIdx() const { return lastAvail_; }
  uint16_t usedIdx() const { return usedIdx_; }

 private:
  bool refreshAvailIdx();
  bool walkChain(uint16_t head, Chain& out);
  bool addSegment(Chain& out, uint64_t addr, uint32_t len, bool writable, bool& seenWritable);
  void writeUsed(uint16_t slotIdx, uint32_t id, uint32_t len);
  void publishUsedIdx();
  uint32_t slot(uint16_t idx) const { return pow2_ ? (idx & (layout_.size - 1)) : (idx % layout_.size); }

  bool pow2_ = true;
  bool eventIdx_ = false, inOrder_ = false, indirect_ = false, notifData_ = false;
  uint16_t lastAvail_ = 0;    // next avail ring index to consume
  uint16_t shadowAvail_ = 0;  // last avail idx read from the ring
  uint16_t usedIdx_ = 0;      // next used ring index to write
  uint16_t signalledUsed_ = 0;  // used idx at the last notification decision
  std::vector<uint8_t> outstanding_;  // per head: popped and not yet returned
  bool reportedFlags_ = false;
  bool driverNotify_ = true;          // the device wants available buffer notifications
  uint16_t availEventWritten_ = 0;    // EVENT_IDX: avail_event value last published
};

}  // namespace vsim::model

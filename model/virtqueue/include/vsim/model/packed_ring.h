// PackedRing: device side of a packed virtqueue (descriptor ring + two event suppression structures).
#pragma once
#include <vector>

#include "vsim/abi/ring_packed.h"
#include "vsim/model/device_queue.h"

namespace vsim::model {

class PackedRing final : public DeviceQueue {
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
  bool isPacked() const override { return true; }

  uint16_t nextAvail() const { return nextAvail_; }
  bool availWrap() const { return availWrap_; }
  uint16_t nextUsed() const { return nextUsed_; }
  bool usedWrap() const { return usedWrap_; }

 private:
  bool readDesc(uint32_t slot, packed::Desc& d);
  bool addSegment(Chain& out, uint64_t addr, uint32_t len, bool writable, bool& seenWritable, uint16_t slot);
  bool walkIndirect(const packed::Desc& d, Chain& out, bool& seenWritable, uint16_t slot);
  void writeUsedDesc(uint16_t id, uint32_t len);
  void advanceUsed(uint32_t slots);
  /// Position on the 2*size cycle that (slot, wrap) names; monotone as the ring advances.
  uint32_t linear(uint32_t slot, bool wrap) const { return slot + (wrap ? 0 : layout_.size); }
  uint32_t distance(uint32_t from, uint32_t to) const { return (to + 2 * layout_.size - from) % (2 * layout_.size); }

  bool eventIdx_ = false, inOrder_ = false, indirect_ = false, notifData_ = false;
  uint16_t nextAvail_ = 0;
  bool availWrap_ = true;
  uint16_t nextUsed_ = 0;
  bool usedWrap_ = true;
  uint32_t signalledLin_ = 0;          // used position (linear) at the last notification decision
  std::vector<uint64_t> outstanding_;  // bit per buffer id (65536): popped and not yet returned
  bool isOut(uint16_t id) const { return (outstanding_[id >> 6] >> (id & 63)) & 1; }
  void setOut(uint16_t id, bool v) {
    if (v) outstanding_[id >> 6] |= uint64_t{1} << (id & 63);
    else outstanding_[id >> 6] &= ~(uint64_t{1} << (id & 63));
  }
};

}  // namespace vsim::model

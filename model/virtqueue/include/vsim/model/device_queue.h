// DeviceQueue: the device side of one virtqueue, independent of transport and of SystemC.
//
// Register-level shape (as the transports use it): configure() when the driver enables the queue, pop() to take
// chains, push() to return them, shouldNotify() to decide on a used buffer notification, onNotification() when the
// driver notifies, reset() for device or queue reset. Driver-normative rules the device can observe are checked as
// it goes and reported to the ViolationSink with their clause IDs; a violation that leaves the queue unusable puts
// it in the broken state (the transport turns that into DEVICE_NEEDS_RESET).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vsim/guest_memory.h"
#include "vsim/model/queue_types.h"
#include "vsim/violation.h"

namespace vsim::model {

/// Engine knobs that are not negotiated features (device policy; all have spec-legal defaults).
struct QueueLimits {
  /// Longest chain (descriptors, after flattening indirect tables) the device accepts; 0 = queue size.
  uint32_t maxChainDescriptors = 0;
};

class DeviceQueue {
 public:
  DeviceQueue(GuestMemory& mem, ViolationSink& sink) : mem_(mem), sink_(sink) {}
  virtual ~DeviceQueue() = default;
  DeviceQueue(const DeviceQueue&) = delete;
  DeviceQueue& operator=(const DeviceQueue&) = delete;

  /// Take the layout and negotiated features when the driver enables the queue. Checks the layout rules
  /// (alignment, parts inside guest memory); returns false and breaks the queue if it cannot be used.
  virtual bool configure(const QueueLayout& layout, uint64_t features, int queueIndex) = 0;
  /// Forget all state (device reset or RING_RESET); the queue is unconfigured afterwards.
  virtual void reset() = 0;
  /// Pop the next available chain into out (reusing its storage).
  virtual PopStatus pop(Chain& out) = 0;
  /// Return a chain to the driver with the number of bytes written into its writable part.
  virtual void push(const Chain& c, uint32_t written) = 0;
  /// IN_ORDER: return n chains (in the order they were popped) with one used entry naming the last one, written
  /// at the batch's first used position; the used position then skips the whole batch.
  /// Falls back to n single pushes when IN_ORDER was not negotiated.
  virtual void pushInOrderBatch(const Chain* const* chains, size_t n, uint32_t lastWritten) = 0;
  /// After pushes: does the driver want a used buffer notification now? (flags / EVENT_IDX / event structure)
  virtual bool shouldNotify() = 0;
  /// Device-side suppression of available buffer notifications: enable=false asks the driver not to notify.
  /// With EVENT_IDX (split) or event structure (packed) the hint says "notify when you pass my current position".
  virtual void setDriverNotifications(bool enable) = 0;
  /// An available buffer notification arrived. With NOTIFICATION_DATA, data is the 32-bit payload.
  virtual void onNotification(bool hasData, uint32_t data) = 0;
  /// True when nothing is available (cheap; used to re-check after re-enabling notifications).
  virtual bool empty() = 0;

  /// Copy from the readable part of a chain starting at byte offset; returns bytes copied.
  uint64_t readFromChain(const Chain& c, uint64_t offset, void* dst, uint64_t len);
  /// Copy into the writable part of a chain starting at byte offset; never touches readable segments.
  uint64_t writeToChain(const Chain& c, uint64_t offset, const void* src, uint64_t len);

  bool configured() const { return configured_; }
  bool broken() const { return broken_; }
  int index() const { return index_; }
  uint32_t size() const { return layout_.size; }
  const QueueLayout& layout() const { return layout_; }
  uint64_t features() const { return features_; }
  const QueueStats& stats() const { return stats_; }
  /// Chains popped and not yet pushed back.
  uint32_t inFlight() const { return inFlight_; }
  void setLimits(const QueueLimits& l) { limits_ = l; }
  virtual bool isPacked() const = 0;

 protected:
  /// Record a driver violation with its clause; if fatal, the queue becomes broken.
  void violate(const char* clause, const char* kind, std::string message, std::vector<Evidence> ev, bool fatal);
  bool configureCommon(const QueueLayout& layout, uint64_t features, int queueIndex, uint64_t descAlign,
                       uint64_t driverAlign, uint64_t deviceAlign, uint64_t descBytes, uint64_t driverBytes,
                       uint64_t deviceBytes, const char* alignClause);
  uint32_t maxChain() const { return limits_.maxChainDescriptors ? limits_.maxChainDescriptors : layout_.size; }

  GuestMemory& mem_;
  ViolationSink& sink_;
  QueueLayout layout_;
  QueueLimits limits_;
  uint64_t features_ = 0;
  int index_ = -1;
  bool configured_ = false;
  bool broken_ = false;
  uint32_t inFlight_ = 0;
  QueueStats stats_;
};

/// Make the engine for the negotiated ring format.
std::unique_ptr<DeviceQueue> makeDeviceQueue(bool packed, GuestMemory& mem, ViolationSink& sink);

}  // namespace vsim::model

#include "vsim/model/device_timer.h"

#include <algorithm>

namespace vsim::model {

uint64_t DmaCounters::totalTransactions() const {
  uint64_t t = 0;
  for (auto v : transactions) t += v;
  return t;
}

uint64_t DmaCounters::totalBytes() const {
  uint64_t t = 0;
  for (auto v : bytes) t += v;
  return t;
}

DeviceTimer::DeviceTimer(std::string name, const TimingModel& model, SimClock& clock, uint16_t numQueues)
    : name_(std::move(name)), model_(model), clock_(clock), queues_(numQueues) {}

void DeviceTimer::onDma(DmaKind kind, uint64_t gpa, uint64_t len, bool write) {
  const auto k = static_cast<size_t>(kind);
  ++total_.transactions[k];
  total_.bytes[k] += len;
  if (current_ >= 0 && static_cast<size_t>(current_) < queues_.size()) {
    ++queues_[current_].dma.transactions[k];
    queues_[current_].dma.bytes[k] += len;
  }
  if (onDmaEvent) onDmaEvent(kind, gpa, len, write, current_);
}

void DeviceTimer::onDriverNotify(uint16_t q, bool hasData, uint32_t data) {
  (void)hasData;
  if (q < queues_.size()) ++queues_[q].driverNotifications;
  current_ = q;
  notifyPs_ = clock_.nowPs;
  if (!timed_) busyPs_ = std::max(busyPs_, notifyPs_);  // the device starts when it is told, or when it is free
  if (onEvent) onEvent("driver_notify", q, data);
  if (onWork) onWork();
}

void DeviceTimer::onChainDone(uint16_t q, const Chain& c, uint32_t written) {
  (void)c;
  (void)written;
  ++chains_;
  if (q >= queues_.size()) return;
  ++queues_[q].requests;
  if (timed_) return;  // the timed shell waits the cost and records the completion itself
  busyPs_ += takePendingCostPs();
  recordCompletion(q, busyPs_);
}

void DeviceTimer::recordCompletion(uint16_t q, uint64_t endPs) {
  if (q >= queues_.size()) return;
  auto& qt = queues_[q];
  const uint64_t lat = endPs > notifyPs_ ? endPs - notifyPs_ : 0;
  qt.latencySumPs += lat;
  qt.latencyMinPs = std::min(qt.latencyMinPs, lat);
  qt.latencyMaxPs = std::max(qt.latencyMaxPs, lat);
}

uint64_t DeviceTimer::takePendingCostPs() {
  const uint64_t tx = total_.totalTransactions(), by = total_.totalBytes();
  const uint64_t cost = model_.dmaPs(tx - markTx_, by - markBytes_) + model_.servicePs() * (chains_ - markChains_);
  markTx_ = tx;
  markBytes_ = by;
  markChains_ = chains_;
  return cost;
}

void DeviceTimer::onUsedNotify(uint16_t q) {
  if (q < queues_.size()) ++queues_[q].usedInterrupts;
  // The notification decision comes after the device's last DMA (the empty-ring probe, the suppression read):
  // that tail is part of the device's time in both modes.
  busyPs_ += takePendingCostPs();
  lastIrqPs_ = busyPs_ + model_.irqPs();
  if (onIrq) onIrq(lastIrqPs_);
  if (onEvent) onEvent("used_irq", q, lastIrqPs_);
}

void DeviceTimer::onConfigNotify() {
  ++configIrqs_;
  lastIrqPs_ = std::max(busyPs_, clock_.nowPs) + model_.irqPs();
  if (onIrq) onIrq(lastIrqPs_);
  if (onEvent) onEvent("config_irq", -1, lastIrqPs_);
}

void DeviceTimer::onStatus(uint8_t oldStatus, uint8_t newStatus) {
  if (onEvent) onEvent("status", -1, (uint64_t{oldStatus} << 8) | newStatus);
  if (onWork) onWork();
}

}  // namespace vsim::model

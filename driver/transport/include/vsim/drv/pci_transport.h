// Virtio over PCI, driver side: the modern interface (capabilities, common configuration, notify/ISR/device
// structures) and the legacy 0.9.5 interface (I/O BAR0). Both share the interrupt plumbing: MSI-X with one
// vector for configuration changes and one per queue (or one shared by the queues), with read-back checks and a
// fall-back to INTx; INTx through the ISR status register.
#pragma once
#include <memory>
#include <vector>

#include "vsim/drv/pci.h"
#include "vsim/drv/transport.h"

namespace vsim::drv {

/// Shared by the modern and legacy PCI transports: identity, MSI-X vector plan, interrupt polling.
class PciTransportBase : public Transport {
 public:
  PciTransportBase(Hal& hal, ViolationSink& sink, std::shared_ptr<const PciFunctionInfo> fn);
  uint16_t deviceType() const override { return fn_->virtioType; }
  std::string location() const override { return "pci " + fn_->addr.str(); }
  const PciFunctionInfo& function() const { return *fn_; }

  bool setupInterrupts(uint16_t nq, InterruptMode mode) override;
  bool usingMsix() const override { return msix_.enabled(); }
  void pollInterrupts(InterruptEvents& ev) override;
  /// MSI-X vector in use for queue q (pci::kNoVector when none / INTx).
  uint16_t queueVector(uint16_t q) const { return q < queueVec_.size() ? queueVec_[q] : pci::kNoVector; }
  uint16_t configVector() const { return configVec_; }

 protected:
  // The vector registers differ between the two layouts.
  virtual void selectQueue(uint16_t q) = 0;
  virtual uint16_t readConfigVector() = 0;
  virtual void writeConfigVector(uint16_t v) = 0;
  virtual uint16_t readQueueVector() = 0;   ///< of the selected queue
  virtual void writeQueueVector(uint16_t v) = 0;
  virtual uint8_t readIsr() = 0;
  /// Map the selected queue q to its planned vector (with read-back and fall-backs). Called from setupQueue.
  void mapQueueVector(uint16_t q);
  void afterReset() override;
  /// Give up on MSI-X: unmap everything mapped so far and use INTx; then select queue `reselect` (>= 0) again.
  void fallBackToIntx(int reselect);
  /// Write v to a vector register and read it back. True when it reads back v; on NO_VECTOR false; on anything
  /// else false and a report.
  bool mapVector(bool config, uint16_t v, int queue);

  std::shared_ptr<const PciFunctionInfo> fn_;
  PciMsix msix_;
  std::shared_ptr<MsiMailbox> mailbox_;
  uint16_t configVec_ = pci::kNoVector;
  std::vector<uint16_t> queueVec_;    ///< per queue; kNoVector when unmapped
  bool sharedQueueVector_ = false;    ///< all queues on vector 1
  bool configVecChecked_ = false;     ///< config vector checked for NO_VECTOR since the last reset
  std::vector<uint8_t> queueVecChecked_;  ///< same, per queue
  uint64_t isrStatusReports_ = 0;
};

class PciModernTransport final : public PciTransportBase {
 public:
  PciModernTransport(Hal& hal, ViolationSink& sink, std::shared_ptr<const PciFunctionInfo> fn);
  /// False when the function lacks the common / notify / ISR structures.
  bool usable() const { return fn_->layout.modernUsable(); }

  TransportKind kind() const override { return TransportKind::PciModern; }
  uint8_t status() override;
  void setStatus(uint8_t s) override;
  uint64_t deviceFeatures() override;
  bool validateOffer(uint64_t offered) override;
  void writeDriverFeatures(uint64_t accepted) override;
  uint64_t deviceFeaturesHigh() override;
  void writeDriverFeaturesHigh(uint64_t accepted) override;
  uint64_t transportFeatures() const override;
  int numQueues() override;
  uint32_t queueMaxSize(uint16_t q) override;
  bool setupQueue(uint16_t q, const RingAddrs& a) override;
  bool enableQueue(uint16_t q) override;
  bool resetQueue(uint16_t q, uint64_t timeoutNs) override;
  void notify(uint16_t q, uint32_t value) override;
  bool hasConfigGeneration() const override { return true; }
  uint32_t configGeneration() override;
  uint32_t configRead(uint32_t off, unsigned width) override;
  void configWrite(uint32_t off, uint32_t value, unsigned width) override;

  /// Where notifications for queue q go (valid after setupQueue).
  uint64_t notifyAddress(uint16_t q) const { return q < notifyAddr_.size() ? notifyAddr_[q] : 0; }
  const VirtioPciCapInfo* notifyCap() const { return notifyCap_ >= 0 ? &fn_->layout.notifyCandidates[size_t(notifyCap_)] : nullptr; }

 protected:
  void selectQueue(uint16_t q) override;
  uint16_t readConfigVector() override;
  void writeConfigVector(uint16_t v) override;
  uint16_t readQueueVector() override;
  void writeQueueVector(uint16_t v) override;
  uint8_t readIsr() override;
  void afterReset() override;
  const char* configGenerationClause() const override;
  const char* resetClause() const override;

 private:
  uint8_t c8(uint32_t off);
  uint16_t c16(uint32_t off);
  uint32_t c32(uint32_t off);
  void w8(uint32_t off, uint8_t v);
  void w16(uint32_t off, uint16_t v);
  void w32(uint32_t off, uint32_t v);
  void w64(uint32_t off, uint64_t v);  ///< two 32-bit writes, low half first

  const PciRegion& common() const { return fn_->layout.common; }
  int notifyCap_ = -1;          ///< index into layout.notifyCandidates
  bool offerChecked_ = false;
  bool checkedNotificationData_ = false;
  Space notifySpace_ = Space::Memory;
  std::vector<uint64_t> notifyAddr_;
  std::vector<uint16_t> notifConfigData_;
  std::vector<uint8_t> notifyReady_;  ///< per queue: notifyAddr_ is valid
};

class PciLegacyTransport final : public PciTransportBase {
 public:
  PciLegacyTransport(Hal& hal, ViolationSink& sink, std::shared_ptr<const PciFunctionInfo> fn);
  /// False when BAR0 is not an assigned I/O BAR.
  bool usable() const { return io_.valid; }

  TransportKind kind() const override { return TransportKind::PciLegacy; }
  uint8_t status() override;
  void setStatus(uint8_t s) override;
  uint64_t deviceFeatures() override;
  void writeDriverFeatures(uint64_t accepted) override;
  uint64_t transportFeatures() const override;
  int numQueues() override { return kQueueCountUnknown; }
  uint32_t queueMaxSize(uint16_t q) override;
  bool queueSizeNegotiable() const override { return false; }
  uint32_t legacyQueueAlign() const override { return pci::legacy::kQueueAlign; }
  bool setupQueue(uint16_t q, const RingAddrs& a) override;
  bool enableQueue(uint16_t q) override;
  void notify(uint16_t q, uint32_t value) override;
  bool hasConfigGeneration() const override { return false; }
  uint32_t configGeneration() override { return 0; }
  uint32_t configRead(uint32_t off, unsigned width) override;
  void configWrite(uint32_t off, uint32_t value, unsigned width) override;
  /// Offset of the device-specific configuration in BAR0: 20, or 24 while MSI-X is enabled.
  uint32_t configOffset() const;

 protected:
  void selectQueue(uint16_t q) override;
  uint16_t readConfigVector() override;
  void writeConfigVector(uint16_t v) override;
  uint16_t readQueueVector() override;
  void writeQueueVector(uint16_t v) override;
  uint8_t readIsr() override;
  const char* configGenerationClause() const override;

 private:
  PciRegion io_;
  std::vector<uint32_t> pfn_;  ///< per queue, set by setupQueue, written by enableQueue
};

}  // namespace vsim::drv

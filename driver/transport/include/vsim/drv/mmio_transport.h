// Virtio over MMIO, driver side: probing (magic / version / device id) and the transport for version 2 (modern)
// and version 1 (legacy: GuestPageSize, QueueAlign, QueuePFN). Control registers are only ever accessed with
// 32-bit aligned accesses; the device-specific configuration with natural widths.
#pragma once
#include <vector>

#include "vsim/abi/mmio.h"
#include "vsim/drv/transport.h"

namespace vsim::drv {

enum class MmioProbeResult : uint8_t {
  Ok,           ///< a virtio device: version 2 or 1, non-zero device id
  NoDevice,     ///< the magic value is wrong (nothing there, or a device that is not virtio-mmio)
  BadVersion,   ///< valid magic but a version the driver does not know
  Placeholder,  ///< device id 0: a placeholder slot
};

struct MmioProbe {
  uint32_t magic = 0, version = 0, deviceId = 0, vendorId = 0;
};

/// Read MagicValue, Version and DeviceID (in that order, and no other register) at base. A wrong magic is
/// reported unless the slot is empty (all-ones or 0: nothing decodes there); a version other than 1 or 2 is
/// reported; device id 0 is never reported.
MmioProbeResult probeMmio(Hal& hal, uint64_t base, ViolationSink& sink, MmioProbe* out);

class MmioTransport final : public Transport {
 public:
  /// version: 2 (modern) or 1 (legacy), as probed.
  MmioTransport(Hal& hal, ViolationSink& sink, uint64_t base, unsigned line, uint32_t version, uint16_t deviceId);

  TransportKind kind() const override { return version_ == 1 ? TransportKind::MmioLegacy : TransportKind::MmioModern; }
  uint16_t deviceType() const override { return deviceId_; }
  std::string location() const override;
  uint64_t base() const { return base_; }
  unsigned line() const { return line_; }

  uint8_t status() override;
  void setStatus(uint8_t s) override;
  uint64_t deviceFeatures() override;
  void writeDriverFeatures(uint64_t accepted) override;
  uint64_t deviceFeaturesHigh() override;
  void writeDriverFeaturesHigh(uint64_t accepted) override;
  uint64_t transportFeatures() const override;
  int numQueues() override { return kQueueCountUnknown; }
  uint32_t queueMaxSize(uint16_t q) override;
  uint32_t legacyQueueAlign() const override { return version_ == 1 ? kLegacyPageSize : 0; }
  bool setupQueue(uint16_t q, const RingAddrs& a) override;
  bool enableQueue(uint16_t q) override;
  bool resetQueue(uint16_t q, uint64_t timeoutNs) override;
  /// Stop using queue q: QueueReady = 0 and read it back (v2), QueuePFN = 0 (v1).
  bool disableQueue(uint16_t q, uint64_t timeoutNs);
  void notify(uint16_t q, uint32_t value) override;
  bool hasConfigGeneration() const override { return version_ != 1; }
  uint32_t configGeneration() override;
  uint32_t configRead(uint32_t off, unsigned width) override;
  void configWrite(uint32_t off, uint32_t value, unsigned width) override;
  void pollInterrupts(InterruptEvents& ev) override;

  /// Page size and used-ring alignment the legacy (version 1) driver uses.
  static constexpr uint32_t kLegacyPageSize = 4096;

 protected:
  void afterReset() override;
  const char* configGenerationClause() const override;

 private:
  uint32_t r32(uint32_t off) { return hal_.read32(Space::Memory, base_ + off); }
  void w32(uint32_t off, uint32_t v) { hal_.write32(Space::Memory, base_ + off, v); }

  uint64_t base_;
  unsigned line_;
  uint32_t version_;
  uint16_t deviceId_;
  bool pageSizeWritten_ = false;
  bool undefinedBitsReported_ = false;
  std::vector<uint32_t> pfn_;
};

}  // namespace vsim::drv

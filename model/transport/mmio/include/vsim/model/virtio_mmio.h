// VirtioMmioDevice: the virtio-over-MMIO register front-end (virtio 1.4, "Virtio Over MMIO") of a DeviceCore.
//
// Version 2 (modern) or version 1 (legacy, page-based queues) is chosen at construction. The device is a BusTarget
// occupying a 0x200-byte window (control registers below 0x100, the device-specific configuration space from
// 0x100) and the core's IrqSink: used-buffer and configuration-change events set InterruptStatus bits and drive
// one level-triggered line of an InterruptFabric until the driver acknowledges them.
//
// Every driver-normative rule of the MMIO chapter that the device can observe is checked at the register access
// that breaks it and reported through DeviceCore::violate() with its clause ID (the table is in README.md).
// Checks are strict, behaviour is lenient where the spec allows it: a broken rule is reported once per access and
// the device goes on as the register description says (or ignores the access, as documented per check).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "vsim/model/bus_target.h"
#include "vsim/model/device_core.h"

namespace vsim::model {

/// Construction-time parameters of one virtio-mmio device.
struct VirtioMmioParams {
  /// Register interface presented in Version: 2 = modern (virtio 1.x), 1 = legacy (GuestPageSize, QueueAlign,
  /// QueuePFN; DeviceCore in legacy personality). Unit: none. Default: 2.
  uint32_t version = 2;
  /// Value of the VendorID register (virtio subsystem vendor ID). Unit: none. Default: 0x4D495356 ("VSIM" read
  /// as little-endian bytes).
  uint32_t vendorId = 0x4D495356;
  /// Interrupt line this device drives on its InterruptFabric (level, active high while InterruptStatus != 0).
  /// Unit: line number. Default: 0.
  unsigned interruptLine = 0;
  /// Legacy only: guest page size used for QueuePFN until the driver writes GuestPageSize. Unit: bytes.
  /// Default: 4096.
  uint32_t legacyPageSize = 4096;
  /// Legacy only: used-ring alignment used for a queue until the driver writes QueueAlign (also the value after a
  /// device reset). Unit: bytes. Default: 4096.
  uint32_t legacyQueueAlign = 4096;
  /// Fault injection (a non-conforming device on purpose, for testing that drivers ignore undefined bits):
  /// InterruptStatus bits other than 0 and 1 that the register also shows whenever an event is pending. Unit: bit
  /// mask. Default: 0 (none; a conforming device).
  uint32_t faultInterruptStatusBits = 0;
};

class VirtioMmioDevice final : public BusTarget, public IrqSink {
 public:
  static constexpr uint64_t kWindowSize = 0x200;  ///< bytes of address space the device decodes

  /// One field of the device-specific configuration space, for the per-field access-width check.
  struct ConfigField {
    uint32_t offset = 0;  ///< byte offset inside the configuration space
    uint8_t width = 0;    ///< field width in bytes: 1, 2, 4 or 8
  };

  struct Stats {
    uint64_t reads = 0;
    uint64_t writes = 0;
    uint64_t decodeErrors = 0;  ///< accesses answered with false (undefined location, rejected width)
    uint64_t violations = 0;    ///< violations this transport reported (the core's own are not counted)
    uint64_t interruptsAsserted = 0;  ///< rising edges of the interrupt line
  };

  /// Wires the device in front of core (and registers itself as the core's IrqSink). fabric may be null (no
  /// interrupt output; InterruptStatus still works).
  VirtioMmioDevice(DeviceCore& core, InterruptFabric* fabric, const VirtioMmioParams& params = {});
  ~VirtioMmioDevice() override;
  VirtioMmioDevice(const VirtioMmioDevice&) = delete;
  VirtioMmioDevice& operator=(const VirtioMmioDevice&) = delete;

  /// @name BusTarget: offsets are relative to the device's base address
  /// @{
  bool read(uint64_t off, void* data, unsigned len) override;
  bool write(uint64_t off, const void* data, unsigned len) override;
  /// "QueueSel", "QueueDescLow", "Config+0x4", "Status+0x2" (inside a register); empty outside the window.
  std::string regName(uint64_t off) const override;
  /// @}

  /// IrqSink: an event of the core sets its InterruptStatus bit and asserts the line.
  void raise(IrqKind kind, uint16_t queue) override;

  /// Rewire the interrupt output (fabric may be null). The current level is driven on the new line.
  void connectInterrupts(InterruptFabric* fabric, unsigned line);

  /// Describe the configuration space fields (offset, width). Without a description only the generic width rules
  /// are checked (1, 2 or 4 bytes, naturally aligned); with one, each access must match the field it touches and
  /// bytes outside every field are undefined locations.
  void setConfigFields(std::vector<ConfigField> fields);

  /// Device reset from outside the register interface (platform reset): the same as the driver writing 0 to
  /// Status: DeviceCore::reset(), InterruptStatus cleared and the line deasserted, every QueueReady / QueuePFN 0.
  void deviceReset();

  DeviceCore& core() { return core_; }
  const VirtioMmioParams& params() const { return p_; }
  bool legacy() const { return p_.version == 1; }
  uint32_t interruptStatus() const { return isr_; }
  bool lineLevel() const { return line_; }
  const Stats& stats() const { return stats_; }

 private:
  struct QueueRegs {
    bool ready = false;           // v2 QueueReady as last written (0/1)
    uint32_t pfn = 0;             // v1 QueuePFN
    uint32_t align = 0;           // v1 QueueAlign
    bool stopReadbackDue = false;   // QueueReady 1 -> 0 written, not read back yet
    bool resetReadbackDue = false;  // QueueReset 1 written, not read back yet
  };

  enum class Gate : uint8_t { Proceed, Ignore, Reject };

  Gate gateControl(uint32_t off, unsigned len, bool write);
  void resetTransport();
  void probeOrder(uint32_t off, bool write);
  void badWidth(uint64_t off, unsigned len, bool write);
  uint32_t readReg(uint32_t off);
  void writeReg(uint32_t off, uint32_t v);
  bool readCfg(uint32_t off, void* data, unsigned len);
  bool writeCfg(uint32_t off, const void* data, unsigned len);
  bool checkCfgAccess(uint32_t off, unsigned len, bool write);
  void checkQueueReuse(uint16_t q, uint32_t off);
  bool queueExists() const { return queueSel_ < core_.numQueues(); }
  QueueRegs* selRegs() { return queueExists() ? &qregs_[queueSel_] : nullptr; }
  void enableLegacyQueue(uint16_t q);
  void updateLine();
  void violate(const char* clause, const char* kind, std::string message, std::vector<Evidence> ev);

  DeviceCore& core_;
  InterruptFabric* fabric_;
  VirtioMmioParams p_;
  std::vector<QueueRegs> qregs_;
  std::vector<ConfigField> cfgFields_;

  uint32_t deviceFeaturesSel_ = 0, driverFeaturesSel_ = 0;
  bool deviceFeaturesSelWritten_ = false, driverFeaturesSelWritten_ = false;
  uint32_t queueSel_ = 0;
  uint32_t shmSel_ = 0;
  uint32_t guestPageSize_;

  uint32_t isr_ = 0;
  uint32_t isrSeen_ = 0;  // InterruptStatus bits the driver has read and not acknowledged yet
  bool line_ = false;

  // probe order (power-on state, not cleared by a device reset)
  bool magicRead_ = false, versionRead_ = false, deviceIdRead_ = false;
  bool reportedProbe_ = false, reportedNoDeviceId_ = false;

  Stats stats_;
};

}  // namespace vsim::model

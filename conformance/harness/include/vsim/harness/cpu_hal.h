// CpuHal: the driver stack's HAL (drv::Hal) on a simulated CPU (model::CpuPort) — the glue that lets the same
// driver code run on the functional board and on the SystemC platform. Sits above model/ and driver/.
#pragma once
#include "vsim/drv/hal.h"
#include "vsim/model/cpu_port.h"

namespace vsim::harness {

class CpuHal final : public drv::Hal {
 public:
  /// dmaBase/dmaSize: the part of guest RAM the driver may allocate DMA buffers and rings from.
  CpuHal(model::CpuPort& cpu, drv::PlatformDesc desc, uint64_t dmaBase, uint64_t dmaSize)
      : cpu_(cpu), desc_(std::move(desc)), alloc_(dmaBase, dmaSize) {}

  uint64_t read(drv::Space s, uint64_t addr, unsigned width) override { return cpu_.read(map(s), addr, width); }
  void write(drv::Space s, uint64_t addr, uint64_t value, unsigned width) override {
    cpu_.write(map(s), addr, value, width);
  }
  GuestMemory& dmaMemory() override { return cpu_.ram(); }
  GuestAllocator& dmaAllocator() override { return alloc_; }
  uint64_t lineLevels() override { return cpu_.lineLevels(); }
  bool popMsi(uint32_t* data) override { return cpu_.popMsi(data); }
  bool waitForInterrupt(uint64_t timeoutNs) override { return cpu_.waitForInterrupt(timeoutNs); }
  uint64_t nowNs() override { return cpu_.nowNs(); }
  const drv::PlatformDesc& platform() const override { return desc_; }

 private:
  static model::Space map(drv::Space s) {
    switch (s) {
      case drv::Space::Io: return model::Space::Io;
      case drv::Space::Config: return model::Space::Config;
      default: return model::Space::Memory;
    }
  }
  model::CpuPort& cpu_;
  drv::PlatformDesc desc_;
  GuestAllocator alloc_;
};

}  // namespace vsim::harness

// The model's firmware view of a platform (model::PlatformMap) as the driver's PlatformDesc: the two sides never
// include each other, so the harness converts field by field.
#pragma once
#include "vsim/drv/hal.h"
#include "vsim/model/platform.h"

namespace vsim::harness {

inline drv::PlatformDesc toPlatformDesc(const model::PlatformMap& m) {
  drv::PlatformDesc d;
  d.ecamBase = m.ecamBase;
  d.ecamBuses = m.ecamBuses;
  d.pciMem32Base = m.pciMem32Base;
  d.pciMem32Size = m.pciMem32Size;
  d.pciMem64Base = m.pciMem64Base;
  d.pciMem64Size = m.pciMem64Size;
  d.pciIoBase = m.pciIoBase;
  d.pciIoSize = m.pciIoSize;
  d.pciIntxLineBase = m.pciIntxLineBase;
  d.msiAddress = m.msiAddress;
  for (const auto& s : m.mmio) d.mmio.push_back(drv::PlatformDesc::MmioSlot{s.base, s.size, s.line});
  d.ramBase = m.ramBase;
  d.ramSize = m.ramSize;
  return d;
}

}  // namespace vsim::harness

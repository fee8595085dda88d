// Faulty drivers for the transport checks added with the optional PCI capabilities, the virtio-mmio slots a driver
// must leave alone and VIRTIO_F_SR_IOV: each does a correct start, then exactly one access that breaks one
// driver-normative statement; the strict device must report that clause and nothing else.
#include "transport_layout.h"
#include "vsim/abi/features.h"
#include "vsim/abi/mmio.h"
#include "vsim/abi/pci.h"
#include "vsim/abi/status.h"
#include "vsim/model/mmio_ignored_slot.h"

namespace vsim::conformance::layout {

namespace {

namespace st = vsim::status;

/// Attach one MmioIgnoredSlot of the given kind next to the configuration's device.
std::function<std::shared_ptr<void>(TestContext&)> ignoredSlot(model::MmioIgnoredKind kind) {
  return [kind](TestContext& ctx) -> std::shared_ptr<void> {
    model::MmioIgnoredSlotParams p;
    p.kind = kind;
    auto slot = std::make_shared<model::MmioIgnoredSlot>(ctx.board().violations(), p, "mmio-ignored");
    if (ctx.board().platform().attachMmio(*slot, "mmio-ignored") < 0) ctx.harnessError("no free MMIO slot");
    return slot;
  };
}

/// Probe every MMIO slot the way a driver starts (MagicValue, then Version, then DeviceID, each only while the
/// earlier ones were valid) and return the base of the first slot that stops at `stage`: 0 = bad MagicValue,
/// 1 = bad Version, 2 = DeviceID 0.
uint64_t probeUntil(Raw& r, int stage) {
  for (const auto& s : r.hal.platform().mmio) {
    if (r.rd(s.base + mmio::kMagicValue, 4) != mmio::kMagic) {
      if (stage == 0) return s.base;
      continue;
    }
    const uint64_t v = r.rd(s.base + mmio::kVersion, 4);
    if (v != mmio::kVersionModern && v != mmio::kVersionLegacy) {
      if (stage == 1) return s.base;
      continue;
    }
    if (r.rd(s.base + mmio::kDeviceId, 4) == 0 && stage == 2) return s.base;
  }
  r.harness("no such slot on the board");
  return 0;
}

/// ECAM address of the first virtio function's configuration space, found by reading Vendor IDs only.
uint64_t findPciFunction(Raw& r) {
  const uint64_t ecam = r.hal.platform().ecamBase;
  for (uint64_t dev = 0; ecam && dev < 32; ++dev)
    if (r.rd(ecam + (dev << 15) + pci::kCfgVendorId, 2) == pci::kVendorRedHatQumranet) return ecam + (dev << 15);
  r.harness("no virtio PCI function");
  return 0;
}

void withSrIov(model::DeviceSpec& s) {
  s.pci.sriovTotalVfs = 2;
  s.core.ringFeatures = model::DeviceCore::kDefaultRingFeatures | feat::bit(feat::kSrIov);
}

}  // namespace

void registerTransportCapMutants(std::vector<TestInfo>& out) {
  out.push_back(mutantTest(
      {.id = "virtio.driver.core.features.sr_iov_without_capability",
       .clauses = {"drivernormative:Reserved Feature Bits#10"},
       .transports = kModernAll,
       .description = "the driver accepts VIRTIO_F_SR_IOV from a device that has no PCI SR-IOV capability",
       .body = [](Raw& r) {
         r.t->setStatus(st::kAcknowledge);
         r.t->setStatus(st::kAcknowledge | st::kDriver);
         r.t->deviceFeatures();
         r.t->writeDriverFeatures(feat::bit(feat::kVersion1) | feat::bit(feat::kSrIov));  // the fault
       }}));

  out.push_back(mutantTest(
      {.id = "virtio.driver.pci.sriov.vf_enable_before_negotiation",
       .clauses = {"drivernormative:Reserved Feature Bits#11"},
       .transports = kPciModernish,
       .description = "VF Enable set in the SR-IOV capability without VIRTIO_F_SR_IOV ever negotiated",
       .prepare = withSrIov,
       .body = [](Raw& r) {
         if (!negotiate(r)) return;
         r.cfg().write16(0x108, 1);  // SR-IOV Control (capability at 0x100): VF Enable, the fault
       }}));

  out.push_back(mutantTest(
      {.id = "virtio.driver.pci.vendor_data.written_unqualified",
       .clauses = {"drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Vendor data capability#2"},
       .transports = kPciModernish,
       .description = "a driver walks the capability list and writes vendor-defined bytes of the vendor data "
                      "capability without having read its vendor_id",
       .prepare = [](model::DeviceSpec& s) { s.pci.vendorDataId = 0x1b36; },
       .body =
           [](Raw& r) {
             const uint64_t cfg = findPciFunction(r);
             if (!cfg) return;
             for (uint64_t p = r.rd(cfg + pci::kCfgCapPtr, 1); p; p = r.rd(cfg + p + 1, 1))
               if (r.rd(cfg + p, 1) == pci::kCapIdVendor && r.rd(cfg + p + 3, 1) == pci::kCapVendorCfg)
                 return r.wr(cfg + p + 6, 0, 1);  // the first vendor-defined byte, the fault
             r.harness("no vendor data capability");
           },
       .unprobed = true}));

  struct Ignored {
    const char* id;
    const char* clause;
    model::MmioIgnoredKind kind;
    int stage;
    const char* description;
  };
  for (const Ignored& m :
       {Ignored{"virtio.driver.mmio.probe.bad_magic_not_ignored",
                "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#6",
                model::MmioIgnoredKind::BadMagic, 0, "after a wrong MagicValue the driver reads DeviceID"},
        Ignored{"virtio.driver.mmio.probe.bad_version_not_ignored",
                "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#8",
                model::MmioIgnoredKind::BadVersion, 1, "after Version 3 the driver reads DeviceID"},
        Ignored{"virtio.driver.mmio.probe.placeholder_touched",
                "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#4",
                model::MmioIgnoredKind::Placeholder, 2, "after DeviceID 0 the driver writes Status"}})
    out.push_back(mutantTest({.id = m.id,
                              .clauses = {m.clause},
                              .transports = kMmioBoth,
                              .description = m.description,
                              .body =
                                  [stage = m.stage](Raw& r) {
                                    const uint64_t base = probeUntil(r, stage);
                                    if (!base) return;
                                    if (stage == 2)
                                      r.wr(base + mmio::kStatus, st::kAcknowledge, 4);  // the fault
                                    else
                                      r.rd(base + mmio::kDeviceId, 4);  // the fault
                                  },
                              .attach = ignoredSlot(m.kind),
                              .unprobed = true}));
}

}  // namespace vsim::conformance::layout

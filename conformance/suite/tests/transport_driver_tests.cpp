// The built-in driver under test on devices with legal but unusual traits (and two deliberately faulty neighbours):
// transitional ids, any revision, capabilities to ignore, padded capabilities and structures, MSI-X tables of 1
// and 2048 entries, one interrupt for a configuration change and a used buffer, SR-IOV, virtio-mmio slots it must
// leave alone, undefined InterruptStatus bits, acknowledging and stopping queues. The strict device reports
// nothing when the driver gets it right; the tests also check the driver did its job (I/O, callbacks).
#include "transport_layout.h"
#include "vsim/abi/features.h"
#include "vsim/abi/pci.h"
#include "vsim/drv/mmio_transport.h"
#include "vsim/model/mmio_ignored_slot.h"

namespace vsim::conformance::layout {

namespace {

/// Discover: exactly the configuration's device must be found (nothing else on the board is a virtio device).
bool discoverOne(TestContext& ctx, drv::Hal& hal, ViolationSink& sink, drv::DiscoveredDevice* out) {
  const auto all = drv::discover(hal, sink);
  const uint16_t type = ctx.board().core(0).logic().deviceId();
  ctx.check(all.size() == 1, "discovered " + std::to_string(all.size()) + " devices, expected 1");
  if (all.size() != 1) return false;
  ctx.check(all[0].type == type, "discovered device type " + std::to_string(all[0].type) + ", expected " +
                                     std::to_string(type));
  *out = all[0];
  return all[0].type == type;
}

/// Discover the device and run the built-in driver's workload on it.
void discoverAndWork(TestContext& ctx, drv::Hal& hal, ViolationSink& sink) {
  drv::DiscoveredDevice d;
  if (discoverOne(ctx, hal, sink, &d)) builtinWorkload(ctx, hal, sink, d);
}

/// A live entropy device of the built-in driver with one 64-byte buffer made available and notified.
std::unique_ptr<drv::Device> liveWithRequest(TestContext& ctx, drv::Hal& hal, ViolationSink& sink,
                                             drv::InterruptMode mode = drv::InterruptMode::Auto) {
  drv::DiscoveredDevice d;
  if (!discoverOne(ctx, hal, sink, &d)) return nullptr;
  drv::DriverOptions o;
  o.interrupts = mode;
  auto dev = drv::open(hal, d, o, sink);
  if (!dev || !dev->live()) {
    ctx.check(false, "the device did not come up");
    return nullptr;
  }
  const drv::Buf b{hal.dmaAllocator().alloc(64, 64), 64, true};
  if (dev->queue(0).add(&b, 1, 1) < 0) {
    ctx.harnessError("could not make a buffer available");
    return nullptr;
  }
  dev->kick(0);
  return dev;
}

void pciDiscoveryAndCaps(std::vector<TestInfo>& out) {
  out.push_back(driverTest(
      {.id = "virtio.driver.pci.discovery.transitional_id_matched",
       .clauses = {"drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Discovery#2"},
       .transports = {TK::PciTransitional, TK::PciLegacy},
       .description = "a transitional device id (0x1000..0x103f) is matched, its type taken from the subsystem id, "
                      "and the device driven",
       .body = [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink) { discoverAndWork(ctx, hal, sink); }}));

  out.push_back(driverTest(
      {.id = "virtio.driver.pci.discovery.any_revision",
       .clauses = {"drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Discovery#3"},
       .transports = kPciAll,
       .description = "a PCI Revision ID the driver has never seen (0xa5) does not stop it from binding",
       .prepare = [](model::DeviceSpec& s) { s.pci.revision = 0xa5; },
       .body = [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink) { discoverAndWork(ctx, hal, sink); }}));

  out.push_back(driverTest(
      {.id = "virtio.driver.pci.cap.reserved_type_and_bar_ignored",
       .clauses = {"drivernormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#1",
                   "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#4"},
       .transports = kPciModernish,
       .description = "the list starts with a capability of reserved cfg_type and a common-configuration capability "
                      "with a reserved bar, both describing a BAR gap; the driver skips them",
       .prepare = [](model::DeviceSpec& s) { s.pci.decoyCaps = true; },
       .body = [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink) { discoverAndWork(ctx, hal, sink); }}));

  out.push_back(driverTest(
      {.id = "virtio.driver.pci.cap.long_cap_len_accepted",
       .clauses = {"drivernormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#3"},
       .transports = kPciModernish,
       .description = "every virtio capability has 8 bytes of padding counted in cap_len",
       .prepare = [](model::DeviceSpec& s) { s.pci.capLenPadding = 8; },
       .body = [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink) { discoverAndWork(ctx, hal, sink); }}));

  out.push_back(driverTest(
      {.id = "virtio.driver.pci.cap.large_structure_length_handled",
       .clauses = {"drivernormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#6"},
       .transports = kPciModernish,
       .description = "the common, notify, ISR and device structures declare 64 KiB more length than they use",
       .prepare = [](model::DeviceSpec& s) { s.pci.structureLengthPadding = 0x10000; },
       .body = [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink) { discoverAndWork(ctx, hal, sink); }}));

  for (uint16_t vectors : {uint16_t{1}, uint16_t{2048}})
    out.push_back(driverTest(
        {.id = "virtio.driver.pci.msix.table_size_" + std::to_string(vectors),
         .clauses = {"drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#1"},
         .transports = kPciAll,
         .description = "an MSI-X table of " + std::to_string(vectors) + " entries (Table Size " +
                        std::to_string(vectors - 1) + ")",
         .prepare = [vectors](model::DeviceSpec& s) { s.pci.msixVectors = vectors; },
         .body = [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink) { discoverAndWork(ctx, hal, sink); }}));

  out.push_back(driverTest(
      {.id = "virtio.driver.pci.sriov.not_negotiated_not_enabled",
       .clauses = {"drivernormative:Reserved Feature Bits#11", "drivernormative:Reserved Feature Bits#10"},
       .transports = kPciModernish,
       .description = "a function with an SR-IOV capability offering VIRTIO_F_SR_IOV: the driver neither accepts the "
                      "feature nor enables virtual functions it did not negotiate",
       .prepare = [](model::DeviceSpec& s) {
         s.pci.sriovTotalVfs = 2;
         s.core.ringFeatures = model::DeviceCore::kDefaultRingFeatures | feat::bit(feat::kSrIov);
       },
       .body = [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink) {
         drv::DiscoveredDevice d;
         if (!discoverOne(ctx, hal, sink, &d)) return;
         builtinWorkload(ctx, hal, sink, d);
         const uint16_t control = d.pci->config(hal).read16(0x108);  // SR-IOV Control (capability at 0x100)
         ctx.check((control & 1u) == 0, "VF Enable set by a driver that did not negotiate VIRTIO_F_SR_IOV");
       }}));
}

void pciInterrupts(std::vector<TestInfo>& out) {
  out.push_back(driverTest(
      {.id = "virtio.driver.pci.irq.config_and_queue_on_one_interrupt",
       .clauses = {"drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Notification of Device Configuration Changes#1"},
       .transports = kPciAll,
       .deviceTypes = {"rng"},  // needs a request any buffer completes
       .description = "INTx: a used buffer and a configuration change arrive as one interrupt (ISR 3); one poll "
                      "handles both (configuration callback and the used buffer) and clears the interrupt",
       .body = [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink) {
         auto dev = liveWithRequest(ctx, hal, sink, drv::InterruptMode::Intx);
         if (!dev) return;
         unsigned configCallbacks = 0;
         dev->setConfigChangeCallback([&](drv::Device&) { ++configCallbacks; });
         struct Seen {
           unsigned used = 0;
         } seen;
         dev->setQueueCallback(0, [](void* c, drv::Device&, uint16_t) { ++static_cast<Seen*>(c)->used; }, &seen);
         ctx.board().core(0).configChanged();
         const uint64_t before = hal.lineLevels();  // the device is the only interrupt source on the board
         dev->poll();
         ctx.check(before != 0, "no interrupt pending before the poll");
         ctx.check(configCallbacks == 1, "the configuration change was not handled (" + std::to_string(configCallbacks) + ")");
         ctx.check(seen.used == 1, "the used buffer was not handled (" + std::to_string(seen.used) + ")");
         ctx.check(hal.lineLevels() == 0, "the interrupt is still pending after the poll");
       }}));
}

void mmio(std::vector<TestInfo>& out) {
  out.push_back(driverTest(
      {.id = "virtio.driver.mmio.probe.invalid_slots_left_alone",
       .clauses = {"drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#6",
                   "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#8",
                   "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#10",
                   "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#11",
                   "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#3",
                   "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#4"},
       .transports = kMmioBoth,
       .description = "next to the device: a slot with a wrong MagicValue, one with Version 3, one with DeviceID 0; "
                      "the driver probes them, drives only the real device, and reports nothing about the placeholder",
       .attach = [](TestContext& ctx) -> std::shared_ptr<void> {
         auto slots = std::make_shared<std::vector<std::unique_ptr<model::MmioIgnoredSlot>>>();
         for (auto k : {model::MmioIgnoredKind::BadMagic, model::MmioIgnoredKind::BadVersion,
                        model::MmioIgnoredKind::Placeholder}) {
           model::MmioIgnoredSlotParams p;
           p.kind = k;
           const std::string name = std::string("mmio-") + model::mmioIgnoredKindName(k);
           slots->push_back(std::make_unique<model::MmioIgnoredSlot>(ctx.board().violations(), p, name));
           if (ctx.board().platform().attachMmio(*slots->back(), name) < 0) ctx.harnessError("no free MMIO slot");
         }
         return slots;
       },
       .body = [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink) { discoverAndWork(ctx, hal, sink); },
       // the driver MAY report the wrong MagicValue and Version (never the placeholder)
       .allowedDriverReports = {"devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#1",
                                "devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#2"}}));

  out.push_back(driverTest(
      {.id = "virtio.driver.mmio.irq.undefined_status_bits_ignored",
       .clauses = {"drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#18",
                   "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#20"},
       .transports = kMmioBoth,
       .deviceTypes = {"rng"},  // needs a request any buffer completes
       .description = "a faulty device shows bit 2 in InterruptStatus with every event: the driver handles the used "
                      "buffer, acknowledges only bit 0, and may report the device",
       .prepare = [](model::DeviceSpec& s) { s.mmio.faultInterruptStatusBits = 0x4; },
       .body = [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink) {
         auto dev = liveWithRequest(ctx, hal, sink);
         if (!dev) return;
         dev->poll();
         const std::string undefinedBits =
             "devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#4";
         ctx.check(ctx.driverSaw().has(undefinedBits), "the driver never read InterruptStatus (no interrupt handled)");
         ctx.check(dev->queue(0).hasUsed(), "the used buffer was lost");
         ctx.check(((hal.lineLevels() >> ctx.board().map().mmio.at(0).line) & 1u) == 0,
                   "the used buffer interrupt was not acknowledged");
       },
       .allowedDriverReports = {"devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#4"}}));

  out.push_back(driverTest(
      {.id = "virtio.driver.mmio.irq.acknowledged_when_handled",
       .clauses = {"drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#19",
                   "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Notifications From The Device#3"},
       .transports = kMmioBoth,
       .deviceTypes = {"rng"},  // needs a request any buffer completes
       .description = "a used buffer and then a configuration change: after each poll InterruptStatus is 0 again "
                      "(every handled event acknowledged) and the line is low",
       .body = [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink) {
         auto dev = liveWithRequest(ctx, hal, sink);
         if (!dev) return;
         const unsigned line = ctx.board().map().mmio.at(0).line;
         ctx.check(((hal.lineLevels() >> line) & 1u) != 0, "no interrupt after the request");
         dev->poll();
         ctx.check(((hal.lineLevels() >> line) & 1u) == 0, "used buffer interrupt not acknowledged");
         const uint64_t changes = dev->configChanges();
         ctx.board().core(0).configChanged();
         dev->poll();
         ctx.check(dev->configChanges() == changes + 1, "the configuration change was not handled");
         ctx.check(((hal.lineLevels() >> line) & 1u) == 0, "configuration change interrupt not acknowledged");
       }}));

  out.push_back(driverTest(
      {.id = "virtio.driver.mmio.queue.stop_with_ready_zero",
       .clauses = {"drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#16",
                   "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#17"},
       .transports = {TK::MmioV2},
       .description = "the driver stops using a live queue: QueueReady 0, read back; the device's queue is disabled",
       .body = [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink) {
         drv::DiscoveredDevice d;
         if (!discoverOne(ctx, hal, sink, &d)) return;
         auto dev = drv::open(hal, d, drv::DriverOptions{}, sink);
         if (!dev || !dev->live()) return ctx.check(false, "the device did not come up");
         auto* t = dynamic_cast<drv::MmioTransport*>(&dev->transport());
         if (!t) return ctx.harnessError("not an MMIO transport");
         ctx.check(ctx.board().core(0).queue(0).enabled, "queue 0 is not enabled on the live device");
         ctx.check(t->disableQueue(0, 100'000'000), "the driver could not stop queue 0");
         ctx.check(!ctx.board().core(0).queue(0).enabled, "queue 0 is still enabled in the device");
       }}));
}

void reservedFeatures(std::vector<TestInfo>& out) {
  out.push_back(driverTest(
      {.id = "virtio.driver.core.features.access_platform_addresses_reach_memory",
       .clauses = {"drivernormative:Reserved Feature Bits#4"},
       .transports = kModernAll,
       .description = "the device offers VIRTIO_F_ACCESS_PLATFORM; the driver accepts it and every address it hands "
                      "the device translates to guest memory (the platform has no IOMMU: bus addresses are physical)",
       .prepare = [](model::DeviceSpec& s) {
         s.core.ringFeatures = model::DeviceCore::kDefaultRingFeatures | feat::bit(feat::kAccessPlatform);
       },
       .body = [](TestContext& ctx, drv::Hal& hal, ViolationSink& sink) {
         drv::DiscoveredDevice d;
         if (!discoverOne(ctx, hal, sink, &d)) return;
         {
           auto dev = drv::open(hal, d, drv::DriverOptions{}, sink);
           if (!dev || !dev->live()) return ctx.check(false, "the device did not come up");
           ctx.check(feat::has(dev->features(), feat::kAccessPlatform), "VIRTIO_F_ACCESS_PLATFORM not negotiated");
           dev->shutdown();
         }
         builtinWorkload(ctx, hal, sink, d);  // a bad address would be reported by the device's DMA checks
       }}));
}

}  // namespace

void registerTransportDriverTests(std::vector<TestInfo>& out) {
  pciDiscoveryAndCaps(out);
  pciInterrupts(out);
  mmio(out);
  reservedFeatures(out);
}

}  // namespace vsim::conformance::layout

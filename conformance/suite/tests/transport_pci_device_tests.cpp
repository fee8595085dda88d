// virtio-pci, device under test: the suite acts as a driver (correct, or hostile where a rule is about what the
// device does with a bad request) and observes IDs, the capability layout, the common configuration, ISR status,
// MSI-X vector mapping and the PCI configuration access window.
#include <cstddef>
#include <cstdio>

#include "transport_layout.h"
#include "vsim/abi/features.h"
#include "vsim/abi/pci.h"
#include "vsim/abi/status.h"

namespace vsim::conformance::layout {

namespace {

namespace cc = vsim::pci::common;
namespace st = vsim::status;

std::string hex(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

bool intxAsserted(Raw& r) { return ((r.hal.lineLevels() >> r.dev.pci->intxLine) & 1u) != 0; }
uint8_t readIsr(Raw& r) { return static_cast<uint8_t>(r.rd(r.dev.pci->layout.isr.base, 1, r.dev.pci->layout.isr.space)); }

/// Take every MSI message of this function received so far; the vectors, oldest first.
std::vector<uint16_t> takeMsi(Raw& r) {
  std::vector<uint16_t> v;
  uint32_t data = 0;
  while (r.hal.popMsi(&data))
    if (drv::pciMsiBdf(data) == r.dev.pci->addr.bdf()) v.push_back(drv::pciMsiVector(data));
  return v;
}

/// Enable MSI-X with every entry of the table programmed (vector v sends pciMsiData(bdf, v)).
bool enableMsix(Raw& r, uint16_t* tableSize) {
  const drv::PciMsixInfo& m = r.dev.pci->layout.msix;
  if (!m.present || !m.usable) {
    r.notSupported("the function has no usable MSI-X table");
    return false;
  }
  drv::PciMsix msix(r.hal, *r.dev.pci);
  if (!msix.enable(m.tableSize)) return r.harness("MSI-X could not be enabled");
  *tableSize = m.tableSize;
  return true;
}

/// Map an event (config_msix_vector, or queue_msix_vector of the selected queue) and read the field back.
uint16_t mapAndRead(Raw& r, uint32_t field, uint16_t vector) {
  r.setCc(field, vector, 2);
  return static_cast<uint16_t>(r.cc(field, 2));
}

/// Point the PCI configuration access window at (bar, offset, length).
bool pciCfgWindow(Raw& r, uint8_t bar, uint32_t offset, uint32_t length) {
  const uint8_t at = r.dev.pci->layout.pciCfgCapAt;
  if (!at) {
    r.ctx.check(false, "no VIRTIO_PCI_CAP_PCI_CFG capability");
    return false;
  }
  drv::PciConfigSpace cfg = r.cfg();
  cfg.write8(at + offsetof(pci::VirtioPciCap, bar), bar);
  cfg.write32(at + offsetof(pci::VirtioPciCap, offset), offset);
  cfg.write32(at + offsetof(pci::VirtioPciCap, length), length);
  return true;
}
uint16_t pciCfgData(Raw& r) {
  return static_cast<uint16_t>(r.dev.pci->layout.pciCfgCapAt + offsetof(pci::VirtioPciCfgCap, pciCfgData));
}

void idsAndFeatures(std::vector<TestInfo>& out) {
  out.push_back(deviceTest(
      {.id = "virtio.device.pci.discovery.vendor_id",
       .clauses = {"devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Discovery#1"},
       .transports = kPciAll,
       .description = "the function's PCI Vendor ID is 0x1AF4",
       .body = [](Raw& r) {
         // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Discovery#1: vendor 0x1AF4
         const uint16_t v = r.cfg().read16(pci::kCfgVendorId);
         r.ctx.check(v == pci::kVendorRedHatQumranet, "PCI Vendor ID is " + hex(v));
       }}));

  out.push_back(deviceTest(
      {.id = "virtio.device.pci.common_cfg.device_feature_windows",
       .clauses = {"devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#3"},
       .transports = kPciModernish,
       .description = "device_feature shows the offered bits starting at device_feature_select * 32, for every "
                      "select value, in any order",
       .body = [](Raw& r) {
         const uint64_t offer = r.ctx.board().core(0).offeredFeatures();
         for (uint32_t sel : {0u, 1u, 2u, 3u, 0xffffffffu, 1u, 0u}) {
           r.setCc(cc::kDeviceFeatureSelect, sel, 4);
           const uint64_t want = sel < 2 ? (offer >> (32 * sel)) & 0xffffffffu : 0;
           const uint64_t got = r.cc(cc::kDeviceFeature, 4);
           // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#3: bits select*32.. of the offer
           r.ctx.check(got == want, "device_feature for select " + std::to_string(sel) + " is " + hex(got) +
                                        ", the offer there is " + hex(want));
         }
       }}));

  out.push_back(deviceTest(
      {.id = "virtio.device.pci.common_cfg.missing_queue_size_zero",
       .clauses = {"devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#14"},
       .transports = kPciModernish,
       .description = "queue_size reads 0 for every queue_select past num_queues, and not for queue 0",
       .body = [](Raw& r) {
         const auto n = static_cast<uint32_t>(r.cc(cc::kNumQueues, 2));
         r.setCc(cc::kQueueSelect, 0, 2);
         r.ctx.check(r.cc(cc::kQueueSize, 2) != 0, "queue 0 exists but its queue_size reads 0");
         for (uint32_t q : {n, n + 1, 0x7fffu, 0xffffu}) {
           r.setCc(cc::kQueueSelect, q, 2);
           const uint64_t size = r.cc(cc::kQueueSize, 2);
           // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#14: 0 for a queue that does not exist
           r.ctx.check(size == 0, "queue_size of missing queue " + std::to_string(q) + " reads " + std::to_string(size));
         }
       }}));

  out.push_back(deviceTest(
      {.id = "virtio.device.core.features.sr_iov_only_with_capability",
       .clauses = {"devicenormative:Reserved Feature Bits#10"},
       .transports = kModernAll,
       .description = "VIRTIO_F_SR_IOV is offered only by a PCI function with an SR-IOV extended capability",
       .body = [](Raw& r) {
         const bool offered = feat::has(r.t->deviceFeatures(), feat::kSrIov);
         bool capability = false;
         if (r.dev.pci) {  // extended capabilities: a list from 0x100, 16-bit id, next pointer in bits 20..31
           drv::PciConfigSpace c = r.cfg();
           uint16_t at = 0x100;
           for (int guard = 0; at >= 0x100 && guard < 64; ++guard) {
             const uint32_t h = c.read32(at);
             if (h == 0 || h == 0xffffffffu) break;
             if ((h & 0xffff) == 0x0010) capability = true;  // SR-IOV
             at = static_cast<uint16_t>((h >> 20) & 0xffc);
           }
         }
         // devicenormative:Reserved Feature Bits#10: no SR_IOV offer without an SR-IOV capability of a PCI function
         r.ctx.check(!offered || capability, "VIRTIO_F_SR_IOV offered without a PCI SR-IOV capability");
       }}));
}

void queueAndLayout(std::vector<TestInfo>& out) {
  out.push_back(deviceTest(
      {.id = "virtio.device.pci.common_cfg.queue_reset_resets_queue",
       .clauses = {"devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#11",
                   "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#12",
                   "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#13"},
       .transports = kPciModernish,
       .description = "queue_reset = 1 on a live queue: queue_reset reads 1 until the reset is done and 0 for good "
                      "after it; the queue's fields are back at their defaults and its old rings are left alone",
       .body = [](Raw& r) {
         if (!negotiate(r, feat::bit(feat::kRingReset))) return;
         r.setCc(cc::kQueueSelect, 0, 2);
         const uint64_t max = r.cc(cc::kQueueSize, 2);
         if (!setupQueue0(r)) return;
         driverOk(r);
         r.setCc(cc::kQueueSelect, 0, 2);
         r.setCc(cc::kQueueReset, 1, 2);
         bool done = false;
         for (int i = 0; i < 1000 && !done; ++i) {
           const uint64_t v = r.cc(cc::kQueueReset, 2);
           done = v == 0;
           // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#12: 1 while the reset goes on
           if (!done) r.ctx.check(v == 1, "queue_reset reads " + hex(v) + " during a queue reset");
         }
         r.ctx.check(done, "queue_reset never read 0 after a queue reset");
         if (!done) return;
         r.ctx.check(r.cc(cc::kQueueReset, 2) == 0, "queue_reset read 1 again after the reset had completed");
         // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#13: queue_enable 0 too
         r.ctx.check(r.cc(cc::kQueueEnable, 2) == 0, "queue_enable is not 0 after the queue reset");
         // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#11: the queue is back at its defaults
         r.ctx.check(r.cc(cc::kQueueSize, 2) == max, "queue_size is not back at its maximum after the queue reset");
         for (uint32_t f : {cc::kQueueDesc, cc::kQueueDesc + 4, cc::kQueueDriver, cc::kQueueDriver + 4, cc::kQueueDevice,
                            cc::kQueueDevice + 4})
           r.ctx.check(r.cc(f, 4) == 0, "a queue address field is not 0 after the queue reset (offset " + hex(f) + ")");
         // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#11: the old rings are no longer the device's
         if (!watchQueue0(r) || !postBuffer(r)) return;
         r.t->notify(0, r.queue->notifyValue());
         r.ctx.check(watchedHits(r) == 0, "the device accessed the rings of a queue it had reset");
       }}));

  out.push_back(deviceTest(
      {.id = "virtio.device.pci.notify.cap_length_covers_every_queue",
       .clauses = {"devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#4",
                   "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#5",
                   "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#6",
                   "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#9",
                   "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#10",
                   "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#11"},
       .transports = kPciModernish,
       .description = "the notification capability's length covers queue_notify_off * multiplier + 2 (+ 4 with "
                      "NOTIFICATION_DATA offered) for every queue, before and after the features are negotiated",
       .body = [](Raw& r) {
         const auto& cands = r.dev.pci->layout.notifyCandidates;
         if (cands.empty()) return (void)r.ctx.check(false, "no notification capability");
         const uint64_t length = cands[0].length, mult = cands[0].notifyOffMultiplier;
         const bool nd = feat::has(r.t->deviceFeatures(), feat::kNotificationData);
         const uint64_t need = nd ? 4 : 2;
         r.ctx.declareClauses(nd ? std::vector<std::string>{"devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#4", "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#5", "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#6", "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#9", "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#10", "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#11"}
                                 : std::vector<std::string>{"devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#4", "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#5", "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#6"});
         // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#9: at least 4 bytes with NOTIFICATION_DATA (#4: at least 2)
         r.ctx.check(length >= need, "notification capability length " + std::to_string(length));
         auto everyQueue = [&](const char* when) {
           const auto n = static_cast<uint16_t>(r.cc(cc::kNumQueues, 2));
           for (uint16_t q = 0; q < n; ++q) {
             r.setCc(cc::kQueueSelect, q, 2);
             const uint64_t off = r.cc(cc::kQueueNotifyOff, 2);
             // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Notification capability#10: every queue, every configuration (#5 / #6 / #11 likewise)
             r.ctx.check(off * mult + need <= length,
                         std::string(when) + ": queue " + std::to_string(q) + " notifies at " + hex(off * mult) +
                             ", past the capability length " + hex(length));
           }
         };
         everyQueue("before negotiation");
         const uint64_t offered = r.t->deviceFeatures();
         if (!negotiate(r, offered & (feat::bit(feat::kRingPacked) | feat::bit(feat::kNotificationData)))) return;
         everyQueue("after FEATURES_OK");
       }}));

  out.push_back(deviceTest(
      {.id = "virtio.device.pci.layout.independent_64_bit_halves",
       .clauses = {"devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout#1"},
       .transports = kPciModernish,
       .description = "the two 32-bit halves of queue_desc / queue_driver / queue_device are written and read "
                      "independently (either order, one half alone); blk: capacity read half by half",
       .body = [](Raw& r) {
         if (!negotiate(r)) return;
         r.setCc(cc::kQueueSelect, 0, 2);
         for (uint32_t f : {cc::kQueueDesc, cc::kQueueDriver, cc::kQueueDevice}) {
           r.setCc(f + 4, 0x1, 4);  // high half first
           r.setCc(f, 0x2000, 4);
           const bool both = r.cc(f, 4) == 0x2000 && r.cc(f + 4, 4) == 0x1;
           r.setCc(f, 0x3000, 4);  // the low half alone
           const bool lowAlone = r.cc(f, 4) == 0x3000 && r.cc(f + 4, 4) == 0x1;
           r.setCc(f + 4, 0, 4);  // the high half alone
           const bool highAlone = r.cc(f, 4) == 0x3000 && r.cc(f + 4, 4) == 0;
           // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout#1: each half on its own
           r.ctx.check(both && lowAlone && highAlone, "the halves of the 64-bit field at " + hex(f) + " are not independent");
         }
         if (r.ctx.config().deviceType != "blk") return;
         uint64_t whole = 0;  // what the board holds, read by the harness
         r.ctx.board().core(0).readConfig(0, &whole, 8);
         const uint64_t hi = r.t->configRead(4, 4), lo = r.t->configRead(0, 4);
         // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout#1: a 64-bit device configuration field read half by half
         r.ctx.check(((hi << 32) | lo) == whole, "capacity read as two halves is " + hex((hi << 32) | lo) + ", not " + hex(whole));
       }}));

  out.push_back(deviceTest(
      {.id = "virtio.device.pci.pci_cfg.window_executes_accesses",
       .clauses = {"devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / PCI configuration access capability#2",
                   "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / PCI configuration access capability#3"},
       .transports = kPciModernish,
       .description = "pci_cfg_data writes and reads go to cap.bar at cap.offset with cap.length bytes (2-byte write "
                      "of queue_select, 4-byte read of device_feature, 1-byte read of device_status)",
       .body = [](Raw& r) {
         const drv::PciRegion& c = r.dev.pci->layout.common;
         r.t->setStatus(st::kAcknowledge);
         if (!pciCfgWindow(r, c.bar, c.offset + cc::kQueueSelect, 2)) return;
         r.cfg().write32(pciCfgData(r), 0xffff0001u);  // only the first cap.length bytes count
         // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / PCI configuration access capability#2: the write is executed
         r.ctx.check(r.cc(cc::kQueueSelect, 2) == 1, "a queue_select write through pci_cfg_data did not reach the device");
         r.setCc(cc::kDeviceFeatureSelect, 1, 4);
         const uint64_t direct = r.cc(cc::kDeviceFeature, 4);
         if (!pciCfgWindow(r, c.bar, c.offset + cc::kDeviceFeature, 4)) return;
         const uint32_t viaWindow = r.cfg().read32(pciCfgData(r));
         // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / PCI configuration access capability#3: the read is executed and its bytes land in pci_cfg_data
         r.ctx.check(viaWindow == direct, "device_feature through pci_cfg_data is " + hex(viaWindow) + ", directly " + hex(direct));
         if (!pciCfgWindow(r, c.bar, c.offset + cc::kDeviceStatus, 1)) return;
         const uint32_t status = r.cfg().read32(pciCfgData(r)) & 0xff;
         r.ctx.check(status == st::kAcknowledge, "device_status through pci_cfg_data is " + hex(status));
       }}));
}

void isrAndVectors(std::vector<TestInfo>& out) {
  out.push_back(deviceTest(
      {.id = "virtio.device.pci.isr.config_change_bit",
       .clauses = {"devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / ISR status capability#2",
                   "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / ISR status capability#4",
                   "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / ISR status capability#5"},
       .transports = kPciModernish,
       .description = "a configuration change: ISR has the configuration bit when INTx rises (and when the MSI-X "
                      "message arrives); reading ISR clears it and drops INTx",
       .body = [](Raw& r) {
         if (!negotiate(r) || !setupQueue0(r)) return;
         driverOk(r);
         r.ctx.board().core(0).configChanged();
         r.ctx.check(intxAsserted(r), "no INTx after a configuration change (MSI-X disabled)");
         const uint8_t isr = readIsr(r);
         // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / ISR status capability#2: the bit is set by the time the interrupt arrives
         r.ctx.check((isr & pci::kIsrConfig) != 0, "ISR " + hex(isr) + " lacks the configuration bit at the interrupt");
         // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / ISR status capability#5: read clears (and #4: INTx follows)
         r.ctx.check(readIsr(r) == 0, "ISR is not 0 on the read after the one that returned it");
         r.ctx.check(!intxAsserted(r), "INTx still asserted with ISR 0");
         uint16_t n = 0;
         if (!enableMsix(r, &n)) return;
         if (mapAndRead(r, cc::kConfigMsixVector, 0) != 0) return (void)r.harness("config vector 0 not mapped");
         takeMsi(r);
         r.ctx.board().core(0).configChanged();
         const auto got = takeMsi(r);
         r.ctx.check(got.size() == 1 && got[0] == 0, "no single MSI-X message on the configuration vector");
         const uint8_t isr2 = readIsr(r);
         r.ctx.check((isr2 & pci::kIsrConfig) != 0, "ISR " + hex(isr2) + " lacks the configuration bit at the MSI-X message");
       }}));

  out.push_back(deviceTest(
      {.id = "virtio.device.pci.isr.queue_bit",
       .clauses = {"devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / ISR status capability#3",
                   "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / ISR status capability#5"},
       .transports = kPciModernish,
       .deviceTypes = {"rng"},  // needs a request any buffer completes
       .description = "a used buffer with MSI-X disabled: ISR has the queue bit when INTx rises; reading clears it",
       .body = [](Raw& r) {
         if (!negotiate(r) || !setupQueue0(r)) return;
         driverOk(r);
         if (!postBuffer(r)) return;
         r.t->notify(0, r.queue->notifyValue());
         if (!r.queue->hasUsed()) return (void)r.harness("the request was not completed");
         r.ctx.check(intxAsserted(r), "no INTx after a used buffer (MSI-X disabled)");
         const uint8_t isr = readIsr(r);
         // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / ISR status capability#3: queue bit set by the time of the interrupt
         r.ctx.check((isr & pci::kIsrQueue) != 0, "ISR " + hex(isr) + " lacks the queue bit at the interrupt");
         // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / ISR status capability#5: read clears it
         r.ctx.check(readIsr(r) == 0, "ISR is not 0 on the read after the one that returned it");
       }}));

  out.push_back(deviceTest(
      {.id = "virtio.device.pci.msix.table_size_reported",
       .clauses = {"devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#2"},
       .transports = kPciModernish,
       .description = "Table Size is the number of vectors: the last entry exists and a configuration change mapped "
                      "to the last vector arrives on it",
       .body = [](Raw& r) {
         uint16_t n = 0;
         if (!negotiate(r) || !setupQueue0(r) || !enableMsix(r, &n)) return;
         const uint64_t last = r.dev.pci->layout.msix.tableAddr + uint64_t{n - 1u} * pci::kMsixEntrySize;
         r.ctx.check(r.rd(last + pci::kMsixEntryData, 4) == drv::pciMsiData(r.dev.pci->addr.bdf(), static_cast<uint16_t>(n - 1)),
                     "MSI-X table entry " + std::to_string(n - 1) + " does not hold what was written");
         const uint16_t rb = mapAndRead(r, cc::kConfigMsixVector, static_cast<uint16_t>(n - 1));
         r.ctx.check(rb == n - 1, "the last vector (" + std::to_string(n - 1) + ") cannot be mapped: reads " + hex(rb));
         driverOk(r);
         takeMsi(r);
         r.ctx.board().core(0).configChanged();
         const auto got = takeMsi(r);
         // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#2: Table Size vectors really exist
         r.ctx.check(got.size() == 1 && got[0] == n - 1, "no message on the last vector of the table");
       }}));

  out.push_back(deviceTest(
      {.id = "virtio.device.pci.msix.any_event_any_vector",
       .clauses = {"devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#4",
                   "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#5",
                   "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#6"},
       .transports = kPciModernish,
       .description = "config_msix_vector and every queue_msix_vector take every vector of the table and read it "
                      "back; writing NO_VECTOR unmaps each of them",
       .body = [](Raw& r) {
         uint16_t n = 0;
         if (!negotiate(r) || !enableMsix(r, &n)) return;
         const auto queues = static_cast<uint16_t>(r.cc(cc::kNumQueues, 2));
         for (uint16_t v = 0; v < n; ++v) {
           // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#4: any event, any vector
           const uint16_t c = mapAndRead(r, cc::kConfigMsixVector, v);
           r.ctx.check(c == v, "config_msix_vector " + std::to_string(v) + " reads back " + hex(c));
           for (uint16_t q = 0; q < queues; ++q) {
             r.setCc(cc::kQueueSelect, q, 2);
             const auto want = static_cast<uint16_t>((v + q) % n);
             const uint16_t got = mapAndRead(r, cc::kQueueMsixVector, want);
             r.ctx.check(got == want, "queue " + std::to_string(q) + " vector " + std::to_string(want) + " reads back " + hex(got));
           }
         }
         // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#5: every event can be unmapped
         r.ctx.check(mapAndRead(r, cc::kConfigMsixVector, pci::kNoVector) == pci::kNoVector, "config vector not unmapped");
         for (uint16_t q = 0; q < queues; ++q) {
           r.setCc(cc::kQueueSelect, q, 2);
           r.ctx.check(mapAndRead(r, cc::kQueueMsixVector, pci::kNoVector) == pci::kNoVector,
                       "queue " + std::to_string(q) + " vector not unmapped");
         }
       }}));

  out.push_back(deviceTest(
      {.id = "virtio.device.pci.msix.failed_mapping_reads_no_vector",
       .clauses = {"devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#9"},
       .transports = kPciModernish,
       .description = "a hostile driver maps events to a vector past the table: the fields read NO_VECTOR",
       .body = [](Raw& r) {
         uint16_t n = 0;
         if (!negotiate(r) || !enableMsix(r, &n)) return;
         // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#9: a failed mapping reads NO_VECTOR
         const uint16_t c = mapAndRead(r, cc::kConfigMsixVector, n);
         r.ctx.check(c == pci::kNoVector, "config_msix_vector mapped past the table reads " + hex(c));
         r.setCc(cc::kQueueSelect, 0, 2);
         const uint16_t q = mapAndRead(r, cc::kQueueMsixVector, static_cast<uint16_t>(n + 7));
         r.ctx.check(q == pci::kNoVector, "queue_msix_vector mapped past the table reads " + hex(q));
       }}));

  out.push_back(deviceTest(
      {.id = "virtio.device.pci.msix.no_vector_no_interrupt",
       .clauses = {"devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Used Buffer Notifications#1",
                   "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Notification of Device Configuration Changes#1"},
       .transports = kPciModernish,
       .deviceTypes = {"rng"},  // needs a request any buffer completes
       .description = "MSI-X enabled, queue 0 and configuration changes unmapped (NO_VECTOR): a used buffer and a "
                      "configuration change send no message and raise no INTx",
       .body = [](Raw& r) {
         uint16_t n = 0;
         if (!negotiate(r) || !setupQueue0(r, false) || !enableMsix(r, &n)) return;
         if (mapAndRead(r, cc::kConfigMsixVector, pci::kNoVector) != pci::kNoVector) return (void)r.harness("unmap failed");
         r.setCc(cc::kQueueSelect, 0, 2);
         if (mapAndRead(r, cc::kQueueMsixVector, pci::kNoVector) != pci::kNoVector) return (void)r.harness("unmap failed");
         r.t->enableQueue(0);
         driverOk(r);
         takeMsi(r);
         if (!postBuffer(r)) return;
         r.t->notify(0, r.queue->notifyValue());
         if (!r.queue->hasUsed()) return (void)r.harness("the request was not completed");
         // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Used Buffer Notifications#1: nothing for a NO_VECTOR queue
         r.ctx.check(takeMsi(r).empty() && !intxAsserted(r), "an interrupt for a queue mapped to NO_VECTOR");
         r.ctx.board().core(0).configChanged();
         // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Notification of Device Configuration Changes#1: nothing with NO_VECTOR
         r.ctx.check(takeMsi(r).empty() && !intxAsserted(r), "an interrupt for a configuration change mapped to NO_VECTOR");
       }}));
}

void vendorData(std::vector<TestInfo>& out) {
  out.push_back(deviceTest(
      {.id = "virtio.device.pci.vendor_data.reads_have_no_side_effects",
       .clauses = {"devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Vendor data capability#1",
                   "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Vendor data capability#2",
                   "devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Vendor data capability#3"},
       .transports = kPciModernish,
       .description = "a device with a vendor data capability: vendor_id is not 0x1AF4, the size is a multiple of 4, "
                      "and reading all of it (twice) changes neither it nor status, generation, ISR or INTx",
       .prepare = [](model::DeviceSpec& s) { s.pci.vendorDataId = 0x1b36; },
       .body = [](Raw& r) {
         const drv::VirtioPciCapInfo* cap = nullptr;
         for (const auto& c : r.dev.pci->layout.caps)
           if (c.cfgType == pci::kCapVendorCfg) cap = &c;
         if (!cap) return (void)r.ctx.check(false, "no vendor data capability although one was configured");
         // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Vendor data capability#1 and #2: vendor_id and size
         r.ctx.check(cap->vendorId != pci::kVendorRedHatQumranet, "vendor data capability with vendor_id 0x1af4");
         r.ctx.check(cap->capLen % 4 == 0, "vendor data capability size " + std::to_string(cap->capLen));
         if (!negotiate(r) || !setupQueue0(r)) return;
         driverOk(r);
         r.ctx.board().core(0).configChanged();  // ISR now has a bit and INTx is up: state a read could disturb
         const uint64_t status = r.cc(cc::kDeviceStatus, 1), gen = r.cc(cc::kConfigGeneration, 1);
         drv::PciConfigSpace c = r.cfg();
         std::vector<uint8_t> first, second;
         for (uint8_t k = 0; k < cap->capLen; ++k) first.push_back(c.read8(static_cast<uint16_t>(cap->at + k)));
         for (uint8_t k = 0; k < cap->capLen; k += 4) {
           const uint32_t dw = c.read32(static_cast<uint16_t>(cap->at + k));
           for (unsigned b = 0; b < 4; ++b) second.push_back(static_cast<uint8_t>(dw >> (8 * b)));
         }
         // devicenormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Vendor data capability#3: reading changes nothing
         r.ctx.check(first == second, "the vendor data capability reads differently the second time");
         r.ctx.check(intxAsserted(r), "reading the vendor data capability took the pending interrupt away");
         r.ctx.check(r.cc(cc::kDeviceStatus, 1) == status && r.cc(cc::kConfigGeneration, 1) == gen,
                     "reading the vendor data capability changed device_status or config_generation");
         r.ctx.check((readIsr(r) & pci::kIsrConfig) != 0, "reading the vendor data capability cleared ISR");
       }}));
}

}  // namespace

void registerPciDeviceTests(std::vector<TestInfo>& out) {
  idsAndFeatures(out);
  queueAndLayout(out);
  isrAndVectors(out);
  vendorData(out);
}

}  // namespace vsim::conformance::layout

// More faulty drivers for the transport and initialisation rules: one mutant per device-side check that had none.
// Each performs a correct initialisation up to the point of the fault (raw transport steps, or our whole driver
// stack for a live device), then exactly one access that breaks one driver-normative statement. The strict device
// must report that clause and nothing else.
//
// Clause IDs are full literals (scripts/check_clause_ids.py checks them). Checks that need a device type with
// device-specific configuration (General Initialization#3, MMIO Register Layout#5) or the console
// (Device Configuration Space#3) are not supported on rng and fire only where such a device runs.
// Left without a mutant: Basic Facilities / Feature Bits#2 (features.dependency): the core asks the device type
// for dependency rules and no device type has any yet (DeviceLogic::checkFeatures returns ""), so no accepted
// subset can break the statement.
#include <algorithm>

#include "test_helpers.h"
#include "vsim/abi/features.h"
#include "vsim/abi/mmio.h"
#include "vsim/abi/pci.h"
#include "vsim/drv/driver_queue.h"
#include "vsim/drv/pci.h"
#include "vsim/model/device_core.h"

namespace vsim::conformance {

namespace {

namespace st = vsim::status;
namespace cc = vsim::pci::common;
namespace lg = vsim::pci::legacy;
using drv::Space;

const std::vector<TK> kPciModernish = {TK::PciModern, TK::PciTransitional};
const std::vector<TK> kPciAll = {TK::PciModern, TK::PciTransitional, TK::PciLegacy};
const std::vector<TK> kMmioBoth = {TK::MmioV2, TK::MmioV1};
const std::vector<TK> kModernAll = {TK::PciModern, TK::PciTransitional, TK::MmioV2};

/// Where the mutant starts from.
enum class Start : uint8_t {
  Unprobed,  ///< nothing touched the device yet (no discovery): the body finds it itself
  Reset,     ///< discovered, raw transport built, device reset and its status read back as 0
  Live,      ///< our driver stack initialised the device (DRIVER_OK) with the mutant's DriverOptions
};

struct Env {
  TestContext& ctx;
  drv::Hal& hal;
  ViolationSink& sink;
  drv::DiscoveredDevice dev;
  std::unique_ptr<drv::Transport> raw;
  std::unique_ptr<drv::Device> live;
  std::unique_ptr<drv::DriverQueue> queue;  ///< a queue the body set up through the raw transport
  uint64_t common = 0, mmio = 0;
  bool skipped = false;

  drv::Transport& t() { return live ? live->transport() : *raw; }
  bool legacy() const { return isLegacy(ctx.config()); }
  uint64_t rd(uint64_t a, unsigned w, Space s = Space::Memory) { return hal.read(s, a, w); }
  void wr(uint64_t a, uint64_t v, unsigned w, Space s = Space::Memory) { hal.write(s, a, v, w); }
  void notSupported(const std::string& why) {
    skipped = true;
    ctx.notSupported(why);
  }
  bool harness(const std::string& why) {
    ctx.harnessError(why);
    return false;
  }
  /// I/O BAR0 of a PCI function (legacy interface / legacy trap).
  uint64_t ioBar0() const { return dev.pci ? dev.pci->bars[0].address : 0; }
};

struct Mutant {
  std::string id, clause;
  std::vector<TK> transports;
  std::string description;
  Start start = Start::Reset;
  std::function<void(Env&)> body;
  std::function<void(model::DeviceSpec&)> prepare;   ///< device parameters, before the board is built
  std::function<void(drv::DriverOptions&)> options;  ///< Start::Live: the driver's policy
  std::vector<std::string> deviceTypes;
};

TestInfo make(Mutant m) {
  TestInfo t;
  t.id = m.id;
  t.target = Direction::Driver;
  t.kind = "negative";
  t.clauses = {m.clause};
  t.transports = m.transports;
  t.deviceTypes = m.deviceTypes;
  t.description = m.description;
  t.run = [m](TestContext& ctx) {
    if (m.prepare) m.prepare(ctx.spec());
    bool skipped = false;
    ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
      Env e{ctx, hal, sink, {}, nullptr, nullptr, nullptr, 0, 0, false};
      if (m.start != Start::Unprobed) {
        if (m.start == Start::Live) {
          auto all = drv::discover(hal, sink);
          if (all.size() != 1) return ctx.harnessError("expected exactly one device");
          e.dev = all[0];
          drv::DriverOptions o;
          if (m.options) m.options(o);
          e.live = drv::open(hal, e.dev, o, sink);
          if (!e.live || !e.live->live())
            return ctx.harnessError("the device did not come up" + (e.live ? ": " + e.live->failure() : std::string()));
        } else {
          e.raw = rawTransport(ctx, hal, sink, &e.dev);
          if (!e.raw) return;
          if (!e.raw->reset(100'000'000)) return ctx.harnessError("device did not reset");
        }
        if (e.dev.pci) e.common = e.dev.pci->layout.common.base;
        e.mmio = e.dev.mmioBase;
      }
      m.body(e);
      skipped = e.skipped;
    });
    if (!ctx.failed() && !skipped) ctx.expectOnlyClause(m.clause);
  };
  return t;
}

// ---- correct steps the mutants are built from --------------------------------------------------------------

/// ACKNOWLEDGE, DRIVER, read the offer, accept the minimal features plus `extra`, and on a modern interface
/// FEATURES_OK and its re-read. False (not supported) when `extra` is not offered.
bool negotiate(Env& e, uint64_t extra = 0, uint64_t* offeredOut = nullptr) {
  drv::Transport& t = e.t();
  t.setStatus(st::kAcknowledge);
  t.setStatus(st::kAcknowledge | st::kDriver);
  const uint64_t offered = t.deviceFeatures();
  if (offeredOut) *offeredOut = offered;
  if ((offered & extra) != extra) {
    e.notSupported("the device does not offer the features this fault needs");
    return false;
  }
  const uint64_t f = minimalFeatures(e.ctx.config()) | extra;
  t.writeDriverFeatures(f);
  if (!e.legacy()) {
    t.setStatus(st::kAcknowledge | st::kDriver | st::kFeaturesOk);
    if (!(t.status() & st::kFeaturesOk)) return e.harness("FEATURES_OK was not accepted");
  }
  t.featuresNegotiated(f);
  return true;
}

/// Queue 0 of a modern interface: a split ring of (at most) 8 entries, programmed through the transport.
bool setupQueue0(Env& e, bool enable = true) {
  drv::Transport& t = e.t();
  const uint32_t max = t.queueMaxSize(0);
  if (max == 0) return e.harness("queue 0 does not exist");
  e.queue = drv::makeDriverQueue(false, e.sink);
  if (!e.queue->configure(std::min<uint32_t>(8, max), t.negotiated(), e.hal.dmaMemory(), e.hal.dmaAllocator(), 0))
    return e.harness("queue configure failed");
  if (!t.setupQueue(0, e.queue->layout())) return e.harness("queue setup failed");
  if (enable && !t.enableQueue(0)) return e.harness("queue enable failed");
  return true;
}

/// A live device: make one 64-byte device-writable buffer available on queue 0 and notify (if the device wants it).
bool submit(Env& e) {
  drv::DriverQueue& q = e.live->queue(0);
  drv::Buf b{e.hal.dmaAllocator().alloc(64, 64), 64, true};
  if (q.add(&b, 1, 1) < 0) return e.harness("could not make a buffer available");
  e.live->kick(0);
  return true;
}

/// The address (and space) of queue q's available buffer notifications on the modern PCI interface.
bool pciNotifyAddr(Env& e, uint16_t q, uint64_t* addr, Space* space) {
  const auto& cands = e.dev.pci->layout.notifyCandidates;
  if (cands.empty()) return e.harness("no notification capability");
  e.wr(e.common + cc::kQueueSelect, q, 2);
  const uint64_t off = e.rd(e.common + cc::kQueueNotifyOff, 2);
  const drv::PciBar& bar = e.dev.pci->bars[cands[0].bar];
  *addr = bar.address + cands[0].offset + off * cands[0].notifyOffMultiplier;
  *space = bar.io ? Space::Io : Space::Memory;
  return true;
}

/// Bytes of device-specific configuration the device has (what the harness knows, not a driver access).
uint32_t configSize(Env& e) { return e.ctx.board().core(0).configSize(); }

/// Select the PCI configuration access window (cap.bar, cap.offset, cap.length) with correct accesses.
bool pciCfgWindow(Env& e, uint8_t bar, uint32_t offset, uint32_t length) {
  const uint8_t at = e.dev.pci->layout.pciCfgCapAt;
  if (!at) return e.harness("no PCI configuration access capability");
  drv::PciConfigSpace cfg = e.dev.pci->config(e.hal);
  cfg.write8(at + offsetof(pci::VirtioPciCap, bar), bar);
  cfg.write32(at + offsetof(pci::VirtioPciCap, offset), offset);
  cfg.write32(at + offsetof(pci::VirtioPciCap, length), length);
  return true;
}
uint32_t pciCfgDataRead(Env& e) {
  drv::PciConfigSpace cfg = e.dev.pci->config(e.hal);
  return cfg.read32(e.dev.pci->layout.pciCfgCapAt + offsetof(pci::VirtioPciCfgCap, pciCfgData));
}

/// The MMIO window of the platform's virtio device, found by reading MagicValue of every slot (the first access
/// the probe allows).
uint64_t findMmioByMagic(Env& e) {
  for (const auto& s : e.hal.platform().mmio)
    if (e.rd(s.base + mmio::kMagicValue, 4) == mmio::kMagic) return s.base;
  return 0;
}

void withNotifConfigData(model::DeviceSpec& s) {
  s.core.ringFeatures = model::DeviceCore::kDefaultRingFeatures | feat::bit(feat::kNotifConfigData);
}

}  // namespace

void registerMoreMutants(std::vector<TestInfo>& out) {
  auto add = [&](Mutant m) { out.push_back(make(std::move(m))); };

  // =============================================================================================================
  // Core: device status, feature bits, configuration space, general initialisation
  // =============================================================================================================
  {
    Mutant m;
    m.id = "virtio.driver.core.status.notify_after_needs_reset";
    m.clause = "drivernormative:Basic Facilities of a Virtio Device / Device Status Field#4";
    m.description = "the device entered DEVICE_NEEDS_RESET after one request; the driver notifies it again";
    m.start = Start::Live;
    m.deviceTypes = {"rng"};  // needs a request any buffer completes
    m.prepare = [](model::DeviceSpec& s) { s.core.personality.needsResetAfter = 1; };
    m.body = [](Env& e) {
      if (!submit(e)) return;
      if (!(e.t().status() & st::kDeviceNeedsReset))
        return (void)e.harness("the device did not set DEVICE_NEEDS_RESET");
      drv::DriverQueue& q = e.live->queue(0);
      drv::Buf b{e.hal.dmaAllocator().alloc(64, 64), 64, true};
      if (q.add(&b, 1, 2) < 0) return (void)e.harness("could not make a buffer available");
      e.t().notify(0, q.notifyValue());  // the fault: it carries on instead of resetting the device
    };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.core.config.written_before_features_ok";
    m.clause = "drivernormative:General Initialization And Device Operation / Device Initialization#3";
    m.transports = kModernAll;
    m.description = "device configuration written while the features are still being negotiated";
    m.body = [](Env& e) {
      if (configSize(e) == 0) return e.notSupported("the device has no device-specific configuration");
      drv::Transport& t = e.t();
      t.setStatus(st::kAcknowledge);
      t.setStatus(st::kAcknowledge | st::kDriver);
      t.deviceFeatures();
      t.configWrite(0, 0, 1);
    };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.core.config.optional_field_not_offered";
    m.clause = "drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#3";
    m.deviceTypes = {"console"};
    m.description = "console: max_nr_ports read although VIRTIO_CONSOLE_F_MULTIPORT is not offered";
    m.body = [](Env& e) {
      uint64_t offered = 0;
      if (!negotiate(e, 0, &offered)) return;
      if (feat::has(offered, 1 /* VIRTIO_CONSOLE_F_MULTIPORT */)) return e.notSupported("MULTIPORT is offered");
      e.t().configRead(4 /* max_nr_ports */, 4);
    };
    add(m);
  }

  {
    Mutant m;
    m.id = "virtio.driver.core.config.wide_field_read_as_atomic";
    m.clause = "drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#1";
    m.transports = kModernAll;
    m.deviceTypes = {"blk"};
    m.description = "blk: the 64-bit capacity read as two 32-bit halves with no config generation read around them";
    m.body = [](Env& e) {
      if (!negotiate(e)) return;
      const uint64_t lo = e.t().configRead(0 /* capacity */, 4), hi = e.t().configRead(4, 4);
      (void)lo, (void)hi;
      e.t().setStatus(st::kAcknowledge | st::kDriver | st::kFeaturesOk);  // moves on without a generation check
    };
    add(m);
  }

  // =============================================================================================================
  // virtio-pci
  // =============================================================================================================
  {
    Mutant m;
    m.id = "virtio.driver.pci.discovery.legacy_access_to_modern_device";
    m.clause = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Discovery#1";
    m.transports = {TK::PciModern};
    m.description = "a legacy driver's access to I/O BAR0 of a non-transitional device (legacy_trap)";
    m.prepare = [](model::DeviceSpec& s) { s.pci.legacyTrap = true; };
    m.body = [](Env& e) {
      const drv::PciBar& b = e.dev.pci->bars[0];
      if (!b.present || !b.io || !b.assigned) return (void)e.harness("no I/O BAR0");
      e.rd(b.address + lg::kStatus, 1, Space::Io);
    };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.pci.common_cfg.enable_unconfigured_queue";
    m.clause =
        "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#4";
    m.transports = kPciModernish;
    m.description = "queue_enable = 1 for a queue whose addresses were never written";
    m.body = [](Env& e) {
      if (!negotiate(e)) return;
      e.wr(e.common + cc::kQueueSelect, 0, 2);
      e.wr(e.common + cc::kQueueEnable, 1, 2);
    };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.pci.common_cfg.queue_reset_not_read_back";
    m.clause =
        "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / Common configuration structure layout#7";
    m.transports = kPciModernish;
    m.description = "after queue_reset = 1 the queue is reconfigured without reading queue_reset back as 0";
    m.body = [](Env& e) {
      if (!negotiate(e, feat::bit(feat::kRingReset)) || !setupQueue0(e)) return;
      e.t().setStatus(st::kAcknowledge | st::kDriver | st::kFeaturesOk | st::kDriverOk);
      e.wr(e.common + cc::kQueueSelect, 0, 2);
      e.wr(e.common + cc::kQueueReset, 1, 2);
      e.wr(e.common + cc::kQueueSize, e.queue->size(), 2);
    };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.pci.isr.read_after_msix_queue_interrupt";
    m.clause =
        "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / ISR status capability#1";
    m.transports = kPciAll;
    m.description = "with MSI-X enabled the driver reads ISR status because of a queue interrupt";
    m.start = Start::Live;
    m.deviceTypes = {"rng"};  // needs a request any buffer completes
    m.options = [](drv::DriverOptions& o) { o.interrupts = drv::InterruptMode::Msix; };
    m.body = [](Env& e) {
      if (!submit(e)) return;
      if (!e.live->queue(0).hasUsed()) return (void)e.harness("the request was not completed");
      if (e.legacy())
        e.rd(e.ioBar0() + lg::kIsr, 1, Space::Io);
      else
        e.rd(e.dev.pci->layout.isr.base, 1, e.dev.pci->layout.isr.space);
    };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.pci.pci_cfg.offset_not_multiple_of_length";
    m.clause =
        "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / PCI configuration access capability#1";
    m.transports = kPciModernish;
    m.description = "pci_cfg_data read with cap.offset not a multiple of cap.length";
    m.body = [](Env& e) {
      const auto& c = e.dev.pci->layout.common;
      if (!pciCfgWindow(e, c.bar, c.offset + cc::kQueueSelect + 1, 2)) return;
      pciCfgDataRead(e);
    };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.pci.pci_cfg.bad_length";
    m.clause =
        "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / PCI configuration access capability#2";
    m.transports = kPciModernish;
    m.description = "pci_cfg_data read with cap.length 3";
    m.body = [](Env& e) {
      const auto& c = e.dev.pci->layout.common;
      if (!pciCfgWindow(e, c.bar, c.offset + cc::kDeviceFeature, 3)) return;
      pciCfgDataRead(e);
    };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.pci.pci_cfg.outside_structure";
    m.clause =
        "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / PCI configuration access capability#3";
    m.transports = kPciModernish;
    m.description = "pci_cfg_data read through a window just past the common configuration structure";
    m.body = [](Env& e) {
      const auto& c = e.dev.pci->layout.common;
      if (!pciCfgWindow(e, c.bar, static_cast<uint32_t>(c.offset + c.length), 4)) return;
      pciCfgDataRead(e);
    };
    add(m);
  }
  // Available buffer notifications: a live device, then one notification that breaks the rule of the negotiated
  // NOTIFICATION_DATA / NOTIF_CONFIG_DATA pair.
  {
    Mutant m;
    m.id = "virtio.driver.pci.notify.not_16_bit";
    m.clause =
        "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#1";
    m.transports = kPciModernish;
    m.description = "a 32-bit available buffer notification without VIRTIO_F_NOTIFICATION_DATA";
    m.start = Start::Live;
    m.options = [](drv::DriverOptions& o) { o.notificationData = false; };
    m.body = [](Env& e) {
      uint64_t a;
      Space s;
      if (!pciNotifyAddr(e, 0, &a, &s)) return;
      e.wr(a, 0, 4, s);
    };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.pci.notify.not_32_bit";
    m.clause =
        "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#2";
    m.transports = kPciModernish;
    m.description = "a 16-bit available buffer notification with VIRTIO_F_NOTIFICATION_DATA";
    m.start = Start::Live;
    m.options = [](drv::DriverOptions& o) { o.notificationData = true; };
    m.body = [](Env& e) {
      if (!feat::has(e.live->features(), feat::kNotificationData))
        return e.notSupported("VIRTIO_F_NOTIFICATION_DATA not negotiated");
      uint64_t a;
      Space s;
      if (!pciNotifyAddr(e, 0, &a, &s)) return;
      e.wr(a, 0, 2, s);
    };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.pci.notify.wrong_queue_index";
    m.clause =
        "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#3";
    m.transports = kPciModernish;
    m.description = "the notification at queue 0's address carries another queue index";
    m.start = Start::Live;
    m.options = [](drv::DriverOptions& o) {
      o.notificationData = false;
      o.notifConfigData = false;
    };
    m.body = [](Env& e) {
      uint64_t a;
      Space s;
      if (!pciNotifyAddr(e, 0, &a, &s)) return;
      e.wr(a, 1, 2, s);
    };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.pci.notify.data_wrong_queue_index";
    m.clause =
        "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#4";
    m.transports = kPciModernish;
    m.description = "with VIRTIO_F_NOTIFICATION_DATA, queue 0's notification data names another queue";
    m.start = Start::Live;
    m.options = [](drv::DriverOptions& o) {
      o.notificationData = true;
      o.notifConfigData = false;
      o.ringPacked = false;
    };
    m.body = [](Env& e) {
      if (!feat::has(e.live->features(), feat::kNotificationData))
        return e.notSupported("VIRTIO_F_NOTIFICATION_DATA not negotiated");
      uint64_t a;
      Space s;
      if (!pciNotifyAddr(e, 0, &a, &s)) return;
      e.wr(a, (e.live->queue(0).notificationData() & 0xffff0000u) | 1u, 4, s);
    };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.pci.notify.not_config_data";
    m.clause =
        "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#5";
    m.transports = kPciModernish;
    m.description = "with VIRTIO_F_NOTIF_CONFIG_DATA (offered by this device instance) the notification is not "
                    "queue_notif_config_data";
    m.start = Start::Live;
    m.prepare = withNotifConfigData;
    m.options = [](drv::DriverOptions& o) {
      o.notificationData = false;
      o.notifConfigData = true;
    };
    m.body = [](Env& e) {
      if (!feat::has(e.live->features(), feat::kNotifConfigData))
        return e.notSupported("VIRTIO_F_NOTIF_CONFIG_DATA not negotiated");
      uint64_t a;
      Space s;
      if (!pciNotifyAddr(e, 0, &a, &s)) return;
      const uint64_t want = e.rd(e.common + cc::kQueueNotifConfigData, 2);
      e.wr(a, (want + 1) & 0xffff, 2, s);
    };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.pci.notify.data_not_config_data";
    m.clause =
        "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Available Buffer Notifications#6";
    m.transports = kPciModernish;
    m.description = "with VIRTIO_F_NOTIFICATION_DATA and VIRTIO_F_NOTIF_CONFIG_DATA the low 16 bits are not "
                    "queue_notif_config_data";
    m.start = Start::Live;
    m.prepare = withNotifConfigData;
    m.options = [](drv::DriverOptions& o) {
      o.notificationData = true;
      o.notifConfigData = true;
      o.ringPacked = false;
    };
    m.body = [](Env& e) {
      const uint64_t f = e.live->features();
      if (!feat::has(f, feat::kNotifConfigData) || !feat::has(f, feat::kNotificationData))
        return e.notSupported("NOTIFICATION_DATA and NOTIF_CONFIG_DATA not both negotiated");
      uint64_t a;
      Space s;
      if (!pciNotifyAddr(e, 0, &a, &s)) return;
      const uint64_t want = e.rd(e.common + cc::kQueueNotifConfigData, 2);
      e.wr(a, (e.live->queue(0).notificationData() & 0xffff0000u) | ((want + 1) & 0xffff), 4, s);
    };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.pci.msix.mapping_not_read_back";
    m.clause =
        "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#5";
    m.transports = kPciAll;
    m.description = "an MSI-X vector is mapped and relied on (queue enabled / DRIVER_OK) without reading it back";
    m.body = [](Env& e) {
      if (e.legacy()) {
        // legacy: the vector registers exist only with MSI-X enabled; the config vector is checked at DRIVER_OK
        if (!negotiate(e)) return;
        drv::PciMsix msix(e.hal, *e.dev.pci);
        if (!msix.enable(2)) return e.notSupported("no usable MSI-X table");
        e.wr(e.ioBar0() + lg::kConfigMsixVector, 0, 2, Space::Io);
        e.t().setStatus(st::kAcknowledge | st::kDriver | st::kDriverOk);
        return;
      }
      if (!negotiate(e) || !setupQueue0(e, false)) return;
      e.wr(e.common + cc::kQueueSelect, 0, 2);
      e.wr(e.common + cc::kQueueMsixVector, 0, 2);
      e.wr(e.common + cc::kQueueEnable, 1, 2);
    };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.pci.transitional.mixed_interfaces";
    m.clause = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#2";
    m.transports = {TK::PciTransitional};
    m.description = "a driver that started through the modern structures touches the legacy I/O BAR";
    m.body = [](Env& e) {
      e.t().setStatus(st::kAcknowledge);
      e.rd(e.ioBar0() + lg::kStatus, 1, Space::Io);
    };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.pci.cap.write_common_cap";
    m.clause = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / Virtio Structure PCI Capabilities#8";
    m.transports = kPciModernish;
    m.description = "the driver writes the offset field of the common configuration capability";
    m.body = [](Env& e) {
      const auto& c = e.dev.pci->layout.common;
      drv::PciConfigSpace cfg = e.dev.pci->config(e.hal);
      cfg.write32(c.capAt + offsetof(pci::VirtioPciCap, offset), c.offset);
    };
    add(m);
  }

  // =============================================================================================================
  // virtio-mmio
  // =============================================================================================================
  {
    Mutant m;
    m.id = "virtio.driver.mmio.regs.undefined_location";
    m.clause = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#1";
    m.transports = kMmioBoth;
    m.description = "a read of the hole between DeviceFeaturesSel and DriverFeatures";
    m.body = [](Env& e) { e.rd(e.mmio + 0x018, 4); };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.mmio.regs.read_write_only";
    m.clause = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#3";
    m.transports = kMmioBoth;
    m.description = "the driver reads the write-only QueueSel register";
    m.body = [](Env& e) { e.rd(e.mmio + mmio::kQueueSel, 4); };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.mmio.config.unaligned_access";
    m.clause = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#5";
    m.transports = kMmioBoth;
    m.description = "a 16-bit configuration read at an odd offset";
    m.body = [](Env& e) {
      // an odd offset whose bytes carry no device-type rule of their own: input's bytes 1-2 hold the size of a
      // query result (reading it starts a query), its reserved bytes 3-4 do not
      const uint32_t off = e.dev.type == 18 /* input */ ? 3 : 1;
      if (configSize(e) < off + 2) return e.notSupported("the device has no device-specific configuration here");
      e.rd(e.mmio + mmio::kConfig + off, 2);
    };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.mmio.features.device_features_without_select";
    m.clause = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#12";
    m.transports = kMmioBoth;
    m.description = "DeviceFeatures read before DeviceFeaturesSel was ever written";
    m.body = [](Env& e) {
      e.t().setStatus(st::kAcknowledge);
      e.t().setStatus(st::kAcknowledge | st::kDriver);
      e.rd(e.mmio + mmio::kDeviceFeatures, 4);
    };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.mmio.features.driver_features_without_select";
    m.clause = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#13";
    m.transports = kMmioBoth;
    m.description = "DriverFeatures written before DriverFeaturesSel was ever written";
    m.body = [](Env& e) {
      e.t().setStatus(st::kAcknowledge);
      e.t().setStatus(st::kAcknowledge | st::kDriver);
      e.t().deviceFeatures();
      e.wr(e.mmio + mmio::kDriverFeatures, 0, 4);
    };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.mmio.queue.num_written_while_ready";
    m.clause = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#15";
    m.transports = {TK::MmioV2};
    m.description = "QueueNum written while QueueReady is 1";
    m.body = [](Env& e) {
      if (!negotiate(e) || !setupQueue0(e)) return;
      e.wr(e.mmio + mmio::kQueueNum, e.queue->size(), 4);
    };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.mmio.queue.ready_not_read_back";
    m.clause = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#17";
    m.transports = {TK::MmioV2};
    m.description = "after QueueReady 0 the queue is reconfigured without reading QueueReady back";
    m.body = [](Env& e) {
      if (!negotiate(e) || !setupQueue0(e)) return;
      e.wr(e.mmio + mmio::kQueueReady, 0, 4);
      e.wr(e.mmio + mmio::kQueueNum, e.queue->size(), 4);
    };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.mmio.queue.reset_not_read_back";
    m.clause = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#21";
    m.transports = {TK::MmioV2};
    m.description = "after QueueReset 1 the queue is reconfigured without reading QueueReset back";
    m.body = [](Env& e) {
      if (!negotiate(e, feat::bit(feat::kRingReset)) || !setupQueue0(e)) return;
      e.t().setStatus(st::kAcknowledge | st::kDriver | st::kFeaturesOk | st::kDriverOk);
      e.wr(e.mmio + mmio::kQueueSel, 0, 4);
      e.wr(e.mmio + mmio::kQueueReset, 1, 4);
      e.wr(e.mmio + mmio::kQueueNum, e.queue->size(), 4);
    };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.mmio.probe.version_not_read";
    m.clause =
        "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#1";
    m.transports = kMmioBoth;
    m.description = "the probe reads MagicValue, then DeviceID without having read Version";
    m.start = Start::Unprobed;
    m.body = [](Env& e) {
      const uint64_t base = findMmioByMagic(e);
      if (!base) return (void)e.harness("no virtio-mmio device found");
      e.rd(base + mmio::kDeviceId, 4);
    };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.mmio.probe.device_id_not_read";
    m.clause =
        "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#2";
    m.transports = kMmioBoth;
    m.description = "after MagicValue and Version the driver writes Status without having read DeviceID";
    m.start = Start::Unprobed;
    m.body = [](Env& e) {
      const uint64_t base = findMmioByMagic(e);
      if (!base) return (void)e.harness("no virtio-mmio device found");
      e.rd(base + mmio::kVersion, 4);
      e.wr(base + mmio::kStatus, st::kAcknowledge, 4);
    };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.mmio.shm.register_used";
    m.clause =
        "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#5";
    m.transports = {TK::MmioV2};
    m.description = "the driver reads SHMLenLow of a device without shared memory regions";
    m.body = [](Env& e) { e.rd(e.mmio + mmio::kShmLenLow, 4); };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.mmio.queue.ready_before_features_ok";
    m.clause =
        "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#6";
    m.transports = {TK::MmioV2};
    m.description = "QueueReady 1 after the feature write but before FEATURES_OK";
    m.body = [](Env& e) {
      drv::Transport& t = e.t();
      t.setStatus(st::kAcknowledge);
      t.setStatus(st::kAcknowledge | st::kDriver);
      t.deviceFeatures();
      t.writeDriverFeatures(feat::bit(feat::kVersion1));
      setupQueue0(e);  // the fault: its QueueReady write comes before FEATURES_OK
    };
    add(m);
  }
  {
    Mutant m;
    m.id = "virtio.driver.mmio.irq.ack_without_status_read";
    m.clause =
        "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Notifications From The Device#1";
    m.transports = kMmioBoth;
    m.description = "a used buffer interrupt is acknowledged without reading InterruptStatus";
    m.start = Start::Live;
    m.deviceTypes = {"rng"};  // needs a request any buffer completes
    m.body = [](Env& e) {
      if (!submit(e)) return;
      if (!((e.hal.lineLevels() >> e.dev.mmioLine) & 1u)) return (void)e.harness("no interrupt pending");
      e.wr(e.mmio + mmio::kInterruptAck, mmio::kIntUsedBuffer, 4);
    };
    add(m);
  }
}

}  // namespace vsim::conformance

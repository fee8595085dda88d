// Faulty drivers for the transport register rules (virtio-pci modern, virtio-mmio v2): a correct initialisation up
// to the point of the fault, then exactly one register access that breaks one statement. The strict device must
// report that clause and nothing else.
#include "test_helpers.h"
#include "vsim/abi/features.h"
#include "vsim/abi/mmio.h"
#include "vsim/abi/pci.h"
#include "vsim/drv/pci.h"

namespace vsim::conformance {

namespace {

namespace st = vsim::status;
const std::string kPci = "drivernormative:Virtio Transport Options / Virtio Over PCI Bus / ";
const std::string kCommon = kPci + "PCI Device Layout / Common configuration structure layout#";
struct Where {
  drv::DiscoveredDevice dev;
  uint64_t common = 0, mmio = 0;
};

using Body = std::function<void(TestContext&, drv::Transport&, drv::Hal&, const Where&)>;

/// Reset, ACKNOWLEDGE, DRIVER, VERSION_1 (plus `extra`), FEATURES_OK, status read back.
void toFeaturesOk(drv::Transport& t, uint64_t extra = 0) {
  t.setStatus(st::kAcknowledge);
  t.setStatus(st::kAcknowledge | st::kDriver);
  t.deviceFeatures();
  t.writeDriverFeatures(feat::bit(feat::kVersion1) | extra);
  t.setStatus(st::kAcknowledge | st::kDriver | st::kFeaturesOk);
  t.status();
}

TestInfo mutant(const std::string& id, const std::string& clause, TK transport, const std::string& desc, Body body) {
  TestInfo t;
  t.id = id;
  t.target = Direction::Driver;
  t.kind = "negative";
  t.clauses = {clause};
  t.transports = {transport};
  t.description = desc;
  t.run = [body, clause](TestContext& ctx) {
    ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
      Where w;
      auto tr = rawTransport(ctx, hal, sink, &w.dev);
      if (!tr) return;
      if (w.dev.pci) {
        w.common = w.dev.pci->layout.common.base;
      }
      w.mmio = w.dev.mmioBase;
      if (!tr->reset(100'000'000)) return ctx.harnessError("device did not reset");
      body(ctx, *tr, hal, w);
    });
    if (!ctx.failed()) ctx.expectOnlyClause(clause);
  };
  return t;
}

uint64_t rd(drv::Hal& h, uint64_t a, unsigned w) { return h.read(drv::Space::Memory, a, w); }
void wr(drv::Hal& h, uint64_t a, uint64_t v, unsigned w) { h.write(drv::Space::Memory, a, v, w); }

}  // namespace

void registerTransportMutants(std::vector<TestInfo>& out) {
  namespace c = vsim::pci::common;
  // ---- virtio-pci modern ----
  out.push_back(mutant("virtio.driver.pci.common_cfg.wide_read_of_16_bit_field", kPci + "PCI Device Layout#1",
                       TK::PciModern, "a 32-bit read of the 16-bit queue_select field",
                       [](TestContext&, drv::Transport&, drv::Hal& h, const Where& w) { rd(h, w.common + c::kQueueSelect, 4); }));
  out.push_back(mutant("virtio.driver.pci.common_cfg.write_num_queues", kCommon + "1", TK::PciModern,
                       "the driver writes the read-only num_queues field",
                       [](TestContext&, drv::Transport&, drv::Hal& h, const Where& w) { wr(h, w.common + c::kNumQueues, 3, 2); }));
  out.push_back(mutant("virtio.driver.pci.common_cfg.queue_size_not_power_of_2", kCommon + "3", TK::PciModern,
                       "queue_size 3 for a split ring",
                       [](TestContext&, drv::Transport& t, drv::Hal& h, const Where& w) {
                         toFeaturesOk(t);
                         wr(h, w.common + c::kQueueSelect, 0, 2);
                         wr(h, w.common + c::kQueueSize, 3, 2);
                       }));
  out.push_back(mutant("virtio.driver.pci.common_cfg.queue_size_zero_packed", kCommon + "2", TK::PciModern,
                       "queue_size 0 with RING_PACKED negotiated",
                       [](TestContext&, drv::Transport& t, drv::Hal& h, const Where& w) {
                         toFeaturesOk(t, feat::bit(feat::kRingPacked));
                         wr(h, w.common + c::kQueueSelect, 0, 2);
                         wr(h, w.common + c::kQueueSize, 0, 2);
                       }));
  out.push_back(mutant("virtio.driver.pci.common_cfg.queue_enable_zero", kCommon + "6", TK::PciModern,
                       "0 written to queue_enable",
                       [](TestContext&, drv::Transport& t, drv::Hal& h, const Where& w) {
                         toFeaturesOk(t);
                         wr(h, w.common + c::kQueueSelect, 0, 2);
                         wr(h, w.common + c::kQueueEnable, 0, 2);
                       }));
  out.push_back(mutant("virtio.driver.pci.common_cfg.reinit_before_reset_read", kCommon + "5", TK::PciModern,
                       "after writing 0 to device_status the driver starts again without reading it back",
                       [](TestContext&, drv::Transport&, drv::Hal& h, const Where& w) {
                         wr(h, w.common + c::kDeviceStatus, st::kAcknowledge, 1);
                         rd(h, w.common + c::kDeviceStatus, 1);
                         wr(h, w.common + c::kDeviceStatus, 0, 1);
                         wr(h, w.common + c::kDeviceStatus, st::kAcknowledge, 1);
                       }));
  out.push_back(mutant("virtio.driver.pci.msix.vector_out_of_range",
                       kPci + "PCI-specific Initialization And Device Operation / Device Initialization / MSI-X Vector Configuration#4",
                       TK::PciModern, "a queue is mapped to an MSI-X vector beyond the table",
                       [](TestContext&, drv::Transport& t, drv::Hal& h, const Where& w) {
                         toFeaturesOk(t);
                         wr(h, w.common + c::kQueueSelect, 0, 2);
                         wr(h, w.common + c::kQueueMsixVector, 0x7fe, 2);
                         rd(h, w.common + c::kQueueMsixVector, 2);
                       }));
  // ---- virtio-mmio v2 ----
  out.push_back(mutant("virtio.driver.mmio.regs.narrow_read", "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#4", TK::MmioV2,
                       "a 16-bit read of a 32-bit control register",
                       [](TestContext&, drv::Transport&, drv::Hal& h, const Where& w) { rd(h, w.mmio + mmio::kVersion, 2); }));
  out.push_back(mutant("virtio.driver.mmio.regs.write_read_only", "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#2", TK::MmioV2,
                       "the driver writes the read-only MagicValue register",
                       [](TestContext&, drv::Transport&, drv::Hal& h, const Where& w) { wr(h, w.mmio + mmio::kMagicValue, 1, 4); }));
  out.push_back(mutant("virtio.driver.mmio.queue.num_above_max", "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#14", TK::MmioV2,
                       "QueueNum larger than QueueNumMax",
                       [](TestContext&, drv::Transport& t, drv::Hal& h, const Where& w) {
                         toFeaturesOk(t);
                         wr(h, w.mmio + mmio::kQueueSel, 0, 4);
                         const uint64_t max = rd(h, w.mmio + mmio::kQueueNumMax, 4);
                         wr(h, w.mmio + mmio::kQueueNum, max * 2, 4);
                       }));
  out.push_back(mutant("virtio.driver.mmio.irq.ack_undefined_bits", "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#20", TK::MmioV2,
                       "InterruptACK with bits that mean nothing",
                       [](TestContext&, drv::Transport&, drv::Hal& h, const Where& w) {
                         rd(h, w.mmio + mmio::kInterruptStatus, 4);
                         wr(h, w.mmio + mmio::kInterruptAck, 0x10, 4);
                       }));
}

}  // namespace vsim::conformance

// virtio-mmio, device under test: the suite acts as a driver and observes InterruptStatus, QueueReady and
// QueueReset, and whether the device keeps its hands off rings it was told to stop using.
#include "transport_layout.h"
#include "vsim/abi/features.h"
#include "vsim/abi/mmio.h"

namespace vsim::conformance::layout {

namespace {

bool lineHigh(Raw& r) { return ((r.hal.lineLevels() >> r.dev.mmioLine) & 1u) != 0; }

/// Read QueueReset until it reads 0 (at most 1000 reads); every read before must be 1.
bool queueResetCompletes(Raw& r) {
  for (int i = 0; i < 1000; ++i) {
    const uint32_t v = r.reg(mmio::kQueueReset);
    if (v == 0) return true;
    // devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#11: 1 while the reset goes on
    r.ctx.check(v == 1, "QueueReset reads " + std::to_string(v) + " during a queue reset");
  }
  r.ctx.check(false, "QueueReset never read 0 after a queue reset");
  return false;
}

}  // namespace

void registerMmioDeviceTests(std::vector<TestInfo>& out) {
  out.push_back(deviceTest(
      {.id = "virtio.device.mmio.irq.status_until_ack",
       .clauses = {"devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#3",
                   "devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#4"},
       .transports = kMmioBoth,
       .deviceTypes = {"rng"},  // needs a request any buffer completes
       .description = "a used buffer and a configuration change each set their InterruptStatus bit (and nothing "
                      "else), which stays set across reads until InterruptACK clears it; the line follows",
       .body = [](Raw& r) {
         if (!negotiate(r) || !setupQueue0(r)) return;
         driverOk(r);
         r.ctx.check(r.reg(mmio::kInterruptStatus) == 0, "InterruptStatus is not 0 before any event");
         if (!postBuffer(r)) return;
         r.t->notify(0, r.queue->notifyValue());
         if (!r.queue->hasUsed()) return (void)r.harness("the request was not completed");
         struct Event {
           const char* what;
           uint32_t bit;
         };
         for (const Event e : {Event{"used buffer", mmio::kIntUsedBuffer}, Event{"configuration change", mmio::kIntConfigChange}}) {
           if (e.bit == mmio::kIntConfigChange) r.ctx.board().core(0).configChanged();
           const uint32_t first = r.reg(mmio::kInterruptStatus), second = r.reg(mmio::kInterruptStatus);
           // devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#3: set from the event until acknowledged (a read does not clear it)
           r.ctx.check(first == e.bit && second == e.bit,
                       std::string(e.what) + ": InterruptStatus reads " + std::to_string(first) + " then " + std::to_string(second));
           r.ctx.check(lineHigh(r), std::string(e.what) + ": the interrupt line is low with InterruptStatus set");
           r.setReg(mmio::kInterruptAck, e.bit);
           // devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#4: no bit without an event
           r.ctx.check(r.reg(mmio::kInterruptStatus) == 0, std::string(e.what) + ": InterruptStatus not 0 after its ACK");
           r.ctx.check(!lineHigh(r), std::string(e.what) + ": the interrupt line stays high after the ACK");
         }
       }}));

  out.push_back(deviceTest(
      {.id = "virtio.device.mmio.queue.not_ready_not_accessed",
       .clauses = {"devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#7"},
       .transports = {TK::MmioV2},
       .description = "after QueueReady 0 (read back), a buffer made available and notified on the queue is not "
                      "touched: no device access to its rings at all",
       .body = [](Raw& r) {
         if (!negotiate(r) || !setupQueue0(r)) return;
         driverOk(r);
         r.setReg(mmio::kQueueSel, 0);
         r.setReg(mmio::kQueueReady, 0);
         r.ctx.check(r.reg(mmio::kQueueReady) == 0, "QueueReady does not read 0 after writing 0");
         if (!watchQueue0(r) || !postBuffer(r)) return;
         r.t->notify(0, r.queue->notifyValue());
         // devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#7: no access with QueueReady 0
         r.ctx.check(watchedHits(r) == 0, "the device accessed the rings of a queue whose QueueReady is 0");
         r.ctx.check(!r.queue->hasUsed(), "the device used a buffer of a queue whose QueueReady is 0");
       }}));

  out.push_back(deviceTest(
      {.id = "virtio.device.mmio.queue.reset_resets_queue",
       .clauses = {"devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#10",
                   "devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#11",
                   "devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#12"},
       .transports = {TK::MmioV2},
       .description = "QueueReset 1 on a live queue: QueueReset reads 1 until done, then 0 with QueueReady 0; the old "
                      "rings are left alone, and the queue can be set up and enabled again",
       .body = [](Raw& r) {
         if (!negotiate(r, feat::bit(feat::kRingReset)) || !setupQueue0(r)) return;
         driverOk(r);
         r.setReg(mmio::kQueueSel, 0);
         const uint32_t max = r.reg(mmio::kQueueNumMax);
         r.setReg(mmio::kQueueReset, 1);
         if (!queueResetCompletes(r)) return;
         // devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#12: QueueReady 0 as well
         r.ctx.check(r.reg(mmio::kQueueReady) == 0, "QueueReady is not 0 after the queue reset");
         r.ctx.check(r.reg(mmio::kQueueNumMax) == max, "QueueNumMax changed across the queue reset");
         // devicenormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#10: the queue was reset: its old rings are no longer used
         if (!watchQueue0(r) || !postBuffer(r)) return;
         r.t->notify(0, r.queue->notifyValue());
         r.ctx.check(watchedHits(r) == 0, "the device accessed the rings of a queue it had reset");
         r.ctx.board().clearDmaFaults(0);
         if (!setupQueue0(r)) return;  // fresh rings, programmed and enabled as during initialisation
         r.ctx.check(r.reg(mmio::kQueueReady) == 1, "the queue cannot be enabled again after its reset");
       }}));
}

}  // namespace vsim::conformance::layout

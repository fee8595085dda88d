// The timing model: a lone request's simulated latency equals the hand-computed sum of its parts under two
// parameter sets, in the fast and in the timed SystemC modes and on the functional board; and the DMA transactions
// a request costs match what the ring layout implies (split vs packed, with and without indirect and EVENT_IDX).
#include <gtest/gtest.h>

#include "vsim/abi/features.h"
#include "vsim/drv/discover.h"
#include "vsim/harness/cpu_hal.h"
#include "vsim/harness/platform_desc.h"
#include "vsim/model/board.h"
#include "vsim/model/sc_simulation.h"

namespace vsim {
namespace {

enum class Mode { Functional, ScFast, ScTimed };

void runOn(model::Board& board, Mode mode, const std::function<void(model::CpuPort&)>& fn) {
  if (mode == Mode::Functional) return fn(board.functionalCpu());
  model::ScSimulation sim(board, mode == Mode::ScFast ? model::SimMode::Fast : model::SimMode::Timed);
  sim.run(fn);
}

struct RequestResult {
  uint64_t latencyPs = 0;  ///< from just before the notify write to the CPU seeing the used buffer interrupt
  model::DmaCounters dma;  ///< device DMA caused by the request
  bool ok = false;
};

/// Bring up one entropy device on MMIO v2 with our driver, then time one request of `bytes` writable bytes.
RequestResult oneRequest(const model::TimingParams& tp, Mode mode, bool packed, bool eventIdx, bool indirect,
                         uint32_t bytes) {
  model::BoardConfig cfg;
  cfg.timing = tp;
  model::DeviceSpec spec;
  spec.transport = model::TransportKind::MmioV2;
  cfg.devices.push_back(spec);
  model::Board board(cfg);
  RequestResult r;
  ViolationLog drvLog;
  runOn(board, mode, [&](model::CpuPort& cpu) {
    harness::CpuHal hal(cpu, harness::toPlatformDesc(board.map()), 1 << 20, 16 << 20);
    auto found = drv::discover(hal, drvLog);
    ASSERT_EQ(found.size(), 1u);
    drv::DriverOptions o;
    o.ringPacked = packed;
    o.eventIdx = eventIdx;
    o.indirect = indirect;
    auto dev = drv::open(hal, found[0], o, drvLog);
    ASSERT_TRUE(dev && dev->live());
    const uint64_t buf = hal.dmaAllocator().alloc(bytes, 64);
    drv::Buf b{buf, bytes, true};
    const model::DmaCounters before = board.timer(0).total();
    ASSERT_GE(dev->queue(0).add(&b, 1, 7, indirect), 0);
    const uint64_t t0 = cpu.nowPs();
    dev->kick(0);
    ASSERT_TRUE(cpu.waitForInterrupt(1'000'000'000));
    r.latencyPs = cpu.nowPs() - t0;
    dev->poll();
    const model::DmaCounters after = board.timer(0).total();
    for (size_t k = 0; k < after.transactions.size(); ++k) {
      r.dma.transactions[k] = after.transactions[k] - before.transactions[k];
      r.dma.bytes[k] = after.bytes[k] - before.bytes[k];
    }
    r.ok = true;
  });
  EXPECT_TRUE(board.violations().empty()) << toString(board.violations().all().front());
  EXPECT_TRUE(drvLog.empty());
  return r;
}

uint64_t tx(const model::DmaCounters& c, DmaKind k) { return c.transactions[static_cast<size_t>(k)]; }

/// Hand computation for a split ring, no EVENT_IDX, no indirect, one writable buffer of n bytes:
/// the notify write reaches the device after mmio_write_ns; the device then reads avail idx (2 B), the avail ring
/// entry (2 B) and the descriptor (16 B), writes the n payload bytes, the used element (8 B) and used idx (2 B),
/// finds the ring empty (avail idx again, 2 B) and reads avail flags (2 B) to decide on the interrupt:
/// 8 transactions, 34 + n bytes, one service time; the interrupt reaches the CPU irq_latency_ns later.
double handComputedNs(const model::TimingParams& p, uint32_t n) {
  return p.mmioWriteNs + p.serviceNs + 8 * p.dmaTransactionNs + (34.0 + n) / p.dmaBytesPerNs + p.irqLatencyNs;
}

model::TimingParams paramSetB() {
  model::TimingParams p;
  p.mmioWriteNs = 100;
  p.serviceNs = 250;
  p.dmaTransactionNs = 10;
  p.dmaBytesPerNs = 1;
  p.irqLatencyNs = 50;
  return p;
}

class Latency : public ::testing::TestWithParam<std::tuple<int, Mode>> {};

TEST_P(Latency, LoneRequestMatchesHandComputation) {
  const auto [set, mode] = GetParam();
  const model::TimingParams p = set == 0 ? model::TimingParams{} : paramSetB();
  RequestResult r = oneRequest(p, mode, /*packed=*/false, /*eventIdx=*/false, /*indirect=*/false, 64);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.latencyPs, static_cast<uint64_t>(handComputedNs(p, 64) * 1000 + 0.5));
  // defaults: 40 + 1000 + 8*60 + 98/8 + 400 ns
  // set B: 100 + 250 + 8*10 + 98/1 + 50 ns
  EXPECT_EQ(r.latencyPs, set == 0 ? 1932250u : 578000u);
}

std::string latencyName(const ::testing::TestParamInfo<std::tuple<int, Mode>>& i) {
  static const char* const kModes[] = {"functional", "sc_fast", "sc_timed"};
  return std::string(std::get<0>(i.param) == 0 ? "defaults_" : "set_b_") + kModes[static_cast<int>(std::get<1>(i.param))];
}

INSTANTIATE_TEST_SUITE_P(TwoParameterSets, Latency,
                         ::testing::Combine(::testing::Values(0, 1),
                                            ::testing::Values(Mode::Functional, Mode::ScFast, Mode::ScTimed)),
                         latencyName);

struct DmaCase {
  const char* name;
  bool packed, eventIdx, indirect;
  // expected transactions by kind for one request
  uint64_t ringIndexRead, descRead, bufferWrite, usedWrite, ringIndexWrite, eventRead, eventWrite;
};

// Split: avail idx + avail entry + (empty probe) avail idx = 3 index reads; one descriptor (+1 indirect entry);
// used element + used idx; avail flags (+ used_event with EVENT_IDX) for the interrupt decision; with EVENT_IDX the
// device also publishes avail_event when it goes idle and re-reads avail idx after it.
// Packed: each descriptor fetch is one 16-byte read (the request's, then the empty probe's); +1 for the indirect
// table entry; one used-descriptor write; the driver event suppression structure read once; no index writes.
const DmaCase kDmaCases[] = {
    {"split_plain", false, false, false, 3, 1, 1, 1, 1, 1, 0},
    {"split_indirect", false, false, true, 3, 2, 1, 1, 1, 1, 0},
    {"split_event_idx", false, true, false, 4, 1, 1, 1, 1, 2, 1},
    {"packed_plain", true, false, false, 0, 2, 1, 1, 0, 1, 0},
    {"packed_indirect", true, false, true, 0, 3, 1, 1, 0, 1, 0},
    {"packed_event_idx", true, true, false, 0, 2, 1, 1, 0, 1, 0},
};

class DmaPerRequest : public ::testing::TestWithParam<DmaCase> {};

TEST_P(DmaPerRequest, MatchesRingLayout) {
  const DmaCase c = GetParam();
  RequestResult r = oneRequest(model::TimingParams{}, Mode::Functional, c.packed, c.eventIdx, c.indirect, 64);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(tx(r.dma, DmaKind::RingIndexRead), c.ringIndexRead);
  EXPECT_EQ(tx(r.dma, DmaKind::DescRead), c.descRead);
  EXPECT_EQ(tx(r.dma, DmaKind::BufferWrite), c.bufferWrite);
  EXPECT_EQ(tx(r.dma, DmaKind::BufferRead), 0u);
  EXPECT_EQ(tx(r.dma, DmaKind::UsedWrite), c.usedWrite);
  EXPECT_EQ(tx(r.dma, DmaKind::RingIndexWrite), c.ringIndexWrite);
  EXPECT_EQ(tx(r.dma, DmaKind::EventRead), c.eventRead);
  EXPECT_EQ(tx(r.dma, DmaKind::EventWrite), c.eventWrite);
  EXPECT_EQ(r.dma.bytes[static_cast<size_t>(DmaKind::BufferWrite)], 64u);
}

INSTANTIATE_TEST_SUITE_P(Rings, DmaPerRequest, ::testing::ValuesIn(kDmaCases),
                         [](const ::testing::TestParamInfo<DmaCase>& i) { return std::string(i.param.name); });

}  // namespace
}  // namespace vsim

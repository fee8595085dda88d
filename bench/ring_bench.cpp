// Ring engine throughput: a one-process driver <-> device loop (no transport, no payload copies), split and packed.
// Prints Google Benchmark JSON with `--benchmark_format=json` (scripts/bench.sh does this). The figure of merit is
// the `descriptors_per_second` counter; the target is >= 10 M/s for single-descriptor chains.
#include <benchmark/benchmark.h>

#include "vsim/abi/features.h"
#include "vsim/harness/ring_loop.h"

namespace {

void runLoop(benchmark::State& state, bool packed, uint64_t features, uint32_t descsPerChain, bool indirect) {
  vsim::harness::LoopConfig c;
  c.packed = packed;
  c.size = static_cast<uint32_t>(state.range(0));
  c.features = features;
  c.verifyData = false;
  c.readable = descsPerChain;
  c.writable = 0;
  c.useIndirect = indirect;
  c.batch = static_cast<uint32_t>(state.range(1));
  c.deviceSuppressesKicks = c.driverSuppressesIrqs = vsim::feat::has(features, vsim::feat::kEventIdx);
  vsim::harness::RingLoop loop(c);
  const uint64_t perIter = 1 << 14;
  for (auto _ : state) {
    if (!loop.run(perIter)) {
      state.SkipWithError(loop.error().c_str());
      break;
    }
  }
  state.counters["descriptors_per_second"] =
      benchmark::Counter(static_cast<double>(loop.stats().descriptors), benchmark::Counter::kIsRate);
  state.counters["requests_per_second"] =
      benchmark::Counter(static_cast<double>(loop.stats().requests), benchmark::Counter::kIsRate);
  state.counters["kicks_per_request"] =
      static_cast<double>(loop.stats().kicks) / static_cast<double>(std::max<uint64_t>(1, loop.stats().requests));
}

void BM_Split_1desc(benchmark::State& s) { runLoop(s, false, 0, 1, false); }
void BM_Packed_1desc(benchmark::State& s) { runLoop(s, true, 0, 1, false); }
void BM_Split_1desc_EventIdx(benchmark::State& s) { runLoop(s, false, vsim::feat::bit(vsim::feat::kEventIdx), 1, false); }
void BM_Packed_1desc_EventIdx(benchmark::State& s) { runLoop(s, true, vsim::feat::bit(vsim::feat::kEventIdx), 1, false); }
void BM_Split_4desc(benchmark::State& s) { runLoop(s, false, 0, 4, false); }
void BM_Packed_4desc(benchmark::State& s) { runLoop(s, true, 0, 4, false); }
void BM_Split_4desc_Indirect(benchmark::State& s) { runLoop(s, false, vsim::feat::bit(vsim::feat::kIndirectDesc), 4, true); }
void BM_Packed_4desc_Indirect(benchmark::State& s) { runLoop(s, true, vsim::feat::bit(vsim::feat::kIndirectDesc), 4, true); }

// args: queue size, batch (requests added per kick)
BENCHMARK(BM_Split_1desc)->Args({256, 64})->Args({1024, 256});
BENCHMARK(BM_Packed_1desc)->Args({256, 64})->Args({1024, 256});
BENCHMARK(BM_Split_1desc_EventIdx)->Args({256, 64});
BENCHMARK(BM_Packed_1desc_EventIdx)->Args({256, 64});
BENCHMARK(BM_Split_4desc)->Args({256, 32});
BENCHMARK(BM_Packed_4desc)->Args({256, 32});
BENCHMARK(BM_Split_4desc_Indirect)->Args({256, 32});
BENCHMARK(BM_Packed_4desc_Indirect)->Args({256, 32});

}  // namespace

BENCHMARK_MAIN();

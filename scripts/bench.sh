#!/usr/bin/env bash
# Build and run the benchmarks. Every result is JSON in bench-results/ (Google Benchmark's format for the ring
# benchmark, one object per line for the platform benchmark), with a one-line summary per result on the terminal.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/scripts/setup.sh" "$here/build" >&2
out="$here/bench-results"
mkdir -p "$out"
b="$here/build/bench"

# Ring engines: descriptors per second in one process (target >= 10 M/s, split and packed, one descriptor each).
"$b/vsim_ring_bench" --benchmark_format=json --benchmark_out="$out/ring.json" --benchmark_out_format=json \
     --benchmark_min_time="${VSIM_BENCH_MIN_TIME:-0.5}" >/dev/null
python3 - "$out/ring.json" <<'PY'
import json, sys
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    print(f"ring     {b['name']:<40} {b['descriptors_per_second']/1e6:8.2f} M descriptors/s")
PY

# Platform: single-descriptor requests through the driver stack and a transport (targets: fast >= 3 M/s,
# timed >= 1 M/s), one configuration per process; and the footprint of one device of each transport kind.
: > "$out/platform.jsonl"
for mode in functional fast timed; do
  for t in mmio-v2 pci-modern; do
    for ring in "" --packed; do
      "$b/vsim_platform_bench" --mode "$mode" --transport "$t" $ring --requests "${VSIM_BENCH_REQUESTS:-400000}" \
        >> "$out/platform.jsonl"
    done
  done
done
"$b/vsim_platform_bench" --footprint >> "$out/platform.jsonl"
python3 - "$out/platform.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    j = json.loads(line)
    if j["benchmark"] == "platform_footprint":
        print(f"platform footprint, one device per transport kind: {j['rss_beyond_guest_ram_mib']:.2f} MiB beyond guest RAM")
    else:
        print(f"platform {j['mode']:<10} {j['transport']:<11} {j['ring']:<6} {j['requests_per_second']/1e6:6.2f} M requests/s"
              f"  ({j['simulated_ns_per_request']:.0f} simulated ns/request)")
PY

# A complete conformance run, every target and personality (budget: under 60 s).
"$b/vsim_conformance_bench" --repeat 3 --expectations "$here/conformance/expectations" \
  --untestable "$here/conformance/untestable.tsv" > "$out/conformance.json"
python3 - "$out/conformance.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
print(f"conformance full run: {j['test_results']} results over {j['configurations']} configurations in "
      f"{j['median_s']:.2f} s median ({j['best_s']:.2f} s best; budget {j['budget_s']:.0f} s)")
PY

#!/usr/bin/env bash
# Build and run the benchmarks; each prints JSON (Google Benchmark's format) to bench-results/<name>.json and a
# one-line summary per benchmark to the terminal.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/scripts/setup.sh" "$here/build" >&2
out="$here/bench-results"
mkdir -p "$out"
for b in "$here"/build/bench/vsim_*_bench; do
  name="$(basename "$b")"
  "$b" --benchmark_format=json --benchmark_out="$out/$name.json" --benchmark_out_format=json \
       --benchmark_min_time="${VSIM_BENCH_MIN_TIME:-0.5}" >/dev/null
  python3 - "$out/$name.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for b in doc["benchmarks"]:
    rate = b.get("descriptors_per_second") or b.get("requests_per_second")
    print(f"{b['name']:<45} {rate/1e6:8.2f} M/s" if rate else b["name"])
PY
done

#!/usr/bin/env bash
# Build the libFuzzer targets with clang (ASan + UBSan) in build-fuzz/ and run them.
# Usage: scripts/fuzz.sh [seconds-per-target]   (default 30; the CI smoke run)
#        scripts/fuzz.sh 600                     (the 10-minute local campaign)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secs="${1:-30}"
build="$here/build-fuzz"
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVSIM_FUZZ=ON \
      -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DVSIM_FUZZ_SECONDS="$secs" "${launcher[@]}" >/dev/null
export CCACHE_BASEDIR="$here"
cmake --build "$build" -j"${VSIM_JOBS:-2}" --target ring_fuzz  # only what the fuzz tests run
ctest --test-dir "$build" -L fuzz --output-on-failure

#!/usr/bin/env bash
# Run every test: installs what is missing, configures and builds (scripts/setup.sh), builds and runs the fuzz
# smoke tests (clang + sanitizers, scripts/fuzz.sh), then the whole ctest suite of the main build.
# Usage: scripts/test.sh            (what .ci/run calls)
#        VSIM_FUZZ_SECONDS=0 scripts/test.sh   (skip the fuzz smoke run)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
"$here/scripts/setup.sh" "$here/build"
if [ "${VSIM_FUZZ_SECONDS:-20}" != "0" ]; then
  "$here/scripts/fuzz.sh" "${VSIM_FUZZ_SECONDS:-20}"
fi
ctest --test-dir "$here/build" -j"${VSIM_JOBS:-2}" --output-on-failure --timeout 600

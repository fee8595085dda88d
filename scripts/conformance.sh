#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs `virtio-sim conformance` with a readable report.
# Extra arguments go to `virtio-sim conformance` (see `build/apps/virtio-sim conformance --help`).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
"$here/scripts/setup.sh" "$here/build" >&2
exec "$here/build/apps/virtio-sim" conformance "$@"

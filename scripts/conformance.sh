#!/usr/bin/env bash
# The main job: installs what is missing, builds, runs the demo platform (`virtio-sim demo`) and then
# `virtio-sim conformance` with a readable report.
# Extra arguments go to `virtio-sim conformance` (see `build/apps/virtio-sim conformance --help`).
# After the run, the HTML report is rendered next to results.json (REPORT_DIR/report.html, see
# conformance/report/README.md). The exit status is the conformance run's.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
"$here/scripts/setup.sh" "$here/build" >&2

# Where the run writes its reports: --report-dir DIR / --report-dir=DIR, default "reports" (as virtio-sim).
report_dir=reports
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --report-dir) if ((i + 1 < ${#args[@]})); then report_dir="${args[i + 1]}"; fi ;;
    --report-dir=*) report_dir="${args[i]#--report-dir=}" ;;
  esac
done

# Render only a results.json this run wrote (not one left over by an earlier run, e.g. after --help).
marker="$(mktemp)"
trap 'rm -f "$marker"' EXIT
status=0
# First the demo platform (all five device types on PCI and MMIO doing real I/O), then the suite.
"$here/build/apps/virtio-sim" demo || status=$?
"$here/build/apps/virtio-sim" conformance "$@" || status=$?

results="$report_dir/results.json"
if [[ -n "$report_dir" && -f "$results" && "$results" -nt "$marker" ]]; then
  if /usr/bin/python3 "$here/scripts/render_report.py" "$results" "$report_dir/report.html"; then
    echo "HTML report: $(cd "$report_dir" && pwd)/report.html"
  else
    echo "conformance.sh: rendering the HTML report failed (the conformance verdict above stands)" >&2
  fi
fi
exit "$status"

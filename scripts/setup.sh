#!/usr/bin/env bash
# Install what is missing (Debian packages only), configure and build virtio-sim.
# Usage: scripts/setup.sh [build-dir]     (default: build)
# Safe to re-run: skips packages that are present, waits on the apt lock, reuses the build tree.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$here/build}"

pkgs=(
  build-essential cmake ninja-build pkg-config ccache git
  libsystemc-dev verilator zlib1g-dev
  pybind11-dev python3-pybind11 python3-dev python3-pytest python3-jinja2 python3-hypothesis
  libgtest-dev libgmock-dev libbenchmark-dev
  nlohmann-json3-dev libcli11-dev libfmt-dev libpcap-dev
  clang libclang-rt-14-dev
  tshark
  qemu-system-x86 busybox-static cpio  # QEMU ground truth (scripts/qemu/): QEMU's devices, the guest's busybox, initramfs
)

missing=()
for p in "${pkgs[@]}"; do
  # dpkg-query prints "install ok installed" only for fully installed packages
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture; answer no without a prompt
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo_cmd debconf-set-selections 2>/dev/null || true
  $sudo_cmd apt-get -o DPkg::Lock::Timeout=300 update -qq
  $sudo_cmd apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}"
fi

# Debian's python3 is the interpreter that has pytest, jinja2 and hypothesis.
py=/usr/bin/python3
launcher=()
# ccache: paths under the checkout hash as relative paths, so a fresh clone elsewhere reuses the cache
export CCACHE_BASEDIR="$here"
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi

if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DPython_EXECUTABLE="$py" "${launcher[@]}"
fi
cmake --build "$build" -j"${VSIM_JOBS:-2}"

#!/usr/bin/env bash
# Build the QEMU ground-truth guest on the fly: Debian's cloud kernel (downloaded once with apt-get download into
# OUT_DIR/cache and unpacked with dpkg-deb -x), busybox-static, the static runner and init.sh, as a newc cpio + gzip.
# Nothing binary is kept in the repository.
# Usage: build-initramfs.sh RUNNER_BINARY OUT_DIR      -> OUT_DIR/vmlinuz, OUT_DIR/initramfs.cpio.gz
# Needs: apt-get, dpkg-deb, cpio, gzip, busybox-static (scripts/setup.sh installs them).
set -euo pipefail
runner="$(realpath "$1")"
out="$(mkdir -p "$2" && realpath "$2")"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
busybox=/bin/busybox
kernel_meta=linux-image-cloud-amd64

for tool in cpio gzip dpkg-deb apt-get; do
  command -v "$tool" >/dev/null || { echo "build-initramfs: $tool is missing (run scripts/setup.sh)" >&2; exit 1; }
done
if ! "$busybox" --list 2>/dev/null | grep -qx sh || ldd "$busybox" >/dev/null 2>&1; then
  echo "build-initramfs: $busybox is not a static busybox (install busybox-static)" >&2
  exit 1
fi

# The kernel: the package the cloud metapackage depends on, fetched once.
if [ ! -s "$out/vmlinuz" ]; then
  mkdir -p "$out/cache"
  pkg="$(apt-cache depends "$kernel_meta" 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')"
  if [ -z "$pkg" ]; then
    echo "build-initramfs: no package lists know $kernel_meta; running apt-get update" >&2
    apt-get -o DPkg::Lock::Timeout=300 update -qq
    pkg="$(apt-cache depends "$kernel_meta" | awk '/Depends: linux-image-[0-9]/{print $2; exit}')"
  fi
  [ -n "$pkg" ] || { echo "build-initramfs: cannot resolve $kernel_meta" >&2; exit 1; }
  (cd "$out/cache" && rm -f ./*.deb && apt-get download -q "$pkg" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
  deb="$(ls "$out/cache"/linux-image-*.deb 2>/dev/null | head -1)"
  [ -n "$deb" ] || { echo "build-initramfs: apt-get download $pkg failed" >&2; exit 1; }
  rm -rf "$out/cache/kernel"
  dpkg-deb -x "$deb" "$out/cache/kernel"
  cp "$(ls "$out/cache/kernel/boot"/vmlinuz-* | head -1)" "$out/vmlinuz.tmp"
  echo "$pkg" > "$out/kernel-package.txt"
  rm -rf "$out/cache/kernel" "$deb"
  mv "$out/vmlinuz.tmp" "$out/vmlinuz"
fi

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp}
cp "$busybox" "$root/bin/busybox"
for applet in sh mount echo cat cut poweroff sleep ls; do ln -s busybox "$root/bin/$applet"; done
install -m 0755 "$here/init.sh" "$root/init"
install -m 0755 "$runner" "$root/vsim-guest-runner"
# debug info stays in the build tree: the guest gets a stripped copy (a smaller initramfs boots faster)
if command -v strip >/dev/null; then strip "$root/vsim-guest-runner"; fi
(cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet) | gzip -6 > "$out/initramfs.cpio.gz.tmp"
mv "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz"
echo "build-initramfs: $out/initramfs.cpio.gz ($(stat -c %s "$out/initramfs.cpio.gz") bytes), kernel $(cat "$out/kernel-package.txt")"

#!/bin/sh
# /init of the QEMU ground-truth initramfs (busybox sh, PID 1). No kernel module is loaded, so no kernel virtio
# driver competes with the runner. Kernel command line words KEY=value arrive here as environment variables and go
# on to the runner (scripts/qemu/README.md).
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
# DMA memory for the runner: 2 MiB hugepages (they never migrate); mlocked 4K pages must not be compacted either
echo "${VSIM_NR_HUGEPAGES:-16}" > /proc/sys/vm/nr_hugepages
echo 0 > /proc/sys/vm/compact_unevictable_allowed
echo "VSIM-BOOT uptime=$(cut -d' ' -f1 /proc/uptime)"
/vsim-guest-runner
echo "VSIM-EXIT $?"
poweroff -f

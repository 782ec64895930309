#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# /init of the qemu guest (tests/kmod/mkinitramfs.sh), busybox sh as PID 1:
# mounts, loopback up, then runs /usr/lib/scapkit/guest-$RUN.sh where RUN
# comes from the kernel command line (scapkit_run=NAME, default test), and
# powers off. Everything goes to the serial console (the host's log).
export PATH=/usr/bin HOME=/root TMPDIR=/tmp
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts 2>/dev/null
ip link set lo up
hostname scapkit-guest
cd /
run=test
for a in $(cat /proc/cmdline); do
	case $a in scapkit_run=*) run=${a#scapkit_run=} ;; esac
done
echo "=== SCAPKIT GUEST $(uname -r) cpus=$(grep -c ^processor /proc/cpuinfo) run=$run uptime=$(cut -d' ' -f1 /proc/uptime)"
if [ -r "/usr/lib/scapkit/guest-$run.sh" ]; then
	sh "/usr/lib/scapkit/guest-$run.sh"
	echo "=== SCAPKIT GUEST DONE status=$? uptime=$(cut -d' ' -f1 /proc/uptime)"
else
	echo "=== SCAPKIT GUEST: no /usr/lib/scapkit/guest-$run.sh"
fi
sync
poweroff -f

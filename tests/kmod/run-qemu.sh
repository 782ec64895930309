#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Boots the qemu guest (software emulation, no KVM needed) and saves its
# serial console:
#   tests/kmod/run-qemu.sh [-t SECONDS] [-m MB] [-c CPUS] [-a APPEND] VMLINUZ INITRAMFS LOG
# The guest's /init powers off (`poweroff -f`; -no-reboot makes qemu exit,
# also on a kernel panic: panic=-1). loglevel=5: kernel warnings reach the
# console as they happen. clocksource=tsc tsc=reliable: the emulated TSC is
# steady, and with it clock_gettime() is a vDSO call as on real machines
# (on the default hpet it is a real syscall, which every live capture then
# sees, including its own). SECONDS (default 180) bounds the wall
# time: exit status 124 when it ran out, else qemu's. APPEND is added to the
# kernel command line (e.g. scapkit_run=bench: /init reads it). The log is
# also echoed to stdout when V=1.
set -eu
secs=180 mem=512 cpus=2 append=""
while getopts t:m:c:a: o; do
	case $o in
	t) secs=$OPTARG ;;
	m) mem=$OPTARG ;;
	c) cpus=$OPTARG ;;
	a) append=$OPTARG ;;
	*) echo "usage: $0 [-t SECONDS] [-m MB] [-c CPUS] [-a APPEND] VMLINUZ INITRAMFS LOG" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 3 ] || { echo "usage: $0 [-t SECONDS] [-m MB] [-c CPUS] [-a APPEND] VMLINUZ INITRAMFS LOG" >&2; exit 2; }
kernel=$1 initrd=$2 log=$3
qemu=$(command -v qemu-system-x86_64) || { echo "run-qemu: qemu-system-x86_64 not found (package qemu-system-x86)" >&2; exit 1; }
set -- timeout --kill-after=10 "$secs" "$qemu" -accel tcg -m "$mem" -smp "$cpus" \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 loglevel=5 clocksource=tsc tsc=reliable $append" \
	-nographic -no-reboot -nodefaults -serial stdio -monitor none
rc=0
if [ "${V:-0}" = 1 ]; then
	{ "$@" </dev/null 2>&1 || echo "run-qemu: exit status $?" >"$log.rc"; } | tee "$log"
	[ -f "$log.rc" ] && { rc=$(sed 's/.* //' "$log.rc"); rm -f "$log.rc"; }
else
	"$@" </dev/null >"$log" 2>&1 || rc=$?
fi
exit "$rc"

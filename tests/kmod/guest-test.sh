#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The qemu test, in the guest (run by /init; the host side is
# test_kmod_qemu.sh, which asserts on the sections printed here between
# "--- BEGIN name" and "--- END name"):
#   kmod-notloaded   scapcli -e kmod before insmod: must fail naming /dev/scapkit
#   kmod-version     insmod api_version_override=0x00020000: scapcli must fail
#                    naming both versions
#   kmod-insmod      insmod scapkit.ko, the device node
#   kmod-capture     scapcli -e kmod -w while the marker workload runs; the
#                    drops line
#   kmod-events      the recorded marker events, read back
#   kmod-busy        rmmod and a second capture while one runs: refused
#   kmod-suite       the check suite's kmod suite (live tests with the module),
#                    and its bpf_sys suite run on the kmod engine
#   kmod-overlay     the check suite's overlay suite on the kmod engine: the
#                    execve/open layer flags on an overlayfs (after insmod of
#                    Debian's overlay.ko, when the host put it in the initramfs)
#   kmod-rmmod       unload
#   bpf-capture, bpf-events   the same with the bpf engine (the CO-RE object
#                    built on the host, on this kernel)
#   bpf-suite        the check suite's bpf and bpf_sys suites
#   bpf-overlay      the overlay suite with the bpf engine
#   dmesg            the kernel log (the host fails on Oops, BUG:, WARNING:...)
# Commands that could hang are bounded (busybox timeout: status 143 when
# killed), so that a hang shows as a failed section, not a dead guest.
KO=/usr/lib/scapkit/scapkit.ko
OVL_KO=/usr/lib/scapkit/overlay.ko
# as make check sets them (they matter in the sanitized build's guest)
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
FMT='EVT %evt.type %evt.dir name=%proc.name args=[%proc.args] fd=[%fd.name] res=%evt.res'

up() { cut -d' ' -f1 /proc/uptime; }
begin() { echo "--- BEGIN $1 (uptime $(up))"; }
end() { echo "--- END $1"; }

# Waits until the capture PID holds an fd matching PATTERN (kmod: the
# device; bpf: a program attached, bpf_link: loading the probe takes seconds
# here). 30 s at most.
wait_ready() {
	i=0
	while [ $i -lt 300 ]; do
		kill -0 "$1" 2>/dev/null || return 1
		ls -l "/proc/$1/fd" 2>/dev/null | grep -q "$2" && return 0
		sleep 0.1 # poll interval, within the loop's deadline
		i=$((i + 1))
	done
	return 1
}

# seen FILE TAG: runs `true TAG` until FILE, written by a capture of
# proc.name=true with -U (each event flushed), shows it; so the capture
# records, and everything it recorded before is in FILE. 60 s at most.
seen() {
	i=0
	while [ $i -lt 600 ]; do
		/usr/bin/true "$2"
		timeout 30 scapcli -r "$1" -F 'proc.name=true' -p '%proc.args' 2>/dev/null | grep -qx "$2" && return 0
		sleep 0.1 # poll interval, within the loop's deadline
		i=$((i + 1))
	done
	return 1
}

# capture ENGINE FD_PATTERN: records the marker workload with ENGINE, then
# prints the recorded marker events.
capture() {
	eng=$1
	begin "$eng-capture"
	rm -f /tmp/kmod-marker-file
	scapcli -e "$eng" -F 'proc.name in (marker, true)' -U -w "/tmp/$eng.scap" --duration 90 2>"/tmp/$eng.err" &
	pid=$!
	if wait_ready $pid "$2" && seen "/tmp/$eng.scap" ready; then
		echo "capture ready (uptime $(up))"
	else
		echo "capture NOT ready"
	fi
	marker
	echo "marker status $?"
	seen "/tmp/$eng.scap" done || echo "capture: the marker's events not seen in 60 s"
	kill -INT $pid 2>/dev/null
	wait $pid
	echo "scapcli status $?"
	cat "/tmp/$eng.err"
	end "$eng-capture"
	begin "$eng-events"
	timeout 30 scapcli -r "/tmp/$eng.scap" -F 'proc.name=marker and evt.type in (execve, openat, open, connect)' -p "$FMT"
	echo "read status $?"
	end "$eng-events"
}

begin kmod-notloaded
timeout 20 scapcli -e kmod -n 1
echo "status $?"
end kmod-notloaded

begin kmod-version
insmod "$KO" api_version_override=0x00020000
echo "insmod status $?"
timeout 20 scapcli -e kmod -n 1
echo "status $?"
rmmod scapkit
echo "rmmod status $?"
end kmod-version

begin kmod-insmod
insmod "$KO"
echo "insmod status $?"
ls -l /dev/scapkit
grep scapkit /proc/modules
end kmod-insmod

capture kmod scapkit

# while a capture runs: the module cannot be unloaded, a second capture is
# refused; once it has exited, the module unloads and loads again
begin kmod-busy
timeout 60 scapcli -e kmod -q --duration 30 2>/tmp/busy.err &
pid=$!
wait_ready $pid scapkit && echo "capture ready"
rmmod scapkit
echo "rmmod while open status $?"
timeout 20 scapcli -e kmod -n 1
echo "second capture status $?"
kill -INT $pid 2>/dev/null
wait $pid
echo "first capture status $?"
cat /tmp/busy.err
rmmod scapkit
echo "rmmod after status $?"
insmod "$KO"
echo "insmod again status $?"
end kmod-busy

begin kmod-suite
CK_RUN_SUITE=kmod CK_DEFAULT_TIMEOUT=120 SCAPCLI=/usr/bin/scapcli timeout 150 check_suite
echo "suite kmod status $?"
# every syscall family with exact parameters and every event against the
# schema, as for bpf, on the kmod engine
SCAP_TEST_ENGINE=kmod CK_RUN_SUITE=bpf_sys CK_DEFAULT_TIMEOUT=120 SCAPCLI=/usr/bin/scapcli timeout 150 check_suite
echo "suite bpf_sys on kmod status $?"
end kmod-suite

# overlay: the layer flags of execve and the open family, both engines
overlay() {
	begin "$1-overlay"
	if [ ! -r "$OVL_KO" ]; then
		echo "no overlay.ko in the initramfs"
	else
		grep -qw overlay /proc/filesystems || insmod "$OVL_KO"
		grep -w overlay /proc/filesystems
		SCAP_TEST_ENGINE=$2 CK_RUN_SUITE=overlay CK_DEFAULT_TIMEOUT=120 timeout 150 check_suite
		echo "suite overlay on $1 status $?"
	fi
	end "$1-overlay"
}
overlay kmod kmod

begin kmod-rmmod
rmmod scapkit
echo "rmmod status $?"
end kmod-rmmod

capture bpf 'bpf_link'

begin bpf-suite
for s in bpf bpf_sys; do
	CK_RUN_SUITE=$s CK_DEFAULT_TIMEOUT=120 SCAPCLI=/usr/bin/scapcli timeout 150 check_suite
	echo "suite $s status $?"
done
end bpf-suite

overlay bpf bpf

begin dmesg
dmesg
end dmesg

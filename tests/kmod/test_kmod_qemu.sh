#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The kernel module (kmod engine) and the bpf engine on Debian's 6.1 kernel,
# in a qemu guest (software emulation): builds the initramfs from the built
# artifacts, boots it (tests/kmod/run-qemu.sh), saves the serial log in the
# build directory (kmod-qemu.log) and asserts on the sections that
# tests/kmod/guest-test.sh prints. Arguments (given by tests/kmod/meson.build):
#   --build-dir DIR --source-dir DIR --ko scapkit.ko
#   --bpf yes|no                                      (the bpf engine is built)
#   --scapcli FILE --check-suite FILE --marker FILE   (static programs)
#   --true FILE         the guest's /usr/bin/true (default: the marker)
#   --dynamic yes|no    yes (sanitized builds): the programs are dynamically
#                       linked; their shared libraries (ldd) go into the
#                       initramfs too, and sanitizer reports fail the test
#   --skip WHY                                        (when they are not built)
# Exits 77 (meson's skip) with a "SKIP: ..." line when something it needs
# is absent: static programs, the module, qemu, busybox-static, the guest
# kernel (scripts/install-deps.sh fetches it).
set -u
here=$(cd "$(dirname "$0")" && pwd)
bdir=. sdir=$here/../.. ko="" scapcli="" suite="" marker="" true="" skipmsg="" bpf=yes dynamic=no
while [ $# -gt 0 ]; do
	case $1 in
	--build-dir) bdir=$2 ;;
	--source-dir) sdir=$2 ;;
	--ko) ko=$2 ;;
	--bpf) bpf=$2 ;;
	--dynamic) dynamic=$2 ;;
	--scapcli) scapcli=$2 ;;
	--check-suite) suite=$2 ;;
	--marker) marker=$2 ;;
	--true) true=$2 ;;
	--skip) skipmsg=$2 ;;
	*) echo "usage: $0 --build-dir D --source-dir D --ko KO --scapcli F --check-suite F --marker F | --skip WHY" >&2; exit 2 ;;
	esac
	shift 2
done
skip() { echo "SKIP: kmod-qemu: $*"; exit 77; }
[ -z "$skipmsg" ] || skip "$skipmsg"
for f in "$scapcli" "$suite" "$marker"; do
	[ -n "$f" ] && [ -x "$f" ] || skip "program '$f' not built"
done
libs=""
if [ "$dynamic" = yes ]; then
	# the shared libraries of the three programs, where the guest's loader
	# looks (/lib is usr/lib there), and the loader itself
	for l in $(ldd "$scapcli" "$suite" "$marker" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/.*ld-linux/ { print $1 }' | sort -u); do
		case $l in
		*/ld-linux*) libs="$libs $l:$l" ;;
		*) libs="$libs $l:/usr/lib/x86_64-linux-gnu/$(basename "$l")" ;;
		esac
	done
	[ -n "$libs" ] || skip "ldd found no shared libraries for the dynamic programs"
fi
[ -n "$ko" ] && [ -f "$ko" ] || skip "module '$ko' not built (it needs linux-headers-amd64: scripts/install-deps.sh)"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not found (package qemu-system-x86: scripts/install-deps.sh)"
command -v cpio >/dev/null || skip "cpio not found (scripts/install-deps.sh)"
[ -x /bin/busybox ] || [ -x /usr/bin/busybox ] || skip "busybox not found (package busybox-static: scripts/install-deps.sh)"
kernel=$("$sdir/scripts/guest-kernel.sh" --no-fetch 2>&1) || skip "no guest kernel: $kernel"
# Debian's overlayfs module for the overlay suite (scripts/guest-kernel.sh
# fetches it with the kernel); without it, those checks alone are skipped
ovlko=""
if ovl=$("$sdir/scripts/guest-kernel.sh" --overlay 2>&1); then
	ovlko="$ovl:/usr/lib/scapkit/overlay.ko"
else
	echo "SKIP: kmod-qemu: the overlay checks: $ovl"
fi

pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
log=$bdir/kmod-qemu.log
initrd=$bdir/kmod-guest.cpio
t0=$(date +%s.%N)
"$here/mkinitramfs.sh" "$initrd" "$here/guest-init.sh" \
	"$here/guest-test.sh:/usr/lib/scapkit/guest-test.sh" "$ko:/usr/lib/scapkit/scapkit.ko" \
	"$scapcli:/usr/bin/scapcli" "$suite:/usr/bin/check_suite" "$marker:/usr/bin/marker" \
	"${true:-$marker}:/usr/bin/true" $ovlko $libs || { echo "FAIL: initramfs not built"; exit 1; }
t1=$(date +%s.%N)
"$here/run-qemu.sh" -t "${KMOD_QEMU_TIMEOUT:-240}" -a "scapkit_run=test ${KMOD_QEMU_APPEND:-}" "$kernel" "$initrd" "$log.raw"
qrc=$?
t2=$(date +%s.%N)
# the serial console ends lines with CR; the BIOS writes escape sequences
tr -d '\r' <"$log.raw" >"$log" && rm -f "$log.raw"

[ $qrc -eq 0 ] && ok || ko "qemu exit status $qrc (124: the guest ran out of time)"
grep -q '^=== SCAPKIT GUEST DONE' "$log" && ok || ko "the guest did not run to the end"

sec() { # the lines of section NAME
	sed -n "/^--- BEGIN $1 /,/^--- END $1\$/p" "$log"
}
shown=" "
show() { # prints section NAME under a failure, once
	case $shown in *" $1 "*) return ;; esac
	shown="$shown$1 "
	sec "$1" | sed 's/^/  | /'
}
has() { # NAME FIXED-STRING [what]: the section contains the string
	sec "$1" | grep -qF -- "$2" && ok || { ko "${3:-$1: no '$2'}"; show "$1"; }
}
line() { # NAME LINE [what]: the section has this exact line
	sec "$1" | grep -qxF -- "$2" && ok || { ko "${3:-$1: no line '$2'}"; show "$1"; }
}

# kmod: not loaded, version mismatch, load
line kmod-notloaded "status 1" "kmod without the module: scapcli must exit 1"
has kmod-notloaded "/dev/scapkit" "kmod without the module: the message must name /dev/scapkit"
line kmod-version "insmod status 0" "insmod api_version_override=0x00020000"
line kmod-version "status 1" "version mismatch: scapcli must exit 1"
sec kmod-version | grep -v status | grep -F '2.0' | grep -qF '1.0' && ok ||
	{ ko "version mismatch: a message naming 2.0 and 1.0"; show kmod-version; }
line kmod-insmod "insmod status 0" "insmod scapkit.ko"
sec kmod-insmod | grep -q '^c.* /dev/scapkit$' && ok || { ko "/dev/scapkit: no character device"; show kmod-insmod; }

# the marker workload, recorded by each engine
engines=kmod
if [ "$bpf" = yes ]; then
	engines="kmod bpf"
else
	echo "SKIP: kmod-qemu: the bpf checks: the bpf engine is not part of this build"
fi
for eng in $engines; do
	sec $eng-capture | grep -q '^capture ready' && ok || { ko "$eng: the capture never showed its marker exec"; show $eng-capture; }
	sec $eng-capture | grep -q "marker's events not seen" && { ko "$eng: the marker's events never reached the file"; show $eng-capture; } || ok
	line $eng-capture "marker status 0" "$eng: the marker workload failed"
	line $eng-capture "scapcli status 0" "$eng: scapcli -e $eng -w must exit 0"
	sec $eng-capture | grep -qx 'drops: 0 (buffer full 0, too large 0, probe 0)' && ok ||
		{ ko "$eng: zero drops"; show $eng-capture; }
	has $eng-events "EVT execve < name=marker args=[exec-child kmod-marker-arg1 kmod-marker-arg2]" \
		"$eng: the marker's execve with its arguments"
	sec $eng-events | grep -q '^EVT openat < name=marker .* fd=\[/tmp/kmod-marker-file\] res=SUCCESS' && ok ||
		{ ko "$eng: the marker file's openat (fd.name)"; show $eng-events; }
	sec $eng-events | grep -q '^EVT connect < name=marker .* fd=\[127\.0\.0\.1:[0-9]*->127\.0\.0\.1:47123\] res=SUCCESS' && ok ||
		{ ko "$eng: the marker's connect tuple (127.0.0.1:port->127.0.0.1:47123)"; show $eng-events; }
	line $eng-events "read status 0" "$eng: reading the capture back"
done
line kmod-rmmod "rmmod status 0" "rmmod scapkit"
# busy: no unload and no second consumer while a capture runs
line kmod-busy "capture ready" "kmod-busy: the capture started"
sec kmod-busy | grep -q '^rmmod while open status [1-9]' && ok || { ko "rmmod must fail while a capture has /dev/scapkit open"; show kmod-busy; }
line kmod-busy "second capture status 1" "a second kmod capture must exit 1"
has kmod-busy "/dev/scapkit is busy: another capture has it open" "the second capture's message"
line kmod-busy "first capture status 0" "the first capture exits 0 on SIGINT"
line kmod-busy "rmmod after status 0" "rmmod once the capture has exited"
line kmod-busy "insmod again status 0" "insmod again"
# the check suite's kmod suite, with the module loaded: ran, not skipped
line kmod-suite "suite kmod status 0" "check suite kmod in the guest"
sec kmod-suite | grep -q '^SKIP' && { ko "check suite kmod in the guest: tests skipped"; sec kmod-suite | grep '^SKIP' | sed 's/^/  | /'; } || ok
line kmod-suite "suite bpf_sys on kmod status 0" "check suite bpf_sys on the kmod engine in the guest"
[ "$(sec kmod-suite | grep -c '^100%: Checks: [1-9][0-9]*, Failures: 0, Errors: 0')" -eq 2 ] && ok ||
	{ ko "check suites kmod and bpf_sys (kmod) in the guest: 0 failures"; show kmod-suite; }
sec kmod-suite | grep -q '^bpf_sys: .* drops 0 (buffer 0, too large 0, probe 0)' && ok ||
	{ ko "bpf_sys on kmod: the workload's events, 0 drops"; show kmod-suite; }

# the check suite's live bpf suites, on this kernel: ran, not skipped
if [ "$bpf" = yes ]; then
	for s in bpf bpf_sys; do
		line bpf-suite "suite $s status 0" "check suite $s in the guest"
	done
	sec bpf-suite | grep -q '^SKIP' && { ko "check suite bpf in the guest: tests skipped"; sec bpf-suite | grep '^SKIP' | sed 's/^/  | /'; } || ok
	[ "$(sec bpf-suite | grep -c '^100%: Checks: [1-9][0-9]*, Failures: 0, Errors: 0')" -eq 2 ] && ok ||
		{ ko "check suite in the guest: bpf and bpf_sys with 0 failures"; show bpf-suite; }
fi

# the overlay suite (execve's and the open family's layer flags through
# libsinsp) on each engine: ran, not skipped
if [ -n "$ovlko" ]; then
	for eng in $engines; do
		line $eng-overlay "suite overlay on $eng status 0" "check suite overlay on $eng in the guest"
		sec $eng-overlay | grep -q '^SKIP' && { ko "overlay on $eng in the guest: skipped"; show $eng-overlay; } || ok
		has $eng-overlay "overlay: $eng engine: lower/upper/plain exe" "overlay on $eng: the layer checks ran"
	done
fi

# the kernel's health, over the whole log
bad=$(grep -v -e 'Command line:' -e 'Kernel command line:' "$log" |
	grep -n -e 'Oops' -e 'BUG:' -e 'Call Trace' -e 'WARNING:' -e 'panic' -e 'general protection' -e 'RIP:' | head -n 20)
[ -z "$bad" ] && ok || { ko "kernel errors in the log:"; echo "$bad" | sed 's/^/  | /'; }
# sanitizer reports (sanitized builds), wherever they were printed
bad=$(grep -n -e 'Sanitizer' -e 'runtime error:' "$log" | head -n 20)
[ -z "$bad" ] && ok || { ko "sanitizer reports in the log:"; echo "$bad" | sed 's/^/  | /'; }

boot=$(sed -n 's/.*=== SCAPKIT GUEST [0-9].* uptime=\([0-9.]*\)$/\1/p' "$log" | head -n 1)
done_up=$(sed -n 's/^=== SCAPKIT GUEST DONE .* uptime=\([0-9.]*\)$/\1/p' "$log")
awk -v a="$t0" -v b="$t1" -v c="$t2" -v boot="${boot:-?}" -v gd="${done_up:-?}" 'BEGIN {
	printf "kmod-qemu: initramfs %.1f s, qemu %.1f s wall (guest uptime at /init %s s, at the end %s s)\n", b - a, c - b, boot, gd }'
echo "kmod-qemu: $pass passed, $fail failed; serial log: $log"
[ $fail -eq 0 ]

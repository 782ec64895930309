#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The live engines' cost on Debian's 6.1 kernel, in a qemu guest: the kmod
# engine (scapkit.ko) next to the bpf engine, same benchmark, same boot
# (bench/bench_bpf.c with -e ENGINE, statically linked by tests/kmod/).
# A benchmark, not a test.
#   scripts/bench-guest.sh [BUILD_DIR]
# Environment: SECS (seconds per mode/step, default 1), REPEAT (best of,
# default 3), WORKLOADS (syscall benchmark, default "close openat"),
# RATES (events/s steps of the rate benchmark, default "50k 100k 250k
# 500k 750k 1M max"), THREADS (generator threads of the rate runs, default
# "1 2": one run each), SPIN (one more run, 1 thread, with a consumer
# spending SPIN ns per event, to see where drops start; default 5000, 0: no
# such run), CPUS (vCPUs, 2), MEM (MB, 1024), TIMEOUT (s, 1200).
# Prints the benchmark's output (kmod first; the module is unloaded before
# bpf), then a summary with the kmod/bpf ratios; the whole console goes to
# BUILD_DIR/bench-guest.log. The guest is emulated (TCG, no KVM): absolute
# numbers are not those of real hardware (a bare syscall is even cheaper
# than on this host, in-kernel work dearer), and they vary by tens of
# percent between runs: compare the two engines within one run.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
secs=${SECS:-1} repeat=${REPEAT:-3} workloads=${WORKLOADS:-close openat}
rates=${RATES:-50k 100k 250k 500k 750k 1M max} threads=${THREADS:-1 2} spin=${SPIN:-5000}
bench=$build/tests/kmod/bench_bpf-static
ko=$build/libscap/engine/kmod/driver/scapkit.ko
die() { echo "bench-guest: $*" >&2; exit 1; }
[ -x "$bench" ] || die "$bench not built (a non-sanitized build with the bpf engine and static libraries: ninja -C $build)"
[ -f "$ko" ] || die "$ko not built (kernel headers: scripts/install-deps.sh)"
kernel=$("$src/scripts/guest-kernel.sh") || die "no guest kernel"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# the guest's part (run by tests/kmod/guest-init.sh with scapkit_run=bench)
cat >"$tmp/guest-bench.sh" <<GUEST
run() { echo "\\\$ \$*"; "\$@"; }
echo "--- BEGIN bench"
echo "kernel \$(uname -r), \$(grep -c ^processor /proc/cpuinfo) vCPUs (qemu TCG), clocksource \$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
insmod /usr/lib/scapkit/scapkit.ko || echo "insmod failed: the kmod rows are missing"
for eng in kmod bpf; do
	[ \$eng = bpf ] && rmmod scapkit 2>/dev/null
	echo "=== engine \$eng"
	for w in $workloads; do
		run bench_bpf syscall -e \$eng -w \$w -t $secs -r $repeat
	done
	for n in $threads; do
		run bench_bpf rate -e \$eng -w close -n \$n -t $secs $rates
	done
	[ $spin -gt 0 ] && run bench_bpf rate -e \$eng -w close -n 1 -c $spin -t $secs $rates
done
echo "--- END bench"
GUEST
"$src/tests/kmod/mkinitramfs.sh" "$tmp/bench.cpio" "$src/tests/kmod/guest-init.sh" \
	"$tmp/guest-bench.sh:/usr/lib/scapkit/guest-bench.sh" "$ko:/usr/lib/scapkit/scapkit.ko" \
	"$bench:/usr/bin/bench_bpf"
log=$build/bench-guest.log
echo "bench-guest: booting $(basename "$kernel") (qemu TCG, ${CPUS:-2} vCPUs); console in $log"
rc=0
"$src/tests/kmod/run-qemu.sh" -t "${TIMEOUT:-1200}" -m "${MEM:-1024}" -c "${CPUS:-2}" -a scapkit_run=bench \
	"$kernel" "$tmp/bench.cpio" "$tmp/raw.log" || rc=$?
tr -d '\r' <"$tmp/raw.log" >"$log"
# the benchmark's lines, without the kernel's (loglevel=5 shows warnings)
sed -n '/^--- BEGIN bench/,/^--- END bench/p' "$log" | sed '1d;$d' | grep -v '^\[ *[0-9]*\.[0-9]*\] '
[ $rc -eq 0 ] || die "qemu exit status $rc (124: out of time, TIMEOUT=${TIMEOUT:-1200})"
grep -q '^--- END bench' "$log" || die "the guest did not finish the benchmark: see $log"

# summary: captured cost per syscall and the highest rate with 0 drops
echo "=== summary (kmod vs bpf, same guest)"
awk '
/^=== engine / { eng = $3 }
/ captured / && eng != "" { w = $1; d = $0; sub(/^.* captured +[0-9]+ +[0-9]+ +/, "", d); split(d, f, " ");
	delta[eng, w] = f[1] + 0; evs[eng, w] = f[4] + 0; ws[w] = 1 }
/^\$ bench_bpf rate / {
	n = ""; c = ""
	for (i = 1; i < NF; i++) { if ($i == "-n") n = $(i + 1); if ($i == "-c") c = $(i + 1) }
	n = n " generator thread(s)" (c != "" ? ", consumer +" c " ns/event" : ""); ns[n] = 1 }
/^highest sustained rate with 0 drops:/ { best[eng, n] = $7 + 0 }
/^drops at every rate/ { best[eng, n] = 0 }
/no drops at any rate/ { nodrop[eng, n] = 1 }
/first drops at target/ { first[eng, n] = $(NF - 1) }
END {
	for (w in ws) {
		k = delta["kmod", w]; b = delta["bpf", w]
		printf "captured, ns added per syscall (%s): kmod %+d, bpf %+d", w, k, b
		if (k > 0 && b > 0) printf ", kmod/bpf %.2f", k / b
		if (!evs["kmod", w] || !evs["bpf", w]) printf " (not comparable: an engine delivered no event)"
		printf "\n"
	}
	for (n in ns) {
		k = best["kmod", n]; b = best["bpf", n]
		printf "highest rate with 0 drops (close, %s; events/s): kmod %d, bpf %d", n, k, b
		if (k > 0 && b > 0) printf ", kmod/bpf %.2f", k / b
		if (nodrop["kmod", n] && nodrop["bpf", n])
			printf " (neither dropped at any rate: the generators are the limit, not the engines)"
		else
			printf " (first drops at target: kmod %s, bpf %s)", nodrop["kmod", n] ? "none" : first["kmod", n],
				nodrop["bpf", n] ? "none" : first["bpf", n]
		printf "\n"
	}
}' "$log"

#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Benchmarks (not tests). Usage: scripts/bench.sh [BUILD_DIR] [EVENTS]
#  - read / filter / state (+ rules) throughput on a large capture replayed
#    from a real one (bench/gen_capture.py);
#  - LIVE=1: also record a busy live workload with the bpf engine
#    (bench/record_live.sh, LIVE_SECONDS long, default 10) and run the
#    read / filter / state benchmarks on it;
#  - the bpf engine's live cost (bench/bench_bpf.c): ns per syscall with
#    capture off / probe stopped / nothing selected / captured, and the
#    sustained events/s with 0 drops. Runs when bench_bpf is built and we
#    are root; BPF=0 skips it, BPF=only runs only it.
set -eu
build=${1:-build}
events=${2:-5000000}
bpf=${BPF:-auto}
shared=${SCAP_SHARED_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/shared}
src="$shared/captures/libs_sample.scap"
out="bench/large-$events.scap"
run() { # prints the command line, then runs it
	echo "\$ $*"
	"$@"
}
bpf_section() {
	bb="$build/bench/bench_bpf"
	if [ ! -x "$bb" ]; then
		echo "bpf engine: skipped ($bb not built: the bpf engine is not part of this build)"
		return 0
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "bpf engine: skipped (needs root)"
		return 0
	fi
	echo "bpf engine: cost per syscall (ns/op: one loop iteration; delta/sc: ns per syscall over off)"
	run "$bb" syscall -t 1 -r 3
	echo "bpf engine: sustained events/s to scap_next() (close(-1) events, 1 and 2 generator threads)"
	run "$bb" rate -w close -n 1 -t 3
	run "$bb" rate -w close -n 2 -t 3
	echo "bpf engine: the same with a 64 MiB ring, and with a consumer spending 1 us per event"
	run "$bb" rate -w close -n 2 -t 3 -b 67108864 250k 500k 750k 1M max
	run "$bb" rate -w close -n 2 -t 3 -c 1000 100k 250k 400k 500k 750k max
}
if [ "$bpf" = only ]; then
	bpf_section
	exit 0
fi
[ -r "$src" ] || { echo "bench: $src not found"; exit 1; }
[ -f "$out" ] || python3 bench/gen_capture.py "$src" "$out" "$events"
[ -f "$out.gz" ] || gzip -k -1 "$out"
echo "plain: $(du -h "$out" | cut -f1)"
"$build/bench/bench_read" "$out" 5
echo "gzip -1: $(du -h "$out.gz" | cut -f1)"
"$build/bench/bench_read" "$out.gz" 3
echo "filters (evt.* fields, on the plain capture):"
for cond in 'evt.type = execve' \
	'evt.type in (futex, nanosleep) and evt.dir = <' \
	'evt.rawarg.res < 0 or evt.cpu > 2' \
	'(evt.type in (read, write, futex) and evt.rawarg.fd > 2) or (evt.type = switch and not evt.cpu in (0, 1)) or (evt.type glob "proc*" and evt.rawres >= 0)' \
	'evt.args contains "/etc" or evt.info icontains timeout'; do
	"$build/bench/bench_filter" "$out" "$cond" 3
done
echo "read + state (libsinsp) [+ condition] [+ formatted output], best of 3:"
best() { # prints the run with the most events/s
	for i in 1 2 3; do "$@"; done | awk '{ for (i = 1; i <= NF; i++) if ($i == "M") v = $(i - 1); if (v > b) { b = v; l = $0 } } END { print l }'
}
best "$build/bench/bench_sinsp" "$out"
best "$build/bench/bench_sinsp" "$out" 'evt.type = execve'
best "$build/bench/bench_sinsp" "$out" 'proc.name = cat and fd.name contains passwd'
best "$build/bench/bench_sinsp" "$out" - '%evt.num %evt.time %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.args'
if [ "${LIVE:-0}" = 1 ]; then
	live=bench/live.scap
	echo "live capture (bpf engine, bench/record_live.sh):"
	if run sh bench/record_live.sh -b "$build" -d "${LIVE_SECONDS:-10}" "$live"; then
		run "$build/bench/bench_read" "$live" 5
		run "$build/bench/bench_filter" "$live" 'evt.type = execve' 3
		run "$build/bench/bench_filter" "$live" 'evt.args contains "/etc" or evt.info icontains timeout' 3
		best "$build/bench/bench_sinsp" "$live"
		best "$build/bench/bench_sinsp" "$live" 'proc.name = cat and fd.name contains passwd'
	else
		echo "live capture: not recorded (see above)"
	fi
fi
# Rules through scapcli (read + state + rules, best of 3), next to a single
# simple filter through the same path: the event-type index should keep all
# rules within 2x of one filter. The official Falco rulesets are upstream's
# files, not part of this repository: point FALCO_RULES at copies of
# falcosecurity/rules' files (space-separated, loaded in order).
cli_best() { # label, scapcli args...
	label=$1
	shift
	b=0 rss=0
	for _ in 1 2 3; do
		r=$(/usr/bin/time -f "rss %M" "$build/cli/scapcli" -r "$out" -q --stats "$@" 2>&1 |
			awk '/^events\/s:/ {e=$2} /^rss / {m=$2} END {print e, m}')
		e=${r% *}
		[ "${e%.*}" -gt "${b%.*}" ] && b=$e rss=${r#* }
	done
	printf '%-40s %12.0f events/s  peak RSS %s KiB\n' "$label" "$b" "$rss"
}
echo "scapcli -r $out -q --stats [...] (best of 3):"
cli_best "-F 'evt.type = execve'" -F 'evt.type = execve'
cli_best "-R rules/default_rules.yaml" -R rules/default_rules.yaml
if [ -n "${FALCO_RULES:-}" ]; then
	set -- $FALCO_RULES
	args=""
	for f in "$@"; do args="$args -R $f"; done
	# shellcheck disable=SC2086
	cli_best "-R \$FALCO_RULES ($#)" $args
fi
[ "$bpf" = 0 ] || bpf_section

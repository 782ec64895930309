#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Benchmark: raw read throughput of libscap on a large generated capture.
# Not a test. Usage: scripts/bench.sh [BUILD_DIR] [EVENTS]
set -eu
build=${1:-build}
events=${2:-5000000}
shared=${SCAP_SHARED_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/shared}
src="$shared/captures/libs_sample.scap"
out="bench/large-$events.scap"
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
# Rules: the official Falco ruleset is upstream's file, not part of this
# repository: point FALCO_RULES at a copy of falcosecurity/rules'
# rules/falco_rules.yaml to measure it.
if [ -n "${FALCO_RULES:-}" ]; then
	echo "read + state + the rules of $FALCO_RULES (scapcli -R, peak RSS in KiB):"
	/usr/bin/time -f "peak RSS %M KiB" "$build/cli/scapcli" -r "$out" -R "$FALCO_RULES" -q --stats 2>&1 |
		grep -E '^events/s|^peak RSS'
fi

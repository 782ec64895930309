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

#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Benchmarks of the container support (not tests). As root:
#   scripts/bench-containers.sh [BUILD_DIR] [N_CONTAINERS] [BASE_REV]
#  1. lookups: a private dockerd (scripts/docker-lab.sh), N containers
#     created, then bench/bench_containers on a capture naming them: the
#     cost per lookup from Docker's files, and from its API (files off), and
#     the longest an event waited for metadata;
#  2. read + state throughput on a capture full of container events (the
#     shared falco_open-multiple-files.scap replayed to 2 M events by
#     bench/gen_capture.py, with its container events), bench_sinsp of this
#     tree against BASE_REV (default: the commit before container lookups
#     came, 6837d3e) built in /tmp, alternated, best of 5 each.
set -eu
build=${1:-build}
n=${2:-20}
base=${3:-6837d3e}
src=$(cd "$(dirname "$0")/.." && pwd)
lab=$src/scripts/docker-lab.sh
work=$(mktemp -d /tmp/scapkit-bench-ctr.XXXXXX)
cleanup() { "$lab" stop "$work/lab" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT INT TERM
run() { echo "\$ $*"; "$@"; }

echo "== container lookups ($n containers)"
"$lab" start "$work/lab" >/dev/null
"$lab" image "$work/lab" bench:1 >/dev/null
export DOCKER_HOST=unix://$work/lab/docker.sock
ids=""
for i in $(seq 1 "$n"); do
	ids="$ids $(docker create --network none --label bench=$i --name bench-$i bench:1 sh)"
done
# shellcheck disable=SC2086
run "$build/bench/bench_containers" -s "" -d "$work/lab/data" -e 1000 $ids
# shellcheck disable=SC2086
run "$build/bench/bench_containers" -s "$work/lab/docker.sock" -d "" -e 1000 $ids
"$lab" stop "$work/lab" >/dev/null

echo "== read + state on a capture with container events: this tree vs $base"
cap=$src/../shared/captures/falco_open-multiple-files.scap
[ -r "$cap" ] || { echo "bench: $cap not found"; exit 1; }
python3 "$src/bench/gen_capture.py" "$cap" "$work/big.scap" 2000000 >/dev/null
echo "container events: $("$build/cli/scapcli" -r "$work/big.scap" -F 'evt.type=container' -q --stats 2>&1 | sed -n 's/^matched: //p') of $("$build/cli/scapcli" -r "$work/big.scap" -q --stats 2>&1 | sed -n 's/^events: //p')"
git -C "$src" worktree add -f --detach "$work/base" "$base" >/dev/null 2>&1
(cd "$work/base" && meson setup "$work/base-build" >/dev/null && ninja -C "$work/base-build" bench/bench_sinsp >/dev/null)
for r in 1 2 3 4 5; do
	for b in "$work/base-build" "$build"; do
		"$b/bench/bench_sinsp" "$work/big.scap" 2>&1 | sed "s|^|$(basename "$b") |"
	done
done | awk '{ name = $1; for (i = 1; i <= NF; i++) if ($i == "events/s") v = $(i - 2); if (v > best[name]) best[name] = v }
	END { for (k in best) printf "%s: best of 5: %s events/s\n", k, best[k] }'
# instructions per event (callgrind: repeatable on a busy machine): the
# difference of two capture sizes, so that start-up (dynamic linking of
# libcurl...) does not count
if command -v valgrind >/dev/null 2>&1; then
	python3 "$src/bench/gen_capture.py" "$cap" "$work/s1.scap" 150000 >/dev/null
	python3 "$src/bench/gen_capture.py" "$cap" "$work/s2.scap" 300000 >/dev/null
	for b in "$work/base-build" "$build"; do
		i1=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$b/bench/bench_sinsp" "$work/s1.scap" 2>&1 | sed -n 's/.*Collected : //p')
		i2=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$b/bench/bench_sinsp" "$work/s2.scap" 2>&1 | sed -n 's/.*Collected : //p')
		n1=$("$build/cli/scapcli" -r "$work/s1.scap" -q --stats 2>&1 | sed -n 's/^events: //p')
		n2=$("$build/cli/scapcli" -r "$work/s2.scap" -q --stats 2>&1 | sed -n 's/^events: //p')
		echo "$(basename "$b"): $(awk "BEGIN { printf \"%.1f\", ($i2 - $i1) / ($n2 - $n1) }") instructions per event (read + state)"
	done
fi
git -C "$src" worktree remove --force "$work/base" >/dev/null 2>&1 || true

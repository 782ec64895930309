#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Record a busy live workload with the bpf engine (root, kernel BTF):
#   bench/record_live.sh [-b BUILD_DIR] [-d SECONDS] [-z] OUT.scap
# runs `scapcli -e bpf -w OUT.scap --duration SECONDS -q --stats` while it
# keeps busy: an exec loop (/bin/true, /bin/echo, sh -c), file I/O (dd, cat,
# rm in a temp dir), TCP and UDP on loopback (python3 echo server + client)
# and `find /usr`. Prints the command lines, then events, size and drops.
# The capture serves the read/filter/state benchmarks (scripts/bench.sh,
# LIVE=1) alongside the replayed one. Not a test.
set -eu
build=build
secs=10
gz=
while getopts b:d:z o; do
	case $o in
	b) build=$OPTARG ;;
	d) secs=$OPTARG ;;
	z) gz=-z ;;
	*) echo "usage: $0 [-b BUILD_DIR] [-d SECONDS] [-z] OUT.scap" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || { echo "usage: $0 [-b BUILD_DIR] [-d SECONDS] [-z] OUT.scap" >&2; exit 2; }
out=$1
scapcli=$build/cli/scapcli
[ -x "$scapcli" ] || { echo "record_live: $scapcli not built" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "record_live: skipped: the bpf engine needs root" >&2; exit 77; }
command -v python3 >/dev/null || { echo "record_live: python3 is needed for the loopback traffic" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/record_live.XXXXXX")
pids=
stop_workloads() { # the loops and what they run now (find, dd, ...)
	for p in $pids; do pkill -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
cleanup() {
	: >"$tmp/stop" 2>/dev/null || true
	stop_workloads
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
rm -f "$out"

echo "\$ $scapcli -e bpf -w $out ${gz:+$gz }--duration $secs -q --stats"
"$scapcli" -e bpf -w "$out" $gz --duration "$secs" -q --stats 2>"$tmp/stats" &
cap=$!
# the output file appears once the probe is attached and the dumper open
i=0
while [ ! -s "$out" ] && kill -0 "$cap" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if ! kill -0 "$cap" 2>/dev/null; then
	wait "$cap" || true
	cat "$tmp/stats" >&2
	echo "record_live: the capture did not start" >&2
	exit 1
fi

# the workloads: each runs until $tmp/stop exists
echo "workload: exec loop, file I/O, TCP+UDP loopback (python3), find /usr, for ${secs} s"
(while [ ! -e "$tmp/stop" ]; do
	/bin/true; /bin/echo exec >/dev/null; sh -c 'cat /etc/hostname >/dev/null'
done) &
pids="$pids $!"
(n=0; while [ ! -e "$tmp/stop" ]; do
	dd if=/dev/zero of="$tmp/f$n" bs=4k count=64 2>/dev/null
	cat "$tmp/f$n" >/dev/null; ls -l "$tmp" >/dev/null; rm -f "$tmp/f$n"
	n=$(((n + 1) % 8))
done) &
pids="$pids $!"
python3 - "$tmp/stop" <<'EOF' &
import os, socket, sys, threading
stop = sys.argv[1]
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0)); srv.listen(64)
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); udp.bind(("127.0.0.1", 0))
def serve():
    while True:
        c, _ = srv.accept()
        with c:
            while (d := c.recv(4096)):
                c.sendall(d)
def userve():
    while True:
        d, a = udp.recvfrom(4096); udp.sendto(d, a)
threading.Thread(target=serve, daemon=True).start()
threading.Thread(target=userve, daemon=True).start()
msg = b"x" * 512
while not os.path.exists(stop):
    with socket.create_connection(srv.getsockname()) as c:   # a new connection each round
        for _ in range(20):
            c.sendall(msg); c.recv(4096)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(1)
    for _ in range(20):
        u.sendto(msg, udp.getsockname()); u.recvfrom(4096)
    u.close()
EOF
pids="$pids $!"
(while [ ! -e "$tmp/stop" ]; do find /usr >/dev/null 2>&1; done) &
pids="$pids $!"

rc=0
wait "$cap" || rc=$?
: >"$tmp/stop"
stop_workloads
pids=
if [ $rc -ne 0 ]; then
	cat "$tmp/stats" >&2
	echo "record_live: scapcli exited with status $rc" >&2
	exit 1
fi
ev=$(sed -n 's/^events: //p' "$tmp/stats")
sec=$(sed -n 's/^seconds: //p' "$tmp/stats")
drops=$(sed -n 's/^drops: //p' "$tmp/stats")
size=$(wc -c <"$out")
echo "recorded $out: events $ev in $sec s ($(awk -v e="$ev" -v s="$sec" 'BEGIN { printf "%.0f", (s > 0 ? e / s : 0) }') events/s), $size bytes ($(du -h "$out" | cut -f1)), drops $drops"
echo "top event types:"
sed -n '/^per type:/,$p' "$tmp/stats" | sed -n '2,11p'

#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A private Docker daemon for the tests (Debian's docker.io), never the
# system's: everything lives below DIR.
#
#   docker-lab.sh start DIR           start dockerd; prints its socket path
#   docker-lab.sh image DIR NAME:TAG  build a busybox image locally (no registry)
#   docker-lab.sh stop DIR            stop it, wait for it, unmount what it left
#   docker-lab.sh env DIR             print DOCKER_HOST=... for eval
#
# The daemon: --data-root DIR/data, --exec-root DIR/exec, --pidfile
# DIR/dockerd.pid, -H unix://DIR/docker.sock, no iptables, no IP forwarding,
# no bridge (containers get only lo: run them with --network none), the
# cgroupfs driver, and a runtime `scapkit-priv` (DIR/runc-priv, written
# here) for privileged containers: this VM's capability bounding set lacks
# CAP_SYS_RESOURCE, which plain `--privileged` asks for, so the wrapper
# removes it from the OCI spec and runs runc (docker run --runtime
# scapkit-priv --privileged ...). Its log: DIR/dockerd.log.
#
# Exit 77 (meson's SKIP) with a reason when the daemon cannot start:
# not root, no dockerd/runc/jq, or it does not answer before the deadline
# (DOCKER_LAB_TIMEOUT seconds, default 60).
set -eu

die() { echo "docker-lab: $*" >&2; exit 1; }
skip() { echo "SKIP: docker-lab: $*"; exit 77; }
[ $# -ge 2 ] || die "usage: $0 start|stop|image|env DIR [NAME:TAG]"
cmd=$1
dir=$2
case $dir in /*) ;; *) dir=$(pwd)/$dir ;; esac
sock=$dir/docker.sock
pidfile=$dir/dockerd.pid
if [ -z "${DOCKERD:-}" ]; then # Debian's is /usr/sbin/dockerd
	for DOCKERD in /usr/sbin/dockerd /usr/bin/dockerd "$(command -v dockerd || true)"; do
		[ -x "$DOCKERD" ] && break
	done
fi
RUNC=${RUNC:-/usr/sbin/runc}
if [ -z "${DOCKER:-}" ]; then
	DOCKER=/usr/bin/docker
	[ -x "$DOCKER" ] || DOCKER=$(command -v docker || echo /usr/bin/docker)
fi
timeout_s=${DOCKER_LAB_TIMEOUT:-60}

dk() { DOCKER_HOST=unix://$sock "$DOCKER" "$@"; }

alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

# wait_gone PID SECONDS: 0 once PID has exited (a zombie counts as gone)
wait_gone() {
	end=$(($(date +%s) + $2))
	while alive "$1"; do
		state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null || true)
		[ "$state" = Z ] && return 0
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.1 # poll interval, within the loop's deadline
	done
	return 0
}

write_wrapper() {
	cat >"$dir/runc-priv" <<EOF
#!/bin/sh
# Written by scripts/docker-lab.sh: runc without CAP_SYS_RESOURCE (this
# machine's bounding set lacks it, and --privileged asks for every cap).
set -e
spec=""
prev=""
for a in "\$@"; do
	case \$prev in
	--bundle|-b) spec="\$a/config.json" ;;
	--process|-p) spec="\$a" ;;
	esac
	case \$a in
	--bundle=*) spec="\${a#--bundle=}/config.json" ;;
	--process=*) spec="\${a#--process=}" ;;
	esac
	prev=\$a
done
if [ -n "\$spec" ] && [ -f "\$spec" ]; then
	tmp="\$spec.scapkit.\$\$"
	jq 'def drop: if type == "array" then map(select(. != "CAP_SYS_RESOURCE")) else . end;
	    if .process.capabilities then .process.capabilities |= map_values(drop)
	    elif .capabilities then .capabilities |= map_values(drop) else . end' "\$spec" >"\$tmp"
	mv "\$tmp" "\$spec"
fi
exec $RUNC "\$@"
EOF
	chmod 755 "$dir/runc-priv"
}

start() {
	[ "$(id -u)" -eq 0 ] || skip "dockerd needs root"
	[ -x "$DOCKERD" ] || skip "dockerd not found (Debian's docker.io: scripts/install-deps.sh)"
	[ -x "$DOCKER" ] || skip "no docker client ($DOCKER)"
	[ -x "$RUNC" ] || skip "$RUNC not found"
	command -v jq >/dev/null || skip "jq not found (the privileged runtime wrapper needs it)"
	mkdir -p "$dir/data" "$dir/exec"
	if [ -f "$pidfile" ] && alive "$(cat "$pidfile")"; then
		die "a daemon already runs for $dir (pid $(cat "$pidfile"))"
	fi
	write_wrapper
	t0=$(date +%s.%N)
	"$DOCKERD" --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$pidfile" \
		-H "unix://$sock" --iptables=false --ip-forward=false --ip-masq=false --bridge=none \
		--exec-opt native.cgroupdriver=cgroupfs --userland-proxy=false \
		--add-runtime "scapkit-priv=$dir/runc-priv" \
		</dev/null >"$dir/dockerd.log" 2>&1 &
	pid=$!
	echo "$pid" >"$dir/dockerd.launcher-pid"
	end=$(($(date +%s) + timeout_s))
	while ! dk version --format '{{.Server.Version}}' >/dev/null 2>&1; do
		if ! alive "$pid"; then
			st=0
			wait "$pid" || st=$?
			tail -n 5 "$dir/dockerd.log" >&2 || true
			why=$(grep -m1 -iE 'fail|error' "$dir/dockerd.log" || tail -n1 "$dir/dockerd.log")
			skip "dockerd exited (status $st) while starting: $(echo "${why:-no message}" | cut -c1-300)"
		fi
		if [ "$(date +%s)" -ge "$end" ]; then
			tail -n 5 "$dir/dockerd.log" >&2 || true
			kill "$pid" 2>/dev/null || true
			wait_gone "$pid" 20 || kill -9 "$pid" 2>/dev/null || true
			skip "dockerd did not answer on $sock within ${timeout_s}s"
		fi
		sleep 0.1 # poll interval, within the loop's deadline
	done
	t1=$(date +%s.%N)
	echo "docker-lab: dockerd $(dk version --format '{{.Server.Version}}') pid $pid ready on $sock in $(awk "BEGIN{printf \"%.2f\", $t1 - $t0}")s" >&2
	echo "$sock"
}

stop() {
	pid=""
	[ -f "$pidfile" ] && pid=$(cat "$pidfile")
	[ -n "$pid" ] || { [ -f "$dir/dockerd.launcher-pid" ] && pid=$(cat "$dir/dockerd.launcher-pid"); } || true
	if alive "$pid"; then
		# containers first (the daemon would stop them too, 10 s each at most)
		ids=$(dk ps -aq 2>/dev/null || true)
		# shellcheck disable=SC2086
		[ -z "$ids" ] || dk rm -f $ids >/dev/null 2>&1 || true
		kill -TERM "$pid" 2>/dev/null || true
		if ! wait_gone "$pid" 30; then
			echo "docker-lab: dockerd $pid did not exit in 30 s: SIGKILL" >&2
			kill -KILL "$pid" 2>/dev/null || true
			wait_gone "$pid" 10 || true
		fi
	fi
	# its containerd and shims, if they outlived it (matched by our exec root)
	for p in $(pgrep -f "$dir/exec/containerd" 2>/dev/null || true); do
		kill -TERM "$p" 2>/dev/null || true
		wait_gone "$p" 10 || kill -KILL "$p" 2>/dev/null || true
	done
	# leftover mounts below DIR, deepest first
	awk -v d="$dir/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r m; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || echo "docker-lab: cannot unmount $m" >&2
	done
	rm -f "$pidfile" "$dir/dockerd.launcher-pid" "$sock"
}

# A ~2 MB image from Debian's busybox-static: one symlink per applet, an
# /etc/passwd, /etc/group and /etc/shadow, root's (empty) shell history,
# and two names no applet has:
# apk (a package manager's name) and debugfs (both busybox, which answers
# "applet not found": the exec itself is what the rules look at).
image() {
	ref=$1
	bb=$(command -v busybox || true)
	[ -n "$bb" ] && "$bb" --list >/dev/null 2>&1 || die "busybox not found (busybox-static)"
	ldd "$bb" 2>&1 | grep -q 'not a dynamic' || die "$bb is not static (install busybox-static)"
	root=$(mktemp -d "$dir/rootfs.XXXXXX")
	mkdir -p "$root/bin" "$root/etc" "$root/root" "$root/tmp" "$root/mnt" "$root/proc" "$root/sys" \
		"$root/dev" "$root/var/log"
	chmod 1777 "$root/tmp"
	chmod 700 "$root/root"
	cp "$bb" "$root/bin/busybox"
	for a in $("$bb" --list); do
		[ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"
	done
	ln -sf busybox "$root/bin/apk"
	ln -sf busybox "$root/bin/debugfs"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
	printf 'root:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n' >"$root/etc/shadow"
	chmod 640 "$root/etc/shadow"
	: >"$root/root/.ash_history"
	tar -C "$root" -c . | dk import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - "$ref" >/dev/null
	rm -rf "$root"
	dk image inspect --format '{{.Id}}' "$ref" >/dev/null
}

case $cmd in
start) start ;;
stop) stop ;;
image) [ $# -ge 3 ] || die "usage: $0 image DIR NAME:TAG"; image "$3" ;;
env) echo "DOCKER_HOST=unix://$sock" ;;
*) die "unknown command '$cmd' (start, stop, image, env)" ;;
esac

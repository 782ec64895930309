#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Real Docker, live bpf capture, the rules: container actions raise the
# expected alerts with the right container metadata, the same actions on the
# host raise no container-scoped alert, the -w capture read back gives the
# same alerts, and an alert reaches stdout within 1 s of its event.
#
#   test_docker.sh SCAPCLI [LIVE_ALERTS]
#
# Root only. Starts its own dockerd (scripts/docker-lab.sh: private data
# root, exec root and socket; no iptables, no bridge), builds a busybox image
# locally, and removes everything it started on every exit path. Exit 77
# (meson's SKIP) with a SKIP line when dockerd cannot start (or the bpf
# engine cannot capture). The official rules come from ../shared/rules
# (SCAP_SHARED_DIR): without them that half is skipped, loudly.
#
# Every capture runs at once (scapcli with the official rules, scapcli with
# rules/default_rules.yaml, and the same two through the library example
# LIVE_ALERTS when it is built), each stdout a pipe read line by line by
# tests/docker/stamp.py, which records when each line arrives.
set -u
cli=$1
live_alerts=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
lab=$src/scripts/docker-lab.sh
shared=${SCAP_SHARED_DIR:-$src/../shared}
frules=$shared/rules
drules=${SCAPKIT_RULES_DIR:-$src/rules}/default_rules.yaml
fixtures=$here/docker
export TZ=UTC
now() { date +%s.%N; }
T_BEGIN=$(now)
elapsed() { awk "BEGIN { printf \"%.1f\", $(now) - $1 }"; }
log() { echo "docker: $*"; }

"$cli" --version >/dev/null 2>&1 || { echo "FAIL: docker: $cli does not run: $("$cli" --version 2>&1 | head -n1)"; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: docker: needs root (dockerd and the bpf engine)"; exit 77; }
if ! err=$("$cli" -e bpf -n 1 -q 2>&1 >/dev/null); then
	echo "SKIP: docker: the bpf engine cannot capture here: $(echo "$err" | head -n1)"
	exit 77
fi

work=$(mktemp -d /tmp/scapkit-docker.XXXXXX)
dir=$work/lab
mkdir -p "$dir" "$work/bin" "$work/hmnt" "$work/ovl/lower" "$work/ovl/upper" "$work/ovl/work" "$work/ovl/merged"
cpids="" spids="" started_lab=0 keep=${KEEP_DOCKER_TEST:-0}
ctr=scapkit-ctr-$$
priv=scapkit-priv-$$
image_repo=scapkit-test
image=$image_repo:$$
DOCKER=/usr/bin/docker
[ -x "$DOCKER" ] || DOCKER=$(command -v docker || echo docker)
dk() { DOCKER_HOST=unix://$dir/docker.sock "$DOCKER" "$@"; }

# wait_exit PID SECONDS: 0 when PID has exited before the deadline
wait_exit() {
	end=$(($(date +%s) + $2))
	while kill -0 "$1" 2>/dev/null; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.1 # poll interval, within the loop's deadline
	done
}

cleanup() {
	rc=$?
	trap - EXIT INT TERM HUP
	for p in $cpids; do kill -INT "$p" 2>/dev/null; done
	for p in $cpids; do wait_exit "$p" 10 || kill -KILL "$p" 2>/dev/null; done
	for p in $spids; do wait_exit "$p" 5 || kill -KILL "$p" 2>/dev/null; done
	if [ $started_lab -eq 1 ]; then
		dk rm -f "$ctr" "$priv" >/dev/null 2>&1
		dk rmi -f "$image" >/dev/null 2>&1
		"$lab" stop "$dir" || echo "docker: stopping the daemon failed" >&2
	fi
	for m in "$work/hmnt" "$work/ovl/merged"; do
		mountpoint -q "$m" 2>/dev/null && umount "$m"
	done
	if [ "$keep" = 1 ]; then echo "docker: kept $work"; else rm -rf "$work"; fi
	echo "docker: whole test $(elapsed "$T_BEGIN") s"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---- the daemon and the image ----------------------------------------------
t=$(now)
"$lab" start "$dir" >"$work/lab.out" 2>"$work/lab.err"
rc=$?
if [ $rc -eq 77 ]; then
	cat "$work/lab.out"
	exit 77
fi
started_lab=1
[ $rc -eq 0 ] || { echo "FAIL: docker: docker-lab.sh start: exit $rc"; cat "$work/lab.err"; exit 1; }
log "daemon ready in $(elapsed "$t") s ($(cat "$work/lab.err"))"
t=$(now)
"$lab" image "$dir" "$image" || { echo "FAIL: docker: cannot build the image"; exit 1; }
dk run -d --name "$ctr" --network none "$image" sleep 3600 >/dev/null ||
	{ echo "FAIL: docker: cannot start a container"; exit 1; }
ctr_pid=$(dk inspect -f '{{.State.Pid}}' "$ctr")
log "image and first container in $(elapsed "$t") s"

# host counterparts: an overlay with a binary in its upper layer, and
# binaries named like debugfs, a package manager and nsenter
mount -t overlay overlay -o "lowerdir=$work/ovl/lower,upperdir=$work/ovl/upper,workdir=$work/ovl/work" \
	"$work/ovl/merged" || { echo "FAIL: docker: cannot mount an overlay on the host"; exit 1; }
cp /bin/busybox "$work/ovl/merged/scapkit-drop"
cp /bin/busybox "$work/scapkit-drop"
ln -s /bin/busybox "$work/bin/debugfs"
ln -s /bin/busybox "$work/bin/apk"
cp "$(command -v nsenter)" "$work/bin/scapkit-nsjoin"

# ---- the captures --------------------------------------------------------------
# scapcli's container runtime options (the lead adds them): without them the
# container metadata is <NA> and the assertions on it fail, as they must.
dopts=""
if "$cli" --help 2>&1 | grep -q -- '--docker-socket'; then
	dopts="--docker-socket $dir/docker.sock --docker-root $dir/data"
else
	echo "NOTE: docker: scapcli has no --docker-socket/--docker-root: it cannot find this daemon's containers (metadata <NA>)"
fi
fset=""
if [ -r "$frules/falco_rules.yaml" ] && [ -r "$frules/falco-incubating_rules.yaml" ] && [ -r "$frules/falco-sandbox_rules.yaml" ]; then
	fset="$frules/falco_rules.yaml $frules/falco-incubating_rules.yaml $frules/falco-sandbox_rules.yaml $fixtures/append_falco.yaml"
else
	echo "SKIP: docker: the official Falco rules: $frules not found (only rules/default_rules.yaml is checked)"
fi
dset="$drules $fixtures/append_default.yaml"
# rules disabled by default that the test needs: none (each expected rule
# is enabled in its file); they would be given as --enable NAME here.
enables=""

labels=""
# start LABEL KIND CMD...: CMD's stdout through stamp.py into LABEL.out
start() {
	label=$1 kind=$2
	shift 2
	mkfifo "$work/$label.fifo"
	python3 "$fixtures/stamp.py" "$work/$label.out" <"$work/$label.fifo" &
	spids="$spids $!"
	"$@" >"$work/$label.fifo" 2>"$work/$label.err" &
	cpids="$cpids $!"
	eval "pid_$(echo "$label" | tr - _)=$!"
	labels="$labels $label:$kind"
}
rargs() { for f in "$@"; do printf -- '-R %s ' "$f"; done; }
t=$(now)
if [ -n "$fset" ]; then
	# shellcheck disable=SC2046,SC2086
	start cli-falco falco "$cli" -e bpf $dopts $(rargs $fset "$fixtures/marker.yaml") $enables -j -w "$work/cli-falco.scap"
fi
# shellcheck disable=SC2046,SC2086
start cli-default default "$cli" -e bpf $dopts $(rargs $dset "$fixtures/marker.yaml") -j -w "$work/cli-default.scap"
if [ -n "$live_alerts" ] && [ -x "$live_alerts" ]; then
	if [ -n "$fset" ]; then
		# shellcheck disable=SC2086
		start lib-falco falco "$live_alerts" -s "$dir/docker.sock" --docker-root "$dir/data" $fset "$fixtures/marker.yaml"
	fi
	# shellcheck disable=SC2086
	start lib-default default "$live_alerts" -s "$dir/docker.sock" --docker-root "$dir/data" $dset "$fixtures/marker.yaml"
else
	echo "SKIP: docker: the library path: ${live_alerts:-live_alerts} not built (examples/live_alerts.c)"
fi

# Ready when each capture shows the marker's alert. The marker carries 3 KB
# of arguments, so that a block-buffered stdout fills and shows it too.
pad=$(printf '%3000s' '' | tr ' ' x)
deadline=$(($(date +%s) + 120))
tries=0
while :; do
	tries=$((tries + 1))
	/bin/true "scapkit-docker-marker-ready-$$" "$pad"
	missing=""
	for lk in $labels; do
		l=${lk%%:*}
		grep -q "scapkit-docker-marker-ready-$$" "$work/$l.out" 2>/dev/null || missing="$missing $l"
		eval "p=\$pid_$(echo "$l" | tr - _)"
		if ! kill -0 "$p" 2>/dev/null; then
			echo "FAIL: docker: capture $l exited before it was live:"
			cat "$work/$l.err"
			exit 1
		fi
	done
	[ -z "$missing" ] && break
	if [ "$(date +%s)" -ge "$deadline" ]; then
		echo "FAIL: docker: no marker alert within 120 s on:$missing"
		for l in $missing; do tail -n 3 "$work/$l.err"; done
		exit 1
	fi
	sleep 0.2 # poll interval, within the loop's deadline
done
log "captures live in $(elapsed "$t") s ($tries marker runs)"

# ---- the actions: each once, in its own time window --------------------------
# act ID MARKER CMD...: the window is [start, end] of CMD (wall clock)
act() {
	id=$1 marker=$2
	shift 2
	t0=$(now)
	"$@" </dev/null >>"$work/actions.log" 2>&1
	arc=$?
	t1=$(now)
	printf '%s\t%s\t%s\t%s\t%s\n' "$id" "$t0" "$t1" "$arc" "$marker" >>"$work/actions.tsv"
}
mk() { echo "scapkit-$1-$$"; }
# docker run -d returns before the container's process has exec'd: the
# action ends when its pid 1 runs sleep
run_priv() {
	dk run -d --name "$priv" --network none --runtime scapkit-priv --privileged "$image" sleep 3600 || return 1
	end=$(($(date +%s) + 30))
	while :; do
		p=$(dk inspect -f '{{.State.Pid}}' "$priv" 2>/dev/null)
		[ -n "$p" ] && [ "$p" != 0 ] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = sleep ] && return 0
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.05 # poll interval, within the loop's deadline
	done
}
drop_exec() { dk cp "$work/scapkit-drop" "$ctr:/tmp/scapkit-drop" && dk exec "$ctr" /tmp/scapkit-drop "$1"; }
tty_exec() { DOCKER_HOST=unix://$dir/docker.sock script -qec "$DOCKER exec -it $ctr sh -c ': $1'" /dev/null; }
host_mount() { mount -t tmpfs "$1" "$work/hmnt" && umount "$work/hmnt"; }

t=$(now)
act priv_start "" run_priv
act tty_shell "$(mk tty)" tty_exec "$(mk tty)"
act drop_exec "$(mk drop)" drop_exec "$(mk drop)"
act debugfs "$(mk debugfs)" dk exec "$priv" debugfs "$(mk debugfs)"
act read_shadow "" dk exec "$ctr" cat /etc/shadow
act write_etc "$(mk etc)" dk exec "$ctr" touch "/etc/$(mk etc)"
act pkg_mgr "$(mk pkg)" dk exec "$ctr" apk add "$(mk pkg)"
act history_rm "" dk exec "$ctr" rm /root/.ash_history
act nsenter "$(mk nsenter)" nsenter -t "$ctr_pid" -n /bin/true "$(mk nsenter)"
act nsjoin "$(mk nsjoin)" "$work/bin/scapkit-nsjoin" -t "$ctr_pid" -n /bin/true "$(mk nsjoin)"
act mount_priv "$(mk mount)" dk exec "$priv" mount -t tmpfs "$(mk mount)" /mnt
# the same on the host
act h_tty_shell "" script -qec "sh -c ': $(mk htty)'" /dev/null
act h_drop_exec "" "$work/ovl/merged/scapkit-drop" "$(mk hdrop)"
act h_debugfs "" "$work/bin/debugfs" "$(mk hdebugfs)"
act h_pkg_mgr "" "$work/bin/apk" add "$(mk hpkg)"
act h_mount "" host_mount "$(mk hmount)"
act h_pid1 "" unshare --pid --fork /bin/sh -c ": $(mk hpid1)"
log "actions in $(elapsed "$t") s"
awk -F'\t' '$1 == "priv_start" && $4 != 0 { exit 1 }' "$work/actions.tsv" ||
	{ echo "FAIL: docker: the privileged container did not start:"; cat "$work/actions.log"; exit 1; }

# the end marker: once each capture shows it, every action's events are in
deadline=$(($(date +%s) + 60))
while :; do
	/bin/true "scapkit-docker-marker-end-$$" "$pad"
	missing=""
	for lk in $labels; do
		l=${lk%%:*}
		grep -q "scapkit-docker-marker-end-$$" "$work/$l.out" 2>/dev/null || missing="$missing $l"
	done
	[ -z "$missing" ] && break
	[ "$(date +%s)" -lt "$deadline" ] || { echo "FAIL: docker: no end marker within 60 s on:$missing"; break; }
	sleep 0.2 # poll interval, within the loop's deadline
done
for p in $cpids; do kill -INT "$p" 2>/dev/null; done
for p in $cpids; do wait_exit "$p" 30 || { echo "FAIL: docker: a capture did not stop on SIGINT"; kill -KILL "$p"; }; done
for p in $spids; do wait_exit "$p" 10 || kill -KILL "$p"; done
cpids="" spids=""

# ---- the checks ----------------------------------------------------------------
fail=0
for lk in $labels; do
	l=${lk%%:*} kind=${lk#*:}
	grep -q '^drops: 0 ' "$work/$l.err" || echo "NOTE: docker: $l: $(grep '^drops:' "$work/$l.err" || echo 'no drops line')"
	rb=""
	if [ -f "$work/$l.scap" ]; then
		case $kind in falco) set -- $fset ;; *) set -- $dset ;; esac
		# shellcheck disable=SC2046
		"$cli" -r "$work/$l.scap" $(rargs "$@" "$fixtures/marker.yaml") $enables -j >"$work/$l.rb" 2>"$work/$l.rb.err" ||
			{ echo "FAIL: docker: $l: reading the -w capture back failed: $(tail -n1 "$work/$l.rb.err")"; fail=$((fail + 1)); }
		rb=$work/$l.rb
	fi
	CTR=$ctr PRIV=$priv IMAGE_REPO=$image_repo python3 "$fixtures/check_alerts.py" "$kind" "$l" \
		"$work/actions.tsv" "$work/$l.out" $rb || fail=$((fail + 1))
	# the written file through a reference libsinsp, when one is given
	# (SINSP_EXAMPLE: a sinsp-example built from falcosecurity/libs, never
	# part of this repository): the same container fields on every execve
	# (before its execve, a process runc is moving into a container is read
	# apart by old libsinsp and the container plugin), but the host's
	# `unshare --pid` (h_pid1): old libsinsp gives "" to a pid namespace no
	# runtime claims, current Falco's container plugin (and this library)
	# "host"
	if [ -f "$work/$l.scap" ] && [ -n "${SINSP_EXAMPLE:-}" ]; then
		if FILTER='evt.type = execve and evt.dir = < and not proc.cmdline contains scapkit-hpid1' \
			SCAPCLI=$cli sh "$src/scripts/compare-containers.sh" \
			"$work/$l.scap" "$SINSP_EXAMPLE" >"$work/$l.cmp" 2>&1; then
			echo "ok   $l: the -w capture gives the reference libsinsp's container fields ($(grep -c ' agree (' "$work/$l.cmp") fields)"
		else
			echo "FAIL: docker: $l: container fields differ from the reference's:"; grep -v ' agree (' "$work/$l.cmp" | head -n 20
			fail=$((fail + 1))
		fi
	fi
done
[ -n "${SINSP_EXAMPLE:-}" ] || echo "NOTE: docker: SINSP_EXAMPLE is not set: the -w captures are not compared with a reference libsinsp"
if [ $fail -ne 0 ]; then
	echo "docker: the action windows (id, start, end, exit status, marker):"
	cat "$work/actions.tsv"
fi
echo "docker: $fail of $(echo $labels | wc -w) captures failed"
[ $fail -eq 0 ]

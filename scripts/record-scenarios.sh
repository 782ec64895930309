#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Record the project's own scenario captures (tests/captures/*.scap) live
# with the bpf engine: each scenario is a short scripted process tree run
# by build/tests/scenario_rec, which writes only that tree's events (no
# /proc scan, no machine metadata, a minimal environment).
#
#   sudo scripts/record-scenarios.sh            # every scenario
#   sudo scripts/record-scenarios.sh NAME...    # some of them
#   scripts/record-scenarios.sh --list          # names and descriptions
#
# Needs root, kernel BTF and a build with the bpf engine (BUILD=dir, default
# build/). Idempotent: each run rewrites the files it records, and
# everything a scenario creates (files, cgroups, mounts) is removed on exit,
# failures included. A capture is kept only if the scenario succeeded, no
# event was dropped and the secret check passed.
set -u

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$SRC/build}
OUT=${OUT:-$SRC/tests/captures}
REC=$BUILD/tests/scenario_rec
SCAPCLI=$BUILD/cli/scapcli
MAX_BYTES=65536
# Generic syscall events kept (the loader's mmap, brk, rt_sigaction... are not)
GENERIC=${GENERIC:-ftruncate,truncate}

# Fixed names, so that the captures are the same from one recording to the next.
WORK=/tmp/scapkit-scenario
DOCKER_ID=71749b8f848a3b081d2d54c364fbe6591856a2256218c7b54c4e47887adae8c5
CRI_ID=c6bfc945c4507001c60f777b1800a23aeeed06e72fcfc20492a89740ebf953c2
POD_UID=5ca9c1a0-0000-4000-8000-00000000cafe
CG_DOCKER=docker/$DOCKER_ID
# scenarios "on the host" run in a cgroup of their own too, so that the
# captures do not hold the recording machine's cgroup paths
CG_HOST=scapkit-scenario
CG_K8S=kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${POD_UID//-/_}.slice/cri-containerd-$CRI_ID.scope
ETC_FILE=/etc/scapkit-scenario.conf
LOG_FILE=/var/log/scapkit-scenario.log
SA_DIR=/var/run/secrets/kubernetes.io/serviceaccount
KUBELET_PEM=/var/lib/kubelet/pki/kubelet-client-current.pem

ALL="container_shell_tty container_shell_notty write_below_etc write_below_tmp read_shadow read_hostname
chmod_setuid chmod_644 mount_newns mount_container setns_unshare history_delete pkg_mgr_container
pkg_mgr_host log_truncate k8s_sa_token_read kubelet_cred"

describe() {
	case $1 in
	container_shell_tty) echo "bash -i with a terminal (script -qec) in a docker cgroup: id, ls $WORK" ;;
	container_shell_notty) echo "the same bash -i in the same docker cgroup, without a terminal" ;;
	write_below_etc) echo "sh creates $ETC_FILE for writing, then removes it" ;;
	write_below_tmp) echo "the same below $WORK (in /tmp)" ;;
	read_shadow) echo "dd and a copy of it named scapkit-peek open /etc/shadow for reading (count=0: no data read)" ;;
	read_hostname) echo "the same programs open /etc/hostname" ;;
	chmod_setuid) echo "chmod u+s and g+s (fchmodat), perl chmod 04755 (chmod) and fchmod 02755 on a temp file" ;;
	chmod_644) echo "the same calls with mode 0644" ;;
	mount_newns) echo "unshare -m, then mount -t tmpfs and umount in the new mount namespace" ;;
	mount_container) echo "the same from a docker cgroup (a mount in a privileged container)" ;;
	setns_unshare) echo "unshare -n true, unshare -u true, nsenter -t PID -m -u true into a process's namespaces" ;;
	history_delete) echo "bash truncates (: >), renames (mv) and deletes (rm) \$HOME/.bash_history" ;;
	pkg_mgr_container) echo "copies of /bin/true named apt-get, dpkg, yum, apk run in a docker cgroup" ;;
	pkg_mgr_host) echo "the same copies run outside any container cgroup" ;;
	log_truncate) echo "$LOG_FILE truncated with truncate -s0 and with : >, then removed" ;;
	k8s_sa_token_read) echo "cat of a dummy $SA_DIR/token in a kubepods cri-containerd cgroup" ;;
	kubelet_cred) echo "cat of a dummy $KUBELET_PEM in the same cgroup" ;;
	*) return 1 ;;
	esac
}

say() { printf '%s\n' "record-scenarios: $*"; }
die() { say "error: $*" >&2; exit 1; }

if [ "${1:-}" = --list ]; then
	for n in $ALL; do printf '%-22s %s\n' "$n" "$(describe "$n")"; done
	exit 0
fi

# ---- cgroups: the same path in every mounted hierarchy (v1 and v2) ----
CG_CREATED=() # directories created, parents first
CG_LEAVES=()

cg_mounts() {
	awk '$3 == "cgroup" || $3 == "cgroup2" { print $2 }' /proc/self/mounts
}

# cg_create REL: create REL in every hierarchy; the leaves go to CG_LEAVES,
# what did not exist before to CG_CREATED (and only that is removed).
cg_create() {
	local rel=$1 mnt dir part path parts
	CG_LEAVES=()
	IFS=/ read -ra parts <<<"$rel"
	for mnt in $(cg_mounts); do
		path=$mnt
		for part in "${parts[@]}"; do
			dir=$path/$part
			if [ ! -d "$dir" ]; then
				mkdir "$dir" || return 1
				CG_CREATED+=("$dir")
				# v1 cpuset: a new cgroup has no cpus or mems until given some
				if [ -f "$dir/cpuset.cpus" ]; then
					cat "$path/cpuset.cpus" >"$dir/cpuset.cpus"
					cat "$path/cpuset.mems" >"$dir/cpuset.mems"
				fi
				# v2: let the controllers of the parent reach the leaf
				if [ "$part" != "${parts[-1]}" ] && [ -f "$dir/cgroup.controllers" ]; then
					for c in $(cat "$dir/cgroup.controllers"); do
						echo "+$c" >"$dir/cgroup.subtree_control" 2>/dev/null
					done
				fi
			fi
			path=$dir
		done
		CG_LEAVES+=("$path")
	done
	[ ${#CG_LEAVES[@]} -gt 0 ]
}

cg_cleanup() {
	local i dir pid
	for ((i = ${#CG_CREATED[@]} - 1; i >= 0; i--)); do
		dir=${CG_CREATED[i]}
		[ -d "$dir" ] || continue
		for pid in $(cat "$dir/cgroup.procs" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
		rmdir "$dir" 2>/dev/null || { sleep 0.2; rmdir "$dir" 2>/dev/null; } ||
			say "warning: could not remove cgroup $dir"
	done
	CG_CREATED=()
}

# ---- per-scenario state, all removed by cleanup ----
CREATED_SECRETS=0
CREATED_KUBELET=0

cleanup() {
	while grep -q " $WORK/mnt " /proc/self/mounts 2>/dev/null; do umount "$WORK/mnt" || break; done
	cg_cleanup
	rm -f "$ETC_FILE" "$LOG_FILE"
	if [ "$CREATED_SECRETS" = 1 ]; then rm -rf /run/secrets; CREATED_SECRETS=0; fi
	if [ "$CREATED_KUBELET" = 1 ]; then rm -rf /var/lib/kubelet; CREATED_KUBELET=0; fi
	rm -rf "$WORK"
}
trap 'cleanup; rm -f "$WORK.log"' EXIT
trap 'exit 130' INT TERM

prepare_work() {
	cleanup
	mkdir -p "$WORK/home" "$WORK/bin" "$WORK/mnt" || return 1
	chmod 700 "$WORK"
}

# Sets CG (host, docker, k8s), SH (the runner shell) and BODY; runs the setup.
# Returns 2 to skip a scenario that cannot run safely here.
define() {
	CG=host SH=/bin/sh BODY=
	case $1 in
	container_shell_tty)
		CG=docker
		BODY="script -qec \"bash -i -c 'id; ls $WORK'\" /dev/null" ;;
	container_shell_notty)
		CG=docker
		BODY="bash -i -c 'id; ls $WORK'" ;;
	write_below_etc)
		[ -e "$ETC_FILE" ] && { say "skip: $ETC_FILE exists"; return 2; }
		BODY="echo scapkit > $ETC_FILE; rm -f $ETC_FILE" ;;
	write_below_tmp)
		BODY="echo scapkit > $WORK/scapkit-scenario.conf; rm -f $WORK/scapkit-scenario.conf" ;;
	read_shadow | read_hostname)
		local f=/etc/shadow
		[ "$1" = read_hostname ] && f=/etc/hostname
		cp /bin/dd "$WORK/bin/scapkit-peek" || return 1
		BODY="dd if=$f of=/dev/null count=0 status=none; $WORK/bin/scapkit-peek if=$f of=/dev/null count=0 status=none" ;;
	chmod_setuid | chmod_644)
		local a=u+s b=g+s m1=04755 m2=02755
		[ "$1" = chmod_644 ] && a=644 b=644 m1=0644 m2=0644
		BODY="f=$WORK/mode-file; : > \$f; chmod $a \$f; chmod $b \$f;
perl -e 'my \$f = shift; chmod($m1, \$f) or die; open(my \$h, \"<\", \$f) or die; chmod($m2, \$h) or die' \$f;
rm -f \$f" ;;
	mount_newns | mount_container)
		[ "$1" = mount_container ] && CG=docker
		BODY="unshare -m sh -c 'mount -t tmpfs none $WORK/mnt && umount $WORK/mnt'" ;;
	setns_unshare)
		BODY="unshare -n true; unshare -u true
unshare -m -u sh -c 'touch $WORK/ready; exec sleep 30' & t=\$!
while [ ! -e $WORK/ready ]; do sleep 0.05; done
nsenter -t \$t -m -u true; kill \$t; wait \$t; true" ;;
	history_delete)
		SH=/bin/bash
		printf 'ls\ncd /tmp\n' >"$WORK/home/.bash_history" || return 1
		BODY=": > ~/.bash_history; echo 'echo hi' >> ~/.bash_history
mv ~/.bash_history ~/.bash_history.old; mv ~/.bash_history.old ~/.bash_history
rm ~/.bash_history" ;;
	pkg_mgr_container | pkg_mgr_host)
		[ "$1" = pkg_mgr_container ] && CG=docker
		for n in apt-get dpkg yum apk; do cp /bin/true "$WORK/bin/$n" || return 1; done
		BODY="PATH=$WORK/bin:\$PATH; apt-get install -y curl; dpkg -i curl.deb; yum install -y curl; apk add curl" ;;
	log_truncate)
		[ -e "$LOG_FILE" ] && { say "skip: $LOG_FILE exists"; return 2; }
		printf 'scapkit scenario log line\n' >"$LOG_FILE" || return 1
		BODY="truncate -s0 $LOG_FILE; echo again >> $LOG_FILE; : > $LOG_FILE; rm -f $LOG_FILE" ;;
	k8s_sa_token_read)
		CG=k8s
		# never touch a real service account: only on a machine without one
		[ -e /run/secrets ] && { say "skip: /run/secrets exists here"; return 2; }
		CREATED_SECRETS=1
		mkdir -p "$SA_DIR" || return 1
		echo "scapkit-dummy-token-not-a-secret" >"$SA_DIR/token"
		echo "default" >"$SA_DIR/namespace"
		BODY="cat $SA_DIR/token > /dev/null; cat $SA_DIR/namespace > /dev/null" ;;
	kubelet_cred)
		CG=k8s
		[ -e /var/lib/kubelet ] && { say "skip: /var/lib/kubelet exists here"; return 2; }
		CREATED_KUBELET=1
		mkdir -p "$(dirname "$KUBELET_PEM")" || return 1
		echo "scapkit dummy kubelet credential, not a key" >"$KUBELET_PEM"
		BODY="cat $KUBELET_PEM > /dev/null" ;;
	*) die "unknown scenario '$1' (--list)" ;;
	esac
}

# Nothing of this machine or of the person recording may be in a capture.
secret_check() {
	local file=$1 text bad=0 v name
	text=$("$SCAPCLI" -r "$file" -s 4096) || { say "$file: unreadable"; return 1; }
	# password hashes (shadow), private keys
	if grep -qE '\$(1|2[aby]?|5|6|7|y|gy)\$[./A-Za-z0-9]{4,}' <<<"$text"; then
		say "$file: looks like a password hash"; bad=1
	fi
	if grep -qE 'PRIVATE KEY|BEGIN CERTIFICATE' <<<"$text"; then say "$file: key material"; bad=1; fi
	# environments: only the runner's minimal variables (and what shells add)
	while read -r name; do
		case $name in
		PATH | HOME | TERM | LANG | PWD | OLDPWD | SHLVL | _ | LINES | COLUMNS) ;;
		*) say "$file: unexpected environment variable $name"; bad=1 ;;
		esac
	done < <(grep -o ' env=[^ ]*' <<<"$text" | sed 's/^ env=//; s/\\0/\n/g' | sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=.*/\1/p' | sort -u)
	# cgroups: only the scenario's own (or a hierarchy's root), never this machine's
	while read -r v; do
		case $v in
		/ | "/$CG_HOST" | /docker/* | /kubepods.slice/*) ;;
		*) say "$file: a cgroup that is not the scenario's: $v"; bad=1 ;;
		esac
	done < <(grep -o ' cgroups=[^ ]*' <<<"$text" | sed 's/^ cgroups=//; s/\\0/\n/g' | sed -n 's/^[^=]*=//p' | sort -u)
	# values of the recorder's own sensitive-looking variables
	while IFS='=' read -r name v; do
		case $name in *TOKEN* | *SECRET* | *PASS* | *KEY* | *AUTH* | *CRED* | *COOKIE*) ;; *) continue ;; esac
		[ ${#v} -ge 6 ] && grep -qF -- "$v" <<<"$text" && { say "$file: holds the value of \$$name"; bad=1; }
	done < <(env)
	# the recording user's name and home (root's are generic)
	for v in "${SUDO_USER:-}" "$(id -un)"; do
		[ -n "$v" ] && [ "$v" != root ] && grep -qw -- "$v" <<<"$text" && { say "$file: names user $v"; bad=1; }
	done
	return $bad
}

record() {
	local name=$1 out=$OUT/$1.scap log=$WORK.log rc dirs=() d
	say "== $name: $(describe "$name")"
	prepare_work || die "cannot prepare $WORK"
	define "$name"
	rc=$?
	[ $rc = 2 ] && { cleanup; return 0; }
	[ $rc = 0 ] || die "$name: setup failed"
	local rel=$CG_HOST
	case $CG in
	docker) rel=$CG_DOCKER ;;
	k8s) rel=$CG_K8S ;;
	esac
	cg_create "$rel" || { cleanup; die "$name: cannot create the cgroup $rel"; }
	dirs=("${CG_LEAVES[@]}")
	local args=(-o "$out" --home "$WORK/home" --cwd "$WORK" --log "$log" --timeout 30 --generic "$GENERIC")
	for d in "${dirs[@]}"; do args+=(--cgroup "$d"); done
	say "runs: $SH -c \"$BODY\" in cgroup /$rel"
	: >"$log"
	"$REC" "${args[@]}" -- "$SH" -c "$BODY" 2>&1 | sed 's/^/  /'
	rc=${PIPESTATUS[0]}
	if [ "$rc" = 3 ]; then
		say "$name: events dropped, recording again"
		"$REC" "${args[@]}" -- "$SH" -c "$BODY" 2>&1 | sed 's/^/  /'
		rc=${PIPESTATUS[0]}
	fi
	if [ "$rc" != 0 ]; then
		say "$name: FAILED (exit $rc); the scenario's output:"
		sed 's/^/  | /' "$log"
		cleanup
		return 1
	fi
	cleanup
	if ! secret_check "$out"; then
		rm -f "$out"
		say "$name: FAILED the secret check: capture removed"
		return 1
	fi
	local size
	size=$(stat -c %s "$out")
	[ "$size" -lt $MAX_BYTES ] || say "warning: $out is $size bytes (tests want < $MAX_BYTES)"
	say "wrote $out ($size bytes)"
}

[ "$(id -u)" = 0 ] || die "needs root (the bpf engine, cgroups, mounts)"
[ -r /sys/kernel/btf/vmlinux ] || die "needs kernel BTF (/sys/kernel/btf/vmlinux)"
command -v ninja >/dev/null && ninja -C "$BUILD" tests/scenario_rec cli/scapcli >/dev/null
[ -x "$REC" ] && [ -x "$SCAPCLI" ] || die "build first: ninja -C $BUILD"
for t in script unshare nsenter perl truncate dd; do
	command -v $t >/dev/null || die "needs $t"
done
mkdir -p "$OUT"

names=${*:-$ALL}
failed=0
for n in $names; do describe "$n" >/dev/null || die "unknown scenario '$n' (--list)"; done
for n in $names; do record "$n" || failed=$((failed + 1)); done
say "done: $(echo $names | wc -w) scenarios, $failed failed; files in $OUT:"
for n in $names; do
	[ -f "$OUT/$n.scap" ] && printf '  %-26s %6s bytes %5s events\n' "$n.scap" "$(stat -c %s "$OUT/$n.scap")" \
		"$("$SCAPCLI" -r "$OUT/$n.scap" -q --stats 2>&1 | awk '$1 == "events:" { print $2 }')"
done
[ $failed = 0 ]

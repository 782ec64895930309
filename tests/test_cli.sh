#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scapcli end to end: output lines, -n, -F, --stats, exit statuses.
set -u
cli=$1
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
export TZ=UTC
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$cli" --version | grep -q '^scapcli 0\.' && ok || ko "--version"
"$cli" -h | grep -q 'usage: scapcli' && ok || ko "-h"
"$cli" >/dev/null 2>&1; [ $? -eq 2 ] && ok || ko "no args must exit 2"
"$cli" -r x -n abc >/dev/null 2>&1; [ $? -eq 2 ] && ok || ko "bad -n must exit 2"
"$cli" -r /nonexistent.scap 2>"$tmp/err"; [ $? -eq 1 ] && ok || ko "missing file must exit 1"
grep -q "cannot open '/nonexistent.scap'" "$tmp/err" && ok || ko "missing file message"
printf 'not a capture at all' >"$tmp/bad.scap"
"$cli" -r "$tmp/bad.scap" 2>"$tmp/err"; [ $? -eq 1 ] && ok || ko "bad magic must exit 1"
grep -q "offset 0" "$tmp/err" && ok || ko "bad magic message names the offset"

# filters: compiled form, errors with a caret, field listing
[ "$("$cli" --explain-filter 'evt.type=open and not (evt.cpu>1 or evt.dir=<)')" = \
  '(and (= evt.type "open") (not (or (> evt.cpu 1) (= evt.dir "<"))))' ] && ok || ko "--explain-filter"
"$cli" --explain-filter 'evt.type=open and evt.nosuch=1' 2>"$tmp/err"; [ $? -eq 2 ] && ok || ko "bad filter exits 2"
grep -q "column 19: unknown field 'evt.nosuch'" "$tmp/err" && ok || ko "filter error column"
[ "$(sed -n 3p "$tmp/err")" = '                  ^' ] && ok || ko "filter error caret"
"$cli" --list-fields | grep -q '^evt.type  *string ' && ok || ko "--list-fields"
"$cli" --list-fields=markdown | grep -q '^| `evt.arg\[ARG\]` | string |' && ok || ko "--list-fields=markdown"
"$cli" --list-fields=markdown | grep -q "^| \`evt.dir\` | string | '&gt;' for enter" && ok || ko "markdown escapes <>"
# README's field table is the code's (scripts/readme-fields.sh writes it)
if [ -r "${SCAPKIT_SOURCE_DIR:-}/README.md" ]; then
	"$cli" --list-fields=markdown >"$tmp/fields.md"
	awk '/^<!-- fields:end/ { p = 0 } p { print } /^<!-- fields:begin/ { p = 1 }' "$SCAPKIT_SOURCE_DIR/README.md" |
		cmp -s - "$tmp/fields.md" && ok || ko "README's field table differs from --list-fields=markdown (run scripts/readme-fields.sh)"
	[ "$(grep -c '^| `' "$tmp/fields.md")" -ge 350 ] && ok || ko "fewer than 350 fields listed"
else
	ko "SCAPKIT_SOURCE_DIR/README.md not readable: the field table cannot be checked"
fi

# live capture: usage errors, then the bpf engine for real (root, BTF)
"$cli" -r x --duration 1 >/dev/null 2>&1; [ $? -eq 2 ] && ok || ko "--duration without -e exits 2"
"$cli" -e bpf -r x >/dev/null 2>&1; [ $? -eq 2 ] && ok || ko "-e with -r exits 2"
"$cli" -e bpf --duration abc >/dev/null 2>&1; [ $? -eq 2 ] && ok || ko "bad --duration exits 2"
"$cli" -e nosuch -n 1 2>"$tmp/err"; [ $? -eq 1 ] && grep -q "nosuch" "$tmp/err" && ok || ko "unknown engine"
if ! "$cli" -e bpf -n 1 -q 2>"$tmp/err"; then
	echo "SKIP: cli live capture: $(head -n1 "$tmp/err")"
else
	# A capture is live once it shows a marker exec: the marker runs until
	# every capture shows it (deadline 60 s). scapcli prints no readiness
	# message, and its stdout is block-buffered: the marker's 3 KB of
	# arguments fill the buffer (and the -w file's) within a few runs.
	pad=$(printf '%3000s' '' | tr ' ' x)
	live_wait() { # TAG FILE...: a text output of '%proc.name %proc.args', or a .scap
		tag=$1
		shift
		end=$(($(date +%s) + 60))
		while :; do
			/bin/true "$tag" "$pad"
			all=1
			for f in "$@"; do
				case $f in
				*.scap) "$cli" -r "$f" -F 'evt.type=execve' -p '%proc.args' 2>/dev/null | grep -q "^$tag " || all=0 ;;
				*) grep -q "^true $tag " "$f" 2>/dev/null || all=0 ;;
				esac
			done
			[ $all -eq 1 ] && return 0
			[ "$(date +%s)" -lt "$end" ] || return 1
			sleep 0.1 # poll interval, within the loop's deadline
		done
	}
	# a marker exec, seen by a filtered live capture, also written with -w
	uniq="scapcli-live-$$"
	"$cli" -e bpf -F "evt.type=execve and proc.name=true" -p '%proc.name %proc.args' >"$tmp/live" 2>"$tmp/err" &
	p1=$!
	"$cli" -e bpf -F "proc.name=true" -w "$tmp/live.scap" 2>/dev/null &
	p2=$!
	live_wait "$uniq-ready" "$tmp/live" "$tmp/live.scap" && ok || ko "live: no marker within 60 s"
	/bin/true "$uniq" a b
	live_wait "$uniq-end" "$tmp/live" "$tmp/live.scap" && ok || ko "live: no end marker within 60 s"
	kill -INT $p1 $p2
	wait $p1 && wait $p2 && ok || ko "live: exit status after SIGINT"
	grep -q "^true $uniq a b$" "$tmp/live" && ok || { ko "live execve"; tail -c 2000 "$tmp/live"; cat "$tmp/err"; }
	grep -q '^drops: 0 (buffer full 0, too large 0, probe 0)$' "$tmp/err" && ok || { ko "live drops line"; cat "$tmp/err"; }
	"$cli" -r "$tmp/live.scap" -F "evt.type=execve" -p '%proc.name %proc.args' | grep -q "^true $uniq a b$" && ok ||
		ko "live -w capture read back"
	# --duration stops a live capture by itself
	"$cli" -e bpf -q --duration 0.5 2>"$tmp/err" && grep -q '^drops: ' "$tmp/err" && ok || ko "--duration 0.5"
	# Ctrl-C stops cleanly, with exit status 0 and the counters
	"$cli" -e bpf --stats -F "evt.type=execve and proc.name=true" -p '%proc.name %proc.args' >"$tmp/live2" 2>"$tmp/err" &
	pid=$!
	live_wait "$uniq-sigint" "$tmp/live2" && ok || ko "SIGINT: no marker within 60 s"
	kill -INT $pid
	wait $pid && ok || ko "SIGINT: exit status"
	grep -q '^events: [1-9]' "$tmp/err" && grep -q '^drops: ' "$tmp/err" && ok || { ko "SIGINT: stats"; cat "$tmp/err"; }
fi

cap="${SCAP_SHARED_DIR:-}/captures"
if [ ! -d "$cap" ]; then
	echo "SKIP: cli corpus checks: $cap not found"
else
	# the curl capture's execve exit, decoded (expected/libs_curl_google.execve.jsonl)
	"$cli" -r "$cap/libs_curl_google.scap" -F evt.type=execve >"$tmp/out" 2>"$tmp/err" && ok || ko "execve run"
	grep -q '^211 [0-9:.]* [0-9]* [^ ]* (17497) < execve res=0 exe=curl args=-6\\0http://www.google.com\\0 ' "$tmp/out" &&
		ok || { ko "execve line"; cat "$tmp/out"; }
	# connect< tuple (scap-format.md §10.2)
	"$cli" -r "$cap/falco_connect_localhost.scap" -F 'evt.type = connect' >"$tmp/out" && ok || ko "connect run"
	grep -q '< connect res=-115(EINPROGRESS) tuple=127.0.0.1:47192->127.0.0.1:80$' "$tmp/out" && ok || { ko "connect line"; cat "$tmp/out"; }
	[ "$(wc -l <"$tmp/out")" -eq 2 ] && ok || ko "connect: 2 events"
	"$cli" -r "$cap/libs_sample.scap" -F 'proc.nme=bash' 2>"$tmp/err"; [ $? -eq 2 ] && ok || ko "unknown field must exit 2"
	"$cli" -r "$cap/libs_sample.scap" -F 'evt.type=nosuch' 2>"$tmp/err"; [ $? -eq 2 ] && ok || ko "unknown type must exit 2"
	"$cli" -r "$cap/libs_sample.scap" -p '%proc.nme' 2>"$tmp/err"; [ $? -eq 2 ] && ok || ko "bad -p must exit 2"
	# state fields and -p (scap-format.md §10.2; expected/libs_curl_google.*)
	[ "$("$cli" -r "$cap/falco_connect_localhost.scap" -F 'evt.type=connect and evt.dir=<' \
	    -p '%fd.num %fd.name %fd.lport %fd.rport %fd.l4proto %fd.is_server')" = \
	  "4 127.0.0.1:47192->127.0.0.1:80 47192 80 tcp true" ] && ok || ko "-p fd fields"
	[ "$("$cli" -r "$cap/libs_curl_google.scap" -F 'proc.name=curl and evt.type=execve' -p '%proc.cmdline|%proc.pname|%proc.cwd')" = \
	  "curl -6 http://www.google.com|bash|" ] && ok || ko "-p proc fields" # cwd: unknown before its execve, as upstream
	# rules: alerts (text, JSON with Falco's keys), priority threshold, validation
	rules="$(dirname "$0")/rules"
	n_alerts=$("$cli" -r "$cap/falco_open-multiple-files.scap" -R "$rules/cli.yaml" | grep -c ': Warning File below /tmp')
	n_opens=$("$cli" -r "$cap/falco_open-multiple-files.scap" -F 'evt.type=open and evt.dir=< and fd.name startswith /tmp/' -p x | wc -l)
	[ "$n_alerts" -eq "$n_opens" ] && [ "$n_opens" -gt 0 ] && ok || ko "rules alerts: $n_alerts, opens $n_opens"
	"$cli" -r "$cap/falco_open-multiple-files.scap" -R "$rules/cli.yaml" -j -n 1 | python3 -c '
import json, sys
a = json.loads(sys.stdin.readline())
assert a["rule"] == "Read tmp file" and a["priority"] == "Warning" and a["source"] == "syscall", a
assert a["output_fields"]["fd.name"] == "/tmp/file-1" and a["output_fields"]["proc.name"] == "python", a
assert a["tags"] == ["filesystem", "test"] and a["hostname"] == "ubuntu", a
assert a["time"] == "2017-02-04T01:22:15.286801004Z", a' && ok || ko "-j alert"
	[ "$("$cli" -r "$cap/falco_open-multiple-files.scap" -R "$rules/cli.yaml" --min-priority error | wc -l)" -eq 0 ] && ok || ko "--min-priority"
	# Falco's suggested container fields end every alert (here a host
	# process), unless turned off; -U changes nothing but the buffering
	"$cli" -r "$cap/falco_open-multiple-files.scap" -R "$rules/cli.yaml" -n 1 >"$tmp/out"
	grep -q 'container=host) container_id=host container_name=host container_image_repository=<NA> container_image_tag=<NA> k8s_pod_name=<NA> k8s_ns_name=<NA>$' "$tmp/out" &&
		ok || { ko "suggested output fields"; cat "$tmp/out"; }
	"$cli" -r "$cap/falco_open-multiple-files.scap" -R "$rules/cli.yaml" -n 1 --no-suggested-output | grep -q 'container_id=' &&
		ko "--no-suggested-output" || ok
	"$cli" -r "$cap/falco_open-multiple-files.scap" -R "$rules/cli.yaml" -n 1 -U | cmp -s - "$tmp/out" && ok || ko "-U output"
	"$cli" -V "$rules/cli.yaml" 2>/dev/null && ok || ko "-V good file"
	"$cli" -V "$rules/cli_bad.yaml" 2>"$tmp/err"; [ $? -eq 1 ] && ok || ko "-V bad file exits 1"
	grep -q "cli_bad.yaml:3:32: error: LOAD_ERR_COMPILE_CONDITION: rule 'x': unknown field 'proc.nme'" "$tmp/err" && ok || { ko "-V message"; cat "$tmp/err"; }
	"$cli" --list-rules -R "$rules/cli.yaml" | grep -q '^Never  *Debug' && ok || ko "--list-rules"
	# rule selection by name or tag
	"$cli" --list-rules -R "$rules/cli.yaml" -D filesystem | grep -q '^Read tmp file .*(disabled)$' && ok || ko "-D tag"
	"$cli" --list-rules -R "$rules/cli.yaml" -D 'Read tmp file' --enable test | grep -q '^Read tmp file .*Warning *$' &&
		ok || ko "-D then --enable, in order"
	"$cli" --list-rules -R "$rules/cli.yaml" -D nosuch 2>"$tmp/err"; [ $? -eq 1 ] && ok || ko "-D unknown exits 1"
	grep -q -- "--disable nosuch: no rule or tag" "$tmp/err" && ok || ko "-D unknown message"
	[ "$("$cli" -r "$cap/falco_open-multiple-files.scap" -R "$rules/cli.yaml" -D 'Read tmp file' | wc -l)" -eq 0 ] &&
		ok || ko "-D silences the rule"
	# --rule-matching: by default the first matching rule in load order alerts, or all of them
	own="$(dirname "$0")/captures/read_shadow.scap" par="$rules/parity/match_order.yaml"
	"$cli" -r "$own" -R "$par" >"$tmp/out" && [ "$(wc -l <"$tmp/out")" -eq 5 ] &&
		[ "$(grep -c ': Warning shadow ' "$tmp/out")" -eq 2 ] && ok || ko "--rule-matching first (default)"
	[ "$("$cli" -r "$own" -R "$par" --rule-matching all | wc -l)" -eq 7 ] && ok || ko "--rule-matching all"
	"$cli" -r "$own" -R "$par" --rule-matching some 2>"$tmp/err"; [ $? -eq 2 ] &&
		grep -q "is not first or all" "$tmp/err" && ok || ko "bad --rule-matching exits 2"
	# a compound filter: the failed connects of the curl capture
	[ "$("$cli" -r "$cap/libs_curl_google.scap" -F 'evt.type=connect and evt.rawres < 0' | cut -d' ' -f1 | tr '\n' ' ')" = \
	  "1057 1063 1273 " ] && ok || ko "compound -F"
	# -n and numbering
	"$cli" -r "$cap/libs_sample.scap" -n 3 >"$tmp/out" && ok || ko "-n run"
	[ "$(wc -l <"$tmp/out")" -eq 3 ] && ok || ko "-n 3 prints 3 lines"
	head -n1 "$tmp/out" | grep -q '^1 15:14:22.753607000 0 <NA> (-1) > useradded uid=' && ok || { ko "first line"; head -n1 "$tmp/out"; }
	# --stats counts every event and type (expected.json)
	"$cli" -r "$cap/libs_sample.scap" -q --stats 2>"$tmp/err" >/dev/null && ok || ko "--stats run"
	grep -q '^events: 572$' "$tmp/err" && ok || ko "--stats events"
	grep -q '^ *228  switch > (152)$' "$tmp/err" && ok || { ko "--stats per type"; cat "$tmp/err"; }
	# every shared capture prints every event
	for f in "$cap"/*.scap; do
		n=$("$cli" -r "$f" | wc -l)
		want=$(python3 -c "import json,sys; print(json.load(open('$cap/expected.json'))['$(basename "$f")']['event_count'])")
		[ "$n" -eq "$want" ] && ok || ko "$(basename "$f"): $n lines, $want expected"
	done
fi
echo "cli: $pass passed, $fail failed"
[ $fail -eq 0 ]

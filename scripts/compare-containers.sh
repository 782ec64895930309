#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Compares, event by event, the container fields scapcli prints for a
# capture with those the reference libsinsp prints for the same capture.
#   scripts/compare-containers.sh CAPTURE [REF_SINSP_EXAMPLE]
# The reference is falcosecurity/libs' `sinsp-example`, built elsewhere from
# a commit that still has container support (see the README): this script
# only runs it, it never builds or fetches it. Its path is the second
# argument, else $SINSP_EXAMPLE.
# Environment: SCAPCLI (default build/cli/scapcli of this checkout),
# SINSP_EXAMPLE, FILTER (a condition both sides apply, e.g. the events of
# processes that exec'd: 'evt.type = execve and evt.dir = <'), FIELDS (the fields compared, space separated; default the
# container.* and k8s.* fields below), SHOW (differences shown per field,
# default 5), KEEP (a directory: keep both raw outputs there).
# Each side prints, for every event, evt.num, evt.rawtime, thread.tid,
# evt.dir, evt.type, proc.pid and FIELDS. The events are aligned by
# (evt.rawtime, evt.dir, evt.type, occurrence), then the rest by
# (evt.rawtime, evt.dir, occurrence) (the type names of generic syscall
# events differ): the two may number their events differently (meta events),
# so evt.num is shown, not used. thread.tid, proc.pid and evt.type are
# compared too, as context: they do not count in the exit status.
# Prints per field "FIELD: N/M agree" over the M aligned events, the first
# differences with both values, and the events only one side printed.
# Exit: 0 every field agrees on every aligned event, 1 otherwise (or when
# scapcli does not know a field), 77 no reference binary, 2 usage/errors.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "compare-containers: $*" >&2; exit 2; }
if [ $# -lt 1 ] || [ $# -gt 2 ]; then die "usage: $0 CAPTURE [REF_SINSP_EXAMPLE]"; fi
cap=$1
ref=${2:-${SINSP_EXAMPLE:-}}
scapcli=${SCAPCLI:-$here/build/cli/scapcli}
show=${SHOW:-5}
fields=${FIELDS:-container.id container.name container.image container.image.repository container.image.tag container.image.id container.type container.privileged container.mounts k8s.pod.name k8s.ns.name}

[ -r "$cap" ] || die "cannot read capture $cap"
if [ -z "$ref" ]; then
	echo "SKIP: no reference binary: give the path of falcosecurity/libs' sinsp-example as second argument or in SINSP_EXAMPLE" >&2
	exit 77
fi
if [ ! -x "$ref" ]; then
	echo "SKIP: reference binary '$ref' not found or not executable" >&2
	exit 77
fi
[ -x "$scapcli" ] || die "scapcli not found at $scapcli (set SCAPCLI or build it: meson setup build && ninja -C build)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/compare-containers.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' INT TERM HUP

# The fields scapcli knows: an unknown one is reported, not printed.
"$scapcli" --list-fields >"$tmp/ours.fields" 2>&1 || die "$scapcli --list-fields failed"
known=
missing=
for f in $fields; do
	if awk -v f="$f" '$1 == f { found = 1 } END { exit !found }' "$tmp/ours.fields"; then
		known="$known $f"
	else
		missing="$missing $f"
	fi
done

# One line per event: a marker (the reference prints progress lines on
# stdout too), then tab separated values. A value that has a tab or a
# newline would break the line: none of these fields should.
tab=$(printf '\t')
hdr="@@CC${tab}%evt.num${tab}%evt.rawtime${tab}%thread.tid${tab}%evt.dir${tab}%evt.type${tab}%proc.pid"
fours=$hdr
frefs=$hdr
for f in $fields; do
	frefs="$frefs$tab%$f"
	case " $known " in
	*" $f "*) fours="$fours$tab%$f" ;;
	*) fours="$fours$tab<unsupported>" ;;
	esac
done

if [ -n "${FILTER:-}" ]; then
	"$scapcli" -r "$cap" -F "$FILTER" -p "$fours" >"$tmp/ours.raw" 2>"$tmp/ours.err"
else
	"$scapcli" -r "$cap" -p "$fours" >"$tmp/ours.raw" 2>"$tmp/ours.err"
fi
rc=$?
[ $rc -eq 0 ] || die "scapcli failed (exit $rc): $(head -c 400 "$tmp/ours.err")"
# -a: every thread, not only main threads; '*': print <NA> for missing
# values instead of dropping the line.
if [ -n "${FILTER:-}" ]; then
	"$ref" -a -s "$cap" -f "$FILTER" -o "*$frefs" >"$tmp/ref.raw" 2>"$tmp/ref.err"
else
	"$ref" -a -s "$cap" -o "*$frefs" >"$tmp/ref.raw" 2>"$tmp/ref.err"
fi
rc=$?
[ $rc -eq 0 ] || die "reference failed (exit $rc): $(head -c 400 "$tmp/ref.err")"
if [ -n "${KEEP:-}" ]; then
	mkdir -p "$KEEP" && cp "$tmp/ours.raw" "$KEEP/scapcli.out" && cp "$tmp/ref.raw" "$KEEP/reference.out"
fi
grep -c '^@@CC' "$tmp/ref.raw" >/dev/null || die "the reference printed no event (see $ref's output: $(head -c 400 "$tmp/ref.raw"))"

echo "capture: $cap"
echo "scapcli: $scapcli"
echo "reference: $ref"
[ -z "$missing" ] || echo "not in scapcli's field list (counted as disagreeing):$missing"
# The reference reports the events it cannot parse on stdout, and skips them.
grep '^\[ERROR\]' "$tmp/ref.raw" | sort | uniq -c | sort -rn | head -n "$show" |
	sed 's/^ */reference error, times: /'

awk -F "$tab" -v fields="$fields" -v show="$show" '
function key(   k) {
	# rawtime, dir, type; the occurrence makes repeated keys distinct.
	# Not the tid: the two may print a thread-less event'"'"'s differently.
	k = $3 SUBSEP $5 SUBSEP $6
	return k SUBSEP (++occ[FILENAME, k])
}
function report(i, title,   j) {
	printf "%s: %d/%d agree\n", title, agree[i], m
	for (j = 1; j <= ndiff[i] && j <= show; j++) print ex[i, j]
	if (ndiff[i] > show) printf "    ... %d more\n", ndiff[i] - show
	if (npairs[i] > 1 || ndiff[i] > show) {
		printf "    distinct differences: %d\n", npairs[i]
		for (j = 1; j <= npairs[i] && j <= show; j++) {
			split(pair[i, j], pv, SUBSEP)
			printf "      %6d x scapcli=\"%s\" ref=\"%s\"\n", pairn[i, pair[i, j]], pv[1], pv[2]
		}
		if (npairs[i] > show) printf "      ... %d more\n", npairs[i] - show
	}
}
BEGIN {
	# columns: 1 marker, 2 evt.num, 3 evt.rawtime, 4 thread.tid, 5 evt.dir,
	# 6 evt.type, 7 proc.pid, 8... the fields compared
	nf = split(fields, f, " ")
	ncol = 0
	col[++ncol] = 4; name[ncol] = "thread.tid"
	col[++ncol] = 7; name[ncol] = "proc.pid"
	nctx = ncol
	for (i = 1; i <= nf; i++) { col[++ncol] = 7 + i; name[ncol] = f[i] }
}
$1 != "@@CC" { next }
FNR == NR {
	k = key()
	nref++
	refline[k] = $0
	reforder[nref] = k
	next
}
{
	k = key()
	nours++
	if (!(k in refline)) {
		# stage 2 (in END): the events the exact key left, by
		# (rawtime, dir, occurrence): the type names may differ
		left[++nleft] = $0
		next
	}
	matched[k] = 1
	compare(refline[k])
}
function compare(rl,   i, a, b) {
	m++
	split(rl, r, FS)
	for (i = 1; i <= ncol; i++) {
		a = $(col[i]); b = r[col[i]]
		if (a == b) { agree[i]++; continue }
		ndiff[i]++
		if (!((i, a SUBSEP b) in pairn)) pair[i, ++npairs[i]] = a SUBSEP b
		pairn[i, a SUBSEP b]++
		if (ndiff[i] <= show)
			ex[i, ndiff[i]] = sprintf("    scapcli #%s / ref #%s ts=%s tid=%s/%s pid=%s/%s %s %s: scapcli=\"%s\" ref=\"%s\"", \
			    $2, r[2], $3, $4, r[4], $7, r[7], $5, $6, a, b)
	}
}
END {
	for (j = 1; j <= nref; j++)
		if (!(reforder[j] in matched)) {
			split(refline[reforder[j]], r, FS)
			k2 = r[3] SUBSEP r[5]
			k2 = k2 SUBSEP (++occ2r[k2])
			ref2[k2] = refline[reforder[j]]
			ref2order[++nref2] = k2
		}
	for (j = 1; j <= nleft; j++) {
		$0 = left[j]
		k2 = $3 SUBSEP $5
		k2 = k2 SUBSEP (++occ2o[k2])
		if (k2 in ref2) {
			matched2[k2] = 1
			split(ref2[k2], r, FS)
			typediff++
			if (typediff <= show)
				typediff_ex[typediff] = sprintf("    scapcli #%s / ref #%s ts=%s tid=%s/%s %s: scapcli=\"%s\" ref=\"%s\"", \
				    $2, r[2], $3, $4, r[4], $5, $6, r[6])
			compare(ref2[k2])
			continue
		}
		onlyours++
		if (onlyours <= show)
			onlyours_ex[onlyours] = "#" $2 " ts=" $3 " tid=" $4 " " $5 " " $6
	}
	for (j = 1; j <= nref2; j++)
		if (!(ref2order[j] in matched2)) {
			onlyref++
			if (onlyref <= show) {
				split(ref2[ref2order[j]], r, FS)
				onlyref_ex[onlyref] = "#" r[2] " ts=" r[3] " tid=" r[4] " " r[5] " " r[6]
			}
		}
	printf "events: scapcli %d, reference %d, aligned %d, only in scapcli %d, only in reference %d\n", \
	    nours, nref, m, onlyours, onlyref
	bad = 0
	for (i = nctx + 1; i <= ncol; i++) {
		report(i, name[i])
		if (ndiff[i] > 0) bad = 1
	}
	print "context (not counted in the exit status):"
	for (i = 1; i <= nctx; i++) report(i, "  " name[i])
	printf "  evt.type: %d/%d agree\n", m - typediff, m
	for (j = 1; j <= typediff && j <= show; j++) print typediff_ex[j]
	if (typediff > show) printf "    ... %d more\n", typediff - show
	if (onlyours > 0) {
		print "only in scapcli (first " (onlyours < show ? onlyours : show) "; the reference consumes the leading container/user/group"
		print "  meta events while opening the capture without returning them, and skips the events it reports as [ERROR]):"
		for (j = 1; j <= onlyours && j <= show; j++) print "    " onlyours_ex[j]
	}
	if (onlyref > 0) {
		print "only in reference (first " (onlyref < show ? onlyref : show) "):"
		for (j = 1; j <= onlyref && j <= show; j++) print "    " onlyref_ex[j]
	}
	if (m == 0) { print "no event aligned"; bad = 1 }
	print (bad ? "RESULT: DIFFER" : "RESULT: AGREE")
	exit bad
}
' "$tmp/ref.raw" "$tmp/ours.raw"
rc=$?
[ -z "$missing" ] || rc=1
exit $rc

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Compares, event by event, field values scapcli prints for a capture with
those the reference libsinsp prints for the same capture.

  scripts/compare-fields.py CAPTURE [REF_SINSP_EXAMPLE]

The reference is falcosecurity/libs' `sinsp-example`, built elsewhere (see the
README): this script only runs it, it never builds or fetches it. Its path is
the second argument, else $SINSP_EXAMPLE. Build it from the libs commit the
event schema comes from (48dfd53c, ../shared/docs/scap-format.md): older
ones do not understand the exit-only events scapkit's engines write.

Environment:
  SCAPCLI    scapcli binary (default build/cli/scapcli of this checkout)
  SINSP_EXAMPLE  the reference binary
  FIELDS     the fields compared, space separated (default: the state fields
             below: proc.*, thread.*, fd.*, user.*, group.*)
  DIRS       '<' (default): exit events only; '>' enter events; 'all'
  FILTER     a condition both sides apply (e.g. 'evt.type = execve')
  SHOW       differences shown per field (default 5)
  KEEP       a directory: keep both raw outputs there
  MIN_AGREE  the exit status is 0 when every field agrees on at least this
             percentage of the aligned events (default 100)
  SUMMARY    a file: append one line per field "CAPTURE FIELD N M"
  REF_NOFD   'skip': leave out of the fd.* fields the events on which the
             reference has no fd (fd.num -1) while scapcli has one (older
             references, e.g. libs f52bcc383, find the fd of an exit event
             without its enter event only for read, write, pread, pwrite,
             bind and listen). Counted and printed. Default: compared like
             the others.

Each side prints, for every event, evt.num, evt.rawtime, thread.tid, evt.dir,
evt.type, proc.pid and FIELDS. The events are aligned by (evt.rawtime,
evt.dir, evt.type, occurrence), then the rest by (evt.rawtime, evt.dir,
occurrence) (the type names of generic syscall events differ): the two may
number their events differently (meta events), so evt.num is shown, not used.
thread.tid, proc.pid and evt.type are compared too, as context: they do not
count in the exit status.

Prints per field "FIELD: N/M agree (P%)" over the M aligned events, the first
differences with both values, and the events only one side printed.
Exit: 0 every field agrees (MIN_AGREE), 1 otherwise (or when scapcli does not
know a field), 77 no reference binary, 2 usage/errors.
"""
import os
import shutil
import subprocess
import sys
import tempfile
from collections import OrderedDict, defaultdict

STATE_FIELDS = (
    "proc.pid proc.ppid proc.vpid proc.name proc.exe proc.exepath proc.cmdline proc.args proc.cwd "
    "proc.tty proc.sid proc.vpgid proc.pname proc.pexe proc.pcmdline proc.is_vpgid_leader "
    "proc.is_sid_leader thread.tid thread.vtid thread.ismain "
    "fd.num fd.type fd.typechar fd.name fd.directory fd.filename fd.sip fd.cip fd.sport fd.cport "
    "fd.lip fd.rip fd.lport fd.rport fd.l4proto fd.sockfamily fd.is_server fd.ino "
    "user.uid user.name user.loginuid user.loginname group.gid group.name"
)
MARK = "@@CF"


def die(msg):
    print("compare-fields: " + msg, file=sys.stderr)
    sys.exit(2)


def run(argv, out, err):
    with open(out, "wb") as o, open(err, "wb") as e:
        return subprocess.call(argv, stdout=o, stderr=e)


def rows(path, nfields):
    """The event lines of one side: lists of columns (marker dropped)."""
    res = []
    with open(path, "rb") as fh:
        for raw in fh:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if not line.startswith(MARK + "\t"):
                continue
            cols = line.split("\t")[1:]
            if len(cols) < 6 + nfields:
                cols += ["<missing>"] * (6 + nfields - len(cols))
            res.append(cols)
    return res


def main():
    args = sys.argv[1:]
    if len(args) < 1 or len(args) > 2:
        die("usage: %s CAPTURE [REF_SINSP_EXAMPLE]" % sys.argv[0])
    cap = args[0]
    ref = args[1] if len(args) > 1 else os.environ.get("SINSP_EXAMPLE", "")
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    scapcli = os.environ.get("SCAPCLI") or os.path.join(here, "build", "cli", "scapcli")
    show = int(os.environ.get("SHOW", "5"))
    fields = (os.environ.get("FIELDS") or STATE_FIELDS).split()
    dirs = os.environ.get("DIRS", "<")
    filt = os.environ.get("FILTER", "")
    try:
        min_agree = float(os.environ.get("MIN_AGREE", "100"))
    except ValueError:
        die("MIN_AGREE must be a number")

    if not os.access(cap, os.R_OK):
        die("cannot read capture " + cap)
    if not ref:
        print("SKIP: no reference binary: give the path of falcosecurity/libs' sinsp-example as second "
              "argument or in SINSP_EXAMPLE", file=sys.stderr)
        sys.exit(77)
    if not os.access(ref, os.X_OK):
        print("SKIP: reference binary '%s' not found or not executable" % ref, file=sys.stderr)
        sys.exit(77)
    if not os.access(scapcli, os.X_OK):
        die("scapcli not found at %s (set SCAPCLI or build it: meson setup build && ninja -C build)" % scapcli)

    tmp = tempfile.mkdtemp(prefix="compare-fields.")
    try:
        return compare(cap, ref, scapcli, show, fields, dirs, filt, min_agree, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def compare(cap, ref, scapcli, show, fields, dirs, filt, min_agree, tmp):
    lf = subprocess.run([scapcli, "--list-fields"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if lf.returncode != 0:
        die(scapcli + " --list-fields failed")
    known_names = {ln.split()[0] for ln in lf.stdout.decode("utf-8", "replace").splitlines() if ln.split()}
    def known(f):
        # proc.aname[2], thread.cgroup.memory: the field is the name before
        # the [argument] or a dotted argument
        base = f.split("[", 1)[0]
        parts = base.split(".")
        return any(".".join(parts[:i]) in known_names for i in range(len(parts), 1, -1))

    missing = [f for f in fields if not known(f)]

    hdr = "\t".join([MARK, "%evt.num", "%evt.rawtime", "%thread.tid", "%evt.dir", "%evt.type", "%proc.pid"])
    fours = hdr + "".join("\t" + ("<unsupported>" if f in missing else "%" + f) for f in fields)
    frefs = hdr + "".join("\t%" + f for f in fields)

    ours_raw, ref_raw = os.path.join(tmp, "ours.raw"), os.path.join(tmp, "ref.raw")
    argv = [scapcli, "-r", cap] + (["-F", filt] if filt else []) + ["-p", fours]
    rc = run(argv, ours_raw, os.path.join(tmp, "ours.err"))
    if rc != 0:
        with open(os.path.join(tmp, "ours.err"), "rb") as fh:
            die("scapcli failed (exit %d): %s" % (rc, fh.read(400).decode("utf-8", "replace")))
    # -a: every thread, not only main threads; '*': print <NA> for missing
    # values instead of dropping the line.
    argv = [ref, "-a", "-s", cap] + (["-f", filt] if filt else []) + ["-o", "*" + frefs]
    rc = run(argv, ref_raw, os.path.join(tmp, "ref.err"))
    if rc != 0:
        with open(os.path.join(tmp, "ref.err"), "rb") as fh:
            die("reference failed (exit %d): %s" % (rc, fh.read(400).decode("utf-8", "replace")))
    keep = os.environ.get("KEEP")
    if keep:
        os.makedirs(keep, exist_ok=True)
        shutil.copy(ours_raw, os.path.join(keep, "scapcli.out"))
        shutil.copy(ref_raw, os.path.join(keep, "reference.out"))

    nf = len(fields)
    ours = rows(ours_raw, nf)
    refs = rows(ref_raw, nf)
    if not refs:
        with open(ref_raw, "rb") as fh:
            die("the reference printed no event (its output: %s)" % fh.read(400).decode("utf-8", "replace"))
    if dirs in ("<", ">"):
        ours = [r for r in ours if r[3] == dirs]
        refs = [r for r in refs if r[3] == dirs]

    print("capture: " + cap)
    print("scapcli: " + scapcli)
    print("reference: " + ref)
    if missing:
        print("not in scapcli's field list (counted as disagreeing): " + " ".join(missing))
    errs = defaultdict(int)
    with open(ref_raw, "rb") as fh:
        for raw in fh:
            if raw.startswith(b"[ERROR]"):
                errs[raw.decode("utf-8", "replace").rstrip("\n")] += 1
    for msg, n in sorted(errs.items(), key=lambda kv: -kv[1])[:show]:
        print("reference error, times: %d %s" % (n, msg))

    # stage 1: (rawtime, dir, type, occurrence); the tid is not in the key:
    # the two may print a thread-less event's differently
    def keyed(rs, key):
        occ = defaultdict(int)
        out = OrderedDict()
        for r in rs:
            k = key(r)
            occ[k] += 1
            out[k + (occ[k],)] = r
        return out

    ref1 = keyed(refs, lambda r: (r[1], r[3], r[4]))
    our1 = keyed(ours, lambda r: (r[1], r[3], r[4]))
    pairs = []
    our_left, ref_left = [], []
    for k, r in our1.items():
        if k in ref1:
            pairs.append((r, ref1[k]))
        else:
            our_left.append(r)
    ref_left = [r for k, r in ref1.items() if k not in our1]
    # stage 2: (rawtime, dir, occurrence) among the rest
    ref2 = keyed(ref_left, lambda r: (r[1], r[3]))
    our2 = keyed(our_left, lambda r: (r[1], r[3]))
    typediff = []
    only_ours = []
    for k, r in our2.items():
        if k in ref2:
            pairs.append((r, ref2[k]))
            typediff.append((r, ref2[k]))
        else:
            only_ours.append(r)
    only_ref = [r for k, r in ref2.items() if k not in our2]

    # columns: 0 evt.num, 1 rawtime, 2 tid, 3 dir, 4 type, 5 pid, 6.. fields
    cols = [(6 + i, f) for i, f in enumerate(fields)]
    ctx = [(2, "thread.tid"), (5, "proc.pid")]
    m = len(pairs)
    print("events: scapcli %d, reference %d, aligned %d, only in scapcli %d, only in reference %d" %
          (len(ours), len(refs), m, len(only_ours), len(only_ref)))

    nofd = set()
    if os.environ.get("REF_NOFD") == "skip" and "fd.num" in fields:
        ci = 6 + fields.index("fd.num")
        nofd = {id(a) for a, b in pairs if b[ci] == "-1" and a[ci] not in ("-1", "<NA>")}
        print("left out of the fd.* fields: %d events on which the reference has no fd (REF_NOFD=skip)" % len(nofd))

    def report(ci, title):
        agree = 0
        ex = []
        diffs = OrderedDict()
        fd_field = title.startswith("fd.")
        m = 0
        for a, b in pairs:
            if fd_field and id(a) in nofd:
                continue
            m += 1
            va, vb = a[ci], b[ci]
            if va == vb:
                agree += 1
                continue
            if len(ex) < show:
                ex.append('    scapcli #%s / ref #%s ts=%s tid=%s/%s pid=%s/%s %s %s: scapcli="%s" ref="%s"' %
                          (a[0], b[0], a[1], a[2], b[2], a[5], b[5], a[3], a[4], va, vb))
            diffs[(va, vb)] = diffs.get((va, vb), 0) + 1
        pct = 100.0 * agree / m if m else 100.0
        print("%s: %d/%d agree (%.2f%%)" % (title, agree, m, pct))
        for ln in ex:
            print(ln)
        nd = m - agree
        if nd > show:
            print("    ... %d more" % (nd - show))
        if len(diffs) > 1 or nd > show:
            print("    distinct differences: %d" % len(diffs))
            top = sorted(diffs.items(), key=lambda kv: -kv[1])
            for (va, vb), n in top[:show]:
                print('      %6d x scapcli="%s" ref="%s"' % (n, va, vb))
            if len(diffs) > show:
                print("      ... %d more" % (len(diffs) - show))
        return agree, m, pct

    bad = False
    summary = os.environ.get("SUMMARY")
    sums = []
    for ci, name in cols:
        agree, mf, pct = report(ci, name)
        sums.append("%s\t%s\t%d\t%d\n" % (cap, name, agree, mf))
        if pct < min_agree or (min_agree >= 100 and agree != mf):
            bad = True
    if summary:
        with open(summary, "a") as fh:
            fh.writelines(sums)
    print("context (not counted in the exit status):")
    for ci, name in ctx:
        report(ci, "  " + name)
    print("  evt.type: %d/%d agree" % (m - len(typediff), m))
    for a, b in typediff[:show]:
        print('    scapcli #%s / ref #%s ts=%s tid=%s/%s %s: scapcli="%s" ref="%s"' %
              (a[0], b[0], a[1], a[2], b[2], a[3], a[4], b[4]))
    if len(typediff) > show:
        print("    ... %d more" % (len(typediff) - show))
    if only_ours:
        print("only in scapcli (first %d; the reference consumes the leading container/user/group" %
              min(len(only_ours), show))
        print("  meta events while opening the capture without returning them, and skips the events it reports as [ERROR]):")
        for r in only_ours[:show]:
            print("    #%s ts=%s tid=%s %s %s" % (r[0], r[1], r[2], r[3], r[4]))
    if only_ref:
        print("only in reference (first %d):" % min(len(only_ref), show))
        for r in only_ref[:show]:
            print("    #%s ts=%s tid=%s %s %s" % (r[0], r[1], r[2], r[3], r[4]))
    if m == 0 and (only_ours or only_ref):
        print("no event aligned")
        bad = True
    elif m == 0:
        print("no event of the compared direction on either side (nothing to compare)")
    if missing:
        bad = True
    print("RESULT: DIFFER" if bad else "RESULT: AGREE")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Print the closing lines of `make check` for the test runs of the given
meson build dirs: the counts (a SKIP is counted as skipped, not passed),
then each skipped test with its reason (the line of its output that starts
with SKIP), then the skipped parts of tests that passed."""
import json
import os
import sys

passed = failed = skipped = 0
skips, parts = [], []


def skip_lines(r):
    out = (r.get("stdout") or "") + "\n" + (r.get("stderr") or "")
    return [l.strip() for l in out.splitlines() if l.lstrip().startswith("SKIP")]


for build in sys.argv[1:]:
    log = os.path.join(build, "meson-logs", "testlog.json")
    try:
        f = open(log, encoding="utf-8")
    except OSError as e:
        print(f"check: {build}: no test log ({e.strerror})")
        failed += 1
        continue
    with f:
        for line in f:
            r = json.loads(line)
            name = f"{os.path.basename(os.path.normpath(build))}/{r.get('name', '?')}"
            if r["result"] == "SKIP":
                skipped += 1
                why = skip_lines(r)
                skips.append(f"{name}: {why[0] if why else 'no SKIP line in its output (exit status 77)'}")
            elif r["result"] in ("OK", "EXPECTEDFAIL"):
                passed += 1
                parts.extend(f"{name}: {l}" for l in skip_lines(r))
            else:
                failed += 1
print(f"check: {passed} passed, {failed} failed, {skipped} skipped")
for s in skips:
    print(f"  skipped {s}")
if parts:
    print("  parts skipped inside tests that passed:")
    for s in parts:
        print(f"    {s}")
sys.exit(1 if failed else 0)

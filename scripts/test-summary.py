#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Print one closing line for the test runs of the given meson build dirs."""
import json
import os
import sys

passed = failed = 0
for build in sys.argv[1:]:
    log = os.path.join(build, "meson-logs", "testlog.json")
    with open(log) as f:
        for line in f:
            r = json.loads(line)
            if r["result"] in ("OK", "EXPECTEDFAIL", "SKIP"):
                passed += 1
            else:
                failed += 1
print(f"check: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)

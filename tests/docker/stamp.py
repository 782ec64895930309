#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Read a capture's stdout (a pipe) line by line; write each line to OUT with
the wall-clock time it arrived: "<seconds since the epoch>\t<line>".
Used by tests/test_docker.sh to measure when an alert reaches stdout."""
import sys
import time

with open(sys.argv[1], "w", encoding="utf-8") as out:
    inp = sys.stdin.buffer
    while True:
        line = inp.readline()  # returns as soon as one line is there
        if not line:
            break
        out.write("%.6f\t%s" % (time.time(), line.decode("utf-8", "replace")))
        if not line.endswith(b"\n"):
            out.write("\n")
        out.flush()

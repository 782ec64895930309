#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Make a large capture for benchmarks by replaying the event blocks of a
real capture many times, with timestamps shifted so they keep increasing.
    gen_capture.py SRC.scap OUT.scap MIN_EVENTS [--gzip]
The metadata blocks (SHB, machine info, lists) are copied once."""
import gzip
import struct
import sys

EVENT_BLOCKS = {0x204, 0x8010ABCD, 0x208, 0x216, 0x217, 0x221, 0x222}
HDR_OFF = {0x204: 2, 0x8010ABCD: 2, 0x216: 2, 0x221: 2, 0x208: 6, 0x217: 6, 0x222: 6}


def main():
    src, out, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
    data = open(src, "rb").read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    meta, events, pos = [], [], 0
    while pos < len(data):
        btype, blen = struct.unpack_from("<II", data, pos)
        (events if btype in EVENT_BLOCKS else meta).append((btype, data[pos:pos + blen]))
        pos += blen
    if not events:
        sys.exit("no events in " + src)
    ts = [struct.unpack_from("<Q", b, 8 + HDR_OFF[t])[0] for t, b in events]
    # events stamped 0 (the container events of some captures) keep their
    # time; the span is over the others
    real = [t for t in ts if t] or [0]
    span = max(real) - min(real) + 1000
    opener = gzip.open if "--gzip" in sys.argv else open
    n = 0
    with opener(out, "wb") as f:
        for _, b in meta:
            f.write(b)
        rep = 0
        while n < want:
            shift = rep * span
            for (t, b), t0 in zip(events, ts):
                blk = bytearray(b)
                if t0:
                    struct.pack_into("<Q", blk, 8 + HDR_OFF[t], t0 + shift)
                f.write(blk)
                n += 1
            rep += 1
    print(f"{out}: {n} events")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Use libscap through ctypes only (no C compiler on the caller's side):
open a capture, read every event, check the count and a few accessors."""
import ctypes
import json
import os
import sys

lib = ctypes.CDLL(sys.argv[1])
shared = os.environ.get("SCAP_SHARED_DIR", "")
captures = os.path.join(shared, "captures")
if not os.path.isdir(captures):
    print(f"SKIP: ffi: shared captures not found under {shared!r}")
    sys.exit(0)


class OpenOpts(ctypes.Structure):
    _fields_ = [("sz", ctypes.c_size_t), ("engine", ctypes.c_char_p),
                ("filename", ctypes.c_char_p)]  # a prefix of the C struct: sz says so


lib.scap_open.restype = ctypes.c_void_p
lib.scap_open.argtypes = [ctypes.POINTER(OpenOpts), ctypes.c_char_p]
lib.scap_next.restype = ctypes.c_int
lib.scap_next.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]
lib.scap_close.argtypes = [ctypes.c_void_p]
lib.scap_geterr.restype = ctypes.c_char_p
lib.scap_geterr.argtypes = [ctypes.c_void_p]
lib.scap_evt_type.restype = ctypes.c_uint16
lib.scap_evt_type.argtypes = [ctypes.c_void_p]
lib.scap_evt_ts.restype = ctypes.c_uint64
lib.scap_evt_ts.argtypes = [ctypes.c_void_p]
lib.scap_event_name.restype = ctypes.c_char_p
lib.scap_event_name.argtypes = [ctypes.c_uint16]
lib.scap_proc_count.restype = ctypes.c_size_t
lib.scap_proc_count.argtypes = [ctypes.c_void_p]
SCAP_OK, SCAP_EOF = 0, 1

expected = json.load(open(os.path.join(captures, "expected.json")))
passed = failed = 0
for name, exp in sorted(expected.items()):
    if name.startswith("_"):
        continue
    opts = OpenOpts(ctypes.sizeof(OpenOpts), b"savefile",
                    os.path.join(captures, name).encode())
    err = ctypes.create_string_buffer(256)
    h = lib.scap_open(ctypes.byref(opts), err)
    if not h:
        print(f"FAIL {name}: open: {err.value.decode()}")
        failed += 1
        continue
    evt = ctypes.c_void_p()
    n, last_ts, names = 0, 0, {}
    while (rc := lib.scap_next(h, ctypes.byref(evt))) == SCAP_OK:
        n += 1
        last_ts = lib.scap_evt_ts(evt)
        t = lib.scap_evt_type(evt)
        names[t] = lib.scap_event_name(t).decode()
    ok = (rc == SCAP_EOF and n == exp["event_count"] and last_ts == exp["last_ts"]
          and lib.scap_proc_count(h) == exp["proclist_threads"]
          and all(names[int(k)] == v["name"] for k, v in exp["event_types"].items()))
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: rc={rc} events={n} (want {exp['event_count']}) "
              f"{lib.scap_geterr(h).decode()}")
    lib.scap_close(h)

print(f"ffi: {passed} passed, {failed} failed")
sys.exit(1 if failed or not passed else 0)

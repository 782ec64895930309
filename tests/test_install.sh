#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Install into a temporary destdir, then build examples/read_capture.c with
# pkg-config against that prefix only, and run it on a capture.
set -eu
build=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

meson install -C "$build" --destdir "$tmp/root" --no-rebuild --quiet >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; exit 1; }

prefix=$(meson introspect "$build" --buildoptions | python3 -c \
	'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"][0])')
pcdir=$(find "$tmp/root$prefix" -name libsinsp.pc -printf '%h\n' | head -n1)
[ -n "$pcdir" ] || { echo "FAIL: libsinsp.pc not installed"; exit 1; }

# Only public headers are installed.
hdrs=$(cd "$tmp/root$prefix/include" && find . -type f | sort | tr '\n' ' ')
[ "$hdrs" = "./scapkit/filter.h ./scapkit/filter_rules.h ./scapkit/scap.h ./scapkit/scap_export.h ./scapkit/sinsp.h " ] ||
	{ echo "FAIL: unexpected installed headers: $hdrs"; exit 1; }

export PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_SYSROOT_DIR="$tmp/root"
cflags=$(pkg-config --cflags libsinsp)
libs=$(pkg-config --libs libsinsp)
cc ${EXTRA_CFLAGS:-} $cflags "$src/examples/read_capture.c" $libs -o "$tmp/read_capture"
libdir=$(pkg-config --variable=libdir libscap)
case "$libdir" in "$tmp/root"*) ;; *) libdir="$tmp/root$libdir" ;; esac
# static linking works too
cc ${EXTRA_CFLAGS:-} $cflags "$src/examples/read_capture.c" -static-libgcc "$libdir/libscap.a" \
	$(pkg-config --libs-only-l --static libscap | sed 's/-lscap//') -o "$tmp/read_capture_static"

cap="${SCAP_SHARED_DIR:-}/captures/libs_curl_google.scap"
if [ ! -r "$cap" ]; then
	echo "SKIP: install test: $cap not found; built the example only"
	exit 0
fi
out=$(LD_LIBRARY_PATH="$libdir" "$tmp/read_capture" "$cap")
echo "$out"
echo "$out" | grep -q '^events 1536, execve exits 1$' || { echo "FAIL: unexpected output"; exit 1; }
"$tmp/read_capture_static" "$cap" | grep -q '^events 1536,' || { echo "FAIL: static build"; exit 1; }
# the dynamic binary resolved libscap from the installed prefix, with its SONAME
LD_LIBRARY_PATH="$libdir" ldd "$tmp/read_capture" | grep -q "libscap.so.0 => $tmp/root" ||
	{ echo "FAIL: not linked against the installed libscap.so.0"; exit 1; }
echo "install: 1 passed, 0 failed"

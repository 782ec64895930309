#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Build scapkit.ko out of tree: usage build.sh KDIR SRCDIR KERNEL_INC WORKDIR OUT VERSION
# The kernel's build writes its objects next to the sources, so the sources
# are copied into WORKDIR (in the build tree) first.
set -eu
kdir=$1 src=$2 inc=$3 work=$4 out=$5 version=$6
mkdir -p "$work"
for f in Kbuild sk.h sk_overlay.h sk_main.c sk_fill.c; do
	cmp -s "$src/$f" "$work/$f" 2>/dev/null || cp "$src/$f" "$work/$f"
done
log="$work/build.log"
if ! make -C "$kdir" M="$work" SCAPKIT_KERNEL_INC="$inc" SCAPKIT_VERSION="$version" modules >"$log" 2>&1; then
	cat "$log" >&2
	echo "build.sh: building scapkit.ko against $kdir failed (log above)" >&2
	exit 1
fi
cp "$work/scapkit.ko" "$out"

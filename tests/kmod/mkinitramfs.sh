#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds the qemu guest's initramfs (an uncompressed newc cpio):
#   tests/kmod/mkinitramfs.sh OUT.cpio INIT FILE[:DEST]...
# INIT becomes /init (run by the kernel as PID 1, busybox sh). Each FILE is
# copied to DEST (an absolute path in the guest), by default
# /usr/bin/<basename> (or /usr/lib/scapkit/<basename> for a .ko). Busybox
# (busybox-static) provides the shell and the tools: one symlink per applet
# in /usr/bin, except for names a FILE takes. Merged /usr like Debian:
# /bin, /sbin -> usr/bin, /lib -> usr/lib. /dev/console and /dev/null are
# created when we are root (mknod); /init mounts devtmpfs over /dev anyway.
set -eu
die() { echo "mkinitramfs: $*" >&2; exit 1; }
[ $# -ge 2 ] || { echo "usage: $0 OUT.cpio INIT FILE[:DEST]..." >&2; exit 2; }
out=$1 init=$2
shift 2
busybox=""
for b in /usr/bin/busybox /bin/busybox; do
	# the static one: the guest has no shared libraries
	if [ -x "$b" ] && ! LC_ALL=C readelf -l "$b" 2>/dev/null | grep -q 'program interpreter'; then busybox=$b; break; fi
done
[ -n "$busybox" ] || die "no static busybox (package busybox-static)"
command -v cpio >/dev/null || die "cpio not found (package cpio)"
[ -r "$init" ] || die "$init not found"

root=$(mktemp -d "${TMPDIR:-/tmp}/scapkit-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/usr/bin" "$root/usr/lib/scapkit" "$root/dev" "$root/proc" "$root/sys" "$root/tmp" \
	"$root/etc" "$root/root" "$root/run"
ln -s usr/bin "$root/bin"
ln -s usr/bin "$root/sbin"
ln -s usr/lib "$root/lib"
chmod 1777 "$root/tmp"
cp "$init" "$root/init"
chmod 0755 "$root/init"
cp "$busybox" "$root/usr/bin/busybox"

taken=" "
for f in "$@"; do
	src=${f%%:*}
	case $f in
	*:*) dest=${f#*:} ;;
	*.ko) dest=/usr/lib/scapkit/$(basename "$src") ;;
	*) dest=/usr/bin/$(basename "$src") ;;
	esac
	[ -r "$src" ] || die "$src not found"
	case $dest in /*) ;; *) die "$f: the destination must be an absolute path" ;; esac
	mkdir -p "$root$(dirname "$dest")"
	cp "$src" "$root$dest"
	taken="$taken$dest "
done
# `busybox --list` names busybox itself too: skip it and the names taken
for a in $("$busybox" --list); do
	case $taken in *" /usr/bin/$a "*) continue ;; esac
	[ "$a" = busybox ] || [ -e "$root/usr/bin/$a" ] || ln -s busybox "$root/usr/bin/$a"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
if [ "$(id -u)" -eq 0 ]; then
	mknod -m 600 "$root/dev/console" c 5 1
	mknod -m 666 "$root/dev/null" c 1 3
fi
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$out.tmp"
mv -f "$out.tmp" "$out"

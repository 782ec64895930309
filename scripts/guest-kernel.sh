#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The guest kernel of the qemu tests (tests/kmod/): Debian's vmlinuz matching
# the installed linux-headers-amd64, which the kernel module is built against.
#   scripts/guest-kernel.sh             print the vmlinuz path; download it first when missing
#   scripts/guest-kernel.sh --no-fetch  print the path only if it is already there (exit 1 otherwise)
#   scripts/guest-kernel.sh --kver      print the kernel ABI (e.g. 6.1.0-56-amd64)
#   scripts/guest-kernel.sh --overlay   print the path of the guest's overlayfs module
#                                       if it is already there (exit 1 otherwise)
# The image and the overlayfs module (overlay.ko: the guest mounts an
# overlayfs to test the execve/open layer flags) are kept outside the clone,
# in a machine cache (SCAPKIT_CACHE, default /var/cache/scapkit/vmlinuz-$KVER
# and overlay-$KVER.ko): a clean clone does not download them again. The
# linux-image package is never installed: `apt-get download` fetches the
# .deb and only ./boot/vmlinuz-$KVER and fs/overlayfs/overlay.ko are
# extracted from it.
set -eu
cache=${SCAPKIT_CACHE:-/var/cache/scapkit}
die() { echo "guest-kernel: $*" >&2; exit 1; }

# The ABI comes from the headers metapackage's dependency: it moves with
# security updates, and headers and image must match.
deps=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null) ||
	die "linux-headers-amd64 is not installed (scripts/install-deps.sh installs it)"
kver=$(printf '%s\n' "$deps" | tr ',' '\n' | sed -n 's/^ *linux-headers-\([0-9][^ ]*\).*/\1/p' | head -n 1)
[ -n "$kver" ] || die "cannot read the kernel version from linux-headers-amd64's Depends: '$deps'"

case ${1:-} in
--kver) echo "$kver"; exit 0 ;;
--no-fetch | --overlay | "") ;;
*) echo "usage: $0 [--no-fetch | --kver | --overlay]" >&2; exit 2 ;;
esac

out="$cache/vmlinuz-$kver"
ovl="$cache/overlay-$kver.ko"
case ${1:-} in
--overlay)
	[ -s "$ovl" ] || die "$ovl not found (scripts/guest-kernel.sh downloads it)"
	echo "$ovl"
	exit 0 ;;
--no-fetch)
	[ -s "$out" ] || die "$out not found (scripts/guest-kernel.sh downloads it)"
	echo "$out"
	exit 0 ;;
esac
if [ -s "$out" ] && [ -s "$ovl" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$cache" 2>/dev/null || die "cannot create $cache (run as root, or set SCAPKIT_CACHE)"
[ -w "$cache" ] || die "$cache is not writable (run as root, or set SCAPKIT_CACHE)"
command -v apt-get >/dev/null || die "apt-get not found"
tmp=$(mktemp -d "$cache/.dl.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# apt-get download drops privileges to _apt when it can: let it write here
chmod 0777 "$tmp"

fetch() { # package: downloads its .deb into $tmp
	(cd "$tmp" && apt-get download -q "$1" >"$tmp/apt.log" 2>&1)
}
got=""
for pkg in "linux-image-$kver" "linux-image-$kver-unsigned"; do
	if fetch "$pkg"; then got=$pkg; break; fi
done
if [ -z "$got" ] && [ "$(id -u)" -eq 0 ]; then
	# stale package lists: refresh once, then try again
	apt-get update -qq >/dev/null 2>&1 || true
	for pkg in "linux-image-$kver" "linux-image-$kver-unsigned"; do
		if fetch "$pkg"; then got=$pkg; break; fi
	done
fi
[ -n "$got" ] || die "apt-get download linux-image-$kver failed: $(tail -n 1 "$tmp/apt.log")"
deb=$(ls "$tmp"/*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || die "apt-get download $got left no .deb"
if [ ! -s "$out" ]; then
	echo "guest-kernel: extracting ./boot/vmlinuz-$kver from $(basename "$deb")" >&2
	dpkg-deb --fsys-tarfile "$deb" | tar -xf - -C "$tmp" "./boot/vmlinuz-$kver" ||
		die "no ./boot/vmlinuz-$kver in $(basename "$deb")"
	[ -s "$tmp/boot/vmlinuz-$kver" ] || die "extracted vmlinuz-$kver is empty"
	chmod 0644 "$tmp/boot/vmlinuz-$kver"
	mv -f "$tmp/boot/vmlinuz-$kver" "$out"
fi
# overlay.ko: no dependencies in Debian's 6.1; newer Debian kernels
# compress their modules, and busybox's insmod wants it plain
mdir=./lib/modules/$kver/kernel/fs/overlayfs
echo "guest-kernel: extracting $mdir/overlay.ko from $(basename "$deb")" >&2
dpkg-deb --fsys-tarfile "$deb" | tar -xf - -C "$tmp" --wildcards "$mdir/overlay.ko*" ||
	die "no $mdir/overlay.ko in $(basename "$deb")"
m=$(ls "$tmp/$mdir"/overlay.ko* | head -n 1)
case $m in
*.xz) xz -dc "$m" >"$tmp/overlay.ko" || die "cannot decompress $(basename "$m")" ;;
*.zst) zstd -qdc "$m" >"$tmp/overlay.ko" || die "cannot decompress $(basename "$m")" ;;
*) mv -f "$m" "$tmp/overlay.ko" ;;
esac
[ -s "$tmp/overlay.ko" ] || die "extracted overlay.ko is empty"
chmod 0644 "$tmp/overlay.ko"
mv -f "$tmp/overlay.ko" "$ovl"
echo "$out"

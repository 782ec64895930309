#!/bin/sh
# Install the Debian packages this project builds and tests with.
# Idempotent: does nothing when every package is already present.
# Then fetches the guest kernel of the qemu tests (tests/kmod/) into a
# machine cache outside the clone (scripts/guest-kernel.sh; never installed).
set -eu
here=$(cd "$(dirname "$0")" && pwd)

PKGS="build-essential meson ninja-build pkg-config python3 \
libbpf-dev bpftool clang llvm libelf-dev zlib1g-dev \
libyaml-dev libjsmn-dev uthash-dev check gzip libcurl4-openssl-dev \
linux-headers-amd64 qemu-system-x86 busybox-static cpio \
docker.io jq bsdutils util-linux"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	SUDO="sudo"
fi
if [ -n "$missing" ]; then
	echo "install-deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing
fi

# The guest kernel (an 8 MB vmlinuz out of a 71 MB .deb, downloaded once per
# machine). Not fatal: without it the qemu test prints SKIP.
$SUDO "$here/guest-kernel.sh" >/dev/null ||
	echo "install-deps: no guest kernel: the qemu tests (tests/kmod/) will be skipped" >&2

#!/bin/sh
# Install the Debian packages this project builds and tests with.
# Idempotent: does nothing when every package is already present.
set -eu

PKGS="build-essential meson ninja-build pkg-config python3 \
libbpf-dev bpftool clang llvm libelf-dev zlib1g-dev \
libyaml-dev libjsmn-dev uthash-dev check gzip"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	exit 0
fi

echo "install-deps: installing:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing

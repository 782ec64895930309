#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Print the kernel build directory to build scapkit.ko against, or nothing:
# the running kernel's (/lib/modules/$(uname -r)/build), else the one of
# Debian's linux-headers-amd64 (its dependency names the ABI).
for d in "/lib/modules/$(uname -r)/build" \
	"/usr/src/$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null | sed -n 's/^\(linux-headers-[^ ,]*\).*/\1/p')"; do
	if [ -f "$d/Makefile" ] && [ -f "$d/Module.symvers" ]; then
		echo "$d"
		exit 0
	fi
done
exit 0

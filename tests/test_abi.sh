#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Each shared library exports only its own prefixed API, versioned, with a
# SONAME; internal helpers stay hidden.
set -eu
fail=0
check() {
	lib=$1 prefix=$2 node=$3
	soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
	case "$soname" in lib*.so.0) ;; *) echo "FAIL: $lib: SONAME '$soname'"; fail=1 ;; esac
	syms=$(nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' | sort -u)
	bad=$(echo "$syms" | grep -v "^${prefix}" | grep -v "^${node}\$" || true)
	[ -z "$bad" ] || { echo "FAIL: $lib exports: $bad"; fail=1; }
	[ -n "$(echo "$syms" | grep "^${prefix}")" ] || { echo "FAIL: $lib exports nothing"; fail=1; }
	readelf --dyn-syms "$lib" | grep -q "@@${node}" || { echo "FAIL: $lib: no $node version node"; fail=1; }
}
check "$1" scap_ LIBSCAP_0
check "$2" filter_ LIBFILTER_0
check "$3" sinsp_ LIBSINSP_0
# internal functions are not visible
for s in scap_seterr scap_evt_decode scap_engine_lookup scap_event_table scap_arena_alloc; do
	if nm -D --defined-only "$1" | grep -qw "$s"; then echo "FAIL: internal $s exported"; fail=1; fi
done
[ $fail -eq 0 ] && echo "abi: 3 passed, 0 failed"
exit $fail

#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The state fields of every exit event of the shared and the project's
# captures against the reference libsinsp (scripts/compare-fields.py): each
# field must agree on >= 99.9% of the aligned events. Needs SINSP_EXAMPLE (a
# sinsp-example built from falcosecurity/libs, never part of this
# repository): without it the test is skipped (exit 77), as in CI.
# user.name/group.name are not compared: the reference (sinsp-example, no
# container plugin) takes every thread for a host thread and looks its user
# up on this machine, where Falco and scapkit give container threads none.
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${SINSP_EXAMPLE:-}" ] || [ ! -x "${SINSP_EXAMPLE:-}" ]; then
	echo "SKIP: compare-fields: SINSP_EXAMPLE is not set to a reference sinsp-example binary"
	exit 77
fi
SCAPCLI=${1:-${SCAPCLI:-}}
export SCAPCLI
fields=$(python3 -c "import importlib.util as u;s=u.spec_from_file_location('c','$src/scripts/compare-fields.py');m=u.module_from_spec(s);s.loader.exec_module(m);print(' '.join(f for f in m.STATE_FIELDS.split() if f not in ('user.name','group.name')))")
fail=0 n=0
for cap in "${SCAP_SHARED_DIR:-/nonexistent}"/captures/*.scap "${SCAP_FIXTURES_DIR:-/nonexistent}"/*.scap; do
	[ -f "$cap" ] || continue
	n=$((n + 1))
	out=$(FIELDS=$fields MIN_AGREE=99.9 SHOW=2 python3 "$src/scripts/compare-fields.py" "$cap" "$SINSP_EXAMPLE" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok   $(basename "$cap")"
	else
		echo "FAIL: $(basename "$cap") (exit $rc):"
		echo "$out" | grep -E 'agree \((9[0-9]\.[0-8]|[0-8]?[0-9]\.)' | head -n 20
		fail=$((fail + 1))
	fi
done
[ $n -gt 0 ] || { echo "SKIP: no capture found"; exit 77; }
echo "compare-fields: $fail of $n captures below 99.9% on some field"
[ $fail -eq 0 ]

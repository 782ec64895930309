#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Regenerates README.md's field table from the code: the lines between the
# "fields:begin" and "fields:end" markers become `scapcli --list-fields=markdown`.
#   scripts/readme-fields.sh [SCAPCLI]   (default build/cli/scapcli)
# tests/test_cli.sh fails when the README's table differs from the code's.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
cli=${1:-$here/build/cli/scapcli}
readme=$here/README.md
[ -x "$cli" ] || { echo "readme-fields: $cli not built" >&2; exit 2; }
grep -q '^<!-- fields:begin' "$readme" && grep -q '^<!-- fields:end' "$readme" ||
	{ echo "readme-fields: the markers are missing from $readme" >&2; exit 2; }
tmp=$(mktemp "${TMPDIR:-/tmp}/readme-fields.XXXXXX")
trap 'rm -f "$tmp" "$tmp.table"' EXIT
"$cli" --list-fields=markdown >"$tmp.table"
awk -v table="$tmp.table" '
	/^<!-- fields:begin/ { print; while ((getline l < table) > 0) print l; skip = 1; next }
	/^<!-- fields:end/ { skip = 0 }
	!skip { print }' "$readme" >"$tmp"
cat "$tmp" >"$readme"
echo "readme-fields: $(wc -l <"$tmp.table") lines of table written to README.md"

#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Per-field agreement of scapcli with the reference libsinsp on a capture:
#   scripts/compare-fields.sh CAPTURE [REF_SINSP_EXAMPLE]
# The work (and its documentation: environment, output, exit status) is in
# compare-fields.py beside this file.
exec python3 "$(dirname "$0")/compare-fields.py" "$@"

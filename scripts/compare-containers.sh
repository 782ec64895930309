#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Compares, event by event, the container fields scapcli prints for a
# capture with those the reference libsinsp prints for the same capture.
#   scripts/compare-containers.sh CAPTURE [REF_SINSP_EXAMPLE]
# A preset of compare-fields.py (which aligns the events and documents the
# environment, output and exit status): FIELDS defaults to the container.*
# and k8s.* fields below, DIRS to every event (enter and exit). FILTER,
# SCAPCLI, SINSP_EXAMPLE, SHOW, KEEP work as there.
: "${FIELDS:=container.id container.name container.image container.image.repository container.image.tag container.image.id container.type container.privileged container.mounts k8s.pod.name k8s.ns.name}"
: "${DIRS:=all}"
export FIELDS DIRS
exec python3 "$(dirname "$0")/compare-fields.py" "$@"

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sinsp.h - umbrella header: includes the public API of libscap (capture),
 * libfilter (conditions) and libsinsp (system state). Link with
 * `pkg-config --cflags --libs libsinsp`.
 */
#ifndef SINSP_H
#define SINSP_H

#include "scap.h"
#include "filter.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Library version string. The state tables are being built (see the
 * project's issues); this release only carries the library's identity. */
SCAP_EXPORT const char *sinsp_version(void);

#ifdef __cplusplus
}
#endif

#endif

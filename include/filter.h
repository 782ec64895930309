/* SPDX-License-Identifier: Apache-2.0 */
/*
 * filter.h - libfilter: compiles Falco-style conditions against field
 * providers. This release only carries the library's identity; the
 * condition compiler is being built (see the project's issues).
 */
#ifndef FILTER_H
#define FILTER_H

#include "scap_export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Library version string. */
SCAP_EXPORT const char *filter_version(void);

#ifdef __cplusplus
}
#endif

#endif

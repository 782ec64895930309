/* SPDX-License-Identifier: Apache-2.0 */
/* Export macro shared by libscap, libfilter and libsinsp. The libraries are
 * built with -fvisibility=hidden; only functions marked SCAP_EXPORT (and
 * listed in the library's linker version script) are visible. */
#ifndef SCAP_EXPORT_H
#define SCAP_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define SCAP_EXPORT __attribute__((visibility("default")))
#else
#define SCAP_EXPORT
#endif

#endif

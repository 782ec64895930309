/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the Check suites. */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <check.h>
#include <stddef.h>

/* Directory of the shared test data (../shared beside the checkout), from
 * $SCAP_SHARED_DIR; NULL (after printing a loud SKIP line naming `what`)
 * when it is absent. */
const char *tu_shared_dir(const char *what);
/* Path of a capture in shared/captures, or NULL (with a SKIP line). The
 * result is a static buffer overwritten by the next call. */
const char *tu_shared_capture(const char *name);
/* Path of the project's own fixture tests/captures/NAME.scap, from
 * $SCAP_FIXTURES_DIR or found from the source tree (static buffer). */
const char *tu_fixture(const char *name);
/* A fresh temporary file path under $TMPDIR (static buffer). */
const char *tu_tmpfile(const char *suffix);
/* Write len bytes to path; returns 0 on success. */
int tu_write_file(const char *path, const void *data, size_t len);
/* Write data gzip-compressed to path; returns 0 on success. */
int tu_write_gz(const char *path, const void *data, size_t len);
/* Open a capture with the savefile engine; fails the test if it cannot. */
struct scap;
struct scap *tu_open(const char *path);
/* Open the bpf engine (ring_bytes 0: default), or return NULL after a loud
 * "SKIP: bpf: reason" line when this machine or build cannot run it. With
 * SCAP_TEST_ENGINE=kmod, the kmod engine instead (the qemu guest runs the
 * bpf_sys suite on both engines). */
struct scap *tu_open_bpf(size_t ring_bytes);
/* Read a whole file into a malloc'd buffer (NUL-terminated); NULL on error. */
char *tu_read_file(const char *path, size_t *len);

/* Suites, one per test file. */
Suite *schema_suite(void);
Suite *savefile_suite(void);
Suite *corpus_suite(void);
Suite *badinput_suite(void);
Suite *format_suite(void);
Suite *filter_suite(void);
Suite *evt_fields_suite(void);
Suite *regress_suite(void);
Suite *output_suite(void);
Suite *sinsp_suite(void);
Suite *container_suite(void);
Suite *rules_suite(void);
Suite *dump_suite(void);
Suite *bpf_suite(void);
Suite *scenarios_suite(void);
Suite *default_rules_suite(void);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Regressions for defects found by review of the reader: each test is a
 * file that once failed. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "scap.h"
#include "scapgen.h"
#include "test_util.h"

static scap_t *open_file(const char *path, size_t max_meta, char *errbuf, int *err)
{
	struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;
	o.filename = path;
	o.max_meta_bytes = max_meta;
	return scap_open_err(&o, errbuf, err);
}

static const char *write_tmp(const sg_buf *b)
{
	const char *path = tu_tmpfile(".scap");
	ck_assert_int_eq(tu_write_file(path, b->p, b->len), 0);
	return path;
}

/* tids chosen so that a fixed multiplicative hash puts them all in one
 * slot: lookups must stay fast and right. */
START_TEST(test_tid_collisions)
{
	const uint64_t K = 0x9E3779B97F4A7C15ull;
	uint64_t inv = K; /* inverse of K mod 2^64 by Newton's iteration */
	for (int i = 0; i < 6; i++)
		inv *= 2 - K * inv;
	sg_buf b, body;
	sg_init(&b);
	sg_init(&body);
	sg_shb(&b, 1, 2);
	const int n = 30000;
	for (int i = 0; i < n; i++) {
		struct sg_proc p = {.tid = (int64_t)(inv * ((uint64_t)i << 40)), .pid = i, .ptid = 1, .comm = "c"};
		sg_pl_v9_entry(&body, &p);
	}
	sg_block(&b, SG_PL_V9, body.p, body.len);
	sg_ev_v2(&b, 0, 1, 1, 234, 0, NULL, 0);
	const char *path = write_tmp(&b);
	char errbuf[SCAP_ERRBUF_SIZE];
	int err;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	scap_t *h = open_file(path, 0, errbuf, &err);
	ck_assert_msg(h != NULL, "%s", errbuf);
	for (int i = 0; i < n; i++) {
		int64_t tid = (int64_t)(inv * ((uint64_t)i << 40));
		const scap_tinfo_t *t = scap_proc_find(h, tid);
		ck_assert_ptr_nonnull(t);
		ck_assert_int_eq(scap_tinfo_int(t, SCAP_TI_PID), i);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	ck_assert_msg(secs < 5.0, "30000 colliding tids took %.1f s", secs);
	scap_close(h);
	unlink(path);
	sg_free(&b);
	sg_free(&body);
}
END_TEST

/* A gzip file cut inside its trailer: every event is still read, then the
 * error comes. */
START_TEST(test_gzip_cut_trailer)
{
	sg_buf b;
	sg_init(&b);
	sg_shb(&b, 1, 2);
	for (int i = 0; i < 1000; i++)
		sg_ev_v2(&b, 0, (uint64_t)i, 7, 234, 0, NULL, 0);
	const char *path = tu_tmpfile(".scap.gz");
	char gzpath[4096];
	snprintf(gzpath, sizeof(gzpath), "%s", path);
	ck_assert_int_eq(tu_write_gz(gzpath, b.p, b.len), 0);
	struct stat st;
	ck_assert_int_eq(stat(gzpath, &st), 0);
	ck_assert_int_eq(truncate(gzpath, st.st_size - 4), 0); /* half of the trailer */
	char errbuf[SCAP_ERRBUF_SIZE];
	int err;
	scap_t *h = open_file(gzpath, 0, errbuf, &err);
	ck_assert_msg(h != NULL, "%s", errbuf);
	const scap_evt_t *e;
	int n = 0, rc;
	while ((rc = scap_next(h, &e)) == SCAP_OK)
		n++;
	ck_assert_int_eq(n, 1000);
	ck_assert_int_eq(rc, SCAP_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(scap_geterr(h), "gzip"));
	scap_close(h);
	unlink(gzpath);
	sg_free(&b);
}
END_TEST

/* An unknown event type with 40 parameters is delivered (first 32
 * exposed); a known type with 33 is an error. */
START_TEST(test_unknown_type_many_params)
{
	struct sg_param p[40];
	uint8_t vals[40];
	for (int i = 0; i < 40; i++) {
		vals[i] = (uint8_t)i;
		p[i] = (struct sg_param){&vals[i], 1};
	}
	sg_buf b;
	sg_init(&b);
	sg_shb(&b, 1, 2);
	sg_ev_v2(&b, 0, 1, 1, 60000, 40, p, 0);
	sg_ev_v2(&b, 0, 2, 1, 234, 0, NULL, 0);
	const char *path = write_tmp(&b);
	char errbuf[SCAP_ERRBUF_SIZE];
	int err;
	scap_t *h = open_file(path, 0, errbuf, &err);
	ck_assert_ptr_nonnull(h);
	const scap_evt_t *e;
	ck_assert_int_eq(scap_next(h, &e), SCAP_OK);
	ck_assert_uint_eq(scap_evt_type(e), 60000);
	ck_assert_uint_eq(scap_evt_nparams(e), 32);
	const void *d;
	uint32_t len;
	ck_assert_int_eq(scap_evt_param(e, 31, &d, &len), SCAP_OK);
	ck_assert_uint_eq(len, 1);
	ck_assert_uint_eq(*(const uint8_t *)d, 31);
	ck_assert_int_eq(scap_next(h, &e), SCAP_OK);
	ck_assert_uint_eq(scap_evt_type(e), 234);
	ck_assert_int_eq(scap_next(h, &e), SCAP_EOF);
	scap_close(h);
	unlink(path);

	sg_free(&b);
	sg_init(&b);
	sg_shb(&b, 1, 2);
	sg_ev_v2(&b, 0, 1, 1, 3, 33, p, 0);
	path = write_tmp(&b);
	h = open_file(path, 0, errbuf, &err);
	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(scap_next(h, &e), SCAP_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(scap_geterr(h), "nparams 33, over the maximum 32"));
	scap_close(h);
	unlink(path);
	sg_free(&b);
}
END_TEST

/* Metadata that needs more memory than allowed is refused, by name. */
START_TEST(test_metadata_budget)
{
	sg_buf b, body;
	sg_init(&b);
	sg_init(&body);
	sg_shb(&b, 1, 2);
	for (int i = 0; i < 2000; i++) {
		struct sg_proc p = {.tid = i, .pid = i, .ptid = 1, .comm = "c"};
		sg_pl_v9_entry(&body, &p);
	}
	sg_block(&b, SG_PL_V9, body.p, body.len);
	const char *path = write_tmp(&b);
	char errbuf[SCAP_ERRBUF_SIZE];
	int err;
	ck_assert_ptr_null(open_file(path, 64 * 1024, errbuf, &err));
	ck_assert_int_eq(err, SCAP_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(errbuf, "max_meta_bytes"));
	ck_assert_ptr_nonnull(strstr(errbuf, "PL_V9 block at offset 28"));
	scap_t *h = open_file(path, 0, errbuf, &err); /* the default is ample */
	ck_assert_msg(h != NULL, "%s", errbuf);
	ck_assert_uint_eq(scap_proc_count(h), 2000);
	scap_close(h);
	unlink(path);
	sg_free(&b);
	sg_free(&body);
}
END_TEST

/* A big-endian file (swapped magic and lengths) is named as such. */
START_TEST(test_big_endian)
{
	static const uint8_t be[28] = {0x0A, 0x0D, 0x0D, 0x0A, 0, 0, 0, 28, 0x1A, 0x2B, 0x3C, 0x4D, 0, 1, 0, 2,
				       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 28};
	sg_buf b;
	sg_init(&b);
	sg_raw(&b, be, sizeof(be));
	const char *path = write_tmp(&b);
	char errbuf[SCAP_ERRBUF_SIZE];
	int err;
	ck_assert_ptr_null(open_file(path, 0, errbuf, &err));
	ck_assert_ptr_nonnull(strstr(errbuf, "big-endian"));
	unlink(path);
	sg_free(&b);
}
END_TEST

/* A capture read from a pipe (plain data through a FIFO). */
START_TEST(test_fifo)
{
	sg_buf b;
	sg_init(&b);
	sg_shb(&b, 1, 2);
	for (int i = 0; i < 100; i++)
		sg_ev_v2(&b, 1, (uint64_t)i, 9, 234, 0, NULL, 0);
	char path[4096];
	snprintf(path, sizeof(path), "%s", tu_tmpfile(".fifo"));
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(path, O_WRONLY);
		ssize_t w = write(fd, b.p, b.len);
		_exit(w == (ssize_t)b.len ? 0 : 1);
	}
	char errbuf[SCAP_ERRBUF_SIZE];
	int err;
	scap_t *h = open_file(path, 0, errbuf, &err);
	ck_assert_msg(h != NULL, "%s", errbuf);
	const scap_evt_t *e;
	int n = 0;
	while (scap_next(h, &e) == SCAP_OK)
		n++;
	ck_assert_int_eq(n, 100);
	scap_close(h);
	int status;
	waitpid(pid, &status, 0);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	unlink(path);
	sg_free(&b);
}
END_TEST

Suite *regress_suite(void)
{
	Suite *s = suite_create("regress");
	TCase *tc = tcase_create("review");

	tcase_add_test(tc, test_tid_collisions);
	tcase_add_test(tc, test_gzip_cut_trailer);
	tcase_add_test(tc, test_unknown_type_many_params);
	tcase_add_test(tc, test_metadata_budget);
	tcase_add_test(tc, test_big_endian);
	tcase_add_test(tc, test_fifo);
	suite_add_tcase(s, tc);
	return s;
}

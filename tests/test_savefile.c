/* SPDX-License-Identifier: Apache-2.0 */
/* API behaviour of scap_open/scap_next/metadata on real and synthetic files. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "scap.h"
#include "scapgen.h"
#include "test_util.h"

static scap_t *open_path(const char *path, size_t bufsize, char *errbuf, int *err)
{
	struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;

	o.filename = path;
	o.buffer_size = bufsize;
	return scap_open_err(&o, errbuf, err);
}

START_TEST(test_open_errors)
{
	char errbuf[SCAP_ERRBUF_SIZE];
	int err = 0;
	struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;

	ck_assert_ptr_null(scap_open_err(NULL, errbuf, &err));
	ck_assert_int_eq(err, SCAP_ERR_INVAL);

	o.engine = "nosuchengine";
	o.filename = "/nonexistent";
	ck_assert_ptr_null(scap_open_err(&o, errbuf, &err));
	ck_assert_int_eq(err, SCAP_ERR_NOENGINE);
	ck_assert_ptr_nonnull(strstr(errbuf, "nosuchengine"));

	ck_assert_ptr_null(open_path("/nonexistent/x.scap", 0, errbuf, &err));
	ck_assert_int_eq(err, SCAP_ERR_IO);
	ck_assert_ptr_nonnull(strstr(errbuf, "/nonexistent/x.scap"));

	ck_assert_ptr_null(open_path("/", 0, errbuf, &err)); /* a directory */
	ck_assert_int_lt(err, 0);

	o.engine = NULL;
	o.filename = NULL;
	ck_assert_ptr_null(scap_open_err(&o, errbuf, &err));
	ck_assert_int_eq(err, SCAP_ERR_INVAL);
	ck_assert_str_eq(scap_strerror(SCAP_ERR_FORMAT), "malformed capture");
}
END_TEST

/* A caller built against an older, shorter opts struct still works, and the
 * stats struct is filled only up to the size the caller gives. */
START_TEST(test_opts_sz_compat)
{
	sg_buf b;
	const char *path = tu_tmpfile(".scap");
	char errbuf[SCAP_ERRBUF_SIZE];
	struct scap_open_opts o;
	const scap_evt_t *e;

	sg_init(&b);
	sg_shb(&b, 1, 2);
	sg_ev_v2(&b, 3, 1000, 42, 234, 0, NULL, 0);
	ck_assert_int_eq(tu_write_file(path, b.p, b.len), 0);
	memset(&o, 0xAB, sizeof(o)); /* garbage past the caller's size */
	o.sz = offsetof(struct scap_open_opts, filename) + sizeof(o.filename);
	o.engine = "savefile";
	o.filename = path;
	scap_t *h = scap_open(&o, errbuf);
	ck_assert_msg(h != NULL, "%s", errbuf);
	ck_assert_int_eq(scap_next(h, &e), SCAP_OK);
	ck_assert_uint_eq(scap_evt_cpu(e), 3);
	ck_assert_int_eq(scap_next(h, &e), SCAP_EOF);
	ck_assert_int_eq(scap_next(h, &e), SCAP_EOF);

	struct {
		struct scap_stats st;
		uint64_t canary;
	} small;
	memset(&small, 0x5A, sizeof(small));
	small.st.sz = offsetof(struct scap_stats, n_drops);
	ck_assert_int_eq(scap_get_stats(h, &small.st), SCAP_OK);
	ck_assert_uint_eq(small.st.n_evts, 1);
	ck_assert_uint_eq(small.st.n_drops, 0x5A5A5A5A5A5A5A5Aull); /* untouched */
	ck_assert_str_eq(scap_engine_name(h), "savefile");
	scap_close(h);
	unlink(path);
	sg_free(&b);
}
END_TEST

/* Events from a gzip file and its decompressed copy, with the default and
 * the smallest read buffer, are byte-identical. */
static void digest(const char *path, size_t bufsize, uint64_t *n, uint32_t *crc)
{
	char errbuf[SCAP_ERRBUF_SIZE];
	int err;
	const scap_evt_t *e;
	scap_t *h = open_path(path, bufsize, errbuf, &err);

	ck_assert_msg(h != NULL, "%s", errbuf);
	*n = 0;
	*crc = 0;
	while ((err = scap_next(h, &e)) == SCAP_OK) {
		uint16_t cpu = scap_evt_cpu(e);
		*crc = (uint32_t)crc32(*crc, scap_evt_raw(e), scap_evt_len(e));
		*crc = (uint32_t)crc32(*crc, (const void *)&cpu, sizeof(cpu));
		(*n)++;
	}
	ck_assert_msg(err == SCAP_EOF, "%s", scap_geterr(h));
	scap_close(h);
}

START_TEST(test_gzip_equals_plain)
{
	const char *src = tu_shared_capture("libs_curl_google.scap");
	if (!src)
		return;
	gzFile gz = gzopen(src, "rb");
	ck_assert_ptr_nonnull(gz);
	sg_buf plain;
	sg_init(&plain);
	char chunk[65536];
	int r;
	while ((r = gzread(gz, chunk, sizeof(chunk))) > 0)
		sg_raw(&plain, chunk, (size_t)r);
	gzclose(gz);
	const char *tmp = tu_tmpfile(".scap");
	char path[4096];
	snprintf(path, sizeof(path), "%s", tmp);
	ck_assert_int_eq(tu_write_file(path, plain.p, plain.len), 0);

	uint64_t n1, n2, n3;
	uint32_t c1, c2, c3;
	digest(src, 0, &n1, &c1);
	digest(path, 0, &n2, &c2);
	digest(path, 1, &n3, &c3); /* clamped to the minimum buffer: many refills */
	ck_assert_uint_eq(n1, 1536);
	ck_assert_uint_eq(n1, n2);
	ck_assert_uint_eq(n1, n3);
	ck_assert_uint_eq(c1, c2);
	ck_assert_uint_eq(c1, c3);
	unlink(path);
	sg_free(&plain);
}
END_TEST

/* Metadata values picked by hand from the shared captures. */
START_TEST(test_metadata_values)
{
	const char *path = tu_shared_capture("falco_connect_localhost.scap");
	char errbuf[SCAP_ERRBUF_SIZE];
	int err;
	if (!path)
		return;
	scap_t *h = open_path(path, 0, errbuf, &err);
	ck_assert_msg(h != NULL, "%s", errbuf);

	/* fd list: /dev/null opened read-write (spec §10.3 example) */
	int found_devnull = 0, found_v4 = 0;
	for (size_t i = 0; i < scap_fd_count(h); i++) {
		const scap_fdinfo_t *f = scap_fd_at(h, i);
		const char *name = scap_fdinfo_bytes(f, SCAP_FDI_NAME, NULL);
		if (name && strcmp(name, "/dev/null") == 0 && scap_fdinfo_int(f, SCAP_FDI_OPEN_FLAGS) == 3)
			found_devnull++;
		if (scap_fdinfo_int(f, SCAP_FDI_TYPE) == SCAP_FD_IPV4_SERVSOCK) {
			size_t len;
			ck_assert_ptr_nonnull(scap_fdinfo_bytes(f, SCAP_FDI_SIP, &len));
			ck_assert_uint_eq(len, 4);
			ck_assert_ptr_null(scap_fdinfo_bytes(f, SCAP_FDI_DIP, &len));
			found_v4++;
		}
	}
	ck_assert_int_gt(found_devnull, 0);
	ck_assert_int_eq(found_v4, 18);

	/* users: root is uid 0 with home /root */
	int root = 0;
	for (size_t i = 0; i < scap_user_count(h); i++) {
		const scap_user_t *u = scap_user_at(h, i);
		if (strcmp(scap_user_name(u), "root") == 0) {
			ck_assert_uint_eq(scap_user_uid(u), 0);
			ck_assert_str_eq(scap_user_homedir(u), "/root");
			root = 1;
		}
	}
	ck_assert_int_eq(root, 1);
	ck_assert_ptr_null(scap_user_at(h, scap_user_count(h)));

	/* interfaces: lo is 127.0.0.1/255.0.0.0 */
	int lo = 0;
	for (size_t i = 0; i < scap_iface_count(h); i++) {
		const scap_iface_t *it = scap_iface_at(h, i);
		size_t len;
		const uint8_t *a = scap_iface_addr(it, &len);
		if (strcmp(scap_iface_name(it), "lo") == 0 && scap_iface_family(it) == 4) {
			static const uint8_t loaddr[4] = {127, 0, 0, 1}, mask[4] = {255, 0, 0, 0};
			ck_assert_uint_eq(len, 4);
			ck_assert_mem_eq(a, loaddr, 4);
			ck_assert_mem_eq(scap_iface_netmask(it, NULL), mask, 4);
			lo = 1;
		}
	}
	ck_assert_int_eq(lo, 1);

	/* proc list: PL_V7 has exepath; defaults for fields it lacks */
	const scap_tinfo_t *t = scap_proc_find(h, 1);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(scap_tinfo_int(t, SCAP_TI_PID), 1);
	ck_assert_int_eq(scap_tinfo_int(t, SCAP_TI_VPGID), -1);       /* V8+ only */
	ck_assert_int_eq(scap_tinfo_int(t, SCAP_TI_LOGINUID), 0xFFFFFFFF); /* V9 only */
	ck_assert_ptr_null(scap_proc_find(h, -12345));
	ck_assert_str_eq(scap_tinfo_field_name(SCAP_TI_CGROUPS), "cgroups");
	scap_close(h);
}
END_TEST

/* PL_V9 with the 0.10+ tail (libs_sample): pid 1 entry stops after
 * exe_ino_mtime (495 bytes), so pgid keeps its default. */
START_TEST(test_pl_v9_new_tail)
{
	const char *path = tu_shared_capture("libs_sample.scap");
	char errbuf[SCAP_ERRBUF_SIZE];
	int err;
	if (!path)
		return;
	scap_t *h = open_path(path, 0, errbuf, &err);
	ck_assert_msg(h != NULL, "%s", errbuf);
	const scap_tinfo_t *t = scap_proc_find(h, 1);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(scap_tinfo_str(t, SCAP_TI_COMM, NULL), "systemd");
	ck_assert_int_eq(scap_tinfo_int(t, SCAP_TI_PGID), -1);
	ck_assert_int_ne(scap_tinfo_int(t, SCAP_TI_EXE_INO), 0);
	ck_assert_int_ne(scap_tinfo_int(t, SCAP_TI_PIDNS_INIT_START_TS), 0);
	size_t len;
	const char *cg = scap_tinfo_str(t, SCAP_TI_CGROUPS, &len);
	ck_assert_uint_gt(len, 0);
	ck_assert_ptr_nonnull(memmem(cg, len, "cpu", 3));
	scap_close(h);
}
END_TEST

Suite *savefile_suite(void)
{
	Suite *s = suite_create("savefile");
	TCase *tc = tcase_create("api");

	tcase_add_test(tc, test_open_errors);
	tcase_add_test(tc, test_opts_sz_compat);
	tcase_add_test(tc, test_gzip_equals_plain);
	tcase_add_test(tc, test_metadata_values);
	tcase_add_test(tc, test_pl_v9_new_tail);
	suite_add_tcase(s, tc);
	return s;
}

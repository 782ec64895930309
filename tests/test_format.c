/* SPDX-License-Identifier: Apache-2.0 */
/* scap_evt_param_format(): text of each parameter type, on synthetic events
 * whose bytes the test builds, and on events of the shared captures. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scap.h"
#include "scapgen.h"
#include "test_util.h"

/* Write one EV_V2 event to a file, open it and return the handle. */
static scap_t *one_event(uint16_t type, uint32_t n, const struct sg_param *p, const scap_evt_t **e)
{
	static char path[4096];
	char errbuf[SCAP_ERRBUF_SIZE];
	struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;
	sg_buf b;

	sg_init(&b);
	sg_shb(&b, 1, 2);
	sg_ev_v2(&b, 0, 1, 7, type, n, p, 0);
	snprintf(path, sizeof(path), "%s", tu_tmpfile(".scap"));
	ck_assert_int_eq(tu_write_file(path, b.p, b.len), 0);
	sg_free(&b);
	o.filename = path;
	scap_t *h = scap_open(&o, errbuf);
	ck_assert_msg(h != NULL, "%s", errbuf);
	unlink(path);
	ck_assert_int_eq(scap_next(h, e), SCAP_OK);
	return h;
}

static void expect(const scap_evt_t *e, uint32_t i, uint32_t max, const char *want)
{
	char buf[1024];
	int n = scap_evt_param_format(e, i, buf, sizeof(buf), max);
	ck_assert_str_eq(buf, want);
	ck_assert_int_eq(n, (int)strlen(want));
}

START_TEST(test_format_connect)
{
	/* connect< res=-115 tuple=127.0.0.1:47192->127.0.0.1:80 fd=3 addr=<NA> */
	uint8_t tuple[13] = {2, 127, 0, 0, 1, 0, 0, 127, 0, 0, 1, 80, 0};
	uint16_t sport = 47192;
	memcpy(tuple + 5, &sport, 2);
	int64_t res = -115, fd = 3;
	struct sg_param p[4] = {{&res, 8}, {tuple, 13}, {&fd, 8}, {NULL, 0}};
	const scap_evt_t *e;
	scap_t *h = one_event(23, 4, p, &e);
	expect(e, 0, 0, "-115(EINPROGRESS)");
	expect(e, 1, 0, "127.0.0.1:47192->127.0.0.1:80");
	expect(e, 2, 0, "3");
	expect(e, 3, 0, "<NA>");
	char small[8];
	ck_assert_int_eq(scap_evt_param_format(e, 1, small, sizeof(small), 0), 29); /* full length */
	ck_assert_str_eq(small, "127.0.0");
	ck_assert_int_eq(scap_evt_param_format(e, 4, small, sizeof(small), 0), SCAP_ERR_INVAL);
	scap_close(h);
}
END_TEST

START_TEST(test_format_ipv6_and_unix)
{
	/* accept< with an IPv6 tuple, as in libs_single_ipv6_conn */
	uint8_t t6[37] = {10};
	inet_pton(AF_INET6, "2001:db8::4", t6 + 1);
	inet_pton(AF_INET6, "2001:db8::3", t6 + 19);
	uint16_t p1 = 54405, p2 = 1234;
	memcpy(t6 + 17, &p1, 2);
	memcpy(t6 + 35, &p2, 2);
	int64_t fd = 5;
	struct sg_param p[2] = {{&fd, 8}, {t6, 37}};
	const scap_evt_t *e;
	scap_t *h = one_event(247, 2, p, &e);
	expect(e, 1, 0, "[2001:db8::4]:54405->[2001:db8::3]:1234");
	scap_close(h);

	/* a unix tuple: src->dst addresses then the path */
	uint8_t tu[17 + 12] = {1};
	uint64_t src = 0xffff9a0011112222ull, dst = 0xffff9a0033334444ull;
	memcpy(tu + 1, &src, 8);
	memcpy(tu + 9, &dst, 8);
	memcpy(tu + 17, "/run/x.sock", 12);
	int64_t res = 0;
	struct sg_param q[2] = {{&res, 8}, {tu, sizeof(tu)}};
	h = one_event(23, 2, q, &e);
	expect(e, 1, 0, "ffff9a0011112222->ffff9a0033334444 /run/x.sock");
	scap_close(h);
}
END_TEST

START_TEST(test_format_open_flags_mode)
{
	int64_t fd = -2;
	uint32_t flags = 1 | 4096, mode = 0644, dev = 0x803;
	uint64_t ino = 1234;
	struct sg_param p[6] = {{&fd, 8}, {"/etc/passwd", 12}, {&flags, 4}, {&mode, 4}, {&dev, 4}, {&ino, 8}};
	const scap_evt_t *e;
	scap_t *h = one_event(3, 6, p, &e);
	expect(e, 0, 0, "-2");
	expect(e, 1, 0, "/etc/passwd");
	expect(e, 2, 0, "4097(O_RDONLY|O_CLOEXEC)");
	expect(e, 3, 0, "0644");
	expect(e, 4, 0, "0x803");
	expect(e, 5, 0, "1234");
	scap_close(h);

	/* chmod< mode is PT_MODE with the chmod_mode table */
	int64_t res = -1;
	uint32_t m = 04755;
	struct sg_param q[3] = {{&res, 8}, {"f", 2}, {&m, 4}};
	h = one_event(315, 3, q, &e);
	expect(e, 0, 0, "-1(EPERM)");
	char buf[256];
	scap_evt_param_format(e, 2, buf, sizeof(buf), 0);
	ck_assert_msg(strncmp(buf, "04755(", 6) == 0 && strstr(buf, "S_ISUID"), "%s", buf);
	scap_close(h);
}
END_TEST

START_TEST(test_format_buffers)
{
	/* read< data: escaped and cut at max bytes */
	int64_t res = 9;
	const char data[] = "ab\\\n\t\x01\0yz";
	uint32_t size = 9;
	int64_t fd = 0;
	struct sg_param p[4] = {{&res, 8}, {data, 9}, {&fd, 8}, {&size, 4}};
	const scap_evt_t *e;
	scap_t *h = one_event(7, 4, p, &e);
	expect(e, 1, 0, "ab\\\\\\n\\t\\x01\\0yz");
	expect(e, 1, 3, "ab\\\\...");
	scap_close(h);
}
END_TEST

START_TEST(test_format_misc_types)
{
	/* kill< sig, poll< fds, syscall> id, setsockopt< dyn, a fixed-size
	 * param with the wrong size, unknown event type */
	int64_t res = 0, pid = 99;
	uint8_t sig = 9;
	struct sg_param p[3] = {{&res, 8}, {&pid, 8}, {&sig, 1}};
	const scap_evt_t *e;
	scap_t *h = one_event(129, 3, p, &e);
	expect(e, 2, 0, "9(SIGKILL)");
	scap_close(h);

	uint8_t fds[2 + 20];
	uint16_t nf = 2, f1 = 1, f2 = 4 | 1;
	int64_t a = 3, b = 4;
	memcpy(fds, &nf, 2);
	memcpy(fds + 2, &a, 8);
	memcpy(fds + 10, &f1, 2);
	memcpy(fds + 12, &b, 8);
	memcpy(fds + 20, &f2, 2);
	int64_t timeout = -1;
	struct sg_param q[3] = {{&res, 8}, {fds, sizeof(fds)}, {&timeout, 8}};
	h = one_event(81, 3, q, &e);
	expect(e, 1, 0, "3:POLLIN 4:POLLIN|POLLOUT");
	expect(e, 2, 0, "-1");
	scap_close(h);

	uint16_t sc = 3, native = 0;
	struct sg_param r[2] = {{&sc, 2}, {&native, 2}};
	h = one_event(0, 2, r, &e);
	expect(e, 0, 0, "read");
	scap_close(h);

	uint8_t dyn[5] = {2};
	uint32_t one = 1, optlen = 4;
	uint8_t level = 1, optname = 2;
	memcpy(dyn + 1, &one, 4);
	struct sg_param s[6] = {{&res, 8}, {&a, 8}, {&level, 1}, {&optname, 1}, {dyn, 5}, {&optlen, 4}};
	h = one_event(45, 6, s, &e);
	expect(e, 4, 0, "1"); /* selector 2 = PT_UINT32 */
	scap_close(h);

	struct sg_param t[1] = {{"abc", 3}};
	h = one_event(129, 1, t, &e); /* res is 8 bytes wide, here 3 */
	expect(e, 0, 0, "abc");
	scap_close(h);

	h = one_event(60000, 1, t, &e);
	expect(e, 0, 0, "abc");
	ck_assert_ptr_null(scap_event_name(60000));
	scap_close(h);
}
END_TEST

/* On the real capture: falco_connect_localhost's connect< (spec §10.2). */
START_TEST(test_format_corpus_connect)
{
	const char *path = tu_shared_capture("falco_connect_localhost.scap");
	if (!path)
		return;
	struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;
	char errbuf[SCAP_ERRBUF_SIZE];
	const scap_evt_t *e;
	o.filename = path;
	scap_t *h = scap_open(&o, errbuf);
	ck_assert_ptr_nonnull(h);
	int found = 0;
	while (scap_next(h, &e) == SCAP_OK)
		if (scap_evt_type(e) == 23) {
			expect(e, 1, 0, "127.0.0.1:47192->127.0.0.1:80");
			found++;
		}
	ck_assert_int_eq(found, 1);
	scap_close(h);
}
END_TEST

Suite *format_suite(void)
{
	Suite *s = suite_create("format");
	TCase *tc = tcase_create("params");

	tcase_add_test(tc, test_format_connect);
	tcase_add_test(tc, test_format_ipv6_and_unix);
	tcase_add_test(tc, test_format_open_flags_mode);
	tcase_add_test(tc, test_format_buffers);
	tcase_add_test(tc, test_format_misc_types);
	tcase_add_test(tc, test_format_corpus_connect);
	suite_add_tcase(s, tc);
	return s;
}

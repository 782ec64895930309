/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Output templates (filter_format_*): exact rendered text for every value
 * type from a mock provider ("o.*"), arguments, transformers, widths,
 * "%%", <NA>, truncation, field listing and compile errors with columns;
 * then the built-in evt.* fields on the shared captures, checked against
 * the expected dumps.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "scap.h"
#include "test_util.h"

Suite *output_suite(void);

/* What the mock fields return for one render. */
struct ovals {
	const char *str, *path, *b64;
	const char *bytes;
	size_t bytes_len;
	int64_t i;
	uint64_t u;
	double d;
	int b;
	const char *ip;
	const char *list[4];
	const char *any[4];
};

enum { O_STR, O_PATH, O_B64, O_BYTES, O_I, O_U, O_D, O_B, O_IP, O_NET, O_LIST, O_ANY, O_NA, O_FAIL, O_ARG, O_IDX,
       O_FO };

static int o_extract(void *ctx, uint32_t id, const filter_fieldref_t *ref, const filter_evtctx_t *ev,
		     filter_out_t *out)
{
	const struct ovals *v = filter_evtctx_user(ev);
	static uint8_t ip[16];
	size_t len;
	const char *a;
	(void)ctx;
	switch (id) {
	case O_STR: if (v->str) filter_out_str(out, v->str, strlen(v->str)); break;
	case O_PATH: if (v->path) filter_out_str(out, v->path, strlen(v->path)); break;
	case O_B64: if (v->b64) filter_out_str(out, v->b64, strlen(v->b64)); break;
	case O_BYTES: filter_out_bytes(out, v->bytes, v->bytes_len); break;
	case O_I: filter_out_i64(out, v->i); break;
	case O_U: filter_out_u64(out, v->u); break;
	case O_D: filter_out_double(out, v->d); break;
	case O_B: filter_out_bool(out, v->b); break;
	case O_IP: case O_NET:
		if (inet_pton(AF_INET, v->ip, ip) == 1)
			filter_out_ip(out, ip, 4);
		else if (inet_pton(AF_INET6, v->ip, ip) == 1)
			filter_out_ip(out, ip, 16);
		break;
	case O_LIST: for (int k = 0; k < 4 && v->list[k]; k++) filter_out_str(out, v->list[k], strlen(v->list[k])); break;
	case O_ANY: for (int k = 0; k < 4 && v->any[k]; k++) filter_out_str(out, v->any[k], strlen(v->any[k])); break;
	case O_FAIL: filter_out_str(out, "x", 1); return -1;
	case O_ARG: a = filter_fieldref_arg(ref, &len); filter_out_str(out, a, len); break;
	case O_IDX: if (filter_fieldref_argnum(ref) >= 0) filter_out_u64(out, (uint64_t)filter_fieldref_argnum(ref)); break;
	default: break; /* O_NA */
	}
	return 0;
}

static int o_validate(void *ctx, uint32_t id, const char *arg, size_t len, enum filter_ftype *type, char *err,
		      size_t errlen)
{
	(void)ctx;
	(void)type;
	if (id == O_ARG && len == 3 && !memcmp(arg, "bad", 3)) {
		snprintf(err, errlen, "argument 'bad' is not allowed");
		return -1;
	}
	return 0;
}

static filter_registry_t *mock(void)
{
	static const struct {
		const char *name;
		enum filter_ftype type;
		uint32_t flags;
	} f[] = { /* indexed by O_* */
		{"o.str", FILTER_T_STRING, 0}, {"o.path", FILTER_T_STRING, 0}, {"o.b64", FILTER_T_STRING, 0},
		{"o.bytes", FILTER_T_BYTES, 0}, {"o.i", FILTER_T_INT64, 0}, {"o.u", FILTER_T_UINT64, 0},
		{"o.d", FILTER_T_DOUBLE, 0}, {"o.b", FILTER_T_BOOL, 0}, {"o.ip", FILTER_T_IPADDR, 0},
		{"o.net", FILTER_T_IPNET, 0}, {"o.list", FILTER_T_STRING, FILTER_FIELD_LIST},
		{"o.any", FILTER_T_STRING, FILTER_FIELD_ANY}, {"o.na", FILTER_T_STRING, 0},
		{"o.fail", FILTER_T_STRING, 0},
		{"o.arg", FILTER_T_STRING, FILTER_FIELD_ARG_REQUIRED | FILTER_FIELD_ARG_DOTTED},
		{"o.idx", FILTER_T_UINT64, FILTER_FIELD_ARG_ALLOWED | FILTER_FIELD_ARG_INDEX},
		{"o.fo", FILTER_T_STRING, FILTER_FIELD_FILTER_ONLY},
	};
	filter_registry_t *r = filter_registry_new();
	struct filter_provider_opts o = FILTER_PROVIDER_OPTS_INIT;
	o.name = "o";
	o.extract = o_extract;
	o.validate = o_validate;
	int p = filter_registry_add_provider(r, &o);
	ck_assert_int_ge(p, 0);
	for (uint32_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		ck_assert_int_eq(filter_registry_add_field(r, p, f[i].name, f[i].type, f[i].flags, i, "mock"), FILTER_OK);
	return r;
}

static const struct ovals base = {
	.str = "Bash", .path = "/usr/bin/", .b64 = "aGVsbG8=", .bytes = "\x01" "ab\xff" "c\n", .bytes_len = 6,
	.i = -42, .u = 18446744073709551615u, .d = 0.25, .b = 1, .ip = "10.0.0.1",
	.list = {"a", "b", "c"}, .any = {"first", "second"},
};

/* Compile tmpl, render it with v, compare with want. */
static void check_render(filter_registry_t *r, const char *tmpl, const struct ovals *v, const char *want)
{
	char buf[512];
	int err;
	filter_format_t *f = filter_format_compile(r, tmpl, &err);
	ck_assert_msg(f != NULL, "compile '%s': %s", tmpl, filter_registry_geterr(r));
	ck_assert_int_eq(err, FILTER_OK);
	int n = filter_format_render(f, NULL, 7, (void *)v, buf, sizeof(buf));
	ck_assert_msg(strcmp(buf, want) == 0, "'%s' rendered '%s', want '%s'", tmpl, buf, want);
	ck_assert_int_eq(n, (int)strlen(want));
	filter_format_free(f);
}

START_TEST(test_values)
{
	filter_registry_t *r = mock();
	struct ovals v = base;

	check_render(r, "", &v, "");
	check_render(r, "no fields here", &v, "no fields here");
	check_render(r, "%o.str|%o.i|%o.u|%o.d|%o.b|%o.ip|%o.net", &v,
		     "Bash|-42|18446744073709551615|0.2|true|10.0.0.1|10.0.0.1"); /* doubles: one decimal, as upstream */
	check_render(r, "%o.bytes", &v, ".ab.c.");
	check_render(r, "%o.list %o.any", &v, "(a,b,c) first");
	check_render(r, "[%o.na] [%o.fail]", &v, "[<NA>] [<NA>]");
	check_render(r, "100%% %%o.str %o.str%%", &v, "100% %o.str Bash%");
	check_render(r, "(%o.str)%o.str.%o.str,", &v, "(Bash)Bash.Bash,");
	v.str = NULL;
	v.b = 0;
	v.d = 1e21;
	v.ip = "2001:db8::1";
	v.list[0] = NULL;
	v.i = INT64_MIN;
	check_render(r, "%o.str %o.b %o.d %o.ip %o.list %o.i", &v,
		     "<NA> false 1000000000000000000000.0 2001:db8::1 <NA> -9223372036854775808");
	filter_registry_free(r);
}
END_TEST

START_TEST(test_args_transformers_widths)
{
	filter_registry_t *r = mock();
	struct ovals v = base;

	check_render(r, "%o.arg[hello] %o.arg.fd %o.arg.0 %o.idx[2] %o.idx", &v, "hello fd 0 2 <NA>");
	check_render(r, "%o.arg[a b.c] %o.arg[x]]", &v, "a b.c x]");
	check_render(r, "%toupper(o.str) %tolower(o.str) %len(o.str) %len(o.list) %basename(o.path) %b64(o.b64)", &v,
		     "BASH bash 4 3 bin hello");
	check_render(r, "%toupper(tolower(o.str)) %len(o.arg.abc) %toupper(o.arg[x])", &v, "BASH 3 X");
	v.b64 = "not base64!";
	check_render(r, "%b64(o.b64)", &v, "<NA>");
	/* upstream's width: cut or padded with spaces */
	check_render(r, "|%6o.str|%2o.str|%6o.na|%1o.i|%03o.u|", &v, "|Bash  |Ba|<NA>  |-|184|");
	/* a dotted name that is not a field: the longest field, then text */
	check_render(r, "%o.str.txt %o.arg.x.y", &v, "Bash.txt x.y");
	/* transformer values larger than any before: scratch buffers grow */
	static char big[20000];
	memset(big, 'q', sizeof(big) - 1);
	v.str = big;
	char *want = malloc(sizeof(big));
	memset(want, 'Q', sizeof(big) - 1);
	want[sizeof(big) - 1] = 0;
	filter_format_t *f = filter_format_compile(r, "%toupper(o.str)", NULL);
	ck_assert_ptr_nonnull(f);
	char *buf = malloc(sizeof(big));
	for (int k = 0; k < 3; k++) {
		ck_assert_int_eq(filter_format_render(f, NULL, 0, &v, buf, sizeof(big)), (int)sizeof(big) - 1);
		ck_assert_str_eq(buf, want);
	}
	v.str = "short";
	ck_assert_int_eq(filter_format_render(f, NULL, 0, &v, buf, sizeof(big)), 5);
	ck_assert_str_eq(buf, "SHORT");
	free(buf);
	free(want);
	filter_format_free(f);
	filter_registry_free(r);
}
END_TEST

START_TEST(test_truncation)
{
	filter_registry_t *r = mock();
	struct ovals v = base;
	filter_format_t *f = filter_format_compile(r, "name=%o.str i=%o.i", NULL);
	char buf[8];

	ck_assert_ptr_nonnull(f);
	memset(buf, 'X', sizeof(buf));
	ck_assert_int_eq(filter_format_render(f, NULL, 0, &v, buf, sizeof(buf)), 15);
	ck_assert_str_eq(buf, "name=Ba");
	ck_assert_int_eq(filter_format_render(f, NULL, 0, &v, NULL, 0), 15);
	buf[0] = 'X';
	ck_assert_int_eq(filter_format_render(f, NULL, 0, &v, buf, 1), 15);
	ck_assert_int_eq(buf[0], 0);
	ck_assert_int_eq(filter_format_render_field(f, 1, NULL, 0, &v, buf, 3), 3);
	ck_assert_str_eq(buf, "-4");
	ck_assert_int_eq(filter_format_render(NULL, NULL, 0, &v, buf, sizeof(buf)), FILTER_ERR_INVAL);
	ck_assert_int_eq(buf[0], 0);
	filter_format_free(f);
	filter_registry_free(r);
}
END_TEST

START_TEST(test_field_listing)
{
	filter_registry_t *r = mock();
	struct ovals v = base;
	filter_format_t *f = filter_format_compile(
		r, "%o.str %o.arg.fd %o.idx[3] %tolower(o.str) %o.str %12o.i %o.str.x", NULL);
	static const char *const names[] = {"o.str", "o.arg.fd", "o.idx[3]", "tolower(o.str)", "o.i"};
	static const char *const vals[] = {"Bash", "fd", "3", "bash", "-42"};
	char buf[64];

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(filter_format_field_count(f), 5);
	for (size_t i = 0; i < 5; i++) {
		ck_assert_str_eq(filter_format_field_name(f, i), names[i]);
		ck_assert_int_eq(filter_format_render_field(f, i, NULL, 0, &v, buf, sizeof(buf)), (int)strlen(vals[i]));
		ck_assert_str_eq(buf, vals[i]);
	}
	ck_assert_ptr_null(filter_format_field_name(f, 5));
	ck_assert_int_eq(filter_format_render_field(f, 5, NULL, 0, &v, buf, sizeof(buf)), FILTER_ERR_INVAL);
	ck_assert_str_eq(buf, "");
	ck_assert_uint_eq(filter_format_field_count(NULL), 0);
	ck_assert_ptr_null(filter_format_field_name(NULL, 0));
	filter_format_free(f);
	filter_format_free(NULL);
	filter_registry_free(r);
}
END_TEST

static const struct {
	const char *tmpl;
	int err;
	uint32_t col;
	const char *msg; /* first line of the message */
} rejects[] = {
	{"%o.nme", FILTER_ERR_COMPILE, 1, "column 1: unknown field 'o.nme'"},
	{"pid=%o.i name=%o.nope rest", FILTER_ERR_COMPILE, 15, "column 15: unknown field 'o.nope'"},
	{"%proc", FILTER_ERR_COMPILE, 1, "column 1: unknown field 'proc'"},
	{"%12x.y", FILTER_ERR_COMPILE, 1, "column 1: unknown field 'x.y'"},
	{"%tolower(o.i)", FILTER_ERR_COMPILE, 1, "column 1: tolower() needs a string field, not int64"},
	{"%o.str[x]", FILTER_ERR_COMPILE, 1, "column 1: field 'o.str' does not take an argument"},
	{"%o.arg", FILTER_ERR_COMPILE, 1, "column 1: field 'o.arg' requires an argument"},
	{"x %o.arg[bad]", FILTER_ERR_COMPILE, 3, "column 3: field 'o.arg': argument 'bad' is not allowed"},
	{"%o.idx[a]", FILTER_ERR_COMPILE, 1, "column 1: field 'o.idx' needs a numeric argument, not 'a'"},
	{"%o.arg.fd[x]", FILTER_ERR_COMPILE, 1, "column 1: field 'o.arg.fd' has two arguments"},
	{"%o.fo", FILTER_ERR_COMPILE, 1, "column 1: field 'o.fo' is filter only and cannot be used in outputs"},
	{"100%", FILTER_ERR_SYNTAX, 4, "column 4: a template cannot end with '%' (write %% for a literal %)"},
	{"50% off", FILTER_ERR_SYNTAX, 4, "column 4: expected a field name after '%' (write %% for a literal %)"},
	{"%12", FILTER_ERR_SYNTAX, 1, "column 1: a template cannot end with a field width"},
	{"%o.str[", FILTER_ERR_SYNTAX, 8, "column 8: expected ']' after the field argument"},
	{"%o.str[]", FILTER_ERR_SYNTAX, 8, "column 8: empty field argument"},
	{"%tolower(o.str", FILTER_ERR_SYNTAX, 1, "column 1: expected ')' to close tolower("},
	{"%toupper(tolower(o.str) x", FILTER_ERR_SYNTAX, 24, "column 24: expected ')' to close toupper("},
	{"%tolower( o.str)", FILTER_ERR_SYNTAX, 10, "column 10: expected a field name after '%' (write %% for a literal %)"},
};

START_TEST(test_rejects)
{
	filter_registry_t *r = mock();
	int err = 0;
	filter_format_t *f = filter_format_compile(r, rejects[_i].tmpl, &err);

	ck_assert_msg(f == NULL, "'%s' compiled", rejects[_i].tmpl);
	ck_assert_int_eq(err, rejects[_i].err);
	ck_assert_uint_eq(filter_registry_errcol(r), rejects[_i].col);
	const char *m = filter_registry_geterr(r);
	size_t l = strcspn(m, "\n");
	ck_assert_msg(strlen(rejects[_i].msg) == l && !strncmp(m, rejects[_i].msg, l), "'%s': got '%.*s', want '%s'",
		      rejects[_i].tmpl, (int)l, m, rejects[_i].msg);
	filter_registry_free(r);
}
END_TEST

START_TEST(test_error_text)
{
	filter_registry_t *r = mock();
	int err = 0;

	ck_assert_ptr_null(filter_format_compile(r, "user=%o.str proc=%o.nme", &err));
	ck_assert_str_eq(filter_registry_geterr(r), "column 18: unknown field 'o.nme'\n"
						    "user=%o.str proc=%o.nme\n"
						    "                 ^");
	ck_assert_ptr_null(filter_format_compile(NULL, "%o.str", &err));
	ck_assert_int_eq(err, FILTER_ERR_INVAL);
	ck_assert_ptr_null(filter_format_compile(r, NULL, &err));
	ck_assert_int_eq(err, FILTER_ERR_INVAL);
	/* a good compile clears the previous error */
	filter_format_t *f = filter_format_compile(r, "%o.str", &err);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(filter_registry_geterr(r), "");
	ck_assert_uint_eq(filter_registry_errcol(r), 0);
	filter_format_free(f);
	filter_registry_free(r);
}
END_TEST

/* ---- evt.* on the shared captures ---- */
START_TEST(test_evt_capture)
{
	const char *dir = tu_shared_dir("output templates on captures");
	if (!dir)
		return;
	char path[4096];
	snprintf(path, sizeof(path), "%s/captures/expected/libs_single_ipv6_conn.dump.txt", dir);
	char *text = tu_read_file(path, NULL);
	ck_assert_ptr_nonnull(text);
	snprintf(path, sizeof(path), "%s/captures/libs_single_ipv6_conn.scap", dir);

	filter_registry_t *r = filter_registry_new();
	ck_assert_int_eq(filter_registry_add_evt_fields(r), FILTER_OK);
	filter_format_t *line = filter_format_compile(r, "%evt.num %evt.rawtime %evt.type %evt.dir", NULL);
	filter_format_t *detail = filter_format_compile(
		r, "%evt.num %evt.type %evt.dir fd=%evt.arg.fd res=%evt.res failed=%evt.failed %toupper(evt.type) 100%%",
		NULL);
	ck_assert_msg(line && detail, "%s", filter_registry_geterr(r));
	ck_assert_uint_eq(filter_format_field_count(detail), 7);
	ck_assert_str_eq(filter_format_field_name(detail, 3), "evt.arg.fd");

	static const struct {
		uint64_t num;
		const char *want;
	} spots[] = {
		{1, "1 procinfo > fd=<NA> res=<NA> failed=<NA> PROCINFO 100%"},
		{849, "849 socket < fd=3 res=SUCCESS failed=false SOCKET 100%"},
		{1142, "1142 connect > fd=3 res=<NA> failed=<NA> CONNECT 100%"},
		{1143, "1143 connect < fd=<NA> res=ENOENT failed=true CONNECT 100%"},
	};
	struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;
	char errbuf[SCAP_ERRBUF_SIZE], buf[256], want[256];
	o.filename = path;
	scap_t *h = scap_open(&o, errbuf);
	ck_assert_msg(h != NULL, "%s", errbuf);
	const scap_evt_t *e;
	uint64_t n = 0;
	size_t spot = 0;
	char *save = NULL, *l = strtok_r(text, "\n", &save);
	while (scap_next(h, &e) == SCAP_OK) {
		n++;
		/* the dump line: num ts tid name dir nparams */
		ck_assert_ptr_nonnull(l);
		uint64_t dnum, dts;
		char name[64], d;
		ck_assert_int_eq(sscanf(l, "%" SCNu64 " %" SCNu64 " %*d %63s %c", &dnum, &dts, name, &d), 4);
		snprintf(want, sizeof(want), "%" PRIu64 " %" PRIu64 " %s %c", dnum, dts, name, d);
		int len = filter_format_render(line, e, n, NULL, buf, sizeof(buf));
		ck_assert_str_eq(buf, want);
		ck_assert_int_eq(len, (int)strlen(want));
		l = strtok_r(NULL, "\n", &save);
		if (spot < sizeof(spots) / sizeof(spots[0]) && spots[spot].num == n) {
			filter_format_render(detail, e, n, NULL, buf, sizeof(buf));
			ck_assert_str_eq(buf, spots[spot].want);
			spot++;
		}
	}
	ck_assert_ptr_null(l);
	ck_assert_uint_eq(spot, sizeof(spots) / sizeof(spots[0]));
	scap_close(h);
	/* no event: evt.* fields are not available */
	ck_assert_int_eq(filter_format_render(line, NULL, 5, NULL, buf, sizeof(buf)), 19);
	ck_assert_str_eq(buf, "<NA> <NA> <NA> <NA>");
	filter_format_free(line);
	filter_format_free(detail);
	filter_registry_free(r);
	free(text);
}
END_TEST

Suite *output_suite(void)
{
	Suite *s = suite_create("output");
	TCase *tc = tcase_create("mock");

	tcase_add_test(tc, test_values);
	tcase_add_test(tc, test_args_transformers_widths);
	tcase_add_test(tc, test_truncation);
	tcase_add_test(tc, test_field_listing);
	tcase_add_loop_test(tc, test_rejects, 0, (int)(sizeof(rejects) / sizeof(rejects[0])));
	tcase_add_test(tc, test_error_text);
	suite_add_tcase(s, tc);
	TCase *tcc = tcase_create("capture");
	tcase_add_test(tcc, test_evt_capture);
	suite_add_tcase(s, tcc);
	return s;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libfilter golden tests, in the style of libpcap's: conditions and their
 * canonical dump, equivalent spellings that must dump the same, rejected
 * conditions with their exact error text, and an evaluation table. The
 * fields come from a mock provider of this file ("t.*"), so the compiler is
 * tested on its own; the event-type set uses the built-in evt.* fields.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filter.h"
#include "scap.h"
#include "scapgen.h"
#include "test_util.h"

/* What the mock fields return for one evaluation. */
struct tvals {
	const char *str;   /* NULL: not available */
	const char *bytes; /* with bytes_len */
	size_t bytes_len;
	int64_t i;
	uint64_t u;
	int b;
	const char *ip; /* text, parsed on extraction */
	const char *list[4];
	const char *any[4];
	const char *path;
	const char *other; /* second string field, for val() */
	int extractions;
};

enum { F_STR, F_BYTES, F_I, F_U, F_B, F_IP, F_NET, F_LIST, F_ANY, F_NA, F_ARG, F_IDX, F_PATH, F_OTHER, F_REL };

static int t_extract(void *ctx, uint32_t id, const filter_fieldref_t *ref, const filter_evtctx_t *ev,
		     filter_out_t *out)
{
	struct tvals *v = filter_evtctx_user(ev);
	static uint8_t ip[16];
	(void)ctx;
	v->extractions++;
	switch (id) {
	case F_STR: if (v->str) filter_out_str(out, v->str, strlen(v->str)); break;
	case F_OTHER: if (v->other) filter_out_str(out, v->other, strlen(v->other)); break;
	case F_PATH: if (v->path) filter_out_str(out, v->path, strlen(v->path)); break;
	case F_BYTES: if (v->bytes) filter_out_bytes(out, v->bytes, v->bytes_len); break;
	case F_I: filter_out_i64(out, v->i); break;
	case F_U: case F_REL: filter_out_u64(out, v->u); break;
	case F_B: filter_out_bool(out, v->b); break;
	case F_IP: case F_NET:
		if (v->ip && inet_pton(AF_INET, v->ip, ip) == 1)
			filter_out_ip(out, ip, 4);
		else if (v->ip && inet_pton(AF_INET6, v->ip, ip) == 1)
			filter_out_ip(out, ip, 16);
		break;
	case F_LIST:
		for (int k = 0; k < 4 && v->list[k]; k++)
			filter_out_str(out, v->list[k], strlen(v->list[k]));
		break;
	case F_ANY:
		for (int k = 0; k < 4 && v->any[k]; k++)
			filter_out_str(out, v->any[k], strlen(v->any[k]));
		break;
	case F_ARG: {
		size_t len;
		const char *a = filter_fieldref_arg(ref, &len);
		filter_out_str(out, a, len);
		break;
	}
	case F_IDX: filter_out_u64(out, (uint64_t)filter_fieldref_argnum(ref)); break;
	default: break; /* F_NA */
	}
	return 0;
}

static int t_validate(void *ctx, uint32_t id, const char *arg, size_t len, enum filter_ftype *type, char *err,
		      size_t errlen)
{
	(void)ctx;
	(void)type;
	if (id == F_ARG && len == 3 && !memcmp(arg, "bad", 3)) {
		snprintf(err, errlen, "argument 'bad' is not allowed");
		return -1;
	}
	return 0;
}

static filter_registry_t *mock_registry(void)
{
	filter_registry_t *r = filter_registry_new();
	struct filter_provider_opts o = FILTER_PROVIDER_OPTS_INIT;
	o.name = "t";
	o.extract = t_extract;
	o.validate = t_validate;
	int p = filter_registry_add_provider(r, &o);
	ck_assert_int_ge(p, 0);
	static const struct {
		const char *name;
		enum filter_ftype type;
		uint32_t flags, id;
	} fields[] = {
		{"t.str", FILTER_T_STRING, 0, F_STR}, {"t.bytes", FILTER_T_BYTES, 0, F_BYTES},
		{"t.i", FILTER_T_INT64, 0, F_I}, {"t.u", FILTER_T_UINT64, 0, F_U}, {"t.b", FILTER_T_BOOL, 0, F_B},
		{"t.ip", FILTER_T_IPADDR, 0, F_IP}, {"t.net", FILTER_T_IPNET, 0, F_NET},
		{"t.list", FILTER_T_STRING, FILTER_FIELD_LIST, F_LIST}, {"t.any", FILTER_T_STRING, FILTER_FIELD_ANY, F_ANY},
		{"t.na", FILTER_T_STRING, 0, F_NA},
		{"t.arg", FILTER_T_STRING, FILTER_FIELD_ARG_REQUIRED | FILTER_FIELD_ARG_DOTTED, F_ARG},
		{"t.idx", FILTER_T_UINT64, FILTER_FIELD_ARG_ALLOWED | FILTER_FIELD_ARG_INDEX, F_IDX},
		{"t.path", FILTER_T_STRING, 0, F_PATH}, {"t.other", FILTER_T_STRING, 0, F_OTHER},
		{"t.rel", FILTER_T_RELTIME, 0, F_REL},
	};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		ck_assert_int_eq(filter_registry_add_field(r, p, fields[i].name, fields[i].type, fields[i].flags,
							   fields[i].id, "mock field"), FILTER_OK);
	static const char *const shells[] = {"bash", "sh", "more_shells"};
	static const char *const more[] = {"zsh", "'fish'"};
	ck_assert_int_eq(filter_registry_define_list(r, "shells", shells, 3), FILTER_OK);
	ck_assert_int_eq(filter_registry_define_list(r, "more_shells", more, 2), FILTER_OK);
	ck_assert_int_eq(filter_registry_define_macro(r, "is_shell", "t.str in (shells)"), FILTER_OK);
	ck_assert_int_eq(filter_registry_define_macro(r, "shell_or_root", "is_shell or t.u = 0"), FILTER_OK);
	ck_assert_int_eq(filter_registry_define_macro(r, "loop_a", "t.u = 1 and loop_b"), FILTER_OK);
	ck_assert_int_eq(filter_registry_define_macro(r, "loop_b", "loop_a"), FILTER_OK);
	ck_assert_int_eq(filter_registry_define_macro(r, "broken", "t.str = "), FILTER_OK);
	return r;
}

static char *dump_of(filter_registry_t *r, const char *cond)
{
	static char buf[4096];
	filter_t *f = filter_compile(r, cond, NULL);
	ck_assert_msg(f != NULL, "compile '%s': %s", cond, filter_registry_geterr(r));
	filter_dump(f, buf, sizeof(buf));
	filter_free(f);
	return buf;
}

/* ---- golden dumps ---- */
static const struct {
	const char *cond, *dump;
} goldens[] = {
	{"t.str = bash", "(= t.str \"bash\")"},
	{"t.str exists", "(exists t.str)"},
	{"t.str in (bash, sh)", "(in t.str (\"bash\" \"sh\"))"},
	{"t.str in shells", "(in t.str (\"bash\" \"sh\" \"zsh\" \"'fish'\"))"},
	{"t.str in (shells, ksh)", "(in t.str (\"bash\" \"sh\" \"zsh\" \"'fish'\" \"ksh\"))"},
	{"t.str in (\"shells\")", "(in t.str (\"shells\"))"}, /* quoted: a value, not a list name */
	{"t.u in (3, 1, 2)", "(in t.u (1 2 3))"},
	{"t.i < -5", "(< t.i -5)"},
	{"t.u >= 0x10", "(>= t.u 16)"},
	{"t.b = true", "(= t.b true)"},
	{"t.ip = 10.0.0.1", "(= t.ip 10.0.0.1)"},
	{"t.ip in (::1, 127.0.0.1)", "(in t.ip (::1 127.0.0.1))"},
	{"t.net = 10.1.2.3/8", "(= t.net 10.0.0.0/8)"},
	{"t.net = 192.168.0.1", "(= t.net 192.168.0.1/32)"},
	{"t.net in (2001:db8::/32, 10.0.0.0/8)", "(in t.net (2001:db8::/32 10.0.0.0/8))"},
	{"t.bytes bcontains CAFEbabe", "(bcontains t.bytes 0xcafebabe)"},
	{"t.str bstartswith 6162", "(bstartswith t.str 0x6162)"},
	{"t.arg.foo = foo", "(= t.arg[foo] \"foo\")"},
	{"t.idx[3] = 3", "(= t.idx[3] 3)"},
	{"t.arg.0 = x", "(= t.arg[0] \"x\")"},
	{"tolower(t.str) = bash", "(= tolower(t.str) \"bash\")"},
	{"toupper(basename(t.path)) = LS", "(= toupper(basename(t.path)) \"LS\")"},
	{"len(t.str) > 3", "(> len(t.str) 3)"},
	{"len(t.list) = 2", "(= len(t.list) 2)"},
	{"b64(t.str) = hi", "(= b64(t.str) \"hi\")"},
	{"t.str = val(t.other)", "(= t.str val(t.other))"},
	{"t.str != tolower(t.other)", "(!= t.str val(tolower(t.other)))"},
	{"t.path pmatch (/etc, /usr/lib/)", "(pmatch t.path (\"/etc\" \"/usr/lib/\"))"},
	{"t.str regex \"^ba.h$\"", "(regex t.str \"^ba.h$\")"},
	{"t.str = 'a \"q\" \\\\ b'", "(= t.str \"a \\\"q\\\" \\\\ b\")"},
	{"t.str = \"tab\\there\"", "(= t.str \"tab\\x09here\")"},
	{"t.u=1 and t.u=2 and (t.u=3 and t.u=4)", "(and (= t.u 1) (= t.u 2) (= t.u 3) (= t.u 4))"},
	{"t.u=1 or t.u=2 and t.u=3", "(or (= t.u 1) (and (= t.u 2) (= t.u 3)))"},
	{"not t.u=1 and t.u=2", "(and (not (= t.u 1)) (= t.u 2))"},
	{"not not t.u=1", "(not (not (= t.u 1)))"},
	{"is_shell", "(in t.str (\"bash\" \"sh\" \"zsh\" \"'fish'\"))"},
	{"shell_or_root and t.b=false", "(and (or (in t.str (\"bash\" \"sh\" \"zsh\" \"'fish'\")) (= t.u 0)) (= t.b false))"},
	{"t.list intersects (a, b)", "(intersects t.list (\"a\" \"b\"))"},
	{"t.str in ()", "(in t.str ())"},
};

START_TEST(test_golden_dump)
{
	filter_registry_t *r = mock_registry();
	for (size_t i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++)
		ck_assert_str_eq(dump_of(r, goldens[i].cond), goldens[i].dump);
	filter_registry_free(r);
}
END_TEST

/* ---- equivalent spellings ---- */
static const char *const equivalents[][5] = {
	{"t.str=bash", "t.str == bash", "t.str = \"bash\"", "  t.str='bash'  ", "(t.str = bash)"},
	{"t.str in (a, b)", "t.str in (\"a\",'b')", "t.str in(a,b)", "t.str in ( a , b )", "((t.str in (a, b)))"},
	{"t.u = 16", "t.u=0x10", "t.u == 16", "t.u = 0X10", "(t.u=16)"},
	{"t.u=1 and t.u=2 and t.u=3", "(t.u=1 and t.u=2) and t.u=3", "t.u=1 and (t.u=2 and t.u=3)",
	 "t.u=1\nand\tt.u=2 and t.u=3", "((t.u=1) and (t.u=2)) and (t.u=3)"},
	{"t.arg.x = y", "t.arg[x] = y", "t.arg['x'] = y", "t.arg[\"x\"] = \"y\"", "t.arg.x=y"},
	{"not t.str exists", "not(t.str exists)", "not (t.str exists)", "not\tt.str exists", "(not t.str exists)"},
};

START_TEST(test_equivalent_spellings)
{
	filter_registry_t *r = mock_registry();
	for (size_t i = 0; i < sizeof(equivalents) / sizeof(equivalents[0]); i++) {
		char first[4096];
		snprintf(first, sizeof(first), "%s", dump_of(r, equivalents[i][0]));
		for (int k = 1; k < 5; k++)
			ck_assert_msg(strcmp(dump_of(r, equivalents[i][k]), first) == 0, "'%s' dumps '%s', not '%s'",
				      equivalents[i][k], dump_of(r, equivalents[i][k]), first);
	}
	filter_registry_free(r);
}
END_TEST

/* ---- rejected conditions: first line of the message, and the column ---- */
static const struct {
	const char *cond, *msg;
	int code;
} rejects[] = {
	{"", "column 1: unexpected end of condition: expected a field, a macro or '('", FILTER_ERR_SYNTAX},
	{"t.str", "column 6: unexpected end of condition: expected an operator", FILTER_ERR_SYNTAX},
	{"t.str = ", "column 9: unexpected end of condition: expected a value after '='", FILTER_ERR_SYNTAX},
	{"t.str ~ x", "column 7: expected an operator after the field", FILTER_ERR_SYNTAX},
	{"(t.str = x", "column 11: unexpected end of condition: expected ')'", FILTER_ERR_SYNTAX},
	{"t.str = x)", "column 10: unexpected ')'", FILTER_ERR_SYNTAX},
	{"t.str = x t.u = 1", "column 11: unexpected word: expected 'and', 'or' or the end", FILTER_ERR_SYNTAX},
	{"t.str = \"abc", "column 9: unterminated quoted string", FILTER_ERR_SYNTAX},
	{"t.str in (a, b", "column 10: unterminated list: expected ')'", FILTER_ERR_SYNTAX},
	{"t.str in (a b)", "column 13: expected ',' or ')' in the list", FILTER_ERR_SYNTAX},
	{"t.str and t.u=1", "column 7: expected an operator after the field", FILTER_ERR_SYNTAX},
	{"t.u = 1 and", "column 12: unexpected end of condition: expected a field, a macro or '('", FILTER_ERR_SYNTAX},
	{"t.u = 1 and or", "column 13: unexpected 'or': expected a field, a macro or '('", FILTER_ERR_SYNTAX},
	{"t.nosuch = 1", "column 1: unknown field 't.nosuch'", FILTER_ERR_COMPILE},
	{"t.u = 1 and nosuch_macro", "column 13: unknown macro 'nosuch_macro'", FILTER_ERR_COMPILE},
	{"t.str in nosuch_list", "column 10: unknown list 'nosuch_list'", FILTER_ERR_COMPILE},
	{"loop_a", "in macro 'loop_b': column 1: macro 'loop_a' references itself", FILTER_ERR_COMPILE},
	{"broken", "in macro 'broken': column 9: unexpected end of condition: expected a value after '='",
	 FILTER_ERR_SYNTAX},
	{"t.u = abc", "column 7: 'abc' is not a valid uint64 value for field 't.u'", FILTER_ERR_COMPILE},
	{"t.u = -1", "column 7: '-1' is not a valid uint64 value for field 't.u'", FILTER_ERR_COMPILE},
	{"t.i = 1.5", "column 7: '1.5' is not a valid int64 value for field 't.i'", FILTER_ERR_COMPILE},
	{"t.b = yes", "column 7: 'yes' is not a valid bool value for field 't.b' (true or false)", FILTER_ERR_COMPILE},
	{"t.ip = 1.2.3", "column 8: '1.2.3' is not a valid IP address for field 't.ip'", FILTER_ERR_COMPILE},
	{"t.net = 10.0.0.0/33", "column 9: '10.0.0.0/33' is not a valid IP network for field 't.net' (e.g. 10.0.0.0/8)",
	 FILTER_ERR_COMPILE},
	{"t.str < x", "column 7: operator '<' cannot be used with string field 't.str'", FILTER_ERR_COMPILE},
	{"t.u contains 1", "column 5: operator 'contains' cannot be used with uint64 field 't.u'", FILTER_ERR_COMPILE},
	{"t.list = a", "column 8: field 't.list' is a list: only 'exists', 'in' and 'intersects' apply",
	 FILTER_ERR_COMPILE},
	{"t.arg = x", "column 1: field 't.arg' requires an argument", FILTER_ERR_COMPILE},
	{"t.str[1] = x", "column 1: field 't.str' does not take an argument", FILTER_ERR_COMPILE},
	{"t.idx[x] = 1", "column 1: field 't.idx' needs a numeric argument, not 'x'", FILTER_ERR_COMPILE},
	{"t.arg.bad = 1", "column 1: field 't.arg.bad': argument 'bad' is not allowed", FILTER_ERR_COMPILE},
	{"tolower(t.u) = 1", "column 1: tolower() needs a string field, not uint64", FILTER_ERR_COMPILE},
	{"t.str = val(t.u)", "column 13: cannot compare string field 't.str' with uint64 field 't.u'", FILTER_ERR_COMPILE},
	{"t.str regex \"(\"", "column 13: invalid regular expression: Unmatched ( or \\(", FILTER_ERR_COMPILE},
	{"t.str regex '(a)\\1'", "column 13: unsupported regular expression: back references are not supported",
	 FILTER_ERR_COMPILE},
	{"t.str regex 'a{3000}'", "column 13: unsupported regular expression: a repetition count is over 1000",
	 FILTER_ERR_COMPILE},
	{"t.str regex '((a{20}){20}){20}'",
	 "column 13: unsupported regular expression: nested repetitions expand to more than 1000 copies",
	 FILTER_ERR_COMPILE},
	{"t.u = 0x", "column 7: '0x' is not a valid uint64 value for field 't.u'", FILTER_ERR_COMPILE},
	{"t.str pmatch val(t.other)", "column 18: operator 'pmatch' does not take a field on its right side",
	 FILTER_ERR_SYNTAX},
	{"t.bytes bcontains xyz", "column 19: 'xyz' is not a hex byte string (odd length)", FILTER_ERR_COMPILE},
};

START_TEST(test_rejects)
{
	filter_registry_t *r = mock_registry();
	for (size_t i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++) {
		int err = 0;
		filter_t *f = filter_compile(r, rejects[i].cond, &err);
		ck_assert_msg(f == NULL, "'%s' compiled", rejects[i].cond);
		const char *msg = filter_registry_geterr(r);
		const char *nl = strchr(msg, '\n');
		size_t len = nl ? (size_t)(nl - msg) : strlen(msg);
		ck_assert_msg(len == strlen(rejects[i].msg) && !memcmp(msg, rejects[i].msg, len),
			      "'%s': got '%.*s'", rejects[i].cond, (int)len, msg);
		ck_assert_msg(err == rejects[i].code, "'%s': code %d", rejects[i].cond, err);
	}
	/* the caret excerpt under the column */
	filter_t *f = filter_compile(r, "t.u = 1 and t.nme = 2", NULL);
	ck_assert_ptr_null(f);
	ck_assert_str_eq(filter_registry_geterr(r),
			 "column 13: unknown field 't.nme'\nt.u = 1 and t.nme = 2\n            ^");
	ck_assert_uint_eq(filter_registry_errcol(r), 13);
	/* deep nesting is an error, not a stack overflow */
	char deep[4096];
	size_t n = 0;
	for (int i = 0; i < 1000; i++)
		deep[n++] = '(';
	deep[n] = 0;
	ck_assert_ptr_null(filter_compile(r, deep, NULL));
	ck_assert_ptr_nonnull(strstr(filter_registry_geterr(r), "nested too deeply"));
	char nots[5000] = "";
	for (int i = 0; i < 1000; i++)
		strcat(nots, "not ");
	strcat(nots, "t.u=1");
	ck_assert_ptr_null(filter_compile(r, nots, NULL));
	filter_registry_free(r);
}
END_TEST

/* ---- evaluation ---- */
static int eval(filter_registry_t *r, const char *cond, struct tvals *v)
{
	filter_t *f = filter_compile(r, cond, NULL);
	ck_assert_msg(f != NULL, "compile '%s': %s", cond, filter_registry_geterr(r));
	int m = filter_eval(f, NULL, 1, v);
	filter_free(f);
	return m;
}

START_TEST(test_eval_table)
{
	filter_registry_t *r = mock_registry();
	struct tvals v = {
		.str = "Bash", .bytes = "ab\0\xca\xfe", .bytes_len = 5, .i = -7, .u = 42, .b = 1,
		.ip = "10.1.2.3", .list = {"a", "b"}, .any = {"init", "sshd", "bash"}, .path = "/usr/lib/x86/libc.so",
		.other = "bash",
	};
	static const struct {
		const char *cond;
		int want;
	} table[] = {
		{"t.str = Bash", 1}, {"t.str = bash", 0}, {"t.str != bash", 1}, {"t.str contains as", 1},
		{"t.str icontains BAS", 1}, {"t.str icontains x", 0}, {"t.str startswith Ba", 1}, {"t.str endswith sh", 1},
		{"t.str endswith Bash2", 0}, {"t.str glob 'B*h'", 1}, {"t.str glob 'b*h'", 0}, {"t.str iglob 'b*H'", 1},
		{"t.str regex 'B.sh'", 1}, {"t.str regex 'as'", 0} /* a full match */, {"t.str regex '[A-Z]ash|x'", 1},
		{"t.str regex '(B)(a)sh'", 1}, {"t.str regex 'Ba|Bash'", 1} /* the longest alternative */,
		{"t.str regex 'x|Ba'", 0}, {"t.u = 042", 1} /* decimal: a leading 0 is not octal */,
		{"t.str in (sh, Bash)", 1}, {"t.str in (sh, bash)", 0}, {"tolower(t.str) in shells", 1},
		{"toupper(t.str) = BASH", 1}, {"len(t.str) = 4", 1}, {"t.str exists", 1}, {"t.na exists", 0},
		{"t.na = x", 0}, {"t.na != x", 0}, {"not t.na = x", 1}, {"t.str bcontains 6173", 1},
		{"t.bytes bcontains 00CAFE", 1}, {"t.bytes bstartswith 6162", 1}, {"t.bytes bstartswith 62", 0},
		{"len(t.bytes) = 5", 1}, {"t.i = -7", 1}, {"t.i < 0", 1}, {"t.i > -8", 1}, {"t.i in (1, -7)", 1},
		{"t.u = 42", 1}, {"t.u != 42", 0}, {"t.u <= 42", 1}, {"t.u < 42", 0}, {"t.u >= 0x2a", 1},
		{"t.u in (1, 42, 7)", 1}, {"t.u in (1, 2)", 0}, {"t.b = true", 1}, {"t.b = false", 0},
		{"t.ip = 10.1.2.3", 1}, {"t.ip = 10.1.2.4", 0}, {"t.ip in (::1, 10.1.2.3)", 1},
		{"t.net = 10.0.0.0/8", 1}, {"t.net = 10.2.0.0/16", 0}, {"t.net != 192.168.0.0/16", 1},
		{"t.net in (192.168.0.0/16, 10.1.0.0/16)", 1}, {"t.list in (a, b, c)", 1}, {"t.list in (a, c)", 0},
		{"t.list intersects (b, z)", 1}, {"t.list intersects (y, z)", 0}, {"len(t.list) = 2", 1},
		{"t.list exists", 1}, {"t.any = bash", 1}, {"t.any = zsh", 0}, {"t.any startswith ss", 1},
		{"t.arg.hello = hello", 1}, {"t.arg['x y'] = 'x y'", 1}, {"t.idx[7] = 7", 1}, {"t.idx = 0", 0},
		{"t.path pmatch (/usr/lib, /etc)", 1}, {"t.path pmatch (/usr/li, /etc)", 0},
		{"t.path pmatch (/usr/lib/x86/libc.so)", 1}, {"t.path pmatch (/usr/*/x86)", 1}, {"t.path pmatch (/)", 1},
		{"basename(t.path) = libc.so", 1}, {"tolower(t.str) = val(t.other)", 1}, {"t.str = val(t.other)", 0},
		{"t.str icontains val(t.other)", 1}, {"t.other in val(t.any)", 1}, {"t.other in val(t.list)", 0},
		{"is_shell", 0}, {"shell_or_root", 0}, {"t.u = 42 and (t.str = x or t.b = true)", 1},
		{"not (t.u = 42 and t.b = true)", 0}, {"t.rel > 41", 1},
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		ck_assert_msg(eval(r, table[i].cond, &v) == table[i].want, "'%s' should be %d", table[i].cond,
			      table[i].want);
	/* b64: "aGk=" is "hi" */
	v.str = "aGk=";
	ck_assert_int_eq(eval(r, "b64(t.str) = hi", &v), 1);
	v.str = "not base64!";
	ck_assert_int_eq(eval(r, "b64(t.str) exists", &v), 0);
	/* short-circuit: the second operand is not extracted */
	v.extractions = 0;
	ck_assert_int_eq(eval(r, "t.u = 1 and t.str = x", &v), 0);
	ck_assert_int_eq(v.extractions, 1);
	v.extractions = 0;
	ck_assert_int_eq(eval(r, "t.u = 42 or t.str = x", &v), 1);
	ck_assert_int_eq(v.extractions, 1);
	filter_registry_free(r);
}
END_TEST

/* ---- FILTER_FIELD_OVERRIDE: a later provider refines a field ---- */
static int o_extract(void *ctx, uint32_t id, const filter_fieldref_t *ref, const filter_evtctx_t *ev,
		     filter_out_t *out)
{
	struct tvals *v = filter_evtctx_user(ev);
	(void)ctx;
	(void)id;
	(void)ref;
	if (v->u == 1) /* the overriding provider knows this event better */
		filter_out_str(out, "refined", 7);
	if (v->u == 3) /* it knows the field has no value here */
		return FILTER_EXTRACT_NO_VALUE;
	return 0; /* otherwise no value: the replaced field answers */
}

START_TEST(test_field_override)
{
	filter_registry_t *r = mock_registry();
	size_t n = filter_registry_field_count(r);
	struct filter_provider_opts o = FILTER_PROVIDER_OPTS_INIT;
	o.name = "o";
	o.extract = o_extract;
	int p = filter_registry_add_provider(r, &o);
	ck_assert_int_ge(p, 0);
	/* without the flag a second t.str is refused; with it, it replaces */
	ck_assert_int_eq(filter_registry_add_field(r, p, "t.str", FILTER_T_STRING, 0, 0, "x"), FILTER_ERR_EXISTS);
	ck_assert_int_eq(filter_registry_add_field(r, p, "t.str", FILTER_T_STRING, FILTER_FIELD_OVERRIDE, 0, "refined"),
			 FILTER_OK);
	ck_assert_uint_eq(filter_registry_field_count(r), n); /* the same place in listings */
	size_t found = 0;
	for (size_t i = 0; i < n; i++) {
		const char *name, *desc, *prov;
		enum filter_ftype type;
		uint32_t flags;
		ck_assert_int_eq(filter_registry_field_info(r, i, &name, &type, &flags, &desc, &prov), FILTER_OK);
		if (!strcmp(name, "t.str")) {
			found++;
			ck_assert_str_eq(desc, "refined");
		}
	}
	ck_assert_uint_eq(found, 1);
	struct tvals v = {.str = "Bash", .u = 1};
	ck_assert_int_eq(eval(r, "t.str = refined", &v), 1);
	ck_assert_int_eq(eval(r, "t.str = Bash", &v), 0);
	v.u = 2; /* no value from the override: the replaced field's value */
	ck_assert_int_eq(eval(r, "t.str = Bash", &v), 1);
	ck_assert_int_eq(eval(r, "t.str = refined", &v), 0);
	v.u = 3; /* the override says "no value": the replaced field is not asked */
	ck_assert_int_eq(eval(r, "t.str exists", &v), 0);
	ck_assert_int_eq(eval(r, "t.str = Bash", &v), 0);
	v.u = 2;
	v.str = NULL; /* neither has a value */
	ck_assert_int_eq(eval(r, "t.str exists", &v), 0);
	/* a field new to the registry is simply added */
	ck_assert_int_eq(filter_registry_add_field(r, p, "o.new", FILTER_T_STRING, FILTER_FIELD_OVERRIDE, 1, "new"),
			 FILTER_OK);
	ck_assert_uint_eq(filter_registry_field_count(r), n + 1);
	filter_registry_free(r);
}
END_TEST

/* ---- hostile definitions: exponential expansion is bounded ---- */
START_TEST(test_expansion_bounds)
{
	filter_registry_t *r = mock_registry();
	char name[32], cond[128];

	/* m_k = m_{k-1} or m_{k-1}: 2^40 checks if expanded naively */
	ck_assert_int_eq(filter_registry_define_macro(r, "m0", "t.u = 1"), FILTER_OK);
	for (int k = 1; k <= 40; k++) {
		snprintf(name, sizeof(name), "m%d", k);
		snprintf(cond, sizeof(cond), "m%d or m%d", k - 1, k - 1);
		ck_assert_int_eq(filter_registry_define_macro(r, name, cond), FILTER_OK);
	}
	int err = 0;
	ck_assert_ptr_null(filter_compile(r, "m40", &err));
	ck_assert_int_eq(err, FILTER_ERR_COMPILE);
	ck_assert_ptr_nonnull(strstr(filter_registry_geterr(r), "expands to more than"));

	/* l_k = (l_{k-1}, l_{k-1}) */
	static const char *const base[] = {"x"};
	ck_assert_int_eq(filter_registry_define_list(r, "l0", base, 1), FILTER_OK);
	for (int k = 1; k <= 40; k++) {
		char prev[32];
		snprintf(name, sizeof(name), "l%d", k);
		snprintf(prev, sizeof(prev), "l%d", k - 1);
		const char *items[2] = {prev, prev};
		ck_assert_int_eq(filter_registry_define_list(r, name, items, 2), FILTER_OK);
	}
	ck_assert_ptr_null(filter_compile(r, "t.str in (l40)", &err));
	ck_assert_ptr_nonnull(strstr(filter_registry_geterr(r), "lists expand to more than"));

	/* few nodes but big constants: only the byte budget stops it (8192
	 * copies of a 16 KiB string: 128 MiB) */
	char *bigc = malloc(16 * 1024 + 32);
	size_t bn = (size_t)snprintf(bigc, 32, "t.str = \"");
	memset(bigc + bn, 'x', 16 * 1024);
	strcpy(bigc + bn + 16 * 1024, "\"");
	ck_assert_int_eq(filter_registry_define_macro(r, "b0", bigc), FILTER_OK);
	free(bigc);
	for (int k = 1; k <= 13; k++) {
		snprintf(name, sizeof(name), "b%d", k);
		snprintf(cond, sizeof(cond), "b%d or b%d", k - 1, k - 1);
		ck_assert_int_eq(filter_registry_define_macro(r, name, cond), FILTER_OK);
	}
	ck_assert_ptr_null(filter_compile(r, "b13", &err));
	ck_assert_ptr_nonnull(strstr(filter_registry_geterr(r), "condition expands to more than 64 MiB"));

	/* a long list of quoted items compiles (linear memory) and matches */
	size_t cap = 100000 * 12 + 64, n = 0;
	char *big = malloc(cap);
	n += (size_t)snprintf(big + n, cap - n, "t.str in (");
	for (int i = 0; i < 100000; i++)
		n += (size_t)snprintf(big + n, cap - n, "%s\"v%d\"", i ? "," : "", i);
	snprintf(big + n, cap - n, ")");
	filter_t *f = filter_compile(r, big, &err);
	ck_assert_msg(f != NULL, "%s", filter_registry_geterr(r));
	struct tvals v = {.str = "v99999"};
	ck_assert_int_eq(filter_eval(f, NULL, 1, &v), 1);
	v.str = "v100000";
	ck_assert_int_eq(filter_eval(f, NULL, 1, &v), 0);
	filter_free(f);
	free(big);
	filter_registry_free(r);
}
END_TEST

/* ---- lists and macros are replaced by later definitions ---- */
START_TEST(test_redefinition)
{
	filter_registry_t *r = mock_registry();
	static const char *const one[] = {"zsh"};
	ck_assert_int_eq(filter_registry_define_list(r, "shells", one, 1), FILTER_OK);
	ck_assert_str_eq(dump_of(r, "t.str in shells"), "(in t.str (\"zsh\"))");
	ck_assert_int_eq(filter_registry_define_macro(r, "is_shell", "t.u = 7"), FILTER_OK);
	ck_assert_str_eq(dump_of(r, "is_shell"), "(= t.u 7)");
	ck_assert_int_eq(filter_registry_define_macro(r, "9bad", "t.u = 7"), FILTER_ERR_INVAL);
	static const char *const self[] = {"a", "self_list"};
	ck_assert_int_eq(filter_registry_define_list(r, "self_list", self, 2), FILTER_OK);
	ck_assert_ptr_null(filter_compile(r, "t.str in self_list", NULL));
	ck_assert_ptr_nonnull(strstr(filter_registry_geterr(r), "list 'self_list' references itself"));
	/* a field registered twice */
	ck_assert_int_eq(filter_registry_add_field(r, 0, "t.str", FILTER_T_STRING, 0, 99, ""), FILTER_ERR_EXISTS);
	filter_registry_free(r);
}
END_TEST

/* ---- event types, with the built-in evt.* fields ---- */
static filter_t *evt_filter(filter_registry_t *r, const char *cond)
{
	filter_t *f = filter_compile(r, cond, NULL);
	ck_assert_msg(f != NULL, "compile '%s': %s", cond, filter_registry_geterr(r));
	return f;
}

static uint32_t count_types(const filter_t *f)
{
	uint32_t n = 0;
	for (uint32_t t = 0; t < 65536; t++)
		n += (uint32_t)filter_may_match_type(f, (uint16_t)t);
	return n;
}

START_TEST(test_evttypes)
{
	filter_registry_t *r = filter_registry_new();
	ck_assert_int_eq(filter_registry_add_evt_fields(r), FILTER_OK);
	uint16_t open_ids[16], execve_ids[32];
	uint32_t nopen = scap_event_find("open", open_ids, 16);
	uint32_t nexec = scap_event_find("execve", execve_ids, 32);
	uint32_t unknown = 65536 - scap_event_max();
	ck_assert_uint_eq(nopen, 2);
	ck_assert_uint_eq(nexec, 16);

	/* the generic events (0/1) are named by their ID parameter, which may
	 * carry any syscall (open included); the async event (402) by its
	 * payload: both stay possible */
	filter_t *f = evt_filter(r, "evt.type = open");
	ck_assert_uint_eq(count_types(f), nopen + 3);
	ck_assert(filter_may_match_type(f, 402));
	ck_assert(filter_may_match_type(f, 0) && filter_may_match_type(f, 1));
	for (uint32_t i = 0; i < nopen; i++)
		ck_assert(filter_may_match_type(f, open_ids[i]));
	ck_assert(!filter_matches_all_types(f));
	filter_free(f);

	f = evt_filter(r, "evt.type in (open, execve) and evt.dir = <");
	ck_assert_uint_eq(count_types(f), nopen + nexec + 3);
	filter_free(f);

	/* a syscall reported through the generic event selects types 0/1 */
	f = evt_filter(r, "evt.type = getrandom");
	ck_assert_uint_eq(count_types(f), 3);
	ck_assert(filter_may_match_type(f, 0) && filter_may_match_type(f, 1));
	filter_free(f);

	f = evt_filter(r, "not evt.type = open"); /* everything else, unknown types too */
	ck_assert_uint_eq(count_types(f), 65536 - nopen);
	filter_free(f);

	/* evt.type is not available for unknown types, so != is false there */
	f = evt_filter(r, "evt.type != open and evt.type != execve");
	ck_assert_uint_eq(count_types(f), scap_event_max() - nopen - nexec);
	filter_free(f);

	/* each check is judged alone, so the types whose name is not fixed (the
	 * generic pair, the async event) stay possible: an over-approximation */
	f = evt_filter(r, "evt.type = open and evt.type = execve");
	ck_assert_uint_eq(count_types(f), 3);
	ck_assert(filter_may_match_type(f, 402) && filter_may_match_type(f, 0) && filter_may_match_type(f, 1));
	filter_free(f);

	f = evt_filter(r, "not (evt.type = open and evt.cpu = 1)"); /* any type may match */
	ck_assert(filter_matches_all_types(f));
	ck_assert_uint_eq(count_types(f), 65536);
	filter_free(f);

	f = evt_filter(r, "evt.type = open or evt.cpu = 1");
	ck_assert(filter_matches_all_types(f));
	filter_free(f);


	/* open, openat, openat2, open_by_handle_at; the generic pair and the
	 * async event */
	f = evt_filter(r, "evt.type startswith open");
	uint16_t tmp[16];
	uint32_t want = scap_event_find("open", tmp, 16) + scap_event_find("openat", tmp, 16) +
			scap_event_find("openat2", tmp, 16) + scap_event_find("open_by_handle_at", tmp, 16) + 3;
	ck_assert_uint_eq(count_types(f), want);
	filter_free(f);

	f = evt_filter(r, "evt.cpu = 1");
	ck_assert_uint_eq(count_types(f), 65536);
	filter_free(f);

	/* a name that is no event type is a typo, reported with its column */
	ck_assert_ptr_null(filter_compile(r, "evt.type in (open, opne)", NULL));
	ck_assert_str_eq(filter_registry_geterr(r),
			 "column 20: unknown event type 'opne'\nevt.type in (open, opne)\n                   ^");
	(void)unknown;
	filter_registry_free(r);
}
END_TEST

/* ---- match counts on the shared captures, against an independent count
 * from expected/NAME.dump.txt (num ts tid name dir nparams per event) ---- */
struct dline {
	uint64_t num;
	char name[64];
	char dir;
};

static bool in_names(const char *n, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(n, *set))
			return true;
	return false;
}

static bool p_procinfo(const struct dline *d) { return !strcmp(d->name, "procinfo"); }
static bool p_exit(const struct dline *d) { return d->dir == '<'; }
static bool p_io_enter(const struct dline *d)
{
	static const char *const io[] = {"open", "openat", "read", "write", NULL};
	return in_names(d->name, io) && d->dir == '>';
}
static bool p_not_ps(const struct dline *d) { return strcmp(d->name, "procinfo") && strcmp(d->name, "switch"); }
static bool p_num_range(const struct dline *d) { return d->num > 10 && d->num <= 20; }
static bool p_switch_or_exit(const struct dline *d) { return strcmp(d->name, "switch") != 0 || d->dir == '<'; }
static bool p_proc_enter(const struct dline *d) { return !strncmp(d->name, "proc", 4) && d->dir == '>'; }
static bool p_mixed(const struct dline *d)
{
	static const char *const ps[] = {"procinfo", "switch", NULL};
	return in_names(d->name, ps) || d->num <= 3;
}

static const struct {
	const char *cond;
	bool (*pred)(const struct dline *);
} corpus_filters[] = {
	{"evt.type = procinfo", p_procinfo},
	{"evt.dir = <", p_exit},
	{"evt.type in (open, openat, read, write) and evt.dir = '>'", p_io_enter},
	{"not evt.type in (procinfo, switch)", p_not_ps},
	{"evt.num > 10 and evt.num <= 20", p_num_range},
	{"evt.type != switch or evt.dir = <", p_switch_or_exit},
	{"evt.type glob 'proc*' and not evt.dir = <", p_proc_enter},
	{"evt.type in (procinfo, switch) or (evt.num in (1, 2, 3) and evt.type exists)", p_mixed},
};

static const char *const corpus_files[] = {
	"falco_connect_localhost", "falco_open-multiple-files", "falco_privileged", "falco_test_empty",
	"libs_curl_google", "libs_sample", "libs_single_ipv6_conn",
};

START_TEST(test_corpus_counts)
{
	const char *dir = tu_shared_dir("filter corpus counts");
	if (!dir)
		return;
	const char *base = corpus_files[_i];
	char path[4096];
	snprintf(path, sizeof(path), "%s/captures/expected/%s.dump.txt", dir, base);
	char *text = tu_read_file(path, NULL);
	ck_assert_ptr_nonnull(text);
	size_t nlines = 0, cap = 4096;
	struct dline *lines = malloc(cap * sizeof(*lines));
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (nlines == cap)
			lines = realloc(lines, (cap *= 2) * sizeof(*lines));
		struct dline *d = &lines[nlines++];
		ck_assert_int_eq(sscanf(l, "%" SCNu64 " %*u %*d %63s %c", &d->num, d->name, &d->dir), 3);
	}
	free(text);

	filter_registry_t *r = filter_registry_new();
	ck_assert_int_eq(filter_registry_add_evt_fields(r), FILTER_OK);
	for (size_t k = 0; k < sizeof(corpus_filters) / sizeof(corpus_filters[0]); k++) {
		filter_t *f = filter_compile(r, corpus_filters[k].cond, NULL);
		ck_assert_msg(f != NULL, "%s", filter_registry_geterr(r));
		uint64_t want = 0, got = 0, n = 0;
		for (size_t i = 0; i < nlines; i++)
			want += corpus_filters[k].pred(&lines[i]);
		struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;
		char errbuf[SCAP_ERRBUF_SIZE];
		snprintf(path, sizeof(path), "%s/captures/%s.scap", dir, base);
		o.filename = path;
		scap_t *h = scap_open(&o, errbuf);
		ck_assert_msg(h != NULL, "%s", errbuf);
		const scap_evt_t *e;
		while (scap_next(h, &e) == SCAP_OK) {
			int m = filter_eval(f, e, ++n, NULL);
			ck_assert_int_ge(m, 0);
			got += (uint64_t)m;
		}
		scap_close(h);
		ck_assert_uint_eq(n, nlines);
		ck_assert_msg(got == want, "%s: '%s' matched %lu, independent count %lu", base, corpus_filters[k].cond,
			      (unsigned long)got, (unsigned long)want);
		filter_free(f);
	}
	filter_registry_free(r);
	free(lines);
}
END_TEST

/* Generic events are judged by the syscall code they carry (their evt.type),
 * before and after the type pre-check alike. */
START_TEST(test_generic_events)
{
	sg_buf b;
	sg_init(&b);
	sg_shb(&b, 1, 2);
	uint16_t open_sc = 0, read_sc = 0;
	for (uint32_t sc = 1; sc < scap_ppm_sc_max(); sc++) {
		const char *n = scap_ppm_sc_name(sc);
		if (n && !strcmp(n, "open"))
			open_sc = (uint16_t)sc;
		if (n && !strcmp(n, "getrandom"))
			read_sc = (uint16_t)sc;
	}
	ck_assert(open_sc && read_sc);
	uint16_t native = 0;
	struct sg_param p1[2] = {{&open_sc, 2}, {&native, 2}}, p2[2] = {{&read_sc, 2}, {&native, 2}};
	sg_ev_v2(&b, 0, 1, 7, 1, 2, p1, 0);
	sg_ev_v2(&b, 0, 2, 7, 1, 2, p2, 0);
	sg_ev_v2(&b, 0, 3, 7, 0, 2, p2, 0); /* the enter event is named from its ID too, as upstream */
	const char *path = tu_tmpfile(".scap");
	ck_assert_int_eq(tu_write_file(path, b.p, b.len), 0);
	sg_free(&b);

	filter_registry_t *r = filter_registry_new();
	ck_assert_int_eq(filter_registry_add_evt_fields(r), FILTER_OK);
	static const struct {
		const char *cond;
		int want[3];
	} cases[] = {
		{"evt.type = open", {1, 0, 0}},
		{"evt.type != open", {0, 1, 1}},
		{"evt.type in (getrandom, syscall)", {0, 1, 1}},
		{"not evt.type = getrandom and evt.num > 0", {1, 0, 0}},
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		filter_t *f = filter_compile(r, cases[k].cond, NULL);
		ck_assert_ptr_nonnull(f);
		scap_t *h = tu_open(path);
		const scap_evt_t *e;
		for (int i = 0; i < 3; i++) {
			ck_assert_int_eq(scap_next(h, &e), SCAP_OK);
			ck_assert_msg(filter_eval(f, e, (uint64_t)i + 1, NULL) == cases[k].want[i], "'%s' on event %d",
				      cases[k].cond, i + 1);
		}
		scap_close(h);
		filter_free(f);
	}
	filter_registry_free(r);
	unlink(path);
}
END_TEST

Suite *filter_suite(void)
{
	Suite *s = suite_create("filter");
	TCase *tc = tcase_create("golden");

	tcase_add_test(tc, test_golden_dump);
	tcase_add_test(tc, test_equivalent_spellings);
	tcase_add_test(tc, test_rejects);
	tcase_add_test(tc, test_eval_table);
	tcase_add_test(tc, test_field_override);
	tcase_add_test(tc, test_redefinition);
	tcase_add_test(tc, test_expansion_bounds);
	tcase_add_test(tc, test_evttypes);
	tcase_add_test(tc, test_generic_events);
	suite_add_tcase(s, tc);
	TCase *tcc = tcase_create("corpus");
	tcase_add_loop_test(tcc, test_corpus_counts, 0, (int)(sizeof(corpus_files) / sizeof(corpus_files[0])));
	suite_add_tcase(s, tcc);
	return s;
}

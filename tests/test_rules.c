/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Falco rules files (filter_rules.h): the fixtures in tests/rules/, error
 * cases with their exact code, item and position, exceptions compiled to
 * condition text, enable/disable, the event-type index, and match counts
 * on the shared captures checked against expected/NAME.dump.txt.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "filter.h"
#include "filter_rules.h"
#include "scap.h"
#include "sinsp.h"
#include "test_util.h"

Suite *rules_suite(void); /* not in test_util.h (owned elsewhere) */

/* Directory of the fixtures: $RULES_TEST_DIR, else beside this file. */
static const char *fixture(const char *name)
{
	static char path[4096];
	const char *d = getenv("RULES_TEST_DIR");
	if (d && d[0]) {
		snprintf(path, sizeof(path), "%s/%s", d, name);
	} else {
		const char *f = __FILE__, *slash = strrchr(f, '/');
		int n = slash ? (int)(slash - f) : 1;
		snprintf(path, sizeof(path), "%.*s/rules/%s", n, slash ? f : ".", name);
	}
	return path;
}

static filter_registry_t *new_reg(void)
{
	filter_registry_t *r = filter_registry_new();
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(filter_registry_add_evt_fields(r), FILTER_OK);
	ck_assert_int_eq(sinsp_add_fields(NULL, r), FILTER_OK);
	return r;
}

static void print_diags(const filter_ruleset_t *rs)
{
	char buf[2048];
	for (size_t i = 0; i < filter_ruleset_diag_count(rs); i++) {
		filter_ruleset_diag_format(rs, i, buf, sizeof(buf));
		fprintf(stderr, "  %s\n", buf);
	}
}

/* Index of the first diagnostic with this code, -1 if none. */
static long find_diag(const filter_ruleset_t *rs, const char *code, const char *name)
{
	for (size_t i = 0; i < filter_ruleset_diag_count(rs); i++) {
		const char *c, *n;
		filter_ruleset_diag_get(rs, i, NULL, &c, NULL, &n, NULL, NULL, NULL, NULL);
		if (!strcmp(c, code) && (!name || !strcmp(n, name)))
			return (long)i;
	}
	return -1;
}

static void check_diag(const filter_ruleset_t *rs, const char *code, const char *name, int sev,
		       const char *type, uint32_t line, uint32_t col)
{
	long i = find_diag(rs, code, name);
	if (i < 0)
		print_diags(rs);
	ck_assert_msg(i >= 0, "no %s diagnostic for '%s'", code, name ? name : "");
	int s;
	const char *t, *m, *f;
	uint32_t l, c;
	filter_ruleset_diag_get(rs, (size_t)i, &s, NULL, &t, NULL, &m, &f, &l, &c);
	ck_assert_int_eq(s, sev);
	ck_assert_str_eq(t, type);
	ck_assert_msg(l == line && c == col, "%s '%s': at %u:%u, expected %u:%u (%s)", code, name ? name : "", l,
		      c, line, col, m);
}

static size_t rule_idx(const filter_ruleset_t *rs, const char *name)
{
	long i = filter_ruleset_rule_find(rs, name);
	ck_assert_msg(i >= 0, "no rule '%s'", name);
	return (size_t)i;
}

static void check_dump(const filter_ruleset_t *rs, const char *rule, const char *want)
{
	char buf[4096];
	filter_t *f = filter_ruleset_rule_filter(rs, rule_idx(rs, rule));
	ck_assert_ptr_nonnull(f);
	filter_dump(f, buf, sizeof(buf));
	ck_assert_str_eq(buf, want);
}

/* Compile cond against the ruleset's registry and dump it. */
static void check_cond_dump(filter_registry_t *reg, const char *cond, const char *want)
{
	char buf[4096];
	filter_t *f = filter_compile(reg, cond, NULL);
	ck_assert_msg(f != NULL, "%s", filter_registry_geterr(reg));
	filter_dump(f, buf, sizeof(buf));
	ck_assert_str_eq(buf, want);
	filter_free(f);
}

START_TEST(test_basic)
{
	filter_registry_t *reg = new_reg();
	filter_ruleset_t *rs = filter_ruleset_new(reg);
	ck_assert_int_eq(filter_ruleset_load_file(rs, fixture("basic.yaml")), FILTER_OK);
	int rc = filter_ruleset_compile(rs);
	if (rc)
		print_diags(rs);
	ck_assert_int_eq(rc, FILTER_OK);
	ck_assert_uint_eq(filter_ruleset_error_count(rs), 0);
	ck_assert_uint_eq(filter_ruleset_rule_count(rs), 4);

	size_t o = rule_idx(rs, "Open files"), c = rule_idx(rs, "Close files"), s = rule_idx(rs, "Shell spawned"),
	       a = rule_idx(rs, "Audit thing");
	ck_assert_uint_eq(o, 0);
	ck_assert_uint_eq(a, 3);
	ck_assert_int_eq(filter_ruleset_rule_priority(rs, o), FILTER_RULES_PRIO_WARNING);
	ck_assert_int_eq(filter_ruleset_rule_priority(rs, c), FILTER_RULES_PRIO_INFORMATIONAL);
	ck_assert_int_eq(filter_ruleset_rule_priority(rs, s), FILTER_RULES_PRIO_CRITICAL);
	ck_assert_int_eq(filter_ruleset_rule_priority(rs, a), FILTER_RULES_PRIO_NOTICE);
	ck_assert_str_eq(filter_rules_priority_name(filter_ruleset_rule_priority(rs, s)), "Critical");
	ck_assert_str_eq(filter_ruleset_rule_desc(rs, o), "every open");
	ck_assert_uint_eq(filter_ruleset_rule_tag_count(rs, o), 2);
	ck_assert_str_eq(filter_ruleset_rule_tag(rs, o, 1), "maturity_stable");
	ck_assert_ptr_null(filter_ruleset_rule_tag(rs, o, 2));
	ck_assert_str_eq(filter_ruleset_rule_source(rs, o), "syscall");
	ck_assert_str_eq(filter_ruleset_rule_source(rs, a), "k8s_audit");
	ck_assert_int_eq(filter_ruleset_rule_enabled(rs, o), 1);
	ck_assert_int_eq(filter_ruleset_rule_enabled(rs, c), 0);
	/* compiled: syscall rules, disabled ones too (as Falco) */
	ck_assert_ptr_nonnull(filter_ruleset_rule_filter(rs, o));
	ck_assert_ptr_nonnull(filter_ruleset_rule_format(rs, o));
	ck_assert_ptr_nonnull(filter_ruleset_rule_filter(rs, c));
	ck_assert_ptr_null(filter_ruleset_rule_filter(rs, a));
	ck_assert_str_eq(filter_ruleset_rule_condition(rs, o), "is_open and evt.dir = <");
	ck_assert_str_eq(filter_ruleset_rule_output(rs, o), "open %evt.num %evt.type");
	check_dump(rs, "Open files", "(and (in evt.type (\"open\" \"openat\")) (= evt.dir \"<\"))");
	/* nested lists, quoted item, state fields */
	check_dump(rs, "Shell spawned",
		   "(and (= evt.type \"execve\") (in proc.name (\"bash\" \"sh\" \"zsh\" \"fish shell\")))");
	check_cond_dump(reg, "open_or_close", "(or (in evt.type (\"open\" \"openat\")) (= evt.type \"close\"))");

	/* warnings */
	check_diag(rs, "LOAD_UNKNOWN_SOURCE", "Audit thing", FILTER_RULES_WARNING, "rule", 38, 3);
	check_diag(rs, "LOAD_UNKNOWN_ITEM", "k8saudit", FILTER_RULES_WARNING, "required_plugin_versions", 46, 7);
	check_diag(rs, "LOAD_UNKNOWN_ITEM", "", FILTER_RULES_WARNING, "rules content item", 49, 3);
	ck_assert_int_lt(find_diag(rs, "LOAD_NO_EVTTYPE", NULL), 0);

	char buf[512];
	long k = find_diag(rs, "LOAD_UNKNOWN_SOURCE", NULL);
	filter_ruleset_diag_format(rs, (size_t)k, buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "basic.yaml:38:3: warning: LOAD_UNKNOWN_SOURCE: rule 'Audit thing': "
					  "Unknown source k8s_audit, skipping"));
	filter_ruleset_free(rs);
	filter_registry_free(reg);
}
END_TEST

START_TEST(test_override)
{
	filter_registry_t *reg = new_reg();
	filter_ruleset_t *rs = filter_ruleset_new(reg);
	ck_assert_int_eq(filter_ruleset_load_file(rs, fixture("override.yaml")), FILTER_OK);
	int rc = filter_ruleset_compile(rs);
	if (rc)
		print_diags(rs);
	ck_assert_int_eq(rc, FILTER_OK);
	/* lists */
	check_cond_dump(reg, "proc.name in (l1)", "(in proc.name (\"a\" \"b\"))");
	check_cond_dump(reg, "proc.name in (l2)", "(in proc.name (\"y\"))");
	check_cond_dump(reg, "proc.name in (l3)", "(in proc.name (\"p\" \"q\"))");
	/* macros */
	check_cond_dump(reg, "m1", "(or (= evt.type \"open\") (= evt.type \"close\"))");
	check_cond_dump(reg, "m2", "(= evt.type \"read\")");
	check_cond_dump(reg, "m3", "(or (= evt.type \"open\") (= evt.type \"openat\"))");
	/* rule R: append of desc, condition, output, tags */
	size_t r = rule_idx(rs, "R");
	ck_assert_str_eq(filter_ruleset_rule_desc(rs, r), "d1 d2");
	ck_assert_str_eq(filter_ruleset_rule_condition(rs, r), "evt.type = open and evt.dir = <");
	ck_assert_str_eq(filter_ruleset_rule_output(rs, r), "o1 %evt.num");
	ck_assert_uint_eq(filter_ruleset_rule_tag_count(rs, r), 2);
	ck_assert_str_eq(filter_ruleset_rule_tag(rs, r, 1), "t2");
	ck_assert_int_eq(filter_ruleset_rule_priority(rs, r), FILTER_RULES_PRIO_ERROR);
	/* rule S: replace of everything, disabled */
	size_t s = rule_idx(rs, "S");
	ck_assert_str_eq(filter_ruleset_rule_desc(rs, s), "d2");
	ck_assert_str_eq(filter_ruleset_rule_output(rs, s), "o2");
	ck_assert_int_eq(filter_ruleset_rule_priority(rs, s), FILTER_RULES_PRIO_DEBUG);
	ck_assert_uint_eq(filter_ruleset_rule_tag_count(rs, s), 1);
	ck_assert_str_eq(filter_ruleset_rule_tag(rs, s, 0), "t2");
	ck_assert_int_eq(filter_ruleset_rule_enabled(rs, s), 0);
	ck_assert_ptr_nonnull(filter_ruleset_rule_filter(rs, s)); /* compiled, not evaluated */
	/* enabling it makes it evaluated */
	ck_assert_int_eq(filter_ruleset_enable(rs, "S", true), 1);
	check_dump(rs, "S", "(= evt.type \"close\")");
	/* rule T: deprecated append, then the standalone enabled toggle */
	size_t t = rule_idx(rs, "T");
	ck_assert_int_eq(filter_ruleset_rule_enabled(rs, t), 0);
	ck_assert_int_eq(filter_ruleset_enable(rs, "T", true), 1);
	ck_assert_str_eq(filter_ruleset_rule_condition(rs, t), "evt.type = open and evt.dir = >");
	check_diag(rs, "LOAD_DEPRECATED_ITEM", "T", FILTER_RULES_WARNING, "rule", 76, 3);
	/* rule U: redefinition replaces, keeps its place */
	size_t u = rule_idx(rs, "U");
	ck_assert_uint_eq(u, 3);
	ck_assert_uint_eq(filter_ruleset_rule_count(rs), 4);
	ck_assert_str_eq(filter_ruleset_rule_desc(rs, u), "second");
	ck_assert_int_eq(filter_ruleset_rule_priority(rs, u), FILTER_RULES_PRIO_ALERT);
	check_dump(rs, "U", "(= evt.type \"close\")");
	filter_ruleset_free(rs);
	filter_registry_free(reg);
}
END_TEST

START_TEST(test_exceptions)
{
	filter_registry_t *reg = new_reg();
	filter_ruleset_t *rs = filter_ruleset_new(reg);
	ck_assert_int_eq(filter_ruleset_load_file(rs, fixture("exceptions.yaml")), FILTER_OK);
	int rc = filter_ruleset_compile(rs);
	if (rc)
		print_diags(rs);
	ck_assert_int_eq(rc, FILTER_OK);
	size_t e = rule_idx(rs, "E");
	ck_assert_str_eq(filter_ruleset_rule_condition(rs, e),
			 "(evt.type = open)"
			 " and not (( evt.num = 1 and  evt.dir != <) or ( evt.num = 2 and  evt.dir != >))"
			 " and not (evt.num in (5, 6, 8))"
			 " and not (( evt.type in (close, read) and  evt.num = 7))"
			 " and not (( evt.num > 100))");
	check_dump(rs, "E",
		   "(and (= evt.type \"open\") (not (or (and (= evt.num 1) (!= evt.dir \"<\")) (and (= evt.num 2) (!= "
		   "evt.dir \">\")))) (not (in evt.num (5 6 8))) (not (and (in evt.type (\"close\" \"read\")) (= "
		   "evt.num 7))) (not (> evt.num 100)))");
	check_diag(rs, "LOAD_APPEND_NO_VALUES", "tuple", FILTER_RULES_WARNING, "exception", 27, 7);
	size_t f = rule_idx(rs, "F");
	ck_assert_str_eq(filter_ruleset_rule_condition(rs, f), "(evt.type = open) and not (fd.name pmatch (/tmp))");
	size_t g = rule_idx(rs, "G");
	ck_assert_str_eq(filter_ruleset_rule_condition(rs, g),
			 "(evt.type = open) and not (( evt.num = 1) or ( evt.num = 2))");
	filter_ruleset_free(rs);
	filter_registry_free(reg);
}
END_TEST

START_TEST(test_directory)
{
	filter_registry_t *reg = new_reg();
	filter_ruleset_t *rs = filter_ruleset_new(reg);
	ck_assert_int_eq(filter_ruleset_load_file(rs, fixture("dir")), FILTER_OK);
	ck_assert_int_eq(filter_ruleset_compile(rs), FILTER_OK);
	ck_assert_uint_eq(filter_ruleset_rule_count(rs), 1);
	ck_assert_str_eq(filter_ruleset_rule_condition(rs, 0), "evt.type = open and evt.dir = <");
	ck_assert_str_eq(filter_ruleset_rule_output(rs, 0), "first");
	/* two files in order: the second appends to the first */
	filter_ruleset_free(rs);
	rs = filter_ruleset_new(reg);
	ck_assert_int_eq(filter_ruleset_load_file(rs, fixture("dir/02_second.yml")), FILTER_ERR_INVAL);
	check_diag(rs, "LOAD_ERR_VALIDATE", "D", FILTER_RULES_ERROR, "rule", 1, 3);
	ck_assert_int_eq(filter_ruleset_load_file(rs, fixture("nonexistent.yaml")), FILTER_ERR_GENERIC);
	ck_assert_int_ge(find_diag(rs, "LOAD_ERR_FILE_READ", NULL), 0);
	filter_ruleset_free(rs);
	filter_registry_free(reg);
}
END_TEST

/* ---- errors: one per case, exact code, item, position ---- */
struct ecase {
	const char *yaml;
	int rc; /* of load (compile when 0) */
	const char *code;
	const char *type;
	const char *name;
	uint32_t line, col;
	const char *msg; /* substring */
};

#define RULE_HDR "  desc: d\n  output: o\n  priority: ERROR\n"

static const struct ecase ecases[] = {
	{"- rule: a\n  desc: [unclosed\n", FILTER_ERR_SYNTAX, "LOAD_ERR_YAML_PARSE", "rules content", "", 3, 1,
	 "did not find expected"},
	{"just text\n", FILTER_ERR_INVAL, "LOAD_ERR_YAML_VALIDATE", "rules content", "", 1, 1,
	 "Rules content is not yaml"},
	{"rule: x\ndesc: y\n", FILTER_ERR_INVAL, "LOAD_ERR_YAML_VALIDATE", "rules content", "", 1, 1,
	 "Rules content is not yaml array of objects"},
	{"- rule: ok\n  condition: evt.type = open\n" RULE_HDR "- just a string\n", FILTER_ERR_INVAL,
	 "LOAD_ERR_YAML_VALIDATE", "rules content item", "", 6, 3, "Each element should be a yaml associative array"},
	{"- rule: nocond\n" RULE_HDR, FILTER_ERR_INVAL, "LOAD_ERR_YAML_VALIDATE", "rule", "nocond", 1, 3,
	 "Item has no mapping for key 'condition'"},
	{"- rule: noout\n  condition: evt.type = open\n  desc: d\n  priority: ERROR\n", FILTER_ERR_INVAL,
	 "LOAD_ERR_YAML_VALIDATE", "rule", "noout", 1, 3, "Item has no mapping for key 'output'"},
	{"- rule: badprio\n  condition: evt.type = open\n  desc: d\n  output: o\n  priority: LOUD\n",
	 FILTER_ERR_INVAL, "LOAD_ERR_YAML_VALIDATE", "rule", "badprio", 5, 13, "Invalid priority"},
	{"- list: nolist\n  items: [a]\n  append: true\n", FILTER_ERR_INVAL, "LOAD_ERR_VALIDATE", "list", "nolist", 1,
	 3, "no list by that name"},
	{"- macro: nomacro\n  condition: evt.num = 1\n  override:\n    condition: append\n", FILTER_ERR_INVAL,
	 "LOAD_ERR_VALIDATE", "macro", "nomacro", 1, 3, "no macro by that name"},
	{"- rule: norule\n  condition: and evt.num = 1\n  append: true\n", FILTER_ERR_INVAL, "LOAD_ERR_VALIDATE", "rule",
	 "norule", 1, 3, "no rule by that name"},
	{"- rule: norule2\n  enabled: false\n", FILTER_ERR_INVAL, "LOAD_ERR_VALIDATE", "rule", "norule2", 1, 3,
	 "Rule has 'enabled' key but no rule by that name already exists"},
	{"- rule: r\n  condition: evt.type = open\n" RULE_HDR "- rule: r\n  priority: DEBUG\n  override:\n    priority: "
	 "append\n",
	 FILTER_ERR_INVAL, "LOAD_ERR_YAML_VALIDATE", "rule", "r", 9, 5,
	 "Key 'priority' cannot be appended to, use 'replace' instead"},
	{"- rule: r\n  condition: evt.type = open\n" RULE_HDR "- rule: r\n  desc: x\n  output: y\n  override:\n    "
	 "desc: replace\n",
	 FILTER_ERR_INVAL, "LOAD_ERR_YAML_VALIDATE", "rule", "r", 8, 11,
	 "Unexpected key 'output': no corresponding entry under 'override' is defined."},
	{"- macro: m\n  condition: evt.num = 1\n  append: true\n  override:\n    condition: append\n", FILTER_ERR_INVAL,
	 "LOAD_ERR_YAML_VALIDATE", "macro", "m", 1, 3, "cannot be used together"},
	{"- rule: r\n  condition: evt.type = open\n" RULE_HDR "  exceptions:\n    - name: e\n      fields: [evt.num, "
	 "evt.dir]\n      comps: [=]\n",
	 FILTER_ERR_INVAL, "LOAD_ERR_VALIDATE", "exception", "e", 7, 7, "Fields and comps lists must have equal length"},
	{"- rule: r\n  condition: evt.type = open\n" RULE_HDR "  exceptions:\n    - name: e\n      fields: evt.num\n   "
	 "   comps: =\n",
	 FILTER_ERR_INVAL, "LOAD_ERR_VALIDATE", "exception", "e", 7, 7, "comps must be one of (in, pmatch, intersects)"},
	{"- rule: r\n  condition: evt.type = open\n" RULE_HDR "  exceptions:\n    - name: e\n      fields: [evt.num]\n  "
	 "    comps: [like]\n",
	 FILTER_ERR_INVAL, "LOAD_ERR_VALIDATE", "exception", "e", 7, 7, "'like' is not a supported comparison operator"},
	{"- rule: r\n  condition: evt.type = open\n" RULE_HDR "  exceptions:\n    - name: e\n      values: [[1]]\n",
	 FILTER_ERR_INVAL, "LOAD_ERR_YAML_VALIDATE", "exception", "e", 7, 7, "Item has no mapping for key 'fields'"},
	{"- rule: r\n  condition: evt.type = open\n" RULE_HDR "  exceptions:\n    - name: e\n      fields: [evt.num]\n"
	 "      values: [[1, 2]]\n",
	 0, "LOAD_ERR_VALIDATE", "exception", "e", 7, 7, "Fields and values lists must have equal length"},
	{"- list: a\n  items: [b]\n- list: b\n  items: [x, a]\n- rule: r\n  condition: evt.type in (a)\n" RULE_HDR, 0,
	 "LOAD_ERR_VALIDATE", "list", "a", 1, 3, "references itself"},
	{"- macro: ma\n  condition: evt.num = 1 or mb\n- macro: mb\n  condition: (ma)\n", 0, "LOAD_ERR_VALIDATE",
	 "macro", "ma", 4, 15, "references itself"},
	{"- macro: bad\n  condition: evt.num = = 1\n", 0, "LOAD_ERR_COMPILE_CONDITION", "macro", "bad", 2, 24, ""},
	{"- rule: r\n  condition: >\n    evt.type = open and\n    proc.nme = bash\n" RULE_HDR, 0,
	 "LOAD_ERR_COMPILE_CONDITION", "rule", "r", 4, 5, "unknown field 'proc.nme'"},
	{"- rule: off\n  condition: evt.type = open and proc.nme = x\n  enabled: false\n" RULE_HDR, 0,
	 "LOAD_ERR_COMPILE_CONDITION", "rule", "off", 2, 34, "unknown field 'proc.nme'"}, /* disabled: still checked */
	{"- macro: mm\n  condition: evt.type = open and\n     fd.nam = x\n- rule: r\n  condition: mm\n" RULE_HDR, 0,
	 "LOAD_ERR_COMPILE_CONDITION", "rule", "r", 3, 6, "in macro 'mm': unknown field 'fd.nam'"},
	{"- rule: r\n  condition: evt.type = open\n  desc: d\n  output: \"x %evt.nope y\"\n  priority: ERROR\n", 0,
	 "LOAD_ERR_COMPILE_OUTPUT", "rule", "r", 4, 14, "evt.nope"},
	{"- rule: r\n  condition: evt.num > 1\n" RULE_HDR, 0, "LOAD_NO_EVTTYPE", "rule", "r", 1, 3,
	 "too many evt.type values"},
	{"- list: l\n  items: [a]\n  unexpected: 1\n", 0, "LOAD_UNKNOWN_ITEM", "list", "l", 3, 3, "Unknown key"},
	{"- rule: r\n  condition: evt.type = open\n" RULE_HDR "- rule: r\n  condition: x\n" RULE_HDR
	 "  source: aws_cloudtrail\n",
	 FILTER_ERR_INVAL, "LOAD_ERR_VALIDATE", "rule", "r", 6, 3, "re-defined with a different source"},
	{"- rule: r\n  condition: evt.type = open\n" RULE_HDR "  enabled: maybe\n", FILTER_ERR_INVAL,
	 "LOAD_ERR_YAML_VALIDATE", "rule", "r", 6, 12, "as a boolean"},
	{"- required_engine_version: abc\n", FILTER_ERR_INVAL, "LOAD_ERR_YAML_VALIDATE", "required_engine_version", "",
	 1, 3, "semver"},
	/* a warning in Falco (LOAD_INVALID_MACRO_NAME), at the item */
	{"- macro: 1bad\n  condition: evt.num = 1\n", 0, "LOAD_INVALID_MACRO_NAME", "macro", "1bad", 1, 3,
	 "Macro has an invalid name"},
	{"- a: &x [1]\n- b: *y\n", FILTER_ERR_SYNTAX, "LOAD_ERR_YAML_PARSE", "rules content", "", 2, 6, ""},
};

START_TEST(test_errors)
{
	const struct ecase *ec = &ecases[_i];
	filter_registry_t *reg = new_reg();
	filter_ruleset_t *rs = filter_ruleset_new(reg);
	int rc = filter_ruleset_load_string(rs, ec->yaml, strlen(ec->yaml), "t.yaml");
	ck_assert_msg(rc == ec->rc || (ec->rc == 0 && rc == FILTER_OK), "case %d: load returned %d", _i, rc);
	if (rc == FILTER_OK)
		filter_ruleset_compile(rs);
	check_diag(rs, ec->code, ec->name, strncmp(ec->code, "LOAD_ERR", 8) ? FILTER_RULES_WARNING : FILTER_RULES_ERROR,
		   ec->type, ec->line, ec->col);
	const char *msg, *file;
	filter_ruleset_diag_get(rs, (size_t)find_diag(rs, ec->code, ec->name), NULL, NULL, NULL, NULL, &msg, &file,
				NULL, NULL);
	ck_assert_msg(strstr(msg, ec->msg) != NULL, "case %d: message '%s' lacks '%s'", _i, msg, ec->msg);
	ck_assert_str_eq(file, "t.yaml");
	filter_ruleset_free(rs);
	filter_registry_free(reg);
}
END_TEST

START_TEST(test_bounds)
{
	filter_registry_t *reg = new_reg();
	filter_ruleset_t *rs = filter_ruleset_new(reg);
	char deep[400];
	size_t n = 0;
	for (int i = 0; i < 70; i++)
		deep[n++] = '[';
	for (int i = 0; i < 70; i++)
		deep[n++] = ']';
	deep[n] = 0;
	ck_assert_int_eq(filter_ruleset_load_string(rs, deep, n, "deep.yaml"), FILTER_ERR_SYNTAX);
	check_diag(rs, "LOAD_ERR_YAML_PARSE", "", FILTER_RULES_ERROR, "rules content", 1, 65);
	size_t big = 64u * 1024 * 1024 + 1;
	char *b = malloc(big);
	ck_assert_ptr_nonnull(b);
	memset(b, ' ', big);
	ck_assert_int_eq(filter_ruleset_load_string(rs, b, big, "big.yaml"), FILTER_ERR_SYNTAX);
	free(b);
	ck_assert_uint_eq(filter_ruleset_error_count(rs), 2);
	/* empty documents and null items are fine */
	ck_assert_int_eq(filter_ruleset_load_string(rs, "", 0, "empty.yaml"), FILTER_OK);
	ck_assert_int_eq(filter_ruleset_load_string(rs, "---\n- ~\n---\n", 12, "nulls.yaml"), FILTER_OK);
	filter_ruleset_free(rs);
	filter_registry_free(reg);
}
END_TEST

static const char enable_yaml[] = "- rule: A\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: ERROR\n"
				  "  tags: [files, common]\n"
				  "- rule: B\n  desc: d\n  condition: evt.type in (open, close)\n  output: o\n"
				  "  priority: DEBUG\n  tags: [common]\n"
				  "- rule: C\n  desc: d\n  condition: evt.type = close\n  output: o\n  priority: NOTICE\n"
				  "  enabled: false\n";

START_TEST(test_enable_index)
{
	filter_registry_t *reg = new_reg();
	filter_ruleset_t *rs = filter_ruleset_new(reg);
	ck_assert_int_eq(filter_ruleset_load_string(rs, enable_yaml, strlen(enable_yaml), "e.yaml"), FILTER_OK);
	ck_assert_int_eq(filter_ruleset_compile(rs), FILTER_OK);
	uint16_t open_e = 0, close_e = 0, read_e = 0;
	for (uint32_t t = 0; t < scap_event_max(); t++) {
		const char *nm = scap_event_name((uint16_t)t);
		if (!nm)
			continue;
		if (!open_e && !strcmp(nm, "open"))
			open_e = (uint16_t)t;
		if (!close_e && !strcmp(nm, "close"))
			close_e = (uint16_t)t;
		if (!read_e && !strcmp(nm, "read"))
			read_e = (uint16_t)t;
	}
	ck_assert(open_e && close_e && read_e);
	ck_assert_uint_eq(filter_ruleset_type_rule_count(rs, open_e), 2);
	ck_assert_uint_eq(filter_ruleset_type_rule_count(rs, open_e + 1), 2); /* exit event */
	ck_assert_uint_eq(filter_ruleset_type_rule_count(rs, close_e), 1);
	ck_assert_uint_eq(filter_ruleset_type_rule_count(rs, read_e), 0);
	/* by tag */
	ck_assert_int_eq(filter_ruleset_enable(rs, "common", false), 2);
	ck_assert_uint_eq(filter_ruleset_type_rule_count(rs, open_e), 0);
	ck_assert_int_eq(filter_ruleset_enable(rs, "files", true), 1);
	ck_assert_uint_eq(filter_ruleset_type_rule_count(rs, open_e), 1);
	/* by name, compiling a rule disabled at load time */
	ck_assert_int_eq(filter_ruleset_enable(rs, "C", true), 1);
	ck_assert_ptr_nonnull(filter_ruleset_rule_filter(rs, 2));
	ck_assert_uint_eq(filter_ruleset_type_rule_count(rs, close_e), 1);
	ck_assert_int_eq(filter_ruleset_enable(rs, "nothing", true), 0);
	/* priority threshold */
	ck_assert_int_eq(filter_ruleset_enable(rs, "B", true), 1);
	ck_assert_uint_eq(filter_ruleset_type_rule_count(rs, close_e), 2);
	ck_assert_int_eq(filter_ruleset_set_min_priority(rs, FILTER_RULES_PRIO_NOTICE), FILTER_OK);
	ck_assert_uint_eq(filter_ruleset_type_rule_count(rs, close_e), 1);
	ck_assert_int_eq(filter_rules_priority_parse("info"), FILTER_RULES_PRIO_INFORMATIONAL);
	ck_assert_int_eq(filter_rules_priority_parse("eMeRgEnCy"), FILTER_RULES_PRIO_EMERGENCY);
	ck_assert_int_eq(filter_rules_priority_parse("loud"), -1);
	filter_ruleset_free(rs);
	filter_registry_free(reg);
}
END_TEST

/* ---- match counts on the captures, checked against dump.txt ---- */
struct dline {
	uint64_t num;
	char name[64];
	char dir;
};

static const char match_yaml[] =
	"- list: fileops\n  items: [open, openat, close]\n"
	"- macro: exit\n  condition: evt.dir = <\n"
	"- rule: OpenExit\n  desc: d\n  condition: evt.type = open and exit\n  output: \"%evt.num\"\n"
	"  priority: ERROR\n"
	"- rule: FileOps\n  desc: d\n  condition: evt.type in (fileops)\n  output: \"%evt.num\"\n  priority: NOTICE\n"
	"  exceptions:\n    - name: noclose\n      fields: [evt.type, evt.dir]\n      values: [[close, \">\"]]\n"
	"- rule: Odd\n  desc: d\n  condition: evt.type = procinfo and evt.num > 100\n  output: \"%evt.num\"\n"
	"  priority: DEBUG\n";

static const char *const match_caps[] = {"falco_open-multiple-files", "libs_sample", "falco_connect_localhost"};

START_TEST(test_match_captures)
{
	const char *cap;
	char path[4096];
	snprintf(path, sizeof(path), "%s.scap", match_caps[_i]);
	if (!(cap = tu_shared_capture(path)))
		return;
	char scap_path[4096];
	snprintf(scap_path, sizeof(scap_path), "%s", cap);
	snprintf(path, sizeof(path), "%s/captures/expected/%s.dump.txt", tu_shared_dir("dump"), match_caps[_i]);
	char *text = tu_read_file(path, NULL);
	ck_assert_ptr_nonnull(text);
	uint64_t want[3] = {0, 0, 0}, got[3] = {0, 0, 0}, nlines = 0;
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct dline d;
		ck_assert_int_eq(sscanf(l, "%" SCNu64 " %*u %*d %63s %c", &d.num, d.name, &d.dir), 3);
		nlines++;
		want[0] += !strcmp(d.name, "open") && d.dir == '<';
		want[1] += (!strcmp(d.name, "open") || !strcmp(d.name, "openat") || !strcmp(d.name, "close")) &&
			   !(!strcmp(d.name, "close") && d.dir == '>');
		want[2] += !strcmp(d.name, "procinfo") && d.num > 100;
	}
	free(text);

	filter_registry_t *reg = new_reg();
	filter_ruleset_t *rs = filter_ruleset_new(reg);
	ck_assert_int_eq(filter_ruleset_load_string(rs, match_yaml, strlen(match_yaml), "m.yaml"), FILTER_OK);
	/* each rule's matches are counted: every matching rule, not the first */
	ck_assert_int_eq(filter_ruleset_set_rule_matching(rs, FILTER_RULES_MATCH_ALL), FILTER_OK);
	int rc = filter_ruleset_compile(rs);
	if (rc)
		print_diags(rs);
	ck_assert_int_eq(rc, FILTER_OK);
	struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;
	char errbuf[SCAP_ERRBUF_SIZE];
	o.filename = scap_path;
	scap_t *h = scap_open(&o, errbuf);
	ck_assert_msg(h != NULL, "%s", errbuf);
	const scap_evt_t *e;
	uint64_t n = 0;
	uint32_t idx[4];
	while (scap_next(h, &e) == SCAP_OK) {
		size_t m = filter_ruleset_match(rs, e, ++n, NULL, idx, 4);
		for (size_t k = 0; k < m; k++)
			got[idx[k]]++;
		/* the index: only the rules naming this event type are evaluated */
		const char *nm = scap_event_name(scap_evt_type(e));
		uint16_t ty = scap_evt_type(e);
		/* the generic events (0/1) may carry any syscall name (open, openat,
		 * close: the two rules on them); the async event (402) any name */
		size_t want_rules = ty <= 1 ? 2 : ty == 402 ? 3 : !nm ? 0 : !strcmp(nm, "open") ? 2
				  : (!strcmp(nm, "openat") || !strcmp(nm, "close") || !strcmp(nm, "procinfo")) ? 1 : 0;
		ck_assert_uint_eq(filter_ruleset_type_rule_count(rs, scap_evt_type(e)), want_rules);
	}
	scap_close(h);
	ck_assert_uint_eq(n, nlines);
	for (int k = 0; k < 3; k++)
		ck_assert_msg(got[k] == want[k], "%s rule %d: %" PRIu64 " matches, dump says %" PRIu64, match_caps[_i], k,
			      got[k], want[k]);
	filter_ruleset_free(rs);
	filter_registry_free(reg);
}
END_TEST

/* The alert API: filter_ruleset_process() calls back per matching rule, in
 * rule order, as filter_ruleset_match() finds them; the text line; Falco's
 * suggested container fields appended to outputs (and dropped with
 * filter_ruleset_set_suggested_output(false)); %container.info dropped with
 * a LOAD_DEPRECATED_ITEM warning. */
struct seen_alerts {
	uint32_t rules[8];
	size_t n;
	char text[8][1024];
};

static void keep_alert(filter_ruleset_t *rs, uint32_t rule, const scap_evt_t *evt, uint64_t num, void *user,
		       void *ctx)
{
	struct seen_alerts *a = ctx;
	ck_assert_uint_lt(a->n, 8);
	a->rules[a->n] = rule;
	ck_assert_int_gt(filter_ruleset_alert_text(rs, rule, evt, num, user, a->text[a->n], sizeof(a->text[0])), 0);
	a->n++;
}

START_TEST(test_alert_api)
{
	static const char yaml[] = "- rule: first\n  desc: d\n  condition: evt.type = open\n"
				   "  output: opened %evt.num %container.info\n  priority: WARNING\n"
				   "- rule: second\n  desc: d\n  condition: evt.type in (open, close)\n"
				   "  output: any %evt.type\n  priority: info\n";
	static const char sugg[] = " container_id=<NA> container_name=<NA> container_image_repository=<NA> "
				   "container_image_tag=<NA> k8s_pod_name=<NA> k8s_ns_name=<NA>";
	char want[1024];
	setenv("TZ", "UTC", 1);
	tzset();
	for (int on = 1; on >= 0; on--) {
		filter_registry_t *reg = new_reg();
		filter_ruleset_t *rs = filter_ruleset_new(reg);
		if (!on)
			ck_assert_int_eq(filter_ruleset_set_suggested_output(rs, false), FILTER_OK);
		ck_assert_int_eq(filter_ruleset_load_string(rs, yaml, sizeof(yaml) - 1, "api.yaml"), FILTER_OK);
		ck_assert_int_eq(filter_ruleset_compile(rs), FILTER_OK);
		check_diag(rs, "LOAD_DEPRECATED_ITEM", "first", FILTER_RULES_WARNING, "rule", 1, 3);
		/* both rules' alerts: every matching rule (the default is the first) */
		ck_assert_int_eq(filter_ruleset_set_rule_matching(rs, FILTER_RULES_MATCH_ALL), FILTER_OK);
		char errbuf[SCAP_ERRBUF_SIZE];
		scap_evt_t *e = scap_evt_new(3 /* open< */, 1700000000123456789ull, 42, 0, NULL, NULL, errbuf);
		ck_assert_msg(e != NULL, "%s", errbuf);
		struct seen_alerts a = {0};
		ck_assert_uint_eq(filter_ruleset_process(rs, e, 7, NULL, keep_alert, &a), 2);
		ck_assert_uint_eq(a.n, 2);
		ck_assert_uint_eq(a.rules[0], 0);
		ck_assert_uint_eq(a.rules[1], 1);
		snprintf(want, sizeof(want), "22:13:20.123456789: Warning opened 7 %s", on ? sugg : "");
		ck_assert_str_eq(a.text[0], want);
		snprintf(want, sizeof(want), "22:13:20.123456789: Informational any open%s", on ? sugg : "");
		ck_assert_str_eq(a.text[1], want);
		/* JSON: the appended fields are output fields too */
		char json[4096];
		ck_assert_int_gt(filter_ruleset_alert_json(rs, 1, e, 7, NULL, "h", json, sizeof(json)), 0);
		ck_assert_msg((strstr(json, "\"container.name\":\"<NA>\"") != NULL) == on, "%s", json);
		/* a buffer too small: the needed length, a cut line */
		char small[16];
		int need = filter_ruleset_alert_text(rs, 1, e, 7, NULL, small, sizeof(small));
		ck_assert_int_eq(need, (int)strlen(a.text[1]));
		ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
		ck_assert_int_eq(filter_ruleset_alert_text(rs, 1, e, 7, NULL, NULL, 0), need);
		scap_evt_free(e);
		filter_ruleset_free(rs);
		filter_registry_free(reg);
	}
}
END_TEST

Suite *rules_suite(void)
{
	Suite *s = suite_create("rules");
	TCase *tc = tcase_create("load");
	tcase_add_test(tc, test_basic);
	tcase_add_test(tc, test_override);
	tcase_add_test(tc, test_exceptions);
	tcase_add_test(tc, test_directory);
	tcase_add_loop_test(tc, test_errors, 0, (int)(sizeof(ecases) / sizeof(ecases[0])));
	tcase_add_test(tc, test_bounds);
	tcase_add_test(tc, test_enable_index);
	tcase_add_test(tc, test_alert_api);
	suite_add_tcase(s, tc);
	TCase *tm = tcase_create("captures");
	tcase_set_timeout(tm, 120);
	tcase_add_loop_test(tm, test_match_captures, 0, (int)(sizeof(match_caps) / sizeof(match_caps[0])));
	suite_add_tcase(s, tm);
	return s;
}

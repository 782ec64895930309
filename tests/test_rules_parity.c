/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rules engine's Falco semantics, one YAML case per behaviour
 * (tests/rules/parity/), each loaded, compiled and, when it has a capture,
 * run over one of the project's scenario captures (tests/captures):
 *   - rule_matching first (the default) and all, in load order;
 *   - a list's name anywhere in a condition standing for its items;
 *   - required_engine_version checked (number and x.y.z forms);
 *   - exception fields validated;
 *   - invalid macro and list names: warnings;
 *   - append/override of an undefined list, macro, rule; an undefined macro;
 *   - YAML errors where the bad token starts;
 *   - rules of another source skipped with a warning.
 * Each case gives the load result (code, severity, item, line, col, message
 * substring) and the alerts per rule. The counts come from the capture:
 * read_shadow.scap opens /etc/shadow twice (dd, then scapkit-peek) and
 * files below /etc/ five times (with /etc/ld.so.cache three times), as
 * `scapcli -r tests/captures/read_shadow.scap -F ...` shows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter_rules.h"
#include "scap.h"
#include "sinsp.h"
#include "test_util.h"

struct pdiag {
	const char *code; /* NULL: none expected */
	int sev;
	const char *type, *name;
	uint32_t line, col;
	const char *msg; /* substring */
};

struct palert {
	const char *rule;
	unsigned n;
};

struct pcase {
	const char *yaml;    /* in tests/rules/parity */
	const char *capture; /* in tests/captures, without .scap; NULL: load only */
	int matching;
	int load_rc;
	size_t errors; /* error diagnostics after compile */
	struct pdiag diag;
	unsigned total; /* alerts */
	struct palert alerts[8];
};

#define E FILTER_RULES_ERROR
#define W FILTER_RULES_WARNING
#define FIRST FILTER_RULES_MATCH_FIRST
#define ALL FILTER_RULES_MATCH_ALL
#define SHADOW "read_shadow"

static const struct pcase cases[] = {
	/* rule_matching: one alert per event, the first rule in load order */
	{"match_order.yaml", SHADOW, FIRST, FILTER_OK, 0, {0}, 5, {{"Shadow opened", 2}, {"Etc opened", 3}}},
	{"match_order.yaml", SHADOW, ALL, FILTER_OK, 0, {0}, 7, {{"Shadow opened", 2}, {"Etc opened", 5}}},
	{"match_order_rev.yaml", SHADOW, FIRST, FILTER_OK, 0, {0}, 5, {{"Shadow opened", 0}, {"Etc opened", 5}}},
	{"match_order_rev.yaml", SHADOW, ALL, FILTER_OK, 0, {0}, 7, {{"Shadow opened", 2}, {"Etc opened", 5}}},
	/* lists as bare words; a quoted name is a string; the exception's list
	 * names dd, leaving scapkit-peek */
	{"list_bare.yaml",
	 SHADOW,
	 ALL,
	 FILTER_OK,
	 0,
	 {0},
	 11,
	 {{"eq", 2},
	  {"eq blank", 2},
	  {"after comma", 2},
	  {"in macro", 2},
	  {"empty list", 2},
	  {"quoted", 0},
	  {"exception value", 1}}},
	{"list_bare.yaml", SHADOW, FIRST, FILTER_OK, 0, {0}, 2, {{"eq", 2}, {"eq blank", 0}}},
	/* required_engine_version: ours is 0.57.0 */
	{"engine_new.yaml",
	 NULL,
	 FIRST,
	 FILTER_ERR_INVAL,
	 1,
	 {"LOAD_ERR_VALIDATE", E, "required_engine_version", "", 1, 3,
	  "Rules require engine version 0.99.0, but engine version is " FILTER_RULES_ENGINE_VERSION},
	 0,
	 {{0}}},
	{"engine_int.yaml",
	 NULL,
	 FIRST,
	 FILTER_ERR_INVAL,
	 1,
	 {"LOAD_ERR_VALIDATE", E, "required_engine_version", "", 2, 3, "Rules require engine version 0.58.0,"},
	 0,
	 {{0}}},
	{"engine_ok.yaml", SHADOW, FIRST, FILTER_OK, 0, {0}, 2, {{"Shadow opened", 2}}},
	/* exception fields */
	{"exc_field.yaml",
	 NULL,
	 FIRST,
	 FILTER_ERR_INVAL,
	 1,
	 {"LOAD_ERR_VALIDATE", E, "exception", "by_proc", 7, 7, "'proc.nme' is not a supported filter field"},
	 0,
	 {{0}}},
	/* names: warnings */
	{"macro_name.yaml",
	 SHADOW,
	 FIRST,
	 FILTER_OK,
	 0,
	 {"LOAD_INVALID_MACRO_NAME", W, "macro", "shadow-open", 3, 3, "Macro has an invalid name"},
	 2,
	 {{"Shadow opened", 2}}},
	{"macro_name.yaml",
	 NULL,
	 FIRST,
	 FILTER_OK,
	 0,
	 {"LOAD_INVALID_LIST_NAME", W, "list", "bad list name", 5, 3, "List has an invalid name"},
	 0,
	 {{0}}},
	/* append/override of what does not exist */
	{"append_list.yaml",
	 NULL,
	 FIRST,
	 FILTER_ERR_INVAL,
	 1,
	 {"LOAD_ERR_VALIDATE", E, "list", "never_defined", 1, 3,
	  "List uses 'append' or 'override.items: append' but no list by that name already exists"},
	 0,
	 {{0}}},
	{"append_macro.yaml",
	 NULL,
	 FIRST,
	 FILTER_ERR_INVAL,
	 1,
	 {"LOAD_ERR_VALIDATE", E, "macro", "never_defined", 1, 3,
	  "Macro uses 'append' or 'override.condition: append' but no macro by that name already exists"},
	 0,
	 {{0}}},
	{"append_rule.yaml",
	 NULL,
	 FIRST,
	 FILTER_ERR_INVAL,
	 1,
	 {"LOAD_ERR_VALIDATE", E, "rule", "never defined", 1, 3,
	  "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists"},
	 0,
	 {{0}}},
	{"replace_rule.yaml",
	 NULL,
	 FIRST,
	 FILTER_ERR_INVAL,
	 1,
	 {"LOAD_ERR_VALIDATE", E, "rule", "never defined", 1, 3,
	  "An 'override.<key>: replace' to a rule was requested but no rule by that name already exists"},
	 0,
	 {{0}}},
	/* an undefined macro, at its place in the folded condition */
	{"undef_macro.yaml",
	 SHADOW,
	 FIRST,
	 FILTER_OK,
	 1,
	 {"LOAD_ERR_VALIDATE", E, "rule", "Shadow opened", 5, 37, "Undefined macro 'trusted_reader' used in filter."},
	 0,
	 {{"Shadow opened", 0}}},
	/* YAML: the unclosed quote where it opens, not at the end of the file */
	{"unclosed_quote.yaml",
	 NULL,
	 FIRST,
	 FILTER_ERR_SYNTAX,
	 1,
	 {"LOAD_ERR_YAML_PARSE", E, "rules content", "", 2, 9, "while scanning a quoted scalar"},
	 0,
	 {{0}}},
	/* another source: skipped with a warning, the others run */
	{"other_source.yaml",
	 SHADOW,
	 ALL,
	 FILTER_OK,
	 0,
	 {"LOAD_UNKNOWN_SOURCE", W, "rule", "Audit thing", 4, 3, "Unknown source k8s_audit, skipping"},
	 2,
	 {{"Shadow opened", 2}, {"Audit thing", 0}}},
	{"other_source.yaml",
	 NULL,
	 FIRST,
	 FILTER_OK,
	 0,
	 {"LOAD_UNKNOWN_ITEM", W, "required_plugin_versions", "k8saudit", 2, 7, "not checked"},
	 0,
	 {{0}}},
};

static const char *case_path(const char *name)
{
	static char path[4096];
	const char *d = getenv("RULES_TEST_DIR");
	if (d && d[0]) {
		snprintf(path, sizeof(path), "%s/parity/%s", d, name);
	} else {
		const char *f = __FILE__, *slash = strrchr(f, '/');
		snprintf(path, sizeof(path), "%.*s/rules/parity/%s", slash ? (int)(slash - f) : 1, slash ? f : ".",
			 name);
	}
	return path;
}

static void dump_diags(const filter_ruleset_t *rs)
{
	char buf[2048];
	for (size_t i = 0; i < filter_ruleset_diag_count(rs); i++) {
		filter_ruleset_diag_format(rs, i, buf, sizeof(buf));
		fprintf(stderr, "  %s\n", buf);
	}
}

static void check_pdiag(const filter_ruleset_t *rs, const struct pcase *pc)
{
	const struct pdiag *d = &pc->diag;
	for (size_t i = 0; i < filter_ruleset_diag_count(rs); i++) {
		int sev;
		const char *code, *type, *name, *msg, *file;
		uint32_t line, col;
		ck_assert_int_eq(filter_ruleset_diag_get(rs, i, &sev, &code, &type, &name, &msg, &file, &line, &col),
				 FILTER_OK);
		if (strcmp(code, d->code) || strcmp(name, d->name))
			continue;
		ck_assert_msg(sev == d->sev && !strcmp(type, d->type) && line == d->line && col == d->col &&
				      strstr(msg, d->msg) && strstr(file, pc->yaml),
			      "%s: %s '%s' is %s %s %u:%u '%s', expected %s %u:%u '%s'", pc->yaml, code, name,
			      sev == E ? "error" : "warning", type, line, col, msg, d->type, d->line, d->col, d->msg);
		return;
	}
	dump_diags(rs);
	ck_abort_msg("%s: no %s diagnostic for '%s'", pc->yaml, d->code, d->name);
}

struct counts {
	unsigned per_rule[64];
	unsigned total;
};

static void count_alert(filter_ruleset_t *rs, uint32_t rule, const scap_evt_t *evt, uint64_t num, void *user,
			void *ctx)
{
	struct counts *c = ctx;
	char line[4096];
	ck_assert_uint_lt(rule, 64);
	/* the alert renders */
	ck_assert_int_gt(filter_ruleset_alert_text(rs, rule, evt, num, user, line, sizeof(line)), 0);
	c->per_rule[rule]++;
	c->total++;
}

START_TEST(test_parity_case)
{
	const struct pcase *pc = &cases[_i];
	char errbuf[SCAP_ERRBUF_SIZE];
	sinsp_t *s = NULL;
	filter_registry_t *reg = filter_registry_new();
	ck_assert_ptr_nonnull(reg);
	ck_assert_int_eq(filter_registry_add_evt_fields(reg), FILTER_OK);
	if (pc->capture) {
		scap_t *h = tu_open(tu_fixture(pc->capture));
		ck_assert_ptr_nonnull(h);
		s = sinsp_open(h, NULL, errbuf);
		ck_assert_msg(s != NULL, "%s", errbuf);
		ck_assert_int_eq(sinsp_add_fields(s, reg), SCAP_OK);
	} else {
		ck_assert_int_eq(sinsp_add_fields(NULL, reg), FILTER_OK);
	}
	filter_ruleset_t *rs = filter_ruleset_new(reg);
	ck_assert_int_eq(filter_ruleset_set_rule_matching(rs, pc->matching), FILTER_OK);
	int rc = filter_ruleset_load_file(rs, case_path(pc->yaml));
	if (rc != pc->load_rc)
		dump_diags(rs);
	ck_assert_msg(rc == pc->load_rc, "%s: load returned %d, expected %d", pc->yaml, rc, pc->load_rc);
	if (rc == FILTER_OK)
		filter_ruleset_compile(rs);
	if (filter_ruleset_error_count(rs) != pc->errors)
		dump_diags(rs);
	ck_assert_uint_eq(filter_ruleset_error_count(rs), pc->errors);
	if (pc->diag.code)
		check_pdiag(rs, pc);
	if (s) {
		struct counts c;
		const sinsp_evt_t *se;
		uint32_t idx[64];
		memset(&c, 0, sizeof(c));
		while (sinsp_next(s, &se) == SINSP_OK) {
			const scap_evt_t *e = sinsp_evt_scap(se);
			unsigned before = c.total;
			size_t n = filter_ruleset_process(rs, e, sinsp_evt_num(se), (void *)se, count_alert, &c);
			ck_assert_uint_ne(n, FILTER_RULES_MATCH_ERROR);
			ck_assert_uint_eq(n, c.total - before);
			if (pc->matching == FIRST)
				ck_assert_uint_le(n, 1);
			/* filter_ruleset_match finds the same rules */
			ck_assert_uint_eq(filter_ruleset_match(rs, e, sinsp_evt_num(se), (void *)se, idx, 64), n);
		}
		ck_assert_msg(c.total == pc->total, "%s (%s): %u alerts, expected %u", pc->yaml,
			      pc->matching == FIRST ? "first" : "all", c.total, pc->total);
		for (size_t k = 0; k < sizeof(pc->alerts) / sizeof(pc->alerts[0]) && pc->alerts[k].rule; k++) {
			long r = filter_ruleset_rule_find(rs, pc->alerts[k].rule);
			ck_assert_msg(r >= 0, "%s: no rule '%s'", pc->yaml, pc->alerts[k].rule);
			ck_assert_msg(c.per_rule[r] == pc->alerts[k].n, "%s (%s): rule '%s' alerted %u times, expected %u",
				      pc->yaml, pc->matching == FIRST ? "first" : "all", pc->alerts[k].rule, c.per_rule[r],
				      pc->alerts[k].n);
		}
		sinsp_close(s);
	}
	filter_ruleset_free(rs);
	filter_registry_free(reg);
}
END_TEST

/* The matching mode's setter and parser; errors of the match calls are
 * errors, not "no match". */
START_TEST(test_parity_api)
{
	char errbuf[SCAP_ERRBUF_SIZE];
	filter_registry_t *reg = filter_registry_new();
	ck_assert_int_eq(filter_registry_add_evt_fields(reg), FILTER_OK);
	filter_ruleset_t *rs = filter_ruleset_new(reg);
	ck_assert_int_eq(filter_rules_matching_parse("first"), FILTER_RULES_MATCH_FIRST);
	ck_assert_int_eq(filter_rules_matching_parse("ALL"), FILTER_RULES_MATCH_ALL);
	ck_assert_int_eq(filter_rules_matching_parse("some"), -1);
	ck_assert_int_eq(filter_rules_matching_parse(NULL), -1);
	ck_assert_int_eq(filter_ruleset_set_rule_matching(rs, 2), FILTER_ERR_INVAL);
	ck_assert_int_eq(filter_ruleset_set_rule_matching(NULL, FILTER_RULES_MATCH_ALL), FILTER_ERR_INVAL);
	scap_evt_t *e = scap_evt_new(3 /* open< */, 1, 42, 0, NULL, NULL, errbuf);
	ck_assert_msg(e != NULL, "%s", errbuf);
	uint32_t idx[2];
	ck_assert_uint_eq(filter_ruleset_match(rs, e, 1, NULL, idx, 2), 0); /* no rules: no match */
	ck_assert_uint_eq(filter_ruleset_match(rs, NULL, 1, NULL, idx, 2), FILTER_RULES_MATCH_ERROR);
	ck_assert_uint_eq(filter_ruleset_match(NULL, e, 1, NULL, idx, 2), FILTER_RULES_MATCH_ERROR);
	ck_assert_uint_eq(filter_ruleset_process(rs, NULL, 1, NULL, NULL, NULL), FILTER_RULES_MATCH_ERROR);
	ck_assert_uint_eq(filter_ruleset_process(rs, e, 1, NULL, NULL, NULL), 0);
	ck_assert_uint_eq(filter_ruleset_type_rule_count(NULL, 3), FILTER_RULES_MATCH_ERROR);
	ck_assert_uint_eq(filter_ruleset_type_rule_count(rs, 3), 0);
	/* first: of two rules on open, only the first in load order */
	static const char yaml[] = "- rule: a\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: INFO\n"
				   "- rule: b\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: INFO\n";
	ck_assert_int_eq(filter_ruleset_load_string(rs, yaml, sizeof(yaml) - 1, "api.yaml"), FILTER_OK);
	ck_assert_int_eq(filter_ruleset_compile(rs), FILTER_OK);
	idx[0] = idx[1] = 99;
	ck_assert_uint_eq(filter_ruleset_match(rs, e, 1, NULL, idx, 2), 1);
	ck_assert_uint_eq(idx[0], 0);
	ck_assert_uint_eq(idx[1], 99);
	ck_assert_int_eq(filter_ruleset_set_rule_matching(rs, FILTER_RULES_MATCH_ALL), FILTER_OK);
	ck_assert_uint_eq(filter_ruleset_match(rs, e, 1, NULL, idx, 2), 2);
	ck_assert_uint_eq(idx[1], 1);
	/* disabling the first one lets the second one alert in first mode */
	ck_assert_int_eq(filter_ruleset_set_rule_matching(rs, FILTER_RULES_MATCH_FIRST), FILTER_OK);
	ck_assert_int_eq(filter_ruleset_enable(rs, "a", false), 1);
	ck_assert_uint_eq(filter_ruleset_match(rs, e, 1, NULL, idx, 2), 1);
	ck_assert_uint_eq(idx[0], 1);
	scap_evt_free(e);
	filter_ruleset_free(rs);
	filter_registry_free(reg);
}
END_TEST

Suite *rules_parity_suite(void);
Suite *rules_parity_suite(void)
{
	Suite *s = suite_create("rules_parity");
	TCase *tc = tcase_create("parity");
	tcase_add_loop_test(tc, test_parity_case, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_parity_api);
	suite_add_tcase(s, tc);
	return s;
}

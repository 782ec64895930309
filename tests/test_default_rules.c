/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rules/default_rules.yaml against the project's scenario captures
 * (tests/captures) and the shared ones: every rule fires on its scenario with
 * the exact count, and no rule fires anywhere else (the silent counterparts:
 * a shell without a terminal, a write below /tmp, a read of /etc/hostname,
 * chmod 644, a mount outside any container, a package manager on the host,
 * and the shared captures).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "filter_rules.h"
#include "sinsp.h"
#include "test_util.h"

#define N_RULES 10
static const char *const rule_names[N_RULES] = {
	"Terminal shell in container",
	"Write below etc or root",
	"Read sensitive file by unexpected program",
	"Package management process in container",
	"Delete or rename shell history",
	"Log files tampered",
	"Set setuid or setgid bit",
	"Mount in privileged container",
	"Namespace change by unexpected program",
	"Kubernetes credential read in container",
};

/* Expected alerts per fixture (rule index -> count); absent: 0. */
struct expect {
	const char *fixture;
	int rule; /* -1: silent */
	unsigned count;
};
static const struct expect expects[] = {
	{"container_shell_tty", 0, 2}, /* script's sh -c, then bash -i: both on the tty */
	{"container_shell_notty", -1, 0},
	{"write_below_etc", 1, 1},
	{"write_below_tmp", -1, 0},
	{"read_shadow", 2, 2}, /* dd, then a copy of dd named scapkit-peek */
	{"read_hostname", -1, 0},
	{"pkg_mgr_container", 3, 4}, /* apt-get, dpkg, yum, apk */
	{"pkg_mgr_host", -1, 0},
	{"history_delete", 4, 4}, /* O_TRUNC open, two renames (mv and back), unlink */
	{"log_truncate", 5, 2},   /* ": >" (O_TRUNC) and the removal; ftruncate is not matched */
	{"chmod_setuid", 6, 4},   /* fchmodat u+s, g+s, chmod 04755, fchmod 02755 */
	{"chmod_644", -1, 0},
	{"mount_container", 7, 2},
	{"mount_newns", -1, 0}, /* a mount outside any container */
	{"setns_unshare", 8, 2}, /* nsenter: setns uts, then mnt */
	{"k8s_sa_token_read", 9, 2},
	{"kubelet_cred", 9, 1},
};
#define N_EXPECTS (sizeof(expects) / sizeof(expects[0]))

static const char *default_rules_path(void)
{
	static char path[4096];
	const char *d = getenv("SCAPKIT_RULES_DIR");
	if (d && *d) {
		snprintf(path, sizeof(path), "%s/default_rules.yaml", d);
	} else {
		const char *f = __FILE__, *slash = strrchr(f, '/');
		snprintf(path, sizeof(path), "%.*s/../rules/default_rules.yaml", slash ? (int)(slash - f) : 1,
			 slash ? f : ".");
	}
	return path;
}

/* Run the default rules over a capture; counts[i] = alerts of rule_names[i]. */
static void run_rules(const char *capture, unsigned *counts)
{
	char errbuf[SCAP_ERRBUF_SIZE];
	filter_registry_t *reg = filter_registry_new();
	ck_assert_int_eq(filter_registry_add_evt_fields(reg), FILTER_OK);
	scap_t *h = tu_open(capture);
	sinsp_t *s = sinsp_open(h, NULL, errbuf);
	ck_assert_msg(s != NULL, "%s", errbuf);
	ck_assert_int_eq(sinsp_add_fields(s, reg), SCAP_OK);
	filter_ruleset_t *rs = filter_ruleset_new(reg);
	ck_assert_int_eq(filter_ruleset_load_file(rs, default_rules_path()), FILTER_OK);
	ck_assert_int_eq(filter_ruleset_compile(rs), FILTER_OK);
	ck_assert_uint_eq(filter_ruleset_diag_count(rs), 0);
	ck_assert_uint_eq(filter_ruleset_rule_count(rs), N_RULES);
	long idx[N_RULES];
	for (int i = 0; i < N_RULES; i++) {
		idx[i] = filter_ruleset_rule_find(rs, rule_names[i]);
		ck_assert_msg(idx[i] >= 0, "rule '%s' missing", rule_names[i]);
		counts[i] = 0;
	}
	const sinsp_evt_t *se;
	int rc;
	while ((rc = sinsp_next(s, &se)) == SINSP_OK) {
		uint32_t m[N_RULES];
		size_t n = filter_ruleset_match(rs, sinsp_evt_scap(se), sinsp_evt_num(se), (void *)se, m, N_RULES);
		for (size_t k = 0; k < n && k < N_RULES; k++)
			for (int i = 0; i < N_RULES; i++)
				counts[i] += (long)m[k] == idx[i];
	}
	ck_assert_int_eq(rc, SINSP_EOF);
	filter_ruleset_free(rs);
	sinsp_close(s);
	filter_registry_free(reg);
}

START_TEST(default_rules_fixture)
{
	const struct expect *x = &expects[_i];
	unsigned counts[N_RULES];
	run_rules(tu_fixture(x->fixture), counts);
	for (int i = 0; i < N_RULES; i++) {
		unsigned want = i == x->rule ? x->count : 0;
		ck_assert_msg(counts[i] == want, "%s: rule '%s' fired %u times, expected %u", x->fixture, rule_names[i],
			      counts[i], want);
	}
}
END_TEST

/* Every rule has a firing capture and a silent one in the table above. */
START_TEST(default_rules_each_has_both)
{
	for (int i = 0; i < N_RULES; i++) {
		int fires = 0;
		for (size_t k = 0; k < N_EXPECTS; k++)
			fires += expects[k].rule == i && expects[k].count > 0;
		ck_assert_msg(fires > 0, "rule '%s' has no firing capture", rule_names[i]);
	}
}
END_TEST

/* The shared captures (real sysdig/Falco recordings) raise nothing. */
START_TEST(default_rules_shared_silent)
{
	static const char *const caps[] = {"falco_connect_localhost.scap", "falco_open-multiple-files.scap",
					   "falco_privileged.scap", "libs_curl_google.scap", "libs_sample.scap",
					   "libs_single_ipv6_conn.scap"};
	for (size_t k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
		const char *p = tu_shared_capture(caps[k]);
		unsigned counts[N_RULES];
		if (!p)
			return;
		run_rules(p, counts);
		for (int i = 0; i < N_RULES; i++)
			ck_assert_msg(counts[i] == 0, "%s: rule '%s' fired %u times", caps[k], rule_names[i], counts[i]);
	}
}
END_TEST

/* The rule index splits generic syscall events by the syscall they carry:
 * a ruleset must match exactly what the same conditions match as filters. */
START_TEST(rules_index_generic_events)
{
	static const char *const conds[] = {
		"evt.type = ftruncate", "evt.type in (ftruncate, openat) and evt.dir = <", "evt.type = syscall",
		"evt.type != ftruncate and evt.type in (ftruncate, close, unlinkat)", "not evt.type in (openat, close)",
		"evt.type = futex",
	};
	const size_t nc = sizeof(conds) / sizeof(conds[0]);
	char yaml[4096], errbuf[SCAP_ERRBUF_SIZE];
	size_t n = 0;
	for (size_t i = 0; i < nc; i++)
		n += (size_t)snprintf(yaml + n, sizeof(yaml) - n,
				      "- rule: r%zu\n  desc: d\n  condition: %s\n  output: o\n  priority: INFO\n", i, conds[i]);
	ck_assert_uint_lt(n, sizeof(yaml));
	filter_registry_t *reg = filter_registry_new();
	ck_assert_int_eq(filter_registry_add_evt_fields(reg), FILTER_OK);
	scap_t *h = tu_open(tu_fixture("log_truncate"));
	sinsp_t *s = sinsp_open(h, NULL, errbuf);
	ck_assert_msg(s != NULL, "%s", errbuf);
	ck_assert_int_eq(sinsp_add_fields(s, reg), SCAP_OK);
	filter_ruleset_t *rs = filter_ruleset_new(reg);
	ck_assert_int_eq(filter_ruleset_load_string(rs, yaml, n, "gen.yaml"), FILTER_OK);
	filter_ruleset_set_rule_matching(rs, FILTER_RULES_MATCH_ALL); /* each rule counted */
	filter_ruleset_compile(rs); /* LOAD_NO_EVTTYPE warnings are expected */
	ck_assert_uint_eq(filter_ruleset_error_count(rs), 0);
	filter_t *f[8];
	unsigned by_rules[8] = {0}, by_filter[8] = {0};
	for (size_t i = 0; i < nc; i++)
		ck_assert_ptr_nonnull(f[i] = filter_compile(reg, conds[i], NULL));
	const sinsp_evt_t *se;
	unsigned generic = 0;
	while (sinsp_next(s, &se) == SINSP_OK) {
		const scap_evt_t *e = sinsp_evt_scap(se);
		uint32_t m[8];
		generic += scap_evt_type(e) == 1;
		size_t k = filter_ruleset_match(rs, e, sinsp_evt_num(se), (void *)se, m, 8);
		for (size_t j = 0; j < k && j < 8; j++)
			by_rules[m[j]]++;
		for (size_t i = 0; i < nc; i++)
			by_filter[i] += filter_eval(f[i], e, sinsp_evt_num(se), (void *)se) == 1;
	}
	ck_assert_uint_gt(generic, 0); /* the fixture keeps ftruncate as a generic event */
	ck_assert_uint_gt(by_filter[0], 0);
	ck_assert_uint_eq(by_filter[5], 0);
	for (size_t i = 0; i < nc; i++) {
		ck_assert_msg(by_rules[i] == by_filter[i], "'%s': %u by the ruleset, %u as a filter", conds[i], by_rules[i],
			      by_filter[i]);
		filter_free(f[i]);
	}
	filter_ruleset_free(rs);
	sinsp_close(s);
	filter_registry_free(reg);
}
END_TEST

Suite *default_rules_suite(void)
{
	Suite *s = suite_create("default_rules");
	TCase *tc = tcase_create("rules");
	tcase_add_loop_test(tc, default_rules_fixture, 0, (int)N_EXPECTS);
	tcase_add_test(tc, default_rules_each_has_both);
	tcase_add_test(tc, default_rules_shared_silent);
	tcase_add_test(tc, rules_index_generic_events);
	suite_add_tcase(s, tc);
	return s;
}

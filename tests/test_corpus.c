/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The shared captures (real files from sysdig/Falco/libs) read to the end
 * with exactly the counts of an independent reader: ../shared/captures/
 * expected.json, expected/NAME.dump.txt (every event: num ts tid name dir
 * nparams), expected/NAME.execve.jsonl and expected/NAME.procs.jsonl.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_util.h"
#include "scap.h"
#include "test_util.h"

static const char *const captures[] = {
	"falco_connect_localhost.scap", "falco_open-multiple-files.scap", "falco_privileged.scap",
	"falco_test_empty.scap",        "libs_curl_google.scap",          "libs_sample.scap",
	"libs_single_ipv6_conn.scap",
};
#define NCAPTURES (int)(sizeof(captures) / sizeof(captures[0]))


static char *read_expected(const char *dir, const char *name, const char *suffix)
{
	char path[4096], base[256];

	snprintf(base, sizeof(base), "%s", name);
	char *dot = strrchr(base, '.');
	if (dot)
		*dot = 0;
	snprintf(path, sizeof(path), "%s/captures/expected/%s%s", dir, base, suffix);
	char *text = tu_read_file(path, NULL);
	ck_assert_msg(text != NULL, "cannot read %s", path);
	return text;
}

static int param_index(uint16_t type, const char *name)
{
	for (uint32_t i = 0; i < scap_event_nparams(type); i++)
		if (strcmp(scap_event_param_name(type, i), name) == 0)
			return (int)i;
	return -1;
}

/* expected.json: totals, per-type counts, metadata counts, machine info. */
START_TEST(test_expected_counts)
{
	const char *dir = tu_shared_dir("corpus counts");
	if (!dir)
		return;
	char path[4096];
	snprintf(path, sizeof(path), "%s/captures/expected.json", dir);
	size_t len;
	char *text = tu_read_file(path, &len);
	ck_assert_ptr_nonnull(text);
	struct json j;
	ck_assert_int_eq(json_parse(&j, text, len), 0);

	const char *name = captures[_i];
	int cap = json_get(&j, 0, name);
	ck_assert_msg(cap >= 0, "%s missing from expected.json", name);
	snprintf(path, sizeof(path), "%s/captures/%s", dir, name);
	scap_t *h = tu_open(path);

	ck_assert_uint_eq(scap_proc_count(h), (uint64_t)json_int(&j, json_get(&j, cap, "proclist_threads")));
	ck_assert_uint_eq(scap_fd_count(h), (uint64_t)json_int(&j, json_get(&j, cap, "fdlist_entries")));
	ck_assert_uint_eq(scap_user_count(h), (uint64_t)json_int(&j, json_get(&j, cap, "users")));
	ck_assert_uint_eq(scap_group_count(h), (uint64_t)json_int(&j, json_get(&j, cap, "groups")));
	ck_assert_uint_eq(scap_iface_count(h), (uint64_t)json_int(&j, json_get(&j, cap, "interfaces")));

	/* fd types by name */
	int ft = json_get(&j, cap, "fdlist_types");
	uint64_t by_type[SCAP_FD_TYPE_MAX] = {0};
	for (size_t i = 0; i < scap_fd_count(h); i++) {
		int64_t t = scap_fdinfo_int(scap_fd_at(h, i), SCAP_FDI_TYPE);
		ck_assert_int_lt(t, SCAP_FD_TYPE_MAX);
		by_type[t]++;
	}
	for (int t = 0; t < SCAP_FD_TYPE_MAX; t++) {
		int v = json_get(&j, ft, scap_fd_type_name((enum scap_fd_type)t));
		ck_assert_msg(by_type[t] == (uint64_t)(v >= 0 ? json_int(&j, v) : 0), "%s: fd type %s: %" PRIu64,
			      name, scap_fd_type_name((enum scap_fd_type)t), by_type[t]);
	}

	/* machine info and section version */
	struct scap_machine_info mi = {.sz = sizeof(mi)};
	ck_assert_int_eq(scap_get_machine_info(h, &mi), SCAP_OK);
	int mj = json_get(&j, cap, "machine_info");
	char host[256];
	json_str(&j, json_get(&j, mj, "hostname"), host, sizeof(host));
	ck_assert_str_eq(mi.hostname, host);
	ck_assert_uint_eq(mi.num_cpus, (uint64_t)json_int(&j, json_get(&j, mj, "num_cpus")));
	ck_assert_uint_eq(mi.memory_size_bytes, (uint64_t)json_int(&j, json_get(&j, mj, "memory_size_bytes")));
	ck_assert_uint_eq(mi.boot_ts_epoch, (uint64_t)json_int(&j, json_get(&j, mj, "boot_ts_epoch")));
	char ver[16];
	json_str(&j, json_get(&j, cap, "section_version"), ver, sizeof(ver));
	uint32_t sv = scap_get_section_version(h);
	char got[16];
	snprintf(got, sizeof(got), "%u.%u", sv >> 16, sv & 0xffff);
	ck_assert_str_eq(got, ver);

	/* events: total, per type, first/last ts */
	uint64_t *counts = calloc(65536, sizeof(*counts)), n = 0, first = 0, last = 0;
	const scap_evt_t *e;
	int rc;
	while ((rc = scap_next(h, &e)) == SCAP_OK) {
		if (!n)
			first = scap_evt_ts(e);
		last = scap_evt_ts(e);
		counts[scap_evt_type(e)]++;
		n++;
	}
	ck_assert_msg(rc == SCAP_EOF, "%s: %s", name, scap_geterr(h));
	ck_assert_uint_eq(n, (uint64_t)json_int(&j, json_get(&j, cap, "event_count")));
	ck_assert_uint_eq(first, (uint64_t)json_int(&j, json_get(&j, cap, "first_ts")));
	ck_assert_uint_eq(last, (uint64_t)json_int(&j, json_get(&j, cap, "last_ts")));
	int et = json_get(&j, cap, "event_types");
	uint64_t listed = 0;
	for (int k = 0, i = et + 1; k < j.tok[et].size; k++) {
		char key[16];
		json_str(&j, i, key, sizeof(key));
		int type = atoi(key);
		int obj = i + 1;
		uint64_t want = (uint64_t)json_int(&j, json_get(&j, obj, "count"));
		ck_assert_msg(counts[type] == want, "%s: type %d: %" PRIu64 " != %" PRIu64, name, type, counts[type],
			      want);
		char ename[64];
		json_str(&j, json_get(&j, obj, "name"), ename, sizeof(ename));
		ck_assert_str_eq(scap_event_name((uint16_t)type), ename);
		listed += want;
		i = json_next(&j, obj);
	}
	ck_assert_uint_eq(listed, n); /* no type outside the list */

	struct scap_stats st = {.sz = sizeof(st)};
	ck_assert_int_eq(scap_get_stats(h, &st), SCAP_OK);
	ck_assert_uint_eq(st.n_evts, n);
	ck_assert_uint_eq(st.n_sections, 1);
	ck_assert_uint_eq(st.n_blocks_skipped, 0);

	free(counts);
	scap_close(h);
	json_free(&j);
	free(text);
}
END_TEST

/* dump.txt: every event in order: num ts tid name dir nparams. */
START_TEST(test_dump_lines)
{
	const char *dir = tu_shared_dir("corpus dump");
	if (!dir)
		return;
	const char *name = captures[_i];
	char path[4096];
	snprintf(path, sizeof(path), "%s/captures/%s", dir, name);
	char *text = read_expected(dir, name, ".dump.txt");
	scap_t *h = tu_open(path);
	const scap_evt_t *e;
	uint64_t n = 0;
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		uint64_t num, ts, np;
		int64_t tid;
		char ename[64], dirc;
		ck_assert_int_eq(sscanf(line, "%" SCNu64 " %" SCNu64 " %" SCNd64 " %63s %c %" SCNu64, &num, &ts, &tid,
					ename, &dirc, &np),
				 6);
		int rc = scap_next(h, &e);
		ck_assert_msg(rc == SCAP_OK, "%s: event %" PRIu64 ": %s", name, num, scap_geterr(h));
		n++;
		ck_assert_uint_eq(num, n);
		ck_assert_msg(scap_evt_ts(e) == ts && scap_evt_tid(e) == tid && scap_evt_nparams(e) == np,
			      "%s: event %" PRIu64 " differs: got ts %" PRIu64 " tid %" PRId64 " nparams %u", name, num,
			      scap_evt_ts(e), scap_evt_tid(e), scap_evt_nparams(e));
		ck_assert_str_eq(scap_event_name(scap_evt_type(e)), ename);
		ck_assert_int_eq(scap_event_direction(scap_evt_type(e)) == SCAP_DIR_ENTER ? '>' : '<', dirc);
	}
	ck_assert_int_eq(scap_next(h, &e), SCAP_EOF);
	scap_close(h);
	free(text);
}
END_TEST

/* Compare a NUL-separated list with a JSON array of strings. */
static void check_list(const struct json *j, int arr, const char *p, size_t len, const char *what)
{
	int k = 0;
	size_t pos = 0;
	char want[8192];

	while (pos < len) {
		const char *item = p + pos;
		size_t ilen = strnlen(item, len - pos);
		ck_assert_msg(k < j->tok[arr].size, "%s: more items than expected", what);
		json_str(j, json_at(j, arr, k), want, sizeof(want));
		ck_assert_msg(strlen(want) == ilen && memcmp(want, item, ilen) == 0, "%s: item %d '%.*s' != '%s'", what,
			      k, (int)ilen, item, want);
		k++;
		pos += ilen + 1;
	}
	ck_assert_msg(k == j->tok[arr].size, "%s: %d items, %d expected", what, k, j->tok[arr].size);
}

/* execve.jsonl: the execve exit events decode to exe/args/cwd/comm. */
START_TEST(test_execve_params)
{
	const char *dir = tu_shared_dir("corpus execve");
	if (!dir)
		return;
	const char *name = captures[_i];
	char path[4096];
	snprintf(path, sizeof(path), "%s/captures/%s", dir, name);
	char *text = read_expected(dir, name, ".execve.jsonl");
	scap_t *h = tu_open(path);
	const scap_evt_t *e;
	uint64_t n = 0;
	char *save = NULL;
	int checked = 0;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct json j;
		ck_assert_int_eq(json_parse(&j, line, strlen(line)), 0);
		uint64_t num = (uint64_t)json_int(&j, json_get(&j, 0, "num"));
		while (n < num) {
			ck_assert_int_eq(scap_next(h, &e), SCAP_OK);
			n++;
		}
		uint16_t type = scap_evt_type(e);
		ck_assert_int_eq(type, json_int(&j, json_get(&j, 0, "type")));
		ck_assert_uint_eq(scap_evt_nparams(e), (uint64_t)json_int(&j, json_get(&j, 0, "nparams")));
		int64_t res;
		ck_assert_int_eq(scap_evt_param_i64(e, 0, &res), SCAP_OK);
		ck_assert_int_eq(res, json_int(&j, json_get(&j, 0, "res")));
		static const char *const strs[] = {"exe", "cwd", "comm"};
		for (size_t s = 0; s < 3; s++) {
			int v = json_get(&j, 0, strs[s]);
			if (v < 0)
				continue;
			int pi = param_index(type, strs[s]);
			const void *data;
			uint32_t plen;
			char want[4096];
			ck_assert_int_ge(pi, 0);
			ck_assert_int_eq(scap_evt_param(e, (uint32_t)pi, &data, &plen), SCAP_OK);
			json_str(&j, v, want, sizeof(want));
			ck_assert_str_eq((const char *)data, want);
			ck_assert_uint_eq(plen, strlen(want) + 1); /* CHARBUF includes its NUL */
		}
		const void *args;
		uint32_t alen;
		ck_assert_int_eq(scap_evt_param(e, (uint32_t)param_index(type, "args"), &args, &alen), SCAP_OK);
		check_list(&j, json_get(&j, 0, "args"), args, alen, "execve args");
		checked++;
		json_free(&j);
	}
	if (checked)
		fprintf(stderr, "%s: %d execve exit events checked\n", name, checked);
	scap_close(h);
	free(text);
}
END_TEST

/* procs.jsonl: the process list, in order. */
START_TEST(test_proc_list)
{
	const char *dir = tu_shared_dir("corpus procs");
	if (!dir)
		return;
	const char *name = captures[_i];
	char path[4096];
	snprintf(path, sizeof(path), "%s/captures/%s", dir, name);
	char *text = read_expected(dir, name, ".procs.jsonl");
	scap_t *h = tu_open(path);
	size_t k = 0;
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save), k++) {
		struct json j;
		char want[4096];
		size_t len;
		ck_assert_int_eq(json_parse(&j, line, strlen(line)), 0);
		const scap_tinfo_t *t = scap_proc_at(h, k);
		ck_assert_ptr_nonnull(t);
		ck_assert_int_eq(scap_tinfo_int(t, SCAP_TI_TID), json_int(&j, json_get(&j, 0, "tid")));
		ck_assert_int_eq(scap_tinfo_int(t, SCAP_TI_PID), json_int(&j, json_get(&j, 0, "pid")));
		ck_assert_int_eq(scap_tinfo_int(t, SCAP_TI_PTID), json_int(&j, json_get(&j, 0, "ptid")));
		json_str(&j, json_get(&j, 0, "comm"), want, sizeof(want));
		ck_assert_str_eq(scap_tinfo_str(t, SCAP_TI_COMM, NULL), want);
		json_str(&j, json_get(&j, 0, "exe"), want, sizeof(want));
		ck_assert_str_eq(scap_tinfo_str(t, SCAP_TI_EXE, NULL), want);
		const char *args = scap_tinfo_str(t, SCAP_TI_ARGS, &len);
		check_list(&j, json_get(&j, 0, "args"), args, len, "proc args");
		const scap_tinfo_t *found = scap_proc_find(h, scap_tinfo_int(t, SCAP_TI_TID));
		ck_assert_ptr_nonnull(found);
		ck_assert_int_eq(scap_tinfo_int(found, SCAP_TI_TID), scap_tinfo_int(t, SCAP_TI_TID));
		json_free(&j);
	}
	ck_assert_uint_eq(k, scap_proc_count(h));
	scap_close(h);
	free(text);
}
END_TEST

Suite *corpus_suite(void)
{
	Suite *s = suite_create("corpus");
	TCase *tc = tcase_create("shared-captures");

	tcase_add_loop_test(tc, test_expected_counts, 0, NCAPTURES);
	tcase_add_loop_test(tc, test_dump_lines, 0, NCAPTURES);
	tcase_add_loop_test(tc, test_execve_params, 0, NCAPTURES);
	tcase_add_loop_test(tc, test_proc_list, 0, NCAPTURES);
	suite_add_tcase(s, tc);
	return s;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Event schema: the public API against event-schema.json (field by field),
 * plus checks that need no shared data. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSMN_STATIC
#define JSMN_PARENT_LINKS
#include <jsmn.h>

#include "scap.h"
#include "test_util.h"

/* ---- minimal JSON navigation over jsmn tokens -------------------------------- */

struct js {
	const char *text;
	jsmntok_t *tok;
	int ntok;
};

/* Index of the token after the subtree rooted at i. */
static int js_skip(const struct js *j, int i)
{
	int end = j->tok[i].end;

	i++;
	while (i < j->ntok && j->tok[i].start < end)
		i++;
	return i;
}

static int js_eq(const struct js *j, int i, const char *s)
{
	const jsmntok_t *t = &j->tok[i];
	size_t n = strlen(s);

	return t->type == JSMN_STRING && (size_t)(t->end - t->start) == n &&
	       memcmp(j->text + t->start, s, n) == 0;
}

/* Value token of key in object obj, or -1. */
static int js_get(const struct js *j, int obj, const char *key)
{
	int i, k;

	if (obj < 0 || j->tok[obj].type != JSMN_OBJECT)
		return -1;
	for (i = obj + 1, k = 0; k < j->tok[obj].size; k++) {
		if (js_eq(j, i, key))
			return i + 1;
		i = js_skip(j, i + 1);
	}
	return -1;
}

/* Index of element idx of an array (or of the idx-th key of an object). */
static int js_child(const struct js *j, int arr, int idx)
{
	int i = arr + 1;

	for (int k = 0; k < idx; k++)
		i = j->tok[arr].type == JSMN_OBJECT ? js_skip(j, i + 1) : js_skip(j, i);
	return i;
}

static int js_is_null(const struct js *j, int i)
{
	return i < 0 || (j->tok[i].type == JSMN_PRIMITIVE && j->text[j->tok[i].start] == 'n');
}

/* Copy a string token (JSON escapes decoded for the ASCII range). */
static const char *js_str(const struct js *j, int i, char *buf, size_t n)
{
	const jsmntok_t *t;
	size_t o = 0;

	if (i < 0 || j->tok[i].type != JSMN_STRING)
		return NULL;
	t = &j->tok[i];
	for (int p = t->start; p < t->end && o + 1 < n; p++) {
		char c = j->text[p];

		if (c == '\\' && p + 1 < t->end) {
			c = j->text[++p];
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u':
				if (p + 4 < t->end) {
					char hex[5];
					memcpy(hex, j->text + p + 1, 4);
					hex[4] = 0;
					c = (char)strtol(hex, NULL, 16);
					p += 4;
				}
				break;
			default: break; /* \" \\ \/ */
			}
		}
		buf[o++] = c;
	}
	buf[o] = 0;
	return buf;
}

static int64_t js_int(const struct js *j, int i, int *ok)
{
	char buf[32];
	size_t n;

	if (i < 0 || j->tok[i].type != JSMN_PRIMITIVE) {
		*ok = 0;
		return 0;
	}
	n = (size_t)(j->tok[i].end - j->tok[i].start);
	if (n >= sizeof(buf)) {
		*ok = 0;
		return 0;
	}
	memcpy(buf, j->text + j->tok[i].start, n);
	buf[n] = 0;
	*ok = buf[0] == '-' || (buf[0] >= '0' && buf[0] <= '9');
	return strtoll(buf, NULL, 10);
}

static int js_bool(const struct js *j, int i)
{
	return i >= 0 && j->tok[i].type == JSMN_PRIMITIVE && j->text[j->tok[i].start] == 't';
}

/* Name -> integer in a flat {"NAME": int} object; -1 when absent. */
static int64_t js_lookup(const struct js *j, int obj, const char *name)
{
	int ok = 0;
	int64_t v = js_int(j, js_get(j, obj, name), &ok);

	return ok ? v : -1;
}

/* ---- mismatch accounting ------------------------------------------------------ */

#define MAX_SHOWN 15

static int g_mismatches;
static char g_first[512];

static void mismatch(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void mismatch(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (g_mismatches == 0)
		snprintf(g_first, sizeof(g_first), "%s", msg);
	if (g_mismatches < MAX_SHOWN)
		fprintf(stderr, "schema mismatch: %s\n", msg);
	g_mismatches++;
}

static int streq_null(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

#define S(x) ((x) ? (x) : "(null)")

/* ---- comparisons ------------------------------------------------------------- */

static void cmp_param_types(const struct js *j, int pts)
{
	char name[64];
	int ok;

	for (int k = 0; k < j->tok[pts].size; k++) {
		int key = js_child(j, pts, k), val = key + 1;
		int64_t id = js_int(j, js_get(j, val, "id"), &ok);
		int sz = js_get(j, val, "size");
		uint32_t want_size = js_is_null(j, sz) ? 0 : (uint32_t)js_int(j, sz, &ok);

		js_str(j, key, name, sizeof(name));
		if (!streq_null(scap_ptype_name((enum scap_ptype)id), name))
			mismatch("ptype %" PRId64 ": name %s, json %s", id, S(scap_ptype_name((enum scap_ptype)id)), name);
		if (scap_ptype_size((enum scap_ptype)id) != want_size)
			mismatch("ptype %s: size %u, json %u", name, scap_ptype_size((enum scap_ptype)id), want_size);
	}
}

static void cmp_enums(const struct js *j, int root)
{
	static const struct {
		const char *obj, *name;
		int64_t value;
	} known[] = {
		{ "print_formats", "PF_NA", SCAP_PF_NA },
		{ "print_formats", "PF_DEC", SCAP_PF_DEC },
		{ "print_formats", "PF_HEX", SCAP_PF_HEX },
		{ "print_formats", "PF_10_PADDED_DEC", SCAP_PF_10_PADDED_DEC },
		{ "print_formats", "PF_ID", SCAP_PF_ID },
		{ "print_formats", "PF_DIR", SCAP_PF_DIR },
		{ "print_formats", "PF_OCT", SCAP_PF_OCT },
		{ "event_flags", "EF_CREATES_FD", SCAP_EF_CREATES_FD },
		{ "event_flags", "EF_DESTROYS_FD", SCAP_EF_DESTROYS_FD },
		{ "event_flags", "EF_USES_FD", SCAP_EF_USES_FD },
		{ "event_flags", "EF_READS_FROM_FD", SCAP_EF_READS_FROM_FD },
		{ "event_flags", "EF_WRITES_TO_FD", SCAP_EF_WRITES_TO_FD },
		{ "event_flags", "EF_MODIFIES_STATE", SCAP_EF_MODIFIES_STATE },
		{ "event_flags", "EF_UNUSED", SCAP_EF_UNUSED },
		{ "event_flags", "EF_WAITS", SCAP_EF_WAITS },
		{ "event_flags", "EF_SKIPPARSERESET", SCAP_EF_SKIPPARSERESET },
		{ "event_flags", "EF_OLD_VERSION", SCAP_EF_OLD_VERSION },
		{ "event_flags", "EF_LARGE_PAYLOAD", SCAP_EF_LARGE_PAYLOAD },
		{ "event_flags", "EF_CONVERTER_MANAGED", SCAP_EF_CONVERTER_MANAGED },
		{ "event_categories", "EC_IO_READ", SCAP_EC_IO_READ },
		{ "event_categories", "EC_IO_WRITE", SCAP_EC_IO_WRITE },
		{ "event_categories", "EC_IO_OTHER", SCAP_EC_IO_OTHER },
		{ "event_categories", "EC_SYSCALL", SCAP_EC_SYSCALL },
		{ "event_categories", "EC_TRACEPOINT", SCAP_EC_TRACEPOINT },
		{ "event_categories", "EC_PLUGIN", SCAP_EC_PLUGIN },
		{ "event_categories", "EC_METAEVENT", SCAP_EC_METAEVENT },
		{ "event_categories", "EC_ITER", SCAP_EC_ITER },
	};
	int limits = js_get(j, root, "limits");

	for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
		int64_t v = js_lookup(j, js_get(j, root, known[k].obj), known[k].name);
		if (v != known[k].value)
			mismatch("%s.%s: json %" PRId64 ", scap.h %" PRId64, known[k].obj, known[k].name, v,
				 known[k].value);
	}
	if (js_lookup(j, limits, "PPM_EVENT_MAX") != (int64_t)scap_event_max())
		mismatch("PPM_EVENT_MAX: api %u", scap_event_max());
	if (js_lookup(j, limits, "PPM_SC_MAX") != (int64_t)scap_ppm_sc_max())
		mismatch("PPM_SC_MAX: api %u", scap_ppm_sc_max());
	if (js_lookup(j, limits, "SYSCALL_TABLE_SIZE") != (int64_t)scap_syscall_x86_64_max())
		mismatch("SYSCALL_TABLE_SIZE: api %u", scap_syscall_x86_64_max());
	if (js_lookup(j, limits, "PT_MAX") != SCAP_PT_MAX)
		mismatch("PT_MAX: scap.h %d", SCAP_PT_MAX);
	if (js_lookup(j, limits, "PPM_MAX_EVENT_PARAMS") != SCAP_MAX_EVENT_PARAMS)
		mismatch("PPM_MAX_EVENT_PARAMS: scap.h %d", SCAP_MAX_EVENT_PARAMS);
}

/* Compare the PT_DYN alternatives of (id, pi) with dynamic_params[name]. */
static void cmp_dyn(const struct js *j, int root, uint16_t id, uint32_t pi, const char *dname)
{
	int pts = js_get(j, root, "param_types"), pfs = js_get(j, root, "print_formats");
	int dt = js_get(j, js_get(j, root, "dynamic_params"), dname);
	int ents = js_get(j, dt, "entries");
	uint32_t n = scap_event_param_dyn(id, pi, 0, NULL, NULL);
	char buf[64];
	int ok;

	if (ents < 0) {
		mismatch("event %u param %u: dynamic table %s not in dynamic_params", id, pi, dname);
		return;
	}
	if (n != (uint32_t)j->tok[ents].size) {
		mismatch("event %u param %u: %u dyn alternatives, json %d", id, pi, n, j->tok[ents].size);
		return;
	}
	for (int k = 0; k < j->tok[ents].size; k++) {
		int e = js_child(j, ents, k);
		uint32_t sel = (uint32_t)js_int(j, js_get(j, e, "index"), &ok);
		int64_t wt = js_lookup(j, js_get(j, pts, js_str(j, js_get(j, e, "type"), buf, sizeof(buf))), "id");
		int64_t wf = js_lookup(j, pfs, js_str(j, js_get(j, e, "fmt"), buf, sizeof(buf)));
		enum scap_ptype t = SCAP_PT_MAX;
		enum scap_pformat f = (enum scap_pformat)-1;

		scap_event_param_dyn(id, pi, sel, &t, &f);
		if ((int64_t)t != wt || (int64_t)f != wf)
			mismatch("event %u param %u dyn %u: type %d fmt %d, json %" PRId64 " %" PRId64, id, pi, sel,
				 (int)t, (int)f, wt, wf);
	}
}

static void cmp_events(const struct js *j, int root)
{
	int evs = js_get(j, root, "events");
	int pts = js_get(j, root, "param_types"), pfs = js_get(j, root, "print_formats");
	int lp = js_get(j, root, "large_payload_event_ids");
	char buf[128], buf2[128];
	int ok;

	if ((uint32_t)j->tok[evs].size != scap_event_max())
		mismatch("events: json has %d, api %u", j->tok[evs].size, scap_event_max());
	for (int k = 0, e = evs + 1; k < j->tok[evs].size; k++, e = js_skip(j, e)) {
		int64_t id64 = js_int(j, js_get(j, e, "id"), &ok);
		uint16_t id = (uint16_t)id64;
		int params = js_get(j, e, "params");
		uint32_t np = (uint32_t)js_int(j, js_get(j, e, "nparams"), &ok);
		int want_dir;

		if (id64 != k)
			mismatch("events[%d]: id %" PRId64, k, id64);
		js_str(j, js_get(j, e, "name"), buf, sizeof(buf));
		if (!streq_null(scap_event_name(id), buf))
			mismatch("event %u: name %s, json %s", id, S(scap_event_name(id)), buf);
		js_str(j, js_get(j, e, "enum"), buf, sizeof(buf));
		if (!streq_null(scap_event_enum_name(id), buf))
			mismatch("event %u: enum %s, json %s", id, S(scap_event_enum_name(id)), buf);
		want_dir = js_eq(j, js_get(j, e, "dir"), "enter") ? SCAP_DIR_ENTER : SCAP_DIR_EXIT;
		if (scap_event_direction(id) != want_dir || want_dir != (id % 2 ? SCAP_DIR_EXIT : SCAP_DIR_ENTER))
			mismatch("event %u: direction %d, json %d", id, scap_event_direction(id), want_dir);
		if ((int64_t)scap_event_flags(id) != js_int(j, js_get(j, e, "flags_value"), &ok))
			mismatch("event %u: flags 0x%x", id, scap_event_flags(id));
		if ((int64_t)scap_event_category(id) != js_int(j, js_get(j, e, "category_value"), &ok))
			mismatch("event %u: category 0x%x", id, scap_event_category(id));
		if (scap_event_nparams(id) != np || np != (uint32_t)j->tok[params].size)
			mismatch("event %u: nparams %u, json %u", id, scap_event_nparams(id), np);
		if (scap_event_param_name(id, scap_event_nparams(id)) != NULL)
			mismatch("event %u: param past nparams has a name", id);

		for (int pi = 0, p = params + 1; pi < j->tok[params].size; pi++, p = js_skip(j, p)) {
			int tbl = js_get(j, p, "table"), dirfd = js_get(j, p, "dirfd_param");
			int dyn = js_get(j, p, "dynamic_table");
			const char *tname = js_str(j, js_get(j, p, "type"), buf2, sizeof(buf2));
			int64_t wt = js_lookup(j, js_get(j, pts, tname), "id");
			enum scap_ptype t = scap_event_param_type(id, (uint32_t)pi);
			int64_t wf;
			const scap_flag_table_t *ft = scap_event_param_flags(id, (uint32_t)pi);
			int wdirfd = js_is_null(j, dirfd) ? -1 : (int)js_int(j, dirfd, &ok);

			js_str(j, js_get(j, p, "name"), buf, sizeof(buf));
			if (!streq_null(scap_event_param_name(id, (uint32_t)pi), buf))
				mismatch("event %u param %d: name %s, json %s", id, pi,
					 S(scap_event_param_name(id, (uint32_t)pi)), buf);
			if ((int64_t)t != wt || !streq_null(scap_ptype_name(t), tname))
				mismatch("event %u param %d: type %d (%s), json %s", id, pi, (int)t,
					 S(scap_ptype_name(t)), S(tname));
			wf = js_lookup(j, pfs, js_str(j, js_get(j, p, "fmt"), buf2, sizeof(buf2)));
			if ((int64_t)scap_event_param_format(id, (uint32_t)pi) != wf)
				mismatch("event %u param %d: fmt %d, json %s", id, pi,
					 (int)scap_event_param_format(id, (uint32_t)pi), buf2);
			if (js_is_null(j, tbl)) {
				if (ft)
					mismatch("event %u param %d: flag table %s, json null", id, pi,
						 S(scap_flag_table_name(ft)));
			} else {
				js_str(j, tbl, buf2, sizeof(buf2));
				if (!ft || !streq_null(scap_flag_table_name(ft), buf2))
					mismatch("event %u param %d: flag table %s, json %s", id, pi,
						 ft ? S(scap_flag_table_name(ft)) : "(none)", buf2);
			}
			if (scap_event_param_dirfd(id, (uint32_t)pi) != wdirfd)
				mismatch("event %u param %d: dirfd %d, json %d", id, pi,
					 scap_event_param_dirfd(id, (uint32_t)pi), wdirfd);
			if (js_is_null(j, dyn)) {
				if (scap_event_param_dyn(id, (uint32_t)pi, 0, NULL, NULL) != 0)
					mismatch("event %u param %d: has dyn alternatives, json none", id, pi);
			} else {
				cmp_dyn(j, root, id, (uint32_t)pi, js_str(j, dyn, buf2, sizeof(buf2)));
			}
		}
	}

	/* EF_LARGE_PAYLOAD <-> large_payload_event_ids */
	{
		uint32_t nflagged = 0;

		for (uint32_t id = 0; id < scap_event_max(); id++)
			if (scap_event_flags((uint16_t)id) & SCAP_EF_LARGE_PAYLOAD)
				nflagged++;
		if (nflagged != (uint32_t)j->tok[lp].size)
			mismatch("large payload: %u events flagged, json lists %d", nflagged, j->tok[lp].size);
		for (int k = 0; k < j->tok[lp].size; k++) {
			int64_t id = js_int(j, js_child(j, lp, k), &ok);
			if (!(scap_event_flags((uint16_t)id) & SCAP_EF_LARGE_PAYLOAD))
				mismatch("large payload: event %" PRId64 " lacks EF_LARGE_PAYLOAD", id);
		}
	}
}

static void cmp_flag_tables(const struct js *j, int root)
{
	int fts = js_get(j, root, "flag_tables");
	char name[128], ename[128];
	int ok;

	if ((uint32_t)j->tok[fts].size != scap_flag_table_count())
		mismatch("flag tables: json %d, api %u", j->tok[fts].size, scap_flag_table_count());
	for (uint32_t i = 0; i < scap_flag_table_count(); i++) {
		const scap_flag_table_t *t = scap_flag_table_at(i);
		if (!t || js_get(j, fts, S(scap_flag_table_name(t))) < 0)
			mismatch("flag table #%u (%s) not in json", i, t ? S(scap_flag_table_name(t)) : "(null)");
	}
	for (int k = 0; k < j->tok[fts].size; k++) {
		int key = js_child(j, fts, k), val = key + 1;
		int vals = js_get(j, val, "values");
		const scap_flag_table_t *t;
		enum scap_flag_kind wkind;

		js_str(j, key, name, sizeof(name));
		t = scap_flag_table_find(name);
		if (!t) {
			mismatch("flag table %s: missing", name);
			continue;
		}
		if (!streq_null(scap_flag_table_name(t), name))
			mismatch("flag table %s: found %s", name, S(scap_flag_table_name(t)));
		wkind = js_eq(j, js_get(j, val, "kind"), "enum") ? SCAP_FLAGS_ENUM : SCAP_FLAGS_BITMASK;
		if (scap_flag_table_kind(t) != wkind)
			mismatch("flag table %s: kind %d, json %d", name, (int)scap_flag_table_kind(t), (int)wkind);
		if (scap_flag_table_size(t) != (uint32_t)j->tok[vals].size)
			mismatch("flag table %s: %u entries, json %d", name, scap_flag_table_size(t), j->tok[vals].size);
		for (int e = 0, v = vals + 1; e < j->tok[vals].size; e++, v = js_skip(j, v)) {
			const char *gname = NULL;
			uint32_t gval = 0;
			int64_t wval = js_int(j, js_child(j, v, 1), &ok);

			js_str(j, js_child(j, v, 0), ename, sizeof(ename));
			if (scap_flag_table_entry(t, (uint32_t)e, &gname, &gval) != SCAP_OK ||
			    !streq_null(gname, ename) || (int64_t)gval != wval)
				mismatch("flag table %s entry %d: (%s, %u), json (%s, %" PRId64 ")", name, e, S(gname),
					 gval, ename, wval);
		}
	}
}

static void cmp_ppm_sc(const struct js *j, int root)
{
	int sc = js_get(j, root, "ppm_sc");
	char *seen = calloc(scap_ppm_sc_max() + 1, 1);
	char name[128];
	int ok;

	ck_assert_ptr_nonnull(seen);
	for (int k = 0, e = sc + 1; k < j->tok[sc].size; k++, e = js_skip(j, e)) {
		int64_t code = js_int(j, js_get(j, e, "code"), &ok);

		js_str(j, js_get(j, e, "name"), name, sizeof(name));
		if (code < 0 || code >= (int64_t)scap_ppm_sc_max()) {
			mismatch("ppm_sc %" PRId64 " (%s) out of range", code, name);
			continue;
		}
		seen[code] = 1;
		if (!streq_null(scap_ppm_sc_name((uint32_t)code), name))
			mismatch("ppm_sc %" PRId64 ": %s, json %s", code, S(scap_ppm_sc_name((uint32_t)code)), name);
	}
	for (uint32_t c = 0; c < scap_ppm_sc_max(); c++)
		if (!seen[c] && scap_ppm_sc_name(c) != NULL)
			mismatch("ppm_sc %u: %s, json gap", c, scap_ppm_sc_name(c));
	free(seen);
}

static void cmp_syscalls(const struct js *j, int root)
{
	int sys = js_get(j, root, "syscalls_x86_64");
	int uf = js_get(j, root, "syscall_flags");
	char *seen = calloc(scap_syscall_x86_64_max() + 1, 1);
	char fname[64];
	int ok;

	ck_assert_ptr_nonnull(seen);
	for (int k = 0, e = sys + 1; k < j->tok[sys].size; k++, e = js_skip(j, e)) {
		int64_t nr = js_int(j, js_get(j, e, "nr"), &ok);
		int64_t wsc = js_int(j, js_get(j, e, "ppm_sc"), &ok);
		int64_t wen = js_int(j, js_get(j, e, "enter_event"), &ok);
		int64_t wex = js_int(j, js_get(j, e, "exit_event"), &ok);
		int wgen = js_bool(j, js_get(j, e, "generic"));
		int flags = js_get(j, e, "flags");
		uint32_t wuf = 0, gsc = 0, guf = 0;
		uint16_t gen = 0, gex = 0;
		int ggen = -1;

		for (int f = 0; f < j->tok[flags].size; f++)
			wuf |= (uint32_t)js_lookup(j, uf, js_str(j, js_child(j, flags, f), fname, sizeof(fname)));
		if (nr < 0 || nr >= (int64_t)scap_syscall_x86_64_max()) {
			mismatch("syscall nr %" PRId64 " out of range", nr);
			continue;
		}
		seen[nr] = 1;
		if (scap_syscall_x86_64((uint32_t)nr, &gsc, &gen, &gex, &ggen, &guf) != 1) {
			mismatch("syscall %" PRId64 ": not routed", nr);
			continue;
		}
		if (gsc != wsc || gen != wen || gex != wex || ggen != wgen || guf != wuf)
			mismatch("syscall %" PRId64 ": (sc %u, %u/%u, generic %d, uf 0x%x), json (%" PRId64 ", %" PRId64
				 "/%" PRId64 ", %d, 0x%x)",
				 nr, gsc, gen, gex, ggen, guf, wsc, wen, wex, wgen, wuf);
	}
	for (uint32_t nr = 0; nr < scap_syscall_x86_64_max(); nr++)
		if (!seen[nr] && scap_syscall_x86_64(nr, NULL, NULL, NULL, NULL, NULL) != 0)
			mismatch("syscall %u: routed, json has no entry", nr);
	free(seen);
}

START_TEST(test_schema_matches_json)
{
	const char *dir = tu_shared_dir("schema");
	char path[4096];
	char *text;
	size_t len;
	jsmn_parser p;
	struct js j;
	int root;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/data/event-schema.json", dir);
	text = tu_read_file(path, &len);
	if (!text) {
		fprintf(stderr, "SKIP: schema: %s not readable\n", path);
		return;
	}
	jsmn_init(&p);
	j.ntok = jsmn_parse(&p, text, len, NULL, 0);
	ck_assert_msg(j.ntok > 0, "jsmn: cannot parse %s (%d)", path, j.ntok);
	j.tok = calloc((size_t)j.ntok, sizeof(*j.tok));
	ck_assert_ptr_nonnull(j.tok);
	j.text = text;
	jsmn_init(&p);
	ck_assert_int_eq(jsmn_parse(&p, text, len, j.tok, (unsigned)j.ntok), j.ntok);
	root = 0;
	ck_assert_int_eq(j.tok[root].type, JSMN_OBJECT);
	{
		static const char *const keys[] = { "limits", "param_types", "print_formats", "event_flags",
						    "event_categories", "syscall_flags", "events",
						    "large_payload_event_ids", "flag_tables", "dynamic_params",
						    "ppm_sc", "syscalls_x86_64" };
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			ck_assert_msg(js_get(&j, root, keys[k]) >= 0, "json: no top-level \"%s\"", keys[k]);
	}

	g_mismatches = 0;
	g_first[0] = 0;
	cmp_enums(&j, root);
	cmp_param_types(&j, js_get(&j, root, "param_types"));
	cmp_events(&j, root);
	cmp_flag_tables(&j, root);
	cmp_ppm_sc(&j, root);
	cmp_syscalls(&j, root);

	free(j.tok);
	free(text);
	ck_assert_msg(g_mismatches == 0, "%d schema mismatches with event-schema.json; first: %s", g_mismatches,
		      g_first);
}
END_TEST

/* ---- tests that need no shared data ---------------------------------------- */

START_TEST(test_flags_format_file_flags)
{
	const scap_flag_table_t *t = scap_flag_table_find("file_flags");
	char buf[128];

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(scap_flag_table_kind(t), SCAP_FLAGS_BITMASK);

	ck_assert_int_eq(scap_flags_format(t, 0, buf, sizeof(buf)), 6);
	ck_assert_str_eq(buf, "O_NONE");
	/* O_RDWR only, not also O_WRONLY/O_RDONLY */
	ck_assert_int_eq(scap_flags_format(t, 3, buf, sizeof(buf)), 6);
	ck_assert_str_eq(buf, "O_RDWR");
	ck_assert_int_eq(scap_flags_format(t, 1, buf, sizeof(buf)), 8);
	ck_assert_str_eq(buf, "O_RDONLY");
	/* table order: ..., O_RDONLY (1), O_CLOEXEC (4096), ... */
	ck_assert_int_eq(scap_flags_format(t, 1 | 4096, buf, sizeof(buf)), 18);
	ck_assert_str_eq(buf, "O_RDONLY|O_CLOEXEC");
	/* O_CREAT|O_TRUNC|O_WRONLY, in table order */
	ck_assert_int_eq(scap_flags_format(t, 4 | 256 | 2, buf, sizeof(buf)), 24);
	ck_assert_str_eq(buf, "O_TRUNC|O_CREAT|O_WRONLY");
	/* O_RDWR plus more bits: O_RDWR consumes both access bits */
	scap_flags_format(t, 3 | 4, buf, sizeof(buf));
	ck_assert_str_eq(buf, "O_CREAT|O_RDWR");
	/* bits with no name are dropped; nothing matching gives "" */
	ck_assert_int_eq(scap_flags_format(t, 1u << 20, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(scap_flags_format(t, (1u << 20) | 1, buf, sizeof(buf)), 8);
	ck_assert_str_eq(buf, "O_RDONLY");
}
END_TEST

START_TEST(test_flags_format_truncation)
{
	const scap_flag_table_t *t = scap_flag_table_find("file_flags");
	char buf[8];

	ck_assert_ptr_nonnull(t);
	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(scap_flags_format(t, 1 | 4096, buf, 5), 18);
	ck_assert_str_eq(buf, "O_RD");
	ck_assert_int_eq(buf[5], 'x'); /* nothing written past buflen */

	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(scap_flags_format(t, 1 | 4096, buf, 1), 18);
	ck_assert_int_eq(buf[0], 0);
	ck_assert_int_eq(buf[1], 'x');

	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(scap_flags_format(t, 1 | 4096, buf, 0), 18);
	ck_assert_int_eq(buf[0], 'x');
	ck_assert_int_eq(scap_flags_format(t, 1 | 4096, NULL, 0), 18);

	/* exactly fitting */
	ck_assert_int_eq(scap_flags_format(t, 3, buf, 7), 6);
	ck_assert_str_eq(buf, "O_RDWR");
	ck_assert_int_eq(scap_flags_format(t, 3, buf, 6), 6);
	ck_assert_str_eq(buf, "O_RDW");

	/* no table */
	buf[0] = 'x';
	ck_assert_int_lt(scap_flags_format(NULL, 3, buf, sizeof(buf)), 0);
	ck_assert_int_eq(buf[0], 0);
}
END_TEST

START_TEST(test_flags_format_enum)
{
	const scap_flag_table_t *t = scap_flag_table_find("socket_families");
	char buf[64];

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(scap_flag_table_kind(t), SCAP_FLAGS_ENUM);
	ck_assert_int_eq(scap_flags_format(t, 2, buf, sizeof(buf)), 7);
	ck_assert_str_eq(buf, "AF_INET");
	/* AF_LOCAL and AF_UNIX are both 1: the first in table order wins */
	scap_flags_format(t, 1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "AF_LOCAL");
	scap_flags_format(t, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "AF_UNSPEC");
	/* enum values are not split into bits */
	ck_assert_int_eq(scap_flags_format(t, 1000, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "");
}
END_TEST

/* libsinsp's walk stops at the entry equal to the whole value and appends it,
 * after whatever partial matches came before it. anon_inode_fd_types is used
 * as a PT_FLAGS8 (bitmask) table although its values are sequential. */
START_TEST(test_flags_format_upstream_walk)
{
	const scap_flag_table_t *t = scap_flag_table_find("anon_inode_fd_types");
	const scap_flag_table_t *m = scap_flag_table_find("mknod_mode");
	char buf[256];

	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_nonnull(m);
	scap_flags_format(t, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "ANON_INODE_FD_TYPE_UNKNOWN");
	scap_flags_format(t, 2, buf, sizeof(buf));
	ck_assert_str_eq(buf, "ANON_INODE_FD_TYPE_EVENTPOLL");
	scap_flags_format(t, 3, buf, sizeof(buf));
	ck_assert_str_eq(buf, "ANON_INODE_FD_TYPE_EVENTFD|ANON_INODE_FD_TYPE_EVENTPOLL|ANON_INODE_FD_TYPE_INOTIFY");
	/* S_IFREG|0644 */
	scap_flags_format(m, 0100644, buf, sizeof(buf));
	ck_assert_str_eq(buf, "S_IROTH|S_IRGRP|S_IWUSR|S_IRUSR|S_IFREG");
}
END_TEST

START_TEST(test_event_find_execve)
{
	static const uint16_t want[] = { 12, 13, 154, 155, 172, 173, 214, 215,
					 230, 231, 282, 283, 288, 289, 292, 293 };
	uint16_t got[64];
	uint32_t n = scap_event_find("execve", got, 64);

	ck_assert_uint_eq(n, 16);
	for (uint32_t i = 0; i < n; i++)
		ck_assert_uint_eq(got[i], want[i]);
	/* count is the total even when max is smaller */
	memset(got, 0xff, sizeof(got));
	ck_assert_uint_eq(scap_event_find("execve", got, 3), 16);
	ck_assert_uint_eq(got[2], 154);
	ck_assert_uint_eq(got[3], 0xffff);
	ck_assert_uint_eq(scap_event_find("execve", NULL, 0), 16);

	ck_assert_uint_eq(scap_event_find("open", got, 64), 2);
	ck_assert_uint_eq(got[0], 2);
	ck_assert_uint_eq(got[1], 3);
	/* EF_UNUSED placeholders are not events */
	ck_assert_uint_eq(scap_event_find("NA", got, 64), 0);
	ck_assert_uint_eq(scap_event_find("no_such_event", got, 64), 0);
	ck_assert_uint_eq(scap_event_find("", got, 64), 0);
	ck_assert_uint_eq(scap_event_find(NULL, got, 64), 0);
}
END_TEST

START_TEST(test_event_known)
{
	enum scap_ptype t = SCAP_PT_NONE;
	enum scap_pformat f = SCAP_PF_NA;
	int found = 0;

	ck_assert_uint_eq(scap_event_max(), 454);
	ck_assert_str_eq(scap_event_name(2), "open");
	ck_assert_str_eq(scap_event_enum_name(3), "PPME_SYSCALL_OPEN_X");
	ck_assert_int_eq(scap_event_direction(2), SCAP_DIR_ENTER);
	ck_assert_int_eq(scap_event_direction(3), SCAP_DIR_EXIT);
	ck_assert_uint_eq(scap_event_nparams(3), 6);
	ck_assert_str_eq(scap_event_param_name(3, 2), "flags");
	ck_assert_int_eq(scap_event_param_type(3, 2), SCAP_PT_FLAGS32);
	ck_assert_int_eq(scap_event_param_format(3, 2), SCAP_PF_HEX);
	ck_assert_str_eq(scap_flag_table_name(scap_event_param_flags(3, 2)), "file_flags");
	ck_assert_ptr_null(scap_event_param_flags(3, 0));
	ck_assert_int_eq(scap_event_param_dirfd(3, 1), -1);
	ck_assert(scap_event_category(3) & SCAP_EC_SYSCALL);
	ck_assert(scap_event_flags(3) & SCAP_EF_CREATES_FD);
	ck_assert(scap_event_flags(17) & SCAP_EF_UNUSED);

	/* openat exit: name is relative to the dirfd param */
	ck_assert_str_eq(scap_event_name(307), "openat");
	for (uint32_t i = 0; i < scap_event_nparams(307); i++) {
		if (scap_event_param_type(307, i) == SCAP_PT_FSRELPATH) {
			int d = scap_event_param_dirfd(307, i);
			ck_assert_int_ge(d, 0);
			ck_assert_str_eq(scap_event_param_name(307, (uint32_t)d), "dirfd");
			ck_assert_int_eq(scap_event_param_type(307, (uint32_t)d), SCAP_PT_FD);
			found = 1;
		}
	}
	ck_assert(found);

	/* setsockopt exit: val is PT_DYN with 5 alternatives */
	ck_assert_str_eq(scap_event_param_name(47, 4), "val");
	ck_assert_int_eq(scap_event_param_type(47, 4), SCAP_PT_DYN);
	ck_assert_uint_eq(scap_event_param_dyn(47, 4, 4, &t, &f), 5);
	ck_assert_int_eq(t, SCAP_PT_RELTIME);
	ck_assert_int_eq(f, SCAP_PF_DEC);
	t = SCAP_PT_MAX;
	ck_assert_uint_eq(scap_event_param_dyn(47, 4, 5, &t, &f), 5);
	ck_assert_int_eq(t, SCAP_PT_MAX); /* untouched for sel out of range */
	ck_assert_uint_eq(scap_event_param_dyn(47, 4, 0, NULL, NULL), 5);
	ck_assert_uint_eq(scap_event_param_dyn(47, 0, 0, &t, &f), 0);

	/* large payload events */
	ck_assert(scap_event_flags(322) & SCAP_EF_LARGE_PAYLOAD);
	ck_assert(!(scap_event_flags(3) & SCAP_EF_LARGE_PAYLOAD));

	ck_assert_str_eq(scap_ptype_name(SCAP_PT_CHARBUF), "PT_CHARBUF");
	ck_assert_uint_eq(scap_ptype_size(SCAP_PT_CHARBUF), 0);
	ck_assert_uint_eq(scap_ptype_size(SCAP_PT_ERRNO), 8);
	ck_assert_uint_eq(scap_ptype_size(SCAP_PT_FLAGS16), 2);
	ck_assert_uint_eq(scap_ptype_size(SCAP_PT_PID32), 4);
	ck_assert_str_eq(scap_ppm_sc_name(3), "read");
}
END_TEST

START_TEST(test_syscall_routing)
{
	uint32_t sc = 0, uf = 0;
	uint16_t en = 0, ex = 0;
	int gen = -1;

	ck_assert_uint_eq(scap_syscall_x86_64_max(), 512);
	ck_assert_int_eq(scap_syscall_x86_64(59, &sc, &en, &ex, &gen, &uf), 1);
	ck_assert_str_eq(scap_ppm_sc_name(sc), "execve");
	ck_assert_str_eq(scap_event_name(en), "execve");
	ck_assert_str_eq(scap_event_name(ex), "execve");
	ck_assert_uint_eq(en, 292);
	ck_assert_uint_eq(ex, 293);
	ck_assert_int_eq(gen, 0);
	ck_assert_uint_eq(uf & 1u, 1u); /* UF_USED */
	ck_assert_int_eq(scap_syscall_x86_64(59, NULL, NULL, NULL, NULL, NULL), 1);

	ck_assert_int_eq(scap_syscall_x86_64(0, &sc, &en, &ex, &gen, &uf), 1);
	ck_assert_str_eq(scap_ppm_sc_name(sc), "read");
	ck_assert_str_eq(scap_event_name(en), "read");

	/* rt_sigaction (13) goes through the generic event */
	ck_assert_int_eq(scap_syscall_x86_64(13, &sc, &en, &ex, &gen, &uf), 1);
	ck_assert_int_eq(gen, 1);
	ck_assert_uint_eq(en, 0);
	ck_assert_uint_eq(ex, 1);
	ck_assert_str_eq(scap_ppm_sc_name(sc), "rt_sigaction");

	ck_assert_int_eq(scap_syscall_x86_64(511, &sc, &en, &ex, &gen, &uf), 0);
	ck_assert_int_eq(scap_syscall_x86_64(512, &sc, &en, &ex, &gen, &uf), 0);
	ck_assert_int_eq(scap_syscall_x86_64(UINT32_MAX, NULL, NULL, NULL, NULL, NULL), 0);
}
END_TEST

START_TEST(test_out_of_range)
{
	const char *name = (const char *)1;
	uint32_t value = 7;
	enum scap_ptype t = SCAP_PT_INT8;
	const scap_flag_table_t *ft;

	ck_assert_ptr_null(scap_event_name(60000));
	ck_assert_ptr_null(scap_event_name((uint16_t)scap_event_max()));
	ck_assert_ptr_null(scap_event_name(UINT16_MAX));
	ck_assert_ptr_null(scap_event_enum_name(60000));
	ck_assert_uint_eq(scap_event_flags(60000), 0);
	ck_assert_uint_eq(scap_event_category(60000), 0);
	ck_assert_uint_eq(scap_event_nparams(60000), 0);
	ck_assert_ptr_null(scap_event_param_name(60000, 0));
	ck_assert_ptr_null(scap_event_param_name(2, 99));
	ck_assert_ptr_null(scap_event_param_name(2, UINT32_MAX));
	ck_assert_ptr_null(scap_event_param_name(17, 0)); /* NA slot, no params */
	ck_assert_int_eq(scap_event_param_type(60000, 0), SCAP_PT_NONE);
	ck_assert_int_eq(scap_event_param_type(2, 99), SCAP_PT_NONE);
	ck_assert_int_eq(scap_event_param_format(2, 99), SCAP_PF_NA);
	ck_assert_ptr_null(scap_event_param_flags(60000, 0));
	ck_assert_ptr_null(scap_event_param_flags(3, 99));
	ck_assert_int_eq(scap_event_param_dirfd(60000, 0), -1);
	ck_assert_int_eq(scap_event_param_dirfd(307, 99), -1);
	ck_assert_uint_eq(scap_event_param_dyn(60000, 0, 0, &t, NULL), 0);
	ck_assert_uint_eq(scap_event_param_dyn(47, 99, 0, &t, NULL), 0);
	ck_assert_int_eq(t, SCAP_PT_INT8);

	ck_assert_ptr_null(scap_ptype_name(SCAP_PT_MAX));
	ck_assert_ptr_null(scap_ptype_name((enum scap_ptype)-1));
	ck_assert_uint_eq(scap_ptype_size(SCAP_PT_MAX), 0);
	ck_assert_uint_eq(scap_ptype_size((enum scap_ptype)1000), 0);

	ck_assert_uint_gt(scap_flag_table_count(), 0);
	ck_assert_ptr_nonnull(scap_flag_table_at(0));
	ck_assert_ptr_null(scap_flag_table_at(scap_flag_table_count()));
	ck_assert_ptr_null(scap_flag_table_at(UINT32_MAX));
	ck_assert_ptr_null(scap_flag_table_find("no_such_table"));
	ck_assert_ptr_null(scap_flag_table_find(NULL));
	ck_assert_ptr_null(scap_flag_table_name(NULL));
	ck_assert_uint_eq(scap_flag_table_size(NULL), 0);
	ck_assert_int_lt(scap_flag_table_entry(NULL, 0, &name, &value), 0);
	ft = scap_flag_table_find("file_flags");
	ck_assert_int_lt(scap_flag_table_entry(ft, scap_flag_table_size(ft), &name, &value), 0);
	ck_assert_ptr_eq(name, (const char *)1);
	ck_assert_uint_eq(value, 7);
	ck_assert_int_eq(scap_flag_table_entry(ft, 0, NULL, NULL), SCAP_OK);

	ck_assert_uint_eq(scap_ppm_sc_max(), 454);
	ck_assert_ptr_null(scap_ppm_sc_name(scap_ppm_sc_max()));
	ck_assert_ptr_null(scap_ppm_sc_name(UINT32_MAX));
}
END_TEST

Suite *schema_suite(void)
{
	Suite *s = suite_create("schema");
	TCase *tc = tcase_create("json");
	TCase *tf = tcase_create("api");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_schema_matches_json);
	suite_add_tcase(s, tc);

	tcase_add_test(tf, test_flags_format_file_flags);
	tcase_add_test(tf, test_flags_format_truncation);
	tcase_add_test(tf, test_flags_format_enum);
	tcase_add_test(tf, test_flags_format_upstream_walk);
	tcase_add_test(tf, test_event_find_execve);
	tcase_add_test(tf, test_event_known);
	tcase_add_test(tf, test_syscall_routing);
	tcase_add_test(tf, test_out_of_range);
	suite_add_tcase(s, tf);
	return s;
}

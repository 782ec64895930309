/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Falco YAML rules files -> libfilter (filter_rules.h).
 *
 * Three stages, as in Falco's engine: read (YAML -> items, checking their
 * shape), collect (define / append / override / enable by name), compile
 * (lists and macros into the registry, exceptions into condition text,
 * conditions and outputs compiled, event-type index built).
 *
 * YAML is read with libyaml's event API into a small tree that keeps the
 * position of every node; aliases share the anchored node.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <yaml.h>

#include "filter.h"
#include "filter_rules.h"
#include "filter_int.h"
#include "scap.h"

#define MAX_DOC_BYTES (64u * 1024u * 1024u)
#define MAX_DEPTH 64
#define MAX_SCALAR_BUDGET (256u * 1024u * 1024u) /* bytes copied out of scalars, aliases included */

/* ---- small helpers ---- */
struct sbuf {
	char *s;
	size_t n, cap;
	bool oom;
};

static void sb_addn(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap : 64;
		while (nc < b->n + n + 1)
			nc *= 2;
		char *p = realloc(b->s, nc);
		if (!p) {
			b->oom = true;
			return;
		}
		b->s = p;
		b->cap = nc;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = 0;
}

static void sb_add(struct sbuf *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

/* Take the string (never NULL unless out of memory). */
static char *sb_take(struct sbuf *b)
{
	if (b->oom) {
		free(b->s);
		return NULL;
	}
	if (!b->s)
		return strdup("");
	return b->s;
}

struct strvec {
	char **v;
	size_t n, cap;
};

static int sv_push(struct strvec *sv, const char *s)
{
	if (sv->n == sv->cap) {
		size_t nc = sv->cap ? sv->cap * 2 : 8;
		char **p = realloc(sv->v, nc * sizeof(*p));
		if (!p)
			return -1;
		sv->v = p;
		sv->cap = nc;
	}
	if (!(sv->v[sv->n] = strdup(s)))
		return -1;
	sv->n++;
	return 0;
}

static bool sv_has(const struct strvec *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (!strcmp(sv->v[i], s))
			return true;
	return false;
}

static void sv_free(struct strvec *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	memset(sv, 0, sizeof(*sv));
}

/* grow an array of elements of size sz */
static int grow(void **arr, size_t *cap, size_t n, size_t sz)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 8;
	void *p = realloc(*arr, nc * sz);
	if (!p)
		return -1;
	*arr = p;
	*cap = nc;
	return 0;
}

/* ---- YAML tree ---- */
enum ykind { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
	uint8_t kind;
	uint8_t style; /* yaml_scalar_style_t for scalars */
	char *s;       /* scalar value (NUL-terminated) */
	size_t len;
	uint32_t line, col; /* 1-based */
	size_t off;         /* byte offset of the start mark */
	struct ynode **kids;
	size_t n, cap;
};

struct yanchor {
	char *name;
	struct ynode *node;
};

struct ytree {
	struct ynode **all;
	size_t nall, capall;
	struct ynode **docs; /* roots, NULL for empty documents */
	size_t ndocs, capdocs;
	struct yanchor *anchors;
	size_t nanchors, capanchors;
};

static void ytree_free(struct ytree *t)
{
	for (size_t i = 0; i < t->nall; i++) {
		free(t->all[i]->s);
		free(t->all[i]->kids);
		free(t->all[i]);
	}
	free(t->all);
	free(t->docs);
	for (size_t i = 0; i < t->nanchors; i++)
		free(t->anchors[i].name);
	free(t->anchors);
	memset(t, 0, sizeof(*t));
}

static bool y_isnull(const struct ynode *n)
{
	if (!n)
		return true;
	if (n->kind != Y_SCALAR || n->style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return !strcmp(n->s, "") || !strcmp(n->s, "~") || !strcmp(n->s, "null") || !strcmp(n->s, "Null") ||
	       !strcmp(n->s, "NULL");
}

static const struct ynode *y_get(const struct ynode *map, const char *key)
{
	if (!map || map->kind != Y_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < map->n; i += 2)
		if (map->kids[i]->kind == Y_SCALAR && !strcmp(map->kids[i]->s, key))
			return map->kids[i + 1];
	return NULL;
}

/* yaml-cpp's bool spellings */
static int y_bool(const struct ynode *n, bool *out)
{
	static const char *const t[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"};
	static const char *const f[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"};
	if (!n || n->kind != Y_SCALAR)
		return -1;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (!strcmp(n->s, t[i])) {
			*out = true;
			return 0;
		}
		if (!strcmp(n->s, f[i])) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

/* ---- ruleset data ---- */
struct loc {
	int file; /* index in rs->files, -1: none */
	uint32_t line, col;
	size_t off;
	uint8_t style;
	bool scalar; /* off/style describe a scalar whose text can be mapped */
};

struct seg { /* a piece of a condition/output text and where it came from */
	size_t at;
	struct loc loc;
};

struct segs {
	struct seg *v;
	size_t n, cap;
};

struct diag {
	int sev;
	const char *code;
	const char *item_type;
	char *name;
	char *msg;
	int file;
	uint32_t line, col;
};

struct xent { /* exception fields / comps / value: a string or a list */
	bool valid, is_list;
	char *item;
	struct xent *items;
	size_t n;
};

struct rexc {
	char *name;
	struct xent fields, comps;
	struct xent *values;
	size_t nvalues;
	struct loc loc;
};

struct rlist {
	char *name;
	struct strvec items;
	struct loc loc;
};

struct rmacro {
	char *name;
	char *cond;
	struct segs segs;
	struct loc loc;
};

struct rrule {
	char *name, *desc, *cond, *output, *source;
	int priority;
	bool enabled, warn_evttypes, skip_unknown, unknown_source;
	struct strvec tags;
	struct rexc *exc;
	size_t nexc;
	struct loc loc, exc_loc;
	struct segs csegs, osegs;
	/* compiled */
	char *final_cond;
	filter_t *f;
	filter_format_t *fmt;
	bool failed;
	bool warned_cinfo; /* the %container.info warning was given */
};

struct rfile {
	char *name;
	char *text; /* kept for mapping error columns into the file */
	size_t len;
};

struct filter_ruleset {
	filter_registry_t *reg;
	struct rfile *files;
	size_t nfiles, capfiles;
	struct diag *diags;
	size_t ndiags, capdiags, nerrors;
	struct rlist *lists;
	size_t nlists, caplists;
	struct rmacro *macros;
	size_t nmacros, capmacros;
	struct rrule *rules;
	size_t nrules, caprules;
	int min_prio;
	bool compiled;
	bool no_suggested; /* filter_ruleset_set_suggested_output(rs, false) */
	/* event-type index */
	bool index_dirty;
	uint32_t ntypes;
	uint32_t **by_type; /* ntypes + 1 arrays (last: types beyond the table) */
	size_t *by_type_n;
	uint32_t *all_rules; /* enabled compiled rules, for unknown types */
	/* generic exit events: the rules that may match each syscall code */
	uint32_t ngen;
	uint32_t **by_gen;
	size_t *by_gen_n;
	size_t nall_rules;
	/* current load */
	int cur_file;
	const char *cur_text;
	size_t scalar_budget;
};

/* ---- diagnostics ---- */
__attribute__((format(printf, 7, 8))) static void add_diag(filter_ruleset_t *rs, int sev, const char *code,
							   const char *item_type, const char *name,
							   const struct loc *lc, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (grow((void **)&rs->diags, &rs->capdiags, rs->ndiags, sizeof(*rs->diags)))
		return;
	struct diag *d = &rs->diags[rs->ndiags];
	memset(d, 0, sizeof(*d));
	d->sev = sev;
	d->code = code;
	d->item_type = item_type;
	d->name = strdup(name ? name : "");
	d->msg = strdup(msg);
	if (!d->name || !d->msg) {
		free(d->name);
		free(d->msg);
		return;
	}
	d->file = lc ? lc->file : -1;
	d->line = lc ? lc->line : 0;
	d->col = lc ? lc->col : 0;
	rs->ndiags++;
	if (sev == FILTER_RULES_ERROR)
		rs->nerrors++;
}

static struct loc node_loc(const filter_ruleset_t *rs, const struct ynode *n)
{
	struct loc l = {rs->cur_file, 0, 0, 0, 0, false};
	if (n) {
		l.line = n->line;
		l.col = n->col;
		l.off = n->off;
		l.style = n->style;
		l.scalar = n->kind == Y_SCALAR;
	}
	return l;
}

/* Map character `pos` (0-based) of a scalar's value to its place in the
 * file: walk value and source together, matching the non-blank
 * characters (folding and indentation only change blanks). Falls back to
 * the scalar's start when the two disagree (escapes). */
static struct loc map_pos(const filter_ruleset_t *rs, const struct loc *start, const char *value, size_t pos)
{
	struct loc l = *start;
	if (!start->scalar || start->file < 0 || (size_t)start->file >= rs->nfiles)
		return l;
	const char *t = rs->files[start->file].text;
	size_t tlen = rs->files[start->file].len, p = start->off;
	if (!t || p >= tlen)
		return l;
	if (start->style == YAML_LITERAL_SCALAR_STYLE || start->style == YAML_FOLDED_SCALAR_STYLE) {
		while (p < tlen && t[p] != '\n')
			p++;
	} else if (start->style == YAML_SINGLE_QUOTED_SCALAR_STYLE || start->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
		p++;
	}
	size_t vlen = strlen(value);
	if (pos > vlen)
		pos = vlen;
	for (size_t i = 0; i <= pos && i < vlen; i++) {
		unsigned char v = (unsigned char)value[i];
		if (isspace(v) && i < pos)
			continue;
		while (p < tlen && isspace((unsigned char)t[p]))
			p++;
		if (i == pos)
			break;
		if (p >= tlen || (unsigned char)t[p] != v)
			return l;
		p++;
	}
	/* line/col of p */
	uint32_t line = start->line, col = start->col;
	for (size_t q = start->off; q < p && q < tlen; q++) {
		if (t[q] == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)t[q] & 0xC0) != 0x80) {
			col++;
		}
	}
	l.line = line;
	l.col = col;
	return l;
}

/* Where character pos of a text built from segments comes from. */
static struct loc segs_pos(const filter_ruleset_t *rs, const struct segs *sg, const char *text, size_t pos,
			   const struct loc *fallback)
{
	if (!sg->n || pos < sg->v[0].at)
		return *fallback;
	size_t k = 0;
	for (size_t i = 0; i < sg->n; i++)
		if (sg->v[i].at <= pos)
			k = i;
	size_t end = k + 1 < sg->n ? sg->v[k + 1].at : strlen(text);
	/* the segment's own text: from its start to the next one (minus the joining blank) */
	char *piece = strndup(text + sg->v[k].at, end - sg->v[k].at);
	if (!piece)
		return sg->v[k].loc;
	struct loc l = map_pos(rs, &sg->v[k].loc, piece, pos - sg->v[k].at);
	free(piece);
	return l;
}

static int segs_set(struct segs *sg, size_t at, const struct loc *l, bool reset)
{
	if (reset)
		sg->n = 0;
	if (grow((void **)&sg->v, &sg->cap, sg->n, sizeof(*sg->v)))
		return -1;
	sg->v[sg->n].at = at;
	sg->v[sg->n].loc = *l;
	sg->n++;
	return 0;
}

/* ---- priorities ---- */
static const char *const prio_names[] = {"Emergency", "Alert",  "Critical",      "Error",
					 "Warning",   "Notice", "Informational", "Debug"};

SCAP_EXPORT const char *filter_rules_priority_name(int prio)
{
	return prio >= 0 && prio <= FILTER_RULES_PRIO_DEBUG ? prio_names[prio] : NULL;
}

SCAP_EXPORT int filter_rules_priority_parse(const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; i <= FILTER_RULES_PRIO_DEBUG; i++)
		if (!strcasecmp(s, prio_names[i]))
			return i;
	if (!strcasecmp(s, "info"))
		return FILTER_RULES_PRIO_INFORMATIONAL;
	return -1;
}

/* ---- freeing ---- */
static void xent_free(struct xent *x)
{
	free(x->item);
	for (size_t i = 0; i < x->n; i++)
		xent_free(&x->items[i]);
	free(x->items);
	memset(x, 0, sizeof(*x));
}

static void exc_free(struct rexc *e)
{
	free(e->name);
	xent_free(&e->fields);
	xent_free(&e->comps);
	for (size_t i = 0; i < e->nvalues; i++)
		xent_free(&e->values[i]);
	free(e->values);
	memset(e, 0, sizeof(*e));
}

static void excs_free(struct rexc *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		exc_free(&v[i]);
	free(v);
}

static void rule_uncompile(struct rrule *r)
{
	filter_free(r->f);
	filter_format_free(r->fmt);
	free(r->final_cond);
	r->f = NULL;
	r->fmt = NULL;
	r->final_cond = NULL;
	r->failed = false;
}

static void rule_free(struct rrule *r)
{
	rule_uncompile(r);
	free(r->name);
	free(r->desc);
	free(r->cond);
	free(r->output);
	free(r->source);
	sv_free(&r->tags);
	excs_free(r->exc, r->nexc);
	free(r->csegs.v);
	free(r->osegs.v);
	memset(r, 0, sizeof(*r));
}

static void free_index(filter_ruleset_t *rs)
{
	if (rs->by_type)
		for (uint32_t t = 0; t <= rs->ntypes; t++)
			free(rs->by_type[t]);
	free(rs->by_type);
	free(rs->by_type_n);
	free(rs->all_rules);
	if (rs->by_gen)
		for (uint32_t b = 0; b < rs->ngen; b++)
			free(rs->by_gen[b]);
	free(rs->by_gen);
	free(rs->by_gen_n);
	rs->by_gen = NULL;
	rs->by_gen_n = NULL;
	rs->ngen = 0;
	rs->by_type = NULL;
	rs->by_type_n = NULL;
	rs->all_rules = NULL;
	rs->nall_rules = 0;
	rs->index_dirty = true;
}

SCAP_EXPORT filter_ruleset_t *filter_ruleset_new(filter_registry_t *reg)
{
	if (!reg)
		return NULL;
	filter_ruleset_t *rs = calloc(1, sizeof(*rs));
	if (!rs)
		return NULL;
	rs->reg = reg;
	rs->min_prio = FILTER_RULES_PRIO_DEBUG;
	rs->index_dirty = true;
	rs->cur_file = -1;
	return rs;
}

SCAP_EXPORT void filter_ruleset_free(filter_ruleset_t *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->nfiles; i++) {
		free(rs->files[i].name);
		free(rs->files[i].text);
	}
	free(rs->files);
	for (size_t i = 0; i < rs->ndiags; i++) {
		free(rs->diags[i].name);
		free(rs->diags[i].msg);
	}
	free(rs->diags);
	for (size_t i = 0; i < rs->nlists; i++) {
		free(rs->lists[i].name);
		sv_free(&rs->lists[i].items);
	}
	free(rs->lists);
	for (size_t i = 0; i < rs->nmacros; i++) {
		free(rs->macros[i].name);
		free(rs->macros[i].cond);
		free(rs->macros[i].segs.v);
	}
	free(rs->macros);
	for (size_t i = 0; i < rs->nrules; i++)
		rule_free(&rs->rules[i]);
	free(rs->rules);
	free_index(rs);
	free(rs);
}

/* ---- YAML reading ---- */
struct ybuild {
	struct ytree *t;
	struct ynode *stack[MAX_DEPTH + 1];
	int depth;
	int doc_open;
	struct ynode *root;
};

static struct ynode *ynew(struct ytree *t, uint8_t kind, const yaml_mark_t *m)
{
	if (grow((void **)&t->all, &t->capall, t->nall, sizeof(*t->all)))
		return NULL;
	struct ynode *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = kind;
	n->line = (uint32_t)m->line + 1;
	n->col = (uint32_t)m->column + 1;
	n->off = m->index;
	t->all[t->nall++] = n;
	return n;
}

static int yattach(struct ybuild *b, struct ynode *n)
{
	if (b->depth == 0) {
		b->root = n;
		return 0;
	}
	struct ynode *p = b->stack[b->depth - 1];
	if (grow((void **)&p->kids, &p->cap, p->n, sizeof(*p->kids)))
		return -1;
	p->kids[p->n++] = n;
	return 0;
}

static int yanchor_add(struct ytree *t, const yaml_char_t *anchor, struct ynode *n)
{
	if (!anchor)
		return 0;
	if (grow((void **)&t->anchors, &t->capanchors, t->nanchors, sizeof(*t->anchors)))
		return -1;
	if (!(t->anchors[t->nanchors].name = strdup((const char *)anchor)))
		return -1;
	t->anchors[t->nanchors++].node = n;
	return 0;
}

/* Parse all documents (as Falco does before reading any item). Returns 0,
 * or -1 with an error diagnostic added. */
static int yaml_read(filter_ruleset_t *rs, const char *text, size_t len, struct ytree *t)
{
	yaml_parser_t p;
	yaml_event_t ev;
	struct ybuild b;
	struct loc l = {rs->cur_file, 0, 0, 0, 0, false};
	int rc = -1;
	bool done = false;

	memset(&b, 0, sizeof(b));
	b.t = t;
	if (len > MAX_DOC_BYTES) {
		add_diag(rs, FILTER_RULES_ERROR, "LOAD_ERR_YAML_PARSE", "rules content", "", &l,
			 "document too large (%zu bytes, limit %u)", len, MAX_DOC_BYTES);
		return -1;
	}
	if (!yaml_parser_initialize(&p)) {
		add_diag(rs, FILTER_RULES_ERROR, "LOAD_ERR_YAML_PARSE", "rules content", "", &l, "out of memory");
		return -1;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			l.line = (uint32_t)p.problem_mark.line + 1;
			l.col = (uint32_t)p.problem_mark.column + 1;
			add_diag(rs, FILTER_RULES_ERROR, "LOAD_ERR_YAML_PARSE", "rules content", "", &l, "%s%s%s",
				 p.problem ? p.problem : "YAML error", p.context ? " " : "", p.context ? p.context : "");
			goto out;
		}
		struct ynode *n = NULL;
		const char *oom = NULL;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			b.root = NULL;
			b.depth = 0;
			break;
		case YAML_DOCUMENT_END_EVENT:
			if (grow((void **)&t->docs, &t->capdocs, t->ndocs, sizeof(*t->docs))) {
				oom = "out of memory";
				break;
			}
			t->docs[t->ndocs++] = b.root;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (b.depth >= MAX_DEPTH) {
				l.line = (uint32_t)ev.start_mark.line + 1;
				l.col = (uint32_t)ev.start_mark.column + 1;
				add_diag(rs, FILTER_RULES_ERROR, "LOAD_ERR_YAML_PARSE", "rules content", "", &l,
					 "nesting deeper than %d levels", MAX_DEPTH);
				yaml_event_delete(&ev);
				goto out;
			}
			n = ynew(t, ev.type == YAML_SEQUENCE_START_EVENT ? Y_SEQ : Y_MAP, &ev.start_mark);
			if (!n || yattach(&b, n) ||
			    yanchor_add(t,
					ev.type == YAML_SEQUENCE_START_EVENT ? ev.data.sequence_start.anchor
									     : ev.data.mapping_start.anchor,
					n)) {
				oom = "out of memory";
				break;
			}
			b.stack[b.depth++] = n;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (b.depth > 0)
				b.depth--;
			break;
		case YAML_SCALAR_EVENT:
			n = ynew(t, Y_SCALAR, &ev.start_mark);
			if (!n || !(n->s = malloc(ev.data.scalar.length + 1)) || yattach(&b, n) ||
			    yanchor_add(t, ev.data.scalar.anchor, n)) {
				oom = "out of memory";
				break;
			}
			memcpy(n->s, ev.data.scalar.value, ev.data.scalar.length);
			n->s[ev.data.scalar.length] = 0;
			n->len = ev.data.scalar.length;
			n->style = (uint8_t)ev.data.scalar.style;
			break;
		case YAML_ALIAS_EVENT: {
			struct ynode *a = NULL;
			for (size_t i = t->nanchors; i-- > 0;)
				if (!strcmp(t->anchors[i].name, (const char *)ev.data.alias.anchor)) {
					a = t->anchors[i].node;
					break;
				}
			if (!a) {
				l.line = (uint32_t)ev.start_mark.line + 1;
				l.col = (uint32_t)ev.start_mark.column + 1;
				add_diag(rs, FILTER_RULES_ERROR, "LOAD_ERR_YAML_PARSE", "rules content", "", &l,
					 "unknown anchor '%s'", (const char *)ev.data.alias.anchor);
				yaml_event_delete(&ev);
				goto out;
			}
			if (yattach(&b, a))
				oom = "out of memory";
			break;
		}
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (oom) {
			add_diag(rs, FILTER_RULES_ERROR, "LOAD_ERR_YAML_PARSE", "rules content", "", &l, "%s", oom);
			goto out;
		}
	}
	rc = 0;
out:
	yaml_parser_delete(&p);
	return rc;
}

/* ---- reading items ---- */
/* A validation failure: the diagnostic is added and reading stops. */
#define VFAIL(code, type, name, node, ...)                                                     \
	do {                                                                                   \
		struct loc vl_ = node_loc(rs, (node));                                         \
		add_diag(rs, FILTER_RULES_ERROR, (code), (type), (name), &vl_, __VA_ARGS__); \
		return -1;                                                                     \
	} while (0)

#define YV "LOAD_ERR_YAML_VALIDATE"
#define VV "LOAD_ERR_VALIDATE"

static int budget(filter_ruleset_t *rs, size_t n, const char *type, const char *name, const struct ynode *at)
{
	rs->scalar_budget += n + 1;
	if (rs->scalar_budget > MAX_SCALAR_BUDGET)
		VFAIL(YV, type, name, at, "document expands to too much text (aliases?)");
	return 0;
}

/* A required (or optional) string value. *out NULL when absent. */
static int get_str(filter_ruleset_t *rs, const struct ynode *item, const char *key, bool optional, const char *type,
		   const char *name, char **out, const struct ynode **vnode)
{
	const struct ynode *v = y_get(item, key);
	*out = NULL;
	if (vnode)
		*vnode = v;
	if (!v) {
		if (optional)
			return 0;
		VFAIL(YV, type, name, item, "Item has no mapping for key '%s'", key);
	}
	if (y_isnull(v))
		VFAIL(YV, type, name, v, "Mapping for key '%s' is empty", key);
	if (v->kind != Y_SCALAR)
		VFAIL(YV, type, name, v, "Value for key '%s' is not a scalar", key);
	if (budget(rs, v->len, type, name, v))
		return -1;
	if (!(*out = strdup(v->s)))
		VFAIL(YV, type, name, v, "out of memory");
	return 0;
}

static int get_bool(filter_ruleset_t *rs, const struct ynode *item, const char *key, const char *type,
		    const char *name, bool *out, bool *present)
{
	const struct ynode *v = y_get(item, key);
	if (present)
		*present = v != NULL;
	if (!v)
		return 0;
	if (y_bool(v, out))
		VFAIL(YV, type, name, v, "Can't decode YAML scalar value for key '%s' as a boolean", key);
	return 0;
}

static int get_seq(filter_ruleset_t *rs, const struct ynode *item, const char *key, const char *type,
		   const char *name, struct strvec *out)
{
	const struct ynode *v = y_get(item, key);
	if (!v)
		return 0;
	if (v->kind != Y_SEQ && !y_isnull(v))
		VFAIL(YV, type, name, v, "Value for key '%s' is not a sequence", key);
	for (size_t i = 0; v->kind == Y_SEQ && i < v->n; i++) {
		if (v->kids[i]->kind != Y_SCALAR)
			VFAIL(YV, type, name, v->kids[i], "sequence value is not scalar");
		if (budget(rs, v->kids[i]->len, type, name, v->kids[i]))
			return -1;
		if (sv_push(out, v->kids[i]->s))
			VFAIL(YV, type, name, v->kids[i], "out of memory");
	}
	return 0;
}

static bool valid_ident(const char *s)
{
	if (!s || !(isalpha((unsigned char)*s) || *s == '_'))
		return false;
	for (s++; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_'))
			return false;
	return true;
}

static bool valid_listname(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (isspace((unsigned char)*s) || strchr("()\"'=,", *s))
			return false;
	return true;
}

static const char *const ops[] = {"=",  "==", "!=", "<",     "<=",  ">",  ">=",         "contains",
				  "icontains", "bcontains", "startswith", "bstartswith", "endswith",
				  "glob", "iglob", "regex", "in", "intersects", "pmatch", "exists"};

static bool op_defined(const char *s)
{
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(ops[i], s))
			return true;
	return false;
}

static bool op_for_list(const char *s)
{
	return !strcmp(s, "in") || !strcmp(s, "intersects") || !strcmp(s, "pmatch");
}

static int decode_xent(filter_ruleset_t *rs, const struct ynode *v, struct xent *out, const char *name, int depth)
{
	memset(out, 0, sizeof(*out));
	out->valid = true;
	if (depth > 4)
		VFAIL(YV, "exception", name, v, "exception value nested too deeply");
	if (v->kind == Y_SCALAR) {
		if (!v->len)
			VFAIL(YV, "exception", name, v, "Value must be non-empty");
		if (budget(rs, v->len, "exception", name, v))
			return -1;
		if (!(out->item = strdup(v->s)))
			VFAIL(YV, "exception", name, v, "out of memory");
		return 0;
	}
	if (v->kind == Y_MAP)
		VFAIL(YV, "exception", name, v, "Value must be a string or a sequence");
	out->is_list = true;
	if (v->n && !(out->items = calloc(v->n, sizeof(*out->items))))
		VFAIL(YV, "exception", name, v, "out of memory");
	for (size_t i = 0; i < v->n; i++) {
		out->n = i + 1;
		if (decode_xent(rs, v->kids[i], &out->items[i], name, depth + 1))
			return -1;
	}
	return 0;
}

/* Read the exceptions of a rule item (append: fields optional). */
static int read_exceptions(filter_ruleset_t *rs, const struct ynode *item, bool append, const char *rname,
			   struct rexc **out, size_t *nout, bool *present)
{
	const struct ynode *exs = y_get(item, "exceptions");
	size_t cap = 0;
	*out = NULL;
	*nout = 0;
	if (present)
		*present = exs != NULL;
	if (!exs || y_isnull(exs))
		return 0;
	if (exs->kind != Y_SEQ)
		VFAIL(YV, "rule", rname, exs, "Rule exceptions must be a sequence");
	for (size_t i = 0; i < exs->n; i++) {
		const struct ynode *ex = exs->kids[i];
		if (ex->kind != Y_MAP)
			VFAIL(YV, "exception", "", ex, "Rule exception must be a mapping");
		char *name = NULL;
		if (get_str(rs, ex, "name", false, "exception", "", &name, NULL))
			return -1;
		for (size_t k = 0; k < *nout; k++)
			if (!strcmp((*out)[k].name, name)) {
				struct loc l = node_loc(rs, ex);
				add_diag(rs, FILTER_RULES_ERROR, YV, "exception", name, &l,
					 "Exceptions names in the same object must be unique");
				free(name);
				return -1;
			}
		if (grow((void **)out, &cap, *nout, sizeof(**out))) {
			free(name);
			VFAIL(YV, "exception", "", ex, "out of memory");
		}
		struct rexc *e = &(*out)[(*nout)++];
		memset(e, 0, sizeof(*e));
		e->name = name;
		e->loc = node_loc(rs, ex);
		const struct ynode *f = y_get(ex, "fields"), *c = y_get(ex, "comps"), *vals = y_get(ex, "values");
		if (!f && !append)
			VFAIL(YV, "exception", name, ex, "Item has no mapping for key 'fields'");
		if (f && decode_xent(rs, f, &e->fields, name, 1))
			return -1;
		if (c && decode_xent(rs, c, &e->comps, name, 1))
			return -1;
		if (vals) {
			if (vals->kind != Y_SEQ)
				VFAIL(YV, "exception", name, vals, "Rule exception values must be a sequence");
			if (vals->n && !(e->values = calloc(vals->n, sizeof(*e->values))))
				VFAIL(YV, "exception", name, vals, "out of memory");
			for (size_t k = 0; k < vals->n; k++) {
				e->nvalues = k + 1;
				if (decode_xent(rs, vals->kids[k], &e->values[k], name, 1))
					return -1;
			}
		} else if (append) {
			add_diag(rs, FILTER_RULES_WARNING, "LOAD_APPEND_NO_VALUES", "exception", name, &e->loc,
				 "Overriding/appending exception with no values");
		}
	}
	return 0;
}

/* Falco's checks of a (new) exception; fills in default comps. */
static int validate_exception(filter_ruleset_t *rs, struct rexc *ex)
{
	struct loc *l = &ex->loc;
	if (!ex->fields.valid) {
		add_diag(rs, FILTER_RULES_ERROR, VV, "exception", ex->name, l,
			 "Rule exception item must have fields property with a list of fields");
		return -1;
	}
	if (ex->fields.is_list) {
		if (!ex->comps.valid) {
			ex->comps.valid = ex->comps.is_list = true;
			if (ex->fields.n && !(ex->comps.items = calloc(ex->fields.n, sizeof(*ex->comps.items))))
				return -1;
			for (size_t i = 0; i < ex->fields.n; i++) {
				ex->comps.items[i].valid = true;
				if (!(ex->comps.items[i].item = strdup("=")))
					return -1;
				ex->comps.n = i + 1;
			}
		}
		if (!ex->comps.is_list || ex->fields.n != ex->comps.n) {
			add_diag(rs, FILTER_RULES_ERROR, VV, "exception", ex->name, l,
				 "Fields and comps lists must have equal length");
			return -1;
		}
		for (size_t i = 0; i < ex->fields.n; i++) {
			if (ex->fields.items[i].is_list || ex->comps.items[i].is_list) {
				add_diag(rs, FILTER_RULES_ERROR, VV, "exception", ex->name, l,
					 "Fields and comps must be lists of strings");
				return -1;
			}
			if (!op_defined(ex->comps.items[i].item)) {
				add_diag(rs, FILTER_RULES_ERROR, VV, "exception", ex->name, l,
					 "'%s' is not a supported comparison operator", ex->comps.items[i].item);
				return -1;
			}
		}
	} else {
		if (!ex->comps.valid) {
			ex->comps.valid = true;
			if (!(ex->comps.item = strdup("in")))
				return -1;
		}
		if (ex->comps.is_list) {
			add_diag(rs, FILTER_RULES_ERROR, VV, "exception", ex->name, l,
				 "Fields and comps must both be strings");
			return -1;
		}
		if (!op_for_list(ex->comps.item)) {
			add_diag(rs, FILTER_RULES_ERROR, VV, "exception", ex->name, l,
				 "When fields is a single value, comps must be one of (in, pmatch, intersects)");
			return -1;
		}
	}
	return 0;
}

static struct rlist *find_list(filter_ruleset_t *rs, const char *name)
{
	for (size_t i = 0; i < rs->nlists; i++)
		if (!strcmp(rs->lists[i].name, name))
			return &rs->lists[i];
	return NULL;
}

static struct rmacro *find_macro(filter_ruleset_t *rs, const char *name)
{
	for (size_t i = 0; i < rs->nmacros; i++)
		if (!strcmp(rs->macros[i].name, name))
			return &rs->macros[i];
	return NULL;
}

static struct rrule *find_rule(const filter_ruleset_t *rs, const char *name)
{
	for (size_t i = 0; i < rs->nrules; i++)
		if (!strcmp(rs->rules[i].name, name))
			return &rs->rules[i];
	return NULL;
}

/* override: {key: append|replace}; fills two key sets. */
static int read_overrides(filter_ruleset_t *rs, const struct ynode *item, const char *type, const char *name,
			  const char *const *can_append, const char *const *can_replace, struct strvec *app,
			  struct strvec *rep)
{
	const struct ynode *ov = y_get(item, "override");
	if (!ov)
		return 0;
	if (ov->kind != Y_MAP)
		VFAIL(YV, type, name, ov, "Value for key 'override' is not a mapping");
	for (size_t i = 0; i + 1 < ov->n; i += 2) {
		const struct ynode *k = ov->kids[i], *v = ov->kids[i + 1];
		if (k->kind != Y_SCALAR || v->kind != Y_SCALAR)
			VFAIL(YV, type, name, k, "override entries must be 'key: append|replace'");
		bool ca = false, cr = false;
		for (size_t j = 0; can_append[j]; j++)
			ca |= !strcmp(can_append[j], k->s);
		for (size_t j = 0; can_replace[j]; j++)
			cr |= !strcmp(can_replace[j], k->s);
		if (!strcmp(v->s, "append")) {
			if (!ca)
				VFAIL(YV, type, name, k, "Key '%s' cannot be appended to%s", k->s,
				      cr ? ", use 'replace' instead" : "");
			if (sv_push(app, k->s))
				VFAIL(YV, type, name, k, "out of memory");
		} else if (!strcmp(v->s, "replace")) {
			if (!cr)
				VFAIL(YV, type, name, k, "Key '%s' cannot be replaced", k->s);
			if (sv_push(rep, k->s))
				VFAIL(YV, type, name, k, "out of memory");
		} else {
			VFAIL(YV, type, name, v, "Invalid override operation for key '%s': '%s'. Allowed values are: %s%s",
			      k->s, v->s, ca ? "append " : "", cr ? "replace " : "");
		}
	}
	return 0;
}

static int append_text(char **dst, const char *add)
{
	size_t a = strlen(*dst), b = strlen(add);
	char *p = realloc(*dst, a + b + 2);
	if (!p)
		return -1;
	p[a] = ' ';
	memcpy(p + a + 1, add, b + 1);
	*dst = p;
	return 0;
}

static const char *const known_rule_keys[] = {"rule",     "desc",   "condition", "output",       "priority",
					      "enabled",  "tags",   "source",    "exceptions",   "append",
					      "override", "warn_evttypes", "skip-if-unknown-filter", "capture",
					      "capture_duration", NULL};
static const char *const known_macro_keys[] = {"macro", "condition", "append", "override", "desc", NULL};
static const char *const known_list_keys[] = {"list", "items", "append", "override", "desc", NULL};

static void warn_unknown_keys(filter_ruleset_t *rs, const struct ynode *item, const char *const *known,
			      const char *type, const char *name)
{
	for (size_t i = 0; i + 1 < item->n; i += 2) {
		const struct ynode *k = item->kids[i];
		bool ok = false;
		for (size_t j = 0; known[j] && k->kind == Y_SCALAR; j++)
			ok |= !strcmp(known[j], k->s);
		if (!ok) {
			struct loc l = node_loc(rs, k);
			add_diag(rs, FILTER_RULES_WARNING, "LOAD_UNKNOWN_ITEM", type, name, &l, "Unknown key '%s'",
				 k->kind == Y_SCALAR ? k->s : "(not a scalar)");
		}
	}
}

static int read_list(filter_ruleset_t *rs, const struct ynode *item)
{
	char *name = NULL;
	struct strvec items = {0}, app = {0}, rep = {0};
	const struct ynode *nv;
	bool append = false;
	int rc = -1;
	static const char *const can[] = {"items", NULL};

	if (get_str(rs, item, "list", false, "list", "", &name, &nv))
		return -1;
	if (!valid_listname(name)) {
		struct loc l = node_loc(rs, nv);
		add_diag(rs, FILTER_RULES_ERROR, YV, "list", name, &l, "List name is invalid");
		goto out;
	}
	warn_unknown_keys(rs, item, known_list_keys, "list", name);
	const struct ynode *iv = y_get(item, "items");
	if (!iv) {
		struct loc l = node_loc(rs, item);
		add_diag(rs, FILTER_RULES_ERROR, YV, "list", name, &l, "Item has no mapping for key 'items'");
		goto out;
	}
	if (get_seq(rs, item, "items", "list", name, &items) || get_bool(rs, item, "append", "list", name, &append, NULL))
		goto out;
	if (append) {
		struct loc l = node_loc(rs, item);
		add_diag(rs, FILTER_RULES_WARNING, "LOAD_DEPRECATED_ITEM", "list", name, &l,
			 "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') under "
			 "'override' instead.");
	}
	if (read_overrides(rs, item, "list", name, can, can, &app, &rep))
		goto out;
	if (append && (app.n || rep.n)) {
		struct loc l = node_loc(rs, item);
		add_diag(rs, FILTER_RULES_ERROR, YV, "list", name, &l,
			 "Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. "
			 "'items: append') under 'override' instead.");
		goto out;
	}
	append |= app.n > 0;
	struct rlist *prev = find_list(rs, name);
	if (append) {
		if (!prev) {
			struct loc l = node_loc(rs, item);
			add_diag(rs, FILTER_RULES_ERROR, VV, "list", name, &l,
				 "List has 'append' key or an append override but no list by that name already exists");
			goto out;
		}
		for (size_t i = 0; i < items.n; i++)
			if (sv_push(&prev->items, items.v[i]))
				goto out;
		prev->loc = node_loc(rs, item);
	} else if (prev) {
		sv_free(&prev->items);
		prev->items = items;
		memset(&items, 0, sizeof(items));
		prev->loc = node_loc(rs, item);
	} else {
		if (grow((void **)&rs->lists, &rs->caplists, rs->nlists, sizeof(*rs->lists)))
			goto out;
		struct rlist *l = &rs->lists[rs->nlists++];
		l->name = name;
		name = NULL;
		l->items = items;
		memset(&items, 0, sizeof(items));
		l->loc = node_loc(rs, item);
	}
	rc = 0;
out:
	free(name);
	sv_free(&items);
	sv_free(&app);
	sv_free(&rep);
	return rc;
}

static int read_macro(filter_ruleset_t *rs, const struct ynode *item)
{
	char *name = NULL, *cond = NULL;
	struct strvec app = {0}, rep = {0};
	const struct ynode *nv, *cv;
	bool append = false;
	int rc = -1;
	static const char *const can[] = {"condition", NULL};

	if (get_str(rs, item, "macro", false, "macro", "", &name, &nv))
		return -1;
	if (!valid_ident(name)) {
		struct loc l = node_loc(rs, nv);
		add_diag(rs, FILTER_RULES_ERROR, YV, "macro", name, &l, "Macro name is invalid");
		goto out;
	}
	warn_unknown_keys(rs, item, known_macro_keys, "macro", name);
	if (get_str(rs, item, "condition", false, "macro", name, &cond, &cv) ||
	    get_bool(rs, item, "append", "macro", name, &append, NULL))
		goto out;
	if (append) {
		struct loc l = node_loc(rs, item);
		add_diag(rs, FILTER_RULES_WARNING, "LOAD_DEPRECATED_ITEM", "macro", name, &l,
			 "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') under "
			 "'override' instead.");
	}
	if (read_overrides(rs, item, "macro", name, can, can, &app, &rep))
		goto out;
	if (append && (app.n || rep.n)) {
		struct loc l = node_loc(rs, item);
		add_diag(rs, FILTER_RULES_ERROR, YV, "macro", name, &l,
			 "Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. "
			 "'condition: append') under 'override' instead.");
		goto out;
	}
	append |= app.n > 0;
	struct rmacro *prev = find_macro(rs, name);
	struct loc cl = node_loc(rs, cv);
	if (append) {
		if (!prev) {
			struct loc l = node_loc(rs, item);
			add_diag(rs, FILTER_RULES_ERROR, VV, "macro", name, &l,
				 "Macro has 'append' key or an append override but no macro by that name already "
				 "exists");
			goto out;
		}
		size_t at = strlen(prev->cond) + 1;
		if (append_text(&prev->cond, cond) || segs_set(&prev->segs, at, &cl, false))
			goto out;
	} else if (prev) {
		free(prev->cond);
		prev->cond = cond;
		cond = NULL;
		prev->loc = node_loc(rs, item);
		if (segs_set(&prev->segs, 0, &cl, true))
			goto out;
	} else {
		if (grow((void **)&rs->macros, &rs->capmacros, rs->nmacros, sizeof(*rs->macros)))
			goto out;
		struct rmacro *m = &rs->macros[rs->nmacros++];
		memset(m, 0, sizeof(*m));
		m->name = name;
		name = NULL;
		m->cond = cond;
		cond = NULL;
		m->loc = node_loc(rs, item);
		if (segs_set(&m->segs, 0, &cl, true))
			goto out;
	}
	rc = 0;
out:
	free(name);
	free(cond);
	sv_free(&app);
	sv_free(&rep);
	return rc;
}

/* Append exceptions (Falco's collector::append rules). */
static int exceptions_append(filter_ruleset_t *rs, struct rrule *prev, struct rexc *exs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct rexc *ex = &exs[i], *pe = NULL;
		for (size_t k = 0; k < prev->nexc; k++)
			if (!strcmp(prev->exc[k].name, ex->name))
				pe = &prev->exc[k];
		if (!pe) {
			if (!ex->fields.valid) {
				add_diag(rs, FILTER_RULES_ERROR, VV, "exception", ex->name, &ex->loc,
					 "Rule exception must have fields property with a list of fields");
				return -1;
			}
			if (!ex->nvalues) {
				add_diag(rs, FILTER_RULES_ERROR, VV, "exception", ex->name, &ex->loc,
					 "Rule exception must have values property with a list of values");
				return -1;
			}
			if (validate_exception(rs, ex))
				return -1;
			struct rexc *nv = realloc(prev->exc, (prev->nexc + 1) * sizeof(*nv));
			if (!nv)
				return -1;
			prev->exc = nv;
			prev->exc[prev->nexc++] = *ex;
			memset(ex, 0, sizeof(*ex));
		} else {
			if (ex->fields.valid) {
				add_diag(rs, FILTER_RULES_ERROR, VV, "exception", ex->name, &ex->loc,
					 "Can not append exception fields to existing exception, only values");
				return -1;
			}
			if (ex->comps.valid) {
				add_diag(rs, FILTER_RULES_ERROR, VV, "exception", ex->name, &ex->loc,
					 "Can not append exception comps to existing exception, only values");
				return -1;
			}
			if (ex->nvalues) {
				struct xent *nv = realloc(pe->values, (pe->nvalues + ex->nvalues) * sizeof(*nv));
				if (!nv)
					return -1;
				pe->values = nv;
				memcpy(pe->values + pe->nvalues, ex->values, ex->nvalues * sizeof(*nv));
				pe->nvalues += ex->nvalues;
				free(ex->values);
				ex->values = NULL;
				ex->nvalues = 0;
			}
		}
	}
	return 0;
}

static bool has(const struct strvec *sv, const char *k)
{
	return sv_has(sv, k);
}

/* The fields of an update (append or replace) item. */
struct rupdate {
	char *cond, *output, *desc;
	const struct ynode *cnode, *onode;
	bool has_tags, has_exc, has_prio, has_enabled, has_warn, has_skip;
	struct strvec tags;
	struct rexc *exc;
	size_t nexc;
	int prio;
	bool enabled, warn, skip;
};

static void rupdate_free(struct rupdate *u)
{
	free(u->cond);
	free(u->output);
	free(u->desc);
	sv_free(&u->tags);
	excs_free(u->exc, u->nexc);
	memset(u, 0, sizeof(*u));
}

/* Read the keys of `keys` (a set chosen by the override) into u. */
static int read_update(filter_ruleset_t *rs, const struct ynode *item, const char *name, const struct strvec *keys,
		       bool exc_append, struct rupdate *u)
{
	for (size_t i = 0; i < keys->n; i++) {
		const char *k = keys->v[i];
		const struct ynode *v = y_get(item, k);
		if (!v)
			VFAIL(YV, "rule", name, item, "An %s override for '%s' was specified but '%s' is not defined",
			      exc_append ? "append" : "replace", k, k);
		if (!strcmp(k, "condition")) {
			if (get_str(rs, item, k, false, "rule", name, &u->cond, &u->cnode))
				return -1;
		} else if (!strcmp(k, "output")) {
			if (get_str(rs, item, k, false, "rule", name, &u->output, &u->onode))
				return -1;
		} else if (!strcmp(k, "desc")) {
			if (get_str(rs, item, k, false, "rule", name, &u->desc, NULL))
				return -1;
		} else if (!strcmp(k, "tags")) {
			u->has_tags = true;
			if (get_seq(rs, item, k, "rule", name, &u->tags))
				return -1;
		} else if (!strcmp(k, "exceptions")) {
			u->has_exc = true;
			if (read_exceptions(rs, item, true, name, &u->exc, &u->nexc, NULL))
				return -1;
		} else if (!strcmp(k, "priority")) {
			char *p = NULL;
			if (get_str(rs, item, k, false, "rule", name, &p, NULL))
				return -1;
			u->prio = filter_rules_priority_parse(p);
			free(p);
			if (u->prio < 0)
				VFAIL(YV, "rule", name, v, "Invalid priority");
			u->has_prio = true;
		} else if (!strcmp(k, "enabled")) {
			if (get_bool(rs, item, k, "rule", name, &u->enabled, &u->has_enabled))
				return -1;
		} else if (!strcmp(k, "warn_evttypes")) {
			if (get_bool(rs, item, k, "rule", name, &u->warn, &u->has_warn))
				return -1;
		} else if (!strcmp(k, "skip-if-unknown-filter")) {
			if (get_bool(rs, item, k, "rule", name, &u->skip, &u->has_skip))
				return -1;
		}
	}
	return 0;
}

static int apply_append(filter_ruleset_t *rs, struct rrule *prev, struct rupdate *u)
{
	if (u->cond && *u->cond) {
		struct loc l = node_loc(rs, u->cnode);
		size_t at = strlen(prev->cond) + 1;
		if (append_text(&prev->cond, u->cond) || segs_set(&prev->csegs, at, &l, false))
			return -1;
	}
	if (u->output && *u->output) {
		struct loc l = node_loc(rs, u->onode);
		size_t at = strlen(prev->output) + 1;
		if (append_text(&prev->output, u->output) || segs_set(&prev->osegs, at, &l, false))
			return -1;
	}
	if (u->desc && *u->desc && append_text(&prev->desc, u->desc))
		return -1;
	for (size_t i = 0; i < u->tags.n; i++)
		if (!sv_has(&prev->tags, u->tags.v[i]) && sv_push(&prev->tags, u->tags.v[i]))
			return -1;
	if (u->nexc && exceptions_append(rs, prev, u->exc, u->nexc))
		return -1;
	return 0;
}

static int apply_replace(filter_ruleset_t *rs, struct rrule *prev, struct rupdate *u)
{
	if (u->cond) {
		struct loc l = node_loc(rs, u->cnode);
		free(prev->cond);
		prev->cond = u->cond;
		u->cond = NULL;
		if (segs_set(&prev->csegs, 0, &l, true))
			return -1;
	}
	if (u->output) {
		struct loc l = node_loc(rs, u->onode);
		free(prev->output);
		prev->output = u->output;
		u->output = NULL;
		if (segs_set(&prev->osegs, 0, &l, true))
			return -1;
	}
	if (u->desc) {
		free(prev->desc);
		prev->desc = u->desc;
		u->desc = NULL;
	}
	if (u->has_tags) {
		sv_free(&prev->tags);
		prev->tags = u->tags;
		memset(&u->tags, 0, sizeof(u->tags));
	}
	if (u->has_exc) {
		for (size_t i = 0; i < u->nexc; i++)
			if (validate_exception(rs, &u->exc[i]))
				return -1;
		excs_free(prev->exc, prev->nexc);
		prev->exc = u->exc;
		prev->nexc = u->nexc;
		u->exc = NULL;
		u->nexc = 0;
	}
	if (u->has_prio)
		prev->priority = u->prio;
	if (u->has_enabled)
		prev->enabled = u->enabled;
	if (u->has_warn)
		prev->warn_evttypes = u->warn;
	if (u->has_skip)
		prev->skip_unknown = u->skip;
	return 0;
}

static bool is_syscall_source(const char *s)
{
	return !strcmp(s, "syscall");
}

static int read_rule(filter_ruleset_t *rs, const struct ynode *item)
{
	static const char *const can_app[] = {"condition", "output", "desc", "tags", "exceptions", NULL};
	static const char *const can_rep[] = {"condition", "output", "desc",          "priority",
					      "tags",      "exceptions", "enabled", "warn_evttypes",
					      "skip-if-unknown-filter", NULL};
	char *name = NULL;
	struct strvec app = {0}, rep = {0};
	struct rupdate u;
	struct rrule r;
	bool append = false;
	int rc = -1;

	memset(&u, 0, sizeof(u));
	memset(&r, 0, sizeof(r));
	if (get_str(rs, item, "rule", false, "rule", "", &name, NULL))
		return -1;
	warn_unknown_keys(rs, item, known_rule_keys, "rule", name);
	if (get_bool(rs, item, "append", "rule", name, &append, NULL))
		goto out;
	struct loc il = node_loc(rs, item);
	if (append)
		add_diag(rs, FILTER_RULES_WARNING, "LOAD_DEPRECATED_ITEM", "rule", name, &il,
			 "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') under "
			 "'override' instead.");
	if (read_overrides(rs, item, "rule", name, can_app, can_rep, &app, &rep))
		goto out;
	if (append && (app.n || rep.n)) {
		add_diag(rs, FILTER_RULES_ERROR, YV, "rule", name, &il,
			 "Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. "
			 "'condition: append') under 'override' instead.");
		goto out;
	}
	struct rrule *prev = find_rule(rs, name);
	if (app.n || rep.n) {
		/* every overridable key present must be listed under override */
		for (size_t i = 0; can_rep[i]; i++) {
			const struct ynode *k = y_get(item, can_rep[i]);
			if (k && !has(&app, can_rep[i]) && !has(&rep, can_rep[i])) {
				struct loc l = node_loc(rs, k);
				add_diag(rs, FILTER_RULES_ERROR, YV, "rule", name, &l,
					 "Unexpected key '%s': no corresponding entry under 'override' is defined.",
					 can_rep[i]);
				goto out;
			}
		}
		if (app.n) {
			if (read_update(rs, item, name, &app, true, &u))
				goto out;
			if (!prev) {
				add_diag(rs, FILTER_RULES_ERROR, VV, "rule", name, &il,
					 "Rule has an append override but no rule by that name already exists");
				goto out;
			}
			if (apply_append(rs, prev, &u))
				goto out;
			rupdate_free(&u);
		}
		if (rep.n) {
			if (read_update(rs, item, name, &rep, false, &u))
				goto out;
			if (!prev) {
				add_diag(rs, FILTER_RULES_ERROR, VV, "rule", name, &il,
					 "An replace to a rule was requested but no rule by that name already exists");
				goto out;
			}
			if (apply_replace(rs, prev, &u))
				goto out;
		}
		rc = 0;
		goto out;
	}
	if (append) {
		struct strvec keys = {0};
		static const char *const ak[] = {"condition", "exceptions", NULL};
		for (size_t i = 0; ak[i]; i++)
			if (y_get(item, ak[i]) && sv_push(&keys, ak[i])) {
				sv_free(&keys);
				goto out;
			}
		int e = read_update(rs, item, name, &keys, true, &u);
		sv_free(&keys);
		if (e)
			goto out;
		if (!prev) {
			add_diag(rs, FILTER_RULES_ERROR, VV, "rule", name, &il,
				 "Rule has 'append' key but no rule by that name already exists");
			goto out;
		}
		if (!u.cond && !u.has_exc) {
			add_diag(rs, FILTER_RULES_ERROR, VV, "rule", name, &il,
				 "Appended rule must have exceptions or condition property");
			goto out;
		}
		if (apply_append(rs, prev, &u))
			goto out;
		rc = 0;
		goto out;
	}
	if (!y_get(item, "condition") && !y_get(item, "output") && !y_get(item, "desc") && !y_get(item, "priority")) {
		/* enable/disable an earlier rule */
		bool en = true, present = false;
		if (get_bool(rs, item, "enabled", "rule", name, &en, &present))
			goto out;
		if (!present) {
			add_diag(rs, FILTER_RULES_ERROR, YV, "rule", name, &il, "Item has no mapping for key 'condition'");
			goto out;
		}
		add_diag(rs, FILTER_RULES_WARNING, "LOAD_DEPRECATED_ITEM", "rule", name, &il,
			 "The standalone 'enabled' key usage is deprecated. The correct approach requires also a "
			 "'replace' entry under the 'override' key (i.e. 'enabled: replace').");
		if (!prev) {
			add_diag(rs, FILTER_RULES_ERROR, VV, "rule", name, &il,
				 "Rule has 'enabled' key but no rule by that name already exists");
			goto out;
		}
		prev->enabled = en;
		rc = 0;
		goto out;
	}
	/* a full definition */
	const struct ynode *cv, *ov, *pv;
	char *prio = NULL;
	r.enabled = true;
	r.warn_evttypes = true;
	r.loc = il;
	if (get_str(rs, item, "condition", false, "rule", name, &r.cond, &cv) ||
	    get_str(rs, item, "output", false, "rule", name, &r.output, &ov) ||
	    get_str(rs, item, "desc", false, "rule", name, &r.desc, NULL) ||
	    get_str(rs, item, "priority", false, "rule", name, &prio, &pv))
		goto outr;
	/* Falco trims the output */
	{
		char *s = r.output, *e = s + strlen(s);
		while (e > s && isspace((unsigned char)e[-1]))
			*--e = 0;
		size_t lead = strspn(s, " \t\r\n");
		memmove(s, s + lead, strlen(s + lead) + 1);
	}
	r.priority = filter_rules_priority_parse(prio);
	free(prio);
	if (r.priority < 0) {
		struct loc l = node_loc(rs, pv);
		add_diag(rs, FILTER_RULES_ERROR, YV, "rule", name, &l, "Invalid priority");
		goto outr;
	}
	if (get_str(rs, item, "source", true, "rule", name, &r.source, NULL) ||
	    get_bool(rs, item, "enabled", "rule", name, &r.enabled, NULL) ||
	    get_bool(rs, item, "warn_evttypes", "rule", name, &r.warn_evttypes, NULL) ||
	    get_bool(rs, item, "skip-if-unknown-filter", "rule", name, &r.skip_unknown, NULL) ||
	    get_seq(rs, item, "tags", "rule", name, &r.tags))
		goto outr;
	if (!r.source && !(r.source = strdup("syscall")))
		goto outr;
	bool exc_present = false;
	if (read_exceptions(rs, item, false, name, &r.exc, &r.nexc, &exc_present))
		goto outr;
	if (exc_present)
		r.exc_loc = node_loc(rs, y_get(item, "exceptions"));
	if (prev && strcmp(prev->source, r.source)) {
		add_diag(rs, FILTER_RULES_ERROR, VV, "rule", name, &il, "Rule has been re-defined with a different source");
		goto outr;
	}
	if (!is_syscall_source(r.source)) {
		r.unknown_source = true;
		add_diag(rs, FILTER_RULES_WARNING, "LOAD_UNKNOWN_SOURCE", "rule", name, &il, "Unknown source %s, skipping",
			 r.source);
	}
	for (size_t i = 0; i < r.nexc; i++)
		if (validate_exception(rs, &r.exc[i]))
			goto outr;
	{
		struct loc cl = node_loc(rs, cv), ol = node_loc(rs, ov);
		if (segs_set(&r.csegs, 0, &cl, true) || segs_set(&r.osegs, 0, &ol, true))
			goto outr;
	}
	if (prev) {
		rule_free(prev);
		*prev = r;
		prev->name = name;
	} else {
		if (grow((void **)&rs->rules, &rs->caprules, rs->nrules, sizeof(*rs->rules)))
			goto outr;
		r.name = name;
		rs->rules[rs->nrules++] = r;
	}
	name = NULL;
	memset(&r, 0, sizeof(r));
	rc = 0;
outr:
	rule_free(&r);
out:
	free(name);
	sv_free(&app);
	sv_free(&rep);
	rupdate_free(&u);
	return rc;
}

static int read_item(filter_ruleset_t *rs, const struct ynode *item)
{
	if (item->kind != Y_MAP)
		VFAIL(YV, "rules content item", "", item,
		      "Unexpected element type. Each element should be a yaml associative array.");
	const struct ynode *v;
	if ((v = y_get(item, "required_engine_version"))) {
		if (v->kind != Y_SCALAR || y_isnull(v))
			VFAIL(YV, "required_engine_version", "", v, "Value for key 'required_engine_version' is not a scalar");
		/* a number (0.x) or a semver: accepted, not checked against an engine version */
		for (const char *c = v->s; *c; c++)
			if (!isdigit((unsigned char)*c) && *c != '.')
				VFAIL(YV, "required_engine_version", "", v,
				      "Unable to parse engine version '%s' as a semver string. Expected \"x.y.z\" semver "
				      "format.",
				      v->s);
		return 0;
	}
	if ((v = y_get(item, "required_plugin_versions"))) {
		if (v->kind != Y_SEQ)
			VFAIL(YV, "required_plugin_versions", "", v, "Value of required_plugin_versions must be a sequence");
		for (size_t i = 0; i < v->n; i++) {
			const struct ynode *p = v->kids[i];
			if (p->kind != Y_MAP)
				VFAIL(YV, "required_plugin_versions", "", p, "Plugin version must be a mapping");
			const struct ynode *pn = y_get(p, "name"), *pv = y_get(p, "version");
			if (!pn || pn->kind != Y_SCALAR)
				VFAIL(YV, "required_plugin_versions", "", p, "Item has no mapping for key 'name'");
			if (!pv || pv->kind != Y_SCALAR)
				VFAIL(YV, "required_plugin_versions", pn->s, p, "Item has no mapping for key 'version'");
			struct loc l = node_loc(rs, p);
			add_diag(rs, FILTER_RULES_WARNING, "LOAD_UNKNOWN_ITEM", "required_plugin_versions", pn->s, &l,
				 "plugins are not supported: requirement %s %s not checked", pn->s, pv->s);
		}
		return 0;
	}
	if (y_get(item, "list"))
		return read_list(rs, item);
	if (y_get(item, "macro"))
		return read_macro(rs, item);
	if (y_get(item, "rule"))
		return read_rule(rs, item);
	struct loc l = node_loc(rs, item);
	add_diag(rs, FILTER_RULES_WARNING, "LOAD_UNKNOWN_ITEM", "rules content item", "", &l, "Unknown top level item");
	return 0;
}

static int add_file(filter_ruleset_t *rs, const char *name, const char *text, size_t len)
{
	if (grow((void **)&rs->files, &rs->capfiles, rs->nfiles, sizeof(*rs->files)))
		return -1;
	struct rfile *f = &rs->files[rs->nfiles];
	f->name = strdup(name ? name : "(string)");
	f->text = malloc(len + 1);
	if (!f->name || !f->text) {
		free(f->name);
		free(f->text);
		return -1;
	}
	memcpy(f->text, text, len);
	f->text[len] = 0;
	f->len = len;
	rs->nfiles++;
	return (int)rs->nfiles - 1;
}

SCAP_EXPORT int filter_ruleset_load_string(filter_ruleset_t *rs, const char *yaml, size_t len, const char *name)
{
	struct ytree t;
	int rc = FILTER_OK;

	if (!rs || (!yaml && len))
		return FILTER_ERR_INVAL;
	if (!yaml)
		yaml = "";
	memset(&t, 0, sizeof(t));
	if (len > MAX_DOC_BYTES) {
		struct loc l = {-1, 0, 0, 0, 0, false};
		add_diag(rs, FILTER_RULES_ERROR, "LOAD_ERR_YAML_PARSE", "rules content", "", &l,
			 "%s: document too large (%zu bytes, limit %u)", name ? name : "(string)", len, MAX_DOC_BYTES);
		return FILTER_ERR_SYNTAX;
	}
	int fi = add_file(rs, name, yaml, len);
	if (fi < 0)
		return FILTER_ERR_NOMEM;
	rs->cur_file = fi;
	rs->scalar_budget = 0;
	if (yaml_read(rs, yaml, len, &t)) {
		rc = FILTER_ERR_SYNTAX;
		goto out;
	}
	for (size_t d = 0; d < t.ndocs; d++) {
		const struct ynode *doc = t.docs[d];
		if (y_isnull(doc))
			continue;
		struct loc l = node_loc(rs, doc);
		if (doc->kind == Y_SCALAR) {
			add_diag(rs, FILTER_RULES_ERROR, YV, "rules content", "", &l, "Rules content is not yaml");
			rc = FILTER_ERR_INVAL;
			goto out;
		}
		if (doc->kind != Y_SEQ) {
			add_diag(rs, FILTER_RULES_ERROR, YV, "rules content", "", &l,
				 "Rules content is not yaml array of objects");
			rc = FILTER_ERR_INVAL;
			goto out;
		}
		for (size_t i = 0; i < doc->n; i++) {
			if (y_isnull(doc->kids[i]))
				continue;
			if (read_item(rs, doc->kids[i])) {
				rc = FILTER_ERR_INVAL;
				goto out;
			}
		}
	}
out:
	rs->compiled = false;
	rs->cur_file = -1;
	ytree_free(&t);
	return rc;
}

static int load_one_file(filter_ruleset_t *rs, const char *path)
{
	FILE *fp = fopen(path, "rb");
	struct loc l = {-1, 0, 0, 0, 0, false};
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc;

	if (!fp) {
		add_diag(rs, FILTER_RULES_ERROR, "LOAD_ERR_FILE_READ", "file", path, &l, "cannot open %s: %s", path,
			 strerror(errno));
		return FILTER_ERR_GENERIC;
	}
	for (;;) {
		if (len + 65536 > cap) {
			size_t nc = cap ? cap * 2 : 131072;
			char *p = realloc(buf, nc);
			if (!p) {
				free(buf);
				fclose(fp);
				return FILTER_ERR_NOMEM;
			}
			buf = p;
			cap = nc;
		}
		size_t n = fread(buf + len, 1, cap - len, fp);
		len += n;
		if (len > MAX_DOC_BYTES) {
			free(buf);
			fclose(fp);
			add_diag(rs, FILTER_RULES_ERROR, "LOAD_ERR_YAML_PARSE", "file", path, &l,
				 "%s: document larger than %u bytes", path, MAX_DOC_BYTES);
			return FILTER_ERR_SYNTAX;
		}
		if (n == 0)
			break;
	}
	if (ferror(fp)) {
		add_diag(rs, FILTER_RULES_ERROR, "LOAD_ERR_FILE_READ", "file", path, &l, "cannot read %s", path);
		free(buf);
		fclose(fp);
		return FILTER_ERR_GENERIC;
	}
	fclose(fp);
	rc = filter_ruleset_load_string(rs, buf, len, path);
	free(buf);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

SCAP_EXPORT int filter_ruleset_load_file(filter_ruleset_t *rs, const char *path)
{
	struct stat st;
	struct loc l = {-1, 0, 0, 0, 0, false};
	if (!rs || !path)
		return FILTER_ERR_INVAL;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct strvec names = {0};
		int rc = FILTER_OK;
		if (!d) {
			add_diag(rs, FILTER_RULES_ERROR, "LOAD_ERR_FILE_READ", "file", path, &l, "cannot open %s: %s",
				 path, strerror(errno));
			return FILTER_ERR_GENERIC;
		}
		struct dirent *de;
		while ((de = readdir(d))) {
			size_t n = strlen(de->d_name);
			if (de->d_name[0] == '.')
				continue;
			if ((n > 5 && !strcmp(de->d_name + n - 5, ".yaml")) || (n > 4 && !strcmp(de->d_name + n - 4, ".yml"))) {
				char *full = malloc(strlen(path) + n + 2);
				if (!full) {
					rc = FILTER_ERR_NOMEM;
					break;
				}
				sprintf(full, "%s/%s", path, de->d_name);
				int e = sv_push(&names, full);
				free(full);
				if (e) {
					rc = FILTER_ERR_NOMEM;
					break;
				}
			}
		}
		closedir(d);
		if (names.n)
			qsort(names.v, names.n, sizeof(char *), cmp_str);
		for (size_t i = 0; i < names.n && rc == FILTER_OK; i++) {
			if (stat(names.v[i], &st) == 0 && S_ISDIR(st.st_mode))
				continue;
			rc = load_one_file(rs, names.v[i]);
		}
		sv_free(&names);
		return rc;
	}
	return load_one_file(rs, path);
}

/* ---- compiling ---- */
static void quote_item(struct sbuf *b, const char *s)
{
	if (strchr(s, ' ') && s[0] != '"' && s[0] != '\'') {
		sb_add(b, "\"");
		sb_add(b, s);
		sb_add(b, "\"");
	} else {
		sb_add(b, s);
	}
}

static void paren_item(struct sbuf *b, const char *s)
{
	if (s[0] != '(') {
		sb_add(b, "(");
		sb_add(b, s);
		sb_add(b, ")");
	} else {
		sb_add(b, s);
	}
}

/* Falco's exception condition: "(cond) and not (...) and not (...)". */
static int build_condition(filter_ruleset_t *rs, struct rrule *r, char **out)
{
	struct sbuf b = {0};
	*out = NULL;
	if (!r->nexc) {
		*out = strdup(r->cond);
		return *out ? 0 : FILTER_ERR_NOMEM;
	}
	sb_add(&b, "(");
	sb_add(&b, r->cond);
	sb_add(&b, ")");
	for (size_t i = 0; i < r->nexc; i++) {
		struct rexc *ex = &r->exc[i];
		struct sbuf ic = {0};
		if (!ex->fields.is_list) {
			for (size_t k = 0; k < ex->nvalues; k++) {
				if (ex->values[k].is_list) {
					add_diag(rs, FILTER_RULES_ERROR, VV, "exception", ex->name, &ex->loc,
						 "Expected values array to contain a list of strings");
					free(ic.s);
					free(b.s);
					return FILTER_ERR_INVAL;
				}
				if (!ic.n) {
					sb_add(&ic, "(");
					sb_add(&ic, ex->fields.item);
					sb_add(&ic, " ");
					sb_add(&ic, ex->comps.item);
					sb_add(&ic, " (");
				} else {
					sb_add(&ic, ", ");
				}
				quote_item(&ic, ex->values[k].item);
			}
			if (ic.n)
				sb_add(&ic, "))");
		} else {
			sb_add(&ic, "(");
			for (size_t k = 0; k < ex->nvalues; k++) {
				struct xent *vals = &ex->values[k];
				if (!vals->is_list || vals->n != ex->fields.n) {
					add_diag(rs, FILTER_RULES_ERROR, VV, "exception", ex->name, &ex->loc,
						 "Fields and values lists must have equal length");
					free(ic.s);
					free(b.s);
					return FILTER_ERR_INVAL;
				}
				if (k)
					sb_add(&ic, " or ");
				sb_add(&ic, "(");
				for (size_t f = 0; f < ex->fields.n; f++) {
					const char *comp = ex->comps.items[f].item;
					if (f)
						sb_add(&ic, " and ");
					sb_add(&ic, " ");
					sb_add(&ic, ex->fields.items[f].item);
					sb_add(&ic, " ");
					sb_add(&ic, comp);
					sb_add(&ic, " ");
					if (vals->items[f].is_list) {
						sb_add(&ic, "(");
						for (size_t z = 0; z < vals->items[f].n; z++) {
							if (z)
								sb_add(&ic, ", ");
							const char *it = vals->items[f].items[z].item;
							if (!it) {
								add_diag(rs, FILTER_RULES_ERROR, VV, "exception", ex->name,
									 &ex->loc, "exception value lists must hold strings");
								free(ic.s);
								free(b.s);
								return FILTER_ERR_INVAL;
							}
							quote_item(&ic, it);
						}
						sb_add(&ic, ")");
					} else if (op_for_list(comp)) {
						paren_item(&ic, vals->items[f].item);
					} else {
						quote_item(&ic, vals->items[f].item);
					}
				}
				sb_add(&ic, ")");
			}
			sb_add(&ic, ")");
			if (ic.n == 2) /* "()" */
				ic.n = 0;
		}
		if (ic.n) {
			sb_add(&b, " and not ");
			sb_addn(&b, ic.s, ic.n);
		}
		free(ic.s);
	}
	if (!(*out = sb_take(&b)))
		return FILTER_ERR_NOMEM;
	return 0;
}

/* First line of the registry's error, without "column N: ". */
static uint32_t reg_msg(filter_ruleset_t *rs, char *buf, size_t len, char *macro, size_t mlen)
{
	uint32_t col = 0;
	const char *e = filter_registry_geterr(rs->reg);
	const char *nl = strchr(e, '\n');
	size_t n = nl ? (size_t)(nl - e) : strlen(e);
	char line[1024];
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	memcpy(line, e, n);
	line[n] = 0;
	const char *p = line;
	macro[0] = 0;
	if (!strncmp(p, "in macro '", 10)) {
		const char *q = strchr(p + 10, '\'');
		if (q) {
			size_t ml = (size_t)(q - (p + 10));
			if (ml >= mlen)
				ml = mlen - 1;
			memcpy(macro, p + 10, ml);
			macro[ml] = 0;
			p = q + 1;
			if (!strncmp(p, ": ", 2))
				p += 2;
		}
	}
	if (!strncmp(p, "column ", 7)) {
		col = (uint32_t)strtoul(p + 7, NULL, 10);
		const char *q = strstr(p, ": ");
		if (q)
			p = q + 2;
	}
	if (macro[0])
		snprintf(buf, len, "in macro '%s': %s", macro, p);
	else
		snprintf(buf, len, "%s", p);
	return col;
}

/* Location of the last compile error of `text` (the rule's condition or
 * output with its segments; exceptions after the condition). */
static struct loc err_loc(filter_ruleset_t *rs, const struct segs *sg, const char *text, size_t shift,
			  const struct loc *fallback, const struct loc *after, const char *macro, uint32_t col)
{
	if (macro && macro[0]) {
		struct rmacro *m = find_macro(rs, macro);
		if (!m)
			return *fallback;
		if (!col)
			return m->loc;
		return segs_pos(rs, &m->segs, m->cond, col - 1, &m->loc);
	}
	if (!col)
		return *fallback;
	size_t pos = col - 1;
	if (pos < shift)
		return *fallback;
	pos -= shift;
	if (pos >= strlen(text))
		return after ? *after : *fallback;
	return segs_pos(rs, sg, text, pos, fallback);
}

/* The output Falco formats: %container.info dropped (it is deprecated:
 * the suggested fields say the same), then, unless turned off, " key=%field"
 * for each field its provider suggests for outputs (Falco's default
 * append_output: suggested_output: true), the key being the field name
 * with '_' for '.'. malloc'd; NULL when out of memory. */
static char *final_output(filter_ruleset_t *rs, struct rrule *r)
{
	static const char cinfo[] = "%container.info";
	const char *o = r->output ? r->output : "";
	size_t n = strlen(o), cap = n + 1;
	char *out, *w;

	for (size_t i = 0; !rs->no_suggested && i < filter_registry_field_count(rs->reg); i++) {
		const char *name;
		uint32_t flags;
		if (filter_registry_field_info(rs->reg, i, &name, NULL, &flags, NULL, NULL) == 0 &&
		    (flags & FILTER_FIELD_SUGGESTED))
			cap += 2 * strlen(name) + 3;
	}
	if (!(out = malloc(cap)))
		return NULL;
	w = out;
	for (const char *p = o; *p;) {
		const char *hit = strstr(p, cinfo);
		size_t k = hit ? (size_t)(hit - p) : strlen(p);
		memcpy(w, p, k);
		w += k;
		p += k;
		if (hit) {
			p += sizeof(cinfo) - 1;
			if (!r->warned_cinfo)
				add_diag(rs, FILTER_RULES_WARNING, "LOAD_DEPRECATED_ITEM", "rule", r->name, &r->loc,
					 "%%container.info is deprecated and no more useful: the suggested "
					 "container fields are added to the output");
			r->warned_cinfo = true;
		}
	}
	for (size_t i = 0; !rs->no_suggested && i < filter_registry_field_count(rs->reg); i++) {
		const char *name;
		uint32_t flags;
		if (filter_registry_field_info(rs->reg, i, &name, NULL, &flags, NULL, NULL) != 0 ||
		    !(flags & FILTER_FIELD_SUGGESTED))
			continue;
		*w++ = ' ';
		for (const char *c = name; *c; c++)
			*w++ = *c == '.' ? '_' : *c;
		*w++ = '=';
		*w++ = '%';
		memcpy(w, name, strlen(name));
		w += strlen(name);
	}
	*w = '\0';
	return out;
}

static int compile_rule(filter_ruleset_t *rs, struct rrule *r)
{
	int err = 0;
	char msg[1200], macro[256];

	rule_uncompile(r);
	if (r->unknown_source)
		return 0;
	int rc = build_condition(rs, r, &r->final_cond);
	if (rc) {
		r->failed = true;
		return rc;
	}
	r->f = filter_compile(rs->reg, r->final_cond, &err);
	if (!r->f) {
		uint32_t col = reg_msg(rs, msg, sizeof(msg), macro, sizeof(macro));
		struct loc l = err_loc(rs, &r->csegs, r->cond, r->nexc ? 1 : 0, &r->loc,
				       r->nexc ? &r->exc_loc : NULL, macro, col);
		r->failed = true;
		if (r->skip_unknown && strstr(msg, "unknown field")) {
			add_diag(rs, FILTER_RULES_WARNING, "LOAD_UNKNOWN_FILTER", "rule", r->name, &l,
				 "%s (rule skipped: skip-if-unknown-filter)", msg);
			return 0;
		}
		add_diag(rs, FILTER_RULES_ERROR, "LOAD_ERR_COMPILE_CONDITION", "rule", r->name, &l, "%s", msg);
		return err ? err : FILTER_ERR_COMPILE;
	}
	char *out = final_output(rs, r);
	if (!out) {
		add_diag(rs, FILTER_RULES_ERROR, "LOAD_ERR_COMPILE_OUTPUT", "rule", r->name, &r->loc, "out of memory");
		filter_free(r->f);
		r->f = NULL;
		r->failed = true;
		return FILTER_ERR_NOMEM;
	}
	r->fmt = filter_format_compile(rs->reg, out, &err);
	free(out);
	if (!r->fmt) {
		uint32_t col = reg_msg(rs, msg, sizeof(msg), macro, sizeof(macro));
		struct loc l = err_loc(rs, &r->osegs, r->output, 0, &r->loc, NULL, NULL, col);
		add_diag(rs, FILTER_RULES_ERROR, "LOAD_ERR_COMPILE_OUTPUT", "rule", r->name, &l, "%s", msg);
		filter_free(r->f);
		r->f = NULL;
		r->failed = true;
		return err ? err : FILTER_ERR_COMPILE;
	}
	if (r->warn_evttypes && filter_matches_all_types(r->f))
		add_diag(rs, FILTER_RULES_WARNING, "LOAD_NO_EVTTYPE", "rule", r->name, &r->loc,
			 "Rule matches too many evt.type values. This has a significant performance penalty.");
	return 0;
}

/* List loops: depth-first over items naming lists. */
static int list_loop(filter_ruleset_t *rs, struct rlist *l, struct rlist **stack, size_t depth)
{
	for (size_t d = 0; d < depth; d++)
		if (stack[d] == l)
			return 1;
	if (depth >= 64)
		return 1;
	stack[depth] = l;
	for (size_t i = 0; i < l->items.n; i++) {
		struct rlist *sub = find_list(rs, l->items.v[i]);
		if (sub && list_loop(rs, sub, stack, depth + 1))
			return 1;
	}
	return 0;
}

/* A list item as a value: Falco passes items to its parser, which removes
 * the quotes of quoted items. */
static char *unquote(const char *s)
{
	size_t n = strlen(s);
	if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0])
		return strndup(s + 1, n - 2);
	return strdup(s);
}

SCAP_EXPORT int filter_ruleset_compile(filter_ruleset_t *rs)
{
	int ret = FILTER_OK;
	char msg[1200], macro[256];

	if (!rs)
		return FILTER_ERR_INVAL;
	/* lists */
	for (size_t i = 0; i < rs->nlists; i++) {
		struct rlist *l = &rs->lists[i];
		struct rlist *stack[65];
		if (list_loop(rs, l, stack, 0)) {
			add_diag(rs, FILTER_RULES_ERROR, VV, "list", l->name, &l->loc,
				 "list '%s' references itself (directly or through other lists)", l->name);
			ret = FILTER_ERR_COMPILE;
			continue;
		}
		char **items = calloc(l->items.n ? l->items.n : 1, sizeof(char *));
		int rc = items ? 0 : FILTER_ERR_NOMEM;
		for (size_t k = 0; k < l->items.n && !rc; k++)
			if (!(items[k] = unquote(l->items.v[k])))
				rc = FILTER_ERR_NOMEM;
		if (!rc)
			rc = filter_registry_define_list(rs->reg, l->name, (const char *const *)items, l->items.n);
		for (size_t k = 0; items && k < l->items.n; k++)
			free(items[k]);
		free(items);
		if (rc) {
			add_diag(rs, FILTER_RULES_ERROR, VV, "list", l->name, &l->loc, "%s",
				 filter_registry_geterr(rs->reg));
			ret = FILTER_ERR_COMPILE;
		}
	}
	/* macros: all defined first (they may use each other in any order) */
	for (size_t i = 0; i < rs->nmacros; i++) {
		struct rmacro *m = &rs->macros[i];
		if (filter_registry_define_macro(rs->reg, m->name, m->cond)) {
			add_diag(rs, FILTER_RULES_ERROR, VV, "macro", m->name, &m->loc, "%s",
				 filter_registry_geterr(rs->reg));
			ret = FILTER_ERR_COMPILE;
		}
	}
	/* then each checked on its own: syntax errors and reference loops are
	 * the macro's fault; unknown fields are reported by the rules using it */
	for (size_t i = 0; i < rs->nmacros; i++) {
		struct rmacro *m = &rs->macros[i];
		int err = 0;
		filter_t *f = filter_compile(rs->reg, m->name, &err);
		if (f) {
			filter_free(f);
			continue;
		}
		uint32_t col = reg_msg(rs, msg, sizeof(msg), macro, sizeof(macro));
		bool loop = strstr(msg, "references itself") != NULL;
		if (err != FILTER_ERR_SYNTAX && !loop)
			continue;
		struct loc l = err_loc(rs, &m->segs, m->cond, 0, &m->loc, NULL, macro, col);
		add_diag(rs, FILTER_RULES_ERROR, loop ? VV : "LOAD_ERR_COMPILE_CONDITION", "macro", m->name, &l, "%s",
			 msg);
		ret = FILTER_ERR_COMPILE;
	}
	/* disabled rules are compiled too, as Falco does: their errors are
	 * reported at load, and enabling them later cannot fail */
	for (size_t i = 0; i < rs->nrules; i++) {
		struct rrule *r = &rs->rules[i];
		if (compile_rule(rs, r))
			ret = FILTER_ERR_COMPILE;
	}
	rs->compiled = true;
	rs->index_dirty = true;
	return ret;
}

/* ---- diagnostics access ---- */
SCAP_EXPORT size_t filter_ruleset_diag_count(const filter_ruleset_t *rs)
{
	return rs ? rs->ndiags : 0;
}

SCAP_EXPORT size_t filter_ruleset_error_count(const filter_ruleset_t *rs)
{
	return rs ? rs->nerrors : 0;
}

SCAP_EXPORT int filter_ruleset_diag_get(const filter_ruleset_t *rs, size_t i, int *severity, const char **code,
					const char **item_type, const char **item_name, const char **msg,
					const char **file, uint32_t *line, uint32_t *col)
{
	if (!rs || i >= rs->ndiags)
		return FILTER_ERR_INVAL;
	const struct diag *d = &rs->diags[i];
	if (severity)
		*severity = d->sev;
	if (code)
		*code = d->code;
	if (item_type)
		*item_type = d->item_type;
	if (item_name)
		*item_name = d->name;
	if (msg)
		*msg = d->msg;
	if (file)
		*file = d->file >= 0 ? rs->files[d->file].name : "";
	if (line)
		*line = d->line;
	if (col)
		*col = d->col;
	return FILTER_OK;
}

SCAP_EXPORT int filter_ruleset_diag_format(const filter_ruleset_t *rs, size_t i, char *buf, size_t buflen)
{
	if (!rs || i >= rs->ndiags)
		return FILTER_ERR_INVAL;
	const struct diag *d = &rs->diags[i];
	const char *file = d->file >= 0 ? rs->files[d->file].name : "";
	return snprintf(buf, buflen, "%s:%u:%u: %s: %s: %s%s%s%s: %s", file, d->line, d->col,
			d->sev == FILTER_RULES_ERROR ? "error" : "warning", d->code, d->item_type,
			d->name[0] ? " '" : "", d->name, d->name[0] ? "'" : "", d->msg);
}

/* ---- rule access ---- */
#define RULE(rs, i, bad)                     \
	if (!(rs) || (i) >= (rs)->nrules)    \
		return bad;                  \
	const struct rrule *r = &(rs)->rules[i]

SCAP_EXPORT size_t filter_ruleset_rule_count(const filter_ruleset_t *rs)
{
	return rs ? rs->nrules : 0;
}

SCAP_EXPORT long filter_ruleset_rule_find(const filter_ruleset_t *rs, const char *name)
{
	if (!rs || !name)
		return -1;
	const struct rrule *r = find_rule(rs, name);
	return r ? (long)(r - rs->rules) : -1;
}

SCAP_EXPORT const char *filter_ruleset_rule_name(const filter_ruleset_t *rs, size_t i)
{
	RULE(rs, i, NULL);
	return r->name;
}

SCAP_EXPORT const char *filter_ruleset_rule_desc(const filter_ruleset_t *rs, size_t i)
{
	RULE(rs, i, NULL);
	return r->desc;
}

SCAP_EXPORT const char *filter_ruleset_rule_source(const filter_ruleset_t *rs, size_t i)
{
	RULE(rs, i, NULL);
	return r->source;
}

SCAP_EXPORT int filter_ruleset_rule_priority(const filter_ruleset_t *rs, size_t i)
{
	RULE(rs, i, -1);
	return r->priority;
}

SCAP_EXPORT size_t filter_ruleset_rule_tag_count(const filter_ruleset_t *rs, size_t i)
{
	RULE(rs, i, 0);
	return r->tags.n;
}

SCAP_EXPORT const char *filter_ruleset_rule_tag(const filter_ruleset_t *rs, size_t i, size_t k)
{
	RULE(rs, i, NULL);
	return k < r->tags.n ? r->tags.v[k] : NULL;
}

SCAP_EXPORT int filter_ruleset_rule_enabled(const filter_ruleset_t *rs, size_t i)
{
	RULE(rs, i, -1);
	return r->enabled;
}

SCAP_EXPORT const char *filter_ruleset_rule_condition(const filter_ruleset_t *rs, size_t i)
{
	RULE(rs, i, NULL);
	return r->final_cond;
}

SCAP_EXPORT const char *filter_ruleset_rule_output(const filter_ruleset_t *rs, size_t i)
{
	RULE(rs, i, NULL);
	return r->output;
}

SCAP_EXPORT filter_t *filter_ruleset_rule_filter(const filter_ruleset_t *rs, size_t i)
{
	RULE(rs, i, NULL);
	return r->f;
}

SCAP_EXPORT filter_format_t *filter_ruleset_rule_format(const filter_ruleset_t *rs, size_t i)
{
	RULE(rs, i, NULL);
	return r->fmt;
}

SCAP_EXPORT int filter_ruleset_enable(filter_ruleset_t *rs, const char *name_or_tag, bool enabled)
{
	int n = 0, ret = 0;
	if (!rs || !name_or_tag)
		return FILTER_ERR_INVAL;
	for (size_t i = 0; i < rs->nrules; i++) {
		struct rrule *r = &rs->rules[i];
		if (strcmp(r->name, name_or_tag) && !sv_has(&r->tags, name_or_tag))
			continue;
		n++;
		if (r->enabled == enabled)
			continue;
		r->enabled = enabled;
		if (enabled && rs->compiled && !r->f && !r->failed) {
			int rc = compile_rule(rs, r);
			if (rc)
				ret = rc;
		}
	}
	rs->index_dirty = true;
	return ret ? ret : n;
}

SCAP_EXPORT int filter_ruleset_set_suggested_output(filter_ruleset_t *rs, bool on)
{
	if (!rs)
		return FILTER_ERR_INVAL;
	rs->no_suggested = !on;
	return FILTER_OK;
}

SCAP_EXPORT int filter_ruleset_set_min_priority(filter_ruleset_t *rs, int prio)
{
	if (!rs || prio < 0 || prio > FILTER_RULES_PRIO_DEBUG)
		return FILTER_ERR_INVAL;
	rs->min_prio = prio;
	rs->index_dirty = true;
	return FILTER_OK;
}

static int build_index(filter_ruleset_t *rs)
{
	free_index(rs);
	rs->ntypes = scap_event_max();
	rs->by_type = calloc((size_t)rs->ntypes + 1, sizeof(*rs->by_type));
	rs->by_type_n = calloc((size_t)rs->ntypes + 1, sizeof(*rs->by_type_n));
	rs->all_rules = calloc(rs->nrules ? rs->nrules : 1, sizeof(*rs->all_rules));
	if (!rs->by_type || !rs->by_type_n || !rs->all_rules)
		goto oom;
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct rrule *r = &rs->rules[i];
		if (r->enabled && r->f && r->priority <= rs->min_prio)
			rs->all_rules[rs->nall_rules++] = (uint32_t)i;
	}
	for (uint32_t t = 0; t < rs->ntypes; t++) {
		size_t n = 0;
		for (size_t k = 0; k < rs->nall_rules; k++)
			n += filter_may_match_type(rs->rules[rs->all_rules[k]].f, (uint16_t)t) ? 1 : 0;
		if (!n)
			continue;
		if (!(rs->by_type[t] = malloc(n * sizeof(uint32_t))))
			goto oom;
		for (size_t k = 0; k < rs->nall_rules; k++)
			if (filter_may_match_type(rs->rules[rs->all_rules[k]].f, (uint16_t)t))
				rs->by_type[t][rs->by_type_n[t]++] = rs->all_rules[k];
	}
	/* generic exits (type 1): split by the syscall they carry, so that a
	 * futex or nanosleep reported generically meets only the rules that
	 * name it */
	if (rs->ntypes > 1 && rs->by_type_n[1]) {
		rs->ngen = fgeneric_bit_count();
		rs->by_gen = calloc(rs->ngen, sizeof(*rs->by_gen));
		rs->by_gen_n = calloc(rs->ngen, sizeof(*rs->by_gen_n));
		if (!rs->by_gen || !rs->by_gen_n)
			goto oom;
		for (uint32_t b = 0; b < rs->ngen; b++) {
			size_t n = 0;
			for (size_t k = 0; k < rs->by_type_n[1]; k++)
				n += fgeneric_has_bit(rs->rules[rs->by_type[1][k]].f, b) ? 1 : 0;
			if (!n)
				continue;
			if (!(rs->by_gen[b] = malloc(n * sizeof(uint32_t))))
				goto oom;
			for (size_t k = 0; k < rs->by_type_n[1]; k++)
				if (fgeneric_has_bit(rs->rules[rs->by_type[1][k]].f, b))
					rs->by_gen[b][rs->by_gen_n[b]++] = rs->by_type[1][k];
		}
	}
	rs->index_dirty = false;
	return 0;
oom:
	free_index(rs);
	return FILTER_ERR_NOMEM;
}

SCAP_EXPORT size_t filter_ruleset_type_rule_count(filter_ruleset_t *rs, uint16_t t)
{
	if (!rs || (rs->index_dirty && build_index(rs)))
		return 0;
	if (t < rs->ntypes)
		return rs->by_type_n[t];
	size_t n = 0;
	for (size_t k = 0; k < rs->nall_rules; k++)
		n += filter_may_match_type(rs->rules[rs->all_rules[k]].f, t) ? 1 : 0;
	return n;
}

/* Call cb for each enabled compiled rule that matches evt, in rule order;
 * returns the number of matches. */
static size_t match_each(filter_ruleset_t *rs, const scap_evt_t *evt, uint64_t num, void *user,
			 void (*cb)(void *ctx, uint32_t rule), void *ctx)
{
	size_t found = 0;
	if (!rs || !evt || (rs->index_dirty && build_index(rs)))
		return 0;
	uint16_t t = scap_evt_type(evt);
	if (t < rs->ntypes) {
		const uint32_t *v = rs->by_type[t];
		size_t nv = rs->by_type_n[t];
		int bit;
		if (t == 1 && rs->by_gen && (bit = fgeneric_exit_bit(evt)) >= 0 && (uint32_t)bit < rs->ngen) {
			v = rs->by_gen[bit];
			nv = rs->by_gen_n[bit];
		}
		for (size_t k = 0; k < nv; k++)
			if (filter_eval(rs->rules[v[k]].f, evt, num, user) == 1) {
				cb(ctx, v[k]);
				found++;
			}
		return found;
	}
	for (size_t k = 0; k < rs->nall_rules; k++) {
		filter_t *f = rs->rules[rs->all_rules[k]].f;
		if (filter_may_match_type(f, t) && filter_eval(f, evt, num, user) == 1) {
			cb(ctx, rs->all_rules[k]);
			found++;
		}
	}
	return found;
}

struct idx_out {
	uint32_t *idx;
	size_t max, n;
};

static void keep_idx(void *ctx, uint32_t rule)
{
	struct idx_out *o = ctx;
	if (o->n < o->max && o->idx)
		o->idx[o->n] = rule;
	o->n++;
}

SCAP_EXPORT size_t filter_ruleset_match(filter_ruleset_t *rs, const scap_evt_t *evt, uint64_t num, void *user,
					uint32_t *rule_idx, size_t max)
{
	struct idx_out o = {rule_idx, max, 0};
	return match_each(rs, evt, num, user, keep_idx, &o);
}

struct alert_ctx {
	filter_ruleset_t *rs;
	const scap_evt_t *evt;
	uint64_t num;
	void *user;
	filter_alert_fn cb;
	void *ctx;
};

static void call_alert(void *ctx, uint32_t rule)
{
	struct alert_ctx *a = ctx;
	a->cb(a->rs, rule, a->evt, a->num, a->user, a->ctx);
}

SCAP_EXPORT size_t filter_ruleset_process(filter_ruleset_t *rs, const scap_evt_t *evt, uint64_t num, void *user,
					  filter_alert_fn cb, void *ctx)
{
	struct alert_ctx a = {rs, evt, num, user, cb, ctx};
	if (!cb)
		return filter_ruleset_match(rs, evt, num, user, NULL, 0);
	return match_each(rs, evt, num, user, call_alert, &a);
}

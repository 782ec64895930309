/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ruleset: creating and freeing it, its diagnostics, access to its
 * rules, enabling them, settings; the small string helpers of the module.
 * The stages are in rules_yaml.c, rules_items.c, rules_compile.c and
 * rules_match.c (see rules_int.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules_int.h"

void sb_addn(struct sbuf *b, const char *s, size_t n)
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

void sb_add(struct sbuf *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

/* Take the string (never NULL unless out of memory). */
char *sb_take(struct sbuf *b)
{
	if (b->oom) {
		free(b->s);
		return NULL;
	}
	if (!b->s)
		return strdup("");
	return b->s;
}


int sv_push(struct strvec *sv, const char *s)
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

bool sv_has(const struct strvec *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (!strcmp(sv->v[i], s))
			return true;
	return false;
}

void sv_free(struct strvec *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	memset(sv, 0, sizeof(*sv));
}

/* grow an array of elements of size sz */
int rules_grow(void **arr, size_t *cap, size_t n, size_t sz)
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

/* ---- diagnostics ---- */
void add_diag(filter_ruleset_t *rs, int sev, const char *code, const char *item_type, const char *name,
	      const struct loc *lc, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (rules_grow((void **)&rs->diags, &rs->capdiags, rs->ndiags, sizeof(*rs->diags)))
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

void excs_free(struct rexc *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		exc_free(&v[i]);
	free(v);
}

void rule_uncompile(struct rrule *r)
{
	filter_free(r->f);
	filter_format_free(r->fmt);
	free(r->final_cond);
	r->f = NULL;
	r->fmt = NULL;
	r->final_cond = NULL;
	r->failed = false;
}

void rule_free(struct rrule *r)
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
	free_list_subs(rs);
	for (size_t i = 0; i < rs->nrules; i++)
		rule_free(&rs->rules[i]);
	free(rs->rules);
	free_index(rs);
	free(rs);
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

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Compiling a ruleset: lists and macros defined into the registry, rule
 * exceptions turned into condition text (as Falco does), conditions and
 * outputs compiled, compile errors mapped back to their place in the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

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

/* ---- lists in conditions ----
 * Falco puts the lists into a condition's text before parsing it: wherever
 * a list's name stands alone (between blanks, '(', ')', ',', '=' or the
 * ends of the text), the name and the blanks around it become " items ",
 * the items joined by ", " (an empty list also takes a comma beside it
 * away). So a list works after "in (", after a comma, after "=". The lists
 * are applied one after the other in definition order. */
static bool lst_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool lst_delim(char c)
{
	return lst_blank(c) || c == '(' || c == ')' || c == ',' || c == '=';
}

void free_list_subs(filter_ruleset_t *rs)
{
	for (size_t i = 0; i < rs->nlist_subs; i++)
		free(rs->list_subs[i]);
	free(rs->list_subs);
	rs->list_subs = NULL;
	rs->nlist_subs = 0;
}

static void add_sub_item(struct sbuf *b, const char *item)
{
	if (b->n)
		sb_add(b, ", ");
	quote_item(b, item);
}

/* Each list's replacement text: its items, where an item naming a list
 * defined before this list's last definition stands for that list's own
 * items (one level, as Falco's list compiler does). */
static int build_list_subs(filter_ruleset_t *rs)
{
	free_list_subs(rs);
	if (!(rs->list_subs = calloc(rs->nlists ? rs->nlists : 1, sizeof(*rs->list_subs))))
		return FILTER_ERR_NOMEM;
	rs->nlist_subs = rs->nlists;
	for (size_t i = 0; i < rs->nlists; i++) {
		const struct rlist *l = &rs->lists[i];
		struct sbuf b = {0};
		for (size_t k = 0; k < l->items.n; k++) {
			const struct rlist *ref = find_list(rs, l->items.v[k]);
			if (ref && ref->index < l->visibility)
				for (size_t j = 0; j < ref->items.n; j++)
					add_sub_item(&b, ref->items.v[j]);
			else
				add_sub_item(&b, l->items.v[k]);
		}
		if (!(rs->list_subs[i] = sb_take(&b)))
			return FILTER_ERR_NOMEM;
	}
	return FILTER_OK;
}

/* text with the lists put in; malloc'd, NULL when out of memory. With orig,
 * *orig receives for each byte of the result (and for its end) the offset
 * in text it comes from (a list's items: where its name was). */
static char *resolve_lists(const filter_ruleset_t *rs, const char *text, size_t **orig)
{
	size_t len = strlen(text), *om = NULL;
	char *cur = strdup(text);

	if (orig && cur && (om = malloc((len + 1) * sizeof(*om))))
		for (size_t i = 0; i <= len; i++)
			om[i] = i;
	if (orig && !om) {
		free(cur);
		return NULL;
	}
	for (size_t li = 0; cur && li < rs->nlist_subs; li++) {
		const char *name = rs->lists[li].name, *sub = rs->list_subs[li];
		size_t nl = strlen(name), sl = strlen(sub), from = 0;
		const char *hit;
		while (nl && from <= len && (hit = strstr(cur + from, name))) {
			size_t st = (size_t)(hit - cur), end = st + nl, at = st;
			if ((st && !lst_delim(cur[st - 1])) || (end < len && !lst_delim(cur[end]))) {
				from = st + 1;
				continue;
			}
			while (st && lst_blank(cur[st - 1]))
				st--;
			while (end < len && lst_blank(cur[end]))
				end++;
			if (!sl && st && cur[st - 1] == ',')
				st--;
			else if (!sl && end < len && cur[end] == ',')
				end++;
			size_t pre = st ? 1 : 0, nlen = st + pre + sl + 1 + (len - end);
			char *nb = malloc(nlen + 1);
			size_t *nom = om ? malloc((nlen + 1) * sizeof(*nom)) : NULL;
			if (!nb || (om && !nom)) {
				free(nb);
				free(nom);
				free(cur);
				cur = NULL;
				break;
			}
			memcpy(nb, cur, st);
			nb[st] = ' ';
			memcpy(nb + st + pre, sub, sl);
			nb[st + pre + sl] = ' ';
			memcpy(nb + st + pre + sl + 1, cur + end, len - end + 1);
			if (om) {
				size_t k = 0;
				for (size_t i = 0; i < st; i++)
					nom[k++] = om[i];
				for (size_t i = 0; i < pre + sl + 1; i++)
					nom[k++] = om[at];
				for (size_t i = end; i <= len; i++)
					nom[k++] = om[i];
				free(om);
				om = nom;
			}
			free(cur);
			cur = nb;
			len = nlen;
			from = st + sl + 2; /* Falco goes on one past the blank after the items */
		}
	}
	if (!cur) {
		free(om);
		om = NULL;
	}
	if (orig)
		*orig = om;
	return cur;
}

/* A column (1-based) of text with the lists put in, as a column of text. */
static uint32_t unresolve_col(const filter_ruleset_t *rs, const char *text, uint32_t col)
{
	size_t *om = NULL;
	char *t;
	uint32_t ret = col;

	if (!col || !rs->nlist_subs || !(t = resolve_lists(rs, text, &om)))
		return col;
	size_t len = strlen(t), p = col - 1 <= len ? col - 1 : len;
	ret = (uint32_t)om[p] + 1;
	free(t);
	free(om);
	return ret;
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

/* The registry's "unknown macro 'x'" said as Falco does (a LOAD_ERR_VALIDATE):
 * "Undefined macro 'x' used in filter."; msg rewritten in place. */
static bool undefined_macro(char *msg, size_t len)
{
	static const char key[] = "unknown macro '";
	char *at = strstr(msg, key), name[256];
	const char *q;
	if (!at || !(q = strchr(at + sizeof(key) - 1, '\'')))
		return false;
	size_t n = (size_t)(q - (at + sizeof(key) - 1));
	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, at + sizeof(key) - 1, n);
	name[n] = 0;
	snprintf(at, len - (size_t)(at - msg), "Undefined macro '%s' used in filter.", name);
	return true;
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
		col = unresolve_col(rs, m->cond, col);
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

int compile_rule(filter_ruleset_t *rs, struct rrule *r)
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
	char *text = resolve_lists(rs, r->final_cond, NULL);
	if (!text) {
		add_diag(rs, FILTER_RULES_ERROR, "LOAD_ERR_COMPILE_CONDITION", "rule", r->name, &r->loc, "out of memory");
		r->failed = true;
		return FILTER_ERR_NOMEM;
	}
	r->f = filter_compile(rs->reg, text, &err);
	free(text);
	if (!r->f) {
		uint32_t col = reg_msg(rs, msg, sizeof(msg), macro, sizeof(macro));
		if (!macro[0])
			col = unresolve_col(rs, r->final_cond, col);
		struct loc l = err_loc(rs, &r->csegs, r->cond, r->nexc ? 1 : 0, &r->loc,
				       r->nexc ? &r->exc_loc : NULL, macro, col);
		r->failed = true;
		if (r->skip_unknown && strstr(msg, "unknown field")) {
			add_diag(rs, FILTER_RULES_WARNING, "LOAD_UNKNOWN_FILTER", "rule", r->name, &l,
				 "%s (rule skipped: skip-if-unknown-filter)", msg);
			return 0;
		}
		add_diag(rs, FILTER_RULES_ERROR, undefined_macro(msg, sizeof(msg)) ? VV : "LOAD_ERR_COMPILE_CONDITION",
			 "rule", r->name, &l, "%s", msg);
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
		/* a name the registry cannot hold (LOAD_INVALID_LIST_NAME, or a
		 * bare string that is no identifier): conditions still get the
		 * list's items put in place of its name */
		if (!rules_valid_macro_name(l->name))
			continue;
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
	if (build_list_subs(rs)) {
		add_diag(rs, FILTER_RULES_ERROR, VV, "list", "", NULL, "out of memory");
		return FILTER_ERR_NOMEM;
	}
	/* macros: all defined first (they may use each other in any order),
	 * with the lists put in */
	for (size_t i = 0; i < rs->nmacros; i++) {
		struct rmacro *m = &rs->macros[i];
		if (!rules_valid_macro_name(m->name)) /* LOAD_INVALID_MACRO_NAME: no condition can name it */
			continue;
		char *text = resolve_lists(rs, m->cond, NULL);
		int rc = text ? filter_registry_define_macro(rs->reg, m->name, text) : FILTER_ERR_NOMEM;
		free(text);
		if (rc) {
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
		if (!rules_valid_macro_name(m->name))
			continue;
		filter_t *f = filter_compile(rs->reg, m->name, &err);
		if (f) {
			filter_free(f);
			continue;
		}
		uint32_t col = reg_msg(rs, msg, sizeof(msg), macro, sizeof(macro));
		bool loop = strstr(msg, "references itself") != NULL;
		/* an undefined macro: the fault of the macro naming it (Falco
		 * checks every macro, used or not) */
		bool undef = !strcmp(macro, m->name) && undefined_macro(msg, sizeof(msg));
		if (err != FILTER_ERR_SYNTAX && !loop && !undef)
			continue;
		struct loc l = err_loc(rs, &m->segs, m->cond, 0, &m->loc, NULL, macro, col);
		add_diag(rs, FILTER_RULES_ERROR, loop || undef ? VV : "LOAD_ERR_COMPILE_CONDITION", "macro", m->name, &l,
			 "%s", msg);
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

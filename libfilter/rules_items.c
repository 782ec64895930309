/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Collecting items as Falco's rule collector does: lists, macros and rules
 * defined, appended to or overridden by name; exceptions read and checked.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

/* Falco's names: a macro's is an identifier (a letter, then letters,
 * digits, '_'), a list's a bare string (no blank, quote, '(', ')', '=',
 * ','). Other names are warnings (LOAD_INVALID_MACRO_NAME,
 * LOAD_INVALID_LIST_NAME): such an item is kept, but a condition cannot
 * name it. */
#define RGX_IDENTIFIER "([a-zA-Z]+[a-zA-Z0-9_]*)"
#define RGX_BARESTR "([^()\"'[:space:]=,]+)"

static bool ascii_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool rules_valid_macro_name(const char *s)
{
	if (!s || !ascii_alpha(*s))
		return false;
	for (s++; *s; s++)
		if (!ascii_alpha(*s) && !(*s >= '0' && *s <= '9') && *s != '_')
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

bool op_for_list(const char *s)
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
		if (rules_budget(rs, v->len, "exception", name, v))
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
		if (rules_grow((void **)out, &cap, *nout, sizeof(**out))) {
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
/* A field the registry knows, as the left side of a comparison (with its
 * argument, e.g. proc.aname[2]): what Falco checks of exception fields. */
static bool valid_lhs_field(filter_ruleset_t *rs, const char *field)
{
	char cond[512];
	int err = 0;
	if (!*field || strpbrk(field, " \t\r\n") || strlen(field) > sizeof(cond) - 16)
		return false;
	snprintf(cond, sizeof(cond), "%s exists", field);
	filter_t *f = filter_compile(rs->reg, cond, &err);
	filter_free(f);
	return f != NULL;
}

static int bad_field(filter_ruleset_t *rs, struct rexc *ex, const char *field)
{
	add_diag(rs, FILTER_RULES_ERROR, VV, "exception", ex->name, &ex->loc, "'%s' is not a supported filter field",
		 field);
	return -1;
}

/* check_fields: false for rules of an unknown source (Falco has no fields
 * to check them against). */
static int validate_exception(filter_ruleset_t *rs, struct rexc *ex, bool check_fields)
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
		for (size_t i = 0; check_fields && i < ex->fields.n; i++)
			if (!valid_lhs_field(rs, ex->fields.items[i].item))
				return bad_field(rs, ex, ex->fields.items[i].item);
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
		if (check_fields && !valid_lhs_field(rs, ex->fields.item))
			return bad_field(rs, ex, ex->fields.item);
	}
	return 0;
}

struct rlist *find_list(filter_ruleset_t *rs, const char *name)
{
	for (size_t i = 0; i < rs->nlists; i++)
		if (!strcmp(rs->lists[i].name, name))
			return &rs->lists[i];
	return NULL;
}

struct rmacro *find_macro(filter_ruleset_t *rs, const char *name)
{
	for (size_t i = 0; i < rs->nmacros; i++)
		if (!strcmp(rs->macros[i].name, name))
			return &rs->macros[i];
	return NULL;
}

struct rrule *find_rule(const filter_ruleset_t *rs, const char *name)
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

int read_list(filter_ruleset_t *rs, const struct ynode *item)
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
		struct loc l = node_loc(rs, item);
		add_diag(rs, FILTER_RULES_WARNING, "LOAD_INVALID_LIST_NAME", "list", name, &l,
			 "List has an invalid name. List names should match a regular expression: " RGX_BARESTR);
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
				 "List uses 'append' or 'override.items: append' but no list by that name already exists");
			goto out;
		}
		for (size_t i = 0; i < items.n; i++)
			if (sv_push(&prev->items, items.v[i]))
				goto out;
		prev->loc = node_loc(rs, item);
		prev->visibility = rs->list_seq++;
	} else if (prev) {
		sv_free(&prev->items);
		prev->items = items;
		memset(&items, 0, sizeof(items));
		prev->loc = node_loc(rs, item);
		prev->visibility = rs->list_seq++;
	} else {
		if (rules_grow((void **)&rs->lists, &rs->caplists, rs->nlists, sizeof(*rs->lists)))
			goto out;
		struct rlist *l = &rs->lists[rs->nlists++];
		l->name = name;
		name = NULL;
		l->items = items;
		memset(&items, 0, sizeof(items));
		l->loc = node_loc(rs, item);
		l->index = l->visibility = rs->list_seq++;
	}
	rc = 0;
out:
	free(name);
	sv_free(&items);
	sv_free(&app);
	sv_free(&rep);
	return rc;
}

int read_macro(filter_ruleset_t *rs, const struct ynode *item)
{
	char *name = NULL, *cond = NULL;
	struct strvec app = {0}, rep = {0};
	const struct ynode *nv, *cv;
	bool append = false;
	int rc = -1;
	static const char *const can[] = {"condition", NULL};

	if (get_str(rs, item, "macro", false, "macro", "", &name, &nv))
		return -1;
	if (!rules_valid_macro_name(name)) {
		struct loc l = node_loc(rs, item);
		add_diag(rs, FILTER_RULES_WARNING, "LOAD_INVALID_MACRO_NAME", "macro", name, &l,
			 "Macro has an invalid name. Macro names should match a regular expression: " RGX_IDENTIFIER);
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
				 "Macro uses 'append' or 'override.condition: append' but no macro by that name "
				 "already exists");
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
		if (rules_grow((void **)&rs->macros, &rs->capmacros, rs->nmacros, sizeof(*rs->macros)))
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
			if (validate_exception(rs, ex, !prev->unknown_source))
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
			if (validate_exception(rs, &u->exc[i], !prev->unknown_source))
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

int read_rule(filter_ruleset_t *rs, const struct ynode *item)
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
					 "Rule uses 'append' or 'override.<key>: append' but no rule by that name "
					 "already exists");
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
					 "An 'override.<key>: replace' to a rule was requested but no rule by that name "
					 "already exists");
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
				 "Rule uses 'append' or 'override.<key>: append' but no rule by that name already "
				 "exists");
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
		if (validate_exception(rs, &r.exc[i], !r.unknown_source))
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
		if (rules_grow((void **)&rs->rules, &rs->caprules, rs->nrules, sizeof(*rs->rules)))
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

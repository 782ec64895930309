/* SPDX-License-Identifier: Apache-2.0 */
/*
 * From AST to the compiled form: macros expanded, lists expanded, fields
 * resolved to their provider, transformers and operators type-checked,
 * constants parsed to the field's type, `in` sets hashed, pmatch prefixes
 * hashed, regexes compiled. Also: the event types a filter can match, and
 * the canonical dump.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter_int.h"

struct cctx {
	filter_registry_t *reg;
	struct filter *f;
	struct arena tmp; /* ASTs, freed after compile */
	const char *stack[64];  /* macros being expanded */
	const char *lstack[64]; /* lists being expanded */
	uint32_t nstack;
	uint32_t ncheck_cap;
	uint32_t nnodes;  /* compiled nodes: bounded against macro blow-up */
	uint64_t nitems;  /* expanded list items: bounded against list blow-up */
};

/* Bounds of one compiled condition, after macro and list expansion: a
 * condition that expands past them (macros or lists that reference each
 * other many times over) is an error, not an unbounded allocation. */
#define MAX_NODES 1000000u
#define MAX_ITEMS 1000000u
#define MAX_BYTES (64u << 20)

/* ---- hash set of byte strings (in, intersects, pmatch) ---- */
struct fset_slot {
	const uint8_t *p;
	uint32_t len;
	uint32_t hash; /* 0: empty */
};

struct fset {
	struct fset_slot *slots;
	uint32_t mask;
	uint32_t minlen, maxlen;
};

static uint32_t fhash(const uint8_t *p, uint32_t len)
{
	uint32_t h = 2166136261u;
	for (uint32_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h | 1; /* never 0 */
}

static struct fset *fset_new(struct arena *a, uint32_t n)
{
	struct fset *s = arena_alloc(a, sizeof(*s));
	uint32_t cap = 8;

	if (!s)
		return NULL;
	while (cap < n * 2 + 1)
		cap *= 2;
	s->slots = arena_alloc(a, cap * sizeof(*s->slots));
	if (!s->slots)
		return NULL;
	s->mask = cap - 1;
	s->minlen = UINT32_MAX;
	return s;
}

static void fset_add(struct fset *s, const uint8_t *p, uint32_t len)
{
	uint32_t h = fhash(p, len), i = h & s->mask;

	while (s->slots[i].hash) {
		if (s->slots[i].hash == h && s->slots[i].len == len && memcmp(s->slots[i].p, p, len) == 0)
			return;
		i = (i + 1) & s->mask;
	}
	s->slots[i] = (struct fset_slot){p, len, h};
	if (len < s->minlen)
		s->minlen = len;
	if (len > s->maxlen)
		s->maxlen = len;
}

int fset_contains(const struct fset *s, const uint8_t *p, uint32_t len)
{
	if (len < s->minlen || len > s->maxlen)
		return 0;
	uint32_t h = fhash(p, len), i = h & s->mask;
	while (s->slots[i].hash) {
		if (s->slots[i].hash == h && s->slots[i].len == len && memcmp(s->slots[i].p, p, len) == 0)
			return 1;
		i = (i + 1) & s->mask;
	}
	return 0;
}

/* ---- errors ---- */
__attribute__((format(printf, 4, 5))) static int cerr(struct cctx *c, const struct fsource *src, uint32_t pos,
							const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fpos_err(c->reg, src, pos, "%s", msg);
	return FILTER_ERR_COMPILE;
}

/* ---- fields ---- */
static bool is_numeric(uint8_t t)
{
	return t == FILTER_T_INT64 || t == FILTER_T_UINT64 || t == FILTER_T_RELTIME || t == FILTER_T_ABSTIME ||
	       t == FILTER_T_DOUBLE;
}

static int parse_index(const char *s, int64_t *out)
{
	char *end;
	if (!*s || !isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*end || errno)
		return -1;
	*out = v;
	return 0;
}

static int resolve_field(struct cctx *c, const struct fsource *src, const struct ast_field *af, struct cfield *cf)
{
	const char *name = af->name, *arg = af->arg;
	size_t nlen = strlen(name);
	const struct ffield *f = freg_find_field(c->reg, name, nlen);
	bool dotted = false;

	if (!f) {
		/* field.ARG: the longest registered prefix that allows it */
		for (size_t k = nlen; k > 0; k--) {
			if (name[k - 1] != '.' || k < 2)
				continue;
			const struct ffield *p = freg_find_field(c->reg, name, k - 1);
			if (p && (p->flags & FILTER_FIELD_ARG_DOTTED)) {
				if (arg)
					return cerr(c, src, af->pos, "field '%s' has two arguments", name);
				f = p;
				arg = name + k;
				dotted = true;
				break;
			}
		}
	}
	if (!f)
		return cerr(c, src, af->pos, "unknown field '%s'", name);
	if (arg && !(f->flags & (FILTER_FIELD_ARG_ALLOWED | FILTER_FIELD_ARG_REQUIRED)))
		return cerr(c, src, af->pos, "field '%s' does not take an argument", f->name);
	if (!arg && (f->flags & FILTER_FIELD_ARG_REQUIRED))
		return cerr(c, src, af->pos, "field '%s' requires an argument", f->name);
	cf->f = f;
	cf->prov = &c->reg->providers[f->provider];
	cf->provs = c->reg->providers;
	cf->ref.argnum = -1;
	if (arg) {
		cf->ref.arg = arena_strndup(&c->f->arena, arg, strlen(arg));
		if (!cf->ref.arg)
			return freg_seterr(c->reg, FILTER_ERR_NOMEM, "out of memory");
		cf->ref.arglen = strlen(arg);
		int64_t n;
		if (parse_index(arg, &n) == 0)
			cf->ref.argnum = n;
		else if (f->flags & FILTER_FIELD_ARG_INDEX)
			return cerr(c, src, af->pos, "field '%s' needs a numeric argument, not '%s'", f->name, arg);
	}
	(void)dotted;
	enum filter_ftype t = (enum filter_ftype)f->type;
	if (cf->prov->validate) {
		char why[256] = "";
		if (cf->prov->validate(cf->prov->ctx, f->id, cf->ref.arg, cf->ref.arglen, &t, why, sizeof(why)) < 0)
			return cerr(c, src, af->pos, "field '%s': %s", name, why[0] ? why : "invalid argument");
		if ((unsigned)t >= FILTER_T_MAX)
			return cerr(c, src, af->pos, "field '%s': provider gave an invalid type", name);
	}
	cf->base_type = cf->type = (uint8_t)t;
	cf->list = (f->flags & FILTER_FIELD_LIST) != 0;
	return 0;
}

static int compile_field(struct cctx *c, const struct fsource *src, const struct ast_field *af, struct cfield *cf)
{
	const struct ast_field *chain[8];
	uint32_t n = 0;

	while (af->trans != TR_NONE) {
		if (n == 4)
			return cerr(c, src, af->pos, "too many nested transformers (at most 4)");
		chain[n++] = af;
		af = af->inner;
	}
	int rc = resolve_field(c, src, af, cf);
	if (rc)
		return rc;
	/* apply innermost first */
	for (uint32_t k = n; k-- > 0;) {
		uint8_t t = chain[k]->trans;
		uint8_t in = cf->type;
		if (t == TR_LEN) {
			if (!cf->list && in != FILTER_T_STRING && in != FILTER_T_BYTES)
				return cerr(c, src, chain[k]->pos, "len() needs a string, bytes or list field, not %s",
					    filter_ftype_name((enum filter_ftype)in));
			cf->type = FILTER_T_UINT64;
			cf->list = false;
		} else if (t == TR_B64) {
			if (in != FILTER_T_STRING && in != FILTER_T_BYTES)
				return cerr(c, src, chain[k]->pos, "b64() needs a string or bytes field, not %s",
					    filter_ftype_name((enum filter_ftype)in));
			cf->type = FILTER_T_STRING;
		} else {
			if (in != FILTER_T_STRING)
				return cerr(c, src, chain[k]->pos, "%s() needs a string field, not %s", ftrans_names[t],
					    filter_ftype_name((enum filter_ftype)in));
		}
		cf->trans[cf->ntrans++] = t;
	}
	return 0;
}

/* For output templates (output.c): compile one field outside a condition,
 * allocating in arena. */
int fcompile_field(filter_registry_t *reg, struct arena *arena, const struct fsource *src,
		   const struct ast_field *af, struct cfield *cf)
{
	struct filter f = {.reg = reg, .arena = *arena};
	struct cctx c = {.reg = reg, .f = &f};
	int rc = compile_field(&c, src, af, cf);
	*arena = f.arena;
	return rc;
}

/* ---- constants ---- */
static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = tolower(ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* Decimal, or hex with 0x (a leading 0 is not octal, as upstream). */
static int num_base(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	return s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 16 : 10;
}

/* Patterns glibc's regcomp would take seconds, gigabytes, or exponential
 * matching time for: back references (RE2, which upstream uses, has none)
 * and counted repetitions whose nested product exceeds 1000 (RE2's
 * repetition limit). Returns a reason or NULL. */
static const char *regex_too_costly(const char *p)
{
	uint32_t level_max[64], depth = 0, last = 1;

	level_max[0] = 1;
	for (; *p; p++) {
		switch (*p) {
		case '\\':
			if (p[1] >= '1' && p[1] <= '9')
				return "back references are not supported";
			if (p[1])
				p++;
			last = 1;
			break;
		case '[': /* a bracket expression is one atom */
			p++;
			if (*p == '^')
				p++;
			if (*p == ']')
				p++;
			while (*p && *p != ']')
				p++;
			if (!*p)
				return NULL; /* regcomp reports it */
			last = 1;
			break;
		case '(':
			if (depth == 63)
				return "groups nested too deeply";
			level_max[++depth] = 1;
			break;
		case ')':
			last = depth ? level_max[depth--] : 1;
			if (last > level_max[depth])
				level_max[depth] = last;
			break;
		case '{': {
			char *end;
			unsigned long lo = strtoul(p + 1, &end, 10), hi = lo;
			if (*end == ',')
				hi = end[1] == '}' ? lo + 1 : strtoul(end + 1, &end, 10);
			if (lo > 1000 || hi > 1000)
				return "a repetition count is over 1000";
			uint64_t w = (uint64_t)last * (hi ? hi : 1);
			if (w > 1000)
				return "nested repetitions expand to more than 1000 copies";
			last = (uint32_t)w;
			if (last > level_max[depth])
				level_max[depth] = last;
			while (*p && *p != '}')
				p++;
			if (!*p)
				return NULL;
			break;
		}
		default:
			last = 1;
			break;
		}
	}
	return NULL;
}

static int parse_ipnet(const char *s, struct cconst *k, uint8_t *buf16)
{
	char tmp[64];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	int bits;

	if (alen >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, alen);
	tmp[alen] = 0;
	if (inet_pton(AF_INET, tmp, buf16) == 1)
		k->len = 4;
	else if (inet_pton(AF_INET6, tmp, buf16) == 1)
		k->len = 16;
	else
		return -1;
	if (slash) {
		int64_t v;
		if (parse_index(slash + 1, &v) < 0 || v > k->len * 8)
			return -1;
		bits = (int)v;
	} else {
		bits = (int)k->len * 8;
	}
	k->prefix = (uint8_t)bits;
	for (uint32_t i = 0; i < k->len; i++) {
		int b = bits - (int)i * 8;
		k->mask[i] = b >= 8 ? 0xff : b <= 0 ? 0 : (uint8_t)(0xff << (8 - b));
		buf16[i] &= k->mask[i];
	}
	return 0;
}

static int parse_const(struct cctx *c, const struct fsource *src, const struct ast_value *v, uint8_t type,
		       uint8_t op, const char *fname, struct cconst *k)
{
	struct arena *a = &c->f->arena;
	const char *s = v->s;
	char *end;

	if (op == OP_BCONTAINS || op == OP_BSTARTSWITH) {
		if (v->len % 2)
			return cerr(c, src, v->pos, "'%s' is not a hex byte string (odd length)", s);
		uint8_t *b = arena_alloc(a, v->len / 2 + 1);
		if (!b)
			return freg_seterr(c->reg, FILTER_ERR_NOMEM, "out of memory");
		for (uint32_t i = 0; i < v->len; i += 2) {
			int hi = hexval((unsigned char)s[i]), lo = hexval((unsigned char)s[i + 1]);
			if (hi < 0 || lo < 0)
				return cerr(c, src, v->pos, "'%s' is not a hex byte string", s);
			b[i / 2] = (uint8_t)(hi << 4 | lo);
		}
		k->ptr = b;
		k->len = v->len / 2;
		return 0;
	}
	switch (type) {
	case FILTER_T_STRING:
	case FILTER_T_BYTES:
		k->ptr = (const uint8_t *)arena_strndup(a, s, v->len);
		if (!k->ptr)
			return freg_seterr(c->reg, FILTER_ERR_NOMEM, "out of memory");
		k->len = v->len;
		return 0;
	case FILTER_T_INT64:
		errno = 0;
		k->num.i = strtoll(s, &end, num_base(s));
		if (!*s || *end || errno || strlen(s) != v->len)
			return cerr(c, src, v->pos, "'%s' is not a valid int64 value for field '%s'", s, fname);
		return 0;
	case FILTER_T_UINT64:
	case FILTER_T_RELTIME:
	case FILTER_T_ABSTIME:
		errno = 0;
		k->num.u = strtoull(s, &end, num_base(s));
		if (!*s || *end || errno || s[0] == '-' || strlen(s) != v->len)
			return cerr(c, src, v->pos, "'%s' is not a valid %s value for field '%s'", s,
				    filter_ftype_name((enum filter_ftype)type), fname);
		return 0;
	case FILTER_T_DOUBLE:
		errno = 0;
		k->num.d = strtod(s, &end);
		if (!*s || *end || errno)
			return cerr(c, src, v->pos, "'%s' is not a valid number for field '%s'", s, fname);
		return 0;
	case FILTER_T_BOOL:
		if (!strcmp(s, "true"))
			k->num.u = 1;
		else if (!strcmp(s, "false"))
			k->num.u = 0;
		else
			return cerr(c, src, v->pos, "'%s' is not a valid bool value for field '%s' (true or false)", s,
				    fname);
		return 0;
	case FILTER_T_IPADDR: {
		uint8_t *b = arena_alloc(a, 16);
		if (!b)
			return freg_seterr(c->reg, FILTER_ERR_NOMEM, "out of memory");
		if (inet_pton(AF_INET, s, b) == 1)
			k->len = 4;
		else if (inet_pton(AF_INET6, s, b) == 1)
			k->len = 16;
		else
			return cerr(c, src, v->pos, "'%s' is not a valid IP address for field '%s'", s, fname);
		k->ptr = b;
		return 0;
	}
	case FILTER_T_IPNET: {
		uint8_t *b = arena_alloc(a, 16);
		if (!b)
			return freg_seterr(c->reg, FILTER_ERR_NOMEM, "out of memory");
		if (parse_ipnet(s, k, b) < 0)
			return cerr(c, src, v->pos, "'%s' is not a valid IP network for field '%s' (e.g. 10.0.0.0/8)", s,
				    fname);
		k->ptr = b;
		return 0;
	}
	default:
		return cerr(c, src, v->pos, "field '%s' has an unsupported type", fname);
	}
}

/* ---- operators by type ---- */
static bool op_allowed(uint8_t op, uint8_t type, bool list)
{
	if (op == OP_EXISTS)
		return true;
	if (list)
		return op == OP_IN || op == OP_INTERSECTS;
	switch (type) {
	case FILTER_T_STRING:
		return op != OP_LT && op != OP_LE && op != OP_GT && op != OP_GE;
	case FILTER_T_BYTES:
		return op == OP_EQ || op == OP_NE || op == OP_CONTAINS || op == OP_BCONTAINS || op == OP_STARTSWITH ||
		       op == OP_BSTARTSWITH || op == OP_IN || op == OP_INTERSECTS;
	case FILTER_T_BOOL:
		return op == OP_EQ || op == OP_NE || op == OP_IN || op == OP_INTERSECTS;
	case FILTER_T_IPADDR:
	case FILTER_T_IPNET:
		return op == OP_EQ || op == OP_NE || op == OP_IN || op == OP_INTERSECTS;
	default: /* numbers */
		return op == OP_EQ || op == OP_NE || op == OP_LT || op == OP_LE || op == OP_GT || op == OP_GE ||
		       op == OP_IN || op == OP_INTERSECTS;
	}
}

/* Expand list items: items naming a defined list are replaced by its items
 * (recursively); results appended to *out. */
static int expand_items(struct cctx *c, const struct fsource *src, const struct ast_value *items, uint32_t n,
			struct ast_value **out, uint32_t *nout, uint32_t *cap, uint32_t depth)
{
	for (uint32_t i = 0; i < n; i++) {
		struct flist *l = NULL;
		if (!items[i].quoted)
			HASH_FIND(hh, c->reg->lists, items[i].s, items[i].len, l);
		if (l) {
			for (uint32_t d = 0; d < depth; d++)
				if (!strcmp(c->lstack[d], l->name))
					return cerr(c, src, items[i].pos, "list '%s' references itself", l->name);
			if (depth == sizeof(c->lstack) / sizeof(c->lstack[0]))
				return cerr(c, src, items[i].pos, "lists nested too deeply at '%s'", l->name);
			c->lstack[depth] = l->name;
			struct ast_value *sub = arena_alloc(&c->tmp, (l->n ? l->n : 1) * sizeof(*sub));
			if (!sub)
				return freg_seterr(c->reg, FILTER_ERR_NOMEM, "out of memory");
			for (size_t k = 0; k < l->n; k++)
				sub[k] = (struct ast_value){l->items[k], (uint32_t)strlen(l->items[k]), items[i].pos, false};
			int rc = expand_items(c, src, sub, (uint32_t)l->n, out, nout, cap, depth + 1);
			if (rc)
				return rc;
			continue;
		}
		if (++c->nitems > MAX_ITEMS)
			return cerr(c, src, items[i].pos, "lists expand to more than %u items", MAX_ITEMS);
		if (*nout == *cap) {
			uint32_t ncap = *cap ? *cap * 2 : 16;
			struct ast_value *nv = arena_alloc(&c->tmp, ncap * sizeof(*nv));
			if (!nv)
				return freg_seterr(c->reg, FILTER_ERR_NOMEM, "out of memory");
			if (*nout)
				memcpy(nv, *out, *nout * sizeof(*nv));
			*out = nv;
			*cap = ncap;
		}
		(*out)[(*nout)++] = items[i];
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	const struct cconst *x = a, *y = b;
	return x->num.u < y->num.u ? -1 : x->num.u > y->num.u;
}

static int build_pmatch(struct cctx *c, struct ccheck *k)
{
	struct pmatch_set *pm = arena_alloc(&c->f->arena, sizeof(*pm));
	if (!pm || !(pm->exact = fset_new(&c->f->arena, k->nc)) ||
	    !(pm->globs = arena_alloc(&c->f->arena, (k->nc ? k->nc : 1) * sizeof(char *))))
		return freg_seterr(c->reg, FILTER_ERR_NOMEM, "out of memory");
	for (uint32_t i = 0; i < k->nc; i++) {
		uint32_t len = k->c[i].len;
		const char *p = (const char *)k->c[i].ptr;
		while (len > 1 && p[len - 1] == '/')
			len--; /* "/etc/" is the prefix "/etc" */
		if (len == 1 && p[0] == '/') {
			pm->any_root = true;
			continue;
		}
		if (memchr(p, '*', len) || memchr(p, '?', len) || memchr(p, '[', len))
			pm->globs[pm->nglobs++] = arena_strndup(&c->f->arena, p, len);
		else
			fset_add(pm->exact, (const uint8_t *)p, len);
	}
	k->pm = pm;
	return 0;
}

/* A syscall that drivers may report through the generic event. */
static bool is_syscall_name(const char *name)
{
	for (uint32_t sc = 0; sc < scap_ppm_sc_max(); sc++) {
		const char *n = scap_ppm_sc_name(sc);
		if (n && !strcmp(n, name))
			return true;
	}
	return false;
}

static int compile_check(struct cctx *c, const struct fsource *src, const struct ast *a, struct cnode *n)
{
	struct ccheck *k = arena_alloc(&c->f->arena, sizeof(*k));
	int rc;

	if (!k)
		return freg_seterr(c->reg, FILTER_ERR_NOMEM, "out of memory");
	n->kind = AST_CHECK;
	n->chk = k;
	k->op = a->op;
	if ((rc = compile_field(c, src, a->lhs, &k->lhs)))
		return rc;
	const char *fname = k->lhs.f->name;
	if (!op_allowed(a->op, k->lhs.type, k->lhs.list)) {
		if (k->lhs.list)
			return cerr(c, src, a->op_pos, "field '%s' is a list: only 'exists', 'in' and 'intersects' apply",
				    fname);
		return cerr(c, src, a->op_pos, "operator '%s' cannot be used with %s field '%s'", fop_names[a->op],
			    filter_ftype_name((enum filter_ftype)k->lhs.type), fname);
	}
	/* register for cleanup */
	if (c->f->nchecks == c->ncheck_cap) {
		uint32_t cap = c->ncheck_cap ? c->ncheck_cap * 2 : 16;
		struct ccheck **nc = realloc(c->f->checks, cap * sizeof(*nc));
		if (!nc)
			return freg_seterr(c->reg, FILTER_ERR_NOMEM, "out of memory");
		c->f->checks = nc;
		c->ncheck_cap = cap;
	}
	c->f->checks[c->f->nchecks++] = k;

	if (a->rhs_kind == RHS_NONE)
		return 0;
	if (a->rhs_kind == RHS_FIELD) {
		k->rhs = arena_alloc(&c->f->arena, sizeof(*k->rhs));
		if (!k->rhs)
			return freg_seterr(c->reg, FILTER_ERR_NOMEM, "out of memory");
		if ((rc = compile_field(c, src, a->rhs_field, k->rhs)))
			return rc;
		uint8_t lt = k->lhs.type, rt = k->rhs->type;
		bool ok = lt == rt || (is_numeric(lt) && is_numeric(rt)) ||
			  ((lt == FILTER_T_STRING || lt == FILTER_T_BYTES) && (rt == FILTER_T_STRING || rt == FILTER_T_BYTES)) ||
			  (lt == FILTER_T_IPNET && rt == FILTER_T_IPADDR) || (lt == FILTER_T_IPADDR && rt == FILTER_T_IPNET);
		if (!ok)
			return cerr(c, src, a->rhs_field->pos, "cannot compare %s field '%s' with %s field '%s'",
				    filter_ftype_name((enum filter_ftype)lt), fname,
				    filter_ftype_name((enum filter_ftype)rt), k->rhs->f->name);
		if (k->rhs->list && a->op != OP_IN && a->op != OP_INTERSECTS)
			return cerr(c, src, a->rhs_field->pos, "list field '%s' can only be the right side of 'in' or 'intersects'",
				    k->rhs->f->name);
		if (a->op == OP_GLOB || a->op == OP_IGLOB)
			return cerr(c, src, a->rhs_field->pos, "operator '%s' does not take a field on its right side",
				    fop_names[a->op]);
		return 0;
	}

	/* constant values */
	struct ast_value *vals = a->vals;
	uint32_t nv = a->nvals;
	if (a->rhs_kind == RHS_LISTREF) {
		struct flist *l;
		HASH_FIND(hh, c->reg->lists, vals[0].s, vals[0].len, l);
		if (!l)
			return cerr(c, src, vals[0].pos, "unknown list '%s'", vals[0].s);
	}
	if (a->rhs_kind == RHS_LIST || a->rhs_kind == RHS_LISTREF) {
		struct ast_value *ev = NULL;
		uint32_t nev = 0, cap = 0;
		if ((rc = expand_items(c, src, vals, nv, &ev, &nev, &cap, 0)))
			return rc;
		vals = ev;
		nv = nev;
	}
	k->c = arena_alloc(&c->f->arena, (nv ? nv : 1) * sizeof(*k->c));
	if (!k->c)
		return freg_seterr(c->reg, FILTER_ERR_NOMEM, "out of memory");
	for (uint32_t i = 0; i < nv; i++)
		if ((rc = parse_const(c, src, &vals[i], k->lhs.type, a->op, fname, &k->c[i])))
			return rc;
	k->nc = nv;

	/* evt.type = NAME with a NAME that is no event: a typo, not a filter */
	if (!k->lhs.ntrans && !strcmp(fname, "evt.type") && !strcmp(k->lhs.prov->name, "evt") &&
	    (a->op == OP_EQ || a->op == OP_NE || a->op == OP_IN || a->op == OP_INTERSECTS)) {
		for (uint32_t i = 0; i < nv; i++) {
			uint16_t tmp[1];
			if (!scap_event_find(vals[i].s, tmp, 1) && !is_syscall_name(vals[i].s))
				return cerr(c, src, vals[i].pos, "unknown event type '%s'", vals[i].s);
		}
	}

	uint8_t t = k->lhs.type;
	switch (a->op) {
	case OP_IN:
	case OP_INTERSECTS:
		if (t == FILTER_T_STRING || t == FILTER_T_BYTES || t == FILTER_T_IPADDR) {
			k->set = fset_new(&c->f->arena, nv);
			if (!k->set)
				return freg_seterr(c->reg, FILTER_ERR_NOMEM, "out of memory");
			for (uint32_t i = 0; i < nv; i++)
				fset_add(k->set, k->c[i].ptr, k->c[i].len);
		} else if (t == FILTER_T_UINT64 || t == FILTER_T_RELTIME || t == FILTER_T_ABSTIME || t == FILTER_T_BOOL) {
			qsort(k->c, nv, sizeof(*k->c), cmp_u64); /* binary search at run time */
		}
		break;
	case OP_PMATCH:
		if ((rc = build_pmatch(c, k)))
			return rc;
		break;
	case OP_REGEX: {
		/* a full match, as upstream: the evaluator checks that the leftmost-
		 * longest match (POSIX) spans the whole value; no anchoring group is
		 * added, so the pattern's own groups keep their numbers */
		const char *why = regex_too_costly((const char *)k->c[0].ptr);
		if (why)
			return cerr(c, src, vals[0].pos, "unsupported regular expression: %s", why);
		k->re = calloc(1, sizeof(regex_t));
		if (!k->re)
			return freg_seterr(c->reg, FILTER_ERR_NOMEM, "out of memory");
		int e = regcomp(k->re, (const char *)k->c[0].ptr, REG_EXTENDED);
		if (e) {
			char msg[128];
			regerror(e, k->re, msg, sizeof(msg));
			free(k->re);
			k->re = NULL;
			return cerr(c, src, vals[0].pos, "invalid regular expression: %s", msg);
		}
		break;
	}
	default:
		break;
	}
	return 0;
}

static int compile_node(struct cctx *c, const struct fsource *src, const struct ast *a, struct cnode **out);

static int compile_macro(struct cctx *c, const struct fsource *src, const struct ast *a, struct cnode **out)
{
	struct fmacro *m;

	HASH_FIND_STR(c->reg->macros, a->name, m);
	if (!m)
		return cerr(c, src, a->pos, "unknown macro '%s'", a->name);
	for (uint32_t i = 0; i < c->nstack; i++)
		if (!strcmp(c->stack[i], m->name))
			return cerr(c, src, a->pos, "macro '%s' references itself", m->name);
	if (c->nstack == sizeof(c->stack) / sizeof(c->stack[0]))
		return cerr(c, src, a->pos, "macros nested too deeply at '%s'", m->name);
	struct fsource msrc = {m->cond, m->name};
	struct ast *body = fparse(c->reg, &c->tmp, &msrc);
	if (!body)
		return FILTER_ERR_SYNTAX;
	c->stack[c->nstack++] = m->name;
	int rc = compile_node(c, &msrc, body, out);
	c->nstack--;
	return rc;
}

static int compile_node(struct cctx *c, const struct fsource *src, const struct ast *a, struct cnode **out)
{
	if (a->kind == AST_MACRO)
		return compile_macro(c, src, a, out);
	if (++c->nnodes > MAX_NODES)
		return cerr(c, src, a->pos, "condition expands to more than %u nodes (macros used too many times over)",
			    MAX_NODES);
	if (c->f->arena.bytes + c->tmp.bytes > MAX_BYTES)
		return cerr(c, src, a->pos, "condition expands to more than %u MiB (macros used too many times over)",
			    MAX_BYTES >> 20);
	struct cnode *n = arena_alloc(&c->f->arena, sizeof(*n));
	if (!n)
		return freg_seterr(c->reg, FILTER_ERR_NOMEM, "out of memory");
	*out = n;
	n->kind = a->kind;
	if (a->kind == AST_CHECK)
		return compile_check(c, src, a, n);
	/* AND/OR/NOT; and/or children of the same kind are flattened */
	struct cnode **kids = arena_alloc(&c->tmp, a->nkids * sizeof(*kids));
	uint32_t total = 0;
	if (!kids)
		return freg_seterr(c->reg, FILTER_ERR_NOMEM, "out of memory");
	for (uint32_t i = 0; i < a->nkids; i++) {
		int rc = compile_node(c, src, a->kids[i], &kids[i]);
		if (rc)
			return rc;
		total += (a->kind != AST_NOT && kids[i]->kind == a->kind) ? kids[i]->nkids : 1;
	}
	n->kids = arena_alloc(&c->f->arena, total * sizeof(*n->kids));
	if (!n->kids)
		return freg_seterr(c->reg, FILTER_ERR_NOMEM, "out of memory");
	for (uint32_t i = 0; i < a->nkids; i++) {
		if (a->kind != AST_NOT && kids[i]->kind == a->kind)
			for (uint32_t j = 0; j < kids[i]->nkids; j++)
				n->kids[n->nkids++] = kids[i]->kids[j];
		else
			n->kids[n->nkids++] = kids[i];
	}
	return 0;
}

/* ---- event types ---- */
static void set_all(uint64_t *s)
{
	for (int i = 0; i < FTYPESET_WORDS; i++)
		s[i] = ~0ull;
}

#define ASYNCEVENT_E 402

/* The check on evt.type, given this name: 1 true, 0 false, <0 error. */
static int check_name(struct filter *f, struct ccheck *k, const char *name)
{
	struct fval v = {.ptr = (const uint8_t *)name, .len = (uint32_t)strlen(name)};
	uint32_t nv = 1;
	int r = ftransform(k, &k->lhs, &v, &nv, NULL);
	return r < 0 ? r : feval_check_values(f, k, &v, nv);
}

/* Generic events: bit 0 set if some name makes the check true, bit 1 if
 * some name (or no name at all) makes it false. evt.type of a generic event
 * is the name its ID parameter carries: any syscall name, or "syscall". */
static int generic_outcomes(struct filter *f, struct ccheck *k)
{
	int out = 2; /* evt.type may be unavailable: false */
	for (uint32_t sc = 0; sc <= scap_ppm_sc_max() && out != 3; sc++) {
		const char *name = sc < scap_ppm_sc_max() ? scap_ppm_sc_name(sc) : "syscall";
		if (!name)
			continue;
		int r = check_name(f, k, name);
		if (r < 0)
			return r;
		out |= r ? 1 : 2;
	}
	return out;
}

/* Which events may match, as two sets of "outcomes" propagated through
 * and/or/not (may be true / may be false for each element):
 *  - !generic: over event types (the generic pair and the async event are
 *    judged on every name they may carry);
 *  - generic: over the names a generic exit event may carry: syscall code
 *    sc (bit sc), "syscall" (GEN_SYSCALL_BIT), none (GEN_NA_BIT). */
#define GEN_SYSCALL_BIT(sc_max) (sc_max)
#define GEN_NA_BIT(sc_max) ((sc_max) + 1)

static int evttypes(struct filter *f, const struct cnode *n, bool generic, uint64_t *may_true, uint64_t *may_false)
{
	uint64_t t2[FTYPESET_WORDS], f2[FTYPESET_WORDS];

	switch (n->kind) {
	case AST_NOT:
		return evttypes(f, n->kids[0], generic, may_false, may_true);
	case AST_AND:
	case AST_OR: {
		bool and = n->kind == AST_AND;
		for (uint32_t i = 0; i < n->nkids; i++) {
			int rc = evttypes(f, n->kids[i], generic, i ? t2 : may_true, i ? f2 : may_false);
			if (rc)
				return rc;
			if (!i)
				continue;
			for (int w = 0; w < FTYPESET_WORDS; w++) {
				if (and) {
					may_true[w] &= t2[w];
					may_false[w] |= f2[w];
				} else {
					may_true[w] |= t2[w];
					may_false[w] &= f2[w];
				}
			}
		}
		return 0;
	}
	default: {
		struct ccheck *k = n->chk;
		set_all(may_true);
		set_all(may_false);
		if (strcmp(k->lhs.f->name, "evt.type") != 0 || strcmp(k->lhs.prov->name, "evt") != 0 || k->rhs ||
		    k->lhs.type != FILTER_T_STRING)
			return 0;
		/* evaluate the check on every known event name */
		memset(may_true, 0, FTYPESET_WORDS * 8);
		memset(may_false, 0, FTYPESET_WORDS * 8);
		if (generic) {
			uint32_t scmax = scap_ppm_sc_max();
			for (uint32_t g = 0; g <= GEN_NA_BIT(scmax); g++) {
				const char *name = g < scmax ? scap_ppm_sc_name(g) : g == GEN_SYSCALL_BIT(scmax) ? "syscall" : NULL;
				int r = name ? check_name(f, k, name) : 0;
				if (r < 0)
					return r;
				may_true[g / 64] |= (uint64_t)(r != 0) << (g % 64);
				may_false[g / 64] |= (uint64_t)(r == 0) << (g % 64);
			}
			return 0;
		}
		for (uint32_t t = 0; t < FTYPESET_BITS; t++) {
			int r = 0;
			if (t == 0 || t == 1) {
				/* generic syscall events: evt.type may be any syscall name */
				if ((r = generic_outcomes(f, k)) < 0)
					return r;
				if (r & 1)
					may_true[0] |= 1ull << t;
				if (r & 2)
					may_false[0] |= 1ull << t;
				continue;
			}
			if (t == ASYNCEVENT_E) { /* named by its payload: anything */
				may_true[t / 64] |= 1ull << (t % 64);
				may_false[t / 64] |= 1ull << (t % 64);
				continue;
			}
			const char *name = t < SCAP_EVENT_MAX_KNOWN ? scap_event_name((uint16_t)t) : NULL;
			if (name && (r = check_name(f, k, name)) < 0)
				return r;
			if (r)
				may_true[t / 64] |= 1ull << (t % 64);
			else
				may_false[t / 64] |= 1ull << (t % 64);
		}
		return 0;
	}
	}
}

/* ---- public ---- */
SCAP_EXPORT filter_t *filter_compile(filter_registry_t *reg, const char *condition, int *err)
{
	struct cctx c = {0};
	struct fsource src = {condition, NULL};
	int rc;

	if (err)
		*err = FILTER_OK;
	if (!reg || !condition) {
		if (reg)
			freg_seterr(reg, FILTER_ERR_INVAL, "no condition given");
		if (err)
			*err = FILTER_ERR_INVAL;
		return NULL;
	}
	c.reg = reg;
	c.f = calloc(1, sizeof(*c.f));
	if (!c.f) {
		freg_seterr(reg, FILTER_ERR_NOMEM, "out of memory");
		if (err)
			*err = FILTER_ERR_NOMEM;
		return NULL;
	}
	c.f->reg = reg;
	reg->err[0] = 0;
	reg->errcol = 0;
	struct ast *a = fparse(reg, &c.tmp, &src);
	if (!a) {
		rc = FILTER_ERR_SYNTAX;
		if (strstr(reg->err, "out of memory") == reg->err)
			rc = FILTER_ERR_NOMEM;
		goto fail;
	}
	rc = compile_node(&c, &src, a, &c.f->root);
	if (rc)
		goto fail;
	uint64_t mf[FTYPESET_WORDS];
	rc = evttypes(c.f, c.f->root, false, c.f->types, mf);
	if (!rc)
		rc = evttypes(c.f, c.f->root, true, c.f->gtypes, mf);
	if (rc)
		goto fail;
	c.f->all_types = true;
	for (uint32_t t = 0; t < FTYPESET_BITS; t++)
		if (!(c.f->types[t / 64] & (1ull << (t % 64))))
			c.f->all_types = false;
	arena_free(&c.tmp);
	return c.f;
fail:
	arena_free(&c.tmp);
	filter_free(c.f);
	if (err)
		*err = rc < 0 ? rc : FILTER_ERR_COMPILE;
	return NULL;
}

SCAP_EXPORT void filter_free(filter_t *f)
{
	if (!f)
		return;
	for (uint32_t i = 0; i < f->nchecks; i++) {
		struct ccheck *k = f->checks[i];
		if (k->re) {
			regfree(k->re);
			free(k->re);
		}
		free(k->buf);
		free(k->savedbuf);
		free(k->zbuf);
		free(k->saved);
	}
	free(f->checks);
	free(f->out_l.v);
	free(f->out_r.v);
	arena_free(&f->arena);
	free(f);
}

SCAP_EXPORT int filter_may_match_type(const filter_t *f, uint16_t type)
{
	uint32_t t = type < SCAP_EVENT_MAX_KNOWN ? type : SCAP_EVENT_MAX_KNOWN;
	return f && (f->types[t / 64] >> (t % 64)) & 1;
}

/* Generic events: may the name this event carries match? */
int fgeneric_may_match(const struct filter *f, const scap_evt_t *evt)
{
	uint32_t scmax = scap_ppm_sc_max(), bit;
	uint16_t sc;

	if (scap_evt_type(evt) == 0)
		bit = GEN_SYSCALL_BIT(scmax); /* the enter event is named "syscall" */
	else if (scap_evt_param_u16(evt, 0, &sc) != SCAP_OK)
		bit = GEN_NA_BIT(scmax);
	else if (sc == 0 || sc >= scmax)
		return 1; /* unknown code: the evt.* provider may map it otherwise */
	else
		bit = sc;
	return (f->gtypes[bit / 64] >> (bit % 64)) & 1;
}

int fgeneric_exit_bit(const scap_evt_t *evt)
{
	uint32_t scmax = scap_ppm_sc_max();
	uint16_t sc;

	if (scap_evt_param_u16(evt, 0, &sc) != SCAP_OK)
		return (int)GEN_NA_BIT(scmax);
	if (sc == 0 || sc >= scmax)
		return -1;
	return sc;
}

uint32_t fgeneric_bit_count(void)
{
	return GEN_NA_BIT(scap_ppm_sc_max()) + 1;
}

int fgeneric_has_bit(const struct filter *f, uint32_t bit)
{
	return (f->gtypes[bit / 64] >> (bit % 64)) & 1;
}

SCAP_EXPORT int filter_matches_all_types(const filter_t *f)
{
	return f && f->all_types;
}

/* ---- canonical dump ---- */
struct dbuf {
	char *b;
	size_t cap, n;
};

static void dput(struct dbuf *d, const char *s, size_t len)
{
	if (d->n < d->cap) {
		size_t room = d->cap - d->n;
		memcpy(d->b + d->n, s, len < room ? len : room);
	}
	d->n += len;
}

__attribute__((format(printf, 2, 3))) static void dfmt(struct dbuf *d, const char *fmt, ...)
{
	char tmp[160];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		dput(d, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void dquote(struct dbuf *d, const uint8_t *p, uint32_t len)
{
	dput(d, "\"", 1);
	for (uint32_t i = 0; i < len; i++) {
		uint8_t ch = p[i];
		if (ch == '"' || ch == '\\') {
			char e[2] = {'\\', (char)ch};
			dput(d, e, 2);
		} else if (ch >= 0x20 && ch < 0x7f) {
			dput(d, (const char *)&ch, 1);
		} else {
			dfmt(d, "\\x%02x", ch);
		}
	}
	dput(d, "\"", 1);
}

static void dfield(struct dbuf *d, const struct cfield *cf)
{
	for (uint32_t i = cf->ntrans; i-- > 0;)
		dfmt(d, "%s(", ftrans_names[cf->trans[i]]);
	dput(d, cf->f->name, strlen(cf->f->name));
	if (cf->ref.arg) {
		dput(d, "[", 1);
		dput(d, cf->ref.arg, cf->ref.arglen);
		dput(d, "]", 1);
	}
	for (uint32_t i = 0; i < cf->ntrans; i++)
		dput(d, ")", 1);
}

static void dconst(struct dbuf *d, const struct ccheck *k, const struct cconst *c)
{
	char ip[INET6_ADDRSTRLEN];

	if (k->op == OP_BCONTAINS || k->op == OP_BSTARTSWITH) {
		dput(d, "0x", 2);
		for (uint32_t i = 0; i < c->len; i++)
			dfmt(d, "%02x", c->ptr[i]);
		return;
	}
	switch (k->lhs.type) {
	case FILTER_T_INT64: dfmt(d, "%" PRId64, c->num.i); break;
	case FILTER_T_UINT64: case FILTER_T_RELTIME: case FILTER_T_ABSTIME: dfmt(d, "%" PRIu64, c->num.u); break;
	case FILTER_T_DOUBLE: dfmt(d, "%.17g", c->num.d); break;
	case FILTER_T_BOOL: dfmt(d, "%s", c->num.u ? "true" : "false"); break;
	case FILTER_T_IPADDR:
		inet_ntop(c->len == 4 ? AF_INET : AF_INET6, c->ptr, ip, sizeof(ip));
		dput(d, ip, strlen(ip));
		break;
	case FILTER_T_IPNET:
		inet_ntop(c->len == 4 ? AF_INET : AF_INET6, c->ptr, ip, sizeof(ip));
		dfmt(d, "%s/%u", ip, c->prefix);
		break;
	default: dquote(d, c->ptr, c->len); break;
	}
}

static void dnode(struct dbuf *d, const struct cnode *n)
{
	if (n->kind != AST_CHECK) {
		static const char *const kw[] = {"and", "or", "not"};
		dfmt(d, "(%s", kw[n->kind]);
		for (uint32_t i = 0; i < n->nkids; i++) {
			dput(d, " ", 1);
			dnode(d, n->kids[i]);
		}
		dput(d, ")", 1);
		return;
	}
	const struct ccheck *k = n->chk;
	dfmt(d, "(%s ", fop_names[k->op]);
	dfield(d, &k->lhs);
	if (k->rhs) {
		dput(d, " val(", 5);
		dfield(d, k->rhs);
		dput(d, ")", 1);
	} else if (k->op == OP_IN || k->op == OP_INTERSECTS || k->op == OP_PMATCH) {
		dput(d, " (", 2);
		for (uint32_t i = 0; i < k->nc; i++) {
			if (i)
				dput(d, " ", 1);
			dconst(d, k, &k->c[i]);
		}
		dput(d, ")", 1);
	} else if (k->op != OP_EXISTS) {
		dput(d, " ", 1);
		dconst(d, k, &k->c[0]);
	}
	dput(d, ")", 1);
}

SCAP_EXPORT int filter_dump(const filter_t *f, char *buf, size_t buflen)
{
	struct dbuf d = {buf, buflen ? buflen - 1 : 0, 0};

	if (!f) {
		if (buflen)
			buf[0] = 0;
		return FILTER_ERR_INVAL;
	}
	dnode(&d, f->root);
	if (buflen)
		buf[d.n < d.cap ? d.n : d.cap] = 0;
	return d.n > INT32_MAX ? INT32_MAX : (int)d.n;
}

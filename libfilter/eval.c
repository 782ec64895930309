/* SPDX-License-Identifier: Apache-2.0 */
/* Evaluation of compiled filters: extraction through the providers,
 * transformers, comparisons. No allocation per event: scratch buffers grow
 * only when a value is larger than any before. */
#define _GNU_SOURCE
#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "filter_int.h"

int fgrow(uint8_t **buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap : 256;
	while (ncap < need)
		ncap *= 2;
	uint8_t *nb = realloc(*buf, ncap);
	if (!nb)
		return -1;
	*buf = nb;
	*cap = ncap;
	return 0;
}

/* ---- transformers ---- */
static int b64val(uint8_t ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+' || ch == '-')
		return 62;
	if (ch == '/' || ch == '_')
		return 63;
	return -1;
}

/* Decode base64 in place; returns the decoded length, or -1 if invalid. */
static int64_t b64_decode(uint8_t *p, uint32_t len)
{
	uint32_t out = 0, acc = 0, bits = 0;

	while (len && p[len - 1] == '=')
		len--;
	for (uint32_t i = 0; i < len; i++) {
		int v = b64val(p[i]);
		if (v < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			p[out++] = (uint8_t)(acc >> bits);
		}
	}
	return out;
}

int ftransform(struct ccheck *c, const struct cfield *cf, struct fval *vals, uint32_t *n, struct filter_out *out)
{
	bool writes = false;
	(void)out;

	if (!cf->ntrans)
		return 0;
	for (uint32_t t = 0; t < cf->ntrans; t++)
		if (cf->trans[t] == TR_TOLOWER || cf->trans[t] == TR_TOUPPER || cf->trans[t] == TR_B64)
			writes = true;
	if (writes) {
		/* copy every value into the check's buffer, then work in place */
		size_t total = 0;
		for (uint32_t i = 0; i < *n; i++)
			total += vals[i].len;
		if (fgrow(&c->buf, &c->bufcap, total + 1) < 0)
			return -1;
		size_t off = 0;
		for (uint32_t i = 0; i < *n; i++) {
			if (vals[i].len)
				memcpy(c->buf + off, vals[i].ptr, vals[i].len);
			vals[i].ptr = c->buf + off;
			off += vals[i].len;
		}
	}
	for (uint32_t t = 0; t < cf->ntrans; t++) {
		uint8_t tr = cf->trans[t];
		if (tr == TR_LEN) {
			/* a list becomes its count; a string its length */
			if ((cf->f->flags & FILTER_FIELD_LIST) && t == 0) {
				vals[0].num.u = *n;
				*n = 1;
			} else {
				for (uint32_t i = 0; i < *n; i++)
					vals[i].num.u = vals[i].len;
			}
			continue;
		}
		for (uint32_t i = 0; i < *n; i++) {
			struct fval *v = &vals[i];
			uint8_t *w = (uint8_t *)v->ptr; /* in c->buf when writing */
			switch (tr) {
			case TR_TOLOWER:
				for (uint32_t j = 0; j < v->len; j++)
					w[j] = (uint8_t)tolower(w[j]);
				break;
			case TR_TOUPPER:
				for (uint32_t j = 0; j < v->len; j++)
					w[j] = (uint8_t)toupper(w[j]);
				break;
			case TR_B64: {
				int64_t r = b64_decode(w, v->len);
				if (r < 0) {
					*n = 0; /* not base64: no value */
					return 0;
				}
				v->len = (uint32_t)r;
				break;
			}
			case TR_BASENAME: {
				uint32_t e = v->len;
				while (e > 1 && v->ptr[e - 1] == '/')
					e--;
				uint32_t s = e;
				while (s > 0 && v->ptr[s - 1] != '/')
					s--;
				if (s == e && e == 1 && v->ptr[0] == '/')
					s = 0; /* "/" stays "/" */
				v->ptr += s;
				v->len = e - s;
				break;
			}
			default:
				break;
			}
		}
	}
	return 0;
}

/* ---- comparisons ---- */
static bool icontains(const uint8_t *h, uint32_t hl, const uint8_t *n, uint32_t nl)
{
	if (nl == 0)
		return true;
	if (nl > hl)
		return false;
	uint8_t first = (uint8_t)tolower(n[0]);
	for (uint32_t i = 0; i + nl <= hl; i++) {
		if ((uint8_t)tolower(h[i]) != first)
			continue;
		uint32_t j = 1;
		while (j < nl && tolower(h[i + j]) == tolower(n[j]))
			j++;
		if (j == nl)
			return true;
	}
	return false;
}

static bool in_net(const uint8_t *ip, uint32_t len, const struct cconst *c)
{
	if (len != c->len)
		return false;
	for (uint32_t i = 0; i < len; i++)
		if ((ip[i] & c->mask[i]) != c->ptr[i])
			return false;
	return true;
}

static const char *zstr(struct ccheck *k, const struct fval *v)
{
	if (fgrow(&k->zbuf, &k->zbufcap, (size_t)v->len + 1) < 0)
		return NULL;
	if (v->len)
		memcpy(k->zbuf, v->ptr, v->len);
	k->zbuf[v->len] = 0;
	return (const char *)k->zbuf;
}

int fpmatch(const struct pmatch_set *pm, const uint8_t *p, uint32_t len)
{
	if (pm->any_root && len && p[0] == '/')
		return 1;
	for (uint32_t i = 1; i <= len; i++) {
		if (i < len && p[i] != '/')
			continue;
		if (fset_contains(pm->exact, p, i))
			return 1;
	}
	return 0;
}

static int pmatch_globs(struct ccheck *k, const struct fval *v)
{
	const struct pmatch_set *pm = k->pm;
	if (!pm->nglobs)
		return 0;
	char *z = (char *)zstr(k, v);
	if (!z)
		return 0;
	for (uint32_t i = 1; i <= v->len; i++) {
		if (i < v->len && z[i] != '/')
			continue;
		char save = z[i];
		z[i] = 0;
		for (uint32_t g = 0; g < pm->nglobs; g++)
			if (fnmatch(pm->globs[g], z, FNM_PATHNAME) == 0) {
				z[i] = save;
				return 1;
			}
		z[i] = save;
	}
	return 0;
}

static int num_cmp(uint8_t type, const struct fval *v, const struct cconst *c)
{
	switch (type) {
	case FILTER_T_INT64:
		return v->num.i < c->num.i ? -1 : v->num.i > c->num.i;
	case FILTER_T_DOUBLE:
		return v->num.d < c->num.d ? -1 : v->num.d > c->num.d;
	default:
		return v->num.u < c->num.u ? -1 : v->num.u > c->num.u;
	}
}

/* The value equals one of the constants (the `in` test). */
static bool in_consts(const struct ccheck *k, uint8_t type, const struct fval *v)
{
	switch (type) {
	case FILTER_T_STRING:
	case FILTER_T_BYTES:
		if (k->set)
			return fset_contains(k->set, v->ptr, v->len);
		break;
	case FILTER_T_IPADDR:
		if (k->set)
			return fset_contains(k->set, v->ip, v->len);
		break;
	case FILTER_T_IPNET:
		for (uint32_t i = 0; i < k->nc; i++)
			if (in_net(v->ip, v->len, &k->c[i]))
				return true;
		return false;
	case FILTER_T_UINT64:
	case FILTER_T_RELTIME:
	case FILTER_T_ABSTIME:
	case FILTER_T_BOOL: { /* sorted at compile time */
		uint32_t lo = 0, hi = k->nc;
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (k->c[mid].num.u < v->num.u)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo < k->nc && k->c[lo].num.u == v->num.u;
	}
	default:
		break;
	}
	for (uint32_t i = 0; i < k->nc; i++)
		if (num_cmp(type, v, &k->c[i]) == 0)
			return true;
	return false;
}

/* One value against one constant with the check's operator. */
static bool cmp_one(struct ccheck *k, uint8_t type, const struct fval *v, const struct cconst *c)
{
	uint8_t op = k->op;

	if (op == OP_IN || op == OP_INTERSECTS)
		return in_consts(k, type, v);
	switch (type) {
	case FILTER_T_STRING:
	case FILTER_T_BYTES:
		switch (op) {
		case OP_EQ: return v->len == c->len && (!c->len || memcmp(v->ptr, c->ptr, c->len) == 0);
		case OP_NE: return !(v->len == c->len && (!c->len || memcmp(v->ptr, c->ptr, c->len) == 0));
		case OP_CONTAINS:
		case OP_BCONTAINS: return !c->len || (v->len && memmem(v->ptr, v->len, c->ptr, c->len) != NULL);
		case OP_ICONTAINS: return icontains(v->ptr, v->len, c->ptr, c->len);
		case OP_STARTSWITH:
		case OP_BSTARTSWITH: return v->len >= c->len && (!c->len || memcmp(v->ptr, c->ptr, c->len) == 0);
		case OP_ENDSWITH:
			return v->len >= c->len && (!c->len || memcmp(v->ptr + v->len - c->len, c->ptr, c->len) == 0);
		case OP_GLOB:
		case OP_IGLOB: {
			const char *z = zstr(k, v);
			return z && fnmatch((const char *)c->ptr, z, op == OP_IGLOB ? FNM_CASEFOLD : 0) == 0;
		}
		case OP_REGEX: {
			/* POSIX picks the leftmost-longest match: a full match exists
			 * exactly when that match spans the whole value */
			regmatch_t m = {.rm_so = 0, .rm_eo = (regoff_t)v->len};
			return regexec(k->re, v->len ? (const char *)v->ptr : "", 1, &m, REG_STARTEND) == 0 &&
			       m.rm_so == 0 && m.rm_eo == (regoff_t)v->len;
		}
		case OP_PMATCH: return fpmatch(k->pm, v->ptr, v->len) || pmatch_globs(k, v);
		default: return false;
		}
	case FILTER_T_IPADDR:
		if (op == OP_EQ || op == OP_NE) {
			bool eq = v->len == c->len && memcmp(v->ip, c->ptr, c->len) == 0;
			return op == OP_EQ ? eq : !eq;
		}
		return false;
	case FILTER_T_IPNET:
		if (op == OP_EQ)
			return in_net(v->ip, v->len, c);
		if (op == OP_NE)
			return !in_net(v->ip, v->len, c);
		return false;
	default: {
		int r = num_cmp(type, v, c);
		switch (op) {
		case OP_EQ: return r == 0;
		case OP_NE: return r != 0;
		case OP_LT: return r < 0;
		case OP_LE: return r <= 0;
		case OP_GT: return r > 0;
		case OP_GE: return r >= 0;
		default: return false;
		}
	}
	}
}

int feval_check_values(struct filter *f, struct ccheck *k, struct fval *vals, uint32_t n)
{
	uint8_t type = k->lhs.type;
	(void)f;

	if (n == 0)
		return 0; /* not available: every comparison is false */
	if (k->op == OP_EXISTS)
		return 1;
	if (k->lhs.list) {
		for (uint32_t i = 0; i < n; i++) {
			bool m = in_consts(k, type, &vals[i]);
			if (k->op == OP_IN && !m)
				return 0;
			if (k->op == OP_INTERSECTS && m)
				return 1;
		}
		return k->op == OP_IN;
	}
	for (uint32_t i = 0; i < n; i++)
		if (cmp_one(k, type, &vals[i], k->nc ? &k->c[0] : NULL))
			return 1;
	return 0;
}

static int extract(const struct cfield *cf, const struct filter_evtctx *ev, struct filter_out *out)
{
	out->n = 0;
	out->overflow = false;
	int rc = cf->prov->extract(cf->prov->ctx, cf->f->id, &cf->ref, ev, out);
	if (rc < 0 || out->overflow)
		return -1;
	if (rc == FILTER_EXTRACT_NO_VALUE)
		return 0; /* decided: no value, the replaced field is not asked */
	/* an overriding field without a value: ask the field(s) it replaced */
	for (const struct ffield *sh = cf->f->shadowed; sh && out->n == 0; sh = sh->shadowed) {
		const struct fprovider *p = &cf->provs[sh->provider];
		if (p->extract(p->ctx, sh->id, &cf->ref, ev, out) < 0 || out->overflow)
			return -1;
	}
	return 0;
}

int fextract(const struct cfield *cf, const struct filter_evtctx *ev, struct filter_out *out)
{
	return extract(cf, ev, out);
}

/* RHS value turned into a constant of the LHS type. */
static void as_const(uint8_t ltype, uint8_t rtype, const struct fval *r, struct cconst *c)
{
	memset(c, 0, sizeof(*c));
	c->ptr = (rtype == FILTER_T_IPADDR || rtype == FILTER_T_IPNET) ? r->ip : r->ptr;
	c->len = r->len;
	if (ltype == FILTER_T_IPNET) { /* an address on the right: a host network */
		memset(c->mask, 0xff, sizeof(c->mask));
		c->prefix = (uint8_t)(r->len * 8);
	}
	if (ltype == FILTER_T_DOUBLE)
		c->num.d = rtype == FILTER_T_DOUBLE ? r->num.d : rtype == FILTER_T_INT64 ? (double)r->num.i : (double)r->num.u;
	else if (rtype == FILTER_T_DOUBLE)
		c->num.i = (int64_t)r->num.d;
	else
		c->num.u = r->num.u; /* int64/uint64 share the bits */
}

static int eval_with_rhs(struct filter *f, struct ccheck *k, struct fval *l, uint32_t nl,
			 const struct filter_evtctx *ev)
{
	/* keep the LHS values: the RHS extraction may reuse the provider's storage */
	if (nl > k->savedcap) {
		struct fval *ns = realloc(k->saved, nl * sizeof(*ns));
		if (!ns)
			return 0;
		k->saved = ns;
		k->savedcap = nl;
	}
	size_t total = 0;
	for (uint32_t i = 0; i < nl; i++)
		total += l[i].ptr ? l[i].len : 0;
	if (fgrow(&k->savedbuf, &k->savedbufcap, total + 1) < 0)
		return 0;
	size_t off = 0;
	for (uint32_t i = 0; i < nl; i++) {
		k->saved[i] = l[i];
		if (l[i].ptr) {
			if (l[i].len)
				memcpy(k->savedbuf + off, l[i].ptr, l[i].len);
			k->saved[i].ptr = k->savedbuf + off;
			off += l[i].len;
		}
	}
	l = k->saved;

	struct filter_out *ro = &f->out_r;
	if (extract(k->rhs, ev, ro) < 0 || ro->n == 0)
		return 0;
	uint32_t nr = ro->n;
	if (ftransform(k, k->rhs, ro->v, &nr, ro) < 0 || nr == 0)
		return 0;
	uint8_t lt = k->lhs.type, rt = k->rhs->type;
	bool set_op = k->op == OP_IN || k->op == OP_INTERSECTS;
	uint8_t saved_op = k->op;
	for (uint32_t i = 0; i < nl; i++) {
		bool any = false;
		for (uint32_t j = 0; j < nr && !any; j++) {
			struct cconst c;
			as_const(lt, rt, &ro->v[j], &c);
			k->op = set_op ? OP_EQ : saved_op;
			any = cmp_one(k, lt, &l[i], &c);
			k->op = saved_op;
		}
		if (k->lhs.list && k->op == OP_IN && !any)
			return 0;
		if (any && !(k->lhs.list && k->op == OP_IN))
			return 1;
	}
	return k->lhs.list && k->op == OP_IN;
}

static int eval_check(struct filter *f, struct ccheck *k, const struct filter_evtctx *ev)
{
	struct filter_out *out = &f->out_l;

	if (extract(&k->lhs, ev, out) < 0)
		return 0;
	uint32_t n = out->n;
	if (n == 0)
		return 0;
	if (ftransform(k, &k->lhs, out->v, &n, out) < 0 || n == 0)
		return 0;
	if (k->rhs)
		return k->op == OP_EXISTS ? 1 : eval_with_rhs(f, k, out->v, n, ev);
	return feval_check_values(f, k, out->v, n);
}

int feval_node(struct filter *f, const struct cnode *n, const struct filter_evtctx *ev)
{
	switch (n->kind) {
	case AST_AND:
		for (uint32_t i = 0; i < n->nkids; i++)
			if (!feval_node(f, n->kids[i], ev))
				return 0;
		return 1;
	case AST_OR:
		for (uint32_t i = 0; i < n->nkids; i++)
			if (feval_node(f, n->kids[i], ev))
				return 1;
		return 0;
	case AST_NOT:
		return !feval_node(f, n->kids[0], ev);
	default:
		return eval_check(f, n->chk, ev);
	}
}

SCAP_EXPORT int filter_eval(filter_t *f, const scap_evt_t *evt, uint64_t num, void *user)
{
	struct filter_evtctx ev = {evt, num, user};

	if (!f)
		return FILTER_ERR_INVAL;
	if (evt) {
		uint16_t type = scap_evt_type(evt);
		if (!filter_may_match_type(f, type) || (type <= 1 && !fgeneric_may_match(f, evt)))
			return 0;
	}
	return feval_node(f, f->root, &ev);
}

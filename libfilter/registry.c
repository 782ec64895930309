/* SPDX-License-Identifier: Apache-2.0 */
/* The registry: providers, fields, lists, macros; the extraction plumbing
 * that providers call; a small arena. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter_int.h"

SCAP_EXPORT const char *filter_version(void)
{
	return FILTER_VERSION;
}

/* ---- errors ---- */
int freg_seterr(filter_registry_t *reg, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reg->err, sizeof(reg->err), fmt, ap);
	va_end(ap);
	reg->errcol = 0;
	return code;
}

SCAP_EXPORT const char *filter_registry_geterr(const filter_registry_t *reg)
{
	return reg ? reg->err : "no registry";
}

SCAP_EXPORT uint32_t filter_registry_errcol(const filter_registry_t *reg)
{
	return reg ? reg->errcol : 0;
}

SCAP_EXPORT const char *filter_ftype_name(enum filter_ftype t)
{
	static const char *const names[FILTER_T_MAX] = {
		"string", "bytes", "int64", "uint64", "bool", "ipaddr", "ipnet", "reltime", "abstime", "double",
	};
	return (unsigned)t < FILTER_T_MAX ? names[t] : NULL;
}

/* ---- registry lifecycle ---- */
SCAP_EXPORT filter_registry_t *filter_registry_new(void)
{
	return calloc(1, sizeof(filter_registry_t));
}

static void free_list(struct flist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	free(l->name);
	free(l);
}

SCAP_EXPORT void filter_registry_free(filter_registry_t *reg)
{
	struct flist *l, *ltmp;
	struct fmacro *m, *mtmp;

	if (!reg)
		return;
	for (size_t i = 0; i < reg->nproviders; i++) {
		if (reg->providers[i].destroy)
			reg->providers[i].destroy(reg->providers[i].ctx);
		free(reg->providers[i].name);
	}
	free(reg->providers);
	HASH_CLEAR(hh, reg->by_name);
	for (size_t i = 0; i < reg->nfields; i++) {
		for (struct ffield *f = reg->fields[i], *next; f; f = next) {
			next = f->shadowed;
			free(f->name);
			free(f->desc);
			free(f);
		}
	}
	free(reg->fields);
	HASH_ITER(hh, reg->lists, l, ltmp) {
		HASH_DEL(reg->lists, l);
		free_list(l);
	}
	HASH_ITER(hh, reg->macros, m, mtmp) {
		HASH_DEL(reg->macros, m);
		free(m->name);
		free(m->cond);
		free(m);
	}
	free(reg);
}

/* ---- providers and fields ---- */
SCAP_EXPORT int filter_registry_add_provider(filter_registry_t *reg, const struct filter_provider_opts *opts)
{
	struct filter_provider_opts o = {0};
	struct fprovider *np;

	if (!reg || !opts || opts->sz < offsetof(struct filter_provider_opts, validate))
		return reg ? freg_seterr(reg, FILTER_ERR_INVAL, "provider options missing or too small")
			   : FILTER_ERR_INVAL;
	memcpy(&o, opts, opts->sz < sizeof(o) ? opts->sz : sizeof(o));
	if (!o.name || !o.extract)
		return freg_seterr(reg, FILTER_ERR_INVAL, "a provider needs a name and an extract callback");
	np = realloc(reg->providers, (reg->nproviders + 1) * sizeof(*np));
	if (!np)
		return freg_seterr(reg, FILTER_ERR_NOMEM, "out of memory");
	reg->providers = np;
	np = &reg->providers[reg->nproviders];
	np->name = strdup(o.name);
	if (!np->name)
		return freg_seterr(reg, FILTER_ERR_NOMEM, "out of memory");
	np->extract = o.extract;
	np->validate = o.validate;
	np->destroy = o.destroy;
	np->ctx = o.ctx;
	return (int)reg->nproviders++;
}

static bool valid_field_name(const char *name)
{
	/* [a-zA-Z][a-zA-Z0-9_]* ('.' [a-zA-Z][a-zA-Z0-9_]*)+ */
	int segs = 0;
	const char *p = name;

	for (;;) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			return false;
		while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_')
			p++;
		segs++;
		if (!*p)
			return segs >= 2;
		if (*p++ != '.')
			return false;
	}
}

SCAP_EXPORT int filter_registry_add_field(filter_registry_t *reg, int provider, const char *name,
					  enum filter_ftype type, uint32_t flags, uint32_t field_id, const char *desc)
{
	struct ffield *f;

	if (!reg)
		return FILTER_ERR_INVAL;
	if (provider < 0 || (size_t)provider >= reg->nproviders)
		return freg_seterr(reg, FILTER_ERR_INVAL, "unknown provider %d", provider);
	if (!name || !valid_field_name(name))
		return freg_seterr(reg, FILTER_ERR_INVAL, "invalid field name '%s'", name ? name : "(null)");
	if ((unsigned)type >= FILTER_T_MAX)
		return freg_seterr(reg, FILTER_ERR_INVAL, "field '%s': invalid type %d", name, (int)type);
	struct ffield *old;
	HASH_FIND_STR(reg->by_name, name, old);
	if (old && !(flags & FILTER_FIELD_OVERRIDE))
		return freg_seterr(reg, FILTER_ERR_EXISTS, "field '%s' is already registered", name);
	if (old && old->provider == provider)
		return freg_seterr(reg, FILTER_ERR_EXISTS, "field '%s': a provider cannot override its own field", name);
	if (!old && reg->nfields == reg->capfields) {
		size_t cap = reg->capfields ? reg->capfields * 2 : 64;
		struct ffield **nf = realloc(reg->fields, cap * sizeof(*nf));
		if (!nf)
			return freg_seterr(reg, FILTER_ERR_NOMEM, "out of memory");
		reg->fields = nf;
		reg->capfields = cap;
	}
	f = calloc(1, sizeof(*f));
	if (!f || !(f->name = strdup(name)) || !(f->desc = strdup(desc ? desc : ""))) {
		if (f)
			free(f->name);
		free(f);
		return freg_seterr(reg, FILTER_ERR_NOMEM, "out of memory");
	}
	f->type = (uint8_t)type;
	f->flags = flags & ~FILTER_FIELD_OVERRIDE;
	f->id = field_id;
	f->provider = provider;
	if (old) {
		/* take its place in the list and in the name table; keep it to fall back on */
		for (size_t i = 0; i < reg->nfields; i++)
			if (reg->fields[i] == old)
				reg->fields[i] = f;
		HASH_DEL(reg->by_name, old);
		f->shadowed = old;
	} else {
		reg->fields[reg->nfields++] = f;
	}
	HASH_ADD_KEYPTR(hh, reg->by_name, f->name, strlen(f->name), f);
	return FILTER_OK;
}

const struct ffield *freg_find_field(const filter_registry_t *reg, const char *name, size_t len)
{
	struct ffield *f;

	HASH_FIND(hh, reg->by_name, name, len, f);
	return f;
}

SCAP_EXPORT size_t filter_registry_field_count(const filter_registry_t *reg)
{
	return reg ? reg->nfields : 0;
}

SCAP_EXPORT int filter_registry_field_info(const filter_registry_t *reg, size_t idx, const char **name,
					   enum filter_ftype *type, uint32_t *flags, const char **desc,
					   const char **provider)
{
	if (!reg || idx >= reg->nfields)
		return FILTER_ERR_INVAL;
	const struct ffield *f = reg->fields[idx];
	if (name)
		*name = f->name;
	if (type)
		*type = (enum filter_ftype)f->type;
	if (flags)
		*flags = f->flags;
	if (desc)
		*desc = f->desc;
	if (provider)
		*provider = reg->providers[f->provider].name;
	return FILTER_OK;
}

/* ---- lists and macros ---- */
static bool valid_ident(const char *s)
{
	if (!s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

SCAP_EXPORT int filter_registry_define_list(filter_registry_t *reg, const char *name, const char *const *items,
					    size_t nitems)
{
	struct flist *l, *old;

	if (!reg)
		return FILTER_ERR_INVAL;
	if (!valid_ident(name))
		return freg_seterr(reg, FILTER_ERR_INVAL, "invalid list name '%s'", name ? name : "(null)");
	if (nitems && !items)
		return freg_seterr(reg, FILTER_ERR_INVAL, "list '%s': no items given", name);
	l = calloc(1, sizeof(*l));
	if (!l)
		return freg_seterr(reg, FILTER_ERR_NOMEM, "out of memory");
	l->name = strdup(name);
	l->items = calloc(nitems ? nitems : 1, sizeof(char *));
	if (!l->name || !l->items) {
		free_list(l);
		return freg_seterr(reg, FILTER_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < nitems; i++) {
		if (!items[i] || !(l->items[i] = strdup(items[i]))) {
			l->n = i;
			free_list(l);
			return freg_seterr(reg, items[i] ? FILTER_ERR_NOMEM : FILTER_ERR_INVAL,
					   "list '%s': item %zu is NULL or out of memory", name, i);
		}
	}
	l->n = nitems;
	HASH_FIND_STR(reg->lists, name, old);
	if (old) {
		HASH_DEL(reg->lists, old);
		free_list(old);
	}
	HASH_ADD_KEYPTR(hh, reg->lists, l->name, strlen(l->name), l);
	return FILTER_OK;
}

SCAP_EXPORT int filter_registry_define_macro(filter_registry_t *reg, const char *name, const char *condition)
{
	struct fmacro *m, *old;

	if (!reg)
		return FILTER_ERR_INVAL;
	if (!valid_ident(name))
		return freg_seterr(reg, FILTER_ERR_INVAL, "invalid macro name '%s'", name ? name : "(null)");
	if (!condition)
		return freg_seterr(reg, FILTER_ERR_INVAL, "macro '%s': no condition", name);
	m = calloc(1, sizeof(*m));
	if (!m || !(m->name = strdup(name)) || !(m->cond = strdup(condition))) {
		if (m)
			free(m->name);
		free(m);
		return freg_seterr(reg, FILTER_ERR_NOMEM, "out of memory");
	}
	HASH_FIND_STR(reg->macros, name, old);
	if (old) {
		HASH_DEL(reg->macros, old);
		free(old->name);
		free(old->cond);
		free(old);
	}
	HASH_ADD_KEYPTR(hh, reg->macros, m->name, strlen(m->name), m);
	return FILTER_OK;
}

/* ---- what providers see ---- */
SCAP_EXPORT const scap_evt_t *filter_evtctx_evt(const filter_evtctx_t *ev)
{
	return ev->evt;
}

SCAP_EXPORT uint64_t filter_evtctx_num(const filter_evtctx_t *ev)
{
	return ev->num;
}

SCAP_EXPORT void *filter_evtctx_user(const filter_evtctx_t *ev)
{
	return ev->user;
}

SCAP_EXPORT const char *filter_fieldref_arg(const filter_fieldref_t *ref, size_t *len)
{
	if (len)
		*len = ref->arglen;
	return ref->arg;
}

SCAP_EXPORT int64_t filter_fieldref_argnum(const filter_fieldref_t *ref)
{
	return ref->argnum;
}

SCAP_EXPORT int filter_fieldref_for_output(const filter_fieldref_t *ref)
{
	return ref->output;
}

SCAP_EXPORT uint64_t *filter_fieldref_cache(const filter_fieldref_t *ref)
{
	return (uint64_t *)ref->cache; /* provider scratch, mutable by design */
}

static struct fval *out_next(filter_out_t *out)
{
	if (out->n == out->cap) {
		uint32_t cap = out->cap ? out->cap * 2 : 16;
		struct fval *nv = cap <= 65536 ? realloc(out->v, cap * sizeof(*nv)) : NULL;
		if (!nv) {
			out->overflow = true;
			return NULL;
		}
		out->v = nv;
		out->cap = cap;
	}
	struct fval *v = &out->v[out->n++];
	v->ptr = NULL;
	v->len = 0;
	v->num.u = 0;
	return v;
}

SCAP_EXPORT void filter_out_str(filter_out_t *out, const char *s, size_t len)
{
	struct fval *v = out_next(out);
	if (v) {
		v->ptr = (const uint8_t *)s;
		v->len = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	}
}

SCAP_EXPORT void filter_out_bytes(filter_out_t *out, const void *p, size_t len)
{
	filter_out_str(out, p, len);
}

SCAP_EXPORT void filter_out_u64(filter_out_t *out, uint64_t u)
{
	struct fval *v = out_next(out);
	if (v)
		v->num.u = u;
}

SCAP_EXPORT void filter_out_i64(filter_out_t *out, int64_t i)
{
	struct fval *v = out_next(out);
	if (v)
		v->num.i = i;
}

SCAP_EXPORT void filter_out_bool(filter_out_t *out, int b)
{
	filter_out_u64(out, b ? 1 : 0);
}

SCAP_EXPORT void filter_out_double(filter_out_t *out, double d)
{
	struct fval *v = out_next(out);
	if (v)
		v->num.d = d;
}

SCAP_EXPORT void filter_out_ip(filter_out_t *out, const void *addr, size_t len)
{
	struct fval *v = out_next(out);
	if (v) {
		if (len != 4 && len != 16) {
			out->n--; /* not an address: no value */
			return;
		}
		/* read from v->ip by the evaluator: v itself may move when the
		 * array grows, so no pointer into it is kept */
		memcpy(v->ip, addr, len);
		v->len = (uint32_t)len;
	}
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Output templates, Falco's output syntax:
 *
 *     "%evt.num %proc.name (%proc.aname[2]) %tolower(fd.name) 100%%"
 *
 * %field, %field[arg], %field.ARG for fields that take a dotted argument,
 * transformers written around the field without blanks (%tolower(f),
 * %len(f)), an optional width before the field (%12proc.name: the value is
 * cut or padded with spaces to 12 bytes, as upstream), "%%" for a literal
 * '%'; all other text is copied. Fields are resolved with the condition
 * compiler's own resolution, so arguments, validation and transformer type
 * checks are the same as in conditions.
 *
 * Rendering extracts through the providers into storage owned by the
 * template; scratch buffers grow only when a value is larger than any
 * before, so rendering does not allocate per call.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter_int.h"

#define MAX_WIDTH 65535u

struct ofield {
	const char *name; /* as written: "proc.aname[2]", "tolower(proc.name)" */
	struct cfield cf;
	struct ccheck scratch; /* only its buf: transformer output */
};

struct otok {
	uint32_t off, len; /* literal text in fmt->text */
	int32_t field;     /* index in fmt->fields, -1 for literal text */
	uint32_t width;    /* 0: none */
};

struct filter_format {
	filter_registry_t *reg;
	struct arena arena;
	char *text; /* literal text, "%%" already turned into '%' */
	struct otok *toks;
	uint32_t ntoks;
	struct ofield *fields;
	uint32_t nfields;
	struct filter_out out;
};

/* ---- compiling ---- */
static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_ident(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '_';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* name ('.' name)* from t[i], the first segment starting with a letter and
 * later ones with any word character; returns the end offset. */
static uint32_t lex_name(const char *t, uint32_t i, uint32_t len)
{
	while (i < len && is_ident(t[i])) {
		while (i < len && is_ident(t[i]))
			i++;
		if (i + 1 < len && t[i] == '.' && is_ident(t[i + 1]))
			i++;
		else
			break;
	}
	return i;
}

/* Upstream takes the longest registered field the text starts with and
 * leaves the rest as text ("%proc.name.txt" is proc.name then ".txt").
 * Here: when the whole dotted name is neither a field nor a field with a
 * dotted argument, the longest registered prefix ending at a '.' is the
 * field; none: the whole name (reported as unknown). */
static uint32_t field_name_len(const filter_registry_t *reg, const char *name, uint32_t n)
{
	if (freg_find_field(reg, name, n))
		return n;
	for (uint32_t k = n; k-- > 1;) {
		if (name[k] != '.')
			continue;
		const struct ffield *p = freg_find_field(reg, name, k);
		if (p && (p->flags & FILTER_FIELD_ARG_DOTTED))
			return n;
	}
	for (uint32_t k = n; k-- > 1;)
		if (name[k] == '.' && freg_find_field(reg, name, k))
			return k;
	return n;
}

struct ocomp {
	struct filter_format *fmt;
	const struct fsource *src;
	const char *t;
	uint32_t len;
	uint32_t tn; /* literal bytes written to fmt->text */
	uint32_t lit_start;
};

static int nomem(struct ocomp *c)
{
	return freg_seterr(c->fmt->reg, FILTER_ERR_NOMEM, "out of memory");
}

static void flush_literal(struct ocomp *c)
{
	struct filter_format *f = c->fmt;
	if (c->tn == c->lit_start)
		return;
	f->toks[f->ntoks++] = (struct otok){c->lit_start, c->tn - c->lit_start, -1, 0};
	c->lit_start = c->tn;
}

/* One %-token starting at t[*pos] == '%'; on success *pos is past it. */
/* A bound on templates: the duplicate check below is linear per field. */
#define MAX_TEMPLATE_FIELDS 1024u

static int compile_token(struct ocomp *c, uint32_t *pos)
{
	struct filter_format *f = c->fmt;
	const char *t = c->t;
	uint32_t pct = *pos, i = pct + 1, len = c->len;
	uint32_t width = 0;
	uint8_t trans[8];
	uint32_t ntrans = 0;

	if (i >= len)
		return fpos_err(f->reg, c->src, pct, "a template cannot end with '%%' (write %%%% for a literal %%)");
	if (is_digit(t[i])) {
		while (i < len && is_digit(t[i])) {
			width = width * 10 + (uint32_t)(t[i++] - '0');
			if (width > MAX_WIDTH)
				return fpos_err(f->reg, c->src, pct, "field width larger than %u", MAX_WIDTH);
		}
		if (i >= len)
			return fpos_err(f->reg, c->src, pct, "a template cannot end with a field width");
	}
	uint32_t start = i; /* of the name as written (after the width) */
	for (bool more = true; more;) {
		more = false;
		for (int k = TR_TOLOWER; k < TR_MAX; k++) {
			size_t n = strlen(ftrans_names[k]);
			if (len - i > n && !memcmp(t + i, ftrans_names[k], n) && t[i + n] == '(') {
				if (ntrans == sizeof(trans))
					return fpos_err(f->reg, c->src, pct, "too many nested transformers");
				trans[ntrans++] = (uint8_t)k;
				i += (uint32_t)n + 1;
				more = true;
				break;
			}
		}
	}
	if (i >= len || !is_alpha(t[i]))
		return fpos_err(f->reg, c->src, i < len ? i : pct,
				"expected a field name after '%%' (write %%%% for a literal %%)");
	uint32_t name_at = i, nlen = lex_name(t, i, len) - i;
	uint32_t flen = field_name_len(f->reg, t + name_at, nlen);
	i = name_at + flen;
	const char *arg = NULL;
	if (flen == nlen && i < len && t[i] == '[') {
		uint32_t astart = i + 1, aend = astart;
		while (aend < len && t[aend] != ']')
			aend++;
		if (aend >= len)
			return fpos_err(f->reg, c->src, aend, "expected ']' after the field argument");
		if (aend == astart)
			return fpos_err(f->reg, c->src, astart, "empty field argument");
		if (!(arg = arena_strndup(&f->arena, t + astart, aend - astart)))
			return nomem(c);
		i = aend + 1;
	}
	for (uint32_t k = ntrans; k-- > 0;) {
		if (i >= len || t[i] != ')')
			return fpos_err(f->reg, c->src, i < len ? i : pct, "expected ')' to close %s(",
					ftrans_names[trans[k]]);
		i++;
	}

	/* the AST the condition compiler takes: transformers outermost first */
	struct ast_field *af = arena_alloc(&f->arena, sizeof(*af));
	if (!af || !(af->name = arena_strndup(&f->arena, t + name_at, flen)))
		return nomem(c);
	af->arg = arg;
	af->pos = pct;
	for (uint32_t k = ntrans; k-- > 0;) {
		struct ast_field *w = arena_alloc(&f->arena, sizeof(*w));
		if (!w)
			return nomem(c);
		w->trans = trans[k];
		w->inner = af;
		w->pos = pct;
		af = w;
	}

	/* the same field written the same way twice is one field */
	const char *written = t + start;
	uint32_t wlen = i - start;
	int32_t idx = -1;
	if (f->nfields >= MAX_TEMPLATE_FIELDS) {
		fpos_err(f->reg, c->src, pct, "more than %u fields in one output", MAX_TEMPLATE_FIELDS);
		return FILTER_ERR_COMPILE;
	}
	for (uint32_t k = 0; k < f->nfields && idx < 0; k++)
		if (strlen(f->fields[k].name) == wlen && !memcmp(f->fields[k].name, written, wlen))
			idx = (int32_t)k;
	if (idx < 0) {
		struct ofield *of = &f->fields[f->nfields];
		int rc = fcompile_field(f->reg, &f->arena, c->src, af, &of->cf);
		if (rc)
			return rc;
		of->cf.ref.output = true;
		if (of->cf.f->flags & FILTER_FIELD_FILTER_ONLY) {
			fpos_err(f->reg, c->src, pct, "field '%s' is filter only and cannot be used in outputs",
				 of->cf.f->name);
			return FILTER_ERR_COMPILE;
		}
		if (!(of->name = arena_strndup(&f->arena, written, wlen)))
			return nomem(c);
		idx = (int32_t)f->nfields++;
	}
	f->toks[f->ntoks++] = (struct otok){0, 0, idx, width};
	*pos = i;
	return 0;
}

SCAP_EXPORT filter_format_t *filter_format_compile(filter_registry_t *reg, const char *tmpl, int *err)
{
	struct fsource src = {tmpl, NULL};
	struct filter_format *f;
	int rc = FILTER_ERR_NOMEM;

	if (err)
		*err = FILTER_OK;
	if (!reg || !tmpl) {
		if (reg)
			freg_seterr(reg, FILTER_ERR_INVAL, "no template given");
		if (err)
			*err = FILTER_ERR_INVAL;
		return NULL;
	}
	reg->err[0] = 0;
	reg->errcol = 0;
	size_t len = strlen(tmpl);
	if (len > UINT32_MAX / 4) {
		if (err)
			*err = freg_seterr(reg, FILTER_ERR_SYNTAX, "template too long");
		return NULL;
	}
	uint32_t npct = 0;
	for (size_t i = 0; i < len; i++)
		npct += tmpl[i] == '%';
	f = calloc(1, sizeof(*f));
	if (!f) {
		freg_seterr(reg, FILTER_ERR_NOMEM, "out of memory");
		goto fail;
	}
	f->reg = reg;
	f->text = arena_alloc(&f->arena, len + 1);
	f->toks = arena_alloc(&f->arena, (2 * (size_t)npct + 1) * sizeof(*f->toks));
	f->fields = arena_alloc(&f->arena, (npct ? npct : 1) * sizeof(*f->fields));
	if (!f->text || !f->toks || !f->fields) {
		freg_seterr(reg, FILTER_ERR_NOMEM, "out of memory");
		goto fail;
	}
	struct ocomp c = {.fmt = f, .src = &src, .t = tmpl, .len = (uint32_t)len};
	for (uint32_t i = 0; i < c.len;) {
		if (tmpl[i] != '%') {
			f->text[c.tn++] = tmpl[i++];
		} else if (i + 1 < c.len && tmpl[i + 1] == '%') {
			f->text[c.tn++] = '%';
			i += 2;
		} else {
			flush_literal(&c);
			if ((rc = compile_token(&c, &i)))
				goto fail;
			c.lit_start = c.tn;
		}
	}
	flush_literal(&c);
	return f;
fail:
	filter_format_free(f);
	if (err)
		*err = rc < 0 ? rc : FILTER_ERR_COMPILE;
	return NULL;
}

SCAP_EXPORT void filter_format_free(filter_format_t *fmt)
{
	if (!fmt)
		return;
	for (uint32_t i = 0; i < fmt->nfields; i++)
		free(fmt->fields[i].scratch.buf);
	free(fmt->out.v);
	arena_free(&fmt->arena);
	free(fmt);
}

SCAP_EXPORT size_t filter_format_field_count(const filter_format_t *fmt)
{
	return fmt ? fmt->nfields : 0;
}

SCAP_EXPORT const char *filter_format_field_name(const filter_format_t *fmt, size_t idx)
{
	return fmt && idx < fmt->nfields ? fmt->fields[idx].name : NULL;
}

/* ---- rendering ---- */
struct sink {
	char *b;
	size_t cap; /* bytes that fit before the NUL */
	size_t n;   /* bytes produced (may exceed cap) */
	size_t lim; /* bytes the current field may still produce (width) */
};

#define NO_LIMIT SIZE_MAX

static void put(struct sink *s, const void *p, size_t len)
{
	if (s->lim != NO_LIMIT) {
		if (len > s->lim)
			len = s->lim;
		s->lim -= len;
	}
	if (s->n < s->cap && len) {
		size_t room = s->cap - s->n;
		memcpy(s->b + s->n, p, len < room ? len : room);
	}
	s->n += len;
}

static void put_str(struct sink *s, const char *z)
{
	put(s, z, strlen(z));
}

/* Printable ASCII as is, every other byte as '.'. */
static void put_bytes(struct sink *s, const uint8_t *p, uint32_t len)
{
	uint32_t i = 0;
	while (i < len) {
		uint32_t j = i;
		while (j < len && p[j] >= 0x20 && p[j] < 0x7f)
			j++;
		put(s, p + i, j - i);
		for (i = j; i < len && !(p[i] >= 0x20 && p[i] < 0x7f); i++)
			put(s, ".", 1);
	}
}

static void put_value(struct sink *s, uint8_t type, const struct fval *v)
{
	char tmp[64];
	int n = 0;

	switch (type) {
	case FILTER_T_STRING:
		if (v->len)
			put(s, v->ptr, v->len);
		return;
	case FILTER_T_BYTES:
		put_bytes(s, v->ptr, v->len);
		return;
	case FILTER_T_INT64:
		n = snprintf(tmp, sizeof(tmp), "%" PRId64, v->num.i);
		break;
	case FILTER_T_UINT64:
	case FILTER_T_RELTIME:
	case FILTER_T_ABSTIME:
		n = snprintf(tmp, sizeof(tmp), "%" PRIu64, v->num.u);
		break;
	case FILTER_T_DOUBLE:
		n = snprintf(tmp, sizeof(tmp), "%.1f", v->num.d); /* upstream: one decimal */
		break;
	case FILTER_T_BOOL:
		put_str(s, v->num.u ? "true" : "false");
		return;
	case FILTER_T_IPADDR:
	case FILTER_T_IPNET:
		if ((v->len != 4 && v->len != 16) ||
		    !inet_ntop(v->len == 4 ? AF_INET : AF_INET6, v->ip, tmp, sizeof(tmp)))
			return;
		put_str(s, tmp);
		return;
	default:
		return;
	}
	if (n > 0)
		put(s, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void render_field(struct filter_format *fmt, struct ofield *of, const struct filter_evtctx *ev,
			 struct sink *s, uint32_t width)
{
	struct filter_out *out = &fmt->out;
	uint32_t n = 0;

	if (width)
		s->lim = width;
	if (fextract(&of->cf, ev, out) == 0) {
		n = out->n;
		if (n && ftransform(&of->scratch, &of->cf, out->v, &n, out) < 0)
			n = 0;
	}
	if (!n) {
		put_str(s, "<NA>");
	} else if (of->cf.list) {
		put(s, "(", 1); /* upstream's list form: "(file,ipv4)" */
		for (uint32_t i = 0; i < n; i++) {
			if (i)
				put(s, ",", 1);
			put_value(s, of->cf.type, &out->v[i]);
		}
		put(s, ")", 1);
	} else if ((of->cf.f->flags & FILTER_FIELD_JOIN) && !of->cf.ntrans) {
		/* as upstream's ancestor fields: a space before each value once
		 * something is written (so empty values add nothing until then);
		 * nothing at all: <NA> */
		size_t start = s->n;
		for (uint32_t i = 0; i < n; i++) {
			if (s->n > start)
				put(s, " ", 1);
			put_value(s, of->cf.type, &out->v[i]);
		}
		if (s->n == start)
			put_str(s, "<NA>");
	} else if ((of->cf.f->flags & FILTER_FIELD_PAD9) && !of->cf.ntrans &&
		   (of->cf.type == FILTER_T_UINT64 || of->cf.type == FILTER_T_RELTIME)) {
		char tmp[32];
		int k = snprintf(tmp, sizeof(tmp), "%09" PRIu64, out->v[0].num.u);
		put(s, tmp, k > 0 ? (size_t)k : 0);
	} else {
		put_value(s, of->cf.type, &out->v[0]); /* several values: the first, as upstream */
	}
	if (width) {
		static const char spaces[32] = "                                ";
		while (s->lim) {
			size_t k = s->lim < sizeof(spaces) ? s->lim : sizeof(spaces);
			put(s, spaces, k);
		}
		s->lim = NO_LIMIT;
	}
}

static int finish(struct sink *s, size_t buflen)
{
	if (buflen)
		s->b[s->n < s->cap ? s->n : s->cap] = 0;
	return s->n > INT32_MAX ? INT32_MAX : (int)s->n;
}

SCAP_EXPORT int filter_format_render(filter_format_t *fmt, const scap_evt_t *evt, uint64_t num, void *user,
				     char *buf, size_t buflen)
{
	struct filter_evtctx ev = {evt, num, user};
	struct sink s = {buf, buflen ? buflen - 1 : 0, 0, NO_LIMIT};

	if (!fmt || (!buf && buflen)) {
		if (buf && buflen)
			buf[0] = 0;
		return FILTER_ERR_INVAL;
	}
	for (uint32_t i = 0; i < fmt->ntoks; i++) {
		const struct otok *t = &fmt->toks[i];
		if (t->field < 0)
			put(&s, fmt->text + t->off, t->len);
		else
			render_field(fmt, &fmt->fields[t->field], &ev, &s, t->width);
	}
	return finish(&s, buflen);
}

SCAP_EXPORT int filter_format_render_field(filter_format_t *fmt, size_t idx, const scap_evt_t *evt, uint64_t num,
					   void *user, char *buf, size_t buflen)
{
	struct filter_evtctx ev = {evt, num, user};
	struct sink s = {buf, buflen ? buflen - 1 : 0, 0, NO_LIMIT};

	if (!fmt || idx >= fmt->nfields || (!buf && buflen)) {
		if (buf && buflen)
			buf[0] = 0;
		return FILTER_ERR_INVAL;
	}
	render_field(fmt, &fmt->fields[idx], &ev, &s, 0);
	return finish(&s, buflen);
}

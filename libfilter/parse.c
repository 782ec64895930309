/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Recursive-descent parser for Falco conditions (the grammar of libsinsp's
 * filter parser):
 *   Expr     ::= And ('or' And)*
 *   And      ::= Not ('and' Not)*
 *   Not      ::= 'not' Not | Check
 *   Check    ::= '(' Expr ')' | FieldExpr Cond | MacroName
 *   FieldExpr::= Field | Transformer '(' FieldExpr ')'
 *   Field    ::= name ('.' name)+ ('[' arg ']')?
 *   Cond     ::= 'exists' | CmpOp (Value | FieldRHS) | ListOp (List | ListName | FieldRHS)
 *   FieldRHS ::= 'val(' FieldExpr ')' | Transformer '(' FieldExpr ')'
 *   List     ::= '(' (Value (',' Value)*)? ')'
 *   Value    ::= quoted string | bare word
 * Keywords are case-sensitive, as upstream.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "filter_int.h"

#define MAX_DEPTH 100

const char *const fop_names[OP_MAX] = {
	"=", "!=", "<", "<=", ">", ">=", "contains", "icontains", "bcontains", "startswith", "bstartswith",
	"endswith", "glob", "iglob", "regex", "in", "intersects", "pmatch", "exists",
};

const char *const ftrans_names[TR_MAX] = {"", "tolower", "toupper", "b64", "basename", "len"};

struct parser {
	filter_registry_t *reg;
	struct arena *a;
	const struct fsource *src;
	const char *s;
	uint32_t pos, len;
	uint32_t depth;
	bool failed;
};

int fpos_err(filter_registry_t *reg, const struct fsource *src, uint32_t pos, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	const char *t = src->text;
	size_t tlen = strlen(t);
	int n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (pos > tlen)
		pos = (uint32_t)tlen;
	/* Show the line holding pos (conditions may span lines), at most 160
	 * characters around the column, and a caret under it. */
	size_t ls = pos, le = pos;
	while (ls > 0 && t[ls - 1] != '\n')
		ls--;
	while (le < tlen && t[le] != '\n')
		le++;
	size_t from = ls, col = pos - ls;
	if (col > 120)
		from = pos - 80;
	size_t show = le - from > 160 ? 160 : le - from;
	if (src->macro)
		n = snprintf(reg->err, sizeof(reg->err), "in macro '%s': column %u: %s\n", src->macro, pos + 1, msg);
	else
		n = snprintf(reg->err, sizeof(reg->err), "column %u: %s\n", pos + 1, msg);
	if (n > 0 && (size_t)n < sizeof(reg->err)) {
		size_t off = (size_t)n;
		for (size_t i = 0; i < show && off + 1 < sizeof(reg->err); i++) {
			char c = t[from + i];
			reg->err[off++] = (c == '\t') ? ' ' : c;
		}
		if (off + 1 < sizeof(reg->err))
			reg->err[off++] = '\n';
		for (size_t i = from; i < pos && off + 2 < sizeof(reg->err); i++)
			reg->err[off++] = ' ';
		if (off + 1 < sizeof(reg->err))
			reg->err[off++] = '^';
		reg->err[off] = 0;
	}
	reg->errcol = src->macro ? 0 : pos + 1;
	return FILTER_ERR_SYNTAX;
}

__attribute__((format(printf, 3, 4))) static void *perr(struct parser *p, uint32_t pos, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (p->failed)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fpos_err(p->reg, p->src, pos, "%s", msg);
	p->failed = true;
	return NULL;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\b' || c == '\f' || c == '\v';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_ident(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '_';
}

static void skip_blanks(struct parser *p)
{
	while (p->pos < p->len && is_blank(p->s[p->pos]))
		p->pos++;
}

static char peek(const struct parser *p)
{
	return p->pos < p->len ? p->s[p->pos] : 0;
}

/* Keyword kw at the cursor, not followed by a word character (or by '(' when
 * !paren_ok). */
static bool lex_kw(struct parser *p, const char *kw, bool paren_ok)
{
	size_t n = strlen(kw);
	char next;

	if (p->len - p->pos < n || memcmp(p->s + p->pos, kw, n) != 0)
		return false;
	next = p->pos + n < p->len ? p->s[p->pos + n] : 0;
	if (is_ident(next) || next == '.' || (!paren_ok && next == '('))
		return false;
	p->pos += (uint32_t)n;
	return true;
}

static void *node(struct parser *p, size_t sz)
{
	void *n = arena_alloc(p->a, sz);
	if (!n && !p->failed) {
		freg_seterr(p->reg, FILTER_ERR_NOMEM, "out of memory");
		p->failed = true;
	}
	return n;
}

/* Quoted string starting at the cursor (a ' or "). Escapes: \\ \" \' \b
 * \f \n \r \t; any other backslash is kept as written (regexes). */
static bool lex_quoted(struct parser *p, struct ast_value *v)
{
	char q = peek(p);
	uint32_t start = p->pos, end = p->pos + 1;
	char *out;
	size_t n = 0;

	/* find the closing quote first, to allocate exactly */
	while (end < p->len && p->s[end] != q)
		end += (p->s[end] == '\\' && end + 1 < p->len) ? 2 : 1;
	if (end >= p->len) {
		perr(p, start, "unterminated quoted string");
		return false;
	}
	out = arena_alloc(p->a, end - start);
	if (!out) {
		if (!p->failed)
			freg_seterr(p->reg, FILTER_ERR_NOMEM, "out of memory");
		p->failed = true;
		return false;
	}
	p->pos++;
	while (p->pos < end) {
		char c = p->s[p->pos++];
		if (c == '\\' && p->pos < end) {
			char e = p->s[p->pos];
			const char *from = "\\\"'bfnrt", *to = "\\\"'\b\f\n\r\t";
			const char *k = strchr(from, e);
			if (k && e) {
				out[n++] = to[k - from];
				p->pos++;
				continue;
			}
		}
		out[n++] = c;
	}
	p->pos = end + 1;
	out[n] = 0;
	v->s = out;
	v->len = (uint32_t)n;
	v->pos = start;
	v->quoted = true;
	return true;
}

/* Bare word: [^ \t\n\r\b(),="']+ */
static bool lex_bare(struct parser *p, struct ast_value *v)
{
	uint32_t start = p->pos;

	while (p->pos < p->len) {
		char c = p->s[p->pos];
		if (is_blank(c) || c == '(' || c == ')' || c == ',' || c == '=' || c == '"' || c == '\'')
			break;
		p->pos++;
	}
	if (p->pos == start)
		return false;
	v->s = arena_strndup(p->a, p->s + start, p->pos - start);
	v->len = p->pos - start;
	v->pos = start;
	return v->s != NULL;
}

static bool lex_value(struct parser *p, struct ast_value *v)
{
	char c = peek(p);
	if (c == '"' || c == '\'')
		return lex_quoted(p, v);
	return lex_bare(p, v);
}

static int lex_transformer(struct parser *p, bool with_val)
{
	for (int t = TR_TOLOWER; t < TR_MAX; t++) {
		size_t n = strlen(ftrans_names[t]);
		if (p->len - p->pos > n && memcmp(p->s + p->pos, ftrans_names[t], n) == 0 && p->s[p->pos + n] == '(') {
			p->pos += (uint32_t)n + 1;
			return t;
		}
	}
	if (with_val && p->len - p->pos > 4 && memcmp(p->s + p->pos, "val(", 4) == 0) {
		p->pos += 4;
		return TR_MAX; /* val( */
	}
	return -1;
}

/* name ('.' name)* with name = [a-zA-Z][a-zA-Z0-9_]*; returns length. */
static uint32_t lex_dotted(struct parser *p, int *segs)
{
	uint32_t start = p->pos;

	/* the first segment starts with a letter; later ones may start with a
	 * digit (a dotted argument: evt.arg.0, evt.type.is.3) */
	*segs = 0;
	while (p->pos < p->len && (is_alpha(p->s[p->pos]) || (*segs && is_ident(p->s[p->pos])))) {
		while (p->pos < p->len && is_ident(p->s[p->pos]))
			p->pos++;
		(*segs)++;
		if (p->pos + 1 < p->len && p->s[p->pos] == '.' && is_ident(p->s[p->pos + 1]))
			p->pos++;
		else
			break;
	}
	return p->pos - start;
}

static struct ast_field *parse_field_expr(struct parser *p);

/* Field with optional [arg]; the cursor is at its first character. */
static struct ast_field *parse_plain_field(struct parser *p)
{
	struct ast_field *f;
	uint32_t start = p->pos;
	int segs;
	uint32_t n = lex_dotted(p, &segs);

	if (!n || segs < 2)
		return perr(p, start, "expected a field name such as proc.name");
	f = node(p, sizeof(*f));
	if (!f)
		return NULL;
	f->pos = start;
	f->name = arena_strndup(p->a, p->s + start, n);
	if (peek(p) == '[') {
		uint32_t astart = ++p->pos;
		struct ast_value v = {0};
		if (peek(p) == '"' || peek(p) == '\'') {
			if (!lex_quoted(p, &v))
				return NULL;
		} else {
			while (p->pos < p->len && !is_blank(p->s[p->pos]) && p->s[p->pos] != ']' &&
			       p->s[p->pos] != '[' && p->s[p->pos] != '"' && p->s[p->pos] != '\'')
				p->pos++;
			if (p->pos == astart)
				return perr(p, astart, "empty field argument");
			v.s = arena_strndup(p->a, p->s + astart, p->pos - astart);
		}
		if (peek(p) != ']')
			return perr(p, p->pos, "expected ']' after the field argument");
		p->pos++;
		f->arg = v.s;
	}
	return f;
}

static struct ast_field *parse_field_expr(struct parser *p)
{
	uint32_t start = p->pos;
	int t = lex_transformer(p, false);

	if (t < 0)
		return parse_plain_field(p);
	if (++p->depth > MAX_DEPTH)
		return perr(p, start, "expression nested too deeply");
	skip_blanks(p);
	struct ast_field *inner = parse_field_expr(p);
	p->depth--;
	if (!inner)
		return NULL;
	skip_blanks(p);
	if (peek(p) != ')')
		return perr(p, p->pos, "expected ')' to close %s(", ftrans_names[t]);
	p->pos++;
	struct ast_field *f = node(p, sizeof(*f));
	if (!f)
		return NULL;
	f->trans = (uint8_t)t;
	f->inner = inner;
	f->pos = start;
	return f;
}

/* RHS field: val(FieldExpr) or Transformer(FieldExpr); NULL if none here. */
static struct ast_field *try_rhs_field(struct parser *p, bool *found)
{
	uint32_t save = p->pos;
	int t = lex_transformer(p, true);

	*found = t >= 0;
	if (t < 0)
		return NULL;
	if (t == TR_MAX) {
		skip_blanks(p);
		struct ast_field *f = parse_field_expr(p);
		if (!f)
			return NULL;
		skip_blanks(p);
		if (peek(p) != ')')
			return perr(p, p->pos, "expected ')' to close val(");
		p->pos++;
		return f;
	}
	p->pos = save;
	return parse_field_expr(p);
}

static const struct {
	const char *s;
	uint8_t op;
	bool word;
} ops[] = {
	{"<=", OP_LE, false}, {"<", OP_LT, false}, {">=", OP_GE, false}, {">", OP_GT, false},
	{"==", OP_EQ, false}, {"=", OP_EQ, false}, {"!=", OP_NE, false},
	{"exists", OP_EXISTS, true}, {"bcontains", OP_BCONTAINS, true}, {"bstartswith", OP_BSTARTSWITH, true},
	{"contains", OP_CONTAINS, true}, {"endswith", OP_ENDSWITH, true}, {"glob", OP_GLOB, true},
	{"icontains", OP_ICONTAINS, true}, {"iglob", OP_IGLOB, true}, {"startswith", OP_STARTSWITH, true},
	{"regex", OP_REGEX, true}, {"intersects", OP_INTERSECTS, true}, {"in", OP_IN, true},
	{"pmatch", OP_PMATCH, true},
};

static struct ast *parse_condition(struct parser *p, struct ast *c)
{
	int op = -1;

	skip_blanks(p);
	c->op_pos = p->pos;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (ops[i].word ? lex_kw(p, ops[i].s, true)
				: (p->len - p->pos >= strlen(ops[i].s) &&
				   memcmp(p->s + p->pos, ops[i].s, strlen(ops[i].s)) == 0)) {
			if (!ops[i].word)
				p->pos += (uint32_t)strlen(ops[i].s);
			op = ops[i].op;
			break;
		}
	}
	if (op < 0)
		return perr(p, c->op_pos, p->pos < p->len ? "expected an operator after the field"
							  : "unexpected end of condition: expected an operator");
	c->op = (uint8_t)op;
	if (op == OP_EXISTS) {
		c->rhs_kind = RHS_NONE;
		return c;
	}
	skip_blanks(p);
	bool found;
	struct ast_field *rf = try_rhs_field(p, &found);
	if (found) {
		if (!rf)
			return NULL;
		if (op == OP_PMATCH || op == OP_REGEX)
			return perr(p, rf->pos, "operator '%s' does not take a field on its right side", fop_names[op]);
		c->rhs_kind = RHS_FIELD;
		c->rhs_field = rf;
		return c;
	}
	if (op == OP_IN || op == OP_INTERSECTS || op == OP_PMATCH) {
		if (peek(p) == '(') {
			uint32_t open = p->pos++;
			uint32_t cap = 8;
			c->vals = node(p, cap * sizeof(*c->vals));
			c->rhs_kind = RHS_LIST;
			skip_blanks(p);
			if (peek(p) == ')') {
				p->pos++;
				return c;
			}
			for (;;) {
				skip_blanks(p);
				if (c->nvals == cap) {
					struct ast_value *nv = node(p, 2 * cap * sizeof(*nv));
					if (!nv)
						return NULL;
					memcpy(nv, c->vals, cap * sizeof(*nv));
					c->vals = nv;
					cap *= 2;
				}
				if (!c->vals)
					return NULL;
				if (!lex_value(p, &c->vals[c->nvals]))
					return p->failed ? NULL
							 : perr(p, p->pos, p->pos < p->len ? "expected a list item"
											    : "unterminated list: expected ')'");
				c->nvals++;
				skip_blanks(p);
				if (peek(p) == ',') {
					p->pos++;
					continue;
				}
				if (peek(p) == ')') {
					p->pos++;
					return c;
				}
				return perr(p, p->pos < p->len ? p->pos : open,
					    p->pos < p->len ? "expected ',' or ')' in the list"
							    : "unterminated list: expected ')'");
			}
		}
		/* a list name */
		uint32_t start = p->pos;
		int segs;
		uint32_t n = lex_dotted(p, &segs);
		if (!n || segs != 1)
			return perr(p, start, "expected a list '(...)' or a list name after '%s'", fop_names[op]);
		c->rhs_kind = RHS_LISTREF;
		c->vals = node(p, sizeof(*c->vals));
		if (!c->vals)
			return NULL;
		c->vals[0].s = arena_strndup(p->a, p->s + start, n);
		c->vals[0].len = n;
		c->vals[0].pos = start;
		c->nvals = 1;
		return c;
	}
	c->vals = node(p, sizeof(*c->vals));
	if (!c->vals)
		return NULL;
	if (!lex_value(p, &c->vals[0]))
		return p->failed ? NULL
				 : perr(p, p->pos, p->pos < p->len ? "expected a value after '%s'"
								   : "unexpected end of condition: expected a value after '%s'",
					fop_names[op]);
	c->rhs_kind = RHS_VALUE;
	c->nvals = 1;
	return c;
}

static struct ast *parse_or(struct parser *p);

static struct ast *parse_check(struct parser *p)
{
	struct ast *c;
	uint32_t start;

	skip_blanks(p);
	start = p->pos;
	if (p->pos >= p->len)
		return perr(p, p->pos, "unexpected end of condition: expected a field, a macro or '('");
	if (peek(p) == '(') {
		p->pos++;
		struct ast *e = parse_or(p);
		if (!e)
			return NULL;
		skip_blanks(p);
		if (peek(p) != ')')
			return perr(p, p->pos, p->pos < p->len ? "expected ')'" : "unexpected end of condition: expected ')'");
		p->pos++;
		return e;
	}
	c = node(p, sizeof(*c));
	if (!c)
		return NULL;
	c->pos = start;
	if (lex_transformer(p, false) >= 0) {
		p->pos = start;
		c->kind = AST_CHECK;
		c->lhs = parse_field_expr(p);
		return c->lhs ? parse_condition(p, c) : NULL;
	}
	int segs;
	uint32_t n = lex_dotted(p, &segs);
	if (!n)
		return perr(p, start, "expected a field, a macro or '('");
	if (segs == 1 && peek(p) != '[') {
		if ((n == 3 && (!memcmp(p->s + start, "and", 3) || !memcmp(p->s + start, "not", 3))) ||
		    (n == 2 && !memcmp(p->s + start, "or", 2)))
			return perr(p, start, "unexpected '%.*s': expected a field, a macro or '('", (int)n, p->s + start);
		c->kind = AST_MACRO;
		c->name = arena_strndup(p->a, p->s + start, n);
		return c;
	}
	p->pos = start;
	c->kind = AST_CHECK;
	c->lhs = parse_plain_field(p);
	return c->lhs ? parse_condition(p, c) : NULL;
}

static struct ast *parse_not(struct parser *p)
{
	skip_blanks(p);
	uint32_t start = p->pos;
	if (lex_kw(p, "not", true)) {
		if (++p->depth > MAX_DEPTH)
			return perr(p, start, "expression nested too deeply");
		struct ast *k = parse_not(p);
		p->depth--;
		if (!k)
			return NULL;
		struct ast *n = node(p, sizeof(*n));
		if (!n)
			return NULL;
		n->kind = AST_NOT;
		n->pos = start;
		n->kids = node(p, sizeof(*n->kids));
		if (!n->kids)
			return NULL;
		n->kids[0] = k;
		n->nkids = 1;
		return n;
	}
	if (++p->depth > MAX_DEPTH)
		return perr(p, start, "expression nested too deeply");
	struct ast *c = parse_check(p);
	p->depth--;
	return c;
}

/* A run of operands joined by one keyword. */
static struct ast *parse_chain(struct parser *p, const char *kw, uint8_t kind, struct ast *(*sub)(struct parser *))
{
	skip_blanks(p);
	uint32_t start = p->pos;
	struct ast *first = sub(p);
	struct ast **kids = NULL;
	uint32_t n = 0, cap = 0;

	if (!first)
		return NULL;
	for (;;) {
		skip_blanks(p);
		if (!lex_kw(p, kw, true))
			break;
		struct ast *k = sub(p);
		if (!k)
			return NULL;
		if (n == cap) {
			uint32_t ncap = cap ? cap * 2 : 4;
			struct ast **nk = node(p, ncap * sizeof(*nk));
			if (!nk)
				return NULL;
			if (n)
				memcpy(nk, kids, n * sizeof(*nk));
			else
				nk[n++] = first;
			kids = nk;
			cap = ncap;
		}
		kids[n++] = k;
	}
	if (!n)
		return first;
	struct ast *e = node(p, sizeof(*e));
	if (!e)
		return NULL;
	e->kind = kind;
	e->pos = start;
	e->kids = kids;
	e->nkids = n;
	return e;
}

static struct ast *parse_and(struct parser *p)
{
	return parse_chain(p, "and", AST_AND, parse_not);
}

static struct ast *parse_or(struct parser *p)
{
	if (++p->depth > MAX_DEPTH)
		return perr(p, p->pos, "expression nested too deeply");
	struct ast *e = parse_chain(p, "or", AST_OR, parse_and);
	p->depth--;
	return e;
}

struct ast *fparse(filter_registry_t *reg, struct arena *a, const struct fsource *src)
{
	struct parser p = {.reg = reg, .a = a, .src = src, .s = src->text};
	size_t len = strlen(src->text);

	if (len > UINT32_MAX / 2) {
		freg_seterr(reg, FILTER_ERR_SYNTAX, "condition too long");
		return NULL;
	}
	p.len = (uint32_t)len;
	struct ast *e = parse_or(&p);
	if (!e)
		return NULL;
	skip_blanks(&p);
	if (p.pos < p.len) {
		const char *what = "unexpected text";
		if (peek(&p) == ')')
			what = "unexpected ')'";
		else if (is_alpha(peek(&p)))
			what = "unexpected word: expected 'and', 'or' or the end";
		return perr(&p, p.pos, "%s", what);
	}
	return e;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json.c - JSON reading helpers over jsmn, and a JSON writer. See json.h.
 */
#include "json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSMN_STATIC
#define JSMN_STRICT
#include <jsmn.h>

struct sinsp_json_doc {
	const char *js;
	jsmntok_t *tok;
	int ntok;
};

/* ====================================================================== */
/* Parsing                                                                */
/* ====================================================================== */

static void seterr(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int sinsp_json_depth(const char *s, size_t n, int max)
{
	int depth = 0, maxd = 0;
	bool in_str = false;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"') {
			in_str = true;
		} else if (c == '{' || c == '[') {
			if (++depth > maxd) {
				maxd = depth;
				if (maxd > max)
					return maxd;
			}
		} else if ((c == '}' || c == ']') && depth > 0) {
			depth--;
		}
	}
	return maxd;
}

int sinsp_json_parse(const char *js, size_t len, int max_tokens, int max_depth, struct sinsp_json_doc **out, char *err,
		     size_t errlen)
{
	struct sinsp_json_doc *d;
	jsmn_parser p;
	size_t start = 0;
	int n;

	if (out)
		*out = NULL;
	if (!out || (!js && len) || max_tokens < 1) {
		seterr(err, errlen, "bad arguments");
		return -1;
	}
	while (len > 0 && (js[len - 1] == '\0' || is_ws(js[len - 1])))
		len--;
	while (start < len && is_ws(js[start]))
		start++;
	if (start == len) {
		seterr(err, errlen, "empty");
		return -1;
	}
	if (len > (size_t)INT32_MAX) {
		seterr(err, errlen, "too big");
		return -1;
	}
	if (memchr(js, '\0', len)) {
		seterr(err, errlen, "NUL byte inside");
		return -1;
	}
	if (js[start] != '{' && js[start] != '[') {
		seterr(err, errlen, "not a JSON object or array");
		return -1;
	}
	if (sinsp_json_depth(js, len, max_depth) > max_depth) {
		seterr(err, errlen, "nested too deep");
		return -1;
	}
	jsmn_init(&p);
	n = jsmn_parse(&p, js, len, NULL, 0);
	if (n < 0) {
		seterr(err, errlen, n == JSMN_ERROR_PART ? "truncated" : "malformed");
		return -1;
	}
	if (n == 0) {
		seterr(err, errlen, "empty");
		return -1;
	}
	if (n > max_tokens) {
		char msg[96];
		snprintf(msg, sizeof(msg), "too many values (%d, max %d)", n, max_tokens);
		seterr(err, errlen, msg);
		return -1;
	}
	d = calloc(1, sizeof(*d));
	if (!d || !(d->tok = calloc((size_t)n, sizeof(*d->tok)))) {
		free(d);
		seterr(err, errlen, "out of memory");
		return -1;
	}
	jsmn_init(&p);
	n = jsmn_parse(&p, js, len, d->tok, (unsigned)n);
	d->js = js;
	d->ntok = n < 0 ? 0 : n;
	if (n < 0) {
		sinsp_json_free(d);
		seterr(err, errlen, n == JSMN_ERROR_PART ? "truncated" : "malformed");
		return -1;
	}
	/* one root value, then nothing but blanks */
	if ((size_t)d->tok[0].start != start || d->tok[0].end < 0 || sinsp_json_skip(d, 0) != n) {
		sinsp_json_free(d);
		seterr(err, errlen, "not a single JSON value");
		return -1;
	}
	for (size_t k = (size_t)d->tok[0].end; k < len; k++) {
		if (!is_ws(js[k])) {
			sinsp_json_free(d);
			seterr(err, errlen, "trailing data after the value");
			return -1;
		}
	}
	*out = d;
	return 0;
}

void sinsp_json_free(struct sinsp_json_doc *d)
{
	if (!d)
		return;
	free(d->tok);
	free(d);
}

/* ====================================================================== */
/* Walking                                                                */
/* ====================================================================== */

static const jsmntok_t *tk(const struct sinsp_json_doc *d, int i)
{
	if (!d || i < 0 || i >= d->ntok)
		return NULL;
	return &d->tok[i];
}

int sinsp_json_ntok(const struct sinsp_json_doc *d)
{
	return d ? d->ntok : 0;
}

enum sinsp_json_type sinsp_json_type(const struct sinsp_json_doc *d, int i)
{
	const jsmntok_t *t = tk(d, i);

	if (!t)
		return SINSP_JSON_NONE;
	switch (t->type) {
	case JSMN_OBJECT: return SINSP_JSON_OBJECT;
	case JSMN_ARRAY: return SINSP_JSON_ARRAY;
	case JSMN_STRING: return SINSP_JSON_STRING;
	case JSMN_PRIMITIVE: return SINSP_JSON_PRIMITIVE;
	default: return SINSP_JSON_NONE;
	}
}

int sinsp_json_size(const struct sinsp_json_doc *d, int i)
{
	const jsmntok_t *t = tk(d, i);

	if (!t || (t->type != JSMN_OBJECT && t->type != JSMN_ARRAY))
		return 0;
	return t->size;
}

int sinsp_json_skip(const struct sinsp_json_doc *d, int i)
{
	long pending = 1;

	if (!d || i < 0)
		return d ? d->ntok : 0;
	while (pending > 0) {
		if (i >= d->ntok)
			return d->ntok;
		pending += (long)d->tok[i].size - 1;
		i++;
	}
	return i;
}

int sinsp_json_first(const struct sinsp_json_doc *d, int i)
{
	if (sinsp_json_size(d, i) < 1 || i + 1 >= d->ntok)
		return -1;
	return i + 1;
}

const char *sinsp_json_raw(const struct sinsp_json_doc *d, int i, size_t *len)
{
	const jsmntok_t *t = tk(d, i);

	if (!t || t->start < 0 || t->end < t->start) {
		if (len)
			*len = 0;
		return NULL;
	}
	if (len)
		*len = (size_t)(t->end - t->start);
	return d->js + t->start;
}

bool sinsp_json_str_eq(const struct sinsp_json_doc *d, int i, const char *s)
{
	const jsmntok_t *t = tk(d, i);
	size_t n, sl;
	const char *r;

	if (!t || t->type != JSMN_STRING || !s)
		return false;
	r = sinsp_json_raw(d, i, &n);
	sl = strlen(s);
	if (!memchr(r, '\\', n))
		return n == sl && memcmp(r, s, n) == 0;
	/* escaped: the decoded text is never longer than the raw one, and
	 * never shorter than a sixth of it */
	if (sl > n || n > 6 * sl + 6)
		return false;
	{
		char small[256];
		char *buf = n < sizeof(small) ? small : malloc(n + 1);
		bool eq;
		if (!buf)
			return false;
		eq = sinsp_json_unescape(r, n, buf) == sl && memcmp(buf, s, sl) == 0;
		if (buf != small)
			free(buf);
		return eq;
	}
}

int sinsp_json_get(const struct sinsp_json_doc *d, int obj, const char *key)
{
	int found = -1, k = sinsp_json_first(d, obj), n = sinsp_json_size(d, obj);

	if (sinsp_json_type(d, obj) != SINSP_JSON_OBJECT || !key)
		return -1;
	for (int f = 0; f < n && k >= 0 && k + 1 < d->ntok; f++) {
		if (d->tok[k].type == JSMN_STRING && d->tok[k].size == 1 && sinsp_json_str_eq(d, k, key))
			found = k + 1;
		k = sinsp_json_skip(d, k);
	}
	return found;
}

int sinsp_json_getv(const struct sinsp_json_doc *d, int obj, ...)
{
	va_list ap;
	const char *key;
	int i = obj;

	va_start(ap, obj);
	while ((key = va_arg(ap, const char *)) != NULL) {
		i = sinsp_json_get(d, i, key);
		if (i < 0)
			break;
	}
	va_end(ap);
	return i;
}

int sinsp_json_at(const struct sinsp_json_doc *d, int arr, int idx)
{
	int e = sinsp_json_first(d, arr);

	if (sinsp_json_type(d, arr) != SINSP_JSON_ARRAY || idx < 0 || idx >= sinsp_json_size(d, arr))
		return -1;
	for (int k = 0; k < idx && e >= 0 && e < d->ntok; k++)
		e = sinsp_json_skip(d, e);
	return e >= 0 && e < d->ntok ? e : -1;
}

static bool prim_is(const struct sinsp_json_doc *d, int i, const char *lit)
{
	const jsmntok_t *t = tk(d, i);
	size_t n;
	const char *r;

	if (!t || t->type != JSMN_PRIMITIVE)
		return false;
	r = sinsp_json_raw(d, i, &n);
	return strlen(lit) == n && memcmp(r, lit, n) == 0;
}

bool sinsp_json_is_null(const struct sinsp_json_doc *d, int i)
{
	return prim_is(d, i, "null");
}

bool sinsp_json_is_string(const struct sinsp_json_doc *d, int i)
{
	return sinsp_json_type(d, i) == SINSP_JSON_STRING;
}

bool sinsp_json_is_scalar(const struct sinsp_json_doc *d, int i)
{
	enum sinsp_json_type t = sinsp_json_type(d, i);

	return t == SINSP_JSON_STRING || (t == SINSP_JSON_PRIMITIVE && !sinsp_json_is_null(d, i));
}

bool sinsp_json_bool(const struct sinsp_json_doc *d, int i, bool *out)
{
	if (prim_is(d, i, "true")) {
		*out = true;
		return true;
	}
	if (prim_is(d, i, "false")) {
		*out = false;
		return true;
	}
	return false;
}

bool sinsp_json_i64(const struct sinsp_json_doc *d, int i, int64_t *out)
{
	size_t n, k = 0;
	const char *s;
	bool neg = false, over = false;
	uint64_t v = 0;
	long exp = 0;
	int frac_digits = 0;

	if (sinsp_json_type(d, i) != SINSP_JSON_PRIMITIVE)
		return false;
	s = sinsp_json_raw(d, i, &n);
	if (n && s[0] == '-') {
		neg = true;
		k++;
	}
	if (k >= n || s[k] < '0' || s[k] > '9')
		return false;
	/* mantissa digits (integer and fraction parts) */
	for (; k < n && s[k] >= '0' && s[k] <= '9'; k++) {
		if (v > (UINT64_MAX - 9) / 10)
			over = true;
		else
			v = v * 10 + (uint64_t)(s[k] - '0');
	}
	if (k < n && s[k] == '.') {
		k++;
		for (; k < n && s[k] >= '0' && s[k] <= '9'; k++) {
			if (!over && v <= (UINT64_MAX - 9) / 10) {
				v = v * 10 + (uint64_t)(s[k] - '0');
				frac_digits++;
			}
		}
	}
	if (k < n && (s[k] == 'e' || s[k] == 'E')) {
		bool eneg = false;
		k++;
		if (k < n && (s[k] == '+' || s[k] == '-'))
			eneg = s[k++] == '-';
		if (k >= n)
			return false;
		for (; k < n && s[k] >= '0' && s[k] <= '9'; k++)
			if (exp < 100000)
				exp = exp * 10 + (s[k] - '0');
		if (eneg)
			exp = -exp;
	}
	if (k != n)
		return false;
	exp -= frac_digits;
	for (; exp > 0 && !over && v; exp--) {
		if (v > UINT64_MAX / 10)
			over = true;
		else
			v *= 10;
	}
	for (; exp < 0 && v; exp++)
		v /= 10;
	if (neg) {
		if (over || v > (uint64_t)INT64_MAX + 1)
			*out = INT64_MIN;
		else
			*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	} else {
		*out = over || v > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)v;
	}
	return true;
}

/* ---- strings ----------------------------------------------------------- */

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned hexval(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	return (unsigned)(c - 'A' + 10);
}

/* \uXXXX at s[i] (i at the 'u'); the code unit or -1. */
static long read_u4(const char *s, size_t n, size_t i)
{
	unsigned v = 0;

	if (i + 5 > n)
		return -1;
	for (size_t k = 1; k <= 4; k++) {
		if (!is_hex(s[i + k]))
			return -1;
		v = v << 4 | hexval(s[i + k]);
	}
	return (long)v;
}

static size_t put_utf8(char *o, unsigned long cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t sinsp_json_unescape(const char *s, size_t n, char *o)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\' || i + 1 >= n) {
			o[w++] = s[i];
			continue;
		}
		i++;
		switch (s[i]) {
		case 'b': o[w++] = '\b'; break;
		case 'f': o[w++] = '\f'; break;
		case 'n': o[w++] = '\n'; break;
		case 'r': o[w++] = '\r'; break;
		case 't': o[w++] = '\t'; break;
		case 'u': {
			long u = read_u4(s, n, i);
			unsigned long cp = 0xFFFD;
			if (u < 0) {
				o[w++] = '?'; /* jsmn lets none through */
				break;
			}
			i += 4;
			if (u >= 0xD800 && u <= 0xDBFF && i + 2 < n && s[i + 1] == '\\' && s[i + 2] == 'u') {
				long lo = read_u4(s, n, i + 2);
				if (lo >= 0xDC00 && lo <= 0xDFFF) {
					cp = 0x10000 + (((unsigned long)u - 0xD800) << 10) +
					     ((unsigned long)lo - 0xDC00);
					i += 6;
				}
			} else if (u != 0 && (u < 0xD800 || u > 0xDFFF)) {
				cp = (unsigned long)u;
			}
			w += put_utf8(o + w, cp);
			break;
		}
		default: /* " \ / */ o[w++] = s[i]; break;
		}
	}
	o[w] = '\0';
	return w;
}

/* Length of the UTF-8 sequence starting with byte c (1 for anything else). */
static size_t seq_len(unsigned char c)
{
	if (c >= 0xF0 && c <= 0xF4)
		return 4;
	if (c >= 0xE0)
		return c <= 0xEF ? 3 : 1;
	if (c >= 0xC2)
		return 2;
	return 1;
}

char *sinsp_json_strdup(const struct sinsp_json_doc *d, int i)
{
	size_t n = 0;
	const char *r = NULL;
	char *o;

	if (sinsp_json_is_scalar(d, i))
		r = sinsp_json_raw(d, i, &n);
	o = malloc(n + 1);
	if (!o)
		return NULL;
	if (sinsp_json_type(d, i) == SINSP_JSON_STRING) {
		sinsp_json_unescape(r, n, o);
	} else {
		if (n)
			memcpy(o, r, n);
		o[n] = '\0';
	}
	return o;
}

size_t sinsp_json_str(const struct sinsp_json_doc *d, int i, char *buf, size_t buflen)
{
	size_t n = 0, full, cut;
	const char *r = NULL;
	char small[512];
	char *tmp;

	if (sinsp_json_is_scalar(d, i))
		r = sinsp_json_raw(d, i, &n);
	if (sinsp_json_type(d, i) != SINSP_JSON_STRING || !memchr(r, '\\', n)) {
		tmp = NULL;
		full = n;
	} else {
		tmp = n < sizeof(small) ? small : malloc(n + 1);
		if (!tmp) {
			if (buf && buflen)
				buf[0] = '\0';
			return 0;
		}
		full = sinsp_json_unescape(r, n, tmp);
		r = tmp;
	}
	if (buf && buflen) {
		cut = full < buflen - 1 ? full : buflen - 1;
		if (cut < full) {
			/* do not split a UTF-8 sequence */
			size_t k = cut;
			while (k > 0 && ((unsigned char)r[k] & 0xC0) == 0x80)
				k--;
			if (k < cut && k + seq_len((unsigned char)r[k]) > cut)
				cut = k;
		}
		if (cut)
			memcpy(buf, r, cut);
		buf[cut] = '\0';
	}
	if (tmp && tmp != small)
		free(tmp);
	return full;
}

/* ====================================================================== */
/* Writer                                                                 */
/* ====================================================================== */

void sinsp_json_writer_init(struct sinsp_json_writer *w, size_t max)
{
	memset(w, 0, sizeof(*w));
	w->max = max;
	w->first[0] = true;
}

void sinsp_json_writer_reset(struct sinsp_json_writer *w)
{
	size_t max = w->max;

	free(w->buf);
	sinsp_json_writer_init(w, max);
}

char *sinsp_json_writer_take(struct sinsp_json_writer *w, size_t *len, int *err)
{
	char *r = NULL;

	if (!w->err && w->depth != 0)
		w->err = SINSP_JSON_WERR_DEPTH;
	if (err)
		*err = w->err;
	if (!w->err && w->buf) {
		r = w->buf;
		if (len)
			*len = w->len;
		w->buf = NULL;
	} else if (len) {
		*len = 0;
	}
	sinsp_json_writer_reset(w);
	return r;
}

static bool reserve(struct sinsp_json_writer *w, size_t more)
{
	size_t need;
	char *nb;

	if (w->err)
		return false;
	if (more > w->max || w->len > w->max - more) {
		w->err = SINSP_JSON_WERR_TOOBIG;
		return false;
	}
	need = w->len + more + 1; /* and the NUL */
	if (need <= w->cap)
		return true;
	{
		size_t nc = w->cap ? w->cap : 1024;
		while (nc < need)
			nc = nc > SIZE_MAX / 2 ? need : nc * 2;
		nb = realloc(w->buf, nc);
		if (!nb) {
			w->err = SINSP_JSON_WERR_NOMEM;
			return false;
		}
		w->buf = nb;
		w->cap = nc;
	}
	return true;
}

static void put(struct sinsp_json_writer *w, const char *s, size_t n)
{
	if (!reserve(w, n))
		return;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

/* Is s[i, n) a valid UTF-8 sequence start? Returns its length, 0 if not. */
static size_t utf8_ok(const unsigned char *s, size_t i, size_t n)
{
	unsigned char c = s[i];
	size_t l = seq_len(c);
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (l == 1 || i + l > n)
		return 0;
	for (size_t k = 1; k < l; k++)
		if ((s[i + k] & 0xC0) != 0x80)
			return 0;
	if (l == 2)
		return 2;
	if (l == 3) {
		cp = ((unsigned long)(c & 0x0F) << 12) | ((unsigned long)(s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
		return cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF) ? 3 : 0;
	}
	cp = ((unsigned long)(c & 0x07) << 18) | ((unsigned long)(s[i + 1] & 0x3F) << 12) |
	     ((unsigned long)(s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F);
	return cp >= 0x10000 && cp <= 0x10FFFF ? 4 : 0;
}

static void put_escaped(struct sinsp_json_writer *w, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0;

	put(w, "\"", 1);
	while (i < n && !w->err) {
		unsigned char c = u[i];
		const char *esc = NULL;
		char tmp[8];
		size_t l;

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			i++;
			run++;
			continue;
		}
		if (run) {
			put(w, s + i - run, run);
			run = 0;
		}
		if (c >= 0x80) {
			l = utf8_ok(u, i, n);
			if (l) {
				put(w, s + i, l);
				i += l;
			} else {
				put(w, "\xEF\xBF\xBD", 3); /* U+FFFD */
				i++;
			}
			continue;
		}
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		default:
			snprintf(tmp, sizeof(tmp), "\\u%04x", c);
			esc = tmp;
			break;
		}
		put(w, esc, strlen(esc));
		i++;
	}
	if (run)
		put(w, s + n - run, run);
	put(w, "\"", 1);
}

/* Separator and key before a value. */
static void member(struct sinsp_json_writer *w, const char *key)
{
	if (w->err)
		return;
	if (!w->first[w->depth])
		put(w, ",", 1);
	w->first[w->depth] = false;
	if (key) {
		put_escaped(w, key, strlen(key));
		put(w, ":", 1);
	}
}

static void open_(struct sinsp_json_writer *w, const char *key, char brace)
{
	member(w, key);
	if (w->err)
		return;
	if (w->depth >= SINSP_JSON_WRITER_MAX_DEPTH) {
		w->err = SINSP_JSON_WERR_DEPTH;
		return;
	}
	put(w, &brace, 1);
	w->depth++;
	w->first[w->depth] = true;
	w->kind[w->depth] = brace;
}

void sinsp_json_w_obj(struct sinsp_json_writer *w, const char *key)
{
	open_(w, key, '{');
}

void sinsp_json_w_arr(struct sinsp_json_writer *w, const char *key)
{
	open_(w, key, '[');
}

void sinsp_json_w_end(struct sinsp_json_writer *w)
{
	if (w->err)
		return;
	if (w->depth <= 0) {
		w->err = SINSP_JSON_WERR_DEPTH;
		return;
	}
	put(w, w->kind[w->depth] == '[' ? "]" : "}", 1);
	w->depth--;
}

void sinsp_json_w_strn(struct sinsp_json_writer *w, const char *key, const char *val, size_t n)
{
	member(w, key);
	put_escaped(w, val ? val : "", val ? n : 0);
}

void sinsp_json_w_str(struct sinsp_json_writer *w, const char *key, const char *val)
{
	sinsp_json_w_strn(w, key, val, val ? strlen(val) : 0);
}

void sinsp_json_w_i64(struct sinsp_json_writer *w, const char *key, int64_t v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%lld", (long long)v);

	member(w, key);
	put(w, tmp, (size_t)n);
}

void sinsp_json_w_u64(struct sinsp_json_writer *w, const char *key, uint64_t v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v);

	member(w, key);
	put(w, tmp, (size_t)n);
}

void sinsp_json_w_bool(struct sinsp_json_writer *w, const char *key, bool v)
{
	member(w, key);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void sinsp_json_w_null(struct sinsp_json_writer *w, const char *key)
{
	member(w, key);
	put(w, "null", 4);
}

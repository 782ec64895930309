/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json.h - internal to libsinsp (never installed): small JSON helpers over
 * jsmn, and a JSON writer.
 *
 * Reading: sinsp_json_parse() tokenizes a bounded document once (size, token
 * count and nesting depth are capped by the caller); values are then token
 * indices (int, -1 for "none") walked with the helpers below. Every helper
 * accepts -1 / out-of-range indices and then answers "absent", so lookups
 * chain without checks: sinsp_json_get(d, sinsp_json_get(d, 0, "Config"), "Labels").
 *
 * Writing: struct sinsp_json_writer appends to a growing buffer capped at a
 * maximum size; strings are escaped (quotes, backslash, control characters
 * as \n \t ... or \u00XX) and their UTF-8 is checked (an invalid byte
 * becomes U+FFFD), so the output is always valid JSON. Errors (cap reached,
 * out of memory, nesting too deep) are sticky and reported by
 * sinsp_json_writer_take().
 *
 * No global state; nothing printed. A document or a writer is used by one
 * thread at a time.
 */
#ifndef SINSP_JSON_H
#define SINSP_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sinsp_json_type {
	SINSP_JSON_NONE = 0,
	SINSP_JSON_OBJECT,
	SINSP_JSON_ARRAY,
	SINSP_JSON_STRING,
	SINSP_JSON_PRIMITIVE
};

struct sinsp_json_doc;

/*
 * Parse js[0, len) (trailing NULs and blanks ignored): exactly one JSON
 * object or array, nothing after it. Refused, with a
 * message in err: more than max_tokens tokens, nesting deeper than max_depth,
 * NUL bytes inside, malformed or truncated text, no memory. The document
 * keeps a pointer to js (not a copy): js must outlive it. Returns 0 and
 * *out, or -1.
 */
int sinsp_json_parse(const char *js, size_t len, int max_tokens, int max_depth, struct sinsp_json_doc **out, char *err,
		     size_t errlen);
void sinsp_json_free(struct sinsp_json_doc *d);
/* Nesting depth of s[0, n) (brackets outside strings); stops counting past
 * max (checked before tokenizing, so that a deep document costs nothing). */
int sinsp_json_depth(const char *s, size_t n, int max);

int sinsp_json_ntok(const struct sinsp_json_doc *d);
enum sinsp_json_type sinsp_json_type(const struct sinsp_json_doc *d, int i); /* SINSP_JSON_NONE for a bad index */
/* Children of an object (its keys) or array (its elements); 0 otherwise. */
int sinsp_json_size(const struct sinsp_json_doc *d, int i);
/* Index just past the subtree of token i. */
int sinsp_json_skip(const struct sinsp_json_doc *d, int i);
/* First child: the first key of an object / element of an array; -1 when
 * none. The next child is sinsp_json_skip(d, child) while fewer than
 * sinsp_json_size(d, i) were visited; for an object the value of key k is k + 1. */
int sinsp_json_first(const struct sinsp_json_doc *d, int i);

/* Value of key in object obj (the last one when the key repeats, as
 * jsoncpp); -1 when obj is not an object or has no such key. */
int sinsp_json_get(const struct sinsp_json_doc *d, int obj, const char *key);
/* sinsp_json_get() along a NULL-terminated list of keys. */
int sinsp_json_getv(const struct sinsp_json_doc *d, int obj, ...);
/* Element idx of an array, or -1. */
int sinsp_json_at(const struct sinsp_json_doc *d, int arr, int idx);

bool sinsp_json_is_null(const struct sinsp_json_doc *d, int i); /* the literal null */
bool sinsp_json_is_string(const struct sinsp_json_doc *d, int i);
/* A string, number or boolean (what jsoncpp's asString() converts). */
bool sinsp_json_is_scalar(const struct sinsp_json_doc *d, int i);
/* Does token i (a string) decode exactly to s? */
bool sinsp_json_str_eq(const struct sinsp_json_doc *d, int i, const char *s);
/* true/false literals only. */
bool sinsp_json_bool(const struct sinsp_json_doc *d, int i, bool *out);
/* A number: integers exactly (within int64), fractions truncated toward 0,
 * exponents honoured, saturating at the int64 limits. false for non-numbers. */
bool sinsp_json_i64(const struct sinsp_json_doc *d, int i, int64_t *out);

/* Raw text of token i (string tokens without their quotes); NULL for a bad
 * index. */
const char *sinsp_json_raw(const struct sinsp_json_doc *d, int i, size_t *len);
/*
 * String value of a scalar: strings unescaped (\u0000 and lone surrogates
 * become U+FFFD), numbers and booleans verbatim, null and containers "".
 * Writes at most buflen-1 bytes and a NUL (never cutting a UTF-8 sequence);
 * returns the full decoded length (> buflen-1 means it was cut).
 */
size_t sinsp_json_str(const struct sinsp_json_doc *d, int i, char *buf, size_t buflen);
/* Same, as a new string (caller frees); NULL when out of memory. */
char *sinsp_json_strdup(const struct sinsp_json_doc *d, int i);

/* Unescape a JSON string body s[0, n) into o (room for n + 1 bytes: never
 * longer than the input); returns the length. */
size_t sinsp_json_unescape(const char *s, size_t n, char *o);

/* ---- writer ------------------------------------------------------------ */

#define SINSP_JSON_WRITER_MAX_DEPTH 32

struct sinsp_json_writer {
	char *buf;
	size_t len, cap, max;
	int depth;
	bool first[SINSP_JSON_WRITER_MAX_DEPTH + 1]; /* no member written yet at this depth */
	char kind[SINSP_JSON_WRITER_MAX_DEPTH + 1];  /* '{' or '[' */
	int err;                                     /* 0, or SINSP_JSON_WERR_* */
};

enum { SINSP_JSON_WERR_NOMEM = 1, SINSP_JSON_WERR_TOOBIG = 2, SINSP_JSON_WERR_DEPTH = 3 };

/* max: the largest output accepted (the NUL excluded). */
void sinsp_json_writer_init(struct sinsp_json_writer *w, size_t max);
/* The output (NUL-terminated, caller frees) and its length, or NULL (and
 * *err set to SINSP_JSON_WERR_*) when an error occurred or containers are left
 * open. The writer is reset either way. */
char *sinsp_json_writer_take(struct sinsp_json_writer *w, size_t *len, int *err);
void sinsp_json_writer_reset(struct sinsp_json_writer *w);

/* key: NULL inside arrays and at the top level; the member name in objects. */
void sinsp_json_w_obj(struct sinsp_json_writer *w, const char *key);
void sinsp_json_w_arr(struct sinsp_json_writer *w, const char *key);
void sinsp_json_w_end(struct sinsp_json_writer *w); /* closes the innermost object/array */
void sinsp_json_w_str(struct sinsp_json_writer *w, const char *key, const char *val); /* NULL val: "" */
void sinsp_json_w_strn(struct sinsp_json_writer *w, const char *key, const char *val, size_t n);
void sinsp_json_w_i64(struct sinsp_json_writer *w, const char *key, int64_t v);
void sinsp_json_w_u64(struct sinsp_json_writer *w, const char *key, uint64_t v);
void sinsp_json_w_bool(struct sinsp_json_writer *w, const char *key, bool v);
void sinsp_json_w_null(struct sinsp_json_writer *w, const char *key);

#endif

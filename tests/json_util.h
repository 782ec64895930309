/* SPDX-License-Identifier: Apache-2.0 */
/* Small read-only JSON access on top of jsmn, for tests. */
#ifndef JSON_UTIL_H
#define JSON_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSMN_STATIC
#include <jsmn.h>

struct json {
	const char *text;
	jsmntok_t *tok;
	int ntok;
};

/* Parse text (kept by reference); returns 0 or -1. */
int json_parse(struct json *j, const char *text, size_t len);
void json_free(struct json *j);
/* Index of the token after the subtree rooted at i. */
int json_next(const struct json *j, int i);
/* Value token of key in object obj, or -1. */
int json_get(const struct json *j, int obj, const char *key);
/* Element k of array arr, or -1. */
int json_at(const struct json *j, int arr, int k);
bool json_streq(const struct json *j, int i, const char *s);
int64_t json_int(const struct json *j, int i);
/* Unescaped string value into out (NUL-terminated); returns its length
 * (which may include NULs from \u0000) or -1. */
int json_str(const struct json *j, int i, char *out, size_t cap);

#endif

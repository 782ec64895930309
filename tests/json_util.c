/* SPDX-License-Identifier: Apache-2.0 */
#include "json_util.h"

#include <stdlib.h>
#include <string.h>

int json_parse(struct json *j, const char *text, size_t len)
{
	jsmn_parser p;
	int n;

	memset(j, 0, sizeof(*j));
	jsmn_init(&p);
	n = jsmn_parse(&p, text, len, NULL, 0);
	if (n <= 0)
		return -1;
	j->tok = calloc((size_t)n, sizeof(*j->tok));
	if (!j->tok)
		return -1;
	jsmn_init(&p);
	if (jsmn_parse(&p, text, len, j->tok, (unsigned)n) != n) {
		free(j->tok);
		j->tok = NULL;
		return -1;
	}
	j->text = text;
	j->ntok = n;
	return 0;
}

void json_free(struct json *j)
{
	free(j->tok);
	j->tok = NULL;
}

int json_next(const struct json *j, int i)
{
	int end = j->tok[i].end;

	i++;
	while (i < j->ntok && j->tok[i].start < end)
		i++;
	return i;
}

bool json_streq(const struct json *j, int i, const char *s)
{
	size_t n = strlen(s);

	return i >= 0 && j->tok[i].type == JSMN_STRING && (size_t)(j->tok[i].end - j->tok[i].start) == n &&
	       memcmp(j->text + j->tok[i].start, s, n) == 0;
}

int json_get(const struct json *j, int obj, const char *key)
{
	if (obj < 0 || j->tok[obj].type != JSMN_OBJECT)
		return -1;
	int i = obj + 1;
	for (int k = 0; k < j->tok[obj].size; k++) {
		if (json_streq(j, i, key))
			return i + 1;
		i = json_next(j, i + 1);
	}
	return -1;
}

int json_at(const struct json *j, int arr, int k)
{
	if (arr < 0 || j->tok[arr].type != JSMN_ARRAY || k >= j->tok[arr].size)
		return -1;
	int i = arr + 1;
	while (k--)
		i = json_next(j, i);
	return i;
}

int64_t json_int(const struct json *j, int i)
{
	return i < 0 ? 0 : strtoll(j->text + j->tok[i].start, NULL, 10);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int json_str(const struct json *j, int i, char *out, size_t cap)
{
	size_t n = 0;

	if (i < 0 || j->tok[i].type != JSMN_STRING || cap == 0)
		return -1;
	for (int k = j->tok[i].start; k < j->tok[i].end && n + 4 < cap; k++) {
		char c = j->text[k];
		if (c != '\\') {
			out[n++] = c;
			continue;
		}
		c = j->text[++k];
		switch (c) {
		case 'n': out[n++] = '\n'; break;
		case 't': out[n++] = '\t'; break;
		case 'r': out[n++] = '\r'; break;
		case 'b': out[n++] = '\b'; break;
		case 'f': out[n++] = '\f'; break;
		case 'u': {
			unsigned v = 0;
			for (int d = 0; d < 4; d++)
				v = v * 16 + (unsigned)hexval(j->text[++k]);
			if (v < 0x80) {
				out[n++] = (char)v;
			} else if (v < 0x800) {
				out[n++] = (char)(0xC0 | (v >> 6));
				out[n++] = (char)(0x80 | (v & 0x3F));
			} else {
				out[n++] = (char)(0xE0 | (v >> 12));
				out[n++] = (char)(0x80 | ((v >> 6) & 0x3F));
				out[n++] = (char)(0x80 | (v & 0x3F));
			}
			break;
		}
		default: out[n++] = c; break;
		}
	}
	out[n] = 0;
	return (int)n;
}

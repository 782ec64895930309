/* SPDX-License-Identifier: Apache-2.0 */
/* Alerts as Falco's JSON lines: the keys Falco writes with json_output
 * (hostname, output, output_fields, priority, rule, source, tags, time in
 * RFC 3339 with nanoseconds, UTC). No allocation: the output is rendered in
 * the caller's buffer and fixed-size stack space. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "filter.h"
#include "filter_rules.h"
#include "scap.h"

struct jbuf {
	char *p;
	size_t cap, n; /* n may exceed cap: the length needed */
};

static void jput(struct jbuf *b, const char *s, size_t len)
{
	if (b->n < b->cap) {
		size_t room = b->cap - b->n;
		memcpy(b->p + b->n, s, len < room ? len : room);
	}
	b->n += len;
}

static void jstr(struct jbuf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	jput(b, "\"", 1);
	for (const char *run = s;; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch && ch != '"' && ch != '\\' && ch >= 0x20)
			continue;
		jput(b, run, (size_t)(s - run));
		if (!ch)
			break;
		if (ch == '"' || ch == '\\') {
			char esc[2] = {'\\', (char)ch};
			jput(b, esc, 2);
		} else {
			char esc[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15]};
			jput(b, esc, 6);
		}
		run = s + 1;
	}
	jput(b, "\"", 1);
}

SCAP_EXPORT int filter_ruleset_alert_json(filter_ruleset_t *rs, size_t rule, const scap_evt_t *evt, uint64_t num,
					  void *user, const char *hostname, char *buf, size_t buflen)
{
	char out[16384], val[4096], tbuf[48];
	struct jbuf b = {buf, buflen ? buflen - 1 : 0, 0};
	filter_format_t *fmt;
	uint64_t ts;
	time_t secs;
	struct tm tm;
	int prio;

	if (!rs || !evt || (!buf && buflen) || (prio = filter_ruleset_rule_priority(rs, rule)) < 0)
		return FILTER_ERR_INVAL;
	if (!(fmt = filter_ruleset_rule_format(rs, rule)))
		return FILTER_ERR_INVAL;
	ts = scap_evt_ts(evt);
	secs = (time_t)(ts / 1000000000u);
	filter_format_render(fmt, evt, num, user, out, sizeof(out));
	jput(&b, "{\"hostname\":", 12);
	jstr(&b, hostname ? hostname : "");
	jput(&b, ",\"output\":", 10);
	jstr(&b, out);
	jput(&b, ",\"output_fields\":{", 18);
	for (size_t i = 0; i < filter_format_field_count(fmt); i++) {
		filter_format_render_field(fmt, i, evt, num, user, val, sizeof(val));
		if (i)
			jput(&b, ",", 1);
		const char *fname = filter_format_field_name(fmt, i);
		jstr(&b, fname ? fname : "");
		jput(&b, ":", 1);
		jstr(&b, val);
	}
	jput(&b, "},\"priority\":", 13);
	jstr(&b, filter_rules_priority_name(prio));
	jput(&b, ",\"rule\":", 8);
	const char *name = filter_ruleset_rule_name(rs, rule);
	jstr(&b, name ? name : "");
	jput(&b, ",\"source\":", 10);
	const char *src = filter_ruleset_rule_source(rs, rule);
	jstr(&b, src && *src ? src : "syscall");
	jput(&b, ",\"tags\":[", 9);
	for (size_t k = 0; k < filter_ruleset_rule_tag_count(rs, rule); k++) {
		if (k)
			jput(&b, ",", 1);
		const char *tag = filter_ruleset_rule_tag(rs, rule, k);
		jstr(&b, tag ? tag : "");
	}
	gmtime_r(&secs, &tm);
	size_t tl = strftime(tbuf, sizeof(tbuf), "%Y-%m-%dT%H:%M:%S", &tm);
	tl += (size_t)snprintf(tbuf + tl, sizeof(tbuf) - tl, ".%09" PRIu64 "Z", ts % 1000000000u);
	jput(&b, "],\"time\":\"", 10);
	jput(&b, tbuf, tl);
	jput(&b, "\"}", 2);
	if (buflen)
		buf[b.n < buflen ? b.n : buflen - 1] = '\0';
	return b.n > (size_t)0x7fffffff ? 0x7fffffff : (int)b.n;
}

SCAP_EXPORT int filter_ruleset_alert_text(filter_ruleset_t *rs, size_t rule, const scap_evt_t *evt, uint64_t num,
					  void *user, char *buf, size_t buflen)
{
	filter_format_t *fmt;
	uint64_t ts;
	time_t secs;
	struct tm tm;
	char head[64];
	int prio, hl;

	if (!rs || !evt || (!buf && buflen) || (prio = filter_ruleset_rule_priority(rs, rule)) < 0 ||
	    !(fmt = filter_ruleset_rule_format(rs, rule)))
		return FILTER_ERR_INVAL;
	ts = scap_evt_ts(evt);
	secs = (time_t)(ts / 1000000000u);
	localtime_r(&secs, &tm);
	hl = (int)strftime(head, sizeof(head), "%H:%M:%S", &tm);
	hl += snprintf(head + hl, sizeof(head) - (size_t)hl, ".%09" PRIu64 ": %s ", ts % 1000000000u,
		       filter_rules_priority_name(prio));
	if (buflen == 0)
		return hl + filter_format_render(fmt, evt, num, user, NULL, 0);
	size_t keep = (size_t)hl < buflen - 1 ? (size_t)hl : buflen - 1;
	memcpy(buf, head, keep);
	buf[keep] = '\0';
	int n = filter_format_render(fmt, evt, num, user, buf + keep, buflen - keep);
	return n < 0 ? n : hl + n;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* An event as one line of text, sysdig's default output:
 *   NUM HH:MM:SS.NNNNNNNNN CPU COMM (TID) DIR TYPE NAME=VALUE...
 * (local time; COMM "<NA>" for threads the state does not know). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "sinsp.h"

struct line {
	char *p;
	size_t cap, n; /* n < cap once cap > 0 */
};

__attribute__((format(printf, 2, 3))) static void app(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (l->n + 1 >= l->cap)
		return;
	va_start(ap, fmt);
	r = vsnprintf(l->p + l->n, l->cap - l->n, fmt, ap);
	va_end(ap);
	if (r > 0)
		l->n = l->n + (size_t)r < l->cap - 1 ? l->n + (size_t)r : l->cap - 1;
}

SCAP_EXPORT int sinsp_evt_line(const sinsp_evt_t *se, uint32_t snaplen, char *buf, size_t buflen)
{
	struct line l = {buf, buflen, 0};
	char val[4096], tbuf[32];
	const scap_evt_t *e;

	if (!se || !buf || buflen == 0)
		return SCAP_ERR_INVAL;
	buf[0] = '\0';
	e = sinsp_evt_scap(se);
	uint64_t ts = scap_evt_ts(e);
	time_t secs = (time_t)(ts / 1000000000u);
	struct tm tm;
	uint16_t type = scap_evt_type(e);
	const char *name = scap_event_name(type);
	const sinsp_thread_t *t = sinsp_evt_thread(se);
	const char *comm = t && !sinsp_thread_is_placeholder(t) ? sinsp_thread_comm(t) : "<NA>";

	localtime_r(&secs, &tm);
	strftime(tbuf, sizeof(tbuf), "%H:%M:%S", &tm);
	app(&l, "%" PRIu64 " %s.%09" PRIu64 " %u %s (%" PRId64 ") %c ", sinsp_evt_num(se), tbuf,
	    (uint64_t)(ts % 1000000000u), scap_evt_cpu(e), comm, scap_evt_tid(e),
	    scap_event_direction(type) == SCAP_DIR_ENTER ? '>' : '<');
	if (name)
		app(&l, "%s", name);
	else
		app(&l, "unknown(%u)", type);
	for (uint32_t i = 0; i < scap_evt_nparams(e); i++) {
		const char *pname = scap_event_param_name(type, i);
		scap_evt_param_format(e, i, val, sizeof(val), snaplen);
		if (pname)
			app(&l, " %s=%s", pname, val);
		else
			app(&l, " arg%u=%s", i, val);
	}
	return (int)l.n;
}

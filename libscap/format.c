/* SPDX-License-Identifier: Apache-2.0 */
/* Text rendering of event parameters, by schema type (sysdig-like). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "scap_int.h"

#define PPM_AF_UNIX 1
#define PPM_AF_INET 2
#define PPM_AF_INET6 10

struct out {
	char *buf;
	size_t cap;
	size_t n; /* length the full text would have */
};

static void out_mem(struct out *o, const char *s, size_t len)
{
	if (o->n < o->cap) {
		size_t room = o->cap - o->n;
		memcpy(o->buf + o->n, s, len < room ? len : room);
	}
	o->n += len;
}

static void out_str(struct out *o, const char *s)
{
	out_mem(o, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void out_fmt(struct out *o, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		out_mem(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* Escaped bytes: printable ASCII as is, \\ \n \t \r \0, others \xNN.
 * Stops at the first NUL when stop_at_nul. */
static void out_escaped(struct out *o, const uint8_t *p, size_t len, size_t max, bool stop_at_nul)
{
	size_t n = len < max ? len : max;

	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (c == 0 && stop_at_nul)
			return;
		if (c == '\\')
			out_str(o, "\\\\");
		else if (c >= 0x20 && c < 0x7f)
			out_mem(o, (const char *)&c, 1);
		else if (c == '\n')
			out_str(o, "\\n");
		else if (c == '\t')
			out_str(o, "\\t");
		else if (c == '\r')
			out_str(o, "\\r");
		else if (c == 0)
			out_str(o, "\\0");
		else
			out_fmt(o, "\\x%02x", c);
	}
	if (len > max)
		out_str(o, "...");
}

static void out_ip(struct out *o, const uint8_t *ip, int fam, uint16_t port, bool with_port)
{
	char tmp[INET6_ADDRSTRLEN];

	inet_ntop(fam == 4 ? AF_INET : AF_INET6, ip, tmp, sizeof(tmp));
	if (!with_port)
		out_str(o, tmp);
	else if (fam == 4)
		out_fmt(o, "%s:%u", tmp, port);
	else
		out_fmt(o, "[%s]:%u", tmp, port);
}

static void out_flags(struct out *o, const struct scap_flag_table *t, uint32_t v)
{
	char tmp[512];

	if (!t)
		return;
	int n = scap_flags_format(t, v, tmp, sizeof(tmp));
	if (n > 0) {
		out_str(o, "(");
		out_mem(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
		out_str(o, ")");
	}
}

static void out_sockaddr(struct out *o, const uint8_t *p, uint32_t len, uint32_t max)
{
	uint8_t fam = p[0];

	if (fam == PPM_AF_INET && len >= 7)
		out_ip(o, p + 1, 4, scap_rd16(p + 5), true);
	else if (fam == PPM_AF_INET6 && len >= 19)
		out_ip(o, p + 1, 6, scap_rd16(p + 17), true);
	else if (fam == PPM_AF_UNIX)
		out_escaped(o, p + 1, len - 1, len, true);
	else {
		out_fmt(o, "family %u:", fam);
		out_escaped(o, p + 1, len - 1, max, false);
	}
}

static void out_socktuple(struct out *o, const uint8_t *p, uint32_t len, uint32_t max)
{
	uint8_t fam = p[0];

	if (fam == PPM_AF_INET && len >= 13) {
		out_ip(o, p + 1, 4, scap_rd16(p + 5), true);
		out_str(o, "->");
		out_ip(o, p + 7, 4, scap_rd16(p + 11), true);
	} else if (fam == PPM_AF_INET6 && len >= 37) {
		out_ip(o, p + 1, 6, scap_rd16(p + 17), true);
		out_str(o, "->");
		out_ip(o, p + 19, 6, scap_rd16(p + 35), true);
	} else if (fam == PPM_AF_UNIX && len >= 17) {
		out_fmt(o, "%" PRIx64 "->%" PRIx64 " ", scap_rd64(p + 1), scap_rd64(p + 9));
		out_escaped(o, p + 17, len - 17, len, true);
	} else {
		out_fmt(o, "family %u:", fam);
		out_escaped(o, p + 1, len - 1, max, false);
	}
}

static void out_value(struct out *o, uint8_t type, uint8_t fmt, const struct scap_flag_table *ft,
		      const struct scap_dyn_table *dt, const uint8_t *p, uint32_t len, uint32_t max);

static void out_uint(struct out *o, uint64_t v, uint8_t fmt)
{
	if (fmt == SCAP_PF_HEX)
		out_fmt(o, "0x%" PRIx64, v);
	else if (fmt == SCAP_PF_OCT)
		out_fmt(o, "0%" PRIo64, v);
	else
		out_fmt(o, "%" PRIu64, v);
}

static void out_value(struct out *o, uint8_t type, uint8_t fmt, const struct scap_flag_table *ft,
		      const struct scap_dyn_table *dt, const uint8_t *p, uint32_t len, uint32_t max)
{
	uint32_t want = type < SCAP_PT_MAX ? scap_ptype_table[type].size : 0;
	uint64_t u = 0;
	int64_t s = 0;

	if (len == 0) {
		out_str(o, "<NA>");
		return;
	}
	if (want && len != want && type != SCAP_PT_IPADDR) {
		/* a fixed-size type with another size: show the bytes */
		out_escaped(o, p, len, max, false);
		return;
	}
	switch (want) {
	case 1: u = p[0]; s = (int8_t)p[0]; break;
	case 2: u = scap_rd16(p); s = (int16_t)u; break;
	case 4: u = scap_rd32(p); s = (int32_t)u; break;
	case 8: u = scap_rd64(p); s = (int64_t)u; break;
	default: break;
	}

	switch (type) {
	case SCAP_PT_INT8: case SCAP_PT_INT16: case SCAP_PT_INT32: case SCAP_PT_INT64:
	case SCAP_PT_FD: case SCAP_PT_PID: case SCAP_PT_FD32: case SCAP_PT_PID32:
		if (fmt == SCAP_PF_HEX || fmt == SCAP_PF_OCT)
			out_uint(o, u, fmt);
		else
			out_fmt(o, "%" PRId64, s);
		break;
	case SCAP_PT_ERRNO:
		if (fmt == SCAP_PF_HEX && (s >= 0 || s <= -4096)) {
			out_uint(o, u, fmt); /* an address, e.g. mmap's result */
			break;
		}
		out_fmt(o, "%" PRId64, s);
		if (s < 0 && s > -4096) {
			const char *name = strerrorname_np((int)-s);
			if (name)
				out_fmt(o, "(%s)", name);
			else
				out_fmt(o, "(E%" PRId64 ")", -s);
		}
		break;
	case SCAP_PT_UINT8: case SCAP_PT_UINT16: case SCAP_PT_UINT32: case SCAP_PT_UINT64:
	case SCAP_PT_RELTIME: case SCAP_PT_ABSTIME: case SCAP_PT_PORT: case SCAP_PT_L4PROTO:
	case SCAP_PT_SOCKFAMILY: case SCAP_PT_BOOL: case SCAP_PT_UID: case SCAP_PT_GID:
		out_uint(o, u, fmt);
		break;
	case SCAP_PT_SIGSET:
		out_fmt(o, "0x%" PRIx64, u);
		break;
	case SCAP_PT_FLAGS8: case SCAP_PT_FLAGS16: case SCAP_PT_FLAGS32:
	case SCAP_PT_ENUMFLAGS8: case SCAP_PT_ENUMFLAGS16: case SCAP_PT_ENUMFLAGS32:
		out_fmt(o, "%" PRIu64, u); /* decimal, then the names, as sysdig */
		out_flags(o, ft, (uint32_t)u);
		break;
	case SCAP_PT_MODE:
		out_fmt(o, "0%" PRIo64, u);
		out_flags(o, ft, (uint32_t)u);
		break;
	case SCAP_PT_SIGTYPE: {
		const char *abbrev = sigabbrev_np((int)u);
		out_fmt(o, "%" PRIu64, u);
		if (abbrev)
			out_fmt(o, "(SIG%s)", abbrev);
		break;
	}
	case SCAP_PT_SYSCALLID: {
		const char *name = scap_ppm_sc_name((uint32_t)u);
		if (name)
			out_str(o, name);
		else
			out_fmt(o, "%" PRIu64, u);
		break;
	}
	case SCAP_PT_DOUBLE: {
		double d;
		memcpy(&d, p, sizeof(d));
		out_fmt(o, "%g", d);
		break;
	}
	case SCAP_PT_IPV4ADDR:
		out_ip(o, p, 4, 0, false);
		break;
	case SCAP_PT_IPV6ADDR: /* the schema gives no fixed size: check it */
		if (len == 16)
			out_ip(o, p, 6, 0, false);
		else
			out_escaped(o, p, len, max, false);
		break;
	case SCAP_PT_IPADDR:
		if (len == 4 || len == 16)
			out_ip(o, p, len == 4 ? 4 : 6, 0, false);
		else
			out_escaped(o, p, len, max, false);
		break;
	case SCAP_PT_CHARBUF: case SCAP_PT_FSPATH: case SCAP_PT_FSRELPATH:
		out_escaped(o, p, len, len, true);
		break;
	case SCAP_PT_SOCKADDR:
		out_sockaddr(o, p, len, max);
		break;
	case SCAP_PT_SOCKTUPLE:
		out_socktuple(o, p, len, max);
		break;
	case SCAP_PT_FDLIST: {
		uint16_t n = len >= 2 ? scap_rd16(p) : 0;
		if (len < 2 || (uint32_t)2 + (uint32_t)n * 10 > len) {
			out_escaped(o, p, len, max, false);
			break;
		}
		for (uint16_t i = 0; i < n; i++) {
			const uint8_t *r = p + 2 + (size_t)i * 10;
			out_fmt(o, "%s%" PRId64 ":", i ? " " : "", (int64_t)scap_rd64(r));
			char tmp[160];
			const scap_flag_table_t *pt = scap_flag_table_find("poll_flags");
			int k = pt ? scap_flags_format(pt, scap_rd16(r + 8), tmp, sizeof(tmp)) : 0;
			if (k > 0 && (size_t)k < sizeof(tmp))
				out_str(o, tmp);
			else
				out_fmt(o, "0x%x", scap_rd16(r + 8));
		}
		break;
	}
	case SCAP_PT_DYN:
		if (dt && p[0] < dt->nentries) {
			const struct scap_dyn_entry *de = &dt->entries[p[0]];
			out_value(o, de->type, de->fmt, NULL, NULL, p + 1, len - 1, max);
		} else {
			out_escaped(o, p, len, max, false);
		}
		break;
	default: /* BYTEBUF and types not found in files */
		out_escaped(o, p, len, max, false);
		break;
	}
}

SCAP_EXPORT int scap_evt_param_format(const scap_evt_t *e, uint32_t i, char *buf, size_t buflen, uint32_t max_bytes)
{
	struct out o = {.buf = buf, .cap = buflen ? buflen - 1 : 0, .n = 0};
	uint8_t type = SCAP_PT_BYTEBUF, fmt = SCAP_PF_NA;
	const struct scap_flag_table *ft = NULL;
	const struct scap_dyn_table *dt = NULL;

	if (!e || i >= e->nparams) {
		if (buflen)
			buf[0] = 0;
		return SCAP_ERR_INVAL;
	}
	if (!max_bytes)
		max_bytes = 80;
	if (e->type < SCAP_EVENT_TABLE_SIZE && i < scap_event_table[e->type].nparams) {
		const struct scap_param_info *pi = &scap_event_table[e->type].params[i];
		type = pi->type;
		fmt = pi->fmt;
		if (pi->flag_table >= 0)
			ft = &scap_flag_tables[pi->flag_table];
		if (pi->dyn_table >= 0)
			dt = &scap_dyn_tables[pi->dyn_table];
	}
	out_value(&o, type, fmt, ft, dt, e->raw + e->poff[i], e->plen[i], max_bytes);
	if (buflen)
		buf[o.n < o.cap ? o.n : o.cap] = 0;
	return o.n > INT32_MAX ? INT32_MAX : (int)o.n;
}

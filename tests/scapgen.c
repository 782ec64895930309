/* SPDX-License-Identifier: Apache-2.0 */
#include "scapgen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sg_init(sg_buf *b)
{
	b->p = NULL;
	b->len = b->cap = 0;
}

void sg_free(sg_buf *b)
{
	free(b->p);
	sg_init(b);
}

static uint8_t *sg_grow(sg_buf *b, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		uint8_t *np;

		while (cap < b->len + n)
			cap *= 2;
		np = realloc(b->p, cap);
		if (!np) {
			fprintf(stderr, "scapgen: out of memory\n");
			abort();
		}
		b->p = np;
		b->cap = cap;
	}
	b->len += n;
	return b->p + b->len - n;
}

void sg_raw(sg_buf *b, const void *data, size_t n)
{
	uint8_t *d = sg_grow(b, n);

	if (data)
		memcpy(d, data, n);
	else
		memset(d, 0, n);
}

static void put_le(uint8_t *d, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		d[i] = (uint8_t)(v >> (8 * i));
}

void sg_u8(sg_buf *b, uint8_t v) { put_le(sg_grow(b, 1), v, 1); }
void sg_u16(sg_buf *b, uint16_t v) { put_le(sg_grow(b, 2), v, 2); }
void sg_u32(sg_buf *b, uint32_t v) { put_le(sg_grow(b, 4), v, 4); }
void sg_u64(sg_buf *b, uint64_t v) { put_le(sg_grow(b, 8), v, 8); }

void sg_str16(sg_buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	sg_u16(b, (uint16_t)n);
	sg_raw(b, s, n);
}

void sg_pad4(sg_buf *b)
{
	while (b->len % 4)
		sg_u8(b, 0);
}

void sg_set_u16(sg_buf *b, size_t off, uint16_t v) { put_le(b->p + off, v, 2); }
void sg_set_u32(sg_buf *b, size_t off, uint32_t v) { put_le(b->p + off, v, 4); }

uint32_t sg_get_u32(const sg_buf *b, size_t off)
{
	const uint8_t *d = b->p + off;

	return (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
}

size_t sg_block(sg_buf *b, uint32_t type, const void *body, size_t len)
{
	size_t off = b->len;
	uint32_t total = (uint32_t)(12 + ((len + 3) & ~(size_t)3));

	sg_u32(b, type);
	sg_u32(b, total);
	sg_raw(b, body, len);
	sg_pad4(b);
	sg_u32(b, total);
	return off;
}

size_t sg_shb_opts(sg_buf *b, uint16_t major, uint16_t minor, const sg_buf *opts)
{
	sg_buf body;
	size_t off;

	sg_init(&body);
	sg_u32(&body, SG_SHB_MAGIC);
	sg_u16(&body, major);
	sg_u16(&body, minor);
	sg_u64(&body, UINT64_MAX);
	if (opts)
		sg_raw(&body, opts->p, opts->len);
	off = sg_block(b, SG_SHB, body.p, body.len);
	sg_free(&body);
	return off;
}

size_t sg_shb(sg_buf *b, uint16_t major, uint16_t minor) { return sg_shb_opts(b, major, minor, NULL); }

void sg_opt(sg_buf *opts, uint16_t code, const void *val, uint16_t len)
{
	sg_u16(opts, code);
	sg_u16(opts, len);
	sg_raw(opts, val, len);
	sg_pad4(opts);
}

void sg_opt_end(sg_buf *opts) { sg_u32(opts, 0); }

size_t sg_mi(sg_buf *b, uint32_t ncpus, uint64_t mem, uint64_t maxpid, const char *host,
	     uint64_t boot_ts)
{
	uint8_t body[180] = {0};
	sg_buf t;
	size_t off;

	sg_init(&t);
	sg_u32(&t, ncpus);
	sg_u64(&t, mem);
	sg_u64(&t, maxpid);
	memcpy(body, t.p, t.len);
	memcpy(body + 20, host, strlen(host) < 127 ? strlen(host) : 127);
	put_le(body + 148, boot_ts, 8);
	sg_free(&t);
	off = sg_block(b, SG_MI, body, sizeof(body));
	return off;
}

uint32_t sg_lenwidth(uint16_t type) { return (type == 322 || type == 324 || type == 402) ? 4 : 2; }

void sg_event(sg_buf *ev, int hdr_version, uint64_t ts, int64_t tid, uint16_t type,
	      uint32_t nparams, const struct sg_param *params, uint32_t lenwidth)
{
	uint32_t len = hdr_version == 1 ? 22 : 26;

	if (!lenwidth)
		lenwidth = sg_lenwidth(type);
	len += nparams * lenwidth;
	for (uint32_t i = 0; i < nparams; i++)
		len += params[i].len;
	sg_u64(ev, ts);
	sg_u64(ev, (uint64_t)tid);
	sg_u32(ev, len);
	sg_u16(ev, type);
	if (hdr_version != 1)
		sg_u32(ev, nparams);
	for (uint32_t i = 0; i < nparams; i++) {
		if (lenwidth == 4)
			sg_u32(ev, params[i].len);
		else
			sg_u16(ev, (uint16_t)params[i].len);
	}
	for (uint32_t i = 0; i < nparams; i++)
		sg_raw(ev, params[i].data, params[i].len);
}

size_t sg_ev_block(sg_buf *b, uint32_t block_type, uint16_t cpu, uint32_t flags, const sg_buf *ev,
		   const sg_buf *opts)
{
	sg_buf body;
	size_t off;

	sg_init(&body);
	sg_u16(&body, cpu);
	if (block_type == SG_EVF || block_type == SG_EVF_V2 || block_type == SG_EVF_V2_LARGE)
		sg_u32(&body, flags);
	sg_raw(&body, ev->p, ev->len);
	if (opts) {
		sg_pad4(&body);
		sg_raw(&body, opts->p, opts->len);
	}
	off = sg_block(b, block_type, body.p, body.len);
	sg_free(&body);
	return off;
}

static size_t ev_shortcut(sg_buf *b, uint32_t btype, int hv, uint32_t flags, uint16_t cpu,
			  uint64_t ts, int64_t tid, uint16_t type, uint32_t nparams,
			  const struct sg_param *params, uint32_t lenwidth)
{
	sg_buf ev;
	size_t off;

	sg_init(&ev);
	sg_event(&ev, hv, ts, tid, type, nparams, params, lenwidth);
	off = sg_ev_block(b, btype, cpu, flags, &ev, NULL);
	sg_free(&ev);
	return off;
}

size_t sg_ev_v2(sg_buf *b, uint16_t cpu, uint64_t ts, int64_t tid, uint16_t type, uint32_t nparams,
		const struct sg_param *params, uint32_t lenwidth)
{
	return ev_shortcut(b, SG_EV_V2, 2, 0, cpu, ts, tid, type, nparams, params, lenwidth);
}

size_t sg_evf_v2(sg_buf *b, uint32_t flags, uint16_t cpu, uint64_t ts, int64_t tid, uint16_t type,
		 uint32_t nparams, const struct sg_param *params, uint32_t lenwidth)
{
	return ev_shortcut(b, SG_EVF_V2, 2, flags, cpu, ts, tid, type, nparams, params, lenwidth);
}

size_t sg_ev_v1(sg_buf *b, uint16_t cpu, uint64_t ts, int64_t tid, uint16_t type, uint32_t nparams,
		const struct sg_param *params)
{
	return ev_shortcut(b, SG_EV, 1, 0, cpu, ts, tid, type, nparams, params, 2);
}

void sg_pl_v9_entry(sg_buf *body, const struct sg_proc *p)
{
	size_t start = body->len;

	sg_u32(body, 0); /* entry_len, patched below */
	sg_u64(body, (uint64_t)p->tid);
	sg_u64(body, (uint64_t)p->pid);
	sg_u64(body, (uint64_t)p->ptid);
	sg_u64(body, (uint64_t)p->pid); /* sid */
	sg_u64(body, (uint64_t)p->pid); /* vpgid */
	sg_str16(body, p->comm);
	sg_str16(body, p->exe);
	sg_str16(body, p->exe); /* exepath */
	sg_str16(body, p->args);
	sg_str16(body, p->cwd);
	sg_u64(body, 1024); /* fdlimit */
	sg_u32(body, 0);    /* flags */
	sg_u32(body, p->uid);
	sg_u32(body, p->gid);
	sg_u32(body, 100); /* vmsize_kb */
	sg_u32(body, 50);  /* vmrss_kb */
	sg_u32(body, 0);   /* vmswap_kb */
	sg_u64(body, 1);   /* pfmajor */
	sg_u64(body, 2);   /* pfminor */
	sg_str16(body, "HOME=/root");
	sg_u64(body, (uint64_t)p->tid); /* vtid */
	sg_u64(body, (uint64_t)p->pid); /* vpid */
	sg_str16(body, "cpu=/");
	sg_str16(body, "/"); /* root */
	sg_set_u32(body, start, (uint32_t)(body->len - start));
}

void sg_fdl_v2_file(sg_buf *body, int64_t fd, uint64_t ino, const char *name)
{
	size_t start = body->len;

	sg_u32(body, 0);
	sg_u64(body, (uint64_t)fd);
	sg_u64(body, ino);
	sg_u8(body, 1); /* FILE */
	sg_str16(body, name);
	sg_set_u32(body, start, (uint32_t)(body->len - start));
}

void sg_il_v2_ipv4(sg_buf *body, const char *name, const uint8_t addr[4], const uint8_t mask[4],
		   const uint8_t bcast[4], uint64_t linkspeed)
{
	size_t start = body->len;

	sg_u32(body, 0);
	sg_u16(body, 1); /* IPv4 with link speed */
	sg_u16(body, (uint16_t)strlen(name));
	sg_raw(body, addr, 4);
	sg_raw(body, mask, 4);
	sg_raw(body, bcast, 4);
	sg_u64(body, linkspeed);
	sg_raw(body, name, strlen(name));
	sg_set_u32(body, start, (uint32_t)(body->len - start - 4)); /* excludes itself */
}

void sg_ul_v2_user(sg_buf *body, uint32_t uid, uint32_t gid, const char *name, const char *home,
		   const char *shell)
{
	size_t start = body->len;

	sg_u32(body, 0);
	sg_u8(body, 0);
	sg_u32(body, uid);
	sg_u32(body, gid);
	sg_str16(body, name);
	sg_str16(body, home);
	sg_str16(body, shell);
	sg_set_u32(body, start, (uint32_t)(body->len - start));
}

void sg_ul_v2_group(sg_buf *body, uint32_t gid, const char *name)
{
	size_t start = body->len;

	sg_u32(body, 0);
	sg_u8(body, 1);
	sg_u32(body, gid);
	sg_str16(body, name);
	sg_set_u32(body, start, (uint32_t)(body->len - start));
}

void sg_param_u64(struct sg_param *p, uint64_t *store, uint64_t v)
{
	*store = v;
	p->data = store;
	p->len = 8;
}

void sg_param_str(struct sg_param *p, const char *s)
{
	p->data = s;
	p->len = (uint32_t)strlen(s) + 1;
}

void sg_execve_x(sg_buf *b, uint64_t ts, int64_t tid, int64_t ptid, const char *exe, const char *comm,
		 const char *args, size_t args_len, const char *cwd, const char *cgroups, size_t cg_len)
{
	uint64_t v[7];
	uint32_t u[4] = {0, 0, 0, 34816};
	struct sg_param p[17];
	sg_param_u64(&p[0], &v[0], 0);
	sg_param_str(&p[1], exe);
	p[2] = (struct sg_param){args, (uint32_t)args_len};
	sg_param_u64(&p[3], &v[1], (uint64_t)tid);
	sg_param_u64(&p[4], &v[2], (uint64_t)tid);
	sg_param_u64(&p[5], &v[3], (uint64_t)ptid);
	sg_param_str(&p[6], cwd);
	sg_param_u64(&p[7], &v[4], 1024);
	sg_param_u64(&p[8], &v[5], 0);
	sg_param_u64(&p[9], &v[6], 0);
	for (int i = 0; i < 3; i++)
		p[10 + i] = (struct sg_param){&u[i], 4};
	sg_param_str(&p[13], comm);
	p[14] = (struct sg_param){cgroups, (uint32_t)cg_len};
	p[15] = (struct sg_param){NULL, 0};
	p[16] = (struct sg_param){&u[3], 4};
	sg_ev_v2(b, 0, ts, tid, 293, 17, p, 0);
}

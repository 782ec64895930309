/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The savefile writer (scap_dump_*): writes .scap captures, plain or gzip,
 * in the layout of current libscap writers (docs/scap-format.md of the
 * shared data): SHB 1.2, MI, IL_V2, UL_V2, PL_V9 (0.10+ tail), one FDL_V2
 * per thread, then EV_V2 / EVF_V2 / their _LARGE variants.
 *
 * Output goes through one buffer allocated at open (events are copied into
 * it piecewise: no allocation per event) and is written with write(2) or
 * gzwrite() when it fills. The first failure is kept (sticky) and reported
 * by every later call and by scap_dump_close().
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "scap_int.h"

/* Block type ids written (the reader's ids, savefile.c). */
#define BT_SHB 0x0A0D0D0Au
#define BT_MI 0x201u
#define BT_PL_V9 0x215u
#define BT_FDL_V2 0x218u
#define BT_IL_V2 0x219u
#define BT_UL_V2 0x220u
#define BT_EV_V2 0x216u
#define BT_EVF_V2 0x217u
#define BT_EV_V2_LARGE 0x221u
#define BT_EVF_V2_LARGE 0x222u

#define SHB_MAGIC 0x1A2B3C4Du
#define V1_HDR 22u
#define V2_HDR 26u
/* total_length - 8 of a non-LARGE event block may not exceed this. */
#define MAX_EVENT_BLOCK_READ 65536u
/* EVF flag bit 2 (large payload) is expressed by the _LARGE block id. */
#define EVTF_LARGE 0x4u

#define OUT_BUFSIZE (256u * 1024)

/* Reader limits on metadata strings (scap-format.md §2.1): longer strings
 * are cut so that the file stays readable. */
#define LIM_PROC_STR 1024u
#define LIM_PROC_LIST 4096u
#define LIM_FD_NAME 1023u
#define LIM_IF_NAME 1023u
#define LIM_USER_STR 255u

struct scap_dumper {
	int fd;      /* plain output, or -1 */
	gzFile gz;   /* gzip output, or NULL */
	char *path;
	uint8_t *out; /* output buffer */
	size_t olen;
	uint64_t count;
	int err; /* first error (sticky), 0 if none */
	char msg[SCAP_ERRBUF_SIZE];
	/* metadata block assembly, only during scap_dump_open() */
	uint8_t *mb;
	size_t mlen, mcap;
};

__attribute__((format(printf, 3, 4))) static int dseterr(scap_dumper_t *d, int code, const char *fmt, ...)
{
	va_list ap;

	if (d->err)
		return d->err; /* keep the first one */
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	d->err = code;
	return code;
}

/* ---- output ---- */

static int raw_write(scap_dumper_t *d, const void *p, size_t n)
{
	const uint8_t *b = p;

	if (d->err)
		return d->err;
	if (d->gz) {
		while (n) {
			unsigned chunk = n > (1u << 30) ? 1u << 30 : (unsigned)n;
			int w = gzwrite(d->gz, b, chunk);
			int saved = errno;
			if (w <= 0) {
				int zerr = Z_OK;
				const char *zmsg = gzerror(d->gz, &zerr);
				if (zerr == Z_ERRNO)
					return dseterr(d, SCAP_ERR_IO, "write error on '%s': %s", d->path, strerror(saved));
				return dseterr(d, SCAP_ERR_IO, "gzip error writing '%s': %s", d->path,
					       zmsg && zmsg[0] ? zmsg : "unknown");
			}
			b += w;
			n -= (size_t)w;
		}
		return 0;
	}
	while (n) {
		ssize_t w = write(d->fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return dseterr(d, SCAP_ERR_IO, "write error on '%s': %s", d->path, strerror(errno));
		if (w == 0)
			return dseterr(d, SCAP_ERR_IO, "write error on '%s': no progress", d->path);
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

static int out_flush(scap_dumper_t *d)
{
	size_t n = d->olen;

	d->olen = 0;
	return n ? raw_write(d, d->out, n) : d->err;
}

static inline int out_put(scap_dumper_t *d, const void *p, size_t n)
{
	if (__builtin_expect(OUT_BUFSIZE - d->olen >= n, 1)) {
		memcpy(d->out + d->olen, p, n);
		d->olen += n;
		return 0;
	}
	if (out_flush(d))
		return d->err;
	if (n >= OUT_BUFSIZE)
		return raw_write(d, p, n);
	memcpy(d->out, p, n);
	d->olen = n;
	return 0;
}

/* ---- metadata blocks: assembled in d->mb, then written whole ---- */

static void mb_raw(scap_dumper_t *d, const void *p, size_t n)
{
	if (d->err)
		return;
	if (d->mcap - d->mlen < n) {
		size_t cap = d->mcap ? d->mcap : 65536;
		while (cap - d->mlen < n)
			cap *= 2;
		uint8_t *nb = realloc(d->mb, cap);
		if (!nb) {
			dseterr(d, SCAP_ERR_NOMEM, "out of memory building the metadata of '%s'", d->path);
			return;
		}
		d->mb = nb;
		d->mcap = cap;
	}
	if (p)
		memcpy(d->mb + d->mlen, p, n);
	else
		memset(d->mb + d->mlen, 0, n);
	d->mlen += n;
}

static void mb_u8(scap_dumper_t *d, uint8_t v)
{
	mb_raw(d, &v, 1);
}

static void mb_u16(scap_dumper_t *d, uint16_t v)
{
	mb_raw(d, &v, 2);
}

static void mb_u32(scap_dumper_t *d, uint32_t v)
{
	mb_raw(d, &v, 4);
}

static void mb_u64(scap_dumper_t *d, uint64_t v)
{
	mb_raw(d, &v, 8);
}

static void mb_str16(scap_dumper_t *d, const char *s, size_t len, size_t limit)
{
	if (!s)
		len = 0;
	if (len > limit)
		len = limit;
	mb_u16(d, (uint16_t)len);
	if (len)
		mb_raw(d, s, len);
}

static void mb_set_u32(scap_dumper_t *d, size_t off, uint32_t v)
{
	if (!d->err)
		memcpy(d->mb + off, &v, 4);
}

/* Start a block: header placeholder. */
static void blk_begin(scap_dumper_t *d, uint32_t type)
{
	d->mlen = 0;
	mb_u32(d, type);
	mb_u32(d, 0);
}

/* Pad, add the trailer, fix the length, write the block. */
static int blk_end(scap_dumper_t *d)
{
	static const uint8_t zeros[4];

	mb_raw(d, zeros, (4 - d->mlen % 4) % 4);
	if (!d->err && d->mlen + 4 > UINT32_MAX)
		return dseterr(d, SCAP_ERR_INVAL, "metadata block of %zu bytes is too large for '%s'", d->mlen,
			       d->path);
	uint32_t total = (uint32_t)d->mlen + 4;
	mb_u32(d, total);
	mb_set_u32(d, 4, total);
	if (d->err)
		return d->err;
	return out_put(d, d->mb, d->mlen);
}

static int write_shb(scap_dumper_t *d)
{
	blk_begin(d, BT_SHB);
	mb_u32(d, SHB_MAGIC);
	mb_u16(d, 1); /* major */
	mb_u16(d, 2); /* minor */
	mb_u64(d, UINT64_MAX);
	return blk_end(d);
}

static int write_mi(scap_dumper_t *d, const struct scap_machine_info *mi)
{
	char host[128] = {0};

	blk_begin(d, BT_MI);
	mb_u32(d, mi->num_cpus);
	mb_u64(d, mi->memory_size_bytes);
	mb_u64(d, mi->max_pid);
	memcpy(host, mi->hostname, strnlen(mi->hostname, sizeof(host) - 1));
	mb_raw(d, host, sizeof(host));
	mb_u64(d, mi->boot_ts_epoch);
	mb_u64(d, mi->flags);
	mb_raw(d, NULL, 16); /* reserved */
	return blk_end(d);
}

/* IL_V2: the entry size does not count its own 4 bytes. */
static int write_il(scap_dumper_t *d, const struct scap_meta *m)
{
	blk_begin(d, BT_IL_V2);
	for (size_t i = 0; i < m->ifaces.n; i++) {
		const struct scap_iface *f = &m->ifaces.v[i];
		size_t alen = f->family == 6 ? 16 : 4;
		size_t nlen = f->name ? strlen(f->name) : 0;
		if (nlen > LIM_IF_NAME)
			nlen = LIM_IF_NAME;
		size_t start = d->mlen;
		mb_u32(d, 0);
		mb_u16(d, f->family == 6 ? 2 : 1); /* with link speed */
		mb_u16(d, (uint16_t)nlen);
		mb_raw(d, f->addr, alen);
		mb_raw(d, f->netmask, alen);
		mb_raw(d, f->bcast, alen);
		mb_u64(d, f->linkspeed);
		if (nlen)
			mb_raw(d, f->name, nlen);
		mb_set_u32(d, start, (uint32_t)(d->mlen - start - 4));
	}
	return blk_end(d);
}

static size_t cstrlen(const char *s)
{
	return s ? strlen(s) : 0;
}

/* UL_V2: users, then groups; entry lengths count themselves. */
static int write_ul(scap_dumper_t *d, const struct scap_meta *m)
{
	blk_begin(d, BT_UL_V2);
	for (size_t i = 0; i < m->users.n; i++) {
		const struct scap_user *u = &m->users.v[i];
		size_t start = d->mlen;
		mb_u32(d, 0);
		mb_u8(d, 0);
		mb_u32(d, u->uid);
		mb_u32(d, u->gid);
		mb_str16(d, u->name, cstrlen(u->name), LIM_USER_STR);
		mb_str16(d, u->homedir, cstrlen(u->homedir), LIM_USER_STR);
		mb_str16(d, u->shell, cstrlen(u->shell), LIM_USER_STR);
		mb_set_u32(d, start, (uint32_t)(d->mlen - start));
	}
	for (size_t i = 0; i < m->groups.n; i++) {
		const struct scap_group *g = &m->groups.v[i];
		size_t start = d->mlen;
		mb_u32(d, 0);
		mb_u8(d, 1);
		mb_u32(d, g->gid);
		mb_str16(d, g->name, cstrlen(g->name), LIM_USER_STR);
		mb_set_u32(d, start, (uint32_t)(d->mlen - start));
	}
	return blk_end(d);
}

static void pl_str(scap_dumper_t *d, const struct scap_tinfo *t, enum scap_tinfo_field f, size_t limit)
{
	mb_str16(d, t->sval[f - SCAP_TI_COMM], t->slen[f - SCAP_TI_COMM], limit);
}

/* PL_V9 with the 0.10+ tail, every field up to pgid. */
static int write_pl(scap_dumper_t *d, const struct scap_meta *m)
{
	blk_begin(d, BT_PL_V9);
	for (size_t i = 0; i < m->procs.n; i++) {
		const struct scap_tinfo *t = &m->procs.v[i];
		const int64_t *v = t->ival;
		size_t start = d->mlen;
		mb_u32(d, 0);
		mb_u64(d, (uint64_t)v[SCAP_TI_TID]);
		mb_u64(d, (uint64_t)v[SCAP_TI_PID]);
		mb_u64(d, (uint64_t)v[SCAP_TI_PTID]);
		mb_u64(d, (uint64_t)v[SCAP_TI_SID]);
		mb_u64(d, (uint64_t)v[SCAP_TI_VPGID]);
		pl_str(d, t, SCAP_TI_COMM, LIM_PROC_STR);
		pl_str(d, t, SCAP_TI_EXE, LIM_PROC_STR);
		pl_str(d, t, SCAP_TI_EXEPATH, LIM_PROC_STR);
		pl_str(d, t, SCAP_TI_ARGS, LIM_PROC_LIST);
		pl_str(d, t, SCAP_TI_CWD, LIM_PROC_STR);
		mb_u64(d, (uint64_t)v[SCAP_TI_FDLIMIT]);
		mb_u32(d, (uint32_t)v[SCAP_TI_FLAGS]);
		mb_u32(d, (uint32_t)v[SCAP_TI_UID]);
		mb_u32(d, (uint32_t)v[SCAP_TI_GID]);
		mb_u32(d, (uint32_t)v[SCAP_TI_VMSIZE_KB]);
		mb_u32(d, (uint32_t)v[SCAP_TI_VMRSS_KB]);
		mb_u32(d, (uint32_t)v[SCAP_TI_VMSWAP_KB]);
		mb_u64(d, (uint64_t)v[SCAP_TI_PFMAJOR]);
		mb_u64(d, (uint64_t)v[SCAP_TI_PFMINOR]);
		pl_str(d, t, SCAP_TI_ENV, LIM_PROC_LIST);
		mb_u64(d, (uint64_t)v[SCAP_TI_VTID]);
		mb_u64(d, (uint64_t)v[SCAP_TI_VPID]);
		pl_str(d, t, SCAP_TI_CGROUPS, LIM_PROC_LIST);
		pl_str(d, t, SCAP_TI_ROOT, LIM_PROC_STR);
		/* 0.10+ tail (76 bytes, more than 29: readers recognise it) */
		mb_u64(d, (uint64_t)v[SCAP_TI_PIDNS_INIT_START_TS]);
		mb_u32(d, (uint32_t)v[SCAP_TI_TTY]);
		mb_u32(d, (uint32_t)v[SCAP_TI_LOGINUID]);
		mb_u8(d, (uint8_t)v[SCAP_TI_EXE_WRITABLE]);
		mb_u64(d, (uint64_t)v[SCAP_TI_CAP_INHERITABLE]);
		mb_u64(d, (uint64_t)v[SCAP_TI_CAP_PERMITTED]);
		mb_u64(d, (uint64_t)v[SCAP_TI_CAP_EFFECTIVE]);
		mb_u8(d, (uint8_t)v[SCAP_TI_EXE_UPPER_LAYER]);
		mb_u64(d, (uint64_t)v[SCAP_TI_EXE_INO]);
		mb_u64(d, (uint64_t)v[SCAP_TI_EXE_INO_CTIME]);
		mb_u64(d, (uint64_t)v[SCAP_TI_EXE_INO_MTIME]);
		mb_u8(d, (uint8_t)v[SCAP_TI_EXE_FROM_MEMFD]);
		mb_u8(d, (uint8_t)v[SCAP_TI_EXE_LOWER_LAYER]);
		mb_u64(d, (uint64_t)v[SCAP_TI_PGID]);
		mb_set_u32(d, start, (uint32_t)(d->mlen - start));
	}
	return blk_end(d);
}

static void fd_entry(scap_dumper_t *d, const struct scap_fdinfo *f)
{
	size_t start = d->mlen;
	size_t n = f->iplen == 16 ? 16 : 4;

	mb_u32(d, 0);
	mb_u64(d, (uint64_t)f->fd);
	mb_u64(d, f->ino);
	mb_u8(d, (uint8_t)f->type);
	switch (f->type) {
	case SCAP_FD_UNKNOWN:
		break;
	case SCAP_FD_IPV4_SOCK:
	case SCAP_FD_IPV6_SOCK:
		n = f->type == SCAP_FD_IPV4_SOCK ? 4 : 16;
		mb_raw(d, f->sip, n);
		mb_raw(d, f->dip, n);
		mb_u16(d, f->sport);
		mb_u16(d, f->dport);
		mb_u8(d, f->l4proto);
		break;
	case SCAP_FD_IPV4_SERVSOCK:
	case SCAP_FD_IPV6_SERVSOCK:
		n = f->type == SCAP_FD_IPV4_SERVSOCK ? 4 : 16;
		mb_raw(d, f->sip, n);
		mb_u16(d, f->sport);
		mb_u8(d, f->l4proto);
		break;
	case SCAP_FD_UNIX_SOCK:
		mb_u64(d, f->unix_src);
		mb_u64(d, f->unix_dst);
		mb_str16(d, f->name, f->namelen, LIM_FD_NAME);
		break;
	case SCAP_FD_FILE_V2:
		mb_u32(d, f->open_flags);
		mb_str16(d, f->name, f->namelen, LIM_FD_NAME);
		mb_u32(d, f->dev);
		break;
	default: /* every other type: a name (readers skip unknown types by length) */
		mb_str16(d, f->name, f->namelen, LIM_FD_NAME);
		break;
	}
	mb_set_u32(d, start, (uint32_t)(d->mlen - start));
}

/* One FDL_V2 block per run of fds of the same thread, in table order (a
 * thread's fds are contiguous unless the source had several blocks for it;
 * keeping runs keeps the order of the fd table). */
static int write_fdls(scap_dumper_t *d, const struct scap_meta *m)
{
	size_t i = 0;

	while (i < m->fds.n && !d->err) {
		int64_t tid = m->fds.v[i].tid;
		blk_begin(d, BT_FDL_V2);
		mb_u64(d, (uint64_t)tid);
		for (; i < m->fds.n && m->fds.v[i].tid == tid; i++)
			fd_entry(d, &m->fds.v[i]);
		blk_end(d);
	}
	return d->err;
}

/* Machine info and interfaces from h (may be NULL); users, groups,
 * threads and fds from m (h's own metadata, or a builder's). */
static int write_metadata(scap_dumper_t *d, scap_t *h, const struct scap_meta *m)
{
	if (h && h->meta.have_mi)
		write_mi(d, &h->meta.mi);
	if (h && h->meta.ifaces.n)
		write_il(d, &h->meta);
	if (m->users.n || m->groups.n)
		write_ul(d, m);
	if (m->procs.n)
		write_pl(d, m);
	write_fdls(d, m);
	return d->err;
}

/* ---- metadata builder (scap_meta_*) ---- */

#define DEFAULT_META_BYTES (512u * 1024 * 1024)

struct scap_meta_builder {
	struct scap_meta m; /* the tables the writer reads; strings in m.arena */
	size_t max_bytes;
	int err; /* sticky: budget or memory exhausted */
	char msg[SCAP_ERRBUF_SIZE];
};

__attribute__((format(printf, 3, 4))) static int mseterr(scap_meta_t *b, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b->msg, sizeof(b->msg), fmt, ap);
	va_end(ap);
	if (code == SCAP_ERR_NOMEM)
		b->err = code;
	return code;
}

static size_t meta_used(const scap_meta_t *b)
{
	return b->m.bytes + b->m.arena.bytes;
}

/* SCAP_OK, or the sticky error; sets it when the budget is exceeded. */
static int meta_check(scap_meta_t *b, const char *what)
{
	if (b->err)
		return b->err;
	if (meta_used(b) > b->max_bytes)
		return mseterr(b, SCAP_ERR_NOMEM,
			       "metadata budget of %zu bytes exceeded adding %s (%zu bytes used; "
			       "scap_dump_opts.max_meta_bytes)",
			       b->max_bytes, what, meta_used(b));
	return SCAP_OK;
}

static void *meta_push(scap_meta_t *b, void *vec, size_t elsize, const char *what)
{
	void *slot;

	if (meta_check(b, what))
		return NULL;
	if (!(slot = scap_vec_push(vec, elsize, &b->m.bytes))) {
		mseterr(b, SCAP_ERR_NOMEM, "out of memory adding %s", what);
		return NULL;
	}
	if (meta_check(b, what)) {
		struct vec_layout { void *v; size_t n, cap; } *va = vec; /* every SCAP_VEC */
		va->n--;
		return NULL;
	}
	return slot;
}

/* A copy of len bytes (cut at limit) in the arena; NULL on error. */
static const char *meta_str(scap_meta_t *b, const char *s, size_t len, size_t limit, uint32_t *outlen,
			    const char *what)
{
	char *c;

	if (!s)
		len = 0;
	if (len > limit)
		len = limit;
	if (meta_check(b, what))
		return NULL;
	if (!(c = arena_strndup(&b->m.arena, s ? s : "", len))) {
		mseterr(b, SCAP_ERR_NOMEM, "out of memory adding %s", what);
		return NULL;
	}
	if (meta_check(b, what))
		return NULL;
	if (outlen)
		*outlen = (uint32_t)len;
	return c;
}

SCAP_EXPORT scap_meta_t *scap_meta_new(size_t max_bytes)
{
	scap_meta_t *b = calloc(1, sizeof(*b));

	if (b)
		b->max_bytes = max_bytes ? max_bytes : DEFAULT_META_BYTES;
	return b;
}

SCAP_EXPORT void scap_meta_free(scap_meta_t *b)
{
	if (!b)
		return;
	scap_meta_reset(&b->m);
	free(b);
}

SCAP_EXPORT const char *scap_meta_geterr(const scap_meta_t *b)
{
	return b ? b->msg : "no metadata builder";
}

SCAP_EXPORT size_t scap_meta_bytes(const scap_meta_t *b)
{
	return b ? meta_used(b) : 0;
}

SCAP_EXPORT int scap_meta_add_thread(scap_meta_t *b, int64_t tid, size_t *idx)
{
	struct scap_tinfo *t;

	if (!b)
		return SCAP_ERR_INVAL;
	if (!(t = meta_push(b, &b->m.procs, sizeof(*t), "a thread")))
		return b->err;
	t->ival[SCAP_TI_TID] = t->ival[SCAP_TI_PID] = tid;
	t->ival[SCAP_TI_PTID] = t->ival[SCAP_TI_SID] = t->ival[SCAP_TI_VPGID] = t->ival[SCAP_TI_PGID] = -1;
	t->ival[SCAP_TI_VTID] = t->ival[SCAP_TI_VPID] = -1;
	t->ival[SCAP_TI_LOGINUID] = UINT32_MAX;
	if (idx)
		*idx = b->m.procs.n - 1;
	return SCAP_OK;
}

SCAP_EXPORT int scap_meta_thread_set_int(scap_meta_t *b, size_t idx, enum scap_tinfo_field f, int64_t v)
{
	if (!b)
		return SCAP_ERR_INVAL;
	if (b->err)
		return b->err;
	if (idx >= b->m.procs.n)
		return mseterr(b, SCAP_ERR_INVAL, "scap_meta_thread_set_int: no thread %zu", idx);
	if ((unsigned)f >= SCAP_TI_COMM)
		return mseterr(b, SCAP_ERR_INVAL, "scap_meta_thread_set_int: field %d is not an integer field", (int)f);
	b->m.procs.v[idx].ival[f] = v;
	return SCAP_OK;
}

SCAP_EXPORT int scap_meta_thread_set_str(scap_meta_t *b, size_t idx, enum scap_tinfo_field f, const char *s,
					 size_t len)
{
	size_t limit = LIM_PROC_STR;
	const char *c;
	uint32_t n;

	if (!b)
		return SCAP_ERR_INVAL;
	if (b->err)
		return b->err;
	if (idx >= b->m.procs.n)
		return mseterr(b, SCAP_ERR_INVAL, "scap_meta_thread_set_str: no thread %zu", idx);
	if (f < SCAP_TI_COMM || f >= SCAP_TI_FIELD_MAX)
		return mseterr(b, SCAP_ERR_INVAL, "scap_meta_thread_set_str: field %d is not a string field", (int)f);
	if (!s && len)
		return mseterr(b, SCAP_ERR_INVAL, "scap_meta_thread_set_str: NULL string of %zu bytes", len);
	if (f == SCAP_TI_ARGS || f == SCAP_TI_ENV || f == SCAP_TI_CGROUPS)
		limit = LIM_PROC_LIST;
	if (!(c = meta_str(b, s, len, limit, &n, "a thread string")))
		return b->err;
	b->m.procs.v[idx].sval[f - SCAP_TI_COMM] = c;
	b->m.procs.v[idx].slen[f - SCAP_TI_COMM] = n;
	return SCAP_OK;
}

SCAP_EXPORT int scap_meta_add_fd(scap_meta_t *b, int64_t tid, int64_t fd, enum scap_fd_type type, size_t *idx)
{
	struct scap_fdinfo *f;

	if (!b)
		return SCAP_ERR_INVAL;
	if (b->err)
		return b->err;
	if ((unsigned)type >= SCAP_FD_TYPE_MAX)
		return mseterr(b, SCAP_ERR_INVAL, "scap_meta_add_fd: unknown fd type %d", (int)type);
	if (!(f = meta_push(b, &b->m.fds, sizeof(*f), "an fd")))
		return b->err;
	f->tid = tid;
	f->fd = fd;
	f->type = (uint32_t)type;
	if (idx)
		*idx = b->m.fds.n - 1;
	return SCAP_OK;
}

SCAP_EXPORT int scap_meta_fd_set_int(scap_meta_t *b, size_t idx, enum scap_fdinfo_field fld, int64_t v)
{
	struct scap_fdinfo *f;
	int64_t max = INT64_MAX, min = 0;

	if (!b)
		return SCAP_ERR_INVAL;
	if (b->err)
		return b->err;
	if (idx >= b->m.fds.n)
		return mseterr(b, SCAP_ERR_INVAL, "scap_meta_fd_set_int: no fd %zu", idx);
	switch (fld) {
	case SCAP_FDI_TID:
	case SCAP_FDI_FD: min = INT64_MIN; break;
	case SCAP_FDI_INO:
	case SCAP_FDI_UNIX_SOURCE:
	case SCAP_FDI_UNIX_DEST: min = INT64_MIN; break; /* u64, as the getter returns it */
	case SCAP_FDI_TYPE: max = SCAP_FD_TYPE_MAX - 1; break;
	case SCAP_FDI_OPEN_FLAGS:
	case SCAP_FDI_DEV: max = UINT32_MAX; break;
	case SCAP_FDI_SPORT:
	case SCAP_FDI_DPORT: max = UINT16_MAX; break;
	case SCAP_FDI_L4PROTO: max = UINT8_MAX; break;
	default:
		return mseterr(b, SCAP_ERR_INVAL, "scap_meta_fd_set_int: field %d is not an integer field", (int)fld);
	}
	if (v < min || v > max)
		return mseterr(b, SCAP_ERR_INVAL, "scap_meta_fd_set_int: value %" PRId64 " out of range for field %d",
			       v, (int)fld);
	f = &b->m.fds.v[idx];
	switch (fld) {
	case SCAP_FDI_TID: f->tid = v; break;
	case SCAP_FDI_FD: f->fd = v; break;
	case SCAP_FDI_INO: f->ino = (uint64_t)v; break;
	case SCAP_FDI_TYPE: f->type = (uint32_t)v; break;
	case SCAP_FDI_OPEN_FLAGS: f->open_flags = (uint32_t)v; break;
	case SCAP_FDI_DEV: f->dev = (uint32_t)v; break;
	case SCAP_FDI_SPORT: f->sport = (uint16_t)v; break;
	case SCAP_FDI_DPORT: f->dport = (uint16_t)v; break;
	case SCAP_FDI_L4PROTO: f->l4proto = (uint8_t)v; break;
	case SCAP_FDI_UNIX_SOURCE: f->unix_src = (uint64_t)v; break;
	default: f->unix_dst = (uint64_t)v; break;
	}
	return SCAP_OK;
}

SCAP_EXPORT int scap_meta_fd_set_bytes(scap_meta_t *b, size_t idx, enum scap_fdinfo_field fld, const void *p,
				       size_t len)
{
	struct scap_fdinfo *f;

	if (!b)
		return SCAP_ERR_INVAL;
	if (b->err)
		return b->err;
	if (idx >= b->m.fds.n)
		return mseterr(b, SCAP_ERR_INVAL, "scap_meta_fd_set_bytes: no fd %zu", idx);
	if (!p && len)
		return mseterr(b, SCAP_ERR_INVAL, "scap_meta_fd_set_bytes: NULL value of %zu bytes", len);
	f = &b->m.fds.v[idx];
	if (fld == SCAP_FDI_NAME) {
		const char *c = meta_str(b, p, len, LIM_FD_NAME, &f->namelen, "an fd name");
		if (!c)
			return b->err;
		f->name = c;
		return SCAP_OK;
	}
	if (fld != SCAP_FDI_SIP && fld != SCAP_FDI_DIP)
		return mseterr(b, SCAP_ERR_INVAL, "scap_meta_fd_set_bytes: field %d is not a byte field", (int)fld);
	if ((len != 4 && len != 16) || (f->iplen && f->iplen != len))
		return mseterr(b, SCAP_ERR_INVAL,
			       "scap_meta_fd_set_bytes: an address is 4 or 16 bytes, as the other one (got %zu)", len);
	f->iplen = (uint8_t)len;
	memcpy(fld == SCAP_FDI_SIP ? f->sip : f->dip, p, len);
	return SCAP_OK;
}

SCAP_EXPORT int scap_meta_add_user(scap_meta_t *b, uint32_t uid, uint32_t gid, const char *name,
				   const char *homedir, const char *shell)
{
	struct scap_user *u;
	const char *n, *h, *s;

	if (!b)
		return SCAP_ERR_INVAL;
	if (!(n = meta_str(b, name, cstrlen(name), LIM_USER_STR, NULL, "a user")) ||
	    !(h = meta_str(b, homedir, cstrlen(homedir), LIM_USER_STR, NULL, "a user")) ||
	    !(s = meta_str(b, shell, cstrlen(shell), LIM_USER_STR, NULL, "a user")) ||
	    !(u = meta_push(b, &b->m.users, sizeof(*u), "a user")))
		return b->err;
	*u = (struct scap_user){.uid = uid, .gid = gid, .name = n, .homedir = h, .shell = s};
	return SCAP_OK;
}

SCAP_EXPORT int scap_meta_add_group(scap_meta_t *b, uint32_t gid, const char *name)
{
	struct scap_group *g;
	const char *n;

	if (!b)
		return SCAP_ERR_INVAL;
	if (!(n = meta_str(b, name, cstrlen(name), LIM_USER_STR, NULL, "a group")) ||
	    !(g = meta_push(b, &b->m.groups, sizeof(*g), "a group")))
		return b->err;
	*g = (struct scap_group){.gid = gid, .name = n};
	return SCAP_OK;
}

/* ---- API ---- */

static void dump_free(scap_dumper_t *d)
{
	free(d->mb);
	free(d->out);
	free(d->path);
	free(d);
}

/* Flush and close the output; returns d->err (0 if everything worked). */
static int dump_finish(scap_dumper_t *d)
{
	out_flush(d);
	if (d->gz) {
		errno = 0;
		int zr = gzclose(d->gz);
		int saved = errno;
		d->gz = NULL;
		if (zr == Z_ERRNO)
			dseterr(d, SCAP_ERR_IO, "error closing '%s': %s", d->path,
				saved ? strerror(saved) : "I/O error");
		else if (zr != Z_OK)
			dseterr(d, SCAP_ERR_IO, "gzip error closing '%s' (zlib error %d)", d->path, zr);
	} else if (d->fd >= 0) {
		int r = close(d->fd);
		d->fd = -1;
		if (r < 0 && errno != EINTR)
			dseterr(d, SCAP_ERR_IO, "error closing '%s': %s", d->path, strerror(errno));
	}
	return d->err;
}

static void set_errbuf(char *errbuf, const char *msg)
{
	if (errbuf)
		snprintf(errbuf, SCAP_ERRBUF_SIZE, "%s", msg);
}

static scap_dumper_t *dump_open(const char *fn, scap_t *h, const char *path, const struct scap_dump_opts *opts,
				const scap_meta_t *meta, char *errbuf)
{
	struct scap_dump_opts o = {.sz = sizeof(o)};
	scap_dumper_t *d;
	char msg[SCAP_ERRBUF_SIZE];

	if (opts) {
		if (opts->sz < sizeof(size_t)) {
			snprintf(msg, sizeof(msg), "%s: opts->sz is too small", fn);
			set_errbuf(errbuf, msg);
			return NULL;
		}
		memcpy(&o, opts, opts->sz < sizeof(o) ? opts->sz : sizeof(o));
	}
	if (!path || !path[0]) {
		snprintf(msg, sizeof(msg), "%s: no file name given", fn);
		set_errbuf(errbuf, msg);
		return NULL;
	}
	if (o.gzip_level < 0 || o.gzip_level > 9) {
		snprintf(msg, sizeof(msg), "%s: gzip_level %d is not in 0-9", fn, o.gzip_level);
		set_errbuf(errbuf, msg);
		return NULL;
	}
	if (meta && meta->err) {
		snprintf(msg, sizeof(msg), "%s: the metadata is incomplete: %.200s", fn, meta->msg);
		set_errbuf(errbuf, msg);
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (d) {
		d->fd = -1;
		d->path = strdup(path);
		d->out = malloc(OUT_BUFSIZE);
	}
	if (!d || !d->path || !d->out) {
		snprintf(msg, sizeof(msg), "%s: out of memory", fn);
		set_errbuf(errbuf, msg);
		if (d)
			dump_free(d);
		return NULL;
	}
	d->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (d->fd < 0) {
		snprintf(msg, sizeof(msg), "cannot create '%s': %s", path, strerror(errno));
		set_errbuf(errbuf, msg);
		dump_free(d);
		return NULL;
	}
	if (o.gzip_level > 0) {
		char mode[8];
		snprintf(mode, sizeof(mode), "wb%d", o.gzip_level);
		d->gz = gzdopen(d->fd, mode);
		if (!d->gz) {
			snprintf(msg, sizeof(msg), "cannot start gzip compression of '%s'", path);
			set_errbuf(errbuf, msg);
			close(d->fd);
			dump_free(d);
			return NULL;
		}
		d->fd = -1; /* owned by gz */
		gzbuffer(d->gz, OUT_BUFSIZE);
	}
	write_shb(d);
	if (meta)
		write_metadata(d, h, &meta->m);
	else if (h)
		write_metadata(d, h, &h->meta);
	free(d->mb);
	d->mb = NULL;
	d->mlen = d->mcap = 0;
	if (d->err) {
		/* the file is incomplete: say so (it is left in place, never
		 * removed: path may be a device) */
		set_errbuf(errbuf, d->msg);
		dump_finish(d);
		dump_free(d);
		return NULL;
	}
	return d;
}

SCAP_EXPORT scap_dumper_t *scap_dump_open(scap_t *h, const char *path, const struct scap_dump_opts *opts,
					  char *errbuf)
{
	return dump_open("scap_dump_open", h, path, opts, NULL, errbuf);
}

SCAP_EXPORT scap_dumper_t *scap_dump_open_meta(scap_t *h, const char *path, const struct scap_dump_opts *opts,
					       const scap_meta_t *meta, char *errbuf)
{
	return dump_open("scap_dump_open_meta", h, path, opts, meta, errbuf);
}

/* Parameter count of a V1 event: the unique N with
 * 22 + w*N + sum(L[0..N)) == len (the decoder caps what it keeps at
 * SCAP_MAX_EVENT_PARAMS; unknown types may have more). */
static uint32_t v1_nparams(const struct scap_evt *e)
{
	uint32_t w = e->lenwidth, len = e->len;
	uint64_t sum = 0;

	if (e->nparams < SCAP_MAX_EVENT_PARAMS)
		return e->nparams;
	for (uint32_t n = 0;; n++) {
		uint64_t total = V1_HDR + (uint64_t)w * n + sum;
		if (total >= len || V1_HDR + (uint64_t)w * (n + 1) > len)
			return n;
		const uint8_t *lp = e->raw + V1_HDR + (uint64_t)w * n;
		sum += w == 2 ? scap_rd16(lp) : scap_rd32(lp);
	}
}

SCAP_EXPORT int scap_dump_write(scap_dumper_t *d, const scap_evt_t *e)
{
	static const uint8_t zeros[4];
	uint8_t hdr[8 + 2 + 4 + V2_HDR];
	size_t n = 0;

	if (!d)
		return SCAP_ERR_INVAL;
	if (d->err)
		return d->err;
	if (!e || !e->raw)
		return dseterr(d, SCAP_ERR_INVAL, "scap_dump_write: no event");

	uint32_t ehdr = e->hdr_version == 2 ? V2_HDR : V1_HDR;
	if (e->len < ehdr)
		return dseterr(d, SCAP_ERR_INVAL, "scap_dump_write: event length %u is shorter than its header",
			       e->len);
	uint32_t rest = e->len - ehdr; /* length array + data, copied as they are */
	uint32_t nparams = e->hdr_version == 2 ? scap_rd32(e->raw + 22) : v1_nparams(e);
	uint32_t flags = e->flags & ~EVTF_LARGE;
	bool large = scap_evt_type_is_large(e->type) || (e->flags & EVTF_LARGE);
	uint64_t evlen = (uint64_t)V2_HDR + rest;
	uint64_t body = 2 + (flags ? 4 : 0) + evlen;
	uint64_t padded = (body + 3) & ~(uint64_t)3;
	uint64_t total = 8 + padded + 4;

	if (total > UINT32_MAX)
		return dseterr(d, SCAP_ERR_INVAL, "scap_dump_write: event of %" PRIu64 " bytes is too large", evlen);
	if (total - 8 > MAX_EVENT_BLOCK_READ)
		large = true;
	uint32_t id = large ? (flags ? BT_EVF_V2_LARGE : BT_EV_V2_LARGE) : (flags ? BT_EVF_V2 : BT_EV_V2);
	uint32_t t32 = (uint32_t)total, l32 = (uint32_t)evlen;

#define PUT(v)                                     \
	do {                                       \
		memcpy(hdr + n, &(v), sizeof(v)); \
		n += sizeof(v);                    \
	} while (0)
	PUT(id);
	PUT(t32);
	PUT(e->cpu);
	if (flags)
		PUT(flags);
	PUT(e->ts);
	PUT(e->tid);
	PUT(l32);
	PUT(e->type);
	PUT(nparams);
#undef PUT
	if (out_put(d, hdr, n) || out_put(d, e->raw + ehdr, rest) ||
	    out_put(d, zeros, (size_t)(padded - body)) || out_put(d, &t32, 4))
		return d->err;
	d->count++;
	return SCAP_OK;
}

SCAP_EXPORT uint64_t scap_dump_count(const scap_dumper_t *d)
{
	return d ? d->count : 0;
}

SCAP_EXPORT int scap_dump_flush(scap_dumper_t *d)
{
	if (!d)
		return SCAP_ERR_INVAL;
	if (out_flush(d))
		return d->err;
	if (d->gz) {
		int zr = gzflush(d->gz, Z_SYNC_FLUSH);
		if (zr != Z_OK) {
			int zerr = Z_OK;
			const char *zmsg = gzerror(d->gz, &zerr);
			return dseterr(d, SCAP_ERR_IO, "error flushing '%s': %s", d->path,
				       zerr == Z_ERRNO ? strerror(errno) : zmsg && zmsg[0] ? zmsg : "gzip error");
		}
	}
	return SCAP_OK;
}

SCAP_EXPORT const char *scap_dump_geterr(const scap_dumper_t *d)
{
	return d ? d->msg : "";
}

SCAP_EXPORT int scap_dump_close(scap_dumper_t *d, char *errbuf)
{
	int rc;

	if (!d) {
		set_errbuf(errbuf, "scap_dump_close: no dumper");
		return SCAP_ERR_INVAL;
	}
	rc = dump_finish(d);
	set_errbuf(errbuf, rc ? d->msg : "");
	dump_free(d);
	return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The "savefile" engine: reads .scap captures (plain or gzip) as specified in
 * docs/scap-format.md of the shared data: section header, machine info,
 * process lists V1-V9, fd lists V1/V2, interface lists V1/V2, user/group
 * lists V1/V2, event blocks EV/EVF/EV_V2/EVF_V2 and their LARGE variants,
 * concatenated sections. Every raw event is delivered in file order, in place
 * in the read buffer (no copy and no allocation per event).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "scap_int.h"

/* Block type ids. */
#define BT_SHB 0x0A0D0D0Au
#define BT_MI 0x201u
#define BT_MI_OLD 0x8002ABCDu
#define BT_PL_V1 0x202u
#define BT_PL_V1_OLD 0x8000ABCDu
#define BT_PL_V2 0x207u
#define BT_PL_V2_OLD 0x8013ABCDu
#define BT_PL_V3 0x209u
#define BT_PL_V3_OLD 0x8014ABCDu
#define BT_PL_V4 0x210u
#define BT_PL_V5 0x211u
#define BT_PL_V6 0x212u
#define BT_PL_V7 0x213u
#define BT_PL_V8 0x214u
#define BT_PL_V9 0x215u
#define BT_FDL 0x203u
#define BT_FDL_OLD 0x8001ABCDu
#define BT_FDL_V2 0x218u
#define BT_EV 0x204u
#define BT_EV_OLD 0x8010ABCDu
#define BT_EVF 0x208u
#define BT_EV_V2 0x216u
#define BT_EVF_V2 0x217u
#define BT_EV_V2_LARGE 0x221u
#define BT_EVF_V2_LARGE 0x222u
#define BT_IL 0x205u
#define BT_IL_OLD 0x8011ABCDu
#define BT_IL_V2 0x219u
#define BT_UL 0x206u
#define BT_UL_OLD 0x8012ABCDu
#define BT_UL_V2 0x220u

#define SHB_MAGIC 0x1A2B3C4Du
#define SHB_MAGIC_SWAPPED 0x4D3C2B1Au

/* Size limits (bytes of block body). */
#define MAX_EVENT_BODY (65536u + 4096u)          /* non-LARGE event blocks */
#define MAX_LARGE_EVENT_BODY (64u * 1024 * 1024) /* LARGE event blocks */
#define MAX_META_BODY (256u * 1024 * 1024)       /* metadata blocks */
#define DEFAULT_MAX_META (512u * 1024 * 1024)
#define DEFAULT_BUFSIZE (4u * 1024 * 1024)
#define MIN_BUFSIZE (64u * 1024)

enum blk_kind { BK_UNKNOWN, BK_SHB, BK_META, BK_EVENT };

struct blk_desc {
	uint32_t id;
	const char *name;
	uint8_t kind;
	uint8_t version; /* list generation / event header version */
	uint8_t has_flags;
	uint8_t large;
};

static const struct blk_desc blk_table[] = {
	{BT_SHB, "SHB", BK_SHB, 0, 0, 0},
	{BT_MI, "MI", BK_META, 1, 0, 0},
	{BT_MI_OLD, "MI", BK_META, 1, 0, 0},
	{BT_PL_V1, "PL_V1", BK_META, 1, 0, 0},
	{BT_PL_V1_OLD, "PL_V1", BK_META, 1, 0, 0},
	{BT_PL_V2, "PL_V2", BK_META, 2, 0, 0},
	{BT_PL_V2_OLD, "PL_V2", BK_META, 2, 0, 0},
	{BT_PL_V3, "PL_V3", BK_META, 3, 0, 0},
	{BT_PL_V3_OLD, "PL_V3", BK_META, 3, 0, 0},
	{BT_PL_V4, "PL_V4", BK_META, 4, 0, 0},
	{BT_PL_V5, "PL_V5", BK_META, 5, 0, 0},
	{BT_PL_V6, "PL_V6", BK_META, 6, 0, 0},
	{BT_PL_V7, "PL_V7", BK_META, 7, 0, 0},
	{BT_PL_V8, "PL_V8", BK_META, 8, 0, 0},
	{BT_PL_V9, "PL_V9", BK_META, 9, 0, 0},
	{BT_FDL, "FDL", BK_META, 1, 0, 0},
	{BT_FDL_OLD, "FDL", BK_META, 1, 0, 0},
	{BT_FDL_V2, "FDL_V2", BK_META, 2, 0, 0},
	{BT_IL, "IL", BK_META, 1, 0, 0},
	{BT_IL_OLD, "IL", BK_META, 1, 0, 0},
	{BT_IL_V2, "IL_V2", BK_META, 2, 0, 0},
	{BT_UL, "UL", BK_META, 1, 0, 0},
	{BT_UL_OLD, "UL", BK_META, 1, 0, 0},
	{BT_UL_V2, "UL_V2", BK_META, 2, 0, 0},
	{BT_EV, "EV", BK_EVENT, 1, 0, 0},
	{BT_EV_OLD, "EV", BK_EVENT, 1, 0, 0},
	{BT_EVF, "EVF", BK_EVENT, 1, 1, 0},
	{BT_EV_V2, "EV_V2", BK_EVENT, 2, 0, 0},
	{BT_EVF_V2, "EVF_V2", BK_EVENT, 2, 1, 0},
	{BT_EV_V2_LARGE, "EV_V2_LARGE", BK_EVENT, 2, 0, 1},
	{BT_EVF_V2_LARGE, "EVF_V2_LARGE", BK_EVENT, 2, 1, 1},
};

static const struct blk_desc *blk_lookup_slow(uint32_t id)
{
	for (size_t i = 0; i < sizeof(blk_table) / sizeof(blk_table[0]); i++)
		if (blk_table[i].id == id)
			return &blk_table[i];
	return NULL;
}

struct sf {
	int fd;
	gzFile gz;
	uint8_t *buf;
	size_t cap, start, end; /* valid bytes: buf[start, end) */
	uint64_t buf_off;       /* stream offset of buf[0] */
	size_t max_cap;
	const struct blk_desc *last_desc; /* lookup cache: blocks come in runs */
	size_t max_meta;
	char gz_err[160]; /* a gzip error seen after a partial read: reported next */
	bool eof;
	bool in_events;
	uint64_t n_blocks, n_skipped;
};

/* Current block, for error messages. */
struct blk {
	uint64_t off;
	uint32_t id;
	uint32_t tlen;
	const struct blk_desc *d;
	const uint8_t *body;
	uint32_t blen; /* total_length - 12 */
};

static const char *gz_note(const struct sf *s)
{
	return s->gz ? " of the decompressed stream" : "";
}

static void blk_label(uint32_t id, const struct blk_desc *d, char *out, size_t n)
{
	if (d)
		snprintf(out, n, "%s", d->name);
	else
		snprintf(out, n, "block type 0x%08" PRIx32, id);
}

__attribute__((format(printf, 4, 5))) static int blk_err(scap_t *h, const struct sf *s, const struct blk *b,
							   const char *fmt, ...)
{
	char label[40], msg[200];
	va_list ap;

	blk_label(b->id, b->d, label, sizeof(label));
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return scap_seterr(h, SCAP_ERR_FORMAT, "%s block at offset %" PRIu64 "%s: %s", label, b->off, gz_note(s),
			   msg);
}

/* ---- buffered input ---- */

/* Read more data at buf+end. Returns bytes read, 0 at EOF, <0 on error. */
static ssize_t sf_read(scap_t *h, struct sf *s)
{
	size_t room = s->cap - s->end;
	ssize_t r;

	if (room > INT_MAX)
		room = INT_MAX;
	if (s->gz_err[0])
		return scap_seterr(h, SCAP_ERR_FORMAT, "%s", s->gz_err);
	if (s->gz) {
		int n = gzread(s->gz, s->buf + s->end, (unsigned)room);
		int zerr = Z_OK;
		const char *zmsg = gzerror(s->gz, &zerr);
		if (n < 0 || (zerr != Z_OK && zerr != Z_STREAM_END)) {
			snprintf(s->gz_err, sizeof(s->gz_err),
				 "gzip stream error at offset %" PRIu64 " of the decompressed stream: %s",
				 s->buf_off + s->end + (n > 0 ? (uint64_t)n : 0), zmsg ? zmsg : "unknown");
			if (n <= 0)
				return scap_seterr(h, SCAP_ERR_FORMAT, "%s", s->gz_err);
			/* keep what was decompressed; the error comes with the next read */
		}
		r = n;
	} else {
		do
			r = read(s->fd, s->buf + s->end, room);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			return scap_seterr(h, SCAP_ERR_IO, "read error at offset %" PRIu64 ": %s",
					   s->buf_off + s->end, strerror(errno));
	}
	if (r == 0)
		s->eof = true;
	s->end += (size_t)r;
	return r;
}

static const struct blk_desc *blk_lookup(struct sf *s, uint32_t id)
{
	if (s->last_desc && s->last_desc->id == id)
		return s->last_desc;
	const struct blk_desc *d = blk_lookup_slow(id);
	if (d)
		s->last_desc = d;
	return d;
}

/* Make n bytes available at buf+start. Returns 1 if they are, 0 if the
 * stream ends first (the available bytes stay), <0 on error. The buffer
 * grows only when it is full of real data, so memory stays within twice
 * the size of what the file really contains. */
static int sf_ensure_slow(scap_t *h, struct sf *s, size_t n)
{
	while (s->end - s->start < n) {
		if (s->eof)
			return 0;
		if (s->cap - s->start < n && s->start > 0) {
			memmove(s->buf, s->buf + s->start, s->end - s->start);
			s->buf_off += s->start;
			s->end -= s->start;
			s->start = 0;
		}
		if (s->end == s->cap) {
			size_t ncap = s->cap * 2;
			uint8_t *nb;
			if (ncap > s->max_cap)
				ncap = s->max_cap;
			if (ncap <= s->cap)
				return scap_seterr(h, SCAP_ERR_FORMAT, "block of %zu bytes exceeds the limit", n);
			nb = realloc(s->buf, ncap);
			if (!nb)
				return scap_seterr(h, SCAP_ERR_NOMEM, "out of memory growing the read buffer to %zu bytes",
						   ncap);
			s->buf = nb;
			s->cap = ncap;
		}
		ssize_t r = sf_read(h, s);
		if (r < 0)
			return (int)r;
	}
	return 1;
}

static inline int sf_ensure(scap_t *h, struct sf *s, size_t n)
{
	if (__builtin_expect(s->end - s->start >= n, 1))
		return 1;
	return sf_ensure_slow(h, s, n);
}

static uint64_t sf_pos(const struct sf *s)
{
	return s->buf_off + s->start;
}

/* Discard n bytes without keeping them in memory. */
static int sf_skip(scap_t *h, struct sf *s, uint64_t n)
{
	while (n) {
		size_t avail = s->end - s->start;
		if (!avail) {
			int r = sf_ensure(h, s, 1);
			if (r <= 0)
				return r;
			avail = s->end - s->start;
		}
		size_t take = avail < n ? avail : (size_t)n;
		s->start += take;
		n -= take;
	}
	return 1;
}

static uint32_t body_limit(const struct blk_desc *d)
{
	if (!d || d->kind == BK_UNKNOWN)
		return UINT32_MAX; /* streamed, never held in memory */
	if (d->kind == BK_EVENT)
		return d->large ? MAX_LARGE_EVENT_BODY : MAX_EVENT_BODY;
	return MAX_META_BODY;
}

/* Read the next block into b. Returns SCAP_OK, SCAP_EOF (clean end between
 * blocks) or an error. An unknown block is streamed over and counted, and
 * returned with b->d == NULL and no body. */
static int sf_next_block(scap_t *h, struct sf *s, struct blk *b)
{
	int r = sf_ensure(h, s, 8);
	if (r < 0)
		return r;
	memset(b, 0, sizeof(*b));
	b->off = sf_pos(s);
	if (r == 0) {
		size_t left = s->end - s->start;
		if (left == 0)
			return SCAP_EOF;
		return scap_seterr(h, SCAP_ERR_FORMAT,
				   "truncated block header at offset %" PRIu64 "%s: %zu bytes left, 8 needed",
				   b->off, gz_note(s), left);
	}
	const uint8_t *p = s->buf + s->start;
	b->id = scap_rd32(p);
	b->tlen = scap_rd32(p + 4);
	b->d = blk_lookup(s, b->id);
	if (b->tlen < 12)
		return blk_err(h, s, b, "total_length %" PRIu32 " is smaller than 12", b->tlen);
	if (b->tlen % 4)
		return blk_err(h, s, b, "total_length %" PRIu32 " is not a multiple of 4", b->tlen);
	if (b->tlen - 12 > body_limit(b->d))
		return blk_err(h, s, b, "total_length %" PRIu32 " exceeds the limit of %" PRIu32 " for this block type",
			       b->tlen, body_limit(b->d) + 12);
	s->n_blocks++;
	if (!b->d) {
		/* unknown: stream over the body, then check the trailer */
		s->start += 8;
		r = sf_skip(h, s, b->tlen - 12);
		if (r > 0)
			r = sf_ensure(h, s, 4);
		if (r < 0)
			return r;
		if (r == 0)
			return blk_err(h, s, b, "truncated: total_length %" PRIu32 " runs past the end of the file",
				       b->tlen);
		uint32_t trailer = scap_rd32(s->buf + s->start);
		s->start += 4;
		if (trailer != b->tlen)
			return blk_err(h, s, b, "trailer %" PRIu32 " does not match total_length %" PRIu32,
				       trailer, b->tlen);
		s->n_skipped++;
		scap_log(h, SCAP_LOG_DEBUG, "skipped unknown block type 0x%08" PRIx32 " at offset %" PRIu64,
			 b->id, b->off);
		return SCAP_OK;
	}
	r = sf_ensure(h, s, b->tlen);
	if (r < 0)
		return r;
	if (r == 0)
		return blk_err(h, s, b, "truncated: total_length %" PRIu32 " but only %zu bytes remain", b->tlen,
			       s->end - s->start);
	p = s->buf + s->start;
	uint32_t trailer = scap_rd32(p + b->tlen - 4);
	if (trailer != b->tlen)
		return blk_err(h, s, b, "trailer %" PRIu32 " does not match total_length %" PRIu32, trailer,
			       b->tlen);
	b->body = p + 8;
	b->blen = b->tlen - 12;
	/* The bytes stay in place until the next sf_ensure(). */
	s->start += b->tlen;
	return SCAP_OK;
}

/* ---- metadata parsing ---- */

struct cur {
	scap_t *h;
	const struct sf *s;
	const struct blk *b;
	const uint8_t *p;
	size_t pos, end; /* within the block body */
	uint32_t entry;  /* entry index, for messages */
};

#define CUR_FAIL(c, ...) blk_err((c)->h, (c)->s, (c)->b, __VA_ARGS__)

static int cur_need(struct cur *c, size_t n, const char *what)
{
	if (c->end - c->pos < n)
		return CUR_FAIL(c, "entry %" PRIu32 " (at body offset %zu): %s runs past the end of the %s", c->entry,
				c->pos, what, c->end == c->b->blen ? "block" : "entry");
	return 0;
}

static int cur_bytes(struct cur *c, size_t n, const char *what, void *out)
{
	if (cur_need(c, n, what))
		return -1;
	memcpy(out, c->p + c->pos, n);
	c->pos += n;
	return 0;
}

/* Fixed-size little-endian fields (the host is little-endian, see scap_int.h). */
static int cur_u8(struct cur *c, const char *what, uint8_t *v)
{
	return cur_bytes(c, 1, what, v);
}

static int cur_u16(struct cur *c, const char *what, uint16_t *v)
{
	return cur_bytes(c, 2, what, v);
}

static int cur_u32(struct cur *c, const char *what, uint32_t *v)
{
	return cur_bytes(c, 4, what, v);
}

static int cur_u64(struct cur *c, const char *what, uint64_t *v)
{
	return cur_bytes(c, 8, what, v);
}

static int cur_i64(struct cur *c, const char *what, int64_t *v)
{
	return cur_bytes(c, 8, what, v);
}

/* str16 with a length limit (exclusive when strict_lt); copies into the arena. */
static int cur_str(struct cur *c, const char *what, uint32_t limit, bool strict_lt, const char **out,
		   uint32_t *outlen)
{
	uint16_t n;

	if (cur_u16(c, what, &n))
		return -1;
	if (strict_lt ? n >= limit : n > limit)
		return CUR_FAIL(c, "entry %" PRIu32 ": %s length %u exceeds the limit of %" PRIu32, c->entry, what, n,
				limit - (strict_lt ? 1 : 0));
	if (cur_need(c, n, what))
		return -1;
	*out = arena_strndup(&c->h->meta.arena, c->p + c->pos, n);
	if (!*out)
		return scap_seterr(c->h, SCAP_ERR_NOMEM, "out of memory");
	if (outlen)
		*outlen = n;
	c->pos += n;
	return 0;
}

/* V2-style entry prefix: u32 length (counting itself when self_counts).
 * Sets c->end to the end of the entry; returns the list end to restore. */
static int cur_enter(struct cur *c, bool self_counts, size_t *list_end)
{
	uint32_t elen;
	size_t start = c->pos;

	*list_end = c->end;
	if (cur_u32(c, "entry length", &elen))
		return -1;
	uint64_t stop = self_counts ? (uint64_t)start + elen : (uint64_t)c->pos + elen;
	if ((self_counts && elen < 4) || stop > c->end)
		return CUR_FAIL(c, "entry %" PRIu32 " (at body offset %zu): entry length %" PRIu32 " does not fit the block",
				c->entry, start, elen);
	c->end = (size_t)stop;
	return 0;
}

static void cur_leave(struct cur *c, size_t list_end)
{
	c->pos = c->end;
	c->end = list_end;
}

static int parse_mi(scap_t *h, struct cur *c)
{
	struct scap_machine_info *mi = &h->meta.mi;
	uint8_t raw[180] = {0};
	size_t n = c->end < sizeof(raw) ? c->end : sizeof(raw);

	if (n < 148)
		return CUR_FAIL(c, "machine info body is %zu bytes, at least 148 needed", c->end);
	memcpy(raw, c->p, n);
	memset(mi, 0, sizeof(*mi));
	mi->sz = sizeof(*mi);
	mi->num_cpus = scap_rd32(raw);
	mi->memory_size_bytes = scap_rd64(raw + 4);
	mi->max_pid = scap_rd64(raw + 12);
	memcpy(mi->hostname, raw + 20, 128);
	mi->hostname[127] = 0;
	mi->boot_ts_epoch = scap_rd64(raw + 148);
	mi->flags = scap_rd64(raw + 156);
	h->meta.have_mi = true;
	return 0;
}

static int pl_str(struct cur *c, struct scap_tinfo *t, enum scap_tinfo_field f, uint32_t limit)
{
	int k = f - SCAP_TI_COMM;
	return cur_str(c, scap_tinfo_field_name(f), limit, false, &t->sval[k], &t->slen[k]);
}

static int pl_i64(struct cur *c, struct scap_tinfo *t, enum scap_tinfo_field f)
{
	return cur_i64(c, scap_tinfo_field_name(f), &t->ival[f]);
}

static int pl_u32(struct cur *c, struct scap_tinfo *t, enum scap_tinfo_field f)
{
	uint32_t v;
	if (cur_u32(c, scap_tinfo_field_name(f), &v))
		return -1;
	t->ival[f] = v;
	return 0;
}

/* V9 tail: fields in order, each only while it still fits in the entry. */
static int pl_tail(struct cur *c, struct scap_tinfo *t)
{
	static const struct {
		int8_t f;
		uint8_t size;
	} old_tail[] = {{SCAP_TI_LOGINUID, 4}, {SCAP_TI_EXE_WRITABLE, 1}, {SCAP_TI_CAP_INHERITABLE, 8},
			{SCAP_TI_CAP_PERMITTED, 8}, {SCAP_TI_CAP_EFFECTIVE, 8}, {-1, 0}},
	  new_tail[] = {{SCAP_TI_PIDNS_INIT_START_TS, 8}, {SCAP_TI_TTY, 4}, {SCAP_TI_LOGINUID, 4},
			{SCAP_TI_EXE_WRITABLE, 1}, {SCAP_TI_CAP_INHERITABLE, 8}, {SCAP_TI_CAP_PERMITTED, 8},
			{SCAP_TI_CAP_EFFECTIVE, 8}, {SCAP_TI_EXE_UPPER_LAYER, 1}, {SCAP_TI_EXE_INO, 8},
			{SCAP_TI_EXE_INO_CTIME, 8}, {SCAP_TI_EXE_INO_MTIME, 8}, {SCAP_TI_EXE_FROM_MEMFD, 1},
			{SCAP_TI_EXE_LOWER_LAYER, 1}, {SCAP_TI_PGID, 8}, {-1, 0}};
	const __typeof__(old_tail[0]) *tail = c->end - c->pos <= 29 ? old_tail : new_tail;

	for (; tail->f >= 0 && c->end - c->pos >= tail->size; tail++) {
		const uint8_t *p = c->p + c->pos;
		switch (tail->size) {
		case 1: t->ival[tail->f] = *p; break;
		case 4: t->ival[tail->f] = scap_rd32(p); break;
		default: t->ival[tail->f] = (int64_t)scap_rd64(p); break;
		}
		c->pos += tail->size;
	}
	return 0;
}

/* Push an entry, within the metadata budget. */
static void *meta_push(struct cur *c, void *vec, size_t elsize)
{
	struct scap_meta *m = &c->h->meta;
	void *slot = scap_vec_push(vec, elsize, &m->bytes);

	if (!slot) {
		scap_seterr(c->h, SCAP_ERR_NOMEM, "out of memory");
		return NULL;
	}
	if (m->bytes + m->arena.bytes > c->s->max_meta) {
		CUR_FAIL(c, "entry %" PRIu32 ": the capture's metadata needs more than %zu bytes of memory "
			 "(scap_open_opts.max_meta_bytes)", c->entry, c->s->max_meta);
		return NULL;
	}
	return slot;
}

static int parse_pl(scap_t *h, struct cur *c, int v)
{
	while (c->end - c->pos >= 4) {
		struct scap_tinfo *t = meta_push(c, &h->meta.procs, sizeof(*t));
		size_t list_end = c->end;
		if (!t)
			return -1;
		t->ival[SCAP_TI_SID] = t->ival[SCAP_TI_VPGID] = t->ival[SCAP_TI_PGID] = -1;
		t->ival[SCAP_TI_VTID] = t->ival[SCAP_TI_VPID] = -1;
		t->ival[SCAP_TI_LOGINUID] = 0xFFFFFFFF;
		if (v >= 9 && cur_enter(c, true, &list_end))
			return -1;
		if (pl_i64(c, t, SCAP_TI_TID) || pl_i64(c, t, SCAP_TI_PID) || pl_i64(c, t, SCAP_TI_PTID))
			return -1;
		if (v >= 6 && pl_i64(c, t, SCAP_TI_SID))
			return -1;
		if (v >= 8 && pl_i64(c, t, SCAP_TI_VPGID))
			return -1;
		if (pl_str(c, t, SCAP_TI_COMM, 1024) || pl_str(c, t, SCAP_TI_EXE, 1024))
			return -1;
		if (v >= 7 && pl_str(c, t, SCAP_TI_EXEPATH, 1024))
			return -1;
		if (pl_str(c, t, SCAP_TI_ARGS, 4096) || pl_str(c, t, SCAP_TI_CWD, 1024) ||
		    pl_i64(c, t, SCAP_TI_FDLIMIT) || pl_u32(c, t, SCAP_TI_FLAGS) || pl_u32(c, t, SCAP_TI_UID) ||
		    pl_u32(c, t, SCAP_TI_GID))
			return -1;
		if (v >= 2 && (pl_u32(c, t, SCAP_TI_VMSIZE_KB) || pl_u32(c, t, SCAP_TI_VMRSS_KB) ||
			       pl_u32(c, t, SCAP_TI_VMSWAP_KB) || pl_i64(c, t, SCAP_TI_PFMAJOR) ||
			       pl_i64(c, t, SCAP_TI_PFMINOR)))
			return -1;
		if (v >= 3 && pl_str(c, t, SCAP_TI_ENV, 4096))
			return -1;
		if (v >= 4 && (pl_i64(c, t, SCAP_TI_VTID) || pl_i64(c, t, SCAP_TI_VPID) ||
			       pl_str(c, t, SCAP_TI_CGROUPS, 4096)))
			return -1;
		if (v >= 5 && pl_str(c, t, SCAP_TI_ROOT, 1024))
			return -1;
		if (v >= 9) {
			pl_tail(c, t);
			cur_leave(c, list_end);
		}
		c->entry++;
	}
	return 0;
}

static int parse_fdl(scap_t *h, struct cur *c, int v)
{
	int64_t tid;

	if (cur_i64(c, "tid", &tid))
		return -1;
	while (c->end - c->pos >= 4) {
		struct scap_fdinfo *f = meta_push(c, &h->meta.fds, sizeof(*f));
		size_t list_end = c->end;
		uint8_t type;
		if (!f)
			return -1;
		if (v >= 2 && cur_enter(c, true, &list_end))
			return -1;
		f->tid = tid;
		if (cur_i64(c, "fd", &f->fd) || cur_u64(c, "ino", &f->ino) || cur_u8(c, "type", &type))
			return -1;
		f->type = type;
		int rc = 0;
		switch (type) {
		case SCAP_FD_UNKNOWN:
			break;
		case SCAP_FD_IPV4_SOCK:
		case SCAP_FD_IPV6_SOCK: {
			uint8_t n = type == SCAP_FD_IPV4_SOCK ? 4 : 16;
			f->iplen = n;
			rc = cur_bytes(c, n, "sip", f->sip) || cur_bytes(c, n, "dip", f->dip) ||
			     cur_u16(c, "sport", &f->sport) || cur_u16(c, "dport", &f->dport) ||
			     cur_u8(c, "l4proto", &f->l4proto);
			break;
		}
		case SCAP_FD_IPV4_SERVSOCK:
		case SCAP_FD_IPV6_SERVSOCK: {
			uint8_t n = type == SCAP_FD_IPV4_SERVSOCK ? 4 : 16;
			f->iplen = n;
			rc = cur_bytes(c, n, "ip", f->sip) || cur_u16(c, "port", &f->sport) ||
			     cur_u8(c, "l4proto", &f->l4proto);
			break;
		}
		case SCAP_FD_UNIX_SOCK:
			rc = cur_u64(c, "unix source", &f->unix_src) || cur_u64(c, "unix dest", &f->unix_dst) ||
			     cur_str(c, "name", 1024, true, &f->name, &f->namelen);
			break;
		case SCAP_FD_FILE_V2:
			rc = cur_u32(c, "open_flags", &f->open_flags) ||
			     cur_str(c, "name", 1024, true, &f->name, &f->namelen);
			if (!rc && v >= 2 && c->end - c->pos >= 4)
				rc = cur_u32(c, "dev", &f->dev);
			break;
		case SCAP_FD_FILE: case SCAP_FD_DIRECTORY: case SCAP_FD_FIFO: case SCAP_FD_EVENT:
		case SCAP_FD_UNSUPPORTED: case SCAP_FD_SIGNALFD: case SCAP_FD_EVENTPOLL: case SCAP_FD_INOTIFY:
		case SCAP_FD_TIMERFD: case SCAP_FD_NETLINK: case SCAP_FD_BPF: case SCAP_FD_USERFAULTFD:
		case SCAP_FD_IOURING: case SCAP_FD_MEMFD: case SCAP_FD_PIDFD:
			rc = cur_str(c, "name", 1024, true, &f->name, &f->namelen);
			break;
		default:
			if (v < 2)
				return CUR_FAIL(c, "entry %" PRIu32 ": unknown fd type %u in a list without entry lengths",
						c->entry, type);
			/* recorded as unsupported, as libscap does */
			f->type = SCAP_FD_UNSUPPORTED;
			char tmp[32];
			int n = snprintf(tmp, sizeof(tmp), "unknown-type:[%u]", type);
			f->name = arena_strndup(&h->meta.arena, tmp, (size_t)n);
			f->namelen = (uint32_t)n;
			if (!f->name)
				return scap_seterr(h, SCAP_ERR_NOMEM, "out of memory");
			break;
		}
		if (rc)
			return -1;
		if (v >= 2)
			cur_leave(c, list_end);
		c->entry++;
	}
	return 0;
}

static int parse_il(scap_t *h, struct cur *c, int v)
{
	while (c->end - c->pos >= 4) {
		struct scap_iface *i = meta_push(c, &h->meta.ifaces, sizeof(*i));
		size_t list_end = c->end;
		uint16_t type, namelen;
		if (!i)
			return -1;
		if (v >= 2 && cur_enter(c, false, &list_end))
			return -1;
		if (cur_u16(c, "type", &type) || cur_u16(c, "ifnamelen", &namelen))
			return -1;
		if (type < 1 || type > 4)
			return CUR_FAIL(c, "entry %" PRIu32 ": unknown interface type %u", c->entry, type);
		if (namelen >= 1024)
			return CUR_FAIL(c, "entry %" PRIu32 ": interface name length %u exceeds 1023", c->entry, namelen);
		size_t n = (type == 1 || type == 3) ? 4 : 16;
		i->family = n == 4 ? 4 : 6;
		if (cur_bytes(c, n, "addr", i->addr) || cur_bytes(c, n, "netmask", i->netmask) ||
		    cur_bytes(c, n, "bcast", i->bcast))
			return -1;
		if ((type == 1 || type == 2) && cur_u64(c, "linkspeed", &i->linkspeed))
			return -1;
		if (cur_need(c, namelen, "ifname"))
			return -1;
		i->name = arena_strndup(&h->meta.arena, c->p + c->pos, namelen);
		if (!i->name)
			return scap_seterr(h, SCAP_ERR_NOMEM, "out of memory");
		c->pos += namelen;
		if (v >= 2)
			cur_leave(c, list_end);
		c->entry++;
	}
	return 0;
}

static int parse_ul(scap_t *h, struct cur *c, int v)
{
	while (c->end - c->pos >= 4) {
		size_t list_end = c->end;
		uint8_t kind;
		if (v >= 2 && cur_enter(c, true, &list_end))
			return -1;
		if (cur_u8(c, "kind", &kind))
			return -1;
		if (kind == 0) {
			struct scap_user *u = meta_push(c, &h->meta.users, sizeof(*u));
			if (!u)
				return -1;
			if (cur_u32(c, "uid", &u->uid) || cur_u32(c, "gid", &u->gid) ||
			    cur_str(c, "user name", 256, true, &u->name, NULL) ||
			    cur_str(c, "homedir", 256, true, &u->homedir, NULL) ||
			    cur_str(c, "shell", 256, true, &u->shell, NULL))
				return -1;
		} else {
			struct scap_group *g = meta_push(c, &h->meta.groups, sizeof(*g));
			if (!g)
				return -1;
			if (cur_u32(c, "gid", &g->gid) || cur_str(c, "group name", 256, true, &g->name, NULL))
				return -1;
		}
		if (v >= 2)
			cur_leave(c, list_end);
		c->entry++;
	}
	return 0;
}

static int parse_shb(scap_t *h, struct sf *s, const struct blk *b)
{
	uint32_t magic;
	uint16_t major, minor;

	if (b->blen < 16)
		return blk_err(h, s, b, "section header body is %" PRIu32 " bytes, 16 needed", b->blen);
	magic = scap_rd32(b->body);
	if (magic == SHB_MAGIC_SWAPPED)
		return blk_err(h, s, b, "byte-swapped magic 0x%08" PRIx32 ": big-endian captures are not supported", magic);
	if (magic != SHB_MAGIC)
		return blk_err(h, s, b, "invalid byte-order magic 0x%08" PRIx32, magic);
	major = scap_rd16(b->body + 4);
	minor = scap_rd16(b->body + 6);
	if (major > 1)
		return blk_err(h, s, b, "unsupported major version %u.%u", major, minor);
	scap_meta_reset(&h->meta);
	h->meta.section_version = (uint32_t)major << 16 | minor;
	h->stats.n_sections++; /* kept by the core: scap_section() reads it */
	return 0;
}

static int parse_meta(scap_t *h, struct sf *s, const struct blk *b)
{
	struct cur c = {.h = h, .s = s, .b = b, .p = b->body, .pos = 0, .end = b->blen};
	int v = b->d->version;

	switch (b->id) {
	case BT_MI: case BT_MI_OLD:
		return parse_mi(h, &c);
	case BT_FDL: case BT_FDL_OLD: case BT_FDL_V2:
		return parse_fdl(h, &c, v);
	case BT_IL: case BT_IL_OLD: case BT_IL_V2:
		return parse_il(h, &c, v);
	case BT_UL: case BT_UL_OLD: case BT_UL_V2:
		return parse_ul(h, &c, v);
	default:
		return parse_pl(h, &c, v);
	}
}

/* Read metadata blocks until the first event block (left unread) or EOF.
 * The SHB has just been read. */
static int sf_read_metadata_blocks(scap_t *h, struct sf *s)
{
	struct blk b;

	for (;;) {
		int r = sf_ensure(h, s, 8);
		if (r < 0)
			return r;
		if (r == 0 && s->end == s->start)
			return SCAP_OK; /* no events: a valid, empty capture */
		if (r > 0) {
			const struct blk_desc *d = blk_lookup(s, scap_rd32(s->buf + s->start));
			if (d && d->kind == BK_EVENT)
				return SCAP_OK;
		}
		r = sf_next_block(h, s, &b);
		if (r == SCAP_EOF)
			return SCAP_OK;
		if (r < 0)
			return r;
		if (!b.d)
			continue; /* unknown block, skipped */
		if (b.d->kind == BK_SHB)
			r = parse_shb(h, s, &b);
		else
			r = parse_meta(h, s, &b);
		if (r)
			return h->last_err ? h->last_err : SCAP_ERR_FORMAT;
	}
}

static int sf_read_metadata(scap_t *h, struct sf *s)
{
	int r = sf_read_metadata_blocks(h, s);

	if (r == SCAP_OK && scap_meta_finish(&h->meta) < 0)
		r = scap_seterr(h, SCAP_ERR_NOMEM, "out of memory indexing the process list");
	return r;
}

static int sf_open(scap_t *h, const struct scap_open_opts *opts)
{
	struct sf *s;
	uint8_t magic[2];
	ssize_t n;
	struct blk b;
	int r;

	if (!opts->filename || !opts->filename[0])
		return scap_seterr(h, SCAP_ERR_INVAL, "savefile: no file name given");
	s = calloc(1, sizeof(*s));
	if (!s)
		return scap_seterr(h, SCAP_ERR_NOMEM, "out of memory");
	h->engine_data = s;
	s->fd = open(opts->filename, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0) {
		r = scap_seterr(h, SCAP_ERR_IO, "cannot open '%s': %s", opts->filename, strerror(errno));
		goto fail;
	}
	do
		n = pread(s->fd, magic, 2, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == ESPIPE) {
		/* a pipe: cannot peek, let zlib sniff (it reads plain data as is) */
		magic[0] = 0x1f;
		magic[1] = 0x8b;
		n = 2;
	}
	if (n < 0) {
		r = scap_seterr(h, SCAP_ERR_IO, "cannot read '%s': %s", opts->filename, strerror(errno));
		goto fail;
	}
	if (n == 0) {
		r = scap_seterr(h, SCAP_ERR_FORMAT, "'%s' is empty (offset 0): not a scap capture", opts->filename);
		goto fail;
	}
	if (n == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
		s->gz = gzdopen(s->fd, "rb");
		if (!s->gz) {
			r = scap_seterr(h, SCAP_ERR_NOMEM, "cannot start gzip decompression of '%s'", opts->filename);
			goto fail;
		}
		s->fd = -1; /* owned by gz now */
		gzbuffer(s->gz, 256 * 1024);
	} else {
		posix_fadvise(s->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	}
	s->cap = opts->buffer_size ? opts->buffer_size : DEFAULT_BUFSIZE;
	if (s->cap < MIN_BUFSIZE)
		s->cap = MIN_BUFSIZE;
	s->max_cap = (size_t)MAX_META_BODY + 64;
	s->max_meta = opts->max_meta_bytes ? opts->max_meta_bytes : DEFAULT_MAX_META;
	s->buf = malloc(s->cap);
	if (!s->buf) {
		r = scap_seterr(h, SCAP_ERR_NOMEM, "out of memory allocating a %zu-byte read buffer", s->cap);
		goto fail;
	}

	/* The first block must be a section header. */
	r = sf_ensure(h, s, 8);
	if (r < 0)
		goto fail;
	if (r == 0) {
		r = scap_seterr(h, SCAP_ERR_FORMAT,
				"'%s' is too short to be a scap capture: truncated block header at offset 0 (%zu bytes%s)",
				opts->filename, s->end - s->start, s->gz ? " decompressed" : "");
		goto fail;
	}
	if (scap_rd32(s->buf) != BT_SHB) {
		r = scap_seterr(h, SCAP_ERR_FORMAT,
				"not a scap capture: block type 0x%08" PRIx32 " at offset 0 is not a section header (SHB)",
				scap_rd32(s->buf));
		goto fail;
	}
	/* a big-endian writer swaps total_length too: say so before trusting it */
	if (sf_ensure(h, s, 12) > 0 && scap_rd32(s->buf + s->start + 8) == SHB_MAGIC_SWAPPED) {
		r = scap_seterr(h, SCAP_ERR_FORMAT,
				"SHB block at offset 0: byte-swapped magic 0x%08" PRIx32 ": big-endian captures are not supported",
				SHB_MAGIC_SWAPPED);
		goto fail;
	}
	r = sf_next_block(h, s, &b);
	if (r == SCAP_OK)
		r = parse_shb(h, s, &b);
	if (r == SCAP_OK)
		r = sf_read_metadata(h, s);
	if (r < 0)
		goto fail;
	return SCAP_OK;
fail:
	if (s->gz)
		gzclose(s->gz);
	if (s->fd >= 0)
		close(s->fd);
	free(s->buf);
	free(s);
	h->engine_data = NULL;
	return r < 0 ? r : SCAP_ERR_FORMAT;
}

static int sf_next(scap_t *h)
{
	struct sf *s = h->engine_data;
	struct blk b;
	char why[160];

	for (;;) {
		int r = sf_next_block(h, s, &b);
		if (r != SCAP_OK)
			return r;
		if (!b.d)
			continue; /* unknown block, skipped */
		switch (b.d->kind) {
		case BK_EVENT: {
			struct scap_evt *e = &h->evt;
			uint32_t hdr_off = 2 + (b.d->has_flags ? 4 : 0);
			if (b.blen < hdr_off)
				return blk_err(h, s, &b, "body of %" PRIu32 " bytes is too short for cpuid and flags", b.blen);
			e->cpu = scap_rd16(b.body);
			e->flags = b.d->has_flags ? scap_rd32(b.body + 2) : 0;
			e->offset = b.off;
			if (scap_evt_decode(e, b.body + hdr_off, b.blen - hdr_off, b.d->version, why, sizeof(why)))
				return blk_err(h, s, &b, "%s", why);
			s->in_events = true;
			return SCAP_OK;
		}
		case BK_SHB:
			/* a concatenated capture: a new section with its own metadata */
			r = parse_shb(h, s, &b);
			if (r == SCAP_OK)
				r = sf_read_metadata(h, s);
			if (r < 0)
				return r;
			break;
		default:
			/* metadata after events is not expected by libscap either */
			s->n_skipped++;
			scap_log(h, SCAP_LOG_WARN, "skipped %s block at offset %" PRIu64 " found after events",
				 b.d->name, b.off);
			break;
		}
	}
}

static void sf_close(scap_t *h)
{
	struct sf *s = h->engine_data;

	if (!s)
		return;
	if (s->gz)
		gzclose(s->gz);
	if (s->fd >= 0)
		close(s->fd);
	free(s->buf);
	free(s);
	h->engine_data = NULL;
}

static void sf_stats(scap_t *h, struct scap_stats *st)
{
	struct sf *s = h->engine_data;

	st->bytes_read = sf_pos(s);
	st->n_blocks = s->n_blocks;
	st->n_blocks_skipped = s->n_skipped;
}

const struct scap_engine_ops scap_savefile_engine = {
	.version = SCAP_ENGINE_OPS_VERSION,
	.name = "savefile",
	.open = sf_open,
	.next = sf_next,
	.close = sf_close,
	.get_stats = sf_stats,
};

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hostile and rare inputs for the savefile reader, built with scapgen:
 *  (a) malformed files: each case checks where it fails (open or next), the
 *      code, and that the message points into the faulty block ("offset N")
 *      and names it; every truncation of a valid file; a deterministic
 *      byte-mutation loop; corrupt gzip streams;
 *  (b) valid but rare layouts the real corpus lacks;
 *  (c) the scapcli exit status on hostile files ($SCAPCLI).
 */
#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scap.h"
#include "scapgen.h"
#include "test_util.h"

#if defined(__SANITIZE_ADDRESS__)
#define BI_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BI_ASAN 1
#endif
#endif
#ifndef BI_ASAN
#define BI_ASAN 0
#endif

#define SG_UNK_META 0x12345678u /* unknown block ids, digits only */
#define SG_UNK_EVT 0x55550001u
#define MIB (1024u * 1024u)

/* ------------------------------------------------------------------------ */
/* Expected events and the standard synthetic file                           */

struct xev {
	uint32_t btype;
	uint16_t cpu;
	uint32_t flags;
	uint64_t ts;
	int64_t tid;
	uint16_t type;
	uint32_t nparams;
	struct sg_param p[4];
	int with_opts; /* add pcapng comment options after the event */
};

static const uint8_t RES0[8] = {0};
static const uint8_t RES3[8] = {3};
static const uint8_t RES5[8] = {5};
static const uint8_t U32_1[4] = {1};
static const uint8_t U32_0[4] = {0};
static const uint8_t U64_A[8] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
static const uint8_t U64_B[8] = {0xff, 0xfe, 0xfd, 0xfc, 0, 0, 0, 0x80};
static const uint8_t PLUGID[4] = {0x39, 0x30, 0, 0};
static uint8_t BLOB100[100];

#define P(x) {(x), sizeof(x)}
#define PS(s) {(s), sizeof(s)} /* string literal including its NUL */

static const struct xev STD_EVTS[] = {
	{SG_EV_V2, 1, 0, 1000000000001ull, 42, 3, 4,
	 {P(RES3), PS("/etc/passwd"), P(U32_1), P(U32_0)}, 0},
	{SG_EVF_V2, 2, 1, 1000000000002ull, 42, 234, 2, {P(U64_A), P(U64_B)}, 0},
	{SG_EV_V2, 0, 0, 1000000000003ull, 42, 7, 2, {P(RES5), {"hello", 5}}, 1},
	{SG_EV, 3, 0, 1000000000004ull, 1, 5, 1, {P(RES0)}, 0},
	{SG_EV_V2_LARGE, 1, 0, 1000000000005ull, 0, 322, 2, {P(PLUGID), P(BLOB100)}, 0},
	{SG_EV_V2, 0, 0, 1000000000006ull, 7, 60000, 2, {{"ab", 2}, {NULL, 0}}, 0},
	{SG_EV_V2, 5, 0, 1000000000007ull, -1, 4, 1, {P(RES3)}, 0},
};
#define N_STD_EVTS (sizeof(STD_EVTS) / sizeof(STD_EVTS[0]))

static int is_ev_type(uint32_t t)
{
	return t == SG_EV || t == SG_EVF || t == SG_EV_V2 || t == SG_EVF_V2 || t == SG_EV_V2_LARGE ||
	       t == SG_EVF_V2_LARGE;
}

static void comment_opts(sg_buf *o, const char *text)
{
	sg_opt(o, 1, text, (uint16_t)strlen(text));
	sg_opt_end(o);
}

static size_t add_xev(sg_buf *b, const struct xev *x)
{
	sg_buf ev, opts;
	size_t off;
	int v1 = x->btype == SG_EV || x->btype == SG_EVF;

	sg_init(&ev);
	sg_init(&opts);
	sg_event(&ev, v1 ? 1 : 2, x->ts, x->tid, x->type, x->nparams, x->p, 0);
	if (x->with_opts)
		comment_opts(&opts, "a block comment, added by editcap");
	off = sg_ev_block(b, x->btype, x->cpu, x->flags, &ev, x->with_opts ? &opts : NULL);
	sg_free(&ev);
	sg_free(&opts);
	return off;
}

static const struct sg_proc PROC_INIT = {1, 1, 0, "init", "/sbin/init", "", "/", 0, 0};
static const struct sg_proc PROC_CAT = {42, 42, 1, "cat", "/bin/cat", "/etc/passwd", "/root", 1000, 100};

/* SHB, MI, IL_V2, UL_V2, PL_V9, FDL_V2 (and optionally an unknown block). */
static void build_meta(sg_buf *b, const char *host, int unknown)
{
	static const uint8_t lo[4] = {127, 0, 0, 1}, lomask[4] = {255, 0, 0, 0}, none[4] = {0};
	static const uint8_t eth[4] = {10, 0, 0, 2}, ethmask[4] = {255, 255, 255, 0},
			     ethb[4] = {10, 0, 0, 255};
	sg_buf body;

	sg_init(&body);
	sg_shb(b, 1, 2);
	sg_mi(b, 4, 8ull << 30, 4194304, host, 1700000000000000000ull);
	sg_il_v2_ipv4(&body, "lo", lo, lomask, none, 0);
	sg_il_v2_ipv4(&body, "eth0", eth, ethmask, ethb, 1000);
	sg_block(b, SG_IL_V2, body.p, body.len);
	body.len = 0;
	sg_ul_v2_user(&body, 0, 0, "root", "/root", "/bin/bash");
	sg_ul_v2_group(&body, 0, "root");
	sg_block(b, SG_UL_V2, body.p, body.len);
	if (unknown)
		sg_block(b, SG_UNK_META, "whatever", 8);
	body.len = 0;
	sg_pl_v9_entry(&body, &PROC_INIT);
	sg_pl_v9_entry(&body, &PROC_CAT);
	sg_block(b, SG_PL_V9, body.p, body.len);
	body.len = 0;
	sg_u64(&body, 42);
	sg_fdl_v2_file(&body, 0, 5, "/dev/null");
	sg_fdl_v2_file(&body, 3, 77, "/etc/passwd");
	sg_block(b, SG_FDL_V2, body.p, body.len);
	sg_free(&body);
}

/* The standard file: metadata with an unknown block, the 7 STD_EVTS, and an
 * unknown block after event 5. */
static void build_std(sg_buf *b)
{
	for (size_t i = 0; i < sizeof(BLOB100); i++)
		BLOB100[i] = (uint8_t)(i * 37 + 1);
	sg_init(b);
	build_meta(b, "synthhost", 1);
	for (size_t i = 0; i < N_STD_EVTS; i++) {
		add_xev(b, &STD_EVTS[i]);
		if (i == 4)
			sg_block(b, SG_UNK_EVT, "skipme!!xx", 10);
	}
}

struct blk {
	size_t off;
	uint32_t type, total;
};

/* Block list of a well-formed buffer. */
static int walk(const sg_buf *b, struct blk *out, int max)
{
	size_t off = 0;
	int n = 0;

	while (off + 12 <= b->len && n < max) {
		out[n].off = off;
		out[n].type = sg_get_u32(b, off);
		out[n].total = sg_get_u32(b, off + 4);
		off += out[n].total;
		n++;
	}
	return n;
}

/* Offset of the nth block (0-based) of a type. */
static size_t find_blk(const sg_buf *b, uint32_t type, int nth)
{
	struct blk bl[256];
	int n = walk(b, bl, 256);

	for (int i = 0; i < n; i++)
		if (bl[i].type == type && nth-- == 0)
			return bl[i].off;
	ck_abort_msg("block type 0x%x not found", type);
	return 0;
}

static const char *blk_name(uint32_t t, char *buf, size_t n)
{
	switch (t) {
	case SG_SHB: return "SHB";
	case SG_MI: return "MI";
	case SG_PL_V9: return "PL_V9";
	case SG_FDL_V2: return "FDL_V2";
	case SG_IL_V2: return "IL_V2";
	case SG_UL_V2: return "UL_V2";
	case SG_EV: return "EV";
	case SG_EVF: return "EVF";
	case SG_EV_V2: return "EV_V2";
	case SG_EVF_V2: return "EVF_V2";
	case SG_EV_V2_LARGE: return "EV_V2_LARGE";
	case SG_EVF_V2_LARGE: return "EVF_V2_LARGE";
	default: snprintf(buf, n, "block type 0x%08x", t); return buf;
	}
}

/* ------------------------------------------------------------------------ */
/* Opening and checking                                                      */

struct tfile {
	char path[4096];
};

static void tf_write(struct tfile *t, const void *data, size_t len, int gz)
{
	snprintf(t->path, sizeof(t->path), "%s", tu_tmpfile(gz ? ".scap.gz" : ".scap"));
	ck_assert_int_eq(gz ? tu_write_gz(t->path, data, len) : tu_write_file(t->path, data, len), 0);
}

static scap_t *tf_open(const struct tfile *t, char *errbuf, int *err)
{
	struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;

	o.engine = "savefile";
	o.filename = t->path;
	errbuf[0] = 0;
	*err = 0;
	return scap_open_err(&o, errbuf, err);
}

/* Does msg contain "offset N" with lo <= N <= hi? */
static int offset_in(const char *msg, uint64_t lo, uint64_t hi)
{
	for (const char *s = msg; (s = strstr(s, "offset ")) != NULL; s++) {
		const char *d = s + 7;
		char *end;
		unsigned long long v;

		if (!isdigit((unsigned char)*d))
			continue;
		v = strtoull(d, &end, 10);
		if (v >= lo && v <= hi)
			return 1;
	}
	return 0;
}

/* Does msg contain one of the '|'-separated names? */
static int has_name(const char *msg, const char *names)
{
	char tmp[256];

	snprintf(tmp, sizeof(tmp), "%s", names);
	for (char *sv = NULL, *tok = strtok_r(tmp, "|", &sv); tok; tok = strtok_r(NULL, "|", &sv))
		if (strstr(msg, tok))
			return 1;
	return 0;
}

static void check_msg(const char *what, const char *msg, uint64_t lo, uint64_t hi, const char *names)
{
	ck_assert_msg(msg && msg[0], "%s: empty error message", what);
	ck_assert_msg(offset_in(msg, lo, hi), "%s: message \"%s\" lacks \"offset N\" with N in [%" PRIu64
					      ", %" PRIu64 "]", what, msg, lo, hi);
	if (names)
		ck_assert_msg(has_name(msg, names), "%s: message \"%s\" does not name %s", what, msg, names);
}

enum { AT_OPEN, AT_NEXT };

/* The file must fail at open (AT_OPEN) or at scap_next after nok events
 * (AT_NEXT) with `code`, and the message must have an offset in [lo, hi]
 * and name one of `names` (NULL: no name check). */
static void expect_fail(const char *what, const void *data, size_t len, int gz, int at, int nok,
			int code, uint64_t lo, uint64_t hi, const char *names)
{
	struct tfile t;
	char eb[SCAP_ERRBUF_SIZE];
	int err, rc, rc2;
	const scap_evt_t *e;
	scap_t *h;

	tf_write(&t, data, len, gz);
	h = tf_open(&t, eb, &err);
	if (at == AT_OPEN) {
		if (h) {
			int n = 0;
			while ((rc = scap_next(h, &e)) == SCAP_OK)
				n++;
			ck_abort_msg("%s: scap_open succeeded (then %d events, scap_next=%d \"%s\"); expected "
				     "open to fail with %d", what, n, rc, scap_geterr(h), code);
		}
		ck_assert_msg(err == code, "%s: open error code %d (\"%s\"), expected %d", what, err, eb, code);
		check_msg(what, eb, lo, hi, names);
		unlink(t.path);
		return;
	}
	ck_assert_msg(h != NULL, "%s: scap_open failed (%d \"%s\"), expected it to succeed", what, err, eb);
	for (int i = 0; i < nok; i++) {
		rc = scap_next(h, &e);
		ck_assert_msg(rc == SCAP_OK, "%s: event %d: scap_next=%d \"%s\", expected %d good events",
			      what, i, rc, scap_geterr(h), nok);
	}
	rc = scap_next(h, &e);
	ck_assert_msg(rc == code, "%s: scap_next after %d events returned %d (\"%s\"), expected %d", what,
		      nok, rc, scap_geterr(h), code);
	check_msg(what, scap_geterr(h), lo, hi, names);
	rc2 = scap_next(h, &e);
	ck_assert_msg(rc2 == rc, "%s: scap_next after the error returned %d, expected %d again", what, rc2,
		      rc);
	ck_assert_msg(scap_geterr(h)[0], "%s: message lost after the repeated error", what);
	scap_close(h);
	unlink(t.path);
}

/* Shortcut: an error located in the block at `off` (any byte of it). */
static void expect_blk_fail(const char *what, const sg_buf *b, int at, int nok, size_t off)
{
	char nb[64];
	uint32_t type = sg_get_u32(b, off);
	uint32_t total = sg_get_u32(b, off + 4);
	uint64_t hi = off + (uint64_t)total;

	if (hi > b->len || total < 12)
		hi = b->len;
	expect_fail(what, b->p, b->len, 0, at, nok, SCAP_ERR_FORMAT, off, hi, blk_name(type, nb, sizeof(nb)));
}

static void check_evt(const scap_evt_t *e, const struct xev *x, uint64_t off, const char *what)
{
	int v1 = x->btype == SG_EV || x->btype == SG_EVF;
	uint32_t w = sg_lenwidth(x->type);
	uint32_t len = (v1 ? 22 : 26) + x->nparams * w;

	ck_assert_msg(scap_evt_type(e) == x->type, "%s: type %u, expected %u", what, scap_evt_type(e), x->type);
	ck_assert_msg(scap_evt_ts(e) == x->ts, "%s: ts %" PRIu64 ", expected %" PRIu64, what, scap_evt_ts(e),
		      x->ts);
	ck_assert_msg(scap_evt_tid(e) == x->tid, "%s: tid %" PRId64, what, scap_evt_tid(e));
	ck_assert_msg(scap_evt_cpu(e) == x->cpu, "%s: cpu %u, expected %u", what, scap_evt_cpu(e), x->cpu);
	ck_assert_msg(scap_evt_flags(e) == x->flags, "%s: flags %u, expected %u", what, scap_evt_flags(e),
		      x->flags);
	ck_assert_msg(scap_evt_nparams(e) == x->nparams, "%s: nparams %u, expected %u", what,
		      scap_evt_nparams(e), x->nparams);
	ck_assert_msg(scap_evt_hdr_version(e) == (v1 ? 1 : 2), "%s: hdr version %d", what,
		      scap_evt_hdr_version(e));
	ck_assert_msg(scap_evt_lenwidth(e) == w, "%s: lenwidth %u, expected %u", what, scap_evt_lenwidth(e), w);
	ck_assert_msg(scap_evt_offset(e) == off, "%s: offset %" PRIu64 ", expected %" PRIu64, what,
		      scap_evt_offset(e), off);
	for (uint32_t i = 0; i < x->nparams; i++) {
		const void *d = NULL;
		uint32_t l = 12345;

		ck_assert_msg(scap_evt_param(e, i, &d, &l) == SCAP_OK, "%s: param %u missing", what, i);
		ck_assert_msg(l == x->p[i].len, "%s: param %u len %u, expected %u", what, i, l, x->p[i].len);
		if (l)
			ck_assert_msg(memcmp(d, x->p[i].data, l) == 0, "%s: param %u bytes differ", what, i);
		len += x->p[i].len;
	}
	{
		const void *d;
		uint32_t l;
		ck_assert_msg(scap_evt_param(e, x->nparams, &d, &l) == SCAP_ERR_INVAL,
			      "%s: param past nparams not INVAL", what);
	}
	ck_assert_msg(scap_evt_len(e) == len, "%s: len %u, expected %u", what, scap_evt_len(e), len);
	ck_assert_msg(scap_evt_raw(e) != NULL, "%s: raw NULL", what);
}

/* Open b (plain or gzip) and read it: every event must match xs[i] at the
 * block offsets of the event blocks of b; then EOF. Returns the handle,
 * still open, for further checks. */
static scap_t *read_expect(const sg_buf *b, int gz, const struct xev *xs, size_t nx, struct tfile *t)
{
	struct blk bl[256];
	int nb = walk(b, bl, 256), bi = 0;
	char eb[SCAP_ERRBUF_SIZE], what[64];
	const scap_evt_t *e;
	int err, rc;
	scap_t *h;

	tf_write(t, b->p, b->len, gz);
	h = tf_open(t, eb, &err);
	ck_assert_msg(h != NULL, "open failed: %d %s", err, eb);
	for (size_t i = 0; i < nx; i++) {
		while (bi < nb && !is_ev_type(bl[bi].type))
			bi++;
		ck_assert(bi < nb);
		snprintf(what, sizeof(what), "%sevent %zu", gz ? "gz " : "", i);
		rc = scap_next(h, &e);
		ck_assert_msg(rc == SCAP_OK, "%s: scap_next=%d \"%s\"", what, rc, scap_geterr(h));
		check_evt(e, &xs[i], bl[bi].off, what);
		bi++;
	}
	rc = scap_next(h, &e);
	ck_assert_msg(rc == SCAP_EOF, "after %zu events: scap_next=%d \"%s\", expected EOF", nx, rc,
		      scap_geterr(h));
	ck_assert_int_eq(scap_next(h, &e), SCAP_EOF);
	return h;
}

static void close_rm(scap_t *h, struct tfile *t)
{
	scap_close(h);
	unlink(t->path);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Cap the address space (not under ASan, and only in a forked test) so that
 * a reader that believes a claimed 4 GiB size fails instead of swapping. */
static void limit_memory(void)
{
	const char *f = getenv("CK_FORK");
	struct rlimit rl;

	if (BI_ASAN || (f && strcmp(f, "no") == 0))
		return;
	if (getrlimit(RLIMIT_AS, &rl) == 0) {
		rl.rlim_cur = 1024ull * MIB;
		setrlimit(RLIMIT_AS, &rl);
	}
}

/* Metadata + one good EV_V2 event, the common prefix of event-phase cases. */
static size_t meta_and_one(sg_buf *b)
{
	sg_init(b);
	build_meta(b, "h", 0);
	add_xev(b, &STD_EVTS[0]);
	return b->len;
}

/* ------------------------------------------------------------------------ */
/* (a) hostile inputs: SHB and open phase                                     */

START_TEST(t_empty_file)
{
	expect_fail("empty file", "", 0, 0, AT_OPEN, 0, SCAP_ERR_FORMAT, 0, 0, NULL);
}
END_TEST

START_TEST(t_short_header)
{
	sg_buf b;

	sg_init(&b);
	sg_shb(&b, 1, 2);
	expect_fail("11-byte file", b.p, 11, 0, AT_OPEN, 0, SCAP_ERR_FORMAT, 0, 11, "SHB");
	expect_fail("27-byte file", b.p, 27, 0, AT_OPEN, 0, SCAP_ERR_FORMAT, 0, 27, "SHB");
	expect_fail("7-byte file", b.p, 7, 0, AT_OPEN, 0, SCAP_ERR_FORMAT, 0, 7, NULL);
	sg_free(&b);
}
END_TEST

START_TEST(t_shb_body_short)
{
	sg_buf b;
	uint8_t body[8] = {0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 2, 0};

	sg_init(&b);
	sg_block(&b, SG_SHB, body, sizeof(body)); /* 20-byte SHB */
	build_meta(&b, "h", 0);
	expect_fail("SHB body of 8 bytes", b.p, b.len, 0, AT_OPEN, 0, SCAP_ERR_FORMAT, 0, 20, "SHB");
	sg_free(&b);
}
END_TEST

START_TEST(t_first_block_not_shb)
{
	sg_buf b;

	sg_init(&b);
	sg_mi(&b, 1, 1, 1, "h", 0);
	expect_fail("MI first", b.p, b.len, 0, AT_OPEN, 0, SCAP_ERR_FORMAT, 0, 0,
		    "SHB|MI|block type 0x00000201");
	sg_free(&b);
}
END_TEST

START_TEST(t_bad_magic)
{
	sg_buf b;

	sg_init(&b);
	build_meta(&b, "h", 0);
	sg_set_u32(&b, 8, 0xDEADBEEFu);
	expect_fail("wrong magic", b.p, b.len, 0, AT_OPEN, 0, SCAP_ERR_FORMAT, 0, 8, "SHB");
	sg_set_u32(&b, 8, 0x4D3C2B1Au);
	expect_fail("byte-swapped magic", b.p, b.len, 0, AT_OPEN, 0, SCAP_ERR_FORMAT, 0, 8, "SHB");
	sg_free(&b);
}
END_TEST

START_TEST(t_major_version)
{
	sg_buf b;

	sg_init(&b);
	build_meta(&b, "h", 0);
	sg_set_u16(&b, 12, 2);
	expect_fail("SHB major 2", b.p, b.len, 0, AT_OPEN, 0, SCAP_ERR_FORMAT, 0, 12, "SHB");
	sg_set_u16(&b, 12, 0xffff);
	expect_fail("SHB major 65535", b.p, b.len, 0, AT_OPEN, 0, SCAP_ERR_FORMAT, 0, 12, "SHB");
	sg_free(&b);
}
END_TEST

START_TEST(t_unreadable_path)
{
	struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;
	char eb[SCAP_ERRBUF_SIZE] = "";
	int err = 0;

	o.engine = "savefile";
	o.filename = "/nonexistent/dir/file.scap";
	ck_assert_ptr_null(scap_open_err(&o, eb, &err));
	ck_assert_int_eq(err, SCAP_ERR_IO);
	ck_assert_msg(eb[0], "no message for an unreadable path");
}
END_TEST

/* Block framing in the metadata phase. */
START_TEST(t_meta_framing)
{
	sg_buf b, orig;
	size_t mi, pl, fdl;

	sg_init(&b);
	build_meta(&b, "h", 0);
	add_xev(&b, &STD_EVTS[0]);
	sg_init(&orig);
	sg_raw(&orig, b.p, b.len);
#define RESTORE() memcpy(b.p, orig.p, b.len)
	mi = find_blk(&b, SG_MI, 0);
	pl = find_blk(&b, SG_PL_V9, 0);
	fdl = find_blk(&b, SG_FDL_V2, 0);

	sg_set_u32(&b, mi + 4, 8);
	expect_fail("MI total_length 8", b.p, b.len, 0, AT_OPEN, 0, SCAP_ERR_FORMAT, mi, mi + 192, "MI");
	sg_set_u32(&b, mi + 4, 0);
	expect_fail("MI total_length 0", b.p, b.len, 0, AT_OPEN, 0, SCAP_ERR_FORMAT, mi, mi + 192, "MI");
	sg_set_u32(&b, mi + 4, 190);
	expect_fail("MI total_length 190", b.p, b.len, 0, AT_OPEN, 0, SCAP_ERR_FORMAT, mi, mi + 192, "MI");
	RESTORE();

	sg_set_u32(&b, pl + 4, (uint32_t)(b.len - pl + 4));
	expect_fail("PL_V9 total_length past EOF", b.p, b.len, 0, AT_OPEN, 0, SCAP_ERR_FORMAT, pl, b.len,
		    "PL_V9");
	RESTORE();

	sg_set_u32(&b, fdl + sg_get_u32(&b, fdl + 4) - 4, 0x1000);
	expect_fail("FDL_V2 trailer", b.p, b.len, 0, AT_OPEN, 0, SCAP_ERR_FORMAT, fdl, b.len, "FDL_V2");
	RESTORE();

	sg_set_u32(&b, mi + 188, 196);
	expect_fail("MI trailer", b.p, b.len, 0, AT_OPEN, 0, SCAP_ERR_FORMAT, mi, mi + 192, "MI");
#undef RESTORE
	sg_free(&orig);
	sg_free(&b);
}
END_TEST

START_TEST(t_meta_4g)
{
	sg_buf b;
	size_t pl;
	double t0;

	limit_memory();
	sg_init(&b);
	build_meta(&b, "h", 0);
	add_xev(&b, &STD_EVTS[0]);
	pl = find_blk(&b, SG_PL_V9, 0);
	sg_set_u32(&b, pl + 4, 0xFFFFFFFCu);
	t0 = now_s();
	expect_fail("PL_V9 claims 4 GiB", b.p, b.len, 0, AT_OPEN, 0, SCAP_ERR_FORMAT, pl, b.len, "PL_V9");
	ck_assert_msg(now_s() - t0 < 3.0, "4 GiB claim took %.1fs", now_s() - t0);
	sg_free(&b);
}
END_TEST

START_TEST(t_unknown_meta_trailer)
{
	sg_buf b;
	size_t u;

	sg_init(&b);
	build_meta(&b, "h", 1);
	add_xev(&b, &STD_EVTS[0]);
	u = find_blk(&b, SG_UNK_META, 0); /* 20 bytes: 8-byte body */
	sg_set_u32(&b, u + 16, 99);
	expect_fail("unknown block bad trailer", b.p, b.len, 0, AT_OPEN, 0, SCAP_ERR_FORMAT, u, u + 20,
		    "block type 0x12345678");
	sg_set_u32(&b, u + 16, 20);
	sg_set_u32(&b, u + 4, 14);
	expect_fail("unknown block length 14", b.p, b.len, 0, AT_OPEN, 0, SCAP_ERR_FORMAT, u, u + 20,
		    "block type 0x12345678");
	sg_set_u32(&b, u + 4, 0xFFFFFFF0u);
	expect_fail("unknown block claims 4 GiB", b.p, b.len, 0, AT_OPEN, 0, SCAP_ERR_FORMAT, u, b.len,
		    "block type 0x12345678");
	sg_free(&b);
}
END_TEST

/* A file: SHB, MI, one list block with `body`, one event. */
static void meta_with_list(sg_buf *b, uint32_t type, const sg_buf *body, size_t *boff)
{
	sg_init(b);
	sg_shb(b, 1, 2);
	sg_mi(b, 1, 1, 1, "h", 0);
	*boff = sg_block(b, type, body->p, body->len);
	add_xev(b, &STD_EVTS[0]);
}

START_TEST(t_pl_entries)
{
	sg_buf body, b;
	size_t off;
	char big[4200];
	struct sg_proc p = PROC_CAT;

	sg_init(&body);
	sg_pl_v9_entry(&body, &PROC_INIT);
	sg_set_u32(&body, 0, (uint32_t)body.len + 8); /* entry_len past the body */
	meta_with_list(&b, SG_PL_V9, &body, &off);
	expect_blk_fail("PL_V9 entry_len past body", &b, AT_OPEN, 0, off);
	sg_free(&b);

	sg_set_u32(&body, 0, 30); /* entry_len too small for the fixed fields */
	meta_with_list(&b, SG_PL_V9, &body, &off);
	expect_blk_fail("PL_V9 entry_len 30", &b, AT_OPEN, 0, off);
	sg_free(&b);

	memset(big, 'x', sizeof(big));
	big[1025] = 0;
	p.comm = big;
	body.len = 0;
	sg_pl_v9_entry(&body, &p);
	meta_with_list(&b, SG_PL_V9, &body, &off);
	expect_blk_fail("PL_V9 comm of 1025 bytes", &b, AT_OPEN, 0, off);
	sg_free(&b);

	big[1025] = 'x';
	big[4097] = 0;
	p.comm = "c";
	p.args = big;
	body.len = 0;
	sg_pl_v9_entry(&body, &p);
	meta_with_list(&b, SG_PL_V9, &body, &off);
	expect_blk_fail("PL_V9 args of 4097 bytes", &b, AT_OPEN, 0, off);
	sg_free(&b);

	/* comm str16 length runs past the entry (and the body) */
	body.len = 0;
	sg_pl_v9_entry(&body, &PROC_INIT);
	sg_set_u16(&body, 4 + 40, 900);
	meta_with_list(&b, SG_PL_V9, &body, &off);
	expect_blk_fail("PL_V9 comm length past entry", &b, AT_OPEN, 0, off);
	sg_free(&b);
	sg_free(&body);
}
END_TEST

START_TEST(t_fdl_entries)
{
	sg_buf body, b;
	size_t off;
	char big[1100];

	sg_init(&body);
	sg_u64(&body, 42);
	sg_fdl_v2_file(&body, 3, 1, "/etc/passwd");
	sg_set_u32(&body, 8, 200);
	meta_with_list(&b, SG_FDL_V2, &body, &off);
	expect_blk_fail("FDL_V2 entry_len past body", &b, AT_OPEN, 0, off);
	sg_free(&b);

	memset(big, 'f', sizeof(big));
	big[1024] = 0;
	body.len = 0;
	sg_u64(&body, 42);
	sg_fdl_v2_file(&body, 3, 1, big);
	meta_with_list(&b, SG_FDL_V2, &body, &off);
	expect_blk_fail("FDL_V2 name of 1024 bytes", &b, AT_OPEN, 0, off);
	sg_free(&b);

	body.len = 0;
	sg_u64(&body, 42);
	sg_fdl_v2_file(&body, 3, 1, "/etc/passwd");
	sg_set_u16(&body, 8 + 4 + 17, 300); /* name length past the entry */
	meta_with_list(&b, SG_FDL_V2, &body, &off);
	expect_blk_fail("FDL_V2 name length past entry", &b, AT_OPEN, 0, off);
	sg_free(&b);
	sg_free(&body);
}
END_TEST

START_TEST(t_il_entries)
{
	static const uint8_t a[4] = {1, 2, 3, 4};
	sg_buf body, b;
	size_t off;
	char big[1100];

	sg_init(&body);
	sg_il_v2_ipv4(&body, "eth0", a, a, a, 10);
	sg_set_u32(&body, 0, 100);
	meta_with_list(&b, SG_IL_V2, &body, &off);
	expect_blk_fail("IL_V2 entry size past body", &b, AT_OPEN, 0, off);
	sg_free(&b);

	memset(big, 'i', sizeof(big));
	big[1024] = 0;
	body.len = 0;
	sg_il_v2_ipv4(&body, big, a, a, a, 10);
	meta_with_list(&b, SG_IL_V2, &body, &off);
	expect_blk_fail("IL_V2 name of 1024 bytes", &b, AT_OPEN, 0, off);
	sg_free(&b);

	body.len = 0;
	sg_il_v2_ipv4(&body, "eth0", a, a, a, 10);
	sg_set_u16(&body, 4, 9); /* unknown interface type */
	meta_with_list(&b, SG_IL_V2, &body, &off);
	expect_blk_fail("IL_V2 type 9", &b, AT_OPEN, 0, off);
	sg_free(&b);
	sg_free(&body);
}
END_TEST

START_TEST(t_ul_entries)
{
	sg_buf body, b;
	size_t off;
	char big[300];

	sg_init(&body);
	sg_ul_v2_user(&body, 0, 0, "root", "/root", "/bin/sh");
	sg_set_u32(&body, 0, 64);
	meta_with_list(&b, SG_UL_V2, &body, &off);
	expect_blk_fail("UL_V2 entry_len past body", &b, AT_OPEN, 0, off);
	sg_free(&b);

	memset(big, 'u', sizeof(big));
	big[256] = 0;
	body.len = 0;
	sg_ul_v2_user(&body, 0, 0, big, "/root", "/bin/sh");
	meta_with_list(&b, SG_UL_V2, &body, &off);
	expect_blk_fail("UL_V2 user name of 256 bytes", &b, AT_OPEN, 0, off);
	sg_free(&b);

	body.len = 0;
	sg_ul_v2_group(&body, 0, big);
	meta_with_list(&b, SG_UL_V2, &body, &off);
	expect_blk_fail("UL_V2 group name of 256 bytes", &b, AT_OPEN, 0, off);
	sg_free(&b);
	sg_free(&body);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* (a) hostile inputs: event phase                                            */

START_TEST(t_ev_framing)
{
	sg_buf b;
	size_t off;

	meta_and_one(&b);
	off = add_xev(&b, &STD_EVTS[2]);
	add_xev(&b, &STD_EVTS[0]);

	sg_set_u32(&b, off + 4, 8);
	expect_blk_fail("EV_V2 total_length 8", &b, AT_NEXT, 1, off);
	sg_set_u32(&b, off + 4, 0);
	expect_blk_fail("EV_V2 total_length 0", &b, AT_NEXT, 1, off);
	sg_set_u32(&b, off + 4, 50);
	expect_blk_fail("EV_V2 total_length 50", &b, AT_NEXT, 1, off);
	sg_set_u32(&b, off + 4, (uint32_t)(b.len - off + 4));
	expect_blk_fail("EV_V2 total_length past EOF", &b, AT_NEXT, 1, off);
	sg_free(&b);

	meta_and_one(&b);
	off = add_xev(&b, &STD_EVTS[2]);
	add_xev(&b, &STD_EVTS[0]);
	sg_set_u32(&b, off + sg_get_u32(&b, off + 4) - 4, 0x40);
	expect_blk_fail("EV_V2 trailer", &b, AT_NEXT, 1, off);
	sg_free(&b);

	/* same for a V1 EV block */
	meta_and_one(&b);
	off = add_xev(&b, &STD_EVTS[3]);
	sg_set_u32(&b, off + sg_get_u32(&b, off + 4) - 4, 0);
	expect_blk_fail("EV trailer", &b, AT_NEXT, 1, off);
	sg_free(&b);
}
END_TEST

START_TEST(t_unknown_evt_trailer)
{
	sg_buf b;
	size_t off;

	meta_and_one(&b);
	off = sg_block(&b, SG_UNK_EVT, "abcd", 4);
	add_xev(&b, &STD_EVTS[0]);
	sg_set_u32(&b, off + 12, 20);
	expect_fail("unknown block after events, bad trailer", b.p, b.len, 0, AT_NEXT, 1, SCAP_ERR_FORMAT,
		    off, off + 16, "block type 0x55550001");
	sg_free(&b);
}
END_TEST

START_TEST(t_ev_body_too_big)
{
	static uint8_t big[40000];
	struct xev x = {SG_EV_V2, 0, 0, 5, 5, 9, 2, {P(big), P(big)}, 0};
	sg_buf b;
	size_t off;

	meta_and_one(&b);
	off = add_xev(&b, &x);
	expect_blk_fail("EV_V2 body of 80032 bytes", &b, AT_NEXT, 1, off);
	sg_free(&b);

	x.btype = SG_EV;
	meta_and_one(&b);
	off = add_xev(&b, &x);
	expect_blk_fail("EV body of 80028 bytes", &b, AT_NEXT, 1, off);
	sg_free(&b);

	x.btype = SG_EVF_V2;
	x.flags = 1;
	meta_and_one(&b);
	off = add_xev(&b, &x);
	expect_blk_fail("EVF_V2 body of 80036 bytes", &b, AT_NEXT, 1, off);
	sg_free(&b);
}
END_TEST

START_TEST(t_ev_4g)
{
	static const uint32_t types[] = {SG_EV_V2, SG_EV_V2_LARGE, SG_EVF_V2_LARGE, SG_UNK_EVT};
	sg_buf b;
	size_t off;
	double t0;
	char what[64];

	limit_memory();
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		meta_and_one(&b);
		off = add_xev(&b, &STD_EVTS[2]);
		sg_set_u32(&b, off, types[i]);
		sg_set_u32(&b, off + 4, 0xFFFFFFFCu);
		snprintf(what, sizeof(what), "block 0x%x claims 4 GiB", types[i]);
		t0 = now_s();
		expect_blk_fail(what, &b, AT_NEXT, 1, off);
		ck_assert_msg(now_s() - t0 < 3.0, "%s: took %.1fs", what, now_s() - t0);
		sg_free(&b);
	}
}
END_TEST

START_TEST(t_large_over_64m)
{
	sg_buf b, ev;
	size_t off;
	struct sg_param p[2] = {P(PLUGID), {NULL, 64 * MIB + 4096}};

	limit_memory();
	/* claimed above 64 MiB in a small file */
	meta_and_one(&b);
	off = add_xev(&b, &STD_EVTS[4]);
	sg_set_u32(&b, off + 4, 64 * MIB + 4096 + 12);
	expect_blk_fail("EV_V2_LARGE claims 64 MiB + 4 KiB", &b, AT_NEXT, 1, off);
	sg_free(&b);

	/* really above 64 MiB (stored gzip'ed to stay small on disk) */
	meta_and_one(&b);
	sg_init(&ev);
	sg_event(&ev, 2, 9, 9, 322, 2, p, 0);
	off = sg_ev_block(&b, SG_EV_V2_LARGE, 0, 0, &ev, NULL);
	sg_free(&ev);
	expect_fail("EV_V2_LARGE of 64 MiB + 4 KiB (gz)", b.p, b.len, 1, AT_NEXT, 1, SCAP_ERR_FORMAT, off,
		    b.len, "EV_V2_LARGE");
	sg_free(&b);
}
END_TEST

/* Event block around raw event bytes `ev` (V2). */
static void bad_event_case(const char *what, sg_buf *ev, uint32_t btype)
{
	sg_buf b;
	size_t off;

	meta_and_one(&b);
	off = sg_ev_block(&b, btype, 0, 0, ev, NULL);
	add_xev(&b, &STD_EVTS[0]);
	expect_blk_fail(what, &b, AT_NEXT, 1, off);
	sg_free(&b);
}

START_TEST(t_v2_header_checks)
{
	struct sg_param p33[33];
	struct sg_param one[1] = {{"0123456789", 10}};
	static uint8_t hundred[100];
	struct sg_param p100[1] = {P(hundred)};
	sg_buf ev;

	memset(p33, 0, sizeof(p33));
	sg_init(&ev);

	sg_event(&ev, 2, 1, 1, 9, 1, one, 0);
	sg_set_u32(&ev, 16, 25);
	bad_event_case("EV_V2 len 25", &ev, SG_EV_V2);
	sg_set_u32(&ev, 16, 0);
	bad_event_case("EV_V2 len 0", &ev, SG_EV_V2);
	sg_set_u32(&ev, 16, 38 + 100);
	bad_event_case("EV_V2 len past the block body", &ev, SG_EV_V2);
	sg_set_u32(&ev, 16, 0xFFFFFFF0u);
	bad_event_case("EV_V2 len 0xFFFFFFF0", &ev, SG_EV_V2);

	ev.len = 0;
	sg_event(&ev, 2, 1, 1, 9, 33, p33, 0);
	bad_event_case("EV_V2 nparams 33", &ev, SG_EV_V2);
	sg_set_u32(&ev, 22, 0xFFFFFFFFu);
	bad_event_case("EV_V2 nparams 0xFFFFFFFF", &ev, SG_EV_V2);

	ev.len = 0;
	sg_event(&ev, 2, 1, 1, 9, 10, p33, 0); /* len 46 */
	sg_set_u32(&ev, 16, 30);                /* room for 2 of the 10 lengths */
	bad_event_case("EV_V2 length array past len", &ev, SG_EV_V2);

	ev.len = 0;
	sg_event(&ev, 2, 1, 1, 9, 1, p100, 0);
	sg_set_u32(&ev, 16, 26 + 2 + 4);
	bad_event_case("EV_V2 param past len", &ev, SG_EV_V2);
	sg_set_u32(&ev, 16, 26 + 2 + 100);
	sg_set_u16(&ev, 26, 0xFFFF);
	bad_event_case("EV_V2 param length 65535", &ev, SG_EV_V2);

	/* u32 lengths for type 322: a length past len */
	ev.len = 0;
	sg_event(&ev, 2, 1, 1, 322, 1, p100, 0);
	sg_set_u32(&ev, 26, 0x80000000u);
	bad_event_case("EV_V2_LARGE 322 param length 2^31", &ev, SG_EV_V2_LARGE);

	/* body shorter than the 26-byte header */
	ev.len = 0;
	sg_raw(&ev, "\1\2\3\4\5\6\7\10\11\12", 10);
	bad_event_case("EV_V2 body of 12 bytes", &ev, SG_EV_V2);
	ev.len = 0;
	bad_event_case("EV_V2 body of 2 bytes", &ev, SG_EV_V2);
	sg_free(&ev);
}
END_TEST

START_TEST(t_v1_no_nparams)
{
	struct sg_param one[1] = {{"0123456789", 10}};
	sg_buf ev;

	sg_init(&ev);
	sg_event(&ev, 1, 1, 1, 3, 1, one, 0); /* len 34 */
	sg_set_u32(&ev, 16, 27);
	bad_event_case("EV len 27 (no N matches)", &ev, SG_EV);
	sg_set_u32(&ev, 16, 21);
	bad_event_case("EV len 21", &ev, SG_EV);
	sg_set_u32(&ev, 16, 200);
	bad_event_case("EV len past body", &ev, SG_EV);
	ev.len = 0;
	sg_raw(&ev, "\1\2\3\4\5\6\7\10\11\12", 10);
	bad_event_case("EV body of 12 bytes", &ev, SG_EV);
	sg_free(&ev);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* (a) truncation, mutation, gzip                                            */

/* Read a handle to the end; returns the final code, counts events. Checks
 * the invariants every call must keep. */
static int drain(scap_t *h, int *nevts, int max)
{
	const scap_evt_t *e;
	int rc = SCAP_OK;

	*nevts = 0;
	while (*nevts < max && (rc = scap_next(h, &e)) == SCAP_OK)
		(*nevts)++;
	return rc;
}

START_TEST(t_truncate_every_prefix)
{
	sg_buf b;
	struct blk bl[64];
	int nb, first_ev = -1;
	char eb[SCAP_ERRBUF_SIZE], what[96], nbuf[64];
	const scap_evt_t *e;

	build_std(&b);
	nb = walk(&b, bl, 64);
	for (int i = 0; i < nb && first_ev < 0; i++)
		if (is_ev_type(bl[i].type))
			first_ev = i;
	ck_assert_int_gt(first_ev, 0);

	for (size_t n = 0; n <= b.len; n++) {
		struct tfile t;
		int k = 0, err, nev, rc, evbefore = 0, boundary, cut_meta;
		const char *name;
		scap_t *h;

		/* k: the block containing byte n, or nb when n is the full length */
		while (k < nb && bl[k].off + bl[k].total <= n)
			k++;
		boundary = k == nb || n == bl[k].off;
		for (int i = 0; i < k; i++)
			evbefore += is_ev_type(bl[i].type);
		cut_meta = !boundary && k < first_ev;
		name = (k < nb && n >= bl[k].off + 8) ? blk_name(bl[k].type, nbuf, sizeof(nbuf)) : NULL;

		snprintf(what, sizeof(what), "prefix of %zu/%zu bytes", n, b.len);
		tf_write(&t, b.p, n, 0);
		h = tf_open(&t, eb, &err);
		/* a partial header of the first event block cannot be told from
		 * metadata: failing at open is fine there too */
		if (!h && k == first_ev && !boundary && n < bl[k].off + 8)
			cut_meta = 1;
		if (n == 0 || cut_meta) {
			ck_assert_msg(h == NULL, "%s: open succeeded, expected a failure (cut in block %d at "
						 "offset %zu)", what, k, bl[k].off);
			ck_assert_msg(err == SCAP_ERR_FORMAT, "%s: open code %d \"%s\"", what, err, eb);
			if (n >= 8) /* shorter files: see t_empty_file, t_short_header */
				check_msg(what, eb, bl[k].off, n, name);
			unlink(t.path);
			continue;
		}
		ck_assert_msg(h != NULL, "%s: open failed: %d \"%s\"", what, err, eb);
		rc = drain(h, &nev, 1000);
		if (boundary) {
			ck_assert_msg(rc == SCAP_EOF, "%s (block boundary): scap_next=%d \"%s\", expected EOF",
				      what, rc, scap_geterr(h));
		} else {
			ck_assert_msg(rc == SCAP_ERR_FORMAT,
				      "%s: cut inside block %d at offset %zu: scap_next=%d \"%s\", expected "
				      "SCAP_ERR_FORMAT",
				      what, k, bl[k].off, rc, rc == SCAP_EOF ? "(EOF)" : scap_geterr(h));
			check_msg(what, scap_geterr(h), bl[k].off, n, name);
			ck_assert_int_eq(scap_next(h, &e), rc);
		}
		ck_assert_msg(nev == evbefore, "%s: %d events before the end, expected %d", what, nev,
			      evbefore);
		close_rm(h, &t);
	}
	sg_free(&b);
}
END_TEST

/* Touch everything the handle exposes (ASan checks the bytes). */
static uint64_t touch_bytes(const void *p, size_t n)
{
	const uint8_t *d = p;
	uint64_t s = 0;

	for (size_t i = 0; d && i < n; i++)
		s += d[i];
	return s;
}

static uint64_t touch_meta(scap_t *h)
{
	struct scap_machine_info mi;
	uint64_t s = 0;
	size_t n;

	memset(&mi, 0, sizeof(mi));
	mi.sz = sizeof(mi);
	if (scap_get_machine_info(h, &mi) == SCAP_OK)
		s += mi.num_cpus + strnlen(mi.hostname, sizeof(mi.hostname));
	s += scap_get_section_version(h);
	n = scap_proc_count(h);
	for (size_t i = 0; i < n; i++) {
		const scap_tinfo_t *t = scap_proc_at(h, i);
		ck_assert_ptr_nonnull(t);
		for (int f = 0; f < SCAP_TI_COMM; f++)
			s += (uint64_t)scap_tinfo_int(t, (enum scap_tinfo_field)f);
		for (int f = SCAP_TI_COMM; f < SCAP_TI_FIELD_MAX; f++) {
			size_t l = 0;
			const char *str = scap_tinfo_str(t, (enum scap_tinfo_field)f, &l);
			if (str)
				s += touch_bytes(str, l + 1);
		}
		s += scap_proc_find(h, scap_tinfo_int(t, SCAP_TI_TID)) != NULL;
	}
	n = scap_fd_count(h);
	for (size_t i = 0; i < n; i++) {
		const scap_fdinfo_t *f = scap_fd_at(h, i);
		ck_assert_ptr_nonnull(f);
		for (int k = 0; k < SCAP_FDI_NAME; k++)
			s += (uint64_t)scap_fdinfo_int(f, (enum scap_fdinfo_field)k);
		for (int k = SCAP_FDI_NAME; k < SCAP_FDI_FIELD_MAX; k++) {
			size_t l = 0;
			const void *p = scap_fdinfo_bytes(f, (enum scap_fdinfo_field)k, &l);
			s += touch_bytes(p, l);
		}
	}
	n = scap_iface_count(h);
	for (size_t i = 0; i < n; i++) {
		const scap_iface_t *f = scap_iface_at(h, i);
		size_t l = 0;
		const char *name;
		ck_assert_ptr_nonnull(f);
		s += (uint64_t)scap_iface_family(f) + scap_iface_linkspeed(f);
		name = scap_iface_name(f);
		if (name)
			s += strlen(name);
		s += touch_bytes(scap_iface_addr(f, &l), l);
		s += touch_bytes(scap_iface_netmask(f, &l), l);
		s += touch_bytes(scap_iface_bcast(f, &l), l);
	}
	n = scap_user_count(h);
	for (size_t i = 0; i < n; i++) {
		const scap_user_t *u = scap_user_at(h, i);
		const char *str;
		ck_assert_ptr_nonnull(u);
		s += scap_user_uid(u) + scap_user_gid(u);
		if ((str = scap_user_name(u)))
			s += strlen(str);
		if ((str = scap_user_homedir(u)))
			s += strlen(str);
		if ((str = scap_user_shell(u)))
			s += strlen(str);
	}
	n = scap_group_count(h);
	for (size_t i = 0; i < n; i++) {
		const scap_group_t *g = scap_group_at(h, i);
		const char *str;
		ck_assert_ptr_nonnull(g);
		s += scap_group_gid(g);
		if ((str = scap_group_name(g)))
			s += strlen(str);
	}
	return s;
}

static uint64_t touch_evt(const scap_evt_t *e)
{
	uint64_t s = scap_evt_type(e) + scap_evt_ts(e) + (uint64_t)scap_evt_tid(e) + scap_evt_cpu(e) +
		     scap_evt_flags(e) + scap_evt_offset(e) + scap_evt_lenwidth(e) +
		     (uint64_t)scap_evt_hdr_version(e);
	uint32_t np = scap_evt_nparams(e);
	char fb[256];

	ck_assert_msg(np <= SCAP_MAX_EVENT_PARAMS, "delivered event with nparams %u", np);
	s += touch_bytes(scap_evt_raw(e), scap_evt_len(e));
	for (uint32_t i = 0; i <= np; i++) {
		const void *d = NULL;
		uint32_t l = 0;
		uint64_t u64;
		uint32_t u32;
		uint16_t u16;
		uint8_t u8;
		int rc = scap_evt_param(e, i, &d, &l);

		if (i == np) {
			ck_assert_int_eq(rc, SCAP_ERR_INVAL);
			break;
		}
		ck_assert_int_eq(rc, SCAP_OK);
		s += touch_bytes(d, l);
		if (scap_evt_param_u64(e, i, &u64) == SCAP_OK)
			s += u64;
		if (scap_evt_param_u32(e, i, &u32) == SCAP_OK)
			s += u32;
		if (scap_evt_param_u16(e, i, &u16) == SCAP_OK)
			s += u16;
		if (scap_evt_param_u8(e, i, &u8) == SCAP_OK)
			s += u8;
		if (scap_evt_param_format(e, i, fb, sizeof(fb), 0) >= 0)
			s += strnlen(fb, sizeof(fb));
	}
	return s;
}

static int valid_code(int rc)
{
	return rc == SCAP_OK || rc == SCAP_EOF || (rc < 0 && rc >= SCAP_ERR_NOENGINE);
}

/* Open and consume a file, asserting only robustness invariants. */
static void robust_read(const char *path, size_t flen, const char *what)
{
	struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;
	struct scap_stats st;
	char eb[SCAP_ERRBUF_SIZE];
	const scap_evt_t *e;
	int err = 0, rc = SCAP_OK, n = 0;
	volatile uint64_t sink = 0;
	scap_t *h;

	o.engine = "savefile";
	o.filename = path;
	eb[0] = 0;
	h = scap_open_err(&o, eb, &err);
	if (!h) {
		ck_assert_msg(err < 0 && valid_code(err), "%s: open failed with code %d", what, err);
		ck_assert_msg(eb[0], "%s: open failed without a message", what);
		/* files shorter than a block header: see t_empty_file, t_short_header */
		ck_assert_msg(err != SCAP_ERR_FORMAT || flen < 8 || strstr(eb, "offset "),
			      "%s: format error without an offset: \"%s\"", what, eb);
		return;
	}
	sink += touch_meta(h);
	while (n < 2000 && (rc = scap_next(h, &e)) == SCAP_OK) {
		sink += touch_evt(e);
		n++;
	}
	ck_assert_msg(valid_code(rc), "%s: scap_next returned %d", what, rc);
	if (rc < 0) {
		ck_assert_msg(scap_geterr(h)[0], "%s: error %d without a message", what, rc);
		ck_assert_msg(rc != SCAP_ERR_FORMAT || strstr(scap_geterr(h), "offset "),
			      "%s: format error without an offset: \"%s\"", what, scap_geterr(h));
		ck_assert_msg(scap_next(h, &e) == rc, "%s: error not repeated", what);
	} else if (rc == SCAP_EOF) {
		ck_assert_msg(scap_next(h, &e) == SCAP_EOF, "%s: EOF not repeated", what);
	}
	memset(&st, 0, sizeof(st));
	st.sz = sizeof(st);
	scap_get_stats(h, &st);
	sink += touch_meta(h);
	scap_close(h);
	(void)sink;
}

static uint64_t rng;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static void mutate(sg_buf *m, const struct blk *bl, int nb)
{
	static const uint32_t u32s[] = {0,     1,     8,          11,         12,         13,
					16,    25,    26,         27,         32,         33,
					65536, 69644, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFC, 0xFFFFFFFF};
	static const uint16_t u16s[] = {0, 1, 2, 3, 31, 32, 33, 255, 256, 1023, 1024, 4096, 0x7FFF, 0xFFFF};
	int k = 1 + (int)(rnd() % 4);

	for (int j = 0; j < k; j++) {
		size_t pos;

		if (rnd() % 2) { /* near the start of a block: headers, lengths, counts */
			const struct blk *b = &bl[rnd() % (uint32_t)nb];
			pos = b->off + rnd() % (b->total < 64 ? b->total : 64);
		} else {
			pos = rnd() % m->len;
		}
		switch (rnd() % 5) {
		case 0: m->p[pos] ^= (uint8_t)(1u << (rnd() % 8)); break;
		case 1: m->p[pos] = (uint8_t)rnd(); break;
		case 2:
			if (pos + 4 <= m->len)
				sg_set_u32(m, pos & ~(size_t)(rnd() % 2 ? 3 : 0),
					   u32s[rnd() % (sizeof(u32s) / sizeof(u32s[0]))]);
			break;
		case 3:
			if (pos + 2 <= m->len)
				sg_set_u16(m, pos, u16s[rnd() % (sizeof(u16s) / sizeof(u16s[0]))]);
			break;
		default:
			if (pos + 4 <= m->len)
				sg_set_u32(m, pos, sg_get_u32(m, pos) + (rnd() % 2 ? 4 : (uint32_t)-4));
			break;
		}
	}
}

START_TEST(t_mutations)
{
	sg_buf b, m;
	struct blk bl[64];
	int nb;
	char what[64];
	struct tfile t;

	build_std(&b);
	nb = walk(&b, bl, 64);
	sg_init(&m);
	sg_raw(&m, b.p, b.len);
	rng = 0x9E3779B97F4A7C15ull;
	for (int v = 0; v < 4000; v++) {
		memcpy(m.p, b.p, b.len);
		m.len = b.len;
		mutate(&m, bl, nb);
		snprintf(what, sizeof(what), "mutation %d", v);
		m.len = (v % 10 == 9) ? rnd() % m.len : m.len;
		tf_write(&t, m.p, m.len, 0);
		robust_read(t.path, m.len, what);
		unlink(t.path);
	}
	sg_free(&m);
	sg_free(&b);
}
END_TEST

/* Write data gzip'ed, return the compressed bytes. */
static char *gz_bytes(const sg_buf *b, size_t *len)
{
	struct tfile t;
	char *p;

	tf_write(&t, b->p, b->len, 1);
	p = tu_read_file(t.path, len);
	unlink(t.path);
	ck_assert_ptr_nonnull(p);
	return p;
}

/* A corrupt gzip file must give an error (open or next) with a message. */
static void expect_gz_error(const void *data, size_t len, const char *what)
{
	const scap_evt_t *e;
	struct tfile t;
	char eb[SCAP_ERRBUF_SIZE];
	int err, rc, n;
	scap_t *h;

	tf_write(&t, data, len, 0);
	h = tf_open(&t, eb, &err);
	if (!h) {
		ck_assert_msg(err < 0 && valid_code(err) && eb[0], "%s: open failed with %d \"%s\"", what, err,
			      eb);
	} else {
		rc = drain(h, &n, 1000);
		ck_assert_msg(rc < 0 && valid_code(rc),
			      "%s: scap_next returned %d after %d events, expected an error", what, rc, n);
		ck_assert_msg(scap_geterr(h)[0], "%s: no message", what);
		ck_assert_int_eq(scap_next(h, &e), rc);
		scap_close(h);
	}
	unlink(t.path);
}

START_TEST(t_gzip_corrupt)
{
	sg_buf b;
	size_t glen;
	char *gz, *m, what[64];

	build_std(&b);
	gz = gz_bytes(&b, &glen);
	ck_assert_uint_gt(glen, 40);
	m = malloc(glen);
	ck_assert_ptr_nonnull(m);
	/* flip bytes in the middle of the deflate stream (after the 10-byte
	 * header, before the 8-byte trailer) */
	for (size_t pos = 12; pos + 8 < glen; pos += 3) {
		memcpy(m, gz, glen);
		m[pos] = (char)(m[pos] ^ 0x5a);
		snprintf(what, sizeof(what), "gzip byte %zu flipped", pos);
		expect_gz_error(m, glen, what);
	}
	/* a wrong CRC and a wrong ISIZE in the trailer */
	memcpy(m, gz, glen);
	m[glen - 8] = (char)(m[glen - 8] ^ 1);
	expect_gz_error(m, glen, "gzip CRC32 flipped");
	memcpy(m, gz, glen);
	m[glen - 1] = (char)(m[glen - 1] ^ 1);
	expect_gz_error(m, glen, "gzip ISIZE flipped");
	/* every truncation */
	for (size_t n = 1; n < glen; n++) {
		snprintf(what, sizeof(what), "gzip truncated to %zu/%zu", n, glen);
		expect_gz_error(gz, n, what);
	}
	/* random mutations: only robustness */
	rng = 12345;
	for (int v = 0; v < 500; v++) {
		struct tfile t;
		memcpy(m, gz, glen);
		for (int j = 0; j < 3; j++)
			m[10 + rnd() % (glen - 10)] = (char)rnd();
		tf_write(&t, m, glen, 0);
		snprintf(what, sizeof(what), "gzip mutation %d", v);
		robust_read(t.path, glen, what);
		unlink(t.path);
	}
	free(m);
	free(gz);
	sg_free(&b);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* (b) rare valid paths                                                       */

START_TEST(t_std_file)
{
	sg_buf b;
	struct tfile t;
	struct scap_stats st;
	struct scap_machine_info mi;
	const scap_tinfo_t *ti;
	scap_t *h;
	size_t l;

	build_std(&b);
	h = read_expect(&b, 0, STD_EVTS, N_STD_EVTS, &t);
	memset(&st, 0, sizeof(st));
	st.sz = sizeof(st);
	ck_assert_int_eq(scap_get_stats(h, &st), SCAP_OK);
	ck_assert_uint_eq(st.n_evts, N_STD_EVTS);
	ck_assert_uint_eq(st.n_blocks_skipped, 2);
	ck_assert_uint_eq(st.n_sections, 1);
	ck_assert_uint_eq(st.bytes_read, b.len);
	ck_assert_uint_eq(scap_get_section_version(h), 0x10002);
	memset(&mi, 0, sizeof(mi));
	mi.sz = sizeof(mi);
	ck_assert_int_eq(scap_get_machine_info(h, &mi), SCAP_OK);
	ck_assert_uint_eq(mi.num_cpus, 4);
	ck_assert_str_eq(mi.hostname, "synthhost");
	ck_assert_uint_eq(scap_proc_count(h), 2);
	ti = scap_proc_find(h, 42);
	ck_assert_ptr_nonnull(ti);
	ck_assert_str_eq(scap_tinfo_str(ti, SCAP_TI_COMM, &l), "cat");
	ck_assert_str_eq(scap_tinfo_str(ti, SCAP_TI_CWD, &l), "/root");
	ck_assert_int_eq(scap_tinfo_int(ti, SCAP_TI_PTID), 1);
	ck_assert_int_eq(scap_tinfo_int(ti, SCAP_TI_UID), 1000);
	ck_assert_uint_eq(scap_fd_count(h), 2);
	ck_assert_str_eq(scap_fdinfo_bytes(scap_fd_at(h, 1), SCAP_FDI_NAME, &l), "/etc/passwd");
	ck_assert_int_eq(scap_fdinfo_int(scap_fd_at(h, 1), SCAP_FDI_FD), 3);
	ck_assert_uint_eq(scap_iface_count(h), 2);
	ck_assert_str_eq(scap_iface_name(scap_iface_at(h, 1)), "eth0");
	ck_assert_uint_eq(scap_iface_linkspeed(scap_iface_at(h, 1)), 1000);
	ck_assert_uint_eq(scap_user_count(h), 1);
	ck_assert_str_eq(scap_user_shell(scap_user_at(h, 0)), "/bin/bash");
	ck_assert_uint_eq(scap_group_count(h), 1);
	ck_assert_str_eq(scap_group_name(scap_group_at(h, 0)), "root");
	close_rm(h, &t);
	sg_free(&b);
}
END_TEST

START_TEST(t_evf_flags)
{
	static const struct xev xs[] = {
		{SG_EVF_V2, 7, 1, 10, 100, 234, 2, {P(U64_A), P(U64_B)}, 0},
		{SG_EVF_V2, 3, 0x3, 11, 100, 3, 1, {P(RES3)}, 0},
		{SG_EVF, 2, 1, 12, 101, 5, 1, {P(RES0)}, 0},
		{SG_EVF_V2_LARGE, 65535, 1, 13, 102, 402, 3, {P(PLUGID), PS("evt"), {"xyz", 3}}, 0},
	};
	sg_buf b;
	struct tfile t;

	sg_init(&b);
	build_meta(&b, "h", 0);
	for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++)
		add_xev(&b, &xs[i]);
	close_rm(read_expect(&b, 0, xs, sizeof(xs) / sizeof(xs[0]), &t), &t);
	sg_free(&b);
}
END_TEST

START_TEST(t_large_payload)
{
	static uint8_t blob[70000], blob2[66000];
	static const uint8_t u32_7[4] = {7, 0, 0, 0};
	struct xev xs[] = {
		{SG_EV_V2_LARGE, 1, 0, 20, 5, 322, 2, {P(PLUGID), P(blob)}, 0},
		{SG_EVF_V2_LARGE, 0, 1, 21, 5, 402, 3, {P(u32_7), PS("name"), P(blob2)}, 0},
		{SG_EV_V2, 0, 0, 22, 5, 324, 1, {PS("{\"container\":{}}")}, 0},
		{SG_EV_V2, 0, 0, 23, 5, 322, 2, {P(PLUGID), {"small", 5}}, 0},
		{SG_EV_V2_LARGE, 0, 0, 24, 5, 272, 1, {PS("{}")}, 0}, /* u16 in a LARGE block */
	};
	sg_buf b;
	struct tfile t;

	for (size_t i = 0; i < sizeof(blob); i++)
		blob[i] = (uint8_t)(i * 7 + (i >> 8));
	for (size_t i = 0; i < sizeof(blob2); i++)
		blob2[i] = (uint8_t)(i * 13);
	sg_init(&b);
	build_meta(&b, "h", 0);
	for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++)
		add_xev(&b, &xs[i]);
	close_rm(read_expect(&b, 0, xs, sizeof(xs) / sizeof(xs[0]), &t), &t);
	close_rm(read_expect(&b, 1, xs, sizeof(xs) / sizeof(xs[0]), &t), &t);
	sg_free(&b);
}
END_TEST

START_TEST(t_unknown_event_type)
{
	static const uint8_t eight[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	static const struct xev xs[] = {
		{SG_EV_V2, 1, 0, 30, 9, 60000, 3, {{"abc", 3}, {NULL, 0}, P(eight)}, 0},
		{SG_EV_V2, 1, 0, 31, 9, 65535, 0, {{NULL, 0}}, 0},
		{SG_EV_V2, 1, 0, 32, 9, 3, 4, {P(RES3), PS("/x"), P(U32_1), P(U32_0)}, 0},
	};
	sg_buf b;
	struct tfile t;
	scap_t *h;
	const scap_evt_t *e;
	char fb[128];

	sg_init(&b);
	build_meta(&b, "h", 0);
	for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++)
		add_xev(&b, &xs[i]);
	close_rm(read_expect(&b, 0, xs, sizeof(xs) / sizeof(xs[0]), &t), &t);

	/* formatting an unknown type's params must not fail */
	tf_write(&t, b.p, b.len, 0);
	{
		int err;
		char eb[SCAP_ERRBUF_SIZE];
		h = tf_open(&t, eb, &err);
	}
	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(scap_next(h, &e), SCAP_OK);
	ck_assert_int_ge(scap_evt_param_format(e, 0, fb, sizeof(fb), 0), 0);
	close_rm(h, &t);
	sg_free(&b);
}
END_TEST

START_TEST(t_unknown_blocks_skipped)
{
	static const struct xev xs[] = {
		{SG_EV_V2, 0, 0, 40, 1, 3, 1, {P(RES3)}, 0},
		{SG_EV_V2, 0, 0, 41, 1, 5, 1, {P(RES0)}, 0},
	};
	sg_buf b;
	struct tfile t;
	struct scap_stats st;
	struct scap_machine_info mi;
	scap_t *h;

	/* unknown blocks between metadata blocks and between events */
	sg_init(&b);
	sg_shb(&b, 1, 2);
	sg_block(&b, SG_UNK_META, NULL, 0);
	sg_block(&b, 0x7FFFFFFFu, "abc", 3);
	sg_mi(&b, 2, 1, 1, "skiphost", 0);
	add_xev(&b, &xs[0]);
	sg_block(&b, SG_UNK_EVT, "0123456789abcdef", 16);
	sg_block(&b, SG_MI + 0x100, NULL, 0);
	add_xev(&b, &xs[1]);
	sg_block(&b, SG_UNK_EVT, "z", 1);
	h = read_expect(&b, 0, xs, 2, &t);
	memset(&st, 0, sizeof(st));
	st.sz = sizeof(st);
	ck_assert_int_eq(scap_get_stats(h, &st), SCAP_OK);
	ck_assert_uint_eq(st.n_blocks_skipped, 5);
	ck_assert_uint_eq(st.n_evts, 2);
	memset(&mi, 0, sizeof(mi));
	mi.sz = sizeof(mi);
	ck_assert_int_eq(scap_get_machine_info(h, &mi), SCAP_OK);
	ck_assert_str_eq(mi.hostname, "skiphost");
	close_rm(h, &t);

	/* an unknown block right before the first event block */
	b.len = 0;
	sg_shb(&b, 1, 2);
	sg_mi(&b, 2, 1, 1, "skiphost", 0);
	sg_block(&b, SG_UNK_META, "abc", 3);
	add_xev(&b, &xs[0]);
	add_xev(&b, &xs[1]);
	h = read_expect(&b, 0, xs, 2, &t);
	memset(&st, 0, sizeof(st));
	st.sz = sizeof(st);
	ck_assert_int_eq(scap_get_stats(h, &st), SCAP_OK);
	ck_assert_uint_eq(st.n_blocks_skipped, 1);
	close_rm(h, &t);
	sg_free(&b);
}
END_TEST

START_TEST(t_concat_sections)
{
	static const struct xev xs[] = {
		{SG_EV_V2, 0, 0, 50, 42, 3, 1, {P(RES3)}, 0},
		{SG_EV_V2, 1, 0, 51, 42, 5, 1, {P(RES0)}, 0},
		{SG_EV, 2, 0, 52, 99, 7, 2, {P(RES5), {"hello", 5}}, 0},
		{SG_EV_V2, 3, 0, 53, 99, 9, 1, {P(RES5)}, 0},
	};
	const struct sg_proc p2 = {99, 99, 1, "second", "/bin/second", "", "/", 7, 7};
	sg_buf b, body;
	struct tfile t;
	struct scap_stats st;
	struct scap_machine_info mi;
	char eb[SCAP_ERRBUF_SIZE];
	const scap_evt_t *e;
	int err;
	scap_t *h;

	sg_init(&b);
	build_meta(&b, "host-one", 0);
	add_xev(&b, &xs[0]);
	add_xev(&b, &xs[1]);
	sg_init(&body);
	sg_shb(&b, 1, 0);
	sg_mi(&b, 16, 1, 1, "host-two", 0);
	sg_pl_v9_entry(&body, &p2);
	sg_block(&b, SG_PL_V9, body.p, body.len);
	body.len = 0;
	sg_ul_v2_user(&body, 1000, 1000, "bob", "/home/bob", "/bin/zsh");
	sg_block(&b, SG_UL_V2, body.p, body.len);
	add_xev(&b, &xs[2]);
	add_xev(&b, &xs[3]);
	sg_free(&body);

	/* events and offsets of both sections */
	close_rm(read_expect(&b, 0, xs, 4, &t), &t);

	/* metadata before and after the second SHB */
	tf_write(&t, b.p, b.len, 0);
	h = tf_open(&t, eb, &err);
	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(scap_next(h, &e), SCAP_OK);
	ck_assert_int_eq(scap_next(h, &e), SCAP_OK);
	ck_assert_uint_eq(scap_proc_count(h), 2);
	ck_assert_ptr_nonnull(scap_proc_find(h, 42));
	ck_assert_uint_eq(scap_iface_count(h), 2);
	ck_assert_uint_eq(scap_get_section_version(h), 0x10002);
	ck_assert_int_eq(scap_next(h, &e), SCAP_OK);
	ck_assert_uint_eq(scap_evt_ts(e), 52);
	ck_assert_uint_eq(scap_proc_count(h), 1);
	ck_assert_ptr_null(scap_proc_find(h, 42));
	ck_assert_str_eq(scap_tinfo_str(scap_proc_find(h, 99), SCAP_TI_COMM, NULL), "second");
	ck_assert_uint_eq(scap_fd_count(h), 0);
	ck_assert_uint_eq(scap_iface_count(h), 0);
	ck_assert_uint_eq(scap_user_count(h), 1);
	ck_assert_str_eq(scap_user_name(scap_user_at(h, 0)), "bob");
	ck_assert_uint_eq(scap_group_count(h), 0);
	ck_assert_uint_eq(scap_get_section_version(h), 0x10000);
	memset(&mi, 0, sizeof(mi));
	mi.sz = sizeof(mi);
	ck_assert_int_eq(scap_get_machine_info(h, &mi), SCAP_OK);
	ck_assert_str_eq(mi.hostname, "host-two");
	ck_assert_uint_eq(mi.num_cpus, 16);
	ck_assert_int_eq(scap_next(h, &e), SCAP_OK);
	ck_assert_int_eq(scap_next(h, &e), SCAP_EOF);
	memset(&st, 0, sizeof(st));
	st.sz = sizeof(st);
	ck_assert_int_eq(scap_get_stats(h, &st), SCAP_OK);
	ck_assert_uint_eq(st.n_sections, 2);
	ck_assert_uint_eq(st.n_evts, 4);
	close_rm(h, &t);
	sg_free(&b);
}
END_TEST

/* V1 event of a quirk type: len written 3 too large, 3 stray bytes kept in
 * the block, as the old writer did. */
static size_t add_v1_quirk(sg_buf *b, const struct xev *x)
{
	sg_buf ev;
	size_t off;

	sg_init(&ev);
	sg_event(&ev, 1, x->ts, x->tid, x->type, x->nparams, x->p, 2);
	sg_set_u32(&ev, 16, (uint32_t)ev.len + 3);
	sg_raw(&ev, "\xaa\xbb\xcc", 3);
	off = sg_ev_block(b, x->btype, x->cpu, x->flags, &ev, NULL);
	sg_free(&ev);
	return off;
}

START_TEST(t_v1_recovery)
{
	static const struct xev xs[] = {
		{SG_EV, 0, 0, 60, 1, 2, 0, {{NULL, 0}}, 0},
		{SG_EV, 1, 0, 61, 1, 3, 4, {P(RES3), PS("/etc/hosts"), {NULL, 0}, P(U32_0)}, 0},
		{SG_EV, 2, 0, 62, 1, 9, 2, {P(RES5), {"\0\0\0\0\0\0\0", 7}}, 0},
		{SG_EV, 3, 0, 63, 1, 280, 2, {PS("abcd"), PS("xyz")}, 1},   /* quirk */
		{SG_EVF, 0, 1, 64, 1, 286, 3, {PS("ab"), PS("c"), PS("")}, 1}, /* quirk */
		{SG_EV_V2, 0, 0, 65, 1, 280, 2, {PS("abcd"), PS("xyz")}, 0},   /* no quirk in V2 */
		{SG_EV, 0, 0, 66, 1, 1, 1, {{"\xff\xff", 2}}, 0},
	};
	sg_buf b;
	struct tfile t;
	struct blk bl[64];
	char eb[SCAP_ERRBUF_SIZE], what[32];
	const scap_evt_t *e;
	int err, nb, bi = 0;
	scap_t *h;

	sg_init(&b);
	build_meta(&b, "h", 0);
	for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++) {
		if (xs[i].with_opts) { /* marks the quirk here */
			struct xev x = xs[i];
			x.with_opts = 0;
			add_v1_quirk(&b, &x);
		} else {
			add_xev(&b, &xs[i]);
		}
	}
	nb = walk(&b, bl, 64);
	tf_write(&t, b.p, b.len, 0);
	h = tf_open(&t, eb, &err);
	ck_assert_msg(h != NULL, "open: %s", eb);
	for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++) {
		struct xev x = xs[i];
		int rc;

		while (bi < nb && !is_ev_type(bl[bi].type))
			bi++;
		x.with_opts = 0;
		snprintf(what, sizeof(what), "V1 event %zu (type %u)", i, x.type);
		rc = scap_next(h, &e);
		ck_assert_msg(rc == SCAP_OK, "%s: scap_next=%d \"%s\"", what, rc, scap_geterr(h));
		check_evt(e, &x, bl[bi++].off, what);
	}
	ck_assert_int_eq(scap_next(h, &e), SCAP_EOF);
	close_rm(h, &t);
	sg_free(&b);
}
END_TEST

START_TEST(t_pcapng_event_options)
{
	/* body = cpuid + event: param lengths 2,3,4,5 give 0,3,2,1 bytes of padding */
	static const struct xev xs[] = {
		{SG_EV_V2, 0, 0, 70, 1, 9, 1, {{"22", 2}}, 1},
		{SG_EV_V2, 0, 0, 71, 1, 9, 1, {{"333", 3}}, 1},
		{SG_EV_V2, 0, 0, 72, 1, 9, 1, {{"4444", 4}}, 1},
		{SG_EV_V2, 0, 0, 73, 1, 9, 1, {{"55555", 5}}, 1},
		{SG_EV, 0, 0, 74, 1, 9, 1, {{"v1v1", 4}}, 1},      /* 2+22+2+4: pad 2 */
		{SG_EV, 0, 0, 75, 1, 9, 1, {{"v1v1v1", 6}}, 1},    /* pad 0 */
		{SG_EVF_V2, 0, 1, 76, 1, 9, 1, {{"f", 1}}, 1},
	};
	sg_buf b, opts;
	struct tfile t;

	sg_init(&b);
	build_meta(&b, "h", 0);
	for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++)
		add_xev(&b, &xs[i]);
	/* one more with several options, written by hand */
	{
		static const struct xev x = {SG_EV_V2, 0, 0, 77, 1, 9, 1, {{"multi", 5}}, 0};
		sg_buf ev;
		sg_init(&ev);
		sg_init(&opts);
		sg_event(&ev, 2, x.ts, x.tid, x.type, x.nparams, x.p, 0);
		sg_opt(&opts, 1, "first comment", 13);
		sg_opt(&opts, 1, "second", 6);
		sg_opt(&opts, 2988, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
		sg_opt_end(&opts);
		sg_ev_block(&b, SG_EV_V2, 0, 0, &ev, &opts);
		sg_free(&ev);
		sg_free(&opts);
	}
	{
		struct xev all[sizeof(xs) / sizeof(xs[0]) + 1];
		memcpy(all, xs, sizeof(xs));
		all[sizeof(xs) / sizeof(xs[0])] =
			(struct xev){SG_EV_V2, 0, 0, 77, 1, 9, 1, {{"multi", 5}}, 0};
		close_rm(read_expect(&b, 0, all, sizeof(all) / sizeof(all[0]), &t), &t);
	}
	sg_free(&b);
}
END_TEST

START_TEST(t_shb_options)
{
	sg_buf b, opts, rest;
	struct tfile t;
	scap_t *h;

	sg_init(&opts);
	sg_opt(&opts, 1, "File-level comment", 18);
	sg_opt(&opts, 4, "Editcap (Wireshark) 4.5.0", 25);
	sg_opt_end(&opts);
	sg_init(&b);
	sg_shb_opts(&b, 1, 2, &opts);
	ck_assert_uint_eq(b.len, 28 + opts.len);
	sg_init(&rest);
	build_meta(&rest, "opthost", 0);
	sg_raw(&b, rest.p + 28, rest.len - 28); /* metadata without its own SHB */
	add_xev(&b, &STD_EVTS[0]);
	add_xev(&b, &STD_EVTS[1]);
	h = read_expect(&b, 0, STD_EVTS, 2, &t);
	ck_assert_uint_eq(scap_proc_count(h), 2);
	ck_assert_uint_eq(scap_get_section_version(h), 0x10002);
	close_rm(h, &t);
	sg_free(&rest);
	sg_free(&opts);
	sg_free(&b);
}
END_TEST

START_TEST(t_no_events)
{
	sg_buf b;
	struct tfile t;
	scap_t *h;

	sg_init(&b);
	build_meta(&b, "empty", 1);
	h = read_expect(&b, 0, NULL, 0, &t);
	ck_assert_uint_eq(scap_proc_count(h), 2);
	ck_assert_uint_eq(scap_user_count(h), 1);
	close_rm(h, &t);
	h = read_expect(&b, 1, NULL, 0, &t);
	ck_assert_uint_eq(scap_fd_count(h), 2);
	close_rm(h, &t);

	/* just an SHB */
	b.len = 0;
	sg_shb(&b, 1, 2);
	close_rm(read_expect(&b, 0, NULL, 0, &t), &t);
	sg_free(&b);
}
END_TEST

START_TEST(t_gzip_identical)
{
	sg_buf b;
	struct tfile tp, tg;
	char eb[SCAP_ERRBUF_SIZE];
	const scap_evt_t *ep, *eg;
	struct scap_stats sp, sgz;
	scap_t *hp, *hg;
	int err, rp, rg, n = 0;

	build_std(&b);
	close_rm(read_expect(&b, 1, STD_EVTS, N_STD_EVTS, &tg), &tg);

	tf_write(&tp, b.p, b.len, 0);
	tf_write(&tg, b.p, b.len, 1);
	hp = tf_open(&tp, eb, &err);
	ck_assert_ptr_nonnull(hp);
	hg = tf_open(&tg, eb, &err);
	ck_assert_ptr_nonnull(hg);
	for (;;) {
		rp = scap_next(hp, &ep);
		rg = scap_next(hg, &eg);
		ck_assert_int_eq(rp, rg);
		if (rp != SCAP_OK)
			break;
		n++;
		ck_assert_uint_eq(scap_evt_len(ep), scap_evt_len(eg));
		ck_assert_int_eq(memcmp(scap_evt_raw(ep), scap_evt_raw(eg), scap_evt_len(ep)), 0);
		ck_assert_uint_eq(scap_evt_offset(ep), scap_evt_offset(eg));
		ck_assert_uint_eq(scap_evt_cpu(ep), scap_evt_cpu(eg));
		ck_assert_uint_eq(scap_evt_flags(ep), scap_evt_flags(eg));
		ck_assert_uint_eq(scap_evt_nparams(ep), scap_evt_nparams(eg));
		for (uint32_t i = 0; i < scap_evt_nparams(ep); i++) {
			const void *dp, *dg;
			uint32_t lp, lg;
			ck_assert_int_eq(scap_evt_param(ep, i, &dp, &lp), SCAP_OK);
			ck_assert_int_eq(scap_evt_param(eg, i, &dg, &lg), SCAP_OK);
			ck_assert_uint_eq(lp, lg);
			ck_assert(lp == 0 || memcmp(dp, dg, lp) == 0);
		}
	}
	ck_assert_int_eq(rp, SCAP_EOF);
	ck_assert_int_eq(n, (int)N_STD_EVTS);
	memset(&sp, 0, sizeof(sp));
	memset(&sgz, 0, sizeof(sgz));
	sp.sz = sgz.sz = sizeof(sp);
	scap_get_stats(hp, &sp);
	scap_get_stats(hg, &sgz);
	ck_assert_uint_eq(sp.bytes_read, sgz.bytes_read);
	ck_assert_uint_eq(sp.n_blocks_skipped, sgz.n_blocks_skipped);
	ck_assert_uint_eq(scap_proc_count(hp), scap_proc_count(hg));
	ck_assert_uint_eq(scap_fd_count(hp), scap_fd_count(hg));
	close_rm(hp, &tp);
	close_rm(hg, &tg);
	sg_free(&b);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* (c) CLI                                                                    */

static void cli_case(const char *cli, const char *what, const sg_buf *b, uint64_t lo, uint64_t hi)
{
	struct tfile t;
	char errpath[4096], *out;
	pid_t pid;
	int st;

	tf_write(&t, b->p, b->len, 0);
	snprintf(errpath, sizeof(errpath), "%s", tu_tmpfile(".stderr"));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fe = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int fo = open("/dev/null", O_WRONLY);
		if (fe < 0 || fo < 0)
			_exit(127);
		dup2(fo, 1);
		dup2(fe, 2);
		execl(cli, cli, "-r", t.path, (char *)NULL);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	out = tu_read_file(errpath, NULL);
	ck_assert_ptr_nonnull(out);
	ck_assert_msg(WIFEXITED(st), "%s: scapcli killed by signal %d; stderr: %s", what,
		      WIFSIGNALED(st) ? WTERMSIG(st) : -1, out);
	ck_assert_msg(WEXITSTATUS(st) == 1, "%s: scapcli exit status %d, expected 1; stderr: %s", what,
		      WEXITSTATUS(st), out);
	ck_assert_msg(offset_in(out, lo, hi), "%s: scapcli stderr lacks the offset in [%" PRIu64 ", %" PRIu64
					     "]: %s", what, lo, hi, out);
	free(out);
	unlink(errpath);
	unlink(t.path);
}

START_TEST(t_cli)
{
	const char *cli = getenv("SCAPCLI");
	sg_buf b;
	size_t off;

	if (!cli || !cli[0]) {
		fprintf(stderr, "SKIP: badinput CLI checks: SCAPCLI is not set\n");
		return;
	}
	/* metadata error at open */
	sg_init(&b);
	build_meta(&b, "h", 0);
	off = find_blk(&b, SG_PL_V9, 0);
	sg_set_u32(&b, off + 4, 0xFFFFFFFCu);
	cli_case(cli, "PL_V9 claims 4 GiB", &b, off, b.len);
	sg_free(&b);

	/* event error after one good event */
	meta_and_one(&b);
	off = add_xev(&b, &STD_EVTS[2]);
	sg_set_u32(&b, off + 8 + 2 + 22, 33);
	cli_case(cli, "EV_V2 nparams 33", &b, off, b.len);
	sg_free(&b);

	/* truncated event block */
	meta_and_one(&b);
	off = add_xev(&b, &STD_EVTS[2]);
	b.len -= 5;
	cli_case(cli, "truncated EV_V2", &b, off, b.len + 5);
	sg_free(&b);

	/* bad magic */
	sg_init(&b);
	build_meta(&b, "h", 0);
	sg_set_u32(&b, 8, 0x4D3C2B1Au);
	cli_case(cli, "byte-swapped magic", &b, 0, 8);
	sg_free(&b);
}
END_TEST

Suite *badinput_suite(void)
{
	Suite *s = suite_create("badinput");
	TCase *tc;

	tc = tcase_create("hostile_open");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_empty_file);
	tcase_add_test(tc, t_short_header);
	tcase_add_test(tc, t_shb_body_short);
	tcase_add_test(tc, t_first_block_not_shb);
	tcase_add_test(tc, t_bad_magic);
	tcase_add_test(tc, t_major_version);
	tcase_add_test(tc, t_unreadable_path);
	tcase_add_test(tc, t_meta_framing);
	tcase_add_test(tc, t_meta_4g);
	tcase_add_test(tc, t_unknown_meta_trailer);
	tcase_add_test(tc, t_pl_entries);
	tcase_add_test(tc, t_fdl_entries);
	tcase_add_test(tc, t_il_entries);
	tcase_add_test(tc, t_ul_entries);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile_next");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, t_ev_framing);
	tcase_add_test(tc, t_unknown_evt_trailer);
	tcase_add_test(tc, t_ev_body_too_big);
	tcase_add_test(tc, t_ev_4g);
	tcase_add_test(tc, t_large_over_64m);
	tcase_add_test(tc, t_v2_header_checks);
	tcase_add_test(tc, t_v1_no_nparams);
	suite_add_tcase(s, tc);

	tc = tcase_create("robustness");
	tcase_set_timeout(tc, 900);
	tcase_add_test(tc, t_truncate_every_prefix);
	tcase_add_test(tc, t_mutations);
	tcase_add_test(tc, t_gzip_corrupt);
	suite_add_tcase(s, tc);

	tc = tcase_create("rare_valid");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_std_file);
	tcase_add_test(tc, t_evf_flags);
	tcase_add_test(tc, t_large_payload);
	tcase_add_test(tc, t_unknown_event_type);
	tcase_add_test(tc, t_unknown_blocks_skipped);
	tcase_add_test(tc, t_concat_sections);
	tcase_add_test(tc, t_v1_recovery);
	tcase_add_test(tc, t_pcapng_event_options);
	tcase_add_test(tc, t_shb_options);
	tcase_add_test(tc, t_no_events);
	tcase_add_test(tc, t_gzip_identical);
	suite_add_tcase(s, tc);

	tc = tcase_create("cli");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_cli);
	suite_add_tcase(s, tc);
	return s;
}

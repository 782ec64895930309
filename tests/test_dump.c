/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The savefile writer (scap_dump_*): round trips of the shared captures and
 * of synthetic files (plain and gzip), a block-by-block check of the written
 * bytes against the format (docs/scap-format.md §2-§8), write errors, and
 * scapcli -w.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "scap.h"
#include "scapgen.h"
#include "sinsp.h"
#include "test_util.h"

Suite *dump_suite(void);
void sinsp_dump_tcases(Suite *s); /* test_sinsp_dump.c */

static const char *const CAPTURES[] = {
	"falco_connect_localhost.scap", "falco_open-multiple-files.scap", "falco_privileged.scap",
	"falco_test_empty.scap",        "libs_curl_google.scap",          "libs_sample.scap",
	"libs_single_ipv6_conn.scap",
};
#define N_CAPTURES (sizeof(CAPTURES) / sizeof(CAPTURES[0]))

/* ---- helpers ---- */

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}


/* Copy every event of src to dst; returns the number of events. */
static uint64_t copy_capture(const char *src, const char *dst, int gzip_level)
{
	struct scap_dump_opts o = SCAP_DUMP_OPTS_INIT;
	char errbuf[SCAP_ERRBUF_SIZE];
	scap_t *h = tu_open(src);
	const scap_evt_t *e;
	uint64_t n = 0;
	int rc;

	o.gzip_level = gzip_level;
	scap_dumper_t *d = scap_dump_open(h, dst, &o, errbuf);
	ck_assert_msg(d != NULL, "dump_open %s: %s", dst, errbuf);
	while ((rc = scap_next(h, &e)) == SCAP_OK) {
		ck_assert_msg(scap_dump_write(d, e) == SCAP_OK, "write: %s", scap_dump_geterr(d));
		n++;
	}
	ck_assert_msg(rc == SCAP_EOF, "%s: %s", src, scap_geterr(h));
	ck_assert_uint_eq(scap_dump_count(d), n);
	ck_assert_str_eq(scap_dump_geterr(d), "");
	rc = scap_dump_close(d, errbuf);
	ck_assert_msg(rc == SCAP_OK, "close: %s", errbuf);
	scap_close(h);
	return n;
}

/* Whole file, decompressed when gzip (zlib reads plain files as they are). */
static uint8_t *read_any(const char *path, size_t *len)
{
	gzFile g = gzopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0;
	int r;

	ck_assert_msg(g != NULL, "gzopen %s", path);
	do {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 1 << 20;
			buf = realloc(buf, cap);
			ck_assert_ptr_nonnull(buf);
		}
		r = gzread(g, buf + n, 65536);
		ck_assert_int_ge(r, 0);
		n += (size_t)r;
	} while (r > 0);
	gzclose(g);
	*len = n;
	return buf;
}

static int file_is_gzip(const char *path)
{
	uint8_t m[2] = {0};
	FILE *f = fopen(path, "rb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(m, 1, 2, f), 2);
	fclose(f);
	return m[0] == 0x1f && m[1] == 0x8b;
}

/* ---- comparison of two captures (metadata and every event) ---- */

static void compare_meta(scap_t *a, scap_t *b, const char *what)
{
	struct scap_machine_info ma = {.sz = sizeof(ma)}, mb = {.sz = sizeof(mb)};
	int ra = scap_get_machine_info(a, &ma), rb = scap_get_machine_info(b, &mb);

	ck_assert_msg(ra == rb, "%s: machine info presence differs", what);
	if (ra == SCAP_OK) {
		ck_assert_uint_eq(ma.num_cpus, mb.num_cpus);
		ck_assert_uint_eq(ma.memory_size_bytes, mb.memory_size_bytes);
		ck_assert_uint_eq(ma.max_pid, mb.max_pid);
		ck_assert_str_eq(ma.hostname, mb.hostname);
		ck_assert_uint_eq(ma.boot_ts_epoch, mb.boot_ts_epoch);
		ck_assert_uint_eq(ma.flags, mb.flags);
	}

	ck_assert_uint_eq(scap_proc_count(a), scap_proc_count(b));
	for (size_t i = 0; i < scap_proc_count(a); i++) {
		const scap_tinfo_t *ta = scap_proc_at(a, i), *tb = scap_proc_at(b, i);
		for (int f = 0; f < SCAP_TI_COMM; f++)
			ck_assert_msg(scap_tinfo_int(ta, f) == scap_tinfo_int(tb, f),
				      "%s: thread %zu field %s: %" PRId64 " != %" PRId64, what, i,
				      scap_tinfo_field_name(f), scap_tinfo_int(ta, f), scap_tinfo_int(tb, f));
		for (int f = SCAP_TI_COMM; f < SCAP_TI_FIELD_MAX; f++) {
			size_t la, lb;
			const char *sa = scap_tinfo_str(ta, f, &la), *sb = scap_tinfo_str(tb, f, &lb);
			ck_assert_msg(la == lb && memcmp(sa, sb, la) == 0, "%s: thread %zu field %s differs", what, i,
				      scap_tinfo_field_name(f));
		}
	}

	ck_assert_uint_eq(scap_fd_count(a), scap_fd_count(b));
	for (size_t i = 0; i < scap_fd_count(a); i++) {
		const scap_fdinfo_t *fa = scap_fd_at(a, i), *fb = scap_fd_at(b, i);
		for (int f = SCAP_FDI_TID; f < SCAP_FDI_NAME; f++)
			ck_assert_msg(scap_fdinfo_int(fa, f) == scap_fdinfo_int(fb, f), "%s: fd %zu int field %d differs",
				      what, i, f);
		for (int f = SCAP_FDI_NAME; f < SCAP_FDI_FIELD_MAX; f++) {
			size_t la, lb;
			const void *pa = scap_fdinfo_bytes(fa, f, &la), *pb = scap_fdinfo_bytes(fb, f, &lb);
			ck_assert_msg((pa == NULL) == (pb == NULL) && la == lb && (!la || memcmp(pa, pb, la) == 0),
				      "%s: fd %zu byte field %d differs", what, i, f);
		}
	}

	ck_assert_uint_eq(scap_iface_count(a), scap_iface_count(b));
	for (size_t i = 0; i < scap_iface_count(a); i++) {
		const scap_iface_t *ia = scap_iface_at(a, i), *ib = scap_iface_at(b, i);
		size_t la, lb;
		ck_assert_int_eq(scap_iface_family(ia), scap_iface_family(ib));
		ck_assert_str_eq(scap_iface_name(ia), scap_iface_name(ib));
		ck_assert_uint_eq(scap_iface_linkspeed(ia), scap_iface_linkspeed(ib));
		const uint8_t *pa = scap_iface_addr(ia, &la), *pb = scap_iface_addr(ib, &lb);
		ck_assert(la == lb && memcmp(pa, pb, la) == 0);
		pa = scap_iface_netmask(ia, &la);
		pb = scap_iface_netmask(ib, &lb);
		ck_assert(la == lb && memcmp(pa, pb, la) == 0);
		pa = scap_iface_bcast(ia, &la);
		pb = scap_iface_bcast(ib, &lb);
		ck_assert(la == lb && memcmp(pa, pb, la) == 0);
	}

	ck_assert_uint_eq(scap_user_count(a), scap_user_count(b));
	for (size_t i = 0; i < scap_user_count(a); i++) {
		const scap_user_t *ua = scap_user_at(a, i), *ub = scap_user_at(b, i);
		ck_assert_uint_eq(scap_user_uid(ua), scap_user_uid(ub));
		ck_assert_uint_eq(scap_user_gid(ua), scap_user_gid(ub));
		ck_assert_str_eq(scap_user_name(ua), scap_user_name(ub));
		ck_assert_str_eq(scap_user_homedir(ua), scap_user_homedir(ub));
		ck_assert_str_eq(scap_user_shell(ua), scap_user_shell(ub));
	}
	ck_assert_uint_eq(scap_group_count(a), scap_group_count(b));
	for (size_t i = 0; i < scap_group_count(a); i++) {
		const scap_group_t *ga = scap_group_at(a, i), *gb = scap_group_at(b, i);
		ck_assert_uint_eq(scap_group_gid(ga), scap_group_gid(gb));
		ck_assert_str_eq(scap_group_name(ga), scap_group_name(gb));
	}
}

/* Compare the metadata and every event of the original and the copy;
 * returns the number of events. */
static uint64_t compare_files(const char *orig, const char *copy)
{
	scap_t *a = tu_open(orig), *b = tu_open(copy);
	const scap_evt_t *ea, *eb;
	uint64_t n = 0;

	compare_meta(a, b, copy);
	ck_assert_uint_eq(scap_get_section_version(b), 0x10002);
	for (;;) {
		int ra = scap_next(a, &ea), rb = scap_next(b, &eb);
		ck_assert_msg(ra == rb, "event %" PRIu64 ": status %d vs %d (%s)", n, ra, rb, scap_geterr(b));
		if (ra == SCAP_EOF)
			break;
		ck_assert_int_eq(ra, SCAP_OK);
		ck_assert_uint_eq(scap_evt_type(ea), scap_evt_type(eb));
		ck_assert_uint_eq(scap_evt_ts(ea), scap_evt_ts(eb));
		ck_assert_int_eq(scap_evt_tid(ea), scap_evt_tid(eb));
		ck_assert_uint_eq(scap_evt_cpu(ea), scap_evt_cpu(eb));
		/* bit 2 (large payload) is carried by the block id, not the word */
		ck_assert_uint_eq(scap_evt_flags(ea) & ~4u, scap_evt_flags(eb));
		ck_assert_uint_eq(scap_evt_nparams(ea), scap_evt_nparams(eb));
		ck_assert_uint_eq(scap_evt_lenwidth(ea), scap_evt_lenwidth(eb));
		for (uint32_t i = 0; i < scap_evt_nparams(ea); i++) {
			const void *pa, *pb;
			uint32_t la, lb;
			ck_assert_int_eq(scap_evt_param(ea, i, &pa, &la), SCAP_OK);
			ck_assert_int_eq(scap_evt_param(eb, i, &pb, &lb), SCAP_OK);
			ck_assert_msg(la == lb && memcmp(pa, pb, la) == 0, "event %" PRIu64 " param %u differs", n, i);
		}
		/* the whole event: identical for V2, header rewritten for V1 */
		ck_assert_int_eq(scap_evt_hdr_version(eb), 2);
		const uint8_t *raw_a = scap_evt_raw(ea), *raw_b = scap_evt_raw(eb);
		uint32_t ha = scap_evt_hdr_version(ea) == 2 ? 26 : 22;
		ck_assert_uint_eq(scap_evt_len(eb), scap_evt_len(ea) - ha + 26);
		ck_assert(memcmp(raw_b + 26, raw_a + ha, scap_evt_len(ea) - ha) == 0);
		if (ha == 26)
			ck_assert(memcmp(raw_a, raw_b, scap_evt_len(ea)) == 0);
		n++;
	}
	scap_close(a);
	scap_close(b);
	return n;
}

/* ---- the written bytes, block by block (scap-format.md §2-§8) ---- */

struct walk {
	int n_shb, n_mi, n_il, n_ul, n_pl;
	uint64_t n_ifaces, n_users, n_groups, n_threads, n_fdl, n_fds;
	uint64_t n_ev, n_evf, n_ev_large, n_evf_large;
	uint64_t n_v2_trailing; /* never expected: events are exact */
};

/* str16 at p (within end); returns the position after it. */
static size_t w_str(const uint8_t *b, size_t p, size_t end, size_t limit, size_t off)
{
	ck_assert_msg(p + 2 <= end, "block at %zu: string length past the entry", off);
	size_t n = rd16(b + p);
	ck_assert_msg(n <= limit, "block at %zu: string of %zu bytes over the limit %zu", off, n, limit);
	ck_assert_msg(p + 2 + n <= end, "block at %zu: string past the entry", off);
	return p + 2 + n;
}

static size_t walk_il(const uint8_t *b, size_t blen, struct walk *w, size_t off)
{
	size_t pos = 0;

	while (blen - pos >= 4) {
		uint32_t esz = rd32(b + pos); /* excludes its own 4 bytes */
		ck_assert_msg(pos + 4 + esz <= blen, "IL_V2 at %zu: entry size %u past the block", off, esz);
		uint16_t type = rd16(b + pos + 4), nlen = rd16(b + pos + 6);
		/* writers always include the link speed: types 1 and 2 */
		ck_assert_msg(type == 1 || type == 2, "IL_V2 at %zu: interface type %u", off, type);
		ck_assert_uint_lt(nlen, 1024);
		ck_assert_msg(esz == (type == 1 ? 24u : 60u) + nlen, "IL_V2 at %zu: entry size %u for type %u name %u",
			      off, esz, type, nlen);
		pos += 4 + esz;
		w->n_ifaces++;
	}
	return pos;
}

static size_t walk_ul(const uint8_t *b, size_t blen, struct walk *w, size_t off)
{
	size_t pos = 0;

	while (blen - pos >= 4) {
		uint32_t elen = rd32(b + pos); /* counts itself */
		ck_assert_msg(elen >= 5 && pos + elen <= blen, "UL_V2 at %zu: entry length %u", off, elen);
		size_t end = pos + elen, p;
		if (b[pos + 4] == 0) {
			p = pos + 13; /* len, kind, uid, gid */
			for (int i = 0; i < 3; i++)
				p = w_str(b, p, end, 255, off);
			w->n_users++;
		} else {
			ck_assert_uint_eq(b[pos + 4], 1);
			p = w_str(b, pos + 9, end, 255, off);
			w->n_groups++;
		}
		ck_assert_msg(p == end, "UL_V2 at %zu: entry length %u, fields take %zu", off, elen, p - pos);
		pos = end;
	}
	return pos;
}

static size_t walk_pl(const uint8_t *b, size_t blen, struct walk *w, size_t off)
{
	size_t pos = 0;

	while (blen - pos >= 4) {
		uint32_t elen = rd32(b + pos); /* counts itself */
		ck_assert_msg(elen >= 4 && pos + elen <= blen, "PL_V9 at %zu: entry length %u", off, elen);
		size_t end = pos + elen, p = pos + 4 + 5 * 8; /* tid pid ptid sid vpgid */
		p = w_str(b, p, end, 1024, off);                /* comm */
		p = w_str(b, p, end, 1024, off);                /* exe */
		p = w_str(b, p, end, 1024, off);                /* exepath */
		p = w_str(b, p, end, 4096, off);                /* args */
		p = w_str(b, p, end, 1024, off);                /* cwd */
		p += 8 + 4 + 4 + 4 + 3 * 4 + 2 * 8;            /* fdlimit flags uid gid vm* pf* */
		p = w_str(b, p, end, 4096, off);                /* env */
		p += 16;                                        /* vtid vpid */
		p = w_str(b, p, end, 4096, off);                /* cgroups */
		p = w_str(b, p, end, 1024, off);                /* root */
		/* the 0.10+ tail, complete up to pgid: 76 bytes (> 29) */
		ck_assert_msg(end - p == 76, "PL_V9 at %zu: entry %" PRIu64 " has %zu bytes after root, 76 expected",
			      off, w->n_threads, end - p);
		pos = end;
		w->n_threads++;
	}
	return pos;
}

static size_t walk_fdl(const uint8_t *b, size_t blen, struct walk *w, size_t off)
{
	size_t pos = 8; /* tid */

	ck_assert_msg(blen >= 8, "FDL_V2 at %zu: no tid", off);
	while (blen - pos >= 4) {
		uint32_t elen = rd32(b + pos); /* counts itself */
		ck_assert_msg(elen >= 21 && pos + elen <= blen, "FDL_V2 at %zu: entry length %u", off, elen);
		size_t end = pos + elen, p = pos + 21; /* len fd ino type */
		uint8_t type = b[pos + 20];
		switch (type) {
		case 0: break;
		case 3: p += 13; break;
		case 4: p += 37; break;
		case 5: p += 7; break;
		case 6: p += 19; break;
		case 8: p = w_str(b, p + 16, end, 1023, off); break;
		case 16: p = w_str(b, p + 4, end, 1023, off) + 4; break; /* open_flags name dev */
		default:
			ck_assert_msg(type < 22, "FDL_V2 at %zu: fd type %u", off, type);
			p = w_str(b, p, end, 1023, off);
			break;
		}
		ck_assert_msg(p == end, "FDL_V2 at %zu: entry length %u, fields take %zu (type %u)", off, elen, p - pos,
			      type);
		pos = end;
		w->n_fds++;
	}
	return pos;
}

static size_t walk_ev(uint32_t id, const uint8_t *b, size_t blen, uint32_t tlen, struct walk *w, size_t off)
{
	int has_flags = id == 0x217 || id == 0x222, large = id == 0x221 || id == 0x222;
	size_t h = 2 + (has_flags ? 4 : 0);

	ck_assert_msg(blen >= h + 26, "event block at %zu: body %zu too short", off, blen);
	if (has_flags) {
		uint32_t flags = rd32(b + 2);
		ck_assert_msg(flags != 0, "EVF block at %zu with flags 0", off);
		ck_assert_msg(!(flags & 4), "EVF block at %zu keeps the large-payload bit", off);
	}
	const uint8_t *ev = b + h;
	uint32_t evlen = rd32(ev + 16), np = rd32(ev + 22);
	uint16_t type = rd16(ev + 20);
	uint32_t wd = (scap_event_flags(type) & SCAP_EF_LARGE_PAYLOAD) ? 4 : 2;
	uint64_t sum = 0;
	ck_assert_msg(h + evlen <= blen, "event at %zu: len %u past the body", off, evlen);
	ck_assert_msg(26 + (uint64_t)np * wd <= evlen, "event at %zu: length array past len", off);
	for (uint32_t i = 0; i < np; i++)
		sum += wd == 2 ? rd16(ev + 26 + 2 * i) : rd32(ev + 26 + 4 * i);
	ck_assert_msg(evlen == 26 + (uint64_t)np * wd + sum, "event at %zu: len %u, header+lengths+data %" PRIu64,
		      off, evlen, 26 + (uint64_t)np * wd + sum);
	if (wd == 4)
		ck_assert_msg(large, "large-payload type %u at %zu not in a _LARGE block", type, off);
	if (!large)
		ck_assert_msg(tlen - 8 <= 65536, "event block at %zu: %u bytes without _LARGE", off, tlen);
	if (large)
		has_flags ? w->n_evf_large++ : w->n_ev_large++;
	else
		has_flags ? w->n_evf++ : w->n_ev++;
	return h + evlen;
}

/* Walk the (decompressed) file; checks framing, order and every entry. */
static void walk_file(const char *path, struct walk *w)
{
	size_t len, off = 0;
	uint8_t *buf = read_any(path, &len);
	int phase = -1;

	memset(w, 0, sizeof(*w));
	while (off < len) {
		ck_assert_msg(len - off >= 12, "%s: %zu stray bytes at offset %zu", path, len - off, off);
		uint32_t id = rd32(buf + off), tlen = rd32(buf + off + 4);
		ck_assert_msg(tlen >= 12 && tlen % 4 == 0 && tlen <= len - off, "%s: block at %zu: total_length %u",
			      path, off, tlen);
		ck_assert_msg(rd32(buf + off + tlen - 4) == tlen, "%s: block at %zu: trailer", path, off);
		const uint8_t *b = buf + off + 8;
		size_t blen = tlen - 12, used = 0;
		int ph = -1;
		switch (id) {
		case 0x0A0D0D0Au:
			ph = 0;
			ck_assert_msg(off == 0, "SHB at %zu", off);
			ck_assert_uint_eq(tlen, 28); /* no options */
			ck_assert_uint_eq(rd32(b), 0x1A2B3C4Du);
			ck_assert_uint_eq(rd16(b + 4), 1);
			ck_assert_uint_eq(rd16(b + 6), 2);
			ck_assert_uint_eq(rd64(b + 8), UINT64_MAX);
			used = 16;
			w->n_shb++;
			break;
		case 0x201:
			ph = 1;
			ck_assert_uint_eq(tlen, 192);
			ck_assert_uint_eq(rd64(b + 164), 0); /* reserved */
			ck_assert_uint_eq(rd64(b + 172), 0);
			ck_assert_msg(memchr(b + 20, 0, 128) != NULL, "MI hostname not NUL-terminated");
			used = 180;
			w->n_mi++;
			break;
		case 0x219:
			ph = 2;
			used = walk_il(b, blen, w, off);
			w->n_il++;
			break;
		case 0x220:
			ph = 3;
			used = walk_ul(b, blen, w, off);
			w->n_ul++;
			break;
		case 0x215:
			ph = 4;
			used = walk_pl(b, blen, w, off);
			w->n_pl++;
			break;
		case 0x218:
			ph = 5;
			used = walk_fdl(b, blen, w, off);
			w->n_fdl++;
			break;
		case 0x216: case 0x217: case 0x221: case 0x222:
			ph = 6;
			used = walk_ev(id, b, blen, tlen, w, off);
			break;
		default:
			ck_abort_msg("%s: block at %zu: unexpected type 0x%x", path, off, id);
		}
		/* order SHB, MI, IL, UL, PL, FDL..., events... */
		ck_assert_msg(ph > phase || (ph == phase && ph >= 5), "%s: block 0x%x at %zu out of order", path, id,
			      off);
		phase = ph;
		ck_assert_msg(blen - used < 4, "%s: block at %zu: %zu bytes after the content", path, off, blen - used);
		for (size_t i = used; i < blen; i++)
			ck_assert_msg(b[i] == 0, "%s: block at %zu: non-zero padding", path, off);
		off += tlen;
	}
	ck_assert_int_eq(w->n_shb, 1);
	free(buf);
}

static uint64_t walk_events(const struct walk *w)
{
	return w->n_ev + w->n_evf + w->n_ev_large + w->n_evf_large;
}

/* The walk agrees with what the reader found in the copy. */
static void check_walk_counts(const char *copy, const struct walk *w, uint64_t nevents)
{
	scap_t *h = tu_open(copy);
	struct scap_machine_info mi = {.sz = sizeof(mi)};

	ck_assert_uint_eq(walk_events(w), nevents);
	ck_assert_int_eq(w->n_mi, scap_get_machine_info(h, &mi) == SCAP_OK);
	ck_assert_uint_eq(w->n_ifaces, scap_iface_count(h));
	ck_assert_uint_eq(w->n_users, scap_user_count(h));
	ck_assert_uint_eq(w->n_groups, scap_group_count(h));
	ck_assert_uint_eq(w->n_threads, scap_proc_count(h));
	ck_assert_uint_eq(w->n_fds, scap_fd_count(h));
	ck_assert_int_le(w->n_il, 1);
	ck_assert_int_le(w->n_ul, 1);
	ck_assert_int_le(w->n_pl, 1);
	scap_close(h);
}

/* ---- round trips of the shared captures ---- */

static void roundtrip(const char *src, int gzip_level)
{
	char out[4096], out2[4096];
	struct walk w;
	uint64_t n;

	snprintf(out, sizeof(out), "%s", tu_tmpfile(gzip_level ? ".scap.gz" : ".scap"));
	n = copy_capture(src, out, gzip_level);
	ck_assert_int_eq(file_is_gzip(out), gzip_level > 0);
	ck_assert_uint_eq(compare_files(src, out), n);
	walk_file(out, &w);
	check_walk_counts(out, &w, n);

	/* a copy of the copy has the same bytes */
	snprintf(out2, sizeof(out2), "%s", tu_tmpfile(".scap"));
	ck_assert_uint_eq(copy_capture(out, out2, 0), n);
	size_t l1, l2;
	uint8_t *b1 = read_any(out, &l1), *b2 = read_any(out2, &l2);
	ck_assert_msg(l1 == l2 && memcmp(b1, b2, l1) == 0, "%s: a second copy differs", src);
	free(b1);
	free(b2);
	unlink(out);
	unlink(out2);
}

START_TEST(test_roundtrip_shared)
{
	const char *name = CAPTURES[_i];
	const char *p = tu_shared_capture(name);
	char src[4096];

	if (!p)
		return;
	snprintf(src, sizeof(src), "%s", p);
	roundtrip(src, 0);
	roundtrip(src, 6);
	roundtrip(src, 1);
}
END_TEST

/* ---- synthetic captures ---- */

/* Metadata with every fd type, an IPv6 interface, every thread field set. */
static void synth_meta(sg_buf *b)
{
	static const uint8_t a4[4] = {192, 168, 121, 128}, m4[4] = {255, 255, 255, 0}, b4[4] = {192, 168, 121, 255};
	static const uint8_t a6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1}, m6[16] = {0xff, 0xff, 0xff, 0xff};
	sg_buf body;

	sg_init(&body);
	sg_shb(b, 1, 0);
	sg_mi(b, 8, 16ull << 30, 4194304, "synthhost", 1700000000123456789ull);
	/* IL_V2: IPv4 with speed, IPv6 without (type 4) */
	sg_il_v2_ipv4(&body, "eth0", a4, m4, b4, 10000);
	size_t s = body.len;
	sg_u32(&body, 0);
	sg_u16(&body, 4);
	sg_u16(&body, 3);
	sg_raw(&body, a6, 16);
	sg_raw(&body, m6, 16);
	sg_raw(&body, NULL, 16);
	sg_raw(&body, "ip6", 3);
	sg_set_u32(&body, s, (uint32_t)(body.len - s - 4));
	sg_block(b, SG_IL_V2, body.p, body.len);
	body.len = 0;
	sg_ul_v2_user(&body, 1000, 100, "alice", "/home/alice", "/bin/zsh");
	sg_ul_v2_group(&body, 100, "users");
	sg_ul_v2_user(&body, 0, 0, "root", "/root", "/bin/sh");
	sg_block(b, SG_UL_V2, body.p, body.len);

	/* PL_V9: one thread with the full 0.10+ tail and non-default values,
	 * one with the pre-0.10 tail, one with no tail */
	body.len = 0;
	for (int k = 0; k < 3; k++) {
		s = body.len;
		sg_u32(&body, 0);
		sg_u64(&body, 100 + k);
		sg_u64(&body, 100);
		sg_u64(&body, 1);
		sg_u64(&body, 7);
		sg_u64(&body, 8);
		sg_str16(&body, "comm");
		sg_str16(&body, "/bin/exe");
		sg_str16(&body, "/usr/bin/exe");
		sg_u16(&body, 7);
		sg_raw(&body, "a\0b\0c\0d", 7); /* last NUL missing */
		sg_str16(&body, "/cwd");
		sg_u64(&body, 4096);
		sg_u32(&body, 0x12345);
		sg_u32(&body, 1000);
		sg_u32(&body, 100);
		sg_u32(&body, 11);
		sg_u32(&body, 12);
		sg_u32(&body, 13);
		sg_u64(&body, 14);
		sg_u64(&body, 15);
		sg_u16(&body, 8);
		sg_raw(&body, "A=1\0B=2\0", 8);
		sg_u64(&body, 16);
		sg_u64(&body, 17);
		sg_str16(&body, "cpu=/x");
		sg_str16(&body, "/root");
		if (k == 0) {
			sg_u64(&body, 18);         /* pidns_init_start_ts */
			sg_u32(&body, 34816);      /* tty */
			sg_u32(&body, 1000);       /* loginuid */
			sg_u8(&body, 1);           /* exe_writable */
			sg_u64(&body, 0x1);        /* caps */
			sg_u64(&body, 0x2);
			sg_u64(&body, 0x3);
			sg_u8(&body, 1);           /* exe_upper_layer */
			sg_u64(&body, 99);         /* exe_ino */
			sg_u64(&body, 98);
			sg_u64(&body, 97);
			sg_u8(&body, 1);           /* exe_from_memfd */
			sg_u8(&body, 1);           /* exe_lower_layer */
			sg_u64(&body, 55);         /* pgid */
			sg_u32(&body, 0xdeadbeef); /* a newer writer's field: skipped */
		} else if (k == 1) {
			sg_u32(&body, 500);
			sg_u8(&body, 0);
			sg_u64(&body, 4);
			sg_u64(&body, 5);
			sg_u64(&body, 6);
		}
		sg_set_u32(&body, s, (uint32_t)(body.len - s));
	}
	sg_block(b, SG_PL_V9, body.p, body.len);

	/* FDL_V2 for tid 100: every fd type */
	body.len = 0;
	sg_u64(&body, 100);
	for (uint8_t t = 0; t < 23; t++) {
		s = body.len;
		sg_u32(&body, 0);
		sg_u64(&body, t);
		sg_u64(&body, 1000 + t);
		sg_u8(&body, t == 22 ? 99 : t); /* 99: unknown, read as UNSUPPORTED */
		switch (t) {
		case 0: break;
		case 3: sg_raw(&body, a4, 4); sg_raw(&body, b4, 4); sg_u16(&body, 1234); sg_u16(&body, 80); sg_u8(&body, 2); break;
		case 4: sg_raw(&body, a6, 16); sg_raw(&body, m6, 16); sg_u16(&body, 1235); sg_u16(&body, 443); sg_u8(&body, 3); break;
		case 5: sg_raw(&body, a4, 4); sg_u16(&body, 22); sg_u8(&body, 2); break;
		case 6: sg_raw(&body, a6, 16); sg_u16(&body, 23); sg_u8(&body, 2); break;
		case 8: sg_u64(&body, 0xffff0001); sg_u64(&body, 0xffff0002); sg_str16(&body, "/run/sock\n"); break;
		case 16: sg_u32(&body, 0x41); sg_str16(&body, "/etc/passwd"); sg_u32(&body, 0x803); break;
		case 22: sg_raw(&body, "xyz", 3); break;
		default: {
			char name[32];
			snprintf(name, sizeof(name), "name-%u", t);
			sg_str16(&body, name);
			break;
		}
		}
		sg_set_u32(&body, s, (uint32_t)(body.len - s));
	}
	sg_block(b, SG_FDL_V2, body.p, body.len);
	/* a second thread, and a FILE_V2 without dev */
	body.len = 0;
	sg_u64(&body, 101);
	s = body.len;
	sg_u32(&body, 0);
	sg_u64(&body, 3);
	sg_u64(&body, 7);
	sg_u8(&body, 16);
	sg_u32(&body, 1);
	sg_str16(&body, "/tmp/x");
	sg_set_u32(&body, s, (uint32_t)(body.len - s));
	sg_block(b, SG_FDL_V2, body.p, body.len);
	sg_free(&body);
}

static void synth_events(sg_buf *b)
{
	static uint8_t big[70000], big2[40000];
	uint64_t fd = 3, res = 0;
	uint32_t plugin = 7;
	struct sg_param p[40];
	sg_buf ev;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7);
	for (size_t i = 0; i < sizeof(big2); i++)
		big2[i] = (uint8_t)(i * 13);
	/* plain EV_V2: close> */
	p[0] = (struct sg_param){&fd, 8};
	sg_ev_v2(b, 1, 1000, 100, 4, 1, p, 0);
	/* EVF_V2 state-only, and an obsolete tracer bit */
	sg_evf_v2(b, 1, 2, 1001, 100, 4, 1, p, 0);
	sg_evf_v2(b, 2, 3, 1002, 100, 4, 1, p, 0);
	/* EVF_V2 with the large bit on a small event: becomes a _LARGE block */
	sg_evf_v2(b, 5, 3, 1003, 100, 4, 1, p, 0);
	/* LARGE: pluginevent with a 70000-byte payload */
	p[0] = (struct sg_param){&plugin, 4};
	p[1] = (struct sg_param){big, sizeof(big)};
	sg_init(&ev);
	sg_event(&ev, 2, 1004, 100, 322, 2, p, 0);
	sg_ev_block(b, SG_EV_V2_LARGE, 0, 0, &ev, NULL);
	ev.len = 0;
	/* a small large-payload event in an EVF_V2_LARGE block */
	p[1] = (struct sg_param){"hi", 2};
	sg_event(&ev, 2, 1005, 100, 322, 2, p, 0);
	sg_ev_block(b, SG_EVF_V2_LARGE, 1, 1, &ev, NULL);
	ev.len = 0;
	/* u16-length type over 64 KiB: needs a _LARGE block */
	p[0] = (struct sg_param){&res, 8};
	p[1] = (struct sg_param){big2, sizeof(big2)};
	p[2] = (struct sg_param){big2, sizeof(big2)};
	sg_event(&ev, 2, 1006, 100, 7, 3, p, 0);
	sg_ev_block(b, SG_EV_V2_LARGE, 2, 0, &ev, NULL);
	ev.len = 0;
	/* V1 events: EV and EVF */
	p[0] = (struct sg_param){&fd, 8};
	p[1] = (struct sg_param){"/etc/hosts", 11};
	sg_ev_v1(b, 0, 1007, 100, 3, 2, p);
	sg_event(&ev, 1, 1008, 100, 4, 1, p, 0);
	sg_ev_block(b, SG_EVF, 1, 1, &ev, NULL);
	ev.len = 0;
	/* V1 with no parameters */
	sg_ev_v1(b, 0, 1009, 100, 2, 0, NULL);
	/* unknown types: V2 with 3 and with 40 parameters, V1 with 40 */
	for (int i = 0; i < 40; i++)
		p[i] = (struct sg_param){"abcdefgh", (uint32_t)(i % 9)};
	sg_ev_v2(b, 0, 1010, 100, 60000, 3, p, 2);
	sg_ev_v2(b, 0, 1011, 100, 60000, 40, p, 2);
	sg_ev_v1(b, 0, 1012, -1, 60001, 40, p);
	/* an event with pcapng options after it: the options are not copied */
	sg_buf opts;
	sg_init(&opts);
	sg_opt(&opts, 1, "a comment", 9);
	sg_opt_end(&opts);
	p[0] = (struct sg_param){&fd, 8};
	sg_event(&ev, 2, 1013, 100, 4, 1, p, 0);
	sg_ev_block(b, SG_EV_V2, 3, 0, &ev, &opts);
	sg_free(&opts);
	sg_free(&ev);
}

/* sinsp_dump_open() before the first event writes the tables the input
 * has (in its order, with the fields libsinsp does not keep taken from it). */
START_TEST(test_sinsp_dump_at_start)
{
	const char *src = tu_shared_capture(CAPTURES[_i]);
	char path[4096], errbuf[SCAP_ERRBUF_SIZE];

	if (!src)
		return;
	snprintf(path, sizeof(path), "%s", src);
	const char *dst = tu_tmpfile(".scap");
	sinsp_t *s = sinsp_open(tu_open(path), NULL, errbuf);
	ck_assert_msg(s != NULL, "%s", errbuf);
	scap_dumper_t *d = sinsp_dump_open(s, dst, NULL, errbuf);
	ck_assert_msg(d != NULL, "%s: %s", CAPTURES[_i], errbuf);
	ck_assert_int_eq(scap_dump_close(d, errbuf), SCAP_OK);
	sinsp_close(s);
	scap_t *a = tu_open(path), *b = tu_open(dst);
	compare_meta(a, b, CAPTURES[_i]);
	scap_close(a);
	scap_close(b);
	unlink(dst);
}
END_TEST

START_TEST(test_synthetic)
{
	char src[4096], out[4096];
	struct walk w;
	sg_buf b;

	snprintf(src, sizeof(src), "%s", tu_tmpfile(".scap"));
	sg_init(&b);
	synth_meta(&b);
	synth_events(&b);
	ck_assert_int_eq(tu_write_file(src, b.p, b.len), 0);
	sg_free(&b);

	for (int gz = 0; gz <= 1; gz++) {
		snprintf(out, sizeof(out), "%s", tu_tmpfile(".scap"));
		uint64_t n = copy_capture(src, out, gz ? 9 : 0);
		ck_assert_uint_eq(n, 14);
		ck_assert_uint_eq(compare_files(src, out), n);
		walk_file(out, &w);
		check_walk_counts(out, &w, n);
		ck_assert_int_eq(w.n_mi, 1);
		ck_assert_uint_eq(w.n_threads, 3);
		ck_assert_uint_eq(w.n_fdl, 2);
		ck_assert_uint_eq(w.n_fds, 24);
		ck_assert_uint_eq(w.n_ifaces, 2);
		ck_assert_uint_eq(w.n_users, 2);
		ck_assert_uint_eq(w.n_groups, 1);
		/* EVF: flags 1, 2, V1 EVF; _LARGE: 322 x2, flags bit 2, 80 KiB read */
		ck_assert_uint_eq(w.n_evf, 3);
		ck_assert_uint_eq(w.n_ev_large, 2);
		ck_assert_uint_eq(w.n_evf_large, 2);
		ck_assert_uint_eq(w.n_ev, 7);

		/* the reader's view of the details */
		scap_t *h = tu_open(out);
		const scap_evt_t *e;
		uint32_t flags[14];
		uint32_t np[14];
		for (int i = 0; i < 14; i++) {
			ck_assert_int_eq(scap_next(h, &e), SCAP_OK);
			flags[i] = scap_evt_flags(e);
			np[i] = scap_evt_nparams(e);
			if (i == 4) {
				const void *d;
				uint32_t l;
				ck_assert_uint_eq(scap_evt_type(e), 322);
				ck_assert_int_eq(scap_evt_param(e, 1, &d, &l), SCAP_OK);
				ck_assert_uint_eq(l, 70000);
				for (uint32_t k = 0; k < l; k++)
					ck_assert_uint_eq(((const uint8_t *)d)[k], (uint8_t)(k * 7));
			}
			if (i == 12) { /* V1 unknown, 40 parameters: all kept in the header */
				ck_assert_uint_eq(scap_evt_type(e), 60001);
				ck_assert_uint_eq(rd32((const uint8_t *)scap_evt_raw(e) + 22), 40);
			}
			if (i == 11)
				ck_assert_uint_eq(rd32((const uint8_t *)scap_evt_raw(e) + 22), 40);
		}
		ck_assert_int_eq(scap_next(h, &e), SCAP_EOF);
		scap_close(h);
		ck_assert_uint_eq(flags[1], 1);
		ck_assert_uint_eq(flags[2], 2);
		ck_assert_uint_eq(flags[3], 1); /* 5 without the large bit */
		ck_assert_uint_eq(flags[5], 1);
		ck_assert_uint_eq(flags[8], 1);
		ck_assert_uint_eq(np[7], 2);
		ck_assert_uint_eq(np[9], 0);
		unlink(out);
	}
	unlink(src);
}
END_TEST

/* A small capture with events, for the tests below. */
static void write_small(const char *path, int nevents)
{
	static uint8_t payload[1000];
	uint64_t fd = 3;
	struct sg_param p[2] = {{&fd, 8}, {payload, sizeof(payload)}};
	sg_buf b;

	sg_init(&b);
	sg_shb(&b, 1, 2);
	for (int i = 0; i < nevents; i++)
		sg_ev_v2(&b, (uint16_t)(i % 4), 1000 + (uint64_t)i, 42, 9, 2, p, 0);
	ck_assert_int_eq(tu_write_file(path, b.p, b.len), 0);
	sg_free(&b);
}

/* h == NULL: the section header only, then events; opts NULL: plain. */
START_TEST(test_no_metadata)
{
	char src[4096], out[4096];
	char errbuf[SCAP_ERRBUF_SIZE];
	const scap_evt_t *e;
	struct walk w;
	size_t len;

	snprintf(src, sizeof(src), "%s", tu_tmpfile(".scap"));
	snprintf(out, sizeof(out), "%s", tu_tmpfile(".scap"));
	write_small(src, 3);

	scap_dumper_t *d = scap_dump_open(NULL, out, NULL, errbuf);
	ck_assert_msg(d != NULL, "%s", errbuf);
	ck_assert_int_eq(scap_dump_close(d, errbuf), SCAP_OK);
	uint8_t *bytes = read_any(out, &len);
	ck_assert_uint_eq(len, 28);
	ck_assert_uint_eq(rd32(bytes), 0x0A0D0D0Au);
	free(bytes);
	walk_file(out, &w);
	ck_assert_uint_eq(walk_events(&w), 0);

	scap_t *h = tu_open(src);
	d = scap_dump_open(NULL, out, NULL, errbuf);
	ck_assert_msg(d != NULL, "%s", errbuf);
	while (scap_next(h, &e) == SCAP_OK)
		ck_assert_int_eq(scap_dump_write(d, e), SCAP_OK);
	ck_assert_uint_eq(scap_dump_count(d), 3);
	ck_assert_int_eq(scap_dump_close(d, NULL), SCAP_OK);
	scap_close(h);
	ck_assert_uint_eq(compare_files(src, out), 3);
	walk_file(out, &w);
	ck_assert_uint_eq(w.n_ev, 3);
	ck_assert_int_eq(w.n_mi + w.n_il + w.n_ul + w.n_pl, 0);
	unlink(src);
	unlink(out);
}
END_TEST

/* Events read from path by the savefile engine, which may stop at the end
 * of what was flushed (a gzip stream without its end). */
static uint64_t count_readable(const char *path)
{
	char errbuf[SCAP_ERRBUF_SIZE];
	struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;
	const scap_evt_t *e;
	uint64_t n = 0;

	o.filename = path;
	scap_t *h = scap_open(&o, errbuf);
	if (!h)
		return 0;
	while (scap_next(h, &e) == SCAP_OK)
		n++;
	scap_close(h);
	return n;
}

/* scap_dump_flush(): what was written is in the file, while the dumper
 * stays open for more (tcpdump -U); plain and gzip (loop index: level). */
START_TEST(test_flush)
{
	struct scap_dump_opts o = SCAP_DUMP_OPTS_INIT;
	char src[4096], out[4096], errbuf[SCAP_ERRBUF_SIZE];
	const scap_evt_t *e;

	snprintf(src, sizeof(src), "%s", tu_tmpfile(".scap"));
	snprintf(out, sizeof(out), "%s", tu_tmpfile(".scap"));
	write_small(src, 5);
	o.gzip_level = _i;
	scap_t *h = tu_open(src);
	scap_dumper_t *d = scap_dump_open(NULL, out, &o, errbuf);
	ck_assert_msg(d != NULL, "%s", errbuf);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(scap_next(h, &e), SCAP_OK);
		ck_assert_int_eq(scap_dump_write(d, e), SCAP_OK);
	}
	ck_assert_uint_eq(count_readable(out), 0); /* buffered */
	ck_assert_int_eq(scap_dump_flush(d), SCAP_OK);
	ck_assert_uint_eq(count_readable(out), 2);
	while (scap_next(h, &e) == SCAP_OK)
		ck_assert_int_eq(scap_dump_write(d, e), SCAP_OK);
	ck_assert_int_eq(scap_dump_flush(d), SCAP_OK);
	ck_assert_int_eq(scap_dump_flush(d), SCAP_OK); /* nothing new: fine */
	ck_assert_uint_eq(count_readable(out), 5);
	ck_assert_int_eq(scap_dump_close(d, errbuf), SCAP_OK);
	scap_close(h);
	ck_assert_int_eq(file_is_gzip(out), _i > 0);
	ck_assert_uint_eq(compare_files(src, out), 5);
	ck_assert_int_eq(scap_dump_flush(NULL), SCAP_ERR_INVAL);
	unlink(src);
	unlink(out);
}
END_TEST

START_TEST(test_bad_args)
{
	char errbuf[SCAP_ERRBUF_SIZE];
	struct scap_dump_opts o = SCAP_DUMP_OPTS_INIT;
	const char *out = tu_tmpfile(".scap");

	o.gzip_level = 10;
	ck_assert_ptr_null(scap_dump_open(NULL, out, &o, errbuf));
	ck_assert_ptr_nonnull(strstr(errbuf, "gzip_level"));
	o.gzip_level = -1;
	ck_assert_ptr_null(scap_dump_open(NULL, out, &o, errbuf));
	ck_assert_ptr_null(scap_dump_open(NULL, NULL, NULL, errbuf));
	ck_assert_ptr_null(scap_dump_open(NULL, "", NULL, errbuf));
	o.sz = 0;
	ck_assert_ptr_null(scap_dump_open(NULL, out, &o, errbuf));
	ck_assert_int_eq(scap_dump_close(NULL, errbuf), SCAP_ERR_INVAL);
	ck_assert_int_eq(scap_dump_write(NULL, NULL), SCAP_ERR_INVAL);
	ck_assert_uint_eq(scap_dump_count(NULL), 0);
	ck_assert_str_eq(scap_dump_geterr(NULL), "");

	/* an older caller's opts (sz without gzip_level): plain */
	struct {
		struct scap_dump_opts o;
		int garbage;
	} old;
	memset(&old, 0xAB, sizeof(old));
	old.o.sz = sizeof(size_t);
	scap_dumper_t *d = scap_dump_open(NULL, out, &old.o, errbuf);
	ck_assert_msg(d != NULL, "%s", errbuf);
	ck_assert_int_eq(scap_dump_close(d, errbuf), SCAP_OK);
	ck_assert_int_eq(file_is_gzip(out), 0);
	unlink(out);
}
END_TEST

/* A full device: the error comes at a write or at close, with a message,
 * and it is sticky. */
static void full_device(int gzip_level)
{
	struct scap_dump_opts o = SCAP_DUMP_OPTS_INIT;
	char errbuf[SCAP_ERRBUF_SIZE] = "";
	char src[4096];
	const scap_evt_t *e;
	int failed_at = -1;

	if (access("/dev/full", W_OK) != 0) {
		fprintf(stderr, "SKIP: dump: /dev/full not writable\n");
		return;
	}
	snprintf(src, sizeof(src), "%s", tu_tmpfile(".scap"));
	write_small(src, 20);
	o.gzip_level = gzip_level;
	scap_dumper_t *d = scap_dump_open(NULL, "/dev/full", &o, errbuf);
	ck_assert_msg(d != NULL, "%s", errbuf);
	/* 20 x 1 KiB fits in the buffer: the error is reported by close */
	scap_t *h = tu_open(src);
	while (scap_next(h, &e) == SCAP_OK)
		ck_assert_int_eq(scap_dump_write(d, e), SCAP_OK);
	scap_close(h);
	int rc = scap_dump_close(d, errbuf);
	ck_assert_int_eq(rc, SCAP_ERR_IO);
	ck_assert_msg(strstr(errbuf, "/dev/full") && strstr(errbuf, strerror(ENOSPC)), "message: %s", errbuf);

	/* enough to overflow the buffers: the error comes at a write */
	d = scap_dump_open(NULL, "/dev/full", &o, errbuf);
	ck_assert_msg(d != NULL, "%s", errbuf);
	for (int round = 0; round < 2000 && failed_at < 0; round++) {
		h = tu_open(src);
		while (scap_next(h, &e) == SCAP_OK) {
			int r = scap_dump_write(d, e);
			if (r != SCAP_OK) {
				ck_assert_int_eq(r, SCAP_ERR_IO);
				failed_at = (int)scap_dump_count(d);
				break;
			}
		}
		if (failed_at >= 0) {
			/* sticky: later writes fail too and are not counted */
			ck_assert_int_eq(scap_dump_write(d, e), SCAP_ERR_IO);
			ck_assert_uint_eq(scap_dump_count(d), (uint64_t)failed_at);
			ck_assert_ptr_nonnull(strstr(scap_dump_geterr(d), strerror(ENOSPC)));
		}
		scap_close(h);
	}
	ck_assert_msg(failed_at >= 0, "no write failed on /dev/full");
	ck_assert_int_eq(scap_dump_close(d, errbuf), SCAP_ERR_IO);
	ck_assert_ptr_nonnull(strstr(errbuf, strerror(ENOSPC)));
	unlink(src);
}

START_TEST(test_dev_full)
{
	full_device(0);
}
END_TEST

START_TEST(test_dev_full_gzip)
{
	full_device(1);
}
END_TEST

/* Metadata larger than the output buffer on a full device: scap_dump_open
 * itself fails, with the reason. */
START_TEST(test_dev_full_at_open)
{
	char src[4096], errbuf[SCAP_ERRBUF_SIZE];
	char args[4000];
	sg_buf b, body;

	if (access("/dev/full", W_OK) != 0) {
		fprintf(stderr, "SKIP: dump: /dev/full not writable\n");
		return;
	}
	memset(args, 'x', sizeof(args) - 1);
	args[sizeof(args) - 1] = 0;
	sg_init(&b);
	sg_init(&body);
	sg_shb(&b, 1, 2);
	for (int i = 0; i < 200; i++) {
		struct sg_proc p = {.tid = i + 1, .pid = i + 1, .ptid = 1, .comm = "c", .exe = "e", .args = args};
		sg_pl_v9_entry(&body, &p);
	}
	sg_block(&b, SG_PL_V9, body.p, body.len);
	snprintf(src, sizeof(src), "%s", tu_tmpfile(".scap"));
	ck_assert_int_eq(tu_write_file(src, b.p, b.len), 0);
	sg_free(&b);
	sg_free(&body);

	scap_t *h = tu_open(src);
	ck_assert_uint_eq(scap_proc_count(h), 200);
	errbuf[0] = 0;
	ck_assert_ptr_null(scap_dump_open(h, "/dev/full", NULL, errbuf));
	ck_assert_msg(strstr(errbuf, "/dev/full") && strstr(errbuf, strerror(ENOSPC)), "message: %s", errbuf);
	scap_close(h);
	unlink(src);
}
END_TEST

START_TEST(test_missing_dir)
{
	char errbuf[SCAP_ERRBUF_SIZE];
	const char *path = "/nonexistent-scap-dir/sub/out.scap";

	ck_assert_ptr_null(scap_dump_open(NULL, path, NULL, errbuf));
	ck_assert_msg(strstr(errbuf, path) && strstr(errbuf, strerror(ENOENT)), "message: %s", errbuf);
}
END_TEST

/* Runs in a child that is not root when the tests run as root (root may
 * write anywhere). */
START_TEST(test_unwritable_dir)
{
	char dir[4096], path[4200];
	pid_t pid;
	int st;

	snprintf(dir, sizeof(dir), "%s", tu_tmpfile(".dir"));
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	ck_assert_int_eq(chmod(dir, 0555), 0);
	snprintf(path, sizeof(path), "%s/out.scap", dir);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char errbuf[SCAP_ERRBUF_SIZE];
		if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(3);
		scap_dumper_t *d = scap_dump_open(NULL, path, NULL, errbuf);
		if (d) {
			scap_dump_close(d, NULL);
			_exit(1);
		}
		_exit(strstr(errbuf, path) && strstr(errbuf, strerror(EACCES)) ? 0 : 2);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	unlink(path);
	rmdir(dir);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) != 3, "could not drop privileges");
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %d (1: created, 2: bad message)",
		      WEXITSTATUS(st));
}
END_TEST

/* ---- scapcli -w ---- */

/* Run a shell command; returns its exit status. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[16384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Drop the event number (first column) and the command (from the state,
 * which a filtered file does not rebuild the same way) of each line. */
static char *strip_lines(char *text)
{
	char *out = malloc(strlen(text) + 1), *o = out;
	char *line = text, *nl;

	ck_assert_ptr_nonnull(out);
	for (; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		ck_assert_ptr_nonnull(nl);
		*nl = 0;
		char *p = strchr(line, ' '); /* after the number */
		ck_assert_ptr_nonnull(p);
		char *time_cpu = p + 1;
		char *q = strchr(time_cpu, ' ');
		ck_assert_ptr_nonnull(q);
		q = strchr(q + 1, ' '); /* after the cpu */
		ck_assert_ptr_nonnull(q);
		char *dir = strstr(q, ") > ");
		char *dir2 = strstr(q, ") < ");
		if (!dir || (dir2 && dir2 < dir))
			dir = dir2;
		ck_assert_ptr_nonnull(dir);
		char *paren = dir;
		while (paren > q && paren[0] != '(')
			paren--;
		o += sprintf(o, "%.*s%s\n", (int)(q - time_cpu), time_cpu, paren - 1);
	}
	*o = 0;
	return out;
}

START_TEST(test_cli_write)
{
	const char *cli = getenv("SCAPCLI");
	char src[4096], out[4096], t1[4096], t2[4096];
	static const char *const files[] = {"libs_curl_google.scap", "falco_open-multiple-files.scap"};

	if (!cli || !cli[0]) {
		fprintf(stderr, "SKIP: dump CLI checks: SCAPCLI is not set\n");
		return;
	}
	for (size_t f = 0; f < 2; f++) {
		const char *p = tu_shared_capture(files[f]);
		if (!p)
			return;
		snprintf(src, sizeof(src), "%s", p);
		for (int gz = 0; gz <= 1; gz++) {
			snprintf(out, sizeof(out), "%s", tu_tmpfile(".scap"));
			snprintf(t1, sizeof(t1), "%s", tu_tmpfile(".txt"));
			snprintf(t2, sizeof(t2), "%s", tu_tmpfile(".txt"));
			ck_assert_int_eq(sh("'%s' -r '%s' -F 'evt.type=open' -w '%s' %s > '%s'", cli, src, out,
					    gz ? "-z" : "", t1), 0);
			size_t len;
			char *printed = tu_read_file(t1, &len);
			ck_assert_uint_eq(len, 0); /* -w writes instead of printing */
			free(printed);
			ck_assert_int_eq(file_is_gzip(out), gz);
			ck_assert_int_eq(sh("'%s' -r '%s' -F 'evt.type=open' > '%s'", cli, src, t1), 0);
			ck_assert_int_eq(sh("'%s' -r '%s' -F 'evt.type=open' > '%s'", cli, out, t2), 0);
			char *a = tu_read_file(t1, NULL), *b = tu_read_file(t2, NULL);
			ck_assert_ptr_nonnull(a);
			ck_assert_ptr_nonnull(b);
			ck_assert_ptr_nonnull(strstr(a, " open "));
			char *sa = strip_lines(a), *sb = strip_lines(b);
			ck_assert_msg(strcmp(sa, sb) == 0, "%s: the written file prints differently", files[f]);
			free(a);
			free(b);
			free(sa);
			free(sb);
			/* the container events are written whatever the filter */
			ck_assert_int_eq(sh("'%s' -r '%s' -F 'evt.type=container' -q --stats 2>'%s'", cli, src, t1), 0);
			ck_assert_int_eq(sh("'%s' -r '%s' -F 'evt.type=container' -q --stats 2>'%s'", cli, out, t2), 0);
			a = tu_read_file(t1, NULL);
			b = tu_read_file(t2, NULL);
			unsigned long long na = 0, nb = 0;
			ck_assert_ptr_nonnull(strstr(a, "\nmatched: "));
			ck_assert_ptr_nonnull(strstr(b, "\nmatched: "));
			sscanf(strstr(a, "\nmatched: "), "\nmatched: %llu", &na);
			sscanf(strstr(b, "\nmatched: "), "\nmatched: %llu", &nb);
			ck_assert_uint_eq(na, nb);
			ck_assert_uint_eq(na, f == 1 ? 3 : 0); /* falco_open-multiple-files has 3 */
			free(a);
			free(b);
			/* the copy has the whole process list */
			scap_t *h1 = tu_open(src), *h2 = tu_open(out);
			compare_meta(h1, h2, out);
			scap_close(h1);
			scap_close(h2);
			unlink(out);
			unlink(t1);
			unlink(t2);
		}
	}
	/* errors: exit status 1 with the reason */
	snprintf(t1, sizeof(t1), "%s", tu_tmpfile(".txt"));
	ck_assert_int_eq(sh("'%s' -r '%s' -w /nonexistent-scap-dir/x.scap 2> '%s'", cli, src, t1), 1);
	char *msg = tu_read_file(t1, NULL);
	ck_assert_ptr_nonnull(strstr(msg, "/nonexistent-scap-dir/x.scap"));
	free(msg);
	if (access("/dev/full", W_OK) == 0) {
		ck_assert_int_eq(sh("'%s' -r '%s' -w /dev/full 2> '%s'", cli, src, t1), 1);
		msg = tu_read_file(t1, NULL);
		ck_assert_ptr_nonnull(strstr(msg, strerror(ENOSPC)));
		free(msg);
	}
	ck_assert_int_eq(sh("'%s' -r '%s' -z 2> /dev/null", cli, src), 2); /* -z needs -w */
	unlink(t1);
}
END_TEST

Suite *dump_suite(void)
{
	Suite *s = suite_create("dump");
	TCase *tc = tcase_create("roundtrip");

	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, test_roundtrip_shared, 0, (int)N_CAPTURES);
	tcase_add_loop_test(tc, test_sinsp_dump_at_start, 0, (int)N_CAPTURES);
	tcase_add_test(tc, test_synthetic);
	tcase_add_test(tc, test_no_metadata);
	tcase_add_loop_test(tc, test_flush, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_bad_args);
	tcase_add_test(tc, test_dev_full);
	tcase_add_test(tc, test_dev_full_gzip);
	tcase_add_test(tc, test_dev_full_at_open);
	tcase_add_test(tc, test_missing_dir);
	tcase_add_test(tc, test_unwritable_dir);
	suite_add_tcase(s, tc);

	tc = tcase_create("cli");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_cli_write);
	suite_add_tcase(s, tc);
	sinsp_dump_tcases(s);
	return s;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sinsp_dump_open() and the metadata builder (scap_meta_*): the state
 * tables written mid-stream and at the end of the shared captures, read
 * back with sinsp and compared field by field with the state at dump time;
 * the rest of the stream replayed from the written file gives every event
 * the same thread and fd as the original; synthetic tables (long strings,
 * many threads, an fd of each kind); errors. Registered by test_dump.c
 * (suite "dump").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scap.h"
#include "scapgen.h"
#include "sinsp.h"
#include "sinsp_int.h"
#include "test_util.h"

void sinsp_dump_tcases(Suite *s);

static const char *const CAPS[] = {
	"falco_connect_localhost.scap", "falco_open-multiple-files.scap", "falco_privileged.scap",
	"falco_test_empty.scap",        "libs_curl_google.scap",          "libs_sample.scap",
	"libs_single_ipv6_conn.scap",
};
#define N_CAPS (sizeof(CAPS) / sizeof(CAPS[0]))

static scap_t *open_file(const char *path)
{
	struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;
	char errbuf[SCAP_ERRBUF_SIZE];

	o.filename = path;
	scap_t *h = scap_open(&o, errbuf);
	ck_assert_msg(h != NULL, "%s: %s", path, errbuf);
	return h;
}

static sinsp_t *open_sinsp(const char *path)
{
	char errbuf[SCAP_ERRBUF_SIZE];
	sinsp_t *s = sinsp_open(open_file(path), NULL, errbuf);
	ck_assert_msg(s != NULL, "%s", errbuf);
	return s;
}

static uint64_t count_events(const char *path)
{
	scap_t *h = open_file(path);
	const scap_evt_t *e;
	uint64_t n = 0;
	while (scap_next(h, &e) == SCAP_OK)
		n++;
	scap_close(h);
	return n;
}

static bool dumped(const sinsp_t *s, const struct sinsp_thread *t)
{
	(void)s;
	return !t->placeholder && !t->dead;
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

static bool is_ip(uint8_t type)
{
	return type == SCAP_FD_IPV4_SOCK || type == SCAP_FD_IPV6_SOCK;
}

/* The fds of a (pending close excluded) equal those of b. */
static void compare_fds(const sinsp_t *sa, const struct sproc *a, const struct sproc *b, const char *what,
			int64_t tid)
{
	uint32_t na = 0;
	const struct sinsp_fd *f, *tmp, *g;

	HASH_ITER(hh, a->fds, f, tmp) {
		if (f == sa->fd_to_close)
			continue;
		na++;
		HASH_FIND(hh, b->fds, &f->fd, sizeof(f->fd), g);
		ck_assert_msg(g != NULL, "%s: tid %" PRId64 " fd %" PRId64 " (%s) missing", what, tid, f->fd,
			      nz(f->name));
		ck_assert_msg(f->type == g->type, "%s: tid %" PRId64 " fd %" PRId64 ": type %u != %u", what, tid,
			      f->fd, f->type, g->type);
		ck_assert_msg(f->ino == g->ino, "%s: fd %" PRId64 " ino", what, f->fd);
		if (is_ip(f->type)) {
			ck_assert_msg(f->l4proto == g->l4proto, "%s: fd %" PRId64 " l4proto", what, f->fd);
			ck_assert_msg(f->cport == g->cport && f->sport == g->sport, "%s: fd %" PRId64 " ports", what,
				      f->fd);
			ck_assert_msg(!memcmp(f->cip, g->cip, 16) && !memcmp(f->sip, g->sip, 16), "%s: fd %" PRId64 " ips",
				      what, f->fd);
			/* a socket never connected or bound has no name; read back,
			 * its (empty) tuple has one */
			if (f->name_len)
				ck_assert_msg(!strcmp(nz(f->name), nz(g->name)), "%s: fd %" PRId64 ": '%s' != '%s'", what,
					      f->fd, nz(f->name), nz(g->name));
		} else {
			ck_assert_msg(!strcmp(nz(f->name), nz(g->name)), "%s: tid %" PRId64 " fd %" PRId64 ": '%s' != '%s'",
				      what, tid, f->fd, nz(f->name), nz(g->name));
		}
		if (f->type == SCAP_FD_FILE)
			ck_assert_msg(f->open_flags == g->open_flags, "%s: fd %" PRId64 " flags %u != %u", what, f->fd,
				      f->open_flags, g->open_flags);
	}
	ck_assert_msg(na == b->nfds, "%s: tid %" PRId64 ": %u fds, read back %u", what, tid, na, b->nfds);
}

static void compare_bytes(const char *a, uint32_t la, const char *b, uint32_t lb, const char *what,
			  const char *field, int64_t tid)
{
	if (!a)
		la = 0;
	if (!b)
		lb = 0;
	ck_assert_msg(la == lb && (!la || !memcmp(a, b, la)), "%s: tid %" PRId64 " %s differs (%u vs %u bytes)", what,
		      tid, field, la, lb);
}

/* Every thread of a that is written is in b, with the same fields and fds;
 * b has nothing else. Returns the number of threads compared. */
static size_t compare_state(const sinsp_t *a, const sinsp_t *b, const char *what)
{
	const struct sinsp_thread *t, *tmp;
	size_t n = 0;

	HASH_ITER(hh, a->threads, t, tmp) {
		if (!dumped(a, t))
			continue;
		n++;
		const struct sinsp_thread *u = (const struct sinsp_thread *)sinsp_find_thread(b, t->tid);
		ck_assert_msg(u != NULL, "%s: thread %" PRId64 " (%s) not read back", what, t->tid, t->comm);
#define EQ(f) ck_assert_msg(t->f == u->f, "%s: tid %" PRId64 " " #f ": %" PRId64 " != %" PRId64, what, t->tid, \
			    (int64_t)t->f, (int64_t)u->f)
		EQ(pid); EQ(ptid); EQ(sid); EQ(vpgid); EQ(pgid); EQ(vtid); EQ(vpid);
		EQ(uid); EQ(gid); EQ(loginuid); EQ(tty); EQ(cap_inh); EQ(cap_perm); EQ(cap_eff);
#undef EQ
		ck_assert_msg(!strcmp(t->comm, u->comm), "%s: tid %" PRId64 " comm '%s' != '%s'", what, t->tid, t->comm,
			      u->comm);
		ck_assert_msg(u->p != NULL, "%s: tid %" PRId64 ": no process", what, t->tid);
		if (!t->p)
			continue;
		const struct sproc *p = t->p, *q = u->p;
		ck_assert_msg(!strcmp(nz(p->exe), nz(q->exe)), "%s: tid %" PRId64 " exe '%s' != '%s'", what, t->tid,
			      nz(p->exe), nz(q->exe));
		ck_assert_msg(!strcmp(nz(p->exepath), nz(q->exepath)), "%s: tid %" PRId64 " exepath", what, t->tid);
		ck_assert_msg(!strcmp(nz(p->cwd), nz(q->cwd)), "%s: tid %" PRId64 " cwd '%s' != '%s'", what, t->tid,
			      nz(p->cwd), nz(q->cwd));
		compare_bytes(p->args, p->args_len, q->args, q->args_len, what, "args", t->tid);
		compare_bytes(p->env, p->env_len, q->env, q->env_len, what, "env", t->tid);
		compare_bytes(p->cgroups, p->cgroups_len, q->cgroups, q->cgroups_len, what, "cgroups", t->tid);
		ck_assert(p->pidns_start == q->pidns_start && p->exe_ino_ctime == q->exe_ino_ctime &&
			  p->exe_ino_mtime == q->exe_ino_mtime && p->exe_upper_layer == q->exe_upper_layer);
		/* threads of a process share it in both */
		const struct sinsp_thread *ma = (const struct sinsp_thread *)sinsp_find_thread(a, t->pid);
		const struct sinsp_thread *mb = (const struct sinsp_thread *)sinsp_find_thread(b, t->pid);
		if (ma && ma != t && ma->p == p && dumped(a, ma))
			ck_assert_msg(mb && mb->p == q, "%s: tid %" PRId64 " no longer shares its process", what, t->tid);
		compare_fds(a, p, q, what, t->tid);
	}
	ck_assert_msg(b->nthreads == n, "%s: %zu threads written, %" PRIu64 " read back", what, n, b->nthreads);
	/* users and groups */
	const struct suser *us, *utmp;
	size_t nu = 0, ng = 0;
	HASH_ITER(hh, a->users, us, utmp) {
		const struct suser *v;
		HASH_FIND(hh, b->users, &us->id, sizeof(us->id), v);
		ck_assert_msg(v && !strcmp(nz(us->name), nz(v->name)) && !strcmp(nz(us->home), nz(v->home)) &&
				      !strcmp(nz(us->shell), nz(v->shell)),
			      "%s: user %u", what, us->id);
		nu++;
	}
	HASH_ITER(hh, a->groups, us, utmp) {
		const struct suser *v;
		HASH_FIND(hh, b->groups, &us->id, sizeof(us->id), v);
		ck_assert_msg(v && !strcmp(nz(us->name), nz(v->name)), "%s: group %u", what, us->id);
		ng++;
	}
	ck_assert_uint_eq(HASH_COUNT(b->users), nu);
	ck_assert_uint_eq(HASH_COUNT(b->groups), ng);
	return n;
}

/* The thread and fd of two events are the same. fd_too: compare the fds
 * (not for an exit event whose enter event was before the dump: an old
 * capture's exit may take its fd from the enter event, which the written
 * file does not have). */
static void compare_event(const sinsp_evt_t *ea, const sinsp_evt_t *eb, const char *what, uint64_t n, bool fd_too)
{
	const scap_evt_t *a = sinsp_evt_scap(ea), *b = sinsp_evt_scap(eb);
	ck_assert_uint_eq(scap_evt_ts(a), scap_evt_ts(b));
	ck_assert_uint_eq(scap_evt_type(a), scap_evt_type(b));
	const sinsp_thread_t *ta = sinsp_evt_thread(ea), *tb = sinsp_evt_thread(eb);
	ck_assert_msg((ta == NULL) == (tb == NULL), "%s: event %" PRIu64 ": thread presence", what, n);
	if (ta) {
		ck_assert_msg(sinsp_thread_is_placeholder(ta) == sinsp_thread_is_placeholder(tb),
			      "%s: event %" PRIu64 " tid %" PRId64 ": placeholder %d vs %d", what, n, sinsp_thread_tid(ta),
			      sinsp_thread_is_placeholder(ta), sinsp_thread_is_placeholder(tb));
		ck_assert_int_eq(sinsp_thread_pid(ta), sinsp_thread_pid(tb));
		ck_assert_int_eq(sinsp_thread_ptid(ta), sinsp_thread_ptid(tb));
		ck_assert_str_eq(sinsp_thread_comm(ta), sinsp_thread_comm(tb));
		ck_assert_str_eq(sinsp_thread_exe(ta), sinsp_thread_exe(tb));
		ck_assert_str_eq(sinsp_thread_exepath(ta), sinsp_thread_exepath(tb));
		ck_assert_msg(!strcmp(sinsp_thread_cwd(ta), sinsp_thread_cwd(tb)), "%s: event %" PRIu64 " cwd", what, n);
		size_t la, lb;
		const char *aa = sinsp_thread_args(ta, &la), *ab = sinsp_thread_args(tb, &lb);
		ck_assert(la == lb && !memcmp(aa, ab, la));
		ck_assert_uint_eq(sinsp_thread_uid(ta), sinsp_thread_uid(tb));
		ck_assert_uint_eq(sinsp_thread_gid(ta), sinsp_thread_gid(tb));
	}
	if (!fd_too)
		return;
	ck_assert_msg(sinsp_evt_fdnum(ea) == sinsp_evt_fdnum(eb), "%s: event %" PRIu64 " (%s, tid %" PRId64 "): fd %" PRId64
		      " vs %" PRId64, what, n, scap_event_name(scap_evt_type(a)), scap_evt_tid(a), sinsp_evt_fdnum(ea),
		      sinsp_evt_fdnum(eb));
	const sinsp_fd_t *fa = sinsp_evt_fd(ea), *fb = sinsp_evt_fd(eb);
	ck_assert_msg((fa == NULL) == (fb == NULL), "%s: event %" PRIu64 ": fd presence", what, n);
	if (fa && (fa->name_len || !is_ip(fa->type)))
		ck_assert_msg(!strcmp(sinsp_fd_name(fa), sinsp_fd_name(fb)), "%s: event %" PRIu64 ": fd '%s' vs '%s'", what,
			      n, sinsp_fd_name(fa), sinsp_fd_name(fb));
}

/* Read `at` events of the capture through sinsp, dump the state, write the
 * rest of the events; read the file back: its start has the state at dump
 * time, and every later event has the same thread and fd as in the
 * original. Returns the number of written threads the input's process list
 * did not have. */
static size_t dump_at(const char *src, uint64_t at, const char *what)
{
	char errbuf[SCAP_ERRBUF_SIZE], dst[4096];
	const sinsp_evt_t *e, *eb;
	sinsp_t *s = open_sinsp(src);
	uint64_t n = 0;
	int rc;

	snprintf(dst, sizeof(dst), "%s", tu_tmpfile(".scap"));
	while (n < at && (rc = sinsp_next(s, &e)) == SINSP_OK)
		n++;
	struct scap_dump_opts o = SCAP_DUMP_OPTS_INIT;
	o.gzip_level = (int)(at & 1); /* both outputs */

	/* the start of a file is the state now */
	scap_dumper_t *d = sinsp_dump_open(s, dst, &o, errbuf);
	ck_assert_msg(d != NULL, "%s: %s", what, errbuf);
	ck_assert_msg(scap_dump_close(d, errbuf) == SCAP_OK, "%s", errbuf);
	sinsp_t *b = open_sinsp(dst);
	compare_state(s, b, what);
	sinsp_close(b);
	size_t nctr = sinsp_containers_count(s->containers); /* written as container events first */
	d = sinsp_dump_open(s, dst, &o, errbuf); /* again, for the rest of the stream */
	ck_assert_msg(d != NULL, "%s: %s", what, errbuf);

	/* new threads: written although the input's list lacks them */
	scap_t *in = open_file(src);
	size_t fresh = 0;
	const struct sinsp_thread *t, *tmp;
	HASH_ITER(hh, s->threads, t, tmp)
		if (dumped(s, t) && !scap_proc_find(in, t->tid))
			fresh++;
	scap_close(in);

	/* the rest of the stream */
	while ((rc = sinsp_next(s, &e)) == SINSP_OK)
		ck_assert_int_eq(scap_dump_write(d, sinsp_evt_scap(e)), SCAP_OK);
	ck_assert_int_eq(rc, SINSP_EOF);
	ck_assert_msg(scap_dump_close(d, errbuf) == SCAP_OK, "%s", errbuf);
	sinsp_close(s);

	/* replay: the original from event `at` against the written file */
	s = open_sinsp(src);
	for (n = 0; n < at; n++)
		ck_assert_int_eq(sinsp_next(s, &e), SINSP_OK);
	b = open_sinsp(dst);
	/* the file starts with the containers known at the dump */
	for (size_t k = 0; k < nctr; k++) {
		ck_assert_int_eq(sinsp_next(b, &eb), SINSP_OK);
		ck_assert_msg(scap_evt_type(sinsp_evt_scap(eb)) == 324, "%s: event %zu of the written file is not a container event",
			      what, k + 1);
	}
	ck_assert_uint_eq(sinsp_containers_count(b->containers), nctr);
	int64_t *seen = NULL; /* threads with an event since the dump */
	size_t nseen = 0;
	for (;;) {
		int ra = sinsp_next(s, &e), rb = sinsp_next(b, &eb);
		ck_assert_int_eq(ra, rb);
		if (ra != SINSP_OK)
			break;
		int64_t tid = scap_evt_tid(sinsp_evt_scap(e));
		bool known = false;
		for (size_t k = 0; k < nseen && !known; k++)
			known = seen[k] == tid;
		if (!known) {
			seen = realloc(seen, (nseen + 1) * sizeof(*seen));
			ck_assert_ptr_nonnull(seen);
			seen[nseen++] = tid;
		}
		compare_event(e, eb, what, ++n, known || scap_event_direction(scap_evt_type(sinsp_evt_scap(e))) == SCAP_DIR_ENTER);
	}
	free(seen);
	sinsp_close(s);
	sinsp_close(b);
	unlink(dst);
	return fresh;
}

START_TEST(test_dump_midstream)
{
	const char *p = tu_shared_capture(CAPS[_i]);
	char src[4096], what[512];
	if (!p)
		return;
	snprintf(src, sizeof(src), "%s", p);
	uint64_t total = count_events(src);
	uint64_t points[] = {0, 1, total / 3, total / 2, total - 1, total};
	size_t fresh_max = 0;
	for (size_t k = 0; k < sizeof(points) / sizeof(points[0]); k++) {
		snprintf(what, sizeof(what), "%s after %" PRIu64 " of %" PRIu64 " events", CAPS[_i], points[k], total);
		size_t fresh = dump_at(src, points[k], what);
		if (points[k] == 0)
			ck_assert_uint_eq(fresh, 0);
		if (fresh > fresh_max)
			fresh_max = fresh;

	}
	/* threads cloned in the stream are written (the only capture that clones) */
	if (!strcmp(CAPS[_i], "libs_curl_google.scap"))
		ck_assert_msg(fresh_max > 0, "%s: no thread created in the stream was written", CAPS[_i]);
}
END_TEST

/* ---- threads and fds created by the stream ---- */



/* clone< (223), parent side: res = the child's tid */
static void clone_x(sg_buf *b, uint64_t ts, int64_t parent, int64_t child, uint32_t flags)
{
	static uint64_t v[12];
	static uint32_t u[4];
	struct sg_param p[21];
	sg_param_u64(&p[0], &v[0], (uint64_t)child);
	sg_param_str(&p[1], "/bin/bash");
	p[2] = (struct sg_param){"-l", 3};
	sg_param_u64(&p[3], &v[1], (uint64_t)parent);
	sg_param_u64(&p[4], &v[2], (uint64_t)parent);
	sg_param_u64(&p[5], &v[3], 1);
	sg_param_str(&p[6], "/home/u");
	for (int i = 7; i < 10; i++)
		sg_param_u64(&p[i], &v[i - 3], 0);
	u[0] = 0;
	for (int i = 10; i < 13; i++)
		p[i] = (struct sg_param){&u[0], 4};
	sg_param_str(&p[13], "bash");
	p[14] = (struct sg_param){"cpu=/\0memory=/user", 19};
	u[1] = flags;
	p[15] = (struct sg_param){&u[1], 4};
	u[2] = 1000;
	p[16] = (struct sg_param){&u[2], 4};
	p[17] = (struct sg_param){&u[2], 4};
	sg_param_u64(&p[18], &v[8], (uint64_t)child);
	sg_param_u64(&p[19], &v[9], (uint64_t)child);
	sg_param_u64(&p[20], &v[10], 0);
	sg_ev_v2(b, 0, ts, parent, 223, 21, p, 0);
}


/* openat< (307): fd, dirfd, name, flags, mode, dev, ino */
static void openat_x(sg_buf *b, uint64_t ts, int64_t tid, int64_t fd, const char *name, uint32_t flags)
{
	static int64_t v[2];
	static uint32_t u[3];
	static uint64_t ino;
	struct sg_param p[7];
	v[0] = fd;
	v[1] = -100;
	p[0] = (struct sg_param){&v[0], 8};
	p[1] = (struct sg_param){&v[1], 8};
	sg_param_str(&p[2], name);
	u[0] = flags;
	u[1] = 0;
	u[2] = 0x803;
	ino = 4242;
	p[3] = (struct sg_param){&u[0], 4};
	p[4] = (struct sg_param){&u[1], 4};
	p[5] = (struct sg_param){&u[2], 4};
	p[6] = (struct sg_param){&ino, 8};
	sg_ev_v2(b, 0, ts, tid, 307, 7, p, 0);
}

/* A process list with bash (100), then: bash clones a process (101) and a
 * thread (102); 101 execs curl and opens a file relative to its new cwd;
 * bash opens a directory. Dumped at the end, everything is there. */
START_TEST(test_dump_stream_state)
{
	char errbuf[SCAP_ERRBUF_SIZE], src[4096], dst[4096];
	sg_buf b, body;
	uint64_t ts = 1000;

	sg_init(&b);
	sg_shb(&b, 1, 2);
	sg_mi(&b, 2, 1 << 30, 32768, "synth", 1);
	sg_init(&body);
	struct sg_proc bash = {.tid = 100, .pid = 100, .ptid = 1, .comm = "bash", .exe = "/bin/bash", .args = "-l",
			       .cwd = "/home/u", .uid = 1000, .gid = 1000};
	sg_pl_v9_entry(&body, &bash);
	sg_block(&b, SG_PL_V9, body.p, body.len);
	sg_free(&body);
	sg_init(&body);
	sg_u64(&body, 100);
	sg_fdl_v2_file(&body, 3, 77, "/var/log/bash.log");
	sg_block(&b, SG_FDL_V2, body.p, body.len);
	sg_free(&body);
	clone_x(&b, ts++, 100, 101, 0);
	clone_x(&b, ts++, 100, 102, (1u << 13) | 1u); /* CLONE_THREAD|CLONE_FILES */
	sg_execve_x(&b, ts++, 101, 100, "curl", "curl", "-6\0http://example.com", 22, "/srv", "cpu=/\0memory=/user", 19);
	openat_x(&b, ts++, 101, 5, "out.html", 1 | (1u << 2)); /* O_RDONLY|O_CREAT */
	openat_x(&b, ts++, 100, 4, "/etc", 1 | (1u << 10));    /* O_DIRECTORY */
	snprintf(src, sizeof(src), "%s", tu_tmpfile(".scap"));
	ck_assert_int_eq(tu_write_file(src, b.p, b.len), 0);
	sg_free(&b);

	sinsp_t *s = open_sinsp(src);
	const sinsp_evt_t *e;
	int rc;
	while ((rc = sinsp_next(s, &e)) == SINSP_OK)
		;
	ck_assert_int_eq(rc, SINSP_EOF);
	snprintf(dst, sizeof(dst), "%s", tu_tmpfile(".scap"));
	scap_dumper_t *d = sinsp_dump_open(s, dst, NULL, errbuf);
	ck_assert_msg(d != NULL, "%s", errbuf);
	ck_assert_int_eq(scap_dump_close(d, errbuf), SCAP_OK);
	sinsp_t *r = open_sinsp(dst);
	ck_assert_uint_eq(compare_state(s, r, "stream"), 3);
	const sinsp_thread_t *t = sinsp_find_thread(r, 101);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(sinsp_thread_comm(t), "curl");
	ck_assert_str_eq(sinsp_thread_exe(t), "curl");
	ck_assert_str_eq(sinsp_thread_cwd(t), "/home/u/"); /* the parent's: execve's cwd is ignored, as upstream */
	ck_assert_int_eq(sinsp_thread_ptid(t), 100);
	size_t len;
	const char *args = sinsp_thread_args(t, &len);
	ck_assert(len == 22 && !memcmp(args, "-6\0http://example.com", 22));
	ck_assert_str_eq(sinsp_fd_name(sinsp_find_fd(r, 101, 5)), "/home/u/out.html"); /* the parent's cwd */
	ck_assert_str_eq(sinsp_fd_name(sinsp_find_fd(r, 101, 3)), "/var/log/bash.log"); /* inherited */
	ck_assert_str_eq(sinsp_fd_name(sinsp_find_fd(r, 102, 4)), "/etc");              /* shared */
	ck_assert_int_eq(sinsp_fd_type(sinsp_find_fd(r, 100, 4)), SCAP_FD_DIRECTORY);
	ck_assert_int_eq(sinsp_thread_pid(sinsp_find_thread(r, 102)), 100);
	sinsp_close(r);
	/* libscap's view: 101's fds under 101, 100's under 100 (102 shares them) */
	scap_t *h = open_file(dst);
	ck_assert_uint_eq(scap_proc_count(h), 3);
	ck_assert_int_eq(scap_tinfo_int(scap_proc_find(h, 102), SCAP_TI_FLAGS), (1 << 13) | 1);
	struct scap_machine_info mi = {.sz = sizeof(mi)};
	ck_assert_int_eq(scap_get_machine_info(h, &mi), SCAP_OK);
	ck_assert_str_eq(mi.hostname, "synth");
	for (size_t k = 0; k < scap_fd_count(h); k++) {
		const scap_fdinfo_t *f = scap_fd_at(h, k);
		ck_assert_int_ne(scap_fdinfo_int(f, SCAP_FDI_TID), 102);
		if (scap_fdinfo_int(f, SCAP_FDI_FD) == 5) {
			ck_assert_int_eq(scap_fdinfo_int(f, SCAP_FDI_TYPE), SCAP_FD_FILE_V2);
			ck_assert_int_eq(scap_fdinfo_int(f, SCAP_FDI_OPEN_FLAGS), 1 | (1 << 2));
			ck_assert_int_eq(scap_fdinfo_int(f, SCAP_FDI_INO), 4242);
		}
	}
	ck_assert_uint_eq(scap_fd_count(h), 4); /* 100: 3, 4; 101: 3 (copied at the clone), 5 */
	scap_close(h);
	sinsp_close(s);
	unlink(src);
	unlink(dst);
}
END_TEST

/* ---- synthetic tables through the builder ---- */

#define NTHREADS 5000

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);
	ck_assert_ptr_nonnull(s);
	memset(s, c, n);
	s[n] = 0;
	return s;
}

/* One fd of each kind for thread 1000 (and a FILE_V2 one per thread). */
static void add_fds(scap_meta_t *m)
{
	static const uint8_t a4[4] = {10, 0, 0, 1}, b4[4] = {192, 168, 1, 2};
	static const uint8_t a6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1}, b6[16] = {[15] = 1};
	size_t i;

	ck_assert_int_eq(scap_meta_add_fd(m, 1000, 3, SCAP_FD_IPV4_SOCK, &i), SCAP_OK);
	ck_assert_int_eq(scap_meta_fd_set_bytes(m, i, SCAP_FDI_SIP, a4, 4), SCAP_OK);
	ck_assert_int_eq(scap_meta_fd_set_bytes(m, i, SCAP_FDI_DIP, b4, 4), SCAP_OK);
	ck_assert_int_eq(scap_meta_fd_set_int(m, i, SCAP_FDI_SPORT, 40000), SCAP_OK);
	ck_assert_int_eq(scap_meta_fd_set_int(m, i, SCAP_FDI_DPORT, 80), SCAP_OK);
	ck_assert_int_eq(scap_meta_fd_set_int(m, i, SCAP_FDI_L4PROTO, 2), SCAP_OK);
	ck_assert_int_eq(scap_meta_add_fd(m, 1000, 4, SCAP_FD_IPV6_SOCK, &i), SCAP_OK);
	ck_assert_int_eq(scap_meta_fd_set_bytes(m, i, SCAP_FDI_SIP, a6, 16), SCAP_OK);
	ck_assert_int_eq(scap_meta_fd_set_bytes(m, i, SCAP_FDI_DIP, b6, 16), SCAP_OK);
	ck_assert_int_eq(scap_meta_fd_set_int(m, i, SCAP_FDI_SPORT, 1234), SCAP_OK);
	ck_assert_int_eq(scap_meta_fd_set_int(m, i, SCAP_FDI_DPORT, 443), SCAP_OK);
	ck_assert_int_eq(scap_meta_fd_set_int(m, i, SCAP_FDI_L4PROTO, 3), SCAP_OK);
	ck_assert_int_eq(scap_meta_add_fd(m, 1000, 5, SCAP_FD_IPV4_SERVSOCK, &i), SCAP_OK);
	ck_assert_int_eq(scap_meta_fd_set_bytes(m, i, SCAP_FDI_SIP, a4, 4), SCAP_OK);
	ck_assert_int_eq(scap_meta_fd_set_int(m, i, SCAP_FDI_SPORT, 8080), SCAP_OK);
	ck_assert_int_eq(scap_meta_fd_set_int(m, i, SCAP_FDI_L4PROTO, 2), SCAP_OK);
	ck_assert_int_eq(scap_meta_add_fd(m, 1000, 6, SCAP_FD_IPV6_SERVSOCK, &i), SCAP_OK);
	ck_assert_int_eq(scap_meta_fd_set_bytes(m, i, SCAP_FDI_SIP, a6, 16), SCAP_OK);
	ck_assert_int_eq(scap_meta_fd_set_int(m, i, SCAP_FDI_SPORT, 8443), SCAP_OK);
	ck_assert_int_eq(scap_meta_fd_set_int(m, i, SCAP_FDI_L4PROTO, 2), SCAP_OK);
	ck_assert_int_eq(scap_meta_add_fd(m, 1000, 7, SCAP_FD_UNIX_SOCK, &i), SCAP_OK);
	ck_assert_int_eq(scap_meta_fd_set_int(m, i, SCAP_FDI_UNIX_SOURCE, (int64_t)0xffff8880deadbeefull), SCAP_OK);
	ck_assert_int_eq(scap_meta_fd_set_int(m, i, SCAP_FDI_UNIX_DEST, 0x1234), SCAP_OK);
	ck_assert_int_eq(scap_meta_fd_set_bytes(m, i, SCAP_FDI_NAME, "/run/x.sock", 11), SCAP_OK);
	ck_assert_int_eq(scap_meta_add_fd(m, 1000, 8, SCAP_FD_FILE, &i), SCAP_OK);
	ck_assert_int_eq(scap_meta_fd_set_bytes(m, i, SCAP_FDI_NAME, "/old/file", 9), SCAP_OK);
	ck_assert_int_eq(scap_meta_add_fd(m, 1000, 9, SCAP_FD_DIRECTORY, &i), SCAP_OK);
	ck_assert_int_eq(scap_meta_fd_set_bytes(m, i, SCAP_FDI_NAME, "/tmp", 4), SCAP_OK);
	/* every other kind: a name */
	static const enum scap_fd_type named[] = {
		SCAP_FD_FIFO, SCAP_FD_EVENT, SCAP_FD_UNSUPPORTED, SCAP_FD_SIGNALFD, SCAP_FD_EVENTPOLL, SCAP_FD_INOTIFY,
		SCAP_FD_TIMERFD, SCAP_FD_NETLINK, SCAP_FD_BPF, SCAP_FD_USERFAULTFD, SCAP_FD_IOURING, SCAP_FD_MEMFD,
		SCAP_FD_PIDFD,
	};
	for (size_t k = 0; k < sizeof(named) / sizeof(named[0]); k++) {
		char name[32];
		int n = snprintf(name, sizeof(name), "kind-%d", (int)named[k]);
		ck_assert_int_eq(scap_meta_add_fd(m, 1000, 10 + (int64_t)k, named[k], &i), SCAP_OK);
		ck_assert_int_eq(scap_meta_fd_set_bytes(m, i, SCAP_FDI_NAME, name, (size_t)n), SCAP_OK);
		ck_assert_int_eq(scap_meta_fd_set_int(m, i, SCAP_FDI_INO, 100 + (int64_t)k), SCAP_OK);
	}
	/* a long name, cut at 1023 */
	char *longname = repeat('n', 3000);
	longname[0] = '/';
	ck_assert_int_eq(scap_meta_add_fd(m, 1000, 99, SCAP_FD_FILE_V2, &i), SCAP_OK);
	ck_assert_int_eq(scap_meta_fd_set_bytes(m, i, SCAP_FDI_NAME, longname, 3000), SCAP_OK);
	ck_assert_int_eq(scap_meta_fd_set_int(m, i, SCAP_FDI_OPEN_FLAGS, 0x41), SCAP_OK);
	ck_assert_int_eq(scap_meta_fd_set_int(m, i, SCAP_FDI_DEV, 0x803), SCAP_OK);
	free(longname);
	for (int64_t k = 0; k < NTHREADS; k++) {
		char name[32];
		int n = snprintf(name, sizeof(name), "/f/%" PRId64, k);
		ck_assert_int_eq(scap_meta_add_fd(m, 2000 + k, 0, SCAP_FD_FILE_V2, &i), SCAP_OK);
		ck_assert_int_eq(scap_meta_fd_set_bytes(m, i, SCAP_FDI_NAME, name, (size_t)n), SCAP_OK);
		ck_assert_int_eq(scap_meta_fd_set_int(m, i, SCAP_FDI_OPEN_FLAGS, 1), SCAP_OK);
	}
}

static scap_meta_t *synth_meta(void)
{
	scap_meta_t *m = scap_meta_new(0);
	char *l2000 = repeat('x', 2000), *l9000 = repeat('a', 9000);
	size_t i;

	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(scap_meta_add_user(m, 0, 0, "root", "/root", "/bin/bash"), SCAP_OK);
	ck_assert_int_eq(scap_meta_add_user(m, 1000, 100, l2000, NULL, ""), SCAP_OK); /* cut at 255 */
	ck_assert_int_eq(scap_meta_add_group(m, 0, "root"), SCAP_OK);
	ck_assert_int_eq(scap_meta_add_group(m, 100, "users"), SCAP_OK);
	/* thread 1000: every field, long strings */
	ck_assert_int_eq(scap_meta_add_thread(m, 1000, &i), SCAP_OK);
	for (int f = SCAP_TI_PID; f < SCAP_TI_COMM; f++)
		ck_assert_int_eq(scap_meta_thread_set_int(m, i, f, 1000 + f), SCAP_OK);
	ck_assert_int_eq(scap_meta_thread_set_int(m, i, SCAP_TI_PID, 1000), SCAP_OK);
	ck_assert_int_eq(scap_meta_thread_set_int(m, i, SCAP_TI_EXE_WRITABLE, 1), SCAP_OK);
	ck_assert_int_eq(scap_meta_thread_set_int(m, i, SCAP_TI_EXE_UPPER_LAYER, 1), SCAP_OK);
	ck_assert_int_eq(scap_meta_thread_set_int(m, i, SCAP_TI_EXE_FROM_MEMFD, 0), SCAP_OK);
	ck_assert_int_eq(scap_meta_thread_set_int(m, i, SCAP_TI_EXE_LOWER_LAYER, 1), SCAP_OK);
	ck_assert_int_eq(scap_meta_thread_set_str(m, i, SCAP_TI_COMM, "synth", 5), SCAP_OK);
	ck_assert_int_eq(scap_meta_thread_set_str(m, i, SCAP_TI_EXE, l2000, 2000), SCAP_OK);
	ck_assert_int_eq(scap_meta_thread_set_str(m, i, SCAP_TI_EXEPATH, "/usr/bin/synth", 14), SCAP_OK);
	ck_assert_int_eq(scap_meta_thread_set_str(m, i, SCAP_TI_ARGS, l9000, 9000), SCAP_OK);
	ck_assert_int_eq(scap_meta_thread_set_str(m, i, SCAP_TI_CWD, "/home/u", 7), SCAP_OK);
	ck_assert_int_eq(scap_meta_thread_set_str(m, i, SCAP_TI_ENV, "A=1\0B=2", 7), SCAP_OK);
	ck_assert_int_eq(
		scap_meta_thread_set_str(m, i, SCAP_TI_CGROUPS, "cpu=/docker/0123456789abcdef0123\0memory=/", 41),
		SCAP_OK);
	ck_assert_int_eq(scap_meta_thread_set_str(m, i, SCAP_TI_ROOT, "/", 1), SCAP_OK);
	/* many threads, some of them threads of 1000 */
	for (int64_t k = 0; k < NTHREADS; k++) {
		char comm[16];
		int n = snprintf(comm, sizeof(comm), "t%" PRId64, k);
		ck_assert_int_eq(scap_meta_add_thread(m, 2000 + k, &i), SCAP_OK);
		ck_assert_int_eq(scap_meta_thread_set_int(m, i, SCAP_TI_PTID, 1000), SCAP_OK);
		ck_assert_int_eq(scap_meta_thread_set_str(m, i, SCAP_TI_COMM, comm, (size_t)n), SCAP_OK);
		ck_assert_int_eq(scap_meta_thread_set_str(m, i, SCAP_TI_EXE, "/bin/t", 6), SCAP_OK);
		ck_assert_int_eq(scap_meta_thread_set_str(m, i, SCAP_TI_ARGS, "-x\0-y", 6), SCAP_OK);
	}
	ck_assert_int_eq(scap_meta_add_thread(m, 1001, &i), SCAP_OK);
	ck_assert_int_eq(scap_meta_thread_set_int(m, i, SCAP_TI_PID, 1000), SCAP_OK);
	ck_assert_int_eq(scap_meta_thread_set_str(m, i, SCAP_TI_COMM, "worker", 6), SCAP_OK);
	add_fds(m);
	free(l2000);
	free(l9000);
	return m;
}

START_TEST(test_builder_synthetic)
{
	char errbuf[SCAP_ERRBUF_SIZE], path[4096], path2[4096];
	scap_meta_t *m = synth_meta();

	snprintf(path, sizeof(path), "%s", tu_tmpfile(".scap"));
	scap_dumper_t *d = scap_dump_open_meta(NULL, path, NULL, m, errbuf);
	ck_assert_msg(d != NULL, "%s", errbuf);
	scap_meta_free(m); /* the dumper does not keep it */
	ck_assert_int_eq(scap_dump_close(d, errbuf), SCAP_OK);

	/* libscap reads every field back */
	scap_t *h = open_file(path);
	struct scap_machine_info mi = {.sz = sizeof(mi)};
	ck_assert_int_eq(scap_get_machine_info(h, &mi), SCAP_ERR_NOTSUP); /* h was NULL */
	ck_assert_uint_eq(scap_proc_count(h), NTHREADS + 2);
	const scap_tinfo_t *t = scap_proc_find(h, 1000);
	ck_assert_ptr_nonnull(t);
	for (int f = SCAP_TI_PTID; f < SCAP_TI_COMM; f++) {
		int64_t want = 1000 + f;
		if (f == SCAP_TI_EXE_WRITABLE || f == SCAP_TI_EXE_UPPER_LAYER || f == SCAP_TI_EXE_LOWER_LAYER)
			want = 1;
		else if (f == SCAP_TI_EXE_FROM_MEMFD)
			want = 0;
		ck_assert_msg(scap_tinfo_int(t, f) == want, "field %s: %" PRId64, scap_tinfo_field_name(f),
			      scap_tinfo_int(t, f));
	}
	size_t len;
	const char *v = scap_tinfo_str(t, SCAP_TI_EXE, &len);
	ck_assert_uint_eq(len, 1024);
	ck_assert_int_eq(v[1023], 'x');
	scap_tinfo_str(t, SCAP_TI_ARGS, &len);
	ck_assert_uint_eq(len, 4096);
	v = scap_tinfo_str(t, SCAP_TI_ENV, &len);
	ck_assert(len == 7 && !memcmp(v, "A=1\0B=2", 7));
	t = scap_proc_find(h, 2000 + NTHREADS - 1);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(scap_tinfo_int(t, SCAP_TI_PID), 2000 + NTHREADS - 1); /* the default */
	ck_assert_int_eq(scap_tinfo_int(t, SCAP_TI_SID), -1);
	ck_assert_int_eq(scap_tinfo_int(t, SCAP_TI_LOGINUID), (int64_t)UINT32_MAX);
	ck_assert_uint_eq(scap_user_count(h), 2);
	ck_assert_uint_eq(strlen(scap_user_name(scap_user_at(h, 1))), 255);
	ck_assert_uint_eq(scap_user_gid(scap_user_at(h, 1)), 100);
	ck_assert_uint_eq(scap_group_count(h), 2);
	ck_assert_uint_eq(scap_fd_count(h), 21 + NTHREADS);
	bool seen[SCAP_FD_TYPE_MAX] = {false};
	for (size_t k = 0; k < scap_fd_count(h); k++) {
		const scap_fdinfo_t *f = scap_fd_at(h, k);
		enum scap_fd_type ty = (enum scap_fd_type)scap_fdinfo_int(f, SCAP_FDI_TYPE);
		seen[ty] = true;
		if (ty == SCAP_FD_UNIX_SOCK) {
			ck_assert_uint_eq((uint64_t)scap_fdinfo_int(f, SCAP_FDI_UNIX_SOURCE), 0xffff8880deadbeefull);
			ck_assert_int_eq(scap_fdinfo_int(f, SCAP_FDI_UNIX_DEST), 0x1234);
		}
		if (scap_fdinfo_int(f, SCAP_FDI_FD) == 99) {
			scap_fdinfo_bytes(f, SCAP_FDI_NAME, &len);
			ck_assert_uint_eq(len, 1023);
			ck_assert_int_eq(scap_fdinfo_int(f, SCAP_FDI_DEV), 0x803);
			ck_assert_int_eq(scap_fdinfo_int(f, SCAP_FDI_OPEN_FLAGS), 0x41);
		}
		if (ty == SCAP_FD_IPV6_SOCK) {
			ck_assert_int_eq(scap_fdinfo_int(f, SCAP_FDI_SPORT), 1234);
			ck_assert_int_eq(scap_fdinfo_int(f, SCAP_FDI_DPORT), 443);
			ck_assert_int_eq(scap_fdinfo_int(f, SCAP_FDI_L4PROTO), 3);
		}
	}
	for (int ty = SCAP_FD_FILE; ty < SCAP_FD_TYPE_MAX; ty++)
		ck_assert_msg(seen[ty], "no fd of type %s read back", scap_fd_type_name(ty));
	scap_close(h);

	/* sinsp reads it, dumps it, reads the dump: the same state */
	sinsp_t *s = open_sinsp(path);
	snprintf(path2, sizeof(path2), "%s", tu_tmpfile(".scap"));
	d = sinsp_dump_open(s, path2, NULL, errbuf);
	ck_assert_msg(d != NULL, "%s", errbuf);
	ck_assert_int_eq(scap_dump_close(d, errbuf), SCAP_OK);
	sinsp_t *b = open_sinsp(path2);
	ck_assert_uint_eq(compare_state(s, b, "synthetic"), NTHREADS + 2);
	const sinsp_fd_t *f = sinsp_find_fd(b, 1001, 3); /* thread 1001 shares 1000's fds */
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(sinsp_fd_name(f), "10.0.0.1:40000->192.168.1.2:80");
	ck_assert_str_eq(sinsp_fd_name(sinsp_find_fd(b, 1000, 6)), "2001:db8::1:8443");
	ck_assert_str_eq(sinsp_thread_container_id(sinsp_find_thread(b, 1000)), "host"); /* not resolved yet */
	sinsp_close(s);
	sinsp_close(b);
	/* and libscap sees the same tables in both files, but what sinsp does not keep */
	scap_t *h1 = open_file(path), *h2 = open_file(path2);
	ck_assert_uint_eq(scap_proc_count(h1), scap_proc_count(h2));
	ck_assert_uint_eq(scap_fd_count(h1), scap_fd_count(h2));
	for (size_t k = 0; k < scap_fd_count(h1); k++) {
		const scap_fdinfo_t *x = scap_fd_at(h1, k), *y = scap_fd_at(h2, k);
		for (int fld = SCAP_FDI_TID; fld < SCAP_FDI_NAME; fld++)
			ck_assert_msg(scap_fdinfo_int(x, fld) == scap_fdinfo_int(y, fld), "fd %zu field %d", k, fld);
	}
	scap_close(h1);
	scap_close(h2);
	unlink(path);
	unlink(path2);
}
END_TEST

/* ---- errors ---- */

START_TEST(test_builder_errors)
{
	char errbuf[SCAP_ERRBUF_SIZE];
	scap_meta_t *m = scap_meta_new(0);
	size_t i;

	ck_assert_int_eq(scap_meta_add_thread(NULL, 1, &i), SCAP_ERR_INVAL);
	ck_assert_int_eq(scap_meta_thread_set_int(m, 0, SCAP_TI_PID, 1), SCAP_ERR_INVAL);
	ck_assert_ptr_nonnull(strstr(scap_meta_geterr(m), "no thread 0"));
	ck_assert_int_eq(scap_meta_add_thread(m, 1, &i), SCAP_OK);
	ck_assert_int_eq(scap_meta_thread_set_int(m, i, SCAP_TI_COMM, 1), SCAP_ERR_INVAL);
	ck_assert_ptr_nonnull(strstr(scap_meta_geterr(m), "not an integer field"));
	ck_assert_int_eq(scap_meta_thread_set_str(m, i, SCAP_TI_PID, "x", 1), SCAP_ERR_INVAL);
	ck_assert_int_eq(scap_meta_thread_set_str(m, i, SCAP_TI_FIELD_MAX, "x", 1), SCAP_ERR_INVAL);
	ck_assert_int_eq(scap_meta_thread_set_str(m, i, SCAP_TI_COMM, NULL, 3), SCAP_ERR_INVAL);
	ck_assert_int_eq(scap_meta_thread_set_str(m, i, SCAP_TI_COMM, NULL, 0), SCAP_OK);
	ck_assert_int_eq(scap_meta_add_fd(m, 1, 3, SCAP_FD_TYPE_MAX, &i), SCAP_ERR_INVAL);
	ck_assert_ptr_nonnull(strstr(scap_meta_geterr(m), "unknown fd type"));
	ck_assert_int_eq(scap_meta_add_fd(m, 1, 3, SCAP_FD_IPV4_SOCK, &i), SCAP_OK);
	ck_assert_int_eq(scap_meta_fd_set_int(m, i, SCAP_FDI_SPORT, 65536), SCAP_ERR_INVAL);
	ck_assert_ptr_nonnull(strstr(scap_meta_geterr(m), "out of range"));
	ck_assert_int_eq(scap_meta_fd_set_int(m, i, SCAP_FDI_L4PROTO, -1), SCAP_ERR_INVAL);
	ck_assert_int_eq(scap_meta_fd_set_int(m, i, SCAP_FDI_TYPE, 99), SCAP_ERR_INVAL);
	ck_assert_int_eq(scap_meta_fd_set_int(m, i, SCAP_FDI_NAME, 1), SCAP_ERR_INVAL);
	ck_assert_int_eq(scap_meta_fd_set_int(m, i + 1, SCAP_FDI_FD, 1), SCAP_ERR_INVAL);
	ck_assert_int_eq(scap_meta_fd_set_bytes(m, i, SCAP_FDI_SIP, "12345", 5), SCAP_ERR_INVAL);
	ck_assert_int_eq(scap_meta_fd_set_bytes(m, i, SCAP_FDI_SIP, "1234", 4), SCAP_OK);
	ck_assert_int_eq(scap_meta_fd_set_bytes(m, i, SCAP_FDI_DIP, "0123456789abcdef", 16), SCAP_ERR_INVAL);
	ck_assert_int_eq(scap_meta_fd_set_bytes(m, i, SCAP_FDI_INO, "1234", 4), SCAP_ERR_INVAL);
	ck_assert_int_eq(scap_meta_fd_set_bytes(m, i, SCAP_FDI_NAME, NULL, 4), SCAP_ERR_INVAL);
	/* refused values are not sticky: the builder still writes */
	const char *path = tu_tmpfile(".scap");
	scap_dumper_t *d = scap_dump_open_meta(NULL, path, NULL, m, errbuf);
	ck_assert_msg(d != NULL, "%s", errbuf);
	ck_assert_int_eq(scap_dump_close(d, errbuf), SCAP_OK);
	unlink(path);
	scap_meta_free(m);
	scap_meta_free(NULL);
	ck_assert_str_eq(scap_meta_geterr(NULL), "no metadata builder");

	/* the budget: sticky, and the dump refuses an incomplete builder */
	m = scap_meta_new(100000);
	int rc = SCAP_OK;
	char big[1000];
	memset(big, 'b', sizeof(big));
	for (int k = 0; k < 10000 && rc == SCAP_OK; k++)
		if ((rc = scap_meta_add_thread(m, k, &i)) == SCAP_OK)
			rc = scap_meta_thread_set_str(m, i, SCAP_TI_CWD, big, sizeof(big));
	ck_assert_int_eq(rc, SCAP_ERR_NOMEM);
	ck_assert_ptr_nonnull(strstr(scap_meta_geterr(m), "budget of 100000 bytes"));
	ck_assert_uint_ge(scap_meta_bytes(m), 100000);
	ck_assert_int_eq(scap_meta_add_group(m, 1, "g"), SCAP_ERR_NOMEM);
	ck_assert_int_eq(scap_meta_add_user(m, 1, 1, "u", "/", "/bin/sh"), SCAP_ERR_NOMEM);
	ck_assert_int_eq(scap_meta_add_fd(m, 1, 1, SCAP_FD_FILE, NULL), SCAP_ERR_NOMEM);
	ck_assert_ptr_null(scap_dump_open_meta(NULL, path, NULL, m, errbuf));
	ck_assert_msg(strstr(errbuf, "scap_dump_open_meta: the metadata is incomplete") &&
			      strstr(errbuf, "budget"),
		      "%s", errbuf);
	ck_assert_int_eq(access(path, F_OK), -1); /* nothing created */
	scap_meta_free(m);
}
END_TEST

START_TEST(test_sinsp_dump_errors)
{
	const char *p = tu_shared_capture("libs_sample.scap");
	char errbuf[SCAP_ERRBUF_SIZE], src[4096];
	struct scap_dump_opts o = SCAP_DUMP_OPTS_INIT;

	ck_assert_ptr_null(sinsp_dump_open(NULL, "/tmp/x.scap", NULL, errbuf));
	ck_assert_ptr_nonnull(strstr(errbuf, "sinsp_dump_open: no sinsp handle"));
	ck_assert_ptr_null(sinsp_dump_open(NULL, "/tmp/x.scap", NULL, NULL)); /* errbuf may be NULL */
	if (!p)
		return;
	snprintf(src, sizeof(src), "%s", p);
	sinsp_t *s = open_sinsp(src);
	ck_assert_ptr_null(sinsp_dump_open(s, NULL, NULL, errbuf));
	ck_assert_str_eq(errbuf, "scap_dump_open_meta: no file name given");
	struct scap_dump_opts bad = {.sz = 2};
	ck_assert_ptr_null(sinsp_dump_open(s, "/tmp/x.scap", &bad, errbuf));
	ck_assert_ptr_nonnull(strstr(errbuf, "opts->sz too small"));
	o.gzip_level = 10;
	ck_assert_ptr_null(sinsp_dump_open(s, tu_tmpfile(".scap"), &o, errbuf));
	ck_assert_ptr_nonnull(strstr(errbuf, "gzip_level 10"));
	o.gzip_level = 0;
	ck_assert_ptr_null(sinsp_dump_open(s, "/nonexistent-scap-dir/x.scap", &o, errbuf));
	ck_assert_msg(strstr(errbuf, "/nonexistent-scap-dir/x.scap") && strstr(errbuf, strerror(ENOENT)), "%s",
		      errbuf);
	/* the budget */
	const char *path = tu_tmpfile(".scap");
	o.max_meta_bytes = 4096;
	ck_assert_ptr_null(sinsp_dump_open(s, path, &o, errbuf));
	ck_assert_msg(strstr(errbuf, "sinsp_dump_open: metadata budget of 4096 bytes exceeded"), "%s", errbuf);
	ck_assert_int_eq(access(path, F_OK), -1);
	/* an old opts size (no max_meta_bytes): the default budget */
	struct scap_dump_opts old = {.sz = offsetof(struct scap_dump_opts, max_meta_bytes)};
	scap_dumper_t *d = sinsp_dump_open(s, path, &old, errbuf);
	ck_assert_msg(d != NULL, "%s", errbuf);
	ck_assert_int_eq(scap_dump_close(d, errbuf), SCAP_OK);
	unlink(path);
	/* a full device: the metadata is buffered, the close says it */
	if (access("/dev/full", W_OK) == 0) {
		d = sinsp_dump_open(s, "/dev/full", NULL, errbuf);
		ck_assert_msg(d != NULL, "%s", errbuf);
		ck_assert_int_eq(scap_dump_close(d, errbuf), SCAP_ERR_IO);
		ck_assert_msg(strstr(errbuf, "/dev/full") && strstr(errbuf, strerror(ENOSPC)), "%s", errbuf);
	}
	sinsp_close(s);
}
END_TEST

void sinsp_dump_tcases(Suite *s)
{
	TCase *tc = tcase_create("sinsp_dump");
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, test_dump_midstream, 0, (int)N_CAPS);
	tcase_add_test(tc, test_dump_stream_state);
	tcase_add_test(tc, test_builder_synthetic);
	tcase_add_test(tc, test_builder_errors);
	tcase_add_test(tc, test_sinsp_dump_errors);
	suite_add_tcase(s, tc);
}

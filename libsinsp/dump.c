/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sinsp_dump_open(): a capture that starts with the state tables as they
 * are now (upstream's sinsp_dumper). The threads (not placeholders, not
 * exited), their processes' fds, the users and the groups go to a libscap
 * metadata builder; the machine info and the interfaces come from the
 * scap handle.
 *
 * Order and fields: entries that the capture's own metadata lists (a
 * savefile's process and fd lists) come first, in its order, then the
 * others in table order; so a dump opened before the first event has the
 * same tables as the input. Fields libsinsp does not keep (fdlimit, flags,
 * memory counters, root, the exe inode, an fd's dev, unix socket
 * addresses, a user's gid) are taken from the capture's record of the
 * same thread (same pid, same exe and exepath: it still runs the same
 * program), fd (same type, inode and name) or user, when there is one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sinsp_int.h"

#define PPM_CL_CLONE_FILES (1u << 0)
#define PPM_CL_CLONE_THREAD (1u << 13)

/* A set of pointers (threads, processes, fds) with a value. */
struct pset {
	const void *key;
	int64_t val;
	UT_hash_handle hh;
};

struct dctx {
	sinsp_t *s;
	scap_t *h;
	scap_meta_t *b;
	struct pset *threads; /* emitted threads */
	struct pset *procs;   /* process -> tid its fds are written under */
	struct pset *fds;     /* emitted fds */
	const struct sinsp_thread **order; /* emitted threads, in order */
	size_t norder;
	bool nomem;
};

static struct pset *pset_find(struct pset *set, const void *key)
{
	struct pset *e;
	HASH_FIND_PTR(set, &key, e);
	return e;
}

static bool pset_add(struct dctx *c, struct pset **set, const void *key, int64_t val)
{
	struct pset *e = malloc(sizeof(*e));
	if (!e) {
		c->nomem = true;
		return false;
	}
	e->key = key;
	e->val = val;
	HASH_ADD_PTR(*set, key, e);
	return true;
}

static void pset_free(struct pset **set)
{
	struct pset *e, *tmp;
	HASH_ITER(hh, *set, e, tmp) {
		HASH_DEL(*set, e);
		free(e);
	}
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

static bool dumpable(const sinsp_t *s, const struct sinsp_thread *t)
{
	(void)s;
	return t && !t->placeholder && !t->dead;
}

/* ---- threads ---- */

/* The capture's record names the program the state has: libsinsp keeps
 * the path without the kernel's " (deleted)" mark (parsers.c). */
static bool same_exepath(const scap_tinfo_t *r, const char *exepath)
{
	static const char mark[] = " (deleted)";
	size_t len, m = sizeof(mark) - 1;
	const char *v = scap_tinfo_str(r, SCAP_TI_EXEPATH, &len);
	if (!v)
		v = "", len = 0;
	if (len > m && !memcmp(v + len - m, mark, m))
		len -= m;
	return strlen(exepath) == len && !memcmp(v, exepath, len);
}

static int put_thread(struct dctx *c, const struct sinsp_thread *t)
{
	scap_meta_t *b = c->b;
	const struct sproc *p = t->p;
	size_t i;
	int rc, err = 0;

	if ((rc = scap_meta_add_thread(b, t->tid, &i)))
		return rc;
#define KEEP(call)                         \
	do {                               \
		int r_ = (call);           \
		if (r_ && !err)            \
			err = r_;          \
	} while (0)
#define I(f, v) KEEP(scap_meta_thread_set_int(b, i, f, (int64_t)(v)))
#define S(f, v, n) KEEP(scap_meta_thread_set_str(b, i, f, v, n))
	I(SCAP_TI_PID, t->pid);
	I(SCAP_TI_PTID, t->ptid);
	I(SCAP_TI_SID, t->sid);
	I(SCAP_TI_VPGID, t->vpgid);
	I(SCAP_TI_PGID, t->pgid);
	I(SCAP_TI_VTID, t->vtid);
	I(SCAP_TI_VPID, t->vpid);
	I(SCAP_TI_UID, t->uid);
	I(SCAP_TI_GID, t->gid);
	I(SCAP_TI_LOGINUID, t->loginuid);
	I(SCAP_TI_TTY, t->tty);
	I(SCAP_TI_CAP_INHERITABLE, t->cap_inh);
	I(SCAP_TI_CAP_PERMITTED, t->cap_perm);
	I(SCAP_TI_CAP_EFFECTIVE, t->cap_eff);
	S(SCAP_TI_COMM, t->comm, strlen(t->comm));
	if (p) {
		I(SCAP_TI_PIDNS_INIT_START_TS, p->pidns_start);
		I(SCAP_TI_EXE_UPPER_LAYER, p->exe_upper_layer);
		I(SCAP_TI_EXE_LOWER_LAYER, p->exe_lower_layer);
		I(SCAP_TI_EXE_INO_CTIME, p->exe_ino_ctime);
		I(SCAP_TI_EXE_INO_MTIME, p->exe_ino_mtime);
		S(SCAP_TI_EXE, p->exe, strlen(nz(p->exe)));
		S(SCAP_TI_EXEPATH, p->exepath, strlen(nz(p->exepath)));
		/* the cwd as /proc gives it: without the '/' the state adds */
		S(SCAP_TI_CWD, p->cwd, strlen(nz(p->cwd)) - (p->cwd && strlen(p->cwd) > 1 && p->cwd[strlen(p->cwd) - 1] == '/'));
		S(SCAP_TI_ARGS, p->args, p->args ? p->args_len : 0);
		S(SCAP_TI_ENV, p->env, p->env ? p->env_len : 0);
		S(SCAP_TI_CGROUPS, p->cgroups, p->cgroups ? p->cgroups_len : 0);
	}
	/* what libsinsp does not keep, from the capture's record when the
	 * thread still runs the program it describes */
	const scap_tinfo_t *r = scap_proc_find(c->h, t->tid);
	if (r && p && scap_tinfo_int(r, SCAP_TI_PID) == t->pid &&
	    !strcmp(scap_tinfo_str(r, SCAP_TI_EXE, NULL), nz(p->exe)) && same_exepath(r, nz(p->exepath))) {
		static const enum scap_tinfo_field kept[] = {
			SCAP_TI_FDLIMIT, SCAP_TI_FLAGS, SCAP_TI_VMSIZE_KB, SCAP_TI_VMRSS_KB, SCAP_TI_VMSWAP_KB,
			SCAP_TI_PFMAJOR, SCAP_TI_PFMINOR, SCAP_TI_EXE_WRITABLE, SCAP_TI_EXE_INO,
			SCAP_TI_EXE_FROM_MEMFD,
		};
		for (size_t k = 0; k < sizeof(kept) / sizeof(kept[0]); k++)
			I(kept[k], scap_tinfo_int(r, kept[k]));
		size_t len;
		const char *root = scap_tinfo_str(r, SCAP_TI_ROOT, &len);
		S(SCAP_TI_ROOT, root, len);
		const char *exepath = scap_tinfo_str(r, SCAP_TI_EXEPATH, &len); /* with its " (deleted)" */
		S(SCAP_TI_EXEPATH, exepath, len);
	} else if (t->tid != t->pid) {
		I(SCAP_TI_FLAGS, PPM_CL_CLONE_THREAD | PPM_CL_CLONE_FILES); /* as /proc scanners say */
	}
#undef I
#undef S
	return err;
}

static int add_thread(struct dctx *c, const struct sinsp_thread *t)
{
	int rc = put_thread(c, t);
	if (rc)
		return rc;
	if (!pset_add(c, &c->threads, t, 0))
		return SCAP_ERR_NOMEM;
	c->order[c->norder++] = t;
	return 0;
}

/* ---- fds ---- */

/* The type class libsinsp keeps for a scap fd type. */
static uint8_t fd_class(uint32_t type)
{
	switch (type) {
	case SCAP_FD_FILE_V2: return SCAP_FD_FILE;
	case SCAP_FD_IPV4_SERVSOCK: return SCAP_FD_IPV4_SOCK;
	case SCAP_FD_IPV6_SERVSOCK: return SCAP_FD_IPV6_SOCK;
	default: return (uint8_t)type;
	}
}

/* Does the capture's record r still describe f? */
static bool fd_matches(const scap_fdinfo_t *r, const struct sinsp_fd *f)
{
	uint32_t rt = (uint32_t)scap_fdinfo_int(r, SCAP_FDI_TYPE);
	if (fd_class(rt) != f->type || (uint64_t)scap_fdinfo_int(r, SCAP_FDI_INO) != f->ino)
		return false;
	if (f->type == SCAP_FD_IPV4_SOCK || f->type == SCAP_FD_IPV6_SOCK)
		return true;
	size_t len;
	const char *n = scap_fdinfo_bytes(r, SCAP_FDI_NAME, &len);
	return len == f->name_len && (!len || !memcmp(n, f->name, len));
}

static bool zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static int put_fd(struct dctx *c, int64_t tid, const struct sinsp_fd *f, const scap_fdinfo_t *r)
{
	scap_meta_t *b = c->b;
	uint32_t type = f->type;
	size_t i;
	int rc, err = 0;

	if (type == SCAP_FD_IPV4_SOCK || type == SCAP_FD_IPV6_SOCK) {
		size_t n = type == SCAP_FD_IPV4_SOCK ? 4 : 16;
		/* a bound socket with no peer: the server socket entry */
		bool serv = f->role == ROLE_SERVER && !f->cport && zero(f->cip, n);
		if (serv)
			type = type == SCAP_FD_IPV4_SOCK ? SCAP_FD_IPV4_SERVSOCK : SCAP_FD_IPV6_SERVSOCK;
		if ((rc = scap_meta_add_fd(b, tid, f->fd, type, &i)))
			return rc;
		/* fd lists carry the tuple as (client, server) */
		KEEP(scap_meta_fd_set_bytes(b, i, SCAP_FDI_SIP, serv ? f->sip : f->cip, n));
		KEEP(scap_meta_fd_set_int(b, i, SCAP_FDI_SPORT, serv ? f->sport : f->cport));
		if (!serv) {
			KEEP(scap_meta_fd_set_bytes(b, i, SCAP_FDI_DIP, f->sip, n));
			KEEP(scap_meta_fd_set_int(b, i, SCAP_FDI_DPORT, f->sport));
		}
		KEEP(scap_meta_fd_set_int(b, i, SCAP_FDI_L4PROTO, f->l4proto));
	} else {
		if (type == SCAP_FD_FILE) /* FILE_V2 keeps the open flags, unless the capture said FILE */
			type = r && scap_fdinfo_int(r, SCAP_FDI_TYPE) == SCAP_FD_FILE ? SCAP_FD_FILE : SCAP_FD_FILE_V2;
		if (type >= SCAP_FD_TYPE_MAX)
			type = SCAP_FD_UNSUPPORTED;
		if ((rc = scap_meta_add_fd(b, tid, f->fd, type, &i)))
			return rc;
		KEEP(scap_meta_fd_set_bytes(b, i, SCAP_FDI_NAME, f->name, f->name ? f->name_len : 0));
		if (type == SCAP_FD_FILE_V2) {
			KEEP(scap_meta_fd_set_int(b, i, SCAP_FDI_OPEN_FLAGS, f->open_flags));
			if (r)
				KEEP(scap_meta_fd_set_int(b, i, SCAP_FDI_DEV, scap_fdinfo_int(r, SCAP_FDI_DEV)));
		} else if (type == SCAP_FD_UNIX_SOCK && r) {
			KEEP(scap_meta_fd_set_int(b, i, SCAP_FDI_UNIX_SOURCE, scap_fdinfo_int(r, SCAP_FDI_UNIX_SOURCE)));
			KEEP(scap_meta_fd_set_int(b, i, SCAP_FDI_UNIX_DEST, scap_fdinfo_int(r, SCAP_FDI_UNIX_DEST)));
		}
	}
	KEEP(scap_meta_fd_set_int(b, i, SCAP_FDI_INO, (int64_t)f->ino));
	return err;
}

static int add_fd(struct dctx *c, int64_t tid, const struct sinsp_fd *f, const scap_fdinfo_t *r)
{
	int rc = put_fd(c, tid, f, r);
	if (rc)
		return rc;
	return pset_add(c, &c->fds, f, 0) ? 0 : SCAP_ERR_NOMEM;
}

/* The tid a process's fds are written under: its main thread when that is
 * written, else the first written thread of it. */
static int64_t fd_owner(struct dctx *c, const struct sinsp_thread *t)
{
	struct pset *e = pset_find(c->procs, t->p);
	if (e)
		return e->val;
	const struct sinsp_thread *main = sinsp_find_thread(c->s, t->pid);
	int64_t owner = main && main->p == t->p && pset_find(c->threads, main) ? main->tid : t->tid;
	return pset_add(c, &c->procs, t->p, owner) ? owner : INT64_MIN;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int build(struct dctx *c)
{
	sinsp_t *s = c->s;
	scap_t *h = c->h;
	int rc;

	/* users and groups (a user's gid: from the capture's record) */
	size_t nu = scap_user_count(h);
	uint64_t *ug = malloc((nu ? nu : 1) * sizeof(*ug)); /* uid << 32 | gid, sorted */
	if (!ug)
		return SCAP_ERR_NOMEM;
	for (size_t k = 0; k < nu; k++)
		ug[k] = (uint64_t)scap_user_uid(scap_user_at(h, k)) << 32 | scap_user_gid(scap_user_at(h, k));
	qsort(ug, nu, sizeof(*ug), cmp_u64);
	const struct suser *u, *utmp;
	rc = 0;
	HASH_ITER(hh, s->users, u, utmp) {
		if (u->unknown)
			continue; /* a remembered miss of a lookup */
		size_t lo = 0, hi = nu;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (ug[mid] >> 32 < u->id)
				lo = mid + 1;
			else
				hi = mid;
		}
		uint32_t gid = lo < nu && ug[lo] >> 32 == u->id ? (uint32_t)ug[lo] : 0;
		if ((rc = scap_meta_add_user(c->b, u->id, gid, u->name, u->home, u->shell)))
			break;
	}
	free(ug);
	if (rc)
		return rc;
	HASH_ITER(hh, s->groups, u, utmp)
		if (!u->unknown && (rc = scap_meta_add_group(c->b, u->id, u->name)))
			return rc;

	/* threads: the capture's order first */
	if (!(c->order = malloc((s->nthreads ? s->nthreads : 1) * sizeof(*c->order))))
		return SCAP_ERR_NOMEM;
	for (size_t k = 0; k < scap_proc_count(h); k++) {
		const struct sinsp_thread *t = sinsp_find_thread(s, scap_tinfo_int(scap_proc_at(h, k), SCAP_TI_TID));
		if (dumpable(s, t) && !pset_find(c->threads, t) && (rc = add_thread(c, t)))
			return rc;
	}
	const struct sinsp_thread *t, *ttmp;
	HASH_ITER(hh, s->threads, t, ttmp)
		if (dumpable(s, t) && !pset_find(c->threads, t) && (rc = add_thread(c, t)))
			return rc;

	/* fds: the capture's records that still hold, in its order, under the
	 * tid it gave; then every other fd of each written process */
	for (size_t k = 0; k < scap_fd_count(h); k++) {
		const scap_fdinfo_t *r = scap_fd_at(h, k);
		int64_t tid = scap_fdinfo_int(r, SCAP_FDI_TID), fdn = scap_fdinfo_int(r, SCAP_FDI_FD);
		t = sinsp_find_thread(s, tid);
		if (!t || !t->p || !pset_find(c->threads, t))
			continue;
		struct sinsp_fd *f = NULL;
		HASH_FIND(hh, t->p->fds, &fdn, sizeof(fdn), f);
		if (!f || f == s->fd_to_close || pset_find(c->fds, f) || !fd_matches(r, f))
			continue;
		struct pset *e = pset_find(c->procs, t->p);
		if (!e && !pset_add(c, &c->procs, t->p, tid))
			return SCAP_ERR_NOMEM;
		if ((rc = add_fd(c, e ? e->val : tid, f, r)))
			return rc;
	}
	for (size_t k = 0; k < c->norder; k++) {
		t = c->order[k];
		if (!t->p || !t->p->fds)
			continue;
		int64_t owner = fd_owner(c, t);
		if (owner == INT64_MIN)
			return SCAP_ERR_NOMEM;
		if (owner != t->tid)
			continue; /* written with its owner */
		const struct sinsp_fd *f, *ftmp;
		HASH_ITER(hh, t->p->fds, f, ftmp)
			if (f != s->fd_to_close && !pset_find(c->fds, f) && (rc = add_fd(c, owner, f, NULL)))
				return rc;
	}
	return c->nomem ? SCAP_ERR_NOMEM : 0;
}

/* The containers known now, as container events right after the metadata
 * (upstream's dump_containers()), so that a capture cut mid-stream keeps
 * them. Their time is the last event's. */
static int write_containers(sinsp_t *s, scap_dumper_t *d, char *errbuf)
{
	size_t cur = 0;

	for (const struct sinsp_container *c; (c = sinsp_containers_next(s->containers, &cur));) {
		scap_evt_t *e = sinsp_ctr_mgr_event_for(c, s->last_ts);
		int rc = e ? scap_dump_write(d, e) : SCAP_ERR_NOMEM;
		scap_evt_free(e);
		if (rc < 0) {
			if (errbuf)
				snprintf(errbuf, SCAP_ERRBUF_SIZE, "sinsp_dump_open: container %.64s: %.160s",
					 sinsp_container_id(c), e ? scap_dump_geterr(d) : "out of memory");
			return -1;
		}
	}
	return 0;
}

SCAP_EXPORT scap_dumper_t *sinsp_dump_open(sinsp_t *s, const char *path, const struct scap_dump_opts *opts,
					   char *errbuf)
{
	struct scap_dump_opts o = SCAP_DUMP_OPTS_INIT;
	struct dctx c = {.s = s};
	scap_dumper_t *d = NULL;
	int rc;

	if (!s || (opts && opts->sz < sizeof(size_t))) {
		if (errbuf)
			snprintf(errbuf, SCAP_ERRBUF_SIZE, "sinsp_dump_open: no sinsp handle, or opts->sz too small");
		return NULL;
	}
	if (opts)
		memcpy(&o, opts, opts->sz < sizeof(o) ? opts->sz : sizeof(o));
	o.sz = sizeof(o);
	c.h = s->h;
	if (!(c.b = scap_meta_new(o.max_meta_bytes))) {
		if (errbuf)
			snprintf(errbuf, SCAP_ERRBUF_SIZE, "sinsp_dump_open: out of memory");
		return NULL;
	}
	rc = build(&c);
	if (rc) {
		if (errbuf)
			snprintf(errbuf, SCAP_ERRBUF_SIZE, "sinsp_dump_open: %.200s",
				 scap_meta_geterr(c.b)[0] ? scap_meta_geterr(c.b) : "out of memory");
	} else {
		d = scap_dump_open_meta(s->h, path, &o, c.b, errbuf);
	}
	if (d && write_containers(s, d, errbuf) < 0) {
		scap_dump_close(d, NULL);
		unlink(path);
		d = NULL;
	}
	pset_free(&c.threads);
	pset_free(&c.procs);
	pset_free(&c.fds);
	free(c.order);
	scap_meta_free(c.b);
	return d;
}

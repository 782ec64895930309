/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The state tables and their records: threads and the processes they share,
 * each process's fds, users and groups; filled from a capture's metadata or
 * a live system's /proc (proc_scan.c), then kept up to date by the event
 * handlers of parsers.c.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sinsp_int.h"

/* ---- strings ---- */
void sinsp_set_str(char **dst, const char *src, size_t len)
{
	char *n = malloc(len + 1);
	if (!n)
		return; /* keep the old value rather than lose the thread */
	memcpy(n, src, len);
	n[len] = 0;
	free(*dst);
	*dst = n;
}

/* upstream's sinsp_threadinfo::sinsp_set_exepath: a path the kernel marks as
 * unlinked ("/memfd:x (deleted)", from /proc/PID/exe or the probe) is kept
 * without the mark. */
void sinsp_set_exepath(struct sproc *p, const char *src, size_t len)
{
	static const char mark[] = " (deleted)";
	size_t m = sizeof(mark) - 1;
	if (len > m && !memcmp(src + len - m, mark, m))
		len -= m;
	sinsp_set_str(&p->exepath, src, len);
}

void sinsp_set_bytes(char **dst, uint32_t *dlen, const char *src, uint32_t len)
{
	sinsp_set_str(dst, src, len);
	if (*dst)
		*dlen = len;
}

/* The cgroups as upstream keeps them ("name=path" items, NUL-separated):
 * a name's "_cgroup" removed, "perf", "mem" and "io" named "perf_event",
 * "memory" and "blkio"; a list with an item lacking '=' is ignored. */
void sinsp_set_cgroups(struct sproc *p, const char *src, uint32_t len)
{
	static const struct {
		const char *from, *to;
	} ren[] = {{"perf", "perf_event"}, {"mem", "memory"}, {"io", "blkio"}};
	char *out, *o;
	uint32_t i;

	if (len && !src[len - 1])
		len--;
	for (i = 0; i < len; i += (uint32_t)strnlen(src + i, len - i) + 1)
		if (!memchr(src + i, '=', strnlen(src + i, len - i)))
			return;
	/* each item grows by at most 6 bytes ("perf" -> "perf_event") */
	if (!(out = o = malloc((size_t)len * 7 + 8)))
		return;
	for (i = 0; i < len;) {
		const char *item = src + i;
		size_t l = strnlen(item, len - i), nl = (size_t)((const char *)memchr(item, '=', l) - item);
		char name[256];
		size_t k = nl < sizeof(name) - 1 ? nl : sizeof(name) - 1;
		memcpy(name, item, k);
		name[k] = 0;
		char *cg = strstr(name, "_cgroup");
		if (cg)
			memmove(cg, cg + 7, strlen(cg + 7) + 1);
		for (size_t r = 0; r < sizeof(ren) / sizeof(ren[0]); r++)
			if (!strcmp(name, ren[r].from)) {
				snprintf(name, sizeof(name), "%s", ren[r].to);
				break;
			}
		o += sprintf(o, "%s", name);
		memcpy(o, item + nl, l - nl);
		o += l - nl;
		*o++ = 0;
		i += (uint32_t)l + 1;
	}
	free(p->cgroups);
	p->cgroups = out;
	p->cgroups_len = (uint32_t)(o - out);
	p->container_done = false;
}

/* A cwd as upstream keeps it: always ending with '/' ("" gives "/"). */
void sinsp_set_cwd(struct sproc *p, const char *src, size_t len)
{
	char *n = malloc(len + 2);
	if (!n)
		return;
	memcpy(n, src, len);
	if (!len || n[len - 1] != '/')
		n[len++] = '/';
	n[len] = 0;
	free(p->cwd);
	p->cwd = n;
}

/* ---- fds ---- */
void sinsp_fd_free(struct sinsp_fd *f)
{
	if (f) {
		free(f->name);
		free(f);
	}
}

void sinsp_fd_set_name(struct sinsp_fd *f, const char *s, size_t len)
{
	if (len + 1 > f->name_cap) {
		char *n = realloc(f->name, len + 1);
		if (!n)
			return;
		f->name = n;
		f->name_cap = (uint32_t)len + 1;
	}
	memcpy(f->name, s, len);
	f->name[len] = 0;
	f->name_len = (uint32_t)len;
}

struct sinsp_fd *sinsp_fd_find(struct sproc *p, int64_t fd)
{
	struct sinsp_fd *f = NULL;
	if (p)
		HASH_FIND(hh, p->fds, &fd, sizeof(fd), f);
	return f;
}

void sinsp_fd_remove(struct sproc *p, struct sinsp_fd *f)
{
	HASH_DEL(p->fds, f);
	p->nfds--;
	sinsp_fd_free(f);
}

/* A new fd entry (replacing any with the same number); NULL past the cap. */
struct sinsp_fd *sinsp_fd_add(sinsp_t *s, struct sproc *p, int64_t fd, uint8_t type)
{
	struct sinsp_fd *f = sinsp_fd_find(p, fd);

	if (f) {
		sinsp_fd_remove(p, f);
	} else if (p->nfds >= s->opts.max_fds_per_proc) {
		s->st.n_fds_evicted++;
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->fd = fd;
	f->type = type;
	HASH_ADD(hh, p->fds, fd, sizeof(f->fd), f);
	p->nfds++;
	return f;
}

/* A copy of `from` as fd `newfd` of p; from is never the entry being
 * replaced (dup to the same number is a no-op; fork copies into a new
 * table). */
struct sinsp_fd *sinsp_fd_copy(sinsp_t *s, struct sproc *p, int64_t newfd, const struct sinsp_fd *from)
{
	struct sinsp_fd *f = sinsp_fd_add(s, p, newfd, from->type);
	if (!f)
		return NULL;
	f->ino = from->ino;
	f->dev = from->dev;
	f->open_flags = from->open_flags;
	f->l4proto = from->l4proto;
	f->iplen = from->iplen;
	f->role = from->role;
	f->connected = from->connected;
	memcpy(f->cip, from->cip, 16);
	memcpy(f->sip, from->sip, 16);
	f->cport = from->cport;
	f->sport = from->sport;
	if (from->name)
		sinsp_fd_set_name(f, from->name, from->name_len);
	return f;
}

/* "1.2.3.4:80->5.6.7.8:4000" (upstream's fd.name for IP sockets). */
void sinsp_fd_name_tuple(struct sinsp_fd *f)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], buf[160];
	int fam = f->iplen == 4 ? AF_INET : AF_INET6;

	inet_ntop(fam, f->cip, a, sizeof(a));
	inet_ntop(fam, f->sip, b, sizeof(b));
	int n = snprintf(buf, sizeof(buf), "%s:%u->%s:%u", a, f->cport, b, f->sport);
	if (n > 0)
		sinsp_fd_set_name(f, buf, (size_t)n);
}

/* Absolute path from a path relative to dir ("" = unknown dir). */
static size_t resolve_path(char *out, size_t cap, const char *dir, size_t dlen, const char *path, size_t plen)
{
	size_t n = 0;

	if (plen && path[0] == '/') {
		n = plen < cap - 1 ? plen : cap - 1;
		memcpy(out, path, n);
	} else if (dlen) {
		n = dlen < cap - 1 ? dlen : cap - 1;
		memcpy(out, dir, n);
		if (n && out[n - 1] != '/' && n < cap - 1)
			out[n++] = '/';
		size_t k = plen < cap - 1 - n ? plen : cap - 1 - n;
		memcpy(out + n, path, k);
		n += k;
	} else {
		n = plen < cap - 1 ? plen : cap - 1;
		memcpy(out, path, n);
	}
	out[n] = 0;
	/* normalise "/./" and "/../" and "//" */
	char *r = out, *w = out;
	while (*r) {
		if (r[0] == '/' && r[1] == '/') {
			r++;
			continue;
		}
		if (r[0] == '/' && r[1] == '.' && (r[2] == '/' || r[2] == 0)) {
			r += 2;
			continue;
		}
		if (r[0] == '/' && r[1] == '.' && r[2] == '.' && (r[3] == '/' || r[3] == 0) && out[0] == '/') {
			while (w > out && *--w != '/')
				;
			r += 3;
			continue;
		}
		*w++ = *r++;
	}
	if (w == out && out[0] == '/')
		w++;
	/* a trailing '/' goes, as the kernel and upstream's concatenate_paths do */
	if (w - out > 1 && w[-1] == '/')
		w--;
	*w = 0;
	return (size_t)(w - out);
}

size_t sinsp_resolve_path(char *out, size_t cap, const char *dir, size_t dlen, const char *path, size_t plen)
{
	return resolve_path(out, cap, dir, dlen, path, plen);
}

/* ---- threads and processes ---- */
void sinsp_set_comm(struct sinsp_thread *t, const char *s, size_t len)
{
	if (len >= sizeof(t->comm))
		len = sizeof(t->comm) - 1;
	memcpy(t->comm, s, len);
	t->comm[len] = 0;
}

/* Old events have no comm: the kernel's is the exe's base name. */
void sinsp_comm_from_exe(struct sinsp_thread *t, const char *exe)
{
	const char *b = strrchr(exe, '/');
	sinsp_set_comm(t, b ? b + 1 : exe, strlen(b ? b + 1 : exe));
}

struct sproc *sinsp_proc_new(void)
{
	struct sproc *p = calloc(1, sizeof(*p));
	if (p)
		p->refs = 1;
	return p;
}

void sinsp_proc_unref(sinsp_t *s, struct sproc *p)
{
	(void)s;
	if (!p || --p->refs)
		return;
	struct sinsp_fd *f, *tmp;
	HASH_ITER(hh, p->fds, f, tmp) {
		HASH_DEL(p->fds, f);
		sinsp_fd_free(f);
	}
	free(p->exe);
	free(p->exepath);
	free(p->cwd);
	free(p->args);
	free(p->cgroups);
	free(p->env);
	free(p);
}

/* A copy for a new process (fork): strings and fds duplicated. */
struct sproc *sinsp_proc_clone(sinsp_t *s, const struct sproc *from)
{
	struct sproc *p = sinsp_proc_new();
	if (!p)
		return NULL;
	if (from->exe) sinsp_set_str(&p->exe, from->exe, strlen(from->exe));
	if (from->exepath) sinsp_set_str(&p->exepath, from->exepath, strlen(from->exepath));
	if (from->cwd) sinsp_set_str(&p->cwd, from->cwd, strlen(from->cwd));
	if (from->args) sinsp_set_bytes(&p->args, &p->args_len, from->args, from->args_len);
	if (from->cgroups) sinsp_set_bytes(&p->cgroups, &p->cgroups_len, from->cgroups, from->cgroups_len);
	if (from->env) sinsp_set_bytes(&p->env, &p->env_len, from->env, from->env_len);
	p->exe_ino_ctime = from->exe_ino_ctime;
	p->exe_ino_mtime = from->exe_ino_mtime;
	p->exe_upper_layer = from->exe_upper_layer;
	p->exe_lower_layer = from->exe_lower_layer;
	p->exe_writable = from->exe_writable;
	p->exe_from_memfd = from->exe_from_memfd;
	p->pidns_start = from->pidns_start;
	memcpy(p->container_id, from->container_id, sizeof(p->container_id));
	p->container_type = from->container_type;
	p->container_done = from->container_done;
	const struct sinsp_fd *f, *tmp;
	HASH_ITER(hh, from->fds, f, tmp)
		sinsp_fd_copy(s, p, f->fd, f);
	return p;
}

void sinsp_thread_free(sinsp_t *s, struct sinsp_thread *t)
{
	if (s->tcache[(uint64_t)t->tid & 255] == t)
		s->tcache[(uint64_t)t->tid & 255] = NULL;
	HASH_DEL(s->threads, t);
	s->nthreads--;
	sinsp_proc_unref(s, t->p);
	free(t->enter_buf);
	free(t);
}

static void evict(sinsp_t *s)
{
	/* drop the least recently seen quarter of the span of last-seen times */
	uint64_t lo = UINT64_MAX, hi = 0;
	struct sinsp_thread *t, *tmp;
	HASH_ITER(hh, s->threads, t, tmp) {
		if (t->lastseen < lo) lo = t->lastseen;
		if (t->lastseen > hi) hi = t->lastseen;
	}
	uint64_t cut = lo + (hi - lo) / 4;
	HASH_ITER(hh, s->threads, t, tmp) {
		if (t->lastseen <= cut && t != s->cur.thread) {
			sinsp_thread_free(s, t);
			s->st.n_threads_evicted++;
		}
	}
}

struct sinsp_thread *sinsp_thread_new(sinsp_t *s, int64_t tid)
{
	if (s->nthreads >= s->opts.max_threads)
		evict(s);
	struct sinsp_thread *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->tid = t->pid = tid;
	t->ptid = t->sid = t->vpgid = t->pgid = t->vtid = t->vpid = -1;
	t->loginuid = UINT32_MAX;
	t->uid = t->gid = UINT32_MAX;
	t->enter_type = 0xffff;
	HASH_ADD(hh, s->threads, tid, sizeof(t->tid), t);
	s->nthreads++;
	s->st.n_threads_added++;
	return t;
}

struct sinsp_thread *sinsp_get_thread(sinsp_t *s, int64_t tid, bool create)
{
	struct sinsp_thread **slot = &s->tcache[(uint64_t)tid & 255], *t = *slot;

	if (t && t->tid == tid)
		return t;
	HASH_FIND(hh, s->threads, &tid, sizeof(tid), t);
	if (t) {
		*slot = t;
		return t;
	}
	if (!create || tid < 0)
		return NULL;
	t = sinsp_thread_new(s, tid);
	if (!t)
		return NULL;
	t->placeholder = true;
	t->p = sinsp_proc_new();
	if (!t->p) {
		sinsp_thread_free(s, t);
		return NULL;
	}
	s->st.n_placeholders++;
	return t;
}

void sinsp_purge(sinsp_t *s, uint64_t now)
{
	struct sinsp_thread *t, *tmp;
	HASH_ITER(hh, s->threads, t, tmp) {
		if (t != s->cur.thread && t->lastseen + s->opts.thread_timeout_ns < now && t->lastseen) {
			sinsp_thread_free(s, t);
			s->st.n_threads_purged++;
		}
	}
}

void sinsp_clear_state(sinsp_t *s)
{
	struct sinsp_thread *t, *tmp;
	HASH_ITER(hh, s->threads, t, tmp)
		sinsp_thread_free(s, t);
	struct suser *u, *utmp;
	HASH_ITER(hh, s->users, u, utmp) {
		HASH_DEL(s->users, u);
		free(u->name); free(u->home); free(u->shell); free(u);
	}
	HASH_ITER(hh, s->groups, u, utmp) {
		HASH_DEL(s->groups, u);
		free(u->name); free(u);
	}
}

/* ---- users, groups ---- */
void sinsp_add_user_entry(struct suser **table, uint32_t id, const char *name, size_t nlen, const char *home,
		     size_t hlen, const char *shell, size_t slen)
{
	struct suser *u;
	HASH_FIND(hh, *table, &id, sizeof(id), u);
	if (!u) {
		u = calloc(1, sizeof(*u));
		if (!u)
			return;
		u->id = id;
		HASH_ADD(hh, *table, id, sizeof(u->id), u);
	}
	/* replayed meta events usually repeat what is known: no reallocation then */
	if (!u->name || strlen(u->name) != nlen || memcmp(u->name, name, nlen))
		sinsp_set_str(&u->name, name ? name : "", name ? nlen : 0);
	if (home && (!u->home || strlen(u->home) != hlen || memcmp(u->home, home, hlen)))
		sinsp_set_str(&u->home, home, hlen);
	if (shell && (!u->shell || strlen(u->shell) != slen || memcmp(u->shell, shell, slen)))
		sinsp_set_str(&u->shell, shell, slen);
}

const struct suser *sinsp_find_user(const sinsp_t *s, uint32_t uid)
{
	struct suser *u;
	HASH_FIND(hh, s->users, &uid, sizeof(uid), u);
	return u && !u->unknown ? u : NULL;
}

const struct suser *sinsp_find_group(const sinsp_t *s, uint32_t gid)
{
	struct suser *g;
	HASH_FIND(hh, s->groups, &gid, sizeof(gid), g);
	return g && !g->unknown ? g : NULL;
}

/* The user (group) of a thread, as upstream's usergroup manager finds it:
 * from the tables; for a host thread whose id the stream never listed, from
 * this machine's user database, once (upstream does so for capture files
 * too: their names are the reading machine's); gid 0 is "root" without a
 * lookup. A miss is remembered, so the lookup never repeats. */
const struct suser *sinsp_lookup_user(sinsp_t *s, const struct sinsp_thread *t, uint32_t id, bool group)
{
	struct suser **table = group ? &s->groups : &s->users, *u;
	HASH_FIND(hh, *table, &id, sizeof(id), u);
	if (u)
		return u->unknown ? NULL : u;
	const struct sproc *p = t ? t->p : NULL;
	if (id == UINT32_MAX || !p || (p->container_id[0] && strcmp(p->container_id, "host")))
		return NULL;
	char buf[4096];
	const char *name = NULL, *home = NULL, *shell = NULL;
	if (group) {
		struct group gr, *res = NULL;
		if (id == 0)
			name = "root";
		else if (getgrgid_r(id, &gr, buf, sizeof(buf), &res) == 0 && res)
			name = res->gr_name;
	} else {
		struct passwd pw, *res = NULL;
		if (getpwuid_r(id, &pw, buf, sizeof(buf), &res) == 0 && res) {
			name = res->pw_name;
			home = res->pw_dir;
			shell = res->pw_shell;
		}
	}
	if (name) {
		sinsp_add_user_entry(table, id, name, strlen(name), home, home ? strlen(home) : 0, shell, shell ? strlen(shell) : 0);
	} else {
		sinsp_add_user_entry(table, id, NULL, 0, NULL, 0, NULL, 0);
		HASH_FIND(hh, *table, &id, sizeof(id), u);
		if (u)
			u->unknown = true;
		return NULL;
	}
	HASH_FIND(hh, *table, &id, sizeof(id), u);
	return u;
}

/* ---- containers ---- */
void sinsp_resolve_container(sinsp_t *s, struct sproc *p)
{
	if (p->container_done)
		return;
	int type = 0;
	char id[SINSP_CONTAINER_ID_MAX], full[SINSP_CONTAINER_ID_MAX];
	p->container_done = true;
	if (!p->cgroups || sinsp_container_match_cgroups(p->cgroups, p->cgroups_len, id, sizeof(id), full,
							 sizeof(full), &type) != 1) {
		snprintf(p->container_id, sizeof(p->container_id), "host");
		return;
	}
	memcpy(p->container_id, id, sizeof(p->container_id)); /* both SINSP_CONTAINER_ID_MAX */
	p->container_type = (uint8_t)type;
	sinsp_ctr_mgr_seen(s, p->container_id, full, type, s->last_ts);
}

/* ---- the capture's metadata ---- */

void sinsp_load_metadata(sinsp_t *s)
{
	scap_t *h = s->h;

	for (size_t i = 0; i < scap_user_count(h); i++) {
		const scap_user_t *u = scap_user_at(h, i);
		const char *n = scap_user_name(u), *hd = scap_user_homedir(u), *sh = scap_user_shell(u);
		sinsp_add_user_entry(&s->users, scap_user_uid(u), n, strlen(n), hd, strlen(hd), sh, strlen(sh));
	}
	for (size_t i = 0; i < scap_group_count(h); i++) {
		const scap_group_t *g = scap_group_at(h, i);
		const char *n = scap_group_name(g);
		sinsp_add_user_entry(&s->groups, scap_group_gid(g), n, strlen(n), NULL, 0, NULL, 0);
	}
	/* threads: main threads first, so other threads can share their process */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < scap_proc_count(h); i++) {
			const scap_tinfo_t *ti = scap_proc_at(h, i);
			int64_t tid = scap_tinfo_int(ti, SCAP_TI_TID), pid = scap_tinfo_int(ti, SCAP_TI_PID);
			if ((pass == 0) != (tid == pid))
				continue;
			struct sinsp_thread *t = sinsp_get_thread(s, tid, false);
			if (!t && !(t = sinsp_thread_new(s, tid)))
				continue;
			t->pid = pid;
			t->ptid = scap_tinfo_int(ti, SCAP_TI_PTID);
			t->sid = scap_tinfo_int(ti, SCAP_TI_SID);
			t->vpgid = scap_tinfo_int(ti, SCAP_TI_VPGID);
			t->pgid = scap_tinfo_int(ti, SCAP_TI_PGID);
			t->vtid = scap_tinfo_int(ti, SCAP_TI_VTID);
			t->vpid = scap_tinfo_int(ti, SCAP_TI_VPID);
			t->uid = (uint32_t)scap_tinfo_int(ti, SCAP_TI_UID);
			t->gid = (uint32_t)scap_tinfo_int(ti, SCAP_TI_GID);
			t->loginuid = (uint32_t)scap_tinfo_int(ti, SCAP_TI_LOGINUID);
			t->tty = (uint32_t)scap_tinfo_int(ti, SCAP_TI_TTY);
			t->cap_inh = (uint64_t)scap_tinfo_int(ti, SCAP_TI_CAP_INHERITABLE);
			t->cap_perm = (uint64_t)scap_tinfo_int(ti, SCAP_TI_CAP_PERMITTED);
			t->cap_eff = (uint64_t)scap_tinfo_int(ti, SCAP_TI_CAP_EFFECTIVE);
			/* resource figures of the capture's process table (upstream's
			 * threadinfo init from scap_threadinfo): proc.fdlimit, proc.vm*, thread.pf* */
			t->fdlimit = scap_tinfo_int(ti, SCAP_TI_FDLIMIT);
			t->res_known = true;
			t->pfmajor = (uint64_t)scap_tinfo_int(ti, SCAP_TI_PFMAJOR);
			t->pfminor = (uint64_t)scap_tinfo_int(ti, SCAP_TI_PFMINOR);
			t->vmsize_kb = (uint32_t)scap_tinfo_int(ti, SCAP_TI_VMSIZE_KB);
			t->vmrss_kb = (uint32_t)scap_tinfo_int(ti, SCAP_TI_VMRSS_KB);
			t->vmswap_kb = (uint32_t)scap_tinfo_int(ti, SCAP_TI_VMSWAP_KB);
			size_t len;
			const char *v = scap_tinfo_str(ti, SCAP_TI_COMM, &len);
			sinsp_set_comm(t, v, len);
			struct sinsp_thread *main = tid != pid ? sinsp_get_thread(s, pid, false) : NULL;
			if (main && main->p && !t->p) {
				t->p = main->p;
				t->p->refs++;
				continue;
			}
			if (!t->p && !(t->p = sinsp_proc_new()))
				continue;
			struct sproc *p = t->p;
			v = scap_tinfo_str(ti, SCAP_TI_EXE, &len); sinsp_set_str(&p->exe, v, len);
			v = scap_tinfo_str(ti, SCAP_TI_EXEPATH, &len); sinsp_set_exepath(p, v, len);
			v = scap_tinfo_str(ti, SCAP_TI_CWD, &len);
			if (len)
				sinsp_set_cwd(p, v, len);
			v = scap_tinfo_str(ti, SCAP_TI_ARGS, &len); sinsp_set_bytes(&p->args, &p->args_len, v, (uint32_t)len);
			v = scap_tinfo_str(ti, SCAP_TI_CGROUPS, &len);
			sinsp_set_cgroups(p, v ? v : "", (uint32_t)len);
			v = scap_tinfo_str(ti, SCAP_TI_ENV, &len);
			sinsp_set_bytes(&p->env, &p->env_len, v, (uint32_t)len);
			p->exe_ino_ctime = (uint64_t)scap_tinfo_int(ti, SCAP_TI_EXE_INO_CTIME);
			p->exe_ino_mtime = (uint64_t)scap_tinfo_int(ti, SCAP_TI_EXE_INO_MTIME);
			p->exe_upper_layer = scap_tinfo_int(ti, SCAP_TI_EXE_UPPER_LAYER) != 0;
			p->exe_lower_layer = scap_tinfo_int(ti, SCAP_TI_EXE_LOWER_LAYER) != 0;
			p->exe_writable = scap_tinfo_int(ti, SCAP_TI_EXE_WRITABLE) != 0;
			p->exe_from_memfd = scap_tinfo_int(ti, SCAP_TI_EXE_FROM_MEMFD) != 0;
			p->pidns_start = (uint64_t)scap_tinfo_int(ti, SCAP_TI_PIDNS_INIT_START_TS);
		}
	}
	/* fds */
	for (size_t i = 0; i < scap_fd_count(h); i++) {
		const scap_fdinfo_t *fi = scap_fd_at(h, i);
		struct sinsp_thread *t = sinsp_get_thread(s, scap_fdinfo_int(fi, SCAP_FDI_TID), false);
		if (!t || !t->p)
			continue;
		uint8_t type = (uint8_t)scap_fdinfo_int(fi, SCAP_FDI_TYPE);
		if (type == SCAP_FD_FILE_V2)
			type = SCAP_FD_FILE;
		struct sinsp_fd *f = sinsp_fd_add(s, t->p, scap_fdinfo_int(fi, SCAP_FDI_FD), type);
		if (!f)
			continue;
		f->ino = (uint64_t)scap_fdinfo_int(fi, SCAP_FDI_INO);
		f->open_flags = (uint32_t)scap_fdinfo_int(fi, SCAP_FDI_OPEN_FLAGS);
		size_t len;
		const void *b = scap_fdinfo_bytes(fi, SCAP_FDI_NAME, &len);
		if (b)
			sinsp_fd_set_name(f, b, len);
		if (type == SCAP_FD_IPV4_SOCK || type == SCAP_FD_IPV6_SOCK) {
			f->iplen = type == SCAP_FD_IPV4_SOCK ? 4 : 16;
			memcpy(f->cip, scap_fdinfo_bytes(fi, SCAP_FDI_SIP, NULL), f->iplen);
			memcpy(f->sip, scap_fdinfo_bytes(fi, SCAP_FDI_DIP, NULL), f->iplen);
			f->cport = (uint16_t)scap_fdinfo_int(fi, SCAP_FDI_SPORT);
			f->sport = (uint16_t)scap_fdinfo_int(fi, SCAP_FDI_DPORT);
			f->l4proto = (uint8_t)scap_fdinfo_int(fi, SCAP_FDI_L4PROTO);
			/* upstream (add_fd_from_scap) gives a connected socket of the
			 * table no role: its addresses show only in fd.name */
			f->role = ROLE_NONE;
			if (f->iplen == 4)
				sinsp_fill_unspecified_addr(s, f); /* upstream: IPv4 ones only */
			sinsp_fd_name_tuple(f);
		} else if (type == SCAP_FD_IPV4_SERVSOCK || type == SCAP_FD_IPV6_SERVSOCK) {
			char a[INET6_ADDRSTRLEN], buf[80];
			f->iplen = type == SCAP_FD_IPV4_SERVSOCK ? 4 : 16;
			f->type = f->iplen == 4 ? SCAP_FD_IPV4_SOCK : SCAP_FD_IPV6_SOCK;
			memcpy(f->sip, scap_fdinfo_bytes(fi, SCAP_FDI_SIP, NULL), f->iplen);
			f->sport = (uint16_t)scap_fdinfo_int(fi, SCAP_FDI_SPORT);
			f->l4proto = (uint8_t)scap_fdinfo_int(fi, SCAP_FDI_L4PROTO);
			f->role = ROLE_SERVER;
			inet_ntop(f->iplen == 4 ? AF_INET : AF_INET6, f->sip, a, sizeof(a));
			int n = snprintf(buf, sizeof(buf), "%s:%u", a, f->sport);
			sinsp_fd_set_name(f, buf, (size_t)n);
		}
	}
}

/* ---- a live system's state (proc_scan.c reads it) ---- */
struct sproc *sinsp_add_scanned_thread(sinsp_t *s, const struct sinsp_scanned *st)
{
	struct sinsp_thread *t = sinsp_get_thread(s, st->tid, false);
	if (!t && !(t = sinsp_thread_new(s, st->tid)))
		return NULL;
	t->pid = st->pid;
	t->ptid = st->ptid;
	t->sid = st->sid;
	t->uid = st->uid;
	t->gid = st->gid;
	t->loginuid = st->loginuid;
	t->tty = st->tty;
	t->cap_inh = st->cap_inh;
	t->cap_perm = st->cap_perm;
	t->cap_eff = st->cap_eff;
	sinsp_set_comm(t, st->comm, strlen(st->comm));
	struct sinsp_thread *main = st->tid != st->pid ? sinsp_get_thread(s, st->pid, false) : NULL;
	if (main && main->p && !t->p) {
		t->p = main->p;
		t->p->refs++;
		return NULL;
	}
	if (!t->p && !(t->p = sinsp_proc_new()))
		return NULL;
	return t->p;
}

void sinsp_set_proc_str(struct sproc *p, char which, const char *str, size_t len)
{
	switch (which) {
	case 'e': sinsp_set_str(&p->exe, str, len); break;
	case 'P': sinsp_set_exepath(p, str, len); break;
	case 'c': sinsp_set_cwd(p, str, len); break;
	case 'a': sinsp_set_bytes(&p->args, &p->args_len, str, (uint32_t)len); break;
	case 'g': sinsp_set_cgroups(p, str, (uint32_t)len); break;
	default: break;
	}
}

void sinsp_add_scanned_fd(sinsp_t *s, struct sproc *p, int64_t fd, uint8_t type, const char *name, size_t len)
{
	struct sinsp_fd *f = sinsp_fd_add(s, p, fd, type);
	if (f)
		sinsp_fd_set_name(f, name, len);
}

void sinsp_add_user(sinsp_t *s, bool group, uint32_t id, const char *name, const char *home, const char *shell)
{
	sinsp_add_user_entry(group ? &s->groups : &s->users, id, name, name ? strlen(name) : 0, home, home ? strlen(home) : 0,
		 shell, shell ? strlen(shell) : 0);
}

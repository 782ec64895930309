/* SPDX-License-Identifier: Apache-2.0 */
/*
 * State updates: the thread, fd, user/group and container tables follow the
 * events. Parameters are found by name through a per-type table, so every
 * version of an event is handled alike, and exit events of old captures that
 * lack a parameter take it from the thread's preceding enter event (the way
 * upstream's converter does).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sinsp_int.h"

static const char *const pnames[PN_MAX] = {
	"res", "fd", "name", "flags", "mode", "dirfd", "path", "exe", "args", "tid", "pid", "ptid", "cwd", "comm",
	"cgroups", "uid", "gid", "vtid", "vpid", "loginuid", "tty", "vpgid", "pgid", "trusted_exepath", "euid",
	"egid", "oldfd", "newfd", "cmd", "fd1", "fd2", "ino", "domain", "type", "proto", "tuple", "addr", "option",
	"arg2_str", "json", "id", "image", "home", "shell", "filename", "pathname", "env", "cap_inheritable",
	"cap_permitted", "cap_effective", "exe_ino_ctime", "exe_ino_mtime", "pidns_init_start_ts", "creat_flags",
	"fdlimit", "pgft_maj", "pgft_min", "vm_size", "vm_rss", "vm_swap", "exe_ino", "dev",
	"linkdirfd", "fdout", "out_fd", "fd_out", "arg",
};

enum handler {
	H_NONE, H_CLONE, H_EXECVE, H_PROCEXIT, H_CHDIR, H_FCHDIR, H_SETUID, H_SETGID, H_SETRESUID, H_SETRESGID,
	H_SETSID, H_PRCTL, H_OPEN, H_CLOSE, H_DUP, H_FCNTL, H_PIPE, H_SOCKET, H_SOCKETPAIR, H_BIND, H_CONNECT, H_SEND,
	H_ACCEPT, H_EVENTFD, H_SIGNALFD, H_TIMERFD, H_INOTIFY, H_EPOLL, H_MEMFD, H_USERFAULTFD, H_IOURING,
	H_PIDFD, H_CONTAINER, H_USERADDED, H_GROUPADDED, H_MAX
};

static const struct {
	const char *name;
	uint8_t h;
} handlers[] = {
	{"clone", H_CLONE}, {"fork", H_CLONE}, {"vfork", H_CLONE}, {"clone3", H_CLONE},
	{"execve", H_EXECVE}, {"execveat", H_EXECVE}, {"procexit", H_PROCEXIT}, {"chdir", H_CHDIR},
	{"fchdir", H_FCHDIR}, {"setuid", H_SETUID}, {"setgid", H_SETGID}, {"setresuid", H_SETRESUID},
	{"setresgid", H_SETRESGID}, {"setsid", H_SETSID}, {"prctl", H_PRCTL}, {"open", H_OPEN},
	{"openat", H_OPEN}, {"openat2", H_OPEN}, {"creat", H_OPEN}, {"open_by_handle_at", H_OPEN},
	{"close", H_CLOSE}, {"dup", H_DUP}, {"dup2", H_DUP}, {"dup3", H_DUP}, {"fcntl", H_FCNTL},
	{"pipe", H_PIPE}, {"pipe2", H_PIPE}, {"socket", H_SOCKET}, {"socketpair", H_SOCKETPAIR},
	{"bind", H_BIND}, {"connect", H_CONNECT}, {"accept", H_ACCEPT}, {"accept4", H_ACCEPT},
	{"sendto", H_SEND}, {"sendmsg", H_SEND},
	{"eventfd", H_EVENTFD}, {"eventfd2", H_EVENTFD}, {"signalfd", H_SIGNALFD}, {"signalfd4", H_SIGNALFD},
	{"timerfd_create", H_TIMERFD}, {"inotify_init", H_INOTIFY}, {"inotify_init1", H_INOTIFY},
	{"epoll_create", H_EPOLL}, {"epoll_create1", H_EPOLL}, {"memfd_create", H_MEMFD},
	{"userfaultfd", H_USERFAULTFD}, {"io_uring_setup", H_IOURING}, {"pidfd_open", H_PIDFD},
	{"container", H_CONTAINER}, {"useradded", H_USERADDED}, {"groupadded", H_GROUPADDED},
};

/* scap's clone flags (scap-format.md §10.6) and open flags (§10.3) */
#define PPM_CL_CLONE_FILES (1u << 0)
#define PPM_CL_CLONE_THREAD (1u << 13)
#define PPM_CL_CLONE_NEWPID (1u << 6)
#define PPM_CL_CHILD_IN_PIDNS (1u << 29) /* the child is not in the init pid namespace */
#define PPM_O_DIRECTORY (1u << 10)
#define PPM_O_CLOEXEC (1u << 12)
#define PPM_FD_UPPER_LAYER_CREAT (1u << 0) /* creat's creat_flags */
#define PPM_FD_LOWER_LAYER_CREAT (1u << 1)
#define PPM_AF_UNIX 1
#define PPM_AF_INET 2
#define PPM_AF_INET6 10
#define PPM_AF_NETLINK 16
#define PR_SET_NAME 15
#define F_DUPFD 0
#define F_DUPFD_CLOEXEC 1030

int sinsp_build_tables(sinsp_t *s)
{
	uint32_t n = scap_event_max();

	s->ntypes = n;
	s->pidx = malloc(n * sizeof(*s->pidx));
	s->handler = calloc(n, 1);
	s->keep_enter = calloc(n, 1);
	s->tflags = calloc(n, sizeof(*s->tflags));
	if (!s->pidx || !s->handler || !s->keep_enter || !s->tflags)
		return -1;
	memset(s->pidx, -1, n * sizeof(*s->pidx));
	for (uint32_t t = 0; t < n; t++) {
		for (uint32_t i = 0; i < scap_event_nparams((uint16_t)t) && i < SCAP_MAX_EVENT_PARAMS; i++) {
			const char *pn = scap_event_param_name((uint16_t)t, i);
			for (int k = 0; k < PN_MAX; k++)
				if (s->pidx[t][k] < 0 && !strcmp(pn, pnames[k]))
					s->pidx[t][k] = (int8_t)i;
		}
		s->tflags[t] = scap_event_flags((uint16_t)t);
		const char *name = scap_event_name((uint16_t)t);
		if (!name || (scap_event_flags((uint16_t)t) & SCAP_EF_UNUSED))
			continue;
		for (size_t k = 0; k < sizeof(handlers) / sizeof(handlers[0]); k++)
			if (!strcmp(name, handlers[k].name))
				s->handler[t] = handlers[k].h;
		/* exits that a handler parses or that name an fd may need their
		 * enter event's parameters */
		s->keep_enter[t] = (t & 1) && (s->handler[t] != H_NONE ||
			(scap_event_flags((uint16_t)t) & (SCAP_EF_USES_FD | SCAP_EF_CREATES_FD | SCAP_EF_DESTROYS_FD)));
	}
	return 0;
}

/* ---- parameters ---- */
struct pv {
	const uint8_t *p;
	uint32_t len;
};

/* Parameter `name` of the event, or of the thread's stored enter event
 * when the exit event lacks it. len 0: not available. */
static struct pv param(const sinsp_t *s, const struct sinsp_evt *e, enum pname name)
{
	struct pv v = {NULL, 0};
	uint16_t type = scap_evt_type(e->evt);

	if (type < s->ntypes) {
		int i = s->pidx[type][name];
		const void *d;
		uint32_t len;
		if (i >= 0 && scap_evt_param(e->evt, (uint32_t)i, &d, &len) == SCAP_OK && len) {
			v.p = d;
			v.len = len;
			return v;
		}
	}
	struct sinsp_thread *t = e->thread;
	if (t && type && t->enter_type == type - 1 && type < s->ntypes && (type & 1)) {
		int i = s->pidx[type - 1][name];
		if (i >= 0 && i < t->enter_n && t->enter_len[i]) {
			v.p = t->enter_buf + t->enter_off[i];
			v.len = t->enter_len[i];
		}
	}
	return v;
}

static bool pint(const sinsp_t *s, const struct sinsp_evt *e, enum pname name, int64_t *out)
{
	struct pv v = param(s, e, name);
	switch (v.len) {
	case 8: { int64_t x; memcpy(&x, v.p, 8); *out = x; return true; }
	case 4: { int32_t x; memcpy(&x, v.p, 4); *out = x; return true; }
	case 2: { uint16_t x; memcpy(&x, v.p, 2); *out = x; return true; }
	case 1: *out = v.p[0]; return true;
	default: return false;
	}
}

static bool pu32(const sinsp_t *s, const struct sinsp_evt *e, enum pname name, uint32_t *out)
{
	int64_t v;
	if (!pint(s, e, name, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

/* A string parameter without its NUL (and its length). */
static bool pstr(const sinsp_t *s, const struct sinsp_evt *e, enum pname name, const char **str, uint32_t *len)
{
	struct pv v = param(s, e, name);
	if (!v.len)
		return false;
	*str = (const char *)v.p;
	*len = (uint32_t)strnlen(*str, v.len);
	return true;
}

/* ---- strings ---- */
static void set_str(char **dst, const char *src, size_t len)
{
	char *n = malloc(len + 1);
	if (!n)
		return; /* keep the old value rather than lose the thread */
	memcpy(n, src, len);
	n[len] = 0;
	free(*dst);
	*dst = n;
}

/* upstream's sinsp_threadinfo::set_exepath: a path the kernel marks as
 * unlinked ("/memfd:x (deleted)", from /proc/PID/exe or the probe) is kept
 * without the mark. */
static void set_exepath(struct sproc *p, const char *src, size_t len)
{
	static const char mark[] = " (deleted)";
	size_t m = sizeof(mark) - 1;
	if (len > m && !memcmp(src + len - m, mark, m))
		len -= m;
	set_str(&p->exepath, src, len);
}

static void set_bytes(char **dst, uint32_t *dlen, const char *src, uint32_t len)
{
	set_str(dst, src, len);
	if (*dst)
		*dlen = len;
}

/* A cwd as upstream keeps it: always ending with '/' ("" gives "/"). */
static void set_cwd(struct sproc *p, const char *src, size_t len)
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

static void fd_set_name(struct sinsp_fd *f, const char *s, size_t len)
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

static struct sinsp_fd *fd_find(struct sproc *p, int64_t fd)
{
	struct sinsp_fd *f = NULL;
	if (p)
		HASH_FIND(hh, p->fds, &fd, sizeof(fd), f);
	return f;
}

static void fd_remove(struct sproc *p, struct sinsp_fd *f)
{
	HASH_DEL(p->fds, f);
	p->nfds--;
	sinsp_fd_free(f);
}

/* A new fd entry (replacing any with the same number); NULL past the cap. */
static struct sinsp_fd *fd_add(sinsp_t *s, struct sproc *p, int64_t fd, uint8_t type)
{
	struct sinsp_fd *f = fd_find(p, fd);

	if (f) {
		fd_remove(p, f);
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
static struct sinsp_fd *fd_copy(sinsp_t *s, struct sproc *p, int64_t newfd, const struct sinsp_fd *from)
{
	struct sinsp_fd *f = fd_add(s, p, newfd, from->type);
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
		fd_set_name(f, from->name, from->name_len);
	return f;
}

/* "1.2.3.4:80->5.6.7.8:4000" (upstream's fd.name for IP sockets). */
static void fd_name_tuple(struct sinsp_fd *f)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], buf[160];
	int fam = f->iplen == 4 ? AF_INET : AF_INET6;

	inet_ntop(fam, f->cip, a, sizeof(a));
	inet_ntop(fam, f->sip, b, sizeof(b));
	int n = snprintf(buf, sizeof(buf), "%s:%u->%s:%u", a, f->cport, b, f->sport);
	if (n > 0)
		fd_set_name(f, buf, (size_t)n);
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
static void set_comm(struct sinsp_thread *t, const char *s, size_t len)
{
	if (len >= sizeof(t->comm))
		len = sizeof(t->comm) - 1;
	memcpy(t->comm, s, len);
	t->comm[len] = 0;
}

/* Old events have no comm: the kernel's is the exe's base name. */
static void comm_from_exe(struct sinsp_thread *t, const char *exe)
{
	const char *b = strrchr(exe, '/');
	set_comm(t, b ? b + 1 : exe, strlen(b ? b + 1 : exe));
}

static struct sproc *proc_new(void)
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
static struct sproc *proc_clone(sinsp_t *s, const struct sproc *from)
{
	struct sproc *p = proc_new();
	if (!p)
		return NULL;
	if (from->exe) set_str(&p->exe, from->exe, strlen(from->exe));
	if (from->exepath) set_str(&p->exepath, from->exepath, strlen(from->exepath));
	if (from->cwd) set_str(&p->cwd, from->cwd, strlen(from->cwd));
	if (from->args) set_bytes(&p->args, &p->args_len, from->args, from->args_len);
	if (from->cgroups) set_bytes(&p->cgroups, &p->cgroups_len, from->cgroups, from->cgroups_len);
	if (from->env) set_bytes(&p->env, &p->env_len, from->env, from->env_len);
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
		fd_copy(s, p, f->fd, f);
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

static struct sinsp_thread *thread_new(sinsp_t *s, int64_t tid)
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
	t = thread_new(s, tid);
	if (!t)
		return NULL;
	t->placeholder = true;
	t->p = proc_new();
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
static void add_user(struct suser **table, uint32_t id, const char *name, size_t nlen, const char *home,
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
		set_str(&u->name, name ? name : "", name ? nlen : 0);
	if (home && (!u->home || strlen(u->home) != hlen || memcmp(u->home, home, hlen)))
		set_str(&u->home, home, hlen);
	if (shell && (!u->shell || strlen(u->shell) != slen || memcmp(u->shell, shell, slen)))
		set_str(&u->shell, shell, slen);
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
		add_user(table, id, name, strlen(name), home, home ? strlen(home) : 0, shell, shell ? strlen(shell) : 0);
	} else {
		add_user(table, id, NULL, 0, NULL, 0, NULL, 0);
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
static void fill_unspecified_addr(const sinsp_t *s, struct sinsp_fd *f);

void sinsp_load_metadata(sinsp_t *s)
{
	scap_t *h = s->h;

	for (size_t i = 0; i < scap_user_count(h); i++) {
		const scap_user_t *u = scap_user_at(h, i);
		const char *n = scap_user_name(u), *hd = scap_user_homedir(u), *sh = scap_user_shell(u);
		add_user(&s->users, scap_user_uid(u), n, strlen(n), hd, strlen(hd), sh, strlen(sh));
	}
	for (size_t i = 0; i < scap_group_count(h); i++) {
		const scap_group_t *g = scap_group_at(h, i);
		const char *n = scap_group_name(g);
		add_user(&s->groups, scap_group_gid(g), n, strlen(n), NULL, 0, NULL, 0);
	}
	/* threads: main threads first, so other threads can share their process */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < scap_proc_count(h); i++) {
			const scap_tinfo_t *ti = scap_proc_at(h, i);
			int64_t tid = scap_tinfo_int(ti, SCAP_TI_TID), pid = scap_tinfo_int(ti, SCAP_TI_PID);
			if ((pass == 0) != (tid == pid))
				continue;
			struct sinsp_thread *t = sinsp_get_thread(s, tid, false);
			if (!t && !(t = thread_new(s, tid)))
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
			set_comm(t, v, len);
			struct sinsp_thread *main = tid != pid ? sinsp_get_thread(s, pid, false) : NULL;
			if (main && main->p && !t->p) {
				t->p = main->p;
				t->p->refs++;
				continue;
			}
			if (!t->p && !(t->p = proc_new()))
				continue;
			struct sproc *p = t->p;
			v = scap_tinfo_str(ti, SCAP_TI_EXE, &len); set_str(&p->exe, v, len);
			v = scap_tinfo_str(ti, SCAP_TI_EXEPATH, &len); set_exepath(p, v, len);
			v = scap_tinfo_str(ti, SCAP_TI_CWD, &len);
			if (len)
				set_cwd(p, v, len);
			v = scap_tinfo_str(ti, SCAP_TI_ARGS, &len); set_bytes(&p->args, &p->args_len, v, (uint32_t)len);
			v = scap_tinfo_str(ti, SCAP_TI_CGROUPS, &len);
			set_bytes(&p->cgroups, &p->cgroups_len, v, (uint32_t)len);
			v = scap_tinfo_str(ti, SCAP_TI_ENV, &len);
			set_bytes(&p->env, &p->env_len, v, (uint32_t)len);
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
		struct sinsp_fd *f = fd_add(s, t->p, scap_fdinfo_int(fi, SCAP_FDI_FD), type);
		if (!f)
			continue;
		f->ino = (uint64_t)scap_fdinfo_int(fi, SCAP_FDI_INO);
		f->open_flags = (uint32_t)scap_fdinfo_int(fi, SCAP_FDI_OPEN_FLAGS);
		size_t len;
		const void *b = scap_fdinfo_bytes(fi, SCAP_FDI_NAME, &len);
		if (b)
			fd_set_name(f, b, len);
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
				fill_unspecified_addr(s, f); /* upstream: IPv4 ones only */
			fd_name_tuple(f);
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
			fd_set_name(f, buf, (size_t)n);
		}
	}
}

/* ---- a live system's state (proc_scan.c reads it) ---- */
struct sproc *sinsp_add_scanned_thread(sinsp_t *s, const struct sinsp_scanned *st)
{
	struct sinsp_thread *t = sinsp_get_thread(s, st->tid, false);
	if (!t && !(t = thread_new(s, st->tid)))
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
	set_comm(t, st->comm, strlen(st->comm));
	struct sinsp_thread *main = st->tid != st->pid ? sinsp_get_thread(s, st->pid, false) : NULL;
	if (main && main->p && !t->p) {
		t->p = main->p;
		t->p->refs++;
		return NULL;
	}
	if (!t->p && !(t->p = proc_new()))
		return NULL;
	return t->p;
}

void sinsp_set_proc_str(struct sproc *p, char which, const char *str, size_t len)
{
	switch (which) {
	case 'e': set_str(&p->exe, str, len); break;
	case 'P': set_exepath(p, str, len); break;
	case 'c': set_cwd(p, str, len); break;
	case 'a': set_bytes(&p->args, &p->args_len, str, (uint32_t)len); break;
	case 'g': set_bytes(&p->cgroups, &p->cgroups_len, str, (uint32_t)len); p->container_done = false; break;
	default: break;
	}
}

void sinsp_add_scanned_fd(sinsp_t *s, struct sproc *p, int64_t fd, uint8_t type, const char *name, size_t len)
{
	struct sinsp_fd *f = fd_add(s, p, fd, type);
	if (f)
		fd_set_name(f, name, len);
}

void sinsp_add_user(sinsp_t *s, bool group, uint32_t id, const char *name, const char *home, const char *shell)
{
	add_user(group ? &s->groups : &s->users, id, name, name ? strlen(name) : 0, home, home ? strlen(home) : 0,
		 shell, shell ? strlen(shell) : 0);
}

/* ---- per-event handlers ---- */
static int64_t result(const sinsp_t *s, const struct sinsp_evt *e)
{
	int64_t r = -1;
	if (!pint(s, e, PN_RES, &r))
		pint(s, e, PN_FD, &r); /* open-family exits name their result "fd" */
	return r;
}

static void on_clone(sinsp_t *s, struct sinsp_evt *e)
{
	int64_t res = result(s, e);
	uint32_t flags = 0;
	pu32(s, e, PN_FLAGS, &flags);
	int64_t ctid;
	struct sinsp_thread *parent, *child;

	if (res < 0)
		return;
	ctid = res == 0 ? scap_evt_tid(e->evt) : res; /* the child's side: the event's thread is the child */
	child = sinsp_get_thread(s, ctid, false);
	if (child && !child->placeholder && child->clone_ts && res > 0)
		return; /* the child side came first: already complete */
	if (child && child->p) {
		sinsp_proc_unref(s, child->p);
		child->p = NULL;
	}
	/* create the child before looking the parent up: a new thread may evict
	 * others (never the event's own thread) */
	if (!child && !(child = thread_new(s, ctid)))
		return;
	parent = e->thread;
	if (res == 0) {
		/* upstream (parse_clone_exit_child): a new thread copies from its
		 * process's main thread, a new process from its parent */
		int64_t ptid, cpid;
		if ((flags & PPM_CL_CLONE_THREAD) && pint(s, e, PN_PID, &cpid) && cpid != ctid)
			parent = sinsp_get_thread(s, cpid, false);
		else
			parent = pint(s, e, PN_PTID, &ptid) && ptid != ctid ? sinsp_get_thread(s, ptid, false) : NULL;
	}
	child->placeholder = false;
	child->clone_ts = scap_evt_ts(e->evt);
	child->lastseen = scap_evt_ts(e->evt);
	int64_t v;
	if (res == 0) {
		if (pint(s, e, PN_PID, &v)) child->pid = v;
		if (pint(s, e, PN_PTID, &v)) child->ptid = v;
		if (pint(s, e, PN_VTID, &v)) child->vtid = v;
		if (pint(s, e, PN_VPID, &v)) child->vpid = v;
	} else {
		int64_t ppid = parent ? parent->pid : -1;
		if (pint(s, e, PN_PID, &v))
			ppid = v;
		child->pid = (flags & PPM_CL_CLONE_THREAD) ? ppid : ctid;
		child->ptid = (flags & PPM_CL_CLONE_THREAD) && parent ? parent->ptid : scap_evt_tid(e->evt);
	}
	uint32_t u;
	if (pu32(s, e, PN_UID, &u)) child->uid = u; else if (parent) child->uid = parent->uid;
	if (pu32(s, e, PN_GID, &u)) child->gid = u; else if (parent) child->gid = parent->gid;
	if (parent) {
		child->sid = parent->sid;
		child->vpgid = parent->vpgid;
		child->pgid = parent->pgid;
		child->loginuid = parent->loginuid;
		child->tty = parent->tty;
	}
	/* the process: shared with the parent for threads, copied for processes */
	struct sinsp_thread *leader = sinsp_get_thread(s, child->pid, false);
	if ((flags & PPM_CL_CLONE_THREAD) && leader && leader != child && leader->p) {
		child->p = leader->p;
		child->p->refs++;
	} else if (parent && parent->p && !(flags & PPM_CL_CLONE_THREAD)) {
		child->p = proc_clone(s, parent->p);
	}
	if (!child->p && !(child->p = proc_new()))
		return;
	struct sproc *p = child->p;
	const char *str;
	uint32_t len;
	if (pstr(s, e, PN_EXE, &str, &len)) set_str(&p->exe, str, len);
	if (pstr(s, e, PN_COMM, &str, &len))
		set_comm(child, str, len);
	else if (parent && parent->comm[0])
		memcpy(child->comm, parent->comm, sizeof(child->comm));
	else if (p->exe)
		comm_from_exe(child, p->exe);
	/* the cwd is the parent's (copied above): upstream ignores the event's */
	struct pv a = param(s, e, PN_ARGS);
	if (a.len) set_bytes(&p->args, &p->args_len, (const char *)a.p, a.len);
	struct pv cg = param(s, e, PN_CGROUPS);
	if (cg.len) {
		set_bytes(&p->cgroups, &p->cgroups_len, (const char *)cg.p, cg.len);
		p->container_done = false;
	}
	/* upstream: a child in a pid namespace of its own: the event's start of
	 * the namespace's init (monotonic) plus the boot time; any other: the
	 * boot time (0 when the stream gives none: no value) */
	uint64_t boot = 0;
	struct scap_machine_info mi = {.sz = sizeof(mi)};
	if (s->h && scap_get_machine_info(s->h, &mi) == SCAP_OK)
		boot = mi.boot_ts_epoch;
	int64_t ns;
	if ((flags & (PPM_CL_CHILD_IN_PIDNS | PPM_CL_CLONE_NEWPID)) || (child->vtid >= 0 && child->vtid != child->tid)) {
		if (pint(s, e, PN_PIDNS_START, &ns))
			p->pidns_start = (uint64_t)ns + boot;
	} else {
		p->pidns_start = boot;
	}
	if (parent) {
		child->cap_inh = parent->cap_inh;
		child->cap_perm = parent->cap_perm;
		child->cap_eff = parent->cap_eff;
	}
	if (parent && !child->exe_ino)
		child->exe_ino = parent->exe_ino;
	sinsp_thread_resources(s, e, child);
}

/* resource figures of clone/execve exits (for proc.vmsize, proc.fdlimit, ...) */
void sinsp_thread_resources(sinsp_t *s, const struct sinsp_evt *e, struct sinsp_thread *t)
{
	int64_t v;
	if (pint(s, e, PN_FDLIMIT, &v)) { t->fdlimit = v; t->res_known = true; }
	if (pint(s, e, PN_PGFT_MAJ, &v)) t->pfmajor = (uint64_t)v;
	if (pint(s, e, PN_PGFT_MIN, &v)) t->pfminor = (uint64_t)v;
	if (pint(s, e, PN_VM_SIZE, &v)) t->vmsize_kb = (uint32_t)v;
	if (pint(s, e, PN_VM_RSS, &v)) t->vmrss_kb = (uint32_t)v;
	if (pint(s, e, PN_VM_SWAP, &v)) t->vmswap_kb = (uint32_t)v;
	if (pint(s, e, PN_EXE_INO, &v)) t->exe_ino = (uint64_t)v;
}

#define PPM_EXE_WRITABLE 1u /* execve_flags (event-schema.json) */
#define PPM_EXE_UPPER_LAYER 2u
#define PPM_EXE_FROM_MEMFD 4u
#define PPM_EXE_LOWER_LAYER 8u

static void on_execve(sinsp_t *s, struct sinsp_evt *e)
{
	struct sinsp_thread *t = e->thread;
	if (!t || result(s, e) != 0 || !(scap_evt_type(e->evt) & 1) /* enter */)
		return;
	if (!t->p && !(t->p = proc_new()))
		return;
	struct sproc *p = t->p;
	const char *str;
	uint32_t len;
	int64_t v;
	bool was_placeholder = t->placeholder;
	t->placeholder = false;
	/* the close-on-exec fds are gone (upstream purges them too) */
	struct sinsp_fd *f, *ftmp;
	HASH_ITER(hh, p->fds, f, ftmp)
		if (f->open_flags & PPM_O_CLOEXEC)
			fd_remove(p, f);
	if (pstr(s, e, PN_EXE, &str, &len)) set_str(&p->exe, str, len);
	if (pstr(s, e, PN_COMM, &str, &len))
		set_comm(t, str, len);
	else if (p->exe)
		comm_from_exe(t, p->exe);
	if (pstr(s, e, PN_TRUSTED_EXEPATH, &str, &len)) set_exepath(p, str, len);
	else if (pstr(s, e, PN_FILENAME, &str, &len) || pstr(s, e, PN_PATHNAME, &str, &len)) {
		char abs[4096];
		size_t n = resolve_path(abs, sizeof(abs), p->cwd ? p->cwd : "", p->cwd ? strlen(p->cwd) : 0, str, len);
		set_exepath(p, abs, n);
	} else if (p->exe && p->exe[0] == '/') {
		set_str(&p->exepath, p->exe, strlen(p->exe));
	}
	/* execve does not change the cwd (upstream ignores the event's) */
	struct pv a = param(s, e, PN_ARGS);
	set_bytes(&p->args, &p->args_len, a.len ? (const char *)a.p : "", a.len);
	struct pv cg = param(s, e, PN_CGROUPS);
	if (cg.len) {
		set_bytes(&p->cgroups, &p->cgroups_len, (const char *)cg.p, cg.len);
		p->container_done = false;
	}
	struct pv env = param(s, e, PN_ENV);
	if (env.len)
		set_bytes(&p->env, &p->env_len, (const char *)env.p, env.len);
	int64_t c1, c2, c3;
	if (pint(s, e, PN_CAP_INH, &c1) && pint(s, e, PN_CAP_PERM, &c2) && pint(s, e, PN_CAP_EFF, &c3)) {
		t->cap_inh = (uint64_t)c1;
		t->cap_perm = (uint64_t)c2;
		t->cap_eff = (uint64_t)c3;
	}
	if (pint(s, e, PN_EXE_INO_CTIME, &c1))
		p->exe_ino_ctime = (uint64_t)c1;
	if (pint(s, e, PN_EXE_INO_MTIME, &c1))
		p->exe_ino_mtime = (uint64_t)c1;
	uint32_t xflags;
	if (s->pidx[scap_evt_type(e->evt)][PN_FLAGS] >= 0 && pu32(s, e, PN_FLAGS, &xflags)) {
		p->exe_upper_layer = (xflags & PPM_EXE_UPPER_LAYER) != 0;
		p->exe_lower_layer = (xflags & PPM_EXE_LOWER_LAYER) != 0;
		p->exe_writable = (xflags & PPM_EXE_WRITABLE) != 0;
		p->exe_from_memfd = (xflags & PPM_EXE_FROM_MEMFD) != 0;
	}
	if (pint(s, e, PN_PID, &v)) t->pid = v;
	if (pint(s, e, PN_PTID, &v)) t->ptid = v;
	/* a thread first seen here: its ids in its namespace are taken as the
	 * host's (upstream does so for threads it did not know) */
	if (was_placeholder && t->vtid < 0) {
		t->vtid = t->tid;
		t->vpid = t->pid;
	}
	if (pint(s, e, PN_VPGID, &v)) t->vpgid = v;
	if (pint(s, e, PN_PGID, &v)) t->pgid = v;
	uint32_t u;
	if (pu32(s, e, PN_LOGINUID, &u)) t->loginuid = u;
	if (pu32(s, e, PN_TTY, &u)) t->tty = u;
	if (pu32(s, e, PN_UID, &u)) t->uid = u;
	if (pu32(s, e, PN_GID, &u)) t->gid = u;
}

/* The fd the event names: "fd" param for users of fds. */
static int64_t evt_fd_param(const sinsp_t *s, const struct sinsp_evt *e)
{
	int64_t fd;
	return pint(s, e, PN_FD, &fd) ? fd : -1;
}

/* The fd an exit event that uses one is about (upstream's
 * get_exit_event_fd_location, by parameter name): its "fd", else dup's
 * source, the *at calls' directory (AT_FDCWD: -100), symlinkat's, the
 * output side of copy_file_range, sendfile and splice. */
static bool evt_fd_location(const sinsp_t *s, const struct sinsp_evt *e, int64_t *fd)
{
	static const enum pname order[] = {PN_FD, PN_OLDFD, PN_DIRFD, PN_LINKDIRFD, PN_FDOUT, PN_OUT_FD, PN_FD_OUT};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (pint(s, e, order[i], fd))
			return true;
	return false;
}

static void on_open(sinsp_t *s, struct sinsp_evt *e)
{
	struct sproc *p = e->thread ? e->thread->p : NULL;
	int64_t fd = result(s, e);
	const char *name;
	uint32_t nlen;

	if (!p || !(scap_evt_type(e->evt) & 1) /* enter */)
		return;
	bool have_name = pstr(s, e, PN_NAME, &name, &nlen) || pstr(s, e, PN_PATH, &name, &nlen);
	uint32_t flags = 0, cflags;
	pu32(s, e, PN_FLAGS, &flags);
	/* creat has no flags: its overlay layer comes in creat_flags */
	if (pu32(s, e, PN_CREAT_FLAGS, &cflags))
		flags |= (cflags & PPM_FD_UPPER_LAYER_CREAT) ? PPM_FD_UPPER_LAYER
			 : (cflags & PPM_FD_LOWER_LAYER_CREAT) ? PPM_FD_LOWER_LAYER : 0;
	/* relative to cwd or to dirfd */
	const char *dir = p->cwd ? p->cwd : "";
	size_t dlen = strlen(dir);
	int64_t dirfd;
	if (pint(s, e, PN_DIRFD, &dirfd) && dirfd != -100) {
		struct sinsp_fd *df = fd_find(p, dirfd);
		dir = df && df->name ? df->name : "";
		dlen = df ? df->name_len : 0;
	}
	char abs[4096] = "";
	size_t n = have_name ? resolve_path(abs, sizeof(abs), dir, dlen, name, nlen) : 0; /* unknown: "" */
	if (fd < 0) {
		/* failed: no fd, but fd.name is the path it tried */
		memcpy(s->evt_name, abs, n + 1);
		e->evt_name = s->evt_name;
		e->evt_name_len = (uint32_t)n;
		return;
	}
	struct sinsp_fd *f = fd_add(s, p, fd, (flags & PPM_O_DIRECTORY) ? SCAP_FD_DIRECTORY : SCAP_FD_FILE);
	if (!f)
		return;
	f->open_flags = flags;
	int64_t ino;
	if (pint(s, e, PN_INO, &ino))
		f->ino = (uint64_t)ino;
	uint32_t dev = 0;
	pu32(s, e, PN_DEV, &dev);
	f->dev = dev; /* fd.dev */
	fd_set_name(f, abs, n);
	e->fd = f;
	e->fdnum = fd;
	e->fd_name_changed = n > 0; /* upstream: a new fd's name was "" */
}

static void new_typed_fd(sinsp_t *s, struct sinsp_evt *e, uint8_t type, const char *name)
{
	struct sproc *p = e->thread ? e->thread->p : NULL;
	int64_t fd = result(s, e);
	if (!p || fd < 0 || !(scap_evt_type(e->evt) & 1) /* enter */)
		return;
	struct sinsp_fd *f = fd_add(s, p, fd, type);
	if (!f)
		return;
	fd_set_name(f, name, strlen(name));
	e->fd = f;
	e->fdnum = fd;
	e->fd_name_changed = name[0] != 0; /* a memfd's */
}

static void on_socket(sinsp_t *s, struct sinsp_evt *e)
{
	int64_t dom = -1, proto = 0, type = 0;
	pint(s, e, PN_DOMAIN, &dom);
	pint(s, e, PN_TYPE, &type);
	pint(s, e, PN_PROTO, &proto);
	uint8_t ft = dom == PPM_AF_INET ? SCAP_FD_IPV4_SOCK : dom == PPM_AF_INET6 ? SCAP_FD_IPV6_SOCK
		   : dom == PPM_AF_UNIX ? SCAP_FD_UNIX_SOCK : dom == PPM_AF_NETLINK ? SCAP_FD_NETLINK
		   : SCAP_FD_UNSUPPORTED;
	new_typed_fd(s, e, ft, "");
	if (e->fd && (ft == SCAP_FD_IPV4_SOCK || ft == SCAP_FD_IPV6_SOCK)) {
		e->fd->iplen = ft == SCAP_FD_IPV4_SOCK ? 4 : 16;
		int st = (int)(type & 0xf);
		e->fd->l4proto = st == 1 ? 2 /* tcp */ : st == 2 ? 3 /* udp */ : st == 3 ? 5 /* raw */ : 0;
	}
}

/* Apply a socket tuple (connect: local->remote; accept: remote->local). */
static void apply_tuple(struct sinsp_fd *f, const uint8_t *t, uint32_t len, bool accept_side)
{
	if (len >= 13 && t[0] == PPM_AF_INET) {
		f->type = SCAP_FD_IPV4_SOCK;
		f->iplen = 4;
		memcpy(f->cip, t + 1, 4);
		memcpy(&f->cport, t + 5, 2);
		memcpy(f->sip, t + 7, 4);
		memcpy(&f->sport, t + 11, 2);
	} else if (len >= 37 && t[0] == PPM_AF_INET6) {
		f->type = SCAP_FD_IPV6_SOCK;
		f->iplen = 16;
		memcpy(f->cip, t + 1, 16);
		memcpy(&f->cport, t + 17, 2);
		memcpy(f->sip, t + 19, 16);
		memcpy(&f->sport, t + 35, 2);
	} else if (len >= 17 && t[0] == PPM_AF_UNIX) {
		f->type = SCAP_FD_UNIX_SOCK;
		size_t n = strnlen((const char *)t + 17, len - 17);
		fd_set_name(f, (const char *)t + 17, n);
		return;
	} else {
		return;
	}
	f->role = accept_side ? ROLE_SERVER : ROLE_CLIENT;
	if (!f->l4proto)
		f->l4proto = 2; /* tcp unless socket() said otherwise */
	fd_name_tuple(f);
}

/* fd_name_tuple, noting that the event changed the fd's name. */
static void retuple_name(struct sinsp_evt *e, struct sinsp_fd *f)
{
	char old[128];
	size_t olen = f->name_len < sizeof(old) ? f->name_len : sizeof(old);
	if (olen)
		memcpy(old, f->name, olen);
	fd_name_tuple(f);
	e->fd_name_changed = f->name_len != olen || (olen && memcmp(old, f->name, olen));
}

/* apply_tuple, noting whether the fd's name changed. */
static void retuple(struct sinsp_evt *e, struct sinsp_fd *f, const uint8_t *t, uint32_t len, bool accept_side)
{
	char old[128];
	size_t olen = f->name_len < sizeof(old) ? f->name_len : sizeof(old);
	if (olen)
		memcpy(old, f->name, olen);
	apply_tuple(f, t, len, accept_side);
	e->fd_name_changed = f->name_len != olen || (olen && memcmp(old, f->name, olen));
}

static void on_connect(sinsp_t *s, struct sinsp_evt *e)
{
	struct sproc *p = e->thread ? e->thread->p : NULL;
	int64_t res = -1, fd = evt_fd_param(s, e);
	pint(s, e, PN_RES, &res);
	if (!p || fd < 0 || !(scap_evt_type(e->evt) & 1) /* enter */)
		return;
	if (res < 0 && res != -115 /* EINPROGRESS */)
		return;
	struct sinsp_fd *f = fd_find(p, fd);
	if (f)
		f->connected = 1;
	struct pv t = param(s, e, PN_TUPLE);
	if (!t.len)
		return;
	if (!f && !(f = fd_add(s, p, fd, SCAP_FD_IPV4_SOCK)))
		return;
	f->connected = 1;
	retuple(e, f, t.p, t.len, false);
	e->fd = f;
	e->fdnum = fd;
}

static void on_accept(sinsp_t *s, struct sinsp_evt *e)
{
	struct sproc *p = e->thread ? e->thread->p : NULL;
	int64_t fd = result(s, e);
	if (!p || fd < 0 || !(scap_evt_type(e->evt) & 1) /* enter */)
		return;
	struct sinsp_fd *f = fd_add(s, p, fd, SCAP_FD_IPV4_SOCK);
	if (!f)
		return;
	f->connected = 1;
	struct pv t = param(s, e, PN_TUPLE);
	if (t.len)
		retuple(e, f, t.p, t.len, true);
	e->fd = f;
	e->fdnum = fd;
}

/* upstream's sinsp_network_interfaces::infer_ipv4/ipv6_address: the
 * interface address that is `dst`, else one in dst's subnet (IPv6: the
 * same first 64 bits), else the first that is not the loopback; false
 * when the capture lists no interface of that family. */
static bool infer_local_addr(const sinsp_t *s, const uint8_t *dst, uint8_t iplen, uint8_t *out)
{
	static const uint8_t lo4[4] = {127, 0, 0, 1}, lo6[16] = {[15] = 1};
	size_t n = s->h ? scap_iface_count(s->h) : 0;
	const uint8_t *best = NULL;
	int rank = 3;
	for (size_t i = 0; i < n && rank; i++) {
		size_t alen = 0, mlen = 0;
		const scap_iface_t *ifc = scap_iface_at(s->h, i);
		const uint8_t *a = scap_iface_addr(ifc, &alen);
		if (!a || alen != iplen)
			continue;
		if (!memcmp(a, dst, iplen)) {
			best = a;
			rank = 0;
			break;
		}
		bool same_net;
		if (iplen == 4) {
			const uint8_t *m = scap_iface_netmask(ifc, &mlen);
			same_net = m && mlen == 4;
			for (int k = 0; same_net && k < 4; k++)
				same_net = (a[k] & m[k]) == (dst[k] & m[k]);
		} else {
			same_net = !memcmp(a, dst, 8);
		}
		if (same_net && rank > 1) {
			best = a;
			rank = 1;
		} else if (rank > 2 && memcmp(a, iplen == 4 ? lo4 : lo6, iplen)) {
			best = a;
			rank = 2;
		}
	}
	if (!best)
		return false;
	memcpy(out, best, iplen);
	return true;
}

/* upstream's sinsp_network_interfaces::update_fd on a tuple whose one
 * address is unspecified (a socket sending before it is bound): that
 * address becomes the local interface address inferred from the other.
 * cip/cport are upstream's source end, sip/sport its destination. */
static void fill_unspecified_addr(const sinsp_t *s, struct sinsp_fd *f)
{
	static const uint8_t zero[16];
	bool c0 = !memcmp(f->cip, zero, f->iplen), s0 = !memcmp(f->sip, zero, f->iplen);
	if (!c0 && !s0)
		return;
	uint8_t *target = c0 ? f->cip : f->sip;
	const uint8_t *from = c0 ? f->sip : f->cip;
	uint8_t addr[16] = {0};
	infer_local_addr(s, from, f->iplen, addr); /* stays unspecified when nothing fits, as upstream */
	if (!memcmp(addr, from, f->iplen) && f->cport == f->sport)
		return;
	memcpy(target, addr, f->iplen);
}

/* A tuple parameter's IP ends: 0 when it is not an IP tuple. IPv6 tuples
 * of two IPv4-mapped addresses are IPv4 ones (upstream). */
static uint8_t tuple_ip(const uint8_t *t, uint32_t len, uint8_t *sip, uint16_t *sport, uint8_t *dip, uint16_t *dport)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (len >= 13 && t[0] == PPM_AF_INET) {
		memcpy(sip, t + 1, 4);
		memcpy(sport, t + 5, 2);
		memcpy(dip, t + 7, 4);
		memcpy(dport, t + 11, 2);
		return 4;
	}
	if (len >= 37 && t[0] == PPM_AF_INET6) {
		if (!memcmp(t + 1, mapped, 12) && !memcmp(t + 19, mapped, 12)) {
			memcpy(sip, t + 13, 4);
			memcpy(sport, t + 17, 2);
			memcpy(dip, t + 31, 4);
			memcpy(dport, t + 35, 2);
			return 4;
		}
		memcpy(sip, t + 1, 16);
		memcpy(sport, t + 17, 2);
		memcpy(dip, t + 19, 16);
		memcpy(dport, t + 35, 2);
		return 16;
	}
	return 0;
}

/* sendto / sendmsg exit (upstream's parse_rw_exit for writes): a socket
 * with no name yet, or one that is not TCP (an unconnected UDP socket),
 * takes the address the call sent to: the tuple's source fills the
 * socket's source end, its destination the destination end when that is
 * still unknown; an unspecified local address is inferred from the
 * interfaces; a socket of no role becomes a client's (upstream's guess
 * for an outgoing datagram), a server's is shown from the client's side. */
static void on_send(sinsp_t *s, struct sinsp_evt *e)
{
	struct sproc *p = e->thread ? e->thread->p : NULL;
	int64_t res = -1, fd = evt_fd_param(s, e);
	pint(s, e, PN_RES, &res);
	if (!p || fd < 0 || res < 0 || !(scap_evt_type(e->evt) & 1) /* enter */)
		return;
	struct sinsp_fd *f = fd_find(p, fd);
	if (!f || (f->name_len && f->l4proto == 2 /* tcp */))
		return;
	struct pv t = param(s, e, PN_TUPLE);
	if (!t.len)
		return;
	if (t.p[0] == PPM_AF_UNIX) {
		if (t.len > 17) {
			f->type = SCAP_FD_UNIX_SOCK;
			fd_set_name(f, (const char *)t.p + 17, strnlen((const char *)t.p + 17, t.len - 17));
		}
		return;
	}
	uint8_t tsip[16] = {0}, tdip[16] = {0};
	uint16_t tsport = 0, tdport = 0;
	uint8_t iplen = tuple_ip(t.p, t.len, tsip, &tsport, tdip, &tdport);
	if (!iplen)
		return;
	if (f->role == ROLE_SERVER && !f->cport) {
		/* a listening socket: no peer yet */
		memset(f->cip, 0, sizeof(f->cip));
		memset(f->sip, 0, sizeof(f->sip));
		f->sport = 0;
	}
	uint8_t ft = iplen == 4 ? SCAP_FD_IPV4_SOCK : SCAP_FD_IPV6_SOCK;
	if (f->type == ft && f->iplen == iplen &&
	    ((!memcmp(tsip, f->cip, iplen) && tsport == f->cport && !memcmp(tdip, f->sip, iplen) && tdport == f->sport) ||
	     (!memcmp(tdip, f->cip, iplen) && tdport == f->cport && !memcmp(tsip, f->sip, iplen) && tsport == f->sport)))
		return; /* the tuple it has, either way round */
	static const uint8_t zero[16];
	bool changed = false;
	if (f->iplen != iplen) {
		memset(f->cip, 0, sizeof(f->cip));
		memset(f->sip, 0, sizeof(f->sip));
		f->cport = f->sport = 0;
		changed = true;
	}
	f->type = ft;
	f->iplen = iplen;
	if (memcmp(f->cip, tsip, iplen) || f->cport != tsport) {
		memcpy(f->cip, tsip, iplen);
		f->cport = tsport;
		changed = true;
	}
	if (!memcmp(f->sip, zero, iplen)) {
		memcpy(f->sip, tdip, iplen);
		changed = true;
	}
	if (!f->sport) {
		f->sport = tdport;
		changed = true;
	}
	if (!changed)
		return;
	if (!f->l4proto)
		f->l4proto = 3; /* udp */
	fill_unspecified_addr(s, f);
	if (f->role == ROLE_NONE) {
		f->role = ROLE_CLIENT;
	} else if (f->role == ROLE_SERVER) {
		uint8_t ip[16];
		memcpy(ip, f->cip, 16);
		memcpy(f->cip, f->sip, 16);
		memcpy(f->sip, ip, 16);
		uint16_t port = f->cport;
		f->cport = f->sport;
		f->sport = port;
	}
	retuple_name(e, f);
	e->fd = f;
	e->fdnum = fd;
}

static void on_bind(sinsp_t *s, struct sinsp_evt *e)
{
	struct sproc *p = e->thread ? e->thread->p : NULL;
	int64_t res = -1, fd = evt_fd_param(s, e);
	pint(s, e, PN_RES, &res);
	if (!p || fd < 0 || res != 0)
		return;
	struct sinsp_fd *f = fd_find(p, fd);
	struct pv a = param(s, e, PN_ADDR);
	if (!f || !a.len)
		return;
	char ip[INET6_ADDRSTRLEN], buf[80];
	uint8_t bip[16];
	uint16_t bport;
	uint8_t blen;
	if (a.len >= 7 && a.p[0] == PPM_AF_INET) {
		blen = 4;
		memcpy(bip, a.p + 1, 4);
		memcpy(&bport, a.p + 5, 2);
	} else if (a.len >= 19 && a.p[0] == PPM_AF_INET6) {
		blen = 16;
		memcpy(bip, a.p + 1, 16);
		memcpy(&bport, a.p + 17, 2);
	} else if (a.p[0] == PPM_AF_UNIX) {
		fd_set_name(f, (const char *)a.p + 1, strnlen((const char *)a.p + 1, a.len - 1));
		return;
	} else {
		return;
	}
	/* upstream (parse_bind_exit): only a bind to a port makes a listening
	 * (server) socket; the name is the address either way */
	if (bport) {
		f->iplen = blen;
		memcpy(f->sip, bip, blen);
		f->sport = bport;
		f->cport = 0;
		memset(f->cip, 0, sizeof(f->cip));
		f->role = ROLE_SERVER;
	}
	inet_ntop(blen == 4 ? AF_INET : AF_INET6, bip, ip, sizeof(ip));
	int n = snprintf(buf, sizeof(buf), "%s:%u", ip, bport);
	fd_set_name(f, buf, (size_t)n);
	e->fd_name_changed = true;
}

static void on_dup(sinsp_t *s, struct sinsp_evt *e, bool fcntl)
{
	struct sproc *p = e->thread ? e->thread->p : NULL;
	int64_t res = -1, oldfd = -1;
	bool cloexec_cmd = false;
	pint(s, e, PN_RES, &res);
	if (!p || !(scap_evt_type(e->evt) & 1) /* enter */)
		return;
	if (fcntl) {
		int64_t cmd = -1;
		pint(s, e, PN_CMD, &cmd);
		/* fcntl's cmd is an enum of scap's own: F_DUPFD is 1, F_DUPFD_CLOEXEC 8 in
		 * the fcntl_commands table; compare by name */
		const scap_flag_table_t *ft = scap_flag_table_find("fcntl_commands");
		char name[32] = "";
		if (ft)
			scap_flags_format(ft, (uint32_t)cmd, name, sizeof(name));
		if (!strcmp(name, "F_SETFD")) {
			/* upstream: close-on-exec as arg's FD_CLOEXEC (1) says */
			int64_t arg = 0;
			struct sinsp_fd *f = res >= 0 && pint(s, e, PN_ARG, &arg) ? fd_find(p, evt_fd_param(s, e)) : NULL;
			if (f)
				f->open_flags = (arg & 1) ? f->open_flags | PPM_O_CLOEXEC : f->open_flags & ~PPM_O_CLOEXEC;
			return;
		}
		if (strcmp(name, "F_DUPFD") && strcmp(name, "F_DUPFD_CLOEXEC"))
			return;
		cloexec_cmd = !strcmp(name, "F_DUPFD_CLOEXEC");
		pint(s, e, PN_FD, &oldfd);
	} else if (!pint(s, e, PN_OLDFD, &oldfd)) {
		pint(s, e, PN_FD, &oldfd);
	}
	/* upstream: the event is about the copy (its fd number too); about the
	 * source when the call failed; about the source's number alone when the
	 * source is unknown */
	struct sinsp_fd *from = fd_find(p, oldfd);
	e->fdnum = from && res >= 0 ? res : oldfd;
	if (!from || res < 0 || res == oldfd) {
		e->fd = from;
		return;
	}
	e->fd = fd_copy(s, p, res, from);
	if (e->fd) {
		/* the copy is close-on-exec only when asked: dup3's O_CLOEXEC,
		 * fcntl's F_DUPFD_CLOEXEC (upstream) */
		uint32_t dflags = 0;
		e->fd->open_flags &= ~PPM_O_CLOEXEC;
		if ((fcntl && cloexec_cmd) || (!fcntl && pu32(s, e, PN_FLAGS, &dflags) && (dflags & PPM_O_CLOEXEC)))
			e->fd->open_flags |= PPM_O_CLOEXEC;
	}
}

/* upstream (parse_pipe_exit / parse_socketpair_exit): both ends get an
 * entry with no name, a pipe's with the pipe's inode and pipe2's flags; the
 * event's fd is a pipe's second end, a socketpair's first. */
static void on_pipe(sinsp_t *s, struct sinsp_evt *e, bool pair)
{
	struct sproc *p = e->thread ? e->thread->p : NULL;
	int64_t res = -1, fd1, fd2;
	pint(s, e, PN_RES, &res);
	if (!p || res < 0 || !(scap_evt_type(e->evt) & 1) /* enter */)
		return;
	if (!pint(s, e, PN_FD1, &fd1) || !pint(s, e, PN_FD2, &fd2))
		return;
	if (pair && fd1 == fd2)
		return;
	int64_t ino = 0;
	uint32_t flags = 0;
	if (!pair) {
		pint(s, e, PN_INO, &ino);
		pu32(s, e, PN_FLAGS, &flags);
	}
	for (int k = 0; k < 2; k++) {
		int64_t fd = k ? fd2 : fd1;
		struct sinsp_fd *f = fd_add(s, p, fd, pair ? SCAP_FD_UNIX_SOCK : SCAP_FD_FIFO);
		if (!f)
			continue;
		f->ino = (uint64_t)ino;
		f->open_flags = flags;
		fd_set_name(f, "", 0);
		if (k == (pair ? 0 : 1)) {
			e->fd = f;
			e->fdnum = fd;
		}
	}
}

static void on_close(sinsp_t *s, struct sinsp_evt *e)
{
	struct sproc *p = e->thread ? e->thread->p : NULL;
	int64_t res = -1, fd = evt_fd_param(s, e);
	pint(s, e, PN_RES, &res);
	if (!p || fd < 0 || res != 0 || !(scap_evt_type(e->evt) & 1) /* enter */)
		return;
	struct sinsp_fd *f = fd_find(p, fd);
	if (!f)
		return;
	/* removed after the event, so that the close event still shows it */
	e->fd = f;
	e->fdnum = fd;
	s->fd_to_close = f;
	s->fd_to_close_proc = p;
	p->refs++;
}

static void on_chdir(sinsp_t *s, struct sinsp_evt *e, bool by_fd)
{
	struct sproc *p = e->thread ? e->thread->p : NULL;
	int64_t res = -1;
	pint(s, e, PN_RES, &res);
	if (!p || res != 0 || !(scap_evt_type(e->evt) & 1) /* enter */)
		return;
	if (by_fd) {
		struct sinsp_fd *f = fd_find(p, evt_fd_param(s, e));
		if (f && f->name)
			set_cwd(p, f->name, f->name_len);
		return;
	}
	const char *path;
	uint32_t len;
	if (!pstr(s, e, PN_PATH, &path, &len))
		return;
	char abs[4096];
	size_t n = resolve_path(abs, sizeof(abs), p->cwd ? p->cwd : "", p->cwd ? strlen(p->cwd) : 0, path, len);
	set_cwd(p, abs, n);
}

static void on_container(sinsp_t *s, struct sinsp_evt *e)
{
	const char *str, *id, *name, *image;
	uint32_t len, ilen, nlen, imlen, type = 0;
	/* the event describes that container: its fields have values on it */
	if (pstr(s, e, PN_JSON, &str, &len)) {
		if (sinsp_ctr_mgr_add_json(s, str, len, scap_evt_ts(e->evt), s->cur_ctr_id, sizeof(s->cur_ctr_id)) == 0 &&
		    s->cur_ctr_id[0])
			e->ctr_id = s->cur_ctr_id;
	} else if (pstr(s, e, PN_ID, &id, &ilen)) {
		char bid[128], bname[256], bimage[512];
		snprintf(bid, sizeof(bid), "%.*s", (int)ilen, id);
		pu32(s, e, PN_TYPE, &type);
		if (!pstr(s, e, PN_NAME, &name, &nlen)) { name = ""; nlen = 0; }
		if (!pstr(s, e, PN_IMAGE, &image, &imlen)) { image = ""; imlen = 0; }
		snprintf(bname, sizeof(bname), "%.*s", (int)nlen, name);
		snprintf(bimage, sizeof(bimage), "%.*s", (int)imlen, image);
		if (sinsp_containers_add_basic(s->containers, bid, type, bname, bimage) == 0) {
			snprintf(s->cur_ctr_id, sizeof(s->cur_ctr_id), "%.64s", bid);
			e->ctr_id = s->cur_ctr_id;
		}
	}
}

static void on_user(sinsp_t *s, struct sinsp_evt *e, bool group)
{
	uint32_t id;
	const char *name, *home, *shell;
	uint32_t nlen, hlen, slen;
	if (!pu32(s, e, group ? PN_GID : PN_UID, &id) || !pstr(s, e, PN_NAME, &name, &nlen))
		return;
	if (group) {
		add_user(&s->groups, id, name, nlen, NULL, 0, NULL, 0);
		return;
	}
	if (!pstr(s, e, PN_HOME, &home, &hlen)) { home = ""; hlen = 0; }
	if (!pstr(s, e, PN_SHELL, &shell, &slen)) { shell = ""; slen = 0; }
	add_user(&s->users, id, name, nlen, home, hlen, shell, slen);
}

/* Keep an enter event's parameters for its exit (old captures). */
static void store_enter(struct sinsp_thread *t, const scap_evt_t *evt)
{
	uint32_t n = scap_evt_nparams(evt), total = 0;
	for (uint32_t i = 0; i < n; i++) {
		const void *d;
		uint32_t len;
		scap_evt_param(evt, i, &d, &len);
		total += len;
	}
	t->enter_type = 0xffff;
	if (total > 65536)
		return;
	if (total > t->enter_cap) {
		uint8_t *nb = realloc(t->enter_buf, total);
		if (!nb)
			return;
		t->enter_buf = nb;
		t->enter_cap = total;
	}
	uint32_t off = 0;
	for (uint32_t i = 0; i < n; i++) {
		const void *d;
		uint32_t len;
		scap_evt_param(evt, i, &d, &len);
		if (len)
			memcpy(t->enter_buf + off, d, len);
		t->enter_off[i] = (uint16_t)off;
		t->enter_len[i] = (uint16_t)len;
		off += len;
	}
	t->enter_n = (uint8_t)n;
	t->enter_type = scap_evt_type(evt);
}

/* The fd an event is about, when no handler set it. */
static void event_fd(sinsp_t *s, struct sinsp_evt *e)
{
	uint16_t type = scap_evt_type(e->evt);
	if (e->fd || e->fdnum != -1 || !e->thread || !e->thread->p || type >= s->ntypes)
		return; /* a handler decided */
	uint32_t fl = s->tflags[type];
	int64_t fd = -1;
	if (fl & SCAP_EF_CREATES_FD) {
		if (type & 1)
			fd = result(s, e);
	} else if (fl & (SCAP_EF_USES_FD | SCAP_EF_DESTROYS_FD)) {
		if (!evt_fd_location(s, e, &fd))
			return;
		e->fdnum = fd; /* also a negative one: AT_FDCWD is -100, as upstream */
	}
	if (fd < 0)
		return;
	e->fdnum = fd;
	e->fd = fd_find(e->thread->p, fd);
}

int sinsp_parse_event(sinsp_t *s, struct sinsp_evt *e)
{
	uint16_t type = scap_evt_type(e->evt);
	int64_t tid = scap_evt_tid(e->evt);
	uint8_t h = type < s->ntypes ? s->handler[type] : H_NONE;
	bool exit = type & 1; /* odd ids are exits */

	e->fd = NULL;
	e->fdnum = -1;
	e->evt_name = NULL;
	e->evt_name_len = 0;
	e->thread = NULL;
	e->fd_name_changed = false;
	/* meta events have no thread (tid -1 or 0); a clone child's first event
	 * describes it, so it is not made a placeholder first */
	bool child_side = h == H_CLONE && exit && result(s, e) == 0;
	e->thread = (tid > 0 && !child_side) ? sinsp_get_thread(s, tid, true) : NULL;
	if (e->thread)
		e->thread->lastseen = scap_evt_ts(e->evt);
	sinsp_track_times(s, e); /* evt.reltime, evt.latency (fields_evt.c) */

	if (!exit && e->thread && type + 1 < (int)s->ntypes && s->keep_enter[type + 1])
		store_enter(e->thread, e->evt);

	switch (h) {
	case H_CLONE:
		if (exit)
			on_clone(s, e);
		if (child_side)
			e->thread = sinsp_get_thread(s, tid, true);
		break;
	case H_EXECVE:
		on_execve(s, e);
		if (e->thread && exit && result(s, e) == 0)
			sinsp_thread_resources(s, e, e->thread);
		break;
	case H_PROCEXIT:
		if (e->thread) {
			e->thread->dead = true;
			s->to_remove = e->thread; /* after this event */
		}
		break;
	case H_CHDIR: on_chdir(s, e, false); break;
	case H_FCHDIR: on_chdir(s, e, true); break;
	case H_SETUID:
	case H_SETGID:
	case H_SETRESUID:
	case H_SETRESGID: {
		int64_t res = -1;
		uint32_t v;
		pint(s, e, PN_RES, &res);
		if (!e->thread || !exit || res != 0)
			break;
		if ((h == H_SETUID && pu32(s, e, PN_UID, &v)) || (h == H_SETRESUID && pu32(s, e, PN_EUID, &v)))
			e->thread->uid = v != UINT32_MAX ? v : e->thread->uid;
		if ((h == H_SETGID && pu32(s, e, PN_GID, &v)) || (h == H_SETRESGID && pu32(s, e, PN_EGID, &v)))
			e->thread->gid = v != UINT32_MAX ? v : e->thread->gid;
		break;
	}
	case H_SETSID: {
		int64_t res = -1;
		if (e->thread && exit && pint(s, e, PN_RES, &res) && res >= 0)
			e->thread->sid = res;
		break;
	}
	case H_PRCTL: {
		int64_t res = -1, opt = -1;
		const char *name;
		uint32_t len;
		pint(s, e, PN_RES, &res);
		pint(s, e, PN_OPTION, &opt);
		if (e->thread && exit && res == 0 && opt == PR_SET_NAME && pstr(s, e, PN_ARG2_STR, &name, &len))
			set_comm(e->thread, name, len);
		break;
	}
	case H_OPEN: on_open(s, e); break;
	case H_CLOSE: on_close(s, e); break;
	case H_DUP: on_dup(s, e, false); break;
	case H_FCNTL: on_dup(s, e, true); break;
	case H_PIPE: on_pipe(s, e, false); break;
	case H_SOCKETPAIR: on_pipe(s, e, true); break;
	case H_SOCKET: on_socket(s, e); break;
	case H_BIND: on_bind(s, e); break;
	case H_CONNECT: on_connect(s, e); break;
	case H_ACCEPT: on_accept(s, e); break;
	case H_SEND: on_send(s, e); break;
	case H_EVENTFD: new_typed_fd(s, e, SCAP_FD_EVENT, ""); break;
	case H_SIGNALFD: new_typed_fd(s, e, SCAP_FD_SIGNALFD, ""); break;
	case H_TIMERFD: new_typed_fd(s, e, SCAP_FD_TIMERFD, ""); break;
	case H_INOTIFY: new_typed_fd(s, e, SCAP_FD_INOTIFY, ""); break;
	case H_EPOLL: new_typed_fd(s, e, SCAP_FD_EVENTPOLL, ""); break;
	case H_USERFAULTFD: new_typed_fd(s, e, SCAP_FD_USERFAULTFD, ""); break;
	case H_IOURING: new_typed_fd(s, e, SCAP_FD_IOURING, ""); break;
	case H_PIDFD: new_typed_fd(s, e, SCAP_FD_PIDFD, ""); break;
	case H_MEMFD: {
		const char *name;
		uint32_t len;
		char buf[300] = "memfd:";
		if (pstr(s, e, PN_NAME, &name, &len))
			snprintf(buf, sizeof(buf), "memfd:%.*s", (int)len, name);
		new_typed_fd(s, e, SCAP_FD_MEMFD, buf);
		break;
	}
	case H_CONTAINER: on_container(s, e); break;
	case H_USERADDED: on_user(s, e, false); break;
	case H_GROUPADDED: on_user(s, e, true); break;
	default: break;
	}
	event_fd(s, e);
	if (exit && e->thread)
		e->thread->enter_type = 0xffff;
	return 0;
}

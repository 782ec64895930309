/* SPDX-License-Identifier: Apache-2.0 */
/*
 * State updates: the event handlers keep the tables of state.c (threads, fds,
 * users and groups, containers) in step with the events.
 * Parameters are found by name through a per-type table, so every
 * version of an event is handled alike, and exit events of old captures that
 * lack a parameter take it from the thread's preceding enter event (the way
 * upstream's converter does).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
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
	if (!child && !(child = sinsp_thread_new(s, ctid)))
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
		child->p = sinsp_proc_clone(s, parent->p);
	}
	if (!child->p && !(child->p = sinsp_proc_new()))
		return;
	struct sproc *p = child->p;
	const char *str;
	uint32_t len;
	if (pstr(s, e, PN_EXE, &str, &len)) sinsp_set_str(&p->exe, str, len);
	if (pstr(s, e, PN_COMM, &str, &len))
		sinsp_set_comm(child, str, len);
	else if (parent && parent->comm[0])
		memcpy(child->comm, parent->comm, sizeof(child->comm));
	else if (p->exe)
		sinsp_comm_from_exe(child, p->exe);
	/* the cwd is the parent's (copied above): upstream ignores the event's */
	struct pv a = param(s, e, PN_ARGS);
	if (a.len) sinsp_set_bytes(&p->args, &p->args_len, (const char *)a.p, a.len);
	struct pv cg = param(s, e, PN_CGROUPS);
	if (cg.len)
		sinsp_set_cgroups(p, (const char *)cg.p, cg.len);
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
	if (!t->p && !(t->p = sinsp_proc_new()))
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
			sinsp_fd_remove(p, f);
	if (pstr(s, e, PN_EXE, &str, &len)) sinsp_set_str(&p->exe, str, len);
	if (pstr(s, e, PN_COMM, &str, &len))
		sinsp_set_comm(t, str, len);
	else if (p->exe)
		sinsp_comm_from_exe(t, p->exe);
	if (pstr(s, e, PN_TRUSTED_EXEPATH, &str, &len)) sinsp_set_exepath(p, str, len);
	else if (pstr(s, e, PN_FILENAME, &str, &len) || pstr(s, e, PN_PATHNAME, &str, &len)) {
		char abs[4096];
		size_t n = sinsp_resolve_path(abs, sizeof(abs), p->cwd ? p->cwd : "", p->cwd ? strlen(p->cwd) : 0, str, len);
		sinsp_set_exepath(p, abs, n);
	} else if (p->exe && p->exe[0] == '/') {
		sinsp_set_str(&p->exepath, p->exe, strlen(p->exe));
	}
	/* execve does not change the cwd (upstream ignores the event's) */
	struct pv a = param(s, e, PN_ARGS);
	sinsp_set_bytes(&p->args, &p->args_len, a.len ? (const char *)a.p : "", a.len);
	struct pv cg = param(s, e, PN_CGROUPS);
	if (cg.len)
		sinsp_set_cgroups(p, (const char *)cg.p, cg.len);
	struct pv env = param(s, e, PN_ENV);
	if (env.len)
		sinsp_set_bytes(&p->env, &p->env_len, (const char *)env.p, env.len);
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
		struct sinsp_fd *df = sinsp_fd_find(p, dirfd);
		dir = df && df->name ? df->name : "";
		dlen = df ? df->name_len : 0;
	}
	char abs[4096] = "";
	size_t n = have_name ? sinsp_resolve_path(abs, sizeof(abs), dir, dlen, name, nlen) : 0; /* unknown: "" */
	if (fd < 0) {
		/* failed: no fd, but fd.name is the path it tried */
		memcpy(s->evt_name, abs, n + 1);
		e->evt_name = s->evt_name;
		e->evt_name_len = (uint32_t)n;
		return;
	}
	struct sinsp_fd *f = sinsp_fd_add(s, p, fd, (flags & PPM_O_DIRECTORY) ? SCAP_FD_DIRECTORY : SCAP_FD_FILE);
	if (!f)
		return;
	f->open_flags = flags;
	int64_t ino;
	if (pint(s, e, PN_INO, &ino))
		f->ino = (uint64_t)ino;
	uint32_t dev = 0;
	pu32(s, e, PN_DEV, &dev);
	f->dev = dev; /* fd.dev */
	sinsp_fd_set_name(f, abs, n);
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
	struct sinsp_fd *f = sinsp_fd_add(s, p, fd, type);
	if (!f)
		return;
	sinsp_fd_set_name(f, name, strlen(name));
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
		sinsp_fd_set_name(f, (const char *)t + 17, n);
		return;
	} else {
		return;
	}
	f->role = accept_side ? ROLE_SERVER : ROLE_CLIENT;
	if (!f->l4proto)
		f->l4proto = 2; /* tcp unless socket() said otherwise */
	sinsp_fd_name_tuple(f);
}

/* sinsp_fd_name_tuple, noting that the event changed the fd's name. */
static void retuple_name(struct sinsp_evt *e, struct sinsp_fd *f)
{
	char old[128];
	size_t olen = f->name_len < sizeof(old) ? f->name_len : sizeof(old);
	if (olen)
		memcpy(old, f->name, olen);
	sinsp_fd_name_tuple(f);
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
	struct sinsp_fd *f = sinsp_fd_find(p, fd);
	if (f)
		f->connected = 1;
	struct pv t = param(s, e, PN_TUPLE);
	if (!t.len)
		return;
	if (!f && !(f = sinsp_fd_add(s, p, fd, SCAP_FD_IPV4_SOCK)))
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
	struct sinsp_fd *f = sinsp_fd_add(s, p, fd, SCAP_FD_IPV4_SOCK);
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
void sinsp_fill_unspecified_addr(const sinsp_t *s, struct sinsp_fd *f)
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
	struct sinsp_fd *f = sinsp_fd_find(p, fd);
	if (!f || (f->name_len && f->l4proto == 2 /* tcp */))
		return;
	struct pv t = param(s, e, PN_TUPLE);
	if (!t.len)
		return;
	if (t.p[0] == PPM_AF_UNIX) {
		if (t.len > 17) {
			f->type = SCAP_FD_UNIX_SOCK;
			sinsp_fd_set_name(f, (const char *)t.p + 17, strnlen((const char *)t.p + 17, t.len - 17));
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
	sinsp_fill_unspecified_addr(s, f);
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
	struct sinsp_fd *f = sinsp_fd_find(p, fd);
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
		sinsp_fd_set_name(f, (const char *)a.p + 1, strnlen((const char *)a.p + 1, a.len - 1));
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
	sinsp_fd_set_name(f, buf, (size_t)n);
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
			struct sinsp_fd *f = res >= 0 && pint(s, e, PN_ARG, &arg) ? sinsp_fd_find(p, evt_fd_param(s, e)) : NULL;
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
	struct sinsp_fd *from = sinsp_fd_find(p, oldfd);
	e->fdnum = from && res >= 0 ? res : oldfd;
	if (!from || res < 0 || res == oldfd) {
		e->fd = from;
		return;
	}
	e->fd = sinsp_fd_copy(s, p, res, from);
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
		struct sinsp_fd *f = sinsp_fd_add(s, p, fd, pair ? SCAP_FD_UNIX_SOCK : SCAP_FD_FIFO);
		if (!f)
			continue;
		f->ino = (uint64_t)ino;
		f->open_flags = flags;
		sinsp_fd_set_name(f, "", 0);
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
	struct sinsp_fd *f = sinsp_fd_find(p, fd);
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
		struct sinsp_fd *f = sinsp_fd_find(p, evt_fd_param(s, e));
		if (f && f->name)
			sinsp_set_cwd(p, f->name, f->name_len);
		return;
	}
	const char *path;
	uint32_t len;
	if (!pstr(s, e, PN_PATH, &path, &len))
		return;
	char abs[4096];
	size_t n = sinsp_resolve_path(abs, sizeof(abs), p->cwd ? p->cwd : "", p->cwd ? strlen(p->cwd) : 0, path, len);
	sinsp_set_cwd(p, abs, n);
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
		sinsp_add_user_entry(&s->groups, id, name, nlen, NULL, 0, NULL, 0);
		return;
	}
	if (!pstr(s, e, PN_HOME, &home, &hlen)) { home = ""; hlen = 0; }
	if (!pstr(s, e, PN_SHELL, &shell, &slen)) { shell = ""; slen = 0; }
	sinsp_add_user_entry(&s->users, id, name, nlen, home, hlen, shell, slen);
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
	e->fd = sinsp_fd_find(e->thread->p, fd);
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
			sinsp_set_comm(e->thread, name, len);
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

/* SPDX-License-Identifier: Apache-2.0 */
/* The fd. fields fields.c does not have, the fdlist. fields (poll's fd
 * list) and the fs.path. fields (the paths of file system syscalls), a
 * provider of their own. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "sinsp_int.h"

enum {
	FD_UID, FD_CONTAINERNAME, FD_CONTAINERDIRECTORY, FD_PROTO, FD_CPROTO, FD_SPROTO, FD_LPROTO, FD_RPROTO,
	FD_DEV, FD_DEV_MAJOR, FD_DEV_MINOR, FD_TYPES,
	FL_NUMS, FL_NAMES, FL_CIPS, FL_SIPS, FL_CPORTS, FL_SPORTS,
	FS_NAME, FS_NAMERAW, FS_SOURCE, FS_SOURCERAW, FS_TARGET, FS_TARGETRAW,
};

static const struct sinsp_field_def defs[] = {
	{"fd.uid", FILTER_T_STRING, 0, FD_UID, "unique id of the fd: thread.tid followed by fd.num"},
	{"fd.containername", FILTER_T_STRING, 0, FD_CONTAINERNAME, "container.id:fd.name"},
	{"fd.containerdirectory", FILTER_T_STRING, 0, FD_CONTAINERDIRECTORY, "container.id:fd.directory"},
	{"fd.proto", FILTER_T_STRING, FILTER_FIELD_ANY | FILTER_FIELD_FILTER_ONLY, FD_PROTO,
	 "either endpoint's port as protocol name (port number: this library does not resolve service names)"},
	{"fd.cproto", FILTER_T_STRING, 0, FD_CPROTO, "client port as protocol name (the port number, unresolved)"},
	{"fd.sproto", FILTER_T_STRING, 0, FD_SPROTO, "server port as protocol name (the port number, unresolved)"},
	{"fd.lproto", FILTER_T_STRING, 0, FD_LPROTO, "local port as protocol name (the port number, unresolved)"},
	{"fd.rproto", FILTER_T_STRING, 0, FD_RPROTO, "remote port as protocol name (the port number, unresolved)"},
	{"fd.dev", FILTER_T_INT64, 0, FD_DEV, "device number of a file fd (from its open exit; 0 if not given)"},
	{"fd.dev.major", FILTER_T_INT64, 0, FD_DEV_MAJOR, "major device number of a file fd"},
	{"fd.dev.minor", FILTER_T_INT64, 0, FD_DEV_MINOR, "minor device number of a file fd"},
	{"fd.types", FILTER_T_STRING, FILTER_FIELD_LIST | FILTER_FIELD_ARG_ALLOWED | FILTER_FIELD_ARG_INDEX, FD_TYPES,
	 "the distinct types of the process's fds (a list); fd.types[N] the type of fd N"},
	{"fdlist.nums", FILTER_T_STRING, 0, FL_NUMS, "poll events: the fd numbers of the 'fds' argument, comma-separated"},
	{"fdlist.names", FILTER_T_STRING, 0, FL_NAMES, "poll events: the fd names of the 'fds' argument, comma-separated"},
	{"fdlist.cips", FILTER_T_STRING, 0, FL_CIPS, "poll events: the client IP addresses of the IP fds in 'fds'"},
	{"fdlist.sips", FILTER_T_STRING, 0, FL_SIPS, "poll events: the server IP addresses of the IP fds in 'fds'"},
	{"fdlist.cports", FILTER_T_STRING, 0, FL_CPORTS, "poll events: the client ports of the IP fds in 'fds'"},
	{"fdlist.sports", FILTER_T_STRING, 0, FL_SPORTS, "poll events: the server ports of the IP fds in 'fds'"},
	{"fs.path.name", FILTER_T_STRING, 0, FS_NAME,
	 "the path a successful file system syscall operated on (mkdir, unlink, open, chmod, ...), made absolute"},
	{"fs.path.nameraw", FILTER_T_STRING, 0, FS_NAMERAW, "fs.path.name as given to the syscall"},
	{"fs.path.source", FILTER_T_STRING, 0, FS_SOURCE,
	 "the source path of a successful rename, link, symlink or mount, made absolute"},
	{"fs.path.sourceraw", FILTER_T_STRING, 0, FS_SOURCERAW, "fs.path.source as given to the syscall"},
	{"fs.path.target", FILTER_T_STRING, 0, FS_TARGET,
	 "the target path of a successful rename, link, symlink or mount, made absolute"},
	{"fs.path.targetraw", FILTER_T_STRING, 0, FS_TARGETRAW, "fs.path.target as given to the syscall"},
};

static bool is_ip(const struct sinsp_fd *f)
{
	return (f->type == SCAP_FD_IPV4_SOCK || f->type == SCAP_FD_IPV6_SOCK) && f->iplen;
}

static int param_index(uint16_t type, const char *name)
{
	uint32_t n = scap_event_nparams(type);
	for (uint32_t i = 0; i < n; i++) {
		const char *pn = scap_event_param_name(type, i);
		if (pn && !strcmp(pn, name))
			return (int)i;
	}
	return -1;
}

static bool param_str(const scap_evt_t *evt, const char *name, const char **s, size_t *len)
{
	int i = param_index(scap_evt_type(evt), name);
	const void *d;
	uint32_t l;
	if (i < 0 || scap_evt_param(evt, (uint32_t)i, &d, &l) != SCAP_OK || !l)
		return false;
	*s = d;
	*len = strnlen(d, l);
	return true;
}

static bool param_int(const scap_evt_t *evt, const char *name, int64_t *v)
{
	int i = param_index(scap_evt_type(evt), name);
	return i >= 0 && scap_evt_param_i64(evt, (uint32_t)i, v) == SCAP_OK;
}

/* ---- fs.path ---- */

/* What each exit event offers: the success test, the parameter of the path
 * (or "@fd": the name of the event's fd), of the source and the target, and
 * which dirfd parameter relative paths start from ("" the cwd; "@fd" the
 * fd of the event, as upstream; "-" none: upstream has no dirfd rule). */
static const struct fspath_rule {
	const char *event;
	char success; /* 'r' res == 0, 'f' fd != -1 */
	const char *path, *source, *target;
	const char *dir_path, *dir_source, *dir_target;
} rules[] = {
	{"mkdir", 'r', "path", NULL, NULL, "", NULL, NULL},
	{"mkdirat", 'r', "path", NULL, NULL, "dirfd", NULL, NULL},
	{"rmdir", 'r', "path", NULL, NULL, "", NULL, NULL},
	{"unlink", 'r', "path", NULL, NULL, "", NULL, NULL},
	{"unlinkat", 'r', "name", NULL, NULL, "dirfd", NULL, NULL},
	{"open", 'f', "name", NULL, NULL, "", NULL, NULL},
	{"openat", 'f', "name", NULL, NULL, "@fd", NULL, NULL},
	{"openat2", 'f', "name", NULL, NULL, "@fd", NULL, NULL},
	{"fchmodat", 'r', "filename", NULL, NULL, "dirfd", NULL, NULL},
	{"chmod", 'r', "filename", NULL, NULL, "", NULL, NULL},
	{"fchmod", 'r', "@fd", NULL, NULL, "", NULL, NULL},
	{"chown", 'r', "path", NULL, NULL, "", NULL, NULL},
	{"lchown", 'r', "path", NULL, NULL, "", NULL, NULL},
	{"fchown", 'r', "@fd", NULL, NULL, "", NULL, NULL},
	{"fchownat", 'r', "pathname", NULL, NULL, "dirfd", NULL, NULL},
	{"quotactl", 'r', "special", NULL, NULL, "", NULL, NULL},
	{"rename", 'r', NULL, "oldpath", "newpath", NULL, "", ""},
	{"renameat", 'r', NULL, "oldpath", "newpath", NULL, "", ""},
	{"renameat2", 'r', NULL, "oldpath", "newpath", NULL, "olddirfd", "newdirfd"},
	{"link", 'r', NULL, "newpath", "oldpath", NULL, "", ""},
	{"linkat", 'r', NULL, "newpath", "oldpath", NULL, "", ""},
	{"symlink", 'r', NULL, "linkpath", "target", NULL, "", ""},
	{"symlinkat", 'r', NULL, "linkpath", "target", NULL, "linkdirfd", "-"},
	{"mount", 'r', NULL, "dev", "dir", NULL, "", ""},
	{"umount", 'r', "name", NULL, NULL, "", NULL, NULL},
	{"umount2", 'r', "name", NULL, NULL, "", NULL, NULL},
};

static const struct fspath_rule *rule_of(uint16_t type)
{
	const char *name = scap_event_name(type);
	if (!name || scap_event_direction(type) != SCAP_DIR_EXIT)
		return NULL;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!strcmp(rules[i].event, name))
			return &rules[i];
	return NULL;
}

/* The directory of a dirfd as upstream writes it: its name with a trailing
 * '/', or "<UNKNOWN>" when the fd is not a known directory. */
static size_t dirfd_dir(const struct sinsp_thread *t, int64_t fd, char *buf, size_t cap)
{
	struct sinsp_fd *f = NULL;
	HASH_FIND(hh, t->p->fds, &fd, sizeof(fd), f);
	if (!f || f->type != SCAP_FD_DIRECTORY || !f->name)
		return (size_t)snprintf(buf, cap, "<UNKNOWN>");
	size_t n = (size_t)snprintf(buf, cap, "%.*s%s", (int)f->name_len, f->name,
				    f->name_len && f->name[f->name_len - 1] == '/' ? "" : "/");
	return n < cap ? n : cap - 1;
}

static void fspath(sinsp_t *s, const struct sinsp_evt *e, uint32_t id, filter_out_t *out)
{
	const scap_evt_t *evt = e->evt;
	const struct fspath_rule *r = rule_of(scap_evt_type(evt));
	if (!r)
		return;
	int64_t res;
	if (r->success == 'r' ? !param_int(evt, "res", &res) || res != 0
			      : !param_int(evt, "fd", &res) || res == -1)
		return;
	bool raw = id == FS_NAMERAW || id == FS_SOURCERAW || id == FS_TARGETRAW;
	const char *pname = id <= FS_NAMERAW ? r->path : id <= FS_SOURCERAW ? r->source : r->target;
	const char *dname = id <= FS_NAMERAW ? r->dir_path : id <= FS_SOURCERAW ? r->dir_source : r->dir_target;
	const char *path;
	size_t plen;
	if (!pname)
		return;
	if (!strcmp(pname, "@fd")) {
		if (!e->fd || !e->fd->name)
			return;
		path = e->fd->name;
		plen = e->fd->name_len;
	} else if (!param_str(evt, pname, &path, &plen)) {
		return;
	}
	if (raw) {
		filter_out_str(out, path, plen);
		return;
	}
	const struct sinsp_thread *t = e->thread;
	if (!t || !t->p)
		return;
	char *dir = s->scratch2 + 4096, *res_buf = s->scratch2;
	size_t dlen = 0;
	if (plen && path[0] != '/') {
		int64_t dfd;
		if (!strcmp(dname, "@fd")) {
			/* upstream: openat's fd is already resolved by the parser */
			if (e->fd && e->fd->name) {
				filter_out_str(out, e->fd->name, e->fd->name_len);
			} else {
				filter_out_str(out, "<UNKNOWN>", 9);
			}
			return;
		} else if (!strcmp(dname, "-")) {
			dlen = (size_t)snprintf(dir, 4096, "<UNKNOWN>");
		} else if (dname[0]) {
			dlen = param_int(evt, dname, &dfd) ? dirfd_dir(t, dfd, dir, 4096)
							   : (size_t)snprintf(dir, 4096, "<UNKNOWN>");
		} else if (t->p->cwd) {
			dlen = (size_t)snprintf(dir, 4096, "%s", t->p->cwd);
		}
		if (dlen >= 4096)
			dlen = 4095;
	}
	size_t n = sinsp_resolve_path(res_buf, 4096, dir, dlen, path, plen);
	filter_out_str(out, res_buf, n);
}

/* ---- fdlist ---- */

static size_t ip_text(char *buf, size_t cap, const uint8_t *ip, uint8_t len)
{
	if (!inet_ntop(len == 4 ? AF_INET : AF_INET6, ip, buf, (socklen_t)cap))
		return 0;
	return strlen(buf);
}

static void fdlist(sinsp_t *s, const struct sinsp_evt *e, uint32_t id, filter_out_t *out)
{
	const char *name = scap_event_name(scap_evt_type(e->evt));
	if (!name || (strcmp(name, "poll") && strcmp(name, "ppoll")) || !e->thread || !e->thread->p)
		return;
	int i = param_index(scap_evt_type(e->evt), "fds");
	const uint8_t *d;
	uint32_t len;
	if (i < 0 || scap_evt_param(e->evt, (uint32_t)i, (const void **)&d, &len) != SCAP_OK || len < 2)
		return;
	uint16_t nfds;
	memcpy(&nfds, d, 2);
	char *buf = s->scratch2;
	size_t cap = sizeof(s->scratch2), n = 0;
	for (uint32_t j = 0, pos = 2; j < nfds && pos + 10 <= len && n + 64 < cap; j++, pos += 10) {
		int64_t fd;
		memcpy(&fd, d + pos, 8);
		struct sinsp_fd *f = NULL;
		HASH_FIND(hh, e->thread->p->fds, &fd, sizeof(fd), f);
		size_t before = n;
		switch (id) {
		case FL_NUMS: n += (size_t)snprintf(buf + n, cap - n, "%lld", (long long)fd); break;
		case FL_NAMES:
			if (f && f->name && f->name_len)
				n += (size_t)snprintf(buf + n, cap - n, "%.*s", (int)f->name_len, f->name);
			else
				n += (size_t)snprintf(buf + n, cap - n, "<NA>");
			break;
		case FL_CIPS: if (f && is_ip(f)) n += ip_text(buf + n, cap - n, f->cip, f->iplen); break;
		case FL_SIPS: if (f && is_ip(f)) n += ip_text(buf + n, cap - n, f->sip, f->iplen); break;
		case FL_CPORTS: if (f && is_ip(f)) n += (size_t)snprintf(buf + n, cap - n, "%u", f->cport); break;
		case FL_SPORTS: if (f && is_ip(f)) n += (size_t)snprintf(buf + n, cap - n, "%u", f->sport); break;
		default: break;
		}
		if (n >= cap)
			n = cap - 1;
		if (n != before && n + 1 < cap)
			buf[n++] = ',';
	}
	if (n && buf[n - 1] == ',')
		n--;
	if (n)
		filter_out_str(out, buf, n);
}

/* ---- fd ---- */

static int extract(void *pctx, uint32_t id, const filter_fieldref_t *ref, const filter_evtctx_t *ev,
		   filter_out_t *out)
{
	sinsp_t *s = pctx;
	const struct sinsp_evt *e = filter_evtctx_user(ev);
	if (!s || !e || e->s != s || !e->evt)
		return 0;
	if (id >= FS_NAME)
		return fspath(s, e, id, out), 0;
	if (id >= FL_NUMS)
		return fdlist(s, e, id, out), 0;
	const struct sinsp_fd *f = e->fd;
	const struct sinsp_thread *t = e->thread;
	char *buf = s->scratch2;
	size_t cap = sizeof(s->scratch2), n;

	switch (id) {
	case FD_UID:
		if (t && e->fdnum >= 0) {
			n = (size_t)snprintf(buf, cap, "%lld%lld", (long long)t->tid, (long long)e->fdnum);
			filter_out_str(out, buf, n);
		}
		break;
	case FD_CONTAINERNAME: case FD_CONTAINERDIRECTORY: {
		if (!f || !f->name || !t || !t->p)
			break;
		const char *name = f->name;
		size_t nlen = f->name_len;
		if (id == FD_CONTAINERDIRECTORY) {
			/* the directory of a file; other fds: their name */
			if (f->type == SCAP_FD_FILE || f->type == SCAP_FD_DIRECTORY) {
				const char *slash = memrchr(name, '/', nlen);
				if (!slash)
					break;
				nlen = slash == name ? 1 : (size_t)(slash - name);
			}
		}
		/* upstream: the host's container id is "" */
		const char *cid = strcmp(t->p->container_id, "host") ? t->p->container_id : "";
		n = (size_t)snprintf(buf, cap, "%s:%.*s", cid, (int)nlen, name);
		filter_out_str(out, buf, n < cap ? n : cap - 1);
		break;
	}
	case FD_PROTO: case FD_CPROTO: case FD_SPROTO: case FD_LPROTO: case FD_RPROTO: {
		if (!f || !is_ip(f) || f->role == ROLE_NONE)
			break;
		bool server = f->role == ROLE_SERVER;
		uint16_t ports[2];
		int np = 1;
		switch (id) {
		case FD_CPROTO: ports[0] = f->cport; break;
		case FD_SPROTO: ports[0] = f->sport; break;
		case FD_LPROTO: ports[0] = server ? f->sport : f->cport; break;
		case FD_RPROTO: ports[0] = server ? f->cport : f->sport; break;
		default: ports[0] = f->cport; ports[1] = f->sport; np = 2; break;
		}
		for (int k = 0; k < np; k++) {
			char *p = buf + k * 8;
			n = (size_t)snprintf(p, 8, "%u", ports[k]);
			filter_out_str(out, p, n);
		}
		break;
	}
	case FD_DEV: if (f) filter_out_i64(out, f->dev); break;
	case FD_DEV_MAJOR: if (f) filter_out_i64(out, (f->dev & 0xfff00u) >> 8); break;
	case FD_DEV_MINOR: if (f) filter_out_i64(out, (f->dev & 0xffu) | ((f->dev >> 12) & 0xfff00u)); break;
	case FD_TYPES: {
		int64_t want = filter_fieldref_argnum(ref);
		/* upstream: on events that create, use or destroy an fd only */
		if (!t || !t->p || !e->evt ||
		    !(scap_event_flags(scap_evt_type(e->evt)) & (SCAP_EF_CREATES_FD | SCAP_EF_USES_FD | SCAP_EF_DESTROYS_FD)))
			break;
		if (want >= 0) {
			struct sinsp_fd *x = NULL;
			HASH_FIND(hh, t->p->fds, &want, sizeof(want), x);
			if (x)
				filter_out_str(out, sinsp_fd_type_name(x->type), strlen(sinsp_fd_type_name(x->type)));
			break;
		}
		/* distinct type names, in fd table order */
		uint64_t seen[2] = {0, 0};
		for (const struct sinsp_fd *x = t->p->fds; x; x = x->hh.next) {
			const char *tn = sinsp_fd_type_name(x->type);
			/* identical names share one bit: the first type giving this name */
			uint8_t b = 0;
			while (b < SCAP_FD_TYPE_MAX && sinsp_fd_type_name(b) != tn)
				b++;
			if (b < 128 && !(seen[b / 64] >> (b % 64) & 1)) {
				seen[b / 64] |= 1ull << (b % 64);
				filter_out_str(out, tn, strlen(tn));
			}
		}
		break;
	}
	default:
		break;
	}
	return 0;
}

int sinsp_fd_add_fields(sinsp_t *s, filter_registry_t *reg)
{
	return sinsp_register_fields(reg, s, "sinsp.fd", extract, defs, sizeof(defs) / sizeof(defs[0]));
}

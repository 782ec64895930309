/* SPDX-License-Identifier: Apache-2.0 */
/* Capture metadata storage (process, fd, interface, user and group lists)
 * and its public accessors. */
#include <stdlib.h>

#include "scap_int.h"

/* ---- vectors ---- */
struct vec_any {
	void *v;
	size_t n, cap;
};

void *scap_vec_push(void *vec, size_t elsize, size_t *bytes)
{
	struct vec_any *va = vec;

	if (va->n == va->cap) {
		size_t cap = va->cap ? va->cap * 2 : 16;
		void *nv = realloc(va->v, cap * elsize);
		if (!nv)
			return NULL;
		*bytes += (cap - va->cap) * elsize;
		va->v = nv;
		va->cap = cap;
	}
	void *slot = (uint8_t *)va->v + va->n * elsize;
	memset(slot, 0, elsize);
	va->n++;
	return slot;
}

void scap_meta_reset(struct scap_meta *m)
{
	arena_free(&m->arena);
	free(m->procs.v);
	free(m->fds.v);
	free(m->ifaces.v);
	free(m->users.v);
	free(m->groups.v);
	free(m->tidx);
	memset(m, 0, sizeof(*m));
}

/* ---- machine info ---- */
SCAP_EXPORT int scap_get_machine_info(scap_t *h, struct scap_machine_info *mi)
{
	struct scap_machine_info full;

	if (!h || !mi || mi->sz < sizeof(size_t))
		return SCAP_ERR_INVAL;
	if (!h->meta.have_mi)
		return SCAP_ERR_NOTSUP;
	full = h->meta.mi;
	full.sz = mi->sz;
	memcpy(mi, &full, mi->sz < sizeof(full) ? mi->sz : sizeof(full));
	return SCAP_OK;
}

SCAP_EXPORT uint32_t scap_get_section_version(const scap_t *h)
{
	return h ? h->meta.section_version : 0;
}

/* ---- threads ---- */
SCAP_EXPORT size_t scap_proc_count(const scap_t *h)
{
	return h ? h->meta.procs.n : 0;
}

SCAP_EXPORT const scap_tinfo_t *scap_proc_at(const scap_t *h, size_t idx)
{
	return h && idx < h->meta.procs.n ? &h->meta.procs.v[idx] : NULL;
}

static int cmp_slot(const void *a, const void *b)
{
	const struct scap_tid_slot *x = a, *y = b;
	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx; /* stable: later entries last */
}

/* Sorted (tid, index) pairs, built once the metadata is read: lookups are
 * O(log n) whatever the tids (no hash to flood), and the handle is never
 * written by a lookup. */
int scap_meta_finish(struct scap_meta *m)
{
	free(m->tidx);
	m->tidx = NULL;
	m->tidx_n = 0;
	if (!m->procs.n)
		return 0;
	m->tidx = malloc(m->procs.n * sizeof(*m->tidx));
	if (!m->tidx)
		return -1;
	for (size_t i = 0; i < m->procs.n; i++)
		m->tidx[i] = (struct scap_tid_slot){m->procs.v[i].ival[SCAP_TI_TID], (uint32_t)i};
	qsort(m->tidx, m->procs.n, sizeof(*m->tidx), cmp_slot);
	m->tidx_n = m->procs.n;
	return 0;
}

SCAP_EXPORT const scap_tinfo_t *scap_proc_find(const scap_t *h, int64_t tid)
{
	const struct scap_meta *m;
	size_t lo = 0, hi;

	if (!h)
		return NULL;
	m = &h->meta;
	hi = m->tidx_n;
	/* the last entry with this tid (a later entry for the same tid wins) */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->tidx[mid].tid <= tid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || m->tidx[lo - 1].tid != tid)
		return NULL;
	return &m->procs.v[m->tidx[lo - 1].idx];
}

SCAP_EXPORT int64_t scap_tinfo_int(const scap_tinfo_t *t, enum scap_tinfo_field f)
{
	if (!t || (unsigned)f >= SCAP_TI_COMM)
		return 0;
	return t->ival[f];
}

SCAP_EXPORT const char *scap_tinfo_str(const scap_tinfo_t *t, enum scap_tinfo_field f, size_t *len)
{
	if (!t || f < SCAP_TI_COMM || f >= SCAP_TI_FIELD_MAX) {
		if (len)
			*len = 0;
		return NULL;
	}
	if (len)
		*len = t->slen[f - SCAP_TI_COMM];
	return t->sval[f - SCAP_TI_COMM] ? t->sval[f - SCAP_TI_COMM] : "";
}

SCAP_EXPORT const char *scap_tinfo_field_name(enum scap_tinfo_field f)
{
	static const char *const names[SCAP_TI_FIELD_MAX] = {
		"tid", "pid", "ptid", "sid", "vpgid", "pgid", "fdlimit", "flags", "uid", "gid",
		"vmsize_kb", "vmrss_kb", "vmswap_kb", "pfmajor", "pfminor", "vtid", "vpid",
		"pidns_init_start_ts", "tty", "loginuid", "exe_writable", "cap_inheritable",
		"cap_permitted", "cap_effective", "exe_upper_layer", "exe_ino", "exe_ino_ctime",
		"exe_ino_mtime", "exe_from_memfd", "exe_lower_layer", "comm", "exe", "exepath", "args",
		"cwd", "env", "cgroups", "root",
	};
	return (unsigned)f < SCAP_TI_FIELD_MAX ? names[f] : NULL;
}

/* ---- fds ---- */
SCAP_EXPORT size_t scap_fd_count(const scap_t *h)
{
	return h ? h->meta.fds.n : 0;
}

SCAP_EXPORT const scap_fdinfo_t *scap_fd_at(const scap_t *h, size_t idx)
{
	return h && idx < h->meta.fds.n ? &h->meta.fds.v[idx] : NULL;
}

SCAP_EXPORT int64_t scap_fdinfo_int(const scap_fdinfo_t *f, enum scap_fdinfo_field fld)
{
	if (!f)
		return 0;
	switch (fld) {
	case SCAP_FDI_TID: return f->tid;
	case SCAP_FDI_FD: return f->fd;
	case SCAP_FDI_INO: return (int64_t)f->ino;
	case SCAP_FDI_TYPE: return f->type;
	case SCAP_FDI_OPEN_FLAGS: return f->open_flags;
	case SCAP_FDI_DEV: return f->dev;
	case SCAP_FDI_SPORT: return f->sport;
	case SCAP_FDI_DPORT: return f->dport;
	case SCAP_FDI_L4PROTO: return f->l4proto;
	case SCAP_FDI_UNIX_SOURCE: return (int64_t)f->unix_src;
	case SCAP_FDI_UNIX_DEST: return (int64_t)f->unix_dst;
	default: return 0;
	}
}

SCAP_EXPORT const void *scap_fdinfo_bytes(const scap_fdinfo_t *f, enum scap_fdinfo_field fld, size_t *len)
{
	const void *p = NULL;
	size_t l = 0;

	if (f) {
		switch (fld) {
		case SCAP_FDI_NAME:
			p = f->name;
			l = f->namelen;
			break;
		case SCAP_FDI_SIP:
			p = f->iplen ? f->sip : NULL;
			l = f->iplen;
			break;
		case SCAP_FDI_DIP:
			/* server sockets have only the bound address */
			if (f->iplen && (f->type == SCAP_FD_IPV4_SOCK || f->type == SCAP_FD_IPV6_SOCK)) {
				p = f->dip;
				l = f->iplen;
			}
			break;
		default:
			break;
		}
	}
	if (len)
		*len = p ? l : 0;
	return p;
}

SCAP_EXPORT const char *scap_fd_type_name(enum scap_fd_type t)
{
	static const char *const names[SCAP_FD_TYPE_MAX] = {
		"UNKNOWN", "FILE", "DIRECTORY", "IPV4_SOCK", "IPV6_SOCK", "IPV4_SERVSOCK",
		"IPV6_SERVSOCK", "FIFO", "UNIX_SOCK", "EVENT", "UNSUPPORTED", "SIGNALFD", "EVENTPOLL",
		"INOTIFY", "TIMERFD", "NETLINK", "FILE_V2", "BPF", "USERFAULTFD", "IOURING", "MEMFD",
		"PIDFD",
	};
	return (unsigned)t < SCAP_FD_TYPE_MAX ? names[t] : NULL;
}

/* ---- interfaces ---- */
SCAP_EXPORT size_t scap_iface_count(const scap_t *h)
{
	return h ? h->meta.ifaces.n : 0;
}

SCAP_EXPORT const scap_iface_t *scap_iface_at(const scap_t *h, size_t idx)
{
	return h && idx < h->meta.ifaces.n ? &h->meta.ifaces.v[idx] : NULL;
}

SCAP_EXPORT int scap_iface_family(const scap_iface_t *i)
{
	return i ? i->family : 0;
}

SCAP_EXPORT const char *scap_iface_name(const scap_iface_t *i)
{
	return i ? i->name : NULL;
}

static const uint8_t *iface_bytes(const scap_iface_t *i, const uint8_t *p, size_t *len)
{
	if (len)
		*len = i ? (i->family == 6 ? 16 : 4) : 0;
	return i ? p : NULL;
}

SCAP_EXPORT const uint8_t *scap_iface_addr(const scap_iface_t *i, size_t *len)
{
	return iface_bytes(i, i ? i->addr : NULL, len);
}

SCAP_EXPORT const uint8_t *scap_iface_netmask(const scap_iface_t *i, size_t *len)
{
	return iface_bytes(i, i ? i->netmask : NULL, len);
}

SCAP_EXPORT const uint8_t *scap_iface_bcast(const scap_iface_t *i, size_t *len)
{
	return iface_bytes(i, i ? i->bcast : NULL, len);
}

SCAP_EXPORT uint64_t scap_iface_linkspeed(const scap_iface_t *i)
{
	return i ? i->linkspeed : 0;
}

/* ---- users and groups ---- */
SCAP_EXPORT size_t scap_user_count(const scap_t *h)
{
	return h ? h->meta.users.n : 0;
}

SCAP_EXPORT const scap_user_t *scap_user_at(const scap_t *h, size_t idx)
{
	return h && idx < h->meta.users.n ? &h->meta.users.v[idx] : NULL;
}

SCAP_EXPORT uint32_t scap_user_uid(const scap_user_t *u)
{
	return u ? u->uid : 0;
}

SCAP_EXPORT uint32_t scap_user_gid(const scap_user_t *u)
{
	return u ? u->gid : 0;
}

SCAP_EXPORT const char *scap_user_name(const scap_user_t *u)
{
	return u ? u->name : NULL;
}

SCAP_EXPORT const char *scap_user_homedir(const scap_user_t *u)
{
	return u ? u->homedir : NULL;
}

SCAP_EXPORT const char *scap_user_shell(const scap_user_t *u)
{
	return u ? u->shell : NULL;
}

SCAP_EXPORT size_t scap_group_count(const scap_t *h)
{
	return h ? h->meta.groups.n : 0;
}

SCAP_EXPORT const scap_group_t *scap_group_at(const scap_t *h, size_t idx)
{
	return h && idx < h->meta.groups.n ? &h->meta.groups.v[idx] : NULL;
}

SCAP_EXPORT uint32_t scap_group_gid(const scap_group_t *g)
{
	return g ? g->gid : 0;
}

SCAP_EXPORT const char *scap_group_name(const scap_group_t *g)
{
	return g ? g->name : NULL;
}

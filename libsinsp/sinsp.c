/* SPDX-License-Identifier: Apache-2.0 */
/* libsinsp: the handle, the event loop and the public accessors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sinsp_int.h"

#define DEFAULT_MAX_THREADS 262144u
#define DEFAULT_MAX_FDS 4096u
#define DEFAULT_THREAD_TIMEOUT (20ull * 60 * 1000000000)
#define DEFAULT_PURGE_INTERVAL (30ull * 1000000000)

SCAP_EXPORT const char *sinsp_version(void)
{
	return SINSP_VERSION;
}

SCAP_EXPORT sinsp_t *sinsp_open(scap_t *h, const struct sinsp_opts *opts, char *errbuf)
{
	sinsp_t *s;

	if (!h || (opts && opts->sz < sizeof(size_t))) {
		if (errbuf)
			snprintf(errbuf, SCAP_ERRBUF_SIZE, "sinsp_open: no capture handle, or opts->sz too small");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		if (errbuf)
			snprintf(errbuf, SCAP_ERRBUF_SIZE, "sinsp_open: out of memory");
		return NULL;
	}
	if (opts)
		memcpy(&s->opts, opts, opts->sz < sizeof(s->opts) ? opts->sz : sizeof(s->opts));
	s->opts.sz = sizeof(s->opts);
	if (!s->opts.max_threads)
		s->opts.max_threads = DEFAULT_MAX_THREADS;
	if (!s->opts.max_fds_per_proc)
		s->opts.max_fds_per_proc = DEFAULT_MAX_FDS;
	if (!s->opts.thread_timeout_ns)
		s->opts.thread_timeout_ns = DEFAULT_THREAD_TIMEOUT;
	if (!s->opts.purge_interval_ns)
		s->opts.purge_interval_ns = DEFAULT_PURGE_INTERVAL;
	s->st.sz = sizeof(s->st);
	s->containers = sinsp_containers_new();
	bool live = strcmp(scap_engine_name(h), "savefile") != 0;
	char err[SCAP_ERRBUF_SIZE] = "sinsp_open: out of memory";
	if (!s->containers || !(s->ctr = sinsp_ctr_mgr_new(&s->opts, live, err, sizeof(err))) ||
	    sinsp_build_tables(s) < 0) {
		if (errbuf)
			snprintf(errbuf, SCAP_ERRBUF_SIZE, "%s", err);
		sinsp_ctr_mgr_free(s->ctr);
		sinsp_containers_free(s->containers);
		free(s->pidx);
		free(s->handler);
		free(s->keep_enter);
		free(s->tflags);
		free(s);
		return NULL;
	}
	s->h = h;
	s->section = scap_section(h);
	sinsp_load_metadata(s);
	if (s->opts.proc_scan > 0 || (s->opts.proc_scan == 0 && live))
		sinsp_scan_proc(s);
	return s;
}

static void finish_previous(sinsp_t *s)
{
	if (s->fd_to_close) {
		struct sproc *p = s->fd_to_close_proc;
		HASH_DEL(p->fds, s->fd_to_close);
		p->nfds--;
		sinsp_fd_free(s->fd_to_close);
		s->fd_to_close = NULL;
		sinsp_proc_unref(s, p);
	}
	if (s->to_remove) {
		struct sinsp_thread *t = s->to_remove;
		s->to_remove = NULL;
		if (t->dead) {
			sinsp_thread_free(s, t);
			s->st.n_threads_removed++;
		}
	}
	s->cur.thread = NULL;
	s->cur.fd = NULL;
}

SCAP_EXPORT void sinsp_close(sinsp_t *s)
{
	if (!s)
		return;
	finish_previous(s);
	sinsp_clear_state(s);
	sinsp_ctr_mgr_free(s->ctr); /* stops the worker first */
	scap_evt_free(s->meta_evt);
	sinsp_containers_free(s->containers);
	free(s->pidx);
	free(s->handler);
	free(s->keep_enter);
	free(s->tflags);
	scap_close(s->h);
	free(s);
}

SCAP_EXPORT scap_t *sinsp_scap(sinsp_t *s)
{
	return s ? s->h : NULL;
}

SCAP_EXPORT int sinsp_set_event_mask(sinsp_t *s, const uint8_t *mask, size_t n)
{
	uint8_t *m;
	int rc;

	if (!s || (mask == NULL && n != 0))
		return SCAP_ERR_INVAL;
	if (!mask)
		return scap_set_event_mask(s->h, NULL, 0);
	if (!(m = calloc(s->ntypes ? s->ntypes : 1, 1)))
		return SCAP_ERR_NOMEM;
	for (uint32_t t = 0; t < s->ntypes; t++) /* what the user asks for, and what the tables need */
		m[t] = (t < n && mask[t]) || s->handler[t] != 0 ||
		       (s->tflags[t] & (SCAP_EF_CREATES_FD | SCAP_EF_DESTROYS_FD));
	rc = scap_set_event_mask(s->h, m, s->ntypes);
	free(m);
	return rc;
}

SCAP_EXPORT const char *sinsp_geterr(const sinsp_t *s)
{
	if (!s)
		return "no handle";
	return s->err[0] ? s->err : scap_geterr(s->h);
}

/* Hand out the oldest container event queued by the manager, if any (not
 * on the hot path: only when s->meta_pending). */
static __attribute__((noinline)) bool next_meta(sinsp_t *s, const sinsp_evt_t **out)
{
	scap_evt_t *e = sinsp_ctr_mgr_take_event(s, s->meta_id);

	if (!e)
		return false;
	scap_evt_free(s->meta_evt);
	s->meta_evt = e;
	memset(&s->meta, 0, sizeof(s->meta));
	s->meta.evt = e;
	s->meta.num = ++s->num;
	s->meta.fdnum = -1;
	s->meta.ctr_id = s->meta_id;
	s->meta.s = s;
	s->st.n_evts++;
	*out = &s->meta;
	return true;
}

/* The rare cases before reading: the event held behind container events,
 * API answers to apply, container events queued. Returns 1 when *out was
 * set, 0 to go on reading. */
static __attribute__((noinline)) int next_pending(sinsp_t *s, const sinsp_evt_t **out)
{
	/* the event whose parsing queued container events comes after them */
	if (s->held) {
		if (s->meta_pending && next_meta(s, out))
			return 1;
		s->held = false;
		s->cur.num = ++s->num;
		s->st.n_evts++;
		*out = &s->cur;
		return 1;
	}
	finish_previous(s);
	if (s->ctr_async)
		sinsp_ctr_mgr_poll(s);
	return s->meta_pending && next_meta(s, out);
}

SCAP_EXPORT int sinsp_next(sinsp_t *s, const sinsp_evt_t **out)
{
	const scap_evt_t *evt;
	int rc;

	if (!s || !out)
		return SCAP_ERR_INVAL;
	*out = NULL;
	if (__builtin_expect(s->held || s->meta_pending || s->ctr_async, 0)) {
		if (next_pending(s, out))
			return SINSP_OK;
	} else {
		finish_previous(s);
	}
	rc = scap_next(s->h, &evt);
	if (rc != SCAP_OK)
		return rc;
	/* a concatenated capture: its new section brings its own state */
	if (scap_section(s->h) != s->section) {
		s->section = scap_section(s->h);
		sinsp_clear_state(s);
		sinsp_load_metadata(s);
	}
	uint64_t ts = scap_evt_ts(evt);
	s->last_ts = ts;
	if (!s->last_purge)
		s->last_purge = ts;
	else if (ts > s->last_purge + s->opts.purge_interval_ns) {
		sinsp_purge(s, ts);
		sinsp_ctr_mgr_purge(s, ts);
		s->last_purge = ts;
	}
	s->cur.evt = evt;
	s->cur.s = s;
	s->cur.ctr_id = NULL;
	sinsp_parse_event(s, &s->cur);
	if (s->cur.thread && s->cur.thread->p && !s->cur.thread->p->container_done)
		sinsp_resolve_container(s, s->cur.thread->p);
	if (__builtin_expect(s->meta_pending != 0, 0) && next_meta(s, out)) {
		s->held = true;
		return SINSP_OK;
	}
	s->cur.num = ++s->num;
	s->st.n_evts++;
	*out = &s->cur;
	return SINSP_OK;
}

SCAP_EXPORT int sinsp_evt_is_meta(const sinsp_evt_t *e)
{
	return e && e->ctr_id != NULL;
}

/* ---- events ---- */
SCAP_EXPORT const scap_evt_t *sinsp_evt_scap(const sinsp_evt_t *e)
{
	return e ? e->evt : NULL;
}

SCAP_EXPORT uint64_t sinsp_evt_num(const sinsp_evt_t *e)
{
	return e ? e->num : 0;
}

SCAP_EXPORT const sinsp_thread_t *sinsp_evt_thread(const sinsp_evt_t *e)
{
	return e ? e->thread : NULL;
}

SCAP_EXPORT const sinsp_fd_t *sinsp_evt_fd(const sinsp_evt_t *e)
{
	return e ? e->fd : NULL;
}

SCAP_EXPORT int64_t sinsp_evt_fdnum(const sinsp_evt_t *e)
{
	return e ? e->fdnum : -1;
}

/* ---- threads ---- */
SCAP_EXPORT const sinsp_thread_t *sinsp_find_thread(const sinsp_t *s, int64_t tid)
{
	struct sinsp_thread *t = NULL;
	if (s)
		HASH_FIND(hh, s->threads, &tid, sizeof(tid), t);
	return t;
}

SCAP_EXPORT const sinsp_thread_t *sinsp_thread_next(const sinsp_t *s, size_t *cursor)
{
	/* the cursor holds the next element (uthash's application-order list);
	 * 0 is the start, 1 the end */
	const struct sinsp_thread *t;
	if (!s || !cursor || *cursor == 1)
		return NULL;
	t = *cursor ? (const struct sinsp_thread *)(uintptr_t)*cursor : s->threads;
	if (t)
		*cursor = t->hh.next ? (size_t)(uintptr_t)t->hh.next : 1;
	return t;
}

SCAP_EXPORT size_t sinsp_thread_count(const sinsp_t *s)
{
	return s ? (size_t)s->nthreads : 0;
}

SCAP_EXPORT int64_t sinsp_thread_tid(const sinsp_thread_t *t)
{
	return t ? t->tid : -1;
}

SCAP_EXPORT int64_t sinsp_thread_pid(const sinsp_thread_t *t)
{
	return t ? t->pid : -1;
}

SCAP_EXPORT int64_t sinsp_thread_ptid(const sinsp_thread_t *t)
{
	return t ? t->ptid : -1;
}

SCAP_EXPORT int sinsp_thread_is_placeholder(const sinsp_thread_t *t)
{
	return t ? t->placeholder : 0;
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

SCAP_EXPORT const char *sinsp_thread_comm(const sinsp_thread_t *t)
{
	return t ? t->comm : "";
}

SCAP_EXPORT const char *sinsp_thread_exe(const sinsp_thread_t *t)
{
	return t && t->p ? nz(t->p->exe) : "";
}

SCAP_EXPORT const char *sinsp_thread_exepath(const sinsp_thread_t *t)
{
	return t && t->p ? nz(t->p->exepath) : "";
}

SCAP_EXPORT const char *sinsp_thread_cwd(const sinsp_thread_t *t)
{
	return t && t->p ? nz(t->p->cwd) : "";
}

SCAP_EXPORT const char *sinsp_thread_args(const sinsp_thread_t *t, size_t *len)
{
	if (len)
		*len = t && t->p ? t->p->args_len : 0;
	return t && t->p ? nz(t->p->args) : "";
}

SCAP_EXPORT const char *sinsp_thread_container_id(const sinsp_thread_t *t)
{
	return t && t->p && t->p->container_id[0] ? t->p->container_id : "host";
}

SCAP_EXPORT uint32_t sinsp_thread_uid(const sinsp_thread_t *t)
{
	return t ? t->uid : UINT32_MAX;
}

SCAP_EXPORT uint32_t sinsp_thread_gid(const sinsp_thread_t *t)
{
	return t ? t->gid : UINT32_MAX;
}

/* ---- fds ---- */
SCAP_EXPORT const sinsp_fd_t *sinsp_find_fd(const sinsp_t *s, int64_t tid, int64_t fd)
{
	const struct sinsp_thread *t = sinsp_find_thread(s, tid);
	struct sinsp_fd *f = NULL;
	if (t && t->p)
		HASH_FIND(hh, t->p->fds, &fd, sizeof(fd), f);
	return f;
}

SCAP_EXPORT size_t sinsp_thread_fd_count(const sinsp_thread_t *t)
{
	return t && t->p ? t->p->nfds : 0;
}

SCAP_EXPORT const sinsp_fd_t *sinsp_fd_next(const sinsp_thread_t *t, size_t *cursor)
{
	const struct sinsp_fd *f;
	if (!t || !t->p || !cursor || *cursor == 1)
		return NULL;
	f = *cursor ? (const struct sinsp_fd *)(uintptr_t)*cursor : t->p->fds;
	if (f)
		*cursor = f->hh.next ? (size_t)(uintptr_t)f->hh.next : 1;
	return f;
}

SCAP_EXPORT int64_t sinsp_fd_num(const sinsp_fd_t *f)
{
	return f ? f->fd : -1;
}

SCAP_EXPORT enum scap_fd_type sinsp_fd_type(const sinsp_fd_t *f)
{
	return f ? (enum scap_fd_type)f->type : SCAP_FD_UNKNOWN;
}

SCAP_EXPORT const char *sinsp_fd_name(const sinsp_fd_t *f)
{
	return f && f->name ? f->name : "";
}

/* ---- stats ---- */
SCAP_EXPORT int sinsp_get_stats(const sinsp_t *s, struct sinsp_stats *st)
{
	struct sinsp_stats full;

	if (!s || !st || st->sz < sizeof(size_t))
		return SCAP_ERR_INVAL;
	full = s->st;
	full.n_threads = s->nthreads;
	full.n_fds = 0;
	const struct sinsp_thread *t, *tmp;
	HASH_ITER(hh, s->threads, t, tmp)
		if (t->p && t->pid == t->tid)
			full.n_fds += t->p->nfds;
	full.n_containers = sinsp_containers_count(s->containers);
	full.container_bytes = sinsp_containers_bytes(s->containers);
	sinsp_ctr_mgr_stats(s->ctr, &full);
	full.sz = st->sz;
	memcpy(st, &full, st->sz < sizeof(full) ? st->sz : sizeof(full));
	return SCAP_OK;
}

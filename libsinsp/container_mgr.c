/* SPDX-License-Identifier: Apache-2.0 */
/*
 * container_mgr.c - when and from where containers get their metadata, the
 * bounds of the container table, the container events. See container_mgr.h.
 *
 * A new container id: the runtime's files are read at once (a few small
 * files, no daemon involved); when they give nothing and an API socket is
 * configured, the request goes to the worker thread and sinsp_next() waits
 * a bounded time for its answer, so that the first event of a container
 * already carries its name and image. Answers that come later are applied
 * at the next sinsp_next(); failures are retried a bounded number of times,
 * then counted and logged once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "container_mgr.h"
#include "runtime.h"
#include "sinsp_int.h"

#define CONTAINER_JSON_2_E 324 /* PPME_CONTAINER_JSON_2_E: {"container": {...}} */

#define DEF_TIMEOUT_MS 1000u
#define DEF_WAIT_MS 250
#define DEF_RETRIES 3
#define DEF_MAX_CONTAINERS 4096u
#define DEF_MAX_BYTES (16u << 20)
#define DEF_CTR_TIMEOUT (5ull * 60 * 1000000000)
#define MAX_QUEUED 1024u /* API requests waiting; past it a container is given up */
#define MAX_EVENTS 1024u /* container events not handed out yet */

enum { ST_PENDING, ST_DONE, ST_FAILED };

/* An API request to the worker, and then its answer. */
struct lookup {
	struct lookup *next;
	char id[SINSP_CONTAINER_ID_MAX];
	char full_id[SINSP_CONTAINER_ID_MAX];
	uint32_t type;
	uint32_t attempt;
	uint64_t not_before; /* CLOCK_MONOTONIC ns */
	int rc;
	char *json;
	size_t len;
	char why[256];
};

/* What the manager knows of a container id. */
struct ctr_state {
	UT_hash_handle hh;
	char id[SINSP_CONTAINER_ID_MAX];
	uint8_t status;
	uint64_t last_seen; /* event time: one of its threads was alive */
};

struct pending_evt {
	scap_evt_t *evt;
	char id[SINSP_CONTAINER_ID_MAX];
};

struct sinsp_ctr_mgr {
	struct sinsp_runtime_cfg cfg;
	char *docker_socket, *podman_socket, *docker_root;
	char **bundles; /* NULL-terminated copy, or NULL */
	bool lookups, api;
	int32_t wait_ms, retries;
	uint64_t ctr_timeout;
	size_t max_count, max_bytes;

	struct ctr_state *states;
	struct pending_evt evq[MAX_EVENTS];
	size_t evq_head, evq_n;

	/* shared with the worker, under mu */
	pthread_mutex_t mu;
	pthread_cond_t cv_req, cv_done;
	pthread_t thr;
	bool thr_started, stop;
	struct lookup *req, *done; /* FIFO lists */
	size_t nreq;
	size_t inflight; /* queued + under way */

	uint64_t n_ok, n_disk, n_failed, n_retried, n_evicted, n_refused, n_events, delay_max, delay_total;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void logf_(sinsp_t *s, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void logf_(sinsp_t *s, int level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!s->opts.log_fn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->opts.log_fn(level, msg, s->opts.log_ctx);
}

/* An option string: NULL takes the default, "" turns the source off. */
static int opt_str(const char *v, const char *def, char **out)
{
	const char *s = v ? v : def;
	*out = NULL;
	if (!s[0])
		return 0;
	return (*out = strdup(s)) ? 0 : -1;
}

static const char *const default_bundles[] = SINSP_RUNTIME_BUNDLE_DIRS;

struct sinsp_ctr_mgr *sinsp_ctr_mgr_new(const struct sinsp_opts *o, bool live, char *err, size_t errlen)
{
	struct sinsp_ctr_mgr *m = calloc(1, sizeof(*m));
	const char *const *b = o->bundle_dirs ? o->bundle_dirs : default_bundles;
	size_t nb = 0;

	if (!m)
		goto oom;
	pthread_condattr_t ca; /* the waits measure CLOCK_MONOTONIC */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_mutex_init(&m->mu, NULL);
	pthread_cond_init(&m->cv_req, &ca);
	pthread_cond_init(&m->cv_done, &ca);
	pthread_condattr_destroy(&ca);
	m->lookups = o->container_lookups > 0 || (o->container_lookups == 0 && live);
	m->wait_ms = o->lookup_wait_ms == 0 ? DEF_WAIT_MS : o->lookup_wait_ms;
	m->retries = o->lookup_retries == 0 ? DEF_RETRIES : o->lookup_retries < 0 ? 0 : o->lookup_retries;
	m->ctr_timeout = o->container_timeout_ns ? o->container_timeout_ns : DEF_CTR_TIMEOUT;
	m->max_count = o->max_containers ? o->max_containers : DEF_MAX_CONTAINERS;
	m->max_bytes = o->max_container_bytes ? o->max_container_bytes : DEF_MAX_BYTES;
	if (opt_str(o->docker_socket, SINSP_RUNTIME_DOCKER_SOCKET, &m->docker_socket) ||
	    opt_str(o->podman_socket, SINSP_RUNTIME_PODMAN_SOCKET, &m->podman_socket) ||
	    opt_str(o->docker_root, SINSP_RUNTIME_DOCKER_ROOT, &m->docker_root))
		goto oom;
	while (b[nb])
		nb++;
	if (nb) {
		if (!(m->bundles = calloc(nb + 1, sizeof(char *))))
			goto oom;
		for (size_t i = 0; i < nb; i++)
			if (!(m->bundles[i] = strdup(b[i])))
				goto oom;
	}
	m->cfg.docker_socket = m->docker_socket;
	m->cfg.podman_socket = m->podman_socket;
	m->cfg.docker_root = m->docker_root;
	m->cfg.bundle_dirs = (const char *const *)m->bundles;
	m->cfg.timeout_ms = o->lookup_timeout_ms ? o->lookup_timeout_ms : DEF_TIMEOUT_MS;
	m->cfg.max_bytes = 0; /* runtime.h's default */
	m->api = m->docker_socket || m->podman_socket;
	return m;
oom:
	snprintf(err, errlen, "sinsp_open: out of memory");
	sinsp_ctr_mgr_free(m);
	return NULL;
}

static void lookup_free(struct lookup *l)
{
	if (l) {
		free(l->json);
		free(l);
	}
}

static void list_free(struct lookup *l)
{
	while (l) {
		struct lookup *n = l->next;
		lookup_free(l);
		l = n;
	}
}

void sinsp_ctr_mgr_free(struct sinsp_ctr_mgr *m)
{
	struct ctr_state *st, *tmp;

	if (!m)
		return;
	if (m->thr_started) {
		pthread_mutex_lock(&m->mu);
		m->stop = true;
		pthread_cond_broadcast(&m->cv_req);
		pthread_mutex_unlock(&m->mu);
		pthread_join(m->thr, NULL);
	}
	list_free(m->req);
	list_free(m->done);
	for (size_t i = 0; i < m->evq_n; i++)
		scap_evt_free(m->evq[(m->evq_head + i) % MAX_EVENTS].evt);
	HASH_ITER(hh, m->states, st, tmp) {
		HASH_DEL(m->states, st);
		free(st);
	}
	for (size_t i = 0; m->bundles && m->bundles[i]; i++)
		free(m->bundles[i]);
	free(m->bundles);
	free(m->docker_socket);
	free(m->podman_socket);
	free(m->docker_root);
	pthread_cond_destroy(&m->cv_req);
	pthread_cond_destroy(&m->cv_done);
	pthread_mutex_destroy(&m->mu);
	free(m);
}

/* ---- the worker ---------------------------------------------------------- */

static void append(struct lookup **head, struct lookup *l)
{
	l->next = NULL;
	while (*head)
		head = &(*head)->next;
	*head = l;
}

static void *worker(void *arg)
{
	struct sinsp_ctr_mgr *m = arg;

	pthread_mutex_lock(&m->mu);
	while (!m->stop) {
		uint64_t now = mono_ns(), wake = UINT64_MAX;
		struct lookup **pp = &m->req, *l = NULL;
		for (; *pp; pp = &(*pp)->next) {
			if ((*pp)->not_before <= now) {
				l = *pp;
				*pp = l->next;
				m->nreq--;
				break;
			}
			if ((*pp)->not_before < wake)
				wake = (*pp)->not_before;
		}
		if (!l) {
			if (wake == UINT64_MAX) {
				pthread_cond_wait(&m->cv_req, &m->mu);
			} else {
				struct timespec ts;
				clock_gettime(CLOCK_MONOTONIC, &ts);
				uint64_t d = wake - now;
				ts.tv_sec += (time_t)(d / 1000000000u);
				ts.tv_nsec += (long)(d % 1000000000u);
				if (ts.tv_nsec >= 1000000000) {
					ts.tv_sec++;
					ts.tv_nsec -= 1000000000;
				}
				pthread_cond_timedwait(&m->cv_req, &m->mu, &ts);
			}
			continue;
		}
		pthread_mutex_unlock(&m->mu);
		free(l->json);
		l->json = NULL;
		l->why[0] = '\0';
		l->rc = sinsp_runtime_api_lookup(&m->cfg, l->full_id, l->type, &l->json, &l->len, l->why,
						 sizeof(l->why));
		pthread_mutex_lock(&m->mu);
		struct lookup **tail = &m->done;
		while (*tail)
			tail = &(*tail)->next;
		l->next = NULL;
		__atomic_store_n(tail, l, __ATOMIC_RELEASE);
		pthread_cond_broadcast(&m->cv_done);
	}
	pthread_mutex_unlock(&m->mu);
	return NULL;
}

static int start_worker(struct sinsp_ctr_mgr *m)
{
	if (m->thr_started)
		return 0;
	if (pthread_create(&m->thr, NULL, worker, m) != 0)
		return -1;
	m->thr_started = true;
	return 0;
}

/* Queue an API request (under no lock). Returns 0, or -1 when it cannot be
 * queued (l freed). */
static int enqueue(struct sinsp_ctr_mgr *m, struct lookup *l, uint64_t delay_ns)
{
	int rc = 0;

	if (start_worker(m) < 0) {
		lookup_free(l);
		return -1;
	}
	pthread_mutex_lock(&m->mu);
	if (m->nreq >= MAX_QUEUED) {
		rc = -1;
	} else {
		l->not_before = mono_ns() + delay_ns;
		append(&m->req, l);
		m->nreq++;
		m->inflight++;
		pthread_cond_signal(&m->cv_req);
	}
	pthread_mutex_unlock(&m->mu);
	if (rc)
		lookup_free(l);
	return rc;
}

/* ---- the table ----------------------------------------------------------- */

/* Refresh last_seen of the containers that have a live thread. */
static void mark_live(sinsp_t *s, uint64_t now)
{
	struct sinsp_ctr_mgr *m = s->ctr;
	struct sinsp_thread *t, *tmp;
	const char *last = NULL;

	HASH_ITER(hh, s->threads, t, tmp) {
		if (!t->p || t->dead || !t->p->container_id[0] || !strcmp(t->p->container_id, "host"))
			continue;
		if (last && !strcmp(last, t->p->container_id))
			continue;
		last = t->p->container_id;
		struct ctr_state *st = NULL;
		HASH_FIND_STR(m->states, last, st);
		if (st)
			st->last_seen = now;
	}
}

static void forget(sinsp_t *s, struct ctr_state *st)
{
	struct sinsp_ctr_mgr *m = s->ctr;

	sinsp_containers_remove(s->containers, st->id);
	HASH_DEL(m->states, st);
	free(st);
	m->n_evicted++;
}

/* Make room for one more container: evict the one without live threads
 * seen longest ago. Returns 1 if one went. */
static int evict_one(sinsp_t *s, uint64_t now)
{
	struct sinsp_ctr_mgr *m = s->ctr;
	struct ctr_state *st, *tmp, *old = NULL;

	mark_live(s, now);
	HASH_ITER(hh, m->states, st, tmp)
		if (st->status != ST_PENDING && st->last_seen < now && (!old || st->last_seen < old->last_seen))
			old = st;
	if (!old)
		return 0;
	forget(s, old);
	return 1;
}

static bool over_limits(const sinsp_t *s)
{
	const struct sinsp_ctr_mgr *m = s->ctr;
	return sinsp_containers_count(s->containers) >= m->max_count ||
	       sinsp_containers_bytes(s->containers) >= m->max_bytes;
}

static void queue_event(sinsp_t *s, const char *id, uint64_t ts)
{
	struct sinsp_ctr_mgr *m = s->ctr;
	const struct sinsp_container *c = sinsp_containers_find(s->containers, id);
	scap_evt_t *e;

	if (!c || m->evq_n == MAX_EVENTS || !(e = sinsp_ctr_mgr_event_for(c, ts)))
		return;
	struct pending_evt *p = &m->evq[(m->evq_head + m->evq_n++) % MAX_EVENTS];
	p->evt = e;
	snprintf(p->id, sizeof(p->id), "%s", id);
	s->meta_pending++;
}

/* Add a container JSON to the table within its bounds: evicts containers
 * without threads to make room, else refuses (counted, logged). what names
 * the container in the log line. */
static int add_bounded(sinsp_t *s, const char *what, const char *json, size_t len, uint64_t ts)
{
	struct sinsp_ctr_mgr *m = s->ctr;
	char err[160];

	while (over_limits(s) && evict_one(s, ts))
		;
	if (over_limits(s)) {
		m->n_refused++;
		logf_(s, SCAP_LOG_WARN,
		      "container %s: metadata not stored: the container table is full (%zu containers, %zu bytes; "
		      "limits %zu, %zu) and every container in it has threads",
		      what, sinsp_containers_count(s->containers), sinsp_containers_bytes(s->containers),
		      m->max_count, m->max_bytes);
		return -1;
	}
	if (sinsp_containers_add_json(s->containers, json, len, err, sizeof(err)) < 0) {
		m->n_refused++;
		logf_(s, SCAP_LOG_WARN, "container %s: metadata not stored: %s", what, err);
		return -1;
	}
	return 0;
}

int sinsp_ctr_mgr_add_json(sinsp_t *s, const char *json, size_t len, uint64_t ts, char *id, size_t idlen)
{
	if (id && idlen)
		id[0] = '\0';
	if (add_bounded(s, "event", json, len, ts) < 0)
		return -1;
	const struct sinsp_container *c = sinsp_containers_last(s->containers);
	if (id && idlen && c)
		snprintf(id, idlen, "%s", sinsp_container_id(c));
	return 0;
}

/* Store the JSON of a resolved container. */
static int store(sinsp_t *s, struct ctr_state *st, const char *json, size_t len, uint64_t ts)
{
	struct sinsp_ctr_mgr *m = s->ctr;

	if (add_bounded(s, st->id, json, len, ts) < 0) {
		st->status = ST_FAILED;
		return -1;
	}
	st->status = ST_DONE;
	m->n_ok++;
	queue_event(s, st->id, ts);
	return 0;
}

static void give_up(sinsp_t *s, struct ctr_state *st, const char *why)
{
	st->status = ST_FAILED;
	s->ctr->n_failed++;
	logf_(s, SCAP_LOG_WARN, "container %s: no metadata: %s", st->id, why);
}

/* Apply one answer of the worker. */
static void apply(sinsp_t *s, struct lookup *l, uint64_t ts)
{
	struct sinsp_ctr_mgr *m = s->ctr;
	struct ctr_state *st = NULL;

	HASH_FIND_STR(m->states, l->id, st);
	if (!st || st->status != ST_PENDING) { /* evicted meanwhile, or a capture event came */
		lookup_free(l);
		return;
	}
	if (l->rc == SINSP_RT_OK && l->json) {
		store(s, st, l->json, l->len, ts);
		lookup_free(l);
		return;
	}
	if (l->rc != SINSP_RT_UNAVAILABLE && l->attempt < (uint32_t)m->retries) {
		l->attempt++;
		m->n_retried++;
		if (enqueue(m, l, 100000000ull << (l->attempt - 1)) == 0)
			return;
		give_up(s, st, "too many lookups queued");
		return;
	}
	give_up(s, st, l->why[0] ? l->why : "no runtime source answered");
	lookup_free(l);
}

/* Take the worker's answers (under the lock) and apply them. */
static void drain(sinsp_t *s, uint64_t ts)
{
	struct sinsp_ctr_mgr *m = s->ctr;
	struct lookup *l;

	pthread_mutex_lock(&m->mu);
	l = m->done;
	__atomic_store_n(&m->done, NULL, __ATOMIC_RELEASE);
	for (struct lookup *k = l; k; k = k->next)
		m->inflight--;
	pthread_mutex_unlock(&m->mu);
	while (l) {
		struct lookup *n = l->next;
		apply(s, l, ts);
		l = n;
	}
}

void sinsp_ctr_mgr_poll(sinsp_t *s)
{
	struct sinsp_ctr_mgr *m = s->ctr;

	/* a racy peek is fine: a list that has just been filled is seen at the
	 * next call */
	if (m->thr_started && __atomic_load_n(&m->done, __ATOMIC_ACQUIRE))
		drain(s, s->last_ts);
}

/* Wait (bounded) until the worker has answered about id. */
static void wait_for(sinsp_t *s, const char *id)
{
	struct sinsp_ctr_mgr *m = s->ctr;
	struct timespec dl;
	bool answered = false;

	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_sec += m->wait_ms / 1000;
	dl.tv_nsec += (long)(m->wait_ms % 1000) * 1000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&m->mu);
	while (!answered) {
		for (struct lookup *l = m->done; l && !answered; l = l->next)
			answered = !strcmp(l->id, id);
		if (!answered && pthread_cond_timedwait(&m->cv_done, &m->mu, &dl) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&m->mu);
}

void sinsp_ctr_mgr_seen(sinsp_t *s, const char *id, const char *full_id, int type, uint64_t ts)
{
	struct sinsp_ctr_mgr *m = s->ctr;
	struct ctr_state *st = NULL;
	char why[256] = "";
	char *json = NULL;
	size_t len = 0;
	uint64_t t0;
	int rc;

	HASH_FIND_STR(m->states, id, st);
	if (st)
		return;
	if (!(st = calloc(1, sizeof(*st))))
		return;
	snprintf(st->id, sizeof(st->id), "%s", id);
	st->last_seen = ts;
	HASH_ADD_STR(m->states, id, st);
	if (!m->lookups || sinsp_containers_find(s->containers, id)) {
		st->status = ST_DONE; /* a capture's own container event, or no lookups */
		return;
	}
	st->status = ST_PENDING;
	t0 = mono_ns();
	rc = sinsp_runtime_disk_lookup(&m->cfg, full_id, (uint32_t)type, &json, &len, why, sizeof(why));
	if (rc == SINSP_RT_OK && json) {
		if (store(s, st, json, len, ts) == 0)
			m->n_disk++;
		free(json);
	} else if (m->api) {
		free(json);
		struct lookup *l = calloc(1, sizeof(*l));
		if (l) {
			snprintf(l->id, sizeof(l->id), "%s", id);
			snprintf(l->full_id, sizeof(l->full_id), "%s", full_id);
			l->type = (uint32_t)type;
		}
		if (!l || enqueue(m, l, 0) < 0) {
			give_up(s, st, "cannot queue the API lookup");
		} else if ((s->ctr_async = true), m->wait_ms > 0) {
			wait_for(s, id);
			drain(s, ts);
		}
	} else {
		free(json);
		give_up(s, st, why[0] ? why : "no runtime source configured");
	}
	uint64_t d = mono_ns() - t0;
	m->delay_total += d;
	if (d > m->delay_max)
		m->delay_max = d;
}

scap_evt_t *sinsp_ctr_mgr_take_event(sinsp_t *s, char *id)
{
	struct sinsp_ctr_mgr *m = s->ctr;
	struct pending_evt *p;

	if (!m->evq_n)
		return NULL;
	p = &m->evq[m->evq_head];
	m->evq_head = (m->evq_head + 1) % MAX_EVENTS;
	m->evq_n--;
	s->meta_pending--;
	m->n_events++;
	memcpy(id, p->id, SINSP_CONTAINER_ID_MAX);
	return p->evt;
}

scap_evt_t *sinsp_ctr_mgr_event_for(const struct sinsp_container *c, uint64_t ts)
{
	size_t len;
	const char *json = sinsp_container_json(c, &len);
	const void *param[1] = {json};
	uint32_t plen[1];

	if (!json || len >= UINT32_MAX)
		return NULL;
	plen[0] = (uint32_t)len + 1; /* with its NUL, as upstream writes it */
	return scap_evt_new(CONTAINER_JSON_2_E, ts, -1, 1, param, plen, NULL);
}

void sinsp_ctr_mgr_purge(sinsp_t *s, uint64_t now)
{
	struct sinsp_ctr_mgr *m = s->ctr;
	struct ctr_state *st, *tmp;

	/* containers the stream described (a capture's container events) are
	 * adopted here, so that they are bounded and expire too */
	size_t cur = 0;
	for (const struct sinsp_container *c; (c = sinsp_containers_next(s->containers, &cur));) {
		const char *id = sinsp_container_id(c);
		HASH_FIND_STR(m->states, id, st);
		if (!st && strlen(id) < sizeof(st->id) && (st = calloc(1, sizeof(*st)))) {
			snprintf(st->id, sizeof(st->id), "%s", id);
			st->status = ST_DONE;
			st->last_seen = now;
			HASH_ADD_STR(m->states, id, st);
		}
	}
	mark_live(s, now);
	HASH_ITER(hh, m->states, st, tmp)
		if (st->status != ST_PENDING && st->last_seen + m->ctr_timeout < now)
			forget(s, st);
}

void sinsp_ctr_mgr_stats(const struct sinsp_ctr_mgr *m, struct sinsp_stats *st)
{
	st->n_container_lookups_ok = m->n_ok;
	st->n_container_lookups_disk = m->n_disk;
	st->n_container_lookups_failed = m->n_failed;
	st->n_container_lookups_retried = m->n_retried;
	pthread_mutex_lock((pthread_mutex_t *)&m->mu);
	st->n_container_lookups_pending = m->inflight;
	pthread_mutex_unlock((pthread_mutex_t *)&m->mu);
	st->n_containers_evicted = m->n_evicted;
	st->n_containers_refused = m->n_refused;
	st->n_container_events = m->n_events;
	st->container_delay_max_ns = m->delay_max;
	st->container_delay_total_ns = m->delay_total;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * container.c - the container metadata table filled from container JSON
 * (the container events of a capture, the runtimes' lookups). See
 * container.h; the cgroup matching is in container_cgroup.c.
 *
 * The JSON layout is upstream's (sinsp_container_manager::container_to_json()
 * and the parser of PPME_CONTAINER_JSON events, falcosecurity/libs
 * userspace/libsinsp/container.cpp and parsers.cpp before the container code
 * moved to the container plugin).
 */
#include "container.h"
#include "json.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include <jsmn.h>

#define HASH_NONFATAL_OOM 1
#include <uthash.h>

/* ====================================================================== */
/* Container types                                                        */
/* ====================================================================== */

const char *sinsp_container_type_name(uint32_t type)
{
	switch (type) {
	case SINSP_CT_DOCKER: return "docker";
	case SINSP_CT_LXC: return "lxc";
	case SINSP_CT_LIBVIRT_LXC: return "libvirt-lxc";
	case SINSP_CT_MESOS: return "mesos";
	case SINSP_CT_RKT: return "rkt";
	case SINSP_CT_CUSTOM: return "custom";
	case SINSP_CT_CRI: return "cri";
	case SINSP_CT_CONTAINERD: return "containerd";
	case SINSP_CT_CRIO: return "cri-o";
	case SINSP_CT_BPM: return "bpm";
	case SINSP_CT_STATIC: return "static";
	case SINSP_CT_PODMAN: return "podman";
	case SINSP_CT_HOST: return "host";
	default: return NULL;
	}
}

bool sinsp_container_type_docker_compatible(uint32_t type)
{
	return type == SINSP_CT_DOCKER || type == SINSP_CT_CRI || type == SINSP_CT_CONTAINERD ||
	       type == SINSP_CT_CRIO || type == SINSP_CT_PODMAN;
}

/* ====================================================================== */
/* Container table                                                        */
/* ====================================================================== */

struct ctr_mount {
	char *source, *dest, *mode, *propagation;
	bool rw;
};

struct ctr_label {
	UT_hash_handle hh; /* in label_set.index, keyed by key */
	char *key, *value;
};

/* Labels sorted by key (upstream keeps them in a std::map). */
struct label_set {
	struct ctr_label *v; /* allocated once, cap entries */
	size_t n, cap;
	struct ctr_label *index; /* uthash head over v[] */
};

/* Everything but the id (swapped as a whole when an entry is replaced). */
struct ctr_data {
	uint32_t type;
	char *name, *image, *imageid, *imagerepo, *imagetag, *imagedigest, *full_id, *ip, *user, *pod_sandbox_id,
		*cni_json;
	char *probes[SINSP_CONTAINER_PROBES]; /* "exe arg1 arg2", NULL: none */
	uint32_t ipv4;                        /* host order, 0: none */
	int64_t created_time;
	int lookup_state;
	bool privileged, host_pid, host_network, host_ipc, is_pod_sandbox;
	struct ctr_mount *mounts;
	size_t nmounts, mounts_cap;
	char *mounts_str;
	struct label_set labels, pod_labels;
	char *json; /* the JSON text the entry came from (NUL-terminated) */
	size_t json_len;
	size_t bytes; /* what the entry holds, see entry_bytes() */
};

struct sinsp_container {
	UT_hash_handle hh;
	UT_hash_handle hj; /* in sinsp_containers.by_json, keyed by d.json (when json_indexed) */
	bool json_indexed;
	char *id;
	size_t idx; /* in sinsp_containers.vec */
	struct ctr_data d;
};

struct sinsp_containers {
	struct sinsp_container *head;
	struct sinsp_container *by_json; /* the entries by the JSON text they came from */
	struct sinsp_container **vec; /* dense, for the iterator */
	size_t n, cap;
	size_t bytes; /* sum of the entries' d.bytes */
	size_t max_count, max_bytes;
	const struct sinsp_container *last; /* the entry the last add stored */
};

static void labels_free(struct label_set *l)
{
	HASH_CLEAR(hh, l->index);
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].value);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void data_free(struct ctr_data *d)
{
	char **strs[] = {&d->name,    &d->image,   &d->imageid, &d->imagerepo,      &d->imagetag,
			 &d->imagedigest, &d->full_id, &d->ip,      &d->pod_sandbox_id, &d->cni_json,
			 &d->user,    &d->mounts_str, &d->json};

	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		free(*strs[i]);
	for (size_t i = 0; i < SINSP_CONTAINER_PROBES; i++)
		free(d->probes[i]);
	for (size_t i = 0; i < d->nmounts; i++) {
		free(d->mounts[i].source);
		free(d->mounts[i].dest);
		free(d->mounts[i].mode);
		free(d->mounts[i].propagation);
	}
	free(d->mounts);
	labels_free(&d->labels);
	labels_free(&d->pod_labels);
	memset(d, 0, sizeof(*d));
}

static void ctr_free(struct sinsp_container *c)
{
	if (!c)
		return;
	free(c->id);
	data_free(&c->d);
	free(c);
}

/* The JSON index: an entry whose text a new event repeats is not parsed
 * again (without the index, a lookup per add made a full table quadratic). */
static void json_index(struct sinsp_containers *t, struct sinsp_container *c)
{
	if (!c->d.json)
		return;
	HASH_ADD_KEYPTR(hj, t->by_json, c->d.json, c->d.json_len, c);
	c->json_indexed = c->hj.tbl != NULL; /* out of memory: not indexed, only parsed again */
}

static void json_unindex(struct sinsp_containers *t, struct sinsp_container *c)
{
	if (c->json_indexed)
		HASH_DELETE(hj, t->by_json, c);
	c->json_indexed = false;
}

/* ---- memory accounting ---- */

static size_t str_bytes(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

/* A uthash table: its header and buckets. */
static size_t hash_bytes(const UT_hash_handle *hh)
{
	return hh && hh->tbl ? sizeof(UT_hash_table) + hh->tbl->num_buckets * sizeof(UT_hash_bucket) : 0;
}

static size_t labels_bytes(const struct label_set *l)
{
	size_t b = l->cap * sizeof(*l->v) + (l->index ? hash_bytes(&l->index->hh) : 0);

	for (size_t i = 0; i < l->n; i++)
		b += str_bytes(l->v[i].key) + str_bytes(l->v[i].value);
	return b;
}

/* What an entry holds: its record, id, strings, arrays, hash tables and
 * JSON copy, as asked of malloc (its own overhead per block not counted). */
static size_t entry_bytes(const struct sinsp_container *c)
{
	const struct ctr_data *d = &c->d;
	const char *strs[] = {c->id,         d->name,     d->image,    d->imageid,        d->imagerepo,
			      d->imagetag,   d->imagedigest, d->full_id, d->ip,           d->pod_sandbox_id,
			      d->cni_json,   d->user,     d->mounts_str, d->json};
	size_t b = sizeof(*c);

	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		b += str_bytes(strs[i]);
	for (size_t i = 0; i < SINSP_CONTAINER_PROBES; i++)
		b += str_bytes(d->probes[i]);
	b += d->mounts_cap * sizeof(*d->mounts);
	for (size_t i = 0; i < d->nmounts; i++)
		b += str_bytes(d->mounts[i].source) + str_bytes(d->mounts[i].dest) + str_bytes(d->mounts[i].mode) +
		     str_bytes(d->mounts[i].propagation);
	return b + labels_bytes(&d->labels) + labels_bytes(&d->pod_labels);
}

/* ---- the table ---- */

struct sinsp_containers *sinsp_containers_new(void)
{
	struct sinsp_containers *t = calloc(1, sizeof(*t));

	if (t) {
		t->max_count = SINSP_CONTAINERS_MAX;
		t->max_bytes = SINSP_CONTAINERS_BYTES_MAX;
	}
	return t;
}

void sinsp_containers_set_limits(struct sinsp_containers *t, size_t max_count, size_t max_bytes)
{
	if (!t)
		return;
	t->max_count = max_count ? max_count : SINSP_CONTAINERS_MAX;
	t->max_bytes = max_bytes ? max_bytes : SINSP_CONTAINERS_BYTES_MAX;
}

void sinsp_containers_free(struct sinsp_containers *t)
{
	struct sinsp_container *c, *tmp;

	if (!t)
		return;
	HASH_CLEAR(hj, t->by_json);
	HASH_ITER(hh, t->head, c, tmp) {
		HASH_DEL(t->head, c);
		ctr_free(c);
	}
	free(t->vec);
	free(t);
}

size_t sinsp_containers_count(const struct sinsp_containers *t)
{
	return t ? t->n : 0;
}

size_t sinsp_containers_bytes(const struct sinsp_containers *t)
{
	if (!t)
		return 0;
	return sizeof(*t) + t->cap * sizeof(*t->vec) + (t->head ? hash_bytes(&t->head->hh) : 0) + t->bytes;
}

const struct sinsp_container *sinsp_containers_find(const struct sinsp_containers *t, const char *id)
{
	struct sinsp_container *c = NULL;

	if (!t || !id)
		return NULL;
	HASH_FIND_STR(t->head, id, c);
	return c;
}

const struct sinsp_container *sinsp_containers_next(const struct sinsp_containers *t, size_t *cursor)
{
	if (!t || !cursor || *cursor >= t->n)
		return NULL;
	return t->vec[(*cursor)++];
}

int sinsp_containers_remove(struct sinsp_containers *t, const char *id)
{
	struct sinsp_container *c = NULL;

	if (!t || !id)
		return 0;
	HASH_FIND_STR(t->head, id, c);
	if (!c)
		return 0;
	HASH_DEL(t->head, c);
	json_unindex(t, c);
	if (t->last == c)
		t->last = NULL;
	/* the last entry takes its slot */
	t->vec[c->idx] = t->vec[--t->n];
	t->vec[c->idx]->idx = c->idx;
	t->bytes -= c->d.bytes;
	ctr_free(c);
	return 1;
}

static int put_err(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int put_err(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* Store c (owned, its d.bytes set) under c->id: an existing entry takes c's
 * data; a new one is added. Returns 0, or -1 (c freed) past the table's
 * limits or when memory runs out. */
static int table_put(struct sinsp_containers *t, struct sinsp_container *c, char *err, size_t errlen)
{
	struct sinsp_container *old = NULL;
	int rc;

	HASH_FIND_STR(t->head, c->id, old);
	if (old) {
		if (t->bytes - old->d.bytes + c->d.bytes > t->max_bytes) {
			rc = put_err(err, errlen, -1,
				     "container table full: replacing container %s needs %zu bytes, the table holds "
				     "%zu of its limit of %zu bytes",
				     c->id, c->d.bytes, t->bytes - old->d.bytes, t->max_bytes);
			ctr_free(c);
			return rc;
		}
		/* same id: its id string stays, and c->d.bytes counted it too */
		struct ctr_data tmp = old->d;
		t->bytes = t->bytes - old->d.bytes + c->d.bytes;
		json_unindex(t, old);
		old->d = c->d;
		c->d = tmp;
		ctr_free(c);
		json_index(t, old);
		t->last = old;
		return 0;
	}
	if (t->n >= t->max_count) {
		rc = put_err(err, errlen, -1, "container table full: %zu containers (limit %zu), container %s not added",
			     t->n, t->max_count, c->id);
		ctr_free(c);
		return rc;
	}
	if (t->bytes + c->d.bytes > t->max_bytes) {
		rc = put_err(err, errlen, -1,
			     "container table full: container %s needs %zu bytes, the table holds %zu of its limit of "
			     "%zu bytes",
			     c->id, c->d.bytes, t->bytes, t->max_bytes);
		ctr_free(c);
		return rc;
	}
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 16;
		struct sinsp_container **v = realloc(t->vec, ncap * sizeof(*v));
		if (!v) {
			ctr_free(c);
			return put_err(err, errlen, -1, "out of memory");
		}
		t->vec = v;
		t->cap = ncap;
	}
	HASH_ADD_KEYPTR(hh, t->head, c->id, strlen(c->id), c);
	if (c->hh.tbl == NULL) {
		ctr_free(c);
		return put_err(err, errlen, -1, "out of memory");
	}
	c->idx = t->n;
	t->vec[t->n++] = c;
	t->bytes += c->d.bytes;
	t->last = c;
	json_index(t, c);
	return 0;
}

const struct sinsp_container *sinsp_containers_last(const struct sinsp_containers *t)
{
	return t ? t->last : NULL;
}

/* ---- JSON ------------------------------------------------------------- */

struct jctx {
	const char *js;
	const jsmntok_t *tok;
	int ntok;
	char *err;
	size_t errlen;
};

static int jerr(struct jctx *j, const char *msg)
{
	if (j->err && j->errlen)
		snprintf(j->err, j->errlen, "container JSON: %s", msg);
	return -1;
}

/* Index just past the subtree of token i (ntok when the tree is cut). */
static int jskip(const struct jctx *j, int i)
{
	long pending = 1;

	while (pending > 0) {
		if (i >= j->ntok)
			return j->ntok;
		pending += (long)j->tok[i].size - 1;
		i++;
	}
	return i;
}

/* Token text as a new C string: strings unescaped, primitives verbatim
 * (null -> ""). NULL when out of memory. */
static char *jstr(const struct jctx *j, int i)
{
	const jsmntok_t *t = &j->tok[i];
	size_t n = (size_t)(t->end - t->start);
	const char *s = j->js + t->start;
	char *r;

	if (t->type == JSMN_PRIMITIVE && n == 4 && memcmp(s, "null", 4) == 0)
		n = 0;
	r = malloc(n + 1);
	if (!r)
		return NULL;
	if (t->type == JSMN_STRING) {
		sinsp_json_unescape(s, n, r);
	} else {
		memcpy(r, s, n);
		r[n] = '\0';
	}
	return r;
}

/* Does token i (a string) decode to key? Keys of interest are short. */
static bool jkey_is(const struct jctx *j, int i, const char *key)
{
	const jsmntok_t *t = &j->tok[i];
	size_t n = (size_t)(t->end - t->start);
	const char *s = j->js + t->start;
	char buf[64];

	if (t->type != JSMN_STRING)
		return false;
	if (!memchr(s, '\\', n))
		return strlen(key) == n && memcmp(s, key, n) == 0;
	if (n >= sizeof(buf))
		return false;
	sinsp_json_unescape(s, n, buf);
	return strcmp(buf, key) == 0;
}

/* Primitive text check. */
static bool jprim_is(const struct jctx *j, int i, const char *lit)
{
	const jsmntok_t *t = &j->tok[i];
	size_t n = (size_t)(t->end - t->start);

	return t->type == JSMN_PRIMITIVE && strlen(lit) == n && memcmp(j->js + t->start, lit, n) == 0;
}

/* Non-negative integer primitive <= UINT32_MAX. */
static bool jget_u32(const struct jctx *j, int i, uint32_t *out)
{
	const jsmntok_t *t = &j->tok[i];
	const char *s = j->js + t->start;
	size_t n = (size_t)(t->end - t->start);
	uint64_t v = 0;

	if (t->type != JSMN_PRIMITIVE || n == 0 || n > 10)
		return false;
	for (size_t k = 0; k < n; k++) {
		if (s[k] < '0' || s[k] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[k] - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* Boolean: true/false, or a number (non-zero is true) as jsoncpp converts
 * them. Returns false when the value is not convertible (null, strings...). */
static bool jget_bool(const struct jctx *j, int i, bool *out)
{
	const jsmntok_t *t = &j->tok[i];
	const char *s = j->js + t->start;
	size_t n = (size_t)(t->end - t->start);

	if (t->type != JSMN_PRIMITIVE || n == 0)
		return false;
	if (jprim_is(j, i, "true")) {
		*out = true;
		return true;
	}
	if (jprim_is(j, i, "false")) {
		*out = false;
		return true;
	}
	if (s[0] == '-' || (s[0] >= '0' && s[0] <= '9')) {
		bool nz = false;
		for (size_t k = 0; k < n; k++) {
			char c = s[k];
			if (c == 'e' || c == 'E')
				break; /* exponent: the mantissa decides */
			if (c >= '1' && c <= '9')
				nz = true;
		}
		*out = nz;
		return true;
	}
	return false;
}

/* A string-convertible scalar (string, number, bool; not null). */
static bool jscalar(const struct jctx *j, int i)
{
	const jsmntok_t *t = &j->tok[i];

	return t->type == JSMN_STRING || (t->type == JSMN_PRIMITIVE && !jprim_is(j, i, "null"));
}

/* Set *dst to the string value of token i when it is a scalar. Returns -1
 * when out of memory. */
static int jset_str(const struct jctx *j, int i, char **dst)
{
	char *s;

	if (i < 0 || !jscalar(j, i))
		return 0;
	s = jstr(j, i);
	if (!s)
		return -1;
	free(*dst);
	*dst = s;
	return 0;
}

/* Signed integer primitive that fits int64 (jsoncpp's asInt64 of an
 * integer). */
static bool jget_i64(const struct jctx *j, int i, int64_t *out)
{
	const jsmntok_t *t = &j->tok[i];
	const char *s = j->js + t->start;
	size_t n = (size_t)(t->end - t->start), k = 0;
	bool neg = false;
	uint64_t v = 0;

	if (t->type != JSMN_PRIMITIVE || n == 0 || n > 20)
		return false;
	if (s[0] == '-') {
		neg = true;
		k = 1;
	}
	if (k == n)
		return false;
	for (; k < n; k++) {
		if (s[k] < '0' || s[k] > '9')
			return false;
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[k] - '0');
	}
	if (neg ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX)
		return false;
	*out = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
	return true;
}

static char *dup_str(const char *s)
{
	size_t l;
	char *r;

	if (!s)
		s = "";
	l = strlen(s);
	r = malloc(l + 1);
	if (r)
		memcpy(r, s, l + 1);
	return r;
}

/* Value token of key in object obj (the last one, as jsoncpp), or -1. */
static int jmember(const struct jctx *j, int obj, const char *key)
{
	int found = -1;

	if (obj < 0 || j->tok[obj].type != JSMN_OBJECT)
		return -1;
	for (int f = 0, kk = obj + 1; f < j->tok[obj].size && kk + 1 < j->ntok; f++) {
		if (j->tok[kk].type == JSMN_STRING && j->tok[kk].size == 1 && jkey_is(j, kk, key))
			found = kk + 1;
		kk = jskip(j, kk);
	}
	return found;
}

/* The members of one object, walked once: jm_get() then looks a key up
 * without walking the values' subtrees again (the container object has some
 * 30 keys, asked for some 25 times). Past JM_MAX members, jmember(). */
#define JM_MAX 128
struct jmembers {
	const struct jctx *j;
	int obj, n;
	bool all; /* every member is in key[] */
	int key[JM_MAX];
	bool esc[JM_MAX]; /* the key has an escape: compared unescaped */
};

static void jm_init(struct jmembers *m, const struct jctx *j, int obj)
{
	m->j = j;
	m->obj = obj;
	m->n = 0;
	m->all = true;
	if (obj < 0 || j->tok[obj].type != JSMN_OBJECT)
		return;
	for (int f = 0, kk = obj + 1; f < j->tok[obj].size && kk + 1 < j->ntok; f++) {
		if (m->n == JM_MAX) {
			m->all = false;
			return;
		}
		const jsmntok_t *t = &j->tok[kk];
		m->esc[m->n] = memchr(j->js + t->start, '\\', (size_t)(t->end - t->start)) != NULL;
		m->key[m->n++] = kk;
		kk = jskip(j, kk);
	}
}

static int jm_get(const struct jmembers *m, const char *key)
{
	if (!m->all)
		return jmember(m->j, m->obj, key);
	size_t kl = strlen(key);
	for (int i = m->n - 1; i >= 0; i--) { /* the last one wins, as jsoncpp */
		const jsmntok_t *t = &m->j->tok[m->key[i]];
		if (t->type != JSMN_STRING || t->size != 1)
			continue;
		if (m->esc[i] ? jkey_is(m->j, m->key[i], key)
			      : (size_t)(t->end - t->start) == kl && !memcmp(m->j->js + t->start, key, kl))
			return m->key[i] + 1;
	}
	return -1;
}

/* Mounts: [{"Source","Destination","Mode","RW","Propagation"}, ...]. */
static int parse_mounts(struct jctx *j, int arr, struct ctr_data *d)
{
	const jsmntok_t *a = &j->tok[arr];
	size_t cap = (size_t)a->size < SINSP_CONTAINER_MAX_MOUNTS ? (size_t)a->size : SINSP_CONTAINER_MAX_MOUNTS;
	int e = arr + 1;

	if (cap == 0)
		return 0;
	d->mounts = calloc(cap, sizeof(*d->mounts));
	if (!d->mounts)
		return jerr(j, "out of memory");
	d->mounts_cap = cap;
	for (int k = 0; k < a->size && e < j->ntok; k++) {
		int next = jskip(j, e);
		if (j->tok[e].type == JSMN_OBJECT && d->nmounts < cap) {
			struct ctr_mount *mt = &d->mounts[d->nmounts++];
			int src = jmember(j, e, "Source"), dst = jmember(j, e, "Destination"), mode = jmember(j, e, "Mode"),
			    rw = jmember(j, e, "RW"), prop = jmember(j, e, "Propagation");
			/* upstream takes strings only, RW only as a boolean */
			mt->source = src >= 0 && j->tok[src].type == JSMN_STRING ? jstr(j, src) : dup_str("");
			mt->dest = dst >= 0 && j->tok[dst].type == JSMN_STRING ? jstr(j, dst) : dup_str("");
			mt->mode = mode >= 0 && j->tok[mode].type == JSMN_STRING ? jstr(j, mode) : dup_str("");
			mt->propagation =
				prop >= 0 && j->tok[prop].type == JSMN_STRING ? jstr(j, prop) : dup_str("");
			if (rw >= 0 && (jprim_is(j, rw, "true") || jprim_is(j, rw, "false")))
				mt->rw = jprim_is(j, rw, "true");
			if (!mt->source || !mt->dest || !mt->mode || !mt->propagation)
				return jerr(j, "out of memory");
		}
		e = next;
	}
	return 0;
}

static int label_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ctr_label *)a)->key, ((const struct ctr_label *)b)->key);
}

/* Labels: {"key": "value", ...} into l, sorted by key. A later duplicate
 * key wins; scalars as text, null as ""; objects and arrays are dropped;
 * past SINSP_CONTAINER_MAX_LABELS distinct keys (in the JSON's order) the
 * rest is dropped. */
static int parse_labels(struct jctx *j, int obj, struct label_set *l)
{
	const jsmntok_t *o = &j->tok[obj];
	size_t cap = (size_t)o->size < SINSP_CONTAINER_MAX_LABELS ? (size_t)o->size : SINSP_CONTAINER_MAX_LABELS;
	int kk = obj + 1;

	if (cap == 0)
		return 0;
	l->v = calloc(cap, sizeof(*l->v));
	if (!l->v)
		return jerr(j, "out of memory");
	l->cap = cap;
	for (int f = 0; f < o->size && kk < j->ntok; f++) {
		int next = jskip(j, kk);
		int v = kk + 1;
		if (j->tok[kk].type == JSMN_STRING && j->tok[kk].size == 1 && v < j->ntok &&
		    (j->tok[v].type == JSMN_STRING || j->tok[v].type == JSMN_PRIMITIVE)) {
			char *key = jstr(j, kk), *val = jstr(j, v);
			if (!key || !val) {
				free(key);
				free(val);
				return jerr(j, "out of memory");
			}
			struct ctr_label *old = NULL;
			HASH_FIND_STR(l->index, key, old);
			if (old) {
				free(old->value);
				old->value = val;
				free(key);
			} else if (l->n < cap) {
				struct ctr_label *e = &l->v[l->n++];
				e->key = key;
				e->value = val;
				HASH_ADD_KEYPTR(hh, l->index, e->key, strlen(e->key), e);
				if (e->hh.tbl == NULL)
					return jerr(j, "out of memory"); /* freed with the entry */
			} else {
				free(key);
				free(val);
			}
		}
		kk = next;
	}
	/* sort, then index the entries where they now are */
	HASH_CLEAR(hh, l->index);
	qsort(l->v, l->n, sizeof(*l->v), label_cmp);
	for (size_t i = 0; i < l->n; i++) {
		HASH_ADD_KEYPTR(hh, l->index, l->v[i].key, strlen(l->v[i].key), &l->v[i]);
		if (l->v[i].hh.tbl == NULL)
			return jerr(j, "out of memory");
	}
	return 0;
}

/* Health probes: "Healthcheck", "LivenessProbe", "ReadinessProbe" objects
 * {"exe": ..., "args": [...]} (upstream's container_health_probe). Kept as
 * the command line the fields show: exe and the args, space separated. */
static int parse_probes(struct jctx *j, const struct jmembers *cm, struct ctr_data *d)
{
	static const char *const keys[SINSP_CONTAINER_PROBES] = {"Healthcheck", "LivenessProbe", "ReadinessProbe"};

	for (size_t p = 0; p < SINSP_CONTAINER_PROBES; p++) {
		int o = jm_get(cm, keys[p]);
		if (o < 0 || j->tok[o].type != JSMN_OBJECT)
			continue;
		int exe = jmember(j, o, "exe"), args = jmember(j, o, "args");
		if (exe < 0 || !jscalar(j, exe))
			continue;
		/* the output is never longer than the tokens' text plus a
		 * separator per arg */
		size_t cap = (size_t)(j->tok[exe].end - j->tok[exe].start) + 1;
		if (args >= 0 && j->tok[args].type == JSMN_ARRAY)
			cap += (size_t)(j->tok[args].end - j->tok[args].start) + 1;
		char *s = malloc(cap), *a;
		if (!s)
			return jerr(j, "out of memory");
		if (!(a = jstr(j, exe))) {
			free(s);
			return jerr(j, "out of memory");
		}
		size_t n = strlen(a);
		memcpy(s, a, n);
		free(a);
		if (args >= 0 && j->tok[args].type == JSMN_ARRAY) {
			for (int k = 0, e = args + 1; k < j->tok[args].size && e < j->ntok; k++) {
				/* strings, numbers, booleans and null (as "") convert */
				if (j->tok[e].type == JSMN_STRING || j->tok[e].type == JSMN_PRIMITIVE) {
					if (!(a = jstr(j, e))) {
						free(s);
						return jerr(j, "out of memory");
					}
					size_t al = strlen(a);
					s[n++] = ' ';
					memcpy(s + n, a, al);
					n += al;
					free(a);
				}
				e = jskip(j, e);
			}
		}
		s[n] = '\0';
		d->probes[p] = s;
	}
	return 0;
}

static int render_mounts(struct ctr_data *d)
{
	size_t total = 1;
	char *s, *w;

	for (size_t i = 0; i < d->nmounts; i++) {
		const struct ctr_mount *m = &d->mounts[i];
		total += strlen(m->source) + strlen(m->dest) + strlen(m->mode) + strlen(m->propagation) + 4 + 5 + 1;
	}
	s = malloc(total);
	if (!s)
		return -1;
	w = s;
	for (size_t i = 0; i < d->nmounts; i++) {
		const struct ctr_mount *m = &d->mounts[i];
		int n = snprintf(w, total - (size_t)(w - s), "%s%s:%s:%s:%s:%s", i ? "," : "", m->source, m->dest,
				 m->mode, m->rw ? "true" : "false", m->propagation);
		if (n < 0)
			break;
		w += n;
	}
	*w = '\0';
	free(d->mounts_str);
	d->mounts_str = s;
	return 0;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int parse_container(struct jctx *j, struct sinsp_container *c)
{
	int root = 0, cobj = -1;
	struct ctr_data *d = &c->d;
	uint32_t u;

	if (j->ntok < 1 || j->tok[root].type != JSMN_OBJECT)
		return jerr(j, "not an object");
	cobj = jmember(j, root, "container"); /* the last one wins, as jsoncpp */
	if (cobj < 0 || j->tok[cobj].type != JSMN_OBJECT)
		return jerr(j, "no \"container\" object");
	struct jmembers cm;
	jm_init(&cm, j, cobj);

	int i_id = jm_get(&cm, "id");
	if (i_id < 0 || !jscalar(j, i_id))
		return jerr(j, "no container.id");
	c->id = jstr(j, i_id);
	if (!c->id)
		return jerr(j, "out of memory");
	if (!c->id[0])
		return jerr(j, "empty container.id");

	/* strings: any scalar but null, as text (jsoncpp's asString) */
	static const struct {
		const char *key;
		size_t off;
	} strs[] = {
		{"name", offsetof(struct ctr_data, name)},
		{"image", offsetof(struct ctr_data, image)},
		{"imageid", offsetof(struct ctr_data, imageid)},
		{"imagerepo", offsetof(struct ctr_data, imagerepo)},
		{"imagetag", offsetof(struct ctr_data, imagetag)},
		{"imagedigest", offsetof(struct ctr_data, imagedigest)},
		{"full_id", offsetof(struct ctr_data, full_id)},
		{"ip", offsetof(struct ctr_data, ip)},
		{"User", offsetof(struct ctr_data, user)},
		{"pod_sandbox_id", offsetof(struct ctr_data, pod_sandbox_id)},
		{"cni_json", offsetof(struct ctr_data, cni_json)},
	};
	for (size_t k = 0; k < sizeof(strs) / sizeof(strs[0]); k++)
		if (jset_str(j, jm_get(&cm, strs[k].key), (char **)((char *)d + strs[k].off)))
			return jerr(j, "out of memory");
	/* booleans: true/false or numbers; absent, null or other: false */
	static const struct {
		const char *key;
		size_t off;
	} bools[] = {
		{"privileged", offsetof(struct ctr_data, privileged)},
		{"host_pid", offsetof(struct ctr_data, host_pid)},
		{"host_network", offsetof(struct ctr_data, host_network)},
		{"host_ipc", offsetof(struct ctr_data, host_ipc)},
		{"is_pod_sandbox", offsetof(struct ctr_data, is_pod_sandbox)},
	};
	for (size_t k = 0; k < sizeof(bools) / sizeof(bools[0]); k++) {
		int v = jm_get(&cm, bools[k].key);
		bool b;
		if (v >= 0 && jget_bool(j, v, &b))
			*(bool *)((char *)d + bools[k].off) = b;
	}

	int v = jm_get(&cm, "type");
	d->type = v >= 0 && jget_u32(j, v, &u) ? u : SINSP_CT_UNKNOWN;
	v = jm_get(&cm, "lookup_state");
	d->lookup_state = SINSP_CONTAINER_LOOKUP_SUCCESSFUL;
	if (v >= 0 && jget_u32(j, v, &u) && u <= SINSP_CONTAINER_LOOKUP_FAILED)
		d->lookup_state = (int)u;
	v = jm_get(&cm, "created_time");
	if (v >= 0 && !jget_i64(j, v, &d->created_time))
		d->created_time = 0;
	struct in_addr a;
	if (d->ip && inet_pton(AF_INET, d->ip, &a) == 1)
		d->ipv4 = ntohl(a.s_addr);

	v = jm_get(&cm, "Mounts");
	if (v >= 0 && j->tok[v].type == JSMN_ARRAY && parse_mounts(j, v, d))
		return -1;
	v = jm_get(&cm, "labels");
	if (v >= 0 && j->tok[v].type == JSMN_OBJECT && parse_labels(j, v, &d->labels))
		return -1;
	v = jm_get(&cm, "pod_sandbox_labels");
	if (v >= 0 && j->tok[v].type == JSMN_OBJECT && parse_labels(j, v, &d->pod_labels))
		return -1;
	if (parse_probes(j, &cm, d))
		return -1;
	if (render_mounts(d))
		return jerr(j, "out of memory");
	return 0;
}

int sinsp_containers_add_json(struct sinsp_containers *t, const char *json, size_t len, char *err, size_t errlen)
{
	struct jctx j = {.js = json, .err = err, .errlen = errlen};
	jsmn_parser p;
	jsmntok_t *tok;
	struct sinsp_container *c;
	size_t start = 0, keep;
	int n, rc;
	char msg[96];

	if (err && errlen)
		err[0] = '\0';
	if (!t || (!json && len))
		return jerr(&j, "bad arguments");
	/* the event parameter ends with a NUL (and the JSON with a newline):
	 * the copy keeps the text as it came but for the NULs */
	while (len > 0 && json[len - 1] == '\0')
		len--;
	keep = len;
	while (len > 0 && (json[len - 1] == '\0' || is_ws(json[len - 1])))
		len--;
	if (len == 0)
		return jerr(&j, "empty");
	/* the same text as an entry's (a capture repeats its container events,
	 * a live stream its own): nothing to parse */
	struct sinsp_container *same = NULL;
	HASH_FIND(hj, t->by_json, json, keep, same);
	if (same) {
		t->last = same;
		return 0;
	}
	if (len > SINSP_CONTAINER_JSON_MAX) {
		snprintf(msg, sizeof(msg), "too big (%zu bytes, max %u)", len, (unsigned)SINSP_CONTAINER_JSON_MAX);
		return jerr(&j, msg);
	}
	if (memchr(json, '\0', keep))
		return jerr(&j, "NUL byte inside");
	if (sinsp_json_depth(json, len, SINSP_CONTAINER_JSON_MAX_DEPTH) > SINSP_CONTAINER_JSON_MAX_DEPTH)
		return jerr(&j, "nested too deep");

	jsmn_init(&p);
	n = jsmn_parse(&p, json, len, NULL, 0);
	if (n < 0)
		return jerr(&j, n == JSMN_ERROR_PART ? "truncated" : "malformed");
	if (n == 0)
		return jerr(&j, "empty");
	if (n > SINSP_CONTAINER_JSON_MAX_TOKENS)
		return jerr(&j, "too many values");
	tok = calloc((size_t)n, sizeof(*tok));
	if (!tok)
		return jerr(&j, "out of memory");
	jsmn_init(&p);
	n = jsmn_parse(&p, json, len, tok, (unsigned)n);
	if (n < 0) {
		free(tok);
		return jerr(&j, n == JSMN_ERROR_PART ? "truncated" : "malformed");
	}
	j.tok = tok;
	j.ntok = n;
	/* one root object, then nothing but blanks */
	while (start < len && is_ws(json[start]))
		start++;
	if (n < 1 || tok[0].type != JSMN_OBJECT || (size_t)tok[0].start != start || tok[0].end < 0 ||
	    jskip(&j, 0) != n) {
		free(tok);
		return jerr(&j, "not a single JSON object");
	}
	for (size_t k = (size_t)tok[0].end; k < len; k++) {
		if (!is_ws(json[k])) {
			free(tok);
			return jerr(&j, "trailing data after the object");
		}
	}

	c = calloc(1, sizeof(*c));
	if (!c) {
		free(tok);
		return jerr(&j, "out of memory");
	}
	rc = parse_container(&j, c);
	free(tok);
	if (!rc && !(c->d.json = malloc(keep + 1)))
		rc = jerr(&j, "out of memory");
	if (rc) {
		ctr_free(c);
		return -1;
	}
	memcpy(c->d.json, json, keep);
	c->d.json[keep] = '\0';
	c->d.json_len = keep;
	c->d.bytes = entry_bytes(c);
	return table_put(t, c, err, errlen);
}

/* ---- JSON for the entries of PPME_CONTAINER_E ---- */

struct sbuf {
	char *p;
	size_t n, cap;
	bool oom;
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t ncap = (b->n + n + 1) * 2;
		char *np = realloc(b->p, ncap);
		if (!np) {
			b->oom = true;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void sb_cstr(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

/* "s" as a JSON string: quotes, backslashes and control chars escaped,
 * other bytes as they are. */
static void sb_jstr(struct sbuf *b, const char *s)
{
	char esc[8];

	sb_put(b, "\"", 1);
	for (const char *r = s ? s : ""; *r; r++) {
		unsigned char ch = (unsigned char)*r;
		if (ch == '"' || ch == '\\') {
			esc[0] = '\\';
			esc[1] = (char)ch;
			sb_put(b, esc, 2);
		} else if (ch < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", ch);
			sb_put(b, esc, 6);
		} else {
			sb_put(b, r, 1);
		}
	}
	sb_put(b, "\"", 1);
}

int sinsp_containers_add_basic(struct sinsp_containers *t, const char *id, uint32_t type, const char *name,
			       const char *image)
{
	struct sbuf b = {0};
	char num[32];
	int rc;

	if (!t || !id || !id[0] || strlen(id) > SINSP_CONTAINER_STR_MAX ||
	    (name && strlen(name) > SINSP_CONTAINER_STR_MAX) || (image && strlen(image) > SINSP_CONTAINER_STR_MAX))
		return -1;
	/* what upstream's container_to_json() writes for such an entry (its
	 * defaults for the rest), keys in the order of its writer */
	sb_cstr(&b, "{\"container\":{\"Mounts\":[],\"User\":\"\",\"cni_json\":\"\",\"cpu_period\":100000,"
		    "\"cpu_quota\":0,\"cpu_shares\":1024,\"cpuset_cpu_count\":0,\"created_time\":0,\"env\":[],"
		    "\"full_id\":\"\",\"host_ipc\":false,\"host_network\":false,\"host_pid\":false,\"id\":");
	sb_jstr(&b, id);
	sb_cstr(&b, ",\"image\":");
	sb_jstr(&b, image);
	sb_cstr(&b, ",\"imagedigest\":\"\",\"imageid\":\"\",\"imagerepo\":\"\",\"imagetag\":\"\",\"ip\":\"0.0.0.0\","
		    "\"is_pod_sandbox\":false,\"labels\":null,\"lookup_state\":1,\"memory_limit\":0,"
		    "\"metadata_deadline\":0,\"name\":");
	sb_jstr(&b, name);
	snprintf(num, sizeof(num), "%u", (unsigned)type);
	sb_cstr(&b, ",\"pod_sandbox_id\":\"\",\"pod_sandbox_labels\":null,\"port_mappings\":[],\"privileged\":false,"
		    "\"swap_limit\":0,\"type\":");
	sb_cstr(&b, num);
	sb_cstr(&b, "}}\n");
	if (b.oom) {
		free(b.p);
		return -1;
	}
	rc = sinsp_containers_add_json(t, b.p, b.n, NULL, 0);
	free(b.p);
	return rc;
}

/* ---- accessors ---------------------------------------------------------- */

static const char *nz(const char *s)
{
	return s && s[0] ? s : NULL;
}

const char *sinsp_container_id(const struct sinsp_container *c)
{
	return c ? c->id : NULL;
}

uint32_t sinsp_container_type(const struct sinsp_container *c)
{
	return c ? c->d.type : SINSP_CT_UNKNOWN;
}

const char *sinsp_container_type_str(const struct sinsp_container *c)
{
	return c ? sinsp_container_type_name(c->d.type) : NULL;
}

const char *sinsp_container_json(const struct sinsp_container *c, size_t *len)
{
	if (len)
		*len = c ? c->d.json_len : 0;
	return c ? c->d.json : NULL;
}

#define STR_ACCESSOR(fn, member)                                                                                   \
	const char *fn(const struct sinsp_container *c)                                                            \
	{                                                                                                          \
		return c ? nz(c->d.member) : NULL;                                                                 \
	}

STR_ACCESSOR(sinsp_container_name, name)
STR_ACCESSOR(sinsp_container_image, image)
STR_ACCESSOR(sinsp_container_image_id, imageid)
STR_ACCESSOR(sinsp_container_image_repo, imagerepo)
STR_ACCESSOR(sinsp_container_image_tag, imagetag)
STR_ACCESSOR(sinsp_container_image_digest, imagedigest)
STR_ACCESSOR(sinsp_container_full_id, full_id)
STR_ACCESSOR(sinsp_container_ip, ip)
STR_ACCESSOR(sinsp_container_user, user)
STR_ACCESSOR(sinsp_container_pod_sandbox_id, pod_sandbox_id)
STR_ACCESSOR(sinsp_container_cni_json, cni_json)

uint32_t sinsp_container_ipv4(const struct sinsp_container *c)
{
	return c ? c->d.ipv4 : 0;
}

int64_t sinsp_container_created_time(const struct sinsp_container *c)
{
	return c ? c->d.created_time : 0;
}

int sinsp_container_lookup_state(const struct sinsp_container *c)
{
	return c ? c->d.lookup_state : -1;
}

int sinsp_container_is_pod_sandbox(const struct sinsp_container *c)
{
	return c ? c->d.is_pod_sandbox : -1;
}

/* upstream: known only for the docker-compatible types */
static int known_flag(const struct sinsp_container *c, bool v)
{
	if (!c || !sinsp_container_type_docker_compatible(c->d.type))
		return -1;
	return v ? 1 : 0;
}

int sinsp_container_privileged(const struct sinsp_container *c)
{
	return c ? known_flag(c, c->d.privileged) : -1;
}

int sinsp_container_host_pid(const struct sinsp_container *c)
{
	return c ? known_flag(c, c->d.host_pid) : -1;
}

int sinsp_container_host_network(const struct sinsp_container *c)
{
	return c ? known_flag(c, c->d.host_network) : -1;
}

int sinsp_container_host_ipc(const struct sinsp_container *c)
{
	return c ? known_flag(c, c->d.host_ipc) : -1;
}

const char *sinsp_container_probe(const struct sinsp_container *c, unsigned which)
{
	return c && which < SINSP_CONTAINER_PROBES ? c->d.probes[which] : NULL;
}

const char *sinsp_container_mounts(const struct sinsp_container *c)
{
	if (!c)
		return NULL;
	return c->d.mounts_str ? c->d.mounts_str : "";
}

size_t sinsp_container_mount_count(const struct sinsp_container *c)
{
	return c ? c->d.nmounts : 0;
}

int sinsp_container_mount_get(const struct sinsp_container *c, size_t idx, const char **source, const char **dest,
			      const char **mode, bool *rw, const char **propagation)
{
	const struct ctr_mount *m;

	if (!c || idx >= c->d.nmounts)
		return -1;
	m = &c->d.mounts[idx];
	if (source)
		*source = m->source;
	if (dest)
		*dest = m->dest;
	if (mode)
		*mode = m->mode;
	if (rw)
		*rw = m->rw;
	if (propagation)
		*propagation = m->propagation;
	return 0;
}

static const char *set_find(const struct label_set *l, const char *key)
{
	struct ctr_label *e = NULL;

	if (!key)
		return NULL;
	HASH_FIND_STR(l->index, key, e);
	return e ? e->value : NULL;
}

static int set_get(const struct label_set *l, size_t idx, const char **key, const char **value)
{
	if (idx >= l->n)
		return -1;
	if (key)
		*key = l->v[idx].key;
	if (value)
		*value = l->v[idx].value;
	return 0;
}

const char *sinsp_container_label(const struct sinsp_container *c, const char *key)
{
	return c ? set_find(&c->d.labels, key) : NULL;
}

size_t sinsp_container_label_count(const struct sinsp_container *c)
{
	return c ? c->d.labels.n : 0;
}

int sinsp_container_label_get(const struct sinsp_container *c, size_t idx, const char **key, const char **value)
{
	return c ? set_get(&c->d.labels, idx, key, value) : -1;
}

const char *sinsp_container_pod_label(const struct sinsp_container *c, const char *key)
{
	return c ? set_find(&c->d.pod_labels, key) : NULL;
}

size_t sinsp_container_pod_label_count(const struct sinsp_container *c)
{
	return c ? c->d.pod_labels.n : 0;
}

int sinsp_container_pod_label_get(const struct sinsp_container *c, size_t idx, const char **key, const char **value)
{
	return c ? set_get(&c->d.pod_labels, idx, key, value) : -1;
}

const char *sinsp_container_k8s_pod_name(const struct sinsp_container *c)
{
	return sinsp_container_label(c, "io.kubernetes.pod.name");
}

const char *sinsp_container_k8s_ns_name(const struct sinsp_container *c)
{
	return sinsp_container_label(c, "io.kubernetes.pod.namespace");
}

const char *sinsp_container_k8s_pod_uid(const struct sinsp_container *c)
{
	return sinsp_container_label(c, "io.kubernetes.pod.uid");
}

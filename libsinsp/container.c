/* SPDX-License-Identifier: Apache-2.0 */
/*
 * container.c - container ids from cgroups, and the container metadata table
 * filled from the container events of a capture. See container.h.
 *
 * The cgroup layouts follow upstream's container engines
 * (falcosecurity/libs userspace/libsinsp/container_engine/ and runc.cpp) and
 * the container plugin's matchers (falcosecurity/plugins
 * plugins/container/src/matchers/); the JSON layout follows upstream's
 * sinsp_parser::parse_container_json_evt() and the plugin's
 * container_info_json.cpp.
 */
#include "container.h"

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

/* upstream's is_docker_compatible(): types whose privileged flag is known */
static bool docker_compatible(uint32_t type)
{
	return type == SINSP_CT_DOCKER || type == SINSP_CT_CRI || type == SINSP_CT_CONTAINERD ||
	       type == SINSP_CT_CRIO;
}

/* ====================================================================== */
/* Container id from cgroups                                              */
/* ====================================================================== */

#define RUNTIME_ID_LEN 64 /* runc-style ids: 64 hex chars */

/* A matched id: [off, off+len) of the path, and its type. */
struct cg_match {
	size_t off;
	size_t len;
	int type;
};

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool ends_with(const char *p, size_t n, const char *suffix)
{
	size_t sl = strlen(suffix);

	return n >= sl && memcmp(p + n - sl, suffix, sl) == 0;
}

static bool starts_with(const char *p, size_t n, const char *prefix)
{
	size_t pl = strlen(prefix);

	return n >= pl && memcmp(p, prefix, pl) == 0;
}

/* Position of the first occurrence of needle in p[0, n), or (size_t)-1. */
static size_t find(const char *p, size_t n, const char *needle)
{
	size_t nl = strlen(needle);

	if (nl == 0 || n < nl)
		return (size_t)-1;
	for (size_t i = 0; i + nl <= n; i++)
		if (p[i] == needle[0] && memcmp(p + i, needle, nl) == 0)
			return i;
	return (size_t)-1;
}

/* Position of the last '/' in p[0, n), or (size_t)-1. */
static size_t last_slash(const char *p, size_t n)
{
	while (n > 0) {
		n--;
		if (p[n] == '/')
			return n;
	}
	return (size_t)-1;
}

static bool all_hex(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_hex(p[i]))
			return false;
	return true;
}

/* Does the path end with <prefix><64 hex><suffix>? (upstream's runc layouts
 * {prefix, suffix}, anchored at the end of the path). The reported id is the
 * first 12 chars. */
static bool runc_tail(const char *p, size_t n, const char *prefix, const char *suffix, int type,
		      struct cg_match *m)
{
	size_t pl = strlen(prefix), sl = strlen(suffix);

	if (n < pl + RUNTIME_ID_LEN + sl || !ends_with(p, n, suffix))
		return false;
	size_t id = n - sl - RUNTIME_ID_LEN;
	if (memcmp(p + id - pl, prefix, pl) != 0 || !all_hex(p + id, RUNTIME_ID_LEN))
		return false;
	m->off = id;
	m->len = SINSP_CONTAINER_SHORT_ID_LEN;
	m->type = type;
	return true;
}

/* containerd identifiers: [A-Za-z0-9]+([._-][A-Za-z0-9]+)* */
static bool containerd_ident(const char *p, size_t n)
{
	bool prev_sep = true;

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (is_alnum(c)) {
			prev_sep = false;
		} else if (c == '.' || c == '_' || c == '-') {
			if (prev_sep)
				return false;
			prev_sep = true;
		} else {
			return false;
		}
	}
	return !prev_sep;
}

static bool systemd_unit(const char *p, size_t n)
{
	return ends_with(p, n, ".scope") || ends_with(p, n, ".slice") || ends_with(p, n, ".service");
}

/* A name-like id [off, off+len): non-empty, at most 64 chars. */
static bool name_id(size_t off, size_t len, int type, struct cg_match *m)
{
	if (len == 0 || len > RUNTIME_ID_LEN)
		return false;
	m->off = off;
	m->len = len;
	m->type = type;
	return true;
}

/* podman (upstream podman engine / plugin matchers/podman.cpp): libpod-<id>
 * scopes (root containers; "/container" below them with crun), libpod-<id>
 * without systemd, and the rootless podman-<pid>.scope/<id>. */
static bool match_podman(const char *p, size_t n, struct cg_match *m)
{
	if (runc_tail(p, n, "/libpod-", ".scope", SINSP_CT_PODMAN, m) ||
	    runc_tail(p, n, "/libpod-", ".scope/container", SINSP_CT_PODMAN, m) ||
	    runc_tail(p, n, "/libpod-", "", SINSP_CT_PODMAN, m))
		return true;
	if (!runc_tail(p, n, "/", "", SINSP_CT_PODMAN, m))
		return false;
	/* parent component must be podman-<digits>.scope */
	size_t pe = n - RUNTIME_ID_LEN - 1; /* the '/' before the id */
	size_t ps = last_slash(p, pe);
	ps = ps == (size_t)-1 ? 0 : ps + 1;
	const char *c = p + ps;
	size_t cl = pe - ps;
	if (!starts_with(c, cl, "podman-") || !ends_with(c, cl, ".scope") || cl <= 13)
		return false;
	for (size_t i = 7; i < cl - 6; i++)
		if (c[i] < '0' || c[i] > '9')
			return false;
	return true;
}

/* docker with the systemd cgroup driver (also cri-dockerd in kubepods). */
static bool match_docker_scope(const char *p, size_t n, struct cg_match *m)
{
	return runc_tail(p, n, "/docker-", ".scope", SINSP_CT_DOCKER, m);
}

/* containerd through CRI: systemd driver, and without SystemdCgroup. */
static bool match_cri_containerd(const char *p, size_t n, struct cg_match *m)
{
	return runc_tail(p, n, "/cri-containerd-", ".scope", SINSP_CT_CONTAINERD, m) ||
	       runc_tail(p, n, ":cri-containerd:", "", SINSP_CT_CONTAINERD, m);
}

/* cri-o: systemd and cgroupfs drivers. */
static bool match_crio(const char *p, size_t n, struct cg_match *m)
{
	return runc_tail(p, n, "/crio-", ".scope", SINSP_CT_CRIO, m) ||
	       runc_tail(p, n, "/crio-", "", SINSP_CT_CRIO, m);
}

/* Any .../<64 hex> (upstream's {"/", ""} layout of the docker and cri
 * engines): cgroupfs-driver docker and kubelet. The runtime is guessed from
 * the path. */
static bool match_generic(const char *p, size_t n, struct cg_match *m)
{
	if (!runc_tail(p, n, "/", "", SINSP_CT_DOCKER, m))
		return false;
	size_t pe = n - RUNTIME_ID_LEN - 1;
	size_t ps = last_slash(p, pe);
	ps = ps == (size_t)-1 ? 0 : ps + 1;
	if (pe - ps == 4 && memcmp(p + ps, "crio", 4) == 0)
		m->type = SINSP_CT_CRIO;
	else if (find(p, n, "/kubepods") != (size_t)-1)
		m->type = SINSP_CT_CRI;
	return true;
}

/* lxc (upstream lxc engine / plugin matchers/lxc.cpp): the component after
 * /lxc/, /lxc.payload/ or /lxc.payload. */
static bool match_lxc(const char *p, size_t n, struct cg_match *m)
{
	static const char *const layouts[] = {"/lxc/", "/lxc.payload/", "/lxc.payload."};

	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		size_t pos = find(p, n, layouts[i]);
		if (pos == (size_t)-1)
			continue;
		size_t s = pos + strlen(layouts[i]);
		size_t e = s;
		while (e < n && p[e] != '/')
			e++;
		return name_id(s, e - s, SINSP_CT_LXC, m);
	}
	return false;
}

/* libvirt-lxc (upstream libvirt_lxc engine / plugin matcher). */
static bool match_libvirt_lxc(const char *p, size_t n, struct cg_match *m)
{
	/* non-systemd: .../<name>.libvirt-lxc */
	static const char suffix[] = ".libvirt-lxc";
	size_t pos = find(p, n, suffix);
	if (pos != (size_t)-1 && pos == n - (sizeof(suffix) - 1)) {
		size_t sl = last_slash(p, n);
		if (sl != (size_t)-1 && sl < pos && name_id(sl + 1, pos - sl - 1, SINSP_CT_LIBVIRT_LXC, m))
			return true;
	}
	/* systemd: machine-lxc\x2d<name>.scope, optionally /libvirt below */
	static const char mark[] = "-lxc\\x2d";
	pos = find(p, n, "-lxc\\x2");
	if (pos != (size_t)-1) {
		const char *delim = find(p, n, ".scope/libvirt") != (size_t)-1 ? ".scope/libvirt" : ".scope";
		size_t dl = strlen(delim);
		size_t pos2 = find(p, n, delim);
		size_t s = pos + sizeof(mark) - 1;
		if (pos2 != (size_t)-1 && pos2 == n - dl && pos2 > s &&
		    name_id(s, pos2 - s, SINSP_CT_LIBVIRT_LXC, m))
			return true;
	}
	/* legacy: .../libvirt/lxc/<name> */
	pos = find(p, n, "/libvirt/lxc/");
	if (pos != (size_t)-1) {
		size_t s = pos + strlen("/libvirt/lxc/");
		return name_id(s, n - s, SINSP_CT_LIBVIRT_LXC, m);
	}
	return false;
}

/* bpm (upstream bpm engine / plugin matcher): bpm-<id>[.scope], id made of
 * [A-Za-z0-9._-]. */
static bool match_bpm(const char *p, size_t n, struct cg_match *m)
{
	size_t pos = find(p, n, "bpm-");
	if (pos == (size_t)-1)
		return false;
	size_t s = pos + 4;
	size_t e = find(p + s, n - s, ".scope");
	e = e == (size_t)-1 ? n : s + e;
	for (size_t i = s; i < e; i++)
		if (!is_alnum(p[i]) && p[i] != '.' && p[i] != '_' && p[i] != '-')
			return false;
	return name_id(s, e - s, SINSP_CT_BPM, m);
}

/* containers made with ctr (plugin matchers/containerd.cpp):
 * /<namespace>/<id>. Kept to exactly two components, both containerd
 * identifiers and no systemd unit, so host cgroups do not match. */
static bool match_containerd_ns(const char *p, size_t n, struct cg_match *m)
{
	if (n < 4 || p[0] != '/')
		return false;
	size_t sl = last_slash(p, n);
	if (sl == 0 || memchr(p + 1, '/', sl - 1) != NULL)
		return false;
	const char *ns = p + 1, *id = p + sl + 1;
	size_t nsl = sl - 1, idl = n - sl - 1;
	if (!containerd_ident(ns, nsl) || !containerd_ident(id, idl) || systemd_unit(ns, nsl) ||
	    systemd_unit(id, idl) || idl > RUNTIME_ID_LEN)
		return false;
	/* parents of other runtimes' and of VM cgroups (e.g. libvirt's
	 * /machine/qemu-1-vm.libvirt-qemu) */
	static const char *const not_ns[] = {"docker", "crio", "machine", "libpod_parent"};
	for (size_t i = 0; i < sizeof(not_ns) / sizeof(not_ns[0]); i++)
		if (nsl == strlen(not_ns[i]) && memcmp(ns, not_ns[i], nsl) == 0)
			return false;
	if (starts_with(ns, nsl, "kubepods") || starts_with(ns, nsl, "lxc"))
		return false;
	m->off = sl + 1;
	m->len = idl < SINSP_CONTAINER_SHORT_ID_LEN ? idl : SINSP_CONTAINER_SHORT_ID_LEN;
	m->type = SINSP_CT_CONTAINERD;
	return true;
}

typedef bool (*cg_matcher)(const char *p, size_t n, struct cg_match *m);

static const cg_matcher cg_matchers[] = {
	match_podman, match_docker_scope, match_cri_containerd, match_crio, match_generic,
	/* libvirt-lxc before lxc (upstream tries lxc first, which takes the
	 * legacy /libvirt/lxc/<name> for an lxc container) */
	match_libvirt_lxc, match_lxc, match_bpm, match_containerd_ns,
};

int sinsp_container_id_from_cgroups(const char *cgroups, size_t len, char *id, size_t idlen, int *type)
{
	if (id && idlen > 0)
		id[0] = '\0';
	if (type)
		*type = SINSP_CT_HOST;
	if (!cgroups)
		return 0;

	for (size_t k = 0; k < sizeof(cg_matchers) / sizeof(cg_matchers[0]); k++) {
		size_t pos = 0;
		while (pos < len) {
			const char *item = cgroups + pos;
			const char *nul = memchr(item, '\0', len - pos);
			size_t il = nul ? (size_t)(nul - item) : len - pos;
			pos += il + 1;
			/* the path starts at the first '/': "cpu,cpuacct=/x",
			 * "name=systemd=/x" */
			const char *path = memchr(item, '/', il);
			if (!path)
				continue;
			size_t pl = il - (size_t)(path - item);
			struct cg_match m;
			if (!cg_matchers[k](path, pl, &m))
				continue;
			if (id && idlen > 0) {
				size_t l = m.len < idlen - 1 ? m.len : idlen - 1;
				memcpy(id, path + m.off, l);
				id[l] = '\0';
			}
			if (type)
				*type = m.type;
			return 1;
		}
	}
	return 0;
}

/* ====================================================================== */
/* Container table                                                        */
/* ====================================================================== */

struct ctr_mount {
	char *source, *dest, *mode, *propagation;
	bool rw;
};

struct ctr_label {
	UT_hash_handle hh; /* in ctr_data.label_index, keyed by key */
	char *key, *value;
};

/* Everything but the id (swapped as a whole when an entry is replaced). */
struct ctr_data {
	uint32_t type;
	char *name, *image, *imageid, *imagerepo, *imagetag, *imagedigest, *full_id, *ip;
	bool privileged;
	bool has_privileged;
	struct ctr_mount *mounts;
	size_t nmounts;
	char *mounts_str;
	struct ctr_label *labels; /* in the JSON's order (allocated once) */
	size_t nlabels;
	struct ctr_label *label_index; /* uthash head over labels[] */
};

struct sinsp_container {
	UT_hash_handle hh;
	char *id;
	struct ctr_data d;
};

struct sinsp_containers {
	struct sinsp_container *head;
};

static void data_free(struct ctr_data *d)
{
	free(d->name);
	free(d->image);
	free(d->imageid);
	free(d->imagerepo);
	free(d->imagetag);
	free(d->imagedigest);
	free(d->full_id);
	free(d->ip);
	for (size_t i = 0; i < d->nmounts; i++) {
		free(d->mounts[i].source);
		free(d->mounts[i].dest);
		free(d->mounts[i].mode);
		free(d->mounts[i].propagation);
	}
	free(d->mounts);
	free(d->mounts_str);
	HASH_CLEAR(hh, d->label_index);
	for (size_t i = 0; i < d->nlabels; i++) {
		free(d->labels[i].key);
		free(d->labels[i].value);
	}
	free(d->labels);
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

struct sinsp_containers *sinsp_containers_new(void)
{
	return calloc(1, sizeof(struct sinsp_containers));
}

void sinsp_containers_free(struct sinsp_containers *t)
{
	struct sinsp_container *c, *tmp;

	if (!t)
		return;
	HASH_ITER(hh, t->head, c, tmp) {
		HASH_DEL(t->head, c);
		ctr_free(c);
	}
	free(t);
}

size_t sinsp_containers_count(const struct sinsp_containers *t)
{
	return t ? HASH_COUNT(t->head) : 0;
}

const struct sinsp_container *sinsp_containers_find(const struct sinsp_containers *t, const char *id)
{
	struct sinsp_container *c = NULL;

	if (!t || !id)
		return NULL;
	HASH_FIND_STR(t->head, id, c);
	return c;
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
	ctr_free(c);
	return 1;
}

/* Store c (owned) under c->id: an existing entry takes c's data (no
 * allocation, so a replacement cannot fail); a new one is added. Returns 0,
 * or -1 (c freed) when the table is full or memory runs out. */
static int table_put(struct sinsp_containers *t, struct sinsp_container *c, char *err, size_t errlen)
{
	struct sinsp_container *old = NULL;

	HASH_FIND_STR(t->head, c->id, old);
	if (old) {
		struct ctr_data tmp = old->d;
		old->d = c->d;
		c->d = tmp;
		ctr_free(c);
		return 0;
	}
	if (HASH_COUNT(t->head) >= SINSP_CONTAINERS_MAX) {
		if (err && errlen)
			snprintf(err, errlen, "container table full (%u entries)", (unsigned)SINSP_CONTAINERS_MAX);
		ctr_free(c);
		return -1;
	}
	HASH_ADD_KEYPTR(hh, t->head, c->id, strlen(c->id), c);
	if (c->hh.tbl == NULL) {
		if (err && errlen)
			snprintf(err, errlen, "out of memory");
		ctr_free(c);
		return -1;
	}
	return 0;
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

int sinsp_containers_add_basic(struct sinsp_containers *t, const char *id, uint32_t type, const char *name,
			       const char *image)
{
	struct sinsp_container *c;

	if (!t || !id || !id[0] || strlen(id) > SINSP_CONTAINER_STR_MAX ||
	    (name && strlen(name) > SINSP_CONTAINER_STR_MAX) || (image && strlen(image) > SINSP_CONTAINER_STR_MAX))
		return -1;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -1;
	c->id = dup_str(id);
	c->d.type = type;
	c->d.name = dup_str(name);
	c->d.image = dup_str(image);
	c->d.mounts_str = dup_str("");
	if (!c->id || !c->d.name || !c->d.image || !c->d.mounts_str) {
		ctr_free(c);
		return -1;
	}
	return table_put(t, c, NULL, 0);
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

static unsigned hexval(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	return (unsigned)(c - 'A' + 10);
}

/* \uXXXX at s[i] (i points at the 'u'); returns the code unit or -1. */
static long read_u4(const char *s, size_t n, size_t i)
{
	unsigned v = 0;

	if (i + 5 > n) /* s[i+1 .. i+4] */
		return -1;
	for (size_t k = 1; k <= 4; k++) {
		if (!is_hex(s[i + k]))
			return -1;
		v = v << 4 | hexval(s[i + k]);
	}
	return (long)v;
}

static size_t put_utf8(char *o, unsigned long cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Unescape the JSON string s[0, n) into o (room for n + 1 bytes: the output
 * is never longer than the input). Lone surrogates and \u0000 become U+FFFD
 * (the strings are C strings). Returns the length. */
static size_t unescape(const char *s, size_t n, char *o)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\' || i + 1 >= n) {
			o[w++] = s[i];
			continue;
		}
		i++;
		switch (s[i]) {
		case '"': o[w++] = '"'; break;
		case '\\': o[w++] = '\\'; break;
		case '/': o[w++] = '/'; break;
		case 'b': o[w++] = '\b'; break;
		case 'f': o[w++] = '\f'; break;
		case 'n': o[w++] = '\n'; break;
		case 'r': o[w++] = '\r'; break;
		case 't': o[w++] = '\t'; break;
		case 'u': {
			long u = read_u4(s, n, i);
			unsigned long cp = 0xFFFD;
			if (u < 0) {
				/* not \uXXXX (jsmn lets none through): one byte,
				 * so the output stays shorter than the input */
				o[w++] = '?';
				break;
			}
			i += 4;
			if (u >= 0xD800 && u <= 0xDBFF && i + 2 < n && s[i + 1] == '\\' && s[i + 2] == 'u') {
				long lo = read_u4(s, n, i + 2);
				if (lo >= 0xDC00 && lo <= 0xDFFF) {
					cp = 0x10000 + (((unsigned long)u - 0xD800) << 10) + ((unsigned long)lo - 0xDC00);
					i += 6;
				}
			} else if (u != 0 && (u < 0xD800 || u > 0xDFFF)) {
				cp = (unsigned long)u;
			}
			w += put_utf8(o + w, cp);
			break;
		}
		default:
			o[w++] = s[i];
			break;
		}
	}
	o[w] = '\0';
	return w;
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
		unescape(s, n, r);
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
	unescape(s, n, buf);
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
	for (int k = 0; k < a->size && e < j->ntok; k++) {
		int next = jskip(j, e);
		if (j->tok[e].type == JSMN_OBJECT && d->nmounts < cap) {
			struct ctr_mount *mt = &d->mounts[d->nmounts++];
			int src = -1, dst = -1, mode = -1, rw = -1, prop = -1;
			int kk = e + 1;
			for (int f = 0; f < j->tok[e].size && kk + 1 < j->ntok; f++) {
				if (j->tok[kk].type == JSMN_STRING && j->tok[kk].size == 1) {
					if (jkey_is(j, kk, "Source"))
						src = kk + 1;
					else if (jkey_is(j, kk, "Destination"))
						dst = kk + 1;
					else if (jkey_is(j, kk, "Mode"))
						mode = kk + 1;
					else if (jkey_is(j, kk, "RW"))
						rw = kk + 1;
					else if (jkey_is(j, kk, "Propagation"))
						prop = kk + 1;
				}
				kk = jskip(j, kk);
			}
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

/* Labels: {"key": "value", ...}; a later duplicate key wins. */
static int parse_labels(struct jctx *j, int obj, struct ctr_data *d)
{
	const jsmntok_t *o = &j->tok[obj];
	size_t cap = (size_t)o->size < SINSP_CONTAINER_MAX_LABELS ? (size_t)o->size : SINSP_CONTAINER_MAX_LABELS;
	int kk = obj + 1;

	if (cap == 0)
		return 0;
	d->labels = calloc(cap, sizeof(*d->labels));
	if (!d->labels)
		return jerr(j, "out of memory");
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
			HASH_FIND_STR(d->label_index, key, old);
			if (old) {
				free(old->value);
				old->value = val;
				free(key);
			} else if (d->nlabels < cap) {
				struct ctr_label *l = &d->labels[d->nlabels++];
				l->key = key;
				l->value = val;
				HASH_ADD_KEYPTR(hh, d->label_index, l->key, strlen(l->key), l);
				if (l->hh.tbl == NULL)
					return jerr(j, "out of memory"); /* freed with d */
			} else {
				free(key);
				free(val);
			}
		}
		kk = next;
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

/* Nesting depth of s[0, n) (brackets outside strings); stops counting past
 * max. */
static int json_depth(const char *s, size_t n, int max)
{
	int depth = 0, maxd = 0;
	bool in_str = false;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"') {
			in_str = true;
		} else if (c == '{' || c == '[') {
			if (++depth > maxd) {
				maxd = depth;
				if (maxd > max)
					return maxd;
			}
		} else if ((c == '}' || c == ']') && depth > 0) {
			depth--;
		}
	}
	return maxd;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int parse_container(struct jctx *j, struct sinsp_container *c)
{
	int root = 0, cobj = -1;
	int i_id = -1, i_type = -1, i_name = -1, i_image = -1, i_imageid = -1, i_repo = -1, i_tag = -1,
	    i_digest = -1, i_priv = -1, i_mounts = -1, i_labels = -1, i_full = -1, i_ip = -1;
	struct ctr_data *d = &c->d;

	if (j->ntok < 1 || j->tok[root].type != JSMN_OBJECT)
		return jerr(j, "not an object");
	/* "container": last one wins, as jsoncpp */
	for (int f = 0, kk = root + 1; f < j->tok[root].size && kk + 1 < j->ntok; f++) {
		if (j->tok[kk].size == 1 && jkey_is(j, kk, "container"))
			cobj = kk + 1;
		kk = jskip(j, kk);
	}
	if (cobj < 0 || j->tok[cobj].type != JSMN_OBJECT)
		return jerr(j, "no \"container\" object");

	for (int f = 0, kk = cobj + 1; f < j->tok[cobj].size && kk + 1 < j->ntok; f++) {
		int v = kk + 1;
		if (j->tok[kk].type == JSMN_STRING && j->tok[kk].size == 1) {
			if (jkey_is(j, kk, "id"))
				i_id = v;
			else if (jkey_is(j, kk, "type"))
				i_type = v;
			else if (jkey_is(j, kk, "name"))
				i_name = v;
			else if (jkey_is(j, kk, "image"))
				i_image = v;
			else if (jkey_is(j, kk, "imageid"))
				i_imageid = v;
			else if (jkey_is(j, kk, "imagerepo"))
				i_repo = v;
			else if (jkey_is(j, kk, "imagetag"))
				i_tag = v;
			else if (jkey_is(j, kk, "imagedigest"))
				i_digest = v;
			else if (jkey_is(j, kk, "privileged"))
				i_priv = v;
			else if (jkey_is(j, kk, "Mounts"))
				i_mounts = v;
			else if (jkey_is(j, kk, "labels"))
				i_labels = v;
			else if (jkey_is(j, kk, "full_id"))
				i_full = v;
			else if (jkey_is(j, kk, "ip"))
				i_ip = v;
		}
		kk = jskip(j, kk);
	}

	if (i_id < 0 || !jscalar(j, i_id))
		return jerr(j, "no container.id");
	c->id = jstr(j, i_id);
	if (!c->id)
		return jerr(j, "out of memory");
	if (!c->id[0])
		return jerr(j, "empty container.id");

	d->type = SINSP_CT_UNKNOWN;
	if (i_type >= 0) {
		uint32_t ty;
		if (jget_u32(j, i_type, &ty))
			d->type = ty;
	}
	if (jset_str(j, i_name, &d->name) || jset_str(j, i_image, &d->image) ||
	    jset_str(j, i_imageid, &d->imageid) || jset_str(j, i_repo, &d->imagerepo) ||
	    jset_str(j, i_tag, &d->imagetag) || jset_str(j, i_digest, &d->imagedigest) ||
	    jset_str(j, i_full, &d->full_id) || jset_str(j, i_ip, &d->ip))
		return jerr(j, "out of memory");
	if (i_priv >= 0 && jget_bool(j, i_priv, &d->privileged))
		d->has_privileged = true;
	if (i_mounts >= 0 && j->tok[i_mounts].type == JSMN_ARRAY && parse_mounts(j, i_mounts, d))
		return -1;
	if (i_labels >= 0 && j->tok[i_labels].type == JSMN_OBJECT && parse_labels(j, i_labels, d))
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
	size_t start = 0;
	int n, rc;
	char msg[96];

	if (err && errlen)
		err[0] = '\0';
	if (!t || (!json && len))
		return jerr(&j, "bad arguments");
	/* the event parameter ends with a NUL (and the JSON with a newline) */
	while (len > 0 && (json[len - 1] == '\0' || is_ws(json[len - 1])))
		len--;
	if (len == 0)
		return jerr(&j, "empty");
	if (len > SINSP_CONTAINER_JSON_MAX) {
		snprintf(msg, sizeof(msg), "too big (%zu bytes, max %u)", len, (unsigned)SINSP_CONTAINER_JSON_MAX);
		return jerr(&j, msg);
	}
	if (memchr(json, '\0', len))
		return jerr(&j, "NUL byte inside");
	if (json_depth(json, len, SINSP_CONTAINER_JSON_MAX_DEPTH) > SINSP_CONTAINER_JSON_MAX_DEPTH)
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
	if (rc) {
		ctr_free(c);
		return -1;
	}
	return table_put(t, c, err, errlen);
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

const char *sinsp_container_name(const struct sinsp_container *c)
{
	return c ? nz(c->d.name) : NULL;
}

const char *sinsp_container_image(const struct sinsp_container *c)
{
	return c ? nz(c->d.image) : NULL;
}

const char *sinsp_container_image_id(const struct sinsp_container *c)
{
	return c ? nz(c->d.imageid) : NULL;
}

const char *sinsp_container_image_repo(const struct sinsp_container *c)
{
	return c ? nz(c->d.imagerepo) : NULL;
}

const char *sinsp_container_image_tag(const struct sinsp_container *c)
{
	return c ? nz(c->d.imagetag) : NULL;
}

const char *sinsp_container_image_digest(const struct sinsp_container *c)
{
	return c ? nz(c->d.imagedigest) : NULL;
}

const char *sinsp_container_full_id(const struct sinsp_container *c)
{
	return c ? nz(c->d.full_id) : NULL;
}

const char *sinsp_container_ip(const struct sinsp_container *c)
{
	return c ? nz(c->d.ip) : NULL;
}

int sinsp_container_privileged(const struct sinsp_container *c)
{
	if (!c)
		return -1;
	if (c->d.has_privileged)
		return c->d.privileged ? 1 : 0;
	return docker_compatible(c->d.type) ? 0 : -1;
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

const char *sinsp_container_label(const struct sinsp_container *c, const char *key)
{
	struct ctr_label *l = NULL;

	if (!c || !key)
		return NULL;
	HASH_FIND_STR(c->d.label_index, key, l);
	return l ? l->value : NULL;
}

size_t sinsp_container_label_count(const struct sinsp_container *c)
{
	return c ? c->d.nlabels : 0;
}

int sinsp_container_label_get(const struct sinsp_container *c, size_t idx, const char **key, const char **value)
{
	if (!c || idx >= c->d.nlabels)
		return -1;
	if (key)
		*key = c->d.labels[idx].key;
	if (value)
		*value = c->d.labels[idx].value;
	return 0;
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

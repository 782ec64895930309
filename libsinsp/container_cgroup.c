/* SPDX-License-Identifier: Apache-2.0 */
/*
 * container_cgroup.c - which container a thread runs in, from its cgroups.
 * See container.h (sinsp_container_match_cgroups()).
 *
 * The layouts are those of upstream's container engines (falcosecurity/libs
 * userspace/libsinsp/container_engine/, runc.cpp), with the differences
 * container.h lists. Only the cgroup paths of the known runtimes make a
 * container: anything else is the host.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "container.h"

#define RUNTIME_ID_LEN 64 /* runc-style ids: 64 hex chars */

/* A matched id: the reported id is [off, off+len) of the path, the full
 * id [off, off+full) (full >= len), and its type. */
struct cg_match {
	size_t off;
	size_t len;
	size_t full;
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
	m->full = RUNTIME_ID_LEN;
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
	m->full = len;
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
	else if (ps == 1 && pe - ps == 7 && memcmp(p + ps, "default", 7) == 0)
		m->type = SINSP_CT_CONTAINERD; /* ctr's "default" namespace */
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

/* mesos (upstream's mesos engine): .../mesos/<36-char task container id
 * of hex digits and '-'> at the end of the path; the id is reported whole.
 * Upstream also wants a Mesos task id in the environment of the thread or
 * of an ancestor (MESOS_TASK_ID, mesos_task_id, MESOS_EXECUTOR_ID), which
 * cgroups alone cannot tell: see container.h. */
static bool match_mesos(const char *p, size_t n, struct cg_match *m)
{
	size_t pos = find(p, n, "/mesos/");
	if (pos == (size_t)-1)
		return false;
	size_t s = pos + 7;
	if (n - s != 36)
		return false;
	for (size_t i = s; i < n; i++)
		if (!is_hex(p[i]) && p[i] != '-')
			return false;
	return name_id(s, n - s, SINSP_CT_MESOS, m);
}

/* containers made with ctr (upstream's containerd engine): containerd's
 * "default" namespace only, /default/<id>. The id is one containerd
 * identifier of at most 64 chars (not a systemd unit); it is reported cut
 * to 12 chars, the full id whole. Other namespaces (k8s.io, moby, a
 * sandbox's /process_api/...) are not containers. */
static bool match_containerd_default(const char *p, size_t n, struct cg_match *m)
{
	static const char ns[] = "/default/";
	const size_t nsl = sizeof(ns) - 1;

	if (!starts_with(p, n, ns))
		return false;
	const char *id = p + nsl;
	size_t idl = n - nsl;
	if (idl > RUNTIME_ID_LEN || memchr(id, '/', idl) || !containerd_ident(id, idl) || systemd_unit(id, idl))
		return false;
	m->off = nsl;
	m->len = idl < SINSP_CONTAINER_SHORT_ID_LEN ? idl : SINSP_CONTAINER_SHORT_ID_LEN;
	m->full = idl;
	m->type = SINSP_CT_CONTAINERD;
	return true;
}

typedef bool (*cg_matcher)(const char *p, size_t n, struct cg_match *m);

static const cg_matcher cg_matchers[] = {
	match_podman, match_docker_scope, match_cri_containerd, match_crio, match_generic,
	/* libvirt-lxc before lxc (upstream tries lxc first, which takes the
	 * legacy /libvirt/lxc/<name> for an lxc container) */
	match_libvirt_lxc, match_lxc, match_mesos, match_bpm, match_containerd_default,
};

/* Copy [src, src+n) into dst as a C string cut to dstlen-1 chars. */
static void put_id(char *dst, size_t dstlen, const char *src, size_t n)
{
	if (!dst || dstlen == 0)
		return;
	if (n > dstlen - 1)
		n = dstlen - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int sinsp_container_match_cgroups(const char *cgroups, size_t len, char *id, size_t idlen, char *full_id,
				  size_t fulllen, int *type)
{
	put_id(id, idlen, "", 0);
	put_id(full_id, fulllen, "", 0);
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
			 * "name=systemd=/x", "=/x" (cgroup v2) */
			const char *path = memchr(item, '/', il);
			if (!path)
				continue;
			size_t pl = il - (size_t)(path - item);
			struct cg_match m;
			if (!cg_matchers[k](path, pl, &m))
				continue;
			put_id(id, idlen, path + m.off, m.len);
			put_id(full_id, fulllen, path + m.off, m.full);
			if (type)
				*type = m.type;
			return 1;
		}
	}
	return 0;
}

int sinsp_container_id_from_cgroups(const char *cgroups, size_t len, char *id, size_t idlen, int *type)
{
	return sinsp_container_match_cgroups(cgroups, len, id, idlen, NULL, 0, type);
}

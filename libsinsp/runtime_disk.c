/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runtime_disk.c - container metadata from the runtimes' files: Docker's
 * config.v2.json + hostconfig.json, and OCI bundles (config.json) with the
 * annotations containerd's and CRI-O's CRI plugins write. See runtime.h.
 *
 * Docker's files hold what its API answers (the API is built from them):
 * the same layout is read by sinsp_rt_docker_fill(), MountPoints instead of
 * Mounts. The OCI bundle is what upstream's CRI engine gets from the CRI
 * (ContainerStatus with verbose info: the runtime spec and its
 * annotations), less what only the CRI keeps: the pod ip and the CRI labels
 * (rebuilt from the annotations: io.kubernetes.pod.name/namespace/uid,
 * io.kubernetes.container.name).
 *
 * Every file is opened non-blocking, must be a regular file, and is refused
 * past max_bytes (fstat, then a read of at most max_bytes + 1).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"
#include "runtime_int.h"

#define RT_MAX_NAMESPACES 64
#define RT_PATH_MAX 4096

/* ---- files -------------------------------------------------------------- */

/*
 * Read path whole. SINSP_RT_OK with *buf (malloc'd, NUL-terminated) and
 * *len; SINSP_RT_NOTFOUND when it does not exist; SINSP_RT_ERROR (why)
 * otherwise: permission, not a regular file, over max bytes, I/O error.
 */
static int read_file(const char *path, size_t max, char **buf, size_t *len, char *why, size_t whylen)
{
	struct stat st;
	char *b;
	size_t n = 0, cap;
	int fd;

	*buf = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return sinsp_rt_why(why, whylen, SINSP_RT_NOTFOUND, "%s: no such file", path);
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "%s: %s", path, RT_ERRSTR(errno));
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "%s: not a regular file", path);
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "%s: too big (%lld bytes, max %zu)", path,
				    (long long)st.st_size, max);
	}
	cap = (size_t)st.st_size + 1; /* one more byte: a file that grew */
	b = malloc(cap + 1);
	if (!b) {
		close(fd);
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "out of memory");
	}
	while (n < cap) {
		ssize_t r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			close(fd);
			free(b);
			return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "%s: read: %s", path, RT_ERRSTR(e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > max || n == cap) {
		free(b);
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "%s: changed while read (over %lld bytes)", path,
				    (long long)st.st_size);
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return SINSP_RT_OK;
}

/* A JSON file: read_file() then sinsp_json_parse(); a bad file is an error naming
 * it. */
static int read_json(const char *path, size_t max, char **buf, struct sinsp_json_doc **d, char *why, size_t whylen)
{
	char err[96] = "";
	size_t len;
	int rc = read_file(path, max, buf, &len, why, whylen);

	*d = NULL;
	if (rc != SINSP_RT_OK)
		return rc;
	if (sinsp_json_parse(*buf, len, RT_JSON_MAX_TOKENS, RT_JSON_MAX_DEPTH, d, err, sizeof(err)) == 0 &&
	    sinsp_json_type(*d, 0) != SINSP_JSON_OBJECT)
		snprintf(err, sizeof(err), "not a JSON object");
	if (err[0]) {
		sinsp_json_free(*d);
		*d = NULL;
		free(*buf);
		*buf = NULL;
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "%s: corrupt: %s (%zu bytes)", path, err, len);
	}
	return SINSP_RT_OK;
}

static bool path_fmt(char *out, size_t n, const char *a, const char *b, const char *c, const char *d)
{
	int r = snprintf(out, n, "%s/%s%s%s%s%s", a, b, c ? "/" : "", c ? c : "", d ? "/" : "", d ? d : "");

	return r > 0 && (size_t)r < n;
}

/* ====================================================================== */
/* Docker                                                                 */
/* ====================================================================== */

/* The image's tags and digests from <root>/image/<driver>/repositories.json:
 * {"Repositories": {"repo": {"repo:tag": "sha256:<id>",
 * "repo@sha256:<digest>": "sha256:<id>"}}}. Failures leave the fields. */
static void docker_repositories(struct sinsp_rt_info *ci, const char *root, const char *driver, size_t max)
{
	char path[RT_PATH_MAX], idref[80];
	char *buf = NULL;
	struct sinsp_json_doc *d = NULL;
	const char *tags[256], *digests[256];
	char *own[512];
	size_t nt = 0, nd = 0, nown = 0;
	int repos, r;

	if (!driver || !sinsp_rt_id_ok(driver) || !ci->imageid || !sinsp_rt_is_hex64(ci->imageid))
		return;
	snprintf(idref, sizeof(idref), "sha256:%s", ci->imageid);
	if (!path_fmt(path, sizeof(path), root, "image", driver, "repositories.json") ||
	    read_json(path, max, &buf, &d, NULL, 0) != SINSP_RT_OK)
		return;
	repos = sinsp_json_get(d, 0, "Repositories");
	r = sinsp_json_first(d, repos);
	for (int i = 0; i < sinsp_json_size(d, repos) && r >= 0; i++, r = sinsp_json_skip(d, r)) {
		int refs = r + 1, k = sinsp_json_first(d, refs);
		for (int j = 0; j < sinsp_json_size(d, refs) && k >= 0; j++, k = sinsp_json_skip(d, k)) {
			char *ref;
			if (!sinsp_json_str_eq(d, k + 1, idref) || nown >= 512)
				continue;
			ref = sinsp_json_strdup(d, k);
			if (!ref) {
				ci->oom = true;
				break;
			}
			own[nown++] = ref;
			if (strchr(ref, '@')) {
				if (nd < 256)
					digests[nd++] = ref;
			} else if (nt < 256) {
				tags[nt++] = ref;
			}
		}
	}
	if (!ci->oom)
		sinsp_rt_docker_image(ci, tags, nt, digests, nd, NULL);
	for (size_t i = 0; i < nown; i++)
		free(own[i]);
	sinsp_json_free(d);
	free(buf);
}

/* NetworkMode container:<id>: that container's address, from its file. */
static void docker_net_owner(struct sinsp_rt_info *ci, const char *root, size_t max)
{
	char path[RT_PATH_MAX], ip[64];
	char *buf = NULL;
	struct sinsp_json_doc *d = NULL;

	if (!ci->net_container || !sinsp_rt_id_ok(ci->net_container) ||
	    !path_fmt(path, sizeof(path), root, "containers", ci->net_container, "config.v2.json") ||
	    read_json(path, max, &buf, &d, NULL, 0) != SINSP_RT_OK)
		return;
	sinsp_json_str(d, sinsp_json_getv(d, 0, "NetworkSettings", "IPAddress", NULL), ip, sizeof(ip));
	ci->ip = sinsp_rt_ipv4(ip);
	sinsp_json_free(d);
	free(buf);
}

static int docker_disk(const struct sinsp_runtime_cfg *cfg, const char *id, struct sinsp_rt_info *ci, char *why,
		       size_t whylen)
{
	const char *root = cfg->docker_root;
	size_t max = sinsp_rt_max_bytes(cfg);
	char path[RT_PATH_MAX], driver[64];
	char *cbuf = NULL, *hbuf = NULL;
	struct sinsp_json_doc *cd = NULL, *hd = NULL;
	struct stat st;
	int rc;

	if (!root || !root[0])
		return sinsp_rt_why(why, whylen, SINSP_RT_UNAVAILABLE, "docker files off (no data root configured)");
	if (!path_fmt(path, sizeof(path), root, "containers", NULL, NULL))
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "docker data root path too long");
	if (stat(path, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return sinsp_rt_why(why, whylen, SINSP_RT_UNAVAILABLE, "%s: no such directory", path);
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "%s: %s", path, RT_ERRSTR(errno));
	}
	if (!S_ISDIR(st.st_mode))
		return sinsp_rt_why(why, whylen, SINSP_RT_UNAVAILABLE, "%s: not a directory", path);
	if (!path_fmt(path, sizeof(path), root, "containers", id, "config.v2.json"))
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "path too long");
	rc = read_json(path, max, &cbuf, &cd, why, whylen);
	if (rc == SINSP_RT_NOTFOUND)
		return sinsp_rt_why(why, whylen, SINSP_RT_NOTFOUND, "no docker container %s (%s: no such file)", id,
				    path);
	if (rc != SINSP_RT_OK)
		return rc;
	path_fmt(path, sizeof(path), root, "containers", id, "hostconfig.json");
	rc = read_json(path, max, &hbuf, &hd, why, whylen);
	if (rc == SINSP_RT_ERROR) {
		sinsp_json_free(cd);
		free(cbuf);
		return rc;
	}
	sinsp_rt_docker_fill(ci, cd, 0, hd, hd ? 0 : -1, true, root);
	if (!ci->full_id || !ci->full_id[0])
		sinsp_rt_set(ci, &ci->full_id, id);
	sinsp_json_str(cd, sinsp_json_get(cd, 0, "Driver"), driver, sizeof(driver));
	sinsp_json_free(cd);
	sinsp_json_free(hd);
	free(cbuf);
	free(hbuf);
	if (ci->image_need == RT_IMAGE_BY_ID && !ci->oom)
		docker_repositories(ci, root, driver, max);
	sinsp_rt_docker_finish(ci);
	if (!ci->oom)
		docker_net_owner(ci, root, max);
	return SINSP_RT_OK;
}

/* ====================================================================== */
/* OCI bundles                                                            */
/* ====================================================================== */

/*
 * Find <id>'s config.json in the bundle dirs (runtime.h's layouts).
 * SINSP_RT_OK with the parsed file (*buf, *d) and its path; NOTFOUND when
 * some dir exists but none holds it; UNAVAILABLE when no dir exists;
 * ERROR for an unreadable or corrupt file.
 */
static int bundle_find(const struct sinsp_runtime_cfg *cfg, const char *id, char *path, size_t pathlen, char **buf,
		       struct sinsp_json_doc **d, char *why, size_t whylen)
{
	size_t max = sinsp_rt_max_bytes(cfg);
	bool any_dir = false;
	int rc;

	*buf = NULL;
	*d = NULL;
	if (!cfg->bundle_dirs || !cfg->bundle_dirs[0])
		return sinsp_rt_why(why, whylen, SINSP_RT_UNAVAILABLE, "OCI bundles off (no bundle dirs configured)");
	for (const char *const *dp = cfg->bundle_dirs; *dp; dp++) {
		const char *dir = *dp;
		struct stat st;
		DIR *dh;
		struct dirent *e;
		int seen = 0;

		if (!dir[0] || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		any_dir = true;
		/* <dir>/<id>/config.json, <dir>/<id>/userdata/config.json */
		if (path_fmt(path, pathlen, dir, id, "config.json", NULL)) {
			rc = read_json(path, max, buf, d, why, whylen);
			if (rc != SINSP_RT_NOTFOUND)
				return rc;
		}
		if (path_fmt(path, pathlen, dir, id, "userdata", "config.json")) {
			rc = read_json(path, max, buf, d, why, whylen);
			if (rc != SINSP_RT_NOTFOUND)
				return rc;
		}
		/* <dir>/<namespace>/<id>/config.json */
		dh = opendir(dir);
		if (!dh)
			continue;
		while ((e = readdir(dh)) != NULL && seen < RT_MAX_NAMESPACES) {
			if (e->d_name[0] == '.' || (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN) ||
			    strcmp(e->d_name, id) == 0)
				continue;
			seen++;
			if (!path_fmt(path, pathlen, dir, e->d_name, id, "config.json"))
				continue;
			rc = read_json(path, max, buf, d, why, whylen);
			if (rc != SINSP_RT_NOTFOUND) {
				closedir(dh);
				return rc;
			}
		}
		closedir(dh);
	}
	if (!any_dir)
		return sinsp_rt_why(why, whylen, SINSP_RT_UNAVAILABLE, "no OCI bundle directory exists");
	return sinsp_rt_why(why, whylen, SINSP_RT_NOTFOUND, "no OCI bundle for %s in the bundle dirs", id);
}

/* Annotation value (a new string, "" when absent; NULL out of memory). */
static char *ann(struct sinsp_rt_info *ci, const struct sinsp_json_doc *d, int anns, const char *key)
{
	char *s = sinsp_json_strdup(d, sinsp_json_get(d, anns, key));

	if (!s)
		ci->oom = true;
	return s;
}

/* A JSON object kept as a string annotation (CRI-O's Labels, Metadata,
 * Volumes...): parsed into a new document over *txt. */
static struct sinsp_json_doc *ann_json(struct sinsp_rt_info *ci, const struct sinsp_json_doc *d, int anns,
				       const char *key, char **txt)
{
	struct sinsp_json_doc *sd = NULL;

	*txt = ann(ci, d, anns, key);
	if (!*txt || !(*txt)[0] ||
	    sinsp_json_parse(*txt, strlen(*txt), RT_JSON_MAX_TOKENS, RT_JSON_MAX_DEPTH, &sd, NULL, 0) != 0) {
		free(*txt);
		*txt = NULL;
		return NULL;
	}
	return sd;
}

static bool has_prefix_key(const struct sinsp_json_doc *d, int obj, const char *prefix)
{
	int k = sinsp_json_first(d, obj);
	size_t pl = strlen(prefix);

	for (int i = 0; i < sinsp_json_size(d, obj) && k >= 0; i++, k = sinsp_json_skip(d, k)) {
		size_t n;
		const char *r = sinsp_json_raw(d, k, &n);
		if (r && n >= pl && memcmp(r, prefix, pl) == 0)
			return true;
	}
	return false;
}

/* Labels from an object of strings into ci (sandbox: the pod's). */
static void labels_from(struct sinsp_rt_info *ci, const struct sinsp_json_doc *d, int obj, bool sandbox)
{
	int k = sinsp_json_first(d, obj);

	if (sinsp_json_type(d, obj) != SINSP_JSON_OBJECT)
		return;
	for (int i = 0; i < sinsp_json_size(d, obj) && k >= 0 && !ci->oom; i++, k = sinsp_json_skip(d, k)) {
		char *key = sinsp_json_strdup(d, k), *val = sinsp_json_strdup(d, k + 1);
		if (!key || !val)
			ci->oom = true;
		else if (sinsp_json_is_scalar(d, k + 1))
			sinsp_rt_label_set(ci, sandbox, key, val);
		free(key);
		free(val);
	}
}

static void label_if_absent(struct sinsp_rt_info *ci, const char *key, const char *val)
{
	if (val && val[0] && !sinsp_rt_label_get(ci, key))
		sinsp_rt_label_set(ci, false, key, val);
}

static bool strs_contain(const struct sinsp_json_doc *d, int arr, const char *s)
{
	int e = sinsp_json_first(d, arr);

	for (int i = 0; i < sinsp_json_size(d, arr) && e >= 0; i++, e = sinsp_json_skip(d, e))
		if (sinsp_json_str_eq(d, e, s))
			return true;
	return false;
}

/* The bind mounts of the spec (the others have no host source): Mode from a
 * mode= option, RW unless "ro", Propagation the propagation option. */
static void oci_mounts(struct sinsp_rt_info *ci, const struct sinsp_json_doc *d, int mounts)
{
	static const char *const props[] = {"rprivate", "private", "rshared",     "shared",
					    "rslave",   "slave",   "runbindable", "unbindable"};
	int m = sinsp_json_first(d, mounts);

	for (int i = 0; i < sinsp_json_size(d, mounts) && m >= 0 && !ci->oom; i++, m = sinsp_json_skip(d, m)) {
		int opts = sinsp_json_get(d, m, "options"), o;
		char *src, *dst, mode[64] = "";

		const char *prop = "";
		bool ro = false, bind = sinsp_json_str_eq(d, sinsp_json_get(d, m, "type"), "bind");

		o = sinsp_json_first(d, opts);
		for (int k = 0; k < sinsp_json_size(d, opts) && o >= 0; k++, o = sinsp_json_skip(d, o)) {
			char opt[64];
			if (sinsp_json_str(d, o, opt, sizeof(opt)) >= sizeof(opt))
				continue;
			if (strcmp(opt, "ro") == 0)
				ro = true;
			else if (strcmp(opt, "bind") == 0 || strcmp(opt, "rbind") == 0)
				bind = true;
			else if (strncmp(opt, "mode=", 5) == 0)
				memcpy(mode, opt + 5, strlen(opt + 5) + 1);
			for (size_t p = 0; p < sizeof(props) / sizeof(props[0]); p++)
				if (strcmp(opt, props[p]) == 0)
					prop = props[p];
		}
		if (!bind)
			continue;
		src = sinsp_json_strdup(d, sinsp_json_get(d, m, "source"));
		dst = sinsp_json_strdup(d, sinsp_json_get(d, m, "destination"));
		if (src && dst)
			sinsp_rt_mount_add(ci, src, dst, mode, !ro, prop);
		else
			ci->oom = true;
		free(src);
		free(dst);
	}
}

/* CRI-O's Volumes annotation: the CRI mounts, as upstream reports them. */
static bool crio_volumes(struct sinsp_rt_info *ci, const struct sinsp_json_doc *d, int anns)
{
	char *txt;
	struct sinsp_json_doc *vd = ann_json(ci, d, anns, "io.kubernetes.cri-o.Volumes", &txt);
	int e;

	if (!vd)
		return false;
	e = sinsp_json_first(vd, 0);
	for (int i = 0; sinsp_json_type(vd, 0) == SINSP_JSON_ARRAY && i < sinsp_json_size(vd, 0) && e >= 0 && !ci->oom;
	     i++, e = sinsp_json_skip(vd, e)) {
		char *src = sinsp_json_strdup(vd, sinsp_json_get(vd, e, "host_path"));
		char *dst = sinsp_json_strdup(vd, sinsp_json_get(vd, e, "container_path"));
		bool ro = false;
		int64_t prop = 0;
		const char *ps = "private";
		sinsp_json_bool(vd, sinsp_json_get(vd, e, "readonly"), &ro);
		sinsp_json_i64(vd, sinsp_json_get(vd, e, "propagation"), &prop);
		if (prop == 1)
			ps = "rslave";
		else if (prop == 2)
			ps = "rshared";
		else if (prop != 0)
			ps = "unknown";
		if (src && dst)
			sinsp_rt_mount_add(ci, src, dst, "", !ro, ps);
		else
			ci->oom = true;
		free(src);
		free(dst);
	}
	sinsp_json_free(vd);
	free(txt);
	return true;
}

/* Privileged as the runtimes make it (Docker --privileged, CRI
 * privileged: true): CAP_SYS_ADMIN in the bounding set and a device cgroup
 * rule allowing every device. */
static bool oci_privileged(const struct sinsp_json_doc *d)
{
	int caps = sinsp_json_getv(d, 0, "process", "capabilities", "bounding", NULL);
	int devs = sinsp_json_getv(d, 0, "linux", "resources", "devices", NULL);
	int e = sinsp_json_first(d, devs);

	if (!strs_contain(d, caps, "CAP_SYS_ADMIN"))
		return false;
	for (int i = 0; i < sinsp_json_size(d, devs) && e >= 0; i++, e = sinsp_json_skip(d, e)) {
		bool allow = false;
		int ty = sinsp_json_get(d, e, "type");
		if (sinsp_json_bool(d, sinsp_json_get(d, e, "allow"), &allow) && allow &&
		    sinsp_json_get(d, e, "major") < 0 && sinsp_json_get(d, e, "minor") < 0 &&
		    (ty < 0 || sinsp_json_str_eq(d, ty, "a")))
			return true;
	}
	return false;
}

/* Host namespaces: a namespace type missing from linux.namespaces. */
static void oci_namespaces(struct sinsp_rt_info *ci, const struct sinsp_json_doc *d)
{
	int ns = sinsp_json_getv(d, 0, "linux", "namespaces", NULL);
	bool net = false, pid = false, ipc = false;
	int e = sinsp_json_first(d, ns);

	if (sinsp_json_type(d, ns) != SINSP_JSON_ARRAY)
		return;
	for (int i = 0; i < sinsp_json_size(d, ns) && e >= 0; i++, e = sinsp_json_skip(d, e)) {
		int t = sinsp_json_get(d, e, "type");
		net = net || sinsp_json_str_eq(d, t, "network");
		pid = pid || sinsp_json_str_eq(d, t, "pid");
		ipc = ipc || sinsp_json_str_eq(d, t, "ipc");
	}
	ci->host_network = !net;
	ci->host_pid = !pid;
	ci->host_ipc = !ipc;
}

static void oci_resources(struct sinsp_rt_info *ci, const struct sinsp_json_doc *d)
{
	int res = sinsp_json_getv(d, 0, "linux", "resources", NULL);
	int mem = sinsp_json_get(d, res, "memory"), cpu = sinsp_json_get(d, res, "cpu");
	int64_t v;
	char cpus[256];

	if (sinsp_json_i64(d, sinsp_json_get(d, mem, "limit"), &v)) {
		ci->memory_limit = v;
		ci->swap_limit = v; /* as upstream's CRI engine */
	}
	if (sinsp_json_i64(d, sinsp_json_get(d, cpu, "shares"), &v))
		ci->cpu_shares = v;
	if (sinsp_json_i64(d, sinsp_json_get(d, cpu, "quota"), &v))
		ci->cpu_quota = v;
	if (sinsp_json_i64(d, sinsp_json_get(d, cpu, "period"), &v))
		ci->cpu_period = v;
	if (sinsp_json_is_string(d, sinsp_json_get(d, cpu, "cpus")) &&
	    sinsp_json_str(d, sinsp_json_get(d, cpu, "cpus"), cpus, sizeof(cpus)) < sizeof(cpus) && cpus[0])
		ci->cpuset_cpu_count = sinsp_rt_cpuset_count(cpus);
}

/* The image: name split as upstream's CRI engine; the id from CRI-O's
 * ImageRef (or Image) when it is one. */
static void oci_image(struct sinsp_rt_info *ci, const char *name, const char *ref)
{
	if (name && name[0] && strncmp(name, "sha256", 6) != 0) {
		sinsp_rt_set(ci, &ci->image, name);
		sinsp_rt_split_image(ci, name, &ci->imagerepo, &ci->imagetag, &ci->imagedigest);
	}
	if (ref && ref[0]) {
		const char *h = strncmp(ref, "sha256:", 7) == 0 ? ref + 7 : ref;
		if (sinsp_rt_is_hex64(h))
			sinsp_rt_set(ci, &ci->imageid, h);
	}
}

static void crio_sandbox_labels(const struct sinsp_runtime_cfg *cfg, struct sinsp_rt_info *ci)
{
	char path[RT_PATH_MAX], *buf = NULL, *txt = NULL;
	struct sinsp_json_doc *d = NULL, *ld;

	if (!ci->pod_sandbox_id || !sinsp_rt_id_ok(ci->pod_sandbox_id) ||
	    bundle_find(cfg, ci->pod_sandbox_id, path, sizeof(path), &buf, &d, NULL, 0) != SINSP_RT_OK)
		return;
	ld = ann_json(ci, d, sinsp_json_get(d, 0, "annotations"), "io.kubernetes.cri-o.Labels", &txt);
	if (ld)
		labels_from(ci, ld, 0, true);
	sinsp_json_free(ld);
	free(txt);
	sinsp_json_free(d);
	free(buf);
}

static int bundle_disk(const struct sinsp_runtime_cfg *cfg, const char *id, struct sinsp_rt_info *ci, char *why,
		       size_t whylen)
{
	char path[RT_PATH_MAX];
	char *buf = NULL;
	struct sinsp_json_doc *d = NULL;
	int anns, rc;
	bool crio, cri, sandbox;
	struct stat st;

	rc = bundle_find(cfg, id, path, sizeof(path), &buf, &d, why, whylen);
	if (rc != SINSP_RT_OK)
		return rc;
	anns = sinsp_json_get(d, 0, "annotations");
	crio = has_prefix_key(d, anns, "io.kubernetes.cri-o.");
	cri = has_prefix_key(d, anns, "io.kubernetes.cri.");
	if (ci->type == SINSP_CT_CRI || ci->type == SINSP_CT_UNKNOWN)
		ci->type = crio ? SINSP_CT_CRIO : cri ? SINSP_CT_CONTAINERD : ci->type;
	sinsp_rt_set(ci, &ci->full_id, id);
	sandbox = sinsp_json_str_eq(d, sinsp_json_get(d, anns, "io.kubernetes.cri.container-type"), "sandbox") ||
		  sinsp_json_str_eq(d, sinsp_json_get(d, anns, "io.kubernetes.cri-o.ContainerType"), "sandbox");
	ci->is_pod_sandbox = sandbox;

	if (cri) {
		char *cname = ann(ci, d, anns, "io.kubernetes.cri.container-name");
		char *img = ann(ci, d, anns, "io.kubernetes.cri.image-name");
		char *sname = ann(ci, d, anns, "io.kubernetes.cri.sandbox-name");
		char *sns = ann(ci, d, anns, "io.kubernetes.cri.sandbox-namespace");
		char *suid = ann(ci, d, anns, "io.kubernetes.cri.sandbox-uid");
		char *sid = ann(ci, d, anns, "io.kubernetes.cri.sandbox-id");
		if (cname && img && sname && sns && suid && sid) {
			sinsp_rt_set(ci, &ci->name, sandbox ? sname : cname);
			if (!sandbox) {
				oci_image(ci, img, NULL);
				label_if_absent(ci, "io.kubernetes.container.name", cname);
			}
			sinsp_rt_set(ci, &ci->pod_sandbox_id, sandbox ? id : sid);
			label_if_absent(ci, "io.kubernetes.pod.name", sname);
			label_if_absent(ci, "io.kubernetes.pod.namespace", sns);
			label_if_absent(ci, "io.kubernetes.pod.uid", suid);
		}
		free(cname);
		free(img);
		free(sname);
		free(sns);
		free(suid);
		free(sid);
	}
	if (crio) {
		char *ltxt = NULL, *mtxt = NULL;
		struct sinsp_json_doc *ld = ann_json(ci, d, anns, "io.kubernetes.cri-o.Labels", &ltxt);
		struct sinsp_json_doc *md = ann_json(ci, d, anns, "io.kubernetes.cri-o.Metadata", &mtxt);
		char *iname = ann(ci, d, anns, "io.kubernetes.cri-o.ImageName");
		char *image = ann(ci, d, anns, "io.kubernetes.cri-o.Image");
		char *iref = ann(ci, d, anns, "io.kubernetes.cri-o.ImageRef");
		char *sid = ann(ci, d, anns, "io.kubernetes.cri-o.SandboxID");
		char *kname = ann(ci, d, anns, "io.kubernetes.cri-o.KubeName");
		char *ns = ann(ci, d, anns, "io.kubernetes.cri-o.Namespace");
		char *cname = ann(ci, d, anns, "io.kubernetes.cri-o.ContainerName");
		char *created = ann(ci, d, anns, "io.kubernetes.cri-o.Created");
		if (ld) {
			labels_from(ci, ld, 0, false);
			if (sandbox)
				labels_from(ci, ld, 0, true);
		}
		if (iname && image && iref && sid && kname && ns && cname && created && !ci->oom) {
			char mname[256] = "";
			sinsp_json_str(md, sinsp_json_get(md, 0, "name"), mname, sizeof(mname));
			if (mname[0])
				sinsp_rt_set(ci, &ci->name, mname);
			else if (sandbox && kname[0])
				sinsp_rt_set(ci, &ci->name, kname);
			else if (sinsp_rt_label_get(ci, "io.kubernetes.container.name"))
				sinsp_rt_set(ci, &ci->name, sinsp_rt_label_get(ci, "io.kubernetes.container.name"));
			else
				sinsp_rt_set(ci, &ci->name, cname);
			if (!sandbox)
				oci_image(ci, iname[0] ? iname : image, iref[0] ? iref : image);
			sinsp_rt_set(ci, &ci->pod_sandbox_id, sandbox ? id : sid);
			if (sandbox) {
				char uid[128] = "";
				sinsp_json_str(md, sinsp_json_get(md, 0, "uid"), uid, sizeof(uid));
				label_if_absent(ci, "io.kubernetes.pod.name", kname);
				label_if_absent(ci, "io.kubernetes.pod.namespace", ns);
				label_if_absent(ci, "io.kubernetes.pod.uid", uid);
			}
			ci->created_time = sinsp_rt_parse_time(created);
		}
		sinsp_json_free(ld);
		sinsp_json_free(md);
		free(ltxt);
		free(mtxt);
		free(iname);
		free(image);
		free(iref);
		free(sid);
		free(kname);
		free(ns);
		free(cname);
		free(created);
	}
	/* bare Kubernetes annotations (other CRI runtimes) */
	{
		static const char *const keys[] = {"io.kubernetes.pod.name", "io.kubernetes.pod.namespace",
						   "io.kubernetes.pod.uid"};
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]) && !ci->oom; i++) {
			char *v = ann(ci, d, anns, keys[i]);
			label_if_absent(ci, keys[i], v);
			free(v);
		}
	}
	if (ci->pod_sandbox_id && ci->pod_sandbox_id[0])
		sinsp_rt_label_set(ci, false, "io.kubernetes.sandbox.id", ci->pod_sandbox_id);

	if (!crio || !crio_volumes(ci, d, anns))
		oci_mounts(ci, d, sinsp_json_get(d, 0, "mounts"));
	ci->privileged = oci_privileged(d);
	oci_namespaces(ci, d);
	oci_resources(ci, d);
	{
		int64_t uid;
		char u[32];
		if (sinsp_json_i64(d, sinsp_json_getv(d, 0, "process", "user", "uid", NULL), &uid)) {
			snprintf(u, sizeof(u), "%lld", (long long)uid);
			sinsp_rt_set(ci, &ci->user, u);
		}
	}
	{
		int env = sinsp_json_getv(d, 0, "process", "env", NULL), e = sinsp_json_first(d, env);
		for (int i = 0; i < sinsp_json_size(d, env) && e >= 0 && !ci->oom; i++, e = sinsp_json_skip(d, e)) {
			char *v = sinsp_json_strdup(d, e);
			if (!v)
				ci->oom = true;
			sinsp_rt_env_add(ci, v);
			free(v);
		}
	}
	/* no creation time in the spec but CRI-O's: the bundle's */
	if (!ci->created_time && stat(path, &st) == 0)
		ci->created_time = (int64_t)st.st_mtime;
	sinsp_json_free(d);
	free(buf);
	if (crio && !sandbox && !ci->oom)
		crio_sandbox_labels(cfg, ci);
	return SINSP_RT_OK;
}

/* ====================================================================== */
/* Entry point                                                            */
/* ====================================================================== */

int sinsp_runtime_disk_lookup(const struct sinsp_runtime_cfg *cfg, const char *full_id, uint32_t type, char **json,
			      size_t *len, char *why, size_t whylen)
{
	const char *tname = sinsp_container_type_name(type);
	struct sinsp_rt_info *ci;
	int rc;

	if ((rc = sinsp_rt_lookup_begin(cfg, full_id, json, len, why, whylen)) != SINSP_RT_OK)
		return rc;
	switch (type) {
	case SINSP_CT_DOCKER:
	case SINSP_CT_CRI:
	case SINSP_CT_CONTAINERD:
	case SINSP_CT_CRIO:
	case SINSP_CT_PODMAN:
	case SINSP_CT_UNKNOWN: break;
	default:
		return sinsp_rt_why(why, whylen, SINSP_RT_UNAVAILABLE, "no on-disk source for %s containers",
				    tname ? tname : "unknown");
	}
	ci = malloc(sizeof(*ci));
	if (!ci)
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "out of memory");
	sinsp_rt_info_init(ci, type, sinsp_rt_label_max(cfg));
	if (type == SINSP_CT_DOCKER) {
		rc = docker_disk(cfg, full_id, ci, why, whylen);
	} else if (type == SINSP_CT_CRI) {
		/* runtime unknown: Docker's files first (cri-dockerd), then the
		 * bundles */
		ci->type = SINSP_CT_DOCKER;
		rc = docker_disk(cfg, full_id, ci, why, whylen);
		if (rc == SINSP_RT_NOTFOUND || rc == SINSP_RT_UNAVAILABLE) {
			char why2[512];
			int rc2;
			sinsp_rt_info_free(ci);
			sinsp_rt_info_init(ci, type, sinsp_rt_label_max(cfg));
			rc2 = bundle_disk(cfg, full_id, ci, why2, sizeof(why2));
			/* the more telling of the two answers */
			if (rc2 == SINSP_RT_OK || rc2 == SINSP_RT_ERROR || rc == SINSP_RT_UNAVAILABLE) {
				rc = rc2;
				sinsp_rt_why(why, whylen, rc, "%s", why2);
			} else if (rc2 == SINSP_RT_NOTFOUND) {
				sinsp_rt_why(why, whylen, rc,
					     "no container %s in Docker's files nor in the OCI bundles", full_id);
			}
		}
	} else {
		rc = bundle_disk(cfg, full_id, ci, why, whylen);
	}
	if (rc == SINSP_RT_OK)
		rc = sinsp_rt_info_to_json(ci, json, len, why, whylen);
	sinsp_rt_info_free(ci);
	free(ci);
	if (rc == SINSP_RT_OK && why && whylen)
		why[0] = '\0';
	return rc;
}

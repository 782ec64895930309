/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runtime_info.c - the container metadata built by the runtime sources, its
 * JSON, and Docker's inspect layout (shared by the API and the files). See
 * runtime_int.h.
 *
 * Behaviour follows upstream's docker engine (container_engine/docker/
 * async_source.cpp: parse(), get_image_info(), parse_image_info(),
 * parse_health_probes()), sinsp_utils::split_container_image() and
 * sinsp_container_manager::container_to_json().
 */
#define _GNU_SOURCE
#include "runtime_int.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "container.h"

/* ---- configuration, messages, ids ------------------------------------- */

void sinsp_runtime_cfg_default(struct sinsp_runtime_cfg *cfg)
{
	static const char *const dirs[] = SINSP_RUNTIME_BUNDLE_DIRS;

	memset(cfg, 0, sizeof(*cfg));
	cfg->docker_socket = SINSP_RUNTIME_DOCKER_SOCKET;
	cfg->podman_socket = SINSP_RUNTIME_PODMAN_SOCKET;
	cfg->docker_root = SINSP_RUNTIME_DOCKER_ROOT;
	cfg->bundle_dirs = dirs;
	cfg->timeout_ms = SINSP_RUNTIME_TIMEOUT_MS;
	cfg->max_bytes = SINSP_RUNTIME_MAX_BYTES;
	cfg->label_max_len = SINSP_RUNTIME_LABEL_MAX_LEN;
}

size_t sinsp_rt_max_bytes(const struct sinsp_runtime_cfg *cfg)
{
	if (!cfg->max_bytes)
		return SINSP_RUNTIME_MAX_BYTES;
	/* the JSON parser counts in ints */
	return cfg->max_bytes < (size_t)INT32_MAX - 1 ? cfg->max_bytes : (size_t)INT32_MAX - 1;
}

uint32_t sinsp_rt_timeout_ms(const struct sinsp_runtime_cfg *cfg)
{
	return cfg->timeout_ms ? cfg->timeout_ms : SINSP_RUNTIME_TIMEOUT_MS;
}

size_t sinsp_rt_label_max(const struct sinsp_runtime_cfg *cfg)
{
	return cfg->label_max_len ? cfg->label_max_len : SINSP_RUNTIME_LABEL_MAX_LEN;
}

int sinsp_rt_why(char *why, size_t whylen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

const char *sinsp_rt_errstr(int e, char *buf, size_t n)
{
	return strerror_r(e, buf, n); /* the GNU one: returns the message */
}

int sinsp_rt_lookup_begin(const struct sinsp_runtime_cfg *cfg, const char *full_id, char **json, size_t *len,
			  char *why, size_t whylen)
{
	if (json)
		*json = NULL;
	if (len)
		*len = 0;
	if (why && whylen)
		why[0] = '\0';
	if (!cfg)
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "no configuration");
	if (!sinsp_rt_id_ok(full_id))
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "bad container id");
	return SINSP_RT_OK;
}

bool sinsp_rt_id_ok(const char *id)
{
	size_t n;

	if (!id)
		return false;
	n = strlen(id);
	if (n == 0 || n > RT_ID_MAX || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
		      c == '.' || c == '-'))
			return false;
	}
	return true;
}

bool sinsp_rt_is_hex64(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return i == 64;
}

/* ---- the container being built ----------------------------------------- */

void sinsp_rt_info_init(struct sinsp_rt_info *ci, uint32_t type, size_t label_max)
{
	memset(ci, 0, sizeof(*ci));
	ci->type = type;
	ci->cpu_shares = 1024; /* upstream's defaults */
	ci->cpu_period = 100000;
	ci->label_max = label_max;
}

static void kv_free(struct sinsp_rt_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].val);
	}
	free(kv);
}

void sinsp_rt_info_free(struct sinsp_rt_info *ci)
{
	char **strs[] = {&ci->full_id,        &ci->name,     &ci->image,        &ci->imageid,
			 &ci->imagerepo,      &ci->imagetag, &ci->imagedigest,  &ci->user,
			 &ci->pod_sandbox_id, &ci->cni_json, &ci->net_container};

	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		free(*strs[i]);
	for (size_t i = 0; i < ci->nmounts; i++) {
		free(ci->mounts[i].source);
		free(ci->mounts[i].dest);
		free(ci->mounts[i].mode);
		free(ci->mounts[i].propagation);
	}
	kv_free(ci->labels, ci->nlabels);
	kv_free(ci->sandbox_labels, ci->nsandbox_labels);
	for (size_t i = 0; i < ci->nenv; i++)
		free(ci->env[i]);
	for (size_t i = 0; i < ci->nprobes; i++) {
		free(ci->probes[i].exe);
		for (size_t k = 0; k < ci->probes[i].nargs; k++)
			free(ci->probes[i].args[k]);
		free(ci->probes[i].args);
	}
	memset(ci, 0, sizeof(*ci));
}

static char *dupn(const char *s, size_t n)
{
	char *r = malloc(n + 1);

	if (!r)
		return NULL;
	if (n)
		memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

void sinsp_rt_setn(struct sinsp_rt_info *ci, char **dst, const char *s, size_t n)
{
	char *r = dupn(s ? s : "", s ? n : 0);

	if (!r) {
		ci->oom = true;
		return;
	}
	free(*dst);
	*dst = r;
}

void sinsp_rt_set(struct sinsp_rt_info *ci, char **dst, const char *s)
{
	sinsp_rt_setn(ci, dst, s, s ? strlen(s) : 0);
}

void sinsp_rt_set_tok(struct sinsp_rt_info *ci, char **dst, const struct sinsp_json_doc *d, int i)
{
	char *r = sinsp_json_strdup(d, i);

	if (!r) {
		ci->oom = true;
		return;
	}
	free(*dst);
	*dst = r;
}

void sinsp_rt_label_set(struct sinsp_rt_info *ci, bool sandbox, const char *key, const char *val)
{
	struct sinsp_rt_kv **kv = sandbox ? &ci->sandbox_labels : &ci->labels;
	size_t *n = sandbox ? &ci->nsandbox_labels : &ci->nlabels;
	char *v;

	if (!key || !val || strlen(val) > ci->label_max)
		return;
	if (!*kv) {
		*kv = calloc(RT_MAX_LABELS, sizeof(**kv));
		if (!*kv) {
			ci->oom = true;
			return;
		}
	}
	v = strdup(val);
	if (!v) {
		ci->oom = true;
		return;
	}
	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*kv)[i].key, key) == 0) {
			free((*kv)[i].val);
			(*kv)[i].val = v;
			return;
		}
	}
	if (*n >= RT_MAX_LABELS) {
		free(v);
		return;
	}
	(*kv)[*n].key = strdup(key);
	if (!(*kv)[*n].key) {
		free(v);
		ci->oom = true;
		return;
	}
	(*kv)[*n].val = v;
	(*n)++;
}

const char *sinsp_rt_label_get(const struct sinsp_rt_info *ci, const char *key)
{
	for (size_t i = 0; i < ci->nlabels; i++)
		if (strcmp(ci->labels[i].key, key) == 0)
			return ci->labels[i].val;
	return NULL;
}

void sinsp_rt_label_del(struct sinsp_rt_info *ci, const char *key)
{
	for (size_t i = 0; i < ci->nlabels; i++) {
		if (strcmp(ci->labels[i].key, key) == 0) {
			free(ci->labels[i].key);
			free(ci->labels[i].val);
			memmove(&ci->labels[i], &ci->labels[i + 1], (ci->nlabels - i - 1) * sizeof(ci->labels[0]));
			ci->nlabels--;
			return;
		}
	}
}

void sinsp_rt_mount_add(struct sinsp_rt_info *ci, const char *source, const char *dest, const char *mode, bool rw,
			const char *propagation)
{
	struct sinsp_rt_mount *m;

	if (ci->nmounts >= RT_MAX_MOUNTS)
		return;
	m = &ci->mounts[ci->nmounts];
	m->source = strdup(source ? source : "");
	m->dest = strdup(dest ? dest : "");
	m->mode = strdup(mode ? mode : "");
	m->propagation = strdup(propagation ? propagation : "");
	m->rw = rw;
	ci->nmounts++; /* freed with ci even when partial */
	if (!m->source || !m->dest || !m->mode || !m->propagation)
		ci->oom = true;
}

void sinsp_rt_env_add(struct sinsp_rt_info *ci, const char *var)
{
	if (!var || ci->nenv >= RT_MAX_ENV)
		return;
	if (!strstr(var, "MESOS") && !strstr(var, "MARATHON") && !strstr(var, "mesos"))
		return;
	ci->env[ci->nenv] = strdup(var);
	if (!ci->env[ci->nenv])
		ci->oom = true;
	else
		ci->nenv++;
}

void sinsp_rt_probe_add(struct sinsp_rt_info *ci, int type, const char *exe, const char *const *args, size_t nargs)
{
	struct sinsp_rt_probe *p;

	if (ci->nprobes >= sizeof(ci->probes) / sizeof(ci->probes[0]))
		return;
	if (nargs > RT_MAX_PROBE_ARGS)
		nargs = RT_MAX_PROBE_ARGS;
	p = &ci->probes[ci->nprobes++];
	p->type = type;
	p->exe = strdup(exe ? exe : "");
	p->args = nargs ? calloc(nargs, sizeof(char *)) : NULL;
	if (!p->exe || (nargs && !p->args)) {
		ci->oom = true;
		return;
	}
	for (size_t i = 0; i < nargs; i++) {
		p->args[i] = strdup(args[i] ? args[i] : "");
		if (!p->args[i]) {
			ci->oom = true;
			return;
		}
		p->nargs++;
	}
}

/* ---- small parsers ------------------------------------------------------ */

void sinsp_rt_split_image(struct sinsp_rt_info *ci, const char *image, char **repo, char **tag, char **digest)
{
	const char *slash = strchr(image, '/');
	const char *rem = slash ? slash + 1 : image;
	const char *at = strchr(rem, '@');
	const char *end = at ? at : rem + strlen(rem);
	const char *colon = memchr(rem, ':', (size_t)(end - rem));
	size_t prefix = slash ? (size_t)(slash + 1 - image) : 0; /* "host:port/" kept in the repo */
	const char *name_end = colon ? colon : end;
	size_t nl = prefix + (size_t)(name_end - rem);
	char *r = malloc(nl + 1);

	if (!r) {
		ci->oom = true;
		return;
	}
	memcpy(r, image, prefix);
	memcpy(r + prefix, rem, (size_t)(name_end - rem));
	r[nl] = '\0';
	free(*repo);
	*repo = r;
	if (colon)
		sinsp_rt_setn(ci, tag, colon + 1, (size_t)(end - colon - 1));
	else
		sinsp_rt_set(ci, tag, "");
	sinsp_rt_set(ci, digest, at ? at + 1 : "");
}

static bool digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

int64_t sinsp_rt_parse_time(const char *s)
{
	struct tm tm;
	int y, mo, d, h, mi, se;

	/* YYYY-MM-DDTHH:MM:SS */
	if (!s || strlen(s) < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' ||
	    s[16] != ':')
		return 0;
	if (!digits(s, 4, &y) || !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) || !digits(s + 11, 2, &h) ||
	    !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &se))
		return 0;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	return (int64_t)timegm(&tm);
}

static bool cpu_num(const char *s, size_t n, long *out)
{
	long v = 0;

	if (n == 0 || n > 9)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

int32_t sinsp_rt_cpuset_count(const char *s)
{
	long total = 0;
	const char *p = s;

	if (!s || !*s)
		return 0;
	for (;;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *dash = memchr(p, '-', n);
		long a, b;
		if (dash) {
			if (!cpu_num(p, (size_t)(dash - p), &a) || !cpu_num(dash + 1, n - (size_t)(dash - p) - 1, &b) ||
			    b <= a)
				return -1;
			total += b - a + 1;
		} else {
			if (!cpu_num(p, n, &a))
				return -1;
			total++;
		}
		if (total > INT32_MAX)
			return -1;
		if (!e)
			break;
		p = e + 1;
	}
	return (int32_t)total;
}

uint32_t sinsp_rt_ipv4(const char *s)
{
	struct in_addr a;

	if (!s || inet_pton(AF_INET, s, &a) != 1)
		return 0;
	return ntohl(a.s_addr);
}

/* ---- JSON --------------------------------------------------------------- */

static const char *const probe_names[] = {"None", "Healthcheck", "LivenessProbe", "ReadinessProbe"};

static void write_kv(struct sinsp_json_writer *w, const char *key, const struct sinsp_rt_kv *kv, size_t n)
{
	sinsp_json_w_obj(w, key);
	for (size_t i = 0; i < n; i++)
		sinsp_json_w_str(w, kv[i].key, kv[i].val);
	sinsp_json_w_end(w);
}

int sinsp_rt_info_to_json(const struct sinsp_rt_info *ci, char **json, size_t *len, char *why, size_t whylen)
{
	struct sinsp_json_writer w;
	char id[SINSP_CONTAINER_SHORT_ID_LEN + 1];
	char ip[INET_ADDRSTRLEN];
	struct in_addr a;
	const char *full = ci->full_id ? ci->full_id : "";
	bool name_id = ci->type == SINSP_CT_LXC || ci->type == SINSP_CT_LIBVIRT_LXC || ci->type == SINSP_CT_BPM;
	char *out;
	size_t n;
	int err;

	if (ci->oom)
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "out of memory");
	/* container.id: the first 12 chars of the runtime id, as the
	 * cgroup matcher reports it */
	snprintf(id, sizeof(id), "%s", full);
	sinsp_json_writer_init(&w, SINSP_CONTAINER_JSON_MAX);
	sinsp_json_w_obj(&w, NULL);
	sinsp_json_w_obj(&w, "container");
	sinsp_json_w_str(&w, "id", name_id ? full : id);
	sinsp_json_w_str(&w, "full_id", full);
	sinsp_json_w_u64(&w, "type", ci->type);
	sinsp_json_w_str(&w, "name", ci->name);
	sinsp_json_w_str(&w, "image", ci->image);
	sinsp_json_w_str(&w, "imageid", ci->imageid);
	sinsp_json_w_str(&w, "imagerepo", ci->imagerepo);
	sinsp_json_w_str(&w, "imagetag", ci->imagetag);
	sinsp_json_w_str(&w, "imagedigest", ci->imagedigest);
	sinsp_json_w_bool(&w, "privileged", ci->privileged);
	sinsp_json_w_bool(&w, "host_pid", ci->host_pid);
	sinsp_json_w_bool(&w, "host_network", ci->host_network);
	sinsp_json_w_bool(&w, "host_ipc", ci->host_ipc);
	sinsp_json_w_bool(&w, "is_pod_sandbox", ci->is_pod_sandbox);
	sinsp_json_w_i64(&w, "lookup_state", 1); /* sinsp_container_lookup::state::SUCCESSFUL */
	sinsp_json_w_i64(&w, "created_time", ci->created_time);
	sinsp_json_w_arr(&w, "Mounts");
	for (size_t i = 0; i < ci->nmounts; i++) {
		const struct sinsp_rt_mount *m = &ci->mounts[i];
		sinsp_json_w_obj(&w, NULL);
		sinsp_json_w_str(&w, "Source", m->source);
		sinsp_json_w_str(&w, "Destination", m->dest);
		sinsp_json_w_str(&w, "Mode", m->mode);
		sinsp_json_w_bool(&w, "RW", m->rw);
		sinsp_json_w_str(&w, "Propagation", m->propagation);
		sinsp_json_w_end(&w);
	}
	sinsp_json_w_end(&w);
	sinsp_json_w_str(&w, "User", ci->user);
	for (size_t i = 0; i < ci->nprobes; i++) {
		const struct sinsp_rt_probe *p = &ci->probes[i];
		sinsp_json_w_obj(&w, probe_names[p->type]);
		sinsp_json_w_str(&w, "exe", p->exe);
		sinsp_json_w_arr(&w, "args");
		for (size_t k = 0; k < p->nargs; k++)
			sinsp_json_w_str(&w, NULL, p->args[k]);
		sinsp_json_w_end(&w);
		sinsp_json_w_end(&w);
	}
	a.s_addr = htonl(ci->ip);
	if (!inet_ntop(AF_INET, &a, ip, sizeof(ip)))
		snprintf(ip, sizeof(ip), "0.0.0.0");
	sinsp_json_w_str(&w, "ip", ip);
	sinsp_json_w_str(&w, "cni_json", ci->cni_json);
	sinsp_json_w_str(&w, "pod_sandbox_id", ci->pod_sandbox_id);
	sinsp_json_w_arr(&w, "port_mappings");
	for (size_t i = 0; i < ci->nports; i++) {
		sinsp_json_w_obj(&w, NULL);
		sinsp_json_w_u64(&w, "HostIp", ci->ports[i].host_ip);
		sinsp_json_w_u64(&w, "HostPort", ci->ports[i].host_port);
		sinsp_json_w_u64(&w, "ContainerPort", ci->ports[i].container_port);
		sinsp_json_w_end(&w);
	}
	sinsp_json_w_end(&w);
	write_kv(&w, "labels", ci->labels, ci->nlabels);
	write_kv(&w, "pod_sandbox_labels", ci->sandbox_labels, ci->nsandbox_labels);
	sinsp_json_w_arr(&w, "env");
	for (size_t i = 0; i < ci->nenv; i++)
		sinsp_json_w_str(&w, NULL, ci->env[i]);
	sinsp_json_w_end(&w);
	sinsp_json_w_i64(&w, "memory_limit", ci->memory_limit);
	sinsp_json_w_i64(&w, "swap_limit", ci->swap_limit);
	sinsp_json_w_i64(&w, "cpu_shares", ci->cpu_shares);
	sinsp_json_w_i64(&w, "cpu_quota", ci->cpu_quota);
	sinsp_json_w_i64(&w, "cpu_period", ci->cpu_period);
	sinsp_json_w_i64(&w, "cpuset_cpu_count", ci->cpuset_cpu_count);
	sinsp_json_w_u64(&w, "metadata_deadline", 0);
	sinsp_json_w_end(&w);
	sinsp_json_w_end(&w);
	out = sinsp_json_writer_take(&w, &n, &err);
	if (!out) {
		if (err == SINSP_JSON_WERR_TOOBIG)
			return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "container JSON over %u bytes",
					    (unsigned)SINSP_CONTAINER_JSON_MAX);
		return sinsp_rt_why(why, whylen, SINSP_RT_ERROR, "out of memory writing the container JSON");
	}
	if (json)
		*json = out;
	else
		free(out);
	if (len)
		*len = n;
	return SINSP_RT_OK;
}

/* ====================================================================== */
/* Docker's inspect layout                                                */
/* ====================================================================== */

/* jsoncpp's asString() of a scalar; "" otherwise. The result is a new
 * string or NULL (out of memory, ci->oom set). */
static char *tok_str(struct sinsp_rt_info *ci, const struct sinsp_json_doc *d, int i)
{
	char *s = sinsp_json_strdup(d, i);

	if (!s)
		ci->oom = true;
	return s;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* upstream's normalize_arg(): strip matching pairs of surrounding quotes */
static void normalize_arg(char *s)
{
	size_t n = strlen(s);

	while (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0]) {
		memmove(s, s + 1, n - 2);
		n -= 2;
		s[n] = '\0';
	}
}

/* An array of strings (asString of each element) from token arr, starting at
 * element `from`; normalized when asked. */
static size_t str_array(struct sinsp_rt_info *ci, const struct sinsp_json_doc *d, int arr, int from, bool norm,
			char **out, size_t max)
{
	size_t n = 0;
	int e = sinsp_json_first(d, arr), size = sinsp_json_size(d, arr);

	if (sinsp_json_type(d, arr) != SINSP_JSON_ARRAY)
		return 0;
	for (int k = 0; k < size && e >= 0 && n < max; k++, e = sinsp_json_skip(d, e)) {
		if (k < from)
			continue;
		out[n] = tok_str(ci, d, e);
		if (!out[n])
			break;
		if (norm)
			normalize_arg(out[n]);
		n++;
	}
	return n;
}

static void free_strs(char **s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i]);
}

/* upstream's parse_liveness_readiness_probe(): exec.command */
static bool k8s_probe(struct sinsp_rt_info *ci, const struct sinsp_json_doc *d, int probe, int type)
{
	int cmd = sinsp_json_getv(d, probe, "exec", "command", NULL);
	char *args[RT_MAX_PROBE_ARGS + 1];
	size_t n;

	if (cmd < 0)
		return false;
	if (sinsp_json_type(d, cmd) == SINSP_JSON_ARRAY) {
		n = str_array(ci, d, cmd, 0, true, args, RT_MAX_PROBE_ARGS + 1);
		if (n > 0) {
			sinsp_rt_probe_add(ci, type, args[0], (const char *const *)args + 1, n - 1);
		} else if (sinsp_json_size(d, cmd) == 0) {
			sinsp_rt_probe_add(ci, type, "", NULL, 0); /* jsoncpp: command[0] of [] is "" */
		}
		free_strs(args, n);
	}
	return true;
}

/* upstream's parse_healthcheck(): Config.Healthcheck.Test */
static void docker_healthcheck(struct sinsp_rt_info *ci, const struct sinsp_json_doc *d, int hc)
{
	int test = sinsp_json_get(d, hc, "Test");
	char *first;

	if (sinsp_json_type(d, test) != SINSP_JSON_ARRAY || sinsp_json_size(d, test) < 2)
		return; /* absent, or ["NONE"] */
	first = tok_str(ci, d, sinsp_json_at(d, test, 0));
	if (!first)
		return;
	if (strcmp(first, "CMD") == 0) {
		char *args[RT_MAX_PROBE_ARGS + 1];
		size_t n = str_array(ci, d, test, 1, true, args, RT_MAX_PROBE_ARGS + 1);
		if (n > 0)
			sinsp_rt_probe_add(ci, RT_PROBE_HEALTHCHECK, args[0], (const char *const *)args + 1, n - 1);
		free_strs(args, n);
	} else if (strcmp(first, "CMD-SHELL") == 0) {
		char *cmd = tok_str(ci, d, sinsp_json_at(d, test, 1));
		if (cmd) {
			const char *args[2] = {"-c", cmd};
			sinsp_rt_probe_add(ci, RT_PROBE_HEALTHCHECK, "/bin/sh", args, 2);
			free(cmd);
		}
	}
	free(first);
}

/* upstream's parse_health_probes(): the k8s pod spec kept in the label
 * annotation.kubectl.kubernetes.io/last-applied-configuration first, then
 * the Docker healthcheck (the sandbox's probes are the container manager's
 * to copy: it holds the other containers). */
static void docker_probes(struct sinsp_rt_info *ci, const struct sinsp_json_doc *d, int config)
{
	int lbl = sinsp_json_getv(d, config, "Labels", "annotation.kubectl.kubernetes.io/last-applied-configuration",
				  NULL);
	bool added = false;

	if (sinsp_json_is_scalar(d, lbl)) {
		size_t n;
		const char *raw = sinsp_json_raw(d, lbl, &n);
		char *spec_txt = malloc(n + 1);
		struct sinsp_json_doc *sd = NULL;
		if (!spec_txt) {
			ci->oom = true;
			return;
		}
		sinsp_json_unescape(raw, n, spec_txt);
		if (sinsp_json_parse(spec_txt, strlen(spec_txt), RT_JSON_MAX_TOKENS, RT_JSON_MAX_DEPTH, &sd, NULL, 0) ==
		    0) {
			int ctrs = sinsp_json_getv(sd, 0, "spec", "containers", NULL);
			int c0 = sinsp_json_at(sd, ctrs, 0);
			int lp = sinsp_json_get(sd, c0, "livenessProbe"), rp = sinsp_json_get(sd, c0, "readinessProbe");
			if (sinsp_json_type(sd, ctrs) == SINSP_JSON_ARRAY) {
				if (lp >= 0)
					added = k8s_probe(ci, sd, lp, RT_PROBE_LIVENESS);
				else if (rp >= 0)
					added = k8s_probe(ci, sd, rp, RT_PROBE_READINESS);
			}
			sinsp_json_free(sd);
		}
		free(spec_txt);
	}
	if (!added && sinsp_json_get(d, config, "Healthcheck") >= 0)
		docker_healthcheck(ci, d, sinsp_json_get(d, config, "Healthcheck"));
}

static int64_t tok_i64(const struct sinsp_json_doc *d, int i)
{
	int64_t v = 0;

	return sinsp_json_i64(d, i, &v) ? v : 0;
}

static void docker_hostconfig(struct sinsp_rt_info *ci, const struct sinsp_json_doc *d, int hc)
{
	int64_t v, q;
	bool b;

	if (sinsp_json_type(d, hc) != SINSP_JSON_OBJECT)
		return;
	ci->memory_limit = tok_i64(d, sinsp_json_get(d, hc, "Memory"));
	ci->swap_limit = tok_i64(d, sinsp_json_get(d, hc, "MemorySwap"));
	if ((v = tok_i64(d, sinsp_json_get(d, hc, "CpuShares"))) > 0)
		ci->cpu_shares = v;
	q = tok_i64(d, sinsp_json_get(d, hc, "CpuQuota"));
	v = tok_i64(d, sinsp_json_get(d, hc, "NanoCpus")) / 10000;
	ci->cpu_quota = q > v ? q : v;
	if ((v = tok_i64(d, sinsp_json_get(d, hc, "CpuPeriod"))) > 0)
		ci->cpu_period = v;
	{
		char cpus[256];
		int i = sinsp_json_get(d, hc, "CpusetCpus");
		if (sinsp_json_is_scalar(d, i) && sinsp_json_str(d, i, cpus, sizeof(cpus)) > 0)
			ci->cpuset_cpu_count =
				sinsp_json_str(d, i, NULL, 0) < sizeof(cpus) ? sinsp_rt_cpuset_count(cpus) : -1;
	}
	if (sinsp_json_bool(d, sinsp_json_get(d, hc, "Privileged"), &b))
		ci->privileged = b;
	if (sinsp_json_str_eq(d, sinsp_json_get(d, hc, "PidMode"), "host"))
		ci->host_pid = true;
	if (sinsp_json_str_eq(d, sinsp_json_get(d, hc, "NetworkMode"), "host"))
		ci->host_network = true;
	if (sinsp_json_str_eq(d, sinsp_json_get(d, hc, "IpcMode"), "host"))
		ci->host_ipc = true;
}

/* One mount object: Source, Destination, Mode (the files: Relabel), RW,
 * Propagation; strings only, RW only as a boolean (upstream). */
static void docker_mount(struct sinsp_rt_info *ci, const struct sinsp_json_doc *d, int m, bool disk,
			 const char *docker_root)
{
	char *f[4] = {NULL, NULL, NULL, NULL};
	const char *keys[4] = {"Source", "Destination", disk ? "Relabel" : "Mode", "Propagation"};
	bool rw = false;

	if (sinsp_json_type(d, m) != SINSP_JSON_OBJECT)
		return;
	for (int k = 0; k < 4; k++) {
		int i = sinsp_json_get(d, m, keys[k]);
		f[k] = sinsp_json_is_string(d, i) ? tok_str(ci, d, i) : strdup("");
		if (!f[k])
			ci->oom = true;
	}
	sinsp_json_bool(d, sinsp_json_get(d, m, "RW"), &rw);
	if (!ci->oom && disk && !f[0][0] && docker_root &&
	    sinsp_json_str_eq(d, sinsp_json_get(d, m, "Type"), "volume") &&
	    (sinsp_json_str_eq(d, sinsp_json_get(d, m, "Driver"), "local") ||
	     sinsp_json_str_eq(d, sinsp_json_get(d, m, "Driver"), ""))) {
		/* the API reports a local volume's path, which the file
		 * leaves out: <root>/volumes/<name>/_data */
		char *name = tok_str(ci, d, sinsp_json_get(d, m, "Name"));
		if (name && sinsp_rt_id_ok(name)) {
			size_t n = strlen(docker_root) + strlen(name) + 32;
			char *p = malloc(n);
			if (p) {
				snprintf(p, n, "%s/volumes/%s/_data", docker_root, name);
				free(f[0]);
				f[0] = p;
			} else {
				ci->oom = true;
			}
		}
		free(name);
	}
	if (!ci->oom)
		sinsp_rt_mount_add(ci, f[0], f[1], f[2], rw, f[3]);
	for (int k = 0; k < 4; k++)
		free(f[k]);
}

static void docker_network(struct sinsp_rt_info *ci, const struct sinsp_json_doc *d, int root,
			   const struct sinsp_json_doc *hd, int hroot)
{
	int net = sinsp_json_get(d, root, "NetworkSettings");
	int ipk = sinsp_json_get(d, net, "IPAddress");
	int ports = sinsp_json_get(d, net, "Ports");
	char buf[64];

	sinsp_json_str(d, ipk, buf, sizeof(buf));
	if (buf[0]) {
		ci->ip = sinsp_rt_ipv4(buf);
	} else {
		int nm = sinsp_json_get(hd, hroot, "NetworkMode");
		char mode[RT_ID_MAX + 16];
		if (sinsp_json_is_string(hd, nm) && sinsp_json_str(hd, nm, mode, sizeof(mode)) < sizeof(mode) &&
		    starts_with(mode, "container:")) {
			sinsp_rt_set(ci, &ci->net_container, mode + strlen("container:"));
		} else if (ipk < 0) {
			/* newer API versions dropped the top-level address:
			 * the first network's */
			int nets = sinsp_json_get(d, net, "Networks");
			int k = sinsp_json_first(d, nets);
			for (int f = 0; f < sinsp_json_size(d, nets) && k >= 0; f++, k = sinsp_json_skip(d, k)) {
				sinsp_json_str(d, sinsp_json_get(d, k + 1, "IPAddress"), buf, sizeof(buf));
				if (buf[0]) {
					ci->ip = sinsp_rt_ipv4(buf);
					break;
				}
			}
		}
	}
	/* "80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}, ...] */
	if (sinsp_json_type(d, ports) == SINSP_JSON_OBJECT) {
		int k = sinsp_json_first(d, ports);
		for (int f = 0; f < sinsp_json_size(d, ports) && k >= 0; f++, k = sinsp_json_skip(d, k)) {
			char key[64];
			int arr = k + 1, e;
			if (sinsp_json_str(d, k, key, sizeof(key)) >= sizeof(key) || !strstr(key, "/tcp") ||
			    sinsp_json_type(d, arr) != SINSP_JSON_ARRAY)
				continue;
			e = sinsp_json_first(d, arr);
			for (int j = 0; j < sinsp_json_size(d, arr) && e >= 0; j++, e = sinsp_json_skip(d, e)) {
				char hip[64], hport[16];
				struct sinsp_rt_port *p;
				if (ci->nports >= RT_MAX_PORTS)
					break;
				p = &ci->ports[ci->nports++];
				sinsp_json_str(d, sinsp_json_get(d, e, "HostIp"), hip, sizeof(hip));
				sinsp_json_str(d, sinsp_json_get(d, e, "HostPort"), hport, sizeof(hport));
				p->host_ip = sinsp_rt_ipv4(hip);
				p->host_port = (uint16_t)atoi(hport);
				p->container_port = (uint16_t)atoi(key);
			}
		}
	}
}

void sinsp_rt_docker_fill(struct sinsp_rt_info *ci, const struct sinsp_json_doc *d, int root,
			  const struct sinsp_json_doc *hd, int hroot, bool disk, const char *docker_root)
{
	int config = sinsp_json_get(d, root, "Config");
	int img = sinsp_json_get(d, root, "Image");
	int user = sinsp_json_get(d, config, "User");
	int id = sinsp_json_get(d, root, "Id");
	int labels = sinsp_json_getv(d, config, "Labels", NULL);
	int env = sinsp_json_get(d, config, "Env");
	char *imgstr;

	if (!hd) { /* the API: HostConfig inside */
		hd = d;
		hroot = sinsp_json_get(d, root, "HostConfig");
	}
	/* upstream's get_image_info() */
	sinsp_rt_set_tok(ci, &ci->image, d, sinsp_json_get(d, config, "Image"));
	imgstr = tok_str(ci, d, img);
	if (!imgstr || !ci->image)
		return;
	if (!strchr(imgstr, '/')) {
		/* a Docker image id "sha256:<hex>" */
		const char *c = strchr(imgstr, ':');
		bool no_name;
		if (c)
			sinsp_rt_set(ci, &ci->imageid, c + 1);
		no_name = (ci->imageid && starts_with(ci->imageid, ci->image)) || starts_with(imgstr, ci->image);
		if (!no_name)
			sinsp_rt_split_image(ci, ci->image, &ci->imagerepo, &ci->imagetag, &ci->imagedigest);
		if (ci->imageid && ci->imageid[0] &&
		    (no_name || !ci->imagedigest || !ci->imagedigest[0] || !ci->imagetag || !ci->imagetag[0]))
			ci->image_need = RT_IMAGE_BY_ID;
	} else {
		/* podman: the image name */
		sinsp_rt_split_image(ci, imgstr, &ci->imagerepo, &ci->imagetag, &ci->imagedigest);
		if (ci->imagetag && !ci->imagetag[0])
			sinsp_rt_set(ci, &ci->imagetag, "latest");
		ci->image_need = RT_IMAGE_BY_LIST;
	}
	free(imgstr);

	if (user >= 0 && !sinsp_json_is_null(d, user))
		sinsp_rt_set_tok(ci, &ci->user, d, user);
	docker_probes(ci, d, config);

	if (id < 0)
		id = sinsp_json_get(d, root, "ID"); /* config.v2.json */
	sinsp_rt_set_tok(ci, &ci->full_id, d, id);
	sinsp_rt_set_tok(ci, &ci->name, d, sinsp_json_get(d, root, "Name"));
	if (ci->name && ci->name[0] == '/')
		memmove(ci->name, ci->name + 1, strlen(ci->name));
	if (ci->name && starts_with(ci->name, "k8s_POD"))
		ci->is_pod_sandbox = true;
	{
		char created[64];
		sinsp_json_str(d, sinsp_json_get(d, root, "Created"), created, sizeof(created));
		ci->created_time = sinsp_rt_parse_time(created);
	}
	docker_network(ci, d, root, hd, hroot);

	if (sinsp_json_type(d, labels) == SINSP_JSON_OBJECT) {
		int k = sinsp_json_first(d, labels);
		for (int f = 0; f < sinsp_json_size(d, labels) && k >= 0 && !ci->oom; f++, k = sinsp_json_skip(d, k)) {
			char *key = tok_str(ci, d, k), *val = tok_str(ci, d, k + 1);
			if (key && val)
				sinsp_rt_label_set(ci, false, key, val);
			free(key);
			free(val);
		}
	}
	if (sinsp_json_type(d, env) == SINSP_JSON_ARRAY) {
		int e = sinsp_json_first(d, env);
		for (int k = 0; k < sinsp_json_size(d, env) && e >= 0 && !ci->oom; k++, e = sinsp_json_skip(d, e)) {
			if (sinsp_json_is_string(d, e)) {
				char *v = tok_str(ci, d, e);
				sinsp_rt_env_add(ci, v);
				free(v);
			}
		}
	}
	docker_hostconfig(ci, hd, hroot);

	{
		int mounts = sinsp_json_get(d, root, disk ? "MountPoints" : "Mounts");
		int e = sinsp_json_first(d, mounts);
		for (int k = 0; k < sinsp_json_size(d, mounts) && e >= 0 && !ci->oom; k++, e = sinsp_json_skip(d, e))
			docker_mount(ci, d, disk ? e + 1 : e, disk, docker_root); /* MountPoints: by destination */
	}
}

/* Does s contain needle (upstream: repotag.find(repo) != npos)? */
static bool contains(const char *s, const char *needle)
{
	return strstr(s, needle) != NULL;
}

void sinsp_rt_docker_image(struct sinsp_rt_info *ci, const char *const *tags, size_t ntags, const char *const *digests,
			   size_t ndigests, const char *podman_digest)
{
	if (!ci->imagerepo)
		sinsp_rt_set(ci, &ci->imagerepo, "");
	if (!ci->imagerepo)
		return;
	if (podman_digest) {
		sinsp_rt_set(ci, &ci->imagedigest, podman_digest);
	} else {
		/* "repo@sha256:..." entries: the one naming our repo; else the
		 * digest when all the entries visited agree */
		const char *first = NULL;
		bool one = true;
		for (size_t i = 0; i < ndigests && !ci->oom; i++) {
			const char *at = strchr(digests[i], '@');
			const char *dg = at ? at + 1 : digests[i];
			if (!first)
				first = dg;
			else if (strcmp(first, dg) != 0)
				one = false;
			if (!ci->imagerepo[0])
				sinsp_rt_setn(ci, &ci->imagerepo, digests[i],
					      at ? (size_t)(at - digests[i]) : strlen(digests[i]));
			if (ci->imagerepo && contains(digests[i], ci->imagerepo)) {
				sinsp_rt_set(ci, &ci->imagedigest, dg);
				break;
			}
		}
		if ((!ci->imagedigest || !ci->imagedigest[0]) && first && one)
			sinsp_rt_set(ci, &ci->imagedigest, first);
	}
	for (size_t i = 0; i < ntags && !ci->oom; i++) {
		const char *c = strrchr(tags[i], ':');
		if (!ci->imagerepo[0])
			sinsp_rt_setn(ci, &ci->imagerepo, tags[i], c ? (size_t)(c - tags[i]) : strlen(tags[i]));
		if (contains(tags[i], ci->imagerepo)) {
			sinsp_rt_set(ci, &ci->imagetag, c ? c + 1 : tags[i]);
			break;
		}
	}
}

#define RT_MAX_IMAGE_REFS 256

static size_t sinsp_json_strs(struct sinsp_rt_info *ci, const struct sinsp_json_doc *d, int arr, char **out)
{
	size_t n = 0;
	int e = sinsp_json_first(d, arr);

	if (sinsp_json_type(d, arr) != SINSP_JSON_ARRAY)
		return 0;
	for (int k = 0; k < sinsp_json_size(d, arr) && e >= 0 && n < RT_MAX_IMAGE_REFS;
	     k++, e = sinsp_json_skip(d, e)) {
		if (!sinsp_json_is_string(d, e))
			continue;
		if (!(out[n] = tok_str(ci, d, e)))
			break;
		n++;
	}
	return n;
}

void sinsp_rt_docker_image_json(struct sinsp_rt_info *ci, const struct sinsp_json_doc *d, int img)
{
	char *tags[RT_MAX_IMAGE_REFS], *digests[RT_MAX_IMAGE_REFS], *pd = NULL;
	size_t nt, nd;
	int pdi = sinsp_json_get(d, img, "Digest");

	if (sinsp_json_type(d, img) != SINSP_JSON_OBJECT)
		return;
	if (sinsp_json_is_string(d, pdi))
		pd = tok_str(ci, d, pdi);
	nd = sinsp_json_strs(ci, d, sinsp_json_get(d, img, "RepoDigests"), digests);
	nt = sinsp_json_strs(ci, d, sinsp_json_get(d, img, "RepoTags"), tags);
	if (!ci->oom)
		sinsp_rt_docker_image(ci, (const char *const *)tags, nt, (const char *const *)digests, nd, pd);
	free_strs(tags, nt);
	free_strs(digests, nd);
	free(pd);
}

void sinsp_rt_docker_image_list(struct sinsp_rt_info *ci, const struct sinsp_json_doc *d, int arr)
{
	char match[1024];
	int e = sinsp_json_first(d, arr);

	if (sinsp_json_type(d, arr) != SINSP_JSON_ARRAY || !ci->imagerepo || !ci->imagetag)
		return;
	if ((size_t)snprintf(match, sizeof(match), "%s:%s", ci->imagerepo, ci->imagetag) >= sizeof(match))
		return;
	for (int k = 0; k < sinsp_json_size(d, arr) && e >= 0; k++, e = sinsp_json_skip(d, e)) {
		int names = sinsp_json_get(d, e, "Names"), n;
		if (sinsp_json_type(d, names) != SINSP_JSON_ARRAY)
			return; /* as upstream: podman's lists have Names */
		n = sinsp_json_first(d, names);
		for (int j = 0; j < sinsp_json_size(d, names) && n >= 0; j++, n = sinsp_json_skip(d, n)) {
			if (sinsp_json_str_eq(d, n, match)) {
				char *id = tok_str(ci, d, sinsp_json_get(d, e, "Id"));
				if (id) {
					const char *c = strchr(id, ':');
					sinsp_rt_set(ci, &ci->imageid, c ? c + 1 : id);
					free(id);
				}
				sinsp_rt_docker_image_json(ci, d, e);
				return;
			}
		}
	}
}

void sinsp_rt_docker_finish(struct sinsp_rt_info *ci)
{
	if (!ci->imagetag || !ci->imagetag[0])
		sinsp_rt_set(ci, &ci->imagetag, "latest");
}

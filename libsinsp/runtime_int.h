/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runtime_int.h - shared by libsinsp/runtime_*.c only: the container
 * metadata being built (upstream's sinsp_container_info), its JSON
 * (upstream's container_to_json), and the parts common to the Docker API
 * and Docker's files (the same inspect layout). See runtime.h.
 */
#ifndef SINSP_RUNTIME_INT_H
#define SINSP_RUNTIME_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "runtime.h"

/* Token and depth bounds of the runtimes' JSON (answers, files). */
#define RT_JSON_MAX_TOKENS (1 << 18)
#define RT_JSON_MAX_DEPTH 64
/* Caps of what one container keeps (the table's, container.h). */
#define RT_MAX_MOUNTS 256
#define RT_MAX_LABELS 1024
#define RT_MAX_PORTS 256
#define RT_MAX_ENV 256
#define RT_MAX_PROBE_ARGS 256
#define RT_ID_MAX 128

/* upstream's probe_type_names (indices as its enum) */
enum sinsp_rt_probe_type { RT_PROBE_HEALTHCHECK = 1, RT_PROBE_LIVENESS = 2, RT_PROBE_READINESS = 3 };

struct sinsp_rt_mount {
	char *source, *dest, *mode, *propagation;
	bool rw;
};

struct sinsp_rt_kv {
	char *key, *val;
};

struct sinsp_rt_probe {
	int type;
	char *exe;
	char **args;
	size_t nargs;
};

struct sinsp_rt_port {
	uint32_t host_ip; /* host byte order, as upstream */
	uint16_t host_port, container_port;
};

struct sinsp_rt_info {
	uint32_t type;
	char *full_id, *name, *image, *imageid, *imagerepo, *imagetag, *imagedigest;
	char *user, *pod_sandbox_id, *cni_json;
	bool privileged, host_pid, host_network, host_ipc, is_pod_sandbox;
	int64_t created_time;
	uint32_t ip; /* host byte order */
	struct sinsp_rt_mount mounts[RT_MAX_MOUNTS];
	size_t nmounts;
	struct sinsp_rt_kv *labels, *sandbox_labels; /* RT_MAX_LABELS each, allocated on use */
	size_t nlabels, nsandbox_labels;
	char *env[RT_MAX_ENV];
	size_t nenv;
	struct sinsp_rt_probe probes[3];
	size_t nprobes;
	struct sinsp_rt_port ports[RT_MAX_PORTS];
	size_t nports;
	int64_t memory_limit, swap_limit, cpu_shares, cpu_quota, cpu_period;
	int32_t cpuset_cpu_count;
	size_t label_max; /* longer label values are dropped */
	bool oom;         /* an allocation failed: the lookup fails */
	/* Docker: what the source must still fetch */
	char *net_container; /* NetworkMode container:<id>: that one's ip */
	int image_need;      /* RT_IMAGE_* */
};

enum { RT_IMAGE_NONE = 0, RT_IMAGE_BY_ID = 1, RT_IMAGE_BY_LIST = 2 };

/* The effective limits of a cfg (its zeros replaced by the defaults). */
size_t sinsp_rt_max_bytes(const struct sinsp_runtime_cfg *cfg);
uint32_t sinsp_rt_timeout_ms(const struct sinsp_runtime_cfg *cfg);
size_t sinsp_rt_label_max(const struct sinsp_runtime_cfg *cfg);

/* why: printf into why (when non-NULL), return rc. */
int sinsp_rt_why(char *why, size_t whylen, int rc, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* strerror() without its shared buffer (thread-safe). */
#define RT_ERRSTR(e) sinsp_rt_errstr((int)(e), (char[128]){0}, 128)
const char *sinsp_rt_errstr(int e, char *buf, size_t n);
/* An id acceptable in a path or URL (runtime.h). */
bool sinsp_rt_id_ok(const char *id);
/* The start of both lookups: clears the outputs (json, len, why may be
 * NULL), then checks cfg and the id. SINSP_RT_OK, or SINSP_RT_ERROR with
 * why set. */
int sinsp_rt_lookup_begin(const struct sinsp_runtime_cfg *cfg, const char *full_id, char **json, size_t *len,
			  char *why, size_t whylen);
bool sinsp_rt_is_hex64(const char *s);

void sinsp_rt_info_init(struct sinsp_rt_info *ci, uint32_t type, size_t label_max);
void sinsp_rt_info_free(struct sinsp_rt_info *ci);
/* Replace *dst by a copy of s[0, n) (s NULL: ""); ci->oom on failure. */
void sinsp_rt_setn(struct sinsp_rt_info *ci, char **dst, const char *s, size_t n);
void sinsp_rt_set(struct sinsp_rt_info *ci, char **dst, const char *s);
/* Replace *dst by the string value of token i (sinsp_json_strdup). */
void sinsp_rt_set_tok(struct sinsp_rt_info *ci, char **dst, const struct sinsp_json_doc *d, int i);
/* Set (replace) / remove a label; values longer than ci->label_max are
 * dropped (an existing one is then left alone, as upstream). */
void sinsp_rt_label_set(struct sinsp_rt_info *ci, bool sandbox, const char *key, const char *val);
const char *sinsp_rt_label_get(const struct sinsp_rt_info *ci, const char *key);
void sinsp_rt_label_del(struct sinsp_rt_info *ci, const char *key);
void sinsp_rt_mount_add(struct sinsp_rt_info *ci, const char *source, const char *dest, const char *mode, bool rw,
			const char *propagation);
/* Kept only when it names MESOS / MARATHON / mesos (upstream's filter). */
void sinsp_rt_env_add(struct sinsp_rt_info *ci, const char *var);
/* exe and args copied. */
void sinsp_rt_probe_add(struct sinsp_rt_info *ci, int type, const char *exe, const char *const *args, size_t nargs);

/* Upstream's split_container_image(split_repo = false): repo keeps the
 * registry host:port; tag after the first ':' of the last part, digest after
 * '@'. */
void sinsp_rt_split_image(struct sinsp_rt_info *ci, const char *image, char **repo, char **tag, char **digest);
/* "YYYY-MM-DDTHH:MM:SS..." (UTC) to epoch seconds; 0 when unparsable. */
int64_t sinsp_rt_parse_time(const char *s);
/* cpuset list "0-3,5" -> 5; -1 when malformed (upstream's counter). */
int32_t sinsp_rt_cpuset_count(const char *s);
/* IPv4 text to host byte order; 0 when not IPv4. */
uint32_t sinsp_rt_ipv4(const char *s);

/* The container JSON ({"container":{...}}\n, as upstream's FastWriter).
 * SINSP_RT_OK, or SINSP_RT_ERROR with why (no memory, over the table's
 * SINSP_CONTAINER_JSON_MAX). */
int sinsp_rt_info_to_json(const struct sinsp_rt_info *ci, char **json, size_t *len, char *why, size_t whylen);

/*
 * Docker's inspect layout, from the API (/containers/<id>/json: d/root, the
 * HostConfig inside; disk false) or from the files (config.v2.json: d/root;
 * hostconfig.json: hd/hroot, -1 when absent; disk true, MountPoints read
 * instead of Mounts and local volumes' sources under docker_root). Sets
 * ci->image_need and ci->net_container for the caller to complete with
 * sinsp_rt_docker_image() / sinsp_rt_docker_image_list() / sinsp_rt_docker_finish().
 */
void sinsp_rt_docker_fill(struct sinsp_rt_info *ci, const struct sinsp_json_doc *d, int root,
			  const struct sinsp_json_doc *hd, int hroot, bool disk, const char *docker_root);
/* Upstream's parse_image_info() from an image's facts: RepoTags and
 * RepoDigests, podman's Digest (NULL when absent). */
void sinsp_rt_docker_image(struct sinsp_rt_info *ci, const char *const *tags, size_t ntags, const char *const *digests,
			   size_t ndigests, const char *podman_digest);
/* Same from an image JSON object (/images/<id>/json). */
void sinsp_rt_docker_image_json(struct sinsp_rt_info *ci, const struct sinsp_json_doc *d, int img);
/* Upstream's fetch_image_info_from_list() over a /images/json array. */
void sinsp_rt_docker_image_list(struct sinsp_rt_info *ci, const struct sinsp_json_doc *d, int arr);
/* After the image lookups: the "latest" default tag. */
void sinsp_rt_docker_finish(struct sinsp_rt_info *ci);

#endif

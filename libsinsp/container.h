/* SPDX-License-Identifier: Apache-2.0 */
/*
 * container.h - internal to libsinsp (never installed): the container part of
 * the inspector.
 *
 *  - sinsp_container_match_cgroups() (container_cgroup.c): which container
 *    (if any) a thread runs in, from its cgroups, by the cgroup layouts of
 *    the container runtimes (upstream's container engines);
 *  - struct sinsp_containers (container.c): the container metadata table,
 *    keyed by the container id, filled from container JSON (the container
 *    events of a capture: PPME_CONTAINER_E 228, PPME_CONTAINER_JSON_E 272,
 *    PPME_CONTAINER_JSON_2_E 324; the runtimes' lookups), each entry keeping
 *    its JSON text so that it can be written back into a capture.
 * The container.* and k8s.* fields over them are in container_fields.c.
 *
 * Nothing here prints, and there is no global mutable state: a table is only
 * touched through its handle (one thread at a time).
 */
#ifndef SINSP_CONTAINER_H
#define SINSP_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Container types, values as upstream's sinsp_container_type (they are the
 * "type" numbers of the container JSON and of PPME_CONTAINER_E). */
enum sinsp_container_type {
	SINSP_CT_DOCKER = 0,
	SINSP_CT_LXC = 1,
	SINSP_CT_LIBVIRT_LXC = 2,
	SINSP_CT_MESOS = 3,
	SINSP_CT_RKT = 4,
	SINSP_CT_CUSTOM = 5,
	SINSP_CT_CRI = 6,
	SINSP_CT_CONTAINERD = 7,
	SINSP_CT_CRIO = 8,
	SINSP_CT_BPM = 9,
	SINSP_CT_STATIC = 10,
	SINSP_CT_PODMAN = 11,
	SINSP_CT_HOST = 0xfffe, /* not in a container (container plugin's CT_HOST) */
	SINSP_CT_UNKNOWN = 0xffff
};

/* Upstream's container.type string for a type: "docker", "lxc",
 * "libvirt-lxc", "mesos", "rkt", "custom", "cri", "containerd", "cri-o",
 * "bpm", "static", "podman", "host"; NULL for SINSP_CT_UNKNOWN and values
 * outside the enum. */
const char *sinsp_container_type_name(uint32_t type);

/* Size of a buffer that holds any id this module reports (64 chars + NUL). */
#define SINSP_CONTAINER_ID_MAX 65
/* Length of the truncated runc-style ids (upstream's container.id). */
#define SINSP_CONTAINER_SHORT_ID_LEN 12

/*
 * Container of a thread from its raw cgroups value: NUL-separated items
 * "subsystem=path" (the last NUL may be missing; len bytes are read, never
 * more). Only the cgroup paths of the known runtimes (docker, containerd /
 * CRI, cri-o, podman, lxc, libvirt-lxc, mesos, bpm) make a container, as
 * upstream: any other cgroup is the host's, e.g. the memory cgroup
 * /process_api/<32 hex> every process of a sandbox VM sits in, or a
 * containerd namespace other than "default".
 *
 * Returns 1 when a container layout matches:
 *  - id: upstream's container.id, the first 12 chars of a 64-hex runtime
 *    id, the name for lxc, libvirt-lxc and bpm, the whole 36-char id for
 *    mesos, the first 12 chars of a ctr container's id;
 *  - full_id: the runtime's own id, which runtime lookups need: the 64 hex
 *    chars of a runc-style id, else the whole name/id;
 *  - *type: its SINSP_CT_*.
 * Returns 0 for the host (id and full_id set to "", *type to SINSP_CT_HOST).
 * id and full_id are always NUL-terminated when their length is > 0, cut
 * to len-1 chars (pass SINSP_CONTAINER_ID_MAX bytes); either may be NULL
 * with a length of 0; type may be NULL.
 *
 * Layouts, tried in this order, each over all the items (a runtime id is
 * exactly 64 hex chars; the cgroup path is the item from its first '/'):
 *  podman      .../libpod-<id>.scope, .../libpod-<id>.scope/container,
 *              .../libpod-<id>, .../podman-<pid>.scope/<id>
 *  docker      .../docker-<id>.scope (systemd driver, also cri-dockerd)
 *  containerd  .../cri-containerd-<id>.scope, ...:cri-containerd:<id>
 *  cri-o       .../crio-<id>.scope, .../crio-<id>
 *  generic     .../<id> as the last component (cgroupfs driver): cri-o when
 *              the parent component is "crio", containerd for exactly
 *              /default/<id> (ctr), cri when the path is under kubepods
 *              (runtime unknown), docker otherwise (/docker/<id>,
 *              /ecs/<task>/<id>, ...)
 *  libvirt-lxc .../<name>.libvirt-lxc, ...-lxc\x2d<name>.scope[/libvirt],
 *              .../libvirt/lxc/<name>
 *  lxc         .../lxc/<name>[/...], .../lxc.payload/<name>[/...],
 *              .../lxc.payload.<name>[/...]
 *  mesos       .../mesos/<36 chars of hex digits and '-'> (the whole rest
 *              of the path). Upstream's mesos engine also wants a Mesos task
 *              id in the environment of the thread or an ancestor, which
 *              cgroups cannot tell: a mesos executor's own cgroup matches
 *              here
 *  bpm         ...bpm-<name>[.scope]
 *  containerd  /default/<name>: containers made with ctr, in containerd's
 *              "default" namespace only (upstream's containerd engine);
 *              <name> one containerd identifier ([A-Za-z0-9]+ joined by
 *              single '.', '_', '-') of at most 64 chars, not ending in
 *              .scope/.slice/.service; other namespaces (k8s.io, moby, ...)
 *              and other two-level paths are the host
 */
int sinsp_container_match_cgroups(const char *cgroups, size_t len, char *id, size_t idlen, char *full_id,
				  size_t fulllen, int *type);
/* The same without the full id. */
int sinsp_container_id_from_cgroups(const char *cgroups, size_t len, char *id, size_t idlen, int *type);

/* ---- container metadata table ------------------------------------------- */

struct sinsp_containers;
struct sinsp_container;

/* Limits: bigger JSON payloads are refused; mounts and labels past the caps
 * are dropped. */
#define SINSP_CONTAINER_JSON_MAX (1u << 20)
#define SINSP_CONTAINER_JSON_MAX_TOKENS 65536
#define SINSP_CONTAINER_JSON_MAX_DEPTH 32
#define SINSP_CONTAINER_MAX_MOUNTS 256
#define SINSP_CONTAINER_MAX_LABELS 1024
/* Default table limits (sinsp_containers_set_limits()). */
#define SINSP_CONTAINERS_MAX 65536
#define SINSP_CONTAINERS_BYTES_MAX ((size_t)256 << 20)
/* Longest id / name / image accepted by sinsp_containers_add_basic(). */
#define SINSP_CONTAINER_STR_MAX 4096

/* Docker and the CRI runtimes (docker, cri, containerd, cri-o, podman):
 * upstream's is_docker_compatible(), the types whose privileged and
 * host_pid/host_network/host_ipc flags are known. */
bool sinsp_container_type_docker_compatible(uint32_t type);

/* NULL when out of memory. Limits: SINSP_CONTAINERS_MAX entries,
 * SINSP_CONTAINERS_BYTES_MAX bytes. */
struct sinsp_containers *sinsp_containers_new(void);
void sinsp_containers_free(struct sinsp_containers *t);
/*
 * Limits of the table: adding a new container past max_count entries, or
 * any add or replacement that would make the entries hold more than
 * max_bytes (as sinsp_containers_bytes() counts their share), fails with a
 * "container table full: ..." message; the caller evicts and retries.
 * Entries already there stay even when the new limits are lower. 0 keeps
 * the default of either.
 */
void sinsp_containers_set_limits(struct sinsp_containers *t, size_t max_count, size_t max_bytes);

/*
 * Add (or replace: a later event for the same id wins, as upstream) a
 * container from a PPME_CONTAINER_JSON_E / PPME_CONTAINER_JSON_2_E payload:
 * {"container": {"id":..., "type":..., "name":..., "image":..., ...}}, the
 * keys upstream writes (sinsp_container_manager::container_to_json()); the
 * ones read are listed with the accessors below, the others stay in the
 * kept JSON text. Trailing NULs and whitespace are ignored. Returns 0 on
 * success, or -1 with a message in err (errlen bytes, may be NULL/0) and
 * the table unchanged when the JSON is malformed, too big, has no
 * container.id, the table is full or memory runs out. Pointers obtained
 * from sinsp_containers_find() for the same id stay valid; the strings
 * read from it before do not.
 */
int sinsp_containers_add_json(struct sinsp_containers *t, const char *json, size_t len, char *err,
			      size_t errlen);
/* Add (or replace) a container from the old PPME_CONTAINER_E (id, type,
 * name, image; name and image may be NULL): stored as the JSON upstream
 * would write for it (its defaults for the rest), so that it reads back
 * the same. Returns 0, or -1 for a NULL or empty id, strings over
 * SINSP_CONTAINER_STR_MAX, a full table or no memory. */
int sinsp_containers_add_basic(struct sinsp_containers *t, const char *id, uint32_t type, const char *name,
			       const char *image);
/* Remove a container; returns 1 if it was there. */
int sinsp_containers_remove(struct sinsp_containers *t, const char *id);

/* Container by id (as reported by sinsp_container_match_cgroups()), or
 * NULL. Valid until the entry is removed or the table is freed. */
const struct sinsp_container *sinsp_containers_find(const struct sinsp_containers *t, const char *id);
size_t sinsp_containers_count(const struct sinsp_containers *t);
/* What the table holds, in bytes: each entry's record, id, strings, mount
 * and label arrays, hash tables and JSON copy, and the table's own arrays
 * (what is asked of malloc; its per-block overhead is not counted). */
size_t sinsp_containers_bytes(const struct sinsp_containers *t);
/* The entry the last successful add (JSON or basic) stored, or NULL (after
 * its removal). Valid like sinsp_containers_find()'s. */
const struct sinsp_container *sinsp_containers_last(const struct sinsp_containers *t);
/* Iterate: *cursor = 0 starts; returns the next entry, NULL at the end.
 * Adding entries meanwhile is fine (they may or may not be visited);
 * removing one moves the last entry into its place (it may be skipped). */
const struct sinsp_container *sinsp_containers_next(const struct sinsp_containers *t, size_t *cursor);

/* The entry's container JSON, NUL-terminated: the payload as it came (but
 * its trailing NULs), or for sinsp_containers_add_basic() entries the JSON
 * written for them. *len (may be NULL) its length. NULL for c == NULL. */
const char *sinsp_container_json(const struct sinsp_container *c, size_t *len);

/*
 * Accessors. The string ones return NULL when the container has no such
 * value (absent or empty: upstream extracts nothing then), except
 * sinsp_container_id() (never NULL for a container) and
 * sinsp_container_mounts() ("" when there are no mounts, as upstream).
 * JSON keys: id, type, name, image, imageid, imagerepo, imagetag,
 * imagedigest, full_id, ip, User, pod_sandbox_id, cni_json (any scalar but
 * null, as text), privileged, host_pid, host_network, host_ipc,
 * is_pod_sandbox (true/false or a number), lookup_state, created_time,
 * Mounts, labels, pod_sandbox_labels, Healthcheck, LivenessProbe,
 * ReadinessProbe.
 * All accept c == NULL (and then return NULL / 0 / -1).
 */
const char *sinsp_container_id(const struct sinsp_container *c);
uint32_t sinsp_container_type(const struct sinsp_container *c);     /* SINSP_CT_* (UNKNOWN for NULL) */
const char *sinsp_container_type_str(const struct sinsp_container *c); /* container.type */
const char *sinsp_container_name(const struct sinsp_container *c);
const char *sinsp_container_image(const struct sinsp_container *c);
const char *sinsp_container_image_id(const struct sinsp_container *c);
const char *sinsp_container_image_repo(const struct sinsp_container *c);
const char *sinsp_container_image_tag(const struct sinsp_container *c);
const char *sinsp_container_image_digest(const struct sinsp_container *c);
const char *sinsp_container_full_id(const struct sinsp_container *c);
const char *sinsp_container_user(const struct sinsp_container *c);           /* "User" */
const char *sinsp_container_pod_sandbox_id(const struct sinsp_container *c); /* full sandbox id */
const char *sinsp_container_cni_json(const struct sinsp_container *c);       /* "cni_json" */
/* "ip" as written; sinsp_container_ipv4() the IPv4 address it holds (host
 * byte order), 0 when absent or not an IPv4 address (upstream's 0). */
const char *sinsp_container_ip(const struct sinsp_container *c);
uint32_t sinsp_container_ipv4(const struct sinsp_container *c);
/* "created_time" (seconds since the epoch as the runtimes give it), 0 when
 * absent or not an integer. */
int64_t sinsp_container_created_time(const struct sinsp_container *c);
/* "lookup_state" (upstream's sinsp_container_lookup::state): 0 started, 1
 * successful, 2 failed; absent or another value: successful, as upstream's
 * parser. (Upstream also rewrites "started" to "failed" for container events
 * read from a capture; the caller knows where the JSON came from.) */
#define SINSP_CONTAINER_LOOKUP_STARTED 0
#define SINSP_CONTAINER_LOOKUP_SUCCESSFUL 1
#define SINSP_CONTAINER_LOOKUP_FAILED 2
int sinsp_container_lookup_state(const struct sinsp_container *c);
/* "is_pod_sandbox": 1 or 0. */
int sinsp_container_is_pod_sandbox(const struct sinsp_container *c);
/* container.privileged, container.host_pid / host_network / host_ipc: 1 or
 * 0 for the docker-compatible types (the JSON's boolean, false when absent,
 * as upstream), -1 for the others (upstream extracts nothing for them). */
int sinsp_container_privileged(const struct sinsp_container *c);
int sinsp_container_host_pid(const struct sinsp_container *c);
int sinsp_container_host_network(const struct sinsp_container *c);
int sinsp_container_host_ipc(const struct sinsp_container *c);

/* Health probes (upstream's container_health_probe JSON:
 * "Healthcheck"/"LivenessProbe"/"ReadinessProbe": {"exe": ..., "args":
 * [...]}): the command line, exe and args joined by spaces (may be ""), or
 * NULL when the container has no such probe. */
#define SINSP_CONTAINER_PROBE_HEALTHCHECK 0u
#define SINSP_CONTAINER_PROBE_LIVENESS 1u
#define SINSP_CONTAINER_PROBE_READINESS 2u
#define SINSP_CONTAINER_PROBES 3u
const char *sinsp_container_probe(const struct sinsp_container *c, unsigned which);

/* container.mounts: "Source:Destination:Mode:RW:Propagation" per mount, RW
 * as "true"/"false", joined by ',' (upstream's separator; its field
 * description says space-separated, its code writes commas). */
const char *sinsp_container_mounts(const struct sinsp_container *c);
size_t sinsp_container_mount_count(const struct sinsp_container *c);
/* Mount idx (the JSON's order): returns 0 and fills the non-NULL outputs
 * (strings never NULL, possibly ""), -1 when idx is out of range. */
int sinsp_container_mount_get(const struct sinsp_container *c, size_t idx, const char **source, const char **dest,
			      const char **mode, bool *rw, const char **propagation);

/* Labels ("labels") and pod sandbox labels ("pod_sandbox_labels"), sorted
 * by key as upstream's std::map: the value of key (may be ""), or NULL when
 * there is no such label; the idx-th label (returns 0 and fills the
 * non-NULL outputs, -1 when idx is out of range). */
const char *sinsp_container_label(const struct sinsp_container *c, const char *key);
size_t sinsp_container_label_count(const struct sinsp_container *c);
int sinsp_container_label_get(const struct sinsp_container *c, size_t idx, const char **key, const char **value);
const char *sinsp_container_pod_label(const struct sinsp_container *c, const char *key);
size_t sinsp_container_pod_label_count(const struct sinsp_container *c);
int sinsp_container_pod_label_get(const struct sinsp_container *c, size_t idx, const char **key,
				  const char **value);
/* The labels io.kubernetes.pod.name, io.kubernetes.pod.namespace,
 * io.kubernetes.pod.uid (NULL when absent). */
const char *sinsp_container_k8s_pod_name(const struct sinsp_container *c);
const char *sinsp_container_k8s_ns_name(const struct sinsp_container *c);
const char *sinsp_container_k8s_pod_uid(const struct sinsp_container *c);

#endif

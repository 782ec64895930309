/* SPDX-License-Identifier: Apache-2.0 */
/*
 * container.h - internal to libsinsp (never installed): the container part of
 * the inspector.
 *
 *  - sinsp_container_id_from_cgroups(): which container (if any) a thread
 *    runs in, from its cgroups, by the cgroup layouts of the container
 *    runtimes (the patterns of upstream's container engines / container
 *    plugin matchers);
 *  - struct sinsp_containers: the container metadata table, keyed by the
 *    container id and filled from the container events of a capture
 *    (PPME_CONTAINER_E 228, PPME_CONTAINER_JSON_E 272,
 *    PPME_CONTAINER_JSON_2_E 324).
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
 * more). Returns 1 when a container layout matches: the id (the first 12
 * chars of a 64-hex runtime id; the container name for lxc, libvirt-lxc and
 * bpm) is written to id (always NUL-terminated when idlen > 0, cut to
 * idlen-1 chars: pass SINSP_CONTAINER_ID_MAX bytes) and *type to its
 * SINSP_CT_*. Returns 0 for a host process (id set to "" and *type to
 * SINSP_CT_HOST). id may be NULL when idlen is 0; type may be NULL.
 *
 * Layouts, tried in this order, each over all the items (a runtime id is
 * exactly 64 hex chars; the cgroup path is the item from its first '/'):
 *  podman      .../libpod-<id>.scope, .../libpod-<id>.scope/container,
 *              .../libpod-<id>, .../podman-<pid>.scope/<id>
 *  docker      .../docker-<id>.scope (systemd driver, also cri-dockerd)
 *  containerd  .../cri-containerd-<id>.scope, ...:cri-containerd:<id>
 *  cri-o       .../crio-<id>.scope, .../crio-<id>
 *  generic     .../<id> as the last component (cgroupfs driver): cri-o when
 *              the parent component is "crio", cri when the path is under
 *              kubepods (runtime unknown), docker otherwise (/docker/<id>,
 *              /ecs/<task>/<id>, ...)
 *  libvirt-lxc .../<name>.libvirt-lxc, ...-lxc\x2d<name>.scope[/libvirt],
 *              .../libvirt/lxc/<name>
 *  lxc         .../lxc/<name>[/...], .../lxc.payload/<name>[/...],
 *              .../lxc.payload.<name>[/...]
 *  bpm         ...bpm-<name>[.scope]
 *  containerd  /<namespace>/<name> (containers made with ctr; exactly two
 *              components, containerd identifiers, no systemd unit suffix,
 *              namespace not docker, crio, machine, libpod_parent,
 *              kubepods*, lxc*); id cut to 12 chars
 */
int sinsp_container_id_from_cgroups(const char *cgroups, size_t len, char *id, size_t idlen, int *type);

/* ---- container metadata table ------------------------------------------- */

struct sinsp_containers;
struct sinsp_container;

/* Limits: bigger JSON payloads are refused; mounts and labels past the caps
 * are dropped; the table refuses new ids once full. */
#define SINSP_CONTAINER_JSON_MAX (1u << 20)
#define SINSP_CONTAINER_JSON_MAX_TOKENS 65536
#define SINSP_CONTAINER_JSON_MAX_DEPTH 32
#define SINSP_CONTAINER_MAX_MOUNTS 256
#define SINSP_CONTAINER_MAX_LABELS 1024
#define SINSP_CONTAINERS_MAX 65536
/* Longest id / name / image accepted by sinsp_containers_add_basic(). */
#define SINSP_CONTAINER_STR_MAX 4096

/* NULL when out of memory. */
struct sinsp_containers *sinsp_containers_new(void);
void sinsp_containers_free(struct sinsp_containers *t);

/*
 * Add (or replace: a later event for the same id wins, as upstream) a
 * container from a PPME_CONTAINER_JSON_E / PPME_CONTAINER_JSON_2_E payload:
 * {"container": {"id":..., "type":..., "name":..., "image":..., ...}}.
 * Trailing NULs and whitespace are ignored. Returns 0 on success, or -1 with
 * a message in err (errlen bytes, may be NULL/0) and the table unchanged when
 * the JSON is malformed, too big, has no container.id, or memory runs out.
 * Pointers obtained from sinsp_containers_find() for the same id are invalid
 * afterwards.
 */
int sinsp_containers_add_json(struct sinsp_containers *t, const char *json, size_t len, char *err,
			      size_t errlen);
/* Add (or replace) a container from the old PPME_CONTAINER_E (id, type,
 * name, image). name and image may be NULL. Returns 0, or -1 for a NULL or
 * empty id, strings over SINSP_CONTAINER_STR_MAX, a full table or no
 * memory. */
int sinsp_containers_add_basic(struct sinsp_containers *t, const char *id, uint32_t type, const char *name,
			       const char *image);
/* Remove a container; returns 1 if it was there. */
int sinsp_containers_remove(struct sinsp_containers *t, const char *id);

/* Container by id (as reported by sinsp_container_id_from_cgroups()), or
 * NULL. Valid until the entry is replaced/removed or the table is freed. */
const struct sinsp_container *sinsp_containers_find(const struct sinsp_containers *t, const char *id);
size_t sinsp_containers_count(const struct sinsp_containers *t);

/*
 * Accessors. The string ones return NULL when the container has no such
 * value (absent or empty: upstream extracts nothing then), except
 * sinsp_container_id() (never NULL for a container) and
 * sinsp_container_mounts() ("" when there are no mounts, as upstream).
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
const char *sinsp_container_ip(const struct sinsp_container *c);
/* container.privileged: 1 or 0, or -1 when unknown. Known when the JSON has
 * a "privileged" boolean, or (upstream: a false default) for the
 * docker-compatible types docker, cri, containerd and cri-o. */
int sinsp_container_privileged(const struct sinsp_container *c);

/* container.mounts: "Source:Destination:Mode:RW:Propagation" per mount, RW
 * as "true"/"false", joined by ','. */
const char *sinsp_container_mounts(const struct sinsp_container *c);
size_t sinsp_container_mount_count(const struct sinsp_container *c);
/* Mount idx: returns 0 and fills the non-NULL outputs (strings never NULL,
 * possibly ""), -1 when idx is out of range. */
int sinsp_container_mount_get(const struct sinsp_container *c, size_t idx, const char **source, const char **dest,
			      const char **mode, bool *rw, const char **propagation);

/* Value of label key (may be ""), or NULL when there is no such label. */
const char *sinsp_container_label(const struct sinsp_container *c, const char *key);
size_t sinsp_container_label_count(const struct sinsp_container *c);
/* Label idx in the JSON's order: returns 0 and fills the non-NULL outputs,
 * -1 when idx is out of range. */
int sinsp_container_label_get(const struct sinsp_container *c, size_t idx, const char **key, const char **value);
/* k8s.pod.name, k8s.ns.name, k8s.pod.uid: the labels io.kubernetes.pod.name,
 * io.kubernetes.pod.namespace, io.kubernetes.pod.uid (NULL when absent). */
const char *sinsp_container_k8s_pod_name(const struct sinsp_container *c);
const char *sinsp_container_k8s_ns_name(const struct sinsp_container *c);
const char *sinsp_container_k8s_pod_uid(const struct sinsp_container *c);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runtime.h - internal to libsinsp (never installed): the container
 * runtimes as sources of container metadata.
 *
 * Two lookups of one container id, both answering upstream's container JSON
 * (sinsp_container_manager::container_to_json(): the PPME_CONTAINER_JSON_2_E
 * payload, read back by sinsp_containers_add_json()):
 *
 *  - sinsp_runtime_disk_lookup(): the runtimes' files, no daemon needed,
 *    meant to run synchronously when a container is first seen: a few
 *    bounded file reads (each refused past cfg->max_bytes), ~0.1 ms.
 *      docker      <docker_root>/containers/<id>/config.v2.json and
 *                  hostconfig.json; <docker_root>/image/<driver>/
 *                  repositories.json for the tag/digest when upstream
 *                  would ask the API for the image; for NetworkMode
 *                  container:<other>, the other's config.v2.json (its ip)
 *      cri         (runtime unknown) Docker's files first (cri-dockerd),
 *                  then the OCI bundles
 *      containerd, cri-o, podman, unknown: the OCI bundle config.json in
 *                  cfg->bundle_dirs (layouts below); a CRI-O container's
 *                  sandbox bundle too (pod_sandbox_labels). The type
 *                  reported for cri/unknown is containerd or cri-o when the
 *                  annotations tell (io.kubernetes.cri.* / cri-o.*).
 *      others (lxc, libvirt-lxc, bpm, mesos, ...): SINSP_RT_UNAVAILABLE
 *
 *  - sinsp_runtime_api_lookup(): the runtime's API, meant for a worker
 *    thread (blocks up to cfg->timeout_ms in all, every request included):
 *      docker      GET /v1.41/containers/<id>/json on cfg->docker_socket
 *                  (the unversioned path when the daemon answers 400), then
 *                  GET /images/<image id>/json?digests=1 for RepoTags /
 *                  RepoDigests when the tag or digest is unknown, and the
 *                  container:<other> network owner's ip (as upstream)
 *      podman      the same on cfg->podman_socket (Docker-compatible API;
 *                  the image list GET /images/json when podman names the
 *                  image instead of giving its id, as upstream); the label
 *                  podman_owner_uid is removed (the root socket: uid 0).
 *                  Rootless sockets (/run/user/<uid>/...) are not asked.
 *      cri         (runtime unknown, a kubepods cgroup) asked to the docker
 *                  socket (cri-dockerd keeps Kubernetes containers in
 *                  Docker); the answer has type docker, as upstream's
 *                  docker engine claims those cgroups
 *      others (containerd, cri-o included): SINSP_RT_UNAVAILABLE: upstream
 *                  asks the CRI over gRPC, not implemented here; the disk
 *                  lookup reads the same facts from the bundle.
 *
 * Return values: SINSP_RT_OK with *json (malloc'd, NUL-terminated, caller
 * frees; *len its length without the NUL; why set to ""), or
 * SINSP_RT_NOTFOUND, SINSP_RT_UNAVAILABLE, SINSP_RT_ERROR with *json NULL
 * and a message in why naming what failed and where (path, socket, HTTP
 * status and the daemon's message, byte counts). json, len and why may be
 * NULL (whylen 0). Failures of the secondary requests (image, network
 * owner, repositories.json, sandbox bundle) only leave those fields empty,
 * as upstream.
 *
 * Threads: no global state of ours; a lookup only touches its arguments (cfg
 * is only read), so any number may run at once. The API lookup uses one
 * libcurl easy handle per call; callers need not call curl_global_init():
 * libcurl 7.84 and later (required by the build; Debian 12 has 7.88)
 * initialises itself thread-safely on first use (CURL_VERSION_THREADSAFE;
 * a libcurl built without it makes the API lookup fail with a message).
 * No signals (CURLOPT_NOSIGNAL), no proxies, no redirects. Nothing printed.
 */
#ifndef SINSP_RUNTIME_H
#define SINSP_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

struct sinsp_runtime_cfg {
	/* Docker Engine API unix socket; NULL or "": off. */
	const char *docker_socket;
	/* Podman's Docker-compatible API socket; NULL or "": off. */
	const char *podman_socket;
	/* Docker data root (containers/<id>/config.v2.json, hostconfig.json);
	 * NULL or "": off. */
	const char *docker_root;
	/*
	 * NULL-terminated list of directories holding OCI bundles; NULL: off.
	 * In each, in this order, the first existing file wins:
	 *   <dir>/<id>/config.json              (a flat task dir)
	 *   <dir>/<id>/userdata/config.json     (CRI-O, podman: overlay-containers)
	 *   <dir>/<namespace>/<id>/config.json  (containerd shim v2 task dirs:
	 *                                        k8s.io, moby, default, ...;
	 *                                        at most 64 namespaces read)
	 */
	const char *const *bundle_dirs;
	/* Whole API lookup (every request, connects included); 0: default. */
	uint32_t timeout_ms;
	/* Largest API answer or file accepted; 0: default (1 MiB; at most
	 * 2 GiB - 2 is honoured). The container JSON produced is further
	 * capped at container.h's SINSP_CONTAINER_JSON_MAX. */
	size_t max_bytes;
	/* Labels whose value is longer are dropped (upstream's
	 * m_container_label_max_length); 0: default (100); SIZE_MAX: keep all. */
	size_t label_max_len;
};

#define SINSP_RUNTIME_DOCKER_SOCKET "/var/run/docker.sock"
#define SINSP_RUNTIME_PODMAN_SOCKET "/run/podman/podman.sock"
#define SINSP_RUNTIME_DOCKER_ROOT "/var/lib/docker"
#define SINSP_RUNTIME_TIMEOUT_MS 5000u
#define SINSP_RUNTIME_MAX_BYTES (1u << 20)
#define SINSP_RUNTIME_LABEL_MAX_LEN 100u
/* The default bundle dirs: containerd's task dir, Docker's containerd's,
 * CRI-O's (and root podman's) run dir. */
/* clang-format off */
#define SINSP_RUNTIME_BUNDLE_DIRS                                                \
	{ "/run/containerd/io.containerd.runtime.v2.task",                       \
	  "/run/docker/containerd/daemon/io.containerd.runtime.v2.task",         \
	  "/run/containers/storage/overlay-containers", NULL }
/* clang-format on */

/* The defaults above (bundle_dirs: a static constant list). */
void sinsp_runtime_cfg_default(struct sinsp_runtime_cfg *cfg);

enum {
	SINSP_RT_OK = 0,
	SINSP_RT_NOTFOUND = 1,    /* source reachable, no such container */
	SINSP_RT_UNAVAILABLE = 2, /* source absent/off: no socket, no daemon listening, no such dir */
	SINSP_RT_ERROR = -1       /* bad answer, timeout, permission, too big, corrupt file, no memory */
};

/*
 * full_id: the 64-hex runtime id (or the name-like id for lxc, containerd
 * names...): 1 to 128 chars of [A-Za-z0-9_.-], not "." or ".."; anything
 * else is SINSP_RT_ERROR. type: the SINSP_CT_* from
 * sinsp_container_id_from_cgroups().
 */
int sinsp_runtime_disk_lookup(const struct sinsp_runtime_cfg *cfg, const char *full_id, uint32_t type, char **json,
			      size_t *len, char *why, size_t whylen);
int sinsp_runtime_api_lookup(const struct sinsp_runtime_cfg *cfg, const char *full_id, uint32_t type, char **json,
			     size_t *len, char *why, size_t whylen);

#endif

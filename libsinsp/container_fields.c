/* SPDX-License-Identifier: Apache-2.0 */
/*
 * container_fields.c - the container.* and k8s.* fields, a libfilter field
 * provider of their own over the container table (container.h).
 *
 * Names, types, arguments and the values given in each case follow
 * upstream's syscall source before the container code moved to the
 * container plugin (falcosecurity/libs sinsp_filtercheck_container.cpp and
 * sinsp_filtercheck_k8s.cpp), plus container.label[KEY] and
 * container.labels of the container plugin, and container.info, Falco's
 * output placeholder. Where upstream is ambiguous, the choice is written at
 * the field.
 *
 * Which container an event is about: its thread's (the id its cgroups
 * gave, sproc.container_id), or, for the container events libsinsp hands
 * out (no thread), the one sinsp_evt.ctr_id names, as upstream's container
 * events carry a made-up thread of that container. A thread without a
 * container id is the host unless it runs in a pid namespace of its own
 * (vtid != tid): upstream then reports an empty container.id and nothing
 * else (its is_host is "no container id and not in a pid namespace").
 *
 * Cost: the table is looked up only when a container field is extracted;
 * nothing is allocated per event (the rendering buffer grows only when a
 * longer value than any before is rendered).
 */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sinsp_int.h"

enum cfid {
	C_ID, C_FULL_ID, C_NAME, C_IMAGE, C_IMAGE_ID, C_TYPE, C_PRIVILEGED, C_MOUNTS, C_MOUNT, C_MOUNT_SOURCE,
	C_MOUNT_DEST, C_MOUNT_MODE, C_MOUNT_RDWR, C_MOUNT_PROPAGATION, C_REPO, C_TAG, C_DIGEST, C_HEALTHCHECK,
	C_LIVENESS, C_READINESS, C_START_TS, C_DURATION, C_IP, C_CNI, C_HOST_PID, C_HOST_NETWORK, C_HOST_IPC,
	C_LABEL, C_LABELS, C_INFO,
	K_POD_NAME, K_NS_NAME, K_POD_ID, K_POD_UID, K_SANDBOX_ID, K_FULL_SANDBOX_ID, K_POD_LABEL, K_POD_LABELS,
	K_POD_IP, K_POD_CNI,
	K_DEPRECATED, /* the k8s.* fields upstream keeps but never fills (no Kubernetes client) */
};

#define ARG_KEY (FILTER_FIELD_ARG_REQUIRED | FILTER_FIELD_ARG_DOTTED)
#define SUGG FILTER_FIELD_SUGGESTED

static const struct {
	const char *name;
	enum filter_ftype type;
	uint32_t flags;
	uint32_t id;
	const char *desc;
} cfields[] = {
	{"container.id", FILTER_T_STRING, SUGG, C_ID,
	 "container id from the cgroups (the first 12 characters of a runtime id), \"host\" on the host, \"\" in a "
	 "pid namespace that is no container"},
	{"container.full_id", FILTER_T_STRING, 0, C_FULL_ID, "full container id from the runtime; \"host\" on the host"},
	{"container.name", FILTER_T_STRING, SUGG, C_NAME, "container name; \"host\" on the host"},
	{"container.image", FILTER_T_STRING, 0, C_IMAGE, "container image as the runtime names it"},
	{"container.image.id", FILTER_T_STRING, 0, C_IMAGE_ID, "container image id"},
	{"container.type", FILTER_T_STRING, 0, C_TYPE,
	 "container runtime: docker, containerd, cri, cri-o, podman, lxc, libvirt-lxc, mesos, bpm, ...; \"host\" on "
	 "the host"},
	{"container.privileged", FILTER_T_BOOL, 0, C_PRIVILEGED,
	 "true for a privileged container (known for docker, cri, containerd, cri-o, podman)"},
	{"container.mounts", FILTER_T_STRING, 0, C_MOUNTS,
	 "mounts as source:dest:mode:rdrw:propagation, comma separated"},
	{"container.mount", FILTER_T_STRING, FILTER_FIELD_ARG_REQUIRED, C_MOUNT,
	 "one mount as source:dest:mode:rdrw:propagation: [N] the N-th, or [glob] the first whose source matches"},
	{"container.mount.source", FILTER_T_STRING, FILTER_FIELD_ARG_REQUIRED, C_MOUNT_SOURCE,
	 "source of a mount: [N] the N-th, or [glob] the first whose destination matches"},
	{"container.mount.dest", FILTER_T_STRING, FILTER_FIELD_ARG_REQUIRED, C_MOUNT_DEST,
	 "destination of a mount: [N] the N-th, or [glob] the first whose source matches"},
	{"container.mount.mode", FILTER_T_STRING, FILTER_FIELD_ARG_REQUIRED, C_MOUNT_MODE,
	 "mode of a mount: [N] the N-th, or [glob] the first whose source matches"},
	{"container.mount.rdwr", FILTER_T_STRING, FILTER_FIELD_ARG_REQUIRED, C_MOUNT_RDWR,
	 "\"true\" for a read-write mount, else \"false\": [N] the N-th, or [glob] the first whose source matches"},
	{"container.mount.propagation", FILTER_T_STRING, FILTER_FIELD_ARG_REQUIRED, C_MOUNT_PROPAGATION,
	 "propagation of a mount: [N] the N-th, or [glob] the first whose source matches"},
	{"container.image.repository", FILTER_T_STRING, SUGG, C_REPO, "repository of the container image"},
	{"container.image.tag", FILTER_T_STRING, SUGG, C_TAG, "tag of the container image"},
	{"container.image.digest", FILTER_T_STRING, 0, C_DIGEST, "registry digest of the container image"},
	{"container.healthcheck", FILTER_T_STRING, 0, C_HEALTHCHECK,
	 "command line of the container's health check; \"NONE\" when the container has none"},
	{"container.liveness_probe", FILTER_T_STRING, 0, C_LIVENESS,
	 "command line of the container's liveness probe; \"NONE\" when the container has none"},
	{"container.readiness_probe", FILTER_T_STRING, 0, C_READINESS,
	 "command line of the container's readiness probe; \"NONE\" when the container has none"},
	{"container.start_ts", FILTER_T_UINT64, 0, C_START_TS,
	 "start of the container: start time of its pid namespace's init process (ns since the epoch)"},
	{"container.duration", FILTER_T_RELTIME, 0, C_DURATION, "ns since container.start_ts"},
	{"container.ip", FILTER_T_STRING, 0, C_IP,
	 "primary IPv4 address of the container (0.0.0.0 when the runtime gave none)"},
	{"container.cni.json", FILTER_T_STRING, 0, C_CNI, "CNI result of the container's pod, as JSON text"},
	{"container.host_pid", FILTER_T_BOOL, 0, C_HOST_PID, "true if the container uses the host's pid namespace"},
	{"container.host_network", FILTER_T_BOOL, 0, C_HOST_NETWORK,
	 "true if the container uses the host's network namespace"},
	{"container.host_ipc", FILTER_T_BOOL, 0, C_HOST_IPC, "true if the container uses the host's IPC namespace"},
	{"container.label", FILTER_T_STRING, ARG_KEY, C_LABEL, "value of a container label: container.label[KEY]"},
	{"container.labels", FILTER_T_STRING, 0, C_LABELS,
	 "container labels as key:value, \", \" separated, sorted (io.kubernetes.* and annotation.* left out)"},
	{"container.info", FILTER_T_STRING, 0, C_INFO,
	 "container_id=<container.id> container_name=<container.name>: what Falco substitutes for %container.info "
	 "in rule outputs by default (a Falco engine placeholder, not a libsinsp field upstream)"},
	{"k8s.pod.name", FILTER_T_STRING, SUGG, K_POD_NAME,
	 "Kubernetes pod name (container label io.kubernetes.pod.name)"},
	{"k8s.ns.name", FILTER_T_STRING, SUGG, K_NS_NAME,
	 "Kubernetes namespace (container label io.kubernetes.pod.namespace)"},
	{"k8s.pod.id", FILTER_T_STRING, 0, K_POD_ID, "legacy name of k8s.pod.uid"},
	{"k8s.pod.uid", FILTER_T_STRING, 0, K_POD_UID, "Kubernetes pod UID (container label io.kubernetes.pod.uid)"},
	{"k8s.pod.sandbox_id", FILTER_T_STRING, 0, K_SANDBOX_ID, "pod sandbox id, first 12 characters"},
	{"k8s.pod.full_sandbox_id", FILTER_T_STRING, 0, K_FULL_SANDBOX_ID, "pod sandbox id"},
	{"k8s.pod.label", FILTER_T_STRING, ARG_KEY, K_POD_LABEL,
	 "value of a pod label: k8s.pod.label[KEY] or k8s.pod.label.KEY (\"\" when the pod has no such label)"},
	{"k8s.pod.labels", FILTER_T_STRING, 0, K_POD_LABELS,
	 "pod labels as key:value, \", \" separated, sorted (io.kubernetes.* and annotation.* left out)"},
	{"k8s.pod.ip", FILTER_T_STRING, 0, K_POD_IP, "IPv4 address of the pod"},
	{"k8s.pod.cni.json", FILTER_T_STRING, 0, K_POD_CNI, "CNI result of the pod, as JSON text"},
	/* deprecated upstream, kept there so that old rules compile: never a
	 * value */
	{"k8s.rc.name", FILTER_T_STRING, 0, K_DEPRECATED, "deprecated: always <NA>"},
	{"k8s.rc.id", FILTER_T_STRING, 0, K_DEPRECATED, "deprecated: always <NA>"},
	{"k8s.rc.label", FILTER_T_STRING, ARG_KEY, K_DEPRECATED, "deprecated: always <NA>"},
	{"k8s.rc.labels", FILTER_T_STRING, 0, K_DEPRECATED, "deprecated: always <NA>"},
	{"k8s.svc.name", FILTER_T_STRING, 0, K_DEPRECATED, "deprecated: always <NA>"},
	{"k8s.svc.id", FILTER_T_STRING, 0, K_DEPRECATED, "deprecated: always <NA>"},
	{"k8s.svc.label", FILTER_T_STRING, ARG_KEY, K_DEPRECATED, "deprecated: always <NA>"},
	{"k8s.svc.labels", FILTER_T_STRING, 0, K_DEPRECATED, "deprecated: always <NA>"},
	{"k8s.ns.id", FILTER_T_STRING, 0, K_DEPRECATED, "deprecated: always <NA>"},
	{"k8s.ns.label", FILTER_T_STRING, ARG_KEY, K_DEPRECATED, "deprecated: always <NA>"},
	{"k8s.ns.labels", FILTER_T_STRING, 0, K_DEPRECATED, "deprecated: always <NA>"},
	{"k8s.rs.name", FILTER_T_STRING, 0, K_DEPRECATED, "deprecated: always <NA>"},
	{"k8s.rs.id", FILTER_T_STRING, 0, K_DEPRECATED, "deprecated: always <NA>"},
	{"k8s.rs.label", FILTER_T_STRING, ARG_KEY, K_DEPRECATED, "deprecated: always <NA>"},
	{"k8s.rs.labels", FILTER_T_STRING, 0, K_DEPRECATED, "deprecated: always <NA>"},
	{"k8s.deployment.name", FILTER_T_STRING, 0, K_DEPRECATED, "deprecated: always <NA>"},
	{"k8s.deployment.id", FILTER_T_STRING, 0, K_DEPRECATED, "deprecated: always <NA>"},
	{"k8s.deployment.label", FILTER_T_STRING, ARG_KEY, K_DEPRECATED, "deprecated: always <NA>"},
	{"k8s.deployment.labels", FILTER_T_STRING, 0, K_DEPRECATED, "deprecated: always <NA>"},
};

/* The provider's context: the handle, and the buffer values are rendered
 * into (valid until the next extract call, as libfilter asks). */
struct cf_ctx {
	sinsp_t *s;
	char *buf;
	size_t cap;
};

/* Room for n bytes and a NUL in x->buf; NULL when out of memory. */
static char *room(struct cf_ctx *x, size_t n)
{
	if (n + 1 > x->cap) {
		size_t cap = x->cap ? x->cap : 256;
		while (cap < n + 1)
			cap *= 2;
		char *b = realloc(x->buf, cap);
		if (!b)
			return NULL;
		x->buf = b;
		x->cap = cap;
	}
	return x->buf;
}

static void out_cstr(filter_out_t *out, const char *s)
{
	if (s)
		filter_out_str(out, s, strlen(s));
}

/* The container an event is about. */
struct who {
	const char *id;               /* container id, NULL: none */
	bool host;                    /* upstream's is_host */
	const struct sinsp_thread *t; /* NULL for container events */
};

static bool event_container(const struct sinsp_evt *e, struct who *w)
{
	const struct sinsp_thread *t = e->thread;

	memset(w, 0, sizeof(*w));
	/* upstream gives events flagged EF_SKIPPARSERESET (procinfo, ...) no
	 * thread of their own: a placeholder made for one is not shown */
	if (t && t->placeholder && (scap_event_flags(scap_evt_type(e->evt)) & SCAP_EF_SKIPPARSERESET))
		return false;
	if (t) {
		/* as the container plugin of current Falco: a thread no runtime's
		 * cgroup claims is on the host, also in a pid namespace of its own
		 * (`unshare -p`; old libsinsp left those "") and when the stream
		 * never described it (upstream's placeholder: "host" too) */
		const char *cid = t->p && !t->placeholder ? t->p->container_id : "";
		w->t = t->p ? t : NULL;
		if (cid[0] && strcmp(cid, "host") != 0)
			w->id = cid;
		else
			w->host = true;
		return true;
	}
	if (e->ctr_id && e->ctr_id[0]) {
		w->id = e->ctr_id;
		return true;
	}
	return false;
}

/* "a.b.c.d" of a host-order IPv4 address into x->buf. */
static void out_ipv4(struct cf_ctx *x, filter_out_t *out, uint32_t ip)
{
	char *b = room(x, 16);
	if (!b)
		return;
	int n = snprintf(b, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff);
	filter_out_str(out, b, (size_t)n);
}

/* Labels as upstream's k8s.pod.labels / the plugin's container.labels:
 * key[:value] joined by ", ", in key order, without the annotation.* and
 * io.kubernetes.* ones. pod: the pod sandbox labels, else the container's. */
static void out_labels(struct cf_ctx *x, filter_out_t *out, const struct sinsp_container *c, bool pod)
{
	size_t n = pod ? sinsp_container_pod_label_count(c) : sinsp_container_label_count(c);
	size_t need = 0, w = 0;
	const char *k, *v;

	for (int pass = 0; pass < 2; pass++) {
		char *b = NULL;
		if (pass == 1 && !(b = room(x, need)))
			return;
		w = 0;
		for (size_t i = 0; i < n; i++) {
			int r = pod ? sinsp_container_pod_label_get(c, i, &k, &v) : sinsp_container_label_get(c, i, &k, &v);
			if (r < 0 || !strncmp(k, "annotation.", 11) || !strncmp(k, "io.kubernetes.", 14))
				continue;
			size_t kl = strlen(k), vl = strlen(v);
			if (b) {
				if (w) {
					memcpy(b + w, ", ", 2);
					w += 2;
				}
				memcpy(b + w, k, kl);
				w += kl;
				if (vl) {
					b[w++] = ':';
					memcpy(b + w, v, vl);
					w += vl;
				}
			} else {
				need += (need ? 2 : 0) + kl + (vl ? vl + 1 : 0);
			}
		}
	}
	filter_out_str(out, x->buf, w);
}

/* The mount a container.mount* argument names: [N] by index, else the
 * first whose source (container.mount.source: destination) matches the
 * glob, as upstream's mount_by_idx / mount_by_source / mount_by_dest. */
static bool find_mount(const struct sinsp_container *c, uint32_t id, const filter_fieldref_t *ref, const char **src,
		       const char **dst, const char **mode, bool *rw, const char **prop)
{
	size_t alen;
	const char *arg = filter_fieldref_arg(ref, &alen);
	int64_t want = filter_fieldref_argnum(ref);

	if (!arg)
		return false;
	if (want >= 0)
		return (uint64_t)want <= SIZE_MAX && sinsp_container_mount_get(c, (size_t)want, src, dst, mode, rw, prop) == 0;
	for (size_t i = 0; i < sinsp_container_mount_count(c); i++) {
		if (sinsp_container_mount_get(c, i, src, dst, mode, rw, prop) < 0)
			break;
		if (fnmatch(arg, id == C_MOUNT_SOURCE ? *dst : *src, 0) == 0)
			return true;
	}
	return false;
}

static void mount_field(struct cf_ctx *x, filter_out_t *out, const struct sinsp_container *c, uint32_t id,
			const filter_fieldref_t *ref)
{
	const char *src, *dst, *mode, *prop;
	bool rw;

	if (!find_mount(c, id, ref, &src, &dst, &mode, &rw, &prop))
		return; /* upstream: no value (its field description says "none"; its code gives none) */
	switch (id) {
	case C_MOUNT: {
		size_t sl = strlen(src), dl = strlen(dst), ml = strlen(mode), pl = strlen(prop);
		char *b = room(x, sl + dl + ml + pl + 9);
		if (!b)
			return;
		int n = snprintf(b, x->cap, "%s:%s:%s:%s:%s", src, dst, mode, rw ? "true" : "false", prop);
		if (n > 0)
			filter_out_str(out, b, (size_t)n);
		break;
	}
	case C_MOUNT_SOURCE: out_cstr(out, src); break;
	case C_MOUNT_DEST: out_cstr(out, dst); break;
	case C_MOUNT_MODE: out_cstr(out, mode); break;
	case C_MOUNT_RDWR: out_cstr(out, rw ? "true" : "false"); break;
	case C_MOUNT_PROPAGATION: out_cstr(out, prop); break;
	default: break;
	}
}

static void out_flag(filter_out_t *out, int v)
{
	if (v >= 0)
		filter_out_bool(out, v);
}

/* The pod sandbox's own entry (its id cut to 12 chars), which upstream
 * reads the pod's labels, ip and CNI result from when the container's
 * entry lacks the CNI result. */
static const struct sinsp_container *sandbox_of(const sinsp_t *s, const struct sinsp_container *c)
{
	char id[SINSP_CONTAINER_SHORT_ID_LEN + 1];

	if (sinsp_container_cni_json(c))
		return NULL;
	snprintf(id, sizeof(id), "%s", sinsp_container_pod_sandbox_id(c));
	return sinsp_containers_find(s->containers, id);
}

static void k8s_field(struct cf_ctx *x, filter_out_t *out, const struct sinsp_container *c, uint32_t id,
		      const filter_fieldref_t *ref)
{
	const char *sbx = sinsp_container_pod_sandbox_id(c);
	const struct sinsp_container *pod;

	if (!sbx)
		return; /* no pod sandbox id: not in Kubernetes */
	switch (id) {
	case K_POD_NAME: out_cstr(out, sinsp_container_k8s_pod_name(c)); break;
	case K_NS_NAME: out_cstr(out, sinsp_container_k8s_ns_name(c)); break;
	case K_POD_ID:
	case K_POD_UID: out_cstr(out, sinsp_container_k8s_pod_uid(c)); break;
	case K_SANDBOX_ID: filter_out_str(out, sbx, strnlen(sbx, SINSP_CONTAINER_SHORT_ID_LEN)); break;
	case K_FULL_SANDBOX_ID: out_cstr(out, sbx); break;
	case K_POD_LABEL: {
		size_t alen;
		const char *key = filter_fieldref_arg(ref, &alen), *v = NULL;
		pod = sandbox_of(x->s, c);
		if (pod)
			v = sinsp_container_pod_label(pod, key);
		if (!v)
			v = sinsp_container_pod_label(c, key);
		/* upstream: "" when neither has it */
		filter_out_str(out, v ? v : "", v ? strlen(v) : 0);
		break;
	}
	case K_POD_LABELS:
		pod = sandbox_of(x->s, c);
		out_labels(x, out, pod ? pod : c, true);
		break;
	case K_POD_IP:
		/* without a CNI result, the sandbox's address; upstream then
		 * shows a stale or zero address when the sandbox is unknown:
		 * here no value */
		if (sinsp_container_cni_json(c))
			out_ipv4(x, out, sinsp_container_ipv4(c));
		else if ((pod = sandbox_of(x->s, c)))
			out_ipv4(x, out, sinsp_container_ipv4(pod));
		break;
	case K_POD_CNI: {
		const char *cni = sinsp_container_cni_json(c);
		if (!cni && (pod = sandbox_of(x->s, c)))
			cni = sinsp_container_cni_json(pod);
		filter_out_str(out, cni ? cni : "", cni ? strlen(cni) : 0);
		break;
	}
	default: break;
	}
}

static int cf_extract(void *pctx, uint32_t id, const filter_fieldref_t *ref, const filter_evtctx_t *ev,
		      filter_out_t *out)
{
	struct cf_ctx *x = pctx;
	const struct sinsp_evt *e = filter_evtctx_user(ev);
	struct who w;

	if (!x || !e || e->s != x->s || id == K_DEPRECATED || !event_container(e, &w))
		return 0;
	const struct sinsp_container *c = w.id ? sinsp_containers_find(x->s->containers, w.id) : NULL;

	if (id >= K_POD_NAME) {
		if (c)
			k8s_field(x, out, c, id, ref);
		return 0;
	}
	switch (id) {
	case C_ID:
		out_cstr(out, w.host ? "host" : w.id ? w.id : "");
		return 0;
	case C_FULL_ID:
	case C_NAME:
		if (w.host)
			out_cstr(out, "host");
		else if (c)
			out_cstr(out, id == C_NAME ? sinsp_container_name(c) : sinsp_container_full_id(c));
		return 0;
	case C_TYPE:
		/* no entry yet: the runtime its cgroups showed (upstream's engines
		 * register a container with its type as soon as they see it) */
		if (w.host)
			out_cstr(out, "host");
		else if (c)
			out_cstr(out, sinsp_container_type_str(c));
		else if (w.id && w.t)
			out_cstr(out, sinsp_container_type_name(w.t->p->container_type));
		return 0;
	case C_INFO: {
		const char *cid = w.host ? "host" : w.id ? w.id : "";
		const char *name = w.host ? "host" : c ? sinsp_container_name(c) : NULL;
		if (!name)
			name = "<NA>";
		char *b = room(x, strlen(cid) + strlen(name) + 32);
		if (b) {
			int n = snprintf(b, x->cap, "container_id=%s container_name=%s", cid, name);
			filter_out_str(out, b, (size_t)n);
		}
		return 0;
	}
	case C_START_TS:
	case C_DURATION: {
		/* the start of the thread's pid namespace init, as upstream (not
		 * the runtime's created_time) */
		uint64_t start = w.t ? w.t->p->pidns_start : 0;
		uint64_t now = e->evt ? scap_evt_ts(e->evt) : 0;
		if (w.host || !start)
			return 0;
		if (id == C_START_TS)
			filter_out_u64(out, start);
		else if (now >= start)
			filter_out_u64(out, now - start);
		return 0;
	}
	default:
		break;
	}
	if (w.host || !c)
		return 0;
	switch (id) {
	case C_IMAGE: out_cstr(out, sinsp_container_image(c)); break;
	case C_IMAGE_ID: out_cstr(out, sinsp_container_image_id(c)); break;
	case C_REPO: out_cstr(out, sinsp_container_image_repo(c)); break;
	case C_TAG: out_cstr(out, sinsp_container_image_tag(c)); break;
	case C_DIGEST: out_cstr(out, sinsp_container_image_digest(c)); break;
	case C_PRIVILEGED: out_flag(out, sinsp_container_privileged(c)); break;
	case C_HOST_PID: out_flag(out, sinsp_container_host_pid(c)); break;
	case C_HOST_NETWORK: out_flag(out, sinsp_container_host_network(c)); break;
	case C_HOST_IPC: out_flag(out, sinsp_container_host_ipc(c)); break;
	case C_MOUNTS: out_cstr(out, sinsp_container_mounts(c)); break;
	case C_MOUNT: case C_MOUNT_SOURCE: case C_MOUNT_DEST: case C_MOUNT_MODE: case C_MOUNT_RDWR:
	case C_MOUNT_PROPAGATION:
		mount_field(x, out, c, id, ref);
		break;
	case C_HEALTHCHECK:
	case C_LIVENESS:
	case C_READINESS: {
		const char *p = sinsp_container_probe(c, id == C_HEALTHCHECK ? SINSP_CONTAINER_PROBE_HEALTHCHECK
						       : id == C_LIVENESS   ? SINSP_CONTAINER_PROBE_LIVENESS
									    : SINSP_CONTAINER_PROBE_READINESS);
		out_cstr(out, p ? p : "NONE");
		break;
	}
	case C_IP: out_ipv4(x, out, sinsp_container_ipv4(c)); break;
	case C_CNI: {
		const char *cni = sinsp_container_cni_json(c);
		filter_out_str(out, cni ? cni : "", cni ? strlen(cni) : 0);
		break;
	}
	case C_LABEL: {
		size_t alen;
		out_cstr(out, sinsp_container_label(c, filter_fieldref_arg(ref, &alen)));
		break;
	}
	case C_LABELS: out_labels(x, out, c, false); break;
	default: break;
	}
	return 0;
}

static void cf_destroy(void *pctx)
{
	struct cf_ctx *x = pctx;

	if (x) {
		free(x->buf);
		free(x);
	}
}

int sinsp_container_add_fields(sinsp_t *s, filter_registry_t *reg)
{
	struct filter_provider_opts o = FILTER_PROVIDER_OPTS_INIT;
	struct cf_ctx *x;
	int prov, rc;

	if (!reg)
		return SCAP_ERR_INVAL;
	if (!(x = calloc(1, sizeof(*x))))
		return SCAP_ERR_NOMEM;
	x->s = s;
	o.name = "container";
	o.extract = cf_extract;
	o.ctx = x;
	o.destroy = cf_destroy;
	prov = filter_registry_add_provider(reg, &o);
	if (prov < 0) {
		free(x);
		return prov;
	}
	/* from here the registry owns x */
	for (size_t i = 0; i < sizeof(cfields) / sizeof(cfields[0]); i++) {
		rc = filter_registry_add_field(reg, prov, cfields[i].name, cfields[i].type, cfields[i].flags,
					       cfields[i].id, cfields[i].desc);
		if (rc < 0)
			return rc;
	}
	return SCAP_OK;
}

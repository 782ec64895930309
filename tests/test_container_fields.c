/* SPDX-License-Identifier: Apache-2.0 */
/* The container.* and k8s.* fields (libsinsp/container_fields.c) over the
 * container table, and the JSON keys they read: a synthetic capture with a
 * container JSON holding them all and a thread in each case (the absent
 * cases: <NA>, "", "NONE", "host" as upstream), field arguments, and the
 * shared captures' containers. Part of the container suite
 * (container_fields_add_tests()). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container.h"
#include "scap.h"
#include "scapgen.h"
#include "sinsp.h"
#include "sinsp_int.h"
#include "test_util.h"

void container_fields_add_tests(Suite *s);

#ifndef H64A
#define H64A "3ad7b26ded6d8e7b23da7d48fe889434573036c27ae5a74837233de441c3601e"
#define H64B "ad8301db070ea803ee86ef753c460d16f3c0128b5d3f6a2960577d0d35635053"
#define POD "pod3e41dc6b-08a8-44db-bc2a-3724b18ab19a"
#endif

static const struct sinsp_container *add_ok(struct sinsp_containers *t, const char *json, const char *id)
{
	char err[256];

	ck_assert_msg(sinsp_containers_add_json(t, json, strlen(json), err, sizeof(err)) == 0, "%s: %s", json, err);
	return sinsp_containers_find(t, id);
}

/* Every key the fields read, as upstream's container_to_json() writes them. */
static const char full_json[] =
	"{\"container\":{\"Healthcheck\":{\"args\":[\"-c\",\"curl -f http://localhost/ || exit 1\"],\"exe\":\"/bin/sh\"},"
	"\"LivenessProbe\":{\"args\":[\"a\",1,true,null,{\"x\":1},[\"y\"],\"z\"],\"exe\":\"/probe\"},"
	"\"Mounts\":[{\"Destination\":\"/host/var/run/docker.sock\",\"Mode\":\"\",\"Propagation\":\"rprivate\","
	"\"RW\":true,\"Source\":\"/var/run/docker.sock\"},{\"Destination\":\"/host/proc\",\"Mode\":\"ro\","
	"\"Propagation\":\"rslave\",\"RW\":false,\"Source\":\"/proc\"}],"
	"\"User\":\"1000:1000\",\"cni_json\":\"{\\\"eth0\\\":{\\\"IPConfigs\\\":[{\\\"IP\\\":\\\"10.244.0.2\\\"}]}}\","
	"\"cpu_period\":100000,\"cpu_quota\":0,\"cpu_shares\":1024,\"cpuset_cpu_count\":0,"
	"\"created_time\":1663770709,\"env\":[],\"full_id\":\"" H64A "\",\"host_ipc\":false,\"host_network\":true,"
	"\"host_pid\":true,\"id\":\"3ad7b26ded6d\",\"image\":\"docker.io/library/busybox:latest\","
	"\"imagedigest\":\"sha256:3fbc632167424a6d997e74f52b878d7cc478225cffac6bc977eedfe51c7f4e79\","
	"\"imageid\":\"busybox\",\"imagerepo\":\"docker.io/library/busybox\",\"imagetag\":\"latest\","
	"\"ip\":\"10.244.0.2\",\"is_pod_sandbox\":false,"
	"\"labels\":{\"io.kubernetes.pod.name\":\"nginx-sandbox\",\"io.kubernetes.pod.namespace\":\"default\","
	"\"io.kubernetes.pod.uid\":\"hdishddjaidwnduw9a43535366368\",\"zeta\":\"last\",\"app\":\"web\","
	"\"annotation.x\":\"hidden\",\"flag\":\"\"},"
	"\"lookup_state\":1,\"memory_limit\":0,\"metadata_deadline\":0,\"name\":\"busybox\","
	"\"pod_sandbox_id\":\"63060edc2d3aa803ab559f2393776b151f99fc5b05035b21db66b3b62246ad6a\","
	"\"pod_sandbox_labels\":{\"example-label/custom_one\":\"mylabel\",\"app\":\"myapp\","
	"\"io.kubernetes.pod.name\":\"nginx-sandbox\"},\"port_mappings\":[],\"privileged\":true,"
	"\"swap_limit\":0,\"type\":7}}\n";

START_TEST(test_json_all_keys)
{
	struct sinsp_containers *t = sinsp_containers_new();
	const struct sinsp_container *c;
	const char *k, *v;

	ck_assert_ptr_nonnull(t);
	c = add_ok(t, full_json, "3ad7b26ded6d");
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(sinsp_container_full_id(c), H64A);
	ck_assert_str_eq(sinsp_container_user(c), "1000:1000");
	ck_assert_str_eq(sinsp_container_cni_json(c), "{\"eth0\":{\"IPConfigs\":[{\"IP\":\"10.244.0.2\"}]}}");
	ck_assert_str_eq(sinsp_container_pod_sandbox_id(c),
			 "63060edc2d3aa803ab559f2393776b151f99fc5b05035b21db66b3b62246ad6a");
	ck_assert_str_eq(sinsp_container_ip(c), "10.244.0.2");
	ck_assert_uint_eq(sinsp_container_ipv4(c), 0x0af40002u);
	ck_assert_int_eq(sinsp_container_created_time(c), 1663770709);
	ck_assert_int_eq(sinsp_container_lookup_state(c), SINSP_CONTAINER_LOOKUP_SUCCESSFUL);
	ck_assert_int_eq(sinsp_container_is_pod_sandbox(c), 0);
	ck_assert_int_eq(sinsp_container_privileged(c), 1);
	ck_assert_int_eq(sinsp_container_host_pid(c), 1);
	ck_assert_int_eq(sinsp_container_host_network(c), 1);
	ck_assert_int_eq(sinsp_container_host_ipc(c), 0);
	ck_assert_str_eq(sinsp_container_probe(c, SINSP_CONTAINER_PROBE_HEALTHCHECK),
			 "/bin/sh -c curl -f http://localhost/ || exit 1");
	/* args: scalars as text, null as "", objects and arrays skipped */
	ck_assert_str_eq(sinsp_container_probe(c, SINSP_CONTAINER_PROBE_LIVENESS), "/probe a 1 true  z");
	ck_assert_ptr_null(sinsp_container_probe(c, SINSP_CONTAINER_PROBE_READINESS));
	ck_assert_ptr_null(sinsp_container_probe(c, 3));
	/* labels sorted by key */
	ck_assert_uint_eq(sinsp_container_label_count(c), 7);
	ck_assert_int_eq(sinsp_container_label_get(c, 0, &k, &v), 0);
	ck_assert_str_eq(k, "annotation.x");
	ck_assert_int_eq(sinsp_container_label_get(c, 6, &k, &v), 0);
	ck_assert_str_eq(k, "zeta");
	ck_assert_str_eq(v, "last");
	ck_assert_uint_eq(sinsp_container_pod_label_count(c), 3);
	ck_assert_int_eq(sinsp_container_pod_label_get(c, 0, &k, &v), 0);
	ck_assert_str_eq(k, "app");
	ck_assert_str_eq(v, "myapp");
	ck_assert_str_eq(sinsp_container_pod_label(c, "example-label/custom_one"), "mylabel");
	ck_assert_ptr_null(sinsp_container_pod_label(c, "zeta"));
	ck_assert_int_eq(sinsp_container_pod_label_get(c, 3, &k, &v), -1);

	/* odd values */
	c = add_ok(t,
		    "{\"container\":{\"id\":\"x1\",\"type\":1,\"lookup_state\":7,\"created_time\":-5,\"ip\":\"not-ip\","
		    "\"privileged\":true,\"host_pid\":1,\"Healthcheck\":{\"exe\":null},"
		    "\"LivenessProbe\":[\"x\"],\"ReadinessProbe\":{\"exe\":5}}}",
		    "x1");
	ck_assert_int_eq(sinsp_container_lookup_state(c), SINSP_CONTAINER_LOOKUP_SUCCESSFUL);
	ck_assert_int_eq(sinsp_container_created_time(c), -5);
	ck_assert_str_eq(sinsp_container_ip(c), "not-ip");
	ck_assert_uint_eq(sinsp_container_ipv4(c), 0);
	/* lxc: privileged and host_* unknown, as upstream */
	ck_assert_int_eq(sinsp_container_privileged(c), -1);
	ck_assert_int_eq(sinsp_container_host_pid(c), -1);
	ck_assert_ptr_null(sinsp_container_probe(c, SINSP_CONTAINER_PROBE_HEALTHCHECK));
	ck_assert_ptr_null(sinsp_container_probe(c, SINSP_CONTAINER_PROBE_LIVENESS));
	ck_assert_str_eq(sinsp_container_probe(c, SINSP_CONTAINER_PROBE_READINESS), "5");
	c = add_ok(t, "{\"container\":{\"id\":\"x2\",\"lookup_state\":0,\"created_time\":1.5}}", "x2");
	ck_assert_int_eq(sinsp_container_lookup_state(c), SINSP_CONTAINER_LOOKUP_STARTED);
	ck_assert_int_eq(sinsp_container_created_time(c), 0);
	c = add_ok(t,
		    "{\"container\":{\"id\":\"x3\",\"lookup_state\":2,\"created_time\":-9223372036854775808,"
		    "\"is_pod_sandbox\":true}}",
		    "x3");
	ck_assert_int_eq(sinsp_container_lookup_state(c), SINSP_CONTAINER_LOOKUP_FAILED);
	ck_assert_int_eq(sinsp_container_created_time(c), INT64_MIN);
	ck_assert_int_eq(sinsp_container_is_pod_sandbox(c), 1);
	c = add_ok(t, "{\"container\":{\"id\":\"x4\",\"lookup_state\":\"1\",\"created_time\":9223372036854775808}}",
		    "x4");
	ck_assert_int_eq(sinsp_container_lookup_state(c), SINSP_CONTAINER_LOOKUP_SUCCESSFUL);
	ck_assert_int_eq(sinsp_container_created_time(c), 0);
	ck_assert_int_eq(sinsp_container_lookup_state(NULL), -1);
	ck_assert_int_eq(sinsp_container_is_pod_sandbox(NULL), -1);
	sinsp_containers_free(t);
}
END_TEST

/* ---- the container.* and k8s.* fields ------------------------------------ */

struct fctx {
	sinsp_t *s;
	filter_registry_t *reg;
	const sinsp_evt_t *e;
	char buf[8192];
};

static void fctx_open(struct fctx *x, const char *path)
{
	struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;
	char errbuf[SCAP_ERRBUF_SIZE];

	o.filename = path;
	scap_t *h = scap_open(&o, errbuf);
	ck_assert_msg(h != NULL, "%s", errbuf);
	x->s = sinsp_open(h, NULL, errbuf);
	ck_assert_msg(x->s != NULL, "%s", errbuf);
	x->reg = filter_registry_new();
	ck_assert_ptr_nonnull(x->reg);
	ck_assert_int_eq(filter_registry_add_evt_fields(x->reg), FILTER_OK);
	ck_assert_int_eq(sinsp_add_fields(x->s, x->reg), SCAP_OK);
	x->e = NULL;
}

static void fctx_close(struct fctx *x)
{
	sinsp_close(x->s);
	filter_registry_free(x->reg);
}

/* Advance to the event numbered num. */
static void fctx_goto(struct fctx *x, uint64_t num)
{
	while (!x->e || sinsp_evt_num(x->e) != num) {
		ck_assert_int_eq(sinsp_next(x->s, &x->e), SINSP_OK);
		ck_assert_uint_le(sinsp_evt_num(x->e), num);
	}
}

/* tmpl rendered for event e. */
static const char *fmt_evt(struct fctx *x, const sinsp_evt_t *e, const char *tmpl)
{
	filter_format_t *fmt = filter_format_compile(x->reg, tmpl, NULL);
	ck_assert_msg(fmt != NULL, "%s: %s", tmpl, filter_registry_geterr(x->reg));
	filter_format_render(fmt, sinsp_evt_scap(e), sinsp_evt_num(e), (void *)e, x->buf, sizeof(x->buf));
	filter_format_free(fmt);
	return x->buf;
}

static const char *fmt_at(struct fctx *x, uint64_t num, const char *tmpl)
{
	fctx_goto(x, num);
	return fmt_evt(x, x->e, tmpl);
}

/* Does cond hold for the current event? */
static int cond_at(struct fctx *x, const char *cond)
{
	filter_t *f = filter_compile(x->reg, cond, NULL);
	ck_assert_msg(f != NULL, "%s: %s", cond, filter_registry_geterr(x->reg));
	int r = filter_eval(f, sinsp_evt_scap(x->e), sinsp_evt_num(x->e), (void *)x->e);
	filter_free(f);
	return r;
}

/* clone< (223) seen from the child's side: tid, its parent, cgroups, vtid,
 * and the start of its pid namespace's init. */
static void clone_child(sg_buf *b, uint64_t ts, int64_t tid, int64_t ptid, const char *comm, const char *cg,
			size_t cglen, int64_t vtid, uint64_t pidns_start)
{
	uint64_t v[16] = {0};
	uint32_t u[4] = {0, 0, 0, 0};
	struct sg_param p[21];

	sg_param_u64(&p[0], &v[0], 0);
	sg_param_str(&p[1], comm);
	p[2] = (struct sg_param){"", 0};
	sg_param_u64(&p[3], &v[1], (uint64_t)tid);
	sg_param_u64(&p[4], &v[2], (uint64_t)tid);
	sg_param_u64(&p[5], &v[3], (uint64_t)ptid);
	sg_param_str(&p[6], "/");
	for (int i = 7; i < 10; i++)
		sg_param_u64(&p[i], &v[i - 3], 0);
	for (int i = 10; i < 13; i++)
		p[i] = (struct sg_param){&u[0], 4};
	sg_param_str(&p[13], comm);
	p[14] = (struct sg_param){cg, (uint32_t)cglen};
	p[15] = (struct sg_param){&u[1], 4};
	p[16] = (struct sg_param){&u[2], 4};
	p[17] = (struct sg_param){&u[3], 4};
	sg_param_u64(&p[18], &v[8], (uint64_t)vtid);
	sg_param_u64(&p[19], &v[9], (uint64_t)vtid);
	sg_param_u64(&p[20], &v[10], pidns_start);
	sg_ev_v2(b, 0, ts, tid, 223, 21, p, 0);
}

#define CG_A "cpu=/kubepods/besteffort/" POD "/" H64A
#define SBX "63060edc2d3aa803ab559f2393776b151f99fc5b05035b21db66b3b62246ad6a"
#define H64D "c644607f2c4ea803ee86ef753c460d16f3c0128b5d3f6a2960577d0d35635053"

/* The synthetic stream of the field tests: container events, then a
 * thread in each case (its clone< then a getuid> event of its own). */
static const char *write_field_capture(void)
{
	/* B: a pod's container whose entry lacks the pod's CNI result, ip and
	 * labels: upstream reads them from the sandbox's entry S */
	static const char json_b[] =
		"{\"container\":{\"id\":\"ad8301db070e\",\"type\":6,\"name\":\"side\",\"ip\":\"0.0.0.0\","
		"\"pod_sandbox_id\":\"" SBX "\",\"labels\":{\"io.kubernetes.pod.name\":\"p2\"},"
		"\"pod_sandbox_labels\":{\"own\":\"x\"}}}";
	static const char json_s[] =
		"{\"container\":{\"id\":\"63060edc2d3a\",\"type\":6,\"is_pod_sandbox\":true,\"ip\":\"10.0.0.9\","
		"\"cni_json\":\"{}\",\"pod_sandbox_id\":\"" SBX "\",\"pod_sandbox_labels\":{\"app\":\"pod\","
		"\"io.kubernetes.pod.uid\":\"u\"}}}";
	/* C: lxc, nothing docker-like known */
	static const char json_c[] = "{\"container\":{\"id\":\"web01\",\"type\":1,\"name\":\"web01\"}}";
	static const char cg_b[] = "cpu=/kubepods/besteffort/" POD "/" H64B;
	static const char cg_c[] = "cpu=/lxc/web01";
	static const char cg_d[] = "cpu=/docker/" H64D; /* no metadata */
	static const char cg_host[] = "memory=/process_api/faea5db31d298f7ba0e6d7540869823c\0cpu=/";
	sg_buf b;
	uint64_t ts = 1000000000000ull;
	struct sg_param jp;

	sg_init(&b);
	sg_shb(&b, 1, 2);
	/* 1-4: container events */
	jp = (struct sg_param){full_json, (uint32_t)sizeof(full_json)};
	sg_ev_v2(&b, 0, ts++, -1, 324, 1, &jp, 0);
	jp = (struct sg_param){json_b, (uint32_t)sizeof(json_b)};
	sg_ev_v2(&b, 0, ts++, -1, 324, 1, &jp, 0);
	jp = (struct sg_param){json_s, (uint32_t)sizeof(json_s)};
	sg_ev_v2(&b, 0, ts++, -1, 324, 1, &jp, 0);
	jp = (struct sg_param){json_c, (uint32_t)sizeof(json_c)};
	sg_ev_v2(&b, 0, ts++, -1, 324, 1, &jp, 0);
	/* 5, 6: tid 200 in A (pid namespace started 500 s before) */
	clone_child(&b, ts, 200, 1, "sh", CG_A, sizeof(CG_A), 1, ts - 500000000000ull);
	ts++;
	sg_ev_v2(&b, 0, ts++, 200, 202 /* getuid> */, 0, NULL, 0);
	/* 7, 8: tid 300 in B; 9, 10: tid 400 in C; 11, 12: tid 500 in D */
	clone_child(&b, ts++, 300, 1, "side", cg_b, sizeof(cg_b), 1, 0);
	sg_ev_v2(&b, 0, ts++, 300, 202, 0, NULL, 0);
	clone_child(&b, ts++, 400, 1, "init", cg_c, sizeof(cg_c), 1, 0);
	sg_ev_v2(&b, 0, ts++, 400, 202, 0, NULL, 0);
	clone_child(&b, ts++, 500, 1, "sleep", cg_d, sizeof(cg_d), 1, 0);
	sg_ev_v2(&b, 0, ts++, 500, 202, 0, NULL, 0);
	/* 13, 14: tid 600 on the host (vtid = tid); 15, 16: tid 700 in a pid
	 * namespace of its own but no container */
	clone_child(&b, ts++, 600, 1, "cron", cg_host, sizeof(cg_host), 600, 0);
	sg_ev_v2(&b, 0, ts++, 600, 202, 0, NULL, 0);
	clone_child(&b, ts++, 700, 1, "bwrap", cg_host, sizeof(cg_host), 1, 0);
	sg_ev_v2(&b, 0, ts++, 700, 202, 0, NULL, 0);
	const char *path = tu_tmpfile(".scap");
	ck_assert_int_eq(tu_write_file(path, b.p, b.len), 0);
	sg_free(&b);
	return path;
}

START_TEST(test_fields_all)
{
	const char *path = write_field_capture();
	struct fctx x;

	fctx_open(&x, path);
	/* A: every field with a value */
	ck_assert_str_eq(fmt_at(&x, 6, "%proc.name|%container.id|%container.full_id|%container.name|%container.image|"
				       "%container.image.id|%container.type|%container.privileged|"
				       "%container.image.repository|%container.image.tag|%container.image.digest"),
			 "sh|3ad7b26ded6d|" H64A "|busybox|docker.io/library/busybox:latest|busybox|containerd|true|"
			 "docker.io/library/busybox|latest|"
			 "sha256:3fbc632167424a6d997e74f52b878d7cc478225cffac6bc977eedfe51c7f4e79");
	ck_assert_str_eq(fmt_evt(&x, x.e, "%container.mounts"),
			 "/var/run/docker.sock:/host/var/run/docker.sock::true:rprivate,/proc:/host/proc:ro:false:rslave");
	ck_assert_str_eq(fmt_evt(&x, x.e, "%container.mount[0]|%container.mount[1]|%container.mount[2]|"
					  "%container.mount[/pro*]|%container.mount[/nope*]"),
			 "/var/run/docker.sock:/host/var/run/docker.sock::true:rprivate|/proc:/host/proc:ro:false:rslave|"
			 "<NA>|/proc:/host/proc:ro:false:rslave|<NA>");
	ck_assert_str_eq(fmt_evt(&x, x.e, "%container.mount.source[1]|%container.mount.source[/host/var/*]|"
					  "%container.mount.dest[/proc]|%container.mount.mode[1]|%container.mount.mode[0]|"
					  "%container.mount.rdwr[0]|%container.mount.rdwr[/proc]|"
					  "%container.mount.propagation[/var/run/docker.sock]|%container.mount.source[/proc]"),
			 "/proc|/var/run/docker.sock|/host/proc|ro||true|false|rprivate|<NA>");
	ck_assert_str_eq(fmt_evt(&x, x.e, "%container.healthcheck|%container.liveness_probe|%container.readiness_probe"),
			 "/bin/sh -c curl -f http://localhost/ || exit 1|/probe a 1 true  z|NONE");
	ck_assert_str_eq(fmt_evt(&x, x.e, "%container.start_ts|%container.duration|%container.ip|%container.cni.json"),
			 "500000000004|500000000001|10.244.0.2|{\"eth0\":{\"IPConfigs\":[{\"IP\":\"10.244.0.2\"}]}}");
	ck_assert_str_eq(fmt_evt(&x, x.e, "%container.host_pid|%container.host_network|%container.host_ipc|"
					  "%container.label[app]|%container.label[flag]|%container.label[nope]|"
					  "%container.label.zeta|%container.labels"),
			 "true|true|false|web||<NA>|last|app:web, flag, zeta:last");
	ck_assert_str_eq(fmt_evt(&x, x.e, "%container.info"), "container_id=3ad7b26ded6d container_name=busybox");
	ck_assert_str_eq(fmt_evt(&x, x.e, "%k8s.pod.name|%k8s.ns.name|%k8s.pod.id|%k8s.pod.uid|%k8s.pod.sandbox_id|"
					  "%k8s.pod.full_sandbox_id"),
			 "nginx-sandbox|default|hdishddjaidwnduw9a43535366368|hdishddjaidwnduw9a43535366368|"
			 "63060edc2d3a|" SBX);
	ck_assert_str_eq(fmt_evt(&x, x.e, "%k8s.pod.label[example-label/custom_one]|%k8s.pod.label.app|"
					  "%k8s.pod.label[nope]|%k8s.pod.labels|%k8s.pod.ip|%k8s.pod.cni.json"),
			 "mylabel|myapp||app:myapp, example-label/custom_one:mylabel|10.244.0.2|"
			 "{\"eth0\":{\"IPConfigs\":[{\"IP\":\"10.244.0.2\"}]}}");
	ck_assert_str_eq(fmt_evt(&x, x.e, "%k8s.rc.name|%k8s.rs.label[x]|%k8s.deployment.labels|%k8s.ns.label.x|"
					  "%k8s.svc.id"),
			 "<NA>|<NA>|<NA>|<NA>|<NA>");
	ck_assert_int_eq(cond_at(&x, "container.privileged = true and container.mount.dest[/var/run/docker.sock] "
				     "= /host/var/run/docker.sock and k8s.pod.label[app] = myapp and container.id != host"),
			 1);
	ck_assert_int_eq(cond_at(&x, "container.duration > 400000000000 and container.start_ts > 0"), 1);

	/* B: the pod's ip, labels and CNI result from the sandbox's entry */
	ck_assert_str_eq(fmt_at(&x, 8, "%container.id|%container.type|%container.ip|%container.cni.json|"
				       "%container.privileged|%container.healthcheck|%container.mounts|%container.labels"),
			 "ad8301db070e|cri|0.0.0.0||false|NONE||");
	ck_assert_str_eq(fmt_evt(&x, x.e, "%k8s.pod.name|%k8s.ns.name|%k8s.pod.uid|%k8s.pod.sandbox_id|"
					  "%k8s.pod.ip|%k8s.pod.cni.json|%k8s.pod.labels|%k8s.pod.label[app]|"
					  "%k8s.pod.label[own]|%container.start_ts"),
			 "p2|<NA>|<NA>|63060edc2d3a|10.0.0.9|{}|app:pod|pod|x|<NA>");

	/* C: lxc; privileged and host_* unknown; no k8s */
	ck_assert_str_eq(fmt_at(&x, 10, "%container.id|%container.full_id|%container.name|%container.type|"
					"%container.privileged|%container.host_pid|%container.ip|%container.image|"
					"%k8s.pod.name|%k8s.pod.sandbox_id|%k8s.pod.label[app]|%container.mount[0]"),
			 "web01|<NA>|web01|lxc|<NA>|<NA>|0.0.0.0|<NA>|<NA>|<NA>|<NA>|<NA>");

	/* D: in a container without metadata: the id, the type its cgroups
	 * give, nothing else */
	ck_assert_str_eq(fmt_at(&x, 12, "%container.id|%container.full_id|%container.name|%container.type|"
					"%container.image|%container.privileged|%container.mounts|%container.healthcheck|"
					"%container.ip|%container.cni.json|%container.labels|%k8s.pod.name|%container.info"),
			 "c644607f2c4e|<NA>|<NA>|docker|<NA>|<NA>|<NA>|<NA>|<NA>|<NA>|<NA>|<NA>|"
			 "container_id=c644607f2c4e container_name=<NA>");

	/* the host (cgroups of these sandbox VMs): "host" for id, full_id,
	 * name and type, nothing else */
	ck_assert_str_eq(fmt_at(&x, 14, "%proc.name|%container.id|%container.full_id|%container.name|%container.type|"
					"%container.image|%container.image.repository|%container.privileged|"
					"%container.mounts|%container.mount[0]|%container.healthcheck|%container.ip|"
					"%container.cni.json|%container.start_ts|%container.duration|%container.label[a]|"
					"%container.labels|%k8s.pod.name|%k8s.ns.name|%k8s.pod.labels|%container.info"),
			 "cron|host|host|host|host|<NA>|<NA>|<NA>|<NA>|<NA>|<NA>|<NA>|<NA>|<NA>|<NA>|<NA>|<NA>|<NA>|<NA>|"
			 "<NA>|container_id=host container_name=host");
	ck_assert_int_eq(cond_at(&x, "container.id = host and container.name = host and not container.privileged "
				     "exists"),
			 1);

	/* a pid namespace that is no container: the host, as the container
	 * plugin of current Falco says (old libsinsp gave an empty id) */
	ck_assert_str_eq(fmt_at(&x, 16, "%proc.name|%container.id|%container.full_id|%container.name|%container.type|"
					"%container.image|%container.healthcheck|%container.info"),
			 "bwrap|host|host|host|host|<NA>|<NA>|container_id=host container_name=host");
	ck_assert_int_eq(cond_at(&x, "container.id = host"), 1);

	/* a container event (no thread) names its container in ctr_id: its
	 * fields are that container's, as upstream's made-up thread gives */
	struct sinsp_evt fake = *(const struct sinsp_evt *)x.e;
	fake.thread = NULL;
	fake.fd = NULL;
	fake.fdnum = -1;
	fake.ctr_id = "3ad7b26ded6d";
	ck_assert_str_eq(fmt_evt(&x, &fake, "%container.id|%container.name|%container.type|%container.privileged|"
					    "%container.start_ts|%container.duration|%k8s.pod.name|%container.info"),
			 "3ad7b26ded6d|busybox|containerd|true|<NA>|<NA>|nginx-sandbox|"
			 "container_id=3ad7b26ded6d container_name=busybox");
	fake.ctr_id = "c644607f2c4e"; /* unknown to the table */
	ck_assert_str_eq(fmt_evt(&x, &fake, "%container.id|%container.name|%container.type"), "c644607f2c4e|<NA>|<NA>");
	fake.ctr_id = NULL; /* no thread, no container: nothing */
	ck_assert_str_eq(fmt_evt(&x, &fake, "%container.id|%container.name|%container.info"), "<NA>|<NA>|<NA>");
	fctx_close(&x);
	unlink(path);
}
END_TEST

/* Field arguments: required ones, dotted keys. */
START_TEST(test_fields_args)
{
	filter_registry_t *reg = filter_registry_new();
	ck_assert_ptr_nonnull(reg);
	ck_assert_int_eq(sinsp_add_fields(NULL, reg), SCAP_OK);
	static const char *const bad[] = {
		"container.mount exists",       "container.mount.source exists", "container.label exists",
		"k8s.pod.label exists",         "container.id[1] exists",        "container.mountx[0] exists",
		"k8s.rc.label exists",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		filter_t *f = filter_compile(reg, bad[i], NULL);
		ck_assert_msg(f == NULL, "compiled: %s", bad[i]);
	}
	static const char *const good[] = {
		"container.mount[0] exists",   "container.mount[/x/*] exists",         "container.mount.rdwr[2] = true",
		"container.label.a.b exists",  "k8s.pod.label.app.kubernetes.io exists", "k8s.pod.label[a/b] exists",
		"k8s.deployment.label.x exists", "container.duration > 0",             "container.start_ts > 0",
		"container.host_network = true", "container.labels contains x",         "k8s.pod.id exists",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		filter_t *f = filter_compile(reg, good[i], NULL);
		ck_assert_msg(f != NULL, "%s: %s", good[i], filter_registry_geterr(reg));
		filter_free(f);
	}
	filter_registry_free(reg);
}
END_TEST

/* Real captures with container events: the threads in their containers. */
START_TEST(test_fields_captures)
{
	const char *path = tu_shared_capture("falco_open-multiple-files.scap");
	struct fctx x;

	if (!path)
		return;
	fctx_open(&x, path);
	/* 84: procinfo> of a bash thread in ad64969c62e5 (its cgroups
	 * /docker/ad64969c62e5...); the capture's container event for it has
	 * id, image, ip, name and type 0 only */
	ck_assert_str_eq(fmt_at(&x, 84, "%proc.name|%container.id|%container.full_id|%container.name|%container.type|"
					"%container.image|%container.image.repository|%container.ip|%container.privileged|"
					"%container.mounts|%container.healthcheck|%container.cni.json|%container.labels|"
					"%container.host_pid|%k8s.pod.name"),
			 "bash|ad64969c62e5|<NA>|express_server|docker|node:latest|<NA>|172.17.0.2|false||NONE|||false|<NA>");
	fctx_close(&x);

	path = tu_shared_capture("falco_test_empty.scap");
	ck_assert_ptr_nonnull(path);
	fctx_open(&x, path);
	size_t in_botnet = 0, on_host = 0;
	while (sinsp_next(x.s, &x.e) == SINSP_OK) {
		const sinsp_thread_t *t = sinsp_evt_thread(x.e);
		if (!t)
			continue;
		const char *id = sinsp_thread_container_id(t);
		if (!strcmp(id, "c644607f2c4e")) {
			ck_assert_str_eq(fmt_evt(&x, x.e, "%container.id|%container.name|%container.image|%container.type|"
							  "%container.ip|%container.mount[0]"),
					 "c644607f2c4e|attacker_botnet_master|alpine:latest|docker|0.0.0.0|<NA>");
			in_botnet++;
		} else if (!strcmp(id, "host") && !sinsp_thread_is_placeholder(t)) {
			ck_assert_str_eq(fmt_evt(&x, x.e, "%container.id|%container.name|%container.type|%container.image"),
					 "host|host|host|<NA>");
			on_host++;
		}
	}
	ck_assert_uint_gt(in_botnet, 0);
	ck_assert_uint_gt(on_host, 0);
	fctx_close(&x);
}
END_TEST

void container_fields_add_tests(Suite *s)
{
	TCase *tc = tcase_create("fields");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_json_all_keys);
	tcase_add_test(tc, test_fields_all);
	tcase_add_test(tc, test_fields_args);
	tcase_add_test(tc, test_fields_captures);
	suite_add_tcase(s, tc);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* The container module of libsinsp (libsinsp/container.h): container ids from
 * cgroups, and the container metadata table filled from container events. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "scap.h"
#include "sinsp.h"
#include "test_util.h"

void container_fields_add_tests(Suite *s); /* test_container_fields.c */

Suite *container_suite(void);

#define H64A "3ad7b26ded6d8e7b23da7d48fe889434573036c27ae5a74837233de441c3601e"
#define H64B "ad8301db070ea803ee86ef753c460d16f3c0128b5d3f6a2960577d0d35635053"
#define POD "pod3e41dc6b-08a8-44db-bc2a-3724b18ab19a"
#define PODS "pod3e41dc6b_08a8_44db_bc2a_3724b18ab19a"

/* Deterministic PRNG (xorshift64*), state on the caller's stack. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1Dull;
}

/* Run the matcher on a C string holding one item (or several, joined with
 * '|' which becomes NUL). Returns the result; id/full/type filled; the
 * wrapper without the full id must agree. */
static int cg(const char *spec, char *id, char *full, int *type)
{
	size_t n = strlen(spec);
	char *buf = malloc(n + 1);
	char id2[SINSP_CONTAINER_ID_MAX];
	int r, type2 = -1;

	ck_assert_ptr_nonnull(buf);
	for (size_t i = 0; i <= n; i++)
		buf[i] = spec[i] == '|' ? '\0' : spec[i];
	r = sinsp_container_match_cgroups(buf, n + 1, id, SINSP_CONTAINER_ID_MAX, full, SINSP_CONTAINER_ID_MAX, type);
	ck_assert_int_eq(sinsp_container_id_from_cgroups(buf, n + 1, id2, sizeof(id2), &type2), r);
	ck_assert_str_eq(id2, id);
	ck_assert_int_eq(type2, *type);
	free(buf);
	return r;
}

struct cg_case {
	const char *cgroups;
	int found;
	const char *id;
	int type;
	const char *full; /* the full id; NULL: H64A when id is its 12 chars, H64B for its, else id */
};

static void check_cases(const struct cg_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char id[SINSP_CONTAINER_ID_MAX], full[SINSP_CONTAINER_ID_MAX];
		int type = -42;
		int r = cg(cases[i].cgroups, id, full, &type);
		ck_assert_msg(r == cases[i].found, "%s: got %d", cases[i].cgroups, r);
		if (r) {
			const char *want = cases[i].full;
			if (!want)
				want = !strcmp(cases[i].id, "3ad7b26ded6d")   ? H64A
				       : !strcmp(cases[i].id, "ad8301db070e") ? H64B
									   : cases[i].id;
			ck_assert_msg(strcmp(id, cases[i].id) == 0, "%s: id %s", cases[i].cgroups, id);
			ck_assert_msg(type == cases[i].type, "%s: type %d", cases[i].cgroups, type);
			ck_assert_msg(strcmp(full, want) == 0, "%s: full id %s", cases[i].cgroups, full);
		} else {
			ck_assert_str_eq(id, "");
			ck_assert_str_eq(full, "");
			ck_assert_int_eq(type, SINSP_CT_HOST);
		}
	}
}

START_TEST(test_cgroup_runtimes)
{
	static const struct cg_case cases[] = {
		/* docker, cgroupfs driver (v1 and v2) */
		{"cpuset=/docker/" H64A "|cpu,cpuacct=/docker/" H64A, 1, "3ad7b26ded6d", SINSP_CT_DOCKER, NULL},
		{"0::/docker/" H64A, 1, "3ad7b26ded6d", SINSP_CT_DOCKER, NULL},
		{"cpuset=/|memory=/docker/" H64B "|name=systemd=/docker/" H64B, 1, "ad8301db070e",
		 SINSP_CT_DOCKER, NULL},
		{"cpu=/ecs/5a2b9e8f4c7d4d0a9d6f0f4b2a1c3e5f/" H64A, 1, "3ad7b26ded6d", SINSP_CT_DOCKER, NULL},
		/* docker-in-docker: the inner container */
		{"cpu=/docker/" H64B "/docker/" H64A, 1, "3ad7b26ded6d", SINSP_CT_DOCKER, NULL},
		/* docker, systemd driver */
		{"0::/system.slice/docker-" H64A ".scope", 1, "3ad7b26ded6d", SINSP_CT_DOCKER, NULL},
		{"pids=/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-" PODS ".slice/docker-" H64A
		 ".scope",
		 1, "3ad7b26ded6d", SINSP_CT_DOCKER, NULL},
		/* containerd through CRI */
		{"0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-" PODS ".slice/cri-containerd-" H64A
		 ".scope",
		 1, "3ad7b26ded6d", SINSP_CT_CONTAINERD, NULL},
		{"cpu=/system.slice/containerd.service/kubepods-burstable-" PODS ".slice:cri-containerd:" H64B, 1,
		 "ad8301db070e", SINSP_CT_CONTAINERD, NULL},
		/* kubelet with the cgroupfs driver: runtime unknown -> cri */
		{"memory=/kubepods/besteffort/" POD "/" H64A, 1, "3ad7b26ded6d", SINSP_CT_CRI, NULL},
		{"memory=/kubepods/" POD "/" H64A, 1, "3ad7b26ded6d", SINSP_CT_CRI, NULL},
		{"0::/kubepods.slice/kubepods-" PODS ".slice/" H64A, 1, "3ad7b26ded6d", SINSP_CT_CRI, NULL},
		/* k3d / kind: kubepods inside a docker container */
		{"0::/docker/" H64B "/kubepods/burstable/" POD "/" H64A, 1, "3ad7b26ded6d", SINSP_CT_CRI, NULL},
		/* cri-o */
		{"0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-" PODS ".slice/crio-" H64A
		 ".scope",
		 1, "3ad7b26ded6d", SINSP_CT_CRIO, NULL},
		{"cpu=/kubepods/burstable/" POD "/crio-" H64B, 1, "ad8301db070e", SINSP_CT_CRIO, NULL},
		{"cpu=/crio/" H64A, 1, "3ad7b26ded6d", SINSP_CT_CRIO, NULL},
		/* podman */
		{"0::/machine.slice/libpod-" H64A ".scope", 1, "3ad7b26ded6d", SINSP_CT_PODMAN, NULL},
		{"0::/machine.slice/libpod-" H64A ".scope/container", 1, "3ad7b26ded6d", SINSP_CT_PODMAN, NULL},
		{"0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" H64B ".scope", 1,
		 "ad8301db070e", SINSP_CT_PODMAN, NULL},
		{"cpu=/libpod_parent/libpod-" H64A, 1, "3ad7b26ded6d", SINSP_CT_PODMAN, NULL},
		{"0::/user.slice/user-1000.slice/user@1000.service/user.slice/podman-4242.scope/" H64A, 1,
		 "3ad7b26ded6d", SINSP_CT_PODMAN, NULL},
		/* uppercase hex is accepted and reported as is */
		{"cpu=/docker/3AD7B26DED6D8E7B23DA7D48FE889434573036C27AE5A74837233DE441C3601E", 1,
		 "3AD7B26DED6D", SINSP_CT_DOCKER, "3AD7B26DED6D8E7B23DA7D48FE889434573036C27AE5A74837233DE441C3601E"},
		/* lxc */
		{"cpu=/lxc/web01", 1, "web01", SINSP_CT_LXC, NULL},
		{"cpu=/lxc/web01/init.scope", 1, "web01", SINSP_CT_LXC, NULL},
		{"0::/lxc.payload/db", 1, "db", SINSP_CT_LXC, NULL},
		{"0::/lxc.payload.db/system.slice/sshd.service", 1, "db", SINSP_CT_LXC, NULL},
		/* libvirt-lxc */
		{"cpu=/machine/vm1.libvirt-lxc", 1, "vm1", SINSP_CT_LIBVIRT_LXC, NULL},
		{"cpu=/machine.slice/machine-lxc\\x2d2293906\\x2dlibvirt\\x2dcontainer.scope", 1,
		 "2293906\\x2dlibvirt\\x2dcontainer", SINSP_CT_LIBVIRT_LXC, NULL},
		{"cpu=/machine.slice/machine-lxc\\x2d2293906\\x2dlibvirt\\x2dcontainer.scope/libvirt", 1,
		 "2293906\\x2dlibvirt\\x2dcontainer", SINSP_CT_LIBVIRT_LXC, NULL},
		{"cpu=/libvirt/lxc/legacy1", 1, "legacy1", SINSP_CT_LIBVIRT_LXC, NULL},
		/* bpm */
		{"cpu=/bpm-my-job.1", 1, "my-job.1", SINSP_CT_BPM, NULL},
		{"0::/system.slice/bpm-worker_2.scope", 1, "worker_2", SINSP_CT_BPM, NULL},
		/* containers made with ctr: containerd's "default" namespace only */
		{"0::/default/redis", 1, "redis", SINSP_CT_CONTAINERD, NULL},
		{"cpu=/default/mycontainer1234567", 1, "mycontainer1", SINSP_CT_CONTAINERD, "mycontainer1234567"},
		{"cpu=/default/" H64A, 1, "3ad7b26ded6d", SINSP_CT_CONTAINERD, NULL},
		{"0::/default/my-app_2.v1", 1, "my-app_2.v1", SINSP_CT_CONTAINERD, NULL},
		/* mesos: the whole task container id */
		{"cpu=/mesos/a9f41620-b165-4d24-abe0-af0af92e7b20", 1, "a9f41620-b165-4d24-abe0-af0af92e7b20",
		 SINSP_CT_MESOS, NULL},
		{"memory=/|cpu=/x/mesos/A9F41620-B165-4D24-ABE0-AF0AF92E7B20", 1, "A9F41620-B165-4D24-ABE0-AF0AF92E7B20",
		 SINSP_CT_MESOS, NULL},
		/* the engines are tried in order, each over all the items */
		{"cpu=/lxc/web01|memory=/docker/" H64A, 1, "3ad7b26ded6d", SINSP_CT_DOCKER, NULL},
		{"cpu=/docker/" H64B "|memory=/machine.slice/libpod-" H64A ".scope", 1, "3ad7b26ded6d",
		 SINSP_CT_PODMAN, NULL},
	};
	check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}
END_TEST

START_TEST(test_cgroup_host)
{
	static const struct cg_case cases[] = {
		{"cpuset=/", 0, NULL, 0, NULL},
		{"0::/init.scope", 0, NULL, 0, NULL},
		{"cpu=/user.slice|name=systemd=/user.slice/user-1000.slice/session-2.scope", 0, NULL, 0, NULL},
		{"cpu=/system.slice/docker.service|name=systemd=/system.slice/docker.service", 0, NULL, 0, NULL},
		{"0::/system.slice/containerd.service", 0, NULL, 0, NULL},
		{"0::/user.slice/user-1000.slice/user@1000.service/app.slice/app-gnome-firefox-1234.scope", 0, NULL, 0, NULL},
		{"0::/system.slice/system-getty.slice/getty@tty1.service", 0, NULL, 0, NULL},
		/* monitors of the runtimes run on the host */
		{"0::/machine.slice/libpod-conmon-" H64A ".scope", 0, NULL, 0, NULL},
		{"0::/system.slice/crio-conmon-" H64A ".scope", 0, NULL, 0, NULL},
		{"0::/lxc.monitor.web01", 0, NULL, 0, NULL},
		{"cpu=/lxc.monitor/web01", 0, NULL, 0, NULL},
		/* VMs are not containers */
		{"cpu=/machine/qemu-1-vm1.libvirt-qemu", 0, NULL, 0, NULL},
		{"0::/machine.slice/machine-qemu\\x2d1\\x2dvm1.scope/libvirt/emulator", 0, NULL, 0, NULL},
		/* systemd inside a container: upstream does not match it */
		{"0::/docker/" H64A "/init.scope", 0, NULL, 0, NULL},
		/* ids of the wrong length or not hex */
		{"cpu=/docker/3ad7b26ded6d8e7b23da7d48fe889434573036c27ae5a74837233de441c3601", 0, NULL, 0, NULL},
		{"cpu=/docker/3ad7b26ded6d8e7b23da7d48fe889434573036c27ae5a74837233de441c3601ef", 0, NULL, 0, NULL},
		{"cpu=/docker/3ad7b26ded6d8e7b23da7d48fe889434573036c27ae5a74837233de441c3601g", 0, NULL, 0, NULL},
		{"cpu=/docker-" H64A ".scope.bak", 0, NULL, 0, NULL},
		{"cpu=/docker/abc", 0, NULL, 0, NULL},
		{"cpu=/kubepods/besteffort", 0, NULL, 0, NULL},
		{"cpu=/lxc/", 0, NULL, 0, NULL},
		{"cpu=/bpm-", 0, NULL, 0, NULL},
		{"cpu=/x/bpm-a/b", 0, NULL, 0, NULL},
		/* every process of the sandbox VMs these tests run on: a memory
		 * cgroup /process_api/<32 hex> (/proc/self/cgroup there, as the
		 * proc scan and the probes give it: "controllers=path" items) */
		{"name=systemd=/|pids=/|blkio=/|freezer=/|devices=/|memory=/process_api/faea5db31d298f7ba0e6d7540869823c|"
		 "cpuset=/|cpuacct=/|cpu=/|=/",
		 0, NULL, 0, NULL},
		{"memory=/process_api/faea5db31d298f7ba0e6d7540869823c", 0, NULL, 0, NULL},
		{"0::/process_api/faea5db31d298f7ba0e6d7540869823c", 0, NULL, 0, NULL},
		/* containerd namespaces but "default", other two-level paths */
		{"cpu=/k8s.io/mycontainer1234567", 0, NULL, 0, NULL},
		{"cpu=/moby/redis", 0, NULL, 0, NULL},
		{"cpu=/k8s.io/" H64A "x", 0, NULL, 0, NULL},
		{"0::/system.slice/cron.service", 0, NULL, 0, NULL},
		{"0::/user/1000.user/c2.session", 0, NULL, 0, NULL},
		/* not a ctr container id */
		{"cpu=/default", 0, NULL, 0, NULL},
		{"cpu=/default/", 0, NULL, 0, NULL},
		{"cpu=/default/a/b", 0, NULL, 0, NULL},
		{"cpu=/default/x.scope", 0, NULL, 0, NULL},
		{"cpu=/default/x.service", 0, NULL, 0, NULL},
		{"cpu=/default/-x", 0, NULL, 0, NULL},
		{"cpu=/default/x..y", 0, NULL, 0, NULL},
		{"cpu=/default/"
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		 0, NULL, 0, NULL},
		{"cpu=/x/default/redis", 0, NULL, 0, NULL},
		/* mesos ids of the wrong length or chars; a task's sub-cgroup */
		{"cpu=/mesos/a9f41620-b165-4d24-abe0-af0af92e7b2", 0, NULL, 0, NULL},
		{"cpu=/mesos/a9f41620-b165-4d24-abe0-af0af92e7b20/x", 0, NULL, 0, NULL},
		{"cpu=/mesos/g9f41620-b165-4d24-abe0-af0af92e7b20", 0, NULL, 0, NULL},
		/* no path at all */
		{"cpu=docker-" H64A ".scope", 0, NULL, 0, NULL},
		{"", 0, NULL, 0, NULL},
		{"|||", 0, NULL, 0, NULL},
		{"=", 0, NULL, 0, NULL},
	};
	check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}
END_TEST

START_TEST(test_cgroup_buffers)
{
	static const char cgs[] = "cpu=/docker/" H64A; /* no final NUL passed */
	char id[SINSP_CONTAINER_ID_MAX];
	char small[5];
	int type = -1;

	/* the last NUL may be missing */
	ck_assert_int_eq(sinsp_container_id_from_cgroups(cgs, sizeof(cgs) - 1, id, sizeof(id), &type), 1);
	ck_assert_str_eq(id, "3ad7b26ded6d");
	/* a length cut in the id: no match, and nothing read past len */
	for (size_t l = 0; l < sizeof(cgs) - 1; l++) {
		char *b = malloc(l ? l : 1);
		ck_assert_ptr_nonnull(b);
		memcpy(b, cgs, l);
		ck_assert_int_eq(sinsp_container_id_from_cgroups(b, l, id, sizeof(id), &type), 0);
		ck_assert_int_eq(type, SINSP_CT_HOST);
		free(b);
	}
	/* small id buffers: cut and terminated */
	ck_assert_int_eq(sinsp_container_id_from_cgroups(cgs, sizeof(cgs), small, sizeof(small), &type), 1);
	ck_assert_str_eq(small, "3ad7");
	ck_assert_int_eq(sinsp_container_id_from_cgroups(cgs, sizeof(cgs), small, 1, NULL), 1);
	ck_assert_str_eq(small, "");
	ck_assert_int_eq(sinsp_container_id_from_cgroups(cgs, sizeof(cgs), NULL, 0, &type), 1);
	ck_assert_int_eq(type, SINSP_CT_DOCKER);
	ck_assert_int_eq(sinsp_container_id_from_cgroups(NULL, 0, id, sizeof(id), &type), 0);
	ck_assert_int_eq(sinsp_container_id_from_cgroups(NULL, 100, id, sizeof(id), NULL), 0);
	ck_assert_int_eq(sinsp_container_id_from_cgroups(cgs, 0, id, sizeof(id), &type), 0);

	/* the full id: its own buffer, cut and terminated the same way */
	char full[SINSP_CONTAINER_ID_MAX];
	ck_assert_int_eq(sinsp_container_match_cgroups(cgs, sizeof(cgs) - 1, id, sizeof(id), full, sizeof(full), &type),
			 1);
	ck_assert_str_eq(id, "3ad7b26ded6d");
	ck_assert_str_eq(full, H64A);
	ck_assert_int_eq(sinsp_container_match_cgroups(cgs, sizeof(cgs) - 1, NULL, 0, small, sizeof(small), NULL), 1);
	ck_assert_str_eq(small, "3ad7");
	ck_assert_int_eq(sinsp_container_match_cgroups(cgs, sizeof(cgs) - 1, id, sizeof(id), NULL, 0, &type), 1);
	ck_assert_str_eq(id, "3ad7b26ded6d");
	memset(full, 'X', sizeof(full));
	ck_assert_int_eq(sinsp_container_match_cgroups("cpu=/", 5, id, sizeof(id), full, sizeof(full), &type), 0);
	ck_assert_str_eq(full, "");
	ck_assert_int_eq(sinsp_container_match_cgroups(NULL, 0, NULL, 0, NULL, 0, NULL), 0);
}
END_TEST

/* Every result is 0 or 1 with a terminated id of at most 64 chars and a
 * known type. */
static void check_sane(const char *buf, size_t len)
{
	char id[SINSP_CONTAINER_ID_MAX + 8], full[SINSP_CONTAINER_ID_MAX + 8];
	int type = -1;

	memset(id, 'X', sizeof(id));
	memset(full, 'X', sizeof(full));
	int r = sinsp_container_match_cgroups(buf, len, id, SINSP_CONTAINER_ID_MAX, full, SINSP_CONTAINER_ID_MAX, &type);
	ck_assert(r == 0 || r == 1);
	ck_assert(memchr(id, '\0', SINSP_CONTAINER_ID_MAX) != NULL);
	ck_assert(memchr(full, '\0', SINSP_CONTAINER_ID_MAX) != NULL);
	ck_assert_uint_le(strlen(id), 64);
	ck_assert_uint_le(strlen(full), 64);
	/* the id is the full id or its first 12 chars */
	ck_assert(strncmp(full, id, strlen(id)) == 0);
	ck_assert(strlen(id) == strlen(full) || strlen(id) == SINSP_CONTAINER_SHORT_ID_LEN);
	ck_assert_ptr_nonnull(sinsp_container_type_name((uint32_t)type));
	if (r == 0) {
		ck_assert_str_eq(id, "");
		ck_assert_int_eq(type, SINSP_CT_HOST);
	} else {
		ck_assert_uint_gt(strlen(id), 0);
		ck_assert_int_ne(type, SINSP_CT_HOST);
	}
}

START_TEST(test_cgroup_fuzz)
{
	static const char *const seeds[] = {
		"cpu=/docker/" H64A,
		"0::/system.slice/docker-" H64A ".scope",
		"0::/machine.slice/libpod-" H64A ".scope/container",
		"cpu=/system.slice/containerd.service/kubepods-burstable-" PODS ".slice:cri-containerd:" H64B,
		"cpu=/machine.slice/machine-lxc\\x2d2293906\\x2dlibvirt\\x2dcontainer.scope/libvirt",
		"cpu=/lxc.payload.db/x",
		"0::/bpm-job.scope",
		"0::/default/redis",
		"cpu=/mesos/a9f41620-b165-4d24-abe0-af0af92e7b20",
		"memory=/process_api/faea5db31d298f7ba0e6d7540869823c",
		"cpu=/user.slice/user-1000.slice/user@1000.service/user.slice/podman-4242.scope/" H64A,
	};
	static const char alphabet[] = "/=-.:_\\x0123456789abcdefABCDEFlibpodockercrimntsyemsvuk\0";
	uint64_t s = 0x9E3779B97F4A7C15ull;
	char buf[512];

	for (int iter = 0; iter < 100000; iter++) {
		size_t len;
		if (iter % 2 == 0) {
			/* mutate a seed */
			const char *sd = seeds[rnd(&s) % (sizeof(seeds) / sizeof(seeds[0]))];
			len = strlen(sd);
			memcpy(buf, sd, len);
			int muts = 1 + (int)(rnd(&s) % 4);
			for (int k = 0; k < muts && len > 0; k++) {
				size_t at = rnd(&s) % len;
				switch (rnd(&s) % 4) {
				case 0:
					buf[at] = alphabet[rnd(&s) % (sizeof(alphabet) - 1)];
					break;
				case 1: /* cut */
					len = at;
					break;
				case 2: /* duplicate a tail */
					if (len + (len - at) <= sizeof(buf)) {
						memmove(buf + len, buf + at, len - at);
						len += len - at;
					}
					break;
				default:
					buf[at] = (char)rnd(&s);
					break;
				}
			}
		} else {
			/* random bytes over a small alphabet */
			len = rnd(&s) % 200;
			for (size_t k = 0; k < len; k++)
				buf[k] = alphabet[rnd(&s) % (sizeof(alphabet) - 1)];
		}
		/* exact-size heap copy so ASan sees any read past len */
		char *h = malloc(len ? len : 1);
		ck_assert_ptr_nonnull(h);
		memcpy(h, buf, len);
		check_sane(h, len);
		free(h);
	}
}
END_TEST

START_TEST(test_type_names)
{
	static const struct {
		uint32_t t;
		const char *name;
	} names[] = {
		{SINSP_CT_DOCKER, "docker"}, {SINSP_CT_LXC, "lxc"},          {SINSP_CT_LIBVIRT_LXC, "libvirt-lxc"},
		{SINSP_CT_MESOS, "mesos"},   {SINSP_CT_RKT, "rkt"},          {SINSP_CT_CUSTOM, "custom"},
		{SINSP_CT_CRI, "cri"},       {SINSP_CT_CONTAINERD, "containerd"}, {SINSP_CT_CRIO, "cri-o"},
		{SINSP_CT_BPM, "bpm"},       {SINSP_CT_STATIC, "static"},    {SINSP_CT_PODMAN, "podman"},
		{SINSP_CT_HOST, "host"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_str_eq(sinsp_container_type_name(names[i].t), names[i].name);
	ck_assert_ptr_null(sinsp_container_type_name(SINSP_CT_UNKNOWN));
	ck_assert_ptr_null(sinsp_container_type_name(12));
	ck_assert_ptr_null(sinsp_container_type_name(UINT32_MAX));
}
END_TEST

/* ---- threads of the shared captures ------------------------------------ */

static const char *const captures[] = {
	"falco_connect_localhost.scap", "falco_open-multiple-files.scap", "falco_privileged.scap",
	"falco_test_empty.scap",        "libs_curl_google.scap",          "libs_sample.scap",
	"libs_single_ipv6_conn.scap",
};

static scap_t *open_capture(const char *dir, const char *name)
{
	char path[4096];
	char errbuf[SCAP_ERRBUF_SIZE];
	struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;

	snprintf(path, sizeof(path), "%s/captures/%s", dir, name);
	o.filename = path;
	scap_t *h = scap_open(&o, errbuf);
	ck_assert_msg(h != NULL, "%s: %s", path, errbuf);
	return h;
}

/* Expected docker id: an item ending with /docker/<64 hex>, checked here
 * without the module's code. */
static int expected_docker(const char *cg, size_t len, char *id)
{
	size_t pos = 0;

	while (pos < len) {
		const char *item = cg + pos;
		size_t il = strnlen(item, len - pos);
		pos += il + 1;
		if (il < 72 || memcmp(item + il - 72, "/docker/", 8) != 0)
			continue;
		bool hex = true;
		for (size_t k = il - 64; k < il; k++)
			hex = hex && strchr("0123456789abcdef", item[k]) != NULL && item[k] != '\0';
		if (hex) {
			memcpy(id, item + il - 64, 12);
			id[12] = '\0';
			return 1;
		}
	}
	return 0;
}

START_TEST(test_capture_threads)
{
	const char *dir = tu_shared_dir("container: capture threads");
	size_t total = 0, in_docker = 0;

	if (!dir)
		return;
	for (size_t f = 0; f < sizeof(captures) / sizeof(captures[0]); f++) {
		scap_t *h = open_capture(dir, captures[f]);
		const scap_evt_t *e;
		size_t docker_here = 0;

		(void)scap_next(h, &e); /* the process list is read with the first block */
		for (size_t i = 0; i < scap_proc_count(h); i++) {
			const scap_tinfo_t *t = scap_proc_at(h, i);
			size_t len = 0;
			const char *cgs = scap_tinfo_str(t, SCAP_TI_CGROUPS, &len);
			char id[SINSP_CONTAINER_ID_MAX], want[16];
			int type;
			int r = sinsp_container_id_from_cgroups(cgs, cgs ? len : 0, id, sizeof(id), &type);
			int w = cgs ? expected_docker(cgs, len, want) : 0;
			ck_assert_msg(r == w, "%s tid %lld: got %d want %d", captures[f],
				      (long long)scap_tinfo_int(t, SCAP_TI_TID), r, w);
			if (r) {
				ck_assert_str_eq(id, want);
				ck_assert_int_eq(type, SINSP_CT_DOCKER);
				docker_here++;
			}
			total++;
		}
		if (strcmp(captures[f], "falco_test_empty.scap") == 0 ||
		    strcmp(captures[f], "falco_open-multiple-files.scap") == 0)
			ck_assert_msg(docker_here > 0, "%s: no thread in a container", captures[f]);
		in_docker += docker_here;
		scap_close(h);
	}
	ck_assert_uint_gt(total, 500);
	ck_assert_uint_ge(in_docker, 12);
}
END_TEST

/* ---- JSON of the shared captures ---------------------------------------- */

/* Feed every container event of a capture to the table; returns how many. */
static int load_container_events(const char *dir, const char *name, struct sinsp_containers *t)
{
	scap_t *h = open_capture(dir, name);
	const scap_evt_t *e;
	int n = 0;

	while (scap_next(h, &e) == SCAP_OK) {
		uint16_t ty = scap_evt_type(e);
		const void *data;
		uint32_t len;
		char err[256];

		if (ty == 272 || ty == 324) {
			ck_assert_int_eq(scap_evt_param(e, 0, &data, &len), SCAP_OK);
			int r = sinsp_containers_add_json(t, data, len, err, sizeof(err));
			ck_assert_msg(r == 0, "%s: %s", name, err);
			n++;
		} else if (ty == 228) {
			const void *id, *nm, *img;
			uint32_t il, nl, iml, ctype = 0;
			ck_assert_int_eq(scap_evt_param(e, 0, &id, &il), SCAP_OK);
			ck_assert_int_eq(scap_evt_param_u32(e, 1, &ctype), SCAP_OK);
			ck_assert_int_eq(scap_evt_param(e, 2, &nm, &nl), SCAP_OK);
			ck_assert_int_eq(scap_evt_param(e, 3, &img, &iml), SCAP_OK);
			ck_assert_int_eq(sinsp_containers_add_basic(t, id, ctype, nm, img), 0);
			n++;
		}
	}
	scap_close(h);
	return n;
}

/* Every thread of the capture in a container has its metadata in t;
 * returns how many threads are in a container. */
static size_t threads_with_metadata(const char *dir, const char *name, const struct sinsp_containers *t)
{
	scap_t *h = open_capture(dir, name);
	const scap_evt_t *e;
	size_t found = 0;

	(void)scap_next(h, &e);
	for (size_t i = 0; i < scap_proc_count(h); i++) {
		size_t len = 0;
		const char *cgs = scap_tinfo_str(scap_proc_at(h, i), SCAP_TI_CGROUPS, &len);
		char id[SINSP_CONTAINER_ID_MAX];
		if (cgs && sinsp_container_id_from_cgroups(cgs, len, id, sizeof(id), NULL)) {
			ck_assert_msg(sinsp_containers_find(t, id) != NULL, "%s: no metadata for %s", name, id);
			found++;
		}
	}
	scap_close(h);
	return found;
}

START_TEST(test_json_privileged_capture)
{
	const char *dir = tu_shared_dir("container: falco_privileged.scap");
	struct sinsp_containers *t;
	const struct sinsp_container *c;
	const char *k, *v;

	if (!dir)
		return;
	t = sinsp_containers_new();
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(load_container_events(dir, "falco_privileged.scap", t), 1);
	ck_assert_uint_eq(sinsp_containers_count(t), 1);
	c = sinsp_containers_find(t, "9dbcbd0c435f");
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(sinsp_container_id(c), "9dbcbd0c435f");
	ck_assert_uint_eq(sinsp_container_type(c), SINSP_CT_DOCKER);
	ck_assert_str_eq(sinsp_container_type_str(c), "docker");
	ck_assert_str_eq(sinsp_container_name(c), "epic_cray");
	ck_assert_str_eq(sinsp_container_image(c), "nginx:latest");
	ck_assert_str_eq(sinsp_container_image_repo(c), "nginx");
	ck_assert_str_eq(sinsp_container_image_tag(c), "latest");
	ck_assert_str_eq(sinsp_container_image_digest(c),
			 "sha256:96fb261b66270b900ea5a2c17a26abbfabe95506e73c3a3c65869a6dbe83223a");
	ck_assert_str_eq(sinsp_container_image_id(c),
			 "f68d6e55e06520f152403e6d96d0de5c9790a89b4cfc99f4626f68146fa1dbdc");
	ck_assert_str_eq(sinsp_container_ip(c), "172.17.0.2");
	ck_assert_ptr_null(sinsp_container_full_id(c));
	ck_assert_int_eq(sinsp_container_privileged(c), 1);
	ck_assert_str_eq(sinsp_container_mounts(c), "");
	ck_assert_uint_eq(sinsp_container_mount_count(c), 0);
	ck_assert_uint_eq(sinsp_container_label_count(c), 1);
	ck_assert_int_eq(sinsp_container_label_get(c, 0, &k, &v), 0);
	ck_assert_str_eq(k, "maintainer");
	ck_assert_str_eq(v, "NGINX Docker Maintainers <docker-maint@nginx.com>");
	ck_assert_str_eq(sinsp_container_label(c, "maintainer"), "NGINX Docker Maintainers <docker-maint@nginx.com>");
	ck_assert_ptr_null(sinsp_container_k8s_pod_name(c));
	ck_assert_ptr_null(sinsp_container_k8s_ns_name(c));
	ck_assert_ptr_null(sinsp_containers_find(t, "host"));
	/* the container event has tid -1 and none of the capture's threads is
	 * in a container */
	ck_assert_uint_eq(threads_with_metadata(dir, "falco_privileged.scap", t), 0);
	sinsp_containers_free(t);
}
END_TEST

START_TEST(test_json_test_empty_capture)
{
	const char *dir = tu_shared_dir("container: falco_test_empty.scap");
	struct sinsp_containers *t;
	const struct sinsp_container *c;

	if (!dir)
		return;
	t = sinsp_containers_new();
	ck_assert_ptr_nonnull(t);
	/* three events, the last two for the same container */
	ck_assert_int_eq(load_container_events(dir, "falco_test_empty.scap", t), 3);
	ck_assert_uint_eq(sinsp_containers_count(t), 2);

	c = sinsp_containers_find(t, "ad8301db070e");
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(sinsp_container_type_str(c), "docker");
	ck_assert_str_eq(sinsp_container_name(c), "mitm_nginx");
	ck_assert_str_eq(sinsp_container_image(c), "nginx:latest");
	/* no imagerepo/imagetag in these payloads: nothing derived, as upstream */
	ck_assert_ptr_null(sinsp_container_image_repo(c));
	ck_assert_ptr_null(sinsp_container_image_tag(c));
	ck_assert_ptr_null(sinsp_container_image_digest(c));
	/* no "privileged": upstream's false default for docker */
	ck_assert_int_eq(sinsp_container_privileged(c), 0);
	ck_assert_str_eq(sinsp_container_mounts(c), "");
	ck_assert_uint_eq(sinsp_container_label_count(c), 0);

	c = sinsp_containers_find(t, "c644607f2c4e");
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(sinsp_container_name(c), "attacker_botnet_master");
	ck_assert_str_eq(sinsp_container_image(c), "alpine:latest");

	ck_assert_uint_gt(threads_with_metadata(dir, "falco_test_empty.scap", t), 0);
	sinsp_containers_free(t);
}
END_TEST

START_TEST(test_json_open_multiple_files_capture)
{
	const char *dir = tu_shared_dir("container: falco_open-multiple-files.scap");
	struct sinsp_containers *t;
	const struct sinsp_container *c;

	if (!dir)
		return;
	t = sinsp_containers_new();
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(load_container_events(dir, "falco_open-multiple-files.scap", t), 3);
	ck_assert_uint_eq(sinsp_containers_count(t), 2);
	c = sinsp_containers_find(t, "5ea733068030");
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(sinsp_container_name(c), "falco");
	ck_assert_str_eq(sinsp_container_image(c), "sysdig/falco:latest");
	ck_assert_str_eq(sinsp_container_ip(c), "172.17.0.3");
	ck_assert_str_eq(sinsp_container_type_str(c), "docker");
	c = sinsp_containers_find(t, "ad64969c62e5");
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(sinsp_container_name(c), "express_server");
	ck_assert_str_eq(sinsp_container_image(c), "node:latest");
	ck_assert_str_eq(sinsp_container_ip(c), "172.17.0.2");
	ck_assert_uint_eq(threads_with_metadata(dir, "falco_open-multiple-files.scap", t), 8);
	sinsp_containers_free(t);
}
END_TEST

/* ---- JSON: mounts, labels, types ---------------------------------------- */

static const char k8s_json[] =
	"{\"container\":{\"Mounts\":["
	"{\"Destination\":\"/host/var/run/docker.sock\",\"Mode\":\"\",\"Propagation\":\"rprivate\",\"RW\":true,"
	"\"Source\":\"/var/run/docker.sock\"},"
	"{\"Source\":\"/dev\",\"Destination\":\"/host/dev\",\"Mode\":\"ro\",\"RW\":false,\"Propagation\":\"rslave\"},"
	"{\"RW\":1,\"Source\":5,\"Extra\":[1,{\"a\":[]}]},"
	"7,"
	"{\"Source\":\"/a\\/b\",\"Destination\":\"/c\",\"RW\":true}"
	"],"
	"\"User\":\"\",\"cni_json\":\"\",\"env\":[\"A=1\"],"
	"\"full_id\":\"" H64A "\","
	"\"id\":\"3ad7b26ded6d\",\"image\":\"registry.k8s.io/pause:3.9\","
	"\"imagerepo\":\"registry.k8s.io/pause\",\"imagetag\":\"3.9\",\"is_pod_sandbox\":false,"
	"\"labels\":{\"io.kubernetes.pod.name\":\"nginx-7c5ddbdf54-abcde\","
	"\"io.kubernetes.pod.namespace\":\"default\","
	"\"io.kubernetes.pod.uid\":\"3e41dc6b-08a8-44db-bc2a-3724b18ab19a\","
	"\"a\":\"1\",\"num\":42,\"nul\":null,\"obj\":{\"x\":1},\"arr\":[1],"
	"\"esc\":\"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\\\ \\u0000 \\udc00\",\"a\":\"2\"},"
	"\"pod_sandbox_labels\":null,\"port_mappings\":[],"
	"\"name\":\"k8s_nginx_nginx-7c5ddbdf54-abcde_default_3e41dc6b\",\"type\":7}}\n";

START_TEST(test_json_mounts_labels)
{
	struct sinsp_containers *t = sinsp_containers_new();
	const struct sinsp_container *c;
	char err[256];
	const char *src, *dst, *mode, *prop, *k, *v;
	bool rw;

	ck_assert_ptr_nonnull(t);
	/* with the terminating NUL of the event parameter */
	ck_assert_msg(sinsp_containers_add_json(t, k8s_json, sizeof(k8s_json), err, sizeof(err)) == 0, "%s", err);
	c = sinsp_containers_find(t, "3ad7b26ded6d");
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(sinsp_container_type_str(c), "containerd");
	ck_assert_str_eq(sinsp_container_full_id(c), H64A);
	ck_assert_str_eq(sinsp_container_image_repo(c), "registry.k8s.io/pause");
	ck_assert_str_eq(sinsp_container_image_tag(c), "3.9");
	ck_assert_ptr_null(sinsp_container_image_digest(c));
	ck_assert_int_eq(sinsp_container_privileged(c), 0);

	/* non-object items are skipped; non-string fields are "", RW only as
	 * a boolean */
	ck_assert_uint_eq(sinsp_container_mount_count(c), 4);
	ck_assert_str_eq(sinsp_container_mounts(c),
			 "/var/run/docker.sock:/host/var/run/docker.sock::true:rprivate,"
			 "/dev:/host/dev:ro:false:rslave,"
			 ":::false:,"
			 "/a/b:/c::true:");
	ck_assert_int_eq(sinsp_container_mount_get(c, 1, &src, &dst, &mode, &rw, &prop), 0);
	ck_assert_str_eq(src, "/dev");
	ck_assert_str_eq(dst, "/host/dev");
	ck_assert_str_eq(mode, "ro");
	ck_assert(!rw);
	ck_assert_str_eq(prop, "rslave");
	ck_assert_int_eq(sinsp_container_mount_get(c, 4, &src, NULL, NULL, NULL, NULL), -1);

	ck_assert_str_eq(sinsp_container_k8s_pod_name(c), "nginx-7c5ddbdf54-abcde");
	ck_assert_str_eq(sinsp_container_k8s_ns_name(c), "default");
	ck_assert_str_eq(sinsp_container_k8s_pod_uid(c), "3e41dc6b-08a8-44db-bc2a-3724b18ab19a");
	/* later duplicate wins; scalars as text; null is ""; objects and
	 * arrays are dropped */
	ck_assert_str_eq(sinsp_container_label(c, "a"), "2");
	ck_assert_str_eq(sinsp_container_label(c, "num"), "42");
	ck_assert_str_eq(sinsp_container_label(c, "nul"), "");
	ck_assert_ptr_null(sinsp_container_label(c, "obj"));
	ck_assert_ptr_null(sinsp_container_label(c, "arr"));
	ck_assert_ptr_null(sinsp_container_label(c, "missing"));
	ck_assert_str_eq(sinsp_container_label(c, "esc"),
			 "caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\" \\ \xef\xbf\xbd \xef\xbf\xbd");
	ck_assert_uint_eq(sinsp_container_label_count(c), 7);
	/* sorted by key, as upstream's std::map */
	ck_assert_int_eq(sinsp_container_label_get(c, 0, &k, &v), 0);
	ck_assert_str_eq(k, "a");
	ck_assert_int_eq(sinsp_container_label_get(c, 2, &k, &v), 0);
	ck_assert_str_eq(k, "io.kubernetes.pod.name");
	ck_assert_int_eq(sinsp_container_label_get(c, 7, &k, &v), -1);
	sinsp_containers_free(t);
}
END_TEST

static const struct sinsp_container *add_one(struct sinsp_containers *t, const char *json, const char *id)
{
	char err[256];
	int r = sinsp_containers_add_json(t, json, strlen(json), err, sizeof(err));

	ck_assert_msg(r == 0, "%s: %s", json, err);
	return sinsp_containers_find(t, id);
}

START_TEST(test_json_fields)
{
	struct sinsp_containers *t = sinsp_containers_new();
	const struct sinsp_container *c;

	ck_assert_ptr_nonnull(t);
	/* privileged known for the docker-compatible types only (podman
	 * included), as upstream */
	c = add_one(t, "{\"container\":{\"id\":\"a1\",\"type\":1}}", "a1");
	ck_assert_str_eq(sinsp_container_type_str(c), "lxc");
	ck_assert_int_eq(sinsp_container_privileged(c), -1);
	ck_assert_ptr_null(sinsp_container_name(c));
	ck_assert_ptr_null(sinsp_container_image(c));
	c = add_one(t, "{\"container\":{\"id\":\"a2\",\"type\":11,\"privileged\":true}}", "a2");
	ck_assert_str_eq(sinsp_container_type_str(c), "podman");
	ck_assert_int_eq(sinsp_container_privileged(c), 1);
	c = add_one(t, "{\"container\":{\"id\":\"a3\",\"type\":8,\"privileged\":null}}", "a3");
	ck_assert_str_eq(sinsp_container_type_str(c), "cri-o");
	ck_assert_int_eq(sinsp_container_privileged(c), 0);
	c = add_one(t, "{\"container\":{\"id\":\"a4\",\"type\":1,\"privileged\":1}}", "a4");
	ck_assert_int_eq(sinsp_container_privileged(c), -1);
	c = add_one(t, "{\"container\":{\"id\":\"a4\",\"type\":0,\"privileged\":0}}", "a4");
	ck_assert_int_eq(sinsp_container_privileged(c), 0);
	/* unknown / bad types */
	c = add_one(t, "{\"container\":{\"id\":\"a5\",\"type\":99}}", "a5");
	ck_assert_uint_eq(sinsp_container_type(c), 99);
	ck_assert_ptr_null(sinsp_container_type_str(c));
	c = add_one(t, "{\"container\":{\"id\":\"a6\",\"type\":\"docker\"}}", "a6");
	ck_assert_uint_eq(sinsp_container_type(c), SINSP_CT_UNKNOWN);
	c = add_one(t, "{\"container\":{\"id\":\"a7\",\"type\":-1}}", "a7");
	ck_assert_uint_eq(sinsp_container_type(c), SINSP_CT_UNKNOWN);
	c = add_one(t, "{\"container\":{\"id\":\"a8\",\"type\":4294967296}}", "a8");
	ck_assert_uint_eq(sinsp_container_type(c), SINSP_CT_UNKNOWN);
	c = add_one(t, "{\"container\":{\"id\":\"a9\"}}", "a9");
	ck_assert_uint_eq(sinsp_container_type(c), SINSP_CT_UNKNOWN);
	/* escaped keys, numeric ids, duplicate keys (last wins) */
	c = add_one(t, "{\"container\":{\"i\\u0064\":\"b1\",\"name\":\"x\",\"name\":\"y\"}}", "b1");
	ck_assert_str_eq(sinsp_container_name(c), "y");
	c = add_one(t, "{\"container\":{\"id\":12345}}", "12345");
	ck_assert_ptr_nonnull(c);
	c = add_one(t, "{\"other\":1,\"container\":{\"id\":\"zz\"},\"container\":{\"id\":\"b2\"}}", "b2");
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_null(sinsp_containers_find(t, "zz"));
	/* Mounts / labels of the wrong kind are ignored */
	c = add_one(t, "{\"container\":{\"id\":\"b3\",\"Mounts\":{},\"labels\":[\"a\"]}}", "b3");
	ck_assert_str_eq(sinsp_container_mounts(c), "");
	ck_assert_uint_eq(sinsp_container_label_count(c), 0);
	/* blanks around */
	c = add_one(t, " \r\n\t{\"container\":{\"id\":\"b4\"}} \n", "b4");
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(sinsp_containers_count(t), 14);
	ck_assert_ptr_null(sinsp_containers_find(t, NULL));
	ck_assert_ptr_null(sinsp_containers_find(NULL, "b4"));
	sinsp_containers_free(t);
}
END_TEST

START_TEST(test_replace_and_basic)
{
	struct sinsp_containers *t = sinsp_containers_new();
	const struct sinsp_container *c;

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(sinsp_containers_add_basic(t, "ad8301db070e", SINSP_CT_DOCKER, "mitm_nginx", "nginx:latest"),
			 0);
	c = sinsp_containers_find(t, "ad8301db070e");
	ck_assert_str_eq(sinsp_container_name(c), "mitm_nginx");
	ck_assert_str_eq(sinsp_container_image(c), "nginx:latest");
	ck_assert_str_eq(sinsp_container_mounts(c), "");
	ck_assert_int_eq(sinsp_container_privileged(c), 0);
	ck_assert_ptr_null(sinsp_container_image_repo(c));

	/* a later event replaces the whole entry */
	c = add_one(t,
		    "{\"container\":{\"id\":\"ad8301db070e\",\"type\":0,\"name\":\"renamed\",\"privileged\":true,"
		    "\"labels\":{\"k\":\"v\"}}}",
		    "ad8301db070e");
	ck_assert_str_eq(sinsp_container_name(c), "renamed");
	ck_assert_ptr_null(sinsp_container_image(c));
	ck_assert_int_eq(sinsp_container_privileged(c), 1);
	ck_assert_uint_eq(sinsp_containers_count(t), 1);
	ck_assert_ptr_eq(sinsp_containers_last(t), c);
	/* the same text again (a capture repeats its container events): the
	 * entry stays as it is, and is the last one stored */
	static const char again[] = "{\"container\":{\"id\":\"ad8301db070e\",\"type\":0,\"name\":\"renamed\","
				    "\"privileged\":true,\"labels\":{\"k\":\"v\"}}}";
	size_t bytes = sinsp_containers_bytes(t);
	ck_assert_int_eq(add_one(t, "{\"container\":{\"id\":\"0123456789ab\",\"type\":0}}", "0123456789ab") != NULL, 1);
	ck_assert_ptr_ne(sinsp_containers_last(t), c);
	ck_assert_int_eq(sinsp_containers_add_json(t, again, sizeof(again), NULL, 0), 0);
	ck_assert_ptr_eq(sinsp_containers_last(t), c);
	ck_assert_ptr_eq(sinsp_containers_find(t, "ad8301db070e"), c);
	ck_assert_uint_gt(sinsp_containers_bytes(t), bytes);
	ck_assert_int_eq(sinsp_containers_remove(t, "0123456789ab"), 1);
	ck_assert_uint_eq(sinsp_containers_bytes(t), bytes);
	ck_assert_uint_eq(sinsp_containers_count(t), 1);
	ck_assert_int_eq(sinsp_containers_add_basic(t, "ad8301db070e", SINSP_CT_LXC, NULL, NULL), 0);
	c = sinsp_containers_find(t, "ad8301db070e");
	ck_assert_str_eq(sinsp_container_id(c), "ad8301db070e");
	ck_assert_ptr_null(sinsp_container_name(c));
	ck_assert_uint_eq(sinsp_container_label_count(c), 0);
	ck_assert_int_eq(sinsp_container_privileged(c), -1);
	ck_assert_uint_eq(sinsp_containers_count(t), 1);

	ck_assert_int_eq(sinsp_containers_add_basic(t, "", 0, "a", "b"), -1);
	ck_assert_int_eq(sinsp_containers_add_basic(t, NULL, 0, "a", "b"), -1);
	ck_assert_int_eq(sinsp_containers_add_basic(NULL, "x", 0, "a", "b"), -1);
	char *big = malloc(SINSP_CONTAINER_STR_MAX + 2);
	ck_assert_ptr_nonnull(big);
	memset(big, 'a', SINSP_CONTAINER_STR_MAX + 1);
	big[SINSP_CONTAINER_STR_MAX + 1] = '\0';
	ck_assert_int_eq(sinsp_containers_add_basic(t, "x", 0, big, NULL), -1);
	ck_assert_int_eq(sinsp_containers_add_basic(t, big, 0, NULL, NULL), -1);
	free(big);
	ck_assert_uint_eq(sinsp_containers_count(t), 1);

	ck_assert_int_eq(sinsp_containers_remove(t, "ad8301db070e"), 1);
	ck_assert_int_eq(sinsp_containers_remove(t, "ad8301db070e"), 0);
	ck_assert_uint_eq(sinsp_containers_count(t), 0);

	/* NULL-safe accessors */
	ck_assert_ptr_null(sinsp_container_id(NULL));
	ck_assert_ptr_null(sinsp_container_mounts(NULL));
	ck_assert_ptr_null(sinsp_container_label(NULL, "a"));
	ck_assert_int_eq(sinsp_container_privileged(NULL), -1);
	ck_assert_uint_eq(sinsp_container_type(NULL), SINSP_CT_UNKNOWN);
	ck_assert_uint_eq(sinsp_containers_count(NULL), 0);
	sinsp_containers_free(t);
	sinsp_containers_free(NULL);
}
END_TEST

/* ---- JSON: bad input ---------------------------------------------------- */

START_TEST(test_json_malformed)
{
	static const char *const bad[] = {
		"",
		"\n",
		"{",
		"}",
		"[]",
		"null",
		"\"container\"",
		"{}",
		"{\"container\":{}}",
		"{\"container\":{\"id\":\"\"}}",
		"{\"container\":{\"id\":null}}",
		"{\"container\":{\"id\":{}}}",
		"{\"container\":[]}",
		"{\"container\":\"x\"}",
		"{\"container\":{\"id\":\"x\"}} trailing",
		"{\"container\":{\"id\":\"x\"}}{}",
		"{\"container\":{\"id\":\"x\"}}}",
		"{\"container\":{\"id\":\"x\"]}",
		"{\"container\":{\"id\":\"x\\q\"}}",
		"{\"container\":{\"id\":\"x\\u12\"}}",
		"{\"container\":{\"id\":\"x\\u12g4\"}}",
		"{\"container\":{\"id\":x}}",
		"{\"container\":{\"id\":\"x\",}",
		"{\"container\":{1:\"x\"}}",
		"{\"container\":{\"id\":\"x\"},\"a\":[1,2}",
		"{'container':{'id':'x'}}",
		"\xef\xbb\xbf{\"container\":{\"id\":\"x\"}}",
	};
	struct sinsp_containers *t = sinsp_containers_new();
	char err[256];

	ck_assert_ptr_nonnull(t);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		int r = sinsp_containers_add_json(t, bad[i], strlen(bad[i]), err, sizeof(err));
		ck_assert_msg(r == -1, "accepted: %s", bad[i]);
		ck_assert_msg(strncmp(err, "container JSON: ", 16) == 0, "%s: err '%s'", bad[i], err);
	}
	/* NUL inside, NULL pointers, tiny / no error buffers */
	static const char nul[] = "{\"container\":{\"id\":\"x\0\"}}";
	ck_assert_int_eq(sinsp_containers_add_json(t, nul, sizeof(nul) - 1, err, sizeof(err)), -1);
	ck_assert_int_eq(sinsp_containers_add_json(t, NULL, 5, err, sizeof(err)), -1);
	ck_assert_int_eq(sinsp_containers_add_json(t, NULL, 0, NULL, 0), -1);
	ck_assert_int_eq(sinsp_containers_add_json(NULL, "{}", 2, err, sizeof(err)), -1);
	ck_assert_int_eq(sinsp_containers_add_json(t, "{", 1, err, 1), -1);
	ck_assert_str_eq(err, "");
	ck_assert_uint_eq(sinsp_containers_count(t), 0);
	sinsp_containers_free(t);
}
END_TEST

START_TEST(test_json_limits)
{
	struct sinsp_containers *t = sinsp_containers_new();
	char err[256];
	size_t cap = 3u << 20;
	char *b = malloc(cap);
	size_t n;

	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_nonnull(b);

	/* over 1 MiB */
	n = (size_t)snprintf(b, cap, "{\"container\":{\"id\":\"big\",\"name\":\"");
	memset(b + n, 'a', SINSP_CONTAINER_JSON_MAX);
	n += SINSP_CONTAINER_JSON_MAX;
	n += (size_t)snprintf(b + n, cap - n, "\"}}");
	ck_assert_int_eq(sinsp_containers_add_json(t, b, n, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "too big") != NULL, "%s", err);

	/* deep nesting, in an ignored field */
	n = (size_t)snprintf(b, cap, "{\"container\":{\"id\":\"deep\",\"x\":");
	for (int i = 0; i < 100000; i++)
		b[n++] = '[';
	for (int i = 0; i < 100000; i++)
		b[n++] = ']';
	n += (size_t)snprintf(b + n, cap - n, "}}");
	ck_assert_int_eq(sinsp_containers_add_json(t, b, n, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "deep") != NULL, "%s", err);
	/* brackets inside strings do not count */
	n = (size_t)snprintf(b, cap, "{\"container\":{\"id\":\"str\",\"x\":\"");
	for (int i = 0; i < 1000; i++)
		b[n++] = '[';
	n += (size_t)snprintf(b + n, cap - n, "\\\"[\"}}");
	ck_assert_msg(sinsp_containers_add_json(t, b, n, err, sizeof(err)) == 0, "%s", err);

	/* too many values */
	n = (size_t)snprintf(b, cap, "{\"container\":{\"id\":\"many\",\"x\":[");
	for (int i = 0; i < 70000; i++)
		n += (size_t)snprintf(b + n, cap - n, "%s1", i ? "," : "");
	n += (size_t)snprintf(b + n, cap - n, "]}}");
	ck_assert_int_eq(sinsp_containers_add_json(t, b, n, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "too many") != NULL, "%s", err);

	/* mounts and labels are capped */
	n = (size_t)snprintf(b, cap, "{\"container\":{\"id\":\"caps\",\"Mounts\":[");
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(b + n, cap - n, "%s{\"Source\":\"/s%d\",\"Destination\":\"/d%d\"}", i ? "," : "",
				      i, i);
	n += (size_t)snprintf(b + n, cap - n, "],\"labels\":{");
	for (int i = 0; i < 2000; i++)
		n += (size_t)snprintf(b + n, cap - n, "%s\"k%d\":\"v%d\"", i ? "," : "", i, i);
	n += (size_t)snprintf(b + n, cap - n, "}}}");
	ck_assert_msg(sinsp_containers_add_json(t, b, n, err, sizeof(err)) == 0, "%s", err);
	const struct sinsp_container *c = sinsp_containers_find(t, "caps");
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(sinsp_container_mount_count(c), SINSP_CONTAINER_MAX_MOUNTS);
	ck_assert_uint_eq(sinsp_container_label_count(c), SINSP_CONTAINER_MAX_LABELS);
	ck_assert_str_eq(sinsp_container_label(c, "k1023"), "v1023");
	ck_assert_ptr_null(sinsp_container_label(c, "k1024"));
	ck_assert(strncmp(sinsp_container_mounts(c), "/s0:/d0::false:,/s1:/d1::false:,", 32) == 0);

	ck_assert_uint_eq(sinsp_containers_count(t), 2);
	free(b);
	sinsp_containers_free(t);
}
END_TEST

START_TEST(test_table_full)
{
	struct sinsp_containers *t = sinsp_containers_new();
	char id[32], err[128];

	ck_assert_ptr_nonnull(t);
	for (unsigned i = 0; i < SINSP_CONTAINERS_MAX; i++) {
		snprintf(id, sizeof(id), "c%u", i);
		ck_assert_int_eq(sinsp_containers_add_basic(t, id, SINSP_CT_DOCKER, "n", "i"), 0);
	}
	ck_assert_uint_eq(sinsp_containers_count(t), SINSP_CONTAINERS_MAX);
	ck_assert_int_eq(sinsp_containers_add_basic(t, "one-more", SINSP_CT_DOCKER, "n", "i"), -1);
	static const char jj[] = "{\"container\":{\"id\":\"j\"}}";
	ck_assert_int_eq(sinsp_containers_add_json(t, jj, strlen(jj), err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "full") != NULL, "%s", err);
	/* replacing still works */
	ck_assert_int_eq(sinsp_containers_add_basic(t, "c7", SINSP_CT_LXC, "seven", NULL), 0);
	ck_assert_str_eq(sinsp_container_name(sinsp_containers_find(t, "c7")), "seven");
	ck_assert_str_eq(sinsp_container_name(sinsp_containers_find(t, "c65535")), "n");
	sinsp_containers_free(t);
}
END_TEST

/* Every prefix of a real payload fails (nothing added), the whole succeeds;
 * random corruptions never crash and leave a consistent table. */
START_TEST(test_json_truncate_fuzz)
{
	const char *payloads[3];
	size_t npay = 0;
	char err[256];
	const char *dir = getenv("SCAP_SHARED_DIR");
	char *priv = NULL;

	payloads[npay++] = k8s_json;
	payloads[npay++] = "{\"container\":{\"id\":\"ad8301db070e\",\"image\":\"nginx:latest\",\"name\":\"mitm_nginx\","
			   "\"type\":0}}\n";
	if (dir) {
		/* the real falco_privileged.scap payload when present */
		char path[4096];
		struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;
		char errbuf[SCAP_ERRBUF_SIZE];
		snprintf(path, sizeof(path), "%s/captures/falco_privileged.scap", dir);
		o.filename = path;
		scap_t *h = scap_open(&o, errbuf);
		const scap_evt_t *e;
		while (h && scap_next(h, &e) == SCAP_OK) {
			const void *data;
			uint32_t len;
			if (scap_evt_type(e) == 272 && scap_evt_param(e, 0, &data, &len) == SCAP_OK) {
				priv = malloc((size_t)len + 1);
				ck_assert_ptr_nonnull(priv);
				memcpy(priv, data, len);
				priv[len] = '\0';
				payloads[npay++] = priv;
				break;
			}
		}
		if (h)
			scap_close(h);
	}

	uint64_t s = 12345;
	for (size_t p = 0; p < npay; p++) {
		const char *js = payloads[p];
		size_t full = strlen(js);
		size_t body = full;
		while (body > 0 && (js[body - 1] == '\n' || js[body - 1] == ' '))
			body--;
		struct sinsp_containers *t = sinsp_containers_new();
		ck_assert_ptr_nonnull(t);
		for (size_t l = 0; l < body; l++) {
			char *b = malloc(l ? l : 1);
			ck_assert_ptr_nonnull(b);
			memcpy(b, js, l);
			int r = sinsp_containers_add_json(t, b, l, err, sizeof(err));
			ck_assert_msg(r == -1, "prefix %zu of payload %zu accepted", l, p);
			free(b);
		}
		ck_assert_uint_eq(sinsp_containers_count(t), 0);
		ck_assert_msg(sinsp_containers_add_json(t, js, full, err, sizeof(err)) == 0, "%s", err);
		ck_assert_uint_eq(sinsp_containers_count(t), 1);

		static const char junk[] = "{}[]\":,\\u0ntf1-e. \x80\xff";
		for (int it = 0; it < 20000; it++) {
			char *b = malloc(full);
			ck_assert_ptr_nonnull(b);
			memcpy(b, js, full);
			int muts = 1 + (int)(rnd(&s) % 3);
			for (int k = 0; k < muts; k++) {
				size_t at = rnd(&s) % full;
				b[at] = rnd(&s) % 4 ? junk[rnd(&s) % (sizeof(junk) - 1)] : (char)rnd(&s);
			}
			size_t l = rnd(&s) % 8 ? full : rnd(&s) % (full + 1);
			size_t before = sinsp_containers_count(t);
			int r = sinsp_containers_add_json(t, b, l, err, sizeof(err));
			if (r == 0) {
				ck_assert_uint_ge(sinsp_containers_count(t), before);
			} else {
				ck_assert_uint_eq(sinsp_containers_count(t), before);
				ck_assert(strncmp(err, "container JSON: ", 16) == 0);
			}
			free(b);
		}
		/* every entry is readable */
		ck_assert_uint_ge(sinsp_containers_count(t), 1);
		sinsp_containers_free(t);
	}
	free(priv);
}
END_TEST

/* ---- the table: limits, bytes, iteration, the JSON kept ------------------ */

START_TEST(test_table_limits_bytes)
{
	struct sinsp_containers *t = sinsp_containers_new();
	const struct sinsp_container *c;
	char err[256];
	size_t len;

	ck_assert_ptr_nonnull(t);
	size_t b0 = sinsp_containers_bytes(t);
	ck_assert_uint_gt(b0, 0);
	/* an entry holds at least its JSON text and its strings */
	ck_assert_msg(sinsp_containers_add_json(t, k8s_json, sizeof(k8s_json), err, sizeof(err)) == 0, "%s", err);
	size_t b1 = sinsp_containers_bytes(t);
	ck_assert_uint_gt(b1, b0 + strlen(k8s_json) + 2 * strlen(H64A) + 4 * 40);
	/* the JSON as it came, without the event's NUL */
	c = sinsp_containers_find(t, "3ad7b26ded6d");
	const char *js = sinsp_container_json(c, &len);
	ck_assert_uint_eq(len, strlen(k8s_json));
	ck_assert_str_eq(js, k8s_json);
	ck_assert_ptr_null(sinsp_container_json(NULL, &len));
	ck_assert_uint_eq(len, 0);
	/* replacing with the same JSON keeps the size; removing gives it back
	 * (but the iteration array, kept) */
	ck_assert_int_eq(sinsp_containers_add_json(t, k8s_json, strlen(k8s_json), err, sizeof(err)), 0);
	ck_assert_uint_eq(sinsp_containers_bytes(t), b1);
	ck_assert_int_eq(sinsp_containers_remove(t, "3ad7b26ded6d"), 1);
	ck_assert_uint_le(sinsp_containers_bytes(t), b0 + 16 * sizeof(void *));
	ck_assert_uint_ge(sinsp_containers_bytes(t), b0);

	/* count limit: new ids refused, replacements still fine */
	sinsp_containers_set_limits(t, 2, 0);
	ck_assert_int_eq(sinsp_containers_add_json(t, "{\"container\":{\"id\":\"a\"}}", 24, err, sizeof(err)), 0);
	ck_assert_int_eq(sinsp_containers_add_json(t, "{\"container\":{\"id\":\"b\"}}", 24, err, sizeof(err)), 0);
	ck_assert_int_eq(sinsp_containers_add_json(t, "{\"container\":{\"id\":\"c\"}}", 24, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "container table full: 2 containers (limit 2), container c not added");
	ck_assert_int_eq(sinsp_containers_add_basic(t, "d", SINSP_CT_DOCKER, "n", "i"), -1);
	ck_assert_int_eq(sinsp_containers_add_json(t, "{\"container\":{\"id\":\"a\",\"name\":\"A\"}}", 35, err,
						   sizeof(err)),
			 0);
	ck_assert_str_eq(sinsp_container_name(sinsp_containers_find(t, "a")), "A");
	ck_assert_uint_eq(sinsp_containers_count(t), 2);

	/* byte limit: a new entry, and a replacement, past it are refused and
	 * leave the table as it was; entries already there stay */
	size_t before = sinsp_containers_bytes(t);
	sinsp_containers_set_limits(t, 0, 1);
	ck_assert_int_eq(sinsp_containers_add_json(t, "{\"container\":{\"id\":\"e\"}}", 24, err, sizeof(err)), -1);
	ck_assert_msg(strncmp(err, "container table full: container e needs ", 40) == 0, "%s", err);
	ck_assert_msg(strstr(err, "of its limit of 1 bytes") != NULL, "%s", err);
	ck_assert_int_eq(sinsp_containers_add_json(t, "{\"container\":{\"id\":\"a\",\"name\":\"B\"}}", 35, err,
						   sizeof(err)),
			 -1);
	ck_assert_msg(strncmp(err, "container table full: replacing container a needs ", 50) == 0, "%s", err);
	ck_assert_str_eq(sinsp_container_name(sinsp_containers_find(t, "a")), "A");
	ck_assert_uint_eq(sinsp_containers_count(t), 2);
	ck_assert_uint_eq(sinsp_containers_bytes(t), before);
	/* room for exactly what is there plus one more small entry */
	sinsp_containers_set_limits(t, 0, 0);
	ck_assert_int_eq(sinsp_containers_add_json(t, "{\"container\":{\"id\":\"e\"}}", 24, err, sizeof(err)), 0);
	ck_assert_uint_eq(sinsp_containers_count(t), 3);
	sinsp_containers_set_limits(NULL, 1, 1);
	ck_assert_uint_eq(sinsp_containers_bytes(NULL), 0);
	sinsp_containers_free(t);
}
END_TEST

START_TEST(test_table_iterate)
{
	struct sinsp_containers *t = sinsp_containers_new();
	char id[32];
	bool seen[300];
	size_t cur = 0, n = 0;
	const struct sinsp_container *c;

	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_null(sinsp_containers_next(t, &cur));
	ck_assert_ptr_null(sinsp_containers_next(NULL, &cur));
	ck_assert_ptr_null(sinsp_containers_next(t, NULL));
	for (unsigned i = 0; i < 300; i++) {
		snprintf(id, sizeof(id), "c%u", i);
		ck_assert_int_eq(sinsp_containers_add_basic(t, id, SINSP_CT_DOCKER, id, "img"), 0);
	}
	/* remove the even ones, replace some odd ones */
	for (unsigned i = 0; i < 300; i += 2) {
		snprintf(id, sizeof(id), "c%u", i);
		ck_assert_int_eq(sinsp_containers_remove(t, id), 1);
	}
	for (unsigned i = 1; i < 300; i += 6) {
		snprintf(id, sizeof(id), "c%u", i);
		ck_assert_int_eq(sinsp_containers_add_basic(t, id, SINSP_CT_LXC, "again", NULL), 0);
	}
	memset(seen, 0, sizeof(seen));
	cur = 0;
	while ((c = sinsp_containers_next(t, &cur))) {
		unsigned k = (unsigned)atoi(sinsp_container_id(c) + 1);
		ck_assert_uint_lt(k, 300);
		ck_assert_msg(k % 2 == 1, "removed %s visited", sinsp_container_id(c));
		ck_assert(!seen[k]);
		seen[k] = true;
		ck_assert_ptr_eq(sinsp_containers_find(t, sinsp_container_id(c)), c);
		n++;
	}
	ck_assert_uint_eq(n, 150);
	ck_assert_uint_eq(sinsp_containers_count(t), 150);
	ck_assert_ptr_null(sinsp_containers_next(t, &cur)); /* stays at the end */
	sinsp_containers_free(t);
}
END_TEST

/* The JSON written for PPME_CONTAINER_E entries reads back the same. */
START_TEST(test_basic_json)
{
	struct sinsp_containers *t = sinsp_containers_new(), *t2 = sinsp_containers_new();
	const struct sinsp_container *c, *c2;
	char err[256];
	size_t len;

	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_nonnull(t2);
	ck_assert_int_eq(sinsp_containers_add_basic(t, "ad8301db070e", SINSP_CT_DOCKER, "mitm \"nginx\"\n\\",
						    "nginx:latest"),
			 0);
	c = sinsp_containers_find(t, "ad8301db070e");
	const char *js = sinsp_container_json(c, &len);
	ck_assert_ptr_nonnull(js);
	ck_assert_uint_eq(len, strlen(js));
	ck_assert_msg(strncmp(js, "{\"container\":{\"Mounts\":[],", 26) == 0, "%s", js);
	ck_assert_msg(strstr(js, ",\"id\":\"ad8301db070e\",") != NULL, "%s", js);
	ck_assert_msg(strstr(js, ",\"name\":\"mitm \\\"nginx\\\"\\u000a\\\\\",") != NULL, "%s", js);
	ck_assert_msg(strstr(js, ",\"type\":0}}\n") != NULL, "%s", js);
	ck_assert_msg(sinsp_containers_add_json(t2, js, len, err, sizeof(err)) == 0, "%s", err);
	c2 = sinsp_containers_find(t2, "ad8301db070e");
	ck_assert_str_eq(sinsp_container_name(c2), "mitm \"nginx\"\n\\");
	ck_assert_str_eq(sinsp_container_name(c), "mitm \"nginx\"\n\\");
	ck_assert_str_eq(sinsp_container_image(c2), "nginx:latest");
	ck_assert_uint_eq(sinsp_container_type(c2), SINSP_CT_DOCKER);
	ck_assert_int_eq(sinsp_container_privileged(c2), 0);
	ck_assert_int_eq(sinsp_container_lookup_state(c2), SINSP_CONTAINER_LOOKUP_SUCCESSFUL);
	ck_assert_uint_eq(sinsp_container_ipv4(c2), 0);
	ck_assert_ptr_null(sinsp_container_full_id(c2));
	ck_assert_ptr_null(sinsp_container_pod_sandbox_id(c2));
	ck_assert_str_eq(sinsp_container_mounts(c2), "");
	ck_assert_uint_eq(sinsp_container_label_count(c2), 0);
	ck_assert_uint_eq(sinsp_containers_bytes(t), sinsp_containers_bytes(t2));
	/* no name, no image: "" */
	ck_assert_int_eq(sinsp_containers_add_basic(t, "web01", SINSP_CT_LXC, NULL, NULL), 0);
	js = sinsp_container_json(sinsp_containers_find(t, "web01"), NULL);
	ck_assert_msg(strstr(js, "\"image\":\"\",") != NULL && strstr(js, "\"name\":\"\",") != NULL, "%s", js);
	sinsp_containers_free(t);
	sinsp_containers_free(t2);
}
END_TEST

Suite *container_suite(void)
{
	Suite *s = suite_create("container");
	TCase *tc = tcase_create("cgroups");

	tcase_set_timeout(tc, 120);

	tcase_add_test(tc, test_cgroup_runtimes);
	tcase_add_test(tc, test_cgroup_host);
	tcase_add_test(tc, test_cgroup_buffers);
	tcase_add_test(tc, test_cgroup_fuzz);
	tcase_add_test(tc, test_type_names);
	tcase_add_test(tc, test_capture_threads);
	suite_add_tcase(s, tc);

	tc = tcase_create("table");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_json_privileged_capture);
	tcase_add_test(tc, test_json_test_empty_capture);
	tcase_add_test(tc, test_json_open_multiple_files_capture);
	tcase_add_test(tc, test_json_mounts_labels);
	tcase_add_test(tc, test_json_fields);
	tcase_add_test(tc, test_replace_and_basic);
	tcase_add_test(tc, test_json_malformed);
	tcase_add_test(tc, test_json_limits);
	tcase_add_test(tc, test_table_full);
	tcase_add_test(tc, test_json_truncate_fuzz);
	tcase_add_test(tc, test_table_limits_bytes);
	tcase_add_test(tc, test_table_iterate);
	tcase_add_test(tc, test_basic_json);
	suite_add_tcase(s, tc);

	container_fields_add_tests(s);
	return s;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The project's own scenario captures (tests/captures/NAME.scap, recorded live
 * with the bpf engine by scripts/record-scenarios.sh): each is read with
 * libsinsp and the facts its scenario is about are checked with conditions,
 * e.g. "a bash with a terminal ran in container 71749b8f848a".
 *
 * The fixtures hold what the probe emitted when they were recorded. A fact
 * that needs an event or a parameter the probe did not emit then (a mount
 * event, the execve's tty or cgroups) has a precondition: when no event of
 * the fixture meets it, the fact prints a loud "SKIP: scenarios: ..." line
 * instead of failing; once the fixture is recorded again with a probe that
 * emits it, the fact is checked. Facts without a precondition always are.
 *
 * Every fixture is also checked for its size (< 64 KiB), for being one
 * process tree (each execve's parent was seen before it), and for holding
 * nothing of the recording machine: no process list, users or interfaces,
 * no environment variable but the recorder's minimal ones, no cgroup but
 * the scenario's own (/scapkit-scenario, /docker/..., /kubepods.slice/...).
 * The directory comes from $SCAP_FIXTURES_DIR (tests/captures).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sinsp.h"
#include "test_util.h"

#define MAX_FIXTURE_BYTES (64 * 1024)
#define DOCKER_ID "71749b8f848a" /* first 12 chars of the docker cgroup's id */
#define CRI_ID "c6bfc945c450"    /* ... of the cri-containerd scope's id */
#define WORK "/tmp/scapkit-scenario"

/* One fact: at least `min` events (or, with max_zero, none) match cond. */
struct fact {
	const char *fixture;
	const char *cond;
	int min;      /* matches wanted (0 with none set: any number) */
	int none;     /* 1: no event may match */
	const char *pre; /* NULL, or: checked only if an event matches this */
};

/* A precondition naming an event type: the probe emitted it. */
#define PRE_TTY "evt.type=execve and evt.rawarg.tty exists"
#define PRE_CG "evt.type=execve and evt.rawarg.cgroups exists"
#define SHELL_ARGS "proc.name=bash and proc.args contains \"-i\""

#define HAS(fx, cond, n) {fx, cond, n, 0, NULL}
#define NONE(fx, cond) {fx, cond, 0, 1, NULL}
#define HAS_IF(fx, cond, n, pre) {fx, cond, n, 0, pre}
#define NONE_IF(fx, cond, pre) {fx, cond, 0, 1, pre}

static const struct fact facts[] = {
	/* 1. a shell with a terminal in a container, and without */
	HAS("container_shell_tty", "evt.type=execve and proc.name=script", 1),
	HAS("container_shell_tty", "evt.type=execve and " SHELL_ARGS, 1),
	HAS("container_shell_tty", "evt.type=execve and proc.name=id and proc.pname=bash", 1),
	HAS("container_shell_tty", "evt.type=execve and proc.name=ls and proc.args=" WORK, 1),
	HAS_IF("container_shell_tty", "evt.type=execve and " SHELL_ARGS " and proc.tty != 0", 1, PRE_TTY),
	HAS_IF("container_shell_tty", "evt.type=execve and " SHELL_ARGS " and container.id=" DOCKER_ID
	 " and container.type=docker", 1, PRE_CG),
	NONE_IF("container_shell_tty", "evt.type=execve and container.id=host", PRE_CG),
	HAS("container_shell_notty", "evt.type=execve and " SHELL_ARGS, 1),
	NONE("container_shell_notty", "evt.type=execve and proc.name=script"),
	NONE_IF("container_shell_notty", "evt.type=execve and proc.tty != 0", PRE_TTY),
	HAS_IF("container_shell_notty", "evt.type=execve and " SHELL_ARGS " and container.id=" DOCKER_ID, 1, PRE_CG),
	/* 2. a new file below /etc opened for writing, and below /tmp */
	HAS("write_below_etc", "evt.type=openat and evt.is_open_write=true and fd.name=/etc/scapkit-scenario.conf"
	 " and evt.arg.flags contains O_CREAT and fd.directory=/etc and proc.name=sh", 1),
	HAS("write_below_etc", "evt.type=execve and proc.name=rm and proc.args contains /etc/scapkit-scenario.conf", 1),
	HAS_IF("write_below_etc", "evt.type in (unlink, unlinkat) and evt.arg.name contains /etc/scapkit-scenario.conf", 1, "evt.type in (unlink, unlinkat)"),
	HAS("write_below_tmp", "evt.is_open_write=true and fd.name=" WORK "/scapkit-scenario.conf", 1),
	NONE("write_below_tmp", "evt.is_open_write=true and fd.directory=/etc"),
	/* 3. /etc/shadow opened for reading (and no byte of it read) */
	HAS("read_shadow", "evt.type=openat and evt.is_open_read=true and fd.name=/etc/shadow and proc.name=dd", 1),
	HAS("read_shadow", "evt.type=openat and evt.is_open_read=true and fd.name=/etc/shadow"
	 " and proc.name=scapkit-peek and proc.exe=" WORK "/bin/scapkit-peek", 1),
	NONE("read_shadow", "evt.type=read and fd.name=/etc/shadow and evt.rawres > 0"),
	HAS("read_hostname", "evt.type=openat and evt.is_open_read=true and fd.name=/etc/hostname", 2),
	NONE("read_hostname", "fd.name=/etc/shadow"),
	/* 4. setuid/setgid bits set through chmod, fchmodat, fchmod; and 0644 */
	HAS("chmod_setuid", "evt.type=execve and proc.name=chmod and proc.args contains u+s", 1),
	HAS("chmod_setuid", "evt.type=execve and proc.name=chmod and proc.args contains g+s", 1),
	HAS_IF("chmod_setuid", "evt.type=fchmodat and evt.arg.mode contains S_ISUID", 1, "evt.type=fchmodat"),
	HAS_IF("chmod_setuid", "evt.type=fchmodat and evt.arg.mode contains S_ISGID", 1, "evt.type=fchmodat"),
	HAS_IF("chmod_setuid", "evt.type=chmod and evt.arg.mode contains S_ISUID and proc.name=perl", 1, "evt.type=chmod"),
	HAS_IF("chmod_setuid", "evt.type=fchmod and evt.arg.mode contains S_ISGID and proc.name=perl", 1, "evt.type=fchmod"),
	HAS("chmod_644", "evt.type=execve and proc.name=chmod and proc.args contains 644", 2),
	HAS_IF("chmod_644", "evt.type in (chmod, fchmodat, fchmod)", 4, "evt.type in (chmod, fchmodat, fchmod)"),
	NONE("chmod_644", "evt.type in (chmod, fchmodat, fchmod) and (evt.arg.mode contains S_ISUID or "
	 "evt.arg.mode contains S_ISGID)"),
	/* 5. a tmpfs mounted in a new mount namespace; from a container */
	HAS("mount_newns", "evt.type=execve and proc.name=unshare and proc.args contains -m", 1),
	HAS("mount_newns", "evt.type=execve and proc.name=mount and proc.args contains tmpfs and proc.pname=sh", 1),
	HAS("mount_newns", "evt.type=execve and proc.name=umount", 1),
	HAS_IF("mount_newns", "evt.type=unshare and evt.arg.flags contains CLONE_NEWNS and proc.name=unshare", 1, "evt.type=unshare"),
	HAS_IF("mount_newns", "evt.type=mount and evt.arg.dir=" WORK "/mnt and evt.arg.type=tmpfs", 1, "evt.type=mount"),
	HAS_IF("mount_newns", "evt.type in (umount, umount2) and evt.arg.name=" WORK "/mnt", 1, "evt.type in (umount, umount2)"),
	HAS("mount_container", "evt.type=execve and proc.name=mount and proc.args contains tmpfs", 1),
	HAS_IF("mount_container", "evt.type=execve and proc.name=mount and container.id=" DOCKER_ID, 1, PRE_CG),
	HAS_IF("mount_container", "evt.type=mount and container.id=" DOCKER_ID, 1, "evt.type=mount"),
	/* 6. unshare and setns */
	HAS("setns_unshare", "evt.type=execve and proc.name=unshare and proc.args contains -n", 1),
	HAS("setns_unshare", "evt.type=execve and proc.name=unshare and proc.args contains -u", 2),
	HAS("setns_unshare", "evt.type=execve and proc.name=nsenter and proc.args contains -t", 1),
	HAS_IF("setns_unshare", "evt.type=unshare and evt.arg.flags contains CLONE_NEWNET", 1, "evt.type=unshare"),
	HAS_IF("setns_unshare", "evt.type=unshare and evt.arg.flags contains CLONE_NEWUTS", 2, "evt.type=unshare"),
	HAS_IF("setns_unshare", "evt.type=setns and proc.name=nsenter and evt.arg.nstype contains CLONE_NEWNS", 1,
	       "evt.type=setns"),
	HAS_IF("setns_unshare", "evt.type=setns and proc.name=nsenter and evt.arg.nstype contains CLONE_NEWUTS", 1,
	       "evt.type=setns"),
	/* 7. shell history truncated, renamed, deleted */
	HAS("history_delete", "evt.type=openat and fd.name=" WORK "/home/.bash_history and evt.arg.flags contains O_TRUNC"
	 " and proc.name=bash", 1),
	HAS("history_delete", "evt.type=execve and proc.name=mv and proc.args contains .bash_history", 2),
	HAS("history_delete", "evt.type=execve and proc.name=rm and proc.args contains .bash_history", 1),
	HAS_IF("history_delete", "evt.type in (rename, renameat, renameat2) and evt.arg.oldpath contains .bash_history", 2, "evt.type in (rename, renameat, renameat2)"),
	HAS_IF("history_delete", "evt.type in (unlink, unlinkat) and evt.arg.name contains .bash_history", 1, "evt.type in (unlink, unlinkat)"),
	/* 8. package managers in a container, and on the host */
	HAS("pkg_mgr_container", "evt.type=execve and proc.name in (apt-get, dpkg, yum, apk)", 4),
	HAS("pkg_mgr_container", "evt.type=execve and proc.name=apt-get and proc.args contains install", 1),
	HAS_IF("pkg_mgr_container", "evt.type=execve and proc.name in (apt-get, dpkg, yum, apk) and container.id=" DOCKER_ID, 4, PRE_CG),
	HAS("pkg_mgr_host", "evt.type=execve and proc.name in (apt-get, dpkg, yum, apk) and container.id=host", 4),
	NONE_IF("pkg_mgr_host", "evt.type=execve and container.id != host", PRE_CG),
	/* 9. a log file truncated */
	HAS("log_truncate", "evt.type=execve and proc.name=truncate and proc.args contains -s0", 1),
	HAS("log_truncate", "evt.is_open_write=true and fd.name=/var/log/scapkit-scenario.log and proc.name=truncate", 1),
	HAS("log_truncate", "evt.is_open_write=true and fd.directory=/var/log and evt.arg.flags contains O_TRUNC"
	 " and proc.name=sh", 1),
	HAS_IF("log_truncate", "evt.type=ftruncate and proc.name=truncate", 1, "evt.type=ftruncate"),
	/* 10. a (dummy) service account token and kubelet credential read in a pod */
	HAS("k8s_sa_token_read", "evt.is_open_read=true and fd.name=/var/run/secrets/kubernetes.io/serviceaccount/token"
	 " and proc.name=cat", 1),
	HAS("k8s_sa_token_read", "evt.is_open_read=true and fd.name startswith /var/run/secrets/kubernetes.io/", 2),
	HAS_IF("k8s_sa_token_read", "evt.type=openat and fd.name contains serviceaccount and container.id=" CRI_ID
	 " and container.type=containerd", 2, PRE_CG),
	HAS("kubelet_cred", "evt.is_open_read=true and fd.name=/var/lib/kubelet/pki/kubelet-client-current.pem", 1),
	HAS_IF("kubelet_cred", "evt.type=openat and fd.name startswith /var/lib/kubelet/ and container.id=" CRI_ID, 1, PRE_CG),
};

static const char *const fixtures[] = {
	"container_shell_tty", "container_shell_notty", "write_below_etc", "write_below_tmp", "read_shadow",
	"read_hostname", "chmod_setuid", "chmod_644", "mount_newns", "mount_container", "setns_unshare",
	"history_delete", "pkg_mgr_container", "pkg_mgr_host", "log_truncate", "k8s_sa_token_read", "kubelet_cred",
};
#define N_FIXTURES (sizeof(fixtures) / sizeof(fixtures[0]))

/* Events of the fixture matching each condition. */
static void count_matches(const char *name, const char *const *conds, size_t n, uint64_t *counts)
{
	char errbuf[SCAP_ERRBUF_SIZE];
	filter_registry_t *reg = filter_registry_new();
	filter_t *f[8];
	scap_t *h = tu_open(tu_fixture(name));
	sinsp_t *s = sinsp_open(h, NULL, errbuf);
	const sinsp_evt_t *se;
	int rc;

	ck_assert_int_le(n, 8);
	ck_assert_msg(s != NULL, "%s: %s", name, errbuf);
	ck_assert_ptr_nonnull(reg);
	ck_assert_int_ge(filter_registry_add_evt_fields(reg), 0);
	ck_assert_int_ge(sinsp_add_fields(s, reg), 0);
	for (size_t i = 0; i < n; i++) {
		f[i] = filter_compile(reg, conds[i], NULL);
		ck_assert_msg(f[i] != NULL, "%s: %s", conds[i], filter_registry_geterr(reg));
		counts[i] = 0;
	}
	while ((rc = sinsp_next(s, &se)) == SINSP_OK)
		for (size_t i = 0; i < n; i++)
			counts[i] += filter_eval(f[i], sinsp_evt_scap(se), sinsp_evt_num(se), (void *)se) == 1;
	ck_assert_msg(rc == SINSP_EOF, "%s: %s", name, sinsp_geterr(s));
	for (size_t i = 0; i < n; i++)
		filter_free(f[i]);
	sinsp_close(s);
	filter_registry_free(reg);
}

START_TEST(scenario_facts)
{
	const struct fact *ft = &facts[_i];
	const char *conds[2] = {ft->cond, ft->pre};
	uint64_t counts[2];

	count_matches(ft->fixture, conds, ft->pre ? 2 : 1, counts);
	if (ft->pre && counts[1] == 0) {
		printf("SKIP: scenarios: %s was recorded without events for '%s': not checked: %s\n", ft->fixture,
		       ft->pre, ft->cond);
		return;
	}
	if (ft->none)
		ck_assert_msg(counts[0] == 0, "%s: %" PRIu64 " events match, none expected: %s", ft->fixture, counts[0],
			      ft->cond);
	else
		ck_assert_msg(counts[0] >= (uint64_t)ft->min, "%s: %" PRIu64 " events match, at least %d expected: %s",
			      ft->fixture, counts[0], ft->min, ft->cond);
}
END_TEST

/* Index of the parameter called pname in events of this type, or -1. */
static int param_index(uint16_t type, const char *pname)
{
	for (uint32_t i = 0; i < scap_event_nparams(type); i++)
		if (!strcmp(scap_event_param_name(type, i), pname))
			return (int)i;
	return -1;
}

/* Every fixture: small, readable, one process tree, minimal environments. */
START_TEST(scenario_fixture_sane)
{
	const char *name = fixtures[_i];
	const char *path = tu_fixture(name);
	struct stat st;
	scap_t *h;
	const scap_evt_t *e;
	int64_t pids[4096];
	size_t npids = 0, nexec = 0, nevt = 0;
	int rc;

	ck_assert_msg(stat(path, &st) == 0, "%s: missing (scripts/record-scenarios.sh records it)", path);
	ck_assert_msg(st.st_size < MAX_FIXTURE_BYTES, "%s: %lld bytes, the fixtures must stay under %d", path,
		      (long long)st.st_size, MAX_FIXTURE_BYTES);
	h = tu_open(path);
	ck_assert_uint_eq(scap_proc_count(h), 0); /* nothing of the recording machine */
	ck_assert_uint_eq(scap_user_count(h), 0);
	ck_assert_uint_eq(scap_iface_count(h), 0);
	while ((rc = scap_next(h, &e)) == SCAP_OK) {
		uint16_t t = scap_evt_type(e);
		const char *en = scap_event_name(t);
		int ienv = param_index(t, "env"), icg = param_index(t, "cgroups");
		const void *d;
		uint32_t len;

		nevt++;
		/* environments (execve): the recorder's minimal one, plus what shells add */
		if (ienv >= 0 && scap_evt_param(e, (uint32_t)ienv, &d, &len) == SCAP_OK && len > 0) {
			static const char *const ok[] = {"PATH=", "HOME=", "TERM=", "LANG=", "PWD=", "OLDPWD=",
							 "SHLVL=", "_=", "LINES=", "COLUMNS="};
			const char *p = d, *end = p + len;
			while (p < end && *p) {
				int allowed = 0;
				for (size_t k = 0; k < sizeof(ok) / sizeof(ok[0]) && !allowed; k++)
					allowed = !strncmp(p, ok[k], strlen(ok[k]));
				ck_assert_msg(allowed, "%s: unexpected environment variable: %.40s", name, p);
				p += strnlen(p, (size_t)(end - p)) + 1;
			}
		}
		/* cgroups (execve, clone...): the scenario's own, or the root of a
		 * hierarchy it did not join */
		if (icg >= 0 && scap_evt_param(e, (uint32_t)icg, &d, &len) == SCAP_OK && len > 0) {
			static const char *const ok[] = {"/scapkit-scenario", "/docker/", "/kubepods.slice/"};
			const char *p = d, *end = p + len;
			while (p < end && *p) {
				const char *cg = memchr(p, '=', (size_t)(end - p));
				int allowed = cg && !strcmp(cg + 1, "/");
				for (size_t k = 0; cg && k < sizeof(ok) / sizeof(ok[0]) && !allowed; k++)
					allowed = !strncmp(cg + 1, ok[k], strlen(ok[k]));
				ck_assert_msg(allowed, "%s: a cgroup that is not the scenario's: %.80s", name, p);
				p += strnlen(p, (size_t)(end - p)) + 1;
			}
		}
		if (!en || strcmp(en, "execve") || scap_event_direction(t) != SCAP_DIR_EXIT)
			continue;
		int ipid = param_index(t, "pid"), iptid = param_index(t, "ptid");
		int64_t pid, ptid;
		if (ipid < 0 || iptid < 0 || scap_evt_param_i64(e, (uint32_t)ipid, &pid) != SCAP_OK ||
		    scap_evt_param_i64(e, (uint32_t)iptid, &ptid) != SCAP_OK)
			continue;
		/* the first execve is the runner's; every later one descends from it */
		if (nexec++ > 0) {
			int known = 0;
			for (size_t k = 0; k < npids && !known; k++)
				known = pids[k] == ptid || pids[k] == pid;
			ck_assert_msg(known, "%s: execve of pid %" PRId64 " whose parent %" PRId64
				      " is not in the capture's tree", name, pid, ptid);
		}
		if (npids < sizeof(pids) / sizeof(pids[0]))
			pids[npids++] = pid;
	}
	ck_assert_int_eq(rc, SCAP_EOF);
	ck_assert_msg(nexec >= 1, "%s: no execve", name);
	ck_assert_msg(nevt >= 10, "%s: only %zu events", name, nevt);
	scap_close(h);
}
END_TEST

Suite *scenarios_suite(void)
{
	Suite *s = suite_create("scenarios");
	TCase *tc = tcase_create("fixtures");

	tcase_add_loop_test(tc, scenario_fixture_sane, 0, (int)N_FIXTURES);
	tcase_add_loop_test(tc, scenario_facts, 0, (int)(sizeof(facts) / sizeof(facts[0])));
	suite_add_tcase(s, tc);
	return s;
}

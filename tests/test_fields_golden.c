/* SPDX-License-Identifier: Apache-2.0 */
/* Golden field values: (capture, event number, field, value) rows, the
 * values checked against the reference libsinsp (sinsp-example -a -s CAPTURE
 * -o '%evt.num|%FIELD') on the same capture; and every field name of
 * upstream's syscall source is known to the registry. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "filter.h"
#include "scap.h"
#include "sinsp.h"
#include "test_util.h"

static const struct golden {
	const char *capture;
	uint64_t num;
	const char *field;
	const char *value;
} rows[] = {
	{"libs_curl_google.scap", 211, "evt.category", "process"},
	{"libs_curl_google.scap", 219, "fs.path.name", "/etc/ld.so.cache"},
	{"libs_curl_google.scap", 219, "evt.category", "file"},
	{"libs_curl_google.scap", 231, "evt.category", "file"}, /* read: by the fd's type (was 'unknown') */
	{"libs_curl_google.scap", 231, "syscall.type", "read"},
	{"libs_curl_google.scap", 231, "evt.buflen.file", "832"},
	{"libs_curl_google.scap", 231, "proc.exeline", "curl -6 http://www.google.com"},
	{"libs_curl_google.scap", 231, "thread.nametid", "curl17497"},
	{"libs_curl_google.scap", 231, "proc.cmdnargs", "2"},
	/* values checked against upstream's sinsp-example (falcosecurity/libs) */
	{"libs_curl_google.scap", 1, "evt.latency", "<NA>"},       /* procinfo: internal event */
	{"libs_curl_google.scap", 1, "proc.vmsize", "37972"},      /* from the capture's process table */
	{"libs_curl_google.scap", 1, "proc.vmrss", "5976"},
	{"libs_curl_google.scap", 1, "proc.fdlimit", "1048576"},
	{"libs_curl_google.scap", 1, "thread.pfminor", "13681"},
	{"libs_curl_google.scap", 223, "proc.vmsize", "536"},      /* mmap exit's vm_size */
	{"libs_curl_google.scap", 223, "evt.latency", "2280"},
	{"libs_curl_google.scap", 954, "thread.pfminor", "334"},   /* switch's pgft_min */
	{"libs_curl_google.scap", 954, "proc.vmsize", "83256"},    /* switch's vm_size */
	{"libs_curl_google.scap", 954, "evt.latency", "16174"},    /* switch keeps the thread's latency */
	{"libs_curl_google.scap", 1198, "evt.latency", "4134009"}, /* poll: from its enter, the switch between ignored */
	{"libs_curl_google.scap", 1198, "evt.wait_latency", "4134009"},
	{"libs_curl_google.scap", 1198, "proc.vmsize", "162972"},
	{"libs_curl_google.scap", 231, "thread.cap_effective", ""}, /* no capabilities in this capture: empty */
	{"libs_curl_google.scap", 1192, "fdlist.nums", "4"},
	{"libs_curl_google.scap", 1192,
	 "fdlist.names", "2600:1f18:262c:6542:9aa6:df7a:9a47:d29e:40251->2001:4860:4860::8888:53"},
	{"libs_curl_google.scap", 1192, "evt.category", "wait"},
	{"libs_sample.scap", 129, "evt.type", "pselect6"}, /* a generic enter event, named from its ID */
	{"libs_sample.scap", 129, "syscall.type", "pselect6"},
	{"libs_curl_google.scap", 980, "fd.typechar", "o"},        /* a failed open (not openat): 'o' upstream */
	{"falco_connect_localhost.scap", 185, "fd.l4proto", "<NA>"}, /* socket() alone: no role, no protocol */
	/* the project's fixtures (tests/captures, exit events only), checked
	 * against sinsp-example of falcosecurity/libs 48dfd53c */
	{"write_below_etc", 14, "fd.num", "1"}, /* dup2 3 -> 1: the copy */
	{"write_below_etc", 14, "fd.name", "/etc/scapkit-scenario.conf"},
	{"write_below_etc", 17, "fd.num", "11"}, /* dup2 of an fd never seen: the source's number */
	{"write_below_etc", 17, "fd.type", "<NA>"},
	{"write_below_etc", 17, "fd.typechar", "o"},
	{"write_below_etc", 17, "fd.name", ""},
	{"write_below_etc", 17, "fd.directory", "/"},
	{"write_below_etc", 29, "fd.num", "-100"}, /* unlinkat: its dirfd, AT_FDCWD */
	{"log_truncate", 36, "fd.num", "11"},      /* fcntl F_DUPFD: the copy */
	{"log_truncate", 36, "fd.filename", "scapkit-scenario.log"},
	{"chmod_644", 1, "evt.rawtime.ns", "074483032"}, /* nanosecond parts: 9 digits, as upstream */
	{"chmod_644", 2, "evt.reltime", "002647264"},
	{"chmod_644", 2, "evt.reltime.ns", "002647264"},
	{"chmod_644", 2, "evt.rawtime.s", "1795425728"},
	{"libs_curl_google.scap", 231, "proc.aname", "bash sshd sshd sshd systemd"}, /* no index: every ancestor */
	{"libs_curl_google.scap", 231, "proc.aexepath", "<NA>"},                   /* all empty: nothing */
	{"container_shell_tty", 2, "proc.sname", ""}, /* no session leader known: empty, as upstream */
	{"container_shell_tty", 4, "evt.count.error.file", "0"},   /* close of a file */
	{"container_shell_tty", 4, "evt.count.error.other", "<NA>"},
	{"container_shell_tty", 29, "evt.buflen", "<NA>"},          /* a read on an fd never seen */
	{"container_shell_tty", 29, "evt.count.error.other", "0"},
	{"history_delete", 2, "user.name", "root"},  /* no user list: this machine's (uid 0: root everywhere) */
	{"history_delete", 2, "group.name", "root"},
	{"container_shell_tty", 2, "user.name", "<NA>"}, /* in a container: not this machine's users */
	{"container_shell_tty", 3, "fd.name_changed", "true"},
	{"container_shell_tty", 10, "proc.pidns_init_start_ts", "<NA>"}, /* a host child, no boot time given */
	{"container_shell_tty", 10, "proc.pgid", "24782"},                /* a clone child: the parent's group */ /* an open names a new fd */
	{"container_shell_tty", 81, "fd.num", "-1"}, /* a failed openat: the event's path */
	{"container_shell_tty", 81, "fd.directory", "/tmp/scapkit-scenario/home"},
	{"container_shell_tty", 81, "fd.filename", "<NA>"},
	/* proc.apid without index: the process's own pid in outputs, any
	 * ancestor's in conditions ("?" rows: a condition, "true"/"false") */
	{"container_shell_tty", 10, "proc.apid", "24783"},
	{"container_shell_tty", 10, "?proc.apid = 24782", "true"},
	{"container_shell_tty", 10, "?proc.apid = 24783", "false"},
	{"container_shell_tty", 10, "proc.acmdline", /* every ancestor's */
	 "sh -c script -qec \"bash -i -c 'id; ls /tmp/scapkit-scenario'\" /dev/null"},
	{"container_shell_tty", 10, "?proc.acmdline startswith 'sh -c script'", "true"},
	{"container_shell_tty", 10, "?proc.aenv contains 'TERM=dumb'", "true"}, /* the parent's */
	{"container_shell_tty", 10, "thread.cgroup.blkio", /* the driver's "io", named as upstream */
	 "/docker/71749b8f848a3b081d2d54c364fbe6591856a2256218c7b54c4e47887adae8c5"},
	{"libs_curl_google.scap", 231, "proc.acmdline", "bash sshd   sshd sshd -D systemd"}, /* "sshd" + "\0": no args */
	/* a thread never described (an exit event of tid 24782 first): upstream's fresh thread */
	{"container_shell_tty", 1, "proc.exeline", "<NA> "},
	{"container_shell_tty", 1, "thread.nametid", "<NA>24782"},
	{"container_shell_tty", 1, "proc.is_pgid_leader", "true"},
	{"container_shell_tty", 1, "proc.env", ""},
	{"container_shell_tty", 1, "proc.fdlimit", "0"},
};

/* A capture opened with its state and a registry of every field. */
struct golden_ctx {
	sinsp_t *s;
	filter_registry_t *reg;
};

static struct golden_ctx golden_open(const char *path)
{
	struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;
	char errbuf[SCAP_ERRBUF_SIZE];
	o.filename = path;
	scap_t *h = scap_open(&o, errbuf);
	ck_assert_msg(h != NULL, "%s", errbuf);
	struct golden_ctx c = {sinsp_open(h, NULL, errbuf), filter_registry_new()};
	ck_assert_msg(c.s != NULL, "%s", errbuf);
	ck_assert_int_eq(filter_registry_add_evt_fields(c.reg), FILTER_OK);
	ck_assert_int_eq(sinsp_add_fields(c.s, c.reg), SCAP_OK);
	return c;
}

START_TEST(test_golden_rows)
{
	size_t i = (size_t)_i;
	/* "x.scap": a shared capture; "x": a fixture of tests/captures */
	const char *path = strchr(rows[i].capture, '.') ? tu_shared_capture(rows[i].capture) : tu_fixture(rows[i].capture);
	if (!path)
		return;
	char tmpl[128], buf[4096];
	struct golden_ctx c = golden_open(path);
	sinsp_t *s = c.s;
	filter_registry_t *reg = c.reg;
	bool cond = rows[i].field[0] == '?';
	filter_format_t *fmt = NULL;
	filter_t *flt = NULL;
	if (cond) {
		flt = filter_compile(reg, rows[i].field + 1, NULL);
		ck_assert_msg(flt != NULL, "%s: %s", rows[i].field + 1, filter_registry_geterr(reg));
	} else {
		snprintf(tmpl, sizeof(tmpl), "%%%s", rows[i].field);
		fmt = filter_format_compile(reg, tmpl, NULL);
		ck_assert_msg(fmt != NULL, "%s: %s", tmpl, filter_registry_geterr(reg));
	}
	const sinsp_evt_t *e = NULL;
	while (!e || sinsp_evt_num(e) != rows[i].num) {
		ck_assert_int_eq(sinsp_next(s, &e), SINSP_OK);
		ck_assert_uint_le(sinsp_evt_num(e), rows[i].num);
	}
	if (cond)
		snprintf(buf, sizeof(buf), "%s",
			 filter_eval(flt, sinsp_evt_scap(e), sinsp_evt_num(e), (void *)e) == 1 ? "true" : "false");
	else
		filter_format_render(fmt, sinsp_evt_scap(e), sinsp_evt_num(e), (void *)e, buf, sizeof(buf));
	ck_assert_msg(strcmp(buf, rows[i].value) == 0, "%s #%llu %s: got '%s', want '%s'", rows[i].capture,
		      (unsigned long long)rows[i].num, rows[i].field, buf, rows[i].value);
	filter_format_free(fmt);
	filter_free(flt);
	filter_registry_free(reg);
	sinsp_close(s);
}
END_TEST

/* The field names of upstream's syscall source (libsinsp's filter check
 * classes gen_event, event, thread, user, group, container, fd, fs.path,
 * syslog, utils, fdlist, k8s, mesos, tracer, evtin). Names only. */
static const char *const upstream_names =
	"evt.num evt.time evt.time.s evt.time.iso8601 evt.datetime evt.datetime.s evt.rawtime evt.rawtime.s "
	"evt.rawtime.ns evt.reltime evt.reltime.s evt.reltime.ns evt.pluginname evt.plugininfo evt.source "
	"evt.is_async evt.asynctype evt.hostname evt.latency evt.latency.s evt.latency.ns evt.latency.quantized "
	"evt.latency.human evt.deltatime evt.deltatime.s evt.deltatime.ns evt.outputtime evt.dir evt.type "
	"evt.type.is syscall.type evt.category evt.cpu evt.args evt.arg evt.rawarg evt.info evt.buffer evt.buflen "
	"evt.res evt.rawres evt.failed evt.is_io evt.is_io_read evt.is_io_write evt.io_dir evt.is_wait "
	"evt.wait_latency evt.is_syslog evt.count evt.count.error evt.count.error.file evt.count.error.net "
	"evt.count.error.memory evt.count.error.other evt.count.exit evt.count.procinfo evt.count.threadinfo "
	"evt.abspath evt.buflen.in evt.buflen.out evt.buflen.file evt.buflen.file.in evt.buflen.file.out "
	"evt.buflen.net evt.buflen.net.in evt.buflen.net.out evt.is_open_read evt.is_open_write evt.is_open_exec "
	"evt.is_open_create evt.infra.docker.name evt.infra.docker.container.id evt.infra.docker.container.name "
	"evt.infra.docker.container.image "
	"proc.exe proc.pexe proc.aexe proc.exepath proc.pexepath proc.aexepath proc.name proc.pname proc.aname "
	"proc.args proc.cmdline proc.pcmdline proc.acmdline proc.cmdnargs proc.cmdlenargs proc.exeline proc.env "
	"proc.aenv proc.cwd proc.loginshellid proc.tty proc.pid proc.ppid proc.apid proc.vpid proc.pvpid proc.sid "
	"proc.sname proc.sid.exe proc.sid.exepath proc.vpgid proc.vpgid.name proc.vpgid.exe proc.vpgid.exepath "
	"proc.pgid proc.pgid.name proc.pgid.exe proc.pgid.exepath proc.duration proc.ppid.duration proc.pid.ts "
	"proc.ppid.ts proc.is_exe_writable proc.is_exe_upper_layer proc.is_exe_lower_layer proc.is_exe_from_memfd "
	"proc.is_sid_leader proc.is_vpgid_leader proc.is_pgid_leader proc.exe_ino proc.exe_ino.ctime "
	"proc.exe_ino.mtime proc.exe_ino.ctime_duration_proc_start proc.exe_ino.ctime_duration_pidns_start "
	"proc.pidns_init_start_ts thread.cap_permitted thread.cap_inheritable thread.cap_effective "
	"proc.is_container_healthcheck proc.is_container_liveness_probe proc.is_container_readiness_probe "
	"proc.fdopencount proc.fdlimit proc.fdusage proc.vmsize proc.vmrss proc.vmswap thread.pfmajor "
	"thread.pfminor thread.tid thread.ismain thread.vtid thread.nametid thread.exectime thread.totexectime "
	"thread.cgroups thread.cgroup proc.nthreads proc.nchilds thread.cpu thread.cpu.user thread.cpu.system "
	"thread.vmsize thread.vmrss thread.vmsize.b thread.vmrss.b proc.stdin.type proc.stdout.type "
	"proc.stderr.type proc.stdin.name proc.stdout.name proc.stderr.name "
	"user.uid user.name user.homedir user.shell user.loginuid user.loginname group.gid group.name "
	"container.id container.full_id container.name container.image container.image.id container.type "
	"container.privileged container.mounts container.mount container.mount.source container.mount.dest "
	"container.mount.mode container.mount.rdwr container.mount.propagation container.image.repository "
	"container.image.tag container.image.digest container.healthcheck container.liveness_probe "
	"container.readiness_probe container.start_ts container.duration container.ip container.cni.json "
	"container.host_pid container.host_network container.host_ipc "
	"fd.num fd.type fd.typechar fd.name fd.directory fd.filename fd.ip fd.cip fd.sip fd.lip fd.rip fd.port "
	"fd.cport fd.sport fd.lport fd.rport fd.l4proto fd.sockfamily fd.is_server fd.uid fd.containername "
	"fd.containerdirectory fd.proto fd.cproto fd.sproto fd.lproto fd.rproto fd.net fd.cnet fd.snet fd.lnet "
	"fd.rnet fd.connected fd.name_changed fd.cip.name fd.sip.name fd.lip.name fd.rip.name fd.dev fd.dev.major "
	"fd.dev.minor fd.ino fd.nameraw fd.types fd.is_upper_layer fd.is_lower_layer "
	"fs.path.name fs.path.nameraw fs.path.source fs.path.sourceraw fs.path.target fs.path.targetraw "
	"syslog.facility.str syslog.facility syslog.severity.str syslog.severity syslog.message util.cnt "
	"fdlist.nums fdlist.names fdlist.cips fdlist.sips fdlist.cports fdlist.sports "
	"k8s.pod.name k8s.pod.id k8s.pod.uid k8s.pod.sandbox_id k8s.pod.full_sandbox_id k8s.pod.label "
	"k8s.pod.labels k8s.pod.ip k8s.pod.cni.json k8s.rc.name k8s.rc.id k8s.rc.label k8s.rc.labels k8s.svc.name "
	"k8s.svc.id k8s.svc.label k8s.svc.labels k8s.ns.name k8s.ns.id k8s.ns.label k8s.ns.labels k8s.rs.name "
	"k8s.rs.id k8s.rs.label k8s.rs.labels k8s.deployment.name k8s.deployment.id k8s.deployment.label "
	"k8s.deployment.labels "
	"mesos.task.name mesos.task.id mesos.task.label mesos.task.labels mesos.framework.name mesos.framework.id "
	"marathon.app.name marathon.app.id marathon.app.label marathon.app.labels marathon.group.name "
	"marathon.group.id "
	"span.id span.time span.ntags span.nargs span.tags span.tag span.args span.arg span.enterargs "
	"span.enterarg span.duration span.duration.quantized span.duration.human span.count span.rawtime "
	"span.rawparenttime "
	"evtin.span.id evtin.span.ntags evtin.span.nargs evtin.span.tags evtin.span.tag evtin.span.args "
	"evtin.span.arg evtin.span.p.id evtin.span.p.ntags evtin.span.p.nargs evtin.span.p.tags evtin.span.p.tag "
	"evtin.span.p.args evtin.span.p.arg evtin.span.s.id evtin.span.s.ntags evtin.span.s.nargs "
	"evtin.span.s.tags evtin.span.s.tag evtin.span.s.args evtin.span.s.arg evtin.span.m.id evtin.span.m.ntags "
	"evtin.span.m.nargs evtin.span.m.tags evtin.span.m.tag evtin.span.m.args evtin.span.m.arg";

START_TEST(test_upstream_names_known)
{
	struct golden_ctx c = golden_open(tu_fixture("chmod_644"));
	sinsp_t *s = c.s;
	filter_registry_t *reg = c.reg;
	size_t nfields = filter_registry_field_count(reg), known = 0, total = 0;
	const char *p = upstream_names;
	char missing[4096] = "";
	while (*p) {
		size_t len = strcspn(p, " ");
		char name[64];
		snprintf(name, sizeof(name), "%.*s", (int)len, p);
		total++;
		size_t i;
		for (i = 0; i < nfields; i++) {
			const char *n;
			filter_registry_field_info(reg, i, &n, NULL, NULL, NULL, NULL);
			if (!strcmp(n, name))
				break;
		}
		if (i < nfields)
			known++;
		else
			strncat(missing, name, sizeof(missing) - strlen(missing) - 2), strcat(missing, " ");
		p += len;
		while (*p == ' ')
			p++;
	}
	ck_assert_uint_eq(total, 351);
	ck_assert_msg(known == total, "unknown upstream fields: %s", missing);
	filter_registry_free(reg);
	sinsp_close(s);
}
END_TEST

Suite *fields_golden_suite(void);
Suite *fields_golden_suite(void)
{
	Suite *su = suite_create("fields_golden");
	TCase *tc = tcase_create("golden");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_golden_rows, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, test_upstream_names_known);
	suite_add_tcase(su, tc);
	return su;
}

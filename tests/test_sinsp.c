/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libsinsp: the thread table against the capture's process list, field
 * values on events picked by hand from the shared captures (each with the
 * reason its value is right), and synthetic streams that stress the state:
 * containers, missing parents, reused tids, fds closed twice, truncated
 * parameters, the caps.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <pwd.h>

#include "json_util.h"
#include "scapgen.h"
#include "sinsp.h"
#include "test_util.h"

struct ctx {
	sinsp_t *s;
	filter_registry_t *reg;
	const sinsp_evt_t *last; /* the event render_at() stopped at */
};

static struct ctx open_ctx(const char *path, const struct sinsp_opts *opts)
{
	struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;
	char errbuf[SCAP_ERRBUF_SIZE];
	struct ctx c;

	o.filename = path;
	scap_t *h = scap_open(&o, errbuf);
	ck_assert_msg(h != NULL, "%s", errbuf);
	c.s = sinsp_open(h, opts, errbuf);
	ck_assert_msg(c.s != NULL, "%s", errbuf);
	c.reg = filter_registry_new();
	ck_assert_int_eq(filter_registry_add_evt_fields(c.reg), FILTER_OK);
	ck_assert_int_eq(sinsp_add_fields(c.s, c.reg), SCAP_OK);
	return c;
}

static void close_ctx(struct ctx *c)
{
	sinsp_close(c->s);
	filter_registry_free(c->reg);
}

/* Advance to event `num` and render `tmpl` for it. */
static const char *render_at(struct ctx *c, uint64_t num, const char *tmpl)
{
	static char buf[4096];
	const sinsp_evt_t *e = NULL;
	filter_format_t *fmt = filter_format_compile(c->reg, tmpl, NULL);
	ck_assert_msg(fmt != NULL, "%s", filter_registry_geterr(c->reg));
	while (1) {
		ck_assert_int_eq(sinsp_next(c->s, &e), SINSP_OK);
		if (sinsp_evt_num(e) == num)
			break;
	}
	filter_format_render(fmt, sinsp_evt_scap(e), num, (void *)e, buf, sizeof(buf));
	filter_format_free(fmt);
	c->last = e;
	return buf;
}

/* The current event (the last one render_at() reached) rendered with tmpl. */
static const char *render_now(struct ctx *c, const char *tmpl)
{
	static char buf[4096];
	filter_format_t *fmt = filter_format_compile(c->reg, tmpl, NULL);
	ck_assert_msg(fmt != NULL, "%s", filter_registry_geterr(c->reg));
	ck_assert_ptr_nonnull(c->last);
	filter_format_render(fmt, sinsp_evt_scap(c->last), sinsp_evt_num(c->last), (void *)c->last, buf, sizeof(buf));
	filter_format_free(fmt);
	return buf;
}

/* ---- the process list ---- */
static const char *const captures[] = {
	"falco_connect_localhost", "falco_open-multiple-files", "falco_privileged", "falco_test_empty",
	"libs_curl_google", "libs_sample", "libs_single_ipv6_conn",
};

START_TEST(test_proclist)
{
	const char *dir = tu_shared_dir("sinsp process lists");
	if (!dir)
		return;
	char path[4096];
	snprintf(path, sizeof(path), "%s/captures/expected/%s.procs.jsonl", dir, captures[_i]);
	char *text = tu_read_file(path, NULL);
	ck_assert_ptr_nonnull(text);
	snprintf(path, sizeof(path), "%s/captures/%s.scap", dir, captures[_i]);
	struct ctx c = open_ctx(path, NULL);
	size_t n = 0;
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save), n++) {
		struct json j;
		char want[4096];
		ck_assert_int_eq(json_parse(&j, l, strlen(l)), 0);
		int64_t tid = json_int(&j, json_get(&j, 0, "tid"));
		const sinsp_thread_t *t = sinsp_find_thread(c.s, tid);
		ck_assert_msg(t != NULL, "%s: tid %" PRId64 " missing", captures[_i], tid);
		ck_assert_int_eq(sinsp_thread_pid(t), json_int(&j, json_get(&j, 0, "pid")));
		ck_assert_int_eq(sinsp_thread_ptid(t), json_int(&j, json_get(&j, 0, "ptid")));
		json_str(&j, json_get(&j, 0, "comm"), want, sizeof(want));
		ck_assert_str_eq(sinsp_thread_comm(t), want);
		json_str(&j, json_get(&j, 0, "exe"), want, sizeof(want));
		ck_assert_str_eq(sinsp_thread_exe(t), want);
		int args = json_get(&j, 0, "args");
		size_t alen;
		const char *a = sinsp_thread_args(t, &alen);
		size_t pos = 0;
		for (int k = 0; k < j.tok[args].size; k++) {
			json_str(&j, json_at(&j, args, k), want, sizeof(want));
			ck_assert_msg(pos < alen && !strcmp(a + pos, want), "%s: tid %" PRId64 " arg %d", captures[_i], tid,
				      k);
			pos += strlen(want) + 1;
		}
		ck_assert_int_eq(sinsp_thread_is_placeholder(t), 0);
		json_free(&j);
	}
	ck_assert_uint_eq(sinsp_thread_count(c.s), n);
	size_t cur = 0, seen = 0;
	while (sinsp_thread_next(c.s, &cur))
		seen++;
	ck_assert_uint_eq(seen, n);
	close_ctx(&c);
	free(text);
}
END_TEST

/* ---- events picked by hand ---- */
START_TEST(test_open_close)
{
	const char *path = tu_shared_capture("falco_open-multiple-files.scap");
	if (!path)
		return;
	struct ctx c = open_ctx(path, NULL);
	/* 1098: open< fd=3 name=/tmp/file-1 by python (16569, in the process list) */
	ck_assert_str_eq(render_at(&c, 1098, "%proc.name %fd.num %fd.name %fd.type %fd.typechar %fd.directory %fd.filename"),
			 "python 3 /tmp/file-1 file f /tmp file-1");
	/* 1106: close< res=0; its fd (3) is in the enter event 1105 (an old
	 * capture): the closed file is still shown on the close */
	ck_assert_str_eq(render_at(&c, 1106, "%evt.type %fd.num %fd.name"), "close 3 /tmp/file-1");
	/* 1107 (open>): fd 3 is gone */
	render_at(&c, 1107, "%evt.num");
	ck_assert_ptr_null(sinsp_find_fd(c.s, 16569, 3));
	ck_assert_ptr_nonnull(sinsp_find_fd(c.s, 16569, 4));
	/* 1108: open< reuses fd 3 for /tmp/file-3 */
	ck_assert_str_eq(render_at(&c, 1108, "%fd.num %fd.name"), "3 /tmp/file-3");
	ck_assert_str_eq(sinsp_fd_name(sinsp_find_fd(c.s, 16569, 3)), "/tmp/file-3");
	close_ctx(&c);
}
END_TEST

/* sysdig's default line (what scapcli prints), and its truncation */
START_TEST(test_evt_line)
{
	const char *path = tu_shared_capture("falco_open-multiple-files.scap");
	char line[512], tiny[12];
	if (!path)
		return;
	setenv("TZ", "UTC", 1);
	tzset();
	struct ctx c = open_ctx(path, NULL);
	render_at(&c, 1098, "%evt.num");
	const sinsp_evt_t *e = NULL;
	ck_assert_int_eq(sinsp_next(c.s, &e), SINSP_OK); /* 1099 */
	int n = sinsp_evt_line(e, 0, line, sizeof(line));
	ck_assert_int_eq(n, (int)strlen(line));
	ck_assert_msg(strncmp(line, "1099 01:22:", 11) == 0 && strstr(line, " python (16569) "), "%s", line);
	ck_assert_int_eq(sinsp_evt_line(e, 0, tiny, sizeof(tiny)), (int)sizeof(tiny) - 1);
	ck_assert_int_eq(strncmp(tiny, line, sizeof(tiny) - 1), 0);
	ck_assert_int_eq(tiny[sizeof(tiny) - 1], '\0');
	ck_assert_int_eq(sinsp_evt_line(e, 0, line, 0), SCAP_ERR_INVAL);
	ck_assert_int_eq(sinsp_evt_line(NULL, 0, line, sizeof(line)), SCAP_ERR_INVAL);
	close_ctx(&c);
	unsetenv("TZ");
	tzset();
}
END_TEST

START_TEST(test_connect_tuple)
{
	const char *path = tu_shared_capture("falco_connect_localhost.scap");
	if (!path)
		return;
	struct ctx c = open_ctx(path, NULL);
	/* 187: connect< res=-115 tuple=127.0.0.1:47192->127.0.0.1:80 (spec
	 * §10.2), on fd 4 named by the enter event 186. The thread (31699) is in
	 * neither the process list nor a clone event: a placeholder, so proc.*
	 * are <NA>. */
	ck_assert_str_eq(render_at(&c, 187, "%fd.num|%fd.name|%fd.cip|%fd.cport|%fd.sip|%fd.sport|%fd.lip|%fd.lport|"
					     "%fd.rip|%fd.rport|%fd.l4proto|%fd.sockfamily|%fd.is_server|%fd.type|"
					     "%proc.name|%thread.tid|%proc.is_placeholder"),
			 "4|127.0.0.1:47192->127.0.0.1:80|127.0.0.1|47192|127.0.0.1|80|127.0.0.1|47192|127.0.0.1|80|tcp|ip|"
			 "true|ipv4|<NA>|31699|true");
	close_ctx(&c);
}
END_TEST

/* Values the reference libsinsp (falcosecurity/libs f52bcc383, sinsp-example)
 * prints for these events (scripts/compare-fields.py): the cwd ends with '/',
 * the ids of unknown are -1 (not <NA>), a thread the stream never described
 * is upstream's fresh thread, and an fd event whose fd is not in the table
 * has typechar 'o' and an empty name. */
START_TEST(test_state_parity)
{
	const char *path = tu_shared_capture("falco_open-multiple-files.scap");
	if (path) {
		struct ctx c = open_ctx(path, NULL);
		ck_assert_str_eq(render_at(&c, 1096, "%proc.cwd|%proc.vpgid|%proc.sid|%proc.is_vpgid_leader"),
				 "/mnt/sf_mstemm/work/src/falco/test/|-1|16569|false");
		close_ctx(&c);
	}
	const char *dir = getenv("SCAP_FIXTURES_DIR");
	if (!dir)
		return;
	char cap[4096];
	snprintf(cap, sizeof(cap), "%s/container_shell_notty.scap", dir);
	struct ctx c = open_ctx(cap, NULL);
	/* 1: read< of 24901, never described before */
	ck_assert_str_eq(render_at(&c, 1, "%proc.pid|%proc.cwd|%proc.sid|%proc.vpgid|%user.uid|%group.gid|"
					   "%thread.ismain|%proc.exepath|%proc.ppid|%fd.num|%fd.typechar|%fd.name|%fd.type"),
			 "-1|./|-1|-1|4294967295|4294967295|false||<NA>|5|o||<NA>");
	/* 2: its execve<: vpid and vtid recovered, cwd still unknown (execve's is ignored) */
	ck_assert_str_eq(render_at(&c, 2, "%proc.pid|%proc.vpid|%thread.vtid|%proc.cwd|%proc.sid|%proc.ppid"),
			 "24901|24901|24901||-1|<NA>");
	close_ctx(&c);
}
END_TEST

START_TEST(test_execve_lineage)
{
	const char *path = tu_shared_capture("libs_curl_google.scap");
	if (!path)
		return;
	struct ctx c = open_ctx(path, NULL);
	/* 211: execve< of curl (expected/libs_curl_google.execve.jsonl: exe curl,
	 * args -6 http://www.google.com, cwd /home/ubuntu, ptid 3200); the
	 * process list has 3200 = bash, whose parent 3199 = sshd */
	ck_assert_str_eq(render_at(&c, 211, "%proc.name|%proc.exe|%proc.args|%proc.cmdline|%proc.cwd|%proc.pid|"
					     "%proc.ppid|%proc.pname|%proc.pcmdline|%proc.aname[0]|%proc.aname[1]|"
					     "%proc.aname[2]|%proc.apid[2]|%thread.ismain|%container.id"),
			 /* cwd: the thread was not known before its execve, whose cwd upstream ignores */
			 "curl|curl|-6 http://www.google.com|curl -6 http://www.google.com||17497|3200|bash|"
			 "bash|curl|bash|sshd|3199|true|host");
	filter_t *f = filter_compile(c.reg, "proc.aname = sshd and proc.aname[1] = bash and not proc.aname = init", NULL);
	ck_assert_ptr_nonnull(f);
	const sinsp_evt_t *e;
	ck_assert_int_eq(sinsp_next(c.s, &e), SINSP_OK); /* 212: brk> by curl */
	ck_assert_int_eq(filter_eval(f, sinsp_evt_scap(e), sinsp_evt_num(e), (void *)e), 1);
	filter_free(f);
	close_ctx(&c);
}
END_TEST

START_TEST(test_ipv6_server)
{
	const char *path = tu_shared_capture("libs_single_ipv6_conn.scap");
	if (!path)
		return;
	struct ctx c = open_ctx(path, NULL);
	/* 851: bind< res=0 addr=[2001:db8::3]:1234 on fd 3 (socket AF_INET6 at 848) */
	ck_assert_str_eq(render_at(&c, 851, "%fd.num %fd.name %fd.is_server %fd.type %fd.l4proto"),
			 "3 2001:db8::3:1234 true ipv6 tcp");
	/* the accept< (spec §10.2: [2001:db8::4]:54405 -> [2001:db8::3]:1234, the
	 * source being the remote peer) */
	filter_t *f = filter_compile(c.reg, "evt.type = accept and evt.dir = <", NULL);
	filter_format_t *fmt = filter_format_compile(
		c.reg, "%fd.name|%fd.cip|%fd.cport|%fd.sip|%fd.sport|%fd.lport|%fd.rport|%fd.rip|%fd.is_server", NULL);
	const sinsp_evt_t *e;
	char buf[512] = "";
	while (sinsp_next(c.s, &e) == SINSP_OK)
		if (filter_eval(f, sinsp_evt_scap(e), sinsp_evt_num(e), (void *)e) == 1) {
			filter_format_render(fmt, sinsp_evt_scap(e), sinsp_evt_num(e), (void *)e, buf, sizeof(buf));
			break;
		}
	/* upstream: the local end is the client's when the client address is
	 * in an interface's /64 (2001:db8::/64 is, so lport is the client's) */
	ck_assert_str_eq(buf, "2001:db8::4:54405->2001:db8::3:1234|2001:db8::4|54405|2001:db8::3|1234|54405|1234|"
			      "2001:db8::3|true");
	filter_t *n = filter_compile(c.reg, "fd.net = 2001:db8::/32 and fd.snet = 2001:db8::3/128 and fd.rport = 1234 and fd.lport = 54405",
				     NULL);
	ck_assert_int_eq(filter_eval(n, sinsp_evt_scap(e), sinsp_evt_num(e), (void *)e), 1);
	filter_free(n);
	filter_free(f);
	filter_format_free(fmt);
	close_ctx(&c);
}
END_TEST

START_TEST(test_container_fields)
{
	const char *path = tu_shared_capture("falco_open-multiple-files.scap");
	if (!path)
		return;
	struct ctx c = open_ctx(path, NULL);
	/* 84: procinfo> of a bash thread whose cgroups are /docker/ad64969c62e5...
	 * (process list); the capture's container events (272) describe that id
	 * as express_server, image node:latest, type 0 (docker) */
	ck_assert_str_eq(render_at(&c, 84, "%proc.name|%container.id|%container.name|%container.image|%container.type"),
			 "bash|ad64969c62e5|express_server|node:latest|docker");
	close_ctx(&c);
}
END_TEST

/* ---- synthetic streams ---- */



static void simple_x(sg_buf *b, uint64_t ts, int64_t tid, uint16_t type, int n, const int64_t *vals)
{
	struct sg_param p[8];
	for (int i = 0; i < n; i++)
		p[i] = (struct sg_param){&vals[i], 8};
	sg_ev_v2(b, 0, ts, tid, type, (uint32_t)n, p, 0);
}

/* openat< (307): fd, dirfd, name, flags, mode, dev, ino */
static void openat_x(sg_buf *b, uint64_t ts, int64_t tid, int64_t fd, int64_t dirfd, const char *name, int nparams)
{
	static int64_t v[2];
	static uint32_t flags = 1, mode = 0, dev = 0;
	static uint64_t ino = 77;
	struct sg_param p[7];
	v[0] = fd;
	v[1] = dirfd;
	p[0] = (struct sg_param){&v[0], 8};
	p[1] = (struct sg_param){&v[1], 8};
	sg_param_str(&p[2], name);
	p[3] = (struct sg_param){&flags, 4};
	p[4] = (struct sg_param){&mode, 4};
	p[5] = (struct sg_param){&dev, 4};
	p[6] = (struct sg_param){&ino, 8};
	sg_ev_v2(b, 0, ts, tid, 307, (uint32_t)nparams, p, 0);
}

START_TEST(test_synthetic_state)
{
	static const char cg[] = "cpu=/docker/9dbcbd0c435f5f5fb41e0ae0b10c5e6e9a9bb2efc0d4a28c3f5e9cbd4a41b2a5\0"
				 "memory=/docker/9dbcbd0c435f5f5fb41e0ae0b10c5e6e9a9bb2efc0d4a28c3f5e9cbd4a41b2a5";
	static const char json[] =
		"{\"container\":{\"Mounts\":[{\"Source\":\"/etc\",\"Destination\":\"/host/etc\",\"Mode\":\"\",\"RW\":true,"
		"\"Propagation\":\"rprivate\"}],\"id\":\"9dbcbd0c435f\",\"image\":\"nginx:latest\",\"imagerepo\":\"nginx\","
		"\"imagetag\":\"latest\",\"name\":\"epic_cray\",\"privileged\":true,\"type\":0,"
		"\"pod_sandbox_id\":\"5b3c0a1f2e4d\",\"labels\":{\"io.kubernetes.pod.name\":\"web-1\",\"io.kubernetes.pod.namespace\":\"prod\"}}}";
	sg_buf b;
	sg_init(&b);
	sg_shb(&b, 1, 2);
	uint64_t ts = 1000000000;
	/* 1: container metadata (a meta event without a thread) */
	struct sg_param jp = {json, (uint32_t)sizeof(json)};
	sg_ev_v2(&b, 0, ts++, -1, 272, 1, &jp, 0);
	/* 2: tid 500, never seen, execs bash in the container; its parent 999 is unknown */
	sg_execve_x(&b, ts++, 500, 999, "bash", "bash", "-i\0", 3, "/work", cg, sizeof(cg));
	/* 3: openat< fd 5 relative to the cwd /work; 4, 5: close it twice */
	openat_x(&b, ts++, 500, 5, -100, "../etc/./shadow", 7);
	int64_t ok_close[2] = {0, 5}, bad_close[2] = {-9, 5};
	simple_x(&b, ts++, 500, 5, 2, ok_close);
	simple_x(&b, ts++, 500, 5, 2, bad_close);
	/* 6: openat< with only its first parameter (truncated: a capture cut
	 * after params were appended) */
	openat_x(&b, ts++, 500, 6, -100, "x", 1);
	/* 7: procexit of 500; 8: tid 500 reused by a new process */
	sg_ev_v2(&b, 0, ts++, 500, 16, 0, NULL, 0);
	sg_execve_x(&b, ts++, 500, 1, "sleep", "sleep", "10\0", 3, "/work", "cpu=/\0", 6);
	/* 9..: 5 opens for the fd cap (2 per process) */
	for (int i = 0; i < 5; i++)
		openat_x(&b, ts++, 500, 10 + i, -100, "/tmp/f", 7);
	const char *path = tu_tmpfile(".scap");
	ck_assert_int_eq(tu_write_file(path, b.p, b.len), 0);

	struct sinsp_opts so = SINSP_OPTS_INIT;
	so.max_fds_per_proc = 2;
	struct ctx c = open_ctx(path, &so);
	ck_assert_str_eq(render_at(&c, 2, "%proc.name|%proc.cmdline|%proc.pname|%proc.ppid|%container.id|"
					   "%container.name|%container.image|%container.image.repository|"
					   "%container.image.tag|%container.privileged|%container.type|%k8s.pod.name|"
					   "%k8s.ns.name|%container.mounts|%proc.tty"),
			 /* ppid: the parent is not known: <NA>, as upstream */
			 "bash|bash -i|<NA>|<NA>|9dbcbd0c435f|epic_cray|nginx:latest|nginx|latest|true|docker|web-1|prod|"
			 "/etc:/host/etc::true:rprivate|34816");
	/* the cwd is not known (execve's is ignored, as upstream): the path stays relative */
	ck_assert_str_eq(render_at(&c, 3, "%fd.num %fd.name %fd.nameraw %fd.ino"), "5 ../etc/shadow ../etc/./shadow 77");
	ck_assert_str_eq(render_at(&c, 4, "%fd.name"), "../etc/shadow");
	ck_assert_str_eq(render_at(&c, 5, "%evt.res %fd.num %fd.name"), "EBADF 5 "); /* an fd not in the table: "" as upstream */
	ck_assert_str_eq(render_at(&c, 6, "%fd.num %fd.name"), "6 ");
	ck_assert_str_eq(render_at(&c, 7, "%evt.type %proc.name"), "procexit bash");
	ck_assert_str_eq(render_at(&c, 8, "%proc.name %proc.args %container.id %proc.pname"), "sleep 10 host <NA>");
	ck_assert_ptr_null(sinsp_find_fd(c.s, 500, 6)); /* the new process has a new fd table */
	const sinsp_evt_t *e;
	while (sinsp_next(c.s, &e) == SINSP_OK)
		;
	struct sinsp_stats st = {.sz = sizeof(st)};
	ck_assert_int_eq(sinsp_get_stats(c.s, &st), SCAP_OK);
	ck_assert_uint_eq(st.n_fds_evicted, 3); /* 5 opens, 2 kept */
	ck_assert_uint_eq(st.n_threads_removed, 1);
	ck_assert_uint_eq(st.n_containers, 1);
	ck_assert_uint_eq(st.n_evts, 13);
	close_ctx(&c);
	unlink(path);
	sg_free(&b);
}
END_TEST

/* clone< parent and child sides, threads sharing a process, the thread cap */
START_TEST(test_clone_and_caps)
{
	sg_buf b;
	sg_init(&b);
	sg_shb(&b, 1, 2);
	uint64_t ts = 1000;
	sg_execve_x(&b, ts++, 100, 1, "server", "server", "", 0, "/work", "cpu=/\0", 6);
	openat_x(&b, ts++, 100, 3, -100, "/var/log/app.log", 7);
	/* clone< (223) on the parent's side: res = child tid 101, flags THREAD */
	static uint64_t v[12];
	static uint32_t u[6];
	for (int k = 0; k < 60; k++) {
		int64_t child = 101 + k;
		uint32_t flags = k == 0 ? (1u << 13) | 1u /* CLONE_THREAD|CLONE_FILES */ : 0;
		struct sg_param p[21];
		sg_param_u64(&p[0], &v[0], (uint64_t)child);
		sg_param_str(&p[1], "server");
		p[2] = (struct sg_param){"", 0};
		sg_param_u64(&p[3], &v[1], 100);
		sg_param_u64(&p[4], &v[2], 100);
		sg_param_u64(&p[5], &v[3], 1);
		sg_param_str(&p[6], "/srv");
		for (int i = 7; i < 10; i++)
			sg_param_u64(&p[i], &v[i - 3], 0);
		for (int i = 10; i < 13; i++)
			p[i] = (struct sg_param){&u[0], 4};
		sg_param_str(&p[13], "server");
		p[14] = (struct sg_param){"cpu=/", 6};
		u[1] = flags;
		p[15] = (struct sg_param){&u[1], 4};
		u[2] = 1000;
		p[16] = (struct sg_param){&u[2], 4};
		p[17] = (struct sg_param){&u[2], 4};
		sg_param_u64(&p[18], &v[8], (uint64_t)child);
		sg_param_u64(&p[19], &v[9], (uint64_t)child);
		sg_param_u64(&p[20], &v[10], 0);
		sg_ev_v2(&b, 0, ts++, 100, 223, 21, p, 0);
		/* an event of the child */
		sg_ev_v2(&b, 0, ts++, child, 234, 0, NULL, 0);
		/* every third round, a child seen only from its own side (res 0,
		 * tid = the child): created while the table is full, with its
		 * parent 100 looked up after the eviction */
		if (k % 3 == 2) {
			int64_t only = 1000 + k;
			sg_param_u64(&p[0], &v[0], 0);
			sg_param_u64(&p[3], &v[1], (uint64_t)only);
			sg_param_u64(&p[4], &v[2], (uint64_t)only);
			sg_param_u64(&p[5], &v[3], 100);
			u[1] = 0;
			sg_ev_v2(&b, 0, ts++, only, 223, 21, p, 0);
		}
	}
	const char *path = tu_tmpfile(".scap");
	ck_assert_int_eq(tu_write_file(path, b.p, b.len), 0);
	struct sinsp_opts so = SINSP_OPTS_INIT;
	so.max_threads = 16;
	struct ctx c = open_ctx(path, &so);
	/* event 4: the first child's procinfo: a thread of 100, sharing its fds */
	ck_assert_str_eq(render_at(&c, 4, "%thread.tid %proc.pid %thread.ismain %proc.name %user.uid %proc.cwd"),
			 "101 100 false server 1000 "); /* cwd: the (unknown) parent's; upstream ignores the clone's */
	ck_assert_ptr_nonnull(sinsp_find_fd(c.s, 101, 3));
	size_t cur = 0, nfd = 0;
	const sinsp_thread_t *t101 = sinsp_find_thread(c.s, 101);
	for (const sinsp_fd_t *f; (f = sinsp_fd_next(t101, &cur));)
		nfd += sinsp_fd_num(f) == 3;
	ck_assert_uint_eq(nfd, 1);
	ck_assert_uint_eq(sinsp_thread_fd_count(t101), 1);
	/* event 6: the second child is a process of its own with a copy of the fds */
	ck_assert_str_eq(render_at(&c, 6, "%thread.tid %proc.pid %thread.ismain %proc.ppid %proc.pname"),
			 "102 102 true 100 server");
	/* event 9: the child-only clone of round 2 (tid 1002, parent 100) */
	ck_assert_str_eq(render_at(&c, 9, "%thread.tid %proc.pid %proc.ppid %proc.name"), "1002 1002 100 server");
	ck_assert_str_eq(sinsp_fd_name(sinsp_find_fd(c.s, 102, 3)), "/var/log/app.log");
	const sinsp_evt_t *e;
	while (sinsp_next(c.s, &e) == SINSP_OK)
		;
	struct sinsp_stats st = {.sz = sizeof(st)};
	sinsp_get_stats(c.s, &st);
	ck_assert_uint_le(st.n_threads, 16);
	ck_assert_uint_gt(st.n_threads_evicted, 0);
	ck_assert_uint_eq(st.n_threads_added - st.n_threads_evicted, st.n_threads);
	close_ctx(&c);
	unlink(path);
	sg_free(&b);
}
END_TEST

/* execve< (293) with 27 parameters: env, flags, capabilities, inode times;
 * 28 with a trusted_exepath */
static void execve_full(sg_buf *b, uint64_t ts, int64_t tid, int64_t sid, const char *comm, const char *trusted)
{
	static uint64_t v[16];
	static uint32_t u[8];
	static const char env[] = "HOME=/root\0PATH=/usr/bin\0";
	static const char cg[] = "cpu=/docker/9dbcbd0c435f5f5fb41e0ae0b10c5e6e9a9bb2efc0d4a28c3f5e9cbd4a41b2a5";
	struct sg_param p[28];
	sg_param_u64(&p[0], &v[0], 0);
	sg_param_str(&p[1], comm);
	p[2] = (struct sg_param){"-c\0", 3};
	sg_param_u64(&p[3], &v[1], (uint64_t)tid);
	sg_param_u64(&p[4], &v[2], (uint64_t)tid);
	sg_param_u64(&p[5], &v[3], 1);
	sg_param_str(&p[6], "/");
	for (int i = 7; i < 10; i++)
		sg_param_u64(&p[i], &v[4], 0);
	for (int i = 10; i < 13; i++)
		p[i] = (struct sg_param){&u[0], 4};
	sg_param_str(&p[13], comm);
	p[14] = (struct sg_param){cg, sizeof(cg)};
	p[15] = (struct sg_param){env, sizeof(env) - 1};
	p[16] = (struct sg_param){&u[0], 4};                 /* tty */
	sg_param_u64(&p[17], &v[5], (uint64_t)sid);                  /* vpgid */
	u[1] = 0;
	p[18] = (struct sg_param){&u[1], 4};                 /* loginuid */
	u[2] = 2;                                             /* PPM_EXE_UPPER_LAYER */
	p[19] = (struct sg_param){&u[2], 4};
	sg_param_u64(&p[20], &v[6], 0);                               /* cap_inheritable */
	sg_param_u64(&p[21], &v[7], (1ull << 21) | 1);                /* cap_permitted: CAP_SYS_ADMIN, CAP_CHOWN */
	sg_param_u64(&p[22], &v[8], 1ull << 21);                      /* cap_effective: CAP_SYS_ADMIN */
	sg_param_u64(&p[23], &v[9], 1234);                            /* exe_ino */
	sg_param_u64(&p[24], &v[10], 111);                            /* exe_ino_ctime */
	sg_param_u64(&p[25], &v[11], 222);                            /* exe_ino_mtime */
	p[26] = (struct sg_param){&u[0], 4};                 /* uid 0 */
	if (trusted)
		sg_param_str(&p[27], trusted);
	sg_ev_v2(b, 0, ts, tid, 293, trusted ? 28 : 27, p, 0);
}

START_TEST(test_ruleset_fields)
{
	static const char json[] =
		"{\"container\":{\"Mounts\":[{\"Source\":\"/proc/sys\",\"Destination\":\"/host/proc\",\"Mode\":\"\","
		"\"RW\":true,\"Propagation\":\"\"}],\"id\":\"9dbcbd0c435f\",\"image\":\"x\",\"name\":\"c1\","
		"\"privileged\":false,\"type\":0}}";
	sg_buf b;
	sg_init(&b);
	sg_shb(&b, 1, 2);
	struct sg_param jp = {json, (uint32_t)sizeof(json)};
	sg_ev_v2(&b, 0, 1, -1, 272, 1, &jp, 0);
	int64_t sid = 300;
	struct sg_param sidp[1] = {{&sid, 8}};
	sg_ev_v2(&b, 0, 2, 300, 275, 1, sidp, 0); /* 2: setsid< res 300: a session leader */
	execve_full(&b, 3, 300, 300, "sh", NULL);   /* 3: it execs sh */
	/* 4: socket> AF_INET; 5: socket< fd 3; 6: connect< res 0 tuple */
	int64_t dom = 2, st = 1, proto = 0;
	struct sg_param sp[3] = {{&dom, 8}, {&st, 8}, {&proto, 8}};
	sg_ev_v2(&b, 0, 4, 300, 18, 3, sp, 0);
	int64_t fd = 3;
	struct sg_param sx[1] = {{&fd, 8}};
	sg_ev_v2(&b, 0, 5, 300, 19, 1, sx, 0);
	uint8_t tuple[13] = {2, 10, 0, 0, 5, 0x39, 0x30, 1, 2, 3, 4, 0xbb, 0x01}; /* 10.0.0.5:12345->1.2.3.4:443 */
	int64_t res = 0;
	struct sg_param cx[3] = {{&res, 8}, {tuple, 13}, {&fd, 8}};
	sg_ev_v2(&b, 0, 6, 300, 23, 3, cx, 0);
	/* 7: an exec of an unlinked file: its path without the kernel's mark */
	execve_full(&b, 7, 301, 301, "memrun", "/memfd:payload (deleted)");
	const char *path = tu_tmpfile(".scap");
	ck_assert_int_eq(tu_write_file(path, b.p, b.len), 0);
	sg_free(&b);

	struct ctx c = open_ctx(path, NULL);
	ck_assert_str_eq(render_at(&c, 3, "%proc.env|%proc.env[PATH]|%proc.env[NOPE]|%thread.cap_permitted|"
					   "%thread.cap_effective|%thread.cap_inheritable|%proc.is_exe_upper_layer|"
					   "%proc.exe_ino.ctime|%proc.exe_ino.mtime|%proc.sname|%proc.aexe[0]|%container.info|"
					   "%container.mount.dest[/proc*]|%container.mount.dest[0]|%container.mount.source[/host*]|"
					   "%container.mount.dest[/etc*]|%fd.sip.name"),
			 "HOME=/root PATH=/usr/bin|/usr/bin|<NA>|CAP_CHOWN CAP_SYS_ADMIN|CAP_SYS_ADMIN||true|111|222|sh|sh|"
			 "container_id=9dbcbd0c435f container_name=c1|/host/proc|/host/proc|/proc/sys|<NA>|<NA>");
	ck_assert_str_eq(render_at(&c, 5, "%fd.num %fd.connected %fd.name_changed"), "3 false false");
	ck_assert_str_eq(render_at(&c, 6, "%fd.name %fd.connected %fd.name_changed %fd.rport"),
			 "10.0.0.5:12345->1.2.3.4:443 true true 12345"); /* no interfaces: the client is not local */
	ck_assert_str_eq(render_at(&c, 7, "%proc.exepath|%proc.name"), "/memfd:payload|memrun");
	close_ctx(&c);
	unlink(path);
}
END_TEST

/* Socket and pipe state as upstream's parsers.cpp keeps it (synthetic
 * capture without interfaces): socket() alone has no role (no addresses);
 * bind to port 0 names the socket but leaves it roleless; sendto on an
 * unconnected UDP socket takes the tuple (client side) from the exit's
 * tuple; pipe2 gives two unnamed FIFO entries with the inode, the event's fd
 * being the second. */
START_TEST(test_sock_pipe_state)
{
	sg_buf b;
	sg_init(&b);
	sg_shb(&b, 1, 2);
	int64_t dom = 2, st = 2, proto = 0, fd = 3, res = 0;
	struct sg_param sp[3] = {{&dom, 8}, {&st, 8}, {&proto, 8}};
	sg_ev_v2(&b, 0, 1, 400, 18, 3, sp, 0); /* 1: socket> AF_INET DGRAM */
	struct sg_param sx[1] = {{&fd, 8}};
	sg_ev_v2(&b, 0, 2, 400, 19, 1, sx, 0); /* 2: socket< fd 3 */
	uint8_t addr[7] = {2, 0, 0, 0, 0, 0, 0}; /* 0.0.0.0:0 */
	struct sg_param bx[2] = {{&res, 8}, {addr, 7}};
	sg_ev_v2(&b, 0, 3, 400, 21, 2, bx, 0); /* 3: bind< res 0, port 0 (fd from enter: none, so 4 sets it) */
	uint8_t tuple[13] = {2, 10, 0, 0, 5, 0x39, 0x30, 1, 2, 3, 4, 0x35, 0x00}; /* 10.0.0.5:12345->1.2.3.4:53 */
	int64_t sres = 5;
	uint32_t size = 5;
	struct sg_param tx[5] = {{&sres, 8}, {"hello", 5}, {&fd, 8}, {&size, 4}, {tuple, 13}};
	sg_ev_v2(&b, 0, 4, 400, 31, 5, tx, 0); /* 4: sendto< */
	sg_ev_v2(&b, 0, 5, 400, 31, 5, tx, 0); /* 5: the same tuple again: no name change */
	int64_t fd1 = 5, fd2 = 6;
	uint64_t ino = 777;
	uint32_t pflags = 0;
	struct sg_param px[5] = {{&res, 8}, {&fd1, 8}, {&fd2, 8}, {&ino, 8}, {&pflags, 4}};
	sg_ev_v2(&b, 0, 6, 400, 393, 5, px, 0); /* 6: pipe2< fds 5, 6 ino 777 */
	int64_t ofd = 7, dirfd = -100;
	uint32_t oflags = 1, omode = 0, odev = 0;
	uint64_t oino = 0;
	struct sg_param ox[7] = {{&ofd, 8}, {&dirfd, 8}, {NULL, 0}, {&oflags, 4}, {&omode, 4}, {&odev, 4}, {&oino, 8}};
	sg_param_str(&ox[2], "/proc/1/task/");
	sg_ev_v2(&b, 0, 7, 400, 307, 7, ox, 0); /* 7: openat< of a path ending in '/' */
	const char *path = tu_tmpfile(".scap");
	ck_assert_int_eq(tu_write_file(path, b.p, b.len), 0);
	sg_free(&b);

	struct ctx c = open_ctx(path, NULL);
	ck_assert_str_eq(render_at(&c, 2, "%fd.num|%fd.type|%fd.sip|%fd.cip|%fd.lip|%fd.sport|%fd.is_server"),
			 "3|ipv4|<NA>|<NA>|<NA>|<NA>|false");
	ck_assert_str_eq(render_at(&c, 4, "%fd.num|%fd.name|%fd.cip|%fd.cport|%fd.sip|%fd.sport|%fd.l4proto|"
					  "%fd.lport|%fd.rport|%fd.is_server|%fd.name_changed"),
			 "3|10.0.0.5:12345->1.2.3.4:53|10.0.0.5|12345|1.2.3.4|53|udp|53|12345|false|true");
	ck_assert_str_eq(render_at(&c, 5, "%fd.name|%fd.name_changed"), "10.0.0.5:12345->1.2.3.4:53|false");
	ck_assert_str_eq(render_at(&c, 6, "%fd.num|%fd.name|%fd.type|%fd.typechar|%fd.ino"), "6||pipe|p|777");
	/* the kernel's name, without the trailing '/' (upstream's concatenate_paths) */
	ck_assert_str_eq(render_at(&c, 7, "%fd.num|%fd.name|%fd.directory|%fd.filename"), "7|/proc/1/task|/proc/1|task");
	close_ctx(&c);
	unlink(path);
}
END_TEST

/* Close-on-exec (upstream's parsers): an execve drops the fds opened with
 * O_CLOEXEC or marked by fcntl(F_SETFD, FD_CLOEXEC); a dup's copy is not
 * close-on-exec unless dup3 asks; the others stay. */
START_TEST(test_cloexec)
{
	sg_buf b;
	sg_init(&b);
	sg_shb(&b, 1, 2);
	int64_t dirfd = -100, fds[3] = {5, 6, 7};
	uint32_t flags[3] = {1u | (1u << 12), 1u, 1u}, mode = 0, dev = 0;
	uint64_t ino = 0;
	const char *names[3] = {"/etc/a", "/etc/b", "/etc/c"};
	for (int i = 0; i < 3; i++) { /* 1-3: openat< fd 5 (O_CLOEXEC), 6, 7 */
		struct sg_param ox[7] = {{&fds[i], 8}, {&dirfd, 8}, {NULL, 0}, {&flags[i], 4}, {&mode, 4}, {&dev, 4}, {&ino, 8}};
		sg_param_str(&ox[2], names[i]);
		sg_ev_v2(&b, 0, (uint64_t)(1 + i), 300, 307, 7, ox, 0);
	}
	int64_t res = 0, cmd_fd = 7;
	uint8_t setfd = 3; /* F_SETFD in scap's fcntl_commands */
	uint64_t arg = 1;  /* FD_CLOEXEC */
	struct sg_param fx[4] = {{&res, 8}, {&cmd_fd, 8}, {&setfd, 1}, {&arg, 8}};
	sg_ev_v2(&b, 0, 4, 300, 151, 4, fx, 0); /* 4: fcntl< F_SETFD FD_CLOEXEC on 7 */
	int64_t dres = 8, oldfd = 5, newfd = 8;
	uint32_t dflags = 0;
	struct sg_param dx[4] = {{&dres, 8}, {&oldfd, 8}, {&newfd, 8}, {&dflags, 4}};
	sg_ev_v2(&b, 0, 5, 300, 365, 4, dx, 0); /* 5: dup3< 5 -> 8 without O_CLOEXEC */
	execve_full(&b, 6, 300, 300, "sh", NULL); /* 6: execve< */
	for (int i = 0; i < 4; i++) {           /* 7-10: close< 5, 6, 7, 8 */
		int64_t cfd = i < 3 ? fds[i] : 8, cres = 0;
		struct sg_param cx[2] = {{&cres, 8}, {&cfd, 8}};
		sg_ev_v2(&b, 0, (uint64_t)(7 + i), 300, 5, 2, cx, 0);
	}
	const char *path = tu_tmpfile(".scap");
	ck_assert_int_eq(tu_write_file(path, b.p, b.len), 0);
	sg_free(&b);

	struct ctx c = open_ctx(path, NULL);
	ck_assert_str_eq(render_at(&c, 5, "%fd.num|%fd.name"), "8|/etc/a");
	ck_assert_str_eq(render_at(&c, 7, "%fd.num|%fd.type|%fd.name"), "5|<NA>|"); /* O_CLOEXEC: gone */
	ck_assert_str_eq(render_at(&c, 8, "%fd.num|%fd.type|%fd.name"), "6|file|/etc/b");
	ck_assert_str_eq(render_at(&c, 9, "%fd.num|%fd.type|%fd.name"), "7|<NA>|"); /* F_SETFD: gone */
	ck_assert_str_eq(render_at(&c, 10, "%fd.num|%fd.type|%fd.name"), "8|file|/etc/a"); /* the dup stays */
	close_ctx(&c);
	unlink(path);
}
END_TEST

/* Live engines seed the tables from /proc and /etc: forced here on a tiny
 * capture whose one event comes from this very process. */
START_TEST(test_proc_scan)
{
	char tmpl[] = "/tmp/sinsp-scan-XXXXXX";
	int tfd = mkstemp(tmpl);
	ck_assert_int_ge(tfd, 0);
	sg_buf b;
	sg_init(&b);
	sg_shb(&b, 1, 2);
	int64_t fdv = tfd;
	struct sg_param cp[1] = {{&fdv, 8}};
	sg_ev_v2(&b, 0, 1, getpid(), 4, 1, cp, 0); /* close> fd: names the scanned fd */
	char path[4096];
	snprintf(path, sizeof(path), "%s", tu_tmpfile(".scap"));
	ck_assert_int_eq(tu_write_file(path, b.p, b.len), 0);
	sg_free(&b);

	struct sinsp_opts so = SINSP_OPTS_INIT;
	so.proc_scan = 1;
	struct ctx c = open_ctx(path, &so);
	char want[16384], cwd[4096], exe[4096];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ck_assert_int_gt(n, 0);
	exe[n] = 0;
	struct passwd *pw = getpwuid(geteuid());
	snprintf(want, sizeof(want), "%d|check_suite|%s|%s/|%s|%s|true", (int)getpid(), exe, cwd, tmpl, /* cwd ends with '/' */
		 pw ? pw->pw_name : "<NA>");
	ck_assert_str_eq(render_at(&c, 1, "%proc.pid|%proc.name|%proc.exepath|%proc.cwd|%fd.name|%user.name|"
					   "%thread.ismain"),
			 want);
	/* capabilities from /proc/PID/status (a clone child inherits them) */
	const sinsp_thread_t *me = sinsp_find_thread(c.s, getpid());
	ck_assert_ptr_nonnull(me);
	const char *caps = render_now(&c, "%thread.cap_effective");
	ck_assert_str_ne(caps, "<NA>");
	if (geteuid() == 0)
		ck_assert_msg(strstr(caps, "CAP_SYS_ADMIN") != NULL, "%s", caps);
	ck_assert_uint_gt(sinsp_thread_count(c.s), 10); /* the machine's other processes too */
	close_ctx(&c);

	so.proc_scan = -1; /* a savefile does not scan by default, and never with -1 */
	c = open_ctx(path, &so);
	ck_assert_ptr_null(sinsp_find_thread(c.s, getpid()));
	close_ctx(&c);
	close(tfd);
	unlink(tmpl);
	unlink(path);
}
END_TEST

Suite *sinsp_suite(void)
{
	Suite *s = suite_create("sinsp");
	TCase *tc = tcase_create("state");

	tcase_add_loop_test(tc, test_proclist, 0, (int)(sizeof(captures) / sizeof(captures[0])));
	tcase_add_test(tc, test_open_close);
	tcase_add_test(tc, test_evt_line);
	tcase_add_test(tc, test_connect_tuple);
	tcase_add_test(tc, test_execve_lineage);
	tcase_add_test(tc, test_ipv6_server);
	tcase_add_test(tc, test_sock_pipe_state);
	tcase_add_test(tc, test_cloexec);
	tcase_add_test(tc, test_container_fields);
	tcase_add_test(tc, test_synthetic_state);
	tcase_add_test(tc, test_state_parity);
	tcase_add_test(tc, test_clone_and_caps);
	tcase_add_test(tc, test_ruleset_fields);
	tcase_add_test(tc, test_proc_scan);
	suite_add_tcase(s, tc);
	return s;
}

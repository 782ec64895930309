/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container manager of libsinsp (libsinsp/container_mgr.c), driven
 * through the public API on synthetic captures with lookups forced on:
 * a container's metadata read from a fake Docker data root at first sight
 * and handed out as a container event just before the event that revealed
 * it; a host process (/process_api/<32 hex>) is no container; a container
 * without metadata is counted and logged once; the table bounds evict a
 * container without threads and refuse one when none can go; the API path
 * through a fake Docker socket served by this test (an answer, a daemon
 * that never answers: the wait on sinsp_next() stays bounded, the lookup is
 * retried then given up); sinsp_dump_open() writes the known containers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "filter.h"
#include "scapgen.h"
#include "sinsp.h"
#include "test_util.h"

Suite *ctrmgr_suite(void);

#define IDA "3ad7b26ded6d8e7b23da7d48fe889434573036c27ae5a74837233de441c3601e"
#define IDB "8f2cb5aa5c2d1c3b4e5f60718293a4b5c6d7e8f901234567890abcdef1234567"
#define IDC "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"
#define HOSTCG "cpu=/user.slice\0memory=/process_api/0123456789abcdef0123456789abcdef"

static char root[64]; /* the fake docker data root */

static void mkdirs(const char *path)
{
	char p[512];
	snprintf(p, sizeof(p), "%s", path);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	mkdir(p, 0755);
}

/* A container of the fake data root: config.v2.json + hostconfig.json. */
static void docker_files(const char *id, const char *name, const char *image, int privileged)
{
	char dir[512], path[600], json[2048];
	snprintf(dir, sizeof(dir), "%s/containers/%s", root, id);
	mkdirs(dir);
	int n = snprintf(json, sizeof(json),
			 "{\"ID\":\"%s\",\"Name\":\"/%s\",\"Created\":\"2026-12-04T10:00:00.5Z\","
			 "\"Config\":{\"Image\":\"%s\",\"Labels\":{\"team\":\"blue\"}},"
			 "\"Image\":\"sha256:" IDC "\",\"State\":{\"Running\":true,\"Pid\":100},"
			 "\"MountPoints\":{}}",
			 id, name, image);
	snprintf(path, sizeof(path), "%s/config.v2.json", dir);
	ck_assert_int_eq(tu_write_file(path, json, (size_t)n), 0);
	n = snprintf(json, sizeof(json), "{\"Privileged\":%s,\"NetworkMode\":\"none\"}", privileged ? "true" : "false");
	snprintf(path, sizeof(path), "%s/hostconfig.json", dir);
	ck_assert_int_eq(tu_write_file(path, json, (size_t)n), 0);
}

static void exec_x(sg_buf *b, uint64_t ts, int64_t tid, const char *comm, const char *cg, size_t cglen)
{
	char exe[64];
	snprintf(exe, sizeof(exe), "/bin/%s", comm);
	sg_execve_x(b, ts, tid, 1, exe, comm, "", 0, "/", cg, cglen);
}

static void procexit(sg_buf *b, uint64_t ts, int64_t tid)
{
	uint64_t v[2];
	struct sg_param p[2];
	sg_param_u64(&p[0], &v[0], 0);
	sg_param_u64(&p[1], &v[1], 0);
	sg_ev_v2(b, 0, ts, tid, 186, 2, p, 0);
}

/* A capture: SHB, machine info, then what add() appends. */
static const char *capture(void (*add)(sg_buf *b))
{
	sg_buf b;
	sg_init(&b);
	sg_shb(&b, 1, 2);
	sg_mi(&b, 2, 1 << 30, 32768, "testhost", 0);
	add(&b);
	const char *path = tu_tmpfile(".scap");
	ck_assert_int_eq(tu_write_file(path, b.p, b.len), 0);
	sg_free(&b);
	return path;
}

/* ---- the library, with a log callback that keeps the lines ---- */
struct ctx {
	sinsp_t *s;
	filter_registry_t *reg;
	char log[4096];
	int nlog;
};

static void keep_log(int level, const char *msg, void *p)
{
	struct ctx *c = p;
	(void)level;
	size_t n = strlen(c->log);
	snprintf(c->log + n, sizeof(c->log) - n, "%s\n", msg);
	c->nlog++;
}

static void open_ctx(struct ctx *c, const char *path, struct sinsp_opts *so)
{
	char errbuf[SCAP_ERRBUF_SIZE];
	static const char *const no_bundles[] = {NULL};
	memset(c, 0, sizeof(*c));
	so->container_lookups = 1;
	if (!so->docker_root)
		so->docker_root = root;
	if (!so->docker_socket)
		so->docker_socket = "";
	so->podman_socket = "";
	so->bundle_dirs = no_bundles;
	so->log_fn = keep_log;
	so->log_ctx = c;
	c->s = sinsp_open(tu_open(path), so, errbuf);
	ck_assert_msg(c->s != NULL, "%s", errbuf);
	c->reg = filter_registry_new();
	ck_assert_int_eq(filter_registry_add_evt_fields(c->reg), 0);
	ck_assert_int_eq(sinsp_add_fields(c->s, c->reg), 0);
}

static void close_ctx(struct ctx *c)
{
	sinsp_close(c->s);
	filter_registry_free(c->reg);
}

/* Next event rendered with tmpl; "" at the end of the capture. */
static const char *next_line(struct ctx *c, const char *tmpl)
{
	static char buf[2048];
	const sinsp_evt_t *e;
	int rc = sinsp_next(c->s, &e);
	if (rc == SINSP_EOF)
		return "";
	ck_assert_int_eq(rc, SINSP_OK);
	filter_format_t *fmt = filter_format_compile(c->reg, tmpl, NULL);
	ck_assert_msg(fmt != NULL, "%s", filter_registry_geterr(c->reg));
	filter_format_render(fmt, sinsp_evt_scap(e), sinsp_evt_num(e), (void *)e, buf, sizeof(buf));
	filter_format_free(fmt);
	size_t n = strlen(buf);
	snprintf(buf + n, sizeof(buf) - n, "%s", sinsp_evt_is_meta(e) ? " (meta)" : "");
	return buf;
}

static struct sinsp_stats stats(struct ctx *c)
{
	struct sinsp_stats st = {.sz = sizeof(st)};
	ck_assert_int_eq(sinsp_get_stats(c->s, &st), 0);
	return st;
}

#define LINE "%evt.num %evt.type %proc.name %container.id %container.name %container.image.repository " \
	     "%container.image.tag %container.privileged %container.label[team]"

/* ---- files on disk ------------------------------------------------------ */
static void add_disk(sg_buf *b)
{
	exec_x(b, 1000, 100, "sh", "cpu=/docker/" IDA, strlen("cpu=/docker/" IDA) + 1);
	exec_x(b, 2000, 200, "ls", HOSTCG, sizeof(HOSTCG));
	exec_x(b, 3000, 101, "cat", "cpu=/docker/" IDA, strlen("cpu=/docker/" IDA) + 1);
	exec_x(b, 4000, 300, "top", "cpu=/docker/" IDB, strlen("cpu=/docker/" IDB) + 1);
	exec_x(b, 5000, 301, "top", "cpu=/docker/" IDB, strlen("cpu=/docker/" IDB) + 1);
}

START_TEST(test_disk_first_sight)
{
	struct ctx c;
	struct sinsp_opts so = SINSP_OPTS_INIT;
	docker_files(IDA, "web", "registry.local:5000/team/web:1.2", 1);
	open_ctx(&c, capture(add_disk), &so);
	/* the container event comes first, then the execve that revealed it,
	 * which already has the metadata */
	ck_assert_str_eq(next_line(&c, LINE),
			 "1 container <NA> 3ad7b26ded6d web registry.local:5000/team/web 1.2 true blue (meta)");
	ck_assert_str_eq(next_line(&c, LINE),
			 "2 execve sh 3ad7b26ded6d web registry.local:5000/team/web 1.2 true blue");
	/* a host process in a /process_api/<32 hex> memory cgroup */
	ck_assert_str_eq(next_line(&c, LINE "|%container.type"),
			 "3 execve ls host host <NA> <NA> <NA> <NA>|host");
	ck_assert_str_eq(next_line(&c, LINE), "4 execve cat 3ad7b26ded6d web registry.local:5000/team/web 1.2 true blue");
	/* no files for IDB, no API: given up at once, logged once */
	ck_assert_str_eq(next_line(&c, LINE), "5 execve top 8f2cb5aa5c2d <NA> <NA> <NA> <NA> <NA>");
	ck_assert_str_eq(next_line(&c, LINE), "6 execve top 8f2cb5aa5c2d <NA> <NA> <NA> <NA> <NA>");
	ck_assert_str_eq(next_line(&c, LINE), "");
	struct sinsp_stats st = stats(&c);
	ck_assert_uint_eq(st.n_containers, 1);
	ck_assert_uint_eq(st.n_container_lookups_ok, 1);
	ck_assert_uint_eq(st.n_container_lookups_disk, 1);
	ck_assert_uint_eq(st.n_container_lookups_failed, 1);
	ck_assert_uint_eq(st.n_container_events, 1);
	ck_assert_uint_gt(st.container_bytes, 100);
	ck_assert_int_eq(c.nlog, 1);
	ck_assert_msg(strstr(c.log, "container 8f2cb5aa5c2d: no metadata") != NULL, "log: %s", c.log);
	close_ctx(&c);
}
END_TEST

/* -w of a live-like stream keeps the container: the file starts with the
 * containers known at sinsp_dump_open(), and the container events of the
 * stream are written like the others. */
START_TEST(test_dump_keeps_containers)
{
	struct ctx c;
	struct sinsp_opts so = SINSP_OPTS_INIT;
	char errbuf[SCAP_ERRBUF_SIZE];
	docker_files(IDA, "web", "tiny:1", 0);
	open_ctx(&c, capture(add_disk), &so);
	ck_assert_str_eq(next_line(&c, "%evt.type"), "container (meta)");
	ck_assert_str_eq(next_line(&c, "%evt.type %container.name"), "execve web");
	/* cut here: the file must still know the container */
	const char *out = tu_tmpfile(".scap");
	struct scap_dump_opts dopts = SCAP_DUMP_OPTS_INIT;
	scap_dumper_t *d = sinsp_dump_open(c.s, out, &dopts, errbuf);
	ck_assert_msg(d != NULL, "%s", errbuf);
	const sinsp_evt_t *e;
	while (sinsp_next(c.s, &e) == SINSP_OK)
		ck_assert_int_eq(scap_dump_write(d, sinsp_evt_scap(e)), 0);
	ck_assert_int_eq(scap_dump_close(d, errbuf), 0);
	close_ctx(&c);

	/* read back with no lookups at all: the metadata comes from the file */
	struct sinsp_opts ro = SINSP_OPTS_INIT;
	ro.docker_root = "";
	open_ctx(&c, out, &ro);
	ck_assert_str_eq(next_line(&c, "%evt.type %container.id %container.name %container.image.repository"),
			 "container 3ad7b26ded6d web tiny (meta)");
	ck_assert_str_eq(next_line(&c, "%evt.type %proc.name %container.name %container.image.tag"),
			 "execve ls host <NA>");
	ck_assert_str_eq(next_line(&c, "%evt.type %proc.name %container.name %container.image.tag"),
			 "execve cat web 1");
	close_ctx(&c);
}
END_TEST

/* ---- bounds ------------------------------------------------------------- */
static void add_bounds(sg_buf *b)
{
	exec_x(b, 1000, 100, "sh", "cpu=/docker/" IDA, strlen("cpu=/docker/" IDA) + 1);
	procexit(b, 2000, 100);
	/* 40 s later (past a purge interval of 30 s): IDB comes */
	exec_x(b, 40000000000ull, 300, "top", "cpu=/docker/" IDB, strlen("cpu=/docker/" IDB) + 1);
	/* IDA again while IDB runs: no room, IDB has a thread */
	exec_x(b, 41000000000ull, 102, "sh", "cpu=/docker/" IDA, strlen("cpu=/docker/" IDA) + 1);
}

START_TEST(test_bounds)
{
	struct ctx c;
	struct sinsp_opts so = SINSP_OPTS_INIT;
	docker_files(IDA, "a", "tiny:1", 0);
	docker_files(IDB, "b", "tiny:1", 0);
	so.max_containers = 1;
	open_ctx(&c, capture(add_bounds), &so);
	const char *l;
	int ncontainer = 0;
	while ((l = next_line(&c, "%evt.type %proc.name %container.name"))[0])
		ncontainer += strstr(l, "container") == l;
	struct sinsp_stats st = stats(&c);
	/* a is evicted for b (a's only thread exited), then a comes back and
	 * finds no room: b still has a thread */
	ck_assert_int_eq(ncontainer, 2);
	ck_assert_uint_eq(st.n_containers, 1);
	ck_assert_uint_eq(st.n_containers_evicted, 1);
	ck_assert_uint_eq(st.n_containers_refused, 1);
	ck_assert_msg(strstr(c.log, "container 3ad7b26ded6d: metadata not stored") != NULL, "log: %s", c.log);
	close_ctx(&c);
}
END_TEST

/* ---- the API, through a socket served here ------------------------------ */
struct fake {
	int fd;
	int mode; /* 0: answer, 1: accept and never answer */
	int served;
	pthread_t thr;
	char path[108];
};

static void *serve(void *arg)
{
	struct fake *f = arg;
	for (;;) {
		int c = accept(f->fd, NULL, NULL);
		if (c < 0)
			return NULL;
		char req[4096];
		size_t n = 0;
		ssize_t r;
		while (n < sizeof(req) - 1 && (r = read(c, req + n, sizeof(req) - 1 - n)) > 0) {
			n += (size_t)r;
			req[n] = '\0';
			if (strstr(req, "\r\n\r\n"))
				break;
		}
		__atomic_add_fetch(&f->served, 1, __ATOMIC_SEQ_CST);
		if (f->mode == 1) { /* hold the connection until the client gives up */
			char tmp[64];
			while (read(c, tmp, sizeof(tmp)) > 0)
				;
			close(c);
			continue;
		}
		char body[1024], resp[1400];
		int bl, rl;
		if (strstr(req, "/containers/" IDC "/json"))
			bl = snprintf(body, sizeof(body),
				      "{\"Id\":\"" IDC "\",\"Name\":\"/api1\",\"Created\":\"2026-12-04T10:00:00Z\","
				      "\"Config\":{\"Image\":\"tiny:2\",\"Labels\":{\"team\":\"red\"}},"
				      "\"Image\":\"sha256:" IDA "\",\"HostConfig\":{\"Privileged\":false},"
				      "\"Mounts\":[],\"State\":{\"Pid\":7},\"NetworkSettings\":{}}");
		else
			bl = snprintf(body, sizeof(body), "{\"message\":\"No such object\"}");
		rl = snprintf(resp, sizeof(resp),
			      "HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
			      "Connection: close\r\n\r\n%s",
			      bl > 40 ? "200 OK" : "404 Not Found", bl, body);
		if (write(c, resp, (size_t)rl) != rl)
			__atomic_add_fetch(&f->served, 1000, __ATOMIC_SEQ_CST); /* seen by the test */
		close(c);
	}
}

static void fake_start(struct fake *f, int mode)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	memset(f, 0, sizeof(*f));
	f->mode = mode;
	snprintf(f->path, sizeof(f->path), "%s/d%d.sock", root, mode);
	unlink(f->path);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", f->path);
	f->fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(f->fd, 0);
	ck_assert_int_eq(bind(f->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(f->fd, 16), 0);
	ck_assert_int_eq(pthread_create(&f->thr, NULL, serve, f), 0);
}

static void fake_stop(struct fake *f)
{
	shutdown(f->fd, SHUT_RDWR); /* accept() returns */
	pthread_join(f->thr, NULL);
	close(f->fd);
	unlink(f->path);
}

static void add_api(sg_buf *b)
{
	exec_x(b, 1000, 500, "sh", "cpu=/docker/" IDC, strlen("cpu=/docker/" IDC) + 1);
	exec_x(b, 2000, 501, "id", "cpu=/docker/" IDC, strlen("cpu=/docker/" IDC) + 1);
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

START_TEST(test_api_answer)
{
	struct ctx c;
	struct fake f;
	struct sinsp_opts so = SINSP_OPTS_INIT;
	fake_start(&f, 0);
	so.docker_socket = f.path;
	so.lookup_wait_ms = 5000; /* generous: the answer ends the wait, not the bound */
	open_ctx(&c, capture(add_api), &so);
	ck_assert_str_eq(next_line(&c, LINE), "1 container <NA> c0ffee00c0ff api1 tiny 2 false red (meta)");
	ck_assert_str_eq(next_line(&c, LINE), "2 execve sh c0ffee00c0ff api1 tiny 2 false red");
	ck_assert_str_eq(next_line(&c, LINE), "3 execve id c0ffee00c0ff api1 tiny 2 false red");
	struct sinsp_stats st = stats(&c);
	ck_assert_uint_eq(st.n_container_lookups_ok, 1);
	ck_assert_uint_eq(st.n_container_lookups_disk, 0);
	ck_assert_uint_eq(st.n_container_lookups_pending, 0);
	close_ctx(&c);
	fake_stop(&f);
}
END_TEST

START_TEST(test_api_never_answers)
{
	struct ctx c;
	struct fake f;
	struct sinsp_opts so = SINSP_OPTS_INIT;
	fake_start(&f, 1);
	so.docker_socket = f.path;
	so.lookup_timeout_ms = 1500;
	so.lookup_wait_ms = 100;
	so.lookup_retries = 1;
	open_ctx(&c, capture(add_api), &so);
	uint64_t t0 = now_ms();
	ck_assert_str_eq(next_line(&c, LINE), "1 execve sh c0ffee00c0ff <NA> <NA> <NA> <NA> <NA>");
	uint64_t waited = now_ms() - t0;
	/* the wait bound (100 ms), not the request's timeout (1.5 s): the
	 * upper limit leaves room for a loaded, sanitized run */
	ck_assert_msg(waited >= 100 && waited < 1400, "sinsp_next() took %" PRIu64 " ms (wait bound 100 ms)", waited);
	ck_assert_str_eq(next_line(&c, LINE), "2 execve id c0ffee00c0ff <NA> <NA> <NA> <NA> <NA>");
	ck_assert_str_eq(next_line(&c, LINE), "");
	/* the worker times out (1.5 s), retries once after 100 ms, times out
	 * again: then the lookup is given up, logged once */
	uint64_t deadline = now_ms() + 30000;
	struct sinsp_stats st;
	while ((st = stats(&c)).n_container_lookups_failed == 0 && now_ms() < deadline) {
		ck_assert_str_eq(next_line(&c, "%evt.num"), "");
		struct timespec ts = {0, 20000000};
		nanosleep(&ts, NULL);
	}
	ck_assert_uint_eq(st.n_container_lookups_failed, 1);
	ck_assert_uint_eq(st.n_container_lookups_retried, 1);
	ck_assert_uint_eq(st.n_container_lookups_pending, 0);
	ck_assert_int_eq(__atomic_load_n(&f.served, __ATOMIC_SEQ_CST), 2);
	ck_assert_int_eq(c.nlog, 1);
	ck_assert_msg(strstr(c.log, "container c0ffee00c0ff: no metadata") != NULL, "log: %s", c.log);
	ck_assert_uint_ge(st.container_delay_max_ns, 100000000ull);
	close_ctx(&c);
	fake_stop(&f);
}
END_TEST

/* Closing the handle while a lookup is under way stops the worker within
 * the request's timeout. */
START_TEST(test_close_while_pending)
{
	struct ctx c;
	struct fake f;
	struct sinsp_opts so = SINSP_OPTS_INIT;
	fake_start(&f, 1);
	so.docker_socket = f.path;
	so.lookup_timeout_ms = 3000;
	so.lookup_wait_ms = -1; /* no wait: the first event comes at once */
	open_ctx(&c, capture(add_api), &so);
	uint64_t t0 = now_ms();
	ck_assert_str_eq(next_line(&c, "%evt.num %container.name"), "1 <NA>");
	/* far below the request's timeout (3 s), with room for a loaded run */
	ck_assert_uint_lt(now_ms() - t0, 1500);
	t0 = now_ms();
	close_ctx(&c);
	ck_assert_uint_lt(now_ms() - t0, 6000);
	fake_stop(&f);
}
END_TEST

static void setup(void)
{
	snprintf(root, sizeof(root), "/tmp/scapkit-ctrmgr-%d", (int)getpid());
	mkdirs(root);
}

static void teardown(void)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

Suite *ctrmgr_suite(void)
{
	Suite *s = suite_create("ctrmgr");
	TCase *tc = tcase_create("ctrmgr");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_disk_first_sight);
	tcase_add_test(tc, test_dump_keeps_containers);
	tcase_add_test(tc, test_bounds);
	tcase_add_test(tc, test_api_answer);
	tcase_add_test(tc, test_api_never_answers);
	tcase_add_test(tc, test_close_while_pending);
	suite_add_tcase(s, tc);
	return s;
}

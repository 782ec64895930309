/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runtime sources of container metadata (libsinsp/runtime.h): the
 * Docker / Podman API over a fake unix socket served by this test (a
 * thread answering canned HTTP), Docker's files and OCI bundles written by
 * the test into temporary directories. Every JSON produced is read back by
 * sinsp_containers_add_json() and checked through container.h's accessors.
 * Also the JSON helpers (libsinsp/json.h) on their own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "container.h"
#include "json.h"
#include "runtime.h"
#include "runtime_int.h"
#include "test_util.h"

Suite *runtime_suite(void);

#define ID1 "3ad7b26ded6d8e7b23da7d48fe889434573036c27ae5a74837233de441c3601e"
#define ID2 "8f2cb5aa5c2d1c3b4e5f60718293a4b5c6d7e8f901234567890abcdef1234567"
#define SBX "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"
#define IMG "d3cd072556c21c1f1940bd536675b97d7d06cd2b43d2ad4a4a3e6a86b7b23d1b"
#define DIG "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* ---- temp dirs and files ------------------------------------------------ */

static void mkdirs(const char *path)
{
	char p[1024];

	snprintf(p, sizeof(p), "%s", path);
	for (char *s = p + 1; *s; s++) {
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	}
	mkdir(p, 0755);
}

static void put_file(const char *text, const char *fmt, ...)
{
	char path[1024], dir[1024];
	va_list ap;
	char *slash;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	mkdirs(dir);
	ck_assert_int_eq(tu_write_file(path, text, strlen(text)), 0);
}

static char *tmp_dir(void)
{
	const char *t = getenv("TMPDIR");
	char *p = malloc(512);

	ck_assert_ptr_nonnull(p);
	snprintf(p, 512, "%s/rt-test-XXXXXX", t && t[0] ? t : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(p));
	chmod(p, 0755);
	return p;
}

static void rm_rf(const char *dir)
{
	char cmd[700];

	if (dir && strncmp(dir, "/tmp/", 5) == 0 && strstr(dir, "rt-test-")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "runtime test: could not remove %s\n", dir);
	}
}

struct srv;
static void srv_free(struct srv *s);

/* The end of a test: its server stopped, its directory removed. */
static void fx_end(char *dir, struct srv *s)
{
	if (s)
		srv_free(s);
	rm_rf(dir);
	free(dir);
}

/* ---- fake API daemon ---------------------------------------------------- */

#define MAX_ROUTES 8

struct route {
	char path[256];
	char *resp; /* raw HTTP answer */
	size_t len;
};

struct srv {
	char sock[512];
	int lfd;
	pthread_t th;
	atomic_int stop;
	int silent; /* accept, read, never answer */
	struct route routes[MAX_ROUTES];
	int nroutes;
	pthread_mutex_t mu;
	char log[16][256];
	int nlog;
};

static char *http_resp(int status, const char *body, long content_length)
{
	size_t bl = strlen(body), n = bl + 256;
	char *r = malloc(n);

	ck_assert_ptr_nonnull(r);
	snprintf(
		r, n,
		"HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %ld\r\nConnection: close\r\n\r\n%s",
		status, content_length >= 0 ? content_length : (long)bl, body);
	return r;
}

static void route_raw(struct srv *s, const char *path, char *raw, size_t len)
{
	struct route *r = &s->routes[s->nroutes++];

	ck_assert_int_le(s->nroutes, MAX_ROUTES);
	snprintf(r->path, sizeof(r->path), "%s", path);
	r->resp = raw;
	r->len = len;
}

static void route(struct srv *s, const char *path, int status, const char *body)
{
	char *r = http_resp(status, body, -1);

	route_raw(s, path, r, strlen(r));
}

static bool wait_readable(struct srv *s, int fd)
{
	while (!atomic_load(&s->stop)) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int r = poll(&p, 1, 20);
		if (r > 0)
			return true;
		if (r < 0 && errno != EINTR)
			return false;
	}
	return false;
}

static void serve_one(struct srv *s, int fd)
{
	char req[8192], path[256] = "";
	size_t n = 0;

	while (n < sizeof(req) - 1 && wait_readable(s, fd)) {
		ssize_t r = read(fd, req + n, sizeof(req) - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
		req[n] = '\0';
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	req[n] = '\0';
	sscanf(req, "GET %255s ", path);
	pthread_mutex_lock(&s->mu);
	if (s->nlog < 16)
		snprintf(s->log[s->nlog++], sizeof(s->log[0]), "%s", path);
	pthread_mutex_unlock(&s->mu);
	if (s->silent) {
		while (wait_readable(s, fd)) {
			char junk[256];
			if (read(fd, junk, sizeof(junk)) <= 0)
				break;
		}
		return;
	}
	for (int i = 0; i < s->nroutes; i++) {
		if (strcmp(s->routes[i].path, path) == 0) {
			size_t off = 0;
			while (off < s->routes[i].len) {
				ssize_t w = send(fd, s->routes[i].resp + off, s->routes[i].len - off, MSG_NOSIGNAL);
				if (w <= 0)
					return;
				off += (size_t)w;
			}
			return;
		}
	}
	{
		char *r = http_resp(404, "{\"message\":\"No such container: x\"}", -1);
		if (send(fd, r, strlen(r), MSG_NOSIGNAL) < 0)
			(void)0;
		free(r);
	}
}

static void *srv_main(void *arg)
{
	struct srv *s = arg;

	while (wait_readable(s, s->lfd)) {
		int fd = accept(s->lfd, NULL, NULL);
		if (fd < 0)
			continue;
		serve_one(s, fd);
		close(fd);
	}
	return NULL;
}

static int listen_unix(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	unlink(path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(fd, 16), 0);
	return fd;
}

static struct srv *srv_new(const char *dir)
{
	struct srv *s = calloc(1, sizeof(*s));

	ck_assert_ptr_nonnull(s);
	snprintf(s->sock, sizeof(s->sock), "%s/api.sock", dir);
	s->lfd = -1;
	pthread_mutex_init(&s->mu, NULL);
	return s;
}

static void srv_start(struct srv *s)
{
	s->lfd = listen_unix(s->sock);
	ck_assert_int_eq(pthread_create(&s->th, NULL, srv_main, s), 0);
}

static void srv_free(struct srv *s)
{
	if (s->lfd >= 0) {
		atomic_store(&s->stop, 1);
		pthread_join(s->th, NULL);
		close(s->lfd);
	}
	for (int i = 0; i < s->nroutes; i++)
		free(s->routes[i].resp);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

static bool srv_saw(struct srv *s, const char *path)
{
	bool r = false;

	pthread_mutex_lock(&s->mu);
	for (int i = 0; i < s->nlog; i++)
		r = r || strcmp(s->log[i], path) == 0;
	pthread_mutex_unlock(&s->mu);
	return r;
}

/* ---- reading results back ----------------------------------------------- */

struct res {
	int rc;
	char *json;
	size_t len;
	char why[512];
	struct sinsp_containers *t;
	const struct sinsp_container *c;
	struct sinsp_json_doc *d; /* over json */
	int ctr;                  /* the "container" object */
};

static void res_load(struct res *r, const char *id12)
{
	char err[256];

	ck_assert_msg(r->rc == SINSP_RT_OK, "rc %d: %s", r->rc, r->why);
	ck_assert_ptr_nonnull(r->json);
	ck_assert_uint_eq(strlen(r->json), r->len);
	ck_assert_str_eq(r->why, "");
	r->t = sinsp_containers_new();
	ck_assert_ptr_nonnull(r->t);
	ck_assert_msg(sinsp_containers_add_json(r->t, r->json, r->len, err, sizeof(err)) == 0, "%s: %s", err, r->json);
	r->c = sinsp_containers_find(r->t, id12);
	ck_assert_msg(r->c != NULL, "no container %s in %s", id12, r->json);
	ck_assert_int_eq(sinsp_json_parse(r->json, r->len, 100000, 64, &r->d, err, sizeof(err)), 0);
	r->ctr = sinsp_json_get(r->d, 0, "container");
	ck_assert_int_ge(r->ctr, 0);
}

static void res_free(struct res *r)
{
	free(r->json);
	sinsp_json_free(r->d);
	sinsp_containers_free(r->t);
	memset(r, 0, sizeof(*r));
}

/* A field of the container object as text (numbers and booleans verbatim). */
static const char *field(struct res *r, const char *key)
{
	static char buf[1024];

	sinsp_json_str(r->d, sinsp_json_get(r->d, r->ctr, key), buf, sizeof(buf));
	return buf;
}

static void why_has(const struct res *r, const char *needle)
{
	ck_assert_msg(strstr(r->why, needle) != NULL, "why \"%s\" lacks \"%s\"", r->why, needle);
}

static void cfg_init(struct sinsp_runtime_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->timeout_ms = 2000;
	cfg->max_bytes = 1 << 20;
}

/* A libsinsp built without libcurl (runtime_api_none.c) has no API source:
 * the API tests say SKIP there. */
static bool no_api(void)
{
	struct sinsp_runtime_cfg cfg;
	char why[256] = "";

	cfg_init(&cfg);
	cfg.docker_socket = "/nonexistent/docker.sock";
	sinsp_runtime_api_lookup(&cfg, ID1, SINSP_CT_DOCKER, NULL, NULL, why, sizeof(why));
	if (!strstr(why, "without libcurl"))
		return false;
	printf("SKIP: runtime: %s\n", why);
	return true;
}

static void api(struct res *r, const struct sinsp_runtime_cfg *cfg, const char *id, uint32_t type)
{
	memset(r, 0, sizeof(*r));
	r->rc = sinsp_runtime_api_lookup(cfg, id, type, &r->json, &r->len, r->why, sizeof(r->why));
	if (r->rc != SINSP_RT_OK)
		ck_assert_ptr_null(r->json);
}

static void disk(struct res *r, const struct sinsp_runtime_cfg *cfg, const char *id, uint32_t type)
{
	memset(r, 0, sizeof(*r));
	r->rc = sinsp_runtime_disk_lookup(cfg, id, type, &r->json, &r->len, r->why, sizeof(r->why));
	if (r->rc != SINSP_RT_OK)
		ck_assert_ptr_null(r->json);
}

/* ---- canned Docker inspect ---------------------------------------------- */

/* A Docker 20.10 inspect answer (abridged) with the given Config.Image,
 * Image and extra HostConfig members. */
static char *inspect(const char *id, const char *name, const char *cfg_image, const char *image,
		     const char *hostconfig_extra)
{
	char *b = malloc(16384);

	ck_assert_ptr_nonnull(b);
	snprintf(b, 16384,
		 "{\"Id\":\"%s\",\"Created\":\"2024-03-01T10:20:30.123456789Z\",\"Path\":\"/bin/sh\",\"Args\":[],"
		 "\"State\":{\"Status\":\"running\",\"Running\":true,\"Pid\":4242,"
		 "\"StartedAt\":\"2024-03-01T10:20:31.5Z\"},"
		 "\"Image\":\"%s\",\"Name\":\"%s\",\"RestartCount\":0,\"Driver\":\"overlay2\","
		 "\"HostConfig\":{\"Binds\":[\"/srv/data:/data:ro\"],\"NetworkMode\":\"bridge\",\"Privileged\":true,"
		 "\"PidMode\":\"host\",\"IpcMode\":\"private\",\"Memory\":268435456,\"MemorySwap\":536870912,"
		 "\"CpuShares\":512,\"CpuQuota\":0,\"NanoCpus\":1500000000,\"CpuPeriod\":0,"
		 "\"CpusetCpus\":\"0-2,5\"%s},"
		 "\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/srv/data\",\"Destination\":\"/data\",\"Mode\":\"ro\","
		 "\"RW\":false,\"Propagation\":\"rprivate\"},"
		 "{\"Type\":\"volume\",\"Name\":\"vol1\",\"Source\":\"/var/lib/docker/volumes/vol1/_data\","
		 "\"Destination\":\"/cache\",\"Driver\":\"local\",\"Mode\":\"z\",\"RW\":true,\"Propagation\":\"\"}],"
		 "\"Config\":{\"Hostname\":\"3ad7b26ded6d\",\"User\":\"1000:1000\",\"Env\":[\"PATH=/bin\","
		 "\"MESOS_TASK_ID=t1\",\"HOME=/root\"],\"Cmd\":[\"/bin/sh\"],"
		 "\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"wget -q localhost || exit 1\"],\"Interval\":30000000000},"
		 "\"Image\":\"%s\",\"Labels\":{\"app\":\"web\",\"io.kubernetes.pod.name\":\"web-7d9f\","
		 "\"io.kubernetes.pod.namespace\":\"prod\",\"io.kubernetes.pod.uid\":\"a1b2c3d4-e5f6\","
		 "\"odd\":\"q\\\"uote\\\\ \\u00e9t\\u00e9 \\ud83d\\ude00 \\u0001\\n\","
		 "\"long\":\"%0150d\"}},"
		 "\"NetworkSettings\":{\"Bridge\":\"\",\"Ports\":{\"80/tcp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":"
		 "\"8080\"},{\"HostIp\":\"::\",\"HostPort\":\"8080\"}],\"53/udp\":null},\"IPAddress\":\"172.17.0.2\","
		 "\"Networks\":{\"bridge\":{\"IPAddress\":\"172.17.0.2\"}}}}",
		 id, image, name, hostconfig_extra, cfg_image, 0);
	return b;
}

/* s with the first old replaced by new (s freed; a new string). */
static char *subst(char *s, const char *old, const char *new)
{
	char *p = strstr(s, old), *r;
	size_t n = strlen(s) - strlen(old) + strlen(new) + 1;

	ck_assert_ptr_nonnull(p);
	r = malloc(n);
	ck_assert_ptr_nonnull(r);
	snprintf(r, n, "%.*s%s%s", (int)(p - s), s, new, p + strlen(old));
	free(s);
	return r;
}

/* ====================================================================== */
/* API                                                                    */
/* ====================================================================== */

static void check_good_common(struct res *r)
{
	const char *src, *dst, *mode, *prop;
	bool rw;

	ck_assert_str_eq(sinsp_container_name(r->c), "web");
	ck_assert_str_eq(sinsp_container_full_id(r->c), ID1);
	ck_assert_uint_eq(sinsp_container_type(r->c), SINSP_CT_DOCKER);
	ck_assert_str_eq(sinsp_container_image(r->c), "registry.local:5000/a/b:2");
	ck_assert_str_eq(sinsp_container_image_id(r->c), IMG);
	ck_assert_str_eq(sinsp_container_image_repo(r->c), "registry.local:5000/a/b");
	ck_assert_str_eq(sinsp_container_image_tag(r->c), "2");
	ck_assert_str_eq(sinsp_container_image_digest(r->c), DIG);
	ck_assert_int_eq(sinsp_container_privileged(r->c), 1);
	ck_assert_str_eq(sinsp_container_ip(r->c), "172.17.0.2");
	ck_assert_uint_eq(sinsp_container_mount_count(r->c), 2);
	ck_assert_int_eq(sinsp_container_mount_get(r->c, 0, &src, &dst, &mode, &rw, &prop), 0);
	ck_assert_str_eq(src, "/srv/data");
	ck_assert_str_eq(dst, "/data");
	ck_assert_str_eq(mode, "ro");
	ck_assert(!rw);
	ck_assert_str_eq(prop, "rprivate");
	ck_assert_int_eq(sinsp_container_mount_get(r->c, 1, &src, &dst, &mode, &rw, &prop), 0);
	ck_assert_str_eq(dst, "/cache");
	ck_assert_str_eq(mode, "z");
	ck_assert(rw);
	ck_assert_str_eq(prop, "");
	ck_assert_str_eq(sinsp_container_label(r->c, "app"), "web");
	ck_assert_str_eq(sinsp_container_k8s_pod_name(r->c), "web-7d9f");
	ck_assert_str_eq(sinsp_container_k8s_ns_name(r->c), "prod");
	ck_assert_str_eq(sinsp_container_k8s_pod_uid(r->c), "a1b2c3d4-e5f6");
	/* escapes survive the round trip; the 150-byte label is dropped */
	ck_assert_str_eq(sinsp_container_label(r->c, "odd"), "q\"uote\\ \xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80 \x01\n");
	ck_assert_ptr_null(sinsp_container_label(r->c, "long"));
	ck_assert_uint_eq(sinsp_container_label_count(r->c), 5);
	/* the rest of upstream's keys */
	ck_assert_str_eq(field(r, "id"), "3ad7b26ded6d");
	ck_assert_str_eq(field(r, "host_pid"), "true");
	ck_assert_str_eq(field(r, "host_network"), "false");
	ck_assert_str_eq(field(r, "host_ipc"), "false");
	ck_assert_str_eq(field(r, "is_pod_sandbox"), "false");
	ck_assert_str_eq(field(r, "lookup_state"), "1");
	ck_assert_str_eq(field(r, "created_time"), "1709288430");
	ck_assert_str_eq(field(r, "User"), "1000:1000");
	ck_assert_str_eq(field(r, "memory_limit"), "268435456");
	ck_assert_str_eq(field(r, "swap_limit"), "536870912");
	ck_assert_str_eq(field(r, "cpu_shares"), "512");
	ck_assert_str_eq(field(r, "cpu_quota"), "150000");
	ck_assert_str_eq(field(r, "cpu_period"), "100000");
	ck_assert_str_eq(field(r, "cpuset_cpu_count"), "4");
	ck_assert_str_eq(field(r, "pod_sandbox_id"), "");
	{
		struct sinsp_json_doc *d = r->d;
		int hc = sinsp_json_get(d, r->ctr, "Healthcheck"), pm = sinsp_json_get(d, r->ctr, "port_mappings");
		int env = sinsp_json_get(d, r->ctr, "env");
		char buf[128];
		sinsp_json_str(d, sinsp_json_get(d, hc, "exe"), buf, sizeof(buf));
		ck_assert_str_eq(buf, "/bin/sh");
		sinsp_json_str(d, sinsp_json_at(d, sinsp_json_get(d, hc, "args"), 1), buf, sizeof(buf));
		ck_assert_str_eq(buf, "wget -q localhost || exit 1");
		ck_assert_int_eq(sinsp_json_size(d, pm), 2);
		sinsp_json_str(d, sinsp_json_get(d, sinsp_json_at(d, pm, 0), "HostIp"), buf, sizeof(buf));
		ck_assert_str_eq(buf, "0"); /* 0.0.0.0 as a number, as upstream */
		sinsp_json_str(d, sinsp_json_get(d, sinsp_json_at(d, pm, 0), "HostPort"), buf, sizeof(buf));
		ck_assert_str_eq(buf, "8080");
		sinsp_json_str(d, sinsp_json_get(d, sinsp_json_at(d, pm, 0), "ContainerPort"), buf, sizeof(buf));
		ck_assert_str_eq(buf, "80");
		ck_assert_int_eq(sinsp_json_size(d, env), 1);
		sinsp_json_str(d, sinsp_json_at(d, env, 0), buf, sizeof(buf));
		ck_assert_str_eq(buf, "MESOS_TASK_ID=t1");
		ck_assert_int_eq(sinsp_json_type(d, sinsp_json_get(d, r->ctr, "pod_sandbox_labels")),
				 SINSP_JSON_OBJECT);
	}
}

START_TEST(api_docker_good)
{
	if (no_api())
		return;
	char *dir = tmp_dir();
	struct srv *s = srv_new(dir);
	struct sinsp_runtime_cfg cfg;
	struct res r;
	char *body = inspect(ID1, "/web", "registry.local:5000/a/b:2", "sha256:" IMG, "");

	route(s, "/v1.41/containers/" ID1 "/json", 200, body);
	route(s, "/v1.41/images/" IMG "/json?digests=1", 200,
	      "{\"Id\":\"sha256:" IMG "\",\"RepoTags\":[\"registry.local:5000/a/b:2\"],"
	      "\"RepoDigests\":[\"registry.local:5000/a/b@" DIG "\"]}");
	srv_start(s);
	cfg_init(&cfg);
	cfg.docker_socket = s->sock;
	api(&r, &cfg, ID1, SINSP_CT_DOCKER);
	res_load(&r, "3ad7b26ded6d");
	check_good_common(&r);
	ck_assert(srv_saw(s, "/v1.41/images/" IMG "/json?digests=1"));
	res_free(&r);

	/* cri (runtime unknown): asked to docker, answered as docker */
	api(&r, &cfg, ID1, SINSP_CT_CRI);
	res_load(&r, "3ad7b26ded6d");
	ck_assert_uint_eq(sinsp_container_type(r.c), SINSP_CT_DOCKER);
	res_free(&r);
	free(body);
	fx_end(dir, s);
}
END_TEST

struct image_case {
	const char *cfg_image, *image; /* Config.Image, Image */
	const char *img_answer;        /* /images/<id>/json, NULL: 404 */
	const char *repo, *tag, *digest;
};

START_TEST(api_docker_images)
{
	if (no_api())
		return;
	static const struct image_case cases[] = {
		/* a local image: no digest anywhere */
		{"tiny:1", "sha256:" IMG, "{\"RepoTags\":[\"tiny:1\"],\"RepoDigests\":[]}", "tiny", "1", NULL},
		/* a digest reference: no tag, the image answer gives none */
		{"img@" DIG, "sha256:" IMG, NULL, "img", "latest", DIG},
		/* run by image id: repo and tag from the image */
		{IMG, "sha256:" IMG,
		 "{\"RepoTags\":[\"busybox:latest\",\"busybox:1.36\"],\"RepoDigests\":[\"busybox@" DIG "\"]}",
		 "busybox", "latest", DIG},
		/* a pulled image: the digest from RepoDigests */
		{"redis", "sha256:" IMG,
		 "{\"RepoTags\":[\"redis:latest\"],\"RepoDigests\":[\"docker.io/library/redis@" DIG "\"]}", "redis",
		 "latest", DIG},
		/* host:port and a path, tag after the last part */
		{"localhost:5000/team/app:v1.2", "sha256:" IMG, NULL, "localhost:5000/team/app", "v1.2", NULL},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct image_case *c = &cases[i];
		char *dir = tmp_dir();
		struct srv *s = srv_new(dir);
		struct sinsp_runtime_cfg cfg;
		struct res r;
		char *body = inspect(ID1, "/x", c->cfg_image, c->image, "");

		route(s, "/v1.41/containers/" ID1 "/json", 200, body);
		if (c->img_answer)
			route(s, "/v1.41/images/" IMG "/json?digests=1", 200, c->img_answer);
		srv_start(s);
		cfg_init(&cfg);
		cfg.docker_socket = s->sock;
		api(&r, &cfg, ID1, SINSP_CT_DOCKER);
		res_load(&r, "3ad7b26ded6d");
		ck_assert_str_eq(sinsp_container_image(r.c), c->cfg_image);
		ck_assert_msg(strcmp(sinsp_container_image_repo(r.c), c->repo) == 0, "%s: repo %s", c->cfg_image,
			      sinsp_container_image_repo(r.c));
		ck_assert_msg(strcmp(sinsp_container_image_tag(r.c), c->tag) == 0, "%s: tag %s", c->cfg_image,
			      sinsp_container_image_tag(r.c));
		if (c->digest)
			ck_assert_str_eq(sinsp_container_image_digest(r.c), c->digest);
		else
			ck_assert_ptr_null(sinsp_container_image_digest(r.c));
		res_free(&r);
		free(body);
		fx_end(dir, s);
	}
}
END_TEST

START_TEST(api_podman)
{
	if (no_api())
		return;
	char *dir = tmp_dir();
	struct srv *s = srv_new(dir);
	struct sinsp_runtime_cfg cfg;
	struct res r;
	char *body = inspect(ID2, "/pod-web", "localhost/foo:1.0", "localhost/foo:1.0", "");

	/* a podman_owner_uid label goes (the root socket) */
	body = subst(body, "\"app\":\"web\"", "\"podman_owner_uid\":\"0\",\"app\":\"web\"");
	route(s, "/v1.41/containers/" ID2 "/json", 200, body);
	route(s, "/v1.41/images/json?digests=1", 200,
	      "[{\"Id\":\"sha256:aaaa\",\"Names\":[\"localhost/bar:1.0\"]},"
	      "{\"Id\":\"sha256:" IMG "\",\"Names\":[\"localhost/foo:1.0\"],\"Digest\":\"" DIG "\"}]");
	srv_start(s);
	cfg_init(&cfg);
	cfg.podman_socket = s->sock;
	api(&r, &cfg, ID2, SINSP_CT_PODMAN);
	/* the docker socket is not asked for podman */
	ck_assert_msg(r.rc == SINSP_RT_OK, "%s", r.why);
	res_load(&r, "8f2cb5aa5c2d");
	ck_assert_uint_eq(sinsp_container_type(r.c), SINSP_CT_PODMAN);
	ck_assert_str_eq(sinsp_container_name(r.c), "pod-web");
	ck_assert_str_eq(sinsp_container_image_repo(r.c), "localhost/foo");
	ck_assert_str_eq(sinsp_container_image_tag(r.c), "1.0");
	ck_assert_str_eq(sinsp_container_image_id(r.c), IMG);
	ck_assert_str_eq(sinsp_container_image_digest(r.c), DIG);
	ck_assert_ptr_null(sinsp_container_label(r.c, "podman_owner_uid"));
	res_free(&r);
	/* podman off */
	cfg.podman_socket = NULL;
	api(&r, &cfg, ID2, SINSP_CT_PODMAN);
	ck_assert_int_eq(r.rc, SINSP_RT_UNAVAILABLE);
	why_has(&r, "podman");
	res_free(&r);
	free(body);
	fx_end(dir, s);
}
END_TEST

START_TEST(api_version_fallback_and_netowner)
{
	if (no_api())
		return;
	char *dir = tmp_dir();
	struct srv *s = srv_new(dir);
	struct sinsp_runtime_cfg cfg;
	struct res r;
	char *body = inspect(ID1, "/side", "tiny:1", "sha256:" IMG, "");

	/* no address of its own: NetworkMode container:<ID2> */
	body = subst(body, "\"IPAddress\":\"172.17.0.2\",", "\"IPAddress\":\"\",");
	body = subst(body, "\"NetworkMode\":\"bridge\"", "\"NetworkMode\":\"container:" ID2 "\"");
	/* this daemon refuses API 1.41 */
	route(s, "/v1.41/containers/" ID1 "/json", 400,
	      "{\"message\":\"client version 1.41 is too old. Minimum supported API version is 1.44\"}");
	route(s, "/containers/" ID1 "/json", 200, body);
	route(s, "/containers/" ID2 "/json", 200,
	      "{\"Id\":\"" ID2 "\",\"NetworkSettings\":{\"IPAddress\":\"10.1.2.3\"}}");
	srv_start(s);
	cfg_init(&cfg);
	cfg.docker_socket = s->sock;
	api(&r, &cfg, ID1, SINSP_CT_DOCKER);
	res_load(&r, "3ad7b26ded6d");
	ck_assert_str_eq(sinsp_container_name(r.c), "side");
	ck_assert_str_eq(sinsp_container_ip(r.c), "10.1.2.3");
	ck_assert(srv_saw(s, "/images/" IMG "/json?digests=1")); /* unversioned from then on */
	res_free(&r);
	free(body);
	fx_end(dir, s);
}
END_TEST

START_TEST(api_notfound_unavailable)
{
	if (no_api())
		return;
	char *dir = tmp_dir();
	struct srv *s = srv_new(dir);
	struct sinsp_runtime_cfg cfg;
	struct res r;
	char path[600];
	int fd;

	srv_start(s);
	cfg_init(&cfg);
	cfg.docker_socket = s->sock;
	/* 404 */
	api(&r, &cfg, ID1, SINSP_CT_DOCKER);
	ck_assert_int_eq(r.rc, SINSP_RT_NOTFOUND);
	why_has(&r, "HTTP 404");
	why_has(&r, "No such container");
	why_has(&r, s->sock);
	res_free(&r);
	/* no socket file */
	snprintf(path, sizeof(path), "%s/none.sock", dir);
	cfg.docker_socket = path;
	api(&r, &cfg, ID1, SINSP_CT_DOCKER);
	ck_assert_int_eq(r.rc, SINSP_RT_UNAVAILABLE);
	why_has(&r, "no such socket");
	why_has(&r, path);
	res_free(&r);
	/* a socket file nobody listens on (a daemon gone) */
	snprintf(path, sizeof(path), "%s/stale.sock", dir);
	fd = listen_unix(path);
	close(fd);
	api(&r, &cfg, ID1, SINSP_CT_DOCKER);
	ck_assert_int_eq(r.rc, SINSP_RT_UNAVAILABLE);
	why_has(&r, "nothing listening");
	res_free(&r);
	/* not a socket */
	snprintf(path, sizeof(path), "%s/plain", dir);
	put_file("x", "%s", path);
	api(&r, &cfg, ID1, SINSP_CT_DOCKER);
	ck_assert_int_eq(r.rc, SINSP_RT_ERROR);
	why_has(&r, "not a socket");
	res_free(&r);
	/* off; types without an API source; bad ids */
	cfg.docker_socket = "";
	api(&r, &cfg, ID1, SINSP_CT_DOCKER);
	ck_assert_int_eq(r.rc, SINSP_RT_UNAVAILABLE);
	res_free(&r);
	cfg.docker_socket = s->sock;
	api(&r, &cfg, ID1, SINSP_CT_CONTAINERD);
	ck_assert_int_eq(r.rc, SINSP_RT_UNAVAILABLE);
	why_has(&r, "containerd");
	res_free(&r);
	api(&r, &cfg, "mybox", SINSP_CT_LXC);
	ck_assert_int_eq(r.rc, SINSP_RT_UNAVAILABLE);
	res_free(&r);
	api(&r, &cfg, "../../etc", SINSP_CT_DOCKER);
	ck_assert_int_eq(r.rc, SINSP_RT_ERROR);
	why_has(&r, "bad container id");
	res_free(&r);
	api(&r, &cfg, "", SINSP_CT_DOCKER);
	ck_assert_int_eq(r.rc, SINSP_RT_ERROR);
	res_free(&r);
	ck_assert_int_eq(sinsp_runtime_api_lookup(NULL, ID1, 0, NULL, NULL, NULL, 0), SINSP_RT_ERROR);
	fx_end(dir, s);
}
END_TEST

START_TEST(api_permission_denied)
{
	if (no_api())
		return;
	char *dir = tmp_dir();
	struct srv *s = srv_new(dir);
	struct sinsp_runtime_cfg cfg;
	int pfd[2], status;
	pid_t pid;
	char buf[600] = "";
	ssize_t n;
	int lfd;

	if (geteuid() != 0) {
		printf("SKIP: runtime: permission test needs root (to drop to uid 65534)\n");
		fx_end(dir, s);
		return;
	}
	/* a listening socket only root may connect to; no serving thread:
	 * the child is refused at connect(), and a fork beside a running
	 * thread could leave the child a lock held forever */
	lfd = listen_unix(s->sock);
	chmod(s->sock, 0600);
	cfg_init(&cfg);
	cfg.docker_socket = s->sock;
	ck_assert_int_eq(pipe(pfd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char why[512] = "";
		char *json = NULL;
		int rc;
		if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
			_exit(99);
		rc = sinsp_runtime_api_lookup(&cfg, ID1, SINSP_CT_DOCKER, &json, NULL, why, sizeof(why));
		n = snprintf(buf, sizeof(buf), "%d %s", rc, why);
		if (write(pfd[1], buf, (size_t)n) != n)
			_exit(98);
		_exit(json ? 97 : 0);
	}
	close(pfd[1]);
	n = read(pfd[0], buf, sizeof(buf) - 1);
	close(pfd[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_msg(strncmp(buf, "-1 ", 3) == 0 && strstr(buf, "permission denied"), "child: %s", buf);
	ck_assert_msg(strstr(buf, s->sock) != NULL, "child: %s", buf);
	close(lfd);
	fx_end(dir, s);
}
END_TEST

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

START_TEST(api_silent_daemon)
{
	if (no_api())
		return;
	char *dir = tmp_dir();
	struct srv *s = srv_new(dir);
	struct sinsp_runtime_cfg cfg;
	struct res r;
	uint64_t t0, dt;

	s->silent = 1;
	srv_start(s);
	cfg_init(&cfg);
	cfg.docker_socket = s->sock;
	cfg.timeout_ms = 300;
	t0 = mono_ms();
	api(&r, &cfg, ID1, SINSP_CT_DOCKER);
	dt = mono_ms() - t0;
	ck_assert_int_eq(r.rc, SINSP_RT_ERROR);
	why_has(&r, "timeout");
	why_has(&r, "300 ms");
	/* upper limit: the timeout holds (no hang), with room for a loaded run */
	ck_assert_msg(dt >= 290 && dt <= 300 + 4000, "took %llu ms for a 300 ms timeout", (unsigned long long)dt);
	res_free(&r);
	fx_end(dir, s);
}
END_TEST

START_TEST(api_bad_answers)
{
	if (no_api())
		return;
	char *dir = tmp_dir();
	struct srv *s = srv_new(dir);
	struct sinsp_runtime_cfg cfg;
	struct res r;
	size_t big = 300000;
	char *huge = malloc(big + 1), *raw;
	char trunc_body[200];

	ck_assert_ptr_nonnull(huge);
	memset(huge, ' ', big);
	huge[0] = '{';
	memcpy(huge + big - 9, "\"a\":1  }", 8);
	huge[big - 1] = ' ';
	huge[big] = '\0';
	/* ID1: not JSON; ID2: too big with a Content-Length; SBX: too big
	 * without one (read until the peer closes); IMG: truncated; "arr":
	 * JSON but not an object; "e500": a server error */
	route(s, "/v1.41/containers/" ID1 "/json", 200, "<html>oops</html>");
	route(s, "/v1.41/containers/" ID2 "/json", 200, huge);
	raw = malloc(big + 200);
	ck_assert_ptr_nonnull(raw);
	snprintf(raw, big + 200, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n%s",
		 huge);
	route_raw(s, "/v1.41/containers/" SBX "/json", raw, strlen(raw));
	snprintf(trunc_body, sizeof(trunc_body), "{\"Id\":\"%s\",\"Name\":\"/cut", IMG);
	raw = http_resp(200, trunc_body, 5000);
	route_raw(s, "/v1.41/containers/" IMG "/json", raw, strlen(raw));
	route(s, "/v1.41/containers/arr/json", 200, "[1,2,3]");
	route(s, "/v1.41/containers/e500/json", 500, "{\"message\":\"boom\"}");
	srv_start(s);
	cfg_init(&cfg);
	cfg.docker_socket = s->sock;
	cfg.max_bytes = 100000;

	api(&r, &cfg, ID1, SINSP_CT_DOCKER);
	ck_assert_int_eq(r.rc, SINSP_RT_ERROR);
	why_has(&r, "not JSON");
	res_free(&r);
	api(&r, &cfg, ID2, SINSP_CT_DOCKER);
	ck_assert_int_eq(r.rc, SINSP_RT_ERROR);
	why_has(&r, "too big");
	why_has(&r, "100000");
	res_free(&r);
	api(&r, &cfg, SBX, SINSP_CT_DOCKER);
	ck_assert_int_eq(r.rc, SINSP_RT_ERROR);
	why_has(&r, "too big");
	res_free(&r);
	api(&r, &cfg, IMG, SINSP_CT_DOCKER);
	ck_assert_int_eq(r.rc, SINSP_RT_ERROR);
	why_has(&r, "truncated");
	res_free(&r);
	api(&r, &cfg, "arr", SINSP_CT_DOCKER);
	ck_assert_int_eq(r.rc, SINSP_RT_ERROR);
	why_has(&r, "not a JSON object");
	res_free(&r);
	api(&r, &cfg, "e500", SINSP_CT_DOCKER);
	ck_assert_int_eq(r.rc, SINSP_RT_ERROR);
	why_has(&r, "HTTP 500");
	why_has(&r, "boom");
	res_free(&r);
	/* within the limit, the same big answer is fine */
	cfg.max_bytes = 400000;
	api(&r, &cfg, ID2, SINSP_CT_DOCKER);
	ck_assert_int_eq(r.rc, SINSP_RT_OK);
	res_free(&r);
	free(huge);
	fx_end(dir, s);
}
END_TEST

struct par {
	const struct sinsp_runtime_cfg *cfg;
	int ok;
};

static void *par_main(void *arg)
{
	struct par *p = arg;

	for (int i = 0; i < 10; i++) {
		char *json = NULL, why[256];
		size_t len;
		if (sinsp_runtime_api_lookup(p->cfg, ID1, SINSP_CT_DOCKER, &json, &len, why, sizeof(why)) ==
			    SINSP_RT_OK &&
		    strstr(json, "\"name\":\"web\""))
			p->ok++;
		free(json);
	}
	return NULL;
}

/* Lookups from several threads at once (no shared state, curl's own
 * initialisation thread-safe). */
START_TEST(api_threads)
{
	if (no_api())
		return;
	char *dir = tmp_dir();
	struct srv *s = srv_new(dir);
	struct sinsp_runtime_cfg cfg;
	char *body = inspect(ID1, "/web", "tiny:1", "sha256:" IMG, "");
	pthread_t th[4];
	struct par p[4];

	route(s, "/v1.41/containers/" ID1 "/json", 200, body);
	srv_start(s);
	cfg_init(&cfg);
	cfg.docker_socket = s->sock;
	for (int i = 0; i < 4; i++) {
		p[i].cfg = &cfg;
		p[i].ok = 0;
		ck_assert_int_eq(pthread_create(&th[i], NULL, par_main, &p[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ck_assert_int_eq(p[i].ok, 10);
	}
	free(body);
	fx_end(dir, s);
}
END_TEST

/* ====================================================================== */
/* Docker's files                                                         */
/* ====================================================================== */

/* config.v2.json as Docker 20.10 writes it (abridged). */
static void docker_files(const char *root, const char *id, const char *cfg_image)
{
	char *b = malloc(16384);

	ck_assert_ptr_nonnull(b);
	snprintf(b, 16384,
		 "{\"StreamConfig\":{},\"State\":{\"Running\":true,\"Pid\":4242,\"StartedAt\":"
		 "\"2024-03-01T10:20:31.5Z\",\"Health\":null},\"ID\":\"%s\",\"Created\":\"2024-03-01T10:20:30.1Z\","
		 "\"Managed\":false,\"Path\":\"/bin/sh\",\"Args\":[],"
		 "\"Config\":{\"Hostname\":\"3ad7b26ded6d\",\"User\":\"1000:1000\",\"Env\":[\"PATH=/bin\"],"
		 "\"Cmd\":[\"/bin/sh\"],\"Healthcheck\":{\"Test\":[\"CMD\",\"'/bin/check'\",\"--fast\"]},"
		 "\"Image\":\"%s\",\"Labels\":{\"app\":\"web\",\"io.kubernetes.pod.name\":\"web-7d9f\","
		 "\"io.kubernetes.pod.namespace\":\"prod\",\"io.kubernetes.pod.uid\":\"a1b2c3d4-e5f6\"}},"
		 "\"Image\":\"sha256:%s\",\"NetworkSettings\":{\"Bridge\":\"\",\"Ports\":{},"
		 "\"IPAddress\":\"172.17.0.2\",\"Networks\":{\"bridge\":{\"IPAddress\":\"172.17.0.2\"}}},"
		 "\"LogPath\":\"\",\"Name\":\"/web\",\"Driver\":\"overlay2\",\"OS\":\"linux\",\"MountPoints\":{"
		 "\"/data\":{\"Source\":\"/srv/data\",\"Destination\":\"/data\",\"RW\":false,\"Name\":\"\","
		 "\"Driver\":\"\",\"Type\":\"bind\",\"Relabel\":\"ro\",\"Propagation\":\"rprivate\",\"Spec\":{"
		 "\"Type\":\"bind\",\"Source\":\"/srv/data\",\"Target\":\"/data\",\"ReadOnly\":true}},"
		 "\"/cache\":{\"Source\":\"\",\"Destination\":\"/cache\",\"RW\":true,\"Name\":\"vol1\",\"Driver\":"
		 "\"local\",\"Type\":\"volume\",\"Relabel\":\"z\",\"Propagation\":\"\",\"Spec\":{}}}}",
		 id, cfg_image, IMG);
	put_file(b, "%s/containers/%s/config.v2.json", root, id);
	put_file(
		"{\"Binds\":[\"/srv/data:/data:ro\"],\"NetworkMode\":\"host\",\"Privileged\":false,"
		"\"PidMode\":\"\",\"IpcMode\":\"host\",\"Memory\":0,\"MemorySwap\":0,\"CpuShares\":0,\"CpuQuota\":50000,"
		"\"CpuPeriod\":50000,\"NanoCpus\":0,\"CpusetCpus\":\"\"}",
		"%s/containers/%s/hostconfig.json", root, id);
	free(b);
}

START_TEST(disk_docker_good)
{
	char *root = tmp_dir();
	struct sinsp_runtime_cfg cfg;
	struct res r;
	const char *src, *dst, *mode, *prop;
	bool rw;
	char vol[600];

	docker_files(root, ID1, "registry.local:5000/a/b:2");
	put_file("{\"Repositories\":{\"registry.local:5000/a/b\":{\"registry.local:5000/a/b:2\":\"sha256:" IMG "\","
		 "\"registry.local:5000/a/b@" DIG "\":\"sha256:" IMG "\"},\"other\":{\"other:1\":\"sha256:ff\"}}}",
		 "%s/image/overlay2/repositories.json", root);
	cfg_init(&cfg);
	cfg.docker_root = root;
	disk(&r, &cfg, ID1, SINSP_CT_DOCKER);
	res_load(&r, "3ad7b26ded6d");
	ck_assert_str_eq(sinsp_container_name(r.c), "web");
	ck_assert_str_eq(sinsp_container_full_id(r.c), ID1);
	ck_assert_str_eq(sinsp_container_image(r.c), "registry.local:5000/a/b:2");
	ck_assert_str_eq(sinsp_container_image_id(r.c), IMG);
	ck_assert_str_eq(sinsp_container_image_repo(r.c), "registry.local:5000/a/b");
	ck_assert_str_eq(sinsp_container_image_tag(r.c), "2");
	ck_assert_str_eq(sinsp_container_image_digest(r.c), DIG);
	ck_assert_int_eq(sinsp_container_privileged(r.c), 0);
	ck_assert_str_eq(sinsp_container_ip(r.c), "172.17.0.2");
	ck_assert_str_eq(sinsp_container_k8s_pod_name(r.c), "web-7d9f");
	ck_assert_uint_eq(sinsp_container_mount_count(r.c), 2);
	ck_assert_int_eq(sinsp_container_mount_get(r.c, 0, &src, &dst, &mode, &rw, &prop), 0);
	ck_assert_str_eq(src, "/srv/data");
	ck_assert_str_eq(dst, "/data");
	ck_assert_str_eq(mode, "ro");
	ck_assert(!rw);
	ck_assert_str_eq(prop, "rprivate");
	ck_assert_int_eq(sinsp_container_mount_get(r.c, 1, &src, &dst, &mode, &rw, &prop), 0);
	snprintf(vol, sizeof(vol), "%s/volumes/vol1/_data", root);
	ck_assert_str_eq(src, vol);
	ck_assert(rw);
	ck_assert_str_eq(field(&r, "host_network"), "true");
	ck_assert_str_eq(field(&r, "host_ipc"), "true");
	ck_assert_str_eq(field(&r, "host_pid"), "false");
	ck_assert_str_eq(field(&r, "cpu_quota"), "50000");
	ck_assert_str_eq(field(&r, "cpu_period"), "50000");
	ck_assert_str_eq(field(&r, "cpu_shares"), "1024");
	ck_assert_str_eq(field(&r, "created_time"), "1709288430");
	{
		int hc = sinsp_json_get(r.d, r.ctr, "Healthcheck");
		char buf[64];
		sinsp_json_str(r.d, sinsp_json_get(r.d, hc, "exe"), buf, sizeof(buf));
		ck_assert_str_eq(buf, "/bin/check"); /* quotes stripped as upstream */
		sinsp_json_str(r.d, sinsp_json_at(r.d, sinsp_json_get(r.d, hc, "args"), 0), buf, sizeof(buf));
		ck_assert_str_eq(buf, "--fast");
	}
	res_free(&r);

	/* cri (runtime unknown): Docker's files answer first */
	disk(&r, &cfg, ID1, SINSP_CT_CRI);
	res_load(&r, "3ad7b26ded6d");
	ck_assert_uint_eq(sinsp_container_type(r.c), SINSP_CT_DOCKER);
	res_free(&r);

	/* run by image id, no repositories.json: no repo, the "latest" rule */
	snprintf(vol, sizeof(vol), "%s/image/overlay2/repositories.json", root);
	unlink(vol);
	docker_files(root, ID2, IMG);
	disk(&r, &cfg, ID2, SINSP_CT_DOCKER);
	res_load(&r, "8f2cb5aa5c2d");
	ck_assert_ptr_null(sinsp_container_image_repo(r.c));
	ck_assert_str_eq(sinsp_container_image_tag(r.c), "latest");
	res_free(&r);
	fx_end(root, NULL);
}
END_TEST

START_TEST(disk_docker_errors)
{
	char *root = tmp_dir();
	struct sinsp_runtime_cfg cfg;
	struct res r;
	char path[700], *big;
	size_t bn = 200000;

	cfg_init(&cfg);
	/* off, absent root, absent container */
	disk(&r, &cfg, ID1, SINSP_CT_DOCKER);
	ck_assert_int_eq(r.rc, SINSP_RT_UNAVAILABLE);
	res_free(&r);
	snprintf(path, sizeof(path), "%s/nope", root);
	cfg.docker_root = path;
	disk(&r, &cfg, ID1, SINSP_CT_DOCKER);
	ck_assert_int_eq(r.rc, SINSP_RT_UNAVAILABLE);
	why_has(&r, path);
	res_free(&r);
	cfg.docker_root = root;
	snprintf(path, sizeof(path), "%s/containers", root);
	mkdirs(path);
	disk(&r, &cfg, ID1, SINSP_CT_DOCKER);
	ck_assert_int_eq(r.rc, SINSP_RT_NOTFOUND);
	why_has(&r, ID1);
	res_free(&r);
	/* corrupt config.v2.json */
	put_file("{\"ID\":\"x\",\"Name\":", "%s/containers/%s/config.v2.json", root, ID1);
	disk(&r, &cfg, ID1, SINSP_CT_DOCKER);
	ck_assert_int_eq(r.rc, SINSP_RT_ERROR);
	why_has(&r, "config.v2.json");
	why_has(&r, "corrupt");
	res_free(&r);
	/* corrupt hostconfig.json */
	docker_files(root, ID1, "tiny:1");
	put_file("nope", "%s/containers/%s/hostconfig.json", root, ID1);
	disk(&r, &cfg, ID1, SINSP_CT_DOCKER);
	ck_assert_int_eq(r.rc, SINSP_RT_ERROR);
	why_has(&r, "hostconfig.json");
	res_free(&r);
	/* no hostconfig.json: still an answer */
	snprintf(path, sizeof(path), "%s/containers/%s/hostconfig.json", root, ID1);
	unlink(path);
	disk(&r, &cfg, ID1, SINSP_CT_DOCKER);
	res_load(&r, "3ad7b26ded6d");
	res_free(&r);
	/* huge config.v2.json */
	big = malloc(bn + 1);
	ck_assert_ptr_nonnull(big);
	memset(big, ' ', bn);
	big[0] = '{';
	big[bn - 1] = '}';
	big[bn] = '\0';
	put_file(big, "%s/containers/%s/config.v2.json", root, ID2);
	cfg.max_bytes = 100000;
	disk(&r, &cfg, ID2, SINSP_CT_DOCKER);
	ck_assert_int_eq(r.rc, SINSP_RT_ERROR);
	why_has(&r, "too big");
	why_has(&r, "200000");
	res_free(&r);
	free(big);
	/* a FIFO is never read (it would block) */
	snprintf(path, sizeof(path), "%s/containers/%s", root, SBX);
	mkdirs(path);
	snprintf(path, sizeof(path), "%s/containers/%s/config.v2.json", root, SBX);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	disk(&r, &cfg, SBX, SINSP_CT_DOCKER);
	ck_assert_int_eq(r.rc, SINSP_RT_ERROR);
	why_has(&r, "not a regular file");
	res_free(&r);
	/* no on-disk source for lxc; bad ids */
	disk(&r, &cfg, "box", SINSP_CT_LXC);
	ck_assert_int_eq(r.rc, SINSP_RT_UNAVAILABLE);
	res_free(&r);
	disk(&r, &cfg, "a/b", SINSP_CT_DOCKER);
	ck_assert_int_eq(r.rc, SINSP_RT_ERROR);
	res_free(&r);
	disk(&r, &cfg, "..", SINSP_CT_CONTAINERD);
	ck_assert_int_eq(r.rc, SINSP_RT_ERROR);
	res_free(&r);
	fx_end(root, NULL);
}
END_TEST

/* ====================================================================== */
/* OCI bundles                                                            */
/* ====================================================================== */

/* A runtime spec with the given annotations (a JSON object's members),
 * namespaces and capabilities. */
static char *oci_spec(const char *annotations, bool hostnet, bool privileged)
{
	char *b = malloc(16384);

	ck_assert_ptr_nonnull(b);
	snprintf(b, 16384,
		 "{\"ociVersion\":\"1.0.2-dev\",\"process\":{\"user\":{\"uid\":1001,\"gid\":0},\"args\":[\"nginx\"],"
		 "\"env\":[\"PATH=/usr/bin\",\"MARATHON_APP_ID=/web\"],\"cwd\":\"/\",\"capabilities\":{\"bounding\":"
		 "[\"CAP_CHOWN\",\"CAP_KILL\"%s]}},\"root\":{\"path\":\"rootfs\"},"
		 "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\",\"options\":"
		 "[\"nosuid\"]},{\"destination\":\"/etc/hosts\",\"type\":\"bind\",\"source\":"
		 "\"/var/lib/kubelet/pods/u/etc-hosts\",\"options\":[\"rbind\",\"rprivate\",\"rw\"]},"
		 "{\"destination\":\"/var/run/secrets\",\"type\":\"bind\",\"source\":\"/var/lib/kubelet/secret\","
		 "\"options\":[\"rbind\",\"rslave\",\"ro\",\"mode=755\"]}],"
		 "\"annotations\":{%s},"
		 "\"linux\":{\"resources\":{\"devices\":[{\"allow\":%s,\"access\":\"rwm\"}],"
		 "\"memory\":{\"limit\":134217728},\"cpu\":{\"shares\":256,\"quota\":20000,\"period\":100000,"
		 "\"cpus\":\"1,3\"}},\"cgroupsPath\":\"kubepods-x.slice:cri-containerd:abc\","
		 "\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\",\"path\":\"/proc/1/ns/ipc\"},{\"type\":\"uts\"},"
		 "{\"type\":\"mount\"}%s]}}",
		 privileged ? ",\"CAP_SYS_ADMIN\"" : "", annotations, privileged ? "true" : "false",
		 hostnet ? "" : ",{\"type\":\"network\",\"path\":\"/proc/1/ns/net\"}");
	return b;
}

START_TEST(bundle_containerd)
{
	char *dir = tmp_dir();
	const char *dirs[3];
	char other[600];
	struct sinsp_runtime_cfg cfg;
	struct res r;
	char *spec;
	const char *src, *dst, *mode, *prop;
	bool rw;

	snprintf(other, sizeof(other), "%s/empty", dir);
	mkdirs(other);
	dirs[0] = other;
	dirs[1] = dir;
	dirs[2] = NULL;
	spec = oci_spec("\"io.kubernetes.cri.container-type\":\"container\","
			"\"io.kubernetes.cri.container-name\":\"nginx\","
			"\"io.kubernetes.cri.image-name\":\"docker.io/library/nginx:1.25\","
			"\"io.kubernetes.cri.sandbox-id\":\"" SBX "\","
			"\"io.kubernetes.cri.sandbox-name\":\"web-7d9f\","
			"\"io.kubernetes.cri.sandbox-namespace\":\"prod\","
			"\"io.kubernetes.cri.sandbox-uid\":\"a1b2c3d4-e5f6\"",
			false, true);
	put_file(spec, "%s/k8s.io/%s/config.json", dir, ID1);
	free(spec);
	spec = oci_spec("\"io.kubernetes.cri.container-type\":\"sandbox\","
			"\"io.kubernetes.cri.sandbox-id\":\"" SBX "\","
			"\"io.kubernetes.cri.sandbox-name\":\"web-7d9f\","
			"\"io.kubernetes.cri.sandbox-namespace\":\"prod\","
			"\"io.kubernetes.cri.sandbox-uid\":\"a1b2c3d4-e5f6\"",
			true, false);
	put_file(spec, "%s/k8s.io/%s/config.json", dir, SBX);
	free(spec);
	cfg_init(&cfg);
	cfg.bundle_dirs = dirs;

	/* a container (cri: runtime unknown -> containerd) */
	disk(&r, &cfg, ID1, SINSP_CT_CRI);
	res_load(&r, "3ad7b26ded6d");
	ck_assert_uint_eq(sinsp_container_type(r.c), SINSP_CT_CONTAINERD);
	ck_assert_str_eq(sinsp_container_name(r.c), "nginx");
	ck_assert_str_eq(sinsp_container_image(r.c), "docker.io/library/nginx:1.25");
	ck_assert_str_eq(sinsp_container_image_repo(r.c), "docker.io/library/nginx");
	ck_assert_str_eq(sinsp_container_image_tag(r.c), "1.25");
	ck_assert_str_eq(sinsp_container_k8s_pod_name(r.c), "web-7d9f");
	ck_assert_str_eq(sinsp_container_k8s_ns_name(r.c), "prod");
	ck_assert_str_eq(sinsp_container_k8s_pod_uid(r.c), "a1b2c3d4-e5f6");
	ck_assert_str_eq(sinsp_container_label(r.c, "io.kubernetes.container.name"), "nginx");
	ck_assert_str_eq(sinsp_container_label(r.c, "io.kubernetes.sandbox.id"), SBX);
	ck_assert_str_eq(field(&r, "pod_sandbox_id"), SBX);
	ck_assert_str_eq(field(&r, "is_pod_sandbox"), "false");
	ck_assert_int_eq(sinsp_container_privileged(r.c), 1);
	ck_assert_str_eq(field(&r, "host_network"), "false");
	ck_assert_str_eq(field(&r, "host_pid"), "false");
	ck_assert_str_eq(field(&r, "User"), "1001");
	ck_assert_str_eq(field(&r, "memory_limit"), "134217728");
	ck_assert_str_eq(field(&r, "cpu_shares"), "256");
	ck_assert_str_eq(field(&r, "cpu_quota"), "20000");
	ck_assert_str_eq(field(&r, "cpuset_cpu_count"), "2");
	ck_assert_int_eq(sinsp_json_size(r.d, sinsp_json_get(r.d, r.ctr, "env")), 1);
	/* bind mounts only */
	ck_assert_uint_eq(sinsp_container_mount_count(r.c), 2);
	ck_assert_int_eq(sinsp_container_mount_get(r.c, 1, &src, &dst, &mode, &rw, &prop), 0);
	ck_assert_str_eq(src, "/var/lib/kubelet/secret");
	ck_assert_str_eq(dst, "/var/run/secrets");
	ck_assert_str_eq(mode, "755");
	ck_assert(!rw);
	ck_assert_str_eq(prop, "rslave");
	ck_assert_int_eq(sinsp_container_mount_get(r.c, 0, &src, &dst, &mode, &rw, &prop), 0);
	ck_assert(rw);
	ck_assert_str_eq(prop, "rprivate");
	ck_assert_str_ne(field(&r, "created_time"), "0"); /* the bundle's mtime */
	res_free(&r);

	/* its sandbox */
	disk(&r, &cfg, SBX, SINSP_CT_CONTAINERD);
	res_load(&r, "c0ffee00c0ff");
	ck_assert_str_eq(sinsp_container_name(r.c), "web-7d9f");
	ck_assert_ptr_null(sinsp_container_image(r.c));
	ck_assert_str_eq(field(&r, "is_pod_sandbox"), "true");
	ck_assert_str_eq(field(&r, "pod_sandbox_id"), SBX);
	ck_assert_str_eq(field(&r, "host_network"), "true");
	ck_assert_int_eq(sinsp_container_privileged(r.c), 0);
	ck_assert_str_eq(sinsp_container_k8s_pod_name(r.c), "web-7d9f");
	res_free(&r);

	/* not there; no dir at all */
	disk(&r, &cfg, ID2, SINSP_CT_CONTAINERD);
	ck_assert_int_eq(r.rc, SINSP_RT_NOTFOUND);
	why_has(&r, ID2);
	res_free(&r);
	dirs[0] = "/nonexistent-rt-dir";
	dirs[1] = NULL;
	disk(&r, &cfg, ID1, SINSP_CT_CONTAINERD);
	ck_assert_int_eq(r.rc, SINSP_RT_UNAVAILABLE);
	res_free(&r);
	cfg.bundle_dirs = NULL;
	disk(&r, &cfg, ID1, SINSP_CT_CONTAINERD);
	ck_assert_int_eq(r.rc, SINSP_RT_UNAVAILABLE);
	res_free(&r);

	/* a corrupt bundle */
	dirs[0] = dir;
	cfg.bundle_dirs = dirs;
	put_file("{\"ociVersion\":\"1.0\",\"annotations\":{\"a\":", "%s/moby/%s/config.json", dir, ID2);
	disk(&r, &cfg, ID2, SINSP_CT_CONTAINERD);
	ck_assert_int_eq(r.rc, SINSP_RT_ERROR);
	why_has(&r, "corrupt");
	why_has(&r, "moby");
	res_free(&r);
	fx_end(dir, NULL);
}
END_TEST

START_TEST(bundle_crio)
{
	char *dir = tmp_dir();
	const char *dirs[2] = {dir, NULL};
	struct sinsp_runtime_cfg cfg;
	struct res r;
	char *spec;
	const char *src, *dst, *mode, *prop;
	bool rw;

	spec = oci_spec(
		"\"io.kubernetes.cri-o.ContainerType\":\"container\","
		"\"io.kubernetes.cri-o.ContainerName\":\"k8s_app_web-7d9f_prod_a1b2c3d4-e5f6_0\","
		"\"io.kubernetes.cri-o.Created\":\"2024-03-01T10:20:30.987654321Z\","
		"\"io.kubernetes.cri-o.ImageName\":\"quay.io/org/app:3.1\","
		"\"io.kubernetes.cri-o.ImageRef\":\"" IMG "\","
		"\"io.kubernetes.cri-o.Image\":\"quay.io/org/app:3.1\","
		"\"io.kubernetes.cri-o.SandboxID\":\"" SBX "\","
		"\"io.kubernetes.cri-o.Metadata\":\"{\\\"name\\\":\\\"app\\\",\\\"attempt\\\":0}\","
		"\"io.kubernetes.cri-o.Labels\":\"{\\\"io.kubernetes.container.name\\\":\\\"app\\\","
		"\\\"io.kubernetes.pod.name\\\":\\\"web-7d9f\\\",\\\"io.kubernetes.pod.namespace\\\":\\\"prod\\\","
		"\\\"io.kubernetes.pod.uid\\\":\\\"a1b2c3d4-e5f6\\\"}\","
		"\"io.kubernetes.cri-o.Volumes\":\"[{\\\"container_path\\\":\\\"/data\\\",\\\"host_path\\\":"
		"\\\"/mnt/data\\\",\\\"readonly\\\":true,\\\"propagation\\\":1,\\\"selinux_relabel\\\":false}]\"",
		false, false);
	put_file(spec, "%s/%s/userdata/config.json", dir, ID1);
	free(spec);
	spec = oci_spec("\"io.kubernetes.cri-o.ContainerType\":\"sandbox\","
			"\"io.kubernetes.cri-o.KubeName\":\"web-7d9f\","
			"\"io.kubernetes.cri-o.Namespace\":\"prod\","
			"\"io.kubernetes.cri-o.SandboxID\":\"" SBX "\","
			"\"io.kubernetes.cri-o.Metadata\":\"{\\\"name\\\":\\\"web-7d9f\\\",\\\"uid\\\":"
			"\\\"a1b2c3d4-e5f6\\\",\\\"namespace\\\":\\\"prod\\\",\\\"attempt\\\":0}\","
			"\"io.kubernetes.cri-o.Labels\":\"{\\\"app\\\":\\\"web\\\",\\\"pod-template-hash\\\":"
			"\\\"7d9f\\\",\\\"io.kubernetes.pod.name\\\":\\\"web-7d9f\\\"}\"",
			true, false);
	put_file(spec, "%s/%s/userdata/config.json", dir, SBX);
	free(spec);
	cfg_init(&cfg);
	cfg.bundle_dirs = dirs;

	disk(&r, &cfg, ID1, SINSP_CT_CRIO);
	res_load(&r, "3ad7b26ded6d");
	ck_assert_uint_eq(sinsp_container_type(r.c), SINSP_CT_CRIO);
	ck_assert_str_eq(sinsp_container_name(r.c), "app");
	ck_assert_str_eq(sinsp_container_image(r.c), "quay.io/org/app:3.1");
	ck_assert_str_eq(sinsp_container_image_repo(r.c), "quay.io/org/app");
	ck_assert_str_eq(sinsp_container_image_tag(r.c), "3.1");
	ck_assert_str_eq(sinsp_container_image_id(r.c), IMG);
	ck_assert_str_eq(sinsp_container_k8s_pod_name(r.c), "web-7d9f");
	ck_assert_str_eq(sinsp_container_k8s_ns_name(r.c), "prod");
	ck_assert_str_eq(sinsp_container_k8s_pod_uid(r.c), "a1b2c3d4-e5f6");
	ck_assert_str_eq(field(&r, "pod_sandbox_id"), SBX);
	ck_assert_str_eq(field(&r, "created_time"), "1709288430");
	ck_assert_int_eq(sinsp_container_privileged(r.c), 0);
	/* the CRI mounts of the Volumes annotation */
	ck_assert_uint_eq(sinsp_container_mount_count(r.c), 1);
	ck_assert_int_eq(sinsp_container_mount_get(r.c, 0, &src, &dst, &mode, &rw, &prop), 0);
	ck_assert_str_eq(src, "/mnt/data");
	ck_assert_str_eq(dst, "/data");
	ck_assert_str_eq(mode, "");
	ck_assert(!rw);
	ck_assert_str_eq(prop, "rslave");
	/* the pod's labels from its sandbox's bundle */
	{
		int psl = sinsp_json_get(r.d, r.ctr, "pod_sandbox_labels");
		char buf[64];
		sinsp_json_str(r.d, sinsp_json_get(r.d, psl, "pod-template-hash"), buf, sizeof(buf));
		ck_assert_str_eq(buf, "7d9f");
	}
	res_free(&r);

	disk(&r, &cfg, SBX, SINSP_CT_CRI);
	res_load(&r, "c0ffee00c0ff");
	ck_assert_uint_eq(sinsp_container_type(r.c), SINSP_CT_CRIO);
	ck_assert_str_eq(sinsp_container_name(r.c), "web-7d9f");
	ck_assert_str_eq(field(&r, "is_pod_sandbox"), "true");
	ck_assert_str_eq(sinsp_container_k8s_ns_name(r.c), "prod");
	ck_assert_str_eq(sinsp_container_k8s_pod_uid(r.c), "a1b2c3d4-e5f6");
	ck_assert_str_eq(sinsp_container_label(r.c, "app"), "web");
	ck_assert_str_eq(field(&r, "host_network"), "true");
	res_free(&r);

	/* corrupt */
	put_file("[", "%s/%s/userdata/config.json", dir, ID2);
	disk(&r, &cfg, ID2, SINSP_CT_CRIO);
	ck_assert_int_eq(r.rc, SINSP_RT_ERROR);
	why_has(&r, "userdata/config.json");
	res_free(&r);
	fx_end(dir, NULL);
}
END_TEST

/* Hostile files: random mutations of good ones never crash, and any answer
 * is accepted by the container table. */
START_TEST(disk_hostile)
{
	char *root = tmp_dir();
	const char *dirs[2] = {root, NULL};
	struct sinsp_runtime_cfg cfg;
	char path[700], *good, *spec;
	size_t n, sn;
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	int ok = 0;

	docker_files(root, ID1, "registry.local:5000/a/b:2");
	snprintf(path, sizeof(path), "%s/containers/%s/config.v2.json", root, ID1);
	good = tu_read_file(path, &n);
	ck_assert_ptr_nonnull(good);
	spec = oci_spec("\"io.kubernetes.cri-o.ContainerType\":\"container\",\"io.kubernetes.cri-o.Labels\":"
			"\"{\\\"a\\\":\\\"b\\\"}\",\"io.kubernetes.cri.sandbox-name\":\"x\"",
			false, true);
	sn = strlen(spec);
	cfg_init(&cfg);
	cfg.docker_root = root;
	cfg.bundle_dirs = dirs;
	for (int it = 0; it < 400; it++) {
		bool docker = it % 2 == 0;
		const char *src = docker ? good : spec;
		size_t len = docker ? n : sn;
		char *m = malloc(len + 1);
		struct res r;
		int muts;
		memcpy(m, src, len + 1);
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		muts = 1 + (int)(seed % 4);
		for (int k = 0; k < muts; k++) {
			static const char pool[] = "{}[]\":,\\ 0aZ\x01\xff\xc3u";
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			m[seed % len] = pool[(seed >> 32) % (sizeof(pool) - 1)];
		}
		if (docker) {
			put_file(m, "%s/containers/%s/config.v2.json", root, ID1);
			disk(&r, &cfg, ID1, SINSP_CT_DOCKER);
		} else {
			put_file(m, "%s/%s/config.json", root, ID2);
			disk(&r, &cfg, ID2, SINSP_CT_CONTAINERD);
		}
		ck_assert_msg(r.rc == SINSP_RT_OK || r.rc == SINSP_RT_ERROR, "rc %d", r.rc);
		if (r.rc == SINSP_RT_OK) {
			struct sinsp_containers *t = sinsp_containers_new();
			char err[256];
			ck_assert_msg(sinsp_containers_add_json(t, r.json, r.len, err, sizeof(err)) == 0, "%s: %s", err,
				      r.json);
			sinsp_containers_free(t);
			ok++;
		} else {
			ck_assert(r.why[0]);
		}
		free(r.json);
		free(m);
	}
	ck_assert_int_gt(ok, 0);
	free(good);
	free(spec);
	fx_end(root, NULL);
}
END_TEST

/* ====================================================================== */
/* Helpers                                                                */
/* ====================================================================== */

START_TEST(split_image)
{
	static const char *const cases[][4] = {
		/* image, repo, tag, digest: upstream's split_container_image() */
		{"tiny:1", "tiny", "1", ""},
		{"busybox", "busybox", "", ""},
		{"registry.local:5000/a/b:2", "registry.local:5000/a/b", "2", ""},
		{"img@sha256:abc", "img", "", "sha256:abc"},
		{"docker.io/library/redis:7@sha256:abc", "docker.io/library/redis", "7", "sha256:abc"},
		{"localhost:5000/x", "localhost:5000/x", "", ""},
		{"a/b:c:d", "a/b", "c:d", ""},
		{"", "", "", ""},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sinsp_rt_info ci;
		sinsp_rt_info_init(&ci, 0, 100);
		sinsp_rt_split_image(&ci, cases[i][0], &ci.imagerepo, &ci.imagetag, &ci.imagedigest);
		ck_assert(!ci.oom);
		ck_assert_msg(strcmp(ci.imagerepo, cases[i][1]) == 0 && strcmp(ci.imagetag, cases[i][2]) == 0 &&
				      strcmp(ci.imagedigest, cases[i][3]) == 0,
			      "%s: %s | %s | %s", cases[i][0], ci.imagerepo, ci.imagetag, ci.imagedigest);
		sinsp_rt_info_free(&ci);
	}
	ck_assert_int_eq(sinsp_rt_cpuset_count("0-3,5"), 5);
	ck_assert_int_eq(sinsp_rt_cpuset_count("7"), 1);
	ck_assert_int_eq(sinsp_rt_cpuset_count("3-1"), -1);
	ck_assert_int_eq(sinsp_rt_cpuset_count("a"), -1);
	ck_assert_int_eq(sinsp_rt_cpuset_count("1,"), -1);
	ck_assert_int_eq(sinsp_rt_parse_time("2024-03-01T10:20:30Z"), 1709288430);
	ck_assert_int_eq(sinsp_rt_parse_time("garbage"), 0);
	ck_assert_int_eq(sinsp_rt_parse_time("0001-01-01T00:00:00Z") < 0, 1);
}
END_TEST

START_TEST(sinsp_json_helpers)
{
	struct sinsp_json_doc *d = NULL;
	char err[128], buf[8];
	int64_t v;
	bool b;
	const char *js = "{\"a\":{\"b\":[1,-2.9,3e2,\"x\",true,null]},\"s\":\"\\u00e9\\u00e9\\u00e9\","
			 "\"k\\u0065y\":1,\"a\":{\"b\":[7]},\"big\":99999999999999999999}";

	ck_assert_int_eq(sinsp_json_parse(js, strlen(js), 100, 8, &d, err, sizeof(err)), 0);
	/* the last duplicate wins; escaped keys match */
	ck_assert(sinsp_json_i64(d, sinsp_json_at(d, sinsp_json_getv(d, 0, "a", "b", NULL), 0), &v) && v == 7);
	ck_assert_int_ge(sinsp_json_get(d, 0, "key"), 0);
	ck_assert(sinsp_json_i64(d, sinsp_json_get(d, 0, "big"), &v) && v == INT64_MAX);
	ck_assert_int_eq(sinsp_json_get(d, 0, "nope"), -1);
	ck_assert_int_eq(sinsp_json_get(d, -1, "a"), -1);
	/* a cut never splits a UTF-8 sequence */
	ck_assert_uint_eq(sinsp_json_str(d, sinsp_json_get(d, 0, "s"), buf, sizeof(buf)), 6);
	ck_assert_str_eq(buf, "\xc3\xa9\xc3\xa9\xc3\xa9");
	ck_assert_uint_eq(sinsp_json_str(d, sinsp_json_get(d, 0, "s"), buf, 6), 6);
	ck_assert_str_eq(buf, "\xc3\xa9\xc3\xa9");
	sinsp_json_free(d);
	js = "[1,-2.9,3e2,\"x\",true,null,1.5e-1]";
	ck_assert_int_eq(sinsp_json_parse(js, strlen(js), 100, 8, &d, err, sizeof(err)), 0);
	ck_assert(sinsp_json_i64(d, sinsp_json_at(d, 0, 1), &v) && v == -2);
	ck_assert(sinsp_json_i64(d, sinsp_json_at(d, 0, 2), &v) && v == 300);
	ck_assert(sinsp_json_i64(d, sinsp_json_at(d, 0, 6), &v) && v == 0);
	ck_assert(!sinsp_json_i64(d, sinsp_json_at(d, 0, 3), &v));
	ck_assert(sinsp_json_bool(d, sinsp_json_at(d, 0, 4), &b) && b);
	ck_assert(sinsp_json_is_null(d, sinsp_json_at(d, 0, 5)));
	ck_assert_int_eq(sinsp_json_at(d, 0, 7), -1);
	sinsp_json_free(d);
	/* refusals */
	ck_assert_int_eq(sinsp_json_parse("[[[[1]]]]", 9, 100, 3, &d, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "nested too deep");
	ck_assert_int_eq(sinsp_json_parse("[1,2,3,4]", 9, 3, 8, &d, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "too many values"));
	ck_assert_int_eq(sinsp_json_parse("{\"a\":1", 6, 100, 8, &d, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "truncated");
	ck_assert_int_eq(sinsp_json_parse("{} x", 4, 100, 8, &d, err, sizeof(err)), -1);
	ck_assert_int_eq(sinsp_json_parse("\"s\"", 3, 100, 8, &d, err, sizeof(err)), -1);
	ck_assert_int_eq(sinsp_json_parse("{\"a\":\0}", 7, 100, 8, &d, err, sizeof(err)), -1);
	ck_assert_int_eq(sinsp_json_parse("  \n", 3, 100, 8, &d, err, sizeof(err)), -1);
	ck_assert_ptr_null(d);
}
END_TEST

START_TEST(sinsp_json_writer)
{
	struct sinsp_json_writer w;
	struct sinsp_json_doc *d = NULL;
	char *out, err[128], buf[64];
	size_t n;
	int e;

	sinsp_json_writer_init(&w, 1000);
	sinsp_json_w_obj(&w, NULL);
	sinsp_json_w_str(&w, "q\"k", "a\"b\\c\n\t\x01\x1f\x7f\xc3\xa9 \xff\xc3 \xed\xa0\x80 \xf0\x9f\x98\x80");
	sinsp_json_w_i64(&w, "n", -5);
	sinsp_json_w_u64(&w, "u", UINT64_MAX);
	sinsp_json_w_bool(&w, "t", true);
	sinsp_json_w_null(&w, "z");
	sinsp_json_w_arr(&w, "a");
	sinsp_json_w_str(&w, NULL, NULL);
	sinsp_json_w_obj(&w, NULL);
	sinsp_json_w_end(&w);
	sinsp_json_w_end(&w);
	sinsp_json_w_end(&w);
	out = sinsp_json_writer_take(&w, &n, &e);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(e, 0);
	ck_assert_str_eq(out, "{\"q\\\"k\":\"a\\\"b\\\\c\\n\\t\\u0001\\u001f\x7f\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd "
			      "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xf0\x9f\x98\x80\",\"n\":-5,"
			      "\"u\":18446744073709551615,\"t\":true,\"z\":null,\"a\":[\"\",{}]}");
	ck_assert_int_eq(sinsp_json_parse(out, n, 100, 8, &d, err, sizeof(err)), 0);
	sinsp_json_str(d, sinsp_json_get(d, 0, "q\"k"), buf, sizeof(buf));
	ck_assert_uint_eq((unsigned char)buf[7], 1);
	sinsp_json_free(d);
	free(out);
	/* the cap */
	sinsp_json_writer_init(&w, 10);
	sinsp_json_w_obj(&w, NULL);
	sinsp_json_w_str(&w, "key", "a long value");
	sinsp_json_w_end(&w);
	ck_assert_ptr_null(sinsp_json_writer_take(&w, &n, &e));
	ck_assert_int_eq(e, SINSP_JSON_WERR_TOOBIG);
	/* unbalanced, too deep */
	sinsp_json_writer_init(&w, 1000);
	sinsp_json_w_obj(&w, NULL);
	ck_assert_ptr_null(sinsp_json_writer_take(&w, &n, &e));
	ck_assert_int_eq(e, SINSP_JSON_WERR_DEPTH);
	sinsp_json_writer_init(&w, 1000);
	for (int i = 0; i < SINSP_JSON_WRITER_MAX_DEPTH + 2; i++)
		sinsp_json_w_arr(&w, NULL);
	ck_assert_ptr_null(sinsp_json_writer_take(&w, &n, &e));
	ck_assert_int_eq(e, SINSP_JSON_WERR_DEPTH);
}
END_TEST

Suite *runtime_suite(void)
{
	Suite *s = suite_create("runtime");
	TCase *tc = tcase_create("api");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, api_docker_good);
	tcase_add_test(tc, api_docker_images);
	tcase_add_test(tc, api_podman);
	tcase_add_test(tc, api_version_fallback_and_netowner);
	tcase_add_test(tc, api_notfound_unavailable);
	tcase_add_test(tc, api_permission_denied);
	tcase_add_test(tc, api_silent_daemon);
	tcase_add_test(tc, api_bad_answers);
	tcase_add_test(tc, api_threads);
	suite_add_tcase(s, tc);
	tc = tcase_create("disk");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, disk_docker_good);
	tcase_add_test(tc, disk_docker_errors);
	tcase_add_test(tc, bundle_containerd);
	tcase_add_test(tc, bundle_crio);
	tcase_add_test(tc, disk_hostile);
	suite_add_tcase(s, tc);
	tc = tcase_create("helpers");
	tcase_add_test(tc, split_image);
	tcase_add_test(tc, sinsp_json_helpers);
	tcase_add_test(tc, sinsp_json_writer);
	suite_add_tcase(s, tc);
	return s;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bpf probe's syscall coverage, live (root, kernel BTF, engine built;
 * otherwise a loud "SKIP: bpf: <reason>" line and a pass). A forked child
 * runs a workload of file, socket, namespace, credential and process
 * syscalls with unique values (recorded in shared memory); the parent reads
 * the engine meanwhile, keeps the child's (and grandchild's) exit events and
 * then checks them parameter by parameter. Every event read during the run
 * (any process) is also checked against the schema: nparams and the exact
 * width of every fixed-size parameter.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scap.h"
#include "test_util.h"
#include "../libscap/kernel/ppm_flags.h"

#define WAIT_SECONDS 10

/* ---- copies of raw events (header, u16 lengths, data) ---- */
struct ev {
	uint16_t type;
	int64_t tid;
	uint32_t nparams;
	uint8_t *raw;
	uint32_t len;
};

static struct ev *g_ev;
static size_t g_nev, g_cap;

static void keep(const scap_evt_t *e)
{
	if (g_nev == g_cap) {
		g_cap = g_cap ? 2 * g_cap : 256;
		g_ev = realloc(g_ev, g_cap * sizeof(*g_ev));
		ck_assert_ptr_nonnull(g_ev);
	}
	struct ev *c = &g_ev[g_nev++];
	c->type = scap_evt_type(e);
	c->tid = scap_evt_tid(e);
	c->nparams = scap_evt_nparams(e);
	c->len = scap_evt_len(e);
	c->raw = malloc(c->len);
	ck_assert_ptr_nonnull(c->raw);
	memcpy(c->raw, scap_evt_raw(e), c->len);
}

static void free_events(void)
{
	for (size_t i = 0; i < g_nev; i++)
		free(g_ev[i].raw);
	free(g_ev);
	g_ev = NULL;
	g_nev = g_cap = 0;
}

/* parameter i of a copy (V2 header: 26 bytes, u16 lengths) */
static const uint8_t *par(const struct ev *c, uint32_t i, uint32_t *len)
{
	uint32_t off = 26 + c->nparams * 2;
	ck_assert_uint_lt(i, c->nparams);
	for (uint32_t k = 0; k < i; k++) {
		uint16_t l;
		memcpy(&l, c->raw + 26 + 2 * k, 2);
		off += l;
	}
	uint16_t l;
	memcpy(&l, c->raw + 26 + 2 * i, 2);
	ck_assert_uint_le(off + l, c->len);
	*len = l;
	return c->raw + off;
}

/* A fixed-width parameter (little endian), its length checked. */
static uint64_t pnum(const struct ev *c, uint32_t i, uint32_t width)
{
	uint32_t l;
	const uint8_t *p = par(c, i, &l);
	uint64_t v = 0;
	ck_assert_msg(l == width, "event %u param %u: length %u, want %u", c->type, i, l, width);
	memcpy(&v, p, width);
	return v;
}
#define pi64(c, i) ((int64_t)pnum((c), (i), 8))
#define pu32(c, i) ((uint32_t)pnum((c), (i), 4))
#define pu16(c, i) ((uint16_t)pnum((c), (i), 2))
#define pu8(c, i) ((uint8_t)pnum((c), (i), 1))

static void pbytes(const struct ev *c, uint32_t i, const void *want, uint32_t wlen)
{
	uint32_t l;
	const uint8_t *p = par(c, i, &l);
	ck_assert_msg(l == wlen && (wlen == 0 || memcmp(p, want, wlen) == 0),
		      "event %u (%s) param %u: length %u, want %u", c->type, scap_event_name(c->type), i, l,
		      wlen);
}

static void pstr(const struct ev *c, uint32_t i, const char *s)
{
	pbytes(c, i, s, (uint32_t)strlen(s) + 1);
}

/* the n-th (0-based) kept event of this type and tid */
static const struct ev *find_nth(uint16_t type, int64_t tid, int n)
{
	for (size_t i = 0; i < g_nev; i++)
		if (g_ev[i].type == type && g_ev[i].tid == tid && n-- == 0)
			return &g_ev[i];
	ck_abort_msg("no event %u (%s) #%d of tid %" PRId64, type, scap_event_name(type), n, tid);
	return NULL;
}

static const struct ev *find(uint16_t type, int64_t tid)
{
	return find_nth(type, tid, 0);
}

/* the first event of this type and tid whose param i is the string s */
static const struct ev *find_str(uint16_t type, int64_t tid, uint32_t i, const char *s)
{
	for (size_t k = 0; k < g_nev; k++) {
		const struct ev *c = &g_ev[k];
		uint32_t l;
		if (c->type != type || c->tid != tid || i >= c->nparams)
			continue;
		const uint8_t *p = par(c, i, &l);
		if (l == strlen(s) + 1 && memcmp(p, s, l) == 0)
			return c;
	}
	ck_abort_msg("no event %u (%s) of tid %" PRId64 " with param %u = %s", type, scap_event_name(type), tid, i,
		     s);
	return NULL;
}

/* the first event of this type and tid whose param i is the i64 v */
static const struct ev *find_i64(uint16_t type, int64_t tid, uint32_t i, int64_t v)
{
	for (size_t k = 0; k < g_nev; k++) {
		const struct ev *c = &g_ev[k];
		uint32_t l;
		if (c->type != type || c->tid != tid || i >= c->nparams)
			continue;
		const uint8_t *p = par(c, i, &l);
		int64_t x;
		if (l == 8 && (memcpy(&x, p, 8), x == v))
			return c;
	}
	ck_abort_msg("no event %u (%s) of tid %" PRId64 " with param %u = %" PRId64, type, scap_event_name(type),
		     tid, i, v);
	return NULL;
}

/* ---- schema agreement of one event ---- */
static uint64_t g_checked;

static void check_schema(const scap_evt_t *e)
{
	uint16_t t = scap_evt_type(e);
	ck_assert_uint_lt(t, scap_event_max());
	const char *name = scap_event_name(t);
	uint32_t np = scap_event_nparams(t);
	ck_assert_msg(scap_evt_nparams(e) == np, "event %u (%s): %u params, schema %u", t, name,
		      scap_evt_nparams(e), np);
	uint32_t sum = 26 + 2 * np;
	for (uint32_t i = 0; i < np; i++) {
		const void *d;
		uint32_t len;
		ck_assert_int_eq(scap_evt_param(e, i, &d, &len), SCAP_OK);
		uint32_t want = scap_ptype_size(scap_event_param_type(t, i));
		if (want)
			ck_assert_msg(len == want, "event %u (%s) param %u (%s): length %u, type size %u", t, name, i,
				      scap_event_param_name(t, i), len, want);
		sum += len;
	}
	ck_assert_msg(sum == scap_evt_len(e), "event %u (%s): len %u, sum of parts %u", t, name,
		      scap_evt_len(e), sum);
	g_checked++;
}

/* ---- engine ---- */

/* ---- the workload ---- */
struct shared {
	pid_t grandchild;
	int fd_w, fd_r, fd_dup, pipe_fds[2];
	uint64_t ino_w, ino_pipe;
	int srv, cli, acc, usrv, ucli;
	uint16_t port, cli_port;
	int ns_fd;
	int step; /* last step reached, for diagnostics */
	char dir[128], f1[160], f2[160], f3[160], sub[160], mnt[160], upath[160];
	char uniq[64];
};

#define PAYLOAD_LEN 200

static void payload(char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)('A' + i % 26);
}

static void workload(struct shared *sh)
{
	char buf[PAYLOAD_LEN], rbuf[256];
	struct stat st;
	int fd;

	payload(buf, sizeof(buf));
	/* files */
	sh->step = 1;
	fd = openat(AT_FDCWD, sh->f1, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0)
		_exit(10);
	sh->fd_w = fd;
	fstat(fd, &st);
	sh->ino_w = st.st_ino;
	if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
		_exit(11);
	if (pwrite(fd, "xyz", 3, 1000) != 3)
		_exit(12);
	struct iovec iov[2] = {{"hello ", 6}, {"world", 5}};
	if (writev(fd, iov, 2) != 11)
		_exit(13);
	close(fd);
	sh->step = 2;
	fd = syscall(SYS_open, sh->f1, O_RDONLY);
	sh->fd_r = fd;
	if (read(fd, rbuf, 50) != 50)
		_exit(14);
	char r1[10], r2[20];
	struct iovec riov[2] = {{r1, sizeof(r1)}, {r2, sizeof(r2)}};
	if (readv(fd, riov, 2) != 30)
		_exit(15);
	if (pread(fd, rbuf, 7, 3) != 7)
		_exit(16);
	sh->fd_dup = dup(fd);
	dup2(fd, 100);
	dup3(fd, 101, O_CLOEXEC);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	fchmod(fd, 0604);
	close(fd);
	chmod(sh->f1, 0600);
	fchmodat(AT_FDCWD, sh->f1, 04755, 0);
	mkdir(sh->sub, 0750);
	rename(sh->f1, sh->f2);
	syscall(SYS_renameat2, AT_FDCWD, sh->f2, AT_FDCWD, sh->f3, 1 /* RENAME_NOREPLACE */);
	unlinkat(AT_FDCWD, sh->sub, AT_REMOVEDIR);
	unlink(sh->f3);
	if (pipe2(sh->pipe_fds, O_CLOEXEC) == 0) {
		fstat(sh->pipe_fds[0], &st);
		sh->ino_pipe = st.st_ino;
	}
	sh->step = 3;
	/* credentials */
	setuid(getuid());
	setresgid((gid_t)-1, (gid_t)-1, (gid_t)-1);
	/* sockets: a loopback TCP connection to ourselves */
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	sh->srv = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bind(sh->srv, (struct sockaddr *)&a, sizeof(a));
	getsockname(sh->srv, (struct sockaddr *)&a, &al);
	sh->port = ntohs(a.sin_port);
	listen(sh->srv, 7);
	sh->cli = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(sh->cli, (struct sockaddr *)&a, sizeof(a)) != 0)
		_exit(20);
	struct sockaddr_in c;
	al = sizeof(c);
	getsockname(sh->cli, (struct sockaddr *)&c, &al);
	sh->cli_port = ntohs(c.sin_port);
	sh->acc = accept4(sh->srv, NULL, NULL, SOCK_CLOEXEC);
	sendto(sh->cli, "ping", 4, 0, NULL, 0);
	recvfrom(sh->acc, rbuf, sizeof(rbuf), 0, NULL, NULL);
	struct iovec miov[2] = {{"sendmsg ", 8}, {"data", 4}};
	struct msghdr mh = {.msg_iov = miov, .msg_iovlen = 2};
	sendmsg(sh->cli, &mh, 0);
	struct iovec rmiov = {rbuf, sizeof(rbuf)};
	struct msghdr rmh = {.msg_iov = &rmiov, .msg_iovlen = 1};
	recvmsg(sh->acc, &rmh, 0);
	/* AF_UNIX */
	struct sockaddr_un u = {.sun_family = AF_UNIX};
	ck_assert_uint_lt(strlen(sh->upath), sizeof(u.sun_path));
	memcpy(u.sun_path, sh->upath, strlen(sh->upath) + 1);
	sh->usrv = socket(AF_UNIX, SOCK_STREAM, 0);
	bind(sh->usrv, (struct sockaddr *)&u, sizeof(u));
	listen(sh->usrv, 1);
	sh->ucli = socket(AF_UNIX, SOCK_STREAM, 0);
	connect(sh->ucli, (struct sockaddr *)&u, sizeof(u));
	accept(sh->usrv, NULL, NULL);
	sh->step = 4;
	/* namespaces and mounts (a private mount namespace) */
	unshare(CLONE_NEWNS | CLONE_NEWUTS);
	mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	mkdir(sh->mnt, 0700);
	mount("scapkit_src", sh->mnt, "tmpfs", MS_NOSUID | MS_NODEV, NULL);
	umount2(sh->mnt, MNT_DETACH);
	rmdir(sh->mnt);
	sh->ns_fd = open("/proc/self/ns/uts", O_RDONLY);
	setns(sh->ns_fd, CLONE_NEWUTS);
	/* ptrace that fails: no such process */
	ptrace(PTRACE_PEEKDATA, 0x7ffffff0, (void *)0x1234, (void *)0x5678);
	sched_yield(); /* a generic syscall */
	sh->step = 5;
	/* fork, then exec in the grandchild */
	pid_t g = fork();
	if (g == 0) {
		char *argv[] = {"true", sh->uniq, "second arg", NULL};
		char env1[96];
		snprintf(env1, sizeof(env1), "SCAPKIT_ENV=%s", sh->uniq);
		char *envp[] = {env1, "B=2", NULL};
		if (chdir(sh->dir) != 0)
			_exit(30);
		execve("/bin/true", argv, envp);
		_exit(31);
	}
	sh->grandchild = g;
	int status;
	waitpid(g, &status, 0);
	sh->step = 6;
}

/* the cgroup path of this process for one controller, from
 * /proc/self/cgroup: its v1 hierarchy's line, else the v2 line "0::/path" */
static void own_cgroup(const char *ctrl, char *out, size_t n)
{
	FILE *f = fopen("/proc/self/cgroup", "r");
	char line[256], v2[256] = "";
	out[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		if (strcmp(line, "0") == 0 && c1[1] == '\0') {
			snprintf(v2, sizeof(v2), "%s", c2 + 1);
			continue;
		}
		for (char *tok = strtok(c1 + 1, ","); tok; tok = strtok(NULL, ","))
			if (strcmp(tok, ctrl) == 0)
				snprintf(out, n, "%s", c2 + 1);
	}
	fclose(f);
	if (!out[0])
		snprintf(out, n, "%s", v2);
}

static int has_item(const uint8_t *p, uint32_t len, const char *item)
{
	size_t il = strlen(item) + 1;
	for (uint32_t off = 0; off < len;) {
		size_t l = strnlen((const char *)p + off, len - off) + 1;
		if (l == il && memcmp(p + off, item, il) == 0)
			return 1;
		off += l;
	}
	return 0;
}


START_TEST(bpf_sys_families)
{
	scap_t *h = tu_open_bpf(64u * 1024 * 1024);
	if (!h)
		return;
	struct shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(sh, MAP_FAILED);
	memset(sh, 0, sizeof(*sh));
	snprintf(sh->uniq, sizeof(sh->uniq), "scapkit-%d-%ld", getpid(), (long)time(NULL));
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(sh->dir, sizeof(sh->dir), "%s/%s", tmp, sh->uniq);
	ck_assert_int_eq(mkdir(sh->dir, 0700), 0);
	snprintf(sh->f1, sizeof(sh->f1), "%s/f1", sh->dir);
	snprintf(sh->f2, sizeof(sh->f2), "%s/f2", sh->dir);
	snprintf(sh->f3, sizeof(sh->f3), "%s/f3", sh->dir);
	snprintf(sh->sub, sizeof(sh->sub), "%s/sub", sh->dir);
	snprintf(sh->mnt, sizeof(sh->mnt), "%s/mnt", sh->dir);
	snprintf(sh->upath, sizeof(sh->upath), "%s/u.sock", sh->dir);

	/* drain what is already there */
	const scap_evt_t *e;
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		workload(sh);
		_exit(0);
	}
	uint64_t deadline = (uint64_t)time(NULL) + WAIT_SECONDS;
	int exited = 0, status = 0, seen_exit = 0;
	while ((uint64_t)time(NULL) < deadline && !(exited && seen_exit)) {
		int rc = scap_next(h, &e);
		if (rc != SCAP_TIMEOUT) {
			ck_assert_int_eq(rc, SCAP_OK);
			check_schema(e);
			int64_t tid = scap_evt_tid(e);
			if (tid == child || (sh->grandchild && tid == sh->grandchild)) {
				keep(e);
				if (tid == child && scap_evt_type(e) == 186)
					seen_exit = 1;
			}
		}
		if (!exited && waitpid(child, &status, WNOHANG) == child)
			exited = 1;
	}
	struct scap_stats stt = {.sz = sizeof(stt)};
	scap_get_stats(h, &stt);
	printf("bpf_sys: %zu events of the workload kept, %" PRIu64 " checked against the schema, drops %" PRIu64
	       " (buffer %" PRIu64 ", too large %" PRIu64 ", probe %" PRIu64 ")\n",
	       g_nev, g_checked, stt.n_drops, stt.n_drops_buffer, stt.n_drops_too_large, stt.n_drops_probe);
	scap_close(h);
	ck_assert_msg(exited && WIFEXITED(status) && WEXITSTATUS(status) == 0, "workload failed at step %d (status %d)",
		      sh->step, status);
	ck_assert_msg(seen_exit, "the workload's procexit was not seen");
	ck_assert_uint_eq(stt.n_drops_probe, 0);
	ck_assert_uint_eq(stt.n_drops_too_large, 0);

	const struct ev *c;
	char buf[PAYLOAD_LEN];
	payload(buf, sizeof(buf));

	/* openat */
	c = find_str(307, child, 2, sh->f1);
	ck_assert_int_eq(pi64(c, 0), sh->fd_w);
	ck_assert_int_eq(pi64(c, 1), AT_FDCWD);
	ck_assert_uint_eq(pu32(c, 3), PPM_O_WRONLY | PPM_O_CREAT | PPM_O_TRUNC | PPM_O_CLOEXEC | PPM_O_F_CREATED);
	ck_assert_uint_eq(pu32(c, 4), 0640);
	ck_assert_uint_eq((uint64_t)pi64(c, 6), sh->ino_w);
	/* write: data cut at the default snaplen (80) */
	c = find_i64(9, child, 2, sh->fd_w);
	ck_assert_int_eq(pi64(c, 0), PAYLOAD_LEN);
	pbytes(c, 1, buf, 80);
	ck_assert_uint_eq(pu32(c, 3), PAYLOAD_LEN);
	/* pwrite64 */
	c = find(115, child);
	ck_assert_int_eq(pi64(c, 0), 3);
	pbytes(c, 1, "xyz", 3);
	ck_assert_int_eq(pi64(c, 2), sh->fd_w);
	ck_assert_uint_eq(pu32(c, 3), 3);
	ck_assert_int_eq(pi64(c, 4), 1000);
	/* writev */
	c = find(119, child);
	ck_assert_int_eq(pi64(c, 0), 11);
	pbytes(c, 1, "hello world", 11);
	ck_assert_int_eq(pi64(c, 2), sh->fd_w);
	ck_assert_uint_eq(pu32(c, 3), 11);
	/* close */
	c = find_i64(5, child, 1, sh->fd_w);
	ck_assert_int_eq(pi64(c, 0), 0);
	/* open */
	c = find_str(3, child, 1, sh->f1);
	ck_assert_int_eq(pi64(c, 0), sh->fd_r);
	ck_assert_uint_eq(pu32(c, 2), PPM_O_RDONLY);
	ck_assert_uint_eq(pu32(c, 3), 0);
	ck_assert_uint_eq((uint64_t)pi64(c, 5), sh->ino_w);
	/* read, readv, pread64 */
	c = find_i64(7, child, 2, sh->fd_r);
	ck_assert_int_eq(pi64(c, 0), 50);
	pbytes(c, 1, buf, 50);
	ck_assert_uint_eq(pu32(c, 3), 50);
	c = find(117, child);
	ck_assert_int_eq(pi64(c, 0), 30);
	ck_assert_uint_eq(pu32(c, 1), 30);
	pbytes(c, 2, buf + 50, 30);
	ck_assert_int_eq(pi64(c, 3), sh->fd_r);
	c = find(113, child);
	ck_assert_int_eq(pi64(c, 0), 7);
	pbytes(c, 1, buf + 3, 7);
	ck_assert_int_eq(pi64(c, 4), 3);
	/* dup family */
	c = find(367, child);
	ck_assert_int_eq(pi64(c, 0), sh->fd_dup);
	ck_assert_int_eq(pi64(c, 1), sh->fd_r);
	c = find(363, child);
	ck_assert_int_eq(pi64(c, 0), 100);
	ck_assert_int_eq(pi64(c, 2), 100);
	c = find(365, child);
	ck_assert_int_eq(pi64(c, 0), 101);
	ck_assert_int_eq(pi64(c, 1), sh->fd_r);
	ck_assert_int_eq(pi64(c, 2), 101);
	ck_assert_uint_eq(pu32(c, 3), PPM_O_CLOEXEC);
	/* fcntl */
	c = find_i64(151, child, 1, sh->fd_r);
	ck_assert_uint_eq(pu8(c, 2), 5 /* PPM_FCNTL_F_SETFL */);
	ck_assert_int_eq(pi64(c, 3), O_NONBLOCK);
	/* chmod family */
	c = find(317, child);
	ck_assert_int_eq(pi64(c, 1), sh->fd_r);
	ck_assert_uint_eq(pu32(c, 2), 0604);
	c = find_str(315, child, 1, sh->f1);
	ck_assert_int_eq(pi64(c, 0), 0);
	ck_assert_uint_eq(pu32(c, 2), 0600);
	c = find_str(313, child, 2, sh->f1);
	ck_assert_int_eq(pi64(c, 1), AT_FDCWD);
	ck_assert_uint_eq(pu32(c, 3), 04755);
	/* mkdir, rename, renameat2, unlinkat, unlink */
	c = find_str(277, child, 1, sh->sub);
	ck_assert_uint_eq(pu32(c, 2), 0750);
	c = find_str(175, child, 1, sh->f1);
	ck_assert_int_eq(pi64(c, 0), 0);
	pstr(c, 2, sh->f2);
	c = find_str(319, child, 2, sh->f2);
	ck_assert_int_eq(pi64(c, 0), 0);
	ck_assert_int_eq(pi64(c, 1), AT_FDCWD);
	ck_assert_int_eq(pi64(c, 3), AT_FDCWD);
	pstr(c, 4, sh->f3);
	ck_assert_uint_eq(pu32(c, 5), 1 /* RENAME_NOREPLACE */);
	c = find_str(303, child, 2, sh->sub);
	ck_assert_int_eq(pi64(c, 0), 0);
	ck_assert_uint_eq(pu32(c, 3), 0x200 /* AT_REMOVEDIR */);
	c = find_str(301, child, 1, sh->f3);
	ck_assert_int_eq(pi64(c, 0), 0);
	/* pipe2 */
	c = find(393, child);
	ck_assert_int_eq(pi64(c, 0), 0);
	ck_assert_int_eq(pi64(c, 1), sh->pipe_fds[0]);
	ck_assert_int_eq(pi64(c, 2), sh->pipe_fds[1]);
	ck_assert_uint_eq((uint64_t)pi64(c, 3), sh->ino_pipe);
	ck_assert_uint_eq(pu32(c, 4), scap_open_flags_to_ppm(O_CLOEXEC));
	/* credentials */
	c = find(199, child);
	ck_assert_int_eq(pi64(c, 0), 0);
	ck_assert_uint_eq(pu32(c, 1), getuid());
	c = find(195, child);
	ck_assert_uint_eq(pu32(c, 1), UINT32_MAX);
	ck_assert_uint_eq(pu32(c, 3), UINT32_MAX);

	/* sockets */
	uint8_t want[64];
	uint32_t lo = htonl(INADDR_LOOPBACK);
	c = find_i64(19, child, 0, sh->srv);
	ck_assert_uint_eq(pu32(c, 1), PPM_AF_INET);
	ck_assert_uint_eq(pu32(c, 2), SOCK_STREAM | SOCK_CLOEXEC);
	ck_assert_uint_eq(pu32(c, 3), 0);
	ck_assert_uint_eq(pu32(c, 4), PPM_O_CLOEXEC);
	c = find_i64(21, child, 2, sh->srv); /* bind to port 0 */
	ck_assert_int_eq(pi64(c, 0), 0);
	want[0] = PPM_AF_INET;
	memcpy(want + 1, &lo, 4);
	memset(want + 5, 0, 2);
	pbytes(c, 1, want, 7);
	c = find_i64(25, child, 1, sh->srv);
	ck_assert_uint_eq(pu32(c, 2), 7);
	c = find_i64(23, child, 2, sh->cli);
	ck_assert_int_eq(pi64(c, 0), 0);
	/* tuple: local (client) first */
	want[0] = PPM_AF_INET;
	memcpy(want + 1, &lo, 4);
	memcpy(want + 5, &sh->cli_port, 2);
	memcpy(want + 7, &lo, 4);
	memcpy(want + 11, &sh->port, 2);
	pbytes(c, 1, want, 13);
	uint8_t sa[7] = {PPM_AF_INET};
	memcpy(sa + 1, &lo, 4);
	memcpy(sa + 5, &sh->port, 2);
	pbytes(c, 3, sa, 7);
	/* accept4: the remote peer (client) first */
	c = find_i64(389, child, 0, sh->acc);
	pbytes(c, 1, want, 13);
	ck_assert_uint_eq(pu32(c, 4), 7); /* queuemax = backlog */
	ck_assert_int_eq((int32_t)pu32(c, 5), SOCK_CLOEXEC);
	/* sendto / recvfrom */
	c = find_i64(31, child, 2, sh->cli);
	ck_assert_int_eq(pi64(c, 0), 4);
	pbytes(c, 1, "ping", 4);
	ck_assert_uint_eq(pu32(c, 3), 4);
	pbytes(c, 4, want, 13);
	c = find_i64(35, child, 3, sh->acc);
	ck_assert_int_eq(pi64(c, 0), 4);
	pbytes(c, 1, "ping", 4);
	pbytes(c, 2, want, 13); /* inbound: the peer first */
	/* sendmsg / recvmsg */
	c = find_i64(49, child, 2, sh->cli);
	ck_assert_int_eq(pi64(c, 0), 12);
	pbytes(c, 1, "sendmsg data", 12);
	ck_assert_uint_eq(pu32(c, 3), 12);
	pbytes(c, 4, want, 13);
	c = find_i64(53, child, 5, sh->acc);
	ck_assert_int_eq(pi64(c, 0), 12);
	pbytes(c, 2, "sendmsg data", 12);
	pbytes(c, 3, want, 13);
	/* AF_UNIX connect: family, two kernel pointers, the server's path */
	c = find_i64(23, child, 2, sh->ucli);
	ck_assert_int_eq(pi64(c, 0), 0);
	{
		uint32_t l;
		const uint8_t *p = par(c, 1, &l);
		ck_assert_uint_eq(l, 17 + strlen(sh->upath) + 1);
		ck_assert_uint_eq(p[0], PPM_AF_UNIX);
		ck_assert_str_eq((const char *)p + 17, sh->upath);
		p = par(c, 3, &l);
		ck_assert_uint_eq(l, 1 + strlen(sh->upath) + 1);
		ck_assert_uint_eq(p[0], PPM_AF_UNIX);
		ck_assert_str_eq((const char *)p + 1, sh->upath);
	}

	/* namespaces, mounts */
	c = find(285, child);
	ck_assert_int_eq(pi64(c, 0), 0);
	ck_assert_uint_eq(pu32(c, 1), PPM_CL_CLONE_NEWNS | PPM_CL_CLONE_NEWUTS);
	c = find_str(257, child, 2, sh->mnt);
	ck_assert_int_eq(pi64(c, 0), 0);
	pstr(c, 1, "scapkit_src");
	pstr(c, 3, "tmpfs");
	ck_assert_uint_eq(pu32(c, 4), MS_NOSUID | MS_NODEV);
	c = find_str(391, child, 1, sh->mnt);
	ck_assert_int_eq(pi64(c, 0), 0);
	ck_assert_uint_eq(pu32(c, 2), MNT_DETACH);
	c = find(241, child);
	ck_assert_int_eq(pi64(c, 0), 0);
	ck_assert_int_eq(pi64(c, 1), sh->ns_fd);
	ck_assert_uint_eq(pu32(c, 2), PPM_CL_CLONE_NEWUTS);
	/* ptrace (failed): both DYN params are (uint64, 0) */
	c = find(169, child);
	ck_assert_int_eq(pi64(c, 0), -ESRCH);
	uint8_t dyn0[9] = {0};
	pbytes(c, 1, dyn0, 9);
	pbytes(c, 2, dyn0, 9);
	ck_assert_uint_eq(pu16(c, 3), PPM_PTRACE_PEEKDATA);
	ck_assert_int_eq(pi64(c, 4), 0x7ffffff0);
	/* a generic syscall */
	{
		uint32_t sc = 0;
		int generic = 0;
		ck_assert_int_eq(scap_syscall_x86_64(SYS_sched_yield, &sc, NULL, NULL, &generic, NULL), 1);
		ck_assert_int_eq(generic, 1);
		c = NULL;
		for (size_t i = 0; i < g_nev; i++)
			if (g_ev[i].type == 1 && g_ev[i].tid == child && pu16(&g_ev[i], 1) == SYS_sched_yield)
				c = &g_ev[i];
		ck_assert_msg(c != NULL, "no generic event for sched_yield");
		ck_assert_uint_eq(pu16(c, 0), sc);
	}

	/* fork: the parent side, then the child side */
	pid_t g = sh->grandchild;
	ck_assert_int_gt(g, 0);
	c = find_i64(223, child, 0, g); /* glibc's fork() is clone(2) */
	ck_assert_uint_eq(pu32(c, 15) & PPM_CL_CLONE_CHILD_SETTID, PPM_CL_CLONE_CHILD_SETTID);
	ck_assert_int_eq(pi64(c, 3), child);
	ck_assert_int_eq(pi64(c, 4), child);
	ck_assert_int_eq(pi64(c, 5), getpid());
	char cwd[4096];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	pstr(c, 6, cwd);
	c = find(223, g); /* the child's own event */
	ck_assert_int_eq(pi64(c, 0), 0);
	ck_assert_int_eq(pi64(c, 3), g);
	ck_assert_int_eq(pi64(c, 4), g);
	ck_assert_int_eq(pi64(c, 5), child);
	ck_assert_uint_eq(pu32(c, 16), geteuid());
	ck_assert_int_eq(pi64(c, 18), g); /* vtid, no pid namespace here */
	/* the clone exit of the child is not duplicated */
	for (size_t i = 0; i < g_nev; i++)
		ck_assert_msg(!((g_ev[i].type == 225 || g_ev[i].type == 223) && g_ev[i].tid == g &&
				&g_ev[i] != c),
			      "duplicated child clone event");

	/* execve in the grandchild */
	c = find(293, g);
	ck_assert_int_eq(pi64(c, 0), 0);
	pstr(c, 1, "true");
	{
		char args[128];
		int alen = snprintf(args, sizeof(args), "%s%csecond arg", sh->uniq, 0) + 1;
		pbytes(c, 2, args, (uint32_t)alen);
	}
	ck_assert_int_eq(pi64(c, 3), g);
	ck_assert_int_eq(pi64(c, 4), g);
	ck_assert_int_eq(pi64(c, 5), child);
	pstr(c, 6, sh->dir); /* cwd */
	pstr(c, 13, "true");
	{
		uint32_t l;
		const uint8_t *p = par(c, 15, &l); /* env */
		char env1[96];
		snprintf(env1, sizeof(env1), "SCAPKIT_ENV=%s", sh->uniq);
		ck_assert_msg(has_item(p, l, env1) && has_item(p, l, "B=2"), "env lacks the workload's items");
		p = par(c, 14, &l); /* cgroups */
		ck_assert_msg(l > 0 && p[l - 1] == 0, "cgroups is empty or unterminated");
		char shown[512];
		uint32_t sl = l < sizeof(shown) - 1 ? l : (uint32_t)sizeof(shown) - 1;
		for (uint32_t k = 0; k < sl; k++)
			shown[k] = p[k] ? (char)p[k] : ' ';
		shown[sl] = '\0';
		static const char *const ctrls[] = {"cpuset", "cpu", "memory"};
		for (size_t k = 0; k < sizeof(ctrls) / sizeof(ctrls[0]); k++) {
			char cg[200], item[220];
			own_cgroup(ctrls[k], cg, sizeof(cg));
			if (!cg[0])
				continue;
			snprintf(item, sizeof(item), "%s=%s", ctrls[k], cg);
			ck_assert_msg(has_item(p, l, item), "cgroups does not show %s: %s", item, shown);
		}
	}
	ck_assert_uint_eq(pu32(c, 26), geteuid());
	ck_assert_uint_eq(pu32(c, 29), getegid());
	{
		char exe[4096];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		(void)n;
		char real_true[4096];
		ck_assert_ptr_nonnull(realpath("/bin/true", real_true));
		pstr(c, 27, real_true); /* trusted_exepath */
	}
	pstr(c, 30, "/bin/true"); /* filename */
	ck_assert_uint_eq((uint64_t)pi64(c, 22) & 1, 1); /* root: CAP_CHOWN effective */
	{
		struct stat st;
		ck_assert_int_eq(stat("/bin/true", &st), 0);
		ck_assert_uint_eq((uint64_t)pi64(c, 23), st.st_ino);
		ck_assert_uint_eq((uint64_t)pi64(c, 25),
				  (uint64_t)st.st_mtim.tv_sec * 1000000000ull + (uint64_t)st.st_mtim.tv_nsec);
	}

	free_events();
	/* cleanup */
	unlink(sh->upath);
	rmdir(sh->mnt);
	rmdir(sh->dir);
	munmap(sh, sizeof(*sh));
}
END_TEST

/* failed execve: exe/args/env come from the arguments */
START_TEST(bpf_sys_execve_fail)
{
	scap_t *h = tu_open_bpf(64u * 1024 * 1024);
	if (!h)
		return;
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		/* on the stack, written here: BPF cannot fault pages in, and a
		 * forked child's read-only data may not be mapped yet */
		char exe[] = "nope-exe", a1[] = "a1", a2[] = "", a3[] = "a3", x[] = "X=1";
		char *argv[] = {exe, a1, a2, a3, NULL};
		char *envp[] = {x, NULL};
		execve("/nonexistent/scapkit-nope", argv, envp);
		_exit(0);
	}
	uint64_t deadline = (uint64_t)time(NULL) + WAIT_SECONDS;
	int exited = 0, seen = 0;
	const scap_evt_t *e;
	while ((uint64_t)time(NULL) < deadline && !(exited && seen)) {
		int rc = scap_next(h, &e);
		if (rc == SCAP_OK) {
			check_schema(e);
			if (scap_evt_tid(e) == child) {
				keep(e);
				seen |= scap_evt_type(e) == 186;
			}
		}
		if (!exited && waitpid(child, NULL, WNOHANG) == child)
			exited = 1;
	}
	scap_close(h);
	const struct ev *c = find(293, child);
	ck_assert_int_eq(pi64(c, 0), -ENOENT);
	pstr(c, 1, "nope-exe");
	pbytes(c, 2, "a1\0\0a3", 7);
	pbytes(c, 15, "X=1", 4);
	pstr(c, 30, "/nonexistent/scapkit-nope");
	free_events();
}
END_TEST

Suite *bpf_sys_suite(void);
Suite *bpf_sys_suite(void)
{
	Suite *s = suite_create("bpf_sys");
	TCase *tc = tcase_create("live");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, bpf_sys_families);
	tcase_add_test(tc, bpf_sys_execve_fail);
	suite_add_tcase(s, tc);
	return s;
}

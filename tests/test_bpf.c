/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bpf live engine. Needs root (or CAP_BPF + CAP_PERFMON), kernel BTF and
 * a library built with the engine; otherwise each test prints a loud
 * "SKIP: bpf: <reason>" line and passes. A forked child opens and closes a
 * unique file, then execs /bin/true with unique arguments; the events it
 * causes (openat, close, execve, procexit) are checked parameter by
 * parameter, then recorded with the writer and read back with the savefile
 * engine. Also: start/stop, drop counting, option errors, no leaked fds.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <grp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scap.h"
#include "sinsp.h"
#include "filter.h"
#include "test_util.h"
#include "../libscap/kernel/ppm_flags.h"

#define EV_CLOSE_X 5
#define EV_PROCEXIT 186
#define EV_EXECVE_X 293
#define EV_OPENAT_X 307
#define WAIT_SECONDS 5
#define SCAP_EVT_MASK_TEST_N 512

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t real_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* ---- parameter helpers ---- */
static int64_t p_i64(const scap_evt_t *e, uint32_t i)
{
	int64_t v = 0;
	ck_assert_int_eq(scap_evt_param_i64(e, i, &v), SCAP_OK);
	return v;
}

static uint32_t p_u32(const scap_evt_t *e, uint32_t i)
{
	uint32_t v = 0;
	ck_assert_int_eq(scap_evt_param_u32(e, i, &v), SCAP_OK);
	return v;
}

static uint8_t p_u8(const scap_evt_t *e, uint32_t i)
{
	uint8_t v = 0;
	ck_assert_int_eq(scap_evt_param_u8(e, i, &v), SCAP_OK);
	return v;
}

static void p_bytes(const scap_evt_t *e, uint32_t i, const void *want, uint32_t wlen)
{
	const void *d;
	uint32_t len;

	ck_assert_int_eq(scap_evt_param(e, i, &d, &len), SCAP_OK);
	ck_assert_msg(len == wlen && (wlen == 0 || memcmp(d, want, wlen) == 0),
		      "event %u param %u: length %u, want %u", scap_evt_type(e), i, len, wlen);
}

static int param_is_str(const scap_evt_t *e, uint32_t i, const char *s)
{
	const void *d;
	uint32_t len;

	return scap_evt_param(e, i, &d, &len) == SCAP_OK && len == strlen(s) + 1 && memcmp(d, s, len) == 0;
}

/* ---- the marker workload ---- */
struct marks {
	pid_t child;
	int child_fd;
	char path[256];
	char uniq[96];
	char path_stopped[256]; /* opened while the capture is stopped */
	char path_after[256];   /* opened after restart */
	struct stat st;
	int got_open, got_close, got_exec, got_exit, got_stopped, got_after;
	/* copies of the child's events, for the round trip */
	uint8_t *copy[8];
	uint32_t copy_len[8];
	uint16_t copy_cpu[8];
	int ncopy;
	scap_dumper_t *dump;
};

static void keep(struct marks *m, const scap_evt_t *e)
{
	ck_assert_int_lt(m->ncopy, 8);
	m->copy_len[m->ncopy] = scap_evt_len(e);
	m->copy_cpu[m->ncopy] = scap_evt_cpu(e);
	m->copy[m->ncopy] = malloc(scap_evt_len(e));
	ck_assert_ptr_nonnull(m->copy[m->ncopy]);
	memcpy(m->copy[m->ncopy], scap_evt_raw(e), scap_evt_len(e));
	m->ncopy++;
	if (m->dump)
		ck_assert_msg(scap_dump_write(m->dump, e) == SCAP_OK, "dump: %s", scap_dump_geterr(m->dump));
}

static void check_execve(struct marks *m, const scap_evt_t *e)
{
	char args[128];
	int alen = snprintf(args, sizeof(args), "%s%carg two", m->uniq, 0) + 1;
	struct rlimit rl;
	uint32_t loginuid = UINT32_MAX;
	FILE *f = fopen("/proc/self/loginuid", "r");

	if (f) {
		if (fscanf(f, "%" SCNu32, &loginuid) != 1)
			loginuid = UINT32_MAX;
		fclose(f);
	}
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	ck_assert_uint_eq(scap_evt_nparams(e), 31);
	ck_assert_int_eq(p_i64(e, 0), 0);                 /* res */
	p_bytes(e, 1, "true", 5);                          /* exe */
	p_bytes(e, 2, args, (uint32_t)alen);               /* args */
	ck_assert_int_eq(p_i64(e, 3), m->child);           /* tid */
	ck_assert_int_eq(p_i64(e, 4), m->child);           /* pid */
	ck_assert_int_eq(p_i64(e, 5), getpid());           /* ptid */
	{ /* cwd: the child inherits ours */
		char cwd[4096];
		ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
		p_bytes(e, 6, cwd, (uint32_t)strlen(cwd) + 1);
	}
	ck_assert_int_eq(p_i64(e, 7), (int64_t)rl.rlim_cur); /* fdlimit */
	p_bytes(e, 13, "true", 5);                         /* comm */
	ck_assert_uint_eq(p_u32(e, 18), loginuid);
	ck_assert_uint_eq(p_u32(e, 26), getuid());
	ck_assert_uint_eq(p_u32(e, 29), getgid());
	p_bytes(e, 30, "/bin/true", 10);                   /* filename */
}

static void check_openat(struct marks *m, const scap_evt_t *e)
{
	ck_assert_uint_eq(scap_evt_nparams(e), 7);
	ck_assert_int_eq(p_i64(e, 0), m->child_fd);        /* fd */
	ck_assert_int_eq(p_i64(e, 1), -100);               /* dirfd: AT_FDCWD */
	ck_assert(param_is_str(e, 2, m->path));            /* name */
	ck_assert_uint_eq(p_u32(e, 3), PPM_O_RDWR | PPM_O_CREAT | PPM_O_EXCL | PPM_O_CLOEXEC | PPM_O_F_CREATED);
	ck_assert_uint_eq(p_u32(e, 4), 0640);              /* mode */
	ck_assert_uint_eq(p_u32(e, 5), (uint32_t)m->st.st_dev);
	{
		uint64_t ino = 0;
		ck_assert_int_eq(scap_evt_param_u64(e, 6, &ino), SCAP_OK);
		ck_assert_uint_eq(ino, m->st.st_ino);
	}
}

static void on_event(struct marks *m, const scap_evt_t *e)
{
	uint16_t t = scap_evt_type(e);
	uint64_t now = real_ns();

	ck_assert_uint_lt(scap_evt_cpu(e), (unsigned)sysconf(_SC_NPROCESSORS_CONF));
	ck_assert_int_eq(scap_evt_hdr_version(e), 2);
	if (t == EV_OPENAT_X && scap_evt_tid(e) == getpid()) {
		if (param_is_str(e, 2, m->path_stopped))
			m->got_stopped++;
		if (param_is_str(e, 2, m->path_after))
			m->got_after++;
		return;
	}
	if (scap_evt_tid(e) != m->child)
		return;
	/* a live event: its time is now, give or take */
	ck_assert_msg(scap_evt_ts(e) < now + 1000000000ull && scap_evt_ts(e) > now - 30000000000ull,
		      "event time %" PRIu64 " far from now %" PRIu64, scap_evt_ts(e), now);
	switch (t) {
	case EV_OPENAT_X:
		if (param_is_str(e, 2, m->path)) {
			check_openat(m, e);
			m->got_open++;
			keep(m, e);
		}
		break;
	case EV_CLOSE_X:
		if (m->got_open && !m->got_exec && p_i64(e, 1) == m->child_fd) {
			ck_assert_uint_eq(scap_evt_nparams(e), 2);
			ck_assert_int_eq(p_i64(e, 0), 0);
			m->got_close++;
			keep(m, e);
		}
		break;
	case EV_EXECVE_X: {
		const void *d;
		uint32_t len;
		if (scap_evt_param(e, 2, &d, &len) == SCAP_OK && len > strlen(m->uniq) &&
		    memcmp(d, m->uniq, strlen(m->uniq) + 1) == 0) {
			check_execve(m, e);
			m->got_exec++;
			keep(m, e);
		}
		break;
	}
	case EV_PROCEXIT:
		if (m->got_exec) {
			ck_assert_uint_eq(scap_evt_nparams(e), 5);
			ck_assert_int_eq(p_i64(e, 0), 0); /* status */
			ck_assert_int_eq(p_i64(e, 1), 0); /* ret */
			ck_assert_uint_eq(p_u8(e, 2), 0); /* sig */
			ck_assert_uint_eq(p_u8(e, 3), 0); /* core */
			m->got_exit++;
			keep(m, e);
		}
		break;
	default:
		break;
	}
}

/* Read events until done() or the deadline; fails the test on a timeout. */
static void pump(scap_t *h, struct marks *m, int (*done)(const struct marks *), const char *what)
{
	uint64_t deadline = mono_ns() + WAIT_SECONDS * 1000000000ull;
	const scap_evt_t *e;

	while (!done(m)) {
		int rc = scap_next(h, &e);
		if (rc == SCAP_OK)
			on_event(m, e);
		else
			ck_assert_msg(rc == SCAP_TIMEOUT, "scap_next: %d %s", rc, scap_geterr(h));
		ck_assert_msg(mono_ns() < deadline,
			      "bpf: %s not seen within %d s (open %d close %d execve %d procexit %d)", what,
			      WAIT_SECONDS, m->got_open, m->got_close, m->got_exec, m->got_exit);
	}
}

static int child_done(const struct marks *m)
{
	return m->got_open && m->got_close && m->got_exec && m->got_exit;
}

static int after_done(const struct marks *m)
{
	return m->got_after > 0;
}

/* Trace only the marker events: a busy machine cannot flood the ring. */
static void select_markers(scap_t *h)
{
	uint8_t mask[SCAP_EVT_MASK_TEST_N] = {0};
	mask[EV_OPENAT_X] = mask[EV_CLOSE_X] = mask[EV_EXECVE_X] = mask[EV_PROCEXIT] = 1;
	ck_assert_int_eq(scap_set_event_mask(h, mask, sizeof(mask)), SCAP_OK);
}

static void run_child(struct marks *m)
{
	int pfd[2];
	int status;

	snprintf(m->path, sizeof(m->path), "%s", tu_tmpfile(".bpfmark"));
	snprintf(m->uniq, sizeof(m->uniq), "scapbpf-%ld-%" PRIu64, (long)getpid(), mono_ns());
	unlink(m->path);
	ck_assert_int_eq(pipe2(pfd, O_CLOEXEC), 0);
	m->child = fork();
	ck_assert_int_ge(m->child, 0);
	if (m->child == 0) {
		int fd = openat(AT_FDCWD, m->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
		if (write(pfd[1], &fd, sizeof(fd)) != sizeof(fd))
			_exit(126);
		close(fd);
		execl("/bin/true", "true", m->uniq, "arg two", (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	ck_assert_int_eq(read(pfd[0], &m->child_fd, sizeof(m->child_fd)), (ssize_t)sizeof(m->child_fd));
	close(pfd[0]);
	ck_assert_int_ge(m->child_fd, 0);
	ck_assert_int_eq(waitpid(m->child, &status, 0), m->child);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(stat(m->path, &m->st), 0);
}

static void free_marks(struct marks *m)
{
	for (int i = 0; i < m->ncopy; i++)
		free(m->copy[i]);
	unlink(m->path);
	unlink(m->path_stopped);
	unlink(m->path_after);
}

START_TEST(bpf_live_markers)
{
	struct marks m;
	struct scap_stats st = {.sz = sizeof(st)};
	int fds_before = count_fds();
	scap_t *h = tu_open_bpf(0);
	int fd;

	if (!h)
		return;
	select_markers(h);
	memset(&m, 0, sizeof(m));
	run_child(&m);
	pump(h, &m, child_done, "the child's events");
	ck_assert_int_eq(m.got_open, 1);
	ck_assert_int_eq(m.got_close, 1);
	ck_assert_int_eq(m.got_exec, 1);
	ck_assert_int_eq(m.got_exit, 1);

	/* stop: nothing is captured; start: capture again */
	snprintf(m.path_stopped, sizeof(m.path_stopped), "%s", tu_tmpfile(".stopped"));
	snprintf(m.path_after, sizeof(m.path_after), "%s", tu_tmpfile(".after"));
	ck_assert_int_eq(scap_stop(h), SCAP_OK);
	fd = open(m.path_stopped, O_RDWR | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(scap_start(h), SCAP_OK);
	fd = open(m.path_after, O_RDWR | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	pump(h, &m, after_done, "the open after scap_start");
	ck_assert_int_eq(m.got_stopped, 0);

	ck_assert_int_eq(scap_get_stats(h, &st), SCAP_OK);
	ck_assert_uint_ge(st.n_evts, 5);
	printf("bpf: live markers ok: %" PRIu64 " events read, %" PRIu64 " dropped\n", st.n_evts, st.n_drops);
	scap_close(h);
	free_marks(&m);
	ck_assert_int_eq(count_fds(), fds_before); /* no BPF object or mapping fd left */
}
END_TEST

START_TEST(bpf_roundtrip_savefile)
{
	struct marks m;
	char errbuf[SCAP_ERRBUF_SIZE];
	char out[4096];
	scap_t *h = tu_open_bpf(0), *r;
	const scap_evt_t *e;
	int n = 0, rc;

	if (!h)
		return;
	select_markers(h);
	memset(&m, 0, sizeof(m));
	snprintf(out, sizeof(out), "%s", tu_tmpfile(".bpf.scap"));
	m.dump = scap_dump_open(h, out, NULL, errbuf);
	ck_assert_msg(m.dump != NULL, "dump open: %s", errbuf);
	run_child(&m);
	pump(h, &m, child_done, "the child's events");
	ck_assert_int_eq(scap_dump_count(m.dump), 4);
	ck_assert_int_eq(scap_dump_close(m.dump, errbuf), SCAP_OK);
	scap_close(h);

	r = tu_open(out);
	while ((rc = scap_next(r, &e)) == SCAP_OK) {
		ck_assert_int_lt(n, m.ncopy);
		ck_assert_uint_eq(scap_evt_len(e), m.copy_len[n]);
		ck_assert_uint_eq(scap_evt_cpu(e), m.copy_cpu[n]);
		ck_assert(memcmp(scap_evt_raw(e), m.copy[n], m.copy_len[n]) == 0);
		if (scap_evt_type(e) == EV_OPENAT_X) {
			char buf[512];
			ck_assert_int_gt(scap_evt_param_format(e, 3, buf, sizeof(buf), 0), 0);
			ck_assert_msg(strstr(buf, "O_RDWR") && strstr(buf, "O_CREAT") && strstr(buf, "O_F_CREATED"),
				      "flags formatted as %s", buf);
		}
		n++;
	}
	ck_assert_int_eq(rc, SCAP_EOF);
	ck_assert_int_eq(n, 4);
	scap_close(r);
	unlink(out);
	free_marks(&m);
}
END_TEST

START_TEST(bpf_drops_counted)
{
	scap_t *h = tu_open_bpf(4096); /* one page: fills at once */
	struct scap_stats st = {.sz = sizeof(st)};
	const scap_evt_t *e;
	int n = 0;

	if (!h)
		return;
	for (int i = 0; i < 500; i++) {
		int fd = open("/dev/null", O_RDONLY);
		ck_assert_int_ge(fd, 0);
		close(fd);
	}
	ck_assert_int_eq(scap_get_stats(h, &st), SCAP_OK);
	ck_assert_msg(st.n_drops > 0, "a 4 KiB ring took 1000 events without a drop");
	/* by cause: the ring was full, nothing else went wrong */
	ck_assert_uint_eq(st.n_drops, st.n_drops_buffer + st.n_drops_too_large + st.n_drops_probe);
	ck_assert_uint_gt(st.n_drops_buffer, 0);
	ck_assert_uint_eq(st.n_drops_probe, 0);
	/* what fitted is readable */
	while (scap_next(h, &e) == SCAP_OK && n < 1000)
		n++;
	ck_assert_int_gt(n, 0);
	printf("bpf: 4 KiB ring: %d events read, %" PRIu64 " dropped\n", n, st.n_drops);
	scap_close(h);
}
END_TEST

/* Events of this process of type t (any version of its name), read until
 * `marker` (a path) shows up in an openat or the deadline passes. */
static int count_own(scap_t *h, const char *ename, const char *marker, int *seen_marker)
{
	const scap_evt_t *e;
	uint64_t deadline = mono_ns() + WAIT_SECONDS * 1000000000ull;
	int n = 0, rc;

	*seen_marker = 0;
	while (!*seen_marker && mono_ns() < deadline) {
		if ((rc = scap_next(h, &e)) == SCAP_TIMEOUT)
			continue;
		ck_assert_int_eq(rc, SCAP_OK);
		if (scap_evt_tid(e) != getpid())
			continue;
		const char *name = scap_event_name(scap_evt_type(e));
		n += name && strcmp(name, ename) == 0;
		if (scap_evt_type(e) == EV_OPENAT_X && param_is_str(e, 2, marker))
			*seen_marker = 1;
	}
	return n;
}

/* scap_set_event_mask(): unselected syscalls are not traced at all, and
 * selecting everything again brings them back. */
START_TEST(bpf_event_mask)
{
	scap_t *h = tu_open_bpf(0);
	uint8_t mask[SCAP_EVT_MASK_TEST_N];
	const scap_evt_t *e;
	int seen, n;

	if (!h)
		return;
	ck_assert_int_eq(scap_set_event_mask(h, NULL, 3), SCAP_ERR_INVAL);
	memset(mask, 0, sizeof(mask));
	mask[EV_OPENAT_X] = 1; /* openat only: close is not traced */
	ck_assert_int_eq(scap_set_event_mask(h, mask, sizeof(mask)), SCAP_OK);
	while (scap_next(h, &e) == SCAP_OK) /* what was in flight before */
		;
	for (int i = 0; i < 20; i++)
		close(open("/dev/null", O_RDONLY));
	const char *m1 = tu_tmpfile(".mask1");
	close(open(m1, O_RDWR | O_CREAT, 0600));
	n = count_own(h, "close", m1, &seen);
	ck_assert_msg(seen, "the marker openat was not seen with openat selected");
	ck_assert_int_eq(n, 0);
	unlink(m1);

	ck_assert_int_eq(scap_set_event_mask(h, NULL, 0), SCAP_OK); /* everything again */
	for (int i = 0; i < 20; i++)
		close(open("/dev/null", O_RDONLY));
	const char *m2 = tu_tmpfile(".mask2");
	close(open(m2, O_RDWR | O_CREAT, 0600));
	n = count_own(h, "close", m2, &seen);
	ck_assert(seen);
	ck_assert_int_ge(n, 20);
	unlink(m2);
	scap_close(h);
}
END_TEST

/* ---- the marker workload through libsinsp: derived fields ---- */
struct live_fmt {
	sinsp_t *s;
	filter_registry_t *reg;
};

/* Render tmpl for the event. */
static const char *live_render(struct live_fmt *L, const sinsp_evt_t *se, const char *tmpl)
{
	static char buf[8192];
	filter_format_t *f = filter_format_compile(L->reg, tmpl, NULL);
	ck_assert_msg(f != NULL, "%s: %s", tmpl, filter_registry_geterr(L->reg));
	filter_format_render(f, sinsp_evt_scap(se), sinsp_evt_num(se), (void *)se, buf, sizeof(buf));
	filter_format_free(f);
	return buf;
}

/* The child: write a file, connect to the listener, chmod u+s, fork, exec
 * a memfd copy of /bin/true (fileless), then exec /bin/true. */
static void sinsp_marker_child(const char *wpath, const char *spath, int port, const char *uniq)
{
	char arg0[] = "true", a1[96], a2[] = "b";
	int fd = open(wpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, "scapkit-marker-data", 19) != 19)
		_exit(10);
	close(fd);
	int sk = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (sk < 0 || connect(sk, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		_exit(11);
	close(sk);
	if (chmod(spath, 04755) != 0)
		_exit(12);
	pid_t g = fork();
	if (g == 0) { /* fileless: exec a memfd holding /bin/true */
		char m0[] = "memfd-true";
		char *mv[] = {m0, NULL}, *ev[] = {NULL};
		int in = open("/bin/true", O_RDONLY), mfd = (int)syscall(SYS_memfd_create, "scapkit", 0);
		char buf[65536];
		ssize_t n;
		if (in < 0 || mfd < 0)
			_exit(13);
		while ((n = read(in, buf, sizeof(buf))) > 0)
			if (write(mfd, buf, (size_t)n) != n)
				_exit(14);
		fexecve(mfd, mv, ev);
		_exit(15);
	}
	if (g < 0 || waitpid(g, NULL, 0) != g)
		_exit(16);
	snprintf(a1, sizeof(a1), "%s", uniq);
	char *argv[] = {arg0, a1, a2, NULL}, *envp[] = {NULL};
	execve("/bin/true", argv, envp);
	_exit(17);
}

START_TEST(bpf_sinsp_markers)
{
	scap_t *h = tu_open_bpf(64u << 20);
	char errbuf[SCAP_ERRBUF_SIZE], wpath[256], spath[256], uniq[96], cwd[4096], comm[64] = "";
	struct live_fmt L;
	if (!h)
		return;
	L.s = sinsp_open(h, NULL, errbuf);
	ck_assert_msg(L.s != NULL, "%s", errbuf);
	L.reg = filter_registry_new();
	ck_assert_int_eq(filter_registry_add_evt_fields(L.reg), FILTER_OK);
	ck_assert_int_eq(sinsp_add_fields(L.s, L.reg), SCAP_OK);
	/* only what the markers need (plus what the state needs) */
	static const char *const names[] = {"execve", "execveat", "openat", "write", "connect", "chmod", "fchmodat", "clone", "procexit"};
	uint8_t mask[1024] = {0};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint16_t ids[32];
		uint32_t n = scap_event_find(names[i], ids, 32);
		for (uint32_t k = 0; k < n && k < 32; k++)
			mask[ids[k]] = 1;
	}
	ck_assert_int_eq(sinsp_set_event_mask(L.s, mask, scap_event_max()), SCAP_OK);

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	FILE *cf = fopen("/proc/self/comm", "r");
	ck_assert_ptr_nonnull(cf);
	ck_assert_ptr_nonnull(fgets(comm, sizeof(comm), cf));
	fclose(cf);
	comm[strcspn(comm, "\n")] = 0;
	snprintf(wpath, sizeof(wpath), "%s", tu_tmpfile(".written"));
	snprintf(spath, sizeof(spath), "%s", tu_tmpfile(".setuid"));
	close(open(spath, O_WRONLY | O_CREAT, 0644));
	snprintf(uniq, sizeof(uniq), "scapkit-sinsp-%d-%llu", getpid(), (unsigned long long)mono_ns());
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sa);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(ls, 4), 0);
	ck_assert_int_eq(getsockname(ls, (struct sockaddr *)&sa, &sl), 0);
	int port = ntohs(sa.sin_port);

	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0)
		sinsp_marker_child(wpath, spath, port, uniq);
	int status = -1, exits = 0, got_open = 0, got_write = 0, got_conn = 0, got_chmod = 0, got_clone = 0,
	    got_memfd = 0, got_exec = 0;
	char want_conn[64], want_args[128], want[4400];
	snprintf(want_conn, sizeof(want_conn), "->127.0.0.1:%d", port);
	snprintf(want_args, sizeof(want_args), "%s b", uniq);
	uint64_t deadline = mono_ns() + 10 * 1000000000ull;
	const sinsp_evt_t *se;
	while (mono_ns() < deadline && exits < 2) {
		int rc = sinsp_next(L.s, &se);
		if (rc == SINSP_TIMEOUT)
			continue;
		ck_assert_int_eq(rc, SINSP_OK);
		const scap_evt_t *e = sinsp_evt_scap(se);
		const sinsp_thread_t *t = sinsp_evt_thread(se);
		if (!t || (sinsp_thread_pid(t) != child && sinsp_thread_ptid(t) != child))
			continue;
		const char *type = scap_event_name(scap_evt_type(e));
		if (!strcmp(type, "procexit")) {
			exits++;
		} else if (!strcmp(type, "openat") && !strcmp(live_render(&L, se, "%fd.name"), wpath)) {
			snprintf(want, sizeof(want), "%s|%s|true|f", comm, comm);
			ck_assert_str_eq(live_render(&L, se, "%proc.name|%proc.pname|%evt.is_open_write|%fd.typechar"), want);
			got_open++;
		} else if (!strcmp(type, "write") && !strcmp(live_render(&L, se, "%fd.name"), wpath)) {
			ck_assert_str_eq(live_render(&L, se, "%evt.rawres|%evt.arg.data"), "19|scapkit-marker-data");
			got_write++;
		} else if (!strcmp(type, "connect")) {
			const char *fdn = live_render(&L, se, "%fd.name");
			ck_assert_msg(strncmp(fdn, "127.0.0.1:", 10) == 0 && strstr(fdn, want_conn), "connect fd.name %s", fdn);
			char rp[16];
			snprintf(rp, sizeof(rp), "%d", port);
			ck_assert_str_eq(live_render(&L, se, "%fd.rport"), rp);
			ck_assert_str_eq(live_render(&L, se, "%fd.typechar|%fd.l4proto|%evt.res"), "4|tcp|SUCCESS");
			got_conn++;
		} else if ((!strcmp(type, "chmod") || !strcmp(type, "fchmodat")) &&
			   strstr(live_render(&L, se, "%evt.args"), spath)) {
			ck_assert_msg(strstr(live_render(&L, se, "%evt.arg.mode"), "S_ISUID"), "mode %s",
				      live_render(&L, se, "%evt.arg.mode"));
			got_chmod++;
		} else if (!strcmp(type, "clone") && sinsp_thread_tid(t) != child) { /* the child side */
			snprintf(want, sizeof(want), "0|%d|%s", child, comm);
			ck_assert_str_eq(live_render(&L, se, "%evt.rawres|%proc.ppid|%proc.pname"), want);
			got_clone++;
		} else if (!strncmp(type, "execve", 6) && sinsp_thread_tid(t) != child) { /* fexecve: execveat */
			snprintf(want, sizeof(want), "true|%s", comm);
			ck_assert_str_eq(live_render(&L, se, "%proc.is_exe_from_memfd|%proc.pname"), want);
			got_memfd++;
		} else if (!strcmp(type, "execve")) {
			snprintf(want, sizeof(want), "true|%s|/usr/bin/true|%s", want_args, comm);
			ck_assert_str_eq(live_render(&L, se, "%proc.name|%proc.args|%proc.exepath|%proc.pname"), want);
			/* upstream's cwd ends with '/' ("/" stays "/") */
			snprintf(want, sizeof(want), "%s%s|false", cwd, cwd[0] && cwd[strlen(cwd) - 1] == '/' ? "" : "/");
			ck_assert_str_eq(live_render(&L, se, "%proc.cwd|%proc.is_exe_from_memfd"), want);
			got_exec++;
		}
	}
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "marker child status %d", status);
	ck_assert_int_eq(got_open, 1);
	ck_assert_int_eq(got_write, 1);
	ck_assert_int_eq(got_conn, 1);
	ck_assert_int_eq(got_chmod, 1);
	ck_assert_int_eq(got_clone, 1);
	ck_assert_int_eq(got_memfd, 1);
	ck_assert_int_eq(got_exec, 1);
	close(ls);
	unlink(wpath);
	unlink(spath);
	filter_registry_free(L.reg);
	sinsp_close(L.s);
}
END_TEST

/* The engine's own idle waits inside scap_next() are not captured (they
 * would feed the ring while it waits for it), but the same syscall made by
 * the same thread outside scap_next() is. */
START_TEST(bpf_own_wait_not_captured)
{
	scap_t *h = tu_open_bpf(0);
	const scap_evt_t *e;
	uint16_t ids[8];
	uint8_t mask[SCAP_EVT_MASK_TEST_N] = {0};
	if (!h)
		return;
	uint32_t k = scap_event_find("syscall", ids, 8);
	for (uint32_t i = 0; i < k; i++)
		mask[ids[i]] = 1;
	ck_assert_int_eq(scap_set_event_mask(h, mask, sizeof(mask)), SCAP_OK);
	pid_t me = (pid_t)syscall(SYS_gettid);
	int own = 0, timeouts = 0, mine = 0;
	uint64_t deadline = mono_ns() + 1000000000ull, t0 = real_ns();
	while (mono_ns() < deadline) { /* scap_next sleeps in clock_nanosleep whenever the ring is empty */
		int rc = scap_next(h, &e);
		if (rc == SCAP_TIMEOUT) {
			timeouts++;
			continue;
		}
		ck_assert_int_eq(rc, SCAP_OK);
		/* only the waits count: where the clock has no vDSO (e.g. qemu
		 * with the hpet clocksource) this loop's clock_gettime calls are
		 * syscalls, captured like any other */
		char buf[64] = "";
		if (scap_evt_tid(e) == me && scap_evt_ts(e) > t0 && scap_evt_type(e) == 1 && /* not those of the open */
		    scap_evt_param_format(e, 0, buf, sizeof(buf), 0) >= 0 && strcmp(buf, "clock_nanosleep") == 0 &&
		    own++ < 5) {
			printf("bpf: own event %s %s\n", scap_event_name(scap_evt_type(e)), buf);
			fflush(stdout);
		}
	}
	struct timespec ts = {0, 1000};
	for (int i = 0; i < 5; i++) /* outside scap_next: captured */
		syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ts, NULL);
	deadline = mono_ns() + 3000000000ull;
	while (mine < 5 && mono_ns() < deadline)
		if (scap_next(h, &e) == SCAP_OK && scap_evt_tid(e) == me) {
			char buf[64];
			scap_evt_param_format(e, 0, buf, sizeof(buf), 0);
			mine += strcmp(buf, "clock_nanosleep") == 0;
		}
	printf("bpf: 1 s of scap_next (%d timeouts): %d own events captured; %d own clock_nanosleep outside it\n", timeouts, own,
	       mine);
	ck_assert_int_eq(mine, 5);
	scap_close(h);
	ck_assert_int_gt(timeouts, 0); /* the idle wait did happen */
	ck_assert_int_eq(own, 0);
}
END_TEST

/* On a live engine, libsinsp seeds its tables from /proc by itself. */
START_TEST(bpf_sinsp_scans_proc)
{
	scap_t *h = tu_open_bpf(0);
	char errbuf[SCAP_ERRBUF_SIZE];

	if (!h)
		return;
	sinsp_t *s = sinsp_open(h, NULL, errbuf);
	ck_assert_msg(s != NULL, "%s", errbuf);
	const sinsp_thread_t *t = sinsp_find_thread(s, getpid());
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(sinsp_thread_comm(t), "check_suite");
	ck_assert_int_eq(sinsp_thread_pid(t), getpid());
	ck_assert_ptr_nonnull(sinsp_find_thread(s, 1)); /* init */
	sinsp_close(s); /* closes h */
}
END_TEST

/* Bad conditions: each gives a clear error naming the cause, and leaves no
 * BPF object, map or mapping behind. */
START_TEST(bpf_bad_conditions)
{
	struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;
	char errbuf[SCAP_ERRBUF_SIZE], junk[4096];
	int err, fds_before = count_fds();
	scap_t *h;

	if (geteuid() != 0 || !(h = tu_open_bpf(0))) {
		printf("SKIP: bpf: bad conditions need a working engine to compare with\n");
		return;
	}
	scap_close(h);
	o.engine = "bpf";
	o.snaplen = 5000;
	ck_assert_ptr_null(scap_open_err(&o, errbuf, &err));
	ck_assert_int_eq(err, SCAP_ERR_INVAL);
	ck_assert_msg(strstr(errbuf, "snaplen 5000"), "%s", errbuf);
	o.snaplen = 0;
	/* no BTF where it is said to be */
	o.btf_path = "/nonexistent/vmlinux";
	ck_assert_ptr_null(scap_open_err(&o, errbuf, &err));
	ck_assert_int_eq(err, SCAP_ERR_NOTSUP);
	ck_assert_msg(strstr(errbuf, "BTF") && strstr(errbuf, "/nonexistent/vmlinux"), "%s", errbuf);
	/* a BTF file that is not BTF: the probe cannot load; libbpf's words */
	const char *bad = tu_tmpfile(".btf");
	memset(junk, 'x', sizeof(junk));
	ck_assert_int_eq(tu_write_file(bad, junk, sizeof(junk)), 0);
	o.btf_path = bad;
	ck_assert_ptr_null(scap_open_err(&o, errbuf, &err));
	ck_assert_msg(strstr(errbuf, "bpf engine:") && strstr(errbuf, "probe failed") && strstr(errbuf, "libbpf"),
		      "%s", errbuf);
	printf("bpf: bad BTF: %s\n", errbuf);
	unlink(bad);
	/* the real one, named explicitly, works */
	o.btf_path = "/sys/kernel/btf/vmlinux";
	h = scap_open_err(&o, errbuf, &err);
	ck_assert_msg(h != NULL, "%s", errbuf);
	scap_close(h);
	ck_assert_int_eq(count_fds(), fds_before);
	/* not root: a child drops to nobody (and so loses every capability) */
	pid_t c = fork();
	ck_assert_int_ge(c, 0);
	if (c == 0) {
		struct scap_open_opts oc = SCAP_OPEN_OPTS_INIT;
		oc.engine = "bpf";
		if (setgroups(0, NULL) != 0 || setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0)
			_exit(2);
		scap_t *hc = scap_open_err(&oc, errbuf, &err);
		_exit(hc == NULL && err == SCAP_ERR_IO && strstr(errbuf, "permission denied") && count_fds() == fds_before
			      ? 0
			      : 1);
	}
	int st;
	ck_assert_int_eq(waitpid(c, &st, 0), c);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "unprivileged open: status %d", st);
}
END_TEST

START_TEST(bpf_bad_options)
{
	struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;
	char errbuf[SCAP_ERRBUF_SIZE];
	int err;
	const size_t bad[] = {12345, 1000, (size_t)1 << 31};

	o.engine = "bpf";
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o.ring_bytes = bad[i];
		errbuf[0] = '\0';
		ck_assert_ptr_null(scap_open_err(&o, errbuf, &err));
		if (err == SCAP_ERR_NOTSUP && strstr(errbuf, "not built")) {
			printf("SKIP: bpf: engine not built into this library\n");
			return;
		}
		ck_assert_int_eq(err, SCAP_ERR_INVAL);
		ck_assert_msg(strstr(errbuf, "ring_bytes") && strstr(errbuf, "power of two"), "message: %s", errbuf);
	}
}
END_TEST

Suite *bpf_suite(void)
{
	Suite *s = suite_create("bpf");
	TCase *tc = tcase_create("live");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, bpf_bad_options);
	tcase_add_test(tc, bpf_bad_conditions);
	tcase_add_test(tc, bpf_live_markers);
	tcase_add_test(tc, bpf_roundtrip_savefile);
	tcase_add_test(tc, bpf_drops_counted);
	tcase_add_test(tc, bpf_event_mask);
	tcase_add_test(tc, bpf_sinsp_markers);
	tcase_add_test(tc, bpf_own_wait_not_captured);
	tcase_add_test(tc, bpf_sinsp_scans_proc);
	suite_add_tcase(s, tc);
	return s;
}

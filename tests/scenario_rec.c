/* SPDX-License-Identifier: Apache-2.0 */
/*
 * scenario_rec: record the events of one scripted process tree with the bpf
 * engine into a small .scap (the project's own fixtures, tests/captures/;
 * driven by scripts/record-scenarios.sh). Public API only.
 *
 *   scenario_rec -o OUT.scap [--cgroup DIR]... [--home DIR] [--cwd DIR]
 *                [--log FILE] [--timeout S] [--snaplen N] [--generic LIST]
 *                -- /abs/cmd [args...]
 *
 * The runner is forked first and prepared while nothing is captured: a new
 * session (no controlling terminal unless the scenario makes one), cwd,
 * the cgroups (its pid written to DIR/cgroup.procs), stdin from /dev/null,
 * stdout/stderr to the log, and a minimal environment
 *   PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=<home> TERM=dumb LANG=C
 * Then the engine is opened, with libsinsp's /proc scan off (the state
 * starts empty, nothing of this machine is in it), and the runner is told
 * to exec the command. An event is written when its thread is the runner
 * or one of its descendants: the parent chain in libsinsp's thread table
 * (clone and execve events), with /proc as a fallback for threads whose
 * parent the stream has not told yet. The file holds only the section
 * header and those events (scap_dump_open() with no handle: no machine
 * info, process list, users or interfaces of this machine). Generic
 * syscall events (type "syscall": the loader's mmap, brk, rt_sigaction...)
 * are left out, but for the syscalls named in --generic (comma-separated,
 * "all": every one), so that the fixtures stay a few KiB. The capture
 * ends when the runner has exited, after a short drain; a runner still
 * alive at --timeout is killed and the recording fails.
 *
 * Exit status: 0 written; 1 error (nothing written); 2 usage; 3 events were
 * dropped (nothing written: record again).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sinsp.h>

#define MAX_CGROUPS 16
#define DRAIN_NS 400000000ull /* keep reading this long after the runner exited */
#define CACHE_SLOTS 8192      /* tid -> verdict (power of two) */
#define MAX_DEPTH 128

static volatile sig_atomic_t got_chld, interrupted;

static void on_chld(int sig)
{
	(void)sig;
	got_chld = 1;
}

static void on_int(int sig)
{
	(void)sig;
	interrupted = 1;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- which threads belong to the tree ---- */

struct verdict {
	int64_t tid; /* 0: empty slot */
	int in;      /* 1 in the tree, 0 not */
};

struct tree {
	sinsp_t *s;
	pid_t root;
	struct verdict cache[CACHE_SLOTS];
	uint64_t proc_lookups;
};

static struct verdict *slot(struct tree *tr, int64_t tid)
{
	size_t i = (size_t)((uint64_t)tid * 0x9e3779b97f4a7c15ull >> 51) & (CACHE_SLOTS - 1);
	for (size_t n = 0; n < CACHE_SLOTS; n++, i = (i + 1) & (CACHE_SLOTS - 1))
		if (tr->cache[i].tid == tid || tr->cache[i].tid == 0)
			return &tr->cache[i];
	return NULL; /* full: no caching */
}

static int cached(struct tree *tr, int64_t tid)
{
	struct verdict *v = slot(tr, tid);
	return v && v->tid == tid ? v->in : -1;
}

static void remember(struct tree *tr, int64_t tid, int in)
{
	struct verdict *v = slot(tr, tid);
	if (v) {
		v->tid = tid;
		v->in = in;
	}
}

/* Parent pid of tid from /proc, or -1 if the thread is gone. */
static int64_t proc_ppid(int64_t tid)
{
	char path[64], buf[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%" PRId64 "/stat", tid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	char *p = strrchr(buf, ')'); /* comm may hold spaces and parentheses */
	long long ppid;
	char state;
	if (!p || sscanf(p + 1, " %c %lld", &state, &ppid) != 2)
		return -1;
	return ppid;
}

/* /proc fallback: 1 in the tree, 0 not, -1 unknown (gone). */
static int proc_in_tree(struct tree *tr, int64_t tid)
{
	for (int d = 0; d < MAX_DEPTH; d++) {
		int c;
		if (tid == tr->root)
			return 1;
		if (tid <= 1)
			return 0;
		if ((c = cached(tr, tid)) >= 0)
			return c;
		tr->proc_lookups++;
		if ((tid = proc_ppid(tid)) < 0)
			return -1;
	}
	return 0;
}

static int in_tree(struct tree *tr, const sinsp_thread_t *t)
{
	int64_t first = sinsp_thread_tid(t);

	if (cached(tr, first) == 1)
		return 1;
	for (int d = 0; t && d < MAX_DEPTH; d++) {
		int64_t tid = sinsp_thread_tid(t), pid = sinsp_thread_pid(t), ptid;
		if (tid == tr->root || pid == tr->root || cached(tr, tid) == 1 || cached(tr, pid) == 1) {
			remember(tr, first, 1);
			return 1;
		}
		ptid = sinsp_thread_ptid(t);
		if (sinsp_thread_is_placeholder(t) || ptid <= 0) {
			/* the stream has not told this thread's parent (yet): ask
			 * /proc once per thread (the answer of a live thread is final) */
			int r = cached(tr, tid);
			if (r < 0 && (r = proc_in_tree(tr, tid)) >= 0)
				remember(tr, tid, r);
			if (r == 1)
				remember(tr, first, 1);
			return r == 1;
		}
		if (ptid <= 1)
			return 0; /* a parent chain that ends outside the tree */
		t = sinsp_find_thread(tr->s, ptid);
	}
	return 0;
}

/* ---- the runner ---- */

struct opts {
	const char *out, *home, *cwd, *log;
	const char *cgroups[MAX_CGROUPS];
	int ncgroups;
	double timeout;
	uint32_t snaplen;
	const char *generic; /* syscall names of generic events to keep */
	char **cmd;
};

#define EV_GENERIC_E 0
#define EV_GENERIC_X 1

/* Keep this event? Everything but the generic events not in o->generic. */
static int keep_event(const struct opts *o, const scap_evt_t *e)
{
	uint16_t t = scap_evt_type(e), sc;
	const char *name, *p;
	size_t nl;

	if (t != EV_GENERIC_E && t != EV_GENERIC_X)
		return 1;
	if (!strcmp(o->generic, "all"))
		return 1;
	if (scap_evt_param_u16(e, 0, &sc) != SCAP_OK || !(name = scap_ppm_sc_name(sc)))
		return 0;
	nl = strlen(name);
	for (p = o->generic; (p = strstr(p, name)) != NULL; p += nl)
		if ((p == o->generic || p[-1] == ',') && (p[nl] == ',' || p[nl] == '\0'))
			return 1;
	return 0;
}

static void die_child(int fd, const char *what)
{
	char msg[512];
	int n = snprintf(msg, sizeof(msg), "runner: %s: %s", what, strerror(errno));
	if (write(fd, msg, (size_t)n) < 0)
		_exit(125);
	_exit(125);
}

/* In the child: prepare, report readiness on rd[1], wait for go, exec. */
static void runner(const struct opts *o, int ready_fd, int go_fd)
{
	char pid[32], path[4200];
	int fd;

	if (setsid() < 0)
		die_child(ready_fd, "setsid");
	if (chdir(o->cwd) < 0)
		die_child(ready_fd, o->cwd);
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	for (int i = 0; i < o->ncgroups; i++) {
		snprintf(path, sizeof(path), "%s/cgroup.procs", o->cgroups[i]);
		if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0 || write(fd, pid, strlen(pid)) < 0)
			die_child(ready_fd, path);
		close(fd);
	}
	if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0 || dup2(fd, 0) < 0)
		die_child(ready_fd, "/dev/null");
	close(fd);
	if ((fd = open(o->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) < 0 || dup2(fd, 1) < 0 ||
	    dup2(fd, 2) < 0)
		die_child(ready_fd, o->log);
	close(fd);
	if (clearenv() != 0 || setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1) || setenv("HOME", o->home, 1) ||
	    setenv("TERM", "dumb", 1) || setenv("LANG", "C", 1))
		die_child(ready_fd, "environment");
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	if (access(o->cmd[0], X_OK) != 0)
		die_child(ready_fd, o->cmd[0]);
	close(ready_fd); /* EOF: ready */
	char go;
	if (read(go_fd, &go, 1) != 1)
		_exit(125);
	execv(o->cmd[0], o->cmd); /* environ is the minimal one */
	_exit(127);
}

/* ---- per-type counts for the summary ---- */
static uint64_t type_counts[65536];

static void usage(FILE *f)
{
	fprintf(f, "usage: scenario_rec -o OUT.scap [--cgroup DIR]... [--home DIR] [--cwd DIR] [--log FILE]\n"
		   "                    [--timeout S] [--snaplen N] -- /absolute/command [args...]\n");
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{"out", required_argument, NULL, 'o'}, {"cgroup", required_argument, NULL, 'c'},
		{"home", required_argument, NULL, 'H'}, {"cwd", required_argument, NULL, 'C'},
		{"log", required_argument, NULL, 'l'}, {"timeout", required_argument, NULL, 't'},
		{"snaplen", required_argument, NULL, 's'}, {"generic", required_argument, NULL, 'g'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt;

	*o = (struct opts){.home = "/nonexistent", .cwd = "/", .log = "/dev/null", .timeout = 30, .snaplen = 80,
			  .generic = ""};
	while ((opt = getopt_long(argc, argv, "+o:h", lo, NULL)) != -1) {
		switch (opt) {
		case 'o': o->out = optarg; break;
		case 'c':
			if (o->ncgroups == MAX_CGROUPS) {
				fprintf(stderr, "scenario_rec: at most %d --cgroup\n", MAX_CGROUPS);
				return -1;
			}
			o->cgroups[o->ncgroups++] = optarg;
			break;
		case 'H': o->home = optarg; break;
		case 'C': o->cwd = optarg; break;
		case 'l': o->log = optarg; break;
		case 't': o->timeout = atof(optarg); break;
		case 's': o->snaplen = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'g': o->generic = optarg; break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	if (!o->out || optind >= argc || argv[optind][0] != '/' || o->timeout <= 0) {
		usage(stderr);
		return -1;
	}
	o->cmd = argv + optind;
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	int rd[2], go[2];
	char errbuf[SCAP_ERRBUF_SIZE], msg[600], tmp[4200];
	struct tree *tr = calloc(1, sizeof(*tr));
	struct scap_open_opts so = SCAP_OPEN_OPTS_INIT;
	struct sinsp_opts sio = SINSP_OPTS_INIT;
	struct scap_dump_opts dopts = SCAP_DUMP_OPTS_INIT;
	struct sigaction sa = {0};
	int status = -1, rc = SINSP_OK, ret = 0;
	uint64_t exited_at = 0, n_read = 0;

	if (parse(argc, argv, &o) < 0)
		return 2;
	if (!tr || pipe2(rd, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0) {
		perror("scenario_rec");
		return 1;
	}
	sa.sa_handler = on_chld;
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = on_int;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	pid_t child = fork();
	if (child < 0) {
		perror("scenario_rec: fork");
		return 1;
	}
	if (child == 0) {
		close(rd[0]);
		close(go[1]);
		runner(&o, rd[1], go[0]);
	}
	close(rd[1]);
	close(go[0]);
	ssize_t n = read(rd[0], msg, sizeof(msg) - 1); /* EOF when ready, a message on failure */
	close(rd[0]);
	if (n > 0) {
		msg[n] = '\0';
		fprintf(stderr, "scenario_rec: %s\n", msg);
		waitpid(child, NULL, 0);
		return 1;
	}

	/* the capture: bpf, empty state (no /proc scan), every event */
	so.engine = "bpf";
	so.ring_bytes = 64u << 20;
	so.snaplen = o.snaplen;
	scap_t *h = scap_open(&so, errbuf);
	if (!h) {
		fprintf(stderr, "scenario_rec: %s\n", errbuf);
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		return 1;
	}
	sio.proc_scan = -1;
	sinsp_t *s = sinsp_open(h, &sio, errbuf);
	if (!s) {
		fprintf(stderr, "scenario_rec: %s\n", errbuf);
		scap_close(h);
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		return 1;
	}
	tr->s = s;
	tr->root = child;
	snprintf(tmp, sizeof(tmp), "%s.tmp", o.out);
	scap_dumper_t *d = scap_dump_open(NULL, tmp, &dopts, errbuf); /* header only: nothing of this machine */
	if (!d) {
		fprintf(stderr, "scenario_rec: %s\n", errbuf);
		sinsp_close(s);
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		return 1;
	}

	uint64_t t0 = mono_ns(), deadline = t0 + (uint64_t)(o.timeout * 1e9);
	if (write(go[1], "g", 1) != 1) {
		perror("scenario_rec: go");
		ret = 1;
	}
	close(go[1]);
	while (!ret && !interrupted) {
		const sinsp_evt_t *se;
		uint64_t now = mono_ns();

		if (got_chld && !exited_at) {
			got_chld = 0;
			if (waitpid(child, &status, WNOHANG) == child)
				exited_at = now;
		}
		if (exited_at && now - exited_at > DRAIN_NS)
			break;
		if (!exited_at && now > deadline) {
			fprintf(stderr, "scenario_rec: the runner is still running after %.0f s: killed\n", o.timeout);
			kill(-child, SIGKILL);
			kill(child, SIGKILL);
			waitpid(child, &status, 0);
			ret = 1;
			break;
		}
		if ((rc = sinsp_next(s, &se)) == SINSP_TIMEOUT)
			continue;
		if (rc != SINSP_OK) {
			fprintf(stderr, "scenario_rec: capture: %s\n", sinsp_geterr(s));
			ret = 1;
			break;
		}
		n_read++;
		const sinsp_thread_t *t = sinsp_evt_thread(se);
		const scap_evt_t *e = sinsp_evt_scap(se);
		if (!t || !in_tree(tr, t) || !keep_event(&o, e))
			continue;
		type_counts[scap_evt_type(e)]++;
		if (scap_dump_write(d, e) < 0) {
			fprintf(stderr, "scenario_rec: %s\n", scap_dump_geterr(d));
			ret = 1;
		}
	}
	if (interrupted && !ret) {
		fprintf(stderr, "scenario_rec: interrupted\n");
		kill(-child, SIGKILL);
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
		ret = 1;
	}

	struct scap_stats st = {.sz = sizeof(st)};
	scap_get_stats(h, &st);
	uint64_t written = scap_dump_count(d);
	if (scap_dump_close(d, errbuf) < 0) {
		fprintf(stderr, "scenario_rec: %s\n", errbuf);
		ret = 1;
	}
	sinsp_close(s);

	fprintf(stderr, "scenario_rec: %s: %" PRIu64 " of %" PRIu64 " events written, %" PRIu64 " dropped, %.2f s,"
		" runner exit %d\n", o.out, written, n_read, st.n_drops, (double)(mono_ns() - t0) / 1e9,
		WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	for (uint32_t ty = 0; ty < 65536; ty++)
		if (type_counts[ty])
			fprintf(stderr, "  %5" PRIu64 " %s %s\n", type_counts[ty], scap_event_name((uint16_t)ty),
				scap_event_direction((uint16_t)ty) == SCAP_DIR_ENTER ? ">" : "<");
	if (!ret && st.n_drops) {
		fprintf(stderr, "scenario_rec: %" PRIu64 " events dropped: not written, record again\n", st.n_drops);
		ret = 3;
	}
	if (!ret && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		fprintf(stderr, "scenario_rec: the scenario failed (see its log %s): not written\n", o.log);
		ret = 1;
	}
	if (!ret && rename(tmp, o.out) < 0) {
		fprintf(stderr, "scenario_rec: rename %s: %s\n", o.out, strerror(errno));
		ret = 1;
	}
	if (ret)
		unlink(tmp);
	free(tr);
	return ret;
}

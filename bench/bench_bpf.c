/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Live capture cost of a live engine: bpf (default; root, kernel BTF) or
 * kmod (-e kmod; the scapkit module loaded).
 *
 *   bench_bpf syscall [-e ENGINE] [-w WORKLOAD] [-t SECONDS] [-r REPEAT] [-P]
 *     ns per operation of a tight loop of one syscall, in three modes:
 *       off         no engine loaded
 *       stopped     the probe attached, scap_stop(): its programs (kmod:
 *                   its tracepoint probes) run and return at once (the
 *                   cost of the hooks themselves)
 *       unselected  the probe attached, scap_set_event_mask() selecting
 *                   nothing (a filter that keeps nothing)
 *       captured    the workload's events selected, a consumer draining the
 *                   ring with scap_next() on another thread
 *     ns/op is the generator thread's CPU time (robust to other load on
 *     the machine), wall time beside it; best of REPEAT (modes
 *     interleaved), delta per syscall vs off, events, drops.
 *     WORKLOAD: close (close(-1), EBADF), openat (openat+close of
 *     /dev/null: 2 syscalls per op), getppid (a generic syscall), all.
 *
 *   bench_bpf rate [-e ENGINE] [-w WORKLOAD] [-n THREADS] [-t SECONDS] [-b RING_BYTES] [-P] [RATE...]
 *     sustained events/s to userspace: THREADS workers issue the workload
 *     paced (1 ms ticks) at each target RATE (events/s, suffix k/M; "max":
 *     unpaced) for SECONDS, while the main thread drains with scap_next()
 *     and reads every parameter; prints achieved rates, drops and the drop
 *     fraction per step, then the highest rate with 0 drops. -c NS: the
 *     consumer also spins NS ns per event (a simulated heavier consumer,
 *     e.g. state + rules), to see where a slower consumer starts to drop.
 *
 * -P pins the generator threads to CPUs 0.. and the consumer to the last
 * CPU. Exits 0 with a "skipped:" line when the engine cannot load (not
 * built, not root, no BTF). Not a test: numbers go to README.md with the
 * command that made them.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <scap.h>

#define MAX_WORKERS 64
#define MAX_RATES 64

enum workload { WL_CLOSE, WL_OPENAT, WL_GETPPID, WL_N };
static const char *const wl_name[WL_N] = {"close", "openat", "getppid"};
static const char *const wl_desc[WL_N] = {"close(-1)", "openat+close /dev/null", "getppid"};
static const int wl_syscalls[WL_N] = {1, 2, 1};

static int opt_pin;
static const char *opt_engine = "bpf"; /* -e */
static uint64_t opt_spin_ns; /* -c: simulated consumer work per event */
static int ncpu = 1;

static uint64_t now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void pin_self(int cpu)
{
	cpu_set_t set;

	if (!opt_pin)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu % ncpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static inline void do_op(enum workload w)
{
	switch (w) {
	case WL_CLOSE:
		syscall(SYS_close, -1);
		break;
	case WL_OPENAT: {
		long fd = syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY);
		if (fd >= 0)
			syscall(SYS_close, fd);
		break;
	}
	default:
		syscall(SYS_getppid);
		break;
	}
}

/* Events of the workload: close, openat (+ close), or the generic event. */
static uint8_t *workload_mask(enum workload w, size_t *n)
{
	uint32_t max = scap_event_max();
	uint8_t *m = calloc(max ? max : 1, 1);

	if (!m) {
		perror("calloc");
		exit(1);
	}
	for (uint32_t t = 0; t < max; t++) {
		const char *name = scap_event_name((uint16_t)t);
		if (!name)
			continue;
		if ((w == WL_CLOSE && !strcmp(name, "close")) ||
		    (w == WL_OPENAT && (!strcmp(name, "openat") || !strcmp(name, "close"))) ||
		    (w == WL_GETPPID && !strcmp(name, "syscall")))
			m[t] = 1;
	}
	*n = max;
	return m;
}

/* Other processes' BPF programs (another capture running) skew the numbers. */
static int foreign_bpf_progs(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;
	pid_t self = getpid();

	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char path[300], link[64];
		long pid = strtol(de->d_name, NULL, 10);
		if (pid <= 0 || pid == self)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/fd", pid);
		DIR *fd = opendir(path);
		if (!fd)
			continue;
		struct dirent *fe;
		while ((fe = readdir(fd)) != NULL) {
			char p2[600];
			snprintf(p2, sizeof(p2), "%s/%s", path, fe->d_name);
			ssize_t l = readlink(p2, link, sizeof(link) - 1);
			if (l > 0) {
				link[l] = '\0';
				if (!strcmp(link, "anon_inode:bpf-prog"))
					n++;
			}
		}
		closedir(fd);
	}
	closedir(d);
	return n;
}

static void warn_foreign(void)
{
	int n = foreign_bpf_progs();
	if (n)
		printf("WARNING: now %d BPF program fd(s) held by other processes (another capture?): numbers are skewed\n",
		       n);
}

static scap_t *open_engine(size_t ring, int *skipped)
{
	struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;
	char errbuf[SCAP_ERRBUF_SIZE];
	int err = 0;

	o.engine = opt_engine;
	o.ring_bytes = ring;
	scap_t *h = scap_open_err(&o, errbuf, &err);
	if (!h) {
		/* not built, no BTF, not root, module not loaded: skip, as the tests do */
		if (err == SCAP_ERR_NOTSUP || err == SCAP_ERR_NOENGINE || err == SCAP_ERR_IO) {
			printf("bench_bpf: skipped: %s\n", errbuf);
			*skipped = 1;
		} else {
			fprintf(stderr, "bench_bpf: %s\n", errbuf);
		}
	}
	return h;
}

/* ---- the consumer: counts events, reads every parameter ---- */
struct consume {
	uint64_t all, own, sum;
	pid_t tids[MAX_WORKERS];
	int ntids;
};

static void on_event(struct consume *c, const scap_evt_t *e, const uint8_t *mask, size_t n)
{
	uint32_t np = scap_evt_nparams(e), len;
	const void *p;
	uint16_t t = scap_evt_type(e);
	int64_t tid = scap_evt_tid(e);

	for (uint32_t i = 0; i < np; i++) {
		scap_evt_param(e, i, &p, &len);
		c->sum += len;
	}
	c->all++;
	if (opt_spin_ns) {
		uint64_t until = now_ns(CLOCK_MONOTONIC) + opt_spin_ns;
		while (now_ns(CLOCK_MONOTONIC) < until)
			;
	}
	if (mask && (t >= n || !mask[t]))
		return;
	for (int i = 0; i < c->ntids; i++)
		if (tid == c->tids[i]) {
			c->own++;
			break;
		}
}

/* Drains what the workers wrote: until the ring is empty (SCAP_TIMEOUT,
 * ~1 ms) or an event stamped 20 ms after they ended (other processes may
 * keep the ring busy), at most 10 s. */
static int drain(scap_t *h, struct consume *c, const uint8_t *mask, size_t n)
{
	const scap_evt_t *e;
	uint64_t last = now_ns(CLOCK_REALTIME) + 20000000ull, give_up = now_ns(CLOCK_MONOTONIC) + 10000000000ull;
	int rc;

	for (;;) {
		rc = scap_next(h, &e);
		if (rc == SCAP_OK) {
			on_event(c, e, mask, n);
			if (scap_evt_ts(e) > last || now_ns(CLOCK_MONOTONIC) > give_up)
				return 0;
		} else if (rc == SCAP_TIMEOUT) {
			return 0;
		} else {
			fprintf(stderr, "bench_bpf: scap_next: %s\n", scap_geterr(h));
			return -1;
		}
	}
}

/* ---- workers ---- */
struct worker {
	pthread_t th;
	int idx;
	enum workload wl;
	double ops_per_s;  /* 0: unpaced */
	uint64_t dur_ns;
	volatile pid_t tid;
	volatile int ready;
	uint64_t ops, elapsed_ns, cpu_ns;
};

static volatile int go;
static volatile int workers_done;

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	pin_self(w->idx);
	w->tid = (pid_t)syscall(SYS_gettid);
	__atomic_store_n(&w->ready, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		sched_yield();
	uint64_t c0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
	uint64_t start = now_ns(CLOCK_MONOTONIC), end = start + w->dur_ns, ops = 0, t = start;
	if (w->ops_per_s <= 0) {
		while (t < end) {
			for (int i = 0; i < 256; i++)
				do_op(w->wl);
			ops += 256;
			t = now_ns(CLOCK_MONOTONIC);
		}
	} else {
		/* 1 ms ticks: the ops due by the end of each tick, then sleep to the
		 * next one; a worker more than 10 ms behind restarts its schedule
		 * (no unbounded catch-up burst) */
		const uint64_t tick = 1000000;
		uint64_t sched0 = start, next = start, base = 0;
		while (t < end) {
			next += tick;
			uint64_t due = base + (uint64_t)(w->ops_per_s * (double)(next - sched0) / 1e9);
			while (ops < due)
				do_op(w->wl), ops++;
			t = now_ns(CLOCK_MONOTONIC);
			if (t < next) {
				struct timespec ts = {(time_t)(next / 1000000000ull), (long)(next % 1000000000ull)};
				clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
				t = now_ns(CLOCK_MONOTONIC);
			} else if (t - next > 10 * tick) {
				sched0 = next = t;
				base = ops;
			}
		}
	}
	w->ops = ops;
	w->elapsed_ns = t - start;
	w->cpu_ns = now_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
	return NULL;
}

/* Starts n workers, consumes (h != NULL) until they end, drains. */
static int run_workers(struct worker *ws, int n, scap_t *h, struct consume *c, const uint8_t *mask, size_t mn,
		       uint64_t *consumer_cpu_ns)
{
	uint64_t c0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
	const scap_evt_t *e;

	go = 0;
	for (int i = 0; i < n; i++) {
		ws[i].idx = i;
		ws[i].ready = 0;
		if (pthread_create(&ws[i].th, NULL, worker_main, &ws[i]) != 0) {
			fprintf(stderr, "bench_bpf: pthread_create failed\n");
			exit(1);
		}
	}
	for (int i = 0; i < n; i++)
		while (!__atomic_load_n(&ws[i].ready, __ATOMIC_ACQUIRE))
			sched_yield();
	if (c) {
		c->ntids = n;
		for (int i = 0; i < n; i++)
			c->tids[i] = ws[i].tid;
	}
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	if (h) {
		/* consume while the workers run; scap_next() waits 1 ms when empty */
		uint64_t end = now_ns(CLOCK_MONOTONIC) + ws[0].dur_ns;
		while (now_ns(CLOCK_MONOTONIC) < end) {
			for (int k = 0; k < 64; k++) {
				int rc = scap_next(h, &e);
				if (rc == SCAP_OK)
					on_event(c, e, mask, mn);
				else if (rc == SCAP_TIMEOUT)
					break;
				else {
					fprintf(stderr, "bench_bpf: scap_next: %s\n", scap_geterr(h));
					return -1;
				}
			}
		}
	}
	for (int i = 0; i < n; i++)
		pthread_join(ws[i].th, NULL);
	if (h && drain(h, c, mask, mn) < 0)
		return -1;
	if (consumer_cpu_ns)
		*consumer_cpu_ns = now_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
	return 0;
}

static int get_drops(scap_t *h, uint64_t *drops)
{
	struct scap_stats st = {.sz = sizeof(st)};
	if (scap_get_stats(h, &st) != SCAP_OK)
		return -1;
	*drops = st.n_drops;
	return 0;
}

static double parse_rate(const char *s)
{
	char *end;
	if (!strcmp(s, "max"))
		return 0;
	double v = strtod(s, &end);
	if (*end == 'k' || *end == 'K')
		v *= 1e3, end++;
	else if (*end == 'M' || *end == 'm')
		v *= 1e6, end++;
	if (*end || v <= 0) {
		fprintf(stderr, "bench_bpf: bad rate '%s'\n", s);
		exit(2);
	}
	return v;
}

static int parse_wl(const char *s)
{
	for (int w = 0; w < WL_N; w++)
		if (!strcmp(s, wl_name[w]))
			return w;
	if (!strcmp(s, "all"))
		return WL_N;
	fprintf(stderr, "bench_bpf: unknown workload '%s' (close, openat, getppid, all)\n", s);
	exit(2);
}

/* ---- bench_bpf syscall ---- */
enum { M_OFF, M_STOP, M_UNSEL, M_CAPT, M_N };
static const char *const mode_name[M_N] = {"off", "stopped", "unselected", "captured"};

struct mres {
	double best_ns; /* CPU time of the generator thread per op */
	double wall_ns; /* wall time per op, same run */
	uint64_t ops, own, all, drops;
	bool have;
};

static int syscall_bench(int wl_arg, double secs, int repeat)
{
	int skipped = 0;
	int first = wl_arg == WL_N ? 0 : wl_arg, last = wl_arg == WL_N ? WL_N - 1 : wl_arg;

	warn_foreign();
	printf("engine %s\n", opt_engine);
	printf("%-24s %-10s %9s %10s %9s %9s %10s %10s %6s\n", "workload", "mode", "ns/op", "ns/syscall", "delta/sc",
	       "wall ns/op", "ops", "events", "drops");
	for (int wl = first; wl <= last; wl++) {
		struct mres r[M_N];
		memset(r, 0, sizeof(r));
		for (int rep = 0; rep < repeat; rep++) {
			for (int m = 0; m < M_N; m++) {
				struct worker w = {.wl = (enum workload)wl, .dur_ns = (uint64_t)(secs * 1e9)};
				struct consume c = {0};
				size_t mn = 0;
				uint8_t *mask = NULL;
				scap_t *h = NULL;
				uint64_t drops = 0;

				if (m != M_OFF) {
					h = open_engine(0, &skipped);
					if (!h)
						return skipped ? 0 : 1;
					mask = m == M_CAPT ? workload_mask((enum workload)wl, &mn) : calloc(scap_event_max(), 1);
					if (m != M_CAPT)
						mn = scap_event_max();
					if (!mask || scap_set_event_mask(h, mask, mn) != SCAP_OK ||
					    (m == M_STOP ? scap_stop(h) : scap_start(h)) != SCAP_OK) {
						fprintf(stderr, "bench_bpf: cannot select events: %s\n", scap_geterr(h));
						return 1;
					}
					pin_self(ncpu - 1);
				}
				if (run_workers(&w, 1, h, h ? &c : NULL, mask, mn, NULL) < 0)
					return 1;
				if (h) {
					scap_stop(h);
					if (get_drops(h, &drops) < 0)
						return 1;
					scap_close(h);
				}
				free(mask);
				double ns = (double)w.cpu_ns / (double)w.ops;
				if (!r[m].have || ns < r[m].best_ns) {
					r[m].best_ns = ns;
					r[m].wall_ns = (double)w.elapsed_ns / (double)w.ops;
					r[m].ops = w.ops;
					r[m].own = c.own;
					r[m].all = c.all;
					r[m].drops = drops;
					r[m].have = true;
				}
			}
		}
		for (int m = 0; m < M_N; m++) {
			double ns = r[m].best_ns, d = (ns - r[M_OFF].best_ns) / wl_syscalls[wl];
			char ev[32], dl[32], dr[32];
			if (m == M_OFF) {
				snprintf(ev, sizeof(ev), "-");
				snprintf(dl, sizeof(dl), "-");
				snprintf(dr, sizeof(dr), "-");
			} else {
				snprintf(ev, sizeof(ev), "%" PRIu64, r[m].own);
				snprintf(dl, sizeof(dl), "%+.0f", d);
				snprintf(dr, sizeof(dr), "%" PRIu64, r[m].drops);
			}
			printf("%-24s %-10s %9.0f %10.0f %9s %10.0f %10" PRIu64 " %10s %6s\n", wl_desc[wl], mode_name[m], ns,
			       ns / wl_syscalls[wl], dl, r[m].wall_ns, r[m].ops, ev, dr);
		}
		if (r[M_CAPT].own == 0)
			printf("  (no %s event captured: the probe does not emit this syscall's event yet)\n", wl_name[wl]);
		else if (r[M_CAPT].own < r[M_CAPT].ops * (uint64_t)wl_syscalls[wl])
			printf("  (captured %" PRIu64 " events for %" PRIu64 " syscalls: the rest were dropped)\n",
			       r[M_CAPT].own, r[M_CAPT].ops * (uint64_t)wl_syscalls[wl]);
	}
	warn_foreign();
	printf("(ns/op: CPU time of the generator thread per loop iteration (user + system, BPF programs included; "
	       "time preempted by other tasks excluded), best of %d runs of %.1f s per mode, modes interleaved; "
	       "wall ns/op: the same run's wall time; events: the generator's own events delivered to scap_next(); "
	       "drops: all drops of the run)\n",
	       repeat, secs);
	return 0;
}

/* ---- bench_bpf rate ---- */
static int rate_bench(int wl, int nthreads, double secs, size_t ring, const double *rates, int nrates)
{
	int skipped = 0;
	size_t mn;
	uint8_t *mask = workload_mask((enum workload)wl, &mn);
	struct worker ws[MAX_WORKERS];
	scap_t *h = open_engine(ring, &skipped);
	double best_ok = -1, first_drop = -1;

	if (!h) {
		free(mask);
		return skipped ? 0 : 1;
	}
	warn_foreign();
	if (scap_set_event_mask(h, mask, mn) != SCAP_OK || scap_start(h) != SCAP_OK) {
		fprintf(stderr, "bench_bpf: cannot select events: %s\n", scap_geterr(h));
		return 1;
	}
	pin_self(ncpu - 1);
	/* calibration: events per op (enter+exit or exit only; openat: 2 syscalls) */
	double epo;
	{
		struct consume c = {0};
		memset(ws, 0, sizeof(ws));
		ws[0].wl = (enum workload)wl;
		ws[0].ops_per_s = 20000;
		ws[0].dur_ns = 250000000;
		if (run_workers(ws, 1, h, &c, mask, mn, NULL) < 0)
			return 1;
		epo = ws[0].ops ? (double)c.own / (double)ws[0].ops : 0;
		if (epo < 0.5) {
			printf("bench_bpf: the probe emits no %s event (%" PRIu64 " events for %" PRIu64
			       " ops): nothing to measure\n",
			       wl_name[wl], c.own, ws[0].ops);
			scap_close(h);
			free(mask);
			return 0;
		}
		epo = (double)(long)(epo + 0.5);
	}
	char ringdesc[48];
	if (ring || !strcmp(opt_engine, "bpf")) /* the bpf engine's default: 8 MiB */
		snprintf(ringdesc, sizeof(ringdesc), "%zu KiB", (ring ? ring : 8u << 20) >> 10);
	else
		snprintf(ringdesc, sizeof(ringdesc), "the engine's default");
	printf("engine %s, workload %s, %d generator thread(s), %.1f s per step, ring %s, %.0f event(s) per op, "
	       "consumer work %" PRIu64 " ns/event, %d CPUs%s\n",
	       opt_engine, wl_desc[wl], nthreads, secs, ringdesc, epo, opt_spin_ns, ncpu, opt_pin ? ", pinned" : "");
	printf("%12s %12s %12s %12s %10s %10s %9s %9s\n", "target ev/s", "syscalls/s", "events/s", "all ev/s", "drops",
	       "drop %", "cons CPU", "gen CPU");
	for (int i = 0; i < nrates; i++) {
		struct consume c = {0};
		uint64_t d0, d1, ccpu = 0, ops = 0, gcpu = 0;
		if (get_drops(h, &d0) < 0)
			return 1;
		memset(ws, 0, sizeof(ws));
		for (int k = 0; k < nthreads; k++) {
			ws[k].wl = (enum workload)wl;
			ws[k].ops_per_s = rates[i] / epo / nthreads;
			ws[k].dur_ns = (uint64_t)(secs * 1e9);
		}
		if (run_workers(ws, nthreads, h, &c, mask, mn, &ccpu) < 0)
			return 1;
		if (get_drops(h, &d1) < 0)
			return 1;
		double el = 0;
		for (int k = 0; k < nthreads; k++) {
			ops += ws[k].ops;
			gcpu += ws[k].cpu_ns;
			if ((double)ws[k].elapsed_ns > el)
				el = (double)ws[k].elapsed_ns;
		}
		el /= 1e9;
		uint64_t drops = d1 - d0;
		double frac = c.all + drops ? (double)drops / (double)(c.all + drops) : 0;
		double evs = (double)c.own / el;
		char tgt[32];
		if (rates[i] > 0)
			snprintf(tgt, sizeof(tgt), "%.0f", rates[i]);
		else
			snprintf(tgt, sizeof(tgt), "max");
		printf("%12s %12.0f %12.0f %12.0f %10" PRIu64 " %9.3f%% %8.0f%% %8.0f%%\n", tgt,
		       (double)ops * wl_syscalls[wl] / el, evs, (double)c.all / el, drops, 100 * frac,
		       100 * (double)ccpu / 1e9 / el, 100 * (double)gcpu / 1e9 / el);
		fflush(stdout);
		if (drops == 0 && evs > best_ok)
			best_ok = evs;
		if (drops && first_drop < 0)
			first_drop = rates[i] > 0 ? rates[i] : evs;
	}
	if (best_ok >= 0)
		printf("highest sustained rate with 0 drops: %.0f events/s", best_ok);
	else
		printf("drops at every rate");
	if (first_drop >= 0)
		printf("; first drops at target %.0f events/s\n", first_drop);
	else
		printf("; no drops at any rate\n");
	warn_foreign();
	printf("(events/s: the generators' events delivered to scap_next(); all ev/s: every event read; "
	       "cons CPU / gen CPU: CPU time of the consumer / all generator threads, %% of one CPU)\n");
	scap_close(h);
	free(mask);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_bpf syscall [-e bpf|kmod] [-w close|openat|getppid|all] [-t SECONDS] [-r REPEAT] [-P]\n"
			"       bench_bpf rate [-e bpf|kmod] [-w close|openat|getppid] [-n THREADS] [-t SECONDS] [-b RING_BYTES] [-c NS] [-P] "
			"[RATE|max ...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int wl = -1, nthreads = 1, repeat = 3, opt;
	double secs = -1;
	size_t ring = 0;
	double rates[MAX_RATES];
	int nrates = 0;

	if (argc < 2)
		usage();
	const char *cmd = argv[1];
	ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpu < 1)
		ncpu = 1;
	optind = 2;
	while ((opt = getopt(argc, argv, "e:w:t:r:n:b:c:P")) != -1) {
		switch (opt) {
		case 'e': opt_engine = optarg; break;
		case 'w': wl = parse_wl(optarg); break;
		case 't': secs = strtod(optarg, NULL); break;
		case 'r': repeat = atoi(optarg); break;
		case 'n': nthreads = atoi(optarg); break;
		case 'b': ring = (size_t)strtoull(optarg, NULL, 0); break;
		case 'c': opt_spin_ns = strtoull(optarg, NULL, 10); break;
		case 'P': opt_pin = 1; break;
		default: usage();
		}
	}
	if (repeat < 1 || nthreads < 1 || nthreads > MAX_WORKERS || (secs != -1 && secs <= 0))
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "syscall")) {
		if (optind != argc)
			usage();
		return syscall_bench(wl < 0 ? WL_N : wl, secs > 0 ? secs : 1.0, repeat);
	}
	if (!strcmp(cmd, "rate")) {
		if (wl == WL_N)
			usage();
		for (; optind < argc && nrates < MAX_RATES; optind++)
			rates[nrates++] = parse_rate(argv[optind]);
		if (!nrates) {
			static const double def[] = {100e3, 250e3, 500e3, 750e3, 1e6, 1.25e6, 1.5e6, 2e6, 0};
			for (size_t i = 0; i < sizeof(def) / sizeof(def[0]); i++)
				rates[nrates++] = def[i];
		}
		return rate_bench(wl < 0 ? WL_CLOSE : wl, nthreads, secs > 0 ? secs : 2.0, ring, rates, nrates);
	}
	usage();
	return 2;
}

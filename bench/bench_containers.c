/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cost of container metadata lookups, through the public API.
 *   bench_containers [-s DOCKER_SOCKET] [-d DOCKER_ROOT] [-e EVENTS] ID...
 * Writes a capture in which each container ID (64 hex, as the runtime
 * knows it) shows up in one execve, then EVENTS more events of its
 * process, and reads it with libsinsp twice: lookups off, then lookups on
 * with the given sources (the defaults of sinsp_opts for the others; "" to
 * turn one off). Reports the time per container lookup (the difference of
 * the two runs over the number of containers), the longest an event waited
 * for metadata (sinsp_stats.container_delay_max_ns) and the counters.
 * Not a test: numbers go to README.md with the command that made them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sinsp.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* execve< (293) of tid with the cgroups of container id */
static int write_exec(scap_dumper_t *d, uint64_t ts, int64_t tid, const char *id)
{
	char cg[128];
	uint64_t zero = 0, tid64 = (uint64_t)tid, one = 1, fdlim = 1024;
	uint32_t z32 = 0, tty = 0;
	int cgl = snprintf(cg, sizeof(cg), "cpu=/docker/%s", id) + 1;
	const void *p[17] = {&zero, "/bin/sh", "", &tid64, &tid64, &one, "/", &fdlim, &zero, &zero,
			     &z32,  &z32,      &z32, "sh", cg, NULL, &tty};
	uint32_t l[17] = {8, 8, 0, 8, 8, 8, 2, 8, 8, 8, 4, 4, 4, 3, (uint32_t)cgl, 0, 4};
	scap_evt_t *e = scap_evt_new(293, ts, tid, 17, p, l, NULL);
	int rc = e ? scap_dump_write(d, e) : -1;
	scap_evt_free(e);
	return rc;
}

/* close< res=0 of tid: an event of a known container */
static int write_close(scap_dumper_t *d, uint64_t ts, int64_t tid)
{
	int64_t res = 0;
	const void *p[1] = {&res};
	uint32_t l[1] = {8};
	scap_evt_t *e = scap_evt_new(5, ts, tid, 1, p, l, NULL);
	int rc = e ? scap_dump_write(d, e) : -1;
	scap_evt_free(e);
	return rc;
}

static double run(const char *path, struct sinsp_opts *so, struct sinsp_stats *st)
{
	struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;
	char errbuf[SCAP_ERRBUF_SIZE];
	const sinsp_evt_t *e;
	double t0 = now();

	o.filename = path;
	scap_t *h = scap_open(&o, errbuf);
	sinsp_t *s = h ? sinsp_open(h, so, errbuf) : NULL;
	if (!s) {
		fprintf(stderr, "bench_containers: %s\n", errbuf);
		exit(1);
	}
	while (sinsp_next(s, &e) == SINSP_OK)
		;
	double t = now() - t0;
	st->sz = sizeof(*st);
	sinsp_get_stats(s, st);
	sinsp_close(s);
	return t;
}

int main(int argc, char **argv)
{
	struct sinsp_opts on = SINSP_OPTS_INIT, off = SINSP_OPTS_INIT;
	struct sinsp_stats st0, st1;
	unsigned long per = 1000;
	char path[] = "/tmp/bench-containers-XXXXXX";
	char errbuf[SCAP_ERRBUF_SIZE];
	int i = 1, fd;

	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "-s"))
			on.docker_socket = argv[i + 1];
		else if (!strcmp(argv[i], "-d"))
			on.docker_root = argv[i + 1];
		else if (!strcmp(argv[i], "-e"))
			per = strtoul(argv[i + 1], NULL, 10);
		else
			break;
	}
	if (i >= argc || argv[i][0] == '-') {
		fprintf(stderr, "usage: bench_containers [-s DOCKER_SOCKET] [-d DOCKER_ROOT] [-e EVENTS] ID...\n");
		return 2;
	}
	if ((fd = mkstemp(path)) < 0) {
		perror("mkstemp");
		return 1;
	}
	close(fd);
	scap_dumper_t *d = scap_dump_open(NULL, path, NULL, errbuf);
	if (!d) {
		fprintf(stderr, "bench_containers: %s\n", errbuf);
		return 1;
	}
	uint64_t ts = 1000000000ull;
	int n = argc - i;
	for (int k = 0; k < n; k++) {
		write_exec(d, ts++, 1000 + k, argv[i + k]);
		for (unsigned long j = 0; j < per; j++)
			write_close(d, ts++, 1000 + k);
	}
	if (scap_dump_close(d, errbuf) < 0) {
		fprintf(stderr, "bench_containers: %s\n", errbuf);
		return 1;
	}
	off.container_lookups = -1;
	on.container_lookups = 1;
	on.lookup_wait_ms = 2000; /* the API answer is waited for (measured) */
	double t0 = 1e9, t1 = 1e9;
	for (int r = 0; r < 3; r++) { /* best of 3 each, alternated */
		double a = run(path, &off, &st0), b = run(path, &on, &st1);
		t0 = a < t0 ? a : t0;
		t1 = b < t1 ? b : t1;
	}
	unlink(path);
	uint64_t evts = st1.n_evts - st1.n_container_events;
	printf("containers %d, events %" PRIu64 ", lookups off %.3f ms, on %.3f ms\n", n, evts, t0 * 1e3, t1 * 1e3);
	printf("per container lookup: %.1f us measured inside sinsp_next() (%.1f us from the run times); ok %" PRIu64
	       ", of them from files %" PRIu64 ", failed %" PRIu64 "\n",
	       (double)st1.container_delay_total_ns / n / 1e3, (t1 - t0) / n * 1e6, st1.n_container_lookups_ok,
	       st1.n_container_lookups_disk, st1.n_container_lookups_failed);
	printf("longest wait of one event for metadata: %.3f ms\n", (double)st1.container_delay_max_ns / 1e6);
	return st1.n_container_lookups_ok == (uint64_t)n ? 0 : 1;
}

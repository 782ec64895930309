/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Filter cost per event: read a capture and evaluate a condition on every
 * event (evt.* fields). Reports events/s and ns/event over the raw read.
 *   bench_filter FILE COND [repeat]
 * Not a test: numbers go to README.md with the command that made them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <filter.h>
#include <scap.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Best time over `repeat` passes; f may be NULL (raw read). */
static double pass(const char *file, filter_t *f, int repeat, uint64_t *n, uint64_t *matched)
{
	double best = 0;
	for (int r = 0; r < repeat; r++) {
		struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;
		char errbuf[SCAP_ERRBUF_SIZE];
		const scap_evt_t *e;
		o.filename = file;
		double t0 = now();
		scap_t *h = scap_open(&o, errbuf);
		if (!h) {
			fprintf(stderr, "%s\n", errbuf);
			exit(1);
		}
		*n = *matched = 0;
		while (scap_next(h, &e) == SCAP_OK) {
			++*n;
			if (f && filter_eval(f, e, *n, NULL) == 1)
				++*matched;
		}
		scap_close(h);
		double dt = now() - t0;
		if (best == 0 || dt < best)
			best = dt;
	}
	return best;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_filter FILE COND [repeat]\n");
		return 2;
	}
	int repeat = argc > 3 ? atoi(argv[3]) : 3;
	filter_registry_t *reg = filter_registry_new();
	filter_registry_add_evt_fields(reg);
	filter_t *f = filter_compile(reg, argv[2], NULL);
	if (!f) {
		fprintf(stderr, "%s\n", filter_registry_geterr(reg));
		return 1;
	}
	uint64_t n, m, n0, m0;
	double raw = pass(argv[1], NULL, repeat, &n0, &m0);
	double dt = pass(argv[1], f, repeat, &n, &m);
	printf("%-60.60s %9" PRIu64 " matched  %6.2f M events/s  %5.1f ns/event over the raw read\n", argv[2], m,
	       (double)n / dt / 1e6, (dt - raw) / (double)n * 1e9);
	filter_free(f);
	filter_registry_free(reg);
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Raw read throughput of libscap: open a capture, read every event and
 * touch its parameters (as a consumer would), report events/s and MB/s.
 *   bench_read FILE [repeat]
 * Not a test: numbers go to README.md with the command that made them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include <scap.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int repeat = argc > 2 ? atoi(argv[2]) : 3;
	double best = 0;
	uint64_t n = 0, bytes = 0, sum = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_read FILE [repeat]\n");
		return 2;
	}
	for (int r = 0; r < repeat; r++) {
		struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;
		struct scap_stats st = {.sz = sizeof(st)};
		char errbuf[SCAP_ERRBUF_SIZE];
		const scap_evt_t *e;
		int rc;

		o.filename = argv[1];
		double t0 = now();
		scap_t *h = scap_open(&o, errbuf);
		if (!h) {
			fprintf(stderr, "%s\n", errbuf);
			return 1;
		}
		n = 0;
		while ((rc = scap_next(h, &e)) == SCAP_OK) {
			uint32_t np = scap_evt_nparams(e), len;
			const void *p;
			for (uint32_t i = 0; i < np; i++) {
				scap_evt_param(e, i, &p, &len);
				sum += len;
			}
			n++;
		}
		double dt = now() - t0;
		if (rc != SCAP_EOF) {
			fprintf(stderr, "%s\n", scap_geterr(h));
			return 1;
		}
		scap_get_stats(h, &st);
		bytes = st.bytes_read;
		scap_close(h);
		if (best == 0 || dt < best)
			best = dt;
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("events %" PRIu64 " bytes %" PRIu64 " best %.3f s  %.2f M events/s  %.0f MB/s  peak RSS %ld KiB"
	       "  (checksum %" PRIu64 ")\n",
	       n, bytes, best, (double)n / best / 1e6, (double)bytes / best / 1e6, ru.ru_maxrss, sum);
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pipeline: read + state (libsinsp) [+ a condition] [+ formatted
 * output to /dev/null]. Reports events/s and the process's peak RSS.
 *   bench_sinsp FILE [COND|-] [FORMAT]
 * Not a test: numbers go to README.md with the command that made them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <sinsp.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_sinsp FILE [COND|-] [FORMAT]\n");
		return 2;
	}
	const char *cond = argc > 2 && strcmp(argv[2], "-") ? argv[2] : NULL;
	const char *format = argc > 3 ? argv[3] : NULL;
	struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;
	char errbuf[SCAP_ERRBUF_SIZE];
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	o.filename = argv[1];
	scap_t *h = scap_open(&o, errbuf);
	sinsp_t *s = h ? sinsp_open(h, NULL, errbuf) : NULL;
	if (!s) {
		fprintf(stderr, "%s\n", errbuf);
		return 1;
	}
	filter_registry_t *reg = filter_registry_new();
	filter_registry_add_evt_fields(reg);
	sinsp_add_fields(s, reg);
	filter_t *f = cond ? filter_compile(reg, cond, NULL) : NULL;
	filter_format_t *fmt = format ? filter_format_compile(reg, format, NULL) : NULL;
	if ((cond && !f) || (format && !fmt)) {
		fprintf(stderr, "%s\n", filter_registry_geterr(reg));
		return 1;
	}
	FILE *null = fopen("/dev/null", "w");
	static char line[8192];
	const sinsp_evt_t *e;
	uint64_t n = 0, matched = 0;
	while (sinsp_next(s, &e) == SINSP_OK) {
		n++;
		if (f && filter_eval(f, sinsp_evt_scap(e), sinsp_evt_num(e), (void *)e) != 1)
			continue;
		matched++;
		if (fmt) {
			int len = filter_format_render(fmt, sinsp_evt_scap(e), sinsp_evt_num(e), (void *)e, line,
						       sizeof(line));
			fwrite(line, 1, len < (int)sizeof(line) ? (size_t)len : sizeof(line) - 1, null);
			fputc('\n', null);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double dt = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	struct sinsp_stats st = {.sz = sizeof(st)};
	sinsp_get_stats(s, &st);
	printf("%-62.62s %9" PRIu64 " matched %6.2f M events/s  peak RSS %6.1f MiB  threads %" PRIu64 "\n",
	       cond ? cond : (fmt ? "(all events)" : "(no filter)"), matched, (double)n / dt / 1e6,
	       (double)ru.ru_maxrss / 1024.0, st.n_threads);
	fclose(null);
	filter_free(f);
	filter_format_free(fmt);
	sinsp_close(s);
	filter_registry_free(reg);
	return 0;
}

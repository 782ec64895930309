/* SPDX-License-Identifier: Apache-2.0 */
/* Example: open a capture, print its machine info and count its events by
 * type. Build against an installed copy with
 *   cc read_capture.c $(pkg-config --cflags --libs libsinsp) -o read_capture */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sinsp.h>

int main(int argc, char **argv)
{
	struct scap_open_opts opts = SCAP_OPEN_OPTS_INIT;
	struct scap_machine_info mi = {.sz = sizeof(mi)};
	char errbuf[SCAP_ERRBUF_SIZE];
	const scap_evt_t *evt;
	uint64_t n = 0, execs = 0;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE.scap\n", argv[0]);
		return 2;
	}
	opts.filename = argv[1];
	scap_t *h = scap_open(&opts, errbuf);
	if (!h) {
		fprintf(stderr, "%s\n", errbuf);
		return 1;
	}
	if (scap_get_machine_info(h, &mi) == SCAP_OK)
		printf("host %s, %u cpus\n", mi.hostname, mi.num_cpus);
	printf("threads %zu, fds %zu, users %zu, groups %zu, interfaces %zu\n", scap_proc_count(h),
	       scap_fd_count(h), scap_user_count(h), scap_group_count(h), scap_iface_count(h));
	while ((rc = scap_next(h, &evt)) == SCAP_OK) {
		const char *name = scap_event_name(scap_evt_type(evt));
		n++;
		if (name && scap_event_direction(scap_evt_type(evt)) == SCAP_DIR_EXIT && strcmp(name, "execve") == 0)
			execs++;
	}
	if (rc != SCAP_EOF) {
		fprintf(stderr, "%s\n", scap_geterr(h));
		scap_close(h);
		return 1;
	}
	printf("events %" PRIu64 ", execve exits %" PRIu64 "\n", n, execs);
	scap_close(h);
	return 0;
}

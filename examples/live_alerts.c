/* SPDX-License-Identifier: Apache-2.0 */
/* Example: live detection in a few lines. Capture with the bpf engine
 * (root), keep the state (threads, fds, containers with their runtime
 * metadata), and print Falco's JSON alert line for each rule that fires, as
 * it fires, until SIGINT or SIGTERM.
 *   live_alerts [-s DOCKER_SOCKET] [--docker-root DIR] RULES_FILE...
 * Build against an installed copy with
 *   cc live_alerts.c $(pkg-config --cflags --libs libsinsp) -o live_alerts */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <filter_rules.h>
#include <sinsp.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void print_log(int level, const char *msg, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "live_alerts: %s: %s\n", level <= SCAP_LOG_WARN ? "warning" : "info", msg);
}

/* Called by libfilter for each alert, while the event is current. */
static void on_alert(filter_ruleset_t *rs, uint32_t rule, const scap_evt_t *evt, uint64_t num, void *user,
		     void *ctx)
{
	char line[65536];
	if (filter_ruleset_alert_json(rs, rule, evt, num, user, ctx, line, sizeof(line)) >= 0) {
		puts(line);
		fflush(stdout);
	}
}

int main(int argc, char **argv)
{
	struct scap_open_opts oo = SCAP_OPEN_OPTS_INIT;
	struct sinsp_opts so = SINSP_OPTS_INIT;
	struct scap_machine_info mi = {.sz = sizeof(mi)};
	char errbuf[SCAP_ERRBUF_SIZE], msg[2048];
	const sinsp_evt_t *e;
	int i = 1, rc, status = 0;

	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "-s"))
			so.docker_socket = argv[i + 1];
		else if (!strcmp(argv[i], "--docker-root"))
			so.docker_root = argv[i + 1];
		else
			break;
	}
	if (i >= argc || argv[i][0] == '-') {
		fprintf(stderr, "usage: %s [-s DOCKER_SOCKET] [--docker-root DIR] RULES_FILE...\n", argv[0]);
		return 2;
	}
	so.log_fn = print_log;

	filter_registry_t *reg = filter_registry_new();
	if (!reg || filter_registry_add_evt_fields(reg) < 0)
		return 1;
	oo.engine = "bpf";
	scap_t *h = scap_open(&oo, errbuf);
	sinsp_t *s = h ? sinsp_open(h, &so, errbuf) : NULL;
	if (!s) {
		fprintf(stderr, "live_alerts: %s\n", errbuf);
		scap_close(h);
		filter_registry_free(reg);
		return 1;
	}
	filter_ruleset_t *rs = NULL;
	if (sinsp_add_fields(s, reg) < 0 || !(rs = filter_ruleset_new(reg))) {
		fprintf(stderr, "live_alerts: cannot set up the fields\n");
		status = 1;
		goto out;
	}
	for (; i < argc; i++)
		if (filter_ruleset_load_file(rs, argv[i]) < 0)
			break;
	filter_ruleset_compile(rs);
	for (size_t k = 0; k < filter_ruleset_diag_count(rs); k++) {
		filter_ruleset_diag_format(rs, k, msg, sizeof(msg));
		fprintf(stderr, "%s\n", msg);
	}
	if (filter_ruleset_error_count(rs)) {
		status = 1;
		goto out;
	}
	scap_get_machine_info(h, &mi);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	while (!stop) {
		rc = sinsp_next(s, &e);
		if (rc == SINSP_TIMEOUT)
			continue;
		if (rc != SINSP_OK) {
			fprintf(stderr, "live_alerts: %s\n", sinsp_geterr(s));
			status = 1;
			break;
		}
		filter_ruleset_process(rs, sinsp_evt_scap(e), sinsp_evt_num(e), (void *)e, on_alert, mi.hostname);
	}
out:
	filter_ruleset_free(rs);
	sinsp_close(s);
	filter_registry_free(reg);
	return status;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* scapcli: the thin command-line front end. Public API only. */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <filter_rules.h>
#include <sinsp.h>

#define MAX_TYPES 65536

static volatile sig_atomic_t interrupted; /* SIGINT/SIGTERM: stop the capture loop */

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

struct cli {
	const char *file, *engine; /* -r, -e */
	double duration;            /* --duration (live), 0: none */
	uint64_t max_events; /* 0: all */
	int stats;
	int quiet;
	const char *cond;   /* -F */
	const char *format; /* -p */
	filter_t *filter;
	filter_format_t *fmt;
	uint32_t snaplen;
	const char *wfile; /* -w */
	int gzip;          /* -z */
	const char *rules[32]; /* -R / -V */
	int nrules, validate, list_rules, json, min_prio;
	const char *sel[32]; /* --enable / -D: rule names or tags, in order */
	int sel_on[32], nsel;
	filter_ruleset_t *rs;
	struct scap_machine_info mi;      /* the capture's hostname, for JSON alerts */
	int unbuffered, no_suggested, matching; /* -U, --no-suggested-output, --rule-matching */
	struct sinsp_opts so;             /* --docker-socket, --docker-root */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: scapcli -r FILE [options] | scapcli -e bpf|kmod [options]\n"
		"  -r, --read FILE      read events from a .scap capture (plain or gzip)\n"
		"  -e, --engine NAME    capture live with NAME (bpf, kmod: root); stop: Ctrl-C, -n, --duration S\n"
		"  -F, --filter COND    print only events matching a Falco-style condition\n"
		"      --explain-filter COND  print the compiled form of COND and exit\n"
		"      --list-fields[=markdown]  list the fields conditions can use\n"
		"  -R, --rules PATH     raise the alerts of a Falco rules file or directory\n"
		"  -V, --validate PATH  check a rules file or directory and exit (1 on errors)\n"
		"  -j, --json           alerts as JSON lines;  --min-priority P;  --list-rules\n"
		"      --no-suggested-output  do not append the container fields to alert outputs\n"
		"      --rule-matching first|all  alert for the first matching rule (default) or all\n"
		"      --docker-socket PATH, --docker-root DIR  where container metadata comes from\n"
		"  -U, --unbuffered     write each line (always on live) and -w event when it happens\n"
		"  -D, --disable NAME   disable the rules named NAME or tagged NAME;  --enable NAME\n"
		"  -p, --print FORMAT   print each event as FORMAT, e.g. '%%evt.num %%proc.name %%fd.name'\n"
		"  -n, --count N        stop after N events\n"
		"  -q, --quiet          do not print events;  --stats: counters on stderr at the end\n"
		"  -s, --snaplen N      bytes of buffers to print, and to capture live (default 80)\n"
		"  -w, --write FILE     write the events that pass -F to FILE (-z, --gzip: gzipped)\n"
		"  -h, --help           this help;  --version: print versions\n");
}

/* --list-fields: plain, or a markdown table. */
static int list_fields(filter_registry_t *reg, int markdown)
{
	if (markdown)
		printf("| field | type | description |\n|---|---|---|\n");
	for (size_t i = 0; i < filter_registry_field_count(reg); i++) {
		const char *name, *desc, *prov;
		enum filter_ftype type;
		uint32_t flags;
		filter_registry_field_info(reg, i, &name, &type, &flags, &desc, &prov);
		const char *arg = (flags & FILTER_FIELD_ARG_REQUIRED) ? "[ARG]" : (flags & FILTER_FIELD_ARG_ALLOWED) ? "[ARG?]" : "";
		if (markdown) { /* < > | in a description would be HTML or a cell border */
			printf("| `%s%s` | %s | ", name, arg, filter_ftype_name(type));
			for (const char *p = desc; *p; p++)
				*p == '<' ? fputs("&lt;", stdout) : *p == '>' ? fputs("&gt;", stdout) : *p == '|' ? fputs("\\|", stdout) : putchar(*p);
			printf(" |\n");
		} else
			printf("%-28s %-8s %s\n", name, filter_ftype_name(type), desc);
	}
	return 0;
}

struct type_count {
	uint16_t type;
	uint64_t count;
};

static int cmp_count(const void *a, const void *b)
{
	const struct type_count *x = a, *y = b;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return x->type < y->type ? -1 : x->type > y->type;
}

static void print_drops(scap_t *h)
{
	struct scap_stats st = {.sz = sizeof(st)};
	if (scap_get_stats(h, &st) == SCAP_OK)
		fprintf(stderr, "drops: %" PRIu64 " (buffer full %" PRIu64 ", too large %" PRIu64 ", probe %" PRIu64
			")\n", st.n_drops, st.n_drops_buffer, st.n_drops_too_large, st.n_drops_probe);
}

static void print_stats(sinsp_t *s, const uint64_t *counts, uint64_t matched, double secs)
{
	struct scap_stats st = {.sz = sizeof(st)};
	struct sinsp_stats ss = {.sz = sizeof(ss)};
	scap_t *h = sinsp_scap(s);
	struct type_count *tc = malloc(sizeof(*tc) * MAX_TYPES);
	size_t ntc = 0;

	scap_get_stats(h, &st);
	fprintf(stderr, "events: %" PRIu64 "\nmatched: %" PRIu64 "\nbytes: %" PRIu64 "\nseconds: %.3f\n",
		st.n_evts, matched, st.bytes_read, secs);
	fprintf(stderr, "events/s: %.0f\nMB/s: %.1f\n", secs > 0 ? (double)st.n_evts / secs : 0.0,
		secs > 0 ? (double)st.bytes_read / secs / 1e6 : 0.0);
	fprintf(stderr, "blocks: %" PRIu64 " (skipped %" PRIu64 ")\nsections: %" PRIu64 "\n", st.n_blocks,
		st.n_blocks_skipped, st.n_sections);
	print_drops(h);
	sinsp_get_stats(s, &ss);
	fprintf(stderr, "threads: %" PRIu64 " (added %" PRIu64 ", exited %" PRIu64 ", evicted %" PRIu64
		", purged %" PRIu64 ")\nfds: %" PRIu64 "\ncontainers: %" PRIu64 "\n",
		ss.n_threads, ss.n_threads_added, ss.n_threads_removed, ss.n_threads_evicted, ss.n_threads_purged,
		ss.n_fds, ss.n_containers);
	fprintf(stderr, "container lookups: %" PRIu64 " ok (%" PRIu64 " from files), %" PRIu64 " failed, %" PRIu64
		" pending, %" PRIu64 " retried; evicted %" PRIu64 "; longest wait %.3f ms\n", ss.n_container_lookups_ok,
		ss.n_container_lookups_disk, ss.n_container_lookups_failed, ss.n_container_lookups_pending,
		ss.n_container_lookups_retried, ss.n_containers_evicted, (double)ss.container_delay_max_ns / 1e6);
	if (!tc)
		return;
	for (uint32_t t = 0; t < MAX_TYPES; t++)
		if (counts[t])
			tc[ntc++] = (struct type_count){(uint16_t)t, counts[t]};
	qsort(tc, ntc, sizeof(*tc), cmp_count);
	fprintf(stderr, "per type:\n");
	for (size_t i = 0; i < ntc; i++) {
		const char *name = scap_event_name(tc[i].type);
		fprintf(stderr, "  %6" PRIu64 "  %s %c (%u)\n", tc[i].count, name ? name : "unknown",
			scap_event_direction(tc[i].type) == SCAP_DIR_ENTER ? '>' : '<', tc[i].type);
	}
	free(tc);
}

static int compile_filter(filter_registry_t *reg, const char *cond, filter_t **out)
{
	*out = filter_compile(reg, cond, NULL);
	if (!*out) {
		fprintf(stderr, "scapcli: filter error: %s\n", filter_registry_geterr(reg));
		return 2;
	}
	return 0;
}

static double now_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Load and compile the -R/-V files; print the diagnostics. 0 if no errors. */
static int load_rules(struct cli *c, filter_registry_t *reg)
{
	char msg[2048];
	int rc = 0;

	if (!(c->rs = filter_ruleset_new(reg)))
		return 1;
	filter_ruleset_set_suggested_output(c->rs, !c->no_suggested);
	filter_ruleset_set_rule_matching(c->rs, c->matching);
	for (int i = 0; i < c->nrules && !rc; i++)
		rc = filter_ruleset_load_file(c->rs, c->rules[i]);
	if (!rc)
		rc = filter_ruleset_compile(c->rs);
	for (size_t i = 0; i < filter_ruleset_diag_count(c->rs); i++) {
		filter_ruleset_diag_format(c->rs, i, msg, sizeof(msg));
		fprintf(stderr, "%s\n", msg);
	}
	for (int i = 0; i < c->nsel && !rc; i++)
		if (filter_ruleset_enable(c->rs, c->sel[i], c->sel_on[i]) <= 0) {
			fprintf(stderr, "scapcli: --%s %s: no rule or tag by that name, or it does not compile\n",
				c->sel_on[i] ? "enable" : "disable", c->sel[i]);
			rc = 1;
		}
	filter_ruleset_set_min_priority(c->rs, c->min_prio);
	return rc || filter_ruleset_error_count(c->rs) ? 1 : 0;
}

/* One alert as it fires: Falco's text line, or its JSON line. */
static void on_alert(filter_ruleset_t *rs, uint32_t r, const scap_evt_t *e, uint64_t num, void *user, void *ctx)
{
	static char out[65536];
	const struct cli *c = ctx;

	if ((c->json ? filter_ruleset_alert_json(rs, r, e, num, user, c->mi.hostname, out, sizeof(out))
		     : filter_ruleset_alert_text(rs, r, e, num, user, out, sizeof(out))) >= 0)
		puts(out);
}

/* Live engines trace only the syscalls whose events the filter or the rules
 * can match (plus what the state needs). */
static void set_event_mask(const struct cli *c, sinsp_t *s)
{
	uint32_t n = scap_event_max();
	uint8_t *m;

	if ((!c->filter || filter_matches_all_types(c->filter)) && !c->rs)
		return;
	if (!(m = calloc(n, 1)))
		return;
	for (uint32_t t = 0; t < n; t++)
		m[t] = (!c->filter || filter_may_match_type(c->filter, (uint16_t)t)) &&
		       (!c->rs || filter_ruleset_type_rule_count(c->rs, (uint16_t)t) > 0);
	if (sinsp_set_event_mask(s, m, n) < 0)
		fprintf(stderr, "scapcli: warning: cannot select events: %s\n", scap_geterr(sinsp_scap(s)));
	free(m);
}

static int run(struct cli *c, filter_registry_t *reg, sinsp_t *s)
{
	const sinsp_evt_t *se;
	uint64_t *counts = NULL, matched = 0;
	int rc = SINSP_EOF, status = 0;
	scap_dumper_t *dump = NULL;
	char errbuf[SCAP_ERRBUF_SIZE];
	double t0 = now_sec();
	static char line[65536];

	if ((c->cond && compile_filter(reg, c->cond, &c->filter)) ||
	    (c->format && !(c->fmt = filter_format_compile(reg, c->format, NULL)))) {
		if (c->format && !c->fmt)
			fprintf(stderr, "scapcli: -p: %s\n", filter_registry_geterr(reg));
		return 2;
	}
	if (c->nrules && load_rules(c, reg))
		return 1;
	c->mi.sz = sizeof(c->mi);
	scap_get_machine_info(sinsp_scap(s), &c->mi);
	if (c->stats && !(counts = calloc(MAX_TYPES, sizeof(*counts)))) {
		fprintf(stderr, "scapcli: out of memory\n");
		return 1;
	}
	if (c->wfile) {
		struct scap_dump_opts dopts = SCAP_DUMP_OPTS_INIT;
		dopts.gzip_level = c->gzip ? 6 : 0;
		if (!(dump = sinsp_dump_open(s, c->wfile, &dopts, errbuf))) {
			fprintf(stderr, "scapcli: %s\n", errbuf);
			free(counts);
			return 1;
		}
	}
	set_event_mask(c, s);
	/* the clock is read every 1024 events or 16 idle waits: where it is a
	 * real syscall (no vDSO clock, e.g. under qemu TCG), a read per event
	 * would feed the capture with itself */
	for (unsigned budget = 0; !interrupted;) {
		if (c->duration > 0 && budget-- == 0) {
			if (now_sec() - t0 >= c->duration)
				break;
			budget = 1024;
		}
		if ((rc = sinsp_next(s, &se)) == SINSP_TIMEOUT) {
			budget = budget > 64 ? budget - 64 : 0;
			continue;
		}
		if (rc != SINSP_OK)
			break;
		const scap_evt_t *e = sinsp_evt_scap(se);
		uint64_t num = sinsp_evt_num(se);
		int meta = sinsp_evt_is_meta(se); /* container events: always written */
		if (counts)
			counts[scap_evt_type(e)]++;
		if (dump && meta && scap_dump_write(dump, e) < 0)
			break;
		if (c->filter && filter_eval(c->filter, e, num, (void *)se) != 1)
			continue;
		if (dump && !meta && (scap_dump_write(dump, e) < 0 || (c->unbuffered && scap_dump_flush(dump) < 0)))
			break;
		size_t k = c->rs ? filter_ruleset_process(c->rs, e, num, (void *)se, on_alert, c) : 1;
		if (k == FILTER_RULES_MATCH_ERROR) {
			fprintf(stderr, "scapcli: out of memory matching the rules\n");
			status = 1;
			break;
		}
		matched += k;
		if (!c->rs && !dump && !c->quiet) { /* -p FORMAT, or sysdig's default line */
			int n = c->fmt ? filter_format_render(c->fmt, e, num, (void *)se, line, sizeof(line) - 1)
				       : sinsp_evt_line(se, c->snaplen, line, sizeof(line) - 1);
			n = n < 0 ? 0 : n < (int)sizeof(line) - 2 ? n : (int)sizeof(line) - 2;
			line[n] = '\n';
			fwrite(line, 1, (size_t)n + 1, stdout);
		}
		if (c->max_events && matched >= c->max_events)
			break;
	}
	fflush(stdout);
	if (rc < 0) {
		fprintf(stderr, "scapcli: %s: %s\n", c->file ? c->file : c->engine, sinsp_geterr(s));
		status = 1;
	}
	if (dump && scap_dump_close(dump, errbuf) < 0) {
		fprintf(stderr, "scapcli: %s\n", errbuf);
		status = 1;
	}
	if (c->stats)
		print_stats(s, counts, matched, now_sec() - t0);
	else if (c->engine) /* live: always say what was lost */
		print_drops(sinsp_scap(s));
	free(counts);
	return status;
}

/* Open the capture and the state layer; register the state fields. */
static sinsp_t *open_capture(const struct cli *c, filter_registry_t *reg)
{
	struct scap_open_opts opts = SCAP_OPEN_OPTS_INIT;
	char errbuf[SCAP_ERRBUF_SIZE];

	opts.engine = c->engine ? c->engine : "savefile";
	opts.filename = c->file;
	opts.snaplen = c->engine ? c->snaplen : 0;
	scap_t *h = scap_open(&opts, errbuf);
	if (!h) {
		fprintf(stderr, "scapcli: %s\n", errbuf);
		return NULL;
	}
	sinsp_t *s = sinsp_open(h, &c->so, errbuf);
	if (!s) {
		fprintf(stderr, "scapcli: %s\n", errbuf);
		scap_close(h);
		return NULL;
	}
	if (sinsp_add_fields(s, reg) < 0) {
		fprintf(stderr, "scapcli: %s\n", filter_registry_geterr(reg));
		sinsp_close(s);
		return NULL;
	}
	return s;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"read", required_argument, NULL, 'r'}, {"filter", required_argument, NULL, 'F'},
		{"count", required_argument, NULL, 'n'}, {"quiet", no_argument, NULL, 'q'},
		{"print", required_argument, NULL, 'p'},
		{"snaplen", required_argument, NULL, 's'}, {"stats", no_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, 'X'},
		{"write", required_argument, NULL, 'w'}, {"gzip", no_argument, NULL, 'z'},
		{"explain-filter", required_argument, NULL, 'E'}, {"list-fields", optional_argument, NULL, 'L'},
		{"rules", required_argument, NULL, 'R'}, {"validate", required_argument, NULL, 'v'},
		{"json", no_argument, NULL, 'j'}, {"min-priority", required_argument, NULL, 'P'},
		{"list-rules", no_argument, NULL, 'l'}, {"engine", required_argument, NULL, 'e'},
		{"duration", required_argument, NULL, 'u'}, {"disable", required_argument, NULL, 'D'},
		{"enable", required_argument, NULL, 'N'}, {"unbuffered", no_argument, NULL, 'U'},
		{"docker-socket", required_argument, NULL, 'K'}, {"docker-root", required_argument, NULL, 'O'},
		{"no-suggested-output", no_argument, NULL, 'G'}, {"rule-matching", required_argument, NULL, 'M'},
		{NULL, 0, NULL, 0},
	};
	struct cli c = {.min_prio = FILTER_RULES_PRIO_DEBUG, .so = SINSP_OPTS_INIT};
	static char outbuf[1 << 16];
	const char *explain = NULL;
	char *end;
	int opt, rc, list = 0;

	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	while ((opt = getopt_long(argc, argv, "r:e:F:p:n:qs:w:zR:V:D:jhU", longopts, NULL)) != -1) {
		switch (opt) {
		case 'r': c.file = optarg; break;
		case 'e': c.engine = strcmp(optarg, "savefile") ? optarg : NULL; break;
		case 'u':
			if ((c.duration = strtod(optarg, &end)) <= 0 || *end) {
				fprintf(stderr, "scapcli: --duration: '%s' is not a positive number of seconds\n", optarg);
				return 2;
			}
			break;
		case 'F': c.cond = optarg; break;
		case 'p': c.format = optarg; break;
		case 'E': explain = optarg; break;
		case 'L': list = optarg && !strcmp(optarg, "markdown") ? 2 : 1; break;
		case 'n':
		case 's': {
			unsigned long long v = strtoull(optarg, &end, 10);
			if (!*optarg || *end || optarg[0] == '-') {
				fprintf(stderr, "scapcli: -%c: '%s' is not a number\n", opt, optarg);
				return 2;
			}
			if (opt == 'n')
				c.max_events = v;
			else
				c.snaplen = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
			break;
		}
		case 'q': c.quiet = 1; break;
		case 'R':
		case 'V':
		case 'v':
			if (c.nrules == 32) {
				fprintf(stderr, "scapcli: at most 32 rules paths\n");
				return 2;
			}
			c.rules[c.nrules++] = optarg;
			c.validate |= opt != 'R';
			break;
		case 'D':
		case 'N':
			if (c.nsel == 32) {
				fprintf(stderr, "scapcli: at most 32 --enable/--disable\n");
				return 2;
			}
			c.sel_on[c.nsel] = opt == 'N';
			c.sel[c.nsel++] = optarg;
			break;
		case 'j': c.json = 1; break;
		case 'U': c.unbuffered = 1; break;
		case 'G': c.no_suggested = 1; break;
		case 'M':
			if ((c.matching = filter_rules_matching_parse(optarg)) >= 0)
				break;
			fprintf(stderr, "scapcli: --rule-matching: '%s' is not first or all\n", optarg);
			return 2;
		case 'K': c.so.docker_socket = optarg; break;
		case 'O': c.so.docker_root = optarg; break;
		case 'l': c.list_rules = 1; break;
		case 'P':
			if ((c.min_prio = filter_rules_priority_parse(optarg)) < 0) {
				fprintf(stderr, "scapcli: --min-priority: unknown priority '%s'\n", optarg);
				return 2;
			}
			break;
		case 'w': c.wfile = optarg; break;
		case 'z': c.gzip = 1; break;
		case 'S': c.stats = 1; break;
		case 'h': usage(stdout); return 0;
		case 'X':
			printf("scapcli %s (libscap %s, libfilter %s, libsinsp %s)\n", scap_version(), scap_version(),
			       filter_version(), sinsp_version());
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	filter_registry_t *reg = filter_registry_new();
	if (!reg || filter_registry_add_evt_fields(reg) < 0) {
		fprintf(stderr, "scapcli: cannot set up the filter fields\n");
		return 1;
	}
	if (c.validate || c.list_rules || list || explain) { /* no capture: state fields for checking only */
		sinsp_add_fields(NULL, reg);
		if (list || explain)
			rc = list ? list_fields(reg, list == 2) : compile_filter(reg, explain, &c.filter);
		else
			rc = load_rules(&c, reg);
		for (size_t i = 0; c.list_rules && i < filter_ruleset_rule_count(c.rs); i++)
			printf("%-50s %-13s %s\n", filter_ruleset_rule_name(c.rs, i),
			       filter_rules_priority_name(filter_ruleset_rule_priority(c.rs, i)),
			       filter_ruleset_rule_enabled(c.rs, i) ? "" : "(disabled)");
		if (explain && rc == 0) {
			char dump[65536];
			filter_dump(c.filter, dump, sizeof(dump));
			printf("%s\n", dump);
		}
		filter_free(c.filter);
		filter_ruleset_free(c.rs);
		filter_registry_free(reg);
		return rc;
	}
	if (!c.file == !c.engine || optind < argc || (c.gzip && !c.wfile) || (c.duration > 0 && !c.engine)) {
		usage(stderr);
		filter_registry_free(reg);
		return 2;
	}
	/* live, or -U: each line and alert is written when it happens */
	if (c.engine || c.unbuffered)
		setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	sinsp_t *s = open_capture(&c, reg);
	rc = s ? run(&c, reg, s) : 1;
	filter_free(c.filter);
	filter_format_free(c.fmt);
	filter_ruleset_free(c.rs);
	sinsp_close(s);
	filter_registry_free(reg);
	return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* The evt. fields that need thread or fd state (the stateless ones are
 * libfilter's evt provider): evt.category of I/O events (overriding the evt
 * provider's field, FILTER_FIELD_OVERRIDE), latencies, relative times,
 * evt.hostname, ...; and the classes of upstream's syscall source that have
 * no data here (syslog., mesos., marathon., span., evtin.), registered so
 * that rules naming them compile; they have no value. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "sinsp_int.h"

#define EC_IO_BASE 32u
#define EC_IO_READ 32u
#define EC_IO_WRITE 33u
#define EVT_PROCINFO_E 234u
#define EVT_GENERIC_X 1u
#define EVT_SCHEDSWITCH_6_E 152u
#define EC_INTERNAL 0x100u /* upstream's EC_INTERNAL: events the libraries generate (procinfo, ...) */
#define PPM_AT_FDCWD (-100)

enum {
	E_CATEGORY, E_LATENCY, E_LATENCY_S, E_LATENCY_NS, E_LATENCY_QUANTIZED, E_LATENCY_HUMAN, E_DELTATIME,
	E_DELTATIME_S, E_DELTATIME_NS, E_RELTIME, E_RELTIME_S, E_RELTIME_NS, E_HOSTNAME, E_WAIT_LATENCY,
	E_BUFLEN, E_BUFLEN_IN, E_BUFLEN_OUT, E_COUNT_ERROR_FILE, E_COUNT_ERROR_NET, E_COUNT_ERROR_OTHER,
	E_IS_SYSLOG, E_COUNT_PROCINFO, E_ABSPATH, E_BUFLEN_FILE, E_BUFLEN_FILE_IN, E_BUFLEN_FILE_OUT,
	E_BUFLEN_NET, E_BUFLEN_NET_IN, E_BUFLEN_NET_OUT, E_PLUGINNAME, E_PLUGININFO, U_CNT, NONE_BASE,
};

#define NOVAL_SYSLOG "no value here: this library does not decode syslog messages written to /dev/log"
#define NOVAL_MESOS "no value here: Mesos/Marathon metadata is not collected (upstream neither fills it any more)"
#define NOVAL_TRACER "no value here: tracer (span) events are not produced by the drivers this library reads"
static const struct sinsp_field_def defs[] = {
	{"evt.category", FILTER_T_STRING, FILTER_FIELD_OVERRIDE, E_CATEGORY,
	 "event category: file, net, IPC, memory, process, ...; I/O events (read, write, ...) by the type of their "
	 "fd: file, net, ipc, or unknown"},
	{"evt.latency", FILTER_T_RELTIME, 0, E_LATENCY,
	 "ns between the thread's last enter event and this exit event; 0 on enter events and while no enter event "
	 "of the thread was seen (exit-only captures)"},
	{"evt.latency.s", FILTER_T_RELTIME, 0, E_LATENCY_S, "whole seconds of evt.latency"},
	{"evt.latency.ns", FILTER_T_RELTIME, FILTER_FIELD_PAD9, E_LATENCY_NS, "nanoseconds part of evt.latency"},
	{"evt.latency.quantized", FILTER_T_UINT64, 0, E_LATENCY_QUANTIZED,
	 "evt.latency on a log10 scale of 1..11 (no value when the latency is 0)"},
	{"evt.latency.human", FILTER_T_STRING, 0, E_LATENCY_HUMAN, "evt.latency as text with a unit: 1.50ms, 3s, ..."},
	{"evt.deltatime", FILTER_T_RELTIME, 0, E_DELTATIME,
	 "ns since the previous event this field was evaluated on (0 the first time)"},
	{"evt.deltatime.s", FILTER_T_RELTIME, 0, E_DELTATIME_S, "whole seconds of evt.deltatime"},
	{"evt.deltatime.ns", FILTER_T_RELTIME, FILTER_FIELD_PAD9, E_DELTATIME_NS, "nanoseconds part of evt.deltatime"},
	{"evt.reltime", FILTER_T_RELTIME, FILTER_FIELD_PAD9, E_RELTIME, "ns since the first non-meta event read (until then: the timestamp itself, as upstream)"},
	{"evt.reltime.s", FILTER_T_RELTIME, 0, E_RELTIME_S, "whole seconds of evt.reltime"},
	{"evt.reltime.ns", FILTER_T_RELTIME, FILTER_FIELD_PAD9, E_RELTIME_NS, "nanoseconds part of evt.reltime"},
	{"evt.hostname", FILTER_T_STRING, 0, E_HOSTNAME, "host name of the machine the events come from (machine info)"},
	{"evt.wait_latency", FILTER_T_RELTIME, 0, E_WAIT_LATENCY,
	 "evt.latency of exit events of waiting syscalls (EF_WAITS: nanosleep, poll, ...)"},
	{"evt.is_syslog", FILTER_T_BOOL, 0, E_IS_SYSLOG, "true for writes to /dev/log (syslog)"},
	{"evt.count.procinfo", FILTER_T_UINT64, 0, E_COUNT_PROCINFO, "1 for procinfo events of a main thread, else 0"},
	{"evt.abspath", FILTER_T_STRING, FILTER_FIELD_ARG_ALLOWED | FILTER_FIELD_ARG_DOTTED, E_ABSPATH,
	 "absolute path of the path argument of *at syscalls (openat, unlinkat, mkdirat, fchmodat, fchownat), "
	 "with its dirfd; evt.abspath.src / evt.abspath.dst for renameat, linkat, symlinkat"},
	/* the evt provider's, refined with the fd as upstream: an I/O event on
	 * an fd the state does not know has no evt.buflen; the error counts of an
	 * event with a known fd go by the fd's type */
	{"evt.buflen", FILTER_T_UINT64, FILTER_FIELD_OVERRIDE, E_BUFLEN,
	 "bytes transferred by a successful I/O exit event on a known fd (its return value)"},
	{"evt.buflen.in", FILTER_T_UINT64, FILTER_FIELD_OVERRIDE, E_BUFLEN_IN, "evt.buflen of reads"},
	{"evt.buflen.out", FILTER_T_UINT64, FILTER_FIELD_OVERRIDE, E_BUFLEN_OUT, "evt.buflen of writes"},
	{"evt.count.error.file", FILTER_T_UINT64, FILTER_FIELD_OVERRIDE, E_COUNT_ERROR_FILE,
	 "evt.count.error, for events on files and directories (without a known fd: file opens)"},
	{"evt.count.error.net", FILTER_T_UINT64, FILTER_FIELD_OVERRIDE, E_COUNT_ERROR_NET,
	 "evt.count.error, for events on sockets (without a known fd: connect and accept)"},
	{"evt.count.error.other", FILTER_T_UINT64, FILTER_FIELD_OVERRIDE, E_COUNT_ERROR_OTHER,
	 "evt.count.error, for the events the file, net and memory counts leave"},
	{"evt.buflen.file", FILTER_T_UINT64, 0, E_BUFLEN_FILE, "evt.buflen of I/O on files"},
	{"evt.buflen.file.in", FILTER_T_UINT64, 0, E_BUFLEN_FILE_IN, "evt.buflen of reads from files"},
	{"evt.buflen.file.out", FILTER_T_UINT64, 0, E_BUFLEN_FILE_OUT, "evt.buflen of writes to files"},
	{"evt.buflen.net", FILTER_T_UINT64, 0, E_BUFLEN_NET, "evt.buflen of I/O on IP sockets"},
	{"evt.buflen.net.in", FILTER_T_UINT64, 0, E_BUFLEN_NET_IN, "evt.buflen of reads from IP sockets"},
	{"evt.buflen.net.out", FILTER_T_UINT64, 0, E_BUFLEN_NET_OUT, "evt.buflen of writes to IP sockets"},
	{"evt.pluginname", FILTER_T_STRING, 0, E_PLUGINNAME, "name of the plugin of a plugin event: no value here (no plugins)"},
	{"evt.plugininfo", FILTER_T_STRING, 0, E_PLUGININFO, "plugin event as text: no value here (no plugins)"},
	{"util.cnt", FILTER_T_UINT64, 0, U_CNT, "a counter: 1, 2, 3, ... for each evaluation of this use of the field"},
	/* no data here */
	{"syslog.facility.str", FILTER_T_STRING, 0, NONE_BASE, "facility of a syslog message as text; " NOVAL_SYSLOG},
	{"syslog.facility", FILTER_T_UINT64, 0, NONE_BASE, "facility of a syslog message; " NOVAL_SYSLOG},
	{"syslog.severity.str", FILTER_T_STRING, 0, NONE_BASE, "severity of a syslog message as text; " NOVAL_SYSLOG},
	{"syslog.severity", FILTER_T_UINT64, 0, NONE_BASE, "severity of a syslog message; " NOVAL_SYSLOG},
	{"syslog.message", FILTER_T_STRING, 0, NONE_BASE, "text of a syslog message; " NOVAL_SYSLOG},
	{"mesos.task.name", FILTER_T_STRING, 0, NONE_BASE, "Mesos task name; " NOVAL_MESOS},
	{"mesos.task.id", FILTER_T_STRING, 0, NONE_BASE, "Mesos task id; " NOVAL_MESOS},
	{"mesos.task.label", FILTER_T_STRING, FILTER_FIELD_ARG_REQUIRED, NONE_BASE, "a Mesos task label; " NOVAL_MESOS},
	{"mesos.task.labels", FILTER_T_STRING, 0, NONE_BASE, "Mesos task labels; " NOVAL_MESOS},
	{"mesos.framework.name", FILTER_T_STRING, 0, NONE_BASE, "Mesos framework name; " NOVAL_MESOS},
	{"mesos.framework.id", FILTER_T_STRING, 0, NONE_BASE, "Mesos framework id; " NOVAL_MESOS},
	{"marathon.app.name", FILTER_T_STRING, 0, NONE_BASE, "Marathon app name; " NOVAL_MESOS},
	{"marathon.app.id", FILTER_T_STRING, 0, NONE_BASE, "Marathon app id; " NOVAL_MESOS},
	{"marathon.app.label", FILTER_T_STRING, FILTER_FIELD_ARG_REQUIRED, NONE_BASE, "a Marathon app label; " NOVAL_MESOS},
	{"marathon.app.labels", FILTER_T_STRING, 0, NONE_BASE, "Marathon app labels; " NOVAL_MESOS},
	{"marathon.group.name", FILTER_T_STRING, 0, NONE_BASE, "Marathon group name; " NOVAL_MESOS},
	{"marathon.group.id", FILTER_T_STRING, 0, NONE_BASE, "Marathon group id; " NOVAL_MESOS},
	{"span.id", FILTER_T_INT64, 0, NONE_BASE, "id of a tracer span; " NOVAL_TRACER},
	{"span.time", FILTER_T_STRING, 0, NONE_BASE, "time of a span's enter tracer; " NOVAL_TRACER},
	{"span.ntags", FILTER_T_UINT64, 0, NONE_BASE, "number of tags of a span; " NOVAL_TRACER},
	{"span.nargs", FILTER_T_UINT64, 0, NONE_BASE, "number of arguments of a span; " NOVAL_TRACER},
	{"span.tags", FILTER_T_STRING, 0, NONE_BASE, "tags of a span; " NOVAL_TRACER},
	{"span.tag", FILTER_T_STRING, FILTER_FIELD_ARG_REQUIRED, NONE_BASE, "one tag of a span; " NOVAL_TRACER},
	{"span.args", FILTER_T_STRING, 0, NONE_BASE, "arguments of a span; " NOVAL_TRACER},
	{"span.arg", FILTER_T_STRING, FILTER_FIELD_ARG_REQUIRED, NONE_BASE, "one argument of a span; " NOVAL_TRACER},
	{"span.enterargs", FILTER_T_STRING, 0, NONE_BASE, "arguments of a span's enter tracer; " NOVAL_TRACER},
	{"span.enterarg", FILTER_T_STRING, FILTER_FIELD_ARG_REQUIRED, NONE_BASE, "one enter argument of a span; " NOVAL_TRACER},
	{"span.duration", FILTER_T_RELTIME, 0, NONE_BASE, "duration of a span; " NOVAL_TRACER},
	{"span.duration.quantized", FILTER_T_UINT64, 0, NONE_BASE, "span.duration on a log scale; " NOVAL_TRACER},
	{"span.duration.human", FILTER_T_STRING, 0, NONE_BASE, "span.duration as text; " NOVAL_TRACER},
	{"span.count", FILTER_T_UINT64, 0, NONE_BASE, "1 for span exit tracers; " NOVAL_TRACER},
	{"span.rawtime", FILTER_T_ABSTIME, 0, NONE_BASE, "start of a span (ns); " NOVAL_TRACER},
	{"span.rawparenttime", FILTER_T_ABSTIME, 0, NONE_BASE, "start of a span's parent (ns); " NOVAL_TRACER},
};

/* the evtin.span[.p|.s|.m].* fields: the same eight per prefix */
static const char *const evtin_prefix[] = {"evtin.span.", "evtin.span.p.", "evtin.span.s.", "evtin.span.m."};
static const struct {
	const char *suffix;
	enum filter_ftype type;
	uint32_t flags;
	const char *desc;
} evtin_fields[] = {
	{"id", FILTER_T_INT64, 0, "id of the span containing the event; " NOVAL_TRACER},
	{"ntags", FILTER_T_UINT64, 0, "number of tags of the span; " NOVAL_TRACER},
	{"nargs", FILTER_T_UINT64, 0, "number of arguments of the span; " NOVAL_TRACER},
	{"tags", FILTER_T_STRING, 0, "tags of the span; " NOVAL_TRACER},
	{"tag", FILTER_T_STRING, FILTER_FIELD_ARG_REQUIRED, "one tag of the span; " NOVAL_TRACER},
	{"args", FILTER_T_STRING, 0, "arguments of the span; " NOVAL_TRACER},
	{"arg", FILTER_T_STRING, FILTER_FIELD_ARG_REQUIRED, "one argument of the span; " NOVAL_TRACER},
};

#define EVT_BRK_4_X 159u
#define EVT_MMAP_X 161u
#define EVT_MMAP2_X 163u
#define EVT_MUNMAP_X 165u

/* Memory figures other events carry (upstream's parser does the same):
 * brk/mmap/mmap2/munmap exits give the thread's vm_size, vm_rss, vm_swap
 * (params 1..3); switch gives the thread's page faults (params 1, 2) and
 * its main thread's vm sizes (params 3..5). */
static void track_mem(sinsp_t *s, uint16_t type, const scap_evt_t *evt, struct sinsp_thread *t)
{
	uint32_t v32;
	uint64_t v64;
	if (type == EVT_BRK_4_X || type == EVT_MMAP_X || type == EVT_MMAP2_X || type == EVT_MUNMAP_X) {
		if (scap_evt_param_u32(evt, 1, &v32) == SCAP_OK) t->vmsize_kb = v32;
		if (scap_evt_param_u32(evt, 2, &v32) == SCAP_OK) t->vmrss_kb = v32;
		if (scap_evt_param_u32(evt, 3, &v32) == SCAP_OK) t->vmswap_kb = v32;
	} else if (type == EVT_SCHEDSWITCH_6_E) {
		if (scap_evt_param_u64(evt, 1, &v64) == SCAP_OK) t->pfmajor = v64;
		if (scap_evt_param_u64(evt, 2, &v64) == SCAP_OK) t->pfminor = v64;
		struct sinsp_thread *m = t->tid == t->pid ? t : sinsp_get_thread(s, t->pid, false);
		if (!m)
			return;
		if (scap_evt_param_u32(evt, 3, &v32) == SCAP_OK) m->vmsize_kb = v32;
		if (scap_evt_param_u32(evt, 4, &v32) == SCAP_OK) m->vmrss_kb = v32;
		if (scap_evt_param_u32(evt, 5, &v32) == SCAP_OK) m->vmswap_kb = v32;
	}
}

void sinsp_track_times(sinsp_t *s, const struct sinsp_evt *e)
{
	uint16_t type = scap_evt_type(e->evt);
	uint64_t ts = scap_evt_ts(e->evt);
	uint32_t cat = scap_event_category(type);
	if (!s->first_ts && !(cat & SCAP_EC_METAEVENT))
		s->first_ts = ts;
	struct sinsp_thread *t = e->thread;
	if (t)
		track_mem(s, type, e->evt, t);
	/* as upstream's parser reset: events flagged EF_SKIPPARSERESET (procinfo,
	 * old switch versions, ...), switch and the meta/plugin events it gives no
	 * thread leave the thread's enter time and latency alone */
	if (!t || type == EVT_SCHEDSWITCH_6_E || (scap_event_flags(type) & SCAP_EF_SKIPPARSERESET) ||
	    (cat & (SCAP_EC_METAEVENT | SCAP_EC_PLUGIN)))
		return;
	if (scap_event_direction(type) == SCAP_DIR_ENTER) {
		t->latency = 0;
		t->enter_ts = ts;
	} else if (t->enter_ts && ts >= t->enter_ts) {
		t->latency = ts - t->enter_ts;
	}
}

static const char *io_category(const struct sinsp_fd *f)
{
	switch (f->type) {
	case SCAP_FD_FILE: case SCAP_FD_FILE_V2: case SCAP_FD_DIRECTORY: return "file";
	case SCAP_FD_IPV4_SOCK: case SCAP_FD_IPV6_SOCK: case SCAP_FD_IPV4_SERVSOCK: case SCAP_FD_IPV6_SERVSOCK: return "net";
	case SCAP_FD_FIFO: case SCAP_FD_UNIX_SOCK: case SCAP_FD_EVENT: case SCAP_FD_SIGNALFD: case SCAP_FD_INOTIFY:
	case SCAP_FD_USERFAULTFD: return "ipc";
	default: return "unknown";
	}
}

static bool io_result(const scap_evt_t *evt, uint64_t *v)
{
	int64_t res;
	if (scap_event_direction(scap_evt_type(evt)) != SCAP_DIR_EXIT || scap_evt_nparams(evt) < 1 ||
	    scap_evt_param_i64(evt, 0, &res) != SCAP_OK || res < 0)
		return false;
	*v = (uint64_t)res;
	return true;
}

/* "1.50ms", "3s", "250ns" */
static size_t human(char *buf, size_t cap, uint64_t ns)
{
	static const struct { uint64_t div; const char *unit; } units[] = {
		{1000000000u, "s"}, {1000000u, "ms"}, {1000u, "us"},
	};
	for (size_t i = 0; i < 3; i++)
		if (ns >= units[i].div) {
			if (ns % units[i].div == 0)
				return (size_t)snprintf(buf, cap, "%llu%s", (unsigned long long)(ns / units[i].div), units[i].unit);
			return (size_t)snprintf(buf, cap, "%.2f%s", (double)ns / (double)units[i].div, units[i].unit);
		}
	return (size_t)snprintf(buf, cap, "%lluns", (unsigned long long)ns);
}

static bool param_named(const scap_evt_t *evt, const char *name, const void **d, uint32_t *len)
{
	uint16_t type = scap_evt_type(evt);
	uint32_t n = scap_event_nparams(type);
	for (uint32_t i = 0; i < n; i++) {
		const char *pn = scap_event_param_name(type, i);
		if (pn && !strcmp(pn, name))
			return scap_evt_param(evt, i, d, len) == SCAP_OK && *len;
	}
	return false;
}

static void abspath(sinsp_t *s, const struct sinsp_evt *e, const filter_fieldref_t *ref, filter_out_t *out)
{
	const struct sinsp_thread *t = e->thread;
	if (!t || !t->p)
		return;
	size_t alen = 0;
	const char *arg = filter_fieldref_arg(ref, &alen);
	bool dst = arg && alen == 3 && !memcmp(arg, "dst", 3);
	const char *name = scap_event_name(scap_evt_type(e->evt));
	bool exitdir = scap_event_direction(scap_evt_type(e->evt)) == SCAP_DIR_EXIT;
	const char *dirarg = NULL, *patharg = NULL;
	if (!name)
		return;
	if (exitdir && (!strcmp(name, "renameat") || !strcmp(name, "renameat2"))) {
		dirarg = dst ? "newdirfd" : "olddirfd";
		patharg = dst ? "newpath" : "oldpath";
	} else if (exitdir && !strcmp(name, "symlinkat")) {
		dirarg = "linkdirfd";
		patharg = "linkpath";
	} else if (!strcmp(name, "openat") || !strcmp(name, "openat2")) {
		dirarg = "dirfd";
		patharg = "name";
	} else if (!strcmp(name, "linkat")) {
		dirarg = dst ? "newdir" : "olddir";
		patharg = dst ? "newpath" : "oldpath";
	} else if (!strcmp(name, "unlinkat")) {
		dirarg = "dirfd";
		patharg = "name";
	} else if (exitdir && !strcmp(name, "mkdirat")) {
		dirarg = "dirfd";
		patharg = "path";
	} else if (exitdir && !strcmp(name, "fchmodat")) {
		dirarg = "dirfd";
		patharg = "filename";
	} else if (exitdir && !strcmp(name, "fchownat")) {
		dirarg = "dirfd";
		patharg = "pathname";
	} else {
		return;
	}
	const void *dd, *pd;
	uint32_t dl, pl;
	int64_t dirfd = 0;
	if (!param_named(e->evt, dirarg, &dd, &dl) || !param_named(e->evt, patharg, &pd, &pl))
		return;
	memcpy(&dirfd, dd, dl < 8 ? dl : 8);
	if (dl == 4)
		dirfd = (int32_t)dirfd;
	const char *path = pd;
	size_t plen = strnlen(path, pl);
	char *dir = s->scratch2 + 4096;
	size_t dlen = 0;
	if (plen && path[0] == '/') {
		dlen = 0;
	} else if (dirfd == PPM_AT_FDCWD) {
		dlen = t->p->cwd ? (size_t)snprintf(dir, 4096, "%s", t->p->cwd) : 0;
	} else {
		struct sinsp_fd *f = NULL;
		HASH_FIND(hh, t->p->fds, &dirfd, sizeof(dirfd), f);
		dlen = f && f->name ? (size_t)snprintf(dir, 4096, "%.*s/", (int)f->name_len, f->name)
				    : (size_t)snprintf(dir, 4096, "<UNKNOWN>/");
	}
	if (dlen >= 4096)
		dlen = 4095;
	size_t n = sinsp_resolve_path(s->scratch2, 4096, dir, dlen, path, plen);
	filter_out_str(out, s->scratch2, n);
}

static int extract(void *pctx, uint32_t id, const filter_fieldref_t *ref, const filter_evtctx_t *ev,
		   filter_out_t *out)
{
	sinsp_t *s = pctx;
	const struct sinsp_evt *e = filter_evtctx_user(ev);
	const scap_evt_t *evt = filter_evtctx_evt(ev);
	if (id == U_CNT) {
		uint64_t *c = filter_fieldref_cache(ref);
		filter_out_u64(out, ++c[0]);
		return 0;
	}
	if (!s || !e || e->s != s || !evt || id >= NONE_BASE)
		return 0;
	uint16_t type = scap_evt_type(evt);
	uint32_t cat = scap_event_category(type), c9 = cat & SCAP_EC_SYSCALL_MASK;
	const struct sinsp_thread *t = e->thread;
	const struct sinsp_fd *f = e->fd;
	uint64_t ts = scap_evt_ts(evt), v;
	size_t n;

	switch (id) {
	case E_CATEGORY:
		/* I/O events with a known fd; everything else: the evt provider's answer */
		if ((c9 & EC_IO_BASE) && f)
			filter_out_str(out, io_category(f), strlen(io_category(f)));
		break;
	case E_LATENCY: case E_LATENCY_S: case E_LATENCY_NS: case E_LATENCY_QUANTIZED: case E_LATENCY_HUMAN: {
		if (t && !t->placeholder && (cat & EC_INTERNAL)) /* upstream: no latency for internal events (procinfo, ...) */
			break;
		uint64_t lat = t ? t->latency : 0;
		if (id == E_LATENCY) filter_out_u64(out, lat);
		else if (id == E_LATENCY_S) filter_out_u64(out, lat / 1000000000u);
		else if (id == E_LATENCY_NS) filter_out_u64(out, lat % 1000000000u);
		else if (id == E_LATENCY_QUANTIZED) {
			/* upstream: (uint64)(min(log10(lat), 11) * 10 / 11) + 1 (its default interval 10):
			 * the level is the largest k with lat >= 10^(1.1 k) */
			static const double lim[] = {1e0, 12.589254117941673, 158.48931924611142, 1995.2623149688789,
						     25118.864315095823, 316227.76601683794, 3981071.7055349695,
						     50118723.36272725, 630957344.4801943, 7943282347.242822, 1e11};
			uint64_t k = 0;
			while (k + 1 < sizeof(lim) / sizeof(lim[0]) && (double)lat >= lim[k + 1])
				k++;
			if (lat)
				filter_out_u64(out, k + 1);
		} else {
			n = human(s->scratch2, sizeof(s->scratch2), lat);
			filter_out_str(out, s->scratch2, n);
		}
		break;
	}
	case E_DELTATIME: case E_DELTATIME_S: case E_DELTATIME_NS: {
		uint64_t *c = filter_fieldref_cache(ref);
		uint64_t d = c[0] && ts >= c[0] ? ts - c[0] : 0;
		c[0] = ts;
		filter_out_u64(out, id == E_DELTATIME ? d : id == E_DELTATIME_S ? d / 1000000000u : d % 1000000000u);
		break;
	}
	case E_RELTIME: case E_RELTIME_S: case E_RELTIME_NS: {
		/* as upstream: until the first non-meta event, first_ts is 0 and this is the timestamp */
		uint64_t d = ts >= s->first_ts ? ts - s->first_ts : 0;
		filter_out_u64(out, id == E_RELTIME ? d : id == E_RELTIME_S ? d / 1000000000u : d % 1000000000u);
		break;
	}
	case E_HOSTNAME: {
		struct scap_machine_info mi;
		if (s->h && scap_get_machine_info(s->h, &mi) == SCAP_OK && mi.hostname[0]) {
			n = strnlen(mi.hostname, sizeof(mi.hostname));
			memcpy(s->scratch2, mi.hostname, n);
			filter_out_str(out, s->scratch2, n);
		}
		break;
	}
	case E_WAIT_LATENCY:
		if ((scap_event_flags(type) & SCAP_EF_WAITS) && scap_event_direction(type) == SCAP_DIR_EXIT)
			filter_out_u64(out, t ? t->latency : 0);
		break;
	case E_IS_SYSLOG:
		filter_out_bool(out, (scap_event_flags(type) & SCAP_EF_WRITES_TO_FD) && f && f->name &&
					     memmem(f->name, f->name_len, "/dev/log", 8));
		break;
	case E_COUNT_PROCINFO:
		filter_out_u64(out, type == EVT_PROCINFO_E && t && !t->placeholder && t->tid == t->pid);
		break;
	case E_ABSPATH:
		abspath(s, e, ref, out);
		break;
	case E_BUFLEN: case E_BUFLEN_IN: case E_BUFLEN_OUT: {
		bool cat_ok = id == E_BUFLEN ? (c9 & EC_IO_BASE) != 0 : c9 == (id == E_BUFLEN_IN ? EC_IO_READ : EC_IO_WRITE);
		if (!f || !cat_ok || !io_result(evt, &v))
			return FILTER_EXTRACT_NO_VALUE;
		filter_out_u64(out, v);
		break;
	}
	case E_COUNT_ERROR_FILE: case E_COUNT_ERROR_NET: case E_COUNT_ERROR_OTHER: {
		if (!f)
			break; /* the evt provider's answer: by the event type */
		bool file = f->type == SCAP_FD_FILE || f->type == SCAP_FD_FILE_V2 || f->type == SCAP_FD_DIRECTORY;
		bool net = (f->type >= SCAP_FD_IPV4_SOCK && f->type <= SCAP_FD_IPV6_SERVSOCK) || f->type == SCAP_FD_UNIX_SOCK;
		bool applies = id == E_COUNT_ERROR_FILE ? file : id == E_COUNT_ERROR_NET ? net : !file && !net;
		int64_t res;
		if (!applies || type == EVT_GENERIC_X || !(cat & SCAP_EC_SYSCALL) ||
		    scap_event_direction(type) != SCAP_DIR_EXIT || scap_evt_nparams(evt) < 1 ||
		    scap_evt_param_i64(evt, 0, &res) != SCAP_OK)
			return FILTER_EXTRACT_NO_VALUE;
		filter_out_u64(out, res < 0 ? 1 : 0);
		break;
	}
	case E_BUFLEN_FILE: case E_BUFLEN_FILE_IN: case E_BUFLEN_FILE_OUT:
	case E_BUFLEN_NET: case E_BUFLEN_NET_IN: case E_BUFLEN_NET_OUT: {
		if (!f)
			break;
		bool file = id <= E_BUFLEN_FILE_OUT;
		uint32_t dir = (id - E_BUFLEN_FILE) % 3; /* 0 any, 1 in, 2 out */
		bool type_ok = file ? f->type == SCAP_FD_FILE || f->type == SCAP_FD_FILE_V2
				    : f->type >= SCAP_FD_IPV4_SOCK && f->type <= SCAP_FD_IPV6_SERVSOCK;
		bool cat_ok = dir == 0 ? (c9 & EC_IO_BASE) != 0 : c9 == (dir == 1 ? EC_IO_READ : EC_IO_WRITE);
		if (type_ok && cat_ok && io_result(evt, &v))
			filter_out_u64(out, v);
		break;
	}
	case E_PLUGINNAME: case E_PLUGININFO: break; /* no plugins */
	default: break;
	}
	return 0;
}

int sinsp_evt_add_fields(sinsp_t *s, filter_registry_t *reg)
{
	int rc = sinsp_register_fields(reg, s, "sinsp.evt", extract, defs, sizeof(defs) / sizeof(defs[0]));
	if (rc < 0)
		return rc;
	/* the evtin. fields: on the same provider (the last one added) */
	struct sinsp_field_def d[sizeof(evtin_fields) / sizeof(evtin_fields[0])];
	char names[sizeof(evtin_prefix) / sizeof(evtin_prefix[0])][sizeof(d) / sizeof(d[0])][32];
	for (size_t p = 0; p < sizeof(evtin_prefix) / sizeof(evtin_prefix[0]); p++) {
		for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
			snprintf(names[p][i], sizeof(names[p][i]), "%s%s", evtin_prefix[p], evtin_fields[i].suffix);
			d[i] = (struct sinsp_field_def){names[p][i], evtin_fields[i].type, evtin_fields[i].flags, NONE_BASE,
							evtin_fields[i].desc};
		}
		char prov[32];
		snprintf(prov, sizeof(prov), "sinsp.evtin%zu", p);
		if ((rc = sinsp_register_fields(reg, s, prov, extract, d, sizeof(d) / sizeof(d[0]))) < 0)
			return rc;
	}
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* More proc. and thread. fields (the rest of upstream's `thread` class that
 * fields.c does not have), a provider of their own; and
 * sinsp_register_fields(), the registration shared by the fields_*.c tables. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sinsp_int.h"

int sinsp_register_fields(filter_registry_t *reg, sinsp_t *s, const char *provider, filter_extract_fn extract,
			  const struct sinsp_field_def *defs, size_t n)
{
	struct filter_provider_opts o = FILTER_PROVIDER_OPTS_INIT;
	o.name = provider;
	o.extract = extract;
	o.ctx = s;
	int prov = filter_registry_add_provider(reg, &o);
	if (prov < 0)
		return prov;
	for (size_t i = 0; i < n; i++) {
		int rc = filter_registry_add_field(reg, prov, defs[i].name, defs[i].type, defs[i].flags, defs[i].id,
						   defs[i].desc);
		if (rc < 0)
			return rc;
	}
	return 0;
}

enum {
	P_ACMDLINE, P_AENV, P_CMDNARGS, P_CMDLENARGS, P_EXELINE, P_LOGINSHELLID, P_PVPID, P_SID_EXE,
	P_SID_EXEPATH, P_VPGID_NAME, P_VPGID_EXE, P_VPGID_EXEPATH, P_PGID, P_PGID_NAME, P_PGID_EXE,
	P_PGID_EXEPATH, P_PPID_DURATION, P_PID_TS, P_PPID_TS, P_IS_PGID_LEADER, P_EXE_INO, P_EXE_INO_DUR_PIDNS,
	P_PIDNS_INIT_START_TS, P_IS_HEALTHCHECK, P_IS_LIVENESS, P_IS_READINESS, P_FDOPENCOUNT, P_FDLIMIT,
	P_FDUSAGE, P_VMSIZE, P_VMRSS, P_VMSWAP, T_PFMAJOR, T_PFMINOR, T_NAMETID, T_EXECTIME, T_TOTEXECTIME,
	T_CGROUPS, T_CGROUP, P_NTHREADS, P_NCHILDS, T_CPU, T_CPU_USER, T_CPU_SYSTEM, T_VMSIZE, T_VMRSS,
	T_VMSIZE_B, T_VMRSS_B, P_STDIN_TYPE, P_STDOUT_TYPE, P_STDERR_TYPE, P_STDIN_NAME, P_STDOUT_NAME,
	P_STDERR_NAME,
};

#define ARG_IDX (FILTER_FIELD_ARG_ALLOWED | FILTER_FIELD_ARG_INDEX)
static const struct sinsp_field_def defs[] = {
	{"proc.acmdline", FILTER_T_STRING, ARG_IDX | FILTER_FIELD_ANY | FILTER_FIELD_JOIN, P_ACMDLINE,
	 "proc.cmdline of an ancestor: [0] the process, [1] its parent, ...; without index, any ancestor "
	 "matches (outputs: all, space-separated)"},
	{"proc.aenv", FILTER_T_STRING, FILTER_FIELD_ARG_ALLOWED | FILTER_FIELD_ANY, P_AENV,
	 "environment of an ancestor: [0] the process's own, [N] the Nth parent's; proc.aenv[NAME] the value "
	 "of NAME in the nearest parent that has it; without argument, any ancestor's matches (outputs: "
	 "the process's own)"},
	{"proc.cmdnargs", FILTER_T_UINT64, 0, P_CMDNARGS, "number of command-line arguments (argv[1..])"},
	{"proc.cmdlenargs", FILTER_T_UINT64, 0, P_CMDLENARGS,
	 "total length of the command-line arguments (argv[1..]), separators not counted"},
	{"proc.exeline", FILTER_T_STRING, 0, P_EXELINE, "proc.exe followed by the arguments"},
	{"proc.loginshellid", FILTER_T_INT64, 0, P_LOGINSHELLID,
	 "pid of the oldest shell (a name ending in 'sh') among the process and its ancestors"},
	{"proc.pvpid", FILTER_T_INT64, 0, P_PVPID, "virtual pid of the parent (thread ptid) as seen from its pid namespace"},
	{"proc.sid.exe", FILTER_T_STRING, 0, P_SID_EXE, "proc.exe of the session leader"},
	{"proc.sid.exepath", FILTER_T_STRING, 0, P_SID_EXEPATH, "proc.exepath of the session leader"},
	{"proc.vpgid.name", FILTER_T_STRING, 0, P_VPGID_NAME, "name of the process group leader"},
	{"proc.vpgid.exe", FILTER_T_STRING, 0, P_VPGID_EXE, "proc.exe of the process group leader"},
	{"proc.vpgid.exepath", FILTER_T_STRING, 0, P_VPGID_EXEPATH, "proc.exepath of the process group leader"},
	{"proc.pgid", FILTER_T_INT64, 0, P_PGID, "process group id as seen from the host (execve exits of newer drivers)"},
	{"proc.pgid.name", FILTER_T_STRING, 0, P_PGID_NAME, "name of the process group leader (by proc.pgid)"},
	{"proc.pgid.exe", FILTER_T_STRING, 0, P_PGID_EXE, "proc.exe of the process group leader (by proc.pgid)"},
	{"proc.pgid.exepath", FILTER_T_STRING, 0, P_PGID_EXEPATH, "proc.exepath of the process group leader (by proc.pgid)"},
	{"proc.ppid.duration", FILTER_T_RELTIME, 0, P_PPID_DURATION, "ns since the parent process started (if seen)"},
	{"proc.pid.ts", FILTER_T_RELTIME, 0, P_PID_TS, "start time of the thread (its clone), ns since the epoch"},
	{"proc.ppid.ts", FILTER_T_RELTIME, 0, P_PPID_TS, "start time of the parent (its clone), ns since the epoch"},
	{"proc.is_pgid_leader", FILTER_T_BOOL, 0, P_IS_PGID_LEADER, "true if the process leads its process group (pgid = pid)"},
	{"proc.exe_ino", FILTER_T_INT64, 0, P_EXE_INO, "inode number of the executable (execve exits of newer drivers)"},
	{"proc.exe_ino.ctime_duration_pidns_start", FILTER_T_ABSTIME, 0, P_EXE_INO_DUR_PIDNS,
	 "ns from the start of the pid namespace's init to the executable inode's change time (if both are known and the inode changed later)"},
	{"proc.pidns_init_start_ts", FILTER_T_UINT64, 0, P_PIDNS_INIT_START_TS,
	 "start time of the init process of the thread's pid namespace (clone exits of newer drivers)"},
	{"proc.is_container_healthcheck", FILTER_T_BOOL, 0, P_IS_HEALTHCHECK,
	 "upstream: true for a container's health check process. No value here: health-check commands of the container "
	 "runtime are not tracked"},
	{"proc.is_container_liveness_probe", FILTER_T_BOOL, 0, P_IS_LIVENESS,
	 "upstream: true for a k8s liveness probe process. No value here: probe commands are not tracked"},
	{"proc.is_container_readiness_probe", FILTER_T_BOOL, 0, P_IS_READINESS,
	 "upstream: true for a k8s readiness probe process. No value here: probe commands are not tracked"},
	{"proc.fdopencount", FILTER_T_UINT64, 0, P_FDOPENCOUNT, "number of fds of the process known to the fd table"},
	{"proc.fdlimit", FILTER_T_INT64, 0, P_FDLIMIT, "maximum number of fds of the process (process table, clone/execve exits)"},
	{"proc.fdusage", FILTER_T_DOUBLE, 0, P_FDUSAGE, "proc.fdopencount as a percentage of proc.fdlimit"},
	{"proc.vmsize", FILTER_T_UINT64, 0, P_VMSIZE, "virtual memory size in kB (process table; clone/execve, brk/mmap/munmap exits; switch)"},
	{"proc.vmrss", FILTER_T_UINT64, 0, P_VMRSS, "resident memory in kB (process table; clone/execve, brk/mmap/munmap exits; switch)"},
	{"proc.vmswap", FILTER_T_UINT64, 0, P_VMSWAP, "swapped memory in kB (process table; clone/execve, brk/mmap/munmap exits; switch)"},
	{"thread.pfmajor", FILTER_T_UINT64, 0, T_PFMAJOR, "major page faults of the thread (process table; clone/execve exits; switch)"},
	{"thread.pfminor", FILTER_T_UINT64, 0, T_PFMINOR, "minor page faults of the thread (process table; clone/execve exits; switch)"},
	{"thread.nametid", FILTER_T_STRING, 0, T_NAMETID, "proc.name followed by thread.tid"},
	{"thread.exectime", FILTER_T_RELTIME, 0, T_EXECTIME,
	 "upstream: CPU time of the last time slice, on sched switch events; 0 on other events. Sched switch events "
	 "carry no previous-slice time here, so this is 0 on other events and no value on switches"},
	{"thread.totexectime", FILTER_T_RELTIME, 0, T_TOTEXECTIME,
	 "upstream: total CPU time from sched switch events; 0 without switch events, no value on switches (see thread.exectime)"},
	{"thread.cgroups", FILTER_T_STRING, 0, T_CGROUPS, "all cgroups of the thread: subsystem=path separated by spaces"},
	{"thread.cgroup", FILTER_T_STRING, FILTER_FIELD_ARG_REQUIRED | FILTER_FIELD_ARG_DOTTED, T_CGROUP, "the cgroup of one subsystem: thread.cgroup.cpuset"},
	{"proc.nthreads", FILTER_T_UINT64, 0, P_NTHREADS, "number of live threads of the process known to the thread table"},
	{"proc.nchilds", FILTER_T_UINT64, 0, P_NCHILDS, "number of live threads of the process other than its main thread"},
	{"thread.cpu", FILTER_T_DOUBLE, 0, T_CPU,
	 "upstream: CPU use of the thread, from procinfo events. No value here: procinfo events are not produced"},
	{"thread.cpu.user", FILTER_T_DOUBLE, 0, T_CPU_USER, "upstream: user CPU use from procinfo events. No value here (see thread.cpu)"},
	{"thread.cpu.system", FILTER_T_DOUBLE, 0, T_CPU_SYSTEM, "upstream: system CPU use from procinfo events. No value here (see thread.cpu)"},
	{"thread.vmsize", FILTER_T_UINT64, 0, T_VMSIZE, "proc.vmsize for the main thread, 0 for other threads"},
	{"thread.vmrss", FILTER_T_UINT64, 0, T_VMRSS, "proc.vmrss for the main thread, 0 for other threads"},
	{"thread.vmsize.b", FILTER_T_UINT64, 0, T_VMSIZE_B, "thread.vmsize in bytes"},
	{"thread.vmrss.b", FILTER_T_UINT64, 0, T_VMRSS_B, "thread.vmrss in bytes"},
	{"proc.stdin.type", FILTER_T_STRING, 0, P_STDIN_TYPE, "fd.type of fd 0 of the process"},
	{"proc.stdout.type", FILTER_T_STRING, 0, P_STDOUT_TYPE, "fd.type of fd 1 of the process"},
	{"proc.stderr.type", FILTER_T_STRING, 0, P_STDERR_TYPE, "fd.type of fd 2 of the process"},
	{"proc.stdin.name", FILTER_T_STRING, 0, P_STDIN_NAME, "fd.name of fd 0 of the process"},
	{"proc.stdout.name", FILTER_T_STRING, 0, P_STDOUT_NAME, "fd.name of fd 1 of the process"},
	{"proc.stderr.name", FILTER_T_STRING, 0, P_STDERR_NAME, "fd.name of fd 2 of the process"},
};

static struct sinsp_thread *find_thread(const sinsp_t *s, int64_t tid)
{
	struct sinsp_thread *t = NULL;
	if (tid > 0)
		HASH_FIND(hh, s->threads, &tid, sizeof(tid), t);
	return t && !t->placeholder && t->p ? t : NULL;
}

static const struct sinsp_thread *parent(const sinsp_t *s, const struct sinsp_thread *t)
{
	return t->ptid != t->tid ? find_thread(s, t->ptid) : NULL;
}

static void out_cstr(filter_out_t *out, const char *s)
{
	if (s)
		filter_out_str(out, s, strlen(s));
}

/* "a b c" from NUL-separated strings, after `pre` (may be NULL). */
static size_t join(char *buf, size_t cap, const char *pre, const char *v, size_t len)
{
	size_t n = pre ? (size_t)snprintf(buf, cap, "%s ", pre) : 0;
	if (n >= cap)
		n = cap - 1;
	for (size_t i = 0; i < len && n + 1 < cap; i++) {
		if (!v[i] && i + 1 == len)
			break;
		buf[n++] = v[i] ? v[i] : ' ';
	}
	buf[n] = 0;
	return n;
}

/* The value of NAME in a NUL-separated NAME=value list. */
static bool env_get(const struct sproc *p, const char *name, size_t nlen, const char **v, size_t *vlen)
{
	for (size_t pos = 0; p->env && pos < p->env_len;) {
		const char *item = p->env + pos;
		size_t ilen = strnlen(item, p->env_len - pos);
		if (ilen > nlen && item[nlen] == '=' && !memcmp(item, name, nlen)) {
			*v = item + nlen + 1;
			*vlen = ilen - nlen - 1;
			return true;
		}
		pos += ilen + 1;
	}
	return false;
}

/* Upstream's oldest matching ancestor: the thread whose tid is the id, else
 * the oldest ancestor that still has the same id. which: 's' sid, 'v'
 * vpgid (virtual ids: the table is asked only outside pid namespaces), 'g' pgid. */
static int64_t id_of(const struct sinsp_thread *t, char which)
{
	return which == 's' ? t->sid : which == 'v' ? t->vpgid : t->pgid;
}

const struct sinsp_thread *sinsp_group_leader(const sinsp_t *s, const struct sinsp_thread *t, char which)
{
	int64_t id = id_of(t, which);
	if (id == -1)
		return NULL;
	bool in_pidns = t->vtid >= 0 && t->vtid != t->tid;
	if (which == 'g' || !in_pidns) {
		const struct sinsp_thread *l = find_thread(s, id);
		if (l)
			return l;
	}
	const struct sinsp_thread *leader = NULL, *a = parent(s, t);
	for (int depth = 0; a && depth < 256 && id_of(a, which) == id; depth++, a = parent(s, a))
		leader = a;
	return leader;
}

static const struct sinsp_thread *main_thread(const sinsp_t *s, const struct sinsp_thread *t)
{
	return t->tid == t->pid ? t : find_thread(s, t->pid);
}

static int extract(void *pctx, uint32_t id, const filter_fieldref_t *ref, const filter_evtctx_t *ev,
		   filter_out_t *out)
{
	sinsp_t *s = pctx;
	const struct sinsp_evt *e = filter_evtctx_user(ev);
	if (!s || !e || e->s != s || !e->thread || !e->thread->p)
		return 0;
	const struct sinsp_thread *t = e->thread, *a;
	const struct sproc *p = t->p;
	char *buf = s->scratch2;
	size_t cap = sizeof(s->scratch2), n;
	uint64_t now = e->evt ? scap_evt_ts(e->evt) : 0;

	if (t->placeholder) {
		/* a thread the stream never described: upstream's fresh thread
		 * (name and exe "<NA>", pid -1, no main thread); the other fields
		 * take the zero and -1 defaults it holds */
		switch (id) {
		case P_AENV: filter_out_str(out, "", 0); return 0;
		case P_EXELINE: out_cstr(out, "<NA> "); return 0;
		case P_IS_PGID_LEADER: filter_out_bool(out, true); return 0; /* pgid -1 == pid -1 */
		case T_NAMETID:
			n = (size_t)snprintf(buf, cap, "<NA>%lld", (long long)t->tid);
			filter_out_str(out, buf, n < cap ? n : cap - 1);
			return 0;
		default: break;
		}
	}
	switch (id) {
	case P_ACMDLINE: {
		int64_t want = filter_fieldref_argnum(ref);
		if (want < 0) { /* as upstream: every ancestor above the main thread */
			a = main_thread(s, t);
			for (int i = 0; a && (a = parent(s, a)) && i < 256 && cap > 1; i++) {
				if (a->placeholder || !a->p)
					continue;
				n = sinsp_cmdline(buf, cap, a);
				filter_out_str(out, buf, n);
				buf += n;
				cap -= n;
			}
			break;
		}
		a = t;
		for (int64_t i = 0; a && i < want; i++)
			a = parent(s, a);
		if (a) {
			n = sinsp_cmdline(buf, cap, a);
			filter_out_str(out, buf, n);
		}
		break;
	}
	case P_AENV: {
		size_t alen = 0;
		const char *arg = filter_fieldref_arg(ref, &alen);
		char *end = NULL;
		long level = arg && alen ? strtol(arg, &end, 10) : 0;
		bool numeric = !arg || (end == arg + alen && level >= 0);
		if (!arg && !filter_fieldref_for_output(ref)) {
			/* a condition on proc.aenv: any ancestor's environment (upstream) */
			a = main_thread(s, t);
			for (int i = 0; a && (a = parent(s, a)) && i < 256 && cap > 1; i++) {
				if (a->placeholder || !a->p)
					continue;
				n = a->p->env ? join(buf, cap, NULL, a->p->env, a->p->env_len) : 0;
				filter_out_str(out, buf, n);
				buf += n;
				cap -= n;
			}
			break;
		}
		if (numeric) {
			a = main_thread(s, t);
			for (long i = 0; a && i < level; i++)
				a = parent(s, a);
			if (a && a->p->env) {
				n = join(buf, cap, NULL, a->p->env, a->p->env_len);
				filter_out_str(out, buf, n);
			}
			break;
		}
		const char *v;
		size_t vlen;
		a = main_thread(s, t);
		for (int i = 0; a && i < 20; i++) {
			if (!(a = parent(s, a)))
				break;
			if (env_get(a->p, arg, alen, &v, &vlen) && vlen) {
				filter_out_str(out, v, vlen);
				return 0;
			}
		}
		filter_out_str(out, "", 0); /* upstream: an empty string when no parent has it */
		break;
	}
	case P_CMDNARGS: case P_CMDLENARGS: {
		uint64_t cnt = 0, len = 0;
		for (size_t i = 0; i < p->args_len;) {
			size_t l = strnlen(p->args + i, p->args_len - i);
			cnt++;
			len += l;
			i += l + 1;
		}
		filter_out_u64(out, id == P_CMDNARGS ? cnt : len);
		break;
	}
	case P_EXELINE:
		n = join(buf, cap, p->exe ? p->exe : "", p->args ? p->args : "", p->args_len);
		filter_out_str(out, buf, n);
		break;
	case P_LOGINSHELLID: {
		int64_t res = -1;
		bool found = false;
		a = main_thread(s, t);
		for (int depth = 0; a && depth < 256; depth++, a = parent(s, a)) {
			size_t l = strlen(a->comm);
			if (l >= 2 && a->comm[l - 2] == 's' && a->comm[l - 1] == 'h') {
				res = a->pid;
				found = true;
			}
		}
		if (found)
			filter_out_i64(out, res);
		break;
	}
	case P_PVPID:
		if ((a = find_thread(s, t->ptid)))
			filter_out_i64(out, a->vpid);
		break;
	case P_SID_EXE: case P_SID_EXEPATH:
		if ((a = sinsp_group_leader(s, t, 's')))
			out_cstr(out, id == P_SID_EXE ? a->p->exe : a->p->exepath);
		else
			filter_out_str(out, "", 0); /* upstream: empty without a leader */
		break;
	case P_VPGID_NAME: case P_VPGID_EXE: case P_VPGID_EXEPATH:
		if ((a = sinsp_group_leader(s, t, 'v')))
			out_cstr(out, id == P_VPGID_NAME ? a->comm : id == P_VPGID_EXE ? a->p->exe : a->p->exepath);
		else
			filter_out_str(out, "", 0);
		break;
	case P_PGID: filter_out_i64(out, t->pgid); break; /* upstream: -1 when unknown */
	case P_PGID_NAME: case P_PGID_EXE: case P_PGID_EXEPATH:
		if ((a = sinsp_group_leader(s, t, 'g')))
			out_cstr(out, id == P_PGID_NAME ? a->comm : id == P_PGID_EXE ? a->p->exe : a->p->exepath);
		else
			filter_out_str(out, "", 0);
		break;
	case P_IS_PGID_LEADER: filter_out_bool(out, t->pgid == t->pid); break; /* upstream: also when unknown (-1) */
	case P_PPID_DURATION:
		if ((a = parent(s, t)) && a->clone_ts && now >= a->clone_ts)
			filter_out_u64(out, now - a->clone_ts);
		break;
	case P_PID_TS: if (t->clone_ts) filter_out_u64(out, t->clone_ts); break;
	case P_PPID_TS: if ((a = find_thread(s, t->ptid))) filter_out_u64(out, a->clone_ts); break;
	case P_EXE_INO: if (t->exe_ino) filter_out_i64(out, (int64_t)t->exe_ino); break;
	case P_EXE_INO_DUR_PIDNS:
		if (p->pidns_start && p->exe_ino_ctime > p->pidns_start)
			filter_out_u64(out, p->exe_ino_ctime - p->pidns_start);
		break;
	case P_PIDNS_INIT_START_TS: if (p->pidns_start) filter_out_u64(out, p->pidns_start); break;
	case P_IS_HEALTHCHECK: case P_IS_LIVENESS: case P_IS_READINESS: break; /* not tracked: no value */
	case P_FDOPENCOUNT: case P_FDLIMIT: case P_FDUSAGE: {
		const struct sinsp_thread *m = main_thread(s, t);
		uint64_t cnt = m ? m->p->nfds : 0;
		int64_t lim = m ? m->fdlimit : 0;
		if (id == P_FDOPENCOUNT)
			filter_out_u64(out, cnt);
		else if (id == P_FDLIMIT)
			filter_out_i64(out, lim);
		else
			filter_out_double(out, lim > 0 ? (cnt <= (uint64_t)lim ? (double)cnt * 100 / (double)lim : 100) : 0);
		break;
	}
	case P_VMSIZE: filter_out_u64(out, t->vmsize_kb); break;
	case P_VMRSS: filter_out_u64(out, t->vmrss_kb); break;
	case P_VMSWAP: filter_out_u64(out, t->vmswap_kb); break;
	case T_VMSIZE: case T_VMRSS: case T_VMSIZE_B: case T_VMRSS_B: {
		uint64_t v = t->tid != t->pid ? 0 : (id == T_VMSIZE || id == T_VMSIZE_B) ? t->vmsize_kb : t->vmrss_kb;
		filter_out_u64(out, (id == T_VMSIZE_B || id == T_VMRSS_B) ? v * 1024 : v);
		break;
	}
	case T_PFMAJOR: filter_out_u64(out, t->pfmajor); break;
	case T_PFMINOR: filter_out_u64(out, t->pfminor); break;
	case T_NAMETID:
		n = (size_t)snprintf(buf, cap, "%s%lld", t->comm, (long long)t->tid);
		filter_out_str(out, buf, n < cap ? n : cap - 1);
		break;
	case T_EXECTIME: case T_TOTEXECTIME: {
		const char *name = e->evt ? scap_event_name(scap_evt_type(e->evt)) : NULL;
		if (!name || strcmp(name, "switch"))
			filter_out_u64(out, 0);
		break;
	}
	case T_CGROUPS:
		if (p->cgroups_len) {
			n = join(buf, cap, NULL, p->cgroups, p->cgroups_len);
			filter_out_str(out, buf, n);
		}
		break;
	case T_CGROUP: {
		size_t alen = 0;
		const char *want = filter_fieldref_arg(ref, &alen);
		for (size_t i = 0; want && i < p->cgroups_len;) {
			const char *item = p->cgroups + i;
			size_t l = strnlen(item, p->cgroups_len - i);
			if (l > alen && item[alen] == '=' && !memcmp(item, want, alen)) {
				filter_out_str(out, item + alen + 1, l - alen - 1);
				break;
			}
			i += l + 1;
		}
		break;
	}
	case P_NTHREADS: case P_NCHILDS: {
		uint64_t cnt = 0;
		bool main_alive = false;
		for (const struct sinsp_thread *x = s->threads; x; x = x->hh.next)
			if (x->pid == t->pid && !x->dead && !x->placeholder) {
				cnt++;
				main_alive |= x->tid == x->pid;
			}
		filter_out_u64(out, id == P_NTHREADS ? cnt : cnt - (main_alive && cnt ? 1 : 0));
		break;
	}
	case T_CPU: case T_CPU_USER: case T_CPU_SYSTEM: break; /* no procinfo events: no value */
	case P_STDIN_TYPE: case P_STDOUT_TYPE: case P_STDERR_TYPE:
	case P_STDIN_NAME: case P_STDOUT_NAME: case P_STDERR_NAME: {
		int64_t fd = (id - P_STDIN_TYPE) % 3;
		struct sinsp_fd *f = NULL;
		const struct sinsp_thread *m = main_thread(s, t);
		if (m)
			HASH_FIND(hh, m->p->fds, &fd, sizeof(fd), f);
		if (!f)
			break;
		if (id >= P_STDIN_NAME) {
			filter_out_str(out, f->name ? f->name : "", f->name ? f->name_len : 0);
		} else {
			out_cstr(out, sinsp_fd_type_name(f->type));
		}
		break;
	}
	default:
		break;
	}
	return 0;
}

int sinsp_proc_add_fields(sinsp_t *s, filter_registry_t *reg)
{
	return sinsp_register_fields(reg, s, "sinsp.thread", extract, defs, sizeof(defs) / sizeof(defs[0]));
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the live engines (bpf, kmod): which syscalls an event mask
 * needs, and this host's machine info. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "scap_int.h"

static bool name_selected(const uint8_t *mask, size_t n, const char *name)
{
	for (size_t t = 0; t < n && t < SCAP_EVENT_TABLE_SIZE; t++)
		if (mask[t] && scap_event_table[t].name && strcmp(scap_event_table[t].name, name) == 0)
			return true;
	return false;
}

void scap_live_want_syscalls(const uint8_t *mask, size_t n, uint8_t *want, size_t nsc)
{
	bool generic = mask == NULL || name_selected(mask, n, "syscall");

	for (size_t nr = 0; nr < nsc; nr++) {
		const struct scap_syscall_route *r;

		want[nr] = 0;
		if (nr >= SCAP_SYSCALL_TABLE_SIZE)
			continue;
		r = &scap_syscall_x86_64_table[nr];
		if (!r->routed)
			continue;
		if (mask == NULL || (r->generic && generic))
			want[nr] = 1;
		else if (!r->generic) /* any version of the event's name */
			want[nr] = name_selected(mask, n, scap_event_table[r->exit_evt].name) ||
				   name_selected(mask, n, scap_event_table[r->enter_evt].name);
	}
}

uint64_t scap_live_clock_ns(int c)
{
	struct timespec ts;

	clock_gettime((clockid_t)c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void scap_live_idle_wait(struct timespec *req)
{
	req->tv_sec = 0;
	req->tv_nsec = 1000000L;
	syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, req, NULL);
}

void scap_live_machine_info(scap_t *h)
{
	struct scap_machine_info *mi = &h->meta.mi;
	struct utsname u;
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
	FILE *f = fopen("/proc/sys/kernel/pid_max", "re");
	unsigned long long pid_max = 0;

	memset(mi, 0, sizeof(*mi));
	mi->sz = sizeof(*mi);
	mi->num_cpus = (uint32_t)sysconf(_SC_NPROCESSORS_ONLN);
	mi->memory_size_bytes = pages > 0 && psz > 0 ? (uint64_t)pages * (uint64_t)psz : 0;
	if (f) {
		if (fscanf(f, "%llu", &pid_max) != 1)
			pid_max = 0;
		fclose(f);
	}
	mi->max_pid = pid_max;
	if (uname(&u) == 0)
		snprintf(mi->hostname, sizeof(mi->hostname), "%s", u.nodename);
	mi->boot_ts_epoch = scap_live_clock_ns(CLOCK_REALTIME) - scap_live_clock_ns(CLOCK_BOOTTIME);
	h->meta.have_mi = true;
}

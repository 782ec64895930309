/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the live engines (bpf, kmod): which syscalls an event mask
 * needs, and this host's machine info. */
#define _GNU_SOURCE
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "scap_int.h"

/* This host's IPv4 and IPv6 interface addresses (what upstream's live
 * platform lists with getifaddrs, and a capture's IL block holds): the
 * parser's "address of this machine" test (fd.lip/fd.rip/fd.is_server)
 * and local address inference use them. */
static void live_interfaces(scap_t *h)
{
	struct ifaddrs *list = NULL;
	if (getifaddrs(&list) != 0)
		return;
	for (const struct ifaddrs *a = list; a; a = a->ifa_next) {
		if (!a->ifa_addr || (a->ifa_addr->sa_family != AF_INET && a->ifa_addr->sa_family != AF_INET6))
			continue;
		struct scap_iface *i = scap_vec_push(&h->meta.ifaces, sizeof(*i), &h->meta.bytes);
		if (!i)
			break;
		memset(i, 0, sizeof(*i));
		if (a->ifa_addr->sa_family == AF_INET) {
			i->family = 4;
			memcpy(i->addr, &((const struct sockaddr_in *)a->ifa_addr)->sin_addr, 4);
			if (a->ifa_netmask)
				memcpy(i->netmask, &((const struct sockaddr_in *)a->ifa_netmask)->sin_addr, 4);
			if (a->ifa_broadaddr && (a->ifa_flags & IFF_BROADCAST))
				memcpy(i->bcast, &((const struct sockaddr_in *)a->ifa_broadaddr)->sin_addr, 4);
		} else {
			i->family = 6;
			memcpy(i->addr, &((const struct sockaddr_in6 *)a->ifa_addr)->sin6_addr, 16);
			if (a->ifa_netmask)
				memcpy(i->netmask, &((const struct sockaddr_in6 *)a->ifa_netmask)->sin6_addr, 16);
		}
		i->name = arena_strndup(&h->meta.arena, a->ifa_name, strlen(a->ifa_name));
		if (!i->name)
			i->name = "";
	}
	freeifaddrs(list);
}

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
	if (!h->meta.ifaces.n)
		live_interfaces(h);
}

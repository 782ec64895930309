/* SPDX-License-Identifier: Apache-2.0 */
/* The contract between the kmod driver (engine/kmod/driver/, kernel C) and
 * the kmod engine (engine/kmod/kmod.c, userspace).
 *
 * One character device, SCAP_KMOD_DEVICE, opened by one consumer at a time
 * (a second open fails with EBUSY). The consumer:
 *   1. SCAP_KMOD_IOC_INFO: the module's API version, its CPU count and page
 *      size. An engine refuses a module whose major version differs from
 *      its own, or whose minor version is older.
 *   2. SCAP_KMOD_IOC_SETUP: ring size per CPU; allocates one ring per
 *      possible CPU (once per open).
 *   3. mmap() each CPU's region: at offset cpu * (page + ring_bytes), length
 *      page + ring_bytes: the struct scap_kmod_ring page then the ring data.
 *   4. SCAP_KMOD_IOC_SYSCALLS, SCAP_KMOD_IOC_SNAPLEN, SCAP_KMOD_IOC_WAITER,
 *      then SCAP_KMOD_IOC_START (tracepoints stay attached while the device
 *      is open; START/STOP only gate the writing).
 *   5. read events: each ring holds whole events in the .scap EV_V2 encoding
 *      (26-byte header, u16 lengths, data; scap-format.md), back to back,
 *      without padding; an event may wrap around the end of the ring (the
 *      reader copies such an event out). The driver advances `head` after
 *      an event is complete (release); the reader advances `tail` when it
 *      is done with the bytes (release). head - tail <= ring_bytes.
 *   6. SCAP_KMOD_IOC_STATS: counters summed over the CPUs.
 * Closing the device stops the capture, detaches and frees the rings.
 *
 * The driver never blocks a syscall: an event that does not fit in its
 * CPU's ring is dropped and counted (drops_full). */
#ifndef SCAP_KERNEL_KMOD_API_H
#define SCAP_KERNEL_KMOD_API_H

#include <linux/ioctl.h>
#include <linux/types.h>

#include "ppm_events.h"

#define SCAP_KMOD_NAME "scapkit"
#define SCAP_KMOD_DEVICE "/dev/scapkit"

/* major << 16 | minor. Bump the minor for additions an older engine can
 * ignore, the major for anything else (layout, encoding, semantics). */
#define SCAP_KMOD_API_MAJOR 1
#define SCAP_KMOD_API_MINOR 0
#define SCAP_KMOD_API_VERSION ((SCAP_KMOD_API_MAJOR << 16) | SCAP_KMOD_API_MINOR)

#define SCAP_KMOD_SC_MAX 512             /* syscall numbers handled: 0..SC_MAX-1 */
#define SCAP_KMOD_MIN_RING (64u * 1024)  /* per CPU, power of two */
#define SCAP_KMOD_MAX_RING (256u * 1024 * 1024)
#define SCAP_KMOD_MAX_EVENT (64u * 1024) /* longer events are dropped (drops_too_large) */

/* First page of each CPU's region. */
struct scap_kmod_ring {
	__u64 head; /* bytes written so far (driver; release) */
	__u64 tail; /* bytes consumed so far (reader; release) */
};

struct scap_kmod_info {
	__u32 api_version; /* SCAP_KMOD_API_VERSION of the module */
	__u32 ncpus;       /* possible CPU ids: 0 .. ncpus-1 */
	__u32 page_size;
	__u32 pad;
	__u64 ring_bytes;  /* per CPU, 0 before SETUP */
	char module_version[32]; /* the project version the module was built from */
};

struct scap_kmod_setup {
	__u64 ring_bytes; /* per CPU: a power of two, MIN_RING..MAX_RING */
};

/* The syscall selection: want[nr] != 0 captures x86_64 syscall nr;
 * ppm_sc[nr] is the code carried by its generic event. */
struct scap_kmod_syscalls {
	__u8 want[SCAP_KMOD_SC_MAX];
	__u16 ppm_sc[SCAP_KMOD_SC_MAX];
};

/* The consumer's own idle wait: clock_nanosleep from process tgid whose
 * request pointer is req is not captured (it would feed the rings while
 * the consumer waits for them). */
struct scap_kmod_waiter {
	__u32 tgid;
	__u32 pad;
	__u64 req;
};

struct scap_kmod_stats {
	__u64 n_evts;            /* events written */
	__u64 n_drops_full;      /* dropped: the CPU's ring was full */
	__u64 n_drops_probe;     /* dropped: the driver could not build the event */
	__u64 n_drops_too_large; /* dropped: longer than SCAP_KMOD_MAX_EVENT */
};

#define SCAP_KMOD_IOC_MAGIC 's'
#define SCAP_KMOD_IOC_INFO _IOR(SCAP_KMOD_IOC_MAGIC, 1, struct scap_kmod_info)
#define SCAP_KMOD_IOC_SETUP _IOW(SCAP_KMOD_IOC_MAGIC, 2, struct scap_kmod_setup)
#define SCAP_KMOD_IOC_START _IO(SCAP_KMOD_IOC_MAGIC, 3)
#define SCAP_KMOD_IOC_STOP _IO(SCAP_KMOD_IOC_MAGIC, 4)
#define SCAP_KMOD_IOC_SYSCALLS _IOW(SCAP_KMOD_IOC_MAGIC, 5, struct scap_kmod_syscalls)
#define SCAP_KMOD_IOC_SNAPLEN _IOW(SCAP_KMOD_IOC_MAGIC, 6, __u32)
#define SCAP_KMOD_IOC_WAITER _IOW(SCAP_KMOD_IOC_MAGIC, 7, struct scap_kmod_waiter)
#define SCAP_KMOD_IOC_STATS _IOR(SCAP_KMOD_IOC_MAGIC, 8, struct scap_kmod_stats)

#endif

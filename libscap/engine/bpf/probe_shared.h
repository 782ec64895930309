/* SPDX-License-Identifier: Apache-2.0 */
/* Contract between the probe (probe.bpf.c) and the engine (bpf.c).
 *
 * Ring records: [u16 cpu][event: 26-byte V2 header, u16 lengths, data],
 * i.e. the body of an EV_V2 block.
 *
 * Set by the engine before load (rodata, see probe.bpf.c):
 *   boot_time    CLOCK_REALTIME - CLOCK_BOOTTIME at open (ns)
 *   rb_flags     flags for bpf_ringbuf_output (BPF_RB_NO_WAKEUP)
 *   procexit_on  emit procexit events
 *   snaplen      bytes of I/O payload kept per event (read/write family)
 *   ppm_sc_of_nr[nr]  ppm_sc code of x86_64 syscall nr (generic events)
 * Set at run time:
 *   map "interesting"[nr] = 1: capture syscall nr (0: return at once)
 *   bss capture_on: scap_start()/scap_stop()
 * Read by the engine: map "counters" (per-CPU), indexed by the enum below. */
#ifndef SCAP_BPF_PROBE_SHARED_H
#define SCAP_BPF_PROBE_SHARED_H

#include "ppm_events.h"

#define SCAP_BPF_REC_PREFIX 2
#define SCAP_BPF_SC_MAX 512 /* size of the syscall selection map */
#define SCAP_BPF_DEFAULT_SNAPLEN SCAP_DEFAULT_SNAPLEN /* ../../kernel/ppm_events.h */
#define SCAP_BPF_MAX_SNAPLEN SCAP_MAX_SNAPLEN /* the largest I/O payload one event carries */

/* per-CPU counters (map "counters") */
enum scap_bpf_counter {
	SCAP_BPF_CNT_EVTS = 0,         /* events written to the ring */
	SCAP_BPF_CNT_DROP_FULL = 1,    /* dropped: ring buffer full */
	SCAP_BPF_CNT_DROP_PROBE = 2,   /* dropped: probe failure (no scratch buffer, unreadable kernel data) */
	SCAP_BPF_CNT_DROP_TOO_LARGE = 3, /* dropped: the event would exceed the per-event bound */
	SCAP_BPF_CNT_MAX = 4
};

#endif

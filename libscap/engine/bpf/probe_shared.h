/* SPDX-License-Identifier: Apache-2.0 */
/* Layout shared by the probe and the engine. */
#ifndef SCAP_BPF_PROBE_SHARED_H
#define SCAP_BPF_PROBE_SHARED_H

/* Each ring record is [u16 cpu][event: 26-byte V2 header, u16 lengths,
 * data], i.e. the body of an EV_V2 block. */
#define SCAP_BPF_REC_PREFIX 2
#define SCAP_BPF_SC_MAX 512 /* size of the syscall selection map */

/* per-CPU counters (map "counters") */
enum scap_bpf_counter {
	SCAP_BPF_CNT_EVTS = 0,       /* events written to the ring */
	SCAP_BPF_CNT_DROP_FULL = 1,  /* dropped: ring buffer full */
	SCAP_BPF_CNT_DROP_SCRATCH = 2, /* dropped: no scratch buffer */
	SCAP_BPF_CNT_MAX = 4
};

#endif

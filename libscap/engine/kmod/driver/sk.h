/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* scapkit driver: state shared by sk_main.c (device, rings, tracepoints)
 * and sk_fill.c (the events), and the event builder.
 *
 * Every tracepoint probe runs with preemption disabled (6.1: tracepoints
 * are not faultable), on one CPU, never nested with another of ours: the
 * per-CPU scratch buffer, the per-CPU ring and its counters have a single
 * writer. User memory is read with the *_nofault helpers: a page that is
 * not present gives an empty parameter, never a fault or a sleep. */
#ifndef SK_H
#define SK_H

#include <linux/types.h>
#include <linux/sched.h>

struct linux_binprm;
struct pt_regs;

#include "kmod_api.h"
#include "ppm_events.h"
#include "ppm_flags.h"

#define SK_HDR_LEN 26        /* EV_V2 header: ts u64, tid u64, len u32, type u16, nparams u32 */
#define SK_MAX_STR 4096      /* longest string or buffer read at once */
#define SK_TMP_SIZE 8192     /* per-CPU temporary buffer (d_path, ...) */

struct sk_ev {
	u8 *buf;      /* the CPU's scratch buffer, SCAP_KMOD_MAX_EVENT bytes */
	u32 pos;      /* next data byte */
	u32 idx;      /* next length slot */
	u32 nparams;
	u32 pstart;   /* sk_param_begin(): where the open parameter started */
	bool overflow; /* the event outgrew SCAP_KMOD_MAX_EVENT: dropped at submit */
};

struct sk_cfg {
	u32 capture_on;           /* START/STOP (READ_ONCE) */
	u32 snaplen;              /* I/O payload bytes kept */
	u64 boot_offset;          /* CLOCK_REALTIME - CLOCK_BOOTTIME at SETUP (ns) */
	u32 waiter_tgid;          /* the consumer's own idle wait (kmod_api.h) */
	u64 waiter_req;
	u8 want[SCAP_KMOD_SC_MAX];    /* syscall selection */
	u16 ppm_sc[SCAP_KMOD_SC_MAX]; /* generic event code per syscall */
};
extern struct sk_cfg sk_cfg;

/* ---- event builder (sk_main.c) ---- */

/* Start an event of this CPU (the header's tid: current's pid, or tid).
 * NULL when nothing can be written (counted as a probe drop). */
struct sk_ev *sk_begin(u16 type, u32 nparams);
struct sk_ev *sk_begin_tid(u16 type, u32 nparams, s64 tid);
/* Finish: check the parameter count, copy into the CPU's ring or count the
 * drop. */
void sk_submit(struct sk_ev *ev);
/* A per-CPU buffer of SK_TMP_SIZE bytes, valid until the probe returns. */
char *sk_tmp(void);

/* Raw appenders: data without a length slot (composite parameters). */
bool sk_raw(struct sk_ev *ev, const void *p, u32 n);
static inline void sk_raw_u8(struct sk_ev *ev, u8 v) { sk_raw(ev, &v, 1); }
static inline void sk_raw_u16(struct sk_ev *ev, u16 v) { sk_raw(ev, &v, 2); }
static inline void sk_raw_u32(struct sk_ev *ev, u32 v) { sk_raw(ev, &v, 4); }
static inline void sk_raw_u64(struct sk_ev *ev, u64 v) { sk_raw(ev, &v, 8); }
/* A kernel string with its NUL (at most max bytes, NUL included); returns
 * the bytes appended (0: s is NULL). */
u32 sk_raw_kstr(struct sk_ev *ev, const char *s, u32 max);
/* A user string with its NUL; 0 when unreadable. */
u32 sk_raw_ustr(struct sk_ev *ev, const char __user *p, u32 max);
/* n bytes of user memory; 0 (nothing appended) when unreadable. */
u32 sk_raw_ubytes(struct sk_ev *ev, const void __user *p, u32 n);

/* Parameters: each call fills the next length slot. */
void sk_put_len(struct sk_ev *ev, u32 len);
static inline void sk_put_u8(struct sk_ev *ev, u8 v) { sk_raw_u8(ev, v); sk_put_len(ev, 1); }
static inline void sk_put_u16(struct sk_ev *ev, u16 v) { sk_raw_u16(ev, v); sk_put_len(ev, 2); }
static inline void sk_put_u32(struct sk_ev *ev, u32 v) { sk_raw_u32(ev, v); sk_put_len(ev, 4); }
static inline void sk_put_u64(struct sk_ev *ev, u64 v) { sk_raw_u64(ev, v); sk_put_len(ev, 8); }
static inline void sk_put_fd(struct sk_ev *ev, long fd) { sk_put_u64(ev, (u64)(s64)(int)fd); }
static inline void sk_put_empty(struct sk_ev *ev) { sk_put_len(ev, 0); }
static inline void sk_put_bytes(struct sk_ev *ev, const void *p, u32 n)
{
	sk_put_len(ev, sk_raw(ev, p, n) ? n : 0);
}
static inline void sk_put_kstr(struct sk_ev *ev, const char *s) { sk_put_len(ev, sk_raw_kstr(ev, s, SK_MAX_STR)); }
static inline void sk_put_ustr(struct sk_ev *ev, const char __user *p) { sk_put_len(ev, sk_raw_ustr(ev, p, SK_MAX_STR)); }
static inline void sk_put_ubytes(struct sk_ev *ev, const void __user *p, u32 n)
{
	sk_put_len(ev, sk_raw_ubytes(ev, p, n));
}
/* I/O payload: min(res, snaplen) bytes of p when res > 0, else empty. */
static inline void sk_put_payload(struct sk_ev *ev, const void __user *p, long res)
{
	u32 n = READ_ONCE(sk_cfg.snaplen);

	if (res <= 0) {
		sk_put_empty(ev);
		return;
	}
	if ((unsigned long)res < n)
		n = (u32)res;
	sk_put_ubytes(ev, p, n);
}
/* A composite parameter: begin, raw appenders, end (fills the slot). */
static inline void sk_param_begin(struct sk_ev *ev) { ev->pstart = ev->pos; }
static inline void sk_param_end(struct sk_ev *ev) { sk_put_len(ev, ev->pos - ev->pstart); }

/* ---- the events (sk_fill.c), called by sk_main.c's probes ---- */

/* sys_exit of x86_64 syscall nr (selected, not the consumer's wait, not a
 * 32-bit task). Emits its event and returns true, or returns false when it
 * has no specific event: sk_main.c then emits the generic event. It may
 * also return true without emitting (the child side of clone). */
bool sk_fill_sys_exit(struct pt_regs *regs, long ret, unsigned int nr);
/* sched_process_fork, in the parent. */
void sk_fill_fork(struct task_struct *parent, struct task_struct *child);
/* sched_process_exec, in the task that executes (after the point of no
 * return: the new mm, comm and creds are in place). */
void sk_fill_exec(struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm);
/* sched_process_exit, in the exiting task. */
void sk_fill_procexit(struct task_struct *p);

#endif

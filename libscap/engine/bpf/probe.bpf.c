// SPDX-License-Identifier: GPL-2.0
/* The bpf engine's probe (x86_64): raw tracepoints on sys_exit and
 * sched_process_exit write events in the .scap EV_V2 encoding
 * (scap-format.md §8-§10) into a BPF ring buffer. Each event is built in a
 * per-CPU scratch buffer (upstream modern_bpf's "auxmap" idea), then copied
 * with bpf_ringbuf_output(). Record: [u16 cpu][26-byte header][u16 lens][data].
 * Every variable offset is masked so that the verifier can bound it. */
#include "vmlinux_min.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "ppm_flags.h"
#include "probe_shared.h"

char LICENSE[] SEC("license") = "GPL";

#define SAFE_SPAN (16 * 1024)              /* an event never exceeds this */
#define SAFE(x) ((x) & (SAFE_SPAN - 1))    /* every write offset, bounded */
#define MAX_PATH 4096                      /* longest single read */
#define MAX_ARGS 4096
/* a read of MAX_PATH at the highest SAFE offset stays inside; the whole map
 * value must stay under the 32 KiB per-CPU allocation limit */
#define SCRATCH_SIZE (SAFE_SPAN + MAX_PATH)
#define PFX SCAP_BPF_REC_PREFIX
#define HDR_LEN 26

#define PPME_SYSCALL_CLOSE_X 5
#define PPME_PROCEXIT_1_E 186
#define PPME_SYSCALL_EXECVE_19_X 293
#define PPME_SYSCALL_OPENAT_2_X 307

#define NR_close 3
#define NR_execve 59
#define NR_openat 257

#define TS_COMPAT 0x0002
#define RLIMIT_NOFILE 7
#define AT_FDCWD (-100)

struct scratch {
	__u8 data[SCRATCH_SIZE];
	__u32 pos;     /* next payload byte (from data[0]) */
	__u32 idx;     /* next length slot */
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 * 1024 * 1024); /* resized by the engine before load */
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

/* syscall selection, indexed by the x86_64 syscall number; set by the engine */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SCAP_BPF_SC_MAX);
	__type(key, __u32);
	__type(value, __u8);
} interesting SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SCAP_BPF_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

const volatile __u64 boot_time = 0;    /* CLOCK_REALTIME - CLOCK_BOOTTIME at open */
const volatile __u64 rb_flags = 0;     /* BPF_RB_NO_WAKEUP */
const volatile __u8 procexit_on = 0;
const volatile __u32 snaplen = SCAP_BPF_DEFAULT_SNAPLEN; /* I/O payload bytes kept */
const volatile __u16 ppm_sc_of_nr[SCAP_BPF_SC_MAX];  /* generic events: nr -> ppm_sc */
volatile __u32 capture_on = 0;         /* scap_start/scap_stop (mmapped .bss) */

static __always_inline void count(__u32 k)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &k);
	if (c)
		(*c)++;
}

static __always_inline struct scratch *ev_begin(__u16 type, __u32 nparams)
{
	__u32 zero = 0;
	struct scratch *s = bpf_map_lookup_elem(&scratch_map, &zero);
	if (!s) {
		count(SCAP_BPF_CNT_DROP_PROBE);
		return NULL;
	}
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 ts = boot_time + bpf_ktime_get_boot_ns();
	__s64 tid = (__u32)pid_tgid;
	__u16 cpu = bpf_get_smp_processor_id();
	__builtin_memcpy(&s->data[0], &cpu, 2);
	__builtin_memcpy(&s->data[PFX + 0], &ts, 8);
	__builtin_memcpy(&s->data[PFX + 8], &tid, 8);
	/* len (PFX + 16) is written by ev_submit */
	__builtin_memcpy(&s->data[PFX + 20], &type, 2);
	__builtin_memcpy(&s->data[PFX + 22], &nparams, 4);
	s->idx = 0;
	s->pos = PFX + HDR_LEN + nparams * 2;
	return s;
}

static __always_inline void put_len(struct scratch *s, __u16 len)
{
	__u32 off = PFX + HDR_LEN + s->idx * 2;
	__builtin_memcpy(&s->data[SAFE(off)], &len, 2);
	s->idx++;
}

static __always_inline void put_u64(struct scratch *s, __u64 v)
{
	__builtin_memcpy(&s->data[SAFE(s->pos)], &v, 8);
	s->pos += 8;
	put_len(s, 8);
}

static __always_inline void put_u32(struct scratch *s, __u32 v)
{
	__builtin_memcpy(&s->data[SAFE(s->pos)], &v, 4);
	s->pos += 4;
	put_len(s, 4);
}

static __always_inline void put_u8(struct scratch *s, __u8 v)
{
	s->data[SAFE(s->pos)] = v;
	s->pos += 1;
	put_len(s, 1);
}

static __always_inline void put_empty(struct scratch *s)
{
	put_len(s, 0);
}

/* CHARBUF/FSPATH from user memory; the length includes the NUL. */
static __always_inline void put_user_str(struct scratch *s, const void *p)
{
	long n = 0;
	if (p)
		n = bpf_probe_read_user_str(&s->data[SAFE(s->pos)], MAX_PATH, p);
	if (n <= 0) {
		put_empty(s);
		return;
	}
	s->pos += n;
	put_len(s, n);
}

static __always_inline void put_kernel_str(struct scratch *s, const void *p, __u32 max)
{
	long n = bpf_probe_read_kernel_str(&s->data[SAFE(s->pos)], max, p);
	if (n <= 0) {
		put_empty(s);
		return;
	}
	s->pos += n;
	put_len(s, n);
}

static __always_inline void ev_submit(struct scratch *s)
{
	__u32 size = s->pos;
	__u32 len = size - PFX;
	if (size >= SAFE_SPAN) { /* cannot happen with the bounds above */
		count(SCAP_BPF_CNT_DROP_PROBE);
		return;
	}
	__builtin_memcpy(&s->data[PFX + 16], &len, 4);
	if (bpf_ringbuf_output(&rb, s->data, size & (SAFE_SPAN - 1), rb_flags))
		count(SCAP_BPF_CNT_DROP_FULL);
	else
		count(SCAP_BPF_CNT_EVTS);
}

static __always_inline struct file *fd_to_file(long fd)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct file **fds = BPF_CORE_READ(t, files, fdt, fd);
	unsigned int max = BPF_CORE_READ(t, files, fdt, max_fds);
	struct file *f = NULL;
	if (fd < 0 || fd >= max || !fds)
		return NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

static __always_inline int do_openat_x(struct pt_regs *regs, long ret)
{
	struct scratch *s = ev_begin(PPME_SYSCALL_OPENAT_2_X, 7);
	if (!s)
		return 0;
	/* x86_64 syscall args: di, si, dx, r10, r8, r9 (intact at exit) */
	long dirfd = (int)BPF_CORE_READ(regs, di);
	const char *name = (const char *)BPF_CORE_READ(regs, si);
	__u64 flags = BPF_CORE_READ(regs, dx);
	__u32 mode = BPF_CORE_READ(regs, r10);
	__u32 sflags = scap_open_flags_to_ppm(flags);
	__u32 dev = 0;
	__u64 ino = 0;
	if (ret >= 0) {
		struct file *f = fd_to_file(ret);
		if (f) {
			if (BPF_CORE_READ(f, f_mode) & L_FMODE_CREATED)
				sflags |= PPM_O_F_CREATED;
			__u32 kdev = BPF_CORE_READ(f, f_inode, i_sb, s_dev);
			/* new_encode_dev(), like upstream: matches st_dev */
			__u32 ma = kdev >> 20, mi = kdev & ((1U << 20) - 1);
			dev = (mi & 0xff) | (ma << 8) | ((mi & ~0xffU) << 12);
			ino = BPF_CORE_READ(f, f_inode, i_ino);
		}
	}
	put_u64(s, ret);        /* 0 fd */
	put_u64(s, dirfd);      /* 1 dirfd */
	put_user_str(s, name);  /* 2 name */
	put_u32(s, sflags);     /* 3 flags */
	put_u32(s, mode);       /* 4 mode */
	put_u32(s, dev);        /* 5 dev */
	put_u64(s, ino);        /* 6 ino */
	ev_submit(s);
	return 0;
}

static __always_inline int do_close_x(struct pt_regs *regs, long ret)
{
	struct scratch *s = ev_begin(PPME_SYSCALL_CLOSE_X, 2);
	if (!s)
		return 0;
	put_u64(s, ret);                            /* 0 res */
	put_u64(s, (__s64)(int)BPF_CORE_READ(regs, di)); /* 1 fd */
	ev_submit(s);
	return 0;
}

static __always_inline int do_execve_x(long ret)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct scratch *s = ev_begin(PPME_SYSCALL_EXECVE_19_X, 31);
	if (!s)
		return 0;
	put_u64(s, ret); /* 0 res */
	if (ret == 0) {
		unsigned long as = BPF_CORE_READ(t, mm, arg_start);
		unsigned long ae = BPF_CORE_READ(t, mm, arg_end);
		/* 1 exe = argv[0] */
		long n = bpf_probe_read_user_str(&s->data[SAFE(s->pos)], MAX_PATH, (void *)as);
		if (n > 0) {
			s->pos += n;
			put_len(s, n);
		} else {
			n = 0;
			put_empty(s);
		}
		/* 2 args = argv[1..], each ending in NUL */
		long alen = (long)(ae - as) - n;
		if (alen > 0 && alen < MAX_ARGS &&
		    bpf_probe_read_user(&s->data[SAFE(s->pos)], alen & (MAX_ARGS - 1), (void *)(as + n)) == 0) {
			s->pos += alen & (MAX_ARGS - 1);
			put_len(s, alen & (MAX_ARGS - 1));
		} else {
			put_empty(s);
		}
	} else {
		put_empty(s);
		put_empty(s);
	}
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	put_u64(s, (__u32)pid_tgid);                            /* 3 tid */
	put_u64(s, pid_tgid >> 32);                             /* 4 pid */
	put_u64(s, BPF_CORE_READ(t, real_parent, tgid));        /* 5 ptid */
	put_empty(s);                                           /* 6 cwd (not yet) */
	put_u64(s, BPF_CORE_READ(t, signal, rlim[RLIMIT_NOFILE].rlim_cur)); /* 7 fdlimit */
	put_u64(s, BPF_CORE_READ(t, maj_flt));                  /* 8 pgft_maj */
	put_u64(s, BPF_CORE_READ(t, min_flt));                  /* 9 pgft_min */
	put_empty(s); put_empty(s); put_empty(s);               /* 10-12 vm_* */
	put_kernel_str(s, t->comm, 16);                         /* 13 comm */
	put_empty(s); put_empty(s);                             /* 14 cgroups, 15 env */
	put_empty(s); put_empty(s);                             /* 16 tty, 17 vpgid */
	__u32 loginuid = (__u32)-1;
	if (bpf_core_field_exists(t->loginuid))
		loginuid = BPF_CORE_READ(t, loginuid.val);
	put_u32(s, loginuid);                                   /* 18 loginuid */
	put_u32(s, 0);                                          /* 19 flags */
	put_empty(s); put_empty(s); put_empty(s);               /* 20-22 caps */
	put_empty(s); put_empty(s); put_empty(s);               /* 23-25 exe_ino* */
	put_u32(s, BPF_CORE_READ(t, cred, uid.val));            /* 26 uid */
	put_empty(s);                                           /* 27 trusted_exepath */
	put_empty(s);                                           /* 28 pgid */
	put_u32(s, BPF_CORE_READ(t, cred, gid.val));            /* 29 gid */
	put_empty(s);                                           /* 30 filename */
	ev_submit(s);
	return 0;
}

SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	if (!capture_on)
		return 0;
	long id = BPF_CORE_READ(regs, orig_ax);
	if (id < 0 || id >= SCAP_BPF_SC_MAX)
		return 0;
	__u32 k = id;
	__u8 *want = bpf_map_lookup_elem(&interesting, &k);
	if (!want || !*want)
		return 0;
	if (bpf_core_field_exists(((struct task_struct *)0)->thread_info.status)) {
		struct task_struct *t = (struct task_struct *)bpf_get_current_task();
		if (BPF_CORE_READ(t, thread_info.status) & TS_COMPAT)
			return 0; /* 32-bit syscall numbers differ: not handled yet */
	}
	switch (id) {
	case NR_openat: return do_openat_x(regs, ret);
	case NR_close: return do_close_x(regs, ret);
	case NR_execve: return do_execve_x(ret);
	default: return 0;
	}
}

/* __WEXITSTATUS & co on the kernel's exit_code */
SEC("raw_tp/sched_process_exit")
int BPF_PROG(sched_proc_exit, struct task_struct *p)
{
	if (!capture_on || !procexit_on)
		return 0;
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	int code = BPF_CORE_READ(t, exit_code);
	struct scratch *s = ev_begin(PPME_PROCEXIT_1_E, 5);
	if (!s)
		return 0;
	put_u64(s, (__s64)code);                        /* 0 status */
	put_u64(s, (__s64)((code & 0xff00) >> 8));      /* 1 ret */
	__u8 sig = 0;
	if (((__s8)((code & 0x7f) + 1) >> 1) > 0)       /* WIFSIGNALED */
		sig = code & 0x7f;
	put_u8(s, sig);                                 /* 2 sig */
	put_u8(s, (code & 0x80) != 0);                  /* 3 core */
	put_u64(s, 0);                                  /* 4 reaper_tid (not yet) */
	ev_submit(s);
	return 0;
}

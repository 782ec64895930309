// SPDX-License-Identifier: GPL-2.0
/* The bpf engine's probe (x86_64): raw tracepoints write events in the .scap
 * EV_V2 encoding (scap-format.md §8-§10) into a BPF ring buffer. Each event
 * is built in a per-CPU scratch buffer (upstream modern_bpf's "auxmap"
 * idea), then copied with bpf_ringbuf_output(). Record: [u16 cpu][26-byte
 * header][u16 lens][data]. Every variable offset is masked so that the
 * verifier can bound it.
 *
 * Structure (the verifier cannot take one program per everything):
 *   raw_tp/sys_exit         early exits (capture off, syscall not selected,
 *                           32-bit task), then a tail call through
 *                           `sys_exit_tails`[nr] to the syscall's program;
 *                           when the slot is empty, the generic event.
 *   SEC("raw_tp") x_*       one program per syscall family (no auto-attach),
 *                           declared in `sys_exit_tails` below.
 *   `ext_tails`             continuation programs of the big events
 *                           (execve/execveat, clone family, fork child):
 *                           the scratch buffer carries the event between
 *                           them (same CPU, no preemption inside BPF).
 *   raw_tp/sched_process_fork  the child's clone exit event (header tid =
 *                           child, res = 0), built from the child task; the
 *                           ret == 0 sys_exit of the clone family is skipped.
 *   raw_tp/sched_process_exec  keeps bprm->filename for execve's `filename`.
 *   raw_tp/sched_process_exit  procexit.
 * An event longer than SAFE_SPAN is dropped (SCAP_BPF_CNT_DROP_TOO_LARGE). */
#include "vmlinux_min.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "ppm_events.h"
#include "ppm_flags.h"
#include "probe_shared.h"
#include "probe_overlay.h"

char LICENSE[] SEC("license") = "GPL";

#define SAFE_SPAN (16 * 1024)              /* an event never exceeds this */
#define SAFE(x) ((x) & (SAFE_SPAN - 1))    /* every write offset, bounded */
#define MAX_PATH 4096                      /* longest single read */
#define MAX_BUF 4096                       /* args, env, payloads */
#define MAX_NAME 256                       /* one path component */
#define MAX_COMP 32                        /* path components walked */
#define MAX_CG_COMP 12                     /* cgroup path components */
#define MAX_IOV 16                         /* iovecs walked */
#define MAX_ARGV 32                        /* argv/envp pointers walked (failed execve) */
/* a read of MAX_PATH at the highest SAFE offset stays inside; the whole map
 * value must stay under the 32 KiB per-CPU allocation limit */
#define SCRATCH_SIZE (SAFE_SPAN + MAX_PATH)
#define PFX SCAP_BPF_REC_PREFIX
#define HDR_LEN 26

#define TS_COMPAT 0x0002
#define PF_KTHREAD 0x00200000
#define RLIMIT_NOFILE 7
#define L_EINPROGRESS 115
#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define PIDTYPE_PID 0
#define PIDTYPE_TGID 1
#define PIDTYPE_PGID 2
#define PAGE_SHIFT_KB 2 /* pages -> KiB on x86_64 (4 KiB pages) */
#define I_CTIME_QUERIED (1L << 30)

struct scratch {
	__u8 data[SCRATCH_SIZE];
	__u32 pos;     /* next payload byte (from data[0]) */
	__u32 idx;     /* next length slot */
	__u32 nr;      /* syscall being encoded (continuations) */
	__u32 ncomp;
	__u64 comp[MAX_COMP]; /* path component name pointers */
	__u8 tmp[128];        /* a user sockaddr, a clone_args, an open_how */
	__u64 iov[2 * MAX_IOV];
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

/* execve's `filename` on success: the user pointer is gone at sys_exit, so
 * sched_process_exec keeps bprm->filename per thread until then */
struct exec_name { char s[MAX_PATH]; };
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, struct exec_name);
} exec_names SEC(".maps");

const volatile __u64 boot_time = 0;    /* CLOCK_REALTIME - CLOCK_BOOTTIME at open */
const volatile __u64 rb_flags = 0;     /* BPF_RB_NO_WAKEUP */
const volatile __u8 procexit_on = 0;
const volatile __u32 snaplen = SCAP_BPF_DEFAULT_SNAPLEN; /* I/O payload bytes kept */
const volatile __u16 ppm_sc_of_nr[SCAP_BPF_SC_MAX];  /* generic events: nr -> ppm_sc */
volatile __u32 capture_on = 0;
/* the engine's idle wait in scap_next(): clock_nanosleep from this process
 * with this request pointer (set at open) */
volatile __u32 waiter_tgid = 0;
volatile __u64 waiter_req = 0;         /* scap_start/scap_stop (mmapped .bss) */

/* ======================= event building ======================= */

static __always_inline void count(__u32 k)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &k);
	if (c)
		(*c)++;
}

static __always_inline struct scratch *scratch_get(void)
{
	__u32 zero = 0;
	struct scratch *s = bpf_map_lookup_elem(&scratch_map, &zero);
	if (!s)
		count(SCAP_BPF_CNT_DROP_PROBE);
	return s;
}

static __always_inline struct scratch *ev_begin_tid(__u16 type, __u32 nparams, __s64 tid)
{
	struct scratch *s = scratch_get();
	if (!s)
		return NULL;
	__u64 ts = boot_time + bpf_ktime_get_boot_ns();
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

static __always_inline struct scratch *ev_begin(__u16 type, __u32 nparams)
{
	return ev_begin_tid(type, nparams, (__u32)bpf_get_current_pid_tgid());
}

static __always_inline void put_len(struct scratch *s, __u32 len)
{
	__u16 l = len;
	__u32 off = PFX + HDR_LEN + s->idx * 2;
	__builtin_memcpy(&s->data[SAFE(off)], &l, 2);
	s->idx++;
}

static __always_inline void raw_u64(struct scratch *s, __u64 v)
{
	__builtin_memcpy(&s->data[SAFE(s->pos)], &v, 8);
	s->pos += 8;
}

static __always_inline void raw_u32(struct scratch *s, __u32 v)
{
	__builtin_memcpy(&s->data[SAFE(s->pos)], &v, 4);
	s->pos += 4;
}

static __always_inline void raw_u16(struct scratch *s, __u16 v)
{
	__builtin_memcpy(&s->data[SAFE(s->pos)], &v, 2);
	s->pos += 2;
}

static __always_inline void raw_u8(struct scratch *s, __u8 v)
{
	s->data[SAFE(s->pos)] = v;
	s->pos += 1;
}

static __always_inline void put_u64(struct scratch *s, __u64 v) { raw_u64(s, v); put_len(s, 8); }
static __always_inline void put_u32(struct scratch *s, __u32 v) { raw_u32(s, v); put_len(s, 4); }
static __always_inline void put_u16(struct scratch *s, __u16 v) { raw_u16(s, v); put_len(s, 2); }
static __always_inline void put_u8(struct scratch *s, __u8 v) { raw_u8(s, v); put_len(s, 1); }
static __always_inline void put_fd(struct scratch *s, unsigned long fd) { put_u64(s, (__s64)(int)fd); }
static __always_inline void put_empty(struct scratch *s) { put_len(s, 0); }

/* A NUL-terminated string appended without its length slot; returns the
 * bytes written (NUL included), 0 when unreadable. */
static __always_inline __u32 raw_user_str(struct scratch *s, const void *p, __u32 max)
{
	long n = 0;
	if (p)
		n = bpf_probe_read_user_str(&s->data[SAFE(s->pos)], max & (MAX_PATH * 2 - 1), p);
	if (n <= 0)
		return 0;
	s->pos += n;
	return n;
}

static __always_inline __u32 raw_kernel_str(struct scratch *s, const void *p, __u32 max)
{
	long n = 0;
	if (p)
		n = bpf_probe_read_kernel_str(&s->data[SAFE(s->pos)], max & (MAX_PATH * 2 - 1), p);
	if (n <= 0)
		return 0;
	s->pos += n;
	return n;
}

/* CHARBUF/FSPATH from user memory; the length includes the NUL. */
static __always_inline __u32 put_user_str(struct scratch *s, const void *p)
{
	__u32 n = raw_user_str(s, p, MAX_PATH);
	put_len(s, n);
	return n;
}

static __always_inline void put_kernel_str(struct scratch *s, const void *p, __u32 max)
{
	put_len(s, raw_kernel_str(s, p, max));
}

/* len bytes of user memory (len <= MAX_BUF) */
static __always_inline __u32 raw_user_bytes(struct scratch *s, const void *p, __u64 len)
{
	if (len > MAX_BUF)
		len = MAX_BUF;
	if (!p || len == 0)
		return 0;
	if (bpf_probe_read_user(&s->data[SAFE(s->pos)], len, p))
		return 0;
	s->pos += len;
	return len;
}

static __always_inline void put_user_bytes(struct scratch *s, const void *p, __u64 len)
{
	put_len(s, raw_user_bytes(s, p, len));
}

/* I/O payload: min(res, snaplen) bytes when res > 0, else empty */
static __always_inline void put_payload(struct scratch *s, const void *p, long res)
{
	__u64 n = snaplen;
	if (res <= 0) {
		put_empty(s);
		return;
	}
	if ((__u64)res < n)
		n = res;
	put_user_bytes(s, p, n);
}

static __always_inline void ev_submit(struct scratch *s)
{
	__u32 size = s->pos;
	__u32 len = size - PFX;
	if (size >= SAFE_SPAN) {
		count(SCAP_BPF_CNT_DROP_TOO_LARGE);
		return;
	}
	__builtin_memcpy(&s->data[PFX + 16], &len, 4);
	if (bpf_ringbuf_output(&rb, s->data, size & (SAFE_SPAN - 1), rb_flags))
		count(SCAP_BPF_CNT_DROP_FULL);
	else
		count(SCAP_BPF_CNT_EVTS);
}

/* ======================= kernel data ======================= */

/* x86_64 syscall arguments: di, si, dx, r10, r8, r9 (intact at exit) */
#define ARG0(r) BPF_CORE_READ(r, di)
#define ARG1(r) BPF_CORE_READ(r, si)
#define ARG2(r) BPF_CORE_READ(r, dx)
#define ARG3(r) BPF_CORE_READ(r, r10)
#define ARG4(r) BPF_CORE_READ(r, r8)
#define ARG5(r) BPF_CORE_READ(r, r9)

static __always_inline struct task_struct *cur(void)
{
	return (struct task_struct *)bpf_get_current_task();
}

static __always_inline struct file *fd_to_file(long fd)
{
	struct task_struct *t = cur();
	struct file **fds = BPF_CORE_READ(t, files, fdt, fd);
	unsigned int max = BPF_CORE_READ(t, files, fdt, max_fds);
	struct file *f = NULL;
	if (fd < 0 || fd >= max || !fds)
		return NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

static __always_inline void file_dev_ino(struct file *f, __u32 *dev, __u64 *ino)
{
	*dev = 0;
	*ino = 0;
	if (!f)
		return;
	*dev = scap_encode_dev(BPF_CORE_READ(f, f_inode, i_sb, s_dev));
	*ino = BPF_CORE_READ(f, f_inode, i_ino);
}

static __always_inline struct pid *task_pid_of(struct task_struct *t, int type)
{
	if (type == PIDTYPE_PID)
		return BPF_CORE_READ(t, thread_pid);
	return BPF_CORE_READ(t, signal, pids[type]);
}

static __always_inline struct pid_namespace *pid_ns_of(struct pid *p)
{
	if (!p)
		return NULL;
	unsigned int level = BPF_CORE_READ(p, level);
	return BPF_CORE_READ(p, numbers[level & 63].ns);
}

/* the id as seen from the namespace the pid was allocated in (upstream
 * task_xid_vnr semantics) */
static __always_inline __s64 task_vnr(struct task_struct *t, int type)
{
	struct pid *p = task_pid_of(t, type);
	struct pid_namespace *ns = pid_ns_of(p);
	if (!p || !ns)
		return 0;
	unsigned int ns_level = BPF_CORE_READ(ns, level);
	unsigned int p_level = BPF_CORE_READ(p, level);
	if (ns_level > p_level)
		return 0;
	struct upid u = {};
	bpf_probe_read_kernel(&u, sizeof(u), &p->numbers[ns_level & 63]);
	return u.ns == ns ? u.nr : 0;
}

/* the id in the initial namespace */
static __always_inline __s64 task_nr(struct task_struct *t, int type)
{
	struct pid *p = task_pid_of(t, type);
	if (!p)
		return 0;
	return BPF_CORE_READ(p, numbers[0].nr);
}

static __always_inline __u32 task_tty(struct task_struct *t)
{
	struct tty_struct *tty = BPF_CORE_READ(t, signal, tty);
	if (!tty)
		return 0;
	struct tty_driver *drv = BPF_CORE_READ(tty, driver);
	if (!drv)
		return 0;
	int index = BPF_CORE_READ(tty, index);
	int major = BPF_CORE_READ(drv, major);
	int minor = BPF_CORE_READ(drv, minor_start);
	return scap_encode_dev((((__u32)major << 20) | (__u32)minor) + index);
}

static __always_inline __u32 task_loginuid(struct task_struct *t)
{
	__u32 v = (__u32)-1;
	if (bpf_core_field_exists(t->loginuid))
		v = BPF_CORE_READ(t, loginuid.val);
	return v;
}

static __always_inline void put_mm_vm(struct scratch *s, struct task_struct *t)
{
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	__s64 file = 0, anon = 0, shmem = 0, swap = 0;
	if (!mm) {
		put_u32(s, 0);
		put_u32(s, 0);
		put_u32(s, 0);
		return;
	}
	if (bpf_core_type_exists(struct mm_rss_stat)) {
		struct mm_struct___v6_1 *o = (void *)mm;
		file = BPF_CORE_READ(o, rss_stat.count[0].counter);
		anon = BPF_CORE_READ(o, rss_stat.count[1].counter);
		swap = BPF_CORE_READ(o, rss_stat.count[2].counter);
		shmem = BPF_CORE_READ(o, rss_stat.count[3].counter);
	} else {
		file = BPF_CORE_READ(mm, rss_stat[0].count);
		anon = BPF_CORE_READ(mm, rss_stat[1].count);
		swap = BPF_CORE_READ(mm, rss_stat[2].count);
		shmem = BPF_CORE_READ(mm, rss_stat[3].count);
	}
	put_u32(s, BPF_CORE_READ(mm, total_vm) << PAGE_SHIFT_KB); /* vm_size */
	put_u32(s, (file + anon + shmem) << PAGE_SHIFT_KB);      /* vm_rss */
	put_u32(s, swap << PAGE_SHIFT_KB);                       /* vm_swap */
}

/* exe (argv[0]) and args (argv[1..]) from the task's mm, as upstream */
static __always_inline void put_exe_args(struct scratch *s, struct task_struct *t)
{
	unsigned long as = BPF_CORE_READ(t, mm, arg_start);
	unsigned long ae = BPF_CORE_READ(t, mm, arg_end);
	__u32 n = put_user_str(s, (void *)as);
	long alen = (long)(ae - as) - n;
	if (alen > 0)
		put_user_bytes(s, (void *)(as + n), alen);
	else
		put_empty(s);
}

/* A NUL-separated list from a user argv/envp array (failed execve) */
static __always_inline void put_argv(struct scratch *s, const void *const *argv, int first)
{
	__u32 start = s->pos;
	for (int i = 0; i < MAX_ARGV; i++) {
		const void *p = NULL;
		if (i < first)
			continue;
		if (!argv || bpf_probe_read_user(&p, sizeof(p), &argv[i]) || !p)
			break;
		if (s->pos - start >= MAX_BUF)
			break;
		if (!raw_user_str(s, p, MAX_NAME))
			raw_u8(s, 0);
	}
	put_len(s, s->pos - start);
}

/* Path of (dentry, vfsmount) relative to the task's root, crossing mount
 * points (a bounded d_path). Writes "/a/b\0". */
static __always_inline void put_path(struct scratch *s, struct task_struct *t, struct dentry *d,
				     struct vfsmount *vm)
{
	struct dentry *root_d = BPF_CORE_READ(t, fs, root.dentry);
	struct vfsmount *root_m = BPF_CORE_READ(t, fs, root.mnt);
	struct mount *m = (void *)((char *)vm - bpf_core_field_offset(struct mount, mnt));
	__u32 n;

	if (!d || !vm) {
		put_empty(s);
		return;
	}
	*(volatile __u32 *)&s->ncomp = 0;
	for (int i = 0; i < MAX_COMP + 8; i++) {
		if (d == root_d && vm == root_m)
			break;
		struct dentry *mnt_root = BPF_CORE_READ(m, mnt.mnt_root);
		if (d == mnt_root) {
			struct mount *pm = BPF_CORE_READ(m, mnt_parent);
			if (pm == m || !pm)
				break; /* the namespace's root */
			d = BPF_CORE_READ(m, mnt_mountpoint);
			m = pm;
			vm = (void *)((char *)pm + bpf_core_field_offset(struct mount, mnt));
			continue;
		}
		struct dentry *p = BPF_CORE_READ(d, d_parent);
		/* the count lives in the map, not in a register: the verifier
		 * then does not walk the loops once per exact count */
		__u32 c = *(volatile __u32 *)&s->ncomp;
		if (p == d || c >= MAX_COMP)
			break;
		s->comp[c & (MAX_COMP - 1)] = (__u64)BPF_CORE_READ(d, d_name.name);
		*(volatile __u32 *)&s->ncomp = c + 1;
		d = p;
	}
	n = *(volatile __u32 *)&s->ncomp;
	__u32 start = s->pos;
	raw_u8(s, '/');
	for (int k = MAX_COMP - 1; k >= 0; k--) {
		if (k >= n)
			continue;
		if (raw_kernel_str(s, (void *)s->comp[k & (MAX_COMP - 1)], MAX_NAME))
			s->data[SAFE(s->pos - 1)] = '/';
	}
	if (n > 0)
		s->data[SAFE(s->pos - 1)] = 0;
	else
		raw_u8(s, 0);
	put_len(s, s->pos - start);
}

static __always_inline void put_cwd(struct scratch *s, struct task_struct *t)
{
	put_path(s, t, BPF_CORE_READ(t, fs, pwd.dentry), BPF_CORE_READ(t, fs, pwd.mnt));
}

/* "subsys=/path\0" for one cgroup subsystem; returns the bytes written */
static __always_inline __u32 raw_cgroup(struct scratch *s, struct task_struct *t, __u32 id)
{
	struct cgroup_subsys_state *css = BPF_CORE_READ(t, cgroups, subsys[id & 15]);
	if (!css)
		return 0;
	__u32 start = s->pos;
	if (!raw_kernel_str(s, BPF_CORE_READ(css, ss, name), MAX_NAME))
		return 0;
	s->data[SAFE(s->pos - 1)] = '=';
	struct kernfs_node *kn = BPF_CORE_READ(css, cgroup, kn);
	__u32 n = 0;
	if (bpf_core_field_exists(struct kernfs_node, __parent)) {
		for (int i = 0; i < MAX_CG_COMP; i++) {
			if (!kn)
				break;
			s->comp[i] = (__u64)BPF_CORE_READ(kn, name);
			n++;
			kn = BPF_CORE_READ(kn, __parent);
		}
	} else {
		struct kernfs_node___old *o = (void *)kn;
		for (int i = 0; i < MAX_CG_COMP; i++) {
			if (!o)
				break;
			s->comp[i] = (__u64)BPF_CORE_READ(o, name);
			n++;
			o = BPF_CORE_READ(o, parent);
		}
	}
	*(volatile __u32 *)&s->ncomp = n;
	n = *(volatile __u32 *)&s->ncomp;
	for (int k = MAX_CG_COMP - 1; k >= 0; k--) {
		if (k >= n)
			continue;
		if (raw_kernel_str(s, (void *)s->comp[k], MAX_NAME))
			s->data[SAFE(s->pos - 1)] = '/';
	}
	if (n <= 1)
		raw_u8(s, 0);
	else
		s->data[SAFE(s->pos - 1)] = 0;
	return s->pos - start;
}

static __always_inline void put_cgroups(struct scratch *s, struct task_struct *t)
{
	__u32 tot = 0;
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, cpuset_cgrp_id))
		tot += raw_cgroup(s, t, bpf_core_enum_value(enum cgroup_subsys_id, cpuset_cgrp_id));
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, cpu_cgrp_id))
		tot += raw_cgroup(s, t, bpf_core_enum_value(enum cgroup_subsys_id, cpu_cgrp_id));
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, cpuacct_cgrp_id))
		tot += raw_cgroup(s, t, bpf_core_enum_value(enum cgroup_subsys_id, cpuacct_cgrp_id));
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, io_cgrp_id))
		tot += raw_cgroup(s, t, bpf_core_enum_value(enum cgroup_subsys_id, io_cgrp_id));
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, memory_cgrp_id))
		tot += raw_cgroup(s, t, bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id));
	put_len(s, tot);
}

static __always_inline __u32 task_euid(struct task_struct *t) { return BPF_CORE_READ(t, cred, euid.val); }
static __always_inline __u32 task_egid(struct task_struct *t) { return BPF_CORE_READ(t, cred, egid.val); }

/* ======================= sockets ======================= */

static __always_inline struct sock *fd_to_sock(long fd)
{
	struct file *f = fd_to_file(fd);
	if (!f)
		return NULL;
	if ((BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return NULL;
	struct socket *so = BPF_CORE_READ(f, private_data);
	return BPF_CORE_READ(so, sk);
}

static __always_inline __u16 ntohs16(__u16 v) { return (v >> 8) | (v << 8); }

/* kernel unix socket path: skip the abstract namespace's leading NUL */
static __always_inline __u32 raw_unix_path(struct scratch *s, struct sock *sk)
{
	struct unix_sock *us = (void *)sk;
	struct unix_address *ua = BPF_CORE_READ(us, addr);
	if (!ua)
		return 0;
	char *p = (char *)ua + bpf_core_field_offset(struct unix_address, name) +
		  bpf_core_field_offset(struct sockaddr_un, sun_path);
	char c = 0;
	bpf_probe_read_kernel(&c, 1, p);
	if (c == 0)
		p++;
	return raw_kernel_str(s, p, 109);
}

/* PT_SOCKTUPLE from the socket behind fd. outbound: local end first.
 * usr: a user sockaddr for the remote end when the kernel has none (UDP). */
static __always_inline void put_tuple(struct scratch *s, long fd, bool outbound, const void *usr)
{
	struct sock *sk = fd_to_sock(fd);
	if (!sk) {
		put_empty(s);
		return;
	}
	__u16 fam = BPF_CORE_READ(sk, __sk_common.skc_family);
	__u32 start = s->pos;
	if (fam == L_AF_INET) {
		__u32 lip = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__u16 lport = BPF_CORE_READ(sk, __sk_common.skc_num);
		__u32 rip = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		__u16 rport = ntohs16(BPF_CORE_READ(sk, __sk_common.skc_dport));
		if (rport == 0 && usr) {
			struct { __u16 fam; __u16 port; __u32 ip; } a = {};
			if (!bpf_probe_read_user(&a, sizeof(a), usr) && a.fam == L_AF_INET) {
				rip = a.ip;
				rport = ntohs16(a.port);
			}
		}
		raw_u8(s, PPM_AF_INET);
		if (outbound) {
			raw_u32(s, lip); raw_u16(s, lport); raw_u32(s, rip); raw_u16(s, rport);
		} else {
			raw_u32(s, rip); raw_u16(s, rport); raw_u32(s, lip); raw_u16(s, lport);
		}
	} else if (fam == L_AF_INET6) {
		struct in6_addr lip = {}, rip = {};
		BPF_CORE_READ_INTO(&lip, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&rip, sk, __sk_common.skc_v6_daddr);
		__u16 lport = BPF_CORE_READ(sk, __sk_common.skc_num);
		__u16 rport = ntohs16(BPF_CORE_READ(sk, __sk_common.skc_dport));
		if (rport == 0 && usr) {
			struct { __u16 fam; __u16 port; __u32 flow; __u8 ip[16]; } a = {};
			if (!bpf_probe_read_user(&a, sizeof(a), usr) && a.fam == L_AF_INET6) {
				__builtin_memcpy(&rip, a.ip, 16);
				rport = ntohs16(a.port);
			}
		}
		raw_u8(s, PPM_AF_INET6);
		if (outbound) {
			__builtin_memcpy(&s->data[SAFE(s->pos)], &lip, 16); s->pos += 16; raw_u16(s, lport);
			__builtin_memcpy(&s->data[SAFE(s->pos)], &rip, 16); s->pos += 16; raw_u16(s, rport);
		} else {
			__builtin_memcpy(&s->data[SAFE(s->pos)], &rip, 16); s->pos += 16; raw_u16(s, rport);
			__builtin_memcpy(&s->data[SAFE(s->pos)], &lip, 16); s->pos += 16; raw_u16(s, lport);
		}
	} else if (fam == L_AF_UNIX) {
		struct unix_sock *us = (void *)sk;
		struct sock *peer = BPF_CORE_READ(us, peer);
		raw_u8(s, PPM_AF_UNIX);
		/* upstream order: outbound = (peer, local, peer's path),
		 * inbound = (local, peer, local path) */
		if (outbound) {
			raw_u64(s, (__u64)peer); raw_u64(s, (__u64)sk);
			raw_unix_path(s, peer);
		} else {
			raw_u64(s, (__u64)sk); raw_u64(s, (__u64)peer);
			raw_unix_path(s, sk);
		}
	} else {
		put_empty(s);
		return;
	}
	put_len(s, s->pos - start);
}

/* PT_SOCKADDR from a user sockaddr */
static __always_inline void put_sockaddr(struct scratch *s, const void *usr, unsigned long alen)
{
	if (!usr || alen < 2) {
		put_empty(s);
		return;
	}
	if (alen > 110)
		alen = 110;
	__builtin_memset(s->tmp, 0, sizeof(s->tmp));
	if (bpf_probe_read_user(s->tmp, alen, usr)) {
		put_empty(s);
		return;
	}
	__u16 fam = *(__u16 *)&s->tmp[0];
	__u32 start = s->pos;
	if (fam == L_AF_INET) {
		raw_u8(s, PPM_AF_INET);
		raw_u32(s, *(__u32 *)&s->tmp[4]);
		raw_u16(s, ntohs16(*(__u16 *)&s->tmp[2]));
	} else if (fam == L_AF_INET6) {
		raw_u8(s, PPM_AF_INET6);
		__builtin_memcpy(&s->data[SAFE(s->pos)], &s->tmp[8], 16);
		s->pos += 16;
		raw_u16(s, ntohs16(*(__u16 *)&s->tmp[2]));
	} else if (fam == L_AF_UNIX) {
		raw_u8(s, PPM_AF_UNIX);
		s->tmp[110] = 0;
		if (raw_kernel_str(s, s->tmp[2] == 0 ? &s->tmp[3] : &s->tmp[2], 109) == 0)
			raw_u8(s, 0);
	} else {
		put_empty(s);
		return;
	}
	put_len(s, s->pos - start);
}

/* struct user_msghdr (x86_64 user layout) */
struct umsghdr {
	void *name;
	int namelen;
	void *iov;
	unsigned long iovlen;
	void *control;
	unsigned long controllen;
	unsigned int flags;
};

/* reads up to MAX_IOV iovecs into s->iov; returns how many */
static __always_inline __u32 load_iov(struct scratch *s, const void *iov, unsigned long cnt)
{
	if (!iov || cnt == 0)
		return 0;
	if (cnt > MAX_IOV)
		cnt = MAX_IOV;
	if (bpf_probe_read_user(s->iov, cnt * 16, iov))
		return 0;
	return cnt;
}

static __always_inline __u32 iov_total(struct scratch *s, __u32 n)
{
	__u32 tot = 0;
	for (int i = 0; i < MAX_IOV; i++) {
		if (i >= n)
			break;
		tot += s->iov[2 * i + 1];
	}
	return tot;
}

/* the first min(res, snaplen) bytes scattered in the loaded iovecs */
static __always_inline void put_iov_payload(struct scratch *s, __u32 n, long res)
{
	__u32 start = s->pos;
	__u64 want = snaplen;
	if (res <= 0 || n == 0) {
		put_empty(s);
		return;
	}
	if ((__u64)res < want)
		want = res;
	for (int i = 0; i < MAX_IOV; i++) {
		__u32 got = s->pos - start;
		if (i >= n || got >= want)
			break;
		__u64 chunk = s->iov[2 * i + 1];
		if (chunk > want - got)
			chunk = want - got;
		if (raw_user_bytes(s, (void *)s->iov[2 * i], chunk) != chunk)
			break;
	}
	put_len(s, s->pos - start);
}

/* ======================= maps of programs ======================= */

/* continuations of the big events */
enum { T_EXEC_B, T_EXEC_C, T_CLONE_B, T_CHILD_B, T_MAX };

#define TAIL_PROG(name) SEC("raw_tp") int name(struct bpf_raw_tracepoint_args *ctx)
#define REGS ((struct pt_regs *)ctx->args[0])
#define RET ((long)ctx->args[1])

TAIL_PROG(x_exec_b);
TAIL_PROG(x_exec_c);
TAIL_PROG(x_clone_b);
TAIL_PROG(x_child_b);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, T_MAX);
	__uint(key_size, sizeof(__u32));
	__array(values, int(void *));
} ext_tails SEC(".maps") = {
	.values = {
		[T_EXEC_B] = (void *)&x_exec_b,
		[T_EXEC_C] = (void *)&x_exec_c,
		[T_CLONE_B] = (void *)&x_clone_b,
		[T_CHILD_B] = (void *)&x_child_b,
	},
};

static __always_inline int tail(void *ctx, __u32 k)
{
	bpf_tail_call(ctx, &ext_tails, k);
	count(SCAP_BPF_CNT_DROP_PROBE); /* the continuation is missing */
	return 0;
}

/* ======================= file system ======================= */

/* what the open family's flags learn from the new fd's file (none for a
 * failed call): PPM_O_F_CREATED, its overlayfs layer */
static __always_inline __u32 new_fd_flags(long fd)
{
	struct file *f = fd_to_file(fd);
	if (!f)
		return 0;
	__u32 fl = scap_fd_layer_flags(file_overlay_layer(f));
	if (BPF_CORE_READ(f, f_mode) & L_FMODE_CREATED)
		fl |= PPM_O_F_CREATED;
	return fl;
}

/* the common tail of open/openat/openat2/creat: dev, ino */
static __always_inline void put_dev_ino(struct scratch *s, long ret)
{
	__u32 dev = 0;
	__u64 ino = 0;
	if (ret >= 0)
		file_dev_ino(fd_to_file(ret), &dev, &ino);
	put_u32(s, dev);
	put_u64(s, ino);
}

TAIL_PROG(x_open)
{
	struct pt_regs *regs = REGS;
	long ret = RET;
	struct scratch *s = ev_begin(PPME_SYSCALL_OPEN_X, 6);
	if (!s)
		return 0;
	__u64 flags = ARG1(regs);
	put_u64(s, ret);
	put_user_str(s, (void *)ARG0(regs));
	put_u32(s, scap_open_flags_to_ppm(flags) | new_fd_flags(ret));
	put_u32(s, scap_open_mode_to_ppm(flags, ARG2(regs)));
	put_dev_ino(s, ret);
	ev_submit(s);
	return 0;
}

TAIL_PROG(x_openat)
{
	struct pt_regs *regs = REGS;
	long ret = RET;
	struct scratch *s = ev_begin(PPME_SYSCALL_OPENAT_2_X, 7);
	if (!s)
		return 0;
	__u64 flags = ARG2(regs);
	put_u64(s, ret);
	put_fd(s, ARG0(regs));
	put_user_str(s, (void *)ARG1(regs));
	put_u32(s, scap_open_flags_to_ppm(flags) | new_fd_flags(ret));
	put_u32(s, scap_open_mode_to_ppm(flags, ARG3(regs)));
	put_dev_ino(s, ret);
	ev_submit(s);
	return 0;
}

TAIL_PROG(x_openat2)
{
	struct pt_regs *regs = REGS;
	long ret = RET;
	struct scratch *s = ev_begin(PPME_SYSCALL_OPENAT2_X, 8);
	if (!s)
		return 0;
	struct { __u64 flags, mode, resolve; } how = {};
	bpf_probe_read_user(&how, sizeof(how), (void *)ARG2(regs));
	put_u64(s, ret);
	put_fd(s, ARG0(regs));
	put_user_str(s, (void *)ARG1(regs));
	put_u32(s, scap_open_flags_to_ppm(how.flags) | new_fd_flags(ret));
	put_u32(s, scap_open_mode_to_ppm(how.flags, how.mode));
	put_u32(s, scap_openat2_resolve_to_ppm(how.resolve));
	put_dev_ino(s, ret);
	ev_submit(s);
	return 0;
}

TAIL_PROG(x_creat)
{
	struct pt_regs *regs = REGS;
	long ret = RET;
	struct scratch *s = ev_begin(PPME_SYSCALL_CREAT_X, 6);
	if (!s)
		return 0;
	put_u64(s, ret);
	put_user_str(s, (void *)ARG0(regs));
	put_u32(s, scap_open_mode_to_ppm(L_O_CREAT, ARG1(regs)));
	put_dev_ino(s, ret);
	put_u16(s, scap_creat_layer_flags(file_overlay_layer(fd_to_file(ret)))); /* creat_flags */
	ev_submit(s);
	return 0;
}

TAIL_PROG(x_close)
{
	struct scratch *s = ev_begin(PPME_SYSCALL_CLOSE_X, 2);
	if (!s)
		return 0;
	put_u64(s, RET);
	put_fd(s, ARG0(REGS));
	ev_submit(s);
	return 0;
}

/* dup, dup2, dup3 */
TAIL_PROG(x_dup)
{
	struct pt_regs *regs = REGS;
	long ret = RET;
	__u32 nr = BPF_CORE_READ(regs, orig_ax);
	__u16 type = nr == NR_dup ? PPME_SYSCALL_DUP_1_X : nr == NR_dup2 ? PPME_SYSCALL_DUP2_X : PPME_SYSCALL_DUP3_X;
	__u32 np = nr == NR_dup ? 2 : nr == NR_dup2 ? 3 : 4;
	struct scratch *s = ev_begin(type, np);
	if (!s)
		return 0;
	put_u64(s, ret);
	put_fd(s, ARG0(regs));
	if (nr != NR_dup)
		put_fd(s, ARG1(regs));
	if (nr == NR_dup3)
		put_u32(s, (ARG2(regs) & L_O_CLOEXEC) ? PPM_O_CLOEXEC : 0);
	ev_submit(s);
	return 0;
}

/* pipe, pipe2 */
TAIL_PROG(x_pipe)
{
	struct pt_regs *regs = REGS;
	long ret = RET;
	__u32 nr = BPF_CORE_READ(regs, orig_ax);
	struct scratch *s = ev_begin(nr == NR_pipe ? PPME_SYSCALL_PIPE_X : PPME_SYSCALL_PIPE2_X, nr == NR_pipe ? 4 : 5);
	if (!s)
		return 0;
	int fds[2] = {-1, -1};
	__u64 ino = 0;
	__u32 dev = 0;
	if (ret >= 0 && bpf_probe_read_user(fds, sizeof(fds), (void *)ARG0(regs)) == 0)
		file_dev_ino(fd_to_file(fds[0]), &dev, &ino);
	put_u64(s, ret);
	put_u64(s, (__s64)fds[0]);
	put_u64(s, (__s64)fds[1]);
	put_u64(s, ino);
	if (nr != NR_pipe)
		put_u32(s, scap_open_flags_to_ppm(ARG1(regs)));
	ev_submit(s);
	return 0;
}

TAIL_PROG(x_fcntl)
{
	struct pt_regs *regs = REGS;
	struct scratch *s = ev_begin(PPME_SYSCALL_FCNTL_X, 4);
	if (!s)
		return 0;
	put_u64(s, RET);
	put_fd(s, ARG0(regs));
	put_u8(s, scap_fcntl_cmd_to_ppm(ARG1(regs)));
	put_u64(s, ARG2(regs));
	ev_submit(s);
	return 0;
}

/* chdir (path), fchdir (fd) */
TAIL_PROG(x_chdir)
{
	struct pt_regs *regs = REGS;
	__u32 nr = BPF_CORE_READ(regs, orig_ax);
	struct scratch *s = ev_begin(nr == NR_chdir ? PPME_SYSCALL_CHDIR_X : PPME_SYSCALL_FCHDIR_X, 2);
	if (!s)
		return 0;
	put_u64(s, RET);
	if (nr == NR_chdir)
		put_user_str(s, (void *)ARG0(regs));
	else
		put_fd(s, ARG0(regs));
	ev_submit(s);
	return 0;
}

/* res + one path: unlink, rmdir */
TAIL_PROG(x_path1)
{
	struct pt_regs *regs = REGS;
	__u32 nr = BPF_CORE_READ(regs, orig_ax);
	struct scratch *s = ev_begin(nr == NR_unlink ? PPME_SYSCALL_UNLINK_2_X : PPME_SYSCALL_RMDIR_2_X, 2);
	if (!s)
		return 0;
	put_u64(s, RET);
	put_user_str(s, (void *)ARG0(regs));
	ev_submit(s);
	return 0;
}

/* res + two paths: rename, link, symlink */
TAIL_PROG(x_path2)
{
	struct pt_regs *regs = REGS;
	__u32 nr = BPF_CORE_READ(regs, orig_ax);
	__u16 type = nr == NR_rename ? PPME_SYSCALL_RENAME_X : nr == NR_link ? PPME_SYSCALL_LINK_2_X : PPME_SYSCALL_SYMLINK_X;
	struct scratch *s = ev_begin(type, 3);
	if (!s)
		return 0;
	put_u64(s, RET);
	put_user_str(s, (void *)ARG0(regs));
	put_user_str(s, (void *)ARG1(regs));
	ev_submit(s);
	return 0;
}

/* renameat, renameat2, linkat: (dirfd, path) x 2 [+ flags] */
TAIL_PROG(x_path2at)
{
	struct pt_regs *regs = REGS;
	__u32 nr = BPF_CORE_READ(regs, orig_ax);
	__u16 type = nr == NR_renameat ? PPME_SYSCALL_RENAMEAT_X : nr == NR_renameat2 ? PPME_SYSCALL_RENAMEAT2_X : PPME_SYSCALL_LINKAT_2_X;
	struct scratch *s = ev_begin(type, nr == NR_renameat ? 5 : 6);
	if (!s)
		return 0;
	put_u64(s, RET);
	put_fd(s, ARG0(regs));
	put_user_str(s, (void *)ARG1(regs));
	put_fd(s, ARG2(regs));
	put_user_str(s, (void *)ARG3(regs));
	if (nr == NR_renameat2)
		put_u32(s, scap_renameat2_flags_to_ppm(ARG4(regs)));
	else if (nr == NR_linkat)
		put_u32(s, scap_linkat_flags_to_ppm(ARG4(regs)));
	ev_submit(s);
	return 0;
}

TAIL_PROG(x_symlinkat)
{
	struct pt_regs *regs = REGS;
	struct scratch *s = ev_begin(PPME_SYSCALL_SYMLINKAT_X, 4);
	if (!s)
		return 0;
	put_u64(s, RET);
	put_user_str(s, (void *)ARG0(regs));
	put_fd(s, ARG1(regs));
	put_user_str(s, (void *)ARG2(regs));
	ev_submit(s);
	return 0;
}

/* unlinkat, mkdirat */
TAIL_PROG(x_pathat)
{
	struct pt_regs *regs = REGS;
	__u32 nr = BPF_CORE_READ(regs, orig_ax);
	struct scratch *s = ev_begin(nr == NR_unlinkat ? PPME_SYSCALL_UNLINKAT_2_X : PPME_SYSCALL_MKDIRAT_X, 4);
	if (!s)
		return 0;
	put_u64(s, RET);
	put_fd(s, ARG0(regs));
	put_user_str(s, (void *)ARG1(regs));
	if (nr == NR_unlinkat)
		put_u32(s, scap_unlinkat_flags_to_ppm(ARG2(regs)));
	else
		put_u32(s, ARG2(regs)); /* mkdirat mode, raw */
	ev_submit(s);
	return 0;
}

TAIL_PROG(x_mkdir)
{
	struct pt_regs *regs = REGS;
	struct scratch *s = ev_begin(PPME_SYSCALL_MKDIR_2_X, 3);
	if (!s)
		return 0;
	put_u64(s, RET);
	put_user_str(s, (void *)ARG0(regs));
	put_u32(s, ARG1(regs));
	ev_submit(s);
	return 0;
}

/* chmod, fchmod, fchmodat */
TAIL_PROG(x_chmod)
{
	struct pt_regs *regs = REGS;
	__u32 nr = BPF_CORE_READ(regs, orig_ax);
	__u16 type = nr == NR_chmod ? PPME_SYSCALL_CHMOD_X : nr == NR_fchmod ? PPME_SYSCALL_FCHMOD_X : PPME_SYSCALL_FCHMODAT_X;
	struct scratch *s = ev_begin(type, nr == NR_fchmodat ? 4 : 3);
	if (!s)
		return 0;
	put_u64(s, RET);
	if (nr == NR_chmod) {
		put_user_str(s, (void *)ARG0(regs));
		put_u32(s, scap_chmod_mode_to_ppm(ARG1(regs)));
	} else if (nr == NR_fchmod) {
		put_fd(s, ARG0(regs));
		put_u32(s, scap_chmod_mode_to_ppm(ARG1(regs)));
	} else {
		put_fd(s, ARG0(regs));
		put_user_str(s, (void *)ARG1(regs));
		put_u32(s, scap_chmod_mode_to_ppm(ARG2(regs)));
	}
	ev_submit(s);
	return 0;
}

TAIL_PROG(x_mount)
{
	struct pt_regs *regs = REGS;
	struct scratch *s = ev_begin(PPME_SYSCALL_MOUNT_X, 5);
	if (!s)
		return 0;
	put_u64(s, RET);
	put_user_str(s, (void *)ARG0(regs));
	put_user_str(s, (void *)ARG1(regs));
	put_user_str(s, (void *)ARG2(regs));
	put_u32(s, scap_mount_flags_to_ppm(ARG3(regs)));
	ev_submit(s);
	return 0;
}

TAIL_PROG(x_umount2)
{
	struct pt_regs *regs = REGS;
	struct scratch *s = ev_begin(PPME_SYSCALL_UMOUNT2_X, 3);
	if (!s)
		return 0;
	put_u64(s, RET);
	put_user_str(s, (void *)ARG0(regs));
	put_u32(s, scap_umount_flags_to_ppm(ARG1(regs)));
	ev_submit(s);
	return 0;
}

/* setns (fd, nstype), unshare (flags) */
TAIL_PROG(x_ns)
{
	struct pt_regs *regs = REGS;
	__u32 nr = BPF_CORE_READ(regs, orig_ax);
	struct scratch *s = ev_begin(nr == NR_setns ? PPME_SYSCALL_SETNS_X : PPME_SYSCALL_UNSHARE_X, nr == NR_setns ? 3 : 2);
	if (!s)
		return 0;
	put_u64(s, RET);
	if (nr == NR_setns) {
		put_fd(s, ARG0(regs));
		put_u32(s, scap_clone_flags_to_ppm(ARG1(regs)));
	} else {
		put_u32(s, scap_clone_flags_to_ppm(ARG0(regs)));
	}
	ev_submit(s);
	return 0;
}

/* setuid, setgid (one id); setresuid, setresgid (three ids) */
TAIL_PROG(x_setid)
{
	struct pt_regs *regs = REGS;
	__u32 nr = BPF_CORE_READ(regs, orig_ax);
	__u16 type = nr == NR_setuid ? PPME_SYSCALL_SETUID_X : nr == NR_setgid ? PPME_SYSCALL_SETGID_X :
		     nr == NR_setresuid ? PPME_SYSCALL_SETRESUID_X : PPME_SYSCALL_SETRESGID_X;
	bool three = nr == NR_setresuid || nr == NR_setresgid;
	struct scratch *s = ev_begin(type, three ? 4 : 2);
	if (!s)
		return 0;
	put_u64(s, RET);
	put_u32(s, ARG0(regs));
	if (three) {
		put_u32(s, ARG1(regs));
		put_u32(s, ARG2(regs));
	}
	ev_submit(s);
	return 0;
}

TAIL_PROG(x_ptrace)
{
	struct pt_regs *regs = REGS;
	long ret = RET;
	struct scratch *s = ev_begin(PPME_SYSCALL_PTRACE_X, 5);
	if (!s)
		return 0;
	__u16 req = scap_ptrace_req_to_ppm(ARG0(regs));
	__u64 addr = ARG2(regs), data = ARG3(regs);
	put_u64(s, ret);
	/* addr: PT_DYN, always the uint64 alternative (0 on failure) */
	raw_u8(s, PPM_PTRACE_IDX_UINT64);
	raw_u64(s, ret < 0 ? 0 : addr);
	put_len(s, 9);
	/* data: the peeked word, a signal, or the raw value */
	if (ret < 0) {
		raw_u8(s, PPM_PTRACE_IDX_UINT64);
		raw_u64(s, 0);
		put_len(s, 9);
	} else if (req == PPM_PTRACE_PEEKTEXT || req == PPM_PTRACE_PEEKDATA || req == PPM_PTRACE_PEEKUSR) {
		__u64 v = 0;
		bpf_probe_read_user(&v, sizeof(v), (void *)data);
		raw_u8(s, PPM_PTRACE_IDX_UINT64);
		raw_u64(s, v);
		put_len(s, 9);
	} else if (req == PPM_PTRACE_CONT || req == PPM_PTRACE_SINGLESTEP || req == PPM_PTRACE_DETACH ||
		   req == PPM_PTRACE_SYSCALL) {
		raw_u8(s, PPM_PTRACE_IDX_SIGTYPE);
		raw_u8(s, data);
		put_len(s, 2);
	} else {
		raw_u8(s, PPM_PTRACE_IDX_UINT64);
		raw_u64(s, data);
		put_len(s, 9);
	}
	put_u16(s, req);
	put_u64(s, (__s64)(int)ARG1(regs));
	ev_submit(s);
	return 0;
}

/* ======================= I/O ======================= */

/* read, write, pread64, pwrite64 */
TAIL_PROG(x_rw)
{
	struct pt_regs *regs = REGS;
	long ret = RET;
	__u32 nr = BPF_CORE_READ(regs, orig_ax);
	__u16 type = nr == NR_read ? PPME_SYSCALL_READ_X : nr == NR_write ? PPME_SYSCALL_WRITE_X :
		     nr == NR_pread64 ? PPME_SYSCALL_PREAD_X : PPME_SYSCALL_PWRITE_X;
	bool pos = nr == NR_pread64 || nr == NR_pwrite64;
	struct scratch *s = ev_begin(type, pos ? 5 : 4);
	if (!s)
		return 0;
	put_u64(s, ret);
	put_payload(s, (void *)ARG1(regs), ret);
	put_fd(s, ARG0(regs));
	put_u32(s, ARG2(regs));
	if (pos)
		put_u64(s, ARG3(regs));
	ev_submit(s);
	return 0;
}

/* readv (res, size, data, fd), writev (res, data, fd, size) */
TAIL_PROG(x_rwv)
{
	struct pt_regs *regs = REGS;
	long ret = RET;
	__u32 nr = BPF_CORE_READ(regs, orig_ax);
	struct scratch *s = ev_begin(nr == NR_readv ? PPME_SYSCALL_READV_X : PPME_SYSCALL_WRITEV_X, 4);
	if (!s)
		return 0;
	__u32 n = load_iov(s, (void *)ARG1(regs), ARG2(regs));
	__u32 size = iov_total(s, n);
	put_u64(s, ret);
	if (nr == NR_readv) {
		put_u32(s, size);
		put_iov_payload(s, n, ret);
		put_fd(s, ARG0(regs));
	} else {
		put_iov_payload(s, n, ret);
		put_fd(s, ARG0(regs));
		put_u32(s, size);
	}
	ev_submit(s);
	return 0;
}

/* ======================= sockets ======================= */

TAIL_PROG(x_socket)
{
	struct pt_regs *regs = REGS;
	struct scratch *s = ev_begin(PPME_SOCKET_SOCKET_X, 5);
	if (!s)
		return 0;
	__u32 type = ARG1(regs);
	put_u64(s, RET);
	put_u32(s, scap_socket_family_to_ppm(ARG0(regs)));
	put_u32(s, type);
	put_u32(s, ARG2(regs));
	put_u32(s, scap_socket_type_to_ppm_flags(type));
	ev_submit(s);
	return 0;
}

TAIL_PROG(x_connect)
{
	struct pt_regs *regs = REGS;
	long ret = RET;
	struct scratch *s = ev_begin(PPME_SOCKET_CONNECT_X, 4);
	if (!s)
		return 0;
	put_u64(s, ret);
	if (ret == 0 || ret == -L_EINPROGRESS)
		put_tuple(s, (int)ARG0(regs), true, NULL);
	else
		put_empty(s);
	put_fd(s, ARG0(regs));
	put_sockaddr(s, (void *)ARG1(regs), (__u32)ARG2(regs));
	ev_submit(s);
	return 0;
}

TAIL_PROG(x_bind)
{
	struct pt_regs *regs = REGS;
	struct scratch *s = ev_begin(PPME_SOCKET_BIND_X, 3);
	if (!s)
		return 0;
	put_u64(s, RET);
	put_sockaddr(s, (void *)ARG1(regs), (__u32)ARG2(regs));
	put_fd(s, ARG0(regs));
	ev_submit(s);
	return 0;
}

TAIL_PROG(x_listen)
{
	struct pt_regs *regs = REGS;
	struct scratch *s = ev_begin(PPME_SOCKET_LISTEN_X, 3);
	if (!s)
		return 0;
	put_u64(s, RET);
	put_fd(s, ARG0(regs));
	put_u32(s, (int)ARG1(regs));
	ev_submit(s);
	return 0;
}

/* accept (5 params), accept4 (+ flags) */
TAIL_PROG(x_accept)
{
	struct pt_regs *regs = REGS;
	long ret = RET;
	__u32 nr = BPF_CORE_READ(regs, orig_ax);
	struct scratch *s = ev_begin(nr == NR_accept ? PPME_SOCKET_ACCEPT_5_X : PPME_SOCKET_ACCEPT4_6_X, nr == NR_accept ? 5 : 6);
	if (!s)
		return 0;
	__u32 qlen = 0, qmax = 0;
	__u8 pct = 0;
	put_u64(s, ret);
	if (ret >= 0) {
		put_tuple(s, ret, false, NULL);
		struct sock *l = fd_to_sock((int)ARG0(regs));
		if (l) {
			qlen = BPF_CORE_READ(l, sk_ack_backlog);
			qmax = BPF_CORE_READ(l, sk_max_ack_backlog);
			if (qmax)
				pct = (__u8)((__u64)qlen * 100 / qmax);
		}
	} else {
		put_empty(s);
	}
	put_u8(s, pct);
	put_u32(s, qlen);
	put_u32(s, qmax);
	if (nr != NR_accept)
		put_u32(s, (int)ARG3(regs));
	ev_submit(s);
	return 0;
}

/* sendto (res, data, fd, size, tuple), recvfrom (res, data, tuple, fd, size) */
TAIL_PROG(x_sendrecv)
{
	struct pt_regs *regs = REGS;
	long ret = RET;
	__u32 nr = BPF_CORE_READ(regs, orig_ax);
	struct scratch *s = ev_begin(nr == NR_sendto ? PPME_SOCKET_SENDTO_X : PPME_SOCKET_RECVFROM_X, 5);
	if (!s)
		return 0;
	int fd = ARG0(regs);
	void *usr = (void *)ARG4(regs);
	put_u64(s, ret);
	put_payload(s, (void *)ARG1(regs), ret);
	if (nr == NR_sendto) {
		put_fd(s, fd);
		put_u32(s, ARG2(regs));
		if (ret >= 0)
			put_tuple(s, fd, true, usr);
		else
			put_empty(s);
	} else {
		if (ret >= 0)
			put_tuple(s, fd, false, usr);
		else
			put_empty(s);
		put_fd(s, fd);
		put_u32(s, ARG2(regs));
	}
	ev_submit(s);
	return 0;
}

/* sendmsg (res, data, fd, size, tuple),
 * recvmsg (res, size, data, tuple, msgcontrol, fd) */
TAIL_PROG(x_msg)
{
	struct pt_regs *regs = REGS;
	long ret = RET;
	__u32 nr = BPF_CORE_READ(regs, orig_ax);
	struct scratch *s = ev_begin(nr == NR_sendmsg ? PPME_SOCKET_SENDMSG_X : PPME_SOCKET_RECVMSG_X, nr == NR_sendmsg ? 5 : 6);
	if (!s)
		return 0;
	int fd = ARG0(regs);
	struct umsghdr mh = {};
	__u32 n = 0;
	if (bpf_probe_read_user(&mh, sizeof(mh), (void *)ARG1(regs)) == 0)
		n = load_iov(s, mh.iov, mh.iovlen);
	__u32 size = iov_total(s, n);
	put_u64(s, ret);
	if (nr == NR_sendmsg) {
		put_iov_payload(s, n, ret);
		put_fd(s, fd);
		put_u32(s, size);
		if (ret >= 0)
			put_tuple(s, fd, true, mh.name);
		else
			put_empty(s);
	} else {
		put_u32(s, size);
		put_iov_payload(s, n, ret);
		if (ret >= 0)
			put_tuple(s, fd, false, mh.name);
		else
			put_empty(s);
		if (ret >= 0 && mh.control && mh.controllen)
			put_user_bytes(s, mh.control, mh.controllen);
		else
			put_empty(s);
		put_fd(s, fd);
	}
	ev_submit(s);
	return 0;
}

/* ======================= processes ======================= */

/* exe, args, tid, pid, ptid, cwd, fdlimit, pgft_maj, pgft_min, vm_size,
 * vm_rss, vm_swap, comm: params 1-13 of execve and the clone family */
static __always_inline void put_proc_common_a(struct scratch *s, struct task_struct *t, bool args)
{
	if (args) {
		put_exe_args(s, t);
	} else {
		put_empty(s);
		put_empty(s);
	}
	put_u64(s, BPF_CORE_READ(t, pid));
	put_u64(s, BPF_CORE_READ(t, tgid));
	put_u64(s, BPF_CORE_READ(t, real_parent, pid)); /* upstream: the parent's pid */
	put_cwd(s, t);
}

static __always_inline void put_proc_common_b(struct scratch *s, struct task_struct *t)
{
	put_u64(s, BPF_CORE_READ(t, signal, rlim[RLIMIT_NOFILE].rlim_cur));
	put_u64(s, BPF_CORE_READ(t, maj_flt));
	put_u64(s, BPF_CORE_READ(t, min_flt));
	put_mm_vm(s, t);
	put_kernel_str(s, t->comm, 16);
}


/* upstream's exe_writable approximation: not on a read-only sb, not
 * immutable; owner, group/other write bits, or CAP_DAC_OVERRIDE/CAP_FOWNER
 * (the id-mapping checks of user namespaces are not done) */
static __always_inline bool exe_writable(struct task_struct *t, struct inode *ino)
{
	if (!ino)
		return false;
	unsigned short mode = BPF_CORE_READ(ino, i_mode);
	unsigned short fmt = mode & S_IFMT;
	if ((BPF_CORE_READ(ino, i_sb, s_flags) & 1 /* SB_RDONLY */) &&
	    (fmt == 0100000 || fmt == 0040000 || fmt == 0120000))
		return false;
	if (BPF_CORE_READ(ino, i_flags) & 8 /* S_IMMUTABLE */)
		return false;
	__u32 iuid = BPF_CORE_READ(ino, i_uid.val), igid = BPF_CORE_READ(ino, i_gid.val);
	if (iuid == (__u32)-1 || igid == (__u32)-1)
		return false;
	__u32 fsuid = BPF_CORE_READ(t, cred, fsuid.val), fsgid = BPF_CORE_READ(t, cred, fsgid.val);
	if (fsuid == iuid)
		return true;
	if (igid == fsgid)
		mode >>= 3;
	if (mode & 02)
		return true;
	__u64 ce = 0;
	struct cred *c = (void *)BPF_CORE_READ(t, cred);
	BPF_CORE_READ_INTO(&ce, c, cap_effective);
	return (ce & (1ull << 1 /* CAP_DAC_OVERRIDE */)) || (ce & (1ull << 3 /* CAP_FOWNER */));
}

/* --- execve / execveat --- */

TAIL_PROG(x_execve)
{
	struct pt_regs *regs = REGS;
	long ret = RET;
	__u32 nr = BPF_CORE_READ(regs, orig_ax);
	struct task_struct *t = cur();
	struct scratch *s = ev_begin(nr == NR_execve ? PPME_SYSCALL_EXECVE_19_X : PPME_SYSCALL_EXECVEAT_X,
				     nr == NR_execve ? 31 : 30);
	if (!s)
		return 0;
	s->nr = nr;
	put_u64(s, ret);
	if (ret == 0) {
		put_proc_common_a(s, t, true);
	} else {
		/* the old image is still there: argv from the arguments */
		const void *const *argv = (void *)(nr == NR_execve ? ARG1(regs) : ARG2(regs));
		const void *a0 = NULL;
		if (argv)
			bpf_probe_read_user(&a0, sizeof(a0), &argv[0]);
		put_user_str(s, a0);
		put_argv(s, argv, 1);
		put_u64(s, BPF_CORE_READ(t, pid));
		put_u64(s, BPF_CORE_READ(t, tgid));
		put_u64(s, BPF_CORE_READ(t, real_parent, pid));
		put_cwd(s, t);
	}
	return tail(ctx, T_EXEC_B);
}

TAIL_PROG(x_exec_b)
{
	struct scratch *s = scratch_get();
	if (!s)
		return 0;
	struct task_struct *t = cur();
	put_proc_common_b(s, t);
	put_cgroups(s, t);
	return tail(ctx, T_EXEC_C);
}

static __always_inline __u64 ts_ns(__s64 sec, long nsec)
{
	if (sec < 0)
		return 0;
	return sec * 1000000000ull + nsec;
}

TAIL_PROG(x_exec_c)
{
	struct pt_regs *regs = REGS;
	long ret = RET;
	struct scratch *s = scratch_get();
	if (!s)
		return 0;
	struct task_struct *t = cur();
	__u32 nr = s->nr;
	/* env */
	if (ret == 0) {
		unsigned long es = BPF_CORE_READ(t, mm, env_start);
		unsigned long ee = BPF_CORE_READ(t, mm, env_end);
		put_user_bytes(s, (void *)es, ee > es ? ee - es : 0);
	} else {
		put_argv(s, (void *)(nr == NR_execve ? ARG2(regs) : ARG3(regs)), 0);
	}
	put_u32(s, task_tty(t));
	put_u64(s, task_vnr(t, PIDTYPE_PGID));       /* vpgid */
	put_u32(s, task_loginuid(t));
	/* flags */
	struct file *exe = BPF_CORE_READ(t, mm, exe_file);
	struct inode *ino = BPF_CORE_READ(exe, f_inode);
	__u32 fl = 0;
	if (exe) {
		/* memfd: an unlinked dentry named "memfd:..." at its own root */
		struct dentry *d = BPF_CORE_READ(exe, f_path.dentry);
		char pfx[8] = {};
		if (d && BPF_CORE_READ(d, d_parent) == d &&
		    bpf_probe_read_kernel_str(pfx, sizeof(pfx), BPF_CORE_READ(d, d_name.name)) > 6 &&
		    pfx[0] == 'm' && pfx[1] == 'e' && pfx[2] == 'm' && pfx[3] == 'f' && pfx[4] == 'd' && pfx[5] == ':')
			fl |= PPM_EXE_FROM_MEMFD;
		if (exe_writable(t, ino))
			fl |= PPM_EXE_WRITABLE;
		fl |= scap_exe_layer_flags(file_overlay_layer(exe));
	}
	put_u32(s, fl);
	struct cred *c = (void *)BPF_CORE_READ(t, cred);
	__u64 ci = 0, cp = 0, ce = 0;
	BPF_CORE_READ_INTO(&ci, c, cap_inheritable);
	BPF_CORE_READ_INTO(&cp, c, cap_permitted);
	BPF_CORE_READ_INTO(&ce, c, cap_effective);
	put_u64(s, scap_caps_to_ppm(ci));
	put_u64(s, scap_caps_to_ppm(cp));
	put_u64(s, scap_caps_to_ppm(ce));
	put_u64(s, BPF_CORE_READ(ino, i_ino));
	__u64 ct = 0, mt = 0;
	if (ino) {
		if (bpf_core_field_exists(ino->i_ctime_sec)) {
			ct = ts_ns(BPF_CORE_READ(ino, i_ctime_sec), BPF_CORE_READ(ino, i_ctime_nsec));
			mt = ts_ns(BPF_CORE_READ(ino, i_mtime_sec), BPF_CORE_READ(ino, i_mtime_nsec));
		} else {
			struct inode___v6_6 *i66 = (void *)ino;
			struct inode___v6_1 *i61 = (void *)ino;
			struct timespec64 tc = {}, tm = {};
			if (bpf_core_field_exists(i66->__i_ctime)) {
				BPF_CORE_READ_INTO(&tc, i66, __i_ctime);
				tc.tv_nsec &= ~I_CTIME_QUERIED;
			} else {
				BPF_CORE_READ_INTO(&tc, i61, i_ctime);
			}
			BPF_CORE_READ_INTO(&tm, i61, i_mtime);
			ct = ts_ns(tc.tv_sec, tc.tv_nsec);
			mt = ts_ns(tm.tv_sec, tm.tv_nsec);
		}
	}
	put_u64(s, ct);
	put_u64(s, mt);
	put_u32(s, task_euid(t));                    /* uid (upstream: euid) */
	if (exe)
		put_path(s, t, BPF_CORE_READ(exe, f_path.dentry), BPF_CORE_READ(exe, f_path.mnt));
	else
		put_empty(s);
	put_u64(s, task_nr(t, PIDTYPE_PGID));        /* pgid */
	put_u32(s, task_egid(t));                    /* gid (upstream: egid) */
	if (nr == NR_execve) {
		__u32 tid = (__u32)bpf_get_current_pid_tgid();
		if (ret == 0) {
			struct exec_name *en = bpf_map_lookup_elem(&exec_names, &tid);
			if (en) {
				put_kernel_str(s, en->s, MAX_PATH);
				bpf_map_delete_elem(&exec_names, &tid);
			} else {
				put_empty(s);
			}
		} else {
			put_user_str(s, (void *)ARG0(regs));
		}
	}
	ev_submit(s);
	return 0;
}

SEC("raw_tp/sched_process_exec")
int BPF_PROG(sched_proc_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	if (!capture_on)
		return 0;
	__u32 k = NR_execve;
	__u8 *want = bpf_map_lookup_elem(&interesting, &k);
	if (!want || !*want)
		return 0;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct scratch *s = scratch_get(); /* a zeroed staging area is not needed: */
	if (!s)
		return 0;
	/* stage the name in the scratch buffer, then store it */
	long n = bpf_probe_read_kernel_str(&s->data[0], MAX_PATH, BPF_CORE_READ(bprm, filename));
	if (n <= 0)
		return 0;
	bpf_map_update_elem(&exec_names, &tid, &s->data[0], BPF_ANY);
	return 0;
}

/* --- clone, clone3, fork, vfork: the parent (res = child tid) --- */

static __always_inline __u32 clone_flags_pidns(struct task_struct *t, __u32 fl)
{
	struct pid_namespace *ns = pid_ns_of(task_pid_of(t, PIDTYPE_PID));
	if (BPF_CORE_READ(ns, level) != 0)
		fl |= PPM_CL_CHILD_IN_PIDNS;
	else if (BPF_CORE_READ(t, nsproxy, pid_ns_for_children) != ns)
		fl |= PPM_CL_CHILD_IN_PIDNS;
	return fl;
}

TAIL_PROG(x_clone)
{
	struct pt_regs *regs = REGS;
	long ret = RET;
	if (ret == 0)
		return 0; /* the child: sched_process_fork reports it */
	__u32 nr = BPF_CORE_READ(regs, orig_ax);
	__u16 type = nr == NR_clone ? PPME_SYSCALL_CLONE_20_X : nr == NR_clone3 ? PPME_SYSCALL_CLONE3_X :
		     nr == NR_fork ? PPME_SYSCALL_FORK_20_X : PPME_SYSCALL_VFORK_20_X;
	struct task_struct *t = cur();
	struct scratch *s = ev_begin(type, 21);
	if (!s)
		return 0;
	s->nr = nr;
	put_u64(s, ret);
	put_proc_common_a(s, t, ret > 0);
	return tail(ctx, T_CLONE_B);
}

TAIL_PROG(x_clone_b)
{
	struct pt_regs *regs = REGS;
	struct scratch *s = scratch_get();
	if (!s)
		return 0;
	struct task_struct *t = cur();
	__u32 nr = s->nr;
	__u64 raw = 0;
	if (nr == NR_clone)
		raw = ARG0(regs);
	else if (nr == NR_clone3)
		bpf_probe_read_user(&raw, sizeof(raw), (void *)ARG0(regs)); /* clone_args.flags */
	put_proc_common_b(s, t);
	put_cgroups(s, t);
	put_u32(s, clone_flags_pidns(t, scap_clone_flags_to_ppm(raw)));
	put_u32(s, task_euid(t));
	put_u32(s, task_egid(t));
	put_u64(s, task_vnr(t, PIDTYPE_PID));
	put_u64(s, task_vnr(t, PIDTYPE_TGID));
	put_u64(s, 0); /* pidns_init_start_ts: the child's event only */
	ev_submit(s);
	return 0;
}

/* --- the child, from sched_process_fork (parent context) --- */

static __always_inline bool clone_selected(void)
{
	__u32 k;
	__u8 *w;
	k = NR_clone; w = bpf_map_lookup_elem(&interesting, &k); if (w && *w) return true;
	k = NR_clone3; w = bpf_map_lookup_elem(&interesting, &k); if (w && *w) return true;
	k = NR_fork; w = bpf_map_lookup_elem(&interesting, &k); if (w && *w) return true;
	k = NR_vfork; w = bpf_map_lookup_elem(&interesting, &k); if (w && *w) return true;
	return false;
}

SEC("raw_tp/sched_process_fork")
int sched_proc_fork(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *child = (void *)ctx->args[1];
	if (!capture_on || !clone_selected())
		return 0;
	if (BPF_CORE_READ(cur(), flags) & PF_KTHREAD)
		return 0;
	struct scratch *s = ev_begin_tid(PPME_SYSCALL_CLONE_20_X, 21, BPF_CORE_READ(child, pid));
	if (!s)
		return 0;
	put_u64(s, 0);
	put_proc_common_a(s, child, true);
	return tail(ctx, T_CHILD_B);
}

TAIL_PROG(x_child_b)
{
	struct task_struct *parent = (void *)ctx->args[0];
	struct task_struct *child = (void *)ctx->args[1];
	struct scratch *s = scratch_get();
	if (!s)
		return 0;
	put_proc_common_b(s, child);
	put_cgroups(s, child);
	/* the flags are not at hand: rebuild what the child shows, as upstream */
	__u32 fl = 0;
	if (BPF_CORE_READ(child, pid) != BPF_CORE_READ(child, tgid))
		fl |= PPM_CL_CLONE_THREAD | PPM_CL_CLONE_SIGHAND | PPM_CL_CLONE_VM;
	if (BPF_CORE_READ(child, files) == BPF_CORE_READ(parent, files))
		fl |= PPM_CL_CLONE_FILES;
	struct pid_namespace *ns = pid_ns_of(task_pid_of(child, PIDTYPE_PID));
	if (BPF_CORE_READ(ns, level) != 0)
		fl |= PPM_CL_CHILD_IN_PIDNS;
	put_u32(s, fl);
	put_u32(s, task_euid(child));
	put_u32(s, task_egid(child));
	put_u64(s, task_vnr(child, PIDTYPE_PID));
	put_u64(s, task_vnr(child, PIDTYPE_TGID));
	struct pid_namespace *tns = pid_ns_of(task_pid_of(child, PIDTYPE_TGID));
	put_u64(s, BPF_CORE_READ(tns, child_reaper, start_time));
	ev_submit(s);
	return 0;
}

/* ======================= dispatch ======================= */

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, SCAP_BPF_SC_MAX);
	__uint(key_size, sizeof(__u32));
	__array(values, int(void *));
} sys_exit_tails SEC(".maps") = {
	.values = {
		[NR_read] = (void *)&x_rw,
		[NR_write] = (void *)&x_rw,
		[NR_open] = (void *)&x_open,
		[NR_close] = (void *)&x_close,
		[NR_pread64] = (void *)&x_rw,
		[NR_pwrite64] = (void *)&x_rw,
		[NR_readv] = (void *)&x_rwv,
		[NR_writev] = (void *)&x_rwv,
		[NR_pipe] = (void *)&x_pipe,
		[NR_dup] = (void *)&x_dup,
		[NR_dup2] = (void *)&x_dup,
		[NR_socket] = (void *)&x_socket,
		[NR_connect] = (void *)&x_connect,
		[NR_accept] = (void *)&x_accept,
		[NR_sendto] = (void *)&x_sendrecv,
		[NR_recvfrom] = (void *)&x_sendrecv,
		[NR_sendmsg] = (void *)&x_msg,
		[NR_recvmsg] = (void *)&x_msg,
		[NR_bind] = (void *)&x_bind,
		[NR_listen] = (void *)&x_listen,
		[NR_clone] = (void *)&x_clone,
		[NR_fork] = (void *)&x_clone,
		[NR_vfork] = (void *)&x_clone,
		[NR_execve] = (void *)&x_execve,
		[NR_fcntl] = (void *)&x_fcntl,
		[NR_chdir] = (void *)&x_chdir,
		[NR_fchdir] = (void *)&x_chdir,
		[NR_rename] = (void *)&x_path2,
		[NR_mkdir] = (void *)&x_mkdir,
		[NR_rmdir] = (void *)&x_path1,
		[NR_creat] = (void *)&x_creat,
		[NR_link] = (void *)&x_path2,
		[NR_unlink] = (void *)&x_path1,
		[NR_symlink] = (void *)&x_path2,
		[NR_chmod] = (void *)&x_chmod,
		[NR_fchmod] = (void *)&x_chmod,
		[NR_ptrace] = (void *)&x_ptrace,
		[NR_setuid] = (void *)&x_setid,
		[NR_setgid] = (void *)&x_setid,
		[NR_setresuid] = (void *)&x_setid,
		[NR_setresgid] = (void *)&x_setid,
		[NR_mount] = (void *)&x_mount,
		[NR_umount2] = (void *)&x_umount2,
		[NR_openat] = (void *)&x_openat,
		[NR_mkdirat] = (void *)&x_pathat,
		[NR_unlinkat] = (void *)&x_pathat,
		[NR_renameat] = (void *)&x_path2at,
		[NR_linkat] = (void *)&x_path2at,
		[NR_symlinkat] = (void *)&x_symlinkat,
		[NR_fchmodat] = (void *)&x_chmod,
		[NR_unshare] = (void *)&x_ns,
		[NR_accept4] = (void *)&x_accept,
		[NR_dup3] = (void *)&x_dup,
		[NR_pipe2] = (void *)&x_pipe,
		[NR_setns] = (void *)&x_ns,
		[NR_renameat2] = (void *)&x_path2at,
		[NR_execveat] = (void *)&x_execve,
		[NR_clone3] = (void *)&x_clone,
		[NR_openat2] = (void *)&x_openat2,
	},
};

SEC("raw_tp/sys_exit")
int sys_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs = REGS;
	if (!capture_on)
		return 0;
	long id = BPF_CORE_READ(regs, orig_ax);
	if (id < 0 || id >= SCAP_BPF_SC_MAX)
		return 0;
	__u32 k = id;
	__u8 *want = bpf_map_lookup_elem(&interesting, &k);
	if (!want || !*want)
		return 0;
	if (k == NR_clock_nanosleep && (bpf_get_current_pid_tgid() >> 32) == waiter_tgid &&
	    BPF_CORE_READ(regs, dx) == waiter_req)
		return 0; /* the engine's own idle wait: capturing it would feed itself */
	if (bpf_core_field_exists(((struct task_struct *)0)->thread_info.status)) {
		if (BPF_CORE_READ(cur(), thread_info.status) & TS_COMPAT)
			return 0; /* 32-bit syscall numbers differ: not handled */
	}
	bpf_tail_call(ctx, &sys_exit_tails, k);
	/* no program for this syscall: the generic event */
	struct scratch *s = ev_begin(PPME_GENERIC_X, 2);
	if (!s)
		return 0;
	put_u16(s, ppm_sc_of_nr[k & (SCAP_BPF_SC_MAX - 1)]);
	put_u16(s, k);
	ev_submit(s);
	return 0;
}

/* __WEXITSTATUS & co on the kernel's exit_code */
SEC("raw_tp/sched_process_exit")
int BPF_PROG(sched_proc_exit, struct task_struct *p)
{
	if (!capture_on || !procexit_on)
		return 0;
	struct task_struct *t = cur();
	int code = BPF_CORE_READ(t, exit_code);
	struct scratch *s = ev_begin(PPME_PROCEXIT_1_E, 5);
	if (!s)
		return 0;
	put_u64(s, (__s64)code);                        /* 0 status */
	put_u64(s, scap_exit_ret(code));                /* 1 ret */
	put_u8(s, scap_exit_sig(code));                 /* 2 sig */
	put_u8(s, scap_exit_core(code));                /* 3 core */
	put_u64(s, 0);                                  /* 4 reaper_tid (not yet) */
	ev_submit(s);
	return 0;
}

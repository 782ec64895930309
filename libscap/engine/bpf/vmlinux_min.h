/* SPDX-License-Identifier: Apache-2.0 */
/* Hand-written CO-RE subset of the kernel types the probe reads (x86_64).
 * libbpf relocates every field by name against the running kernel's BTF
 * (/sys/kernel/btf/vmlinux), so the build needs neither the host's BTF nor
 * its kernel headers: this file is self-contained. Only the fields used by
 * probe.bpf.c are listed. */
#ifndef SCAP_VMLINUX_MIN_H
#define SCAP_VMLINUX_MIN_H

typedef unsigned char __u8;
typedef signed char __s8;
typedef unsigned short __u16;
typedef short __s16;
typedef unsigned int __u32;
typedef int __s32;
typedef unsigned long long __u64;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef __u32 dev_t;
typedef int pid_t;
typedef unsigned int fmode_t;
typedef _Bool bool;
#define true 1
#define false 0

/* uapi values (linux/bpf.h), not available in BTF-less builds */
enum bpf_map_type {
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_RINGBUF = 27,
};
#define BPF_ANY 0
#define BPF_RB_NO_WAKEUP 1

#define PAC __attribute__((preserve_access_index))
struct pt_regs { unsigned long r10, r8, r9, ax, dx, si, di, orig_ax; } PAC;
struct super_block { dev_t s_dev; } PAC;
struct inode { struct super_block *i_sb; unsigned long i_ino; } PAC;
struct file { fmode_t f_mode; struct inode *f_inode; } PAC;
struct fdtable { unsigned int max_fds; struct file **fd; } PAC;
struct files_struct { struct fdtable *fdt; } PAC;
struct mm_struct { unsigned long arg_start, arg_end; } PAC;
struct rlimit { unsigned long rlim_cur, rlim_max; } PAC;
struct signal_struct { struct rlimit rlim[16]; } PAC;
typedef struct { __u32 val; } kuid_t;
typedef struct { __u32 val; } kgid_t;
struct cred { kuid_t uid; kgid_t gid; } PAC;
struct thread_info { __u32 status; } PAC;
struct task_struct {
	struct thread_info thread_info;
	pid_t pid, tgid;
	struct task_struct *real_parent;
	struct files_struct *files;
	struct mm_struct *mm;
	struct signal_struct *signal;
	unsigned long maj_flt, min_flt;
	char comm[16];
	kuid_t loginuid;
	const struct cred *cred;
	int exit_code;
} PAC;
#undef PAC

#endif

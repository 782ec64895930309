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
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PROG_ARRAY = 3,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_LRU_HASH = 9,
	BPF_MAP_TYPE_RINGBUF = 27,
};
#define BPF_ANY 0
#define BPF_RB_NO_WAKEUP 1

#define PAC __attribute__((preserve_access_index))
struct pt_regs { unsigned long r10, r8, r9, ax, dx, si, di, orig_ax; } PAC;
struct bpf_raw_tracepoint_args { __u64 args[0]; };

/* times: 6.11+ split seconds/nanoseconds; 6.6-6.10 __i_ctime; <= 6.5
 * i_ctime/i_mtime (flavours below) */
struct timespec64 { __s64 tv_sec; long tv_nsec; };
struct super_block { dev_t s_dev; unsigned long s_magic; unsigned long s_flags; } PAC;
struct inode {
	unsigned short i_mode;
	struct { __u32 val; } i_uid;
	struct { __u32 val; } i_gid;
	unsigned int i_flags;
	struct super_block *i_sb;
	unsigned long i_ino;
	__s64 i_ctime_sec, i_mtime_sec;
	__u32 i_ctime_nsec, i_mtime_nsec;
} PAC;
struct inode___v6_6 { struct timespec64 __i_ctime; struct timespec64 i_mtime; } PAC;
struct inode___v6_1 { struct timespec64 i_ctime; struct timespec64 i_mtime; } PAC;
struct qstr { __u32 len; const unsigned char *name; } PAC;
struct dentry { struct dentry *d_parent; struct qstr d_name; struct inode *d_inode; struct super_block *d_sb; } PAC;
struct vfsmount { struct dentry *mnt_root; } PAC;
struct mount { struct mount *mnt_parent; struct dentry *mnt_mountpoint; struct vfsmount mnt; } PAC;
struct path { struct vfsmount *mnt; struct dentry *dentry; } PAC;
struct fs_struct { struct path root, pwd; } PAC;
struct file {
	fmode_t f_mode;
	unsigned int f_flags;
	struct path f_path;
	struct inode *f_inode;
	void *private_data;
} PAC;
struct fdtable { unsigned int max_fds; struct file **fd; } PAC;
struct files_struct { struct fdtable *fdt; } PAC;
/* 6.2+: percpu_counter rss_stat[NR_MM_COUNTERS]; before: struct mm_rss_stat */
struct percpu_counter { __s64 count; } PAC;
struct mm_struct {
	unsigned long total_vm;
	unsigned long arg_start, arg_end, env_start, env_end;
	struct percpu_counter rss_stat[4];
	struct file *exe_file;
} PAC;
struct mm_rss_stat { struct { long counter; } count[4]; } PAC;
struct mm_struct___v6_1 { struct mm_rss_stat rss_stat; } PAC;
struct rlimit { unsigned long rlim_cur, rlim_max; } PAC;
struct upid { int nr; struct pid_namespace *ns; } PAC;
struct pid { unsigned int level; struct upid numbers[1]; } PAC;
struct tty_driver { int major, minor_start; } PAC;
struct tty_struct { int index; struct tty_driver *driver; } PAC;
struct signal_struct { struct rlimit rlim[16]; struct pid *pids[4]; struct tty_struct *tty; } PAC;
typedef struct { __u32 val; } kuid_t;
typedef struct { __u32 val; } kgid_t;
/* 6.3+: { u64 val; }; before: { u32 cap[2]; }: same 8 bytes on x86_64 */
typedef struct { __u64 val; } kernel_cap_t;
struct cred {
	kuid_t uid, euid, fsuid;
	kgid_t gid, egid, fsgid;
	kernel_cap_t cap_inheritable, cap_permitted, cap_effective;
} PAC;
struct thread_info { __u32 status; } PAC;
struct pid_namespace { struct task_struct *child_reaper; unsigned int level; } PAC;
struct nsproxy { struct pid_namespace *pid_ns_for_children; } PAC;
/* kernfs: 6.15+ renamed parent to __parent */
struct kernfs_node { struct kernfs_node *__parent; const char *name; } PAC;
struct kernfs_node___old { struct kernfs_node___old *parent; const char *name; } PAC;
struct cgroup { struct kernfs_node *kn; } PAC;
struct cgroup_subsys { const char *name; } PAC;
struct cgroup_subsys_state { struct cgroup *cgroup; struct cgroup_subsys *ss; } PAC;
struct css_set { struct cgroup_subsys_state *subsys[16]; } PAC;
enum cgroup_subsys_id {
	cpuset_cgrp_id = 0,
	cpu_cgrp_id = 1,
	cpuacct_cgrp_id = 2,
	io_cgrp_id = 3,
	memory_cgrp_id = 4,
};
struct task_struct {
	struct thread_info thread_info;
	unsigned int flags;
	pid_t pid, tgid;
	struct task_struct *real_parent;
	struct task_struct *group_leader;
	struct pid *thread_pid;
	struct fs_struct *fs;
	struct files_struct *files;
	struct nsproxy *nsproxy;
	struct mm_struct *mm;
	struct signal_struct *signal;
	struct css_set *cgroups;
	unsigned long maj_flt, min_flt;
	__u64 start_time;
	char comm[16];
	kuid_t loginuid;
	const struct cred *cred;
	int exit_code;
} PAC;

/* sockets */
struct in6_addr { __u8 s6_addr[16]; };
struct sock_common {
	__be32 skc_daddr, skc_rcv_saddr;
	__be16 skc_dport;
	__u16 skc_num;
	unsigned short skc_family;
	struct in6_addr skc_v6_daddr, skc_v6_rcv_saddr;
} PAC;
struct sock { struct sock_common __sk_common; __u32 sk_ack_backlog, sk_max_ack_backlog; } PAC;
struct socket { struct sock *sk; } PAC;
struct sockaddr_un { unsigned short sun_family; char sun_path[108]; } PAC;
struct unix_address { int len; struct sockaddr_un name[0]; } PAC;
struct unix_sock { struct unix_address *addr; struct sock *peer; } PAC;
struct linux_binprm { const char *filename; } PAC;
#undef PAC

#endif

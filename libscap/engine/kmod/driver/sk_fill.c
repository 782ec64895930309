// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * scapkit: the events. The kernel-C port of the bpf engine's probe
 * (libscap/engine/bpf/probe.bpf.c, the reference): the same events (exit
 * events only, newest versions), the same parameters filled the same way,
 * the same encodings (libscap/kernel/ppm_flags.h holds the conversions both
 * use). The builder is sk_main.c's (sk.h).
 *
 * Context: tracepoint probes, preemption disabled. Nothing here sleeps or
 * allocates: files are looked up under RCU and pinned with get_file_rcu()
 * (fput() of a last reference defers the release to task work), paths come
 * from d_path() into the CPU's sk_tmp() buffer, user memory is read with
 * the *_nofault helpers (a page that is not present gives an empty
 * parameter), the only locks are spinlocks (fs->lock, siglock, a unix
 * socket's state lock), each taken alone and briefly (so not for
 * PREEMPT_RT kernels, where spinlocks sleep).
 *
 * Where it differs from the bpf probe, and why (all the rest is the same):
 *  - paths (cwd, trusted_exepath) come from d_path(): no 32-component
 *    limit (the same path otherwise: an unlinked file's " (deleted)" suffix
 *    is removed, a disconnected dentry such as a memfd exe gives "/", as
 *    the probe's walk of d_parent does).
 *  - cgroup paths come from kernfs_path(): no 12-component limit.
 *  - a unix socket's path is bounded by its address length (the probe reads
 *    up to 108 bytes, past the end of an abstract name that has no NUL).
 *  - the child's clone event is emitted when the parent is in a selected
 *    clone/clone3/fork/vfork (the probe: in any syscall while one of the
 *    four is selected; io_uring workers, for instance, are not reported).
 *  - a successful execve/execveat is emitted at sched_process_exec (its
 *    filename is bprm->filename there), not at its sys_exit; the selection
 *    and the event type follow the syscall number in orig_ax as at
 *    sys_exit: x86's set_personality_64bit() turns a successful 64-bit
 *    execveat into execve (nr 59), as the probe (and upstream) see it.
 */
#include <linux/audit.h>
#include <linux/binfmts.h>
#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/errno.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/kernfs.h>
#include <linux/mm.h>
#include <linux/net.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/socket.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>
#include <linux/uaccess.h>
#include <linux/un.h>
#include <linux/version.h>
#include <net/af_unix.h>
#include <net/sock.h>
#include <asm/syscall.h>

#include "sk.h"
#include "sk_overlay.h"

#define SK_MAX_BUF 4096  /* args, env, payload chunks, msgcontrol (the probe's MAX_BUF) */
#define SK_MAX_NAME 256  /* one argv/envp string of a failed execve (MAX_NAME) */
#define SK_MAX_ARGV 32   /* argv/envp pointers walked, failed execve (MAX_ARGV) */
#define SK_MAX_IOV 16    /* iovecs walked (MAX_IOV) */
#define SK_UNIX_PATH 108 /* sizeof(sun_path) */

/* x86_64 syscall arguments: di, si, dx, r10, r8, r9 (intact at exit) */
#define ARG0(r) ((r)->di)
#define ARG1(r) ((r)->si)
#define ARG2(r) ((r)->dx)
#define ARG3(r) ((r)->r10)
#define ARG4(r) ((r)->r8)
#define UPTR(v) ((void __user *)(unsigned long)(v))

/* ======================= kernel data ======================= */

/* fd of current -> its file, pinned (sk_fput() it), or NULL */
static struct file *sk_fget(long fd)
{
	struct files_struct *files = current->files;
	struct file *f;

	if (fd < 0 || fd > INT_MAX || !files)
		return NULL;
	rcu_read_lock();
	f = files_lookup_fd_rcu(files, (unsigned int)fd);
	if (f && !get_file_rcu(f))
		f = NULL; /* being closed */
	rcu_read_unlock();
	return f;
}

static void sk_fput(struct file *f)
{
	if (f)
		fput(f);
}

static void sk_file_dev_ino(struct file *f, u32 *dev, u64 *ino)
{
	struct inode *i = f ? file_inode(f) : NULL;

	*dev = 0;
	*ino = 0;
	if (!i)
		return;
	*dev = scap_encode_dev((u32)i->i_sb->s_dev);
	*ino = i->i_ino;
}

/* the id in the namespace the pid was allocated in (the probe's task_vnr:
 * upstream task_xid_vnr) */
static s64 sk_pid_vnr(struct pid *p)
{
	return p ? p->numbers[p->level].nr : 0;
}

/* the id in the initial namespace */
static s64 sk_pid_nr0(struct pid *p)
{
	return p ? p->numbers[0].nr : 0;
}

static s64 sk_ptid(struct task_struct *t)
{
	s64 v;

	rcu_read_lock();
	v = rcu_dereference(t->real_parent)->pid; /* upstream: the parent's pid */
	rcu_read_unlock();
	return v;
}

/* the task's subjective credentials (task->cred, as the probe reads) */
static const struct cred *sk_cred(struct task_struct *t)
{
	return rcu_dereference(t->cred);
}

static u64 sk_cap64(const kernel_cap_t *c)
{
	u64 v = 0;

	BUILD_BUG_ON(sizeof(kernel_cap_t) != sizeof(u64));
	memcpy(&v, c, sizeof(v)); /* 6.1: two u32 words, low first; 6.3+: one u64 */
	return v;
}

static u32 sk_task_tty(struct task_struct *t)
{
	struct tty_struct *tty;
	unsigned long flags;
	u32 v = 0;

	/* signal->tty is protected by siglock, and holds its tty */
	spin_lock_irqsave(&t->sighand->siglock, flags);
	tty = t->signal->tty;
	if (tty && tty->driver)
		v = scap_encode_dev((((u32)tty->driver->major << 20) | (u32)tty->driver->minor_start) +
				    (u32)tty->index);
	spin_unlock_irqrestore(&t->sighand->siglock, flags);
	return v;
}

static u32 sk_task_loginuid(struct task_struct *t)
{
#ifdef CONFIG_AUDIT
	return __kuid_val(audit_get_loginuid(t));
#else
	return (u32)-1;
#endif
}

/* the pinned file of mm's executable, or NULL (get_mm_exe_file() is not
 * exported: the same) */
static struct file *sk_exe_file(struct mm_struct *mm)
{
	struct file *f;

	if (!mm)
		return NULL;
	rcu_read_lock();
	f = rcu_dereference(mm->exe_file);
	if (f && !get_file_rcu(f))
		f = NULL;
	rcu_read_unlock();
	return f;
}

static u64 sk_ts_ns(struct timespec64 ts)
{
	if (ts.tv_sec < 0)
		return 0;
	return (u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static struct timespec64 sk_inode_ctime(struct inode *i)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	return inode_get_ctime(i);
#else
	return i->i_ctime;
#endif
}

static struct timespec64 sk_inode_mtime(struct inode *i)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
	return inode_get_mtime(i);
#else
	return i->i_mtime;
#endif
}

/* ======================= parameters ======================= */

/* a path: d_path() relative to current's root. d_path() marks an unlinked
 * file " (deleted)"; the probe gives the name it had: removed. */
static void sk_put_path(struct sk_ev *ev, const struct path *p)
{
	char *buf = sk_tmp();
	char *s;
	size_t n;

	if (!p->dentry || !p->mnt) {
		sk_put_empty(ev);
		return;
	}
	if (IS_ROOT(p->dentry) && p->dentry != p->mnt->mnt_root) {
		/* a disconnected dentry (a memfd, a pseudo file): the probe's
		 * walk stops there at once and gives "/" (d_path() would give
		 * its d_dname(), e.g. "/memfd:name (deleted)") */
		sk_put_kstr(ev, "/");
		return;
	}
	s = d_path(p, buf, SK_TMP_SIZE);
	if (IS_ERR(s)) {
		sk_put_empty(ev);
		return;
	}
	if (d_unlinked(p->dentry)) {
		n = strlen(s);
		if (n > 10 && strcmp(s + n - 10, " (deleted)") == 0)
			s[n - 10] = '\0';
	}
	sk_put_kstr(ev, s);
}

/* the task's working directory (its fs pins pwd while fs->lock is held:
 * no path_get/path_put, whose dput() may sleep) */
static void sk_put_cwd(struct sk_ev *ev, struct task_struct *t)
{
	struct fs_struct *fs = t->fs;
	struct path pwd;

	if (!fs) {
		sk_put_empty(ev);
		return;
	}
	spin_lock(&fs->lock);
	pwd = fs->pwd;
	sk_put_path(ev, &pwd);
	spin_unlock(&fs->lock);
}

/* exe (argv[0]) and args (argv[1..]) from the mm's argument area, read in
 * current's address space (the same addresses in a fork child's copy) */
static void sk_put_exe_args(struct sk_ev *ev, struct mm_struct *mm)
{
	unsigned long as = mm ? READ_ONCE(mm->arg_start) : 0;
	unsigned long ae = mm ? READ_ONCE(mm->arg_end) : 0;
	u32 n = sk_raw_ustr(ev, (const char __user *)as, SK_MAX_STR);
	long alen;

	sk_put_len(ev, n);
	alen = (long)(ae - as) - n;
	if (alen > 0)
		sk_put_ubytes(ev, UPTR(as + n), (u32)min_t(long, alen, SK_MAX_BUF));
	else
		sk_put_empty(ev);
}

/* a NUL-separated list from a user argv/envp array (failed execve) */
static void sk_put_argv(struct sk_ev *ev, const char __user *const __user *argv, int first)
{
	u32 start;
	int i;

	sk_param_begin(ev);
	start = ev->pos;
	for (i = first; i < SK_MAX_ARGV; i++) {
		const char __user *p = NULL;

		if (!argv || copy_from_user_nofault(&p, &argv[i], sizeof(p)) || !p)
			break;
		if (ev->pos - start >= SK_MAX_BUF)
			break;
		if (!sk_raw_ustr(ev, p, SK_MAX_NAME))
			sk_raw_u8(ev, 0);
	}
	sk_param_end(ev);
}

static void sk_put_mm_vm(struct sk_ev *ev, struct mm_struct *mm)
{
	s64 file, anon, swap, shmem;

	if (!mm) {
		sk_put_u32(ev, 0);
		sk_put_u32(ev, 0);
		sk_put_u32(ev, 0);
		return;
	}
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	file = get_mm_counter(mm, MM_FILEPAGES);
	anon = get_mm_counter(mm, MM_ANONPAGES);
	swap = get_mm_counter(mm, MM_SWAPENTS);
	shmem = get_mm_counter(mm, MM_SHMEMPAGES);
#else
	/* the raw counters, as the probe reads them */
	file = atomic_long_read(&mm->rss_stat.count[MM_FILEPAGES]);
	anon = atomic_long_read(&mm->rss_stat.count[MM_ANONPAGES]);
	swap = atomic_long_read(&mm->rss_stat.count[MM_SWAPENTS]);
	shmem = atomic_long_read(&mm->rss_stat.count[MM_SHMEMPAGES]);
#endif
	sk_put_u32(ev, (u32)(READ_ONCE(mm->total_vm) << (PAGE_SHIFT - 10))); /* vm_size, KiB */
	sk_put_u32(ev, (u32)((u64)(file + anon + shmem) << (PAGE_SHIFT - 10))); /* vm_rss */
	sk_put_u32(ev, (u32)((u64)swap << (PAGE_SHIFT - 10)));                  /* vm_swap */
}

/* "subsys=/path\0" for one cgroup subsystem (RCU held); 0 when absent */
static void sk_raw_cgroup(struct sk_ev *ev, struct task_struct *t, int id)
{
	struct cgroup_subsys_state *css = task_css(t, id);
	char *buf = sk_tmp();
	int n;

	if (!css || !css->ss || !css->cgroup || !css->cgroup->kn)
		return;
	n = kernfs_path(css->cgroup->kn, buf, SK_TMP_SIZE);
	if (n < 0 || n >= SK_TMP_SIZE)
		return;
	if (!sk_raw_kstr(ev, css->ss->name, SK_MAX_NAME))
		return;
	ev->buf[ev->pos - 1] = '=';
	sk_raw_kstr(ev, buf, SK_MAX_STR);
}

static void sk_put_cgroups(struct sk_ev *ev, struct task_struct *t)
{
	sk_param_begin(ev);
	rcu_read_lock();
#if IS_ENABLED(CONFIG_CPUSETS)
	sk_raw_cgroup(ev, t, cpuset_cgrp_id);
#endif
#if IS_ENABLED(CONFIG_CGROUP_SCHED)
	sk_raw_cgroup(ev, t, cpu_cgrp_id);
#endif
#if IS_ENABLED(CONFIG_CGROUP_CPUACCT)
	sk_raw_cgroup(ev, t, cpuacct_cgrp_id);
#endif
#if IS_ENABLED(CONFIG_BLK_CGROUP)
	sk_raw_cgroup(ev, t, io_cgrp_id);
#endif
#if IS_ENABLED(CONFIG_MEMCG)
	sk_raw_cgroup(ev, t, memory_cgrp_id);
#endif
	rcu_read_unlock();
	sk_param_end(ev);
}

/* exe, args, tid, pid, ptid, cwd: params 2-7 of execve and the clone
 * family (exe and args empty when !args) */
static void sk_put_proc_common_a(struct sk_ev *ev, struct task_struct *t, bool args)
{
	if (args) {
		sk_put_exe_args(ev, t->mm);
	} else {
		sk_put_empty(ev);
		sk_put_empty(ev);
	}
	sk_put_u64(ev, (u64)t->pid);
	sk_put_u64(ev, (u64)t->tgid);
	sk_put_u64(ev, (u64)sk_ptid(t));
	sk_put_cwd(ev, t);
}

/* fdlimit, pgft_maj, pgft_min, vm_size, vm_rss, vm_swap, comm */
static void sk_put_proc_common_b(struct sk_ev *ev, struct task_struct *t)
{
	sk_put_u64(ev, (u64)READ_ONCE(t->signal->rlim[RLIMIT_NOFILE].rlim_cur));
	sk_put_u64(ev, (u64)t->maj_flt);
	sk_put_u64(ev, (u64)t->min_flt);
	sk_put_mm_vm(ev, t->mm);
	sk_put_len(ev, sk_raw_kstr(ev, t->comm, sizeof(t->comm)));
}

/* ======================= sockets ======================= */

/* the socket behind current's fd, its file pinned in *fp */
static struct sock *sk_fd_sock(long fd, struct file **fp)
{
	struct file *f = sk_fget(fd);
	struct socket *so;

	*fp = f;
	if (!f)
		return NULL;
	if (!S_ISSOCK(file_inode(f)->i_mode))
		return NULL;
	so = sock_from_file(f);
	return so ? so->sk : NULL;
}

/* a unix socket's bound path (the abstract namespace's leading NUL
 * skipped); nothing when unbound. Caller holds a reference on sk. */
static void sk_raw_unix_path(struct sk_ev *ev, struct sock *sk)
{
	struct unix_address *ua;
	char name[SK_UNIX_PATH + 1];
	const char *p;
	int len;

	if (!sk)
		return;
	ua = smp_load_acquire(&unix_sk(sk)->addr);
	if (!ua)
		return;
	p = ua->name[0].sun_path;
	len = ua->len - (int)offsetof(struct sockaddr_un, sun_path);
	if (len > 0 && p[0] == '\0') {
		p++;
		len--;
	}
	len = clamp(len, 0, SK_UNIX_PATH);
	memcpy(name, p, len);
	name[len] = '\0';
	sk_raw_kstr(ev, name, sizeof(name));
}

/* PT_SOCKTUPLE from the socket behind fd. outbound: local end first.
 * usr: a user sockaddr for the remote end when the kernel has none (UDP). */
static noinline void sk_put_tuple(struct sk_ev *ev, long fd, bool outbound, const void __user *usr)
{
	struct file *f;
	struct sock *sk = sk_fd_sock(fd, &f);
	u16 fam;

	if (!sk) {
		sk_put_empty(ev);
		sk_fput(f);
		return;
	}
	fam = READ_ONCE(sk->sk_family);
	sk_param_begin(ev);
	if (fam == AF_INET) {
		u32 lip = READ_ONCE(sk->sk_rcv_saddr);
		u16 lport = READ_ONCE(sk->sk_num);
		u32 rip = READ_ONCE(sk->sk_daddr);
		u16 rport = ntohs(READ_ONCE(sk->sk_dport));

		if (rport == 0 && usr) {
			struct sockaddr_in a;

			if (!copy_from_user_nofault(&a, usr, sizeof(a)) && a.sin_family == AF_INET) {
				rip = a.sin_addr.s_addr;
				rport = ntohs(a.sin_port);
			}
		}
		sk_raw_u8(ev, PPM_AF_INET);
		if (outbound) {
			sk_raw_u32(ev, lip);
			sk_raw_u16(ev, lport);
			sk_raw_u32(ev, rip);
			sk_raw_u16(ev, rport);
		} else {
			sk_raw_u32(ev, rip);
			sk_raw_u16(ev, rport);
			sk_raw_u32(ev, lip);
			sk_raw_u16(ev, lport);
		}
#if IS_ENABLED(CONFIG_IPV6)
	} else if (fam == AF_INET6) {
		struct in6_addr lip = sk->sk_v6_rcv_saddr, rip = sk->sk_v6_daddr;
		u16 lport = READ_ONCE(sk->sk_num);
		u16 rport = ntohs(READ_ONCE(sk->sk_dport));

		if (rport == 0 && usr) {
			struct sockaddr_in6 a;

			if (!copy_from_user_nofault(&a, usr, sizeof(a)) && a.sin6_family == AF_INET6) {
				rip = a.sin6_addr;
				rport = ntohs(a.sin6_port);
			}
		}
		sk_raw_u8(ev, PPM_AF_INET6);
		if (outbound) {
			sk_raw(ev, &lip, 16);
			sk_raw_u16(ev, lport);
			sk_raw(ev, &rip, 16);
			sk_raw_u16(ev, rport);
		} else {
			sk_raw(ev, &rip, 16);
			sk_raw_u16(ev, rport);
			sk_raw(ev, &lip, 16);
			sk_raw_u16(ev, lport);
		}
#endif
	} else if (fam == AF_UNIX) {
		struct sock *peer;

		/* the peer stays referenced by sk while its state lock is held */
		unix_state_lock(sk);
		peer = unix_sk(sk)->peer;
		sk_raw_u8(ev, PPM_AF_UNIX);
		/* upstream order: outbound = (peer, local, peer's path),
		 * inbound = (local, peer, local path) */
		if (outbound) {
			sk_raw_u64(ev, (u64)(unsigned long)peer);
			sk_raw_u64(ev, (u64)(unsigned long)sk);
			sk_raw_unix_path(ev, peer);
		} else {
			sk_raw_u64(ev, (u64)(unsigned long)sk);
			sk_raw_u64(ev, (u64)(unsigned long)peer);
			sk_raw_unix_path(ev, sk);
		}
		unix_state_unlock(sk);
	} else {
		sk_put_empty(ev);
		sk_fput(f);
		return;
	}
	sk_param_end(ev);
	sk_fput(f);
}

/* PT_SOCKADDR from a user sockaddr */
static noinline void sk_put_sockaddr(struct sk_ev *ev, const void __user *usr, unsigned long alen)
{
	u8 tmp[128];
	u16 fam, port;

	if (!usr || alen < 2) {
		sk_put_empty(ev);
		return;
	}
	if (alen > 110)
		alen = 110;
	memset(tmp, 0, sizeof(tmp));
	if (copy_from_user_nofault(tmp, usr, alen)) {
		sk_put_empty(ev);
		return;
	}
	memcpy(&fam, &tmp[0], 2);
	memcpy(&port, &tmp[2], 2);
	sk_param_begin(ev);
	if (fam == AF_INET) {
		sk_raw_u8(ev, PPM_AF_INET);
		sk_raw(ev, &tmp[4], 4);
		sk_raw_u16(ev, ntohs(port));
	} else if (fam == AF_INET6) {
		sk_raw_u8(ev, PPM_AF_INET6);
		sk_raw(ev, &tmp[8], 16);
		sk_raw_u16(ev, ntohs(port));
	} else if (fam == AF_UNIX) {
		sk_raw_u8(ev, PPM_AF_UNIX);
		tmp[110] = 0;
		sk_raw_kstr(ev, tmp[2] == 0 ? (char *)&tmp[3] : (char *)&tmp[2], 109);
	} else {
		sk_put_empty(ev);
		return;
	}
	sk_param_end(ev);
}

/* ======================= I/O ======================= */

struct sk_iov {
	u64 base;
	u64 len;
};

/* reads up to SK_MAX_IOV user iovecs; returns how many */
static u32 sk_load_iov(struct sk_iov *iov, const void __user *uiov, unsigned long cnt)
{
	if (!uiov || cnt == 0)
		return 0;
	if (cnt > SK_MAX_IOV)
		cnt = SK_MAX_IOV;
	if (copy_from_user_nofault(iov, uiov, cnt * sizeof(*iov)))
		return 0;
	return (u32)cnt;
}

static u32 sk_iov_total(const struct sk_iov *iov, u32 n)
{
	u32 tot = 0, i;

	for (i = 0; i < n; i++)
		tot += (u32)iov[i].len;
	return tot;
}

/* the first min(res, snaplen) bytes scattered in the loaded iovecs */
static void sk_put_iov_payload(struct sk_ev *ev, const struct sk_iov *iov, u32 n, long res)
{
	u64 want = READ_ONCE(sk_cfg.snaplen);
	u32 start, i;

	if (res <= 0 || n == 0) {
		sk_put_empty(ev);
		return;
	}
	if ((u64)res < want)
		want = res;
	sk_param_begin(ev);
	start = ev->pos;
	for (i = 0; i < n; i++) {
		u32 got = ev->pos - start;
		u64 chunk = iov[i].len;

		if (got >= want)
			break;
		if (chunk > want - got)
			chunk = want - got;
		if (chunk > SK_MAX_BUF)
			chunk = SK_MAX_BUF;
		if (sk_raw_ubytes(ev, UPTR(iov[i].base), (u32)chunk) != chunk)
			break;
	}
	sk_param_end(ev);
}

/* ======================= file system ======================= */

/* the common tail of open/openat/openat2/creat: dev, ino of the new fd */
static void sk_put_dev_ino(struct sk_ev *ev, struct file *f)
{
	u32 dev;
	u64 ino;

	sk_file_dev_ino(f, &dev, &ino);
	sk_put_u32(ev, dev);
	sk_put_u64(ev, ino);
}

/* what the open family's flags learn from the new fd's file (none for a
 * failed call): PPM_O_F_CREATED, its overlayfs layer */
static u32 sk_new_fd_flags(struct file *f)
{
	if (!f)
		return 0;
	return scap_fd_layer_flags(sk_overlay_layer(f)) | (f->f_mode & L_FMODE_CREATED ? PPM_O_F_CREATED : 0);
}

static noinline void sk_x_open(struct pt_regs *regs, long ret, unsigned int nr)
{
	struct file *f = ret >= 0 ? sk_fget(ret) : NULL;
	struct sk_ev *ev;

	switch (nr) {
	case NR_open: {
		u64 flags = ARG1(regs);

		ev = sk_begin(PPME_SYSCALL_OPEN_X, 6);
		if (!ev)
			break;
		sk_put_u64(ev, ret);
		sk_put_ustr(ev, UPTR(ARG0(regs)));
		sk_put_u32(ev, scap_open_flags_to_ppm(flags) | sk_new_fd_flags(f));
		sk_put_u32(ev, scap_open_mode_to_ppm(flags, ARG2(regs)));
		sk_put_dev_ino(ev, f);
		sk_submit(ev);
		break;
	}
	case NR_openat: {
		u64 flags = ARG2(regs);

		ev = sk_begin(PPME_SYSCALL_OPENAT_2_X, 7);
		if (!ev)
			break;
		sk_put_u64(ev, ret);
		sk_put_fd(ev, ARG0(regs));
		sk_put_ustr(ev, UPTR(ARG1(regs)));
		sk_put_u32(ev, scap_open_flags_to_ppm(flags) | sk_new_fd_flags(f));
		sk_put_u32(ev, scap_open_mode_to_ppm(flags, ARG3(regs)));
		sk_put_dev_ino(ev, f);
		sk_submit(ev);
		break;
	}
	case NR_openat2: {
		struct {
			u64 flags, mode, resolve;
		} how = {};

		if (copy_from_user_nofault(&how, UPTR(ARG2(regs)), sizeof(how)))
			memset(&how, 0, sizeof(how));
		ev = sk_begin(PPME_SYSCALL_OPENAT2_X, 8);
		if (!ev)
			break;
		sk_put_u64(ev, ret);
		sk_put_fd(ev, ARG0(regs));
		sk_put_ustr(ev, UPTR(ARG1(regs)));
		sk_put_u32(ev, scap_open_flags_to_ppm(how.flags) | sk_new_fd_flags(f));
		sk_put_u32(ev, scap_open_mode_to_ppm(how.flags, how.mode));
		sk_put_u32(ev, scap_openat2_resolve_to_ppm(how.resolve));
		sk_put_dev_ino(ev, f);
		sk_submit(ev);
		break;
	}
	default: /* NR_creat */
		ev = sk_begin(PPME_SYSCALL_CREAT_X, 6);
		if (!ev)
			break;
		sk_put_u64(ev, ret);
		sk_put_ustr(ev, UPTR(ARG0(regs)));
		sk_put_u32(ev, scap_open_mode_to_ppm(L_O_CREAT, ARG1(regs)));
		sk_put_dev_ino(ev, f);
		sk_put_u16(ev, scap_creat_layer_flags(sk_overlay_layer(f))); /* creat_flags */
		sk_submit(ev);
		break;
	}
	sk_fput(f);
}

/* dup, dup2, dup3 */
static void sk_x_dup(struct pt_regs *regs, long ret, unsigned int nr)
{
	u16 type = nr == NR_dup ? PPME_SYSCALL_DUP_1_X : nr == NR_dup2 ? PPME_SYSCALL_DUP2_X : PPME_SYSCALL_DUP3_X;
	struct sk_ev *ev = sk_begin(type, nr == NR_dup ? 2 : nr == NR_dup2 ? 3 : 4);

	if (!ev)
		return;
	sk_put_u64(ev, ret);
	sk_put_fd(ev, ARG0(regs));
	if (nr != NR_dup)
		sk_put_fd(ev, ARG1(regs));
	if (nr == NR_dup3)
		sk_put_u32(ev, (ARG2(regs) & L_O_CLOEXEC) ? PPM_O_CLOEXEC : 0);
	sk_submit(ev);
}

/* pipe, pipe2 */
static noinline void sk_x_pipe(struct pt_regs *regs, long ret, unsigned int nr)
{
	struct sk_ev *ev;
	int fds[2] = {-1, -1};
	u32 dev = 0;
	u64 ino = 0;

	if (ret >= 0) {
		if (copy_from_user_nofault(fds, UPTR(ARG0(regs)), sizeof(fds)) == 0) {
			struct file *f = sk_fget(fds[0]);

			sk_file_dev_ino(f, &dev, &ino);
			sk_fput(f);
		} else {
			fds[0] = fds[1] = 0; /* as bpf_probe_read_user() leaves them */
		}
	}
	ev = sk_begin(nr == NR_pipe ? PPME_SYSCALL_PIPE_X : PPME_SYSCALL_PIPE2_X, nr == NR_pipe ? 4 : 5);
	if (!ev)
		return;
	sk_put_u64(ev, ret);
	sk_put_u64(ev, (u64)(s64)fds[0]);
	sk_put_u64(ev, (u64)(s64)fds[1]);
	sk_put_u64(ev, ino);
	if (nr != NR_pipe)
		sk_put_u32(ev, scap_open_flags_to_ppm(ARG1(regs)));
	sk_submit(ev);
}

static void sk_x_fcntl(struct pt_regs *regs, long ret)
{
	struct sk_ev *ev = sk_begin(PPME_SYSCALL_FCNTL_X, 4);

	if (!ev)
		return;
	sk_put_u64(ev, ret);
	sk_put_fd(ev, ARG0(regs));
	sk_put_u8(ev, scap_fcntl_cmd_to_ppm(ARG1(regs)));
	sk_put_u64(ev, ARG2(regs));
	sk_submit(ev);
}

/* chdir (path), fchdir (fd) */
static void sk_x_chdir(struct pt_regs *regs, long ret, unsigned int nr)
{
	struct sk_ev *ev = sk_begin(nr == NR_chdir ? PPME_SYSCALL_CHDIR_X : PPME_SYSCALL_FCHDIR_X, 2);

	if (!ev)
		return;
	sk_put_u64(ev, ret);
	if (nr == NR_chdir)
		sk_put_ustr(ev, UPTR(ARG0(regs)));
	else
		sk_put_fd(ev, ARG0(regs));
	sk_submit(ev);
}

/* res + one path: unlink, rmdir */
static void sk_x_path1(struct pt_regs *regs, long ret, unsigned int nr)
{
	struct sk_ev *ev = sk_begin(nr == NR_unlink ? PPME_SYSCALL_UNLINK_2_X : PPME_SYSCALL_RMDIR_2_X, 2);

	if (!ev)
		return;
	sk_put_u64(ev, ret);
	sk_put_ustr(ev, UPTR(ARG0(regs)));
	sk_submit(ev);
}

/* res + two paths: rename, link, symlink */
static void sk_x_path2(struct pt_regs *regs, long ret, unsigned int nr)
{
	u16 type = nr == NR_rename ? PPME_SYSCALL_RENAME_X : nr == NR_link ? PPME_SYSCALL_LINK_2_X : PPME_SYSCALL_SYMLINK_X;
	struct sk_ev *ev = sk_begin(type, 3);

	if (!ev)
		return;
	sk_put_u64(ev, ret);
	sk_put_ustr(ev, UPTR(ARG0(regs)));
	sk_put_ustr(ev, UPTR(ARG1(regs)));
	sk_submit(ev);
}

/* renameat, renameat2, linkat: (dirfd, path) x 2 [+ flags] */
static void sk_x_path2at(struct pt_regs *regs, long ret, unsigned int nr)
{
	u16 type = nr == NR_renameat ? PPME_SYSCALL_RENAMEAT_X :
		   nr == NR_renameat2 ? PPME_SYSCALL_RENAMEAT2_X : PPME_SYSCALL_LINKAT_2_X;
	struct sk_ev *ev = sk_begin(type, nr == NR_renameat ? 5 : 6);

	if (!ev)
		return;
	sk_put_u64(ev, ret);
	sk_put_fd(ev, ARG0(regs));
	sk_put_ustr(ev, UPTR(ARG1(regs)));
	sk_put_fd(ev, ARG2(regs));
	sk_put_ustr(ev, UPTR(ARG3(regs)));
	if (nr == NR_renameat2)
		sk_put_u32(ev, scap_renameat2_flags_to_ppm(ARG4(regs)));
	else if (nr == NR_linkat)
		sk_put_u32(ev, scap_linkat_flags_to_ppm(ARG4(regs)));
	sk_submit(ev);
}

static void sk_x_symlinkat(struct pt_regs *regs, long ret)
{
	struct sk_ev *ev = sk_begin(PPME_SYSCALL_SYMLINKAT_X, 4);

	if (!ev)
		return;
	sk_put_u64(ev, ret);
	sk_put_ustr(ev, UPTR(ARG0(regs)));
	sk_put_fd(ev, ARG1(regs));
	sk_put_ustr(ev, UPTR(ARG2(regs)));
	sk_submit(ev);
}

/* unlinkat, mkdirat */
static void sk_x_pathat(struct pt_regs *regs, long ret, unsigned int nr)
{
	struct sk_ev *ev = sk_begin(nr == NR_unlinkat ? PPME_SYSCALL_UNLINKAT_2_X : PPME_SYSCALL_MKDIRAT_X, 4);

	if (!ev)
		return;
	sk_put_u64(ev, ret);
	sk_put_fd(ev, ARG0(regs));
	sk_put_ustr(ev, UPTR(ARG1(regs)));
	if (nr == NR_unlinkat)
		sk_put_u32(ev, scap_unlinkat_flags_to_ppm(ARG2(regs)));
	else
		sk_put_u32(ev, (u32)ARG2(regs)); /* mkdirat mode, raw */
	sk_submit(ev);
}

static void sk_x_mkdir(struct pt_regs *regs, long ret)
{
	struct sk_ev *ev = sk_begin(PPME_SYSCALL_MKDIR_2_X, 3);

	if (!ev)
		return;
	sk_put_u64(ev, ret);
	sk_put_ustr(ev, UPTR(ARG0(regs)));
	sk_put_u32(ev, (u32)ARG1(regs));
	sk_submit(ev);
}

/* chmod, fchmod, fchmodat */
static void sk_x_chmod(struct pt_regs *regs, long ret, unsigned int nr)
{
	u16 type = nr == NR_chmod ? PPME_SYSCALL_CHMOD_X : nr == NR_fchmod ? PPME_SYSCALL_FCHMOD_X : PPME_SYSCALL_FCHMODAT_X;
	struct sk_ev *ev = sk_begin(type, nr == NR_fchmodat ? 4 : 3);

	if (!ev)
		return;
	sk_put_u64(ev, ret);
	if (nr == NR_chmod) {
		sk_put_ustr(ev, UPTR(ARG0(regs)));
		sk_put_u32(ev, scap_chmod_mode_to_ppm(ARG1(regs)));
	} else if (nr == NR_fchmod) {
		sk_put_fd(ev, ARG0(regs));
		sk_put_u32(ev, scap_chmod_mode_to_ppm(ARG1(regs)));
	} else {
		sk_put_fd(ev, ARG0(regs));
		sk_put_ustr(ev, UPTR(ARG1(regs)));
		sk_put_u32(ev, scap_chmod_mode_to_ppm(ARG2(regs)));
	}
	sk_submit(ev);
}

static void sk_x_mount(struct pt_regs *regs, long ret)
{
	struct sk_ev *ev = sk_begin(PPME_SYSCALL_MOUNT_X, 5);

	if (!ev)
		return;
	sk_put_u64(ev, ret);
	sk_put_ustr(ev, UPTR(ARG0(regs)));
	sk_put_ustr(ev, UPTR(ARG1(regs)));
	sk_put_ustr(ev, UPTR(ARG2(regs)));
	sk_put_u32(ev, scap_mount_flags_to_ppm(ARG3(regs)));
	sk_submit(ev);
}

static void sk_x_umount2(struct pt_regs *regs, long ret)
{
	struct sk_ev *ev = sk_begin(PPME_SYSCALL_UMOUNT2_X, 3);

	if (!ev)
		return;
	sk_put_u64(ev, ret);
	sk_put_ustr(ev, UPTR(ARG0(regs)));
	sk_put_u32(ev, scap_umount_flags_to_ppm(ARG1(regs)));
	sk_submit(ev);
}

/* setns (fd, nstype), unshare (flags) */
static void sk_x_ns(struct pt_regs *regs, long ret, unsigned int nr)
{
	struct sk_ev *ev = sk_begin(nr == NR_setns ? PPME_SYSCALL_SETNS_X : PPME_SYSCALL_UNSHARE_X, nr == NR_setns ? 3 : 2);

	if (!ev)
		return;
	sk_put_u64(ev, ret);
	if (nr == NR_setns) {
		sk_put_fd(ev, ARG0(regs));
		sk_put_u32(ev, scap_clone_flags_to_ppm(ARG1(regs)));
	} else {
		sk_put_u32(ev, scap_clone_flags_to_ppm(ARG0(regs)));
	}
	sk_submit(ev);
}

/* setuid, setgid (one id); setresuid, setresgid (three ids) */
static void sk_x_setid(struct pt_regs *regs, long ret, unsigned int nr)
{
	u16 type = nr == NR_setuid ? PPME_SYSCALL_SETUID_X : nr == NR_setgid ? PPME_SYSCALL_SETGID_X :
		   nr == NR_setresuid ? PPME_SYSCALL_SETRESUID_X : PPME_SYSCALL_SETRESGID_X;
	bool three = nr == NR_setresuid || nr == NR_setresgid;
	struct sk_ev *ev = sk_begin(type, three ? 4 : 2);

	if (!ev)
		return;
	sk_put_u64(ev, ret);
	sk_put_u32(ev, (u32)ARG0(regs));
	if (three) {
		sk_put_u32(ev, (u32)ARG1(regs));
		sk_put_u32(ev, (u32)ARG2(regs));
	}
	sk_submit(ev);
}

static void sk_x_ptrace(struct pt_regs *regs, long ret)
{
	u16 req = scap_ptrace_req_to_ppm(ARG0(regs));
	u64 addr = ARG2(regs), data = ARG3(regs);
	struct sk_ev *ev = sk_begin(PPME_SYSCALL_PTRACE_X, 5);

	if (!ev)
		return;
	sk_put_u64(ev, ret);
	/* addr: PT_DYN, always the uint64 alternative (0 on failure) */
	sk_raw_u8(ev, PPM_PTRACE_IDX_UINT64);
	sk_raw_u64(ev, ret < 0 ? 0 : addr);
	sk_put_len(ev, 9);
	/* data: the peeked word, a signal, or the raw value */
	if (ret < 0) {
		sk_raw_u8(ev, PPM_PTRACE_IDX_UINT64);
		sk_raw_u64(ev, 0);
		sk_put_len(ev, 9);
	} else if (req == PPM_PTRACE_PEEKTEXT || req == PPM_PTRACE_PEEKDATA || req == PPM_PTRACE_PEEKUSR) {
		u64 v = 0;

		if (copy_from_user_nofault(&v, UPTR(data), sizeof(v)))
			v = 0;
		sk_raw_u8(ev, PPM_PTRACE_IDX_UINT64);
		sk_raw_u64(ev, v);
		sk_put_len(ev, 9);
	} else if (req == PPM_PTRACE_CONT || req == PPM_PTRACE_SINGLESTEP || req == PPM_PTRACE_DETACH ||
		   req == PPM_PTRACE_SYSCALL) {
		sk_raw_u8(ev, PPM_PTRACE_IDX_SIGTYPE);
		sk_raw_u8(ev, (u8)data);
		sk_put_len(ev, 2);
	} else {
		sk_raw_u8(ev, PPM_PTRACE_IDX_UINT64);
		sk_raw_u64(ev, data);
		sk_put_len(ev, 9);
	}
	sk_put_u16(ev, req);
	sk_put_u64(ev, (u64)(s64)(int)ARG1(regs));
	sk_submit(ev);
}

/* ======================= I/O ======================= */

/* read, write, pread64, pwrite64 */
static void sk_x_rw(struct pt_regs *regs, long ret, unsigned int nr)
{
	u16 type = nr == NR_read ? PPME_SYSCALL_READ_X : nr == NR_write ? PPME_SYSCALL_WRITE_X :
		   nr == NR_pread64 ? PPME_SYSCALL_PREAD_X : PPME_SYSCALL_PWRITE_X;
	bool pos = nr == NR_pread64 || nr == NR_pwrite64;
	struct sk_ev *ev = sk_begin(type, pos ? 5 : 4);

	if (!ev)
		return;
	sk_put_u64(ev, ret);
	sk_put_payload(ev, UPTR(ARG1(regs)), ret);
	sk_put_fd(ev, ARG0(regs));
	sk_put_u32(ev, (u32)ARG2(regs));
	if (pos)
		sk_put_u64(ev, ARG3(regs));
	sk_submit(ev);
}

/* readv (res, size, data, fd), writev (res, data, fd, size) */
static noinline void sk_x_rwv(struct pt_regs *regs, long ret, unsigned int nr)
{
	struct sk_iov iov[SK_MAX_IOV];
	u32 n = sk_load_iov(iov, UPTR(ARG1(regs)), ARG2(regs));
	u32 size = sk_iov_total(iov, n);
	struct sk_ev *ev = sk_begin(nr == NR_readv ? PPME_SYSCALL_READV_X : PPME_SYSCALL_WRITEV_X, 4);

	if (!ev)
		return;
	sk_put_u64(ev, ret);
	if (nr == NR_readv) {
		sk_put_u32(ev, size);
		sk_put_iov_payload(ev, iov, n, ret);
		sk_put_fd(ev, ARG0(regs));
	} else {
		sk_put_iov_payload(ev, iov, n, ret);
		sk_put_fd(ev, ARG0(regs));
		sk_put_u32(ev, size);
	}
	sk_submit(ev);
}

/* ======================= sockets ======================= */

static void sk_x_socket(struct pt_regs *regs, long ret)
{
	u32 type = (u32)ARG1(regs);
	struct sk_ev *ev = sk_begin(PPME_SOCKET_SOCKET_X, 5);

	if (!ev)
		return;
	sk_put_u64(ev, ret);
	sk_put_u32(ev, scap_socket_family_to_ppm(ARG0(regs)));
	sk_put_u32(ev, type);
	sk_put_u32(ev, (u32)ARG2(regs));
	sk_put_u32(ev, scap_socket_type_to_ppm_flags(type));
	sk_submit(ev);
}

static void sk_x_connect(struct pt_regs *regs, long ret)
{
	struct sk_ev *ev = sk_begin(PPME_SOCKET_CONNECT_X, 4);

	if (!ev)
		return;
	sk_put_u64(ev, ret);
	if (ret == 0 || ret == -EINPROGRESS)
		sk_put_tuple(ev, (int)ARG0(regs), true, NULL);
	else
		sk_put_empty(ev);
	sk_put_fd(ev, ARG0(regs));
	sk_put_sockaddr(ev, UPTR(ARG1(regs)), (u32)ARG2(regs));
	sk_submit(ev);
}

static void sk_x_bind(struct pt_regs *regs, long ret)
{
	struct sk_ev *ev = sk_begin(PPME_SOCKET_BIND_X, 3);

	if (!ev)
		return;
	sk_put_u64(ev, ret);
	sk_put_sockaddr(ev, UPTR(ARG1(regs)), (u32)ARG2(regs));
	sk_put_fd(ev, ARG0(regs));
	sk_submit(ev);
}

static void sk_x_listen(struct pt_regs *regs, long ret)
{
	struct sk_ev *ev = sk_begin(PPME_SOCKET_LISTEN_X, 3);

	if (!ev)
		return;
	sk_put_u64(ev, ret);
	sk_put_fd(ev, ARG0(regs));
	sk_put_u32(ev, (u32)(int)ARG1(regs));
	sk_submit(ev);
}

/* accept (5 params), accept4 (+ flags) */
static void sk_x_accept(struct pt_regs *regs, long ret, unsigned int nr)
{
	struct sk_ev *ev = sk_begin(nr == NR_accept ? PPME_SOCKET_ACCEPT_5_X : PPME_SOCKET_ACCEPT4_6_X,
				    nr == NR_accept ? 5 : 6);
	u32 qlen = 0, qmax = 0;
	u8 pct = 0;

	if (!ev)
		return;
	sk_put_u64(ev, ret);
	if (ret >= 0) {
		struct file *f;
		struct sock *l;

		sk_put_tuple(ev, ret, false, NULL);
		l = sk_fd_sock((int)ARG0(regs), &f);
		if (l) {
			qlen = READ_ONCE(l->sk_ack_backlog);
			qmax = READ_ONCE(l->sk_max_ack_backlog);
			if (qmax)
				pct = (u8)((u64)qlen * 100 / qmax);
		}
		sk_fput(f);
	} else {
		sk_put_empty(ev);
	}
	sk_put_u8(ev, pct);
	sk_put_u32(ev, qlen);
	sk_put_u32(ev, qmax);
	if (nr != NR_accept)
		sk_put_u32(ev, (u32)(int)ARG3(regs));
	sk_submit(ev);
}

/* sendto (res, data, fd, size, tuple), recvfrom (res, data, tuple, fd, size) */
static void sk_x_sendrecv(struct pt_regs *regs, long ret, unsigned int nr)
{
	struct sk_ev *ev = sk_begin(nr == NR_sendto ? PPME_SOCKET_SENDTO_X : PPME_SOCKET_RECVFROM_X, 5);
	int fd = (int)ARG0(regs);
	const void __user *usr = UPTR(ARG4(regs));

	if (!ev)
		return;
	sk_put_u64(ev, ret);
	sk_put_payload(ev, UPTR(ARG1(regs)), ret);
	if (nr == NR_sendto) {
		sk_put_fd(ev, fd);
		sk_put_u32(ev, (u32)ARG2(regs));
		if (ret >= 0)
			sk_put_tuple(ev, fd, true, usr);
		else
			sk_put_empty(ev);
	} else {
		if (ret >= 0)
			sk_put_tuple(ev, fd, false, usr);
		else
			sk_put_empty(ev);
		sk_put_fd(ev, fd);
		sk_put_u32(ev, (u32)ARG2(regs));
	}
	sk_submit(ev);
}

/* sendmsg (res, data, fd, size, tuple),
 * recvmsg (res, size, data, tuple, msgcontrol, fd) */
static noinline void sk_x_msg(struct pt_regs *regs, long ret, unsigned int nr)
{
	struct sk_iov iov[SK_MAX_IOV];
	struct user_msghdr mh;
	int fd = (int)ARG0(regs);
	u32 n = 0, size;
	struct sk_ev *ev;

	if (copy_from_user_nofault(&mh, UPTR(ARG1(regs)), sizeof(mh)) == 0)
		n = sk_load_iov(iov, mh.msg_iov, mh.msg_iovlen);
	else
		memset(&mh, 0, sizeof(mh));
	size = sk_iov_total(iov, n);
	ev = sk_begin(nr == NR_sendmsg ? PPME_SOCKET_SENDMSG_X : PPME_SOCKET_RECVMSG_X, nr == NR_sendmsg ? 5 : 6);
	if (!ev)
		return;
	sk_put_u64(ev, ret);
	if (nr == NR_sendmsg) {
		sk_put_iov_payload(ev, iov, n, ret);
		sk_put_fd(ev, fd);
		sk_put_u32(ev, size);
		if (ret >= 0)
			sk_put_tuple(ev, fd, true, mh.msg_name);
		else
			sk_put_empty(ev);
	} else {
		sk_put_u32(ev, size);
		sk_put_iov_payload(ev, iov, n, ret);
		if (ret >= 0)
			sk_put_tuple(ev, fd, false, mh.msg_name);
		else
			sk_put_empty(ev);
		if (ret >= 0 && mh.msg_control && mh.msg_controllen)
			sk_put_ubytes(ev, mh.msg_control, (u32)min_t(u64, mh.msg_controllen, SK_MAX_BUF));
		else
			sk_put_empty(ev);
		sk_put_fd(ev, fd);
	}
	sk_submit(ev);
}

/* ======================= processes ======================= */

/* upstream's exe_writable approximation, as the probe: not on a read-only
 * sb, not immutable; owner, group/other write bits, or
 * CAP_DAC_OVERRIDE/CAP_FOWNER (no id-mapping checks) */
static bool sk_exe_writable(const struct cred *c, struct inode *ino)
{
	unsigned short mode = ino->i_mode;
	unsigned short fmt = mode & S_IFMT;
	u32 iuid = __kuid_val(ino->i_uid), igid = __kgid_val(ino->i_gid);
	u64 ce;

	if ((ino->i_sb->s_flags & SB_RDONLY) && (fmt == S_IFREG || fmt == S_IFDIR || fmt == S_IFLNK))
		return false;
	if (ino->i_flags & S_IMMUTABLE)
		return false;
	if (iuid == (u32)-1 || igid == (u32)-1)
		return false;
	if (__kuid_val(c->fsuid) == iuid)
		return true;
	if (igid == __kgid_val(c->fsgid))
		mode >>= 3;
	if (mode & 02)
		return true;
	ce = sk_cap64(&c->cap_effective);
	return (ce & (1ull << CAP_DAC_OVERRIDE)) || (ce & (1ull << CAP_FOWNER));
}

/* memfd: an unlinked dentry named "memfd:..." at its own root */
static bool sk_exe_memfd(struct file *exe)
{
	struct dentry *d = exe->f_path.dentry;
	bool r;

	if (!d || !IS_ROOT(d))
		return false;
	rcu_read_lock();
	r = strncmp((const char *)READ_ONCE(d->d_name.name), "memfd:", 6) == 0;
	rcu_read_unlock();
	return r;
}

/* execve/execveat exit: ret == 0 from sched_process_exec (new image,
 * filename bprm's), ret < 0 from sys_exit (old image, the arguments). */
static noinline void sk_exec_event(unsigned int nr, long ret, struct pt_regs *regs, struct linux_binprm *bprm)
{
	struct task_struct *t = current;
	struct mm_struct *mm = t->mm;
	struct sk_ev *ev = sk_begin(nr == NR_execve ? PPME_SYSCALL_EXECVE_19_X : PPME_SYSCALL_EXECVEAT_X,
				    nr == NR_execve ? 31 : 30);
	const struct cred *c;
	struct file *exe;
	struct inode *ino;
	u32 fl = 0;

	if (!ev)
		return;
	sk_put_u64(ev, ret);
	if (ret == 0) {
		sk_put_proc_common_a(ev, t, true);
	} else {
		/* the old image is still there: argv from the arguments */
		const char __user *const __user *argv = UPTR(nr == NR_execve ? ARG1(regs) : ARG2(regs));
		const char __user *a0 = NULL;

		if (argv && copy_from_user_nofault(&a0, &argv[0], sizeof(a0)))
			a0 = NULL;
		sk_put_ustr(ev, a0);
		sk_put_argv(ev, argv, 1);
		sk_put_u64(ev, (u64)t->pid);
		sk_put_u64(ev, (u64)t->tgid);
		sk_put_u64(ev, (u64)sk_ptid(t));
		sk_put_cwd(ev, t);
	}
	sk_put_proc_common_b(ev, t);
	sk_put_cgroups(ev, t);
	/* env */
	if (ret == 0) {
		unsigned long es = mm ? READ_ONCE(mm->env_start) : 0;
		unsigned long ee = mm ? READ_ONCE(mm->env_end) : 0;

		sk_put_ubytes(ev, UPTR(es), ee > es ? (u32)min_t(unsigned long, ee - es, SK_MAX_BUF) : 0);
	} else {
		sk_put_argv(ev, UPTR(nr == NR_execve ? ARG2(regs) : ARG3(regs)), 0);
	}
	sk_put_u32(ev, sk_task_tty(t));
	rcu_read_lock();
	sk_put_u64(ev, (u64)sk_pid_vnr(task_pgrp(t))); /* vpgid */
	rcu_read_unlock();
	sk_put_u32(ev, sk_task_loginuid(t));
	/* flags */
	exe = sk_exe_file(mm);
	ino = exe ? file_inode(exe) : NULL;
	rcu_read_lock();
	c = sk_cred(t);
	if (exe) {
		if (sk_exe_memfd(exe))
			fl |= PPM_EXE_FROM_MEMFD;
		if (ino && sk_exe_writable(c, ino))
			fl |= PPM_EXE_WRITABLE;
		fl |= scap_exe_layer_flags(sk_overlay_layer(exe));
	}
	sk_put_u32(ev, fl);
	sk_put_u64(ev, scap_caps_to_ppm(sk_cap64(&c->cap_inheritable)));
	sk_put_u64(ev, scap_caps_to_ppm(sk_cap64(&c->cap_permitted)));
	sk_put_u64(ev, scap_caps_to_ppm(sk_cap64(&c->cap_effective)));
	sk_put_u64(ev, ino ? ino->i_ino : 0);
	sk_put_u64(ev, ino ? sk_ts_ns(sk_inode_ctime(ino)) : 0);
	sk_put_u64(ev, ino ? sk_ts_ns(sk_inode_mtime(ino)) : 0);
	sk_put_u32(ev, __kuid_val(c->euid)); /* uid (upstream: euid) */
	rcu_read_unlock();
	if (exe)
		sk_put_path(ev, &exe->f_path);
	else
		sk_put_empty(ev);
	sk_fput(exe);
	rcu_read_lock();
	sk_put_u64(ev, (u64)sk_pid_nr0(task_pgrp(t))); /* pgid */
	sk_put_u32(ev, __kgid_val(sk_cred(t)->egid)); /* gid (upstream: egid) */
	rcu_read_unlock();
	if (nr == NR_execve) {
		if (ret == 0)
			sk_put_kstr(ev, bprm ? bprm->filename : NULL);
		else
			sk_put_ustr(ev, UPTR(ARG0(regs)));
	}
	sk_submit(ev);
}

/* --- clone, clone3, fork, vfork: the parent (res = child tid) --- */

static bool sk_is_clone(long nr)
{
	return nr == NR_clone || nr == NR_clone3 || nr == NR_fork || nr == NR_vfork;
}

static noinline void sk_clone_parent(struct pt_regs *regs, long ret, unsigned int nr)
{
	u16 type = nr == NR_clone ? PPME_SYSCALL_CLONE_20_X : nr == NR_clone3 ? PPME_SYSCALL_CLONE3_X :
		   nr == NR_fork ? PPME_SYSCALL_FORK_20_X : PPME_SYSCALL_VFORK_20_X;
	struct task_struct *t = current;
	struct pid_namespace *ns;
	struct sk_ev *ev;
	u64 raw = 0;
	u32 fl;

	if (nr == NR_clone)
		raw = ARG0(regs);
	else if (nr == NR_clone3 && copy_from_user_nofault(&raw, UPTR(ARG0(regs)), sizeof(raw)))
		raw = 0; /* clone_args.flags */
	ev = sk_begin(type, 21);
	if (!ev)
		return;
	sk_put_u64(ev, ret);
	sk_put_proc_common_a(ev, t, ret > 0);
	sk_put_proc_common_b(ev, t);
	sk_put_cgroups(ev, t);
	fl = scap_clone_flags_to_ppm(raw);
	rcu_read_lock();
	ns = ns_of_pid(task_pid(t));
	if (ns && ns->level != 0)
		fl |= PPM_CL_CHILD_IN_PIDNS;
	else if (t->nsproxy && t->nsproxy->pid_ns_for_children != ns)
		fl |= PPM_CL_CHILD_IN_PIDNS;
	sk_put_u32(ev, fl);
	sk_put_u32(ev, __kuid_val(sk_cred(t)->euid));
	sk_put_u32(ev, __kgid_val(sk_cred(t)->egid));
	sk_put_u64(ev, (u64)sk_pid_vnr(task_pid(t)));
	sk_put_u64(ev, (u64)sk_pid_vnr(task_tgid(t)));
	rcu_read_unlock();
	sk_put_u64(ev, 0); /* pidns_init_start_ts: the child's event only */
	sk_submit(ev);
}

/* ======================= entry points (sk.h) ======================= */

bool sk_fill_sys_exit(struct pt_regs *regs, long ret, unsigned int nr)
{
	switch (nr) {
	case NR_open:
	case NR_openat:
	case NR_openat2:
	case NR_creat:
		sk_x_open(regs, ret, nr);
		break;
	case NR_close: {
		struct sk_ev *ev = sk_begin(PPME_SYSCALL_CLOSE_X, 2);

		if (ev) {
			sk_put_u64(ev, ret);
			sk_put_fd(ev, ARG0(regs));
			sk_submit(ev);
		}
		break;
	}
	case NR_dup:
	case NR_dup2:
	case NR_dup3:
		sk_x_dup(regs, ret, nr);
		break;
	case NR_pipe:
	case NR_pipe2:
		sk_x_pipe(regs, ret, nr);
		break;
	case NR_fcntl:
		sk_x_fcntl(regs, ret);
		break;
	case NR_chdir:
	case NR_fchdir:
		sk_x_chdir(regs, ret, nr);
		break;
	case NR_unlink:
	case NR_rmdir:
		sk_x_path1(regs, ret, nr);
		break;
	case NR_rename:
	case NR_link:
	case NR_symlink:
		sk_x_path2(regs, ret, nr);
		break;
	case NR_renameat:
	case NR_renameat2:
	case NR_linkat:
		sk_x_path2at(regs, ret, nr);
		break;
	case NR_symlinkat:
		sk_x_symlinkat(regs, ret);
		break;
	case NR_unlinkat:
	case NR_mkdirat:
		sk_x_pathat(regs, ret, nr);
		break;
	case NR_mkdir:
		sk_x_mkdir(regs, ret);
		break;
	case NR_chmod:
	case NR_fchmod:
	case NR_fchmodat:
		sk_x_chmod(regs, ret, nr);
		break;
	case NR_mount:
		sk_x_mount(regs, ret);
		break;
	case NR_umount2:
		sk_x_umount2(regs, ret);
		break;
	case NR_setns:
	case NR_unshare:
		sk_x_ns(regs, ret, nr);
		break;
	case NR_setuid:
	case NR_setgid:
	case NR_setresuid:
	case NR_setresgid:
		sk_x_setid(regs, ret, nr);
		break;
	case NR_ptrace:
		sk_x_ptrace(regs, ret);
		break;
	case NR_read:
	case NR_write:
	case NR_pread64:
	case NR_pwrite64:
		sk_x_rw(regs, ret, nr);
		break;
	case NR_readv:
	case NR_writev:
		sk_x_rwv(regs, ret, nr);
		break;
	case NR_socket:
		sk_x_socket(regs, ret);
		break;
	case NR_connect:
		sk_x_connect(regs, ret);
		break;
	case NR_bind:
		sk_x_bind(regs, ret);
		break;
	case NR_listen:
		sk_x_listen(regs, ret);
		break;
	case NR_accept:
	case NR_accept4:
		sk_x_accept(regs, ret, nr);
		break;
	case NR_sendto:
	case NR_recvfrom:
		sk_x_sendrecv(regs, ret, nr);
		break;
	case NR_sendmsg:
	case NR_recvmsg:
		sk_x_msg(regs, ret, nr);
		break;
	case NR_clone:
	case NR_clone3:
	case NR_fork:
	case NR_vfork:
		/* ret == 0: the child, reported from sched_process_fork */
		if (ret != 0)
			sk_clone_parent(regs, ret, nr);
		break;
	case NR_execve:
	case NR_execveat:
		/* success: reported from sched_process_exec */
		if (ret != 0)
			sk_exec_event(nr, ret, regs, NULL);
		break;
	default:
		return false;
	}
	return true;
}

/* the child's clone exit event (header tid = child, res = 0), built from
 * the child task in the parent's context */
void sk_fill_fork(struct task_struct *parent, struct task_struct *child)
{
	struct pid_namespace *ns, *tns;
	struct task_struct *reaper;
	struct sk_ev *ev;
	long nr;
	u32 fl = 0;

	if (current->flags & PF_KTHREAD)
		return;
#ifdef CONFIG_COMPAT
	if (in_ia32_syscall())
		return; /* as at sys_exit: 32-bit syscalls are not handled */
#endif
	nr = syscall_get_nr(current, task_pt_regs(current));
	if (!sk_is_clone(nr) || !READ_ONCE(sk_cfg.want[nr]))
		return;
	ev = sk_begin_tid(PPME_SYSCALL_CLONE_20_X, 21, (s64)child->pid);
	if (!ev)
		return;
	sk_put_u64(ev, 0);
	sk_put_proc_common_a(ev, child, true);
	sk_put_proc_common_b(ev, child);
	sk_put_cgroups(ev, child);
	/* the flags are not at hand: rebuild what the child shows, as upstream */
	if (child->pid != child->tgid)
		fl |= PPM_CL_CLONE_THREAD | PPM_CL_CLONE_SIGHAND | PPM_CL_CLONE_VM;
	if (child->files == parent->files)
		fl |= PPM_CL_CLONE_FILES;
	rcu_read_lock();
	ns = ns_of_pid(task_pid(child));
	if (ns && ns->level != 0)
		fl |= PPM_CL_CHILD_IN_PIDNS;
	sk_put_u32(ev, fl);
	sk_put_u32(ev, __kuid_val(sk_cred(child)->euid));
	sk_put_u32(ev, __kgid_val(sk_cred(child)->egid));
	sk_put_u64(ev, (u64)sk_pid_vnr(task_pid(child)));
	sk_put_u64(ev, (u64)sk_pid_vnr(task_tgid(child)));
	tns = ns_of_pid(task_tgid(child));
	reaper = tns ? READ_ONCE(tns->child_reaper) : NULL;
	sk_put_u64(ev, reaper ? reaper->start_time : 0);
	rcu_read_unlock();
	sk_submit(ev);
}

void sk_fill_exec(struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	/* the syscall number as its sys_exit will see it */
	long nr = syscall_get_nr(current, task_pt_regs(current));

#ifdef CONFIG_COMPAT
	if (in_ia32_syscall())
		return; /* a 32-bit image: its sys_exit is not handled either */
#endif
	if (nr != NR_execve && nr != NR_execveat)
		return; /* e.g. kernel_execve() of a kernel thread */
	if (!READ_ONCE(sk_cfg.want[nr]))
		return;
	sk_exec_event((unsigned int)nr, 0, task_pt_regs(current), bprm);
}

/* __WEXITSTATUS & co on the kernel's exit_code */
void sk_fill_procexit(struct task_struct *p)
{
	int code = READ_ONCE(current->exit_code);
	struct sk_ev *ev = sk_begin(PPME_PROCEXIT_1_E, 5);

	if (!ev)
		return;
	sk_put_u64(ev, (u64)(s64)code);  /* status */
	sk_put_u64(ev, (u64)scap_exit_ret(code)); /* ret */
	sk_put_u8(ev, scap_exit_sig(code)); /* sig */
	sk_put_u8(ev, scap_exit_core(code)); /* core */
	sk_put_u64(ev, 0);                /* reaper_tid (not yet) */
	sk_submit(ev);
}

// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * scapkit: the kmod engine's driver. Syscall and scheduler tracepoints
 * write events in the .scap EV_V2 encoding into one ring per CPU; a single
 * consumer maps the rings through /dev/scapkit (contract: kmod_api.h).
 *
 * This file: the misc device, the rings and their mapping, the ioctls, the
 * tracepoints (found by name with for_each_kernel_tracepoint(): their
 * symbols are not exported), the event builder and the generic event. The
 * events themselves are in sk_fill.c.
 *
 * Lifetime: open() takes the device (one consumer); SETUP allocates the
 * rings and attaches the probes; START/STOP gate the writing; release()
 * detaches, waits for running probes (tracepoint_synchronize_unregister)
 * and frees. A mapping holds the file, so release() runs after munmap.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/syscall.h>
#ifdef CONFIG_COMPAT
#include <asm/compat.h>
#endif

#include "sk.h"

#ifndef SCAPKIT_VERSION
#define SCAPKIT_VERSION "unknown"
#endif

static uint api_version_override;
module_param(api_version_override, uint, 0444);
MODULE_PARM_DESC(api_version_override,
		 "tests only: report this API version (major << 16 | minor) instead of the real one");

struct sk_cpu {
	void *area;                  /* vmalloc_user: ring page + data */
	struct scap_kmod_ring *ring; /* shared with the consumer: only tail is read back */
	u8 *data;
	u64 head;                    /* the driver's own copy: never read back from the page */
	struct sk_ev ev;
	u8 *scratch;                 /* SCAP_KMOD_MAX_EVENT */
	char *tmp;                   /* SK_TMP_SIZE */
	u64 n_evts, n_drops_full, n_drops_probe, n_drops_too_large;
};

struct sk_cfg sk_cfg;

static DEFINE_MUTEX(sk_lock);      /* ioctls, open, release */
static atomic_t sk_open_count = ATOMIC_INIT(0);
static struct sk_cpu *sk_cpus;     /* nr_cpu_ids entries, set before the probes attach */
static u64 sk_ring_bytes;

/* ---- tracepoints ---- */

static void sk_tp_sys_exit(void *data, struct pt_regs *regs, long ret);
static void sk_tp_fork(void *data, struct task_struct *parent, struct task_struct *child);
static void sk_tp_exec(void *data, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm);
static void sk_tp_exit(void *data, struct task_struct *p);

static struct sk_tp {
	const char *name;
	void *probe;
	struct tracepoint *tp;
	bool attached;
} sk_tps[] = {
	{"sys_exit", sk_tp_sys_exit},
	{"sched_process_fork", sk_tp_fork},
	{"sched_process_exec", sk_tp_exec},
	{"sched_process_exit", sk_tp_exit},
};

static void sk_find_tp(struct tracepoint *tp, void *priv)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sk_tps); i++)
		if (strcmp(tp->name, sk_tps[i].name) == 0)
			sk_tps[i].tp = tp;
}

static void sk_detach(void)
{
	size_t i;
	bool any = false;

	for (i = 0; i < ARRAY_SIZE(sk_tps); i++) {
		if (!sk_tps[i].attached)
			continue;
		tracepoint_probe_unregister(sk_tps[i].tp, sk_tps[i].probe, NULL);
		sk_tps[i].attached = false;
		any = true;
	}
	if (any)
		tracepoint_synchronize_unregister(); /* no probe runs after this */
}

static int sk_attach(void)
{
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(sk_tps); i++) {
		if (!sk_tps[i].tp) {
			pr_err("tracepoint %s not found\n", sk_tps[i].name);
			sk_detach();
			return -ENOENT;
		}
		err = tracepoint_probe_register(sk_tps[i].tp, sk_tps[i].probe, NULL);
		if (err) {
			pr_err("cannot attach to tracepoint %s: %d\n", sk_tps[i].name, err);
			sk_detach();
			return err;
		}
		sk_tps[i].attached = true;
	}
	return 0;
}

/* ---- rings ---- */

static size_t sk_region_bytes(void)
{
	return PAGE_SIZE + (size_t)sk_ring_bytes;
}

static void sk_free_array(struct sk_cpu *cpus)
{
	unsigned int cpu;

	if (!cpus)
		return;
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		vfree(cpus[cpu].area);
		vfree(cpus[cpu].scratch);
		vfree(cpus[cpu].tmp);
	}
	kfree(cpus);
}

static void sk_free_cpus(void)
{
	sk_free_array(sk_cpus);
	sk_cpus = NULL;
	sk_ring_bytes = 0;
}

/* Published (release) only once complete: sk_mmap() reads it without the
 * lock (mmap runs under the mm's lock, which an ioctl's user copy can take
 * while holding sk_lock). Freed only by release(), when nothing maps it. */
static int sk_alloc_cpus(u64 ring_bytes)
{
	struct sk_cpu *cpus = kcalloc(nr_cpu_ids, sizeof(*cpus), GFP_KERNEL);
	unsigned int cpu;

	if (!cpus)
		return -ENOMEM;
	sk_ring_bytes = ring_bytes;
	for_each_possible_cpu(cpu) {
		struct sk_cpu *c = &cpus[cpu];

		c->area = vmalloc_user(sk_region_bytes()); /* zeroed, mappable */
		c->scratch = vmalloc(SCAP_KMOD_MAX_EVENT);
		c->tmp = vmalloc(SK_TMP_SIZE);
		if (!c->area || !c->scratch || !c->tmp) {
			sk_free_array(cpus);
			sk_ring_bytes = 0;
			return -ENOMEM;
		}
		c->ring = c->area;
		c->data = (u8 *)c->area + PAGE_SIZE;
		c->ev.buf = c->scratch;
	}
	smp_store_release(&sk_cpus, cpus);
	return 0;
}

/* Copy one finished event into this CPU's ring, or count the drop. */
static void sk_ring_write(struct sk_cpu *c, const u8 *ev, u32 len)
{
	u64 tail = smp_load_acquire(&c->ring->tail);
	u64 used = c->head - tail;
	u32 mask = (u32)sk_ring_bytes - 1;
	u32 off, first;

	/* a tail beyond head or further back than the ring (a confused or
	 * hostile consumer) reads as full: nothing is overwritten */
	if (used > sk_ring_bytes || sk_ring_bytes - used < len) {
		c->n_drops_full++;
		return;
	}
	off = (u32)c->head & mask;
	first = min_t(u32, len, (u32)sk_ring_bytes - off);
	memcpy(c->data + off, ev, first);
	if (first < len)
		memcpy(c->data, ev + first, len - first);
	c->head += len;
	smp_store_release(&c->ring->head, c->head);
	c->n_evts++;
}

/* ---- event builder (sk.h) ---- */

static struct sk_cpu *sk_this_cpu(void)
{
	struct sk_cpu *c = READ_ONCE(sk_cpus);

	return c ? &c[smp_processor_id()] : NULL;
}

char *sk_tmp(void)
{
	return sk_this_cpu()->tmp;
}

struct sk_ev *sk_begin_tid(u16 type, u32 nparams, s64 tid)
{
	struct sk_cpu *c = sk_this_cpu();
	struct sk_ev *ev;
	u64 ts;

	if (!c)
		return NULL;
	if (nparams > 64) {
		c->n_drops_probe++;
		return NULL;
	}
	ev = &c->ev;
	ts = sk_cfg.boot_offset + ktime_get_boottime_ns();
	memcpy(ev->buf + 0, &ts, 8);
	memcpy(ev->buf + 8, &tid, 8);
	/* len (offset 16) is written by sk_submit() */
	memcpy(ev->buf + 20, &type, 2);
	memcpy(ev->buf + 22, &nparams, 4);
	ev->nparams = nparams;
	ev->idx = 0;
	ev->pos = SK_HDR_LEN + nparams * 2;
	ev->pstart = ev->pos;
	ev->overflow = false;
	return ev;
}

struct sk_ev *sk_begin(u16 type, u32 nparams)
{
	return sk_begin_tid(type, nparams, (s64)current->pid);
}

void sk_submit(struct sk_ev *ev)
{
	struct sk_cpu *c = sk_this_cpu();
	u32 len = ev->pos;

	if (ev->overflow) {
		c->n_drops_too_large++;
		return;
	}
	if (ev->idx != ev->nparams) { /* a filler bug: never hand out a malformed event */
		u16 type;

		memcpy(&type, ev->buf + 20, 2);
		pr_warn_once("event type %u: %u parameters written, %u declared; dropped\n", type, ev->idx,
			     ev->nparams);
		c->n_drops_probe++;
		return;
	}
	memcpy(ev->buf + 16, &len, 4);
	sk_ring_write(c, ev->buf, len);
}

bool sk_raw(struct sk_ev *ev, const void *p, u32 n)
{
	if (ev->overflow || n > SCAP_KMOD_MAX_EVENT - ev->pos) {
		ev->overflow = true;
		return false;
	}
	memcpy(ev->buf + ev->pos, p, n);
	ev->pos += n;
	return true;
}

u32 sk_raw_kstr(struct sk_ev *ev, const char *s, u32 max)
{
	size_t n;

	if (!s || max == 0)
		return 0;
	n = strnlen(s, max - 1);
	if (ev->overflow || n + 1 > SCAP_KMOD_MAX_EVENT - ev->pos) {
		ev->overflow = true;
		return 0;
	}
	memcpy(ev->buf + ev->pos, s, n);
	ev->buf[ev->pos + n] = '\0';
	ev->pos += n + 1;
	return n + 1;
}

u32 sk_raw_ustr(struct sk_ev *ev, const char __user *p, u32 max)
{
	u32 room = SCAP_KMOD_MAX_EVENT - ev->pos;
	u32 lim = min(max, room);
	long n;

	if (!p || max == 0 || ev->overflow)
		return 0;
	if (lim == 0) {
		ev->overflow = true;
		return 0;
	}
	/* strncpy_from_user_nofault() is not exported (6.1): the same with
	 * page faults disabled (a missing page fails instead of sleeping) */
	if (!access_ok(p, 1))
		return 0;
	pagefault_disable();
	n = strncpy_from_user(ev->buf + ev->pos, p, lim);
	pagefault_enable();
	if (n < 0)
		return 0;
	if (n >= lim) { /* no NUL within lim bytes */
		if (lim < max) { /* cut by the event bound, not by max */
			ev->overflow = true;
			return 0;
		}
		n = lim - 1; /* truncated at max, like bpf_probe_read_user_str */
	}
	ev->buf[ev->pos + n] = '\0';
	ev->pos += n + 1;
	return n + 1;
}

u32 sk_raw_ubytes(struct sk_ev *ev, const void __user *p, u32 n)
{
	if (!p || n == 0 || ev->overflow)
		return 0;
	if (n > SCAP_KMOD_MAX_EVENT - ev->pos) {
		ev->overflow = true;
		return 0;
	}
	if (copy_from_user_nofault(ev->buf + ev->pos, p, n))
		return 0;
	ev->pos += n;
	return n;
}

void sk_put_len(struct sk_ev *ev, u32 len)
{
	u16 l = (u16)len;

	if (len > 0xffff)
		ev->overflow = true;
	if (ev->idx < ev->nparams)
		memcpy(ev->buf + SK_HDR_LEN + ev->idx * 2, &l, 2);
	ev->idx++; /* one too many is caught by sk_submit() */
}

/* ---- probes ---- */

static void sk_tp_sys_exit(void *data, struct pt_regs *regs, long ret)
{
	long nr;
	struct sk_ev *ev;

	if (!READ_ONCE(sk_cfg.capture_on))
		return;
#ifdef CONFIG_COMPAT
	if (in_ia32_syscall())
		return; /* 32-bit syscall numbers differ: not handled (as the bpf engine) */
#endif
	nr = syscall_get_nr(current, regs);
	if (nr < 0 || nr >= SCAP_KMOD_SC_MAX || !READ_ONCE(sk_cfg.want[nr]))
		return;
	if (nr == NR_clock_nanosleep && current->tgid == READ_ONCE(sk_cfg.waiter_tgid) &&
	    regs->dx == READ_ONCE(sk_cfg.waiter_req))
		return; /* the consumer's own idle wait: capturing it would feed itself */
	if (sk_fill_sys_exit(regs, ret, (unsigned int)nr))
		return;
	ev = sk_begin(PPME_GENERIC_X, 2);
	if (!ev)
		return;
	sk_put_u16(ev, READ_ONCE(sk_cfg.ppm_sc[nr]));
	sk_put_u16(ev, (u16)nr);
	sk_submit(ev);
}

static void sk_tp_fork(void *data, struct task_struct *parent, struct task_struct *child)
{
	if (READ_ONCE(sk_cfg.capture_on))
		sk_fill_fork(parent, child);
}

static void sk_tp_exec(void *data, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	if (READ_ONCE(sk_cfg.capture_on))
		sk_fill_exec(p, old_pid, bprm);
}

static void sk_tp_exit(void *data, struct task_struct *p)
{
	if (READ_ONCE(sk_cfg.capture_on))
		sk_fill_procexit(p);
}

/* ---- device ---- */

static int sk_open(struct inode *inode, struct file *f)
{
	if (atomic_cmpxchg(&sk_open_count, 0, 1) != 0)
		return -EBUSY; /* one consumer at a time */
	return 0;
}

static int sk_release(struct inode *inode, struct file *f)
{
	mutex_lock(&sk_lock);
	WRITE_ONCE(sk_cfg.capture_on, 0);
	sk_detach();
	sk_free_cpus();
	memset(&sk_cfg, 0, sizeof(sk_cfg));
	mutex_unlock(&sk_lock);
	atomic_set(&sk_open_count, 0);
	return 0;
}

static int sk_setup(const struct scap_kmod_setup *s)
{
	u64 rb = s->ring_bytes;
	int err;

	if (sk_cpus)
		return -EBUSY;
	if (rb < SCAP_KMOD_MIN_RING || rb > SCAP_KMOD_MAX_RING || (rb & (rb - 1)) != 0 || rb < PAGE_SIZE)
		return -EINVAL;
	memset(&sk_cfg, 0, sizeof(sk_cfg));
	sk_cfg.snaplen = SCAP_DEFAULT_SNAPLEN;
	sk_cfg.boot_offset = ktime_get_real_ns() - ktime_get_boottime_ns();
	err = sk_alloc_cpus(rb);
	if (err)
		return err;
	return sk_attach(); /* on failure the rings stay until release() */
}

static long sk_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	long err = 0;

	mutex_lock(&sk_lock);
	switch (cmd) {
	case SCAP_KMOD_IOC_INFO: {
		struct scap_kmod_info info;

		memset(&info, 0, sizeof(info));
		info.api_version = api_version_override ? api_version_override : SCAP_KMOD_API_VERSION;
		info.ncpus = nr_cpu_ids;
		info.page_size = PAGE_SIZE;
		info.ring_bytes = sk_ring_bytes;
		strscpy(info.module_version, SCAPKIT_VERSION, sizeof(info.module_version));
		if (copy_to_user(uarg, &info, sizeof(info)))
			err = -EFAULT;
		break;
	}
	case SCAP_KMOD_IOC_SETUP: {
		struct scap_kmod_setup s;

		if (copy_from_user(&s, uarg, sizeof(s)))
			err = -EFAULT;
		else
			err = sk_setup(&s);
		break;
	}
	case SCAP_KMOD_IOC_START:
	case SCAP_KMOD_IOC_STOP:
		if (!sk_cpus)
			err = -ENXIO;
		else
			WRITE_ONCE(sk_cfg.capture_on, cmd == SCAP_KMOD_IOC_START);
		break;
	case SCAP_KMOD_IOC_SYSCALLS: {
		struct scap_kmod_syscalls *s = kmalloc(sizeof(*s), GFP_KERNEL);
		unsigned int i;

		if (!s) {
			err = -ENOMEM;
			break;
		}
		if (copy_from_user(s, uarg, sizeof(*s))) {
			err = -EFAULT;
		} else {
			for (i = 0; i < SCAP_KMOD_SC_MAX; i++) {
				WRITE_ONCE(sk_cfg.ppm_sc[i], s->ppm_sc[i]);
				WRITE_ONCE(sk_cfg.want[i], s->want[i] ? 1 : 0);
			}
		}
		kfree(s);
		break;
	}
	case SCAP_KMOD_IOC_SNAPLEN: {
		u32 v;

		if (copy_from_user(&v, uarg, sizeof(v)))
			err = -EFAULT;
		else if (v > SCAP_MAX_SNAPLEN)
			err = -EINVAL;
		else
			WRITE_ONCE(sk_cfg.snaplen, v);
		break;
	}
	case SCAP_KMOD_IOC_WAITER: {
		struct scap_kmod_waiter w;

		if (copy_from_user(&w, uarg, sizeof(w))) {
			err = -EFAULT;
		} else {
			WRITE_ONCE(sk_cfg.waiter_req, w.req);
			WRITE_ONCE(sk_cfg.waiter_tgid, w.tgid);
		}
		break;
	}
	case SCAP_KMOD_IOC_STATS: {
		struct scap_kmod_stats st;
		unsigned int cpu;

		memset(&st, 0, sizeof(st));
		if (sk_cpus) {
			for_each_possible_cpu(cpu) {
				st.n_evts += READ_ONCE(sk_cpus[cpu].n_evts);
				st.n_drops_full += READ_ONCE(sk_cpus[cpu].n_drops_full);
				st.n_drops_probe += READ_ONCE(sk_cpus[cpu].n_drops_probe);
				st.n_drops_too_large += READ_ONCE(sk_cpus[cpu].n_drops_too_large);
			}
		}
		if (copy_to_user(uarg, &st, sizeof(st)))
			err = -EFAULT;
		break;
	}
	default:
		err = -ENOTTY;
	}
	mutex_unlock(&sk_lock);
	return err;
}

/* CPU c's region: offset c * (page + ring_bytes), exactly that long. */
static int sk_mmap(struct file *f, struct vm_area_struct *vma)
{
	struct sk_cpu *cpus = smp_load_acquire(&sk_cpus);
	unsigned long off = vma->vm_pgoff << PAGE_SHIFT;
	unsigned long len = vma->vm_end - vma->vm_start;
	unsigned long region, cpu;

	if (!cpus)
		return -ENXIO;
	region = sk_region_bytes();
	cpu = off / region;
	if (off % region != 0 || len != region || cpu >= nr_cpu_ids || !cpus[cpu].area)
		return -EINVAL;
	return remap_vmalloc_range(vma, cpus[cpu].area, 0);
}

static const struct file_operations sk_fops = {
	.owner = THIS_MODULE,
	.open = sk_open,
	.release = sk_release,
	.unlocked_ioctl = sk_ioctl,
	.mmap = sk_mmap,
	.llseek = noop_llseek,
};

static struct miscdevice sk_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = SCAP_KMOD_NAME,
	.fops = &sk_fops,
	.mode = 0600,
};

static int __init sk_init(void)
{
	size_t i;
	int err;

	for_each_kernel_tracepoint(sk_find_tp, NULL);
	for (i = 0; i < ARRAY_SIZE(sk_tps); i++) {
		if (!sk_tps[i].tp) {
			pr_err("tracepoint %s not found in this kernel\n", sk_tps[i].name);
			return -ENOENT;
		}
	}
	err = misc_register(&sk_misc);
	if (err) {
		pr_err("cannot register /dev/%s: %d\n", SCAP_KMOD_NAME, err);
		return err;
	}
	pr_info("loaded, API %u.%u, version %s\n", SCAP_KMOD_API_MAJOR, SCAP_KMOD_API_MINOR, SCAPKIT_VERSION);
	return 0;
}

static void __exit sk_exit(void)
{
	misc_deregister(&sk_misc); /* the device is not open: the module is pinned while it is */
}

module_init(sk_init);
module_exit(sk_exit);
MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("scapkit capture driver: syscall events in the .scap format");
MODULE_VERSION(SCAPKIT_VERSION);

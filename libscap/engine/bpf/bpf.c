/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The "bpf" live engine (x86_64): loads probe.bpf.c (CO-RE, through its
 * libbpf skeleton), which writes events in the .scap EV_V2 encoding into a
 * BPF ring buffer. Events are handed out in place: the ring is mapped here
 * (the layout libbpf's ring_buffer uses) and a record is released only when
 * the next one is asked for, so the event stays valid until the next
 * scap_next() as the API promises, with no copy and no allocation per event.
 * The probe writes with BPF_RB_NO_WAKEUP; next() polls with a short sleep.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "scap_int.h"
#include "event_table.h"
#include "probe_shared.h"
#include "scap_bpf.skel.h"

#define DEFAULT_RING_BYTES (8u * 1024 * 1024)
#define MAX_RING_BYTES (1024u * 1024 * 1024)
#define BTF_PATH "/sys/kernel/btf/vmlinux"

struct bpf_eng {
	struct scap_bpf *skel;
	void *cons_map; /* consumer page (rw) */
	void *prod_map; /* producer page + data mapped twice (ro) */
	size_t page, ring_bytes;
	unsigned long *consumer_pos;
	const unsigned long *producer_pos;
	const uint8_t *data;
	unsigned long cons;    /* position after the record handed out last */
	bool pending;          /* a record is held until the next call */
	struct timespec wait_ts; /* the request of the idle wait (its address marks it) */
	int ncpu;
	uint64_t *cntv;        /* ncpu counter values (stats) */
	uint64_t n_bad;        /* malformed records skipped */
	char libbpf_first[120]; /* first and last libbpf warnings during open */
	char libbpf_last[120];
};

/* ---- libbpf messages -> the scap log callback (never printed) ---- */
static __thread scap_t *tls_h;
static __thread struct bpf_eng *tls_e;

static int print_fn(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	char msg[512];
	int n;

	if (!tls_h)
		return 0;
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		return 0;
	n = (int)strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	if (n == 0)
		return 0;
	const char *m = strncmp(msg, "libbpf: ", 8) == 0 ? msg + 8 : msg;
	if (lvl == LIBBPF_WARN && tls_e) {
		char *dst = tls_e->libbpf_first[0] ? tls_e->libbpf_last : tls_e->libbpf_first;
		size_t ml = strlen(m);
		if (ml >= sizeof(tls_e->libbpf_first))
			ml = sizeof(tls_e->libbpf_first) - 1;
		memcpy(dst, m, ml);
		dst[ml] = '\0';
	}
	scap_log(tls_h, lvl == LIBBPF_WARN ? SCAP_LOG_WARN : lvl == LIBBPF_INFO ? SCAP_LOG_INFO : SCAP_LOG_DEBUG,
		 "libbpf: %s", m);
	return 0;
}

struct print_scope {
	libbpf_print_fn_t old;
};

static void print_begin(struct print_scope *ps, scap_t *h, struct bpf_eng *e)
{
	tls_h = h;
	tls_e = e;
	ps->old = libbpf_set_print(print_fn);
}

static void print_end(struct print_scope *ps)
{
	libbpf_set_print(ps->old);
	tls_h = NULL;
	tls_e = NULL;
}

/* ---- helpers ---- */
static bool have_bpf_caps(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &hdr, d) != 0)
		return geteuid() == 0;
#define HAS_CAP(c) ((d[(c) / 32].effective >> ((c) % 32)) & 1u)
	if (HAS_CAP(21 /* CAP_SYS_ADMIN */))
		return true;
	return HAS_CAP(39 /* CAP_BPF */) && HAS_CAP(38 /* CAP_PERFMON */);
#undef HAS_CAP
}

static void eng_free(scap_t *h, struct bpf_eng *e)
{
	struct print_scope ps;

	if (!e)
		return;
	if (e->prod_map)
		munmap(e->prod_map, e->page + 2 * e->ring_bytes);
	if (e->cons_map)
		munmap(e->cons_map, e->page);
	if (e->skel) {
		print_begin(&ps, h, NULL);
		scap_bpf__destroy(e->skel);
		print_end(&ps);
	}
	free(e->cntv);
	free(e);
}

static int libbpf_fail(scap_t *h, struct bpf_eng *e, const char *what, int err)
{
	if (err > 0)
		err = -err;
	char why[128];
	if (libbpf_strerror(err, why, sizeof(why)) != 0) /* libbpf's own codes (>= 4000) too */
		snprintf(why, sizeof(why), "%s", strerror(-err));
	return scap_seterr(h, err == -EPERM || err == -EACCES ? SCAP_ERR_IO : SCAP_ERR_GENERIC,
			   "bpf engine: %s failed: %s%s%s%s%s%s", what, why,
			   e->libbpf_first[0] ? " (libbpf: " : "", e->libbpf_first,
			   e->libbpf_last[0] ? " ... " : "", e->libbpf_last, e->libbpf_first[0] ? ")" : "");
}

/* The syscalls that produce a selected event go into the probe's
 * "interesting" map; mask NULL selects every syscall. */
static int select_syscalls(scap_t *h, struct bpf_eng *e, const uint8_t *mask, size_t n)
{
	uint8_t want[SCAP_BPF_SC_MAX];
	struct print_scope ps;
	int err = 0;

	scap_live_want_syscalls(mask, n, want, SCAP_BPF_SC_MAX);
	print_begin(&ps, h, e);
	for (uint32_t nr = 0; nr < SCAP_BPF_SC_MAX && !err; nr++)
		err = bpf_map__update_elem(e->skel->maps.interesting, &nr, sizeof(nr), &want[nr], 1, BPF_ANY);
	print_end(&ps);
	if (err)
		return libbpf_fail(h, e, "setting the syscall selection", err);
	return SCAP_OK;
}

static int bpf_configure(scap_t *h, int setting, const void *arg)
{
	const struct scap_cfg_mask *m = arg;
	struct bpf_eng *e = h->engine_data;

	if (setting != SCAP_CFG_EVENT_MASK)
		return scap_seterr(h, SCAP_ERR_NOTSUP, "bpf engine: unknown setting %d", setting);
	return select_syscalls(h, e, m->mask, m->n);
}

static int map_ring(scap_t *h, struct bpf_eng *e)
{
	int fd = bpf_map__fd(e->skel->maps.rb);

	e->cons_map = mmap(NULL, e->page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (e->cons_map == MAP_FAILED) {
		e->cons_map = NULL;
		return scap_seterr(h, SCAP_ERR_IO, "bpf engine: cannot map the ring buffer: %s", strerror(errno));
	}
	/* the data pages are mapped twice in a row: a record that wraps is
	 * contiguous */
	e->prod_map = mmap(NULL, e->page + 2 * e->ring_bytes, PROT_READ, MAP_SHARED, fd, (off_t)e->page);
	if (e->prod_map == MAP_FAILED) {
		e->prod_map = NULL;
		return scap_seterr(h, SCAP_ERR_IO, "bpf engine: cannot map the ring buffer: %s", strerror(errno));
	}
	e->consumer_pos = e->cons_map;
	e->producer_pos = e->prod_map;
	e->data = (const uint8_t *)e->prod_map + e->page;
	e->cons = __atomic_load_n(e->consumer_pos, __ATOMIC_ACQUIRE);
	return SCAP_OK;
}

static int bpf_open(scap_t *h, const struct scap_open_opts *opts)
{
	struct print_scope ps;
	struct bpf_eng *e;
	size_t ring = opts->ring_bytes ? opts->ring_bytes : DEFAULT_RING_BYTES;
	long page = sysconf(_SC_PAGESIZE);
	int err;

	uint32_t snaplen = opts->snaplen ? opts->snaplen : SCAP_BPF_DEFAULT_SNAPLEN;

	if (page <= 0)
		page = 4096;
	if (snaplen > SCAP_BPF_MAX_SNAPLEN)
		return scap_seterr(h, SCAP_ERR_INVAL, "bpf engine: snaplen %" PRIu32 " is too large (at most %d bytes)",
				   snaplen, SCAP_BPF_MAX_SNAPLEN);
	/* preflight, before libbpf, so that the common failures read clearly */
	if (ring < (size_t)page || ring > MAX_RING_BYTES || (ring & (ring - 1)) != 0)
		return scap_seterr(h, SCAP_ERR_INVAL,
				   "bpf engine: ring_bytes %zu is invalid: it must be a power of two from %ld to %u bytes",
				   opts->ring_bytes, page, MAX_RING_BYTES);
	if (opts->btf_path && access(opts->btf_path, R_OK) != 0)
		return scap_seterr(h, SCAP_ERR_NOTSUP, "bpf engine: cannot read the BTF file '%s': %s", opts->btf_path,
				   strerror(errno));
	if (!opts->btf_path && access(BTF_PATH, R_OK) != 0)
		return scap_seterr(h, SCAP_ERR_NOTSUP,
				   "bpf engine: kernel BTF " BTF_PATH " is missing (%s): a kernel >= 5.8 built with "
				   "CONFIG_DEBUG_INFO_BTF=y is needed (or give a BTF file in btf_path)",
				   strerror(errno));
	if (!have_bpf_caps())
		return scap_seterr(h, SCAP_ERR_IO,
				   "bpf engine: permission denied: run as root or with CAP_BPF and CAP_PERFMON");
	{
		/* kernels >= 5.11 account BPF memory to the memory cgroup; the
		 * rlimit only matters before that: best effort */
		struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
		if (setrlimit(RLIMIT_MEMLOCK, &rl) != 0)
			scap_log(h, SCAP_LOG_DEBUG, "bpf: setrlimit(RLIMIT_MEMLOCK) failed: %s (ignored)",
				 strerror(errno));
	}

	e = calloc(1, sizeof(*e));
	if (!e)
		return scap_seterr(h, SCAP_ERR_NOMEM, "bpf engine: out of memory");
	e->page = (size_t)page;
	e->ring_bytes = ring;
	e->ncpu = libbpf_num_possible_cpus();
	if (e->ncpu <= 0) {
		err = scap_seterr(h, SCAP_ERR_GENERIC, "bpf engine: cannot count the possible CPUs: %s",
				  strerror(-e->ncpu));
		free(e);
		return err;
	}
	e->cntv = calloc((size_t)e->ncpu, sizeof(uint64_t));
	if (!e->cntv) {
		free(e);
		return scap_seterr(h, SCAP_ERR_NOMEM, "bpf engine: out of memory");
	}

	print_begin(&ps, h, e);
	{
		LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = opts->btf_path);
		e->skel = scap_bpf__open_opts(&oo);
	}
	if (!e->skel) {
		err = libbpf_fail(h, e, "opening the probe", errno ? errno : EINVAL);
		goto fail;
	}
	err = bpf_map__set_max_entries(e->skel->maps.rb, (uint32_t)ring);
	if (err) {
		err = libbpf_fail(h, e, "sizing the ring buffer", err);
		goto fail;
	}
	e->skel->rodata->boot_time = scap_live_clock_ns(CLOCK_REALTIME) - scap_live_clock_ns(CLOCK_BOOTTIME);
	e->skel->rodata->rb_flags = BPF_RB_NO_WAKEUP;
	e->skel->rodata->procexit_on = 1;
	e->skel->rodata->snaplen = snaplen;
	for (uint32_t nr = 0; nr < SCAP_BPF_SC_MAX && nr < SCAP_SYSCALL_TABLE_SIZE; nr++)
		e->skel->rodata->ppm_sc_of_nr[nr] = scap_syscall_x86_64_table[nr].ppm_sc;
	err = scap_bpf__load(e->skel);
	if (err) {
		err = libbpf_fail(h, e, "loading the probe", err);
		goto fail;
	}
	err = select_syscalls(h, e, NULL, 0);
	if (err)
		goto fail;
	err = map_ring(h, e);
	if (err)
		goto fail;
	err = scap_bpf__attach(e->skel);
	if (err) {
		err = libbpf_fail(h, e, "attaching the probe", err);
		goto fail;
	}
	print_end(&ps);
	e->skel->bss->waiter_tgid = (uint32_t)getpid();
	e->skel->bss->waiter_req = (uint64_t)(uintptr_t)&e->wait_ts;
	e->skel->bss->capture_on = 1;
	h->engine_data = e;
	scap_live_machine_info(h);
	return SCAP_OK;
fail:
	print_end(&ps);
	eng_free(h, e);
	return err;
}

static void bpf_close(scap_t *h)
{
	struct bpf_eng *e = h->engine_data;

	if (!e)
		return;
	e->skel->bss->capture_on = 0;
	eng_free(h, e);
	h->engine_data = NULL;
}

/* The next ready record, or NULL; *next_pos is the position after it. */
static const uint8_t *ring_peek(struct bpf_eng *e, uint32_t *size, unsigned long *next_pos)
{
	unsigned long mask = e->ring_bytes - 1;

	for (;;) {
		unsigned long prod = __atomic_load_n(e->producer_pos, __ATOMIC_ACQUIRE);
		if (e->cons >= prod)
			return NULL;
		const uint8_t *hdr = e->data + (e->cons & mask);
		uint32_t len = __atomic_load_n((const uint32_t *)hdr, __ATOMIC_ACQUIRE);
		if (len & BPF_RINGBUF_BUSY_BIT)
			return NULL; /* being written: the records after it must wait too */
		uint32_t sz = len & ~(uint32_t)(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
		unsigned long next = e->cons + ((sz + BPF_RINGBUF_HDR_SZ + 7) & ~7ul);
		if (len & BPF_RINGBUF_DISCARD_BIT) {
			e->cons = next;
			__atomic_store_n(e->consumer_pos, e->cons, __ATOMIC_RELEASE);
			continue;
		}
		*size = sz;
		*next_pos = next;
		return hdr + BPF_RINGBUF_HDR_SZ;
	}
}

static int bpf_next(scap_t *h)
{
	struct bpf_eng *e = h->engine_data;
	char why[160];

	if (e->pending) { /* release the record handed out last */
		__atomic_store_n(e->consumer_pos, e->cons, __ATOMIC_RELEASE);
		e->pending = false;
	}
	for (int attempt = 0; attempt < 2; attempt++) {
		const uint8_t *rec;
		uint32_t size;
		unsigned long next;

		while ((rec = ring_peek(e, &size, &next)) != NULL) {
			struct scap_evt *ev = &h->evt;
			e->cons = next;
			if (size >= SCAP_BPF_REC_PREFIX &&
			    scap_evt_decode(ev, rec + SCAP_BPF_REC_PREFIX, size - SCAP_BPF_REC_PREFIX, 2, why,
					    sizeof(why)) == SCAP_OK) {
				ev->cpu = scap_rd16(rec);
				h->stats.bytes_read += size - SCAP_BPF_REC_PREFIX;
				ev->flags = 0;
				ev->offset = 0;
				e->pending = true;
				return SCAP_OK;
			}
			/* a probe bug: skip the record, never stop the stream */
			if (size < SCAP_BPF_REC_PREFIX)
				snprintf(why, sizeof(why), "record of %" PRIu32 " bytes", size);
			if (e->n_bad++ < 10)
				scap_log(h, SCAP_LOG_WARN, "bpf: malformed record skipped: %s", why);
			__atomic_store_n(e->consumer_pos, e->cons, __ATOMIC_RELEASE);
		}
		if (attempt == 0)
			scap_live_idle_wait(&e->wait_ts); /* not captured: waiter_req */
	}
	return SCAP_TIMEOUT;
}

static int bpf_start(scap_t *h)
{
	struct bpf_eng *e = h->engine_data;

	__atomic_store_n(&e->skel->bss->capture_on, 1, __ATOMIC_RELEASE);
	return SCAP_OK;
}

static int bpf_stop(scap_t *h)
{
	struct bpf_eng *e = h->engine_data;

	__atomic_store_n(&e->skel->bss->capture_on, 0, __ATOMIC_RELEASE);
	return SCAP_OK;
}

static uint64_t counter_sum(struct bpf_eng *e, uint32_t k)
{
	uint64_t tot = 0;

	if (bpf_map__lookup_elem(e->skel->maps.counters, &k, sizeof(k), e->cntv, (size_t)e->ncpu * sizeof(uint64_t),
				 0) != 0)
		return 0;
	for (int c = 0; c < e->ncpu; c++)
		tot += e->cntv[c];
	return tot;
}

static void bpf_stats(scap_t *h, struct scap_stats *st)
{
	struct bpf_eng *e = h->engine_data;

	st->n_drops_buffer = counter_sum(e, SCAP_BPF_CNT_DROP_FULL);
	st->n_drops_too_large = counter_sum(e, SCAP_BPF_CNT_DROP_TOO_LARGE);
	st->n_drops_probe = counter_sum(e, SCAP_BPF_CNT_DROP_PROBE);
	st->n_drops = st->n_drops_buffer + st->n_drops_too_large + st->n_drops_probe;
}

const struct scap_engine_ops scap_bpf_engine = {
	.version = SCAP_ENGINE_OPS_VERSION,
	.name = "bpf",
	.open = bpf_open,
	.next = bpf_next,
	.close = bpf_close,
	.start = bpf_start,
	.stop = bpf_stop,
	.get_stats = bpf_stats,
	.configure = bpf_configure,
};

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The "kmod" live engine (x86_64): reads the events the scapkit kernel
 * module (engine/kmod/driver/) writes into one ring per CPU, mapped through
 * /dev/scapkit (contract: kernel/kmod_api.h), and merges the per-CPU
 * streams in timestamp order.
 *
 * Events are handed out in place: the bytes of the event returned last are
 * released (the ring's tail advanced) only at the next scap_next(), so the
 * event stays valid until then, with no copy and no allocation per event.
 * An event that wraps around the end of its ring is copied into one buffer
 * allocated at open. The merge looks at the oldest unread event of every
 * CPU and hands out the one with the smallest timestamp: an event that a
 * CPU has not published yet can still come after a newer one of another
 * CPU (the window is the time a probe takes to write an event).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "scap_int.h"
#include "kmod_api.h"

#define DEFAULT_RING_BYTES (8u * 1024 * 1024) /* per CPU */
#define HDR_LEN 26

struct kmod_cpu {
	struct scap_kmod_ring *ring; /* NULL: CPU not possible */
	const uint8_t *data;
	uint64_t tail;  /* consumed so far (our copy of ring->tail) */
	uint64_t head;  /* last head read */
	bool peeked;    /* ts/len below describe the event at tail */
	uint64_t ts;
	uint32_t len;
};

struct kmod_eng {
	int fd;
	uint32_t ncpu;
	size_t ring_bytes, region;
	struct kmod_cpu *cpus;
	uint8_t *wrapbuf;      /* SCAP_KMOD_MAX_EVENT: an event that wraps */
	int pending;           /* CPU of the event handed out last, -1: none */
	struct timespec wait_ts; /* the request of the idle wait (its address marks it) */
	uint64_t n_bad;
	struct scap_kmod_info info;
};

static void eng_free(struct kmod_eng *e)
{
	if (!e)
		return;
	if (e->cpus) {
		for (uint32_t c = 0; c < e->ncpu; c++)
			if (e->cpus[c].ring)
				munmap(e->cpus[c].ring, e->region);
		free(e->cpus);
	}
	if (e->fd >= 0)
		close(e->fd); /* the driver stops, detaches and frees */
	free(e->wrapbuf);
	free(e);
}

static int open_error(scap_t *h, const char *dev, int err)
{
	struct stat st;

	switch (err) {
	case ENOENT:
		if (stat("/sys/module/" SCAP_KMOD_NAME, &st) == 0)
			return scap_seterr(h, SCAP_ERR_IO,
					   "kmod engine: the %s module is loaded but %s is missing (is devtmpfs "
					   "mounted on /dev?)",
					   SCAP_KMOD_NAME, dev);
		return scap_seterr(h, SCAP_ERR_NOTSUP,
				   "kmod engine: %s is missing: the %s kernel module is not loaded (load it with "
				   "insmod scapkit.ko, built in libscap/engine/kmod/driver/ of the build directory)",
				   dev, SCAP_KMOD_NAME);
	case EACCES:
	case EPERM:
		return scap_seterr(h, SCAP_ERR_IO, "kmod engine: cannot open %s: permission denied (run as root)",
				   dev);
	case EBUSY:
		return scap_seterr(h, SCAP_ERR_IO,
				   "kmod engine: %s is busy: another capture has it open (one consumer at a time)", dev);
	default:
		return scap_seterr(h, SCAP_ERR_IO, "kmod engine: cannot open %s: %s", dev, strerror(err));
	}
}

static int ioctl_fail(scap_t *h, const char *what, int err)
{
	return scap_seterr(h, err == ENOMEM ? SCAP_ERR_NOMEM : SCAP_ERR_IO, "kmod engine: %s failed: %s", what,
			   strerror(err));
}

static int send_syscalls(scap_t *h, struct kmod_eng *e, const uint8_t *mask, size_t n)
{
	struct scap_kmod_syscalls sc;

	memset(&sc, 0, sizeof(sc));
	scap_live_want_syscalls(mask, n, sc.want, SCAP_KMOD_SC_MAX);
	for (uint32_t nr = 0; nr < SCAP_KMOD_SC_MAX && nr < SCAP_SYSCALL_TABLE_SIZE; nr++)
		sc.ppm_sc[nr] = scap_syscall_x86_64_table[nr].ppm_sc;
	if (ioctl(e->fd, SCAP_KMOD_IOC_SYSCALLS, &sc) != 0)
		return ioctl_fail(h, "setting the syscall selection", errno);
	return SCAP_OK;
}

static int kmod_configure(scap_t *h, int setting, const void *arg)
{
	const struct scap_cfg_mask *m = arg;

	if (setting != SCAP_CFG_EVENT_MASK)
		return scap_seterr(h, SCAP_ERR_NOTSUP, "kmod engine: unknown setting %d", setting);
	return send_syscalls(h, h->engine_data, m->mask, m->n);
}

static int map_rings(scap_t *h, struct kmod_eng *e)
{
	uint32_t mapped = 0;

	e->cpus = calloc(e->ncpu, sizeof(*e->cpus));
	if (!e->cpus)
		return scap_seterr(h, SCAP_ERR_NOMEM, "kmod engine: out of memory");
	for (uint32_t c = 0; c < e->ncpu; c++) {
		void *p = mmap(NULL, e->region, PROT_READ | PROT_WRITE, MAP_SHARED, e->fd, (off_t)c * (off_t)e->region);
		if (p == MAP_FAILED) {
			if (errno == EINVAL)
				continue; /* not a possible CPU: the driver has no ring for it */
			return scap_seterr(h, SCAP_ERR_IO, "kmod engine: cannot map the ring of CPU %" PRIu32 ": %s",
					   c, strerror(errno));
		}
		e->cpus[c].ring = p;
		e->cpus[c].data = (const uint8_t *)p + e->info.page_size;
		e->cpus[c].tail = __atomic_load_n(&e->cpus[c].ring->tail, __ATOMIC_ACQUIRE);
		mapped++;
	}
	if (mapped == 0)
		return scap_seterr(h, SCAP_ERR_IO, "kmod engine: no ring could be mapped");
	return SCAP_OK;
}

static int kmod_open(scap_t *h, const struct scap_open_opts *opts)
{
	const char *dev = opts->kmod_device ? opts->kmod_device : SCAP_KMOD_DEVICE;
	size_t ring = opts->ring_bytes ? opts->ring_bytes : DEFAULT_RING_BYTES;
	uint32_t snaplen = opts->snaplen ? opts->snaplen : SCAP_DEFAULT_SNAPLEN;
	struct kmod_eng *e;
	int err;

	if (snaplen > SCAP_MAX_SNAPLEN)
		return scap_seterr(h, SCAP_ERR_INVAL, "kmod engine: snaplen %" PRIu32 " is too large (at most %d bytes)",
				   snaplen, SCAP_MAX_SNAPLEN);
	if (ring < SCAP_KMOD_MIN_RING || ring > SCAP_KMOD_MAX_RING || (ring & (ring - 1)) != 0)
		return scap_seterr(h, SCAP_ERR_INVAL,
				   "kmod engine: ring_bytes %zu is invalid: it must be a power of two from %u to %u "
				   "bytes (per CPU)",
				   opts->ring_bytes, SCAP_KMOD_MIN_RING, SCAP_KMOD_MAX_RING);
	e = calloc(1, sizeof(*e));
	if (!e)
		return scap_seterr(h, SCAP_ERR_NOMEM, "kmod engine: out of memory");
	e->pending = -1;
	e->fd = open(dev, O_RDWR | O_CLOEXEC);
	if (e->fd < 0) {
		err = open_error(h, dev, errno);
		goto fail;
	}
	if (ioctl(e->fd, SCAP_KMOD_IOC_INFO, &e->info) != 0) {
		if (errno == ENOTTY || errno == EINVAL)
			err = scap_seterr(h, SCAP_ERR_NOTSUP, "kmod engine: %s is not a %s device (%s)", dev,
					  SCAP_KMOD_NAME, strerror(errno));
		else
			err = ioctl_fail(h, "asking the module for its version", errno);
		goto fail;
	}
	{
		uint32_t maj = e->info.api_version >> 16, min = e->info.api_version & 0xffff;
		/* same major; a minor at least ours (it only adds what we may ignore) */
		if (maj != SCAP_KMOD_API_MAJOR || e->info.api_version < SCAP_KMOD_API_VERSION) {
			char mv[sizeof(e->info.module_version) + 1];
			memcpy(mv, e->info.module_version, sizeof(e->info.module_version));
			mv[sizeof(e->info.module_version)] = '\0';
			err = scap_seterr(h, SCAP_ERR_NOTSUP,
					  "kmod engine: version mismatch: the loaded %s module speaks API %" PRIu32
					  ".%" PRIu32 " (module version %s), this library needs API %d.%d: load the "
					  "scapkit.ko built with this library (version %s)",
					  SCAP_KMOD_NAME, maj, min, mv[0] ? mv : "unknown", SCAP_KMOD_API_MAJOR,
					  SCAP_KMOD_API_MINOR, scap_version());
			goto fail;
		}
	}
	if (e->info.ncpus == 0 || e->info.ncpus > 65536 || e->info.page_size < 4096 ||
	    (e->info.page_size & (e->info.page_size - 1)) != 0) {
		err = scap_seterr(h, SCAP_ERR_FORMAT, "kmod engine: the module reports %" PRIu32 " CPUs and pages of %" PRIu32
				  " bytes: not usable",
				  e->info.ncpus, e->info.page_size);
		goto fail;
	}
	if (ring < e->info.page_size) {
		err = scap_seterr(h, SCAP_ERR_INVAL, "kmod engine: ring_bytes %zu is smaller than a page", ring);
		goto fail;
	}
	{
		struct scap_kmod_setup s = {.ring_bytes = ring};
		if (ioctl(e->fd, SCAP_KMOD_IOC_SETUP, &s) != 0) {
			err = ioctl_fail(h, "allocating the rings and attaching the probes", errno);
			goto fail;
		}
	}
	e->ncpu = e->info.ncpus;
	e->ring_bytes = ring;
	e->region = e->info.page_size + ring;
	e->wrapbuf = malloc(SCAP_KMOD_MAX_EVENT);
	if (!e->wrapbuf) {
		err = scap_seterr(h, SCAP_ERR_NOMEM, "kmod engine: out of memory");
		goto fail;
	}
	err = map_rings(h, e);
	if (err)
		goto fail;
	err = send_syscalls(h, e, NULL, 0);
	if (err)
		goto fail;
	if (ioctl(e->fd, SCAP_KMOD_IOC_SNAPLEN, &snaplen) != 0) {
		err = ioctl_fail(h, "setting the snaplen", errno);
		goto fail;
	}
	{
		struct scap_kmod_waiter w = {.tgid = (uint32_t)getpid(), .req = (uint64_t)(uintptr_t)&e->wait_ts};
		if (ioctl(e->fd, SCAP_KMOD_IOC_WAITER, &w) != 0) {
			err = ioctl_fail(h, "registering the reader", errno);
			goto fail;
		}
	}
	if (ioctl(e->fd, SCAP_KMOD_IOC_START, 0) != 0) {
		err = ioctl_fail(h, "starting the capture", errno);
		goto fail;
	}
	h->engine_data = e;
	scap_live_machine_info(h);
	return SCAP_OK;
fail:
	eng_free(e);
	return err;
}

static void kmod_close(scap_t *h)
{
	eng_free(h->engine_data);
	h->engine_data = NULL;
}

/* n bytes at ring position pos, wrapping at the end */
static void ring_copy(const struct kmod_eng *e, const struct kmod_cpu *c, uint64_t pos, void *dst, uint32_t n)
{
	size_t off = (size_t)(pos & (e->ring_bytes - 1));
	size_t first = e->ring_bytes - off < n ? e->ring_bytes - off : n;

	memcpy(dst, c->data + off, first);
	if (first < n)
		memcpy((uint8_t *)dst + first, c->data, n - first);
}

/* Look at the oldest unread event of CPU c: true when there is one. A
 * length that cannot be right (a driver bug) skips what the CPU has
 * published so far. */
static bool cpu_peek(scap_t *h, struct kmod_eng *e, struct kmod_cpu *c, uint32_t cpu)
{
	uint8_t hdr[HDR_LEN];

	if (c->peeked)
		return true;
	if (c->tail == c->head) {
		c->head = __atomic_load_n(&c->ring->head, __ATOMIC_ACQUIRE);
		if (c->tail == c->head)
			return false;
	}
	uint64_t avail = c->head - c->tail;
	if (avail > e->ring_bytes || avail < HDR_LEN) {
		if (e->n_bad++ < 10)
			scap_log(h, SCAP_LOG_WARN, "kmod: CPU %" PRIu32 ": ring positions inconsistent (%" PRIu64
				   " bytes published); skipped", cpu, avail);
		goto skip;
	}
	ring_copy(e, c, c->tail, hdr, HDR_LEN);
	c->ts = scap_rd64(hdr);
	c->len = scap_rd32(hdr + 16);
	if (c->len < HDR_LEN || c->len > avail || c->len > SCAP_KMOD_MAX_EVENT) {
		if (e->n_bad++ < 10)
			scap_log(h, SCAP_LOG_WARN, "kmod: CPU %" PRIu32 ": event of %" PRIu32
				   " bytes with %" PRIu64 " published; skipped", cpu, c->len, avail);
		goto skip;
	}
	c->peeked = true;
	return true;
skip:
	c->tail = c->head;
	__atomic_store_n(&c->ring->tail, c->tail, __ATOMIC_RELEASE);
	return false;
}

static void cpu_release(struct kmod_cpu *c)
{
	c->tail += c->len;
	c->peeked = false;
	__atomic_store_n(&c->ring->tail, c->tail, __ATOMIC_RELEASE);
}

static int kmod_next(scap_t *h)
{
	struct kmod_eng *e = h->engine_data;
	char why[160];

	if (e->pending >= 0) { /* release the event handed out last */
		cpu_release(&e->cpus[e->pending]);
		e->pending = -1;
	}
	for (int attempt = 0; attempt < 2; attempt++) {
		for (;;) {
			int best = -1;
			for (uint32_t i = 0; i < e->ncpu; i++) {
				struct kmod_cpu *c = &e->cpus[i];
				if (c->ring && cpu_peek(h, e, c, i) && (best < 0 || c->ts < e->cpus[best].ts))
					best = (int)i;
			}
			if (best < 0)
				break;
			struct kmod_cpu *c = &e->cpus[best];
			size_t off = (size_t)(c->tail & (e->ring_bytes - 1));
			const uint8_t *raw = c->data + off;
			if (off + c->len > e->ring_bytes) { /* wraps: copy it out */
				ring_copy(e, c, c->tail, e->wrapbuf, c->len);
				raw = e->wrapbuf;
			}
			if (scap_evt_decode(&h->evt, raw, c->len, 2, why, sizeof(why)) == SCAP_OK) {
				h->evt.cpu = (uint16_t)best;
				h->evt.flags = 0;
				h->evt.offset = 0;
				h->stats.bytes_read += c->len;
				e->pending = best;
				return SCAP_OK;
			}
			/* a driver bug: skip the event, never stop the stream */
			if (e->n_bad++ < 10)
				scap_log(h, SCAP_LOG_WARN, "kmod: malformed event skipped (CPU %d): %s", best, why);
			cpu_release(c);
		}
		if (attempt == 0)
			scap_live_idle_wait(&e->wait_ts); /* not captured: WAITER */
	}
	return SCAP_TIMEOUT;
}

static int kmod_start(scap_t *h)
{
	struct kmod_eng *e = h->engine_data;

	if (ioctl(e->fd, SCAP_KMOD_IOC_START, 0) != 0)
		return ioctl_fail(h, "starting the capture", errno);
	return SCAP_OK;
}

static int kmod_stop(scap_t *h)
{
	struct kmod_eng *e = h->engine_data;

	if (ioctl(e->fd, SCAP_KMOD_IOC_STOP, 0) != 0)
		return ioctl_fail(h, "stopping the capture", errno);
	return SCAP_OK;
}

static void kmod_stats(scap_t *h, struct scap_stats *st)
{
	struct kmod_eng *e = h->engine_data;
	struct scap_kmod_stats ks;

	if (ioctl(e->fd, SCAP_KMOD_IOC_STATS, &ks) != 0)
		return;
	st->n_drops_buffer = ks.n_drops_full;
	st->n_drops_too_large = ks.n_drops_too_large;
	st->n_drops_probe = ks.n_drops_probe;
	st->n_drops = ks.n_drops_full + ks.n_drops_too_large + ks.n_drops_probe;
}

const struct scap_engine_ops scap_kmod_engine = {
	.version = SCAP_ENGINE_OPS_VERSION,
	.name = "kmod",
	.open = kmod_open,
	.next = kmod_next,
	.close = kmod_close,
	.start = kmod_start,
	.stop = kmod_stop,
	.get_stats = kmod_stats,
	.configure = kmod_configure,
};

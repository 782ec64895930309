/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kmod live engine.
 *  - Everywhere: the errors that need no driver: device missing (the module
 *    not loaded), a device that is not the scapkit driver, bad options.
 *  - Where /dev/scapkit exists (the qemu guest of tests/kmod/, as root):
 *    live capture for real: marker syscalls from this thread arrive with
 *    their parameters, the merged per-CPU stream is in timestamp order
 *    (threads on both CPUs), one consumer at a time, start/stop, the event
 *    mask, and drops counted by cause with a small ring. Elsewhere these
 *    print "SKIP: kmod: ..." and pass.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "scap.h"
#include "test_util.h"
#include "../libscap/kernel/kmod_api.h"

#define EV_GENERIC_X 1
#define NR_GETPPID 110
#define KMOD_DEV "/dev/scapkit"

Suite *kmod_suite(void);

static scap_t *open_kmod(const char *dev, size_t ring, uint32_t snaplen, char *errbuf, int *err)
{
	struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;

	o.engine = "kmod";
	o.kmod_device = dev;
	o.ring_bytes = ring;
	o.snaplen = snaplen;
	return scap_open_err(&o, errbuf, err);
}

START_TEST(kmod_device_missing)
{
	char errbuf[SCAP_ERRBUF_SIZE];
	int err = 0;
	scap_t *h = open_kmod("/nonexistent/scapkit", 0, 0, errbuf, &err);

	ck_assert_ptr_null(h);
	if (access("/sys/module/scapkit", F_OK) == 0) { /* the qemu guest: loaded, that path has no device */
		ck_assert_int_eq(err, SCAP_ERR_IO);
		ck_assert_msg(strstr(errbuf, "module is loaded but /nonexistent/scapkit is missing"), "%s", errbuf);
		return;
	}
	ck_assert_int_eq(err, SCAP_ERR_NOTSUP);
	ck_assert_msg(strstr(errbuf, "/nonexistent/scapkit is missing") && strstr(errbuf, "not loaded") &&
			      strstr(errbuf, "insmod scapkit.ko"),
		      "%s", errbuf);
}
END_TEST

START_TEST(kmod_not_a_scapkit_device)
{
	char errbuf[SCAP_ERRBUF_SIZE];
	int err = 0;
	scap_t *h = open_kmod("/dev/null", 0, 0, errbuf, &err);

	ck_assert_ptr_null(h);
	ck_assert_int_eq(err, SCAP_ERR_NOTSUP);
	ck_assert_msg(strstr(errbuf, "/dev/null is not a scapkit device"), "%s", errbuf);
}
END_TEST

START_TEST(kmod_bad_options)
{
	char errbuf[SCAP_ERRBUF_SIZE];
	int err = 0;

	/* checked before the device is opened */
	ck_assert_ptr_null(open_kmod("/nonexistent", 100000, 0, errbuf, &err));
	ck_assert_int_eq(err, SCAP_ERR_INVAL);
	ck_assert_msg(strstr(errbuf, "ring_bytes 100000 is invalid") && strstr(errbuf, "power of two"), "%s", errbuf);
	ck_assert_ptr_null(open_kmod("/nonexistent", 512u << 20, 0, errbuf, &err));
	ck_assert_int_eq(err, SCAP_ERR_INVAL);
	ck_assert_ptr_null(open_kmod("/nonexistent", 32768, 0, errbuf, &err));
	ck_assert_int_eq(err, SCAP_ERR_INVAL);
	ck_assert_ptr_null(open_kmod("/nonexistent", 0, 4097, errbuf, &err));
	ck_assert_int_eq(err, SCAP_ERR_INVAL);
	ck_assert_msg(strstr(errbuf, "snaplen 4097 is too large"), "%s", errbuf);
}
END_TEST

/* ---- live: only where the driver is loaded ---- */

static scap_t *live_or_skip(size_t ring)
{
	char errbuf[SCAP_ERRBUF_SIZE];
	int err = 0;
	scap_t *h;

	if (geteuid() != 0) {
		printf("SKIP: kmod: not running as root\n");
		return NULL;
	}
	if (access(KMOD_DEV, F_OK) != 0) {
		printf("SKIP: kmod: " KMOD_DEV " is absent (the scapkit module runs in the qemu test, tests/kmod)\n");
		return NULL;
	}
	h = open_kmod(NULL, ring, 0, errbuf, &err);
	ck_assert_msg(h != NULL, "kmod open: %s", errbuf);
	return h;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t cpus_seen; /* CPUs of the getppid events counted (bit per CPU) */

/* Generic getppid events of tid (-1: any) seen within ms; every event is checked to
 * come in timestamp order. */
static int count_getppid_ms(scap_t *h, int64_t tid, int want, int *out_of_order, unsigned ms)
{
	uint64_t end = mono_ms() + ms, last_ts = 0;
	int seen = 0;

	while (seen < want && mono_ms() < end) {
		const scap_evt_t *e;
		int rc = scap_next(h, &e);
		if (rc == SCAP_TIMEOUT)
			continue;
		ck_assert_int_eq(rc, SCAP_OK);
		if (scap_evt_ts(e) < last_ts && out_of_order)
			(*out_of_order)++;
		last_ts = scap_evt_ts(e);
		uint16_t nr = 0;
		if (scap_evt_type(e) == EV_GENERIC_X && (tid < 0 || scap_evt_tid(e) == tid) &&
		    scap_evt_param_u16(e, 1, &nr) == SCAP_OK && nr == NR_GETPPID) {
			seen++;
			cpus_seen |= 1ull << (scap_evt_cpu(e) & 63);
		}
	}
	return seen;
}

static int count_getppid(scap_t *h, int64_t tid, int want, int *out_of_order)
{
	return count_getppid_ms(h, tid, want, out_of_order, 5000);
}

START_TEST(kmod_live_generic_and_order)
{
	scap_t *h = live_or_skip(0);
	int ooo = 0;

	if (!h)
		return;
	for (int i = 0; i < 50; i++)
		syscall(SYS_getppid);
	ck_assert_int_eq(count_getppid(h, gettid(), 50, &ooo), 50);
	ck_assert_int_eq(ooo, 0);
	struct scap_stats st = {.sz = sizeof(st)};
	ck_assert_int_eq(scap_get_stats(h, &st), SCAP_OK);
	ck_assert_uint_eq(st.n_drops, 0);
	scap_close(h);
}
END_TEST

static void *spin_getppid(void *arg)
{
	int cpu = (int)(intptr_t)arg;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set); /* best effort */
	for (int i = 0; i < 2000; i++)
		syscall(SYS_getppid);
	return NULL;
}

/* Two threads on two CPUs: the merge of the per-CPU rings hands out events
 * in timestamp order, and every event of both threads arrives. */
START_TEST(kmod_live_two_cpus_merged)
{
	scap_t *h = live_or_skip(0);
	pthread_t t[2];
	int ooo = 0;

	if (!h)
		return;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, spin_getppid, (void *)(intptr_t)(i % (ncpu > 0 ? ncpu : 1)));
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	cpus_seen = 0;
	ck_assert_int_eq(count_getppid(h, -1, 4000, &ooo), 4000);
	ck_assert_int_eq(ooo, 0);
	if (ncpu >= 2) /* both rings took part in the merge */
		ck_assert_int_ge(__builtin_popcountll(cpus_seen), 2);
	else
		printf("SKIP: kmod: one CPU online: the two-ring merge is not exercised\n");
	scap_close(h);
}
END_TEST

START_TEST(kmod_live_one_consumer)
{
	char errbuf[SCAP_ERRBUF_SIZE];
	int err = 0;
	scap_t *h = live_or_skip(0);

	if (!h)
		return;
	ck_assert_ptr_null(open_kmod(NULL, 0, 0, errbuf, &err));
	ck_assert_msg(strstr(errbuf, "busy") && strstr(errbuf, "one consumer at a time"), "%s", errbuf);
	scap_close(h);
	/* released: it can be opened again */
	h = open_kmod(NULL, 0, 0, errbuf, &err);
	ck_assert_msg(h != NULL, "%s", errbuf);
	scap_close(h);
}
END_TEST

START_TEST(kmod_live_stop_and_mask)
{
	scap_t *h = live_or_skip(0);
	uint8_t mask[512];

	if (!h)
		return;
	/* stopped: nothing of ours is written */
	ck_assert_int_eq(scap_stop(h), SCAP_OK);
	for (int i = 0; i < 20; i++)
		syscall(SYS_getppid);
	ck_assert_int_eq(scap_start(h), SCAP_OK);
	syscall(SYS_getppid);
	ck_assert_int_eq(count_getppid_ms(h, gettid(), 2, NULL, 1000), 1);
	/* a mask without the generic event: getppid is not traced */
	memset(mask, 0, sizeof(mask));
	mask[307] = 1; /* openat_x */
	ck_assert_int_eq(scap_set_event_mask(h, mask, sizeof(mask)), SCAP_OK);
	for (int i = 0; i < 20; i++)
		syscall(SYS_getppid);
	ck_assert_int_eq(count_getppid_ms(h, gettid(), 1, NULL, 1000), 0);
	mask[EV_GENERIC_X] = 1;
	ck_assert_int_eq(scap_set_event_mask(h, mask, sizeof(mask)), SCAP_OK);
	for (int i = 0; i < 20; i++)
		syscall(SYS_getppid);
	ck_assert_int_eq(count_getppid(h, gettid(), 20, NULL), 20);
	scap_close(h);
}
END_TEST

/* A 64 KiB ring, not read while 20000 events are produced: the overflow is
 * dropped and counted as "buffer full", the ring keeps whole events. */
START_TEST(kmod_live_drops_counted)
{
	scap_t *h = live_or_skip(64 * 1024);
	struct scap_stats st = {.sz = sizeof(st)};
	int n = 0;

	if (!h)
		return;
	for (int i = 0; i < 20000; i++)
		syscall(SYS_getppid);
	ck_assert_int_eq(scap_stop(h), SCAP_OK);
	for (;;) {
		const scap_evt_t *e;
		int rc = scap_next(h, &e);
		if (rc == SCAP_TIMEOUT)
			break;
		ck_assert_int_eq(rc, SCAP_OK); /* every event decodes */
		n++;
	}
	ck_assert_int_eq(scap_get_stats(h, &st), SCAP_OK);
	ck_assert_msg(st.n_drops_buffer > 0, "no drop with a 64 KiB ring (%d events read)", n);
	ck_assert_uint_eq(st.n_drops, st.n_drops_buffer + st.n_drops_too_large + st.n_drops_probe);
	ck_assert_int_gt(n, 100);
	ck_assert_int_lt(n, 20000);
	scap_close(h);
}
END_TEST

/* The driver's own interface, hostile calls first: each is refused with
 * its errno, nothing crashes (the host side checks the kernel log). */
START_TEST(kmod_live_driver_bad_calls)
{
	struct scap_kmod_info info;
	struct scap_kmod_setup st;
	uint32_t v;
	long page = sysconf(_SC_PAGESIZE);

	if (geteuid() != 0 || access(KMOD_DEV, F_OK) != 0) {
		printf("SKIP: kmod: " KMOD_DEV " is absent (the scapkit module runs in the qemu test, tests/kmod)\n");
		return;
	}
	int fd = open(KMOD_DEV, O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(open(KMOD_DEV, O_RDWR | O_CLOEXEC), -1); /* one consumer */
	ck_assert_int_eq(errno, EBUSY);
	ck_assert_int_eq(ioctl(fd, _IO('s', 99), 0), -1);
	ck_assert_int_eq(errno, ENOTTY);
	ck_assert_int_eq(ioctl(fd, SCAP_KMOD_IOC_INFO, NULL), -1);
	ck_assert_int_eq(errno, EFAULT);
	ck_assert_int_eq(ioctl(fd, SCAP_KMOD_IOC_INFO, &info), 0);
	ck_assert_uint_eq(info.api_version, SCAP_KMOD_API_VERSION);
	ck_assert_uint_eq(info.ring_bytes, 0);
	/* nothing to start or map before SETUP */
	ck_assert_int_eq(ioctl(fd, SCAP_KMOD_IOC_START, 0), -1);
	ck_assert_int_eq(errno, ENXIO);
	ck_assert_ptr_eq(mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, 0), MAP_FAILED);
	/* ring sizes: not a power of two, too small, too large */
	const uint64_t bad[] = {100000, 32768, 512ull << 20, 0, ~0ull};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		st.ring_bytes = bad[i];
		ck_assert_int_eq(ioctl(fd, SCAP_KMOD_IOC_SETUP, &st), -1);
		ck_assert_int_eq(errno, EINVAL);
	}
	st.ring_bytes = 65536;
	ck_assert_int_eq(ioctl(fd, SCAP_KMOD_IOC_SETUP, &st), 0);
	ck_assert_int_eq(ioctl(fd, SCAP_KMOD_IOC_SETUP, &st), -1); /* once per open */
	ck_assert_int_eq(errno, EBUSY);
	ck_assert_int_eq(ioctl(fd, SCAP_KMOD_IOC_SYSCALLS, (void *)8), -1);
	ck_assert_int_eq(errno, EFAULT);
	v = SCAP_MAX_SNAPLEN + 1;
	ck_assert_int_eq(ioctl(fd, SCAP_KMOD_IOC_SNAPLEN, &v), -1);
	ck_assert_int_eq(errno, EINVAL);
	/* mappings: only a whole CPU region at its offset */
	size_t region = (size_t)page + 65536;
	ck_assert_ptr_eq(mmap(NULL, region - (size_t)page, PROT_READ, MAP_SHARED, fd, 0), MAP_FAILED);
	ck_assert_ptr_eq(mmap(NULL, region, PROT_READ, MAP_SHARED, fd, page), MAP_FAILED);
	ck_assert_ptr_eq(mmap(NULL, region, PROT_READ, MAP_SHARED, fd, (off_t)region * 4096), MAP_FAILED);
	/* a consumer writing garbage into the shared page: CPU 0's ring
	 * reads as full (counted), nothing is written into it, and the
	 * driver goes on once the tail is sane again */
	struct scap_kmod_syscalls *sc = calloc(1, sizeof(*sc));
	ck_assert_ptr_nonnull(sc);
	sc->want[NR_GETPPID] = 1;
	ck_assert_int_eq(ioctl(fd, SCAP_KMOD_IOC_SYSCALLS, sc), 0);
	free(sc);
	struct scap_kmod_ring *r = mmap(NULL, region, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ck_assert_ptr_ne(r, MAP_FAILED);
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	ck_assert_int_eq(sched_setaffinity(0, sizeof(set), &set), 0);
	__atomic_store_n(&r->tail, 0xdeadbeefdeadull, __ATOMIC_RELEASE);
	ck_assert_int_eq(ioctl(fd, SCAP_KMOD_IOC_START, 0), 0);
	for (int i = 0; i < 100; i++)
		syscall(SYS_getppid);
	ck_assert_int_eq(ioctl(fd, SCAP_KMOD_IOC_STOP, 0), 0);
	struct scap_kmod_stats ks;
	ck_assert_int_eq(ioctl(fd, SCAP_KMOD_IOC_STATS, &ks), 0);
	ck_assert_uint_ge(ks.n_drops_full, 100);
	ck_assert_uint_eq(__atomic_load_n(&r->head, __ATOMIC_ACQUIRE), 0);
	__atomic_store_n(&r->tail, 0, __ATOMIC_RELEASE);
	ck_assert_int_eq(ioctl(fd, SCAP_KMOD_IOC_START, 0), 0);
	syscall(SYS_getppid);
	ck_assert_int_eq(ioctl(fd, SCAP_KMOD_IOC_STOP, 0), 0);
	ck_assert_uint_gt(__atomic_load_n(&r->head, __ATOMIC_ACQUIRE), 0);
	munmap(r, region);
	close(fd);
	/* released: the engine can open it */
	scap_t *h = live_or_skip(0);
	ck_assert_ptr_nonnull(h);
	scap_close(h);
}
END_TEST

Suite *kmod_suite(void)
{
	Suite *s = suite_create("kmod");
	TCase *tc = tcase_create("kmod");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, kmod_device_missing);
	tcase_add_test(tc, kmod_not_a_scapkit_device);
	tcase_add_test(tc, kmod_bad_options);
	tcase_add_test(tc, kmod_live_generic_and_order);
	tcase_add_test(tc, kmod_live_two_cpus_merged);
	tcase_add_test(tc, kmod_live_one_consumer);
	tcase_add_test(tc, kmod_live_stop_and_mask);
	tcase_add_test(tc, kmod_live_drops_counted);
	tcase_add_test(tc, kmod_live_driver_bad_calls);
	suite_add_tcase(s, tc);
	return s;
}

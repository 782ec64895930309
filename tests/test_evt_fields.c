/* SPDX-License-Identifier: Apache-2.0 */
/* The built-in evt.* provider (libfilter/evt_fields.c), through the public
 * API: conditions are compiled and evaluated on (a) a synthetic capture whose
 * event bytes this file writes, with the expected matches derived by hand
 * from those bytes, and (b) the shared captures, with counts taken from the
 * independent dumps (expected/NAME.dump.txt) or from a loop over the raw
 * scap_* accessors. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "filter.h"
#include "scap.h"
#include "scapgen.h"
#include "test_util.h"

/* ---- helpers ---------------------------------------------------------------- */

static filter_registry_t *new_registry(void)
{
	filter_registry_t *reg = filter_registry_new();
	ck_assert_ptr_nonnull(reg);
	ck_assert_int_eq(filter_registry_add_evt_fields(reg), FILTER_OK);
	return reg;
}

static scap_t *open_capture(const char *path)
{
	struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;
	char errbuf[SCAP_ERRBUF_SIZE];

	o.filename = path;
	scap_t *h = scap_open(&o, errbuf);
	ck_assert_msg(h != NULL, "%s: %s", path, errbuf);
	return h;
}

/* Evaluate cond on every event of path (evt.num = 1, 2, ...). Sets bit
 * (num - 1) of *mask for matching events (first 64 only) and returns how
 * many matched. */
static uint64_t run(const char *path, const char *cond, uint64_t *mask)
{
	filter_registry_t *reg = new_registry();
	int err = 0;
	filter_t *f = filter_compile(reg, cond, &err);
	ck_assert_msg(f != NULL, "compile '%s': %d %s", cond, err, filter_registry_geterr(reg));
	scap_t *h = open_capture(path);
	const scap_evt_t *e;
	uint64_t num = 0, n = 0;

	if (mask)
		*mask = 0;
	while (scap_next(h, &e) == SCAP_OK) {
		num++;
		int r = filter_eval(f, e, num, NULL);
		ck_assert_msg(r == 0 || r == 1, "'%s' on event %" PRIu64 ": %d", cond, num, r);
		if (r) {
			n++;
			if (mask && num <= 64)
				*mask |= 1ull << (num - 1);
		}
	}
	scap_close(h);
	filter_free(f);
	filter_registry_free(reg);
	return n;
}

/* The condition must not compile; the registry's message must contain want. */
static void compile_fails(const char *cond, const char *want)
{
	filter_registry_t *reg = new_registry();
	int err = 0;
	filter_t *f = filter_compile(reg, cond, &err);
	ck_assert_msg(f == NULL, "'%s' compiled", cond);
	ck_assert_int_lt(err, 0);
	if (want)
		ck_assert_msg(strstr(filter_registry_geterr(reg), want) != NULL, "'%s': message '%s' lacks '%s'", cond,
			      filter_registry_geterr(reg), want);
	filter_registry_free(reg);
}

/* ---- the synthetic capture ---------------------------------------------------- */

/* Event numbers (evt.num) of the synthetic capture. */
enum {
	S_OPEN_FAIL = 1, /* open<  fd=-2 name=/etc/passwd flags=O_RDONLY|O_CLOEXEC */
	S_OPENAT_CREATE, /* openat< fd=3 dirfd=AT_FDCWD flags=O_WRONLY|O_CREAT|O_F_CREATED mode=0755 */
	S_OPENAT_TMPFILE, /* openat< fd=6 flags=O_RDWR|O_TMPFILE mode=0600 */
	S_OPEN_BY_HANDLE, /* open_by_handle_at< fd=7 flags=O_RDONLY|O_CREAT */
	S_OPEN_SHORT,    /* open< with 3 params, flags empty */
	S_CREAT,         /* creat< fd=4 mode=0700 */
	S_READ,          /* read< res=5 data=hello fd=3 */
	S_WRITE_E,       /* write> fd=1 size=5 */
	S_CONNECT,       /* connect< res=-115 tuple fd=3 addr=<empty> */
	S_GENERIC,       /* syscall< ID=0 nativeID=135 (x86_64 personality) */
	S_PROCINFO,      /* procinfo> */
	S_ASYNC,         /* asyncevent> name=container data={"id":1} */
	S_INFRA,         /* infra> (docker infrastructure event) */
	S_MUNMAP,        /* munmap< res=-22 */
	S_NANOSLEEP_E,   /* nanosleep> interval=1.5s */
	S_TASK_INET,     /* task_file_socket_inet> fd32=-1 local_ip=10.1.2.3 */
	S_UNKNOWN,       /* type 1000: not in the schema */
	S_N = S_UNKNOWN
};

#define B(x) (1ull << ((x) - 1))
#define ALL ((1ull << S_N) - 1)

#define T0 1690557262753607000ull /* 2023-07-28 15:14:22.753607000 UTC */

static uint64_t ts_of(int num)
{
	return T0 + (uint64_t)(num - 1) * 1000000000ull + (num == S_READ ? 1 : 0);
}

static uint16_t cpu_of(int num) { return (uint16_t)(num % 4); }

static void add(sg_buf *b, int num, uint16_t type, uint32_t n, const struct sg_param *p)
{
	sg_ev_v2(b, cpu_of(num), ts_of(num), 100 + num, type, n, p, 0);
}

/* Writes the synthetic capture to a temporary file; returns its path. */
static const char *synth(void)
{
	static char path[4096];
	sg_buf b;

	sg_init(&b);
	sg_shb(&b, 1, 2);
	{ /* 1: open< (3) */
		int64_t fd = -2;
		uint32_t flags = 1 | 4096, mode = 0644, dev = 0x803;
		uint64_t ino = 1234;
		struct sg_param p[6] = {{&fd, 8}, {"/etc/passwd", 12}, {&flags, 4}, {&mode, 4}, {&dev, 4}, {&ino, 8}};
		add(&b, S_OPEN_FAIL, 3, 6, p);
	}
	{ /* 2: openat< (307) creating an executable */
		int64_t fd = 3, dirfd = -100;
		uint32_t flags = 2 | 4 | 16384, mode = 0755, dev = 0;
		uint64_t ino = 99;
		struct sg_param p[7] = {{&fd, 8}, {&dirfd, 8}, {"bin/tool", 9}, {&flags, 4},
					{&mode, 4}, {&dev, 4},   {&ino, 8}};
		add(&b, S_OPENAT_CREATE, 307, 7, p);
	}
	{ /* 3: openat< (307) O_TMPFILE */
		int64_t fd = 6, dirfd = -100;
		uint32_t flags = 3 | 8192, mode = 0600, dev = 0;
		uint64_t ino = 100;
		struct sg_param p[7] = {{&fd, 8}, {&dirfd, 8}, {"/tmp", 5}, {&flags, 4}, {&mode, 4}, {&dev, 4}, {&ino, 8}};
		add(&b, S_OPENAT_TMPFILE, 307, 7, p);
	}
	{ /* 4: open_by_handle_at< (337): fd mountfd flags path dev ino */
		int64_t fd = 7, mountfd = 3;
		uint32_t flags = 1 | 4, dev = 0;
		uint64_t ino = 101;
		struct sg_param p[6] = {{&fd, 8}, {&mountfd, 8}, {&flags, 4}, {"/mnt/f", 7}, {&dev, 4}, {&ino, 8}};
		add(&b, S_OPEN_BY_HANDLE, 337, 6, p);
	}
	{ /* 5: open< (3) cut after flags, which is empty */
		int64_t fd = 5;
		struct sg_param p[3] = {{&fd, 8}, {"/tmp/a", 7}, {NULL, 0}};
		add(&b, S_OPEN_SHORT, 3, 3, p);
	}
	{ /* 6: creat< (59): fd name mode dev ino creat_flags */
		int64_t fd = 4;
		uint32_t mode = 0700, dev = 0;
		uint64_t ino = 5;
		uint16_t cflags = 0;
		struct sg_param p[6] = {{&fd, 8}, {"/tmp/x.sh", 10}, {&mode, 4}, {&dev, 4}, {&ino, 8}, {&cflags, 2}};
		add(&b, S_CREAT, 59, 6, p);
	}
	{ /* 7: read< (7): res data fd size */
		int64_t res = 5, fd = 3;
		uint32_t size = 4096;
		struct sg_param p[4] = {{&res, 8}, {"hello", 5}, {&fd, 8}, {&size, 4}};
		add(&b, S_READ, 7, 4, p);
	}
	{ /* 8: write> (8): fd size */
		int64_t fd = 1;
		uint32_t size = 5;
		struct sg_param p[2] = {{&fd, 8}, {&size, 4}};
		add(&b, S_WRITE_E, 8, 2, p);
	}
	{ /* 9: connect< (23): res tuple fd addr */
		uint8_t tuple[13] = {2, 127, 0, 0, 1, 0, 0, 127, 0, 0, 1, 80, 0};
		uint16_t sport = 47192;
		memcpy(tuple + 5, &sport, 2);
		int64_t res = -115, fd = 3;
		struct sg_param p[4] = {{&res, 8}, {tuple, 13}, {&fd, 8}, {NULL, 0}};
		add(&b, S_CONNECT, 23, 4, p);
	}
	{ /* 10: syscall< (1): ID=PPM_SC_UNKNOWN, nativeID=135 (personality on
	   * x86_64, a syscall drivers report through the generic event) */
		uint16_t id = 0, native = 135;
		struct sg_param p[2] = {{&id, 2}, {&native, 2}};
		add(&b, S_GENERIC, 1, 2, p);
	}
	{ /* 11: procinfo> (234) */
		uint64_t usr = 10, sys = 20;
		struct sg_param p[2] = {{&usr, 8}, {&sys, 8}};
		add(&b, S_PROCINFO, 234, 2, p);
	}
	{ /* 12: asyncevent> (402): plugin_id name data (u32 lengths) */
		uint32_t plugin = 0;
		struct sg_param p[3] = {{&plugin, 4}, {"container", 10}, {"{\"id\":1}", 8}};
		add(&b, S_ASYNC, 402, 3, p);
	}
	{ /* 13: infra> (286): source name description scope */
		static const char desc[] = "Event: start; ID: 0123456789abcdef0123; name: web; Image: nginx:latest";
		struct sg_param p[4] = {{"docker", 7}, {"container", 10}, {desc, sizeof(desc)}, {"host", 5}};
		add(&b, S_INFRA, 286, 4, p);
	}
	{ /* 14: munmap< (165): res vm_size vm_rss vm_swap addr length */
		int64_t res = -22;
		uint32_t vs = 1, vr = 2, vw = 3;
		uint64_t addr = 0x7f0000000000ull, len = 4096;
		struct sg_param p[6] = {{&res, 8}, {&vs, 4}, {&vr, 4}, {&vw, 4}, {&addr, 8}, {&len, 8}};
		add(&b, S_MUNMAP, 165, 6, p);
	}
	{ /* 15: nanosleep> (134): interval */
		uint64_t interval = 1500000000ull;
		struct sg_param p[1] = {{&interval, 8}};
		add(&b, S_NANOSLEEP_E, 134, 1, p);
	}
	{ /* 16: task_file_socket_inet> (440): fd32 sk_type sk_proto local_ip
	   * local_port remote_ip remote_port ino_num */
		int32_t fd = -1;
		uint16_t skt = 1, skp = 6, lport = 8080, rport = 443;
		uint8_t lip[4] = {10, 1, 2, 3}, rip[4] = {192, 168, 0, 1};
		uint64_t ino = 77;
		struct sg_param p[8] = {{&fd, 4}, {&skt, 2}, {&skp, 2}, {lip, 4}, {&lport, 2}, {rip, 4}, {&rport, 2}, {&ino, 8}};
		add(&b, S_TASK_INET, 440, 8, p);
	}
	{ /* 17: an event type the schema does not know */
		struct sg_param p[1] = {{"ab", 2}};
		add(&b, S_UNKNOWN, 1000, 1, p);
	}
	snprintf(path, sizeof(path), "%s", tu_tmpfile(".scap"));
	ck_assert_int_eq(tu_write_file(path, b.p, b.len), 0);
	sg_free(&b);
	return path;
}

/* Assert that cond matches exactly the events of want on the synthetic
 * capture. */
#define EXPECT(path, cond, want)                                                                                 \
	do {                                                                                                     \
		uint64_t m_;                                                                                     \
		run((path), (cond), &m_);                                                                        \
		ck_assert_msg(m_ == (uint64_t)(want), "'%s': matched %#" PRIx64 ", want %#" PRIx64, (cond), m_, \
			      (uint64_t)(want));                                                                 \
	} while (0)

/* Exit syscall events whose return value is >= 0 / < 0 (by hand, above). */
#define SUCCESS_SET (B(S_OPENAT_CREATE) | B(S_OPENAT_TMPFILE) | B(S_OPEN_BY_HANDLE) | B(S_OPEN_SHORT) | B(S_CREAT) | B(S_READ))
#define FAILED_SET (B(S_OPEN_FAIL) | B(S_CONNECT) | B(S_MUNMAP))
#define ENTER_SET (B(S_WRITE_E) | B(S_PROCINFO) | B(S_ASYNC) | B(S_INFRA) | B(S_NANOSLEEP_E) | B(S_TASK_INET) | B(S_UNKNOWN))
#define OPEN_EXITS (B(S_OPEN_FAIL) | B(S_OPENAT_CREATE) | B(S_OPENAT_TMPFILE) | B(S_OPEN_BY_HANDLE) | B(S_OPEN_SHORT))

/* ---- synthetic tests ----------------------------------------------------------- */

START_TEST(test_evt_registry)
{
	static const struct {
		const char *name;
		enum filter_ftype type;
		uint32_t flags;
	} want[] = {
		{"evt.num", FILTER_T_UINT64, 0},
		{"evt.time", FILTER_T_STRING, 0},
		{"evt.rawtime", FILTER_T_ABSTIME, 0},
		{"evt.type.is", FILTER_T_UINT64, FILTER_FIELD_ARG_REQUIRED | FILTER_FIELD_ARG_DOTTED},
		{"evt.arg", FILTER_T_STRING, FILTER_FIELD_ARG_REQUIRED | FILTER_FIELD_ARG_DOTTED},
		{"evt.rawarg", FILTER_T_UINT64, FILTER_FIELD_ARG_REQUIRED | FILTER_FIELD_ARG_DOTTED},
		{"evt.buffer", FILTER_T_BYTES, 0},
		{"evt.rawres", FILTER_T_INT64, 0},
		{"evt.failed", FILTER_T_BOOL, 0},
		{"evt.cpu", FILTER_T_INT64, 0},
		{"evt.is_open_create", FILTER_T_BOOL, 0},
	};
	filter_registry_t *reg = new_registry();
	size_t n = filter_registry_field_count(reg);
	ck_assert_uint_eq(n, 51); /* with syscall.type and evt.outputtime */
	for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
		int found = 0;
		for (size_t i = 0; i < n; i++) {
			const char *name, *desc, *prov;
			enum filter_ftype t;
			uint32_t fl;
			ck_assert_int_eq(filter_registry_field_info(reg, i, &name, &t, &fl, &desc, &prov), 0);
			ck_assert_str_eq(prov, "evt");
			ck_assert_msg(desc && desc[0], "%s has no description", name);
			if (strcmp(name, want[w].name) == 0) {
				found = 1;
				ck_assert_int_eq(t, want[w].type);
				ck_assert_uint_eq(fl, want[w].flags);
			}
		}
		ck_assert_msg(found, "%s not registered", want[w].name);
	}
	/* a second registration clashes with the first */
	ck_assert_int_lt(filter_registry_add_evt_fields(reg), 0);
	ck_assert_int_lt(filter_registry_add_evt_fields(NULL), 0);
	filter_registry_free(reg);
}
END_TEST

START_TEST(test_evt_basic)
{
	const char *p = synth();
	uint64_t m;

	ck_assert_uint_eq(run(p, "evt.count = 1", &m), S_N);
	ck_assert_uint_eq(m, ALL);
	EXPECT(p, "evt.num = 3", B(3));
	EXPECT(p, "evt.num > 15", B(16) | B(17));
	EXPECT(p, "evt.source = syscall", ALL);
	EXPECT(p, "evt.dir = \">\"", ENTER_SET);
	EXPECT(p, "evt.dir = \"<\"", ALL & ~ENTER_SET);
	EXPECT(p, "evt.count.exit = 1", ALL & ~ENTER_SET);
	EXPECT(p, "evt.count.exit exists", ALL & ~ENTER_SET);

	/* cpu = num % 4 */
	uint64_t cpu1 = 0;
	for (int i = 1; i <= S_N; i++)
		if (cpu_of(i) == 1)
			cpu1 |= B(i);
	EXPECT(p, "evt.cpu = 1", cpu1);
	EXPECT(p, "evt.cpu >= 0", ALL);

	/* types: the generic event takes the syscall's name, the async event its own */
	EXPECT(p, "evt.type = open", B(S_OPEN_FAIL) | B(S_OPEN_SHORT));
	EXPECT(p, "evt.type = read", B(S_READ));
	EXPECT(p, "evt.type = personality", B(S_GENERIC));
	EXPECT(p, "evt.type = container", B(S_ASYNC));
	EXPECT(p, "evt.type = infra", B(S_INFRA));
	EXPECT(p, "evt.type exists", ALL & ~B(S_UNKNOWN));
	EXPECT(p, "evt.type.is.open = 1", B(S_OPEN_FAIL) | B(S_OPEN_SHORT));
	EXPECT(p, "evt.type.is.open = 0", ALL & ~(B(S_OPEN_FAIL) | B(S_OPEN_SHORT)));
	EXPECT(p, "evt.type.is[openat] = 1", B(S_OPENAT_CREATE) | B(S_OPENAT_TMPFILE));
	EXPECT(p, "evt.type.is[3] = 1", B(S_OPEN_FAIL) | B(S_OPEN_SHORT)); /* by type id */
	EXPECT(p, "evt.type.is.syscall = 1", B(S_GENERIC));
	EXPECT(p, "evt.type.is.asyncevent = 1", B(S_ASYNC));

	/* categories (I/O events: 'unknown' without fd state, as libsinsp) */
	EXPECT(p, "evt.category = file", OPEN_EXITS | B(S_CREAT) | B(S_TASK_INET));
	EXPECT(p, "evt.category = net", B(S_CONNECT));
	EXPECT(p, "evt.category = unknown", B(S_READ) | B(S_WRITE_E) | B(S_UNKNOWN));
	EXPECT(p, "evt.category = other", B(S_GENERIC) | B(S_ASYNC));
	EXPECT(p, "evt.category = internal", B(S_PROCINFO) | B(S_INFRA));
	EXPECT(p, "evt.category = memory", B(S_MUNMAP));
	EXPECT(p, "evt.category = sleep", B(S_NANOSLEEP_E));

	/* meta events */
	EXPECT(p, "evt.is_async = true", B(S_PROCINFO) | B(S_ASYNC) | B(S_INFRA));
	EXPECT(p, "evt.is_async = false", ALL & ~(B(S_PROCINFO) | B(S_ASYNC) | B(S_INFRA)));
	EXPECT(p, "evt.asynctype = container", B(S_ASYNC));
	EXPECT(p, "evt.asynctype in (procinfo, infra)", B(S_PROCINFO) | B(S_INFRA));
	EXPECT(p, "evt.asynctype exists", B(S_PROCINFO) | B(S_ASYNC) | B(S_INFRA));
	EXPECT(p, "evt.count.threadinfo = 1", B(S_PROCINFO));
	EXPECT(p, "evt.count.threadinfo = 0", ALL & ~B(S_PROCINFO));

	/* I/O and wait flags of the schema */
	EXPECT(p, "evt.is_io = true", B(S_READ) | B(S_WRITE_E));
	EXPECT(p, "evt.is_io = false", ALL & ~(B(S_READ) | B(S_WRITE_E)));
	EXPECT(p, "evt.is_io_read = true", B(S_READ));
	EXPECT(p, "evt.is_io_write = true", B(S_WRITE_E));
	EXPECT(p, "evt.io_dir = read", B(S_READ));
	EXPECT(p, "evt.io_dir = write", B(S_WRITE_E));
	EXPECT(p, "evt.io_dir exists", B(S_READ) | B(S_WRITE_E));
	EXPECT(p, "evt.is_wait = true", B(S_NANOSLEEP_E));
	unlink(p);
}
END_TEST

START_TEST(test_evt_time)
{
	const char *p = synth();
	char *old = getenv("TZ") ? strdup(getenv("TZ")) : NULL;

	setenv("TZ", "UTC", 1);
	tzset();
	EXPECT(p, "evt.time = 15:14:22.753607000", B(S_OPEN_FAIL));
	EXPECT(p, "evt.time.s = 15:14:22", B(S_OPEN_FAIL));
	EXPECT(p, "evt.time = 15:14:28.753607001", B(S_READ));
	EXPECT(p, "evt.datetime = \"2023-07-28 15:14:22.753607000\"", B(S_OPEN_FAIL));
	EXPECT(p, "evt.datetime.s = \"2023-07-28 15:14:23\"", B(S_OPENAT_CREATE));
	EXPECT(p, "evt.datetime startswith 2023-07-28", ALL);
	EXPECT(p, "evt.time.iso8601 = 2023-07-28T15:14:22.753607000+0000", B(S_OPEN_FAIL));
	/* POSIX "UTC-2" is two hours east of UTC; ISO 8601 stays in UTC */
	setenv("TZ", "UTC-2", 1);
	tzset();
	EXPECT(p, "evt.time = 17:14:22.753607000", B(S_OPEN_FAIL));
	EXPECT(p, "evt.datetime.s = \"2023-07-28 17:14:22\"", B(S_OPEN_FAIL));
	EXPECT(p, "evt.time.iso8601 = 2023-07-28T15:14:22.753607000+0000", B(S_OPEN_FAIL));
	if (old) {
		setenv("TZ", old, 1);
		free(old);
	} else {
		unsetenv("TZ");
	}
	tzset();

	EXPECT(p, "evt.rawtime = 1690557262753607000", B(S_OPEN_FAIL));
	EXPECT(p, "evt.rawtime >= 1690557276753607000", B(15) | B(16) | B(17));
	EXPECT(p, "evt.rawtime.s = 1690557268", B(S_READ));
	EXPECT(p, "evt.rawtime.ns = 753607001", B(S_READ));
	EXPECT(p, "evt.rawtime.ns = 753607000", ALL & ~B(S_READ));
	unlink(p);
}
END_TEST

START_TEST(test_evt_result)
{
	const char *p = synth();

	EXPECT(p, "evt.res = SUCCESS", SUCCESS_SET);
	EXPECT(p, "evt.res = ENOENT", B(S_OPEN_FAIL));
	EXPECT(p, "evt.res = EINPROGRESS", B(S_CONNECT));
	EXPECT(p, "evt.res = EINVAL", B(S_MUNMAP));
	EXPECT(p, "evt.res exists", SUCCESS_SET | FAILED_SET); /* not: enter, generic, meta, iter, unknown */
	EXPECT(p, "evt.rawres = -115", B(S_CONNECT));
	EXPECT(p, "evt.rawres < 0", FAILED_SET);
	EXPECT(p, "evt.rawres = 6", B(S_OPENAT_TMPFILE));
	EXPECT(p, "evt.rawres >= 0", SUCCESS_SET);
	EXPECT(p, "evt.failed = true", FAILED_SET);
	EXPECT(p, "evt.failed = false", SUCCESS_SET);
	EXPECT(p, "evt.failed exists", SUCCESS_SET | FAILED_SET);
	EXPECT(p, "evt.count.error = 1", FAILED_SET);
	EXPECT(p, "evt.count.error = 0", SUCCESS_SET);
	/* without fd state: file = the open family and creat, net = connect and
	 * accept, memory = the memory category, other = the rest */
	EXPECT(p, "evt.count.error.file exists", OPEN_EXITS | B(S_CREAT));
	EXPECT(p, "evt.count.error.file = 1", B(S_OPEN_FAIL));
	EXPECT(p, "evt.count.error.net = 1", B(S_CONNECT));
	EXPECT(p, "evt.count.error.net exists", B(S_CONNECT));
	EXPECT(p, "evt.count.error.memory = 1", B(S_MUNMAP));
	EXPECT(p, "evt.count.error.memory exists", B(S_MUNMAP));
	EXPECT(p, "evt.count.error.other = 0", B(S_READ));
	EXPECT(p, "evt.count.error.other exists", B(S_READ));
	unlink(p);
}
END_TEST

START_TEST(test_evt_args)
{
	const char *p = synth();

	EXPECT(p, "evt.args = \"fd=-2 name=/etc/passwd flags=4097(O_RDONLY|O_CLOEXEC) mode=0644 dev=0x803 ino=1234\"",
	       B(S_OPEN_FAIL));
	EXPECT(p, "evt.info = \"fd=-2 name=/etc/passwd flags=4097(O_RDONLY|O_CLOEXEC) mode=0644 dev=0x803 ino=1234\"",
	       B(S_OPEN_FAIL));
	EXPECT(p, "evt.args = \"fd=5 name=/tmp/a flags=<NA>\"", B(S_OPEN_SHORT));
	EXPECT(p, "evt.args = \"cpu_usr=10 cpu_sys=20\"", B(S_PROCINFO));
	EXPECT(p, "evt.args = \"res=5 data=hello fd=3 size=4096\"", B(S_READ));
	EXPECT(p, "evt.args = \"\"", B(S_GENERIC)); /* generic events show no arguments */
	EXPECT(p, "evt.args = \"arg0=ab\"", B(S_UNKNOWN));
	EXPECT(p, "evt.args contains 127.0.0.1:47192->127.0.0.1:80", B(S_CONNECT));

	/* evt.arg by name and by position, reduced to the symbolic part */
	EXPECT(p, "evt.arg.name = /etc/passwd", B(S_OPEN_FAIL));
	EXPECT(p, "evt.arg[1] = /etc/passwd", B(S_OPEN_FAIL));
	EXPECT(p, "evt.arg.name exists",
	       B(S_OPEN_FAIL) | B(S_OPENAT_CREATE) | B(S_OPENAT_TMPFILE) | B(S_OPEN_SHORT) | B(S_CREAT) | B(S_ASYNC) |
		       B(S_INFRA));
	EXPECT(p, "evt.arg.flags = O_RDONLY|O_CLOEXEC", B(S_OPEN_FAIL));
	EXPECT(p, "evt.arg.flags contains O_CREAT", B(S_OPENAT_CREATE) | B(S_OPEN_BY_HANDLE));
	EXPECT(p, "evt.arg.flags exists", B(S_OPEN_FAIL) | B(S_OPENAT_CREATE) | B(S_OPENAT_TMPFILE) | B(S_OPEN_BY_HANDLE));
	EXPECT(p, "evt.arg.fd = ENOENT", B(S_OPEN_FAIL));
	EXPECT(p, "evt.arg[0] = ENOENT", B(S_OPEN_FAIL));
	EXPECT(p, "evt.arg.fd = 3", B(S_OPENAT_CREATE) | B(S_READ) | B(S_CONNECT));
	EXPECT(p, "evt.arg.dirfd = AT_FDCWD", B(S_OPENAT_CREATE) | B(S_OPENAT_TMPFILE));
	EXPECT(p, "evt.arg.res = EINPROGRESS", B(S_CONNECT));
	EXPECT(p, "evt.arg.res = EINVAL", B(S_MUNMAP));
	EXPECT(p, "evt.arg.res = 5", B(S_READ));
	EXPECT(p, "evt.arg.tuple = 127.0.0.1:47192->127.0.0.1:80", B(S_CONNECT));
	EXPECT(p, "evt.arg.interval = 1.5s", B(S_NANOSLEEP_E));
	EXPECT(p, "evt.arg.mode = 0755", B(S_OPENAT_CREATE));
	EXPECT(p, "evt.arg.local_ip = 10.1.2.3", B(S_TASK_INET));
	EXPECT(p, "evt.arg[0] = ab", B(S_UNKNOWN));
	/* NA: missing (3 params only) or empty parameters */
	EXPECT(p, "evt.arg[5] exists",
	       B(S_OPEN_FAIL) | B(S_OPENAT_CREATE) | B(S_OPENAT_TMPFILE) | B(S_OPEN_BY_HANDLE) | B(S_CREAT) |
		       B(S_MUNMAP) | B(S_TASK_INET));
	EXPECT(p, "evt.arg.addr exists", B(S_MUNMAP)); /* connect's addr is empty */
	EXPECT(p, "evt.arg[3] exists and evt.type = open", B(S_OPEN_FAIL));

	/* evt.buffer: the data parameter, raw */
	EXPECT(p, "evt.buffer = hello", B(S_READ));
	EXPECT(p, "evt.buffer bcontains 656c6c", B(S_READ));
	EXPECT(p, "evt.buffer contains '\"id\"'", B(S_ASYNC));
	EXPECT(p, "evt.buffer exists", B(S_READ) | B(S_ASYNC));
	EXPECT(p, "evt.buflen = 5", B(S_READ));
	EXPECT(p, "evt.buflen exists", B(S_READ));
	EXPECT(p, "evt.buflen.in = 5", B(S_READ));
	EXPECT(p, "evt.buflen.out exists", 0);
	unlink(p);
}
END_TEST

START_TEST(test_evt_rawarg)
{
	const char *p = synth();

	/* types come from the first event with such a parameter */
	EXPECT(p, "evt.rawarg.flags = 4097", B(S_OPEN_FAIL));
	EXPECT(p, "evt.rawarg.flags > 4097", B(S_OPENAT_CREATE) | B(S_OPENAT_TMPFILE));
	EXPECT(p, "evt.rawarg.flags exists", B(S_OPEN_FAIL) | B(S_OPENAT_CREATE) | B(S_OPENAT_TMPFILE) | B(S_OPEN_BY_HANDLE));
	EXPECT(p, "evt.rawarg.res < 0", B(S_CONNECT) | B(S_MUNMAP));
	EXPECT(p, "evt.rawarg.res = 5", B(S_READ));
	EXPECT(p, "evt.rawarg.fd = -2", B(S_OPEN_FAIL));
	EXPECT(p, "evt.rawarg.fd = -1", B(S_TASK_INET)); /* a 32-bit fd, sign-extended */
	EXPECT(p, "evt.rawarg.fd = 3", B(S_OPENAT_CREATE) | B(S_READ) | B(S_CONNECT));
	EXPECT(p, "evt.rawarg.name = /etc/passwd", B(S_OPEN_FAIL));
	EXPECT(p, "evt.rawarg.name startswith /tmp", B(S_OPENAT_TMPFILE) | B(S_OPEN_SHORT) | B(S_CREAT));
	EXPECT(p, "evt.rawarg.interval = 1500000000", B(S_NANOSLEEP_E));
	EXPECT(p, "evt.rawarg.local_ip = 10.1.2.3", B(S_TASK_INET));
	EXPECT(p, "evt.rawarg.remote_ip = 192.168.0.1", B(S_TASK_INET));
	EXPECT(p, "evt.rawarg.local_port = 8080", B(S_TASK_INET));
	EXPECT(p, "evt.rawarg.data = hello", B(S_READ));
	EXPECT(p, "evt.rawarg.mode = 493", B(S_OPENAT_CREATE)); /* 0755; constants are decimal or 0x hex, as upstream */
	EXPECT(p, "evt.rawarg.mode = 0x1ed", B(S_OPENAT_CREATE));
	/* addr is bind's sockaddr first: bytes; munmap's 8-byte addr is shown raw,
	 * connect's empty one is NA */
	EXPECT(p, "evt.rawarg.addr exists", B(S_MUNMAP));
	EXPECT(p, "evt.rawarg.addr bstartswith 00000000007f0000", B(S_MUNMAP));
	unlink(p);
}
END_TEST

START_TEST(test_evt_open_flags)
{
	const char *p = synth();

	EXPECT(p, "evt.is_open_read = true", B(S_OPEN_FAIL) | B(S_OPENAT_TMPFILE) | B(S_OPEN_BY_HANDLE));
	EXPECT(p, "evt.is_open_read = false", ALL & ~(B(S_OPEN_FAIL) | B(S_OPENAT_TMPFILE) | B(S_OPEN_BY_HANDLE)));
	EXPECT(p, "evt.is_open_write = true", B(S_OPENAT_CREATE) | B(S_OPENAT_TMPFILE));
	EXPECT(p, "evt.is_open_create = true", B(S_OPENAT_CREATE) | B(S_OPENAT_TMPFILE));
	EXPECT(p, "evt.is_open_exec = true", B(S_OPENAT_CREATE) | B(S_CREAT));
	EXPECT(p, "evt.is_open_exec exists", ALL);
	unlink(p);
}
END_TEST

START_TEST(test_evt_infra)
{
	const char *p = synth();

	EXPECT(p, "evt.infra.docker.name = start", B(S_INFRA));
	EXPECT(p, "evt.infra.docker.container.id = 0123456789ab", B(S_INFRA));
	EXPECT(p, "evt.infra.docker.container.name = web", B(S_INFRA));
	EXPECT(p, "evt.infra.docker.container.image = nginx", B(S_INFRA));
	EXPECT(p, "evt.infra.docker.name exists", B(S_INFRA));
	unlink(p);
}
END_TEST

START_TEST(test_evt_compile_errors)
{
	compile_fails("evt.rawarg.nosuchparam = 1", "unknown event argument 'nosuchparam'");
	compile_fails("evt.arg.nosuchparam = x", "unknown event argument 'nosuchparam'");
	compile_fails("evt.type.is.nosuchevent = 1", "unknown event type 'nosuchevent'");
	compile_fails("evt.rawarg[1] = 1", "not an index");
	compile_fails("evt.rawarg.res = abc", NULL);       /* int64 */
	compile_fails("evt.rawarg.name > 3", NULL);        /* string */
	compile_fails("evt.rawarg.local_ip = abc", NULL);  /* ip address */
	compile_fails("evt.arg = x", NULL);                /* needs an argument */
	compile_fails("evt.failed = maybe", NULL);         /* bool */
}
END_TEST

/* evt.* fields give no value when the event is not a libscap event. */
START_TEST(test_evt_no_event)
{
	filter_registry_t *reg = new_registry();
	filter_t *f = filter_compile(reg, "evt.num exists or evt.source exists or evt.count exists", NULL);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(filter_eval(f, NULL, 1, NULL), 0);
	filter_free(f);
	f = filter_compile(reg, "not evt.type exists", NULL);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(filter_eval(f, NULL, 1, NULL), 1);
	filter_free(f);
	filter_registry_free(reg);
}
END_TEST

/* ---- shared captures --------------------------------------------------------------- */

static const char *const captures[] = {
	"falco_connect_localhost.scap", "falco_open-multiple-files.scap", "falco_privileged.scap",
	"falco_test_empty.scap",        "libs_curl_google.scap",          "libs_sample.scap",
	"libs_single_ipv6_conn.scap",
};

struct dump_line {
	uint64_t ts;
	char name[64];
	char dir;
};

/* expected/NAME.dump.txt: "num ts tid name dir nparams" per event. */
static struct dump_line *read_dump(const char *capture, size_t *n)
{
	const char *d = tu_shared_dir(capture);
	char path[4096], base[256];
	if (!d)
		return NULL;
	snprintf(base, sizeof(base), "%s", capture);
	char *dot = strrchr(base, '.');
	if (dot)
		*dot = 0;
	snprintf(path, sizeof(path), "%s/captures/expected/%s.dump.txt", d, base);
	FILE *fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "%s", path);
	size_t cap = 1024, k = 0;
	struct dump_line *v = malloc(cap * sizeof(*v));
	char line[512];
	while (fgets(line, sizeof(line), fp)) {
		uint64_t num, ts;
		long long tid;
		char name[64], dir[4];
		unsigned np;
		if (sscanf(line, "%" SCNu64 " %" SCNu64 " %lld %63s %3s %u", &num, &ts, &tid, name, dir, &np) != 6)
			continue;
		if (k == cap)
			v = realloc(v, (cap *= 2) * sizeof(*v));
		ck_assert_uint_eq(num, k + 1);
		v[k].ts = ts;
		snprintf(v[k].name, sizeof(v[k].name), "%s", name);
		v[k].dir = dir[0];
		k++;
	}
	fclose(fp);
	*n = k;
	return v;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Names, directions, numbers and times against the independent dumps. */
START_TEST(test_evt_corpus_dump)
{
	for (size_t c = 0; c < sizeof(captures) / sizeof(captures[0]); c++) {
		const char *path0 = tu_shared_capture(captures[c]);
		if (!path0)
			return;
		char path[4096];
		snprintf(path, sizeof(path), "%s", path0);
		size_t n;
		struct dump_line *d = read_dump(captures[c], &n);
		if (!d)
			return;
		char cond[256];

		/* every distinct event name, by evt.type.is */
		for (size_t i = 0; i < n; i++) {
			int seen = 0;
			for (size_t j = 0; j < i && !seen; j++)
				seen = strcmp(d[j].name, d[i].name) == 0;
			if (seen)
				continue;
			uint64_t want = 0;
			for (size_t j = 0; j < n; j++)
				want += strcmp(d[j].name, d[i].name) == 0;
			snprintf(cond, sizeof(cond), "evt.type.is.%s = 1", d[i].name);
			ck_assert_msg(run(path, cond, NULL) == want, "%s: %s", captures[c], cond);
		}
		/* directions */
		uint64_t exits = 0;
		for (size_t i = 0; i < n; i++)
			exits += d[i].dir == '<';
		ck_assert_uint_eq(run(path, "evt.dir = \"<\"", NULL), exits);
		ck_assert_uint_eq(run(path, "evt.dir = \">\"", NULL), n - exits);
		ck_assert_uint_eq(run(path, "evt.count.exit = 1", NULL), exits);
		/* numbers */
		ck_assert_uint_eq(run(path, "evt.num > 10 and evt.num <= 50", NULL), n >= 50 ? 40 : (n > 10 ? n - 10 : 0));
		/* times: the median timestamp, and the first event's second */
		uint64_t *ts = malloc(n * sizeof(*ts));
		for (size_t i = 0; i < n; i++)
			ts[i] = d[i].ts;
		qsort(ts, n, sizeof(*ts), cmp_u64);
		uint64_t med = ts[n / 2], ge = 0, sec = 0, ns = 0;
		for (size_t i = 0; i < n; i++) {
			ge += d[i].ts >= med;
			sec += d[i].ts / 1000000000u == d[0].ts / 1000000000u;
			ns += d[i].ts % 1000000000u == d[0].ts % 1000000000u;
		}
		snprintf(cond, sizeof(cond), "evt.rawtime >= %" PRIu64, med);
		ck_assert_uint_eq(run(path, cond, NULL), ge);
		snprintf(cond, sizeof(cond), "evt.rawtime.s = %" PRIu64, d[0].ts / 1000000000u);
		ck_assert_uint_eq(run(path, cond, NULL), sec);
		snprintf(cond, sizeof(cond), "evt.rawtime.ns = %" PRIu64, d[0].ts % 1000000000u);
		ck_assert_uint_eq(run(path, cond, NULL), ns);
		free(ts);
		free(d);
	}
}
END_TEST

/* Counts from a loop over the raw accessors: results, cpus, open flags,
 * buffers. */
struct raw_counts {
	uint64_t n, failed, ok, enoent, cpu0, open_read, open_write, buf_http, io, wait, empty_args, meta;
};

static int64_t rd_i64(const void *p)
{
	int64_t v;
	memcpy(&v, p, 8);
	return v;
}

static void raw_count(const char *path, struct raw_counts *rc)
{
	scap_t *h = open_capture(path);
	const scap_evt_t *e;

	memset(rc, 0, sizeof(*rc));
	while (scap_next(h, &e) == SCAP_OK) {
		uint16_t t = scap_evt_type(e);
		const void *data;
		uint32_t len;
		rc->n++;
		rc->cpu0 += scap_evt_cpu(e) == 0;
		rc->empty_args += t == 1 || scap_evt_nparams(e) == 0;
		rc->meta += (scap_event_category(t) & SCAP_EC_METAEVENT) != 0;
		rc->io += (scap_event_flags(t) & (SCAP_EF_READS_FROM_FD | SCAP_EF_WRITES_TO_FD)) != 0;
		rc->wait += (scap_event_flags(t) & SCAP_EF_WAITS) != 0;
		/* a result: first parameter of a syscall exit event (not the generic one) */
		if ((t & 1) && t != 1 && (scap_event_category(t) & SCAP_EC_SYSCALL) && scap_evt_nparams(e) > 0 &&
		    scap_evt_param(e, 0, &data, &len) == SCAP_OK && len == 8) {
			int64_t r = rd_i64(data);
			rc->failed += r < 0;
			rc->ok += r >= 0;
			rc->enoent += r == -2;
		}
		const char *name = scap_event_name(t);
		if ((t & 1) && name &&
		    (!strcmp(name, "open") || !strcmp(name, "openat") || !strcmp(name, "openat2") ||
		     !strcmp(name, "open_by_handle_at"))) {
			uint32_t fi = UINT32_MAX;
			for (uint32_t i = 0; i < scap_event_nparams(t); i++)
				if (!strcmp(scap_event_param_name(t, i), "flags"))
					fi = i;
			if (scap_evt_param(e, fi, &data, &len) == SCAP_OK && len == 4) {
				uint32_t fl;
				memcpy(&fl, data, 4);
				rc->open_read += (fl & 1) != 0;
				rc->open_write += (fl & 2) != 0;
			}
		}
		for (uint32_t i = 0; i < scap_evt_nparams(e); i++) {
			const char *pn = scap_event_param_name(t, i);
			if (pn && strcmp(pn, "data") == 0 && scap_evt_param(e, i, &data, &len) == SCAP_OK &&
			    memmem(data, len, "HTTP", 4))
				rc->buf_http++;
		}
	}
	scap_close(h);
}

START_TEST(test_evt_corpus_raw)
{
	for (size_t c = 0; c < sizeof(captures) / sizeof(captures[0]); c++) {
		const char *path0 = tu_shared_capture(captures[c]);
		if (!path0)
			return;
		char path[4096];
		snprintf(path, sizeof(path), "%s", path0);
		struct raw_counts rc;
		raw_count(path, &rc);

		ck_assert_uint_eq(run(path, "evt.count = 1", NULL), rc.n);
		ck_assert_uint_eq(run(path, "evt.failed = true", NULL), rc.failed);
		ck_assert_uint_eq(run(path, "evt.failed = false", NULL), rc.ok);
		ck_assert_uint_eq(run(path, "evt.res = SUCCESS", NULL), rc.ok);
		ck_assert_uint_eq(run(path, "evt.rawres < 0", NULL), rc.failed);
		ck_assert_uint_eq(run(path, "evt.res = ENOENT", NULL), rc.enoent);
		ck_assert_uint_eq(run(path, "evt.cpu = 0", NULL), rc.cpu0);
		ck_assert_uint_eq(run(path, "evt.is_open_read = true", NULL), rc.open_read);
		ck_assert_uint_eq(run(path, "evt.is_open_write = true", NULL), rc.open_write);
		ck_assert_uint_eq(run(path, "evt.buffer contains HTTP", NULL), rc.buf_http);
		ck_assert_uint_eq(run(path, "evt.is_io = true", NULL), rc.io);
		ck_assert_uint_eq(run(path, "evt.is_wait = true", NULL), rc.wait);
		ck_assert_uint_eq(run(path, "evt.args = \"\"", NULL), rc.empty_args);
		ck_assert_uint_eq(run(path, "evt.is_async = true", NULL), rc.meta);
		ck_assert_uint_eq(run(path, "evt.source = syscall and evt.category exists and evt.args exists", NULL),
				  rc.n);
	}
}
END_TEST

/* Values stated by the format spec (§10.2) for two real events. */
START_TEST(test_evt_corpus_known)
{
	const char *path = tu_shared_capture("falco_connect_localhost.scap");
	if (!path)
		return;
	char p[4096];
	snprintf(p, sizeof(p), "%s", path);
	ck_assert_uint_eq(run(p, "evt.type = connect and evt.dir = \"<\" and evt.arg.tuple = 127.0.0.1:47192->127.0.0.1:80",
			      NULL),
			  1);
	ck_assert_uint_eq(run(p, "evt.type = connect and evt.res = EINPROGRESS and evt.rawres = -115", NULL), 1);
	ck_assert_uint_eq(run(p, "evt.count.error.net = 1", NULL), 1);

	path = tu_shared_capture("libs_single_ipv6_conn.scap");
	if (!path)
		return;
	snprintf(p, sizeof(p), "%s", path);
	ck_assert_uint_eq(run(p, "evt.type = accept and evt.arg.tuple = \"[2001:db8::4]:54405->[2001:db8::3]:1234\"",
			      NULL),
			  1);
}
END_TEST

Suite *evt_fields_suite(void)
{
	Suite *s = suite_create("evt_fields");
	TCase *tc = tcase_create("evt");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_evt_registry);
	tcase_add_test(tc, test_evt_basic);
	tcase_add_test(tc, test_evt_time);
	tcase_add_test(tc, test_evt_result);
	tcase_add_test(tc, test_evt_args);
	tcase_add_test(tc, test_evt_rawarg);
	tcase_add_test(tc, test_evt_open_flags);
	tcase_add_test(tc, test_evt_infra);
	tcase_add_test(tc, test_evt_compile_errors);
	tcase_add_test(tc, test_evt_no_event);
	tcase_add_test(tc, test_evt_corpus_dump);
	tcase_add_test(tc, test_evt_corpus_raw);
	tcase_add_test(tc, test_evt_corpus_known);
	suite_add_tcase(s, tc);
	return s;
}

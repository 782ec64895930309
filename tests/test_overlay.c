/* SPDX-License-Identifier: Apache-2.0 */
/*
 * overlayfs layers, live (the bpf engine; the kmod engine with
 * SCAP_TEST_ENGINE=kmod, as the qemu guest runs it). In a temporary
 * directory: lower/ holds a copy of /bin/true and two files, upper/ one
 * file; they are mounted as an overlayfs on merged/ (in a private mount
 * namespace of the test's own process, so that the mount goes away with it
 * even when an assertion ends it early; the fixture's teardown unmounts
 * too and removes the directory). A forked workload then execs the lower
 * binary, copies the binary into merged/ (it lands in the upper layer) and
 * execs that copy, execs a copy outside the overlay, and opens lower,
 * upper, copied-up and plain files with open, openat, openat2 and creat.
 * Each event is checked through libsinsp: execve's flags
 * (EXE_UPPER_LAYER / EXE_LOWER_LAYER), proc.is_exe_upper_layer,
 * proc.is_exe_lower_layer, the open family's flags (FD_UPPER_LAYER /
 * FD_LOWER_LAYER, creat's creat_flags), fd.is_upper_layer and
 * fd.is_lower_layer. The wait ends on the workload's procexit, bounded by
 * a deadline.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "filter.h"
#include "scap.h"
#include "sinsp.h"
#include "test_util.h"
#include "../libscap/kernel/ppm_flags.h"

Suite *overlay_suite(void); /* tests/check_main.c */

#define WAIT_SECONDS 30 /* the qemu guest (TCG) is slow */

/* the temporary tree (made by the unchecked fixture, in the runner) */
static char base[256], lowerdir[300], upperdir[300], workdir[300], merged[300];

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

static void tree_setup(void)
{
	const char *t = getenv("TMPDIR");
	snprintf(base, sizeof(base), "%s/scaptest-overlay-XXXXXX", t && t[0] ? t : "/tmp");
	if (!mkdtemp(base)) {
		base[0] = 0;
		return; /* the test reports it */
	}
	snprintf(lowerdir, sizeof(lowerdir), "%s/lower", base);
	snprintf(upperdir, sizeof(upperdir), "%s/upper", base);
	snprintf(workdir, sizeof(workdir), "%s/work", base);
	snprintf(merged, sizeof(merged), "%s/merged", base);
}

/* runs in the runner, after the test (whose process may have ended on a
 * failed assertion): unmount if still mounted, remove the tree */
static void tree_teardown(void)
{
	if (!base[0])
		return;
	umount2(merged, MNT_DETACH); /* EINVAL when not mounted (the usual case: see above) */
	if (nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		fprintf(stderr, "overlay: cannot remove %s: %s\n", base, strerror(errno));
	base[0] = 0;
}

static void copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	ssize_t n;
	int in = open(from, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(in >= 0, "open %s: %s", from, strerror(errno));
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	ck_assert_msg(out >= 0, "create %s: %s", to, strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0)
		ck_assert_msg(write(out, buf, (size_t)n) == n, "write %s: %s", to, strerror(errno));
	ck_assert_msg(n == 0, "read %s: %s", from, strerror(errno));
	close(in);
	ck_assert_int_eq(fchmod(out, mode), 0);
	close(out);
}

static void put_file(const char *dir, const char *name)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	ck_assert_msg(tu_write_file(p, "overlay", 7) == 0, "write %s: %s", p, strerror(errno));
}

/* ---- the workload (a forked child; its status says which step failed) ---- */
static void run_exe(const char *path, const char *arg)
{
	pid_t g = fork();
	if (g == 0) {
		char a0[] = "true", a1[64];
		snprintf(a1, sizeof(a1), "%s", arg);
		char *argv[] = {a0, a1, NULL}, *envp[] = {NULL};
		execve(path, argv, envp);
		_exit(127);
	}
	int st;
	if (g < 0 || waitpid(g, &st, 0) != g || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		_exit(20);
}

static void open_close(long fd, int step)
{
	if (fd < 0)
		_exit(step);
	close((int)fd);
}

static void workload(const char *plain_exe, pid_t parent)
{
	char p[512], q[512];
	/* it holds the engine's fds too: it must not outlive a test that
	 * failed (the qemu guest unloads the module next) */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(2);
	/* the binary of the lower layer */
	snprintf(p, sizeof(p), "%s/lower-true", merged);
	run_exe(p, "scapkit-overlay-lower");
	/* a copy written through the overlay: in the upper layer (openat,
	 * created), then executed */
	snprintf(q, sizeof(q), "%s/upper-true", merged);
	int in = open(p, O_RDONLY), out = open(q, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	char buf[65536];
	ssize_t n;
	if (in < 0 || out < 0)
		_exit(30);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			_exit(31);
	close(in);
	close(out);
	run_exe(q, "scapkit-overlay-upper");
	/* not on an overlayfs */
	run_exe(plain_exe, "scapkit-overlay-plain");
	/* a file of the lower layer, read: open */
	snprintf(p, sizeof(p), "%s/lower-file", merged);
	open_close(syscall(SYS_open, p, O_RDONLY), 40);
	/* the same file by openat2 */
	struct open_how how = {.flags = O_RDONLY};
	open_close(syscall(SYS_openat2, AT_FDCWD, p, &how, sizeof(how)), 41);
	/* a file of the upper layer, read: openat */
	snprintf(p, sizeof(p), "%s/upper-file", merged);
	open_close(openat(AT_FDCWD, p, O_RDONLY), 42);
	/* a lower file opened for writing: copied up first, so upper */
	snprintf(p, sizeof(p), "%s/copyup-file", merged);
	open_close(openat(AT_FDCWD, p, O_WRONLY | O_APPEND), 43);
	/* creat through the overlay: upper */
	snprintf(p, sizeof(p), "%s/creat-file", merged);
	open_close(syscall(SYS_creat, p, 0644), 44);
	/* a plain file */
	snprintf(p, sizeof(p), "%s/plain-file", base);
	open_close(openat(AT_FDCWD, p, O_RDONLY), 45);
	_exit(0);
}

/* ---- the checks ---- */
struct ctx {
	sinsp_t *s;
	filter_registry_t *reg;
	const sinsp_evt_t *se;
};

static const char *render(struct ctx *c, const char *tmpl)
{
	static char buf[8192];
	filter_format_t *f = filter_format_compile(c->reg, tmpl, NULL);
	ck_assert_msg(f != NULL, "%s: %s", tmpl, filter_registry_geterr(c->reg));
	filter_format_render(f, sinsp_evt_scap(c->se), sinsp_evt_num(c->se), (void *)c->se, buf, sizeof(buf));
	filter_format_free(f);
	return buf;
}

/* flags (a formatted PT_FLAGS parameter) has the name as one of its
 * '|'-separated symbols */
static int has_flag(const char *flags, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = flags; (p = strstr(p, name)) != NULL; p += n) {
		bool start = p == flags || p[-1] == '|' || p[-1] == '(';
		bool end = p[n] == 0 || p[n] == '|' || p[n] == ')';
		if (start && end)
			return 1;
	}
	return 0;
}

/* execve of the workload: layer is "upper", "lower" or "none" */
static void check_exec(struct ctx *c, const char *layer)
{
	const char *fl = render(c, "%evt.arg.flags");
	char flags[256];
	snprintf(flags, sizeof(flags), "%s", fl);
	int up = !strcmp(layer, "upper"), lo = !strcmp(layer, "lower");
	ck_assert_msg(has_flag(flags, "EXE_UPPER_LAYER") == up && has_flag(flags, "EXE_LOWER_LAYER") == lo,
		      "%s exe: execve flags %s", layer, flags);
	char want[64];
	snprintf(want, sizeof(want), "%s|%s", up ? "true" : "false", lo ? "true" : "false");
	ck_assert_msg(!strcmp(render(c, "%proc.is_exe_upper_layer|%proc.is_exe_lower_layer"), want),
		      "%s exe: proc.is_exe_upper_layer|proc.is_exe_lower_layer = %s, want %s (flags %s)", layer,
		      render(c, "%proc.is_exe_upper_layer|%proc.is_exe_lower_layer"), want, flags);
}

/* an open-family event: flags_field names its flags parameter, flag_up /
 * flag_lo the symbols it must or must not have */
static void check_open(struct ctx *c, const char *what, const char *layer, const char *flags_tmpl,
		       const char *flag_up, const char *flag_lo, bool created)
{
	char flags[256];
	snprintf(flags, sizeof(flags), "%s", render(c, flags_tmpl));
	int up = !strcmp(layer, "upper"), lo = !strcmp(layer, "lower");
	ck_assert_msg(has_flag(flags, flag_up) == up && has_flag(flags, flag_lo) == lo, "%s: %s = %s (want %s)",
		      what, flags_tmpl, flags, layer);
	if (created)
		ck_assert_msg(has_flag(flags, "O_F_CREATED"), "%s: flags %s without O_F_CREATED", what, flags);
	char want[64];
	snprintf(want, sizeof(want), "%s|%s|SUCCESS", up ? "true" : "false", lo ? "true" : "false");
	ck_assert_msg(!strcmp(render(c, "%fd.is_upper_layer|%fd.is_lower_layer|%evt.res"), want),
		      "%s: fd.is_upper_layer|fd.is_lower_layer|evt.res = %s, want %s (flags %s)", what,
		      render(c, "%fd.is_upper_layer|%fd.is_lower_layer|%evt.res"), want, flags);
}

START_TEST(overlay_layers)
{
	char errbuf[SCAP_ERRBUF_SIZE], opts[1024], p[512], plain_exe[512];
	struct statfs sfs;

	ck_assert_msg(base[0], "mkdtemp under TMPDIR failed");
	if (geteuid() != 0) {
		printf("SKIP: overlay: not running as root\n");
		return;
	}
	/* the tree: the lower binary and files, one upper file */
	ck_assert_msg(statfs(base, &sfs) == 0 && (unsigned long)sfs.f_type != SCAP_OVERLAYFS_SUPER_MAGIC,
		      "%s is itself on an overlayfs: set TMPDIR elsewhere", base);
	ck_assert_int_eq(mkdir(lowerdir, 0755), 0);
	ck_assert_int_eq(mkdir(upperdir, 0755), 0);
	ck_assert_int_eq(mkdir(workdir, 0755), 0);
	ck_assert_int_eq(mkdir(merged, 0755), 0);
	snprintf(p, sizeof(p), "%s/lower-true", lowerdir);
	copy_file("/bin/true", p, 0755);
	snprintf(plain_exe, sizeof(plain_exe), "%s/plain-true", base);
	copy_file("/bin/true", plain_exe, 0755);
	put_file(lowerdir, "lower-file");
	put_file(lowerdir, "copyup-file");
	put_file(upperdir, "upper-file");
	put_file(base, "plain-file");

	/* a mount namespace of this process's own: the mount cannot outlive it */
	ck_assert_msg(unshare(CLONE_NEWNS) == 0, "unshare(CLONE_NEWNS): %s", strerror(errno));
	ck_assert_msg(mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0, "mount --make-rprivate /: %s",
		      strerror(errno));
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", lowerdir, upperdir, workdir);
	if (mount("overlay", merged, "overlay", 0, opts) != 0) {
		if (errno == ENODEV) {
			printf("SKIP: overlay: this kernel has no overlayfs (load overlay.ko)\n");
			return;
		}
		ck_abort_msg("mount -t overlay -o %s %s: %s", opts, merged, strerror(errno));
	}

	scap_t *h = tu_open_bpf(64u << 20);
	if (!h) {
		umount2(merged, 0);
		return;
	}
	struct ctx c = {0};
	c.s = sinsp_open(h, NULL, errbuf);
	ck_assert_msg(c.s != NULL, "%s", errbuf);
	c.reg = filter_registry_new();
	ck_assert_int_eq(filter_registry_add_evt_fields(c.reg), FILTER_OK);
	ck_assert_int_eq(sinsp_add_fields(c.s, c.reg), SCAP_OK);
	static const char *const names[] = {"execve", "execveat", "open", "openat", "openat2", "creat",
					    "clone", "fork", "vfork", "clone3", "procexit"};
	uint8_t mask[1024] = {0};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint16_t ids[32];
		uint32_t n = scap_event_find(names[i], ids, 32);
		for (uint32_t k = 0; k < n && k < 32; k++)
			mask[ids[k]] = 1;
	}
	ck_assert_int_eq(sinsp_set_event_mask(c.s, mask, scap_event_max()), SCAP_OK);

	pid_t self = getpid(), w = fork();
	ck_assert_int_ge(w, 0);
	if (w == 0)
		workload(plain_exe, self);

	char path[512];
	int n_lower_exe = 0, n_upper_exe = 0, n_plain_exe = 0, n_copy = 0, n_open = 0, n_openat2 = 0,
	    n_upper_file = 0, n_copyup = 0, n_creat = 0, n_plain_file = 0, done = 0;
	uint64_t deadline = mono_ns() + WAIT_SECONDS * 1000000000ull;
	while (!done) {
		ck_assert_msg(mono_ns() < deadline,
			      "the workload's procexit not seen in %d s (execs %d/%d/%d, opens %d/%d/%d/%d/%d/%d/%d)",
			      WAIT_SECONDS, n_lower_exe, n_upper_exe, n_plain_exe, n_copy, n_open, n_openat2,
			      n_upper_file, n_copyup, n_creat, n_plain_file);
		int rc = sinsp_next(c.s, &c.se);
		if (rc == SINSP_TIMEOUT)
			continue;
		ck_assert_int_eq(rc, SINSP_OK);
		const sinsp_thread_t *t = sinsp_evt_thread(c.se);
		if (!t || (sinsp_thread_pid(t) != w && sinsp_thread_ptid(t) != w))
			continue;
		const char *type = scap_event_name(scap_evt_type(sinsp_evt_scap(c.se)));
		if (!strcmp(type, "procexit")) {
			done = sinsp_thread_pid(t) == w;
			continue;
		}
		if (!strcmp(type, "execve")) {
			const char *args = render(&c, "%proc.args");
			if (!strcmp(args, "scapkit-overlay-lower"))
				check_exec(&c, "lower"), n_lower_exe++;
			else if (!strcmp(args, "scapkit-overlay-upper"))
				check_exec(&c, "upper"), n_upper_exe++;
			else if (!strcmp(args, "scapkit-overlay-plain"))
				check_exec(&c, "none"), n_plain_exe++;
			continue;
		}
		if (sinsp_thread_pid(t) != w)
			continue; /* the exec'd children's own opens (the loader's) */
		snprintf(path, sizeof(path), "%s", render(&c, "%fd.name"));
		const char *file = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		bool in_merged = !strncmp(path, merged, strlen(merged)), in_base = !strncmp(path, base, strlen(base));
		if (!strcmp(type, "open") && in_merged && !strcmp(file, "lower-file")) {
			check_open(&c, "open lower-file", "lower", "%evt.arg.flags", "FD_UPPER_LAYER", "FD_LOWER_LAYER", false);
			n_open++;
		} else if (!strcmp(type, "openat2") && in_merged && !strcmp(file, "lower-file")) {
			check_open(&c, "openat2 lower-file", "lower", "%evt.arg.flags", "FD_UPPER_LAYER", "FD_LOWER_LAYER", false);
			n_openat2++;
		} else if (!strcmp(type, "openat") && in_merged && !strcmp(file, "upper-true")) {
			check_open(&c, "openat O_CREAT upper-true", "upper", "%evt.arg.flags", "FD_UPPER_LAYER", "FD_LOWER_LAYER", true);
			n_copy++;
		} else if (!strcmp(type, "openat") && in_merged && !strcmp(file, "upper-file")) {
			check_open(&c, "openat upper-file", "upper", "%evt.arg.flags", "FD_UPPER_LAYER", "FD_LOWER_LAYER", false);
			n_upper_file++;
		} else if (!strcmp(type, "openat") && in_merged && !strcmp(file, "copyup-file")) {
			check_open(&c, "openat O_WRONLY copyup-file", "upper", "%evt.arg.flags", "FD_UPPER_LAYER", "FD_LOWER_LAYER", false);
			n_copyup++;
		} else if (!strcmp(type, "creat") && in_merged && !strcmp(file, "creat-file")) {
			check_open(&c, "creat creat-file", "upper", "%evt.arg.creat_flags", "FD_UPPER_LAYER_CREAT",
				   "FD_LOWER_LAYER_CREAT", false);
			n_creat++;
		} else if (!strcmp(type, "openat") && in_base && !in_merged && !strcmp(file, "plain-file")) {
			check_open(&c, "openat plain-file", "none", "%evt.arg.flags", "FD_UPPER_LAYER", "FD_LOWER_LAYER", false);
			n_plain_file++;
		}
	}
	int status = -1;
	ck_assert_int_eq(waitpid(w, &status, 0), w);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "workload status %d (exit %d: the step)", status,
		      WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	ck_assert_int_eq(n_lower_exe, 1);
	ck_assert_int_eq(n_upper_exe, 1);
	ck_assert_int_eq(n_plain_exe, 1);
	ck_assert_int_eq(n_copy, 1);
	ck_assert_int_eq(n_open, 1);
	ck_assert_int_eq(n_openat2, 1);
	ck_assert_int_eq(n_upper_file, 1);
	ck_assert_int_eq(n_copyup, 1);
	ck_assert_int_eq(n_creat, 1);
	ck_assert_int_eq(n_plain_file, 1);
	printf("overlay: %s engine: lower/upper/plain exe, open/openat2 lower, openat upper/created/copied-up, creat, "
	       "plain file: ok\n",
	       scap_engine_name(h));
	filter_registry_free(c.reg);
	sinsp_close(c.s);
	ck_assert_msg(umount2(merged, 0) == 0, "umount %s: %s", merged, strerror(errno));
}
END_TEST

Suite *overlay_suite(void)
{
	Suite *s = suite_create("overlay");
	TCase *tc = tcase_create("live");

	tcase_set_timeout(tc, 90);
	tcase_add_unchecked_fixture(tc, tree_setup, tree_teardown);
	tcase_add_test(tc, overlay_layers);
	suite_add_tcase(s, tc);
	return s;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The state of a live system at start: threads and their fds from /proc,
 * users and groups from /etc/passwd and /etc/group (what a capture's
 * metadata gives for savefiles).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sinsp_int.h"

/* Whole small file into buf (NUL-terminated); returns its length or -1. */
static ssize_t read_small(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = 0, r;

	if (fd < 0)
		return -1;
	while ((size_t)n < cap - 1 && (r = read(fd, buf + n, cap - 1 - (size_t)n)) > 0)
		n += r;
	close(fd);
	buf[n] = 0;
	return n;
}

static ssize_t read_link(const char *path, char *buf, size_t cap)
{
	ssize_t n = readlink(path, buf, cap - 1);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return n;
}

/* A numeric field "Name:\tvalue" of /proc/.../status. */
static bool status_field(const char *status, const char *name, int64_t *out)
{
	size_t n = strlen(name);
	for (const char *p = status; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, name, n) && p[n] == ':') {
			*out = strtoll(p + n + 1, NULL, 10);
			return true;
		}
	return false;
}

/* The fds of a process: files by path, sockets and pipes by their kind. */
static void scan_fds(sinsp_t *s, struct sproc *p, int64_t pid)
{
	char dir[64], path[352], target[4096];
	snprintf(dir, sizeof(dir), "/proc/%lld/fd", (long long)pid);
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		ssize_t n = read_link(path, target, sizeof(target));
		if (n < 0)
			continue;
		uint8_t type = SCAP_FD_FILE;
		if (!strncmp(target, "socket:", 7))
			type = SCAP_FD_UNIX_SOCK; /* the family needs /proc/net: not resolved here */
		else if (!strncmp(target, "pipe:", 5))
			type = SCAP_FD_FIFO;
		else if (!strncmp(target, "anon_inode:", 11))
			type = strstr(target, "eventpoll") ? SCAP_FD_EVENTPOLL : strstr(target, "eventfd") ? SCAP_FD_EVENT
			       : strstr(target, "inotify") ? SCAP_FD_INOTIFY : strstr(target, "signalfd") ? SCAP_FD_SIGNALFD
			       : strstr(target, "timerfd") ? SCAP_FD_TIMERFD : SCAP_FD_UNSUPPORTED;
		else if (target[0] == '/') {
			struct stat st;
			if (stat(target, &st) == 0 && S_ISDIR(st.st_mode))
				type = SCAP_FD_DIRECTORY;
		}
		sinsp_add_scanned_fd(s, p, strtoll(de->d_name, NULL, 10), type, target, (size_t)n);
	}
	closedir(d);
}

static void scan_thread(sinsp_t *s, int64_t pid, int64_t tid)
{
	char base[64], path[96], buf[8192];
	ssize_t n;
	int64_t v;

	snprintf(base, sizeof(base), "/proc/%lld/task/%lld", (long long)pid, (long long)tid);
	snprintf(path, sizeof(path), "%s/status", base);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return; /* gone meanwhile */
	struct sinsp_scanned t = {.tid = tid, .pid = pid, .ptid = -1, .uid = UINT32_MAX, .gid = UINT32_MAX};
	if (status_field(buf, "PPid", &v))
		t.ptid = v;
	/* "Uid:\treal\teffective\t...": the effective id is the second */
	const char *u = strstr(buf, "\nUid:"), *g = strstr(buf, "\nGid:");
	char *end;
	if (u) {
		strtoul(u + 5, &end, 10);
		t.uid = (uint32_t)strtoul(end, NULL, 10);
	}
	if (g) {
		strtoul(g + 5, &end, 10);
		t.gid = (uint32_t)strtoul(end, NULL, 10);
	}
	/* "CapPrm:\t000001ffffffffff" (hex) */
	const char *ci = strstr(buf, "\nCapInh:"), *cp = strstr(buf, "\nCapPrm:"), *ce = strstr(buf, "\nCapEff:");
	if (ci && cp && ce) {
		t.cap_inh = strtoull(ci + 8, NULL, 16);
		t.cap_perm = strtoull(cp + 8, NULL, 16);
		t.cap_eff = strtoull(ce + 8, NULL, 16);
	}
	snprintf(path, sizeof(path), "%s/comm", base);
	if ((n = read_small(path, t.comm, sizeof(t.comm))) > 0 && t.comm[n - 1] == '\n')
		t.comm[n - 1] = 0;
	snprintf(path, sizeof(path), "%s/loginuid", base);
	t.loginuid = read_small(path, buf, sizeof(buf)) > 0 ? (uint32_t)strtoul(buf, NULL, 10) : UINT32_MAX;
	snprintf(path, sizeof(path), "%s/stat", base);
	if (read_small(path, buf, sizeof(buf)) > 0) { /* after the comm's closing parenthesis */
		const char *r = strrchr(buf, ')');
		long long sid = -1, tty = 0;
		if (r && sscanf(r + 2, "%*c %*d %*d %lld %lld", &sid, &tty) == 2) {
			t.sid = sid;
			t.tty = (uint32_t)tty;
		}
	}
	struct sproc *p = sinsp_add_scanned_thread(s, &t);
	if (!p)
		return; /* a thread of a known process: shares it */
	snprintf(path, sizeof(path), "/proc/%lld/exe", (long long)pid);
	if ((n = read_link(path, buf, sizeof(buf))) > 0)
		sinsp_set_proc_str(p, 'P', buf, (size_t)n);
	snprintf(path, sizeof(path), "/proc/%lld/cwd", (long long)pid);
	if ((n = read_link(path, buf, sizeof(buf))) > 0)
		sinsp_set_proc_str(p, 'c', buf, (size_t)n);
	snprintf(path, sizeof(path), "/proc/%lld/cmdline", (long long)pid);
	if ((n = read_small(path, buf, sizeof(buf))) > 0) {
		size_t e = strnlen(buf, (size_t)n); /* argv[0], then the arguments */
		sinsp_set_proc_str(p, 'e', buf, e);
		if ((size_t)n > e + 1)
			sinsp_set_proc_str(p, 'a', buf + e + 1, (size_t)n - e - 1);
	}
	snprintf(path, sizeof(path), "/proc/%lld/cgroup", (long long)pid);
	if ((n = read_small(path, buf, sizeof(buf))) > 0) {
		/* "id:controllers:path" lines -> "controllers=path" items, NUL-separated */
		char items[8192];
		size_t o = 0;
		for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			char *c1 = strchr(l, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
			if (!c2)
				continue;
			int w = snprintf(items + o, sizeof(items) - o, "%.*s=%s", (int)(c2 - c1 - 1), c1 + 1, c2 + 1);
			if (w < 0 || (size_t)w + 1 >= sizeof(items) - o)
				break;
			o += (size_t)w + 1;
		}
		sinsp_set_proc_str(p, 'g', items, o);
	}
	scan_fds(s, p, pid);
}

void sinsp_scan_proc(sinsp_t *s)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		int64_t pid = strtoll(de->d_name, NULL, 10);
		char tdir[64];
		snprintf(tdir, sizeof(tdir), "/proc/%lld/task", (long long)pid);
		scan_thread(s, pid, pid); /* the main thread first */
		DIR *td = opendir(tdir);
		struct dirent *te;
		while (td && (te = readdir(td))) {
			int64_t tid = isdigit((unsigned char)te->d_name[0]) ? strtoll(te->d_name, NULL, 10) : pid;
			if (tid != pid)
				scan_thread(s, pid, tid);
		}
		if (td)
			closedir(td);
	}
	closedir(d);

	/* users and groups, with the C library's own parsers */
	FILE *f = fopen("/etc/passwd", "re");
	struct passwd *pw;
	while (f && (pw = fgetpwent(f)))
		sinsp_add_user(s, false, pw->pw_uid, pw->pw_name, pw->pw_dir, pw->pw_shell);
	if (f)
		fclose(f);
	f = fopen("/etc/group", "re");
	struct group *gr;
	while (f && (gr = fgetgrent(f)))
		sinsp_add_user(s, true, gr->gr_gid, gr->gr_name, NULL, NULL);
	if (f)
		fclose(f);
}

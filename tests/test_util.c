/* SPDX-License-Identifier: Apache-2.0 */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "scap.h"

const char *tu_shared_dir(const char *what)
{
	const char *d = getenv("SCAP_SHARED_DIR");
	struct stat st;

	if (d && d[0] && stat(d, &st) == 0 && S_ISDIR(st.st_mode))
		return d;
	fprintf(stderr, "SKIP: %s: shared test data not found (SCAP_SHARED_DIR=%s); "
			"place ../shared beside the checkout to run it\n",
		what, d ? d : "(unset)");
	return NULL;
}

const char *tu_shared_capture(const char *name)
{
	static char path[4096];
	const char *d = tu_shared_dir(name);

	if (!d)
		return NULL;
	snprintf(path, sizeof(path), "%s/captures/%s", d, name);
	if (access(path, R_OK) != 0) {
		fprintf(stderr, "SKIP: %s: not readable\n", path);
		return NULL;
	}
	return path;
}

const char *tu_fixture(const char *name)
{
	static char path[4096];
	const char *dir = getenv("SCAP_FIXTURES_DIR");
	struct stat st;

	if (dir && *dir) {
		snprintf(path, sizeof(path), "%s/%s.scap", dir, name);
		return path;
	}
	const char *f = __FILE__, *slash = strrchr(f, '/');
	snprintf(path, sizeof(path), "%.*s/captures", slash ? (int)(slash - f) : 1, slash ? f : ".");
	if (stat(path, &st) != 0)
		snprintf(path, sizeof(path), "tests/captures");
	snprintf(path + strlen(path), sizeof(path) - strlen(path), "/%s.scap", name);
	return path;
}

const char *tu_tmpfile(const char *suffix)
{
	static char path[4096];
	static unsigned counter;
	const char *t = getenv("TMPDIR");

	snprintf(path, sizeof(path), "%s/scaptest-%ld-%u%s", t && t[0] ? t : "/tmp", (long)getpid(),
		 counter++, suffix ? suffix : "");
	return path;
}

int tu_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	if (len && fwrite(data, 1, len, f) != len) {
		fclose(f);
		return -1;
	}
	return fclose(f) == 0 ? 0 : -1;
}

int tu_write_gz(const char *path, const void *data, size_t len)
{
	gzFile f = gzopen(path, "wb");

	if (!f)
		return -1;
	if (len && gzwrite(f, data, (unsigned)len) != (int)len) {
		gzclose(f);
		return -1;
	}
	return gzclose(f) == Z_OK ? 0 : -1;
}

char *tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 65536 + 1 > cap) {
			char *nb;
			cap = cap ? cap * 2 : 131072;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		size_t r = fread(buf + n, 1, 65536, f);
		n += r;
		if (r < 65536)
			break;
	}
	fclose(f);
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

struct scap *tu_open(const char *path)
{
	struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;
	char errbuf[SCAP_ERRBUF_SIZE];
	scap_t *h;

	o.filename = path;
	h = scap_open(&o, errbuf);
	ck_assert_msg(h != NULL, "open %s: %s", path, errbuf);
	return h;
}

/* Open the engine, or return NULL after printing a SKIP line when this
 * machine or build cannot run it. */
struct scap *tu_open_bpf(size_t ring_bytes)
{
	struct scap_open_opts o = SCAP_OPEN_OPTS_INIT;
	char errbuf[SCAP_ERRBUF_SIZE];
	int err;
	scap_t *h;

	if (geteuid() != 0) {
		printf("SKIP: bpf: not running as root\n");
		return NULL;
	}
	const char *eng = getenv("SCAP_TEST_ENGINE"); /* "kmod": the same tests on the kmod engine (qemu guest) */
	if (eng && strcmp(eng, "kmod") == 0) {
		o.engine = "kmod";
		o.ring_bytes = ring_bytes < 65536 ? 65536 : ring_bytes; /* per CPU there */
		h = scap_open_err(&o, errbuf, &err);
		ck_assert_msg(h != NULL, "kmod open: %s", errbuf);
		return h;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		printf("SKIP: bpf: no kernel BTF (/sys/kernel/btf/vmlinux)\n");
		return NULL;
	}
	o.engine = "bpf";
	o.ring_bytes = ring_bytes;
	h = scap_open_err(&o, errbuf, &err);
	if (!h && err == SCAP_ERR_NOTSUP && strstr(errbuf, "not built")) {
		printf("SKIP: bpf: engine not built into this library\n");
		return NULL;
	}
	if (!h && strstr(errbuf, "permission denied")) {
		printf("SKIP: bpf: %s\n", errbuf);
		return NULL;
	}
	ck_assert_msg(h != NULL, "bpf open: %s", errbuf);
	ck_assert_str_eq(scap_engine_name(h), "bpf");
	return h;
}

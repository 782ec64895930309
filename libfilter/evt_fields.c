/* SPDX-License-Identifier: Apache-2.0 */
/*
 * evt_fields.c - the built-in "evt" provider: the evt.* fields that can be
 * answered from one raw libscap event, without thread or fd state.
 *
 * Names, types and meanings follow libsinsp's `evt` filter class. Where
 * libsinsp consults its fd table (evt.category of I/O events, evt.buflen,
 * evt.count.error.*), this provider answers as libsinsp does when the fd is
 * unknown to it.
 *
 * Only the public API of filter.h and scap.h is used.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "filter.h"

/* Event types and parameter bits this provider needs (values as upstream). */
#define EVT_GENERIC_E 0u
#define EVT_GENERIC_X 1u
#define EVT_ASYNCEVENT_E 402u
#define EVT_PROCINFO_E 234u
#define EVT_INFRA_E 286u

#define EC_MEMORY 5u
#define EC_IO_BASE 32u
#define EC_IO_READ 32u
#define EC_IO_WRITE 33u

#define PPM_O_RDONLY (1u << 0)
#define PPM_O_WRONLY (1u << 1)
#define PPM_O_CREAT (1u << 2)
#define PPM_O_TMPFILE (1u << 13)
#define PPM_O_F_CREATED (1u << 14)
#define MODE_EXEC_MASK 0111u /* S_IXUSR | S_IXGRP | S_IXOTH */

#define PPM_AT_FDCWD (-100)

/* Scratch text for string values (evt.args, evt.arg, times...). Values
 * longer than this are cut. */
#define EVT_BUF_SIZE 65536u

enum evt_field {
	F_NUM,
	F_TIME,
	F_TIME_S,
	F_TIME_ISO8601,
	F_DATETIME,
	F_DATETIME_S,
	F_RAWTIME,
	F_RAWTIME_S,
	F_RAWTIME_NS,
	F_DIR,
	F_TYPE,
	F_TYPE_IS,
	F_CATEGORY,
	F_CPU,
	F_ARGS,
	F_ARG,
	F_RAWARG,
	F_INFO,
	F_BUFFER,
	F_BUFLEN,
	F_BUFLEN_IN,
	F_BUFLEN_OUT,
	F_RES,
	F_RAWRES,
	F_FAILED,
	F_IS_IO,
	F_IS_IO_READ,
	F_IS_IO_WRITE,
	F_IO_DIR,
	F_IS_WAIT,
	F_COUNT,
	F_COUNT_ERROR,
	F_COUNT_ERROR_FILE,
	F_COUNT_ERROR_NET,
	F_COUNT_ERROR_MEMORY,
	F_COUNT_ERROR_OTHER,
	F_COUNT_EXIT,
	F_COUNT_THREADINFO,
	F_IS_OPEN_READ,
	F_IS_OPEN_WRITE,
	F_IS_OPEN_EXEC,
	F_IS_OPEN_CREATE,
	F_SOURCE,
	F_IS_ASYNC,
	F_ASYNCTYPE,
	F_INFRA_DOCKER_NAME,
	F_INFRA_DOCKER_CONTAINER_ID,
	F_INFRA_DOCKER_CONTAINER_NAME,
	F_INFRA_DOCKER_CONTAINER_IMAGE,
	F_SYSCALL_TYPE,
	F_OUTPUTTIME,
	F_MAX
};

#define ARGF (FILTER_FIELD_ARG_REQUIRED | FILTER_FIELD_ARG_DOTTED)

static const struct evt_field_def {
	const char *name;
	enum filter_ftype type;
	uint32_t flags;
	const char *desc;
} evt_field_defs[F_MAX] = {
	[F_NUM] = {"evt.num", FILTER_T_UINT64, 0, "sequence number of the event"},
	[F_TIME] = {"evt.time", FILTER_T_STRING, 0, "local time of the event, HH:MM:SS.nnnnnnnnn"},
	[F_TIME_S] = {"evt.time.s", FILTER_T_STRING, 0, "local time of the event, HH:MM:SS"},
	[F_TIME_ISO8601] = {"evt.time.iso8601", FILTER_T_STRING, 0,
			    "UTC time of the event in ISO 8601 form, with nanoseconds"},
	[F_DATETIME] = {"evt.datetime", FILTER_T_STRING, 0,
			"local date and time of the event, YYYY-MM-DD HH:MM:SS.nnnnnnnnn"},
	[F_DATETIME_S] = {"evt.datetime.s", FILTER_T_STRING, 0,
			  "local date and time of the event, YYYY-MM-DD HH:MM:SS"},
	[F_RAWTIME] = {"evt.rawtime", FILTER_T_ABSTIME, 0, "event timestamp in nanoseconds since the epoch"},
	[F_RAWTIME_S] = {"evt.rawtime.s", FILTER_T_UINT64, 0, "whole seconds of the event timestamp"},
	[F_RAWTIME_NS] = {"evt.rawtime.ns", FILTER_T_UINT64, FILTER_FIELD_PAD9,
			  "nanoseconds part of the event timestamp (0-999999999)"},
	[F_DIR] = {"evt.dir", FILTER_T_STRING, 0, "'>' for enter events, '<' for exit events"},
	[F_TYPE] = {"evt.type", FILTER_T_STRING, 0, "event name, e.g. 'open'"},
	[F_TYPE_IS] = {"evt.type.is", FILTER_T_UINT64, ARGF,
		       "1 if the event has the type given as argument (evt.type.is.open), else 0"},
	[F_CATEGORY] = {"evt.category", FILTER_T_STRING, 0,
			"event category: file, net, process, memory, ...; 'unknown' for I/O events"},
	[F_CPU] = {"evt.cpu", FILTER_T_INT64, 0, "CPU that produced the event"},
	[F_ARGS] = {"evt.args", FILTER_T_STRING, 0, "all parameters as text: name=value name=value ..."},
	[F_ARG] = {"evt.arg", FILTER_T_STRING, ARGF,
		   "one parameter as text, by name (evt.arg.fd) or position (evt.arg[0])"},
	[F_RAWARG] = {"evt.rawarg", FILTER_T_UINT64, ARGF,
		      "one parameter by name (evt.rawarg.size), with the parameter's own type"},
	[F_INFO] = {"evt.info", FILTER_T_STRING, 0, "same as evt.args"},
	[F_BUFFER] = {"evt.buffer", FILTER_T_BYTES, 0, "the data buffer of I/O events (read, sendto, ...)"},
	[F_BUFLEN] = {"evt.buflen", FILTER_T_UINT64, 0,
		      "bytes transferred by a successful I/O exit event (its return value)"},
	[F_BUFLEN_IN] = {"evt.buflen.in", FILTER_T_UINT64, 0, "evt.buflen, for read-type I/O events only"},
	[F_BUFLEN_OUT] = {"evt.buflen.out", FILTER_T_UINT64, 0, "evt.buflen, for write-type I/O events only"},
	[F_RES] = {"evt.res", FILTER_T_STRING, 0,
		   "syscall result: 'SUCCESS', or the error name (e.g. ENOENT) when it failed"},
	[F_RAWRES] = {"evt.rawres", FILTER_T_INT64, 0, "syscall return value as a number (e.g. -2)"},
	[F_FAILED] = {"evt.failed", FILTER_T_BOOL, 0, "true if the syscall returned an error"},
	[F_IS_IO] = {"evt.is_io", FILTER_T_BOOL, 0, "true for events that read from or write to an fd"},
	[F_IS_IO_READ] = {"evt.is_io_read", FILTER_T_BOOL, 0, "true for events that read from an fd"},
	[F_IS_IO_WRITE] = {"evt.is_io_write", FILTER_T_BOOL, 0, "true for events that write to an fd"},
	[F_IO_DIR] = {"evt.io_dir", FILTER_T_STRING, 0, "'read' or 'write' for I/O events"},
	[F_IS_WAIT] = {"evt.is_wait", FILTER_T_BOOL, 0,
		       "true for events that make the thread wait (sleep, select, poll...)"},
	[F_COUNT] = {"evt.count", FILTER_T_UINT64, 0, "always 1"},
	[F_COUNT_ERROR] = {"evt.count.error", FILTER_T_UINT64, 0, "1 if the syscall failed, else 0"},
	[F_COUNT_ERROR_FILE] = {"evt.count.error.file", FILTER_T_UINT64, 0,
				"evt.count.error, for file open events only"},
	[F_COUNT_ERROR_NET] = {"evt.count.error.net", FILTER_T_UINT64, 0,
			       "evt.count.error, for connect and accept events only"},
	[F_COUNT_ERROR_MEMORY] = {"evt.count.error.memory", FILTER_T_UINT64, 0,
				  "evt.count.error, for memory events only"},
	[F_COUNT_ERROR_OTHER] = {"evt.count.error.other", FILTER_T_UINT64, 0,
				 "evt.count.error, for events not covered by the file, net and memory counts"},
	[F_COUNT_EXIT] = {"evt.count.exit", FILTER_T_UINT64, 0, "1 for exit events"},
	[F_COUNT_THREADINFO] = {"evt.count.threadinfo", FILTER_T_UINT64, 0, "1 for procinfo events, else 0"},
	[F_IS_OPEN_READ] = {"evt.is_open_read", FILTER_T_BOOL, 0,
			    "true for open/openat/openat2/open_by_handle_at exits that opened for reading"},
	[F_IS_OPEN_WRITE] = {"evt.is_open_write", FILTER_T_BOOL, 0,
			     "true for open/openat/openat2/open_by_handle_at exits that opened for writing"},
	[F_IS_OPEN_EXEC] = {"evt.is_open_exec", FILTER_T_BOOL, 0,
			    "true for open-family or creat exits that create a file with an execute bit"},
	[F_IS_OPEN_CREATE] = {"evt.is_open_create", FILTER_T_BOOL, 0,
			      "true for open/openat/openat2/open_by_handle_at exits that created a file"},
	[F_SOURCE] = {"evt.source", FILTER_T_STRING, 0, "event source: 'syscall'"},
	[F_IS_ASYNC] = {"evt.is_async", FILTER_T_BOOL, 0, "true for meta events generated in user space"},
	[F_ASYNCTYPE] = {"evt.asynctype", FILTER_T_STRING, 0, "for meta events, their name (e.g. 'container')"},
	[F_INFRA_DOCKER_NAME] = {"evt.infra.docker.name", FILTER_T_STRING, 0,
				 "docker infrastructure events: the event name"},
	[F_INFRA_DOCKER_CONTAINER_ID] = {"evt.infra.docker.container.id", FILTER_T_STRING, 0,
					 "docker infrastructure events: the container id (12 chars)"},
	[F_INFRA_DOCKER_CONTAINER_NAME] = {"evt.infra.docker.container.name", FILTER_T_STRING, 0,
					   "docker infrastructure events: the container name"},
	[F_INFRA_DOCKER_CONTAINER_IMAGE] = {"evt.infra.docker.container.image", FILTER_T_STRING, 0,
					    "docker infrastructure events: the container image"},
	[F_SYSCALL_TYPE] = {"syscall.type", FILTER_T_STRING, 0,
			    "for syscall events, the syscall's name (generic events: from their syscall id); "
			    "no value for other events"},
	[F_OUTPUTTIME] = {"evt.outputtime", FILTER_T_STRING, 0,
			  "time of the event as outputs print it: HH:MM:SS.nnnnnnnnn local time (as evt.time)"},
};

/* What this provider precomputes per event type. Parameter indexes are
 * stored +1 (0: the type has no such parameter). */
#define K_OPEN 0x01u      /* open/openat/openat2/open_by_handle_at exit */
#define K_BY_HANDLE 0x02u /* open_by_handle_at exit (no mode parameter) */
#define K_CREAT 0x04u     /* creat exit */
#define K_FILE_ERR 0x08u  /* counted by evt.count.error.file */
#define K_NET_ERR 0x10u   /* counted by evt.count.error.net */

struct evt_type_info {
	uint8_t kind;
	uint8_t flags_idx;
	uint8_t mode_idx;
	uint8_t data_idx;
};

/* For evt.arg.NAME / evt.rawarg.NAME: the index of NAME in every known
 * event type (-1: none), built once per distinct NAME. */
struct arg_table {
	struct arg_table *next;
	char *name;
	int8_t idx[];
};

struct evt_ctx {
	uint32_t ntypes;
	struct evt_type_info *types;
	struct arg_table *args;
	char buf[EVT_BUF_SIZE];
};

/* ---- helpers --------------------------------------------------------------- */

static int name_eq(const char *a, const char *b, size_t blen)
{
	return a && strlen(a) == blen && memcmp(a, b, blen) == 0;
}

/* Index of the parameter called name[0..len) in the schema of type, or -1. */
static int param_index(uint16_t type, const char *name, size_t len)
{
	uint32_t n = scap_event_nparams(type);

	for (uint32_t i = 0; i < n; i++)
		if (name_eq(scap_event_param_name(type, i), name, len))
			return (int)i;
	return -1;
}

/* The argument is a decimal index (evt.arg[2], evt.arg.2)? */
static int parse_index(const char *arg, size_t len, uint32_t *out)
{
	uint64_t v = 0;

	if (!arg || len == 0 || len > 9)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (arg[i] < '0' || arg[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(arg[i] - '0');
	}
	*out = (uint32_t)v;
	return 1;
}

static enum filter_ftype ptype_to_ftype(enum scap_ptype t)
{
	switch (t) {
	case SCAP_PT_INT8: case SCAP_PT_INT16: case SCAP_PT_INT32: case SCAP_PT_INT64:
	case SCAP_PT_ERRNO: case SCAP_PT_FD: case SCAP_PT_PID: case SCAP_PT_FD32: case SCAP_PT_PID32:
		return FILTER_T_INT64;
	case SCAP_PT_UINT8: case SCAP_PT_UINT16: case SCAP_PT_UINT32: case SCAP_PT_UINT64:
	case SCAP_PT_FLAGS8: case SCAP_PT_FLAGS16: case SCAP_PT_FLAGS32:
	case SCAP_PT_ENUMFLAGS8: case SCAP_PT_ENUMFLAGS16: case SCAP_PT_ENUMFLAGS32:
	case SCAP_PT_MODE: case SCAP_PT_UID: case SCAP_PT_GID: case SCAP_PT_PORT: case SCAP_PT_SYSCALLID:
	case SCAP_PT_SIGTYPE: case SCAP_PT_BOOL: case SCAP_PT_L4PROTO: case SCAP_PT_SOCKFAMILY:
	case SCAP_PT_SIGSET:
		return FILTER_T_UINT64;
	case SCAP_PT_CHARBUF: case SCAP_PT_FSPATH: case SCAP_PT_FSRELPATH:
		return FILTER_T_STRING;
	case SCAP_PT_RELTIME:
		return FILTER_T_RELTIME;
	case SCAP_PT_ABSTIME:
		return FILTER_T_ABSTIME;
	case SCAP_PT_IPV4ADDR: case SCAP_PT_IPV6ADDR: case SCAP_PT_IPADDR:
		return FILTER_T_IPADDR;
	case SCAP_PT_DOUBLE:
		return FILTER_T_DOUBLE;
	default: /* BYTEBUF, SOCKADDR, SOCKTUPLE, FDLIST, DYN, ... */
		return FILTER_T_BYTES;
	}
}

static int ptype_is_signed(enum scap_ptype t)
{
	switch (t) {
	case SCAP_PT_INT8: case SCAP_PT_INT16: case SCAP_PT_INT32: case SCAP_PT_INT64:
	case SCAP_PT_ERRNO: case SCAP_PT_FD: case SCAP_PT_PID: case SCAP_PT_FD32: case SCAP_PT_PID32:
		return 1;
	default:
		return 0;
	}
}

/* The schema of the first event type (in table order) that has a parameter
 * called name: how evt.rawarg.NAME gets its type. Returns 0 or -1. */
static int rawarg_lookup(const char *name, size_t len, enum filter_ftype *type)
{
	uint32_t max = scap_event_max();

	for (uint32_t t = 0; t < max; t++) {
		int i = param_index((uint16_t)t, name, len);
		if (i >= 0) {
			*type = ptype_to_ftype(scap_event_param_type((uint16_t)t, (uint32_t)i));
			return 0;
		}
	}
	return -1;
}

static uint64_t rd_le(const uint8_t *p, uint32_t len)
{
	uint64_t v = 0;

	for (uint32_t i = len; i > 0; i--)
		v = (v << 8) | p[i - 1];
	return v;
}

/* Numeric parameter as a 64-bit value (sign-extended for signed types).
 * Returns 0, or -1 when absent or not 1/2/4/8 bytes wide. */
static int param_num(const scap_evt_t *e, uint32_t i, int is_signed, uint64_t *out)
{
	const void *data;
	uint32_t len;

	if (scap_evt_param(e, i, &data, &len) != SCAP_OK)
		return -1;
	if (len != 1 && len != 2 && len != 4 && len != 8)
		return -1;
	uint64_t v = rd_le(data, len);
	if (is_signed && len < 8 && (v >> (len * 8 - 1)) & 1)
		v |= ~(uint64_t)0 << (len * 8);
	*out = v;
	return 0;
}

/* Like libsinsp: exit events of syscalls (but not the generic syscall
 * event) that carry at least one parameter have a return value, the first
 * parameter. */
static int has_return_value(const scap_evt_t *e)
{
	uint16_t type = scap_evt_type(e);

	return type != EVT_GENERIC_X && (scap_event_category(type) & SCAP_EC_SYSCALL) &&
	       scap_event_direction(type) == SCAP_DIR_EXIT && scap_evt_nparams(e) > 0;
}

/* The return value; -1 when the event has none (or it is empty). */
static int return_value(const scap_evt_t *e, int64_t *res)
{
	const void *data;
	uint32_t len;
	uint64_t v;

	if (!has_return_value(e) || scap_evt_param(e, 0, &data, &len) != SCAP_OK || (len != 4 && len != 8))
		return -1;
	if (param_num(e, 0, 1, &v) != 0)
		return -1;
	*res = (int64_t)v;
	return 0;
}

/* Name of an error code, as libsinsp prints it (ENOENT, ...), or NULL. */
static const char *errno_name(int64_t res)
{
	static const char *const kernel_only[] = {
		"ERESTARTSYS", "ERESTARTNOINTR", "ERESTARTNOHAND", "ENOIOCTLCMD", "ERESTART_RESTARTBLOCK",
	};

	if (res >= 0 || res <= -4096)
		return NULL;
	if (-res >= 512 && -res < 512 + (int64_t)(sizeof(kernel_only) / sizeof(kernel_only[0])))
		return kernel_only[-res - 512];
	return strerrorname_np((int)-res);
}

static const char *category_name(uint32_t cat)
{
	cat &= SCAP_EC_SYSCALL_MASK;
	if (cat & EC_IO_BASE)
		return "unknown"; /* libsinsp needs the fd type for I/O events */
	switch (cat) {
	case 0: return "unknown";
	case 1: return "other";
	case 2: return "file";
	case 3: return "net";
	case 4: return "IPC";
	case 5: return "memory";
	case 6: return "process";
	case 7: return "sleep";
	case 8: return "system";
	case 9: return "signal";
	case 10: return "user";
	case 11: return "time";
	case 12: return "processing";
	case 64: return "wait";
	case 128: return "scheduler";
	case 256: return "internal";
	default: return "unknown";
	}
}

static void out_cstr(filter_out_t *out, const char *s)
{
	filter_out_str(out, s, strlen(s));
}

/* A CHARBUF-like parameter as (pointer, length without the NUL). */
static int param_text(const scap_evt_t *e, uint32_t i, const char **s, size_t *n)
{
	const void *data;
	uint32_t len;

	if (scap_evt_param(e, i, &data, &len) != SCAP_OK || len == 0)
		return -1;
	*s = data;
	*n = strnlen(data, len);
	return 0;
}

/* ---- time ------------------------------------------------------------------- */

enum { T_TIME, T_TIME_S, T_ISO, T_DATETIME, T_DATETIME_S };

static size_t format_time(char *buf, size_t cap, uint64_t ts, int kind)
{
	time_t sec = (time_t)(ts / 1000000000u);
	unsigned nsec = (unsigned)(ts % 1000000000u);
	struct tm tm;
	size_t n;

	if (kind == T_ISO) {
		if (!gmtime_r(&sec, &tm))
			return 0;
		n = strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &tm);
		if (n == 0)
			return 0;
		return n + (size_t)snprintf(buf + n, cap - n, ".%09u+0000", nsec);
	}
	if (!localtime_r(&sec, &tm))
		return 0;
	n = strftime(buf, cap, (kind == T_DATETIME || kind == T_DATETIME_S) ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S",
		     &tm);
	if (n == 0)
		return 0;
	if (kind == T_TIME || kind == T_DATETIME)
		n += (size_t)snprintf(buf + n, cap - n, ".%09u", nsec);
	return n;
}

/* ---- parameter text ------------------------------------------------------- */

/* evt.args / evt.info: "name=value name=value" into ctx->buf. */
static size_t format_args(struct evt_ctx *c, const scap_evt_t *e)
{
	uint16_t type = scap_evt_type(e);
	uint32_t n = scap_evt_nparams(e);
	size_t cap = sizeof(c->buf), pos = 0;

	if (type == EVT_GENERIC_X)
		return 0; /* libsinsp shows no arguments for the generic event */
	for (uint32_t i = 0; i < n && pos + 1 < cap; i++) {
		const char *pname = scap_event_param_name(type, i);
		int k;

		if (pname)
			k = snprintf(c->buf + pos, cap - pos, "%s%s=", i ? " " : "", pname);
		else
			k = snprintf(c->buf + pos, cap - pos, "%sarg%u=", i ? " " : "", i);
		if (k < 0)
			break;
		pos += (size_t)k;
		if (pos + 1 >= cap)
			break;
		k = scap_evt_param_format(e, i, c->buf + pos, cap - pos, 0);
		if (k < 0)
			break;
		pos += (size_t)k;
	}
	return pos < cap ? pos : cap - 1;
}

/* evt.arg: the parameter's text, reduced like libsinsp's "resolved" form
 * where that needs no state: the symbolic part of errno, flags, mode and
 * signal values (ENOENT rather than -2(ENOENT)), the error name or AT_FDCWD
 * of a negative fd, and seconds for relative times. */
static int format_arg(struct evt_ctx *c, const scap_evt_t *e, uint32_t i, const char **s, size_t *n)
{
	uint16_t type = scap_evt_type(e);
	enum scap_ptype pt = scap_event_param_type(type, i);
	size_t cap = sizeof(c->buf);
	const void *data;
	uint32_t len;
	uint64_t v;

	if (scap_evt_param(e, i, &data, &len) != SCAP_OK || len == 0)
		return -1;

	switch (pt) {
	case SCAP_PT_FD: case SCAP_PT_FD32:
		if (param_num(e, i, 1, &v) == 0 && (int64_t)v < 0) {
			const char *name = (int64_t)v == PPM_AT_FDCWD ? "AT_FDCWD" : errno_name((int64_t)v);
			if (name) {
				*s = name;
				*n = strlen(name);
				return 0;
			}
		}
		break;
	case SCAP_PT_RELTIME:
		if (len == 8 && param_num(e, i, 0, &v) == 0) {
			if (v == UINT64_MAX) {
				*s = "none";
				*n = 4;
				return 0;
			}
			int k = snprintf(c->buf, cap, "%gs", (double)v / 1e9);
			if (k < 0)
				return -1;
			*s = c->buf;
			*n = (size_t)k < cap ? (size_t)k : cap - 1;
			return 0;
		}
		break;
	default:
		break;
	}

	int k = scap_evt_param_format(e, i, c->buf, cap, 0);
	if (k < 0)
		return -1;
	size_t tl = (size_t)k < cap ? (size_t)k : cap - 1;
	*s = c->buf;
	*n = tl;

	switch (pt) {
	case SCAP_PT_ERRNO: case SCAP_PT_FLAGS8: case SCAP_PT_FLAGS16: case SCAP_PT_FLAGS32:
	case SCAP_PT_ENUMFLAGS8: case SCAP_PT_ENUMFLAGS16: case SCAP_PT_ENUMFLAGS32:
	case SCAP_PT_MODE: case SCAP_PT_SIGTYPE: {
		/* "N(SYMBOLS)" -> "SYMBOLS" */
		const char *open = memchr(c->buf, '(', tl);
		if (open && tl > 0 && c->buf[tl - 1] == ')' && (size_t)(open - c->buf) + 2 < tl) {
			*s = open + 1;
			*n = tl - (size_t)(open - c->buf) - 2;
		}
		break;
	}
	default:
		break;
	}
	return 0;
}

static const struct arg_table *arg_table_get(struct evt_ctx *c, const char *name, size_t len)
{
	struct arg_table *t;

	for (t = c->args; t; t = t->next)
		if (strlen(t->name) == len && !memcmp(t->name, name, len))
			return t;
	t = malloc(sizeof(*t) + c->ntypes);
	if (!t || !(t->name = strndup(name, len))) {
		free(t);
		return NULL;
	}
	for (uint32_t type = 0; type < c->ntypes; type++)
		t->idx[type] = (int8_t)param_index((uint16_t)type, name, len);
	t->next = c->args;
	c->args = t;
	return t;
}

/* Parameter index for evt.arg / evt.rawarg on this event, or -1. By name,
 * through a per-type table found once per field use (cache[3]); by
 * position when the argument is a number. */
static int arg_index(struct evt_ctx *c, const filter_fieldref_t *ref, const scap_evt_t *e)
{
	uint64_t *cache = filter_fieldref_cache(ref);
	uint16_t type = scap_evt_type(e);
	uint32_t idx;

	if (!cache[3]) {
		size_t alen = 0;
		const char *arg = filter_fieldref_arg(ref, &alen);
		if (!arg)
			return -1;
		if (parse_index(arg, alen, &idx)) {
			cache[3] = 1;
			cache[1] = idx;
		} else {
			const struct arg_table *t = arg_table_get(c, arg, alen);
			if (!t)
				return -1;
			cache[3] = (uint64_t)(uintptr_t)t;
		}
	}
	if (cache[3] == 1)
		idx = (uint32_t)cache[1];
	else if (type < c->ntypes)
		idx = (uint32_t)(int32_t)((const struct arg_table *)(uintptr_t)cache[3])->idx[type];
	else
		return -1; /* unknown types have no parameter names */
	if (idx >= scap_evt_nparams(e))
		return -1;
	return (int)idx;
}

/* ---- evt.rawarg ------------------------------------------------------------ */

static int extract_rawarg(struct evt_ctx *c, const filter_fieldref_t *ref, const scap_evt_t *e, filter_out_t *out)
{
	uint64_t *cache = filter_fieldref_cache(ref);
	int i = arg_index(c, ref, e);
	const void *data;
	uint32_t len;
	uint64_t v;

	if (i < 0 || scap_evt_param(e, (uint32_t)i, &data, &len) != SCAP_OK || len == 0)
		return 0;
	if (cache[2] == 0) {
		/* the type validate() gave this use of the field */
		enum filter_ftype t = FILTER_T_BYTES;
		size_t alen = 0;
		const char *arg = filter_fieldref_arg(ref, &alen);
		if (!arg || rawarg_lookup(arg, alen, &t) != 0)
			return 0;
		cache[2] = (uint64_t)t + 1;
	}
	enum filter_ftype want = (enum filter_ftype)(cache[2] - 1);
	enum scap_ptype pt = scap_event_param_type(scap_evt_type(e), (uint32_t)i);

	switch (want) {
	case FILTER_T_INT64:
		if (param_num(e, (uint32_t)i, ptype_is_signed(pt), &v) == 0)
			filter_out_i64(out, (int64_t)v);
		break;
	case FILTER_T_UINT64: case FILTER_T_RELTIME: case FILTER_T_ABSTIME:
		if (param_num(e, (uint32_t)i, ptype_is_signed(pt), &v) == 0)
			filter_out_u64(out, v);
		break;
	case FILTER_T_STRING:
		if (ptype_to_ftype(pt) == FILTER_T_STRING)
			filter_out_str(out, data, strnlen(data, len));
		break;
	case FILTER_T_IPADDR:
		if (len == 4 || len == 16)
			filter_out_ip(out, data, len);
		break;
	case FILTER_T_DOUBLE:
		if (len == 8) {
			double d;
			memcpy(&d, data, sizeof(d));
			filter_out_double(out, d);
		}
		break;
	default:
		filter_out_bytes(out, data, len);
		break;
	}
	return 0;
}

/* ---- evt.infra.docker.* ---------------------------------------------------- */

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t' || **s == '\n' || **s == '\r')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\n' ||
		      (*s)[*n - 1] == '\r'))
		(*n)--;
}

/* The description of an infrastructure event is "key: value; key: value". */
static void extract_infra(uint32_t id, const scap_evt_t *e, filter_out_t *out)
{
	static const char *const keys[] = {"Event", "ID", "name", "Image"};
	const char *d;
	size_t dn;

	if (scap_evt_type(e) != EVT_INFRA_E || param_text(e, 2, &d, &dn) != 0)
		return;
	const char *key = keys[id - F_INFRA_DOCKER_NAME];
	size_t klen = strlen(key);

	while (dn > 0) {
		const char *semi = memchr(d, ';', dn);
		size_t elen = semi ? (size_t)(semi - d) : dn;
		const char *el = d;
		size_t en = elen;

		d += elen + (semi ? 1 : 0);
		dn -= elen + (semi ? 1 : 0);
		trim(&el, &en);
		if (en < klen || memcmp(el, key, klen) != 0)
			continue;
		const char *colon = memchr(el, ':', en);
		if (!colon)
			return;
		const char *val = colon + 1;
		size_t rest = en - (size_t)(val - el), vn = rest;
		/* the text up to the next ':' */
		const char *c2 = memchr(val, ':', vn);
		if (c2)
			vn = (size_t)(c2 - val);
		if (id == F_INFRA_DOCKER_CONTAINER_IMAGE) {
			/* "repo@sha256:..." -> "repo"; "sha256:..." is kept whole */
			const char *at = memchr(val, '@', vn);
			if (at)
				vn = (size_t)(at - val);
			else if (memmem(val, vn, "sha256", 6))
				vn = rest;
		}
		trim(&val, &vn);
		if (id == F_INFRA_DOCKER_CONTAINER_ID && vn > 12)
			vn = 12;
		filter_out_str(out, val, vn);
		return;
	}
}

/* ---- extract ----------------------------------------------------------------- */

static int evt_extract(void *pctx, uint32_t id, const filter_fieldref_t *ref, const filter_evtctx_t *ev,
		       filter_out_t *out)
{
	struct evt_ctx *c = pctx;
	const scap_evt_t *e = filter_evtctx_evt(ev);
	uint16_t type;
	uint32_t eflags, cat;
	const struct evt_type_info *ti;
	static const struct evt_type_info no_info;
	int64_t res;
	const char *s;
	size_t n;
	uint64_t v;

	if (!e)
		return 0;
	type = scap_evt_type(e);
	eflags = scap_event_flags(type);
	cat = scap_event_category(type);
	ti = type < c->ntypes ? &c->types[type] : &no_info;

	switch ((enum evt_field)id) {
	case F_NUM:
		filter_out_u64(out, filter_evtctx_num(ev));
		break;
	case F_TIME: case F_TIME_S: case F_TIME_ISO8601: case F_DATETIME: case F_DATETIME_S: {
		static const int kinds[] = {
			[F_TIME] = T_TIME, [F_TIME_S] = T_TIME_S, [F_TIME_ISO8601] = T_ISO,
			[F_DATETIME] = T_DATETIME, [F_DATETIME_S] = T_DATETIME_S,
		};
		n = format_time(c->buf, sizeof(c->buf), scap_evt_ts(e), kinds[id]);
		if (n > 0)
			filter_out_str(out, c->buf, n);
		break;
	}
	case F_OUTPUTTIME: /* upstream's default time output mode 'h' */
		n = format_time(c->buf, sizeof(c->buf), scap_evt_ts(e), T_TIME);
		if (n > 0)
			filter_out_str(out, c->buf, n);
		break;
	case F_RAWTIME:
		filter_out_u64(out, scap_evt_ts(e));
		break;
	case F_RAWTIME_S:
		filter_out_u64(out, scap_evt_ts(e) / 1000000000u);
		break;
	case F_RAWTIME_NS:
		filter_out_u64(out, scap_evt_ts(e) % 1000000000u);
		break;
	case F_DIR:
		filter_out_str(out, scap_event_direction(type) == SCAP_DIR_ENTER ? ">" : "<", 1);
		break;
	case F_SYSCALL_TYPE:
		if (!(cat & SCAP_EC_SYSCALL))
			break;
		/* the syscall's name as evt.type gives it */
		__attribute__((fallthrough));
	case F_TYPE:
		if (type == EVT_GENERIC_E || type == EVT_GENERIC_X) {
			/* the syscall's own name, from its ppm_sc code */
			uint64_t sc, nid;
			if (param_num(e, 0, 0, &sc) != 0)
				break;
			if (sc == 0 && param_num(e, 1, 0, &nid) == 0) {
				uint32_t mapped;
				if (scap_syscall_x86_64((uint32_t)nid, &mapped, NULL, NULL, NULL, NULL))
					sc = mapped;
			}
			s = scap_ppm_sc_name((uint32_t)sc);
			if (s)
				out_cstr(out, s);
		} else if (type == EVT_ASYNCEVENT_E && id == F_TYPE) {
			if (param_text(e, 1, &s, &n) == 0)
				filter_out_str(out, s, n);
		} else if ((s = scap_event_name(type)) != NULL) {
			out_cstr(out, s);
		}
		break;
	case F_TYPE_IS: {
		uint64_t *cache = filter_fieldref_cache(ref);
		if (cache[0] != (uint64_t)type + 1) {
			size_t alen = 0;
			const char *arg = filter_fieldref_arg(ref, &alen);
			uint32_t num;
			int match = 0;
			if (arg && parse_index(arg, alen, &num))
				match = num == type;
			else if (arg)
				match = name_eq(scap_event_name(type), arg, alen);
			cache[0] = (uint64_t)type + 1;
			cache[1] = (uint64_t)match;
		}
		filter_out_u64(out, cache[1]);
		break;
	}
	case F_CATEGORY:
		out_cstr(out, category_name(cat));
		break;
	case F_CPU:
		filter_out_i64(out, (int64_t)scap_evt_cpu(e));
		break;
	case F_ARGS: case F_INFO:
		n = format_args(c, e);
		filter_out_str(out, c->buf, n);
		break;
	case F_ARG: {
		int i = arg_index(c, ref, e);
		if (i >= 0 && format_arg(c, e, (uint32_t)i, &s, &n) == 0)
			filter_out_str(out, s, n);
		break;
	}
	case F_RAWARG:
		return extract_rawarg(c, ref, e, out);
	case F_BUFFER: {
		const void *data;
		uint32_t len;
		if (ti->data_idx && scap_evt_param(e, ti->data_idx - 1u, &data, &len) == SCAP_OK && len > 0)
			filter_out_bytes(out, data, len);
		break;
	}
	case F_BUFLEN: case F_BUFLEN_IN: case F_BUFLEN_OUT: {
		uint32_t c9 = cat & SCAP_EC_SYSCALL_MASK;
		int ok = id == F_BUFLEN ? (c9 & EC_IO_BASE) != 0 : c9 == (id == F_BUFLEN_IN ? EC_IO_READ : EC_IO_WRITE);
		if (ok && return_value(e, &res) == 0 && res >= 0)
			filter_out_u64(out, (uint64_t)res);
		break;
	}
	case F_RES:
		if (return_value(e, &res) != 0)
			break;
		if (res >= 0) {
			filter_out_str(out, "SUCCESS", 7);
		} else if ((s = errno_name(res)) != NULL) {
			out_cstr(out, s);
		} else {
			int k = snprintf(c->buf, sizeof(c->buf), "%" PRId64, res);
			if (k > 0)
				filter_out_str(out, c->buf, (size_t)k);
		}
		break;
	case F_RAWRES:
		if (return_value(e, &res) == 0)
			filter_out_i64(out, res);
		break;
	case F_FAILED:
		if (return_value(e, &res) == 0)
			filter_out_bool(out, res < 0);
		break;
	case F_COUNT_ERROR: case F_COUNT_ERROR_FILE: case F_COUNT_ERROR_NET: case F_COUNT_ERROR_MEMORY:
	case F_COUNT_ERROR_OTHER: {
		int memory = (cat & SCAP_EC_SYSCALL_MASK) == EC_MEMORY;
		int applies = id == F_COUNT_ERROR ||
			      (id == F_COUNT_ERROR_FILE && (ti->kind & K_FILE_ERR)) ||
			      (id == F_COUNT_ERROR_NET && (ti->kind & K_NET_ERR)) ||
			      (id == F_COUNT_ERROR_MEMORY && memory) ||
			      (id == F_COUNT_ERROR_OTHER && !(ti->kind & (K_FILE_ERR | K_NET_ERR)) && !memory);
		if (applies && return_value(e, &res) == 0)
			filter_out_u64(out, res < 0 ? 1 : 0);
		break;
	}
	case F_IS_IO:
		filter_out_bool(out, (eflags & (SCAP_EF_READS_FROM_FD | SCAP_EF_WRITES_TO_FD)) != 0);
		break;
	case F_IS_IO_READ:
		filter_out_bool(out, (eflags & SCAP_EF_READS_FROM_FD) != 0);
		break;
	case F_IS_IO_WRITE:
		filter_out_bool(out, (eflags & SCAP_EF_WRITES_TO_FD) != 0);
		break;
	case F_IO_DIR:
		if (eflags & SCAP_EF_WRITES_TO_FD)
			filter_out_str(out, "write", 5);
		else if (eflags & SCAP_EF_READS_FROM_FD)
			filter_out_str(out, "read", 4);
		break;
	case F_IS_WAIT:
		filter_out_bool(out, (eflags & SCAP_EF_WAITS) != 0);
		break;
	case F_COUNT:
		filter_out_u64(out, 1);
		break;
	case F_COUNT_EXIT:
		if (scap_event_direction(type) == SCAP_DIR_EXIT)
			filter_out_u64(out, 1);
		break;
	case F_COUNT_THREADINFO:
		filter_out_u64(out, type == EVT_PROCINFO_E ? 1 : 0);
		break;
	case F_IS_OPEN_READ: case F_IS_OPEN_WRITE: case F_IS_OPEN_EXEC: case F_IS_OPEN_CREATE: {
		int r = 0;
		uint64_t flags = 0, mode;
		if (ti->kind & K_OPEN) {
			if (ti->flags_idx && param_num(e, ti->flags_idx - 1u, 0, &v) == 0)
				flags = v;
			if (id == F_IS_OPEN_READ)
				r = (flags & PPM_O_RDONLY) != 0;
			else if (id == F_IS_OPEN_WRITE)
				r = (flags & PPM_O_WRONLY) != 0;
			else if (id == F_IS_OPEN_CREATE)
				r = (flags & PPM_O_F_CREATED) ||
				    ((flags & PPM_O_TMPFILE) && return_value(e, &res) == 0 && res >= 0);
			else if ((flags & (PPM_O_TMPFILE | PPM_O_CREAT)) && !(ti->kind & K_BY_HANDLE) &&
				 ti->mode_idx && param_num(e, ti->mode_idx - 1u, 0, &mode) == 0)
				r = (mode & MODE_EXEC_MASK) != 0;
		} else if (id == F_IS_OPEN_EXEC && (ti->kind & K_CREAT) && ti->mode_idx &&
			   param_num(e, ti->mode_idx - 1u, 0, &mode) == 0) {
			r = (mode & MODE_EXEC_MASK) != 0;
		}
		filter_out_bool(out, r);
		break;
	}
	case F_SOURCE:
		filter_out_str(out, "syscall", 7);
		break;
	case F_IS_ASYNC:
		filter_out_bool(out, (cat & SCAP_EC_METAEVENT) != 0);
		break;
	case F_ASYNCTYPE:
		if (!(cat & SCAP_EC_METAEVENT))
			break;
		if (type == EVT_ASYNCEVENT_E) {
			if (param_text(e, 1, &s, &n) == 0)
				filter_out_str(out, s, n);
		} else if ((s = scap_event_name(type)) != NULL) {
			out_cstr(out, s);
		}
		break;
	case F_INFRA_DOCKER_NAME: case F_INFRA_DOCKER_CONTAINER_ID: case F_INFRA_DOCKER_CONTAINER_NAME:
	case F_INFRA_DOCKER_CONTAINER_IMAGE:
		extract_infra(id, e, out);
		break;
	case F_MAX:
		break;
	}
	return 0;
}

/* ---- validate ------------------------------------------------------------------ */

static int fail(char *err, size_t errlen, const char *what, const char *arg, size_t arglen)
{
	if (err && errlen)
		snprintf(err, errlen, "%s '%.*s'", what, (int)(arglen > 200 ? 200 : arglen), arg ? arg : "");
	return FILTER_ERR_COMPILE;
}

static int evt_validate(void *pctx, uint32_t id, const char *arg, size_t arglen, enum filter_ftype *type,
			char *err, size_t errlen)
{
	uint32_t idx;
	(void)pctx;

	switch (id) {
	case F_TYPE_IS:
		if (!arg || arglen == 0)
			return fail(err, errlen, "evt.type.is needs an event type, e.g.", "evt.type.is.open", 16);
		if (parse_index(arg, arglen, &idx))
			return 0;
		for (uint32_t t = 0; t < scap_event_max(); t++)
			if (name_eq(scap_event_name((uint16_t)t), arg, arglen))
				return 0;
		return fail(err, errlen, "unknown event type", arg, arglen);
	case F_ARG:
		if (!arg || arglen == 0)
			return fail(err, errlen, "evt.arg needs a parameter name or index, e.g.", "evt.arg.fd", 10);
		if (parse_index(arg, arglen, &idx))
			return 0;
		{
			enum filter_ftype t;
			if (rawarg_lookup(arg, arglen, &t) != 0)
				return fail(err, errlen, "unknown event argument", arg, arglen);
		}
		return 0;
	case F_RAWARG:
		if (!arg || arglen == 0)
			return fail(err, errlen, "evt.rawarg needs a parameter name, e.g.", "evt.rawarg.fd", 13);
		if (parse_index(arg, arglen, &idx))
			return fail(err, errlen, "evt.rawarg takes a parameter name, not an index:", arg, arglen);
		if (rawarg_lookup(arg, arglen, type) != 0)
			return fail(err, errlen, "unknown event argument", arg, arglen);
		return 0;
	default:
		return 0;
	}
}

/* ---- registration ------------------------------------------------------------ */

static void evt_destroy(void *pctx)
{
	struct evt_ctx *c = pctx;

	if (c) {
		while (c->args) {
			struct arg_table *t = c->args;
			c->args = t->next;
			free(t->name);
			free(t);
		}
		free(c->types);
		free(c);
	}
}

static int is_one_of(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(name, *list) == 0)
			return 1;
	return 0;
}

static void fill_type_info(struct evt_ctx *c)
{
	static const char *const opens[] = {"open", "openat", "openat2", "open_by_handle_at", NULL};
	static const char *const file_err[] = {"open", "openat", "openat2", "open_by_handle_at", "creat", NULL};
	static const char *const net_err[] = {"accept", "accept4", "connect", NULL};

	for (uint32_t t = 0; t < c->ntypes; t++) {
		struct evt_type_info *ti = &c->types[t];
		const char *name = scap_event_name((uint16_t)t);
		int i;

		i = param_index((uint16_t)t, "data", 4);
		ti->data_idx = i >= 0 && i < 255 ? (uint8_t)(i + 1) : 0;
		if (!name || scap_event_direction((uint16_t)t) != SCAP_DIR_EXIT)
			continue;
		if (is_one_of(name, opens)) {
			ti->kind |= K_OPEN;
			if (strcmp(name, "open_by_handle_at") == 0)
				ti->kind |= K_BY_HANDLE;
		}
		if (strcmp(name, "creat") == 0)
			ti->kind |= K_CREAT;
		if (is_one_of(name, file_err))
			ti->kind |= K_FILE_ERR;
		if (is_one_of(name, net_err))
			ti->kind |= K_NET_ERR;
		if (ti->kind & (K_OPEN | K_CREAT)) {
			i = param_index((uint16_t)t, "flags", 5);
			ti->flags_idx = i >= 0 && i < 255 ? (uint8_t)(i + 1) : 0;
			i = param_index((uint16_t)t, "mode", 4);
			ti->mode_idx = i >= 0 && i < 255 ? (uint8_t)(i + 1) : 0;
		}
	}
}

SCAP_EXPORT int filter_registry_add_evt_fields(filter_registry_t *reg)
{
	struct filter_provider_opts opts = FILTER_PROVIDER_OPTS_INIT;
	struct evt_ctx *c;
	int prov;

	if (!reg)
		return FILTER_ERR_INVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return FILTER_ERR_NOMEM;
	c->ntypes = scap_event_max();
	c->types = calloc(c->ntypes ? c->ntypes : 1, sizeof(*c->types));
	if (!c->types) {
		free(c);
		return FILTER_ERR_NOMEM;
	}
	fill_type_info(c);

	opts.name = "evt";
	opts.extract = evt_extract;
	opts.validate = evt_validate;
	opts.ctx = c;
	opts.destroy = evt_destroy;
	prov = filter_registry_add_provider(reg, &opts);
	if (prov < 0) {
		evt_destroy(c);
		return prov;
	}
	/* from here on the registry owns c */
	for (uint32_t i = 0; i < F_MAX; i++) {
		const struct evt_field_def *d = &evt_field_defs[i];
		int rc = filter_registry_add_field(reg, prov, d->name, d->type, d->flags, i, d->desc);
		if (rc < 0)
			return rc;
	}
	return FILTER_OK;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * scap.h - capture layer: open a capture source, read events, inspect the
 * capture's metadata and the event schema.
 *
 * Conventions (shared by the three libraries):
 *  - every object is an opaque handle;
 *  - options structs start with `size_t sz` (set it with the *_OPTS_INIT
 *    macros); a library never reads past the size the caller passed, so new
 *    fields can be appended without breaking the ABI;
 *  - functions return 0 (SCAP_OK) or a positive status on success and a
 *    negative SCAP_ERR_* code on failure; the message that goes with the
 *    last failure is kept in the handle (scap_geterr()), or written to a
 *    caller buffer of SCAP_ERRBUF_SIZE bytes where no handle exists yet;
 *  - nothing is printed: diagnostics go through the optional log callback.
 */
#ifndef SCAP_H
#define SCAP_H

#include <stddef.h>
#include <stdint.h>

#include "scap_export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SCAP_ERRBUF_SIZE 256

/* Status codes. */
#define SCAP_OK 0
#define SCAP_EOF 1      /* scap_next(): no more events */
#define SCAP_TIMEOUT 2  /* scap_next(): live engines, nothing right now */
#define SCAP_ERR_GENERIC (-1)
#define SCAP_ERR_INVAL (-2)   /* bad argument or option */
#define SCAP_ERR_NOMEM (-3)
#define SCAP_ERR_IO (-4)      /* open/read failed */
#define SCAP_ERR_FORMAT (-5)  /* malformed or unsupported input */
#define SCAP_ERR_NOTSUP (-6)  /* operation not supported by this engine */
#define SCAP_ERR_NOENGINE (-7) /* no engine with that name */

typedef struct scap scap_t;
typedef struct scap_evt scap_evt_t;

/* Log callback: level is one of SCAP_LOG_*; msg is NUL-terminated and valid
 * only during the call. */
#define SCAP_LOG_ERROR 1
#define SCAP_LOG_WARN 2
#define SCAP_LOG_INFO 3
#define SCAP_LOG_DEBUG 4
typedef void (*scap_log_fn)(int level, const char *msg, void *ctx);

struct scap_open_opts {
	size_t sz;
	/* Engine name: "savefile", "bpf" (live capture, root or CAP_BPF +
	 * CAP_PERFMON; scap_open() fails with SCAP_ERR_NOTSUP when the library
	 * was built without it) or "kmod" (live capture through the scapkit
	 * kernel module, root). NULL means "savefile". */
	const char *engine;
	/* savefile: path of the capture ("-" is not supported). */
	const char *filename;
	/* Read buffer size in bytes (0: engine default, 4 MiB for savefile). */
	size_t buffer_size;
	scap_log_fn log_fn;
	void *log_ctx;
	/* Memory the capture's metadata tables (process, fd, interface, user
	 * lists) may take; a capture needing more is refused with an error
	 * (0: 512 MiB). */
	size_t max_meta_bytes;
	/* bpf: size of the BPF ring buffer shared by all CPUs, in bytes: a
	 * power of two from the page size to 1 GiB (0: 8 MiB). kmod: size of
	 * each CPU's ring, a power of two from 64 KiB to 256 MiB (0: 8 MiB).
	 * Events that do not fit are dropped and counted in
	 * scap_stats.n_drops. */
	size_t ring_bytes;
	/* Live engines: bytes of I/O data buffers (read/write/send/recv
	 * payloads) kept per event (0: 80; at most 4096). */
	uint32_t snaplen;
	/* bpf: the kernel's BTF (type information) from this file instead of
	 * /sys/kernel/btf/vmlinux, e.g. one from BTFHub for a kernel built
	 * without CONFIG_DEBUG_INFO_BTF (NULL: the running kernel's). */
	const char *btf_path;
	/* kmod: the scapkit driver's device (NULL: /dev/scapkit). */
	const char *kmod_device;
};
#define SCAP_OPEN_OPTS_INIT { .sz = sizeof(struct scap_open_opts) }

/* Library version string, e.g. "0.1.0". */
SCAP_EXPORT const char *scap_version(void);

/* Open a capture source. On failure returns NULL and writes a message of at
 * most SCAP_ERRBUF_SIZE bytes to errbuf (which may be NULL). */
SCAP_EXPORT scap_t *scap_open(const struct scap_open_opts *opts, char *errbuf);
/* Same, and stores the error code in *err (may be NULL). */
SCAP_EXPORT scap_t *scap_open_err(const struct scap_open_opts *opts, char *errbuf, int *err);
SCAP_EXPORT void scap_close(scap_t *h);

/* Read the next event. Returns SCAP_OK and sets *evt, SCAP_EOF at the end of
 * the stream, SCAP_TIMEOUT (live engines) or a negative error. The event
 * (and everything read through it) stays valid until the next call to
 * scap_next() or scap_close() on the same handle. */
SCAP_EXPORT int scap_next(scap_t *h, const scap_evt_t **evt);

/* Message for the last error on h (never NULL; "" when there was none). */
SCAP_EXPORT const char *scap_geterr(const scap_t *h);
/* Short text for a status code. */
SCAP_EXPORT const char *scap_strerror(int code);

/* Name of the engine h was opened with. */
SCAP_EXPORT const char *scap_engine_name(const scap_t *h);

/* Start/stop delivering events (live engines; savefile: no-op). */
SCAP_EXPORT int scap_start(scap_t *h);
SCAP_EXPORT int scap_stop(scap_t *h);

/* Event selection (live engines): mask[t] != 0 asks for events of type t
 * (any version: selecting one "open" id selects every "open" event), for
 * t < n; NULL asks for every event (the default). The engine traces only the
 * syscalls that produce a selected event, so unselected syscalls cost almost
 * nothing; it may still deliver other events, so filter anyway. Savefile:
 * accepted, no effect (every event is read). libsinsp adds the events its
 * state needs: use sinsp_set_event_mask() when a sinsp handle is open. */
SCAP_EXPORT int scap_set_event_mask(scap_t *h, const uint8_t *mask, size_t n);

/* Counters. The caller sets sz; fields past it are not written. */
struct scap_stats {
	size_t sz;
	uint64_t n_evts;          /* events delivered */
	uint64_t n_drops;         /* events lost by the source (live engines) */
	uint64_t bytes_read;      /* bytes consumed (uncompressed for gzip) */
	uint64_t n_blocks;        /* blocks read (savefile) */
	uint64_t n_blocks_skipped;/* unknown or unexpected blocks skipped */
	uint64_t n_sections;      /* section headers seen */
	/* n_drops by cause (live engines): */
	uint64_t n_drops_buffer;    /* the ring buffer was full */
	uint64_t n_drops_too_large; /* the event exceeded the engine's per-event bound */
	uint64_t n_drops_probe;     /* the probe failed (no scratch memory, unreadable data) */
};
SCAP_EXPORT int scap_get_stats(scap_t *h, struct scap_stats *st);
/* Section headers read so far (stats.n_sections), cheap enough to call per
 * event: it changes when a concatenated capture starts a new section,
 * whose metadata replaces the previous one. */
SCAP_EXPORT uint64_t scap_section(const scap_t *h);

/* ---- events ------------------------------------------------------------ */

SCAP_EXPORT uint16_t scap_evt_type(const scap_evt_t *e);
SCAP_EXPORT uint64_t scap_evt_ts(const scap_evt_t *e);
SCAP_EXPORT int64_t scap_evt_tid(const scap_evt_t *e);
SCAP_EXPORT uint16_t scap_evt_cpu(const scap_evt_t *e);
/* Block flags (EVF blocks; SCAP_EVTF_*), 0 otherwise. */
#define SCAP_EVTF_STATE_ONLY 0x1u
SCAP_EXPORT uint32_t scap_evt_flags(const scap_evt_t *e);
/* Event length in bytes: header + length array + data (the header is the
 * 26-byte V2 header, or 22 bytes for V1 events from old EV/EVF blocks). */
SCAP_EXPORT uint32_t scap_evt_len(const scap_evt_t *e);
/* Number of parameters present in this event (may differ from the schema). */
SCAP_EXPORT uint32_t scap_evt_nparams(const scap_evt_t *e);
/* Parameter i as (pointer, length): returns SCAP_OK or SCAP_ERR_INVAL when
 * i >= nparams. The bytes are unaligned; length 0 means "not available". */
SCAP_EXPORT int scap_evt_param(const scap_evt_t *e, uint32_t i, const void **data, uint32_t *len);
/* The whole event as it is stored (header, lengths, data). */
SCAP_EXPORT const void *scap_evt_raw(const scap_evt_t *e);
/* 2 for 26-byte headers with nparams, 1 for 22-byte headers. */
SCAP_EXPORT int scap_evt_hdr_version(const scap_evt_t *e);
/* Byte offset of the event's block in the (uncompressed) stream. */
SCAP_EXPORT uint64_t scap_evt_offset(const scap_evt_t *e);
/* Bytes per entry in this event's length array: 2, or 4 for large-payload
 * event types. */
SCAP_EXPORT uint32_t scap_evt_lenwidth(const scap_evt_t *e);

/* An event built in memory (a meta event such as a container event, a
 * synthetic event for a test): type, timestamp (ns), thread id and nparams
 * parameters given as (pointer, length) pairs, laid out with the 26-byte
 * header. Returns NULL with a message in errbuf (SCAP_ERRBUF_SIZE bytes;
 * may be NULL) for an unknown type, more than SCAP_MAX_EVENT_PARAMS
 * parameters, a parameter over 65535 bytes on a type with 16-bit lengths,
 * or no memory. Free it with scap_evt_free(). */
SCAP_EXPORT scap_evt_t *scap_evt_new(uint16_t type, uint64_t ts, int64_t tid, uint32_t nparams,
				     const void *const *params, const uint32_t *lens, char *errbuf);
SCAP_EXPORT void scap_evt_free(scap_evt_t *e);

/* Typed reads of a parameter; return SCAP_ERR_INVAL when the parameter is
 * missing or does not have the requested size. */
SCAP_EXPORT int scap_evt_param_u64(const scap_evt_t *e, uint32_t i, uint64_t *out);
SCAP_EXPORT int scap_evt_param_i64(const scap_evt_t *e, uint32_t i, int64_t *out);
SCAP_EXPORT int scap_evt_param_u32(const scap_evt_t *e, uint32_t i, uint32_t *out);
SCAP_EXPORT int scap_evt_param_u16(const scap_evt_t *e, uint32_t i, uint16_t *out);
SCAP_EXPORT int scap_evt_param_u8(const scap_evt_t *e, uint32_t i, uint8_t *out);

/* Render parameter i as text, formatted by its schema type (sysdig-like:
 * fds and pids in decimal, errno names for negative results, symbolic flags,
 * socket tuples "1.2.3.4:80->5.6.7.8:4000", byte buffers escaped).
 * Unknown event types render as escaped bytes. Byte buffers are cut after
 * max_bytes input bytes (0: 80). Always NUL-terminates buf (when buflen>0);
 * returns the length the full text would have (like snprintf) or a negative
 * error. */
SCAP_EXPORT int scap_evt_param_format(const scap_evt_t *e, uint32_t i, char *buf, size_t buflen,
				      uint32_t max_bytes);

/* ---- event schema -------------------------------------------------------- */

/* Parameter types (PT_*), print formats (PF_*), flag table kinds. */
enum scap_ptype {
	SCAP_PT_NONE = 0, SCAP_PT_INT8 = 1, SCAP_PT_INT16 = 2, SCAP_PT_INT32 = 3, SCAP_PT_INT64 = 4,
	SCAP_PT_UINT8 = 5, SCAP_PT_UINT16 = 6, SCAP_PT_UINT32 = 7, SCAP_PT_UINT64 = 8,
	SCAP_PT_CHARBUF = 9, SCAP_PT_BYTEBUF = 10, SCAP_PT_ERRNO = 11, SCAP_PT_SOCKADDR = 12,
	SCAP_PT_SOCKTUPLE = 13, SCAP_PT_FD = 14, SCAP_PT_PID = 15, SCAP_PT_FDLIST = 16,
	SCAP_PT_FSPATH = 17, SCAP_PT_SYSCALLID = 18, SCAP_PT_SIGTYPE = 19, SCAP_PT_RELTIME = 20,
	SCAP_PT_ABSTIME = 21, SCAP_PT_PORT = 22, SCAP_PT_L4PROTO = 23, SCAP_PT_SOCKFAMILY = 24,
	SCAP_PT_BOOL = 25, SCAP_PT_IPV4ADDR = 26, SCAP_PT_DYN = 27, SCAP_PT_FLAGS8 = 28,
	SCAP_PT_FLAGS16 = 29, SCAP_PT_FLAGS32 = 30, SCAP_PT_UID = 31, SCAP_PT_GID = 32,
	SCAP_PT_DOUBLE = 33, SCAP_PT_SIGSET = 34, SCAP_PT_CHARBUFARRAY = 35,
	SCAP_PT_CHARBUF_PAIR_ARRAY = 36, SCAP_PT_IPV4NET = 37, SCAP_PT_IPV6ADDR = 38,
	SCAP_PT_IPV6NET = 39, SCAP_PT_IPADDR = 40, SCAP_PT_IPNET = 41, SCAP_PT_MODE = 42,
	SCAP_PT_FSRELPATH = 43, SCAP_PT_ENUMFLAGS8 = 44, SCAP_PT_ENUMFLAGS16 = 45,
	SCAP_PT_ENUMFLAGS32 = 46, SCAP_PT_FD32 = 47, SCAP_PT_PID32 = 48,
	SCAP_PT_MAX = 49
};
enum scap_pformat {
	SCAP_PF_NA = 0, SCAP_PF_DEC = 1, SCAP_PF_HEX = 2, SCAP_PF_10_PADDED_DEC = 3,
	SCAP_PF_ID = 4, SCAP_PF_DIR = 5, SCAP_PF_OCT = 6
};
enum scap_flag_kind { SCAP_FLAGS_BITMASK = 0, SCAP_FLAGS_ENUM = 1 };

/* Event flags (EF_*) and categories (EC_*), values as upstream. */
#define SCAP_EF_CREATES_FD 0x1u
#define SCAP_EF_DESTROYS_FD 0x2u
#define SCAP_EF_USES_FD 0x4u
#define SCAP_EF_READS_FROM_FD 0x8u
#define SCAP_EF_WRITES_TO_FD 0x10u
#define SCAP_EF_MODIFIES_STATE 0x20u
#define SCAP_EF_UNUSED 0x40u
#define SCAP_EF_WAITS 0x80u
#define SCAP_EF_SKIPPARSERESET 0x100u
#define SCAP_EF_OLD_VERSION 0x200u
#define SCAP_EF_LARGE_PAYLOAD 0x800u
#define SCAP_EF_CONVERTER_MANAGED 0x1000u
#define SCAP_EC_SYSCALL_MASK 0x1ffu
#define SCAP_EC_IO_READ 32u
#define SCAP_EC_IO_WRITE 33u
#define SCAP_EC_IO_OTHER 34u
#define SCAP_EC_SYSCALL 0x200u
#define SCAP_EC_TRACEPOINT 0x400u
#define SCAP_EC_PLUGIN 0x800u
#define SCAP_EC_METAEVENT 0x1000u
#define SCAP_EC_ITER 0x2000u

#define SCAP_DIR_ENTER 0
#define SCAP_DIR_EXIT 1

/* Maximum number of parameters in one event (PPM_MAX_EVENT_PARAMS). */
#define SCAP_MAX_EVENT_PARAMS 32

typedef struct scap_flag_table scap_flag_table_t;

/* Number of event types in the table (PPM_EVENT_MAX). Types >= this are
 * unknown: they read fine, with generic parameters. */
SCAP_EXPORT uint32_t scap_event_max(void);
/* Name ("open"), or NULL for types out of range. */
SCAP_EXPORT const char *scap_event_name(uint16_t type);
/* Upstream enum name ("PPME_SYSCALL_OPEN_E"), or NULL. */
SCAP_EXPORT const char *scap_event_enum_name(uint16_t type);
/* SCAP_DIR_ENTER (even ids) or SCAP_DIR_EXIT (odd ids). */
SCAP_EXPORT int scap_event_direction(uint16_t type);
SCAP_EXPORT uint32_t scap_event_flags(uint16_t type);
SCAP_EXPORT uint32_t scap_event_category(uint16_t type);
/* Parameter count in the current schema (0 for unknown types). */
SCAP_EXPORT uint32_t scap_event_nparams(uint16_t type);
SCAP_EXPORT const char *scap_event_param_name(uint16_t type, uint32_t i);
SCAP_EXPORT enum scap_ptype scap_event_param_type(uint16_t type, uint32_t i);
SCAP_EXPORT enum scap_pformat scap_event_param_format(uint16_t type, uint32_t i);
/* Flag table of a FLAGS/ENUMFLAGS/MODE parameter, or NULL. */
SCAP_EXPORT const scap_flag_table_t *scap_event_param_flags(uint16_t type, uint32_t i);
/* For PT_FSRELPATH: index of the dirfd parameter, or -1. */
SCAP_EXPORT int scap_event_param_dirfd(uint16_t type, uint32_t i);
/* For PT_DYN: the alternative types; returns how many (0 if not PT_DYN) and
 * the type of alternative `sel` in *type when sel is in range. */
SCAP_EXPORT uint32_t scap_event_param_dyn(uint16_t type, uint32_t i, uint32_t sel, enum scap_ptype *dtype,
					  enum scap_pformat *dfmt);
/* Look an event up by name: fills up to max type ids (all versions, enter
 * and exit) and returns how many exist. */
SCAP_EXPORT uint32_t scap_event_find(const char *name, uint16_t *types, uint32_t max);

/* Parameter type metadata. */
SCAP_EXPORT const char *scap_ptype_name(enum scap_ptype t); /* "PT_CHARBUF" */
/* Encoded width in bytes, or 0 for variable-size types. */
SCAP_EXPORT uint32_t scap_ptype_size(enum scap_ptype t);

/* Flag tables. */
SCAP_EXPORT uint32_t scap_flag_table_count(void);
SCAP_EXPORT const scap_flag_table_t *scap_flag_table_at(uint32_t idx);
SCAP_EXPORT const scap_flag_table_t *scap_flag_table_find(const char *name);
SCAP_EXPORT const char *scap_flag_table_name(const scap_flag_table_t *t);
SCAP_EXPORT enum scap_flag_kind scap_flag_table_kind(const scap_flag_table_t *t);
SCAP_EXPORT uint32_t scap_flag_table_size(const scap_flag_table_t *t);
SCAP_EXPORT int scap_flag_table_entry(const scap_flag_table_t *t, uint32_t i, const char **name, uint32_t *value);
/* Symbolic rendering: "O_RDONLY|O_CLOEXEC" (bitmask) or "F_GETFL" (enum);
 * returns the full length like snprintf; "" when nothing matches. */
SCAP_EXPORT int scap_flags_format(const scap_flag_table_t *t, uint32_t value, char *buf, size_t buflen);

/* Syscall codes (ppm_sc) and the x86_64 routing table. */
SCAP_EXPORT uint32_t scap_ppm_sc_max(void);
SCAP_EXPORT const char *scap_ppm_sc_name(uint32_t sc); /* NULL for gaps */
/* Routing of native x86_64 syscall nr: returns 1 and fills the outputs (any
 * may be NULL) when nr is routed, 0 otherwise. *generic is 1 when the driver
 * reports it as the generic syscall event (ids 0/1). */
SCAP_EXPORT int scap_syscall_x86_64(uint32_t nr, uint32_t *ppm_sc, uint16_t *enter_evt, uint16_t *exit_evt,
				    int *generic, uint32_t *uflags);
SCAP_EXPORT uint32_t scap_syscall_x86_64_max(void); /* table size (512) */

/* ---- capture metadata -------------------------------------------------- */
/* Valid until scap_close() or until a new section starts (see n_sections
 * in the stats: a concatenated capture replaces its metadata). */

struct scap_machine_info {
	size_t sz;
	uint32_t num_cpus;
	uint64_t memory_size_bytes;
	uint64_t max_pid;
	char hostname[128];
	uint64_t boot_ts_epoch;
	uint64_t flags;
};
/* Returns SCAP_OK, or SCAP_ERR_NOTSUP when the source has no machine info. */
SCAP_EXPORT int scap_get_machine_info(scap_t *h, struct scap_machine_info *mi);
/* Section header version (major << 16 | minor), 0 for live engines. */
SCAP_EXPORT uint32_t scap_get_section_version(const scap_t *h);

/* Threads of the process list. */
typedef struct scap_tinfo scap_tinfo_t;
enum scap_tinfo_field {
	/* integers (scap_tinfo_int) */
	SCAP_TI_TID, SCAP_TI_PID, SCAP_TI_PTID, SCAP_TI_SID, SCAP_TI_VPGID, SCAP_TI_PGID,
	SCAP_TI_FDLIMIT, SCAP_TI_FLAGS, SCAP_TI_UID, SCAP_TI_GID,
	SCAP_TI_VMSIZE_KB, SCAP_TI_VMRSS_KB, SCAP_TI_VMSWAP_KB, SCAP_TI_PFMAJOR, SCAP_TI_PFMINOR,
	SCAP_TI_VTID, SCAP_TI_VPID, SCAP_TI_PIDNS_INIT_START_TS, SCAP_TI_TTY, SCAP_TI_LOGINUID,
	SCAP_TI_EXE_WRITABLE, SCAP_TI_CAP_INHERITABLE, SCAP_TI_CAP_PERMITTED, SCAP_TI_CAP_EFFECTIVE,
	SCAP_TI_EXE_UPPER_LAYER, SCAP_TI_EXE_INO, SCAP_TI_EXE_INO_CTIME, SCAP_TI_EXE_INO_MTIME,
	SCAP_TI_EXE_FROM_MEMFD, SCAP_TI_EXE_LOWER_LAYER,
	/* strings (scap_tinfo_str): NUL-terminated copies; args, env and
	 * cgroups are NUL-separated lists, use the returned length */
	SCAP_TI_COMM, SCAP_TI_EXE, SCAP_TI_EXEPATH, SCAP_TI_ARGS, SCAP_TI_CWD, SCAP_TI_ENV,
	SCAP_TI_CGROUPS, SCAP_TI_ROOT,
	SCAP_TI_FIELD_MAX
};
SCAP_EXPORT size_t scap_proc_count(const scap_t *h);
SCAP_EXPORT const scap_tinfo_t *scap_proc_at(const scap_t *h, size_t idx);
SCAP_EXPORT const scap_tinfo_t *scap_proc_find(const scap_t *h, int64_t tid);
SCAP_EXPORT int64_t scap_tinfo_int(const scap_tinfo_t *t, enum scap_tinfo_field f);
SCAP_EXPORT const char *scap_tinfo_str(const scap_tinfo_t *t, enum scap_tinfo_field f, size_t *len);
/* Field name ("tid", "comm", ...). */
SCAP_EXPORT const char *scap_tinfo_field_name(enum scap_tinfo_field f);

/* File descriptors from the fd lists (all threads, in file order). */
typedef struct scap_fdinfo scap_fdinfo_t;
enum scap_fd_type {
	SCAP_FD_UNKNOWN = 0, SCAP_FD_FILE = 1, SCAP_FD_DIRECTORY = 2, SCAP_FD_IPV4_SOCK = 3,
	SCAP_FD_IPV6_SOCK = 4, SCAP_FD_IPV4_SERVSOCK = 5, SCAP_FD_IPV6_SERVSOCK = 6, SCAP_FD_FIFO = 7,
	SCAP_FD_UNIX_SOCK = 8, SCAP_FD_EVENT = 9, SCAP_FD_UNSUPPORTED = 10, SCAP_FD_SIGNALFD = 11,
	SCAP_FD_EVENTPOLL = 12, SCAP_FD_INOTIFY = 13, SCAP_FD_TIMERFD = 14, SCAP_FD_NETLINK = 15,
	SCAP_FD_FILE_V2 = 16, SCAP_FD_BPF = 17, SCAP_FD_USERFAULTFD = 18, SCAP_FD_IOURING = 19,
	SCAP_FD_MEMFD = 20, SCAP_FD_PIDFD = 21, SCAP_FD_TYPE_MAX = 22
};
enum scap_fdinfo_field {
	/* integers */
	SCAP_FDI_TID, SCAP_FDI_FD, SCAP_FDI_INO, SCAP_FDI_TYPE, SCAP_FDI_OPEN_FLAGS, SCAP_FDI_DEV,
	SCAP_FDI_SPORT, SCAP_FDI_DPORT, SCAP_FDI_L4PROTO, SCAP_FDI_UNIX_SOURCE, SCAP_FDI_UNIX_DEST,
	/* byte strings: SIP/DIP are 4 or 16 bytes (network order) for sockets
	 * (server sockets: SIP is the bound address, SPORT the port) */
	SCAP_FDI_NAME, SCAP_FDI_SIP, SCAP_FDI_DIP,
	SCAP_FDI_FIELD_MAX
};
SCAP_EXPORT size_t scap_fd_count(const scap_t *h);
SCAP_EXPORT const scap_fdinfo_t *scap_fd_at(const scap_t *h, size_t idx);
SCAP_EXPORT int64_t scap_fdinfo_int(const scap_fdinfo_t *f, enum scap_fdinfo_field fld);
/* NAME is NUL-terminated; SIP/DIP are raw bytes. NULL when absent. */
SCAP_EXPORT const void *scap_fdinfo_bytes(const scap_fdinfo_t *f, enum scap_fdinfo_field fld, size_t *len);
SCAP_EXPORT const char *scap_fd_type_name(enum scap_fd_type t); /* "FILE_V2" */

/* Network interfaces. */
typedef struct scap_iface scap_iface_t;
SCAP_EXPORT size_t scap_iface_count(const scap_t *h);
SCAP_EXPORT const scap_iface_t *scap_iface_at(const scap_t *h, size_t idx);
/* 4 (IPv4) or 6 (IPv6). */
SCAP_EXPORT int scap_iface_family(const scap_iface_t *i);
SCAP_EXPORT const char *scap_iface_name(const scap_iface_t *i);
/* Address bytes in network order; len is 4 or 16. */
SCAP_EXPORT const uint8_t *scap_iface_addr(const scap_iface_t *i, size_t *len);
SCAP_EXPORT const uint8_t *scap_iface_netmask(const scap_iface_t *i, size_t *len);
SCAP_EXPORT const uint8_t *scap_iface_bcast(const scap_iface_t *i, size_t *len);
SCAP_EXPORT uint64_t scap_iface_linkspeed(const scap_iface_t *i);

/* Users and groups. */
typedef struct scap_user scap_user_t;
typedef struct scap_group scap_group_t;
SCAP_EXPORT size_t scap_user_count(const scap_t *h);
SCAP_EXPORT const scap_user_t *scap_user_at(const scap_t *h, size_t idx);
SCAP_EXPORT uint32_t scap_user_uid(const scap_user_t *u);
SCAP_EXPORT uint32_t scap_user_gid(const scap_user_t *u);
SCAP_EXPORT const char *scap_user_name(const scap_user_t *u);
SCAP_EXPORT const char *scap_user_homedir(const scap_user_t *u);
SCAP_EXPORT const char *scap_user_shell(const scap_user_t *u);
SCAP_EXPORT size_t scap_group_count(const scap_t *h);
SCAP_EXPORT const scap_group_t *scap_group_at(const scap_t *h, size_t idx);
SCAP_EXPORT uint32_t scap_group_gid(const scap_group_t *g);
SCAP_EXPORT const char *scap_group_name(const scap_group_t *g);

/* ---- writing captures ---------------------------------------------------- */
/* A dumper writes a .scap file (format 1.2, read back by the savefile
 * engine and by libscap): the section header, then the metadata of h's
 * current section as it is when scap_dump_open() is called (machine info,
 * interfaces, users and groups, the process list as PL_V9, one FDL_V2 block
 * per thread with fds; empty lists are left out), then one event block per
 * scap_dump_write(). h is not used after scap_dump_open() returns. */
typedef struct scap_dumper scap_dumper_t;

struct scap_dump_opts {
	size_t sz;
	/* 0: plain file; 1-9: gzip (zlib) at that compression level. */
	int gzip_level;
	/* sinsp_dump_open(): memory its snapshot of the state tables may take
	 * (0: 512 MiB); scap_dump_open*() ignore it. */
	size_t max_meta_bytes;
};
#define SCAP_DUMP_OPTS_INIT { .sz = sizeof(struct scap_dump_opts) }

/* Create (or truncate) path and write the header and h's metadata. h may
 * be NULL: only the section header is written. opts may be NULL (plain).
 * On failure returns NULL and writes a message naming path (with the
 * system's reason) to errbuf (SCAP_ERRBUF_SIZE bytes; may be NULL). */
SCAP_EXPORT scap_dumper_t *scap_dump_open(scap_t *h, const char *path, const struct scap_dump_opts *opts,
					  char *errbuf);
/* Metadata built by the caller (a live state, a synthetic capture): the
 * threads, fds, users and groups scap_dump_open_meta() writes instead of
 * h's. Strings are copied (cut at the format's limits: 1024 bytes for
 * thread strings, 4096 for args/env/cgroups, 1023 for fd names, 255 for
 * user strings). Functions return SCAP_OK or a negative code, the message
 * in scap_meta_geterr(). Running out of the budget (or of memory) is
 * sticky: the builder is incomplete and every later call, and
 * scap_dump_open_meta(), fail with the same error. */
typedef struct scap_meta_builder scap_meta_t;

/* max_bytes: memory the tables may take (0: 512 MiB). NULL when out of
 * memory. */
SCAP_EXPORT scap_meta_t *scap_meta_new(size_t max_bytes);
SCAP_EXPORT void scap_meta_free(scap_meta_t *m);
/* Message for the last error on m (never NULL; "" when there was none). */
SCAP_EXPORT const char *scap_meta_geterr(const scap_meta_t *m);
/* Memory the tables take now, against the budget. */
SCAP_EXPORT size_t scap_meta_bytes(const scap_meta_t *m);

/* Append a thread to the process list; *idx (may be NULL) receives its
 * index for the setters. Defaults: pid = tid, sid = vpgid = pgid = vtid =
 * vpid = ptid = -1, loginuid = 0xFFFFFFFF, 0 or "" for the rest. Integer
 * fields are written with the width the format gives them (u32 fields
 * keep the low 32 bits). */
SCAP_EXPORT int scap_meta_add_thread(scap_meta_t *m, int64_t tid, size_t *idx);
/* An integer field (SCAP_TI_TID .. SCAP_TI_EXE_LOWER_LAYER) of thread idx. */
SCAP_EXPORT int scap_meta_thread_set_int(scap_meta_t *m, size_t idx, enum scap_tinfo_field f, int64_t v);
/* A string field (SCAP_TI_COMM .. SCAP_TI_ROOT): len bytes of s (args, env
 * and cgroups are NUL-separated lists); s may be NULL when len is 0. */
SCAP_EXPORT int scap_meta_thread_set_str(scap_meta_t *m, size_t idx, enum scap_tinfo_field f, const char *s,
					 size_t len);

/* Append fd `fd` of thread tid, of the given type (< SCAP_FD_TYPE_MAX).
 * The writer emits one FDL_V2 block per run of consecutive fds of the same
 * thread: add a thread's fds together. What is written per type is what
 * the format carries (scap-format.md §6): IP sockets SIP, DIP (4 or 16
 * bytes, as the type), SPORT, DPORT, L4PROTO; server sockets SIP, SPORT,
 * L4PROTO; unix sockets UNIX_SOURCE, UNIX_DEST, NAME; FILE_V2 OPEN_FLAGS,
 * NAME, DEV; the other types NAME; INO for all. */
SCAP_EXPORT int scap_meta_add_fd(scap_meta_t *m, int64_t tid, int64_t fd, enum scap_fd_type type, size_t *idx);
/* An integer field (SCAP_FDI_TID .. SCAP_FDI_UNIX_DEST) of fd idx; values
 * out of the field's range (u8/u16/u32 fields, types) are refused. */
SCAP_EXPORT int scap_meta_fd_set_int(scap_meta_t *m, size_t idx, enum scap_fdinfo_field f, int64_t v);
/* SCAP_FDI_NAME (len bytes, no NUL needed), SCAP_FDI_SIP or SCAP_FDI_DIP
 * (4 or 16 bytes in network order). */
SCAP_EXPORT int scap_meta_fd_set_bytes(scap_meta_t *m, size_t idx, enum scap_fdinfo_field f, const void *p,
				       size_t len);

/* Users and groups (NUL-terminated strings; NULL is ""). */
SCAP_EXPORT int scap_meta_add_user(scap_meta_t *m, uint32_t uid, uint32_t gid, const char *name,
				   const char *homedir, const char *shell);
SCAP_EXPORT int scap_meta_add_group(scap_meta_t *m, uint32_t gid, const char *name);

/* Like scap_dump_open(), but the users, groups, process list and fd lists
 * come from meta (h gives only the machine info and the interfaces; h may
 * be NULL). meta NULL: exactly scap_dump_open(). meta is only read: it may
 * be freed, or used again, once this returns. */
SCAP_EXPORT scap_dumper_t *scap_dump_open_meta(scap_t *h, const char *path, const struct scap_dump_opts *opts,
					       const scap_meta_t *meta, char *errbuf);

/* Append one event: EV_V2, or EVF_V2 when scap_evt_flags() is non-zero;
 * the _LARGE variants for large-payload event types and blocks over 64 KiB
 * (flag bit 2, "large payload", is expressed by the _LARGE block id and
 * not kept in the flags word, as the format prescribes).
 * Events with the old 22-byte header are written with the 26-byte one (the
 * parameters are copied unchanged). Output is buffered: a write error may
 * be reported by a later call or by scap_dump_close(). Errors are sticky:
 * after one, every call returns it. Returns SCAP_OK or a negative code;
 * the message is in scap_dump_geterr(). */
SCAP_EXPORT int scap_dump_write(scap_dumper_t *d, const scap_evt_t *evt);
/* Write what is buffered to the file now (as pcap_dump_flush()): a reader
 * of the file sees every event written so far (a gzip file gets a sync
 * point, not its end: it stays open for more). Calling it after each event
 * is tcpdump's -U; it costs a write(2) each time, and compression.
 * Returns SCAP_OK or the sticky error (scap_dump_geterr()). */
SCAP_EXPORT int scap_dump_flush(scap_dumper_t *d);
/* Events written so far. */
SCAP_EXPORT uint64_t scap_dump_count(const scap_dumper_t *d);
/* Message for the first error on d (never NULL; "" when there was none);
 * valid until scap_dump_close(). */
SCAP_EXPORT const char *scap_dump_geterr(const scap_dumper_t *d);
/* Flush and close the file and free d (always, even on failure). Returns
 * SCAP_OK only if every write, the flush and the close succeeded; otherwise
 * the first error's code, and its message in errbuf (SCAP_ERRBUF_SIZE
 * bytes; may be NULL). A file for which close failed is incomplete. */
SCAP_EXPORT int scap_dump_close(scap_dumper_t *d, char *errbuf);

#ifdef __cplusplus
}
#endif

#endif /* SCAP_H */

/* SPDX-License-Identifier: Apache-2.0 */
/* Internal: the handle, the engine vtable, the event descriptor and the
 * metadata tables. Never installed. */
#ifndef SCAP_INT_H
#define SCAP_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "scap.h"
#include "event_table.h"
#include "arena.h"

/* ---- engine vtable (in the spirit of sqlite3_vfs: a version field lets
 * the struct grow; the core checks it before using newer members) ---- */
#define SCAP_ENGINE_OPS_VERSION 1

struct scap_engine_ops {
	int version; /* SCAP_ENGINE_OPS_VERSION this engine was written for */
	const char *name;
	/* Open: read opts (already size-checked into a full-size copy), set
	 * h->engine_data. On failure set the message with scap_seterr() and
	 * return a negative code; close() is not called then. */
	int (*open)(scap_t *h, const struct scap_open_opts *opts);
	/* Fill h->evt and return SCAP_OK, or SCAP_EOF/SCAP_TIMEOUT/error. */
	int (*next)(scap_t *h);
	void (*close)(scap_t *h);
	int (*start)(scap_t *h); /* may be NULL: no-op */
	int (*stop)(scap_t *h);  /* may be NULL: no-op */
	/* Add engine counters to st (full-size struct); may be NULL. */
	void (*get_stats)(scap_t *h, struct scap_stats *st);
	/* Engine-specific settings; may be NULL (SCAP_ERR_NOTSUP). */
	int (*configure)(scap_t *h, int setting, const void *arg);
};

/* configure() settings */
#define SCAP_CFG_EVENT_MASK 1 /* arg: const struct scap_cfg_mask * */
struct scap_cfg_mask {
	const uint8_t *mask; /* NULL: every event */
	size_t n;
};

/* Live engines (live.c): want[nr] = 1 for the x86_64 syscalls (nr < nsc)
 * that produce an event selected by mask (NULL: every routed syscall). */
void scap_live_want_syscalls(const uint8_t *mask, size_t n, uint8_t *want, size_t nsc);
/* This host's machine info into h->meta (as a savefile MI block has it). */
void scap_live_machine_info(scap_t *h);
uint64_t scap_live_clock_ns(int clock_id);
/* The live engines' idle wait in scap_next() (1 ms), a clock_nanosleep
 * whose request is *req: the probe and the driver know the consumer's own
 * wait by that address (set at open) and do not capture it, since it would
 * feed the ring while the ring is being waited for. */
struct timespec;
void scap_live_idle_wait(struct timespec *req);

/* Static registry (engines.c). */
const struct scap_engine_ops *scap_engine_lookup(const char *name);

/* ---- events ---- */
struct scap_evt {
	const uint8_t *raw;   /* event header (V1 22 bytes or V2 26 bytes) */
	uint64_t ts;
	int64_t tid;
	uint64_t offset;      /* block offset in the stream */
	uint32_t len;
	uint32_t flags;
	uint32_t nparams;
	uint16_t type;
	uint16_t cpu;
	uint8_t hdr_version;
	uint8_t lenwidth;
	/* parameter i is raw[poff[i]] .. + plen[i] */
	uint32_t poff[SCAP_MAX_EVENT_PARAMS];
	uint32_t plen[SCAP_MAX_EVENT_PARAMS];
};

/* Decode and validate the event at raw (avail bytes available). hdr_version
 * 1 or 2. On error returns SCAP_ERR_FORMAT and writes a reason (without
 * location) to why. */
int scap_evt_decode(struct scap_evt *e, const uint8_t *raw, uint32_t avail, int hdr_version, char *why,
		    size_t whylen);
bool scap_evt_type_is_large(uint16_t type);

/* ---- metadata tables ---- */


struct scap_tinfo {
	int64_t ival[SCAP_TI_COMM];
	const char *sval[SCAP_TI_FIELD_MAX - SCAP_TI_COMM];
	uint32_t slen[SCAP_TI_FIELD_MAX - SCAP_TI_COMM];
};

struct scap_fdinfo {
	int64_t tid;
	int64_t fd;
	uint64_t ino;
	uint64_t unix_src;
	uint64_t unix_dst;
	uint32_t type;
	uint32_t open_flags;
	uint32_t dev;
	uint16_t sport;
	uint16_t dport;
	uint8_t l4proto;
	uint8_t iplen; /* 0, 4 or 16 */
	uint8_t sip[16];
	uint8_t dip[16];
	const char *name; /* arena; NULL for sockets */
	uint32_t namelen;
};

struct scap_iface {
	int family; /* 4 or 6 */
	uint64_t linkspeed;
	uint8_t addr[16], netmask[16], bcast[16];
	const char *name;
};

struct scap_user {
	uint32_t uid, gid;
	const char *name, *homedir, *shell;
};

struct scap_group {
	uint32_t gid;
	const char *name;
};

/* Growable array helper. */
#define SCAP_VEC(T) struct { T *v; size_t n, cap; }

struct scap_tid_slot {
	int64_t tid;
	uint32_t idx; /* index in procs */
};

struct scap_meta {
	struct arena arena; /* NUL-terminated string copies */
	bool have_mi;
	struct scap_machine_info mi;
	SCAP_VEC(struct scap_tinfo) procs;
	SCAP_VEC(struct scap_fdinfo) fds;
	SCAP_VEC(struct scap_iface) ifaces;
	SCAP_VEC(struct scap_user) users;
	SCAP_VEC(struct scap_group) groups;
	/* tid -> proc, sorted by tid; built by scap_meta_finish() */
	struct scap_tid_slot *tidx;
	size_t tidx_n;
	size_t bytes; /* memory used by the tables, against opts.max_meta_bytes */
	uint32_t section_version;
};

void scap_meta_reset(struct scap_meta *m);
/* Build the lookup index once a section's metadata is complete. */
int scap_meta_finish(struct scap_meta *m);
/* Grow a SCAP_VEC by one element; returns a zeroed slot or NULL. Growth is
 * added to *bytes. */
void *scap_vec_push(void *vec, size_t elsize, size_t *bytes);

/* ---- the handle ---- */
struct scap {
	const struct scap_engine_ops *ops;
	void *engine_data;
	struct scap_open_opts opts; /* full-size copy of the caller's opts */
	char *filename;             /* owned copy */
	struct scap_evt evt;        /* the current event */
	struct scap_meta meta;
	struct scap_stats stats;    /* core counters (n_evts, n_sections); engines add theirs */
	int last_err;
	char err[SCAP_ERRBUF_SIZE];
};

/* Set the handle's error message; returns code. */
int scap_seterr(scap_t *h, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void scap_log(scap_t *h, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Little-endian unaligned loads. */
static inline uint16_t scap_rd16(const void *p)
{
	uint16_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}
static inline uint32_t scap_rd32(const void *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}
static inline uint64_t scap_rd64(const void *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "scap readers assume a little-endian host (every known producer is little-endian)"
#endif

#endif

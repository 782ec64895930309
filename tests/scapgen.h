/* SPDX-License-Identifier: Apache-2.0 */
/*
 * scapgen - a small builder for synthetic .scap files in memory.
 *
 * Everything is appended to a growable byte buffer (sg_buf) in little-endian
 * order. Block helpers return the byte offset at which the block starts, so
 * tests can predict the "offset N" of error messages and corrupt fields in
 * place with the sg_set_* helpers.
 */
#ifndef SCAPGEN_H
#define SCAPGEN_H

#include <stddef.h>
#include <stdint.h>

/* Block type ids (scap-format.md §2.3). */
#define SG_SHB 0x0A0D0D0Au
#define SG_MI 0x201u
#define SG_PL_V9 0x215u
#define SG_FDL_V2 0x218u
#define SG_IL_V2 0x219u
#define SG_UL_V2 0x220u
#define SG_EV 0x204u
#define SG_EVF 0x208u
#define SG_EV_V2 0x216u
#define SG_EVF_V2 0x217u
#define SG_EV_V2_LARGE 0x221u
#define SG_EVF_V2_LARGE 0x222u

#define SG_SHB_MAGIC 0x1A2B3C4Du

typedef struct sg_buf {
	uint8_t *p;
	size_t len, cap;
} sg_buf;

/* One event parameter: `len` bytes at `data` (data may be NULL: zeros). */
struct sg_param {
	const void *data;
	uint32_t len;
};

/* ---- raw buffer ---- */
void sg_init(sg_buf *b);
void sg_free(sg_buf *b);
void sg_raw(sg_buf *b, const void *data, size_t n); /* data NULL: zeros */
void sg_u8(sg_buf *b, uint8_t v);
void sg_u16(sg_buf *b, uint16_t v);
void sg_u32(sg_buf *b, uint32_t v);
void sg_u64(sg_buf *b, uint64_t v);
void sg_str16(sg_buf *b, const char *s); /* u16 length + bytes, no NUL */
void sg_pad4(sg_buf *b);                 /* zeros up to a multiple of 4 */
void sg_set_u16(sg_buf *b, size_t off, uint16_t v);
void sg_set_u32(sg_buf *b, size_t off, uint32_t v);
uint32_t sg_get_u32(const sg_buf *b, size_t off);

/* ---- blocks ---- */
/* Generic block: header, body, zero padding, trailer. */
size_t sg_block(sg_buf *b, uint32_t type, const void *body, size_t len);
/* SHB (28 bytes), or with pcapng options (opts already built with sg_opt). */
size_t sg_shb(sg_buf *b, uint16_t major, uint16_t minor);
size_t sg_shb_opts(sg_buf *b, uint16_t major, uint16_t minor, const sg_buf *opts);
/* pcapng option list: sg_opt() per option, then sg_opt_end(). */
void sg_opt(sg_buf *opts, uint16_t code, const void *val, uint16_t len);
void sg_opt_end(sg_buf *opts);
/* Machine info (192-byte block). */
size_t sg_mi(sg_buf *b, uint32_t ncpus, uint64_t mem, uint64_t maxpid, const char *host,
	     uint64_t boot_ts);

/* ---- events ---- */
/* Width of the length array for an event type: 4 for 322/324/402, else 2. */
uint32_t sg_lenwidth(uint16_t type);
/* Append one event (header + lengths + data) to ev. hdr_version 2: 26-byte
 * header with nparams; 1: 22-byte header. lenwidth 0 picks sg_lenwidth(). */
void sg_event(sg_buf *ev, int hdr_version, uint64_t ts, int64_t tid, uint16_t type,
	      uint32_t nparams, const struct sg_param *params, uint32_t lenwidth);
/* Event block around a prebuilt event: cpuid, flags (EVF ids only), ev,
 * padding, then optional pcapng options (opts may be NULL). */
size_t sg_ev_block(sg_buf *b, uint32_t block_type, uint16_t cpu, uint32_t flags, const sg_buf *ev,
		   const sg_buf *opts);
/* Shortcuts: EV_V2, EVF_V2 and EV (V1) blocks. */
/* Parameter helpers: an 8-byte value kept in *store; a string with its NUL. */
void sg_param_u64(struct sg_param *p, uint64_t *store, uint64_t v);
void sg_param_str(struct sg_param *p, const char *s);
/* execve< (293) with its first 17 parameters (up to tty = 34816): res 0, exe,
 * args (args_len bytes), tid = pid, ptid, cwd, fdlimit 1024, comm, cgroups
 * (cg_len bytes), empty env. */
void sg_execve_x(sg_buf *b, uint64_t ts, int64_t tid, int64_t ptid, const char *exe, const char *comm,
		 const char *args, size_t args_len, const char *cwd, const char *cgroups, size_t cg_len);
size_t sg_ev_v2(sg_buf *b, uint16_t cpu, uint64_t ts, int64_t tid, uint16_t type, uint32_t nparams,
		const struct sg_param *params, uint32_t lenwidth);
size_t sg_evf_v2(sg_buf *b, uint32_t flags, uint16_t cpu, uint64_t ts, int64_t tid, uint16_t type,
		 uint32_t nparams, const struct sg_param *params, uint32_t lenwidth);
size_t sg_ev_v1(sg_buf *b, uint16_t cpu, uint64_t ts, int64_t tid, uint16_t type, uint32_t nparams,
		const struct sg_param *params);

/* ---- metadata list entries (append to a body, then sg_block()) ---- */
struct sg_proc {
	int64_t tid, pid, ptid;
	const char *comm, *exe, *args, *cwd; /* NULL = empty */
	uint32_t uid, gid;
};
void sg_pl_v9_entry(sg_buf *body, const struct sg_proc *p);
/* FDL_V2 body: sg_u64(body, tid) first, then entries. */
void sg_fdl_v2_file(sg_buf *body, int64_t fd, uint64_t ino, const char *name);
/* IL_V2 IPv4 entry (type 1, with link speed); the size prefix excludes itself. */
void sg_il_v2_ipv4(sg_buf *body, const char *name, const uint8_t addr[4], const uint8_t mask[4],
		   const uint8_t bcast[4], uint64_t linkspeed);
void sg_ul_v2_user(sg_buf *body, uint32_t uid, uint32_t gid, const char *name, const char *home,
		   const char *shell);
void sg_ul_v2_group(sg_buf *body, uint32_t gid, const char *name);

#endif

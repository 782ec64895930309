/* SPDX-License-Identifier: Apache-2.0 */
/* Event decoding (header, length array, parameter bounds) and accessors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scap_int.h"

#define V1_HDR 22u
#define V2_HDR 26u

bool scap_evt_type_is_large(uint16_t type)
{
	return type < SCAP_EVENT_TABLE_SIZE && (scap_event_table[type].flags & SCAP_EF_LARGE_PAYLOAD);
}

/* Fill offsets for n params with width w starting after a header of hdr
 * bytes (only the first SCAP_MAX_EVENT_PARAMS are kept; all are checked);
 * returns the end offset, or 0 if a length runs past len. */
static uint32_t layout(struct scap_evt *e, uint32_t hdr, uint32_t n, uint32_t w, uint32_t len)
{
	const uint8_t *lens = e->raw + hdr;
	uint64_t off = (uint64_t)hdr + (uint64_t)n * w;
	uint32_t keep = n < SCAP_MAX_EVENT_PARAMS ? n : SCAP_MAX_EVENT_PARAMS;

	/* the common case: u16 lengths, all kept */
	if (w == 2 && keep == n) {
		for (uint32_t i = 0; i < n; i++) {
			uint32_t l = scap_rd16(lens + 2 * i);
			e->poff[i] = (uint32_t)off;
			e->plen[i] = l;
			off += l;
		}
		return off > len ? 0 : (uint32_t)off;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t l = w == 2 ? scap_rd16(lens + 2 * i) : scap_rd32(lens + 4 * i);
		if (i < keep) {
			e->poff[i] = (uint32_t)off;
			e->plen[i] = l;
		}
		off += l;
		if (off > len)
			return 0;
	}
	return (uint32_t)off;
}

int scap_evt_decode(struct scap_evt *e, const uint8_t *raw, uint32_t avail, int hdr_version, char *why,
		    size_t whylen)
{
	uint32_t hdr = hdr_version == 2 ? V2_HDR : V1_HDR;
	uint32_t len, w;

	if (avail < hdr) {
		snprintf(why, whylen, "event header needs %u bytes, block has %u", hdr, avail);
		return SCAP_ERR_FORMAT;
	}
	e->raw = raw;
	e->ts = scap_rd64(raw);
	e->tid = (int64_t)scap_rd64(raw + 8);
	len = scap_rd32(raw + 16);
	e->type = scap_rd16(raw + 20);
	e->hdr_version = (uint8_t)hdr_version;
	w = scap_evt_type_is_large(e->type) ? 4 : 2;
	e->lenwidth = (uint8_t)w;

	if (hdr_version == 1 && (e->type == 280 || e->type == 286) && len >= hdr + 3)
		len -= 3; /* historic writer bug: len 3 bytes too large */
	if (len < hdr) {
		snprintf(why, whylen, "event length %u is smaller than its %u-byte header", len, hdr);
		return SCAP_ERR_FORMAT;
	}
	if (len > avail) {
		snprintf(why, whylen, "event length %u exceeds the %u bytes of the block body", len, avail);
		return SCAP_ERR_FORMAT;
	}
	e->len = len;

	/* An unknown type (from a newer writer) may have more parameters than
	 * the maximum: it is walked whole and its first ones are exposed. */
	bool unknown = e->type >= SCAP_EVENT_TABLE_SIZE;
	uint32_t maxn = unknown ? (len - hdr) / w : SCAP_MAX_EVENT_PARAMS;

	if (hdr_version == 2) {
		uint32_t n = scap_rd32(raw + 22);
		if (n > maxn) {
			snprintf(why, whylen, "event type %u has nparams %u, over the maximum %u", e->type, n,
				 SCAP_MAX_EVENT_PARAMS);
			return SCAP_ERR_FORMAT;
		}
		if ((uint64_t)hdr + (uint64_t)n * w > len) {
			snprintf(why, whylen, "length array of %u params runs past event length %u", n, len);
			return SCAP_ERR_FORMAT;
		}
		e->nparams = n < SCAP_MAX_EVENT_PARAMS ? n : SCAP_MAX_EVENT_PARAMS;
		if (!layout(e, hdr, n, w, len)) {
			snprintf(why, whylen, "a parameter of event type %u runs past event length %u", e->type,
				 len);
			return SCAP_ERR_FORMAT;
		}
		return SCAP_OK;
	}

	/* V1: recover nparams, the unique N with hdr + w*N + sum(L[0..N)) == len.
	 * The left side grows strictly with N, so scan upward. */
	uint64_t sum = 0;
	for (uint32_t n = 0; n <= maxn; n++) {
		uint64_t total = hdr + (uint64_t)w * n + sum;
		if (total == len) {
			e->nparams = n < SCAP_MAX_EVENT_PARAMS ? n : SCAP_MAX_EVENT_PARAMS;
			layout(e, hdr, n, w, len);
			return SCAP_OK;
		}
		if (total > len || hdr + (uint64_t)w * (n + 1) > len)
			break;
		const uint8_t *lp = raw + hdr + (uint64_t)w * n;
		sum += w == 2 ? scap_rd16(lp) : scap_rd32(lp);
	}
	snprintf(why, whylen, "cannot recover the parameter count of V1 event type %u (length %u)", e->type, len);
	return SCAP_ERR_FORMAT;
}

SCAP_EXPORT uint16_t scap_evt_type(const scap_evt_t *e)
{
	return e->type;
}

SCAP_EXPORT uint64_t scap_evt_ts(const scap_evt_t *e)
{
	return e->ts;
}

SCAP_EXPORT int64_t scap_evt_tid(const scap_evt_t *e)
{
	return e->tid;
}

SCAP_EXPORT uint16_t scap_evt_cpu(const scap_evt_t *e)
{
	return e->cpu;
}

SCAP_EXPORT uint32_t scap_evt_flags(const scap_evt_t *e)
{
	return e->flags;
}

SCAP_EXPORT uint32_t scap_evt_len(const scap_evt_t *e)
{
	return e->len;
}

SCAP_EXPORT uint32_t scap_evt_nparams(const scap_evt_t *e)
{
	return e->nparams;
}

SCAP_EXPORT const void *scap_evt_raw(const scap_evt_t *e)
{
	return e->raw;
}

SCAP_EXPORT int scap_evt_hdr_version(const scap_evt_t *e)
{
	return e->hdr_version;
}

SCAP_EXPORT uint64_t scap_evt_offset(const scap_evt_t *e)
{
	return e->offset;
}

SCAP_EXPORT uint32_t scap_evt_lenwidth(const scap_evt_t *e)
{
	return e->lenwidth;
}

SCAP_EXPORT int scap_evt_param(const scap_evt_t *e, uint32_t i, const void **data, uint32_t *len)
{
	if (i >= e->nparams)
		return SCAP_ERR_INVAL;
	if (data)
		*data = e->raw + e->poff[i];
	if (len)
		*len = e->plen[i];
	return SCAP_OK;
}

static int param_fixed(const scap_evt_t *e, uint32_t i, uint32_t size, void *out)
{
	if (i >= e->nparams || e->plen[i] != size)
		return SCAP_ERR_INVAL;
	memcpy(out, e->raw + e->poff[i], size);
	return SCAP_OK;
}

SCAP_EXPORT int scap_evt_param_u64(const scap_evt_t *e, uint32_t i, uint64_t *out)
{
	return param_fixed(e, i, 8, out);
}

SCAP_EXPORT int scap_evt_param_i64(const scap_evt_t *e, uint32_t i, int64_t *out)
{
	return param_fixed(e, i, 8, out);
}

SCAP_EXPORT int scap_evt_param_u32(const scap_evt_t *e, uint32_t i, uint32_t *out)
{
	return param_fixed(e, i, 4, out);
}

SCAP_EXPORT int scap_evt_param_u16(const scap_evt_t *e, uint32_t i, uint16_t *out)
{
	return param_fixed(e, i, 2, out);
}

SCAP_EXPORT int scap_evt_param_u8(const scap_evt_t *e, uint32_t i, uint8_t *out)
{
	return param_fixed(e, i, 1, out);
}

/* ---- events built in memory ---- */

/* The event and its bytes in one allocation. */
struct scap_evt_mem {
	struct scap_evt evt;
	uint8_t raw[];
};

SCAP_EXPORT scap_evt_t *scap_evt_new(uint16_t type, uint64_t ts, int64_t tid, uint32_t nparams,
				     const void *const *params, const uint32_t *lens, char *errbuf)
{
	uint32_t w = scap_evt_type_is_large(type) ? 4 : 2;
	uint64_t total = V2_HDR + (uint64_t)nparams * w;
	struct scap_evt_mem *m;
	char why[128];

	if (type >= SCAP_EVENT_TABLE_SIZE || nparams > SCAP_MAX_EVENT_PARAMS || (nparams && (!params || !lens))) {
		if (errbuf)
			snprintf(errbuf, SCAP_ERRBUF_SIZE, "scap_evt_new: bad arguments (type %u, %u parameters)",
				 type, nparams);
		return NULL;
	}
	for (uint32_t i = 0; i < nparams; i++) {
		if ((w == 2 && lens[i] > UINT16_MAX) || (lens[i] && !params[i])) {
			if (errbuf)
				snprintf(errbuf, SCAP_ERRBUF_SIZE,
					 "scap_evt_new: parameter %u of event type %u: %u bytes do not fit", i, type,
					 lens[i]);
			return NULL;
		}
		total += lens[i];
	}
	if (total > UINT32_MAX || !(m = malloc(sizeof(*m) + (size_t)total))) {
		if (errbuf)
			snprintf(errbuf, SCAP_ERRBUF_SIZE, "scap_evt_new: out of memory (%llu bytes)",
				 (unsigned long long)total);
		return NULL;
	}
	uint8_t *p = m->raw;
	memcpy(p, &ts, 8);
	memcpy(p + 8, &tid, 8);
	uint32_t len32 = (uint32_t)total;
	memcpy(p + 16, &len32, 4);
	memcpy(p + 20, &type, 2);
	memcpy(p + 22, &nparams, 4);
	p += V2_HDR;
	for (uint32_t i = 0; i < nparams; i++, p += w) {
		if (w == 4)
			memcpy(p, &lens[i], 4);
		else {
			uint16_t l16 = (uint16_t)lens[i];
			memcpy(p, &l16, 2);
		}
	}
	for (uint32_t i = 0; i < nparams; i++) {
		if (lens[i])
			memcpy(p, params[i], lens[i]);
		p += lens[i];
	}
	if (scap_evt_decode(&m->evt, m->raw, len32, 2, why, sizeof(why)) < 0) {
		if (errbuf)
			snprintf(errbuf, SCAP_ERRBUF_SIZE, "scap_evt_new: %s", why);
		free(m);
		return NULL;
	}
	m->evt.offset = 0;
	m->evt.flags = 0;
	m->evt.cpu = 0;
	return &m->evt;
}

SCAP_EXPORT void scap_evt_free(scap_evt_t *e)
{
	/* the event is the first member of its allocation */
	free(e);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Event schema queries over the generated tables (event_table.c). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scap.h"
#include "event_table.h"

/* ---- events ---------------------------------------------------------------- */

static const struct scap_event_info *ev_get(uint16_t type)
{
	return type < SCAP_EVENT_TABLE_SIZE ? &scap_event_table[type] : NULL;
}

static const struct scap_param_info *param_get(uint16_t type, uint32_t i)
{
	const struct scap_event_info *ev = ev_get(type);

	if (!ev || i >= ev->nparams || !ev->params)
		return NULL;
	return &ev->params[i];
}

SCAP_EXPORT uint32_t scap_event_max(void)
{
	return SCAP_EVENT_TABLE_SIZE;
}

SCAP_EXPORT const char *scap_event_name(uint16_t type)
{
	const struct scap_event_info *ev = ev_get(type);

	return ev ? ev->name : NULL;
}

SCAP_EXPORT const char *scap_event_enum_name(uint16_t type)
{
	const struct scap_event_info *ev = ev_get(type);

	return ev ? ev->enum_name : NULL;
}

/* Direction is a property of the id itself (PPME_DIRECTION_FLAG), so it is
 * answered for unknown types too. */
SCAP_EXPORT int scap_event_direction(uint16_t type)
{
	return (type & 1u) ? SCAP_DIR_EXIT : SCAP_DIR_ENTER;
}

SCAP_EXPORT uint32_t scap_event_flags(uint16_t type)
{
	const struct scap_event_info *ev = ev_get(type);

	return ev ? ev->flags : 0;
}

SCAP_EXPORT uint32_t scap_event_category(uint16_t type)
{
	const struct scap_event_info *ev = ev_get(type);

	return ev ? ev->category : 0;
}

SCAP_EXPORT uint32_t scap_event_nparams(uint16_t type)
{
	const struct scap_event_info *ev = ev_get(type);

	return ev ? ev->nparams : 0;
}

SCAP_EXPORT const char *scap_event_param_name(uint16_t type, uint32_t i)
{
	const struct scap_param_info *p = param_get(type, i);

	return p ? p->name : NULL;
}

SCAP_EXPORT enum scap_ptype scap_event_param_type(uint16_t type, uint32_t i)
{
	const struct scap_param_info *p = param_get(type, i);

	return p ? (enum scap_ptype)p->type : SCAP_PT_NONE;
}

SCAP_EXPORT enum scap_pformat scap_event_param_format(uint16_t type, uint32_t i)
{
	const struct scap_param_info *p = param_get(type, i);

	return p ? (enum scap_pformat)p->fmt : SCAP_PF_NA;
}

SCAP_EXPORT const scap_flag_table_t *scap_event_param_flags(uint16_t type, uint32_t i)
{
	const struct scap_param_info *p = param_get(type, i);

	if (!p || p->flag_table < 0 || (uint32_t)p->flag_table >= scap_flag_tables_count)
		return NULL;
	return &scap_flag_tables[p->flag_table];
}

SCAP_EXPORT int scap_event_param_dirfd(uint16_t type, uint32_t i)
{
	const struct scap_param_info *p = param_get(type, i);

	return p ? p->dirfd : -1;
}

SCAP_EXPORT uint32_t scap_event_param_dyn(uint16_t type, uint32_t i, uint32_t sel, enum scap_ptype *dtype,
					  enum scap_pformat *dfmt)
{
	const struct scap_param_info *p = param_get(type, i);
	const struct scap_dyn_table *t;

	if (!p || p->type != SCAP_PT_DYN || p->dyn_table < 0 || (uint32_t)p->dyn_table >= scap_dyn_tables_count)
		return 0;
	t = &scap_dyn_tables[p->dyn_table];
	if (sel < t->nentries) {
		if (dtype)
			*dtype = (enum scap_ptype)t->entries[sel].type;
		if (dfmt)
			*dfmt = (enum scap_pformat)t->entries[sel].fmt;
	}
	return t->nentries;
}

SCAP_EXPORT uint32_t scap_event_find(const char *name, uint16_t *types, uint32_t max)
{
	uint32_t n = 0;

	if (!name)
		return 0;
	for (uint32_t id = 0; id < SCAP_EVENT_TABLE_SIZE; id++) {
		const struct scap_event_info *ev = &scap_event_table[id];

		if (ev->flags & SCAP_EF_UNUSED)
			continue;
		if (!ev->name || strcmp(ev->name, name) != 0)
			continue;
		if (types && n < max)
			types[n] = (uint16_t)id;
		n++;
	}
	return n;
}

/* ---- parameter types -------------------------------------------------------- */

SCAP_EXPORT const char *scap_ptype_name(enum scap_ptype t)
{
	if ((unsigned)t >= SCAP_PT_MAX)
		return NULL;
	return scap_ptype_table[t].name;
}

SCAP_EXPORT uint32_t scap_ptype_size(enum scap_ptype t)
{
	if ((unsigned)t >= SCAP_PT_MAX)
		return 0;
	return scap_ptype_table[t].size;
}

/* ---- flag tables -------------------------------------------------------------- */

SCAP_EXPORT uint32_t scap_flag_table_count(void)
{
	return scap_flag_tables_count;
}

SCAP_EXPORT const scap_flag_table_t *scap_flag_table_at(uint32_t idx)
{
	return idx < scap_flag_tables_count ? &scap_flag_tables[idx] : NULL;
}

SCAP_EXPORT const scap_flag_table_t *scap_flag_table_find(const char *name)
{
	if (!name)
		return NULL;
	for (uint32_t i = 0; i < scap_flag_tables_count; i++)
		if (strcmp(scap_flag_tables[i].name, name) == 0)
			return &scap_flag_tables[i];
	return NULL;
}

SCAP_EXPORT const char *scap_flag_table_name(const scap_flag_table_t *t)
{
	return t ? t->name : NULL;
}

SCAP_EXPORT enum scap_flag_kind scap_flag_table_kind(const scap_flag_table_t *t)
{
	return (t && t->kind == SCAP_FLAGS_ENUM) ? SCAP_FLAGS_ENUM : SCAP_FLAGS_BITMASK;
}

SCAP_EXPORT uint32_t scap_flag_table_size(const scap_flag_table_t *t)
{
	return t ? t->nentries : 0;
}

SCAP_EXPORT int scap_flag_table_entry(const scap_flag_table_t *t, uint32_t i, const char **name, uint32_t *value)
{
	if (!t || i >= t->nentries)
		return SCAP_ERR_INVAL;
	if (name)
		*name = t->entries[i].name;
	if (value)
		*value = t->entries[i].value;
	return SCAP_OK;
}

/* snprintf-like appender: counts everything, writes what fits. */
struct fmt_out {
	char *buf;
	size_t cap; /* bytes usable for text: buflen - 1, or 0 */
	size_t len; /* full length so far */
	uint32_t nflags; /* names appended so far */
};

static void out_put(struct fmt_out *o, const char *s)
{
	size_t n = strlen(s);

	if (o->buf && o->len < o->cap) {
		size_t room = o->cap - o->len;
		memcpy(o->buf + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

static void out_flag(struct fmt_out *o, const char *name)
{
	if (o->nflags++)
		out_put(o, "|");
	out_put(o, name);
}

/*
 * As libsinsp renders FLAGS/MODE and ENUMFLAGS parameters:
 * - enum: the first entry equal to the value;
 * - bitmask: walk the entries in order; a zero entry matches only a zero
 *   value; a nonzero entry matches when all its bits are still in the
 *   remaining value, is appended and its bits are removed. The walk stops at
 *   the first entry equal to the whole original value, which is appended too
 *   (so file_flags 3 is "O_RDWR", not "O_WRONLY|O_RDONLY"). Bits that match
 *   no entry are not shown.
 */
SCAP_EXPORT int scap_flags_format(const scap_flag_table_t *t, uint32_t value, char *buf, size_t buflen)
{
	struct fmt_out o = { buflen ? buf : NULL, buflen ? buflen - 1 : 0, 0, 0 };
	uint32_t remaining = value;
	uint32_t i;

	if (buf && buflen)
		buf[0] = '\0';
	if (!t)
		return SCAP_ERR_INVAL;

	if (t->kind == SCAP_FLAGS_ENUM) {
		for (i = 0; i < t->nentries; i++) {
			if (t->entries[i].value == value) {
				out_put(&o, t->entries[i].name);
				break;
			}
		}
	} else {
		for (i = 0; i < t->nentries; i++) {
			uint32_t v = t->entries[i].value;

			if (v == value) {
				out_flag(&o, t->entries[i].name);
				break;
			}
			if (v != 0 && remaining != 0 && (remaining & v) == v) {
				out_flag(&o, t->entries[i].name);
				remaining &= ~v;
			}
		}
	}

	if (o.buf)
		o.buf[o.len < o.cap ? o.len : o.cap] = '\0';
	return o.len > (size_t)INT32_MAX ? INT32_MAX : (int)o.len;
}

/* ---- syscalls ------------------------------------------------------------------- */

SCAP_EXPORT uint32_t scap_ppm_sc_max(void)
{
	return SCAP_PPM_SC_TABLE_SIZE;
}

SCAP_EXPORT const char *scap_ppm_sc_name(uint32_t sc)
{
	return sc < SCAP_PPM_SC_TABLE_SIZE ? scap_ppm_sc_names[sc] : NULL;
}

SCAP_EXPORT int scap_syscall_x86_64(uint32_t nr, uint32_t *ppm_sc, uint16_t *enter_evt, uint16_t *exit_evt,
				    int *generic, uint32_t *uflags)
{
	const struct scap_syscall_route *r;

	if (nr >= SCAP_SYSCALL_TABLE_SIZE)
		return 0;
	r = &scap_syscall_x86_64_table[nr];
	if (!r->routed)
		return 0;
	if (ppm_sc)
		*ppm_sc = r->ppm_sc;
	if (enter_evt)
		*enter_evt = r->enter_evt;
	if (exit_evt)
		*exit_evt = r->exit_evt;
	if (generic)
		*generic = r->generic;
	if (uflags)
		*uflags = r->uflags;
	return 1;
}

SCAP_EXPORT uint32_t scap_syscall_x86_64_max(void)
{
	return SCAP_SYSCALL_TABLE_SIZE;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * filter.h - libfilter: compiles Falco-style conditions
 *
 *     evt.type = execve and proc.name in (bash, sh) and not fd.name startswith /dev
 *
 * into a form that evaluates without re-parsing or re-looking-up anything.
 *
 * libfilter knows fields only through *providers*: a provider registers
 * fields (name, type, flags, description) and one extract callback. The
 * library ships one provider itself, for the `evt.*` fields that libscap
 * alone can answer (filter_registry_add_evt_fields()); libsinsp registers
 * proc./fd./user./container. fields the same way, and other event sources
 * can register their own.
 *
 * A registry holds the providers, their fields, and the lists and macros
 * that conditions may reference. Compiled filters borrow the registry: free
 * them before it.
 */
#ifndef FILTER_H
#define FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "scap_export.h"
#include "scap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes (negative: errors), as in scap.h. */
#define FILTER_OK 0
#define FILTER_ERR_GENERIC (-1)
#define FILTER_ERR_INVAL (-2)
#define FILTER_ERR_NOMEM (-3)
#define FILTER_ERR_SYNTAX (-10)  /* the condition does not parse */
#define FILTER_ERR_COMPILE (-11) /* it parses, but names an unknown field, macro, list, or mixes types */
#define FILTER_ERR_EXISTS (-12)  /* a field with that name is already registered */

typedef struct filter_registry filter_registry_t;
typedef struct filter filter_t;
typedef struct filter_fieldref filter_fieldref_t;
typedef struct filter_out filter_out_t;
typedef struct filter_evtctx filter_evtctx_t;

/* Library version string. */
SCAP_EXPORT const char *filter_version(void);

/* ---- field types and flags ---------------------------------------------- */

enum filter_ftype {
	FILTER_T_STRING = 0, /* text; compared without a terminating NUL */
	FILTER_T_BYTES,      /* raw bytes (bcontains, bstartswith) */
	FILTER_T_INT64,
	FILTER_T_UINT64,
	FILTER_T_BOOL,
	FILTER_T_IPADDR,  /* 4 or 16 bytes, network order */
	FILTER_T_IPNET,   /* extracts an address; constants are networks (10.0.0.0/8) */
	FILTER_T_RELTIME, /* ns, unsigned */
	FILTER_T_ABSTIME, /* ns since the epoch, unsigned */
	FILTER_T_DOUBLE,
	FILTER_T_MAX
};

/* "string", "uint64", ... */
SCAP_EXPORT const char *filter_ftype_name(enum filter_ftype t);

#define FILTER_FIELD_ARG_REQUIRED 0x01u /* field[arg] or field.arg must be given */
#define FILTER_FIELD_ARG_ALLOWED 0x02u  /* an argument may be given */
#define FILTER_FIELD_ARG_INDEX 0x04u    /* the argument must be a non-negative number */
#define FILTER_FIELD_ARG_DOTTED 0x08u   /* the argument may be written field.ARG (evt.arg.fd) */
#define FILTER_FIELD_LIST 0x10u         /* extracts a list: only exists, in, intersects apply */
#define FILTER_FIELD_ANY 0x20u          /* may extract several values; a comparison is true if one matches */
#define FILTER_FIELD_FILTER_ONLY 0x40u  /* meaningful in conditions only, not in outputs */
#define FILTER_FIELD_SUGGESTED 0x80u    /* suggested for alert outputs (Falco's suggested output fields) */
/* Replace a field of the same name that an earlier provider registered
 * (without it, a second registration fails with FILTER_ERR_EXISTS). The
 * new field takes the old one's place in listings, and filters compiled
 * afterwards use it; whenever its provider hands out no value for an event,
 * the replaced field is asked instead. So a provider with more state can
 * refine a field for the events it knows better: libsinsp answers
 * evt.category of I/O events from the fd's type (file, net, ipc) and leaves
 * every other event to the evt provider. Type and argument rules should be
 * the same as the replaced field's; the replacing provider's validate
 * callback checks arguments. Without an earlier field of that name the
 * field is simply added. */
#define FILTER_FIELD_OVERRIDE 0x100u
/* Shown in outputs as at least 9 digits, zero-padded (upstream's
 * PF_10_PADDED_DEC: the nanosecond parts of times, evt.reltime). */
#define FILTER_FIELD_PAD9 0x200u
/* Several values are shown in outputs separated by spaces, not only the
 * first (upstream's ancestor fields without an index: "bash sshd"). */
#define FILTER_FIELD_JOIN 0x400u

/* ---- providers ------------------------------------------------------------- */

/* Extract the value(s) of field `field_id` for the event in `ev` and hand
 * them to `out` with the filter_out_* calls (none: the value is not
 * available, "<NA>"). Return 0, or a negative code on an internal error
 * (the comparison is then false). Values handed to `out` must stay valid
 * until the next extract call of the same provider. Must not allocate per
 * call on the hot path. */
typedef int (*filter_extract_fn)(void *provider_ctx, uint32_t field_id, const filter_fieldref_t *ref,
				 const filter_evtctx_t *ev, filter_out_t *out);
/* What an extract callback of a FILTER_FIELD_OVERRIDE field returns, with
 * no value handed out, to say that the field has no value on this event
 * (returning 0 with no value asks the replaced field instead). */
#define FILTER_EXTRACT_NO_VALUE 1

/* Optional: check a field argument at compile time (arg is NULL when the
 * field is used without one). Return 0 if valid; otherwise write a reason
 * to err and return a negative code. *type holds the registered type and
 * may be changed for this use of the field (evt.rawarg.NAME takes the type
 * of the NAME parameter). */
typedef int (*filter_validate_fn)(void *provider_ctx, uint32_t field_id, const char *arg, size_t arglen,
				  enum filter_ftype *type, char *err, size_t errlen);

struct filter_provider_opts {
	size_t sz;
	const char *name; /* "evt", "proc", ... (for listings) */
	filter_extract_fn extract;
	filter_validate_fn validate; /* may be NULL */
	void *ctx;                   /* passed to the callbacks */
	void (*destroy)(void *ctx);  /* may be NULL: called by filter_registry_free() */
};
#define FILTER_PROVIDER_OPTS_INIT { .sz = sizeof(struct filter_provider_opts) }

/* Register a provider; returns its id (>= 0) or a negative error. */
SCAP_EXPORT int filter_registry_add_provider(filter_registry_t *reg, const struct filter_provider_opts *opts);
/* Register a field of a provider. name: "proc.name" (copied). field_id is
 * the provider's own number for it, passed back to extract. */
SCAP_EXPORT int filter_registry_add_field(filter_registry_t *reg, int provider, const char *name,
					  enum filter_ftype type, uint32_t flags, uint32_t field_id, const char *desc);
/* Register the built-in evt.* provider (fields that libscap can answer). */
SCAP_EXPORT int filter_registry_add_evt_fields(filter_registry_t *reg);

/* Inside extract: what to extract for. */
SCAP_EXPORT const scap_evt_t *filter_evtctx_evt(const filter_evtctx_t *ev); /* may be NULL */
SCAP_EXPORT uint64_t filter_evtctx_num(const filter_evtctx_t *ev);
SCAP_EXPORT void *filter_evtctx_user(const filter_evtctx_t *ev);
/* The field's argument as written ("fd" for evt.arg.fd, "2" for
 * proc.aname[2]), NULL when none. */
SCAP_EXPORT const char *filter_fieldref_arg(const filter_fieldref_t *ref, size_t *len);
/* The argument as a number (FILTER_FIELD_ARG_INDEX fields), -1 when none. */
SCAP_EXPORT int64_t filter_fieldref_argnum(const filter_fieldref_t *ref);
/* 1 when the value is for an output (a template, an alert) and not for a
 * comparison: a field may show one value where a comparison takes several,
 * as upstream's proc.apid without an index (outputs: the process's own
 * pid; conditions: true when any ancestor's pid matches). */
SCAP_EXPORT int filter_fieldref_for_output(const filter_fieldref_t *ref);
/* Four words of scratch space per field use, zero at compile time, for
 * the provider's own caching (e.g. the last event type and its param index). */
SCAP_EXPORT uint64_t *filter_fieldref_cache(const filter_fieldref_t *ref);

/* Inside extract: hand over one value (several for list/any fields). */
SCAP_EXPORT void filter_out_str(filter_out_t *out, const char *s, size_t len);
SCAP_EXPORT void filter_out_bytes(filter_out_t *out, const void *p, size_t len);
SCAP_EXPORT void filter_out_u64(filter_out_t *out, uint64_t v); /* UINT64, RELTIME, ABSTIME */
SCAP_EXPORT void filter_out_i64(filter_out_t *out, int64_t v);
SCAP_EXPORT void filter_out_bool(filter_out_t *out, int v);
SCAP_EXPORT void filter_out_double(filter_out_t *out, double v);
SCAP_EXPORT void filter_out_ip(filter_out_t *out, const void *addr, size_t len); /* 4 or 16 */

/* ---- registry: fields, lists, macros ------------------------------------- */

SCAP_EXPORT filter_registry_t *filter_registry_new(void);
SCAP_EXPORT void filter_registry_free(filter_registry_t *reg);
/* Message of the last failed call on reg. For compile errors it reads
 *   "column 19: unknown field 'proc.nme'" followed by the condition and a
 * caret line under the column. */
SCAP_EXPORT const char *filter_registry_geterr(const filter_registry_t *reg);
/* 1-based column of the last compile error (0 if none or unknown). */
SCAP_EXPORT uint32_t filter_registry_errcol(const filter_registry_t *reg);

/* Define (or replace) a list: items may name other lists, expanded when a
 * condition uses it. */
SCAP_EXPORT int filter_registry_define_list(filter_registry_t *reg, const char *name, const char *const *items,
					    size_t nitems);
/* Define (or replace) a macro: a condition fragment that conditions use by
 * name. Parsed when used; a macro that references itself is an error. */
SCAP_EXPORT int filter_registry_define_macro(filter_registry_t *reg, const char *name, const char *condition);

/* Fields, for listings. */
SCAP_EXPORT size_t filter_registry_field_count(const filter_registry_t *reg);
SCAP_EXPORT int filter_registry_field_info(const filter_registry_t *reg, size_t idx, const char **name,
					   enum filter_ftype *type, uint32_t *flags, const char **desc,
					   const char **provider);

/* ---- compiling and evaluating ------------------------------------------- */

/* Compile a condition. On error returns NULL, sets *err (may be NULL) and
 * the registry's message and column. */
SCAP_EXPORT filter_t *filter_compile(filter_registry_t *reg, const char *condition, int *err);
SCAP_EXPORT void filter_free(filter_t *f);

/* Evaluate: 1 if the event matches, 0 if not. evt may be NULL for event
 * sources other than libscap (evt.* fields are then not available); num is
 * the event number (evt.num); user is handed to the providers. */
SCAP_EXPORT int filter_eval(filter_t *f, const scap_evt_t *evt, uint64_t num, void *user);

/* Event types the condition can match: 1 if an event of this type may
 * match (so must be evaluated), 0 if it never can. */
SCAP_EXPORT int filter_may_match_type(const filter_t *f, uint16_t type);
/* 1 if the condition may match every event type (no evt.type restriction). */
SCAP_EXPORT int filter_matches_all_types(const filter_t *f);

/* Canonical text of the compiled form (macros and lists expanded, values
 * parsed to the field's type, and/or flattened, == written =):
 *   (and (= evt.type "execve") (in proc.name ("bash" "sh")))
 * Returns the full length like snprintf. */
SCAP_EXPORT int filter_dump(const filter_t *f, char *buf, size_t buflen);

/* ---- output templates ------------------------------------------------------ */
/* A template such as "%evt.num %proc.name (%proc.aname[2]) %fd.name" (Falco
 * output syntax: %field or %field[arg]; everything else is copied; "%%"
 * is a literal %). Fields are resolved when the template is compiled. */
typedef struct filter_format filter_format_t;

/* Compile a template; on error NULL, *err and the registry's message (with
 * the column of the bad field). */
SCAP_EXPORT filter_format_t *filter_format_compile(filter_registry_t *reg, const char *tmpl, int *err);
SCAP_EXPORT void filter_format_free(filter_format_t *fmt);
/* Render for one event, like snprintf (full length returned, buf always
 * NUL-terminated when buflen > 0). Values that are not available print
 * "<NA>"; strings as they are; numbers in decimal; bools "true"/"false";
 * addresses and networks in their usual text; list values joined by ",". */
SCAP_EXPORT int filter_format_render(filter_format_t *fmt, const scap_evt_t *evt, uint64_t num, void *user,
				     char *buf, size_t buflen);
/* The fields of the template, in order (for Falco's output_fields). */
SCAP_EXPORT size_t filter_format_field_count(const filter_format_t *fmt);
SCAP_EXPORT const char *filter_format_field_name(const filter_format_t *fmt, size_t idx); /* "proc.aname[2]" */
/* Render field idx alone (same conventions as filter_format_render). */
SCAP_EXPORT int filter_format_render_field(filter_format_t *fmt, size_t idx, const scap_evt_t *evt, uint64_t num,
					   void *user, char *buf, size_t buflen);

#ifdef __cplusplus
}
#endif

#endif

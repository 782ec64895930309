/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rules_int.h - the rules module's private state, shared by its stages.
 *
 * Falco YAML rules files -> libfilter (filter_rules.h), in the stages of
 * Falco's engine, one file each:
 *   rules_yaml.c     read: YAML text -> a tree of nodes with their
 *                    positions; files and directories; the top-level items
 *   rules_items.c    collect: lists, macros, rules and their exceptions
 *                    read from the nodes (define / append / override)
 *   rules_compile.c  compile: lists and macros into the registry,
 *                    exceptions into condition text, conditions and
 *                    outputs compiled, errors mapped back into the file
 *   rules_match.c    match: the event-type index, evaluation, alerts
 *   rules.c          the ruleset: create/free, diagnostics, rule access
 *   alert.c          an alert rendered as Falco's text or JSON line
 * YAML is read with libyaml's event API; aliases share the anchored node.
 */
#ifndef RULES_INT_H
#define RULES_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter.h"
#include "filter_rules.h"
#include "filter_int.h"
#include "scap.h"

/* ---- small helpers ---- */
struct sbuf {
	char *s;
	size_t n, cap;
	bool oom;
};

struct strvec {
	char **v;
	size_t n, cap;
};

/* ---- YAML tree ---- */
enum ykind { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
	uint8_t kind;
	uint8_t style; /* yaml_scalar_style_t for scalars */
	char *s;       /* scalar value (NUL-terminated) */
	size_t len;
	uint32_t line, col; /* 1-based */
	size_t off;         /* byte offset of the start mark */
	struct ynode **kids;
	size_t n, cap;
};

/* ---- ruleset data ---- */
struct loc {
	int file; /* index in rs->files, -1: none */
	uint32_t line, col;
	size_t off;
	uint8_t style;
	bool scalar; /* off/style describe a scalar whose text can be mapped */
};

struct seg { /* a piece of a condition/output text and where it came from */
	size_t at;
	struct loc loc;
};

struct segs {
	struct seg *v;
	size_t n, cap;
};

struct diag {
	int sev;
	const char *code;
	const char *item_type;
	char *name;
	char *msg;
	int file;
	uint32_t line, col;
};

struct xent { /* exception fields / comps / value: a string or a list */
	bool valid, is_list;
	char *item;
	struct xent *items;
	size_t n;
};

struct rexc {
	char *name;
	struct xent fields, comps;
	struct xent *values;
	size_t nvalues;
	struct loc loc;
};

struct rlist {
	char *name;
	struct strvec items;
	struct loc loc;
	/* Falco's order of definitions: index of the first one, visibility of
	 * the last definition or append; an item naming a list whose index is
	 * below this list's visibility stands for that list's items */
	uint32_t index, visibility;
};

struct rmacro {
	char *name;
	char *cond;
	struct segs segs;
	struct loc loc;
};

struct rrule {
	char *name, *desc, *cond, *output, *source;
	int priority;
	bool enabled, warn_evttypes, skip_unknown, unknown_source;
	struct strvec tags;
	struct rexc *exc;
	size_t nexc;
	struct loc loc, exc_loc;
	struct segs csegs, osegs;
	/* compiled */
	char *final_cond;
	filter_t *f;
	filter_format_t *fmt;
	bool failed;
	bool warned_cinfo; /* the %container.info warning was given */
};

struct rfile {
	char *name;
	char *text; /* kept for mapping error columns into the file */
	size_t len;
};

struct filter_ruleset {
	filter_registry_t *reg;
	struct rfile *files;
	size_t nfiles, capfiles;
	struct diag *diags;
	size_t ndiags, capdiags, nerrors;
	struct rlist *lists;
	size_t nlists, caplists;
	struct rmacro *macros;
	size_t nmacros, capmacros;
	struct rrule *rules;
	size_t nrules, caprules;
	int min_prio;
	int matching; /* FILTER_RULES_MATCH_FIRST (0, the default) or _ALL */
	uint32_t list_seq; /* definitions and appends of lists so far */
	/* at compile: per list, the text that replaces its name in conditions */
	char **list_subs;
	size_t nlist_subs;
	bool compiled;
	bool no_suggested; /* filter_ruleset_set_suggested_output(rs, false) */
	/* event-type index */
	bool index_dirty;
	uint32_t ntypes;
	uint32_t **by_type; /* ntypes + 1 arrays (last: types beyond the table) */
	size_t *by_type_n;
	uint32_t *all_rules; /* enabled compiled rules, for unknown types */
	/* generic exit events: the rules that may match each syscall code */
	uint32_t ngen;
	uint32_t **by_gen;
	size_t *by_gen_n;
	size_t nall_rules;
	/* current load */
	int cur_file;
	const char *cur_text;
	size_t scalar_budget;
};

/* ---- reading items ---- */
/* A validation failure: the diagnostic is added and reading stops. */
#define VFAIL(code, type, name, node, ...)                                                     \
	do {                                                                                   \
		struct loc vl_ = node_loc(rs, (node));                                         \
		add_diag(rs, FILTER_RULES_ERROR, (code), (type), (name), &vl_, __VA_ARGS__); \
		return -1;                                                                     \
	} while (0)

#define YV "LOAD_ERR_YAML_VALIDATE"
#define VV "LOAD_ERR_VALIDATE"

/* ---- rules.c: helpers, diagnostics, freeing ---- */
__attribute__((format(printf, 7, 8))) void add_diag(filter_ruleset_t *rs, int sev, const char *code,
						    const char *item_type, const char *name,
						    const struct loc *lc, const char *fmt, ...);
void sb_add(struct sbuf *b, const char *s);
void sb_addn(struct sbuf *b, const char *s, size_t n);
void sv_free(struct strvec *sv);
bool sv_has(const struct strvec *sv, const char *s);
int rules_grow(void **arr, size_t *cap, size_t n, size_t sz);
void excs_free(struct rexc *v, size_t n);
int sv_push(struct strvec *sv, const char *s);
void rule_free(struct rrule *r);
char *sb_take(struct sbuf *b);
void rule_uncompile(struct rrule *r);

/* ---- rules_yaml.c: the YAML tree, positions, scalar getters ---- */
struct loc segs_pos(const filter_ruleset_t *rs, const struct segs *sg, const char *text, size_t pos, const struct loc *fallback);
const struct ynode *y_get(const struct ynode *map, const char *key);
int rules_budget(filter_ruleset_t *rs, size_t n, const char *type, const char *name, const struct ynode *at);
int get_str(filter_ruleset_t *rs, const struct ynode *item, const char *key, bool optional, const char *type, const char *name, char **out, const struct ynode **vnode);
int get_seq(filter_ruleset_t *rs, const struct ynode *item, const char *key, const char *type, const char *name, struct strvec *out);
int segs_set(struct segs *sg, size_t at, const struct loc *l, bool reset);
struct loc node_loc(const filter_ruleset_t *rs, const struct ynode *n);
int get_bool(filter_ruleset_t *rs, const struct ynode *item, const char *key, const char *type, const char *name, bool *out, bool *present);
bool y_isnull(const struct ynode *n);

/* ---- rules_items.c: collecting items ---- */
int read_rule(filter_ruleset_t *rs, const struct ynode *item);
int read_list(filter_ruleset_t *rs, const struct ynode *item);
struct rmacro *find_macro(filter_ruleset_t *rs, const char *name);
struct rlist *find_list(filter_ruleset_t *rs, const char *name);
bool op_for_list(const char *s);
struct rrule *find_rule(const filter_ruleset_t *rs, const char *name);
bool rules_valid_macro_name(const char *s);
int read_macro(filter_ruleset_t *rs, const struct ynode *item);

/* ---- rules_compile.c ---- */
int compile_rule(filter_ruleset_t *rs, struct rrule *r);
void free_list_subs(filter_ruleset_t *rs);

/* ---- rules_match.c ---- */
void free_index(filter_ruleset_t *rs);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Internal structures of libfilter. Never installed. */
#ifndef FILTER_INT_H
#define FILTER_INT_H

#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include <uthash.h>

#include "arena.h"
#include "filter.h"


/* ---- registry ---- */
struct fprovider {
	char *name;
	filter_extract_fn extract;
	filter_validate_fn validate;
	void (*destroy)(void *);
	void *ctx;
};

struct ffield {
	char *name;
	char *desc;
	uint32_t flags;
	uint32_t id;
	int provider;
	uint8_t type;
	struct ffield *shadowed; /* FILTER_FIELD_OVERRIDE: the field this one replaced (asked when this one has no value) */
	UT_hash_handle hh;
};

struct flist {
	char *name;
	char **items;
	size_t n;
	UT_hash_handle hh;
};

struct fmacro {
	char *name;
	char *cond;
	UT_hash_handle hh;
};

struct filter_registry {
	struct fprovider *providers;
	size_t nproviders;
	struct ffield **fields; /* registration order, for listings */
	size_t nfields, capfields;
	struct ffield *by_name; /* uthash */
	struct flist *lists;
	struct fmacro *macros;
	char err[1024];
	uint32_t errcol;
};

__attribute__((format(printf, 3, 4))) int freg_seterr(filter_registry_t *reg, int code, const char *fmt, ...);
const struct ffield *freg_find_field(const filter_registry_t *reg, const char *name, size_t len);

/* ---- extraction plumbing ---- */
struct fval {
	const uint8_t *ptr; /* strings, bytes, addresses */
	uint32_t len;
	union {
		uint64_t u;
		int64_t i;
		double d;
	} num;
	uint8_t ip[16]; /* filter_out_ip copies here */
};

struct filter_out {
	struct fval *v;
	uint32_t n, cap;
	bool overflow; /* could not grow: the extraction is treated as failed */
};

struct filter_evtctx {
	const scap_evt_t *evt;
	uint64_t num;
	void *user;
};

struct filter_fieldref {
	const char *arg; /* NUL-terminated, in the filter's arena; NULL if none */
	size_t arglen;
	int64_t argnum;
	uint64_t cache[4];
	bool output; /* compiled for an output template, not a condition */
};

/* ---- AST (parse.c) ---- */
enum ast_kind { AST_AND, AST_OR, AST_NOT, AST_CHECK, AST_MACRO };

/* operators */
enum fop {
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_CONTAINS, OP_ICONTAINS, OP_BCONTAINS, OP_STARTSWITH,
	OP_BSTARTSWITH, OP_ENDSWITH, OP_GLOB, OP_IGLOB, OP_REGEX, OP_IN, OP_INTERSECTS, OP_PMATCH, OP_EXISTS,
	OP_MAX
};
extern const char *const fop_names[OP_MAX];

enum ftrans { TR_NONE = 0, TR_TOLOWER, TR_TOUPPER, TR_B64, TR_BASENAME, TR_LEN, TR_MAX };
extern const char *const ftrans_names[TR_MAX];

struct ast_field { /* a field, possibly wrapped in transformers */
	uint8_t trans;           /* TR_NONE: plain field */
	struct ast_field *inner; /* when trans != TR_NONE */
	const char *name;        /* plain field: "proc.name" (no arg) */
	const char *arg;         /* [arg], NULL if none */
	uint32_t pos;            /* offset of the field (or transformer) in the source */
};

enum rhs_kind { RHS_NONE, RHS_VALUE, RHS_LIST, RHS_LISTREF, RHS_FIELD };

struct ast_value {
	const char *s; /* unescaped */
	uint32_t len;
	uint32_t pos;
	bool quoted;
};

struct ast {
	uint8_t kind;
	uint32_t pos;
	/* AND/OR/NOT */
	struct ast **kids;
	uint32_t nkids;
	/* CHECK */
	struct ast_field *lhs;
	uint8_t op;
	uint32_t op_pos;
	uint8_t rhs_kind;
	struct ast_value *vals; /* RHS_VALUE: 1; RHS_LIST: n; RHS_LISTREF: 1 (the name) */
	uint32_t nvals;
	struct ast_field *rhs_field;
	/* MACRO */
	const char *name;
};

struct fsource {
	const char *text;  /* the condition or macro body */
	const char *macro; /* macro name, or NULL for the top-level condition */
};

/* Parse src into an AST allocated in a. On error returns NULL with the
 * message in reg (with column and caret). */
struct ast *fparse(filter_registry_t *reg, struct arena *a, const struct fsource *src);
/* Set a positioned error: "column N: msg" + source + caret. */
__attribute__((format(printf, 4, 5))) int fpos_err(filter_registry_t *reg, const struct fsource *src, uint32_t pos,
						   const char *fmt, ...);

/* ---- compiled form (compile.c, eval.c) ---- */
#define FTYPESET_BITS (SCAP_EVENT_MAX_KNOWN + 1)
#define SCAP_EVENT_MAX_KNOWN 454 /* types >= this share the last bit */
#define FTYPESET_WORDS ((FTYPESET_BITS + 63) / 64)

struct fset; /* hash set of byte strings */

/* pmatch: prefixes on path-component boundaries, hashed; glob prefixes
 * matched with fnmatch on each component prefix. */
struct pmatch_set {
	struct fset *exact;
	const char **globs;
	uint32_t nglobs;
	bool any_root; /* "/" matches every absolute path */
};

struct cfield {
	const struct ffield *f;
	const struct fprovider *prov;
	const struct fprovider *provs; /* all providers (for f->shadowed) */
	struct filter_fieldref ref;
	uint8_t trans[4]; /* applied innermost first */
	uint8_t ntrans;
	uint8_t type; /* type after the transformers */
	uint8_t base_type; /* type extracted (after validate) */
	bool list;    /* values form a list (FILTER_FIELD_LIST and no len()) */
};

struct cconst {
	const uint8_t *ptr; /* string/bytes/ip bytes */
	uint32_t len;
	union {
		uint64_t u;
		int64_t i;
		double d;
	} num;
	uint8_t mask[16]; /* IPNET: network mask bytes */
	uint8_t prefix;   /* IPNET prefix length */
};

struct ccheck {
	struct cfield lhs;
	uint8_t op;
	/* constants */
	struct cconst *c;
	uint32_t nc;
	struct fset *set;       /* in/intersects on string/bytes/ip */
	struct pmatch_set *pm;  /* pmatch */
	regex_t *re;            /* regex */
	struct cfield *rhs;     /* val(field) */
	/* scratch, grown when a value is larger than ever before, never shrunk:
	 * buf holds transformed values, saved/savedbuf the LHS values kept while
	 * the RHS field is extracted, zbuf a NUL-terminated copy for glob */
	uint8_t *buf, *savedbuf, *zbuf;
	size_t bufcap, savedbufcap, zbufcap;
	struct fval *saved;
	uint32_t savedcap;
};

struct cnode {
	uint8_t kind; /* AST_AND, AST_OR, AST_NOT, AST_CHECK */
	uint32_t nkids;
	struct cnode **kids;
	struct ccheck *chk;
};

struct filter {
	filter_registry_t *reg;
	struct arena arena;
	struct cnode *root;
	struct ccheck **checks; /* every check, for cleanup */
	uint32_t nchecks;
	uint64_t types[FTYPESET_WORDS];
	uint64_t gtypes[FTYPESET_WORDS]; /* generic exit events, by the syscall code they carry */
	bool all_types;
	struct filter_out out_l, out_r;
};

int feval_node(struct filter *f, const struct cnode *n, const struct filter_evtctx *ev);
int fgeneric_may_match(const struct filter *f, const scap_evt_t *evt);
/* The gtypes bit of a generic exit event (the syscall code it carries), or
 * -1 when the code is unknown (every filter may match it); fgeneric_bit_count()
 * bits in all. */
int fgeneric_exit_bit(const scap_evt_t *evt);
uint32_t fgeneric_bit_count(void);
int fgeneric_has_bit(const struct filter *f, uint32_t bit);
/* Evaluate a check on values already extracted (used at compile time for
 * the event-type set). */
int feval_check_values(struct filter *f, struct ccheck *c, struct fval *vals, uint32_t n);
int fset_contains(const struct fset *s, const uint8_t *p, uint32_t len);
int fpmatch(const struct pmatch_set *pm, const uint8_t *p, uint32_t len);
/* Apply the transformers of cf to vals in place (strings into c->buf). */
int ftransform(struct ccheck *c, const struct cfield *cf, struct fval *vals, uint32_t *n, struct filter_out *out);
/* Grow a scratch buffer to at least need bytes. */
int fgrow(uint8_t **buf, size_t *cap, size_t need);

/* ---- output templates (output.c) ---- */
/* Compile one field (transformers, argument, validation) as a condition
 * would, allocating in arena; errors positioned at af->pos in src. */
int fcompile_field(filter_registry_t *reg, struct arena *arena, const struct fsource *src,
		   const struct ast_field *af, struct cfield *cf);
/* Extract cf's values into out (out->n == 0: not available); <0 on error. */
int fextract(const struct cfield *cf, const struct filter_evtctx *ev, struct filter_out *out);

#endif

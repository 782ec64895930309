/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading rules files: the YAML text into a tree of nodes that keeps the
 * position of every node (libyaml's event API; aliases share the anchored
 * node), positions of characters inside scalars, the typed getters of
 * item keys, files and directories, and the top-level items
 * (required_engine_version, required_plugin_versions, list, macro, rule).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "rules_int.h"

#define MAX_DOC_BYTES (64u * 1024u * 1024u)
#define MAX_DEPTH 64
#define MAX_SCALAR_BUDGET (256u * 1024u * 1024u) /* bytes copied out of scalars, aliases included */

struct yanchor {
	char *name;
	struct ynode *node;
};

struct ytree {
	struct ynode **all;
	size_t nall, capall;
	struct ynode **docs; /* roots, NULL for empty documents */
	size_t ndocs, capdocs;
	struct yanchor *anchors;
	size_t nanchors, capanchors;
};

static void ytree_free(struct ytree *t)
{
	for (size_t i = 0; i < t->nall; i++) {
		free(t->all[i]->s);
		free(t->all[i]->kids);
		free(t->all[i]);
	}
	free(t->all);
	free(t->docs);
	for (size_t i = 0; i < t->nanchors; i++)
		free(t->anchors[i].name);
	free(t->anchors);
	memset(t, 0, sizeof(*t));
}

bool y_isnull(const struct ynode *n)
{
	if (!n)
		return true;
	if (n->kind != Y_SCALAR || n->style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return !strcmp(n->s, "") || !strcmp(n->s, "~") || !strcmp(n->s, "null") || !strcmp(n->s, "Null") ||
	       !strcmp(n->s, "NULL");
}

const struct ynode *y_get(const struct ynode *map, const char *key)
{
	if (!map || map->kind != Y_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < map->n; i += 2)
		if (map->kids[i]->kind == Y_SCALAR && !strcmp(map->kids[i]->s, key))
			return map->kids[i + 1];
	return NULL;
}

/* yaml-cpp's bool spellings */
static int y_bool(const struct ynode *n, bool *out)
{
	static const char *const t[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"};
	static const char *const f[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"};
	if (!n || n->kind != Y_SCALAR)
		return -1;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (!strcmp(n->s, t[i])) {
			*out = true;
			return 0;
		}
		if (!strcmp(n->s, f[i])) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

struct loc node_loc(const filter_ruleset_t *rs, const struct ynode *n)
{
	struct loc l = {rs->cur_file, 0, 0, 0, 0, false};
	if (n) {
		l.line = n->line;
		l.col = n->col;
		l.off = n->off;
		l.style = n->style;
		l.scalar = n->kind == Y_SCALAR;
	}
	return l;
}

/* Map character `pos` (0-based) of a scalar's value to its place in the
 * file: walk value and source together, matching the non-blank
 * characters (folding and indentation only change blanks). Falls back to
 * the scalar's start when the two disagree (escapes). */
static struct loc map_pos(const filter_ruleset_t *rs, const struct loc *start, const char *value, size_t pos)
{
	struct loc l = *start;
	if (!start->scalar || start->file < 0 || (size_t)start->file >= rs->nfiles)
		return l;
	const char *t = rs->files[start->file].text;
	size_t tlen = rs->files[start->file].len, p = start->off;
	if (!t || p >= tlen)
		return l;
	if (start->style == YAML_LITERAL_SCALAR_STYLE || start->style == YAML_FOLDED_SCALAR_STYLE) {
		while (p < tlen && t[p] != '\n')
			p++;
	} else if (start->style == YAML_SINGLE_QUOTED_SCALAR_STYLE || start->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
		p++;
	}
	size_t vlen = strlen(value);
	if (pos > vlen)
		pos = vlen;
	for (size_t i = 0; i <= pos && i < vlen; i++) {
		unsigned char v = (unsigned char)value[i];
		if (isspace(v) && i < pos)
			continue;
		while (p < tlen && isspace((unsigned char)t[p]))
			p++;
		if (i == pos)
			break;
		if (p >= tlen || (unsigned char)t[p] != v)
			return l;
		p++;
	}
	/* line/col of p */
	uint32_t line = start->line, col = start->col;
	for (size_t q = start->off; q < p && q < tlen; q++) {
		if (t[q] == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)t[q] & 0xC0) != 0x80) {
			col++;
		}
	}
	l.line = line;
	l.col = col;
	return l;
}

/* Where character pos of a text built from segments comes from. */
struct loc segs_pos(const filter_ruleset_t *rs, const struct segs *sg, const char *text, size_t pos,
			   const struct loc *fallback)
{
	if (!sg->n || pos < sg->v[0].at)
		return *fallback;
	size_t k = 0;
	for (size_t i = 0; i < sg->n; i++)
		if (sg->v[i].at <= pos)
			k = i;
	size_t end = k + 1 < sg->n ? sg->v[k + 1].at : strlen(text);
	/* the segment's own text: from its start to the next one (minus the joining blank) */
	char *piece = strndup(text + sg->v[k].at, end - sg->v[k].at);
	if (!piece)
		return sg->v[k].loc;
	struct loc l = map_pos(rs, &sg->v[k].loc, piece, pos - sg->v[k].at);
	free(piece);
	return l;
}

int segs_set(struct segs *sg, size_t at, const struct loc *l, bool reset)
{
	if (reset)
		sg->n = 0;
	if (rules_grow((void **)&sg->v, &sg->cap, sg->n, sizeof(*sg->v)))
		return -1;
	sg->v[sg->n].at = at;
	sg->v[sg->n].loc = *l;
	sg->n++;
	return 0;
}

/* ---- YAML reading ---- */
struct ybuild {
	struct ytree *t;
	struct ynode *stack[MAX_DEPTH + 1];
	int depth;
	int doc_open;
	struct ynode *root;
};

static struct ynode *ynew(struct ytree *t, uint8_t kind, const yaml_mark_t *m)
{
	if (rules_grow((void **)&t->all, &t->capall, t->nall, sizeof(*t->all)))
		return NULL;
	struct ynode *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = kind;
	n->line = (uint32_t)m->line + 1;
	n->col = (uint32_t)m->column + 1;
	n->off = m->index;
	t->all[t->nall++] = n;
	return n;
}

static int yattach(struct ybuild *b, struct ynode *n)
{
	if (b->depth == 0) {
		b->root = n;
		return 0;
	}
	struct ynode *p = b->stack[b->depth - 1];
	if (rules_grow((void **)&p->kids, &p->cap, p->n, sizeof(*p->kids)))
		return -1;
	p->kids[p->n++] = n;
	return 0;
}

static int yanchor_add(struct ytree *t, const yaml_char_t *anchor, struct ynode *n)
{
	if (!anchor)
		return 0;
	if (rules_grow((void **)&t->anchors, &t->capanchors, t->nanchors, sizeof(*t->anchors)))
		return -1;
	if (!(t->anchors[t->nanchors].name = strdup((const char *)anchor)))
		return -1;
	t->anchors[t->nanchors++].node = n;
	return 0;
}

/* Parse all documents (as Falco does before reading any item). Returns 0,
 * or -1 with an error diagnostic added. */
static int yaml_read(filter_ruleset_t *rs, const char *text, size_t len, struct ytree *t)
{
	yaml_parser_t p;
	yaml_event_t ev;
	struct ybuild b;
	struct loc l = {rs->cur_file, 0, 0, 0, 0, false};
	int rc = -1;
	bool done = false;

	memset(&b, 0, sizeof(b));
	b.t = t;
	if (len > MAX_DOC_BYTES) {
		add_diag(rs, FILTER_RULES_ERROR, "LOAD_ERR_YAML_PARSE", "rules content", "", &l,
			 "document too large (%zu bytes, limit %u)", len, MAX_DOC_BYTES);
		return -1;
	}
	if (!yaml_parser_initialize(&p)) {
		add_diag(rs, FILTER_RULES_ERROR, "LOAD_ERR_YAML_PARSE", "rules content", "", &l, "out of memory");
		return -1;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			/* a token the text ran out in (an unclosed quote): where the
			 * token starts, not the end of the text; else the offending
			 * character or token */
			bool unfinished = p.error == YAML_SCANNER_ERROR && p.context && p.problem_mark.index >= len;
			const yaml_mark_t *m = unfinished ? &p.context_mark : &p.problem_mark;
			l.line = (uint32_t)m->line + 1;
			l.col = (uint32_t)m->column + 1;
			add_diag(rs, FILTER_RULES_ERROR, "LOAD_ERR_YAML_PARSE", "rules content", "", &l, "%s%s%s",
				 p.problem ? p.problem : "YAML error", p.context ? " " : "", p.context ? p.context : "");
			goto out;
		}
		struct ynode *n = NULL;
		const char *oom = NULL;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			b.root = NULL;
			b.depth = 0;
			break;
		case YAML_DOCUMENT_END_EVENT:
			if (rules_grow((void **)&t->docs, &t->capdocs, t->ndocs, sizeof(*t->docs))) {
				oom = "out of memory";
				break;
			}
			t->docs[t->ndocs++] = b.root;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (b.depth >= MAX_DEPTH) {
				l.line = (uint32_t)ev.start_mark.line + 1;
				l.col = (uint32_t)ev.start_mark.column + 1;
				add_diag(rs, FILTER_RULES_ERROR, "LOAD_ERR_YAML_PARSE", "rules content", "", &l,
					 "nesting deeper than %d levels", MAX_DEPTH);
				yaml_event_delete(&ev);
				goto out;
			}
			n = ynew(t, ev.type == YAML_SEQUENCE_START_EVENT ? Y_SEQ : Y_MAP, &ev.start_mark);
			if (!n || yattach(&b, n) ||
			    yanchor_add(t,
					ev.type == YAML_SEQUENCE_START_EVENT ? ev.data.sequence_start.anchor
									     : ev.data.mapping_start.anchor,
					n)) {
				oom = "out of memory";
				break;
			}
			b.stack[b.depth++] = n;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (b.depth > 0)
				b.depth--;
			break;
		case YAML_SCALAR_EVENT:
			n = ynew(t, Y_SCALAR, &ev.start_mark);
			if (!n || !(n->s = malloc(ev.data.scalar.length + 1)) || yattach(&b, n) ||
			    yanchor_add(t, ev.data.scalar.anchor, n)) {
				oom = "out of memory";
				break;
			}
			memcpy(n->s, ev.data.scalar.value, ev.data.scalar.length);
			n->s[ev.data.scalar.length] = 0;
			n->len = ev.data.scalar.length;
			n->style = (uint8_t)ev.data.scalar.style;
			break;
		case YAML_ALIAS_EVENT: {
			struct ynode *a = NULL;
			for (size_t i = t->nanchors; i-- > 0;)
				if (!strcmp(t->anchors[i].name, (const char *)ev.data.alias.anchor)) {
					a = t->anchors[i].node;
					break;
				}
			if (!a) {
				l.line = (uint32_t)ev.start_mark.line + 1;
				l.col = (uint32_t)ev.start_mark.column + 1;
				add_diag(rs, FILTER_RULES_ERROR, "LOAD_ERR_YAML_PARSE", "rules content", "", &l,
					 "unknown anchor '%s'", (const char *)ev.data.alias.anchor);
				yaml_event_delete(&ev);
				goto out;
			}
			if (yattach(&b, a))
				oom = "out of memory";
			break;
		}
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (oom) {
			add_diag(rs, FILTER_RULES_ERROR, "LOAD_ERR_YAML_PARSE", "rules content", "", &l, "%s", oom);
			goto out;
		}
	}
	rc = 0;
out:
	yaml_parser_delete(&p);
	return rc;
}


int rules_budget(filter_ruleset_t *rs, size_t n, const char *type, const char *name, const struct ynode *at)
{
	rs->scalar_budget += n + 1;
	if (rs->scalar_budget > MAX_SCALAR_BUDGET)
		VFAIL(YV, type, name, at, "document expands to too much text (aliases?)");
	return 0;
}

/* A required (or optional) string value. *out NULL when absent. */
int get_str(filter_ruleset_t *rs, const struct ynode *item, const char *key, bool optional, const char *type,
		   const char *name, char **out, const struct ynode **vnode)
{
	const struct ynode *v = y_get(item, key);
	*out = NULL;
	if (vnode)
		*vnode = v;
	if (!v) {
		if (optional)
			return 0;
		VFAIL(YV, type, name, item, "Item has no mapping for key '%s'", key);
	}
	if (y_isnull(v))
		VFAIL(YV, type, name, v, "Mapping for key '%s' is empty", key);
	if (v->kind != Y_SCALAR)
		VFAIL(YV, type, name, v, "Value for key '%s' is not a scalar", key);
	if (rules_budget(rs, v->len, type, name, v))
		return -1;
	if (!(*out = strdup(v->s)))
		VFAIL(YV, type, name, v, "out of memory");
	return 0;
}

int get_bool(filter_ruleset_t *rs, const struct ynode *item, const char *key, const char *type,
		    const char *name, bool *out, bool *present)
{
	const struct ynode *v = y_get(item, key);
	if (present)
		*present = v != NULL;
	if (!v)
		return 0;
	if (y_bool(v, out))
		VFAIL(YV, type, name, v, "Can't decode YAML scalar value for key '%s' as a boolean", key);
	return 0;
}

int get_seq(filter_ruleset_t *rs, const struct ynode *item, const char *key, const char *type,
		   const char *name, struct strvec *out)
{
	const struct ynode *v = y_get(item, key);
	if (!v)
		return 0;
	if (v->kind != Y_SEQ && !y_isnull(v))
		VFAIL(YV, type, name, v, "Value for key '%s' is not a sequence", key);
	for (size_t i = 0; v->kind == Y_SEQ && i < v->n; i++) {
		if (v->kids[i]->kind != Y_SCALAR)
			VFAIL(YV, type, name, v->kids[i], "sequence value is not scalar");
		if (rules_budget(rs, v->kids[i]->len, type, name, v->kids[i]))
			return -1;
		if (sv_push(out, v->kids[i]->s))
			VFAIL(YV, type, name, v->kids[i], "out of memory");
	}
	return 0;
}


static int read_item(filter_ruleset_t *rs, const struct ynode *item)
{
	if (item->kind != Y_MAP)
		VFAIL(YV, "rules content item", "", item,
		      "Unexpected element type. Each element should be a yaml associative array.");
	const struct ynode *v;
	if ((v = y_get(item, "required_engine_version"))) {
		if (v->kind != Y_SCALAR || y_isnull(v))
			VFAIL(YV, "required_engine_version", "", v, "Value for key 'required_engine_version' is not a scalar");
		/* as Falco: a plain number N means 0.N.0 (the engine versions
		 * before semver), else "x.y.z"; a version of another major, or
		 * above ours, is refused */
		unsigned maj = 0, min = 0, pat = 0;
		char *end;
		errno = 0;
		unsigned long n = strtoul(v->s, &end, 10);
		if (isdigit((unsigned char)v->s[0]) && !*end && !errno && n <= UINT32_MAX)
			min = (unsigned)n;
		else if (sscanf(v->s, "%u.%u.%u", &maj, &min, &pat) != 3)
			VFAIL(YV, "required_engine_version", "", item,
			      "Unable to parse engine version '%s' as a semver string. Expected \"x.y.z\" semver "
			      "format.",
			      v->s);
		if (maj != FILTER_RULES_ENGINE_MAJOR || min > FILTER_RULES_ENGINE_MINOR ||
		    (min == FILTER_RULES_ENGINE_MINOR && pat > FILTER_RULES_ENGINE_PATCH))
			VFAIL(VV, "required_engine_version", "", item,
			      "Rules require engine version %u.%u.%u, but engine version is %s", maj, min, pat,
			      FILTER_RULES_ENGINE_VERSION);
		return 0;
	}
	if ((v = y_get(item, "required_plugin_versions"))) {
		if (v->kind != Y_SEQ)
			VFAIL(YV, "required_plugin_versions", "", v, "Value of required_plugin_versions must be a sequence");
		for (size_t i = 0; i < v->n; i++) {
			const struct ynode *p = v->kids[i];
			if (p->kind != Y_MAP)
				VFAIL(YV, "required_plugin_versions", "", p, "Plugin version must be a mapping");
			const struct ynode *pn = y_get(p, "name"), *pv = y_get(p, "version");
			if (!pn || pn->kind != Y_SCALAR)
				VFAIL(YV, "required_plugin_versions", "", p, "Item has no mapping for key 'name'");
			if (!pv || pv->kind != Y_SCALAR)
				VFAIL(YV, "required_plugin_versions", pn->s, p, "Item has no mapping for key 'version'");
			struct loc l = node_loc(rs, p);
			add_diag(rs, FILTER_RULES_WARNING, "LOAD_UNKNOWN_ITEM", "required_plugin_versions", pn->s, &l,
				 "plugins are not supported: requirement %s %s not checked", pn->s, pv->s);
		}
		return 0;
	}
	if (y_get(item, "list"))
		return read_list(rs, item);
	if (y_get(item, "macro"))
		return read_macro(rs, item);
	if (y_get(item, "rule"))
		return read_rule(rs, item);
	struct loc l = node_loc(rs, item);
	add_diag(rs, FILTER_RULES_WARNING, "LOAD_UNKNOWN_ITEM", "rules content item", "", &l, "Unknown top level item");
	return 0;
}

static int add_file(filter_ruleset_t *rs, const char *name, const char *text, size_t len)
{
	if (rules_grow((void **)&rs->files, &rs->capfiles, rs->nfiles, sizeof(*rs->files)))
		return -1;
	struct rfile *f = &rs->files[rs->nfiles];
	f->name = strdup(name ? name : "(string)");
	f->text = malloc(len + 1);
	if (!f->name || !f->text) {
		free(f->name);
		free(f->text);
		return -1;
	}
	memcpy(f->text, text, len);
	f->text[len] = 0;
	f->len = len;
	rs->nfiles++;
	return (int)rs->nfiles - 1;
}

SCAP_EXPORT int filter_ruleset_load_string(filter_ruleset_t *rs, const char *yaml, size_t len, const char *name)
{
	struct ytree t;
	int rc = FILTER_OK;

	if (!rs || (!yaml && len))
		return FILTER_ERR_INVAL;
	if (!yaml)
		yaml = "";
	memset(&t, 0, sizeof(t));
	if (len > MAX_DOC_BYTES) {
		struct loc l = {-1, 0, 0, 0, 0, false};
		add_diag(rs, FILTER_RULES_ERROR, "LOAD_ERR_YAML_PARSE", "rules content", "", &l,
			 "%s: document too large (%zu bytes, limit %u)", name ? name : "(string)", len, MAX_DOC_BYTES);
		return FILTER_ERR_SYNTAX;
	}
	int fi = add_file(rs, name, yaml, len);
	if (fi < 0)
		return FILTER_ERR_NOMEM;
	rs->cur_file = fi;
	rs->scalar_budget = 0;
	if (yaml_read(rs, yaml, len, &t)) {
		rc = FILTER_ERR_SYNTAX;
		goto out;
	}
	for (size_t d = 0; d < t.ndocs; d++) {
		const struct ynode *doc = t.docs[d];
		if (y_isnull(doc))
			continue;
		struct loc l = node_loc(rs, doc);
		if (doc->kind == Y_SCALAR) {
			add_diag(rs, FILTER_RULES_ERROR, YV, "rules content", "", &l, "Rules content is not yaml");
			rc = FILTER_ERR_INVAL;
			goto out;
		}
		if (doc->kind != Y_SEQ) {
			add_diag(rs, FILTER_RULES_ERROR, YV, "rules content", "", &l,
				 "Rules content is not yaml array of objects");
			rc = FILTER_ERR_INVAL;
			goto out;
		}
		for (size_t i = 0; i < doc->n; i++) {
			if (y_isnull(doc->kids[i]))
				continue;
			if (read_item(rs, doc->kids[i])) {
				rc = FILTER_ERR_INVAL;
				goto out;
			}
		}
	}
out:
	rs->compiled = false;
	rs->cur_file = -1;
	ytree_free(&t);
	return rc;
}

static int load_one_file(filter_ruleset_t *rs, const char *path)
{
	FILE *fp = fopen(path, "rb");
	struct loc l = {-1, 0, 0, 0, 0, false};
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc;

	if (!fp) {
		add_diag(rs, FILTER_RULES_ERROR, "LOAD_ERR_FILE_READ", "file", path, &l, "cannot open %s: %s", path,
			 strerror(errno));
		return FILTER_ERR_GENERIC;
	}
	for (;;) {
		if (len + 65536 > cap) {
			size_t nc = cap ? cap * 2 : 131072;
			char *p = realloc(buf, nc);
			if (!p) {
				free(buf);
				fclose(fp);
				return FILTER_ERR_NOMEM;
			}
			buf = p;
			cap = nc;
		}
		size_t n = fread(buf + len, 1, cap - len, fp);
		len += n;
		if (len > MAX_DOC_BYTES) {
			free(buf);
			fclose(fp);
			add_diag(rs, FILTER_RULES_ERROR, "LOAD_ERR_YAML_PARSE", "file", path, &l,
				 "%s: document larger than %u bytes", path, MAX_DOC_BYTES);
			return FILTER_ERR_SYNTAX;
		}
		if (n == 0)
			break;
	}
	if (ferror(fp)) {
		add_diag(rs, FILTER_RULES_ERROR, "LOAD_ERR_FILE_READ", "file", path, &l, "cannot read %s", path);
		free(buf);
		fclose(fp);
		return FILTER_ERR_GENERIC;
	}
	fclose(fp);
	rc = filter_ruleset_load_string(rs, buf, len, path);
	free(buf);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

SCAP_EXPORT int filter_ruleset_load_file(filter_ruleset_t *rs, const char *path)
{
	struct stat st;
	struct loc l = {-1, 0, 0, 0, 0, false};
	if (!rs || !path)
		return FILTER_ERR_INVAL;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct strvec names = {0};
		int rc = FILTER_OK;
		if (!d) {
			add_diag(rs, FILTER_RULES_ERROR, "LOAD_ERR_FILE_READ", "file", path, &l, "cannot open %s: %s",
				 path, strerror(errno));
			return FILTER_ERR_GENERIC;
		}
		struct dirent *de;
		while ((de = readdir(d))) {
			size_t n = strlen(de->d_name);
			if (de->d_name[0] == '.')
				continue;
			if ((n > 5 && !strcmp(de->d_name + n - 5, ".yaml")) || (n > 4 && !strcmp(de->d_name + n - 4, ".yml"))) {
				char *full = malloc(strlen(path) + n + 2);
				if (!full) {
					rc = FILTER_ERR_NOMEM;
					break;
				}
				sprintf(full, "%s/%s", path, de->d_name);
				int e = sv_push(&names, full);
				free(full);
				if (e) {
					rc = FILTER_ERR_NOMEM;
					break;
				}
			}
		}
		closedir(d);
		if (names.n)
			qsort(names.v, names.n, sizeof(char *), cmp_str);
		for (size_t i = 0; i < names.n && rc == FILTER_OK; i++) {
			if (stat(names.v[i], &st) == 0 && S_ISDIR(st.st_mode))
				continue;
			rc = load_one_file(rs, names.v[i]);
		}
		sv_free(&names);
		return rc;
	}
	return load_one_file(rs, path);
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Matching events: the per-event-type index of the enabled rules (built
 * lazily after changes), their evaluation, and alerts handed to callbacks.
 * No allocation per event.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules_int.h"

void free_index(filter_ruleset_t *rs)
{
	if (rs->by_type)
		for (uint32_t t = 0; t <= rs->ntypes; t++)
			free(rs->by_type[t]);
	free(rs->by_type);
	free(rs->by_type_n);
	free(rs->all_rules);
	if (rs->by_gen)
		for (uint32_t b = 0; b < rs->ngen; b++)
			free(rs->by_gen[b]);
	free(rs->by_gen);
	free(rs->by_gen_n);
	rs->by_gen = NULL;
	rs->by_gen_n = NULL;
	rs->ngen = 0;
	rs->by_type = NULL;
	rs->by_type_n = NULL;
	rs->all_rules = NULL;
	rs->nall_rules = 0;
	rs->index_dirty = true;
}



SCAP_EXPORT int filter_ruleset_set_min_priority(filter_ruleset_t *rs, int prio)
{
	if (!rs || prio < 0 || prio > FILTER_RULES_PRIO_DEBUG)
		return FILTER_ERR_INVAL;
	rs->min_prio = prio;
	rs->index_dirty = true;
	return FILTER_OK;
}

static int build_index(filter_ruleset_t *rs)
{
	free_index(rs);
	rs->ntypes = scap_event_max();
	rs->by_type = calloc((size_t)rs->ntypes + 1, sizeof(*rs->by_type));
	rs->by_type_n = calloc((size_t)rs->ntypes + 1, sizeof(*rs->by_type_n));
	rs->all_rules = calloc(rs->nrules ? rs->nrules : 1, sizeof(*rs->all_rules));
	if (!rs->by_type || !rs->by_type_n || !rs->all_rules)
		goto oom;
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct rrule *r = &rs->rules[i];
		if (r->enabled && r->f && r->priority <= rs->min_prio)
			rs->all_rules[rs->nall_rules++] = (uint32_t)i;
	}
	for (uint32_t t = 0; t < rs->ntypes; t++) {
		size_t n = 0;
		for (size_t k = 0; k < rs->nall_rules; k++)
			n += filter_may_match_type(rs->rules[rs->all_rules[k]].f, (uint16_t)t) ? 1 : 0;
		if (!n)
			continue;
		if (!(rs->by_type[t] = malloc(n * sizeof(uint32_t))))
			goto oom;
		for (size_t k = 0; k < rs->nall_rules; k++)
			if (filter_may_match_type(rs->rules[rs->all_rules[k]].f, (uint16_t)t))
				rs->by_type[t][rs->by_type_n[t]++] = rs->all_rules[k];
	}
	/* generic exits (type 1): split by the syscall they carry, so that a
	 * futex or nanosleep reported generically meets only the rules that
	 * name it */
	if (rs->ntypes > 1 && rs->by_type_n[1]) {
		rs->ngen = fgeneric_bit_count();
		rs->by_gen = calloc(rs->ngen, sizeof(*rs->by_gen));
		rs->by_gen_n = calloc(rs->ngen, sizeof(*rs->by_gen_n));
		if (!rs->by_gen || !rs->by_gen_n)
			goto oom;
		for (uint32_t b = 0; b < rs->ngen; b++) {
			size_t n = 0;
			for (size_t k = 0; k < rs->by_type_n[1]; k++)
				n += fgeneric_has_bit(rs->rules[rs->by_type[1][k]].f, b) ? 1 : 0;
			if (!n)
				continue;
			if (!(rs->by_gen[b] = malloc(n * sizeof(uint32_t))))
				goto oom;
			for (size_t k = 0; k < rs->by_type_n[1]; k++)
				if (fgeneric_has_bit(rs->rules[rs->by_type[1][k]].f, b))
					rs->by_gen[b][rs->by_gen_n[b]++] = rs->by_type[1][k];
		}
	}
	rs->index_dirty = false;
	return 0;
oom:
	free_index(rs);
	return FILTER_ERR_NOMEM;
}

SCAP_EXPORT int filter_ruleset_set_rule_matching(filter_ruleset_t *rs, int mode)
{
	if (!rs || (mode != FILTER_RULES_MATCH_FIRST && mode != FILTER_RULES_MATCH_ALL))
		return FILTER_ERR_INVAL;
	rs->matching = mode;
	return FILTER_OK;
}

SCAP_EXPORT int filter_rules_matching_parse(const char *s)
{
	if (s && !strcasecmp(s, "first"))
		return FILTER_RULES_MATCH_FIRST;
	if (s && !strcasecmp(s, "all"))
		return FILTER_RULES_MATCH_ALL;
	return -1;
}

SCAP_EXPORT size_t filter_ruleset_type_rule_count(filter_ruleset_t *rs, uint16_t t)
{
	if (!rs || (rs->index_dirty && build_index(rs)))
		return FILTER_RULES_MATCH_ERROR;
	if (t < rs->ntypes)
		return rs->by_type_n[t];
	size_t n = 0;
	for (size_t k = 0; k < rs->nall_rules; k++)
		n += filter_may_match_type(rs->rules[rs->all_rules[k]].f, t) ? 1 : 0;
	return n;
}

/* Call cb for each enabled compiled rule that matches evt, in rule (load)
 * order, and stop after the first one in FILTER_RULES_MATCH_FIRST mode, as
 * Falco does: its per-event-type lists keep the order in which the rules
 * were enabled, which is their load order. Returns the number of matches,
 * or FILTER_RULES_MATCH_ERROR. */
static size_t match_each(filter_ruleset_t *rs, const scap_evt_t *evt, uint64_t num, void *user,
			 void (*cb)(void *ctx, uint32_t rule), void *ctx)
{
	size_t found = 0;
	if (!rs || !evt || (rs->index_dirty && build_index(rs)))
		return FILTER_RULES_MATCH_ERROR;
	bool first = rs->matching == FILTER_RULES_MATCH_FIRST;
	uint16_t t = scap_evt_type(evt);
	if (t < rs->ntypes) {
		const uint32_t *v = rs->by_type[t];
		size_t nv = rs->by_type_n[t];
		int bit;
		if (t == 1 && rs->by_gen && (bit = fgeneric_exit_bit(evt)) >= 0 && (uint32_t)bit < rs->ngen) {
			v = rs->by_gen[bit];
			nv = rs->by_gen_n[bit];
		}
		for (size_t k = 0; k < nv; k++)
			if (filter_eval(rs->rules[v[k]].f, evt, num, user) == 1) {
				cb(ctx, v[k]);
				if (++found && first)
					break;
			}
		return found;
	}
	for (size_t k = 0; k < rs->nall_rules; k++) {
		filter_t *f = rs->rules[rs->all_rules[k]].f;
		if (filter_may_match_type(f, t) && filter_eval(f, evt, num, user) == 1) {
			cb(ctx, rs->all_rules[k]);
			if (++found && first)
				break;
		}
	}
	return found;
}

struct idx_out {
	uint32_t *idx;
	size_t max, n;
};

static void keep_idx(void *ctx, uint32_t rule)
{
	struct idx_out *o = ctx;
	if (o->n < o->max && o->idx)
		o->idx[o->n] = rule;
	o->n++;
}

SCAP_EXPORT size_t filter_ruleset_match(filter_ruleset_t *rs, const scap_evt_t *evt, uint64_t num, void *user,
					uint32_t *rule_idx, size_t max)
{
	struct idx_out o = {rule_idx, max, 0};
	return match_each(rs, evt, num, user, keep_idx, &o);
}

struct alert_ctx {
	filter_ruleset_t *rs;
	const scap_evt_t *evt;
	uint64_t num;
	void *user;
	filter_alert_fn cb;
	void *ctx;
};

static void call_alert(void *ctx, uint32_t rule)
{
	struct alert_ctx *a = ctx;
	a->cb(a->rs, rule, a->evt, a->num, a->user, a->ctx);
}

SCAP_EXPORT size_t filter_ruleset_process(filter_ruleset_t *rs, const scap_evt_t *evt, uint64_t num, void *user,
					  filter_alert_fn cb, void *ctx)
{
	struct alert_ctx a = {rs, evt, num, user, cb, ctx};
	if (!cb)
		return filter_ruleset_match(rs, evt, num, user, NULL, 0);
	return match_each(rs, evt, num, user, call_alert, &a);
}

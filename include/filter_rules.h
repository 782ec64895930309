/* SPDX-License-Identifier: Apache-2.0 */
/*
 * filter_rules.h - load Falco YAML rules files into libfilter.
 *
 *     filter_ruleset_t *rs = filter_ruleset_new(reg);   // reg: fields registered
 *     filter_ruleset_load_file(rs, "/etc/falco/falco_rules.yaml");
 *     filter_ruleset_load_file(rs, "/etc/falco/rules.d");  // *.yaml, *.yml in name order
 *     filter_ruleset_compile(rs);
 *     for (size_t i = 0; i < filter_ruleset_diag_count(rs); i++) ... // errors, warnings
 *     n = filter_ruleset_match(rs, evt, num, user, idx, 16);
 *
 * Items follow Falco's rules file format: `rule`, `macro`, `list`,
 * `required_engine_version`, `required_plugin_versions`; `append: true` and
 * `override:` (append/replace per key); `exceptions` turned into condition
 * text as Falco does; later definitions of a name replace earlier ones; a
 * list's name standing alone anywhere in a condition (after "=", "(", ",")
 * is replaced by its items before compiling, as Falco's loader does.
 *
 * Loading stops at the first error of a file (as Falco does). Compiling
 * goes on past rules that fail: the others are usable.
 *
 * The ruleset defines its lists and macros into the registry (at compile
 * time) and borrows it: free the ruleset before the registry. Not
 * thread-safe: one ruleset per thread, or external locking
 * (filter_ruleset_match() rebuilds the type index after enable changes).
 */
#ifndef FILTER_RULES_H
#define FILTER_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct filter_ruleset filter_ruleset_t;

/* Priorities, most severe first (Falco's order). */
enum filter_rules_priority {
	FILTER_RULES_PRIO_EMERGENCY = 0,
	FILTER_RULES_PRIO_ALERT,
	FILTER_RULES_PRIO_CRITICAL,
	FILTER_RULES_PRIO_ERROR,
	FILTER_RULES_PRIO_WARNING,
	FILTER_RULES_PRIO_NOTICE,
	FILTER_RULES_PRIO_INFORMATIONAL,
	FILTER_RULES_PRIO_DEBUG
};
/* "Emergency", ... "Debug"; NULL when out of range. */
SCAP_EXPORT const char *filter_rules_priority_name(int prio);
/* Case-insensitive; "info" is INFORMATIONAL. -1 when unknown. */
SCAP_EXPORT int filter_rules_priority_parse(const char *s);

enum filter_rules_severity { FILTER_RULES_ERROR = 0, FILTER_RULES_WARNING = 1 };

/* The Falco rules engine version this library implements: the version the
 * official falcosecurity/rules files require (falco_rules.yaml: 0.57.0), whose
 * rule features are supported. A file's `required_engine_version` (a number
 * N, meaning 0.N.0, or "x.y.z") of another major or above it is refused
 * (LOAD_ERR_VALIDATE "Rules require engine version ..."), as by Falco. */
#define FILTER_RULES_ENGINE_VERSION "0.57.0"
#define FILTER_RULES_ENGINE_MAJOR 0
#define FILTER_RULES_ENGINE_MINOR 57
#define FILTER_RULES_ENGINE_PATCH 0

SCAP_EXPORT filter_ruleset_t *filter_ruleset_new(filter_registry_t *reg);
SCAP_EXPORT void filter_ruleset_free(filter_ruleset_t *rs);

/* Load a rules file, or every *.yaml / *.yml file of a directory in name
 * order. Returns FILTER_OK, or a negative code when an error diagnostic
 * was added (FILTER_ERR_SYNTAX: not YAML; FILTER_ERR_INVAL: invalid
 * content; FILTER_ERR_GENERIC: unreadable; FILTER_ERR_NOMEM). */
SCAP_EXPORT int filter_ruleset_load_file(filter_ruleset_t *rs, const char *path);
/* Same for rules held in memory; name is used in diagnostics. Documents
 * larger than 64 MiB or nested deeper than 64 levels are rejected. */
SCAP_EXPORT int filter_ruleset_load_string(filter_ruleset_t *rs, const char *yaml, size_t len, const char *name);

/* Define the lists and macros into the registry, compile the condition
 * (with exceptions) and output of every rule of the syscall source (disabled
 * ones too, as Falco does: their errors show at load and enabling them
 * later cannot fail), build the event-type index of the enabled ones. FILTER_OK, or FILTER_ERR_COMPILE when some
 * rule/macro/list failed (see the diagnostics; rules that compiled are
 * usable). May be called again after more loads. */
SCAP_EXPORT int filter_ruleset_compile(filter_ruleset_t *rs);

/* ---- diagnostics ---- */
/* code: "LOAD_ERR_YAML_PARSE", "LOAD_ERR_YAML_VALIDATE", "LOAD_ERR_VALIDATE",
 * "LOAD_ERR_COMPILE_CONDITION", "LOAD_ERR_COMPILE_OUTPUT", "LOAD_ERR_FILE_READ",
 * warnings "LOAD_NO_EVTTYPE", "LOAD_UNKNOWN_ITEM", "LOAD_UNKNOWN_SOURCE",
 * "LOAD_DEPRECATED_ITEM", "LOAD_APPEND_NO_VALUES", "LOAD_UNKNOWN_FILTER",
 * "LOAD_INVALID_MACRO_NAME", "LOAD_INVALID_LIST_NAME".
 * item_type: "rule", "macro", "list", "exception", "rules content",
 * "required_engine_version", "required_plugin_versions", "file".
 * line and col are 1-based (0: unknown). Strings live as long as rs. */
SCAP_EXPORT size_t filter_ruleset_diag_count(const filter_ruleset_t *rs);
SCAP_EXPORT size_t filter_ruleset_error_count(const filter_ruleset_t *rs);
SCAP_EXPORT int filter_ruleset_diag_get(const filter_ruleset_t *rs, size_t i, int *severity, const char **code,
					const char **item_type, const char **item_name, const char **msg,
					const char **file, uint32_t *line, uint32_t *col);
/* "file:line:col: error: LOAD_ERR_VALIDATE: rule 'x': message", like snprintf. */
SCAP_EXPORT int filter_ruleset_diag_format(const filter_ruleset_t *rs, size_t i, char *buf, size_t buflen);

/* ---- rules (definition order; a redefinition keeps its place) ---- */
SCAP_EXPORT size_t filter_ruleset_rule_count(const filter_ruleset_t *rs);
SCAP_EXPORT long filter_ruleset_rule_find(const filter_ruleset_t *rs, const char *name); /* -1: none */
SCAP_EXPORT const char *filter_ruleset_rule_name(const filter_ruleset_t *rs, size_t i);
SCAP_EXPORT const char *filter_ruleset_rule_desc(const filter_ruleset_t *rs, size_t i);
SCAP_EXPORT const char *filter_ruleset_rule_source(const filter_ruleset_t *rs, size_t i);
SCAP_EXPORT int filter_ruleset_rule_priority(const filter_ruleset_t *rs, size_t i); /* -1: bad index */
SCAP_EXPORT size_t filter_ruleset_rule_tag_count(const filter_ruleset_t *rs, size_t i);
SCAP_EXPORT const char *filter_ruleset_rule_tag(const filter_ruleset_t *rs, size_t i, size_t k);
SCAP_EXPORT int filter_ruleset_rule_enabled(const filter_ruleset_t *rs, size_t i);
/* Condition text as compiled (with the exceptions appended; lists not yet
 * put in), NULL before compiling. */
SCAP_EXPORT const char *filter_ruleset_rule_condition(const filter_ruleset_t *rs, size_t i);
SCAP_EXPORT const char *filter_ruleset_rule_output(const filter_ruleset_t *rs, size_t i);
/* Compiled forms, NULL when not compiled (disabled, failed, other source). */
SCAP_EXPORT filter_t *filter_ruleset_rule_filter(const filter_ruleset_t *rs, size_t i);
SCAP_EXPORT filter_format_t *filter_ruleset_rule_format(const filter_ruleset_t *rs, size_t i);

/* Enable or disable the rules named name_or_tag or tagged with it.
 * Returns how many rules matched (0: none), or a negative code when a rule
 * being enabled after compile failed to compile (diagnostic added). */
SCAP_EXPORT int filter_ruleset_enable(filter_ruleset_t *rs, const char *name_or_tag, bool enabled);

/* Falco appends to every rule's output the fields their providers suggest
 * (FILTER_FIELD_SUGGESTED: container.id, container.name,
 * container.image.repository, container.image.tag, k8s.pod.name,
 * k8s.ns.name), as " container_id=%container.id ...", and drops the
 * deprecated %container.info (a LOAD_DEPRECATED_ITEM warning). On by
 * default, as Falco's default append_output (suggested_output: true); off:
 * outputs are the rules' own. Takes effect at the next
 * filter_ruleset_compile(). */
SCAP_EXPORT int filter_ruleset_set_suggested_output(filter_ruleset_t *rs, bool on);

/* Rules less severe than prio are not matched (default DEBUG: all). */
SCAP_EXPORT int filter_ruleset_set_min_priority(filter_ruleset_t *rs, int prio);

/* Which matching rules raise an alert for an event, as Falco's
 * rule_matching: FIRST (the default, as Falco's): only the first enabled
 * rule in load order whose condition matches; ALL: every matching rule,
 * in load order. */
enum filter_rules_matching { FILTER_RULES_MATCH_FIRST = 0, FILTER_RULES_MATCH_ALL = 1 };
SCAP_EXPORT int filter_ruleset_set_rule_matching(filter_ruleset_t *rs, int mode);
/* "first" or "all" (case-insensitive); -1 when neither. */
SCAP_EXPORT int filter_rules_matching_parse(const char *s);

/* Returned by filter_ruleset_match() and filter_ruleset_process() instead
 * of a count when rs or evt is NULL or the event-type index could not be
 * built (out of memory): an error, not "no match". */
#define FILTER_RULES_MATCH_ERROR ((size_t)-1)

/* Evaluate the enabled, compiled rules that may match the event's type;
 * writes up to max matching rule indexes (in rule order) and returns the
 * number of matches (may exceed max; at most 1 with
 * FILTER_RULES_MATCH_FIRST), or FILTER_RULES_MATCH_ERROR. */
SCAP_EXPORT size_t filter_ruleset_match(filter_ruleset_t *rs, const scap_evt_t *evt, uint64_t num, void *user,
					uint32_t *rule_idx, size_t max);
/* Alerts as they fire: cb is called for each matching rule (in rule
 * order; only the first with FILTER_RULES_MATCH_FIRST) before
 * filter_ruleset_process() returns, with the event it matched; render the
 * alert there with filter_ruleset_alert_text() or
 * filter_ruleset_alert_json(). Returns the number of alerts, or
 * FILTER_RULES_MATCH_ERROR. */
typedef void (*filter_alert_fn)(filter_ruleset_t *rs, uint32_t rule, const scap_evt_t *evt, uint64_t num,
				void *user, void *ctx);
SCAP_EXPORT size_t filter_ruleset_process(filter_ruleset_t *rs, const scap_evt_t *evt, uint64_t num, void *user,
					  filter_alert_fn cb, void *ctx);
/* Render the alert of rule `rule` for evt as Falco's text line, without a
 * newline: "HH:MM:SS.NNNNNNNNN: Priority output" (the event's time in the
 * local time zone). Like snprintf: returns the length the whole line needs,
 * or a negative code. */
SCAP_EXPORT int filter_ruleset_alert_text(filter_ruleset_t *rs, size_t rule, const scap_evt_t *evt, uint64_t num,
					  void *user, char *buf, size_t buflen);
/* Render the alert of rule `rule` for evt as one line of Falco's JSON
 * output (keys hostname, output, output_fields, priority, rule, source,
 * tags, time: RFC 3339, UTC, nanoseconds), without a newline. Writes at most
 * buflen bytes (NUL-terminated) and returns the length the whole line needs,
 * like snprintf, or a negative code. */
SCAP_EXPORT int filter_ruleset_alert_json(filter_ruleset_t *rs, size_t rule, const scap_evt_t *evt, uint64_t num,
					  void *user, const char *hostname, char *buf, size_t buflen);
/* How many rules filter_ruleset_match() evaluates for events of type t;
 * FILTER_RULES_MATCH_ERROR when rs is NULL or the index cannot be built. */
SCAP_EXPORT size_t filter_ruleset_type_rule_count(filter_ruleset_t *rs, uint16_t t);

#ifdef __cplusplus
}
#endif

#endif

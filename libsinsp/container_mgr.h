/* SPDX-License-Identifier: Apache-2.0 */
/*
 * container_mgr.h - internal to libsinsp (never installed): the container
 * manager. It decides when a container id seen in the stream gets its
 * metadata, from where (runtime.h: the runtime's files at once, its API
 * from a worker thread), keeps the container table bounded, and queues the
 * container events libsinsp hands out.
 *
 * Everything but the worker runs on the thread that calls sinsp_next().
 * The worker only runs API requests: it never touches the table.
 */
#ifndef SINSP_CONTAINER_MGR_H
#define SINSP_CONTAINER_MGR_H

#include <stdbool.h>
#include <stdint.h>

#include "sinsp.h"

struct sinsp_ctr_mgr;
struct sinsp_container;

/* live: the capture is live (lookups on by default). NULL with a message in
 * err when out of memory. */
struct sinsp_ctr_mgr *sinsp_ctr_mgr_new(const struct sinsp_opts *o, bool live, char *err, size_t errlen);
/* Stops the worker (waits for a request under way: at most the timeout). */
void sinsp_ctr_mgr_free(struct sinsp_ctr_mgr *m);

/* A process of container id (12 chars or a name; full_id the runtime's id) shows up
 * at event time ts. Cheap when the id is known; the first time, resolves it
 * (see sinsp.h). */
void sinsp_ctr_mgr_seen(sinsp_t *s, const char *id, const char *full_id, int type, uint64_t ts);
/* A container event of the stream (a capture's): into the table within
 * its bounds; id (idlen bytes) gets the container's id. 0, or -1 (refused:
 * logged and counted, or malformed). */
int sinsp_ctr_mgr_add_json(sinsp_t *s, const char *json, size_t len, uint64_t ts, char *id, size_t idlen);
/* Apply the answers of the worker (without waiting). */
void sinsp_ctr_mgr_poll(sinsp_t *s);
/* The oldest container event not handed out yet (ownership to the caller:
 * free with scap_evt_free()), its container id in id (SINSP_CONTAINER_ID_MAX
 * bytes), or NULL. */
scap_evt_t *sinsp_ctr_mgr_take_event(sinsp_t *s, char *id);
/* A container event for the table entry c (ts, tid -1), or NULL. */
scap_evt_t *sinsp_ctr_mgr_event_for(const struct sinsp_container *c, uint64_t ts);
/* Forget the containers without a thread for the timeout (event time). */
void sinsp_ctr_mgr_purge(sinsp_t *s, uint64_t now);
/* Add the manager's counters to st. */
void sinsp_ctr_mgr_stats(const struct sinsp_ctr_mgr *m, struct sinsp_stats *st);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sinsp.h - umbrella header and the state layer.
 *
 * It includes the public API of libscap (capture) and libfilter
 * (conditions), and declares libsinsp: a sinsp_t follows the event stream of
 * a scap_t (any engine) and keeps thread, file-descriptor, user/group and
 * container tables current, so that every event can be asked "which
 * process, which file, which container". It registers the proc., thread.,
 * fd., user., group., container. and k8s. fields with a libfilter registry.
 *
 * Link with `pkg-config --cflags --libs libsinsp`.
 */
#ifndef SINSP_H
#define SINSP_H

#include <stddef.h>
#include <stdint.h>

#include "filter.h"
#include "scap.h"
#include "scap_export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SINSP_OK 0
#define SINSP_EOF 1     /* as SCAP_EOF */
#define SINSP_TIMEOUT 2 /* as SCAP_TIMEOUT */

typedef struct sinsp sinsp_t;
typedef struct sinsp_evt sinsp_evt_t;
typedef struct sinsp_thread sinsp_thread_t;
typedef struct sinsp_fd sinsp_fd_t;

/* Library version string. */
SCAP_EXPORT const char *sinsp_version(void);

struct sinsp_opts {
	size_t sz;
	/* Most threads kept (0: 262144, as upstream); past it the least
	 * recently seen thread is evicted (counted in the stats). */
	size_t max_threads;
	/* Most fds kept per process (0: 4096, as upstream). */
	size_t max_fds_per_proc;
	/* Threads unseen for this long (event time, ns) are purged when the
	 * table is scanned (0: 20 minutes, as upstream's thread timeout). */
	uint64_t thread_timeout_ns;
	/* How often (event time, ns) the table is scanned (0: 30 s). */
	uint64_t purge_interval_ns;
	/* Seed the tables from /proc, /etc/passwd and /etc/group at open: 0 for
	 * live engines only (a capture brings its own), 1 always, -1 never. */
	int proc_scan;

	/* ---- container metadata (appended in 0.2) ----
	 * A container id seen for the first time (from a process's cgroups)
	 * is resolved from the runtime's files on disk at once, and, when that
	 * gives nothing, from the runtime's API by a worker thread (sinsp_next()
	 * waits at most lookup_wait_ms for that answer). Each resolved
	 * container is also handed out as a container event (evt.type
	 * container, PPME_CONTAINER_JSON_2_E, no thread) just before the event
	 * that revealed it, so that a capture written from the stream keeps
	 * the metadata. */
	/* 0: on for live engines, off for captures (they carry their own
	 * container events); 1: always; -1: never. */
	int container_lookups;
	/* Docker Engine API socket (NULL: /var/run/docker.sock; "": off). */
	const char *docker_socket;
	/* Podman's Docker-compatible API socket (NULL: /run/podman/podman.sock;
	 * "": off). */
	const char *podman_socket;
	/* Docker's data root, for config.v2.json and hostconfig.json (NULL:
	 * /var/lib/docker; "": off). */
	const char *docker_root;
	/* Directories of OCI bundles (containerd, CRI-O, Docker's containerd),
	 * a NULL-terminated list (NULL: the runtimes' default state dirs; a
	 * list whose first entry is NULL: off). */
	const char *const *bundle_dirs;
	/* One API request, connection included (0: 1000 ms). */
	uint32_t lookup_timeout_ms;
	/* Longest sinsp_next() waits for the API answer about a new container
	 * whose files gave nothing (0: 250 ms; negative: never waits). */
	int32_t lookup_wait_ms;
	/* Failed API lookups are retried this many times, 100 ms, 200 ms, ...
	 * apart (0: 3; negative: never). */
	int32_t lookup_retries;
	/* Container table bounds (0: 4096 containers, 16 MiB). Past them the
	 * containers with no live thread are evicted, oldest first; when none
	 * can go, the new one is refused (counted, logged). */
	size_t max_containers;
	size_t max_container_bytes;
	/* A container none of whose threads was seen for this long (event
	 * time) is removed (0: 5 minutes). */
	uint64_t container_timeout_ns;
	/* Diagnostics (a failed lookup, a refused container): one line each
	 * through this callback; NULL: none. Called from the thread that
	 * calls sinsp_next(). */
	scap_log_fn log_fn;
	void *log_ctx;
};
#define SINSP_OPTS_INIT { .sz = sizeof(struct sinsp_opts) }

/* Follow the events of h. sinsp takes ownership of h: sinsp_close()
 * closes it. On failure returns NULL with a message in errbuf
 * (SCAP_ERRBUF_SIZE bytes; h is then still the caller's). */
SCAP_EXPORT sinsp_t *sinsp_open(scap_t *h, const struct sinsp_opts *opts, char *errbuf);
SCAP_EXPORT void sinsp_close(sinsp_t *s);
SCAP_EXPORT scap_t *sinsp_scap(sinsp_t *s);
SCAP_EXPORT const char *sinsp_geterr(const sinsp_t *s);

/* The event as one line of sysdig's default text output, without a newline:
 * "NUM HH:MM:SS.NNNNNNNNN CPU COMM (TID) DIR TYPE NAME=VALUE..." (local time;
 * buffers shown up to snaplen bytes, 0: 80). Writes at most buflen bytes
 * (NUL-terminated, truncated if needed) and returns the length written. */
SCAP_EXPORT int sinsp_evt_line(const sinsp_evt_t *e, uint32_t snaplen, char *buf, size_t buflen);

/* Live engines: ask only for the events of mask (see scap_set_event_mask)
 * plus those the state tables need (clone/exec/exit, fd creation and
 * destruction, uid changes...). NULL: every event. */
SCAP_EXPORT int sinsp_set_event_mask(sinsp_t *s, const uint8_t *mask, size_t n);

/* 1 for container events (those libsinsp puts into the stream itself, and
 * a capture's): they describe state, not a syscall; write them into
 * captures whatever the filter. */
SCAP_EXPORT int sinsp_evt_is_meta(const sinsp_evt_t *e);

/* Next event, with the state updated for it. Returns SINSP_OK, SINSP_EOF,
 * SINSP_TIMEOUT or a negative error (scap_* codes). The event is valid
 * until the next call. */
SCAP_EXPORT int sinsp_next(sinsp_t *s, const sinsp_evt_t **evt);

/* Register the state fields (proc., thread., fd., user., group.,
 * container., k8s.) with reg. Conditions that use them must be evaluated
 * with the sinsp event as the user pointer:
 *   filter_eval(f, sinsp_evt_scap(e), sinsp_evt_num(e), (void *)e)
 * s may be NULL: the fields are then registered for listing and for
 * checking conditions only (they extract nothing). */
SCAP_EXPORT int sinsp_add_fields(sinsp_t *s, filter_registry_t *reg);

/* ---- events ---- */
SCAP_EXPORT const scap_evt_t *sinsp_evt_scap(const sinsp_evt_t *e);
SCAP_EXPORT uint64_t sinsp_evt_num(const sinsp_evt_t *e); /* 1-based */
/* The thread that produced the event (a placeholder if it was unknown),
 * NULL for events without a thread (tid -1). */
SCAP_EXPORT const sinsp_thread_t *sinsp_evt_thread(const sinsp_evt_t *e);
/* The file descriptor the event is about (its fd or result), or NULL. */
SCAP_EXPORT const sinsp_fd_t *sinsp_evt_fd(const sinsp_evt_t *e);
SCAP_EXPORT int64_t sinsp_evt_fdnum(const sinsp_evt_t *e); /* -1 if none */

/* ---- threads ---- */
SCAP_EXPORT const sinsp_thread_t *sinsp_find_thread(const sinsp_t *s, int64_t tid);
/* Iterate: *cursor starts at 0; returns NULL at the end. The table must not
 * change while iterating (do not call sinsp_next in between). */
SCAP_EXPORT const sinsp_thread_t *sinsp_thread_next(const sinsp_t *s, size_t *cursor);
SCAP_EXPORT size_t sinsp_thread_count(const sinsp_t *s);
SCAP_EXPORT int64_t sinsp_thread_tid(const sinsp_thread_t *t);
SCAP_EXPORT int64_t sinsp_thread_pid(const sinsp_thread_t *t);
SCAP_EXPORT int64_t sinsp_thread_ptid(const sinsp_thread_t *t);
/* 1 for placeholders made for tids the stream never described. */
SCAP_EXPORT int sinsp_thread_is_placeholder(const sinsp_thread_t *t);
/* Process-level strings (shared by the threads of a process): "" if
 * unknown. args is NUL-separated (length in *len). */
SCAP_EXPORT const char *sinsp_thread_comm(const sinsp_thread_t *t);
SCAP_EXPORT const char *sinsp_thread_exe(const sinsp_thread_t *t);
SCAP_EXPORT const char *sinsp_thread_exepath(const sinsp_thread_t *t);
SCAP_EXPORT const char *sinsp_thread_cwd(const sinsp_thread_t *t);
SCAP_EXPORT const char *sinsp_thread_args(const sinsp_thread_t *t, size_t *len);
SCAP_EXPORT const char *sinsp_thread_container_id(const sinsp_thread_t *t); /* "host" */
SCAP_EXPORT uint32_t sinsp_thread_uid(const sinsp_thread_t *t);
SCAP_EXPORT uint32_t sinsp_thread_gid(const sinsp_thread_t *t);

/* ---- file descriptors ---- */
/* The fd `fd` of the process of thread `tid`, or NULL. */
SCAP_EXPORT const sinsp_fd_t *sinsp_find_fd(const sinsp_t *s, int64_t tid, int64_t fd);
SCAP_EXPORT size_t sinsp_thread_fd_count(const sinsp_thread_t *t);
/* Iterate the fds of t's process like sinsp_thread_next(). */
SCAP_EXPORT const sinsp_fd_t *sinsp_fd_next(const sinsp_thread_t *t, size_t *cursor);
SCAP_EXPORT int64_t sinsp_fd_num(const sinsp_fd_t *f);
SCAP_EXPORT enum scap_fd_type sinsp_fd_type(const sinsp_fd_t *f);
/* "/etc/passwd", "127.0.0.1:47192->127.0.0.1:80", ... */
SCAP_EXPORT const char *sinsp_fd_name(const sinsp_fd_t *f);

/* ---- writing captures ---- */
/* Create path (a .scap file, as scap_dump_open()) starting with the state
 * as it is now: machine info and interfaces from the scap handle; the
 * users and groups; every thread that is not a placeholder and has not
 * exited, as PL_V9; its process's fds (but one closed by the last event),
 * as FDL_V2; then the containers known now, as container events (their
 * metadata: the capture keeps it without asking any runtime). A capture
 * written live, or re-filtered after some events, so reads back with the
 * threads, fds and containers of its start. Write the events
 * with scap_dump_write() (sinsp_evt_scap()) and finish with
 * scap_dump_close(). opts->max_meta_bytes bounds the snapshot (0: 512
 * MiB). On failure returns NULL with a message in errbuf (SCAP_ERRBUF_SIZE
 * bytes; may be NULL). */
SCAP_EXPORT scap_dumper_t *sinsp_dump_open(sinsp_t *s, const char *path, const struct scap_dump_opts *opts,
					   char *errbuf);

/* ---- counters ---- */
struct sinsp_stats {
	size_t sz;
	uint64_t n_evts;
	uint64_t n_threads;         /* in the table now */
	uint64_t n_fds;             /* in all fd tables now */
	uint64_t n_threads_added;
	uint64_t n_threads_removed; /* by procexit */
	uint64_t n_threads_evicted; /* past max_threads */
	uint64_t n_threads_purged;  /* unseen for thread_timeout_ns */
	uint64_t n_fds_evicted;     /* past max_fds_per_proc */
	uint64_t n_placeholders;    /* threads created for unknown tids */
	uint64_t n_containers;
	/* container metadata (appended in 0.2) */
	uint64_t n_container_lookups_ok;      /* containers resolved (disk or API) */
	uint64_t n_container_lookups_disk;    /* of them, from the runtime's files */
	uint64_t n_container_lookups_failed;  /* given up on (fields stay <NA>) */
	uint64_t n_container_lookups_retried; /* API lookups asked again */
	uint64_t n_container_lookups_pending; /* API lookups queued or under way now */
	uint64_t n_containers_evicted;        /* removed: timeout or table bounds */
	uint64_t n_containers_refused;        /* not stored: table full */
	uint64_t n_container_events;          /* container events handed out */
	uint64_t container_bytes;             /* memory the container table holds now */
	uint64_t container_delay_max_ns;      /* longest an event waited for container metadata */
	uint64_t container_delay_total_ns;    /* all the events' waits together (first sights) */
};
SCAP_EXPORT int sinsp_get_stats(const sinsp_t *s, struct sinsp_stats *st);

#ifdef __cplusplus
}
#endif

#endif

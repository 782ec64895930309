/* SPDX-License-Identifier: Apache-2.0 */
/* Internal structures of libsinsp. Never installed. */
#ifndef SINSP_INT_H
#define SINSP_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <uthash.h>

#include "container.h"
#include "container_mgr.h"
#include "sinsp.h"

/* Parameter names the parsers look up (by name, so every version of an
 * event and its enter/exit split are handled alike). */
enum pname {
	PN_RES, PN_FD, PN_NAME, PN_FLAGS, PN_MODE, PN_DIRFD, PN_PATH, PN_EXE, PN_ARGS, PN_TID, PN_PID, PN_PTID,
	PN_CWD, PN_COMM, PN_CGROUPS, PN_UID, PN_GID, PN_VTID, PN_VPID, PN_LOGINUID, PN_TTY, PN_VPGID, PN_PGID,
	PN_TRUSTED_EXEPATH, PN_EUID, PN_EGID, PN_OLDFD, PN_NEWFD, PN_CMD, PN_FD1, PN_FD2, PN_INO, PN_DOMAIN,
	PN_TYPE, PN_PROTO, PN_TUPLE, PN_ADDR, PN_OPTION, PN_ARG2_STR, PN_JSON, PN_ID, PN_IMAGE, PN_HOME,
	PN_SHELL, PN_FILENAME, PN_PATHNAME, PN_ENV, PN_CAP_INH, PN_CAP_PERM, PN_CAP_EFF, PN_EXE_INO_CTIME,
	PN_EXE_INO_MTIME, PN_PIDNS_START, PN_CREAT_FLAGS,
	/* resource figures of clone/execve exits (fields_proc.c) */
	PN_FDLIMIT, PN_PGFT_MAJ, PN_PGFT_MIN, PN_VM_SIZE, PN_VM_RSS, PN_VM_SWAP, PN_EXE_INO, PN_DEV,
	/* the fd of exit events that have no "fd" parameter (evt_fd_location) */
	PN_LINKDIRFD, PN_FDOUT, PN_OUT_FD, PN_FD_OUT, PN_ARG, PN_MAX
};

/* open_flags bits the producers add: the file is in the upper / a lower
 * layer of an overlayfs (scap-format.md §10.3) */
#define PPM_FD_UPPER_LAYER (1u << 15)
#define PPM_FD_LOWER_LAYER (1u << 16)

struct sinsp_fd {
	int64_t fd;
	uint64_t ino;
	uint32_t open_flags; /* PPM_O_*, with PPM_FD_UPPER_LAYER / PPM_FD_LOWER_LAYER (creat's too) */
	uint8_t type;  /* enum scap_fd_type (FILE_V2 stored as FILE) */
	uint8_t l4proto;
	uint8_t iplen; /* 4 or 16 for IP sockets */
	uint8_t role;  /* ROLE_* */
	uint8_t connected; /* a connect (also one in progress) or an accept made it (upstream's flag) */
	uint8_t cip[16], sip[16]; /* client and server (network order) */
	uint16_t cport, sport;
	char *name;
	uint32_t name_len, name_cap;
	UT_hash_handle hh;
	uint32_t dev; /* device of a file opened by an open-family exit (its "dev" parameter), 0: unknown */
};
#define ROLE_NONE 0
#define ROLE_CLIENT 1 /* the local end is the client */
#define ROLE_SERVER 2 /* the local end is the server */

/* Shared by the threads of a process. */
struct sproc {
	uint32_t refs;
	char *exe, *exepath, *cwd, *args, *cgroups, *env;
	uint32_t args_len, cgroups_len, env_len;
	uint64_t exe_ino_ctime, exe_ino_mtime; /* 0: unknown */
	uint64_t pidns_start;                   /* start of the pid namespace's init, 0: unknown */
	bool exe_upper_layer, exe_lower_layer, exe_writable, exe_from_memfd;
	struct sinsp_fd *fds; /* uthash by fd */
	uint32_t nfds;
	char container_id[SINSP_CONTAINER_ID_MAX]; /* "" unknown yet, else "host" or the id (12 hex, or a name) */
	uint8_t container_type;
	bool container_done;
};

struct sinsp_thread {
	int64_t tid, pid, ptid, sid, vpgid, pgid, vtid, vpid;
	char comm[32]; /* the thread's own name (threads of a process may differ) */
	uint32_t uid, gid, loginuid, tty;
	uint64_t cap_inh, cap_perm, cap_eff;
	uint64_t clone_ts;  /* 0: unknown */
	uint64_t lastseen;  /* event time */
	bool placeholder;
	bool dead;
	struct sproc *p;
	/* the last enter event, for exit events of old captures that lack
	 * parameters (the enter event had them) */
	uint16_t enter_type; /* 0xffff: none */
	uint8_t enter_n;
	uint16_t enter_off[SCAP_MAX_EVENT_PARAMS], enter_len[SCAP_MAX_EVENT_PARAMS];
	uint8_t *enter_buf;
	uint32_t enter_cap;
	UT_hash_handle hh;
	/* resource figures from the last clone/execve exit (sinsp_thread_resources()) */
	bool res_known;
	int64_t fdlimit;
	uint64_t pfmajor, pfminor;
	uint32_t vmsize_kb, vmrss_kb, vmswap_kb;
	uint64_t exe_ino; /* 0: unknown */
	uint64_t enter_ts; /* last enter event (evt.latency), 0: none seen */
	uint64_t latency;  /* as upstream's m_latency: exit ts - enter_ts, 0 on enters */
};

struct sinsp_evt {
	const scap_evt_t *evt;
	uint64_t num;
	struct sinsp_thread *thread;
	struct sinsp_fd *fd;
	int64_t fdnum;
	bool fd_name_changed; /* this event gave its fd a new name */
	const char *ctr_id;   /* container events: the id of the container they describe; else NULL */
	sinsp_t *s;
	/* an fd event whose fd is not in the table (a failed open): the name
	 * the event gives (in sinsp's evt_name buffer), NULL when none */
	const char *evt_name;
	uint32_t evt_name_len;
};

struct suser {
	uint32_t id;
	char *name, *home, *shell;
	bool unknown; /* looked up on this machine and not found (sinsp_lookup_user) */
	UT_hash_handle hh;
};

struct sinsp {
	scap_t *h;
	struct sinsp_opts opts;
	struct sinsp_thread *threads; /* uthash by tid */
	uint64_t nthreads;
	struct suser *users, *groups;
	struct sinsp_containers *containers;
	struct sinsp_ctr_mgr *ctr;      /* container metadata (container_mgr.c) */
	uint64_t last_ts;               /* of the last event read */
	struct sinsp_evt meta;          /* a container event being handed out */
	scap_evt_t *meta_evt;           /* its bytes (owned) */
	char meta_id[SINSP_CONTAINER_ID_MAX];
	char cur_ctr_id[SINSP_CONTAINER_ID_MAX]; /* a capture's container event: its id */
	bool held;                      /* cur is parsed, to be handed out after meta */
	uint32_t meta_pending;          /* container events queued (container_mgr.c) */
	bool ctr_async;                 /* API lookups were queued: answers to poll */
	struct sinsp_evt cur;
	uint64_t num;
	uint64_t section; /* scap n_sections seen */
	uint64_t last_purge;
	struct sinsp_thread *to_remove; /* a thread whose procexit was the last event */
	struct sinsp_thread *tcache[256]; /* direct-mapped lookup cache by tid */
	struct sinsp_fd *fd_to_close;   /* closed by the last event */
	struct sproc *fd_to_close_proc;
	int8_t (*pidx)[PN_MAX]; /* per event type: index of each name, -1 */
	uint8_t *handler;       /* per event type */
	uint8_t *keep_enter;    /* per exit type: store its enter event */
	uint32_t *tflags;       /* per event type: EF_* flags */
	uint32_t ntypes;
	struct sinsp_stats st;
	char err[SCAP_ERRBUF_SIZE];
	char scratch[8192]; /* field rendering */
	/* fields_*.c */
	uint64_t first_ts;  /* first non-meta event (evt.reltime) */
	char scratch2[8192]; /* field rendering of fields_*.c */
	char evt_name[4096]; /* sinsp_evt.evt_name of the current event (parsers.c) */
};

/* A thread read from /proc (proc_scan.c). */
struct sinsp_scanned {
	int64_t tid, pid, ptid, sid;
	uint32_t uid, gid, loginuid, tty;
	uint64_t cap_inh, cap_perm, cap_eff;
	char comm[32];
};
void sinsp_scan_proc(sinsp_t *s);
/* Add a scanned thread; returns its new process record to fill, or NULL
 * when it joined its main thread's process. */
struct sproc *sinsp_add_scanned_thread(sinsp_t *s, const struct sinsp_scanned *t);
/* which: 'e' exe, 'P' exepath, 'c' cwd, 'a' args (NUL-separated), 'g' cgroups */
void sinsp_set_proc_str(struct sproc *p, char which, const char *str, size_t len);
void sinsp_add_scanned_fd(sinsp_t *s, struct sproc *p, int64_t fd, uint8_t type, const char *name, size_t len);
void sinsp_add_user(sinsp_t *s, bool group, uint32_t id, const char *name, const char *home, const char *shell);

/* parsers.c */
int sinsp_parse_event(sinsp_t *s, struct sinsp_evt *e);
int sinsp_build_tables(sinsp_t *s);
/* an unspecified local address (0.0.0.0, ::) of f from the interfaces */
void sinsp_fill_unspecified_addr(const sinsp_t *s, struct sinsp_fd *f);

/* state.c: the records of the tables (strings are copied; NULL/0: unset) */
void sinsp_set_str(char **dst, const char *src, size_t len);
void sinsp_set_exepath(struct sproc *p, const char *src, size_t len);
void sinsp_set_bytes(char **dst, uint32_t *dlen, const char *src, uint32_t len);
void sinsp_set_cwd(struct sproc *p, const char *src, size_t len);
void sinsp_set_cgroups(struct sproc *p, const char *src, uint32_t len);
void sinsp_set_comm(struct sinsp_thread *t, const char *s, size_t len);
void sinsp_comm_from_exe(struct sinsp_thread *t, const char *exe);
void sinsp_fd_set_name(struct sinsp_fd *f, const char *s, size_t len);
void sinsp_fd_name_tuple(struct sinsp_fd *f);
struct sinsp_fd *sinsp_fd_find(struct sproc *p, int64_t fd);
struct sinsp_fd *sinsp_fd_add(sinsp_t *s, struct sproc *p, int64_t fd, uint8_t type);
struct sinsp_fd *sinsp_fd_copy(sinsp_t *s, struct sproc *p, int64_t newfd, const struct sinsp_fd *from);
void sinsp_fd_remove(struct sproc *p, struct sinsp_fd *f);
struct sproc *sinsp_proc_new(void);
struct sproc *sinsp_proc_clone(sinsp_t *s, const struct sproc *from);
struct sinsp_thread *sinsp_thread_new(sinsp_t *s, int64_t tid);
void sinsp_add_user_entry(struct suser **table, uint32_t id, const char *name, size_t nlen, const char *home,
			  size_t hlen, const char *shell, size_t slen);
void sinsp_load_metadata(sinsp_t *s);
struct sinsp_thread *sinsp_get_thread(sinsp_t *s, int64_t tid, bool create);
void sinsp_thread_free(sinsp_t *s, struct sinsp_thread *t);
void sinsp_proc_unref(sinsp_t *s, struct sproc *p);
void sinsp_fd_free(struct sinsp_fd *f);
void sinsp_purge(sinsp_t *s, uint64_t now);
void sinsp_clear_state(sinsp_t *s);
const char *sinsp_user_name(const sinsp_t *s, uint32_t uid);
const struct suser *sinsp_find_user(const sinsp_t *s, uint32_t uid);
const struct suser *sinsp_find_group(const sinsp_t *s, uint32_t gid);
/* fields_proc.c: the leader of t's session ('s'), process group ('g') or
 * virtual process group ('v'), as upstream's get_oldest_matching_ancestor */
const struct sinsp_thread *sinsp_group_leader(const sinsp_t *s, const struct sinsp_thread *t, char which);
const struct suser *sinsp_lookup_user(sinsp_t *s, const struct sinsp_thread *t, uint32_t id, bool group);
void sinsp_resolve_container(sinsp_t *s, struct sproc *p);
/* Store fdlimit, page faults, vm sizes and exe_ino of a successful clone/execve
 * exit in thread t (the child, or the thread that called execve). */
void sinsp_thread_resources(sinsp_t *s, const struct sinsp_evt *e, struct sinsp_thread *t);

/* container_fields.c: register the container.* and k8s.* fields (a provider
 * of their own; called by sinsp_add_fields()). */
int sinsp_container_add_fields(sinsp_t *s, filter_registry_t *reg);

/* The field tables of the fields_*.c files: one row per field, registered
 * with sinsp_register_fields() as one provider per table. */
struct sinsp_field_def {
	const char *name;
	enum filter_ftype type;
	uint32_t flags;
	uint32_t id;
	const char *desc;
};
int sinsp_register_fields(filter_registry_t *reg, sinsp_t *s, const char *provider, filter_extract_fn extract,
			  const struct sinsp_field_def *defs, size_t n);
/* fields_proc.c, fields_fd.c, fields_evt.c: the providers of those files */
int sinsp_proc_add_fields(sinsp_t *s, filter_registry_t *reg);
int sinsp_fd_add_fields(sinsp_t *s, filter_registry_t *reg);
int sinsp_evt_add_fields(sinsp_t *s, filter_registry_t *reg);
/* fields.c: proc.cmdline of t ("name arg1 arg2", as upstream) in buf */
size_t sinsp_cmdline(char *buf, size_t cap, const struct sinsp_thread *t);
/* fields.c: fd.type's name for an fd type */
const char *sinsp_fd_type_name(uint8_t type);
/* fields_evt.c: per-event timing state (first event, enter time for evt.latency) */
void sinsp_track_times(sinsp_t *s, const struct sinsp_evt *e);
/* state.c: absolute path of `path` relative to dir (normalised) */
size_t sinsp_resolve_path(char *out, size_t cap, const char *dir, size_t dlen, const char *path, size_t plen);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* The state fields (proc., thread., fd., user., group.), registered with a
 * libfilter registry as a provider; the container. and k8s. fields are a
 * provider of their own (container_fields.c), registered along. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "sinsp_int.h"

enum fid {
	P_PID, P_PPID, P_VPID, P_NAME, P_EXE, P_EXEPATH, P_CMDLINE, P_ARGS, P_CWD, P_TTY, P_SID, P_VPGID,
	P_LOGINUID, P_PNAME, P_PCMDLINE, P_PEXE, P_PEXEPATH, P_ANAME, P_APID, P_DURATION, P_IS_PLACEHOLDER,
	P_AEXE, P_AEXEPATH, P_SNAME, P_ENV, P_IS_EXE_UPPER_LAYER, P_IS_EXE_LOWER_LAYER, P_IS_EXE_WRITABLE, P_IS_EXE_FROM_MEMFD, P_IS_SID_LEADER,
	P_IS_VPGID_LEADER, P_EXE_INO_CTIME, P_EXE_INO_MTIME,
	P_EXE_INO_CTIME_DUR, T_TID, T_VTID, T_ISMAIN, T_CAP_PERMITTED, T_CAP_EFFECTIVE, T_CAP_INHERITABLE,
	FD_NUM, FD_TYPE, FD_TYPECHAR, FD_NAME, FD_NAMERAW, FD_DIRECTORY, FD_FILENAME, FD_SIP, FD_CIP, FD_SPORT,
	FD_CPORT, FD_LIP, FD_RIP, FD_LPORT, FD_RPORT, FD_IP, FD_PORT, FD_L4PROTO, FD_SOCKFAMILY, FD_IS_SERVER,
	FD_NET, FD_CNET, FD_SNET, FD_LNET, FD_RNET, FD_CONNECTED, FD_NAME_CHANGED, FD_SIP_NAME, FD_CIP_NAME,
	FD_LIP_NAME, FD_RIP_NAME, FD_INO, FD_IS_UPPER_LAYER, FD_IS_LOWER_LAYER,
	U_UID, U_NAME, U_HOME, U_SHELL, U_LOGINUID, U_LOGINNAME, G_GID, G_NAME,
};

static const struct {
	const char *name;
	enum filter_ftype type;
	uint32_t flags;
	uint32_t id;
	const char *desc;
} fields[] = {
	{"proc.pid", FILTER_T_INT64, 0, P_PID, "id of the process of the event's thread"},
	{"proc.ppid", FILTER_T_INT64, 0, P_PPID, "id of the parent process"},
	{"proc.vpid", FILTER_T_INT64, 0, P_VPID, "process id as seen from its own pid namespace"},
	{"proc.name", FILTER_T_STRING, 0, P_NAME, "name of the thread (its comm, at most 15 characters; threads of a process may differ)"},
	{"proc.exe", FILTER_T_STRING, 0, P_EXE, "first command-line argument (argv[0])"},
	{"proc.exepath", FILTER_T_STRING, 0, P_EXEPATH, "full path of the executable"},
	{"proc.cmdline", FILTER_T_STRING, 0, P_CMDLINE, "proc.name followed by the arguments"},
	{"proc.args", FILTER_T_STRING, 0, P_ARGS, "arguments (argv[1..]) separated by spaces"},
	{"proc.cwd", FILTER_T_STRING, 0, P_CWD, "current working directory"},
	{"proc.tty", FILTER_T_INT64, 0, P_TTY, "controlling terminal (0 if none)"},
	{"proc.sid", FILTER_T_INT64, 0, P_SID, "session id"},
	{"proc.vpgid", FILTER_T_INT64, 0, P_VPGID, "process group id as seen from its pid namespace"},
	{"proc.loginuid", FILTER_T_INT64, 0, P_LOGINUID, "audit login uid (-1 if unset)"},
	{"proc.pname", FILTER_T_STRING, 0, P_PNAME, "name of the parent process"},
	{"proc.pcmdline", FILTER_T_STRING, 0, P_PCMDLINE, "command line of the parent process"},
	{"proc.pexe", FILTER_T_STRING, 0, P_PEXE, "argv[0] of the parent process"},
	{"proc.pexepath", FILTER_T_STRING, 0, P_PEXEPATH, "executable path of the parent process"},
	{"proc.aname", FILTER_T_STRING, FILTER_FIELD_ARG_ALLOWED | FILTER_FIELD_ARG_INDEX | FILTER_FIELD_ANY | FILTER_FIELD_JOIN, P_ANAME,
	 "name of an ancestor: [0] the process, [1] its parent, ...; without index, any ancestor matches (outputs: all, space-separated)"},
	{"proc.apid", FILTER_T_INT64, FILTER_FIELD_ARG_ALLOWED | FILTER_FIELD_ARG_INDEX | FILTER_FIELD_ANY, P_APID,
	 "pid of an ancestor: [0] the process, [1] its parent, ...; without index, any ancestor matches "
	 "(outputs: the process's own)"},
	{"proc.duration", FILTER_T_RELTIME, 0, P_DURATION, "ns since the process started (if its start was seen)"},
	{"proc.is_placeholder", FILTER_T_BOOL, 0, P_IS_PLACEHOLDER,
	 "true when the thread was never described by the stream (its fields are <NA>)"},
	{"proc.aexe", FILTER_T_STRING, FILTER_FIELD_ARG_ALLOWED | FILTER_FIELD_ARG_INDEX | FILTER_FIELD_ANY | FILTER_FIELD_JOIN, P_AEXE,
	 "proc.exe of an ancestor: [0] the process, [1] its parent, ...; without index, any ancestor matches (outputs: all)"},
	{"proc.aexepath", FILTER_T_STRING, FILTER_FIELD_ARG_ALLOWED | FILTER_FIELD_ARG_INDEX | FILTER_FIELD_ANY | FILTER_FIELD_JOIN,
	 P_AEXEPATH, "proc.exepath of an ancestor: [0] the process, [1] its parent, ...; without index, any (outputs: all)"},
	{"proc.sname", FILTER_T_STRING, 0, P_SNAME, "name of the session leader (the thread whose tid is proc.sid)"},
	{"proc.env", FILTER_T_STRING, FILTER_FIELD_ARG_ALLOWED, P_ENV,
	 "environment as NAME=value pairs separated by spaces; proc.env[NAME] is one variable's value"},
	{"proc.is_exe_upper_layer", FILTER_T_BOOL, 0, P_IS_EXE_UPPER_LAYER,
	 "true if the executable is in the upper layer of an overlay file system"},
	{"proc.is_exe_lower_layer", FILTER_T_BOOL, 0, P_IS_EXE_LOWER_LAYER,
	 "true if the executable is in a lower layer of an overlay file system"},
	{"proc.is_exe_writable", FILTER_T_BOOL, 0, P_IS_EXE_WRITABLE,
	 "true if the executable file is writable by the process's user"},
	{"proc.is_exe_from_memfd", FILTER_T_BOOL, 0, P_IS_EXE_FROM_MEMFD,
	 "true if the executable is a memfd (fileless execution)"},
	{"proc.is_sid_leader", FILTER_T_BOOL, 0, P_IS_SID_LEADER, "true if the process leads its session (sid = vpid)"},
	{"proc.is_vpgid_leader", FILTER_T_BOOL, 0, P_IS_VPGID_LEADER,
	 "true if the process leads its process group (vpgid = vpid)"},
	{"proc.exe_ino.ctime", FILTER_T_ABSTIME, 0, P_EXE_INO_CTIME, "change time of the executable's inode (ns)"},
	{"proc.exe_ino.mtime", FILTER_T_ABSTIME, 0, P_EXE_INO_MTIME, "modification time of the executable's inode (ns)"},
	{"proc.exe_ino.ctime_duration_proc_start", FILTER_T_RELTIME, 0, P_EXE_INO_CTIME_DUR,
	 "ns from the executable inode's change time to the start of the process (if both are known)"},
	{"thread.tid", FILTER_T_INT64, 0, T_TID, "thread id"},
	{"thread.cap_permitted", FILTER_T_STRING, 0, T_CAP_PERMITTED, "permitted capabilities (CAP_* names)"},
	{"thread.cap_effective", FILTER_T_STRING, 0, T_CAP_EFFECTIVE, "effective capabilities (CAP_* names)"},
	{"thread.cap_inheritable", FILTER_T_STRING, 0, T_CAP_INHERITABLE, "inheritable capabilities (CAP_* names)"},
	{"thread.vtid", FILTER_T_INT64, 0, T_VTID, "thread id as seen from its pid namespace"},
	{"thread.ismain", FILTER_T_BOOL, 0, T_ISMAIN, "true for the main thread of its process"},
	{"fd.num", FILTER_T_INT64, 0, FD_NUM, "number of the fd the event is about"},
	{"fd.type", FILTER_T_STRING, 0, FD_TYPE, "fd type: file, directory, ipv4, ipv6, unix, pipe, event, ..."},
	{"fd.typechar", FILTER_T_STRING, 0, FD_TYPECHAR, "fd type as one character: f d 4 6 u p e s l i t n b r m"},
	{"fd.name", FILTER_T_STRING, 0, FD_NAME, "full name: absolute path, or the connection 1.2.3.4:5->6.7.8.9:10"},
	{"fd.nameraw", FILTER_T_STRING, 0, FD_NAMERAW, "name as given to the syscall, before path resolution"},
	{"fd.directory", FILTER_T_STRING, 0, FD_DIRECTORY, "directory of a file fd"},
	{"fd.filename", FILTER_T_STRING, 0, FD_FILENAME, "base name of a file fd"},
	{"fd.sip", FILTER_T_IPADDR, 0, FD_SIP, "server IP address"},
	{"fd.cip", FILTER_T_IPADDR, 0, FD_CIP, "client IP address"},
	{"fd.sport", FILTER_T_UINT64, 0, FD_SPORT, "server port"},
	{"fd.cport", FILTER_T_UINT64, 0, FD_CPORT, "client port"},
	{"fd.lip", FILTER_T_IPADDR, 0, FD_LIP, "local IP address"},
	{"fd.rip", FILTER_T_IPADDR, 0, FD_RIP, "remote IP address"},
	{"fd.lport", FILTER_T_UINT64, 0, FD_LPORT, "local port"},
	{"fd.rport", FILTER_T_UINT64, 0, FD_RPORT, "remote port"},
	{"fd.ip", FILTER_T_IPADDR, FILTER_FIELD_ANY | FILTER_FIELD_FILTER_ONLY, FD_IP, "either endpoint's IP address"},
	{"fd.port", FILTER_T_UINT64, FILTER_FIELD_ANY | FILTER_FIELD_FILTER_ONLY, FD_PORT, "either endpoint's port"},
	{"fd.l4proto", FILTER_T_STRING, 0, FD_L4PROTO, "transport protocol: tcp, udp, icmp, raw"},
	{"fd.sockfamily", FILTER_T_STRING, 0, FD_SOCKFAMILY, "socket family: ip or unix"},
	{"fd.is_server", FILTER_T_BOOL, 0, FD_IS_SERVER, "true if the local end is the server"},
	{"fd.net", FILTER_T_IPNET, FILTER_FIELD_ANY | FILTER_FIELD_FILTER_ONLY, FD_NET, "either endpoint is in this network"},
	{"fd.cnet", FILTER_T_IPNET, FILTER_FIELD_FILTER_ONLY, FD_CNET, "the client is in this network"},
	{"fd.snet", FILTER_T_IPNET, FILTER_FIELD_FILTER_ONLY, FD_SNET, "the server is in this network"},
	{"fd.lnet", FILTER_T_IPNET, FILTER_FIELD_FILTER_ONLY, FD_LNET, "the local end is in this network"},
	{"fd.rnet", FILTER_T_IPNET, FILTER_FIELD_FILTER_ONLY, FD_RNET, "the remote end is in this network"},
	{"fd.connected", FILTER_T_BOOL, 0, FD_CONNECTED, "true for a socket connected by a connect (also one in progress) or an accept"},
	{"fd.name_changed", FILTER_T_BOOL, 0, FD_NAME_CHANGED, "true when this event gave its fd a new name (an open, connect, accept, bind, ...)"},
	{"fd.sip.name", FILTER_T_STRING, 0, FD_SIP_NAME,
	 "domain name of the server IP: this library keeps no DNS table, so it is always <NA>"},
	{"fd.cip.name", FILTER_T_STRING, 0, FD_CIP_NAME, "domain name of the client IP: always <NA> (no DNS table)"},
	{"fd.lip.name", FILTER_T_STRING, 0, FD_LIP_NAME, "domain name of the local IP: always <NA> (no DNS table)"},
	{"fd.rip.name", FILTER_T_STRING, 0, FD_RIP_NAME, "domain name of the remote IP: always <NA> (no DNS table)"},
	{"fd.ino", FILTER_T_UINT64, 0, FD_INO, "inode number, when known"},
	{"fd.is_upper_layer", FILTER_T_BOOL, 0, FD_IS_UPPER_LAYER,
	 "true if the fd is of a file in the upper layer of an overlay file system (as its open saw it)"},
	{"fd.is_lower_layer", FILTER_T_BOOL, 0, FD_IS_LOWER_LAYER,
	 "true if the fd is of a file in a lower layer of an overlay file system (as its open saw it)"},
	{"user.uid", FILTER_T_UINT64, 0, U_UID, "user id of the thread"},
	{"user.name", FILTER_T_STRING, 0, U_NAME, "user name"},
	{"user.homedir", FILTER_T_STRING, 0, U_HOME, "home directory of the user"},
	{"user.shell", FILTER_T_STRING, 0, U_SHELL, "shell of the user"},
	{"user.loginuid", FILTER_T_INT64, 0, U_LOGINUID, "audit login uid (-1 if unset)"},
	{"user.loginname", FILTER_T_STRING, 0, U_LOGINNAME, "name of the login user"},
	{"group.gid", FILTER_T_UINT64, 0, G_GID, "group id of the thread"},
	{"group.name", FILTER_T_STRING, 0, G_NAME, "group name"},
};

static void out_cstr(filter_out_t *out, const char *s)
{
	if (s)
		filter_out_str(out, s, strlen(s));
}

/* "a b c" from NUL-separated args, into buf. */
static size_t join_args(char *buf, size_t cap, size_t off, const char *args, size_t len)
{
	for (size_t i = 0; i < len && off + 1 < cap; i++) {
		char c = args[i];
		if (c == 0) {
			if (i + 1 == len)
				break; /* the trailing NUL */
			c = ' ';
		}
		buf[off++] = c;
	}
	buf[off] = 0;
	return off;
}

size_t sinsp_cmdline(char *buf, size_t cap, const struct sinsp_thread *t)
{
	const struct sproc *p = t->p;
	size_t n = (size_t)snprintf(buf, cap, "%s", t->comm);
	if (n >= cap)
		n = cap - 1;
	/* as upstream: no name, no command line; "\0" alone is no argument */
	if (n && p->args_len && !(p->args_len == 1 && !p->args[0]) && n + 1 < cap) {
		buf[n++] = ' ';
		n = join_args(buf, cap, n, p->args, p->args_len);
	}
	return n;
}

/* "CAP_CHOWN CAP_KILL ..." for a capability bit set (Linux numbering). */
static size_t cap_names(char *buf, size_t cap, uint64_t set)
{
	static const char *const names[] = {
		"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
		"CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
		"CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
		"CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
		"CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
		"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
		"CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
		"CAP_CHECKPOINT_RESTORE",
	};
	size_t n = 0;
	buf[0] = 0;
	for (unsigned i = 0; i < 64; i++) {
		if (!(set >> i & 1))
			continue;
		int w = i < sizeof(names) / sizeof(names[0])
				? snprintf(buf + n, cap - n, "%s%s", n ? " " : "", names[i])
				: snprintf(buf + n, cap - n, "%sCAP_%u", n ? " " : "", i);
		if (w < 0 || (size_t)w >= cap - n)
			break;
		n += (size_t)w;
	}
	return n;
}

static const struct sinsp_thread *parent_of(const sinsp_t *s, const struct sinsp_thread *t)
{
	struct sinsp_thread *p = NULL;
	if (t && t->ptid > 0 && t->ptid != t->tid) {
		int64_t ptid = t->ptid;
		HASH_FIND(hh, s->threads, &ptid, sizeof(ptid), p);
	}
	return p;
}

static const char *fd_type_name(uint8_t type, char *typechar)
{
	static const struct {
		const char *name;
		char c;
	} names[SCAP_FD_TYPE_MAX] = {
		[SCAP_FD_UNKNOWN] = {"unknown", 'o'}, [SCAP_FD_FILE] = {"file", 'f'},
		[SCAP_FD_DIRECTORY] = {"directory", 'd'}, [SCAP_FD_IPV4_SOCK] = {"ipv4", '4'},
		[SCAP_FD_IPV6_SOCK] = {"ipv6", '6'}, [SCAP_FD_IPV4_SERVSOCK] = {"ipv4", '4'},
		[SCAP_FD_IPV6_SERVSOCK] = {"ipv6", '6'}, [SCAP_FD_FIFO] = {"pipe", 'p'},
		[SCAP_FD_UNIX_SOCK] = {"unix", 'u'}, [SCAP_FD_EVENT] = {"event", 'e'},
		[SCAP_FD_UNSUPPORTED] = {"unknown", 'o'}, [SCAP_FD_SIGNALFD] = {"signalfd", 's'},
		[SCAP_FD_EVENTPOLL] = {"eventpoll", 'l'}, [SCAP_FD_INOTIFY] = {"inotify", 'i'},
		[SCAP_FD_TIMERFD] = {"timerfd", 't'}, [SCAP_FD_NETLINK] = {"netlink", 'n'},
		[SCAP_FD_FILE_V2] = {"file", 'f'}, [SCAP_FD_BPF] = {"bpf", 'b'},
		[SCAP_FD_USERFAULTFD] = {"userfaultfd", 'u'}, [SCAP_FD_IOURING] = {"io_uring", 'r'},
		[SCAP_FD_MEMFD] = {"memfd", 'm'}, [SCAP_FD_PIDFD] = {"pidfd", 'P'},
	};
	if (type >= SCAP_FD_TYPE_MAX)
		type = SCAP_FD_UNKNOWN;
	*typechar = names[type].c;
	return names[type].name;
}

const char *sinsp_fd_type_name(uint8_t type)
{
	char c;
	return fd_type_name(type, &c);
}

static bool is_ip(const struct sinsp_fd *f)
{
	return (f->type == SCAP_FD_IPV4_SOCK || f->type == SCAP_FD_IPV6_SOCK) && f->iplen;
}

/* upstream's "address of this machine" test (sinsp_network_interfaces::
 * is_ipv4addr_in_local_machine / is_ipv6addr_in_local_machine): an IPv4
 * address equal to one of the interfaces', an IPv6 one sharing an
 * interface's first 64 bits; IPv6 is never local for a thread in a
 * container. (Upstream also matches an IPv4 container's own address; no
 * container IP is known here, so the host interfaces decide.) */
static bool addr_is_local(const sinsp_t *s, const struct sinsp_thread *t, const uint8_t *ip, uint8_t iplen)
{
	if (iplen == 16 && t && t->p && t->p->container_id[0] && strcmp(t->p->container_id, "host"))
		return false;
	size_t n = s->h ? scap_iface_count(s->h) : 0;
	for (size_t i = 0; i < n; i++) {
		size_t alen = 0;
		const uint8_t *a = scap_iface_addr(scap_iface_at(s->h, i), &alen);
		if (!a || alen != iplen)
			continue;
		if (!memcmp(a, ip, iplen == 4 ? 4 : 8))
			return true;
	}
	return false;
}

/* upstream's fd.directory of a file's name: up to its last '/' (a name
 * ending in '/' is kept whole), "/" when that '/' is the first character or
 * there is none. */
static void out_dirname(filter_out_t *out, const char *name, size_t len)
{
	const char *slash = len ? memrchr(name, '/', len) : NULL;
	if (!slash || slash == name)
		filter_out_str(out, "/", 1);
	else if ((size_t)(slash - name) < len - 1)
		filter_out_str(out, name, (size_t)(slash - name));
	else
		filter_out_str(out, name, len);
}

static int fd_field(sinsp_t *s, const struct sinsp_evt *e, uint32_t id, filter_out_t *out)
{
	const struct sinsp_fd *f = e->fd;
	char tc;

	/* upstream's fd fields have values on events that create, use or
	 * destroy an fd (by the exit's own flags) */
	uint16_t etype = e->evt ? scap_evt_type(e->evt) : 0;
	bool fd_event = e->evt && etype < s->ntypes &&
			(s->tflags[etype] & (SCAP_EF_CREATES_FD | SCAP_EF_USES_FD | SCAP_EF_DESTROYS_FD));
	if (id == FD_NUM) {
		if (e->fdnum >= 0 || (fd_event && e->thread))
			filter_out_i64(out, e->fdnum); /* -1 when none, -100 for AT_FDCWD */
		return 0;
	}
	if (!f) {
		/* an fd event whose fd is not known: the type its syscall makes,
		 * and the name the event gives ("" when none) */
		if (!fd_event || !e->thread)
			return 0;
		if (id == FD_TYPECHAR) {
			/* upstream's sinsp_evt::extract_typechar, by the on-disk id of
			 * the exit event (these versions only: open is 'o' there) */
			char c;
			switch (etype | 1u) {
			case 307: case 327: case 59: c = 'f'; break;   /* openat (v2), openat2, creat */
			case 19: case 247: case 389: c = '4'; break;   /* socket, accept (v5), accept4 (v6) */
			case 61: case 393: c = 'p'; break;             /* pipe, pipe2 */
			case 63: case 397: c = 'e'; break;             /* eventfd, eventfd2 */
			case 127: case 399: c = 's'; break;            /* signalfd, signalfd4 */
			case 137: c = 't'; break;                      /* timerfd_create */
			case 139: case 395: c = 'i'; break;            /* inotify_init, inotify_init1 */
			default: c = 'o'; break;
			}
			filter_out_str(out, &c, 1);
		} else if (id == FD_NAME) {
			filter_out_str(out, e->evt_name ? e->evt_name : "", e->evt_name ? e->evt_name_len : 0);
		} else if (id == FD_DIRECTORY) {
			out_dirname(out, e->evt_name ? e->evt_name : "", e->evt_name ? e->evt_name_len : 0);
		}
		return 0;
	}
	/* upstream's SCAP_FD_IPV*_SERVSOCK: bound to a port, no peer */
	bool listening = f->role == ROLE_SERVER && !f->cport;
	switch (id) {
	case FD_TYPE: out_cstr(out, fd_type_name(f->type, &tc)); break;
	case FD_TYPECHAR: fd_type_name(f->type, &tc); s->scratch[0] = tc; filter_out_str(out, s->scratch, 1); break;
	case FD_NAME:
		if (f->name)
			filter_out_str(out, f->name, f->name_len);
		break;
	case FD_NAMERAW: {
		/* the name as the open-family event gave it, else the stored name */
		if (e->evt && e->thread) {
			const char *name;
			uint32_t len;
			uint16_t type = scap_evt_type(e->evt);
			int i = type < s->ntypes ? s->pidx[type][PN_NAME] : -1;
			const void *d;
			if (i >= 0 && (f->type == SCAP_FD_FILE || f->type == SCAP_FD_DIRECTORY) &&
			    scap_evt_param(e->evt, (uint32_t)i, &d, &len) == SCAP_OK && len) {
				name = d;
				filter_out_str(out, name, strnlen(name, len));
				break;
			}
		}
		if (f->name)
			filter_out_str(out, f->name, f->name_len);
		break;
	}
	case FD_DIRECTORY:
	case FD_FILENAME: {
		if ((f->type != SCAP_FD_FILE && f->type != SCAP_FD_DIRECTORY) || !f->name)
			break;
		if (f->type == SCAP_FD_DIRECTORY) {
			/* upstream: a directory is its own directory, and has no file name */
			if (id == FD_DIRECTORY)
				filter_out_str(out, f->name, f->name_len);
			break;
		}
		if (id == FD_DIRECTORY) {
			out_dirname(out, f->name, f->name_len);
			break;
		}
		/* upstream: after the last '/', the whole name when it ends in '/',
		 * "/" when there is none */
		const char *slash = f->name_len ? memrchr(f->name, '/', f->name_len) : NULL;
		if (!slash)
			filter_out_str(out, "/", 1);
		else if ((size_t)(slash - f->name) < f->name_len - 1)
			filter_out_str(out, slash + 1, f->name_len - (size_t)(slash + 1 - f->name));
		else
			filter_out_str(out, f->name, f->name_len);
		break;
	}
	case FD_INO:
		filter_out_u64(out, f->ino); /* 0 when unknown, as upstream */
		break;
	case FD_IS_UPPER_LAYER:
		filter_out_bool(out, (f->open_flags & PPM_FD_UPPER_LAYER) != 0);
		break;
	case FD_IS_LOWER_LAYER:
		filter_out_bool(out, (f->open_flags & PPM_FD_LOWER_LAYER) != 0);
		break;
	case FD_CONNECTED:
		filter_out_bool(out, f->connected != 0); /* false for files, pipes, ... as upstream */
		break;
	case FD_NAME_CHANGED:
		filter_out_bool(out, e->fd_name_changed);
		break;
	case FD_SIP_NAME: case FD_CIP_NAME: case FD_LIP_NAME: case FD_RIP_NAME:
		break; /* no DNS table: not available */
	case FD_L4PROTO:
		/* upstream: nothing for a socket of no role yet, unless raw */
		if (is_ip(f) && (f->role != ROLE_NONE || f->l4proto == 5)) {
			static const char *const protos[] = {NULL, NULL, "tcp", "udp", "icmp", "raw"};
			if (f->l4proto < 6 && protos[f->l4proto])
				out_cstr(out, protos[f->l4proto]);
		}
		break;
	case FD_SOCKFAMILY:
		if (is_ip(f))
			out_cstr(out, "ip");
		else if (f->type == SCAP_FD_UNIX_SOCK)
			out_cstr(out, "unix");
		break;
	case FD_IS_SERVER:
		/* upstream: a listening socket is; a connected one is when its
		 * server address is one of this machine's; files, pipes, ... are not */
		if (!is_ip(f))
			filter_out_bool(out, false);
		else
			filter_out_bool(out, listening || addr_is_local(s, e->thread, f->sip, f->iplen));
		break;
	default: {
		/* upstream: nothing for a socket of no known role (socket() alone,
		 * the capture's fd table); a listening socket has only its server
		 * end; the local end of a connected one is the client when the
		 * client address is this machine's, else the server */
		if (!is_ip(f) || f->role == ROLE_NONE)
			break;
		bool have_client = !listening;
		const uint8_t *cip = f->cip, *sip = f->sip;
		bool client_local = have_client && addr_is_local(s, e->thread, cip, f->iplen);
		const uint8_t *lip = client_local ? cip : sip, *rip = client_local ? sip : cip;
		uint16_t lport = client_local ? f->cport : f->sport, rport = client_local ? f->sport : f->cport;
		switch (id) {
		case FD_SIP: case FD_SNET: filter_out_ip(out, sip, f->iplen); break;
		case FD_CIP: case FD_CNET: if (have_client) filter_out_ip(out, cip, f->iplen); break;
		case FD_SPORT: filter_out_u64(out, f->sport); break;
		case FD_CPORT: if (have_client) filter_out_u64(out, f->cport); break;
		case FD_LIP: case FD_LNET: if (have_client) filter_out_ip(out, lip, f->iplen); break;
		case FD_RIP: case FD_RNET: if (have_client) filter_out_ip(out, rip, f->iplen); break;
		case FD_LPORT: if (have_client) filter_out_u64(out, lport); break;
		case FD_RPORT: if (have_client) filter_out_u64(out, rport); break;
		case FD_IP: case FD_NET:
			if (have_client)
				filter_out_ip(out, cip, f->iplen);
			filter_out_ip(out, sip, f->iplen);
			break;
		case FD_PORT:
			if (have_client)
				filter_out_u64(out, f->cport);
			filter_out_u64(out, f->sport);
			break;
		default: break;
		}
	}
	}
	return 0;
}

static int extract(void *pctx, uint32_t id, const filter_fieldref_t *ref, const filter_evtctx_t *ev,
		   filter_out_t *out)
{
	sinsp_t *s = pctx;
	const struct sinsp_evt *e = filter_evtctx_user(ev);
	if (!s || !e || e->s != s)
		return 0; /* not a sinsp event of this handle: nothing available */
	if (id >= FD_NUM && id <= FD_IS_LOWER_LAYER)
		return fd_field(s, e, id, out);
	const struct sinsp_thread *t = e->thread;
	if (!t || !t->p)
		return 0;
	const struct sproc *p = t->p;
	const struct sinsp_thread *par;
	size_t n;

	if (t->placeholder) {
		/* a thread the stream never described: upstream's fresh thread
		 * (pid -1, no main thread, empty strings, ids -1) */
		switch (id) {
		case P_PID: filter_out_i64(out, -1); return 0;
		case P_EXEPATH: case P_ARGS: filter_out_str(out, "", 0); return 0;
		case P_CWD: out_cstr(out, "./"); return 0; /* no main thread */
		case T_ISMAIN: filter_out_bool(out, false); return 0;
		case P_PPID: case P_VPID: case P_NAME: case P_EXE: case P_CMDLINE: case P_PNAME: case P_PCMDLINE:
		case P_PEXE: case P_PEXEPATH: case P_ANAME: case P_APID: case P_AEXE: case P_AEXEPATH: case P_DURATION:
		case T_VTID: case U_NAME: case U_HOME: case U_SHELL: case G_NAME:
			return 0;
		case P_SNAME: out_cstr(out, ""); return 0; /* sid -1: no leader */
		case P_ENV: filter_out_str(out, "", 0); return 0;
		default: break; /* the defaults the thread holds (sid -1, uid 4294967295, ...) */
		}
	}
	switch (id) {
	case P_PID: filter_out_i64(out, t->pid); break;
	case P_PPID:
		if ((par = parent_of(s, t)))
			filter_out_i64(out, par->pid); /* <NA> when the parent is not known, as upstream */
		break;
	case P_VPID: if (t->vpid >= 0) filter_out_i64(out, t->vpid); break;
	case P_NAME: out_cstr(out, t->comm); break;
	case P_EXE: out_cstr(out, p->exe); break;
	case P_EXEPATH: out_cstr(out, p->exepath ? p->exepath : ""); break;
	case P_CMDLINE:
		n = sinsp_cmdline(s->scratch, sizeof(s->scratch), t);
		filter_out_str(out, s->scratch, n);
		break;
	case P_ARGS:
		n = join_args(s->scratch, sizeof(s->scratch), 0, p->args ? p->args : "", p->args_len);
		filter_out_str(out, s->scratch, n);
		break;
	case P_CWD: out_cstr(out, p->cwd ? p->cwd : ""); break;
	case P_TTY: filter_out_i64(out, t->tty); break;
	case P_SID: if (t->sid >= -1) filter_out_i64(out, t->sid); break;
	case P_VPGID: if (t->vpgid >= -1) filter_out_i64(out, t->vpgid); break;
	case P_LOGINUID:
	case U_LOGINUID: filter_out_i64(out, t->loginuid == UINT32_MAX ? -1 : (int64_t)t->loginuid); break;
	case P_PNAME: case P_PCMDLINE: case P_PEXE: case P_PEXEPATH:
		par = parent_of(s, t);
		if (!par || !par->p || par->placeholder)
			break;
		if (id == P_PNAME) out_cstr(out, par->comm);
		else if (id == P_PEXE) out_cstr(out, par->p->exe);
		else if (id == P_PEXEPATH) out_cstr(out, par->p->exepath);
		else {
			n = sinsp_cmdline(s->scratch, sizeof(s->scratch), par);
			filter_out_str(out, s->scratch, n);
		}
		break;
	case P_ANAME:
	case P_APID:
	case P_AEXE:
	case P_AEXEPATH: {
		/* the ancestors: [N] one level ([0] the thread itself), or all above it */
		int64_t want = filter_fieldref_argnum(ref);
		const struct sinsp_thread *a = t;
		if (want < 0 && id == P_APID && filter_fieldref_for_output(ref))
			want = 0; /* upstream shows the process's own pid, compares all above */
		for (int64_t level = 0; a && level < 256; level++) {
			if ((want < 0 ? level > 0 : level == want) && !a->placeholder && a->p) {
				if (id == P_APID)
					filter_out_i64(out, a->pid);
				else
					out_cstr(out, id == P_ANAME ? a->comm : id == P_AEXE ? a->p->exe : a->p->exepath);
				if (want >= 0)
					break;
			}
			a = parent_of(s, a);
		}
		break;
	}
	case P_DURATION: {
		uint64_t now = e->evt ? scap_evt_ts(e->evt) : 0;
		if (t->clone_ts && now >= t->clone_ts)
			filter_out_u64(out, now - t->clone_ts);
		break;
	}
	case P_IS_PLACEHOLDER: filter_out_bool(out, t->placeholder); break;
	case P_SNAME: {
		/* upstream: the session leader's name, "" when there is none */
		const struct sinsp_thread *leader = sinsp_group_leader(s, t, 's');
		out_cstr(out, leader ? leader->comm : "");
		break;
	}
	case P_ENV: {
		size_t alen;
		const char *want = filter_fieldref_arg(ref, &alen);
		if (!p->env)
			break;
		if (!want) {
			n = join_args(s->scratch, sizeof(s->scratch), 0, p->env, p->env_len);
			filter_out_str(out, s->scratch, n);
			break;
		}
		for (size_t pos = 0; pos < p->env_len;) {
			const char *item = p->env + pos;
			size_t ilen = strnlen(item, p->env_len - pos);
			if (ilen > alen && item[alen] == '=' && !memcmp(item, want, alen)) {
				filter_out_str(out, item + alen + 1, ilen - alen - 1);
				break;
			}
			pos += ilen + 1;
		}
		break;
	}
	case P_IS_EXE_UPPER_LAYER: filter_out_bool(out, p->exe_upper_layer); break;
	case P_IS_EXE_LOWER_LAYER: filter_out_bool(out, p->exe_lower_layer); break;
	case P_IS_EXE_WRITABLE: filter_out_bool(out, p->exe_writable); break;
	case P_IS_EXE_FROM_MEMFD: filter_out_bool(out, p->exe_from_memfd); break;
	case P_IS_SID_LEADER: filter_out_bool(out, t->sid == t->vpid); break;
	case P_IS_VPGID_LEADER: filter_out_bool(out, t->vpgid == t->vpid); break;
	case P_EXE_INO_CTIME: if (p->exe_ino_ctime) filter_out_u64(out, p->exe_ino_ctime); break;
	case P_EXE_INO_MTIME: if (p->exe_ino_mtime) filter_out_u64(out, p->exe_ino_mtime); break;
	case P_EXE_INO_CTIME_DUR: {
		struct sinsp_thread *leader = NULL;
		int64_t pid = t->pid;
		HASH_FIND(hh, s->threads, &pid, sizeof(pid), leader);
		uint64_t start = leader ? leader->clone_ts : 0;
		if (p->exe_ino_ctime && start >= p->exe_ino_ctime)
			filter_out_u64(out, start - p->exe_ino_ctime);
		break;
	}
	case T_CAP_PERMITTED: case T_CAP_EFFECTIVE: case T_CAP_INHERITABLE: {
		/* upstream: the names of the set's bits, "" when none are known */
		uint64_t set = id == T_CAP_PERMITTED ? t->cap_perm : id == T_CAP_EFFECTIVE ? t->cap_eff : t->cap_inh;
		n = cap_names(s->scratch, sizeof(s->scratch), set);
		filter_out_str(out, s->scratch, n);
		break;
	}
	case T_TID: filter_out_i64(out, t->tid); break;
	case T_VTID: if (t->vtid >= 0) filter_out_i64(out, t->vtid); break;
	case T_ISMAIN: filter_out_bool(out, t->tid == t->pid); break;
	case U_UID: filter_out_u64(out, t->uid); break; /* unknown: 4294967295, as upstream */
	case U_NAME: case U_HOME: case U_SHELL: {
		const struct suser *u = sinsp_lookup_user(s, t, t->uid, false);
		if (u)
			out_cstr(out, id == U_NAME ? u->name : id == U_HOME ? u->home : u->shell);
		break;
	}
	case U_LOGINNAME: {
		const struct suser *u = t->loginuid != UINT32_MAX ? sinsp_find_user(s, t->loginuid) : NULL;
		if (u)
			out_cstr(out, u->name);
		break;
	}
	case G_GID: filter_out_u64(out, t->gid); break;
	case G_NAME: {
		const struct suser *g = sinsp_lookup_user(s, t, t->gid, true);
		if (g)
			out_cstr(out, g->name);
		break;
	}
	default:
		break;
	}
	return 0;
}

SCAP_EXPORT int sinsp_add_fields(sinsp_t *s, filter_registry_t *reg)
{
	struct filter_provider_opts o = FILTER_PROVIDER_OPTS_INIT;
	int prov, rc;

	if (!reg)
		return SCAP_ERR_INVAL;
	o.name = "sinsp";
	o.extract = extract;
	o.ctx = s;
	prov = filter_registry_add_provider(reg, &o);
	if (prov < 0)
		return prov;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		rc = filter_registry_add_field(reg, prov, fields[i].name, fields[i].type, fields[i].flags, fields[i].id,
					       fields[i].desc);
		if (rc < 0)
			return rc;
	}
	if ((rc = sinsp_proc_add_fields(s, reg)) < 0 || (rc = sinsp_fd_add_fields(s, reg)) < 0 ||
	    (rc = sinsp_evt_add_fields(s, reg)) < 0)
		return rc;
	return sinsp_container_add_fields(s, reg);
}

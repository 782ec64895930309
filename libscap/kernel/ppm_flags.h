/* SPDX-License-Identifier: Apache-2.0 */
/* Linux open(2) flags (x86_64 values; macros, so not in BTF) and their
 * conversion to the scap PPM_O_* bits (scap-format.md §10.3). Shared by the
 * bpf probe, the kmod driver (kernel C) and the tests (userspace): plain C,
 * no includes. */
#ifndef SCAP_KERNEL_PPM_FLAGS_H
#define SCAP_KERNEL_PPM_FLAGS_H

#define L_O_ACCMODE 03
#define L_O_WRONLY 01
#define L_O_RDWR 02
#define L_O_CREAT 0100
#define L_O_EXCL 0200
#define L_O_TRUNC 01000
#define L_O_APPEND 02000
#define L_O_NONBLOCK 04000
#define L_O_DSYNC 010000
#define L_O_DIRECT 040000
#define L_O_LARGEFILE 0100000
#define L_O_DIRECTORY 0200000
#define L_O_CLOEXEC 02000000
#define L_O_SYNC 04010000
#define L_O_TMPFILE 020200000
#define L_FMODE_CREATED 0x100000 /* file->f_mode: the open created the file */

#define PPM_O_RDONLY (1u << 0)
#define PPM_O_WRONLY (1u << 1)
#define PPM_O_RDWR (PPM_O_RDONLY | PPM_O_WRONLY)
#define PPM_O_CREAT (1u << 2)
#define PPM_O_APPEND (1u << 3)
#define PPM_O_DSYNC (1u << 4)
#define PPM_O_EXCL (1u << 5)
#define PPM_O_NONBLOCK (1u << 6)
#define PPM_O_SYNC (1u << 7)
#define PPM_O_TRUNC (1u << 8)
#define PPM_O_DIRECT (1u << 9)
#define PPM_O_DIRECTORY (1u << 10)
#define PPM_O_LARGEFILE (1u << 11)
#define PPM_O_CLOEXEC (1u << 12)
#define PPM_O_TMPFILE (1u << 13)
#define PPM_O_F_CREATED (1u << 14)
/* set by the producers in the open family's flags: the new fd's file is on
 * an overlayfs, in its upper layer (written, or copied up) or only in a
 * lower one */
#define PPM_FD_UPPER_LAYER (1u << 15)
#define PPM_FD_LOWER_LAYER (1u << 16)
/* the same two facts in creat's creat_flags (a 16-bit parameter: creat has
 * no flags parameter) */
#define PPM_FD_UPPER_LAYER_CREAT (1u << 0)
#define PPM_FD_LOWER_LAYER_CREAT (1u << 1)

/* Linux open flags -> PPM_O_* (without PPM_O_F_CREATED, known only after
 * the open). */
static inline __attribute__((always_inline)) unsigned int scap_open_flags_to_ppm(unsigned long long f)
{
	unsigned int r = 0;

	switch (f & L_O_ACCMODE) {
	case L_O_WRONLY: r |= PPM_O_WRONLY; break;
	case L_O_RDWR: r |= PPM_O_RDWR; break;
	default: r |= PPM_O_RDONLY; break;
	}
	if (f & L_O_CREAT) r |= PPM_O_CREAT;
	if ((f & L_O_TMPFILE) == L_O_TMPFILE) r |= PPM_O_TMPFILE;
	if (f & L_O_APPEND) r |= PPM_O_APPEND;
	if (f & L_O_DSYNC) r |= PPM_O_DSYNC;
	if (f & L_O_EXCL) r |= PPM_O_EXCL;
	if (f & L_O_NONBLOCK) r |= PPM_O_NONBLOCK;
	if ((f & L_O_SYNC) == L_O_SYNC) r |= PPM_O_SYNC;
	if (f & L_O_TRUNC) r |= PPM_O_TRUNC;
	if (f & L_O_DIRECT) r |= PPM_O_DIRECT;
	if (f & L_O_DIRECTORY) r |= PPM_O_DIRECTORY;
	if (f & L_O_LARGEFILE) r |= PPM_O_LARGEFILE;
	if (f & L_O_CLOEXEC) r |= PPM_O_CLOEXEC;
	return r;
}

/* ---- clone flags (clone/clone3/fork/vfork flags, setns nstype, unshare
 * flags): Linux CLONE_* -> PPM_CL_* (scap-format.md §10.6) ---- */
#define L_CLONE_VM 0x00000100ull
#define L_CLONE_FS 0x00000200ull
#define L_CLONE_FILES 0x00000400ull
#define L_CLONE_SIGHAND 0x00000800ull
#define L_CLONE_PTRACE 0x00002000ull
#define L_CLONE_VFORK 0x00004000ull
#define L_CLONE_PARENT 0x00008000ull
#define L_CLONE_THREAD 0x00010000ull
#define L_CLONE_NEWNS 0x00020000ull
#define L_CLONE_SYSVSEM 0x00040000ull
#define L_CLONE_SETTLS 0x00080000ull
#define L_CLONE_PARENT_SETTID 0x00100000ull
#define L_CLONE_CHILD_CLEARTID 0x00200000ull
#define L_CLONE_UNTRACED 0x00800000ull
#define L_CLONE_CHILD_SETTID 0x01000000ull
#define L_CLONE_NEWCGROUP 0x02000000ull
#define L_CLONE_NEWUTS 0x04000000ull
#define L_CLONE_NEWIPC 0x08000000ull
#define L_CLONE_NEWUSER 0x10000000ull
#define L_CLONE_NEWPID 0x20000000ull
#define L_CLONE_NEWNET 0x40000000ull
#define L_CLONE_IO 0x80000000ull

#define PPM_CL_CLONE_FILES (1u << 0)
#define PPM_CL_CLONE_FS (1u << 1)
#define PPM_CL_CLONE_IO (1u << 2)
#define PPM_CL_CLONE_NEWIPC (1u << 3)
#define PPM_CL_CLONE_NEWNET (1u << 4)
#define PPM_CL_CLONE_NEWNS (1u << 5)
#define PPM_CL_CLONE_NEWPID (1u << 6)
#define PPM_CL_CLONE_NEWUTS (1u << 7)
#define PPM_CL_CLONE_PARENT (1u << 8)
#define PPM_CL_CLONE_PARENT_SETTID (1u << 9)
#define PPM_CL_CLONE_PTRACE (1u << 10)
#define PPM_CL_CLONE_SIGHAND (1u << 11)
#define PPM_CL_CLONE_SYSVSEM (1u << 12)
#define PPM_CL_CLONE_THREAD (1u << 13)
#define PPM_CL_CLONE_UNTRACED (1u << 14)
#define PPM_CL_CLONE_VM (1u << 15)
#define PPM_CL_CLONE_NEWUSER (1u << 20)
#define PPM_CL_CLONE_CHILD_CLEARTID (1u << 23)
#define PPM_CL_CLONE_CHILD_SETTID (1u << 24)
#define PPM_CL_CLONE_SETTLS (1u << 25)
#define PPM_CL_CLONE_STOPPED (1u << 26)
#define PPM_CL_CLONE_VFORK (1u << 27)
#define PPM_CL_CLONE_NEWCGROUP (1u << 28)
#define PPM_CL_CHILD_IN_PIDNS (1u << 29)

#define SCAP_CL_MAP(X) \
	X(FILES) X(FS) X(IO) X(NEWIPC) X(NEWNET) X(NEWNS) X(NEWPID) X(NEWUTS) \
	X(PARENT) X(PARENT_SETTID) X(PTRACE) X(SIGHAND) X(SYSVSEM) X(THREAD) \
	X(UNTRACED) X(VM) X(NEWUSER) X(CHILD_CLEARTID) X(CHILD_SETTID) X(SETTLS) \
	X(VFORK) X(NEWCGROUP)

static inline __attribute__((always_inline)) unsigned int scap_clone_flags_to_ppm(unsigned long long f)
{
	unsigned int r = 0;
#define SCAP_CL_ONE(n) if (f & L_CLONE_##n) r |= PPM_CL_CLONE_##n;
	SCAP_CL_MAP(SCAP_CL_ONE)
#undef SCAP_CL_ONE
	return r;
}

/* ---- socket families: PPM_AF_* equal Linux AF_* for the families scap
 * knows (0..26, 29..39); others -> PPM_AF_UNSPEC ---- */
#define PPM_AF_UNSPEC 0
#define PPM_AF_UNIX 1
#define PPM_AF_INET 2
#define PPM_AF_INET6 10
#define L_AF_UNIX 1
#define L_AF_INET 2
#define L_AF_INET6 10
static inline __attribute__((always_inline)) unsigned char scap_socket_family_to_ppm(unsigned long long fam)
{
	if (fam <= 26 || (fam >= 29 && fam <= 39))
		return (unsigned char)fam;
	return PPM_AF_UNSPEC;
}

/* socket(2) type bits that are also file flags */
#define L_SOCK_NONBLOCK 04000
#define L_SOCK_CLOEXEC 02000000

/* socket(2) `flags` param: the type's SOCK_NONBLOCK/SOCK_CLOEXEC bits */
static inline __attribute__((always_inline)) unsigned int scap_socket_type_to_ppm_flags(unsigned long long type)
{
	unsigned int r = 0;
	if (type & L_SOCK_NONBLOCK) r |= PPM_O_NONBLOCK;
	if (type & L_SOCK_CLOEXEC) r |= PPM_O_CLOEXEC;
	return r;
}

/* ---- devices: the kernel's dev_t (major << 20 | minor) -> the st_dev
 * encoding (new_encode_dev(), as upstream) ---- */
static inline __attribute__((always_inline)) unsigned int scap_encode_dev(unsigned int kdev)
{
	unsigned int ma = kdev >> 20, mi = kdev & ((1u << 20) - 1);
	return (mi & 0xff) | (ma << 8) | ((mi & ~0xffu) << 12);
}

/* ---- procexit: the kernel's task exit_code (wait status) -> ret, sig,
 * core (__WEXITSTATUS, WIFSIGNALED/__WTERMSIG, __WCOREDUMP) ---- */
static inline __attribute__((always_inline)) long long scap_exit_ret(int code)
{
	return (long long)((code & 0xff00) >> 8);
}
static inline __attribute__((always_inline)) unsigned char scap_exit_sig(int code)
{
	if (((signed char)((code & 0x7f) + 1) >> 1) > 0) /* WIFSIGNALED */
		return (unsigned char)(code & 0x7f);
	return 0;
}
static inline __attribute__((always_inline)) unsigned char scap_exit_core(int code)
{
	return (code & 0x80) != 0;
}

/* ---- chmod/fchmod/fchmodat mode (chmod_mode): PPM_S_* equal S_* ---- */
#define SCAP_MODE_MASK 07777u
static inline __attribute__((always_inline)) unsigned int scap_chmod_mode_to_ppm(unsigned long long m)
{
	return (unsigned int)(m & SCAP_MODE_MASK);
}

/* open/openat/openat2/creat `mode`: only meaningful with O_CREAT or
 * O_TMPFILE (upstream open_modes_to_scap; O_TMPFILE includes the
 * O_DIRECTORY bit, so O_DIRECTORY alone keeps the mode too, as upstream) */
static inline __attribute__((always_inline)) unsigned int scap_open_mode_to_ppm(unsigned long long flags,
										   unsigned long long mode)
{
	if ((flags & (L_O_CREAT | L_O_TMPFILE)) == 0)
		return 0;
	return (unsigned int)(mode & SCAP_MODE_MASK);
}

/* ---- mount(2) flags: PPM_MS_* equal MS_*; the old magic 0xC0ED in the
 * top 16 bits is dropped as upstream does ---- */
#define PPM_MS_MGC_MSK 0xffff0000u
#define PPM_MS_MGC_VAL 0xC0ED0000u
static inline __attribute__((always_inline)) unsigned int scap_mount_flags_to_ppm(unsigned long long f)
{
	unsigned int r = (unsigned int)f;
	if ((r & PPM_MS_MGC_MSK) == PPM_MS_MGC_VAL)
		r &= ~PPM_MS_MGC_MSK;
	return r;
}

/* umount2 flags: MNT_FORCE 1, MNT_DETACH 2, MNT_EXPIRE 4, UMOUNT_NOFOLLOW 8
 * (PPM_MNT_* are the same bits) */
static inline __attribute__((always_inline)) unsigned int scap_umount_flags_to_ppm(unsigned long long f)
{
	return (unsigned int)(f & 0xf);
}

/* renameat2: RENAME_NOREPLACE 1, EXCHANGE 2, WHITEOUT 4 (same PPM bits) */
static inline __attribute__((always_inline)) unsigned int scap_renameat2_flags_to_ppm(unsigned long long f)
{
	return (unsigned int)(f & 7);
}

/* unlinkat: AT_REMOVEDIR 0x200 -> PPM_AT_REMOVEDIR 0x200 */
#define L_AT_REMOVEDIR 0x200
#define L_AT_SYMLINK_FOLLOW 0x400
#define L_AT_EMPTY_PATH 0x1000
static inline __attribute__((always_inline)) unsigned int scap_unlinkat_flags_to_ppm(unsigned long long f)
{
	return (f & L_AT_REMOVEDIR) ? 0x200u : 0u;
}

/* linkat: AT_SYMLINK_FOLLOW 0x400, AT_EMPTY_PATH 0x1000 (same PPM bits) */
static inline __attribute__((always_inline)) unsigned int scap_linkat_flags_to_ppm(unsigned long long f)
{
	return (unsigned int)(f & (L_AT_SYMLINK_FOLLOW | L_AT_EMPTY_PATH));
}

/* openat2 resolve: RESOLVE_NO_XDEV 1, NO_MAGICLINKS 2, NO_SYMLINKS 4,
 * BENEATH 8, IN_ROOT 0x10, CACHED 0x20 -> PPM_RESOLVE_* (other order) */
static inline __attribute__((always_inline)) unsigned int scap_openat2_resolve_to_ppm(unsigned long long f)
{
	unsigned int r = 0;
	if (f & 0x01) r |= 16; /* NO_XDEV */
	if (f & 0x02) r |= 4;  /* NO_MAGICLINKS */
	if (f & 0x04) r |= 8;  /* NO_SYMLINKS */
	if (f & 0x08) r |= 1;  /* BENEATH */
	if (f & 0x10) r |= 2;  /* IN_ROOT */
	if (f & 0x20) r |= 32; /* CACHED */
	return r;
}

/* ---- fcntl commands (fcntl_commands, enum) ---- */
#define PPM_FCNTL_F_SETFL 5
static inline __attribute__((always_inline)) unsigned char scap_fcntl_cmd_to_ppm(unsigned long long c)
{
	switch (c) {
	case 0: return 1;     /* F_DUPFD */
	case 1: return 2;     /* F_GETFD */
	case 2: return 3;     /* F_SETFD */
	case 3: return 4;     /* F_GETFL */
	case 4: return 5;     /* F_SETFL */
	case 5: return 6;     /* F_GETLK */
	case 6: return 8;     /* F_SETLK */
	case 7: return 9;     /* F_SETLKW */
	case 8: return 10;    /* F_SETOWN */
	case 9: return 12;    /* F_GETOWN */
	case 10: return 13;   /* F_SETSIG */
	case 11: return 15;   /* F_GETSIG */
	case 15: return 21;   /* F_SETOWN_EX */
	case 16: return 22;   /* F_GETOWN_EX */
	case 36: return 30;   /* F_OFD_GETLK */
	case 37: return 31;   /* F_OFD_SETLK */
	case 38: return 32;   /* F_OFD_SETLKW */
	case 1024: return 23; /* F_SETLEASE */
	case 1025: return 24; /* F_GETLEASE */
	case 1026: return 27; /* F_NOTIFY */
	case 1029: return 25; /* F_CANCELLK */
	case 1030: return 26; /* F_DUPFD_CLOEXEC */
	case 1031: return 28; /* F_SETPIPE_SZ */
	case 1032: return 29; /* F_GETPIPE_SZ */
	case 0x7fffffff: return 0; /* keep clang from building a jump table */
	default: return 0;    /* UNKNOWN */
	}
}

/* ---- ptrace requests (ptrace_requests, enum) ---- */
#define PPM_PTRACE_TRACEME 1
#define PPM_PTRACE_PEEKTEXT 2
#define PPM_PTRACE_PEEKDATA 3
#define PPM_PTRACE_PEEKUSR 4
#define PPM_PTRACE_POKETEXT 5
#define PPM_PTRACE_POKEDATA 6
#define PPM_PTRACE_POKEUSR 7
#define PPM_PTRACE_CONT 8
#define PPM_PTRACE_SINGLESTEP 10
#define PPM_PTRACE_ATTACH 11
#define PPM_PTRACE_DETACH 12
#define PPM_PTRACE_SYSCALL 13
#define PPM_PTRACE_IDX_UINT64 0
#define PPM_PTRACE_IDX_SIGTYPE 1
static inline __attribute__((always_inline)) unsigned short scap_ptrace_req_to_ppm(unsigned long long r)
{
	switch (r) {
	case 0: return 1;       /* TRACEME */
	case 1: return 2;       /* PEEKTEXT */
	case 2: return 3;       /* PEEKDATA */
	case 3: return 4;       /* PEEKUSR */
	case 4: return 5;       /* POKETEXT */
	case 5: return 6;       /* POKEDATA */
	case 6: return 7;       /* POKEUSR */
	case 7: return 8;       /* CONT */
	case 8: return 9;       /* KILL */
	case 9: return 10;      /* SINGLESTEP */
	case 12: return 26;     /* GETREGS */
	case 13: return 27;     /* SETREGS */
	case 14: return 28;     /* GETFPREGS */
	case 15: return 29;     /* SETFPREGS */
	case 16: return 11;     /* ATTACH */
	case 17: return 12;     /* DETACH */
	case 18: return 30;     /* GETFPXREGS */
	case 19: return 31;     /* SETFPXREGS */
	case 21: return 32;     /* OLDSETOPTIONS */
	case 24: return 13;     /* SYSCALL */
	case 25: return 33;     /* GET_THREAD_AREA */
	case 26: return 34;     /* SET_THREAD_AREA */
	case 30: return 35;     /* ARCH_PRCTL */
	case 31: return 36;     /* SYSEMU */
	case 32: return 37;     /* SYSEMU_SINGLESTEP */
	case 33: return 38;     /* SINGLEBLOCK */
	case 0x4200: return 14; /* SETOPTIONS */
	case 0x4201: return 15; /* GETEVENTMSG */
	case 0x4202: return 16; /* GETSIGINFO */
	case 0x4203: return 17; /* SETSIGINFO */
	case 0x4204: return 18; /* GETREGSET */
	case 0x4205: return 19; /* SETREGSET */
	case 0x4206: return 20; /* SEIZE */
	case 0x4207: return 21; /* INTERRUPT */
	case 0x4208: return 22; /* LISTEN */
	case 0x4209: return 23; /* PEEKSIGINFO */
	case 0x420a: return 24; /* GETSIGMASK */
	case 0x420b: return 25; /* SETSIGMASK */
	case 0x7fffffff: return 0;
	default: return 0;      /* UNKNOWN */
	}
}

/* ---- capabilities: PPM_CAP_x == 1 << CAP_x for every capability up to
 * CAP_CHECKPOINT_RESTORE (40); unknown bits are dropped ---- */
#define SCAP_CAP_KNOWN ((1ull << 41) - 1)
static inline __attribute__((always_inline)) unsigned long long scap_caps_to_ppm(unsigned long long c)
{
	return c & SCAP_CAP_KNOWN;
}

/* execve flags (execve_flags) */
#define PPM_EXE_WRITABLE (1u << 0)
#define PPM_EXE_UPPER_LAYER (1u << 1)
#define PPM_EXE_FROM_MEMFD (1u << 2)
#define PPM_EXE_LOWER_LAYER (1u << 3)

/* ---- overlayfs layers (the exe and the open family's flags above) ----
 * A file is on an overlayfs when its dentry's super block has this magic
 * (OVERLAYFS_SUPER_MAGIC, linux/magic.h). overlayfs embeds the VFS inode in
 * its private struct ovl_inode, immediately followed by the upper dentry
 * pointer (__upperdentry: unchanged from 4.13 to at least 6.18); the file is
 * in the upper layer when that dentry exists and has an inode with a
 * non-zero number, in a lower layer otherwise (upstream's decision). */
#define SCAP_OVERLAYFS_SUPER_MAGIC 0x794c7630ul
enum scap_overlay_layer {
	SCAP_OVERLAY_NONE = 0,  /* not on an overlayfs */
	SCAP_OVERLAY_UPPER = 1,
	SCAP_OVERLAY_LOWER = 2,
};
/* the layer -> execve's flags, the open family's flags, creat's creat_flags */
static inline __attribute__((always_inline)) unsigned int scap_exe_layer_flags(enum scap_overlay_layer l)
{
	return l == SCAP_OVERLAY_UPPER ? PPM_EXE_UPPER_LAYER : l == SCAP_OVERLAY_LOWER ? PPM_EXE_LOWER_LAYER : 0;
}
static inline __attribute__((always_inline)) unsigned int scap_fd_layer_flags(enum scap_overlay_layer l)
{
	return l == SCAP_OVERLAY_UPPER ? PPM_FD_UPPER_LAYER : l == SCAP_OVERLAY_LOWER ? PPM_FD_LOWER_LAYER : 0;
}
static inline __attribute__((always_inline)) unsigned short scap_creat_layer_flags(enum scap_overlay_layer l)
{
	return l == SCAP_OVERLAY_UPPER ? PPM_FD_UPPER_LAYER_CREAT
	       : l == SCAP_OVERLAY_LOWER ? PPM_FD_LOWER_LAYER_CREAT : 0;
}

#endif

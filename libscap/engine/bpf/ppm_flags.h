/* SPDX-License-Identifier: Apache-2.0 */
/* Linux open(2) flags (x86_64 values; macros, so not in BTF) and their
 * conversion to the scap PPM_O_* bits (scap-format.md §10.3). Shared by the
 * probe (BPF) and the tests (userspace): plain C, no includes. */
#ifndef SCAP_BPF_PPM_FLAGS_H
#define SCAP_BPF_PPM_FLAGS_H

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

#endif

/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * scapkit: the overlayfs layer of a file, for execve's flags and the open
 * family's (ppm_flags.h's scap_*_layer_flags() turn it into them). The
 * rule is ppm_flags.h's, the same as the bpf probe's file_overlay_layer()
 * (libscap/engine/bpf/probe_overlay.h): on an overlayfs (the dentry's super
 * block has its magic), the file is in the upper layer when the upper
 * dentry has an inode with a non-zero number, in a lower layer otherwise.
 * struct ovl_inode is private to overlayfs: its VFS inode is followed by
 * the upper dentry pointer, set once (at creation or copy-up) and held
 * until the inode is evicted, which the caller's reference on the file
 * prevents. Included by sk_fill.c only.
 */
#ifndef SK_OVERLAY_H
#define SK_OVERLAY_H

#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/magic.h>

#include "ppm_flags.h"

static inline enum scap_overlay_layer sk_overlay_layer(struct file *f)
{
	struct dentry *d = f ? f->f_path.dentry : NULL;
	struct dentry *upper;
	struct inode *vi, *ui;

	BUILD_BUG_ON(SCAP_OVERLAYFS_SUPER_MAGIC != OVERLAYFS_SUPER_MAGIC);
	if (!d || !d->d_sb || d->d_sb->s_magic != SCAP_OVERLAYFS_SUPER_MAGIC)
		return SCAP_OVERLAY_NONE;
	vi = READ_ONCE(d->d_inode);
	if (!vi)
		return SCAP_OVERLAY_LOWER;
	upper = READ_ONCE(*(struct dentry **)((char *)vi + sizeof(struct inode)));
	if (!upper)
		return SCAP_OVERLAY_LOWER;
	ui = READ_ONCE(upper->d_inode);
	return ui && ui->i_ino ? SCAP_OVERLAY_UPPER : SCAP_OVERLAY_LOWER;
}

#endif

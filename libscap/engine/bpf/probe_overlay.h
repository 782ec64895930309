/* SPDX-License-Identifier: GPL-2.0 */
/* The probe's overlayfs layer detection (included by probe.bpf.c after the
 * CO-RE headers): which layer of an overlayfs a file lives in, for
 * execve's flags and the open family's (ppm_flags.h's scap_*_layer_flags()
 * turn the layer into them). The rule is ppm_flags.h's, as the kmod
 * driver's: a file whose dentry's super block has the overlayfs magic is in
 * the upper layer when the pointer that follows the VFS inode inside
 * struct ovl_inode (its upper dentry) names a dentry with an inode whose
 * number is not 0; in a lower layer otherwise.
 *
 * struct ovl_inode is private to overlayfs (not in vmlinux BTF when
 * overlayfs is a module, as on Debian): the upper dentry is found at
 * sizeof(struct inode) past the VFS inode, that size relocated against the
 * running kernel's BTF (bpf_core_type_size), so one object serves 6.1 and
 * 6.18 alike. Nothing is guarded by a field-existence check here: every
 * relocation is valid on every kernel. */
#ifndef SCAP_BPF_PROBE_OVERLAY_H
#define SCAP_BPF_PROBE_OVERLAY_H

static __always_inline enum scap_overlay_layer file_overlay_layer(struct file *f)
{
	if (!f)
		return SCAP_OVERLAY_NONE;
	struct dentry *d = BPF_CORE_READ(f, f_path.dentry);
	if (!d || BPF_CORE_READ(d, d_sb, s_magic) != SCAP_OVERLAYFS_SUPER_MAGIC)
		return SCAP_OVERLAY_NONE;
	char *vfs_inode = (char *)BPF_CORE_READ(d, d_inode);
	struct dentry *upper = NULL;
	if (vfs_inode)
		bpf_probe_read_kernel(&upper, sizeof(upper), vfs_inode + bpf_core_type_size(struct inode));
	if (upper && BPF_CORE_READ(upper, d_inode, i_ino) != 0)
		return SCAP_OVERLAY_UPPER;
	return SCAP_OVERLAY_LOWER;
}

#endif

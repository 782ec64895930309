/* SPDX-License-Identifier: Apache-2.0 */
/* The static registry: every engine is listed here, once. */
#include <string.h>

#include "scap_int.h"

extern const struct scap_engine_ops scap_savefile_engine;
extern const struct scap_engine_ops scap_kmod_engine;
#ifdef SCAP_HAVE_BPF
extern const struct scap_engine_ops scap_bpf_engine;
#else
/* Built without the BPF toolchain: "bpf" is known, and says why it is
 * missing. */
static int bpf_absent_open(scap_t *h, const struct scap_open_opts *opts)
{
	(void)opts;
	return scap_seterr(h, SCAP_ERR_NOTSUP,
			   "bpf engine: not built into this library (needs x86_64, clang, llvm-strip, bpftool and "
			   "libbpf >= 1.0 at build time; meson option -Dbpf)");
}

static int bpf_absent_next(scap_t *h)
{
	(void)h;
	return SCAP_ERR_NOTSUP;
}

static void bpf_absent_close(scap_t *h)
{
	(void)h;
}

static const struct scap_engine_ops scap_bpf_engine = {
	.version = SCAP_ENGINE_OPS_VERSION,
	.name = "bpf",
	.open = bpf_absent_open,
	.next = bpf_absent_next,
	.close = bpf_absent_close,
};
#endif

static const struct scap_engine_ops *const engines[] = {
	&scap_savefile_engine,
	&scap_bpf_engine,
	&scap_kmod_engine,
};

const struct scap_engine_ops *scap_engine_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(engines) / sizeof(engines[0]); i++)
		if (strcmp(engines[i]->name, name) == 0)
			return engines[i];
	return NULL;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* The static engine registry: every engine is listed here, once. */
#include <string.h>

#include "scap_int.h"

extern const struct scap_engine_ops scap_savefile_engine;

static const struct scap_engine_ops *const engines[] = {
	&scap_savefile_engine,
};

const struct scap_engine_ops *scap_engine_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(engines) / sizeof(engines[0]); i++)
		if (strcmp(engines[i]->name, name) == 0)
			return engines[i];
	return NULL;
}

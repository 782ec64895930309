/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runtime_api_none.c - the runtimes' APIs in a libsinsp built without
 * libcurl (meson -Dcontainer_api=disabled, or libcurl not found; and the
 * statically linked programs of the qemu guest test): the API source is
 * unavailable, with a message that says why. The runtimes' files
 * (runtime_disk.c) still work.
 */
#include <stdio.h>
#include <stdlib.h>

#include "runtime.h"

int sinsp_runtime_api_lookup(const struct sinsp_runtime_cfg *cfg, const char *full_id, uint32_t type, char **json,
			     size_t *len, char *why, size_t whylen)
{
	(void)cfg;
	(void)full_id;
	(void)type;
	if (json)
		*json = NULL;
	if (len)
		*len = 0;
	if (why && whylen)
		snprintf(why, whylen, "this libsinsp was built without libcurl: no runtime API lookups");
	return SINSP_RT_UNAVAILABLE;
}

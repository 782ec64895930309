/* SPDX-License-Identifier: Apache-2.0 */
#include "filter.h"

SCAP_EXPORT const char *filter_version(void)
{
	return FILTER_VERSION;
}

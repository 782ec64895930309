/* SPDX-License-Identifier: Apache-2.0 */
#include "sinsp.h"

SCAP_EXPORT const char *sinsp_version(void)
{
	return SINSP_VERSION;
}

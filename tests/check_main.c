/* SPDX-License-Identifier: Apache-2.0 */
/* Runs every Check suite; prints Check's summary. */
#include <stdlib.h>

#include "test_util.h"

Suite *bpf_sys_suite(void); /* tests/test_bpf_sys.c */
Suite *kmod_suite(void);    /* tests/test_kmod.c */
Suite *runtime_suite(void); /* tests/test_runtime.c */
Suite *overlay_suite(void); /* tests/test_overlay.c */
Suite *ctrmgr_suite(void);  /* tests/test_ctrmgr.c */
Suite *fields_golden_suite(void); /* tests/test_fields_golden.c */
Suite *rules_parity_suite(void); /* tests/test_rules_parity.c */

int main(void)
{
	SRunner *sr = srunner_create(schema_suite());
	int failed;

	srunner_add_suite(sr, savefile_suite());
	srunner_add_suite(sr, corpus_suite());
	srunner_add_suite(sr, badinput_suite());
	srunner_add_suite(sr, format_suite());
	srunner_add_suite(sr, filter_suite());
	srunner_add_suite(sr, evt_fields_suite());
	srunner_add_suite(sr, regress_suite());
	srunner_add_suite(sr, output_suite());
	srunner_add_suite(sr, sinsp_suite());
	srunner_add_suite(sr, container_suite());
	srunner_add_suite(sr, runtime_suite());
	srunner_add_suite(sr, ctrmgr_suite());
	srunner_add_suite(sr, rules_suite());
	srunner_add_suite(sr, dump_suite());
	srunner_add_suite(sr, bpf_suite());
	srunner_add_suite(sr, bpf_sys_suite());
	srunner_add_suite(sr, kmod_suite());
	srunner_add_suite(sr, overlay_suite());
	srunner_add_suite(sr, scenarios_suite());
	srunner_add_suite(sr, default_rules_suite());
	srunner_add_suite(sr, rules_parity_suite());
	srunner_add_suite(sr, fields_golden_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

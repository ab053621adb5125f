/* SPDX-License-Identifier: BSD-3-Clause */
/* test_version.c: the version macros, lsc_version() and configure's version agree. */
#include <config.h>

#include <stdio.h>

#include "unit.h"

#include <layerscope/version.h>

static void test_runtime_is_package(void **state)
{
	(void)state;
	assert_string_equal(lsc_version(), PACKAGE_VERSION);
	assert_string_equal(lsc_version(), LSC_VERSION_STRING);
}

/* MAJOR.MINOR.PATCH printed back gives the version string; LSC_VERSION orders them. */
static void test_macros_spell_the_version(void **state)
{
	char buf[64];
	(void)state;
	snprintf(buf, sizeof buf, "%d.%d.%d", LSC_VERSION_MAJOR, LSC_VERSION_MINOR, LSC_VERSION_PATCH);
	assert_string_equal(buf, PACKAGE_VERSION);
	assert_true(LSC_VERSION == LSC_VERSION_AT(LSC_VERSION_MAJOR, LSC_VERSION_MINOR, LSC_VERSION_PATCH));
	assert_true(LSC_VERSION_AT(0, 9, 99) < LSC_VERSION_AT(1, 0, 0));
	assert_true(LSC_VERSION_AT(1, 2, 3) < LSC_VERSION_AT(1, 3, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runtime_is_package),
		cmocka_unit_test(test_macros_spell_the_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

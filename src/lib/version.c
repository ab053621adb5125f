/* SPDX-License-Identifier: BSD-3-Clause */
/* version.c: the library's version at run time. */
#include <config.h>

#include <layerscope/version.h>

const char *lsc_version(void)
{
	return PACKAGE_VERSION;
}

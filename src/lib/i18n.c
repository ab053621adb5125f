/* SPDX-License-Identifier: BSD-3-Clause */
/* i18n.c: the user's locale for what a person reads; the C locale for what a program reads. */
#include <config.h>

#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

static bool text_utf8;
static char decimal_point[8] = ".";

void lsc_i18n_init(void)
{
	if (setlocale(LC_ALL, "") == NULL)
		setlocale(LC_ALL, "C");
	text_utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	/* The user's separator is kept for lsc_decimal_point(); printf keeps '.'. */
	const char *dp = nl_langinfo(RADIXCHAR);
	if (dp != NULL && dp[0] != '\0' && strlen(dp) < sizeof decimal_point)
		strcpy(decimal_point, dp);
	setlocale(LC_NUMERIC, "C");
#ifdef ENABLE_NLS
	/* Tests point at the catalogues of the build tree; a program with raised
	 * privileges (setuid, file capabilities) ignores it, as it must any
	 * catalogue a user could plant: a message is a printf format. */
	const char *dir = secure_getenv("LAYERSCOPE_LOCALEDIR");
	bindtextdomain(PACKAGE, dir != NULL && dir[0] != '\0' ? dir : LOCALEDIR);
#endif
}

bool lsc_text_utf8(void)
{
	return text_utf8;
}

const char *lsc_decimal_point(void)
{
	return decimal_point;
}

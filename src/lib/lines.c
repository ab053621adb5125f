/* SPDX-License-Identifier: BSD-3-Clause */
/* lines.c: allocations on cache lines of their own. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "lines.h"

void *lsc_calloc_lines(size_t size)
{
	/* Whole lines: the next allocation starts on a line of its own too. */
	size_t whole = (size + LSC_CACHE_LINE - 1) / LSC_CACHE_LINE * LSC_CACHE_LINE;
	if (whole < size)
		return NULL; /* overflowed */
	void *p = aligned_alloc(LSC_CACHE_LINE, whole == 0 ? LSC_CACHE_LINE : whole);
	if (p != NULL)
		memset(p, 0, whole);
	return p;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* render.c: the table of output formats. */
#include <config.h>

#include <string.h>

#include "render-int.h"

static const struct lsc_renderer *const renderers[] = {
	&lsc_render_line,
	&lsc_render_tree,
	&lsc_render_hex,
	&lsc_render_stack,
	&lsc_render_json,
	&lsc_render_ladder, &lsc_render_follow, &lsc_render_none,
};

const struct lsc_renderer *lsc_renderer_find(const char *name)
{
	for (size_t i = 0; i < sizeof renderers / sizeof renderers[0]; i++)
		if (strcmp(renderers[i]->name, name) == 0)
			return renderers[i];
	return NULL;
}

const struct lsc_renderer *lsc_renderer_at(size_t i)
{
	return i < sizeof renderers / sizeof renderers[0] ? renderers[i] : NULL;
}

const char *lsc_renderer_names(void)
{
	static char names[128];
	if (names[0] == '\0') {
		for (size_t i = 0; lsc_renderer_at(i) != NULL; i++) {
			if (i)
				strncat(names, ", ", sizeof names - strlen(names) - 1);
			strncat(names, lsc_renderer_at(i)->name, sizeof names - strlen(names) - 1);
		}
	}
	return names;
}

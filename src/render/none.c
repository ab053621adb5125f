/* SPDX-License-Identifier: BSD-3-Clause */
/* none.c: the format that writes no frames: decode and track only (with --stats, the table alone). */
#include <config.h>

#include <stdlib.h>

#include "render-int.h"

/* A non-NULL state the pipeline can tell from an allocation failure. */
static char none_state;

static void *none_begin(FILE *out, const struct lsc_render_opts *o)
{
	(void)out;
	(void)o;
	return &none_state;
}

static void none_frame(void *state, const struct lsc_frame *f)
{
	(void)state;
	(void)f;
}

static int none_end(void *state)
{
	(void)state;
	return 0;
}

const struct lsc_renderer lsc_render_none = {
	"none", "no frames: only what --stats prints (and a way to time decoding)",
	none_begin, none_frame, none_end, true, false,
};

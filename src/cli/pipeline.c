/* SPDX-License-Identifier: BSD-3-Clause */
/* pipeline.c: read and live: the library's read loop (src/pipeline) with the command's tracker, renderer, pace, step and messages. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include <layerscope/flow.h>
#include <layerscope/pipeline.h>
#include <layerscope/source.h>

#include "cli.h"

int lsc_show_frames(struct lsc_source *src, const struct lsc_pipeline_opts *o)
{
	char err[LSC_ERRBUF_SIZE];
	struct lsc_flow_tracker *flows = NULL;
	struct lsc_stats *stats = NULL;
	FILE *under = o->step != NULL ? lsc_step_stream(o->step) : o->out;
	/*
	 * Text for people is ASCII on a terminal that is not UTF-8; JSON is the
	 * same bytes everywhere.  A renderer that folds its own text needs no
	 * folding stream, unless the conversation table follows it.
	 */
	bool as_is = strcmp(o->renderer->name, "json") == 0 || (o->renderer->folds_itself && !o->stats);
	FILE *out = as_is ? under : lsc_ascii_stream(under);
	if (o->track && ((flows = lsc_flow_new(o->max_flows)) == NULL ||
	                 (o->stats && (stats = lsc_stats_new(flows, 0)) == NULL))) {
		lsc_flow_free(flows);
		return lsc_fail(LSC_EXIT_FAILURE, o->cmd, _("out of memory for the conversation table "
		                "(try a smaller --max-flows)"));
	}
	if (stats != NULL)
		lsc_stats_teach(stats, o->ropts.explain, o->ropts.width);
	void *st = o->renderer->begin(out, &o->ropts);
	if (st == NULL) {
		lsc_stats_free(stats);
		lsc_flow_free(flows);
		return lsc_fail(LSC_EXIT_FAILURE, o->cmd, _("out of memory starting the %s output"), o->renderer->name);
	}
	struct lsc_pace pace;
	lsc_pace_init(&pace, o->speed);
	struct lsc_pipeline p = {
		.src = src,
		.annotate = o->annotate,
		.annotate_ctx = o->annotate_ctx,
		.flows = flows,
		.pace = o->speed > 0 ? lsc_pace_frame : NULL,
		.pace_ctx = &pace,
		.renderer = o->renderer,
		.render_state = st,
		.out = out,
		.flush_each = o->flush_each || o->speed > 0,
		.step = o->step != NULL ? lsc_step_frame : NULL,
		.step_ctx = o->step,
		.count = o->count,
		.observe = o->observe,
		.observe_ctx = o->observe_ctx,
	};
	int rc = lsc_pipeline_run(&p, NULL, err);
	int status = LSC_EXIT_OK;
	if (o->renderer->end(st) != 0)
		status = LSC_EXIT_FAILURE;
	if (rc == 0 && stats != NULL && !ferror(out)) {
		if (!o->renderer->shows_nothing) /* the table after frames shown: a blank line between */
			fputc('\n', out);
		if (lsc_stats_write(stats, out) != 0)
			status = lsc_fail(LSC_EXIT_FAILURE, o->cmd, _("out of memory sorting the conversation table"));
	}
	lsc_stats_free(stats);
	lsc_flow_free(flows);
	if (out != under && fclose(out) != 0)
		status = LSC_EXIT_FAILURE;
	if (o->step != NULL)
		lsc_step_finish(o->step); /* what the last step left: the table, a renderer's end */
	if (rc < 0) {
		fflush(o->out);
		return lsc_fail(LSC_EXIT_FAILURE, o->cmd, _("%s (the frames before it were shown)"), err);
	}
	return lsc_output_done(o->out, o->cmd, status);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* pipeline.c: the read loop shared by read, live and the demo, one frame at a time on one thread; and --speed's pace. */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <layerscope/decode.h>
#include <layerscope/flow.h>
#include <layerscope/pipeline.h>
#include "../lib/i18n.h"

int lsc_pipeline_next(const struct lsc_pipeline *p, struct lsc_frame *f, char *err)
{
	int rc = p->next != NULL ? p->next(p->next_ctx, f, err) : lsc_source_next(p->src, f, err);
	if (rc <= 0)
		return rc;
	lsc_decode_frame(f);
	if (p->annotate != NULL)
		p->annotate(p->annotate_ctx, f);
	if (p->flows != NULL)
		lsc_flow_track(p->flows, f);
	if (p->observe != NULL)
		p->observe(p->observe_ctx, f);
	return 1;
}

int lsc_pipeline_run(const struct lsc_pipeline *p, unsigned long long *shown, char *err)
{
	/* Large (some 20 KiB): one a run, reused for every frame. */
	struct lsc_frame *f = calloc(1, sizeof *f);
	unsigned long long n = 0;
	int rc = 0;
	if (f == NULL) {
		snprintf(err, LSC_ERRBUF_SIZE, _("out of memory for a frame"));
		rc = -1;
	}
	while (rc == 0 && (p->count == 0 || n < p->count)) {
		int got = lsc_pipeline_next(p, f, err);
		if (got <= 0) {
			rc = got;
			break;
		}
		if (p->pace != NULL)
			p->pace(p->pace_ctx, f);
		p->renderer->frame(p->render_state, f);
		n++;
		if (p->flush_each)
			fflush(p->out);
		if (ferror(p->out))
			break; /* nothing more is worth reading */
		if (p->step != NULL && p->step(p->step_ctx, f) == LSC_PIPELINE_STOP)
			break;
	}
	free(f);
	if (shown != NULL)
		*shown = n;
	return rc;
}

/* ---- --speed ---------------------------------------------------------------- */

static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void lsc_pace_init(struct lsc_pace *pc, double factor)
{
	memset(pc, 0, sizeof *pc);
	pc->factor = factor;
}

void lsc_pace_until(struct lsc_pace *pc, int64_t ns)
{
	if (pc->factor <= 0)
		return;
	if (!pc->started) {
		pc->started = true;
		pc->first_ns = ns;
		pc->start_ns = mono_ns();
		return;
	}
	if (ns <= pc->first_ns)
		return;
	/* A gap of hours at a slow factor stays within int64_t: 2^63 ns is 292 years. */
	double wait = (double)(ns - pc->first_ns) / pc->factor;
	if (wait > 9e18)
		wait = 9e18;
	int64_t due = pc->start_ns + (int64_t)wait;
	struct timespec ts = { due / 1000000000, due % 1000000000 };
	/* Absolute, so that a signal that interrupts the sleep does not stretch it. */
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

void lsc_pace_frame(void *ctx, const struct lsc_frame *f)
{
	lsc_pace_until(ctx, f->ts_sec * 1000000000LL + f->ts_nsec);
}

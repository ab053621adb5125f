/* SPDX-License-Identifier: BSD-3-Clause */
/* show.c: the demo's output: the timeline as it happens, then a ladder per conversation and the table. */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <layerscope/decode.h>
#include <layerscope/flow.h>
#include <layerscope/frame.h>
#include <layerscope/pipeline.h>
#include <layerscope/render.h>

#include "demo-int.h"

struct demo_show {
	FILE *out;
	struct lsc_timeline *tl;
	struct lsc_flow_tracker *flows;
	struct lsc_stats *stats;
	const struct lsc_renderer *ladder;
	void *ladder_st;
	FILE *ladder_out;     /* the ladders wait here until the timeline is done */
	char *ladder_buf;
	size_t ladder_len;
	FILE *calls_out;      /* -w FILE: FILE.calls, or NULL */
	struct lsc_calls calls; /* the calls shown so far: the frames they caused are observed */
	long long frames;
};

struct demo_show *demo_show_new(const struct lsc_demo_opts *o, char *err)
{
	FILE *out = o->out;
	bool color = o->color;
	struct demo_show *s = calloc(1, sizeof *s);
	struct lsc_render_opts ro;
	if (s == NULL)
		goto oom;
	s->out = out;
	s->tl = lsc_timeline_new(out, color, o->utc);
	s->flows = lsc_flow_new(0);
	s->stats = s->flows != NULL ? lsc_stats_new(s->flows, 0) : NULL;
	s->ladder = lsc_renderer_find("ladder");
	s->ladder_out = open_memstream(&s->ladder_buf, &s->ladder_len);
	if (s->tl == NULL || s->stats == NULL || s->ladder == NULL || s->ladder_out == NULL)
		goto oom;
	lsc_timeline_teach(s->tl, o->explain, o->width);
	lsc_stats_teach(s->stats, o->explain, o->width);
	memset(&ro, 0, sizeof ro);
	ro.color = color;
	ro.width = o->width;
	s->ladder_st = s->ladder->begin(s->ladder_out, &ro);
	if (s->ladder_st == NULL)
		goto oom;
	return s;
oom:
	snprintf(err, LSC_ERRBUF_SIZE, _("out of memory setting up the demo's output"));
	demo_show_free(s);
	return NULL;
}

FILE *demo_calls_open(const char *write, char *err)
{
	char path[4096];
	snprintf(path, sizeof path, "%s.calls", write);
	FILE *fp = fopen(path, "we");
	if (fp == NULL)
		snprintf(err, LSC_ERRBUF_SIZE, _("cannot write %.300s: %s — choose a writable -w FILE"), path,
		         strerror(errno));
	return fp;
}

void demo_show_calls_to(struct demo_show *s, FILE *calls)
{
	s->calls_out = calls;
}

void demo_calls_said(FILE *log, const char *write)
{
	fprintf(log, _("layerscope demo: the socket calls shown are in %s.calls, beside the capture: read, "
	               "report and quiz of %s show them observed\n"), write, write);
}

void demo_show_intro(struct demo_show *s, unsigned clients, bool udp, bool together, unsigned port)
{
	lsc_timeline_intro(s->tl, clients, udp, together, port);
}

void demo_show_free(struct demo_show *s)
{
	if (s == NULL)
		return;
	if (s->ladder_st != NULL)
		s->ladder->end(s->ladder_st);
	if (s->ladder_out != NULL)
		fclose(s->ladder_out);
	free(s->ladder_buf);
	if (s->calls_out != NULL)
		fclose(s->calls_out);
	free(s->calls.v);
	lsc_stats_free(s->stats);
	lsc_flow_free(s->flows);
	lsc_timeline_free(s->tl);
	free(s);
}

static void show_call(struct demo_show *s, const struct demo_item *it)
{
	lsc_timeline_show_call(s->tl, &it->call);
	if (lsc_calls_add(&s->calls, &it->call) != 0)
		s->calls.n = 0; /* out of memory: the calls are inferred from here on, as read does */
	if (s->calls_out != NULL)
		lsc_calls_write(s->calls_out, it->ns, it->call.role, it->call.text);
}

/* The render stage: the timeline now, the ladder for the end. */
static void show_frame(void *state, const struct lsc_frame *f)
{
	struct demo_show *s = state;
	lsc_timeline_frame(s->tl, f);
	s->ladder->frame(s->ladder_st, f);
	s->frames++;
}

static const struct lsc_renderer demo_renderer = { .name = "demo", .frame = show_frame };

/* The items on their way through the loop: v[at..n) not yet shown. */
struct feed {
	struct demo_show *s;
	const struct lsc_demo_opts *o;
	size_t (*more)(void *ctx, struct demo_item ***items);
	void *more_ctx;
	struct demo_item **v;
	size_t n, at;
	size_t calls_from, calls_to; /* the calls before the frame in the loop */
	bool ended, stopped;
	bool stepped;                /* nothing shown since the last step ended */
	struct lsc_pace pace;
};

/* Drops what was shown, then appends what `more` hands out; false once nothing more will come. */
static bool fetch(struct feed *fd, char *err)
{
	struct demo_item **items;
	for (size_t i = 0; i < fd->at; i++)
		demo_item_free(fd->v[i]);
	if (fd->at > 0) {
		memmove(fd->v, fd->v + fd->at, (fd->n - fd->at) * sizeof *fd->v);
		fd->n -= fd->at;
		fd->at = 0;
	}
	size_t got = fd->more(fd->more_ctx, &items);
	if (got == 0)
		return false;
	struct demo_item **v = realloc(fd->v, (fd->n + got) * sizeof *v);
	if (v == NULL) {
		for (size_t i = 0; i < got; i++)
			demo_item_free(items[i]);
		free(items);
		snprintf(err, LSC_ERRBUF_SIZE, _("out of memory: the frames and calls after this were not shown"));
		return false;
	}
	memcpy(v + fd->n, items, got * sizeof *items);
	free(items);
	fd->v = v;
	fd->n += got;
	return true;
}

/* A step ends before calls that follow a frame; false when the user quits. */
static bool step_before_calls(struct feed *fd)
{
	if (fd->o->step == NULL || fd->stepped)
		return true;
	fd->stepped = true;
	if (fd->o->step(fd->o->step_ctx) == LSC_PIPELINE_STOP)
		fd->stopped = true;
	return !fd->stopped;
}

/* The source stage: the next frame; the calls before it wait for annotate(). */
static int next(void *ctx, struct lsc_frame *f, char *err)
{
	struct feed *fd = ctx;
	for (;;) {
		size_t i = fd->at;
		while (i < fd->n && !fd->v[i]->frame)
			i++;
		if (i < fd->n) {
			if (i > fd->at && !step_before_calls(fd))
				return 0;
			fd->calls_from = fd->at;
			fd->calls_to = i;
			fd->at = i + 1;
			f->source = fd->v[i]->src;
			f->has_owner = false;
			fd->stepped = false;
			return 1;
		}
		if (fd->ended || !fetch(fd, err)) {
			fd->ended = true;
			return err[0] != '\0' ? -1 : 0;
		}
	}
}

static void show_calls(struct feed *fd, size_t from, size_t to)
{
	for (size_t k = from; k < to; k++) {
		lsc_pace_until(&fd->pace, fd->v[k]->ns);
		show_call(fd->s, fd->v[k]);
	}
}

/* The annotate stage: the calls that came before this frame, shown before it. */
static void annotate(void *ctx, struct lsc_frame *f)
{
	struct feed *fd = ctx;
	(void)f;
	show_calls(fd, fd->calls_from, fd->calls_to);
	fd->calls_from = fd->calls_to;
}

int demo_show_run(struct demo_show *s, const struct lsc_demo_opts *o,
                  size_t (*more)(void *ctx, struct demo_item ***items), void *more_ctx, char *err)
{
	struct feed fd = { .s = s, .o = o, .more = more, .more_ctx = more_ctx, .stepped = true };
	lsc_pace_init(&fd.pace, o->speed);
	struct lsc_pipeline p = {
		.next = next,
		.next_ctx = &fd,
		.annotate = annotate,
		.annotate_ctx = &fd,
		.flows = s->flows,
		.pace = o->speed > 0 ? lsc_pace_frame : NULL,
		.pace_ctx = &fd.pace,
		.renderer = &demo_renderer,
		.render_state = s,
		.out = s->out,
		.flush_each = true, /* a live demo shows each frame as it settles */
		.observe = lsc_calls_observe,
		.observe_ctx = &s->calls,
	};
	err[0] = '\0';
	int rc = lsc_pipeline_run(&p, NULL, err);
	/* The calls after the last frame (the last close()). */
	if (rc == 0 && !fd.stopped && !ferror(s->out) && fd.at < fd.n && step_before_calls(&fd))
		show_calls(&fd, fd.at, fd.n);
	fflush(s->out);
	for (size_t i = 0; i < fd.n; i++)
		demo_item_free(fd.v[i]);
	free(fd.v);
	return rc;
}

static void heading(FILE *out, const char *title)
{
	fprintf(out, "\n==== %s ====\n\n", title);
}

long long demo_show_finish(struct demo_show *s, char *err)
{
	int rc = s->ladder->end(s->ladder_st);
	s->ladder_st = NULL;
	if (rc != 0 || fflush(s->ladder_out) != 0) {
		snprintf(err, LSC_ERRBUF_SIZE, _("writing the ladder diagrams: %s"), strerror(errno));
		return -1;
	}
	if (s->calls_out != NULL) {
		FILE *calls = s->calls_out;
		s->calls_out = NULL;
		if (fclose(calls) != 0) {
			snprintf(err, LSC_ERRBUF_SIZE, _("writing the calls beside the capture: %s"), strerror(errno));
			return -1;
		}
	}
	heading(s->out, _("each conversation as a ladder (client left, server right)"));
	fwrite(s->ladder_buf, 1, s->ladder_len, s->out);
	heading(s->out, _("the conversations"));
	if (lsc_stats_write(s->stats, s->out) != 0) {
		snprintf(err, LSC_ERRBUF_SIZE, _("out of memory sorting the conversation table"));
		return -1;
	}
	if (fflush(s->out) != 0 || ferror(s->out)) {
		snprintf(err, LSC_ERRBUF_SIZE, _("writing the output: %s — check the disk or device it goes to"),
		         strerror(errno));
		return -1;
	}
	return s->frames;
}

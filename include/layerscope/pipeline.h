/* SPDX-License-Identifier: BSD-3-Clause */
/* pipeline.h: the read loop, on one thread: source → decode → annotate → track → observe → pace → render → step. */
#ifndef LAYERSCOPE_PIPELINE_H
#define LAYERSCOPE_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <layerscope/frame.h>
#include <layerscope/render.h>
#include <layerscope/source.h>
#include <layerscope/api.h>

#ifdef __cplusplus
extern "C" {
#endif

struct lsc_flow_tracker;

/* What a step hook returns. */
enum lsc_pipeline_verdict { LSC_PIPELINE_GO = 0, LSC_PIPELINE_STOP };

/*
 * One loop for every command that shows frames (read, live, demo, demo
 * --replay).  The caller owns every object named here: it opens the
 * source, makes the tracker and begins the renderer, and ends them after
 * lsc_pipeline_run().  Each stage is one field; a NULL hook is skipped.
 */
struct lsc_pipeline {
	/* Source: frames from `src`, or from `next` when set (same contract as lsc_source_next()). */
	struct lsc_source *src;
	int (*next)(void *ctx, struct lsc_frame *f, char *err);
	void *next_ctx;
	/* After decode, before track: adds to the frame (live's process owners), or shows
	 * what comes before it on the same output (the demo's socket calls). */
	void (*annotate)(void *ctx, struct lsc_frame *f);
	void *annotate_ctx;
	/* Track: NULL for no tracking. */
	struct lsc_flow_tracker *flows;
	/* Before render: waits until the frame is due (--speed: lsc_pace_frame). */
	void (*pace)(void *ctx, const struct lsc_frame *f);
	void *pace_ctx;
	/* Render: renderer->frame(render_state, f) for each frame; `out` is the renderer's
	 * stream, checked for errors after each frame and flushed when `flush_each`. */
	const struct lsc_renderer *renderer;
	void *render_state;
	FILE *out;
	bool flush_each;
	/* After render: LSC_PIPELINE_GO, or LSC_PIPELINE_STOP to end the loop (--step's quit). */
	enum lsc_pipeline_verdict (*step)(void *ctx, const struct lsc_frame *f);
	void *step_ctx;
	unsigned long long count; /* frames to show, 0: all */
	/* After track: what was seen replaces what track inferred (the socket calls recorded
	 * beside a capture, lsc_calls_observe). */
	void (*observe)(void *ctx, struct lsc_frame *f);
	void *observe_ctx;
};

/*
 * The stages before render for one frame: read it, decode it, annotate
 * it, track it, observe it.  1 with *f filled; 0 at the end of the input; -1 with
 * `err` (LSC_ERRBUF_SIZE bytes) filled.  For a caller with a loop of its
 * own (report); lsc_pipeline_run() reads through it.
 */
LSC_API int lsc_pipeline_next(const struct lsc_pipeline *p, struct lsc_frame *f, char *err);

/*
 * Runs every stage, a frame at a time, until the input ends, `count`
 * frames were shown, the step hook says stop, or writing to `out` failed
 * (the caller asks ferror(out)).  Sets *shown (may be NULL) to the frames
 * rendered.  0, or -1 with the source's error (or "out of memory") in
 * `err`: the frames before it were shown.
 */
LSC_API int lsc_pipeline_run(const struct lsc_pipeline *p, unsigned long long *shown, char *err);

/*
 * --speed: frames (and the demo's calls) shown at their stamps' pace.
 * `factor` 1 is the capture's own timing, 0.1 ten times slower, 0 no
 * waiting.  The first stamp waited for sets the start; a stamp earlier
 * than one before it does not wait.
 */
struct lsc_pace {
	double factor;
	bool started;
	int64_t first_ns;    /* the first stamp, ns since the epoch */
	int64_t start_ns;    /* CLOCK_MONOTONIC when it was shown */
};
LSC_API void lsc_pace_init(struct lsc_pace *pc, double factor);
/* Sleeps until the stamp `ns` (ns since the epoch) is due. */
LSC_API void lsc_pace_until(struct lsc_pace *pc, int64_t ns);
/* A pace hook: `ctx` is a struct lsc_pace. */
LSC_API void lsc_pace_frame(void *ctx, const struct lsc_frame *f);

#ifdef __cplusplus
}
#endif

#endif

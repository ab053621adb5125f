/* SPDX-License-Identifier: BSD-3-Clause */
/* ways.h: which way `read` renders, on its own thread or on a second one: the faster, as measured. */
#ifndef LAYERSCOPE_WAYS_H
#define LAYERSCOPE_WAYS_H

#include <stdbool.h>
#include <stdint.h>

/* What a run of windows one way is for. */
enum lsc_run_kind {
	LSC_RUN_PLAIN,   /* the way chosen */
	LSC_RUN_TRIAL,   /* a trial of the other way */
	LSC_RUN_RECHECK  /* the way a trial beat, measured again */
};

/* How long runs are, in windows (the caller's measure: pipeline.c's is 4096 frames). */
struct lsc_ways_lengths {
	unsigned first; /* the first run, on two threads */
	unsigned run;   /* a plain run, */
	unsigned backoff; /* times 2^(trials lost in a row), up to this many */
	unsigned trial; /* a trial, and a recheck */
};

struct lsc_ways {
	struct lsc_ways_lengths len;
	bool two;               /* the current run's way: two threads, or one */
	enum lsc_run_kind kind;
	unsigned windows, run_len; /* windows of the current run, and how many it gets */
	int64_t run_sum;        /* its windows' times a frame, the first left out, */
	unsigned run_n;         /* and how many */
	int64_t last[2];        /* the mean window of the last run of [0] one thread, [1] two */
	unsigned lost;          /* trials lost in a row since one last took over, up to len.backoff */
};

/*
 * Starts on two threads, for a first run of len.first windows.  Every run
 * is 2 windows at least (its first is not counted): first, run and trial
 * are 2 or more, and run << backoff fits an unsigned.
 */
void lsc_ways_init(struct lsc_ways *w, const struct lsc_ways_lengths *len);

/*
 * One window's time a frame, on the current way.  True when the next run
 * goes the other way: w->two then says which, and the caller switches.
 */
bool lsc_ways_window(struct lsc_ways *w, int64_t ns_per_frame);

#endif

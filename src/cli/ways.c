/* SPDX-License-Identifier: BSD-3-Clause */
/* ways.c: which way `read` renders, one thread or two: runs of measured windows, and trials of the other way. */
#include <config.h>

#include <assert.h>
#include <limits.h>

#include "ways.h"

/*
 * A run of len.run windows one way is followed by a trial of the other.
 * A trial wins only when its windows are 10% faster, on average, than
 * those of the run before it, and then again than those of the way it
 * beat, measured once more for as long: the run before a trial may have met
 * a burst of other work, or the start of the read: the first run also pays
 * for the conversation table's first 2 MiB, faulted in 4 KiB at a time,
 * and the trial after it gets huge pages.  In one series of six reads the
 * first run went at 270-550 ns a frame on two threads (later runs at
 * 160-180), and one thread won 2 first trials of 6 (250 ns against 271 and
 * 285) and kept the next run, half of a 1M-frame read, at its own pace.
 *
 * The mean, because it is what the whole read costs: beside a CPU hog,
 * most windows on two threads were as fast as on one, but now and then one
 * thread lost its CPU for milliseconds and the other waited, and two
 * threads took 25% longer than one.  Judged by their best window, or their
 * median, they kept winning.  A trial that lost costs its windows: 4 of
 * 4096 frames, 1.6% of a 1M-frame read, at some two thirds of the pace,
 * about 1% of the read's time.  Each lost in a row doubles the next run, so
 * that such a read makes one trial, not two.
 */

static void run(struct lsc_ways *w, bool two, unsigned len, enum lsc_run_kind kind)
{
	w->two = two;
	w->kind = kind;
	w->windows = 0;
	w->run_len = len;
	w->run_sum = 0;
	w->run_n = 0;
}

void lsc_ways_init(struct lsc_ways *w, const struct lsc_ways_lengths *len)
{
	assert(len->first >= 2 && len->run >= 2 && len->trial >= 2 && len->backoff < 16 &&
	       len->run <= UINT_MAX >> len->backoff);
	*w = (struct lsc_ways){ .len = *len };
	run(w, true, len->first, LSC_RUN_PLAIN);
}

/* Whether a mean of `a` a frame is 10% faster than one of `b`. */
static bool faster(int64_t a, int64_t b)
{
	return a * 10 < b * 9;
}

bool lsc_ways_window(struct lsc_ways *w, int64_t ns_per_frame)
{
	if (w->windows++ > 0) { /* the first window of a run warms it up */
		w->run_sum += ns_per_frame;
		w->run_n++;
	}
	if (w->windows < w->run_len)
		return false;
	bool way = w->two;
	w->last[way] = w->run_sum / (int64_t)w->run_n; /* run_len >= 2: one window at least */
	switch (w->kind) {
	case LSC_RUN_PLAIN:
		run(w, !way, w->len.trial, LSC_RUN_TRIAL);
		return true;
	case LSC_RUN_TRIAL:
		if (faster(w->last[way], w->last[!way])) {
			run(w, !way, w->len.trial, LSC_RUN_RECHECK);
			return true;
		}
		way = !way; /* lost: back to the way before it */
		break;
	case LSC_RUN_RECHECK:
		if (faster(w->last[!way], w->last[way])) {
			w->lost = 0; /* the trial's way won twice: it takes over */
			run(w, !way, w->len.run, LSC_RUN_PLAIN);
			return true;
		}
		break; /* the trial lost after all: this way goes on */
	}
	if (w->lost < w->len.backoff)
		w->lost++;
	bool switched = way != w->two;
	run(w, way, w->len.run << w->lost, LSC_RUN_PLAIN);
	return switched;
}

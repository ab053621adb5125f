/* SPDX-License-Identifier: BSD-3-Clause */
/* test_ways.c: the choice between rendering on one thread and two (src/cli/ways.c), window by window. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../src/cli/ways.h"

/* Short runs: a first of 3 windows, plain ones of 5 (doubled at most twice), trials and rechecks of 3. */
static const struct lsc_ways_lengths LEN = { 3, 5, 2, 3 };

/*
 * Feeds the current run its windows, at `two_ns` a frame on two threads
 * and `one_ns` on one; returns whether the way changed at its end.
 */
static bool run_through(struct lsc_ways *w, int64_t one_ns, int64_t two_ns)
{
	unsigned len = w->run_len;
	for (unsigned i = 0; i + 1 < len; i++)
		assert_false(lsc_ways_window(w, w->two ? two_ns : one_ns));
	return lsc_ways_window(w, w->two ? two_ns : one_ns);
}

/* Two threads faster: each trial of one loses, and runs grow until the cap. */
static void test_two_faster(void **state)
{
	(void)state;
	struct lsc_ways w;
	lsc_ways_init(&w, &LEN);
	assert_true(w.two);
	assert_int_equal(w.run_len, 3);
	assert_true(run_through(&w, 300, 180)); /* the first run ends: a trial of one */
	assert_false(w.two);
	assert_int_equal(w.kind, LSC_RUN_TRIAL);
	assert_int_equal(w.run_len, 3);
	assert_true(run_through(&w, 300, 180)); /* lost: back to two, for twice a run */
	assert_true(w.two);
	assert_int_equal(w.kind, LSC_RUN_PLAIN);
	assert_int_equal(w.run_len, 10);
	assert_true(run_through(&w, 300, 180));
	assert_true(run_through(&w, 300, 180));
	assert_int_equal(w.run_len, 20);
	assert_true(run_through(&w, 300, 180));
	assert_true(run_through(&w, 300, 180));
	assert_int_equal(w.run_len, 20); /* 5 << 2: no longer */
	assert_int_equal(w.last[1], 180);
	assert_int_equal(w.last[0], 300);
}

/* A trial that wins once, against a slow start, is measured again, and loses. */
static void test_recheck_undoes_a_lucky_trial(void **state)
{
	(void)state;
	struct lsc_ways w;
	lsc_ways_init(&w, &LEN);
	assert_true(run_through(&w, 0, 285));   /* the start: two threads slow */
	assert_true(run_through(&w, 250, 0));   /* one thread 12% faster: recheck two */
	assert_true(w.two);
	assert_int_equal(w.kind, LSC_RUN_RECHECK);
	assert_int_equal(w.run_len, 3);
	assert_false(run_through(&w, 0, 175));  /* two at its pace: stays, no switch */
	assert_true(w.two);
	assert_int_equal(w.kind, LSC_RUN_PLAIN);
	assert_int_equal(w.run_len, 10);        /* a lost trial: the run doubles */
}

/* One thread really faster (two share a CPU): it wins twice and takes over; the way back is tried later. */
static void test_one_faster_takes_over(void **state)
{
	(void)state;
	struct lsc_ways w;
	lsc_ways_init(&w, &LEN);
	assert_true(run_through(&w, 260, 500));
	assert_true(run_through(&w, 260, 500)); /* trial won: recheck */
	assert_true(run_through(&w, 260, 500)); /* won again: one thread */
	assert_false(w.two);
	assert_int_equal(w.kind, LSC_RUN_PLAIN);
	assert_int_equal(w.run_len, 5);
	assert_int_equal(w.lost, 0);
	assert_true(run_through(&w, 260, 500)); /* a trial of two, */
	assert_true(w.two);
	assert_int_equal(w.kind, LSC_RUN_TRIAL);
	assert_true(run_through(&w, 260, 500)); /* lost: one thread again */
	assert_false(w.two);
	assert_int_equal(w.run_len, 10);
	/* The CPU freed: two threads win their trial and its recheck. */
	assert_true(run_through(&w, 260, 175));
	assert_true(run_through(&w, 260, 175));
	assert_true(run_through(&w, 260, 175));
	assert_true(w.two);
	assert_int_equal(w.kind, LSC_RUN_PLAIN);
	assert_int_equal(w.run_len, 5);
	assert_int_equal(w.lost, 0); /* the trial that took over counts from none lost */
	assert_true(run_through(&w, 260, 175)); /* a trial of one, */
	assert_true(run_through(&w, 260, 175)); /* lost: */
	assert_true(w.two);
	assert_int_equal(w.run_len, 10);       /* doubled once, not twice */
}

/* The first window of every run is left out: a slow hand-over does not count against the new way. */
static void test_first_window_left_out(void **state)
{
	(void)state;
	struct lsc_ways w;
	lsc_ways_init(&w, &LEN);
	assert_false(lsc_ways_window(&w, 5000));
	assert_false(lsc_ways_window(&w, 180));
	assert_true(lsc_ways_window(&w, 190));
	assert_int_equal(w.last[1], 185);
	/* The trial's first window would make it win; left out, 170 against 185 is 8%: not 10% faster. */
	assert_false(lsc_ways_window(&w, 10));
	assert_false(lsc_ways_window(&w, 170));
	assert_true(lsc_ways_window(&w, 170));
	assert_true(w.two);
	assert_int_equal(w.kind, LSC_RUN_PLAIN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_faster),
		cmocka_unit_test(test_recheck_undoes_a_lucky_trial),
		cmocka_unit_test(test_one_faster_takes_over),
		cmocka_unit_test(test_first_window_left_out),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

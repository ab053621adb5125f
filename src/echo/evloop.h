/* SPDX-License-Identifier: BSD-3-Clause */
/* evloop.h: a small readiness event loop (file events and timers) in the manner of Redis's ae. */
#ifndef LAYERSCOPE_EVLOOP_H
#define LAYERSCOPE_EVLOOP_H

#include <stdint.h>

#define LSC_EV_NONE  0
#define LSC_EV_READ  1
#define LSC_EV_WRITE 2

struct lsc_evloop;

/* Called when `fd` is ready for the bits in `mask` (a subset of its interest). */
typedef void lsc_ev_file_fn(struct lsc_evloop *l, int fd, void *data, int mask);
/* Called when a timer is due; returns milliseconds until it runs again, or -1 to end it. */
typedef int64_t lsc_ev_timer_fn(struct lsc_evloop *l, void *data);

/* A new loop, or NULL with `err` (LSC_ERRBUF_SIZE bytes) filled. */
struct lsc_evloop *lsc_ev_new(char *err);

/* Frees the loop and its timers; the file descriptors belong to the caller. */
void lsc_ev_free(struct lsc_evloop *l);

/*
 * Adds the bits of `mask` to fd's interest, with `fn` and `data` for all of
 * them.  Returns 0, or -1 with `err` (no memory, the backend refused the fd).
 */
int lsc_ev_add(struct lsc_evloop *l, int fd, int mask, lsc_ev_file_fn *fn, void *data, char *err);

/* Removes the bits of `mask` from fd's interest; with none left, the loop forgets fd. */
void lsc_ev_del(struct lsc_evloop *l, int fd, int mask);

/* The fd's current interest. */
int lsc_ev_mask(const struct lsc_evloop *l, int fd);

/* Runs `fn` after `ms` milliseconds; returns the timer's id (> 0), or 0 out of memory. */
uint64_t lsc_ev_timer_add(struct lsc_evloop *l, int64_t ms, lsc_ev_timer_fn *fn, void *data);

/* Cancels a timer; an id that is gone is ignored. */
void lsc_ev_timer_del(struct lsc_evloop *l, uint64_t id);

/* Makes lsc_ev_run() return after the current round of events (call it from a callback). */
void lsc_ev_stop(struct lsc_evloop *l);

/* Like lsc_ev_stop(), but async-signal-safe and callable from any thread. */
void lsc_ev_wake(struct lsc_evloop *l);

/* True once lsc_ev_stop() or lsc_ev_wake() was called. */
int lsc_ev_stopped(const struct lsc_evloop *l);

/*
 * Waits for events (at most `timeout_ms`; -1 for until the next timer or
 * event) and dispatches them and every due timer.  EINTR is a quiet round.
 * Returns the number of callbacks run, or -1 with `err` when polling fails.
 */
int lsc_ev_once(struct lsc_evloop *l, int timeout_ms, char *err);

/* Runs rounds until stopped.  Returns 0, or -1 with `err`. */
int lsc_ev_run(struct lsc_evloop *l, char *err);

/* Milliseconds on CLOCK_MONOTONIC, the clock timers run on. */
int64_t lsc_ev_now_ms(void);

/* ---- the backend (one file per OS; Linux: evloop-epoll.c) ---------------- */

struct lsc_evb;
struct lsc_ev_fired {
	int fd;
	int mask;
};

struct lsc_evb *lsc_evb_new(char *err);
void lsc_evb_free(struct lsc_evb *b);
/* Changes fd's interest from `old` to `mask` (either may be LSC_EV_NONE). 0, or -1 with errno. */
int lsc_evb_set(struct lsc_evb *b, int fd, int old, int mask);
/* Waits up to `timeout_ms` (-1: forever); fills at most `max` entries.  Returns the count, or -1 with errno. */
int lsc_evb_poll(struct lsc_evb *b, int timeout_ms, struct lsc_ev_fired *out, int max);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* evloop.c: the event loop's API: file events by descriptor, one-shot and repeating timers, wake-ups. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include <layerscope/source.h>

#include "../lib/i18n.h"
#include "evloop.h"

struct file_ev {
	int mask;
	lsc_ev_file_fn *fn;
	void *data;
};

struct timer {
	uint64_t id;
	int64_t when; /* lsc_ev_now_ms() */
	uint64_t round; /* the last round it ran in, so a 0 ms repeat waits for the next */
	lsc_ev_timer_fn *fn;
	void *data;
	struct timer *next;
};

#define FIRED_MAX 1024

struct lsc_evloop {
	struct lsc_evb *b;
	struct file_ev *files; /* indexed by descriptor, grown on demand */
	int nfiles;
	struct timer *timers;  /* few (a duration, a pause): a list is enough */
	uint64_t next_id;
	uint64_t round;
	volatile int stop;
	int wakefd;            /* eventfd: the way in for signal handlers and threads */
	struct lsc_ev_fired fired[FIRED_MAX];
};

int64_t lsc_ev_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_wake(struct lsc_evloop *l, int fd, void *data, int mask)
{
	uint64_t v;
	(void)data, (void)mask;
	while (read(fd, &v, sizeof v) < 0 && errno == EINTR)
		;
	l->stop = 1;
}

struct lsc_evloop *lsc_ev_new(char *err)
{
	struct lsc_evloop *l = calloc(1, sizeof *l);
	if (l == NULL) {
		snprintf(err, LSC_ERRBUF_SIZE, _("event loop: out of memory"));
		return NULL;
	}
	l->wakefd = -1;
	l->next_id = 1;
	l->b = lsc_evb_new(err);
	if (l->b == NULL)
		goto fail;
	l->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (l->wakefd < 0) {
		snprintf(err, LSC_ERRBUF_SIZE, _("eventfd: %s — raise the open-file limit (ulimit -n)"),
		         strerror(errno));
		goto fail;
	}
	if (lsc_ev_add(l, l->wakefd, LSC_EV_READ, on_wake, NULL, err) != 0)
		goto fail;
	return l;
fail:
	lsc_ev_free(l);
	return NULL;
}

void lsc_ev_free(struct lsc_evloop *l)
{
	if (l == NULL)
		return;
	while (l->timers != NULL) {
		struct timer *t = l->timers;
		l->timers = t->next;
		free(t);
	}
	if (l->wakefd >= 0)
		close(l->wakefd);
	lsc_evb_free(l->b);
	free(l->files);
	free(l);
}

static int grow(struct lsc_evloop *l, int fd)
{
	if (fd < l->nfiles)
		return 0;
	int n = l->nfiles ? l->nfiles : 64;
	while (n <= fd)
		n *= 2;
	struct file_ev *f = realloc(l->files, (size_t)n * sizeof *f);
	if (f == NULL)
		return -1;
	memset(f + l->nfiles, 0, (size_t)(n - l->nfiles) * sizeof *f);
	l->files = f;
	l->nfiles = n;
	return 0;
}

int lsc_ev_add(struct lsc_evloop *l, int fd, int mask, lsc_ev_file_fn *fn, void *data, char *err)
{
	if (fd < 0 || grow(l, fd) != 0) {
		snprintf(err, LSC_ERRBUF_SIZE, _("event loop: cannot watch descriptor %d: out of memory"), fd);
		return -1;
	}
	struct file_ev *f = &l->files[fd];
	int want = f->mask | mask;
	if (want != f->mask && lsc_evb_set(l->b, fd, f->mask, want) != 0) {
		snprintf(err, LSC_ERRBUF_SIZE, "epoll_ctl(%d): %s", fd, strerror(errno));
		return -1;
	}
	f->mask = want;
	f->fn = fn;
	f->data = data;
	return 0;
}

void lsc_ev_del(struct lsc_evloop *l, int fd, int mask)
{
	if (fd < 0 || fd >= l->nfiles)
		return;
	struct file_ev *f = &l->files[fd];
	int want = f->mask & ~mask;
	if (want == f->mask)
		return;
	/* Removing interest cannot fail for a descriptor the loop added. */
	(void)lsc_evb_set(l->b, fd, f->mask, want);
	f->mask = want;
}

int lsc_ev_mask(const struct lsc_evloop *l, int fd)
{
	return fd >= 0 && fd < l->nfiles ? l->files[fd].mask : LSC_EV_NONE;
}

uint64_t lsc_ev_timer_add(struct lsc_evloop *l, int64_t ms, lsc_ev_timer_fn *fn, void *data)
{
	struct timer *t = malloc(sizeof *t);
	if (t == NULL)
		return 0;
	t->id = l->next_id++;
	t->when = lsc_ev_now_ms() + (ms > 0 ? ms : 0);
	t->round = l->round;
	t->fn = fn;
	t->data = data;
	t->next = l->timers;
	l->timers = t;
	return t->id;
}

void lsc_ev_timer_del(struct lsc_evloop *l, uint64_t id)
{
	for (struct timer **p = &l->timers; *p != NULL; p = &(*p)->next) {
		if ((*p)->id == id) {
			struct timer *t = *p;
			*p = t->next;
			free(t);
			return;
		}
	}
}

void lsc_ev_stop(struct lsc_evloop *l)
{
	l->stop = 1;
}

void lsc_ev_wake(struct lsc_evloop *l)
{
	uint64_t one = 1;
	l->stop = 1;
	/* A full counter (never in practice) still leaves the descriptor readable. */
	while (write(l->wakefd, &one, sizeof one) < 0 && errno == EINTR)
		;
}

int lsc_ev_stopped(const struct lsc_evloop *l)
{
	return l->stop;
}

/* Milliseconds to the nearest timer, capped by `timeout_ms` (-1: no cap). */
static int poll_timeout(const struct lsc_evloop *l, int timeout_ms)
{
	if (l->timers == NULL)
		return timeout_ms;
	int64_t now = lsc_ev_now_ms(), best = INT64_MAX;
	for (const struct timer *t = l->timers; t != NULL; t = t->next)
		if (t->when - now < best)
			best = t->when - now;
	if (best < 0)
		best = 0;
	if (timeout_ms >= 0 && best > timeout_ms)
		best = timeout_ms;
	return best > 86400000 ? 86400000 : (int)best;
}

/* Runs the timers due now, each at most once a round.  A callback may add
 * or delete timers, so the scan restarts after each run. */
static int run_timers(struct lsc_evloop *l)
{
	int ran = 0;
	int64_t now = lsc_ev_now_ms();
	l->round++;
again:
	for (struct timer *t = l->timers; t != NULL; t = t->next) {
		if (t->round == l->round || t->when > now)
			continue;
		t->round = l->round;
		uint64_t id = t->id;
		int64_t again_ms = t->fn(l, t->data);
		ran++;
		if (again_ms < 0) {
			lsc_ev_timer_del(l, id);
		} else {
			for (struct timer *u = l->timers; u != NULL; u = u->next)
				if (u->id == id)
					u->when = lsc_ev_now_ms() + again_ms;
		}
		goto again;
	}
	return ran;
}

int lsc_ev_once(struct lsc_evloop *l, int timeout_ms, char *err)
{
	int n = lsc_evb_poll(l->b, poll_timeout(l, timeout_ms), l->fired, FIRED_MAX);
	if (n < 0) {
		snprintf(err, LSC_ERRBUF_SIZE, "epoll_wait: %s", strerror(errno));
		return -1;
	}
	int ran = 0;
	for (int i = 0; i < n; i++) {
		int fd = l->fired[i].fd;
		if (fd >= l->nfiles)
			continue;
		/* An earlier callback may have dropped interest in (or closed) this fd. */
		struct file_ev *f = &l->files[fd];
		int mask = l->fired[i].mask & f->mask;
		if (mask == LSC_EV_NONE)
			continue;
		f->fn(l, fd, f->data, mask);
		ran++;
	}
	return ran + run_timers(l);
}

int lsc_ev_run(struct lsc_evloop *l, char *err)
{
	while (!l->stop)
		if (lsc_ev_once(l, -1, err) < 0)
			return -1;
	return 0;
}

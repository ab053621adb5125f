/* SPDX-License-Identifier: BSD-3-Clause */
/* queue.c: frames and socket calls from several threads, handed out in time order. */
#include <config.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <layerscope/frame.h>

#include "demo-int.h"

struct list {
	struct demo_item **v;
	size_t head, n, cap;
};

struct demo_queue {
	pthread_mutex_t lock;
	struct list frames; /* capture order */
	struct list calls;  /* sorted by stamp */
};

struct demo_queue *demo_queue_new(void)
{
	struct demo_queue *q = calloc(1, sizeof *q);
	if (q != NULL)
		pthread_mutex_init(&q->lock, NULL);
	return q;
}

void demo_item_free(struct demo_item *it)
{
	if (it == NULL)
		return;
	free(it->data);
	free(it);
}

static void list_free(struct list *l)
{
	for (size_t i = l->head; i < l->n; i++)
		demo_item_free(l->v[i]);
	free(l->v);
}

void demo_queue_free(struct demo_queue *q)
{
	if (q == NULL)
		return;
	list_free(&q->frames);
	list_free(&q->calls);
	pthread_mutex_destroy(&q->lock);
	free(q);
}

static int list_append(struct list *l, struct demo_item *it)
{
	if (l->head > 0 && l->head == l->n)
		l->head = l->n = 0; /* everything was taken: start over */
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct demo_item **v = realloc(l->v, cap * sizeof *v);
		if (v == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = it;
	return 0;
}

int demo_queue_push(struct demo_queue *q, struct demo_item *it)
{
	pthread_mutex_lock(&q->lock);
	struct list *l = it->frame ? &q->frames : &q->calls;
	int rc = list_append(l, it);
	if (rc == 0 && !it->frame) {
		/* Threads stamp a call before they hand it in: a few may come late. */
		for (size_t i = l->n - 1; i > l->head && l->v[i - 1]->ns > l->v[i]->ns; i--) {
			struct demo_item *t = l->v[i - 1];
			l->v[i - 1] = l->v[i];
			l->v[i] = t;
		}
	}
	pthread_mutex_unlock(&q->lock);
	if (rc != 0)
		demo_item_free(it);
	return rc;
}

static struct demo_item *peek(const struct list *l)
{
	return l->head < l->n ? l->v[l->head] : NULL;
}

size_t demo_queue_take(struct demo_queue *q, int64_t cutoff_ns, struct demo_item ***out)
{
	size_t n = 0;
	*out = NULL;
	pthread_mutex_lock(&q->lock);
	size_t avail = (q->frames.n - q->frames.head) + (q->calls.n - q->calls.head);
	struct demo_item **v = avail > 0 ? malloc(avail * sizeof *v) : NULL;
	while (v != NULL) {
		struct demo_item *f = peek(&q->frames), *c = peek(&q->calls);
		struct demo_item *next = f == NULL ? c : c == NULL ? f : c->ns <= f->ns ? c : f;
		if (next == NULL || next->ns > cutoff_ns)
			break;
		if (next == f)
			q->frames.head++;
		else
			q->calls.head++;
		v[n++] = next;
	}
	pthread_mutex_unlock(&q->lock);
	if (n == 0) {
		free(v);
		return 0;
	}
	*out = v;
	return n;
}

struct demo_item *demo_item_frame(const struct lsc_frame *f)
{
	struct demo_item *it = calloc(1, sizeof *it);
	if (it == NULL)
		return NULL;
	it->data = malloc(f->caplen ? f->caplen : 1);
	if (it->data == NULL) {
		free(it);
		return NULL;
	}
	memcpy(it->data, f->data, f->caplen);
	it->frame = true;
	it->ns = lsc_time_ns(f->ts_sec, f->ts_nsec); /* clamped: a replayed capture may carry any stamp */
	it->src = f->source;
	it->src.data = it->data;
	return it;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* reasm.c: one direction of a TCP stream put back in order (RFC 9293 section 3.10.7.4), in a bounded buffer. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "flow-int.h"

#define REASM_SEGS 256 /* early segments waiting at once */

/* A segment that arrived before the bytes ahead of it; its bytes sit in the arena. */
struct waiting {
	uint64_t frame;
	uint32_t seq, len;
	uint32_t off;      /* in the arena */
	bool hole;         /* bytes the capture lacks: no arena bytes */
};

struct lsc_reasm {
	lsc_reasm_fn out;
	void *ctx;
	bool started;
	uint32_t next;     /* the next sequence number to deliver */
	uint32_t cap, used;
	uint32_t size;     /* bytes allocated: the arena grows to `cap` only as segments wait */
	uint8_t *arena;
	unsigned n;        /* waiting segments, sorted by seq */
	struct waiting w[REASM_SEGS];
};

struct lsc_reasm *lsc_reasm_new(uint32_t cap, lsc_reasm_fn out, void *ctx)
{
	struct lsc_reasm *r = calloc(1, sizeof *r);
	if (r == NULL)
		return NULL;
	r->cap = cap;
	r->out = out;
	r->ctx = ctx;
	return r;
}

void lsc_reasm_free(struct lsc_reasm *r)
{
	if (r == NULL)
		return;
	free(r->arena);
	free(r);
}

static void emit(struct lsc_reasm *r, uint64_t frame, const uint8_t *data, uint32_t len, bool late)
{
	struct lsc_reasm_chunk c = { frame, r->next, data, len, late };
	if (len == 0)
		return;
	r->out(&c, r->ctx);
	r->next += len;
}

/* Delivers the part of [seq, seq+len) past r->next; false when it starts beyond r->next. */
static bool deliver(struct lsc_reasm *r, uint64_t frame, uint32_t seq, const uint8_t *data,
                    uint32_t len, bool late)
{
	if (SEQ_GT(seq, r->next))
		return false;
	if (SEQ_LE(seq + len, r->next))
		return true; /* every byte was delivered already: a retransmission */
	uint32_t skip = r->next - seq;
	emit(r, frame, data != NULL ? data + skip : NULL, len - skip, late);
	return true;
}

/* Moves the waiting bytes to the front of the arena, in sequence order. */
static void compact(struct lsc_reasm *r)
{
	uint32_t used = 0;
	for (unsigned i = 0; i < r->n; i++) {
		struct waiting *w = &r->w[i];
		if (w->hole)
			continue;
		memmove(r->arena + used, r->arena + w->off, w->len);
		w->off = used;
		used += w->len;
	}
	r->used = used;
}

/* Delivers every waiting segment the stream has reached. */
static void drain(struct lsc_reasm *r)
{
	unsigned done = 0;
	while (done < r->n) {
		const struct waiting *w = &r->w[done];
		if (!deliver(r, w->frame, w->seq, w->hole ? NULL : r->arena + w->off, w->len, true))
			break;
		done++;
	}
	if (done == 0)
		return;
	memmove(r->w, r->w + done, (r->n - done) * sizeof r->w[0]);
	r->n -= done;
	compact(r);
}

/* Gives up on the bytes before the first waiting segment: they become a gap. */
static void skip_gap(struct lsc_reasm *r)
{
	if (r->n == 0)
		return;
	if (SEQ_GT(r->w[0].seq, r->next))
		emit(r, 0, NULL, r->w[0].seq - r->next, false);
	drain(r);
}

/* Room for `need` arena bytes (need <= cap), doubling from 4 KiB: most streams never wait. */
static bool reserve(struct lsc_reasm *r, uint32_t need)
{
	if (need <= r->size)
		return true;
	uint64_t size = r->size ? (uint64_t)r->size * 2 : 4096;
	if (size < need)
		size = need;
	if (size > r->cap)
		size = r->cap;
	uint8_t *a = realloc(r->arena, (size_t)size);
	if (a == NULL)
		return false;
	r->arena = a;
	r->size = (uint32_t)size;
	return true;
}

static void wait_for(struct lsc_reasm *r, uint64_t frame, uint32_t seq, const uint8_t *data, uint32_t len)
{
	while (r->n == REASM_SEGS || (data != NULL && r->cap - r->used < len)) {
		if (r->n == 0)
			break;
		skip_gap(r);
		if (deliver(r, frame, seq, data, len, true)) {
			drain(r);
			return;
		}
	}
	if (data != NULL && (r->cap - r->used < len || !reserve(r, r->used + len))) {
		/* Larger than the whole buffer (or no memory for it): deliver it now, after a gap. */
		emit(r, 0, NULL, seq - r->next, false);
		deliver(r, frame, seq, data, len, true);
		return;
	}
	unsigned i = r->n;
	while (i > 0 && SEQ_GT(r->w[i - 1].seq, seq))
		i--;
	memmove(r->w + i + 1, r->w + i, (r->n - i) * sizeof r->w[0]);
	struct waiting *w = &r->w[i];
	w->frame = frame;
	w->seq = seq;
	w->len = len;
	w->hole = data == NULL;
	w->off = r->used;
	if (data != NULL) {
		memcpy(r->arena + r->used, data, len);
		r->used += len;
	}
	r->n++;
}

static void add_piece(struct lsc_reasm *r, uint64_t frame, uint32_t seq, const uint8_t *data, uint32_t len)
{
	if (len == 0)
		return;
	if (deliver(r, frame, seq, data, len, false))
		drain(r);
	else
		wait_for(r, frame, seq, data, len);
}

void lsc_reasm_start(struct lsc_reasm *r, uint32_t seq)
{
	r->started = true;
	r->next = seq;
}

void lsc_reasm_add(struct lsc_reasm *r, uint64_t frame, uint32_t seq, const uint8_t *data,
                   uint32_t len, uint32_t claimed)
{
	if (!r->started)
		lsc_reasm_start(r, seq);
	add_piece(r, frame, seq, data, len);
	/* Bytes on the wire the capture did not keep (a short snaplen). */
	if (claimed > len)
		add_piece(r, frame, seq + len, NULL, claimed - len);
}

void lsc_reasm_finish(struct lsc_reasm *r)
{
	while (r->n > 0)
		skip_gap(r);
}
